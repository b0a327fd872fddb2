"""Checks for notebook 11_architectures (chapter §24.11: encoder-decoders, U-Nets, ResNets).

Each ``check_<name>(obj)`` runs the visible tests of one graded name; the hidden tests (kept by the
instructor, never shipped) call the same checkers with configurations and inputs of their own.

* ``check_ResidualBlock(cls)``: the text's residual block, ``F(x) + x`` or ``F(x) + Wx`` with
  ``F = conv3x3 -> relu -> conv3x3``. The checker finds the block's convolutions (a forward hook sees
  every ``nn.Conv2d`` call), recomputes the block from the block's own weights in float64 and compares;
  it sets F's last conv to zero and demands the identity (or the 1x1 projection) *exactly*, negative
  values included; it checks the padding, the projection's presence (only when ``c_in != c_out``), the
  gradients, and diagnoses the usual mistakes (ReLU after the sum, skip added inside F, ...).
* ``check_EncoderDecoder(cls)`` and ``check_UNet(cls)``: any layout that meets the spec passes (max pool
  or stride-2 convs, transposed convs or upsample + conv, one or two convs per level, batch norm or not).
  The checker runs the network with probes:

  - a global forward hook records every conv output: the resolutions visited must be exactly the pyramid
    ``H / 2**l x W / 2**l``, ``l = 0..depth``; the encoder's widest conv output at level ``l`` must have
    ``base * 2**l`` channels (``base * 2**depth`` or ``base * 2**(depth - 1)`` at the bottleneck);
  - ``torch.cat`` and the ReLU functions are counted while ``forward`` runs (``nn.ReLU``, ``F.relu``,
    ``torch.relu``, ``Tensor.relu`` and ``clamp(min=0)`` all count); other activations are named;
  - **the bottleneck probe**: the last conv at the coarsest level is the bottleneck. Holding its output
    fixed while the input changes must leave an encoder-decoder's output unchanged (no path around the
    bottleneck), and for a U-Net it splits every concatenation's operands into encoder-side (unchanged)
    and decoder-side (changed) tensors: each level ``0..depth-1`` needs a channel concatenation that
    joins one of each (and not the raw input image);
  - output shapes for several batch sizes and non-square images, logits (no softmax), gradients to every
    parameter, no mixing across the batch, and parameter counts that grow with ``depth`` and ``base``.
* ``check_iou(fn)`` and ``check_boundary_band(fn)``: the two metrics of the notebook's experiment.
"""
from __future__ import annotations

import contextlib
import copy
import io
import math

import numpy as np

from .core import CheckError, call_guarded, describe
from .core import one_torch_thread as _one_torch_thread
from .core import _ensure_snapshot, _restore

__all__ = [
    "check_ResidualBlock", "check_EncoderDecoder", "check_UNet", "check_iou", "check_boundary_band",
    "RESIDUAL_CONFIGS", "RESIDUAL_SHAPES", "SEGMENTER_CONFIGS", "SEGMENTER_SHAPES",
    "cases_iou", "cases_boundary_band", "iou_reference", "boundary_band_reference", "MISTAKES",
]


# ----------------------------------------------------------------- plumbing


@contextlib.contextmanager
def _torch_rng_kept():
    import torch

    state = torch.random.get_rng_state()
    try:
        yield
    finally:
        torch.random.set_rng_state(state)


def _start():
    _ensure_snapshot()
    _restore()


_RELU_MSG = ("use torch.relu, F.relu or nn.ReLU (clamp(min=0) counts too)")
_OTHER_ACTIVATIONS = {
    "tanh": "torch.tanh", "sigmoid": "torch.sigmoid", "leaky_relu": "F.leaky_relu (leaky ReLU)",
    "elu": "F.elu", "gelu": "F.gelu", "silu": "F.silu", "selu": "F.selu", "softplus": "F.softplus",
    "mish": "F.mish", "hardtanh": "F.hardtanh (ReLU6)", "relu6": "F.relu6",
}


class _Trace:
    """Watches one forward pass.

    * ``convs``: one dict per ``nn.Conv2d`` / ``nn.ConvTranspose2d`` call (module, input, output,
      shapes), seen through a global forward hook, registered or not;
    * ``cats``: one dict per ``torch.cat`` / ``torch.concat`` / ``torch.concatenate`` call;
    * ``relus``: how many ReLUs ran; ``others``: names of other activation functions that ran.

    ``replace`` maps a conv call's index to a function of its output returning the output to use instead
    (the bottleneck probe). ``namespaces`` are dicts (the notebook's globals) in which names bound to the
    patched torch functions (``from torch import cat``) are patched as well.
    """

    def __init__(self, replace=None, namespaces=()):
        self.convs: list[dict] = []
        self.cats: list[dict] = []
        self.relus = 0
        self.others: list[str] = []
        self.replace = dict(replace or {})
        self.namespaces = list(namespaces)
        self._undo: list = []

    # -- hooks and wrappers
    def _hook(self, module, args, output):
        import torch
        from torch import nn

        if not isinstance(module, (nn.Conv2d, nn.ConvTranspose2d)) or not isinstance(output, torch.Tensor):
            return None
        index = len(self.convs)
        if index in self.replace:
            output = self.replace[index](output)
        inp = args[0] if args and isinstance(args[0], torch.Tensor) else None
        self.convs.append({"module": module, "transposed": isinstance(module, nn.ConvTranspose2d),
                           "kernel": tuple(module.kernel_size),
                           "input": None if inp is None else inp.detach().clone(),
                           "output": output.detach().clone(), "shape": tuple(output.shape),
                           "grad_fn": output.grad_fn})
        return output if index in self.replace else None

    def _cat_wrapper(self, original):
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
                                       "operands": [t.detach().clone() for t in ops],
                                       "grad_fns": [t.grad_fn for t in ops],
                                       "shapes": [tuple(t.shape) for t in ops]})
            except Exception:  # noqa: BLE001  (recording must never break the student's forward)
                pass
            return result
        return cat

    def _counter(self, original, kind, clamp=False):
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
    def _patch_module(self, mod, name, new):
        if hasattr(mod, name):
            old = getattr(mod, name)
            setattr(mod, name, new)
            self._undo.append(lambda: setattr(mod, name, old))
            return old
        return None

    def _patch_class(self, cls, name, new):
        had = name in cls.__dict__
        old = cls.__dict__.get(name)
        setattr(cls, name, new)
        self._undo.append((lambda: setattr(cls, name, old)) if had else (lambda: delattr(cls, name)))

    def __enter__(self):
        import torch
        import torch.nn.functional as F
        from torch.nn.modules import module as module_mod

        swaps = {}
        for name in ("cat", "concat", "concatenate"):
            if hasattr(torch, name):
                original = getattr(torch, name)
                new = self._cat_wrapper(original)
                swaps[id(original)] = new
                self._patch_module(torch, name, new)
        for name in ("relu", "relu_"):
            original = getattr(torch, name)
            new = self._counter(original, "relu")
            swaps[id(original)] = new
            self._patch_module(torch, name, new)
        for name in ("clamp", "clip", "clamp_min"):
            if hasattr(torch, name):
                original = getattr(torch, name)
                new = self._counter(original, "relu", clamp=True)
                swaps[id(original)] = new
                self._patch_module(torch, name, new)
        base = torch._C.TensorBase
        for name in ("relu", "relu_"):
            self._patch_class(torch.Tensor, name, self._counter(getattr(base, name), "relu"))
        for name in ("clamp", "clamp_", "clip", "clip_", "clamp_min", "clamp_min_"):
            if hasattr(base, name):
                self._patch_class(torch.Tensor, name, self._counter(getattr(base, name), "relu", clamp=True))
        for name in ("tanh", "sigmoid"):
            original = getattr(torch, name)
            new = self._counter(original, name)
            swaps[id(original)] = new
            self._patch_module(torch, name, new)
            self._patch_class(torch.Tensor, name, self._counter(getattr(base, name), name))
        for name in ("leaky_relu", "elu", "gelu", "silu", "selu", "softplus", "mish", "hardtanh", "relu6",
                     "tanh", "sigmoid"):
            if hasattr(F, name):
                original = getattr(F, name)
                new = self._counter(original, name)
                swaps[id(original)] = new
                self._patch_module(F, name, new)
        for ns in self.namespaces:
            for key, value in list(ns.items()):
                if id(value) in swaps and callable(value):
                    ns[key] = swaps[id(value)]
                    self._undo.append(lambda ns=ns, key=key, value=value: ns.__setitem__(key, value))
        handle = module_mod.register_module_forward_hook(self._hook)
        self._undo.append(handle.remove)
        return self

    def __exit__(self, *exc):
        while self._undo:
            self._undo.pop()()
        return False


