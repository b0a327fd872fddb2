"""The notebook kernel's side of grading: run what the grader asks, report plain data.

While a notebook is graded, the grader (a separate process that runs no
student code) sends requests to the kernel as JSON text (see
:mod:`convcourse.wire`), for example "call ``corr2d`` on these arrays".
:func:`respond` runs the request against the notebook's namespace and
publishes the report as one display message of type :data:`MIME`. The
report is measurement only — the value returned, an exception's type and
message, whether an input was changed, which libraries were called — and
never a verdict: the grader compares it with references only it holds.

Nothing here can raise a score. A notebook that rewrites this module can at
most send back wrong reports, which cost its own answers.
"""
from __future__ import annotations

from typing import Any

from . import wire

MIME = "application/vnd.convcourse.report+json"


def _namespace() -> dict:
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:  # pragma: no cover - only ever called in a kernel
        import __main__
        return vars(__main__)
    return shell.user_ns


def _resolve_depends(names: dict | None) -> dict:
    """Names of the student's other functions bound to the course's reference ops while one function runs."""
    if not names:
        return {}
    from . import ops

    out = {}
    for student_name, ref_name in names.items():
        ref = getattr(ops, str(ref_name), None)
        if callable(ref):
            out[str(student_name)] = ref
    return out


def _call(ns: dict, req: dict) -> dict:
    from .checks.core import run_call

    name = str(req.get("name"))
    if name not in ns:
        return {"status": "missing"}
    fn = ns[name]
    if not callable(fn):
        from .checks.core import describe
        return {"status": "not_callable", "error": {"type": "", "message": describe(fn), "line": ""}}
    return run_call(fn, tuple(req.get("args") or ()), dict(req.get("kwargs") or {}),
                    numpy_only=bool(req.get("numpy_only")), max_calls=req.get("max_calls"),
                    depends=_resolve_depends(req.get("depends")))


def _value(ns: dict, req: dict) -> dict:
    name = str(req.get("name"))
    if name not in ns:
        return {"status": "missing"}
    return {"status": "ok", "value": ns[name]}


_OPS = {"call": _call, "value": _value, "ping": lambda ns, req: {"status": "ok", "value": "pong"}}


def handle(request: str | dict, namespace: dict | None = None) -> dict:
    """The report for one request (a dict of plain data)."""
    req = wire.decode(request) if isinstance(request, str) else request
    ns = _namespace() if namespace is None else namespace
    op = _OPS.get(str(req.get("op")))
    if op is None:
        return {"status": "error", "error": {"type": "BadRequest", "message": f"unknown op {req.get('op')!r}",
                                             "line": ""}}
    return op(ns, req)


def _sendable(report: dict) -> str:
    try:
        return wire.encode(report)
    except Exception as e:  # noqa: BLE001  (an answer that cannot be sent: say so, as data)
        return wire.encode({"status": "unsendable", "error": {"type": type(e).__name__, "message": str(e)[:300],
                                                              "line": ""}})


def respond(request: str) -> None:
    """Run one request and publish its report (called by the grader, never by students)."""
    from IPython.display import publish_display_data

    publish_display_data({MIME: _sendable(handle(request))})


__all__ = ["respond", "handle", "MIME"]
_ = Any
