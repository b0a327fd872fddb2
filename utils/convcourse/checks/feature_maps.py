"""Visible checks for notebook 09_feature_maps (chapter §24.6–24.7).

Each ``check_<name>(fn)`` runs the stored visible cases of one graded name
(a hand-computed example first, then small random cases) and says what to
fix. When you submit, the grader runs its own cases, on inputs you have not
seen.

* ``check_pca_rgb``: the PCA-to-RGB rendering of a feature map (Figure
  24.25), numpy only. Each colour channel is compared *up to the sign of
  its component*: a flipped component turns a channel c into 1 - c, so both
  the answer and the stored answer are brought to the same sign first
  (:func:`canonical`).
* ``check_receptive_field``: the side length of the receptive field of a
  stack of (kernel_size, stride, dilation) layers, an integer.
* ``check_empirical_receptive_field``: the gradient mask of one output unit
  of small test networks; the network must come back unchanged (weights,
  gradients, train/eval modes, requires_grad flags, buffers).
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .. import session, testobjects, wire
from . import book
from .core import CheckError, call_guarded, check_choice, describe, run_call
from .feature_maps_probe import model_facts

_A = "09_feature_maps"

__all__ = [
    "check_pca_rgb", "check_receptive_field", "check_empirical_receptive_field",
    "check_answer_rf_after_pool", "check_answer_corner_pixels",
    "SignFree", "canonical", "with_pca_hints", "with_rf_hints",
    "judge_mask_case", "call_error", "called_line", "state_problem", "as_mask",
]


# ================================================================ pca_rgb

def sign_free_channel(c: np.ndarray) -> np.ndarray:
    """One colour channel, or 1 - channel: whichever has the channel's most extreme pixel below 0.5.

    c and 1 - c give the same result: both are ``c`` or both ``1 - c``. The pixel chosen is the first of those
    furthest from 0.5 (after a min-max rescaling, a pixel where the channel is 0 or 1).
    """
    v = c.astype(np.float64)
    if v.size == 0 or not np.isfinite(v).all() or float(v.max()) == float(v.min()):
        return c
    far = np.abs(v - 0.5).reshape(-1)
    top = float(far.max())
    p = int(np.flatnonzero(far >= top - 1e-6 * max(1.0, top))[0])
    return (1 - c) if v.reshape(-1)[p] > 0.5 else c


def canonical(value: Any) -> Any:
    """An (N, M, 3) floating image with each channel brought to one sign (see :func:`sign_free_channel`);
    anything else unchanged."""
    if type(value) is not np.ndarray or value.dtype.kind != "f" or value.ndim != 3 or value.shape[-1] != 3:
        return value
    out = value.copy()
    for ch in range(3):
        out[..., ch] = sign_free_channel(value[..., ch])
    return out


class SignFree:
    """A function whose (N, M, 3) answers are compared up to the sign of each channel.

    Calls go to the wrapped function (in this process, or the grader's handle on the notebook's function);
    the answer that comes back is passed through :func:`canonical`. ``last`` keeps a few facts about the raw
    answer for the hints (its shape, range, NaN channels).
    """

    def __init__(self, fn: Callable):
        self.fn = fn
        self.__name__ = getattr(fn, "__name__", "pca_rgb")
        self.last: dict = {}

    def __call__(self, *args, **kwargs):
        return canonical(self.fn(*args, **kwargs))

    def invoke(self, args, kwargs, *, numpy_only=False, max_calls=None, depends=None) -> dict:  # noqa: ANN001
        inner = getattr(type(self.fn), "invoke", None)
        if inner is not None:
            report = inner(self.fn, args, kwargs, numpy_only=numpy_only, max_calls=max_calls, depends=depends)
        else:
            report = run_call(self.fn, args, kwargs, numpy_only=numpy_only, max_calls=max_calls, depends=depends)
        self.last = {}
        if report.get("status") == "ok":
            features = args[0] if args else (kwargs or {}).get("features")
            self.last = answer_facts(report.get("value"), features)
            report = dict(report, value=canonical(report.get("value")))
        return report


def answer_facts(value: Any, features: Any) -> dict:
    out: dict = {"shape": tuple(np.shape(value)) if type(value) is np.ndarray else None}
    shape = np.shape(features) if isinstance(features, np.ndarray) else ()
    if len(shape) == 3:
        out["C"], out["N"], out["M"] = (int(v) for v in shape)
    if type(value) is np.ndarray and value.dtype.kind == "f" and value.size:
        v = value.astype(np.float64)
        finite = v[np.isfinite(v)]
        if finite.size:
            out["range"] = (float(finite.min()), float(finite.max()))
        if value.ndim == 3 and value.shape[-1] == 3:
            out["nan_channels"] = [c for c in range(3) if np.isnan(v[..., c]).any()]
            C = out.get("C")
            if C is not None and C < 3:
                out["extra"] = any(np.ptp(np.nan_to_num(v[..., c])) > 0 for c in range(C, 3))
    return out


def pca_hint(message: str, last: dict) -> str:
    hints = []
    shape, C, N, M = last.get("shape"), last.get("C"), last.get("N"), last.get("M")
    if "returned shape" in message and shape and N is not None:
        if shape == (3, N, M) and (N, M) != (3, 3):
            hints.append(f"channels first: an RGB image for matplotlib is (N, M, 3) = {(N, M, 3)}: move the channel "
                         "axis last (np.moveaxis(out, 0, -1)), or build it that way.")
        elif shape == (M, N, 3) and N != M:
            hints.append("rows and columns are swapped: reshape the projections to (N, M, 3).")
    if "returned NaN" in message:
        hints.append(f"NaN in channel(s) {last.get('nan_channels', [])}. Where a channel is constant (max == min: a "
                     "zero channel added because C < 3, or a feature map whose pixels are all equal), "
                     "(y - min) / (max - min) is 0 / 0. The spec sets a constant channel to 0.")
    lo, hi = last.get("range", (0.0, 1.0))
    if "returned NaN" not in message and (lo < -1e-6 or hi > 1 + 1e-6):
        hints.append(f"the values run from {lo:.4g} to {hi:.4g}, outside [0, 1]: rescale each channel on its own, "
                     "(y - y.min()) / (y.max() - y.min()), so it spans exactly [0, 1].")
    if "wrong values" in message:
        hints.append("each channel is compared up to the sign of its component: c and 1 - c are both accepted.")
        if last.get("extra") and "known mistake" not in message:
            hints.append(f"with C = {C} channels there are only {C} components: the remaining {3 - C} colour "
                         "channel(s) are zero.")
    return "".join(f"\n  Hint: {h}" for h in hints)


def with_pca_hints(run: Callable[[], Any], target: Any) -> Any:
    """``run()``, with hints about the layout, NaN and the range added to a failure's message."""
    try:
        return run()
    except CheckError as e:
        if type(e) is not CheckError:
            raise
        raise CheckError(f"{e}{pca_hint(str(e), getattr(target, 'last', {}) or {})}") from None


