"""Mutation catalogue of notebook 09_feature_maps.

Each entry is ``(label, source)``: ``source`` is the full code of a student's
solution cell.  It is executed in a namespace holding ``np``, ``torch``,
``nn`` and correct versions of the notebook's other graded functions.

* ``CORRECT[name]``: correct implementations (eigh / SVD / float32 / np.cov
  for ``pca_rgb``; forward and backward recursions for ``receptive_field``;
  ``torch.autograd.grad``, ``backward`` with clean-up, a Jacobian, a deep
  copy for ``empirical_receptive_field``).  Every one must pass the visible
  and the hidden checks.
* ``BUGS[name]``: realistic mistakes.  Every one must be rejected
  (``autograde_tests/test_catalogue_feature_maps.py`` measures the kill rate).
"""
from __future__ import annotations

import textwrap

__all__ = ["FUNCTIONS", "ANSWERS", "CORRECT", "BUGS", "ROUNDTRIP_BUG"]

FUNCTIONS = ["pca_rgb", "receptive_field", "empirical_receptive_field"]
ANSWERS = ["answer_rf_after_pool", "answer_corner_pixels"]


def _s(src: str) -> str:
    return textwrap.dedent(src).strip("\n") + "\n"


def _entries(*pairs):
    return [(label, _s(src)) for label, src in pairs]


# ------------------------------------------------------------------- pca_rgb

_PCA_REFERENCE = """
def pca_rgb(features):
    f = np.asarray(features, dtype=float)
    C, N, M = f.shape
    X = f.reshape(C, N * M).T
    X = X - X.mean(axis=0)
    cov = X.T @ X / (N * M)
    vals, vecs = np.linalg.eigh(cov)
    order = np.argsort(vals)[::-1][:3]
    Y = X @ vecs[:, order]
    out = np.zeros((N * M, 3))
    for c in range(Y.shape[1]):
        lo, hi = Y[:, c].min(), Y[:, c].max()
        if hi > lo:
            out[:, c] = (Y[:, c] - lo) / (hi - lo)
    return out.reshape(N, M, 3)
"""


def _pca_with(old: str, new: str, base: str = _PCA_REFERENCE) -> str:
    assert old in base, old
    return base.replace(old, new)


