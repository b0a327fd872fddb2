"""Visible checks for notebook 08_worked_example (chapter §24.5, horizontal vs vertical lines).

* ``make_lines`` and ``make_oriented_textures`` are checked by their
  *properties* (the course spec's contract), not against one reference
  output: any generator with those properties is right. The checks here
  measure what your function returns (shapes, dtypes, which rows or columns
  are identical, class counts, the noise's spread, the effect of the seed);
  the grader runs the same property checks on other cases.
* ``accuracy`` and ``modulate`` are checked on stored cases with their stored
  answers (the grader uses cases of its own).
* ``train_classifier`` is watched at work on small stored test networks:
  with ``lr=0`` nothing may change, so every epoch's mean batch loss must be
  the stored cross-entropy of the network on the data; on a network whose
  bias receives the same gradient on every batch, every Adam step moves that
  bias by exactly ``lr``, so its final value counts the optimisation steps;
  two runs with the same seed must agree.
* ``check_results`` measures the network your notebook trained with your own
  functions, on a new seed. When you submit, the grader takes the network's
  weights and measures it itself, on fresh images from the course's own
  generators.
"""
from __future__ import annotations

import contextlib
import io
import math

import numpy as np

from .. import probe as _probe
from . import book
from .core import Case, CheckError, call_guarded, describe, judge_call, run_call, with_hint
from .core import single_threaded as _single_threaded

_A = "08_worked_example"

__all__ = [
    "check_make_lines", "check_make_oriented_textures", "check_modulate", "check_accuracy",
    "check_train_classifier", "check_results", "check_results_fixed",
    "cases_make_lines", "cases_make_oriented_textures", "column_row_energy",
    "modulate_dtype", "accuracy_type", "accuracy_hint", "check_architecture", "report",
    "losses_ok", "judge_lr0", "judge_steps", "judge_same", "judge_decrease", "judge_training",
    "CLEAN_MIN", "OOD_MIN", "FOOLED_MAX", "FIXED_MIN", "TRAIN_HINT", "FIXED_HINT",
]

# thresholds of the course spec (§24.5 results)
CLEAN_MIN = 0.999
OOD_MIN = 0.95
FOOLED_MAX = 0.05
FIXED_MIN = 0.99


# ------------------------------------------------------------------ describing values

def _is_tensor(v) -> bool:
    """A torch tensor, here or as the grader receives it from the notebook (its array, dtype and device)."""
    mod = type(v).__module__ or ""
    return (mod.startswith("torch") and hasattr(v, "detach")) or (mod == "convcourse.wire" and
                                                                  type(v).__name__ == "Tensor")


def _what(v) -> str:
    if _is_tensor(v):
        shape = tuple(v.shape)
        return f"a torch tensor ({v.dtype}{f', shape {shape}' if math.prod(shape) > 1 else ''})"
    return describe(v)


def _is_float(v) -> bool:
    return isinstance(v, (float, np.floating)) and not isinstance(v, bool)


def _float_hint(v) -> str:
    if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
        return " An integer: use true division (/), not //, and return float(...)."
    if _is_tensor(v):
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
        raise CheckError(f"{name}{where} returned {_what(out)}; expected a tuple (x, y): "
                         "end with `return x, y`.")
    x, y = out
    for what, v in (("x", x), ("y", y)):
        if not isinstance(v, np.ndarray):
            hint = " Convert with .numpy()." if _is_tensor(v) else ""
            raise CheckError(f"{name}{where}: {what} is {_what(v)}; expected a numpy array.{hint}")
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


def check_make_lines(fn, cases=None) -> None:
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


# ------------------------------------------------------------------ make_oriented_textures

def cases_make_oriented_textures() -> list[Case]:
    return [
        Case((40,), {"size": 16, "seed": 0}, label="40 textures of 16x16"),
        Case((60,), {}, label="defaults (size 32, seed 0)"),
        Case((41,), {"size": 24, "seed": 5}, label="odd n, 24x24"),
    ]


def column_row_energy(x):
    """(summed squared differences between neighbouring columns, ... between neighbouring rows) per image."""
    x = np.asarray(x, dtype=np.float64)
    cols = ((x[..., :, 1:] - x[..., :, :-1]) ** 2).sum(axis=(-2, -1))
    rows = ((x[..., 1:, :] - x[..., :-1, :]) ** 2).sum(axis=(-2, -1))
    return cols, rows


