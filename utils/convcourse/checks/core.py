"""The checking framework behind every graded test of the course.

A *check* calls a student's function on a list of :class:`Case` s, compares
each answer with the reference answer and, when they differ, raises
:class:`CheckError` with a message a student can act on:

* what was called (the case's description and the arguments' shapes),
* what is wrong: the type, the dtype, the shape (with the expected formula),
  an input modified in place, non-finite values, or the first differing
  position with both values and how many entries differ,
* a diagnosis when the answer matches a known mistake (a :class:`Mistake`:
  kernel flipped, valid instead of same padding, transposed axes, ...).

It also refuses, with a clear message, a solution that calls torch, scipy,
the course's reference ops or ``np.convolve`` / ``np.correlate`` where the
exercise asks for an implementation (``numpy_only=True``): the call runs
under a profiler that sees every Python and C function it enters.

Warnings raised while the student's code runs are caught and reported on
stdout, so a warning never costs points (nbgrader zeroes a test cell that
writes to stderr).

The numpy functions this module relies on are captured when it is imported,
before any student code runs, so a notebook that rebinds ``np.allclose`` or
friends does not change what the checks compute.
"""
from __future__ import annotations

import builtins
import contextlib
import copy
import dataclasses
import importlib.util
import io
import math
import os
import sys
import traceback
import warnings
from typing import Any, Callable, Iterable, Sequence

import numpy as np

from .. import session as _session

# Captured at import time: later rebinding of these names by student code
# does not reach the checks.
_ndarray = np.ndarray
_asarray = np.asarray
_array = np.array
_isfinite = np.isfinite
_isnan = np.isnan
_abs = np.abs
_argwhere = np.argwhere
_array_equal = np.array_equal
_issubdtype = np.issubdtype
_floating = np.floating
_integer = np.integer
_bool_ = np.bool_
_number = np.number
_generic = np.generic
_sum = np.sum
_max = np.max
_isinstance = builtins.isinstance
_type = builtins.type
_getprofile = sys.getprofile
_setprofile = sys.setprofile
_ensure_snapshot = _session.ensure_snapshot
_restore = _session.restore

__all__ = [
    "CheckError",
    "Case",
    "Mistake",
    "check_function",
    "check_value",
    "check_choice",
    "call_guarded",
    "describe",
    "compare_arrays",
    "ForbiddenCall",
]


class CheckError(AssertionError):
    """A check failed; the message says what to fix."""


class ForbiddenCall(CheckError):
    """The solution called a library that does the exercise's work."""


@dataclasses.dataclass
class Case:
    """One call of the function under test.

    Attributes:
        args: positional arguments (copied before each call).
        kwargs: keyword arguments.
        label: a short description shown in messages ("non-square image").
        expected: the reference answer; computed from ``reference`` when None.
    """

    args: tuple
    kwargs: dict = dataclasses.field(default_factory=dict)
    label: str = ""
    expected: Any = None


@dataclasses.dataclass
class Mistake:
    """A known wrong answer and what it means.

    ``wrong(*args, **kwargs)`` computes what a solution with this mistake
    returns; when a student's answer matches it, ``message`` is shown.
    """

    message: str
    wrong: Callable[..., Any]


# ---------------------------------------------------------------- describing


def describe(x: Any) -> str:
    """A short description of a value: type, dtype and shape."""
    if _isinstance(x, _ndarray):
        return f"ndarray {x.dtype} of shape {tuple(x.shape)}"
    mod = _type(x).__module__ or ""
    if mod.startswith("torch"):
        return f"torch {_type(x).__name__} {getattr(x, 'dtype', '')} of shape {tuple(getattr(x, 'shape', ()))}"
    if _isinstance(x, (list, tuple)):
        return f"{_type(x).__name__} of length {len(x)}"
    return f"{_type(x).__name__} {x!r}"[:120]


