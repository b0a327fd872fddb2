"""Hidden tests of 07_simple_cnn: the visible checkers on inputs students never saw.

Other seeds and sizes, non-square images and kernels, 3-D arrays and negative
axes, integer and float32 dtypes, keyword calls, extreme temperatures; other
SimpleCNN constructions (one channel, 1x1 kernels, kernels larger than the
image) and other batch and image sizes.
"""
import numpy as np

from convgrader.checks import simple_cnn as c
from convcourse.checks.core import Case

SEED = 24_4


def hidden_relu(fn):
    rng = np.random.default_rng(SEED)
    cases = c.cases_relu(SEED)[:1] + [
        Case((rng.normal(size=(7, 2)) * 100,), label="random (7, 2), large values"),
        Case((rng.normal(size=(2, 3, 4, 5)),), label="4-D array"),
        Case((np.array([[-1.0, 0.0], [0.0, -3.0]]),), label="no positive entries"),
        Case((rng.normal(size=(3, 6)).astype(np.float32),), label="float32 input"),
        Case((rng.integers(-9, 10, size=(5, 5)).astype(np.int32),), label="int32 input"),
        Case((np.array([2.5]),), label="a single value"),
    ]
    c.check_relu(fn, cases)


def hidden_softmax(fn):
    rng = np.random.default_rng(SEED)
    cases = c.cases_softmax(SEED)[:1] + [
        Case((rng.normal(size=7),), {"tau": 3.0}, label="random (7,), tau = 3"),
        Case((rng.normal(size=(2, 3, 4)),), {"axis": 2}, label="(2, 3, 4), axis=2"),
        Case((rng.normal(size=(3, 5)),), {"axis": -1, "tau": 0.7}, label="(3, 5), axis=-1, tau = 0.7"),
        Case((rng.normal(size=(4, 2, 3)),), label="(4, 2, 3), default axis 0"),
        Case((rng.normal(size=(5, 5)),), {"axis": 0}, label="(5, 5), axis=0 passed by keyword"),
        Case((rng.normal(size=(3, 3)), 2.0, 1), label="(3, 3), tau and axis positional"),
        Case((rng.integers(-4, 5, size=6),), label="integer scores"),
        Case((rng.normal(size=(4, 3)).astype(np.float32),), {"axis": 1}, label="float32 scores"),
        Case((np.array([5.0]),), label="a single class"),
        Case((np.zeros(4),), label="equal scores (uniform)"),
        Case((np.array([[800.0, -5.0, 3.0], [-800.0, 4.0, 2.0]]),), {"axis": 1},
             label="rows of very different size, axis 1"),
        Case((np.array([0.5, -0.25, 1.0]),), {"tau": 1e-3}, label="tau = 0.001"),
        Case((rng.normal(size=(3, 4)) * 50,), {"tau": 100.0}, label="tau = 100 (nearly uniform)"),
    ]
    c.check_softmax(fn, cases)


def hidden_gap(fn):
    rng = np.random.default_rng(SEED)
    cases = c.cases_gap(SEED)[:1] + [
        Case((rng.normal(size=(4, 7, 3)),), label="random (4, 7, 3)"),
        Case((rng.normal(size=(2, 1, 9)),), label="one row per map"),
        Case((rng.normal(size=(5, 8, 8)).astype(np.float32),), label="float32 maps"),
        Case((rng.integers(0, 4, size=(3, 2, 7)),), label="integer maps"),
        Case((rng.normal(size=(1, 1, 1)),), label="one 1x1 map"),
    ]
    c.check_gap(fn, cases)


def hidden_fc(fn):
    rng = np.random.default_rng(SEED)
    cases = c.cases_fc(SEED)[:1] + [
        Case((rng.normal(size=5), rng.normal(size=(2, 5)), rng.normal(size=2)), label="C = 5 -> K = 2"),
        Case((rng.normal(size=4), rng.normal(size=(4, 4)), rng.normal(size=4)), label="C = K = 4"),
        Case((rng.normal(size=1), rng.normal(size=(3, 1)), rng.normal(size=3)), label="C = 1 -> K = 3"),
        Case((rng.normal(size=3).astype(np.float32), rng.normal(size=(2, 3)).astype(np.float32),
              rng.normal(size=2).astype(np.float32)), label="float32"),
        Case((rng.integers(-3, 4, size=3),), {"W": rng.integers(-3, 4, size=(3, 3)), "c": rng.integers(-3, 4, size=3)},
             label="integers, W and c by keyword"),
    ]
    c.check_fc(fn, cases)


def hidden_simple_cnn_forward(fn):
    rng = np.random.default_rng(SEED)
    cases = c.cases_simple_cnn_forward(SEED, shapes=[(9, 6, 2, 5, 3, 3, 1.0), (5, 11, 4, 3, 3, 2, 0.3),
                                                     (4, 4, 3, 5, 5, 4, 4.0), (10, 7, 1, 3, 1, 2, 1.0),
                                                     (6, 8, 3, 1, 1, 3, 1.5)])
    x, w, b, W, cc = c._rand_forward(rng, 7, 6, 3, 3, 3, 2)
    cases.append(Case((rng.integers(0, 5, size=(6, 5)), rng.integers(-2, 3, size=(2, 3, 3)),
                       rng.integers(-1, 2, size=2), rng.integers(-2, 3, size=(3, 2)), rng.integers(-1, 2, size=3)),
                      label="integer image and weights"))
    cases.append(Case((rng.integers(-3, 4, size=(5, 7)),) + c._rand_forward(rng, 5, 7, 2, 3, 3, 2)[1:],
                      label="integer image, float weights"))
    cases.append(Case((x.astype(np.float32), w.astype(np.float32), b.astype(np.float32), W.astype(np.float32),
                       cc.astype(np.float32)), label="float32 throughout"))
    cases.append(Case((x, w, b, W, cc), {"tau": 0.05}, label="tau = 0.05 passed by keyword"))
    cases.append(Case(c._rand_forward(rng, 3, 5, 2, 5, 7, 3), label="kernels larger than the image"))
    c.check_simple_cnn_forward(fn, cases)


def hidden_simple_cnn_num_params(fn):
    c.check_simple_cnn_num_params(fn, [
        Case((8, 3, 10), label="8 channels, 3x3, 10 classes"),
        Case((1, 1, 2), label="1 channel, 1x1, 2 classes"),
        Case((), {"channels": 16, "kernel_size": 7, "num_classes": 5}, label="keyword arguments"),
        Case((2,), {"num_classes": 3}, label="kernel_size left at its default"),
    ])


def hidden_SimpleCNN(cls):
    c.check_SimpleCNN(
        cls,
        configs=[((), {}), ((5, 7, 3), {}), ((1, 3, 2), {}), ((), {"channels": 6, "kernel_size": 1, "num_classes": 4}),
                 ((2,), {"num_classes": 5})],
        shapes=[(5, 20, 31), (1, 6, 5), (4, 13, 8)],
        seed=SEED,
    )


