"""Objects the grader asks the kernel to build and hand to a student's function.

A request's arguments may hold ``{"__model__": spec}`` (a small test network,
:func:`convcourse.probe.build`) or ``{"__make__": "name", "args": [...]}``,
which calls the function ``name`` of this module. Each returns a plain test
object (a network, a simple function) built from the arguments it is given:
nothing here computes an answer to an exercise.
"""
from __future__ import annotations

import functools

from . import probe


def model(spec: dict):
    """A test network from a spec (see :func:`convcourse.probe.build`)."""
    return probe.build(spec)


# ------------------------------------------------------------ networks with branches

def _pair(v) -> tuple:  # noqa: ANN001
    return (int(v), int(v)) if isinstance(v, (int, float)) else tuple(int(a) for a in v)


def _layer(item):  # noqa: ANN001
    """One module from ``[kind, *args]`` (see :func:`network`)."""
    import torch
    from torch import nn

    kind, args = str(item[0]), list(item[1:])
    opts = args.pop() if args and isinstance(args[-1], dict) else {}
    if kind == "conv":
        c_in, c_out, k = int(args[0]), int(args[1]), _pair(args[2])
        dilation = _pair(opts.get("dilation", 1))
        padding = opts.get("padding")
        padding = (dilation[0] * (k[0] // 2), dilation[1] * (k[1] // 2)) if padding is None else _pair(padding)
        with torch.random.fork_rng(devices=[]):
            return nn.Conv2d(c_in, c_out, k, stride=_pair(opts.get("stride", 1)), dilation=dilation,
                             padding=padding, bias=bool(opts.get("bias", True)),
                             padding_mode=str(opts.get("padding_mode", "zeros")))
    simple = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}
    if kind in simple:
        return simple[kind]()
    if kind == "maxpool":
        return nn.MaxPool2d(int(args[0]), stride=int(args[1]) if len(args) > 1 else None)
    if kind == "avgpool":
        return nn.AvgPool2d(int(args[0]), stride=int(args[1]) if len(args) > 1 else None)
    if kind == "adaptive_avg":
        return nn.AdaptiveAvgPool2d(int(args[0]) if args else 1)
    if kind == "batchnorm":
        return nn.BatchNorm2d(int(args[0]))
    if kind == "dropout":
        return nn.Dropout(float(args[0]) if args else 0.5)
    if kind == "upsample":
        return nn.Upsample(scale_factor=int(args[0]), mode=str(opts.get("mode", "nearest")))
    if kind == "shift":
        return _Shift(float(args[0]))
    if kind in ("cat", "sum"):
        return _Branches(kind, [nn.Sequential(*[_layer(x) for x in branch]) for branch in args])
    raise ValueError(f"unknown layer {kind!r}")


@functools.lru_cache(maxsize=None)
def _modules():
    """The two module classes of :func:`network` (defined on first use: torch is imported late)."""
    from torch import nn

    class Shift(nn.Module):
        """x + c (a constant)."""

        def __init__(self, c: float):
            super().__init__()
            self.c = c

        def forward(self, x):
            return x + self.c

    class Branches(nn.Module):
        """Several branches applied to the same input, concatenated along the channels or summed."""

        def __init__(self, how: str, branches):  # noqa: ANN001
            super().__init__()
            self.how, self.branches = how, nn.ModuleList(branches)

        def forward(self, x):
            import torch

            outs = [b(x) for b in self.branches]
            if self.how == "cat":
                return torch.cat(outs, dim=1)
            total = outs[0]
            for o in outs[1:]:
                total = total + o
            return total

    return Shift, Branches


def _Shift(c: float):
    return _modules()[0](c)


def _Branches(how: str, branches):  # noqa: ANN001
    return _modules()[1](how, branches)


def network(spec: dict):
    """A test network from ``{"layers": [...], "state": {...}, "dtype": "float32", "train": False}``.

    Each layer is ``[kind, *args]``, with an optional dict of options last:

    * ``["conv", c_in, c_out, k]`` (``k`` an int or ``[kh, kw]``; options ``stride``, ``dilation``, ``bias``,
      ``padding`` (default ``dilation * (k // 2)`` on each axis), ``padding_mode``);
    * ``["relu"]``, ``["tanh"]``, ``["sigmoid"]``, ``["maxpool", k(, s)]``, ``["avgpool", k(, s)]``,
      ``["adaptive_avg", size]``, ``["batchnorm", C]``, ``["dropout", p]``, ``["upsample", scale]``,
      ``["shift", c]`` (adds the constant c);
    * ``["cat", branch, branch, ...]`` / ``["sum", branch, ...]``: each branch a list of layers applied to the
      same input (an empty branch is the identity), concatenated along the channels or summed.

    ``state`` holds every parameter and buffer by name (:func:`convcourse.probe.load`); ``train`` the mode.
    """
    import torch
    from torch import nn

    model = nn.Sequential(*[_layer(item) for item in spec["layers"]])
    model = model.to(dtype=getattr(torch, str(spec.get("dtype", "float32"))))
    if spec.get("state"):
        probe.load(model, spec["state"])
    model.train(bool(spec.get("train", False)))
    return model


# ------------------------------------------------------------ functions of an image (10_fully_convolutional)

class _Function:
    """A plain test function of an image; its docstring says what it does (the checks' messages quote it)."""

    def __repr__(self) -> str:
        return f"<test function: {self.__doc__}>"


class GainMap(_Function):
    """x times a fixed random gain map (not equivariant)"""

    def __init__(self, shape, seed: int):  # noqa: ANN001
        import numpy as np

        self.G = np.random.default_rng(int(seed)).uniform(0.5, 2.0, size=tuple(int(v) for v in shape))

    def __call__(self, x):
        import numpy as np

        return self.G * np.asarray(x, dtype=np.float64)


class ColumnRamp(_Function):
    """x times its column index m"""

    def __call__(self, x):
        import numpy as np

        x = np.asarray(x, dtype=np.float64)
        return x * np.arange(x.shape[-1])


class BoxFilter(_Function):
    """a zero-padded 3x3 box filter (equivariant 1 pixel away from the border)"""

    def __call__(self, x):
        import numpy as np

        x = np.asarray(x, dtype=np.float64)
        p = np.pad(x, [(0, 0)] * (x.ndim - 2) + [(1, 1), (1, 1)])
        N, M = x.shape[-2:]
        return sum(p[..., i:i + N, j:j + M] for i in range(3) for j in range(3))


class BoxThenGain(_Function):
    """a 3x3 box filter, then a fixed random gain map"""

    def __init__(self, shape, seed: int):  # noqa: ANN001
        self.blur, self.gain = BoxFilter(), GainMap(shape, seed)

    def __call__(self, x):
        return self.gain(self.blur(x))


class TorchFunction(_Function):
    """a torch network under no_grad (tensor in, tensor out)"""

    def __init__(self, spec: dict, doc: str = ""):
        self.model = network(spec)
        if doc:
            self.__doc__ = doc

    def __call__(self, x):
        import torch

        with torch.no_grad():
            return self.model(x)


def gain_map(shape, seed: int) -> GainMap:  # noqa: ANN001
    """f(x) = G * x with a fixed random gain map G of ``shape`` (seeded)."""
    return GainMap(shape, seed)


def column_ramp() -> ColumnRamp:
    """f(x) = x * m, m the column index."""
    return ColumnRamp()


def box_filter() -> BoxFilter:
    """f(x) = the zero-padded 3x3 box sum of x."""
    return BoxFilter()


def box_then_gain(shape, seed: int) -> BoxThenGain:  # noqa: ANN001
    """f(x) = G * box(x)."""
    return BoxThenGain(shape, seed)


def torch_function(spec: dict, doc: str = "") -> TorchFunction:
    """f(x) = network(spec)(x) under torch.no_grad()."""
    return TorchFunction(spec, doc)
