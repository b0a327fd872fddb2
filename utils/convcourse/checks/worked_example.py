"""Checks for notebook 08_worked_example (chapter §24.5, horizontal vs vertical lines).

The data generators are checked by their *properties* (the course spec's
contract), not against one reference output: any generator with those
properties is right.  ``train_classifier`` is checked by watching it work:
hooks on a small network count the optimisation steps, the batch sizes and
whether gradients pile up between steps; with ``lr=0`` the model cannot
change, so every epoch's mean batch loss must be the model's mean
cross-entropy on the data.  ``accuracy`` and ``modulate`` are compared with
values computed here.  ``check_results`` evaluates the network trained in the
notebook on fresh data.

The hidden tests (kept by the instructor, never shipped) call the same
checkers with other cases, and evaluate the trained network on data from the
course's own generator.
"""
from __future__ import annotations

import contextlib
import copy
import inspect
import io
import math
import traceback
import warnings

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from .core import Case, CheckError, call_guarded, compare_arrays, describe
from .core import single_threaded as _single_threaded

__all__ = [
    "check_make_lines", "check_train_classifier", "check_accuracy", "check_modulate",
    "check_make_oriented_textures", "check_results", "check_results_fixed",
    "cases_make_lines", "cases_make_oriented_textures", "cases_modulate", "cases_accuracy", "plan_train_classifier",
    "TinyCNN", "evaluate", "column_row_energy",
]

# thresholds of the course spec (§24.5 results)
CLEAN_MIN = 0.999
OOD_MIN = 0.95
FOOLED_MAX = 0.05
FIXED_MIN = 0.99


# ------------------------------------------------------------------ helpers