def check_pca_rgb(pca_rgb) -> None:  # noqa: ANN001
    """Visible tests of ``pca_rgb`` (Figure 24.25), numpy only, components up to sign."""
    if not callable(pca_rgb):
        raise CheckError(f"pca_rgb should be a function, but it is {describe(pca_rgb)}.")
    target = SignFree(pca_rgb)
    with_pca_hints(lambda: book.check(_A, "pca_rgb", target), target)


# ================================================================ receptive_field

def with_rf_hints(run: Callable[[], Any]) -> Any:
    """``run()``, with a hint added when the answer is a float instead of an int."""
    try:
        return run()
    except CheckError as e:
        if type(e) is not CheckError:
            raise
        text = str(e)
        if "expected an integer" in text and "returned float" in text:
            text += ("\n  Hint: a float crept in (np.prod of an empty list is 1.0, and / always gives a float): "
                     "return int(r).")
        raise CheckError(text) from None


def check_receptive_field(receptive_field) -> None:  # noqa: ANN001
    """Visible tests of ``receptive_field``: an integer side length per stack of layers."""
    with_rf_hints(lambda: book.check(_A, "receptive_field", receptive_field))


# ================================================================ empirical_receptive_field

ERF = "empirical_receptive_field"


def called_line(model: str, input_shape, position) -> str:  # noqa: ANN001
    return (f"  called with: {model}, input_shape={tuple(int(v) for v in input_shape)}, "
            f"position={tuple(int(v) for v in position)}")


