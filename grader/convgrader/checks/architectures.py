"""The grader's checks for notebook 11_architectures (chapter §24.11: encoder-decoders, U-Nets, ResNets).

Each ``check_<name>(target)`` runs the visible tests of one graded name; the hidden tests (kept by the
instructor, never shipped) call the same checkers with configurations and inputs of their own. ``target``
is the grader's handle on the notebook (or, in the test catalogue, the student's function or class, graded
through a stand-in for the kernel in this process).

* ``check_iou`` and ``check_boundary_band``: the masks travel to the kernel as torch tensors; the answers
  come back as plain data and are compared here with the references, the known mistakes' answers naming
  what is wrong. The answer's type is checked first (a Python float; a torch bool tensor of the mask's
  shape).
* ``check_ResidualBlock``: the block is built in the kernel; its layers are read from its description,
  one watched forward pass (``convcourse.checks.architectures_probe``, run in the kernel) says which conv
  receives ``x`` and in which order the convs run; the output is compared with ``conv2(relu(conv1(x)))
  + x`` (or ``+ W(x)``) computed here in float64 from the block's own weights, and with the usual mistakes
  (ReLU after the sum, skip added inside F, ...); F's last conv is then set to zero through ``load`` and
  the block must return ``x`` (or ``W x``) exactly; gradients must reach every parameter.
* ``check_EncoderDecoder`` and ``check_UNet``: the requirement checks of
  :func:`convcourse.checks.architectures.check_segmenter` judge the kernel's measurements here: the pyramid
  of conv resolutions, the channel widths, the ReLUs, the bottleneck probe (the bottleneck's output held
  fixed while the input changes), the concatenations' operands (encoder side or decoder side, read from
  the autograd graph in the kernel), batch independence, gradients and parameter counts.

``check_<name>.book`` writes the visible answer book's entries for the module checks; the metric checks
are recorded by :func:`~convcourse.checks.core.check_function`.
"""
from __future__ import annotations

import numpy as np

from convcourse import wire
from convcourse.checks import architectures as visible
from convcourse.checks.core import Case, CheckError, Mistake, Recorder, check_function, describe
from convcourse.checks.core import single_threaded as _single_threaded

from .. import references
from ..remote import Notebook, RemoteFunction, RemoteModule, as_notebook

__all__ = [
    "check_ResidualBlock", "check_EncoderDecoder", "check_UNet", "check_iou", "check_boundary_band",
    "RESIDUAL_CONFIGS", "RESIDUAL_SHAPES", "SEGMENTER_CONFIGS", "SEGMENTER_SHAPES",
    "cases_iou", "cases_boundary_band", "iou_reference", "boundary_band_reference", "MISTAKES", "masks",
]


# ----------------------------------------------------------------- handles


class _Traced(RemoteModule):
    """A handle on a network in the kernel, with the watched forward pass of ``architectures_probe``."""

    @classmethod
    def of(cls, m: RemoteModule) -> "_Traced":
        return cls(m.notebook, m.handle, m.name, m.description)

    def trace(self, x, *, label: str = "", timeout: float | None = None, **fields) -> dict:  # noqa: ANN001
        return self.measure("architectures_probe.trace", label=label, timeout=timeout, x=x, **fields)

    def drop(self) -> None:
        self.notebook.session.request({"op": "module", "handle": self.handle, "action": "drop"},
                                      self.notebook.call_timeout)


def _notebook(target, name: str) -> Notebook:  # noqa: ANN001
    """The notebook handle of a module test: the grader's, or one in this process for a class (the catalogue)."""
    if isinstance(target, Notebook):
        return target
    if not visible.is_module_class(target):
        raise CheckError(f"{name} should be a class derived from torch.nn.Module, but it is {describe(target)}.")
    return as_notebook(target, name)


def _maker(nb: Notebook, name: str):  # noqa: ANN001
    def new(args, kwargs, *, seed=0, label=""):  # noqa: ANN001
        return _Traced.of(nb.new(name, args, kwargs, seed=seed, label=label))
    return new


