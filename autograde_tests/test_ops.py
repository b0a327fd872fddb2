"""Tests of the torch-backed reference ops (``convcourse.ops``).

Three layers:

* hand-computed examples, one (or a few) per op, with the answers written out
  as literals (the arithmetic is in the comments);
* Hypothesis property tests over random shapes (non-square images and
  kernels, C_in != C_out != N != M, strides that do not divide N or M,
  dilations, integer and float32 dtypes), against ``torch.nn.functional``
  called directly and against scipy / numpy where they have the op;
* the conventions: numpy in -> numpy out, tensor in -> tensor out, dtype rules,
  inputs unchanged, plus the chapter's errata and CUDA parity (``cuda`` marker,
  skipped without a GPU).

Run: ``PYTHONPATH=utils python -m pytest autograde_tests/test_ops.py -q``.
"""
from __future__ import annotations

import math
import os
import subprocess
import sys
import warnings

import numpy as np
import pytest
import scipy.ndimage
import scipy.signal
import scipy.special
import torch
import torch.nn.functional as F
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.lib.stride_tricks import sliding_window_view

from convcourse import ops

PROPS = settings(max_examples=35, deadline=None, database=None,
                 suppress_health_check=[HealthCheck.too_slow])
FEW = settings(max_examples=20, deadline=None, database=None,
               suppress_health_check=[HealthCheck.too_slow])

HAS_CUDA = torch.cuda.is_available()
needs_cuda = pytest.mark.skipif(not HAS_CUDA, reason="needs a CUDA device (torch.cuda.is_available() is False)")