CORRECT_PCA = _entries(
    ("eigh of the covariance, largest three first (reference)", _PCA_REFERENCE),
    ("SVD of the centred pixel matrix", """
        def pca_rgb(features):
            f = np.asarray(features, dtype=np.float64)
            C, N, M = f.shape
            X = f.reshape(C, -1).T
            X = X - X.mean(axis=0, keepdims=True)
            _, _, vt = np.linalg.svd(X, full_matrices=False)
            k = min(3, vt.shape[0])
            Y = np.zeros((X.shape[0], 3))
            Y[:, :k] = X @ vt[:k].T
            lo, hi = Y.min(axis=0), Y.max(axis=0)
            span = hi - lo
            out = np.divide(Y - lo, span, out=np.zeros_like(Y), where=span > 0)
            return out.reshape(N, M, 3)
        """),
    ("float32 throughout, returns float32", """
        def pca_rgb(features):
            f = np.asarray(features, dtype=np.float32)
            C, N, M = f.shape
            X = f.reshape(C, N * M).T.copy()
            X -= X.mean(axis=0)
            cov = (X.T @ X) / np.float32(N * M)
            vals, vecs = np.linalg.eigh(cov)
            idx = np.argsort(vals)[::-1][:3]
            Y = X @ vecs[:, idx]
            out = np.zeros((N * M, 3), dtype=np.float32)
            for c in range(Y.shape[1]):
                y = Y[:, c]
                if y.max() > y.min():
                    out[:, c] = (y - y.min()) / (y.max() - y.min())
            return out.reshape(N, M, 3)
        """),
    ("np.cov + np.linalg.eig, sorted by eigenvalue", """
        def pca_rgb(features):
            f = np.asarray(features, dtype=float)
            C, N, M = f.shape
            X = f.reshape(C, N * M).T
            Xc = X - X.mean(axis=0)
            if C == 1:
                Y = Xc
            else:
                vals, vecs = np.linalg.eig(np.cov(X, rowvar=False))
                vals, vecs = np.real(vals), np.real(vecs)
                order = np.argsort(-vals)[:3]
                Y = Xc @ vecs[:, order]
            rgb = np.zeros((N * M, 3))
            for c in range(Y.shape[1]):
                span = np.ptp(Y[:, c])
                rgb[:, c] = 0.0 if span == 0 else (Y[:, c] - Y[:, c].min()) / span
            return rgb.reshape(N, M, 3)
        """),
    ("SVD of the (C, pixels) matrix: the left singular vectors", """
        def pca_rgb(features):
            f = np.array(features, dtype=float)
            C = f.shape[0]
            A = f.reshape(C, -1)
            A = A - A.mean(axis=1, keepdims=True)
            U, S, _ = np.linalg.svd(A, full_matrices=False)
            proj = U[:, :3].T @ A                       # (k, pixels)
            rgb = np.zeros((3, A.shape[1]))
            for i in range(proj.shape[0]):
                p = proj[i]
                if p.max() - p.min() > 0:
                    rgb[i] = (p - p.min()) / (p.max() - p.min())
            return np.moveaxis(rgb.reshape(3, f.shape[1], f.shape[2]), 0, -1)
        """),
    ("signs fixed by a convention, loops over pixels for the projection", """
        def pca_rgb(features):
            f = np.asarray(features, dtype=float)
            C, N, M = f.shape
            mean = f.mean(axis=(1, 2))
            X = (f - mean[:, None, None]).reshape(C, -1)
            vals, vecs = np.linalg.eigh(X @ X.T)
            vecs = vecs[:, ::-1]
            out = np.zeros((N, M, 3))
            for c in range(min(3, C)):
                v = vecs[:, c]
                v = v * np.sign(v[np.argmax(np.abs(v))])    # largest coefficient positive
                proj = np.einsum("c,cnm->nm", v, f - mean[:, None, None])
                lo, hi = proj.min(), proj.max()
                out[..., c] = (proj - lo) / (hi - lo) if hi > lo else 0.0
            return out
        """),
)

