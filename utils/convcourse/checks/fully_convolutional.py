"""Visible checks for notebook 10_fully_convolutional (chapter §24.8–24.10).

Each ``check_<name>(fn)`` runs the stored visible cases of one graded name (a hand-computed example first,
then small random cases) and says what to fix. When you submit, the grader runs its own cases, on inputs you
have not seen. From notebook 08 on torch is the tool: nothing here refuses torch.

* ``check_FCN(cls)``: the image-to-image network of §24.8 as a ``torch.nn.Module`` class: constructions with
  several argument combinations, exactly two ``nn.Conv2d`` layers with the right channels, kernel size,
  stride and bias, the parameter count; then stored weights are copied in and the per-pixel logits (no
  softmax) and the gradients of every parameter are compared with the stored answers. Wrong values are
  matched against the usual mistakes, the chapter's erratum first (the second layer reading x instead of h).
* ``check_patchwise_apply(fn)``: the network applied patch by patch (the sliding-filter view of §24.9), on
  small test networks whose receptive fields are known; the interior is compared with ``model(x)`` and
  everything with the stored patch-by-patch answer.
* ``check_translate(fn)``: a circular shift with ``np.roll`` / ``torch.roll`` semantics; the type and dtype
  of the input are kept, the input untouched.
* ``check_equivariance_error(fn)``: ``max |f(translate(x)) - translate(f(x))|`` over the interior, a Python
  float. While it runs, ``translate`` gives the stored shifts of the inputs it is asked about, so a wrong
  ``translate`` costs only its own points.
"""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from .. import session, testobjects, wire
from . import book
from .core import CheckError, call_guarded, check_choice, describe
from .core import one_torch_thread

_A = "10_fully_convolutional"

__all__ = [
    "check_FCN", "check_patchwise_apply", "check_translate", "check_equivariance_error",
    "check_answer_stride_shifts",
    "resolve", "signature", "construct", "check_structure", "conv_roles", "role_state", "fcn_forward",
    "judge_logits", "judge_fcn_grads", "check_fcn_case",
    "judge_patch", "judge_translate", "judge_equivariance", "known", "strip_called", "as_array", "to_torch",
]


# ------------------------------------------------------------------ common

def checked(check: Callable) -> Callable:
    """Restore the protected modules first (what check_function does), then run on one torch thread."""
    import functools

    @functools.wraps(check)
    def wrapped(*args, **kwargs):
        session.ensure_snapshot()
        session.restore()
        with one_torch_thread():
            return check(*args, **kwargs)
    return wrapped


def is_tensor(x: Any) -> bool:
    return isinstance(x, wire.Tensor) or ((type(x).__module__ or "").startswith("torch") and hasattr(x, "detach"))


def as_array(x: Any) -> np.ndarray:
    """The values of an array, a torch tensor here or a tensor as it arrives from the notebook's kernel."""
    if isinstance(x, wire.Tensor):
        return np.asarray(x.array)
    if is_tensor(x):
        return x.detach().cpu().numpy()
    return np.asarray(x)


def described(x: Any) -> str:
    """:func:`describe`, with a tensor from the notebook's kernel described as a tensor here is."""
    if isinstance(x, wire.Tensor):
        return f"torch Tensor {x.dtype} of shape {x.shape}"
    if isinstance(x, wire.Opaque):
        return x.describe()
    return describe(x)


def dtype_name(x: Any) -> str:
    if is_tensor(x):
        return str(x.dtype).replace("torch.", "")
    return str(np.asarray(x).dtype)


def to_torch(a: np.ndarray, dtype: str):
    import torch

    return torch.as_tensor(np.array(a, copy=True)).to(getattr(torch, dtype.replace("torch.", "")))


def strip_called(text: str) -> str:
    """A failed call's message without its own 'called with' line (the checks add a better one)."""
    i = text.find("\n  called with:")
    return text[:i] if i >= 0 else text


def known(messages) -> str:  # noqa: ANN001
    """The diagnosis line(s) for the known mistakes an answer matches (several when they coincide)."""
    messages = list(dict.fromkeys(messages))
    if not messages:
        return ""
    if len(messages) == 1:
        return f"\n  This looks like a known mistake: {messages[0]}"
    return "\n  This looks like one of these known mistakes:" + "".join(f"\n    - {m}" for m in messages[:3])


