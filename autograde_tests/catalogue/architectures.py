"""Mutation catalogue of notebook 11_architectures.

Each entry is ``(label, source)``: ``source`` is the full code of a student's solution cell. It is
executed in a namespace that holds ``np``, ``torch``, ``nn`` and correct versions of the notebook's other
graded names (the first correct alternative of each), the way the notebook runs a solution cell.

* ``CORRECT[name]``: correct implementations with other standard layouts (strided convs, nearest or bilinear
  upsampling followed by a conv, one conv per level, batch norm, the other bottleneck width, ...). Every one
  must pass the visible and the hidden checks.
* ``BUGS[name]``: realistic mistakes. Every one must be rejected by the visible or the hidden checks
  (``autograde_tests/test_catalogue_architectures.py`` measures the kill rate).

The notebook's ``conv_block`` is a given (locked) cell, not a graded one: entries that use it define it
themselves (``_CONV_BLOCK``), as the notebook does.
"""
from __future__ import annotations

import textwrap

__all__ = ["FUNCTIONS", "ANSWERS", "CORRECT", "BUGS", "ROUNDTRIP_BUG"]

FUNCTIONS = ["EncoderDecoder", "UNet", "iou", "boundary_band", "ResidualBlock"]
ANSWERS: list[str] = []


def _s(src: str) -> str:
    return textwrap.dedent(src).strip("\n") + "\n"


def _entries(*pairs):
    return [(label, _s(src)) for label, src in pairs]


def _variant(base: str, *edits) -> str:
    """base with each (old, new) replacement applied once (old must occur)."""
    out = base
    for old, new in edits:
        assert old in out, old
        out = out.replace(old, new, 1)
    return _s(out)


_CONV_BLOCK = '''
import torch
from torch import nn
import torch.nn.functional as F


def conv_block(c_in, c_out):
    return nn.Sequential(nn.Conv2d(c_in, c_out, 3, padding=1), nn.ReLU(),
                         nn.Conv2d(c_out, c_out, 3, padding=1), nn.ReLU())

'''

# ------------------------------------------------------------------- EncoderDecoder

_ED = _CONV_BLOCK + '''
class EncoderDecoder(nn.Module):
    def __init__(self, in_channels, num_classes, base=8, depth=3):
        super().__init__()
        widths = [base * 2 ** l for l in range(depth + 1)]
        self.depth = depth
        self.pool = nn.MaxPool2d(2)
        self.down = nn.ModuleList([conv_block(in_channels, widths[0])]
                                  + [conv_block(widths[l - 1], widths[l]) for l in range(1, depth + 1)])
        self.up = nn.ModuleList([nn.ConvTranspose2d(widths[l + 1], widths[l], 2, stride=2) for l in range(depth)])
        self.dec = nn.ModuleList([conv_block(widths[l], widths[l]) for l in range(depth)])
        self.head = nn.Conv2d(widths[0], num_classes, 1)

    def forward(self, x):
        h = self.down[0](x)
        for l in range(1, self.depth + 1):
            h = self.down[l](self.pool(h))
        for l in reversed(range(self.depth)):
            h = self.dec[l](self.up[l](h))
        return self.head(h)
'''

_ED_ENCODER = ("        h = self.down[0](x)\n        for l in range(1, self.depth + 1):\n"
               "            h = self.down[l](self.pool(h))")
_ED_ENCODER_SAVING = ("        skips = []\n        h = self.down[0](x)\n        for l in range(1, self.depth + 1):\n"
                      "            skips.append(h)\n            h = self.down[l](self.pool(h))")

