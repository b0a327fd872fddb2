"""Mutation catalogue of notebook 07_simple_cnn.

Each entry is ``(label, source)``: ``source`` is the full code of a student's solution cell. It is
executed in a namespace that holds ``np``, ``torch``, ``nn`` and correct versions of the notebook's other
graded names (the first correct alternative of each), the way the notebook runs a solution cell.

* ``CORRECT[name]``: correct implementations (loops, vectorised, logsumexp, einsum, float32, ...). Every one
  must pass the visible and the hidden checks.
* ``BUGS[name]``: realistic mistakes. Every one must be rejected by the visible or the hidden checks
  (``autograde_tests/test_catalogue_simple_cnn.py`` measures the kill rate).

The notebook's ``conv_multi_out`` is a given (locked) cell, not a graded one: entries of
``simple_cnn_forward`` that use it define it themselves (``_CONV``), as the notebook does.
"""
from __future__ import annotations

import textwrap

import numpy as np

from convcourse import ops
from convgrader.checks import simple_cnn as sc

__all__ = ["FUNCTIONS", "ANSWERS", "CORRECT", "BUGS", "ROUNDTRIP_BUG"]

FUNCTIONS = ["relu", "softmax", "gap", "fc", "simple_cnn_forward", "simple_cnn_num_params", "SimpleCNN"]
ANSWERS: list[str] = []


def _s(src: str) -> str:
    return textwrap.dedent(src).strip("\n") + "\n"


def _entries(*pairs):
    return [(label, _s(src)) for label, src in pairs]


# ----------------------------------------------------------------------- relu

CORRECT_RELU = _entries(
    ("np.maximum on a float copy (reference)", """
        def relu(z):
            return np.maximum(np.asarray(z, dtype=float), 0.0)
        """),
    ("np.where", """
        def relu(z):
            z = np.asarray(z, dtype=float)
            return np.where(z > 0, z, 0.0)
        """),
    ("multiply by the mask", """
        def relu(z):
            z = np.asarray(z, dtype=float)
            return z * (z > 0)
        """),
    ("np.clip with no upper bound", """
        def relu(z):
            return np.clip(np.asarray(z, dtype=float), 0, None)
        """),
    ("copy, then zero the negatives", """
        def relu(z):
            out = np.array(z, dtype=float)
            out[out < 0] = 0
            return out
        """),
    ("keeps float32 as float32", """
        def relu(z):
            z = np.asarray(z)
            if not np.issubdtype(z.dtype, np.floating):
                z = z.astype(np.float64)
            return np.maximum(z, z.dtype.type(0))
        """),
)

BUGS_RELU = _entries(
    ("absolute value", """
        def relu(z):
            return np.abs(np.asarray(z, dtype=float))
        """),
    ("clipped at 1", """
        def relu(z):
            return np.clip(np.asarray(z, dtype=float), 0, 1)
        """),
    ("leaky relu", """
        def relu(z):
            z = np.asarray(z, dtype=float)
            return np.where(z > 0, z, 0.01 * z)
        """),
    ("returns the mask (derivative)", """
        def relu(z):
            return (np.asarray(z) > 0).astype(float)
        """),
    ("np.max(z, 0) reduces along axis 0", """
        def relu(z):
            return np.max(np.asarray(z, dtype=float), 0)
        """),
    ("zeroes the negatives of the input in place", """
        def relu(z):
            z[z < 0] = 0
            return z.astype(float)
        """),
    ("integer input gives integer output", """
        def relu(z):
            return np.maximum(z, 0)
        """),
    ("keeps the negative part", """
        def relu(z):
            return np.minimum(np.asarray(z, dtype=float), 0)
        """),
    ("uses torch.relu", """
        def relu(z):
            import torch
            return torch.relu(torch.as_tensor(np.asarray(z, dtype=float))).numpy()
        """),
)

# --------------------------------------------------------------------- softmax

_SOFTMAX = """
def softmax(z, tau=1.0, axis=0):
    s = np.asarray(z, dtype=float) / tau
    e = np.exp(s - s.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)
"""

