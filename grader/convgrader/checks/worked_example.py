"""The grader's checks for notebook 08_worked_example (chapter §24.5, horizontal vs vertical lines).

Every student function runs in the notebook's kernel; what comes back is
plain data, judged here.

* ``make_lines`` / ``make_oriented_textures``: the spec's properties
  (:mod:`convcourse.checks.worked_example` holds those measurements; they
  compute no answer), on the data the kernel sends back.
* ``modulate`` and ``accuracy``: compared with references computed here (the
  expected accuracy from a forward pass of the test network in this process),
  with the known mistakes' answers; the visible cases go into the answer book.
* ``train_classifier``: the grader hands the kernel small test networks
  (``{"__model__": spec, "as": handle}``), the student's function trains them
  there, and their weights come back (``nb.attach(handle).state()``): with
  ``lr=0`` every epoch's loss must be the mean cross-entropy computed here;
  on a network whose bias gets the same gradient on every batch the bias's
  displacement counts the Adam steps; two runs with one seed must agree; with
  the defaults the loss must fall (and, in the hidden cases, the network must
  learn the line images, measured here).
* Results: the notebook's trained ``model`` / ``model_fixed`` are read as
  weights from the kernel (``Notebook.adopt``), loaded into this module's own
  replica of ``SimpleCNN(2, 9, 2)`` and measured here on fresh images from the
  course's generators (:mod:`convgrader.hidden.worked_example`).
"""
from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from convcourse import probe, wire
from convcourse.checks import worked_example as visible
from convcourse.checks.core import Case, CheckError, Mistake, Recorder, call_guarded, check_function, judge_call
from convcourse.checks.core import single_threaded as _single_threaded

from ..remote import Notebook, RemoteFunction, as_notebook

__all__ = [
    "check_make_lines", "check_make_oriented_textures", "check_modulate", "check_accuracy",
    "check_train_classifier", "cases_modulate", "cases_accuracy", "plan_train_classifier",
    "tiny_spec", "mean_threshold_spec", "counter_spec", "evaluate", "evaluate_spec", "modulated",
    "Replica", "trained_network", "results_rows", "fixed_rows", "TRAIN_TIMEOUT", "GPU_CHECKS",
]

TRAIN_TIMEOUT = 60.0     # seconds for one call of train_classifier in the kernel

# The kernel builds the test networks handed to a student's function on the CPU (convcourse.testobjects.model
# takes no device) and reports no parameter devices, so where a model is trained or evaluated is not checked
# here; on a machine with a GPU a device mix-up shows only in the notebook's own runs (and in its Results).
GPU_CHECKS = False


def _fn(target, name: str, timeout: float | None = None):  # noqa: ANN001
    """The callable a check calls: the grader's handle on the kernel's function (with ``timeout``), a
    Recorder, or, for a function given directly (the test catalogue), a handle on it in this process."""
    if isinstance(target, Recorder):
        return target
    if isinstance(target, RemoteFunction):
        return target.notebook.function(target.__name__, timeout=timeout) if timeout else target
    if isinstance(target, Notebook):
        return target.function(name, timeout=timeout)
    return as_notebook(target, name).function(name, timeout=timeout)


def _no_book() -> list:
    """A property check: nothing to store (the visible check measures the student's own data)."""
    return []


# ------------------------------------------------------------------ make_lines, make_oriented_textures

def check_make_lines(target, cases=None) -> None:
    """The spec's properties of make_lines(n, size=32, seed=0, noise=0.0) on each case."""
    visible.check_make_lines(_fn(target, "make_lines"), cases)


def check_make_oriented_textures(target, cases=None) -> None:
    """The spec's properties of make_oriented_textures(n, size=32, seed=0) on each case."""
    visible.check_make_oriented_textures(_fn(target, "make_oriented_textures"), cases)


# ------------------------------------------------------------------ modulate

def _carrier(M: int, period) -> np.ndarray:
    """cos(2 pi m / period) for the M columns, float64."""
    return np.cos(np.arange(M) * (2.0 * np.pi / float(period)))


