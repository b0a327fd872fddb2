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
    "compare_answer",
    "run_call",
    "judge_call",
    "Recorder",
    "NotWritten",
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
_PACKAGE_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "")  # convcourse/
_OPS_FILE = os.path.join(_PACKAGE_DIR, "ops.py")
_CHECKS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "")
# Course code a graded function may run: the test objects the grader hands it (networks, functions), the
# kernel's plumbing, and the device helper. Anything else of the package inside a graded function is refused.
_ALLOWED_COURSE_FILES = {os.path.join(_PACKAGE_DIR, f) for f in ("probe.py", "testobjects.py", "agent.py", "wire.py",
                                                                  "device.py")}


def _allowed_course_file(filename: str) -> bool:
    return filename in _ALLOWED_COURSE_FILES or (filename.startswith(_CHECKS_DIR) and filename.endswith("_probe.py"))


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


class _Refused(BaseException):
    """Raised inside the student's call at its first forbidden call: the verdict is known, stop there."""


class _Tracer:
    """A profile hook recording calls into forbidden libraries (and counting calls)."""

    def __init__(self, extra_forbidden: dict | None = None, max_calls: int | None = None,
                 libraries: bool = True, course: bool = True):
        self.hits: list[str] = []
        self.libraries = libraries   # record calls into torch, scipy, np.convolve, ...
        self.course = course         # record calls into the course's own package
        self.extra = extra_forbidden or {}
        self.calls = 0
        self.max_calls = max_calls
        self.trusted: list = []   # frames of course references standing in for the student's other functions
        self.refused = False      # the call was stopped at a forbidden call (which unset this profiler)

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
        if self.hits:
            self.refused = True
            raise _Refused()
        if event == "call":
            code = frame.f_code
            fn = code.co_filename
            if fn.startswith(_PACKAGE_DIR) and self.course and not _allowed_course_file(fn):
                caller = frame.f_back
                if caller is not None and not caller.f_code.co_filename.startswith(_PACKAGE_DIR):
                    # called from the student's code (the course's modules call each other freely)
                    where = fn[len(_PACKAGE_DIR):-3].replace(os.sep, ".")
                    self.hits.append(f"convcourse.{where}.{code.co_name}")
            elif not self.libraries:
                pass
            elif code in _NP_FORBIDDEN_CODES:
                self.hits.append(_NP_FORBIDDEN_CODES[code])
            else:
                for name, path in _FORBIDDEN_PACKAGES.items():
                    if path and fn.startswith(path):
                        self.hits.append(f"{name} ({code.co_name})")
                        break
            if code in self.extra:
                self.hits.append(self.extra[code])
        elif event == "c_call" and self.libraries:
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


def _is_module(a: Any) -> bool:
    nn = sys.modules.get("torch.nn")
    return nn is not None and _isinstance(a, nn.Module)


def _copy(a: Any) -> Any:
    """A deep copy of an argument; torch modules are passed as they are (a function may train them)."""
    return a if _is_module(a) else copy.deepcopy(a)