CORRECT_ED = _entries(
    ("max pool, transposed convs, two convs per level (reference)", _ED),
    ("stride-2 convs down, nearest upsampling + conv up, one conv per level", '''
        import torch
        from torch import nn
        import torch.nn.functional as F


        class EncoderDecoder(nn.Module):
            def __init__(self, in_channels, num_classes, base=8, depth=3):
                super().__init__()
                self.depth = depth
                self.stem = nn.Conv2d(in_channels, base, 3, padding=1)
                self.downs = nn.ModuleList(nn.Conv2d(base * 2 ** l, base * 2 ** (l + 1), 3, stride=2, padding=1)
                                           for l in range(depth))
                self.ups = nn.ModuleList(nn.Conv2d(base * 2 ** (l + 1), base * 2 ** l, 3, padding=1)
                                         for l in range(depth))
                self.head = nn.Conv2d(base, num_classes, 1)

            def forward(self, x):
                h = F.relu(self.stem(x))
                for down in self.downs:
                    h = F.relu(down(h))
                for l in reversed(range(self.depth)):
                    h = F.relu(self.ups[l](F.interpolate(h, scale_factor=2, mode="nearest")))
                return self.head(h)
        '''),
    ("average pooling, bilinear upsampling + conv, batch norm, nn.Sequential per level", '''
        import torch
        from torch import nn


        def block(c_in, c_out):
            return nn.Sequential(nn.Conv2d(c_in, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out),
                                 nn.ReLU(inplace=True), nn.Conv2d(c_out, c_out, 3, padding=1, bias=False),
                                 nn.BatchNorm2d(c_out), nn.ReLU(inplace=True))


        class EncoderDecoder(nn.Module):
            def __init__(self, in_channels, num_classes, base=8, depth=3):
                super().__init__()
                enc = [block(in_channels, base)]
                for l in range(1, depth + 1):
                    enc.append(nn.Sequential(nn.AvgPool2d(2), block(base * 2 ** (l - 1), base * 2 ** l)))
                dec = []
                for l in reversed(range(depth)):
                    dec.append(nn.Sequential(nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False),
                                             nn.Conv2d(base * 2 ** (l + 1), base * 2 ** l, 3, padding=1),
                                             nn.ReLU(), block(base * 2 ** l, base * 2 ** l)))
                self.encoder = nn.Sequential(*enc)
                self.decoder = nn.Sequential(*dec)
                self.classifier = nn.Conv2d(base, num_classes, kernel_size=1)

            def forward(self, x):
                return self.classifier(self.decoder(self.encoder(x)))
        '''),
    ("bottleneck keeps the last level's width (base * 2**(depth-1))", '''
        import torch
        from torch import nn


        class EncoderDecoder(nn.Module):
            def __init__(self, in_channels, num_classes, base=8, depth=3):
                super().__init__()
                w = [base * 2 ** min(l, depth - 1) for l in range(depth + 1)]
                self.depth = depth
                self.enc = nn.ModuleList()
                c = in_channels
                for l in range(depth + 1):
                    self.enc.append(nn.Sequential(nn.Conv2d(c, w[l], 3, padding=1), nn.ReLU(),
                                                  nn.Conv2d(w[l], w[l], 3, padding=1), nn.ReLU()))
                    c = w[l]
                self.up = nn.ModuleList(nn.ConvTranspose2d(w[l + 1], base * 2 ** l, 2, stride=2)
                                        for l in range(depth))
                self.dec = nn.ModuleList(nn.Sequential(nn.Conv2d(base * 2 ** l, base * 2 ** l, 3, padding=1),
                                                       nn.ReLU()) for l in range(depth))
                self.out = nn.Conv2d(base, num_classes, 1)

            def forward(self, x):
                for l, enc in enumerate(self.enc):
                    x = enc(x if l == 0 else torch.max_pool2d(x, 2))
                for l in range(self.depth - 1, -1, -1):
                    x = self.dec[l](self.up[l](x))
                return self.out(x)
        '''),
    ("while loop over sizes, torch.relu and clamp(min=0)", '''
        import torch
        from torch import nn
        import torch.nn.functional as F


        class EncoderDecoder(nn.Module):
            def __init__(self, in_channels, num_classes, base=8, depth=3):
                super().__init__()
                self.enc1 = nn.ModuleList()
                self.enc2 = nn.ModuleList()
                c_prev, c = in_channels, base
                for _ in range(depth + 1):
                    self.enc1.append(nn.Conv2d(c_prev, c, 3, padding=1))
                    self.enc2.append(nn.Conv2d(c, c, 3, padding=1))
                    c_prev, c = c, 2 * c
                self.ups = nn.ModuleList()
                self.decs = nn.ModuleList()
                c = c_prev
                while c > base:
                    self.ups.append(nn.ConvTranspose2d(c, c // 2, kernel_size=2, stride=2))
                    self.decs.append(nn.Conv2d(c // 2, c // 2, 3, padding=1))
                    c //= 2
                self.head = nn.Conv2d(base, num_classes, 1)

            def forward(self, x):
                for i, (a, b) in enumerate(zip(self.enc1, self.enc2)):
                    if i:
                        x = F.max_pool2d(x, kernel_size=2, stride=2)
                    x = torch.relu(b(torch.relu(a(x))))
                for up, dec in zip(self.ups, self.decs):
                    x = dec(up(x)).clamp(min=0)
                return self.head(x)
        '''),
)

BUGS_ED = [
    ("keeps U-Net skips (concatenation)", _variant(
        _ED,
        ("self.dec = nn.ModuleList([conv_block(widths[l], widths[l])",
         "self.dec = nn.ModuleList([conv_block(2 * widths[l], widths[l])"),
        (_ED_ENCODER, _ED_ENCODER_SAVING),
        ("h = self.dec[l](self.up[l](h))", "h = self.dec[l](torch.cat([self.up[l](h), skips[l]], dim=1))"))),
    ("adds the encoder maps into the decoder", _variant(
        _ED,
        (_ED_ENCODER, _ED_ENCODER_SAVING),
        ("h = self.dec[l](self.up[l](h))", "h = self.dec[l](self.up[l](h) + skips[l])"))),
    ("channels do not double (base everywhere)", _variant(_ED, ("widths = [base * 2 ** l for l",
                                                                "widths = [base for l"))),
    ("channels grow linearly (base * (l + 1))", _variant(_ED, ("widths = [base * 2 ** l for l",
                                                               "widths = [base * (l + 1) for l"))),
    ("first level already doubled (base * 2**(l + 1))", _variant(_ED, ("widths = [base * 2 ** l for l",
                                                                       "widths = [base * 2 ** (l + 1) for l"))),
    ("no ReLU (conv blocks without nonlinearity)", _variant(
        _ED, ("nn.Conv2d(c_in, c_out, 3, padding=1), nn.ReLU(),", "nn.Conv2d(c_in, c_out, 3, padding=1),"),
        ("nn.Conv2d(c_out, c_out, 3, padding=1), nn.ReLU())", "nn.Conv2d(c_out, c_out, 3, padding=1))"))),
    ("depth hard-coded to 3", _variant(
        _ED, ("widths = [base * 2 ** l for l in range(depth + 1)]\n        self.depth = depth",
              "depth = 3\n        widths = [base * 2 ** l for l in range(depth + 1)]\n        self.depth = depth"))),
    ("base hard-coded to 8", _variant(_ED, ("widths = [base * 2 ** l", "widths = [8 * 2 ** l"))),
    ("max pool missing", _variant(_ED, ("h = self.down[l](self.pool(h))", "h = self.down[l](h)"))),
    ("final 1x1 conv missing (returns base channels)", _variant(_ED, ("return self.head(h)", "return h"))),
    ("softmax at the end", _variant(_ED, ("return self.head(h)", "return torch.softmax(self.head(h), dim=1)"))),
    ("tanh instead of ReLU", _variant(
        _ED, ("nn.Conv2d(c_in, c_out, 3, padding=1), nn.ReLU(),", "nn.Conv2d(c_in, c_out, 3, padding=1), nn.Tanh(),"),
        ("nn.Conv2d(c_out, c_out, 3, padding=1), nn.ReLU())", "nn.Conv2d(c_out, c_out, 3, padding=1), nn.Tanh())"))),
    ("3x3 convs without padding", _variant(
        _ED, ("nn.Conv2d(c_in, c_out, 3, padding=1)", "nn.Conv2d(c_in, c_out, 3)"),
        ("nn.Conv2d(c_out, c_out, 3, padding=1)", "nn.Conv2d(c_out, c_out, 3)"))),
    ("one upsampling missing", _variant(
        _ED, ("for l in reversed(range(self.depth)):\n            h = self.dec[l](self.up[l](h))\n",
              "for l in reversed(range(1, self.depth)):\n            h = self.dec[l](self.up[l](h))\n"))),
    ("layers kept in a plain Python list", _variant(
        _ED, ("self.dec = nn.ModuleList([conv_block(widths[l], widths[l]) for l in range(depth)])",
              "self.dec = [conv_block(widths[l], widths[l]) for l in range(depth)]"))),
    ("encoder run under torch.no_grad()", _variant(
        _ED, (_ED_ENCODER,
              "        with torch.no_grad():\n            h = self.down[0](x)\n"
              "            for l in range(1, self.depth + 1):\n"
              "                h = self.down[l](self.pool(h))"))),
]

