"""Mutation catalogue of notebook 04_low_rank (§24.2.4, separable and low-rank filters).

Each entry is ``(label, source)``: ``source`` is the full code of a student's
solution cell (a ``def name(...)``, or for the two questions an assignment
``answer_... = "X"``).  It is executed in a namespace that holds ``np``
(numpy) and correct versions of the notebook's other graded functions (the
first correct alternative of each), so a solution may call
``svd_separable`` and friends, as students do.

* ``CORRECT[name]``: different correct implementations (tap loops, per-pixel
  loops, vectorised, float32, full SVD then sliced, a Jacobi SVD written by
  hand, signs chosen differently, built on the other functions...).  Every one
  must pass the visible and the hidden checks.
* ``BUGS[name]``: realistic mistakes.  Every one must be rejected by the
  visible or the hidden checks (``autograde_tests/test_catalogue_low_rank.py``
  measures the kill rate).

No entry depends on another graded function being *wrong*: each graded cell
can be written on its own (``np.linalg.svd`` is allowed everywhere), so one
bug costs one test cell.
"""
from __future__ import annotations


import numpy as np

__all__ = ["FUNCTIONS", "ANSWERS", "CORRECT", "BUGS", "ROUNDTRIP_BUG"]

FUNCTIONS = ["separable_corr2d", "svd_separable", "low_rank_kernel", "kernel_rank", "corr2d_flops",
             "separable_flops"]
ANSWERS = ["answer_diag_svd", "answer_break_even"]


from . import entries as _entries, src as _s, variant as _variant


# ---------------------------------------------------------- separable_corr2d

_SEP_TAPS = """
def separable_corr2d(x, u, v, b=0.0):
    x = np.asarray(x, dtype=float)
    u = np.asarray(u, dtype=float)
    v = np.asarray(v, dtype=float)
    N, M = x.shape
    K1, K2 = len(u) // 2, len(v) // 2
    xp = np.pad(x, ((K1, K1), (0, 0)))
    h = np.zeros((N, M))
    for k in range(len(u)):
        h += u[k] * xp[k:k + N]
    hp = np.pad(h, ((0, 0), (K2, K2)))
    out = np.zeros((N, M))
    for k in range(len(v)):
        out += v[k] * hp[:, k:k + M]
    return out + b
"""

CORRECT_SEPARABLE = _entries(
    ("tap loops on zero-padded copies (reference)", _SEP_TAPS),
    ("per-pixel loops with bounds checks", """
        def separable_corr2d(x, u, v, b=0.0):
            N, M = np.shape(x)
            K1, K2 = len(u) // 2, len(v) // 2
            h = np.zeros((N, M))
            for n in range(N):
                for m in range(M):
                    for k in range(len(u)):
                        i = n + k - K1
                        if 0 <= i < N:
                            h[n, m] += u[k] * x[i, m]
            out = np.full((N, M), float(b))
            for n in range(N):
                for m in range(M):
                    for k in range(len(v)):
                        j = m + k - K2
                        if 0 <= j < M:
                            out[n, m] += v[k] * h[n, j]
            return out
        """),
    ("row pass first, then the column pass (the order does not matter)", """
        def separable_corr2d(x, u, v, b=0.0):
            x = np.asarray(x, dtype=float)
            N, M = x.shape
            K1, K2 = len(u) // 2, len(v) // 2
            xp = np.pad(x, ((0, 0), (K2, K2)))
            h = sum(v[k] * xp[:, k:k + M] for k in range(len(v)))
            hp = np.pad(h, ((K1, K1), (0, 0)))
            return sum(u[k] * hp[k:k + N] for k in range(len(u))) + b
        """),
    ("sliding windows and matrix products", """
        def separable_corr2d(x, u, v, b=0.0):
            x = np.asarray(x, dtype=float)
            u = np.asarray(u, dtype=float)
            v = np.asarray(v, dtype=float)
            K1, K2 = len(u) // 2, len(v) // 2
            cols = np.lib.stride_tricks.sliding_window_view(np.pad(x, ((K1, K1), (0, 0))), len(u), axis=0)
            h = cols @ u                                   # (N, M)
            rows = np.lib.stride_tricks.sliding_window_view(np.pad(h, ((0, 0), (K2, K2))), len(v), axis=1)
            return rows @ v + b
        """),
    ("1-D passes with np.dot per column and per row", """
        def separable_corr2d(x, u, v, b=0.0):
            x = np.array(x, dtype=np.float64)
            N, M = x.shape
            K1, K2 = len(u) // 2, len(v) // 2
            def pass1d(signal, f):
                K = len(f) // 2
                padded = np.concatenate([np.zeros(K), signal, np.zeros(K)])
                return np.array([np.dot(f, padded[i:i + len(f)]) for i in range(len(signal))])
            h = np.stack([pass1d(x[:, m], np.asarray(u, float)) for m in range(M)], axis=1)
            out = np.stack([pass1d(h[n], np.asarray(v, float)) for n in range(N)], axis=0)
            return out + b
        """),
    ("float32 throughout", """
        def separable_corr2d(x, u, v, b=0.0):
            x = np.asarray(x, dtype=np.float32)
            u = np.asarray(u, dtype=np.float32)
            v = np.asarray(v, dtype=np.float32)
            N, M = x.shape
            K1, K2 = len(u) // 2, len(v) // 2
            xp = np.zeros((N + 2 * K1, M), dtype=np.float32)
            xp[K1:K1 + N] = x
            h = np.zeros((N, M), dtype=np.float32)
            for k in range(len(u)):
                h += u[k] * xp[k:k + N]
            hp = np.zeros((N, M + 2 * K2), dtype=np.float32)
            hp[:, K2:K2 + M] = h
            out = np.full((N, M), b, dtype=np.float32)
            for k in range(len(v)):
                out += v[k] * hp[:, k:k + M]
            return out
        """),
)