class TinyCNN(nn.Module):
    """The architecture of ``SimpleCNN`` (conv -> relu -> global average pool -> fc), for the checks.

    Input ``(B, 1, N, M)``, output logits ``(B, num_classes)``.  Like ``nn.Conv2d`` it refuses a batch
    without the channel axis, with a message that says so.
    """

    def __init__(self, channels: int = 2, kernel_size: int = 3, num_classes: int = 2):
        super().__init__()
        self.conv = nn.Conv2d(1, channels, kernel_size, padding=kernel_size // 2)
        self.fc = nn.Linear(channels, num_classes)

    def forward(self, x):
        if x.ndim != 4 or x.shape[1] != 1:
            raise ValueError(f"the model expects a batch of shape (B, 1, N, M), got {tuple(x.shape)}: "
                             "add the channel axis with x[:, None] (or x.unsqueeze(1))")
        return self.fc(F.relu(self.conv(x)).mean(dim=(2, 3)))


class _MeanThresholdNet(nn.Module):
    """Predicts class 1 when an image's mean exceeds ``t``: logits ``[t - mean, mean - t]``."""

    def __init__(self, t: float = 0.5):
        super().__init__()
        self.w = nn.Parameter(torch.tensor([-1.0, 1.0]))
        self.b = nn.Parameter(torch.tensor([t, -t]))

    def forward(self, x):
        if x.ndim != 4 or x.shape[1] != 1:
            raise ValueError(f"the model expects a batch of shape (B, 1, N, M), got {tuple(x.shape)}: "
                             "add the channel axis with x[:, None] (or x.unsqueeze(1))")
        return x.mean(dim=(1, 2, 3))[:, None] * self.w + self.b


def _tiny(seed: int, kernel_size: int = 3) -> TinyCNN:
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return TinyCNN(2, kernel_size, 2)


def _param(model):
    return next(iter(model.parameters()))


def evaluate(model, x, y, batch: int = 2000) -> float:
    """Fraction of images of ``x`` (numpy ``(n, N, M)``) whose argmax logit is ``y`` (computed here)."""
    p = _param(model)
    correct = 0
    with torch.no_grad():
        for s in range(0, len(x), batch):
            xb = torch.as_tensor(np.ascontiguousarray(x[s:s + batch])).to(device=p.device, dtype=p.dtype)[:, None]
            pred = model(xb).argmax(dim=1).cpu().numpy()
            correct += int((pred == np.asarray(y[s:s + batch])).sum())
    return correct / len(x)


def column_row_energy(x):
    """(summed squared differences between neighbouring columns, ... between neighbouring rows) per image."""
    x = np.asarray(x, dtype=np.float64)
    cols = ((x[..., :, 1:] - x[..., :, :-1]) ** 2).sum(axis=(-2, -1))
    rows = ((x[..., 1:, :] - x[..., :-1, :]) ** 2).sum(axis=(-2, -1))
    return cols, rows


def _carrier(M: int, period) -> np.ndarray:
    """cos(2 pi m / period) for the M columns, float64."""
    return np.cos(np.arange(M) * (2.0 * np.pi / float(period)))


def _modulated(x, period=6) -> np.ndarray:
    return np.asarray(x, dtype=np.float64) * _carrier(np.shape(x)[-1], period)


def _line_where(fn_name: str, e: BaseException) -> str:
    tb = traceback.extract_tb(e.__traceback__)
    for frame in reversed(tb):
        if frame.filename.startswith("<") or "ipykernel" in frame.filename:
            return f" at line {frame.lineno}: {frame.line}" if frame.line else f" at line {frame.lineno}"
    return ""


def _call(fn, args=(), kwargs=None, *, name: str, label: str = ""):
    """Call fn without copying its arguments (the model must be trained in place).

    Its printed output is swallowed (a progress line per epoch, repeated for every case, would bury the
    verdict); warnings and stderr are reported on stdout; an exception becomes a CheckError naming the case.
    """
    kwargs = dict(kwargs or {})
    where = f" ({label})" if label else ""
    out_buf, err_buf = io.StringIO(), io.StringIO()
    with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(out_buf), \
            contextlib.redirect_stderr(err_buf):
        warnings.simplefilter("always")
        try:
            result = fn(*args, **kwargs)
        except NotImplementedError:
            raise
        except CheckError:
            raise
        except (KeyboardInterrupt, SystemExit) as e:
            raise CheckError(f"{name}{where} stopped the program with {type(e).__name__}; "
                             "a function should return its answer instead.") from None
        except BaseException as e:  # noqa: BLE001
            raise CheckError(f"{name}{where} raised {type(e).__name__}: {e}{_line_where(name, e)}") from e
    for w in caught:
        print(f"[{name}] warning raised by your code: {w.category.__name__}: {w.message}")
    if err_buf.getvalue().strip():
        print(f"[{name}] your code printed to stderr:\n{err_buf.getvalue().rstrip()[:1000]}")
    return result


def _is_float(v) -> bool:
    return isinstance(v, (float, np.floating)) and not isinstance(v, bool)


def _float_hint(v) -> str:
    if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
        return " An integer: use true division (/), not //, and return float(...)."
    if isinstance(v, torch.Tensor):
        return " It is a torch tensor: convert it with .item()."
    if isinstance(v, np.ndarray):
        return " It is a numpy array: convert it with float(...)."
    return ""


# ------------------------------------------------------------------ make_lines

def cases_make_lines() -> list[Case]:
    """Visible cases: (n,) with keyword size / seed / noise."""
    return [
        Case((8,), {"size": 8, "seed": 0}, label="8 clean 8x8 images"),
        Case((40,), {"size": 16, "seed": 1}, label="40 clean 16x16 images"),
        Case((5,), {"size": 12, "seed": 3}, label="n = 5 < 10: class counts differ by at most 1"),
        Case((30,), {"size": 16, "seed": 2, "noise": 0.5}, label="noise = 0.5"),
        Case((60,), {}, label="defaults (size 32, seed 0, no noise)"),
    ]


def _xy(out, name, label, n, size, kind="make_lines"):
    where = f" ({label})" if label else ""
    if not isinstance(out, tuple) or len(out) != 2:
        raise CheckError(f"{name}{where} returned {describe(out)}; expected a tuple (x, y): "
                         "end with `return x, y`.")
    x, y = out
    for what, v in (("x", x), ("y", y)):
        if not isinstance(v, np.ndarray):
            hint = " Convert with .numpy()." if isinstance(v, torch.Tensor) else ""
            raise CheckError(f"{name}{where}: {what} is {describe(v)}; expected a numpy array.{hint}")
    if x.shape != (n, size, size):
        raise CheckError(f"{name}{where}: x has shape {x.shape}; expected (n, size, size) = {(n, size, size)}.")
    if kind == "make_lines" and x.dtype != np.float32:
        raise CheckError(f"{name}{where}: x has dtype {x.dtype}; expected float32 "
                         "(np.zeros(..., dtype=np.float32), and cast the noise with .astype(np.float32)).")
    if kind != "make_lines" and not np.issubdtype(x.dtype, np.floating):
        raise CheckError(f"{name}{where}: x has dtype {x.dtype}; expected a floating dtype (float32).")
    if y.shape != (n,):
        raise CheckError(f"{name}{where}: y has shape {y.shape}; expected (n,) = {(n,)}, one label per image.")
    if y.dtype != np.int64:
        raise CheckError(f"{name}{where}: y has dtype {y.dtype}; expected int64 (labels are integers: "
                         "np.int64, what torch's cross-entropy wants).")
    if not np.all((y == 0) | (y == 1)):
        raise CheckError(f"{name}{where}: labels must be 0 or 1; got the values {sorted(set(y.tolist()))[:6]}.")
    if not np.all(np.isfinite(x)):
        raise CheckError(f"{name}{where}: x contains NaN or infinite values.")
    return x, y


def _balance(y, n, name, where):
    c0, c1 = int((y == 0).sum()), int((y == 1).sum())
    allowed = 1 if n < 10 else 0.1 * n
    if abs(c0 - c1) > allowed:
        raise CheckError(
            f"{name}{where}: {c0} images of label 0 and {c1} of label 1; the two counts may differ by at "
            f"most {'1 (n < 10)' if n < 10 else '10% of n'}. Drawing each label at random does not guarantee "
            "that: make half of the labels 0 and half 1 (np.arange(n) % 2) and shuffle them with your rng.")


def _rows_identical(img) -> bool:
    return bool(np.all(img == img[:1, :]))


def _cols_identical(img) -> bool:
    return bool(np.all(img == img[:, :1]))


def _check_clean_lines(x, y, name, where):
    for i in range(len(x)):
        img = x[i]
        if img.max() == img.min():
            raise CheckError(f"{name}{where}: image {i} is constant ({float(img.max()):g} everywhere): every "
                             "image needs at least one line.")
        rows, cols = _rows_identical(img), _cols_identical(img)
        if y[i] == 0 and not rows:
            if cols:
                raise CheckError(
                    f"{name}{where}: image {i} has label 0 but horizontal lines (all its columns are "
                    "identical). Label 0 is vertical lines: every row identical, x[i] = profile[None, :]. "
                    "Are the labels swapped, or the profile broadcast along the wrong axis?")
            raise CheckError(
                f"{name}{where}: image {i} has label 0 (vertical lines) but its rows are not all identical "
                "(with noise=0, a vertical-lines image repeats one row). Does it mix orientations?")
        if y[i] == 1 and not cols:
            if rows:
                raise CheckError(
                    f"{name}{where}: image {i} has label 1 but vertical lines (all its rows are identical). "
                    "Label 1 is horizontal lines: every column identical, x[i] = profile[:, None]. "
                    "Are the labels swapped?")
            raise CheckError(
                f"{name}{where}: image {i} has label 1 (horizontal lines) but its columns are not all identical "
                "(with noise=0 a horizontal-lines image repeats one column). Does it mix orientations?")


def _residuals(x, y):
    """Noise estimate: each image minus its mean along the lines' direction."""
    r = np.empty(x.shape, dtype=np.float64)
    xd = x.astype(np.float64)
    v, h = y == 0, y == 1
    r[v] = xd[v] - xd[v].mean(axis=1, keepdims=True)   # vertical lines: constant along rows n
    r[h] = xd[h] - xd[h].mean(axis=2, keepdims=True)   # horizontal lines: constant along columns m
    return r


def _check_noise(x, y, noise, name, where):
    r = _residuals(x, y)
    size = x.shape[-1]
    sigma = float(np.sqrt((r ** 2).mean() / (1.0 - 1.0 / size)))
    if sigma > 0.1 * noise:
        z = r.ravel() / r.std()
        kurt = float((z ** 4).mean())
        if not 2.6 < kurt < 3.4:
            raise CheckError(f"{name}{where}: the noise does not look Gaussian (kurtosis {kurt:.2f}; a Gaussian "
                             "has 3, uniform noise 1.8). Use rng.normal(0, noise, size=x.shape).")
    if not abs(sigma / noise - 1.0) < 0.1:
        hint = ""
        if abs(sigma - noise ** 2) < 0.1 * noise ** 2 or abs(sigma - noise ** 0.5) < 0.1 * noise ** 0.5:
            hint = (" rng.normal takes the standard deviation itself (its scale), not the variance or its "
                    "square root.")
        elif sigma < 0.3 * noise:
            hint = (" Almost no noise varies along the lines: draw an independent value for every pixel "
                    "(shape (n, size, size)), after the lines are drawn, not one per row or column.")
        raise CheckError(f"{name}{where}: with noise={noise} the images' noise has standard deviation about "
                         f"{sigma:.3g} (measured around each line profile); expected {noise}.{hint}")
    if len(x) > 1 and np.allclose(r[0], r[1]):
        raise CheckError(f"{name}{where}: images 0 and 1 carry the same noise pattern; the noise must be drawn "
                         "independently for every image (and every pixel).")


def _same(a, b) -> bool:
    return isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b) == 2 and \
        all(isinstance(u, np.ndarray) and isinstance(v, np.ndarray) and u.shape == v.shape and
            np.array_equal(u, v) for u, v in zip(a, b))


