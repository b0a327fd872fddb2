"""The grader's checks for notebook 01_convolution (chapter §24.1–24.2.1): references, mistakes, cases.

Each ``check_<name>(fn)`` runs the visible tests of one graded function:
a hand-computed example first, then a few small random cases.  The hidden
tests (kept by the instructor, never shipped) call the same checkers with
cases of their own.
"""
from __future__ import annotations

import numpy as np

from convcourse import ops

from .. import references
from convcourse.checks.core import Case, Mistake, check_choice, check_function

__all__ = [
    "check_corr2d", "check_convolve2d", "check_corr1d", "check_toeplitz_1d",
    "check_conv_multi_in", "check_conv_multi_out", "check_conv_layer",
    "check_conv_layer_fast", "check_conv_num_params", "check_answer_filter_params", "check_answer_num_filters",
    "MISTAKES",
]

SAME = "'same' output: the input's (N, M)"


# ------------------------------------------------------- mistakes (numpy)

def _valid(xp: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Valid cross-correlation of the last two axes of xp with w (via the reference op)."""
    w = np.asarray(w, dtype=np.float64)
    k1, k2 = w.shape[-2] // 2, w.shape[-1] // 2
    same = ops.corr2d(np.asarray(xp, dtype=np.float64), w)
    return same[..., k1:same.shape[-2] - k1, k2:same.shape[-1] - k2]


def _half(w):
    return w.shape[-2] // 2, w.shape[-1] // 2


def _corr_valid_padding(x, w, b=0.0):
    return _valid(x, w) + b


def _corr_full_padding(x, w, b=0.0):
    k1, k2 = w.shape[-2] - 1, w.shape[-1] - 1
    pad = [(0, 0)] * (np.ndim(x) - 2) + [(k1, k1), (k2, k2)]
    return _valid(np.pad(np.asarray(x, float), pad), w) + b


def _corr_edge_padding(x, w, b=0.0):
    k1, k2 = _half(w)
    pad = [(0, 0)] * (np.ndim(x) - 2) + [(k1, k1), (k2, k2)]
    return _valid(np.pad(np.asarray(x, float), pad, mode="edge"), w) + b


def _corr_corner_anchor(x, w, b=0.0):
    k1, k2 = w.shape[-2] - 1, w.shape[-1] - 1
    pad = [(0, 0)] * (np.ndim(x) - 2) + [(0, k1), (0, k2)]
    return _valid(np.pad(np.asarray(x, float), pad), w) + b


def _corr_padded_output(x, w, b=0.0, bias_on_border=False):
    k1, k2 = _half(w)
    pad = [(0, 0)] * (np.ndim(x) - 2) + [(k1, k1), (k2, k2)]
    if bias_on_border:
        return np.pad(_valid(x, w), pad) + b
    return np.pad(_valid(x, w) + b, pad)


def _flip_one_axis(x, w, b=0.0):
    return ops.corr2d(x, np.asarray(w)[::-1, :], b)


def _flip_other_axis(x, w, b=0.0):
    return ops.corr2d(x, np.asarray(w)[:, ::-1], b)


def _corr2d_mistakes(flipped_message: str) -> list[Mistake]:
    return [
        Mistake(flipped_message, lambda x, w, b=0.0: ops.convolve2d(x, w, b)),
        Mistake("the kernel is flipped along one axis only (w[::-1, :] or w[:, ::-1]).", _flip_one_axis),
        Mistake("the kernel is flipped along one axis only (w[::-1, :] or w[:, ::-1]).", _flip_other_axis),
        Mistake("the bias b is missing: add it once to every output pixel.",
                lambda x, w, b=0.0: ops.corr2d(x, w, 0.0)),
        Mistake("the bias is added once per kernel tap (K1*K2 times) instead of once per output pixel.",
                lambda x, w, b=0.0: ops.corr2d(x, w, 0.0) + b * np.asarray(w).size),
        Mistake("you computed a 'valid' correlation (no padding): the output shrinks by K-1 rows and columns. "
                "Pad the input with K1 = (rows-1)//2 zero rows and K2 = (cols-1)//2 zero columns on each side.",
                _corr_valid_padding),
        Mistake("you padded by the full kernel size ('full' output): pad by (K-1)//2 on each side instead.",
                _corr_full_padding),
        Mistake("you padded the output instead of the input: the border pixels are computed too, with the "
                "zeros outside the image in the sum. Pad x first, then correlate.", _corr_padded_output),
        Mistake("you padded the output instead of the input: the border pixels are computed too, with the "
                "zeros outside the image in the sum. Pad x first, then correlate.",
                lambda x, w, b=0.0: _corr_padded_output(x, w, b, bias_on_border=True)),
        Mistake("you padded with copies of the border pixels; the layer pads with zeros (np.pad's default).",
                _corr_edge_padding),
        Mistake("the kernel is anchored at its top-left corner instead of its centre: the output is shifted "
                "by (K1, K2). Use x[n + k1 - K1, m + k2 - K2].", _corr_corner_anchor),
        Mistake("the kernel is transposed (w.T): k1 moves along rows n, k2 along columns m.",
                lambda x, w, b=0.0: ops.corr2d(x, np.asarray(w).T, b)),
    ]


MISTAKES = {
    "corr2d": _corr2d_mistakes(
        "the kernel is flipped: that is convolution (eq. 24.2 is a cross-correlation, w is not flipped)."),
    "convolve2d": [
        Mistake("the kernel is not flipped: that is cross-correlation. Convolution uses w[::-1, ::-1].",
                lambda x, w, b=0.0: ops.corr2d(x, w, b)),
        Mistake("the kernel is flipped along one axis only; flip both (w[::-1, ::-1]).",
                lambda x, w, b=0.0: ops.corr2d(x, np.asarray(w)[::-1, :], b)),
        Mistake("the kernel is flipped along one axis only; flip both (w[::-1, ::-1]).",
                lambda x, w, b=0.0: ops.corr2d(x, np.asarray(w)[:, ::-1], b)),
        Mistake("the kernel is transposed (w.T), not flipped: convolution flips both axes, w[::-1, ::-1].",
                lambda x, w, b=0.0: ops.corr2d(x, np.asarray(w).T, b)),
        Mistake("the kernel is rotated by 90 degrees (np.rot90(w) or w.T[::-1]); convolution rotates it by "
                "180 degrees: w[::-1, ::-1] (np.rot90(w, 2)).",
                lambda x, w, b=0.0: ops.corr2d(x, np.rot90(np.asarray(w), 1), b)),
        Mistake("the kernel is rotated by 90 degrees (np.rot90(w) or w.T[::-1]); convolution rotates it by "
                "180 degrees: w[::-1, ::-1] (np.rot90(w, 2)).",
                lambda x, w, b=0.0: ops.corr2d(x, np.rot90(np.asarray(w), -1), b)),
        Mistake("you flipped the image instead of the kernel: that alone gives a flipped output. Flip the "
                "kernel, w[::-1, ::-1] (or flip the result back too).",
                lambda x, w, b=0.0: ops.corr2d(np.asarray(x)[::-1, ::-1], w, b)),
        Mistake("the bias b is missing.", lambda x, w, b=0.0: ops.convolve2d(x, w, 0.0)),
        Mistake("you computed a 'valid' output (no padding).",
                lambda x, w, b=0.0: _valid(x, np.asarray(w)[::-1, ::-1]) + b),
        Mistake("you computed the 'full' output (padded by the kernel size): pad by (K-1)//2 on each side.",
                lambda x, w, b=0.0: _corr_full_padding(x, np.asarray(w)[::-1, ::-1], b)),
    ],
    "corr1d": [
        Mistake("the kernel is flipped: that is convolution, not cross-correlation.",
                lambda x, w: ops.corr2d(np.asarray(x, float)[None, :], np.asarray(w)[None, ::-1])[0]),
        Mistake("you computed a 'valid' correlation: pad with K zeros on each side.",
                lambda x, w: _valid(np.asarray(x, float)[None, :], np.asarray(w)[None, :])[0]),
        Mistake("the kernel is anchored at its first tap instead of its centre (the output is shifted by K).",
                lambda x, w: _corr_corner_anchor(np.asarray(x, float)[None, :], np.asarray(w)[None, :])[0]),
        Mistake("you computed the 'full' correlation (padded by len(w) - 1): pad with K = len(w) // 2 zeros.",
                lambda x, w: _corr_full_padding(np.asarray(x, float)[None, :], np.asarray(w)[None, :])[0]),
        Mistake("you padded with copies of the end samples; the layer pads with zeros.",
                lambda x, w: _corr_edge_padding(np.asarray(x, float)[None, :], np.asarray(w)[None, :])[0]),
    ],
    "toeplitz_1d": [
        Mistake("this is the transpose of T: row n of T holds the weights that output n gives to each input.",
                lambda w, n: ops.toeplitz_1d(w, n).T),
        Mistake("the kernel is flipped: T @ x would be a convolution.",
                lambda w, n: ops.toeplitz_1d(np.asarray(w)[::-1], n)),
        Mistake("the band is off by K: the centre tap w[K] belongs on the main diagonal.",
                lambda w, n: _toeplitz_shifted(w, n)),
        Mistake("the band wraps around the corners (a circulant matrix): the taps that fall outside the signal "
                "meet the zero padding, so those entries of T are 0.",
                lambda w, n: _toeplitz_circulant(w, n)),
    ],
    "conv_multi_in": [
        Mistake("the bias is added once per input channel (the text's b[c] inside the sum is an erratum); "
                "a single filter has one bias, added once.",
                lambda x, w, b=0.0: ops.conv_multi_in(x, w, 0.0) + b * np.shape(x)[0]),
        Mistake("the bias b is missing.", lambda x, w, b=0.0: ops.conv_multi_in(x, w, 0.0)),
        Mistake("the kernels are flipped (convolution instead of cross-correlation).",
                lambda x, w, b=0.0: ops.conv_multi_in(x, np.asarray(w)[:, ::-1, ::-1], b)),
        Mistake("channels are paired in reverse order: channel c of x goes with w[c].",
                lambda x, w, b=0.0: ops.conv_multi_in(x, np.asarray(w)[::-1], b)),
        Mistake("you averaged over channels instead of summing.",
                lambda x, w, b=0.0: ops.conv_multi_in(x, w, 0.0) / np.shape(x)[0] + b),
        Mistake("the channel responses were not summed: only the last channel contributes "
                "(out = ... instead of out += ... in the loop?).",
                lambda x, w, b=0.0: ops.corr2d(np.asarray(x)[-1], np.asarray(w)[-1], b)),
        Mistake("the last channel is missing from the sum (off by one: range(C - 1)?).",
                lambda x, w, b=0.0: ops.conv_multi_in(np.asarray(x)[:-1], np.asarray(w)[:-1], b)),
    ],
    "conv_multi_out": [
        Mistake("every channel got b[0]: channel c adds its own bias b[c].",
                lambda x, w, b: ops.conv_multi_out(x, w, np.full_like(np.asarray(b, float), np.asarray(b)[0]))),
        Mistake("the bias b is missing.", lambda x, w, b: ops.conv_multi_out(x, w, np.zeros(np.shape(b)))),
        Mistake("the kernels are flipped (convolution instead of cross-correlation).",
                lambda x, w, b: ops.conv_multi_out(x, np.asarray(w)[:, ::-1, ::-1], b)),
        Mistake("the biases are paired with the wrong filters (b reversed).",
                lambda x, w, b: ops.conv_multi_out(x, w, np.asarray(b)[::-1])),
        Mistake("the bias is added twice (once inside corr2d, once after).",
                lambda x, w, b: ops.conv_multi_out(x, w, 2 * np.asarray(b, dtype=float))),
    ],
    "conv_layer": [
        Mistake("w was read in torch's (C_out, C_in, K1, K2) layout; the book's layout is w[c_in, c_out] "
                "(eq. 24.4).", lambda x, w, b: ops.conv_layer(x, np.asarray(w).transpose(1, 0, 2, 3), b)),
        Mistake("the bias is added once per input channel (C_in times); add b[c_out] once.",
                lambda x, w, b: ops.conv_layer(x, w, np.asarray(b, float) * np.shape(x)[0])),
        Mistake("the bias b is missing.", lambda x, w, b: ops.conv_layer(x, w, None)),
        Mistake("the kernels are flipped (convolution instead of cross-correlation).",
                lambda x, w, b: ops.conv_layer(x, np.asarray(w)[:, :, ::-1, ::-1], b)),
        Mistake("input channels were not summed: only the last input channel contributes.",
                lambda x, w, b: ops.conv_layer(np.asarray(x)[-1:], np.asarray(w)[-1:], b)),
        Mistake("input channels were not summed: only the first input channel contributes.",
                lambda x, w, b: ops.conv_layer(np.asarray(x)[:1], np.asarray(w)[:1], b)),
        Mistake("you averaged over input channels instead of summing.",
                lambda x, w, b: ops.conv_layer(x, w, None) / np.shape(x)[0] + np.asarray(b, float)[:, None, None]),
    ],
}


def _toeplitz_circulant(w, n):
    """Indices wrapped around (mod n) instead of zero padding."""
    w = np.asarray(w, dtype=float)
    K = len(w) // 2
    return sum(wk * np.roll(np.eye(n), k - K, axis=1) for k, wk in enumerate(w))


def _toeplitz_shifted(w, n):
    """Band starting on the diagonal (T[i, i + k] = w[k]) instead of centred on it."""
    K = len(w) // 2
    return ops.toeplitz_1d(np.asarray(w, dtype=float), n + K)[K:K + n, :n]


# ------------------------------------------------------------------ cases

def _rng_cases_corr2d(seed: int, shapes, dtype=np.float64):
    rng = np.random.default_rng(seed)
    out = []
    for (n, m), (k1, k2) in shapes:
        x = rng.normal(size=(n, m)).astype(dtype)
        w = rng.normal(size=(k1, k2))
        out.append(Case((x, w, float(rng.normal())), label=f"random {n}x{m} image, {k1}x{k2} kernel"))
    return out


def cases_corr2d(seed: int = 0) -> list[Case]:
    """Visible cases for corr2d / convolve2d: the worked example, then random ones."""
    x = np.arange(12, dtype=float).reshape(3, 4)
    w = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 2.0], [0.0, 0.0, 0.0]])
    cases = [Case((x, w), label="3x4 image, asymmetric 3x3 kernel, no bias")]
    return cases + _rng_cases_corr2d(seed, [((5, 7), (3, 3)), ((6, 4), (3, 5)), ((4, 4), (1, 1))])


def cases_corr1d(seed: int = 0, sizes=((7, 3), (5, 5), (9, 1))) -> list[Case]:
    cases = [Case((np.array([1.0, 2.0, 3.0, 4.0]), np.array([1.0, 0.0, -1.0])), label="hand example")]
    rng = np.random.default_rng(seed)
    for n, k in sizes:
        cases.append(Case((rng.normal(size=n), rng.normal(size=k)), label=f"random length {n}, kernel {k}"))
    return cases


def cases_toeplitz(seed: int = 0, sizes=((3, 6), (5, 5))) -> list[Case]:
    cases = [Case((np.array([1.0, 2.0, 3.0]), 4), label="w = [1, 2, 3], n = 4")]
    rng = np.random.default_rng(seed)
    for k, n in sizes:
        label = f"random kernel of {k}, n = {n}" + (" (kernel longer than the signal)" if k > n else "")
        cases.append(Case((rng.normal(size=k), n), label=label))
    return cases


def cases_multi_in(seed: int = 0, shapes=((3, 5, 6, 3, 3), (2, 4, 4, 1, 3))) -> list[Case]:
    rng = np.random.default_rng(seed)
    x = np.stack([np.eye(3), np.ones((3, 3))])
    w = np.stack([np.array([[0, 0, 0], [0, 1.0, 0], [0, 0, 0]]), np.full((3, 3), 0.5)])
    cases = [Case((x, w, 1.0), label="2 channels, hand example")]
    for c, n, m, k1, k2 in shapes:
        cases.append(Case((rng.normal(size=(c, n, m)), rng.normal(size=(c, k1, k2)), float(rng.normal())),
                          label=f"{c} channels, {n}x{m}, {k1}x{k2} kernels"))
    return cases


def cases_multi_out(seed: int = 0, shapes=((3, 5, 6, 3, 3), (2, 4, 7, 1, 3))) -> list[Case]:
    rng = np.random.default_rng(seed)
    x = np.arange(9.0).reshape(3, 3)
    w = np.stack([np.eye(3), -np.eye(3)])
    cases = [Case((x, w, np.array([1.0, 2.0])), label="2 filters, hand example")]
    for c, n, m, k1, k2 in shapes:
        cases.append(Case((rng.normal(size=(n, m)), rng.normal(size=(c, k1, k2)), rng.normal(size=c)),
                          label=f"{c} filters, {n}x{m}, {k1}x{k2} kernels"))
    return cases


def cases_conv_layer(seed: int = 0, shapes=((3, 4, 5, 6, 3, 3), (2, 2, 6, 4, 3, 5), (1, 3, 4, 4, 1, 1))
                     ) -> list[Case]:
    rng = np.random.default_rng(seed)
    x = np.stack([np.arange(12.0).reshape(3, 4), np.ones((3, 4))])
    w = np.zeros((2, 3, 3, 3))
    w[0, 0, 1, 1] = 1.0     # output 0 copies input 0
    w[1, 1, 1, 1] = 2.0     # output 1 doubles input 1
    w[0, 2, 1, 2] = 1.0     # output 2 looks one column to the right in input 0 ...
    w[1, 2, 0, 1] = -1.0    # ... minus the pixel above in input 1
    cases = [Case((x, w, np.array([0.0, 0.5, -1.0])), label="C_in=2 -> C_out=3, hand example")]
    # A layer with C_in == C_out first: a solution that reads w in torch's (C_out, C_in) layout runs on it
    # (and gets the layout diagnosis) instead of crashing with an IndexError on the hand example.
    sq = np.random.default_rng(seed + 100)
    cases.insert(0, Case((sq.normal(size=(2, 4, 5)), sq.normal(size=(2, 2, 3, 3)), sq.normal(size=2)),
                         label="C_in=2, C_out=2, 4x5, 3x3 kernels"))
    for ci, co, n, m, k1, k2 in shapes:
        cases.append(Case((rng.normal(size=(ci, n, m)), rng.normal(size=(ci, co, k1, k2)), rng.normal(size=co)),
                          label=f"C_in={ci}, C_out={co}, {n}x{m}, {k1}x{k2} kernels"))
    return cases


# ------------------------------------------------------------------ checks

# While a function is checked, the student's other graded functions it may call are bound to the
# references, so one mistake (or exception) costs only the function that contains it.
_LAYER_DEPENDS = {"corr2d": ops.corr2d, "conv_multi_in": ops.conv_multi_in, "conv_multi_out": ops.conv_multi_out,
                  "conv_layer": ops.conv_layer}


def check_corr2d(corr2d, cases=None) -> int:
    """Visible tests of ``corr2d`` (eq. 24.2)."""
    return check_function(corr2d, cases or cases_corr2d(), reference=ops.corr2d, name="corr2d",
                          mistakes=MISTAKES["corr2d"], numpy_only=True, shape_formula=SAME)


def check_convolve2d(convolve2d, cases=None) -> int:
    """Visible tests of ``convolve2d`` (true convolution, flipped kernel)."""
    return check_function(convolve2d, cases or cases_corr2d(1), reference=ops.convolve2d, name="convolve2d",
                          mistakes=MISTAKES["convolve2d"], numpy_only=True, shape_formula=SAME,
                          depends={"corr2d": ops.corr2d})


def check_corr1d(corr1d, cases=None) -> int:
    """Visible tests of ``corr1d``."""
    return check_function(corr1d, cases or cases_corr1d(), reference=ops.corr1d, name="corr1d",
                          mistakes=MISTAKES["corr1d"], numpy_only=True,
                          shape_formula="same length N as x", depends={"toeplitz_1d": ops.toeplitz_1d})


def check_toeplitz_1d(toeplitz_1d, cases=None) -> int:
    """Visible tests of ``toeplitz_1d``: T @ x equals the 1-D correlation (Figure 24.4)."""
    return check_function(toeplitz_1d, cases or cases_toeplitz(), reference=ops.toeplitz_1d, name="toeplitz_1d",
                          mistakes=MISTAKES["toeplitz_1d"], numpy_only=True,
                          shape_formula="(n, n)", depends={"corr1d": ops.corr1d})


def check_conv_multi_in(conv_multi_in, cases=None) -> int:
    """Visible tests of ``conv_multi_in`` (several input channels, one output)."""
    return check_function(conv_multi_in, cases or cases_multi_in(), reference=ops.conv_multi_in,
                          name="conv_multi_in", mistakes=MISTAKES["conv_multi_in"], numpy_only=True,
                          shape_formula="(N, M): channels are summed", depends={"corr2d": ops.corr2d})


def check_conv_multi_out(conv_multi_out, cases=None) -> int:
    """Visible tests of ``conv_multi_out`` (eq. 24.3)."""
    return check_function(conv_multi_out, cases or cases_multi_out(), reference=ops.conv_multi_out,
                          name="conv_multi_out", mistakes=MISTAKES["conv_multi_out"], numpy_only=True,
                          shape_formula="(C, N, M): one map per filter", depends={"corr2d": ops.corr2d})


def check_conv_layer(conv_layer, cases=None) -> int:
    """Visible tests of ``conv_layer`` (eq. 24.4, book layout w[c_in, c_out])."""
    return check_function(conv_layer, cases or cases_conv_layer(), reference=ops.conv_layer, name="conv_layer",
                          mistakes=MISTAKES["conv_layer"], numpy_only=True,
                          shape_formula="(C_out, N, M) with C_out = w.shape[1]", depends=_LAYER_DEPENDS)


FAST_CALL_BUDGET = 20_000


def cases_conv_layer_fast(seed: int = 0, base: list[Case] | None = None) -> list[Case]:
    """conv_layer's cases plus one layer of realistic size (16 -> 32 channels, 64x64, 3x3)."""
    rng = np.random.default_rng(seed + 7)
    big = Case((rng.normal(size=(16, 64, 64)), rng.normal(size=(16, 32, 3, 3)), rng.normal(size=32)),
               label="C_in=16, C_out=32, 64x64, 3x3 (must be vectorised)")
    return (cases_conv_layer(seed) if base is None else base) + [big]


def check_conv_layer_fast(conv_layer_fast, cases=None) -> int:
    """Visible tests of ``conv_layer_fast``: conv_layer's answers, without Python loops over pixels."""
    return check_function(conv_layer_fast, cases or cases_conv_layer_fast(), reference=ops.conv_layer,
                          name="conv_layer_fast", mistakes=MISTAKES["conv_layer"], numpy_only=True,
                          shape_formula="(C_out, N, M) with C_out = w.shape[1]",
                          max_calls=FAST_CALL_BUDGET, depends=_LAYER_DEPENDS)


_NUM_PARAMS_MISTAKES = [
    Mistake("each filter spans every input channel: count c_in * k * k weights per filter.",
            lambda c_in, c_out, k, bias=True: c_out * k * k + (c_out if bias else 0)),
    Mistake("there is one bias per output channel (c_out), not per input channel.",
            lambda c_in, c_out, k, bias=True: c_in * c_out * k * k + (c_in if bias else 0)),
    Mistake("a k x k kernel has k * k weights (per input channel), not k.",
            lambda c_in, c_out, k, bias=True: c_in * c_out * k + (c_out if bias else 0)),
    Mistake("the bias flag is ignored: with bias=False the layer has no biases.",
            lambda c_in, c_out, k, bias=True: c_in * c_out * k * k + c_out),
    Mistake("the bias flag is inverted: bias=True adds c_out biases, bias=False none.",
            lambda c_in, c_out, k, bias=True: c_in * c_out * k * k + (0 if bias else c_out)),
    Mistake("there is one bias per output channel (c_out), not one for the whole layer.",
            lambda c_in, c_out, k, bias=True: c_in * c_out * k * k + (1 if bias else 0)),
]


def check_conv_num_params(conv_num_params, cases=None) -> int:
    """Visible tests of ``conv_num_params``: the layer of Figure 24.6 and a small one."""
    cases = cases or [Case((3, 96, 3), {"bias": False}, label="Figure 24.6: 3 -> 96 channels, 3x3, no bias"),
                      Case((1, 2, 3), label="1 -> 2 channels, 3x3, with bias")]
    return check_function(conv_num_params, cases, reference=references.conv_num_params, name="conv_num_params",
                          mistakes=_NUM_PARAMS_MISTAKES, floating=False)


def check_answer_filter_params(answer) -> None:
    """Form check for the first question of §24.2.1 (the letter is graded in the hidden tests)."""
    check_choice(answer, name="answer_filter_params")
    print("answer_filter_params: a valid choice (its correctness is graded when you submit).")


def check_answer_num_filters(answer) -> None:
    """Form check for the second question of §24.2.1."""
    check_choice(answer, name="answer_num_filters")
    print("answer_num_filters: a valid choice (its correctness is graded when you submit).")
