"""Visible checks for notebook 11_architectures (chapter §24.11: encoder-decoders, U-Nets, ResNets).

* ``check_iou(fn)`` and ``check_boundary_band(fn)`` run the two metrics of the
  notebook's experiment on stored masks and compare with the stored answers
  (the grader uses masks of its own). The answer's type is checked first: a
  Python float for ``iou``, a torch bool tensor of the mask's shape for
  ``boundary_band``.
* ``check_ResidualBlock(cls)`` builds the block, checks its layers (two
  padded 3x3 convs, a 1x1 projection only when ``c_in != c_out``, nothing
  else) and one watched forward pass (which conv gets ``x``, which runs
  first, ...), then loads stored weights and compares the output with the
  stored answer, sets F's last conv to zero and compares with the stored
  identity (or projection), and checks that gradients reach every parameter.
* ``check_EncoderDecoder(cls)`` and ``check_UNet(cls)``: any layout that meets
  the spec passes (max pool or stride-2 convs, transposed convs or upsample +
  conv, one or two convs per level, batch norm or not). A watched forward pass
  (:mod:`convcourse.checks.architectures_probe`) gives every conv call's output
  shape, every ``torch.cat`` and the ReLUs: the resolutions visited must be the
  pyramid ``H / 2**l x W / 2**l``, ``l = 0..depth``, the encoder's widest conv
  output at level ``l`` must have ``base * 2**l`` channels, every level needs
  its ReLUs. The last conv at the coarsest level is the bottleneck: holding it
  fixed while the input changes must leave an encoder-decoder's output
  unchanged, and a U-Net needs, at every level ``0..depth-1``, a channel
  concatenation that joins an encoder-side map (one that does not depend on
  the bottleneck) with a decoder-side one. Output shapes for several batch
  sizes and non-square images, logits, gradients to every parameter, no mixing
  across the batch, and parameter counts that grow with ``depth`` and ``base``.

The same requirement checks judge the measurements the grader makes in the
notebook's kernel; the references live with the grader.
"""
from __future__ import annotations

import contextlib
import re

import numpy as np

from . import architectures_probe as _arch_probe
from . import book
from .core import CheckError, call_guarded, describe, judge_call
from .core import one_torch_thread as _one_torch_thread
from .modules import LocalModel, local_new

_A = "11_architectures"

__all__ = [
    "check_iou", "check_boundary_band", "check_ResidualBlock", "check_EncoderDecoder", "check_UNet",
    "Answers", "as_float", "as_bool_mask", "with_iou_hint", "with_band_wording", "LocalArch", "local_maker",
    "construct", "forward_traced", "forward_plain", "check_gradients", "residual_resolve", "residual_signature",
    "residual_structure", "residual_input", "segmenter_resolve", "segmenter_signature", "segmenter_inputs",
    "check_segmenter", "parameter_owner", "is_module_class", "check_output", "check_levels", "check_activations",
    "bottleneck_probe", "check_no_skip", "check_skips", "check_param_scaling", "check_unregistered",
    "residual_roles", "residual_channels", "residual_values", "residual_zero", "stored_case", "RES_SIGNATURE",
]


# ============================================================ answers of the metrics: their type first

def _is_tensor(v) -> bool:  # noqa: ANN001
    from .. import wire
    return isinstance(v, wire.Tensor) or (type(v).__module__.startswith("torch") and hasattr(v, "detach"))


def _describe_value(v) -> str:  # noqa: ANN001
    """What came back, described (an object the kernel could only name is described by that name)."""
    from .. import wire
    return v.describe() if isinstance(v, wire.Opaque) else describe(v)


def _describe_arg(a) -> str:  # noqa: ANN001
    if _is_tensor(a):
        return f"{str(a.dtype).replace('torch.', 'torch ')} tensor of shape {tuple(a.shape)}"
    return repr(a)[:60]


class Answers:
    """``fn`` seen through ``convert``: each answer's type is checked (a property of the answer, no reference
    involved) and the answer passed on as plain data. It takes the function's place in
    :func:`~convcourse.checks.core.call_guarded`; ``labels`` are the cases' labels, in the order of the calls."""

    def __init__(self, fn, name: str, labels, convert):  # noqa: ANN001
        self.fn, self.__name__, self.labels, self.convert = fn, name, list(labels), convert
        self.calls = 0
        self.deferred: list[str] = []

    def __call__(self, *args, **kwargs):
        raise TypeError("called through invoke")

    def invoke(self, args, kwargs, *, numpy_only=False, max_calls=None, depends=None) -> dict:  # noqa: ANN001
        label = self.labels[self.calls] if self.calls < len(self.labels) else ""
        self.calls += 1
        try:
            value = call_guarded(self.fn, args, kwargs, name=self.__name__, label=label, numpy_only=numpy_only,
                                 max_calls=max_calls, depends=depends)
        except CheckError as e:
            if type(e) is not CheckError:
                raise
            text = str(e)
            at = text.find("\n  called with:")
            if at >= 0:      # the arguments, described by type and shape (a tensor's repr spans many lines)
                shown = [_describe_arg(a) for a in args] + [f"{k}={_describe_arg(v)}" for k, v in kwargs.items()]
                text = text[:at] + "\n  called with: " + ", ".join(shown)
            raise CheckError(text) from None
        value = self.convert(self, value, args, kwargs, label)
        return {"status": "ok", "value": value, "warnings": [], "stderr": "", "forbidden": [],
                "profiler_replaced": False, "modified": []}

    def finish(self) -> None:
        """Raise the first type problem found on an answer whose value was right."""
        if self.deferred:
            raise CheckError(self.deferred[0])


def as_float(answers: Answers, value, args, kwargs, label: str):  # noqa: ANN001
    """iou's answer: a Python float (a tensor, or no number at all, is refused at once)."""
    where = f" ({label})" if label else ""
    name = answers.__name__
    if _is_tensor(value):
        raise CheckError(f"{name}{where} returned a torch {str(value.dtype).replace('torch.', '')} tensor; return a "
                         "Python float (tensor.item()).")
    if isinstance(value, bool) or not isinstance(value, (float, int, np.floating, np.integer)):
        raise CheckError(f"{name}{where} returned {_describe_value(value)}; expected a Python float.")
    if not isinstance(value, float):
        answers.deferred.append(f"{name}{where} returned {describe(value)}; return a float (the value is right: "
                                "convert with float(...)).")
        return float(value)
    return value


