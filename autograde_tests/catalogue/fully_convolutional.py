"""Mutation catalogue of notebook 10_fully_convolutional.

Each entry is ``(label, source)``: ``source`` is the full code of a student's solution cell. It is executed
in a namespace holding ``np``, ``torch``, ``nn`` and correct versions of the notebook's other graded names
(the first correct alternative of each), the way the notebook runs a solution cell.

* ``CORRECT[name]``: correct implementations (attribute layers, ``nn.Sequential``, functional convolutions,
  explicit zero padding for ``FCN``; loops, ``Tensor.unfold``, ``F.unfold``, row batches for
  ``patchwise_apply``; ``np.roll`` / ``torch.roll``, modular indexing, slicing for ``translate``; slicing,
  masks, numpy conversion for ``equivariance_error``). Every one must pass the visible and the hidden checks.
* ``BUGS[name]``: realistic mistakes. Every one must be rejected
  (``autograde_tests/test_catalogue_fully_convolutional.py`` measures the kill rate).
"""
from __future__ import annotations

import textwrap

__all__ = ["FUNCTIONS", "ANSWERS", "CORRECT", "BUGS", "ROUNDTRIP_BUG"]

FUNCTIONS = ["FCN", "patchwise_apply", "translate", "equivariance_error"]
ANSWERS = ["answer_stride_shifts"]


def _s(src: str) -> str:
    return textwrap.dedent(src).strip("\n") + "\n"


def _entries(*pairs):
    return [(label, _s(src)) for label, src in pairs]


def _replace(base: str, old: str, new: str) -> str:
    assert old in base, old
    return _s(base.replace(old, new, 1))


# ------------------------------------------------------------------------ FCN

_FCN = '''
import torch
from torch import nn


class FCN(nn.Module):
    def __init__(self, in_channels=3, hidden=16, num_classes=2, kernel_size=3):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, hidden, kernel_size, padding=kernel_size // 2)
        self.conv2 = nn.Conv2d(hidden, num_classes, kernel_size, padding=kernel_size // 2)

    def forward(self, x):
        h = torch.relu(self.conv1(x))
        return self.conv2(h)
'''


def _fcn(old: str, new: str) -> str:
    return _replace(_FCN, old, new)


CORRECT_FCN = _entries(
    ("two attribute convs, torch.relu (reference)", _FCN),
    ("nn.Sequential with padding='same' and nn.ReLU", '''
        import torch
        from torch import nn


        class FCN(nn.Module):
            def __init__(self, in_channels=3, hidden=16, num_classes=2, kernel_size=3):
                super().__init__()
                self.net = nn.Sequential(
                    nn.Conv2d(in_channels, hidden, kernel_size, padding="same"),
                    nn.ReLU(),
                    nn.Conv2d(hidden, num_classes, kernel_size, padding="same"),
                )

            def forward(self, x):
                return self.net(x)
        '''),
    ("functional: F.conv2d with the layers' weights, F.relu", '''
        import torch
        from torch import nn
        import torch.nn.functional as F


        class FCN(nn.Module):
            def __init__(self, in_channels=3, hidden=16, num_classes=2, kernel_size=3):
                super().__init__()
                self.pad = kernel_size // 2
                self.conv1 = nn.Conv2d(in_channels, hidden, kernel_size)
                self.conv2 = nn.Conv2d(hidden, num_classes, kernel_size)

            def forward(self, x):
                h = F.relu(F.conv2d(x, self.conv1.weight, self.conv1.bias, padding=self.pad))
                return F.conv2d(h, self.conv2.weight, self.conv2.bias, padding=self.pad)
        '''),
    ("explicit zero padding with F.pad, convs without padding", '''
        import torch
        from torch import nn
        import torch.nn.functional as F


        class FCN(nn.Module):
            def __init__(self, in_channels=3, hidden=16, num_classes=2, kernel_size=3):
                super().__init__()
                self.p = kernel_size // 2
                self.conv1 = nn.Conv2d(in_channels, hidden, kernel_size)
                self.conv2 = nn.Conv2d(hidden, num_classes, kernel_size)

            def forward(self, x):
                p = (self.p,) * 4
                h = self.conv1(F.pad(x, p)).clamp(min=0)
                return self.conv2(F.pad(h, p))
        '''),
    ("nn.ModuleList, keyword arguments, max(z, 0)", '''
        import torch
        from torch import nn


        class FCN(nn.Module):
            def __init__(self, in_channels=3, hidden=16, num_classes=2, kernel_size=3):
                super().__init__()
                pad = (kernel_size - 1) // 2
                self.layers = nn.ModuleList([
                    nn.Conv2d(in_channels=in_channels, out_channels=hidden, kernel_size=kernel_size, padding=pad),
                    nn.Conv2d(in_channels=hidden, out_channels=num_classes, kernel_size=kernel_size, padding=pad),
                ])

            def forward(self, x):
                z1 = self.layers[0](x)
                h = torch.maximum(z1, torch.zeros_like(z1))
                return self.layers[1](h)
        '''),
)