def _function(target, name: str):  # noqa: ANN001
    """The callable a function check calls: a recorder or the grader's handle as they are, a local function
    (the catalogue) through a stand-in kernel in this process."""
    if isinstance(target, (Recorder, RemoteFunction)):
        return target
    return as_notebook(target, name).function(name)


# ============================================================ iou and boundary_band


def masks(*tensors) -> tuple:
    """torch tensors as the arguments the kernel receives (``wire.Tensor``: values and torch dtype)."""
    return tuple(wire.Tensor(t.detach().cpu().numpy(), str(t.dtype)) for t in tensors)


def _np(a) -> np.ndarray:  # noqa: ANN001
    if isinstance(a, wire.Tensor):
        return np.asarray(a.array)
    if hasattr(a, "detach"):
        return a.detach().cpu().numpy()
    return np.asarray(a)


def _np_bool(a) -> np.ndarray:  # noqa: ANN001
    return _np(a) != 0


def iou_reference(pred, target) -> float:
    """|pred & target| / |pred | target| over all entries (the whole batch pooled); 1.0 when both are empty."""
    return references.iou(_np_bool(pred), _np_bool(target))


def boundary_band_reference(mask, width=2, *, mode="edge", shape="square") -> np.ndarray:
    """Pixels whose (2*width+1)^2 window, clipped to the image, holds both labels (numpy bool)."""
    return references.boundary_band(_np_bool(mask), width, mode=mode, shape=shape)


def _iou_per_image_mean(pred, target):  # noqa: ANN001
    p, t = _np_bool(pred), _np_bool(target)
    if p.ndim < 3:
        return None
    return float(np.mean([references.iou(a, b) for a, b in zip(p, t)]))


def _iou_safe(fn):  # noqa: ANN001
    def wrapped(p, t):  # noqa: ANN001
        p, t = _np_bool(p), _np_bool(t)
        with np.errstate(all="ignore"):
            v = fn(p, t)
        return None if v is None else float(v)      # a Python float (numpy's NaN does not travel as one)
    return wrapped


