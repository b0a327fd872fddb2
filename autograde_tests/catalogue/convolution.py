"""Mutation catalogue of notebook 01_convolution.

Each entry is ``(label, source)``: ``source`` is the full code of a student's
solution cell (a ``def name(...)``, or for the two questions an assignment
``answer_... = "X"``).  It is executed in a namespace that holds ``np``
(numpy) and correct versions of the notebook's other graded functions, so a
solution may call ``corr2d`` and friends, as students do.

* ``CORRECT[name]``: different correct implementations (loops, vectorised,
  FFT, float32, integer-friendly, built on the other functions, ...).  Every
  one must pass the visible and the hidden checks.  The first entry of each
  list is self-contained apart from the helpers the reference solution uses
  (``convolve2d``, ``conv_multi_in`` and ``conv_multi_out`` call ``corr2d``,
  ``conv_layer`` calls ``conv_multi_in``) and is the one other entries' tests
  get as a helper.
* ``BUGS[name]``: realistic mistakes students make.  Every one must be
  rejected by the visible or the hidden checks
  (``autograde_tests/test_catalogue_convolution.py`` measures the kill rate).
"""
from __future__ import annotations

import textwrap

import numpy as np

__all__ = ["FUNCTIONS", "ANSWERS", "CORRECT", "BUGS"]

FUNCTIONS = ["corr2d", "convolve2d", "corr1d", "toeplitz_1d", "conv_multi_in", "conv_multi_out",
             "conv_layer", "conv_layer_fast", "conv_num_params"]
ANSWERS = ["answer_filter_params", "answer_num_filters"]


def _s(src: str) -> str:
    return textwrap.dedent(src).strip("\n") + "\n"


def _entries(*pairs):
    return [(label, _s(src)) for label, src in pairs]


# ------------------------------------------------------------------- corr2d

_CORR2D_LOOP = """
def corr2d(x, w, b=0.0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    P, Q = w.shape
    K1, K2 = P // 2, Q // 2
    N, M = x.shape
    xp = np.pad(x, ((K1, K1), (K2, K2)))
    out = np.zeros((N, M))
    for n in range(N):
        for m in range(M):
            out[n, m] = np.sum(w * xp[n:n + P, m:m + Q]) + b
    return out
"""

CORRECT_CORR2D = _entries(
    ("tap loops on a zero-padded copy (reference)", """
        def corr2d(x, w, b=0.0):
            x = np.asarray(x, dtype=float)
            w = np.asarray(w, dtype=float)
            K1, K2 = w.shape[0] // 2, w.shape[1] // 2
            N, M = x.shape
            xp = np.zeros((N + 2 * K1, M + 2 * K2))
            xp[K1:K1 + N, K2:K2 + M] = x
            out = np.full((N, M), float(b))
            for k1 in range(w.shape[0]):
                for k2 in range(w.shape[1]):
                    out += w[k1, k2] * xp[k1:k1 + N, k2:k2 + M]
            return out
        """),
    ("per-pixel loops with np.pad", _CORR2D_LOOP),
    ("four nested loops with bounds checks, no padding", """
        def corr2d(x, w, b=0.0):
            N, M = x.shape
            P, Q = w.shape
            K1, K2 = P // 2, Q // 2
            out = np.zeros((N, M))
            for n in range(N):
                for m in range(M):
                    s = float(b)
                    for k1 in range(P):
                        for k2 in range(Q):
                            i, j = n + k1 - K1, m + k2 - K2
                            if 0 <= i < N and 0 <= j < M:
                                s += w[k1, k2] * x[i, j]
                    out[n, m] = s
            return out
        """),
    ("vectorised: sliding_window_view + einsum", """
        def corr2d(x, w, b=0.0):
            x = np.asarray(x, dtype=float)
            w = np.asarray(w, dtype=float)
            K1, K2 = w.shape[0] // 2, w.shape[1] // 2
            xp = np.pad(x, ((K1, K1), (K2, K2)))
            windows = np.lib.stride_tricks.sliding_window_view(xp, w.shape)   # (N, M, P, Q)
            return np.einsum("nmpq,pq->nm", windows, w) + b
        """),
    ("FFT: zero-padded to the full size, cropped to 'same'", """
        def corr2d(x, w, b=0.0):
            x = np.asarray(x, dtype=float)
            w = np.asarray(w, dtype=float)
            N, M = x.shape
            P, Q = w.shape
            s = (N + P - 1, M + Q - 1)
            full = np.fft.irfft2(np.fft.rfft2(x, s) * np.fft.rfft2(w[::-1, ::-1], s), s)
            return full[P // 2:P // 2 + N, Q // 2:Q // 2 + M] + b
        """),
    ("float32 throughout, returns float32", """
        def corr2d(x, w, b=0.0):
            x = np.asarray(x, dtype=np.float32)
            w = np.asarray(w, dtype=np.float32)
            K1, K2 = w.shape[0] // 2, w.shape[1] // 2
            N, M = x.shape
            xp = np.pad(x, ((K1, K1), (K2, K2)))
            out = np.full((N, M), b, dtype=np.float32)
            for k1 in range(w.shape[0]):
                for k2 in range(w.shape[1]):
                    out += w[k1, k2] * xp[k1:k1 + N, k2:k2 + M]
            return out
        """),
    ("keeps float32 as float32, integers become float64", """
        def corr2d(x, w, b=0.0):
            x, w = np.asarray(x), np.asarray(w)
            dtype = np.result_type(x.dtype, w.dtype, np.float32)
            x, w = x.astype(dtype), w.astype(dtype)
            K1, K2 = w.shape[0] // 2, w.shape[1] // 2
            xp = np.pad(x, ((K1, K1), (K2, K2)))
            win = np.lib.stride_tricks.sliding_window_view(xp, w.shape)
            return (np.tensordot(win, w, axes=([2, 3], [0, 1])) + b).astype(dtype)
        """),
    ("im2col + matrix product", """
        def corr2d(x, w, b=0.0):
            x = np.asarray(x, dtype=float)
            w = np.asarray(w, dtype=float)
            N, M = x.shape
            P, Q = w.shape
            xp = np.pad(x, ((P // 2, P // 2), (Q // 2, Q // 2)))
            cols = np.empty((N * M, P * Q))
            for k1 in range(P):
                for k2 in range(Q):
                    cols[:, k1 * Q + k2] = xp[k1:k1 + N, k2:k2 + M].ravel()
            return (cols @ w.ravel()).reshape(N, M) + b
        """),
    ("integer image: converted with astype(float), bias via np.full", """
        def corr2d(x, w, b=0.0):
            x = np.array(x).astype(np.float64)
            w = np.array(w).astype(np.float64)
            N, M = x.shape
            P, Q = w.shape
            padded = np.zeros((N + P - 1, M + Q - 1))
            padded[P // 2:P // 2 + N, Q // 2:Q // 2 + M] = x
            out = np.full(x.shape, b, dtype=np.float64)
            for n in range(N):
                for m in range(M):
                    out[n, m] += (padded[n:n + P, m:m + Q] * w).sum()
            return out
        """),
)


def _corr2d_variant(old: str, new: str, base: str = _CORR2D_LOOP) -> str:
    """The per-pixel loop solution with one line changed (a one-line slip)."""
    assert old in base, old
    return base.replace(old, new)


