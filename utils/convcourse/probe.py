"""Measuring a torch module as plain data: structure, parameters, a forward pass, gradients.

These functions observe a module; they never judge it. The notebook's kernel
uses them to answer the grader (:mod:`convcourse.agent`), and the visible
module checks use them locally. What they return is made of numpy arrays,
numbers, strings, lists and dicts only.

* :func:`describe` — the module's class, its submodules with their layer
  type and hyper-parameters (kernel size, stride, padding, ...), and its
  parameters' names, shapes and dtypes;
* :func:`state` / :func:`load` — parameter values out and in, by name;
* :func:`forward` — outputs of one forward pass, and optionally the
  gradients of ``sum(output * probe)`` with respect to the input and to every
  parameter;
* :func:`build` — the small test networks the grader passes to a student's
  function (``nn.Sequential`` of standard layers from a spec).
"""
from __future__ import annotations

from typing import Any

import numpy as np

_HYPER = {
    "Conv2d": ("in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation", "groups",
               "padding_mode"),
    "ConvTranspose2d": ("in_channels", "out_channels", "kernel_size", "stride", "padding", "output_padding",
                        "dilation", "groups"),
    "Linear": ("in_features", "out_features"),
    "MaxPool2d": ("kernel_size", "stride", "padding", "dilation"),
    "AvgPool2d": ("kernel_size", "stride", "padding"),
    "AdaptiveAvgPool2d": ("output_size",),
    "AdaptiveMaxPool2d": ("output_size",),
    "Upsample": ("scale_factor", "mode", "size"),
    "BatchNorm2d": ("num_features",),
    "ReLU": ("inplace",),
}


def _plain(v: Any) -> Any:
    if isinstance(v, (tuple, list)):
        return [_plain(x) for x in v]
    if isinstance(v, (bool, int, float, str)) or v is None:
        return v
    return str(v)


def _torch_kind(module) -> str:  # noqa: ANN001
    """The most specific torch.nn class the module is an instance of (its own class if it is one)."""
    for cls in type(module).__mro__:
        if cls.__module__.startswith("torch.nn"):
            return cls.__name__
    return type(module).__name__


def describe(obj: Any) -> dict:
    """Structure of ``obj`` as plain data (``is_module`` False for anything that is not an nn.Module)."""
    import torch
    from torch import nn

    if not isinstance(obj, nn.Module):
        return {"is_module": False, "type": f"{type(obj).__module__}.{type(obj).__qualname__}"}
    modules = []
    for name, m in obj.named_modules():
        kind = _torch_kind(m)
        hyper = {k: _plain(getattr(m, k)) for k in _HYPER.get(kind, ()) if hasattr(m, k)}
        if kind in ("Conv2d", "ConvTranspose2d", "Linear"):
            hyper["bias"] = getattr(m, "bias", None) is not None
        modules.append({"name": name, "type": type(m).__name__, "kind": kind, "hyper": hyper})
    params = [{"name": n, "shape": list(p.shape), "dtype": str(p.dtype), "requires_grad": bool(p.requires_grad)}
              for n, p in obj.named_parameters()]
    buffers = [{"name": n, "shape": list(b.shape), "dtype": str(b.dtype)} for n, b in obj.named_buffers()]
    return {"is_module": True, "type": type(obj).__name__, "modules": modules, "parameters": params,
            "buffers": buffers, "training": bool(obj.training),
            "num_parameters": int(sum(p.numel() for p in obj.parameters())),
            "dtypes": sorted({str(p.dtype) for p in obj.parameters()}),
            "torch": torch.__version__}


def state(model) -> dict:  # noqa: ANN001
    """Every parameter and buffer by name, as numpy arrays (float64 for floating ones)."""
    out = {}
    for name, t in list(model.named_parameters()) + list(model.named_buffers()):
        a = t.detach().cpu()
        out[name] = a.double().numpy() if a.is_floating_point() else a.numpy()
    return out


def load(model, values: dict) -> None:  # noqa: ANN001
    """Copy ``values`` (name -> array) into the model's parameters, keeping their dtypes and devices."""
    import torch

    named = dict(model.named_parameters())
    named.update(dict(model.named_buffers()))
    missing = [k for k in values if k not in named]
    if missing:
        raise KeyError(f"the model has no parameter {missing[0]!r} (it has {', '.join(list(named)[:8])})")
    with torch.no_grad():
        for k, v in values.items():
            p = named[k]
            src = torch.as_tensor(np.asarray(v))
            if tuple(src.shape) != tuple(p.shape):
                raise ValueError(f"parameter {k!r} has shape {tuple(p.shape)}, not {tuple(src.shape)}")
            p.copy_(src.to(dtype=p.dtype, device=p.device))