def _seed_checks(fn, args, kwargs, first, name, label):
    where = f" ({label})" if label else ""
    again = call_guarded(fn, args, kwargs, name=name, label=label)
    if not _same(first, again):
        raise CheckError(f"{name}{where}: two calls with the same seed gave different data. Draw every random "
                         "number from one generator made from the seed (rng = np.random.default_rng(seed)), "
                         "not from np.random's global state.")
    other = dict(kwargs, seed=kwargs.get("seed", 0) + 1)
    diff = call_guarded(fn, args, other, name=name, label=label)
    if _same(first, diff):
        raise CheckError(f"{name}{where}: seeds {kwargs.get('seed', 0)} and {other['seed']} gave identical data; "
                         "the seed must select the random draw (np.random.default_rng(seed)).")


def check_make_lines(fn, cases=None) -> int:
    """Property checks of make_lines(n, size=32, seed=0, noise=0.0) on each case."""
    if not callable(fn):
        raise CheckError(f"make_lines should be a function, but it is {describe(fn)}.")
    name = "make_lines"
    cases = cases_make_lines() if cases is None else cases
    for case in cases:
        n = case.args[0] if case.args else case.kwargs["n"]
        size = case.args[1] if len(case.args) > 1 else case.kwargs.get("size", 32)
        noise = case.args[3] if len(case.args) > 3 else case.kwargs.get("noise", 0.0)
        where = f" ({case.label})" if case.label else ""
        out = call_guarded(fn, case.args, case.kwargs, name=name, label=case.label)
        x, y = _xy(out, name, case.label, n, size)
        _balance(y, n, name, where)
        if noise:
            _check_noise(x, y, noise, name, where)
        else:
            _check_clean_lines(x, y, name, where)
        if len(case.args) <= 2:
            _seed_checks(fn, case.args, case.kwargs, out, name, case.label)
    print(f"{name}: all {len(cases)} checks passed (shapes, dtypes, line orientation per label, at least one "
          "line, class balance, noise, seeds).")
    return len(cases)


# ------------------------------------------------------------------ make_oriented_textures

