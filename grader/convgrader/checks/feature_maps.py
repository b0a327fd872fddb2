"""The grader's checks for notebook 09_feature_maps (chapter §24.6–24.7): references, mistakes, cases.

* ``check_pca_rgb``: the PCA-to-RGB rendering of a feature map (Figure 24.25), numpy only, each channel
  compared up to the sign of its component (answers and references are brought to one sign by
  :func:`convcourse.checks.feature_maps.canonical`).
* ``check_receptive_field``: the side length of the receptive field of a stack of (kernel_size, stride,
  dilation) layers, an integer.
* ``check_empirical_receptive_field``: the gradient mask of one output unit of small test networks that the
  notebook's kernel builds from a spec (:func:`convcourse.testobjects.network`); the reference mask (the full
  Jacobian of the unit's channels, summed) and the known mistakes' masks are computed here on the same
  network built in this process. Afterwards the kernel reports the network's parameters, gradients, flags,
  buffers and modes (:func:`convcourse.checks.feature_maps_probe.model_facts`): they must be as built.

The hidden tests call the same checkers with cases of their own.
"""
from __future__ import annotations

import copy
import dataclasses
import itertools
import warnings
from typing import Callable

import numpy as np

from convcourse import probe, testobjects
from convcourse.checks import feature_maps as visible
from convcourse.checks.core import Case, CheckError, Mistake, Recorder, call_guarded, check_function
from convcourse.checks.core import one_torch_thread
from convcourse.checks.feature_maps_probe import model_facts

from .. import references

__all__ = [
    "check_pca_rgb", "check_receptive_field", "check_empirical_receptive_field",
    "cases_pca_rgb", "cases_receptive_field", "cases_empirical_receptive_field",
    "pca_features", "reference_pca_rgb", "reference_empirical_receptive_field", "ErfCase", "net", "RF_MISTAKES",
    "PCA_MISTAKES",
]


def _quiet(fn):
    def wrapped(*args, **kwargs):
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            return fn(*args, **kwargs)
    return wrapped


# ================================================================ pca_rgb

def reference_pca_rgb(features) -> np.ndarray:
    """The reference answer (float64): the SVD of the centred pixel matrix, each projection min-max rescaled."""
    f = np.asarray(features, dtype=np.float64)
    C, N, M = f.shape
    X = f.reshape(C, N * M).T
    X = X - X.mean(axis=0)
    _, _, vt = np.linalg.svd(X, full_matrices=False)
    k = min(3, C)
    Y = np.zeros((N * M, 3))
    Y[:, :k] = X @ vt[:k].T
    lo, hi = Y.min(axis=0), Y.max(axis=0)
    span = hi - lo
    out = np.zeros_like(Y)
    for c in range(3):
        if span[c] > 1e-12 * max(1.0, float(np.abs(Y[:, c]).max())):
            out[:, c] = (Y[:, c] - lo[c]) / span[c]
    return out.reshape(N, M, 3)


def _reference(features) -> np.ndarray:
    return visible.canonical(reference_pca_rgb(features))


def _pca_variant(features, *, centre=True, standardise=False, order="largest", rows=False, scale="channel",
                 pixels="ok") -> np.ndarray:
    """What a solution with the given mistakes returns."""
    f = np.asarray(features, dtype=np.float64)
    C, N, M = f.shape
    X = f.reshape(C, N * M).T if pixels == "ok" else f.reshape(N * M, C)
    if centre:
        X = X - X.mean(axis=0)
    if standardise:
        sd = X.std(axis=0)
        X = X / np.where(sd > 0, sd, 1.0)
    vals, vecs = np.linalg.eigh(X.T @ X / X.shape[0])
    asc = np.argsort(vals)
    idx = {"largest": asc[::-1][:3], "smallest": asc[:3], "largest_reversed": asc[-3:]}[order]
    V = vecs[idx, :].T if rows else vecs[:, idx]
    Y = np.zeros((N * M, 3))
    Y[:, :V.shape[1]] = X @ V
    if scale == "channel":
        lo, hi = Y.min(axis=0), Y.max(axis=0)
        Y = np.where(hi > lo, (Y - lo) / np.where(hi > lo, hi - lo, 1.0), 0.0)
    elif scale == "global":
        lo, hi = Y.min(), Y.max()
        Y = (Y - lo) / (hi - lo) if hi > lo else np.zeros_like(Y)
    elif scale == "pixel":
        lo, hi = Y.min(axis=1, keepdims=True), Y.max(axis=1, keepdims=True)
        Y = np.where(hi > lo, (Y - lo) / np.where(hi > lo, hi - lo, 1.0), 0.0)
    elif scale == "clip":
        Y = np.clip(Y, 0.0, 1.0)
    return Y.reshape(N, M, 3)