BUGS_FCN = [
    ("the text's erratum: the second conv reads x", _fcn("return self.conv2(h)", "return self.conv2(x)")),
    ("the erratum made to run: conv2 built for the input channels and applied to x", _fcn(
        "nn.Conv2d(hidden, num_classes", "nn.Conv2d(in_channels, num_classes").replace(
        "return self.conv2(h)", "return self.conv2(x)")),
    ("softmax inside forward", _fcn("return self.conv2(h)", "return torch.softmax(self.conv2(h), dim=1)")),
    ("log_softmax inside forward", _fcn("return self.conv2(h)", "return torch.log_softmax(self.conv2(h), dim=1)")),
    ("the text's softmax exp(-z) inside forward", _fcn("return self.conv2(h)",
                                                       "return torch.softmax(-self.conv2(h), dim=1)")),
    ("sigmoid on the output", _fcn("return self.conv2(h)", "return torch.sigmoid(self.conv2(h))")),
    ("softmax over the wrong axis (dim=-1)", _fcn("return self.conv2(h)",
                                                  "return torch.softmax(self.conv2(h), dim=-1)")),
    ("relu missing", _fcn("h = torch.relu(self.conv1(x))", "h = self.conv1(x)")),
    ("relu on the output too", _fcn("return self.conv2(h)", "return torch.relu(self.conv2(h))")),
    ("tanh instead of relu", _fcn("h = torch.relu(self.conv1(x))", "h = torch.tanh(self.conv1(x))")),
    ("no padding in either conv", _fcn("hidden, kernel_size, padding=kernel_size // 2)", "hidden, kernel_size)").replace(
        "num_classes, kernel_size, padding=kernel_size // 2)", "num_classes, kernel_size)")),
    ("padding only in the first conv", _fcn("num_classes, kernel_size, padding=kernel_size // 2)",
                                            "num_classes, kernel_size)")),
    ("padding=1 hard-coded (kernel_size 5 breaks)", _fcn(
        "hidden, kernel_size, padding=kernel_size // 2)", "hidden, kernel_size, padding=1)").replace(
        "num_classes, kernel_size, padding=kernel_size // 2)", "num_classes, kernel_size, padding=1)")),
    ("padding = kernel_size - 1", _fcn(
        "hidden, kernel_size, padding=kernel_size // 2)", "hidden, kernel_size, padding=kernel_size - 1)").replace(
        "num_classes, kernel_size, padding=kernel_size // 2)", "num_classes, kernel_size, padding=kernel_size - 1)")),
    ("second conv 1x1", _fcn("nn.Conv2d(hidden, num_classes, kernel_size, padding=kernel_size // 2)",
                             "nn.Conv2d(hidden, num_classes, 1)")),
    ("reflect padding", _fcn("hidden, kernel_size, padding=kernel_size // 2)",
                             "hidden, kernel_size, padding=kernel_size // 2, padding_mode='reflect')").replace(
        "num_classes, kernel_size, padding=kernel_size // 2)",
        "num_classes, kernel_size, padding=kernel_size // 2, padding_mode='reflect')")),
    ("circular padding in the second conv", _fcn(
        "num_classes, kernel_size, padding=kernel_size // 2)",
        "num_classes, kernel_size, padding=kernel_size // 2, padding_mode='circular')")),
    ("convs without bias", _fcn("hidden, kernel_size, padding=kernel_size // 2)",
                                "hidden, kernel_size, padding=kernel_size // 2, bias=False)")),
    ("second conv's bias ignored in forward", _fcn(
        "return self.conv2(h)",
        "return torch.nn.functional.conv2d(h, self.conv2.weight, padding=self.conv2.padding)")),
    ("default hidden=8", _fcn("hidden=16", "hidden=8")),
    ("defaults in_channels=1, num_classes=3 (the notebook's task)", _fcn("in_channels=3", "in_channels=1").replace(
        "num_classes=2", "num_classes=3")),
    ("forward under torch.no_grad()", _fcn("h = torch.relu(self.conv1(x))\n        return self.conv2(h)",
                                           "with torch.no_grad():\n            h = torch.relu(self.conv1(x))\n"
                                           "            return self.conv2(h)")),
    ("first layer detached", _fcn("h = torch.relu(self.conv1(x))", "h = torch.relu(self.conv1(x)).detach()")),
    ("layers kept in a plain list", '''
        import torch
        from torch import nn


        class FCN(nn.Module):
            def __init__(self, in_channels=3, hidden=16, num_classes=2, kernel_size=3):
                super().__init__()
                self.layers = [nn.Conv2d(in_channels, hidden, kernel_size, padding=kernel_size // 2),
                               nn.Conv2d(hidden, num_classes, kernel_size, padding=kernel_size // 2)]

            def forward(self, x):
                return self.layers[1](torch.relu(self.layers[0](x)))
        '''),
    ("super().__init__() missing", _fcn("        super().__init__()\n", "")),
    ("squeezes the batch axis", _fcn("return self.conv2(h)", "return self.conv2(h).squeeze()")),
    ("channels-last output", _fcn("return self.conv2(h)", "return self.conv2(h).permute(0, 2, 3, 1)")),
    ("global average pooling at the end (a classifier)", _fcn("return self.conv2(h)",
                                                              "return self.conv2(h).mean(dim=(2, 3))")),
    ("extra batch-norm layer", _fcn(
        "self.conv2 = nn.Conv2d(hidden", "self.bn = nn.BatchNorm2d(hidden)\n        self.conv2 = nn.Conv2d(hidden").replace(
        "torch.relu(self.conv1(x))", "torch.relu(self.bn(self.conv1(x)))")),
    ("stride 2 in the first conv, upsampled back", _fcn(
        "hidden, kernel_size, padding=kernel_size // 2)", "hidden, kernel_size, padding=kernel_size // 2, stride=2)"
    ).replace("return self.conv2(h)",
              "h = torch.nn.functional.interpolate(h, size=x.shape[-2:])\n        return self.conv2(h)")),
    ("skip connection: adds the input", _fcn("return self.conv2(h)", "return self.conv2(h) + x")),
    ("three convs (an extra hidden layer)", _fcn(
        "self.conv2 = nn.Conv2d(hidden", "self.mid = nn.Conv2d(hidden, hidden, kernel_size, padding=kernel_size // 2)"
        "\n        self.conv2 = nn.Conv2d(hidden").replace(
        "return self.conv2(h)", "return self.conv2(torch.relu(self.mid(h)))")),
]
BUGS_FCN = [(label, _s(src)) for label, src in BUGS_FCN]


