"""The grader's checks for notebook 02_stride (chapter §24.2.2, strided convolution and aliasing).

Each ``check_<name>(fn)`` runs the visible tests of one graded function: a
hand-computed example first, then a few small random cases.  The hidden
tests (kept by the instructor, never shipped) call the same checkers with
cases of their own.

The aliasing measure of the notebook (:func:`convgrader.references.aliasing_fraction`):
for a full-resolution signal ``z (N, M)`` and a stride ``(s_n, s_m)``, the
fraction of the DFT energy ``sum |Z|^2`` that lies outside the *pass band*
of the stride, the frequencies the subsampled grid can represent.  With the
signed DFT indices ``k_n`` (``np.fft.fftfreq(N) * N``) the pass band is
``-N <= 2 * s_n * k_n < N`` (that is ``-1/(2 s_n) <= f_n < 1/(2 s_n)`` in
cycles/sample), and the same along the columns; 0 for an all-zero signal.
"""
from __future__ import annotations

import math
import warnings

import numpy as np

from convcourse import ops

from .. import references
from .convolution import _corr_corner_anchor, _corr_edge_padding, _valid
from convcourse.checks.core import Case, CheckError, Mistake, check_choice, check_function
from convcourse.checks.stride import explain

__all__ = [
    "check_conv_strided", "check_strided_flops", "check_dft_magnitude", "check_aliasing_fraction",
    "check_blur_downsample", "check_answer_eq245", "check_answer_output_shape",
    "check_answer_least_aliasing", "aliasing_fraction_reference", "pass_band", "MISTAKES",
]

STRIDED_SHAPE = "(ceil(N / s_n), ceil(M / s_m)): one output every s pixels, starting at pixel 0"
SAME = "the same shape as x"


def _pair(stride) -> tuple[int, int]:
    """(s_n, s_m) from an int or a pair."""
    if np.ndim(stride) == 0:
        return int(stride), int(stride)
    s_n, s_m = (int(v) for v in stride)
    return s_n, s_m


# ------------------------------------------------------------- references

pass_band = references.pass_band
aliasing_fraction_reference = references.aliasing_fraction
strided_flops_reference = references.strided_flops


_B3 = np.array([1.0, 2.0, 1.0]) / 4.0


# ------------------------------------------------------- mistakes (numpy)

def _full(x, w, b=0.0):
    return ops.corr2d(np.asarray(x, dtype=np.float64), np.asarray(w, dtype=np.float64), b)


def _sub(a, stride, start=(0, 0)):
    s_n, s_m = _pair(stride)
    return np.asarray(a)[start[0]::s_n, start[1]::s_m]


def _crop_floor(a, stride):
    s_n, s_m = _pair(stride)
    n, m = np.shape(a)
    return np.asarray(a)[:n - n % s_n:s_n, :m - m % s_m:s_m]


def _swap(stride):
    s_n, s_m = _pair(stride)
    return (s_m, s_n)