CORRECT_SOFTMAX = _entries(
    ("max-shifted, keepdims (reference)", _SOFTMAX),
    ("logsumexp form", """
        def softmax(z, tau=1.0, axis=0):
            s = np.asarray(z, dtype=float) / tau
            m = s.max(axis=axis, keepdims=True)
            lse = m + np.log(np.exp(s - m).sum(axis=axis, keepdims=True))
            return np.exp(s - lse)
        """),
    ("moveaxis to the end and back", """
        def softmax(z, tau=1.0, axis=0):
            s = np.moveaxis(np.asarray(z, dtype=float) / tau, axis, -1)
            e = np.exp(s - s.max(axis=-1)[..., None])
            out = e / e.sum(axis=-1)[..., None]
            return np.moveaxis(out, -1, axis)
        """),
    ("float32 throughout", """
        def softmax(z, tau=1.0, axis=0):
            s = np.asarray(z, dtype=np.float32) / np.float32(tau)
            e = np.exp(s - np.max(s, axis=axis, keepdims=True))
            return (e / np.sum(e, axis=axis, keepdims=True)).astype(np.float32)
        """),
    ("apply_along_axis with a 1-D stable softmax", """
        def softmax(z, tau=1.0, axis=0):
            def one(v):
                v = v / tau
                e = np.exp(v - v.max())
                return e / e.sum()
            return np.apply_along_axis(one, axis, np.asarray(z, dtype=float))
        """),
    ("shift by the max of z, then divide by tau", """
        def softmax(z, tau=1.0, axis=0):
            z = np.asarray(z, dtype=float)
            e = np.exp((z - np.max(z, axis=axis, keepdims=True)) / tau)
            return e / np.sum(e, axis=axis, keepdims=True)
        """),
)


def _sm(body: str) -> str:
    return "def softmax(z, tau=1.0, axis=0):\n" + textwrap.indent(_s(body), "    ")


BUGS_SOFTMAX = [
    ("the text's formula exp(-tau z)", _sm("""
        s = -tau * np.asarray(z, dtype=float)
        e = np.exp(s - s.max(axis=axis, keepdims=True))
        return e / e.sum(axis=axis, keepdims=True)
        """)),
    ("tau multiplies instead of dividing", _sm("""
        s = tau * np.asarray(z, dtype=float)
        e = np.exp(s - s.max(axis=axis, keepdims=True))
        return e / e.sum(axis=axis, keepdims=True)
        """)),
    ("minus sign: exp(-z / tau)", _sm("""
        s = -np.asarray(z, dtype=float) / tau
        e = np.exp(s - s.max(axis=axis, keepdims=True))
        return e / e.sum(axis=axis, keepdims=True)
        """)),
    ("unstable: no max subtracted (overflows)", _sm("""
        e = np.exp(np.asarray(z, dtype=float) / tau)
        return e / e.sum(axis=axis, keepdims=True)
        """)),
    ("subtracts the global max, not the max per slice", _sm("""
        s = np.asarray(z, dtype=float) / tau
        e = np.exp(s - s.max())
        return e / e.sum(axis=axis, keepdims=True)
        """)),
    ("subtracts the min instead of the max", _sm("""
        s = np.asarray(z, dtype=float) / tau
        e = np.exp(s - s.min(axis=axis, keepdims=True))
        return e / e.sum(axis=axis, keepdims=True)
        """)),
    ("ignores axis (always the last axis)", _sm("""
        s = np.asarray(z, dtype=float) / tau
        e = np.exp(s - s.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)
        """)),
    ("default axis=-1", """
        def softmax(z, tau=1.0, axis=-1):
            s = np.asarray(z, dtype=float) / tau
            e = np.exp(s - s.max(axis=axis, keepdims=True))
            return e / e.sum(axis=axis, keepdims=True)
        """),
    ("sum without keepdims", _sm("""
        s = np.asarray(z, dtype=float) / tau
        e = np.exp(s - s.max(axis=axis, keepdims=True))
        return e / e.sum(axis=axis)
        """)),
    ("normalised over all entries", _sm("""
        s = np.asarray(z, dtype=float) / tau
        e = np.exp(s - s.max())
        return e / e.sum()
        """)),
    ("tau ignored", _sm("""
        s = np.asarray(z, dtype=float)
        e = np.exp(s - s.max(axis=axis, keepdims=True))
        return e / e.sum(axis=axis, keepdims=True)
        """)),
    ("not normalised", _sm("""
        s = np.asarray(z, dtype=float) / tau
        return np.exp(s - s.max(axis=axis, keepdims=True))
        """)),
    ("returns log-probabilities", _sm("""
        s = np.asarray(z, dtype=float) / tau
        m = s.max(axis=axis, keepdims=True)
        return s - m - np.log(np.exp(s - m).sum(axis=axis, keepdims=True))
        """)),
    ("shifts the input in place", _sm("""
        z -= z.max(axis=axis, keepdims=True)
        e = np.exp(z / tau)
        return e / e.sum(axis=axis, keepdims=True)
        """)),
    ("uses scipy.special.softmax", _sm("""
        from scipy.special import softmax as sp_softmax
        return sp_softmax(np.asarray(z, dtype=float) / tau, axis=axis)
        """)),
    ("uses torch.softmax", _sm("""
        import torch
        return torch.softmax(torch.as_tensor(np.asarray(z, dtype=float)) / tau, dim=axis).numpy()
        """)),
]
BUGS_SOFTMAX = [(label, _s(src)) for label, src in BUGS_SOFTMAX]

