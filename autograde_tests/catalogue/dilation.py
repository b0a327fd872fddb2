"""Mutation catalogue of notebook 03_dilation.

Each entry is ``(label, source)``: ``source`` is the full code of a student's
solution cell.  It is executed in a namespace that holds ``np`` (numpy) and
correct versions of the notebook's other graded functions, so a solution may
call ``dilate_kernel`` and friends, as students do.

* ``CORRECT[name]``: different correct implementations (slicing, loops,
  vectorised, FFT, float32, built on the other functions, ...).  Every one
  must pass the visible and the hidden checks.  The first entry of each list
  is self-contained and is the one other entries' tests get as a helper.
* ``BUGS[name]``: realistic mistakes.  Every one must be rejected by the
  visible or the hidden checks (``autograde_tests/test_catalogue_dilation.py``
  measures the kill rate).
"""
from __future__ import annotations

import textwrap

import numpy as np

__all__ = ["FUNCTIONS", "ANSWERS", "CORRECT", "BUGS", "ROUNDTRIP_BUG"]

FUNCTIONS = ["dilate_kernel", "conv_dilated", "count_peaks", "compose_kernels", "cascade_size"]
ANSWERS: list[str] = []


def _s(src: str) -> str:
    return textwrap.dedent(src).strip("\n") + "\n"


def _entries(*pairs):
    return [(label, _s(src)) for label, src in pairs]


def _variant(base: str, old: str, new: str) -> str:
    """``base`` with one line changed (a one-line slip)."""
    assert old in base, old
    return base.replace(old, new)


# ------------------------------------------------------------- dilate_kernel

_DILATE_LOOP = """
def dilate_kernel(w, d):
    w = np.asarray(w, dtype=float)
    out = np.zeros(tuple((k - 1) * d + 1 for k in w.shape))
    for idx in np.ndindex(*w.shape):
        out[tuple(i * d for i in idx)] = w[idx]
    return out
"""

_DILATE_2D = """
def dilate_kernel(w, d):
    w = np.asarray(w, dtype=float)
    if w.ndim == 1:
        out = np.zeros((len(w) - 1) * d + 1)
        out[::d] = w
        return out
    K1, K2 = w.shape
    out = np.zeros(((K1 - 1) * d + 1, (K2 - 1) * d + 1))
    out[::d, ::d] = w
    return out
"""

CORRECT_DILATE_KERNEL = _entries(
    ("strided slice assignment, any number of axes (reference)", """
        def dilate_kernel(w, d):
            w = np.asarray(w, dtype=float)
            out = np.zeros(tuple((k - 1) * d + 1 for k in w.shape))
            out[tuple(slice(None, None, d) for _ in w.shape)] = w
            return out
        """),
    ("1-D and 2-D cases written out", _DILATE_2D),
    ("loop over the taps (np.ndindex)", _DILATE_LOOP),
    ("np.insert of d - 1 zeros into every gap, axis by axis", """
        def dilate_kernel(w, d):
            out = np.asarray(w, dtype=float)
            for axis in range(out.ndim):
                gaps = np.repeat(np.arange(1, out.shape[axis]), d - 1)
                out = np.insert(out, gaps, 0.0, axis=axis)
            return out
        """),
    ("np.kron with a one-hot block, then cropped", """
        def dilate_kernel(w, d):
            w = np.asarray(w, dtype=float)
            block = np.zeros((d,) * w.ndim)
            block[(0,) * w.ndim] = 1.0
            big = np.kron(w, block)
            return big[tuple(slice(0, (k - 1) * d + 1) for k in w.shape)]
        """),
    ("keeps float32, integers become float64", """
        def dilate_kernel(w, d):
            w = np.asarray(w)
            dtype = np.result_type(w.dtype, np.float32)
            out = np.zeros([(k - 1) * d + 1 for k in w.shape], dtype=dtype)
            out[(slice(None, None, d),) * w.ndim] = w
            return out
        """),
)