EXCEPTION_HINTS = [
    (("nonetype",), "x.grad is None: create the input with requires_grad=True (torch.ones(..., "
                    "requires_grad=True)) before the forward pass, and read the gradient of that same tensor."),
    (("does not require grad",), "autograd has no graph to differentiate: the input needs requires_grad=True, "
                                 "and the forward pass must not run under torch.no_grad()."),
    (("implicitly created only for scalar",), "backward() needs a scalar: sum the unit over its channels, "
                                              "out[0, :, row, col].sum()."),
    (("same dtype", "expected scalar type", "input type", "should be the same", "found double", "found float",
      "mat1 and mat2 must have the same dtype"),
     "the input's dtype differs from the model's: build it with dtype=next(model.parameters()).dtype."),
    (("out of bounds", "out of range"), "position = (row, col) indexes the model's OUTPUT: out[0, :, row, col]."),
    (("expected input[", "expected 4d", "expected 3d", "(unbatched) or 4d"),
     "the input must be a batch of one: torch.ones(1, C, H, W) for input_shape = (C, H, W)."),
]


def exception_hint(message: str) -> str:
    low = message.lower()
    for keys, hint in EXCEPTION_HINTS:
        if any(k in low for k in keys):
            return hint
    return ""


def call_error(error: CheckError, called: str) -> CheckError:
    """A failed call's message with the test model described and a hint for common exceptions."""
    text = str(error)
    i = text.find("\n  called with:")
    if i >= 0:
        text = text[:i]
    hint = exception_hint(text)
    return type(error)(f"{text}\n{called}" + (f"\n  Hint: {hint}" if hint else ""))


