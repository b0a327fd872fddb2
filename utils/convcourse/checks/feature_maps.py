"""Checks for notebook 09_feature_maps (chapter §24.6–24.7).

* ``check_pca_rgb``: the PCA-to-RGB rendering of a feature map (Figure 24.25),
  compared *up to the sign of each component* (a flipped component turns a
  channel c into 1 - c after the min-max rescaling), numpy only.
* ``check_receptive_field``: the side length of the receptive field of a
  stack of (kernel_size, stride, dilation) layers, an integer.
* ``check_empirical_receptive_field``: the gradient mask of one output unit
  of a torch model, compared with a reference computed independently (the
  full Jacobian of the unit's channels, summed); the model must come back
  unchanged (weights, gradients, train/eval modes, requires_grad flags,
  buffers).

The hidden tests (kept by the instructor) call the same checkers with cases
of their own.
"""
from __future__ import annotations

import copy
import dataclasses
import math
from typing import Callable, Sequence

import numpy as np

from ..session import ensure_snapshot as _ensure_snapshot, restore as _restore
from .core import Case, CheckError, Mistake, call_guarded, check_choice, compare_arrays, describe

__all__ = [
    "check_pca_rgb", "check_receptive_field", "check_empirical_receptive_field",
    "check_answer_rf_after_pool", "check_answer_corner_pixels",
    "cases_pca_rgb", "cases_receptive_field", "cases_empirical_receptive_field",
    "pca_features", "reference_pca_rgb", "reference_receptive_field", "reference_empirical_receptive_field",
    "ErfCase", "RF_MISTAKES",
]


# ================================================================ pca_rgb

def reference_pca_rgb(features) -> np.ndarray:
    """The reference answer (float64), computed in torch (an SVD of the centred pixel matrix).

    Written with torch on purpose: the library ships to students, and a numpy
    reference would be the exercise's answer.
    """
    import torch

    f = torch.as_tensor(np.asarray(features, dtype=np.float64))
    C = f.shape[0]
    pixels = f.reshape(C, -1).T
    pixels = pixels - pixels.mean(dim=0, keepdim=True)
    _, _, vh = torch.linalg.svd(pixels, full_matrices=False)
    proj = pixels @ vh[:3].T
    lo, hi = proj.amin(dim=0), proj.amax(dim=0)
    span = torch.where(hi > lo, hi - lo, torch.ones_like(hi))
    scaled = torch.where(hi > lo, (proj - lo) / span, torch.zeros_like(proj))
    rgb = torch.zeros(pixels.shape[0], 3, dtype=torch.float64)
    rgb[:, :scaled.shape[1]] = scaled
    return rgb.reshape(*f.shape[1:], 3).numpy()


def _pca_variant(features, signs=(1, 1, 1), *, centre=True, standardise=False, order="largest", rows=False,
                 scale="channel", pixels="ok") -> np.ndarray:
    """What a solution with the given mistakes returns (for one choice of component signs)."""
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
    Y = Y * np.asarray(signs, dtype=float)
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


_PCA_MISTAKES = [
    ("the pixels were not mean-centred: without subtracting the mean pixel, the top 'component' points at "
     "the mean colour (feature maps after a ReLU are all positive). Subtract features' per-channel mean first.",
     dict(centre=False)),
    ("you took the components of the SMALLEST eigenvalues: np.linalg.eigh returns the eigenvalues in ascending "
     "order, so the first three columns are the least important directions. Take the largest three, largest "
     "first (red = first principal component).", dict(order="smallest")),
    ("red, green and blue hold the 3rd, 2nd and 1st components: eigh's ascending order was not reversed. Red is "
     "the component of the LARGEST eigenvalue.", dict(order="largest_reversed")),
    ("you used ROWS of np.linalg.eigh's eigenvector matrix; the eigenvectors are its COLUMNS (vecs[:, i]).",
     dict(rows=True)),
    ("the three channels were rescaled together (one min and max for the whole image); rescale each channel on "
     "its own: (y - y.min()) / (y.max() - y.min()) per channel.", dict(scale="global")),
    ("the channels were rescaled over the wrong axis (per pixel, across R, G, B); rescale each colour channel "
     "over all pixels.", dict(scale="pixel")),
    ("the projections were clipped to [0, 1] instead of min-max rescaled per channel.", dict(scale="clip")),
    ("the channels were divided by their standard deviation (PCA of the correlation matrix); the spec's PCA "
     "uses the covariance of the mean-centred pixels, without rescaling the feature channels.",
     dict(standardise=True)),
    ("features.reshape(-1, C) mixes channels and pixels: with features of shape (C, N, M) the pixel vectors "
     "are the columns of features.reshape(C, N * M), i.e. the rows of features.reshape(C, N * M).T.",
     dict(pixels="scrambled")),
]

