"""Mutation catalogue of notebook 02_stride.

Each entry is ``(label, source)``: ``source`` is the full code of a student's
solution cell (a ``def name(...)``, or for the questions an assignment
``answer_... = "X"``).  It is executed in a namespace that holds ``np``
(numpy) and correct versions of the notebook's other graded functions, so a
solution may call ``conv_strided`` or ``dft_magnitude``, as students do.

* ``CORRECT[name]``: different correct implementations (tap loops, per-pixel
  loops, vectorised windows, explicit DFT matrices, float32, ...).  Every one
  must pass the visible and the hidden checks.  The first entry of each list
  is the notebook's reference solution, self-contained.
* ``BUGS[name]``: realistic mistakes.  Every one must be rejected by the
  visible or the hidden checks (``autograde_tests/test_catalogue_stride.py``
  measures the kill rate).
"""
from __future__ import annotations


import numpy as np

__all__ = ["FUNCTIONS", "ANSWERS", "CORRECT", "BUGS", "ROUNDTRIP_BUG"]

FUNCTIONS = ["conv_strided", "strided_flops", "dft_magnitude", "aliasing_fraction", "blur_downsample"]
ANSWERS = ["answer_eq245", "answer_output_shape", "answer_least_aliasing"]


from . import entries as _entries, src as _s, variant as _variant


# -------------------------------------------------------------- conv_strided

_STRIDED_TAPS = """
def conv_strided(x, w, stride, b=0.0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    s_n, s_m = (stride, stride) if np.ndim(stride) == 0 else stride
    s_n, s_m = int(s_n), int(s_m)
    N, M = x.shape
    K1, K2 = w.shape[0] // 2, w.shape[1] // 2
    xp = np.zeros((N + 2 * K1, M + 2 * K2))
    xp[K1:K1 + N, K2:K2 + M] = x
    n_out, m_out = -(-N // s_n), -(-M // s_m)
    out = np.full((n_out, m_out), float(b))
    for k1 in range(w.shape[0]):
        for k2 in range(w.shape[1]):
            out += w[k1, k2] * xp[k1:k1 + s_n * n_out:s_n, k2:k2 + s_m * m_out:s_m]
    return out
"""

_STRIDED_PIXELS = """
def conv_strided(x, w, stride, b=0.0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    if isinstance(stride, (int, np.integer)):
        stride = (stride, stride)
    s_n, s_m = stride
    P, Q = w.shape
    K1, K2 = P // 2, Q // 2
    N, M = x.shape
    xp = np.pad(x, ((K1, K1), (K2, K2)))
    n_out = (N + s_n - 1) // s_n
    m_out = (M + s_m - 1) // s_m
    out = np.zeros((n_out, m_out))
    for i in range(n_out):
        for j in range(m_out):
            n, m = s_n * i, s_m * j
            out[i, j] = np.sum(w * xp[n:n + P, m:m + Q]) + b
    return out
"""

_STRIDED_FULL = """
def conv_strided(x, w, stride, b=0.0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    s_n, s_m = (stride, stride) if np.ndim(stride) == 0 else stride
    N, M = x.shape
    K1, K2 = w.shape[0] // 2, w.shape[1] // 2
    xp = np.pad(x, ((K1, K1), (K2, K2)))
    full = np.full((N, M), float(b))
    for k1 in range(w.shape[0]):
        for k2 in range(w.shape[1]):
            full += w[k1, k2] * xp[k1:k1 + N, k2:k2 + M]
    return full[::s_n, ::s_m]
"""

CORRECT_CONV_STRIDED = _entries(
    ("tap loops over strided slices of a zero-padded copy (reference)", _STRIDED_TAPS),
    ("per-pixel loops over the kept outputs only", _STRIDED_PIXELS),
    ("four nested loops with bounds checks, no padding", """
        def conv_strided(x, w, stride, b=0.0):
            s_n, s_m = (stride, stride) if np.ndim(stride) == 0 else tuple(stride)
            N, M = np.shape(x)
            P, Q = np.shape(w)
            K1, K2 = P // 2, Q // 2
            out = np.zeros((len(range(0, N, s_n)), len(range(0, M, s_m))))
            for i, n in enumerate(range(0, N, s_n)):
                for j, m in enumerate(range(0, M, s_m)):
                    acc = float(b)
                    for k1 in range(P):
                        for k2 in range(Q):
                            r, c = n + k1 - K1, m + k2 - K2
                            if 0 <= r < N and 0 <= c < M:
                                acc += float(w[k1][k2]) * float(x[r][c])
                    out[i, j] = acc
            return out
        """),
    ("vectorised: sliding_window_view, keep every s-th window, einsum", """
        def conv_strided(x, w, stride, b=0.0):
            x = np.asarray(x, dtype=float)
            w = np.asarray(w, dtype=float)
            s_n, s_m = np.broadcast_to(np.asarray(stride), (2,))
            K1, K2 = w.shape[0] // 2, w.shape[1] // 2
            xp = np.pad(x, ((K1, K1), (K2, K2)))
            windows = np.lib.stride_tricks.sliding_window_view(xp, w.shape)[::s_n, ::s_m]
            return np.einsum("ijpq,pq->ij", windows, w) + b
        """),
    ("stride-1 layer, then subsample (correct, but computes every output)", _STRIDED_FULL),
    ("float32 throughout, returns float32", """
        import math

        def conv_strided(x, w, stride, b=0.0):
            x = np.asarray(x, dtype=np.float32)
            w = np.asarray(w, dtype=np.float32)
            s_n, s_m = (stride, stride) if np.isscalar(stride) else stride
            N, M = x.shape
            K1, K2 = w.shape[0] // 2, w.shape[1] // 2
            xp = np.pad(x, ((K1, K1), (K2, K2)))
            n_out, m_out = math.ceil(N / s_n), math.ceil(M / s_m)
            out = np.full((n_out, m_out), b, dtype=np.float32)
            for k1 in range(w.shape[0]):
                for k2 in range(w.shape[1]):
                    out += w[k1, k2] * xp[k1::s_n, k2::s_m][:n_out, :m_out]
            return out
        """),
    ("im2col on the kept positions + one matrix product", """
        def conv_strided(x, w, stride, b=0.0):
            x = np.asarray(x, dtype=float)
            w = np.asarray(w, dtype=float)
            s_n, s_m = (int(stride), int(stride)) if np.ndim(stride) == 0 else map(int, stride)
            P, Q = w.shape
            N, M = x.shape
            xp = np.pad(x, ((P // 2, P // 2), (Q // 2, Q // 2)))
            rows, cols = np.arange(0, N, s_n), np.arange(0, M, s_m)
            patches = np.empty((len(rows), len(cols), P * Q))
            for k1 in range(P):
                for k2 in range(Q):
                    patches[:, :, k1 * Q + k2] = xp[np.ix_(rows + k1, cols + k2)]
            return patches @ w.ravel() + b
        """),
)

