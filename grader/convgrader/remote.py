"""The grader's handle on a notebook: its functions and values, reached through the kernel.

A :class:`RemoteFunction` looks like a function to the checkers: calling it
(or passing it to :func:`convcourse.checks.core.call_guarded`) sends the
arguments to the notebook's kernel, which calls the student's function there
and sends back a report of plain data. Verdicts are made here, in the
grader's process, from that report and references only the grader holds.
"""
from __future__ import annotations

from typing import Any

from convcourse.checks.core import CheckError, judge_call

CALL_TIMEOUT = 10.0


def _reference_name(fn: Any) -> str | None:
    """The name of a course reference op (what the kernel binds a dependency to), or None."""
    if getattr(fn, "__module__", "") == "convcourse.ops" and callable(fn):
        return fn.__name__
    return None


class RemoteFunction:
    """A student's function in the notebook's kernel."""

    def __init__(self, notebook: "Notebook", name: str, timeout: float | None = None):
        self.notebook, self.__name__ = notebook, name
        self.timeout = timeout or notebook.call_timeout

    def invoke(self, args, kwargs, *, numpy_only=False, max_calls=None, depends=None) -> dict:  # noqa: ANN001
        deps = {k: _reference_name(v) for k, v in (depends or {}).items()}
        req = {"op": "call", "name": self.__name__, "args": list(args), "kwargs": dict(kwargs),
               "numpy_only": bool(numpy_only), "max_calls": max_calls,
               "depends": {k: v for k, v in deps.items() if v}}
        return self.notebook.session.request(req, self.timeout)

    def __call__(self, *args, **kwargs):
        report = self.invoke(args, kwargs)
        return judge_call(report, name=self.__name__, args=args, kwargs=kwargs)

    def __repr__(self) -> str:
        return f"<student function {self.__name__}>"


class Notebook:
    """What a trusted test may ask of the notebook under grading."""

    def __init__(self, session, call_timeout: float = CALL_TIMEOUT):  # noqa: ANN001
        self.session, self.call_timeout = session, call_timeout

    def function(self, name: str, timeout: float | None = None) -> RemoteFunction:
        return RemoteFunction(self, name, timeout)

    def value(self, name: str) -> Any:
        report = self.session.request({"op": "value", "name": name}, self.call_timeout)
        if report.get("status") == "missing":
            raise CheckError(f"{name} is not defined: run the cell that sets it (e.g. {name} = \"B\").")
        if report.get("status") != "ok":
            return judge_call(report, name=name)
        return report.get("value")


__all__ = ["RemoteFunction", "Notebook", "CALL_TIMEOUT"]