BUGS_CORR2D = _entries(
    ("kernel flipped (convolution)", _corr2d_variant("np.sum(w * xp", "np.sum(w[::-1, ::-1] * xp")),
    ("kernel flipped along the rows only", _corr2d_variant("np.sum(w * xp", "np.sum(w[::-1] * xp")),
    ("kernel flipped along the columns only", _corr2d_variant("np.sum(w * xp", "np.sum(np.fliplr(w) * xp")),
    ("kernel transposed (window and kernel axes swapped)", _corr2d_variant(
        "np.sum(w * xp[n:n + P, m:m + Q])", "np.sum(w.T * xp[n:n + Q, m:m + P])")),
    ("valid padding (no padding)", """
        def corr2d(x, w, b=0.0):
            x = np.asarray(x, dtype=float)
            w = np.asarray(w, dtype=float)
            P, Q = w.shape
            N, M = x.shape
            out = np.zeros((N - P + 1, M - Q + 1))
            for n in range(N - P + 1):
                for m in range(M - Q + 1):
                    out[n, m] = np.sum(w * x[n:n + P, m:m + Q]) + b
            return out
        """),
    ("pads the valid output instead of the input", """
        def corr2d(x, w, b=0.0):
            x = np.asarray(x, dtype=float)
            w = np.asarray(w, dtype=float)
            P, Q = w.shape
            N, M = x.shape
            out = np.zeros((N, M))
            for n in range(P // 2, N - P // 2):
                for m in range(Q // 2, M - Q // 2):
                    out[n, m] = np.sum(w * x[n - P // 2:n + P // 2 + 1, m - Q // 2:m + Q // 2 + 1]) + b
            return out
        """),
    ("full padding (pads by the kernel size)", """
        def corr2d(x, w, b=0.0):
            x = np.asarray(x, dtype=float)
            w = np.asarray(w, dtype=float)
            P, Q = w.shape
            xp = np.pad(x, ((P - 1, P - 1), (Q - 1, Q - 1)))
            N, M = xp.shape[0] - P + 1, xp.shape[1] - Q + 1
            out = np.zeros((N, M))
            for n in range(N):
                for m in range(M):
                    out[n, m] = np.sum(w * xp[n:n + P, m:m + Q]) + b
            return out
        """),
    ("edge padding instead of zeros", _corr2d_variant("np.pad(x, ((K1, K1), (K2, K2)))",
                                                      "np.pad(x, ((K1, K1), (K2, K2)), mode='edge')")),
    ("reflect padding instead of zeros", _corr2d_variant("np.pad(x, ((K1, K1), (K2, K2)))",
                                                         "np.pad(x, ((K1, K1), (K2, K2)), mode='symmetric')")),
    ("kernel anchored at its top-left corner", _corr2d_variant("np.pad(x, ((K1, K1), (K2, K2)))",
                                                               "np.pad(x, ((0, P - 1), (0, Q - 1)))")),
    ("pads by K+1 (output shifted by one)", _corr2d_variant("np.pad(x, ((K1, K1), (K2, K2)))",
                                                            "np.pad(x, ((K1 + 1, K1 + 1), (K2 + 1, K2 + 1)))")),
    ("off-by-one in the row loop (last row left at 0)", _corr2d_variant("for n in range(N):",
                                                                       "for n in range(N - 1):")),
    ("off-by-one in the column loop (starts at 1)", _corr2d_variant("for m in range(M):",
                                                                   "for m in range(1, M):")),
    ("bias missing", _corr2d_variant(" + b\n", "\n")),
    ("bias added once per kernel tap", """
        def corr2d(x, w, b=0.0):
            x = np.asarray(x, dtype=float)
            w = np.asarray(w, dtype=float)
            K1, K2 = w.shape[0] // 2, w.shape[1] // 2
            N, M = x.shape
            xp = np.pad(x, ((K1, K1), (K2, K2)))
            out = np.zeros((N, M))
            for k1 in range(w.shape[0]):
                for k2 in range(w.shape[1]):
                    out += w[k1, k2] * xp[k1:k1 + N, k2:k2 + M] + b
            return out
        """),
    ("integer truncation: out = np.zeros_like(x)", """
        def corr2d(x, w, b=0.0):
            P, Q = w.shape
            K1, K2 = P // 2, Q // 2
            N, M = x.shape
            xp = np.pad(x, ((K1, K1), (K2, K2)))
            out = np.zeros_like(x)
            for n in range(N):
                for m in range(M):
                    out[n, m] = np.sum(w * xp[n:n + P, m:m + Q]) + b
            return out
        """),
    ("bias array takes b's dtype: np.full(shape, b) with an integer b", """
        def corr2d(x, w, b=0.0):
            x = np.asarray(x, dtype=float)
            w = np.asarray(w, dtype=float)
            K1, K2 = w.shape[0] // 2, w.shape[1] // 2
            N, M = x.shape
            xp = np.pad(x, ((K1, K1), (K2, K2)))
            out = np.full((N, M), b)
            for k1 in range(w.shape[0]):
                for k2 in range(w.shape[1]):
                    out += w[k1, k2] * xp[k1:k1 + N, k2:k2 + M]
            return out
        """),
    ("writes the result into the input x (in place)", """
        def corr2d(x, w, b=0.0):
            P, Q = w.shape
            K1, K2 = P // 2, Q // 2
            N, M = x.shape
            xp = np.pad(x, ((K1, K1), (K2, K2)))
            for n in range(N):
                for m in range(M):
                    x[n, m] = np.sum(w * xp[n:n + P, m:m + Q]) + b
            return x
        """),
    ("returns a Python list", _corr2d_variant("return out", "return out.tolist()")),
    ("uses torch.nn.functional.conv2d", """
        import torch
        import torch.nn.functional as F

        def corr2d(x, w, b=0.0):
            xt = torch.as_tensor(np.asarray(x, dtype=float))[None, None]
            wt = torch.as_tensor(np.asarray(w, dtype=float))[None, None]
            out = F.conv2d(xt, wt, padding=(wt.shape[2] // 2, wt.shape[3] // 2))
            return out[0, 0].numpy() + b
        """),
    ("uses scipy.signal.correlate2d", """
        from scipy.signal import correlate2d

        def corr2d(x, w, b=0.0):
            return correlate2d(np.asarray(x, dtype=float), w, mode="same") + b
        """),
    ("uses np.correlate row by row", """
        def corr2d(x, w, b=0.0):
            x = np.asarray(x, dtype=float)
            w = np.asarray(w, dtype=float)
            P, Q = w.shape
            K1, K2 = P // 2, Q // 2
            N, M = x.shape
            xp = np.pad(x, ((K1, K1), (K2, K2)))
            out = np.full((N, M), float(b))
            for n in range(N):
                for k1 in range(P):
                    out[n] += np.correlate(xp[n + k1], w[k1], mode="valid")
            return out
        """),
    ("swaps N and M (non-square images)", _corr2d_variant("N, M = x.shape", "M, N = x.shape")),
    ("einsum output axes swapped ('->mn')", """
        def corr2d(x, w, b=0.0):
            x = np.asarray(x, dtype=float)
            w = np.asarray(w, dtype=float)
            K1, K2 = w.shape[0] // 2, w.shape[1] // 2
            windows = np.lib.stride_tricks.sliding_window_view(np.pad(x, ((K1, K1), (K2, K2))), w.shape)
            return np.einsum("nmpq,pq->mn", windows, w) + b
        """),
    ("square kernels only: one K for both axes", """
        def corr2d(x, w, b=0.0):
            x = np.asarray(x, dtype=float)
            w = np.asarray(w, dtype=float)
            K = w.shape[0] // 2
            N, M = x.shape
            xp = np.pad(x, K)
            out = np.zeros((N, M))
            for n in range(N):
                for m in range(M):
                    out[n, m] = np.sum(w * xp[n:n + 2 * K + 1, m:m + 2 * K + 1]) + b
            return out
        """),
    ("only works for 3x3 kernels", """
        def corr2d(x, w, b=0.0):
            x = np.asarray(x, dtype=float)
            N, M = x.shape
            xp = np.pad(x, 1)
            out = np.full((N, M), float(b))
            for k1 in range(3):
                for k2 in range(3):
                    out += w[k1, k2] * xp[k1:k1 + N, k2:k2 + M]
            return out
        """),
    ("bias parameter renamed (keyword b= fails)", _corr2d_variant("def corr2d(x, w, b=0.0):",
                                                                 "def corr2d(x, w, bias=0.0):\n    b = bias")),
    ("ignores b passed as a keyword (**kwargs)", _corr2d_variant(
        "def corr2d(x, w, b=0.0):", "def corr2d(x, w, *args, **kwargs):\n    b = args[0] if args else 0.0")),
    ("missing return", _corr2d_variant("    return out\n", "")),
    ("circular boundary (np.roll)", """
        def corr2d(x, w, b=0.0):
            x = np.asarray(x, dtype=float)
            w = np.asarray(w, dtype=float)
            K1, K2 = w.shape[0] // 2, w.shape[1] // 2
            out = np.full(x.shape, float(b))
            for k1 in range(w.shape[0]):
                for k2 in range(w.shape[1]):
                    out += w[k1, k2] * np.roll(x, (K1 - k1, K2 - k2), axis=(0, 1))
            return out
        """),
    ("negative indices wrap around (bounds checked on one side only)", """
        def corr2d(x, w, b=0.0):
            x = np.asarray(x, dtype=float)
            N, M = x.shape
            P, Q = w.shape
            K1, K2 = P // 2, Q // 2
            out = np.zeros((N, M))
            for n in range(N):
                for m in range(M):
                    s = b
                    for k1 in range(P):
                        for k2 in range(Q):
                            i, j = n + k1 - K1, m + k2 - K2
                            if i < N and j < M:
                                s += w[k1, k2] * x[i, j]
                    out[n, m] = s
            return out
        """),
)


# ---------------------------------------------------------------- convolve2d

CORRECT_CONVOLVE2D = _entries(
    ("corr2d with the kernel flipped in both axes (reference)", """
        def convolve2d(x, w, b=0.0):
            w = np.asarray(w, dtype=float)
            return corr2d(x, w[::-1, ::-1], b)
        """),
    ("np.flip", """
        def convolve2d(x, w, b=0.0):
            return corr2d(x, np.flip(w), b)
        """),
    ("rot90 twice", """
        def convolve2d(x, w, b=0.0):
            return corr2d(x, np.rot90(np.asarray(w), 2), b=b)
        """),
    ("own loops with the convolution index formula", """
        def convolve2d(x, w, b=0.0):
            x = np.asarray(x, dtype=float)
            w = np.asarray(w, dtype=float)
            N, M = x.shape
            P, Q = w.shape
            K1, K2 = P // 2, Q // 2
            out = np.full((N, M), float(b))
            for n in range(N):
                for m in range(M):
                    for k1 in range(P):
                        for k2 in range(Q):
                            i, j = n - k1 + K1, m - k2 + K2
                            if 0 <= i < N and 0 <= j < M:
                                out[n, m] += w[k1, k2] * x[i, j]
            return out
        """),
    ("flips the image instead of the kernel (and the result back)", """
        def convolve2d(x, w, b=0.0):
            x = np.asarray(x)
            return corr2d(x[::-1, ::-1], w, b)[::-1, ::-1]
        """),
    ("FFT (true convolution is a product of spectra)", """
        def convolve2d(x, w, b=0.0):
            x = np.asarray(x, dtype=float)
            w = np.asarray(w, dtype=float)
            N, M = x.shape
            P, Q = w.shape
            s = (N + P - 1, M + Q - 1)
            full = np.fft.ifft2(np.fft.fft2(x, s) * np.fft.fft2(w, s)).real
            return full[P // 2:P // 2 + N, Q // 2:Q // 2 + M] + b
        """),
    ("float32 throughout", """
        def convolve2d(x, w, b=0.0):
            w = np.asarray(w, dtype=np.float32)[::-1, ::-1]
            x = np.asarray(x, dtype=np.float32)
            K1, K2 = w.shape[0] // 2, w.shape[1] // 2
            N, M = x.shape
            win = np.lib.stride_tricks.sliding_window_view(np.pad(x, ((K1, K1), (K2, K2))), w.shape)
            return np.einsum("nmpq,pq->nm", win, w) + np.float32(b)
        """),
)

