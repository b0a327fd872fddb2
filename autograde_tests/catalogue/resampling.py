"""Mutation catalogue of notebook 05_resampling.

Each entry is ``(label, source)``: ``source`` is the full code of a student's
solution cell (a ``def name(...)``, or for the question an assignment
``answer_transpose_padding = "X"``).  It is executed in a namespace that holds
``np`` (numpy), ``torch`` and correct versions of the notebook's other graded
functions (the first correct entry of each).

The notebook gives a numpy ``corr2d`` in a locked cell before ``upconv``;
every ``upconv`` entry therefore starts with that same helper (``_GIVEN``),
as the notebook's namespace would hold it.

* ``CORRECT[name]``: different correct implementations (slicing, loops,
  kron/reshape tricks, scatter of kernel stamps, float32, torch for the
  size formula).  Every one must pass the visible and the hidden checks.
* ``BUGS[name]``: realistic mistakes.  Every one must be rejected by the
  visible or the hidden checks (``autograde_tests/test_catalogue_resampling.py``
  measures the kill rate).
"""
from __future__ import annotations

import textwrap

__all__ = ["FUNCTIONS", "ANSWERS", "CORRECT", "BUGS", "ROUNDTRIP_BUG"]

FUNCTIONS = ["zero_insert", "upconv", "interp_kernel", "hold_kernel", "conv_transpose_size"]
ANSWERS = ["answer_transpose_padding"]


def _s(src: str) -> str:
    return textwrap.dedent(src).strip("\n") + "\n"


def _entries(*pairs):
    return [(label, _s(src)) for label, src in pairs]


# The locked cell of the notebook (numpy corr2d of notebook 01).
_GIVEN = _s("""
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
""")


def _up(*pairs):
    """upconv entries: the given corr2d, then the student's cell."""
    return [(label, _GIVEN + "\n" + _s(src)) for label, src in pairs]


# --------------------------------------------------------------- zero_insert

CORRECT_ZERO_INSERT = _entries(
    ("slice assignment h[::s, ::s] = x (reference)", """
        def zero_insert(x, s):
            x = np.asarray(x, dtype=float)
            s = int(s)
            h = np.zeros((x.shape[0] * s, x.shape[1] * s))
            h[::s, ::s] = x
            return h
        """),
    ("double loop over the samples", """
        def zero_insert(x, s):
            N, M = np.shape(x)
            h = np.zeros((N * s, M * s))
            for n in range(N):
                for m in range(M):
                    h[n * s, m * s] = x[n][m]
            return h
        """),
    ("np.kron with a one-hot s x s block", """
        def zero_insert(x, s):
            e = np.zeros((s, s))
            e[0, 0] = 1.0
            return np.kron(np.asarray(x, dtype=float), e)
        """),
    ("4-D reshape trick, keeps float32", """
        def zero_insert(x, s):
            x = np.asarray(x)
            dt = np.result_type(x.dtype, np.float32)
            N, M = x.shape
            h = np.zeros((N, s, M, s), dtype=dt)
            h[:, 0, :, 0] = x
            return h.reshape(N * s, M * s)
        """),
    ("columns first, then rows, in two steps", """
        def zero_insert(x, s):
            h = np.asarray(x, dtype=float)
            N, M = h.shape
            cols = np.zeros((N, M * s))
            cols[:, ::s] = h
            out = np.zeros((N * s, M * s))
            out[::s, :] = cols
            return out
        """),
)