def _strided_mistakes(kernel_of=lambda w: w, name="conv_strided") -> list[Mistake]:
    """Known wrong answers of a strided filter ``f(x, w, stride, b)``."""
    def k(w):
        return np.asarray(kernel_of(np.asarray(w, dtype=np.float64)), dtype=np.float64)

    return [
        Mistake("you returned the full-resolution output: keep only every s-th row and column "
                "(out[i, j] is the full output at (s_n * i, s_m * j)).",
                lambda x, w, stride, b=0.0: _full(x, k(w), b)),
        Mistake("your samples start at s - 1 instead of 0: output i sits over input pixel s * i "
                "(eq. 24.5), so the first output is the one centred on pixel 0.",
                lambda x, w, stride, b=0.0: _sub(_full(x, k(w), b), stride, (_pair(stride)[0] - 1,
                                                                              _pair(stride)[1] - 1))),
        Mistake("you cropped to a multiple of the stride (floor(N / s) outputs). The course keeps the partial "
                "last block, as zero padding at the end would: ceil(N / s) outputs.",
                lambda x, w, stride, b=0.0: _crop_floor(_full(x, k(w), b), stride)),
        Mistake("you used no padding ('valid', PyTorch's default padding=0): pad the input with K1 = (rows-1)//2 "
                "zero rows and K2 = (cols-1)//2 zero columns on each side first.",
                lambda x, w, stride, b=0.0: _sub(_valid(x, k(w)) + b, stride)),
        Mistake("the kernel is flipped: eq. 24.5 read literally (x[s*n - k1]) is a convolution; the course's "
                "layers are cross-correlations, x[s_n*n + k1 - K1, s_m*m + k2 - K2].",
                lambda x, w, stride, b=0.0: _sub(_full(x, k(w)[::-1, ::-1], b), stride)),
        Mistake("the two strides are swapped: s_n (the first) steps along the rows n, s_m along the columns m.",
                lambda x, w, stride, b=0.0: _sub(_full(x, k(w), b), _swap(stride))),
        Mistake("only the rows were subsampled: step by s_m along the columns too.",
                lambda x, w, stride, b=0.0: _full(x, k(w), b)[::_pair(stride)[0], :]),
        Mistake("only the columns were subsampled: step by s_n along the rows too.",
                lambda x, w, stride, b=0.0: _full(x, k(w), b)[:, ::_pair(stride)[1]]),
        Mistake("you subsampled the input before filtering (or spaced the kernel taps s apart, which is dilation): "
                "the stride spaces the *outputs*; neighbouring taps still read neighbouring pixels.",
                lambda x, w, stride, b=0.0: _full(_sub(x, stride), k(w), b)),
        Mistake("the bias b is missing: add it once to every output pixel.",
                lambda x, w, stride, b=0.0: _sub(_full(x, k(w), 0.0), stride)),
        Mistake("the bias is added once per kernel tap instead of once per output pixel.",
                lambda x, w, stride, b=0.0: _sub(_full(x, k(w), 0.0), stride) + b * k(w).size),
        Mistake("the kernel is anchored at its top-left corner instead of its centre: use "
                "x[s_n*n + k1 - K1, s_m*m + k2 - K2].",
                lambda x, w, stride, b=0.0: _sub(_corr_corner_anchor(x, k(w), b), stride)),
        Mistake("you padded with copies of the border pixels; the layer pads with zeros.",
                lambda x, w, stride, b=0.0: _sub(_corr_edge_padding(x, k(w), b), stride)),
        Mistake("the kernel is transposed (w.T): k1 moves along rows n, k2 along columns m.",
                lambda x, w, stride, b=0.0: _sub(_full(x, k(w).T, b), stride)),
    ]


def _dft_mistakes() -> list[Mistake]:
    def X(x):
        return np.fft.fft2(np.asarray(x, dtype=np.float64))

    sh = np.fft.fftshift
    return [
        Mistake("the zero frequency is in the corner: apply np.fft.fftshift to the spectrum (not to the image) "
                "to move it to the centre, index (N // 2, M // 2).", lambda x: np.abs(X(x))),
        Mistake("the zero frequency lands one place off for odd sizes (np.fft.ifftshift, or a roll by (N + 1) // 2): "
                "np.fft.fftshift moves index 0 to N // 2.", lambda x: np.fft.ifftshift(np.abs(X(x)))),
        Mistake("the spectrum is shifted along one axis only: fftshift both axes (the default of np.fft.fftshift).",
                lambda x: np.fft.fftshift(np.abs(X(x)), axes=0)),
        Mistake("the spectrum is shifted along one axis only: fftshift both axes (the default of np.fft.fftshift).",
                lambda x: np.fft.fftshift(np.abs(X(x)), axes=1)),
        Mistake("this is the power spectrum |DFT|^2: return the magnitude |DFT| (np.abs).",
                lambda x: sh(np.abs(X(x)) ** 2)),
        Mistake("this is log(1 + |DFT|), the quantity the figures draw: return |DFT| itself.",
                lambda x: sh(np.log1p(np.abs(X(x))))),
        Mistake("this is log|DFT|: return |DFT| itself.", lambda x: sh(np.log(np.abs(X(x)) + 1e-300))),
        Mistake("the DFT is normalised by N*M (or you used the inverse DFT): np.fft.fft2 without normalisation.",
                lambda x: sh(np.abs(X(x))) / np.size(x)),
        Mistake("the DFT is normalised by sqrt(N*M) (norm='ortho'): np.fft.fft2 without normalisation.",
                lambda x: sh(np.abs(X(x))) / math.sqrt(np.size(x))),
        Mistake("you took the real part of the DFT, not its magnitude: np.abs of the complex array.",
                lambda x: sh(X(x).real)),
        Mistake("you took the absolute value of the real part only: |Re X| is not |X|; use np.abs(X).",
                lambda x: sh(np.abs(X(x).real))),
        Mistake("this is a 1-D DFT of each row (np.fft.fft): use the 2-D DFT np.fft.fft2.",
                lambda x: sh(np.abs(np.fft.fft(np.asarray(x, dtype=np.float64), axis=-1)))),
        Mistake("this is a 1-D DFT of each row (np.fft.fft): use the 2-D DFT np.fft.fft2.",
                lambda x: np.fft.fftshift(np.abs(np.fft.fft(np.asarray(x, dtype=np.float64), axis=-1)), axes=-1)),
        Mistake("this is a 1-D DFT of each column: use the 2-D DFT np.fft.fft2.",
                lambda x: sh(np.abs(np.fft.fft(np.asarray(x, dtype=np.float64), axis=0)))),
    ]