BUGS_CONVOLVE2D = _entries(
    ("kernel not flipped (cross-correlation)", """
        def convolve2d(x, w, b=0.0):
            return corr2d(x, w, b)
        """),
    ("flipped along the rows only (w[::-1])", """
        def convolve2d(x, w, b=0.0):
            return corr2d(x, np.asarray(w)[::-1], b)
        """),
    ("flipped along the columns only (np.fliplr)", """
        def convolve2d(x, w, b=0.0):
            return corr2d(x, np.fliplr(w), b)
        """),
    ("transposed instead of flipped (w.T)", """
        def convolve2d(x, w, b=0.0):
            return corr2d(x, np.asarray(w).T, b)
        """),
    ("rotated by 90 degrees only (np.rot90 once)", """
        def convolve2d(x, w, b=0.0):
            return corr2d(x, np.rot90(w), b)
        """),
    ("flipped twice (flipped kernel and convolution indices)", """
        def convolve2d(x, w, b=0.0):
            x = np.asarray(x, dtype=float)
            w = np.asarray(w, dtype=float)[::-1, ::-1]
            N, M = x.shape
            P, Q = w.shape
            K1, K2 = P // 2, Q // 2
            out = np.full((N, M), float(b))
            for n in range(N):
                for m in range(M):
                    for k1 in range(P):
                        for k2 in range(Q):
                            i, j = n - k1 + K1, m - k2 + K2
                            if 0 <= i < N and 0 <= j < M:
                                out[n, m] += w[k1, k2] * x[i, j]
            return out
        """),
    ("bias missing", """
        def convolve2d(x, w, b=0.0):
            return corr2d(x, np.asarray(w)[::-1, ::-1])
        """),
    ("flips the kernel in place", """
        def convolve2d(x, w, b=0.0):
            w[:] = w[::-1, ::-1].copy()
            return corr2d(x, w, b)
        """),
    ("flips the image but not the result back", """
        def convolve2d(x, w, b=0.0):
            return corr2d(np.asarray(x)[::-1, ::-1], w, b)
        """),
    ("valid output (no padding)", """
        def convolve2d(x, w, b=0.0):
            x = np.asarray(x, dtype=float)
            w = np.asarray(w, dtype=float)[::-1, ::-1]
            P, Q = w.shape
            win = np.lib.stride_tricks.sliding_window_view(x, (P, Q))
            return np.einsum("nmpq,pq->nm", win, w) + b
        """),
    ("full output", """
        def convolve2d(x, w, b=0.0):
            x = np.asarray(x, dtype=float)
            w = np.asarray(w, dtype=float)
            N, M = x.shape
            P, Q = w.shape
            s = (N + P - 1, M + Q - 1)
            return np.fft.irfft2(np.fft.rfft2(x, s) * np.fft.rfft2(w, s), s) + b
        """),
    ("FFT without zero padding (circular convolution)", """
        def convolve2d(x, w, b=0.0):
            x = np.asarray(x, dtype=float)
            w = np.asarray(w, dtype=float)
            P, Q = w.shape
            wp = np.zeros(x.shape)
            wp[:P, :Q] = w
            wp = np.roll(wp, (-(P // 2), -(Q // 2)), axis=(0, 1))
            return np.fft.ifft2(np.fft.fft2(x) * np.fft.fft2(wp)).real + b
        """),
    ("kernel anchored at its corner", """
        def convolve2d(x, w, b=0.0):
            x = np.asarray(x, dtype=float)
            w = np.asarray(w, dtype=float)[::-1, ::-1]
            P, Q = w.shape
            N, M = x.shape
            xp = np.pad(x, ((0, P - 1), (0, Q - 1)))
            out = np.full((N, M), float(b))
            for k1 in range(P):
                for k2 in range(Q):
                    out += w[k1, k2] * xp[k1:k1 + N, k2:k2 + M]
            return out
        """),
    ("uses scipy.signal.convolve2d", """
        import scipy.signal

        def convolve2d(x, w, b=0.0):
            return scipy.signal.convolve2d(x, w, mode="same") + b
        """),
    ("uses np.convolve row by row", """
        def convolve2d(x, w, b=0.0):
            x = np.asarray(x, dtype=float)
            w = np.asarray(w, dtype=float)
            P, Q = w.shape
            K1 = P // 2
            N, M = x.shape
            xp = np.pad(x, ((K1, K1), (0, 0)))
            out = np.full((N, M), float(b))
            for n in range(N):
                for k1 in range(P):
                    out[n] += np.convolve(xp[n + 2 * K1 - k1], w[k1], mode="same")
            return out
        """),
    ("returns a torch tensor", """
        import torch

        def convolve2d(x, w, b=0.0):
            return torch.tensor(corr2d(x, np.asarray(w)[::-1, ::-1], b))
        """),
    ("integer truncation (output buffer of x's dtype)", """
        def convolve2d(x, w, b=0.0):
            w = np.asarray(w)[::-1, ::-1]
            P, Q = w.shape
            N, M = x.shape
            xp = np.pad(x, ((P // 2, P // 2), (Q // 2, Q // 2)))
            out = np.empty_like(x)
            for n in range(N):
                for m in range(M):
                    out[n, m] = b + np.sum(w * xp[n:n + P, m:m + Q])
            return out
        """),
    ("bias parameter renamed (keyword b= fails)", """
        def convolve2d(x, w, bias=0.0):
            return corr2d(x, np.asarray(w)[::-1, ::-1], bias)
        """),
)


# ------------------------------------------------------------------- corr1d

_CORR1D = """
def corr1d(x, w):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    K = len(w) // 2
    xp = np.concatenate([np.zeros(K), x, np.zeros(K)])
    return np.array([np.dot(w, xp[n:n + len(w)]) for n in range(len(x))], dtype=float)
"""


def _corr1d_variant(old: str, new: str) -> str:
    assert old in _CORR1D, old
    return _CORR1D.replace(old, new)


CORRECT_CORR1D = _entries(
    ("padded copy, one dot product per output (reference)", _CORR1D),
    ("tap loop over shifted slices", """
        def corr1d(x, w):
            x = np.asarray(x, dtype=float)
            N, L = len(x), len(w)
            K = L // 2
            xp = np.pad(x, K)
            out = np.zeros(N)
            for k in range(L):
                out += w[k] * xp[k:k + N]
            return out
        """),
    ("double loop with bounds checks", """
        def corr1d(x, w):
            N, K = len(x), len(w) // 2
            out = np.zeros(N)
            for n in range(N):
                for k in range(len(w)):
                    j = n + k - K
                    if 0 <= j < N:
                        out[n] += w[k] * x[j]
            return out
        """),
    ("sliding_window_view @ w", """
        def corr1d(x, w):
            w = np.asarray(w, dtype=float)
            K = len(w) // 2
            xp = np.pad(np.asarray(x, dtype=float), (K, K))
            return np.lib.stride_tricks.sliding_window_view(xp, len(w)) @ w
        """),
    ("via the 2-D corr2d on a one-row image", """
        def corr1d(x, w):
            return corr2d(np.asarray(x)[None, :], np.asarray(w)[None, :])[0]
        """),
    ("via the Toeplitz matrix", """
        def corr1d(x, w):
            return toeplitz_1d(w, len(x)) @ np.asarray(x, dtype=float)
        """),
    ("FFT", """
        def corr1d(x, w):
            x = np.asarray(x, dtype=float)
            w = np.asarray(w, dtype=float)
            N, L = len(x), len(w)
            full = np.fft.irfft(np.fft.rfft(x, N + L - 1) * np.fft.rfft(w[::-1], N + L - 1), N + L - 1)
            return full[L // 2:L // 2 + N]
        """),
    ("float32", """
        def corr1d(x, w):
            x = np.asarray(x, dtype=np.float32)
            w = np.asarray(w, dtype=np.float32)
            K = len(w) // 2
            xp = np.concatenate([np.zeros(K, np.float32), x, np.zeros(K, np.float32)])
            return np.array([xp[n:n + len(w)] @ w for n in range(len(x))], dtype=np.float32)
        """),
)

