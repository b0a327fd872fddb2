"""Checks for notebook 10_fully_convolutional (chapter §24.8–24.10).

Each ``check_<name>(fn)`` runs the visible tests of one graded name: a
hand-computed example first, then small random cases. The hidden tests (kept
by the instructor, never shipped) call the same checkers with cases of their
own. From notebook 08 on torch is the tool: nothing here refuses torch.

* ``check_FCN(cls)``: the image-to-image network of §24.8 as a
  ``torch.nn.Module`` class: constructions with several argument
  combinations, exactly two ``nn.Conv2d`` layers with the right channels,
  kernel size, stride and bias, the parameter count, output shapes for
  non-square images and several batch sizes, per-pixel logits (no softmax),
  gradients to every parameter, and equality with a reference forward pass
  built from the module's own weights. Wrong values are matched against the
  usual mistakes, the chapter's erratum first (the second layer reading the
  input x instead of h).
* ``check_patchwise_apply(fn)``: the network applied patch by patch (the
  sliding-filter view of §24.9), on small models whose receptive fields are
  known; the interior is compared with ``model(x)`` and everything with an
  independent patch-by-patch reference.
* ``check_translate(fn)``: a circular shift with ``np.roll`` / ``torch.roll``
  semantics; the type and dtype of the input are kept, the input untouched.
* ``check_equivariance_error(fn)``: ``max |f(translate(x)) - translate(f(x))|``
  over the interior, a Python float. While it runs, the notebook's
  ``translate`` is the course's, so a wrong ``translate`` costs only its own
  points.
"""
from __future__ import annotations

import contextlib
import copy
import dataclasses
import functools
import math
from typing import Callable

import numpy as np

from .. import session
from .core import CheckError, call_guarded, check_choice, describe
from .core import one_torch_thread as _one_torch_thread

__all__ = [
    "check_FCN", "check_patchwise_apply", "check_translate", "check_equivariance_error",
    "check_answer_stride_shifts",
    "FCN_CONFIGS", "FCN_SHAPES", "PatchCase", "cases_patchwise_apply", "TranslateCase", "cases_translate",
    "EquivarianceCase", "cases_equivariance_error",
    "reference_fcn_forward", "reference_patchwise_apply", "reference_translate", "reference_equivariance_error",
    "conv_stack", "receptive_field_of",
]


# ------------------------------------------------------------------ helpers


def _checked(check):
    """Restore the protected modules first (what check_function does), then run on one torch thread."""
    @functools.wraps(check)
    def wrapped(*args, **kwargs):
        session.ensure_snapshot()
        session.restore()
        with _one_torch_thread():
            return check(*args, **kwargs)
    return wrapped


def _is_tensor(x) -> bool:
    return (type(x).__module__ or "").startswith("torch") and hasattr(x, "detach")


def _np64(a) -> np.ndarray:
    """float64 numpy copy of an array or tensor."""
    if _is_tensor(a):
        return a.detach().cpu().double().numpy()
    return np.asarray(a, dtype=np.float64)


def _first_diff(got: np.ndarray, expected: np.ndarray, tol: float):
    diff = np.abs(got - expected)
    bad = ~(diff <= tol)
    pos = tuple(int(i) for i in np.argwhere(bad)[0])
    return pos, int(bad.sum()), float(diff.max())


def _strip_called(text: str) -> str:
    """A call_guarded message without its own 'called with' line (the checks add a better one)."""
    i = text.find("\n  called with:")
    return text[:i] if i >= 0 else text


def _known(messages) -> str:
    """The diagnosis line(s) for the known mistakes an answer matches (several when they coincide)."""
    messages = list(dict.fromkeys(messages))
    if not messages:
        return ""
    if len(messages) == 1:
        return f"\n  This looks like a known mistake: {messages[0]}"
    return "\n  This looks like one of these known mistakes:" + "".join(f"\n    - {m}" for m in messages[:3])


def _close(a: np.ndarray, b: np.ndarray, rel: float = 1e-4) -> bool:
    if a.shape != b.shape:
        return False
    scale = max(1.0, float(np.abs(b).max())) if b.size else 1.0
    return bool(np.all(np.abs(a - b) <= rel * scale))


# ======================================================================= FCN

# (positional args, keyword args) of the constructions the visible check tries. The last one has
# hidden == in_channels, where the erratum's "second conv applied to x" runs without a shape error.
FCN_CONFIGS = [((), {}), ((1, 4, 3), {}), ((), {"in_channels": 2, "hidden": 5, "num_classes": 4, "kernel_size": 5}),
               ((3, 3, 2), {})]
# (batch, rows, columns) of the inputs.
FCN_SHAPES = [(1, 9, 13), (3, 8, 8), (2, 12, 7)]

_FCN_NAMES = ("in_channels", "hidden", "num_classes", "kernel_size")


def _fcn_resolve(args, kwargs):
    values = dict(zip(_FCN_NAMES, (3, 16, 2, 3)))
    values.update(dict(zip(_FCN_NAMES, args)))
    values.update(kwargs)
    return tuple(int(values[n]) for n in _FCN_NAMES)


def _fcn_signature(args, kwargs):
    parts = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()]
    return f"FCN({', '.join(parts)})"


def _fcn_convs(model):
    from torch import nn

    return [m for m in model.modules() if isinstance(m, nn.Conv2d)]


def _fcn_layers(model, sig, C, H, K):
    """(conv1, conv2): the model's two Conv2d modules, the first being the one that reads the input."""
    convs = _fcn_convs(model)
    if len(convs) != 2:
        kinds = ", ".join(type(m).__name__ for m in convs) or "none"
        raise CheckError(f"{sig} has {len(convs)} nn.Conv2d layers ({kinds}); the network of §24.8 has exactly "
                         "two: conv1 = nn.Conv2d(in_channels, hidden, kernel_size, ...) and conv2 = "
                         "nn.Conv2d(hidden, num_classes, kernel_size, ...), registered as attributes in __init__ "
                         "(a plain Python list of layers is invisible to PyTorch: use attributes, nn.Sequential "
                         "or nn.ModuleList).")
    first, second = convs
    if first.in_channels != C and second.in_channels == C:
        first, second = second, first
    return first, second


def _check_fcn_structure(model, C, Hd, K, k, sig):
    import torch
    from torch import nn

    if not isinstance(model, nn.Module):
        raise CheckError(f"{sig} is {describe(model)}, not a torch.nn.Module: subclass nn.Module and call "
                         "super().__init__() first in __init__.")
    conv1, conv2 = _fcn_layers(model, sig, C, Hd, K)
    problems = []
    if conv1.in_channels != C:
        problems.append(f"the first conv has in_channels {conv1.in_channels}; it reads the image, "
                        f"in_channels = {C}")
    if conv1.out_channels != Hd:
        problems.append(f"the first conv has out_channels {conv1.out_channels}; expected hidden = {Hd}")
    if conv2.in_channels != Hd:
        hint = (". It looks built for the text's z2 = sum w2 * x (an erratum): the second layer reads the hidden "
                "features h = relu(z1), which have `hidden` channels" if conv2.in_channels == C else "")
        problems.append(f"the second conv has in_channels {conv2.in_channels}; it reads h, which has "
                        f"hidden = {Hd} channels{hint}")
    if conv2.out_channels != K:
        problems.append(f"the second conv has out_channels {conv2.out_channels}; expected num_classes = {K} "
                        "(one logit map per class)")
    for name, conv in (("first", conv1), ("second", conv2)):
        if tuple(conv.kernel_size) != (k, k):
            problems.append(f"the {name} conv has kernel_size {tuple(conv.kernel_size)}; both layers use "
                            f"kernel_size = {k}" + (" (the defaults are in_channels=3, hidden=16, num_classes=2, "
                                                    "kernel_size=3)" if sig == "FCN()" else ""))
        if tuple(conv.stride) != (1, 1) or tuple(conv.dilation) != (1, 1) or conv.groups != 1:
            problems.append(f"the {name} conv has stride {tuple(conv.stride)}, dilation {tuple(conv.dilation)}, "
                            f"groups {conv.groups}; an FCN that keeps the resolution uses the defaults (1, 1), 1")
        if conv.bias is None:
            problems.append(f"the {name} conv has no bias (bias=False); every layer has a bias per channel "
                            "(b1[c1], b2[c2] in §24.8)")
    if problems:
        defaults = (" (the defaults are in_channels=3, hidden=16, num_classes=2, kernel_size=3)"
                    if sig == "FCN()" and not any("defaults" in p for p in problems) else "")
        raise CheckError(f"{sig}: " + ";\n  ".join(problems) + defaults + ".")
    expected_n = Hd * (C * k * k + 1) + K * (Hd * k * k + 1)
    got_n = sum(p.numel() for p in model.parameters())
    own = {id(p) for p in list(conv1.parameters()) + list(conv2.parameters())}
    extra = [name for name, p in model.named_parameters() if id(p) not in own]
    if extra or got_n != expected_n:
        raise CheckError(f"{sig} has {got_n} parameters; expected {expected_n} = hidden*(in_channels*k*k + 1) + "
                         f"num_classes*(hidden*k*k + 1), the weights and biases of the two convolutions. "
                         + (f"Extra parameters: {', '.join(extra)}. The network of §24.8 is conv -> relu -> conv "
                            "and nothing else." if extra else ""))
    if any(p.dtype != torch.float32 for p in model.parameters()):
        raise CheckError(f"{sig}'s parameters should be float32 (PyTorch's default); "
                         f"got {sorted({str(p.dtype) for p in model.parameters()})}.")
    return conv1, conv2