def as_bool_mask(answers: Answers, value, args, kwargs, label: str):  # noqa: ANN001
    """boundary_band's answer: a torch bool tensor of the mask's shape, passed on as a numpy bool array."""
    where = f" ({label})" if label else ""
    name = answers.__name__
    shape = tuple((args[0] if args else kwargs["mask"]).shape)
    if not _is_tensor(value):
        hint = " Convert with torch.as_tensor(...)." if isinstance(value, np.ndarray) else ""
        raise CheckError(f"{name}{where} returned {_describe_value(value)}; expected a torch bool tensor of the mask's "
                         f"shape {shape}.{hint}")
    if tuple(value.shape) != shape:
        raise CheckError(f"{name}{where} returned shape {tuple(value.shape)}; expected the mask's shape {shape} "
                         "(one answer per pixel; keep the batch axis).")
    if str(value.dtype) != "torch.bool":
        raise CheckError(f"{name}{where} returned dtype {value.dtype}; expected torch.bool (a comparison such as "
                         "hi != lo gives one).")
    array = value.array if hasattr(value, "array") else value.detach().cpu().numpy()
    return np.asarray(array, dtype=bool)


EMPTY_HINT = ("\n  When both masks are empty the union is empty (0 / 0): the masks agree perfectly, so return 1.0 "
              "in that case.")


_STORED_TENSOR = re.compile(r"Tensor\(dtype=torch\.(\w+), shape=(\([^)]*\)), device=\w+\)")


def _tidy(text: str) -> str:
    """Stored tensor arguments described as 'torch bool tensor of shape (2, 4)'."""
    return _STORED_TENSOR.sub(lambda m: f"torch {m[1]} tensor of shape {m[2]}", text)


def with_iou_hint(run):  # noqa: ANN001
    """``run()`` with the empty-masks hint added to a failure on a case whose masks are both empty (or a NaN)."""
    try:
        return run()
    except CheckError as e:
        if type(e) is not CheckError:
            raise
        text = _tidy(str(e))
        first = text.split("\n")[0]
        if "known mistake" not in text and (
                "returned nan" in first or ("both masks empty" in first and "expected 1" in first)):
            text += EMPTY_HINT
        elif "no answer came back from the notebook (unsendable)" in first:
            text += ("\n  The answer could not be sent back: return a Python float (float(...)). A NumPy NaN or "
                     "infinity (0 / 0 on empty masks?) is not one." + (EMPTY_HINT if "both masks empty" in first
                                                                      else ""))
        raise CheckError(text) from None


_WRONG_PIXELS = re.compile(r"returned wrong values: (\d+) of (\d+) entries differ\. First at index (\([^)]*\)): "
                           r"got ([01]), expected ([01]) \(largest difference 1\)\.")


def with_band_wording(run):  # noqa: ANN001
    """``run()`` with a wrong mask described in pixels and labels (True / False) rather than numbers."""
    try:
        return run()
    except CheckError as e:
        if type(e) is not CheckError:
            raise
        text = _WRONG_PIXELS.sub(lambda m: f"is wrong at {m[1]} of {m[2]} pixels; first at {m[3]}: got "
                                           f"{bool(int(m[4]))}, expected {bool(int(m[5]))}.", _tidy(str(e)),
                                 count=1)
        raise CheckError(text) from None


def _check_metric(key: str, fn, convert) -> None:  # noqa: ANN001
    if not callable(fn):
        raise CheckError(f"{key} should be a function, but it is {describe(fn)}.")
    labels = [c["label"] for g in book.load(_A)[key] for c in g["cases"]]
    answers = Answers(fn, key, labels, convert)
    with _one_torch_thread():
        book.check(_A, key, answers)
    answers.finish()


def check_iou(fn) -> None:  # noqa: ANN001
    """Visible tests of ``iou(pred, target)``: a Python float, |P & T| / |P | T| pooled, 1.0 when both empty."""
    with_iou_hint(lambda: _check_metric("iou", fn, as_float))


def check_boundary_band(fn) -> None:  # noqa: ANN001
    """Visible tests of ``boundary_band(mask, width=2)``: bool tensor, pixels within `width` of the other label."""
    with_band_wording(lambda: _check_metric("boundary_band", fn, as_bool_mask))


# ============================================================ module handles and shared steps


class LocalArch(LocalModel):
    """A model handle on a module in this process, with the watched forward pass of
    :mod:`convcourse.checks.architectures_probe`."""

    def trace(self, x, *, label: str = "", **fields) -> dict:  # noqa: ANN001
        return self._run(lambda: _arch_probe.trace(self.obj, x, **fields), label)

    def drop(self) -> None:
        pass


def local_maker(cls, name: str):  # noqa: ANN001
    """``new(args, kwargs, seed=..., label=...)`` building ``cls`` here, as the kernel does for the grader."""
    def new(args, kwargs, *, seed=0, label=""):  # noqa: ANN001
        m = local_new(cls, args, kwargs, seed=seed, label=label, name=name)
        return LocalArch(m.obj, name)
    return new


def parameter_owner(name: str) -> str:
    """The module a parameter belongs to (``"F.0"`` for ``"F.0.weight"``; ``""`` for the model's own)."""
    return name.rsplit(".", 1)[0] if "." in name else ""


