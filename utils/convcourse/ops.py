"""Reference operations of chapter 24 ("Convolutional Neural Nets"), backed by torch.

These are the course's *reference* ops: the graded numpy exercises of
notebooks 01-07 are checked against them, and later notebooks use them as
ready-made tools. Each op is a thin wrapper around ``torch.nn.functional``
(``conv2d``, ``conv_transpose2d``, ``max_pool2d``, ``avg_pool2d``,
``avg_pool3d``, ...), so the same code runs on the CPU and on a CUDA device.

Conventions (see ``COURSE_SPEC.md``):

* Images are ``(N, M)`` = (rows n, columns m), several channels ``(C, N, M)``;
  most ops also accept leading batch dimensions ``(..., N, M)``.
* "Convolution" layers are cross-correlations (eq. 24.2)::

      out[n, m] = b + sum_{k1, k2} w[k1, k2] * x[n + k1 - K1, m + k2 - K2]

  for a kernel of shape ``(2*K1 + 1, 2*K2 + 1)`` (odd, possibly non-square),
  with zeros outside the image ("same" output).
* Filter banks use the book's layout ``w[c_in, c_out, k1, k2]`` (eq. 24.4);
  torch's ``conv2d`` wants ``(C_out, C_in, K1, K2)``, so :func:`conv_layer`
  transposes the first two axes.
* Inputs are numpy arrays (or anything ``np.asarray`` accepts) or torch
  tensors, of any real dtype. numpy in -> numpy out; tensor in -> tensor out
  on the same device. The kind of the result follows the first (data)
  argument; the computation runs on the device of the first tensor argument
  (CPU when there is none). The result dtype is the torch promotion of the
  floating array arguments (float32 with float32 stays float32, float32 with
  float64 gives float64); integer and bool arrays count as float64 when no
  argument is floating. numpy float16 is computed in float32. Scalar
  arguments (biases ``b``, ``alpha``...) never change the dtype.
* Inputs are never modified, and results never share memory with inputs.
  Tensor results keep the autograd graph (the ops are differentiable).

Only numpy and torch are imported here (no scipy, no matplotlib).
"""
from __future__ import annotations

import math
import numbers
import operator
from typing import Any, Sequence

import numpy as np
import torch
import torch.nn.functional as F

__all__ = [
    # 24.2 convolutional layers
    "corr2d", "convolve2d", "corr1d", "toeplitz_1d", "conv_layer",
    "conv_multi_in", "conv_multi_out",
    # 24.2.2 stride
    "conv_strided", "dft_magnitude", "blur_downsample",
    # 24.2.3 dilation
    "dilate_kernel", "conv_dilated", "compose_kernels", "cascade_size",
    # 24.2.4 low rank
    "separable_corr2d", "svd_separable", "low_rank_kernel", "kernel_rank",
    "corr2d_flops", "separable_flops",
    # 24.2.5 resampling
    "zero_insert", "upconv", "interp_kernel", "upconv_transpose",
    # 24.3 pooling and normalisation
    "max_pool", "mean_pool", "global_avg_pool", "global_max_pool",
    "channel_max_pool", "lrn", "lrn_via_torch",
    # 24.4 simple CNN
    "relu", "softmax", "gap", "fc", "simple_cnn_forward",
]

ArrayLike = Any  # numpy array, torch tensor, or anything np.asarray accepts


# ---------------------------------------------------------------------------
# private helpers: numpy <-> torch, argument checking
# ---------------------------------------------------------------------------

def _convert(x: ArrayLike) -> tuple[torch.Tensor, bool, bool]:
    """``(tensor, was_numpy, was_integer)``; see :func:`_to_tensor`."""
    if isinstance(x, torch.Tensor):
        if x.is_complex():
            raise TypeError(f"expected real numbers, got dtype {x.dtype}")
        return x, False, not x.is_floating_point()
    a = np.asarray(x)
    kind = a.dtype.kind
    if kind in "biu":
        return torch.from_numpy(a.astype(np.float64)), True, True
    if kind != "f":
        raise TypeError(f"expected an array of real numbers, got dtype {a.dtype}")
    if a.dtype.itemsize < 4:
        a = a.astype(np.float32)
    elif a.dtype.itemsize > 8:
        a = a.astype(np.float64)
    elif (not a.dtype.isnative or not a.flags.writeable
          or any(st < 0 for st in a.strides)):
        a = np.array(a, dtype=a.dtype.newbyteorder("="))
    return torch.from_numpy(a), True, False


def _to_tensor(x: ArrayLike) -> tuple[torch.Tensor, bool]:
    """Return ``(tensor, was_numpy)`` for an array argument.

    A tensor is returned as is (no copy). Anything else goes through
    ``np.asarray``: integer and bool arrays become float64 (a copy), float16
    becomes float32, and float32/float64 arrays are shared with torch without
    a copy unless they are read-only, byte-swapped or have negative strides
    (``w[::-1]``), which torch cannot wrap; those are copied. The caller must
    never write into the returned tensor.
    """
    t, was_numpy, _ = _convert(x)
    return t, was_numpy


def _prepare(*args: ArrayLike) -> tuple[list, bool]:
    """Convert array arguments to floating tensors of one dtype on one device.

    Returns ``(tensors, was_numpy)`` where ``was_numpy`` refers to the first
    argument (it decides the kind of the result). ``None`` passes through.
    The dtype is the torch promotion of the arguments that were floating
    (integer/bool arguments do not take part; float64 when none is floating);
    the device is that of the first tensor argument (CPU if none). Tensors
    already of that dtype and device are returned unchanged (no copy).
    """
    x = args[0]
    if isinstance(x, torch.Tensor) and x.is_floating_point():
        # fast path (the benchmark's case): tensors of x's dtype and device
        for a in args:
            if a is not None and not (isinstance(a, torch.Tensor) and a.dtype == x.dtype
                                      and a.device == x.device):
                break
        else:
            return list(args), False
    converted = [None if a is None else _convert(a) for a in args]
    was_numpy = converted[0][1]
    dtype = None
    device = None
    for c in converted:
        if c is None:
            continue
        t, from_numpy, integer = c
        if not integer:
            dtype = t.dtype if dtype is None else torch.promote_types(dtype, t.dtype)
        if device is None and not from_numpy:
            device = t.device
    dtype = torch.float64 if dtype is None else dtype
    device = torch.device("cpu") if device is None else device
    tensors = [None if c is None else c[0].to(device=device, dtype=dtype) for c in converted]
    return tensors, was_numpy