BUGS_SEPARABLE = _entries(
    ("u and v swapped (column pass with v)", """
        def separable_corr2d(x, u, v, b=0.0):
            x = np.asarray(x, dtype=float)
            N, M = x.shape
            K1, K2 = len(v) // 2, len(u) // 2
            xp = np.pad(x, ((K1, K1), (0, 0)))
            h = np.zeros((N, M))
            for k in range(len(v)):
                h += v[k] * xp[k:k + N]
            hp = np.pad(h, ((0, 0), (K2, K2)))
            out = np.zeros((N, M))
            for k in range(len(u)):
                out += u[k] * hp[:, k:k + M]
            return out + b
        """),
    ("column filter flipped (u[::-1])", _variant(_SEP_TAPS, "h += u[k]", "h += u[::-1][k]")),
    ("row filter flipped (v[::-1])", _variant(_SEP_TAPS, "out += v[k]", "out += v[len(v) - 1 - k]")),
    ("both filters flipped (convolution)", _variant(_SEP_TAPS, "h += u[k]", "h += u[-1 - k]")
     .replace("out += v[k]", "out += v[-1 - k]")),
    ("valid output (no padding)", """
        def separable_corr2d(x, u, v, b=0.0):
            x = np.asarray(x, dtype=float)
            N, M = x.shape
            P, Q = len(u), len(v)
            h = sum(u[k] * x[k:N - P + 1 + k] for k in range(P))
            return sum(v[k] * h[:, k:M - Q + 1 + k] for k in range(Q)) + b
        """),
    ("edge padding instead of zeros", _variant(_SEP_TAPS, "np.pad(x, ((K1, K1), (0, 0)))",
                                               "np.pad(x, ((K1, K1), (0, 0)), mode='edge')")
     .replace("np.pad(h, ((0, 0), (K2, K2)))", "np.pad(h, ((0, 0), (K2, K2)), mode='edge')")),
    ("circular shifts with np.roll (wraps around)", """
        def separable_corr2d(x, u, v, b=0.0):
            x = np.asarray(x, dtype=float)
            K1, K2 = len(u) // 2, len(v) // 2
            h = sum(u[k] * np.roll(x, -(k - K1), axis=0) for k in range(len(u)))
            return sum(v[k] * np.roll(h, -(k - K2), axis=1) for k in range(len(v))) + b
        """),
    ("filters anchored at their first tap (pads one side)", _variant(
        _SEP_TAPS, "np.pad(x, ((K1, K1), (0, 0)))", "np.pad(x, ((0, 2 * K1), (0, 0)))")
     .replace("np.pad(h, ((0, 0), (K2, K2)))", "np.pad(h, ((0, 0), (0, 2 * K2)))")),
    ("row filter anchored at its first tap", _variant(_SEP_TAPS, "np.pad(h, ((0, 0), (K2, K2)))",
                                                      "np.pad(h, ((0, 0), (0, 2 * K2)))")),
    ("bias missing", _variant(_SEP_TAPS, "return out + b", "return out")),
    ("bias added after the first pass", _variant(_SEP_TAPS, "hp = np.pad(h,", "hp = np.pad(h + b,")
     .replace("return out + b", "return out")),
    ("bias added in both passes", _variant(_SEP_TAPS, "hp = np.pad(h,", "hp = np.pad(h + b,")),
    ("only the column pass", _variant(_SEP_TAPS, "return out + b", "return h + b")),
    ("second pass filters x instead of h", _variant(_SEP_TAPS, "hp = np.pad(h,", "hp = np.pad(x,")),
    ("last tap of each filter skipped (range(len(u) - 1))", _variant(
        _SEP_TAPS, "for k in range(len(u)):", "for k in range(len(u) - 1):")
     .replace("for k in range(len(v)):", "for k in range(len(v) - 1):")),
    ("integer truncation: h = np.zeros_like(x)", """
        def separable_corr2d(x, u, v, b=0.0):
            N, M = x.shape
            K1, K2 = len(u) // 2, len(v) // 2
            xp = np.pad(x, ((K1, K1), (0, 0)))
            h = np.zeros_like(x)
            for k in range(len(u)):
                h += (u[k] * xp[k:k + N]).astype(h.dtype)
            hp = np.pad(h, ((0, 0), (K2, K2)))
            out = np.zeros_like(x)
            for k in range(len(v)):
                out += (v[k] * hp[:, k:k + M]).astype(out.dtype)
            return out + b
        """),
    ("stores the intermediate result in x (in place)", """
        def separable_corr2d(x, u, v, b=0.0):
            x = np.asarray(x)
            N, M = x.shape
            K1, K2 = len(u) // 2, len(v) // 2
            xp = np.pad(x.astype(float), ((K1, K1), (0, 0)))
            x[:] = sum(u[k] * xp[k:k + N] for k in range(len(u)))
            hp = np.pad(x.astype(float), ((0, 0), (K2, K2)))
            return sum(v[k] * hp[:, k:k + M] for k in range(len(v))) + b
        """),
    ("uses np.convolve on every column and row", """
        def separable_corr2d(x, u, v, b=0.0):
            x = np.asarray(x, dtype=float)
            h = np.stack([np.convolve(x[:, m], np.asarray(u)[::-1], mode="same") for m in range(x.shape[1])], 1)
            return np.stack([np.convolve(r, np.asarray(v)[::-1], mode="same") for r in h]) + b
        """),
    ("uses scipy.ndimage.correlate1d", """
        from scipy.ndimage import correlate1d

        def separable_corr2d(x, u, v, b=0.0):
            h = correlate1d(np.asarray(x, dtype=float), np.asarray(u, dtype=float), axis=0, mode="constant")
            return correlate1d(h, np.asarray(v, dtype=float), axis=1, mode="constant") + b
        """),
    ("uses torch conv2d layers", """
        import torch
        import torch.nn.functional as F

        def separable_corr2d(x, u, v, b=0.0):
            xt = torch.as_tensor(np.asarray(x, dtype=float))[None, None]
            ut = torch.as_tensor(np.asarray(u, dtype=float)).view(1, 1, -1, 1)
            vt = torch.as_tensor(np.asarray(v, dtype=float)).view(1, 1, 1, -1)
            h = F.conv2d(xt, ut, padding=(len(u) // 2, 0))
            return F.conv2d(h, vt, padding=(0, len(v) // 2))[0, 0].numpy() + b
        """),
    ("calls the course's reference op", """
        from convcourse import ops

        def separable_corr2d(x, u, v, b=0.0):
            return ops.separable_corr2d(x, u, v, b)
        """),
    ("bias parameter renamed (keyword b= fails)", _variant(_SEP_TAPS, "def separable_corr2d(x, u, v, b=0.0):",
                                                           "def separable_corr2d(x, u, v, bias=0.0):")
     .replace("return out + b", "return out + bias")),
    ("square images only (N used for both axes)", _variant(_SEP_TAPS, "N, M = x.shape", "N = M = x.shape[0]")),
)