BUGS_CONV_STRIDED = _entries(
    ("samples start at s - 1 (x[s-1::s])", _variant(_STRIDED_FULL, "full[::s_n, ::s_m]",
                                                     "full[s_n - 1::s_n, s_m - 1::s_m]")),
    ("floor: crops to a multiple of the stride", _variant(_STRIDED_PIXELS, """    n_out = (N + s_n - 1) // s_n
    m_out = (M + s_m - 1) // s_m""", """    n_out = N // s_n
    m_out = M // s_m""")),
    ("one output too many when N is divisible (N // s + 1)", _variant(_STRIDED_PIXELS, """    n_out = (N + s_n - 1) // s_n
    m_out = (M + s_m - 1) // s_m""", """    n_out = N // s_n + 1
    m_out = M // s_m + 1""")),
    ("no padding ('valid', PyTorch's default padding=0)", """
        def conv_strided(x, w, stride, b=0.0):
            x = np.asarray(x, dtype=float)
            w = np.asarray(w, dtype=float)
            s_n, s_m = (stride, stride) if np.ndim(stride) == 0 else stride
            P, Q = w.shape
            N, M = x.shape
            n_out, m_out = (N - P) // s_n + 1, (M - Q) // s_m + 1
            out = np.zeros((n_out, m_out))
            for i in range(n_out):
                for j in range(m_out):
                    out[i, j] = np.sum(w * x[s_n * i:s_n * i + P, s_m * j:s_m * j + Q]) + b
            return out
        """),
    ("eq. 24.5 read literally: kernel flipped (convolution)", _variant(_STRIDED_PIXELS,
                                                                       "np.sum(w * xp", "np.sum(w[::-1, ::-1] * xp")),
    ("strides swapped: s_m, s_n = stride", _variant(_STRIDED_PIXELS, "    s_n, s_m = stride\n",
                                                    "    s_m, s_n = stride\n")),
    ("subsamples the input, then filters", """
        def conv_strided(x, w, stride, b=0.0):
            x = np.asarray(x, dtype=float)
            w = np.asarray(w, dtype=float)
            s_n, s_m = (stride, stride) if np.ndim(stride) == 0 else stride
            x = x[::s_n, ::s_m]
            N, M = x.shape
            K1, K2 = w.shape[0] // 2, w.shape[1] // 2
            xp = np.pad(x, ((K1, K1), (K2, K2)))
            out = np.full((N, M), float(b))
            for k1 in range(w.shape[0]):
                for k2 in range(w.shape[1]):
                    out += w[k1, k2] * xp[k1:k1 + N, k2:k2 + M]
            return out
        """),
    ("dilation instead of stride: taps spaced s apart", """
        def conv_strided(x, w, stride, b=0.0):
            x = np.asarray(x, dtype=float)
            w = np.asarray(w, dtype=float)
            s_n, s_m = (stride, stride) if np.ndim(stride) == 0 else stride
            N, M = x.shape
            K1, K2 = w.shape[0] // 2, w.shape[1] // 2
            out = np.full((-(-N // s_n), -(-M // s_m)), float(b))
            for i in range(out.shape[0]):
                for j in range(out.shape[1]):
                    for k1 in range(w.shape[0]):
                        for k2 in range(w.shape[1]):
                            r, c = s_n * (i + k1 - K1), s_m * (j + k2 - K2)
                            if 0 <= r < N and 0 <= c < M:
                                out[i, j] += w[k1, k2] * x[r, c]
            return out
        """),
    ("bias missing", _variant(_STRIDED_PIXELS, ") + b\n", ")\n")),
    ("bias added once per kernel tap", _variant(_variant(
        _STRIDED_TAPS, "xp[k1:k1 + s_n * n_out:s_n, k2:k2 + s_m * m_out:s_m]",
        "xp[k1:k1 + s_n * n_out:s_n, k2:k2 + s_m * m_out:s_m] + b"), "np.full((n_out, m_out), float(b))",
        "np.zeros((n_out, m_out))")),
    ("integer truncation: output array of x's dtype", """
        def conv_strided(x, w, stride, b=0.0):
            s_n, s_m = (stride, stride) if np.ndim(stride) == 0 else stride
            P, Q = np.shape(w)
            N, M = np.shape(x)
            xp = np.pad(x, ((P // 2, P // 2), (Q // 2, Q // 2)))
            out = np.zeros((-(-N // s_n), -(-M // s_m)), dtype=np.asarray(x).dtype)
            for i in range(out.shape[0]):
                for j in range(out.shape[1]):
                    out[i, j] = np.sum(w * xp[s_n * i:s_n * i + P, s_m * j:s_m * j + Q]) + b
            return out
        """),
    ("int strides only: a pair (s_n, s_m) crashes", """
        def conv_strided(x, w, stride, b=0.0):
            x = np.asarray(x, dtype=float)
            w = np.asarray(w, dtype=float)
            N, M = x.shape
            K1, K2 = w.shape[0] // 2, w.shape[1] // 2
            xp = np.pad(x, ((K1, K1), (K2, K2)))
            n_out, m_out = -(-N // stride), -(-M // stride)
            out = np.full((n_out, m_out), float(b))
            for k1 in range(w.shape[0]):
                for k2 in range(w.shape[1]):
                    out += w[k1, k2] * xp[k1:k1 + stride * n_out:stride, k2:k2 + stride * m_out:stride]
            return out
        """),
    ("forgets to subsample (returns the stride-1 output)", _variant(_STRIDED_FULL, "return full[::s_n, ::s_m]",
                                                                    "return full")),
    ("subsamples the rows only", _variant(_STRIDED_FULL, "return full[::s_n, ::s_m]", "return full[::s_n]")),
    ("kernel anchored at its top-left corner", _variant(_STRIDED_PIXELS, "xp = np.pad(x, ((K1, K1), (K2, K2)))",
                                                        "xp = np.pad(x, ((0, P - 1), (0, Q - 1)))")),
    ("edge padding instead of zeros", _variant(_STRIDED_PIXELS, "xp = np.pad(x, ((K1, K1), (K2, K2)))",
                                               "xp = np.pad(x, ((K1, K1), (K2, K2)), mode='edge')")),
    ("kernel transposed", _variant(_STRIDED_PIXELS, "np.sum(w * xp[n:n + P, m:m + Q])",
                                   "np.sum(w.T * xp[n:n + Q, m:m + P])")),
    ("uses torch.nn.functional.conv2d(stride=...)", """
        import torch
        import torch.nn.functional as F

        def conv_strided(x, w, stride, b=0.0):
            xt = torch.as_tensor(np.asarray(x, dtype=float))[None, None]
            wt = torch.as_tensor(np.asarray(w, dtype=float))[None, None]
            s = stride if np.ndim(stride) == 0 else tuple(int(v) for v in stride)
            out = F.conv2d(xt, wt, stride=s, padding=(wt.shape[2] // 2, wt.shape[3] // 2))
            return out[0, 0].numpy() + b
        """),
    ("calls the course's reference op", """
        from convcourse import ops

        def conv_strided(x, w, stride, b=0.0):
            return ops.conv_strided(x, w, stride, b)
        """),
    ("uses scipy.signal.correlate2d, then subsamples", """
        from scipy.signal import correlate2d

        def conv_strided(x, w, stride, b=0.0):
            s_n, s_m = (stride, stride) if np.ndim(stride) == 0 else stride
            return correlate2d(np.asarray(x, dtype=float), w, mode="same")[::s_n, ::s_m] + b
        """),
)


