"""Grading holds under faults, tampering and attacks on the verdict: every case of ``course robustness`` (real
autograde of 56 crafted submissions, then a resumed run, a repeated run, a forced regrade and feedback) must hold.

One test, so that the report (several minutes of grading) is built once whatever worker runs it."""
import pytest

from autograde_tests.conftest import ROOT
from courseadmin import robustness

pytestmark = pytest.mark.nbgrader

ATTACK_CLASSES = {"verdict: monkeypatching", "verdict: import machinery", "verdict: IPython hooks",
                  "verdict: frames and gc", "verdict: fake results", "verdict: answer keys",
                  "verdict: exits, kills, loops, memory"}


def test_every_case_holds(tmp_path, capsys):
    report = robustness.run(ROOT, tmp_path / "course", jobs=2)
    with capsys.disabled():
        robustness.print_report(report)
    failing = [f"{case}: expected {expected}, got {got}" for _, case, expected, got, ok in report if not ok]
    assert not failing, "\n".join(failing)
    # the report covers every group, and at least 25 attacks on the verdict path in every attack class
    groups = {g for g, *_ in report}
    assert {"tampering", "faults", "bad files", "nothing lost", "feedback"} <= groups
    assert sum(1 for g, *_ in report if g == "tampering") >= 12
    assert ATTACK_CLASSES <= groups, ATTACK_CLASSES - groups
    assert sum(1 for g, *_ in report if g.startswith("verdict: ")) >= 25
