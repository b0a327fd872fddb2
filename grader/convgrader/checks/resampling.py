"""The grader's checks for notebook 05_resampling (chapter §24.2.5): references, mistakes, cases.

Each ``check_<name>(fn)`` runs the visible tests of one graded function: a
hand-computed example first, then a few small random cases.  The hidden
tests (kept by the instructor, never shipped) call the same checkers with
cases of their own.

Conventions checked (the course's, 0-based): ``zero_insert(x, s)[n*s, m*s]
== x[n, m]``, zeros elsewhere, shape ``(N*s, M*s)``; ``upconv(x, w, s, b)
== corr2d(zero_insert(x, s), w, b)``; ``interp_kernel(s)`` is
``outer(t, t)`` with ``t[k] = 1 - |k|/s``, ``k = -(s-1) .. s-1``;
``hold_kernel(s)`` is ``outer(u, u)`` with ``u = [1]*s + [0]*(s-1)``.
"""
from __future__ import annotations

import numpy as np

from convcourse import ops
from convcourse.checks.core import Case, Mistake, check_choice, check_function

from .. import references

__all__ = [
    "check_zero_insert", "check_upconv", "check_interp_kernel", "check_hold_kernel",
    "check_conv_transpose_size", "check_answer_transpose_padding",
    "cases_zero_insert", "cases_upconv", "cases_kernel", "cases_conv_transpose_size",
    "MISTAKES", "SIZE_MISTAKES",
]

UP_SHAPE = "(N*s, M*s): s output rows per input row and s output columns per input column"
KERNEL_SHAPE = "(2s - 1, 2s - 1): taps at offsets -(s-1) .. s-1 in each axis"


# ----------------------------------------------------- mistakes: helpers

def _pair(x, s):
    x = np.asarray(x, dtype=np.float64)
    return x, int(s)


def _insert_at(x, s, offset):
    """Samples at n*s + offset (zeros elsewhere), shape (N*s, M*s)."""
    x, s = _pair(x, s)
    h = np.zeros((x.shape[0] * s, x.shape[1] * s))
    h[offset::s, offset::s] = x
    return h


def _insert_one_based(x, s):
    return _insert_at(x, s, int(s) - 1)