# ------------------------------------------------------------ patchwise_apply

_PATCH = '''
import torch
import torch.nn.functional as F


def patchwise_apply(model, x, rf):
    r = rf // 2
    B, C, H, W = x.shape
    xp = F.pad(x, (r, r, r, r))
    out = None
    with torch.no_grad():
        for n in range(H):
            for m in range(W):
                y = model(xp[:, :, n:n + rf, m:m + rf])
                if out is None:
                    out = torch.zeros(B, y.shape[1], H, W, dtype=y.dtype)
                out[:, :, n, m] = y[:, :, r, r]
    return out
'''

_UNFOLD = '''
import torch
import torch.nn.functional as F


def patchwise_apply(model, x, rf):
    r = rf // 2
    B, C, H, W = x.shape
    xp = F.pad(x, (r, r, r, r))
    with torch.no_grad():
        patches = xp.unfold(2, rf, 1).unfold(3, rf, 1)            # (B, C, H, W, rf, rf)
        patches = patches.permute(0, 2, 3, 1, 4, 5).reshape(B * H * W, C, rf, rf)
        y = model(patches)[:, :, r, r]                            # (B*H*W, K)
    return y.reshape(B, H, W, -1).permute(0, 3, 1, 2).contiguous()
'''


def _patch(old: str, new: str) -> str:
    return _replace(_PATCH, old, new)


