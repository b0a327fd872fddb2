"""The grader's checks for notebook 10_fully_convolutional (chapter §24.8–24.10): references, mistakes, cases.

Each ``check_<name>(target)`` runs the visible tests of one graded name; the hidden tests call the same
checkers with cases of their own. ``target`` is the grader's handle on the notebook (or on one of its
functions); a plain class or function (the test catalogue) is run through a stand-in kernel in this process,
with the same requests and wire.

* ``check_FCN``: the student's module is built in the kernel (``nb.new``); its structure is judged from its
  description, its logits and gradients (with its own initial weights, and with weights chosen here) against
  conv -> relu -> conv computed here from the parameters; wrong values are matched against known mistakes.
* ``check_patchwise_apply``: test networks built in the kernel from a spec
  (:func:`convcourse.testobjects.network`); the reference patch-by-patch map, ``model(x)`` and the mistakes'
  maps are computed here on the same network.
* ``check_translate``: numpy arrays and torch tensors of several dtypes; the reference is ``np.roll`` /
  ``torch.roll``.
* ``check_equivariance_error``: test functions built in the kernel (gain maps, box filters, torch networks).
  The notebook's ``translate`` runs in the kernel too: an answer is right when it equals the error computed
  with the course's shift, or with the notebook's own ``translate`` (asked here on the same inputs), so a
  wrong ``translate`` costs only its own points.
"""
from __future__ import annotations

import copy
import dataclasses
import math
from typing import Callable

import numpy as np

from convcourse import agent, probe, testobjects, wire
from convcourse.checks import fully_convolutional as visible
from convcourse.checks.core import CheckError, call_guarded, one_torch_thread

__all__ = [
    "check_FCN", "check_patchwise_apply", "check_translate", "check_equivariance_error",
    "check_answer_stride_shifts",
    "FCN_CONFIGS", "FCN_SHAPES", "PatchCase", "cases_patchwise_apply", "TranslateCase", "cases_translate",
    "EquivarianceCase", "cases_equivariance_error", "conv_stack", "strided_net",
    "reference_fcn_forward", "reference_patchwise_apply", "reference_translate", "reference_equivariance_error",
]


def _notebook(target, name: str):  # noqa: ANN001
    """The notebook handle for ``target``: the grader's, or a stand-in kernel holding a class or function (and
    the namespace it was defined in, so that it finds the notebook's other names)."""
    from ..remote import Notebook, RemoteFunction, as_notebook, local_notebook

    if isinstance(target, Notebook):
        return target
    if isinstance(target, RemoteFunction):
        return target.notebook
    namespace = getattr(target, "__globals__", None)
    if isinstance(namespace, dict) and namespace.get(name) is target:
        return local_notebook(namespace)
    return as_notebook(target, name)


def _function(target, name: str):  # noqa: ANN001
    from ..remote import RemoteFunction

    nb = _notebook(target, name)
    return nb, (target if isinstance(target, RemoteFunction) else nb.function(name))


def _t64(a):  # noqa: ANN001
    import torch

    if isinstance(a, torch.Tensor):
        return a if a.dtype == torch.float64 else a.double()
    return torch.as_tensor(np.asarray(a), dtype=torch.float64)


# ======================================================================= FCN

# (positional args, keyword args) of the constructions the visible check tries. The last one has
# hidden == in_channels, where the erratum's "second conv applied to x" runs without a shape error.
FCN_CONFIGS = [((), {}), ((1, 4, 3), {}), ((), {"in_channels": 2, "hidden": 5, "num_classes": 4, "kernel_size": 5}),
               ((3, 3, 2), {})]
# (batch, rows, columns) of the inputs.
FCN_SHAPES = [(1, 9, 13), (3, 8, 8), (2, 12, 7)]


def reference_fcn_forward(state: dict, x, *, variant: str = "ok"):
    """Float64 forward pass conv -> relu -> conv with zero 'same' padding, from parameters by role
    (``conv1.weight``, ...: torch layout ``(C_out, C_in, k, k)``); ``variant`` names a known mistake instead."""
    import torch
    import torch.nn.functional as F

    w1, b1, w2, b2 = (_t64(state[r]) for r in visible.ROLES)
    x = _t64(x)
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
    out = {"softmax": lambda: torch.softmax(z2, dim=1), "text_softmax": lambda: torch.softmax(-z2, dim=1),
           "log_softmax": lambda: torch.log_softmax(z2, dim=1), "sigmoid": lambda: torch.sigmoid(z2),
           "relu_out": lambda: torch.relu(z2), "softmax_last": lambda: torch.softmax(z2, dim=-1),
           "softmax_rows": lambda: torch.softmax(z2, dim=-2),
           "softmax_hw": lambda: torch.softmax(z2.flatten(2), dim=2).reshape(z2.shape)}.get(variant)
    return out() if out else z2


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


