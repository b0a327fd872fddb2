"""Mutation catalogue of notebook 06_pooling.

Each entry is ``(label, source)``: ``source`` is the full code of a student's solution cell (a
``def name(...)``, or for the two questions an assignment ``answer_... = "X"``). It is executed in a namespace
that holds ``np``, ``torch`` and correct versions of the notebook's other graded functions.

* ``CORRECT[name]``: different correct implementations (loops, sliding windows, reshapes, integral images,
  float32, ...). Every one must pass the visible and the hidden checks.
* ``BUGS[name]``: realistic mistakes. Every one must be rejected by the visible or the hidden checks
  (``autograde_tests/test_catalogue_pooling.py`` measures the kill rate).
"""
from __future__ import annotations

import textwrap

import numpy as np

__all__ = ["FUNCTIONS", "ANSWERS", "CORRECT", "BUGS", "ROUNDTRIP_BUG"]

FUNCTIONS = ["pool_output_size", "max_pool", "mean_pool", "channel_max_pool", "global_avg_pool",
             "global_max_pool", "lrn"]
ANSWERS = ["answer_invariance", "answer_torch_alpha"]


def _s(src: str) -> str:
    return textwrap.dedent(src).strip("\n") + "\n"


def _entries(*pairs):
    return [(label, _s(src)) for label, src in pairs]


# --------------------------------------------------------- pool_output_size

CORRECT_POOL_OUTPUT_SIZE = _entries(
    ("floor division (reference)", """
        def pool_output_size(n, k, stride=None):
            s = k if stride is None else stride
            return int((n - k) // s + 1)
        """),
    ("math.floor of the true quotient", """
        import math

        def pool_output_size(n, k, stride=None):
            stride = stride or k
            return math.floor((n - k) / stride) + 1
        """),
    ("counts the windows that fit", """
        def pool_output_size(n, k, stride=None):
            s = k if stride is None else stride
            count, start = 0, 0
            while start + k <= n:
                count += 1
                start += s
            return count
        """),
    ("len(range(0, n - k + 1, s))", """
        def pool_output_size(n, k, stride=None):
            return len(range(0, n - k + 1, stride if stride is not None else k))
        """),
)

BUGS_POOL_OUTPUT_SIZE = _entries(
    ("missing + 1", """
        def pool_output_size(n, k, stride=None):
            s = k if stride is None else stride
            return (n - k) // s
        """),
    ("ceil instead of floor", """
        import math

        def pool_output_size(n, k, stride=None):
            s = k if stride is None else stride
            return math.ceil((n - k) / s) + 1
        """),
    ("n // stride", """
        def pool_output_size(n, k, stride=None):
            s = k if stride is None else stride
            return n // s
        """),
    ("stride defaults to 1", """
        def pool_output_size(n, k, stride=None):
            if stride is None:
                stride = 1
            return (n - k) // stride + 1
        """),
    ("returns a float (true division)", """
        def pool_output_size(n, k, stride=None):
            s = k if stride is None else stride
            return (n - k) / s + 1
        """),
    ("(n - k + 1) // stride", """
        def pool_output_size(n, k, stride=None):
            s = k if stride is None else stride
            return (n - k + 1) // s
        """),
    ("round instead of floor", """
        def pool_output_size(n, k, stride=None):
            s = k if stride is None else stride
            return round((n - k) / s) + 1
        """),
    ("ignores the stride", """
        def pool_output_size(n, k, stride=None):
            return (n - k) // k + 1
        """),
)


# ---------------------------------------------------------------- max_pool

def _pool_loop(name: str, reduce: str) -> str:
    return f"""
        def {name}(x, k, stride=None):
            x = np.asarray(x, dtype=float)
            s = k if stride is None else stride
            N, M = x.shape[-2:]
            n_out, m_out = (N - k) // s + 1, (M - k) // s + 1
            out = np.empty(x.shape[:-2] + (n_out, m_out))
            for i in range(n_out):
                for j in range(m_out):
                    out[..., i, j] = x[..., i * s:i * s + k, j * s:j * s + k].{reduce}(axis=(-2, -1))
            return out
        """


CORRECT_MAX_POOL = _entries(
    ("loops over output positions (reference)", _pool_loop("max_pool", "max")),
    ("sliding_window_view, then every stride-th window", """
        def max_pool(x, k, stride=None):
            x = np.asarray(x, dtype=float)
            s = k if stride is None else stride
            win = np.lib.stride_tricks.sliding_window_view(x, (k, k), axis=(-2, -1))
            return win[..., ::s, ::s, :, :].max(axis=(-2, -1))
        """),
    ("np.maximum over the k*k strided shifts (vectorised)", """
        def max_pool(x, k, stride=None):
            x = np.asarray(x, dtype=float)
            s = k if stride is None else stride
            N, M = x.shape[-2:]
            n_out, m_out = (N - k) // s + 1, (M - k) // s + 1
            out = np.full(x.shape[:-2] + (n_out, m_out), -np.inf)
            for a in range(k):
                for b in range(k):
                    out = np.maximum(out, x[..., a:a + s * (n_out - 1) + 1:s, b:b + s * (m_out - 1) + 1:s])
            return out
        """),
    ("per channel, pure Python max over each window", """
        def max_pool(x, k, stride=None):
            x = np.asarray(x, dtype=float)
            flat = x.ndim == 2
            if flat:
                x = x[None]
            s = stride if stride else k
            C, N, M = x.shape
            n_out, m_out = (N - k) // s + 1, (M - k) // s + 1
            out = np.zeros((C, n_out, m_out))
            for c in range(C):
                for i in range(n_out):
                    for j in range(m_out):
                        best = x[c, i * s, j * s]
                        for a in range(k):
                            for b in range(k):
                                best = max(best, x[c, i * s + a, j * s + b])
                        out[c, i, j] = best
            return out[0] if flat else out
        """),
    ("reshape when stride == k, loops otherwise", """
        def max_pool(x, k, stride=None):
            x = np.asarray(x, dtype=float)
            s = k if stride is None else stride
            N, M = x.shape[-2:]
            n_out, m_out = (N - k) // s + 1, (M - k) // s + 1
            if s == k:
                crop = x[..., :n_out * k, :m_out * k]
                return crop.reshape(x.shape[:-2] + (n_out, k, m_out, k)).max(axis=(-3, -1))
            rows = np.stack([x[..., i * s:i * s + k, :].max(axis=-2) for i in range(n_out)], axis=-2)
            return np.stack([rows[..., j * s:j * s + k].max(axis=-1) for j in range(m_out)], axis=-1)
        """),
    ("keeps float32 as float32", """
        def max_pool(x, k, stride=None):
            x = np.asarray(x)
            x = x.astype(np.float32) if x.dtype == np.float32 else x.astype(np.float64)
            s = k if stride is None else stride
            win = np.lib.stride_tricks.sliding_window_view(x, (k, k), axis=(-2, -1))[..., ::s, ::s, :, :]
            return win.reshape(win.shape[:-2] + (k * k,)).max(axis=-1)
        """),
)