BUGS_CORR1D = _entries(
    ("kernel flipped", _corr1d_variant("np.dot(w, xp", "np.dot(w[::-1], xp")),
    ("valid output (no padding)", """
        def corr1d(x, w):
            x = np.asarray(x, dtype=float)
            L = len(w)
            return np.array([np.dot(w, x[n:n + L]) for n in range(len(x) - L + 1)])
        """),
    ("full output (padded by len(w) - 1)", """
        def corr1d(x, w):
            x = np.asarray(x, dtype=float)
            L = len(w)
            xp = np.pad(x, L - 1)
            return np.array([np.dot(w, xp[n:n + L]) for n in range(len(x) + L - 1)])
        """),
    ("kernel anchored at its first tap (pads on the right only)",
     _corr1d_variant("np.concatenate([np.zeros(K), x, np.zeros(K)])", "np.concatenate([x, np.zeros(2 * K)])")),
    ("pads by len(w) instead of K (shifted)", _corr1d_variant("K = len(w) // 2", "K = len(w)")),
    ("edge padding", _corr1d_variant("np.concatenate([np.zeros(K), x, np.zeros(K)])", "np.pad(x, K, mode='edge')")),
    ("off-by-one: range(len(x) - 1)", _corr1d_variant("range(len(x))", "range(len(x) - 1)")),
    ("integer truncation: np.zeros_like(x)", """
        def corr1d(x, w):
            K = len(w) // 2
            xp = np.pad(x, K)
            out = np.zeros_like(x)
            for n in range(len(x)):
                out[n] = np.sum(w * xp[n:n + len(w)])
            return out
        """),
    ("negative indices wrap around", """
        def corr1d(x, w):
            N, K = len(x), len(w) // 2
            out = np.zeros(N)
            for n in range(N):
                for k in range(len(w)):
                    if n + k - K < N:
                        out[n] += w[k] * x[n + k - K]
            return out
        """),
    ("circular boundary (np.roll)", """
        def corr1d(x, w):
            x = np.asarray(x, dtype=float)
            K = len(w) // 2
            return sum(w[k] * np.roll(x, K - k) for k in range(len(w)))
        """),
    ("window clipped at the border but taps not realigned", """
        def corr1d(x, w):
            x = np.asarray(x, dtype=float)
            N, K = len(x), len(w) // 2
            out = np.zeros(N)
            for n in range(N):
                lo, hi = max(0, n - K), min(N, n + K + 1)
                out[n] = np.dot(w[:hi - lo], x[lo:hi])
            return out
        """),
    ("only works for 3-tap kernels", """
        def corr1d(x, w):
            xp = np.pad(np.asarray(x, dtype=float), 1)
            return w[0] * xp[:-2] + w[1] * xp[1:-1] + w[2] * xp[2:]
        """),
    ("uses np.correlate", """
        def corr1d(x, w):
            return np.correlate(np.asarray(x, dtype=float), w, mode="same")
        """),
    ("uses np.convolve with the flipped kernel", """
        def corr1d(x, w):
            return np.convolve(np.asarray(x, dtype=float), np.asarray(w)[::-1], mode="same")
        """),
    ("returns a Python list", _corr1d_variant(
        "return np.array([np.dot(w, xp[n:n + len(w)]) for n in range(len(x))], dtype=float)",
        "return [float(np.dot(w, xp[n:n + len(w)])) for n in range(len(x))]")),
    ("via corr2d but keeps the row axis: shape (1, N)", """
        def corr1d(x, w):
            return corr2d(np.asarray(x)[None, :], np.asarray(w)[None, :])
        """),
)


# --------------------------------------------------------------- toeplitz_1d

_TOEPLITZ = """
def toeplitz_1d(w, n):
    w = np.asarray(w, dtype=float)
    K = len(w) // 2
    T = np.zeros((n, n))
    for i in range(n):
        for k in range(len(w)):
            j = i + k - K
            if 0 <= j < n:
                T[i, j] = w[k]
    return T
"""


def _toeplitz_variant(old: str, new: str) -> str:
    assert old in _TOEPLITZ, old
    return _TOEPLITZ.replace(old, new)


CORRECT_TOEPLITZ_1D = _entries(
    ("loops over rows and taps (reference)", _TOEPLITZ),
    ("loops over all entries, T[i, j] = w[j - i + K]", """
        def toeplitz_1d(w, n):
            K = len(w) // 2
            T = np.zeros((n, n))
            for i in range(n):
                for j in range(n):
                    if abs(j - i) <= K:
                        T[i, j] = w[j - i + K]
            return T
        """),
    ("sum of shifted identities (np.eye with k)", """
        def toeplitz_1d(w, n):
            K = len(w) // 2
            return sum((w[k] * np.eye(n, k=k - K) for k in range(len(w))), np.zeros((n, n)))
        """),
    ("columns are the responses to unit impulses", """
        def toeplitz_1d(w, n):
            return np.stack([corr1d(e, w) for e in np.eye(n)], axis=1)
        """),
    ("rows via corr1d, transposed", """
        def toeplitz_1d(w, n):
            return np.array([corr1d(e, w) for e in np.eye(n)]).T
        """),
    ("fancy indexing with a mask", """
        def toeplitz_1d(w, n):
            w = np.asarray(w, dtype=float)
            K = len(w) // 2
            i, j = np.indices((n, n))
            d = j - i + K
            inside = (d >= 0) & (d < len(w))
            return np.where(inside, w[np.clip(d, 0, len(w) - 1)], 0.0)
        """),
    ("padded band matrix, cropped", """
        def toeplitz_1d(w, n):
            w = np.asarray(w, dtype=float)
            L = len(w)
            K = L // 2
            big = np.zeros((n, n + 2 * K))
            for i in range(n):
                big[i, i:i + L] = w
            return big[:, K:K + n]
        """),
    ("float32", """
        def toeplitz_1d(w, n):
            w = np.asarray(w, dtype=np.float32)
            K = len(w) // 2
            T = np.zeros((n, n), dtype=np.float32)
            for i in range(n):
                for j in range(max(0, i - K), min(n, i + K + 1)):
                    T[i, j] = w[j - i + K]
            return T
        """),
)

BUGS_TOEPLITZ_1D = _entries(
    ("transposed (T[j, i] = w[k])", _toeplitz_variant("T[i, j] = w[k]", "T[j, i] = w[k]")),
    ("kernel flipped: T[i, j] = w[i - j + K]", """
        def toeplitz_1d(w, n):
            K = len(w) // 2
            T = np.zeros((n, n))
            for i in range(n):
                for j in range(n):
                    if abs(i - j) <= K:
                        T[i, j] = w[i - j + K]
            return T
        """),
    ("rows of corr1d responses (transposed)", """
        def toeplitz_1d(w, n):
            return np.array([corr1d(e, w) for e in np.eye(n)])
        """),
    ("band off by K (centre tap not on the diagonal)", _toeplitz_variant("j = i + k - K", "j = i + k")),
    ("circulant: wraps around instead of truncating", _toeplitz_variant(
        "            if 0 <= j < n:\n                T[i, j] = w[k]", "            T[i, j % n] = w[k]")),
    ("keeps the padded columns: shape (n, n + 2K)", """
        def toeplitz_1d(w, n):
            L = len(w)
            T = np.zeros((n, n + L - 1))
            for i in range(n):
                T[i, i:i + L] = w
            return T
        """),
    ("off-by-one: last row left at zero", _toeplitz_variant("for i in range(n):", "for i in range(n - 1):")),
    ("band too narrow: |j - i| < K", """
        def toeplitz_1d(w, n):
            K = len(w) // 2
            T = np.zeros((n, n))
            for i in range(n):
                for j in range(n):
                    if abs(j - i) < K:
                        T[i, j] = w[j - i + K]
            return T
        """),
    ("integer kernel gives an integer matrix", """
        def toeplitz_1d(w, n):
            w = np.asarray(w)
            K = len(w) // 2
            T = np.zeros((n, n), dtype=w.dtype)
            for i in range(n):
                for k in range(len(w)):
                    if 0 <= i + k - K < n:
                        T[i, i + k - K] = w[k]
            return T
        """),
    ("only 3-tap kernels (three diagonals)", """
        def toeplitz_1d(w, n):
            return (np.diag(np.full(n - 1, float(w[0])), -1) + np.diag(np.full(n, float(w[1])))
                    + np.diag(np.full(n - 1, float(w[2])), 1))
        """),
    ("np.diag of n - |d| entries: breaks when the kernel is longer than the signal", """
        def toeplitz_1d(w, n):
            K = len(w) // 2
            T = np.zeros((n, n))
            for k in range(len(w)):
                d = k - K
                T += np.diag(np.full(n - abs(d), float(w[k])), d)
            return T
        """),
    ("uses scipy.linalg.toeplitz", """
        from scipy.linalg import toeplitz

        def toeplitz_1d(w, n):
            w = np.asarray(w, dtype=float)
            K = len(w) // 2
            col = np.zeros(n)
            row = np.zeros(n)
            col[:min(n, K + 1)] = w[K::-1][:n]
            row[:min(n, K + 1)] = w[K:][:n]
            return toeplitz(col, row)
        """),
)


# ------------------------------------------------------------- conv_multi_in

_MULTI_IN = """
def conv_multi_in(x, w, b=0.0):
    x = np.asarray(x, dtype=float)
    out = np.full(x.shape[1:], float(b))
    for c in range(x.shape[0]):
        out += corr2d(x[c], w[c])
    return out
"""


def _multi_in_variant(old: str, new: str) -> str:
    assert old in _MULTI_IN, old
    return _MULTI_IN.replace(old, new)