def _unfold(old: str, new: str) -> str:
    return _replace(_UNFOLD, old, new)


CORRECT_PATCH = _entries(
    ("double loop over pixels (reference)", _PATCH),
    ("Tensor.unfold, one batch of patches", _UNFOLD),
    ("F.unfold (im2col) and a reshape", '''
        import torch
        import torch.nn.functional as F


        def patchwise_apply(model, x, rf):
            B, C, H, W = x.shape
            r = rf // 2
            with torch.no_grad():
                cols = F.unfold(x, kernel_size=rf, padding=r)          # (B, C*rf*rf, H*W)
                patches = cols.transpose(1, 2).reshape(B * H * W, C, rf, rf)
                centre = model(patches)[..., r, r]
            return centre.reshape(B, H * W, -1).transpose(1, 2).reshape(B, -1, H, W)
        '''),
    ("one row of patches per model call", '''
        import torch
        import torch.nn.functional as F


        def patchwise_apply(model, x, rf):
            r = rf // 2
            B, C, H, W = x.shape
            xp = F.pad(x, [r] * 4)
            rows = []
            with torch.no_grad():
                for n in range(H):
                    band = xp[:, :, n:n + rf]                          # (B, C, rf, W + 2r)
                    patches = torch.stack([band[..., m:m + rf] for m in range(W)], dim=1)   # (B, W, C, rf, rf)
                    y = model(patches.reshape(B * W, C, rf, rf))[:, :, r, r].reshape(B, W, -1)
                    rows.append(y.permute(0, 2, 1))                    # (B, K, W)
            return torch.stack(rows, dim=2)
        '''),
    ("padded copy built by hand, loops, result detached", '''
        import torch


        def patchwise_apply(model, x, rf):
            r = rf // 2
            B, C, H, W = x.shape
            xp = torch.zeros(B, C, H + 2 * r, W + 2 * r, dtype=x.dtype)
            xp[:, :, r:r + H, r:r + W] = x
            values = {}
            for n in range(H):
                for m in range(W):
                    values[n, m] = model(xp[:, :, n:n + rf, m:m + rf])[:, :, r, r].detach()
            K = values[0, 0].shape[1]
            out = torch.empty(B, K, H, W, dtype=x.dtype)
            for (n, m), v in values.items():
                out[:, :, n, m] = v
            return out
        '''),
)