# ------------------------------------------------------------------- UNet

_UNET = _CONV_BLOCK + '''
class UNet(nn.Module):
    def __init__(self, in_channels, num_classes, base=8, depth=3):
        super().__init__()
        widths = [base * 2 ** l for l in range(depth + 1)]
        self.depth = depth
        self.pool = nn.MaxPool2d(2)
        self.down = nn.ModuleList([conv_block(in_channels, widths[0])]
                                  + [conv_block(widths[l - 1], widths[l]) for l in range(1, depth + 1)])
        self.up = nn.ModuleList([nn.ConvTranspose2d(widths[l + 1], widths[l], 2, stride=2) for l in range(depth)])
        self.dec = nn.ModuleList([conv_block(2 * widths[l], widths[l]) for l in range(depth)])
        self.head = nn.Conv2d(widths[0], num_classes, 1)

    def forward(self, x):
        skips = []
        h = self.down[0](x)
        for l in range(1, self.depth + 1):
            skips.append(h)
            h = self.down[l](self.pool(h))
        for l in reversed(range(self.depth)):
            h = self.dec[l](torch.cat([self.up[l](h), skips[l]], dim=1))
        return self.head(h)
'''

CORRECT_UNET = _entries(
    ("max pool, transposed convs, concatenation, two convs per level (reference)", _UNET),
    ("stride-2 convs, nearest upsampling + conv, cat([skip, up]), one conv per level", '''
        import torch
        from torch import nn
        import torch.nn.functional as F


        class UNet(nn.Module):
            def __init__(self, in_channels, num_classes, base=8, depth=3):
                super().__init__()
                self.depth = depth
                self.stem = nn.Conv2d(in_channels, base, 3, padding=1)
                self.downs = nn.ModuleList(nn.Conv2d(base * 2 ** l, base * 2 ** (l + 1), 3, stride=2, padding=1)
                                           for l in range(depth))
                self.ups = nn.ModuleList(nn.Conv2d(base * 2 ** (l + 1), base * 2 ** l, 3, padding=1)
                                         for l in range(depth))
                self.fuse = nn.ModuleList(nn.Conv2d(2 * base * 2 ** l, base * 2 ** l, 3, padding=1)
                                          for l in range(depth))
                self.head = nn.Conv2d(base, num_classes, 1)

            def forward(self, x):
                h = F.relu(self.stem(x))
                feats = [h]
                for down in self.downs:
                    h = F.relu(down(h))
                    feats.append(h)
                for l in reversed(range(self.depth)):
                    up = F.relu(self.ups[l](F.interpolate(h, scale_factor=2, mode="nearest")))
                    h = F.relu(self.fuse[l](torch.cat((feats[l], up), dim=1)))
                return self.head(h)
        '''),
    ("transposed conv keeps the channels (3x concatenation), batch norm, `from torch import cat`", '''
        import torch
        from torch import nn, cat


        def block(c_in, c_out):
            return nn.Sequential(nn.Conv2d(c_in, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out), nn.ReLU(),
                                 nn.Conv2d(c_out, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out), nn.ReLU())


        class UNet(nn.Module):
            def __init__(self, in_channels, num_classes, base=8, depth=3):
                super().__init__()
                c = [base * 2 ** l for l in range(depth + 1)]
                self.enc = nn.ModuleList([block(in_channels, c[0])]
                                         + [block(c[l - 1], c[l]) for l in range(1, depth + 1)])
                self.up = nn.ModuleList([nn.ConvTranspose2d(c[l + 1], c[l + 1], 2, stride=2) for l in range(depth)])
                self.dec = nn.ModuleList([block(c[l + 1] + c[l], c[l]) for l in range(depth)])
                self.head = nn.Conv2d(c[0], num_classes, 1)

            def forward(self, x):
                saved = []
                for l, enc in enumerate(self.enc):
                    if l:
                        saved.append(x)
                        x = nn.functional.max_pool2d(x, 2)
                    x = enc(x)
                for l in range(len(saved) - 1, -1, -1):
                    x = self.dec[l](cat([self.up[l](x), saved[l]], 1))
                return self.head(x)
        '''),
    ("skips on a stack (pop), bilinear upsampling + 1x1 conv, bottleneck keeps the last width", '''
        import torch
        from torch import nn
        import torch.nn.functional as F


        class UNet(nn.Module):
            def __init__(self, in_channels, num_classes, base=8, depth=3):
                super().__init__()
                w = [base * 2 ** min(l, depth - 1) for l in range(depth + 1)]
                self.depth = depth
                self.enc = nn.ModuleList()
                c = in_channels
                for l in range(depth + 1):
                    self.enc.append(nn.Sequential(nn.Conv2d(c, w[l], 3, padding=1), nn.ReLU(inplace=True),
                                                  nn.Conv2d(w[l], w[l], 3, padding=1), nn.ReLU(inplace=True)))
                    c = w[l]
                self.reduce = nn.ModuleList(nn.Conv2d(w[l + 1], base * 2 ** l, 1) for l in range(depth))
                self.dec = nn.ModuleList(nn.Sequential(nn.Conv2d(2 * base * 2 ** l, base * 2 ** l, 3, padding=1),
                                                       nn.ReLU(inplace=True)) for l in range(depth))
                self.out = nn.Conv2d(base, num_classes, 1)

            def forward(self, x):
                stack = []
                for l, enc in enumerate(self.enc):
                    x = enc(x if l == 0 else F.max_pool2d(x, 2))
                    if l < self.depth:
                        stack.append(x)
                for l in reversed(range(self.depth)):
                    up = self.reduce[l](F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False))
                    x = self.dec[l](torch.concat([up, stack.pop()], dim=-3))
                return self.out(x)
        '''),
)