CORRECT_CONV_MULTI_IN = _entries(
    ("sum of corr2d over channels (reference)", _MULTI_IN),
    ("sum of a list comprehension", """
        def conv_multi_in(x, w, b=0.0):
            return sum(corr2d(x[c], w[c]) for c in range(len(x))) + b
        """),
    ("np.sum of a stack", """
        def conv_multi_in(x, w, b=0.0):
            return np.sum(np.stack([corr2d(xc, wc) for xc, wc in zip(x, w)]), axis=0) + b
        """),
    ("vectorised: sliding_window_view + einsum over (c, k1, k2)", """
        def conv_multi_in(x, w, b=0.0):
            x = np.asarray(x, dtype=float)
            w = np.asarray(w, dtype=float)
            C, P, Q = w.shape
            xp = np.pad(x, ((0, 0), (P // 2, P // 2), (Q // 2, Q // 2)))
            win = np.lib.stride_tricks.sliding_window_view(xp, (P, Q), axis=(1, 2))   # (C, N, M, P, Q)
            return np.einsum("cnmpq,cpq->nm", win, w) + b
        """),
    ("own loops over channels, pixels and taps", """
        def conv_multi_in(x, w, b=0.0):
            C, N, M = x.shape
            _, P, Q = w.shape
            K1, K2 = P // 2, Q // 2
            out = np.zeros((N, M)) + b
            for c in range(C):
                for n in range(N):
                    for m in range(M):
                        for k1 in range(P):
                            for k2 in range(Q):
                                i, j = n + k1 - K1, m + k2 - K2
                                if 0 <= i < N and 0 <= j < M:
                                    out[n, m] += w[c, k1, k2] * x[c, i, j]
            return out
        """),
    ("via conv_multi_out of each channel", """
        def conv_multi_in(x, w, b=0.0):
            out = sum(conv_multi_out(x[c], np.asarray(w)[c:c + 1], np.zeros(1))[0] for c in range(len(x)))
            return out + b
        """),
    ("FFT over all channels at once", """
        def conv_multi_in(x, w, b=0.0):
            x = np.asarray(x, dtype=float)
            w = np.asarray(w, dtype=float)
            C, N, M = x.shape
            _, P, Q = w.shape
            s = (N + P - 1, M + Q - 1)
            spec = (np.fft.rfft2(x, s) * np.fft.rfft2(w[:, ::-1, ::-1], s)).sum(axis=0)
            return np.fft.irfft2(spec, s)[P // 2:P // 2 + N, Q // 2:Q // 2 + M] + b
        """),
    ("float32", """
        def conv_multi_in(x, w, b=0.0):
            x = np.asarray(x, dtype=np.float32)
            w = np.asarray(w, dtype=np.float32)
            out = np.full(x.shape[1:], b, dtype=np.float32)
            for c in range(len(x)):
                out += corr2d(x[c], w[c]).astype(np.float32)
            return out
        """),
)

BUGS_CONV_MULTI_IN = _entries(
    ("bias added once per channel (the text's erratum)", """
        def conv_multi_in(x, w, b=0.0):
            return sum(corr2d(x[c], w[c], b) for c in range(len(x)))
        """),
    ("follows the erratum literally: b[c]", """
        def conv_multi_in(x, w, b=0.0):
            return sum(corr2d(x[c], w[c]) + b[c] for c in range(len(x)))
        """),
    ("bias missing", _multi_in_variant("np.full(x.shape[1:], float(b))", "np.zeros(x.shape[1:])")),
    ("kernels flipped (convolve2d)", _multi_in_variant("corr2d(x[c], w[c])", "convolve2d(x[c], w[c])")),
    ("channels paired in reverse order", _multi_in_variant("corr2d(x[c], w[c])", "corr2d(x[c], w[-1 - c])")),
    ("averages over channels instead of summing", """
        def conv_multi_in(x, w, b=0.0):
            return np.mean([corr2d(x[c], w[c]) for c in range(len(x))], axis=0) + b
        """),
    ("only the last channel counts (= instead of +=)", _multi_in_variant("out += corr2d", "out = b + corr2d")),
    ("off-by-one: last channel skipped", _multi_in_variant("range(x.shape[0])", "range(x.shape[0] - 1)")),
    ("channel responses not summed: returns (C, N, M)", """
        def conv_multi_in(x, w, b=0.0):
            return np.stack([corr2d(x[c], w[c]) for c in range(len(x))]) + b
        """),
    ("sums over the wrong axis", """
        def conv_multi_in(x, w, b=0.0):
            return np.stack([corr2d(x[c], w[c]) for c in range(len(x))]).sum(axis=1) + b
        """),
    ("stores the responses in x (in place)", """
        def conv_multi_in(x, w, b=0.0):
            for c in range(len(x)):
                x[c] = corr2d(x[c], w[c])
            return x.sum(axis=0) + b
        """),
    ("integer truncation: np.zeros_like(x[0])", """
        def conv_multi_in(x, w, b=0.0):
            C, N, M = x.shape
            _, P, Q = w.shape
            xp = np.pad(x, ((0, 0), (P // 2, P // 2), (Q // 2, Q // 2)))
            out = np.zeros_like(x[0])
            for n in range(N):
                for m in range(M):
                    out[n, m] = b + np.sum(w * xp[:, n:n + P, m:m + Q])
            return out
        """),
    ("bias parameter renamed (keyword b= fails)", """
        def conv_multi_in(x, w, bias=0.0):
            return sum(corr2d(x[c], w[c]) for c in range(len(x))) + bias
        """),
    ("uses torch conv2d", """
        import torch

        def conv_multi_in(x, w, b=0.0):
            xt = torch.as_tensor(np.asarray(x, dtype=float))[None]
            wt = torch.as_tensor(np.asarray(w, dtype=float))[None]
            out = torch.nn.functional.conv2d(xt, wt, padding=(wt.shape[2] // 2, wt.shape[3] // 2))
            return out[0, 0].numpy() + b
        """),
)


# ------------------------------------------------------------ conv_multi_out

CORRECT_CONV_MULTI_OUT = _entries(
    ("stack of corr2d, one bias each (reference)", """
        def conv_multi_out(x, w, b):
            return np.stack([corr2d(x, w[c], b[c]) for c in range(len(w))])
        """),
    ("preallocated output", """
        def conv_multi_out(x, w, b):
            C = w.shape[0]
            out = np.zeros((C,) + np.shape(x))
            for c in range(C):
                out[c] = corr2d(x, w[c]) + b[c]
            return out
        """),
    ("bias broadcast at the end", """
        def conv_multi_out(x, w, b):
            maps = np.array([corr2d(x, wc) for wc in w], dtype=float)
            return maps + np.asarray(b, dtype=float).reshape(-1, 1, 1)
        """),
    ("vectorised einsum", """
        def conv_multi_out(x, w, b):
            x = np.asarray(x, dtype=float)
            w = np.asarray(w, dtype=float)
            C, P, Q = w.shape
            xp = np.pad(x, ((P // 2, P // 2), (Q // 2, Q // 2)))
            win = np.lib.stride_tricks.sliding_window_view(xp, (P, Q))
            return np.einsum("nmpq,cpq->cnm", win, w) + np.asarray(b, dtype=float)[:, None, None]
        """),
    ("each output channel as a one-channel conv_multi_in", """
        def conv_multi_out(x, w, b):
            return np.stack([conv_multi_in(np.asarray(x)[None], w[c][None], b[c]) for c in range(len(b))])
        """),
    ("float32", """
        def conv_multi_out(x, w, b):
            out = np.empty((len(w),) + np.shape(x), dtype=np.float32)
            for c in range(len(w)):
                out[c] = corr2d(x, w[c], b[c])
            return out
        """),
    ("FFT", """
        def conv_multi_out(x, w, b):
            x = np.asarray(x, dtype=float)
            w = np.asarray(w, dtype=float)
            N, M = x.shape
            C, P, Q = w.shape
            s = (N + P - 1, M + Q - 1)
            full = np.fft.irfft2(np.fft.rfft2(x, s)[None] * np.fft.rfft2(w[:, ::-1, ::-1], s), s)
            return full[:, P // 2:P // 2 + N, Q // 2:Q // 2 + M] + np.asarray(b, dtype=float)[:, None, None]
        """),
)