_SIGNS = [(a, b, c) for a in (1, -1) for b in (1, -1) for c in (1, -1)]


def _close(a: np.ndarray, b: np.ndarray, tol: float = 1e-4) -> bool:
    return a.shape == b.shape and bool(np.all(np.abs(a - b) <= tol))


def _diagnose_pca(got: np.ndarray, features) -> str | None:
    """The known mistake(s) the answer matches, as one line (or a list when several match), else None."""
    g = got.astype(np.float64)
    found = []
    for message, kw in _PCA_MISTAKES:
        for signs in _SIGNS:
            try:
                wrong = _pca_variant(features, signs, **kw)
            except Exception:  # noqa: BLE001
                break
            if _close(g, wrong):
                found.append(message)
                break
    if not found:
        return None
    if len(found) == 1:
        return found[0]
    return "several known mistakes give exactly this answer; check each:" + "".join(f"\n  - {m}" for m in found)


def _align_signs(got: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """expected with each channel c replaced by 1 - c where that is closer to got (a flipped component)."""
    out = expected.copy()
    for c in range(3):
        e = expected[..., c]
        g = got[..., c].astype(np.float64)
        if np.nansum(np.abs(g - (1 - e))) < np.nansum(np.abs(g - e)) and np.ptp(e) > 0:
            out[..., c] = 1 - e
    return out


def _check_pca_case(fn: Callable, case: Case) -> None:
    name = "pca_rgb"
    features = case.args[0] if case.args else case.kwargs["features"]
    expected = case.expected if case.expected is not None else reference_pca_rgb(features)
    got = call_guarded(fn, case.args, case.kwargs, name=name, numpy_only=True, label=case.label)
    where = f" ({case.label})" if case.label else ""
    called = f"\n  called with: features {describe(np.asarray(features))}"
    C, N, M = np.shape(features)
    if type(got) is not np.ndarray or not np.issubdtype(got.dtype, np.floating) or got.shape != expected.shape:
        if type(got) is np.ndarray and got.shape == (3, N, M) and (N, M) != (3, 3):
            raise CheckError(f"{name}{where} returned shape {got.shape}: channels first. An RGB image for "
                             f"matplotlib is (N, M, 3) = {expected.shape}: move the channel axis last "
                             "(np.moveaxis(out, 0, -1)), or build it that way." + called)
        if type(got) is np.ndarray and got.shape == (M, N, 3) and N != M:
            raise CheckError(f"{name}{where} returned shape {got.shape}; expected {expected.shape}. Rows and "
                             "columns are swapped: reshape the projections to (N, M, 3)." + called)
        problem = compare_arrays(got, expected, name=name, label=case.label,
                                 shape_formula="(N, M, 3): one RGB pixel per feature-map pixel")
        raise CheckError(problem + called)
    if np.isnan(got).any():
        bad = [c for c in range(3) if np.isnan(got[..., c]).any()]
        hint = ""
        if any(np.ptp(expected[..., c]) == 0 for c in bad):
            hint = (" That channel is constant (max == min, e.g. a zero channel added because C < 3, or a "
                    "feature map whose pixels are all equal): (y - min) / (max - min) is then 0 / 0. The spec "
                    "sets a constant channel to 0.")
        raise CheckError(f"{name}{where} returned NaN in channel(s) {bad}.{hint}" + called)
    lo, hi = float(np.min(got)), float(np.max(got))
    if lo < -1e-6 or hi > 1 + 1e-6:
        hint = _diagnose_pca(got, features)
        raise CheckError(f"{name}{where} returned values from {lo:.4g} to {hi:.4g}, outside [0, 1]: rescale each "
                         "channel on its own, (y - y.min()) / (y.max() - y.min()), so it spans exactly [0, 1]."
                         + (f"\n  This looks like a known mistake: {hint}" if hint else "") + called)
    aligned = _align_signs(got, expected)
    problem = compare_arrays(got, aligned, name=name, label=case.label)
    if problem:
        msg = [problem + " (each channel is compared up to the sign of its component: c or 1 - c)",
               called.strip("\n")]
        hint = _diagnose_pca(got, features)
        if hint is None and C < 3 and any(np.ptp(got[..., c]) > 0 for c in range(C, 3)):
            hint = (f"with C = {C} channels there are only {C} components: the remaining {3 - C} colour "
                    "channel(s) are zero.")
        if hint:
            msg.append(f"  This looks like a known mistake: {hint}")
        raise CheckError("\n".join(msg))


def pca_features(seed: int, C: int, N: int, M: int, *, offset: float = 6.0, dtype=np.float64) -> np.ndarray:
    """Random (C, N, M) features with well separated principal variances and a large positive mean.

    The pixels are a random rotation of independent components with standard
    deviations 5, 3, 2, 1, 0.5, ... (so the first three components are
    unambiguous), shifted by a positive mean as ReLU features are.
    """
    rng = np.random.default_rng(seed)
    sd = np.array([5.0, 3.0, 2.0, 1.0] + [0.5 / (i + 1) for i in range(max(0, C - 4))])[:C]
    z = rng.normal(size=(N * M, C))
    z = (z - z.mean(0)) / z.std(0) * sd        # exact variances: the gaps survive small samples
    q, _ = np.linalg.qr(rng.normal(size=(C, C)))
    mean = offset * (1.0 + rng.random(C))
    x = z @ q.T + mean
    return np.ascontiguousarray(x.T.reshape(C, N, M)).astype(dtype)


def _hand_pca_case() -> Case:
    # Pixels (4, 0), (2, 0), (3, 2), (3, -2); mean (3, 0); covariance diag(0.5, 2): the first component is
    # channel 1, the second channel 0, and there is no third (C = 2): blue is 0.
    features = np.array([[[4.0, 2.0], [3.0, 3.0]],
                         [[0.0, 0.0], [2.0, -2.0]]])
    expected = np.array([[[0.5, 1.0, 0.0], [0.5, 0.0, 0.0]],
                         [[1.0, 0.5, 0.0], [0.0, 0.5, 0.0]]])
    return Case((features,), label="hand example: 2 channels, 2x2 pixels", expected=expected)


def cases_pca_rgb(seed: int = 0) -> list[Case]:
    """Visible cases: the hand example, then random feature maps (C = 6, 3, 2, 1; integers)."""
    cases = [_hand_pca_case()]
    for C, N, M in [(6, 7, 9), (3, 10, 6), (2, 5, 8), (1, 4, 6)]:
        cases.append(Case((pca_features(seed + C, C, N, M),), label=f"random {C} channels, {N}x{M} pixels"))
    cases.append(Case((np.round(pca_features(seed + 50, 4, 6, 5)).astype(np.int64),),
                      label="integer features, 4 channels, 6x5"))
    return cases


def check_pca_rgb(pca_rgb, cases=None) -> int:
    """Visible tests of ``pca_rgb`` (Figure 24.25), numpy only, components up to sign."""
    _ensure_snapshot()
    _restore()   # whatever the notebook rebound in numpy, torch or the course's modules goes back
    if not callable(pca_rgb):
        raise CheckError(f"pca_rgb should be a function, but it is {describe(pca_rgb)}.")
    cases = cases or cases_pca_rgb()
    for case in cases:
        _check_pca_case(pca_rgb, case)
    print(f"pca_rgb: all {len(cases)} checks passed.")
    return len(cases)


# ================================================================ receptive_field

def reference_receptive_field(layers) -> int:
    """Side length 1 + sum_i (k_i - 1) d_i prod_{j<i} s_j."""
    r, jump = 1, 1
    for k, s, d in layers:
        r += (int(k) - 1) * int(d) * jump
        jump *= int(s)
    return r


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


def _rf_reversed(layers):
    return reference_receptive_field(list(layers)[::-1])


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
            "is not stretched by any stride.", _rf_reversed),
    Mistake("you applied the loose rule 'a stride-s layer makes the receptive field s times larger' to the "
            "whole field; a stride only stretches the kernels of the LATER layers (see the note on §24.7).",
            _rf_text_rule),
    Mistake("you added up the kernel sizes; each layer adds (k - 1) * d * (product of earlier strides) to a "
            "field that starts at 1 pixel.", lambda layers: sum(int(k) for k, _, _ in layers)),
    Mistake("the 1 pixel the field starts from is missing (a stack of no layers sees 1 pixel; one 3x3 layer "
            "sees 3).", lambda layers: reference_receptive_field(layers) - 1),
    Mistake("that is the radius (r - 1) / 2 of the receptive field; return its side length r.",
            lambda layers: (reference_receptive_field(layers) - 1) // 2),
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
    _ensure_snapshot()
    _restore()   # whatever the notebook rebound in numpy, torch or the course's modules goes back
    name = "receptive_field"
    if not callable(receptive_field):
        raise CheckError(f"{name} should be a function, but it is {describe(receptive_field)}.")
    cases = cases or cases_receptive_field()
    for case in cases:
        layers = case.args[0] if case.args else case.kwargs["layers"]
        expected = reference_receptive_field(layers)
        got = call_guarded(receptive_field, case.args, case.kwargs, name=name, label=case.label)
        where = f" ({case.label})" if case.label else ""
        called = f"\n  called with layers = {[tuple(int(v) for v in layer) for layer in layers]}"
        if isinstance(got, (bool, np.bool_)) or not isinstance(got, (int, np.integer)):
            hint = ""
            if isinstance(got, (float, np.floating)) and float(got).is_integer():
                hint = (" A float crept in (np.prod of an empty list is 1.0, and / always gives a float): "
                        "return int(r).")
            raise CheckError(f"{name}{where} returned {describe(got)}; expected an integer ({expected}).{hint}"
                             + called)
        if int(got) != expected:
            hints = list(dict.fromkeys(m.message for m in RF_MISTAKES if _int_equal(m.wrong, layers, got)))
            msg = f"{name}{where} returned {int(got)}; expected {expected}." + called
            if len(hints) == 1:
                msg += f"\n  This looks like a known mistake: {hints[0]}"
            elif hints:
                msg += "\n  This matches more than one known mistake:" + "".join(f"\n  - {h}" for h in hints)
            raise CheckError(msg)
    print(f"{name}: all {len(cases)} checks passed.")
    return len(cases)


def _int_equal(wrong, layers, got) -> bool:
    try:
        return int(wrong(copy.deepcopy(layers))) == int(got)
    except Exception:  # noqa: BLE001
        return False


# ================================================================ empirical_receptive_field

@dataclasses.dataclass
class ErfCase:
    """One call of empirical_receptive_field: a fresh model from ``build()``, an input shape, a position."""

    build: Callable
    input_shape: tuple
    position: tuple
    label: str = ""


def reference_empirical_receptive_field(model, input_shape, position) -> np.ndarray:
    """Independent reference: the Jacobian of the unit's channels w.r.t. an all-ones input, summed over channels.

    Works on a deep copy, so the model passed in is untouched.
    """
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
    x = torch.ones((1,) + tuple(input_shape), dtype=p.dtype, device=p.device, requires_grad=True)
    out = m(x)
    r, c = position[::-1] if swap else position
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


def _model_state(model):
    import torch

    return {
        "params": {k: v.detach().clone() for k, v in model.named_parameters()},
        "buffers": {k: v.detach().clone() for k, v in model.named_buffers()},
        "grads": {k: (None if v.grad is None else v.grad.detach().clone()) for k, v in model.named_parameters()},
        "requires_grad": {k: v.requires_grad for k, v in model.named_parameters()},
        "training": {k: m.training for k, m in model.named_modules()},
        "torch": torch,
    }


def _state_problem(before, model) -> str | None:
    torch = before["torch"]
    after = _model_state(model)
    for k, v in before["params"].items():
        if k not in after["params"] or not torch.equal(after["params"][k], v):
            return (f"changed the model's weights ({k}). Measure the gradient with respect to the input; never "
                    "update or overwrite the parameters.")
    for k, g in after["grads"].items():
        g0 = before["grads"].get(k)
        if g0 is None and g is not None and bool(torch.any(g != 0)):
            return (f"left gradients in the model's parameters ({k}.grad is no longer None). loss.backward() "
                    "also fills p.grad for every parameter: use torch.autograd.grad(unit, x), which returns the "
                    "input's gradient only, or clear them afterwards (model.zero_grad(set_to_none=True)).")
        if g0 is not None and (g is None or not torch.equal(g, g0)):
            return f"changed the gradients already stored in the model's parameters ({k}.grad)."
    for k, v in before["requires_grad"].items():
        if after["requires_grad"].get(k) != v:
            return (f"changed requires_grad of the parameter {k}. Only the input needs requires_grad=True; "
                    "if you switch the parameters' flags off, restore them before returning.")
    for k, v in before["buffers"].items():
        if k in after["buffers"] and not torch.equal(after["buffers"][k], v):
            return (f"changed the model's buffer {k} (e.g. BatchNorm running statistics, updated by a forward "
                    "pass in training mode). Run the model in the mode it was given.")
    for k, v in before["training"].items():
        if after["training"].get(k) != v:
            mode = "training" if v else "eval"
            return (f"left the model in another mode: module {k or 'model'} was in {mode} mode. Do not call "
                    "model.eval() / model.train() (or restore the original mode before returning).")
    return None


def _mask_summary(mask: np.ndarray) -> str:
    if not mask.any():
        return "empty"
    rows = np.flatnonzero(mask.any(axis=1))
    cols = np.flatnonzero(mask.any(axis=0))
    return (f"{int(mask.sum())} pixels in rows {rows[0]}..{rows[-1]}, columns {cols[0]}..{cols[-1]} "
            f"(bounding box {rows[-1] - rows[0] + 1}x{cols[-1] - cols[0] + 1})")


_EXCEPTION_HINTS = [
    (("nonetype",), "x.grad is None: create the input with requires_grad=True (torch.ones(..., "
                    "requires_grad=True)) before the forward pass, and read the gradient of that same tensor."),
    (("does not require grad",), "autograd has no graph to differentiate: the input needs requires_grad=True, "
                                 "and the forward pass must not run under torch.no_grad()."),
    (("implicitly created only for scalar",), "backward() needs a scalar: sum the unit over its channels, "
                                              "out[0, :, row, col].sum()."),
    (("same dtype", "expected scalar type", "input type", "should be the same", "found double", "found float",
      "mat1 and mat2 must have the same dtype"),
     "the input's dtype differs from the model's: build it with dtype=next(model.parameters()).dtype."),
    (("out of bounds", "out of range"), "position = (row, col) indexes the model's OUTPUT: out[0, :, row, col]."),
    (("expected input[", "expected 4d", "expected 3d", "(unbatched) or 4d"),
     "the input must be a batch of one: torch.ones(1, C, H, W) for input_shape = (C, H, W)."),
]


def _exception_hint(message: str) -> str:
    low = message.lower()
    for keys, hint in _EXCEPTION_HINTS:
        if any(k in low for k in keys):
            return hint
    return ""


def _as_mask(got, name, where, shape):
    """(numpy bool mask, None) or (None, problem)."""
    mod = type(got).__module__ or ""
    if mod.startswith("torch") and hasattr(got, "detach"):
        if str(getattr(got, "dtype", "")) != "torch.bool":
            return None, (f"{name}{where} returned a torch tensor of dtype {got.dtype}; expected a boolean mask "
                          "of shape (H, W): (grad != 0) is boolean. Gradient values are not a mask.")
        got = got.detach().cpu().numpy()
    if type(got) is not np.ndarray:
        hint = " Did you forget the return statement?" if got is None else ""
        return None, f"{name}{where} returned {describe(got)}; expected a boolean numpy array of shape {shape}.{hint}"
    if got.dtype != np.bool_:
        return None, (f"{name}{where} returned dtype {got.dtype}; expected a boolean mask (dtype bool): compare "
                      "the gradient with zero, (grad != 0), instead of returning gradient values or 0/1 numbers.")
    if got.shape != shape:
        msg = f"{name}{where} returned shape {got.shape}; expected {shape} = (H, W) of the input"
        if got.ndim == 3 and got.shape[-2:] == shape:
            msg += (": drop the leading axis (the batch axis, or the input channels: a pixel counts when ANY "
                    "channel's gradient is non-zero, .any(dim=0))")
        elif got.shape == shape[::-1]:
            msg += ": rows and columns are swapped"
        return None, msg + "."
    return got, None


def _check_erf_case(fn: Callable, case: ErfCase) -> None:
    import torch

    name = "empirical_receptive_field"
    where = f" ({case.label})" if case.label else ""
    with torch.random.fork_rng(devices=[]):
        model = case.build()
    expected = reference_empirical_receptive_field(model, case.input_shape, case.position)
    before = _model_state(model)
    args = (model, case.input_shape, case.position)
    called = (f"\n  called with: a {type(model).__name__} model, input_shape={tuple(case.input_shape)}, "
              f"position={tuple(case.position)}")
    try:
        with torch.random.fork_rng(devices=[]):
            got = call_guarded(lambda: fn(*args), name=name, label=case.label)
    except CheckError as e:
        hint = _exception_hint(str(e))
        text = str(e).replace("  called with: \n", called.strip("\n") + "\n", 1)
        if text.endswith("  called with: "):
            text = text[:-len("  called with: ")] + called.strip("\n")
        raise CheckError(text + (f"\n  Hint: {hint}" if hint else "")) from None
    problem = _state_problem(before, model)
    if problem:
        raise CheckError(f"{name}{where} {problem}" + called)
    H, W = int(case.input_shape[-2]), int(case.input_shape[-1])
    mask, problem = _as_mask(got, name, where, (H, W))
    if problem:
        raise CheckError(problem + called)
    if np.array_equal(mask, expected):
        return
    diff = mask != expected
    pos = tuple(int(i) for i in np.argwhere(diff)[0])
    msg = [f"{name}{where} returned a wrong mask: {int(diff.sum())} of {diff.size} pixels differ. First at "
           f"{pos}: got {bool(mask[pos])}, expected {bool(expected[pos])}.",
           f"  your mask: {_mask_summary(mask)}", f"  expected:  {_mask_summary(expected)}", called.strip("\n")]
    hint = None
    for message, kw in _ERF_MISTAKES:
        try:
            with torch.random.fork_rng(devices=[]):
                wrong = _erf_variant(case.build(), case.input_shape, case.position, **kw)
        except Exception:  # noqa: BLE001
            continue
        if np.array_equal(wrong, mask):
            hint = message
            break
    if hint is None and not (mask & ~expected).any():
        hint = ("your mask misses pixels the unit depends on. Feed an all-ones input (a random or zero input "
                "can switch ReLUs off and cut gradient paths), keep every non-zero gradient (no threshold such "
                "as |g| > 1e-6: tiny gradients count), and sum the unit over all output channels.")
    elif hint is None and not (expected & ~mask).any():
        hint = ("your mask has extra pixels: take the gradient of the one unit out[0, :, row, col] "
                "(row, col in the output's coordinates), not of a larger part of the output.")
    if hint:
        msg.append(f"  This looks like a known mistake: {hint}")
    raise CheckError("\n".join(msg))


# ------------------------------------------------------------ model builders (visible cases)

def _conv(c_in, c_out, k, stride=1, dilation=1, bias=True, gen=None, scale=1.0, positive=False, dtype=None):
    """A Conv2d with 'same'-style padding and weights drawn from ``gen`` (normal, or |normal| + 0.1)."""
    import torch

    kh, kw = (k, k) if isinstance(k, int) else k
    conv = torch.nn.Conv2d(c_in, c_out, (kh, kw), stride=stride, dilation=dilation,
                           padding=(dilation * (kh // 2), dilation * (kw // 2)), bias=bias)
    with torch.no_grad():
        w = torch.randn(conv.weight.shape, generator=gen)
        conv.weight.copy_(scale * (w.abs() + 0.1 if positive else w))
        if bias:
            conv.bias.copy_(scale * torch.randn(conv.bias.shape, generator=gen))
    return conv.to(dtype) if dtype is not None else conv


def _gen(seed):
    import torch

    return torch.Generator().manual_seed(int(seed))


def _hand_model():
    import torch

    conv = torch.nn.Conv2d(1, 1, 3, padding=1, bias=False)
    with torch.no_grad():
        conv.weight.fill_(1.0)
    return torch.nn.Sequential(conv)


def _two_strided(seed=1):
    import torch

    g = _gen(seed)
    return torch.nn.Sequential(_conv(2, 3, 3, stride=2, gen=g), _conv(3, 2, 3, stride=2, gen=g))


def _channels_apart(seed=2):
    """Two output channels that see different regions: channel 0 the top-left, channel 1 the bottom-right."""
    import torch

    g = _gen(seed)
    conv = _conv(1, 2, 5, gen=g, positive=True)
    with torch.no_grad():
        keep = torch.zeros_like(conv.weight)
        keep[0, 0, :2, :2] = 1
        keep[1, 0, 3:, 2:] = 1
        conv.weight.mul_(keep)
    return torch.nn.Sequential(conv)


def _inputs_apart(seed=3):
    """Three input channels: channel 0 is read through the centre tap only, channels 1 and 2 through 3x5 taps."""
    import torch

    g = _gen(seed)
    conv = _conv(3, 2, (3, 5), gen=g)
    with torch.no_grad():
        conv.weight[:, 0] = 0.0
        conv.weight[:, 0, 1, 2] = 1.0
    return torch.nn.Sequential(conv)


def _relu_gate(seed=4):
    """ReLU units that only a (near) all-ones input switches on: weights 1, bias -8.5 (a full window of ones
    gives +0.5; random, zero or partial windows give negative pre-activations)."""
    import torch

    g = _gen(seed)
    first = torch.nn.Conv2d(1, 2, 3, padding=1)
    with torch.no_grad():
        first.weight.fill_(1.0)
        first.bias.fill_(-8.5)
    return torch.nn.Sequential(first, torch.nn.ReLU(), _conv(2, 1, 3, gen=g, positive=True))


def _three_layers(seed=5):
    import torch

    g = _gen(seed)
    return torch.nn.Sequential(_conv(1, 3, 3, gen=g), torch.nn.ReLU(), _conv(3, 3, 3, gen=g), torch.nn.Tanh(),
                               _conv(3, 2, 3, gen=g))


def _gap_model(seed=6):
    import torch

    g = _gen(seed)
    return torch.nn.Sequential(_conv(1, 4, 3, gen=g), torch.nn.AdaptiveAvgPool2d(1))


def _tiny_eval(seed=7):
    """Weights of order 1e-3 through three layers (gradients near 1e-9), in eval mode."""
    import torch

    g = _gen(seed)
    m = torch.nn.Sequential(_conv(1, 2, 3, gen=g, scale=1e-3), _conv(2, 2, 3, gen=g, scale=1e-3),
                            _conv(2, 1, 3, gen=g, scale=1e-3))
    return m.eval()


def cases_empirical_receptive_field() -> list[ErfCase]:
    """Visible cases: a hand example, strides, channels that see different regions, ReLU gates, a border unit,
    global average pooling, tiny gradients in eval mode."""
    return [
        ErfCase(_hand_model, (1, 7, 9), (3, 4), "hand example: one 3x3 conv, unit (3, 4) sees rows 2..4, cols 3..5"),
        ErfCase(_two_strided, (2, 20, 24), (2, 3), "two stride-2 3x3 convs, 2 input channels, training mode"),
        ErfCase(_channels_apart, (1, 11, 13), (5, 6), "two output channels that see different regions"),
        ErfCase(_inputs_apart, (3, 9, 14), (4, 6), "3x5 kernels; input channel 0 seen through one tap only"),
        ErfCase(_relu_gate, (1, 12, 12), (6, 5), "ReLU units that only an all-ones input switches on"),
        ErfCase(_three_layers, (1, 10, 16), (0, 0), "three 3x3 layers, a unit in the corner (clipped field)"),
        ErfCase(_gap_model, (1, 9, 12), (0, 0), "conv then global average pooling: the unit sees everything"),
        ErfCase(_tiny_eval, (1, 13, 11), (6, 5), "weights of order 1e-3 (tiny gradients), model in eval mode"),
    ]


def check_empirical_receptive_field(empirical_receptive_field, cases=None) -> int:
    """Visible tests of ``empirical_receptive_field``: masks, and the model left as it was."""
    _ensure_snapshot()
    _restore()   # whatever the notebook rebound in numpy, torch or the course's modules goes back
    name = "empirical_receptive_field"
    if not callable(empirical_receptive_field):
        raise CheckError(f"{name} should be a function, but it is {describe(empirical_receptive_field)}.")
    cases = cases or cases_empirical_receptive_field()
    for case in cases:
        _check_erf_case(empirical_receptive_field, case)
    print(f"{name}: all {len(cases)} checks passed.")
    return len(cases)


# ================================================================ questions

def check_answer_rf_after_pool(answer) -> None:
    """Form check of the receptive-field question (the letter is graded in the hidden tests)."""
    check_choice(answer, name="answer_rf_after_pool")
    print("answer_rf_after_pool: a valid choice (its correctness is graded when you submit).")


def check_answer_corner_pixels(answer) -> None:
    """Form check of the corner-unit question (the letter is graded in the hidden tests)."""
    check_choice(answer, name="answer_corner_pixels")
    print("answer_corner_pixels: a valid choice (its correctness is graded when you submit).")
