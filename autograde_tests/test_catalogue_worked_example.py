"""Mutation tests of the graders of notebook 08_worked_example.

Every entry of ``autograde_tests/catalogue/worked_example.py`` is executed the way the notebook executes
a solution cell (a fresh namespace with ``np``, ``torch``, ``nn`` and correct versions of the other graded
functions); the visible check (``check_<name>``) and the hidden check (``hidden_<name>``) then run
in-process. Every correct alternative must pass, every bug must be killed by a ``CheckError``, and for a
sample of bugs the message must name the mistake (see ``catalogue/runner.py``).

The Results checks are tested at the end: the course's pipeline (reference generators, SimpleCNN(2, 9, 2)
seeded with 0, the reference train_classifier's defaults) passes them, and networks that must fail do.
"""
from __future__ import annotations

import contextlib
import io

import numpy as np
import pytest
import torch

from autograde_tests.catalogue import worked_example as cat
from autograde_tests.catalogue.runner import catalogue_tests
from convcourse.checks import worked_example as visible
from convcourse.checks.core import CheckError
from convgrader.checks import worked_example as checks
from convgrader.hidden import worked_example as hidden
from convgrader.remote import local_notebook

MIN_BUGS = {name: 7 for name in cat.FUNCTIONS}

# (function, bug label) -> words the failure message must contain (case-insensitive).
EXPECTED_MESSAGES = {
    ("make_lines", "labels swapped (0 = horizontal)"): ["swapped"],
    ("make_lines", "random labels: classes unbalanced"): ["at most"],
    ("make_lines", "noise added to the profile before broadcasting"): ["every pixel"],
    ("make_lines", "seed ignored: np.random's global state"): ["same seed"],
    ("make_lines", "noise standard deviation read as a variance"): ["standard deviation"],
    ("make_lines", "float64 images (np.zeros' default dtype)"): ["float32"],
    ("make_lines", "labels stored in a float array"): ["int64"],
    ("make_lines", "zero lines possible: rng.integers(0, ...)"): ["at least one line"],
    ("make_lines", "uniform noise instead of Gaussian"): ["gaussian"],
    ("make_lines", "one noise image added to every image"): ["same noise"],
    ("train_classifier", "returns loss tensors (no .item())"): [".item()"],
    ("train_classifier", "optimizer.zero_grad() missing"): ["zero_grad"],
    ("train_classifier", "optimizer.step() missing"): ["step()"],
    ("train_classifier", "seed ignored: global torch.randperm"): ["seed"],
    ("train_classifier", "last batch's loss instead of the epoch mean"): ["lr=0"],
    ("train_classifier", "sum of the batch losses"): ["summed the batch losses"],
    ("train_classifier", "one epoch too few (range(epochs - 1))"): ["one per epoch"],
    ("train_classifier", "batch_size ignored: full-batch steps"): ["batch_size"],
    ("train_classifier", "trains a copy of the model"): ["copy"],
    ("train_classifier", "normalises the data in place"): ["in place"],
    ("train_classifier", "sum-reduced loss"): ["reduction='sum'"],
    ("accuracy", "returns a tensor (no .item())"): [".item()"],
    ("accuracy", "number correct instead of the fraction"): ["divide"],
    ("accuracy", "no channel axis"): ["channel axis"],
    ("accuracy", "x not cast to the model's dtype"): ["raised"],
    ("accuracy", "error rate instead of accuracy"): ["error rate"],
    ("accuracy", "argmax over the batch axis"): ["argmax"],
    ("modulate", "modulates along the rows"): ["rows"],
    ("modulate", "sin instead of cos"): ["sin"],
    ("modulate", "factor 2 missing"): ["factor 2"],
    ("modulate", "period ignored (always 6)"): ["period"],
    ("modulate", "multiplies x in place"): ["in place"],
    ("modulate", "float32 in, float64 out"): ["float32"],
    ("modulate", "column index starting at 1"): ["starts at 1"],
    ("modulate", "integer input stays integer"): ["dtype"],
    ("make_oriented_textures", "labels swapped (long blur along the columns for label 0)"): ["swapped"],
    ("make_oriented_textures", "perfect lines: the long blur is infinite"): ["no lines"],
    ("make_oriented_textures", "only label 0"): ["both labels"],
    ("make_oriented_textures", "seed ignored: np.random's global state"): ["same seed"],
    ("make_oriented_textures", "isotropic blur: no orientation"): ["95%"],
}