BUGS_MAX_POOL = _entries(
    ("stride=None treated as stride 1", """
        def max_pool(x, k, stride=None):
            if stride is None:
                stride = 1
            x = np.asarray(x, dtype=float)
            win = np.lib.stride_tricks.sliding_window_view(x, (k, k), axis=(-2, -1))
            return win[..., ::stride, ::stride, :, :].max(axis=(-2, -1))
        """),
    ("stride argument ignored (always k)", """
        def max_pool(x, k, stride=None):
            x = np.asarray(x, dtype=float)
            N, M = x.shape[-2:]
            n_out, m_out = N // k, M // k
            crop = x[..., :n_out * k, :m_out * k]
            return crop.reshape(x.shape[:-2] + (n_out, k, m_out, k)).max(axis=(-3, -1))
        """),
    ("partial windows kept: range(0, N, s)", """
        def max_pool(x, k, stride=None):
            x = np.asarray(x, dtype=float)
            s = k if stride is None else stride
            N, M = x.shape[-2:]
            rows, cols = range(0, N, s), range(0, M, s)
            out = np.empty(x.shape[:-2] + (len(rows), len(cols)))
            for i, r in enumerate(rows):
                for j, c in enumerate(cols):
                    out[..., i, j] = x[..., r:r + k, c:c + k].max(axis=(-2, -1))
            return out
        """),
    ("N // stride windows", """
        def max_pool(x, k, stride=None):
            x = np.asarray(x, dtype=float)
            s = k if stride is None else stride
            N, M = x.shape[-2:]
            out = np.empty(x.shape[:-2] + (N // s, M // s))
            for i in range(N // s):
                for j in range(M // s):
                    out[..., i, j] = x[..., i * s:i * s + k, j * s:j * s + k].max(axis=(-2, -1))
            return out
        """),
    ("window one pixel short (i*s + k - 1)", """
        def max_pool(x, k, stride=None):
            x = np.asarray(x, dtype=float)
            s = k if stride is None else stride
            N, M = x.shape[-2:]
            n_out, m_out = (N - k) // s + 1, (M - k) // s + 1
            out = np.empty(x.shape[:-2] + (n_out, m_out))
            for i in range(n_out):
                for j in range(m_out):
                    out[..., i, j] = x[..., i * s:i * s + k - 1, j * s:j * s + k - 1].max(axis=(-2, -1))
            return out
        """),
    ("running max starts at 0", """
        def max_pool(x, k, stride=None):
            x = np.asarray(x, dtype=float)
            s = k if stride is None else stride
            N, M = x.shape[-2:]
            n_out, m_out = (N - k) // s + 1, (M - k) // s + 1
            out = np.zeros(x.shape[:-2] + (n_out, m_out))
            for a in range(k):
                for b in range(k):
                    out = np.maximum(out, x[..., a:a + s * (n_out - 1) + 1:s, b:b + s * (m_out - 1) + 1:s])
            return out
        """),
    ("integer input gives an integer output", """
        def max_pool(x, k, stride=None):
            x = np.asarray(x)
            s = k if stride is None else stride
            win = np.lib.stride_tricks.sliding_window_view(x, (k, k), axis=(-2, -1))
            return win[..., ::s, ::s, :, :].max(axis=(-2, -1))
        """),
    ("output buffer np.empty_like(x): integer in, integer out", """
        def max_pool(x, k, stride=None):
            x = np.asarray(x)
            s = k if stride is None else stride
            N, M = x.shape[-2:]
            n_out, m_out = (N - k) // s + 1, (M - k) // s + 1
            out = np.empty_like(x, shape=x.shape[:-2] + (n_out, m_out))
            for i in range(n_out):
                for j in range(m_out):
                    out[..., i, j] = x[..., i * s:i * s + k, j * s:j * s + k].max(axis=(-2, -1))
            return out
        """),
    ("assumes a 2-D image (N, M = x.shape)", """
        def max_pool(x, k, stride=None):
            x = np.asarray(x, dtype=float)
            s = k if stride is None else stride
            N, M = x.shape
            n_out, m_out = (N - k) // s + 1, (M - k) // s + 1
            out = np.empty((n_out, m_out))
            for i in range(n_out):
                for j in range(m_out):
                    out[i, j] = x[i * s:i * s + k, j * s:j * s + k].max()
            return out
        """),
    ("pools the first two axes of a 3-D input", """
        def max_pool(x, k, stride=None):
            x = np.asarray(x, dtype=float)
            s = k if stride is None else stride
            N, M = x.shape[0], x.shape[1]
            n_out, m_out = (N - k) // s + 1, (M - k) // s + 1
            out = np.empty((n_out, m_out) + x.shape[2:])
            for i in range(n_out):
                for j in range(m_out):
                    out[i, j] = x[i * s:i * s + k, j * s:j * s + k].max(axis=(0, 1))
            return out
        """),
    ("one max over the channels too (.max() of the 3-D window)", """
        def max_pool(x, k, stride=None):
            x = np.asarray(x, dtype=float)
            s = k if stride is None else stride
            N, M = x.shape[-2:]
            n_out, m_out = (N - k) // s + 1, (M - k) // s + 1
            out = np.empty((n_out, m_out))
            for i in range(n_out):
                for j in range(m_out):
                    out[i, j] = x[..., i * s:i * s + k, j * s:j * s + k].max()
            return out
        """),
    ("windows start one pixel late", """
        def max_pool(x, k, stride=None):
            x = np.asarray(x, dtype=float)
            s = k if stride is None else stride
            N, M = x.shape[-2:]
            n_out, m_out = (N - k) // s + 1, (M - k) // s + 1
            out = np.empty(x.shape[:-2] + (n_out, m_out))
            for i in range(n_out):
                for j in range(m_out):
                    out[..., i, j] = x[..., i * s + 1:i * s + k + 1, j * s + 1:j * s + k + 1].max(axis=(-2, -1))
            return out
        """),
    ("output transposed (out[j, i])", """
        def max_pool(x, k, stride=None):
            x = np.asarray(x, dtype=float)
            s = k if stride is None else stride
            N, M = x.shape[-2:]
            n_out, m_out = (N - k) // s + 1, (M - k) // s + 1
            out = np.empty(x.shape[:-2] + (m_out, n_out))
            for i in range(n_out):
                for j in range(m_out):
                    out[..., j, i] = x[..., i * s:i * s + k, j * s:j * s + k].max(axis=(-2, -1))
            return out
        """),
    ("window size and stride swapped", """
        def max_pool(x, k, stride=None):
            x = np.asarray(x, dtype=float)
            s = k if stride is None else stride
            win = np.lib.stride_tricks.sliding_window_view(x, (s, s), axis=(-2, -1))
            return win[..., ::k, ::k, :, :].max(axis=(-2, -1))
        """),
    ("uses torch.nn.functional.max_pool2d", """
        def max_pool(x, k, stride=None):
            t = torch.as_tensor(np.asarray(x, dtype=float))
            flat = t.dim() == 2
            out = torch.nn.functional.max_pool2d(t[None] if flat else t, k, stride)
            return (out[0] if flat else out).numpy()
        """),
    ("mean instead of max", _pool_loop("max_pool", "mean")),
)