def run_call(fn: Callable, args: Sequence = (), kwargs: dict | None = None, *, numpy_only: bool = False,
             max_calls: int | None = None, depends: dict | None = None) -> dict:
    """Call ``fn(*args, **kwargs)`` and report what happened, as plain data (no verdict).

    The arguments are deep-copied first and compared afterwards; warnings and
    stderr are captured; with ``numpy_only`` (or ``max_calls``) the call runs
    under a profiler that records calls into torch, scipy, the course's own
    code or ``np.convolve`` / ``np.correlate`` (and counts calls).  ``depends``
    maps names of the student's other graded functions to course references,
    bound in ``fn``'s namespace while it runs.  This is what the notebook's
    kernel does for the grader, and what a visible check does locally.
    """
    restore = _restore          # held in this frame: student code cannot rebind it mid-call
    kwargs = dict(kwargs or {})
    originals = [_copy(a) for a in args]
    original_kw = {k: _copy(v) for k, v in kwargs.items()}
    call_args = [_copy(a) for a in args]
    call_kw = {k: _copy(v) for k, v in kwargs.items()}
    err = io.StringIO()
    tracer = _Tracer(max_calls=max_calls, libraries=numpy_only, course=True)
    report: dict = {"status": "ok", "value": None, "warnings": [], "stderr": "", "forbidden": [],
                    "profiler_replaced": False, "modified": []}
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
            _setprofile(tracer)
            try:
                report["value"] = fn(*call_args, **call_kw)
            finally:
                report["profiler_replaced"] = _getprofile() is not tracer and not tracer.refused and \
                    tracer.max_calls == max_calls
                _setprofile(previous)
                for dep, original in swapped.items():
                    namespace[dep] = original
                restore()   # undo anything the call rebound before its answer is judged
        except _BudgetExceeded:
            report["status"] = "over_budget"
        except _Refused:
            report["status"] = "ok"       # judged by its forbidden calls below
        except NotImplementedError as e:
            report["status"] = "not_implemented"
            report["error"] = {"type": "NotImplementedError", "message": str(e)[:500], "line": ""}
        except (KeyboardInterrupt, SystemExit) as e:
            report["status"] = "stopped"
            report["error"] = {"type": _type(e).__name__, "message": str(e)[:500], "line": ""}
        except BaseException as e:  # noqa: BLE001
            tb = traceback.extract_tb(e.__traceback__)
            line = ""
            for frame in reversed(tb):
                if frame.filename.startswith("<") or "ipykernel" in frame.filename:
                    line = f" at line {frame.lineno}: {frame.line}" if frame.line else f" at line {frame.lineno}"
                    break
            report["status"] = "raised"
            try:
                message = str(e)
            except Exception:  # noqa: BLE001
                message = "<unprintable message>"
            report["error"] = {"type": _type(e).__name__, "message": message[:2000], "line": line[:300]}
    report["warnings"] = [f"{w.category.__name__}: {w.message}"[:500] for w in caught][:20]
    report["stderr"] = err.getvalue()[:4000]
    report["forbidden"] = _unique(tracer.hits)[:10]
    if report["status"] == "ok":
        for i, (before, after) in enumerate(zip(originals, call_args)):
            if not _same(before, after):
                report["modified"].append([f"#{i + 1}", describe(before)])
        for k, before in original_kw.items():
            if not _same(before, call_kw[k]):
                report["modified"].append([k, describe(before)])
    return report


class NotWritten(NotImplementedError):
    """The function is still the release stub (shown to students as a ``NotImplementedError``)."""


NotWritten.__name__ = NotWritten.__qualname__ = "NotImplementedError"


def judge_call(report: dict, *, name: str, label: str = "", args: Sequence = (), kwargs: dict | None = None,
               numpy_only: bool = False, max_calls: int | None = None) -> Any:
    """The answer of a call :func:`run_call` reported, or the :class:`CheckError` that says what went wrong."""
    where = f" ({label})" if label else ""
    kwargs = kwargs or {}
    status = report.get("status")
    error = report.get("error") or {}
    for w in report.get("warnings") or []:
        print(f"[{name}] warning raised by your code: {w}")
    if str(report.get("stderr") or "").strip():
        print(f"[{name}] your code printed to stderr:\n{str(report['stderr']).rstrip()[:2000]}")
    if status == "missing":
        raise CheckError(f"{name} is not defined: run the cell that defines it (and keep its name).")
    if status == "not_callable":
        raise CheckError(f"{name} should be a function, but it is {error.get('message', 'something else')}.")
    if status == "not_implemented":
        raise NotWritten(f"{name} is not written yet: replace `raise NotImplementedError()` with your code.")
    if status == "stopped":
        raise CheckError(f"{name}{where} stopped the program with {error.get('type')}; "
                         "a function should return its answer instead.")
    if status == "timeout":
        raise CheckError(f"{name}{where} did not return within {error.get('message', 'the time limit')}: "
                         "an endless loop, or far too slow. The rest of your notebook was graded as usual.")
    if status == "died":
        raise CheckError(f"{name}{where} stopped the notebook's kernel ({error.get('message', 'it died')}); "
                         "the kernel was restarted and grading went on with the next function.")
    if status == "raised":
        raise CheckError(f"{name}{where} raised {error.get('type')}: {error.get('message')}{error.get('line', '')}\n"
                         f"  called with: {_describe_args(args, kwargs)}")
    if status == "over_budget":
        raise CheckError(
            f"{name}{where} made more than {max_calls:,} function calls and was stopped: "
            "it still loops in Python over pixels. Replace the loops over output positions with whole-array "
            "operations (slicing, np.tensordot, matrix products); a short loop over the kernel's taps is fine."
        )
    if status != "ok":
        raise CheckError(f"{name}{where}: no answer came back from the notebook ({status}).")
    if report.get("profiler_replaced"):
        raise CheckError(f"{name}{where} replaced the interpreter's profiler (sys.setprofile); "
                         "the checks cannot accept this answer.")
    if report.get("forbidden"):
        used = ", ".join(list(report["forbidden"])[:5])
        if numpy_only:
            raise ForbiddenCall(
                f"{name} must be implemented with numpy alone, but it called {used}.\n"
                "  This exercise is about writing the operation yourself: use numpy arrays, "
                "indexing and loops (torch, scipy, the course's own code and "
                "np.convolve / np.correlate are off limits here). No points for this function."
            )
        raise ForbiddenCall(f"{name} called the course's own code ({used}); a graded function must be your own "
                            "implementation. No points for this function.")
    for position, what in report.get("modified") or []:
        if str(position).startswith("#"):
            raise CheckError(f"{name}{where} modified its argument {position} ({what}) in place. "
                             "Work on a copy (x = x.astype(float), list(kernels)) or build a new object.")
        raise CheckError(f"{name}{where} modified its argument {position!r} in place.")
    return report.get("value")


