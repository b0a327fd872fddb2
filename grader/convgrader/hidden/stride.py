"""Hidden tests of 02_stride: the visible checkers on inputs students never saw.

Other seeds and sizes, non-square images, kernels and strides, strides
larger than the kernel and than the image, sizes divisible and not
divisible by the stride, strides given as lists and numpy integers, integer
and float32 dtypes, keyword calls, an all-zero signal; and the correct
letters of the three questions.
"""
import numpy as np

from convgrader.checks import stride as c
from convcourse.checks.core import Case, check_choice

SEED = 24_2_2


def hidden_conv_strided(fn):
    rng = np.random.default_rng(SEED)
    cases = c.cases_conv_strided(SEED, specs=[
        ((9, 9), (3, 3), 3),            # divisible
        ((10, 7), (3, 3), 3),           # not divisible
        ((8, 11), (5, 3), (2, 4)),
        ((12, 6), (3, 3), 5),           # stride larger than the kernel: some pixels never read
        ((3, 4), (3, 3), 5),            # stride larger than the image: one output
        ((1, 9), (1, 3), 2),            # a single row
        ((3, 3), (5, 5), 2),            # kernel larger than the image
        ((7, 8), (1, 1), 3),            # 1x1 kernel: pure subsampling (times w)
        ((6, 9), (3, 7), (1, 3)),       # stride only along the columns
        ((9, 6), (7, 3), (2, 1)),       # stride only along the rows
    ])
    cases.append(Case((rng.integers(-5, 6, size=(7, 8)), rng.integers(-3, 4, size=(3, 3)), 2, 1),
                      label="integer image, kernel and bias"))
    cases.append(Case((rng.normal(size=(9, 10)).astype(np.float32), rng.normal(size=(3, 5)).astype(np.float32),
                       (2, 3), 0.5), label="float32 input"))
    cases.append(Case((rng.normal(size=(8, 7)),), {"w": rng.normal(size=(3, 3)), "stride": 2, "b": -1.5},
                      label="keyword arguments"))
    cases.append(Case((rng.normal(size=(10, 9)), rng.normal(size=(3, 3)), [3, 2]), label="stride as a list [3, 2]"))
    cases.append(Case((rng.normal(size=(6, 10)), rng.normal(size=(3, 3)), (np.int64(2), np.int64(3))),
                      label="stride as a pair of numpy integers"))
    cases.append(Case((rng.normal(size=(8, 8)), rng.normal(size=(3, 3)), np.int64(4)),
                      label="stride as a numpy integer"))
    c.check_conv_strided(fn, cases)


def hidden_strided_flops(fn):
    c.check_strided_flops(fn, [
        Case((128, 128, 3, 3, 4), label="128x128, 3x3, stride 4"),
        Case((130, 97, 3, 3, 4), label="130x97, 3x3, stride 4"),
        Case((64, 32, 7, 5, (4, 2)), label="64x32, 7x5, stride (4, 2)"),
        Case((33, 65, 5, 3, (3, 5)), label="33x65, 5x3, stride (3, 5)"),
        Case((10, 10, 3, 3, 10), label="10x10, 3x3, stride 10"),
        Case((3, 5, 1, 1, 7), label="3x5, 1x1, stride 7 (larger than the image)"),
        Case((224, 224, 7, 7, 2), label="224x224, 7x7, stride 2"),
    ])


def hidden_dft_magnitude(fn):
    rng = np.random.default_rng(SEED)
    cases = c.cases_dft_magnitude(SEED, shapes=[(7, 5), (8, 9), (3, 3), (1, 1), (2, 1), (9, 16), (6, 6)])
    cases.append(Case((rng.integers(-4, 5, size=(5, 6)),), label="integer image"))
    cases.append(Case((rng.normal(size=(7, 8)).astype(np.float32),), label="float32 image"))
    cases.append(Case((), {"x": rng.normal(size=(4, 7))}, label="keyword argument x="))
    c.check_dft_magnitude(fn, cases)


def hidden_aliasing_fraction(fn):
    rng = np.random.default_rng(SEED)
    cases = c.cases_aliasing_fraction(SEED, specs=[
        ((20, 14), 3), ((9, 16), (1, 4)), ((33, 21), 2), ((8, 8), 8), ((5, 7), 10), ((24, 24), (3, 2)),
        ((1, 12), 2), ((16, 10), (4, 1)), ((30, 18), 4), ((7, 7), 1),
    ])
    n, m = np.mgrid[0:8, 0:10]
    cases.append(Case(((-1.0) ** (n + m), 2), label="checkerboard (-1)^(n+m): all energy at the Nyquist corner"))
    cases.append(Case((np.zeros((6, 5)), 2), label="all-zero signal"))
    cases.append(Case((rng.integers(-3, 4, size=(12, 9)), (2, 3)), label="integer signal"))
    cases.append(Case((rng.normal(size=(16, 12)).astype(np.float32), 2), label="float32 signal"))
    cases.append(Case((), {"z": rng.normal(size=(10, 14)), "stride": (3, 2)}, label="keyword arguments"))
    c.check_aliasing_fraction(fn, cases)


def hidden_blur_downsample(fn):
    rng = np.random.default_rng(SEED)
    cases = c.cases_blur_downsample(SEED, specs=[
        ((10, 9), 2), ((7, 12), (3, 2)), ((4, 4), 5), ((1, 6), 2), ((11, 11), 4), ((6, 5), (1, 2)),
        ((9, 8), (2, 1)), ((2, 2), 1),
    ])
    cases.append(Case((rng.integers(0, 256, size=(6, 7)), 2), label="integer (8-bit) image"))
    cases.append(Case((rng.normal(size=(8, 9)).astype(np.float32), (2, 3)), label="float32 image"))
    cases.append(Case((rng.normal(size=(9, 7)), [3, 2]), label="stride as a list [3, 2]"))
    cases.append(Case((), {"x": rng.normal(size=(7, 6)), "stride": np.int64(2)}, label="keyword arguments"))
    c.check_blur_downsample(fn, cases)


def hidden_answer_eq245(answer):
    # Read literally, eq. 24.5 flips the kernel: [[-1, 0, 1]] becomes [[1, 0, -1]] = -w.
    check_choice(answer, name="answer_eq245", correct="C")


def hidden_answer_output_shape(answer):
    # ceil(130 / 4) = 33, ceil(97 / 4) = 25.
    check_choice(answer, name="answer_output_shape", correct="B")


def hidden_answer_least_aliasing(answer):
    # The two-round pyramid (a 7-tap blur before stride 4) aliases least.
    check_choice(answer, name="answer_least_aliasing", correct="D")