BUGS_DILATE_KERNEL = _entries(
    ("d zeros between taps (step d + 1)", """
        def dilate_kernel(w, d):
            w = np.asarray(w, dtype=float)
            out = np.zeros(tuple((k - 1) * (d + 1) + 1 for k in w.shape))
            out[tuple(slice(None, None, d + 1) for _ in w.shape)] = w
            return out
        """),
    ("trailing zeros: np.kron with a one-hot block, not cropped", """
        def dilate_kernel(w, d):
            w = np.asarray(w, dtype=float)
            block = np.zeros((d,) * w.ndim)
            block[(0,) * w.ndim] = 1.0
            return np.kron(w, block)
        """),
    ("length k * d with the zeros before each tap", """
        def dilate_kernel(w, d):
            w = np.asarray(w, dtype=float)
            out = np.zeros(tuple(k * d for k in w.shape))
            out[tuple(slice(d - 1, None, d) for _ in w.shape)] = w
            return out
        """),
    ("only the rows dilated", """
        def dilate_kernel(w, d):
            w = np.asarray(w, dtype=float)
            out = np.zeros(((w.shape[0] - 1) * d + 1,) + w.shape[1:])
            out[::d] = w
            return out
        """),
    ("integer kernel stays integer (zeros of w's dtype)", """
        def dilate_kernel(w, d):
            w = np.asarray(w)
            out = np.zeros(tuple((k - 1) * d + 1 for k in w.shape), dtype=w.dtype)
            out[tuple(slice(None, None, d) for _ in w.shape)] = w
            return out
        """),
    ("1-D only: len(w) for every kernel", """
        def dilate_kernel(w, d):
            w = np.asarray(w, dtype=float)
            out = np.zeros((len(w) - 1) * d + 1)
            out[::d] = w
            return out
        """),
    ("2-D only: w.shape[1] fails on a 1-D kernel", _variant(_DILATE_2D, "    if w.ndim == 1:\n", "    if False:\n")),
    ("repeats the taps (np.repeat) instead of inserting zeros", """
        def dilate_kernel(w, d):
            out = np.asarray(w, dtype=float)
            for axis in range(out.ndim):
                out = np.repeat(out, d, axis=axis)
            return out
        """),
    ("np.insert applied d - 1 times: the gaps double each time", """
        def dilate_kernel(w, d):
            out = np.asarray(w, dtype=float)
            for axis in range(out.ndim):
                for _ in range(d - 1):
                    out = np.insert(out, np.arange(1, out.shape[axis]), 0.0, axis=axis)
            return out
        """),
    ("kernel transposed (2-D)", _variant(_DILATE_2D, "    out[::d, ::d] = w\n", "    out = np.zeros(((K2 - 1) * d + 1, (K1 - 1) * d + 1))\n    out[::d, ::d] = w.T\n")),
    ("dilation fixed at 2", """
        def dilate_kernel(w, d):
            w = np.asarray(w, dtype=float)
            out = np.zeros(tuple(2 * k - 1 for k in w.shape))
            out[tuple(slice(None, None, 2) for _ in w.shape)] = w
            return out
        """),
    ("calls the course's reference op", """
        from convcourse import ops

        def dilate_kernel(w, d):
            return ops.dilate_kernel(np.asarray(w, dtype=float), d)
        """),
    ("returns a Python list", """
        def dilate_kernel(w, d):
            w = np.asarray(w, dtype=float)
            out = np.zeros(tuple((k - 1) * d + 1 for k in w.shape))
            out[tuple(slice(None, None, d) for _ in w.shape)] = w
            return out.tolist()
        """),
)


# -------------------------------------------------------------- conv_dilated

_CONV_DILATED_TAPS = """
def conv_dilated(x, w, dilation, b=0.0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    d = dilation
    N, M = x.shape
    P, Q = w.shape
    K1, K2 = P // 2, Q // 2
    xp = np.pad(x, ((K1 * d, K1 * d), (K2 * d, K2 * d)))
    out = np.zeros((N, M))
    for k1 in range(P):
        for k2 in range(Q):
            out += w[k1, k2] * xp[k1 * d:k1 * d + N, k2 * d:k2 * d + M]
    return out + b
"""

CORRECT_CONV_DILATED = _entries(
    ("tap loops on a padded copy (reference)", """
        def conv_dilated(x, w, dilation, b=0.0):
            x = np.asarray(x, dtype=float)
            w = np.asarray(w, dtype=float)
            d = int(dilation)
            N, M = x.shape
            R1, R2 = (w.shape[0] // 2) * d, (w.shape[1] // 2) * d
            xp = np.zeros((N + 2 * R1, M + 2 * R2))
            xp[R1:R1 + N, R2:R2 + M] = x
            out = np.zeros((N, M)) + b
            for k1 in range(w.shape[0]):
                for k2 in range(w.shape[1]):
                    out += w[k1, k2] * xp[k1 * d:k1 * d + N, k2 * d:k2 * d + M]
            return out
        """),
    ("np.pad and tap loops", _CONV_DILATED_TAPS),
    ("dilate_kernel, then an ordinary same-padded correlation", """
        def conv_dilated(x, w, dilation, b=0.0):
            x = np.asarray(x, dtype=float)
            wd = dilate_kernel(w, dilation)
            P, Q = wd.shape
            N, M = x.shape
            xp = np.pad(x, ((P // 2, P // 2), (Q // 2, Q // 2)))
            out = np.empty((N, M))
            for n in range(N):
                for m in range(M):
                    out[n, m] = np.sum(wd * xp[n:n + P, m:m + Q]) + b
            return out
        """),
    ("four nested loops with bounds checks", """
        def conv_dilated(x, w, dilation, b=0.0):
            N, M = np.shape(x)
            P, Q = np.shape(w)
            K1, K2 = P // 2, Q // 2
            out = np.zeros((N, M))
            for n in range(N):
                for m in range(M):
                    s = float(b)
                    for k1 in range(P):
                        for k2 in range(Q):
                            i = n + dilation * (k1 - K1)
                            j = m + dilation * (k2 - K2)
                            if 0 <= i < N and 0 <= j < M:
                                s += w[k1, k2] * x[i, j]
                    out[n, m] = s
            return out
        """),
    ("strided windows: sliding_window_view, every d-th entry, einsum", """
        def conv_dilated(x, w, dilation, b=0.0):
            x = np.asarray(x, dtype=float)
            w = np.asarray(w, dtype=float)
            d = dilation
            P, Q = w.shape
            span = ((P - 1) * d + 1, (Q - 1) * d + 1)
            xp = np.pad(x, ((span[0] // 2,) * 2, (span[1] // 2,) * 2))
            win = np.lib.stride_tricks.sliding_window_view(xp, span)[:, :, ::d, ::d]
            return np.einsum("nmpq,pq->nm", win, w) + b
        """),
    ("FFT of the dilated kernel, full size, cropped", """
        def conv_dilated(x, w, dilation, b=0.0):
            x = np.asarray(x, dtype=float)
            wd = dilate_kernel(w, dilation)[::-1, ::-1]
            N, M = x.shape
            P, Q = wd.shape
            s = (N + P - 1, M + Q - 1)
            full = np.fft.irfft2(np.fft.rfft2(x, s) * np.fft.rfft2(wd, s), s)
            return full[P // 2:P // 2 + N, Q // 2:Q // 2 + M] + b
        """),
    ("float32 throughout", """
        def conv_dilated(x, w, dilation, b=0.0):
            x = np.asarray(x, dtype=np.float32)
            w = np.asarray(w, dtype=np.float32)
            d = int(dilation)
            K1, K2 = w.shape[0] // 2, w.shape[1] // 2
            N, M = x.shape
            xp = np.pad(x, ((K1 * d, K1 * d), (K2 * d, K2 * d)))
            out = np.full((N, M), b, dtype=np.float32)
            for k1 in range(w.shape[0]):
                for k2 in range(w.shape[1]):
                    out += w[k1, k2] * xp[k1 * d:k1 * d + N, k2 * d:k2 * d + M]
            return out
        """),
)

