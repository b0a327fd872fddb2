"""``course robustness``: tampering, faults and bad files through the real autograder.

A throw-away course with ``01_convolution`` receives one submission per case
(built from the solution, with one thing done to it), is graded with
``course autograde`` (real ``nbgrader autograde``, SQLite gradebook), and each
case's expectation is checked against what the gradebook, the autograded
notebooks, the feedback and the run's summary say. The table printed at the
end has one row per case: expected, got, and whether it holds.
"""
from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import os
import pathlib
import shutil
import tempfile
import time
from typing import Callable

import nbformat

from . import grading, pipeline
from . import notebooks as nbt

AID = "01_convolution"
TIMEOUT = 10          # seconds per cell in this course
CALL_TIMEOUT = 4      # seconds per call of a student's function (an endless loop costs this, then a restart)

FLIPPED_CORR2D = '''\
def corr2d(x, w, b=0.0):
    """Flipped kernel: a convolution, not the layer."""
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)[::-1, ::-1]
    K1, K2 = w.shape[0] // 2, w.shape[1] // 2
    N, M = x.shape
    xp = np.pad(x, ((K1, K1), (K2, K2)))
    out = np.full((N, M), float(b))
    for k1 in range(w.shape[0]):
        for k2 in range(w.shape[1]):
            out += w[k1, k2] * xp[k1:k1 + N, k2:k2 + M]
    return out
'''


@dataclasses.dataclass
class Case:
    student: str
    group: str                                   # tampering | faults | bad files | nothing lost | feedback
    what: str
    expected: str
    build: Callable | None = None                # (release nb, answers) -> nb | bytes | dict of files
    lost: set | None = None                      # expected lost test cells (None: not checked this way)
    check: Callable | None = None                # (context, row) -> (ok, got)
    at_least: bool = False                       # lost must include ``lost`` (an attack may break more)


def _with(answers: dict, **changes) -> dict:
    out = dict(answers)
    out.update(changes)
    return out


def _prepend(answers: dict, gid: str, code: str) -> dict:
    return _with(answers, **{gid: code + "\n" + answers[gid]})


def _fill(release, answers):
    return nbt.fill_submission(release, answers)


def _edit_test(gid: str, how: str, answers_fn):
    def build(release, answers):
        nb = _fill(release, answers_fn(answers))
        cells = []
        for cell in nb.cells:
            if nbt.grade_id(cell) == gid:
                if how == "edit":
                    cell.source = '"""my own test"""\npass'
                elif how == "delete":
                    continue
                elif how == "duplicate":
                    cells.append(copy.deepcopy(cell))
                elif how == "retype":
                    cell = nbformat.v4.new_markdown_cell(cell.source, metadata=cell.metadata)
                elif how == "strip":
                    cell.metadata.pop("nbgrader", None)
            cells.append(cell)
        nb.cells = cells
        return nb
    return build


def _flipped(a):
    return _with(a, corr2d=FLIPPED_CORR2D)


BLANK_CORR2D = "def corr2d(x, w, b=0.0):\n    raise NotImplementedError()\n"


def _attack_case(attack, tests: set) -> Case:
    def build(release, answers):
        if attack.blank:
            return _fill(release, {"corr2d": attack.code + "\n" + BLANK_CORR2D})
        flipped = _flipped(answers)
        # an attack that defines corr2d comes after the flipped one, so that its own corr2d is the one graded
        after = attack.append or "def corr2d(" in attack.code
        code = (flipped["corr2d"] + "\n" + attack.code) if after else (attack.code + "\n" + flipped["corr2d"])
        return _fill(release, _with(flipped, corr2d=code))
    check = None
    if attack.student == "a-daemon":
        check = lambda ctx, row: _no_process(["sleep", "4321"])   # noqa: E731
    elif attack.student == "a-fake-reduce":
        check = lambda ctx, row: (not os.path.exists("/tmp/convcourse-pwned"), "no code ran in the grader")  # noqa
    elif attack.student == "a-ops":
        check = lambda ctx, row: _output_mentions(ctx, row.student, "corr2d_test", "course's own code")  # noqa
    return Case(attack.student, f"verdict: {attack.kind}", attack.what,
                "0 / 20" if attack.blank else "no more than the wrong corr2d (17 / 20)",
                build, tests if attack.blank else {"corr2d_test"}, check, at_least=True)


