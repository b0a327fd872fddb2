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


# objects the grader asked for (a student's module, a test network), by handle
HANDLES: dict[str, Any] = {}


def _materialize(v: Any) -> Any:
    """Arguments as the student's function takes them: tensors for wire tensors, test networks for specs."""
    if isinstance(v, wire.Tensor):
        import torch
        t = torch.as_tensor(v.array).to(dtype=getattr(torch, v.dtype.replace("torch.", ""), None) or torch.float32)
        return t.requires_grad_(True) if v.requires_grad else t
    if isinstance(v, dict) and set(v) <= {"__model__", "as"} and "__model__" in v:
        from . import probe
        model = probe.build(v["__model__"])
        if v.get("as"):
            HANDLES[str(v["as"])] = model
        return model
    if isinstance(v, dict) and set(v) == {"__handle__"}:
        return HANDLES[str(v["__handle__"])]
    if isinstance(v, dict) and "__make__" in v and set(v) <= {"__make__", "args", "kwargs", "as"}:
        from . import testobjects
        maker = getattr(testobjects, str(v["__make__"]), None)
        if maker is None or str(v["__make__"]).startswith("_"):
            raise ValueError(f"no test object {v['__make__']!r}")
        obj = maker(*_materialize(list(v.get("args") or [])), **_materialize(dict(v.get("kwargs") or {})))
        if v.get("as"):
            HANDLES[str(v["as"])] = obj
        return obj
    if isinstance(v, list):
        return [_materialize(x) for x in v]
    if isinstance(v, tuple):
        return tuple(_materialize(x) for x in v)
    if isinstance(v, dict):
        return {k: _materialize(x) for k, x in v.items()}
    return v


def _lookup(ns: dict, name: str) -> tuple[Any, dict | None]:
    if name not in ns:
        return None, {"status": "missing"}
    fn = ns[name]
    if not callable(fn):
        from .checks.core import describe
        return None, {"status": "not_callable", "error": {"type": "", "message": describe(fn), "line": ""}}
    return fn, None


def _call(ns: dict, req: dict) -> dict:
    from .checks.core import run_call

    fn, missing = _lookup(ns, str(req.get("name")))
    if missing:
        return missing
    return run_call(fn, tuple(_materialize(list(req.get("args") or ()))), _materialize(dict(req.get("kwargs") or {})),
                    numpy_only=bool(req.get("numpy_only")), max_calls=req.get("max_calls"),
                    depends=_resolve_depends(req.get("depends")))


def _seeded(fn, seed):  # noqa: ANN001
    def make(*args, **kwargs):
        if seed is not None:
            import torch
            torch.manual_seed(int(seed))
        return fn(*args, **kwargs)
    make.__name__ = getattr(fn, "__name__", "new")
    return make


def _new(ns: dict, req: dict) -> dict:
    """Build an instance of the student's class; the report carries its description, the kernel keeps it."""
    from . import probe
    from .checks.core import run_call

    cls, missing = _lookup(ns, str(req.get("name")))
    if missing:
        return missing
    report = run_call(_seeded(cls, req.get("seed")), tuple(_materialize(list(req.get("args") or ()))),
                      _materialize(dict(req.get("kwargs") or {})))
    if report.get("status") == "ok":
        obj = report["value"]
        HANDLES[str(req.get("handle"))] = obj
        report["value"] = probe.describe(obj)
    return report


def _measurement(spec: str):
    """``"<topic>_probe.<function>"`` -> that function of ``convcourse.checks.<topic>_probe`` (None otherwise)."""
    import importlib

    module, _, name = spec.partition(".")
    if not module.endswith("_probe") or not module.replace("_", "").isalnum() or name.startswith("_") or not name:
        return None
    try:
        mod = importlib.import_module(f"convcourse.checks.{module}")
    except ImportError:
        return None
    fn = getattr(mod, name, None)
    return fn if callable(fn) else None


def _adopt(ns: dict, req: dict) -> dict:
    """Keep the object a notebook variable holds (e.g. its trained network) under a handle; report its structure."""
    from . import probe

    name = str(req.get("name"))
    if name not in ns:
        return {"status": "missing"}
    HANDLES[str(req.get("handle"))] = ns[name]
    return {"status": "ok", "value": probe.describe(ns[name])}


def _module(ns: dict, req: dict) -> dict:
    """describe / state / load / forward on an object the kernel keeps (measurements, as data)."""
    from . import probe
    from .checks.core import run_call

    handle = str(req.get("handle"))
    if handle not in HANDLES:
        return {"status": "missing"}
    obj = HANDLES[handle]
    action = req.get("action")
    if action == "describe":
        return {"status": "ok", "value": probe.describe(obj)}
    if action == "state":
        return run_call(lambda: probe.state(obj))
    if action == "load":
        return run_call(lambda: probe.load(obj, dict(req.get("state") or {})))
    if action == "forward":
        def forward():
            return probe.forward(obj, req.get("x"), probe=req.get("probe"), grads=bool(req.get("grads")),
                                 input_grad=bool(req.get("input_grad")), dtype=str(req.get("dtype", "float32")),
                                 train=req.get("train"))
        forward.__name__ = "forward"
        return run_call(forward)
    if action == "measure":
        # a measurement function of one of the course's probe modules (convcourse.checks.<topic>_probe)
        measure = _measurement(str(req.get("measure", "")))
        if measure is None:
            return {"status": "error", "error": {"type": "BadRequest", "message": "unknown measurement", "line": ""}}

        def run():
            return measure(obj, **_materialize(dict(req.get("kwargs") or {})))
        run.__name__ = "forward"
        return run_call(run)
    if action == "drop":
        HANDLES.pop(handle, None)
        return {"status": "ok"}
    return {"status": "error", "error": {"type": "BadRequest", "message": f"unknown action {action!r}", "line": ""}}


def _value(ns: dict, req: dict) -> dict:
    name = str(req.get("name"))
    if name not in ns:
        return {"status": "missing"}
    return {"status": "ok", "value": ns[name]}


_OPS = {"call": _call, "value": _value, "new": _new, "module": _module, "adopt": _adopt,
        "ping": lambda ns, req: {"status": "ok", "value": "pong"}}


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
