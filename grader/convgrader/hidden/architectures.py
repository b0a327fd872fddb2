"""Hidden tests of 11_architectures: the visible checkers on configurations and inputs students never saw.

Other channel counts (one input channel, c_in > c_out, c_in < c_out, one-pixel-wide inputs), other
``base`` and ``depth`` values (depth 1, 2 and 4, odd bases), constructions with positional, keyword-only and
mixed arguments, other batch sizes and non-square images; masks of other shapes and dtypes (uint8, int32,
float 0/1), disjoint and nested masks, windows wider than the image, full and single-pixel masks.
"""
import torch

from convcourse.checks.core import Case
from convgrader.checks import architectures as c

SEED = 24_11


def hidden_ResidualBlock(target):
    c.check_ResidualBlock(target, configs=[((1, 1), {}), ((5, 2), {}), ((2, 7), {}), ((), {"c_in": 3, "c_out": 3}),
                                           ((4,), {"c_out": 6})],
                          shapes=[(3, 4, 11), (1, 1, 3)], seed=SEED)


_SEG_CONFIGS = [((2, 5), {"base": 4, "depth": 4}), ((3,), {"num_classes": 3, "base": 2, "depth": 2}),
                ((2, 4, 6, 1), {}), ((), {"in_channels": 1, "num_classes": 2, "base": 3, "depth": 3})]
_SEG_SHAPES = [(1, 3, 1), (4, 2, 2), (2, 1, 5)]


def hidden_EncoderDecoder(target):
    c.check_EncoderDecoder(target, configs=_SEG_CONFIGS, shapes=_SEG_SHAPES, seed=SEED)


def hidden_UNet(target):
    c.check_UNet(target, configs=_SEG_CONFIGS, shapes=_SEG_SHAPES, seed=SEED + 1)


def hidden_iou(target):
    g = torch.Generator().manual_seed(SEED)
    a = torch.rand((4, 9, 13), generator=g) < 0.35
    b = torch.rand((4, 9, 13), generator=g) < 0.45
    inner = torch.zeros((6, 8), dtype=torch.bool)
    inner[2:4, 3:6] = True
    outer = torch.zeros((6, 8), dtype=torch.bool)
    outer[1:5, 2:7] = True
    left = torch.zeros((5, 6), dtype=torch.int32)
    left[:, :3] = 1
    empty = torch.zeros((2, 3, 3), dtype=torch.bool)
    cases = [
        Case(c.masks(a, b), label="random batch (4, 9, 13)"),
        Case(c.masks(a[0].to(torch.uint8), b[0].to(torch.uint8)), label="uint8 masks"),
        Case(c.masks(inner, outer), label="prediction inside the target (IoU = 6 / 20)"),
        Case(c.masks(outer, inner), label="target inside the prediction"),
        Case(c.masks(left, 1 - left), label="disjoint int32 masks (IoU = 0.0)"),
        Case(c.masks(a[1].float(), b[1].float()), label="float 0/1 masks"),
        Case(c.masks(empty, empty), label="a batch of empty masks (both masks empty)"),
        Case(c.masks(torch.tensor([1, 0, 1, 1, 0]), torch.tensor([1, 1, 0, 1, 0])), label="1-D masks"),
    ]
    c.check_iou(target, cases)


def hidden_boundary_band(target):
    g = torch.Generator().manual_seed(SEED)
    stripe = torch.zeros((9, 14), dtype=torch.uint8)
    stripe[:, 5:7] = 1
    dot = torch.zeros((7, 8), dtype=torch.bool)
    dot[0, 7] = True
    cases = [
        Case(c.masks(torch.rand((2, 9, 14), generator=g) < 0.4), {"width": 1},
             label="a random batch (2, 9, 14), width=1"),
        Case(c.masks(stripe), label="uint8 vertical stripe, default width"),
        Case(c.masks(torch.rand((6, 7), generator=g) < 0.3), {"width": 4},
             label="window wider than the image (6x7, width=4)"),
        Case(c.masks(torch.ones((5, 8), dtype=torch.bool)), {"width": 2}, label="all foreground: no boundary"),
        Case(c.masks(dot), {"width": 2}, label="one pixel in the corner, width=2"),
        Case(c.masks(c._disk_mask(15, 11, 8, 5, 4.5).long()), {"width": 3}, label="int64 disk, width=3"),
        Case(c.masks(torch.rand((1, 8, 8), generator=g) < 0.5), {"width": 1}, label="keyword width, a batch of one"),
    ]
    c.check_boundary_band(target, c.cases_boundary_band(SEED)[:1] + cases)