def fcn_mistakes(state: dict, x) -> list:  # noqa: ANN001
    """(message, logits) of every known mistake that applies (float64 numpy)."""
    out = []
    for variant, text in _FCN_MISTAKES:
        try:
            out.append((text, reference_fcn_forward(state, x, variant=variant).detach().numpy()))
        except Exception:  # noqa: BLE001  (e.g. the erratum when the channel counts differ)
            continue
    return out


def reference_fcn_grads(state: dict, x, probe_array) -> dict:
    """Gradients of sum(logits * probe) with respect to every parameter, by role (float64)."""
    params = {r: _t64(state[r]).clone().requires_grad_(True) for r in visible.ROLES}
    (reference_fcn_forward(params, x) * _t64(probe_array)).sum().backward()
    return {r: p.grad.numpy() for r, p in params.items()}


def _chosen_state(C: int, Hd: int, K: int, k: int, gen) -> dict:  # noqa: ANN001
    """Larger weights and biases than PyTorch's initial ones (every mistake shows), float32-exact."""
    import torch

    shapes = {"conv1.weight": (Hd, C, k, k), "conv1.bias": (Hd,), "conv2.weight": (K, Hd, k, k), "conv2.bias": (K,)}
    return {r: (0.5 * torch.randn(s, generator=gen)).float().double().numpy() for r, s in shapes.items()}


def _fcn_case(state: dict, x: np.ndarray, what: str, gen) -> dict:  # noqa: ANN001
    import torch

    logits = reference_fcn_forward(state, x).detach().numpy()
    probe_array = torch.randn(logits.shape, generator=gen, dtype=torch.float64).numpy()
    return {"what": what, "x": x, "state": state, "logits": logits, "mistakes": fcn_mistakes(state, x),
            "probe": probe_array, "grads": reference_fcn_grads(state, x, probe_array)}


def fcn_plan(configs=None, shapes=None, seed: int = 0) -> list[dict]:
    """The constructions, their inputs and the cases on chosen weights (what the visible answer book stores)."""
    import torch

    gen = torch.Generator().manual_seed(seed)
    entries = []
    for args, kwargs in configs or FCN_CONFIGS:
        C, Hd, K, k = visible.resolve(args, kwargs)
        xs = [torch.randn((B, C, N, M), generator=gen).numpy() for B, N, M in shapes or FCN_SHAPES]
        state = _chosen_state(C, Hd, K, k, gen)
        cases = [_fcn_case(state, x, f"input {tuple(x.shape)}, copied weights", gen) for x in xs]
        entries.append({"args": list(args), "kwargs": dict(kwargs), "inputs": xs, "cases": cases})
    return entries


def check_FCN(target, configs=None, shapes=None, seed: int = 0) -> int:
    """``FCN`` in the notebook: its layers, logits with its own initial weights and with weights chosen here,
    gradients to every parameter. ``target`` is the grader's notebook handle, or a class (tested here)."""
    nb = _notebook(target, "FCN")
    count = 0
    for entry in fcn_plan(configs, shapes, seed):
        args, kwargs = tuple(entry["args"]), dict(entry["kwargs"])
        sig = visible.signature(args, kwargs)
        C, Hd, K, k = visible.resolve(args, kwargs)
        model = visible.construct(lambda a, kw, s, label: nb.new("FCN", a, kw, seed=s, label=label),
                                  args, kwargs, seed)
        names = visible.check_structure(model.description, C, Hd, K, k, sig)
        count += 1
        own = visible.role_state(model.state(), names, to_model=False)
        for x in entry["inputs"]:
            what = f"input {tuple(x.shape)}, initial weights"
            fwd = visible.fcn_forward(model, x, sig=sig, what=what)
            visible.judge_logits(fwd, reference_fcn_forward(own, x).detach().numpy(), fcn_mistakes(own, x), sig=sig,
                                 what=what, x_shape=tuple(x.shape), K=K, k=k)
            count += 1
        for case in entry["cases"]:
            count += visible.check_fcn_case(model, case, names, sig=sig, K=K, k=k)
    print(f"FCN: all {count} checks passed.")
    return count


