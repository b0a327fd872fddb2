"""The grader's checks for notebook 06_pooling (chapter §24.3: pooling, global pooling, local normalisation).

References, known mistakes and cases. Each ``check_<name>(fn)`` runs the
visible tests of one graded function: a hand-computed example first, then a
few small random cases, negative values and an integer input (the output is
floating whatever the input's dtype). The hidden tests call the same checkers
with cases of their own.
"""
from __future__ import annotations

import numpy as np

from convcourse import ops
from convcourse.checks.core import Case, Mistake, check_choice, check_function

from .. import references

__all__ = [
    "check_pool_output_size", "check_max_pool", "check_mean_pool", "check_global_avg_pool",
    "check_global_max_pool", "check_channel_max_pool", "check_lrn", "check_answer_invariance",
    "check_answer_torch_alpha", "MISTAKES", "lrn_text_reading",
]

POOL_SHAPE = ("floor((N - k) / stride) + 1 rows and floor((M - k) / stride) + 1 columns, stride defaulting to k, "
              "no padding; a leading channel axis C is kept")
GLOBAL_SHAPE = "(C,): one number per channel"
CHANNEL_SHAPE = "(C // group, N, M): one output channel per group of `group` consecutive channels"
LRN_SHAPE = "the input's shape (C, N, M)"


# ------------------------------------------------------- mistakes: pooling

def _windows(x, starts_n, starts_m, size_n, size_m, reduce):
    """Reduce x[..., r:r + size_n, c:c + size_m] for every (r, c) in the grid of starts (numpy slicing clips)."""
    x = np.asarray(x, dtype=np.float64)
    out = np.empty(x.shape[:-2] + (len(starts_n), len(starts_m)))
    for i, r in enumerate(starts_n):
        for j, c in enumerate(starts_m):
            out[..., i, j] = reduce(x[..., r:r + size_n, c:c + size_m])
    return out