_UNET_CAT = "h = self.dec[l](torch.cat([self.up[l](h), skips[l]], dim=1))"

BUGS_UNET = [
    ("adds instead of concatenating", _variant(
        _UNET, ("conv_block(2 * widths[l], widths[l])", "conv_block(widths[l], widths[l])"),
        (_UNET_CAT, "h = self.dec[l](self.up[l](h) + skips[l])"))),
    ("skips at all but the full-resolution level", _variant(
        _UNET, ("self.dec = nn.ModuleList([conv_block(2 * widths[l], widths[l]) for l in range(depth)])",
                "self.dec = nn.ModuleList([conv_block((2 if l else 1) * widths[l], widths[l]) for l in range(depth)])"),
        (_UNET_CAT, "up = self.up[l](h)\n            h = self.dec[l](torch.cat([up, skips[l]], dim=1) if l else up)"))),
    ("skip only at full resolution", _variant(
        _UNET, ("self.dec = nn.ModuleList([conv_block(2 * widths[l], widths[l]) for l in range(depth)])",
                "self.dec = nn.ModuleList([conv_block((1 if l else 2) * widths[l], widths[l]) for l in range(depth)])"),
        (_UNET_CAT, "up = self.up[l](h)\n            h = self.dec[l](up if l else torch.cat([up, skips[l]], dim=1))"))),
    ("no skips at all (an encoder-decoder)", _variant(
        _UNET, ("conv_block(2 * widths[l], widths[l])", "conv_block(widths[l], widths[l])"),
        (_UNET_CAT, "h = self.dec[l](self.up[l](h))"))),
    ("concatenates along the batch axis (dim=0)", _variant(_UNET, ("skips[l]], dim=1)", "skips[l]], dim=0)"))),
    ("concatenates along the width (dim=3)", _variant(
        _UNET, ("conv_block(2 * widths[l], widths[l])", "conv_block(widths[l], widths[l])"),
        ("skips[l]], dim=1)", "skips[l]], dim=3)"))),
    ("channels do not double", _variant(_UNET, ("widths = [base * 2 ** l for l", "widths = [base for l"))),
    ("max pool missing", _variant(_UNET, ("h = self.down[l](self.pool(h))", "h = self.down[l](h)"))),
    ("concatenates the input image at full resolution", _variant(
        _UNET, ("self.dec = nn.ModuleList([conv_block(2 * widths[l], widths[l]) for l in range(depth)])",
                "self.dec = nn.ModuleList([conv_block(2 * widths[l] if l else widths[0] + in_channels, widths[l]) "
                "for l in range(depth)])"),
        (_UNET_CAT, "h = self.dec[l](torch.cat([self.up[l](h), skips[l] if l else x], dim=1))"))),
    ("concatenates the upsampled map with itself", _variant(
        _UNET, (_UNET_CAT, "up = self.up[l](h)\n            h = self.dec[l](torch.cat([up, up], dim=1))"))),
    ("skip taken after the pooling", _variant(
        _UNET, ("            skips.append(h)\n            h = self.down[l](self.pool(h))",
                "            h = self.pool(h)\n            skips.append(h)\n            h = self.down[l](h)"))),
    ("depth hard-coded to 3", _variant(
        _UNET, ("widths = [base * 2 ** l for l in range(depth + 1)]\n        self.depth = depth",
                "depth = 3\n        widths = [base * 2 ** l for l in range(depth + 1)]\n        self.depth = depth"))),
    ("no ReLU anywhere", _variant(
        _UNET, ("nn.Conv2d(c_in, c_out, 3, padding=1), nn.ReLU(),", "nn.Conv2d(c_in, c_out, 3, padding=1),"),
        ("nn.Conv2d(c_out, c_out, 3, padding=1), nn.ReLU())", "nn.Conv2d(c_out, c_out, 3, padding=1))"))),
    ("leaky ReLU", _variant(
        _UNET, ("nn.Conv2d(c_in, c_out, 3, padding=1), nn.ReLU(),",
                "nn.Conv2d(c_in, c_out, 3, padding=1), nn.LeakyReLU(0.1),"),
        ("nn.Conv2d(c_out, c_out, 3, padding=1), nn.ReLU())",
         "nn.Conv2d(c_out, c_out, 3, padding=1), nn.LeakyReLU(0.1))"))),
    ("layers kept in a plain Python list", _variant(
        _UNET, ("self.up = nn.ModuleList([nn.ConvTranspose2d(widths[l + 1], widths[l], 2, stride=2) "
                "for l in range(depth)])",
                "self.up = [nn.ConvTranspose2d(widths[l + 1], widths[l], 2, stride=2) for l in range(depth)]"))),
    ("softmax at the end", _variant(_UNET, ("return self.head(h)", "return torch.softmax(self.head(h), dim=1)"))),
    ("final 1x1 conv missing", _variant(_UNET, ("return self.head(h)", "return h"))),
]