# --------------------------------------------------------------- mean_pool

CORRECT_MEAN_POOL = _entries(
    ("loops over output positions (reference)", _pool_loop("mean_pool", "mean")),
    ("sliding_window_view, then every stride-th window", """
        def mean_pool(x, k, stride=None):
            x = np.asarray(x, dtype=float)
            s = k if stride is None else stride
            win = np.lib.stride_tricks.sliding_window_view(x, (k, k), axis=(-2, -1))
            return win[..., ::s, ::s, :, :].mean(axis=(-2, -1))
        """),
    ("integral image (cumulative sums)", """
        def mean_pool(x, k, stride=None):
            x = np.asarray(x, dtype=float)
            s = k if stride is None else stride
            N, M = x.shape[-2:]
            n_out, m_out = (N - k) // s + 1, (M - k) // s + 1
            pad = [(0, 0)] * (x.ndim - 2) + [(1, 0), (1, 0)]
            I = np.pad(x.cumsum(axis=-2).cumsum(axis=-1), pad)
            r = np.arange(n_out) * s
            c = np.arange(m_out) * s
            total = (I[..., r[:, None] + k, c[None, :] + k] - I[..., r[:, None], c[None, :] + k]
                     - I[..., r[:, None] + k, c[None, :]] + I[..., r[:, None], c[None, :]])
            return total / (k * k)
        """),
    ("sum of the k*k strided shifts, divided by k*k", """
        def mean_pool(x, k, stride=None):
            x = np.asarray(x, dtype=float)
            s = k if stride is None else stride
            N, M = x.shape[-2:]
            n_out, m_out = (N - k) // s + 1, (M - k) // s + 1
            out = np.zeros(x.shape[:-2] + (n_out, m_out))
            for a in range(k):
                for b in range(k):
                    out += x[..., a:a + s * (n_out - 1) + 1:s, b:b + s * (m_out - 1) + 1:s]
            return out / k ** 2
        """),
    ("float32 accumulation, float32 output", """
        def mean_pool(x, k, stride=None):
            x = np.asarray(x).astype(np.float32)
            s = k if stride is None else stride
            win = np.lib.stride_tricks.sliding_window_view(x, (k, k), axis=(-2, -1))[..., ::s, ::s, :, :]
            return win.mean(axis=(-2, -1), dtype=np.float64).astype(np.float32)
        """),
)