def cases_make_oriented_textures() -> list[Case]:
    return [
        Case((40,), {"size": 16, "seed": 0}, label="40 textures of 16x16"),
        Case((60,), {}, label="defaults (size 32, seed 0)"),
        Case((41,), {"size": 24, "seed": 5}, label="odd n, 24x24"),
    ]


def check_make_oriented_textures(fn, cases=None) -> int:
    """Property checks of make_oriented_textures(n, size=32, seed=0)."""
    if not callable(fn):
        raise CheckError(f"make_oriented_textures should be a function, but it is {describe(fn)}.")
    name = "make_oriented_textures"
    cases = cases_make_oriented_textures() if cases is None else cases
    for case in cases:
        n = case.args[0] if case.args else case.kwargs["n"]
        size = case.args[1] if len(case.args) > 1 else case.kwargs.get("size", 32)
        where = f" ({case.label})" if case.label else ""
        out = call_guarded(fn, case.args, case.kwargs, name=name, label=case.label)
        x, y = _xy(out, name, case.label, n, size, kind="textures")
        if n >= 2 and not ((y == 0).any() and (y == 1).any()):
            raise CheckError(f"{name}{where}: only label {int(y[0])} occurs; both labels must occur.")
        for i in range(n):
            img = x[i]
            if _rows_identical(img) or _cols_identical(img):
                kind = "rows" if _rows_identical(img) else "columns"
                raise CheckError(f"{name}{where}: image {i} has all its {kind} identical: that is a perfect "
                                 "line image (or a constant one). The textures must have oriented structure "
                                 "but no lines: build them from noise.")
        cols, rows = column_row_energy(x)
        for label, wins, word in ((0, cols > rows, "vertical"), (1, rows > cols, "horizontal")):
            sel = y == label
            if sel.sum() == 0:
                continue
            frac = float(wins[sel].mean())
            if frac < 0.95:
                swapped = float((~wins[sel]).mean()) >= 0.95
                hint = (" The other orientation wins almost everywhere: labels swapped, or the long blur "
                        "applied along the wrong axis?" if swapped else
                        " Make the structure more elongated (blur much more along it than across it).")
                raise CheckError(
                    f"{name}{where}: label {label} means {word} structure, so the summed squared differences "
                    f"between neighbouring {'columns' if label == 0 else 'rows'} must exceed those between "
                    f"neighbouring {'rows' if label == 0 else 'columns'} in at least 95% of its images; that "
                    f"holds for {frac:.0%}.{hint}")
        _seed_checks(fn, case.args, case.kwargs, out, name, case.label)
    print(f"{name}: all {len(cases)} checks passed (shapes, no perfect lines, both labels, orientation "
          "energy per label, seeds).")
    return len(cases)


# ------------------------------------------------------------------ modulate

def cases_modulate(seed: int = 0) -> list[Case]:
    rng = np.random.default_rng(seed)
    hand = np.ones((1, 2, 7), dtype=np.float64)
    return [
        Case((hand,), label="hand example: ones(1, 2, 7), period 6 -> rows [1, .5, -.5, -1, -.5, .5, 1]"),
        Case((rng.normal(size=(3, 5, 9)).astype(np.float32),), label="float32 batch, 5x9 images"),
        Case((rng.normal(size=(6, 10)),), {"period": 4}, label="one 6x10 image, period=4"),
        Case((rng.normal(size=(2, 8, 8)), 5), label="period 5 passed positionally"),
    ]


def _modulate_mistakes(x, period=6):
    xd = np.asarray(x, dtype=np.float64)
    N, M = xd.shape[-2:]
    m = np.arange(M)
    n = np.arange(N)[:, None]
    return [
        ("you modulated along the rows n (the axis -2); the carrier varies along the columns m (the last axis), "
         "so that horizontal lines keep their direction but their spectrum moves sideways.",
         xd * np.cos(2 * np.pi * n / period)),
        ("you used sin instead of cos.", xd * np.sin(2 * np.pi * m / period)),
        ("the factor 2 is missing: cos(2*pi*m/period) (period 6 gives the text's cos(pi*n/3)).",
         xd * np.cos(np.pi * m / period)),
        ("the period argument is ignored (always 6).", xd * np.cos(2 * np.pi * m / 6)),
        ("the column index starts at 1; the first column (m = 0) is multiplied by cos(0) = 1.",
         xd * np.cos(2 * np.pi * (m + 1) / period)),
        ("the angle is in degrees; np.cos takes radians: 2*pi*m/period.",
         xd * np.cos(360.0 * m / period)),
        ("you added the carrier instead of multiplying by it.", xd + np.cos(2 * np.pi * m / period)),
        ("you returned the carrier only, not the image times the carrier.",
         np.broadcast_to(np.cos(2 * np.pi * m / period), xd.shape)),
    ]