def _no_process(cmdline: list[str]):
    import psutil

    left = []
    for p in psutil.process_iter(["cmdline"]):
        try:
            if p.info["cmdline"] == cmdline:
                left.append(p.pid)
        except psutil.Error:
            continue
    for pid in left:
        try:
            psutil.Process(pid).kill()
        except psutil.Error:
            pass
    return not left, ("nothing left running" if not left else f"still running: {' '.join(cmdline)} ({len(left)})")


def cases() -> list[Case]:
    from .attacks import ATTACKS

    wrong = {"corr2d_test"}
    full = None
    return [
        # ------------------------------------------------------------ tampering
        Case("t-numpy", "tampering", "rebinds np.allclose, np.testing.assert_allclose, np.array_equal, np.abs; "
             "wrong corr2d", "loses corr2d only",
             lambda r, a: _fill(r, _prepend(_flipped(a), "corr2d",
                                            "np.allclose = lambda *a, **k: True\n"
                                            "np.testing.assert_allclose = lambda *a, **k: None\n"
                                            "np.array_equal = lambda *a, **k: True\n"
                                            "np.abs = lambda x, *a, **k: 0 * np.asarray(x)\n")), wrong),
        Case("t-builtins", "tampering", "rebinds builtins max, abs, sum, round, len; wrong corr2d",
             "loses corr2d only",
             lambda r, a: _fill(r, _prepend(_flipped(a), "corr2d",
                                            "import builtins\nbuiltins.max = lambda *a, **k: 0\n"
                                            "builtins.abs = lambda x: 0\nbuiltins.sum = lambda *a, **k: 0\n"
                                            "builtins.round = lambda *a, **k: 0\n")), wrong),
        Case("t-checks", "tampering", "replaces the checking module's functions (check_corr2d, check_function, "
             "compare_arrays) and the hidden test; wrong corr2d", "loses corr2d only",
             lambda r, a: _fill(r, _prepend(_flipped(a), "corr2d",
                                            "import convcourse.checks.convolution as cc\n"
                                            "import convcourse.checks.core as core\n"
                                            "cc.check_corr2d = lambda *a, **k: None\n"
                                            "core.check_function = lambda *a, **k: 1\n"
                                            "core.compare_arrays = lambda *a, **k: None\n")), wrong),
        Case("t-ops", "tampering", "replaces the reference op corr2d and returns zeros", "loses corr2d only",
             lambda r, a: _fill(r, _with(a, corr2d="import convcourse.ops as o\n"
                                                   "o.corr2d = lambda x, w, b=0.0, **k: np.zeros(np.shape(x))\n"
                                                   "def corr2d(x, w, b=0.0):\n    return np.zeros(np.shape(x))\n")),
             wrong),
        Case("t-fake", "tampering", "returns an object faking shape, __eq__ and __array__", "loses corr2d only",
             lambda r, a: _fill(r, _with(a, corr2d=(
                 "class Liar:\n    shape = property(lambda self: self._s)\n    dtype = np.dtype(float)\n"
                 "    def __init__(self, s): self._s = s\n    def __eq__(self, o): return True\n"
                 "    def __array__(self, *a, **k): return np.zeros(self._s)\n"
                 "    def __getattr__(self, n): return lambda *a, **k: True\n"
                 "def corr2d(x, w, b=0.0):\n    return Liar(np.shape(x))\n"))), wrong),
        Case("t-scipy", "tampering", "calls scipy.signal.correlate2d where an implementation is asked",
             "loses corr2d only, with the numpy-only message",
             lambda r, a: _fill(r, _with(a, corr2d=(
                 "def corr2d(x, w, b=0.0):\n    from scipy.signal import correlate2d\n"
                 "    return correlate2d(np.asarray(x, float), np.asarray(w, float), mode='same') + b\n"))), wrong,
             check=lambda ctx, row: _output_mentions(ctx, row.student, "corr2d_test", "numpy alone")),
        Case("t-edit-test", "tampering", "rewrites the corr2d test cell as `pass`; wrong corr2d",
             "test restored: loses corr2d only", _edit_test("corr2d_test", "edit", _flipped), wrong),
        Case("t-delete-test", "tampering", "deletes the corr2d test cell; wrong corr2d",
             "test put back: loses corr2d only", _edit_test("corr2d_test", "delete", _flipped), wrong),
        Case("t-strip-test", "tampering", "strips the corr2d test cell's nbgrader metadata; wrong corr2d",
             "test put back: loses corr2d only", _edit_test("corr2d_test", "strip", _flipped), wrong),
        Case("t-retype-test", "tampering", "turns the corr2d test cell into markdown; wrong corr2d",
             "test restored: loses corr2d only", _edit_test("corr2d_test", "retype", _flipped), wrong),
        Case("t-duplicate-test", "tampering", "duplicates the conv_layer test cell (full solution)",
             "scored once: 20 / 20", _edit_test("conv_layer_test", "duplicate", lambda a: a), set()),
        Case("t-sys-exit", "tampering", "sys.exit() inside corr2d", "loses corr2d only",
             lambda r, a: _fill(r, _with(a, corr2d="import sys\ndef corr2d(x, w, b=0.0):\n    sys.exit(0)\n")),
             wrong),
        Case("t-os-exit", "tampering", "os._exit(0) at the top of the toeplitz_1d cell",
             "loses toeplitz_1d only; the rest graded",
             lambda r, a: _fill(r, _prepend(a, "toeplitz_1d", "import os\nos._exit(0)\n")), {"toeplitz_1d_test"}),
        Case("t-raise-exits", "tampering", "raise KeyboardInterrupt in corr1d, raise SystemExit in conv_num_params",
             "loses those two only",
             lambda r, a: _fill(r, _with(a, corr1d="def corr1d(x, w):\n    raise KeyboardInterrupt\n",
                                         conv_num_params="def conv_num_params(c_in, c_out, k, bias=True):\n"
                                                         "    raise SystemExit(3)\n")),
             {"corr1d_test", "conv_num_params_test"}),
        # --------------------------------------------------------------- faults
        Case("f-loop", "faults", "infinite loop in toeplitz_1d", "cell times out, loses toeplitz_1d only",
             lambda r, a: _fill(r, _with(a, toeplitz_1d="def toeplitz_1d(w, n):\n    while True:\n        pass\n")),
             {"toeplitz_1d_test"}),
        Case("f-memory", "faults", "conv_num_params allocates until memory runs out",
             "MemoryError in its cell, loses conv_num_params only",
             lambda r, a: _fill(r, _with(a, conv_num_params=(
                 "def conv_num_params(c_in, c_out, k, bias=True):\n    hog = []\n    while True:\n"
                 "        hog.append(np.ones(2 ** 27))\n"))), {"conv_num_params_test"}),
        Case("f-output", "faults", "a solution cell prints 50 MB", "graded 20 / 20, output cut to < 100 kB",
             lambda r, a: _fill(r, _prepend(a, "corr1d", "print('x' * 50_000_000)")), set(),
             check=lambda ctx, row: _autograded_size_ok(ctx, row.student)),
        Case("f-helper", "faults", "corr2d raises; convolve2d, conv_multi_in, ... call it",
             "loses corr2d only (the functions built on it keep their points)",
             lambda r, a: _fill(r, _with(a, corr2d="def corr2d(x, w, b=0.0):\n    raise ValueError('oops')\n")),
             wrong),
        Case("f-segfault", "faults", "a solution cell crashes Python (ctypes null read) before conv_num_params",
             "kernel death contained: that cell quarantined, loses conv_num_params only",
             lambda r, a: _fill(r, _prepend(a, "conv_num_params", "import ctypes\nctypes.string_at(0)\n")),
             {"conv_num_params_test"}),
        # ------------------------------------------------------------ bad files
        Case("b-json", "bad files", "notebook is not valid JSON", "not graded, reported: not valid JSON",
             lambda r, a: b'{"cells": [ this is not json', None,
             check=lambda ctx, row: _reported(row, "not valid JSON")),
        Case("b-empty", "bad files", "empty notebook file", "not graded, reported: empty",
             lambda r, a: b"", None, check=lambda ctx, row: _reported(row, "empty")),
        Case("b-v3", "bad files", "notebook format v3", "not graded, reported: format v3",
             lambda r, a: json.dumps({"nbformat": 3, "nbformat_minor": 0, "metadata": {},
                                      "worksheets": [{"cells": []}]}).encode(), None,
             check=lambda ctx, row: _reported(row, "format v3")),
        Case("b-missing", "bad files", "notebook saved under another name (homework.ipynb)",
             "not graded, reported: missing, found homework.ipynb",
             lambda r, a: {"homework.ipynb": nbformat.writes(_fill(r, a)).encode()}, None,
             check=lambda ctx, row: _reported(row, "homework.ipynb")),
        Case("b-extra", "bad files", "full solution plus extra files", "graded 20 / 20, extra files listed",
             lambda r, a: {f"{AID}.ipynb": nbformat.writes(_fill(r, a)).encode(), "data.csv": b"1,2\n",
                           "notes/todo.txt": b"x"}, set(),
             check=lambda ctx, row: (any("extra files" in n for n in row.notes), "; ".join(row.notes))),
        Case("full", "nothing lost", "complete solution (reference for the rest)", "20 / 20",
             lambda r, a: _fill(r, a), set()),
    ] + [_attack_case(a, ALL_TESTS) for a in ATTACKS] + ([] if full else [])