BUGS_PATCH = [
    ("returns model(x)", '''
        import torch

        def patchwise_apply(model, x, rf):
            with torch.no_grad():
                return model(x)
        '''),
    ("pads once and runs the whole network", '''
        import torch
        import torch.nn.functional as F

        def patchwise_apply(model, x, rf):
            r = rf // 2
            H, W = x.shape[-2:]
            with torch.no_grad():
                return model(F.pad(x, (r, r, r, r)))[:, :, r:r + H, r:r + W]
        '''),
    ("pads with rf instead of rf // 2", _patch("xp = F.pad(x, (r, r, r, r))", "xp = F.pad(x, (rf, rf, rf, rf))")),
    ("patches of side 2*rf + 1 (rf taken as the radius)", _patch(
        "r = rf // 2", "r = rf").replace("xp[:, :, n:n + rf, m:m + rf]", "xp[:, :, n:n + 2 * r + 1, m:m + 2 * r + 1]")),
    ("centre off by one (rf // 2 + 1)", _patch("out[:, :, n, m] = y[:, :, r, r]",
                                               "out[:, :, n, m] = y[:, :, r + 1, r + 1] if rf > 1 else y[:, :, 0, 0]")),
    ("value read at the patch's corner", _patch("out[:, :, n, m] = y[:, :, r, r]", "out[:, :, n, m] = y[:, :, 0, 0]")),
    ("centre at (rf // 2, rf // 2 - 1)", _patch("out[:, :, n, m] = y[:, :, r, r]",
                                                "out[:, :, n, m] = y[:, :, r, max(r - 1, 0)]")),
    ("reflect padding", _patch("xp = F.pad(x, (r, r, r, r))", "xp = F.pad(x, (r, r, r, r), mode='reflect')")),
    ("replicate padding", _patch("xp = F.pad(x, (r, r, r, r))", "xp = F.pad(x, (r, r, r, r), mode='replicate')")),
    ("no padding, values stored at the patch's top-left pixel", _patch(
        "xp = F.pad(x, (r, r, r, r))", "xp = x").replace(
        "for n in range(H):\n            for m in range(W):",
        "for n in range(max(H - rf + 1, 1)):\n            for m in range(max(W - rf + 1, 1)):").replace(
        "out[:, :, n, m] = y[:, :, r, r]", "out[:, :, n, m] = y[:, :, min(r, y.shape[2] - 1), min(r, y.shape[3] - 1)]")),
    ("no padding, border left at zero", _patch(
        "xp = F.pad(x, (r, r, r, r))", "xp = x").replace(
        "for n in range(H):\n            for m in range(W):",
        "for n in range(r, max(H - r, r + 1)):\n            for m in range(r, max(W - r, r + 1)):").replace(
        "y = model(xp[:, :, n:n + rf, m:m + rf])", "y = model(xp[:, :, n - r:n + r + 1, m - r:m + r + 1])").replace(
        "out[:, :, n, m] = y[:, :, r, r]", "out[:, :, n, m] = y[:, :, min(r, y.shape[2] - 1), min(r, y.shape[3] - 1)]")),
    ("output placed transposed", _patch("out = torch.zeros(B, y.shape[1], H, W, dtype=y.dtype)",
                                        "out = torch.zeros(B, y.shape[1], W, H, dtype=y.dtype)").replace(
        "out[:, :, n, m] = y[:, :, r, r]", "out[:, :, m, n] = y[:, :, r, r]")),
    ("mean of each patch's output", _patch("out[:, :, n, m] = y[:, :, r, r]",
                                           "out[:, :, n, m] = y.mean(dim=(2, 3))")),
    ("no torch.no_grad(): the result requires grad", _unfold(
        "    with torch.no_grad():\n        patches = xp.unfold(2, rf, 1).unfold(3, rf, 1)            # (B, C, H, W, rf, rf)\n"
        "        patches = patches.permute(0, 2, 3, 1, 4, 5).reshape(B * H * W, C, rf, rf)\n"
        "        y = model(patches)[:, :, r, r]                            # (B*H*W, K)",
        "    patches = xp.unfold(2, rf, 1).unfold(3, rf, 1)\n"
        "    patches = patches.permute(0, 2, 3, 1, 4, 5).reshape(B * H * W, C, rf, rf)\n"
        "    y = model(patches)[:, :, r, r]")),
    ("unfold reshaped without moving the channel axis", _unfold(
        "patches = patches.permute(0, 2, 3, 1, 4, 5).reshape(B * H * W, C, rf, rf)",
        "patches = patches.reshape(B * H * W, C, rf, rf)")),
    ("output reshaped without the permute (scrambled)", _unfold(
        "return y.reshape(B, H, W, -1).permute(0, 3, 1, 2).contiguous()", "return y.reshape(B, -1, H, W)")),
    ("map allocated like x (input channel count)", _patch(
        "out = torch.zeros(B, y.shape[1], H, W, dtype=y.dtype)", "out = torch.zeros_like(x)").replace(
        "out[:, :, n, m] = y[:, :, r, r]", "out[:, :, n, m] = y[:, :out.shape[1], r, r]")),
    ("returns a numpy array", _unfold("return y.reshape(B, H, W, -1).permute(0, 3, 1, 2).contiguous()",
                                      "return y.reshape(B, H, W, -1).permute(0, 3, 1, 2).numpy()")),
    ("only the first image of the batch", _patch("y = model(xp[:, :, n:n + rf, m:m + rf])",
                                                 "y = model(xp[:1, :, n:n + rf, m:m + rf]).expand(B, -1, -1, -1)")),
    ("rf hard-coded to 3", _patch("r = rf // 2", "rf = 3\n    r = rf // 2")),
    ("pads only the bottom and right", _patch("xp = F.pad(x, (r, r, r, r))", "xp = F.pad(x, (0, 2 * r, 0, 2 * r))")),
    ("patch centred one pixel up (n - 1)", _patch("y = model(xp[:, :, n:n + rf, m:m + rf])",
                                                  "y = model(F.pad(x, (r, r, r + 1, r))[:, :, n:n + rf, m:m + rf])")),
]
BUGS_PATCH = [(label, _s(src)) for label, src in BUGS_PATCH]