BUGS_ZERO_INSERT = _entries(
    ("1-based eq. 24.7: samples at (n+1)*s - 1", """
        def zero_insert(x, s):
            x = np.asarray(x, dtype=float)
            h = np.zeros((x.shape[0] * s, x.shape[1] * s))
            for n in range(1, x.shape[0] + 1):
                for m in range(1, x.shape[1] + 1):
                    h[n * s - 1, m * s - 1] = x[n - 1, m - 1]
            return h
        """),
    ("np.repeat along both axes (nearest neighbour)", """
        def zero_insert(x, s):
            x = np.asarray(x, dtype=float)
            return np.repeat(np.repeat(x, s, axis=0), s, axis=1)
        """),
    ("np.kron with np.ones", """
        def zero_insert(x, s):
            return np.kron(np.asarray(x, dtype=float), np.ones((s, s)))
        """),
    ("no trailing zeros: ((N-1)*s + 1, (M-1)*s + 1)", """
        def zero_insert(x, s):
            x = np.asarray(x, dtype=float)
            N, M = x.shape
            h = np.zeros(((N - 1) * s + 1, (M - 1) * s + 1))
            h[::s, ::s] = x
            return h
        """),
    ("inserts s zeros between samples", """
        def zero_insert(x, s):
            x = np.asarray(x, dtype=float)
            N, M = x.shape
            h = np.zeros((N + (N - 1) * s, M + (M - 1) * s))
            h[::s + 1, ::s + 1] = x
            return h
        """),
    ("dilates the rows only", """
        def zero_insert(x, s):
            x = np.asarray(x, dtype=float)
            h = np.zeros((x.shape[0] * s, x.shape[1]))
            h[::s] = x
            return h
        """),
    ("loop writes h[n*s, m] (columns not dilated)", """
        def zero_insert(x, s):
            x = np.asarray(x, dtype=float)
            N, M = x.shape
            h = np.zeros((N * s, M * s))
            for n in range(N):
                for m in range(M):
                    h[n * s, m] = x[n, m]
            return h
        """),
    ("samples centred in each block (offset s // 2)", """
        def zero_insert(x, s):
            x = np.asarray(x, dtype=float)
            h = np.zeros((x.shape[0] * s, x.shape[1] * s))
            h[s // 2::s, s // 2::s] = x
            return h
        """),
    ("square assumption: zeros((N*s, N*s))", """
        def zero_insert(x, s):
            x = np.asarray(x, dtype=float)
            N = len(x)
            h = np.zeros((N * s, N * s))
            h[::s, ::s] = x
            return h
        """),
    ("integer truncation: h of x's dtype", """
        def zero_insert(x, s):
            x = np.asarray(x)
            h = np.zeros((x.shape[0] * s, x.shape[1] * s), dtype=x.dtype)
            h[::s, ::s] = x
            return h
        """),
    ("hard-coded s = 2", """
        def zero_insert(x, s):
            x = np.asarray(x, dtype=float)
            h = np.zeros((x.shape[0] * 2, x.shape[1] * 2))
            h[::2, ::2] = x
            return h
        """),
    ("uses torch", """
        import torch

        def zero_insert(x, s):
            xt = torch.as_tensor(np.asarray(x, dtype=float))
            h = torch.zeros(xt.shape[0] * s, xt.shape[1] * s, dtype=xt.dtype)
            h[::s, ::s] = xt
            return h.numpy()
        """),
    ("calls the course's reference op", """
        from convcourse import ops

        def zero_insert(x, s):
            return ops.zero_insert(x, s)
        """),
    ("missing return", """
        def zero_insert(x, s):
            x = np.asarray(x, dtype=float)
            h = np.zeros((x.shape[0] * s, x.shape[1] * s))
            h[::s, ::s] = x
        """),
)

# -------------------------------------------------------------------- upconv

CORRECT_UPCONV = _up(
    ("corr2d(zero_insert(x, s), w, b) (reference)", """
        def upconv(x, w, s, b=0.0):
            return corr2d(zero_insert(x, s), w, b)
        """),
    ("scatter: stamps of the flipped kernel, then crop", """
        def upconv(x, w, s, b=0.0):
            x = np.asarray(x, dtype=float)
            w = np.asarray(w, dtype=float)
            P, Q = w.shape
            K1, K2 = P // 2, Q // 2
            N, M = x.shape
            big = np.zeros((N * s + 2 * K1 + s, M * s + 2 * K2 + s))
            stamp = w[::-1, ::-1]
            for n in range(N):
                for m in range(M):
                    big[n * s:n * s + P, m * s:m * s + Q] += x[n, m] * stamp
            return big[K1:K1 + N * s, K2:K2 + M * s] + b
        """),
    ("self-contained, sliding_window_view", """
        def upconv(x, w, s, b=0.0):
            x = np.asarray(x, dtype=float)
            w = np.asarray(w, dtype=float)
            K1, K2 = w.shape[0] // 2, w.shape[1] // 2
            N, M = x.shape
            hp = np.zeros((N * s + 2 * K1, M * s + 2 * K2))
            hp[K1:K1 + N * s:s, K2:K2 + M * s:s] = x
            win = np.lib.stride_tricks.sliding_window_view(hp, w.shape)
            return np.einsum("abij,ij->ab", win, w) + b
        """),
    ("polyphase: only the taps that meet a sample", """
        def upconv(x, w, s, b=0.0):
            x = np.asarray(x, dtype=float)
            w = np.asarray(w, dtype=float)
            P, Q = w.shape
            K1, K2 = P // 2, Q // 2
            N, M = x.shape
            out = np.full((N * s, M * s), float(b))
            xp = np.pad(x, ((P, P), (Q, Q)))
            for o1 in range(N * s):
                for k1 in range(P):
                    i1 = o1 + k1 - K1
                    if i1 % s:
                        continue
                    for k2 in range(Q):
                        for r2 in range(s):
                            i2 = r2 + k2 - K2
                            if i2 % s:
                                continue
                            n, m0 = i1 // s, i2 // s
                            out[o1, r2::s] += w[k1, k2] * xp[n + P, m0 + Q:m0 + Q + M]
            return out
        """),
    ("float32 arithmetic for float32 input", """
        def upconv(x, w, s, b=0.0):
            x = np.asarray(x)
            dt = np.float32 if x.dtype == np.float32 else np.float64
            h = zero_insert(x, s).astype(dt)
            return corr2d(h, np.asarray(w, dtype=dt), b).astype(dt)
        """),
)