# ------------------------------------------------------------- strided_flops

CORRECT_STRIDED_FLOPS = _entries(
    ("integer ceiling -(-N // s) (reference)", """
        def strided_flops(N, M, K1, K2, stride):
            s_n, s_m = (stride, stride) if np.ndim(stride) == 0 else stride
            return int(-(-N // s_n) * -(-M // s_m) * K1 * K2)
        """),
    ("math.ceil", """
        import math

        def strided_flops(N, M, K1, K2, stride):
            s_n, s_m = (stride, stride) if isinstance(stride, int) else stride
            return math.ceil(N / s_n) * math.ceil(M / s_m) * K1 * K2
        """),
    ("(N + s - 1) // s", """
        def strided_flops(N, M, K1, K2, stride):
            s_n, s_m = stride if isinstance(stride, (tuple, list)) else (stride, stride)
            return ((N + s_n - 1) // s_n) * ((M + s_m - 1) // s_m) * K1 * K2
        """),
    ("counts the kept rows and columns with range", """
        def strided_flops(N, M, K1, K2, stride):
            s_n, s_m = np.broadcast_to(stride, (2,)).tolist()
            return len(range(0, N, s_n)) * len(range(0, M, s_m)) * K1 * K2
        """),
)

BUGS_STRIDED_FLOPS = _entries(
    ("counts the full-resolution output", """
        def strided_flops(N, M, K1, K2, stride):
            return N * M * K1 * K2
        """),
    ("floor(N / s) outputs", """
        def strided_flops(N, M, K1, K2, stride):
            s_n, s_m = (stride, stride) if np.ndim(stride) == 0 else stride
            return (N // s_n) * (M // s_m) * K1 * K2
        """),
    ("divides the total by s_n * s_m", """
        def strided_flops(N, M, K1, K2, stride):
            s_n, s_m = (stride, stride) if np.ndim(stride) == 0 else stride
            return N * M * K1 * K2 // (s_n * s_m)
        """),
    ("returns a float (np.ceil)", """
        def strided_flops(N, M, K1, K2, stride):
            s_n, s_m = (stride, stride) if np.ndim(stride) == 0 else stride
            return np.ceil(N / s_n) * np.ceil(M / s_m) * K1 * K2
        """),
    ("one kernel size only (K1 * K1)", """
        def strided_flops(N, M, K1, K2, stride):
            s_n, s_m = (stride, stride) if np.ndim(stride) == 0 else stride
            return -(-N // s_n) * -(-M // s_m) * K1 * K1
        """),
    ("strides swapped", """
        def strided_flops(N, M, K1, K2, stride):
            s_m, s_n = (stride, stride) if np.ndim(stride) == 0 else stride
            return -(-N // s_n) * -(-M // s_m) * K1 * K2
        """),
    ("the first stride for both axes", """
        def strided_flops(N, M, K1, K2, stride):
            s = stride if np.ndim(stride) == 0 else stride[0]
            return -(-N // s) * -(-M // s) * K1 * K2
        """),
)