# ---------------------------------------------------------- svd_separable

_JACOBI = """
def svd_separable(w):
    # one-sided Jacobi (Hestenes): rotate pairs of columns until they are orthogonal
    A = np.array(w, dtype=float)
    K1, K2 = A.shape
    flip = K1 < K2
    if flip:
        A = A.T.copy()
    m, n = A.shape
    V = np.eye(n)
    for sweep in range(80):
        rotated = False
        for p in range(n - 1):
            for q in range(p + 1, n):
                alpha = A[:, p] @ A[:, p]
                beta = A[:, q] @ A[:, q]
                gamma = A[:, p] @ A[:, q]
                if gamma == 0 or abs(gamma) <= 1e-15 * np.sqrt(alpha * beta):
                    continue
                rotated = True
                zeta = (beta - alpha) / (2 * gamma)
                t = (1.0 if zeta >= 0 else -1.0) / (abs(zeta) + np.sqrt(1 + zeta * zeta))
                c = 1 / np.sqrt(1 + t * t)
                s = c * t
                ap, aq = A[:, p].copy(), A[:, q].copy()
                A[:, p], A[:, q] = c * ap - s * aq, s * ap + c * aq
                vp, vq = V[:, p].copy(), V[:, q].copy()
                V[:, p], V[:, q] = c * vp - s * vq, s * vp + c * vq
        if not rotated:
            break
    sv = np.sqrt((A * A).sum(axis=0))
    order = np.argsort(-sv, kind="stable")
    sv, A, V = sv[order], A[:, order], V[:, order]
    U = np.zeros_like(A)
    for i in range(n):
        if sv[i] > 0:
            U[:, i] = A[:, i] / sv[i]
    if flip:
        return sv, V, U
    return sv, U, V
"""