def modulated(x, period=6) -> np.ndarray:
    """The reference: every image times cos(2 pi m / period) along its columns m, float64."""
    x = np.asarray(x.array if isinstance(x, wire.Tensor) else x, dtype=np.float64)
    return x * _carrier(x.shape[-1], period)


def _rows_mod(x, period=6):
    xd = np.asarray(x, dtype=np.float64)
    return xd * np.cos(2 * np.pi * np.arange(xd.shape[-2])[:, None] / period)


def _cols(x, f):
    xd = np.asarray(x, dtype=np.float64)
    return f(xd, np.arange(xd.shape[-1]))


MODULATE_MISTAKES = [
    Mistake("you modulated along the rows n (the axis -2); the carrier varies along the columns m (the last "
            "axis), so that horizontal lines keep their direction but their spectrum moves sideways.", _rows_mod),
    Mistake("you used sin instead of cos.",
            lambda x, period=6: _cols(x, lambda xd, m: xd * np.sin(2 * np.pi * m / period))),
    Mistake("the factor 2 is missing: cos(2*pi*m/period) (period 6 gives the text's cos(pi*n/3)).",
            lambda x, period=6: _cols(x, lambda xd, m: xd * np.cos(np.pi * m / period))),
    Mistake("the period argument is ignored (always 6).",
            lambda x, period=6: _cols(x, lambda xd, m: xd * np.cos(2 * np.pi * m / 6))),
    Mistake("the column index starts at 1; the first column (m = 0) is multiplied by cos(0) = 1.",
            lambda x, period=6: _cols(x, lambda xd, m: xd * np.cos(2 * np.pi * (m + 1) / period))),
    Mistake("the angle is in degrees; np.cos takes radians: 2*pi*m/period.",
            lambda x, period=6: _cols(x, lambda xd, m: xd * np.cos(360.0 * m / period))),
    Mistake("you added the carrier instead of multiplying by it.",
            lambda x, period=6: _cols(x, lambda xd, m: xd + np.cos(2 * np.pi * m / period))),
    Mistake("you returned the carrier only, not the image times the carrier.",
            lambda x, period=6: _cols(x, lambda xd, m: np.broadcast_to(np.cos(2 * np.pi * m / period),
                                                                       xd.shape).copy())),
]


def cases_modulate(seed: int = 0) -> list[Case]:
    rng = np.random.default_rng(seed)
    hand = np.ones((1, 2, 7), dtype=np.float64)
    return [
        Case((hand,), label="hand example: ones(1, 2, 7), period 6 -> rows [1, .5, -.5, -1, -.5, .5, 1]"),
        Case((rng.normal(size=(3, 5, 9)).astype(np.float32),), label="float32 batch, 5x9 images"),
        Case((rng.normal(size=(6, 10)),), {"period": 4}, label="one 6x10 image, period=4"),
        Case((rng.normal(size=(2, 8, 8)), 5), label="period 5 passed positionally"),
    ]


def check_modulate(target, cases=None) -> int:
    """modulate(x, period=6): values (and the known mistakes), then x's floating dtype kept."""
    fn = _fn(target, "modulate")
    cases = cases_modulate() if cases is None else cases
    count = check_function(fn, cases, reference=modulated, name="modulate", mistakes=MODULATE_MISTAKES,
                           shape_formula="x's shape", quiet=True)
    if isinstance(fn, Recorder):
        return count
    for case in cases:
        got = call_guarded(fn, case.args, case.kwargs, name="modulate", label=case.label)
        visible.modulate_dtype(got, case.args[0], label=case.label)
    print(f"modulate: all {len(cases)} checks passed.")
    return count


# ------------------------------------------------------------------ test networks (specs for the kernel)

def tiny_spec(seed: int, kernel_size: int = 3, dtype: str = "float32") -> dict:
    """conv (1 -> 2, k x k, same padding) -> relu -> global average pool -> linear (2 -> 2): the architecture of
    SimpleCNN, with the initial weights torch draws after ``torch.manual_seed(seed)`` (SimpleCNN's too)."""
    layers = [["conv", 1, 2, int(kernel_size)], ["relu"], ["gap"], ["linear", 2, 2]]
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = probe.build({"layers": layers})
    return {"layers": layers, "state": probe.state(model), "dtype": dtype}


