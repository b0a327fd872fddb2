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


class RemoteModule:
    """An object the kernel built for the grader (a student's nn.Module), reached by its handle.

    Every method returns plain data measured in the kernel (see :mod:`convcourse.probe`); a fault in the
    student's code comes back as a :class:`CheckError` naming ``label``.
    """

    def __init__(self, notebook: "Notebook", handle: str, name: str, description: dict):
        self.notebook, self.handle, self.name, self.description = notebook, handle, name, description

    def _ask(self, action: str, label: str = "", timeout: float | None = None, **fields) -> Any:
        req = {"op": "module", "handle": self.handle, "action": action, **fields}
        report = self.notebook.session.request(req, timeout or self.notebook.call_timeout)
        if report.get("status") == "missing":
            raise CheckError(f"{self.name}: the kernel no longer holds this model (it was restarted after a fault).")
        return judge_call(report, name=self.name, label=label)

    def describe(self) -> dict:
        return self._ask("describe")

    def measure(self, measurement: str, label: str = "", timeout: float | None = None, **kwargs) -> Any:
        """A measurement of ``convcourse.checks.<topic>_probe`` on this object: ``measure("x_probe.trace", ...)``."""
        return self._ask("measure", label, timeout, measure=measurement, kwargs=kwargs)

    def state(self) -> dict:
        return self._ask("state")

    def load(self, state: dict, label: str = "") -> None:
        self._ask("load", label, state=state)

    def forward(self, x, *, label: str = "", probe=None, grads: bool = False, input_grad: bool = False,  # noqa: ANN001
                dtype: str = "float32", train: bool | None = None, timeout: float | None = None) -> dict:
        return self._ask("forward", label, timeout, x=x, probe=probe, grads=grads, input_grad=input_grad,
                         dtype=dtype, train=train)


class Notebook:
    """What a trusted test may ask of the notebook under grading."""

    def __init__(self, session, call_timeout: float = CALL_TIMEOUT):  # noqa: ANN001
        self.session, self.call_timeout = session, call_timeout
        self._handles = 0

    def function(self, name: str, timeout: float | None = None) -> RemoteFunction:
        return RemoteFunction(self, name, timeout)

    def adopt(self, variable: str, label: str = "") -> RemoteModule:
        """A handle on the object a notebook variable holds (e.g. the network the notebook trained)."""
        self._handles += 1
        handle = f"h{self._handles}"
        report = self.session.request({"op": "adopt", "name": variable, "handle": handle}, self.call_timeout)
        if report.get("status") == "missing":
            raise CheckError(f"{variable} is not defined: run the cells that build and train it.")
        return RemoteModule(self, handle, variable, judge_call(report, name=variable, label=label))

    def attach(self, handle: str, name: str = "model") -> RemoteModule:
        """A handle on an object the kernel keeps under ``handle`` (an argument built with ``"as": handle``)."""
        return RemoteModule(self, handle, name, {})

    def new(self, name: str, args=(), kwargs=None, *, seed: int | None = 0, label: str = "",  # noqa: ANN001
            timeout: float | None = None) -> RemoteModule:
        """Build ``name(*args, **kwargs)`` in the kernel (after ``torch.manual_seed(seed)``)."""
        self._handles += 1
        handle = f"h{self._handles}"
        req = {"op": "new", "name": name, "args": list(args), "kwargs": dict(kwargs or {}), "seed": seed,
               "handle": handle}
        report = self.session.request(req, timeout or self.call_timeout)
        description = judge_call(report, name=name, label=label, args=args, kwargs=kwargs or {})
        return RemoteModule(self, handle, name, description)

    def value(self, name: str) -> Any:
        report = self.session.request({"op": "value", "name": name}, self.call_timeout)
        if report.get("status") == "missing":
            raise CheckError(f"{name} is not defined: run the cell that sets it (e.g. {name} = \"B\").")
        if report.get("status") != "ok":
            return judge_call(report, name=name)
        return report.get("value")


class LocalSession:
    """A stand-in for the kernel that answers in this process, from a namespace of functions and classes.

    The test catalogue grades its implementations through it: the same trusted tests, the same requests
    and reports (encoded and decoded as on the wire), without starting a kernel.
    """

    def __init__(self, namespace: dict):
        self.namespace = namespace

    def request(self, req: dict, timeout: float) -> dict:
        from convcourse import agent, wire

        report = agent.handle(wire.decode(wire.encode(req)), self.namespace)
        return wire.decode(agent._sendable(report))


def local_notebook(namespace: dict) -> Notebook:
    """A :class:`Notebook` whose "kernel" is ``namespace`` in this process (see :class:`LocalSession`)."""
    return Notebook(LocalSession(namespace))


def as_notebook(target: Any, name: str) -> Notebook:
    """``target`` if it is a notebook handle; else a local one in which ``name`` is ``target`` (the catalogue
    passes a student's function or class directly)."""
    if isinstance(target, Notebook):
        return target
    return local_notebook({name: target})


__all__ = ["RemoteFunction", "RemoteModule", "Notebook", "LocalSession", "local_notebook", "as_notebook", "CALL_TIMEOUT"]