def _insert_centred(x, s):
    return _insert_at(x, s, int(s) // 2)


def _insert_trimmed(x, s):
    x, s = _pair(x, s)
    h = np.zeros(((x.shape[0] - 1) * s + 1, (x.shape[1] - 1) * s + 1))
    h[::s, ::s] = x
    return h


def _insert_s_zeros(x, s):
    """s zeros between samples (instead of s - 1): stride s + 1, trimmed."""
    x, s = _pair(x, s)
    h = np.zeros(((x.shape[0] - 1) * (s + 1) + 1, (x.shape[1] - 1) * (s + 1) + 1))
    h[::s + 1, ::s + 1] = x
    return h


def _insert_rows_only(x, s):
    x, s = _pair(x, s)
    h = np.zeros((x.shape[0] * s, x.shape[1]))
    h[::s] = x
    return h


def _insert_cols_only(x, s):
    x, s = _pair(x, s)
    h = np.zeros((x.shape[0], x.shape[1] * s))
    h[:, ::s] = x
    return h


def _insert_one_axis_full(x, s, axis):
    """Shape (N*s, M*s), but only one index scaled: h[n*s, m] (axis=0) or h[n, m*s] (axis=1)."""
    x, s = _pair(x, s)
    n, m = x.shape
    h = np.zeros((n * s, m * s))
    if axis == 0:
        h[::s, :m] = x
    else:
        h[:n, ::s] = x
    return h


def _upconv_valid(x, w, s, b=0.0):
    w = np.asarray(w, dtype=np.float64)
    k1, k2 = w.shape[0] // 2, w.shape[1] // 2
    full = ops.upconv(x, w, s, b)
    return full[k1:full.shape[0] - k1, k2:full.shape[1] - k2]


def _repeat(x, s):
    x, s = _pair(x, s)
    return np.kron(x, np.ones((s, s)))


def _upconv_with(insert):
    return lambda x, w, s, b=0.0: ops.corr2d(insert(x, s), np.asarray(w, dtype=np.float64), b)


def _upconv_conv_first(x, w, s, b=0.0):
    return ops.zero_insert(ops.corr2d(np.asarray(x, np.float64), np.asarray(w, np.float64), b), int(s))


def _triangle(s, half_width=None, size_half=None):
    s = int(s)
    hw = s if half_width is None else half_width
    r = s - 1 if size_half is None else size_half
    t = 1.0 - np.abs(np.arange(-r, r + 1, dtype=np.float64)) / hw
    return t


# ------------------------------------------------------------ mistakes

_ZI_ONE_BASED = ("the samples sit at (n+1)*s - 1 instead of n*s: that is the chapter's 1-based eq. 24.7 "
                 "(n = 1..N) copied into 0-based arrays. In the course h[n*s, m*s] = x[n, m], so h[0, 0] = x[0, 0]: "
                 "each sample sits at the top-left corner of its s x s block and the s-1 zero rows and columns "
                 "come after it: h[::s, ::s] = x.")
_ZI_REPEAT = ("every sample is repeated s times (nearest-neighbour upsampling, like np.repeat or np.kron): "
              "eq. 24.7 puts zeros between the samples; filling the gaps is the convolution's job.")

MISTAKES = {
    "zero_insert": [
        Mistake(_ZI_ONE_BASED, _insert_one_based),
        Mistake("the samples sit in the middle of each s x s block (offset s // 2) instead of at its top-left "
                "corner: h[n*s, m*s] = x[n, m], i.e. h[::s, ::s] = x.", _insert_centred),
        Mistake(_ZI_REPEAT, _repeat),
        Mistake("the trailing s-1 zero rows and columns are missing: the output is (N*s, M*s), not "
                "((N-1)*s + 1, (M-1)*s + 1); the last sample is followed by s-1 zeros too.", _insert_trimmed),
        Mistake("you inserted s zeros between samples; upsampling by s inserts s-1 (the samples are s apart).",
                _insert_s_zeros),
        Mistake("only the rows were dilated: eq. 24.7 dilates both axes (h[n*s, m*s] = x[n, m]).", _insert_rows_only),
        Mistake("only the columns were dilated: eq. 24.7 dilates both axes (h[n*s, m*s] = x[n, m]).",
                _insert_cols_only),
        Mistake("the output has the right shape but the samples are written to h[n*s, m]: the column index "
                "must be scaled too, h[n*s, m*s] = x[n, m].", lambda x, s: _insert_one_axis_full(x, s, axis=0)),
        Mistake("the output has the right shape but the samples are written to h[n, m*s]: the row index "
                "must be scaled too, h[n*s, m*s] = x[n, m].", lambda x, s: _insert_one_axis_full(x, s, axis=1)),
    ],
    "upconv": [
        Mistake("the kernel is flipped: eq. 24.7 correlates the zero-inserted image with w (corr2d), it does not "
                "convolve.", lambda x, w, s, b=0.0: ops.upconv(x, np.asarray(w)[::-1, ::-1], s, b)),
        Mistake("the kernel is flipped along one axis only.",
                lambda x, w, s, b=0.0: ops.upconv(x, np.asarray(w)[::-1, :], s, b)),
        Mistake("the kernel is flipped along one axis only.",
                lambda x, w, s, b=0.0: ops.upconv(x, np.asarray(w)[:, ::-1], s, b)),
        Mistake("the kernel is transposed (w.T): k1 runs along rows n, k2 along columns m.",
                lambda x, w, s, b=0.0: ops.upconv(x, np.asarray(w).T, s, b)),
        Mistake("the zero-inserted samples sit at (n+1)*s - 1 instead of n*s (the chapter's 1-based indexing "
                "copied into 0-based arrays). Use h[::s, ::s] = x.", _upconv_with(_insert_one_based)),
        Mistake("the samples were repeated (nearest-neighbour) instead of separated by zeros before the "
                "convolution: eq. 24.7 inserts zeros.", _upconv_with(_repeat)),
        Mistake("you convolved first and inserted the zeros afterwards: the UpConv inserts zeros, then "
                "convolves (the reverse order of strided convolution, which convolves, then subsamples).",
                _upconv_conv_first),
        Mistake("the bias b is missing: add it once to every output pixel.",
                lambda x, w, s, b=0.0: ops.upconv(x, w, s, 0.0)),
        Mistake("the bias was added to x before the zero insertion, so only the samples carry it: add b to the "
                "output of the convolution (every pixel).",
                lambda x, w, s, b=0.0: ops.upconv(np.asarray(x, np.float64) + b, w, s, 0.0)),
        Mistake("the bias was added to the zero-inserted image h before the convolution (it got multiplied by "
                "the kernel): add it after, x_out = w * h + b.",
                lambda x, w, s, b=0.0: ops.corr2d(ops.zero_insert(np.asarray(x, np.float64), int(s)) + b,
                                                  np.asarray(w, np.float64))),
        Mistake("you computed a 'valid' correlation of the zero-inserted image: the output lost K1 rows and K2 "
                "columns on each side. Pad h with zeros (corr2d does) so the output stays (N*s, M*s).",
                _upconv_valid),
    ],
    "interp_kernel": [
        Mistake("your triangle reaches zero inside the kernel: its end taps are 0 and its slope is 1/(s-1). "
                "The triangle of half-width s has t[k] = 1 - |k|/s, so its end taps (k = +-(s-1)) are 1/s.",
                lambda s: np.outer(_triangle(s, half_width=max(int(s) - 1, 1)),
                                   _triangle(s, half_width=max(int(s) - 1, 1)))),
        Mistake("your kernel is (2s + 1) x (2s + 1) with zero taps at the border: t[k] = 1 - |k|/s is zero at "
                "k = +-s, and those taps never meet a sample. Keep k = -(s-1) .. s-1: shape (2s - 1, 2s - 1).",
                lambda s: np.outer(_triangle(s, size_half=int(s)), _triangle(s, size_half=int(s)))),
        Mistake("your triangle has half-width s + 1 (t[k] = 1 - |k|/(s+1)): an output pixel would mix in "
                "samples that are s or more away. The weights must be 1 at the sample and fall to 0 at the "
                "next sample, s pixels away: t[k] = 1 - |k|/s.",
                lambda s: np.outer(_triangle(s, half_width=int(s) + 1, size_half=int(s)),
                                   _triangle(s, half_width=int(s) + 1, size_half=int(s)))),
        Mistake("the kernel is normalised to sum to 1. Zero insertion keeps one pixel in s*s, so the kernel "
                "must sum to s*s (s per axis) to keep the image's brightness: with t[k] = 1 - |k|/s the weights "
                "that reach any output pixel already sum to 1. Do not divide.",
                lambda s: ops.interp_kernel(int(s)) / float(int(s)) ** 2),
        Mistake("the kernel is normalised to sum to 1. Zero insertion keeps one pixel in s*s, so the kernel "
                "must sum to s*s (s per axis) to keep the image's brightness: with t[k] = 1 - |k|/s the weights "
                "that reach any output pixel already sum to 1. Do not divide.",
                lambda s: ops.interp_kernel(int(s)) / float(int(s))),
        Mistake("this is the box (all ones), not the triangle: a box of width 2s-1 adds up two neighbouring "
                "samples instead of blending them (integer division 1 - abs(k) // s gives this too).",
                lambda s: np.ones((2 * int(s) - 1, 2 * int(s) - 1))),
        Mistake("you added the two 1-D triangles (t[:, None] + t[None, :] - 1) instead of multiplying them: "
                "bilinear interpolation is separable, the kernel is the outer product np.outer(t, t).",
                lambda s: _triangle(s)[:, None] + _triangle(s)[None, :] - 1.0),
        Mistake("you used the distance from the centre in 2-D (a cone, 1 - sqrt(k1^2 + k2^2)/s): bilinear "
                "interpolation uses the separable product of two 1-D triangles, np.outer(t, t).",
                lambda s: _cone(s)),
    ],
    "hold_kernel": [
        Mistake("the ones are in the bottom-right s x s block: each output pixel then copies the sample at or "
                "*after* it, so the image shifts by one sample and the last block goes dark. The zero-order hold "
                "copies the sample at or before the pixel: ones in the top-left block (taps k - (s-1) <= 0).",
                lambda s: references.hold_kernel(s)[::-1, ::-1]),
        Mistake("the ones are in the top-right (or bottom-left) block: one axis holds the sample before, the "
                "other the sample after. Put the ones in the top-left s x s block.",
                lambda s: references.hold_kernel(s)[:, ::-1]),
        Mistake("the ones are in the top-right (or bottom-left) block: one axis holds the sample before, the "
                "other the sample after. Put the ones in the top-left s x s block.",
                lambda s: references.hold_kernel(s)[::-1, :]),
        Mistake("this box is all ones: its window of 2s-1 taps holds two samples for most output pixels, and "
                "adds them. The hold sees exactly one sample: ones in the top-left s x s block only.",
                lambda s: np.ones((2 * int(s) - 1, 2 * int(s) - 1))),
        Mistake("the kernel is normalised (divided by s*s): the hold copies one sample with weight 1, so the "
                "image would get s*s times darker. Use ones, not 1/(s*s).",
                lambda s: references.hold_kernel(s) / float(int(s)) ** 2),
        Mistake("this is the triangle (linear interpolation), not the zero-order hold.",
                lambda s: ops.interp_kernel(int(s))),
        Mistake("an s x s block of ones has no centre tap when s is even, and a centred one holds the wrong "
                "samples: pad it with s-1 zero rows and columns after it (bottom and right), giving "
                "(2s - 1, 2s - 1) with the ones in the top-left block.", lambda s: np.ones((int(s), int(s)))),
        Mistake("the block of ones must start at the top-left corner (taps at offsets -(s-1) .. 0, the sample "
                "at or before each output pixel), not be centred.", lambda s: _hold_centred(s)),
    ],
}


def _hold_centred(s):
    s = int(s)
    u = np.zeros(2 * s - 1)
    u[(s - 1) // 2:(s - 1) // 2 + s] = 1.0
    return np.outer(u, u)


def _cone(s):
    s = int(s)
    k = np.arange(-(s - 1), s, dtype=np.float64)
    return np.clip(1.0 - np.sqrt(k[:, None] ** 2 + k[None, :] ** 2) / s, 0.0, None)


SIZE_MISTAKES = [
    Mistake("the '+ 1' is missing: a transposed convolution of n inputs spans (n-1)*stride + (k-1)*dilation + 1 "
            "outputs before cropping (the first and last stamp of the kernel both count).",
            lambda n, k, stride=1, padding=0, output_padding=0, dilation=1:
            references.conv_transpose_size(n, k, stride, padding, output_padding, dilation) - 1),
    Mistake("output_padding is ignored: it adds that many rows (columns) at the end of the output.",
            lambda n, k, stride=1, padding=0, output_padding=0, dilation=1:
            references.conv_transpose_size(n, k, stride, padding, 0, dilation)),
    Mistake("padding is subtracted once; conv_transpose2d crops `padding` rows at both ends: - 2*padding.",
            lambda n, k, stride=1, padding=0, output_padding=0, dilation=1:
            references.conv_transpose_size(n, k, stride, padding, output_padding, dilation) + int(padding)),
    Mistake("padding is added: for conv_transpose2d it removes rows (-2*padding), the opposite of conv2d.",
            lambda n, k, stride=1, padding=0, output_padding=0, dilation=1:
            references.conv_transpose_size(n, k, stride, padding, output_padding, dilation) + 4 * int(padding)),
    Mistake("you used n*stride instead of (n-1)*stride: the n input pixels are stamped stride apart, so the "
            "first and last stamps start (n-1)*stride apart.",
            lambda n, k, stride=1, padding=0, output_padding=0, dilation=1:
            references.conv_transpose_size(n, k, stride, padding, output_padding, dilation) + int(stride)),
    Mistake("dilation is ignored: a dilated kernel of k taps spans dilation*(k-1) + 1 pixels.",
            lambda n, k, stride=1, padding=0, output_padding=0, dilation=1:
            references.conv_transpose_size(n, k, stride, padding, output_padding, 1)),
    Mistake("this is the output size of an ordinary (strided) convolution, floor((n + 2p - d(k-1) - 1)/s) + 1; "
            "conv_transpose2d maps sizes the other way.",
            lambda n, k, stride=1, padding=0, output_padding=0, dilation=1:
            (int(n) + 2 * int(padding) - int(dilation) * (int(k) - 1) - 1) // int(stride) + 1),
]


# ------------------------------------------------------------------ cases

def cases_zero_insert(seed: int = 0, shapes=((3, 5, 3), (4, 2, 2), (2, 3, 1))) -> list[Case]:
    """Visible cases for zero_insert: a hand example, then random (N, M, s)."""
    cases = [Case((np.array([[1.0, 2.0], [3.0, 4.0]]), 2), label="2x2 image, s = 2 (hand example)")]
    rng = np.random.default_rng(seed)
    for n, m, s in shapes:
        label = f"random {n}x{m} image, s = {s}" + (" (s = 1 changes nothing)" if s == 1 else "")
        cases.append(Case((rng.normal(size=(n, m)), s), label=label))
    return cases


def cases_upconv(seed: int = 0, shapes=((3, 4, 3, 3, 2), (4, 3, 3, 5, 3), (2, 5, 5, 3, 2), (3, 3, 3, 3, 1))
                 ) -> list[Case]:
    """Visible cases for upconv: a hand example, then random (N, M, K1, K2, s) with a bias."""
    x = np.array([[1.0, 2.0]])
    w = np.array([[0.5, 1.0, 0.25]])
    cases = [Case((x, w, 2), label="x = [[1, 2]], w = [[0.5, 1, 0.25]], s = 2 (hand example)")]
    rng = np.random.default_rng(seed)
    for n, m, k1, k2, s in shapes:
        cases.append(Case((rng.normal(size=(n, m)), rng.normal(size=(k1, k2)), s, float(rng.normal())),
                          label=f"random {n}x{m} image, {k1}x{k2} kernel, s = {s}, with bias"))
    return cases


def cases_kernel(values=(2, 3, 1, 4)) -> list[Case]:
    """Visible cases for interp_kernel / hold_kernel: the factors s in ``values``."""
    return [Case((s,), label=f"s = {s}") for s in values]


def cases_conv_transpose_size() -> list[Case]:
    """Visible cases for conv_transpose_size (expected values from PyTorch's formula)."""
    return [
        Case((5, 3), label="n=5, k=3, defaults: (5-1)*1 + (3-1) + 1 = 7 (hand example)"),
        Case((3, 4), {"stride": 2}, label="n=3, k=4, stride=2"),
        Case((6, 5), {"stride": 3, "padding": 2, "output_padding": 2},
             label="n=6, k=5, stride=3, padding=2, output_padding=2 (the UpConv of s = 3)"),
        Case((4, 3), {"stride": 2, "padding": 1, "output_padding": 1},
             label="n=4, k=3, stride=2, padding=1, output_padding=1 (the UpConv of s = 2)"),
        Case((5, 3), {"dilation": 2}, label="n=5, k=3, dilation=2"),
    ]


# ------------------------------------------------------------------ checks

def check_zero_insert(zero_insert, cases=None) -> int:
    """Visible tests of ``zero_insert`` (eq. 24.7, first line)."""
    return check_function(zero_insert, cases or cases_zero_insert(), reference=ops.zero_insert,
                          name="zero_insert", mistakes=MISTAKES["zero_insert"], numpy_only=True,
                          shape_formula=UP_SHAPE)


def check_upconv(upconv, cases=None) -> int:
    """Visible tests of ``upconv`` (eq. 24.7: zero insertion, then cross-correlation plus bias)."""
    return check_function(upconv, cases or cases_upconv(), reference=ops.upconv, name="upconv",
                          mistakes=MISTAKES["upconv"], numpy_only=True, shape_formula=UP_SHAPE,
                          depends={"corr2d": ops.corr2d, "zero_insert": ops.zero_insert})


def check_interp_kernel(interp_kernel, cases=None) -> int:
    """Visible tests of ``interp_kernel``: the separable triangle of half-width s."""
    return check_function(interp_kernel, cases or cases_kernel(), reference=ops.interp_kernel, name="interp_kernel",
                          mistakes=MISTAKES["interp_kernel"], numpy_only=True, shape_formula=KERNEL_SHAPE)


def check_hold_kernel(hold_kernel, cases=None) -> int:
    """Visible tests of ``hold_kernel``: the zero-order hold (nearest sample at or before each pixel)."""
    return check_function(hold_kernel, cases or cases_kernel(), reference=references.hold_kernel,
                          name="hold_kernel", mistakes=MISTAKES["hold_kernel"], numpy_only=True,
                          shape_formula=KERNEL_SHAPE)


def check_conv_transpose_size(conv_transpose_size, cases=None) -> int:
    """Visible tests of ``conv_transpose_size`` (PyTorch's output-size formula of conv_transpose2d)."""
    return check_function(conv_transpose_size, cases or cases_conv_transpose_size(),
                          reference=references.conv_transpose_size, name="conv_transpose_size",
                          mistakes=SIZE_MISTAKES, floating=False)


def check_answer_transpose_padding(answer) -> None:
    """Form check for the conv_transpose2d question (the letter is graded in the hidden tests)."""
    check_choice(answer, name="answer_transpose_padding")
    print("answer_transpose_padding: a valid choice (its correctness is graded when you submit).")