def _describe_args(args: Sequence, kwargs: dict) -> str:
    parts = [describe(a) if _isinstance(a, _ndarray) else repr(a)[:60] for a in args]
    parts += [f"{k}={describe(v) if _isinstance(v, _ndarray) else repr(v)[:60]}" for k, v in kwargs.items()]
    return ", ".join(parts)


def _fmt(v: Any) -> str:
    try:
        return f"{float(v):.6g}"
    except Exception:  # noqa: BLE001
        return repr(v)


# ------------------------------------------------------ forbidden-call guard


def _package_dir(name: str) -> str | None:
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return os.path.join(list(spec.submodule_search_locations)[0], "")


_FORBIDDEN_PACKAGES = {name: _package_dir(name) for name in ("torch", "scipy", "cv2", "skimage", "jax", "tensorflow")}
_OPS_FILE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "ops.py")
_CHECKS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "")   # the checkers hold references too
def _code(fn):
    """The code object behind a (possibly dispatcher-wrapped) Python function, or None."""
    while fn is not None and not hasattr(fn, "__code__"):
        fn = getattr(fn, "__wrapped__", None)
    return getattr(fn, "__code__", None)


_NP_FORBIDDEN_CODES = {code: label for code, label in ((_code(np.convolve), "np.convolve"),
                                                       (_code(np.correlate), "np.correlate")) if code}
_NP_FORBIDDEN_C = {"correlate", "correlate2", "convolve"}


def _make_trusted(reference: Callable) -> Callable:
    def trusted(*args, **kwargs):
        return reference(*args, **kwargs)
    trusted.__name__ = getattr(reference, "__name__", "reference")
    return trusted


_TRUSTED_CODE = _make_trusted(len).__code__


class _BudgetExceeded(BaseException):
    """Raised inside the student's call when it makes too many calls."""


class _Tracer:
    """A profile hook recording calls into forbidden libraries (and counting calls)."""

    def __init__(self, extra_forbidden: dict | None = None, max_calls: int | None = None):
        self.hits: list[str] = []
        self.extra = extra_forbidden or {}
        self.calls = 0
        self.max_calls = max_calls
        self.trusted: list = []   # frames of course references standing in for the student's other functions

    def __call__(self, frame, event, arg):  # noqa: ANN001
        if self.trusted:
            if event == "return" and frame is self.trusted[-1]:
                self.trusted.pop()
            return
        if event == "call" and frame.f_code is _TRUSTED_CODE:
            self.trusted.append(frame)
            return
        self.calls += 1
        if self.max_calls is not None and self.calls > self.max_calls:
            self.max_calls = None
            raise _BudgetExceeded()
        if len(self.hits) > 20:
            return
        if event == "call":
            code = frame.f_code
            fn = code.co_filename
            if code in _NP_FORBIDDEN_CODES:
                self.hits.append(_NP_FORBIDDEN_CODES[code])
            elif fn == _OPS_FILE:
                self.hits.append(f"convcourse.ops.{code.co_name}")
            elif fn.startswith(_CHECKS_DIR):
                caller = frame.f_back
                if caller is not None and not caller.f_code.co_filename.startswith(_CHECKS_DIR):
                    # called from the student's code (a checker's own wrappers call each other freely)
                    self.hits.append(f"the course's checkers ({code.co_name})")
            else:
                for name, path in _FORBIDDEN_PACKAGES.items():
                    if path and fn.startswith(path):
                        self.hits.append(f"{name} ({code.co_name})")
                        break
            if code in self.extra:
                self.hits.append(self.extra[code])
        elif event == "c_call":
            mod = getattr(arg, "__module__", None) or ""
            qual = getattr(arg, "__qualname__", "") or getattr(arg, "__name__", "")
            owner = getattr(arg, "__self__", None)
            owner_mod = _type(owner).__module__ or "" if owner is not None else ""
            if mod.split(".")[0] in _FORBIDDEN_PACKAGES:
                self.hits.append(f"{mod.split('.')[0]}.{qual}")
            elif owner_mod.split(".")[0] == "torch":
                self.hits.append(f"torch.Tensor.{qual.split('.')[-1]}")
            elif mod.startswith("numpy") and qual in _NP_FORBIDDEN_C:
                self.hits.append(f"np.{qual}")


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