BUGS_PCA = _entries(
    ("no mean-centring (PCA of the raw pixels)", _pca_with("    X = X - X.mean(axis=0)\n", "")),
    ("all channels rescaled together (one min and max)", """
        def pca_rgb(features):
            f = np.asarray(features, dtype=float)
            C, N, M = f.shape
            X = f.reshape(C, N * M).T
            X = X - X.mean(axis=0)
            vals, vecs = np.linalg.eigh(X.T @ X)
            Y = np.zeros((N * M, 3))
            k = min(3, C)
            Y[:, :k] = X @ vecs[:, ::-1][:, :k]
            Y = (Y - Y.min()) / (Y.max() - Y.min())
            return Y.reshape(N, M, 3)
        """),
    ("channels first: returns (3, N, M)", _pca_with("    return out.reshape(N, M, 3)\n",
                                                    "    return out.T.reshape(3, N, M)\n")),
    ("components of the smallest eigenvalues (eigh's ascending order)",
     _pca_with("    order = np.argsort(vals)[::-1][:3]\n", "    order = np.argsort(vals)[:3]\n")),
    ("largest three in ascending order (vecs[:, -3:])",
     _pca_with("    order = np.argsort(vals)[::-1][:3]\n", "    order = np.argsort(vals)[-3:]\n")),
    ("eigenvectors taken as rows of eigh's matrix",
     _pca_with("    Y = X @ vecs[:, order]\n", "    Y = X @ vecs[order].T\n")),
    ("no rescaling: the raw projections", """
        def pca_rgb(features):
            f = np.asarray(features, dtype=float)
            C, N, M = f.shape
            X = f.reshape(C, N * M).T
            X = X - X.mean(axis=0)
            vals, vecs = np.linalg.eigh(X.T @ X)
            out = np.zeros((N * M, 3))
            k = min(3, C)
            out[:, :k] = X @ vecs[:, ::-1][:, :k]
            return out.reshape(N, M, 3)
        """),
    ("clipped to [0, 1] instead of rescaled", """
        def pca_rgb(features):
            f = np.asarray(features, dtype=float)
            C, N, M = f.shape
            X = f.reshape(C, N * M).T
            X = X - X.mean(axis=0)
            vals, vecs = np.linalg.eigh(X.T @ X)
            out = np.zeros((N * M, 3))
            k = min(3, C)
            out[:, :k] = X @ vecs[:, ::-1][:, :k]
            return np.clip(out, 0, 1).reshape(N, M, 3)
        """),
    ("a constant channel gives 0/0 = NaN", """
        def pca_rgb(features):
            f = np.asarray(features, dtype=float)
            C, N, M = f.shape
            X = f.reshape(C, N * M).T
            X = X - X.mean(axis=0)
            vals, vecs = np.linalg.eigh(X.T @ X)
            Y = np.zeros((N * M, 3))
            k = min(3, C)
            Y[:, :k] = X @ vecs[:, ::-1][:, :k]
            with np.errstate(invalid="ignore", divide="ignore"):
                Y = (Y - Y.min(axis=0)) / (Y.max(axis=0) - Y.min(axis=0))
            return Y.reshape(N, M, 3)
        """),
    ("crashes when C < 3 (assumes three components)", """
        def pca_rgb(features):
            f = np.asarray(features, dtype=float)
            C, N, M = f.shape
            X = f.reshape(C, N * M).T
            X = X - X.mean(axis=0)
            vals, vecs = np.linalg.eigh(X.T @ X)
            Y = X @ vecs[:, ::-1][:, :3]
            out = np.stack([(Y[:, c] - Y[:, c].min()) / (Y[:, c].max() - Y[:, c].min()) for c in range(3)], -1)
            return out.reshape(N, M, 3)
        """),
    ("pixels read with features.reshape(-1, C)",
     _pca_with("    X = f.reshape(C, N * M).T\n", "    X = f.reshape(N * M, C)\n")),
    ("channels standardised (correlation-matrix PCA)",
     _pca_with("    X = X - X.mean(axis=0)\n",
               "    X = X - X.mean(axis=0)\n    sd = X.std(axis=0)\n    X = X / np.where(sd > 0, sd, 1)\n")),
    ("centres the input in place through a reshape view", """
        def pca_rgb(features):
            C, N, M = features.shape
            X = np.asarray(features, dtype=float).reshape(C, N * M)
            X -= X.mean(axis=1, keepdims=True)
            vals, vecs = np.linalg.eigh(X @ X.T)
            Y = np.zeros((3, N * M))
            k = min(3, C)
            Y[:k] = vecs[:, ::-1][:, :k].T @ X
            out = np.zeros((3, N * M))
            for c in range(3):
                if np.ptp(Y[c]) > 0:
                    out[c] = (Y[c] - Y[c].min()) / np.ptp(Y[c])
            return np.moveaxis(out.reshape(3, N, M), 0, -1)
        """),
    ("rescaled per pixel (across R, G, B) instead of per channel", """
        def pca_rgb(features):
            f = np.asarray(features, dtype=float)
            C, N, M = f.shape
            X = f.reshape(C, N * M).T
            X = X - X.mean(axis=0)
            vals, vecs = np.linalg.eigh(X.T @ X)
            Y = np.zeros((N * M, 3))
            k = min(3, C)
            Y[:, :k] = X @ vecs[:, ::-1][:, :k]
            lo, hi = Y.min(axis=1, keepdims=True), Y.max(axis=1, keepdims=True)
            out = np.divide(Y - lo, hi - lo, out=np.zeros_like(Y), where=hi > lo)
            return out.reshape(N, M, 3)
        """),
    ("reshaped to (M, N, 3)", _pca_with("    return out.reshape(N, M, 3)\n", "    return out.reshape(M, N, 3)\n")),
    ("uses torch.linalg.eigh", _pca_with("    vals, vecs = np.linalg.eigh(cov)\n",
                                         "    vals, vecs = torch.linalg.eigh(torch.from_numpy(cov))\n"
                                         "    vals, vecs = vals.numpy(), vecs.numpy()\n")),
    ("integer features give an integer image", """
        def pca_rgb(features):
            C, N, M = features.shape
            X = features.reshape(C, N * M).T
            X = X - X.mean(axis=0)
            vals, vecs = np.linalg.eigh(X.T @ X)
            Y = X @ vecs[:, ::-1][:, :min(3, C)]
            out = np.zeros((N * M, 3), dtype=features.dtype)
            for c in range(Y.shape[1]):
                if np.ptp(Y[:, c]) > 0:
                    out[:, c] = (Y[:, c] - Y[:, c].min()) / np.ptp(Y[:, c])
            return out.reshape(N, M, 3)
        """),
    ("forgot to reverse eigh's ascending order (vecs[:, :3])",
     _pca_with("    order = np.argsort(vals)[::-1][:3]\n    Y = X @ vecs[:, order]\n", "    Y = X @ vecs[:, :3]\n")),
    ("projections scaled to unit variance: all NaN on a constant map", """
        def pca_rgb(features):
            f = np.asarray(features, dtype=float)
            C, N, M = f.shape
            X = f.reshape(C, N * M).T
            X = X - X.mean(axis=0)
            vals, vecs = np.linalg.eigh(X.T @ X / (N * M))
            Y = X @ vecs[:, np.argsort(vals)[::-1][:3]]
            with np.errstate(invalid="ignore", divide="ignore"):
                Y = Y / Y.std(axis=0)                     # unit variance: the colours do not change
                lo, hi = Y.min(axis=0), Y.max(axis=0)
                span = np.where(hi - lo == 0, 1.0, hi - lo)
                out = np.zeros((N * M, 3))
                out[:, :Y.shape[1]] = (Y - lo) / span
            return out.reshape(N, M, 3)
        """),
    ("np.cov of the pixel matrix without rowvar=False", """
        def pca_rgb(features):
            f = np.asarray(features, dtype=float)
            C, N, M = f.shape
            X = f.reshape(C, N * M).T
            vals, vecs = np.linalg.eigh(np.cov(X))
            Xc = X - X.mean(axis=0)
            Y = Xc @ vecs[:, ::-1][:, :3]
            out = np.zeros((N * M, 3))
            for c in range(Y.shape[1]):
                if np.ptp(Y[:, c]) > 0:
                    out[:, c] = (Y[:, c] - Y[:, c].min()) / np.ptp(Y[:, c])
            return out.reshape(N, M, 3)
        """),
)