def check_make_oriented_textures(fn, cases=None) -> None:
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


# ------------------------------------------------------------------ modulate

def modulate_dtype(got, x, *, name: str = "modulate", label: str = "") -> None:
    """modulate keeps x's floating dtype (float32 in, float32 out)."""
    where = f" ({label})" if label else ""
    x = np.asarray(x)
    want = x.dtype if np.issubdtype(x.dtype, np.floating) else None
    if want is not None and isinstance(got, np.ndarray) and got.dtype != want:
        raise CheckError(
            f"{name}{where} returned dtype {got.dtype} for a {want} input; expected {want} (x's own floating "
            "dtype). numpy promotes float32 * float64 to float64: cast the carrier "
            "(np.cos(...).astype(x.dtype)) or the result.")


def _stored_cases(key: str):
    for group in book.load(_A)[key]:
        for case in group["cases"]:
            yield group["name"], case


def _check_modulate(fn) -> None:
    """modulate(x, period=6): the stored values (x left unchanged), then the dtype (x's floating dtype)."""
    book.check(_A, "modulate", fn)
    for name, case in _stored_cases("modulate"):
        args, kwargs = tuple(case["args"]), dict(case["kwargs"])
        got = call_guarded(fn, args, kwargs, name=name, label=case["label"])
        modulate_dtype(got, args[0], name=name, label=case["label"])


check_modulate = _check_modulate


# ------------------------------------------------------------------ accuracy

def accuracy_hint(message: str) -> str:
    """What an error of accuracy's call usually means (added to the message)."""
    low = message.lower()
    if "must match the size" in message or "shape mismatch" in message:
        return ("\n  The predictions do not have one entry per image: take the argmax over the classes, "
                "model(x).argmax(dim=1), not over the batch (dim=0).")
    if "raised" in low and ("dimension out of range" in low or "channels, but got" in low or
                            "expected 4d" in low or "4-dimensional" in low):
        return ("\n  The model expects a batch of shape (B, 1, N, M): add the channel axis with x[:, None] "
                "(or x.unsqueeze(1)).")
    if "raised" in low and ("dtype" in low or "expected scalar type" in low or "same dtype" in low or
                            "should be the same" in low):
        return "\n  Cast x to the model's dtype: next(model.parameters()).dtype."
    return ""


def accuracy_type(got, *, name: str = "accuracy", label: str = "") -> None:
    """accuracy returns a Python float (a fraction, not a tensor, not a count)."""
    where = f" ({label})" if label else ""
    if not _is_float(got):
        raise CheckError(f"{name}{where} returned {_what(got)}; expected a Python float.{_float_hint(got)}")


def _check_accuracy(fn) -> None:
    """accuracy(model, x, y): a Python float, the fraction of argmax predictions equal to y (stored cases)."""
    if not callable(fn):
        raise CheckError(f"accuracy should be a function, but it is {describe(fn)}.")
    for name, case in _stored_cases("accuracy"):
        stored, kwargs = tuple(case["args"]), dict(case["kwargs"])
        report = run_call(fn, tuple(book._materialize(list(stored))), book._materialize(kwargs))
        got = judge_call(report, name=name, label=case["label"], args=stored, kwargs=kwargs)
        accuracy_type(got, name=name, label=case["label"])
    book.check(_A, "accuracy", fn)


check_accuracy = with_hint(_check_accuracy, accuracy_hint)


# ------------------------------------------------------------------ train_classifier: judging from data

def losses_ok(losses, epochs, name, where):
    """One Python float per epoch, all finite."""
    if not isinstance(losses, list):
        hint = " Collect them in a list: losses.append(...) and `return losses`." if losses is None or \
            isinstance(losses, (float, np.ndarray, tuple)) or _is_tensor(losses) else ""
        raise CheckError(f"{name}{where} returned {_what(losses)}; expected a list with one mean loss per "
                         f"epoch ({epochs} of them).{hint}")
    if len(losses) != epochs:
        raise CheckError(f"{name}{where} returned {len(losses)} losses for epochs={epochs}; expected one per epoch.")
    for i, v in enumerate(losses):
        if not _is_float(v):
            raise CheckError(f"{name}{where}: entry {i} of the returned list is {_what(v)}; expected a Python "
                             f"float.{_float_hint(v)} (Keeping the loss tensors also keeps their graphs alive.)")
        if not math.isfinite(float(v)):
            raise CheckError(f"{name}{where}: the loss of epoch {i + 1} is {v}: training diverged.")