# ---------------------------------------------------------------- calling


def call_guarded(fn: Callable, args: Sequence = (), kwargs: dict | None = None, *, name: str = "",
                 numpy_only: bool = False, label: str = "", max_calls: int | None = None,
                 depends: dict | None = None) -> Any:
    """Call ``fn(*args, **kwargs)`` the way every check does.

    Arguments are deep-copied first and compared afterwards (an input
    changed in place is an error); warnings and stderr output are captured
    and echoed on stdout; exceptions other than ``NotImplementedError``
    become a :class:`CheckError` naming the case; with ``numpy_only`` the
    call runs under a profiler and any call into torch, scipy, the reference
    ops or ``np.convolve`` / ``np.correlate`` is refused.  ``max_calls``
    bounds the number of Python and C function calls the solution may make
    (a machine-independent test that it is vectorised).  ``depends`` maps
    names of the student's other graded functions to course references: while
    ``fn`` runs, those names in its module namespace are bound to the
    references, so a mistake in one function (or an exception in it) costs only
    that function's points, never those of the functions built on it.
    """
    restore = _restore          # held in this frame: student code cannot rebind it mid-call
    kwargs = dict(kwargs or {})
    name = name or getattr(fn, "__name__", "function")
    where = f" ({label})" if label else ""
    originals = [copy.deepcopy(a) for a in args]
    original_kw = {k: copy.deepcopy(v) for k, v in kwargs.items()}
    call_args = [copy.deepcopy(a) for a in args]
    call_kw = {k: copy.deepcopy(v) for k, v in kwargs.items()}
    err = io.StringIO()
    tracer = _Tracer(max_calls=max_calls) if (numpy_only or max_calls is not None) else None
    over_budget = False
    previous = _getprofile()
    namespace = getattr(fn, "__globals__", None)
    swapped = {}
    if depends and _isinstance(namespace, dict):
        for dep, reference in depends.items():
            if dep in namespace:
                swapped[dep] = namespace[dep]
                namespace[dep] = _make_trusted(reference)
    with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stderr(err):
        warnings.simplefilter("always")
        try:
            if tracer is not None:
                _setprofile(tracer)
            try:
                out = fn(*call_args, **call_kw)
            finally:
                tampered = tracer is not None and _getprofile() is not tracer
                _setprofile(previous)
                for dep, original in swapped.items():
                    namespace[dep] = original
                restore()   # undo anything the call rebound before its answer is judged
        except _BudgetExceeded:
            over_budget = True
            out = None
        except NotImplementedError:
            raise
        except CheckError:
            raise
        except (KeyboardInterrupt, SystemExit) as e:
            raise CheckError(f"{name}{where} stopped the program with {_type(e).__name__}; "
                             "a function should return its answer instead.") from None
        except BaseException as e:  # noqa: BLE001
            tb = traceback.extract_tb(e.__traceback__)
            line = ""
            for frame in reversed(tb):
                if frame.filename.startswith("<") or "ipykernel" in frame.filename:
                    line = f" at line {frame.lineno}: {frame.line}" if frame.line else f" at line {frame.lineno}"
                    break
            raise CheckError(
                f"{name}{where} raised {_type(e).__name__}: {e}{line}\n"
                f"  called with: {_describe_args(args, kwargs)}"
            ) from e
    for w in caught:
        print(f"[{name}] warning raised by your code: {w.category.__name__}: {w.message}")
    if err.getvalue().strip():
        print(f"[{name}] your code printed to stderr:\n{err.getvalue().rstrip()[:2000]}")
    if over_budget:
        raise CheckError(
            f"{name}{where} made more than {max_calls:,} function calls and was stopped: "
            "it still loops in Python over pixels or taps. Replace the inner loops with whole-array "
            "operations (slicing, np.tensordot, matrix products)."
        )
    if tampered:
        raise CheckError(f"{name}{where} replaced the interpreter's profiler (sys.setprofile); "
                         "the checks cannot accept this answer.")
    if numpy_only and tracer is not None and tracer.hits:
        used = ", ".join(_unique(tracer.hits)[:5])
        raise ForbiddenCall(
            f"{name} must be implemented with numpy alone, but it called {used}.\n"
            "  This exercise is about writing the operation yourself: use numpy arrays, "
            "indexing and loops (torch, scipy, the course's reference ops and "
            "np.convolve / np.correlate are off limits here). No points for this function."
        )
    for i, (before, after) in enumerate(zip(originals, call_args)):
        if not _same(before, after):
            raise CheckError(f"{name}{where} modified its argument #{i + 1} ({describe(before)}) in place. "
                             "Work on a copy (x = x.astype(float), list(kernels)) or build a new object.")
    for k, before in original_kw.items():
        if not _same(before, call_kw[k]):
            raise CheckError(f"{name}{where} modified its argument {k!r} in place.")
    return out