def check_modulate(fn, cases=None) -> int:
    """modulate(x, period=6): values, dtype (x's floating dtype), x left unchanged."""
    if not callable(fn):
        raise CheckError(f"modulate should be a function, but it is {describe(fn)}.")
    name = "modulate"
    cases = cases_modulate() if cases is None else cases
    for case in cases:
        x = case.args[0]
        period = case.args[1] if len(case.args) > 1 else case.kwargs.get("period", 6)
        got = call_guarded(fn, case.args, case.kwargs, name=name, label=case.label)
        expected = _modulated(x, period)
        where = f" ({case.label})"
        problem = compare_arrays(got, expected, name=name, label=case.label, shape_formula="x's shape")
        if problem:
            msg = [problem]
            if isinstance(got, np.ndarray) and got.shape == expected.shape:
                for text, wrong in _modulate_mistakes(x, period):
                    if np.allclose(got.astype(np.float64), wrong, atol=1e-4):
                        msg.append(f"  This looks like a known mistake: {text}")
                        break
            raise CheckError("\n".join(msg))
        want = x.dtype if np.issubdtype(x.dtype, np.floating) else None
        if want is not None and got.dtype != want:
            raise CheckError(
                f"{name}{where} returned dtype {got.dtype} for a {want} input; expected {want} (x's own floating "
                "dtype). numpy promotes float32 * float64 to float64: cast the carrier "
                "(np.cos(...).astype(x.dtype)) or the result.")
        if isinstance(got, np.ndarray) and np.shares_memory(got, x):
            raise CheckError(f"{name}{where} returned a view of x; return a new array.")
    print(f"{name}: all {len(cases)} checks passed.")
    return len(cases)


# ------------------------------------------------------------------ accuracy

def cases_accuracy(seed: int = 0) -> list[tuple[str, object, object, object]]:
    """(label, model, x, y) cases; the expected accuracy is computed by evaluate()."""
    means = np.array([0.1, 0.9, 0.2, 0.8, 0.6, 0.3])
    x_hand = (np.ones((6, 4, 4)) * means[:, None, None]).astype(np.float32)
    y_hand = np.array([0, 1, 1, 1, 0, 0], dtype=np.int64)
    rng = np.random.default_rng(seed)
    x1 = rng.normal(size=(50, 8, 8)).astype(np.float32)
    y1 = rng.integers(0, 2, size=50).astype(np.int64)
    x2 = rng.normal(size=(37, 6, 10)).astype(np.float32)
    y2 = rng.integers(0, 2, size=37).astype(np.int64)
    return [
        ("hand example: 4 of 6 right -> 0.6667", _MeanThresholdNet(0.5), x_hand, y_hand),
        ("random images, a small CNN", _tiny(seed + 1), x1, y1),
        ("torch tensors in", _tiny(seed + 2), torch.from_numpy(x1), torch.from_numpy(y1)),
        ("a float64 (double) model: cast x to the model's dtype", _tiny(seed + 3).double(), x2, y2),
    ]


def check_accuracy(fn, cases=None) -> int:
    """accuracy(model, x, y): a Python float, the fraction of argmax predictions equal to y."""
    if not callable(fn):
        raise CheckError(f"accuracy should be a function, but it is {describe(fn)}.")
    name = "accuracy"
    cases = cases_accuracy() if cases is None else cases
    for label, model, x, y in cases:
        where = f" ({label})"
        xn = x.numpy() if isinstance(x, torch.Tensor) else x
        yn = y.numpy() if isinstance(y, torch.Tensor) else y
        expected = evaluate(model, xn, yn)
        try:
            got = call_guarded(fn, (model, x, y), name=name, label=label)
        except CheckError as e:
            text = str(e)
            if "must match the size" in text or "shape mismatch" in text:
                text += ("\n  The predictions do not have one entry per image: take the argmax over the classes, "
                         "model(x).argmax(dim=1), not over the batch (dim=0).")
            elif "dtype" in text.lower() or "expected scalar type" in text.lower() or "same dtype" in text.lower():
                text += "\n  Cast x to the model's dtype: next(model.parameters()).dtype."
            raise CheckError(text) from e
        if not _is_float(got):
            raise CheckError(f"{name}{where} returned {describe(got)}; expected a Python float.{_float_hint(got)}")
        g = float(got)
        if not math.isclose(g, expected, abs_tol=1e-6):
            p = _param(model)
            with torch.no_grad():
                logits = model(torch.as_tensor(xn).to(device=p.device, dtype=p.dtype)[:, None]).cpu().numpy()
            sign_rule = float(((logits[:, 1] > 0).astype(np.int64) == yn).mean())
            if math.isclose(g, expected * len(xn), abs_tol=1e-6):
                hint = " That is the number of correct predictions: divide by the number of images."
            elif any(math.isclose(g, round(expected, k), abs_tol=1e-9) for k in (1, 2, 3, 4)):
                hint = " Do not round: return the exact fraction."
            elif math.isclose(g, sign_rule, abs_tol=1e-6):
                hint = (" That is the accuracy of 'class 1 when its logit is positive'; the prediction is the class "
                        "with the largest logit, model(x).argmax(dim=1).")
            elif math.isclose(g, 1.0 - expected, abs_tol=1e-6):
                hint = " That is the error rate (1 - accuracy): compare the predictions with y using ==."
            else:
                hint = (" The prediction for each image is the class with the largest logit, "
                        "model(x).argmax(dim=1) (over the classes, not over the batch), compared with y.")
            raise CheckError(f"{name}{where} returned {g:.6g}; expected {expected:.6g}.{hint}")
    print(f"{name}: all {len(cases)} checks passed.")
    return len(cases)


# ------------------------------------------------------------------ train_classifier