def judge_lr0(losses, expect: dict, name, where) -> None:
    """With lr=0 nothing moves: every epoch's mean batch loss is the network's mean cross-entropy."""
    n, batch_size, expected = expect["n"], expect["batch_size"], expect["loss"]
    losses_ok(losses, expect["epochs"], name, where)
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


def judge_steps(before: dict, after: dict, expect: dict, name, where) -> None:
    """The test network's ``expect["param"]`` entry gets the same gradient on every batch, so each Adam step
    moves it by exactly lr: its displacement counts the optimisation steps (and shows lr and zero_grad)."""
    key, index, lr = expect["param"], expect["index"], float(expect["lr"])
    full, floor, epochs, n, batch_size = (expect[k] for k in ("full", "floor", "epochs", "n", "batch_size"))
    if key not in after:
        raise CheckError(f"{name}{where}: the model given to train_classifier lost its parameter {key!r}; train "
                         "the model in place, without replacing its layers.")
    moved = float(np.asarray(after[key], dtype=np.float64).reshape(-1)[index] -
                  np.asarray(before[key], dtype=np.float64).reshape(-1)[index])
    how = (f" (this test network's bias gets the same gradient on every batch, so every Adam step moves it by "
           f"exactly lr = {lr:g})")
    if abs(moved) < 0.1 * lr:
        raise CheckError(f"{name}{where}: the model's parameters did not change. Train the model you were given "
                         "(not a copy), build the optimizer on model.parameters(), and for every batch call "
                         "optimizer.zero_grad(), loss.backward(), optimizer.step(), in this order.")
    if moved < 0:
        raise CheckError(f"{name}{where}: the parameters moved so as to increase the loss (the bias moved by "
                         f"{moved:.6g}){how}. Minimise the "
                         "cross-entropy: loss.backward(), then optimizer.step().")
    steps = moved / lr
    whole = abs(steps - round(steps)) <= 0.02
    if expect.get("defaults") and not (whole and int(round(steps)) in (full, floor)):
        raise CheckError(f"{name}{where}: with its defaults train_classifier moved this bias by {moved:.4g}; "
                         f"{epochs} epochs of batches of {batch_size} at lr={lr:g} move it by {full * lr:g} "
                         f"({full} Adam steps of {lr:g}){how}. The defaults must be epochs={epochs}, lr={lr:g}, "
                         f"batch_size={batch_size} (Adam).")
    if lr != 0.01 and any(math.isclose(moved, s * 0.01, rel_tol=1e-3) for s in (full, floor)):
        raise CheckError(f"{name}{where}: the parameters moved as if the learning rate were 0.01, not lr = {lr:g} "
                         f"(the bias moved by {moved:.6g}){how}. Pass lr to the optimizer: "
                         "torch.optim.Adam(model.parameters(), lr=lr).")
    if not whole:
        raise CheckError(f"{name}{where}: the updates are not one Adam step of the batch's gradient per batch: "
                         f"the bias moved by {steps:.3f} steps of lr{how}. Gradients pile up from one batch to "
                         "the next (call optimizer.zero_grad(), or model.zero_grad(), before every "
                         "loss.backward()), or the optimizer is not torch.optim.Adam.")
    steps = int(round(steps))
    if steps not in (full, floor):
        raise CheckError(f"{name}{where}: {steps} optimizer steps; expected {full} (one per batch of {batch_size} "
                         f"images: ceil({n}/{batch_size}) = {math.ceil(n / batch_size)} batches per epoch, "
                         f"{epochs} epochs){how}. Is batch_size used? Is every epoch run?")


def judge_same(run1, run2, seed, name, where) -> None:
    """Two runs from the same initial model with the same seed give the same losses and weights."""
    (l1, s1), (l2, s2) = run1, run2
    same = np.allclose(l1, l2, rtol=1e-6, atol=1e-7) and s1.keys() == s2.keys() and \
        all(np.allclose(s1[k], s2[k], rtol=1e-5, atol=1e-6) for k in s1)
    if not same:
        raise CheckError(f"{name}{where}: two runs from the same initial model with seed={seed} gave different "
                         f"losses ({float(l1[0]):.6g}, ... vs {float(l2[0]):.6g}, ...). Let the seed drive all "
                         "randomness, e.g. g = torch.Generator().manual_seed(seed); torch.randperm(n, generator=g), "
                         "not the global torch / numpy random state.")