BUGS_CONV_MULTI_OUT = _entries(
    ("every channel gets b[0]", """
        def conv_multi_out(x, w, b):
            return np.stack([corr2d(x, w[c], b[0]) for c in range(len(w))])
        """),
    ("bias missing", """
        def conv_multi_out(x, w, b):
            return np.stack([corr2d(x, w[c]) for c in range(len(w))])
        """),
    ("bias added twice", """
        def conv_multi_out(x, w, b):
            return np.stack([corr2d(x, w[c], b[c]) + b[c] for c in range(len(w))])
        """),
    ("biases paired with the wrong filters (reversed)", """
        def conv_multi_out(x, w, b):
            return np.stack([corr2d(x, w[c], b[len(b) - 1 - c]) for c in range(len(w))])
        """),
    ("kernels flipped (convolve2d)", """
        def conv_multi_out(x, w, b):
            return np.stack([convolve2d(x, w[c], b[c]) for c in range(len(w))])
        """),
    ("adds the whole bias vector to every map", """
        def conv_multi_out(x, w, b):
            return np.stack([corr2d(x, w[c]) + b for c in range(len(w))])
        """),
    ("returns a list of maps", """
        def conv_multi_out(x, w, b):
            return [corr2d(x, w[c], b[c]) for c in range(len(w))]
        """),
    ("stacks on the last axis: (N, M, C)", """
        def conv_multi_out(x, w, b):
            return np.stack([corr2d(x, w[c], b[c]) for c in range(len(w))], axis=-1)
        """),
    ("sums the feature maps", """
        def conv_multi_out(x, w, b):
            return sum(corr2d(x, w[c], b[c]) for c in range(len(w)))
        """),
    ("off-by-one: the last filter is missing", """
        def conv_multi_out(x, w, b):
            return np.stack([corr2d(x, w[c], b[c]) for c in range(len(w) - 1)])
        """),
    ("number of maps taken from x instead of w", """
        def conv_multi_out(x, w, b):
            out = np.zeros((x.shape[0],) + x.shape)
            for c in range(x.shape[0]):
                out[c] = corr2d(x, w[c % len(w)], b[c % len(b)])
            return out
        """),
    ("integer truncation: output of x's dtype", """
        def conv_multi_out(x, w, b):
            out = np.zeros((len(w),) + x.shape, dtype=x.dtype)
            for c in range(len(w)):
                out[c] = corr2d(x, w[c], b[c])
            return out
        """),
    ("uses torch conv2d", """
        import torch
        import torch.nn.functional as F

        def conv_multi_out(x, w, b):
            w = torch.as_tensor(np.asarray(w, dtype=float))
            out = F.conv2d(torch.as_tensor(np.asarray(x, dtype=float))[None, None], w[:, None],
                           torch.as_tensor(np.asarray(b, dtype=float)), padding=(w.shape[1] // 2, w.shape[2] // 2))
            return out[0].numpy()
        """),
)


# ---------------------------------------------------------------- conv_layer

_CONV_LAYER_LOOPS = """
def conv_layer(x, w, b):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    C_in, C_out = w.shape[:2]
    out = np.zeros((C_out,) + x.shape[1:])
    for co in range(C_out):
        for ci in range(C_in):
            out[co] += corr2d(x[ci], w[ci, co])
        out[co] += b[co]
    return out
"""


def _layer_variant(old: str, new: str) -> str:
    assert old in _CONV_LAYER_LOOPS, old
    return _CONV_LAYER_LOOPS.replace(old, new)


CORRECT_CONV_LAYER = _entries(
    ("conv_multi_in per output channel (reference)", """
        def conv_layer(x, w, b):
            x = np.asarray(x, dtype=float)
            w = np.asarray(w, dtype=float)
            C_in, C_out = w.shape[:2]
            out = np.zeros((C_out,) + x.shape[1:])
            for co in range(C_out):
                out[co] = conv_multi_in(x, w[:, co], b[co])
            return out
        """),
    ("double loop over channel pairs with corr2d", _CONV_LAYER_LOOPS),
    ("sum over input channels of conv_multi_out", """
        def conv_layer(x, w, b):
            b = np.asarray(b, dtype=float)
            out = sum(conv_multi_out(x[ci], w[ci], np.zeros(len(b))) for ci in range(len(x)))
            return out + b[:, None, None]
        """),
    ("six nested loops", """
        def conv_layer(x, w, b):
            C_in, N, M = x.shape
            _, C_out, P, Q = w.shape
            K1, K2 = P // 2, Q // 2
            out = np.zeros((C_out, N, M))
            for co in range(C_out):
                for n in range(N):
                    for m in range(M):
                        s = float(b[co])
                        for ci in range(C_in):
                            for k1 in range(P):
                                for k2 in range(Q):
                                    i, j = n + k1 - K1, m + k2 - K2
                                    if 0 <= i < N and 0 <= j < M:
                                        s += w[ci, co, k1, k2] * x[ci, i, j]
                        out[co, n, m] = s
            return out
        """),
    ("sliding_window_view + einsum", """
        def conv_layer(x, w, b):
            x = np.asarray(x, dtype=float)
            w = np.asarray(w, dtype=float)
            P, Q = w.shape[2:]
            xp = np.pad(x, ((0, 0), (P // 2, P // 2), (Q // 2, Q // 2)))
            win = np.lib.stride_tricks.sliding_window_view(xp, (P, Q), axis=(1, 2))
            return np.einsum("inmpq,iopq->onm", win, w) + np.asarray(b, dtype=float)[:, None, None]
        """),
    ("converts to torch's layout first, then loops", """
        def conv_layer(x, w, b):
            w_t = np.asarray(w).transpose(1, 0, 2, 3)      # (C_out, C_in, K1, K2)
            return np.stack([conv_multi_in(x, w_t[co], b[co]) for co in range(w_t.shape[0])])
        """),
    ("float32", """
        def conv_layer(x, w, b):
            x = np.asarray(x, dtype=np.float32)
            w = np.asarray(w, dtype=np.float32)
            out = np.zeros((w.shape[1],) + x.shape[1:], dtype=np.float32)
            for co in range(w.shape[1]):
                for ci in range(w.shape[0]):
                    out[co] += corr2d(x[ci], w[ci, co]).astype(np.float32)
            return out + np.asarray(b, dtype=np.float32)[:, None, None]
        """),
)

BUGS_CONV_LAYER = _entries(
    ("torch layout: w[co, ci]", """
        def conv_layer(x, w, b):
            x = np.asarray(x, dtype=float)
            C_out = len(b)
            out = np.zeros((C_out,) + x.shape[1:])
            for co in range(C_out):
                for ci in range(x.shape[0]):
                    out[co] += corr2d(x[ci], w[co, ci])
                out[co] += b[co]
            return out
        """),
    ("torch layout via the helper: conv_multi_in(x, w[co])", """
        def conv_layer(x, w, b):
            return np.stack([conv_multi_in(x, w[co], b[co]) for co in range(len(b))])
        """),
    ("bias added once per input channel", _layer_variant(
        "            out[co] += corr2d(x[ci], w[ci, co])\n        out[co] += b[co]\n",
        "            out[co] += corr2d(x[ci], w[ci, co], b[co])\n")),
    ("bias missing", _layer_variant("        out[co] += b[co]\n", "")),
    ("kernels flipped (convolve2d)", _layer_variant("corr2d(x[ci], w[ci, co])", "convolve2d(x[ci], w[ci, co])")),
    ("kernels transposed", _layer_variant("corr2d(x[ci], w[ci, co])", "corr2d(x[ci], w[ci, co].T)")),
    ("only the last input channel counts (= instead of +=)", _layer_variant(
        "out[co] += corr2d(x[ci], w[ci, co])", "out[co] = corr2d(x[ci], w[ci, co])")),
    ("averages over input channels", """
        def conv_layer(x, w, b):
            C_in, C_out = np.shape(w)[:2]
            return np.stack([np.mean([corr2d(x[ci], w[ci, co]) for ci in range(C_in)], axis=0) + b[co]
                             for co in range(C_out)])
        """),
    ("output shaped like the input (np.zeros_like(x))", _layer_variant(
        "np.zeros((C_out,) + x.shape[1:])", "np.zeros_like(x)")),
    ("C_in and C_out read in torch's order from w.shape", _layer_variant(
        "C_in, C_out = w.shape[:2]", "C_out, C_in = w.shape[:2]")),
    ("integer truncation: output of x's dtype", """
        def conv_layer(x, w, b):
            C_in, C_out = w.shape[:2]
            out = np.zeros((C_out,) + x.shape[1:], dtype=x.dtype)
            for co in range(C_out):
                out[co] = conv_multi_in(x, w[:, co], b[co])
            return out
        """),
    ("returns a list of maps", """
        def conv_layer(x, w, b):
            return [conv_multi_in(x, w[:, co], b[co]) for co in range(np.shape(w)[1])]
        """),
    ("uses torch conv2d", """
        import torch

        def conv_layer(x, w, b):
            xt = torch.as_tensor(np.asarray(x, dtype=float))[None]
            wt = torch.as_tensor(np.asarray(w, dtype=float)).transpose(0, 1)
            out = torch.nn.functional.conv2d(xt, wt, torch.as_tensor(np.asarray(b, dtype=float)),
                                             padding=(wt.shape[2] // 2, wt.shape[3] // 2))
            return out[0].numpy()
        """),
    ("calls the course's reference op", """
        from convcourse import ops

        def conv_layer(x, w, b):
            return ops.conv_layer(x, w, b)
        """),
)


# ------------------------------------------------------------ conv_layer_fast

_FAST = """
def conv_layer_fast(x, w, b):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    C_in, C_out, k1s, k2s = w.shape
    _, N, M = x.shape
    K1, K2 = k1s // 2, k2s // 2
    xp = np.zeros((C_in, N + 2 * K1, M + 2 * K2))
    xp[:, K1:K1 + N, K2:K2 + M] = x
    out = np.zeros((C_out, N * M))
    for k1 in range(k1s):
        for k2 in range(k2s):
            shifted = xp[:, k1:k1 + N, k2:k2 + M].reshape(C_in, N * M)
            out += w[:, :, k1, k2].T @ shifted
    return out.reshape(C_out, N, M) + np.asarray(b, dtype=float)[:, None, None]
"""


def _fast_variant(old: str, new: str) -> str:
    assert old in _FAST, old
    return _FAST.replace(old, new)