BUGS_UPCONV = _up(
    ("kernel flipped (convolution)", """
        def upconv(x, w, s, b=0.0):
            return corr2d(zero_insert(x, s), np.asarray(w)[::-1, ::-1], b)
        """),
    ("kernel transposed", """
        def upconv(x, w, s, b=0.0):
            return corr2d(zero_insert(x, s), np.asarray(w).T, b)
        """),
    ("convolves first, then inserts zeros", """
        def upconv(x, w, s, b=0.0):
            return zero_insert(corr2d(x, w, b), s)
        """),
    ("1-based zero insertion inline", """
        def upconv(x, w, s, b=0.0):
            x = np.asarray(x, dtype=float)
            h = np.zeros((x.shape[0] * s, x.shape[1] * s))
            h[s - 1::s, s - 1::s] = x
            return corr2d(h, w, b)
        """),
    ("repeats the samples (np.kron) instead of zeros", """
        def upconv(x, w, s, b=0.0):
            h = np.kron(np.asarray(x, dtype=float), np.ones((s, s)))
            return corr2d(h, w, b)
        """),
    ("bias missing", """
        def upconv(x, w, s, b=0.0):
            return corr2d(zero_insert(x, s), w)
        """),
    ("bias added to x before the zero insertion", """
        def upconv(x, w, s, b=0.0):
            return corr2d(zero_insert(np.asarray(x, dtype=float) + b, s), w)
        """),
    ("bias added to h before the correlation", """
        def upconv(x, w, s, b=0.0):
            return corr2d(zero_insert(x, s) + b, w)
        """),
    ("valid correlation of h (output shrinks)", """
        def upconv(x, w, s, b=0.0):
            h = zero_insert(x, s)
            w = np.asarray(w, dtype=float)
            P, Q = w.shape
            out = np.zeros((h.shape[0] - P + 1, h.shape[1] - Q + 1))
            for n in range(out.shape[0]):
                for m in range(out.shape[1]):
                    out[n, m] = np.sum(w * h[n:n + P, m:m + Q]) + b
            return out
        """),
    ("integer truncation: h and out of x's dtype", """
        def upconv(x, w, s, b=0.0):
            x = np.asarray(x)
            w = np.asarray(w)
            K1, K2 = w.shape[0] // 2, w.shape[1] // 2
            h = np.zeros((x.shape[0] * s + 2 * K1, x.shape[1] * s + 2 * K2), dtype=x.dtype)
            h[K1:K1 + x.shape[0] * s:s, K2:K2 + x.shape[1] * s:s] = x
            out = np.zeros((x.shape[0] * s, x.shape[1] * s), dtype=x.dtype)
            for k1 in range(w.shape[0]):
                for k2 in range(w.shape[1]):
                    out += (w[k1, k2] * h[k1:k1 + out.shape[0], k2:k2 + out.shape[1]]).astype(x.dtype)
            return out + b
        """),
    ("adds the bias to x in place", """
        def upconv(x, w, s, b=0.0):
            x += b
            return corr2d(zero_insert(x, s), w) + 0.0 * b
        """),
    ("uses torch conv_transpose2d", """
        import torch
        import torch.nn.functional as F

        def upconv(x, w, s, b=0.0):
            xt = torch.as_tensor(np.asarray(x, dtype=float))[None, None]
            wt = torch.as_tensor(np.asarray(w, dtype=float)).flip(0, 1)[None, None]
            k1, k2 = wt.shape[2] // 2, wt.shape[3] // 2
            out = F.conv_transpose2d(xt, wt, stride=s, padding=(k1, k2), output_padding=(s - 1, s - 1))
            return out[0, 0].numpy() + b
        """),
    ("calls the course's reference op", """
        from convcourse import ops

        def upconv(x, w, s, b=0.0):
            return ops.upconv(x, w, s, b)
        """),
    ("bias parameter renamed (keyword b= fails)", """
        def upconv(x, w, s, bias=0.0):
            return corr2d(zero_insert(x, s), w, bias)
        """),
)