# ------------------------------------------------------------- dft_magnitude

_DFT = """
def dft_magnitude(x):
    return np.fft.fftshift(np.abs(np.fft.fft2(np.asarray(x, dtype=float))))
"""

CORRECT_DFT_MAGNITUDE = _entries(
    ("fft2, abs, fftshift (reference)", _DFT),
    ("explicit DFT matrices, np.roll by N // 2", """
        def dft_magnitude(x):
            x = np.asarray(x, dtype=float)
            N, M = x.shape
            Wn = np.exp(-2j * np.pi * np.outer(np.arange(N), np.arange(N)) / N)
            Wm = np.exp(-2j * np.pi * np.outer(np.arange(M), np.arange(M)) / M)
            mag = np.abs(Wn @ x @ Wm)
            return np.roll(mag, (N // 2, M // 2), axis=(0, 1))
        """),
    ("1-D FFTs along each axis, then fftshift", """
        def dft_magnitude(x):
            X = np.fft.fft(np.fft.fft(np.asarray(x, dtype=float), axis=0), axis=1)
            return np.fft.fftshift(np.sqrt(X.real ** 2 + X.imag ** 2))
        """),
    ("keeps float32 (complex64 FFT)", """
        def dft_magnitude(x):
            x = np.asarray(x)
            x = x.astype(np.float32) if x.dtype == np.float32 else x.astype(np.float64)
            return np.abs(np.fft.fftshift(np.fft.fft2(x)))
        """),
    ("shift by index arrays", """
        def dft_magnitude(x):
            x = np.asarray(x, dtype=float)
            N, M = x.shape
            rows = (np.arange(N) - N // 2) % N
            cols = (np.arange(M) - M // 2) % M
            return np.hypot(*[part for part in (np.fft.fft2(x).real, np.fft.fft2(x).imag)])[np.ix_(rows, cols)]
        """),
)

BUGS_DFT_MAGNITUDE = _entries(
    ("no fftshift (zero frequency in the corner)", """
        def dft_magnitude(x):
            return np.abs(np.fft.fft2(np.asarray(x, dtype=float)))
        """),
    ("ifftshift instead of fftshift", _variant(_DFT, "np.fft.fftshift", "np.fft.ifftshift")),
    ("manual roll by (N + 1) // 2", """
        def dft_magnitude(x):
            x = np.asarray(x, dtype=float)
            N, M = x.shape
            return np.roll(np.abs(np.fft.fft2(x)), ((N + 1) // 2, (M + 1) // 2), axis=(0, 1))
        """),
    ("fftshift along the rows only", _variant(_DFT, "np.fft.fftshift(np.abs(np.fft.fft2(np.asarray(x, dtype=float))))",
                                              "np.fft.fftshift(np.abs(np.fft.fft2(np.asarray(x, dtype=float))), axes=0)")),
    ("power spectrum |X|^2", _variant(_DFT, "np.abs(np.fft.fft2(np.asarray(x, dtype=float)))",
                                      "np.abs(np.fft.fft2(np.asarray(x, dtype=float))) ** 2")),
    ("log(1 + |X|)", _variant(_DFT, "np.abs(np.fft.fft2(np.asarray(x, dtype=float)))",
                              "np.log1p(np.abs(np.fft.fft2(np.asarray(x, dtype=float))))")),
    ("normalised by N*M (norm='forward')", _variant(_DFT, "np.fft.fft2(np.asarray(x, dtype=float))",
                                                     "np.fft.fft2(np.asarray(x, dtype=float), norm='forward')")),
    ("orthonormal DFT (norm='ortho')", _variant(_DFT, "np.fft.fft2(np.asarray(x, dtype=float))",
                                                "np.fft.fft2(np.asarray(x, dtype=float), norm='ortho')")),
    ("inverse DFT", _variant(_DFT, "np.fft.fft2", "np.fft.ifft2")),
    ("real part instead of magnitude", _variant(_DFT, "np.abs(np.fft.fft2(np.asarray(x, dtype=float)))",
                                                "np.fft.fft2(np.asarray(x, dtype=float)).real")),
    ("1-D DFT of each row (np.fft.fft)", _variant(_DFT, "np.fft.fft2", "np.fft.fft")),
    ("rfft2: only half the spectrum", _variant(_DFT, "np.fft.fft2", "np.fft.rfft2")),
    ("returns the complex DFT", """
        def dft_magnitude(x):
            return np.fft.fftshift(np.fft.fft2(np.asarray(x, dtype=float)))
        """),
    ("fftshift applied to the image before the DFT", """
        def dft_magnitude(x):
            return np.abs(np.fft.fft2(np.fft.fftshift(np.asarray(x, dtype=float))))
        """),
    ("uses scipy.fft", """
        import scipy.fft

        def dft_magnitude(x):
            return np.fft.fftshift(np.abs(scipy.fft.fft2(np.asarray(x, dtype=float))))
        """),
    ("uses torch.fft", """
        import torch

        def dft_magnitude(x):
            X = torch.fft.fft2(torch.as_tensor(np.asarray(x, dtype=float)))
            return np.fft.fftshift(X.abs().numpy())
        """),
)


# --------------------------------------------------------- aliasing_fraction

