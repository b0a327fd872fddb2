"""The grader's checks for notebook 03_dilation (chapter §24.2.3, dilated convolution and cascades).

Each ``check_<name>(fn)`` runs the visible tests of one graded function: a
hand-computed example first, then a few small random cases.  The hidden
tests (kept by the instructor, never shipped) call the same checkers with
cases of their own.
"""
from __future__ import annotations

import math

import numpy as np

from convcourse import ops

from .. import references
from convcourse.checks.core import Case, CheckError, Mistake, check_function
from convcourse.checks.dilation import explain

__all__ = [
    "check_dilate_kernel", "check_conv_dilated", "check_count_peaks", "check_compose_kernels",
    "check_cascade_size", "MISTAKES",
]

SAME = "'same' output: the input's (N, M)"
DILATED_SHAPE = "an axis of length k becomes (k - 1) * d + 1: d - 1 zeros between neighbouring taps"
COMPOSED_SHAPE = ("(sum_i (K1_i - 1) + 1, sum_i (K2_i - 1) + 1): the full convolution of the kernels, "
                  "which grows with every kernel of the list")


# ------------------------------------------------------------- dilate_kernel

def _per_axis(w, d, build):
    """Apply a 1-D construction ``build(length, d) -> (size, index)`` along every axis of w."""
    w = np.asarray(w, dtype=np.float64)
    sizes, index = [], []
    for k in w.shape:
        size, idx = build(k, d)
        sizes.append(size)
        index.append(idx)
    out = np.zeros(sizes)
    out[np.ix_(*index)] = w
    return out


def _trailing_zeros(w, d):
    return _per_axis(w, d, lambda k, d: (k * d, np.arange(k) * d))


def _leading_zeros(w, d):
    return _per_axis(w, d, lambda k, d: (k * d, np.arange(k) * d + d - 1))


def _repeated_taps(w, d):
    w = np.asarray(w, dtype=np.float64)
    for axis in range(w.ndim):
        w = np.repeat(w, d, axis=axis)
    return w


_DILATE_MISTAKES = [
    Mistake("the taps are d + 1 apart (d zeros between them). Dilation d leaves d - 1 zeros between "
            "neighbouring taps: out[::d] = w.", lambda w, d: ops.dilate_kernel(w, d + 1)),
    Mistake("there are d - 1 extra zeros after the last tap (length k * d, as np.kron gives). The dilated "
            "kernel starts and ends with a tap: length (k - 1) * d + 1.", _trailing_zeros),
    Mistake("the zeros come before each tap (length k * d). The dilated kernel starts and ends with a tap: "
            "length (k - 1) * d + 1, out[::d] = w.", _leading_zeros),
    Mistake("the taps were repeated (np.repeat: nearest-neighbour upsampling of the kernel) instead of "
            "being separated by zeros.", _repeated_taps),
    Mistake("only the rows were dilated: space the taps d apart along both axes.",
            lambda w, d: ops.dilate_kernel(w, (d, 1))),
    Mistake("only the columns were dilated: space the taps d apart along both axes.",
            lambda w, d: ops.dilate_kernel(w, (1, d))),
    Mistake("the kernel is transposed: axis 0 of w (rows, k1) must stay axis 0.",
            lambda w, d: ops.dilate_kernel(np.asarray(w).T, d)),
    Mistake("the kernel is flipped: dilation only spaces the taps out, it keeps their order.",
            lambda w, d: ops.dilate_kernel(np.flip(np.asarray(w)), d)),
]


# -------------------------------------------------------------- conv_dilated

def _conv_dilated_small_padding(x, w, dilation, b=0.0):
    """Padding by K (the undilated half-size) and a valid correlation with the dilated kernel."""
    w = np.asarray(w, dtype=np.float64)
    k1, k2 = w.shape[0] // 2, w.shape[1] // 2
    xp = np.pad(np.asarray(x, dtype=np.float64), ((k1, k1), (k2, k2)))
    wd = ops.dilate_kernel(w, dilation)
    r1, r2 = wd.shape[0] // 2, wd.shape[1] // 2
    same = ops.corr2d(xp, wd, b)
    return same[r1:same.shape[0] - r1, r2:same.shape[1] - r2]