def reference_fcn_forward(x, w1, b1, w2, b2, *, variant: str = "ok"):
    """Float64 forward pass conv -> relu -> conv with zero 'same' padding (torch layout ``(C_out, C_in, k, k)``).

    ``variant`` names a known mistake instead (used to diagnose wrong answers).
    """
    import torch
    import torch.nn.functional as F

    x, w1, b1, w2, b2 = (t.detach().double() for t in (x, w1, b1, w2, b2))
    k = w1.shape[-1]
    p = k // 2

    def conv(inp, w, b, mode="zeros"):
        if mode == "zeros":
            return F.conv2d(inp, w, b, padding=p)
        return F.conv2d(F.pad(inp, (p, p, p, p), mode=mode), w, b)

    if variant in ("reflect", "replicate", "circular"):
        return conv(torch.relu(conv(x, w1, b1, variant)), w2, b2, variant)
    if variant == "erratum":
        return conv(x, w2, b2)
    z1 = conv(x, w1, None if variant == "no_bias1" else b1)
    h = {"no_relu": z1, "tanh": torch.tanh(z1), "sigmoid_hidden": torch.sigmoid(z1)}.get(variant, torch.relu(z1))
    if variant == "residual":
        return conv(h, w2, b2) + x
    z2 = conv(h, w2, None if variant == "no_bias2" else b2)
    if variant == "softmax":
        return torch.softmax(z2, dim=1)
    if variant == "text_softmax":
        return torch.softmax(-z2, dim=1)
    if variant == "log_softmax":
        return torch.log_softmax(z2, dim=1)
    if variant == "sigmoid":
        return torch.sigmoid(z2)
    if variant == "relu_out":
        return torch.relu(z2)
    if variant == "softmax_last":
        return torch.softmax(z2, dim=-1)
    if variant == "softmax_rows":
        return torch.softmax(z2, dim=-2)
    if variant == "softmax_hw":
        return torch.softmax(z2.flatten(2), dim=2).reshape(z2.shape)
    return z2


_FCN_MISTAKES = [
    ("erratum", "the second convolution is applied to the input x, as the text's z2 = sum_c1 w2[c1, c2] * x + b2 "
                "literally reads (an erratum): the first layer is then computed and thrown away. The second layer "
                "takes the hidden features: z2 = conv2(h) with h = relu(conv1(x))."),
    ("softmax", "forward applies a softmax over the classes: return the per-pixel logits z2. nn.CrossEntropyLoss "
                "applies log-softmax itself; take torch.softmax(logits, dim=1) outside when you want probabilities."),
    ("text_softmax", "forward applies the text's softmax e^{-tau z} (an erratum, and a softmax does not belong in "
                     "forward anyway): return the logits z2."),
    ("log_softmax", "forward returns log-probabilities (log_softmax over the classes); return the raw logits z2."),
    ("softmax_hw", "forward applies a softmax over the pixels of each map; return the raw logits z2."),
    ("softmax_last", "forward applies a softmax, over the last axis (the columns): no softmax in forward at all; "
                     "return the raw logits z2 (and when you need probabilities, the classes are dim=1)."),
    ("softmax_rows", "forward applies a softmax, over the rows: no softmax in forward at all; return the raw "
                     "logits z2 (and when you need probabilities, the classes are dim=1)."),
    ("sigmoid", "forward applies a sigmoid to the output; return the raw logits z2."),
    ("relu_out", "a ReLU is applied to the output as well: logits must be able to go negative. The order is "
                 "conv -> relu -> conv, with nothing after the second conv."),
    ("no_relu", "the ReLU between the two convolutions is missing: without it the two layers collapse into one "
                "linear filter."),
    ("tanh", "the nonlinearity is a tanh; §24.8 uses relu(z1) = max(z1, 0)."),
    ("sigmoid_hidden", "the nonlinearity is a sigmoid; §24.8 uses relu(z1) = max(z1, 0)."),
    ("reflect", "the convolutions pad with reflected pixels; the layers of the chapter pad with zeros "
                "(padding=kernel_size // 2, padding_mode='zeros')."),
    ("replicate", "the convolutions pad by repeating the edge pixels; the layers of the chapter pad with zeros."),
    ("circular", "the convolutions pad circularly (wrapping around); the layers of the chapter pad with zeros."),
    ("no_bias1", "the first conv's bias is not used in forward: call self.conv1(x)."),
    ("no_bias2", "the second conv's bias is not used in forward: call self.conv2(h)."),
    ("residual", "the input is added to the output (a skip connection); the FCN of §24.8 has none."),
]

_FCN_EXCEPTION_HINTS = [
    (("channels, but got", "to have", "expected input"),
     "a convolution received a tensor with the wrong number of channels. The text's second layer reads x (an "
     "erratum): z2 = sum w2 * x cannot work when x has in_channels and conv2 expects hidden channels. The second "
     "layer reads h = relu(conv1(x))."),
    (("before module.__init__() call", "__init__() call"),
     "call super().__init__() first thing in __init__, before creating the layers."),
    (("unexpected keyword argument", "positional argument"),
     "the signature is FCN(in_channels=3, hidden=16, num_classes=2, kernel_size=3)."),
    (("non-singleton dimension 1",),
     "two tensors with different channel counts were added: the FCN of §24.8 has no skip connection, just "
     "conv1 -> relu -> conv2."),
    (("size of tensor a", "must match the size"),
     "the output keeps the input's height and width only with 'same' padding: padding=kernel_size // 2 in both "
     "convolutions."),
]


def _fcn_exception_hint(message: str) -> str:
    low = message.lower()
    for keys, hint in _FCN_EXCEPTION_HINTS:
        if any(key.lower() in low for key in keys):
            return f"\n  Hint: {hint}"
    return ""


def _fcn_forward(model, x, sig, what):
    import torch

    try:
        out = call_guarded(model, (x,), name=f"{sig}.forward", label=what)
    except CheckError as e:
        raise CheckError(f"{e}{_fcn_exception_hint(str(e))}") from None
    if not isinstance(out, torch.Tensor):
        raise CheckError(f"{sig}.forward ({what}) returned {describe(out)}; expected a tensor of per-pixel logits "
                         f"of shape {(x.shape[0], '?', x.shape[2], x.shape[3])}.")
    return out