def _same(a: Any, b: Any) -> bool:
    """Deep equality of arguments before and after a call (arrays, tensors, lists, tuples, dicts)."""
    try:
        if _isinstance(a, _ndarray):
            return _isinstance(b, _ndarray) and a.shape == b.shape and a.dtype == b.dtype and \
                bool(_array_equal(a, b, equal_nan=a.dtype.kind in "fc"))
        mod = _type(a).__module__ or ""
        if mod.startswith("torch") and hasattr(a, "detach"):
            return _type(b) is _type(a) and tuple(a.shape) == tuple(b.shape) and \
                bool(_array_equal(a.detach().cpu().numpy(), b.detach().cpu().numpy(), equal_nan=True))
        if _isinstance(a, (list, tuple)):
            return _type(a) is _type(b) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
        if _isinstance(a, dict):
            return _isinstance(b, dict) and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    except Exception:  # noqa: BLE001  (an exotic argument: do not judge it)
        return True
    return True


# -------------------------------------------------------------- comparison


def _tolerance(got_dtype, expected: np.ndarray, rtol: float | None, atol: float | None):
    if rtol is None:
        rtol = 1e-4 if got_dtype in (np.float32, np.float16) else 1e-7
    scale = float(_max(_abs(expected))) if expected.size else 0.0
    if atol is None:
        atol = rtol * max(1.0, scale)
    return rtol, atol


def compare_arrays(got: Any, expected: np.ndarray, *, name: str, label: str = "", shape_formula: str = "",
                   rtol: float | None = None, atol: float | None = None, floating: bool = True) -> str | None:
    """Return None when ``got`` matches ``expected``, else what is wrong (one paragraph)."""
    where = f" ({label})" if label else ""
    expected = _asarray(expected)
    if _type(got) is not _ndarray:
        if _isinstance(got, _generic) and expected.ndim == 0:
            got = _asarray(got)
        else:
            hint = ""
            mod = _type(got).__module__ or ""
            if mod.startswith("torch"):
                hint = " Convert with .numpy() (or .detach().cpu().numpy()) before returning."
            elif _isinstance(got, (list, tuple)):
                hint = " Return np.array(...) instead of a Python list."
            elif got is None:
                hint = " Did you forget the return statement?"
            return (f"{name}{where} returned {describe(got)}; expected a numpy ndarray of shape "
                    f"{tuple(expected.shape)}.{hint}")
    if floating and not _issubdtype(got.dtype, _floating):
        hint = (" Integer arithmetic truncates: convert the input with x.astype(float) first."
                if _issubdtype(got.dtype, _integer) else "")
        return f"{name}{where} returned dtype {got.dtype}; expected a floating dtype (float64 or float32).{hint}"
    if got.shape != expected.shape:
        msg = f"{name}{where} returned shape {tuple(got.shape)}; expected {tuple(expected.shape)}"
        if shape_formula:
            msg += f" ({shape_formula})"
        if got.ndim == expected.ndim and got.shape == expected.shape[::-1]:
            msg += ". The axes look swapped (rows are n, columns are m)"
        return msg + "."
    if got.dtype.kind == "f" and expected.dtype.kind == "f":
        bad_nan = _isnan(got) & ~_isnan(expected)
        if bad_nan.any():
            pos = tuple(int(i) for i in _argwhere(bad_nan)[0])
            return f"{name}{where} returned NaN at {pos} (and {int(_sum(bad_nan)) - 1} more places)."
    rtol_, atol_ = _tolerance(got.dtype.type, expected, rtol, atol)
    diff = _abs(got.astype(np.float64) - expected.astype(np.float64))
    bad = ~(diff <= atol_ + rtol_ * _abs(expected.astype(np.float64)))
    if not bad.any():
        return None
    pos = tuple(int(i) for i in _argwhere(bad)[0])
    n_bad = int(_sum(bad))
    return (f"{name}{where} returned wrong values: {n_bad} of {bad.size} entries differ. "
            f"First at index {pos}: got {_fmt(got[pos])}, expected {_fmt(expected[pos])} "
            f"(largest difference {_fmt(_max(diff))}).")