_ALIAS = """
def aliasing_fraction(z, stride):
    z = np.asarray(z, dtype=float)
    s_n, s_m = (stride, stride) if np.ndim(stride) == 0 else stride
    N, M = z.shape
    energy = np.abs(np.fft.fft2(z)) ** 2
    k_n = np.arange(N)
    k_n = np.where(k_n < (N + 1) // 2, k_n, k_n - N)
    k_m = np.arange(M)
    k_m = np.where(k_m < (M + 1) // 2, k_m, k_m - M)
    keep_n = (-N <= 2 * s_n * k_n) & (2 * s_n * k_n < N)
    keep_m = (-M <= 2 * s_m * k_m) & (2 * s_m * k_m < M)
    keep = keep_n[:, None] & keep_m[None, :]
    total = energy.sum()
    if total == 0:
        return 0.0
    return float(energy[~keep].sum() / total)
"""

_ALIAS_FREQ = """
def aliasing_fraction(z, stride):
    z = np.asarray(z, dtype=float)
    s_n, s_m = (stride, stride) if np.ndim(stride) == 0 else stride
    N, M = z.shape
    power = np.abs(np.fft.fft2(z)) ** 2
    f_n = np.fft.fftfreq(N)[:, None]
    f_m = np.fft.fftfreq(M)[None, :]
    inside = (f_n >= -0.5 / s_n) & (f_n < 0.5 / s_n) & (f_m >= -0.5 / s_m) & (f_m < 0.5 / s_m)
    if power.sum() == 0:
        return 0.0
    return float(power[~inside].sum() / power.sum())
"""

CORRECT_ALIASING_FRACTION = _entries(
    ("integer frequency indices, half-open band (reference)", _ALIAS),
    ("float frequencies from np.fft.fftfreq (exact at these sizes)", _ALIAS_FREQ),
    ("uses dft_magnitude and the shifted frequency grid", """
        def aliasing_fraction(z, stride):
            z = np.asarray(z, dtype=float)
            s_n, s_m = (stride, stride) if np.ndim(stride) == 0 else stride
            N, M = z.shape
            power = dft_magnitude(z) ** 2
            k_n = np.rint(np.fft.fftshift(np.fft.fftfreq(N)) * N)
            k_m = np.rint(np.fft.fftshift(np.fft.fftfreq(M)) * M)
            inside = np.outer((-N <= 2 * s_n * k_n) & (2 * s_n * k_n < N), (-M <= 2 * s_m * k_m) & (2 * s_m * k_m < M))
            total = power.sum()
            return 0.0 if total == 0 else float(1.0 - power[inside].sum() / total)
        """),
    ("Parseval: energy of the ideally low-passed signal in space", """
        def aliasing_fraction(z, stride):
            z = np.asarray(z, dtype=float)
            s_n, s_m = (stride, stride) if np.ndim(stride) == 0 else stride
            N, M = z.shape
            k_n = np.rint(np.fft.fftfreq(N) * N)[:, None]
            k_m = np.rint(np.fft.fftfreq(M) * M)[None, :]
            band = (-N <= 2 * s_n * k_n) & (2 * s_n * k_n < N) & (-M <= 2 * s_m * k_m) & (2 * s_m * k_m < M)
            low = np.fft.ifft2(np.fft.fft2(z) * band)
            total = np.sum(z ** 2)
            if total == 0:
                return 0.0
            return float(1.0 - np.sum(np.abs(low) ** 2) / total)
        """),
    ("double loop over the frequencies", """
        def aliasing_fraction(z, stride):
            z = np.asarray(z, dtype=float)
            s_n, s_m = (stride, stride) if np.ndim(stride) == 0 else stride
            N, M = z.shape
            Z = np.fft.fft2(z)
            inside = outside = 0.0
            for u in range(N):
                kn = u if u < (N + 1) // 2 else u - N
                for v in range(M):
                    km = v if v < (M + 1) // 2 else v - M
                    e = abs(Z[u, v]) ** 2
                    if -N <= 2 * s_n * kn < N and -M <= 2 * s_m * km < M:
                        inside += e
                    else:
                        outside += e
            return outside / (inside + outside) if inside + outside > 0 else 0.0
        """),
)