# ------------------------------------------------------------------------- gap

CORRECT_GAP = _entries(
    ("mean over the last two axes (reference)", """
        def gap(h):
            return np.asarray(h, dtype=float).mean(axis=(1, 2))
        """),
    ("reshape to (C, N*M), then mean", """
        def gap(h):
            h = np.asarray(h, dtype=float)
            return h.reshape(h.shape[0], -1).mean(axis=1)
        """),
    ("sum divided by N*M", """
        def gap(h):
            h = np.asarray(h, dtype=float)
            return h.sum(axis=(1, 2)) / (h.shape[1] * h.shape[2])
        """),
    ("loop over channels", """
        def gap(h):
            h = np.asarray(h)
            return np.array([np.mean(h[c]) for c in range(h.shape[0])], dtype=float)
        """),
    ("einsum", """
        def gap(h):
            h = np.asarray(h, dtype=float)
            return np.einsum("cnm->c", h) / (h.shape[1] * h.shape[2])
        """),
)

BUGS_GAP = _entries(
    ("sums instead of averaging (the text's 'sum')", """
        def gap(h):
            return np.asarray(h, dtype=float).sum(axis=(1, 2))
        """),
    ("global max pooling", """
        def gap(h):
            return np.asarray(h, dtype=float).max(axis=(1, 2))
        """),
    ("divides by N*N (square images assumed)", """
        def gap(h):
            h = np.asarray(h, dtype=float)
            return h.sum(axis=(1, 2)) / h.shape[1] ** 2
        """),
    ("mean over the wrong axes (0, 1)", """
        def gap(h):
            return np.asarray(h, dtype=float).mean(axis=(0, 1))
        """),
    ("mean over everything", """
        def gap(h):
            return np.asarray(h, dtype=float).mean()
        """),
    ("keepdims: returns (C, 1, 1)", """
        def gap(h):
            return np.asarray(h, dtype=float).mean(axis=(1, 2), keepdims=True)
        """),
    ("mean over the columns only", """
        def gap(h):
            return np.asarray(h, dtype=float).mean(axis=2)
        """),
    ("integer floor division", """
        def gap(h):
            h = np.asarray(h)
            return h.sum(axis=(1, 2)) // (h.shape[1] * h.shape[2])
        """),
)

# -------------------------------------------------------------------------- fc

CORRECT_FC = _entries(
    ("W @ z + c (reference)", """
        def fc(z, W, c):
            return np.asarray(W, dtype=float) @ np.asarray(z, dtype=float) + np.asarray(c, dtype=float)
        """),
    ("np.dot", """
        def fc(z, W, c):
            return np.dot(np.asarray(W, dtype=float), z) + c
        """),
    ("einsum", """
        def fc(z, W, c):
            return np.einsum("kc,c->k", np.asarray(W, dtype=float), np.asarray(z, dtype=float)) + c
        """),
    ("loops over outputs and inputs", """
        def fc(z, W, c):
            K, C = np.shape(W)
            out = np.zeros(K)
            for k in range(K):
                out[k] = c[k]
                for j in range(C):
                    out[k] += W[k][j] * z[j]
            return out
        """),
    ("z @ W.T + c", """
        def fc(z, W, c):
            z = np.asarray(z, dtype=float)
            return z @ np.asarray(W, dtype=float).T + c
        """),
    ("float32 throughout", """
        def fc(z, W, c):
            f = np.float32
            return np.asarray(W, dtype=f) @ np.asarray(z, dtype=f) + np.asarray(c, dtype=f)
        """),
)

BUGS_FC = _entries(
    ("W transposed (W.T @ z)", """
        def fc(z, W, c):
            return np.asarray(W, dtype=float).T @ np.asarray(z, dtype=float) + c
        """),
    ("z @ W", """
        def fc(z, W, c):
            return np.asarray(z, dtype=float) @ np.asarray(W, dtype=float) + c
        """),
    ("bias missing", """
        def fc(z, W, c):
            return np.asarray(W, dtype=float) @ np.asarray(z, dtype=float)
        """),
    ("bias subtracted", """
        def fc(z, W, c):
            return np.asarray(W, dtype=float) @ np.asarray(z, dtype=float) - c
        """),
    ("bias added before the product", """
        def fc(z, W, c):
            return np.asarray(W, dtype=float) @ (np.asarray(z, dtype=float) + c)
        """),
    ("integer inputs give integer output", """
        def fc(z, W, c):
            return np.dot(W, z) + c
        """),
    ("returns a column (K, 1)", """
        def fc(z, W, c):
            z = np.asarray(z, dtype=float)
            return np.asarray(W, dtype=float) @ z[:, None] + np.asarray(c, dtype=float)[:, None]
        """),
    ("elementwise product summed over the wrong axis", """
        def fc(z, W, c):
            return (np.asarray(W, dtype=float) * z).sum(axis=0) + c
        """),
)