def _out(t: torch.Tensor, was_numpy: bool):
    """Give the result back in the caller's kind (numpy or tensor)."""
    if was_numpy:
        return t.detach().cpu().numpy()
    return t


def _pair(v, name: str, minimum: int = 1) -> tuple[int, int]:
    """An int or a pair of ints, each >= minimum."""
    if type(v) is int and v >= minimum:      # fast path
        return v, v
    if isinstance(v, (tuple, list)):
        if len(v) != 2:
            raise ValueError(f"{name} must be an int or a pair (rows, columns), got {v!r}")
        vals = tuple(v)
    else:
        vals = (v, v)
    out = []
    for u in vals:
        if isinstance(u, bool):
            raise TypeError(f"{name} must be an integer, got {u!r}")
        try:
            u = operator.index(u)
        except TypeError:
            raise TypeError(f"{name} must be an integer or a pair of integers, got {v!r}") from None
        if u < minimum:
            raise ValueError(f"{name} must be >= {minimum}, got {v!r}")
        out.append(u)
    return out[0], out[1]


def _int(v, name: str, minimum: int = 0) -> int:
    if isinstance(v, bool):
        raise TypeError(f"{name} must be an integer, got {v!r}")
    try:
        v = operator.index(v)
    except TypeError:
        raise TypeError(f"{name} must be an integer, got {v!r}") from None
    if v < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {v}")
    return v


def _odd_sizes(shape, name: str = "w") -> tuple[int, int]:
    """Check that the last two sizes of a kernel shape are odd; return them."""
    k1, k2 = shape[-2], shape[-1]
    if k1 % 2 == 0 or k2 % 2 == 0:
        raise ValueError(f"{name} must have odd kernel sizes (2*K1+1, 2*K2+1) so that it has a "
                         f"centre tap (eq. 24.2); got shape {tuple(shape)}. Pad an even kernel "
                         f"with a row/column of zeros to make it odd.")
    return k1, k2


def _kernel2d(w: torch.Tensor, name: str = "w") -> tuple[int, int]:
    """Check a 2-D kernel of odd sizes; return (K1', K2')."""
    if w.dim() != 2:
        raise ValueError(f"{name} must be a 2-D kernel of shape (2*K1+1, 2*K2+1), "
                         f"got shape {tuple(w.shape)}")
    return _odd_sizes(w.shape, name)


def _kernel1d(w: torch.Tensor, name: str = "w") -> int:
    if w.dim() != 1:
        raise ValueError(f"{name} must be a 1-D kernel of shape (2*K+1,), got shape {tuple(w.shape)}")
    k = w.shape[0]
    if k % 2 == 0:
        raise ValueError(f"{name} must have an odd length 2*K+1 so that it has a centre tap; "
                         f"got length {k}")
    return k


def _at_least(x: torch.Tensor, ndim: int, what: str, name: str = "x") -> None:
    if x.dim() < ndim:
        raise ValueError(f"{name} must have shape {what}, got shape {tuple(x.shape)}")


def _bias(b, like: torch.Tensor, n: int, name: str = "b"):
    """A conv2d bias of shape (n,) from None, a scalar or an array; None for 0/None."""
    if b is None:
        return None
    if isinstance(b, numbers.Number):
        if b == 0:
            return None
        return torch.full((n,), float(b), dtype=like.dtype, device=like.device)
    t = _to_tensor(b)[0].to(device=like.device, dtype=like.dtype)
    if t.numel() == 1:
        return t.reshape(1).expand(n)
    if t.dim() != 1 or t.shape[0] != n:
        raise ValueError(f"{name} must be a scalar or have shape ({n},), got shape {tuple(t.shape)}")
    return t


def _scalar_bias(b, name: str = "b"):
    """Check that b is a scalar (number, 0-d or one-element array)."""
    if b is None or isinstance(b, numbers.Number):
        return
    shape = tuple(b.shape) if hasattr(b, "shape") else np.shape(b)
    if math.prod(shape) != 1:
        raise ValueError(f"{name} must be a scalar (one bias for the output), got shape {shape}")


# ---------------------------------------------------------------------------
# tensor-level implementations (inputs already converted)
# ---------------------------------------------------------------------------

def _per_image(x, w, bias, transpose=False, **kwargs):
    """Apply one 2-D kernel ``w (K1, K2)`` to every image of ``x (..., N, M)``.

    The L = prod(leading dims) images become the L channels of ONE batch item
    and the kernel is shared through a depthwise (grouped, ``groups=L``)
    convolution with the weight expanded (a view) to ``(L, 1, K1, K2)``. On the
    CPU this is several times faster than the equivalent ``(L, 1, N, M)`` batch
    of single-channel convolutions, with the same numbers.
    ``bias`` is None or shape (1,). kwargs go to conv2d / conv_transpose2d.
    """
    n, m = x.shape[-2], x.shape[-1]
    k1, k2 = w.shape[-2], w.shape[-1]
    lead = x.shape[:-2]
    count = math.prod(lead)
    op = F.conv_transpose2d if transpose else F.conv2d
    if count <= 1:     # one image (or none: an empty batch)
        out = op(x.reshape(count, 1, n, m), w.reshape(1, 1, k1, k2), bias, **kwargs)
    else:
        out = op(x.reshape(1, count, n, m), w.reshape(1, 1, k1, k2).expand(count, 1, k1, k2),
                 None if bias is None else bias.expand(count), groups=count, **kwargs)
    return out.reshape(lead + out.shape[-2:])


