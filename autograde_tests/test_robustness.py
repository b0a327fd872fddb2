"""Grading holds under faults, tampering and attacks on the verdict: every case of ``course robustness`` (real
autograde of 56 crafted submissions, then a resumed run, a repeated run, a forced regrade and feedback) must hold."""
import pytest

from autograde_tests.conftest import ROOT
from courseadmin import robustness

# one worker computes the module's expensive fixture once
pytestmark = [pytest.mark.nbgrader, pytest.mark.xdist_group("robustness")]


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    return robustness.run(ROOT, tmp_path_factory.mktemp("robustness") / "course", jobs=2)


def test_every_case_holds(report, capsys):
    with capsys.disabled():
        robustness.print_report(report)
    failing = [f"{case}: expected {expected}, got {got}" for _, case, expected, got, ok in report if not ok]
    assert not failing, "\n".join(failing)


def test_report_covers_every_group(report):
    groups = {g for g, *_ in report}
    assert {"tampering", "faults", "bad files", "nothing lost", "feedback"} <= groups
    assert sum(1 for g, *_ in report if g == "tampering") >= 12


def test_attacks_on_the_verdict_cover_every_class(report):
    """At least 25 attacks on the verdict path, in every attack class, each through the real autograde."""
    classes = {g for g, *_ in report if g.startswith("verdict: ")}
    assert {"verdict: monkeypatching", "verdict: import machinery", "verdict: IPython hooks",
            "verdict: frames and gc", "verdict: fake results", "verdict: answer keys",
            "verdict: exits, kills, loops, memory"} <= classes
    assert sum(1 for g, *_ in report if g.startswith("verdict: ")) >= 25