class _Probe:
    """Hooks on a model: optimisation steps, batch sizes, gradients accumulated across steps."""

    def __init__(self, model):
        self.fresh = {}
        self.backward_steps = 0
        self.accumulated = False
        self.batch_sizes: list[int] = []
        self.handles = []
        params = list(model.parameters())
        first = params[0]
        for p in params:
            self.handles.append(p.register_hook(lambda g, p=p: self._fresh(p, g)))
            self.handles.append(p.register_post_accumulate_grad_hook(lambda p, first=first: self._after(p, first)))
        self.handles.append(model.register_forward_pre_hook(self._forward))

    def _fresh(self, p, g):
        self.fresh[id(p)] = g.detach().clone()
        return None

    def _after(self, p, first):
        g = self.fresh.get(id(p))
        if g is not None and p.grad is not None and not torch.allclose(p.grad, g, rtol=1e-5, atol=1e-7):
            self.accumulated = True
        if p is first:
            self.backward_steps += 1

    def _forward(self, module, args):
        if torch.is_grad_enabled() and args and isinstance(args[0], torch.Tensor):
            self.batch_sizes.append(int(args[0].shape[0]))

    def remove(self):
        for h in self.handles:
            h.remove()


def _easy_problem(n: int = 200, size: int = 12, seed: int = 0):
    """Class 0: bright images, class 1: dark images (plus noise): easy for any small CNN."""
    rng = np.random.default_rng(seed)
    y = (np.arange(n) % 2).astype(np.int64)
    rng.shuffle(y)
    x = (np.where(y == 0, 1.0, -1.0)[:, None, None] + 0.3 * rng.normal(size=(n, size, size))).astype(np.float32)
    return x, y


def _mean_ce(model, x, y) -> float:
    p = _param(model)
    with torch.no_grad():
        logits = model(torch.as_tensor(x).to(device=p.device, dtype=p.dtype)[:, None])
        return float(F.cross_entropy(logits, torch.as_tensor(y).to(p.device)).item())


def _losses_ok(losses, epochs, name, where):
    if not isinstance(losses, list):
        hint = " Collect them in a list: losses.append(...) and `return losses`." if losses is None or \
            isinstance(losses, (float, torch.Tensor, np.ndarray, tuple)) else ""
        raise CheckError(f"{name}{where} returned {describe(losses)}; expected a list with one mean loss per "
                         f"epoch ({epochs} of them).{hint}")
    if len(losses) != epochs:
        raise CheckError(f"{name}{where} returned {len(losses)} losses for epochs={epochs}; expected one per epoch.")
    for i, v in enumerate(losses):
        if not _is_float(v):
            raise CheckError(f"{name}{where}: entry {i} of the returned list is {describe(v)}; expected a Python "
                             f"float.{_float_hint(v)} (Keeping the loss tensors also keeps their graphs alive.)")
        if not math.isfinite(float(v)):
            raise CheckError(f"{name}{where}: the loss of epoch {i + 1} is {v}: training diverged.")


def _defaults(fn) -> dict:
    try:
        return {k: p.default for k, p in inspect.signature(fn).parameters.items()
                if p.default is not inspect.Parameter.empty}
    except (TypeError, ValueError):
        return {}


def _snapshot(model):
    return [p.detach().clone() for p in model.parameters()]


def _changed(model, snap) -> bool:
    return any(not torch.equal(p.detach(), s) for p, s in zip(model.parameters(), snap))


def _data_unchanged(xa, ya, x, y, name, where):
    if not (np.array_equal(xa, x) and np.array_equal(ya, y)):
        raise CheckError(f"{name}{where} changed the data it was given (x or y) in place. torch.as_tensor / "
                         "torch.from_numpy share memory with the numpy array: never modify them in place.")


def _check_lr0(fn, n, size, batch_size, epochs, seed, name, torch_inputs=False):
    """With lr=0 nothing moves: every epoch's mean batch loss is the model's mean cross-entropy."""
    label = f"lr=0: {n} images, batch_size={batch_size}, epochs={epochs}"
    where = f" ({label})"
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, size, size)).astype(np.float32)
    y = rng.integers(0, 2, size=n).astype(np.int64)
    model = _tiny(seed)
    expected = _mean_ce(model, x, y)
    xa, ya = x.copy(), y.copy()
    args = (model, torch.from_numpy(xa), torch.from_numpy(ya)) if torch_inputs else (model, xa, ya)
    losses = _call(fn, args, dict(epochs=epochs, lr=0.0, batch_size=batch_size, seed=seed), name=name, label=label)
    _data_unchanged(xa, ya, x, y, name, where)
    _losses_ok(losses, epochs, name, where)
    nb = math.ceil(n / batch_size)
    for i, v in enumerate(losses):
        v = float(v)
        if not math.isclose(v, expected, rel_tol=1e-4, abs_tol=1e-6):
            if math.isclose(v, expected * nb, rel_tol=1e-4):
                hint = "you summed the batch losses; average them over the epoch's batches."
            elif math.isclose(v, expected * batch_size, rel_tol=1e-3) or math.isclose(v, expected * n, rel_tol=1e-3):
                hint = "the loss is summed over the images (reduction='sum'); use the mean cross-entropy per batch."
            elif 0.0 <= v <= 1.0 and abs(v - expected) > 0.05 and (v * n) % 1 < 1e-3:
                hint = "that looks like an accuracy; return the mean cross-entropy loss."
            else:
                hint = ("each entry must be the mean, over that epoch's batches, of the batch's mean cross-entropy "
                        "F.cross_entropy(model(xb), yb) on the logits (not the last batch's loss, not a softmax "
                        "applied before the loss).")
            raise CheckError(f"{name}{where}: epoch {i + 1} loss {v:.6g}; expected {expected:.6g}. With lr=0 the "
                             f"model never changes, so every batch loss averages to the model's mean cross-entropy "
                             f"on the data: {hint}")


