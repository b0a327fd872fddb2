"""Hidden tests of 09_feature_maps: the visible checkers on inputs students never saw.

pca_rgb: other seeds and sizes, C = 1..16, float32 and integer features, a
dead (all-zero) channel, features whose pixels are all equal (float64 and
float32), a keyword call.
receptive_field: AlexNet and VGG16 stacks (known values 195 and 212), 1x1
layers, dilated strided stacks, numpy integers and a numpy array, lists, the empty stack.
empirical_receptive_field: a float64 model, max pooling (ties on a constant
input), branches whose output channels take different paths, a skip
connection, BatchNorm in eval mode, a Dropout model in training mode,
non-square inputs and asymmetric positions, a position given as a list.
"""
import numpy as np

from convgrader.checks import feature_maps as c
from convgrader.checks.feature_maps import ErfCase, net
from convcourse.checks.core import Case, check_choice

SEED = 24_6_7


# ------------------------------------------------------------------ pca_rgb

def hidden_pca_rgb(fn):
    cases = [c.cases_pca_rgb()[0]]
    for i, (C, N, M) in enumerate([(5, 11, 7), (8, 16, 12), (1, 3, 7), (2, 9, 4), (16, 20, 30), (3, 1, 9)]):
        cases.append(Case((c.pca_features(SEED + i, C, N, M),), label=f"{C} channels, {N}x{M} pixels"))
    cases.append(Case((c.pca_features(SEED + 10, 3, 6, 13, dtype=np.float32),), label="float32, 3 channels, 6x13"))
    cases.append(Case((c.pca_features(SEED + 11, 12, 32, 40, dtype=np.float32),),
                      label="float32, 12 channels, 32x40"))
    ints = np.round(3 * c.pca_features(SEED + 12, 2, 7, 5)).astype(np.int32)
    cases.append(Case((ints,), label="int32 features, 2 channels"))
    dead = c.pca_features(SEED + 13, 6, 8, 10)
    dead[2] = 0.0
    cases.append(Case((dead,), label="6 channels, one of them dead (all zero)"))
    cases.append(Case((np.full((4, 5, 6), 0.75),), label="every pixel the same vector: all channels constant"))
    cases.append(Case((np.ones((2, 3, 4)),), label="2 channels, every pixel the same"))
    cases.append(Case((np.full((5, 6, 4), -1.25, dtype=np.float32),), label="float32, every pixel the same"))
    cases.append(Case((), {"features": c.pca_features(SEED + 14, 4, 5, 9)}, label="keyword argument features="))
    c.check_pca_rgb(fn, cases)


# ------------------------------------------------------------------ receptive_field

ALEXNET = [(11, 4, 1), (3, 2, 1), (5, 1, 1), (3, 2, 1), (3, 1, 1), (3, 1, 1), (3, 1, 1), (3, 2, 1)]
VGG16_POOL5 = ([(3, 1, 1)] * 2 + [(2, 2, 1)]) * 2 + ([(3, 1, 1)] * 3 + [(2, 2, 1)]) * 3


def hidden_receptive_field(fn):
    cases = [
        Case((ALEXNET,), label="AlexNet up to pool5 (195)"),
        Case((VGG16_POOL5,), label="VGG16 up to pool5 (212)"),
        Case(([(7, 2, 1), (3, 2, 1), (3, 1, 1), (3, 1, 1), (3, 2, 1), (3, 1, 1)],), label="a ResNet-like stem"),
        Case(([(3, 2, 1), (3, 1, 2), (3, 1, 4), (3, 1, 8)],), label="stride 2, then dilations 2, 4, 8"),
        Case(([(1, 2, 1), (1, 2, 1), (3, 1, 1)],), label="1x1 layers with stride 2, then a 3x3"),
        Case(([(5, 3, 2), (3, 2, 3), (4, 2, 1), (2, 1, 5)],), label="even kernels, strides 3 and 2, dilations"),
        Case(([],), label="no layers: the pixel itself"),
        Case(([(3, 1, 1), (3, 1, 2), (3, 1, 4)],), label="dilations 1, 2, 4 (15, not the 9 of §24.2.3)"),
        Case(([(3, 2, 1)] * 3,), label="three 3x3 layers with stride 2"),
        Case(([[3, 1, 1], [5, 2, 1], [3, 1, 2]],), label="layers given as lists"),
        Case(([tuple(np.int64(v) for v in layer) for layer in [(3, 2, 1), (3, 2, 2), (5, 1, 1)]],),
             label="numpy integers"),
        Case((np.array([(3, 1, 2), (2, 2, 1), (3, 2, 1)]),), label="a numpy integer array (rows of numpy integers)"),
        Case(([(2, 2, 1)] * 5,), label="five 2x2 pools with stride 2"),
        Case((), {"layers": [(3, 1, 1), (3, 2, 1), (3, 1, 3)]}, label="keyword argument layers="),
    ]
    c.check_receptive_field(fn, cases)