def _namespaces(model) -> list[dict]:
    """The global namespaces of the forward methods of the model's own (non-torch) module classes."""
    seen, out = set(), []
    for m in model.modules():
        fwd = getattr(type(m), "forward", None)
        g = getattr(fwd, "__globals__", None)
        if isinstance(g, dict) and not str(g.get("__name__", "")).startswith("torch") and id(g) not in seen:
            seen.add(id(g))
            out.append(g)
    return out


def _error_hint(text: str) -> str:
    hints = []
    if "Sizes of tensors must match" in text:
        hints.append("torch.cat needs maps of the same size: join the upsampled decoder map with the encoder map "
                     "of the same level (saved before that level's downsampling). If the encoder never "
                     "downsamples (a missing max pool), or the decoder upsamples too often, the sizes cannot "
                     "match.")
    if "channels, but got" in text or "to have" in text and "channels" in text:
        hints.append("The channel bookkeeping is off: the encoder has base * 2**l channels at level l, and after "
                     "torch.cat([up, skip], dim=1) a decoder conv receives the channels of both operands.")
    if "must match the size of tensor" in text:
        hints.append("Two maps of different sizes were added: a 3x3 conv needs padding=1 to keep H x W, and a "
                     "skip can only be added to (or concatenated with) a map of the same size.")
    if "Output size is too small" in text or "greater than actual input size" in text:
        hints.append("The maps shrank below the kernel size: 3x3 convs without padding=1 trim 2 pixels per conv, "
                     "or there are too many downsamplings for this input (depth 2x downsamplings; the tests use "
                     "H, W divisible by 2**depth).")
    return ("\n  " + " ".join(hints)) if hints else ""


def _drop_empty_call(text: str) -> str:
    """call_guarded's message without its 'called with:' line when the call had no arguments to show."""
    return "\n".join(line for line in text.split("\n") if line.strip() != "called with:")


def _cat_dim_hint(trace) -> str:
    if trace is None:
        return ""
    dims = sorted({c["dim"] for c in trace.cats if c["ndim"] == 4 and c["dim"] != 1})
    if not dims:
        return ""
    axis = "the batch axis" if dims[0] == 0 else "a spatial axis"
    return (f"\n  torch.cat joined 4-D maps along dim {dims[0]} ({axis}); a U-Net concatenates along channels: "
            "torch.cat([up, skip], dim=1).")


def _run(model, x, *, name, label, replace=None, trace=True):
    """model(x) through call_guarded, with a _Trace; checks that x was not modified in place."""
    x_in = x.clone()
    tr = _Trace(replace, _namespaces(model)) if trace else None

    def forward():
        if tr is None:
            return model(x_in)
        with tr:
            return model(x_in)
    forward.__name__ = name
    try:
        out = call_guarded(forward, (), name=name, label=label)
    except CheckError as e:
        raise CheckError(f"{_drop_empty_call(str(e))}{_error_hint(str(e))}{_cat_dim_hint(tr)}") from None
    if not x_in.equal(x):
        raise CheckError(f"{name} ({label}) modified its input x in place (x += ..., x.relu_(), an in-place "
                         "ReLU on x, ...). Build new tensors: out = f + x.")
    return out, tr


def _construct(cls, args, kwargs, sig, seed, signature):
    import torch
    from torch import nn

    torch.manual_seed(seed)
    try:
        model = call_guarded(cls, args, kwargs, name=sig.split("(")[0], label=sig)
    except CheckError as e:
        text = str(e)
        if "before Module.__init__() call" in text:
            text += "\n  Call super().__init__() first thing in __init__, before creating the layers."
        elif "unexpected keyword argument" in text or "positional argument" in text:
            text += f"\n  The signature is {signature}."
        raise CheckError(text) from None
    if not isinstance(model, nn.Module):
        raise CheckError(f"{sig} is {describe(model)}, not a torch.nn.Module: subclass nn.Module and call "
                         "super().__init__() first in __init__.")
    if not list(model.parameters()):
        raise CheckError(f"{sig} has no parameters: create the layers in __init__ as attributes (nn.Conv2d, "
                         "nn.Sequential, nn.ModuleList), not in a plain Python list or inside forward.")
    return model


def _check_unregistered(model, trace, sig):
    registered = {id(m) for m in model.modules()}
    stray = [c["module"] for c in trace.convs if id(c["module"]) not in registered]
    if stray:
        raise CheckError(f"{sig}: forward calls {len(stray)} conv layer(s) that are not registered in the model "
                         f"(e.g. {stray[0]}): layers kept in a plain Python list, a dict, or created inside forward "
                         "are invisible to model.parameters() (never trained, never moved to the GPU). Use "
                         "nn.ModuleList / nn.Sequential, or assign each layer to self.")


def _check_gradients(model, x, sig, label, gen):
    import torch

    model.zero_grad(set_to_none=True)
    out, _ = _run(model, x, name=f"{sig}.forward", label=label, trace=False)
    if not isinstance(out, torch.Tensor) or not out.requires_grad:
        raise CheckError(f"{sig}.forward ({label}) returned a tensor with no gradient (requires_grad=False): the "
                         "computation was cut from the parameters (torch.no_grad(), .detach(), .data or a trip "
                         "through numpy), so the network could not be trained.")
    r = torch.randn(out.shape, generator=gen, dtype=out.dtype)
    (out * r).sum().backward()
    for pname, p in model.named_parameters():
        if not p.requires_grad:
            raise CheckError(f"{sig}: parameter {pname} has requires_grad=False: every layer should be trainable.")
        if p.grad is None:
            raise CheckError(f"{sig}: no gradient reaches {pname} ({label}): that layer is created in __init__ but "
                             "never used in forward (or used on detached tensors), so it would never train.")
        if not bool(torch.isfinite(p.grad).all()):
            raise CheckError(f"{sig}: the gradient of {pname} is not finite ({label}).")
    model.zero_grad(set_to_none=True)


def _max_diff(a, b) -> float:
    return float((a.double() - b.double()).abs().max()) if a.numel() else 0.0


# ============================================================ ResidualBlock

RESIDUAL_CONFIGS = [((4, 4), {}), ((3, 5), {}), ((), {"c_in": 6, "c_out": 2})]
RESIDUAL_SHAPES = [(2, 7, 9), (1, 5, 4)]

_RES_SIGNATURE = "ResidualBlock(c_in, c_out)"

_RELU_AFTER_SUM = ("a ReLU is applied after the sum. The text's residual block returns F(x) + x (or F(x) + Wx) "
                   "with nothing after the sum, so that a block with F = 0 is exactly the identity, negative "
                   "values included. (torchvision's ResNet BasicBlock does add a ReLU after the sum, and batch "
                   "norm inside F: a different block from the text's.)")


def _res_signature(args, kwargs):
    parts = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()]
    return f"ResidualBlock({', '.join(parts)})"