def _alias_mistakes() -> list[Mistake]:
    def energy(z, p=2.0):
        return np.abs(np.fft.fft2(np.asarray(z, dtype=np.float64))) ** p

    def frac(z, mask, p=2.0):
        e = energy(z, p)
        t = e.sum()
        return float(e[~mask].sum() / t) if t else 0.0

    def mask_from(z, stride, rule):
        n, m = np.shape(z)
        s_n, s_m = _pair(stride)
        k_n = np.fft.fftfreq(n, 1.0 / n).round()
        k_m = np.fft.fftfreq(m, 1.0 / m).round()
        return rule(k_n, n, s_n)[:, None] & rule(k_m, m, s_m)[None, :]

    half_open = lambda k, n, s: (-n <= 2 * s * k) & (2 * s * k < n)  # noqa: E731
    strict = lambda k, n, s: np.abs(2 * s * k) < n                    # noqa: E731
    closed = lambda k, n, s: np.abs(2 * s * k) <= n                   # noqa: E731
    no_half = lambda k, n, s: (-n <= s * k) & (s * k < n)             # noqa: E731  cut at 1/s

    return [
        Mistake("this is the fraction of the energy INSIDE the pass band: return the part outside it "
                "(1 minus your answer).",
                lambda z, stride: 1.0 - aliasing_fraction_reference(z, stride)
                if np.any(np.asarray(z) != 0) else 1.0),
        Mistake("you summed |DFT| instead of the energy |DFT|^2.",
                lambda z, stride: frac(z, mask_from(z, stride, half_open), p=1.0)),
        Mistake("the pass band is twice too wide: a stride s keeps |f| < 1/(2 s) cycles/sample (the new "
                "Nyquist frequency), not 1/s.",
                lambda z, stride: frac(z, mask_from(z, stride, no_half))),
        Mistake("the frequency -1/(2 s) is missing from your pass band: the subsampled grid represents "
                "-N <= 2*s*k < N (half-open, like np.fft.fftfreq), so -1/(2 s) is kept and +1/(2 s) is not.",
                lambda z, stride: frac(z, mask_from(z, stride, strict))),
        Mistake("your pass band includes both -1/(2 s) and +1/(2 s): on the subsampled grid they are the same "
                "frequency; keep -N <= 2*s*k < N (half-open, like np.fft.fftfreq).",
                lambda z, stride: frac(z, mask_from(z, stride, closed))),
        Mistake("the two strides are swapped: s_n limits the row frequencies f_n, s_m the column frequencies f_m.",
                lambda z, stride: aliasing_fraction_reference(z, _swap(stride))),
        Mistake("the first stride is used for both axes: s_n limits the row frequencies, s_m the column frequencies.",
                lambda z, stride: aliasing_fraction_reference(z, _pair(stride)[0])),
        Mistake("the edge of the pass band is rounded with integer division (N // (2 s)): for sizes that are not "
                "a multiple of 2 s that drops frequencies the grid keeps; compare -N <= 2*s*k < N exactly.",
                lambda z, stride: frac(z, mask_from(z, stride, lambda k, n, s: (k >= -(n // (2 * s)))
                                                   & (k < n // (2 * s))))),
        Mistake("only the row frequencies were limited: a frequency is aliased when |f_n| or |f_m| is too high.",
                lambda z, stride: frac(z, mask_from(z, (_pair(stride)[0], 1), half_open))),
        Mistake("only the column frequencies were limited: a frequency is aliased when |f_n| or |f_m| is too high.",
                lambda z, stride: frac(z, mask_from(z, (1, _pair(stride)[1]), half_open))),
        Mistake("the mask and the spectrum are in different orders: the frequencies of np.fft.fftfreq go with "
                "the unshifted np.fft.fft2; after fftshift use np.fft.fftshift(np.fft.fftfreq(N)).",
                lambda z, stride: frac(z, np.fft.fftshift(mask_from(z, stride, half_open)))),
        Mistake("the mask and the spectrum are in different orders: the frequencies of np.fft.fftfreq go with "
                "the unshifted np.fft.fft2; after fftshift use np.fft.fftshift(np.fft.fftfreq(N)).",
                lambda z, stride: frac(z, np.fft.ifftshift(mask_from(z, stride, half_open)))),
        Mistake("this is the ratio of the energy outside the pass band to the energy inside it; divide by the "
                "total energy instead.",
                lambda z, stride: (lambda a: a / (1.0 - a) if a < 1.0 else float("inf"))(
                    aliasing_fraction_reference(z, stride))),
        Mistake("this is measured on the subsampled output z[::s_n, ::s_m]; the measure is defined on the "
                "full-resolution z, before any sample is dropped.",
                lambda z, stride: aliasing_fraction_reference(_sub(z, stride), stride)),
    ]


def _blur_mistakes() -> list[Mistake]:
    B = np.outer(_B3, _B3)

    def blur(x, w=B):
        return _full(x, w)

    return [
        Mistake("the blur is not normalised: the binomial kernel is [1, 2, 1] / 4 along each axis "
                "(the 3x3 kernel sums to 1).", lambda x, stride: _sub(blur(x) * 16, stride)),
        Mistake("the blur is normalised along one axis only: divide by 4 along each axis (16 in all).",
                lambda x, stride: _sub(blur(x) * 4, stride)),
        Mistake("the blur is applied along one axis only: blur the rows and the columns.",
                lambda x, stride: _sub(blur(x, _B3[:, None]), stride)),
        Mistake("the blur is applied along one axis only: blur the rows and the columns.",
                lambda x, stride: _sub(blur(x, _B3[None, :]), stride)),
        Mistake("you subsampled first and blurred afterwards: blurring must come before dropping samples, "
                "or the aliases are already baked in.", lambda x, stride: blur(_sub(x, stride))),
        Mistake("your samples start at s - 1 instead of 0: keep x[::s_n, ::s_m] of the blurred image.",
                lambda x, stride: _sub(blur(x), stride, (_pair(stride)[0] - 1, _pair(stride)[1] - 1))),
        Mistake("you cropped to a multiple of the stride (floor(N / s) outputs): the course keeps ceil(N / s).",
                lambda x, stride: _crop_floor(blur(x), stride)),
        Mistake("you used no padding ('valid'): pad the image with one zero on each side, then blur.",
                lambda x, stride: _sub(_valid(x, B), stride)),
        Mistake("you padded with copies of the border pixels; the blur pads with zeros like the layers.",
                lambda x, stride: _sub(_corr_edge_padding(x, B), stride)),
        Mistake("this is a 3x3 box blur (all weights 1/9): the binomial blur weights the centre more, "
                "outer([1, 2, 1], [1, 2, 1]) / 16.", lambda x, stride: _sub(blur(x, np.full((3, 3), 1 / 9)), stride)),
        Mistake("the blur is [1, 2, 1] / 4 added along the rows and the columns (a sum of two 1-D blurs); "
                "apply one after the other (the 2-D kernel is their outer product).",
                lambda x, stride: _sub((blur(x, _B3[:, None]) + blur(x, _B3[None, :])) / 2, stride)),
        Mistake("the two strides are swapped: s_n steps along the rows n, s_m along the columns m.",
                lambda x, stride: _sub(blur(x), _swap(stride))),
        Mistake("the blur is missing: this is plain subsampling x[::s_n, ::s_m].",
                lambda x, stride: _sub(np.asarray(x, dtype=np.float64), stride)),
        Mistake("the blur is applied twice.", lambda x, stride: _sub(blur(blur(x)), stride)),
    ]


def _unless_correct(mistakes: list[Mistake], reference) -> list[Mistake]:
    """The mistakes, each silenced on the inputs where it gives the right answer anyway.

    A wrong answer of another kind (a dtype, a shape) would otherwise be "diagnosed" as, say, swapped
    strides on a case with equal strides.
    """
    def silenced(wrong):
        def fn(*args, **kwargs):
            got = np.asarray(wrong(*args, **kwargs), dtype=np.float64)
            ref = np.asarray(reference(*args, **kwargs), dtype=np.float64)
            if got.shape == ref.shape and np.allclose(got, ref, rtol=1e-9, atol=1e-12):
                return None
            return got
        return fn

    return [Mistake(m.message, silenced(m.wrong)) for m in mistakes]


MISTAKES = {
    "conv_strided": _unless_correct(_strided_mistakes(), ops.conv_strided),
    "dft_magnitude": _unless_correct(_dft_mistakes(), ops.dft_magnitude),
    "aliasing_fraction": _alias_mistakes(),
    "blur_downsample": _unless_correct(_blur_mistakes(), ops.blur_downsample),
}


# ------------------------------------------------------------------ cases

def cases_conv_strided(seed: int = 0, specs=None) -> list[Case]:
    """Visible cases: the worked example, then random images, kernels and strides."""
    x = np.arange(20).reshape(4, 5)
    w = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 2.0], [0.0, 0.0, 0.0]])
    cases = [Case((x, w, 2), label="4x5 integer image np.arange(20), asymmetric 3x3 kernel, stride 2, no bias")]
    rng = np.random.default_rng(seed)
    specs = specs or [((7, 9), (3, 3), 2), ((8, 6), (3, 5), (3, 2)), ((6, 7), (1, 3), 1), ((9, 8), (3, 3), 4)]
    for (n, m), (k1, k2), s in specs:
        cases.append(Case((rng.normal(size=(n, m)), rng.normal(size=(k1, k2)), s, float(rng.normal())),
                          label=f"random {n}x{m} image, {k1}x{k2} kernel, stride {s}"))
    return cases


def cases_strided_flops() -> list[Case]:
    return [Case((8, 8, 3, 3, 2), label="8x8 image, 3x3 kernel, stride 2"),
            Case((7, 10, 3, 5, (2, 3)), label="7x10 image, 3x5 kernel, stride (2, 3)"),
            Case((5, 5, 3, 3, 1), label="5x5 image, 3x3 kernel, stride 1")]


def cases_dft_magnitude(seed: int = 0, shapes=((5, 7), (6, 4), (1, 5))) -> list[Case]:
    m = np.arange(8)
    cases = [Case((np.ones((3, 4)),), label="constant 3x4 image (all energy at the zero frequency)"),
             Case((np.tile(np.cos(2 * np.pi * 3 * m / 8), (2, 1)),), label="2x8 cosine of 3/8 cycles per column")]
    rng = np.random.default_rng(seed)
    for n, mm in shapes:
        cases.append(Case((rng.normal(size=(n, mm)),), label=f"random {n}x{mm} image"))
    return cases


def _hand_alias_signal() -> np.ndarray:
    m = np.arange(8)
    return np.tile(1.0 + np.cos(2 * np.pi * 3 * m / 8), (4, 1))


def cases_aliasing_fraction(seed: int = 0, specs=None) -> list[Case]:
    z = _hand_alias_signal()
    cases = [Case((z, 2), label="4x8, 1 + cos(2 pi 3m/8), stride 2 (answer 1/3)"),
             Case((z, 1), label="the same, stride 1 (nothing is dropped: 0)")]
    rng = np.random.default_rng(seed)
    specs = specs or [((16, 16), 2), ((12, 20), (2, 3)), ((15, 9), 4)]
    for (n, m), s in specs:
        cases.append(Case((rng.normal(size=(n, m)), s), label=f"random {n}x{m} signal, stride {s}"))
    # a smooth signal: little energy at high frequencies
    n, m = 24, 18
    yy, xx = np.mgrid[0:n, 0:m]
    smooth = np.exp(-((yy - 11.3) ** 2 + (xx - 8.1) ** 2) / 30.0)
    cases.append(Case((smooth, 2), label="smooth 24x18 blob, stride 2 (small aliasing)"))
    return cases


def cases_blur_downsample(seed: int = 0, specs=None) -> list[Case]:
    x = np.zeros((5, 6))
    x[2, 2] = 16.0
    cases = [Case((x, 1), label="5x6 image, one pixel of 16 at (2, 2), stride 1 (the blur alone: 16 x the kernel)"),
             Case((x, 2), label="the same image, stride 2")]
    rng = np.random.default_rng(seed)
    specs = specs or [((8, 8), 2), ((9, 7), 3), ((6, 10), (2, 3))]
    for (n, m), s in specs:
        cases.append(Case((rng.normal(size=(n, m)), s), label=f"random {n}x{m} image, stride {s}"))
    cases.append(Case((rng.integers(0, 256, size=(5, 7)), 2), label="integer (8-bit) 5x7 image, stride 2"))
    return cases


# ------------------------------------------------------------------ checks

# While a function is checked, the student's other graded functions it may call (blur_downsample built on
# conv_strided, aliasing_fraction on dft_magnitude, ...) are bound to the references, so one mistake costs
# only the function that contains it.
_DEPENDS = {"conv_strided": ops.conv_strided, "dft_magnitude": ops.dft_magnitude,
            "blur_downsample": ops.blur_downsample}


def _without(name: str) -> dict:
    return {k: v for k, v in _DEPENDS.items() if k != name}


def _explained(name: str, run):
    """``run()``, its failure message completed with the notebook's hints (the same as the visible checks')."""
    try:
        return run()
    except CheckError as e:
        message = explain(name, str(e))
        if message == str(e):
            raise
        raise CheckError(message) from None


def check_conv_strided(conv_strided, cases=None) -> int:
    """Visible tests of ``conv_strided`` (eq. 24.5, as a cross-correlation)."""
    return check_function(conv_strided, cases or cases_conv_strided(), reference=ops.conv_strided,
                          name="conv_strided", mistakes=MISTAKES["conv_strided"], numpy_only=True,
                          shape_formula=STRIDED_SHAPE, depends=_without("conv_strided"))


_FLOPS_MISTAKES = [Mistake(message, wrong) for message, wrong in [
    ("you counted the full-resolution output: a strided layer computes only ceil(N/s_n) * ceil(M/s_m) outputs.",
     lambda N, M, K1, K2, stride: N * M * K1 * K2),
    ("you counted floor(N / s) outputs per axis; the course's layer has ceil(N / s) (the partial last block counts).",
     lambda N, M, K1, K2, stride: (N // _pair(stride)[0]) * (M // _pair(stride)[1]) * K1 * K2),
    ("you divided N*M*K1*K2 by s_n*s_m: count the outputs per axis with ceil(N / s_n) and ceil(M / s_m) first.",
     lambda N, M, K1, K2, stride: N * M * K1 * K2 // (_pair(stride)[0] * _pair(stride)[1])),
    ("each output costs K1 * K2 multiply-adds (one per kernel tap): multiply by both kernel sizes.",
     lambda N, M, K1, K2, stride: strided_flops_reference(N, M, K1, 1, stride)),
    ("each output costs K1 * K2 multiply-adds (one per kernel tap): multiply by both kernel sizes.",
     lambda N, M, K1, K2, stride: strided_flops_reference(N, M, 1, K2, stride)),
    ("the strides are applied to the wrong axes: s_n divides N (rows), s_m divides M (columns).",
     lambda N, M, K1, K2, stride: strided_flops_reference(N, M, K1, K2, _swap(stride))),
    ("only one stride is used: divide N by s_n and M by s_m.",
     lambda N, M, K1, K2, stride: strided_flops_reference(N, M, K1, K2, (_pair(stride)[0], 1))),
    ("the first stride is used for both axes: divide N by s_n and M by s_m.",
     lambda N, M, K1, K2, stride: strided_flops_reference(N, M, K1, K2, _pair(stride)[0])),
    ("one kernel size is used twice: each output costs K1 * K2 multiply-adds.",
     lambda N, M, K1, K2, stride: strided_flops_reference(N, M, K1, K1, stride)),
    ("one kernel size is used twice: each output costs K1 * K2 multiply-adds.",
     lambda N, M, K1, K2, stride: strided_flops_reference(N, M, K2, K2, stride)),
]]


def check_strided_flops(strided_flops, cases=None) -> int:
    """Visible tests of ``strided_flops``: multiply-adds of a direct strided layer."""
    return _explained("strided_flops", lambda: check_function(
        strided_flops, cases or cases_strided_flops(), reference=strided_flops_reference, name="strided_flops",
        mistakes=_FLOPS_MISTAKES, numpy_only=True, floating=False))


def check_dft_magnitude(dft_magnitude, cases=None) -> int:
    """Visible tests of ``dft_magnitude``: |DFT| with the zero frequency at the centre."""
    def run():
        with warnings.catch_warnings():
            # comparing a complex answer with the known mistakes casts it to real: no warning for that
            warnings.simplefilter("ignore", np.exceptions.ComplexWarning)
            return check_function(dft_magnitude, cases or cases_dft_magnitude(), reference=ops.dft_magnitude,
                                  name="dft_magnitude", mistakes=MISTAKES["dft_magnitude"], numpy_only=True,
                                  shape_formula=SAME, depends=_without("dft_magnitude"))
    return _explained("dft_magnitude", run)


def check_aliasing_fraction(aliasing_fraction, cases=None) -> int:
    """Visible tests of ``aliasing_fraction``: the share of the energy outside the stride's pass band."""
    return _explained("aliasing_fraction", lambda: check_function(
        aliasing_fraction, cases or cases_aliasing_fraction(), reference=aliasing_fraction_reference,
        name="aliasing_fraction", mistakes=MISTAKES["aliasing_fraction"], numpy_only=True, floating=False,
        depends=_without("aliasing_fraction")))


def check_blur_downsample(blur_downsample, cases=None) -> int:
    """Visible tests of ``blur_downsample``: binomial blur, then every s-th sample."""
    return check_function(blur_downsample, cases or cases_blur_downsample(), reference=ops.blur_downsample,
                          name="blur_downsample", mistakes=MISTAKES["blur_downsample"], numpy_only=True,
                          shape_formula=STRIDED_SHAPE, depends=_without("blur_downsample"))


def check_answer_eq245(answer) -> None:
    """Form check of the question on eq. 24.5's indices (the letter is graded when you submit)."""
    check_choice(answer, name="answer_eq245")
    print("answer_eq245: a valid choice (its correctness is graded when you submit).")


def check_answer_output_shape(answer) -> None:
    """Form check of the question on the output shape of a strided layer."""
    check_choice(answer, name="answer_output_shape")
    print("answer_output_shape: a valid choice (its correctness is graded when you submit).")


def check_answer_least_aliasing(answer) -> None:
    """Form check of the question on the anti-aliasing table."""
    check_choice(answer, name="answer_least_aliasing")
    print("answer_least_aliasing: a valid choice (its correctness is graded when you submit).")