def _fcn_shape_problem(out, x, K, k, sig, what):
    B, _, N, M = x.shape
    if tuple(out.shape) == (B, K, N, M):
        return None
    msg = (f"{sig}.forward ({what}) returned shape {tuple(out.shape)}; expected ({B}, {K}, {N}, {M}) = "
           "(batch, num_classes, H, W): one logit per class at every pixel.")
    shape = tuple(out.shape)
    if len(shape) == 4 and shape[:2] == (B, K) and shape[2] < N:
        lost = N - shape[2]
        msg += (f" The maps shrank by {lost} rows: a {k}x{k} convolution keeps the size only with "
                f"padding = kernel_size // 2 = {k // 2} on each side ('same' padding)")
        if lost == 2 * (k - 1):
            msg += "; here neither convolution pads"
        elif lost == k - 1:
            msg += "; here one of the convolutions does not pad, or both pad too little"
        if k != 3 and lost == 2 * (k - 3):
            msg += " (padding=1 is right only for kernel_size 3)"
        msg += "."
    elif len(shape) == 4 and shape[:2] == (B, K) and shape[2] > N:
        msg += " The maps grew: the padding is larger than kernel_size // 2."
    elif len(shape) == 4 and shape == (B, N, M, K):
        msg += " The class axis was moved last (channels-last); PyTorch keeps it at dim 1."
    elif len(shape) == 3 and B == 1:
        msg += " Keep the batch axis (no .squeeze())."
    elif len(shape) == 2:
        msg += " The output was pooled over space: an FCN keeps the spatial layout (no global pooling, §24.8)."
    return msg


def _fcn_outputs(model, x, C, Hd, K, k, sig, what):
    import torch

    out = _fcn_forward(model, x, sig, what)
    problem = _fcn_shape_problem(out, x, K, k, sig, what)
    if problem:
        raise CheckError(problem)
    if not out.dtype.is_floating_point:
        raise CheckError(f"{sig}.forward ({what}) returned dtype {out.dtype}; expected float32 logits.")
    if not bool(torch.isfinite(out).all()):
        raise CheckError(f"{sig}.forward ({what}) returned non-finite values.")
    if not out.requires_grad:
        raise CheckError(f"{sig}.forward ({what}) returned a tensor with no gradient (requires_grad=False): the "
                         "computation was cut from the parameters (torch.no_grad(), .detach(), .data or a trip "
                         "through numpy), so the network could not be trained.")
    conv1, conv2 = _fcn_layers(model, sig, C, Hd, K)
    ref = reference_fcn_forward(x, conv1.weight, conv1.bias, conv2.weight, conv2.bias)
    got = out.detach().double()
    tol = 1e-4 * max(1.0, float(ref.abs().max()))
    diff = (got - ref).abs()
    if float(diff.max()) <= tol:
        return out
    pos = tuple(int(i) for i in torch.nonzero(diff > tol)[0])
    msg = (f"{sig}.forward ({what}) returned wrong logits: {int((diff > tol).sum())} of {diff.numel()} differ; "
           f"first at {pos}: got {float(got[pos]):.6g}, expected {float(ref[pos]):.6g} (conv1 -> relu -> conv2 "
           "with the module's own weights, zero padding).")
    found = []
    for variant, text in _FCN_MISTAKES:
        try:
            wrong = reference_fcn_forward(x, conv1.weight, conv1.bias, conv2.weight, conv2.bias, variant=variant)
        except Exception:  # noqa: BLE001  (e.g. the erratum when the channel counts differ)
            continue
        if wrong.shape == got.shape and float((got - wrong).abs().max()) <= 1e-4 * max(1.0, float(wrong.abs().max())):
            found.append(text)
    if not found:
        p = conv1.weight.shape[-1] // 2
        bad = (diff > tol).any(dim=(0, 1))
        H, W = bad.shape
        inner = bad[2 * p:H - 2 * p, 2 * p:W - 2 * p]
        if p > 0 and H > 4 * p and W > 4 * p and not bool(inner.any()):
            found.append(f"the values differ only within {2 * p} pixels of the border, where the padding acts: both "
                         "convolutions pad with zeros, kernel_size // 2 on each side (padding_mode='zeros').")
    raise CheckError(msg + _known(found))


def _fcn_set_weights(model, C, Hd, K, sig, gen):
    import torch

    conv1, conv2 = _fcn_layers(model, sig, C, Hd, K)
    with torch.no_grad():
        conv1.weight.copy_(0.5 * torch.randn(conv1.weight.shape, generator=gen))
        conv1.bias.copy_(0.5 * torch.randn(conv1.bias.shape, generator=gen))
        conv2.weight.copy_(0.5 * torch.randn(conv2.weight.shape, generator=gen))
        conv2.bias.copy_(0.5 * torch.randn(conv2.bias.shape, generator=gen))


def _fcn_gradients(model, x, C, Hd, K, sig, what, gen):
    import torch
    import torch.nn.functional as F

    conv1, conv2 = _fcn_layers(model, sig, C, Hd, K)
    model.zero_grad(set_to_none=True)
    out = _fcn_forward(model, x, sig, what)
    r = torch.randn(out.shape, generator=gen, dtype=torch.float64)
    (out.double() * r).sum().backward()
    params = {"conv1.weight": conv1.weight, "conv1.bias": conv1.bias,
              "conv2.weight": conv2.weight, "conv2.bias": conv2.bias}
    ref = {name: p.detach().double().clone().requires_grad_(True) for name, p in params.items()}
    p = ref["conv1.weight"].shape[-1] // 2
    h = F.relu(F.conv2d(x.double(), ref["conv1.weight"], ref["conv1.bias"], padding=p))
    z2 = F.conv2d(h, ref["conv2.weight"], ref["conv2.bias"], padding=p)
    (z2 * r).sum().backward()
    for name, prm in params.items():
        if prm.grad is None:
            extra = (" The output does not depend on the first layer at all: that is the text's erratum, "
                     "z2 computed from x instead of h." if name.startswith("conv1") else "")
            raise CheckError(f"{sig}: no gradient reaches the {name.split('.')[0]} layer's {name.split('.')[1]} "
                             f"({what}): forward must compute the logits from both convolutions with tensors that "
                             f"keep the graph (no torch.no_grad(), .detach(), .data or numpy round trips).{extra}")
        g, rg = prm.grad.double(), ref[name].grad
        if float((g - rg).abs().max()) > 1e-3 * max(1.0, float(rg.abs().max())):
            raise CheckError(f"{sig}: the gradient of {name} is wrong ({what}): largest difference "
                             f"{float((g - rg).abs().max()):.3g}. Is part of forward computed on detached tensors?")
    model.zero_grad(set_to_none=True)


def check_FCN(cls, configs=None, shapes=None, seed: int = 0) -> int:
    """Visible tests of the ``FCN`` module (§24.8 in PyTorch).

    Args:
        cls: the class (not an instance).
        configs: list of ``(args, kwargs)`` constructions (default :data:`FCN_CONFIGS`).
        shapes: list of ``(B, H, W)`` inputs (default :data:`FCN_SHAPES`).
        seed: seeds the random weights and images.
    """
    import torch
    from torch import nn

    if not (isinstance(cls, type) and issubclass(cls, nn.Module)):
        raise CheckError(f"FCN should be a class derived from torch.nn.Module, but it is {describe(cls)}.")
    configs = configs or FCN_CONFIGS
    shapes = shapes or FCN_SHAPES
    gen = torch.Generator().manual_seed(seed)
    count = 0
    with torch.random.fork_rng(devices=[]):
        for args, kwargs in configs:
            C, Hd, K, k = _fcn_resolve(args, kwargs)
            sig = _fcn_signature(args, kwargs)
            torch.manual_seed(seed)
            try:
                model = call_guarded(cls, args, kwargs, name="FCN", label=sig)
            except CheckError as e:
                raise CheckError(f"{e}{_fcn_exception_hint(str(e))}") from None
            _check_fcn_structure(model, C, Hd, K, k, sig)
            count += 1
            xs = [torch.randn((B, C, N, M), generator=gen) for B, N, M in shapes]
            for x, (B, N, M) in zip(xs, shapes):      # the module's own initial weights
                _fcn_outputs(model, x, C, Hd, K, k, sig, f"input ({B}, {C}, {N}, {M}), initial weights")
                count += 1
            _fcn_set_weights(model, C, Hd, K, sig, gen)   # larger weights and biases: every mistake shows
            for x, (B, N, M) in zip(xs, shapes):
                what = f"input ({B}, {C}, {N}, {M}), copied weights"
                _fcn_outputs(model, x, C, Hd, K, k, sig, what)
                _fcn_gradients(model, x, C, Hd, K, sig, what, gen)
                count += 2
    print(f"FCN: all {count} checks passed.")
    return count