CORRECT_SVD = _entries(
    ("np.linalg.svd, economy size (reference)", """
        def svd_separable(w):
            U, s, Vh = np.linalg.svd(np.asarray(w, dtype=float), full_matrices=False)
            return s, U, Vh.T
        """),
    ("full SVD, then the first r columns", """
        def svd_separable(w):
            w = np.asarray(w, dtype=float)
            U, s, Vh = np.linalg.svd(w)
            r = min(w.shape)
            return s, U[:, :r], Vh[:r].T
        """),
    ("SVD of w.T with the roles of U and V exchanged", """
        def svd_separable(w):
            Ut, s, Vht = np.linalg.svd(np.asarray(w, dtype=float).T, full_matrices=False)
            return s, Vht.T, Ut
        """),
    ("signs chosen so that the largest entry of each column filter is positive", """
        def svd_separable(w):
            U, s, Vh = np.linalg.svd(np.asarray(w, dtype=float), full_matrices=False)
            V = Vh.T.copy()
            for i in range(len(s)):
                j = np.argmax(np.abs(U[:, i]))
                if U[j, i] < 0:
                    U[:, i] *= -1
                    V[:, i] *= -1
            return s, U, V
        """),
    ("float32 computation", """
        def svd_separable(w):
            U, s, Vh = np.linalg.svd(np.asarray(w, dtype=np.float32), full_matrices=False)
            return s, U, Vh.T
        """),
    ("Jacobi SVD written by hand", _JACOBI),
    ("terms built in a loop, returned as stacked columns", """
        def svd_separable(w):
            U, s, Vh = np.linalg.svd(np.asarray(w, dtype=float), full_matrices=False)
            cols_u = [U[:, i] for i in range(len(s))]
            cols_v = [Vh[i, :] for i in range(len(s))]
            return np.array(s), np.stack(cols_u, axis=1), np.stack(cols_v, axis=1)
        """),
)

_SVD_REF = """
def svd_separable(w):
    U, s, Vh = np.linalg.svd(np.asarray(w, dtype=float), full_matrices=False)
    return s, U, Vh.T
"""

BUGS_SVD = _entries(
    ("returns numpy's Vh as V (not transposed)", _variant(_SVD_REF, "return s, U, Vh.T", "return s, U, Vh")),
    ("returns numpy's order (U, s, Vh)", _variant(_SVD_REF, "return s, U, Vh.T", "return U, s, Vh")),
    ("full_matrices=True (numpy's default)", _variant(_SVD_REF, ", full_matrices=False", "")),
    ("singular values in increasing order", _variant(_SVD_REF, "return s, U, Vh.T",
                                                     "return s[::-1], U[:, ::-1], Vh[::-1].T")),
    ("s reversed but not the columns", _variant(_SVD_REF, "return s, U, Vh.T", "return np.sort(s), U, Vh.T")),
    ("U and V swapped (SVD of w.T taken as is)", """
        def svd_separable(w):
            U, s, Vh = np.linalg.svd(np.asarray(w, dtype=float).T, full_matrices=False)
            return s, U, Vh.T
        """),
    ("eigenvalues of w.T @ w used as weights (s squared)", """
        def svd_separable(w):
            w = np.asarray(w, dtype=float)
            U, s, Vh = np.linalg.svd(w, full_matrices=False)
            lam = np.linalg.eigvalsh(w.T @ w)[::-1][:len(s)]
            return np.clip(lam, 0, None), U, Vh.T
        """),
    ("weights normalised to sum to 1", _variant(_SVD_REF, "return s, U, Vh.T", "return s / s.sum(), U, Vh.T")),
    ("weights folded into U, s set to ones", _variant(_SVD_REF, "return s, U, Vh.T",
                                                      "return np.ones_like(s), U * s, Vh.T")),
    ("sign of U fixed without flipping V", """
        def svd_separable(w):
            U, s, Vh = np.linalg.svd(np.asarray(w, dtype=float), full_matrices=False)
            U = U * np.where(U[0] < 0, -1.0, 1.0)
            return s, U, Vh.T
        """),
    ("drops the zero singular values", """
        def svd_separable(w):
            U, s, Vh = np.linalg.svd(np.asarray(w, dtype=float), full_matrices=False)
            keep = s > 1e-10 * max(s.max(), 1e-300)
            return s[keep], U[:, keep], Vh[keep].T
        """),
    ("s returned as the diagonal matrix S", _variant(_SVD_REF, "return s, U, Vh.T", "return np.diag(s), U, Vh.T")),
    ("eigenvectors of w.T @ w, U from w V / s (breaks for s = 0)", """
        def svd_separable(w):
            w = np.asarray(w, dtype=float)
            lam, V = np.linalg.eigh(w.T @ w)
            lam, V = lam[::-1], V[:, ::-1]
            r = min(w.shape)
            s = np.sqrt(np.abs(lam[:r]))
            V = V[:, :r]
            U = (w @ V) / s
            return s, U, V
        """),
    ("uses torch.linalg.svd", """
        import torch

        def svd_separable(w):
            U, s, Vh = torch.linalg.svd(torch.as_tensor(np.asarray(w, dtype=float)), full_matrices=False)
            return s.numpy(), U.numpy(), Vh.T.numpy()
        """),
    ("uses scipy.linalg.svd", """
        import scipy.linalg

        def svd_separable(w):
            U, s, Vh = scipy.linalg.svd(np.asarray(w, dtype=float), full_matrices=False)
            return s, U, Vh.T
        """),
    ("calls the course's reference op", """
        from convcourse import ops

        def svd_separable(w):
            return ops.svd_separable(w)
        """),
)


# ---------------------------------------------------------- low_rank_kernel

_LR_REF = """
def low_rank_kernel(w, r):
    U, s, Vh = np.linalg.svd(np.asarray(w, dtype=float), full_matrices=False)
    return (U[:, :r] * s[:r]) @ Vh[:r]
"""