BUGS_MEAN_POOL = _entries(
    ("sums the window", _pool_loop("mean_pool", "sum")),
    ("divides by k instead of k*k", """
        def mean_pool(x, k, stride=None):
            x = np.asarray(x, dtype=float)
            s = k if stride is None else stride
            win = np.lib.stride_tricks.sliding_window_view(x, (k, k), axis=(-2, -1))
            return win[..., ::s, ::s, :, :].sum(axis=(-2, -1)) / k
        """),
    ("divides the input in place first", """
        def mean_pool(x, k, stride=None):
            x = np.asarray(x)
            x /= k * k
            s = k if stride is None else stride
            win = np.lib.stride_tricks.sliding_window_view(x, (k, k), axis=(-2, -1))
            return win[..., ::s, ::s, :, :].sum(axis=(-2, -1))
        """),
    ("integer truncation: np.zeros_like(x) accumulator", """
        def mean_pool(x, k, stride=None):
            x = np.asarray(x)
            s = k if stride is None else stride
            N, M = x.shape[-2:]
            n_out, m_out = (N - k) // s + 1, (M - k) // s + 1
            out = np.zeros_like(x, shape=x.shape[:-2] + (n_out, m_out))
            for i in range(n_out):
                for j in range(m_out):
                    out[..., i, j] = x[..., i * s:i * s + k, j * s:j * s + k].mean(axis=(-2, -1))
            return out
        """),
    ("zero-pads to a multiple of the stride (partial windows / k*k)", """
        def mean_pool(x, k, stride=None):
            x = np.asarray(x, dtype=float)
            s = k if stride is None else stride
            N, M = x.shape[-2:]
            n_out, m_out = -(-N // s), -(-M // s)
            pad = [(0, 0)] * (x.ndim - 2) + [(0, (n_out - 1) * s + k - N), (0, (m_out - 1) * s + k - M)]
            xp = np.pad(x, pad)
            win = np.lib.stride_tricks.sliding_window_view(xp, (k, k), axis=(-2, -1))
            return win[..., ::s, ::s, :, :].mean(axis=(-2, -1))
        """),
    ("stride=None treated as stride 1", """
        def mean_pool(x, k, stride=None):
            x = np.asarray(x, dtype=float)
            win = np.lib.stride_tricks.sliding_window_view(x, (k, k), axis=(-2, -1))
            return win[..., ::(stride or 1), ::(stride or 1), :, :].mean(axis=(-2, -1))
        """),
    ("sliding windows, stride never applied", """
        def mean_pool(x, k, stride=None):
            x = np.asarray(x, dtype=float)
            win = np.lib.stride_tricks.sliding_window_view(x, (k, k), axis=(-2, -1))
            return win.mean(axis=(-2, -1))
        """),
    ("N // stride windows", """
        def mean_pool(x, k, stride=None):
            x = np.asarray(x, dtype=float)
            s = k if stride is None else stride
            N, M = x.shape[-2:]
            out = np.empty(x.shape[:-2] + (N // s, M // s))
            for i in range(N // s):
                for j in range(M // s):
                    out[..., i, j] = x[..., i * s:i * s + k, j * s:j * s + k].mean(axis=(-2, -1))
            return out
        """),
    ("averages over the window's columns only", """
        def mean_pool(x, k, stride=None):
            x = np.asarray(x, dtype=float)
            s = k if stride is None else stride
            N, M = x.shape[-2:]
            n_out, m_out = (N - k) // s + 1, (M - k) // s + 1
            out = np.empty(x.shape[:-2] + (n_out, m_out))
            for i in range(n_out):
                for j in range(m_out):
                    out[..., i, j] = x[..., i * s, j * s:j * s + k].mean(axis=-1)
            return out
        """),
    ("uses torch.nn.functional.avg_pool2d", """
        def mean_pool(x, k, stride=None):
            t = torch.as_tensor(np.asarray(x, dtype=float))
            flat = t.dim() == 2
            out = torch.nn.functional.avg_pool2d(t[None] if flat else t, k, stride)
            return (out[0] if flat else out).numpy()
        """),
    ("window one pixel too large (i*s + k + 1)", """
        def mean_pool(x, k, stride=None):
            x = np.asarray(x, dtype=float)
            s = k if stride is None else stride
            N, M = x.shape[-2:]
            n_out, m_out = (N - k) // s + 1, (M - k) // s + 1
            out = np.empty(x.shape[:-2] + (n_out, m_out))
            for i in range(n_out):
                for j in range(m_out):
                    out[..., i, j] = x[..., i * s:i * s + k + 1, j * s:j * s + k + 1].mean(axis=(-2, -1))
            return out
        """),
    ("only the first channel of a 3-D input", """
        def mean_pool(x, k, stride=None):
            x = np.asarray(x, dtype=float)
            if x.ndim == 3:
                x = x[0]
            s = k if stride is None else stride
            win = np.lib.stride_tricks.sliding_window_view(x, (k, k))
            return win[::s, ::s].mean(axis=(-2, -1))
        """),
)


# -------------------------------------------------------- channel_max_pool

CORRECT_CHANNEL_MAX_POOL = _entries(
    ("reshape (C // group, group, N, M), max over axis 1 (reference)", """
        def channel_max_pool(x, group):
            x = np.asarray(x, dtype=float)
            C, N, M = x.shape
            return x.reshape(C // group, group, N, M).max(axis=1)
        """),
    ("loop over groups with slices", """
        def channel_max_pool(x, group):
            x = np.asarray(x, dtype=float)
            return np.stack([x[g * group:(g + 1) * group].max(axis=0) for g in range(x.shape[0] // group)])
        """),
    ("np.maximum.reduceat at the group starts", """
        def channel_max_pool(x, group):
            x = np.asarray(x, dtype=float)
            return np.maximum.reduceat(x, np.arange(0, x.shape[0], group), axis=0)
        """),
    ("running np.maximum over the members of each group", """
        def channel_max_pool(x, group):
            x = np.asarray(x, dtype=float)
            out = x[0::group].copy()
            for j in range(1, group):
                out = np.maximum(out, x[j::group])
            return out
        """),
    ("triple loop per pixel", """
        def channel_max_pool(x, group):
            x = np.asarray(x, dtype=float)
            C, N, M = x.shape
            out = np.empty((C // group, N, M))
            for g in range(C // group):
                for n in range(N):
                    for m in range(M):
                        out[g, n, m] = max(x[g * group + j, n, m] for j in range(group))
            return out
        """),
)

