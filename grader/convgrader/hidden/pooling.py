"""Hidden tests of 06_pooling: the visible checkers on inputs students never saw.

Other seeds and sizes, non-square images, windows equal to the image, k = 1, strides larger than the window,
integer and float32 dtypes, keyword calls, stride=None passed explicitly, many channels; LRN with l = 0, with
a window wider than the channel count and with the default hyperparameters on large activations; and the
correct letters of the two questions.
"""
import numpy as np

from convgrader.checks import pooling as p
from convcourse.checks.core import Case, check_choice

SEED = 24_3


def hidden_pool_output_size(fn):
    cases = [Case((224, 2)), Case((13, 3, 2)), Case((10, 4, 3)), Case((8, 8)), Case((11, 1)),
             Case((27, 3), {"stride": 2}), Case((9, 3), {"stride": None}), Case((12, 5, 7)), Case((100, 3, 1))]
    p.check_pool_output_size(fn, cases)


def _pool_cases(seed):
    rng = np.random.default_rng(seed)
    cases = p.cases_pool(seed, shapes=[((9, 14), 3, 2), ((4, 11, 7), 2, None), ((10, 10), 3, 4),
                                       ((6, 9), 1, None), ((5, 8), 5, 3), ((2, 7, 13), 4, 3), ((12, 6), 2, 1)])
    cases.append(Case((rng.integers(-9, 10, size=(7, 8)), 2), label="integer image, k=2"))
    cases.append(Case((rng.integers(0, 255, size=(3, 9, 6)).astype(np.uint8), 3), label="uint8 image, 3 channels"))
    cases.append(Case((rng.normal(size=(8, 11)).astype(np.float32), 3, 2), label="float32 image"))
    cases.append(Case((rng.normal(size=(7, 10)), 3), {"stride": 2}, label="stride passed as keyword"))
    cases.append(Case((rng.normal(size=(6, 9)), 2), {"stride": None}, label="stride=None passed explicitly"))
    cases.append(Case((rng.normal(size=(5, 7)),), {"k": 5, "stride": 2}, label="window as tall as the image"))
    cases.append(Case((rng.normal(size=(3, 40, 36)), 2), label="3 x 40 x 36, k=2"))
    return cases


def hidden_max_pool(fn):
    p.check_max_pool(fn, _pool_cases(SEED))


def hidden_mean_pool(fn):
    p.check_mean_pool(fn, _pool_cases(SEED + 1))


def _global_cases(seed):
    rng = np.random.default_rng(seed)
    cases = p.cases_global(seed, shapes=[(6, 9, 4), (2, 1, 7), (5, 3, 8), (1, 1, 1), (16, 6, 6)])
    cases.append(Case((rng.integers(-20, 20, size=(3, 4, 5)),), label="integer tensor"))
    cases.append(Case((rng.normal(size=(4, 5, 3)).astype(np.float32),), label="float32 tensor"))
    cases.append(Case((-5.0 - rng.random(size=(2, 3, 3)),), label="negative values"))
    return cases


def hidden_global_avg_pool(fn):
    p.check_global_avg_pool(fn, _global_cases(SEED))


def hidden_global_max_pool(fn):
    p.check_global_max_pool(fn, _global_cases(SEED + 1))


def hidden_channel_max_pool(fn):
    rng = np.random.default_rng(SEED)
    cases = p.cases_channel(SEED, shapes=[((12, 5, 3), 4), ((9, 2, 6), 3), ((16, 4, 4), 8), ((4, 3, 5), 1),
                                          ((10, 3, 2), 2), ((6, 1, 7), 6)])
    cases.append(Case((rng.integers(-9, 10, size=(6, 3, 4)), 3), label="integer tensor, group=3"))
    cases.append(Case((rng.normal(size=(8, 4, 5)).astype(np.float32), 4), label="float32 tensor, group=4"))
    cases.append(Case((rng.normal(size=(6, 5, 4)),), {"group": 2}, label="group passed as keyword"))
    cases.append(Case((-3.0 - rng.random(size=(6, 2, 2)), 3), label="negative values, group=3"))
    p.check_channel_max_pool(fn, cases)


def hidden_lrn(fn):
    rng = np.random.default_rng(SEED)
    cases = p.cases_lrn(SEED)[:1] + [
        Case((rng.normal(size=(9, 4, 3)),), {"alpha": 0.6, "beta": 0.75, "gamma": 1.0, "l": 2},
             label="9 channels, l=2"),
        Case((rng.normal(size=(8, 2, 5)),), {"alpha": 0.4, "beta": 0.6, "gamma": 2.0, "l": 3},
             label="8 channels, l=3"),
        Case((rng.normal(size=(5, 3, 3)),), {"alpha": 0.9, "beta": 1.0, "gamma": 0.5, "l": 0},
             label="l=0: each channel normalised by itself"),
        Case((rng.normal(size=(2, 3, 4)),), {"alpha": 0.7, "beta": 0.75, "gamma": 1.0, "l": 4},
             label="2 channels, window 9 wider than C"),
        Case((rng.normal(size=(1, 4, 4)),), {"alpha": 0.5, "beta": 0.5, "gamma": 1.0, "l": 1},
             label="a single channel"),
        Case((60 * rng.normal(size=(16, 3, 5)),), label="16 channels ~60, the defaults"),
        Case((rng.integers(-40, 41, size=(7, 3, 3)),), {"alpha": 0.01, "l": 1}, label="integer tensor"),
        Case(((80 * rng.normal(size=(10, 4, 4))).astype(np.float32),), {"alpha": 1e-3},
             label="float32 tensor"),
        Case((rng.normal(size=(6, 4, 5)), 0.5, 0.75, 1.5, 1), label="hyperparameters passed by position"),
    ]
    p.check_lrn(fn, cases)


def hidden_answer_invariance(answer):
    # Response at columns 5-6, windows of 4 columns (4-7): a shift of 1 keeps it in 4-7 (6-7); a shift of 2 puts
    # column 8 in the next window. Largest shift with no change: 1.
    check_choice(answer, name="answer_invariance", correct="B")


def hidden_answer_torch_alpha(answer):
    # torch divides alpha by size = 2l + 1 = 5: alpha_torch = 1e-4 * 5 = 5e-4.
    check_choice(answer, name="answer_torch_alpha", correct="B")