def mean_threshold_spec(t: float = 0.5) -> dict:
    """Predicts class 1 when an image's mean exceeds ``t``: logits ``[t - mean, mean - t]``."""
    return {"layers": [["gap"], ["linear", 1, 2]],
            "state": {"1.weight": np.array([[-1.0], [1.0]]), "1.bias": np.array([t, -t])}, "dtype": "float32"}


def counter_spec() -> dict:
    """Logits ``w * mean(x) + b`` with ``b = [0, 30]``: on images of mean 0 labelled 0, every batch's mean
    cross-entropy has the gradient [-1, 1] with respect to b (the softmax is saturated), whatever the batch."""
    return {"layers": [["gap"], ["linear", 1, 2]],
            "state": {"1.weight": np.array([[0.5], [-0.5]]), "1.bias": np.array([0.0, 30.0])}, "dtype": "float32"}


def _model_of(spec):
    if isinstance(spec, dict) and "__model__" in spec:
        spec = spec["__model__"]
    return probe.build(spec)


def _array(v) -> np.ndarray:
    return np.asarray(v.array if isinstance(v, wire.Tensor) else v)


def _logits(spec, x) -> np.ndarray:
    model = _model_of(spec)
    p = next(model.parameters())
    with torch.no_grad():
        return model(torch.as_tensor(_array(x)).to(dtype=p.dtype)[:, None]).double().numpy()


def evaluate_spec(spec, x, y) -> float:
    """Fraction of images whose argmax logit (of the test network ``spec``) is their label."""
    return float((_logits(spec, x).argmax(axis=1) == _array(y)).mean())


def evaluate(model, x, y, batch: int = 2000) -> float:
    """Fraction of images of ``x`` (numpy ``(n, N, M)``) whose argmax logit is ``y``, for a model held here."""
    p = next(model.parameters())
    correct = 0
    with torch.no_grad():
        for s in range(0, len(x), batch):
            xb = torch.as_tensor(np.ascontiguousarray(x[s:s + batch])).to(device=p.device, dtype=p.dtype)[:, None]
            pred = model(xb).argmax(dim=1).cpu().numpy()
            correct += int((pred == np.asarray(y[s:s + batch])).sum())
    return correct / len(x)


def _mean_ce(spec, x, y) -> float:
    logits = torch.as_tensor(_logits(spec, x))
    return float(torch.nn.functional.cross_entropy(logits, torch.as_tensor(_array(y)).long()).item())


# ------------------------------------------------------------------ accuracy

def _acc_mistakes() -> list[Mistake]:
    def count(model, x, y):
        return evaluate_spec(model, x, y) * len(_array(x))

    def sign_rule(model, x, y):
        return float(((_logits(model, x)[:, 1] > 0).astype(np.int64) == _array(y)).mean())

    def error_rate(model, x, y):
        return 1.0 - evaluate_spec(model, x, y)

    out = [Mistake("That is the number of correct predictions: divide by the number of images.", count),
           Mistake("That is the accuracy of 'class 1 when its logit is positive'; the prediction is the class "
                   "with the largest logit, model(x).argmax(dim=1).", sign_rule),
           Mistake("That is the error rate (1 - accuracy): compare the predictions with y using ==.", error_rate)]
    for k in (1, 2, 3, 4):
        out.append(Mistake("Do not round: return the exact fraction.",
                           lambda model, x, y, k=k: round(evaluate_spec(model, x, y), k)))
    return out


ACCURACY_MISTAKES = _acc_mistakes()


def accuracy_case(label: str, spec: dict, x, y) -> Case:
    return Case(({"__model__": spec}, x, y), label=label, expected=evaluate_spec(spec, x, y))