# ------------------------------------------------------------------ empirical_receptive_field

def _batchnorm_stats(model, convs):
    import torch

    bn = model[1]
    bn.running_mean.copy_(torch.tensor([0.2, -0.1, 0.3]))
    bn.running_var.copy_(torch.tensor([1.5, 0.7, 2.0]))


def _far_right(model, convs):
    """The third branch looks 3 columns to the right only."""
    convs[-1].weight.zero_()
    convs[-1].weight[0, 0, 0, 6] = 1.0


def _gate(bias):
    def tweak(model, convs):
        convs[0].weight.fill_(1.0)
        convs[0].bias.fill_(bias)
    return tweak


# Output channel 0 comes from a 1x1 path, channel 1 from two 3x3 layers, channel 2 looks far right.
TWO_PATHS = [["cat", [["conv", 1, 1, 1]],
              [["conv", 1, 2, 3], ["relu"], ["shift", 0.1], ["conv", 2, 1, 3]],
              [["conv", 1, 1, [1, 7]]]]]
# h = a(x); out = h + b(relu(h) + 1)
SKIP = [["conv", 2, 2, 3, {"stride": 2}], ["sum", [], [["relu"], ["shift", 1.0], ["conv", 2, 2, 3]]]]
DEEP = [["conv", 1, 2, 3, {"stride": 2}], ["relu"], ["conv", 2, 2, 3, {"dilation": 2}], ["tanh"],
        ["conv", 2, 2, 3, {"stride": 2}], ["avgpool", 2], ["conv", 2, 3, 3]]


def hidden_empirical_receptive_field(fn):
    cases = [
        ErfCase(lambda: net(c.HAND, tweak=c._hand), (1, 5, 8), (4, 7), "hand model, unit in the bottom-right corner"),
        ErfCase(lambda: net([["conv", 1, 3, 3], ["batchnorm", 3], ["relu"], ["conv", 3, 2, 3, {"stride": 2}]],
                            seed=SEED + 4, positive={0}, train=False, tweak=_batchnorm_stats),
                (1, 12, 16), (3, 5), "BatchNorm in eval mode"),
        ErfCase(lambda: net([["conv", 2, 3, 3, {"dilation": 2}], ["tanh"], ["conv", 3, 2, 3, {"dilation": 3}]],
                            seed=SEED, dtype="float64"), (2, 25, 19), (12, 9), "float64 model, dilations 2 and 3"),
        ErfCase(lambda: net([["conv", 1, 3, 3], ["maxpool", 2], ["conv", 3, 2, 3]], seed=SEED + 1),
                (1, 16, 20), (3, 6), "max pooling (ties on a constant input)"),
        ErfCase(lambda: net(TWO_PATHS, seed=SEED + 2, tweak=_far_right), (1, 9, 15), (4, 5),
                "output channels computed along different paths"),
        ErfCase(lambda: net(SKIP, seed=SEED + 3), (2, 14, 18), (3, 4), "a skip connection around a 3x3 layer"),
        ErfCase(lambda: net([["conv", 1, 2, 5], ["dropout", 0.0], ["conv", 2, 2, 3]], seed=SEED + 5, train=True),
                (1, 11, 15), (5, 8), "Dropout(p=0) in training mode"),
        ErfCase(lambda: net(DEEP, seed=SEED + 6), (1, 40, 36), (2, 2), "strides, dilation, average pooling"),
        ErfCase(lambda: net([["conv", 1, 3, [3, 5]], ["relu"], ["conv", 3, 2, 3]], seed=SEED + 7, positive={1},
                            tweak=_gate(-14.5)),
                (1, 13, 17), (6, 9), "ReLU gates opened only by an all-ones input, 3x5 kernels"),
        ErfCase(lambda: net([["conv", 2, 3, 3, {"stride": 2}], ["relu"], ["adaptive_avg", 1]], seed=SEED + 8),
                (2, 7, 10), (0, 0), "stride 2 then global average pooling"),
        ErfCase(lambda: net(c.CHANNELS_APART, seed=2, positive=True, tweak=c._channels_apart), (1, 16, 8), [9, 3],
                "position given as a list [row, col]"),
        ErfCase(lambda: net(c.THREE_LAYERS, seed=5), (1, 8, 20), (2, 13), "non-square input, asymmetric position"),
    ]
    c.check_empirical_receptive_field(fn, cases)


# ------------------------------------------------------------------ questions

def hidden_answer_rf_after_pool(answer):
    # [(3, 1, 1), (2, 2, 1), (3, 1, 1)]: 1 + 2 + 1 + 2 * 2 = 8; the loose "s times larger" rule gives 10.
    check_choice(answer, name="answer_rf_after_pool", correct="B")


def hidden_answer_corner_pixels(answer):
    # Three 3x3 layers (field 7x7), unit (0, 0): rows 0..3 and columns 0..3 survive the border, 16 pixels.
    check_choice(answer, name="answer_corner_pixels", correct="C")