ALL_TESTS = {"corr2d_test", "convolve2d_test", "corr1d_test", "toeplitz_1d_test", "conv_multi_in_test",
             "conv_multi_out_test", "conv_layer_test", "conv_num_params_test", "answer_filter_params_test",
             "answer_num_filters_test", "conv_layer_fast_test"}


# ------------------------------------------------------------------ checks

def _reported(row, text):
    got = "; ".join(row.problems) or row.status
    return (row.status == "not graded" and any(text in p for p in row.problems)), f"{row.status}: {got}"


def _cell_outputs(ctx, student, gid) -> str:
    path = ctx["course"] / "autograded" / student / AID / f"{AID}.ipynb"
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if nbt.grade_id(c) == gid)
    return "".join(o.get("text", "") + o.get("evalue", "") for o in cell.get("outputs", []))


def _output_mentions(ctx, student, gid, text):
    out = _cell_outputs(ctx, student, gid)
    return text in out, (f"message says {text!r}" if text in out else f"message: {out[:120]!r}")


def _autograded_size_ok(ctx, student):
    path = ctx["course"] / "autograded" / student / AID / f"{AID}.ipynb"
    size = path.stat().st_size
    return size < 3_000_000, f"autograded notebook {size / 1e6:.1f} MB"


def _lost(ctx, student) -> set:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{ctx['course'] / 'gradebook.db'}") as gb:
        nb = gb.find_submission_notebook(AID, AID, student)
        return {g.name for g in nb.grades if g.max_score and (g.score or 0) < g.max_score}