# ------------------------------------------------------------------- receptive_field

_RF_REFERENCE = """
def receptive_field(layers):
    r, jump = 1, 1
    for k, s, d in layers:
        r += (k - 1) * d * jump
        jump *= s
    return int(r)
"""

CORRECT_RF = _entries(
    ("forward recursion with the jump (reference)", _RF_REFERENCE),
    ("backward recursion from the last layer", """
        def receptive_field(layers):
            r = 1
            for k, s, d in reversed(list(layers)):
                r = s * (r - 1) + (k - 1) * d + 1
            return int(r)
        """),
    ("closed form with np.cumprod", """
        def receptive_field(layers):
            if len(layers) == 0:
                return 1
            a = np.array(layers, dtype=np.int64).reshape(-1, 3)
            k, s, d = a[:, 0], a[:, 1], a[:, 2]
            jumps = np.concatenate([[1], np.cumprod(s)[:-1]])
            return int(1 + np.sum((k - 1) * d * jumps))
        """),
    ("effective kernel sizes and math.prod", """
        import math

        def receptive_field(layers):
            layers = [tuple(int(v) for v in layer) for layer in layers]
            total = 1
            for i, (k, s, d) in enumerate(layers):
                k_eff = (k - 1) * d + 1
                total += (k_eff - 1) * math.prod(layer[1] for layer in layers[:i])
            return total
        """),
    ("recursive", """
        def receptive_field(layers):
            layers = list(layers)
            if not layers:
                return 1
            (k, s, d), rest = layers[0], layers[1:]
            return int((k - 1) * d + s * (receptive_field(rest) - 1) + 1)
        """),
)