def _conv_dilated_corner(x, w, dilation, b=0.0):
    """Dilated kernel anchored at its top-left tap (output shifted by K*d)."""
    wd = ops.dilate_kernel(np.asarray(w, dtype=np.float64), dilation)
    n, m = np.shape(x)
    r1, r2 = wd.shape[0] // 2, wd.shape[1] // 2
    xp = np.pad(np.asarray(x, dtype=np.float64), ((0, 2 * r1), (0, 2 * r2)))
    return ops.corr2d(xp, wd, b)[r1:r1 + n, r2:r2 + m]


_CONV_DILATED_MISTAKES = [
    Mistake("the dilation is ignored: this is the plain layer corr2d(x, w, b). Space the taps "
            "d = dilation pixels apart: x[n + d*(k1 - K1), m + d*(k2 - K2)].",
            lambda x, w, dilation, b=0.0: ops.corr2d(x, w, b)),
    Mistake("the kernel is flipped: that is convolution. The course's layers are cross-correlations "
            "(eq. 24.6 written with + d*(k - K) offsets).",
            lambda x, w, dilation, b=0.0: ops.conv_dilated(x, np.asarray(w)[::-1, ::-1], dilation, b)),
    Mistake("the taps are dilation + 1 apart (d zeros between them instead of d - 1).",
            lambda x, w, dilation, b=0.0: ops.conv_dilated(x, w, dilation + 1, b)),
    Mistake("only the rows are dilated: the taps must be d apart along both axes.",
            lambda x, w, dilation, b=0.0: ops.conv_dilated(x, w, (dilation, 1), b)),
    Mistake("only the columns are dilated: the taps must be d apart along both axes.",
            lambda x, w, dilation, b=0.0: ops.conv_dilated(x, w, (1, dilation), b)),
    Mistake("that is strided convolution (the output keeps every d-th pixel). Dilation spreads the kernel's "
            "taps and keeps every output pixel.",
            lambda x, w, dilation, b=0.0: ops.corr2d(x, w, b)[::dilation, ::dilation]),
    Mistake("the padding is K = (k - 1) // 2, but the dilated kernel reaches K * d pixels from its centre: "
            "pad by K1 * d rows and K2 * d columns on each side.", _conv_dilated_small_padding),
    Mistake("the dilated kernel is anchored at its top-left tap instead of its centre: the output is "
            "shifted by (K1 * d, K2 * d).", _conv_dilated_corner),
    Mistake("the bias b is missing: add it once to every output pixel.",
            lambda x, w, dilation, b=0.0: ops.conv_dilated(x, w, dilation, 0.0)),
    Mistake("the bias is added once per kernel tap instead of once per output pixel.",
            lambda x, w, dilation, b=0.0: ops.conv_dilated(x, w, dilation, 0.0) + b * np.size(w)),
    Mistake("the kernel is transposed (w.T): k1 moves along rows n, k2 along columns m.",
            lambda x, w, dilation, b=0.0: ops.conv_dilated(x, np.asarray(w).T, dilation, b)),
]


# --------------------------------------------------------------- count_peaks

_NEIGHBOURS = [(i, j) for i in (-1, 0, 1) for j in (-1, 0, 1) if (i, j) != (0, 0)]


def _peaks_reference(a, tol=1e-9):
    """Strict local maxima over the 8 periodic neighbours (the reference answer)."""
    a = np.asarray(a, dtype=np.float64)
    highest = np.max(np.stack([np.roll(a, s, axis=(0, 1)) for s in _NEIGHBOURS]), axis=0)
    return int(np.count_nonzero(a > highest + tol))


def _peaks_variant(a, tol=1e-9, *, shifts=_NEIGHBOURS, wrap=True, pad_value=-np.inf, strict=True,
                   use_tol=True, sign=1.0):
    a = sign * np.asarray(a, dtype=np.float64)
    n, m = a.shape
    p = np.pad(a, 1, mode="wrap") if wrap else np.pad(a, 1, constant_values=pad_value)
    t = tol if use_tol else 0.0
    ok = np.ones(a.shape, dtype=bool)
    for i, j in shifts:
        other = p[1 + i:1 + i + n, 1 + j:1 + j + m]
        ok &= (a > other + t) if strict else (a >= other + t)
    return int(np.count_nonzero(ok))