def _res_resolve(args, kwargs):
    values = dict(zip(("c_in", "c_out"), args))
    values.update(kwargs)
    return values["c_in"], values["c_out"]


def _res_structure(model, c_in, c_out, sig):
    from torch import nn

    convs = [m for m in model.modules() if isinstance(m, nn.Conv2d)]
    k3 = [m for m in convs if tuple(m.kernel_size) == (3, 3)]
    k1 = [m for m in convs if tuple(m.kernel_size) == (1, 1)]
    other_k = [m for m in convs if m not in k3 and m not in k1]
    conv_params = {id(p) for m in convs for p in m.parameters()}
    extra = [name for name, p in model.named_parameters() if id(p) not in conv_params]
    if extra:
        bn = any(isinstance(m, nn.modules.batchnorm._BatchNorm) for m in model.modules())
        raise CheckError(f"{sig} has parameters outside its conv layers: {', '.join(extra[:4])}. "
                         + ("The text's block has no batch norm: F is conv3x3 -> ReLU -> conv3x3 (torchvision's "
                            "BasicBlock adds batch norm and a ReLU after the sum; that is a different block)."
                            if bn else "The block is made of two 3x3 convs (and a 1x1 conv when c_in != c_out)."))
    if other_k:
        raise CheckError(f"{sig} has a conv with kernel_size {tuple(other_k[0].kernel_size)}; F uses two 3x3 convs "
                         "and the projection W is a 1x1 conv.")
    if c_in != c_out and len(k3) == 3 and not k1:
        raise CheckError(f"{sig}: the projection W is a 3x3 conv; the text's linear map W is a 1x1 convolution "
                         f"(nn.Conv2d({c_in}, {c_out}, kernel_size=1)): it only mixes channels, pixel by pixel.")
    if len(k3) != 2:
        raise CheckError(f"{sig} has {len(k3)} 3x3 conv layer(s); F = conv3x3 -> ReLU -> conv3x3 needs exactly two "
                         "(two different nn.Conv2d modules, each used once"
                         + ("; one conv applied twice shares its weights, which is a different block" if len(k3) == 1
                            else "") + ").")
    if c_in == c_out and k1:
        raise CheckError(f"{sig} has a 1x1 projection although c_in == c_out = {c_in}: the projection W is only "
                         "needed when c_in != c_out. With equal widths the skip is the identity, x "
                         f"itself (the text's F(x) + x); a 1x1 conv there adds {c_in * c_out} weights and is no "
                         "longer an identity path.")
    if c_in != c_out and len(k1) != 1:
        raise CheckError(f"{sig} has {len(k1)} 1x1 conv(s); with c_in = {c_in} != c_out = {c_out} the skip needs one "
                         f"1x1 projection W (nn.Conv2d({c_in}, {c_out}, kernel_size=1)), so that F(x) + Wx has "
                         "matching channels.")
    for m in k3:
        pad = m.padding
        ok_pad = pad == "same" or tuple(pad) == (1, 1)
        if not ok_pad:
            raise CheckError(f"{sig}: a 3x3 conv has padding={pad}; it needs padding=1 ('same') so that F(x) keeps "
                             "the H x W of x and the two can be added. Without it every conv trims a pixel on "
                             "each side.")
        if tuple(m.stride) != (1, 1) or tuple(m.dilation) != (1, 1) or m.groups != 1:
            raise CheckError(f"{sig}: a 3x3 conv has stride {tuple(m.stride)}, dilation {tuple(m.dilation)}, "
                             f"groups {m.groups}; the block keeps the resolution: stride 1, dilation 1, groups 1.")
        if m.padding_mode != "zeros":
            raise CheckError(f"{sig}: padding_mode is {m.padding_mode!r}; use zero padding (the default).")
    for m in k1:
        if tuple(m.stride) != (1, 1) or m.groups != 1 or (m.in_channels, m.out_channels) != (c_in, c_out):
            raise CheckError(f"{sig}: the 1x1 projection should be nn.Conv2d({c_in}, {c_out}, kernel_size=1) with "
                             f"stride 1; got {m}.")
    return k3, k1


