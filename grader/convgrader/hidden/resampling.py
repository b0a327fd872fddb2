"""Hidden tests of 05_resampling: the visible checkers on inputs students never saw.

Other seeds and sizes, non-square images and kernels, factors s = 1 .. 5,
kernels larger than the zero-inserted image, integer and float32 dtypes,
numpy-integer factors, keyword calls; the correct letter of the
conv_transpose2d question.
"""
import numpy as np

from convgrader.checks import resampling as c
from convcourse.checks.core import Case, check_choice

SEED = 24_2_5


def hidden_zero_insert(fn):
    rng = np.random.default_rng(SEED)
    cases = c.cases_zero_insert(SEED, shapes=[(5, 3, 2), (1, 6, 4), (6, 1, 3), (4, 7, 5), (3, 3, 1)])[1:]
    cases.append(Case((rng.integers(-5, 6, size=(3, 4)), 3), label="integer image (the output must be floating)"))
    cases.append(Case((rng.normal(size=(4, 5)).astype(np.float32), 2), label="float32 image"))
    cases.append(Case((rng.normal(size=(2, 3)), np.int64(3)), label="s given as a numpy integer"))
    cases.append(Case((rng.normal(size=(3, 2)),), {"s": 4}, label="s passed as keyword s="))
    c.check_zero_insert(fn, cases)


def hidden_upconv(fn):
    rng = np.random.default_rng(SEED + 1)
    cases = c.cases_upconv(SEED, shapes=[(4, 6, 3, 5, 2), (5, 3, 5, 3, 3), (2, 2, 7, 7, 2), (3, 5, 3, 3, 4),
                                         (1, 4, 1, 3, 3), (4, 4, 1, 1, 2)])[1:]
    cases.append(Case((rng.integers(-4, 5, size=(3, 4)), rng.integers(-2, 3, size=(3, 3)), 2, 1),
                      label="integer image, kernel and bias"))
    cases.append(Case((rng.normal(size=(3, 4)).astype(np.float32), rng.normal(size=(3, 3)).astype(np.float32), 3,
                       0.5), label="float32 image and kernel"))
    cases.append(Case((rng.normal(size=(3, 5)),), {"w": rng.normal(size=(5, 3)), "s": 2, "b": -1.5},
                      label="keyword arguments w=, s=, b="))
    cases.append(Case((rng.normal(size=(2, 3)), rng.normal(size=(3, 3)), np.int64(2)),
                      label="s given as a numpy integer, default bias"))
    c.check_upconv(fn, cases)


def hidden_interp_kernel(fn):
    cases = c.cases_kernel(values=(5, 1, 6, 3))
    cases.append(Case((np.int64(4),), label="s = 4 as a numpy integer"))
    cases.append(Case((), {"s": 7}, label="s = 7 passed as keyword s="))
    c.check_interp_kernel(fn, cases)


def hidden_hold_kernel(fn):
    cases = c.cases_kernel(values=(5, 1, 6, 3))
    cases.append(Case((np.int64(4),), label="s = 4 as a numpy integer"))
    cases.append(Case((), {"s": 2}, label="s = 2 passed as keyword s="))
    c.check_hold_kernel(fn, cases)


def hidden_conv_transpose_size(fn):
    cases = [
        Case((7, 3), {"stride": 2, "padding": 1, "output_padding": 1}),
        Case((10, 5), {"stride": 4, "padding": 2, "output_padding": 3}),
        Case((1, 3), {"stride": 3}),
        Case((8, 4), {"stride": 2, "padding": 1}),
        Case((6, 3), {"stride": 2, "padding": 3, "output_padding": 0, "dilation": 3}),
        Case((9, 1), {"stride": 2, "output_padding": 1}),
        Case((5, 3, 3, 1, 2), label="all arguments positional"),
        Case((np.int64(12), np.int64(7)), {"stride": np.int64(2), "padding": np.int64(3),
                                           "output_padding": np.int64(1)}, label="numpy integers"),
    ]
    c.check_conv_transpose_size(fn, cases)


def hidden_answer_transpose_padding(answer):
    # conv_transpose2d scatters with the kernel as stored: it must be flipped to give upconv's correlation,
    # padding = K crops the K extra outputs at the start (and end), output_padding = s - 1 restores N*s.
    check_choice(answer, name="answer_transpose_padding", correct="B")