def _f32(pairs) -> list:  # noqa: ANN001
    """Known mistakes' answers as float32 in the answer book (they are matched to 1e-4)."""
    return [[text, None if wrong is None else np.asarray(wrong, dtype=np.float32)] for text, wrong in pairs]


def book_FCN() -> list[dict]:
    """The visible answer book's FCN entries: constructions, chosen weights, inputs, answers."""
    entries = []
    for e in fcn_plan():
        cases = [dict(c, mistakes=_f32(c["mistakes"]), state={r: v.astype(np.float32) for r, v in c["state"].items()},
                      grads={r: v.astype(np.float32) for r, v in c["grads"].items()}) for c in e["cases"]]
        entries.append({"args": e["args"], "kwargs": e["kwargs"], "cases": cases})
    return entries


check_FCN.book = book_FCN


# ============================================================ patchwise_apply

def conv_stack(layers, seed: int = 0, scale: float = 0.6, dtype: str = "float32", tweak: Callable | None = None
               ) -> dict:
    """The spec of a test network of 'same'-padded convolutions with random weights and biases.

    ``layers``: ``(c_in, c_out, k)`` tuples (``k`` an int or ``(kh, kw)``), the strings ``'relu'`` / ``'tanh'``,
    or layer items of :func:`convcourse.testobjects.network` (lists). ``tweak(model, convs)`` sets special
    weights afterwards.
    """
    import torch
    from torch import nn

    items = []
    for spec in layers:
        if isinstance(spec, str):
            items.append([spec])
        elif isinstance(spec, tuple):
            c_in, c_out, k = spec
            items.append(["conv", int(c_in), int(c_out), k if isinstance(k, int) else list(k)])
        else:
            items.append(copy.deepcopy(spec))
    out = {"layers": items, "dtype": dtype, "train": False}
    model = testobjects.network(dict(out, dtype="float32"))
    gen = torch.Generator().manual_seed(int(seed))
    convs = [m for m in model.modules() if isinstance(m, nn.Conv2d)]
    with torch.no_grad():
        for conv in convs:
            conv.weight.copy_(scale * torch.randn(conv.weight.shape, generator=gen))
            if conv.bias is not None:
                conv.bias.copy_(scale * torch.randn(conv.bias.shape, generator=gen))
        if tweak is not None:
            tweak(model, convs)
    return dict(out, state=probe.state(model))


def _hand_weights(model, convs):
    """conv1: 3x3 all ones, bias 1 -> relu -> conv2: 3x3 all ones, bias 0 (receptive field 5)."""
    convs[0].weight.fill_(1.0)
    convs[0].bias.fill_(1.0)
    convs[1].weight.fill_(1.0)
    convs[1].bias.fill_(0.0)


def hand_patch_model() -> dict:
    return conv_stack([(1, 1, 3), "relu", (1, 1, 3)], tweak=_hand_weights)


def _describe_layers(items) -> str:
    parts = []
    for item in items:
        kind, args = item[0], list(item[1:])
        if kind == "conv":
            k = args[2]
            k = f"{k}x{k}" if isinstance(k, int) else "x".join(str(v) for v in k)
            opts = args[3] if len(args) > 3 and isinstance(args[3], dict) else {}
            extra = "".join(f" {n[0]}{opts[n]}" for n in ("stride", "dilation") if opts.get(n, 1) != 1)
            parts.append(f"conv {k} {args[0]}->{args[1]}{extra}")
        elif kind in ("cat", "sum"):
            parts.append(f"{kind}(" + " | ".join(_describe_layers(b) or "identity" for b in args) + ")")
        else:
            parts.append(" ".join([kind] + [str(a) for a in args]))
    return ", ".join(parts)