@pytest.fixture(autouse=True, scope="module")
def _one_torch_thread():
    """The arrays here are tiny: one intra-op thread avoids OpenMP spin-waiting when the
    machine is busy (restored afterwards, so other test modules are unaffected)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


seeds = st.integers(0, 2**32 - 1)
odd = st.sampled_from([1, 3, 5, 7])
small_odd = st.sampled_from([1, 3, 5])
side = st.integers(1, 11)
DTYPES = [np.float64, np.float32, np.int64, np.int32]
dtypes = st.sampled_from(DTYPES)


def rand(rng: np.random.Generator, shape, dtype=np.float64) -> np.ndarray:
    """Uniform [-1, 1) floats, or small integers in [-4, 4] (unsigned: [0, 8])."""
    dtype = np.dtype(dtype)
    if dtype.kind == "f":
        return rng.uniform(-1, 1, size=shape).astype(dtype)
    if dtype.kind == "u":
        return rng.integers(0, 9, size=shape).astype(dtype)
    return rng.integers(-4, 5, size=shape).astype(dtype)


def result_dtype(*dts) -> np.dtype:
    floats = [np.dtype(d) for d in dts if np.dtype(d).kind == "f"]
    return np.result_type(*floats) if floats else np.dtype(np.float64)


def tol(dtype) -> dict:
    return dict(rtol=1e-4, atol=1e-4) if np.dtype(dtype) == np.float32 else dict(rtol=1e-9, atol=1e-9)


def close(actual, expected, **kw) -> None:
    if isinstance(actual, torch.Tensor):
        actual = actual.detach().cpu().numpy()
    if isinstance(expected, torch.Tensor):
        expected = expected.detach().cpu().numpy()
    kw.setdefault("rtol", 1e-9)
    kw.setdefault("atol", 1e-9)
    assert np.shape(actual) == np.shape(expected), f"shape {np.shape(actual)} != {np.shape(expected)}"
    np.testing.assert_allclose(actual, expected, **kw)


def t64(a) -> torch.Tensor:
    return torch.as_tensor(np.asarray(a, dtype=np.float64))


def dilate_np(w: np.ndarray, d: int) -> np.ndarray:
    """Independent numpy dilation of a 2-D kernel, for the tests."""
    k1, k2 = w.shape
    out = np.zeros(((k1 - 1) * d + 1, (k2 - 1) * d + 1))
    for i in range(k1):
        for j in range(k2):
            out[i * d, j * d] = w[i, j]
    return out


# ===========================================================================
# hand-computed examples
# ===========================================================================

X23 = [[1, 2, 3],
       [4, 5, 6]]
# w[k1, k2] with offsets (k1 - 1, k2 - 1): 1 at (-1, -1), 2 at (+1, +1)
W_DIAG = [[1, 0, 0],
          [0, 0, 0],
          [0, 0, 2]]


def test_corr2d_by_hand():
    # out[n, m] = x[n-1, m-1] + 2 x[n+1, m+1] + b, zeros outside
    # (0,0): 0 + 2*5 = 10   (0,1): 0 + 2*6 = 12   (0,2): 0 + 0 = 0
    # (1,0): 0 + 0 = 0      (1,1): 1 + 0 = 1      (1,2): 2 + 0 = 2
    close(ops.corr2d(X23, W_DIAG), [[10, 12, 0], [0, 1, 2]])
    close(ops.corr2d(X23, W_DIAG, 0.5), [[10.5, 12.5, 0.5], [0.5, 1.5, 2.5]])
    # a (1, 3) kernel [1, 0, -1]: out[n, m] = x[n, m-1] - x[n, m+1]
    close(ops.corr2d(X23, [[1, 0, -1]]), [[-2, -2, 2], [-5, -2, 5]])
    # a (3, 1) kernel [1, 0, -1]^T: out[n, m] = x[n-1, m] - x[n+1, m]
    close(ops.corr2d(X23, [[1], [0], [-1]]), [[-4, -5, -6], [1, 2, 3]])


def test_corr2d_stride_by_hand():
    # box sums of ones(3, 4) with a 3x3 ones kernel = number of in-image neighbours
    full = [[4, 6, 6, 4],
            [6, 9, 9, 6],
            [4, 6, 6, 4]]
    close(ops.corr2d(np.ones((3, 4)), np.ones((3, 3))), full)
    # stride 2 keeps rows 0, 2 and columns 0, 2: shape (ceil(3/2), ceil(4/2)) = (2, 2)
    close(ops.corr2d(np.ones((3, 4)), np.ones((3, 3)), stride=2), [[4, 6], [4, 6]])
    # stride (1, 3): all rows, columns 0 and 3
    close(ops.corr2d(np.ones((3, 4)), np.ones((3, 3)), stride=(1, 3)), [[4, 4], [6, 6], [4, 4]])
    close(ops.conv_strided(np.ones((3, 4)), np.ones((3, 3)), 2, 1), [[5, 7], [5, 7]])


def test_corr2d_dilation_by_hand():
    x = np.arange(25).reshape(5, 5)
    # dilation 2, ones(3,3): out[2,2] = x[{0,2,4}, {0,2,4}].sum() = 0+2+4+10+12+14+20+22+24 = 108
    # out[0,0] = x[0,0] + x[0,2] + x[2,0] + x[2,2] = 0 + 2 + 10 + 12 = 24
    out = ops.corr2d(x, np.ones((3, 3)), dilation=2)
    assert out[2, 2] == 108 and out[0, 0] == 24
    close(ops.conv_dilated(x, np.ones((3, 3)), 2), out)


def test_corr2d_even_kernel_is_a_clear_error():
    with pytest.raises(ValueError, match="odd"):
        ops.corr2d(np.ones((4, 4)), np.ones((2, 3)))
    with pytest.raises(ValueError, match="odd"):
        ops.corr2d(np.ones((4, 4)), np.ones((3, 4)))
    with pytest.raises(ValueError, match="odd"):
        ops.corr1d(np.ones(4), np.ones(2))
    with pytest.raises(ValueError, match="odd"):
        ops.conv_layer(np.ones((1, 4, 4)), np.ones((1, 1, 2, 2)))
    with pytest.raises(ValueError):
        ops.corr2d(np.ones((4, 4)), np.ones((3, 3)), stride=0)


def test_convolve2d_by_hand():
    # flipped kernel: 2 at (-1, -1), 1 at (+1, +1): out = 2 x[n-1, m-1] + x[n+1, m+1]
    # (0,0): 5  (0,1): 6  (0,2): 0  (1,0): 0  (1,1): 2*1 = 2  (1,2): 2*2 = 4
    close(ops.convolve2d(X23, W_DIAG), [[5, 6, 0], [0, 2, 4]])
    close(ops.convolve2d(X23, W_DIAG, -1), [[4, 5, -1], [-1, 1, 3]])


def test_corr1d_and_toeplitz_by_hand():
    # out[n] = x[n-1] - x[n+1]: [0-2, 1-3, 2-4, 3-0]
    close(ops.corr1d([1, 2, 3, 4], [1, 0, -1]), [-2, -2, -2, 3])
    # T[i, j] = w[j - i + 1]
    T = ops.toeplitz_1d([1, 2, 3], 4)
    close(T, [[2, 3, 0, 0],
              [1, 2, 3, 0],
              [0, 1, 2, 3],
              [0, 0, 1, 2]])
    x = np.array([1.0, -2.0, 0.5, 3.0])
    close(T @ x, ops.corr1d(x, [1, 2, 3]))
    close(ops.toeplitz_1d([7], 3), 7 * np.eye(3))


def test_conv_layer_by_hand():
    x = np.array([[[1, 2], [3, 4]],          # channel 0
                  [[1, 1], [1, 1]]])         # channel 1
    w = np.zeros((2, 3, 1, 1))               # book layout (C_in, C_out, 1, 1)
    w[:, :, 0, 0] = [[1, 0, 2],              # weights from input channel 0
                     [0, 1, -1]]             # weights from input channel 1
    b = [0, 10, 0.5]
    out = ops.conv_layer(x, w, b)
    close(out, [[[1, 2], [3, 4]],              # 1*x0 + 0*x1 + 0
                [[11, 11], [11, 11]],          # 0*x0 + 1*x1 + 10
                [[1.5, 3.5], [5.5, 7.5]]])     # 2*x0 - x1 + 0.5
    close(ops.conv_layer(x[None], w, b), out[None])       # batched (B, C_in, N, M)
    close(ops.conv_layer(x, w), out - np.array(b)[:, None, None])
    with pytest.raises(ValueError, match="channels"):
        ops.conv_layer(x, np.zeros((3, 2, 1, 1)))      # torch layout by mistake


def test_conv_multi_in_and_out_by_hand():
    x = np.array([[[1, 2, 3]], [[4, 5, 6]]])          # (2, 1, 3)
    w = np.array([[[1, 0, 0]], [[0, 0, 1]]])          # picks x0[m-1] and x1[m+1]
    # m=0: 0 + 5 + 1 = 6;  m=1: 1 + 6 + 1 = 8;  m=2: 2 + 0 + 1 = 3   (ONE bias)
    close(ops.conv_multi_in(x, w, 1), [[6, 8, 3]])
    xo = np.array([[1, 2, 3]])
    wo = np.array([[[1, 1, 1]], [[0, 2, 0]]])
    # out[0] = box sum [0+1+2, 1+2+3, 2+3+0] = [3, 6, 5]; out[1] = 2x - 1 = [1, 3, 5]
    close(ops.conv_multi_out(xo, wo, [0, -1]), [[[3, 6, 5]], [[1, 3, 5]]])


def test_dft_magnitude_by_hand():
    # an impulse has a flat spectrum
    close(ops.dft_magnitude([[1, 0], [0, 0]]), np.ones((2, 2)))
    # a constant (2, 3) image: all energy (6) at zero frequency, which fftshift moves to (1, 1)
    close(ops.dft_magnitude(np.ones((2, 3))), [[0, 0, 0], [0, 6, 0]], atol=1e-12)


def test_blur_downsample_by_hand():
    # blurring ones(3, 3) with [1,2,1]/4 per axis: a border sample loses 1/4 of the weight
    # corners (3/4)^2 = 9/16, edges 3/4, centre 1; stride 2 keeps the corners
    close(ops.blur_downsample(np.ones((3, 3)), 2), np.full((2, 2), 9 / 16))
    close(ops.blur_downsample(np.ones((3, 3)), (1, 2)), [[9 / 16, 9 / 16], [12 / 16, 12 / 16],
                                                         [9 / 16, 9 / 16]])
    # the alternating pattern [-1, 1, -1, ...] is removed by [1, 2, 1] in the interior
    alt = np.tile([[-1.0, 1.0]], (5, 4))
    assert np.allclose(ops.blur_downsample(alt, 1)[:, 1:-1], 0)


def test_dilate_and_compose_by_hand():
    close(ops.dilate_kernel([1, 2, 1], 2), [1, 0, 2, 0, 1])           # the text's example
    close(ops.dilate_kernel([[1, 2], [3, 4]], 3), [[1, 0, 0, 2], [0, 0, 0, 0],
                                                   [0, 0, 0, 0], [3, 0, 0, 4]])
    close(ops.dilate_kernel([[1, 2, 3]], 1), [[1, 2, 3]])
    # [1,2,3] * [1,0,-1] (full convolution): [1, 2, 3-1, -2, -3]
    close(ops.compose_kernels([[[1, 2, 3]], [[1, 0, -1]]]), [[1, 2, 2, -2, -3]])
    close(ops.compose_kernels([[1, 2, 3], [1, 0, -1]]), [1, 2, 2, -2, -3])     # 1-D too
    # a row box then a column box is the 3x3 box
    close(ops.compose_kernels([np.ones((1, 3)), np.ones((3, 1))]), np.ones((3, 3)))
    # [1,2,1] dilated by 2 kills the period-4 pattern (+1, +1, -1, -1) (section 24.2.3)
    x = np.tile([1.0, 1.0, -1.0, -1.0], 4)
    assert np.allclose(ops.corr1d(x, ops.dilate_kernel([1, 2, 1], 2))[4:-4], 0)


def test_cascade_size_erratum():
    # three 3x3 kernels with dilations 1, 2, 4: 1 + 2*1 + 2*2 + 2*4 = 15 (the text says 9)
    assert ops.cascade_size([3, 3, 3], [1, 2, 4]) == 15
    b = np.outer([1, 2, 1], [1, 2, 1]) / 16
    composed = ops.compose_kernels([ops.dilate_kernel(b, d) for d in (1, 2, 4)])
    assert composed.shape == (15, 15)
    assert ops.cascade_size([3, 5]) == 7
    assert ops.cascade_size([], []) == 1
    with pytest.raises(ValueError):
        ops.cascade_size([3, 3], [1])


def test_separable_and_svd_by_hand():
    x = np.arange(9).reshape(3, 3)
    # row differences d[r, m] = x[r, m-1] - x[r, m+1]: [-1,-2,1], [-4,-2,4], [-7,-2,7]
    # then [1,2,1] down the columns: d[n-1] + 2 d[n] + d[n+1]
    expected = [[-6, -6, 6], [-16, -8, 16], [-18, -6, 18]]
    close(ops.separable_corr2d(x, [1, 2, 1], [1, 0, -1]), expected)
    close(ops.corr2d(x, np.outer([1, 2, 1], [1, 0, -1])), expected)
    s, U, V = ops.svd_separable(np.diag([3.0, -2.0]))
    close(s, [3, 2])
    close(ops.low_rank_kernel(np.diag([3.0, -2.0]), 1), [[3, 0], [0, 0]], atol=1e-12)
    # the text's diagonal derivative = Sobel_x + Sobel_y: rank 2
    w = np.array([[0, -2, -2], [2, 0, -2], [2, 2, 0]])
    assert ops.kernel_rank(w) == 2
    assert ops.kernel_rank(np.outer([1, 2, 1], [1, 0, -1])) == 1
    assert ops.kernel_rank(np.zeros((3, 3))) == 0
    assert ops.corr2d_flops(100, 200, 5, 7) == 700_000
    assert ops.separable_flops(100, 200, 5, 7) == 240_000


def test_zero_insert_upconv_by_hand():
    close(ops.zero_insert([[1, 2], [3, 4]], 2), [[1, 0, 2, 0], [0, 0, 0, 0],
                                                 [3, 0, 4, 0], [0, 0, 0, 0]])
    close(ops.zero_insert([[1, 2]], (2, 1)), [[1, 2], [0, 0]])
    close(ops.interp_kernel(2), [[0.25, 0.5, 0.25], [0.5, 1, 0.5], [0.25, 0.5, 0.25]])
    close(ops.interp_kernel(3)[2], [1 / 3, 2 / 3, 1, 2 / 3, 1 / 3])
    close(ops.interp_kernel(1), [[1]])
    # [[1, 2]] upsampled by 2: the sample row [1, 1.5, 2, 1] (falls to the zero pad
    # after the last sample), the row below half of it
    expected = [[1, 1.5, 2, 1], [0.5, 0.75, 1, 0.5]]
    close(ops.upconv([[1, 2]], ops.interp_kernel(2), 2), expected)
    close(ops.upconv_transpose([[1, 2]], ops.interp_kernel(2), 2), expected)


def test_pooling_by_hand():
    x = np.arange(15).reshape(3, 5)
    # k=2, stride 2: floor((3-2)/2)+1 = 1 row, floor((5-2)/2)+1 = 2 columns
    close(ops.max_pool(x, 2), [[6, 8]])                    # max(0,1,5,6), max(2,3,7,8)
    close(ops.mean_pool(x, 2), [[3, 5]])                   # (0+1+5+6)/4, (2+3+7+8)/4
    close(ops.max_pool(x, 2, stride=1), [[6, 7, 8, 9], [11, 12, 13, 14]])
    close(ops.mean_pool(x, 2, stride=1), [[3, 4, 5, 6], [8, 9, 10, 11]])
    close(ops.max_pool(x, 3, stride=2), [[12, 14]])
    c = np.array([[[1, 2], [3, 4]], [[-1, -5], [0, 2]]])
    close(ops.global_avg_pool(c), [2.5, -1])
    close(ops.global_max_pool(c), [4, 2])
    close(ops.gap(c), [2.5, -1])
    close(ops.global_avg_pool(c[None]), [[2.5, -1]])
    ch = np.array([[[1, 5]], [[2, 0]], [[-1, -2]], [[3, -3]]])   # (4, 1, 2)
    close(ops.channel_max_pool(ch, 2), [[[2, 5]], [[3, -2]]])
    close(ops.channel_max_pool(ch, 4), [[[3, 5]]])
    with pytest.raises(ValueError, match="divisible"):
        ops.channel_max_pool(ch, 3)
    with pytest.raises(ValueError):
        ops.max_pool(x, 4)                                    # window taller than the image


def test_lrn_by_hand_corrected_bounds():
    x = np.array([1.0, 2.0, 3.0]).reshape(3, 1, 1)
    # alpha = beta = gamma = 1, l = 1: windows {0,1}, {0,1,2}, {1,2}
    # c=0: 1 / (1 + 1 + 4) = 1/6;  c=1: 2 / (1 + 14) = 2/15;  c=2: 3 / (1 + 4 + 9) = 3/14
    out = ops.lrn(x, alpha=1, beta=1, gamma=1, l=1)
    close(out.ravel(), [1 / 6, 2 / 15, 3 / 14])
    # the text's bound max(C, c+l) would sum every channel up to C for c=0: 1/15, not 1/6
    assert not np.isclose(out[0, 0, 0], 1 / 15)
    close(ops.lrn_via_torch(x, alpha=1, beta=1, gamma=1, l=1), out)
    # l = 0, beta = 0.5: x / sqrt(gamma + alpha x^2) = 3 / sqrt(2 + (7/9) * 9) = 3 / 3 = 1
    close(ops.lrn(np.full((1, 1, 1), 3.0), alpha=7 / 9, beta=0.5, gamma=2, l=0), [[[1.0]]])


def test_simple_cnn_by_hand():
    close(ops.relu([-1, 0, 2]), [0, 0, 2])
    close(ops.softmax([0, np.log(3)]), [0.25, 0.75])
    close(ops.softmax([0, 2 * np.log(3)], tau=2), [0.25, 0.75])
    # erratum: exp(+z / tau), so the larger logit gets the larger probability
    assert ops.softmax([0.0, 1.0])[1] > 0.5
    close(ops.softmax([1000.0, 1000.0]), [0.5, 0.5])                 # stable
    close(ops.softmax([[0, 0], [0, np.log(3)]], axis=1), [[0.5, 0.5], [0.25, 0.75]])
    close(ops.fc([1, 1], [[1, 2], [3, 4], [0, -1]], [0, 1, 2]), [3, 8, 1])
    # x = [[1, -1]], filters [[1]] and [[-1]]: relu -> [[1, 0]], [[0, 1]]; gap -> [0.5, 0.5]
    # fc: W = [[2, 0], [0, 0]], c = [0, 1 + ln 3] -> logits [1, 1 + ln 3] -> [1/4, 3/4]
    y = ops.simple_cnn_forward([[1, -1]], [[[1]], [[-1]]], [0, 0], [[2, 0], [0, 0]],
                               [0, 1 + np.log(3)])
    close(y, [0.25, 0.75])


# ===========================================================================
# property tests: parity with torch.nn.functional and scipy
# ===========================================================================

@PROPS
@given(seed=seeds, n=side, m=side, k1=odd, k2=odd, dtype=dtypes,
       sn=st.integers(1, 4), sm=st.integers(1, 4), d=st.integers(1, 3), b=st.floats(-2, 2))
def test_corr2d_matches_scipy_and_torch(seed, n, m, k1, k2, dtype, sn, sm, d, b):
    rng = np.random.default_rng(seed)
    x, w = rand(rng, (n, m), dtype), rand(rng, (k1, k2), dtype)
    out = ops.corr2d(x, w, b, stride=(sn, sm), dilation=d)
    assert isinstance(out, np.ndarray) and out.dtype == result_dtype(dtype)
    assert out.shape == (math.ceil(n / sn), math.ceil(m / sm))
    ref = scipy.signal.correlate2d(x.astype(np.float64), dilate_np(w.astype(np.float64), d),
                                   mode="same") + b
    close(out, ref[::sn, ::sm], **tol(dtype))
    if d == 1:
        close(ops.conv_strided(x, w, (sn, sm), b), out)
    direct = F.conv2d(t64(x)[None, None], t64(w)[None, None], t64([b]), stride=(sn, sm),
                      padding=(k1 // 2 * d, k2 // 2 * d), dilation=d)[0, 0]
    close(ops.corr2d(t64(x), t64(w), b, stride=(sn, sm), dilation=d), direct)


@FEW
@given(seed=seeds, lead=st.lists(st.integers(1, 3), min_size=1, max_size=3), n=side, m=side,
       k1=odd, k2=odd, s=st.integers(1, 3))
def test_corr2d_batched_equals_per_image(seed, lead, n, m, k1, k2, s):
    rng = np.random.default_rng(seed)
    x, w = rand(rng, (*lead, n, m)), rand(rng, (k1, k2))
    out = ops.corr2d(x, w, 0.25, stride=s)
    flat = x.reshape(-1, n, m)
    per = np.stack([ops.corr2d(img, w, 0.25, stride=s) for img in flat])
    close(out, per.reshape(out.shape))
    assert out.shape == (*lead, math.ceil(n / s), math.ceil(m / s))


@PROPS
@given(seed=seeds, n=side, m=side, k1=odd, k2=odd, dtype=dtypes, b=st.floats(-2, 2))
def test_convolve2d_matches_scipy(seed, n, m, k1, k2, dtype, b):
    rng = np.random.default_rng(seed)
    x, w = rand(rng, (n, m), dtype), rand(rng, (k1, k2), dtype)
    out = ops.convolve2d(x, w, b)
    ref = scipy.signal.convolve2d(x.astype(np.float64), w.astype(np.float64), mode="same") + b
    close(out, ref, **tol(dtype))
    assert out.dtype == result_dtype(dtype)


@PROPS
@given(seed=seeds, n=st.integers(1, 15), k=st.sampled_from([1, 3, 5, 7, 9]), dtype=dtypes)
def test_corr1d_and_toeplitz(seed, n, k, dtype):
    rng = np.random.default_rng(seed)
    x, w = rand(rng, (n,), dtype), rand(rng, (k,), dtype)
    out = ops.corr1d(x, w)
    ref = scipy.signal.correlate(x.astype(np.float64), w.astype(np.float64), mode="same",
                                 method="direct")
    close(out, ref, **tol(dtype))
    T = ops.toeplitz_1d(w, n)
    assert T.shape == (n, n) and isinstance(T, np.ndarray)
    close(T @ x.astype(T.dtype), out, **tol(dtype))
    # batched and tensor versions
    xb = rand(rng, (2, 3, n), dtype)
    close(ops.corr1d(xb, w), np.stack([[ops.corr1d(r, w) for r in rows] for rows in xb]),
          **tol(dtype))
    close(ops.toeplitz_1d(torch.as_tensor(w), n), T)


@PROPS
@given(seed=seeds, c_in=st.integers(1, 4), c_out=st.integers(1, 4), n=side, m=side,
       k1=small_odd, k2=small_odd, s=st.integers(1, 3), d=st.integers(1, 2),
       batch=st.sampled_from([None, 1, 2]), dtype=dtypes, bias=st.booleans())
def test_conv_layer_matches_torch_and_scipy(seed, c_in, c_out, n, m, k1, k2, s, d, batch, dtype, bias):
    rng = np.random.default_rng(seed)
    shape = (c_in, n, m) if batch is None else (batch, c_in, n, m)
    x, w = rand(rng, shape, dtype), rand(rng, (c_in, c_out, k1, k2), dtype)
    b = rand(rng, (c_out,), dtype) if bias else None
    out = ops.conv_layer(x, w, b, stride=s, dilation=d)
    n2, m2 = math.ceil(n / s), math.ceil(m / s)
    assert out.shape == ((c_out, n2, m2) if batch is None else (batch, c_out, n2, m2))
    assert out.dtype == result_dtype(dtype)
    # torch directly, with the weight transposed to torch's (C_out, C_in, K1, K2)
    x4 = t64(x) if batch is not None else t64(x)[None]
    direct = F.conv2d(x4, t64(w).transpose(0, 1), None if b is None else t64(b), stride=s,
                      padding=(k1 // 2 * d, k2 // 2 * d), dilation=d)
    close(out, direct if batch is not None else direct[0], **tol(dtype))
    # eq. 24.4 with scipy: out[c2] = b[c2] + sum_c1 corr2d(x[c1], w[c1, c2])
    xx = x if batch is None else x[0]
    ref = np.stack([sum(scipy.signal.correlate2d(xx[c1].astype(float), dilate_np(w[c1, c2].astype(float), d),
                                                 mode="same") for c1 in range(c_in))
                    + (0 if b is None else float(b[c2])) for c2 in range(c_out)])[:, ::s, ::s]
    close(out if batch is None else out[0], ref, **tol(dtype))


@PROPS
@given(seed=seeds, c=st.integers(1, 4), n=side, m=side, k1=small_odd, k2=small_odd, dtype=dtypes,
       b=st.floats(-2, 2))
def test_conv_multi_in_out_are_special_layers(seed, c, n, m, k1, k2, dtype, b):
    rng = np.random.default_rng(seed)
    x, w = rand(rng, (c, n, m), dtype), rand(rng, (c, k1, k2), dtype)
    out = ops.conv_multi_in(x, w, b)
    assert out.shape == (n, m)
    close(out, ops.conv_layer(x, w[:, None], [b])[0], **tol(dtype))
    ref = sum(scipy.signal.correlate2d(x[i].astype(float), w[i].astype(float), mode="same")
              for i in range(c)) + b
    close(out, ref, **tol(dtype))
    x1, bias = rand(rng, (n, m), dtype), rand(rng, (c,), dtype)
    outm = ops.conv_multi_out(x1, w, bias)
    assert outm.shape == (c, n, m)
    close(outm, ops.conv_layer(x1[None], w[None], bias), **tol(dtype))
    ref = np.stack([scipy.signal.correlate2d(x1.astype(float), w[i].astype(float), mode="same")
                    + float(bias[i]) for i in range(c)])
    close(outm, ref, **tol(dtype))


@FEW
@given(seed=seeds, n=side, m=side, lead=st.sampled_from([(), (2,), (2, 3)]), dtype=dtypes)
def test_dft_magnitude_matches_numpy(seed, n, m, lead, dtype):
    x = rand(np.random.default_rng(seed), (*lead, n, m), dtype)
    out = ops.dft_magnitude(x)
    ref = np.abs(np.fft.fftshift(np.fft.fft2(x.astype(np.float64)), axes=(-2, -1)))
    assert out.shape == x.shape and out.dtype == result_dtype(dtype)
    close(out, ref, **(dict(rtol=1e-4, atol=1e-4) if dtype == np.float32 else dict(rtol=1e-9, atol=1e-9)))


@FEW
@given(seed=seeds, n=side, m=side, sn=st.integers(1, 4), sm=st.integers(1, 4), dtype=dtypes)
def test_blur_downsample_matches_scipy(seed, n, m, sn, sm, dtype):
    x = rand(np.random.default_rng(seed), (n, m), dtype)
    out = ops.blur_downsample(x, (sn, sm))
    k = np.outer([1, 2, 1], [1, 2, 1]) / 16
    ref = scipy.signal.correlate2d(x.astype(float), k, mode="same")[::sn, ::sm]
    close(out, ref, **tol(dtype))
    assert out.shape == (math.ceil(n / sn), math.ceil(m / sm))


@PROPS
@given(seed=seeds, n=side, m=side, k1=small_odd, k2=small_odd, d=st.integers(1, 4), dtype=dtypes)
def test_dilation(seed, n, m, k1, k2, d, dtype):
    rng = np.random.default_rng(seed)
    x, w = rand(rng, (n, m), dtype), rand(rng, (k1, k2), dtype)
    wd = ops.dilate_kernel(w, d)
    assert wd.shape == ((k1 - 1) * d + 1, (k2 - 1) * d + 1)
    close(wd, dilate_np(w.astype(float), d))
    close(ops.dilate_kernel(w[0], d), dilate_np(w[:1].astype(float), d)[0])        # 1-D
    out = ops.conv_dilated(x, w, d, 0.5)
    close(out, ops.corr2d(x, wd, 0.5), **tol(dtype))
    direct = F.conv2d(t64(x)[None, None], t64(w)[None, None], padding=(k1 // 2 * d, k2 // 2 * d),
                      dilation=d)[0, 0] + 0.5
    close(out, direct, **tol(dtype))


@PROPS
@given(seed=seeds, sizes=st.lists(st.tuples(small_odd, small_odd), min_size=1, max_size=4),
       dil=st.lists(st.integers(1, 3), min_size=4, max_size=4))
def test_compose_kernels(seed, sizes, dil):
    rng = np.random.default_rng(seed)
    ks = [dilate_np(rand(rng, s), d) for s, d in zip(sizes, dil)]
    comp = ops.compose_kernels(ks)
    assert comp.shape == (sum(k.shape[0] - 1 for k in ks) + 1, sum(k.shape[1] - 1 for k in ks) + 1)
    assert comp.shape[0] == ops.cascade_size([s[0] for s in sizes], dil[:len(sizes)])
    ref = ks[0]
    for k in ks[1:]:
        ref = scipy.signal.convolve2d(ref, k, mode="full")
    close(comp, ref, rtol=1e-9, atol=1e-12)
    # cascading the correlations == correlating once with the composed kernel,
    # exactly, when the image has a zero margin as wide as the composed radius
    r1, r2 = comp.shape[0] // 2, comp.shape[1] // 2
    x = np.zeros((5 + 2 * r1, 4 + 2 * r2))
    x[r1:r1 + 5, r2:r2 + 4] = rand(rng, (5, 4))
    y = x
    for k in ks:
        y = ops.corr2d(y, k)
    close(y, ops.corr2d(x, comp), rtol=1e-9, atol=1e-12)


@PROPS
@given(seed=seeds, n=side, m=side, k1=odd, k2=odd, dtype=dtypes, b=st.floats(-2, 2),
       lead=st.sampled_from([(), (3,)]))
def test_separable_corr2d(seed, n, m, k1, k2, dtype, b, lead):
    rng = np.random.default_rng(seed)
    x, u, v = rand(rng, (*lead, n, m), dtype), rand(rng, (k1,), dtype), rand(rng, (k2,), dtype)
    out = ops.separable_corr2d(x, u, v, b)
    close(out, ops.corr2d(x, np.outer(u, v), b), **tol(dtype))
    if not lead:
        ref = scipy.signal.correlate2d(x.astype(float), np.outer(u, v).astype(float), mode="same") + b
        close(out, ref, **tol(dtype))


@PROPS
@given(seed=seeds, k1=st.integers(1, 7), k2=st.integers(1, 7), r=st.integers(0, 7))
def test_svd_low_rank(seed, k1, k2, r):
    rng = np.random.default_rng(seed)
    r = min(r, k1, k2)
    # a generic kernel of rank r
    w = sum((np.outer(rng.normal(size=k1), rng.normal(size=k2)) for _ in range(r)),
            np.zeros((k1, k2)))
    s, U, V = ops.svd_separable(w)
    q = min(k1, k2)
    assert s.shape == (q,) and U.shape == (k1, q) and V.shape == (k2, q)
    assert np.all(np.diff(s) <= 1e-12) and np.all(s >= 0)
    close(sum(s[i] * np.outer(U[:, i], V[:, i]) for i in range(q)), w, atol=1e-10)
    assert ops.kernel_rank(w) == r == np.linalg.matrix_rank(w)
    close(ops.low_rank_kernel(w, r), w, atol=1e-10)
    # Eckart-Young: the rank-j error is the norm of the dropped singular values
    w2 = rng.normal(size=(k1, k2))
    s2 = np.linalg.svd(w2, compute_uv=False)
    for j in range(q + 1):
        err = np.linalg.norm(w2 - ops.low_rank_kernel(w2, j))
        assert np.isclose(err, np.sqrt(np.sum(s2[j:] ** 2)), atol=1e-9)
    assert ops.corr2d_flops(k1, k2, 3, 5) == k1 * k2 * 15
    assert ops.separable_flops(k1, k2, 3, 5) == k1 * k2 * 8


@PROPS
@given(seed=seeds, n=st.integers(1, 6), m=st.integers(1, 6), k1=odd, k2=odd,
       sn=st.integers(1, 4), sm=st.integers(1, 4), b=st.floats(-2, 2), dtype=dtypes,
       lead=st.sampled_from([(), (2,), (2, 3)]))
def test_upconv_equals_upconv_transpose_and_conv_transpose2d(seed, n, m, k1, k2, sn, sm, b, dtype, lead):
    rng = np.random.default_rng(seed)
    x, w = rand(rng, (*lead, n, m), dtype), rand(rng, (k1, k2), dtype)
    h = ops.zero_insert(x, (sn, sm))
    assert h.shape == (*lead, n * sn, m * sm)
    mask = np.zeros(h.shape[-2:], bool)
    mask[::sn, ::sm] = True
    assert np.array_equal(h[..., mask], x.reshape(*lead, -1)) and not h[..., ~mask].any()
    up = ops.upconv(x, w, (sn, sm), b)
    assert up.shape == (*lead, n * sn, m * sm)
    close(up, ops.corr2d(h, w, b), **tol(dtype))
    close(ops.upconv_transpose(x, w, (sn, sm), b), up, **tol(dtype))
    # the relation spelled out: flipped kernel, padding K, output_padding s - 1
    xt = t64(x).reshape(-1, 1, n, m)
    direct = F.conv_transpose2d(xt, t64(w).flip(-2, -1)[None, None], stride=(sn, sm),
                                padding=(k1 // 2, k2 // 2), output_padding=(sn - 1, sm - 1)) + b
    close(up, direct.reshape(up.shape), **tol(dtype))
    if not lead:
        ref = scipy.signal.correlate2d(h.astype(float), w.astype(float), mode="same") + b
        close(up, ref, **tol(dtype))


@PROPS
@given(seed=seeds, n=st.integers(1, 6), m=st.integers(1, 6), s=st.integers(1, 4))
def test_interp_kernel_is_linear_interpolation(seed, n, m, s):
    x = rand(np.random.default_rng(seed), (n, m))
    up = ops.upconv(x, ops.interp_kernel(s), s)
    close(up[::s, ::s], x)                                        # exact at the samples
    # linear in between, towards a zero sample one step past the end (zero padding)
    pos_n, pos_m = np.arange(n * s) / s, np.arange(m * s) / s
    xz = np.zeros((n + 1, m + 1))
    xz[:n, :m] = x
    rows = np.stack([np.interp(pos_m, np.arange(m + 1), r) for r in xz])
    ref = np.stack([np.interp(pos_n, np.arange(n + 1), col) for col in rows.T]).T
    close(up, ref, atol=1e-12)
    k = ops.interp_kernel(s)
    assert k.shape == (2 * s - 1, 2 * s - 1) and ops.kernel_rank(k) == 1


def _pool_ref(x, kn, km, sn, sm, fn):
    win = sliding_window_view(x.astype(np.float64), (kn, km), axis=(-2, -1))
    return fn(win[..., ::sn, ::sm, :, :], axis=(-2, -1))


@PROPS
@given(seed=seeds, n=side, m=side, kn=st.integers(1, 4), km=st.integers(1, 4),
       stride=st.one_of(st.none(), st.tuples(st.integers(1, 3), st.integers(1, 3))),
       lead=st.sampled_from([(), (3,), (2, 3)]), dtype=dtypes)
def test_pooling_matches_numpy_scipy_torch(seed, n, m, kn, km, stride, lead, dtype):
    if kn > n or km > m:
        with pytest.raises(ValueError):
            ops.max_pool(np.zeros((n, m)), (kn, km), stride)
        return
    x = rand(np.random.default_rng(seed), (*lead, n, m), dtype)
    sn, sm = (kn, km) if stride is None else stride
    mx, mn = ops.max_pool(x, (kn, km), stride), ops.mean_pool(x, (kn, km), stride)
    shape = (*lead, (n - kn) // sn + 1, (m - km) // sm + 1)                       # eq. 24.8
    assert mx.shape == mn.shape == shape
    assert mx.dtype == mn.dtype == result_dtype(dtype)
    close(mx, _pool_ref(x, kn, km, sn, sm, np.max))
    close(mn, _pool_ref(x, kn, km, sn, sm, np.mean), **tol(dtype))
    # scipy.ndimage filters: the window [i, i + k) is origin -(k // 2)
    size = (1,) * len(lead) + (kn, km)
    origin = (0,) * len(lead) + (-(kn // 2), -(km // 2))
    sl = (Ellipsis, slice(0, n - kn + 1, sn), slice(0, m - km + 1, sm))
    xf = x.astype(np.float64)
    close(mx, scipy.ndimage.maximum_filter(xf, size=size, origin=origin, mode="constant")[sl])
    close(mn, scipy.ndimage.uniform_filter(xf, size=size, origin=origin, mode="constant")[sl],
          **(tol(dtype) if dtype == np.float32 else dict(rtol=1e-9, atol=1e-12)))
    if len(lead) in (1, 2):            # torch directly on the same tensor
        close(ops.max_pool(t64(x), (kn, km), stride), F.max_pool2d(t64(x), (kn, km), (sn, sm)))
        close(ops.mean_pool(t64(x), (kn, km), stride), F.avg_pool2d(t64(x), (kn, km), (sn, sm)))


@FEW
@given(seed=seeds, c=st.integers(1, 6), g=st.integers(1, 3), n=side, m=side,
       batch=st.sampled_from([(), (2,)]), dtype=dtypes)
def test_global_and_channel_pooling(seed, c, g, n, m, batch, dtype):
    x = rand(np.random.default_rng(seed), (*batch, c * g, n, m), dtype)
    close(ops.global_avg_pool(x), x.astype(float).mean(axis=(-2, -1)), **tol(dtype))
    close(ops.global_max_pool(x), x.astype(float).max(axis=(-2, -1)))
    close(ops.gap(x), x.astype(float).mean(axis=(-2, -1)), **tol(dtype))
    out = ops.channel_max_pool(x, g)
    assert out.shape == (*batch, c, n, m)
    close(out, x.astype(float).reshape(*batch, c, g, n, m).max(axis=-3))
    if g > 1 and (c * g) % (g + 1):
        with pytest.raises(ValueError):
            ops.channel_max_pool(x, g + 1)


def _lrn_loop(x, alpha, beta, gamma, l):
    """eq. 24.9 with the corrected bounds, as a plain loop over channels."""
    x = x.astype(np.float64)
    C = x.shape[-3]
    out = np.empty_like(x)
    for c in range(C):
        lo, hi = max(0, c - l), min(C - 1, c + l)
        s = (x[..., lo:hi + 1, :, :] ** 2).sum(axis=-3)
        out[..., c, :, :] = x[..., c, :, :] / (gamma + alpha * s) ** beta
    return out


@PROPS
@given(seed=seeds, c=st.integers(1, 8), n=st.integers(1, 5), m=st.integers(1, 5),
       l=st.integers(0, 4), alpha=st.floats(1e-4, 2.0), beta=st.floats(0.1, 1.5),
       gamma=st.floats(0.5, 3.0), batch=st.sampled_from([(), (2,)]), dtype=dtypes)
def test_lrn_matches_loop_and_torch(seed, c, n, m, l, alpha, beta, gamma, batch, dtype):
    x = rand(np.random.default_rng(seed), (*batch, c, n, m), dtype)
    out = ops.lrn(x, alpha, beta, gamma, l)
    assert out.shape == x.shape and out.dtype == result_dtype(dtype)
    close(out, _lrn_loop(x, alpha, beta, gamma, l), **tol(dtype))
    close(ops.lrn_via_torch(x, alpha, beta, gamma, l), out, **tol(dtype))
    # torch's alpha is divided by the window size: without the conversion it differs
    size = 2 * l + 1
    x4 = t64(x).reshape(-1, c, n, m)
    direct = torch.nn.LocalResponseNorm(size, alpha * size, beta, gamma)(x4).reshape(x.shape)
    close(out, direct, **tol(dtype))
    if size > 1 and np.abs(x).max() > 0.5:
        unconverted = torch.nn.LocalResponseNorm(size, alpha, beta, gamma)(x4).reshape(x.shape)
        out64 = ops.lrn(x.astype(np.float64), alpha, beta, gamma, l)
        assert not np.allclose(out64, unconverted.numpy(), rtol=1e-10, atol=0)


@PROPS
@given(seed=seeds, k=st.integers(1, 6), c=st.integers(1, 5), n=side, m=side, k1=small_odd,
       k2=small_odd, tau=st.floats(0.2, 5.0), scale=st.sampled_from([1.0, 1e3]))
def test_softmax_and_simple_cnn(seed, k, c, n, m, k1, k2, tau, scale):
    rng = np.random.default_rng(seed)
    z = rand(rng, (k, 3)) * scale
    y = ops.softmax(z, tau, axis=0)
    assert np.all(np.isfinite(y)) and np.all(y >= 0)
    close(y.sum(axis=0), np.ones(3))
    close(y, scipy.special.softmax(z / tau, axis=0), atol=1e-12)
    close(ops.softmax(z, tau, axis=1), scipy.special.softmax(z / tau, axis=1), atol=1e-12)
    close(ops.relu(z), np.maximum(z, 0))
    x, w, b = rand(rng, (n, m)), rand(rng, (c, k1, k2)), rand(rng, (c,))
    W, cc = rand(rng, (k, c)), rand(rng, (k,))
    z1 = np.stack([scipy.signal.correlate2d(x, w[i], mode="same") + b[i] for i in range(c)])
    z3 = W @ np.maximum(z1, 0).mean(axis=(1, 2)) + cc
    ref = scipy.special.softmax(z3 / tau)
    out = ops.simple_cnn_forward(x, w, b, W, cc, tau)
    assert out.shape == (k,)
    close(out, ref, atol=1e-12)
    close(ops.fc(np.maximum(z1, 0).mean(axis=(1, 2)), W, cc), z3)
    # a batch of images gives a batch of probability vectors
    xb = np.stack([x, -x])
    close(ops.simple_cnn_forward(xb, w, b, W, cc, tau)[0], ref, atol=1e-12)


# ===========================================================================
# conventions: kinds, dtypes, inputs unchanged
# ===========================================================================

# name, function of the array arguments, shapes of the array arguments
CASES = [
    ("corr2d", lambda x, w: ops.corr2d(x, w, 0.5, stride=(2, 1), dilation=(1, 2)), [(2, 5, 6), (3, 1)]),
    ("convolve2d", lambda x, w: ops.convolve2d(x, w, -1.0), [(5, 6), (3, 5)]),
    ("corr1d", ops.corr1d, [(2, 7), (3,)]),
    ("toeplitz_1d", lambda w: ops.toeplitz_1d(w, 5), [(3,)]),
    ("conv_layer", lambda x, w, b: ops.conv_layer(x, w, b, stride=2), [(2, 5, 6), (2, 3, 3, 1), (3,)]),
    ("conv_layer_batched", lambda x, w, b: ops.conv_layer(x, w, b), [(2, 2, 5, 6), (2, 3, 3, 5), (3,)]),
    ("conv_multi_in", lambda x, w: ops.conv_multi_in(x, w, 1.5), [(2, 5, 6), (2, 3, 3)]),
    ("conv_multi_out", ops.conv_multi_out, [(5, 6), (3, 3, 1), (3,)]),
    ("conv_strided", lambda x, w: ops.conv_strided(x, w, (3, 2), 0.5), [(2, 5, 7), (3, 5)]),
    ("dft_magnitude", ops.dft_magnitude, [(4, 5)]),
    ("blur_downsample", lambda x: ops.blur_downsample(x, 2), [(5, 6)]),
    ("dilate_kernel", lambda w: ops.dilate_kernel(w, 2), [(3, 3)]),
    ("conv_dilated", lambda x, w: ops.conv_dilated(x, w, 2, 0.5), [(5, 6), (3, 3)]),
    ("compose_kernels", lambda a, b: ops.compose_kernels([a, b]), [(3, 3), (1, 5)]),
    ("separable_corr2d", lambda x, u, v: ops.separable_corr2d(x, u, v, 1.0), [(5, 6), (3,), (5,)]),
    ("svd_separable", ops.svd_separable, [(3, 4)]),
    ("low_rank_kernel", lambda w: ops.low_rank_kernel(w, 1), [(3, 4)]),
    ("zero_insert", lambda x: ops.zero_insert(x, 2), [(3, 4)]),
    ("upconv", lambda x, w: ops.upconv(x, w, 2, 0.5), [(3, 4), (3, 3)]),
    ("upconv_transpose", lambda x, w: ops.upconv_transpose(x, w, (2, 3), 0.5), [(3, 4), (3, 5)]),
    ("max_pool", lambda x: ops.max_pool(x, 2), [(2, 5, 6)]),
    ("mean_pool", lambda x: ops.mean_pool(x, 2, stride=1), [(2, 5, 6)]),
    ("global_avg_pool", ops.global_avg_pool, [(3, 4, 5)]),
    ("global_max_pool", ops.global_max_pool, [(2, 3, 4, 5)]),
    ("channel_max_pool", lambda x: ops.channel_max_pool(x, 2), [(4, 3, 3)]),
    ("lrn", ops.lrn, [(5, 3, 4)]),
    ("lrn_via_torch", ops.lrn_via_torch, [(5, 3, 4)]),
    ("relu", ops.relu, [(3, 4)]),
    ("softmax", lambda z: ops.softmax(z, 2.0, axis=1), [(3, 4)]),
    ("gap", ops.gap, [(3, 4, 5)]),
    ("fc", ops.fc, [(3,), (2, 3), (2,)]),
    ("simple_cnn_forward", ops.simple_cnn_forward, [(5, 6), (2, 3, 3), (2,), (3, 2), (3,)]),
]
CASE_IDS = [c[0] for c in CASES]


def _as_tuple(out):
    return out if isinstance(out, tuple) else (out,)


def _args(shapes, dtype, seed=0):
    rng = np.random.default_rng(seed)
    return [rand(rng, s, dtype) for s in shapes]


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64, np.int32, np.uint8, np.bool_],
                         ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("name,fn,shapes", CASES, ids=CASE_IDS)
def test_numpy_in_numpy_out(name, fn, shapes, dtype):
    if dtype is np.bool_:
        args = [a > 0 for a in _args(shapes, np.float64)]
    else:
        args = _args(shapes, dtype)
    before = [a.copy() for a in args]
    outs = _as_tuple(fn(*args))
    for out in outs:
        assert isinstance(out, np.ndarray), f"{name} returned {type(out)} for numpy input"
        assert out.dtype == result_dtype(dtype), f"{name}: dtype {out.dtype}"
        assert np.all(np.isfinite(out))
        for a in args:
            assert not np.shares_memory(out, a), f"{name} returned memory shared with an input"
    for a, b in zip(args, before):
        assert a.dtype == b.dtype and np.array_equal(a, b), f"{name} modified its input"
    # same numbers as float64
    ref = _as_tuple(fn(*[a.astype(np.float64) for a in args]))
    for out, r in zip(outs, ref):
        close(out, r, **tol(dtype))


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32, torch.int64, torch.int32],
                         ids=str)
@pytest.mark.parametrize("name,fn,shapes", CASES, ids=CASE_IDS)
def test_tensor_in_tensor_out(name, fn, shapes, dtype):
    args = [torch.as_tensor(a).to(dtype) for a in _args(shapes, np.float64 if dtype.is_floating_point else np.int64)]
    before = [a.clone() for a in args]
    outs = _as_tuple(fn(*args))
    expected = dtype if dtype.is_floating_point else torch.float64
    for out in outs:
        assert isinstance(out, torch.Tensor), f"{name} returned {type(out)} for tensor input"
        assert out.dtype == expected and out.device == args[0].device
        for a in args:
            assert out.untyped_storage().data_ptr() != a.untyped_storage().data_ptr()
    for a, b in zip(args, before):
        assert a.dtype == b.dtype and torch.equal(a, b), f"{name} modified its input"
    ref = _as_tuple(fn(*[a.numpy() for a in args]))
    for out, r in zip(outs, ref):
        close(out, r, **tol(np.float32 if dtype == torch.float32 else np.float64))


def test_dtype_promotion_and_mixed_kinds():
    x32 = np.ones((4, 5), np.float32)
    w64 = np.ones((3, 3))
    assert ops.corr2d(x32, w64).dtype == np.float64              # float32 with float64 -> float64
    assert ops.corr2d(x32, np.ones((3, 3), int)).dtype == np.float32   # ints do not widen
    assert ops.corr2d(np.ones((4, 5), int), np.ones((3, 3), int)).dtype == np.float64
    assert ops.corr2d(x32, np.ones((3, 3), np.float32), b=np.float64(2.0)).dtype == np.float32
    assert ops.corr2d(np.ones((4, 5), np.float16), w64.astype(np.float16)).dtype == np.float32
    # kind follows x: tensor x with a numpy kernel -> tensor; numpy x with a tensor kernel -> numpy
    out = ops.corr2d(torch.ones(4, 5), w64)
    assert isinstance(out, torch.Tensor) and out.dtype == torch.float64
    assert isinstance(ops.corr2d(np.ones((4, 5)), torch.ones(3, 3)), np.ndarray)
    assert isinstance(ops.upconv(torch.ones(2, 3), ops.interp_kernel(2), 2), torch.Tensor)
    # lists are fine
    assert isinstance(ops.corr2d([[1, 2], [3, 4]], [[1]]), np.ndarray)


def test_awkward_numpy_inputs_without_warnings():
    x = np.arange(30.0).reshape(5, 6)
    w = np.arange(9.0).reshape(3, 3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        a = ops.corr2d(x, w[::-1, ::-1])                              # negative strides
        ro = x.copy()
        ro.flags.writeable = False
        b = ops.corr2d(ro, w)                                         # read-only
        c = ops.corr2d(np.broadcast_to(x[:1], (5, 6)), w)            # zero strides
        d = ops.corr2d(x.astype(">f8"), w)                            # big-endian
        e = ops.corr2d(np.asfortranarray(x), w)                      # Fortran order
    close(a, ops.convolve2d(x, w))
    close(b, ops.corr2d(x, w))
    close(c, ops.corr2d(np.repeat(x[:1], 5, axis=0), w))
    close(d, b)
    close(e, b)


def test_autograd_flows_through_tensor_outputs():
    x = torch.randn(2, 3, 5, 4, dtype=torch.float64, requires_grad=True)
    w = torch.randn(3, 2, 3, 1, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda x, w: ops.conv_layer(x, w, stride=2), (x, w))
    assert torch.autograd.gradcheck(lambda x: ops.lrn(x, 0.5, 0.75, 1.0, 1), (x,))
    k = torch.randn(3, 3, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda x, k: ops.upconv_transpose(x, k, 2), (x, k))


def test_ops_imports_only_numpy_and_torch():
    utils = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "utils")
    code = ("import sys; import convcourse.ops; "
            "bad = [m for m in ('scipy', 'matplotlib') if m in sys.modules]; "
            "assert not bad, bad")
    env = dict(os.environ, PYTHONPATH=utils + os.pathsep + os.environ.get("PYTHONPATH", ""))
    res = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr


def test_docstrings_name_the_chapter():
    for name in ops.__all__:
        doc = getattr(ops, name).__doc__ or ""
        assert "24" in doc and len(doc) > 60, f"{name} needs a docstring citing chapter 24"


# ===========================================================================
# device helper and benchmark (smoke)
# ===========================================================================

def test_device_helpers():
    from convcourse import device
    dev = device.try_gpu()
    assert isinstance(dev, torch.device)
    assert (dev.type == "cuda") == device.cuda_available()
    assert device.try_gpu(10_000).type == "cpu"
    t = device.to_device(np.arange(3.0), "cpu")
    assert isinstance(t, torch.Tensor) and t.dtype == torch.float64
    moved = device.to_device({"a": torch.ones(2), "b": [np.zeros(1), 3]}, "cpu")
    assert isinstance(moved["b"][0], torch.Tensor) and moved["b"][1] == 3
    lin = device.to_device(torch.nn.Linear(2, 2), "cpu")
    assert isinstance(lin, torch.nn.Linear)
    assert isinstance(device.describe_device(), str) and device.describe_device("cpu").startswith("cpu")


def test_bench_smoke(capsys):
    from convcourse import bench
    rows = bench.bench_ops(device="cpu", batch=1, c_in=2, c_out=3, size=8, repeats=2, warmup=1,
                           min_sample_s=0.0)
    assert [r[0] for r in rows] == ["conv_layer", "corr2d", "max_pool", "upconv",
                                    "upconv_transpose", "lrn"]
    for name, a, b, ratio in rows:
        assert a > 0 and b > 0 and math.isclose(ratio, a / b)
    bench.print_table(rows, "smoke")
    out = capsys.readouterr().out
    assert "smoke" in out and "conv_layer" in out and "ratio" in out


# ===========================================================================
# CUDA parity (skipped without a GPU)
# ===========================================================================

# float32 convolutions on recent GPUs run in TF32 by default (cudnn), about 1e-3 relative;
# the CUDA tests use small integer values, which TF32 represents and sums exactly
CUDA_F32 = dict(rtol=1e-4, atol=1e-4)


@pytest.mark.cuda
@needs_cuda
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=str)
@pytest.mark.parametrize("name,fn,shapes", CASES, ids=CASE_IDS)
def test_cuda_matches_cpu(name, fn, shapes, dtype):
    cpu = [torch.as_tensor(a).to(dtype) for a in _args(shapes, np.int64)]
    gpu = [a.cuda() for a in cpu]
    outs_cpu, outs_gpu = _as_tuple(fn(*cpu)), _as_tuple(fn(*gpu))
    for og in outs_gpu:
        assert og.is_cuda
    if name == "svd_separable":       # singular vectors are not unique: compare s and U S V^T
        outs_cpu = (outs_cpu[0], (outs_cpu[1] * outs_cpu[0]) @ outs_cpu[2].T)
        outs_gpu = (outs_gpu[0], (outs_gpu[1] * outs_gpu[0]) @ outs_gpu[2].T)
    for oc, og in zip(outs_cpu, outs_gpu):
        assert og.dtype == oc.dtype
        close(og, oc, **(CUDA_F32 if dtype == torch.float32 else tol(np.float64)))


@pytest.mark.cuda
@needs_cuda
def test_cuda_numpy_kernel_follows_tensor_device():
    x = torch.randint(-4, 5, (2, 3, 8, 9), device="cuda").float()
    out = ops.corr2d(x, np.ones((3, 3), np.float32), stride=2)
    assert out.is_cuda and out.dtype == torch.float32
    close(out, ops.corr2d(x.cpu(), np.ones((3, 3), np.float32), stride=2), **CUDA_F32)
    up = ops.upconv(x, ops.interp_kernel(2), 2)
    assert up.is_cuda and up.dtype == torch.float64      # interp_kernel is float64 numpy
    close(ops.upconv_transpose(x, ops.interp_kernel(2), 2), up, rtol=1e-6, atol=1e-6)
    rows = __import__("convcourse.bench", fromlist=["bench_ops"]).bench_ops(
        device="cuda", batch=1, c_in=2, c_out=2, size=8, repeats=2, warmup=1, min_sample_s=0.0)
    assert len(rows) == 6