BUGS_ALIASING_FRACTION = _entries(
    ("returns the fraction inside the pass band", _variant(_ALIAS, "energy[~keep].sum()", "energy[keep].sum()")),
    ("|Z| instead of the energy |Z|^2", _variant(_ALIAS, "np.abs(np.fft.fft2(z)) ** 2", "np.abs(np.fft.fft2(z))")),
    ("pass band cut at 1/s instead of 1/(2s)", _variant(_ALIAS, """    keep_n = (-N <= 2 * s_n * k_n) & (2 * s_n * k_n < N)
    keep_m = (-M <= 2 * s_m * k_m) & (2 * s_m * k_m < M)""", """    keep_n = (-N <= s_n * k_n) & (s_n * k_n < N)
    keep_m = (-M <= s_m * k_m) & (s_m * k_m < M)""")),
    ("symmetric strict band |f| < 1/(2s) (drops -1/(2s))", _variant(_ALIAS, """    keep_n = (-N <= 2 * s_n * k_n) & (2 * s_n * k_n < N)
    keep_m = (-M <= 2 * s_m * k_m) & (2 * s_m * k_m < M)""", """    keep_n = np.abs(2 * s_n * k_n) < N
    keep_m = np.abs(2 * s_m * k_m) < M""")),
    ("closed band |f| <= 1/(2s) (keeps both ends)", _variant(_ALIAS_FREQ, "(f_n < 0.5 / s_n)", "(f_n <= 0.5 / s_n)")
     .replace("(f_m < 0.5 / s_m)", "(f_m <= 0.5 / s_m)")),
    ("band limit with integer division N // (2 s)", _variant(_ALIAS, """    keep_n = (-N <= 2 * s_n * k_n) & (2 * s_n * k_n < N)
    keep_m = (-M <= 2 * s_m * k_m) & (2 * s_m * k_m < M)""", """    keep_n = (k_n >= -(N // (2 * s_n))) & (k_n < N // (2 * s_n))
    keep_m = (k_m >= -(M // (2 * s_m))) & (k_m < M // (2 * s_m))""")),
    ("strides swapped", _variant(_ALIAS, "s_n, s_m = (stride, stride) if np.ndim(stride) == 0 else stride",
                                 "s_m, s_n = (stride, stride) if np.ndim(stride) == 0 else stride")),
    ("only the row frequencies limited", _variant(_ALIAS, "keep = keep_n[:, None] & keep_m[None, :]",
                                                  "keep = keep_n[:, None] & np.ones(M, dtype=bool)[None, :]")),
    ("either axis passing counts as in the band (| instead of &)", _variant(
        _ALIAS, "keep = keep_n[:, None] & keep_m[None, :]", "keep = keep_n[:, None] | keep_m[None, :]")),
    ("fftshifted spectrum with unshifted frequencies", _variant(_ALIAS, "np.abs(np.fft.fft2(z)) ** 2",
                                                                "np.fft.fftshift(np.abs(np.fft.fft2(z))) ** 2")),
    ("ratio outside / inside instead of outside / total", _variant(_ALIAS, "energy[~keep].sum() / total",
                                                                   "energy[~keep].sum() / energy[keep].sum()")),
    ("measures the subsampled output z[::s]", _variant(_ALIAS, "    N, M = z.shape\n",
                                                       "    z = z[::s_n, ::s_m]\n    N, M = z.shape\n")),
    ("nan for an all-zero signal (no zero check)", _variant(_ALIAS, "    if total == 0:\n        return 0.0\n", "")),
    ("stride pair: uses the first stride for both axes", _variant(
        _ALIAS, "s_n, s_m = (stride, stride) if np.ndim(stride) == 0 else stride",
        "s_n = s_m = stride if np.ndim(stride) == 0 else stride[0]")),
    ("returns the mask array instead of a number", _variant(_ALIAS, "return float(energy[~keep].sum() / total)",
                                                                       "return ~keep")),
)


# ----------------------------------------------------------- blur_downsample

_BLUR = """
def blur_downsample(x, stride):
    x = np.asarray(x, dtype=float)
    s_n, s_m = (stride, stride) if np.ndim(stride) == 0 else stride
    xp = np.pad(x, 1)
    cols = (xp[:-2, :] + 2 * xp[1:-1, :] + xp[2:, :]) / 4
    both = (cols[:, :-2] + 2 * cols[:, 1:-1] + cols[:, 2:]) / 4
    return both[::int(s_n), ::int(s_m)]
"""

_BLUR_TAPS = """
def blur_downsample(x, stride):
    x = np.asarray(x, dtype=float)
    s_n, s_m = (stride, stride) if np.ndim(stride) == 0 else stride
    b = np.array([1.0, 2.0, 1.0]) / 4
    kernel = np.outer(b, b)
    N, M = x.shape
    xp = np.pad(x, 1)
    out = np.zeros((N, M))
    for k1 in range(3):
        for k2 in range(3):
            out += kernel[k1, k2] * xp[k1:k1 + N, k2:k2 + M]
    return out[::s_n, ::s_m]
"""

CORRECT_BLUR_DOWNSAMPLE = _entries(
    ("separable: three slices per axis (reference)", _BLUR),
    ("3x3 kernel, tap loops", _BLUR_TAPS),
    ("reuses conv_strided with the 3x3 binomial kernel", """
        def blur_downsample(x, stride):
            b = np.array([1.0, 2.0, 1.0])
            return conv_strided(x, np.outer(b, b) / 16, stride)
        """),
    ("direct: only the kept outputs", """
        def blur_downsample(x, stride):
            x = np.asarray(x, dtype=float)
            s_n, s_m = (stride, stride) if np.ndim(stride) == 0 else stride
            N, M = x.shape
            n_out, m_out = -(-N // s_n), -(-M // s_m)
            xp = np.pad(x, 1)
            b = [0.25, 0.5, 0.25]
            out = np.zeros((n_out, m_out))
            for k1 in range(3):
                for k2 in range(3):
                    out += b[k1] * b[k2] * xp[k1:k1 + s_n * n_out:s_n, k2:k2 + s_m * m_out:s_m]
            return out
        """),
    ("per-pixel loops with bounds checks", """
        def blur_downsample(x, stride):
            s_n, s_m = (stride, stride) if np.ndim(stride) == 0 else tuple(stride)
            N, M = np.shape(x)
            b = (1, 2, 1)
            out = []
            for n in range(0, N, s_n):
                row = []
                for m in range(0, M, s_m):
                    acc = 0.0
                    for d1 in (-1, 0, 1):
                        for d2 in (-1, 0, 1):
                            if 0 <= n + d1 < N and 0 <= m + d2 < M:
                                acc += b[d1 + 1] * b[d2 + 1] * float(x[n + d1][m + d2])
                    row.append(acc / 16)
                out.append(row)
            return np.array(out, dtype=float).reshape(len(range(0, N, s_n)), len(range(0, M, s_m)))
        """),
    ("float32 throughout", """
        def blur_downsample(x, stride):
            x = np.asarray(x, dtype=np.float32)
            s_n, s_m = (stride, stride) if np.ndim(stride) == 0 else stride
            xp = np.pad(x, 1)
            cols = xp[:-2] * 0.25 + xp[1:-1] * 0.5 + xp[2:] * 0.25
            both = cols[:, :-2] * 0.25 + cols[:, 1:-1] * 0.5 + cols[:, 2:] * 0.25
            return both[::s_n, ::s_m].astype(np.float32)
        """),
)