CORRECT_CONV_LAYER_FAST = _entries(
    ("tap loop, one matrix product per tap (reference)", _FAST),
    ("tap loop with np.tensordot", """
        def conv_layer_fast(x, w, b):
            x = np.asarray(x, dtype=float)
            w = np.asarray(w, dtype=float)
            C_in, C_out, P, Q = w.shape
            N, M = x.shape[1:]
            xp = np.pad(x, ((0, 0), (P // 2, P // 2), (Q // 2, Q // 2)))
            out = np.zeros((C_out, N, M))
            for k1 in range(P):
                for k2 in range(Q):
                    out += np.tensordot(w[:, :, k1, k2], xp[:, k1:k1 + N, k2:k2 + M], axes=([0], [0]))
            return out + np.asarray(b, dtype=float)[:, None, None]
        """),
    ("sliding_window_view + einsum, no loops", """
        def conv_layer_fast(x, w, b):
            x = np.asarray(x, dtype=float)
            w = np.asarray(w, dtype=float)
            P, Q = w.shape[2:]
            xp = np.pad(x, ((0, 0), (P // 2, P // 2), (Q // 2, Q // 2)))
            win = np.lib.stride_tricks.sliding_window_view(xp, (P, Q), axis=(1, 2))   # (C_in, N, M, P, Q)
            return np.einsum("inmpq,iopq->onm", win, w, optimize=True) + np.asarray(b, dtype=float)[:, None, None]
        """),
    ("im2col + one matrix product", """
        def conv_layer_fast(x, w, b):
            x = np.asarray(x, dtype=float)
            w = np.asarray(w, dtype=float)
            C_in, C_out, P, Q = w.shape
            N, M = x.shape[1:]
            xp = np.pad(x, ((0, 0), (P // 2, P // 2), (Q // 2, Q // 2)))
            win = np.lib.stride_tricks.sliding_window_view(xp, (P, Q), axis=(1, 2))   # (C_in, N, M, P, Q)
            cols = win.transpose(0, 3, 4, 1, 2).reshape(C_in * P * Q, N * M)
            W = w.transpose(1, 0, 2, 3).reshape(C_out, C_in * P * Q)
            return (W @ cols).reshape(C_out, N, M) + np.asarray(b, dtype=float)[:, None, None]
        """),
    ("FFT over all channels", """
        def conv_layer_fast(x, w, b):
            x = np.asarray(x, dtype=float)
            w = np.asarray(w, dtype=float)
            C_in, C_out, P, Q = w.shape
            N, M = x.shape[1:]
            s = (N + P - 1, M + Q - 1)
            X = np.fft.rfft2(x, s)                          # (C_in, ...)
            W = np.fft.rfft2(w[:, :, ::-1, ::-1], s)        # (C_in, C_out, ...)
            Y = np.einsum("ihw,iohw->ohw", X, W)
            full = np.fft.irfft2(Y, s)
            return full[:, P // 2:P // 2 + N, Q // 2:Q // 2 + M] + np.asarray(b, dtype=float)[:, None, None]
        """),
    ("float32 tap loop", """
        def conv_layer_fast(x, w, b):
            x = np.asarray(x, dtype=np.float32)
            w = np.asarray(w, dtype=np.float32)
            C_in, C_out, P, Q = w.shape
            N, M = x.shape[1:]
            xp = np.pad(x, ((0, 0), (P // 2, P // 2), (Q // 2, Q // 2)))
            out = np.zeros((C_out, N * M), dtype=np.float32)
            for k1 in range(P):
                for k2 in range(Q):
                    out += w[:, :, k1, k2].T @ xp[:, k1:k1 + N, k2:k2 + M].reshape(C_in, -1)
            return out.reshape(C_out, N, M) + np.asarray(b, dtype=np.float32)[:, None, None]
        """),
    ("integer inputs kept exact until the end", """
        def conv_layer_fast(x, w, b):
            x, w, b = np.asarray(x), np.asarray(w), np.asarray(b)
            C_in, C_out, P, Q = w.shape
            N, M = x.shape[1:]
            xp = np.pad(x, ((0, 0), (P // 2, P // 2), (Q // 2, Q // 2)))
            acc = 0
            for k1 in range(P):
                for k2 in range(Q):
                    acc = acc + np.einsum("io,inm->onm", w[:, :, k1, k2], xp[:, k1:k1 + N, k2:k2 + M])
            return (acc + b[:, None, None]).astype(np.result_type(acc, b, np.float64))
        """),
)

BUGS_CONV_LAYER_FAST = _entries(
    ("per-pixel loops (not vectorised)", """
        def conv_layer_fast(x, w, b):
            x = np.asarray(x, dtype=float)
            w = np.asarray(w, dtype=float)
            C_in, C_out, P, Q = w.shape
            N, M = x.shape[1:]
            xp = np.pad(x, ((0, 0), (P // 2, P // 2), (Q // 2, Q // 2)))
            out = np.zeros((C_out, N, M))
            for n in range(N):
                for m in range(M):
                    out[:, n, m] = np.tensordot(w, xp[:, n:n + P, m:m + Q], axes=([0, 2, 3], [0, 1, 2])) + b
            return out
        """),
    ("per-pixel loop over output channels too", """
        def conv_layer_fast(x, w, b):
            C_in, C_out, P, Q = w.shape
            N, M = x.shape[1:]
            xp = np.pad(np.asarray(x, dtype=float), ((0, 0), (P // 2, P // 2), (Q // 2, Q // 2)))
            out = np.zeros((C_out, N, M))
            for co in range(C_out):
                for n in range(N):
                    for m in range(M):
                        out[co, n, m] = np.sum(w[:, co] * xp[:, n:n + P, m:m + Q]) + b[co]
            return out
        """),
    ("torch layout: W = w.reshape(C_out, -1)", """
        def conv_layer_fast(x, w, b):
            x = np.asarray(x, dtype=float)
            w = np.asarray(w, dtype=float)
            C_in, C_out, P, Q = w.shape
            N, M = x.shape[1:]
            xp = np.pad(x, ((0, 0), (P // 2, P // 2), (Q // 2, Q // 2)))
            win = np.lib.stride_tricks.sliding_window_view(xp, (P, Q), axis=(1, 2))
            cols = win.transpose(0, 3, 4, 1, 2).reshape(C_in * P * Q, N * M)
            return (w.reshape(C_out, -1) @ cols).reshape(C_out, N, M) + np.asarray(b)[:, None, None]
        """),
    ("einsum reads w as (C_out, C_in)", """
        def conv_layer_fast(x, w, b):
            x = np.asarray(x, dtype=float)
            P, Q = np.shape(w)[2:]
            xp = np.pad(x, ((0, 0), (P // 2, P // 2), (Q // 2, Q // 2)))
            win = np.lib.stride_tricks.sliding_window_view(xp, (P, Q), axis=(1, 2))
            return np.einsum("inmpq,oipq->onm", win, w) + np.asarray(b, dtype=float)[:, None, None]
        """),
    ("im2col with reshape instead of transpose", """
        def conv_layer_fast(x, w, b):
            x = np.asarray(x, dtype=float)
            w = np.asarray(w, dtype=float)
            C_in, C_out, P, Q = w.shape
            N, M = x.shape[1:]
            xp = np.pad(x, ((0, 0), (P // 2, P // 2), (Q // 2, Q // 2)))
            win = np.lib.stride_tricks.sliding_window_view(xp, (P, Q), axis=(1, 2))   # (C_in, N, M, P, Q)
            cols = win.reshape(C_in * P * Q, N * M)
            W = w.transpose(1, 0, 2, 3).reshape(C_out, C_in * P * Q)
            return (W @ cols).reshape(C_out, N, M) + np.asarray(b, dtype=float)[:, None, None]
        """),
    ("bias missing", _fast_variant(" + np.asarray(b, dtype=float)[:, None, None]", "")),
    ("bias broadcast along the wrong axis", _fast_variant("np.asarray(b, dtype=float)[:, None, None]",
                                                          "np.asarray(b, dtype=float)[None, None, :]")),
    ("kernels flipped", _fast_variant("w[:, :, k1, k2].T", "w[:, :, k1s - 1 - k1, k2s - 1 - k2].T")),
    ("weights not transposed (w[:, :, k1, k2] @ shifted)", _fast_variant("w[:, :, k1, k2].T @ shifted",
                                                                         "w[:, :, k1, k2] @ shifted")),
    ("kernel anchored at its corner", _fast_variant("xp[:, K1:K1 + N, K2:K2 + M] = x", "xp[:, :N, :M] = x")),
    ("valid output (no padding)", """
        def conv_layer_fast(x, w, b):
            x = np.asarray(x, dtype=float)
            P, Q = np.shape(w)[2:]
            win = np.lib.stride_tricks.sliding_window_view(x, (P, Q), axis=(1, 2))
            return np.einsum("inmpq,iopq->onm", win, w) + np.asarray(b, dtype=float)[:, None, None]
        """),
    ("np.pad without the channel axis", """
        def conv_layer_fast(x, w, b):
            x = np.asarray(x, dtype=float)
            C_in, C_out, P, Q = np.shape(w)
            N, M = x.shape[1:]
            xp = np.pad(x, ((P // 2, P // 2), (Q // 2, Q // 2)))
            out = np.zeros((C_out, N, M))
            for k1 in range(P):
                for k2 in range(Q):
                    out += np.einsum("io,inm->onm", w[:, :, k1, k2], xp[:, k1:k1 + N, k2:k2 + M])
            return out + np.asarray(b)[:, None, None]
        """),
    ("integer inputs: accumulator of x's dtype", """
        def conv_layer_fast(x, w, b):
            C_in, C_out, P, Q = w.shape
            N, M = x.shape[1:]
            xp = np.pad(x, ((0, 0), (P // 2, P // 2), (Q // 2, Q // 2)))
            out = np.zeros((C_out, N, M), dtype=x.dtype)
            for k1 in range(P):
                for k2 in range(Q):
                    out += np.einsum("io,inm->onm", w[:, :, k1, k2], xp[:, k1:k1 + N, k2:k2 + M])
            return out + b[:, None, None]
        """),
    ("calls the course's reference op", """
        from convcourse import ops

        def conv_layer_fast(x, w, b):
            return ops.conv_layer(x, w, b)
        """),
    ("uses torch", """
        import torch

        def conv_layer_fast(x, w, b):
            out = torch.nn.functional.conv2d(torch.as_tensor(np.asarray(x, dtype=float))[None],
                                             torch.as_tensor(np.asarray(w, dtype=float)).permute(1, 0, 2, 3),
                                             torch.as_tensor(np.asarray(b, dtype=float)),
                                             padding=(w.shape[2] // 2, w.shape[3] // 2))
            return out[0].numpy()
        """),
)