def _pca_mistake(message: str, channels=None, **kw) -> Mistake:
    """A mistake of :func:`_pca_variant` (only for feature maps whose channel count passes ``channels``)."""
    def wrong(features):
        if channels is not None and not channels(np.shape(features)[0]):
            raise ValueError("not this mistake's case")
        return visible.canonical(_pca_variant(features, **kw))
    return Mistake(message, _quiet(wrong))


# eigh returns ascending eigenvalues. With C <= 3 channels its first three columns (the smallest) are also
# the largest three in ascending order: one mistake, one message.
_ASCENDING = ("np.linalg.eigh returns the eigenvalues in ascending order, and the order was not reversed: its "
              "first columns belong to the SMALLEST eigenvalues, so red holds the least important component. Take "
              "the largest three, largest first (red = the component of the LARGEST eigenvalue).")

PCA_MISTAKES = [
    _pca_mistake("the pixels were not mean-centred: without subtracting the mean pixel, the top 'component' "
                 "points at the mean colour (feature maps after a ReLU are all positive). Subtract features' "
                 "per-channel mean first.", centre=False),
    _pca_mistake(_ASCENDING, channels=lambda C: C <= 3, order="largest_reversed"),
    _pca_mistake("you took the components of the SMALLEST eigenvalues: np.linalg.eigh returns the eigenvalues in "
                 "ascending order, so the first three columns are the least important directions. Take the "
                 "largest three, largest first (red = first principal component).",
                 channels=lambda C: C > 3, order="smallest"),
    _pca_mistake("red, green and blue hold the 3rd, 2nd and 1st components: eigh's ascending order was not "
                 "reversed. Red is the component of the LARGEST eigenvalue.",
                 channels=lambda C: C > 3, order="largest_reversed"),
    _pca_mistake("you used ROWS of np.linalg.eigh's eigenvector matrix; the eigenvectors are its COLUMNS "
                 "(vecs[:, i]).", rows=True),
    _pca_mistake("the three channels were rescaled together (one min and max for the whole image); rescale each "
                 "channel on its own: (y - y.min()) / (y.max() - y.min()) per channel.", scale="global"),
    _pca_mistake("the channels were rescaled over the wrong axis (per pixel, across R, G, B); rescale each "
                 "colour channel over all pixels.", scale="pixel"),
    _pca_mistake("the projections were clipped to [0, 1] instead of min-max rescaled per channel.", scale="clip"),
    _pca_mistake("the projections were not rescaled: each channel must be min-max rescaled to [0, 1] on its own.",
                 scale="none"),
    _pca_mistake("the channels were divided by their standard deviation (PCA of the correlation matrix); the "
                 "spec's PCA uses the covariance of the mean-centred pixels, without rescaling the feature "
                 "channels.", standardise=True),
    _pca_mistake("features.reshape(-1, C) mixes channels and pixels: with features of shape (C, N, M) the pixel "
                 "vectors are the columns of features.reshape(C, N * M), i.e. the rows of "
                 "features.reshape(C, N * M).T.", pixels="scrambled"),
]


