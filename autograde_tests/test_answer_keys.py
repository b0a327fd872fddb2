"""Nothing a student installs can compute a graded answer on new inputs (the reference ops excepted).

The grader's hidden cases (inputs the student package never saw) are recorded
with their answers; then every module of the student package is walked and
every function and class it defines, public or private, is called on each
case's arguments. None may return the graded answer. ``convcourse.ops`` (the
reference ops the course promises) is left out; the instructor's tools are a
package of their own (``courseadmin``), not in the student bundle.
"""
from __future__ import annotations

import contextlib
import importlib
import inspect
import io
import pkgutil
import signal
import warnings

import numpy as np
import pytest

import convcourse
from convcourse.checks.core import Recorder, _matches

# a call stopped by the alarm inside a finaliser is reported as "unraisable": expected here
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")

EXCLUDED = ("convcourse.ops",)
# callables with effects outside the call (installing kernel hooks, publishing to a kernel, opening widgets)
SKIP = {"convcourse.session.start", "convcourse.agent.respond", "convcourse.session._restore_before_every_cell",
        "convcourse.session._guard_exits", "convcourse.session._limit_memory"}


def _student_callables() -> list[tuple[str, object]]:
    out = []
    for info in pkgutil.walk_packages(convcourse.__path__, "convcourse."):
        if info.name.startswith(EXCLUDED):
            continue
        mod = importlib.import_module(info.name)
        for name, value in vars(mod).items():
            if name.startswith("__") or not callable(value):
                continue
            if getattr(value, "__module__", None) != info.name:
                continue             # imported from elsewhere (numpy, torch, another course module)
            qual = f"{info.name}.{name}"
            if qual not in SKIP:
                out.append((qual, value))
    return out


def _graded_cases() -> list[tuple[str, str, tuple, dict, object]]:
    """(assignment, function, args, kwargs, answer) for the hidden cases of every notebook graded outside
    the kernel (cases the checkers compare with a reference answer)."""
    from convgrader import notebooks

    cases = []
    for aid in notebooks.converted():
        spec = notebooks.spec(aid)
        hidden = importlib.import_module(f"convgrader.hidden.{notebooks.modules()[aid]}")
        for name in spec.visible:
            secret = getattr(hidden, f"hidden_{name}", None)
            if secret is None or hasattr(spec.visible[name], "book"):
                continue
            rec = Recorder(name)
            try:
                with contextlib.redirect_stdout(io.StringIO()):
                    secret(rec)
            except Exception:  # noqa: BLE001  (a checker that does not go through check_function)
                continue
            for group in rec.groups:
                for case in group["cases"][:3]:
                    answer = case["expected"]
                    if isinstance(answer, dict):
                        continue
                    cases.append((aid, name, tuple(case["args"]), dict(case["kwargs"]), answer))
    return cases


class _Slow(Exception):
    pass


def _call(fn, args, kwargs):  # noqa: ANN001
    def alarm(*_):
        raise _Slow()
    old = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, 0.5)
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            return fn(*args, **kwargs)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _answers(value, answer) -> bool:
    if isinstance(answer, (bool, str)) or answer is None:
        return False
    if isinstance(answer, (int, float, np.number)) and float(answer) in (0.0, 1.0):
        return False          # 0 and 1 come out of too many things to mean anything
    if isinstance(answer, np.ndarray) and (answer.size < 4 or not np.any(answer)):
        return False
    return _matches(value, answer)


def test_walk_finds_the_student_package():
    names = [q for q, _ in _student_callables()]
    assert any(q.startswith("convcourse.checks.book.") for q in names)
    assert any(q.startswith("convcourse.probe.") for q in names)
    assert len(_graded_cases()) >= 50


def test_no_student_callable_returns_a_graded_answer():
    import matplotlib
    matplotlib.use("Agg")
    callables = _student_callables()
    cases = _graded_cases()
    leaks = []
    for qual, fn in callables:
        try:
            sig = inspect.signature(fn)
        except (TypeError, ValueError):
            continue
        for aid, name, args, kwargs, answer in cases:
            try:
                sig.bind(*args, **kwargs)
            except TypeError:
                continue
            try:
                value = _call(fn, args, kwargs)
            except BaseException:  # noqa: BLE001  (any failure is not an answer)
                continue
            if _answers(value, answer):
                leaks.append(f"{qual}{args!r:.60} answers {aid} {name}")
    assert not leaks, "the student package computes graded answers:\n" + "\n".join(leaks[:20])


@pytest.mark.parametrize("module", ["convgrader", "autograde_tests"])
def test_grader_is_not_importable_from_a_grading_kernel(module, monkeypatch):
    """The environment a grading kernel gets has no path to the grader's code or the hidden tests, even when
    the grader's own process has them on PYTHONPATH."""
    import pathlib
    import subprocess
    import sys

    from convgrader.execute import GRADER_DIR, kernel_env

    repo = str(pathlib.Path(__file__).resolve().parents[1])
    monkeypatch.setenv("PYTHONPATH", f"{GRADER_DIR}:{repo}")
    leaked = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True, cwd="/")
    assert leaked.returncode == 0          # the grader's process does have them
    env = kernel_env(True, [repo])
    proc = subprocess.run([sys.executable, "-c", f"import {module}"], env=env, capture_output=True, text=True,
                          cwd="/")
    assert proc.returncode != 0 and "ModuleNotFoundError" in proc.stderr, proc.stderr