# -------------------------------------------------------------------- run

def _write(course: pathlib.Path, student: str, content) -> None:
    folder = course / "submitted" / student / AID
    folder.mkdir(parents=True, exist_ok=True)
    if isinstance(content, nbformat.NotebookNode):
        nbformat.write(content, folder / f"{AID}.ipynb")
    elif isinstance(content, dict):
        for name, data in content.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(data)
    else:
        (folder / f"{AID}.ipynb").write_bytes(content)


def _hashes(course: pathlib.Path) -> str:
    h = hashlib.sha256()
    for p in sorted((course / "submitted").rglob("*")):
        if p.is_file():
            h.update(p.as_posix().encode() + p.read_bytes())
    return h.hexdigest()


def run(root: pathlib.Path, dest: pathlib.Path, jobs: int = 2) -> list[tuple[str, str, str, str, bool]]:
    """Build the course, grade everything, and return the report rows (group, case, expected, got, ok)."""
    os.environ["CONVCOURSE_MEMORY_LIMIT_GB"] = "3"   # the grading kernels' memory cap in this course
    course = pipeline.make_course(dest, root, [AID])
    with open(course / pipeline.CONFIG, "a") as f:
        f.write(f"c.TrustedExecute.timeout = {TIMEOUT}\nc.TrustedExecute.call_timeout = {CALL_TIMEOUT}\n"
                "c.TrustedExecute.memory_gb = 3\n")
    pipeline.nbgrader(["generate_assignment", AID, "--force"], cwd=course)
    release = nbformat.read(course / "release" / AID / f"{AID}.ipynb", as_version=4)
    answers = nbt.solution_code(nbformat.read(root / "source" / AID / f"{AID}.ipynb", as_version=4))
    all_cases = cases()
    for case in all_cases:
        _write(course, case.student, case.build(release, answers))
    before = _hashes(course)

    # an interrupted run: two students finish, then the whole class is graded
    first = grading.autograde(course, AID, students=["full", "t-numpy"], jobs=jobs, quiet=True)
    t0 = time.perf_counter()
    rows = {r.student: r for r in grading.autograde(course, AID, jobs=jobs, quiet=True)}
    seconds = time.perf_counter() - t0
    again = {r.student: r for r in grading.autograde(course, AID, jobs=jobs, quiet=True)}
    after = _hashes(course)
    ctx = {"course": course}

    report = []
    for case in all_cases:
        row = rows[case.student]
        ok, got = True, ""
        if case.lost is not None:
            if row.status not in ("graded", "skipped"):
                ok, got = False, f"{row.status}: {'; '.join(row.problems)}"
            else:
                lost = _lost(ctx, case.student)
                ok = lost >= case.lost if case.at_least else lost == case.lost
                got = f"{row.score:g} / {row.max_score:g}, lost: {', '.join(sorted(lost)) or 'nothing'}"
                if row.notes:
                    got += f" ({'; '.join(row.notes)})"
        if case.check is not None and ok:
            ok2, got2 = case.check(ctx, row)
            ok, got = ok and ok2, (got + "; " if got else "") + got2
        report.append((case.group, f"{case.student}: {case.what}", case.expected, got, ok))

    # nothing lost
    report.append(("nothing lost", "submitted files before and after grading", "identical hashes",
                   "identical" if before == after else "CHANGED", before == after))
    resumed = [rows[s] for s in ("full", "t-numpy")]
    ok = all(r.status == "skipped" for r in resumed) and \
        [(r.score) for r in resumed] == [r.score for r in first]
    report.append(("nothing lost", "interrupted run started again (2 students graded before)",
                   "finished grades kept, not redone", ", ".join(f"{r.student} {r.status} {r.score:g}"
                                                                 for r in resumed), ok))
    same = all(again[s].score == rows[s].score for s in rows)
    report.append(("nothing lost", "autograde again", "same grades, nothing regraded",
                   "same" if same else "DIFFERENT", same and all(r.status in ("skipped", "not graded")
                                                                 for r in again.values())))
    forced = {r.student: r.score for r in grading.autograde(course, AID, students=["full", "t-builtins"],
                                                            jobs=jobs, force=True, quiet=True)}
    same = all(forced[s] == rows[s].score for s in forced)
    report.append(("nothing lost", "regrade with --force", "same grades", str(forced), same))
    needs = sorted(r.student for r in rows.values() if not r.ok)
    expected_bad = sorted(c.student for c in all_cases if c.group == "bad files" and c.lost is None)
    report.append(("bad files", "the run's summary and exit status", f"needs attention: {', '.join(expected_bad)}",
                   f"needs attention: {', '.join(needs)}", needs == expected_bad))

    # feedback
    pipeline.nbgrader(["generate_feedback", AID, "--student", "t-scipy", "--force"], cwd=course)
    html = (course / "feedback" / "t-scipy" / AID / f"{AID}.html").read_text()
    hidden = "BEGIN HIDDEN" in html or "hidden_corr2d" in html or "autograde_tests" in html
    shows = "numpy alone" in html and "17.0" in html or "17 / 20" in html or "Score: 17" in html
    report.append(("feedback", "student feedback (t-scipy)", "scores and checker messages, no hidden tests",
                   ("hidden tests shown" if hidden else "no hidden tests") + ", " +
                   ("message and score shown" if shows else "message or score missing"), shows and not hidden))
    report.append(("timing", "grading the whole class", f"{len(all_cases)} submissions, {jobs} at a time",
                   f"{seconds:.0f} s", True))
    return report


def print_report(report) -> None:
    width = max(len(r[1]) for r in report)
    width = min(width, 70)
    print(f"\n{'case':<{width}}  {'expected':<44} {'got':<50} holds")
    print("-" * (width + 104))
    group = None
    for g, case, expected, got, ok in report:
        if g != group:
            print(f"[{g}]")
            group = g
        print(f"{case[:width]:<{width}}  {expected[:44]:<44} {got[:50]:<50} {'yes' if ok else 'NO'}")
    bad = [r for r in report if not r[4]]
    print("-" * (width + 104))
    print(f"{len(report) - len(bad)} of {len(report)} rows hold" + ("" if not bad else ": FAILING " +
                                                                    ", ".join(r[1] for r in bad)))


def main(root: pathlib.Path, jobs: int = 2, keep: pathlib.Path | None = None) -> int:
    tmp = None
    if keep is None:
        tmp = tempfile.mkdtemp(prefix="robustness-")
        dest = pathlib.Path(tmp) / "course"
    else:
        dest = keep
    try:
        report = run(root, dest, jobs=jobs)
        print_report(report)
        return 0 if all(r[4] for r in report) else 1
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