@dataclasses.dataclass
class PatchCase:
    """One call ``patchwise_apply(model, x, rf)``.

    ``spec()`` returns the model's spec; ``shape`` is x's ``(B, C, H, W)``; ``field`` the model's receptive
    field (``None`` when not known); ``x`` an explicit input (else random from ``seed``); ``keyword``: pass rf
    as ``rf=``; ``dtype`` of the model and the input.
    """

    spec: Callable[[], dict]
    shape: tuple
    rf: int
    field: int | None
    label: str = ""
    seed: int = 0
    x: object = None
    keyword: bool = False
    dtype: str = "float32"


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


def reference_patchwise_apply(model, x, rf):
    """Independent float64 reference: every rf x rf window of the zero-padded input through the model on its
    own (one batch element per window); the output's centre value goes to the window's centre pixel."""
    rf = int(rf)
    return _windows(copy.deepcopy(model).double(), x.detach().double(), rf, rf // 2)


def _patch_variant(model, x, rf, kind):
    """What a solution with a known mistake returns (float64), or None when it does not apply."""
    import torch
    import torch.nn.functional as F

    m, x64 = copy.deepcopy(model).double(), x.detach().double()
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


def _patch_answers(case: PatchCase) -> dict:
    """The case as the judge needs it: the network spec, the input, the answers, the mistakes' answers."""
    import torch

    spec = dict(case.spec(), dtype=case.dtype)
    with torch.random.fork_rng(devices=[]):
        model = testobjects.network(spec)
    dtype = getattr(torch, case.dtype)
    if case.x is not None:
        x = torch.as_tensor(np.asarray(case.x), dtype=dtype)
    else:
        gen = torch.Generator().manual_seed(int(case.seed))
        x = torch.randn(tuple(case.shape), generator=gen, dtype=torch.float64).to(dtype)
    with torch.no_grad():
        full = model(x).double().numpy()
    mistakes = []
    for kind, text in _PATCH_MISTAKES:
        try:
            wrong = _patch_variant(model, x, case.rf, kind)
        except Exception:  # noqa: BLE001
            continue
        if wrong is not None:
            mistakes.append([text, wrong.numpy()])
    mode = "" if case.dtype == "float32" else f", {case.dtype}"
    return {"label": case.label, "model": f"a test network [{_describe_layers(spec['layers'])}]{mode}",
            "spec": spec, "x": x.numpy(), "x_dtype": case.dtype, "x_shape": tuple(x.shape), "rf": int(case.rf),
            "field": case.field, "keyword": bool(case.keyword),
            "expected": reference_patchwise_apply(model, x, case.rf).numpy(), "full": full, "mistakes": mistakes}


TWO = [(2, 4, 3), "relu", (4, 3, 3)]
THREE = [(1, 3, 3), "tanh", (3, 3, 5), "relu", (3, 2, 3)]


def cases_patchwise_apply(seed: int = 0) -> list[PatchCase]:
    """Visible cases: the worked example, then small models with receptive fields 3, 5 and 9, several output
    channels, batches, non-square images, rf equal to, larger and smaller than the field, rf = 1."""
    return [
        PatchCase(hand_patch_model, (1, 1, 5, 5), 5, 5,
                  "worked example: two all-ones 3x3 layers, bias 1 then 0, x = ones; corner 45, centre 90",
                  x=np.ones((1, 1, 5, 5))),
        PatchCase(lambda: conv_stack([(1, 2, 3)], seed + 1), (2, 1, 7, 9), 3, 3,
                  "one 3x3 conv, 2 output channels, batch 2", seed=seed + 11),
        PatchCase(lambda: conv_stack(TWO, seed + 2), (3, 2, 8, 11), 5, 5,
                  "two 3x3 convs with a ReLU (field 5), rf = 5", seed=seed + 12),
        PatchCase(lambda: conv_stack(TWO, seed + 3), (1, 2, 9, 6), 7, 5,
                  "two 3x3 convs (field 5), rf = 7 > field", seed=seed + 13),
        PatchCase(lambda: conv_stack(THREE, seed + 4), (2, 1, 12, 10), 9, 9,
                  "3x3, 5x5, 3x3 convs (field 9), rf = 9", seed=seed + 14),
        PatchCase(lambda: conv_stack([(3, 2, 5)], seed + 5), (1, 3, 8, 8), 5, 5,
                  "one 5x5 conv, 3 input channels, square image", seed=seed + 15),
        PatchCase(lambda: conv_stack(TWO, seed + 6), (2, 2, 7, 7), 5, 5,
                  "two 3x3 convs, square image", seed=seed + 16),
        PatchCase(lambda: conv_stack(TWO, seed + 7), (2, 2, 6, 9), 3, 5,
                  "two 3x3 convs (field 5), rf = 3 < field: the patch limits what the network sees",
                  seed=seed + 17),
        PatchCase(lambda: conv_stack([(1, 2, 3)], seed + 8), (1, 1, 5, 7), 1, 3,
                  "rf = 1: every pixel on its own", seed=seed + 18),
    ]


def check_patchwise_apply(target, cases=None) -> int:
    """Visible tests of ``patchwise_apply`` on test networks built in the notebook's kernel."""
    nb, fn = _function(target, visible.PATCH)
    cases = cases or cases_patchwise_apply()
    with one_torch_thread():
        for case in cases:
            e = _patch_answers(case)
            model = {"__make__": "network", "args": [e["spec"]]}
            x = wire.Tensor(e["x"], f"torch.{e['x_dtype']}")
            called = visible.patch_called(e["model"], e["x_shape"], e["x_dtype"], e["rf"], e["field"])
            args, kwargs = ((model, x), {"rf": e["rf"]}) if e["keyword"] else ((model, x, e["rf"]), {})
            try:
                got = call_guarded(fn, args, kwargs, name=visible.PATCH, label=e["label"])
            except CheckError as err:
                raise type(err)(f"{visible.strip_called(str(err))}\n{called}") from None
            visible.judge_patch(got, e, called=called)
    print(f"{visible.PATCH}: all {len(cases)} checks passed.")
    return len(cases)


def book_patchwise_apply() -> list[dict]:
    return [dict(e, mistakes=_f32(e["mistakes"])) for e in map(_patch_answers, cases_patchwise_apply())]


check_patchwise_apply.book = book_patchwise_apply


# ================================================================ translate

def reference_translate(x, dy, dx):
    """Circular shift of the last two axes: ``out[..., n, m] = x[..., n - dy, m - dx]`` (indices mod the size)."""
    if visible.is_tensor(x) and not isinstance(x, wire.Tensor):
        import torch

        return torch.roll(x, shifts=(int(dy), int(dx)), dims=(-2, -1))
    return np.roll(visible.as_array(x), (int(dy), int(dx)), axis=(-2, -1))


@dataclasses.dataclass
class TranslateCase:
    """``translate(x, dy, dx)``; ``x`` a numpy array, sent as a torch tensor when ``torch`` is set."""

    x: np.ndarray
    dy: int
    dx: int
    label: str = ""
    torch: bool = False
    keyword: bool = False


def _translate_variants(x, dy, dx):
    """(message, wrong answer as numpy) pairs of known mistakes."""
    a = np.asarray(x, dtype=np.float64)
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
         lambda: sliced(a, dy, dx)),
        ("the shift goes the wrong way: out[..., n, m] = x[..., n - dy, m - dx], so content moves DOWN by dy and "
         "RIGHT by dx (np.roll(x, (dy, dx), axis=(-2, -1))).", lambda: np.roll(a, (-dy, -dx), axis=(-2, -1))),
        ("dy and dx are swapped: dy shifts the rows (axis -2), dx the columns (axis -1).",
         lambda: np.roll(a, (dx, dy), axis=(-2, -1))),
        ("only the rows were shifted; dx shifts the columns (axis -1).", lambda: np.roll(a, dy, axis=-2)),
        ("only the columns were shifted; dy shifts the rows (axis -2).", lambda: np.roll(a, dx, axis=-1)),
        ("the shift fills with zeros: translate is circular, what leaves at one side comes back at the other "
         "(np.roll / torch.roll).", lambda: shift_fill(a, dy, dx)),
        ("np.roll without axis= rolls the flattened array: give axis=(-2, -1).", lambda: np.roll(a, dy + dx)),
        ("np.roll without axis= rolls the flattened array: give axis=(-2, -1).", lambda: np.roll(a, dy * M + dx)),
    ]
    if a.ndim > 2:
        out.append(("the shift was applied to the first two axes; translate shifts the LAST two "
                    "(axis=(-2, -1)), whatever comes before them.", lambda: np.roll(a, (dy, dx), axis=(0, 1))))
    answers = []
    for text, wrong in out:
        try:
            answers.append([text, wrong()])
        except Exception:  # noqa: BLE001
            continue
    return answers


