"""Hidden tests of 10_fully_convolutional: the visible checkers on inputs students never saw.

FCN: other constructions (one input channel, 1x1 kernels, kernel 7, hidden equal to in_channels so that the
erratum runs without a shape error, keyword and mixed calls) and other batch and image sizes.
patchwise_apply: other seeds and sizes, a four-layer model, float64 model and input, rf larger than the image,
rf passed by keyword, one output channel, batch 4, a model with two branches, rf smaller than the field.
translate: other shapes and dtypes (int32, float32, bool), shifts of exactly the size, negative shifts larger
than the size, 5-D input, keyword arguments.
equivariance_error: other functions and shifts, large borders, dy and dx both negative, float32 torch
networks, a stride-4 network, keyword arguments.
"""
import numpy as np

from convgrader.checks import fully_convolutional as c
from convgrader.checks.fully_convolutional import EquivarianceCase, PatchCase, TranslateCase, conv_stack
from convcourse.checks.core import check_choice

SEED = 24_8_10


# ----------------------------------------------------------------------- FCN

def hidden_FCN(target):
    c.check_FCN(
        target,
        configs=[((), {}), ((4, 4, 3), {}), ((1, 6, 5, 7), {}), ((), {"in_channels": 2, "num_classes": 3}),
                 ((3,), {"hidden": 2, "kernel_size": 1}), ((2, 8), {"kernel_size": 5, "num_classes": 1})],
        shapes=[(4, 11, 6), (1, 5, 16), (2, 10, 10)],
        seed=SEED,
    )


# ------------------------------------------------------------ patchwise_apply

def _two_branch(seed):
    """A 3x3 branch and a 5x5 branch, summed, then a ReLU and a 1x1 mixing (field 5)."""
    return conv_stack([["sum", [["conv", 2, 3, 3]], [["conv", 2, 3, 5]]], "relu", (3, 2, 1)], seed)


def hidden_patchwise_apply(fn):
    two = [(1, 3, 3), "relu", (3, 2, 3)]
    four = [(2, 3, 3), "relu", (3, 3, 3), "tanh", (3, 3, 3), "relu", (3, 1, 3)]
    cases = [
        c.cases_patchwise_apply()[0],
        PatchCase(lambda: conv_stack(two, SEED), (4, 1, 6, 10), 5, 5, "two 3x3 convs, batch 4", seed=SEED + 1),
        PatchCase(lambda: conv_stack(four, SEED + 1), (1, 2, 11, 12), 9, 9, "four 3x3 convs (field 9), 1 output "
                  "channel", seed=SEED + 2),
        PatchCase(lambda: conv_stack([(1, 2, 5), "relu", (2, 2, 3)], SEED + 2), (2, 1, 9, 7), 7, 7,
                  "float64 model and input, 5x5 then 3x3", seed=SEED + 3, dtype="float64"),
        PatchCase(lambda: conv_stack(two, SEED + 3), (1, 1, 4, 5), 7, 5, "rf larger than the image",
                  seed=SEED + 4),
        PatchCase(lambda: conv_stack(two, SEED + 4), (2, 1, 8, 8), 5, 5, "rf passed as rf=, square image",
                  seed=SEED + 5, keyword=True),
        PatchCase(lambda: _two_branch(SEED + 5), (3, 2, 7, 9), 5, 5, "a model with two branches",
                  seed=SEED + 6),
        PatchCase(lambda: conv_stack([(1, 2, 3), "relu", (2, 2, 5), "relu", (2, 3, 3)], SEED + 6), (1, 1, 10, 13),
                  5, 9, "rf = 5 < field 9", seed=SEED + 7),
        PatchCase(lambda: conv_stack([(3, 4, 3)], SEED + 7), (2, 3, 6, 4), 3, 3, "one 3x3 conv, 3 -> 4 channels",
                  seed=SEED + 8),
        PatchCase(lambda: conv_stack(two, SEED + 8), (1, 1, 9, 9), 1, 5, "rf = 1 on a two-layer model",
                  seed=SEED + 9),
    ]
    c.check_patchwise_apply(fn, cases)