CORRECT_LOW_RANK = _entries(
    ("slices of the economy SVD (reference)", _LR_REF),
    ("sum of r outer products, loop clipped to min(K1, K2)", """
        def low_rank_kernel(w, r):
            w = np.asarray(w, dtype=float)
            U, s, Vh = np.linalg.svd(w)
            out = np.zeros(w.shape)
            for i in range(min(r, len(s))):
                out += s[i] * np.outer(U[:, i], Vh[i])
            return out
        """),
    ("zero the dropped singular values, rebuild with np.diag", """
        def low_rank_kernel(w, r):
            U, s, Vh = np.linalg.svd(np.asarray(w, dtype=float), full_matrices=False)
            s = s.copy()
            s[r:] = 0
            return U @ np.diag(s) @ Vh
        """),
    ("built on svd_separable", """
        def low_rank_kernel(w, r):
            s, U, V = svd_separable(w)
            k = min(int(r), len(s))
            return U[:, :k] @ np.diag(s[:k]) @ V[:, :k].T
        """),
    ("w minus the dropped terms", """
        def low_rank_kernel(w, r):
            w = np.array(w, dtype=float)
            U, s, Vh = np.linalg.svd(w, full_matrices=False)
            return w - (U[:, r:] * s[r:]) @ Vh[r:]
        """),
    ("float32 computation", """
        def low_rank_kernel(w, r):
            U, s, Vh = np.linalg.svd(np.asarray(w, dtype=np.float32), full_matrices=False)
            return ((U[:, :r] * s[:r]) @ Vh[:r]).astype(np.float32)
        """),
)

BUGS_LOW_RANK = _entries(
    ("one term too many (r + 1)", _variant(_LR_REF, "(U[:, :r] * s[:r]) @ Vh[:r]",
                                          "(U[:, :r + 1] * s[:r + 1]) @ Vh[:r + 1]")),
    ("one term too few (range(r - 1))", """
        def low_rank_kernel(w, r):
            w = np.asarray(w, dtype=float)
            U, s, Vh = np.linalg.svd(w, full_matrices=False)
            out = np.zeros(w.shape)
            for i in range(r - 1):
                out += s[i] * np.outer(U[:, i], Vh[i])
            return out
        """),
    ("loop starts at 1 (drops the largest term)", """
        def low_rank_kernel(w, r):
            w = np.asarray(w, dtype=float)
            U, s, Vh = np.linalg.svd(w, full_matrices=False)
            out = np.zeros(w.shape)
            for i in range(1, r + 1):
                if i < len(s):
                    out += s[i] * np.outer(U[:, i], Vh[i])
            return out
        """),
    ("keeps the r smallest singular values", _variant(_LR_REF, "(U[:, :r] * s[:r]) @ Vh[:r]",
                                                      "(U[:, len(s) - r:] * s[len(s) - r:]) @ Vh[len(s) - r:]")),
    ("weights s forgotten", _variant(_LR_REF, "(U[:, :r] * s[:r]) @ Vh[:r]", "U[:, :r] @ Vh[:r]")),
    ("columns of Vh instead of rows", _variant(_LR_REF, "(U[:, :r] * s[:r]) @ Vh[:r]",
                                               "(U[:, :r] * s[:r]) @ Vh[:, :r].T")),
    ("keeps the r largest entries of w", """
        def low_rank_kernel(w, r):
            w = np.asarray(w, dtype=float)
            out = np.zeros_like(w)
            idx = np.argsort(-np.abs(w), axis=None)[:r]
            out.flat[idx] = w.flat[idx]
            return out
        """),
    ("loop over range(r) without clipping (r > min(K1, K2) crashes)", """
        def low_rank_kernel(w, r):
            w = np.asarray(w, dtype=float)
            U, s, Vh = np.linalg.svd(w, full_matrices=False)
            out = np.zeros(w.shape)
            for i in range(r):
                out += s[i] * np.outer(U[:, i], Vh[i])
            return out
        """),
    ("zeroes s[-(len(s) - r):] (wrong when r = min(K1, K2))", """
        def low_rank_kernel(w, r):
            U, s, Vh = np.linalg.svd(np.asarray(w, dtype=float), full_matrices=False)
            s = s.copy()
            s[-(len(s) - r):] = 0
            return (U * s) @ Vh
        """),
    ("keeps the terms with s >= s[r - 1] (wrong for r = 0)", """
        def low_rank_kernel(w, r):
            U, s, Vh = np.linalg.svd(np.asarray(w, dtype=float), full_matrices=False)
            keep = s >= s[min(r, len(s)) - 1]
            return (U[:, keep] * s[keep]) @ Vh[keep]
        """),
    ("full_matrices=True with np.diag(s) (non-square kernels fail)", """
        def low_rank_kernel(w, r):
            U, s, Vh = np.linalg.svd(np.asarray(w, dtype=float))
            s = s.copy()
            s[r:] = 0
            return U @ np.diag(s) @ Vh
        """),
    ("SVD of w.T, not transposed back", """
        def low_rank_kernel(w, r):
            U, s, Vh = np.linalg.svd(np.asarray(w, dtype=float).T, full_matrices=False)
            return (U[:, :r] * s[:r]) @ Vh[:r]
        """),
    ("integer truncation: out = np.zeros_like(w)", """
        def low_rank_kernel(w, r):
            U, s, Vh = np.linalg.svd(w, full_matrices=False)
            out = np.zeros_like(w)
            for i in range(min(r, len(s))):
                out = out + (s[i] * np.outer(U[:, i], Vh[i])).astype(out.dtype)
            return out
        """),
    ("subtracts the dropped terms from w in place", """
        def low_rank_kernel(w, r):
            w = np.asarray(w)
            U, s, Vh = np.linalg.svd(w, full_matrices=False)
            if np.issubdtype(w.dtype, np.floating):
                w -= (U[:, r:] * s[r:]) @ Vh[r:]
                return w
            return (U[:, :r] * s[:r]) @ Vh[:r]
        """),
    ("uses torch.linalg.svd", """
        import torch

        def low_rank_kernel(w, r):
            U, s, Vh = torch.linalg.svd(torch.as_tensor(np.asarray(w, dtype=float)), full_matrices=False)
            return ((U[:, :r] * s[:r]) @ Vh[:r]).numpy()
        """),
    ("calls the course's reference op", """
        from convcourse import ops

        def low_rank_kernel(w, r):
            return ops.low_rank_kernel(w, r)
        """),
)