def _floor(p, t):  # noqa: ANN001
    union = int(np.sum(p | t))
    return None if union == 0 else float(int(np.sum(p & t)) // union)


def _in_float32(fn):  # noqa: ANN001
    """``fn``'s answer as a ratio computed in float32 (tensors' default dtype) would give it."""
    def wrapped(*args):  # noqa: ANN001
        v = fn(*args)
        return None if v is None or v != v else float(np.float32(v))
    return wrapped


def _band(**options):  # noqa: ANN001
    def wrong(m, width=2):  # noqa: ANN001
        return boundary_band_reference(m, width, **options)
    return wrong


MISTAKES = {
    "iou": [Mistake(text, wrong) for text, wrong in [
        ("the intersection is divided by the target's size (that is the recall, or sensitivity); IoU divides "
         "by the size of the union |pred | target|.", _iou_safe(lambda p, t: np.sum(p & t) / np.sum(t))),
        ("the intersection is divided by the prediction's size (that is the precision); IoU divides by the "
         "size of the union |pred | target|.", _iou_safe(lambda p, t: np.sum(p & t) / np.sum(p))),
        ("this is the Dice coefficient 2|P & T| / (|P| + |T|); IoU is |P & T| / |P | T|.",
         _iou_safe(lambda p, t: 2 * np.sum(p & t) / (np.sum(p) + np.sum(t)))),
        ("the union is taken as |P| + |T|, which counts the intersection twice: |P | T| = |P| + |T| - |P & T|.",
         _iou_safe(lambda p, t: np.sum(p & t) / (np.sum(p) + np.sum(t)))),
        ("this is the pixel accuracy (the fraction of pixels where pred == target), not the IoU.",
         _iou_safe(lambda p, t: float(np.mean(p == t)))),
        ("this is the mean of per-image IoUs; the spec pools the whole batch: one intersection and one union "
         "over all entries.", _iou_per_image_mean),
        ("integer (floor) division: |P & T| // |P | T| is 0 unless the masks are identical; divide with / (and "
         "return a float).", _iou_safe(_floor)),
    ]],
}
# the same mistakes computed in float32 (a ratio of float32 tensors), so that those answers are recognised too
MISTAKES["iou"] += [Mistake(m.message, _in_float32(m.wrong)) for m in MISTAKES["iou"]]
MISTAKES["boundary_band"] = [Mistake(text, wrong) for text, wrong in [
        ("pixels outside the image were treated as background (zero padding), so objects touching the image "
         "border get a band along the border. The window is clipped to the image (no pixel outside counts): "
         "max pooling pads with -inf, so min = -max_pool(-m) and max = max_pool(m) need no other padding.",
         _band(mode="zero")),
        ("only the foreground side of the boundary is marked; the band covers pixels on both sides, within "
         "`width` pixels of a pixel of the other label.",
         lambda m, width=2: boundary_band_reference(m, width) & _np_bool(m)),
        ("only the background side of the boundary is marked; the band covers pixels on both sides.",
         lambda m, width=2: boundary_band_reference(m, width) & ~_np_bool(m)),
        ("the band is one pixel too thin on each side: the window is (2*width - 1) pixels wide; a pixel is in "
         "the band when its (2*width + 1) x (2*width + 1) window holds both labels.",
         lambda m, width=2: boundary_band_reference(m, max(0, width - 1))),
        ("the band is one pixel too wide on each side: the window is (2*width + 3) pixels wide; use "
         "kernel_size = 2*width + 1 with padding = width.",
         lambda m, width=2: boundary_band_reference(m, width + 1)),
        ("the window is twice too wide (kernel 4*width + 1): width is the distance on each side.",
         lambda m, width=2: boundary_band_reference(m, 2 * width)),
        ("the neighbourhood is a diamond (4-neighbour steps, city-block distance); the band uses the square "
         "(2*width + 1) x (2*width + 1) window.", _band(shape="diamond")),
        ("the neighbourhood is a disk (Euclidean distance); the band uses the square (2*width + 1) x "
         "(2*width + 1) window.", _band(shape="disk")),
        ("the image wraps around (torch.roll / circular padding): the window is clipped to the image, and "
         "pixels on opposite borders are not neighbours.", _band(mode="wrap")),
        ("width is ignored (a 3x3 window every time).", lambda m, width=2: boundary_band_reference(m, 1)),
    ]]


def cases_iou(seed: int = 0) -> list[Case]:
    """Visible cases. The hand example first: I = 3, U = 6, IoU = 0.5."""
    import torch

    g = torch.Generator().manual_seed(seed)
    p = torch.tensor([[1, 1, 0, 0], [0, 1, 1, 0]], dtype=torch.bool)
    t = torch.tensor([[1, 0, 0, 1], [0, 1, 1, 1]], dtype=torch.bool)
    a = torch.rand((3, 6, 7), generator=g) < 0.4
    b = torch.rand((3, 6, 7), generator=g) < 0.5
    b[0] = a[0] | (torch.rand((6, 7), generator=g) < 0.2)
    c = (torch.rand((2, 5, 8), generator=g) < 0.3).long()
    d = (torch.rand((2, 5, 8), generator=g) < 0.6).long()
    z = torch.zeros((4, 5), dtype=torch.bool)
    return [
        Case(masks(p, t), label="hand example: |P & T| = 3, |P | T| = 6"),
        Case(masks(a, b), label="batch of 3 random 6x7 masks (pooled over the batch)"),
        Case(masks(c, d), label="0/1 integer masks (as argmax returns), batch of 2"),
        Case(masks(z, z), label="both masks empty (IoU = 1 by convention)"),
        Case(masks(z, torch.ones((4, 5), dtype=torch.bool)), label="empty prediction, non-empty target"),
        Case(masks(a[1], a[1]), label="identical masks"),
    ]


def _disk_mask(H, W, r0, c0, rad):  # noqa: ANN001
    import torch

    rr, cc = torch.meshgrid(torch.arange(H), torch.arange(W), indexing="ij")
    return (rr - r0) ** 2 + (cc - c0) ** 2 <= rad ** 2


def cases_boundary_band(seed: int = 0) -> list[Case]:
    """Visible cases. The hand example first: a 3x3 square in a 7x7 image, width 1."""
    import torch

    g = torch.Generator().manual_seed(seed)
    sq = torch.zeros((7, 7), dtype=torch.bool)
    sq[2:5, 2:5] = True
    blobs = torch.stack([_disk_mask(10, 12, 3, 4, 2.5) | _disk_mask(10, 12, 7, 9, 1.5),
                         torch.rand((10, 12), generator=g) < 0.3,
                         _disk_mask(10, 12, 0, 11, 4)])
    corner = torch.zeros((8, 11), dtype=torch.long)
    corner[:3, :4] = 1
    corner[5:, 6:] = 1
    return [
        Case(masks(sq), {"width": 1}, label="hand example: 3x3 square in a 7x7 image, width=1"),
        Case(masks(_disk_mask(12, 15, 6, 7, 3.6)), label="a disk in a 12x15 image, default width 2"),
        Case(masks(blobs), {"width": 2}, label="batch of 3 masks (10x12), width=2"),
        Case(masks(corner), {"width": 1}, label="0/1 integer mask touching the image border, width=1"),
        Case(masks(_disk_mask(9, 13, 1, 2, 4.2)), {"width": 3},
             label="a disk touching the border of a 9x13 image, width=3"),
        Case(masks(sq), {"width": 0}, label="width=0: an empty band"),
        Case(masks(torch.zeros((5, 6), dtype=torch.bool)), {"width": 2}, label="no foreground at all"),
    ]


def _check_metric(target, name: str, cases: list[Case], reference, convert, **options) -> int:  # noqa: ANN001
    fn = _function(target, name)
    if isinstance(fn, Recorder):
        return check_function(fn, cases, reference=reference, name=name, mistakes=MISTAKES[name], **options)
    answers = visible.Answers(fn, name, [c.label for c in cases], convert)
    n = check_function(answers, cases, reference=reference, name=name, mistakes=MISTAKES[name], **options)
    answers.finish()
    return n


def check_iou(target, cases=None) -> int:  # noqa: ANN001
    """Visible tests of ``iou(pred, target)``: a Python float, |P & T| / |P | T| pooled, 1.0 when both empty."""
    return visible.with_iou_hint(lambda: _check_metric(target, "iou", cases or cases_iou(), iou_reference,
                                                       visible.as_float, floating=False))


def check_boundary_band(target, cases=None) -> int:  # noqa: ANN001
    """Visible tests of ``boundary_band(mask, width=2)``: bool tensor, pixels within `width` of the other label."""
    return visible.with_band_wording(lambda: _check_metric(
        target, "boundary_band", cases or cases_boundary_band(), boundary_band_reference, visible.as_bool_mask,
        floating=False, shape_formula="the mask's shape"))


# ============================================================ ResidualBlock

RESIDUAL_CONFIGS = [((4, 4), {}), ((3, 5), {}), ((), {"c_in": 6, "c_out": 2})]
RESIDUAL_SHAPES = [(2, 7, 9), (1, 5, 4)]

RELU_AFTER_SUM = ("a ReLU is applied after the sum. The text's residual block returns F(x) + x (or F(x) + Wx) "
                  "with nothing after the sum, so that a block with F = 0 is exactly the identity, negative "
                  "values included. (torchvision's ResNet BasicBlock does add a ReLU after the sum, and batch "
                  "norm inside F: a different block from the text's.)")


def _t64(a):  # noqa: ANN001
    import torch
    return torch.as_tensor(np.asarray(a, dtype=np.float64))


def _conv(wb, x):  # noqa: ANN001
    import torch.nn.functional as F

    w, b = wb
    w = _t64(w)
    return F.conv2d(x, w, None if b is None else _t64(b), padding=(w.shape[-2] // 2, w.shape[-1] // 2))


def residual_outputs(weights: dict, x) -> dict:  # noqa: ANN001
    """The block's output on ``x`` for ``weights`` (role -> (weight, bias or None)), float64, and the outputs
    of the usual mistakes, with F = 0 and without."""
    import torch

    relu = torch.relu
    xt = _t64(x)
    proj = weights.get("proj")
    h1 = _conv(weights["conv1"], xt)
    s = xt if proj is None else _conv(proj, xt)
    f = _conv(weights["conv2"], relu(h1))
    wrong = [
        (relu(f + s), RELU_AFTER_SUM),
        (f, "the skip is missing: the block returns F(x) alone; add x (or Wx) to F's output."),
        (_conv(weights["conv2"], h1) + s, "the ReLU between the two convs is missing: F = conv3x3 -> ReLU -> "
                                          "conv3x3."),
        (relu(f) + s, "F ends with a ReLU (relu(conv2(...)) + x); F = conv3x3 -> ReLU -> conv3x3 ends with the "
                      "conv."),
        (f + relu(s), "the skip path goes through a ReLU; it carries x (or Wx) unchanged."),
        (f - s, "the skip is subtracted; the block adds it: F(x) + x."),
        (f + 2 * s, "the skip is added twice."),
    ]
    if h1.shape == s.shape:
        wrong += [(_conv(weights["conv2"], relu(h1 + s)),
                   "the skip is added inside F, before the ReLU (conv2(relu(conv1(x) + x))): it belongs after F's "
                   "last conv, out = F(x) + x."),
                  (_conv(weights["conv2"], relu(h1 + s)) + s,
                   "the skip is also added inside F, before the ReLU; it is added once, after F's last conv.")]
    if np.shape(weights["conv2"][0])[1] == s.shape[1]:
        wrong += [(_conv(weights["conv2"], relu(h1) + s),
                   "the skip is added inside F, before its second conv (conv2(relu(conv1(x)) + x)); it belongs "
                   "after F's last conv: out = F(x) + x.")]
    return {"expected": (f + s).numpy(), "mistakes": [(text, w.numpy()) for w, text in wrong],
            "zero": s.numpy(), "zero_mistakes": [("Negative values were zeroed: " + RELU_AFTER_SUM, relu(s).numpy())],
            "projection": proj is not None}


def _own_case(own: dict, roles: dict, x) -> dict:  # noqa: ANN001
    weights = {role: (own[f"{name}.weight"], own.get(f"{name}.bias")) for role, name in roles.items()
               if name is not None}
    case = residual_outputs(weights, x)
    case["restore"] = {k: v for k, v in own.items() if visible.parameter_owner(k) == roles["conv2"]}
    case["weights"] = "your block's own layers"
    return case


def check_ResidualBlock(target, configs=None, shapes=None, seed: int = 0) -> int:  # noqa: ANN001
    """``ResidualBlock`` in the notebook: its layers, its forward pass on its own initial weights (values, F = 0,
    gradients). ``configs``: ``(args, kwargs)`` constructions; ``shapes``: ``(B, H, W)`` inputs."""
    nb = _notebook(target, "ResidualBlock")
    new = _maker(nb, "ResidualBlock")
    rng = np.random.default_rng([int(seed), 2411])
    count = 0
    for args, kwargs in configs or RESIDUAL_CONFIGS:
        c_in, c_out = visible.residual_resolve(args, kwargs)
        sig = visible.residual_signature(args, kwargs)
        model = visible.construct(new, args, kwargs, sig=sig, signature=visible.RES_SIGNATURE, seed=seed)
        k3, _ = visible.residual_structure(model.description, c_in, c_out, sig)
        own = model.state()
        count += 1
        for B, H, W in shapes or RESIDUAL_SHAPES:
            x = rng.standard_normal((B, c_in, H, W)).astype(np.float32)
            probe = rng.standard_normal((B, c_out, H, W))
            count += visible.residual_input(model, x, probe, c_in=c_in, c_out=c_out, k3=k3, sig=sig,
                                            label=f"input ({B}, {c_in}, {H}, {W})",
                                            make_case=lambda roles, x=x: _own_case(own, roles, x))
        model.drop()
    print(f"ResidualBlock: all {count} checks passed.")
    return count


def _chosen(rng, shape, scale: float) -> np.ndarray:  # noqa: ANN001
    return (scale * rng.standard_normal(shape)).astype(np.float32)


def book_ResidualBlock() -> list[dict]:
    """The visible answer book's ResidualBlock entries: per construction and input, stored weights for each
    hidden width (c_out, or c_in) with biases and with zero biases, and the answers on them."""
    rng = np.random.default_rng(24_113)
    entries = []
    for args, kwargs in RESIDUAL_CONFIGS:
        c_in, c_out = visible.residual_resolve(args, kwargs)
        cases = []
        for B, H, W in RESIDUAL_SHAPES:
            x = rng.standard_normal((B, c_in, H, W)).astype(np.float32)
            probe = rng.standard_normal((B, c_out, H, W)).astype(np.float32)
            variants = []
            for hidden in dict.fromkeys([c_out, c_in]):
                shapes = {"conv1": ((hidden, c_in, 3, 3), (hidden,)), "conv2": ((c_out, hidden, 3, 3), (c_out,))}
                if c_in != c_out:
                    shapes["proj"] = ((c_out, c_in, 1, 1), (c_out,))
                chosen = {role: (_chosen(rng, ws, 0.4), _chosen(rng, bs, 0.5)) for role, (ws, bs) in shapes.items()}
                for bias in (True, False):
                    weights = {role: (w, b if bias else np.zeros_like(b)) for role, (w, b) in chosen.items()}
                    out = residual_outputs(weights, x)
                    f32 = np.float32
                    variants.append({
                        "hidden": hidden, "bias": bias,
                        "weights": {role: {"weight": w, "bias": b} for role, (w, b) in weights.items()},
                        "expected": out["expected"].astype(f32),
                        "mistakes": [[text, w.astype(f32)] for text, w in out["mistakes"]],
                        "zero": out["zero"].astype(f32),
                        "zero_mistakes": [[text, w.astype(f32)] for text, w in out["zero_mistakes"]]})
            cases.append({"label": f"input ({B}, {c_in}, {H}, {W})", "x": x, "probe": probe, "variants": variants})
        entries.append({"args": list(args), "kwargs": dict(kwargs), "cases": cases})
    return entries


# ============================================================ EncoderDecoder and UNet

# (args, kwargs) of the constructions; (B, H / 2**depth, W / 2**depth) of the inputs.
SEGMENTER_CONFIGS = [((1, 2), {}), ((3, 4), {"base": 4, "depth": 2}), ((2, 3), {"base": 6, "depth": 1})]
SEGMENTER_SHAPES = [(2, 2, 3), (1, 4, 4), (3, 1, 2)]


def _check_segmenter(target, name: str, skips: bool, configs, shapes, seed: int) -> int:  # noqa: ANN001
    nb = _notebook(target, name)
    n = visible.check_segmenter(_maker(nb, name), name, skips, configs or SEGMENTER_CONFIGS,
                                shapes or SEGMENTER_SHAPES, seed)
    print(f"{name}: all {n} checks passed.")
    return n


def check_EncoderDecoder(target, configs=None, shapes=None, seed: int = 0) -> int:  # noqa: ANN001
    """Visible tests of ``EncoderDecoder(in_channels, num_classes, base=8, depth=3)`` (§24.11.1).
    ``configs``: ``(args, kwargs)`` constructions; ``shapes``: ``(B, H / 2**depth, W / 2**depth)`` inputs."""
    return _check_segmenter(target, "EncoderDecoder", False, configs, shapes, seed)


def check_UNet(target, configs=None, shapes=None, seed: int = 0) -> int:  # noqa: ANN001
    """Visible tests of ``UNet(in_channels, num_classes, base=8, depth=3)`` (§24.11.2); arguments as
    :func:`check_EncoderDecoder`."""
    return _check_segmenter(target, "UNet", True, configs, shapes, seed)


def book_segmenter() -> dict:
    """The visible answer book's entry of a segmenter: the constructions, input shapes and seed (the checks
    are requirements; there is no answer to store)."""
    return {"configs": [[list(a), dict(k)] for a, k in SEGMENTER_CONFIGS],
            "shapes": [list(s) for s in SEGMENTER_SHAPES], "seed": 0}


for _name in ("check_iou", "check_boundary_band", "check_ResidualBlock", "check_EncoderDecoder", "check_UNet"):
    globals()[_name] = _single_threaded(globals()[_name])
del _name

check_ResidualBlock.book = book_ResidualBlock
check_EncoderDecoder.book = book_segmenter
check_UNet.book = book_segmenter