def judge_decrease(losses, name, where) -> None:
    if len(losses) >= 2 and not float(losses[-1]) < float(losses[0]):
        raise CheckError(f"{name}{where}: the loss did not decrease ({float(losses[0]):.4g} -> "
                         f"{float(losses[-1]):.4g}). Check the learning rate and the order zero_grad / backward / "
                         "step.")


def judge_training(entry: dict, train, name: str = "train_classifier") -> None:
    """One entry of the plan, run with ``train(entry, label) -> (losses, state before, state after)``."""
    kind, expect, label = entry["kind"], entry["expect"], entry["label"]
    where = f" ({label})"
    if kind == "lr0":
        losses, _, _ = train(entry, label)
        judge_lr0(losses, expect, name, where)
    elif kind == "steps":
        losses, before, after = train(entry, label)
        losses_ok(losses, expect["epochs"], name, where)
        judge_steps(before, after, expect, name, where)
    elif kind == "determinism":
        runs = []
        for _ in range(2):
            losses, _, after = train(entry, label)
            losses_ok(losses, expect["epochs"], name, where)
            runs.append((losses, after))
        judge_same(runs[0], runs[1], entry["kwargs"].get("seed"), name, where)
    elif kind == "decrease":
        losses, _, _ = train(entry, label)
        losses_ok(losses, expect["epochs"], name, where)
        judge_decrease(losses, name, where)
    else:
        raise ValueError(f"unknown check {kind!r}")


def _local_train(fn):
    name = "train_classifier"

    def train(entry, label):
        model = book._materialize({"__model__": entry["model"]})
        before = _probe.state(model)
        args = (model, book._materialize(entry["x"]), book._materialize(entry["y"]))
        kwargs = dict(entry["kwargs"])
        with contextlib.redirect_stdout(io.StringIO()):     # one progress line per epoch and call: not shown
            report = run_call(fn, args, kwargs)
        stored = ({"__model__": entry["model"]}, entry["x"], entry["y"])
        losses = judge_call(report, name=name, label=label, args=stored, kwargs=kwargs)
        return losses, before, _probe.state(model)
    return train


def _check_train_classifier(fn) -> None:
    """train_classifier(model, x, y, epochs, lr, batch_size, seed), watched on small stored test networks."""
    if not callable(fn):
        raise CheckError(f"train_classifier should be a function, but it is {describe(fn)}.")
    import torch

    plan = book.load(_A)["train_classifier"]
    state = torch.random.get_rng_state()
    np_state = np.random.get_state()
    try:
        train = _local_train(fn)
        for entry in plan:
            judge_training(entry, train)
    finally:
        torch.random.set_rng_state(state)
        np.random.set_state(np_state)
    print(f"train_classifier: all {len(plan)} visible checks passed (losses per epoch, lr=0, steps per batch and "
          "epoch, zero_grad, torch inputs, data unchanged, seed, defaults).")


check_train_classifier = _check_train_classifier


# ------------------------------------------------------------------ results

def check_architecture(desc: dict, name: str) -> None:
    """The notebook's SimpleCNN(2, 9, 2): ``conv`` a Conv2d with a (2, 1, 9, 9) weight, ``fc`` a Linear(2, 2)."""
    if not desc.get("is_module"):
        raise CheckError(f"{name}: expected the notebook's SimpleCNN(2, 9, 2) (an nn.Module); got "
                         f"{desc.get('type')}.")
    mods = {m["name"]: m for m in desc.get("modules", [])}
    params = {p["name"]: tuple(p["shape"]) for p in desc.get("parameters", [])}
    conv, fc = mods.get("conv"), mods.get("fc")
    if conv is None or fc is None or conv["kind"] != "Conv2d" or fc["kind"] != "Linear":
        raise CheckError(f"{name}: expected the notebook's SimpleCNN(2, 9, 2) (attributes conv and fc); "
                         f"got a {desc.get('type')} with {', '.join(n for n in mods if n) or 'no layers'}.")
    want = {"conv.weight": (2, 1, 9, 9), "conv.bias": (2,), "fc.weight": (2, 2), "fc.bias": (2,)}
    if params != want:
        raise CheckError(f"{name}: the network must be SimpleCNN(2, 9, 2) (conv weight (2, 1, 9, 9), fc weight "
                         f"(2, 2)); got {params.get('conv.weight')} and {params.get('fc.weight')}.")
    h = conv["hyper"]
    if tuple(h.get("padding", ())) != (4, 4) or tuple(h.get("stride", ())) != (1, 1):
        raise CheckError(f"{name}: the conv layer must be the notebook's (padding 4, stride 1); got padding "
                         f"{h.get('padding')}, stride {h.get('stride')}.")