def construct(new, args, kwargs, *, sig: str, signature: str, seed: int):  # noqa: ANN001
    """``new(...)`` with construction hints added to its errors; the model must be an nn.Module with
    parameters. Its handle's name becomes ``sig.forward`` (what forward's messages name)."""
    try:
        model = new(tuple(args), dict(kwargs), seed=seed, label=sig)
    except CheckError as e:
        if type(e) is not CheckError:
            raise
        text = str(e)
        if "before Module.__init__() call" in text:
            text += "\n  Call super().__init__() first thing in __init__, before creating the layers."
        elif ("unexpected keyword argument" in text or "positional argument" in text) and signature:
            text += f"\n  The signature is {signature}."
        raise CheckError(text) from None
    desc = model.description
    if not desc.get("is_module"):
        raise CheckError(f"{sig} is {desc.get('type')}, not a torch.nn.Module: subclass nn.Module and call "
                         "super().__init__() first in __init__.")
    if not desc.get("parameters"):
        raise CheckError(f"{sig} has no parameters: create the layers in __init__ as attributes (nn.Conv2d, "
                         "nn.Sequential, nn.ModuleList), not in a plain Python list or inside forward.")
    model.name = f"{sig}.forward"
    return model


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
    """A call's message without its 'called with:' line when the call had no arguments to show."""
    return "\n".join(line for line in text.split("\n") if line.strip() != "called with:")


def _cat_dim_hint(tr: dict | None) -> str:
    if not tr:
        return ""
    dims = sorted({c["dim"] for c in tr["cats"] if c["ndim"] == 4 and c["dim"] != 1})
    if not dims:
        return ""
    axis = "the batch axis" if dims[0] == 0 else "a spatial axis"
    return (f"\n  torch.cat joined 4-D maps along dim {dims[0]} ({axis}); a U-Net concatenates along channels: "
            "torch.cat([up, skip], dim=1).")


def _in_place(sig: str, label: str) -> CheckError:
    return CheckError(f"{sig}.forward ({label}) modified its input x in place (x += ..., x.relu_(), an in-place "
                      "ReLU on x, ...). Build new tensors: out = f + x.")


def forward_traced(model, x, *, sig: str, label: str, **fields) -> tuple[dict, dict]:  # noqa: ANN001
    """One watched forward pass (eval mode unless ``train=True``): (output data, trace)."""
    fields.setdefault("train", False)
    res = model.trace(x, label=label, **fields)
    tr = res.get("trace") or {"convs": [], "cats": [], "relus": 0, "others": []}
    try:
        out = judge_call(res["run"], name=f"{sig}.forward", label=label)
    except CheckError as e:
        if type(e) is not CheckError:
            raise
        raise CheckError(f"{_drop_empty_call(str(e))}{_error_hint(str(e))}{_cat_dim_hint(tr)}") from None
    if res.get("input_modified"):
        raise _in_place(sig, label)
    return out, tr


def forward_plain(model, x, *, sig: str, label: str, **kw) -> dict:  # noqa: ANN001
    """One forward pass (:func:`convcourse.probe.forward`), forward's errors with hints."""
    kw.setdefault("train", False)
    try:
        fwd = model.forward(x, label=label, **kw)
    except CheckError as e:
        if type(e) is not CheckError:
            raise
        raise CheckError(f"{_drop_empty_call(str(e))}{_error_hint(str(e))}") from None
    if fwd.get("input_modified"):
        raise _in_place(sig, label)
    return fwd


def check_unregistered(tr: dict, sig: str) -> None:
    stray = [c for c in tr["convs"] if c["module"] is None]
    if stray:
        raise CheckError(f"{sig}: forward calls {len(stray)} conv layer(s) that are not registered in the model "
                         f"(e.g. {stray[0]['repr']}): layers kept in a plain Python list, a dict, or created inside "
                         "forward are invisible to model.parameters() (never trained, never moved to the GPU). Use "
                         "nn.ModuleList / nn.Sequential, or assign each layer to self.")


def check_gradients(model, x, probe, *, sig: str, label: str) -> None:  # noqa: ANN001
    """A training-mode forward pass and the gradients of sum(out * probe): every parameter trainable, reached
    by a gradient, and finite."""
    fwd = forward_plain(model, x, sig=sig, label=label, probe=probe, grads=True, train=True)
    out = fwd["out"]
    if not out.get("tensor") or not out.get("requires_grad"):
        raise CheckError(f"{sig}.forward ({label}) returned a tensor with no gradient (requires_grad=False): the "
                         "computation was cut from the parameters (torch.no_grad(), .detach(), .data or a trip "
                         "through numpy), so the network could not be trained.")
    grads = fwd.get("grads") or {}
    for p in model.description["parameters"]:
        pname = p["name"]
        if not p["requires_grad"]:
            raise CheckError(f"{sig}: parameter {pname} has requires_grad=False: every layer should be trainable.")
        g = grads.get(pname)
        if g is None:
            raise CheckError(f"{sig}: no gradient reaches {pname} ({label}): that layer is created in __init__ but "
                             "never used in forward (or used on detached tensors), so it would never train.")
        if not bool(np.isfinite(np.asarray(g)).all()):
            raise CheckError(f"{sig}: the gradient of {pname} is not finite ({label}).")