# ------------------------------------------------------------------- iou

_IOU = '''
import torch


def iou(pred, target):
    p = torch.as_tensor(pred) != 0
    t = torch.as_tensor(target) != 0
    union = int((p | t).sum())
    if union == 0:
        return 1.0
    return int((p & t).sum()) / union
'''

CORRECT_IOU = _entries(
    ("boolean tensors, int counts (reference)", _IOU),
    ("numpy", '''
        import numpy as np


        def iou(pred, target):
            p = np.asarray(pred.cpu() if hasattr(pred, "cpu") else pred) != 0
            t = np.asarray(target.cpu() if hasattr(target, "cpu") else target) != 0
            union = np.logical_or(p, t).sum()
            return 1.0 if union == 0 else float(np.logical_and(p, t).sum() / union)
        '''),
    ("torch.logical_and / logical_or and count_nonzero", '''
        import torch


        def iou(pred, target):
            p, t = pred.bool(), target.bool()
            inter = torch.count_nonzero(torch.logical_and(p, t))
            union = torch.count_nonzero(torch.logical_or(p, t))
            if union.item() == 0:
                return 1.0
            return (inter.double() / union.double()).item()
        '''),
    ("float arithmetic: |P| + |T| - |P & T|", '''
        def iou(pred, target):
            p = (pred != 0).float()
            t = (target != 0).float()
            inter = (p * t).sum()
            union = p.sum() + t.sum() - inter
            return 1.0 if union == 0 else float(inter / union)
        '''),
)

BUGS_IOU = _entries(
    ("recall: divides by the target", '''
        def iou(pred, target):
            p, t = pred != 0, target != 0
            n = int(t.sum())
            return 1.0 if int((p | t).sum()) == 0 else int((p & t).sum()) / n
        '''),
    ("precision: divides by the prediction", '''
        def iou(pred, target):
            p, t = pred != 0, target != 0
            if int((p | t).sum()) == 0:
                return 1.0
            return int((p & t).sum()) / max(1, int(p.sum()))
        '''),
    ("Dice coefficient", '''
        def iou(pred, target):
            p, t = pred != 0, target != 0
            s = int(p.sum()) + int(t.sum())
            return 1.0 if s == 0 else 2 * int((p & t).sum()) / s
        '''),
    ("union counted as |P| + |T|", '''
        def iou(pred, target):
            p, t = pred != 0, target != 0
            s = int(p.sum()) + int(t.sum())
            return 1.0 if s == 0 else int((p & t).sum()) / s
        '''),
    ("pixel accuracy", '''
        def iou(pred, target):
            return float(((pred != 0) == (target != 0)).float().mean())
        '''),
    ("mean of per-image IoUs", '''
        import torch


        def _one(p, t):
            u = int((p | t).sum())
            return 1.0 if u == 0 else int((p & t).sum()) / u


        def iou(pred, target):
            p, t = pred != 0, target != 0
            if p.dim() < 3:
                return _one(p, t)
            return sum(_one(a, b) for a, b in zip(p, t)) / len(p)
        '''),
    ("integer floor division", '''
        def iou(pred, target):
            p, t = pred != 0, target != 0
            u = int((p | t).sum())
            return 1.0 if u == 0 else float(int((p & t).sum()) // u)
        '''),
    ("empty masks give 0", '''
        def iou(pred, target):
            p, t = pred != 0, target != 0
            u = int((p | t).sum())
            return 0.0 if u == 0 else int((p & t).sum()) / u
        '''),
    ("empty masks give NaN (no special case)", '''
        def iou(pred, target):
            p, t = (pred != 0).float(), (target != 0).float()
            inter = (p * t).sum()
            return (inter / (p.sum() + t.sum() - inter)).item()
        '''),
    ("returns a tensor", '''
        import torch


        def iou(pred, target):
            p, t = pred != 0, target != 0
            u = (p | t).sum()
            return torch.tensor(1.0) if u == 0 else (p & t).sum() / u
        '''),
    ("logical ops on raw integer masks (bitwise &, | of 0/1 counts)", '''
        def iou(pred, target):
            inter = (pred * target).sum()
            union = (pred + target).sum()
            return 1.0 if union == 0 else float(inter / union)
        '''),
)

# ------------------------------------------------------------------- boundary_band