def _dtype(case: TranslateCase) -> str:
    if case.torch:
        import torch

        return str(torch.from_numpy(np.array(case.x, copy=True)).dtype).replace("torch.", "")
    return str(np.asarray(case.x).dtype)


def _translate_answers(case: TranslateCase) -> dict:
    x = np.array(case.x, copy=True)
    return {"label": case.label, "x": x, "dtype": _dtype(case), "torch": bool(case.torch), "dy": int(case.dy),
            "dx": int(case.dx), "keyword": bool(case.keyword), "expected": reference_translate(x, case.dy, case.dx),
            "mistakes": _translate_variants(x, case.dy, case.dx)}


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


def _wire(a: np.ndarray, is_torch: bool, dtype: str):
    return wire.Tensor(np.array(a, copy=True), f"torch.{dtype}") if is_torch else np.array(a, copy=True)


def check_translate(target, cases=None) -> int:
    """Visible tests of ``translate``."""
    _, fn = _function(target, "translate")
    cases = cases or cases_translate()
    for case in cases:
        e = _translate_answers(case)
        x = _wire(e["x"], e["torch"], e["dtype"])
        called = visible.translate_called(e)
        args, kwargs = ((x,), {"dy": e["dy"], "dx": e["dx"]}) if e["keyword"] else ((x, e["dy"], e["dx"]), {})
        try:
            got = call_guarded(fn, args, kwargs, name="translate", label=e["label"])
        except CheckError as err:
            raise type(err)(f"{visible.strip_called(str(err))}\n{called}") from None
        visible.judge_translate(got, e, called=called)
    print(f"translate: all {len(cases)} checks passed.")
    return len(cases)