def _close(a, b, rtol: float, scale=None) -> bool:  # noqa: ANN001
    """Whether ``a`` and ``b`` agree within ``rtol`` relative to max(1, max |scale|) (``scale``: ``b``)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        return False
    if not a.size:
        return True
    s = np.abs(np.asarray(b if scale is None else scale, dtype=np.float64))
    return bool(float(np.abs(a - b).max()) <= rtol * max(1.0, float(s.max()) if s.size else 0.0))


def _largest_difference(got, expected) -> str:  # noqa: ANN001
    got, expected = np.asarray(got, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    if got.shape != expected.shape:
        return f"the shapes differ ({got.shape} instead of {expected.shape})"
    return f"the largest difference is {float(np.abs(got - expected).max()) if got.size else 0.0:.3g}"


@contextlib.contextmanager
def _torch_rng_kept():
    import torch

    state = torch.random.get_rng_state()
    try:
        yield
    finally:
        torch.random.set_rng_state(state)


def is_module_class(cls) -> bool:  # noqa: ANN001
    from torch import nn
    return isinstance(cls, type) and issubclass(cls, nn.Module)


# ============================================================ ResidualBlock

RES_SIGNATURE = "ResidualBlock(c_in, c_out)"


def residual_resolve(args, kwargs) -> tuple[int, int]:  # noqa: ANN001
    values = dict(zip(("c_in", "c_out"), args))
    values.update(kwargs)
    return values["c_in"], values["c_out"]


def residual_signature(args, kwargs) -> str:  # noqa: ANN001
    parts = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()]
    return f"ResidualBlock({', '.join(parts)})"


def _conv_text(m: dict) -> str:
    h = m["hyper"]
    return (f"nn.Conv2d({h['in_channels']}, {h['out_channels']}, kernel_size={tuple(h['kernel_size'])}, "
            f"stride={tuple(h['stride'])}, groups={h['groups']})")


def residual_structure(desc: dict, c_in: int, c_out: int, sig: str) -> tuple[list[str], list[str]]:
    """The block's layers: two 3x3 convs (padding 1, stride 1), one 1x1 projection exactly when c_in != c_out,
    no other parameters. Returns the names of the 3x3 and of the 1x1 convs."""
    mods = desc["modules"]
    convs = [m for m in mods if m["kind"] == "Conv2d"]
    k3 = [m for m in convs if tuple(m["hyper"]["kernel_size"]) == (3, 3)]
    k1 = [m for m in convs if tuple(m["hyper"]["kernel_size"]) == (1, 1)]
    other_k = [m for m in convs if m not in k3 and m not in k1]
    conv_names = {m["name"] for m in convs}
    extra = [p["name"] for p in desc["parameters"] if parameter_owner(p["name"]) not in conv_names]
    if extra:
        bn = any("BatchNorm" in m["kind"] for m in mods)
        raise CheckError(f"{sig} has parameters outside its conv layers: {', '.join(extra[:4])}. "
                         + ("The text's block has no batch norm: F is conv3x3 -> ReLU -> conv3x3 (torchvision's "
                            "BasicBlock adds batch norm and a ReLU after the sum; that is a different block)."
                            if bn else "The block is made of two 3x3 convs (and a 1x1 conv when c_in != c_out)."))
    if other_k:
        raise CheckError(f"{sig} has a conv with kernel_size {tuple(other_k[0]['hyper']['kernel_size'])}; F uses "
                         "two 3x3 convs and the projection W is a 1x1 conv.")
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
        h = m["hyper"]
        pad = h["padding"]
        if not (pad == "same" or tuple(pad) == (1, 1)):
            raise CheckError(f"{sig}: a 3x3 conv has padding={pad if isinstance(pad, str) else tuple(pad)}; it "
                             "needs padding=1 ('same') so that F(x) keeps the H x W of x and the two can be added. "
                             "Without it every conv trims a pixel on each side.")
        if tuple(h["stride"]) != (1, 1) or tuple(h["dilation"]) != (1, 1) or h["groups"] != 1:
            raise CheckError(f"{sig}: a 3x3 conv has stride {tuple(h['stride'])}, dilation {tuple(h['dilation'])}, "
                             f"groups {h['groups']}; the block keeps the resolution: stride 1, dilation 1, groups 1.")
        if h["padding_mode"] != "zeros":
            raise CheckError(f"{sig}: padding_mode is {h['padding_mode']!r}; use zero padding (the default).")
    for m in k1:
        h = m["hyper"]
        if tuple(h["stride"]) != (1, 1) or h["groups"] != 1 or (h["in_channels"], h["out_channels"]) != (c_in, c_out):
            raise CheckError(f"{sig}: the 1x1 projection should be nn.Conv2d({c_in}, {c_out}, kernel_size=1) with "
                             f"stride 1; got {_conv_text(m)}.")
    return [m["name"] for m in k3], [m["name"] for m in k1]


def residual_roles(out: dict, tr: dict, *, B: int, c_in: int, c_out: int, H: int, W: int, sig: str,
                   label: str) -> dict:
    """The output's shape and the order of the conv calls: {"conv1": name, "conv2": name, "proj": name or None}."""
    if not out.get("tensor"):
        raise CheckError(f"{sig}.forward ({label}) returned {out.get('text') or out.get('type')}; expected a tensor.")
    shape = tuple(out["shape"])
    if shape != (B, c_out, H, W):
        hint = ""
        if len(shape) == 4 and shape[-2:] != (H, W):
            hint = (" The spatial size changed: both 3x3 convs need padding=1 and stride 1 (the block is "
                    "shape-preserving in space).")
        raise CheckError(f"{sig}.forward ({label}) returned shape {shape}; expected ({B}, {c_out}, {H}, {W}) = "
                         f"(batch, c_out, H, W).{hint}")
    if not out.get("requires_grad"):
        raise CheckError(f"{sig}.forward ({label}) returned a tensor with no gradient (requires_grad=False): "
                         "the computation was cut from the parameters (torch.no_grad(), .detach(), .data).")
    if not out.get("finite", True):
        raise CheckError(f"{sig}.forward ({label}) returned non-finite values.")
    check_unregistered(tr, sig)
    calls3 = [c for c in tr["convs"] if tuple(c["kernel"]) == (3, 3)]
    calls1 = [c for c in tr["convs"] if tuple(c["kernel"]) == (1, 1)]
    if len(calls3) != 2 or calls3[0]["module"] == calls3[1]["module"]:
        raise CheckError(f"{sig}.forward ({label}) made {len(calls3)} call(s) of 3x3 convs"
                         + (" (the same conv twice)" if len(calls3) == 2 else "")
                         + ": F applies its first 3x3 conv, a ReLU, then its second 3x3 conv, each once.")
    if not calls3[0]["input_is_x"]:
        raise CheckError(f"{sig}.forward ({label}): the first 3x3 conv of F does not receive x itself; something "
                         "is applied to x before it (a ReLU first is the 'pre-activation' block of later ResNets, "
                         "not the text's). F = conv3x3 -> ReLU -> conv3x3, starting from x.")
    proj = None
    if c_in != c_out:
        if len(calls1) != 1:
            raise CheckError(f"{sig}.forward ({label}) called the 1x1 projection {len(calls1)} times; the skip "
                             "path applies it once, to x: out = F(x) + W(x).")
        if not calls1[0]["input_is_x"]:
            raise CheckError(f"{sig}.forward ({label}): the 1x1 projection W is applied to something other than "
                             "x; the skip path is W x, added to F(x): out = F(x) + W(x).")
        proj = calls1[0]["module"]
    elif calls1:
        raise CheckError(f"{sig}.forward ({label}) called a 1x1 conv although c_in == c_out: the skip is x itself.")
    return {"conv1": calls3[0]["module"], "conv2": calls3[1]["module"], "proj": proj}