# ---------------------------------------------------------- simple_cnn_forward

_CONV = '''
def conv_multi_out(x, w, b):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    C, P, Q = w.shape
    N, M = x.shape
    xp = np.pad(x, ((P // 2, P // 2), (Q // 2, Q // 2)))
    out = np.zeros((C, N, M)) + np.asarray(b, dtype=float).reshape(C, 1, 1)
    for k1 in range(P):
        for k2 in range(Q):
            out += w[:, k1, k2, None, None] * xp[None, k1:k1 + N, k2:k2 + M]
    return out

'''

_FORWARD_CALLS = _CONV + '''
def simple_cnn_forward(x, w, b, W, c, tau=1.0):
    z1 = conv_multi_out(x, w, b)
    h = relu(z1)
    z2 = gap(h)
    z3 = fc(z2, W, c)
    return softmax(z3, tau)
'''

_FORWARD_INLINE = '''
def simple_cnn_forward(x, w, b, W, c, tau=1.0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    C, P, Q = w.shape
    N, M = x.shape
    xp = np.pad(x, ((P // 2, P // 2), (Q // 2, Q // 2)))
    z1 = np.zeros((C, N, M))
    for ch in range(C):
        for n in range(N):
            for m in range(M):
                z1[ch, n, m] = np.sum(w[ch] * xp[n:n + P, m:m + Q]) + b[ch]
    h = np.maximum(z1, 0)
    z2 = h.mean(axis=(1, 2))
    z3 = np.asarray(W, dtype=float) @ z2 + np.asarray(c, dtype=float)
    s = z3 / tau
    e = np.exp(s - s.max())
    return e / e.sum()
'''


def _fwd(old: str, new: str, base: str = _FORWARD_INLINE) -> str:
    assert old in base, old
    return _s(base.replace(old, new, 1))


CORRECT_SIMPLE_CNN_FORWARD = _entries(
    ("given conv + the notebook's layer functions (reference)", _FORWARD_CALLS),
    ("everything inline, per-pixel loops", _FORWARD_INLINE),
    ("sliding windows + einsum, logsumexp softmax", '''
        def simple_cnn_forward(x, w, b, W, c, tau=1.0):
            x = np.asarray(x, dtype=float)
            w = np.asarray(w, dtype=float)
            C, P, Q = w.shape
            xp = np.pad(x, ((P // 2, P // 2), (Q // 2, Q // 2)))
            win = np.lib.stride_tricks.sliding_window_view(xp, (P, Q))       # (N, M, P, Q)
            z1 = np.einsum("nmpq,cpq->cnm", win, w) + np.asarray(b, dtype=float)[:, None, None]
            z2 = np.maximum(z1, 0).mean(axis=(1, 2))
            s = (np.asarray(W, dtype=float) @ z2 + c) / tau
            lse = s.max() + np.log(np.exp(s - s.max()).sum())
            return np.exp(s - lse)
        '''),
    ("float32 throughout", '''
        def simple_cnn_forward(x, w, b, W, c, tau=1.0):
            f = np.float32
            x, w = np.asarray(x, dtype=f), np.asarray(w, dtype=f)
            C, P, Q = w.shape
            N, M = x.shape
            xp = np.pad(x, ((P // 2, P // 2), (Q // 2, Q // 2)))
            z1 = np.zeros((C, N, M), dtype=f) + np.asarray(b, dtype=f)[:, None, None]
            for k1 in range(P):
                for k2 in range(Q):
                    z1 += w[:, k1, k2, None, None] * xp[None, k1:k1 + N, k2:k2 + M]
            z2 = np.maximum(z1, f(0)).mean(axis=(1, 2))
            s = (np.asarray(W, dtype=f) @ z2 + np.asarray(c, dtype=f)) / f(tau)
            e = np.exp(s - s.max())
            return e / e.sum()
        '''),
    ("FFT convolution", '''
        def simple_cnn_forward(x, w, b, W, c, tau=1.0):
            x = np.asarray(x, dtype=float)
            w = np.asarray(w, dtype=float)
            C, P, Q = w.shape
            N, M = x.shape
            s = (N + P - 1, M + Q - 1)
            X = np.fft.rfft2(x, s)
            maps = []
            for ch in range(C):
                full = np.fft.irfft2(X * np.fft.rfft2(w[ch, ::-1, ::-1], s), s)
                maps.append(full[P // 2:P // 2 + N, Q // 2:Q // 2 + M] + b[ch])
            z2 = np.maximum(np.stack(maps), 0).mean(axis=(1, 2))
            z3 = np.asarray(W, dtype=float) @ z2 + c
            e = np.exp((z3 - z3.max()) / tau)
            return e / e.sum()
        '''),
)