globals().update(catalogue_tests(cat, checks, hidden, MIN_BUGS, EXPECTED_MESSAGES))


# ------------------------------------------------------------------ the Results checks

def _reference(name):
    ns = {"np": np, "torch": torch, "nn": torch.nn}
    exec(dict(cat.CORRECT[name])[cat.CORRECT[name][0][0]], ns)  # noqa: S102
    return ns[name]


def _train(seed, x, y):
    torch.manual_seed(seed)
    model = checks.Replica(2, 9, 2)
    with contextlib.redirect_stdout(io.StringIO()):
        _reference("train_classifier")(model, x, y)
    return model


@pytest.fixture(scope="module")
def trained():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        x, y = hidden.reference_make_lines(2000, seed=0)
        xm = _reference("modulate")(x)
        model = _train(0, x, y)
        fixed = _train(0, np.concatenate([x, xm]), np.concatenate([y, y]))
        same = _train(2, x, y)   # both channels tuned to the same orientation
        yield {"model": model, "fixed": fixed, "same": same}
    finally:
        torch.set_num_threads(threads)


def test_results_pass_for_the_course_pipeline(trained):
    lines, textures = _reference("make_lines"), _reference("make_oriented_textures")
    modulate, accuracy = _reference("modulate"), _reference("accuracy")
    visible.check_results(trained["model"], lines, textures, modulate, accuracy)
    hidden.hidden_results(trained["model"])
    visible.check_results_fixed(trained["fixed"], lines, modulate, accuracy)
    hidden.hidden_results_fixed(trained["fixed"])


def test_results_reject_networks_that_miss_a_threshold(trained):
    with pytest.raises(CheckError, match="out-of-domain"):
        hidden.hidden_results(trained["same"])                # clean lines fine, textures at chance
    with pytest.raises(CheckError, match="modulated horizontal lines"):
        hidden.hidden_results(trained["fixed"])               # no longer fooled
    with pytest.raises(CheckError, match="modulated horizontal lines"):
        hidden.hidden_results_fixed(trained["model"])         # still fooled
    torch.manual_seed(0)
    with pytest.raises(CheckError, match="clean test accuracy"):
        hidden.hidden_results(checks.Replica(2, 9, 2))        # untrained
    with pytest.raises(CheckError, match="SimpleCNN"):
        hidden.hidden_results(checks.Replica(4, 9, 2))        # another architecture
    with pytest.raises(CheckError, match="SimpleCNN"):
        hidden.hidden_results(np.zeros(3))                    # not a network


def test_visible_results_use_the_students_functions(trained):
    lines, textures = _reference("make_lines"), _reference("make_oriented_textures")
    modulate, accuracy = _reference("modulate"), _reference("accuracy")
    with pytest.raises(CheckError, match="accuracy_test"):
        visible.check_results(trained["model"], lines, textures, modulate,
                              lambda model, x, y: 100 * accuracy(model, x, y))
    with pytest.raises(CheckError, match="modulated horizontal lines"):
        visible.check_results_fixed(trained["model"], lines, modulate, accuracy)


def test_results_read_the_network_from_the_kernel(trained):
    """The grader's path: the weights of the notebook's variables, asked of the kernel (here a stand-in)."""
    nb = local_notebook({"model": trained["model"], "model_fixed": trained["fixed"], "other": trained["same"]})
    hidden.hidden_results(nb)
    hidden.hidden_results_fixed(nb)
    with pytest.raises(CheckError, match="not defined"):
        hidden.hidden_results(local_notebook({}))
    with pytest.raises(CheckError, match="SimpleCNN"):
        hidden.hidden_results_fixed(local_notebook({"model_fixed": "not a network"}))