BUGS_CONV_DILATED = _entries(
    ("dilation ignored in the slices (taps adjacent)",
     _variant(_CONV_DILATED_TAPS, "xp[k1 * d:k1 * d + N, k2 * d:k2 * d + M]", "xp[k1:k1 + N, k2:k2 + M]")),
    ("padding by K instead of K * d", _variant(_CONV_DILATED_TAPS, "np.pad(x, ((K1 * d, K1 * d), (K2 * d, K2 * d)))",
                                               "np.pad(x, ((K1, K1), (K2, K2)))")),
    ("kernel flipped (convolution)", _variant(_CONV_DILATED_TAPS, "out += w[k1, k2] *", "out += w[P - 1 - k1, Q - 1 - k2] *")),
    ("taps d + 1 apart", _variant(_CONV_DILATED_TAPS, "    d = dilation\n", "    d = dilation + 1\n")),
    ("bias missing", _variant(_CONV_DILATED_TAPS, "    return out + b\n", "    return out\n")),
    ("bias added once per tap", _variant(
        _variant(_CONV_DILATED_TAPS, "    return out + b\n", "    return out\n"), "out += w[k1, k2] * xp[k1 * d:k1 * d + N, k2 * d:k2 * d + M]",
        "out += w[k1, k2] * xp[k1 * d:k1 * d + N, k2 * d:k2 * d + M] + b")),
    ("integer truncation: out = np.zeros_like(x)", """
        def conv_dilated(x, w, dilation, b=0.0):
            d = dilation
            N, M = x.shape
            K1, K2 = w.shape[0] // 2, w.shape[1] // 2
            xp = np.pad(x, ((K1 * d, K1 * d), (K2 * d, K2 * d)))
            out = np.zeros_like(x)
            for k1 in range(w.shape[0]):
                for k2 in range(w.shape[1]):
                    out += w[k1, k2] * xp[k1 * d:k1 * d + N, k2 * d:k2 * d + M]
            return out + b
        """),
    ("strided output instead of a dilated kernel", """
        def conv_dilated(x, w, dilation, b=0.0):
            x = np.asarray(x, dtype=float)
            w = np.asarray(w, dtype=float)
            P, Q = w.shape
            N, M = x.shape
            xp = np.pad(x, ((P // 2, P // 2), (Q // 2, Q // 2)))
            out = np.zeros((N, M))
            for k1 in range(P):
                for k2 in range(Q):
                    out += w[k1, k2] * xp[k1:k1 + N, k2:k2 + M]
            return out[::dilation, ::dilation] + b
        """),
    ("only the rows dilated", _variant(
        _variant(_CONV_DILATED_TAPS, "np.pad(x, ((K1 * d, K1 * d), (K2 * d, K2 * d)))", "np.pad(x, ((K1 * d, K1 * d), (K2, K2)))"),
        "xp[k1 * d:k1 * d + N, k2 * d:k2 * d + M]", "xp[k1 * d:k1 * d + N, k2:k2 + M]")),
    ("kernel anchored at its top-left tap", _variant(
        _CONV_DILATED_TAPS, "np.pad(x, ((K1 * d, K1 * d), (K2 * d, K2 * d)))", "np.pad(x, ((0, 2 * K1 * d), (0, 2 * K2 * d)))")),
    ("square kernels only: one K for both axes", _variant(_CONV_DILATED_TAPS, "    K1, K2 = P // 2, Q // 2\n",
                                                         "    K1 = K2 = P // 2\n")),
    ("dilate_kernel with d - 1, then corr", """
        def conv_dilated(x, w, dilation, b=0.0):
            x = np.asarray(x, dtype=float)
            wd = dilate_kernel(w, max(dilation - 1, 1))
            P, Q = wd.shape
            N, M = x.shape
            xp = np.pad(x, ((P // 2, P // 2), (Q // 2, Q // 2)))
            out = np.empty((N, M))
            for n in range(N):
                for m in range(M):
                    out[n, m] = np.sum(wd * xp[n:n + P, m:m + Q]) + b
            return out
        """),
    ("uses torch conv2d(dilation=d)", """
        import torch
        import torch.nn.functional as F

        def conv_dilated(x, w, dilation, b=0.0):
            xt = torch.as_tensor(np.asarray(x, dtype=float))[None, None]
            wt = torch.as_tensor(np.asarray(w, dtype=float))[None, None]
            pad = (wt.shape[2] // 2 * dilation, wt.shape[3] // 2 * dilation)
            return F.conv2d(xt, wt, padding=pad, dilation=dilation)[0, 0].numpy() + b
        """),
    ("calls the course's reference corr2d", """
        from convcourse import ops

        def conv_dilated(x, w, dilation, b=0.0):
            return ops.corr2d(np.asarray(x, dtype=float), dilate_kernel(w, dilation), b)
        """),
    ("bias parameter renamed (keyword b= fails)", _variant(_CONV_DILATED_TAPS, "def conv_dilated(x, w, dilation, b=0.0):",
                                                          "def conv_dilated(x, w, dilation, bias=0.0):\n    b = bias")),
)


