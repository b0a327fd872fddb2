"""Round trip through the real nbgrader commands and the SQLite gradebook, for every notebook: a full
solution gets full marks, the untouched release gets zero, one wrong function loses exactly its points;
and (01) a warning printed by correct code costs nothing, feedback and export work."""
import importlib

import nbformat
import pytest

from autograde_tests.conftest import ROOT, assignments
from courseadmin import notebooks as nbt
from courseadmin import pipeline

pytestmark = pytest.mark.nbgrader
AID = "01_convolution"

NOISY_CORR2D = '''\
import sys
import warnings

def corr2d(x, w, b=0.0):
    """Correct, but warns and writes to stderr on every call."""
    warnings.warn("this implementation is slow", UserWarning)
    print("debug: corr2d called", file=sys.stderr)
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    K1, K2 = w.shape[0] // 2, w.shape[1] // 2
    N, M = x.shape
    xp = np.pad(x, ((K1, K1), (K2, K2)))
    out = np.full((N, M), float(b))
    for k1 in range(w.shape[0]):
        for k2 in range(w.shape[1]):
            out += w[k1, k2] * xp[k1:k1 + N, k2:k2 + M]
    return out
'''


def _attack(student):
    from courseadmin.attacks import ATTACKS
    return next(a.code for a in ATTACKS if a.student == student)


FLIPPED = __import__("courseadmin.robustness", fromlist=["FLIPPED_CORR2D"]).FLIPPED_CORR2D
BLANK_CORR2D = "def corr2d(x, w, b=0.0):\n    raise NotImplementedError()\n"


def roundtrip_bug(aid):
    return importlib.import_module(f"autograde_tests.catalogue.{aid.split('_', 1)[1]}").ROUNDTRIP_BUG


def points(aid):
    nb = nbformat.read(ROOT / "source" / aid / f"{aid}.ipynb", as_version=4)
    return {nbt.grade_id(c): c.metadata.nbgrader.points for c in nb.cells if nbt.is_test(c)}


@pytest.mark.parametrize("aid", [a for a in assignments() if a != AID])
def test_roundtrip(aid, tmp_path):
    """Full, blank and one-bug submissions of one notebook through nbgrader autograde."""
    bug = roundtrip_bug(aid)
    course = pipeline.make_course(tmp_path / "course", ROOT, [aid])
    pipeline.nbgrader(["generate_assignment", aid, "--force"], cwd=course)
    for sub in [pipeline.Submission("full", "solution"), pipeline.Submission("blank", "release", blank=True),
                pipeline.Submission("bug", "one bug", replace={bug["cell"]: bug["code"]})]:
        pipeline.write_submission(course, ROOT, aid, sub)
    proc = pipeline.nbgrader(["autograde", aid, "--force"], cwd=course, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    rows = {r["student"]: r for r in pipeline.grade_table(course, [aid])}
    pts = points(aid)
    assert rows["full"]["score"] == sum(pts.values()) == rows["full"]["max"], rows["full"]
    assert rows["blank"]["score"] == 0, rows["blank"]
    lost = sum(pts[g] for g in bug["lost"])
    assert rows["bug"]["score"] == sum(pts.values()) - lost, rows["bug"]
    assert sorted(f.split()[0] for f in rows["bug"]["failed"]) == sorted(bug["lost"]), rows["bug"]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = pipeline.make_course(tmp_path_factory.mktemp("course") / "course", ROOT, [AID])
    pipeline.nbgrader(["generate_assignment", AID, "--force"], cwd=course)
    subs = [
        pipeline.Submission("full", "solution"),
        pipeline.Submission("blank", "release", blank=True),
        pipeline.Submission("wrong-toeplitz", "one wrong function",
                            replace={"toeplitz_1d": roundtrip_bug(AID)["code"]}),
        pipeline.Submission("noisy", "correct but warns", replace={"corr2d": NOISY_CORR2D}),
        # attacks on the verdict, graded by plain `nbgrader autograde` (the course's config) as well
        pipeline.Submission("attack-agent", "flipped corr2d, responder replaced",
                            replace={"corr2d": _attack("a-patch-agent") + "\n" + FLIPPED}),
        pipeline.Submission("attack-transformer", "release, every later cell rewritten",
                            replace={"corr2d": _attack("a-input-transformer") + "\n" + BLANK_CORR2D},
                            blank_others=True),
    ]
    for sub in subs:
        pipeline.write_submission(course, ROOT, AID, sub)
    proc = pipeline.nbgrader(["autograde", AID, "--force"], cwd=course, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    rows = {r["student"]: r for r in pipeline.grade_table(course, [AID])}
    return course, rows


def max_score():
    nb = nbformat.read(ROOT / "source" / AID / f"{AID}.ipynb", as_version=4)
    return sum(c.metadata.nbgrader.points for c in nb.cells if nbt.is_test(c))


@pytest.mark.xdist_group("roundtrip-01")
def test_full_solution_gets_full_marks(graded):
    _, rows = graded
    assert rows["full"]["score"] == max_score() == rows["full"]["max"], rows["full"]


@pytest.mark.xdist_group("roundtrip-01")
def test_untouched_release_gets_zero(graded):
    _, rows = graded
    assert rows["blank"]["score"] == 0, rows["blank"]


@pytest.mark.xdist_group("roundtrip-01")
def test_one_wrong_function_loses_only_its_points(graded):
    _, rows = graded
    row = rows["wrong-toeplitz"]
    assert row["score"] == max_score() - 2, row
    assert row["failed"] == ["toeplitz_1d_test 0/2"], row


@pytest.mark.xdist_group("roundtrip-01")
def test_warning_on_stderr_costs_nothing(graded):
    course, rows = graded
    assert rows["noisy"]["score"] == max_score(), rows["noisy"]
    nb = nbformat.read(course / "autograded" / "noisy" / AID / f"{AID}.ipynb", as_version=4)
    cell = next(c for c in nb.cells if nbt.grade_id(c) == "corr2d_test")
    shown = "".join(o.get("text", "") for o in cell.outputs)
    assert "this implementation is slow" in shown, "the warning should be reported to the student"


@pytest.mark.xdist_group("roundtrip-01")
def test_attacks_earn_nothing_under_plain_nbgrader(graded):
    """No kernel-side tampering raises a score, whichever autograde command grades it."""
    _, rows = graded
    assert rows["attack-agent"]["score"] <= max_score() - 3, rows["attack-agent"]
    assert "corr2d_test 0/3" in rows["attack-agent"]["failed"], rows["attack-agent"]
    assert rows["attack-transformer"]["score"] == 0, rows["attack-transformer"]


@pytest.mark.xdist_group("roundtrip-01")
def test_feedback_and_export(graded):
    course, _ = graded
    pipeline.nbgrader(["generate_feedback", AID, "--force"], cwd=course)
    assert (course / "feedback" / "full" / AID / f"{AID}.html").exists()
    pipeline.nbgrader(["export"], cwd=course)
    csv = (course / "grades.csv").read_text()
    assert "wrong-toeplitz" in csv and "full" in csv
