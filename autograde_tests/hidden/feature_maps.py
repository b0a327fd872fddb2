"""Hidden tests of 09_feature_maps: the visible checkers on inputs students never saw.

pca_rgb: other seeds and sizes, C = 1..16, float32 and integer features, a
dead (all-zero) channel, features whose pixels are all equal, a keyword call.
receptive_field: AlexNet and VGG16 stacks (known values 195 and 212), 1x1
layers, dilated strided stacks, numpy integers, lists, the empty stack.
empirical_receptive_field: a float64 model, max pooling (ties on a constant
input), a custom module whose output channels take different paths, a skip
connection, BatchNorm in eval mode, a Dropout model in training mode,
non-square inputs and asymmetric positions, a position given as a list.
"""
import numpy as np
import torch

from convcourse.checks import feature_maps as c
from convcourse.checks.core import Case, check_choice
from convcourse.checks.feature_maps import ErfCase, _conv, _gen

from . import seal

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
        Case(([(2, 2, 1)] * 5,), label="five 2x2 pools with stride 2"),
        Case((), {"layers": [(3, 1, 1), (3, 2, 1), (3, 1, 3)]}, label="keyword argument layers="),
    ]
    c.check_receptive_field(fn, cases)


# ------------------------------------------------------------------ empirical_receptive_field

def _float64_dilated():
    g = _gen(SEED)
    return torch.nn.Sequential(_conv(2, 3, 3, dilation=2, gen=g, dtype=torch.float64), torch.nn.Tanh(),
                               _conv(3, 2, 3, dilation=3, gen=g, dtype=torch.float64))


def _max_pooled():
    g = _gen(SEED + 1)
    return torch.nn.Sequential(_conv(1, 3, 3, gen=g), torch.nn.MaxPool2d(2), _conv(3, 2, 3, gen=g))


class _TwoPaths(torch.nn.Module):
    """Output channel 0 comes from a 1x1 path, channel 1 from two 3x3 layers, channel 2 looks far right."""

    def __init__(self):
        super().__init__()
        g = _gen(SEED + 2)
        self.near = _conv(1, 1, 1, gen=g)
        self.far1 = _conv(1, 2, 3, gen=g)
        self.far2 = _conv(2, 1, 3, gen=g)
        self.right = _conv(1, 1, (1, 7), gen=g)
        with torch.no_grad():
            self.right.weight.zero_()
            self.right.weight[0, 0, 0, 6] = 1.0

    def forward(self, x):
        return torch.cat([self.near(x), self.far2(torch.relu(self.far1(x)) + 0.1), self.right(x)], dim=1)


class _Skip(torch.nn.Module):
    def __init__(self):
        super().__init__()
        g = _gen(SEED + 3)
        self.a = _conv(2, 2, 3, stride=2, gen=g)
        self.b = _conv(2, 2, 3, gen=g)

    def forward(self, x):
        h = self.a(x)
        return h + self.b(torch.relu(h) + 1.0)


def _batchnorm_eval():
    g = _gen(SEED + 4)
    bn = torch.nn.BatchNorm2d(3)
    with torch.no_grad():
        bn.running_mean.copy_(torch.tensor([0.2, -0.1, 0.3]))
        bn.running_var.copy_(torch.tensor([1.5, 0.7, 2.0]))
    return torch.nn.Sequential(_conv(1, 3, 3, gen=g, positive=True), bn, torch.nn.ReLU(),
                               _conv(3, 2, 3, stride=2, gen=g)).eval()


def _dropout_train():
    g = _gen(SEED + 5)
    return torch.nn.Sequential(_conv(1, 2, 5, gen=g), torch.nn.Dropout(p=0.0), _conv(2, 2, 3, gen=g)).train()


def _deep_stack():
    g = _gen(SEED + 6)
    return torch.nn.Sequential(_conv(1, 2, 3, stride=2, gen=g), torch.nn.ReLU(), _conv(2, 2, 3, dilation=2, gen=g),
                               torch.nn.Tanh(), _conv(2, 2, 3, stride=2, gen=g), torch.nn.AvgPool2d(2),
                               _conv(2, 3, 3, gen=g))


def _gated_wide():
    """Like the visible ReLU gate, non-square, three gated channels."""
    first = torch.nn.Conv2d(1, 3, (3, 5), padding=(1, 2))
    with torch.no_grad():
        first.weight.fill_(1.0)
        first.bias.fill_(-14.5)
    g = _gen(SEED + 7)
    return torch.nn.Sequential(first, torch.nn.ReLU(), _conv(3, 2, 3, gen=g, positive=True))


def _gap_strided():
    g = _gen(SEED + 8)
    return torch.nn.Sequential(_conv(2, 3, 3, stride=2, gen=g), torch.nn.ReLU(), torch.nn.AdaptiveAvgPool2d(1))


def hidden_empirical_receptive_field(fn):
    cases = [
        ErfCase(c._hand_model, (1, 5, 8), (4, 7), "hand model, unit in the bottom-right corner"),
        ErfCase(_batchnorm_eval, (1, 12, 16), (3, 5), "BatchNorm in eval mode"),
        ErfCase(_float64_dilated, (2, 25, 19), (12, 9), "float64 model, dilations 2 and 3"),
        ErfCase(_max_pooled, (1, 16, 20), (3, 6), "max pooling (ties on a constant input)"),
        ErfCase(_TwoPaths, (1, 9, 15), (4, 5), "output channels computed along different paths"),
        ErfCase(_Skip, (2, 14, 18), (3, 4), "a skip connection around a 3x3 layer"),
        ErfCase(_dropout_train, (1, 11, 15), (5, 8), "Dropout(p=0) in training mode"),
        ErfCase(_deep_stack, (1, 40, 36), (2, 2), "strides, dilation, average pooling"),
        ErfCase(_gated_wide, (1, 13, 17), (6, 9), "ReLU gates opened only by an all-ones input, 3x5 kernels"),
        ErfCase(_gap_strided, (2, 7, 10), (0, 0), "stride 2 then global average pooling"),
        ErfCase(c._channels_apart, (1, 16, 8), [9, 3], "position given as a list [row, col]"),
        ErfCase(c._three_layers, (1, 8, 20), (2, 13), "non-square input, asymmetric position"),
    ]
    c.check_empirical_receptive_field(fn, cases)


# ------------------------------------------------------------------ questions

def hidden_answer_rf_after_pool(answer):
    # [(3, 1, 1), (2, 2, 1), (3, 1, 1)]: 1 + 2 + 1 + 2 * 2 = 8; the loose "s times larger" rule gives 10.
    check_choice(answer, name="answer_rf_after_pool", correct="B")


def hidden_answer_corner_pixels(answer):
    # Three 3x3 layers (field 7x7), unit (0, 0): rows 0..3 and columns 0..3 survive the border, 16 pixels.
    check_choice(answer, name="answer_corner_pixels", correct="C")


seal(globals())