def _corr2d_t(x, w, b=0.0, stride=1, dilation=1):
    k1, k2 = _kernel2d(w)
    _at_least(x, 2, "(..., N, M)")
    sn, sm = _pair(stride, "stride")
    dn, dm = _pair(dilation, "dilation")
    return _per_image(x, w, _bias(b, x, 1), stride=(sn, sm),
                      padding=((k1 // 2) * dn, (k2 // 2) * dm), dilation=(dn, dm))


def _zero_insert_t(x, s):
    sn, sm = _pair(s, "s")
    _at_least(x, 2, "(..., N, M)")
    n, m = x.shape[-2], x.shape[-1]
    h = x.new_zeros(x.shape[:-2] + (n * sn, m * sm))
    h[..., ::sn, ::sm] = x
    return h


def _conv_multi_out_t(x, w, b):
    _at_least(x, 2, "(..., N, M)")
    if w.dim() != 3:
        raise ValueError(f"w must have shape (C, K1, K2), got shape {tuple(w.shape)}")
    c = w.shape[0]
    k1, k2 = _odd_sizes(w.shape)
    n, m = x.shape[-2], x.shape[-1]
    out = F.conv2d(x.reshape(-1, 1, n, m), w.reshape(c, 1, k1, k2), _bias(b, x, c),
                   padding=(k1 // 2, k2 // 2))
    return out.reshape(x.shape[:-2] + (c, n, m))


# ---------------------------------------------------------------------------
# 24.2 convolutional layers
# ---------------------------------------------------------------------------

def corr2d(x: ArrayLike, w: ArrayLike, b=0.0, stride=1, dilation=1):
    """Single-channel 2-D cross-correlation, "same" zero padding (§24.2, eq. 24.2).

    ``out[n, m] = b + sum_{k1, k2} w[k1, k2] * x[n + (k1 - K1) * d, m + (k2 - K2) * d]``
    with zeros outside the image; with stride ``(s_n, s_m)`` the result is the
    stride-1 result subsampled, ``out[..., ::s_n, ::s_m]`` (eq. 24.5), and with
    dilation d the taps are spaced d apart (eq. 24.6, as a cross-correlation).

    Args:
        x: image ``(N, M)``, or a batch ``(..., N, M)`` (each image filtered alone).
        w: kernel ``(2*K1 + 1, 2*K2 + 1)``; odd sizes, possibly non-square.
        b: scalar bias.
        stride: int or ``(s_n, s_m)``.
        dilation: int or ``(d_n, d_m)``.

    Returns:
        ``(..., ceil(N / s_n), ceil(M / s_m))``; ``(..., N, M)`` for stride 1.

    Raises:
        ValueError: for an even-sized kernel (no centre tap).

    Implemented with ``F.conv2d(padding=K*d, stride=s, dilation=d)``, all the
    images of a batch in one depthwise (grouped) call.
    """
    _scalar_bias(b)
    (xt, wt), was_numpy = _prepare(x, w)
    return _out(_corr2d_t(xt, wt, b, stride, dilation), was_numpy)


def convolve2d(x: ArrayLike, w: ArrayLike, b=0.0):
    """True 2-D convolution, "same" zero padding (§24.2, the note after eq. 24.2).

    ``out[n, m] = b + sum_{k1, k2} w[k1, k2] * x[n - (k1 - K1), m - (k2 - K2)]``:
    the cross-correlation :func:`corr2d` with the kernel flipped in both axes.

    Args:
        x: image ``(N, M)`` or batch ``(..., N, M)``.
        w: kernel ``(2*K1 + 1, 2*K2 + 1)``, odd sizes.
        b: scalar bias.

    Returns:
        ``(..., N, M)``.
    """
    _scalar_bias(b)
    (xt, wt), was_numpy = _prepare(x, w)
    _kernel2d(wt)
    return _out(_corr2d_t(xt, wt.flip(-2, -1), b), was_numpy)


def corr1d(x: ArrayLike, w: ArrayLike):
    """1-D cross-correlation, "same" zero padding (§24.2, Figure 24.4).

    ``out[n] = sum_k w[k] * x[n + k - K]``, zeros outside the signal.

    Args:
        x: signal ``(N,)`` or batch ``(..., N)``.
        w: kernel ``(2*K + 1,)``.

    Returns:
        ``(..., N)``.
    """
    (xt, wt), was_numpy = _prepare(x, w)
    k = _kernel1d(wt)
    _at_least(xt, 1, "(..., N)")
    n = xt.shape[-1]
    out = F.conv1d(xt.reshape(-1, 1, n), wt.reshape(1, 1, k), padding=k // 2)
    return _out(out.reshape(xt.shape), was_numpy)


def toeplitz_1d(w: ArrayLike, n: int):
    """The Toeplitz matrix of :func:`corr1d` (§24.2, Figure 24.4).

    ``T[i, j] = w[j - i + K]`` when ``|j - i| <= K``, else 0, so that
    ``T @ x == corr1d(x, w)`` for every x of length n (zero padding appears as
    the truncated bands at the corners).

    Args:
        w: kernel ``(2*K + 1,)``.
        n: signal length (>= 0).

    Returns:
        ``(n, n)``; numpy in -> numpy out, tensor in -> tensor out.
    """
    n = _int(n, "n")
    (wt,), was_numpy = _prepare(w)
    k = _kernel1d(wt)
    half = k // 2
    idx = torch.arange(n, device=wt.device)
    d = idx[None, :] - idx[:, None] + half          # tap index for T[i, j]
    inside = (d >= 0) & (d < k)
    taps = wt[d.clamp(0, k - 1)]
    return _out(torch.where(inside, taps, torch.zeros((), dtype=wt.dtype, device=wt.device)),
                was_numpy)


def conv_layer(x: ArrayLike, w: ArrayLike, b: ArrayLike | None = None, stride=1, dilation=1):
    """Multi-input, multi-output convolutional layer (§24.2.1, eq. 24.4).

    ``out[c2] = b[c2] + sum_{c1} corr2d(x[c1], w[c1, c2])``, same padding.

    The book's filter bank layout is ``w[c_in, c_out, k1, k2]``; torch's
    ``conv2d`` wants ``(C_out, C_in, K1, K2)``, so the wrapper passes
    ``w.transpose(0, 1)`` (a view, no copy).

    Args:
        x: ``(C_in, N, M)`` or batched ``(B, C_in, N, M)`` (more leading dims allowed).
        w: ``(C_in, C_out, K1, K2)``, odd K1, K2.
        b: ``(C_out,)``, a scalar (same bias for every channel) or None.
        stride: int or ``(s_n, s_m)``, as in :func:`corr2d`.
        dilation: int or ``(d_n, d_m)``.

    Returns:
        ``(C_out, N', M')`` or ``(B, C_out, N', M')`` with
        ``N' = ceil(N / s_n)``, ``M' = ceil(M / s_m)``.
    """
    (xt, wt), was_numpy = _prepare(x, w)
    if wt.dim() != 4:
        raise ValueError(f"w must have the book's layout (C_in, C_out, K1, K2), got shape {tuple(wt.shape)}")
    _at_least(xt, 3, "(C_in, N, M) or (B, C_in, N, M)")
    c_in, c_out, k1, k2 = wt.shape
    if xt.shape[-3] != c_in:
        raise ValueError(f"x has {xt.shape[-3]} channels but w (C_in, C_out, K1, K2) = "
                         f"{tuple(wt.shape)} expects C_in = {c_in}")
    _odd_sizes(wt.shape)
    sn, sm = _pair(stride, "stride")
    dn, dm = _pair(dilation, "dilation")
    n, m = xt.shape[-2], xt.shape[-1]
    x4 = xt if xt.dim() == 4 else xt.reshape(-1, c_in, n, m)
    out = F.conv2d(x4, wt.transpose(0, 1), _bias(b, xt, c_out),
                   stride=(sn, sm), padding=((k1 // 2) * dn, (k2 // 2) * dm),
                   dilation=(dn, dm))
    if xt.dim() != 4:
        out = out.reshape(xt.shape[:-3] + out.shape[-3:])
    return _out(out, was_numpy)


def conv_multi_in(x: ArrayLike, w: ArrayLike, b=0.0):
    """Multichannel input, one output channel (§24.2.1, "Multichannel inputs").

    ``out = b + sum_c corr2d(x[c], w[c])`` with ONE scalar bias (the book's
    ``b[c]`` inside the sum is an erratum).

    Args:
        x: ``(C, N, M)`` or batch ``(..., C, N, M)``.
        w: ``(C, K1, K2)``, odd K1, K2.
        b: scalar bias.

    Returns:
        ``(N, M)`` (``(..., N, M)`` for a batch).
    """
    _scalar_bias(b)
    (xt, wt), was_numpy = _prepare(x, w)
    _at_least(xt, 3, "(C, N, M)")
    if wt.dim() != 3:
        raise ValueError(f"w must have shape (C, K1, K2), got shape {tuple(wt.shape)}")
    c, k1, k2 = wt.shape
    if xt.shape[-3] != c:
        raise ValueError(f"x has {xt.shape[-3]} channels but w has {c}")
    _odd_sizes(wt.shape)
    n, m = xt.shape[-2], xt.shape[-1]
    out = F.conv2d(xt.reshape(-1, c, n, m), wt.reshape(1, c, k1, k2), _bias(b, xt, 1),
                   padding=(k1 // 2, k2 // 2))
    return _out(out.reshape(xt.shape[:-3] + (n, m)), was_numpy)


def conv_multi_out(x: ArrayLike, w: ArrayLike, b: ArrayLike | None = None):
    """One input channel, a bank of C filters (§24.2.1, eq. 24.3).

    ``out[c] = corr2d(x, w[c]) + b[c]``.

    Args:
        x: ``(N, M)`` or batch ``(..., N, M)``.
        w: ``(C, K1, K2)``, odd K1, K2.
        b: ``(C,)`` (or a scalar, or None for no bias).

    Returns:
        ``(C, N, M)`` (``(..., C, N, M)`` for a batch).
    """
    (xt, wt), was_numpy = _prepare(x, w)
    return _out(_conv_multi_out_t(xt, wt, b), was_numpy)


# ---------------------------------------------------------------------------
# 24.2.2 strided convolution and aliasing
# ---------------------------------------------------------------------------

def conv_strided(x: ArrayLike, w: ArrayLike, stride, b=0.0):
    """Strided convolution layer (§24.2.2, eq. 24.5, as a cross-correlation).

    ``corr2d(x, w, b)[..., ::s_n, ::s_m]``, computed directly with
    ``F.conv2d(stride=s)`` (the skipped outputs are never computed). Same as
    ``corr2d(x, w, b, stride=stride)``; the name and argument order of
    notebook 02.

    Args:
        x: ``(N, M)`` or ``(..., N, M)``.
        w: ``(2*K1 + 1, 2*K2 + 1)``.
        stride: int or ``(s_n, s_m)``.
        b: scalar bias.

    Returns:
        ``(..., ceil(N / s_n), ceil(M / s_m))``.
    """
    return corr2d(x, w, b, stride=stride)


def dft_magnitude(x: ArrayLike):
    """Magnitude of the 2-D DFT, zero frequency at the centre (§24.2.2, Figure 24.8).

    ``fftshift(|fft2(x)|)`` over the last two axes (``torch.fft``).

    Args:
        x: ``(N, M)`` or ``(..., N, M)``.

    Returns:
        Same shape as x, real (float32 for float32 input, else float64).
    """
    (xt,), was_numpy = _prepare(x)
    _at_least(xt, 2, "(..., N, M)")
    mag = torch.fft.fft2(xt).abs()
    return _out(torch.fft.fftshift(mag, dim=(-2, -1)), was_numpy)


def blur_downsample(x: ArrayLike, stride):
    """Anti-aliased downsampling: binomial blur, then subsample (§24.2.2).

    Cross-correlates with ``outer([1, 2, 1], [1, 2, 1]) / 16`` (same padding,
    zeros outside), then keeps ``[..., ::s_n, ::s_m]``.

    Args:
        x: ``(N, M)`` or ``(..., N, M)``.
        stride: int or ``(s_n, s_m)``.

    Returns:
        ``(..., ceil(N / s_n), ceil(M / s_m))``.
    """
    (xt,), was_numpy = _prepare(x)
    b1 = torch.tensor([1.0, 2.0, 1.0], dtype=xt.dtype, device=xt.device) / 4
    return _out(_corr2d_t(xt, torch.outer(b1, b1), 0.0, stride), was_numpy)


# ---------------------------------------------------------------------------
# 24.2.3 dilated convolution
# ---------------------------------------------------------------------------

def dilate_kernel(w: ArrayLike, d):
    """Insert d - 1 zeros between the taps of a kernel (§24.2.3, Figure 24.9).

    ``out[::d] = w`` (1-D) or ``out[::d_n, ::d_m] = w`` (2-D), zeros elsewhere.

    Args:
        w: kernel ``(K,)`` or ``(K1, K2)``.
        d: dilation, int >= 1 (a pair ``(d_n, d_m)`` for a 2-D kernel).

    Returns:
        ``((K - 1) * d + 1,)`` or ``((K1 - 1) * d_n + 1, (K2 - 1) * d_m + 1)``.
    """
    (wt,), was_numpy = _prepare(w)
    if wt.dim() == 1:
        dd = _int(d, "d", 1)
        k = wt.shape[0]
        out = wt.new_zeros(((k - 1) * dd + 1,) if k else (0,))
        out[::dd] = wt
    elif wt.dim() == 2:
        dn, dm = _pair(d, "d")
        k1, k2 = wt.shape
        out = wt.new_zeros(((k1 - 1) * dn + 1 if k1 else 0, (k2 - 1) * dm + 1 if k2 else 0))
        out[::dn, ::dm] = wt
    else:
        raise ValueError(f"w must be a 1-D or 2-D kernel, got shape {tuple(wt.shape)}")
    return _out(out, was_numpy)


def conv_dilated(x: ArrayLike, w: ArrayLike, dilation, b=0.0):
    """Dilated convolution as a cross-correlation (§24.2.3, eq. 24.6).

    ``out[n, m] = b + sum_{k1, k2} w[k1, k2] * x[n + d (k1 - K1), m + d (k2 - K2)]``,
    equal to ``corr2d(x, dilate_kernel(w, d), b)``; computed with
    ``F.conv2d(dilation=d, padding=K*d)``.

    Args:
        x: ``(N, M)`` or ``(..., N, M)``.
        w: ``(2*K1 + 1, 2*K2 + 1)``.
        dilation: int or ``(d_n, d_m)``, >= 1.
        b: scalar bias.

    Returns:
        ``(..., N, M)``.
    """
    return corr2d(x, w, b, dilation=dilation)


def compose_kernels(kernels: Sequence[ArrayLike]):
    """The single kernel equal to cross-correlating with each kernel in turn (§24.2.3).

    Cross-correlating with a and then with b is cross-correlating with the
    full convolution ``a * b`` (``c[t] = sum_{i + j = t} a[i] b[j]``), so the
    result is the full 2-D convolution of all the kernels; exact away from the
    image border (where the zero padding of each step is not the same as
    padding once). Computed with ``F.conv2d`` on the flipped next kernel and
    full padding.

    Args:
        kernels: non-empty sequence of 2-D kernels ``(K1_i, K2_i)`` (or all 1-D ``(K_i,)``).

    Returns:
        ``(sum_i (K1_i - 1) + 1, sum_i (K2_i - 1) + 1)`` (1-D: ``(sum_i (K_i - 1) + 1,)``).
        Kind (numpy/tensor) follows the first kernel.
    """
    kernels = list(kernels)
    if not kernels:
        raise ValueError("compose_kernels needs at least one kernel")
    ts, was_numpy = _prepare(*kernels)
    ndim = ts[0].dim()
    if ndim not in (1, 2) or any(t.dim() != ndim for t in ts):
        raise ValueError("kernels must all be 2-D (or all 1-D); got shapes "
                         f"{[tuple(t.shape) for t in ts]}")
    if ndim == 1:
        ts = [t[None, :] for t in ts]
    acc = ts[0].clone()
    for k in ts[1:]:
        k1, k2 = k.shape
        acc = F.conv2d(acc[None, None], k.flip(-2, -1)[None, None], padding=(k1 - 1, k2 - 1))[0, 0]
    if ndim == 1:
        acc = acc[0]
    return _out(acc, was_numpy)


def cascade_size(kernel_sizes: Sequence[int], dilations: Sequence[int] | None = None) -> int:
    """Side length of the kernel equivalent to a cascade of dilated kernels (§24.2.3).

    ``1 + sum_i (k_i - 1) * d_i``. Three 3 x 3 kernels with dilations 1, 2, 4
    give 15 (the text's 9 x 9 is an erratum).

    Args:
        kernel_sizes: sequence of kernel side lengths k_i (>= 1).
        dilations: sequence of dilations d_i (>= 1), same length; default all 1.

    Returns:
        int.
    """
    ks = [_int(k, "kernel size", 1) for k in kernel_sizes]
    ds = [1] * len(ks) if dilations is None else [_int(d, "dilation", 1) for d in dilations]
    if len(ds) != len(ks):
        raise ValueError(f"got {len(ks)} kernel sizes but {len(ds)} dilations")
    return 1 + sum((k - 1) * d for k, d in zip(ks, ds))


# ---------------------------------------------------------------------------
# 24.2.4 low-rank filters
# ---------------------------------------------------------------------------

def separable_corr2d(x: ArrayLike, u: ArrayLike, v: ArrayLike, b=0.0):
    """Separable cross-correlation: column filter u, then row filter v (§24.2.4).

    A ``(K1, 1)`` layer then a ``(1, K2)`` layer, both with same zero padding;
    equals ``corr2d(x, outer(u, v), b)`` exactly (zero padding commutes with
    the separable sum) at ``K1 + K2`` instead of ``K1 * K2`` multiply-adds per pixel.

    Args:
        x: ``(N, M)`` or ``(..., N, M)``.
        u: column filter ``(K1,)``, odd.
        v: row filter ``(K2,)``, odd.
        b: scalar bias.

    Returns:
        ``(..., N, M)``.
    """
    _scalar_bias(b)
    (xt, ut, vt), was_numpy = _prepare(x, u, v)
    k1 = _kernel1d(ut, "u")
    k2 = _kernel1d(vt, "v")
    _at_least(xt, 2, "(..., N, M)")
    h = _per_image(xt, ut.reshape(k1, 1), None, padding=(k1 // 2, 0))
    out = _per_image(h, vt.reshape(1, k2), _bias(b, xt, 1), padding=(0, k2 // 2))
    return _out(out, was_numpy)


def svd_separable(w: ArrayLike):
    """Decompose a kernel into separable terms with the SVD (§24.2.4).

    ``w == sum_i s[i] * outer(U[:, i], V[:, i])`` (``w = U diag(s) V^T``).

    Args:
        w: ``(K1, K2)``.

    Returns:
        ``(s, U, V)``: s ``(r,)`` non-increasing and >= 0, U ``(K1, r)``,
        V ``(K2, r)``, with ``r = min(K1, K2)``. Signs of the columns are
        those of ``torch.linalg.svd`` (arbitrary).
    """
    (wt,), was_numpy = _prepare(w)
    if wt.dim() != 2:
        raise ValueError(f"w must be a 2-D kernel (K1, K2), got shape {tuple(wt.shape)}")
    u, s, vh = torch.linalg.svd(wt, full_matrices=False)
    return _out(s, was_numpy), _out(u, was_numpy), _out(vh.mT, was_numpy)


def low_rank_kernel(w: ArrayLike, r: int):
    """Best rank-r approximation of a kernel (Eckart-Young), §24.2.4.

    ``sum_{i < r} s[i] * outer(U[:, i], V[:, i])`` from :func:`svd_separable`.

    Args:
        w: ``(K1, K2)``.
        r: number of separable terms, >= 0 (r >= rank gives w back).

    Returns:
        ``(K1, K2)``.
    """
    r = _int(r, "r")
    (wt,), was_numpy = _prepare(w)
    if wt.dim() != 2:
        raise ValueError(f"w must be a 2-D kernel (K1, K2), got shape {tuple(wt.shape)}")
    u, s, vh = torch.linalg.svd(wt, full_matrices=False)
    out = (u[:, :r] * s[:r]) @ vh[:r, :]
    return _out(out, was_numpy)


def kernel_rank(w: ArrayLike, tol: float = 1e-10) -> int:
    """Number of separable terms needed for a kernel (§24.2.4).

    Counts singular values ``> tol * s_max``; 0 for the zero kernel.

    Args:
        w: ``(K1, K2)``.
        tol: relative tolerance.

    Returns:
        int.
    """
    (wt,), _ = _prepare(w)
    if wt.dim() != 2:
        raise ValueError(f"w must be a 2-D kernel (K1, K2), got shape {tuple(wt.shape)}")
    if wt.numel() == 0:
        return 0
    s = torch.linalg.svdvals(wt)
    smax = s.max()
    if smax <= 0:
        return 0
    return int((s > tol * smax).sum().item())


def corr2d_flops(N: int, M: int, K1: int, K2: int) -> int:
    """Multiply-adds of a full ``K1 x K2`` cross-correlation of an ``N x M`` image: ``N*M*K1*K2`` (§24.2.4)."""
    return int(N) * int(M) * int(K1) * int(K2)


def separable_flops(N: int, M: int, K1: int, K2: int) -> int:
    """Multiply-adds of the separable version (column then row filter): ``N*M*(K1+K2)`` (§24.2.4)."""
    return int(N) * int(M) * (int(K1) + int(K2))


# ---------------------------------------------------------------------------
# 24.2.5 downsampling and upsampling layers
# ---------------------------------------------------------------------------

def zero_insert(x: ArrayLike, s):
    """Dilate the signal with zeros (§24.2.5, eq. 24.7, first line).

    ``h[..., n*s_n, m*s_m] = x[..., n, m]``, zeros elsewhere.

    Args:
        x: ``(N, M)`` or ``(..., N, M)``.
        s: int or ``(s_n, s_m)``, >= 1.

    Returns:
        ``(..., N * s_n, M * s_m)``.
    """
    (xt,), was_numpy = _prepare(x)
    return _out(_zero_insert_t(xt, s), was_numpy)


def upconv(x: ArrayLike, w: ArrayLike, s, b=0.0):
    """UpConv layer: zero insertion then cross-correlation (§24.2.5, eq. 24.7).

    ``corr2d(zero_insert(x, s), w, b)``, computed literally (see
    :func:`upconv_transpose` for the same numbers from ``conv_transpose2d``).

    Args:
        x: ``(N, M)`` or ``(..., N, M)``.
        w: ``(2*K1 + 1, 2*K2 + 1)``.
        s: upsampling factor, int or ``(s_n, s_m)``.
        b: scalar bias.

    Returns:
        ``(..., N * s_n, M * s_m)``.
    """
    _scalar_bias(b)
    (xt, wt), was_numpy = _prepare(x, w)
    _kernel2d(wt)
    return _out(_corr2d_t(_zero_insert_t(xt, s), wt, b), was_numpy)


def interp_kernel(s: int) -> np.ndarray:
    """Bilinear-interpolation kernel for :func:`upconv` (§24.2.5).

    The separable triangle ``t[k] = 1 - |k| / s`` for ``k = -(s-1) .. s-1``,
    ``outer(t, t)``, of size ``(2s - 1, 2s - 1)``. With it,
    ``upconv(x, interp_kernel(s), s)`` equals x at the samples
    (``out[n*s, m*s] = x[n, m]``) and interpolates linearly in between; past
    the last sample it falls linearly towards the zero padding.

    Args:
        s: upsampling factor, int >= 1.

    Returns:
        numpy float64 ``(2s - 1, 2s - 1)`` (mixing it with a tensor x is fine:
        the ops move it to x's device and dtype).
    """
    s = _int(s, "s", 1)
    t = 1.0 - np.abs(np.arange(-(s - 1), s, dtype=np.float64)) / s
    return np.outer(t, t)


def upconv_transpose(x: ArrayLike, w: ArrayLike, s, b=0.0):
    """:func:`upconv` computed with ``F.conv_transpose2d`` (§24.2.5).

    Derivation (1-D, kernel of length ``2K + 1``). upconv is
    ``out[o] = sum_k w[k] h[o + k - K]`` with ``h[i*s] = x[i]``, i.e. the pairs
    ``(i, k)`` with ``o = i*s + (K - k)``. conv_transpose1d with weight ``v``,
    stride s and padding p computes ``out[o] = sum_{(i, j): o = i*s - p + j} x[i] v[j]``.
    With ``j = 2K - k`` (the kernel flipped, ``v = w[::-1]``) and ``p = K`` the two
    sums coincide. The output length of conv_transpose is
    ``(N - 1)*s - 2p + (2K + 1 - 1) + output_padding + 1 = (N - 1)*s + 1 + output_padding``,
    so ``output_padding = s - 1`` gives the ``N*s`` of upconv (allowed: it is < s).
    In 2-D, per axis:

        F.conv_transpose2d(x, w.flip(-2, -1)[None, None], stride=(s_n, s_m),
                           padding=(K1, K2), output_padding=(s_n - 1, s_m - 1))

    (conv_transpose2d's weight layout is ``(C_in, C_out, K1, K2)``, the book's
    layout; here both are 1. A batch ``(..., N, M)`` goes through one grouped
    call, ``groups`` = number of images, weight expanded to ``(L, 1, K1, K2)``.)

    Args:
        x: ``(N, M)`` or ``(..., N, M)``.
        w: ``(2*K1 + 1, 2*K2 + 1)``.
        s: int or ``(s_n, s_m)``.
        b: scalar bias.

    Returns:
        ``(..., N * s_n, M * s_m)``, equal to ``upconv(x, w, s, b)`` up to rounding.
    """
    _scalar_bias(b)
    (xt, wt), was_numpy = _prepare(x, w)
    k1, k2 = _kernel2d(wt)
    sn, sm = _pair(s, "s")
    _at_least(xt, 2, "(..., N, M)")
    out = _per_image(xt, wt.flip(-2, -1), _bias(b, xt, 1), transpose=True, stride=(sn, sm),
                     padding=(k1 // 2, k2 // 2), output_padding=(sn - 1, sm - 1))
    return _out(out, was_numpy)


# ---------------------------------------------------------------------------
# 24.3 pooling and normalisation layers
# ---------------------------------------------------------------------------

def _pool(x, k, stride, fn, name):
    (xt,), was_numpy = _prepare(x)
    _at_least(xt, 2, "(N, M), (C, N, M) or (..., C, N, M)")
    kn, km = _pair(k, "k")
    sn, sm = (kn, km) if stride is None else _pair(stride, "stride")
    n, m = xt.shape[-2], xt.shape[-1]
    if kn > n or km > m:
        raise ValueError(f"{name}: window {(kn, km)} is larger than the image {(n, m)}; "
                         f"the output size floor((N - k) / stride) + 1 would be < 1")
    if xt.dim() in (3, 4):
        out = fn(xt, (kn, km), (sn, sm))
    else:
        out = fn(xt.reshape(-1, n, m), (kn, km), (sn, sm))
        out = out.reshape(xt.shape[:-2] + out.shape[-2:])
    return _out(out, was_numpy)


def max_pool(x: ArrayLike, k, stride=None):
    """Max pooling over k x k windows, no padding (§24.3.1, eq. 24.8).

    ``out[..., i, j] = max x[..., i*s_n : i*s_n + k_n, j*s_m : j*s_m + k_m]``.

    Args:
        x: ``(N, M)``, ``(C, N, M)`` or batched ``(..., C, N, M)``; each channel alone.
        k: window, int or ``(k_n, k_m)``.
        stride: int or ``(s_n, s_m)``; default k (non-overlapping windows).

    Returns:
        ``(..., floor((N - k_n) / s_n) + 1, floor((M - k_m) / s_m) + 1)``.
    """
    return _pool(x, k, stride, lambda t, kk, ss: F.max_pool2d(t, kk, ss), "max_pool")


def mean_pool(x: ArrayLike, k, stride=None):
    """Mean (average) pooling over k x k windows, no padding (§24.3.1, eq. 24.8).

    ``out[..., i, j] = mean x[..., i*s_n : i*s_n + k_n, j*s_m : j*s_m + k_m]``.

    Args:
        x: ``(N, M)``, ``(C, N, M)`` or batched ``(..., C, N, M)``.
        k: window, int or ``(k_n, k_m)``.
        stride: int or ``(s_n, s_m)``; default k.

    Returns:
        ``(..., floor((N - k_n) / s_n) + 1, floor((M - k_m) / s_m) + 1)``.
    """
    return _pool(x, k, stride, lambda t, kk, ss: F.avg_pool2d(t, kk, ss), "mean_pool")


def global_avg_pool(x: ArrayLike):
    """Global average pooling (§24.3.2): the mean of each channel over space.

    Args:
        x: ``(C, N, M)`` or batched ``(B, C, N, M)`` (any ``(..., N, M)``).

    Returns:
        ``(C,)`` or ``(B, C)`` (the input shape without the last two axes).
    """
    (xt,), was_numpy = _prepare(x)
    _at_least(xt, 2, "(C, N, M)")
    return _out(xt.mean(dim=(-2, -1)), was_numpy)


def global_max_pool(x: ArrayLike):
    """Global max pooling (§24.3.2): the max of each channel over space.

    Args:
        x: ``(C, N, M)`` or batched ``(B, C, N, M)`` (any ``(..., N, M)``, N, M >= 1).

    Returns:
        ``(C,)`` or ``(B, C)``.
    """
    (xt,), was_numpy = _prepare(x)
    _at_least(xt, 2, "(C, N, M)")
    return _out(xt.amax(dim=(-2, -1)), was_numpy)


def channel_max_pool(x: ArrayLike, group: int):
    """Max pooling across channels (§24.3.1, pooling across channels).

    ``out[c] = max(x[c*group : (c+1)*group])`` over consecutive groups.

    Args:
        x: ``(C, N, M)`` or batched ``(..., C, N, M)``.
        group: channels per group, >= 1, must divide C.

    Returns:
        ``(C // group, N, M)`` (``(..., C // group, N, M)``).

    Raises:
        ValueError: when C is not divisible by group.
    """
    group = _int(group, "group", 1)
    (xt,), was_numpy = _prepare(x)
    _at_least(xt, 3, "(C, N, M)")
    c, n, m = xt.shape[-3:]
    if c % group:
        raise ValueError(f"channel_max_pool: C = {c} channels are not divisible into groups of {group}")
    out = xt.reshape(xt.shape[:-3] + (c // group, group, n, m)).amax(dim=-3)
    return _out(out, was_numpy)


def lrn(x: ArrayLike, alpha: float = 1e-4, beta: float = 0.75, gamma: float = 2.0, l: int = 2):
    """Local response normalisation across channels (§24.3.3, eq. 24.9, corrected).

    ``out[c] = x[c] / (gamma + alpha * sum_{j = max(0, c-l)}^{min(C-1, c+l)} x[j]**2) ** beta``
    (the text's upper bound ``max(C, c+l)`` is an erratum for ``min(C-1, c+l)``;
    0-based channels). The window sum is ``F.avg_pool3d`` over the channel
    axis with kernel ``2l + 1``, zero padding l and ``divisor_override=1`` (a plain sum).

    Args:
        x: ``(C, N, M)`` or batched ``(B, C, N, M)`` (any ``(..., C, N, M)``).
        alpha, beta, gamma: the hyperparameters of eq. 24.9 (alpha is NOT
            divided by the window size, unlike torch's LocalResponseNorm).
        l: half window, int >= 0 (2l + 1 channels).

    Returns:
        Same shape as x.
    """
    l = _int(l, "l")
    (xt,), was_numpy = _prepare(x)
    _at_least(xt, 3, "(C, N, M) or (B, C, N, M)")
    c, n, m = xt.shape[-3:]
    x4 = xt.reshape(-1, c, n, m)
    sq = (x4 * x4).unsqueeze(1)                                   # (B, 1, C, N, M)
    if c >= 2 * l + 1:     # pool's own padding (no copy) needs C >= window on the CPU
        den = F.avg_pool3d(sq, (2 * l + 1, 1, 1), stride=1, padding=(l, 0, 0),
                           divisor_override=1)
    else:
        den = F.avg_pool3d(F.pad(sq, (0, 0, 0, 0, l, l)), (2 * l + 1, 1, 1), stride=1,
                           divisor_override=1)
    den = den.squeeze(1)                                          # window sums (B, C, N, M)
    if torch.is_grad_enabled() and xt.requires_grad:
        den = (den * alpha + gamma) ** beta
    else:
        den = den.mul_(alpha).add_(gamma).pow_(beta)
    return _out((x4 / den).reshape(xt.shape), was_numpy)


def lrn_via_torch(x: ArrayLike, alpha: float = 1e-4, beta: float = 0.75, gamma: float = 2.0,
                  l: int = 2):
    """:func:`lrn` computed with ``torch.nn.LocalResponseNorm`` (§24.3.3).

    torch computes ``x[c] / (k + alpha_t / size * sum_{window} x**2) ** beta``
    with the window of ``size`` channels zero-padded at both ends, so eq. 24.9
    is ``LocalResponseNorm(size=2l + 1, alpha=alpha * (2l + 1), beta=beta, k=gamma)``.
    torch's channel axis is axis 1, so ``(C, N, M)`` is passed as ``(1, C, N, M)``
    (passing it as is would normalise across rows).

    Args and returns as in :func:`lrn`.
    """
    l = _int(l, "l")
    (xt,), was_numpy = _prepare(x)
    _at_least(xt, 3, "(C, N, M) or (B, C, N, M)")
    c, n, m = xt.shape[-3:]
    size = 2 * l + 1
    layer = torch.nn.LocalResponseNorm(size=size, alpha=alpha * size, beta=beta, k=gamma)
    out = layer(xt.reshape(-1, c, n, m))
    return _out(out.reshape(xt.shape), was_numpy)


# ---------------------------------------------------------------------------
# 24.4 a simple CNN classifier
# ---------------------------------------------------------------------------

def relu(z: ArrayLike):
    """Rectified linear unit ``max(z, 0)``, elementwise (§24.4).

    Args:
        z: any shape.

    Returns:
        Same shape.
    """
    (zt,), was_numpy = _prepare(z)
    return _out(F.relu(zt), was_numpy)


def softmax(z: ArrayLike, tau: float = 1.0, axis: int = 0):
    """Softmax with temperature along an axis (§24.4).

    ``y = exp(z / tau) / sum exp(z / tau)`` along ``axis``, computed stably
    (``F.softmax`` subtracts the max). The text's ``e^{-tau z}`` is an erratum.

    Args:
        z: any shape, e.g. logits ``(K,)``.
        tau: temperature (> 0).
        axis: the axis to normalise along.

    Returns:
        Same shape, non-negative, summing to 1 along ``axis``.
    """
    (zt,), was_numpy = _prepare(z)
    if tau != 1:
        zt = zt / tau
    return _out(F.softmax(zt, dim=axis), was_numpy)


def gap(h: ArrayLike):
    """Global average pooling layer of the simple CNN (§24.4): ``z[c] = mean_{n,m} h[c, n, m]``.

    Args:
        h: ``(C, N, M)`` (or ``(..., C, N, M)``).

    Returns:
        ``(C,)`` (``(..., C)``).
    """
    return global_avg_pool(h)


def fc(z: ArrayLike, W: ArrayLike, c: ArrayLike | None):
    """Fully connected layer ``W @ z + c`` (§24.4), via ``F.linear``.

    Args:
        z: ``(C,)`` (or a batch ``(..., C)``).
        W: ``(K, C)``.
        c: ``(K,)`` or None.

    Returns:
        ``(K,)`` (``(..., K)``).
    """
    (zt, Wt, ct), was_numpy = _prepare(z, W, c)
    if Wt.dim() != 2 or zt.dim() < 1 or zt.shape[-1] != Wt.shape[1]:
        raise ValueError(f"fc: W must be (K, C) and z (C,); got W {tuple(Wt.shape)}, z {tuple(zt.shape)}")
    return _out(F.linear(zt, Wt, ct), was_numpy)


def simple_cnn_forward(x: ArrayLike, w: ArrayLike, b: ArrayLike, W: ArrayLike, c: ArrayLike,
                       tau: float = 1.0):
    """Forward pass of the simple CNN classifier of §24.4.

    conv (:func:`conv_multi_out`) -> relu -> gap -> fc -> softmax:
    ``z1 = conv_multi_out(x, w, b)``, ``h = relu(z1)``, ``z2 = gap(h)``,
    ``z3 = W @ z2 + c``, ``y = softmax(z3, tau)`` (with ``exp(z / tau)``).

    Args:
        x: image ``(N, M)`` (or a batch ``(B, N, M)``).
        w: ``(C, K1, K2)``; b: ``(C,)``.
        W: ``(K, C)``; c: ``(K,)``.
        tau: softmax temperature.

    Returns:
        ``(K,)`` class probabilities (``(B, K)`` for a batch).
    """
    (xt, wt, bt, Wt, ct), was_numpy = _prepare(x, w, b, W, c)
    z1 = _conv_multi_out_t(xt, wt, bt)
    z2 = F.relu(z1).mean(dim=(-2, -1))
    z3 = F.linear(z2, Wt, ct)
    if tau != 1:
        z3 = z3 / tau
    return _out(F.softmax(z3, dim=-1), was_numpy)