def _peaks_inner_only(a, tol=1e-9):
    a = np.asarray(a, dtype=np.float64)
    if min(a.shape) < 3:
        return 0
    inner = np.ones(a.shape, dtype=bool)
    inner[[0, -1], :] = False
    inner[:, [0, -1]] = False
    p = np.pad(a, 1, mode="wrap")
    n, m = a.shape
    ok = inner.copy()
    for i, j in _NEIGHBOURS:
        ok &= a > p[1 + i:1 + i + n, 1 + j:1 + j + m] + tol
    return int(np.count_nonzero(ok))


_FOUR = [(-1, 0), (1, 0), (0, -1), (0, 1)]
_ROW = [(0, -1), (0, 1)]

_PEAKS_MISTAKES = [
    Mistake("the border pixels were skipped. The DFT is periodic: the neighbours of a border pixel wrap "
            "around to the other side (row -1 is the last row), so border pixels can be peaks too.",
            _peaks_inner_only),
    Mistake("the neighbours do not wrap around: a border pixel was compared only with the neighbours inside "
            "the array (or with zero padding). Use indices modulo the size (np.roll or % N).",
            lambda a, tol=1e-9: _peaks_variant(a, tol, wrap=False)),
    Mistake("the neighbours do not wrap around: a border pixel was compared only with the neighbours inside "
            "the array (or with zero padding). Use indices modulo the size (np.roll or % N).",
            lambda a, tol=1e-9: _peaks_variant(a, tol, wrap=False, pad_value=0.0)),
    Mistake("only the 4 neighbours above, below, left and right were compared; a peak must beat all 8 "
            "neighbours, the diagonal ones included.", lambda a, tol=1e-9: _peaks_variant(a, tol, shifts=_FOUR)),
    Mistake("each pixel was compared only with its left and right neighbours; compare with all 8.",
            lambda a, tol=1e-9: _peaks_variant(a, tol, shifts=_ROW)),
    Mistake("plateaus were counted (>= instead of >): a peak must be higher than every neighbour by more "
            "than tol.", lambda a, tol=1e-9: _peaks_variant(a, tol, strict=False, use_tol=False)),
    Mistake("tol was ignored: values that differ only by rounding noise (less than tol) count as different. "
            "A peak must exceed every neighbour by more than tol.",
            lambda a, tol=1e-9: _peaks_variant(a, tol, use_tol=False)),
    Mistake("that is the number of local minima; count the maxima.",
            lambda a, tol=1e-9: _peaks_variant(a, tol, sign=-1.0)),
    Mistake("that counts the pixels equal to the global maximum; a local maximum only needs to beat its "
            "8 neighbours.", lambda a, tol=1e-9: int(np.count_nonzero(np.asarray(a) == np.max(a)))),
]


# ----------------------------------------------------------- compose_kernels

def _flip(k):
    return np.asarray(k, dtype=np.float64)[::-1, ::-1]


def _centre_crop(c, shape):
    r0 = (c.shape[0] - shape[0]) // 2
    c0 = (c.shape[1] - shape[1]) // 2
    return c[r0:r0 + shape[0], c0:c0 + shape[1]]


def _compose_circular(kernels):
    ks = [np.asarray(k, dtype=np.float64) for k in kernels]
    s = (max(k.shape[0] for k in ks), max(k.shape[1] for k in ks))
    spec = np.ones(s, dtype=complex)
    for k in ks:
        spec = spec * np.fft.fft2(k, s)
    return np.real(np.fft.ifft2(spec))


def _compose_one_too_big(kernels):
    c = ops.compose_kernels(kernels)
    return np.pad(c, ((0, len(kernels) - 1), (0, len(kernels) - 1)))


def _compose_normalised(kernels):
    c = ops.compose_kernels(kernels)
    total = float(c.sum())
    if abs(total) < 1e-12:   # no normalised version; avoid a division warning (stderr costs points)
        raise ValueError("kernel sums to zero")
    return c / total


def _sum_centred(kernels):
    c = ops.compose_kernels(kernels)
    out = np.zeros(c.shape)
    for k in kernels:
        k = np.asarray(k, dtype=np.float64)
        r0, c0 = (c.shape[0] - k.shape[0]) // 2, (c.shape[1] - k.shape[1]) // 2
        out[r0:r0 + k.shape[0], c0:c0 + k.shape[1]] += k
    return out