# ------------------------------------------------------------- interp_kernel

CORRECT_INTERP_KERNEL = _entries(
    ("outer product of 1 - |k|/s (reference)", """
        def interp_kernel(s):
            k = np.arange(-(int(s) - 1), int(s), dtype=float)
            t = 1.0 - np.abs(k) / s
            return np.outer(t, t)
        """),
    ("double loop", """
        def interp_kernel(s):
            size = 2 * s - 1
            w = np.zeros((size, size))
            for i in range(size):
                for j in range(size):
                    w[i, j] = (1 - abs(i - (s - 1)) / s) * (1 - abs(j - (s - 1)) / s)
            return w
        """),
    ("two linspace ramps", """
        def interp_kernel(s):
            up = np.linspace(1.0 / s, 1.0, s)
            t = np.concatenate([up, up[::-1][1:]])
            return t[:, None] * t[None, :]
        """),
    ("np.minimum of two ramps, divided by s", """
        def interp_kernel(s):
            t = np.minimum(np.arange(1, 2 * s), np.arange(2 * s - 1, 0, -1)) / s
            return np.outer(t, t)
        """),
)

BUGS_INTERP_KERNEL = _entries(
    ("linspace from 0: end taps 0, slope 1/(s-1)", """
        def interp_kernel(s):
            up = np.linspace(0.0, 1.0, s)
            t = np.concatenate([up, up[::-1][1:]])
            return np.outer(t, t)
        """),
    ("size 2s + 1 with zero end taps", """
        def interp_kernel(s):
            k = np.arange(-s, s + 1)
            t = 1.0 - np.abs(k) / s
            return np.outer(t, t)
        """),
    ("half-width s + 1", """
        def interp_kernel(s):
            k = np.arange(-s, s + 1)
            t = 1.0 - np.abs(k) / (s + 1)
            return np.outer(t, t)
        """),
    ("normalised to sum 1", """
        def interp_kernel(s):
            k = np.arange(-(s - 1), s)
            t = 1.0 - np.abs(k) / s
            w = np.outer(t, t)
            return w / w.sum()
        """),
    ("each 1-D triangle normalised to sum 1", """
        def interp_kernel(s):
            k = np.arange(-(s - 1), s)
            t = 1.0 - np.abs(k) / s
            t = t / t.sum()
            return np.outer(t, t)
        """),
    ("integer division: 1 - abs(k) // s", """
        def interp_kernel(s):
            k = np.arange(-(s - 1), s)
            t = 1 - np.abs(k) // s
            return np.outer(t, t).astype(float)
        """),
    ("adds the 1-D triangles instead of multiplying", """
        def interp_kernel(s):
            k = np.arange(-(s - 1), s)
            t = 1.0 - np.abs(k) / s
            return t[:, None] + t[None, :] - 1.0
        """),
    ("radial cone 1 - r/s", """
        def interp_kernel(s):
            k = np.arange(-(s - 1), s)
            r = np.sqrt(k[:, None] ** 2 + k[None, :] ** 2)
            return np.maximum(0.0, 1.0 - r / s)
        """),
    ("forgets to divide: s - |k| (integers)", """
        def interp_kernel(s):
            k = np.arange(-(s - 1), s)
            t = s - np.abs(k)
            return np.outer(t, t)
        """),
    ("returns the 1-D triangle", """
        def interp_kernel(s):
            k = np.arange(-(s - 1), s)
            return 1.0 - np.abs(k) / s
        """),
    ("off by one: arange(-s, s) (even size)", """
        def interp_kernel(s):
            k = np.arange(-s, s)
            t = 1.0 - np.abs(k) / s
            return np.outer(t, t)
        """),
    ("hard-coded s = 2 kernel", """
        def interp_kernel(s):
            return np.array([[0.25, 0.5, 0.25], [0.5, 1.0, 0.5], [0.25, 0.5, 0.25]])
        """),
    ("uses the course's reference op", """
        from convcourse import ops

        def interp_kernel(s):
            return ops.interp_kernel(s)
        """),
)