BUGS_RF = _entries(
    ("stride product includes the current layer", """
        def receptive_field(layers):
            r, jump = 1, 1
            for k, s, d in layers:
                jump *= s
                r += (k - 1) * d * jump
            return int(r)
        """),
    ("dilation ignored", """
        def receptive_field(layers):
            r, jump = 1, 1
            for k, s, d in layers:
                r += (k - 1) * jump
                jump *= s
            return int(r)
        """),
    ("dilated span k * d instead of (k - 1) * d + 1", """
        def receptive_field(layers):
            r, jump = 1, 1
            for k, s, d in layers:
                r += (k * d - 1) * jump
                jump *= s
            return int(r)
        """),
    ("dilated span k + d - 1", """
        def receptive_field(layers):
            r, jump = 1, 1
            for k, s, d in layers:
                r += (k + d - 2) * jump
                jump *= s
            return int(r)
        """),
    ("strides ignored", """
        def receptive_field(layers):
            r = 1
            for k, s, d in layers:
                r += (k - 1) * d
            return int(r)
        """),
    ("layers processed last-first", """
        def receptive_field(layers):
            r, jump = 1, 1
            for k, s, d in reversed(layers):
                r += (k - 1) * d * jump
                jump *= s
            return int(r)
        """),
    ("the text's loose rule: multiply the field by each stride", """
        def receptive_field(layers):
            r = 1
            for k, s, d in layers:
                r = (r + (k - 1) * d) * s
            return int(r)
        """),
    ("sum of the kernel sizes", """
        def receptive_field(layers):
            return int(sum(k for k, s, d in layers))
        """),
    ("starts from 0 instead of 1 pixel", """
        def receptive_field(layers):
            r, jump = 0, 1
            for k, s, d in layers:
                r += (k - 1) * d * jump
                jump *= s
            return int(r)
        """),
    ("returns the radius", """
        def receptive_field(layers):
            r, jump = 1, 1
            for k, s, d in layers:
                r += (k - 1) * d * jump
                jump *= s
            return (r - 1) // 2
        """),
    ("backward recursion without the -1", """
        def receptive_field(layers):
            r = 1
            for k, s, d in reversed(list(layers)):
                r = s * r + (k - 1) * d
            return int(r)
        """),
    ("returns a float (np.prod of the strides)", """
        def receptive_field(layers):
            r = 1
            for i, (k, s, d) in enumerate(layers):
                r += (k - 1) * d * np.prod([layer[1] for layer in layers[:i]])
            return r
        """),
    ("hard-coded 3x3 kernels", """
        def receptive_field(layers):
            r, jump = 1, 1
            for k, s, d in layers:
                r += 2 * d * jump
                jump *= s
            return int(r)
        """),
)

# ------------------------------------------------------------------- empirical_receptive_field

_ERF_REFERENCE = """
def empirical_receptive_field(model, input_shape, position):
    p = next(model.parameters())
    x = torch.ones((1,) + tuple(input_shape), dtype=p.dtype, device=p.device, requires_grad=True)
    out = model(x)
    row, col = position
    (grad,) = torch.autograd.grad(out[0, :, row, col].sum(), x)
    return (grad[0] != 0).any(dim=0).cpu().numpy()
"""


def _erf_with(old: str, new: str, base: str = _ERF_REFERENCE) -> str:
    assert old in base, old
    return base.replace(old, new)