_COMPOSE_MISTAKES = [
    Mistake("the kernels were cross-correlated with each other instead of convolved. Two cross-correlations "
            "in turn are one cross-correlation with the full *convolution* of the kernels: "
            "c[t] = sum over i + j = t of a[i] * b[j].",
            lambda kernels: ops.compose_kernels([kernels[0]] + [_flip(k) for k in kernels[1:]])),
    Mistake("the result is flipped in both axes (a convolution kernel): the composed kernel is used for a "
            "cross-correlation, like the kernels it replaces.",
            lambda kernels: ops.compose_kernels(kernels)[::-1, ::-1]),
    Mistake("the result was cropped to the size of the first kernel ('same' size). The composed kernel is "
            "bigger than each of its parts: that is the point of a cascade.",
            lambda kernels: _centre_crop(ops.compose_kernels(kernels), np.shape(kernels[0]))),
    Mistake("only the first two kernels were composed: fold in every kernel of the list.",
            lambda kernels: ops.compose_kernels(kernels[:2])),
    Mistake("the first kernel is missing: the loop starts from kernels[1] after an identity start.",
            lambda kernels: ops.compose_kernels(kernels[1:])),
    Mistake("the last kernel is missing (off by one in the loop over the list).",
            lambda kernels: ops.compose_kernels(kernels[:-1])),
    Mistake("the products were wrapped around (circular convolution, e.g. an FFT of the largest kernel's "
            "size): the composed kernel needs the full size sum(K_i - 1) + 1, with no wrap-around.",
            _compose_circular),
    Mistake("each convolution step made the result one row and one column too big: the full convolution of "
            "sizes P and K has P + K - 1 entries.", _compose_one_too_big),
    Mistake("the composed kernel was normalised to sum 1; return the plain convolution of the kernels.",
            _compose_normalised),
    Mistake("the kernels were added (centred) instead of convolved: cascading filters multiplies their "
            "effects.", _sum_centred),
    Mistake("the result is transposed: rows of the kernels must stay rows.",
            lambda kernels: ops.compose_kernels(kernels).T),
]


# -------------------------------------------------------------- cascade_size

_CASCADE_MISTAKES = [
    Mistake("that is the size of the largest single dilated kernel, (k - 1) * d + 1, the 9 of the text's "
            "erratum for kernels 3, 3, 3 with dilations 1, 2, 4. The reaches of the steps add up: "
            "1 + sum_i (k_i - 1) * d_i.",
            lambda ks, ds: max((k - 1) * d + 1 for k, d in zip(ks, ds))),
    Mistake("that is the sum of the kernel sizes (9 for three 3x3 kernels: the text's erratum). Each step "
            "adds (k_i - 1) * d_i: 1 + sum_i (k_i - 1) * d_i.", lambda ks, ds: sum(ks)),
    Mistake("the + 1 is missing: a kernel that reaches R pixels on each side has 2R + 1 = "
            "1 + sum_i (k_i - 1) * d_i entries.", lambda ks, ds: sum((k - 1) * d for k, d in zip(ks, ds))),
    Mistake("you added the sizes of the dilated kernels, (k_i - 1) * d_i + 1 each: composing two kernels "
            "of sizes P and Q gives P + Q - 1, so each step adds (k_i - 1) * d_i.",
            lambda ks, ds: sum((k - 1) * d + 1 for k, d in zip(ks, ds))),
    Mistake("a dilated kernel spans (k - 1) * d + 1 pixels, not k * d.",
            lambda ks, ds: 1 + sum(k * d for k, d in zip(ks, ds))),
    Mistake("a dilated kernel spans (k - 1) * d + 1 pixels, not k * d.",
            lambda ks, ds: sum(k * d for k, d in zip(ks, ds))),
    Mistake("the dilations were ignored: each step adds (k_i - 1) * d_i, not k_i - 1.",
            lambda ks, ds: 1 + sum(k - 1 for k in ks)),
    Mistake("the largest dilation was used for every kernel; each kernel has its own d_i.",
            lambda ks, ds: 1 + sum(k - 1 for k in ks) * max(ds)),
    Mistake("kernel sizes and dilations are swapped: (k_i - 1) * d_i, k from kernel_sizes, d from dilations.",
            lambda ks, ds: 1 + sum((d - 1) * k for k, d in zip(ks, ds))),
    Mistake("the sizes of the dilated kernels were multiplied; composing kernels adds their reaches.",
            lambda ks, ds: math.prod((k - 1) * d + 1 for k, d in zip(ks, ds))),
]


