"""Hidden tests of 01_convolution: the visible checkers on inputs students never saw.

Other seeds and sizes, non-square images and kernels, kernels larger than
the image or longer than the signal, integer and float32 dtypes, keyword
calls; and the correct letters of the two questions of §24.2.1.
"""
import numpy as np

from convgrader.checks import convolution as c
from convgrader.checks.convolution import _rng_cases_corr2d
from convcourse.checks.core import Case, check_choice


SEED = 24_2_1


def _cases_corr2d(seed):
    rng = np.random.default_rng(seed)
    cases = c.cases_corr2d(seed)[:1]
    cases += _rng_cases_corr2d(seed, [((9, 6), (5, 3)), ((7, 11), (3, 7)), ((3, 3), (5, 5)),
                                      ((1, 8), (3, 3)), ((12, 10), (7, 5))])
    cases.append(Case((rng.integers(-5, 6, size=(6, 5)), rng.integers(-3, 4, size=(3, 3)), 1),
                      label="integer image and kernel"))
    cases.append(Case((rng.normal(size=(8, 9)).astype(np.float32), rng.normal(size=(3, 5)).astype(np.float32), 0.5),
                      label="float32 input"))
    cases.append(Case((rng.normal(size=(6, 7)),), {"w": rng.normal(size=(3, 3)), "b": -2.0},
                      label="keyword arguments"))
    return cases


def hidden_corr2d(fn):
    c.check_corr2d(fn, _cases_corr2d(SEED))


def hidden_convolve2d(fn):
    c.check_convolve2d(fn, _cases_corr2d(SEED + 1))


def hidden_corr1d(fn):
    rng = np.random.default_rng(SEED)
    cases = c.cases_corr1d(SEED, sizes=[(11, 5), (4, 7), (13, 3), (2, 3)])
    cases.append(Case((rng.integers(-4, 5, size=8), rng.integers(-2, 3, size=3)), label="integer input"))
    c.check_corr1d(fn, cases)


def hidden_toeplitz_1d(fn):
    rng = np.random.default_rng(SEED)
    cases = c.cases_toeplitz(SEED, sizes=[(5, 8), (3, 2), (7, 7), (1, 4), (7, 2)])
    cases.append(Case((rng.integers(-3, 4, size=5), 6), label="integer kernel"))
    c.check_toeplitz_1d(fn, cases)


def hidden_conv_multi_in(fn):
    rng = np.random.default_rng(SEED)
    cases = c.cases_multi_in(SEED, shapes=[(4, 7, 5, 3, 5), (1, 6, 6, 3, 3), (5, 3, 8, 5, 3)])
    cases.append(Case((rng.integers(-4, 5, size=(3, 5, 6)), rng.integers(-2, 3, size=(3, 3, 3)), 1),
                      label="integer image, kernels and bias"))
    cases.append(Case((rng.normal(size=(2, 5, 4)), rng.normal(size=(2, 3, 3))), {"b": 0.75},
                      label="bias passed as keyword b="))
    c.check_conv_multi_in(fn, cases)


def hidden_conv_multi_out(fn):
    rng = np.random.default_rng(SEED)
    cases = c.cases_multi_out(SEED, shapes=[(4, 7, 5, 3, 5), (1, 6, 6, 3, 3), (6, 3, 8, 5, 3)])
    cases.append(Case((rng.integers(-4, 5, size=(5, 6)), rng.integers(-2, 3, size=(3, 3, 3)),
                       rng.integers(-2, 3, size=3)), label="integer image, kernels and biases"))
    c.check_conv_multi_out(fn, cases)


def _cases_conv_layer(seed):
    rng = np.random.default_rng(seed)
    cases = c.cases_conv_layer(seed, shapes=[(4, 3, 7, 5, 3, 3), (3, 3, 6, 8, 5, 3), (2, 5, 9, 4, 3, 5),
                                             (5, 1, 4, 6, 3, 3)])
    cases.append(Case((rng.integers(-3, 4, size=(2, 5, 6)), rng.integers(-2, 3, size=(2, 3, 3, 3)),
                       rng.integers(-2, 3, size=3)), label="integer inputs"))
    return cases


def hidden_conv_layer(fn):
    c.check_conv_layer(fn, _cases_conv_layer(SEED))


def hidden_conv_layer_fast(fn):
    c.check_conv_layer_fast(fn, c.cases_conv_layer_fast(SEED, base=_cases_conv_layer(SEED)))


def hidden_conv_num_params(fn):
    c.check_conv_num_params(fn, [Case((3, 96, 3), {"bias": True}), Case((64, 128, 5)),
                                 Case((7, 2, 1), {"bias": False}), Case((16, 16, 7), {"bias": True})])


def hidden_answer_filter_params(answer):
    # Figure 24.6: each filter spans 3 input channels x 3 x 3 = 27 weights.
    check_choice(answer, name="answer_filter_params", correct="B")


def hidden_answer_num_filters(answer):
    # 96 output channels need 96 filters.
    check_choice(answer, name="answer_num_filters", correct="C")