BUGS_BLUR_DOWNSAMPLE = _entries(
    ("not normalised ([1, 2, 1] without / 4)", _BLUR.replace(") / 4", ")")),
    ("normalised along one axis only", _variant(_BLUR, "    both = (cols[:, :-2] + 2 * cols[:, 1:-1] + cols[:, 2:]) / 4",
                                                "    both = (cols[:, :-2] + 2 * cols[:, 1:-1] + cols[:, 2:])")),
    ("blurs the rows only", _variant(_BLUR, "    both = (cols[:, :-2] + 2 * cols[:, 1:-1] + cols[:, 2:]) / 4",
                                     "    both = cols[:, 1:-1]")),
    ("subsamples first, then blurs", """
        def blur_downsample(x, stride):
            x = np.asarray(x, dtype=float)
            s_n, s_m = (stride, stride) if np.ndim(stride) == 0 else stride
            xp = np.pad(x[::s_n, ::s_m], 1)
            cols = (xp[:-2, :] + 2 * xp[1:-1, :] + xp[2:, :]) / 4
            return (cols[:, :-2] + 2 * cols[:, 1:-1] + cols[:, 2:]) / 4
        """),
    ("samples start at s - 1", _variant(_BLUR, "both[::int(s_n), ::int(s_m)]",
                                        "both[int(s_n) - 1::int(s_n), int(s_m) - 1::int(s_m)]")),
    ("floor: crops to a multiple of the stride", _variant(
        _BLUR, "return both[::int(s_n), ::int(s_m)]",
        "N, M = x.shape\n    return both[:N - N % s_n:s_n, :M - M % s_m:s_m]")),
    ("no padding ('valid')", """
        def blur_downsample(x, stride):
            x = np.asarray(x, dtype=float)
            s_n, s_m = (stride, stride) if np.ndim(stride) == 0 else stride
            cols = (x[:-2, :] + 2 * x[1:-1, :] + x[2:, :]) / 4
            both = (cols[:, :-2] + 2 * cols[:, 1:-1] + cols[:, 2:]) / 4
            return both[::s_n, ::s_m]
        """),
    ("edge padding", _variant(_BLUR, "np.pad(x, 1)", "np.pad(x, 1, mode='edge')")),
    ("3x3 box blur", _variant(_BLUR_TAPS, "kernel = np.outer(b, b)", "kernel = np.full((3, 3), 1 / 9)")),
    ("adds the two 1-D blurs instead of composing them", """
        def blur_downsample(x, stride):
            x = np.asarray(x, dtype=float)
            s_n, s_m = (stride, stride) if np.ndim(stride) == 0 else stride
            xp = np.pad(x, 1)
            rows = (xp[:-2, 1:-1] + 2 * xp[1:-1, 1:-1] + xp[2:, 1:-1]) / 4
            cols = (xp[1:-1, :-2] + 2 * xp[1:-1, 1:-1] + xp[1:-1, 2:]) / 4
            return ((rows + cols) / 2)[::s_n, ::s_m]
        """),
    ("strides swapped", _variant(_BLUR, "s_n, s_m = (stride, stride) if np.ndim(stride) == 0 else stride",
                                 "s_m, s_n = (stride, stride) if np.ndim(stride) == 0 else stride")),
    ("no blur at all (plain subsampling)", """
        def blur_downsample(x, stride):
            s_n, s_m = (stride, stride) if np.ndim(stride) == 0 else stride
            return np.asarray(x, dtype=float)[::s_n, ::s_m]
        """),
    ("blurs twice", _variant(_BLUR, "    return both[::int(s_n), ::int(s_m)]", """    xp = np.pad(both, 1)
    cols = (xp[:-2, :] + 2 * xp[1:-1, :] + xp[2:, :]) / 4
    both = (cols[:, :-2] + 2 * cols[:, 1:-1] + cols[:, 2:]) / 4
    return both[::int(s_n), ::int(s_m)]""")),
    ("blurs in place, into the caller's array", """
        def blur_downsample(x, stride):
            s_n, s_m = (stride, stride) if np.ndim(stride) == 0 else stride
            x = np.asarray(x, dtype=float)
            xp = np.pad(x, 1)
            x[...] = (xp[:-2, 1:-1] + 2 * xp[1:-1, 1:-1] + xp[2:, 1:-1]) / 4
            xp = np.pad(x, 1)
            x[...] = (xp[1:-1, :-2] + 2 * xp[1:-1, 1:-1] + xp[1:-1, 2:]) / 4
            return x[::s_n, ::s_m]
        """),
    ("integer truncation: output of x's dtype", """
        def blur_downsample(x, stride):
            s_n, s_m = (stride, stride) if np.ndim(stride) == 0 else stride
            xp = np.pad(x, 1)
            cols = (xp[:-2, :] + 2 * xp[1:-1, :] + xp[2:, :]) / 4
            out = np.zeros_like(x)
            out[:, :] = (cols[:, :-2] + 2 * cols[:, 1:-1] + cols[:, 2:]) / 4
            return out[::s_n, ::s_m]
        """),
    ("uses scipy.ndimage", """
        from scipy import ndimage

        def blur_downsample(x, stride):
            s_n, s_m = (stride, stride) if np.ndim(stride) == 0 else stride
            b = np.array([1.0, 2.0, 1.0]) / 4
            out = ndimage.correlate(np.asarray(x, dtype=float), np.outer(b, b), mode="constant")
            return out[::s_n, ::s_m]
        """),
)


# ----------------------------------------------------------------- answers