MISTAKES = {
    "dilate_kernel": _DILATE_MISTAKES,
    "conv_dilated": _CONV_DILATED_MISTAKES,
    "count_peaks": _PEAKS_MISTAKES,
    "compose_kernels": _COMPOSE_MISTAKES,
    "cascade_size": _CASCADE_MISTAKES,
}


# --------------------------------------------------------------------- cases

def cases_dilate_kernel(seed: int = 0, shapes=((3, 5, 3), (4, None, 1), (3, 3, 4))) -> list[Case]:
    """Visible cases: the worked example [1, 2, 3] with d = 2, a 3x3 example, then random kernels.

    ``shapes`` holds ``(K1, K2 or None for a 1-D kernel, d)``.
    """
    cases = [Case((np.array([1.0, 2.0, 3.0]), 2), label="w = [1, 2, 3], d = 2"),
             Case((np.arange(1.0, 10.0).reshape(3, 3), 2), label="3x3 kernel 1..9, d = 2")]
    rng = np.random.default_rng(seed)
    for k1, k2, d in shapes:
        w = rng.normal(size=(k1,) if k2 is None else (k1, k2))
        what = f"length-{k1}" if k2 is None else f"{k1}x{k2}"
        cases.append(Case((w, d), label=f"random {what} kernel, d = {d}"))
    return cases


def cases_conv_dilated(seed: int = 0, shapes=(((7, 6), (3, 3), 2, True), ((9, 8), (3, 1), 3, True),
                                              ((6, 9), (1, 3), 2, False), ((8, 7), (3, 3), 1, True))
                       ) -> list[Case]:
    """Visible cases: the worked example (a 5x5 ramp, two taps, d = 2), then random ones.

    ``shapes`` holds ``((N, M), (K1, K2), dilation, with_bias)``.
    """
    x = np.arange(25.0).reshape(5, 5)
    w = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 2.0]])
    cases = [Case((x, w, 2), label="5x5 ramp, taps w[0,1] = 1 and w[2,2] = 2, dilation 2, no bias")]
    rng = np.random.default_rng(seed)
    for (n, m), (k1, k2), d, with_bias in shapes:
        args = (rng.normal(size=(n, m)), rng.normal(size=(k1, k2)), d)
        if with_bias:
            args += (float(rng.normal()),)
        cases.append(Case(args, label=f"random {n}x{m} image, {k1}x{k2} kernel, dilation {d}"
                          + (", with bias" if with_bias else "")))
    return cases


def _spectrum(w, d, n):
    return np.abs(np.fft.fft2(ops.dilate_kernel(np.asarray(w, dtype=np.float64), d), (n, n)))


BINOMIAL = np.outer([1.0, 2.0, 1.0], [1.0, 2.0, 1.0]) / 16.0


def cases_count_peaks(seed: int = 0) -> list[Case]:
    """Visible cases: a hand example (a peak inside, one in a corner, a plateau), random arrays, spectra."""
    a = np.zeros((5, 6))
    a[1, 2] = 3.0           # a peak inside
    a[4, 5] = 2.0           # a peak in the corner: its neighbours wrap around to row 0 and column 0
    a[2, 3] = a[2, 4] = 1.0  # a plateau of two equal values: neither is a peak
    cases = [Case((a,), label="5x6 hand example: expect 2 peaks")]
    rng = np.random.default_rng(seed)
    b = rng.normal(size=(6, 7))
    cases.append(Case((b,), label="random 6x7 array"))
    diag = np.zeros((5, 5))
    diag[2, 2], diag[3, 3] = 1.0, 2.0
    cases.append(Case((diag,), label="two pixels touching diagonally: only the higher one is a peak"))
    cases.append(Case((1.0 + 1e-12 * rng.normal(size=(5, 6)),),
                      label="a flat array with rounding noise (1e-12 < tol): no peaks"))
    cases.append(Case((_spectrum(BINOMIAL, 1, 16),),
                      label="|DFT| of the binomial b_22, not fftshifted: its peak is at [0, 0]"))
    cases.append(Case((_spectrum(BINOMIAL, 2, 16),), label="|DFT| of b_22 dilated by 2 (16x16)"))
    cases.append(Case((rng.normal(size=(7, 5)),), {"tol": 0.5}, label="random 7x5 array, tol=0.5"))
    return cases


def _random_kernels(rng, shapes):
    return [rng.normal(size=s) for s in shapes]


