"""Hidden tests of 03_dilation: the visible checkers on inputs students never saw.

Other seeds and sizes, non-square kernels and images, dilated kernels wider
than the image, 1x1 and single-row kernels, integer and float32 dtypes,
tuples instead of lists, keyword calls, and more cascades.
"""
import numpy as np

from convcourse import ops
from convgrader.checks import dilation as c
from convcourse.checks.core import Case

SEED = 24_2_3


def hidden_dilate_kernel(fn):
    rng = np.random.default_rng(SEED)
    cases = c.cases_dilate_kernel(SEED, shapes=[(5, 3, 2), (3, None, 5), (1, 1, 4), (1, 5, 3), (5, 1, 2),
                                                (3, 3, 7), (2, None, 3)])
    cases += [
        Case((rng.integers(-4, 5, size=(3, 5)), 3), label="integer 3x5 kernel, d = 3"),
        Case((rng.integers(-4, 5, size=5), 2), label="integer length-5 kernel, d = 2"),
        Case((rng.normal(size=(3, 3)).astype(np.float32), 2), label="float32 3x3 kernel, d = 2"),
        Case((rng.normal(size=(3, 5)),), {"d": 4}, label="d passed as a keyword"),
        Case((rng.normal(size=(5, 5)), np.int64(2)), label="d given as a numpy integer"),
    ]
    c.check_dilate_kernel(fn, cases)


def hidden_conv_dilated(fn):
    rng = np.random.default_rng(SEED)
    cases = c.cases_conv_dilated(SEED, shapes=[((9, 7), (5, 3), 2, True), ((6, 11), (3, 5), 3, True),
                                               ((5, 4), (3, 3), 3, True), ((4, 5), (3, 3), 5, False),
                                               ((10, 9), (1, 1), 4, True), ((8, 12), (3, 7), 2, True),
                                               ((12, 10), (5, 5), 1, False)])
    cases += [
        Case((rng.integers(-5, 6, size=(7, 6)), rng.integers(-3, 4, size=(3, 3)), 2, 1),
             label="integer image, kernel and bias"),
        Case((rng.normal(size=(8, 9)).astype(np.float32), rng.normal(size=(3, 3)).astype(np.float32), 2, 0.5),
             label="float32 image and kernel"),
        Case((rng.normal(size=(7, 8)), rng.normal(size=(3, 3))), {"dilation": 3, "b": -1.5},
             label="dilation and b passed as keywords"),
        Case((rng.normal(size=(6, 6)), rng.normal(size=(3, 3)), np.int64(2)), label="dilation as a numpy integer"),
    ]
    c.check_conv_dilated(fn, cases)


def _spectrum(w, d, n):
    return np.abs(np.fft.fft2(ops.dilate_kernel(np.asarray(w, dtype=np.float64), d), (n, n)))


def hidden_count_peaks(fn):
    rng = np.random.default_rng(SEED)
    edge = np.zeros((6, 7))
    edge[0, 3] = 2.0              # a peak on the top border
    edge[5, 3] = 1.0              # wraps around next to it: lower, so not a peak
    edge[3, 0] = 1.5              # a peak on the left border
    edge[2, 6] = 1.0              # its diagonal neighbour across the wrap: lower
    plateau = np.zeros((5, 5))
    plateau[1:3, 1:3] = 4.0       # a 2x2 plateau: no peak
    plateau[4, 4] = -1.0
    smooth = np.cos(2 * np.pi * np.arange(12) / 12)[:, None] * np.cos(2 * np.pi * np.arange(10) / 5)[None, :]
    cases = [
        Case((edge,), label="peaks on the border, lower values across the wrap-around"),
        Case((plateau,), label="a 2x2 plateau"),
        Case((rng.normal(size=(9, 8)),), label="random 9x8 array"),
        Case((rng.normal(size=(3, 4)),), label="random 3x4 array"),
        Case((rng.integers(-3, 4, size=(7, 7)),), label="integer array (with ties)"),
        Case((rng.normal(size=(6, 5)).astype(np.float32),), label="float32 array"),
        Case((-smooth,), label="a periodic product of cosines"),
        Case((_spectrum(c.BINOMIAL, 4, 32),), label="|DFT| of b_22 dilated by 4 (32x32)"),
        Case((np.fft.fftshift(_spectrum(c.BINOMIAL, 2, 24)),), label="fftshifted |DFT| of b_22 dilated by 2"),
        Case((_spectrum(rng.normal(size=(3, 3)), 3, 18),), label="|DFT| of a random kernel dilated by 3"),
        Case((rng.normal(size=(8, 6)),), {"tol": 1.0}, label="tol=1.0 passed as a keyword"),
        Case((2.0 + 1e-11 * rng.normal(size=(6, 6)),), {"tol": 1e-9}, label="noise below tol"),
        Case((np.zeros((4, 6)),), label="all zeros: no peaks"),
    ]
    c.check_count_peaks(fn, cases)


def hidden_compose_kernels(fn):
    rng = np.random.default_rng(SEED)
    k = c._random_kernels
    cases = [
        Case((k(rng, [(3, 3), (3, 3)]),), label="two random 3x3 kernels"),
        Case((k(rng, [(5, 3), (3, 7), (1, 1), (3, 3)]),), label="4 kernels: 5x3, 3x7, 1x1, 3x3"),
        Case((tuple(k(rng, [(3, 3)] * 3)),), label="a tuple of three 3x3 kernels"),
        Case((k(rng, [(3, 3)] * 5),), label="five random 3x3 kernels"),
        Case((k(rng, [(1, 1), (1, 1)]),), label="two 1x1 kernels"),
        Case((k(rng, [(7, 3), (3, 7)]),), label="7x3 then 3x7"),
        Case(([rng.integers(-3, 4, size=(3, 3)), rng.integers(-3, 4, size=(1, 3)), rng.integers(-3, 4, size=(3, 1))],),
             label="integer kernels"),
        Case(([x.astype(np.float32) for x in k(rng, [(3, 3), (3, 5)])],), label="float32 kernels"),
        Case(([ops.dilate_kernel(x, d) for x, d in zip(k(rng, [(3, 3), (3, 5), (3, 3)]), (2, 1, 3))],),
             label="dilated kernels (d = 2, 1, 3), non-square"),
        Case((k(rng, [(3, 5)]),), label="one 3x5 kernel"),
        Case(([rng.integers(-3, 4, size=(3, 3))],), label="one integer kernel: returned as floats"),
    ]
    c.check_compose_kernels(fn, cases)


def hidden_cascade_size(fn):
    cases = [
        Case(([7], [3]), label="one 7x7 kernel dilated by 3"),
        Case(([3, 5, 3], [2, 1, 3]), label="3, 5, 3 with dilations 2, 1, 3"),
        Case(((3, 3, 3, 3, 3), (1, 2, 4, 8, 16)), label="tuples: five 3x3 kernels, dilations 1 .. 16"),
        Case((np.array([3, 3]), np.array([2, 2])), label="numpy integer arrays"),
        Case(([5, 5, 5], [1, 1, 1]), label="three 5x5 kernels, no dilation"),
        Case(([1, 1], [3, 7]), label="1x1 kernels: size 1 whatever the dilation"),
        Case((), {"kernel_sizes": [3, 3, 3], "dilations": [1, 3, 9]}, label="keyword arguments"),
        Case(([9, 3], [2, 5]), label="9x9 dilated by 2, then 3x3 dilated by 5"),
    ]
    c.check_cascade_size(fn, cases)

