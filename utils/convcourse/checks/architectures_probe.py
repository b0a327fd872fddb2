"""Measuring the networks of notebook 11_architectures: one forward pass, watched, reported as plain data.

:func:`trace` runs ``model(x)`` once and records what happened, without
judging it:

* every ``nn.Conv2d`` / ``nn.ConvTranspose2d`` call (a global forward hook
  sees them all, registered in the model or not): the module's name in the
  model (None when it is not registered), its kind, kernel size, input and
  output shapes, whether it received ``x`` itself, whether its output is part
  of an autograd graph;
* every ``torch.cat`` / ``torch.concat`` / ``torch.concatenate`` call: the
  dimension, the operands' shapes and, per operand, whether it is the input
  ``x`` itself and (when asked) whether it depends on the output of one
  given conv call (read from the autograd graph; without a graph, from the
  values after that conv's output is perturbed);
* how many ReLUs ran (``nn.ReLU``, ``F.relu``, ``torch.relu``,
  ``Tensor.relu`` and ``clamp(min=0)`` all count) and the names of the other
  activation functions that ran;
* the output (as :func:`convcourse.probe.tensor_data` reports it) and
  whether ``x`` was modified in place.

With ``replace={"index": i, "from_x": x1}`` the output of conv call ``i`` is
replaced by what that call produced on the input ``x1`` (a bottleneck held
fixed while the input changes). What the student's forward raised comes back
as :func:`convcourse.checks.core.run_call` reports it, together with the
record of what ran before.

The grader asks for it with the ``measure`` action of the kernel's ``module``
op (``"architectures_probe.trace"``, keyword arguments as data); the visible
checks call the same function locally.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import probe as _probe
from .core import run_call

__all__ = ["trace", "ACTIVATIONS"]

# other activation functions that are named when they run
ACTIVATIONS = ("leaky_relu", "elu", "gelu", "silu", "selu", "softplus", "mish", "hardtanh", "relu6", "tanh",
               "sigmoid")


class _Trace:
    """Patches torch while one forward pass runs (see the module docstring); ``__exit__`` undoes everything."""

    def __init__(self, model, x, *, replace=None, capture=(), keep_operands=False, namespaces=()):
        self.names = {id(m): n for n, m in model.named_modules()}
        self.x = x
        self.convs: list[dict] = []
        self.conv_grad_fns: list = []
        self.captured: dict = {}
        self.capture = set(capture)
        self.cats: list[dict] = []
        self.cat_grad_fns: list[list] = []
        self.cat_values: list[list] = []
        self.keep_operands = keep_operands
        self.relus = 0
        self.others: list[str] = []
        self.replace = dict(replace or {})
        self.namespaces = list(namespaces)
        self._undo: list = []

    # -- hooks and wrappers
    def _is_x(self, t) -> bool:  # noqa: ANN001
        import torch

        return isinstance(t, torch.Tensor) and tuple(t.shape) == tuple(self.x.shape) and \
            t.dtype == self.x.dtype and bool(torch.equal(t.detach(), self.x))

    def _hook(self, module, args, output):  # noqa: ANN001
        import torch
        from torch import nn

        if not isinstance(module, (nn.Conv2d, nn.ConvTranspose2d)) or not isinstance(output, torch.Tensor):
            return None
        index = len(self.convs)
        if index in self.replace:
            output = self.replace[index](output)
        if index in self.capture:
            self.captured[index] = output.detach().clone()
        inp = args[0] if args and isinstance(args[0], torch.Tensor) else None
        name = self.names.get(id(module))
        self.convs.append({
            "module": name, "repr": None if name is not None else repr(module)[:160],
            "kind": type(module).__name__, "transposed": isinstance(module, nn.ConvTranspose2d),
            "kernel": [int(k) for k in module.kernel_size], "shape": [int(s) for s in output.shape],
            "in_shape": None if inp is None else [int(s) for s in inp.shape],
            "input_is_x": inp is not None and self._is_x(inp), "graph": output.grad_fn is not None})
        self.conv_grad_fns.append(output.grad_fn)
        return output if index in self.replace else None

    def _cat_wrapper(self, original):  # noqa: ANN001
        import torch

        trace = self

        def cat(*args, **kwargs):
            result = original(*args, **kwargs)
            try:
                tensors = args[0] if args else kwargs.get("tensors")
                dim = args[1] if len(args) > 1 else kwargs.get("dim", kwargs.get("axis", 0))
                ops = [t for t in tensors if isinstance(t, torch.Tensor)]
                if isinstance(dim, int) and isinstance(result, torch.Tensor):
                    trace.cats.append({"dim": dim % max(result.dim(), 1), "ndim": result.dim(),
                                       "shapes": [[int(s) for s in t.shape] for t in ops],
                                       "operands": [{"is_input": trace._is_x(t), "depends": None} for t in ops]})
                    trace.cat_grad_fns.append([t.grad_fn for t in ops])
                    trace.cat_values.append([t.detach().clone() for t in ops] if trace.keep_operands else [])
            except Exception:  # noqa: BLE001  (recording must never break the student's forward)
                pass
            return result
        cat.__name__ = getattr(original, "__name__", "cat")
        return cat

    def _counter(self, original, kind, clamp=False):  # noqa: ANN001
        trace = self

        def counted(*args, **kwargs):
            if clamp:
                lo = args[1] if len(args) > 1 else kwargs.get("min")
                hi = args[2] if len(args) > 2 else kwargs.get("max")
                if isinstance(lo, (int, float)) and lo == 0 and hi is None:
                    trace.relus += 1
            elif kind == "relu":
                trace.relus += 1
            else:
                trace.others.append(kind)
            return original(*args, **kwargs)
        counted.__name__ = getattr(original, "__name__", kind)
        return counted

    # -- install / remove
    def _patch_module(self, mod, name, new):  # noqa: ANN001
        if hasattr(mod, name):
            old = getattr(mod, name)
            setattr(mod, name, new)
            self._undo.append(lambda: setattr(mod, name, old))

    def _patch_class(self, cls, name, new):  # noqa: ANN001
        had = name in cls.__dict__
        old = cls.__dict__.get(name)
        setattr(cls, name, new)
        self._undo.append((lambda: setattr(cls, name, old)) if had else (lambda: delattr(cls, name)))

    def __enter__(self):
        import torch
        import torch.nn.functional as F
        from torch.nn.modules import module as module_mod

        swaps = {}

        def swap(mod, name, new):  # noqa: ANN001
            if hasattr(mod, name):
                swaps[id(getattr(mod, name))] = new
                self._patch_module(mod, name, new)

        try:
            for name in ("cat", "concat", "concatenate"):
                if hasattr(torch, name):
                    swap(torch, name, self._cat_wrapper(getattr(torch, name)))
            for name in ("relu", "relu_"):
                swap(torch, name, self._counter(getattr(torch, name), "relu"))
            for name in ("clamp", "clip", "clamp_min"):
                if hasattr(torch, name):
                    swap(torch, name, self._counter(getattr(torch, name), "relu", clamp=True))
            base = torch._C.TensorBase
            for name in ("relu", "relu_"):
                self._patch_class(torch.Tensor, name, self._counter(getattr(base, name), "relu"))
            for name in ("clamp", "clamp_", "clip", "clip_", "clamp_min", "clamp_min_"):
                if hasattr(base, name):
                    self._patch_class(torch.Tensor, name, self._counter(getattr(base, name), "relu", clamp=True))
            for name in ("tanh", "sigmoid"):
                swap(torch, name, self._counter(getattr(torch, name), name))
                self._patch_class(torch.Tensor, name, self._counter(getattr(base, name), name))
            for name in ACTIVATIONS:
                if hasattr(F, name):
                    swap(F, name, self._counter(getattr(F, name), name))
            for ns in self.namespaces:
                for key, value in list(ns.items()):
                    if id(value) in swaps and callable(value):
                        ns[key] = swaps[id(value)]
                        self._undo.append(lambda ns=ns, key=key, value=value: ns.__setitem__(key, value))
            handle = module_mod.register_module_forward_hook(self._hook)
            self._undo.append(handle.remove)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc):
        while self._undo:
            self._undo.pop()()
        return False

    def record(self) -> dict:
        return {"convs": self.convs, "cats": self.cats, "relus": self.relus, "others": list(self.others)}


def _namespaces(model) -> list[dict]:  # noqa: ANN001
    """The global namespaces of the forward methods of the model's own (non-torch) module classes."""
    seen, out = set(), []
    for m in model.modules():
        fwd = getattr(type(m), "forward", None)
        g = getattr(fwd, "__globals__", None)
        if isinstance(g, dict) and not str(g.get("__name__", "")).startswith("torch") and id(g) not in seen:
            seen.add(id(g))
            out.append(g)
    return out