def cases_compose_kernels(seed: int = 0) -> list[Case]:
    """Visible cases: an asymmetric pair of rows, a row then a column kernel, then random lists."""
    cases = [
        Case(([np.array([[1.0, 2.0, 3.0]]), np.array([[1.0, 0.0, -1.0]])],),
             label="[[1, 2, 3]] then [[1, 0, -1]]: expect [[1, 2, 2, -2, -3]]"),
        Case(([np.array([[1.0, 2.0, 1.0]]), np.array([[1.0], [0.0], [-1.0]])],),
             label="[[1, 2, 1]] then [[1], [0], [-1]]: expect their outer product"),
    ]
    rng = np.random.default_rng(seed)
    cases.append(Case((_random_kernels(rng, [(3, 3)] * 3),), label="three random 3x3 kernels"))
    cases.append(Case((_random_kernels(rng, [(3, 5), (1, 3), (3, 3)]),),
                      label="random 3x5, 1x3 and 3x3 kernels"))
    cases.append(Case((_random_kernels(rng, [(3, 3)]),), label="a list of one kernel: the kernel itself"))
    dilated = [ops.dilate_kernel(k, d) for k, d in zip(_random_kernels(rng, [(3, 3)] * 3), (1, 2, 4))]
    cases.append(Case((dilated,), label="three random 3x3 kernels dilated by 1, 2 and 4"))
    return cases


def cases_cascade_size() -> list[Case]:
    """Visible cases: the cascade of §24.2.3 (3, 3, 3 with dilations 1, 2, 4) first."""
    return [
        Case(([3, 3, 3], [1, 2, 4]), label="three 3x3 kernels, dilations 1, 2, 4 (Figure 24.12)"),
        Case(([3], [1]), label="one 3x3 kernel, no dilation"),
        Case(([5, 3], [1, 1]), label="5x5 then 3x3, no dilation"),
        Case(([3, 3, 3, 3], [1, 2, 4, 8]), label="four 3x3 kernels, dilations 1, 2, 4, 8"),
        Case(([3, 5], [3, 1]), label="3x3 dilated by 3, then 5x5"),
        Case(([1, 3], [4, 2]), label="a 1x1 kernel (any dilation) then 3x3 dilated by 2"),
    ]


# -------------------------------------------------------------------- checks

def check_dilate_kernel(dilate_kernel, cases=None) -> int:
    """Visible tests of ``dilate_kernel`` (Figure 24.9)."""
    return check_function(dilate_kernel, cases or cases_dilate_kernel(), reference=ops.dilate_kernel,
                          name="dilate_kernel", mistakes=MISTAKES["dilate_kernel"], numpy_only=True,
                          shape_formula=DILATED_SHAPE)


def check_conv_dilated(conv_dilated, cases=None) -> int:
    """Visible tests of ``conv_dilated`` (eq. 24.6 as a cross-correlation)."""
    return check_function(conv_dilated, cases or cases_conv_dilated(), reference=ops.conv_dilated,
                          name="conv_dilated", mistakes=MISTAKES["conv_dilated"], numpy_only=True,
                          shape_formula=SAME)


def _explained(name: str, run):
    """``run()``, its failure message completed with the notebook's hints (the same as the visible checks')."""
    try:
        return run()
    except CheckError as e:
        message = explain(name, str(e))
        if message == str(e):
            raise
        raise CheckError(message) from None


def check_count_peaks(count_peaks, cases=None) -> int:
    """Visible tests of ``count_peaks``: strict local maxima with periodic (wrap-around) neighbours."""
    return check_function(count_peaks, cases or cases_count_peaks(), reference=_peaks_reference,
                          name="count_peaks", mistakes=MISTAKES["count_peaks"], numpy_only=True, floating=False)


def check_compose_kernels(compose_kernels, cases=None) -> int:
    """Visible tests of ``compose_kernels``: the full convolution of a list of kernels."""
    return _explained("compose_kernels", lambda: check_function(
        compose_kernels, cases or cases_compose_kernels(), reference=ops.compose_kernels, name="compose_kernels",
        mistakes=MISTAKES["compose_kernels"], numpy_only=True, shape_formula=COMPOSED_SHAPE))


def check_cascade_size(cascade_size, cases=None) -> int:
    """Visible tests of ``cascade_size`` (the 15x15 of the erratum comes first)."""
    return check_function(cascade_size, cases or cases_cascade_size(), reference=references.cascade_size,
                          name="cascade_size", mistakes=MISTAKES["cascade_size"], numpy_only=True, floating=False)