# ------------------------------------------------------------------ translate

def hidden_translate(fn):
    rng = np.random.default_rng(SEED)
    cases = [
        c.cases_translate()[0],
        TranslateCase(rng.normal(size=(6, 3)), -1, 2, "float64 (6, 3), dy=-1, dx=2"),
        TranslateCase(rng.integers(-5, 5, size=(5, 8)).astype(np.int32), 3, -3, "int32 (5, 8)"),
        TranslateCase(rng.normal(size=(2, 4, 7)).astype(np.float32), 4, 7, "float32, shifts equal to the size"),
        TranslateCase(rng.normal(size=(3, 5)), -7, -11, "negative shifts larger than the size"),
        TranslateCase(rng.random(size=(4, 6)) > 0.5, 1, -2, "boolean mask"),
        TranslateCase(rng.normal(size=(2, 1, 2, 5, 6)), 2, 3, "5-D input: only the last two axes move"),
        TranslateCase(rng.normal(size=(7, 4)), 3, 1, "torch float64 (7, 4)", torch=True),
        TranslateCase(rng.integers(0, 255, size=(1, 3, 4, 9)).astype(np.uint8), -2, 10, "torch uint8 image batch",
                      torch=True),
        TranslateCase(rng.normal(size=(5, 5)), 2, -1, "keyword arguments dy=, dx=", keyword=True),
        TranslateCase(rng.normal(size=(3, 6, 4)).astype(np.float32), -8, 0, "torch, rows only, |dy| > size",
                      torch=True),
    ]
    c.check_translate(fn, cases)


# ----------------------------------------------------------- equivariance_error

def hidden_equivariance_error(fn):
    def g(shape, s):
        return lambda: ({"__make__": "box_then_gain", "args": [list(shape), s]},
                        np.random.default_rng(s).normal(size=shape))

    def tnet(shape, s, stride, dtype="float32"):
        return c.torch_case(c.strided_net(s, stride=stride, dtype=dtype),
                            f"a torch network with a stride-{stride} stage", shape, s, dtype)

    cases = [
        c.cases_equivariance_error()[0],
        EquivarianceCase(g((11, 8), SEED), -2, -1, 2, "dy and dx negative, border 2"),
        EquivarianceCase(g((9, 12), SEED + 1), 0, 3, 0, "columns only, border 0"),
        EquivarianceCase(g((3, 10, 10), SEED + 2), 4, 0, 0, "3-D input, rows only"),
        EquivarianceCase(lambda: ({"__make__": "box_filter"}, np.random.default_rng(SEED).normal(size=(12, 9))),
                         -3, 2, 1, "zero-padded filter, border 1: 0"),
        EquivarianceCase(lambda: ({"__make__": "box_filter"},
                                  np.random.default_rng(SEED).integers(0, 9, size=(8, 10))), 1, 1, 0,
                         "integer image, border 0"),
        EquivarianceCase(tnet((1, 1, 16, 16), SEED + 3, 4), 4, 0, 3, "stride-4 network, shift 4, border 3"),
        EquivarianceCase(tnet((2, 1, 12, 14), SEED + 4, 2), 0, 3, 2, "stride-2 network, odd shift, batch 2"),
        EquivarianceCase(tnet((1, 1, 10, 12), SEED + 5, 2, "float64"), -1, -1, 2, "float64 network"),
        EquivarianceCase(g((11, 13), SEED + 6), 1, 2, 3, "large border, keyword arguments", keyword=True),
        EquivarianceCase(g((6, 6), SEED + 7), 0, 0, 0, "no shift: 0"),
        EquivarianceCase(g((5, 9), SEED + 8), 1, 5, 0, "columns leave no interior: 0.0"),
    ]
    c.check_equivariance_error(fn, cases)


# ------------------------------------------------------------------ question

def hidden_answer_stride_shifts(answer):
    # Two stride-2 stages: a shift by 2 moves the first stage's output by 1, which the second stride-2 stage
    # does not follow. Only multiples of the total stride 4 commute with the network.
    check_choice(answer, name="answer_stride_shifts", correct="C")
