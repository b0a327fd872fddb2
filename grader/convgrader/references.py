"""Reference answers the course does not give students (counts and the like), by notebook."""
from __future__ import annotations


def _pair(k) -> tuple[int, int]:
    if isinstance(k, (tuple, list)):
        k1, k2 = k
        return int(k1), int(k2)
    return int(k), int(k)


def conv_num_params(c_in: int, c_out: int, k, bias: bool = True) -> int:
    """Parameters of a conv layer of k x k (or K1 x K2) filters, §24.2.1: c_in * c_out * K1 * K2 (+ c_out)."""
    k1, k2 = _pair(k)
    return int(c_in) * int(c_out) * k1 * k2 + (int(c_out) if bias else 0)


def cascade_size(kernel_sizes, dilations=None) -> int:
    """Side of the kernel equivalent to a cascade of dilated kernels (§24.2.3): 1 + sum_i (k_i - 1) * d_i.

    Three 3 x 3 kernels with dilations 1, 2, 4 give 15 (the text's 9 x 9 is an erratum).
    """
    ks = [int(k) for k in kernel_sizes]
    ds = [1] * len(ks) if dilations is None else [int(d) for d in dilations]
    if any(k < 1 for k in ks) or any(d < 1 for d in ds):
        raise ValueError("kernel sizes and dilations are at least 1")
    if len(ds) != len(ks):
        raise ValueError(f"got {len(ks)} kernel sizes but {len(ds)} dilations")
    return 1 + sum((k - 1) * d for k, d in zip(ks, ds))


def corr2d_flops(N: int, M: int, K1: int, K2: int) -> int:
    """Multiply-adds of a full K1 x K2 cross-correlation of an N x M image: N*M*K1*K2 (§24.2.4)."""
    return int(N) * int(M) * int(K1) * int(K2)


def separable_flops(N: int, M: int, K1: int, K2: int) -> int:
    """Multiply-adds of the separable version (column then row filter): N*M*(K1+K2) (§24.2.4)."""
    return int(N) * int(M) * (int(K1) + int(K2))


def _stride_pair(stride) -> tuple[int, int]:
    """(s_n, s_m) from an int or a pair."""
    import numpy as np

    if np.ndim(stride) == 0:
        return int(stride), int(stride)
    s_n, s_m = (int(v) for v in stride)
    return s_n, s_m


def strided_flops(N: int, M: int, K1: int, K2: int, stride) -> int:
    """Multiply-adds of a direct strided layer (§24.2.2): ceil(N / s_n) * ceil(M / s_m) * K1 * K2."""
    s_n, s_m = _stride_pair(stride)
    return int(-(-int(N) // s_n) * -(-int(M) // s_m) * int(K1) * int(K2))


def pass_band(shape, stride):
    """Boolean ``(N, M)`` mask, in np.fft order (zero frequency at [0, 0]), of the frequencies a stride keeps.

    With the signed DFT indices ``k_n`` (``np.fft.fftfreq(N) * N``) the pass band is ``-N <= 2 * s_n * k_n < N``
    (``-1/(2 s_n) <= f_n < 1/(2 s_n)`` in cycles/sample), and the same along the columns.
    """
    import numpy as np

    n, m = shape
    s_n, s_m = _stride_pair(stride)
    k_n = np.fft.fftfreq(n, 1.0 / n).round().astype(np.int64)
    k_m = np.fft.fftfreq(m, 1.0 / m).round().astype(np.int64)
    in_n = (-n <= 2 * s_n * k_n) & (2 * s_n * k_n < n)
    in_m = (-m <= 2 * s_m * k_m) & (2 * s_m * k_m < m)
    return in_n[:, None] & in_m[None, :]


def aliasing_fraction(z, stride) -> float:
    """02_stride's aliasing measure: the share of the DFT energy sum |Z|^2 of the full-resolution ``z`` outside
    the stride's :func:`pass_band` (0 for an all-zero signal)."""
    import numpy as np

    z = np.asarray(z, dtype=np.float64)
    energy = np.abs(np.fft.fft2(z)) ** 2
    total = float(energy.sum())
    if total == 0.0:
        return 0.0
    return float(energy[~pass_band(z.shape, stride)].sum() / total)


def pool_output_size(n: int, k: int, stride=None) -> int:
    """Pooling windows along an axis of length n, no padding (§24.3.1, eq. 24.8): floor((n - k) / stride) + 1,
    stride defaulting to k."""
    s = k if stride is None else stride
    return (int(n) - int(k)) // int(s) + 1


def hold_kernel(s):
    """05_resampling's zero-order-hold kernel for upconv (§24.2.5): ``outer(u, u)`` with ``u = [1]*s + [0]*(s-1)``,
    shape (2s - 1, 2s - 1), so that ``upconv(x, hold_kernel(s), s) == np.kron(x, np.ones((s, s)))``."""
    import numpy as np

    s = int(s)
    u = np.concatenate([np.ones(s), np.zeros(s - 1)])
    return np.outer(u, u)


def conv_transpose_size(n, k, stride=1, padding=0, output_padding=0, dilation=1) -> int:
    """Output length of ``torch.nn.functional.conv_transpose2d`` along one axis (PyTorch's formula):
    (n - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding + 1."""
    return int((int(n) - 1) * int(stride) - 2 * int(padding) + int(dilation) * (int(k) - 1)
               + int(output_padding) + 1)


def receptive_field(layers) -> int:
    """09_feature_maps: side of the receptive field of a stack of (k, s, d) layers, input side first (§24.7):
    1 + sum_l (k_l - 1) * d_l * prod_{j<l} s_j."""
    r, jump = 1, 1
    for k, s, d in layers:
        r += (int(k) - 1) * int(d) * jump
        jump *= int(s)
    return int(r)


def iou(pred, target) -> float:
    """11_architectures: |pred & target| / |pred | target| over all entries (the whole batch pooled), 1.0 when
    both masks are empty. ``pred``, ``target``: arrays of the same shape, non-zero meaning 'in the mask'."""
    import numpy as np

    p, t = np.asarray(pred) != 0, np.asarray(target) != 0
    union = int(np.sum(p | t))
    return 1.0 if union == 0 else int(np.sum(p & t)) / union


def boundary_band(mask, width=2, *, mode="edge", shape="square"):
    """11_architectures: the pixels whose (2 * width + 1)^2 window, clipped to the image, holds both labels
    (a bool array of the mask's shape; the last two axes are the image's). ``mode`` pads the window at the
    border (``"edge"`` is the clipped window; ``"zero"`` and ``"wrap"`` are what other paddings compute);
    ``shape`` is the window's (``"square"``, ``"diamond"``, ``"disk"``)."""
    import numpy as np

    m = np.asarray(mask) != 0
    w = int(width)
    if w == 0:
        return np.zeros(m.shape, dtype=bool)
    pad = [(0, 0)] * (m.ndim - 2) + [(w, w), (w, w)]
    mp = np.pad(m.astype(np.int8), pad) if mode == "zero" else np.pad(m.astype(np.int8), pad, mode=mode)
    H, W = m.shape[-2:]
    hi = lo = None
    for dy in range(-w, w + 1):
        for dx in range(-w, w + 1):
            if shape == "diamond" and abs(dy) + abs(dx) > w:
                continue
            if shape == "disk" and dy * dy + dx * dx > w * w:
                continue
            s = mp[..., w + dy:w + dy + H, w + dx:w + dx + W]
            hi = s if hi is None else np.maximum(hi, s)
            lo = s if lo is None else np.minimum(lo, s)
    return hi != lo