# ---------------------------------------------------------- kernel_rank

_RANK_REF = """
def kernel_rank(w, tol=1e-10):
    s = np.linalg.svd(np.asarray(w, dtype=float), compute_uv=False)
    if s.size == 0 or s[0] == 0:
        return 0
    return int(np.sum(s > tol * s[0]))
"""

CORRECT_RANK = _entries(
    ("count of s > tol * s_max (reference)", _RANK_REF),
    ("np.linalg.matrix_rank with the relative threshold", """
        def kernel_rank(w, tol=1e-10):
            w = np.asarray(w, dtype=float)
            smax = np.linalg.norm(w, 2) if w.size else 0.0
            return int(np.linalg.matrix_rank(w, tol=tol * smax)) if smax > 0 else 0
        """),
    ("loop over the singular values", """
        def kernel_rank(w, tol=1e-10):
            s = np.linalg.svd(np.array(w, dtype=np.float64), compute_uv=False)
            count = 0
            for value in s:
                if value > tol * s.max():
                    count += 1
            return count
        """),
    ("built on svd_separable", """
        def kernel_rank(w, tol=1e-10):
            s, U, V = svd_separable(np.asarray(w, dtype=float))
            if not np.any(s > 0):
                return 0
            return int((s / s[0] > tol).sum())
        """),
    ("relative comparison written as a ratio, np.int64 result", """
        def kernel_rank(w, tol=1e-10):
            s = np.linalg.svd(np.asarray(w, dtype=float), compute_uv=False)
            if s.max(initial=0.0) == 0:
                return np.int64(0)
            return np.count_nonzero(s / s.max() > tol)
        """),
)

BUGS_RANK = _entries(
    ("absolute tolerance (s > tol)", _variant(_RANK_REF, "s > tol * s[0]", "s > tol")),
    ("s >= tol * s_max (zero kernel gets min(K1, K2))", """
        def kernel_rank(w, tol=1e-10):
            s = np.linalg.svd(np.asarray(w, dtype=float), compute_uv=False)
            return int(np.sum(s >= tol * s.max()))
        """),
    ("np.linalg.matrix_rank with its default tolerance", """
        def kernel_rank(w, tol=1e-10):
            return int(np.linalg.matrix_rank(np.asarray(w, dtype=float)))
        """),
    ("np.linalg.matrix_rank with tol as an absolute threshold", """
        def kernel_rank(w, tol=1e-10):
            return int(np.linalg.matrix_rank(np.asarray(w, dtype=float), tol=tol))
        """),
    ("returns min(K1, K2)", """
        def kernel_rank(w, tol=1e-10):
            return min(np.shape(w))
        """),
    ("tol argument ignored", _variant(_RANK_REF, "s > tol * s[0]", "s > 1e-10 * s[0]")),
    ("counts exact non-zeros of s", """
        def kernel_rank(w, tol=1e-10):
            return int(np.count_nonzero(np.linalg.svd(np.asarray(w, dtype=float), compute_uv=False)))
        """),
    ("returns a float", _variant(_RANK_REF, "return int(np.sum(s > tol * s[0]))",
                                 "return float(np.sum(s > tol * s[0]))")),
    ("takes np.linalg.svd(w)[0] (that is U, not s)", """
        def kernel_rank(w, tol=1e-10):
            s = np.linalg.svd(np.asarray(w, dtype=float))[0]
            if np.max(np.abs(s)) == 0:
                return 0
            return int(np.sum(np.abs(s) > tol * np.max(np.abs(s))))
        """),
    ("threshold relative to the sum of s", _variant(_RANK_REF, "s > tol * s[0]", "s > tol * s.sum()")),
    ("eigenvalues of w.T @ w compared with tol (tolerance squared)", """
        def kernel_rank(w, tol=1e-10):
            w = np.asarray(w, dtype=float)
            lam = np.linalg.eigvalsh(w.T @ w if w.shape[0] >= w.shape[1] else w @ w.T)
            if lam.max() <= 0:
                return 0
            return int(np.sum(lam > tol * lam.max()))
        """),
    ("counts the non-zero rows", """
        def kernel_rank(w, tol=1e-10):
            w = np.asarray(w, dtype=float)
            return int(np.sum(np.abs(w).max(axis=1) > tol * max(np.abs(w).max(), 1e-300)))
        """),
    ("uses torch.linalg.matrix_rank", """
        import torch

        def kernel_rank(w, tol=1e-10):
            t = torch.as_tensor(np.asarray(w, dtype=float))
            return int(torch.linalg.matrix_rank(t, rtol=tol))
        """),
    ("calls the course's reference op", """
        from convcourse import ops

        def kernel_rank(w, tol=1e-10):
            return ops.kernel_rank(w, tol)
        """),
)