def residual_channels(desc: dict, k3: list[str], roles: dict, c_in: int, c_out: int, sig: str) -> None:
    mods = {m["name"]: m["hyper"] for m in desc["modules"]}
    mids = {mods[n]["out_channels"] for n in k3}
    conv1, conv2 = mods[roles["conv1"]], mods[roles["conv2"]]
    if not mids <= {c_in, c_out} or conv1["in_channels"] != c_in or conv2["out_channels"] != c_out:
        raise CheckError(f"{sig}: F's convs map {conv1['in_channels']} -> {conv1['out_channels']} -> "
                         f"{conv2['out_channels']} channels; F should take the {c_in} input channels to {c_out} (the "
                         "hidden width is c_out, or c_in).")


def _first_wrong(got: np.ndarray, ref: np.ndarray, tol: float) -> tuple[int, tuple]:
    bad = ~(np.abs(got - ref) <= tol)
    return int(bad.sum()), tuple(int(i) for i in np.argwhere(bad)[0])


def residual_values(out: dict, case: dict, *, sig: str, label: str) -> None:
    """The block's output against ``case["expected"]``; the known mistakes' outputs name what is wrong."""
    ref = np.asarray(case["expected"], dtype=np.float64)
    if not out.get("tensor") or tuple(out["shape"]) != ref.shape:
        raise CheckError(f"{sig}.forward ({label}) returned {out.get('text') or out.get('type') or 'no tensor'}"
                         f"{' of shape ' + str(tuple(out['shape'])) if out.get('tensor') else ''}; expected a "
                         f"tensor of shape {ref.shape}.")
    got = np.asarray(out["array"], dtype=np.float64)
    if _close(got, ref, 1e-4):
        return
    n, pos = _first_wrong(got, ref, 1e-4 * max(1.0, float(np.abs(ref).max())))
    msg = (f"{sig}.forward ({label}) returned wrong values: {n} of {got.size} entries differ from "
           f"conv2(relu(conv1(x))) + {'W(x)' if case['projection'] else 'x'} computed with {case['weights']}; "
           f"first at {pos}: got {float(got[pos]):.6g}, expected {float(ref[pos]):.6g}.")
    for text, wrong in case["mistakes"]:
        wrong = np.asarray(wrong, dtype=np.float64)
        if _close(got, wrong, 1e-4):
            msg += f"\n  This looks like a known mistake: {text}"
            break
    raise CheckError(msg)


def residual_zero(model, desc: dict, roles: dict, x, case: dict, *, sig: str, label: str) -> None:  # noqa: ANN001
    """With F's second conv set to zero the block is the identity (or the projection), exactly."""
    zero = {p["name"]: np.zeros(p["shape"]) for p in desc["parameters"]
            if parameter_owner(p["name"]) == roles["conv2"]}
    what = label + ", second conv of F set to zero"
    model.load(zero, label=what)
    try:
        out0 = forward_plain(model, x, sig=sig, label=what)["out"]
    finally:
        model.load(case["restore"], label=label)
    expect0 = np.asarray(case["zero"], dtype=np.float64)
    got = np.asarray(out0.get("array"), dtype=np.float64) if out0.get("tensor") else None
    if got is None or not _close(got, expect0, 1e-5):
        diff = _largest_difference(got, expect0) if got is not None else "it returned no tensor"
        target = "the projection W x" if case["projection"] else "x itself"
        msg = (f"{sig}: with F's second conv set to zero, F(x) = 0 and the block must return {target} exactly "
               f"(negative values included); {diff}.")
        for text, wrong in case["zero_mistakes"]:
            wrong = np.asarray(wrong, dtype=np.float64)
            if got is not None and _close(got, wrong, 1e-5, scale=expect0):
                msg += f"\n  {text}"
                break
        raise CheckError(msg)


def residual_input(model, x, probe, *, c_in: int, c_out: int, k3: list[str], sig: str, label: str,  # noqa: ANN001
                   make_case) -> int:
    """One input through the block: the watched forward pass, the values (on the weights ``make_case(roles)``
    chooses), F = 0, the gradients. Returns the number of checks."""
    B, _, H, W = np.shape(x)
    out, tr = forward_traced(model, x, sig=sig, label=label)
    roles = residual_roles(out, tr, B=B, c_in=c_in, c_out=c_out, H=H, W=W, sig=sig, label=label)
    desc = model.description
    residual_channels(desc, k3, roles, c_in, c_out, sig)
    case = make_case(roles)
    if case.get("load"):
        model.load(case["load"], label=label)
        out = forward_plain(model, x, sig=sig, label=label)["out"]
    residual_values(out, case, sig=sig, label=label)
    residual_zero(model, desc, roles, x, case, sig=sig, label=label)
    check_gradients(model, x, probe, sig=sig, label=label)
    return 3