# --------------------------------------------------------------- count_peaks

_PEAKS_LOOP = """
def count_peaks(a, tol=1e-9):
    a = np.asarray(a, dtype=float)
    N, M = a.shape
    count = 0
    for n in range(N):
        for m in range(M):
            ok = True
            for i in (-1, 0, 1):
                for j in (-1, 0, 1):
                    if (i, j) != (0, 0) and not a[n, m] > a[(n + i) % N, (m + j) % M] + tol:
                        ok = False
            if ok:
                count += 1
    return count
"""

CORRECT_COUNT_PEAKS = _entries(
    ("loops with indices modulo the size (reference)", """
        def count_peaks(a, tol=1e-9):
            a = np.asarray(a, dtype=float)
            N, M = a.shape
            count = 0
            for n in range(N):
                for m in range(M):
                    around = [a[(n + i) % N, (m + j) % M] for i in (-1, 0, 1) for j in (-1, 0, 1) if i or j]
                    if all(a[n, m] > v + tol for v in around):
                        count += 1
            return count
        """),
    ("four nested loops, flag per pixel", _PEAKS_LOOP),
    ("np.roll of the whole array for each of the 8 offsets", """
        def count_peaks(a, tol=1e-9):
            a = np.asarray(a, dtype=float)
            peak = np.ones(a.shape, dtype=bool)
            for i in (-1, 0, 1):
                for j in (-1, 0, 1):
                    if i or j:
                        peak &= a > np.roll(np.roll(a, i, axis=0), j, axis=1) + tol
            return int(peak.sum())
        """),
    ("np.pad(mode='wrap') and sliding windows", """
        def count_peaks(a, tol=1e-9):
            a = np.asarray(a, dtype=float)
            win = np.lib.stride_tricks.sliding_window_view(np.pad(a, 1, mode="wrap"), (3, 3))
            win = win.reshape(a.shape + (9,))
            others = np.concatenate([win[..., :4], win[..., 5:]], axis=-1)
            return int(np.sum(np.all(a[..., None] - others > tol, axis=-1)))
        """),
    ("float32 kept, np.count_nonzero (returns a Python int)", """
        def count_peaks(a, tol=1e-9):
            a = np.asarray(a)
            if not np.issubdtype(a.dtype, np.floating):
                a = a.astype(np.float64)
            nb = [np.roll(a, (i, j), axis=(0, 1)) for i in (-1, 0, 1) for j in (-1, 0, 1) if (i, j) != (0, 0)]
            return np.count_nonzero(a > np.max(nb, axis=0) + tol)
        """),
)