BUGS_CHANNEL_MAX_POOL = _entries(
    ("interleaved groups: reshape(group, C // group).max(0)", """
        def channel_max_pool(x, group):
            x = np.asarray(x, dtype=float)
            C, N, M = x.shape
            return x.reshape(group, C // group, N, M).max(axis=0)
        """),
    ("max over the groups (axis 0) instead of within", """
        def channel_max_pool(x, group):
            x = np.asarray(x, dtype=float)
            C, N, M = x.shape
            return x.reshape(C // group, group, N, M).max(axis=0)
        """),
    ("group outputs: reshape(group, C // group).max(1)", """
        def channel_max_pool(x, group):
            x = np.asarray(x, dtype=float)
            C, N, M = x.shape
            return x.reshape(group, C // group, N, M).max(axis=1)
        """),
    ("sliding window over channels (stride 1)", """
        def channel_max_pool(x, group):
            x = np.asarray(x, dtype=float)
            return np.stack([x[c:c + group].max(axis=0) for c in range(x.shape[0] // group)])
        """),
    ("group slice one channel short", """
        def channel_max_pool(x, group):
            x = np.asarray(x, dtype=float)
            return np.stack([x[g * group:(g + 1) * group - 1].max(axis=0) if group > 1 else x[g]
                             for g in range(x.shape[0] // group)])
        """),
    ("argmax instead of max", """
        def channel_max_pool(x, group):
            x = np.asarray(x, dtype=float)
            C, N, M = x.shape
            return x.reshape(C // group, group, N, M).argmax(axis=1).astype(float)
        """),
    ("mean instead of max", """
        def channel_max_pool(x, group):
            x = np.asarray(x, dtype=float)
            C, N, M = x.shape
            return x.reshape(C // group, group, N, M).mean(axis=1)
        """),
    ("last group missing (range(C // group - 1))", """
        def channel_max_pool(x, group):
            x = np.asarray(x, dtype=float)
            return np.stack([x[g * group:(g + 1) * group].max(axis=0) for g in range(x.shape[0] // group - 1)]
                            + [np.zeros(x.shape[1:])])
        """),
    ("running max starts at 0", """
        def channel_max_pool(x, group):
            x = np.asarray(x, dtype=float)
            C, N, M = x.shape
            out = np.zeros((C // group, N, M))
            for g in range(C // group):
                for j in range(group):
                    out[g] = np.maximum(out[g], x[g * group + j])
            return out
        """),
    ("integer input gives an integer output", """
        def channel_max_pool(x, group):
            x = np.asarray(x)
            C, N, M = x.shape
            return x.reshape(C // group, group, N, M).max(axis=1)
        """),
    ("np.maximum.reduceat on the input as given: integer in, integer out", """
        def channel_max_pool(x, group):
            x = np.asarray(x)
            return np.maximum.reduceat(x, np.arange(0, x.shape[0], group), axis=0)
        """),
    ("max of |x|", """
        def channel_max_pool(x, group):
            x = np.abs(np.asarray(x, dtype=float))
            C, N, M = x.shape
            return x.reshape(C // group, group, N, M).max(axis=1)
        """),
    ("channels moved to the last axis: (N, M, C // group)", """
        def channel_max_pool(x, group):
            x = np.asarray(x, dtype=float)
            return np.stack([x[g * group:(g + 1) * group].max(axis=0) for g in range(x.shape[0] // group)],
                            axis=-1)
        """),
    ("uses torch max_pool1d over the channel axis", """
        def channel_max_pool(x, group):
            t = torch.as_tensor(np.asarray(x, dtype=float))
            C, N, M = t.shape
            flat = t.permute(1, 2, 0).reshape(N * M, 1, C)
            out = torch.nn.functional.max_pool1d(flat, group)
            return out.reshape(N, M, C // group).permute(2, 0, 1).numpy()
        """),
)


# ---------------------------------------------------------- global pooling

CORRECT_GLOBAL_AVG_POOL = _entries(
    ("mean over axes (1, 2) (reference)", """
        def global_avg_pool(x):
            return np.asarray(x, dtype=float).mean(axis=(1, 2))
        """),
    ("reshape (C, N*M) and mean", """
        def global_avg_pool(x):
            x = np.asarray(x, dtype=float)
            return x.reshape(x.shape[0], -1).mean(axis=1)
        """),
    ("sum divided by N * M, channel by channel", """
        def global_avg_pool(x):
            x = np.asarray(x, dtype=float)
            C, N, M = x.shape
            return np.array([x[c].sum() / (N * M) for c in range(C)])
        """),
    ("mean of the row means (equal-size rows)", """
        def global_avg_pool(x):
            return np.asarray(x, dtype=float).mean(axis=2).mean(axis=1)
        """),
)

BUGS_GLOBAL_AVG_POOL = _entries(
    ("mean over the channel axis", """
        def global_avg_pool(x):
            return np.asarray(x, dtype=float).mean(axis=0)
        """),
    ("mean of the whole tensor", """
        def global_avg_pool(x):
            return np.asarray(x, dtype=float).mean()
        """),
    ("keepdims: (C, 1, 1)", """
        def global_avg_pool(x):
            return np.asarray(x, dtype=float).mean(axis=(1, 2), keepdims=True)
        """),
    ("sum instead of mean", """
        def global_avg_pool(x):
            return np.asarray(x, dtype=float).sum(axis=(1, 2))
        """),
    ("divides by N + M", """
        def global_avg_pool(x):
            x = np.asarray(x, dtype=float)
            return x.sum(axis=(1, 2)) / (x.shape[1] + x.shape[2])
        """),
    ("mean over the last axis only", """
        def global_avg_pool(x):
            return np.asarray(x, dtype=float).mean(axis=-1)
        """),
    ("mean over axes (0, 1)", """
        def global_avg_pool(x):
            return np.asarray(x, dtype=float).mean(axis=(0, 1))
        """),
    ("uses torch adaptive_avg_pool2d", """
        def global_avg_pool(x):
            t = torch.as_tensor(np.asarray(x, dtype=float))
            return torch.nn.functional.adaptive_avg_pool2d(t, 1).flatten().numpy()
        """),
    ("returns a Python list", """
        def global_avg_pool(x):
            x = np.asarray(x, dtype=float)
            return [float(x[c].mean()) for c in range(x.shape[0])]
        """),
)

CORRECT_GLOBAL_MAX_POOL = _entries(
    ("max over axes (1, 2) (reference)", """
        def global_max_pool(x):
            return np.asarray(x, dtype=float).max(axis=(1, 2))
        """),
    ("reshape (C, N*M) and max", """
        def global_max_pool(x):
            x = np.asarray(x, dtype=float)
            return x.reshape(x.shape[0], -1).max(axis=1)
        """),
    ("max of the row maxima, channel by channel", """
        def global_max_pool(x):
            x = np.asarray(x)
            return np.array([max(float(v) for v in x[c].max(axis=1)) for c in range(x.shape[0])])
        """),
    ("np.amax then cast", """
        def global_max_pool(x):
            return np.amax(x, axis=(-2, -1)).astype(np.float64)
        """),
)