def pca_features(seed: int, C: int, N: int, M: int, *, offset: float = 6.0, dtype=np.float64) -> np.ndarray:
    """Random (C, N, M) features with well separated principal variances and a large positive mean.

    The pixels are a random rotation of independent components with standard deviations 5, 3, 2, 1, 0.5, ...
    (so the first three components are unambiguous), shifted by a positive mean as ReLU features are.
    """
    rng = np.random.default_rng(seed)
    sd = np.array([5.0, 3.0, 2.0, 1.0] + [0.5 / (i + 1) for i in range(max(0, C - 4))])[:C]
    z = rng.normal(size=(N * M, C))
    z = (z - z.mean(0)) / z.std(0) * sd        # exact variances: the gaps survive small samples
    q, _ = np.linalg.qr(rng.normal(size=(C, C)))
    mean = offset * (1.0 + rng.random(C))
    x = z @ q.T + mean
    return np.ascontiguousarray(x.T.reshape(C, N, M)).astype(dtype)


def hand_pca_case() -> Case:
    # Pixels (4, 5), (2, 5), (3, 7), (3, 3); mean (3, 5); covariance diag(0.5, 2): the first component is
    # channel 1, the second channel 0, and there is no third (C = 2): blue is 0. Without the centring the top
    # direction points at the mean pixel (a mix of both channels), so that mistake differs from eigh's order.
    features = np.array([[[4.0, 2.0], [3.0, 3.0]],
                         [[5.0, 5.0], [7.0, 3.0]]])
    expected = np.array([[[0.5, 1.0, 0.0], [0.5, 0.0, 0.0]],
                         [[1.0, 0.5, 0.0], [0.0, 0.5, 0.0]]])
    return Case((features,), label="hand example: 2 channels, 2x2 pixels", expected=visible.canonical(expected))


def cases_pca_rgb(seed: int = 0) -> list[Case]:
    """Visible cases: the hand example, random feature maps (C = 6, 3, 2, 1), integers, a constant map."""
    cases = [hand_pca_case()]
    for C, N, M in [(6, 7, 9), (3, 10, 6), (2, 5, 8), (1, 4, 6)]:
        cases.append(Case((pca_features(seed + C, C, N, M),), label=f"random {C} channels, {N}x{M} pixels"))
    cases.append(Case((np.round(pca_features(seed + 50, 4, 6, 5)).astype(np.int64),),
                      label="integer features, 4 channels, 6x5"))
    cases.append(Case((np.full((3, 4, 5), 2.5),), label="every pixel the same vector: constant channels are 0"))
    return cases


PCA_SHAPE = "(N, M, 3): one RGB pixel per feature-map pixel"


def _remote(fn, name: str):  # noqa: ANN001
    """The grader's handle on the student's function (a local function, from the catalogue, is called through a
    stand-in kernel: the same requests and wire as in grading); a Recorder as it is."""
    return fn if isinstance(fn, Recorder) else _function(fn, name)[1]


def check_pca_rgb(pca_rgb, cases=None) -> int:
    """Visible tests of ``pca_rgb`` (Figure 24.25), numpy only, components up to sign."""
    pca_rgb = _remote(pca_rgb, "pca_rgb")
    target = pca_rgb if isinstance(pca_rgb, Recorder) else visible.SignFree(pca_rgb)
    return visible.with_pca_hints(
        lambda: check_function(target, cases or cases_pca_rgb(), reference=_reference, name="pca_rgb",
                               mistakes=PCA_MISTAKES, numpy_only=True, shape_formula=PCA_SHAPE, rtol=1e-4,
                               atol=1e-4),
        target)


# ================================================================ receptive_field

def _rf_generic(layers, term):
    r, jump = 1, 1
    for k, s, d in layers:
        r, jump = r + term(int(k), int(s), int(d), jump), jump * int(s)
    return r


def _rf_text_rule(layers):
    r = 1
    for k, s, d in layers:
        r = (r + (int(k) - 1) * int(d)) * int(s)
    return r


def _rf_backward_wrong(layers):
    r = 1
    for k, s, d in reversed(list(layers)):
        r = int(s) * r + (int(k) - 1) * int(d)
    return r