BUGS_COUNT_PEAKS = _entries(
    ("border pixels skipped", _variant(_PEAKS_LOOP, "    for n in range(N):\n        for m in range(M):",
                                       "    for n in range(1, N - 1):\n        for m in range(1, M - 1):")),
    ("no wrap-around: neighbours outside the array ignored", _variant(
        _PEAKS_LOOP, "if (i, j) != (0, 0) and not a[n, m] > a[(n + i) % N, (m + j) % M] + tol:",
        "if (i, j) != (0, 0) and 0 <= n + i < N and 0 <= m + j < M and not a[n, m] > a[n + i, m + j] + tol:")),
    ("zero padding instead of wrap-around", """
        def count_peaks(a, tol=1e-9):
            a = np.asarray(a, dtype=float)
            p = np.pad(a, 1)
            N, M = a.shape
            count = 0
            for n in range(N):
                for m in range(M):
                    window = p[n:n + 3, m:m + 3].copy()
                    window[1, 1] = -np.inf
                    if a[n, m] > window.max() + tol:
                        count += 1
            return count
        """),
    ("negative indices wrap, indices past the end are skipped", """
        def count_peaks(a, tol=1e-9):
            a = np.asarray(a, dtype=float)
            N, M = a.shape
            count = 0
            for n in range(N):
                for m in range(M):
                    ok = True
                    for i in (-1, 0, 1):
                        for j in (-1, 0, 1):
                            if (i, j) == (0, 0):
                                continue
                            try:
                                if not a[n, m] > a[n + i, m + j] + tol:
                                    ok = False
                            except IndexError:
                                pass
                    count += ok
            return count
        """),
    ("4 neighbours only", _variant(_PEAKS_LOOP, "if (i, j) != (0, 0) and not", "if abs(i) + abs(j) == 1 and not")),
    ("plateaus counted (>= instead of >, no tol)", _variant(
        _PEAKS_LOOP, "not a[n, m] > a[(n + i) % N, (m + j) % M] + tol", "not a[n, m] >= a[(n + i) % N, (m + j) % M]")),
    ("tol ignored", _variant(_PEAKS_LOOP, "% M] + tol:", "% M]:")),
    ("counts minima", _variant(_PEAKS_LOOP, "not a[n, m] > a[(n + i) % N, (m + j) % M] + tol",
                               "not a[n, m] < a[(n + i) % N, (m + j) % M] - tol")),
    ("counts the entries equal to the global maximum", """
        def count_peaks(a, tol=1e-9):
            a = np.asarray(a, dtype=float)
            return int(np.sum(a >= a.max() - tol))
        """),
    ("returns the boolean mask instead of the count", """
        def count_peaks(a, tol=1e-9):
            a = np.asarray(a, dtype=float)
            peak = np.ones(a.shape, dtype=bool)
            for i in (-1, 0, 1):
                for j in (-1, 0, 1):
                    if i or j:
                        peak &= a > np.roll(a, (i, j), axis=(0, 1)) + tol
            return peak
        """),
    ("returns a float count", _variant(_PEAKS_LOOP, "    count = 0\n", "    count = 0.0\n")),
    ("uses scipy.ndimage.maximum_filter", """
        from scipy import ndimage

        def count_peaks(a, tol=1e-9):
            a = np.asarray(a, dtype=float)
            fp = np.ones((3, 3), dtype=bool)
            fp[1, 1] = False
            return int(np.sum(a > ndimage.maximum_filter(a, footprint=fp, mode="wrap") + tol))
        """),
    ("only the first neighbour compared (early return in the loop)", """
        def count_peaks(a, tol=1e-9):
            a = np.asarray(a, dtype=float)
            N, M = a.shape
            count = 0
            for n in range(N):
                for m in range(M):
                    for i, j in [(-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)]:
                        if a[n, m] > a[(n + i) % N, (m + j) % M] + tol:
                            count += 1
                        break
            return count
        """),
)


# ----------------------------------------------------------- compose_kernels

_COMPOSE_LOOP = """
def compose_kernels(kernels):
    kernels = list(kernels)
    acc = np.array(kernels[0], dtype=float)
    for k in kernels[1:]:
        k = np.asarray(k, dtype=float)
        P1, P2 = acc.shape
        grown = np.zeros((P1 + k.shape[0] - 1, P2 + k.shape[1] - 1))
        for i in range(k.shape[0]):
            for j in range(k.shape[1]):
                grown[i:i + P1, j:j + P2] += k[i, j] * acc
        acc = grown
    return acc
"""

_COMPOSE_PAIRS = """
def compose_kernels(kernels):
    acc = np.asarray(kernels[0], dtype=float)
    for k in kernels[1:]:
        k = np.asarray(k, dtype=float)
        out = np.zeros((acc.shape[0] + k.shape[0] - 1, acc.shape[1] + k.shape[1] - 1))
        for i1 in range(acc.shape[0]):
            for i2 in range(acc.shape[1]):
                for j1 in range(k.shape[0]):
                    for j2 in range(k.shape[1]):
                        out[i1 + j1, i2 + j2] += acc[i1, i2] * k[j1, j2]
        acc = out
    return acc * 1.0
"""