def _pool_generic(x, k, stride, reduce, *, size=None, starts=None):
    """A pool with a chosen window size and list of window starts per axis (the shape of a mistake)."""
    s = k if stride is None else stride
    size = k if size is None else size
    n, m = np.shape(x)[-2:]
    sn = starts(n, k, s) if starts else range(0, (n - k) // s * s + 1, s)
    sm = starts(m, k, s) if starts else range(0, (m - k) // s * s + 1, s)
    return _windows(x, list(sn), list(sm), size, size, reduce)


def _max(w):
    return w.max(axis=(-2, -1))


def _mean(w):
    return w.mean(axis=(-2, -1))


PARTIAL = ("you kept windows that run past the bottom/right border (range(0, N, stride), or N // stride "
           "windows per axis): they are partial windows. With no padding only the windows that fit entirely "
           "count: floor((N - k) / stride) + 1 per axis.")


def _pool_mistakes(kind: str) -> list[Mistake]:
    ref = ops.max_pool if kind == "max" else ops.mean_pool
    red = _max if kind == "max" else _mean

    def default_stride_one(x, k, stride=None):
        if stride is not None:
            raise ValueError("only for stride=None")
        return ref(x, k, 1)

    def stride_ignored(x, k, stride=None):
        if stride is None or stride == 1:
            raise ValueError("only for a given stride")
        return ref(x, k, 1)

    def stride_is_k(x, k, stride=None):
        if stride is None or stride == k:
            raise ValueError("only for a stride other than k")
        return ref(x, k, k)

    def swapped(x, k, stride=None):
        if stride is None or stride == k:
            raise ValueError("only when they differ")
        return _pool_generic(x, stride, k, red)

    def partial_range(x, k, stride=None):      # for i in range(0, N, stride): windows that do not fit are kept
        return _pool_generic(x, k, stride, red, starts=lambda n, kk, s: range(0, n, s))

    def n_over_s(x, k, stride=None):           # N // stride windows
        return _pool_generic(x, k, stride, red, starts=lambda n, kk, s: [i * s for i in range(n // s)])

    def size_minus_one(x, k, stride=None):
        return _pool_generic(x, k, stride, red, size=k - 1)

    def size_plus_one(x, k, stride=None):
        return _pool_generic(x, k, stride, red, size=k + 1)

    def offset_by_one(x, k, stride=None):
        return _pool_generic(x, k, stride, red,
                             starts=lambda n, kk, s: [r + 1 for r in range(0, (n - kk) // s * s + 1, s)])

    def first_two_axes(x, k, stride=None):
        if np.ndim(x) != 3:
            raise ValueError("3-D only")
        return np.moveaxis(ref(np.moveaxis(np.asarray(x, float), -1, 0), k, stride), 0, -1)

    def channels_reduced(x, k, stride=None):
        if np.ndim(x) != 3:
            raise ValueError("3-D only")
        out = ref(np.asarray(x, float), k, stride)
        return out.max(axis=0) if kind == "max" else out.mean(axis=0)

    def only_first_channel(x, k, stride=None):
        if np.ndim(x) != 3:
            raise ValueError("3-D only")
        return ref(np.asarray(x, float)[0], k, stride)

    common = [
        Mistake("stride=None must mean stride = k (non-overlapping windows, the layer's default); "
                "your windows move by 1 pixel.", default_stride_one),
        Mistake("the stride argument is ignored: the windows move by 1 pixel instead of `stride`.",
                stride_ignored),
        Mistake("the stride argument is ignored: your windows always step by k. Window i starts at row "
                "i * stride.", stride_is_k),
        Mistake("the window size and the stride are swapped: windows are k x k and start every `stride` "
                "pixels.", swapped),
        Mistake(PARTIAL, partial_range),
        Mistake(PARTIAL, n_over_s),
        Mistake("the windows are (k-1) x (k-1): off by one in the slice end; x[i*s : i*s + k] holds k "
                "samples.", size_minus_one),
        Mistake("the windows are (k+1) x (k+1): off by one in the slice end; x[i*s : i*s + k] holds k "
                "samples.", size_plus_one),
        Mistake("the windows start one pixel late (x[i*s + 1 : i*s + k + 1]): window i starts at row "
                "i * stride.", offset_by_one),
        Mistake("you pooled over the first two axes: for a (C, N, M) input pool the last two (rows and "
                "columns) and keep every channel.", first_two_axes),
        Mistake("the channels were pooled together: each channel is pooled on its own and the output keeps "
                "the channel axis, (C, N', M').", channels_reduced),
        Mistake("only the first channel was pooled: a (C, N, M) input gives (C, N', M').", only_first_channel),
        Mistake("the output is transposed: out[..., i, j] is the window of rows i*s.. and columns j*s...",
                lambda x, k, stride=None: np.swapaxes(ref(x, k, stride), -1, -2)),
    ]
    if kind == "max":
        return [Mistake("a window of negative values came out as 0: the running maximum started at 0 "
                        "(np.zeros). Start it from the first value of the window or -inf, or use .max().",
                        lambda x, k, stride=None: np.maximum(ops.max_pool(x, k, stride), 0.0)),
                Mistake("this is the maximum of |x|: the max keeps the sign (no abs).",
                        lambda x, k, stride=None: ops.max_pool(np.abs(np.asarray(x, float)), k, stride)),
                Mistake("this is the minimum of each window, not the maximum.",
                        lambda x, k, stride=None: -ops.max_pool(-np.asarray(x, float), k, stride)),
                Mistake("this is the mean of each window: max pooling keeps the largest value.",
                        lambda x, k, stride=None: ops.mean_pool(x, k, stride)),
                ] + common
    return [Mistake("you summed each window: divide by the number of pixels, k * k.",
                    lambda x, k, stride=None: ops.mean_pool(x, k, stride) * k * k),
            Mistake("you divided by k instead of k * k (a window has k * k pixels).",
                    lambda x, k, stride=None: ops.mean_pool(x, k, stride) * k),
            Mistake("you averaged over one axis of the window only.",
                    lambda x, k, stride=None: _pool_generic(x, k, stride, lambda w: w[..., 0, :].mean(-1))),
            Mistake("this is the maximum of each window: mean pooling averages.",
                    lambda x, k, stride=None: ops.max_pool(x, k, stride)),
            Mistake(PARTIAL + " (Zero padding at the border, then dividing by k * k, gives these values.)",
                    lambda x, k, stride=None: _pool_generic(x, k, stride, lambda w: w.sum(axis=(-2, -1)) / (k * k),
                                                            starts=lambda n, kk, s: range(0, n, s))),
            ] + common


# --------------------------------------------------- mistakes: global pools

def _global_mistakes(kind: str) -> list[Mistake]:
    ref = ops.global_max_pool if kind == "max" else ops.global_avg_pool
    red = np.max if kind == "max" else np.mean
    what = "maximum" if kind == "max" else "mean"
    out = [
        Mistake(f"you took the {what} over the channel axis (axis 0): global pooling reduces the two spatial "
                "axes, axis=(1, 2), and keeps one number per channel.",
                lambda x: red(np.asarray(x, float), axis=0)),
        Mistake(f"you took the {what} of the whole tensor: reduce over the spatial axes only (axis=(1, 2)).",
                lambda x: red(np.asarray(x, float))),
        Mistake(f"you reduced one spatial axis only: take the {what} over both rows and columns, axis=(1, 2).",
                lambda x: red(np.asarray(x, float), axis=2)),
        Mistake(f"you reduced one spatial axis only: take the {what} over both rows and columns, axis=(1, 2).",
                lambda x: red(np.asarray(x, float), axis=1)),
        Mistake("the result keeps the spatial axes as (C, 1, 1): return a vector of shape (C,).",
                lambda x: red(np.asarray(x, float), axis=(1, 2), keepdims=True)),
        Mistake("the result is (1, C): return a vector of shape (C,).",
                lambda x: red(np.asarray(x, float), axis=(1, 2))[None]),
        Mistake("only the first channel was pooled.", lambda x: red(np.asarray(x, float)[0])),
    ]
    if kind == "max":
        out += [Mistake("a channel of negative values came out as 0: the running maximum started at 0.",
                        lambda x: np.maximum(ops.global_max_pool(x), 0.0)),
                Mistake("this is the maximum of |x|: the max keeps the sign.",
                        lambda x: ops.global_max_pool(np.abs(np.asarray(x, float)))),
                Mistake("this is the channel mean (global average pooling), not the maximum.",
                        lambda x: ops.global_avg_pool(x))]
    else:
        out += [Mistake("you summed over space: divide by the number of pixels N * M.",
                        lambda x: np.asarray(x, float).sum(axis=(1, 2))),
                Mistake("you divided by N + M instead of N * M.",
                        lambda x: np.asarray(x, float).sum(axis=(1, 2)) / (np.shape(x)[1] + np.shape(x)[2])),
                Mistake("this is the channel maximum (global max pooling), not the mean.",
                        lambda x: ops.global_max_pool(x))]
    return out


# -------------------------------------------------- mistakes: channel pool

def _channel_mistakes() -> list[Mistake]:
    def f(x):
        return np.asarray(x, dtype=np.float64)

    def interleaved(x, group):
        x = f(x)
        c = x.shape[0]
        return x.reshape((group, c // group) + x.shape[1:]).max(axis=0)

    def sliding(x, group):
        x = f(x)
        return np.stack([x[c:c + group].max(axis=0) for c in range(x.shape[0] // group)])

    def max_over_groups(x, group):
        x = f(x)
        return x.reshape((x.shape[0] // group, group) + x.shape[1:]).max(axis=0)

    def group_outputs(x, group):
        x = f(x)
        return x.reshape((group, x.shape[0] // group) + x.shape[1:]).max(axis=1)

    def short_window(x, group):
        x = f(x)
        if group < 2:
            raise ValueError
        return np.stack([x[c * group:c * group + group - 1].max(axis=0) for c in range(x.shape[0] // group)])

    def argmax(x, group):
        x = f(x)
        return x.reshape((x.shape[0] // group, group) + x.shape[1:]).argmax(axis=1).astype(float)

    return [
        Mistake("the groups are interleaved (channels c, c + C//group, c + 2*C//group, ...): a group is "
                "`group` CONSECUTIVE channels. Reshape to (C // group, group, N, M) and take the max over "
                "axis 1.", interleaved),
        Mistake("the windows slide by one channel (x[c : c + group]): groups do not overlap, group g is "
                "x[g * group : (g + 1) * group].", sliding),
        Mistake("you took the max across the groups (axis 0 of (C // group, group, N, M)) instead of within "
                "each group (axis 1).", max_over_groups),
        Mistake("you made `group` outputs: there are C // group groups of `group` channels each, one output "
                "per group.", group_outputs),
        Mistake("each group lost its last channel: off by one in the slice end, x[g*group : (g+1)*group].",
                short_window),
        Mistake("you returned the index of the winning channel (argmax): return the maximum value.", argmax),
        Mistake("you averaged the channels of each group: channel pooling here takes the maximum.",
                lambda x, group: f(x).reshape((f(x).shape[0] // group, group) + f(x).shape[1:]).mean(axis=1)),
        Mistake("this is the maximum of |x|: the max keeps the sign.",
                lambda x, group: ops.channel_max_pool(np.abs(f(x)), group)),
        Mistake("a group of negative values came out as 0: the running maximum started at 0.",
                lambda x, group: np.maximum(ops.channel_max_pool(x, group), 0.0)),
        Mistake("the last group is missing (off by one: range(C // group - 1)).",
                lambda x, group: ops.channel_max_pool(f(x)[:-group], group)),
        Mistake("the last group is missing (off by one: range(C // group - 1)).",
                lambda x, group: np.concatenate([ops.channel_max_pool(f(x)[:-group], group),
                                                 np.zeros((1,) + f(x).shape[1:])])),
    ]


# ----------------------------------------------------------- mistakes: LRN

def _lrn_window(x, alpha, beta, gamma, bounds, power=2, divide=None):
    """eq. 24.9 with a chosen window: bounds(c, C) -> (lo, hi) inclusive (hi may exceed C - 1: numpy clips).

    Computed with torch and a (C, C) band matrix of the channels each window holds.
    """
    import torch

    t = torch.as_tensor(np.asarray(x, dtype=np.float64))
    C = t.shape[0]
    band = torch.zeros(C, C, dtype=torch.float64)
    for c in range(C):
        lo, hi = bounds(c, C)
        members = list(range(C))[lo:hi + 1]   # a negative lo counts from the end, a large hi is clipped
        if members:
            band[c, members] = 1.0 / divide(lo, hi, C) if divide is not None else 1.0
    sums = torch.einsum("cj,j...->c...", band, t.abs() ** power)
    return (t / (gamma + alpha * sums) ** beta).numpy()


def lrn_text_reading(x, alpha=1e-4, beta=0.75, gamma=2.0, l=2):
    """eq. 24.9 with the text's upper bound read literally with numpy slicing (0-based):
    channels max(0, c - l) .. max(C - 1, c + l), i.e. every channel from c - l to the last (the slice clips)."""
    return _lrn_window(x, alpha, beta, gamma, lambda c, C: (max(0, c - l), max(C - 1, c + l)))


def _lrn_mistakes() -> list[Mistake]:
    def std(l):
        return lambda c, C: (max(0, c - l), min(C - 1, c + l))

    def m(fn):
        return lambda x, alpha=1e-4, beta=0.75, gamma=2.0, l=2: fn(x, alpha, beta, gamma, l)

    return [
        Mistake("the window runs to the last channel: that is the text's upper bound max(C, c + l), an erratum. "
                "The window is channels max(0, c - l) .. min(C - 1, c + l).",
                m(lambda x, a, b, g, l: lrn_text_reading(x, a, b, g, l))),
        Mistake("the window misses channel c + l: a slice's end is exclusive, use x[lo : hi + 1].",
                m(lambda x, a, b, g, l: _lrn_window(x, a, b, g, lambda c, C: (max(0, c - l), min(C, c + l) - 1)))),
        Mistake("the window misses channel c + l: a slice's end is exclusive, use x[lo : hi + 1].",
                m(lambda x, a, b, g, l: _lrn_window(x, a, b, g, lambda c, C: (max(0, c - l), min(C - 1, c + l) - 1)))),
        Mistake("the window misses channel c - l: the lower bound is max(0, c - l), inclusive.",
                m(lambda x, a, b, g, l: _lrn_window(x, a, b, g, lambda c, C: (max(0, c - l + 1) if l else c,
                                                                              min(C - 1, c + l))))),
        Mistake("near the first channel the window is empty or wrong: c - l is negative there and a negative "
                "slice start counts from the END of the array. Clip it: max(0, c - l).",
                m(lambda x, a, b, g, l: _lrn_window(x, a, b, g, lambda c, C: (c - l, min(C - 1, c + l))))),
        Mistake("the lower bound is max(1, c - l): that is the text's 1-based bound; with 0-based channels it "
                "is max(0, c - l) (channel 0 belongs to the first windows).",
                m(lambda x, a, b, g, l: _lrn_window(x, a, b, g, lambda c, C: (max(1, c - l), min(C - 1, c + l))))),
        Mistake("alpha was divided by the window size 2l + 1: that is torch.nn.LocalResponseNorm's convention, "
                "not eq. 24.9 (the sum is not averaged).",
                m(lambda x, a, b, g, l: ops.lrn(x, a / (2 * l + 1), b, g, l))),
        Mistake("the sum was divided by the number of channels in the window (an average): eq. 24.9 sums.",
                m(lambda x, a, b, g, l: _lrn_window(x, a, b, g, std(l), divide=lambda lo, hi, C: hi - lo + 1))),
        Mistake("the window wraps around (np.roll?): channels past the first or the last do not exist, the sum "
                "stops at the border.",
                m(lambda x, a, b, g, l: _lrn_circular(x, a, b, g, l))),
        Mistake("you normalised across rows (axis 1) instead of channels (axis 0).",
                m(lambda x, a, b, g, l: np.swapaxes(ops.lrn(np.swapaxes(np.asarray(x, float), 0, 1), a, b, g, l),
                                                   0, 1))),
        Mistake("the window is the channel itself: l was ignored (the sum runs over c - l .. c + l).",
                m(lambda x, a, b, g, l: ops.lrn(x, a, b, g, 0))),
        Mistake("the channel c itself is missing from its window.",
                m(lambda x, a, b, g, l: _lrn_from_sums(x, a, b, g, _window_sums(x, l) - np.asarray(x, float) ** 2))),
        Mistake("you summed |x|, not the squares x**2.",
                m(lambda x, a, b, g, l: _lrn_window(x, a, b, g, std(l), power=1))),
        Mistake("the exponent beta is missing (or applied to x): out = x / (gamma + alpha * sum) ** beta.",
                m(lambda x, a, b, g, l: ops.lrn(x, a, 1.0, g, l))),
        Mistake("you multiplied by the factor instead of dividing: out = x / (gamma + alpha * sum) ** beta.",
                m(lambda x, a, b, g, l: np.asarray(x, float) ** 2 / ops.lrn(x, a, b, g, l))),
        Mistake("alpha multiplies gamma too: the denominator is (gamma + alpha * sum) ** beta.",
                m(lambda x, a, b, g, l: np.asarray(x, float) / (a * (g + _window_sums(x, l))) ** b)),
        Mistake("you squared the sum of the window instead of summing the squares.",
                m(lambda x, a, b, g, l: _lrn_square_of_sum(x, a, b, g, l))),
    ]


def _window_sums(x, l, power=2):
    x = np.asarray(x, dtype=np.float64)
    C = x.shape[0]
    return np.stack([(np.abs(x[max(0, c - l):min(C - 1, c + l) + 1]) ** power).sum(axis=0) for c in range(C)])


def _lrn_from_sums(x, alpha, beta, gamma, s):
    return np.asarray(x, dtype=np.float64) / (gamma + alpha * s) ** beta


def _lrn_circular(x, alpha, beta, gamma, l):
    x = np.asarray(x, dtype=np.float64)
    s = sum(np.roll(x ** 2, d, axis=0) for d in range(-l, l + 1))
    return x / (gamma + alpha * s) ** beta


def _lrn_square_of_sum(x, alpha, beta, gamma, l):
    x = np.asarray(x, dtype=np.float64)
    C = x.shape[0]
    s = np.stack([x[max(0, c - l):min(C - 1, c + l) + 1].sum(axis=0) ** 2 for c in range(C)])
    return x / (gamma + alpha * s) ** beta


MISTAKES = {
    "max_pool": _pool_mistakes("max"),
    "mean_pool": _pool_mistakes("mean"),
    "global_avg_pool": _global_mistakes("mean"),
    "global_max_pool": _global_mistakes("max"),
    "channel_max_pool": _channel_mistakes(),
    "lrn": _lrn_mistakes(),
}


# ------------------------------------------------------------------ cases

def hand_example() -> np.ndarray:
    """The 4 x 5 image of the notebook's worked example.

    With k = 2: max pooling gives [[5, 8], [6, 9]], mean pooling [[3.25, 4], [2.25, 6]]; column 4 is dropped.
    """
    return np.array([[1.0, 5.0, 2.0, 0.0, 7.0],
                     [3.0, 4.0, 8.0, 6.0, 1.0],
                     [0.0, 2.0, 9.0, 3.0, 4.0],
                     [6.0, 1.0, 5.0, 7.0, 2.0]])


def cases_pool(seed: int = 0, shapes=None) -> list[Case]:
    """Visible cases for max_pool / mean_pool: the worked example, random images, negative values, integers."""
    rng = np.random.default_rng(seed)
    cases = [Case((hand_example(), 2), label="worked example: 4x5 image, k=2 (stride defaults to 2)")]
    shapes = shapes or [((7, 9), 3, 2), ((3, 6, 8), 2, None), ((6, 7), 2, 3), ((5, 6), 5, 1), ((8, 5), 3, None)]
    for shape, k, s in shapes:
        x = rng.normal(size=shape)
        label = f"random {'x'.join(map(str, shape))}, k={k}, stride={s}"
        cases.append(Case((x, k) if s is None else (x, k, s), label=label))
    cases.append(Case((-1.0 - rng.random(size=(4, 6)), 2, 2), label="all values negative, k=2, stride=2"))
    cases.append(Case((rng.integers(-9, 10, size=(2, 5, 6)), 2),
                      label="integer input (2, 5, 6), k=2: the output is a float array"))
    return cases


def cases_global(seed: int = 0, shapes=((4, 5, 7), (1, 3, 3), (3, 1, 1))) -> list[Case]:
    rng = np.random.default_rng(seed)
    cases = [Case((np.arange(12, dtype=float).reshape(2, 2, 3),), label="worked example: arange(12) as (2, 2, 3)")]
    for shape in shapes:
        cases.append(Case((rng.normal(size=shape),), label=f"random {shape}"))
    cases.append(Case((-1.0 - rng.random(size=(3, 4, 2)),), label="all values negative, (3, 4, 2)"))
    cases.append(Case((rng.integers(-20, 21, size=(3, 4, 5)),),
                      label="integer input (3, 4, 5): the output is a float array"))
    return cases


def hand_channels() -> np.ndarray:
    """6 channels of one row of 2 pixels (the notebook's worked example).

    With group = 2: [[3, 5]], [[4, -1]], [[2, 6]].
    """
    return np.array([[1.0, 5.0], [3.0, 2.0], [0.0, -1.0], [4.0, -2.0], [2.0, 2.0], [-3.0, 6.0]])[:, None, :]


def cases_channel(seed: int = 0, shapes=(((6, 3, 4), 3), ((8, 2, 5), 2), ((6, 3, 3), 1), ((5, 4, 4), 5))
                  ) -> list[Case]:
    rng = np.random.default_rng(seed)
    cases = [Case((hand_channels(), 2), label="worked example: 6 channels, group=2")]
    for shape, g in shapes:
        cases.append(Case((rng.normal(size=shape), g), label=f"random {shape}, group={g}"))
    cases.append(Case((-1.0 - rng.random(size=(4, 2, 3)), 2), label="all values negative, (4, 2, 3), group=2"))
    cases.append(Case((rng.integers(-9, 10, size=(6, 2, 3)), 3),
                      label="integer input (6, 2, 3), group=3: the output is a float array"))
    return cases


def hand_lrn() -> np.ndarray:
    """Channels 1, 2, 3 at a single pixel: shape (3, 1, 1)."""
    return np.array([1.0, 2.0, 3.0]).reshape(3, 1, 1)


def cases_lrn(seed: int = 0) -> list[Case]:
    """Visible cases for lrn: the worked example (alpha = beta = gamma = 1, l = 1), then random tensors.

    alpha is large in the random cases (or x is large with the defaults) so that the window sum matters.
    """
    rng = np.random.default_rng(seed)
    return [
        Case((hand_lrn(),), {"alpha": 1.0, "beta": 1.0, "gamma": 1.0, "l": 1},
             label="worked example: x = [1, 2, 3] at one pixel, alpha=beta=gamma=1, l=1"),
        Case((rng.normal(size=(7, 3, 4)),), {"alpha": 0.5, "beta": 0.75, "gamma": 2.0, "l": 2},
             label="7 channels, 3x4, alpha=0.5, l=2"),
        Case((rng.normal(size=(5, 2, 3)),), {"alpha": 0.3, "beta": 0.5, "gamma": 1.0, "l": 1},
             label="5 channels, 2x3, alpha=0.3, beta=0.5, gamma=1, l=1"),
        Case((rng.normal(size=(3, 4, 2)),), {"alpha": 0.8, "beta": 0.75, "gamma": 1.5, "l": 2},
             label="3 channels (fewer than the window 2l+1 = 5), alpha=0.8, l=2"),
        Case((100 * rng.normal(size=(6, 3, 3)),), label="6 channels, values ~100, default alpha, beta, gamma, l"),
    ]


# ------------------------------------------------------------------ checks

def _check(fn, cases, reference, name, shape_formula) -> int:
    """The visible or hidden cases of a numpy exercise; a wrong answer names every known mistake it matches."""
    return check_function(fn, cases, reference=reference, name=name, mistakes=MISTAKES[name], numpy_only=True,
                          shape_formula=shape_formula)


def _div(n, k, stride):
    return k if stride is None else stride


_SIZE_MISTAKES = [
    Mistake("the +1 is missing: the first window is at 0, then floor((n - k) / stride) more fit.",
            lambda n, k, stride=None: (n - k) // _div(n, k, stride)),
    Mistake("rounded up: a window that does not fit entirely is dropped (floor, not ceil).",
            lambda n, k, stride=None: -(-(n - k) // _div(n, k, stride)) + 1),
    Mistake("n // stride counts windows that run past the border: use floor((n - k) / stride) + 1.",
            lambda n, k, stride=None: n // _div(n, k, stride)),
    Mistake("stride=None must mean stride = k (the pooling default), not 1.",
            lambda n, k, stride=None: (n - k) // (1 if stride is None else stride) + 1),
    Mistake("(n - k + 1) // stride is off: the count is floor((n - k) / stride) + 1.",
            lambda n, k, stride=None: (n - k + 1) // _div(n, k, stride)),
    Mistake("(n - k + 1) // stride + 1 is off by one: the count is floor((n - k) / stride) + 1.",
            lambda n, k, stride=None: (n - k + 1) // _div(n, k, stride) + 1),
]


def cases_pool_output_size() -> list[Case]:
    return [Case((4, 2), label="n=4, k=2 (stride defaults to k)"), Case((5, 2), label="n=5, k=2"),
            Case((6, 3, 2), label="n=6, k=3, stride=2"), Case((7, 3, 2), label="n=7, k=3, stride=2"),
            Case((9, 3, 1), label="n=9, k=3, stride=1")]


def check_pool_output_size(pool_output_size, cases=None) -> int:
    """Visible tests of ``pool_output_size``: floor((n - k) / stride) + 1, stride defaulting to k."""
    return check_function(pool_output_size, cases or cases_pool_output_size(), reference=references.pool_output_size,
                          name="pool_output_size", mistakes=_SIZE_MISTAKES, floating=False)


def check_max_pool(max_pool, cases=None) -> int:
    """Visible tests of ``max_pool`` (eq. 24.8)."""
    return _check(max_pool, cases or cases_pool(), ops.max_pool, "max_pool", POOL_SHAPE)


def check_mean_pool(mean_pool, cases=None) -> int:
    """Visible tests of ``mean_pool`` (eq. 24.8)."""
    return _check(mean_pool, cases or cases_pool(1), ops.mean_pool, "mean_pool", POOL_SHAPE)


def check_global_avg_pool(global_avg_pool, cases=None) -> int:
    """Visible tests of ``global_avg_pool`` (§24.3.2)."""
    return _check(global_avg_pool, cases or cases_global(), ops.global_avg_pool, "global_avg_pool", GLOBAL_SHAPE)


def check_global_max_pool(global_max_pool, cases=None) -> int:
    """Visible tests of ``global_max_pool`` (§24.3.2)."""
    return _check(global_max_pool, cases or cases_global(1), ops.global_max_pool, "global_max_pool", GLOBAL_SHAPE)


def check_channel_max_pool(channel_max_pool, cases=None) -> int:
    """Visible tests of ``channel_max_pool`` (pooling across channels, §24.3.1)."""
    return _check(channel_max_pool, cases or cases_channel(), ops.channel_max_pool, "channel_max_pool",
                  CHANNEL_SHAPE)


def check_lrn(lrn, cases=None) -> int:
    """Visible tests of ``lrn`` (eq. 24.9 with the corrected window max(0, c-l) .. min(C-1, c+l))."""
    return _check(lrn, cases or cases_lrn(), ops.lrn, "lrn", LRN_SHAPE)


def check_answer_invariance(answer) -> None:
    """Form check for the invariance question (the letter is graded when you submit)."""
    check_choice(answer, name="answer_invariance")
    print("answer_invariance: a valid choice (its correctness is graded when you submit).")


def check_answer_torch_alpha(answer) -> None:
    """Form check for the LocalResponseNorm question (the letter is graded when you submit)."""
    check_choice(answer, name="answer_torch_alpha")
    print("answer_torch_alpha: a valid choice (its correctness is graded when you submit).")