def book_translate() -> list[dict]:
    return [_translate_answers(case) for case in cases_translate()]


check_translate.book = book_translate


# ======================================================= equivariance_error

def _interior_error(a, b, dy, dx, border) -> float:
    a, b = visible.as_array(a).astype(np.float64), visible.as_array(b).astype(np.float64)
    ry, rx = abs(int(dy)) + int(border), abs(int(dx)) + int(border)
    H, W = a.shape[-2:]
    d = np.abs(a - b)[..., ry:max(ry, H - ry), rx:max(rx, W - rx)]
    return float(d.max()) if d.size else 0.0


def reference_equivariance_error(f, x, dy, dx, border=0) -> float:
    """``max |f(translate(x)) - translate(f(x))|`` over the interior, in float64 (0.0 when it is empty)."""
    return _interior_error(f(reference_translate(x, dy, dx)), reference_translate(f(x), dy, dx), dy, dx, border)


def _equi_variant(f, x, dy, dx, border, kind) -> float | None:
    a = visible.as_array(f(reference_translate(x, dy, dx))).astype(np.float64)
    b = visible.as_array(reference_translate(f(x), dy, dx)).astype(np.float64)
    fx = visible.as_array(f(x)).astype(np.float64)
    H, W = a.shape[-2:]
    ry, rx = abs(dy) + border, abs(dx) + border
    d = a - b

    def crop(arr, top, bottom, left, right):
        return arr[..., top:max(top, H - bottom), left:max(left, W - right)]

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
    if kind == "negative_slice":
        sub = d[..., ry:-ry, rx:-rx]          # empty when ry or rx is 0
        return mx(sub)
    if kind == "invariance":
        return mx(crop(a - fx, ry, ry, rx, rx))
    if kind == "shift_back":
        return mx(crop(a - visible.as_array(reference_translate(f(x), -dy, -dx)), ry, ry, rx, rx))
    if kind == "args_swapped":
        a2 = visible.as_array(f(reference_translate(x, dx, dy))).astype(np.float64)
        b2 = visible.as_array(reference_translate(f(x), dx, dy)).astype(np.float64)
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
    ("negative_slice", "the interior was sliced as d[..., ry:-ry, rx:-rx], which is EMPTY when ry or rx is 0 "
                       "(-0 is 0: the slice ends where it starts), so nothing was compared. Slice with "
                       "d[..., ry:H - ry, rx:W - rx]."),
    ("invariance", "f(translate(x)) was compared with f(x) itself: that measures invariance. Equivariance "
                   "compares it with the translated output, translate(f(x), dy, dx)."),
    ("shift_back", "f(x) was translated by (-dy, -dx); both sides shift by the same (dy, dx)."),
    ("args_swapped", "translate was called with dx and dy swapped: translate(x, dy, dx)."),
    ("relative", "the error was divided by the size of the output; return the absolute maximum difference."),
]