CORRECT_COMPOSE_KERNELS = _entries(
    ("shifted copies of the running kernel (reference)", _COMPOSE_LOOP),
    ("four loops: c[i + j] += a[i] * b[j]", _COMPOSE_PAIRS),
    ("FFT at the full size", """
        def compose_kernels(kernels):
            ks = [np.asarray(k, dtype=float) for k in kernels]
            s = (sum(k.shape[0] - 1 for k in ks) + 1, sum(k.shape[1] - 1 for k in ks) + 1)
            spec = np.ones((s[0], s[1] // 2 + 1), dtype=complex)
            for k in ks:
                spec *= np.fft.rfft2(k, s)
            return np.fft.irfft2(spec, s)
        """),
    ("impulse response of the cascade, flipped back", """
        def compose_kernels(kernels):
            ks = [np.asarray(k, dtype=float) for k in kernels]
            R1 = sum(k.shape[0] // 2 for k in ks)
            R2 = sum(k.shape[1] // 2 for k in ks)
            h = np.zeros((4 * R1 + 1, 4 * R2 + 1))
            h[2 * R1, 2 * R2] = 1.0
            for k in ks:
                K1, K2 = k.shape[0] // 2, k.shape[1] // 2
                hp = np.pad(h, ((K1, K1), (K2, K2)))
                new = np.zeros(h.shape)
                for i in range(k.shape[0]):
                    for j in range(k.shape[1]):
                        new += k[i, j] * hp[i:i + h.shape[0], j:j + h.shape[1]]
                h = new
            return h[R1:3 * R1 + 1, R2:3 * R2 + 1][::-1, ::-1]
        """),
    ("correlation with the flipped kernel on a zero-padded copy (einsum)", """
        def compose_kernels(kernels):
            acc = np.asarray(kernels[0], dtype=np.float64)
            for k in kernels[1:]:
                k = np.asarray(k, dtype=np.float64)[::-1, ::-1]
                p = np.pad(acc, ((k.shape[0] - 1,) * 2, (k.shape[1] - 1,) * 2))
                win = np.lib.stride_tricks.sliding_window_view(p, k.shape)
                acc = np.einsum("abij,ij->ab", win, k)
            return acc.copy()
        """),
)

BUGS_COMPOSE_KERNELS = _entries(
    ("cross-correlates the kernels instead of convolving them", _variant(
        _COMPOSE_PAIRS, "out[i1 + j1, i2 + j2] += acc[i1, i2] * k[j1, j2]",
        "out[i1 - j1 + k.shape[0] - 1, i2 - j2 + k.shape[1] - 1] += acc[i1, i2] * k[j1, j2]")),
    ("flips the result", _variant(_COMPOSE_LOOP, "    return acc\n", "    return acc[::-1, ::-1]\n")),
    ("'same' size: cropped to the first kernel's shape", """
        def compose_kernels(kernels):
            first = np.asarray(kernels[0], dtype=float)
            acc = first
            for k in kernels[1:]:
                k = np.asarray(k, dtype=float)
                P1, P2 = acc.shape
                grown = np.zeros((P1 + k.shape[0] - 1, P2 + k.shape[1] - 1))
                for i in range(k.shape[0]):
                    for j in range(k.shape[1]):
                        grown[i:i + P1, j:j + P2] += k[i, j] * acc
                r, c = (grown.shape[0] - P1) // 2, (grown.shape[1] - P2) // 2
                acc = grown[r:r + P1, c:c + P2]
            return acc
        """),
    ("only the first two kernels", _variant(_COMPOSE_LOOP, "    for k in kernels[1:]:\n", "    for k in kernels[1:2]:\n")),
    ("last kernel skipped (range(1, len - 1))", _variant(_COMPOSE_LOOP, "    for k in kernels[1:]:\n",
                                                        "    for k in kernels[1:len(kernels) - 1]:\n")),
    ("starts from zeros instead of the first kernel", _variant(
        _COMPOSE_LOOP, "    acc = np.array(kernels[0], dtype=float)\n    for k in kernels[1:]:\n",
        "    acc = np.zeros((1, 1))\n    for k in kernels:\n")),
    ("circular FFT at the largest kernel's size", """
        def compose_kernels(kernels):
            ks = [np.asarray(k, dtype=float) for k in kernels]
            s = (max(k.shape[0] for k in ks), max(k.shape[1] for k in ks))
            spec = np.ones(s, dtype=complex)
            for k in ks:
                spec = spec * np.fft.fft2(k, s)
            return np.real(np.fft.ifft2(spec))
        """),
    ("each step one row and column too big", _variant(
        _COMPOSE_LOOP, "grown = np.zeros((P1 + k.shape[0] - 1, P2 + k.shape[1] - 1))",
        "grown = np.zeros((P1 + k.shape[0], P2 + k.shape[1]))")),
    ("normalised to sum 1", _variant(_COMPOSE_LOOP, "    return acc\n", "    return acc / acc.sum()\n")),
    ("adds the kernels (centred) instead of convolving", """
        def compose_kernels(kernels):
            ks = [np.asarray(k, dtype=float) for k in kernels]
            S1 = sum(k.shape[0] - 1 for k in ks) + 1
            S2 = sum(k.shape[1] - 1 for k in ks) + 1
            out = np.zeros((S1, S2))
            for k in ks:
                r, c = (S1 - k.shape[0]) // 2, (S2 - k.shape[1]) // 2
                out[r:r + k.shape[0], c:c + k.shape[1]] += k
            return out
        """),
    ("empties the caller's list (kernels.pop)", """
        def compose_kernels(kernels):
            acc = np.array(kernels.pop(0), dtype=float)
            while kernels:
                k = np.asarray(kernels.pop(0), dtype=float)
                P1, P2 = acc.shape
                grown = np.zeros((P1 + k.shape[0] - 1, P2 + k.shape[1] - 1))
                for i in range(k.shape[0]):
                    for j in range(k.shape[1]):
                        grown[i:i + P1, j:j + P2] += k[i, j] * acc
                acc = grown
            return acc
        """),
    ("a single kernel returned as given (integer stays integer)", """
        def compose_kernels(kernels):
            acc = kernels[0]
            for k in kernels[1:]:
                k = np.asarray(k, dtype=float)
                P1, P2 = acc.shape
                grown = np.zeros((P1 + k.shape[0] - 1, P2 + k.shape[1] - 1))
                for i in range(k.shape[0]):
                    for j in range(k.shape[1]):
                        grown[i:i + P1, j:j + P2] += k[i, j] * acc
                acc = grown
            return acc
        """),
    ("integer kernels: accumulator of the first kernel's dtype", _variant(
        _COMPOSE_LOOP, "grown = np.zeros((P1 + k.shape[0] - 1, P2 + k.shape[1] - 1))",
        "grown = np.zeros((P1 + k.shape[0] - 1, P2 + k.shape[1] - 1), dtype=np.asarray(kernels[0]).dtype)")
     .replace("    acc = np.array(kernels[0], dtype=float)\n", "    acc = np.array(kernels[0])\n")
     .replace("        k = np.asarray(k, dtype=float)\n", "        k = np.asarray(k)\n")),
    ("transposes the result", _variant(_COMPOSE_LOOP, "    return acc\n", "    return acc.T\n")),
    ("uses scipy.signal.convolve2d", """
        from scipy.signal import convolve2d

        def compose_kernels(kernels):
            acc = np.asarray(kernels[0], dtype=float)
            for k in kernels[1:]:
                acc = convolve2d(acc, np.asarray(k, dtype=float))
            return acc
        """),
    ("'valid' steps (the kernel shrinks)", """
        def compose_kernels(kernels):
            acc = np.asarray(kernels[0], dtype=float)
            for k in kernels[1:]:
                k = np.asarray(k, dtype=float)
                if k.shape[0] > acc.shape[0] or k.shape[1] > acc.shape[1]:
                    acc, k = k, acc
                win = np.lib.stride_tricks.sliding_window_view(acc, k.shape)
                acc = np.einsum("abij,ij->ab", win, k[::-1, ::-1])
            return acc
        """),
)