def call_guarded(fn: Callable, args: Sequence = (), kwargs: dict | None = None, *, name: str = "",
                 numpy_only: bool = False, label: str = "", max_calls: int | None = None,
                 depends: dict | None = None) -> Any:
    """Call ``fn(*args, **kwargs)`` the way every check does, and return its answer.

    ``fn`` is either a local function (visible checks, the test catalogue) or
    a grader's handle on a function in the notebook's kernel (anything with an
    ``invoke`` method): then the kernel runs the call and reports back plain
    data.  Either way :func:`judge_call` turns the report into the answer or a
    :class:`CheckError` (an exception, an input changed in place, a forbidden
    call, a call budget exceeded, ...).
    """
    name = name or getattr(fn, "__name__", "function")
    invoke = getattr(_type(fn), "invoke", None)
    if invoke is not None:
        report = invoke(fn, args, kwargs or {}, numpy_only=numpy_only, max_calls=max_calls, depends=depends)
    else:
        report = run_call(fn, args, kwargs, numpy_only=numpy_only, max_calls=max_calls, depends=depends)
    return judge_call(report, name=name, label=label, args=args, kwargs=kwargs, numpy_only=numpy_only,
                      max_calls=max_calls)


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


def wrong_answers(mistakes: Sequence[Mistake], args: Sequence, kwargs: dict, expected: Any = None) -> list:
    """``(message, wrong answer)`` for each known mistake on this case, leaving out those that coincide with
    the right answer (they say nothing about an answer)."""
    out = []
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
        if _isinstance(wrong, _ndarray) and wrong.dtype.kind not in "biuf":
            continue
        out.append((m.message, wrong))
    return out


def matching_mistakes(got: Any, wrong: Sequence) -> list[str]:
    """The messages of the known wrong answers ``got`` matches, most exact first, without repeats."""
    hits = []
    for message, w in wrong:
        if _matches(got, w):
            hits.append((_distance(got, w), message))
    hits.sort(key=lambda h: h[0])
    return _unique(m for _, m in hits)


def _distance(got: Any, wrong: Any) -> float:
    try:
        return float(_max(_abs(_asarray(got, dtype=np.float64) - _asarray(wrong, dtype=np.float64))))
    except Exception:  # noqa: BLE001
        return 0.0


def diagnosis_text(hints: Sequence[str]) -> str | None:
    if not hints:
        return None
    if len(hints) == 1:
        return f"  This looks like a known mistake: {hints[0]}"
    return "  This matches more than one known mistake:" + "".join(f"\n  - {h}" for h in hints)


def diagnose(got: Any, mistakes: Sequence[Mistake], args: Sequence, kwargs: dict,
             expected: Any = None) -> str | None:
    """The message of the known mistake the answer matches best, if any."""
    hints = matching_mistakes(got, wrong_answers(mistakes, args, kwargs, expected))
    return hints[0] if hints else None