def stored_case(variants: list[dict], desc: dict, roles: dict) -> dict:
    """The stored weights that fit the block (its hidden width; biases where all its convs have one, zero
    biases otherwise), as a load of its own parameters."""
    mods = {m["name"]: m["hyper"] for m in desc["modules"]}
    names = [n for n in (roles["conv1"], roles["conv2"], roles["proj"]) if n is not None]
    hidden = mods[roles["conv1"]]["out_channels"]
    with_bias = all(mods[n]["bias"] for n in names)
    pick = [v for v in variants if v["hidden"] == hidden and v["bias"] == with_bias]
    if not pick:
        raise CheckError("the stored cases do not cover this block's layout.")
    v = pick[0]
    load = {}
    for role, name in roles.items():
        if name is None:
            continue
        w = v["weights"][role]
        load[f"{name}.weight"] = w["weight"]
        if mods[name]["bias"]:
            load[f"{name}.bias"] = w["bias"] if with_bias else np.zeros_like(w["bias"])
    restore = {k: val for k, val in load.items() if parameter_owner(k) == roles["conv2"]}
    return {"load": load, "restore": restore, "expected": v["expected"], "mistakes": v["mistakes"],
            "zero": v["zero"], "zero_mistakes": v["zero_mistakes"], "projection": roles["proj"] is not None,
            "weights": "the stored weights"}


def check_ResidualBlock(cls) -> None:  # noqa: ANN001
    """Visible tests of ``ResidualBlock(c_in, c_out)`` (§24.11.3), on stored weights and inputs."""
    if not is_module_class(cls):
        raise CheckError(f"ResidualBlock should be a class derived from torch.nn.Module, but it is {describe(cls)}.")
    new = local_maker(cls, "ResidualBlock")
    count = 0
    with _one_torch_thread(), _torch_rng_kept():
        for entry in book.load(_A)["ResidualBlock"]:
            args, kwargs = tuple(entry["args"]), dict(entry["kwargs"])
            c_in, c_out = residual_resolve(args, kwargs)
            sig = residual_signature(args, kwargs)
            model = construct(new, args, kwargs, sig=sig, signature=RES_SIGNATURE, seed=0)
            k3, _ = residual_structure(model.description, c_in, c_out, sig)
            count += 1
            for case in entry["cases"]:
                count += residual_input(model, case["x"], case["probe"], c_in=c_in, c_out=c_out, k3=k3, sig=sig,
                                        label=case["label"],
                                        make_case=lambda roles, case=case, model=model: stored_case(
                                            case["variants"], model.description, roles))
    print(f"ResidualBlock: all {count} visible checks passed.")


# ============================================================ EncoderDecoder and UNet


def segmenter_resolve(args, kwargs) -> tuple[int, int, int, int]:  # noqa: ANN001
    names = ("in_channels", "num_classes", "base", "depth")
    values = {"base": 8, "depth": 3}
    values.update(dict(zip(names, args)))
    values.update(kwargs)
    return values["in_channels"], values["num_classes"], values["base"], values["depth"]


def segmenter_signature(name: str, args, kwargs) -> str:  # noqa: ANN001
    parts = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"


def _level(*, hw, full):  # noqa: ANN001
    """l with hw == full / 2**l, or None."""
    (h, w), (H, W) = hw, full
    for lv in range(0, 12):
        if H % (2 ** lv) == 0 and W % (2 ** lv) == 0 and (H >> lv, W >> lv) == (h, w):
            return lv
    return None


def segmenter_inputs(in_ch: int, K: int, depth: int, shapes, seed: int, index: int) -> dict:  # noqa: ANN001
    """The inputs of one construction's checks: one per shape, a second input for the bottleneck probe, an
    input and a gradient probe for the training-mode pass (float32 values)."""
    rng = np.random.default_rng([int(seed), int(index)])

    def x_of(B, h, w):  # noqa: ANN001
        return rng.standard_normal((B, in_ch, h * 2 ** depth, w * 2 ** depth)).astype(np.float32)

    xs = [x_of(B, h, w) for B, h, w in shapes]
    B, h, w = shapes[0]
    grad_x = x_of(B, h, w)
    probe = rng.standard_normal((B, K, h * 2 ** depth, w * 2 ** depth))
    return {"x": xs, "x2": rng.standard_normal(xs[0].shape).astype(np.float32), "grad_x": grad_x,
            "grad_probe": probe}


def check_output(out: dict, B, K, H, W, base, sig, label, tr=None) -> None:  # noqa: ANN001
    if not out.get("tensor"):
        raise CheckError(f"{sig}.forward ({label}) returned {out.get('text') or out.get('type')}; expected a tensor "
                         f"of per-pixel logits ({B}, {K}, {H}, {W}).")
    shape = tuple(out["shape"])
    if shape != (B, K, H, W):
        hint = ""
        if len(shape) == 3 and B == 1:
            hint = " Keep the batch axis (no .squeeze())."
        elif len(shape) == 4 and shape[-2:] != (H, W):
            lv = _level(hw=shape[-2:], full=(H, W))
            big = _level(hw=(H, W), full=shape[-2:])
            if lv:
                hint = (f" The output is {2 ** lv}x smaller than the input: the decoder must undo every "
                        f"downsampling ({lv} upsampling step(s) missing).")
            elif big:
                hint = (f" The output is {2 ** big}x larger than the input: the decoder upsampled more often than "
                        f"the encoder downsampled ({big} downsampling step(s), e.g. the 2x2 max pool, missing).")
            elif not _cat_dim_hint(tr):
                hint = " The output must have the input's H x W (3x3 convs need padding=1)."
        elif len(shape) == 4 and shape[1] != K:
            hint = (f" The output has {shape[1]} channels: the last layer is a 1x1 conv from the first "
                    f"level's {base} channels to num_classes = {K} (one logit per class and pixel).")
        raise CheckError(f"{sig}.forward ({label}) returned shape {shape}; expected ({B}, {K}, {H}, {W}) "
                         f"= (batch, num_classes, H, W).{hint}{_cat_dim_hint(tr)}")
    if "float" not in str(out["dtype"]):
        raise CheckError(f"{sig}.forward ({label}) returned dtype {out['dtype']}; expected floating logits.")
    if not out.get("finite", True):
        raise CheckError(f"{sig}.forward ({label}) returned non-finite values.")
    o = np.asarray(out["array"], dtype=np.float64)
    if K > 1 and bool((o >= 0).all()) and float(np.abs(o.sum(axis=1) - 1).max()) < 1e-4:
        raise CheckError(f"{sig}.forward ({label}) returns probabilities (a softmax over the classes); return the "
                         "raw logits: nn.CrossEntropyLoss applies the (log-)softmax itself, and "
                         "torch.softmax(out, dim=1) gives probabilities when you want them.")


