"""Hidden tests of 04_low_rank: the visible checkers on inputs students never saw.

Other seeds and sizes, tall and wide kernels, kernels longer than the image,
the Laplacian of a Gaussian, equal singular values (the diagonal derivative),
rank-deficient and zero kernels, integer and float32 dtypes, keyword calls,
r beyond min(K1, K2); and the correct letters of the two questions.
"""
import numpy as np

from convgrader.checks import low_rank as c
from convcourse.checks.core import Case, check_choice

SEED = 24_2_4


def hidden_separable_corr2d(fn):
    rng = np.random.default_rng(SEED)
    cases = c.cases_separable_corr2d(SEED, shapes=[((9, 6), 5, 3), ((7, 11), 3, 7), ((3, 3), 5, 5),
                                                   ((2, 8), 7, 3), ((8, 2), 1, 5), ((12, 10), 9, 1)])[1:]
    cases.insert(0, c.cases_separable_corr2d(SEED)[0])
    cases.append(Case((rng.integers(-5, 6, size=(6, 5)), rng.integers(-3, 4, size=3), rng.integers(-3, 4, size=5), 2),
                      label="integer image, filters and bias"))
    cases.append(Case((rng.normal(size=(8, 9)).astype(np.float32), rng.normal(size=5).astype(np.float32),
                       rng.normal(size=3).astype(np.float32), 0.5), label="float32 input"))
    cases.append(Case((rng.normal(size=(6, 7)),), {"u": rng.normal(size=3), "v": rng.normal(size=5), "b": -2.0},
                      label="keyword arguments u=, v=, b="))
    cases.append(Case((rng.normal(size=(5, 6)), np.array([1.0]), np.array([1.0]), 3.0),
                      label="one-tap filters: the identity plus a bias"))
    c.check_separable_corr2d(fn, cases)


def hidden_svd_separable(fn):
    rng = np.random.default_rng(SEED)
    cases = c.cases_svd_separable(SEED, shapes=[(7, 3), (3, 7), (6, 6), (1, 5), (5, 1)])
    cases += [
        Case((c.DIAGONAL,), label="the diagonal derivative: two equal singular values"),
        Case((c.log_kernel(11, 1.5),), label="11x11 Laplacian of a Gaussian (rank 2)"),
        Case((np.outer(rng.normal(size=4), rng.normal(size=6)),), label="a separable 4x6 kernel (rank 1)"),
        Case((np.zeros((3, 5)),), label="the zero kernel"),
        Case((rng.integers(-3, 4, size=(3, 5)),), label="integer kernel"),
        Case((rng.normal(size=(5, 3)).astype(np.float32),), label="float32 kernel"),
        Case((1e6 * rng.normal(size=(4, 3)),), label="large values (1e6)"),
        Case((), {"w": rng.normal(size=(3, 4))}, label="keyword argument w="),
    ]
    c.check_svd_separable(fn, cases)


def hidden_low_rank_kernel(fn):
    rng = np.random.default_rng(SEED)
    a = rng.normal(size=(6, 4))
    log = c.log_kernel(9, 1.2)
    cases = c.cases_low_rank_kernel(SEED)[:1] + [
        Case((a, 1), label="random 6x4, r = 1"), Case((a, 2), label="random 6x4, r = 2"),
        Case((a, 4), label="r = min(K1, K2)"), Case((a, 6), label="r larger than min(K1, K2): w itself"),
        Case((a, 0), label="r = 0"),
        Case((rng.normal(size=(3, 7)), 2), label="wide 3x7, r = 2"),
        Case((log, 1), label="9x9 LoG, r = 1"), Case((log, 2), label="9x9 LoG, r = 2 (exact)"),
        Case((c.DIAGONAL, 2), label="diagonal derivative, r = 2"),
        Case((rng.integers(-4, 5, size=(5, 5)), 2), label="integer kernel"),
        Case((rng.normal(size=(5, 5)).astype(np.float32), 3), label="float32 kernel"),
        Case((rng.normal(size=(1, 7)), 1), label="a 1x7 kernel, r = 1"),
        Case((rng.normal(size=(5, 3)),), {"r": 1}, label="keyword argument r="),
    ]
    c.check_low_rank_kernel(fn, cases)


def hidden_kernel_rank(fn):
    rng = np.random.default_rng(SEED)
    big = 1e8 * np.outer(rng.normal(size=4), rng.normal(size=4)) + 1e-4 * np.outer(rng.normal(size=4),
                                                                                rng.normal(size=4))
    log = c.log_kernel(11, 1.5)
    cases = [
        Case((np.outer(rng.normal(size=5), rng.normal(size=7)),), label="separable 5x7"),
        Case((rng.normal(size=(6, 4)),), label="random 6x4"),
        Case((log,), label="11x11 LoG: two separable terms"),
        Case((log - log.mean(),), label="11x11 LoG with its mean removed: three terms"),
        Case((np.zeros((1, 1)),), label="1x1 zero kernel"),
        Case((np.array([[5.0]]),), label="1x1 kernel [[5]]"),
        Case((np.zeros((5, 3)),), label="5x3 zero kernel"),
        Case((big,), label="1e8-sized rank-1 kernel plus a 1e-4 term (relative 1e-12)"),
        Case((1e-14 * c.DIAGONAL,), label="the diagonal derivative scaled by 1e-14"),
        Case((c.DIAGONAL.astype(np.float32),), label="float32 kernel (exact values)"),
        Case((np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]]),), label="integer binomial kernel"),
        Case((c.DIAGONAL + 1e-6 * np.eye(3),), {"tol": 1e-3}, label="keyword tol = 1e-3"),
        Case((c.DIAGONAL + 1e-6 * np.eye(3),), {"tol": 1e-8}, label="keyword tol = 1e-8"),
        Case((np.diag([1.0, 0.5, 0.4]), 0.3), label="singular values 1, 0.5, 0.4 and tol = 0.3"),
        Case((), {"w": rng.normal(size=(3, 3))}, label="keyword argument w="),
    ]
    c.check_kernel_rank(fn, cases)


def _cases_flops():
    return [Case((256, 256, 31, 31)), Case((480, 640, 5, 9)), Case((7, 3, 11, 1)), Case((1080, 1920, 15, 15)),
            Case((32, 64, 1, 3)), Case((), {"N": 10, "M": 20, "K1": 3, "K2": 5}, label="keyword arguments")]


def hidden_corr2d_flops(fn):
    c.check_corr2d_flops(fn, _cases_flops())


def hidden_separable_flops(fn):
    c.check_separable_flops(fn, _cases_flops())


def hidden_answer_diag_svd(answer):
    # s = [2*sqrt(3), 2*sqrt(3), 0]: two terms, and with equal singular values any rotation of the
    # Sobel pair is an SVD too, so np.linalg.svd need not return the Sobel filters.
    check_choice(answer, name="answer_diag_svd", correct="C")


def hidden_answer_break_even(answer):
    # r * (31 + 31) < 31 * 31  <=>  r < 15.5: up to 15 separable terms are cheaper.
    check_choice(answer, name="answer_break_even", correct="B")