BUGS_GLOBAL_MAX_POOL = _entries(
    ("max over the channel axis", """
        def global_max_pool(x):
            return np.asarray(x, dtype=float).max(axis=0)
        """),
    ("max of the whole tensor", """
        def global_max_pool(x):
            return np.asarray(x, dtype=float).max()
        """),
    ("keepdims: (C, 1, 1)", """
        def global_max_pool(x):
            return np.asarray(x, dtype=float).max(axis=(1, 2), keepdims=True)
        """),
    ("running max starts at 0", """
        def global_max_pool(x):
            x = np.asarray(x, dtype=float)
            out = np.zeros(x.shape[0])
            for c in range(x.shape[0]):
                for v in x[c].ravel():
                    if v > out[c]:
                        out[c] = v
            return out
        """),
    ("integer input gives an integer output", """
        def global_max_pool(x):
            return np.asarray(x).max(axis=(1, 2))
        """),
    ("np.amax without a cast: integer in, integer out", """
        def global_max_pool(x):
            return np.amax(x, axis=(-2, -1))
        """),
    ("max of |x|", """
        def global_max_pool(x):
            return np.abs(np.asarray(x, dtype=float)).max(axis=(1, 2))
        """),
    ("max over the last axis only", """
        def global_max_pool(x):
            return np.asarray(x, dtype=float).max(axis=2)
        """),
    ("mean instead of max", """
        def global_max_pool(x):
            return np.asarray(x, dtype=float).mean(axis=(1, 2))
        """),
    ("uses torch amax", """
        def global_max_pool(x):
            return torch.as_tensor(np.asarray(x, dtype=float)).amax(dim=(1, 2)).numpy()
        """),
)


# --------------------------------------------------------------------- lrn

CORRECT_LRN = _entries(
    ("loop over channels with clipped slices (reference)", """
        def lrn(x, alpha=1e-4, beta=0.75, gamma=2.0, l=2):
            x = np.asarray(x, dtype=float)
            C = x.shape[0]
            out = np.empty_like(x)
            for c in range(C):
                lo, hi = max(0, c - l), min(C - 1, c + l)
                out[c] = x[c] / (gamma + alpha * (x[lo:hi + 1] ** 2).sum(axis=0)) ** beta
            return out
        """),
    ("zero-padded squares, sum of 2l+1 shifted slices", """
        def lrn(x, alpha=1e-4, beta=0.75, gamma=2.0, l=2):
            x = np.asarray(x, dtype=float)
            C = x.shape[0]
            sq = np.pad(x ** 2, [(l, l)] + [(0, 0)] * (x.ndim - 1))
            energy = sum(sq[d:d + C] for d in range(2 * l + 1))
            return x / (gamma + alpha * energy) ** beta
        """),
    ("cumulative sum over channels", """
        def lrn(x, alpha=1e-4, beta=0.75, gamma=2.0, l=2):
            x = np.asarray(x, dtype=float)
            C = x.shape[0]
            cs = np.concatenate([np.zeros((1,) + x.shape[1:]), np.cumsum(x ** 2, axis=0)])
            hi = np.minimum(np.arange(C) + l, C - 1) + 1
            lo = np.maximum(np.arange(C) - l, 0)
            energy = cs[hi] - cs[lo]
            return x / (gamma + alpha * energy) ** beta
        """),
    ("explicit double loop with bounds checks", """
        def lrn(x, alpha=1e-4, beta=0.75, gamma=2.0, l=2):
            x = np.asarray(x, dtype=float)
            C = x.shape[0]
            out = np.zeros(x.shape)
            for c in range(C):
                energy = np.zeros(x.shape[1:])
                for i in range(c - l, c + l + 1):
                    if 0 <= i < C:
                        energy = energy + x[i] * x[i]
                out[c] = x[c] * (gamma + alpha * energy) ** (-beta)
            return out
        """),
    ("banded 0/1 matrix over channels (tensordot)", """
        def lrn(x, alpha=1e-4, beta=0.75, gamma=2.0, l=2):
            x = np.asarray(x, dtype=float)
            C = x.shape[0]
            idx = np.arange(C)
            band = (np.abs(idx[:, None] - idx[None, :]) <= l).astype(float)
            energy = np.tensordot(band, x ** 2, axes=(1, 0))
            return x / (gamma + alpha * energy) ** beta
        """),
)