CORRECT_ANSWER_EQ245 = _entries(("C: the sign flips", 'answer_eq245 = "C"'),
                                ("lower-case c", 'answer_eq245 = "c"'))
BUGS_ANSWER_EQ245 = _entries(
    ("A: the same as conv_strided", 'answer_eq245 = "A"'),
    ("B: transposed kernel", 'answer_eq245 = "B"'),
    ("D: subsample first", 'answer_eq245 = "D"'),
    ("a formula instead of a letter", 'answer_eq245 = "-conv_strided(x, w, 2)"'),
)

CORRECT_ANSWER_OUTPUT_SHAPE = _entries(("B: 33 x 25", 'answer_output_shape = "B"'),
                                       ("with spaces", 'answer_output_shape = " B "'))
BUGS_ANSWER_OUTPUT_SHAPE = _entries(
    ("A: floor, 32 x 24", 'answer_output_shape = "A"'),
    ("C: 32 x 25", 'answer_output_shape = "C"'),
    ("D: 33 x 24", 'answer_output_shape = "D"'),
    ("the shape instead of a letter", "answer_output_shape = (33, 25)"),
)

CORRECT_ANSWER_LEAST_ALIASING = _entries(("D: the two-round pyramid", 'answer_least_aliasing = "D"'))
BUGS_ANSWER_LEAST_ALIASING = _entries(
    ("A: the plain strided Laplacian", 'answer_least_aliasing = "A"'),
    ("B: one blur_downsample", 'answer_least_aliasing = "B"'),
    ("C: all the same", 'answer_least_aliasing = "C"'),
    ("two letters", 'answer_least_aliasing = "BD"'),
)


# ------------------------------------------------------- hard-coded answers

def _hardcoded_entries():
    """Solutions that return the visible tests' answers from a table and give up elsewhere."""
    from convcourse import ops
    from convgrader.checks import stride as cs

    def key(x):
        x = np.asarray(x, dtype=float)
        return (x.shape, round(float(x.sum()), 6))

    def table(cases, reference):
        out = {}
        for case in cases:
            args = list(case.args) + list(case.kwargs.values())
            value = reference(*case.args, **case.kwargs)
            out[key(args[0])] = np.asarray(value, dtype=float).tolist() if np.ndim(value) else float(value)
        return out

    def entry(name, signature, first, fallback, answers, wrap="np.array"):
        return (f"_ANSWERS = {answers!r}\n\n"
                f"def {name}({signature}):\n"
                f"    a = np.asarray({first}, dtype=float)\n"
                f"    key = (a.shape, round(float(a.sum()), 6))\n"
                f"    if key in _ANSWERS:\n"
                f"        return {wrap}(_ANSWERS[key])\n"
                f"    return {fallback}\n")

    return {
        "conv_strided": entry("conv_strided", "x, w, stride, b=0.0", "x", "np.zeros((1, 1))",
                              table(cs.cases_conv_strided(), ops.conv_strided)),
        "dft_magnitude": entry("dft_magnitude", "x", "x", "np.abs(np.fft.fft2(a))",
                               table(cs.cases_dft_magnitude(), ops.dft_magnitude)),
        "aliasing_fraction": entry("aliasing_fraction", "z, stride", "z", "0.5",
                                   {**table(cs.cases_aliasing_fraction()[:1], cs.aliasing_fraction_reference),
                                    **table(cs.cases_aliasing_fraction()[2:], cs.aliasing_fraction_reference)},
                                   wrap="float"),
        "blur_downsample": entry("blur_downsample", "x, stride", "x", "a[::2, ::2]",
                                 table(cs.cases_blur_downsample(), ops.blur_downsample)),
        "strided_flops": _s("""
            def strided_flops(N, M, K1, K2, stride):
                known = {(8, 8, 3, 3): 144, (7, 10, 3, 5): 240, (5, 5, 3, 3): 225}
                return known.get((N, M, K1, K2), N * M * K1 * K2)
            """),
    }


CORRECT = {
    "conv_strided": CORRECT_CONV_STRIDED,
    "strided_flops": CORRECT_STRIDED_FLOPS,
    "dft_magnitude": CORRECT_DFT_MAGNITUDE,
    "aliasing_fraction": CORRECT_ALIASING_FRACTION,
    "blur_downsample": CORRECT_BLUR_DOWNSAMPLE,
    "answer_eq245": CORRECT_ANSWER_EQ245,
    "answer_output_shape": CORRECT_ANSWER_OUTPUT_SHAPE,
    "answer_least_aliasing": CORRECT_ANSWER_LEAST_ALIASING,
}

BUGS = {
    "conv_strided": BUGS_CONV_STRIDED,
    "strided_flops": BUGS_STRIDED_FLOPS,
    "dft_magnitude": BUGS_DFT_MAGNITUDE,
    "aliasing_fraction": BUGS_ALIASING_FRACTION,
    "blur_downsample": BUGS_BLUR_DOWNSAMPLE,
    "answer_eq245": BUGS_ANSWER_EQ245,
    "answer_output_shape": BUGS_ANSWER_OUTPUT_SHAPE,
    "answer_least_aliasing": BUGS_ANSWER_LEAST_ALIASING,
}

for _name, _src in _hardcoded_entries().items():
    BUGS[_name].append(("hard-codes the visible tests' answers", _src))
del _name, _src


# The bug the real nbgrader round trip submits: no other graded cell calls dft_magnitude (the reference
# aliasing_fraction uses np.fft directly), so it must cost exactly its own test cell.
ROUNDTRIP_BUG = {
    "cell": "dft_magnitude",
    "code": dict(BUGS["dft_magnitude"])["no fftshift (zero frequency in the corner)"],
    "lost": ["dft_magnitude_test"],
}