# -------------------------------------------------------------- cascade_size

CORRECT_CASCADE_SIZE = _entries(
    ("formula (reference)", """
        def cascade_size(kernel_sizes, dilations):
            return int(1 + sum((k - 1) * d for k, d in zip(kernel_sizes, dilations)))
        """),
    ("grow a size step by step", """
        def cascade_size(kernel_sizes, dilations):
            size = 1
            for i in range(len(kernel_sizes)):
                dilated = (kernel_sizes[i] - 1) * dilations[i] + 1
                size = size + dilated - 1
            return int(size)
        """),
    ("numpy dot product (returns a numpy integer)", """
        def cascade_size(kernel_sizes, dilations):
            k = np.asarray(kernel_sizes)
            d = np.asarray(dilations)
            return 1 + np.dot(k - 1, d)
        """),
    ("half-widths: 2 * sum of reaches + 1", """
        def cascade_size(kernel_sizes, dilations):
            reach = 0
            for k, d in zip(kernel_sizes, dilations):
                reach += (k // 2) * d
            return 2 * reach + 1
        """),
)

BUGS_CASCADE_SIZE = _entries(
    ("the largest single dilated kernel (the text's 9)", """
        def cascade_size(kernel_sizes, dilations):
            return max((k - 1) * d + 1 for k, d in zip(kernel_sizes, dilations))
        """),
    ("sum of the kernel sizes", """
        def cascade_size(kernel_sizes, dilations):
            return sum(kernel_sizes)
        """),
    ("+ 1 missing", """
        def cascade_size(kernel_sizes, dilations):
            return sum((k - 1) * d for k, d in zip(kernel_sizes, dilations))
        """),
    ("adds the dilated sizes", """
        def cascade_size(kernel_sizes, dilations):
            return sum((k - 1) * d + 1 for k, d in zip(kernel_sizes, dilations))
        """),
    ("k * d per kernel", """
        def cascade_size(kernel_sizes, dilations):
            return 1 + sum(k * d for k, d in zip(kernel_sizes, dilations))
        """),
    ("dilations ignored", """
        def cascade_size(kernel_sizes, dilations):
            return 1 + sum(k - 1 for k in kernel_sizes)
        """),
    ("largest dilation for every kernel", """
        def cascade_size(kernel_sizes, dilations):
            return 1 + sum(k - 1 for k in kernel_sizes) * max(dilations)
        """),
    ("sizes and dilations swapped", """
        def cascade_size(kernel_sizes, dilations):
            return 1 + sum((d - 1) * k for k, d in zip(kernel_sizes, dilations))
        """),
    ("returns a float", """
        def cascade_size(kernel_sizes, dilations):
            return 1.0 + np.sum((np.asarray(kernel_sizes) - 1.0) * np.asarray(dilations))
        """),
    ("product of the dilated sizes", """
        def cascade_size(kernel_sizes, dilations):
            size = 1
            for k, d in zip(kernel_sizes, dilations):
                size *= (k - 1) * d + 1
            return size
        """),
    ("hard-codes 15", """
        def cascade_size(kernel_sizes, dilations):
            return 15
        """),
    ("calls the course's reference op", """
        from convcourse import ops

        def cascade_size(kernel_sizes, dilations):
            return ops.cascade_size(kernel_sizes, dilations)
        """),
)