BUGS_LRN = _entries(
    ("the text's upper bound max(C, c + l) (slice to the end)", """
        def lrn(x, alpha=1e-4, beta=0.75, gamma=2.0, l=2):
            x = np.asarray(x, dtype=float)
            C = x.shape[0]
            out = np.empty_like(x)
            for c in range(C):
                lo, hi = max(0, c - l), max(C - 1, c + l)
                out[c] = x[c] / (gamma + alpha * (x[lo:hi + 1] ** 2).sum(axis=0)) ** beta
            return out
        """),
    ("exclusive slice end: x[lo : min(C - 1, c + l)]", """
        def lrn(x, alpha=1e-4, beta=0.75, gamma=2.0, l=2):
            x = np.asarray(x, dtype=float)
            C = x.shape[0]
            out = np.empty_like(x)
            for c in range(C):
                lo, hi = max(0, c - l), min(C - 1, c + l)
                out[c] = x[c] / (gamma + alpha * (x[lo:hi] ** 2).sum(axis=0)) ** beta
            return out
        """),
    ("exclusive slice end: x[lo : min(C, c + l)]", """
        def lrn(x, alpha=1e-4, beta=0.75, gamma=2.0, l=2):
            x = np.asarray(x, dtype=float)
            C = x.shape[0]
            out = np.empty_like(x)
            for c in range(C):
                out[c] = x[c] / (gamma + alpha * (x[max(0, c - l):min(C, c + l)] ** 2).sum(axis=0)) ** beta
            return out
        """),
    ("negative slice start not clipped: x[c - l : c + l + 1]", """
        def lrn(x, alpha=1e-4, beta=0.75, gamma=2.0, l=2):
            x = np.asarray(x, dtype=float)
            out = np.empty_like(x)
            for c in range(x.shape[0]):
                out[c] = x[c] / (gamma + alpha * (x[c - l:c + l + 1] ** 2).sum(axis=0)) ** beta
            return out
        """),
    ("1-based lower bound max(1, c - l)", """
        def lrn(x, alpha=1e-4, beta=0.75, gamma=2.0, l=2):
            x = np.asarray(x, dtype=float)
            C = x.shape[0]
            out = np.empty_like(x)
            for c in range(C):
                lo, hi = max(1, c - l), min(C - 1, c + l)
                out[c] = x[c] / (gamma + alpha * (x[lo:hi + 1] ** 2).sum(axis=0)) ** beta
            return out
        """),
    ("alpha divided by the window size (torch's convention)", """
        def lrn(x, alpha=1e-4, beta=0.75, gamma=2.0, l=2):
            x = np.asarray(x, dtype=float)
            C = x.shape[0]
            sq = np.pad(x ** 2, [(l, l)] + [(0, 0)] * (x.ndim - 1))
            energy = sum(sq[d:d + C] for d in range(2 * l + 1))
            return x / (gamma + alpha / (2 * l + 1) * energy) ** beta
        """),
    ("averages the window (divides by its channel count)", """
        def lrn(x, alpha=1e-4, beta=0.75, gamma=2.0, l=2):
            x = np.asarray(x, dtype=float)
            C = x.shape[0]
            out = np.empty_like(x)
            for c in range(C):
                lo, hi = max(0, c - l), min(C - 1, c + l)
                out[c] = x[c] / (gamma + alpha * (x[lo:hi + 1] ** 2).mean(axis=0)) ** beta
            return out
        """),
    ("circular window with np.roll", """
        def lrn(x, alpha=1e-4, beta=0.75, gamma=2.0, l=2):
            x = np.asarray(x, dtype=float)
            energy = sum(np.roll(x ** 2, d, axis=0) for d in range(-l, l + 1))
            return x / (gamma + alpha * energy) ** beta
        """),
    ("window across rows (axis 1) instead of channels", """
        def lrn(x, alpha=1e-4, beta=0.75, gamma=2.0, l=2):
            x = np.asarray(x, dtype=float)
            N = x.shape[1]
            out = np.empty_like(x)
            for n in range(N):
                lo, hi = max(0, n - l), min(N - 1, n + l)
                out[:, n] = x[:, n] / (gamma + alpha * (x[:, lo:hi + 1] ** 2).sum(axis=1)) ** beta
            return out
        """),
    ("l ignored: each channel normalised by itself", """
        def lrn(x, alpha=1e-4, beta=0.75, gamma=2.0, l=2):
            x = np.asarray(x, dtype=float)
            return x / (gamma + alpha * x ** 2) ** beta
        """),
    ("channel c left out of its own window", """
        def lrn(x, alpha=1e-4, beta=0.75, gamma=2.0, l=2):
            x = np.asarray(x, dtype=float)
            C = x.shape[0]
            out = np.empty_like(x)
            for c in range(C):
                lo, hi = max(0, c - l), min(C - 1, c + l)
                energy = (x[lo:hi + 1] ** 2).sum(axis=0) - x[c] ** 2
                out[c] = x[c] / (gamma + alpha * energy) ** beta
            return out
        """),
    ("sums |x| instead of x**2", """
        def lrn(x, alpha=1e-4, beta=0.75, gamma=2.0, l=2):
            x = np.asarray(x, dtype=float)
            C = x.shape[0]
            out = np.empty_like(x)
            for c in range(C):
                lo, hi = max(0, c - l), min(C - 1, c + l)
                out[c] = x[c] / (gamma + alpha * np.abs(x[lo:hi + 1]).sum(axis=0)) ** beta
            return out
        """),
    ("beta forgotten", """
        def lrn(x, alpha=1e-4, beta=0.75, gamma=2.0, l=2):
            x = np.asarray(x, dtype=float)
            C = x.shape[0]
            out = np.empty_like(x)
            for c in range(C):
                lo, hi = max(0, c - l), min(C - 1, c + l)
                out[c] = x[c] / (gamma + alpha * (x[lo:hi + 1] ** 2).sum(axis=0))
            return out
        """),
    ("multiplies by the factor", """
        def lrn(x, alpha=1e-4, beta=0.75, gamma=2.0, l=2):
            x = np.asarray(x, dtype=float)
            C = x.shape[0]
            out = np.empty_like(x)
            for c in range(C):
                lo, hi = max(0, c - l), min(C - 1, c + l)
                out[c] = x[c] * (gamma + alpha * (x[lo:hi + 1] ** 2).sum(axis=0)) ** beta
            return out
        """),
    ("alpha multiplies gamma too", """
        def lrn(x, alpha=1e-4, beta=0.75, gamma=2.0, l=2):
            x = np.asarray(x, dtype=float)
            C = x.shape[0]
            out = np.empty_like(x)
            for c in range(C):
                lo, hi = max(0, c - l), min(C - 1, c + l)
                out[c] = x[c] / (alpha * (gamma + (x[lo:hi + 1] ** 2).sum(axis=0))) ** beta
            return out
        """),
    ("square of the window sum", """
        def lrn(x, alpha=1e-4, beta=0.75, gamma=2.0, l=2):
            x = np.asarray(x, dtype=float)
            C = x.shape[0]
            out = np.empty_like(x)
            for c in range(C):
                lo, hi = max(0, c - l), min(C - 1, c + l)
                out[c] = x[c] / (gamma + alpha * x[lo:hi + 1].sum(axis=0) ** 2) ** beta
            return out
        """),
    ("writes the results into x (in place)", """
        def lrn(x, alpha=1e-4, beta=0.75, gamma=2.0, l=2):
            x = np.asarray(x)
            C = x.shape[0]
            energy = [(x[max(0, c - l):min(C - 1, c + l) + 1] ** 2).sum(axis=0) for c in range(C)]
            for c in range(C):
                x[c] = x[c] / (gamma + alpha * energy[c]) ** beta
            return x
        """),
    ("integer truncation: np.zeros_like(x)", """
        def lrn(x, alpha=1e-4, beta=0.75, gamma=2.0, l=2):
            x = np.asarray(x)
            C = x.shape[0]
            out = np.zeros_like(x)
            for c in range(C):
                lo, hi = max(0, c - l), min(C - 1, c + l)
                out[c] = x[c] / (gamma + alpha * (x[lo:hi + 1] ** 2.0).sum(axis=0)) ** beta
            return out
        """),
    ("uses torch.nn.LocalResponseNorm", """
        def lrn(x, alpha=1e-4, beta=0.75, gamma=2.0, l=2):
            layer = torch.nn.LocalResponseNorm(2 * l + 1, alpha * (2 * l + 1), beta, gamma)
            return layer(torch.as_tensor(np.asarray(x, dtype=float))[None])[0].numpy()
        """),
)