# --------------------------------------------------------------- hold_kernel

CORRECT_HOLD_KERNEL = _entries(
    ("outer product of [1]*s + [0]*(s-1) (reference)", """
        def hold_kernel(s):
            u = np.zeros(2 * int(s) - 1)
            u[:int(s)] = 1.0
            return np.outer(u, u)
        """),
    ("np.pad of an s x s block of ones", """
        def hold_kernel(s):
            return np.pad(np.ones((s, s)), ((0, s - 1), (0, s - 1)))
        """),
    ("double loop with a condition", """
        def hold_kernel(s):
            w = np.zeros((2 * s - 1, 2 * s - 1))
            for i in range(2 * s - 1):
                for j in range(2 * s - 1):
                    if i < s and j < s:
                        w[i, j] = 1.0
            return w
        """),
    ("boolean mask to float", """
        def hold_kernel(s):
            u = (np.arange(2 * s - 1) < s).astype(float)
            return u[:, None] * u[None, :]
        """),
)

BUGS_HOLD_KERNEL = _entries(
    ("ones in the bottom-right block", """
        def hold_kernel(s):
            w = np.zeros((2 * s - 1, 2 * s - 1))
            w[s - 1:, s - 1:] = 1.0
            return w
        """),
    ("ones in the top-right block", """
        def hold_kernel(s):
            w = np.zeros((2 * s - 1, 2 * s - 1))
            w[:s, s - 1:] = 1.0
            return w
        """),
    ("all ones (centred box of 2s-1)", """
        def hold_kernel(s):
            return np.ones((2 * s - 1, 2 * s - 1))
        """),
    ("normalised to sum 1", """
        def hold_kernel(s):
            w = np.zeros((2 * s - 1, 2 * s - 1))
            w[:s, :s] = 1.0
            return w / w.sum()
        """),
    ("just np.ones((s, s))", """
        def hold_kernel(s):
            return np.ones((s, s))
        """),
    ("integer kernel", """
        def hold_kernel(s):
            w = np.zeros((2 * s - 1, 2 * s - 1), dtype=int)
            w[:s, :s] = 1
            return w
        """),
    ("block centred at (s-1)//2", """
        def hold_kernel(s):
            u = np.zeros(2 * s - 1)
            u[(s - 1) // 2:(s - 1) // 2 + s] = 1.0
            return np.outer(u, u)
        """),
    ("off by one: s - 1 ones", """
        def hold_kernel(s):
            u = np.zeros(2 * s - 1)
            u[:s - 1] = 1.0
            return np.outer(u, u)
        """),
    ("returns the 1-D kernel", """
        def hold_kernel(s):
            u = np.zeros(2 * s - 1)
            u[:s] = 1.0
            return u
        """),
    ("the triangle instead", """
        def hold_kernel(s):
            t = 1.0 - np.abs(np.arange(-(s - 1), s)) / s
            return np.outer(t, t)
        """),
)

# ------------------------------------------------------- conv_transpose_size

CORRECT_CONV_TRANSPOSE_SIZE = _entries(
    ("PyTorch's formula (reference)", """
        def conv_transpose_size(n, k, stride=1, padding=0, output_padding=0, dilation=1):
            return int((n - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding + 1)
        """),
    ("span of the stamps, then crop and extend", """
        def conv_transpose_size(n, k, stride=1, padding=0, output_padding=0, dilation=1):
            last_stamp_start = (n - 1) * stride
            stamp_span = dilation * (k - 1) + 1
            return int(last_stamp_start + stamp_span - padding - padding + output_padding)
        """),
    ("measured with torch", """
        import torch
        import torch.nn.functional as F

        def conv_transpose_size(n, k, stride=1, padding=0, output_padding=0, dilation=1):
            out = F.conv_transpose1d(torch.zeros(1, 1, int(n)), torch.zeros(1, 1, int(k)), stride=int(stride),
                                     padding=int(padding), output_padding=int(output_padding),
                                     dilation=int(dilation))
            return out.shape[-1]
        """),
    ("numpy integer result", """
        def conv_transpose_size(n, k, stride=1, padding=0, output_padding=0, dilation=1):
            return np.int64(n - 1) * stride + dilation * (k - 1) + 1 - 2 * padding + output_padding
        """),
)