BUGS_SIMPLE_CNN_FORWARD = [
    ("the text's softmax exp(-tau z)", _fwd("s = z3 / tau", "s = -tau * z3")),
    ("tau multiplies the logits", _fwd("s = z3 / tau", "s = z3 * tau")),
    ("tau ignored", _fwd("s = z3 / tau", "s = z3")),
    ("returns the logits", _fwd("    s = z3 / tau\n    e = np.exp(s - s.max())\n    return e / e.sum()",
                                "    return z3")),
    ("unstable softmax (overflows for large logits)", _fwd("e = np.exp(s - s.max())", "e = np.exp(s)")),
    ("no padding: valid convolution, mean over the smaller maps", _s('''
        def simple_cnn_forward(x, w, b, W, c, tau=1.0):
            x = np.asarray(x, dtype=float)
            w = np.asarray(w, dtype=float)
            C, P, Q = w.shape
            N, M = x.shape
            z1 = np.zeros((C, N - P + 1, M - Q + 1))
            for ch in range(C):
                for n in range(N - P + 1):
                    for m in range(M - Q + 1):
                        z1[ch, n, m] = np.sum(w[ch] * x[n:n + P, m:m + Q]) + b[ch]
            z2 = np.maximum(z1, 0).mean(axis=(1, 2))
            s = (np.asarray(W, dtype=float) @ z2 + c) / tau
            e = np.exp(s - s.max())
            return e / e.sum()
        ''')),
    ("edge padding instead of zeros", _fwd("xp = np.pad(x, ((P // 2, P // 2), (Q // 2, Q // 2)))",
                                           "xp = np.pad(x, ((P // 2, P // 2), (Q // 2, Q // 2)), mode='edge')")),
    ("kernels flipped (true convolution)", _fwd("np.sum(w[ch] * xp", "np.sum(w[ch, ::-1, ::-1] * xp")),
    ("sum pooling", _fwd("z2 = h.mean(axis=(1, 2))", "z2 = h.sum(axis=(1, 2))")),
    ("max pooling", _fwd("z2 = h.mean(axis=(1, 2))", "z2 = h.max(axis=(1, 2))")),
    ("relu missing", _fwd("h = np.maximum(z1, 0)", "h = z1")),
    ("relu after the pooling", _fwd("h = np.maximum(z1, 0)\n    z2 = h.mean(axis=(1, 2))",
                                    "z2 = np.maximum(z1.mean(axis=(1, 2)), 0)")),
    ("conv bias added after the relu", _fwd("h = np.maximum(z1, 0)",
                                            "h = np.maximum(z1 - np.asarray(b)[:, None, None], 0) "
                                            "+ np.asarray(b)[:, None, None]")),
    ("conv bias missing", _fwd(" + b[ch]", "")),
    ("W transposed (z2 @ W)", _fwd("np.asarray(W, dtype=float) @ z2", "z2 @ np.asarray(W, dtype=float)")),
    ("fc bias missing", _fwd("z3 = np.asarray(W, dtype=float) @ z2 + np.asarray(c, dtype=float)",
                             "z3 = np.asarray(W, dtype=float) @ z2")),
    ("integer image: maps of x's dtype truncate", _fwd(
        "    x = np.asarray(x, dtype=float)\n", "    x = np.asarray(x)\n").replace(
        "z1 = np.zeros((C, N, M))", "z1 = np.zeros((C, N, M), dtype=x.dtype)")),
    ("softmax via the text's formula, through the helpers", _CONV + _s('''
        def simple_cnn_forward(x, w, b, W, c, tau=1.0):
            z3 = fc(gap(relu(conv_multi_out(x, w, b))), W, c)
            return softmax(-tau * z3)
        ''')),
    ("relu and gap swapped, through the helpers", _CONV + _s('''
        def simple_cnn_forward(x, w, b, W, c, tau=1.0):
            return softmax(fc(relu(gap(conv_multi_out(x, w, b))), W, c), tau)
        ''')),
    ("uses torch for the convolution", _s('''
        def simple_cnn_forward(x, w, b, W, c, tau=1.0):
            import torch
            import torch.nn.functional as F
            w = np.asarray(w, dtype=float)
            C, P, Q = w.shape
            xt = torch.as_tensor(np.asarray(x, dtype=float))[None, None]
            z1 = F.conv2d(xt, torch.as_tensor(w)[:, None], torch.as_tensor(np.asarray(b, dtype=float)),
                          padding=(P // 2, Q // 2))[0].numpy()
            z3 = np.asarray(W, dtype=float) @ np.maximum(z1, 0).mean(axis=(1, 2)) + c
            e = np.exp((z3 - z3.max()) / tau)
            return e / e.sum()
        ''')),
]