# ------------------------------------------------------- hard-coded answers

def _hardcoded(name: str, signature: str, key_expr: str, fallback: str, table: dict) -> str:
    """A solution that returns the visible tests' answers from a table and gives up elsewhere."""
    return (f"_ANSWERS = {table!r}\n\n"
            f"def {name}({signature}):\n"
            f"    key = {key_expr}\n"
            f"    if key in _ANSWERS:\n"
            f"        return np.array(_ANSWERS[key])\n"
            f"    return {fallback}\n")


def _hardcoded_entries():
    """Solutions that hard-code the visible tests' answers (built from the visible cases)."""
    from convcourse import ops
    from convgrader.checks import dilation as cd

    def table(cases, reference, key):
        out = {}
        for case in cases:
            out[key(*case.args, **case.kwargs)] = np.asarray(reference(*case.args, **case.kwargs), dtype=float).tolist()
        return out

    out = {}
    out["dilate_kernel"] = _hardcoded(
        "dilate_kernel", "w, d", "(np.shape(w), round(float(np.sum(w)), 6), d)", "np.asarray(w, dtype=float)",
        table(cd.cases_dilate_kernel(), ops.dilate_kernel, lambda w, d: (np.shape(w), round(float(np.sum(w)), 6), d)))
    out["conv_dilated"] = _hardcoded(
        "conv_dilated", "x, w, dilation, b=0.0", "(np.shape(x), round(float(np.sum(x)), 6), dilation)",
        "np.zeros(np.shape(x)) + b",
        table(cd.cases_conv_dilated(), ops.conv_dilated,
              lambda x, w, dilation, b=0.0: (np.shape(x), round(float(np.sum(x)), 6), dilation)))
    peaks = {}
    for case in cd.cases_count_peaks():
        a = case.args[0]
        peaks[(np.shape(a), round(float(np.sum(a)), 6))] = cd._peaks_reference(*case.args, **case.kwargs)
    out["count_peaks"] = (f"_ANSWERS = {peaks!r}\n\n"
                          "def count_peaks(a, tol=1e-9):\n"
                          "    return _ANSWERS.get((np.shape(a), round(float(np.sum(a)), 6)), 1)\n")

    def kkey(kernels):
        return tuple((np.shape(k), round(float(np.sum(k)), 6)) for k in kernels)

    out["compose_kernels"] = _hardcoded(
        "compose_kernels", "kernels", "tuple((np.shape(k), round(float(np.sum(k)), 6)) for k in kernels)",
        "np.asarray(kernels[-1], dtype=float)", table(cd.cases_compose_kernels(), ops.compose_kernels, kkey))
    sizes = {(tuple(c.args[0]), tuple(c.args[1])): ops.cascade_size(*c.args) for c in cd.cases_cascade_size()}
    out["cascade_size"] = (f"_ANSWERS = {sizes!r}\n\n"
                           "def cascade_size(kernel_sizes, dilations):\n"
                           "    return _ANSWERS.get((tuple(kernel_sizes), tuple(dilations)), 15)\n")
    return out


CORRECT = {
    "dilate_kernel": CORRECT_DILATE_KERNEL,
    "conv_dilated": CORRECT_CONV_DILATED,
    "count_peaks": CORRECT_COUNT_PEAKS,
    "compose_kernels": CORRECT_COMPOSE_KERNELS,
    "cascade_size": CORRECT_CASCADE_SIZE,
}

BUGS = {
    "dilate_kernel": BUGS_DILATE_KERNEL,
    "conv_dilated": BUGS_CONV_DILATED,
    "count_peaks": BUGS_COUNT_PEAKS,
    "compose_kernels": BUGS_COMPOSE_KERNELS,
    "cascade_size": BUGS_CASCADE_SIZE,
}

for _name, _src in _hardcoded_entries().items():
    BUGS[_name].append(("hard-codes the visible tests' answers", _src))
del _name, _src


# The bug the real nbgrader round trip submits: nothing else graded depends on cascade_size (the notebook's
# demo cells that call it are not test cells), so it must cost exactly its own test cell. It is the text's
# erratum itself: the largest single dilated kernel, 9 for three 3x3 kernels with dilations 1, 2, 4.
ROUNDTRIP_BUG = {
    "cell": "cascade_size",
    "code": dict(BUGS["cascade_size"])["the largest single dilated kernel (the text's 9)"],
    "lost": ["cascade_size_test"],
}