@dataclasses.dataclass
class EquivarianceCase:
    """``equivariance_error(f, x, dy, dx, border)``: ``make()`` returns ``(f, x)``: ``f`` a test object's spec
    (``{"__make__": name, "args": [...]}``, :mod:`convcourse.testobjects`), ``x`` a numpy array or
    ``wire.Tensor``."""

    make: Callable
    dy: int
    dx: int
    border: int | None
    label: str = ""
    keyword: bool = False


def _local(x):  # noqa: ANN001
    """An argument or answer as this process computes with it (a torch tensor for a tensor)."""
    if isinstance(x, wire.Tensor):
        return visible.to_torch(x.array, x.dtype)
    return x


def _sendable(x):  # noqa: ANN001
    import torch

    if isinstance(x, torch.Tensor):
        return wire.Tensor(x.detach().cpu().numpy(), str(x.dtype))
    return x


def _equi_answers(case: EquivarianceCase) -> dict:
    import torch

    f_spec, x = case.make()
    with torch.random.fork_rng(devices=[]):
        f = agent._materialize(f_spec)
    xl = _local(x)
    border = 0 if case.border is None else case.border
    expected = reference_equivariance_error(f, xl, case.dy, case.dx, border)
    mistakes = []
    for kind, text in _EQUI_MISTAKES:
        try:
            wrong = _equi_variant(f, xl, case.dy, case.dx, border, kind)
        except Exception:  # noqa: BLE001
            wrong = None
        mistakes.append([text, wrong])
    fx = f(xl)
    table = [{"x": visible.as_array(xl), "dy": case.dy, "dx": case.dx,
              "out": visible.as_array(reference_translate(xl, case.dy, case.dx))},
             {"x": visible.as_array(fx), "dy": case.dy, "dx": case.dx,
              "out": visible.as_array(reference_translate(fx, case.dy, case.dx))}]
    return {"label": case.label, "f": f_spec, "f_doc": f.__doc__ or "a function", "x": visible.as_array(xl),
            "torch": isinstance(x, wire.Tensor), "x_dtype": visible.dtype_name(x), "x_shape": tuple(np.shape(xl)),
            "dy": int(case.dy), "dx": int(case.dx), "border": case.border, "keyword": bool(case.keyword),
            "out_shape": tuple(np.shape(fx))[-2:], "expected": [expected], "mistakes": mistakes, "translate": table}


def _with_own_translate(translate, e: dict) -> float | None:
    """The error computed with the notebook's own translate (asked in the kernel on the same inputs), or None."""
    import torch

    try:
        with torch.random.fork_rng(devices=[]):
            f = agent._materialize(e["f"])
        x = visible.to_torch(e["x"], e["x_dtype"]) if e["torch"] else np.array(e["x"], copy=True)
        shifted = call_guarded(translate, (_sendable(x), e["dy"], e["dx"]), name="translate", label=e["label"])
        a = f(_local(shifted))
        b = call_guarded(translate, (_sendable(f(x)), e["dy"], e["dx"]), name="translate", label=e["label"])
        border = 0 if e["border"] is None else e["border"]
        return _interior_error(a, _local(b), e["dy"], e["dx"], border)
    except Exception:  # noqa: BLE001  (translate fails on these inputs: only the course's shift counts)
        return None


def _gain(shape, s):
    return lambda: ({"__make__": "box_then_gain", "args": [list(shape), int(s)]},
                    np.random.default_rng(s + 100).normal(size=shape))


def _box(shape, s):
    return lambda: ({"__make__": "box_filter"}, np.random.default_rng(s).normal(size=shape))


def strided_net(seed: int = 0, channels: int = 3, stride: int = 2, dtype: str = "float32") -> dict:
    """conv 3x3 stride `stride` -> relu -> nearest upsampling x stride -> conv 3x3: a full-resolution output
    that is equivariant only to shifts by multiples of the stride."""
    return conv_stack([["conv", 1, channels, 3, {"stride": stride}], "relu", ["upsample", stride],
                       (channels, 2, 3)], seed, dtype=dtype)