TRAIN_HINT = ("Train with torch.manual_seed(0) before SimpleCNN(2, 9, 2), on 2,000 make_lines images, with "
              "train_classifier's defaults (Adam, lr 0.01, 10 epochs, batches of 50 reach these).")
FIXED_HINT = ("Retrain as Part F does: torch.manual_seed(0) before SimpleCNN(2, 9, 2), on the 2,000 training images "
              "and their modulated copies, with train_classifier's defaults.")


def report(name: str, rows, hint: str = TRAIN_HINT) -> None:
    """Rows (what, value, ">=" or "<=", bound): one line when all hold, else a CheckError naming the misses."""
    fails = [f"{what}: {value:.4f} (needs {op} {bound})" for what, value, op, bound in rows
             if not (value >= bound if op == ">=" else value <= bound)]
    summary = ", ".join(f"{what} {value:.4f}" for what, value, _, _ in rows)
    if fails:
        raise CheckError(f"{name}: " + "; ".join(fails) + f". {hint}")
    print(f"{name}: {summary}: all thresholds met.")


def _measured(accuracy, model, x, y, what) -> float:
    value = call_guarded(accuracy, (model, x, y), name="accuracy", label=what)
    if not _is_float(value) or not 0.0 <= float(value) <= 1.0:
        raise CheckError(f"results: your accuracy returned {_what(value)} on the {what}; the results are measured "
                         "with your accuracy here, so make accuracy_test pass first (the grader measures with its "
                         "own evaluation).")
    return float(value)


def _data(fn, name, n, seed):
    out = call_guarded(fn, (n,), {"seed": seed}, name=name)
    if not isinstance(out, tuple) or len(out) != 2:
        raise CheckError(f"results: {name} returned {_what(out)}; make {name}_test pass first.")
    return out


def _check_results(model, make_lines, make_oriented_textures, modulate, accuracy, n: int = 2000,
                   seed: int = 2024) -> None:
    """The trained network on fresh data from your own functions, with a new seed (the grader uses its own)."""
    name = "results"
    check_architecture(_probe.describe(model), name)
    x, y = _data(make_lines, "make_lines", n, seed)
    xt, yt = _data(make_oriented_textures, "make_oriented_textures", n // 2, seed)
    h = np.asarray(y) == 1
    xm = call_guarded(modulate, (x[h],), name="modulate")
    report(name, [("clean test accuracy", _measured(accuracy, model, x, y, "clean lines"), ">=", CLEAN_MIN),
                  ("out-of-domain (textures) accuracy", _measured(accuracy, model, xt, yt, "textures"), ">=",
                   OOD_MIN),
                  ("accuracy on modulated horizontal lines",
                   _measured(accuracy, model, xm, y[h], "modulated horizontal lines"), "<=", FOOLED_MAX)])


def _check_results_fixed(model, make_lines, modulate, accuracy, n: int = 2000, seed: int = 2025) -> None:
    """The network retrained with modulated images, on fresh data from your own functions."""
    name = "results_fixed"
    check_architecture(_probe.describe(model), name)
    x, y = _data(make_lines, "make_lines", n, seed)
    h = np.asarray(y) == 1
    xm = call_guarded(modulate, (x[h],), name="modulate")
    report(name, [("clean test accuracy", _measured(accuracy, model, x, y, "clean lines"), ">=", CLEAN_MIN),
                  ("accuracy on modulated horizontal lines",
                   _measured(accuracy, model, xm, y[h], "modulated horizontal lines"), ">=", FIXED_MIN)],
           FIXED_HINT)


# ------------------------------------------------------------------ one torch thread while checking

check_make_lines = _single_threaded(check_make_lines)
check_make_oriented_textures = _single_threaded(check_make_oriented_textures)
check_modulate = _single_threaded(check_modulate)
check_accuracy = _single_threaded(check_accuracy)
check_train_classifier = _single_threaded(check_train_classifier)
check_results = _single_threaded(_check_results)
check_results_fixed = _single_threaded(_check_results_fixed)