# --------------------------------------------------------------- questions

CORRECT_ANSWER_INVARIANCE = _entries(
    ("B", 'answer_invariance = "B"'),
    ("lower case with spaces", 'answer_invariance = " b "'),
)
BUGS_ANSWER_INVARIANCE = _entries(
    ("A: no shift is absorbed", 'answer_invariance = "A"'),
    ("C: shift 2 (forgets the second responding column)", 'answer_invariance = "C"'),
    ("D: the window size minus one", 'answer_invariance = "D"'),
    ("the number 1 instead of a letter", "answer_invariance = 1"),
    ("letter with its parenthesis", 'answer_invariance = "(B)"'),
)

CORRECT_ANSWER_TORCH_ALPHA = _entries(
    ("B", 'answer_torch_alpha = "B"'),
    ("lower case", 'answer_torch_alpha = "b"'),
)
BUGS_ANSWER_TORCH_ALPHA = _entries(
    ("A: the same alpha", 'answer_torch_alpha = "A"'),
    ("C: alpha divided by the window", 'answer_torch_alpha = "C"'),
    ("D: alpha divided by the window squared", 'answer_torch_alpha = "D"'),
    ("the number 5e-4 instead of a letter", "answer_torch_alpha = 5e-4"),
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


def _table(cases, reference, key):
    return {key(*case.args, **case.kwargs): np.asarray(reference(*case.args, **case.kwargs), dtype=float).tolist()
            for case in cases}


def _hardcoded_entries():
    """Solutions that hard-code the visible tests' answers (built from the visible cases)."""
    from convcourse import ops
    from convgrader.checks import pooling as pc

    def xkey(x, *rest, **kw):
        return (np.shape(x), round(float(np.sum(x)), 6))

    xkey_src = "(np.shape(x), round(float(np.sum(x)), 6))"
    return {
        "max_pool": _hardcoded("max_pool", "x, k, stride=None", xkey_src, "np.asarray(x, dtype=float)[..., ::k, ::k]",
                               _table(pc.cases_pool(), ops.max_pool, xkey)),
        "mean_pool": _hardcoded("mean_pool", "x, k, stride=None", xkey_src,
                                "np.asarray(x, dtype=float)[..., ::k, ::k]",
                                _table(pc.cases_pool(1), ops.mean_pool, xkey)),
        "channel_max_pool": _hardcoded("channel_max_pool", "x, group", xkey_src,
                                       "np.asarray(x, dtype=float)[::group]",
                                       _table(pc.cases_channel(), ops.channel_max_pool, xkey)),
        "global_avg_pool": _hardcoded("global_avg_pool", "x", xkey_src, "np.asarray(x, dtype=float)[:, 0, 0]",
                                      _table(pc.cases_global(), ops.global_avg_pool, xkey)),
        "global_max_pool": _hardcoded("global_max_pool", "x", xkey_src, "np.asarray(x, dtype=float)[:, 0, 0]",
                                      _table(pc.cases_global(1), ops.global_max_pool, xkey)),
        "lrn": _hardcoded("lrn", "x, alpha=1e-4, beta=0.75, gamma=2.0, l=2", xkey_src,
                          "np.asarray(x, dtype=float) / gamma ** beta", _table(pc.cases_lrn(), ops.lrn, xkey)),
        "pool_output_size": _s("""
            def pool_output_size(n, k, stride=None):
                known = {(4, 2, None): 2, (5, 2, None): 2, (6, 3, 2): 2, (7, 3, 2): 3, (9, 3, 1): 7}
                return known.get((n, k, stride), n // k)
            """),
    }


CORRECT = {
    "pool_output_size": CORRECT_POOL_OUTPUT_SIZE,
    "max_pool": CORRECT_MAX_POOL,
    "mean_pool": CORRECT_MEAN_POOL,
    "channel_max_pool": CORRECT_CHANNEL_MAX_POOL,
    "global_avg_pool": CORRECT_GLOBAL_AVG_POOL,
    "global_max_pool": CORRECT_GLOBAL_MAX_POOL,
    "lrn": CORRECT_LRN,
    "answer_invariance": CORRECT_ANSWER_INVARIANCE,
    "answer_torch_alpha": CORRECT_ANSWER_TORCH_ALPHA,
}

BUGS = {
    "pool_output_size": BUGS_POOL_OUTPUT_SIZE,
    "max_pool": BUGS_MAX_POOL,
    "mean_pool": BUGS_MEAN_POOL,
    "channel_max_pool": BUGS_CHANNEL_MAX_POOL,
    "global_avg_pool": BUGS_GLOBAL_AVG_POOL,
    "global_max_pool": BUGS_GLOBAL_MAX_POOL,
    "lrn": BUGS_LRN,
    "answer_invariance": BUGS_ANSWER_INVARIANCE,
    "answer_torch_alpha": BUGS_ANSWER_TORCH_ALPHA,
}

for _name, _src in _hardcoded_entries().items():
    BUGS[_name].append(("hard-codes the visible tests' answers", _src))
del _name, _src


# The bug the real nbgrader round trip submits: no other graded cell uses channel_max_pool, so it must cost
# exactly its own test cell (3 points).
ROUNDTRIP_BUG = {
    "cell": "channel_max_pool",
    "code": dict(BUGS["channel_max_pool"])["interleaved groups: reshape(group, C // group).max(0)"],
    "lost": ["channel_max_pool_test"],
}