def cases_accuracy(seed: int = 0) -> list[Case]:
    means = np.array([0.1, 0.9, 0.2, 0.8, 0.6, 0.3])
    x_hand = (np.ones((6, 4, 4)) * means[:, None, None]).astype(np.float32)
    y_hand = np.array([0, 1, 1, 1, 0, 0], dtype=np.int64)
    rng = np.random.default_rng(seed)
    x1 = rng.normal(size=(50, 8, 8)).astype(np.float32)
    y1 = rng.integers(0, 2, size=50).astype(np.int64)
    x2 = rng.normal(size=(37, 6, 10)).astype(np.float32)
    y2 = rng.integers(0, 2, size=37).astype(np.int64)
    return [
        accuracy_case("hand example: 4 of 6 right -> 0.6667", mean_threshold_spec(0.5), x_hand, y_hand),
        accuracy_case("random images, a small CNN", tiny_spec(seed + 1), x1, y1),
        accuracy_case("torch tensors in", tiny_spec(seed + 2), wire.Tensor(x1, "torch.float32"),
                      wire.Tensor(y1, "torch.int64")),
        accuracy_case("a float64 (double) model: cast x to the model's dtype", tiny_spec(seed + 3, dtype="float64"),
                      x2, y2),
    ]


def _check_accuracy(target, cases=None) -> int:
    """accuracy(model, x, y): a Python float, the fraction of argmax predictions equal to y."""
    fn = _fn(target, "accuracy")
    cases = cases_accuracy() if cases is None else cases
    if not isinstance(fn, Recorder):
        for case in cases:
            got = call_guarded(fn, case.args, case.kwargs, name="accuracy", label=case.label)
            visible.accuracy_type(got, label=case.label)
    return check_function(fn, cases, name="accuracy", mistakes=ACCURACY_MISTAKES, floating=False)


check_accuracy = visible.with_hint(_check_accuracy, visible.accuracy_hint)


# ------------------------------------------------------------------ train_classifier

def _random_problem(n, size, seed):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, size, size)).astype(np.float32), rng.integers(0, 2, size=n).astype(np.int64)


def easy_problem(n: int = 200, size: int = 12, seed: int = 0):
    """Class 0: bright images, class 1: dark images (plus noise): easy for any small CNN."""
    rng = np.random.default_rng(seed)
    y = (np.arange(n) % 2).astype(np.int64)
    rng.shuffle(y)
    x = (np.where(y == 0, 1.0, -1.0)[:, None, None] + 0.3 * rng.normal(size=(n, size, size))).astype(np.float32)
    return x, y


def counter_images(n: int, size: int, seed: int):
    """Images of +1 and -1 pixels, as many of each (mean exactly 0), all labelled 0."""
    rng = np.random.default_rng(seed)
    half = size * size // 2
    base = np.array([1.0] * half + [-1.0] * half + [0.0] * (size * size - 2 * half), dtype=np.float32)
    x = np.stack([rng.permutation(base) for _ in range(n)]).reshape(n, size, size)
    return x, np.zeros(n, dtype=np.int64)


def _maybe_tensors(x, y, torch_inputs: bool):
    if torch_inputs:
        return wire.Tensor(x, "torch.float32"), wire.Tensor(y, "torch.int64")
    return x, y


def lr0_entry(n, size, batch_size, epochs, seed, torch_inputs=False) -> dict:
    x, y = _random_problem(n, size, seed)
    spec = tiny_spec(seed)
    xs, ys = _maybe_tensors(x, y, torch_inputs)
    return {"kind": "lr0", "label": f"lr=0: {n} images, batch_size={batch_size}, epochs={epochs}"
                                    + (", torch tensors in" if torch_inputs else ""),
            "model": spec, "x": xs, "y": ys,
            "kwargs": {"epochs": epochs, "lr": 0.0, "batch_size": batch_size, "seed": seed},
            "expect": {"loss": _mean_ce(spec, x, y), "epochs": epochs, "n": n, "batch_size": batch_size}}