# ---------------------------------------------------------- flops

CORRECT_CORR2D_FLOPS = _entries(
    ("N * M * K1 * K2 (reference)", """
        def corr2d_flops(N, M, K1, K2):
            return int(N) * int(M) * int(K1) * int(K2)
        """),
    ("taps per pixel times pixels", """
        def corr2d_flops(N, M, K1, K2):
            taps = K1 * K2
            pixels = N * M
            return taps * pixels
        """),
    ("np.prod converted to int", """
        def corr2d_flops(N, M, K1, K2):
            return int(np.prod([N, M, K1, K2], dtype=np.int64))
        """),
)

BUGS_CORR2D_FLOPS = _entries(
    ("K1, K2 taken as half-widths ((2K1+1)(2K2+1))", """
        def corr2d_flops(N, M, K1, K2):
            return N * M * (2 * K1 + 1) * (2 * K2 + 1)
        """),
    ("multiplies and adds counted separately (x 2)", """
        def corr2d_flops(N, M, K1, K2):
            return 2 * N * M * K1 * K2
        """),
    ("K1 * K1 (square kernels only)", """
        def corr2d_flops(N, M, K1, K2):
            return N * M * K1 ** 2
        """),
    ("valid output pixels only", """
        def corr2d_flops(N, M, K1, K2):
            return (N - K1 + 1) * (M - K2 + 1) * K1 * K2
        """),
    ("returns a float", """
        def corr2d_flops(N, M, K1, K2):
            return float(N * M * K1 * K2)
        """),
    ("cost per pixel only", """
        def corr2d_flops(N, M, K1, K2):
            return K1 * K2
        """),
    ("the separable formula", """
        def corr2d_flops(N, M, K1, K2):
            return N * M * (K1 + K2)
        """),
)

CORRECT_SEPARABLE_FLOPS = _entries(
    ("N * M * (K1 + K2) (reference)", """
        def separable_flops(N, M, K1, K2):
            return int(N) * int(M) * (int(K1) + int(K2))
        """),
    ("column pass plus row pass", """
        def separable_flops(N, M, K1, K2):
            column_pass = N * M * K1
            row_pass = N * M * K2
            return column_pass + row_pass
        """),
    ("built on corr2d_flops with 1-D kernels", """
        def separable_flops(N, M, K1, K2):
            return corr2d_flops(N, M, K1, 1) + corr2d_flops(N, M, 1, K2)
        """),
)

BUGS_SEPARABLE_FLOPS = _entries(
    ("the full 2-D formula", """
        def separable_flops(N, M, K1, K2):
            return N * M * K1 * K2
        """),
    ("multiplies and adds counted separately (x 2)", """
        def separable_flops(N, M, K1, K2):
            return 2 * N * M * (K1 + K2)
        """),
    ("operator precedence: N * M * K1 + K2", """
        def separable_flops(N, M, K1, K2):
            return N * M * K1 + K2
        """),
    ("square kernels only: 2 * K1", """
        def separable_flops(N, M, K1, K2):
            return N * M * 2 * K1
        """),
    ("returns a float", """
        def separable_flops(N, M, K1, K2):
            return N * M * (K1 + K2) * 1.0
        """),
    ("one pass left out", """
        def separable_flops(N, M, K1, K2):
            return N * M * K1
        """),
)


# ---------------------------------------------------------- answers

CORRECT_ANSWER_DIAG_SVD = _entries(
    ("C", 'answer_diag_svd = "C"'),
    ("lower case with spaces", 'answer_diag_svd = " c "'),
)
BUGS_ANSWER_DIAG_SVD = _entries(
    ("A: separable, one term", 'answer_diag_svd = "A"'),
    ("B: the SVD always returns the Sobel pair", 'answer_diag_svd = "B"'),
    ("D: three terms", 'answer_diag_svd = "D"'),
    ("the number 2 instead of a letter", "answer_diag_svd = 2"),
    ("two letters", 'answer_diag_svd = "BC"'),
)
CORRECT_ANSWER_BREAK_EVEN = _entries(
    ("B", 'answer_break_even = "B"'),
    ("lower case", 'answer_break_even = "b"'),
)
BUGS_ANSWER_BREAK_EVEN = _entries(
    ("A: 5 terms", 'answer_break_even = "A"'),
    ("C: 30 terms", 'answer_break_even = "C"'),
    ("D: 31 terms (min(K1, K2))", 'answer_break_even = "D"'),
    ("the number 15 instead of a letter", "answer_break_even = 15"),
    ("letter with its parenthesis", 'answer_break_even = "(B)"'),
)


