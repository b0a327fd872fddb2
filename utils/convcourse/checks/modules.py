"""The framework for checking torch modules, shared by the visible checks and the grader.

A module is checked through a *model handle* with four methods, whatever
process the module lives in:

* ``describe()`` — its structure as plain data (:func:`convcourse.probe.describe`);
* ``state()`` / ``load(state)`` — parameter values out and in, by name;
* ``forward(x, probe=..., grads=...)`` — one forward pass as data: the output
  array with its dtype, shape and ``requires_grad``, and gradients.

:class:`LocalModel` is that handle on a module in this process (the visible
checks); the grader's ``RemoteModule`` is the same handle on a module in the
notebook's kernel. The judging helpers below take only data: an expected
output and the outputs of known mistakes, computed by whoever holds the
references (the grader, or the build when it writes the answer book).
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from .. import probe as _probe
from .core import CheckError, _matches, judge_call, run_call


def _seeded(cls, seed):  # noqa: ANN001
    def make(*args, **kwargs):
        if seed is not None:
            import torch
            torch.manual_seed(int(seed))
        return cls(*args, **kwargs)
    make.__name__ = getattr(cls, "__name__", "new")
    return make


class LocalModel:
    """A model handle on a module in this process."""

    def __init__(self, obj, name: str):  # noqa: ANN001
        self.obj, self.name = obj, name
        self.description = _probe.describe(obj)

    def _run(self, fn, label: str = "") -> Any:  # noqa: ANN001
        fn.__name__ = self.name
        return judge_call(run_call(fn), name=self.name, label=label)

    def describe(self) -> dict:
        return _probe.describe(self.obj)

    def state(self) -> dict:
        return self._run(lambda: _probe.state(self.obj))

    def load(self, state: dict, label: str = "") -> None:
        self._run(lambda: _probe.load(self.obj, state), label)

    def forward(self, x, *, label: str = "", probe=None, grads: bool = False, input_grad: bool = False,  # noqa: ANN001
                dtype: str = "float32", train: bool | None = None, timeout: float | None = None) -> dict:
        return self._run(lambda: _probe.forward(self.obj, x, probe=probe, grads=grads, input_grad=input_grad,
                                                dtype=dtype, train=train), label)


def local_new(cls, args=(), kwargs=None, *, seed: int | None = 0, label: str = "", name: str = "") -> LocalModel:  # noqa: ANN001
    """Build ``cls(*args, **kwargs)`` here (after ``torch.manual_seed(seed)``), as the kernel does for the grader."""
    name = name or getattr(cls, "__name__", "model")
    report = run_call(_seeded(cls, seed), tuple(args), dict(kwargs or {}))
    obj = judge_call(report, name=name, label=label, args=args, kwargs=kwargs or {})
    return LocalModel(obj, name)


# ------------------------------------------------------------------- structure


def submodule(desc: dict, name: str) -> dict | None:
    """The entry of submodule ``name`` (dotted) in a description, or None."""
    for m in desc.get("modules", []):
        if m["name"] == name:
            return m
    return None


def parameter_names(desc: dict) -> list[str]:
    return [p["name"] for p in desc.get("parameters", [])]


# --------------------------------------------------------------------- outputs


def _first_diff(got: np.ndarray, expected: np.ndarray, tol: float) -> tuple[int, tuple, float, float]:
    diff = np.abs(got - expected)
    bad = diff > tol
    pos = tuple(int(i) for i in np.argwhere(bad)[0])
    return int(bad.sum()), pos, float(got[pos]), float(expected[pos])


def judge_output(out: dict, expected: np.ndarray, *, sig: str, what: str, shape_hint: str = "",
                 wrong: Sequence[tuple[str, Any]] = (), rtol: float = 1e-4, need_grad: bool = True,
                 what_values: str = "values") -> np.ndarray:
    """The output of a forward pass (``out`` as :func:`convcourse.probe.tensor_data` reports it) against
    ``expected``; raises CheckError naming what is wrong and the known mistake it matches."""
    if not out.get("tensor"):
        raise CheckError(f"{sig}.forward ({what}) returned {out.get('text') or out.get('type')}; expected a tensor "
                         f"of shape {tuple(expected.shape)}.")
    shape = tuple(out["shape"])
    if shape != tuple(expected.shape):
        raise CheckError(f"{sig}.forward ({what}) returned shape {shape}; expected {tuple(expected.shape)}"
                         f"{shape_hint(shape) if callable(shape_hint) else shape_hint}.")
    if "float" not in str(out["dtype"]):
        raise CheckError(f"{sig}.forward ({what}) returned dtype {out['dtype']}; expected floating values.")
    if not out.get("finite", True):
        raise CheckError(f"{sig}.forward ({what}) returned non-finite values.")
    if need_grad and not out.get("requires_grad"):
        raise CheckError(f"{sig}.forward ({what}) returned a tensor with no gradient (requires_grad=False): the "
                         "computation was cut from the parameters (torch.no_grad(), .detach(), .data or a trip "
                         "through numpy), so the network could not be trained.")
    got = np.asarray(out["array"], dtype=np.float64)
    tol = rtol * max(1.0, float(np.abs(expected).max()) if expected.size else 1.0)
    if expected.size and float(np.abs(got - expected).max()) > tol:
        n, pos, g, e = _first_diff(got, expected, tol)
        msg = (f"{sig}.forward ({what}) returned wrong {what_values}: {n} of {got.size} differ; first at {pos}: "
               f"got {g:.6g}, expected {e:.6g}.")
        for text, w in wrong:
            w = np.asarray(w, dtype=np.float64)
            if w.shape == got.shape and float(np.abs(got - w).max()) <= rtol * max(1.0, float(np.abs(w).max())):
                msg += f"\n  This looks like a known mistake: {text}"
                break
        raise CheckError(msg)
    return got


def judge_grads(fwd: dict, expected: dict, *, sig: str, what: str, rtol: float = 1e-3) -> None:
    """Parameter gradients of a forward pass against ``expected`` (name -> array)."""
    grads = fwd.get("grads") or {}
    for name, ref in expected.items():
        g = grads.get(name)
        if g is None:
            raise CheckError(f"{sig}: no gradient reaches {name} ({what}): forward must compute its output from "
                             "the layers with tensors that keep the graph (no torch.no_grad(), .detach(), .data or "
                             "numpy round trips).")
        g, ref = np.asarray(g, dtype=np.float64), np.asarray(ref, dtype=np.float64)
        if g.shape != ref.shape or float(np.abs(g - ref).max()) > rtol * max(1.0, float(np.abs(ref).max())):
            raise CheckError(f"{sig}: the gradient of {name} is wrong ({what}): largest difference "
                             f"{float(np.abs(g - ref).max()) if g.shape == ref.shape else float('nan'):.3g}. "
                             "Is some part of forward computed on detached tensors?")


def matches_any(got: Any, wrong: Sequence[tuple[str, Any]]) -> str | None:
    for text, w in wrong:
        if _matches(got, w):
            return text
    return None


__all__ = ["LocalModel", "local_new", "submodule", "parameter_names", "judge_output", "judge_grads",
           "matches_any"]