# ------------------------------------------------------------ conv_num_params

CORRECT_CONV_NUM_PARAMS = _entries(
    ("formula (reference)", """
        def conv_num_params(c_in, c_out, k, bias=True):
            return int(c_in * c_out * k * k + (c_out if bias else 0))
        """),
    ("per filter", """
        def conv_num_params(c_in, c_out, k, bias=True):
            per_filter = c_in * k ** 2 + int(bias)
            return c_out * per_filter
        """),
    ("np.prod of the weight shape", """
        def conv_num_params(c_in, c_out, k, bias=True):
            n = np.prod([c_in, c_out, k, k])
            if bias:
                n += c_out
            return n
        """),
)

BUGS_CONV_NUM_PARAMS = _entries(
    ("forgets the input channels", """
        def conv_num_params(c_in, c_out, k, bias=True):
            return c_out * k * k + (c_out if bias else 0)
        """),
    ("one bias per input channel", """
        def conv_num_params(c_in, c_out, k, bias=True):
            return c_in * c_out * k * k + (c_in if bias else 0)
        """),
    ("ignores the bias flag", """
        def conv_num_params(c_in, c_out, k, bias=True):
            return c_in * c_out * k * k + c_out
        """),
    ("k instead of k * k", """
        def conv_num_params(c_in, c_out, k, bias=True):
            return c_in * c_out * k + (c_out if bias else 0)
        """),
    ("a single bias for the whole layer", """
        def conv_num_params(c_in, c_out, k, bias=True):
            return c_in * c_out * k * k + int(bias)
        """),
    ("returns a float", """
        def conv_num_params(c_in, c_out, k, bias=True):
            return c_in * c_out * k ** 2 + c_out * float(bias)
        """),
    ("bias flag inverted", """
        def conv_num_params(c_in, c_out, k, bias=True):
            return c_in * c_out * k * k + (0 if bias else c_out)
        """),
)


# ------------------------------------------------------------------ answers

CORRECT_ANSWER_FILTER_PARAMS = _entries(
    ("B", 'answer_filter_params = "B"'),
    ("lower case with spaces", 'answer_filter_params = " b "'),
)
BUGS_ANSWER_FILTER_PARAMS = _entries(
    ("A: one channel's 3x3 kernel (9)", 'answer_filter_params = "A"'),
    ("C: the number of filters (96)", 'answer_filter_params = "C"'),
    ("D: one channel's kernels of all filters (864)", 'answer_filter_params = "D"'),
    ("the number 27 instead of a letter", "answer_filter_params = 27"),
    ("empty string", 'answer_filter_params = ""'),
    ("two letters", 'answer_filter_params = "AB"'),
)
CORRECT_ANSWER_NUM_FILTERS = _entries(
    ("C", 'answer_num_filters = "C"'),
    ("lower case", 'answer_num_filters = "c"'),
)
BUGS_ANSWER_NUM_FILTERS = _entries(
    ("A: the input channels (3)", 'answer_num_filters = "A"'),
    ("B: weights per filter (27)", 'answer_num_filters = "B"'),
    ("D: can't say", 'answer_num_filters = "D"'),
    ("the number 96 instead of a letter", "answer_num_filters = 96"),
    ("letter with its parenthesis", 'answer_num_filters = "(C)"'),
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


def _visible_table(cases, reference, key):
    table = {}
    for case in cases:
        args = list(case.args) + list(case.kwargs.values())
        table[key(*args)] = np.asarray(reference(*case.args, **case.kwargs), dtype=float).tolist()
    return table


def _hardcoded_entries():
    """Solutions that hard-code the visible tests' answers (built from the visible cases)."""
    from convcourse import ops
    from convgrader.checks import convolution as cc

    def key2(x, *rest):
        x = np.asarray(x, dtype=float)
        return (x.shape, round(float(x.sum()), 6))

    out = {}
    out["corr2d"] = _hardcoded(
        "corr2d", "x, w, b=0.0", "(np.shape(x), round(float(np.sum(x)), 6))", "np.zeros(np.shape(x))",
        _visible_table(cc.cases_corr2d(), ops.corr2d, key2))
    out["convolve2d"] = _hardcoded(
        "convolve2d", "x, w, b=0.0", "(np.shape(x), round(float(np.sum(x)), 6))", "corr2d(x, w, b)",
        _visible_table(cc.cases_corr2d(1), ops.convolve2d, key2))
    out["corr1d"] = _hardcoded(
        "corr1d", "x, w", "(np.shape(x), round(float(np.sum(x)), 6))", "np.zeros(len(x))",
        _visible_table(cc.cases_corr1d(), ops.corr1d, key2))
    out["toeplitz_1d"] = _hardcoded(
        "toeplitz_1d", "w, n", "(np.shape(w), n)", "np.eye(n)",
        _visible_table(cc.cases_toeplitz(), ops.toeplitz_1d, lambda w, n: (np.shape(w), n)))
    out["conv_multi_in"] = _hardcoded(
        "conv_multi_in", "x, w, b=0.0", "(np.shape(x), round(float(np.sum(x)), 6))", "np.zeros(np.shape(x)[1:])",
        _visible_table(cc.cases_multi_in(), ops.conv_multi_in, key2))
    out["conv_multi_out"] = _hardcoded(
        "conv_multi_out", "x, w, b", "(np.shape(x), round(float(np.sum(x)), 6))",
        "np.zeros((len(w),) + np.shape(x))", _visible_table(cc.cases_multi_out(), ops.conv_multi_out, key2))
    out["conv_layer"] = _hardcoded(
        "conv_layer", "x, w, b", "(np.shape(x), round(float(np.sum(x)), 6))",
        "np.zeros((np.shape(w)[1],) + np.shape(x)[1:])", _visible_table(cc.cases_conv_layer(), ops.conv_layer, key2))
    out["conv_num_params"] = _s("""
        def conv_num_params(c_in, c_out, k, bias=True):
            if (c_in, c_out, k) == (3, 96, 3):
                return 2592
            return 20
        """)
    return out


CORRECT = {
    "corr2d": CORRECT_CORR2D,
    "convolve2d": CORRECT_CONVOLVE2D,
    "corr1d": CORRECT_CORR1D,
    "toeplitz_1d": CORRECT_TOEPLITZ_1D,
    "conv_multi_in": CORRECT_CONV_MULTI_IN,
    "conv_multi_out": CORRECT_CONV_MULTI_OUT,
    "conv_layer": CORRECT_CONV_LAYER,
    "conv_layer_fast": CORRECT_CONV_LAYER_FAST,
    "conv_num_params": CORRECT_CONV_NUM_PARAMS,
    "answer_filter_params": CORRECT_ANSWER_FILTER_PARAMS,
    "answer_num_filters": CORRECT_ANSWER_NUM_FILTERS,
}

BUGS = {
    "corr2d": BUGS_CORR2D,
    "convolve2d": BUGS_CONVOLVE2D,
    "corr1d": BUGS_CORR1D,
    "toeplitz_1d": BUGS_TOEPLITZ_1D,
    "conv_multi_in": BUGS_CONV_MULTI_IN,
    "conv_multi_out": BUGS_CONV_MULTI_OUT,
    "conv_layer": BUGS_CONV_LAYER,
    "conv_layer_fast": BUGS_CONV_LAYER_FAST,
    "conv_num_params": BUGS_CONV_NUM_PARAMS,
    "answer_filter_params": BUGS_ANSWER_FILTER_PARAMS,
    "answer_num_filters": BUGS_ANSWER_NUM_FILTERS,
}

for _name, _src in _hardcoded_entries().items():
    BUGS[_name].append(("hard-codes the visible tests' answers", _src))
del _name, _src


# The bug the real nbgrader round trip submits: nothing else depends on toeplitz_1d, so it must cost
# exactly its own test cell.
ROUNDTRIP_BUG = {
    "cell": "toeplitz_1d",
    "code": dict(BUGS["toeplitz_1d"])["transposed (T[j, i] = w[k])"],
    "lost": ["toeplitz_1d_test"],
}