# ------------------------------------------------------- simple_cnn_num_params

CORRECT_NUM_PARAMS = _entries(
    ("the formula (reference)", """
        def simple_cnn_num_params(channels=2, kernel_size=9, num_classes=2):
            return int(channels * kernel_size * kernel_size + channels + num_classes * channels + num_classes)
        """),
    ("layer by layer", """
        def simple_cnn_num_params(channels=2, kernel_size=9, num_classes=2):
            conv = channels * (kernel_size ** 2 + 1)
            fc = num_classes * (channels + 1)
            return conv + fc
        """),
    ("sum of the parameter shapes", """
        def simple_cnn_num_params(channels=2, kernel_size=9, num_classes=2):
            shapes = [(channels, 1, kernel_size, kernel_size), (channels,), (num_classes, channels), (num_classes,)]
            return int(sum(np.prod(s) for s in shapes))
        """),
)

BUGS_NUM_PARAMS = _entries(
    ("conv biases missing", """
        def simple_cnn_num_params(channels=2, kernel_size=9, num_classes=2):
            return channels * kernel_size ** 2 + num_classes * channels + num_classes
        """),
    ("fc biases missing", """
        def simple_cnn_num_params(channels=2, kernel_size=9, num_classes=2):
            return channels * kernel_size ** 2 + channels + num_classes * channels
        """),
    ("k instead of k * k", """
        def simple_cnn_num_params(channels=2, kernel_size=9, num_classes=2):
            return channels * kernel_size + channels + num_classes * channels + num_classes
        """),
    ("returns a float", """
        def simple_cnn_num_params(channels=2, kernel_size=9, num_classes=2):
            return float(channels * kernel_size ** 2 + channels + num_classes * channels + num_classes)
        """),
    ("fc counted as K + C weights", """
        def simple_cnn_num_params(channels=2, kernel_size=9, num_classes=2):
            return channels * kernel_size ** 2 + channels + num_classes + channels + num_classes
        """),
    ("wrong default kernel size (3)", """
        def simple_cnn_num_params(channels=2, kernel_size=3, num_classes=2):
            return channels * kernel_size ** 2 + channels + num_classes * channels + num_classes
        """),
)

# ------------------------------------------------------------------- SimpleCNN

_CNN = '''
import torch
from torch import nn


class SimpleCNN(nn.Module):
    def __init__(self, channels=2, kernel_size=9, num_classes=2):
        super().__init__()
        self.conv = nn.Conv2d(1, channels, kernel_size, padding=kernel_size // 2)
        self.fc = nn.Linear(channels, num_classes)

    def forward(self, x):
        h = torch.relu(self.conv(x))
        z2 = h.mean(dim=(2, 3))
        return self.fc(z2)
'''


def _cnn(old: str, new: str) -> str:
    assert old in _CNN, old
    return _s(_CNN.replace(old, new, 1))