def close(a: np.ndarray, b: np.ndarray, rel: float = 1e-4) -> bool:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        return False
    scale = max(1.0, float(np.abs(b).max())) if b.size else 1.0
    return bool(np.all(np.abs(a - b) <= rel * scale))


def first_diff(got: np.ndarray, expected: np.ndarray, tol: float):
    diff = np.abs(got - expected)
    bad = ~(diff <= tol)
    pos = tuple(int(i) for i in np.argwhere(bad)[0])
    return pos, int(bad.sum()), float(diff.max())


# ======================================================================= FCN

_NAMES = ("in_channels", "hidden", "num_classes", "kernel_size")
DEFAULTS = " (the defaults are in_channels=3, hidden=16, num_classes=2, kernel_size=3)"


def resolve(args, kwargs) -> tuple:  # noqa: ANN001
    """(in_channels, hidden, num_classes, kernel_size) of a construction."""
    values = dict(zip(_NAMES, (3, 16, 2, 3)))
    values.update(dict(zip(_NAMES, args)))
    values.update(kwargs)
    return tuple(int(values[n]) for n in _NAMES)


def signature(args, kwargs) -> str:  # noqa: ANN001
    parts = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()]
    return f"FCN({', '.join(parts)})"


_EXCEPTION_HINTS = [
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


def exception_hint(message: str) -> str:
    low = message.lower()
    for keys, hint in _EXCEPTION_HINTS:
        if any(key.lower() in low for key in keys):
            return f"\n  Hint: {hint}"
    return ""


def construct(new: Callable, args, kwargs, seed: int):  # noqa: ANN001
    """``new(args, kwargs, seed, label)`` (here or in the notebook's kernel), with hints added to its errors."""
    sig = signature(args, kwargs)
    try:
        return new(args, kwargs, seed, sig)
    except CheckError as e:
        if type(e) is not CheckError:
            raise
        raise CheckError(f"{strip_called(str(e))}{exception_hint(str(e))}") from None


def conv_roles(desc: dict, sig: str, C: int) -> tuple[dict, dict]:
    """The description's two Conv2d entries (first, second), the first being the one that reads the input."""
    convs = [m for m in desc.get("modules", []) if m["kind"] == "Conv2d"]
    if len(convs) != 2:
        kinds = ", ".join(m["type"] for m in convs) or "none"
        raise CheckError(f"{sig} has {len(convs)} nn.Conv2d layers ({kinds}); the network of §24.8 has exactly "
                         "two: conv1 = nn.Conv2d(in_channels, hidden, kernel_size, ...) and conv2 = "
                         "nn.Conv2d(hidden, num_classes, kernel_size, ...), registered as attributes in __init__ "
                         "(a plain Python list of layers is invisible to PyTorch: use attributes, nn.Sequential "
                         "or nn.ModuleList).")
    first, second = convs
    if first["hyper"]["in_channels"] != C and second["hyper"]["in_channels"] == C:
        first, second = second, first
    return first, second


def check_structure(desc: dict, C: int, Hd: int, K: int, k: int, sig: str) -> tuple[str, str]:
    """The layers of §24.8 from the module's description; returns the two convs' module names."""
    if not desc.get("is_module"):
        raise CheckError(f"{sig} is {desc.get('type')}, not a torch.nn.Module: subclass nn.Module and call "
                         "super().__init__() first in __init__.")
    conv1, conv2 = conv_roles(desc, sig, C)
    h1, h2 = conv1["hyper"], conv2["hyper"]
    problems = []
    if h1["in_channels"] != C:
        problems.append(f"the first conv has in_channels {h1['in_channels']}; it reads the image, in_channels = {C}")
    if h1["out_channels"] != Hd:
        problems.append(f"the first conv has out_channels {h1['out_channels']}; expected hidden = {Hd}")
    if h2["in_channels"] != Hd:
        hint = (". It looks built for the text's z2 = sum w2 * x (an erratum): the second layer reads the hidden "
                "features h = relu(z1), which have `hidden` channels" if h2["in_channels"] == C else "")
        problems.append(f"the second conv has in_channels {h2['in_channels']}; it reads h, which has "
                        f"hidden = {Hd} channels{hint}")
    if h2["out_channels"] != K:
        problems.append(f"the second conv has out_channels {h2['out_channels']}; expected num_classes = {K} "
                        "(one logit map per class)")
    for name, h in (("first", h1), ("second", h2)):
        if tuple(h["kernel_size"]) != (k, k):
            problems.append(f"the {name} conv has kernel_size {tuple(h['kernel_size'])}; both layers use "
                            f"kernel_size = {k}" + (DEFAULTS if sig == "FCN()" else ""))
        if tuple(h["stride"]) != (1, 1) or tuple(h["dilation"]) != (1, 1) or h["groups"] != 1:
            problems.append(f"the {name} conv has stride {tuple(h['stride'])}, dilation {tuple(h['dilation'])}, "
                            f"groups {h['groups']}; an FCN that keeps the resolution uses the defaults (1, 1), 1")
        if not h["bias"]:
            problems.append(f"the {name} conv has no bias (bias=False); every layer has a bias per channel "
                            "(b1[c1], b2[c2] in §24.8)")
    if problems:
        defaults = DEFAULTS if sig == "FCN()" and not any("defaults" in p for p in problems) else ""
        raise CheckError(f"{sig}: " + ";\n  ".join(problems) + defaults + ".")
    expected_n = Hd * (C * k * k + 1) + K * (Hd * k * k + 1)
    own = {f"{conv1['name']}.weight", f"{conv1['name']}.bias", f"{conv2['name']}.weight", f"{conv2['name']}.bias"}
    extra = [p["name"] for p in desc["parameters"] if p["name"] not in own]
    if extra or desc["num_parameters"] != expected_n:
        raise CheckError(f"{sig} has {desc['num_parameters']} parameters; expected {expected_n} = "
                         "hidden*(in_channels*k*k + 1) + num_classes*(hidden*k*k + 1), the weights and biases of the "
                         "two convolutions. " + (f"Extra parameters: {', '.join(extra)}. The network of §24.8 is "
                                                 "conv -> relu -> conv and nothing else." if extra else ""))
    if any(d != "torch.float32" for d in desc["dtypes"]):
        raise CheckError(f"{sig}'s parameters should be float32 (PyTorch's default); got {desc['dtypes']}.")
    return conv1["name"], conv2["name"]


ROLES = ("conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias")


def role_state(state: dict, names: tuple[str, str], *, to_model: bool) -> dict:
    """Parameters keyed by role (conv1.weight, ...) from the model's own names, or back (``to_model``)."""
    mapping = {f"conv1.{p}": f"{names[0]}.{p}" for p in ("weight", "bias")}
    mapping.update({f"conv2.{p}": f"{names[1]}.{p}" for p in ("weight", "bias")})
    if to_model:
        return {mapping[r]: v for r, v in state.items()}
    return {r: state.get(m) for r, m in mapping.items()}


def shape_problem(shape: tuple, x_shape: tuple, K: int, k: int, sig: str, what: str) -> str | None:
    B, _, N, M = x_shape
    if tuple(shape) == (B, K, N, M):
        return None
    msg = (f"{sig}.forward ({what}) returned shape {tuple(shape)}; expected ({B}, {K}, {N}, {M}) = "
           "(batch, num_classes, H, W): one logit per class at every pixel.")
    if len(shape) == 4 and tuple(shape[:2]) == (B, K) and shape[2] < N:
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
    elif len(shape) == 4 and tuple(shape[:2]) == (B, K) and shape[2] > N:
        msg += " The maps grew: the padding is larger than kernel_size // 2."
    elif len(shape) == 4 and tuple(shape) == (B, N, M, K):
        msg += " The class axis was moved last (channels-last); PyTorch keeps it at dim 1."
    elif len(shape) == 3 and B == 1:
        msg += " Keep the batch axis (no .squeeze())."
    elif len(shape) == 2:
        msg += " The output was pooled over space: an FCN keeps the spatial layout (no global pooling, §24.8)."
    return msg


def fcn_forward(model, x: np.ndarray, *, sig: str, what: str, probe=None) -> dict:  # noqa: ANN001
    """One forward pass (with gradients of sum(out * probe) when ``probe`` is given), hints added to faults."""
    try:
        return model.forward(x, label=what, probe=probe, grads=probe is not None)
    except CheckError as e:
        if type(e) is not CheckError:
            raise
        text = strip_called(str(e))
        prefix = f"{model.name} ({what})"
        if text.startswith(prefix):
            text = f"{sig}.forward ({what})" + text[len(prefix):]
        raise CheckError(f"{text}{exception_hint(text)}") from None


def judge_logits(fwd: dict, expected: np.ndarray, mistakes, *, sig: str, what: str, x_shape: tuple, K: int,
                 k: int) -> None:
    """A forward pass's output (as :func:`convcourse.probe.forward` reports it) against the expected logits."""
    out = fwd["out"]
    B, C, N, M = x_shape
    if not out.get("tensor"):
        raise CheckError(f"{sig}.forward ({what}) returned {out.get('text') or out.get('type')}; expected a tensor "
                         f"of per-pixel logits of shape {(B, '?', N, M)}.")
    problem = shape_problem(tuple(out["shape"]), x_shape, K, k, sig, what)
    if problem:
        raise CheckError(problem)
    if "float" not in str(out["dtype"]):
        raise CheckError(f"{sig}.forward ({what}) returned dtype {out['dtype']}; expected float32 logits.")
    if not out.get("finite", True):
        raise CheckError(f"{sig}.forward ({what}) returned non-finite values.")
    if not out.get("requires_grad"):
        raise CheckError(f"{sig}.forward ({what}) returned a tensor with no gradient (requires_grad=False): the "
                         "computation was cut from the parameters (torch.no_grad(), .detach(), .data or a trip "
                         "through numpy), so the network could not be trained.")
    got = np.asarray(out["array"], dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    tol = 1e-4 * max(1.0, float(np.abs(expected).max()))
    diff = np.abs(got - expected)
    if float(diff.max()) <= tol:
        return
    pos, n_bad, _ = first_diff(got, expected, tol)
    msg = (f"{sig}.forward ({what}) returned wrong logits: {n_bad} of {diff.size} differ; first at {pos}: got "
           f"{got[pos]:.6g}, expected {expected[pos]:.6g} (conv1 -> relu -> conv2 with the module's weights, zero "
           "padding).")
    found = [text for text, wrong in mistakes if close(got, wrong)]
    if not found:
        p = k // 2
        bad = (diff > tol).any(axis=(0, 1))
        inner = bad[2 * p:N - 2 * p, 2 * p:M - 2 * p]
        if p > 0 and N > 4 * p and M > 4 * p and not inner.any():
            found.append(f"the values differ only within {2 * p} pixels of the border, where the padding acts: both "
                         "convolutions pad with zeros, kernel_size // 2 on each side (padding_mode='zeros').")
    raise CheckError(msg + known(found))


def judge_fcn_grads(fwd: dict, expected: dict, names: tuple[str, str], *, sig: str, what: str) -> None:
    """The gradients of every parameter (by role) against the expected ones."""
    grads = role_state(fwd.get("grads") or {}, names, to_model=False)
    for role in ROLES:
        g, ref = grads.get(role), np.asarray(expected[role], dtype=np.float64)
        layer, kind = role.split(".")
        if g is None:
            extra = (" The output does not depend on the first layer at all: that is the text's erratum, "
                     "z2 computed from x instead of h." if layer == "conv1" else "")
            raise CheckError(f"{sig}: no gradient reaches the {layer} layer's {kind} ({what}): forward must compute "
                             "the logits from both convolutions with tensors that keep the graph (no "
                             f"torch.no_grad(), .detach(), .data or numpy round trips).{extra}")
        g = np.asarray(g, dtype=np.float64)
        if g.shape != ref.shape or float(np.abs(g - ref).max()) > 1e-3 * max(1.0, float(np.abs(ref).max())):
            worst = float(np.abs(g - ref).max()) if g.shape == ref.shape else float("nan")
            raise CheckError(f"{sig}: the gradient of {role} is wrong ({what}): largest difference {worst:.3g}. "
                             "Is part of forward computed on detached tensors?")


def check_fcn_case(model, case: dict, names: tuple[str, str], *, sig: str, K: int, k: int) -> int:  # noqa: ANN001
    """One case with weights chosen by the checks: load them, compare the logits and the gradients."""
    what = case["what"]
    model.load(role_state(case["state"], names, to_model=True), label=what)
    fwd = fcn_forward(model, case["x"], sig=sig, what=what, probe=case["probe"])
    judge_logits(fwd, case["logits"], case["mistakes"], sig=sig, what=what, x_shape=tuple(case["x"].shape), K=K,
                 k=k)
    judge_fcn_grads(fwd, case["grads"], names, sig=sig, what=what)
    return 2


def check_FCN(cls) -> None:  # noqa: ANN001
    """Visible tests of the ``FCN`` module (§24.8 in PyTorch), on stored weights and inputs."""
    import torch
    from torch import nn

    from .modules import local_new

    if not (isinstance(cls, type) and issubclass(cls, nn.Module)):
        raise CheckError(f"FCN should be a class derived from torch.nn.Module, but it is {describe(cls)}.")
    count = 0
    state = torch.random.get_rng_state()
    try:
        for entry in book.load(_A)["FCN"]:
            args, kwargs = tuple(entry["args"]), dict(entry["kwargs"])
            sig = signature(args, kwargs)
            C, Hd, K, k = resolve(args, kwargs)
            model = construct(lambda a, kw, seed, label: local_new(cls, a, kw, seed=seed, label=label, name="FCN"),
                              args, kwargs, 0)
            names = check_structure(model.description, C, Hd, K, k, sig)
            count += 1
            for case in entry["cases"]:
                count += check_fcn_case(model, case, names, sig=sig, K=K, k=k)
    finally:
        torch.random.set_rng_state(state)
    print(f"FCN: all {count} visible checks passed.")


# ============================================================ patchwise_apply

PATCH = "patchwise_apply"


def judge_patch(got: Any, case: dict, *, called: str) -> None:
    """patchwise_apply's answer against the stored (or grader-made) answer of a case.

    ``case``: ``x_shape``, ``x_dtype``, ``rf``, ``field`` (the model's receptive field or None), ``label``,
    ``expected`` (the patch-by-patch answer), ``full`` (model(x)), ``mistakes`` ((message, answer) pairs).
    """
    name, label = PATCH, case["label"]
    where = f" ({label})" if label else ""
    B, C, H, W = case["x_shape"]
    expected = np.asarray(case["expected"], dtype=np.float64)
    K, rf = expected.shape[1], int(case["rf"])
    if not is_tensor(got):
        hint = " Did you forget the return statement?" if got is None else (
            " Return a torch tensor (torch.from_numpy(...) or build the map with torch.zeros)."
            if isinstance(got, np.ndarray) else "")
        raise CheckError(f"{name}{where} returned {described(got)}; expected a torch tensor of shape "
                         f"({B}, {K}, {H}, {W}) = (batch, the model's output channels, H, W).{hint}\n{called}")
    shape = tuple(got.shape)
    if shape != (B, K, H, W):
        msg = (f"{name}{where} returned shape {shape}; expected ({B}, {K}, {H}, {W}) = (batch, the "
               "model's output channels, H, W): one value per output channel at every pixel")
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
    if bool(getattr(got, "requires_grad", False)):
        raise CheckError(f"{name}{where} returned a tensor that requires grad: the result holds autograd's record "
                         f"of all {H * W} patch evaluations. Compute it under torch.no_grad() (the map is a "
                         f"measurement, not something to train through).\n{called}")
    if "float" not in str(got.dtype):
        raise CheckError(f"{name}{where} returned dtype {got.dtype}; expected the model's floating dtype.\n{called}")
    got64 = as_array(got).astype(np.float64)
    if not np.isfinite(got64).all():
        raise CheckError(f"{name}{where} returned non-finite values.\n{called}")
    scale = max(1.0, float(np.abs(expected).max()))
    tol = (2e-5 if case["x_dtype"] == "float32" else 1e-9) * scale
    r = rf // 2
    diagnosis = known(text for text, wrong in case["mistakes"] if close(got64, wrong))
    field = case.get("field")
    if field is not None and rf >= field and H > 2 * r and W > 2 * r:
        inner = (slice(None), slice(None), slice(r, H - r), slice(r, W - r))
        full = np.asarray(case["full"], dtype=np.float64)
        g_in, f_in = got64[inner], full[inner]
        if not np.all(np.abs(g_in - f_in) <= tol):
            pos, n_bad, worst = first_diff(g_in, f_in, tol)
            pos = (pos[0], pos[1], pos[2] + r, pos[3] + r)
            raise CheckError(
                f"{name}{where}: in the interior (rows {r}..{H - 1 - r}, columns {r}..{W - 1 - r}), where the "
                f"rf x rf patch lies inside the image and rf = {rf} covers the receptive field, the result must "
                f"equal model(x); {n_bad} values differ. First at {pos}: got {got64[pos]:.6g}, model(x) gives "
                f"{full[pos]:.6g} (largest difference {worst:.3g}).{diagnosis}\n{called}")
    if not np.all(np.abs(got64 - expected) <= tol):
        pos, n_bad, worst = first_diff(got64, expected, tol)
        n, m = pos[2], pos[3]
        region = ("the border, where the patch sticks out of the image"
                  if (n < r or m < r or n >= H - r or m >= W - r) else "the interior")
        raise CheckError(
            f"{name}{where} returned wrong values: {n_bad} of {got64.size} differ. First at {pos}, in {region}: "
            f"got {got64[pos]:.6g}, expected {expected[pos]:.6g} (largest difference {worst:.3g}). The expected "
            f"value is the model's output at the centre of the {rf}x{rf} patch of the zero-padded input centred "
            f"on that pixel, the patch run through the model on its own.{diagnosis}\n{called}")


def patch_called(model: str, x_shape, x_dtype: str, rf: int, field) -> str:  # noqa: ANN001
    known_field = f", receptive field {field}" if field else ""
    return (f"  called with: {model}{known_field}, x of shape {tuple(x_shape)} ({x_dtype}), rf={rf}")


def check_patchwise_apply(patchwise_apply) -> None:  # noqa: ANN001
    """Visible tests of ``patchwise_apply``: stored test networks, inputs and answers."""
    import torch

    if not callable(patchwise_apply):
        raise CheckError(f"{PATCH} should be a function, but it is {describe(patchwise_apply)}.")
    entries = book.load(_A)[PATCH]
    for e in entries:
        with torch.random.fork_rng(devices=[]):
            model = testobjects.network(e["spec"])
        x = to_torch(e["x"], e["x_dtype"])
        called = patch_called(e["model"], e["x_shape"], e["x_dtype"], e["rf"], e["field"])
        args, kwargs = ((model, x), {"rf": e["rf"]}) if e["keyword"] else ((model, x, e["rf"]), {})
        try:
            with torch.random.fork_rng(devices=[]):
                got = call_guarded(patchwise_apply, args, kwargs, name=PATCH, label=e["label"])
        except CheckError as err:
            raise type(err)(f"{strip_called(str(err))}\n{called}") from None
        judge_patch(got, e, called=called)
    print(f"{PATCH}: all {len(entries)} visible checks passed.")


# ================================================================ translate

def translate_called(case: dict) -> str:
    kind = "torch tensor" if case["torch"] else "numpy array"
    return (f"  called with: a {kind} of shape {tuple(np.shape(case['x']))} ({case['dtype']}), "
            f"dy={case['dy']}, dx={case['dx']}")


def judge_translate(got: Any, case: dict, *, called: str) -> None:
    """translate's answer against the stored (or grader-made) answer: type, dtype, shape, values."""
    name, label = "translate", case["label"]
    where = f" ({label})" if label else ""
    if case["torch"] and not is_tensor(got):
        raise CheckError(f"{name}{where} returned {described(got)} for a torch tensor; tensor in, tensor out "
                         f"(torch.roll(x, (dy, dx), dims=(-2, -1))).\n{called}")
    if not case["torch"] and type(got) is not np.ndarray:
        hint = " Did you forget the return statement?" if got is None else (
            " numpy in, numpy out: use np.roll for arrays." if is_tensor(got) else "")
        raise CheckError(f"{name}{where} returned {described(got)} for a numpy array; expected a numpy array.{hint}"
                         f"\n{called}")
    if dtype_name(got) != case["dtype"]:
        raise CheckError(f"{name}{where} returned dtype {dtype_name(got)} for an input of dtype {case['dtype']}: a "
                         f"shift only moves values, so the dtype stays the same.\n{called}")
    x_shape = tuple(np.shape(case["x"]))
    if tuple(got.shape) != x_shape:
        raise CheckError(f"{name}{where} returned shape {tuple(got.shape)}; a shift keeps the shape {x_shape}."
                         f"\n{called}")
    g = as_array(got).astype(np.float64)
    e = np.asarray(case["expected"]).astype(np.float64)
    if np.array_equal(g, e):
        return
    bad = g != e
    pos = tuple(int(i) for i in np.argwhere(bad)[0])
    msg = (f"{name}{where} returned wrong values: {int(bad.sum())} of {bad.size} differ. First at {pos}: got "
           f"{g[pos]:.6g}, expected {e[pos]:.6g} (out[..., n, m] = x[..., (n - dy) % N, (m - dx) % M]).")
    found = [text for text, wrong in case["mistakes"]
             if np.shape(wrong) == g.shape and np.array_equal(np.asarray(wrong, dtype=np.float64), g)]
    if found:
        msg += known(found[:1])
    else:
        N, M = x_shape[-2:]
        if abs(case["dy"]) >= N or abs(case["dx"]) >= M:
            msg += ("\n  The shift is larger than the image here: indices wrap around modulo the size "
                    "(shift by dy % N).")
    raise CheckError(msg + f"\n{called}")


def translate_input(case: dict):  # noqa: ANN001
    return to_torch(case["x"], case["dtype"]) if case["torch"] else np.array(case["x"], copy=True)


def check_translate(translate) -> None:  # noqa: ANN001
    """Visible tests of ``translate``."""
    if not callable(translate):
        raise CheckError(f"translate should be a function, but it is {describe(translate)}.")
    entries = book.load(_A)["translate"]
    for e in entries:
        x = translate_input(e)
        called = translate_called(e)
        args, kwargs = ((x,), {"dy": e["dy"], "dx": e["dx"]}) if e["keyword"] else ((x, e["dy"], e["dx"]), {})
        try:
            got = call_guarded(translate, args, kwargs, name="translate", label=e["label"])
        except CheckError as err:
            raise type(err)(f"{strip_called(str(err))}\n{called}") from None
        judge_translate(got, e, called=called)
    print(f"translate: all {len(entries)} visible checks passed.")


# ======================================================= equivariance_error

EQUI = "equivariance_error"


def equi_called(case: dict) -> str:
    kind = "torch tensor" if case["torch"] else "numpy array"
    return (f"  called with: f = {case['f_doc']}, x a {kind} of shape {tuple(case['x_shape'])}, dy={case['dy']}, "
            f"dx={case['dx']}" + (f", border={case['border']}" if case["border"] is not None
                                  else " (border left at its default)"))


def equi_call_error(error: CheckError, case: dict) -> CheckError:
    """A failed call's message, with a hint when a maximum over an empty slice failed."""
    text = strip_called(str(error))
    low = text.lower()
    hint = ""
    if ("empty" in low or "zero-size" in low or "numel() == 0" in low) and "max" in low:
        H, W = case["out_shape"]
        border = 0 if case["border"] is None else case["border"]
        ry, rx = abs(case["dy"]) + border, abs(case["dx"]) + border
        if 2 * ry >= H or 2 * rx >= W:
            hint = (f"\n  Hint: here the interior is empty ({ry} rows left out at the top and at the bottom of "
                    f"{H}, {rx} columns at each side of {W}): return 0.0 in that case.")
        else:
            hint = (f"\n  Hint: the interior is not empty here (rows {ry}..{H - 1 - ry}, columns "
                    f"{rx}..{W - 1 - rx}), but your slice was: d[..., ry:-ry] is empty when ry = 0. Slice "
                    "with d[..., ry:H - ry, rx:W - rx].")
    return type(error)(f"{text}{hint}\n{equi_called(case)}")


def value_matches(got: Any, wrong: Any) -> bool:
    return wrong is not None and got is not None and math.isclose(float(got), float(wrong), rel_tol=1e-5,
                                                                  abs_tol=1e-6)


def float_problem(got: Any, case: dict) -> str | None:
    where = f" ({case['label']})" if case["label"] else ""
    if is_tensor(got) or isinstance(got, np.ndarray) or not isinstance(got, (float, int)) or isinstance(got, bool):
        hint = " Did you forget the return statement?" if got is None else " Convert the result: return float(err)."
        return f"{EQUI}{where} returned {described(got)}; expected a Python float.{hint}"
    if not isinstance(got, float):
        return f"{EQUI}{where} returned an int ({got!r}); expected a Python float: return float(err)."
    return None


def judge_equivariance(results: list, cases: list[dict]) -> None:
    """All cases' answers (a float, or the CheckError of the call) against the expected values.

    ``case["expected"]`` lists the accepted values (the first is the one shown), ``case["mistakes"]`` the
    ``(message, value)`` of every known mistake (None where it does not apply). The first case that fails is
    reported. The diagnosis names the known mistakes that explain the answers of every case (giving the
    right value where they agree with it); when none does, those that match the failing answer.
    """
    floats = []
    failed = None
    for got, case in zip(results, cases):
        if isinstance(got, CheckError):
            if failed is None:
                raise equi_call_error(got, case)
            floats.append(None)
            continue
        problem = float_problem(got, case)
        if problem and failed is None:
            raise CheckError(f"{problem}\n{equi_called(case)}")
        floats.append(None if problem else got)
        if failed is None and not problem and not any(value_matches(got, e) for e in case["expected"]):
            failed = (got, case)
    if failed is None:
        return
    got, case = failed
    where = f" ({case['label']})" if case["label"] else ""
    msg = f"{EQUI}{where} returned {got:.6g}; expected {case['expected'][0]:.6g}."

    def explains(text: str) -> bool:
        for g, c in zip(floats, cases):
            if g is None:
                continue
            wrong = dict(c["mistakes"]).get(text)
            right = any(value_matches(g, e) for e in c["expected"])
            if not (value_matches(g, wrong) or (wrong is None and right)):
                return False
        return True

    matching = [text for text, wrong in case["mistakes"] if value_matches(got, wrong)]
    found = [text for text in matching if explains(text)] or matching
    raise CheckError(msg + known(found) + f"\n{equi_called(case)}")


def stored_translate(table: list, own: Callable | None) -> Callable:
    """A translate that returns the stored shift of each input the book lists (the student's own for others)."""
    def translate(x, dy, dx):
        values = as_array(x)
        for entry in table:
            if (int(dy), int(dx)) == (entry["dy"], entry["dx"]) and values.shape == np.shape(entry["x"]) and \
                    np.array_equal(values, entry["x"]):
                out = entry["out"]
                return to_torch(out, dtype_name(x)) if is_tensor(x) else np.array(out, copy=True).astype(values.dtype)
        if own is None:
            raise NameError("name 'translate' is not defined")
        return own(x, dy, dx)
    return translate


def check_equivariance_error(equivariance_error) -> None:  # noqa: ANN001
    """Visible tests of ``equivariance_error`` (translate gives the stored shifts while it runs)."""
    import torch

    if not callable(equivariance_error):
        raise CheckError(f"{EQUI} should be a function, but it is {describe(equivariance_error)}.")
    entries = book.load(_A)[EQUI]
    own = (getattr(equivariance_error, "__globals__", None) or {}).get("translate")
    results = []
    for e in entries:
        f = book._materialize(e["f"])
        x = to_torch(e["x"], e["x_dtype"]) if e["torch"] else np.array(e["x"], copy=True)
        kw = {} if e["border"] is None else {"border": e["border"]}
        if e["keyword"]:
            args, kwargs = (), dict(f=f, x=x, dy=e["dy"], dx=e["dx"], **kw)
        else:
            args, kwargs = (f, x, e["dy"], e["dx"]) + tuple(kw.values()), {}
        try:
            with torch.random.fork_rng(devices=[]):
                results.append(call_guarded(equivariance_error, args, kwargs, name=EQUI, label=e["label"],
                                            depends={"translate": stored_translate(e["translate"], own)}))
        except CheckError as err:
            if type(err) is not CheckError:
                raise
            results.append(err)
    judge_equivariance(results, entries)
    print(f"{EQUI}: all {len(entries)} visible checks passed.")


# ================================================================ question

def check_answer_stride_shifts(answer) -> None:  # noqa: ANN001
    """Form check of the stride question (the letter is graded when you submit)."""
    check_choice(answer, name="answer_stride_shifts")
    print("answer_stride_shifts: a valid choice (its correctness is graded when you submit).")


for _name in ("check_FCN", "check_patchwise_apply", "check_translate", "check_equivariance_error",
              "check_answer_stride_shifts"):
    globals()[_name] = checked(globals()[_name])
del _name