def steps_entry(n, size, batch_size, epochs, seed, lr=0.05, torch_inputs=False, defaults=False) -> dict:
    x, y = counter_images(n, size, seed)
    xs, ys = _maybe_tensors(x, y, torch_inputs)
    if defaults:
        kwargs, (epochs, lr, batch_size) = {}, (10, 0.01, 50)
        label = f"the defaults (epochs=10, lr=0.01, batch_size=50) on {n} images"
    else:
        kwargs = {"epochs": epochs, "lr": lr, "batch_size": batch_size, "seed": seed}
        label = f"steps: {n} images of {size}x{size}, batch_size={batch_size}, epochs={epochs}, lr={lr}" + \
            (", torch tensors in" if torch_inputs else "")
    return {"kind": "steps", "label": label, "model": counter_spec(), "x": xs, "y": ys, "kwargs": kwargs,
            "expect": {"param": "1.bias", "index": 0, "lr": lr, "epochs": epochs, "n": n, "batch_size": batch_size,
                       "full": epochs * math.ceil(n / batch_size), "floor": epochs * (n // batch_size),
                       "defaults": bool(defaults)}}


def determinism_entry(n, size, batch_size, epochs, seed) -> dict:
    x, y = easy_problem(n, size, seed + 7)
    return {"kind": "determinism", "label": f"determinism: seed={seed}, twice", "model": tiny_spec(seed + 11),
            "x": x, "y": y, "kwargs": {"epochs": epochs, "lr": 0.05, "batch_size": batch_size, "seed": seed},
            "expect": {"epochs": epochs}}


def decrease_entry(x, y, spec, what, min_accuracy=None) -> dict:
    entry = {"kind": "decrease", "label": f"default epochs / lr / batch_size on {what}", "model": spec,
             "x": x, "y": y, "kwargs": {}, "expect": {"epochs": 10}}
    if min_accuracy is not None:
        entry["min_accuracy"] = min_accuracy
    return entry


def plan_train_classifier() -> list[dict]:
    """The visible checks of train_classifier, in order (what the answer book stores)."""
    x, y = easy_problem(200, 8, seed=4)
    return [
        lr0_entry(n=8, size=6, batch_size=4, epochs=3, seed=0),
        steps_entry(n=10, size=8, batch_size=4, epochs=2, seed=1),
        steps_entry(n=12, size=8, batch_size=5, epochs=2, seed=2, torch_inputs=True),
        determinism_entry(n=20, size=8, batch_size=6, epochs=2, seed=3),
        steps_entry(n=200, size=6, batch_size=50, epochs=10, seed=5, defaults=True),
        decrease_entry(x, y, tiny_spec(4), "an easy problem (bright vs dark images)"),
    ]


class _KernelTraining:
    """Runs one plan entry in the notebook's kernel: the test network goes there as a spec, its weights
    come back after the student's function trained it."""

    def __init__(self, fn: RemoteFunction):
        self.fn, self.nb, self.count = fn, fn.notebook, 0

    def __call__(self, entry: dict, label: str):
        self.count += 1
        handle = f"train_classifier:{self.count}"
        args = ({"__model__": entry["model"], "as": handle}, entry["x"], entry["y"])
        kwargs = dict(entry["kwargs"])
        report = self.fn.invoke(args, kwargs)
        losses = judge_call(report, name="train_classifier", label=label,
                            args=({"__model__": entry["model"]},) + args[1:], kwargs=kwargs)
        after = None
        if entry["kind"] in ("steps", "determinism") or "min_accuracy" in entry:     # the weights are judged
            after = self.nb.attach(handle, "train_classifier's test network").state()
        return losses, entry["model"]["state"], after


def _accuracy_after(entry: dict, after: dict) -> float:
    spec = dict(entry["model"], state=after)
    return evaluate_spec(spec, entry["x"], entry["y"])


def check_train_classifier(target, plan=None) -> int:
    """train_classifier(model, x, y, epochs, lr, batch_size, seed), on test networks trained in the kernel."""
    fn = _fn(target, "train_classifier", timeout=TRAIN_TIMEOUT)
    plan = plan_train_classifier() if plan is None else plan
    train = _KernelTraining(fn)
    name = "train_classifier"
    for entry in plan:
        if entry["kind"] == "decrease" and "min_accuracy" in entry:
            where = f" ({entry['label']})"
            losses, _, after = train(entry, entry["label"])
            visible.losses_ok(losses, entry["expect"]["epochs"], name, where)
            visible.judge_decrease(losses, name, where)
            acc = _accuracy_after(entry, after)
            if acc < entry["min_accuracy"]:
                raise CheckError(f"{name}{where}: after training with your defaults the model classifies only "
                                 f"{acc:.1%} of its training images correctly; expected at least "
                                 f"{entry['min_accuracy']:.0%} on this problem.")
            continue
        visible.judge_training(entry, train, name)
    print(f"{name}: all {len(plan)} checks passed (losses per epoch, lr=0, steps per batch and epoch, zero_grad, "
          "torch inputs, data unchanged, seed, defaults).")
    return len(plan)


def book_train_classifier() -> list[dict]:
    """The visible answer book's train_classifier entries."""
    return plan_train_classifier()


# ------------------------------------------------------------------ results: the notebook's trained networks

class Replica(nn.Module):
    """The notebook's SimpleCNN(2, 9, 2), held here: conv (1 -> 2, 9 x 9, padding 4) -> relu -> mean -> fc."""

    def __init__(self, channels=2, kernel_size=9, num_classes=2):
        super().__init__()
        self.conv = nn.Conv2d(1, channels, kernel_size, padding=kernel_size // 2)
        self.fc = nn.Linear(channels, num_classes)

    def forward(self, x):
        return self.fc(F.relu(self.conv(x)).mean(dim=(2, 3)))


def trained_network(target, variable: str):
    """The notebook's trained network ``variable`` as a :class:`Replica` held here, with its weights.

    ``target`` is the grader's notebook handle: the kernel reports the structure and the weights of the
    module that variable holds (``Notebook.adopt``). For the test catalogue it is the network itself, reached
    the same way through a stand-in kernel in this process.
    """
    nb = target if isinstance(target, Notebook) else as_notebook(target, variable)
    held = nb.adopt(variable, label=variable)
    try:
        visible.check_architecture(held.description, variable)
        state = held.state()
    finally:
        nb.session.request({"op": "module", "handle": held.handle, "action": "drop"}, nb.call_timeout)
    model = Replica(2, 9, 2)
    try:
        probe.load(model, {k: state[k] for k in ("conv.weight", "conv.bias", "fc.weight", "fc.bias")})
    except (KeyError, ValueError, TypeError) as e:
        raise CheckError(f"{variable}: its weights do not fit SimpleCNN(2, 9, 2) ({e}).") from None
    if not all(np.isfinite(np.asarray(v, dtype=np.float64)).all() for v in state.values()):
        raise CheckError(f"{variable}: its weights contain NaN or infinite values (training diverged).")
    return model.eval()


def results_rows(model, x, y, xt, yt):
    h = y == 1
    return [("clean test accuracy", evaluate(model, x, y), ">=", visible.CLEAN_MIN),
            ("out-of-domain (textures) accuracy", evaluate(model, xt, yt), ">=", visible.OOD_MIN),
            ("accuracy on modulated horizontal lines", evaluate(model, modulated(x[h]).astype(np.float32), y[h]),
             "<=", visible.FOOLED_MAX)]


def fixed_rows(model, x, y):
    h = y == 1
    return [("clean test accuracy", evaluate(model, x, y), ">=", visible.CLEAN_MIN),
            ("accuracy on modulated horizontal lines", evaluate(model, modulated(x[h]).astype(np.float32), y[h]),
             ">=", visible.FIXED_MIN)]


# ------------------------------------------------------------------ one torch thread while checking

check_make_lines = _single_threaded(check_make_lines)
check_make_oriented_textures = _single_threaded(check_make_oriented_textures)
check_modulate = _single_threaded(check_modulate)
check_accuracy = _single_threaded(check_accuracy)
check_train_classifier = _single_threaded(check_train_classifier)

check_make_lines.book = _no_book
check_make_oriented_textures.book = _no_book
check_train_classifier.book = book_train_classifier