CORRECT_SIMPLE_CNN = _entries(
    ("conv, relu, mean over space, fc (reference)", _CNN),
    ("padding='same', F.adaptive_avg_pool2d and flatten", '''
        import torch
        from torch import nn
        import torch.nn.functional as F


        class SimpleCNN(nn.Module):
            def __init__(self, channels=2, kernel_size=9, num_classes=2):
                super().__init__()
                self.conv = nn.Conv2d(in_channels=1, out_channels=channels, kernel_size=kernel_size, padding="same")
                self.fc = nn.Linear(in_features=channels, out_features=num_classes)

            def forward(self, x):
                h = F.relu(self.conv(x))
                return self.fc(torch.flatten(F.adaptive_avg_pool2d(h, 1), 1))
        '''),
    ("layer modules: nn.ReLU, nn.AdaptiveAvgPool2d, nn.Flatten", '''
        import torch
        from torch import nn


        class SimpleCNN(nn.Module):
            def __init__(self, channels=2, kernel_size=9, num_classes=2):
                super().__init__()
                self.conv = nn.Conv2d(1, channels, kernel_size, padding=kernel_size // 2)
                self.relu = nn.ReLU()
                self.pool = nn.AdaptiveAvgPool2d(1)
                self.flatten = nn.Flatten()
                self.fc = nn.Linear(channels, num_classes)

            def forward(self, x):
                return self.fc(self.flatten(self.pool(self.relu(self.conv(x)))))
        '''),
    ("avg_pool2d with the window set to the map size", '''
        import torch
        from torch import nn
        import torch.nn.functional as F


        class SimpleCNN(nn.Module):
            def __init__(self, channels=2, kernel_size=9, num_classes=2):
                super().__init__()
                self.conv = nn.Conv2d(1, channels, kernel_size, padding=kernel_size // 2)
                self.fc = nn.Linear(channels, num_classes)

            def forward(self, x):
                h = self.conv(x).clamp(min=0)
                z2 = F.avg_pool2d(h, kernel_size=h.shape[-2:]).flatten(start_dim=1)
                return self.fc(z2)
        '''),
    ("sum divided by N*M, fc via its weight and bias", '''
        import torch
        from torch import nn


        class SimpleCNN(nn.Module):
            def __init__(self, channels=2, kernel_size=9, num_classes=2):
                super().__init__()
                self.conv = nn.Conv2d(1, channels, kernel_size, padding=kernel_size // 2, bias=True)
                self.fc = nn.Linear(channels, num_classes, bias=True)

            def forward(self, x):
                h = torch.relu(self.conv(x))
                z2 = h.sum(dim=(-2, -1)) / (h.shape[-2] * h.shape[-1])
                return z2 @ self.fc.weight.T + self.fc.bias
        '''),
)

BUGS_SIMPLE_CNN = [
    ("conv without padding", _cnn("padding=kernel_size // 2", "")),
    ("padding forgotten in forward (F.conv2d)", _cnn(
        "h = torch.relu(self.conv(x))",
        "h = torch.relu(torch.nn.functional.conv2d(x, self.conv.weight, self.conv.bias))")),
    ("sum pooling", _cnn("z2 = h.mean(dim=(2, 3))", "z2 = h.sum(dim=(2, 3))")),
    ("max pooling", _cnn("z2 = h.mean(dim=(2, 3))", "z2 = h.amax(dim=(2, 3))")),
    ("softmax inside forward", _cnn("return self.fc(z2)", "return torch.softmax(self.fc(z2), dim=1)")),
    ("log_softmax inside forward", _cnn("return self.fc(z2)", "return torch.log_softmax(self.fc(z2), dim=1)")),
    ("relu missing", _cnn("h = torch.relu(self.conv(x))", "h = self.conv(x)")),
    ("relu after the pooling", _cnn("h = torch.relu(self.conv(x))\n        z2 = h.mean(dim=(2, 3))",
                                    "z2 = torch.relu(self.conv(x).mean(dim=(2, 3)))")),
    ("fc without bias", _cnn("nn.Linear(channels, num_classes)", "nn.Linear(channels, num_classes, bias=False)")),
    ("fc bias ignored in forward", _cnn("return self.fc(z2)", "return z2 @ self.fc.weight.T")),
    ("conv without bias", _cnn("padding=kernel_size // 2)", "padding=kernel_size // 2, bias=False)")),
    ("in_channels = channels", _cnn("nn.Conv2d(1, channels", "nn.Conv2d(channels, channels")),
    ("flattens the maps into fc (fixed 16x16 images)", _cnn(
        "self.fc = nn.Linear(channels, num_classes)", "self.fc = nn.Linear(channels * 16 * 16, num_classes)").replace(
        "z2 = h.mean(dim=(2, 3))", "z2 = h.flatten(1)")),
    ("fixed 16x16 pooling window (the text's nn.AvgPool2d)", _cnn(
        "z2 = h.mean(dim=(2, 3))", "z2 = torch.nn.functional.avg_pool2d(h, 16).flatten(1)")),
    ("squeezes the batch axis", _cnn("return self.fc(z2)", "return self.fc(z2).squeeze()")),
    ("mean over the wrong axes", _cnn("z2 = h.mean(dim=(2, 3))", "z2 = h.mean(dim=(1, 2))")),
    ("conv features computed under torch.no_grad()", _cnn(
        "h = torch.relu(self.conv(x))", "with torch.no_grad():\n            h = torch.relu(self.conv(x))")),
    ("conv weight detached in forward", _cnn(
        "h = torch.relu(self.conv(x))",
        "h = torch.relu(torch.nn.functional.conv2d(x, self.conv.weight.detach(), self.conv.bias, "
        "padding=self.conv.padding))")),
    ("reflect padding", _cnn("padding=kernel_size // 2)", "padding=kernel_size // 2, padding_mode='reflect')")),
    ("layers kept in a plain list", _s('''
        import torch
        from torch import nn


        class SimpleCNN(nn.Module):
            def __init__(self, channels=2, kernel_size=9, num_classes=2):
                super().__init__()
                self.layers = [nn.Conv2d(1, channels, kernel_size, padding=kernel_size // 2),
                               nn.Linear(channels, num_classes)]

            def forward(self, x):
                h = torch.relu(self.layers[0](x))
                return self.layers[1](h.mean(dim=(2, 3)))
        ''')),
    ("super().__init__() missing", _cnn("        super().__init__()\n", "")),
    ("default kernel_size 3", _cnn("kernel_size=9", "kernel_size=3")),
    ("extra batch-norm layer", _cnn(
        "self.fc = nn.Linear(channels, num_classes)",
        "self.fc = nn.Linear(channels, num_classes)\n        self.bn = nn.BatchNorm2d(channels)").replace(
        "torch.relu(self.conv(x))", "torch.relu(self.bn(self.conv(x)))")),
    ("stride 2 in the conv", _cnn("padding=kernel_size // 2)", "padding=kernel_size // 2, stride=2)")),
]
BUGS_SIMPLE_CNN = [(label, _s(src)) for label, src in BUGS_SIMPLE_CNN]