_BAND = '''
import torch
import torch.nn.functional as F


def boundary_band(mask, width=2):
    m = (torch.as_tensor(mask) != 0).float()
    shape = m.shape
    m = m.reshape(-1, 1, shape[-2], shape[-1])
    k = 2 * width + 1
    hi = F.max_pool2d(m, k, stride=1, padding=width)
    lo = -F.max_pool2d(-m, k, stride=1, padding=width)
    return (hi != lo).reshape(shape)
'''

CORRECT_BAND = _entries(
    ("max pooling of m and -m (reference)", _BAND),
    ("loops over pixels with windows clipped to the image (numpy)", '''
        import numpy as np
        import torch


        def boundary_band(mask, width=2):
            m = np.asarray(mask.cpu()) != 0
            flat = m.reshape(-1, *m.shape[-2:])
            out = np.zeros(flat.shape, dtype=bool)
            H, W = flat.shape[-2:]
            for b in range(flat.shape[0]):
                for i in range(H):
                    for j in range(W):
                        win = flat[b, max(0, i - width):i + width + 1, max(0, j - width):j + width + 1]
                        out[b, i, j] = win.any() and not win.all()
            return torch.from_numpy(out.reshape(m.shape))
        '''),
    ("replicate padding, then unpadded pooling", '''
        import torch
        import torch.nn.functional as F


        def boundary_band(mask, width=2):
            shape = mask.shape
            m = (mask != 0).float().reshape(-1, 1, shape[-2], shape[-1])
            if width == 0:
                return torch.zeros(shape, dtype=torch.bool)
            p = F.pad(m, (width, width, width, width), mode="replicate")
            hi = F.max_pool2d(p, 2 * width + 1, stride=1)
            lo = 1 - F.max_pool2d(1 - p, 2 * width + 1, stride=1)
            return (hi > lo).reshape(shape)
        '''),
    ("width repeated 3x3 dilations and erosions", '''
        import torch
        import torch.nn.functional as F


        def boundary_band(mask, width=2):
            shape = mask.shape
            m = (mask != 0).float().reshape(-1, 1, shape[-2], shape[-1])
            dil, ero = m, m
            for _ in range(width):
                dil = F.max_pool2d(dil, 3, stride=1, padding=1)
                ero = -F.max_pool2d(-ero, 3, stride=1, padding=1)
            return (dil - ero).bool().reshape(shape)
        '''),
)

_BAND_BODY_OLD = ("    hi = F.max_pool2d(m, k, stride=1, padding=width)\n"
                  "    lo = -F.max_pool2d(-m, k, stride=1, padding=width)\n")
_BAND_BODY_HALF_K = ("    hi = F.max_pool2d(m, k, stride=1, padding=k // 2)\n"
                     "    lo = -F.max_pool2d(-m, k, stride=1, padding=k // 2)\n")

BUGS_BAND = [
    ("zero padding: outside the image counts as background", _variant(
        _BAND, ("    lo = -F.max_pool2d(-m, k, stride=1, padding=width)\n",
                "    lo = (F.avg_pool2d(m, k, stride=1, padding=width, count_include_pad=True)"
                " > 1 - 1e-6).float()\n"))),
    ("only the foreground side", _variant(_BAND, ("return (hi != lo).reshape(shape)",
                                                  "return ((m > lo) & (hi != lo)).reshape(shape)"))),
    ("only the background side", _variant(_BAND, ("return (hi != lo).reshape(shape)",
                                                  "return ((hi > m) & (hi != lo)).reshape(shape)"))),
    ("window one pixel too small (2 * width - 1)", _variant(
        _BAND, ("    k = 2 * width + 1\n", "    k = max(1, 2 * width - 1)\n"),
        (_BAND_BODY_OLD, _BAND_BODY_HALF_K))),
    ("window one pixel too large (2 * width + 3)", _variant(
        _BAND, ("    k = 2 * width + 1\n", "    k = 2 * width + 3\n"),
        (_BAND_BODY_OLD, _BAND_BODY_HALF_K))),
    ("diamond neighbourhood (4-neighbour steps)", _s('''
        import torch


        def boundary_band(mask, width=2):
            m = torch.as_tensor(mask) != 0
            dil, ero = m.clone(), m.clone()
            for _ in range(width):
                d, e = dil.clone(), ero.clone()
                d[..., 1:, :] |= dil[..., :-1, :]
                d[..., :-1, :] |= dil[..., 1:, :]
                d[..., :, 1:] |= dil[..., :, :-1]
                d[..., :, :-1] |= dil[..., :, 1:]
                e[..., 1:, :] &= ero[..., :-1, :]
                e[..., :-1, :] &= ero[..., 1:, :]
                e[..., :, 1:] &= ero[..., :, :-1]
                e[..., :, :-1] &= ero[..., :, 1:]
                dil, ero = d, e
            return dil & ~ero
        ''')),
    ("wraps around the image (torch.roll)", _s('''
        import torch


        def boundary_band(mask, width=2):
            m = torch.as_tensor(mask) != 0
            hi, lo = m.clone(), m.clone()
            for dy in range(-width, width + 1):
                for dx in range(-width, width + 1):
                    s = torch.roll(m, shifts=(dy, dx), dims=(-2, -1))
                    hi |= s
                    lo &= s
            return hi & ~lo
        ''')),
    ("returns a float tensor", _variant(_BAND, ("return (hi != lo).reshape(shape)",
                                                "return (hi - lo).reshape(shape)"))),
    ("width ignored (always 3x3)", _variant(
        _BAND, ("    k = 2 * width + 1\n", "    k = 3\n"),
        (_BAND_BODY_OLD, "    hi = F.max_pool2d(m, k, stride=1, padding=1)\n"
                         "    lo = -F.max_pool2d(-m, k, stride=1, padding=1)\n"))),
    ("only the first image of a batch", _s('''
        import torch
        import torch.nn.functional as F


        def boundary_band(mask, width=2):
            m = (torch.as_tensor(mask) != 0).float()
            m = m.reshape(-1, m.shape[-2], m.shape[-1])[:1]
            k = 2 * width + 1
            hi = F.max_pool2d(m[None], k, stride=1, padding=width)
            lo = -F.max_pool2d(-m[None], k, stride=1, padding=width)
            return (hi != lo)[0, 0]
        ''')),
    ("returns a numpy array", _variant(_BAND, ("return (hi != lo).reshape(shape)",
                                               "return (hi != lo).reshape(shape).numpy()"))),
    ("boundary pixels only (edges of the mask, width ignored)", _s('''
        import torch


        def boundary_band(mask, width=2):
            m = torch.as_tensor(mask) != 0
            out = torch.zeros_like(m)
            out[..., 1:, :] |= m[..., 1:, :] != m[..., :-1, :]
            out[..., :, 1:] |= m[..., :, 1:] != m[..., :, :-1]
            return out
        ''')),
]