# ------------------------------------------------------------------ translate

CORRECT_TRANSLATE = _entries(
    ("np.roll / torch.roll (reference)", '''
        import torch

        def translate(x, dy, dx):
            if isinstance(x, torch.Tensor):
                return torch.roll(x, shifts=(dy, dx), dims=(-2, -1))
            return np.roll(x, (dy, dx), axis=(-2, -1))
        '''),
    ("modular index arrays", '''
        import torch

        def translate(x, dy, dx):
            N, M = x.shape[-2:]
            rows = [(n - dy) % N for n in range(N)]
            cols = [(m - dx) % M for m in range(M)]
            if isinstance(x, torch.Tensor):
                return x[..., rows, :][..., cols]
            return x[..., rows, :][..., cols]
        '''),
    ("slices and concatenation after the modulo", '''
        import torch

        def translate(x, dy, dx):
            N, M = x.shape[-2:]
            dy, dx = dy % N, dx % M
            cat = torch.cat if isinstance(x, torch.Tensor) else np.concatenate
            kw = "dim" if isinstance(x, torch.Tensor) else "axis"
            out = cat([x[..., N - dy:, :], x[..., :N - dy, :]], **{kw: -2})
            return cat([out[..., M - dx:], out[..., :M - dx]], **{kw: -1})
        '''),
    ("two single-axis rolls", '''
        import torch

        def translate(x, dy, dx):
            if torch.is_tensor(x):
                return x.roll(dy, -2).roll(dx, -1)
            return np.roll(np.roll(x, dy, axis=-2), dx, axis=-1)
        '''),
)

BUGS_TRANSLATE = _entries(
    ("shifts the wrong way", '''
        import torch

        def translate(x, dy, dx):
            if isinstance(x, torch.Tensor):
                return torch.roll(x, shifts=(-dy, -dx), dims=(-2, -1))
            return np.roll(x, (-dy, -dx), axis=(-2, -1))
        '''),
    ("dy and dx swapped", '''
        import torch

        def translate(x, dy, dx):
            if isinstance(x, torch.Tensor):
                return torch.roll(x, shifts=(dx, dy), dims=(-2, -1))
            return np.roll(x, (dx, dy), axis=(-2, -1))
        '''),
    ("zero-filled shift (not circular)", '''
        import torch

        def translate(x, dy, dx):
            out = x * 0
            N, M = x.shape[-2:]
            for n in range(N):
                for m in range(M):
                    if 0 <= n - dy < N and 0 <= m - dx < M:
                        out[..., n, m] = x[..., n - dy, m - dx]
            return out
        '''),
    ("np.roll without axis (flattened)", '''
        import torch

        def translate(x, dy, dx):
            if isinstance(x, torch.Tensor):
                return torch.roll(x, shifts=(dy, dx), dims=(-2, -1))
            return np.roll(x, (dy, dx))
        '''),
    ("rolls the first two axes", '''
        import torch

        def translate(x, dy, dx):
            if isinstance(x, torch.Tensor):
                return torch.roll(x, shifts=(dy, dx), dims=(0, 1))
            return np.roll(x, (dy, dx), axis=(0, 1))
        '''),
    ("np.roll on tensors too (returns numpy)", '''
        def translate(x, dy, dx):
            return np.roll(x, (dy, dx), axis=(-2, -1))
        '''),
    ("converts to float", '''
        import torch

        def translate(x, dy, dx):
            if isinstance(x, torch.Tensor):
                return torch.roll(x.double(), shifts=(dy, dx), dims=(-2, -1))
            return np.roll(np.asarray(x, dtype=float), (dy, dx), axis=(-2, -1))
        '''),
    ("slices without the modulo (breaks for shifts larger than the size)", '''
        import torch

        def translate(x, dy, dx):
            N, M = x.shape[-2:]
            cat = torch.cat if isinstance(x, torch.Tensor) else np.concatenate
            kw = "dim" if isinstance(x, torch.Tensor) else "axis"
            out = cat([x[..., N - dy:, :], x[..., :N - dy, :]], **{kw: -2})
            return cat([out[..., M - dx:], out[..., :M - dx]], **{kw: -1})
        '''),
    ("writes the result into the input", '''
        import torch

        def translate(x, dy, dx):
            if isinstance(x, torch.Tensor):
                x.copy_(torch.roll(x, shifts=(dy, dx), dims=(-2, -1)))
                return x
            x[...] = np.roll(x, (dy, dx), axis=(-2, -1))
            return x
        '''),
    ("shifts the rows only", '''
        import torch

        def translate(x, dy, dx):
            if isinstance(x, torch.Tensor):
                return torch.roll(x, shifts=dy, dims=-2)
            return np.roll(x, dy, axis=-2)
        '''),
    ("tensor converted to numpy and back as float64", '''
        import torch

        def translate(x, dy, dx):
            if isinstance(x, torch.Tensor):
                return torch.from_numpy(np.roll(x.numpy().astype(float), (dy, dx), axis=(-2, -1)))
            return np.roll(x, (dy, dx), axis=(-2, -1))
        '''),
)