def check_levels(tr: dict, H, W, depth, base, sig, label):  # noqa: ANN001
    """The pyramid of resolutions and the encoder's channel widths; returns (levels, bottleneck index)."""
    convs = tr["convs"]
    if not convs:
        raise CheckError(f"{sig}.forward ({label}) called no nn.Conv2d layer: build the network from nn.Conv2d "
                         "(and nn.ConvTranspose2d) modules.")
    levels = []
    for c in convs:
        hw = tuple(c["shape"][-2:])
        lv = _level(hw=hw, full=(H, W))
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
    missing = [lv for lv in range(depth + 1) if lv not in levels]
    if missing:
        lv = missing[0]
        raise CheckError(f"{sig}.forward ({label}): no conv works at level {lv} ({H >> lv}x{W >> lv}): each "
                         "downsampling halves the resolution once and every level has its convs.")
    enc = []            # encoder phase: until the resolution first increases
    for i, lv in enumerate(levels):
        if i and lv < levels[i - 1]:
            break
        enc.append(i)
    widths: dict = {}
    for i in enc:
        widths[levels[i]] = max(widths.get(levels[i], 0), convs[i]["shape"][1])
    for lv in range(depth):
        expected = base * 2 ** lv
        got = widths.get(lv)
        if got is None:
            raise CheckError(f"{sig}.forward ({label}): the encoder has no conv at level {lv} ({H >> lv}x{W >> lv}).")
        if got != expected:
            where = "the first level (full resolution)" if lv == 0 else f"level {lv} ({H >> lv}x{W >> lv} maps)"
            raise CheckError(f"{sig}.forward ({label}): at {where} the encoder's convs output up to {got} "
                             f"channels; expected base * 2**{lv} = {expected}. The network starts with base = {base} "
                             "channels and doubles them at every 2x downsampling: base, 2*base, 4*base, ..."
                             + (" Is base hard-coded?" if lv == 0 else ""))
    got = widths.get(depth)
    allowed = (base * 2 ** depth, base * 2 ** (depth - 1))
    if got not in allowed:
        raise CheckError(f"{sig}.forward ({label}): the bottleneck ({H >> depth}x{W >> depth}) has {got} channels; "
                         f"expected base * 2**depth = {allowed[0]} (or {allowed[1]}, keeping the last level's width).")
    bottleneck = max(i for i, lv in enumerate(levels) if lv == depth)
    return levels, bottleneck


_RELU_MSG = "use torch.relu, F.relu or nn.ReLU (clamp(min=0) counts too)"
_OTHER_ACTIVATIONS = {
    "tanh": "torch.tanh", "sigmoid": "torch.sigmoid", "leaky_relu": "F.leaky_relu (leaky ReLU)",
    "elu": "F.elu", "gelu": "F.gelu", "silu": "F.silu", "selu": "F.selu", "softplus": "F.softplus",
    "mish": "F.mish", "hardtanh": "F.hardtanh (ReLU6)", "relu6": "F.relu6",
}


def check_activations(tr: dict, depth, sig, label) -> None:  # noqa: ANN001
    if tr["others"]:
        names = ", ".join(dict.fromkeys(_OTHER_ACTIVATIONS.get(n, n) for n in tr["others"]))
        raise CheckError(f"{sig}.forward ({label}) uses {names}; the spec's nonlinearities are ReLUs: {_RELU_MSG}.")
    need = 2 * depth + 1
    if tr["relus"] < need:
        raise CheckError(f"{sig}.forward ({label}) applied a ReLU {tr['relus']} time(s); every level's convs are "
                         f"followed by ReLUs: at least 2 * depth + 1 = {need} per forward pass (depth + 1 encoder "
                         f"levels and depth decoder levels). {_RELU_MSG[0].upper()}{_RELU_MSG[1:]}."
                         + (" Without them the network is a stack of linear maps." if tr["relus"] == 0 else ""))


def bottleneck_probe(model, x, x2, out_x: dict, b: int, sig, label) -> float:  # noqa: ANN001
    """Max |model(x2 with the bottleneck of x) - model(x)|, relative (0 = everything passes the bottleneck)."""
    out2, _ = forward_traced(model, x2, sig=sig, label=label, replace={"index": b, "from_x": x})
    out1 = np.asarray(out_x["array"], dtype=np.float64)
    got = np.asarray(out2.get("array"), dtype=np.float64) if out2.get("tensor") else None
    if got is None or got.shape != out1.shape:
        return float("inf")
    scale = max(1e-6, float(np.abs(out1).max()) if out1.size else 0.0)
    return float(np.abs(out1 - got).max()) / scale if out1.size else 0.0


def check_no_skip(model, x, x2, out_x, tr, b, sig, label) -> None:  # noqa: ANN001
    rel = bottleneck_probe(model, x, x2, out_x, b, sig, label)
    if rel > 1e-5:
        chan_cats = [c for c in tr["cats"] if c["ndim"] == 4 and c["dim"] == 1]
        how = (f"{len(chan_cats)} torch.cat along channels" if chan_cats else
               "an encoder map added (or otherwise passed) into the decoder")
        raise CheckError(f"{sig}.forward ({label}): with the bottleneck (the last conv at the coarsest level) held "
                         f"fixed, changing the input still changes the output (by {rel:.2g} of its size): "
                         f"information goes around the bottleneck ({how}). The encoder-decoder of §24.11.1 has no "
                         "skip connections: everything the decoder knows passes through the bottleneck. Skips make "
                         "it a U-Net (the next exercise).")