# --------------------------------------------------- hard-coded visible answers

def _table(cases, reference):
    rows = []
    for case in cases:
        rows.append((np.round(np.asarray(case.args[0], dtype=float).sum(), 6).item(),
                     np.asarray(reference(*case.args, **case.kwargs), dtype=float).tolist()))
    return rows


def _hardcoded_entries() -> dict:
    sm = _table(sc.cases_softmax(), ops.softmax)
    fw = _table(sc.cases_simple_cnn_forward(), ops.simple_cnn_forward)
    gp = _table(sc.cases_gap(), ops.gap)
    return {
        "softmax": _s(f'''
            TABLE = {sm!r}
            def softmax(z, tau=1.0, axis=0):
                key = round(float(np.sum(z)), 6)
                for k, v in TABLE:
                    if k == key:
                        return np.array(v)
                return np.full(np.shape(z), 1.0 / np.shape(z)[axis])
            '''),
        "simple_cnn_forward": _s(f'''
            TABLE = {fw!r}
            def simple_cnn_forward(x, w, b, W, c, tau=1.0):
                key = round(float(np.sum(x)), 6)
                for k, v in TABLE:
                    if k == key:
                        return np.array(v)
                return np.full(len(W), 1.0 / len(W))
            '''),
        "gap": _s(f'''
            TABLE = {gp!r}
            def gap(h):
                key = round(float(np.sum(h)), 6)
                for k, v in TABLE:
                    if k == key:
                        return np.array(v)
                return np.zeros(np.shape(h)[0])
            '''),
    }


CORRECT = {
    "relu": CORRECT_RELU,
    "softmax": CORRECT_SOFTMAX,
    "gap": CORRECT_GAP,
    "fc": CORRECT_FC,
    "simple_cnn_forward": CORRECT_SIMPLE_CNN_FORWARD,
    "simple_cnn_num_params": CORRECT_NUM_PARAMS,
    "SimpleCNN": CORRECT_SIMPLE_CNN,
}

BUGS = {
    "relu": BUGS_RELU,
    "softmax": BUGS_SOFTMAX,
    "gap": BUGS_GAP,
    "fc": BUGS_FC,
    "simple_cnn_forward": BUGS_SIMPLE_CNN_FORWARD,
    "simple_cnn_num_params": BUGS_NUM_PARAMS,
    "SimpleCNN": BUGS_SIMPLE_CNN,
}

for _name, _src in _hardcoded_entries().items():
    BUGS[_name].append(("hard-codes the visible tests' answers", _src))
del _name, _src


# The bug the real nbgrader round trip submits: the text's softmax. simple_cnn_forward's test runs with the
# course's softmax in place of the student's, and SimpleCNN's test uses the reference forward pass, so this
# bug must cost exactly the softmax test and nothing else.
ROUNDTRIP_BUG = {
    "cell": "softmax",
    "code": dict(BUGS["softmax"])["the text's formula exp(-tau z)"],
    "lost": ["softmax_test"],
}