def _conv64(m, x):
    import torch.nn.functional as F

    b = None if m.bias is None else m.bias.detach().double()
    pad = (m.kernel_size[0] // 2, m.kernel_size[1] // 2)
    return F.conv2d(x.double(), m.weight.detach().double(), b, padding=pad)


def _res_variants(conv1, conv2, proj, x):
    import torch

    relu = torch.relu
    h1 = _conv64(conv1, x)
    s = x.double() if proj is None else _conv64(proj, x)
    f = _conv64(conv2, relu(h1))
    out = [
        (relu(f + s), "relu_after", _RELU_AFTER_SUM),
        (f, "no_skip", "the skip is missing: the block returns F(x) alone; add x (or Wx) to F's output."),
        (_conv64(conv2, h1) + s, "no_inner_relu",
         "the ReLU between the two convs is missing: F = conv3x3 -> ReLU -> conv3x3."),
        (relu(f) + s, "relu_end_of_F",
         "F ends with a ReLU (relu(conv2(...)) + x); F = conv3x3 -> ReLU -> conv3x3 ends with the conv."),
        (f + relu(s), "relu_skip", "the skip path goes through a ReLU; it carries x (or Wx) unchanged."),
        (f - s, "minus", "the skip is subtracted; the block adds it: F(x) + x."),
        (f + 2 * s, "twice", "the skip is added twice."),
    ]
    if h1.shape == s.shape:
        out += [(_conv64(conv2, relu(h1 + s)), "skip_before_relu",
                 "the skip is added inside F, before the ReLU (conv2(relu(conv1(x) + x))): it belongs after F's "
                 "last conv, out = F(x) + x."),
                (_conv64(conv2, relu(h1 + s)) + s, "skip_before_relu_too",
                 "the skip is also added inside F, before the ReLU; it is added once, after F's last conv.")]
    if conv2.in_channels == s.shape[1]:
        out += [(_conv64(conv2, relu(h1) + s), "skip_before_conv2",
                 "the skip is added inside F, before its second conv (conv2(relu(conv1(x)) + x)); it belongs after "
                 "F's last conv: out = F(x) + x.")]
    return out


def _check_residual_instance(model, args, kwargs, shapes, gen):
    import torch

    c_in, c_out = _res_resolve(args, kwargs)
    sig = _res_signature(args, kwargs)
    k3, k1 = _res_structure(model, c_in, c_out, sig)
    mids = {m.out_channels for m in k3}
    count = 1
    for B, H, W in shapes:
        label = f"input ({B}, {c_in}, {H}, {W})"
        x = torch.randn((B, c_in, H, W), generator=gen)
        model.eval()
        out, tr = _run(model, x, name=f"{sig}.forward", label=label)
        if not isinstance(out, torch.Tensor):
            raise CheckError(f"{sig}.forward ({label}) returned {describe(out)}; expected a tensor.")
        if tuple(out.shape) != (B, c_out, H, W):
            hint = ""
            if out.dim() == 4 and out.shape[-2:] != (H, W):
                hint = (" The spatial size changed: both 3x3 convs need padding=1 and stride 1 (the block is "
                        "shape-preserving in space).")
            raise CheckError(f"{sig}.forward ({label}) returned shape {tuple(out.shape)}; expected "
                             f"({B}, {c_out}, {H}, {W}) = (batch, c_out, H, W).{hint}")
        if not out.requires_grad:
            raise CheckError(f"{sig}.forward ({label}) returned a tensor with no gradient (requires_grad=False): "
                             "the computation was cut from the parameters (torch.no_grad(), .detach(), .data).")
        _check_unregistered(model, tr, sig)
        calls3 = [c for c in tr.convs if c["kernel"] == (3, 3)]
        calls1 = [c for c in tr.convs if c["kernel"] == (1, 1)]
        if len(calls3) != 2 or calls3[0]["module"] is calls3[1]["module"]:
            raise CheckError(f"{sig}.forward ({label}) made {len(calls3)} call(s) of 3x3 convs"
                             + (" (the same conv twice)" if len(calls3) == 2 else "")
                             + ": F applies its first 3x3 conv, a ReLU, then its second 3x3 conv, each once.")
        conv1, conv2 = calls3[0]["module"], calls3[1]["module"]
        if calls3[0]["input"] is None or not calls3[0]["input"].equal(x):
            raise CheckError(f"{sig}.forward ({label}): the first 3x3 conv of F does not receive x itself; something "
                             "is applied to x before it (a ReLU first is the 'pre-activation' block of later ResNets, "
                             "not the text's). F = conv3x3 -> ReLU -> conv3x3, starting from x.")
        proj = None
        if c_in != c_out:
            if len(calls1) != 1:
                raise CheckError(f"{sig}.forward ({label}) called the 1x1 projection {len(calls1)} times; the skip "
                                 "path applies it once, to x: out = F(x) + W(x).")
            proj = calls1[0]["module"]
            if calls1[0]["input"] is None or not calls1[0]["input"].equal(x):
                raise CheckError(f"{sig}.forward ({label}): the 1x1 projection W is applied to something other than "
                                 "x; the skip path is W x, added to F(x): out = F(x) + W(x).")
        elif calls1:
            raise CheckError(f"{sig}.forward ({label}) called a 1x1 conv although c_in == c_out: the skip is x itself.")
        ref = _conv64(conv2, torch.relu(_conv64(conv1, x))) + (x.double() if proj is None else _conv64(proj, x))
        got = out.detach().double()
        tol = 1e-4 * max(1.0, float(ref.abs().max()))
        if _max_diff(got, ref) > tol:
            diff = (got - ref).abs()
            pos = tuple(int(i) for i in torch.nonzero(diff > tol)[0])
            msg = (f"{sig}.forward ({label}) returned wrong values: {int((diff > tol).sum())} of {diff.numel()} "
                   f"entries differ from conv2(relu(conv1(x))) + {'x' if proj is None else 'W(x)'} computed with your "
                   f"block's own layers; first at {pos}: got {float(got[pos]):.6g}, expected {float(ref[pos]):.6g}.")
            for wrong, _, text in _res_variants(conv1, conv2, proj, x):
                if wrong.shape == got.shape and _max_diff(got, wrong) <= 1e-4 * max(1.0, float(wrong.abs().max())):
                    msg += f"\n  This looks like a known mistake: {text}"
                    break
            raise CheckError(msg)
        count += 1
        # F = 0: the identity (or the projection), exactly, negative values included
        saved = [p.detach().clone() for p in conv2.parameters()]
        try:
            with torch.no_grad():
                for p in conv2.parameters():
                    p.zero_()
            out0, _ = _run(model, x, name=f"{sig}.forward", label=label + ", second conv of F set to zero",
                           trace=False)
        finally:
            with torch.no_grad():
                for p, s in zip(conv2.parameters(), saved):
                    p.copy_(s)
        expect0 = x.double() if proj is None else _conv64(proj, x)
        if tuple(out0.shape) != tuple(expect0.shape) or _max_diff(out0.detach(), expect0) > 1e-5 * max(
                1.0, float(expect0.abs().max())):
            what = "x itself" if proj is None else "the projection W x"
            msg = (f"{sig}: with F's second conv set to zero, F(x) = 0 and the block must return {what} exactly "
                   f"(negative values included); the largest difference is {_max_diff(out0.detach(), expect0):.3g}.")
            if _max_diff(out0.detach(), torch.relu(expect0)) <= 1e-5 * max(1.0, float(expect0.abs().max())):
                msg += f"\n  Negative values were zeroed: {_RELU_AFTER_SUM}"
            raise CheckError(msg)
        count += 1
        model.train()
        _check_gradients(model, x, sig, label, gen)
        count += 1
    if not mids <= {c_in, c_out} or conv1.in_channels != c_in or conv2.out_channels != c_out:
        raise CheckError(f"{sig}: F's convs map {conv1.in_channels} -> {conv1.out_channels} -> {conv2.out_channels} "
                         f"channels; F should take the {c_in} input channels to {c_out} (the hidden width is c_out, "
                         "or c_in).")
    return count


def check_ResidualBlock(cls, configs=None, shapes=None, seed: int = 0) -> int:
    """Visible tests of ``ResidualBlock(c_in, c_out)`` (§24.11.3).

    Args:
        cls: the class (not an instance).
        configs: list of ``(args, kwargs)`` constructions (default :data:`RESIDUAL_CONFIGS`).
        shapes: list of ``(B, H, W)`` inputs (default :data:`RESIDUAL_SHAPES`).
        seed: seeds the weights and inputs.
    """
    import torch
    from torch import nn

    _start()
    if not (isinstance(cls, type) and issubclass(cls, nn.Module)):
        raise CheckError(f"ResidualBlock should be a class derived from torch.nn.Module, but it is {describe(cls)}.")
    gen = torch.Generator().manual_seed(seed)
    count = 0
    with _one_torch_thread(), _torch_rng_kept():
        for args, kwargs in configs or RESIDUAL_CONFIGS:
            sig = _res_signature(args, kwargs)
            model = _construct(cls, args, kwargs, sig, seed, _RES_SIGNATURE)
            count += _check_residual_instance(model, args, kwargs, shapes or RESIDUAL_SHAPES, gen)
    print(f"ResidualBlock: all {count} checks passed.")
    return count


# ============================================================ EncoderDecoder and UNet

# (args, kwargs) of the constructions; (B, H / 2**depth, W / 2**depth) of the inputs.
SEGMENTER_CONFIGS = [((1, 2), {}), ((3, 4), {"base": 4, "depth": 2}), ((2, 3), {"base": 6, "depth": 1})]
SEGMENTER_SHAPES = [(2, 2, 3), (1, 4, 4), (3, 1, 2)]


def _seg_resolve(args, kwargs):
    names = ("in_channels", "num_classes", "base", "depth")
    values = {"base": 8, "depth": 3}
    values.update(dict(zip(names, args)))
    values.update(kwargs)
    return values["in_channels"], values["num_classes"], values["base"], values["depth"]


def _seg_signature(name, args, kwargs):
    parts = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"


def _level(hw, HW):
    """l with hw == HW / 2**l, or None."""
    (h, w), (H, W) = hw, HW
    for l in range(0, 12):
        if H % (2 ** l) == 0 and W % (2 ** l) == 0 and (H >> l, W >> l) == (h, w):
            return l
    return None


def _check_output(out, B, K, H, W, base, sig, label, trace=None):
    import torch

    if not isinstance(out, torch.Tensor):
        raise CheckError(f"{sig}.forward ({label}) returned {describe(out)}; expected a tensor of per-pixel logits "
                         f"({B}, {K}, {H}, {W}).")
    if tuple(out.shape) != (B, K, H, W):
        hint = ""
        if out.dim() == 3 and B == 1:
            hint = " Keep the batch axis (no .squeeze())."
        elif out.dim() == 4 and tuple(out.shape[-2:]) != (H, W):
            lv = _level(tuple(out.shape[-2:]), (H, W))
            big = _level((H, W), tuple(out.shape[-2:]))
            if lv:
                hint = (f" The output is {2 ** lv}x smaller than the input: the decoder must undo every "
                        f"downsampling ({lv} upsampling step(s) missing).")
            elif big:
                hint = (f" The output is {2 ** big}x larger than the input: the decoder upsampled more often than "
                        f"the encoder downsampled ({big} downsampling step(s), e.g. the 2x2 max pool, missing).")
            elif not _cat_dim_hint(trace):
                hint = " The output must have the input's H x W (3x3 convs need padding=1)."
        elif out.dim() == 4 and out.shape[1] != K:
            hint = (f" The output has {out.shape[1]} channels: the last layer is a 1x1 conv from the first "
                    f"level's {base} channels to num_classes = {K} (one logit per class and pixel).")
        raise CheckError(f"{sig}.forward ({label}) returned shape {tuple(out.shape)}; expected ({B}, {K}, {H}, {W}) "
                         f"= (batch, num_classes, H, W).{hint}{_cat_dim_hint(trace)}")
    if not out.dtype.is_floating_point:
        raise CheckError(f"{sig}.forward ({label}) returned dtype {out.dtype}; expected floating logits.")
    if not bool(torch.isfinite(out).all()):
        raise CheckError(f"{sig}.forward ({label}) returned non-finite values.")
    o = out.detach().double()
    if K > 1 and bool((o >= 0).all()) and float((o.sum(dim=1) - 1).abs().max()) < 1e-4:
        raise CheckError(f"{sig}.forward ({label}) returns probabilities (a softmax over the classes); return the "
                         "raw logits: nn.CrossEntropyLoss applies the (log-)softmax itself, and "
                         "torch.softmax(out, dim=1) gives probabilities when you want them.")


def _check_levels(trace, H, W, depth, base, sig, label):
    """The pyramid of resolutions and the encoder's channel widths; returns (levels, bottleneck index)."""
    if not trace.convs:
        raise CheckError(f"{sig}.forward ({label}) called no nn.Conv2d layer: build the network from nn.Conv2d "
                         "(and nn.ConvTranspose2d) modules.")
    levels = []
    for c in trace.convs:
        hw = tuple(c["shape"][-2:])
        lv = _level(hw, (H, W))
        if lv is None:
            raise CheckError(f"{sig}.forward ({label}): a conv produced maps of size {hw[0]}x{hw[1]}, which is not a "
                             f"level of the pyramid H/2^l x W/2^l of the {H}x{W} input: 3x3 convs need padding=1 "
                             "to keep their input's size, and each downsampling halves it exactly.")
        levels.append(lv)
    coarsest = max(levels)
    if coarsest == 0:
        raise CheckError(f"{sig}.forward ({label}): every conv works at full resolution {H}x{W}: the downsampling "
                         f"(2x2 max pool, or a stride-2 conv) is missing; depth={depth} halves the maps {depth} "
                         "times on the way down.")
    if coarsest != depth:
        raise CheckError(f"{sig}.forward ({label}): the coarsest conv maps are {H >> coarsest}x{W >> coarsest}, "
                         f"{coarsest} halvings of the input; depth={depth} means exactly {depth} 2x downsamplings, "
                         f"down to {H >> depth}x{W >> depth}."
                         + (" Is depth hard-coded?" if coarsest in (1, 2, 3, 4) else ""))
    missing = [l for l in range(depth + 1) if l not in levels]
    if missing:
        l = missing[0]
        raise CheckError(f"{sig}.forward ({label}): no conv works at level {l} ({H >> l}x{W >> l}): each "
                         "downsampling halves the resolution once and every level has its convs.")
    # encoder phase: until the resolution first increases
    enc = []
    for i, lv in enumerate(levels):
        if i and lv < levels[i - 1]:
            break
        enc.append(i)
    widths = {}
    for i in enc:
        widths[levels[i]] = max(widths.get(levels[i], 0), trace.convs[i]["shape"][1])
    for l in range(depth):
        expected = base * 2 ** l
        got = widths.get(l)
        if got is None:
            raise CheckError(f"{sig}.forward ({label}): the encoder has no conv at level {l} ({H >> l}x{W >> l}).")
        if got != expected:
            where = "the first level (full resolution)" if l == 0 else f"level {l} ({H >> l}x{W >> l} maps)"
            raise CheckError(f"{sig}.forward ({label}): at {where} the encoder's convs output up to {got} "
                             f"channels; expected base * 2**{l} = {expected}. The network starts with base = {base} "
                             "channels and doubles them at every 2x downsampling: base, 2*base, 4*base, ..."
                             + (" Is base hard-coded?" if l == 0 else ""))
    got = widths.get(depth)
    allowed = (base * 2 ** depth, base * 2 ** (depth - 1))
    if got not in allowed:
        raise CheckError(f"{sig}.forward ({label}): the bottleneck ({H >> depth}x{W >> depth}) has {got} channels; "
                         f"expected base * 2**depth = {allowed[0]} (or {allowed[1]}, keeping the last level's width).")
    bottleneck = max(i for i, lv in enumerate(levels) if lv == depth)
    return levels, bottleneck


def _check_activations(trace, depth, sig, label):
    if trace.others:
        names = ", ".join(dict.fromkeys(_OTHER_ACTIVATIONS.get(n, n) for n in trace.others))
        raise CheckError(f"{sig}.forward ({label}) uses {names}; the spec's nonlinearities are ReLUs: {_RELU_MSG}.")
    need = 2 * depth + 1
    if trace.relus < need:
        raise CheckError(f"{sig}.forward ({label}) applied a ReLU {trace.relus} time(s); every level's convs are "
                         f"followed by ReLUs: at least 2 * depth + 1 = {need} per forward pass (depth + 1 encoder "
                         f"levels and depth decoder levels). {_RELU_MSG[0].upper()}{_RELU_MSG[1:]}."
                         + (" Without them the network is a stack of linear maps." if trace.relus == 0 else ""))


def _bottleneck_probe(model, x1, x2, trace1, b, sig, label):
    """Max |model(x2 with the bottleneck of x1) - model(x1)|, relative (0 = everything passes the bottleneck)."""
    fixed = trace1.convs[b]["output"]
    out1 = None
    with contextlib.redirect_stdout(io.StringIO()):
        out1, _ = _run(model, x1, name=f"{sig}.forward", label=label, trace=False)
        out2, _ = _run(model, x2, name=f"{sig}.forward", label=label, replace={b: lambda o: fixed.clone()})
    scale = max(1e-6, float(out1.detach().abs().max()))
    return _max_diff(out1.detach(), out2.detach()) / scale


def _check_no_skip(model, x, trace, b, gen, sig, label):
    import torch

    x2 = torch.randn(x.shape, generator=gen)
    rel = _bottleneck_probe(model, x, x2, trace, b, sig, label)
    if rel > 1e-5:
        chan_cats = [c for c in trace.cats if c["ndim"] == 4 and c["dim"] == 1]
        how = (f"{len(chan_cats)} torch.cat along channels" if chan_cats else
               "an encoder map added (or otherwise passed) into the decoder")
        raise CheckError(f"{sig}.forward ({label}): with the bottleneck (the last conv at the coarsest level) held "
                         f"fixed, changing the input still changes the output (by {rel:.2g} of its size): "
                         f"information goes around the bottleneck ({how}). The encoder-decoder of §24.11.1 has no "
                         "skip connections: everything the decoder knows passes through the bottleneck. Skips make "
                         "it a U-Net (the next exercise).")


def _reaches(fn, target) -> bool:
    """Whether the autograd graph below node `fn` contains node `target`."""
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


def _check_skips(model, x, trace, b, depth, gen, sig, label):
    """Every level 0..depth-1 needs a channel concatenation joining an encoder-side operand (one that does not
    depend on the bottleneck) with a decoder-side operand (one that does). Dependence is read from the autograd
    graph (does the operand's graph contain the bottleneck conv?); without a graph (forward under no_grad), from
    values: the operands that change when the bottleneck's output is perturbed."""
    import torch

    H, W = x.shape[-2:]
    cats_a = trace.cats
    target = trace.convs[b]["grad_fn"]
    if target is not None:
        cats_b = [None] * len(cats_a)
    else:
        fixed = trace.convs[b]["output"]
        noise = torch.randn(fixed.shape, generator=gen) * (float(fixed.std()) + 1.0)
        with contextlib.redirect_stdout(io.StringIO()):
            _, trace_b = _run(model, x, name=f"{sig}.forward", label=label, replace={b: lambda o: o + noise})
        cats_b = trace_b.cats if len(trace_b.cats) == len(cats_a) else [None] * len(cats_a)
    found = {}          # level -> list of problems / True
    other_dim = None
    for ca, cb in zip(cats_a, cats_b):
        if ca["ndim"] != 4 or len(ca["operands"]) < 2:
            continue
        if ca["dim"] != 1:
            other_dim = ca["dim"]
            continue
        hws = {tuple(s[-2:]) for s in ca["shapes"]}
        if len(hws) != 1:
            continue
        lv = _level(hws.pop(), (H, W))
        if lv is None:
            continue
        enc, dec, raw = 0, 0, 0
        for i, op in enumerate(ca["operands"]):
            if op.shape == x.shape and op.equal(x):
                raw += 1
            elif target is not None:
                if _reaches(ca["grad_fns"][i], target):
                    dec += 1
                else:
                    enc += 1
            elif cb is not None and i < len(cb["operands"]) and op.equal(cb["operands"][i]):
                enc += 1
            else:
                dec += 1
        verdict = found.setdefault(lv, [])
        if enc and dec:
            verdict.append(True)
        elif raw:
            verdict.append("raw")
        elif not enc:
            verdict.append("two decoder tensors")
        else:
            verdict.append("no decoder tensor")
    good = [l for l in range(depth) if True in found.get(l, [])]
    if len(good) == depth:
        return
    chan_cats = [c for c in cats_a if c["ndim"] == 4 and c["dim"] == 1]
    if not chan_cats:
        if other_dim is not None:
            raise CheckError(f"{sig}.forward ({label}): torch.cat joins the maps along dim {other_dim} "
                             f"({'batch' if other_dim == 0 else 'a spatial axis'}); the U-Net concatenates along "
                             "channels: torch.cat([up, skip], dim=1).")
        x2 = torch.randn(x.shape, generator=gen)
        rel = _bottleneck_probe(model, x, x2, trace, b, sig, label)
        if rel > 1e-5:
            raise CheckError(f"{sig}.forward ({label}): the decoder gets the encoder's maps without any torch.cat "
                             "along channels: did you add them (up + skip)? The U-Net concatenates: "
                             "torch.cat([up, skip], dim=1), and the next conv reads both (adding is the ResNet way, "
                             "Part E).")
        raise CheckError(f"{sig}.forward ({label}) has no skip connections: everything passes through the "
                         "bottleneck, as in the encoder-decoder. The U-Net concatenates the encoder's activations "
                         "into the decoder at every level (torch.cat([up, skip], dim=1)).")
    with_skips = sorted(l for l in found if True in found[l])
    for l in range(depth):
        if l in good:
            continue
        where = f"level {l} ({H >> l}x{W >> l}{', full resolution' if l == 0 else ''})"
        probs = found.get(l, [])
        if "raw" in probs:
            raise CheckError(f"{sig}.forward ({label}): at {where} you concatenate the input image x itself; the "
                             "skip carries the encoder's activations at that level (the output of its first-level "
                             "convs), saved on the way down.")
        if "two decoder tensors" in probs:
            raise CheckError(f"{sig}.forward ({label}): the concatenation at {where} joins two decoder tensors; one "
                             "operand must be the encoder's activation from the mirror level, saved on the way down.")
        if "no decoder tensor" in probs:
            raise CheckError(f"{sig}.forward ({label}): the concatenation at {where} joins only encoder tensors; it "
                             "joins the upsampled decoder map with the encoder's map of the same level.")
        raise CheckError(f"{sig}.forward ({label}): no concatenation of encoder activations at {where}. The U-Net "
                         "concatenates the encoder's activations into the decoder at every level 0..depth-1, full "
                         f"resolution included (found at level(s) {with_skips or 'none'}).")


def _check_param_scaling(cls, args, kwargs, name, seed):
    in_ch, K, base, depth = _seg_resolve(args, kwargs)

    def count(b, d):
        sig = _seg_signature(name, (in_ch, K), {"base": b, "depth": d})
        with contextlib.redirect_stdout(io.StringIO()):
            m = _construct(cls, (in_ch, K), {"base": b, "depth": d}, sig, seed, "")
        return sum(p.numel() for p in m.parameters())

    n0, n_deeper, n_wider = count(base, depth), count(base, depth + 1), count(2 * base, depth)
    r_depth, r_base = n_deeper / n0, n_wider / n0
    if not 2.0 <= r_depth <= 8.0:
        raise CheckError(f"{name}: one more level multiplies the parameter count by {r_depth:.2f} ({n0} -> "
                         f"{n_deeper}); the new level's convs have twice the channels of the level above, about 4x "
                         "its weights, so expect roughly 3-5x. Do the channels double per level, and does depth "
                         "control the number of levels?")
    if not 2.0 <= r_base <= 4.5:
        raise CheckError(f"{name}: doubling base multiplies the parameter count by {r_base:.2f} ({n0} -> {n_wider}); "
                         "a conv's weights grow with (channels in) x (channels out), so expect nearly 4x. Does base "
                         "set the channel widths?")
    return 2


def _check_segmenter(cls, name, skips, configs, shapes, seed):
    import torch
    from torch import nn

    _start()
    if not (isinstance(cls, type) and issubclass(cls, nn.Module)):
        raise CheckError(f"{name} should be a class derived from torch.nn.Module, but it is {describe(cls)}.")
    signature = f"{name}(in_channels, num_classes, base=8, depth=3)"
    gen = torch.Generator().manual_seed(seed)
    count = 0
    with _one_torch_thread(), _torch_rng_kept():
        for ci, (args, kwargs) in enumerate(configs):
            in_ch, K, base, depth = _seg_resolve(args, kwargs)
            sig = _seg_signature(name, args, kwargs)
            model = _construct(cls, args, kwargs, sig, seed, signature)
            count += 1
            model.eval()
            for si, (B, h, w) in enumerate(shapes):
                H, W = h * 2 ** depth, w * 2 ** depth
                label = f"input ({B}, {in_ch}, {H}, {W})"
                x = torch.randn((B, in_ch, H, W), generator=gen)
                out, tr = _run(model, x, name=f"{sig}.forward", label=label)
                _check_output(out, B, K, H, W, base, sig, label, tr)
                count += 1
                if si == 0:
                    _check_unregistered(model, tr, sig)
                    _, b = _check_levels(tr, H, W, depth, base, sig, label)
                    _check_activations(tr, depth, sig, label)
                    if skips:
                        _check_skips(model, x, tr, b, depth, gen, sig, label)
                    else:
                        _check_no_skip(model, x, tr, b, gen, sig, label)
                    count += 3
                if B > 1 and si < 2:
                    with contextlib.redirect_stdout(io.StringIO()):
                        one, _ = _run(model, x[1:2], name=f"{sig}.forward", label=label, trace=False)
                    if tuple(one.shape) != (1, K, H, W) or _max_diff(one.detach(), out.detach()[1:2]) > 1e-4 * max(
                            1.0, float(out.detach().abs().max())):
                        raise CheckError(f"{sig} ({label}): the output for image 1 of the batch differs from the "
                                         "output for that image alone: forward mixes the images of a batch (a "
                                         "reshape or a sum across the batch axis?).")
                    count += 1
            model.train()
            B, h, w = shapes[0]
            x = torch.randn((B, in_ch, h * 2 ** depth, w * 2 ** depth), generator=gen)
            _check_gradients(model, x, sig, f"input {tuple(x.shape)}", gen)
            count += 1
            if ci == 0:
                count += _check_param_scaling(cls, args, kwargs, name, seed)
    return count


def check_EncoderDecoder(cls, configs=None, shapes=None, seed: int = 0) -> int:
    """Visible tests of ``EncoderDecoder(in_channels, num_classes, base=8, depth=3)`` (§24.11.1).

    Args:
        cls: the class. configs: ``(args, kwargs)`` constructions (default :data:`SEGMENTER_CONFIGS`).
        shapes: ``(B, H / 2**depth, W / 2**depth)`` inputs (default :data:`SEGMENTER_SHAPES`).
        seed: seeds the weights and inputs.
    """
    n = _check_segmenter(cls, "EncoderDecoder", False, configs or SEGMENTER_CONFIGS, shapes or SEGMENTER_SHAPES, seed)
    print(f"EncoderDecoder: all {n} checks passed.")
    return n


def check_UNet(cls, configs=None, shapes=None, seed: int = 0) -> int:
    """Visible tests of ``UNet(in_channels, num_classes, base=8, depth=3)`` (§24.11.2); arguments as
    :func:`check_EncoderDecoder`."""
    n = _check_segmenter(cls, "UNet", True, configs or SEGMENTER_CONFIGS, shapes or SEGMENTER_SHAPES, seed)
    print(f"UNet: all {n} checks passed.")
    return n


# ============================================================ iou and boundary_band

def _np_bool(a) -> np.ndarray:
    if hasattr(a, "detach"):
        a = a.detach().cpu().numpy()
    return np.asarray(a) != 0


def iou_reference(pred, target) -> float:
    """|pred & target| / |pred | target| over all entries (the whole batch pooled); 1.0 when both are empty."""
    p, t = _np_bool(pred), _np_bool(target)
    union = int(np.sum(p | t))
    return 1.0 if union == 0 else int(np.sum(p & t)) / union


def _window_extreme(m: np.ndarray, width: int, reduce, mode="edge", shape="square"):
    """max/min of m over the (2w+1)^2 window (clipped to the image: edge padding) of every pixel."""
    w = int(width)
    pad = [(0, 0)] * (m.ndim - 2) + [(w, w), (w, w)]
    mp = np.pad(m.astype(np.int8), pad, mode=mode) if mode != "zero" else np.pad(m.astype(np.int8), pad)
    H, W = m.shape[-2:]
    out = None
    for dy in range(-w, w + 1):
        for dx in range(-w, w + 1):
            if shape == "diamond" and abs(dy) + abs(dx) > w:
                continue
            if shape == "disk" and dy * dy + dx * dx > w * w:
                continue
            s = mp[..., w + dy:w + dy + H, w + dx:w + dx + W]
            out = s if out is None else reduce(out, s)
    return out


def boundary_band_reference(mask, width=2, *, mode="edge", shape="square"):
    """Pixels whose (2*width+1)^2 window, clipped to the image, holds both labels (numpy bool)."""
    m = _np_bool(mask)
    if width == 0:
        return np.zeros(m.shape, dtype=bool)
    hi = _window_extreme(m, width, np.maximum, mode, shape)
    lo = _window_extreme(m, width, np.minimum, mode, shape)
    return hi != lo


def _iou_per_image_mean(pred, target):
    p, t = _np_bool(pred), _np_bool(target)
    if p.ndim < 3:
        return None
    vals = [iou_reference(a, b) for a, b in zip(p, t)]
    return float(np.mean(vals))


def _iou_safe(fn):
    def wrapped(p, t):
        p, t = _np_bool(p), _np_bool(t)
        with np.errstate(all="ignore"):
            return fn(p, t)
    return wrapped


MISTAKES = {
    "iou": [
        ("the intersection is divided by the target's size (that is the recall, or sensitivity); IoU divides "
         "by the size of the union |pred | target|.", _iou_safe(lambda p, t: np.sum(p & t) / np.sum(t))),
        ("the intersection is divided by the prediction's size (that is the precision); IoU divides by the "
         "size of the union |pred | target|.", _iou_safe(lambda p, t: np.sum(p & t) / np.sum(p))),
        ("this is the Dice coefficient 2|P & T| / (|P| + |T|); IoU is |P & T| / |P | T|.",
         _iou_safe(lambda p, t: 2 * np.sum(p & t) / (np.sum(p) + np.sum(t)))),
        ("the union is taken as |P| + |T|, which counts the intersection twice: |P | T| = |P| + |T| - |P & T|.",
         _iou_safe(lambda p, t: np.sum(p & t) / (np.sum(p) + np.sum(t)))),
        ("this is the pixel accuracy (the fraction of pixels where pred == target), not the IoU.",
         _iou_safe(lambda p, t: float(np.mean(p == t)))),
        ("this is the mean of per-image IoUs; the spec pools the whole batch: one intersection and one union "
         "over all entries.", lambda p, t: _iou_per_image_mean(p, t)),
        ("integer (floor) division: |P & T| // |P | T| is 0 unless the masks are identical; divide with / (and "
         "return a float).", _iou_safe(lambda p, t: float(np.sum(p & t) // max(1, np.sum(p | t))))),
    ],
    "boundary_band": [
        ("pixels outside the image were treated as background (zero padding), so objects touching the image "
         "border get a band along the border. The window is clipped to the image (no pixel outside counts): "
         "max pooling pads with -inf, so min = -max_pool(-m) and max = max_pool(m) need no other padding.",
         lambda m, width=2: boundary_band_reference(m, width, mode="zero")),
        ("only the foreground side of the boundary is marked; the band covers pixels on both sides, within "
         "`width` pixels of a pixel of the other label.",
         lambda m, width=2: boundary_band_reference(m, width) & _np_bool(m)),
        ("only the background side of the boundary is marked; the band covers pixels on both sides.",
         lambda m, width=2: boundary_band_reference(m, width) & ~_np_bool(m)),
        ("the band is one pixel too thin on each side: the window is (2*width - 1) pixels wide; a pixel is in "
         "the band when its (2*width + 1) x (2*width + 1) window holds both labels.",
         lambda m, width=2: boundary_band_reference(m, max(0, width - 1))),
        ("the band is one pixel too wide on each side: the window is (2*width + 3) pixels wide; use "
         "kernel_size = 2*width + 1 with padding = width.",
         lambda m, width=2: boundary_band_reference(m, width + 1)),
        ("the window is twice too wide (kernel 4*width + 1): width is the distance on each side.",
         lambda m, width=2: boundary_band_reference(m, 2 * width)),
        ("the neighbourhood is a diamond (4-neighbour steps, city-block distance); the band uses the square "
         "(2*width + 1) x (2*width + 1) window.",
         lambda m, width=2: boundary_band_reference(m, width, shape="diamond")),
        ("the neighbourhood is a disk (Euclidean distance); the band uses the square (2*width + 1) x "
         "(2*width + 1) window.",
         lambda m, width=2: boundary_band_reference(m, width, shape="disk")),
        ("the image wraps around (torch.roll / circular padding): the window is clipped to the image, and "
         "pixels on opposite borders are not neighbours.",
         lambda m, width=2: boundary_band_reference(m, width, mode="wrap")),
        ("width is ignored (a 3x3 window every time).", lambda m, width=2: boundary_band_reference(m, 1)),
    ],
}


def cases_iou(seed: int = 0) -> list[tuple]:
    """Visible cases: (label, pred, target). The hand example first: I = 3, U = 6, IoU = 0.5."""
    import torch

    g = torch.Generator().manual_seed(seed)
    p = torch.tensor([[1, 1, 0, 0], [0, 1, 1, 0]], dtype=torch.bool)
    t = torch.tensor([[1, 0, 0, 1], [0, 1, 1, 1]], dtype=torch.bool)
    a = torch.rand((3, 6, 7), generator=g) < 0.4
    b = torch.rand((3, 6, 7), generator=g) < 0.5
    b[0] = a[0] | (torch.rand((6, 7), generator=g) < 0.2)
    c = (torch.rand((2, 5, 8), generator=g) < 0.3).long()
    d = (torch.rand((2, 5, 8), generator=g) < 0.6).long()
    z = torch.zeros((4, 5), dtype=torch.bool)
    return [
        ("hand example: |P & T| = 3, |P | T| = 6", p, t),
        ("batch of 3 random 6x7 masks (pooled over the batch)", a, b),
        ("0/1 integer masks (as argmax returns), batch of 2", c, d),
        ("both masks empty (IoU = 1 by convention)", z, z.clone()),
        ("empty prediction, non-empty target", z, torch.ones((4, 5), dtype=torch.bool)),
        ("identical masks", a[1], a[1].clone()),
    ]


def _run_metric(fn, name, label, args, kwargs=None):
    kwargs = dict(kwargs or {})
    originals = [a.clone() if hasattr(a, "clone") else copy.deepcopy(a) for a in args]
    call_args = [a.clone() if hasattr(a, "clone") else copy.deepcopy(a) for a in args]

    def call():
        return fn(*call_args, **kwargs)
    call.__name__ = name
    try:
        got = call_guarded(call, (), name=name, label=label)
    except CheckError as e:
        raise CheckError(_drop_empty_call(str(e))) from None
    for i, (before, after) in enumerate(zip(originals, call_args)):
        if hasattr(before, "equal") and (before.shape != after.shape or not before.equal(after)):
            raise CheckError(f"{name} ({label}) modified its argument #{i + 1} in place; build new tensors instead.")
    return got


def check_iou(fn, cases=None) -> int:
    """Visible tests of ``iou(pred, target)``: a Python float, |P & T| / |P | T| pooled, 1.0 when both empty."""
    import torch

    _start()
    if not callable(fn):
        raise CheckError(f"iou should be a function, but it is {describe(fn)}.")
    cases = cases or cases_iou()
    with _one_torch_thread():
        for label, p, t in cases:
            got = _run_metric(fn, "iou", label, (p, t))
            if isinstance(got, torch.Tensor):
                raise CheckError(f"iou ({label}) returned {describe(got)}; return a Python float (tensor.item()).")
            if isinstance(got, bool) or not isinstance(got, (float, int, np.floating, np.integer)):
                raise CheckError(f"iou ({label}) returned {describe(got)}; expected a Python float.")
            expected = iou_reference(p, t)
            g = float(got)
            if math.isnan(g) or not math.isclose(g, expected, rel_tol=1e-6, abs_tol=1e-9):
                msg = f"iou ({label}) returned {g:.6g}; expected {expected:.6g}."
                if math.isnan(g) or (expected == 1.0 and not _np_bool(p).any() and not _np_bool(t).any()):
                    msg += ("\n  When both masks are empty the union is empty (0 / 0): the masks agree perfectly, "
                            "so return 1.0 in that case.")
                else:
                    for text, wrong in MISTAKES["iou"]:
                        try:
                            w = wrong(p, t)
                        except Exception:  # noqa: BLE001
                            continue
                        if w is not None and math.isclose(g, float(w), rel_tol=1e-6, abs_tol=1e-9):
                            msg += f"\n  This looks like a known mistake: {text}"
                            break
                raise CheckError(msg)
            if not isinstance(got, float):
                raise CheckError(f"iou ({label}) returned {describe(got)}; return a float (the value is right: "
                                 "convert with float(...)).")
    print(f"iou: all {len(cases)} checks passed.")
    return len(cases)


def _disk_mask(H, W, r0, c0, rad):
    import torch

    rr, cc = torch.meshgrid(torch.arange(H), torch.arange(W), indexing="ij")
    return (rr - r0) ** 2 + (cc - c0) ** 2 <= rad ** 2


def cases_boundary_band(seed: int = 0) -> list[tuple]:
    """Visible cases: (label, mask, kwargs). The hand example first: a 3x3 square in a 7x7 image, width 1."""
    import torch

    g = torch.Generator().manual_seed(seed)
    sq = torch.zeros((7, 7), dtype=torch.bool)
    sq[2:5, 2:5] = True
    blobs = torch.stack([_disk_mask(10, 12, 3, 4, 2.5) | _disk_mask(10, 12, 7, 9, 1.5),
                         torch.rand((10, 12), generator=g) < 0.3,
                         _disk_mask(10, 12, 0, 11, 4)])
    corner = torch.zeros((8, 11), dtype=torch.long)
    corner[:3, :4] = 1
    corner[5:, 6:] = 1
    return [
        ("hand example: 3x3 square in a 7x7 image, width=1", sq, {"width": 1}),
        ("a disk in a 12x15 image, default width 2", _disk_mask(12, 15, 6, 7, 3.6), {}),
        ("batch of 3 masks (10x12), width=2", blobs, {"width": 2}),
        ("0/1 integer mask touching the image border, width=1", corner, {"width": 1}),
        ("a disk touching the border of a 9x13 image, width=3", _disk_mask(9, 13, 1, 2, 4.2), {"width": 3}),
        ("width=0: an empty band", sq, {"width": 0}),
        ("no foreground at all", torch.zeros((5, 6), dtype=torch.bool), {"width": 2}),
    ]


def check_boundary_band(fn, cases=None) -> int:
    """Visible tests of ``boundary_band(mask, width=2)``: bool tensor, pixels within `width` of the other label."""
    import torch

    _start()
    if not callable(fn):
        raise CheckError(f"boundary_band should be a function, but it is {describe(fn)}.")
    cases = cases or cases_boundary_band()
    with _one_torch_thread():
        for label, mask, kwargs in cases:
            got = _run_metric(fn, "boundary_band", label, (mask,), kwargs)
            width = kwargs.get("width", 2)
            expected = boundary_band_reference(mask, width)
            if not isinstance(got, torch.Tensor):
                hint = " Convert with torch.as_tensor(...)." if isinstance(got, np.ndarray) else ""
                raise CheckError(f"boundary_band ({label}) returned {describe(got)}; expected a torch bool tensor "
                                 f"of the mask's shape {tuple(mask.shape)}.{hint}")
            if tuple(got.shape) != tuple(mask.shape):
                raise CheckError(f"boundary_band ({label}) returned shape {tuple(got.shape)}; expected the mask's "
                                 f"shape {tuple(mask.shape)} (one answer per pixel; keep the batch axis).")
            if got.dtype != torch.bool:
                raise CheckError(f"boundary_band ({label}) returned dtype {got.dtype}; expected torch.bool (a "
                                 "comparison such as hi != lo gives one).")
            g = got.detach().cpu().numpy()
            if not np.array_equal(g, expected):
                bad = np.argwhere(g != expected)
                pos = tuple(int(i) for i in bad[0])
                msg = (f"boundary_band ({label}) is wrong at {len(bad)} of {g.size} pixels; first at {pos}: got "
                       f"{bool(g[pos])}, expected {bool(expected[pos])}.")
                found = []
                for text, wrong in MISTAKES["boundary_band"]:
                    try:
                        w = wrong(mask, width)
                    except Exception:  # noqa: BLE001
                        continue
                    if np.array_equal(w, g) and text not in found:
                        found.append(text)
                if len(found) == 1:
                    msg += f"\n  This looks like a known mistake: {found[0]}"
                elif found:
                    msg += "\n  On this input that matches more than one known mistake:" + "".join(
                        f"\n  - {t}" for t in found)
                raise CheckError(msg)
    print(f"boundary_band: all {len(cases)} checks passed.")
    return len(cases)