def same_value(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and bool(np.array_equal(a, b, equal_nan=a.dtype.kind == "f"))


def state_problem(before: dict, after: dict) -> str | None:
    """What the call changed in the model (from two :func:`model_facts` reports), or None."""
    for k, v in before["params"].items():
        if k not in after["params"] or not same_value(after["params"][k], v):
            return (f"changed the model's weights ({k}). Measure the gradient with respect to the input; never "
                    "update or overwrite the parameters.")
    for k, g in after["grads"].items():
        g0 = before["grads"].get(k)
        if g0 is None and g is not None and bool(np.any(np.asarray(g) != 0)):
            return (f"left gradients in the model's parameters ({k}.grad is no longer None). loss.backward() "
                    "also fills p.grad for every parameter: use torch.autograd.grad(unit, x), which returns the "
                    "input's gradient only, or clear them afterwards (model.zero_grad(set_to_none=True)).")
        if g0 is not None and not same_value(g, g0):
            return f"changed the gradients already stored in the model's parameters ({k}.grad)."
    for k, v in before["requires_grad"].items():
        if after["requires_grad"].get(k) != v:
            return (f"changed requires_grad of the parameter {k}. Only the input needs requires_grad=True; "
                    "if you switch the parameters' flags off, restore them before returning.")
    for k, v in before["buffers"].items():
        if k in after["buffers"] and not same_value(after["buffers"][k], v):
            return (f"changed the model's buffer {k} (e.g. BatchNorm running statistics, updated by a forward "
                    "pass in training mode). Run the model in the mode it was given.")
    for k, v in before["training"].items():
        if after["training"].get(k) != v:
            mode = "training" if v else "eval"
            return (f"left the model in another mode: module {k or 'model'} was in {mode} mode. Do not call "
                    "model.eval() / model.train() (or restore the original mode before returning).")
    return None


def mask_summary(mask: np.ndarray) -> str:
    if not mask.any():
        return "empty"
    rows = np.flatnonzero(mask.any(axis=1))
    cols = np.flatnonzero(mask.any(axis=0))
    return (f"{int(mask.sum())} pixels in rows {rows[0]}..{rows[-1]}, columns {cols[0]}..{cols[-1]} "
            f"(bounding box {rows[-1] - rows[0] + 1}x{cols[-1] - cols[0] + 1})")


def as_mask(got: Any, name: str, where: str, shape: tuple) -> tuple[np.ndarray | None, str | None]:
    """(numpy bool mask, None) or (None, what is wrong). A torch bool tensor is accepted (here, or as it
    arrives from the notebook's kernel)."""
    if isinstance(got, wire.Tensor) or ((type(got).__module__ or "").startswith("torch") and hasattr(got, "detach")):
        dtype = str(got.dtype)
        if dtype != "torch.bool":
            return None, (f"{name}{where} returned a torch tensor of dtype {dtype}; expected a boolean mask "
                          "of shape (H, W): (grad != 0) is boolean. Gradient values are not a mask.")
        got = got.array if isinstance(got, wire.Tensor) else got.detach().cpu().numpy()
    if type(got) is not np.ndarray:
        hint = " Did you forget the return statement?" if got is None else ""
        return None, f"{name}{where} returned {describe(got)}; expected a boolean numpy array of shape {shape}.{hint}"
    if got.dtype != np.bool_:
        return None, (f"{name}{where} returned dtype {got.dtype}; expected a boolean mask (dtype bool): compare "
                      "the gradient with zero, (grad != 0), instead of returning gradient values or 0/1 numbers.")
    if got.shape != shape:
        msg = f"{name}{where} returned shape {got.shape}; expected {shape} = (H, W) of the input"
        if got.ndim == 3 and got.shape[-2:] == shape:
            msg += (": drop the leading axis (the batch axis, or the input channels: a pixel counts when ANY "
                    "channel's gradient is non-zero, .any(dim=0))")
        elif got.shape == shape[::-1]:
            msg += ": rows and columns are swapped"
        return None, msg + "."
    return got, None


def judge_mask_case(got: Any, expected: np.ndarray, mistakes, before: dict, after: dict, *, label: str,
                    called: str) -> None:
    """One call's answer and the model afterwards, against the expected mask and the known mistakes' masks."""
    name = ERF
    where = f" ({label})" if label else ""
    problem = state_problem(before, after)
    if problem:
        raise CheckError(f"{name}{where} {problem}\n{called}")
    expected = np.asarray(expected, dtype=bool)
    mask, problem = as_mask(got, name, where, tuple(expected.shape))
    if problem:
        raise CheckError(f"{problem}\n{called}")
    if np.array_equal(mask, expected):
        return
    diff = mask != expected
    pos = tuple(int(i) for i in np.argwhere(diff)[0])
    msg = [f"{name}{where} returned a wrong mask: {int(diff.sum())} of {diff.size} pixels differ. First at "
           f"{pos}: got {bool(mask[pos])}, expected {bool(expected[pos])}.",
           f"  your mask: {mask_summary(mask)}", f"  expected:  {mask_summary(expected)}", called]
    hint = None
    for message, wrong in mistakes:
        wrong = np.asarray(wrong)
        if wrong.shape == mask.shape and np.array_equal(wrong, mask):
            hint = message
            break
    if hint is None and not (mask & ~expected).any():
        hint = ("your mask misses pixels the unit depends on. Feed an all-ones input (a random or zero input "
                "can switch ReLUs off and cut gradient paths), keep every non-zero gradient (no threshold such "
                "as |g| > 1e-6: tiny gradients count), and sum the unit over all output channels.")
    elif hint is None and not (expected & ~mask).any():
        hint = ("your mask has extra pixels: take the gradient of the one unit out[0, :, row, col] "
                "(row, col in the output's coordinates), not of a larger part of the output.")
    if hint:
        msg.append(f"  This looks like a known mistake: {hint}")
    raise CheckError("\n".join(msg))


def check_empirical_receptive_field(empirical_receptive_field) -> None:  # noqa: ANN001
    """Visible tests of ``empirical_receptive_field``: masks of small test networks, the network left as it was."""
    import torch

    session.ensure_snapshot()
    session.restore()
    if not callable(empirical_receptive_field):
        raise CheckError(f"{ERF} should be a function, but it is {describe(empirical_receptive_field)}.")
    entries = book.load(_A)[ERF]
    for e in entries:
        with torch.random.fork_rng(devices=[]):
            model = testobjects.network(e["spec"])
        before = model_facts(model)
        called = called_line(e["model"], e["input_shape"], e["position"])
        try:
            with torch.random.fork_rng(devices=[]):
                got = call_guarded(empirical_receptive_field, (model, e["input_shape"], e["position"]), name=ERF,
                                   label=e["label"])
        except CheckError as err:
            raise call_error(err, called) from None
        judge_mask_case(got, e["expected"], e["mistakes"], before, model_facts(model), label=e["label"],
                        called=called)
    print(f"{ERF}: all {len(entries)} visible checks passed.")


# ================================================================ questions

def check_answer_rf_after_pool(answer) -> None:  # noqa: ANN001
    """Form check of the receptive-field question (the letter is graded when you submit)."""
    check_choice(answer, name="answer_rf_after_pool")
    print("answer_rf_after_pool: a valid choice (its correctness is graded when you submit).")


def check_answer_corner_pixels(answer) -> None:  # noqa: ANN001
    """Form check of the corner-unit question (the letter is graded when you submit)."""
    check_choice(answer, name="answer_corner_pixels")
    print("answer_corner_pixels: a valid choice (its correctness is graded when you submit).")