def tensor_data(t) -> dict:  # noqa: ANN001
    """What a forward pass returned, as data: the array (float64), dtype, shape, requires_grad."""
    import torch

    if not isinstance(t, torch.Tensor):
        return {"tensor": False, "type": f"{type(t).__module__}.{type(t).__qualname__}",
                "text": repr(t)[:200] if not hasattr(t, "__len__") else f"{type(t).__name__} of length {len(t)}"}
    a = t.detach().cpu()
    return {"tensor": True, "array": a.double().numpy() if a.is_floating_point() else a.numpy(),
            "dtype": str(t.dtype), "shape": list(t.shape), "requires_grad": bool(t.requires_grad),
            "finite": bool(torch.isfinite(a).all()) if a.is_floating_point() else True}


def forward(model, x, *, probe=None, grads: bool = False, input_grad: bool = False,  # noqa: ANN001
            dtype: str = "float32", train: bool | None = None) -> dict:
    """One forward pass of ``model`` on ``x`` (a numpy array, made a tensor of ``dtype`` on the model's
    device); with ``grads`` / ``input_grad`` also the gradients of ``sum(out * probe)``."""
    import torch

    params = list(model.parameters())
    device = params[0].device if params else torch.device("cpu")
    xt = torch.as_tensor(np.asarray(x), dtype=getattr(torch, dtype), device=device).clone()
    x_before = xt.clone()
    if input_grad:
        xt.requires_grad_(True)
    if train is not None:
        model.train(train)
    model.zero_grad(set_to_none=True)
    out = model(xt)
    report = {"out": tensor_data(out), "input_modified": not torch.equal(xt.detach(), x_before)}
    if (grads or input_grad) and isinstance(out, torch.Tensor) and out.requires_grad:
        r = torch.as_tensor(np.asarray(probe if probe is not None else np.ones(tuple(out.shape))),
                            dtype=torch.float64, device=out.device)
        if tuple(r.shape) == tuple(out.shape):
            (out.double() * r).sum().backward()
            if grads:
                report["grads"] = {n: (None if p.grad is None else p.grad.detach().cpu().double().numpy())
                                   for n, p in model.named_parameters()}
            if input_grad:
                report["input_grad"] = None if xt.grad is None else xt.grad.detach().cpu().double().numpy()
    model.zero_grad(set_to_none=True)
    return report


# ------------------------------------------------------------ test networks


def build(spec: dict):
    """``nn.Sequential`` from ``{"layers": [[kind, *args], ...], "state": {...}, "dtype": "float32"}``.

    kinds: ``conv`` (c_in, c_out, k[, stride, dilation, padding]), ``relu``, ``tanh``, ``maxpool`` (k[, stride]),
    ``avgpool`` (k[, stride]), ``gap`` (global average pool to (B, C)), ``flatten``, ``linear`` (in, out),
    ``upsample`` (scale).
    """
    import torch
    from torch import nn

    class GlobalAvgPool(nn.Module):
        def forward(self, x):
            return x.mean(dim=(2, 3))

    layers = []
    for item in spec["layers"]:
        kind, args = item[0], list(item[1:])
        if kind == "conv":
            c_in, c_out, k = args[:3]
            stride, dilation, padding = (args[3:] + [1, 1, None])[:3] if len(args) > 3 else (1, 1, None)
            if padding is None:
                padding = dilation * (k // 2)
            layers.append(nn.Conv2d(c_in, c_out, k, stride=stride, dilation=dilation, padding=padding))
        elif kind == "relu":
            layers.append(nn.ReLU())
        elif kind == "tanh":
            layers.append(nn.Tanh())
        elif kind == "maxpool":
            layers.append(nn.MaxPool2d(args[0], stride=args[1] if len(args) > 1 else None))
        elif kind == "avgpool":
            layers.append(nn.AvgPool2d(args[0], stride=args[1] if len(args) > 1 else None))
        elif kind == "gap":
            layers.append(GlobalAvgPool())
        elif kind == "flatten":
            layers.append(nn.Flatten())
        elif kind == "linear":
            layers.append(nn.Linear(args[0], args[1]))
        elif kind == "upsample":
            layers.append(nn.Upsample(scale_factor=args[0], mode="nearest"))
        else:
            raise ValueError(f"unknown layer {kind!r}")
    model = nn.Sequential(*layers).to(dtype=getattr(torch, spec.get("dtype", "float32")))
    if spec.get("state"):
        load(model, spec["state"])
    model.train(bool(spec.get("train", False)))
    return model


__all__ = ["describe", "state", "load", "forward", "tensor_data", "build"]