def _reaches(fn, target) -> bool:  # noqa: ANN001
    """Whether the autograd graph below node ``fn`` contains node ``target``."""
    if fn is None or target is None:
        return False
    seen, stack = set(), [fn]
    while stack:
        f = stack.pop()
        if f is target:
            return True
        if id(f) in seen:
            continue
        seen.add(id(f))
        stack.extend(nxt for nxt, _ in getattr(f, "next_functions", ()) if nxt is not None)
    return False


def _tensor(model, a, dtype: str):  # noqa: ANN001
    import torch

    params = list(model.parameters())
    device = params[0].device if params else torch.device("cpu")
    return torch.as_tensor(np.asarray(a), dtype=getattr(torch, dtype), device=device).clone()


def _watched(model, x, **kw) -> tuple[dict, _Trace, Any]:  # noqa: ANN001
    """``model(x)`` under a :class:`_Trace`, through :func:`run_call`: (report, trace, output or None)."""
    tr = _Trace(model, x.clone(), namespaces=_namespaces(model), **kw)

    def forward():
        with tr:
            return model(x)
    forward.__name__ = "forward"
    report = run_call(forward)
    out = report.get("value") if report.get("status") == "ok" else None
    if report.get("status") == "ok":
        report["value"] = None
    return report, tr, out