def torch_case(spec: dict, doc: str, shape, s: int, dtype: str = "float32"):  # noqa: ANN001
    import torch

    def make():
        x = torch.randn(shape, generator=torch.Generator().manual_seed(s), dtype=torch.float64)
        x = x.to(getattr(torch, dtype)).numpy()
        return {"__make__": "torch_function", "args": [spec, doc]}, wire.Tensor(x, f"torch.{dtype}")
    return make


def cases_equivariance_error(seed: int = 0) -> list[EquivarianceCase]:
    """Visible cases: the worked example, a position-dependent gain, a zero-padded filter with and without the
    border, negative shifts, non-square images, torch networks, an empty interior."""
    s = int(np.random.default_rng(seed).integers(1000))

    def hand():
        x = np.zeros((5, 6))
        x[2, 2] = 1.0
        return {"__make__": "column_ramp"}, x

    net = torch_case(strided_net(s + 5), "a torch network with a stride-2 stage (tensor in, tensor out)",
                     (1, 1, 12, 14), s + 5)
    fcn = torch_case(conv_stack([(1, 3, 3), "relu", (3, 2, 3)], s + 6),
                     "a torch conv -> relu -> conv network (tensor in, tensor out)", (2, 1, 10, 13), s + 6)
    return [
        EquivarianceCase(hand, 0, 1, 0, "worked example: x one pixel at (2, 2), f = x * column index, dx = 1: 1.0"),
        EquivarianceCase(_gain((7, 9), s), 2, 1, 1, "box filter then gain map, (7, 9), dy=2, dx=1, border=1"),
        EquivarianceCase(_gain((8, 8), s + 1), -1, 2, 0, "gain map, (8, 8), dy=-1, dx=2, border=0"),
        EquivarianceCase(_box((9, 11), s + 2), 1, -2, 1, "zero-padded 3x3 filter, border=1: equivariant (0)"),
        EquivarianceCase(_box((9, 11), s + 2), 1, -2, 0, "the same filter, border=0: the border shows"),
        EquivarianceCase(_gain((2, 8, 10), s + 3), -2, 0, 1, "3-D input (2, 8, 10), dy=-2, dx=0"),
        EquivarianceCase(_gain((10, 7), s + 4), 1, 1, None, "border left at its default 0"),
        EquivarianceCase(net, 1, 0, 2, "stride-2 torch network, odd shift"),
        EquivarianceCase(fcn, 0, -3, 2, "conv-relu-conv torch network, border=2"),
        EquivarianceCase(_gain((6, 8), s + 7), 3, 2, 1, "shift + border leave no interior: 0.0"),
    ]


def check_equivariance_error(target, cases=None) -> int:
    """Visible tests of ``equivariance_error`` on test functions built in the notebook's kernel."""
    nb, fn = _function(target, visible.EQUI)
    translate = nb.function("translate")
    cases = cases or cases_equivariance_error()
    results, entries = [], []
    with one_torch_thread():
        for case in cases:
            e = _equi_answers(case)
            own = _with_own_translate(translate, e)
            if own is not None and not any(math.isclose(own, v, rel_tol=1e-5, abs_tol=1e-6) for v in e["expected"]):
                e["expected"].append(own)
            x = _wire(e["x"], e["torch"], e["x_dtype"])
            kw = {} if e["border"] is None else {"border": e["border"]}
            if e["keyword"]:
                args, kwargs = (), dict(f=e["f"], x=x, dy=e["dy"], dx=e["dx"], **kw)
            else:
                args, kwargs = (e["f"], x, e["dy"], e["dx"]) + tuple(kw.values()), {}
            try:
                results.append(call_guarded(fn, args, kwargs, name=visible.EQUI, label=e["label"]))
            except CheckError as err:
                if type(err) is not CheckError:
                    raise
                results.append(err)
            entries.append(e)
    visible.judge_equivariance(results, entries)
    print(f"{visible.EQUI}: all {len(cases)} checks passed.")
    return len(cases)


def book_equivariance_error() -> list[dict]:
    return [_equi_answers(case) for case in cases_equivariance_error()]


check_equivariance_error.book = book_equivariance_error


# ================================================================ question (form check; graded by the hidden test)

check_answer_stride_shifts = visible.check_answer_stride_shifts