# ------------------------------------------------------- hard-coded answers

def _hardcoded_entries():
    """Solutions that return the visible tests' answers from a table and give up elsewhere."""
    from convcourse import ops
    from convgrader.checks import low_rank as lr

    def key_of(a):
        a = np.asarray(a, dtype=float)
        return (a.shape, round(float(a.sum()), 6))

    out = {}
    table = {}
    for case in lr.cases_separable_corr2d():
        table[key_of(case.args[0])] = ops.separable_corr2d(*case.args, **case.kwargs).tolist()
    out["separable_corr2d"] = (
        f"_ANSWERS = {table!r}\n\n"
        "def separable_corr2d(x, u, v, b=0.0):\n"
        "    key = (np.shape(x), round(float(np.sum(x)), 6))\n"
        "    if key in _ANSWERS:\n"
        "        return np.array(_ANSWERS[key])\n"
        "    return np.zeros(np.shape(x)) + b\n")
    table = {}
    for case in lr.cases_svd_separable():
        s, U, V = ops.svd_separable(case.args[0])
        table[key_of(case.args[0])] = (s.tolist(), U.tolist(), V.tolist())
    out["svd_separable"] = (
        f"_ANSWERS = {table!r}\n\n"
        "def svd_separable(w):\n"
        "    key = (np.shape(w), round(float(np.sum(w)), 6))\n"
        "    if key in _ANSWERS:\n"
        "        return tuple(np.array(a) for a in _ANSWERS[key])\n"
        "    r = min(np.shape(w))\n"
        "    return np.ones(r), np.eye(np.shape(w)[0], r), np.eye(np.shape(w)[1], r)\n")
    table = {}
    for case in lr.cases_low_rank_kernel():
        table[key_of(case.args[0]) + (case.args[1],)] = ops.low_rank_kernel(*case.args).tolist()
    out["low_rank_kernel"] = (
        f"_ANSWERS = {table!r}\n\n"
        "def low_rank_kernel(w, r):\n"
        "    key = (np.shape(w), round(float(np.sum(w)), 6), r)\n"
        "    if key in _ANSWERS:\n"
        "        return np.array(_ANSWERS[key])\n"
        "    return np.asarray(w, dtype=float)\n")
    table = {}
    for case in lr.cases_kernel_rank():
        table[key_of(case.args[0]) + (case.args[1] if len(case.args) > 1 else case.kwargs.get("tol", 1e-10),)] = \
            ops.kernel_rank(*case.args, **case.kwargs)
    out["kernel_rank"] = (
        f"_ANSWERS = {table!r}\n\n"
        "def kernel_rank(w, tol=1e-10):\n"
        "    key = (np.shape(w), round(float(np.sum(w)), 6), tol)\n"
        "    return _ANSWERS.get(key, min(np.shape(w)))\n")
    out["corr2d_flops"] = _s("""
        def corr2d_flops(N, M, K1, K2):
            return {(256, 256, 31, 31): 62980096, (100, 60, 3, 7): 126000, (1, 1, 1, 1): 1}.get((N, M, K1, K2), 0)
        """)
    out["separable_flops"] = _s("""
        def separable_flops(N, M, K1, K2):
            return {(256, 256, 31, 31): 4063232, (100, 60, 3, 7): 60000, (1, 1, 1, 1): 2}.get((N, M, K1, K2), 0)
        """)
    return out


CORRECT = {
    "separable_corr2d": CORRECT_SEPARABLE,
    "svd_separable": CORRECT_SVD,
    "low_rank_kernel": CORRECT_LOW_RANK,
    "kernel_rank": CORRECT_RANK,
    "corr2d_flops": CORRECT_CORR2D_FLOPS,
    "separable_flops": CORRECT_SEPARABLE_FLOPS,
    "answer_diag_svd": CORRECT_ANSWER_DIAG_SVD,
    "answer_break_even": CORRECT_ANSWER_BREAK_EVEN,
}

BUGS = {
    "separable_corr2d": BUGS_SEPARABLE,
    "svd_separable": BUGS_SVD,
    "low_rank_kernel": BUGS_LOW_RANK,
    "kernel_rank": BUGS_RANK,
    "corr2d_flops": BUGS_CORR2D_FLOPS,
    "separable_flops": BUGS_SEPARABLE_FLOPS,
    "answer_diag_svd": BUGS_ANSWER_DIAG_SVD,
    "answer_break_even": BUGS_ANSWER_BREAK_EVEN,
}

for _name, _src in _hardcoded_entries().items():
    BUGS[_name].append(("hard-codes the visible tests' answers", _src))
del _name, _src


# The bug the real nbgrader round trip submits: no other graded cell calls svd_separable (low_rank_kernel and
# kernel_rank are written with np.linalg.svd), so it must cost exactly its own test cell.
ROUNDTRIP_BUG = {
    "cell": "svd_separable",
    "code": dict(BUGS["svd_separable"])["returns numpy's Vh as V (not transposed)"],
    "lost": ["svd_separable_test"],
}