def trace(model, x, *, dtype: str = "float32", train: bool | None = False, replace: dict | None = None,
          depends_on: int | None = None, seed: int = 0) -> dict:  # noqa: ANN001
    """One watched forward pass of ``model`` on ``x`` (a numpy array made a tensor of ``dtype``).

    Returns ``{"run": report, "trace": record, "input_modified": bool, "replaced": bool}``: ``report`` is
    what :func:`convcourse.checks.core.run_call` reports of the forward pass, its ``value`` the output as
    :func:`convcourse.probe.tensor_data` reports it; ``record`` holds ``convs``, ``cats``, ``relus`` and
    ``others`` (module docstring). ``replace`` (``{"index": i, "from_x": x1}``): conv call ``i`` outputs
    what it output on ``x1``. ``depends_on`` (a conv call's index): fills in each concatenation operand's
    ``depends``.
    """
    import torch

    if train is not None:
        model.train(bool(train))
    swap, replaced = {}, False
    if replace:
        index = int(replace["index"])
        report, tr, _ = _watched(model, _tensor(model, replace["from_x"], dtype), capture={index})
        if report.get("status") != "ok":
            return {"run": report, "trace": tr.record(), "input_modified": False, "replaced": False}
        if index in tr.captured:
            fixed = tr.captured[index]
            swap, replaced = {index: lambda o: fixed.clone()}, True
    xt = _tensor(model, x, dtype)
    x_before = xt.clone()
    report, tr, out = _watched(model, xt, replace=swap, keep_operands=depends_on is not None,
                               capture=() if depends_on is None else {int(depends_on)})
    result = {"run": report, "trace": tr.record(), "input_modified": not torch.equal(xt, x_before),
              "replaced": replaced}
    if report.get("status") == "ok":
        report["value"] = _probe.tensor_data(out)
    if depends_on is not None and report.get("status") == "ok":
        _fill_depends(model, x_before, tr, int(depends_on), seed)
    return result


def _fill_depends(model, x, tr: _Trace, b: int, seed: int) -> None:  # noqa: ANN001
    """Each concatenation operand's ``depends``: does it depend on the output of conv call ``b``?"""
    import torch

    if b >= len(tr.convs):
        return
    target = tr.conv_grad_fns[b]
    if target is not None:
        for cat, fns in zip(tr.cats, tr.cat_grad_fns):
            for op, fn in zip(cat["operands"], fns):
                op["depends"] = _reaches(fn, target)
        return
    # no autograd graph (forward under torch.no_grad()): perturb the conv's output and compare the operands
    fixed = tr.captured.get(b)
    if fixed is None:
        return
    gen = torch.Generator().manual_seed(int(seed))
    noise = torch.randn(tuple(fixed.shape), generator=gen, dtype=torch.float64) * (float(fixed.double().std()) + 1.0)

    def add(o):  # noqa: ANN001
        return o + noise.to(device=o.device, dtype=o.dtype)

    report, tr_b, _ = _watched(model, x.clone(), replace={b: add}, keep_operands=True)
    if report.get("status") != "ok" or len(tr_b.cats) != len(tr.cats):
        return
    for cat, values_a, values_b in zip(tr.cats, tr.cat_values, tr_b.cat_values):
        for op, va, vb in zip(cat["operands"], values_a, values_b):
            op["depends"] = not (va.shape == vb.shape and bool(torch.equal(va, vb)))