def check_skips(model, x, x2, out_x, b, depth, seed, sig, label) -> None:  # noqa: ANN001
    """Every level 0..depth-1 needs a channel concatenation joining an encoder-side operand (one that does not
    depend on the bottleneck) with a decoder-side operand (one that does)."""
    H, W = np.shape(x)[-2:]
    _, trd = forward_traced(model, x, sig=sig, label=label, depends_on=b, seed=seed)
    cats = trd["cats"]
    found: dict = {}          # level -> list of problems / True
    other_dim = None
    for ca in cats:
        if ca["ndim"] != 4 or len(ca["operands"]) < 2:
            continue
        if ca["dim"] != 1:
            other_dim = ca["dim"]
            continue
        hws = {tuple(s[-2:]) for s in ca["shapes"]}
        if len(hws) != 1:
            continue
        lv = _level(hw=hws.pop(), full=(H, W))
        if lv is None:
            continue
        enc = dec = raw = 0
        for op in ca["operands"]:
            if op["is_input"]:
                raw += 1
            elif op["depends"] is False:
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
    good = [lv for lv in range(depth) if True in found.get(lv, [])]
    if len(good) == depth:
        return
    chan_cats = [c for c in cats if c["ndim"] == 4 and c["dim"] == 1]
    if not chan_cats:
        if other_dim is not None:
            raise CheckError(f"{sig}.forward ({label}): torch.cat joins the maps along dim {other_dim} "
                             f"({'batch' if other_dim == 0 else 'a spatial axis'}); the U-Net concatenates along "
                             "channels: torch.cat([up, skip], dim=1).")
        rel = bottleneck_probe(model, x, x2, out_x, b, sig, label)
        if rel > 1e-5:
            raise CheckError(f"{sig}.forward ({label}): the decoder gets the encoder's maps without any torch.cat "
                             "along channels: did you add them (up + skip)? The U-Net concatenates: "
                             "torch.cat([up, skip], dim=1), and the next conv reads both (adding is the ResNet way, "
                             "Part E).")
        raise CheckError(f"{sig}.forward ({label}) has no skip connections: everything passes through the "
                         "bottleneck, as in the encoder-decoder. The U-Net concatenates the encoder's activations "
                         "into the decoder at every level (torch.cat([up, skip], dim=1)).")
    with_skips = sorted(lv for lv in found if True in found[lv])
    for lv in range(depth):
        if lv in good:
            continue
        where = f"level {lv} ({H >> lv}x{W >> lv}{', full resolution' if lv == 0 else ''})"
        probs = found.get(lv, [])
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


def check_param_scaling(new, args, kwargs, name: str, seed: int) -> int:  # noqa: ANN001
    in_ch, K, base, depth = segmenter_resolve(args, kwargs)

    def count(b, d):  # noqa: ANN001
        sig = segmenter_signature(name, (in_ch, K), {"base": b, "depth": d})
        m = construct(new, (in_ch, K), {"base": b, "depth": d}, sig=sig, signature="", seed=seed)
        n = int(m.description["num_parameters"])
        m.drop()
        return n

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


def check_segmenter(new, name: str, skips: bool, configs, shapes, seed: int) -> int:  # noqa: ANN001
    """The checks of ``EncoderDecoder`` (``skips=False``) or ``UNet`` on models ``new`` builds (here or in the
    notebook's kernel); returns the number of checks."""
    signature = f"{name}(in_channels, num_classes, base=8, depth=3)"
    count = 0
    for ci, (args, kwargs) in enumerate(configs):
        args, kwargs = tuple(args), dict(kwargs)
        in_ch, K, base, depth = segmenter_resolve(args, kwargs)
        sig = segmenter_signature(name, args, kwargs)
        model = construct(new, args, kwargs, sig=sig, signature=signature, seed=seed)
        count += 1
        inputs = segmenter_inputs(in_ch, K, depth, shapes, seed, ci)
        for si, (B, h, w) in enumerate(shapes):
            H, W = h * 2 ** depth, w * 2 ** depth
            label = f"input ({B}, {in_ch}, {H}, {W})"
            x = inputs["x"][si]
            out, tr = forward_traced(model, x, sig=sig, label=label)
            check_output(out, B, K, H, W, base, sig, label, tr)
            count += 1
            if si == 0:
                check_unregistered(tr, sig)
                _, b = check_levels(tr, H, W, depth, base, sig, label)
                check_activations(tr, depth, sig, label)
                if skips:
                    check_skips(model, x, inputs["x2"], out, b, depth, seed, sig, label)
                else:
                    check_no_skip(model, x, inputs["x2"], out, tr, b, sig, label)
                count += 3
            if B > 1 and si < 2:
                one = forward_plain(model, x[1:2], sig=sig, label=label)["out"]
                whole = np.asarray(out["array"], dtype=np.float64)
                if not one.get("tensor") or tuple(one["shape"]) != (1, K, H, W) or \
                        not _close(one["array"], whole[1:2], 1e-4, scale=whole):
                    raise CheckError(f"{sig} ({label}): the output for image 1 of the batch differs from the "
                                     "output for that image alone: forward mixes the images of a batch (a "
                                     "reshape or a sum across the batch axis?).")
                count += 1
        xg = inputs["grad_x"]
        check_gradients(model, xg, inputs["grad_probe"], sig=sig, label=f"input {tuple(xg.shape)}")
        count += 1
        model.drop()
        if ci == 0:
            count += check_param_scaling(new, args, kwargs, name, seed)
    return count


def _check_segmenter_visible(cls, name: str, skips: bool) -> None:  # noqa: ANN001
    if not is_module_class(cls):
        raise CheckError(f"{name} should be a class derived from torch.nn.Module, but it is {describe(cls)}.")
    entry = book.load(_A)[name]
    with _one_torch_thread(), _torch_rng_kept():
        n = check_segmenter(local_maker(cls, name), name, skips, entry["configs"], entry["shapes"], entry["seed"])
    print(f"{name}: all {n} visible checks passed.")


def check_EncoderDecoder(cls) -> None:  # noqa: ANN001
    """Visible tests of ``EncoderDecoder(in_channels, num_classes, base=8, depth=3)`` (§24.11.1)."""
    _check_segmenter_visible(cls, "EncoderDecoder", False)


def check_UNet(cls) -> None:  # noqa: ANN001
    """Visible tests of ``UNet(in_channels, num_classes, base=8, depth=3)`` (§24.11.2)."""
    _check_segmenter_visible(cls, "UNet", True)