def _check_training_run(fn, n, size, batch_size, epochs, seed, name, lr=0.05, torch_inputs=False, device=None):
    """In place, on the model's device, the right number of steps and batch sizes, no gradient build-up."""
    label = f"{n} images of {size}x{size}, batch_size={batch_size}, epochs={epochs}, lr={lr}" + \
        (", torch tensors in" if torch_inputs else "") + (f", model on {device}" if device is not None else "")
    where = f" ({label})"
    x, y = _easy_problem(n, size, seed)
    model = _tiny(seed)
    if device is not None:
        model = model.to(device)
    dev = _param(model).device
    params = list(model.parameters())
    snap = _snapshot(model)
    probe = _Probe(model)
    xa, ya = (torch.from_numpy(x.copy()), torch.from_numpy(y.copy())) if torch_inputs else (x.copy(), y.copy())
    try:
        losses = _call(fn, (model, xa, ya), dict(epochs=epochs, lr=lr, batch_size=batch_size, seed=seed),
                       name=name, label=label)
    finally:
        probe.remove()
    _losses_ok(losses, epochs, name, where)
    _data_unchanged(xa.numpy() if torch_inputs else xa, ya.numpy() if torch_inputs else ya, x, y, name, where)
    new_params = list(model.parameters())
    if len(new_params) != len(params) or any(a is not b for a, b in zip(new_params, params)):
        raise CheckError(f"{name}{where}: the model's parameters were replaced; train the model in place.")
    if any(p.device != dev for p in new_params):
        raise CheckError(f"{name}{where}: the model was moved from {dev} to {new_params[0].device}; train it "
                         "where it is: device = next(model.parameters()).device, and move the data there.")
    if not _changed(model, snap):
        raise CheckError(f"{name}{where}: the model's parameters did not change. Train the model you were given "
                         "(not a copy), build the optimizer on model.parameters(), and for every batch call "
                         "optimizer.zero_grad(), loss.backward(), optimizer.step(), in this order.")
    full, floor = epochs * math.ceil(n / batch_size), epochs * (n // batch_size)
    if probe.backward_steps not in (full, floor):
        raise CheckError(f"{name}{where}: {probe.backward_steps} backward passes; expected {full} (one per batch "
                         f"of {batch_size} images, ceil({n}/{batch_size}) = {math.ceil(n / batch_size)} batches per "
                         "epoch). Is batch_size used? Is every epoch run?")
    if probe.batch_sizes and max(probe.batch_sizes) > batch_size:
        raise CheckError(f"{name}{where}: the model was trained on batches of {max(probe.batch_sizes)} images; "
                         f"batch_size={batch_size}.")
    if probe.accumulated:
        raise CheckError(f"{name}{where}: gradients pile up from one batch to the next: call optimizer.zero_grad() "
                         "(or model.zero_grad()) before every loss.backward().")
    return model, losses


def _check_determinism(fn, n, size, batch_size, epochs, seed, name):
    label = f"determinism: seed={seed}, twice"
    where = f" ({label})"
    x, y = _easy_problem(n, size, seed + 7)
    base = _tiny(seed + 11)
    runs = []
    np_state, torch_state = np.random.get_state(), torch.random.get_rng_state()
    try:
        for perturb in (123, 456):     # different global random states: only `seed` may matter
            model = copy.deepcopy(base)
            np.random.seed(perturb)
            torch.manual_seed(perturb)
            losses = _call(fn, (model, x, y), dict(epochs=epochs, lr=0.05, batch_size=batch_size, seed=seed),
                           name=name, label=label)
            _losses_ok(losses, epochs, name, where)
            runs.append((losses, _snapshot(model)))
    finally:
        np.random.set_state(np_state)
        torch.random.set_rng_state(torch_state)
    (l1, p1), (l2, p2) = runs
    same = np.allclose(l1, l2, rtol=1e-6, atol=1e-7) and all(torch.allclose(a, b, rtol=1e-5, atol=1e-6)
                                                             for a, b in zip(p1, p2))
    if not same:
        raise CheckError(f"{name}{where}: two runs from the same initial model with the same seed gave different "
                         f"losses ({l1[0]:.6g}, ... vs {l2[0]:.6g}, ...). Let the seed drive all randomness, e.g. "
                         "g = torch.Generator().manual_seed(seed); torch.randperm(n, generator=g), not the global "
                         "torch / numpy random state.")


def _check_easy_defaults(fn, x, y, model, what, name="train_classifier"):
    label = f"default epochs / lr / batch_size on {what}"
    where = f" ({label})"
    losses = _call(fn, (model, x, y), {}, name=name, label=label)
    epochs = _defaults(fn).get("epochs")
    if isinstance(epochs, int):
        _losses_ok(losses, epochs, name, where)
    else:
        _losses_ok(losses, len(losses) if isinstance(losses, list) else -1, name, where)
    if len(losses) >= 2 and not losses[-1] < losses[0]:
        raise CheckError(f"{name}{where}: the loss did not decrease ({losses[0]:.4g} -> {losses[-1]:.4g}). "
                         "Check the learning rate and the order zero_grad / backward / step.")
    acc = evaluate(model, x, y)
    if acc < 0.9:
        raise CheckError(f"{name}{where}: after training with your defaults the model classifies only {acc:.1%} of "
                         "its training images correctly; expected at least 90% on this easy problem.")
    return losses


def plan_train_classifier() -> list[tuple[str, dict]]:
    """The visible checks of train_classifier, in order: (kind, arguments)."""
    x, y = _easy_problem(200, 12, seed=4)
    return [
        ("lr0", dict(n=8, size=6, batch_size=4, epochs=3, seed=0)),
        ("run", dict(n=10, size=8, batch_size=4, epochs=2, seed=1)),
        ("run", dict(n=12, size=8, batch_size=5, epochs=2, seed=2, torch_inputs=True)),
        ("determinism", dict(n=20, size=8, batch_size=6, epochs=2, seed=3)),
        ("defaults", dict(x=x, y=y, model=_tiny(4), what="an easy problem (bright vs dark images)")),
    ]


def check_train_classifier(fn, plan=None) -> int:
    """train_classifier(model, x, y, epochs, lr, batch_size, seed): watched with hooks on a small CNN."""
    if not callable(fn):
        raise CheckError(f"train_classifier should be a function, but it is {describe(fn)}.")
    name = "train_classifier"
    plan = plan_train_classifier() if plan is None else plan
    run = {"lr0": _check_lr0, "run": _check_training_run, "determinism": _check_determinism,
           "defaults": _check_easy_defaults}
    for kind, kwargs in plan:
        run[kind](fn, name=name, **kwargs)
    print(f"{name}: all {len(plan)} checks passed (losses per epoch, in place, steps and batches, zero_grad, "
          "torch inputs, data unchanged, seed, defaults).")
    return len(plan)


# ------------------------------------------------------------------ results

def _check_architecture(model, name):
    conv, fc = getattr(model, "conv", None), getattr(model, "fc", None)
    if not isinstance(model, nn.Module) or not isinstance(conv, nn.Conv2d) or not isinstance(fc, nn.Linear):
        raise CheckError(f"{name}: expected the notebook's SimpleCNN(2, 9, 2) (attributes conv and fc); "
                         f"got {describe(model)}.")
    if tuple(conv.weight.shape) != (2, 1, 9, 9) or tuple(fc.weight.shape) != (2, 2):
        raise CheckError(f"{name}: the network must be SimpleCNN(2, 9, 2) (conv weight (2, 1, 9, 9), fc weight "
                         f"(2, 2)); got {tuple(conv.weight.shape)} and {tuple(fc.weight.shape)}.")


def _report(name, rows):
    fails = [f"{what}: {value:.4f} (needs {op} {bound})" for what, value, op, bound in rows
             if not (value >= bound if op == ">=" else value <= bound)]
    summary = ", ".join(f"{what} {value:.4f}" for what, value, _, _ in rows)
    if fails:
        raise CheckError(f"{name}: " + "; ".join(fails) + ". Train with torch.manual_seed(0) before "
                         "SimpleCNN(2, 9, 2), on 2,000 make_lines images, with train_classifier's defaults "
                         "(Adam, lr 0.01, 10 epochs, batches of 50 reach these).")
    print(f"{name}: {summary}: all thresholds met.")


def results_rows(model, x, y, xt, yt):
    h = y == 1
    return [("clean test accuracy", evaluate(model, x, y), ">=", CLEAN_MIN),
            ("out-of-domain (textures) accuracy", evaluate(model, xt, yt), ">=", OOD_MIN),
            ("accuracy on modulated horizontal lines", evaluate(model, _modulated(x[h]).astype(np.float32), y[h]),
             "<=", FOOLED_MAX)]


def fixed_rows(model, x, y):
    h = y == 1
    return [("clean test accuracy", evaluate(model, x, y), ">=", CLEAN_MIN),
            ("accuracy on modulated horizontal lines", evaluate(model, _modulated(x[h]).astype(np.float32), y[h]),
             ">=", FIXED_MIN)]


def check_results(model, make_lines_fn, make_textures_fn, n: int = 2000, seed: int = 2024) -> None:
    """The trained network on fresh data from your own generators (the hidden test uses the course's)."""
    name = "results"
    _check_architecture(model, name)
    x, y = call_guarded(make_lines_fn, (n,), {"seed": seed}, name="make_lines")
    xt, yt = call_guarded(make_textures_fn, (n // 2,), {"seed": seed}, name="make_oriented_textures")
    _report(name, results_rows(model, x, y, xt, yt))


def check_results_fixed(model, make_lines_fn, n: int = 2000, seed: int = 2025) -> None:
    """The network retrained with modulated images, on fresh data from your make_lines."""
    name = "results_fixed"
    _check_architecture(model, name)
    x, y = call_guarded(make_lines_fn, (n,), {"seed": seed}, name="make_lines")
    _report(name, fixed_rows(model, x, y))


# ------------------------------------------------------------------ one torch thread while checking


check_make_lines = _single_threaded(check_make_lines)
check_make_oriented_textures = _single_threaded(check_make_oriented_textures)
check_modulate = _single_threaded(check_modulate)
check_accuracy = _single_threaded(check_accuracy)
check_train_classifier = _single_threaded(check_train_classifier)
check_results = _single_threaded(check_results)
check_results_fixed = _single_threaded(check_results_fixed)