# ============================================================ patchwise_apply

def conv_stack(layers, seed: int = 0, scale: float = 0.6, dtype=None):
    """A ``nn.Sequential`` of 'same'-padded convolutions with random weights and biases.

    Args:
        layers: list of ``(c_in, c_out, k)`` or the strings ``'relu'`` / ``'tanh'`` between them.
        seed: seeds the weights (a private generator: the global RNG is untouched).
        scale: standard deviation of the weights and biases.

    Returns:
        the model (float32, or ``dtype``).
    """
    import torch
    from torch import nn

    gen = torch.Generator().manual_seed(int(seed))
    modules = []
    for spec in layers:
        if spec == "relu":
            modules.append(nn.ReLU())
        elif spec == "tanh":
            modules.append(nn.Tanh())
        else:
            c_in, c_out, k = spec
            kh, kw = (k, k) if isinstance(k, int) else k
            with torch.random.fork_rng(devices=[]):
                conv = nn.Conv2d(c_in, c_out, (kh, kw), padding=(kh // 2, kw // 2))
            with torch.no_grad():
                conv.weight.copy_(scale * torch.randn(conv.weight.shape, generator=gen))
                conv.bias.copy_(scale * torch.randn(conv.bias.shape, generator=gen))
            modules.append(conv)
    model = nn.Sequential(*modules)
    return model.to(dtype) if dtype is not None else model


def receptive_field_of(layers) -> int:
    """Receptive-field side of a :func:`conv_stack` spec (stride 1): 1 + sum of (k - 1)."""
    return 1 + sum((spec[2] if isinstance(spec[2], int) else max(spec[2])) - 1
                   for spec in layers if not isinstance(spec, str))


def _hand_patch_model():
    """conv1: 3x3 all ones, bias 1 -> relu -> conv2: 3x3 all ones, bias 0 (receptive field 5)."""
    import torch
    from torch import nn

    with torch.random.fork_rng(devices=[]):
        c1, c2 = nn.Conv2d(1, 1, 3, padding=1), nn.Conv2d(1, 1, 3, padding=1)
    with torch.no_grad():
        c1.weight.fill_(1.0)
        c1.bias.fill_(1.0)
        c2.weight.fill_(1.0)
        c2.bias.fill_(0.0)
    return nn.Sequential(c1, nn.ReLU(), c2)


@dataclasses.dataclass
class PatchCase:
    """One call ``patchwise_apply(model, x, rf)``.

    ``build()`` returns the model; ``shape`` is x's ``(B, C, H, W)``; ``field`` the model's receptive field
    (``None`` when not known); ``x`` an explicit input (else random from ``seed``); ``keyword``: pass rf as
    ``rf=``; ``dtype`` of the input (the model is converted to it).
    """

    build: Callable
    shape: tuple
    rf: int
    field: int | None
    label: str = ""
    seed: int = 0
    x: object = None
    keyword: bool = False
    dtype: str = "float32"

    def inputs(self):
        import torch

        dtype = getattr(torch, self.dtype)
        with torch.random.fork_rng(devices=[]):
            model = self.build().to(dtype)
        if self.x is not None:
            x = torch.as_tensor(np.asarray(self.x), dtype=dtype)
        else:
            gen = torch.Generator().manual_seed(int(self.seed))
            x = torch.randn(tuple(self.shape), generator=gen, dtype=torch.float64).to(dtype)
        return model, x


def _windows(model64, x64, size, pad, mode="constant", centre=None, reduce="centre"):
    """Run ``model64`` on every ``size`` x ``size`` window of x64 padded by ``pad`` (``mode``), each window a
    separate batch element; keep each output's value at ``(centre, centre)`` (or its mean): ``(B, K, P, Q)``
    for the P x Q window positions, or None when there are none."""
    import torch
    import torch.nn.functional as F

    B, C, H, W = x64.shape
    if pad > 0:
        xp = F.pad(x64, (pad, pad, pad, pad), mode=mode) if mode != "constant" else F.pad(x64, (pad,) * 4)
    else:
        xp = x64
    P, Q = xp.shape[2] - size + 1, xp.shape[3] - size + 1
    if P <= 0 or Q <= 0:
        return None
    win = xp.unfold(2, size, 1).unfold(3, size, 1)                  # (B, C, P, Q, size, size)
    flat = win.permute(0, 2, 3, 1, 4, 5).reshape(B * P * Q, C, size, size)
    with torch.no_grad():
        outs = [model64(flat[i:i + 4096]) for i in range(0, flat.shape[0], 4096)]
    y = torch.cat(outs)                                            # (BPQ, K, size, size)
    c = size // 2 if centre is None else centre
    v = y[:, :, c, c] if reduce == "centre" else y.mean(dim=(2, 3))
    return v.reshape(B, P, Q, -1).permute(0, 3, 1, 2)


def _model64(model):
    m = copy.deepcopy(model).double()
    return m


def reference_patchwise_apply(model, x, rf):
    """Independent float64 reference: every rf x rf window of the zero-padded input through the model on its
    own (one batch element per window); the output's centre value goes to the window's centre pixel."""
    rf = int(rf)
    return _windows(_model64(model), x.detach().double(), rf, rf // 2)


def _patch_variant(model, x, rf, kind):
    """What a solution with a known mistake returns (float64), or None when it does not apply."""
    import torch
    import torch.nn.functional as F

    m, x64 = _model64(model), x.detach().double()
    B, C, H, W = x64.shape
    r = rf // 2
    if kind == "full_model":
        with torch.no_grad():
            return m(x64)
    if kind == "pad_once":
        with torch.no_grad():
            return m(F.pad(x64, (r, r, r, r)))[:, :, r:r + H, r:r + W]
    if kind == "pad_rf":
        v = _windows(m, x64, rf, rf)
        return None if v is None else v[:, :, :H, :W]
    if kind == "radius_rf":
        return _windows(m, x64, 2 * rf + 1, rf)
    if kind in ("centre_plus", "centre_minus", "corner", "last"):
        c = {"centre_plus": r + 1, "centre_minus": r - 1, "corner": 0, "last": rf - 1}[kind]
        if not 0 <= c < rf or c == r:
            return None
        return _windows(m, x64, rf, r, centre=c)
    if kind in ("reflect", "replicate", "circular"):
        if r == 0 or (kind == "reflect" and (r >= H or r >= W)):
            return None
        return _windows(m, x64, rf, r, mode=kind)
    if kind == "mean":
        return _windows(m, x64, rf, r, reduce="mean")
    if kind in ("valid_topleft", "valid_centre"):
        v = _windows(m, x64, rf, 0)
        out = torch.zeros_like(_windows(m, x64, rf, r))
        if v is not None:
            o = 0 if kind == "valid_topleft" else r
            out[:, :, o:o + v.shape[2], o:o + v.shape[3]] = v
        return out
    if kind == "first_only":
        if B < 2:
            return None
        return _windows(m, x64, rf, r)[:1].expand(B, -1, -1, -1)
    if kind == "transposed":
        if H != W:
            return None
        return _windows(m, x64, rf, r).transpose(-1, -2)
    return None


_PATCH_MISTAKES = [
    ("full_model", "this is model(x), the whole network run once on the image. Near the border the two differ: "
                   "model(x) pads every layer's feature maps with zeros, while a patch taken from the zero-padded "
                   "input is processed in full by every layer. Run the model on each rf x rf patch separately."),
    ("pad_once", "you ran the model once on the zero-padded image. That equals the patchwise result only when rf "
                 "is at least the model's receptive field; this case has a smaller rf, where each patch must be "
                 "processed on its own (the network sees nothing outside the patch)."),
    ("pad_rf", "the input was padded with rf zeros instead of rf // 2: every patch is shifted by rf // 2 + 1 "
               "pixels up and to the left of the pixel it belongs to."),
    ("radius_rf", "the patches are (2*rf + 1) x (2*rf + 1): rf is the patch's side, not its radius. Pad with "
                  "rf // 2 and cut rf x rf patches."),
    ("centre_plus", "the value was read one pixel past the patch centre, at [rf // 2 + 1, rf // 2]; the centre of "
                    "an rf x rf patch is [rf // 2, rf // 2]."),
    ("centre_minus", "the value was read one pixel before the patch centre; the centre of an rf x rf patch is "
                     "[rf // 2, rf // 2]."),
    ("corner", "the value was read at the patch's top-left corner [0, 0]; use the centre [rf // 2, rf // 2]."),
    ("last", "the value was read at the patch's bottom-right corner; use the centre [rf // 2, rf // 2]."),
    ("reflect", "the input was padded by reflection; the patches come from the zero-padded input "
                "(F.pad(x, (r, r, r, r)) with r = rf // 2)."),
    ("replicate", "the input was padded by repeating its edge pixels; the patches come from the zero-padded input."),
    ("circular", "the input was padded circularly (wrapping around); the patches come from the zero-padded input."),
    ("mean", "each patch's output map was averaged; keep only its value at the centre pixel [rf // 2, rf // 2]."),
    ("valid_topleft", "no padding: only the positions where the whole patch fits were computed, and their values "
                      "were stored at the patch's top-left pixel. Pad x with rf // 2 zeros so every pixel gets a "
                      "patch centred on it."),
    ("valid_centre", "no padding: only the pixels whose patch fits inside the image were computed (the border "
                     "stayed 0). Pad x with rf // 2 zeros so every pixel gets a patch centred on it."),
    ("first_only", "every image of the batch got the map of the first image: run the model on the patches of "
                   "all B images (patch[:, :, ...] keeps the batch axis)."),
    ("transposed", "the output map is transposed: the patch centred at row n, column m belongs at out[:, :, n, m]."),
]


def _patch_called(model, x, rf, field):
    known = f", receptive field {field}" if field else ""
    return (f"  called with: a {type(model).__name__} model{known}, x of shape {tuple(x.shape)} "
            f"({str(x.dtype).replace('torch.', '')}), rf={rf}")


def _patch_diagnose(model, x, rf, got64) -> str:
    found = []
    for kind, text in _PATCH_MISTAKES:
        try:
            wrong = _patch_variant(model, x, rf, kind)
        except Exception:  # noqa: BLE001
            continue
        if wrong is not None and _close(got64, wrong.numpy()):
            found.append(text)
    return _known(found)


def _check_patch_case(fn, case: PatchCase) -> None:
    import torch

    name = "patchwise_apply"
    where = f" ({case.label})" if case.label else ""
    model, x = case.inputs()
    x_before = x.clone()
    rf = case.rf
    called = _patch_called(model, x, rf, case.field)
    with torch.no_grad():
        full = model(x).double()
    B, C, H, W = x.shape
    K = full.shape[1]
    try:
        with torch.random.fork_rng(devices=[]):
            if case.keyword:
                got = call_guarded(lambda: fn(model, x, rf=rf), name=name, label=case.label)
            else:
                got = call_guarded(lambda: fn(model, x, rf), name=name, label=case.label)
    except CheckError as e:
        raise CheckError(f"{_strip_called(str(e))}\n{called}") from None
    if not torch.equal(x, x_before):
        raise CheckError(f"{name}{where} modified its input x in place. Pad into a new tensor "
                         f"(F.pad returns one).\n{called}")
    if not _is_tensor(got):
        hint = " Did you forget the return statement?" if got is None else (
            " Return a torch tensor (torch.from_numpy(...) or build the map with torch.zeros)."
            if isinstance(got, np.ndarray) else "")
        raise CheckError(f"{name}{where} returned {describe(got)}; expected a torch tensor of shape "
                         f"({B}, {K}, {H}, {W}) = (batch, the model's output channels, H, W).{hint}\n{called}")
    if tuple(got.shape) != (B, K, H, W):
        msg = (f"{name}{where} returned shape {tuple(got.shape)}; expected ({B}, {K}, {H}, {W}) = (batch, the "
               "model's output channels, H, W): one value per output channel at every pixel")
        shape = tuple(got.shape)
        if len(shape) == 4 and shape[:2] == (B, K) and shape[2:] == (H - rf + 1, W - rf + 1):
            msg += (". Only the positions where a whole patch fits were computed: pad x with rf // 2 zeros on "
                    "every side first")
        elif len(shape) == 4 and shape[:2] == (B, K) and shape[2:] == (W, H):
            msg += ". Rows and columns are swapped: the patch centred at (n, m) belongs at out[:, :, n, m]"
        elif len(shape) == 4 and shape[1] == C and C != K:
            msg += (". The map has the input's channel count: allocate it with the model's number of output "
                    "channels (run the model once to find it)")
        elif len(shape) == 4 and shape[2:] == (rf, rf):
            msg += ". That is one patch's output map; keep its centre value for each pixel instead"
        raise CheckError(msg + f".\n{called}")
    if got.requires_grad:
        raise CheckError(f"{name}{where} returned a tensor that requires grad: the result holds autograd's record "
                         f"of all {H * W} patch evaluations. Compute it under torch.no_grad() (the map is a "
                         f"measurement, not something to train through).\n{called}")
    if not got.dtype.is_floating_point:
        raise CheckError(f"{name}{where} returned dtype {got.dtype}; expected the model's floating dtype.\n{called}")
    got64 = got.detach().cpu().double().numpy()
    if not np.isfinite(got64).all():
        raise CheckError(f"{name}{where} returned non-finite values.\n{called}")
    expected = reference_patchwise_apply(model, x, rf).numpy()
    scale = max(1.0, float(np.abs(expected).max()))
    tol = (2e-5 if x.dtype == torch.float32 else 1e-9) * scale
    r = rf // 2
    if case.field is not None and rf >= case.field and H > 2 * r and W > 2 * r:
        inner = (slice(None), slice(None), slice(r, H - r), slice(r, W - r))
        g_in, f_in = got64[inner], full.numpy()[inner]
        if not np.all(np.abs(g_in - f_in) <= tol):
            pos, n_bad, worst = _first_diff(g_in, f_in, tol)
            pos = (pos[0], pos[1], pos[2] + r, pos[3] + r)
            msg = (f"{name}{where}: in the interior (rows {r}..{H - 1 - r}, columns {r}..{W - 1 - r}), where the "
                   f"rf x rf patch lies inside the image and rf = {rf} covers the receptive field, the result must "
                   f"equal model(x); {n_bad} values differ. First at {pos}: got {got64[pos]:.6g}, model(x) gives "
                   f"{float(full[pos]):.6g} (largest difference {worst:.3g}).")
            raise CheckError(msg + _patch_diagnose(model, x, rf, got64) + f"\n{called}")
    if not np.all(np.abs(got64 - expected) <= tol):
        pos, n_bad, worst = _first_diff(got64, expected, tol)
        n, m = pos[2], pos[3]
        region = ("the border, where the patch sticks out of the image"
                  if (n < r or m < r or n >= H - r or m >= W - r) else "the interior")
        msg = (f"{name}{where} returned wrong values: {n_bad} of {got64.size} differ. First at {pos}, in {region}: "
               f"got {got64[pos]:.6g}, expected {expected[pos]:.6g} (largest difference {worst:.3g}). The expected "
               f"value is the model's output at the centre of the {rf}x{rf} patch of the zero-padded input centred "
               "on that pixel, the patch run through the model on its own.")
        raise CheckError(msg + _patch_diagnose(model, x, rf, got64) + f"\n{called}")


def cases_patchwise_apply(seed: int = 0) -> list[PatchCase]:
    """Visible cases: the worked example, then small models with receptive fields 3, 5 and 9, several output
    channels, batches, non-square images, rf equal to, larger and smaller than the field, rf = 1."""
    two = [(2, 4, 3), "relu", (4, 3, 3)]
    three = [(1, 3, 3), "tanh", (3, 3, 5), "relu", (3, 2, 3)]
    return [
        PatchCase(_hand_patch_model, (1, 1, 5, 5), 5, 5,
                  "worked example: two all-ones 3x3 layers, bias 1 then 0, x = ones; corner 45, centre 90",
                  x=np.ones((1, 1, 5, 5))),
        PatchCase(lambda: conv_stack([(1, 2, 3)], seed + 1), (2, 1, 7, 9), 3, 3,
                  "one 3x3 conv, 2 output channels, batch 2", seed=seed + 11),
        PatchCase(lambda: conv_stack(two, seed + 2), (3, 2, 8, 11), 5, 5,
                  "two 3x3 convs with a ReLU (field 5), rf = 5", seed=seed + 12),
        PatchCase(lambda: conv_stack(two, seed + 3), (1, 2, 9, 6), 7, 5,
                  "two 3x3 convs (field 5), rf = 7 > field", seed=seed + 13),
        PatchCase(lambda: conv_stack(three, seed + 4), (2, 1, 12, 10), 9, 9,
                  "3x3, 5x5, 3x3 convs (field 9), rf = 9", seed=seed + 14),
        PatchCase(lambda: conv_stack([(3, 2, 5)], seed + 5), (1, 3, 8, 8), 5, 5,
                  "one 5x5 conv, 3 input channels, square image", seed=seed + 15),
        PatchCase(lambda: conv_stack(two, seed + 6), (2, 2, 7, 7), 5, 5,
                  "two 3x3 convs, square image", seed=seed + 16),
        PatchCase(lambda: conv_stack(two, seed + 7), (2, 2, 6, 9), 3, 5,
                  "two 3x3 convs (field 5), rf = 3 < field: the patch limits what the network sees",
                  seed=seed + 17),
        PatchCase(lambda: conv_stack([(1, 2, 3)], seed + 8), (1, 1, 5, 7), 1, 3,
                  "rf = 1: every pixel on its own", seed=seed + 18),
    ]


def check_patchwise_apply(patchwise_apply, cases=None) -> int:
    """Visible tests of ``patchwise_apply``."""
    name = "patchwise_apply"
    if not callable(patchwise_apply):
        raise CheckError(f"{name} should be a function, but it is {describe(patchwise_apply)}.")
    cases = cases or cases_patchwise_apply()
    for case in cases:
        _check_patch_case(patchwise_apply, case)
    print(f"{name}: all {len(cases)} checks passed.")
    return len(cases)


# ================================================================ translate

def reference_translate(x, dy, dx):
    """Circular shift of the last two axes: ``out[..., n, m] = x[..., n - dy, m - dx]`` (indices mod the size)."""
    if _is_tensor(x):
        import torch

        return torch.roll(x, shifts=(int(dy), int(dx)), dims=(-2, -1))
    return np.roll(np.asarray(x), (int(dy), int(dx)), axis=(-2, -1))


@dataclasses.dataclass
class TranslateCase:
    """``translate(x, dy, dx)``; ``x`` a numpy array, or converted to a torch tensor when ``torch`` is set."""

    x: np.ndarray
    dy: int
    dx: int
    label: str = ""
    torch: bool = False
    keyword: bool = False

    def make_x(self):
        if self.torch:
            import torch

            return torch.from_numpy(np.array(self.x, copy=True))
        return np.array(self.x, copy=True)


def _translate_variants(x, dy, dx):
    """(message, wrong answer as numpy) pairs of known mistakes."""
    a = _np64(x)
    N, M = a.shape[-2:]

    def shift_fill(arr, sy, sx):
        out = np.zeros_like(arr)
        sy_, sx_ = max(-N, min(N, sy)), max(-M, min(M, sx))
        src_r = slice(max(0, -sy_), N - max(0, sy_))
        dst_r = slice(max(0, sy_), N - max(0, -sy_))
        src_c = slice(max(0, -sx_), M - max(0, sx_))
        dst_c = slice(max(0, sx_), M - max(0, -sx_))
        out[..., dst_r, dst_c] = arr[..., src_r, src_c]
        return out

    def sliced(arr, sy, sx):
        arr = np.concatenate([arr[..., N - sy:, :], arr[..., :N - sy, :]], axis=-2)
        return np.concatenate([arr[..., M - sx:], arr[..., :M - sx]], axis=-1)

    out = [
        ("the shift is not reduced modulo the size: slicing such as x[N - dy:] breaks for negative shifts and for "
         "shifts beyond the size, where indices must wrap around (use dy % N, or np.roll / torch.roll).",
         sliced(a, dy, dx)),
        ("the shift goes the wrong way: out[..., n, m] = x[..., n - dy, m - dx], so content moves DOWN by dy and "
         "RIGHT by dx (np.roll(x, (dy, dx), axis=(-2, -1))).", np.roll(a, (-dy, -dx), axis=(-2, -1))),
        ("dy and dx are swapped: dy shifts the rows (axis -2), dx the columns (axis -1).",
         np.roll(a, (dx, dy), axis=(-2, -1))),
        ("only the rows were shifted; dx shifts the columns (axis -1).", np.roll(a, dy, axis=-2)),
        ("only the columns were shifted; dy shifts the rows (axis -2).", np.roll(a, dx, axis=-1)),
        ("the shift fills with zeros: translate is circular, what leaves at one side comes back at the other "
         "(np.roll / torch.roll).", shift_fill(a, dy, dx)),
        ("np.roll without axis= rolls the flattened array: give axis=(-2, -1).",
         np.roll(a, dy + dx) if a.ndim else a),
        ("np.roll without axis= rolls the flattened array: give axis=(-2, -1).",
         np.roll(a, dy * M + dx)),
    ]
    if a.ndim > 2:
        out.append(("the shift was applied to the first two axes; translate shifts the LAST two "
                    "(axis=(-2, -1)), whatever comes before them.", np.roll(a, (dy, dx), axis=(0, 1))))
    return out


def _check_translate_case(fn, case: TranslateCase) -> None:
    import torch

    name = "translate"
    where = f" ({case.label})" if case.label else ""
    x = case.make_x()
    before = x.clone() if case.torch else x.copy()
    kind = "torch tensor" if case.torch else "numpy array"
    called = (f"  called with: a {kind} of shape {tuple(x.shape)} ({str(x.dtype).replace('torch.', '')}), "
              f"dy={case.dy}, dx={case.dx}")
    try:
        if case.keyword:
            got = call_guarded(lambda: fn(x, dy=case.dy, dx=case.dx), name=name, label=case.label)
        else:
            got = call_guarded(lambda: fn(x, case.dy, case.dx), name=name, label=case.label)
    except CheckError as e:
        raise CheckError(f"{_strip_called(str(e))}\n{called}") from None
    same = torch.equal(x, before) if case.torch else np.array_equal(x, before)
    if not same:
        raise CheckError(f"{name}{where} modified its input in place; return a new array or tensor.\n{called}")
    if case.torch and not _is_tensor(got):
        raise CheckError(f"{name}{where} returned {describe(got)} for a torch tensor; tensor in, tensor out "
                         f"(torch.roll(x, (dy, dx), dims=(-2, -1))).\n{called}")
    if not case.torch and type(got) is not np.ndarray:
        hint = " Did you forget the return statement?" if got is None else (
            " numpy in, numpy out: use np.roll for arrays." if _is_tensor(got) else "")
        raise CheckError(f"{name}{where} returned {describe(got)} for a numpy array; expected a numpy array.{hint}"
                         f"\n{called}")
    if got.dtype != x.dtype:
        raise CheckError(f"{name}{where} returned dtype {got.dtype} for an input of dtype {x.dtype}: a shift only "
                         f"moves values, so the dtype stays the same.\n{called}")
    if tuple(got.shape) != tuple(x.shape):
        raise CheckError(f"{name}{where} returned shape {tuple(got.shape)}; a shift keeps the shape "
                         f"{tuple(x.shape)}.\n{called}")
    expected = reference_translate(x, case.dy, case.dx)
    g, e = _np64(got), _np64(expected)
    if np.array_equal(g, e):
        return
    bad = g != e
    pos = tuple(int(i) for i in np.argwhere(bad)[0])
    msg = (f"{name}{where} returned wrong values: {int(bad.sum())} of {bad.size} differ. First at {pos}: got "
           f"{g[pos]:.6g}, expected {e[pos]:.6g} (out[..., n, m] = x[..., (n - dy) % N, (m - dx) % M]).")
    found = [text for text, wrong in _translate_variants(x, case.dy, case.dx)
             if wrong.shape == g.shape and np.array_equal(wrong, g)]
    if found:
        msg += _known(found[:1])
    else:
        N, M = x.shape[-2:]
        if abs(case.dy) >= N or abs(case.dx) >= M:
            msg += ("\n  The shift is larger than the image here: indices wrap around modulo the size "
                    "(shift by dy % N).")
    raise CheckError(msg + f"\n{called}")


def cases_translate(seed: int = 0) -> list[TranslateCase]:
    """Visible cases: the worked example, both signs, both types, shifts larger than the image, non-square,
    integer dtypes, batches of images."""
    rng = np.random.default_rng(seed)
    return [
        TranslateCase(np.arange(12).reshape(3, 4), 1, 2,
                      "worked example: arange(12) as 3x4, dy=1, dx=2: out[0, 0] = x[2, 2] = 10"),
        TranslateCase(rng.normal(size=(5, 7)), -2, 3, "float64 (5, 7), dy=-2, dx=3"),
        TranslateCase(rng.normal(size=(4, 6)), 2, -1, "torch (4, 6), dy=2, dx=-1", torch=True),
        TranslateCase(rng.integers(0, 9, size=(2, 3, 5, 4)), 1, 1, "int64 batch (2, 3, 5, 4): shifts the last two axes"),
        TranslateCase(rng.normal(size=(1, 2, 6, 5)).astype(np.float32), -3, -4, "torch float32 (1, 2, 6, 5)",
                      torch=True),
        TranslateCase(rng.normal(size=(4, 5)), 9, -12, "shifts larger than the image (wrap around)"),
        TranslateCase(rng.normal(size=(3, 6)), 0, 0, "no shift"),
    ]


def check_translate(translate, cases=None) -> int:
    """Visible tests of ``translate``."""
    if not callable(translate):
        raise CheckError(f"translate should be a function, but it is {describe(translate)}.")
    cases = cases or cases_translate()
    for case in cases:
        _check_translate_case(translate, case)
    print(f"translate: all {len(cases)} checks passed.")
    return len(cases)


# ======================================================= equivariance_error

def reference_equivariance_error(f, x, dy, dx, border=0) -> float:
    """``max |f(translate(x)) - translate(f(x))|`` over the interior, in float64 (0.0 when it is empty)."""
    a = _np64(f(reference_translate(x, dy, dx)))
    b = _np64(reference_translate(f(x), dy, dx))
    ry, rx = abs(int(dy)) + int(border), abs(int(dx)) + int(border)
    H, W = a.shape[-2:]
    d = np.abs(a - b)[..., ry:max(ry, H - ry), rx:max(rx, W - rx)]
    return float(d.max()) if d.size else 0.0


def _equi_variant(f, x, dy, dx, border, kind) -> float | None:
    a = _np64(f(reference_translate(x, dy, dx)))
    b = _np64(reference_translate(f(x), dy, dx))
    fx = _np64(f(x))
    H, W = a.shape[-2:]
    ry, rx = abs(dy) + border, abs(dx) + border
    d = a - b

    def crop(arr, top, bottom, left, right):
        sub = arr[..., top:max(top, H - bottom), left:max(left, W - right)]
        return sub

    def mx(sub):
        return float(np.abs(sub).max()) if sub.size else 0.0

    if kind == "no_abs":
        sub = crop(d, ry, ry, rx, rx)
        return float(sub.max()) if sub.size else 0.0
    if kind == "mean":
        sub = crop(d, ry, ry, rx, rx)
        return float(np.abs(sub).mean()) if sub.size else 0.0
    if kind == "no_border":
        return mx(crop(d, abs(dy), abs(dy), abs(dx), abs(dx)))
    if kind == "border_only":
        return mx(crop(d, border, border, border, border))
    if kind == "nothing_left_out":
        return mx(d)
    if kind == "one_side":
        return mx(crop(d, ry, 0, rx, 0))
    if kind == "swapped_axes":
        return mx(crop(d, rx, rx, ry, ry))
    if kind == "invariance":
        return mx(crop(a - fx, ry, ry, rx, rx))
    if kind == "shift_back":
        return mx(crop(a - _np64(reference_translate(f(x), -dy, -dx)), ry, ry, rx, rx))
    if kind == "args_swapped":
        a2 = _np64(f(reference_translate(x, dx, dy)))
        b2 = _np64(reference_translate(f(x), dx, dy))
        return mx(crop(a2 - b2, ry, ry, rx, rx))
    if kind == "relative":
        sub = crop(d, ry, ry, rx, rx)
        scale = mx(crop(b, ry, ry, rx, rx))
        return mx(sub) / scale if scale else None
    if kind == "squared":
        sub = crop(d, ry, ry, rx, rx)
        return float((sub ** 2).max()) if sub.size else 0.0
    return None


_EQUI_MISTAKES = [
    ("no_abs", "the signed difference was maximised: take its absolute value first, max |f(T x) - T f(x)|."),
    ("mean", "the mean of |difference| was taken; the error is the maximum over the interior."),
    ("squared", "the squared difference was maximised; the error is max |difference|."),
    ("no_border", "the border argument is ignored: leave out |dy| + border rows at the top and at the bottom "
                  "and |dx| + border columns at each side."),
    ("border_only", "only `border` rows and columns were left out; the shift itself spoils |dy| rows and |dx| "
                    "columns more (they wrapped around), so leave out |dy| + border and |dx| + border."),
    ("nothing_left_out", "the difference was maximised over the whole image: leave out |dy| + border rows at the "
                         "top and at the bottom and |dx| + border columns at each side."),
    ("one_side", "rows and columns were left out at the top and left only; the shift and the padding spoil both "
                 "sides: [..., ry:H - ry, rx:W - rx]."),
    ("swapped_axes", "rows and columns are swapped: |dy| + border ROWS (axis -2) and |dx| + border COLUMNS "
                     "(axis -1) are left out."),
    ("invariance", "f(translate(x)) was compared with f(x) itself: that measures invariance. Equivariance "
                   "compares it with the translated output, translate(f(x), dy, dx)."),
    ("shift_back", "f(x) was translated by (-dy, -dx); both sides shift by the same (dy, dx)."),
    ("args_swapped", "translate was called with dx and dy swapped: translate(x, dy, dx)."),
    ("relative", "the error was divided by the size of the output; return the absolute maximum difference."),
]


@dataclasses.dataclass
class EquivarianceCase:
    """``equivariance_error(f, x, dy, dx, border)``: ``make()`` returns ``(f, x)``."""

    make: Callable
    dy: int
    dx: int
    border: int | None
    label: str = ""
    keyword: bool = False


def _check_equi_case(fn, case: EquivarianceCase, depends) -> None:
    name = "equivariance_error"
    where = f" ({case.label})" if case.label else ""
    f, x = case.make()
    kw = {} if case.border is None else {"border": case.border}
    border = 0 if case.border is None else case.border
    expected = reference_equivariance_error(f, x, case.dy, case.dx, border)
    kind = "torch tensor" if _is_tensor(x) else "numpy array"
    called = (f"  called with: f = {getattr(f, '__doc__', None) or 'a function'}, x a {kind} of shape "
              f"{tuple(x.shape)}, dy={case.dy}, dx={case.dx}"
              + (f", border={case.border}" if case.border is not None else " (border left at its default)"))
    try:
        if case.keyword:
            got = call_guarded(fn, (), dict(f=f, x=x, dy=case.dy, dx=case.dx, **kw), name=name, label=case.label,
                               depends=depends)
        else:
            args = (f, x, case.dy, case.dx) + ((case.border,) if case.border is not None else ())
            got = call_guarded(fn, args, name=name, label=case.label, depends=depends)
    except CheckError as e:
        text = _strip_called(str(e))
        hint = ""
        low = text.lower()
        if ("empty" in low or "zero-size" in low or "numel() == 0" in low) and "max" in low:
            H, W = _np64(f(x)).shape[-2:]
            ry, rx = abs(case.dy) + border, abs(case.dx) + border
            if 2 * ry >= H or 2 * rx >= W:
                hint = (f"\n  Hint: here the interior is empty ({ry} rows left out at the top and at the bottom of "
                        f"{H}, {rx} columns at each side of {W}): return 0.0 in that case.")
            else:
                hint = (f"\n  Hint: the interior is not empty here (rows {ry}..{H - 1 - ry}, columns "
                        f"{rx}..{W - 1 - rx}), but your slice was: d[..., ry:-ry] is empty when ry = 0. Slice "
                        "with d[..., ry:H - ry, rx:W - rx].")
        raise CheckError(f"{text}{hint}\n{called}") from None
    if _is_tensor(got) or isinstance(got, np.ndarray) or not isinstance(got, (float, int)) or isinstance(got, bool):
        hint = " Did you forget the return statement?" if got is None else \
            " Convert the result: return float(err)."
        raise CheckError(f"{name}{where} returned {describe(got)}; expected a Python float.{hint}\n{called}")
    if not isinstance(got, float):
        raise CheckError(f"{name}{where} returned an int ({got!r}); expected a Python float: return float(err)."
                         f"\n{called}")
    if math.isclose(got, expected, rel_tol=1e-5, abs_tol=1e-6):
        return
    msg = f"{name}{where} returned {got:.6g}; expected {expected:.6g}."
    found = []
    for kind_, text in _EQUI_MISTAKES:
        try:
            wrong = _equi_variant(f, x, case.dy, case.dx, border, kind_)
        except Exception:  # noqa: BLE001
            continue
        if wrong is not None and math.isclose(got, wrong, rel_tol=1e-5, abs_tol=1e-6):
            found.append(text)
    raise CheckError(msg + _known(found) + f"\n{called}")


class _Gain:
    """f(x) = G * x with a fixed random gain map G (position-dependent: not equivariant)."""

    def __init__(self, shape, seed):
        self.G = np.random.default_rng(seed).uniform(0.5, 2.0, size=shape)
        self.__doc__ = "x times a fixed random gain map (not equivariant)"

    def __call__(self, x):
        return self.G * np.asarray(x, dtype=np.float64)


class _Ramp:
    """f(x) = x * m (the column index): the worked example."""

    __doc__ = "x times its column index m"

    def __call__(self, x):
        x = np.asarray(x, dtype=np.float64)
        return x * np.arange(x.shape[-1])


class _Blur:
    """f(x) = zero-padded 3x3 box sum (numpy): equivariant away from the border."""

    __doc__ = "a zero-padded 3x3 box filter (equivariant 1 pixel away from the border)"

    def __call__(self, x):
        x = np.asarray(x, dtype=np.float64)
        p = np.pad(x, [(0, 0)] * (x.ndim - 2) + [(1, 1), (1, 1)])
        N, M = x.shape[-2:]
        return sum(p[..., i:i + N, j:j + M] for i in range(3) for j in range(3))


class _BlurGain:
    """A box filter followed by a position-dependent gain: errors everywhere, larger in places."""

    def __init__(self, shape, seed):
        self.blur, self.gain = _Blur(), _Gain(shape, seed)
        self.__doc__ = "a 3x3 box filter, then a fixed random gain map"

    def __call__(self, x):
        return self.gain(self.blur(x))


class _TorchNet:
    """A torch network under no_grad (tensor in, tensor out)."""

    def __init__(self, model, doc):
        self.model = model
        self.__doc__ = doc

    def __call__(self, x):
        import torch

        with torch.no_grad():
            return self.model(x)


def strided_net(seed: int = 0, channels: int = 3, stride: int = 2):
    """conv 3x3 stride `stride` -> relu -> nearest upsampling x stride -> conv 3x3: a full-resolution output
    that is equivariant only to shifts by multiples of the stride."""
    import torch
    from torch import nn

    body = conv_stack([(1, channels, 3)], seed)
    body[0].stride = (stride, stride)
    tail = conv_stack([(channels, 2, 3)], seed + 1)
    return nn.Sequential(body[0], nn.ReLU(), nn.Upsample(scale_factor=stride, mode="nearest"), tail[0])


def cases_equivariance_error(seed: int = 0) -> list[EquivarianceCase]:
    """Visible cases: the worked example, a position-dependent gain, a zero-padded filter with and without the
    border, negative shifts, non-square images, torch networks, an empty interior."""
    import torch

    rng = np.random.default_rng(seed)

    def hand():
        x = np.zeros((5, 6))
        x[2, 2] = 1.0
        return _Ramp(), x

    def gain(shape, s):
        return lambda: (_BlurGain(shape, s), np.random.default_rng(s + 100).normal(size=shape))

    def blur(shape, s):
        return lambda: (_Blur(), np.random.default_rng(s).normal(size=shape))

    def net(shape, s, stride=2):
        def make():
            model = strided_net(s, stride=stride)
            x = torch.randn(shape, generator=torch.Generator().manual_seed(s))
            return _TorchNet(model, f"a torch network with a stride-{stride} stage (tensor in, tensor out)"), x
        return make

    def fcn(shape, s):
        def make():
            model = conv_stack([(1, 3, 3), "relu", (3, 2, 3)], s)
            x = torch.randn(shape, generator=torch.Generator().manual_seed(s))
            return _TorchNet(model, "a torch conv -> relu -> conv network (tensor in, tensor out)"), x
        return make

    s = int(rng.integers(1000))
    return [
        EquivarianceCase(hand, 0, 1, 0, "worked example: x one pixel at (2, 2), f = x * column index, dx = 1: 1.0"),
        EquivarianceCase(gain((7, 9), s), 2, 1, 1, "box filter then gain map, (7, 9), dy=2, dx=1, border=1"),
        EquivarianceCase(gain((8, 8), s + 1), -1, 2, 0, "gain map, (8, 8), dy=-1, dx=2, border=0"),
        EquivarianceCase(blur((9, 11), s + 2), 1, -2, 1, "zero-padded 3x3 filter, border=1: equivariant (0)"),
        EquivarianceCase(blur((9, 11), s + 2), 1, -2, 0, "the same filter, border=0: the border shows"),
        EquivarianceCase(gain((2, 8, 10), s + 3), -2, 0, 1, "3-D input (2, 8, 10), dy=-2, dx=0"),
        EquivarianceCase(gain((10, 7), s + 4), 1, 1, None, "border left at its default 0"),
        EquivarianceCase(net((1, 1, 12, 14), s + 5), 1, 0, 2, "stride-2 torch network, odd shift"),
        EquivarianceCase(fcn((2, 1, 10, 13), s + 6), 0, -3, 2, "conv-relu-conv torch network, border=2"),
        EquivarianceCase(gain((6, 8), s + 7), 3, 2, 1, "shift + border leave no interior: 0.0"),
    ]


def check_equivariance_error(equivariance_error, cases=None) -> int:
    """Visible tests of ``equivariance_error`` (the notebook's translate is the course's while it runs)."""
    name = "equivariance_error"
    if not callable(equivariance_error):
        raise CheckError(f"{name} should be a function, but it is {describe(equivariance_error)}.")
    cases = cases or cases_equivariance_error()
    depends = {"translate": reference_translate}
    for case in cases:
        _check_equi_case(equivariance_error, case, depends)
    print(f"{name}: all {len(cases)} checks passed.")
    return len(cases)


# ================================================================ question

def check_answer_stride_shifts(answer) -> None:
    """Form check of the stride question (the letter is graded in the hidden tests)."""
    check_choice(answer, name="answer_stride_shifts")
    print("answer_stride_shifts: a valid choice (its correctness is graded when you submit).")


for _name in ("check_FCN", "check_patchwise_apply", "check_translate", "check_equivariance_error",
              "check_answer_stride_shifts"):
    globals()[_name] = _checked(globals()[_name])
del _name