# --------------------------------------------------------- equivariance_error

_EQ = '''
def equivariance_error(f, x, dy, dx, border=0):
    a = f(translate(x, dy, dx))
    b = translate(f(x), dy, dx)
    ry, rx = abs(dy) + border, abs(dx) + border
    H, W = a.shape[-2:]
    d = (a - b)[..., ry:H - ry, rx:W - rx]
    if d.shape[-2] <= 0 or d.shape[-1] <= 0 or H - ry <= ry or W - rx <= rx:
        return 0.0
    return float(abs(d).max())
'''


def _eq(old: str, new: str) -> str:
    return _replace(_EQ, old, new)


CORRECT_EQ = _entries(
    ("slice of the difference (reference)", _EQ),
    ("numpy copies of both sides", '''
        import torch

        def equivariance_error(f, x, dy, dx, border=0):
            def as_np(t):
                return t.detach().cpu().numpy() if isinstance(t, torch.Tensor) else np.asarray(t)
            a = as_np(f(translate(x, dy, dx))).astype(float)
            b = as_np(translate(f(x), dy, dx)).astype(float)
            H, W = a.shape[-2:]
            top, left = abs(dy) + border, abs(dx) + border
            if 2 * top >= H or 2 * left >= W:
                return 0.0
            return float(np.max(np.abs(a - b)[..., top:H - top, left:W - left]))
        '''),
    ("boolean mask of the interior", '''
        import torch

        def equivariance_error(f, x, dy, dx, border=0):
            a = f(translate(x, dy, dx))
            b = translate(f(x), dy, dx)
            if isinstance(a, torch.Tensor):
                a, b = a.detach().double().numpy(), b.detach().double().numpy()
            H, W = a.shape[-2:]
            n = np.arange(H)[:, None]
            m = np.arange(W)[None, :]
            ry, rx = abs(dy) + border, abs(dx) + border
            inside = (n >= ry) & (n < H - ry) & (m >= rx) & (m < W - rx)
            if not inside.any():
                return 0.0
            diff = np.abs(np.asarray(a, dtype=float) - np.asarray(b, dtype=float))
            return float(diff[..., inside].max())
        '''),
    ("loop over the interior pixels", '''
        def equivariance_error(f, x, dy, dx, border=0):
            a = f(translate(x, dy, dx))
            b = translate(f(x), dy, dx)
            H, W = a.shape[-2:]
            worst = 0.0
            for n in range(abs(dy) + border, H - abs(dy) - border):
                for m in range(abs(dx) + border, W - abs(dx) - border):
                    worst = max(worst, float(abs(a[..., n, m] - b[..., n, m]).max()))
            return worst
        '''),
)