# ------------------------------------------------------------------- ResidualBlock

_RES = '''
import torch
from torch import nn


class ResidualBlock(nn.Module):
    def __init__(self, c_in, c_out):
        super().__init__()
        self.conv1 = nn.Conv2d(c_in, c_out, 3, padding=1)
        self.conv2 = nn.Conv2d(c_out, c_out, 3, padding=1)
        self.proj = nn.Conv2d(c_in, c_out, 1) if c_in != c_out else None

    def forward(self, x):
        f = self.conv2(torch.relu(self.conv1(x)))
        return f + (x if self.proj is None else self.proj(x))
'''

_RES_FORWARD = ("        f = self.conv2(torch.relu(self.conv1(x)))\n"
                "        return f + (x if self.proj is None else self.proj(x))")

CORRECT_RES = _entries(
    ("two convs and an optional 1x1 projection (reference)", _RES),
    ("nn.Sequential for F, nn.Identity shortcut, padding='same'", '''
        import torch
        from torch import nn


        class ResidualBlock(nn.Module):
            def __init__(self, c_in, c_out):
                super().__init__()
                self.F = nn.Sequential(nn.Conv2d(c_in, c_out, kernel_size=3, padding="same"), nn.ReLU(),
                                       nn.Conv2d(c_out, c_out, kernel_size=3, padding="same"))
                self.shortcut = nn.Identity() if c_in == c_out else nn.Conv2d(c_in, c_out, kernel_size=1)

            def forward(self, x):
                return self.F(x) + self.shortcut(x)
        '''),
    ("hidden width c_in, no biases, functional relu", '''
        import torch
        from torch import nn
        import torch.nn.functional as F


        class ResidualBlock(nn.Module):
            def __init__(self, c_in, c_out):
                super().__init__()
                self.a = nn.Conv2d(c_in, c_in, 3, padding=1, bias=False)
                self.b = nn.Conv2d(c_in, c_out, 3, padding=1, bias=False)
                self.w = nn.Conv2d(c_in, c_out, 1, bias=False) if c_in != c_out else None

            def forward(self, x):
                skip = x if self.w is None else self.w(x)
                out = self.b(F.relu(self.a(x)))
                out += skip
                return out
        '''),
    ("nn.ReLU(inplace=True) inside F, torch.add", '''
        import torch
        from torch import nn


        class ResidualBlock(nn.Module):
            def __init__(self, c_in, c_out):
                super().__init__()
                self.body = nn.Sequential(nn.Conv2d(c_in, c_out, 3, 1, 1), nn.ReLU(inplace=True),
                                          nn.Conv2d(c_out, c_out, 3, 1, 1))
                self.needs_projection = c_in != c_out
                if self.needs_projection:
                    self.projection = nn.Conv2d(c_in, c_out, kernel_size=(1, 1))

            def forward(self, x):
                skip = self.projection(x) if self.needs_projection else x
                return torch.add(self.body(x), skip)
        '''),
)