BOOK_FULL_SIZE = 8192     # answers with more entries are stored as a sample


def compare_sampled(got: Any, sample: dict, *, name: str, label: str = "", shape_formula: str = "",
                    rtol: float | None = None, atol: float | None = None, floating: bool = True) -> str | None:
    """Like :func:`compare_answer` for an answer stored as a sample of its entries."""
    shape = tuple(sample["sample_of"])
    probe = np.zeros(shape, dtype=np.dtype(sample["dtype"]))
    problem = compare_arrays(got, probe, name=name, label=label, shape_formula=shape_formula, floating=floating,
                             rtol=0.0, atol=np.inf)
    if problem:
        return problem
    picked = _asarray(got).reshape(-1)[sample["index"]]
    expected = _asarray(sample["values"])
    problem = compare_arrays(picked, expected, name=name, label=label, rtol=rtol, atol=atol, floating=floating)
    if problem:
        return problem.replace("entries differ", "sampled entries differ").split(" First at index")[0] + \
            " (positions counted in the flattened output)."
    return None


class Recorder:
    """Stands in for a student's function while the build writes a visible answer book.

    :func:`check_function` given a recorder calls nothing: it records each
    case with its expected answer and the answers of the known mistakes.
    """

    def __init__(self, name: str):
        self.__name__ = name
        self.groups: list[dict] = []

    def __call__(self, *args, **kwargs):
        raise TypeError("a Recorder is not called")


def _dep_names(depends: dict | None) -> dict:
    return {k: getattr(v, "__name__", k) for k, v in (depends or {}).items()
            if getattr(v, "__module__", "") == "convcourse.ops"}


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
    if _isinstance(fn, Recorder):
        group = {"name": name, "numpy_only": numpy_only, "shape_formula": shape_formula, "rtol": rtol,
                 "atol": atol, "floating": floating, "max_calls": max_calls, "depends": _dep_names(depends),
                 "cases": []}
        for case in cases:
            expected = case.expected if case.expected is not None else _reference64(reference, case)
            entry = {"label": case.label, "args": list(case.args), "kwargs": dict(case.kwargs),
                     "expected": expected, "mistakes": []}
            if _isinstance(expected, _ndarray) and expected.size > BOOK_FULL_SIZE:
                # a large case (it checks speed): a fixed sample of its entries, and no mistakes (the small
                # cases diagnose those)
                idx = np.random.default_rng(expected.size).choice(expected.size, BOOK_FULL_SIZE // 4, replace=False)
                idx.sort()
                entry["expected"] = {"sample_of": list(expected.shape), "dtype": str(expected.dtype),
                                     "index": idx.astype(np.int64), "values": expected.reshape(-1)[idx]}
            else:
                entry["mistakes"] = [list(m) for m in wrong_answers(mistakes, case.args, case.kwargs, expected)]
            group["cases"].append(entry)
        fn.groups.append(group)
        return len(cases)
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
            hint = diagnosis_text(matching_mistakes(got, wrong_answers(mistakes, case.args, case.kwargs, expected)))
            if hint:
                msg.append(hint)
            raise CheckError("\n".join(msg))
    if not quiet:
        print(f"{name}: all {len(cases)} checks passed.")
    return len(cases)


def compare_answer(got: Any, expected: Any, *, name: str, label: str = "", shape_formula: str = "",
                   rtol: float | None = None, atol: float | None = None, floating: bool = True) -> str | None:
    """What is wrong with one answer (None when it is right)."""
    if _isinstance(expected, (int, float, str, bool)) and not _isinstance(expected, _ndarray):
        return _compare_scalar(got, expected, name=name, label=label)
    return compare_arrays(got, _asarray(expected), name=name, label=label, shape_formula=shape_formula,
                          rtol=rtol, atol=atol, floating=floating)


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


def with_hint(check: Callable, hint: Callable[[str], str]) -> Callable:
    """``check`` with ``hint(message)`` added to the message of the plain CheckError it raises (a hint read off
    the message alone: no answers involved)."""
    import functools

    @functools.wraps(check)
    def wrapped(*args, **kwargs):
        try:
            return check(*args, **kwargs)
        except CheckError as e:
            extra = hint(str(e))
            if not extra or type(e) is not CheckError:
                raise
            raise CheckError(str(e) + extra) from None
    return wrapped


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