def _matches(got: Any, wrong: Any) -> bool:
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _matches_quiet(got, wrong)


def _matches_quiet(got: Any, wrong: Any) -> bool:
    try:
        if _isinstance(wrong, (int, float, _number)) and not _isinstance(wrong, bool):
            return _isinstance(got, (int, float, _number)) and not _isinstance(got, bool) and \
                math.isclose(float(got), float(wrong), rel_tol=1e-9, abs_tol=1e-12)
        if _type(got) is not _ndarray:
            return False
        wrong = _asarray(wrong, dtype=np.float64)
        if got.shape != wrong.shape:
            return False
        g = got.astype(np.float64)
        scale = max(1.0, float(_max(_abs(wrong)))) if wrong.size else 1.0
        return bool(_max(_abs(g - wrong)) <= 1e-5 * scale) if wrong.size else True
    except Exception:  # noqa: BLE001
        return False


def diagnose(got: Any, mistakes: Sequence[Mistake], args: Sequence, kwargs: dict,
             expected: Any = None) -> str | None:
    """The message of the first known mistake the answer matches, if any.

    A mistake whose wrong answer coincides with the right one on this case
    (``expected``) says nothing about the answer and is skipped.
    """
    for m in mistakes:
        try:
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                wrong = m.wrong(*copy.deepcopy(list(args)), **copy.deepcopy(kwargs))
        except Exception:  # noqa: BLE001
            continue
        if expected is not None and _matches(_asarray(expected) if _isinstance(expected, _ndarray) else expected,
                                             wrong):
            continue
        if _matches(got, wrong):
            return m.message
    return None


# ------------------------------------------------------------------ checks


def check_function(fn: Callable, cases: Sequence[Case], *, reference: Callable | None = None,
                   name: str | None = None, mistakes: Sequence[Mistake] = (), numpy_only: bool = False,
                   shape_formula: str = "", rtol: float | None = None, atol: float | None = None,
                   floating: bool = True, quiet: bool = False, max_calls: int | None = None,
                   depends: dict | None = None) -> int:
    """Check ``fn`` on every case against ``reference`` (or each case's ``expected``).

    Raises :class:`CheckError` at the first case that fails, with what is
    wrong and, when recognised, the mistake it looks like.  Prints one line
    and returns the number of cases on success.
    """
    _ensure_snapshot()
    _restore()   # anything the notebook rebound in numpy, builtins, torch or the course's modules goes back
    if not callable(fn):
        raise CheckError(f"{name or 'the answer'} should be a function, but it is {describe(fn)}.")
    name = name or getattr(fn, "__name__", "function")
    for case in cases:
        expected = case.expected if case.expected is not None else _reference64(reference, case)
        got = call_guarded(fn, case.args, case.kwargs, name=name, numpy_only=numpy_only, label=case.label,
                           max_calls=max_calls, depends=depends)
        if _isinstance(expected, (int, float, str, bool)) and not _isinstance(expected, _ndarray):
            problem = _compare_scalar(got, expected, name=name, label=case.label)
        else:
            problem = compare_arrays(got, _asarray(expected), name=name, label=case.label,
                                     shape_formula=shape_formula, rtol=rtol, atol=atol, floating=floating)
        if problem:
            msg = [problem, f"  called with: {_describe_args(case.args, case.kwargs)}"]
            hint = diagnose(got, mistakes, case.args, case.kwargs, expected=expected)
            if hint:
                msg.append(f"  This looks like a known mistake: {hint}")
            raise CheckError("\n".join(msg))
    if not quiet:
        print(f"{name}: all {len(cases)} checks passed.")
    return len(cases)