BUGS_EQ = [
    ("no absolute value", _eq("return float(abs(d).max())", "return float(d.max())")),
    ("mean instead of max", _eq("return float(abs(d).max())", "return float(abs(d).mean())")),
    ("border ignored", _eq("ry, rx = abs(dy) + border, abs(dx) + border", "ry, rx = abs(dy), abs(dx)")),
    ("only the border left out (not the shift)", _eq("ry, rx = abs(dy) + border, abs(dx) + border",
                                                     "ry, rx = border, border")),
    ("nothing left out", _eq("d = (a - b)[..., ry:H - ry, rx:W - rx]", "d = a - b")),
    ("[ry:-ry] slicing (empty when ry = 0)", _eq("d = (a - b)[..., ry:H - ry, rx:W - rx]",
                                                 "d = (a - b)[..., ry:-ry, rx:-rx]").replace(
        "if d.shape[-2] <= 0 or d.shape[-1] <= 0 or H - ry <= ry or W - rx <= rx:", "if False:")),
    ("[ry:-ry] slicing, the empty slice taken as an empty interior (0.0)", _eq(
        "d = (a - b)[..., ry:H - ry, rx:W - rx]", "d = (a - b)[..., ry:-ry, rx:-rx]").replace(
        "if d.shape[-2] <= 0 or d.shape[-1] <= 0 or H - ry <= ry or W - rx <= rx:",
        "if d.shape[-2] <= 0 or d.shape[-1] <= 0:")),
    ("left out at the top and left only", _eq("d = (a - b)[..., ry:H - ry, rx:W - rx]",
                                              "d = (a - b)[..., ry:, rx:]")),
    ("dy not made positive", _eq("ry, rx = abs(dy) + border, abs(dx) + border", "ry, rx = dy + border, dx + border")),
    ("rows and columns swapped", _eq("d = (a - b)[..., ry:H - ry, rx:W - rx]", "d = (a - b)[..., rx:H - rx, ry:W - ry]")),
    ("invariance: compares with f(x)", _eq("b = translate(f(x), dy, dx)", "b = f(x)")),
    ("output shifted back", _eq("b = translate(f(x), dy, dx)", "b = translate(f(x), -dy, -dx)")),
    ("returns a tensor for torch inputs", _eq("return float(abs(d).max())", "return abs(d).max()")),
    ("crashes on an empty interior", _eq(
        "if d.shape[-2] <= 0 or d.shape[-1] <= 0 or H - ry <= ry or W - rx <= rx:", "if False:")),
    ("translate's arguments swapped", _eq("a = f(translate(x, dy, dx))", "a = f(translate(x, dx, dy))").replace(
        "b = translate(f(x), dy, dx)", "b = translate(f(x), dx, dy)")),
    ("relative error", _eq("return float(abs(d).max())", "return float(abs(d).max() / abs(b).max())")),
]
BUGS_EQ = [(label, _s(src)) for label, src in BUGS_EQ]


# ------------------------------------------------------------------ question

BUGS_Q = _entries(
    ("A: every shift", 'answer_stride_shifts = "A"\n'),
    ("B: even shifts (one stride-2 stage's answer)", 'answer_stride_shifts = "B"\n'),
    ("D: no shift but 0", 'answer_stride_shifts = "D"\n'),
    ("the number 4 instead of a letter", "answer_stride_shifts = 4\n"),
)


CORRECT = {
    "FCN": CORRECT_FCN,
    "patchwise_apply": CORRECT_PATCH,
    "translate": CORRECT_TRANSLATE,
    "equivariance_error": CORRECT_EQ,
    "answer_stride_shifts": _entries(("C", 'answer_stride_shifts = "C"\n'), ("c with spaces", 'answer_stride_shifts = " c "\n')),
}
BUGS = {
    "FCN": BUGS_FCN,
    "patchwise_apply": BUGS_PATCH,
    "translate": BUGS_TRANSLATE,
    "equivariance_error": BUGS_EQ,
    "answer_stride_shifts": BUGS_Q,
}

# The bug the real nbgrader round trip submits: translate shifting the wrong way. equivariance_error's test runs
# with the course's translate bound in the notebook's namespace, and FCN and patchwise_apply do not use it, so
# this bug must cost exactly the translate test.
ROUNDTRIP_BUG = {
    "cell": "translate",
    "code": dict(BUGS["translate"])["shifts the wrong way"],
    "lost": ["translate_test"],
}