RF_MISTAKES = [
    Mistake("each layer's growth was multiplied by the strides up to and INCLUDING its own. A layer's kernel "
            "steps over the grid of its input, whose spacing in input pixels is the product of the strides of "
            "the layers BEFORE it (update the jump after adding the layer's growth).",
            lambda layers: _rf_generic(layers, lambda k, s, d, j: (k - 1) * d * j * s)),
    Mistake("the dilation is ignored: a k-tap kernel with dilation d spans (k - 1) * d + 1 pixels of its input.",
            lambda layers: _rf_generic(layers, lambda k, s, d, j: (k - 1) * j)),
    Mistake("a dilated kernel spans (k - 1) * d + 1 pixels, not k * d (the d - 1 gaps come only BETWEEN taps).",
            lambda layers: _rf_generic(layers, lambda k, s, d, j: (k * d - 1) * j)),
    Mistake("the dilated span (k - 1) * d + 1 was computed as k + d - 1: the d - 1 zeros are inserted between "
            "every pair of taps, (k - 1) times.",
            lambda layers: _rf_generic(layers, lambda k, s, d, j: (k + d - 2) * j)),
    Mistake("the strides are ignored: after a stride-s layer every later kernel tap is s input pixels apart, so "
            "multiply each layer's growth (k - 1) * d by the product of the strides before it.",
            lambda layers: _rf_generic(layers, lambda k, s, d, j: (k - 1) * d)),
    Mistake("the layers were taken last-first: the list starts with the layer next to the input, whose kernel "
            "is not stretched by any stride.", lambda layers: references.receptive_field(list(layers)[::-1])),
    Mistake("you applied the loose rule 'a stride-s layer makes the receptive field s times larger' to the "
            "whole field; a stride only stretches the kernels of the LATER layers (see the note on §24.7).",
            _rf_text_rule),
    Mistake("you added up the kernel sizes; each layer adds (k - 1) * d * (product of earlier strides) to a "
            "field that starts at 1 pixel.", lambda layers: sum(int(k) for k, _, _ in layers)),
    Mistake("the 1 pixel the field starts from is missing (a stack of no layers sees 1 pixel; one 3x3 layer "
            "sees 3).", lambda layers: references.receptive_field(layers) - 1),
    Mistake("that is the radius (r - 1) / 2 of the receptive field; return its side length r.",
            lambda layers: (references.receptive_field(layers) - 1) // 2),
    Mistake("the kernel size k of each layer was not used (every kernel taken as 3x3): a layer adds "
            "(k - 1) * d * jump pixels.", lambda layers: _rf_generic(layers, lambda k, s, d, j: 2 * d * j)),
    Mistake("the backward recursion should be r_in = s * (r_out - 1) + (k - 1) * d + 1 (from the last layer "
            "to the first).", _rf_backward_wrong),
]


def cases_receptive_field() -> list[Case]:
    """Visible cases: three 3x3 layers (hand example), strides, dilations, pooling, a large first kernel."""
    return [
        Case(([(3, 1, 1), (3, 1, 1), (3, 1, 1)],), label="three 3x3 layers, stride 1 (hand example: 7)"),
        Case(([(5, 2, 1), (3, 2, 1), (3, 1, 1)],), label="5x5 stride 2, 3x3 stride 2, then a 3x3"),
        Case(([(3, 1, 1), (3, 1, 2), (3, 1, 3)],), label="3x3 layers with dilations 1, 2, 3"),
        Case(([(5, 2, 1), (2, 2, 1), (3, 1, 2)],), label="5x5 stride 2, 2x2 pool stride 2, 3x3 dilation 2"),
        Case(([(7, 2, 1), (3, 1, 1)],), label="7x7 with stride 2, then a 3x3"),
        Case(([(3, 1, 1), (2, 2, 1), (3, 1, 1)],), label="conv 3x3, pool 2x2 stride 2, conv 3x3"),
    ]


def check_receptive_field(receptive_field, cases=None) -> int:
    """Visible tests of ``receptive_field``: an integer side length per stack of layers."""
    receptive_field = _remote(receptive_field, "receptive_field")
    return visible.with_rf_hints(
        lambda: check_function(receptive_field, cases or cases_receptive_field(), reference=references.receptive_field,
                               name="receptive_field", mistakes=RF_MISTAKES, floating=False))


# ================================================================ empirical_receptive_field

ERF = "empirical_receptive_field"


def net(layers, *, seed: int = 0, dtype: str = "float32", train: bool = True, scale: float = 1.0,
        positive=False, tweak: Callable | None = None) -> dict:
    """The spec of a test network (:func:`convcourse.testobjects.network`) with weights drawn here.

    Every conv gets normal weights and biases times ``scale`` (``|normal| + 0.1`` for the convs whose index, in
    module order, is in ``positive``, or for all of them when it is True); ``tweak(model)`` then sets special
    weights or buffers. The spec holds every parameter and buffer, so the notebook's kernel builds exactly
    this network.
    """
    import torch
    from torch import nn

    spec = {"layers": copy.deepcopy(layers), "dtype": dtype, "train": bool(train)}
    model = testobjects.network(spec)
    gen = torch.Generator().manual_seed(int(seed))
    convs = [m for m in model.modules() if isinstance(m, nn.Conv2d)]
    with torch.no_grad():
        for i, conv in enumerate(convs):
            w = torch.randn(conv.weight.shape, generator=gen, dtype=torch.float32)
            pos = positive is True or (not isinstance(positive, bool) and i in positive)
            conv.weight.copy_(scale * (w.abs() + 0.1 if pos else w))
            if conv.bias is not None:
                conv.bias.copy_(scale * torch.randn(conv.bias.shape, generator=gen, dtype=torch.float32))
        if tweak is not None:
            tweak(model, convs)
    # 0-d buffers (BatchNorm's num_batches_tracked) keep their initial value: they are left out
    return dict(spec, state={k: v for k, v in probe.state(model).items() if np.ndim(v)})


def describe_layers(layers) -> str:
    """A short description of a spec's layers, for messages."""
    parts = []
    for item in layers:
        kind, args = item[0], list(item[1:])
        opts = args.pop() if args and isinstance(args[-1], dict) else {}
        if kind == "conv":
            k = args[2] if isinstance(args[2], int) else "x".join(str(v) for v in args[2])
            k = f"{k}x{k}" if isinstance(args[2], int) else k
            extra = "".join(f" {name[0]}{opts[name]}" for name in ("stride", "dilation") if opts.get(name, 1) != 1)
            parts.append(f"conv {k} {args[0]}->{args[1]}{extra}" + ("" if opts.get("bias", True) else " no bias"))
        elif kind in ("cat", "sum"):
            parts.append(f"{kind}(" + " | ".join(describe_layers(b) or "identity" for b in args) + ")")
        else:
            parts.append(" ".join([kind] + [str(a) for a in args]))
    return ", ".join(parts)


@dataclasses.dataclass
class ErfCase:
    """One call of empirical_receptive_field: a test network (``spec()``), an input shape, a position."""

    spec: Callable[[], dict]
    input_shape: tuple
    position: tuple | list
    label: str = ""

    def model_text(self, spec: dict) -> str:
        mode = "training" if spec.get("train") else "eval"
        dtype = "" if spec.get("dtype", "float32") == "float32" else f", {spec['dtype']}"
        return f"a test network [{describe_layers(spec['layers'])}] in {mode} mode{dtype}"


def reference_empirical_receptive_field(model, input_shape, position) -> np.ndarray:
    """Independent reference: the Jacobian of the unit's channels w.r.t. an all-ones input, summed over channels."""
    import torch

    m = copy.deepcopy(model)
    p = next(m.parameters())
    ones = torch.ones((1,) + tuple(int(v) for v in input_shape), dtype=p.dtype, device=p.device)
    r, c = (int(v) for v in position)

    def unit(x):
        return m(x)[0, :, r, c]

    jac = torch.autograd.functional.jacobian(unit, ones)          # (C_out, 1, C, H, W)
    return (jac.sum(dim=0)[0] != 0).any(dim=0).cpu().numpy()


def _erf_variant(model, input_shape, position, *, out_channel=None, in_channel=None, positive=False,
                 swap=False, whole=False) -> np.ndarray:
    import torch

    m = copy.deepcopy(model)
    p = next(m.parameters())
    x = torch.ones((1,) + tuple(int(v) for v in input_shape), dtype=p.dtype, device=p.device, requires_grad=True)
    out = m(x)
    r, c = (int(v) for v in (position[::-1] if swap else position))
    if whole:
        target = out.sum()
    elif out_channel is not None:
        target = out[0, out_channel, r, c]
    else:
        target = out[0, :, r, c].sum()
    (g,) = torch.autograd.grad(target, x)
    g = g[0]
    if in_channel is not None:
        g = g[in_channel:in_channel + 1]
    return ((g > 0) if positive else (g != 0)).any(dim=0).cpu().numpy()


_ERF_MISTAKES = [
    ("only output channel 0 was used: the spec sums the unit over ALL output channels "
     "(out[0, :, row, col].sum()), and different channels may see different pixels.", dict(out_channel=0)),
    ("only the gradient's positive entries count (grad > 0): a pixel is in the receptive field when its "
     "gradient is non-zero, whatever its sign (grad != 0).", dict(positive=True)),
    ("only input channel 0 was looked at: a pixel belongs to the mask when ANY input channel's gradient is "
     "non-zero there (.any over the channel axis).", dict(in_channel=0)),
    ("row and column are swapped: position = (row, col) indexes the output as out[0, :, row, col].",
     dict(swap=True)),
    ("the whole output was summed (out.sum()): that is the union of every unit's receptive field. Take the "
     "one unit out[0, :, row, col] (summed over channels).", dict(whole=True)),
]


def _answers(case: ErfCase) -> dict:
    """The case as the judge needs it: the spec, the model's description, the expected mask, the mistakes."""
    import torch

    spec = case.spec()
    with torch.random.fork_rng(devices=[]):
        model = testobjects.network(spec)
        expected = reference_empirical_receptive_field(model, case.input_shape, case.position)
        mistakes = []
        for message, kw in _ERF_MISTAKES:
            try:
                wrong = _erf_variant(model, case.input_shape, case.position, **kw)
            except Exception:  # noqa: BLE001  (the mistake does not apply to this network)
                continue
            if not np.array_equal(wrong, expected):
                mistakes.append([message, wrong])
    return {"label": case.label, "model": case.model_text(spec), "spec": spec,
            "input_shape": tuple(int(v) for v in case.input_shape), "position": case.position,
            "expected": expected, "mistakes": mistakes}


def _hand(model, convs):
    convs[0].weight.fill_(1.0)


def _channels_apart(model, convs):
    """Output channel 0 sees the top-left of its window, channel 1 the bottom-right."""
    import torch

    keep = torch.zeros_like(convs[0].weight)
    keep[0, 0, :2, :2] = 1
    keep[1, 0, 3:, 2:] = 1
    convs[0].weight.mul_(keep)


def _inputs_apart(model, convs):
    """Input channel 0 is read through the centre tap only."""
    convs[0].weight[:, 0] = 0.0
    convs[0].weight[:, 0, 1, 2] = 1.0


def _gate(bias):
    """ReLU units that only a (near) all-ones input switches on: weights 1, a bias just below minus the window."""
    def tweak(model, convs):
        convs[0].weight.fill_(1.0)
        convs[0].bias.fill_(bias)
    return tweak


HAND = [["conv", 1, 1, 3, {"bias": False}]]
CHANNELS_APART = [["conv", 1, 2, 5]]
THREE_LAYERS = [["conv", 1, 3, 3], ["relu"], ["conv", 3, 3, 3], ["tanh"], ["conv", 3, 2, 3]]


def cases_empirical_receptive_field() -> list[ErfCase]:
    """Visible cases: a hand example, strides, channels that see different regions, ReLU gates, a border unit,
    global average pooling, tiny gradients in eval mode."""
    return [
        ErfCase(lambda: net(HAND, tweak=_hand), (1, 7, 9), (3, 4),
                "hand example: one 3x3 conv, unit (3, 4) sees rows 2..4, cols 3..5"),
        ErfCase(lambda: net([["conv", 2, 3, 3, {"stride": 2}], ["conv", 3, 2, 3, {"stride": 2}]], seed=1),
                (2, 20, 24), (2, 3), "two stride-2 3x3 convs, 2 input channels, training mode"),
        ErfCase(lambda: net(CHANNELS_APART, seed=2, positive=True, tweak=_channels_apart), (1, 11, 13), (5, 6),
                "two output channels that see different regions"),
        ErfCase(lambda: net([["conv", 3, 2, [3, 5]]], seed=3, tweak=_inputs_apart), (3, 9, 14), (4, 6),
                "3x5 kernels; input channel 0 seen through one tap only"),
        ErfCase(lambda: net([["conv", 1, 2, 3], ["relu"], ["conv", 2, 1, 3]], seed=4, positive={1},
                            tweak=_gate(-8.5)), (1, 12, 12), (6, 5),
                "ReLU units that only an all-ones input switches on"),
        ErfCase(lambda: net(THREE_LAYERS, seed=5), (1, 10, 16), (0, 0),
                "three 3x3 layers, a unit in the corner (clipped field)"),
        ErfCase(lambda: net([["conv", 1, 4, 3], ["adaptive_avg", 1]], seed=6), (1, 9, 12), (0, 0),
                "conv then global average pooling: the unit sees everything"),
        ErfCase(lambda: net([["conv", 1, 2, 3], ["conv", 2, 2, 3], ["conv", 2, 1, 3]], seed=7, scale=1e-3,
                            train=False), (1, 13, 11), (6, 5),
                "weights of order 1e-3 (tiny gradients), model in eval mode"),
    ]


_HANDLES = itertools.count(1)


def _function(target, name: str):  # noqa: ANN001
    """(notebook handle, the student's function): the grader's, or local ones for a function (the catalogue)."""
    from ..remote import Notebook, RemoteFunction, as_notebook

    if isinstance(target, RemoteFunction):
        return target.notebook, target
    nb = target if isinstance(target, Notebook) else as_notebook(target, name)
    return nb, nb.function(name)


def check_empirical_receptive_field(target, cases=None) -> int:
    """Masks of test networks built in the notebook's kernel, and the networks left as they were.

    ``target`` is the grader's handle on the notebook's function, or a function (tested in this process).
    """
    import torch

    nb, fn = _function(target, ERF)
    cases = cases or cases_empirical_receptive_field()
    with one_torch_thread():
        for case in cases:
            e = _answers(case)
            with torch.random.fork_rng(devices=[]):
                before = model_facts(testobjects.network(e["spec"]))
            handle = f"erf{next(_HANDLES)}"
            arg = {"__make__": "network", "args": [e["spec"]], "as": handle}
            called = visible.called_line(e["model"], e["input_shape"], e["position"])
            model = nb.attach(handle, "the test network")
            try:
                try:
                    got = call_guarded(fn, (arg, e["input_shape"], e["position"]), name=ERF, label=e["label"])
                except CheckError as err:
                    raise visible.call_error(err, called) from None
                after = model.measure("feature_maps_probe.model_facts", label=e["label"])
            finally:
                try:
                    model._ask("drop")
                except CheckError:
                    pass
            visible.judge_mask_case(got, e["expected"], e["mistakes"], before, after, label=e["label"],
                                    called=called)
    print(f"{ERF}: all {len(cases)} checks passed.")
    return len(cases)


def book_empirical_receptive_field() -> list[dict]:
    """The visible answer book's entries: each case's network spec, expected mask and mistakes' masks."""
    return [_answers(case) for case in cases_empirical_receptive_field()]


check_empirical_receptive_field.book = book_empirical_receptive_field


# ================================================================ questions (form checks; graded by the hidden tests)

check_answer_rf_after_pool = visible.check_answer_rf_after_pool
check_answer_corner_pixels = visible.check_answer_corner_pixels