def _up64(a: Any) -> Any:
    return a.astype(np.float64) if _isinstance(a, _ndarray) and a.dtype.kind == "f" else copy.deepcopy(a)


def _reference64(reference: Callable, case: Case) -> Any:
    """The reference answer computed in float64 on the case's values.

    Computing it in the inputs' own float32 would add the reference's rounding
    error (as large as the float64 tolerance) to every comparison; with an
    exact reference the tolerance depends only on the dtype the student returns.
    """
    return reference(*[_up64(a) for a in case.args], **{k: _up64(v) for k, v in case.kwargs.items()})


def _compare_scalar(got: Any, expected: Any, *, name: str, label: str) -> str | None:
    where = f" ({label})" if label else ""
    if _isinstance(expected, bool) or _isinstance(expected, str):
        return None if (_type(got) is _type(expected) and got == expected) else \
            f"{name}{where} returned {got!r}; expected {expected!r}."
    if _isinstance(expected, int):
        if _type(got) is bool or not _isinstance(got, (int, _integer)):
            return f"{name}{where} returned {describe(got)}; expected an integer ({expected})."
        return None if int(got) == expected else f"{name}{where} returned {int(got)}; expected {expected}."
    try:
        g = float(got)
    except Exception:  # noqa: BLE001
        return f"{name}{where} returned {describe(got)}; expected a number."
    return None if math.isclose(g, expected, rel_tol=1e-7, abs_tol=1e-9) else \
        f"{name}{where} returned {g:.6g}; expected {expected:.6g}."


def check_value(got: Any, expected: Any, *, name: str, label: str = "") -> None:
    """Compare a plain answer (number or array) with the expected one."""
    _ensure_snapshot()
    _restore()
    if _isinstance(expected, _ndarray):
        problem = compare_arrays(got, expected, name=name, label=label)
    else:
        problem = _compare_scalar(got, expected, name=name, label=label)
    if problem:
        raise CheckError(problem)


def check_choice(answer: Any, *, name: str, options: str = "ABCD", correct: str | None = None) -> None:
    """Check a multiple-choice answer's form (and, with ``correct``, its value)."""
    _ensure_snapshot()
    _restore()
    if not _isinstance(answer, str) or len(answer.strip()) != 1 or answer.strip().upper() not in options:
        raise CheckError(f"{name} should be one of the letters {', '.join(options)} as a string, e.g. \"A\"; "
                         f"got {answer!r}.")
    if correct is not None and answer.strip().upper() != correct:
        raise CheckError(f"{name}: {answer!r} is not the right choice. Re-read the question and count again.")


@contextlib.contextmanager
def one_torch_thread():
    """Run torch on one thread inside the block (restored afterwards).

    The checks' tensors are tiny: one thread is the fastest and the steadiest,
    and on a busy machine torch's thread pool makes them tens of times slower.
    """
    import torch

    threads = torch.get_num_threads()
    if threads != 1:
        torch.set_num_threads(1)
    try:
        yield
    finally:
        if threads != 1:
            torch.set_num_threads(threads)


def single_threaded(check: Callable) -> Callable:
    """``check`` run inside :func:`one_torch_thread`."""
    import functools

    @functools.wraps(check)
    def wrapped(*args, **kwargs):
        with one_torch_thread():
            return check(*args, **kwargs)
    return wrapped