BUGS_CONV_TRANSPOSE_SIZE = _entries(
    ("missing + 1", """
        def conv_transpose_size(n, k, stride=1, padding=0, output_padding=0, dilation=1):
            return (n - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding
        """),
    ("ignores output_padding", """
        def conv_transpose_size(n, k, stride=1, padding=0, output_padding=0, dilation=1):
            return (n - 1) * stride - 2 * padding + dilation * (k - 1) + 1
        """),
    ("subtracts padding once", """
        def conv_transpose_size(n, k, stride=1, padding=0, output_padding=0, dilation=1):
            return (n - 1) * stride - padding + dilation * (k - 1) + output_padding + 1
        """),
    ("adds the padding like conv2d", """
        def conv_transpose_size(n, k, stride=1, padding=0, output_padding=0, dilation=1):
            return (n - 1) * stride + 2 * padding + dilation * (k - 1) + output_padding + 1
        """),
    ("n * stride instead of (n - 1) * stride", """
        def conv_transpose_size(n, k, stride=1, padding=0, output_padding=0, dilation=1):
            return n * stride - 2 * padding + dilation * (k - 1) + output_padding + 1
        """),
    ("ignores dilation", """
        def conv_transpose_size(n, k, stride=1, padding=0, output_padding=0, dilation=1):
            return (n - 1) * stride - 2 * padding + (k - 1) + output_padding + 1
        """),
    ("the forward conv2d formula", """
        def conv_transpose_size(n, k, stride=1, padding=0, output_padding=0, dilation=1):
            return (n + 2 * padding - dilation * (k - 1) - 1) // stride + 1
        """),
    ("returns a float", """
        def conv_transpose_size(n, k, stride=1, padding=0, output_padding=0, dilation=1):
            return float((n - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding + 1)
        """),
    ("n * stride (the UpConv size) whatever the arguments", """
        def conv_transpose_size(n, k, stride=1, padding=0, output_padding=0, dilation=1):
            return n * stride
        """),
)

# ------------------------------------------------------------------ answers

CORRECT_ANSWER_TRANSPOSE_PADDING = _entries(
    ("B", 'answer_transpose_padding = "B"'),
    ("b with spaces", 'answer_transpose_padding = " b "'),
)

BUGS_ANSWER_TRANSPOSE_PADDING = _entries(
    ("A: no flip, no padding", 'answer_transpose_padding = "A"'),
    ("C: padding right but no flip", 'answer_transpose_padding = "C"'),
    ("D: padding 2K, no output_padding", 'answer_transpose_padding = "D"'),
    ("the settings instead of a letter", 'answer_transpose_padding = "padding=K, output_padding=s-1"'),
)

CORRECT = {
    "zero_insert": CORRECT_ZERO_INSERT,
    "upconv": CORRECT_UPCONV,
    "interp_kernel": CORRECT_INTERP_KERNEL,
    "hold_kernel": CORRECT_HOLD_KERNEL,
    "conv_transpose_size": CORRECT_CONV_TRANSPOSE_SIZE,
    "answer_transpose_padding": CORRECT_ANSWER_TRANSPOSE_PADDING,
}

BUGS = {
    "zero_insert": BUGS_ZERO_INSERT,
    "upconv": BUGS_UPCONV,
    "interp_kernel": BUGS_INTERP_KERNEL,
    "hold_kernel": BUGS_HOLD_KERNEL,
    "conv_transpose_size": BUGS_CONV_TRANSPOSE_SIZE,
    "answer_transpose_padding": BUGS_ANSWER_TRANSPOSE_PADDING,
}

# A bug in a leaf function (no other graded cell calls hold_kernel): in the nbgrader round trip it must cost
# exactly hold_kernel_test's points.
ROUNDTRIP_BUG = {
    "cell": "hold_kernel",
    "code": dict(BUGS["hold_kernel"])["ones in the bottom-right block"],
    "lost": ["hold_kernel_test"],
}