CORRECT_ERF = _entries(
    ("torch.autograd.grad of the summed unit (reference)", _ERF_REFERENCE),
    ("backward, then zero_grad(set_to_none=True)", """
        def empirical_receptive_field(model, input_shape, position):
            dtype = next(model.parameters()).dtype
            x = torch.ones(1, *input_shape, dtype=dtype)
            x.requires_grad_(True)
            y = model(x)
            y[0, :, position[0], position[1]].sum().backward()
            model.zero_grad(set_to_none=True)
            return x.grad[0].ne(0).any(0).numpy()
        """),
    ("parameters frozen for the call, flags restored; returns a torch bool tensor", """
        def empirical_receptive_field(model, input_shape, position):
            params = list(model.parameters())
            flags = [p.requires_grad for p in params]
            for p in params:
                p.requires_grad_(False)
            try:
                x = torch.ones((1, *input_shape), dtype=params[0].dtype, requires_grad=True)
                r, c = position
                model(x)[:, :, r, c].sum().backward()
            finally:
                for p, f in zip(params, flags):
                    p.requires_grad_(f)
            return (x.grad[0] != 0).any(dim=0)
        """),
    ("full Jacobian of the unit's channels", """
        def empirical_receptive_field(model, input_shape, position):
            dtype = next(model.parameters()).dtype
            ones = torch.ones((1,) + tuple(input_shape), dtype=dtype)
            r, c = position
            jac = torch.autograd.functional.jacobian(lambda x: model(x)[0, :, r, c], ones)
            g = jac.sum(dim=0)[0]
            return np.any(g.detach().numpy() != 0, axis=0)
        """),
    ("backward on a deep copy of the model", """
        import copy

        def empirical_receptive_field(model, input_shape, position):
            m = copy.deepcopy(model)
            dtype = next(m.parameters()).dtype
            x = torch.ones((1,) + tuple(input_shape), dtype=dtype, requires_grad=True)
            out = m(x)
            sel = out[:, :, position[0], position[1]]
            sel.backward(torch.ones_like(sel))
            g = x.grad.detach()[0].numpy()
            return np.abs(g).sum(axis=0) > 0
        """),
)

