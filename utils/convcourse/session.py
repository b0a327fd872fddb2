"""The notebook session: what the read-only first cell of every notebook starts.

``start()`` runs before any student code (the cell is locked, and nbgrader
restores it from the gradebook when grading). It

* takes a snapshot of the functions the checks rely on: numpy (and
  ``numpy.testing``, ``numpy.linalg``, ``numpy.fft``), ``builtins``, torch's
  ``torch.nn.functional``, the course's reference ops and checking modules
  (and, while grading, the hidden tests). :func:`restore` puts back anything
  a notebook rebound since, and every check calls it first: monkeypatching
  those modules earns nothing;
* while grading (``NBGRADER_EXECUTION`` is set), turns ``os._exit`` and
  friends into ordinary exceptions, so a stray exit costs one cell rather than
  the whole notebook, and caps the kernel's memory, so a runaway allocation
  raises ``MemoryError`` in its cell instead of taking the grader down.
"""
from __future__ import annotations

import builtins
import importlib
import os
import pkgutil
import sys

_SNAPSHOT: dict[str, dict[str, object]] = {}
_MODULE_REFS: dict[str, object] = {}
_print = builtins.print
_setattr = builtins.setattr
_getattr = builtins.getattr

# Modules whose public callables are protected.
PROTECTED = ["numpy", "numpy.testing", "numpy.linalg", "numpy.fft", "builtins", "math", "copy",
             "torch", "torch.nn", "torch.nn.functional",
             "convcourse.ops", "convcourse.checks", "convcourse.checks.core"]

# Names the notebook machinery itself rebinds (ipykernel swaps ``input`` on every cell): not protected.
UNPROTECTED = {"builtins": {"input", "raw_input", "getpass", "exit", "quit", "help", "display", "get_ipython",
                            "copyright", "credits", "license", "breakpoint", "open", "print"}}

MEMORY_LIMIT_GB = float(os.environ.get("CONVCOURSE_MEMORY_LIMIT_GB", "6"))


class GradingGuard(RuntimeError):
    """Raised instead of an action that would stop the grading kernel."""


def _grading() -> bool:
    return bool(os.environ.get("NBGRADER_EXECUTION"))


def _course_check_modules() -> list[str]:
    names = []
    try:
        import convcourse.checks as checks
        names += [f"convcourse.checks.{m.name}" for m in pkgutil.iter_modules(checks.__path__)]
    except ImportError:  # pragma: no cover
        pass
    return names


def snapshot(modules: list[str] | None = None) -> None:
    """Record the callables of the protected modules (imports them)."""
    for name in modules or PROTECTED + _course_check_modules():
        try:
            mod = importlib.import_module(name)
        except Exception:  # noqa: BLE001  (an optional module missing, e.g. torch in a minimal install)
            continue
        _MODULE_REFS[name] = mod
        skip = UNPROTECTED.get(name, set())
        _SNAPSHOT[name] = {k: v for k, v in vars(mod).items()
                           if not k.startswith("__") and k not in skip and (callable(v) or isinstance(v, type))}


def _own(name: str, value: object) -> bool:
    """Whether ``value`` comes from the protected module's own package (a library rebinding its own name,
    as torch does with ``torch.manual_seed`` once ``torch._dynamo`` loads), not from a notebook."""
    origin = _getattr(value, "__module__", None)
    return isinstance(origin, str) and origin.split(".")[0] == name.split(".")[0]


def restore(verbose: bool = True) -> list[str]:
    """Put back every protected callable a notebook rebound; returns their names."""
    changed = []
    for name, entries in _SNAPSHOT.items():
        mod = _MODULE_REFS[name]
        current = vars(mod)
        for key, value in list(entries.items()):
            now = current.get(key)
            if now is value:
                continue
            if now is not None and _own(name, now):
                entries[key] = now          # the library's own update: the new original
                continue
            _setattr(mod, key, value)
            changed.append(f"{name}.{key}")
    if changed and verbose:
        shown = ", ".join(changed[:5]) + (f" and {len(changed) - 5} more" if len(changed) > 5 else "")
        _print(f"[grader] your code had replaced {shown}; the originals were put back for grading.")
    return changed


def _refuse(what: str):
    def refused(*args, **kwargs):
        raise GradingGuard(f"{what} is disabled while the notebook is graded: a function should return "
                           "its answer, not stop the program.")
    refused.__name__ = what.rsplit(".", 1)[-1]
    return refused


def _guard_exits() -> None:
    import posix

    os._exit = _refuse("os._exit")
    posix._exit = _refuse("os._exit")
    os.abort = _refuse("os.abort")
    real_kill = os.kill

    def kill(pid, sig):
        if pid in (0, os.getpid(), -os.getpgid(0)):
            raise GradingGuard("os.kill of the kernel itself is disabled while the notebook is graded.")
        return real_kill(pid, sig)
    os.kill = kill


def _limit_memory(gb: float) -> None:
    try:
        import resource
    except ImportError:  # pragma: no cover - not on Linux/macOS
        return
    limit = int(gb * 2**30)
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if soft == resource.RLIM_INFINITY or soft > limit:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _restore_before_every_cell() -> None:
    """In a kernel, put protected functions back before and after each cell: a rebinding lasts one cell at most."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover
        return
    shell = get_ipython()
    if shell is None or getattr(shell, "_convcourse_restore", False):
        return

    def around_cell(*args, **kwargs):
        restore()
    _brief_check_errors(shell)
    shell.events.register("pre_run_cell", around_cell)
    shell.events.register("post_run_cell", around_cell)   # before the kernel's own machinery runs again
    shell._convcourse_restore = True
    if _grading():
        # while grading, an error shows its type and message (the checker's verdict), not the test's source
        shell.InteractiveTB.set_mode(mode="Minimal")


def _brief_check_errors(shell) -> None:  # noqa: ANN001
    """A failed check shows one line (what to fix), not a traceback through the checking framework."""
    from .checks.core import CheckError, NotWritten

    def brief(self, etype, value, tb, tb_offset=None):  # noqa: ANN001
        stb = [f"{etype.__name__}: {value}"]
        self._showtraceback(etype, value, stb)
        return stb
    shell.set_custom_exc((CheckError, NotWritten), brief)


def start(quiet: bool = False) -> None:
    """Set up the notebook: snapshot for the checks, and the grading guards when grading."""
    import matplotlib

    if _grading():
        _guard_exits()
        if MEMORY_LIMIT_GB > 0:
            _limit_memory(MEMORY_LIMIT_GB)
    snapshot()
    _restore_before_every_cell()
    _ = matplotlib  # imported here so a student's first plot is quick
    if not quiet:
        _print("Course set-up done: run the cells in order; each test cell tells you what to fix.")


def ensure_snapshot() -> None:
    """Snapshot lazily when no notebook called :func:`start` (plain Python, pytest)."""
    if not _SNAPSHOT:
        snapshot()


__all__ = ["start", "restore", "snapshot", "ensure_snapshot", "GradingGuard", "PROTECTED"]
_ = sys