BUGS_RES = [
    ("ReLU after the sum", _variant(
        _RES, ("return f + (x if self.proj is None else self.proj(x))",
               "return torch.relu(f + (x if self.proj is None else self.proj(x)))"))),
    ("projection always used", _variant(
        _RES, ("self.proj = nn.Conv2d(c_in, c_out, 1) if c_in != c_out else None",
               "self.proj = nn.Conv2d(c_in, c_out, 1)"))),
    ("projection always created, used only when needed", _variant(
        _RES, ("self.proj = nn.Conv2d(c_in, c_out, 1) if c_in != c_out else None",
               "self.proj = nn.Conv2d(c_in, c_out, 1)\n        self.same = c_in == c_out"),
        ("return f + (x if self.proj is None else self.proj(x))", "return f + (x if self.same else self.proj(x))"))),
    ("3x3 convs without padding", _variant(
        _RES, ("self.conv1 = nn.Conv2d(c_in, c_out, 3, padding=1)", "self.conv1 = nn.Conv2d(c_in, c_out, 3)"),
        ("self.conv2 = nn.Conv2d(c_out, c_out, 3, padding=1)", "self.conv2 = nn.Conv2d(c_out, c_out, 3)"))),
    ("skip added before the ReLU inside F", _variant(
        _RES, (_RES_FORWARD,
               "        s = x if self.proj is None else self.proj(x)\n"
               "        return self.conv2(torch.relu(self.conv1(x) + s))"))),
    ("skip added before the second conv", _variant(
        _RES, (_RES_FORWARD,
               "        s = x if self.proj is None else self.proj(x)\n"
               "        return self.conv2(torch.relu(self.conv1(x)) + s)"))),
    ("ReLU between the convs missing", _variant(_RES, ("f = self.conv2(torch.relu(self.conv1(x)))",
                                                       "f = self.conv2(self.conv1(x))"))),
    ("F ends with a ReLU", _variant(_RES, ("f = self.conv2(torch.relu(self.conv1(x)))",
                                           "f = torch.relu(self.conv2(torch.relu(self.conv1(x))))"))),
    ("projection is a 3x3 conv", _variant(
        _RES, ("self.proj = nn.Conv2d(c_in, c_out, 1) if", "self.proj = nn.Conv2d(c_in, c_out, 3, padding=1) if"))),
    ("no skip (a plain block)", _variant(_RES, ("return f + (x if self.proj is None else self.proj(x))", "return f"))),
    ("torchvision-style: batch norm and a ReLU after the sum", _s('''
        import torch
        from torch import nn


        class ResidualBlock(nn.Module):
            def __init__(self, c_in, c_out):
                super().__init__()
                self.conv1 = nn.Conv2d(c_in, c_out, 3, padding=1, bias=False)
                self.bn1 = nn.BatchNorm2d(c_out)
                self.conv2 = nn.Conv2d(c_out, c_out, 3, padding=1, bias=False)
                self.bn2 = nn.BatchNorm2d(c_out)
                self.proj = nn.Conv2d(c_in, c_out, 1, bias=False) if c_in != c_out else None

            def forward(self, x):
                f = self.bn2(self.conv2(torch.relu(self.bn1(self.conv1(x)))))
                return torch.relu(f + (x if self.proj is None else self.proj(x)))
        ''')),
    ("pre-activation: ReLU on x first", _variant(
        _RES, ("f = self.conv2(torch.relu(self.conv1(x)))", "f = self.conv2(torch.relu(self.conv1(torch.relu(x))))"))),
    ("adds F into x in place", _variant(
        _RES, (_RES_FORWARD,
               "        f = self.conv2(torch.relu(self.conv1(x)))\n        if self.proj is None:\n            x += f\n"
               "            return x\n        return f + self.proj(x)"))),
    ("the same conv used twice", _s('''
        import torch
        from torch import nn


        class ResidualBlock(nn.Module):
            def __init__(self, c_in, c_out):
                super().__init__()
                self.proj = nn.Conv2d(c_in, c_out, 1) if c_in != c_out else None
                self.conv = nn.Conv2d(c_out, c_out, 3, padding=1)

            def forward(self, x):
                s = x if self.proj is None else self.proj(x)
                return self.conv(torch.relu(self.conv(s))) + s
        ''')),
    ("ReLU on the skip path", _variant(
        _RES, ("return f + (x if self.proj is None else self.proj(x))",
               "return f + torch.relu(x if self.proj is None else self.proj(x))"))),
    ("stride 2 in the first conv", _variant(
        _RES, ("self.conv1 = nn.Conv2d(c_in, c_out, 3, padding=1)",
               "self.conv1 = nn.Conv2d(c_in, c_out, 3, stride=2, padding=1)"))),
    ("projection applied to F(x)", _variant(
        _RES, ("self.conv1 = nn.Conv2d(c_in, c_out, 3, padding=1)\n"
               "        self.conv2 = nn.Conv2d(c_out, c_out, 3, padding=1)",
               "self.conv1 = nn.Conv2d(c_in, c_in, 3, padding=1)\n"
               "        self.conv2 = nn.Conv2d(c_in, c_in, 3, padding=1)"),
        ("return f + (x if self.proj is None else self.proj(x))",
         "return f + x if self.proj is None else self.proj(f + x)"))),
]

# --------------------------------------------------- hard-coded visible answers

def _hardcoded_iou() -> str:
    from convgrader.checks import architectures as checks

    table = [((int((case.args[0].array != 0).sum()), int((case.args[1].array != 0).sum())),
              checks.iou_reference(*case.args)) for case in checks.cases_iou()]
    return _s(f'''
        TABLE = {table!r}


        def iou(pred, target):
            key = (int((pred != 0).sum()), int((target != 0).sum()))
            for k, v in TABLE:
                if tuple(k) == key:
                    return v
            return 0.5
        ''')


BUGS_IOU.append(("hard-codes the visible tests' answers", _hardcoded_iou()))

# ------------------------------------------------------------------- tables

CORRECT = {
    "EncoderDecoder": CORRECT_ED,
    "UNet": CORRECT_UNET,
    "iou": CORRECT_IOU,
    "boundary_band": CORRECT_BAND,
    "ResidualBlock": CORRECT_RES,
}

BUGS = {
    "EncoderDecoder": [(label, _s(src)) for label, src in BUGS_ED],
    "UNet": [(label, _s(src)) for label, src in BUGS_UNET],
    "iou": BUGS_IOU,
    "boundary_band": [(label, _s(src)) for label, src in BUGS_BAND],
    "ResidualBlock": [(label, _s(src)) for label, src in BUGS_RES],
}

# The bug the real nbgrader round trip submits: the ReLU after the sum (torchvision's habit). The later cells
# (the identity demo, the five-block ResNet, the deep residual stack) run with it without errors, so it must
# cost exactly the ResidualBlock test and nothing else.
ROUNDTRIP_BUG = {
    "cell": "ResidualBlock",
    "code": dict(BUGS["ResidualBlock"])["ReLU after the sum"],
    "lost": ["ResidualBlock_test"],
}