BUGS_ERF = _entries(
    ("only output channel 0", _erf_with("out[0, :, row, col].sum()", "out[0, 0, row, col]")),
    ("positive gradients only (grad > 0)", _erf_with("(grad[0] != 0)", "(grad[0] > 0)")),
    ("only input channel 0", _erf_with("return (grad[0] != 0).any(dim=0).cpu().numpy()",
                                       "return (grad[0, 0] != 0).cpu().numpy()")),
    ("row and column swapped", _erf_with("row, col = position", "col, row = position")),
    ("gradient of the whole output", _erf_with("out[0, :, row, col].sum()", "out.sum()")),
    ("forgot requires_grad (x.grad is None)", """
        def empirical_receptive_field(model, input_shape, position):
            x = torch.ones((1,) + tuple(input_shape))
            out = model(x)
            out[0, :, position[0], position[1]].sum().backward()
            model.zero_grad(set_to_none=True)
            return (x.grad[0] != 0).any(dim=0).numpy()
        """),
    ("random normal input instead of ones", _erf_with("torch.ones((1,) + tuple(input_shape), dtype=p.dtype,",
                                                      "torch.randn((1,) + tuple(input_shape), dtype=p.dtype,")),
    ("random uniform input instead of ones", _erf_with("torch.ones((1,) + tuple(input_shape), dtype=p.dtype,",
                                                       "torch.rand((1,) + tuple(input_shape), dtype=p.dtype,")),
    ("all-zeros input", _erf_with("torch.ones((1,) + tuple(input_shape), dtype=p.dtype,",
                                  "torch.zeros((1,) + tuple(input_shape), dtype=p.dtype,")),
    ("threshold |g| > 1e-6", _erf_with("(grad[0] != 0)", "(grad[0].abs() > 1e-6)")),
    ("returns the gradient magnitude, not a mask",
     _erf_with("return (grad[0] != 0).any(dim=0).cpu().numpy()", "return grad[0].abs().sum(dim=0).numpy()")),
    ("returns a 0/1 float mask", _erf_with("return (grad[0] != 0).any(dim=0).cpu().numpy()",
                                           "return (grad[0] != 0).any(dim=0).float().numpy()")),
    ("one mask per input channel (C, H, W)",
     _erf_with("return (grad[0] != 0).any(dim=0).cpu().numpy()", "return (grad[0] != 0).cpu().numpy()")),
    ("keeps the batch axis (1, H, W)",
     _erf_with("return (grad[0] != 0).any(dim=0).cpu().numpy()", "return (grad != 0).any(dim=1).numpy()")),
    ("backward leaves gradients in the parameters", """
        def empirical_receptive_field(model, input_shape, position):
            x = torch.ones((1,) + tuple(input_shape), dtype=next(model.parameters()).dtype, requires_grad=True)
            out = model(x)
            out[0, :, position[0], position[1]].sum().backward()
            return (x.grad[0] != 0).any(dim=0).numpy()
        """),
    ("switches the model to eval mode and leaves it there",
     _erf_with("    out = model(x)\n", "    model.eval()\n    out = model(x)\n")),
    ("freezes the parameters and never restores them",
     _erf_with("    out = model(x)\n", "    for q in model.parameters():\n        q.requires_grad_(False)\n"
                                       "    out = model(x)\n")),
    ("input hard-coded as float32", _erf_with("dtype=p.dtype, ", "dtype=torch.float32, ")),
    ("forward pass under torch.no_grad()", _erf_with("    out = model(x)\n",
                                                     "    with torch.no_grad():\n        out = model(x)\n")),
    ("backward on a non-scalar (no sum over channels)", """
        def empirical_receptive_field(model, input_shape, position):
            x = torch.ones((1,) + tuple(input_shape), dtype=next(model.parameters()).dtype, requires_grad=True)
            out = model(x)
            out[0, :, position[0], position[1]].backward()
            model.zero_grad(set_to_none=True)
            return (x.grad[0] != 0).any(dim=0).numpy()
        """),
    ("no batch axis: unbatched (C, H, W) input", """
        def empirical_receptive_field(model, input_shape, position):
            x = torch.ones(tuple(input_shape), dtype=next(model.parameters()).dtype, requires_grad=True)
            out = model(x)
            (g,) = torch.autograd.grad(out[:, position[0], position[1]].sum(), x)
            return (g != 0).any(dim=0).numpy()
        """),
)

# ------------------------------------------------------------------- questions

BUGS_Q1 = _entries(
    ("A: the stack without the pool's own growth (7)", 'answer_rf_after_pool = "A"\n'),
    ("C: the text's loose rule (10)", 'answer_rf_after_pool = "C"\n'),
    ("D: 12", 'answer_rf_after_pool = "D"\n'),
    ("the number 8 instead of a letter", "answer_rf_after_pool = 8\n"),
)
BUGS_Q2 = _entries(
    ("A: the full 7x7 field (49)", 'answer_corner_pixels = "A"\n'),
    ("B: 9", 'answer_corner_pixels = "B"\n'),
    ("D: 25", 'answer_corner_pixels = "D"\n'),
    ("lower-case letter that is wrong", 'answer_corner_pixels = "a"\n'),
)

CORRECT = {
    "pca_rgb": CORRECT_PCA,
    "receptive_field": CORRECT_RF,
    "empirical_receptive_field": CORRECT_ERF,
    "answer_rf_after_pool": _entries(("B", 'answer_rf_after_pool = "B"\n'),
                                     ("b with spaces", 'answer_rf_after_pool = " b "\n')),
    "answer_corner_pixels": _entries(("C", 'answer_corner_pixels = "C"\n')),
}
BUGS = {
    "pca_rgb": BUGS_PCA,
    "receptive_field": BUGS_RF,
    "empirical_receptive_field": BUGS_ERF,
    "answer_rf_after_pool": BUGS_Q1,
    "answer_corner_pixels": BUGS_Q2,
}

ROUNDTRIP_BUG = {
    "cell": "receptive_field",
    "code": dict(BUGS["receptive_field"])["stride product includes the current layer"],
    "lost": ["receptive_field_test"],
}
