"""Mutation tests of the graders of notebook 09_feature_maps.

Every entry of ``autograde_tests/catalogue/feature_maps.py`` runs the way the
notebook runs a solution cell (a fresh namespace with ``np``, ``torch``,
``nn`` and correct versions of the other graded functions); the visible
(``check_<name>``) and hidden (``hidden_<name>``) checks then run in-process.
Every correct alternative must pass, every bug must be killed by a
:class:`CheckError`, and for a sample of bugs the message must name the
mistake.  A summary prints the kill rate per function.

The checks are the grader's (``convgrader``): a local function goes through a
stand-in kernel, with the same requests and wire as in grading.  Two more
tests: a diagnosis must not name an unrelated mistake (``WRONG_DIAGNOSES``),
and the student's visible checks, which replay the stored answer book, must
give the grader's visible verdicts and diagnoses on every entry.
"""
from __future__ import annotations

import pytest

from convcourse.checks.core import CheckError

from autograde_tests.catalogue import feature_maps as cat
from autograde_tests.catalogue.runner import catalogue_tests
from convgrader.checks import feature_maps as checks
from convgrader.hidden import feature_maps as hidden

MIN_BUGS = {"pca_rgb": 7, "receptive_field": 7, "empirical_receptive_field": 7,
            "answer_rf_after_pool": 3, "answer_corner_pixels": 3}

# (function, bug label) -> words the failure message must contain (case-insensitive).
EXPECTED_MESSAGES = {
    ("pca_rgb", "no mean-centring (PCA of the raw pixels)"): ["mean-centred"],
    ("pca_rgb", "all channels rescaled together (one min and max)"): ["each channel on its own"],
    ("pca_rgb", "channels first: returns (3, N, M)"): ["channels first"],
    ("pca_rgb", "components of the smallest eigenvalues (eigh's ascending order)"): ["smallest"],
    ("pca_rgb", "largest three in ascending order (vecs[:, -3:])"): ["not reversed"],
    ("pca_rgb", "eigenvectors taken as rows of eigh's matrix"): ["columns"],
    ("pca_rgb", "no rescaling: the raw projections"): ["outside [0, 1]"],
    ("pca_rgb", "clipped to [0, 1] instead of rescaled"): ["clipped"],
    ("pca_rgb", "a constant channel gives 0/0 = NaN"): ["nan", "constant"],
    ("pca_rgb", "crashes when C < 3 (assumes three components)"): ["raised"],
    ("pca_rgb", "pixels read with features.reshape(-1, C)"): ["reshape"],
    ("pca_rgb", "channels standardised (correlation-matrix PCA)"): ["standard deviation"],
    ("pca_rgb", "forgot to reverse eigh's ascending order (vecs[:, :3])"): ["ascending", "not reversed"],
    ("pca_rgb", "projections scaled to unit variance: all NaN on a constant map"): ["nan", "constant"],
    ("pca_rgb", "centres the input in place through a reshape view"): ["in place"],
    ("pca_rgb", "rescaled per pixel (across R, G, B) instead of per channel"): ["per pixel"],
    ("pca_rgb", "reshaped to (M, N, 3)"): ["swapped"],
    ("pca_rgb", "uses torch.linalg.eigh"): ["numpy alone", "torch"],
    ("pca_rgb", "integer features give an integer image"): ["dtype"],
    ("receptive_field", "stride product includes the current layer"): ["including"],
    ("receptive_field", "dilation ignored"): ["dilation is ignored"],
    ("receptive_field", "dilated span k * d instead of (k - 1) * d + 1"): ["not k * d"],
    ("receptive_field", "dilated span k + d - 1"): ["k + d - 1"],
    ("receptive_field", "strides ignored"): ["strides are ignored"],
    ("receptive_field", "layers processed last-first"): ["last-first"],
    ("receptive_field", "the text's loose rule: multiply the field by each stride"): ["loose rule"],
    ("receptive_field", "sum of the kernel sizes"): ["added up the kernel sizes"],
    ("receptive_field", "starts from 0 instead of 1 pixel"): ["1 pixel"],
    ("receptive_field", "returns the radius"): ["radius"],
    ("receptive_field", "backward recursion without the -1"): ["backward recursion"],
    ("receptive_field", "returns a float (np.prod of the strides)"): ["integer", "int(r)"],
    ("empirical_receptive_field", "only output channel 0"): ["output channel 0"],
    ("empirical_receptive_field", "positive gradients only (grad > 0)"): ["grad != 0"],
    ("empirical_receptive_field", "only input channel 0"): ["input channel 0"],
    ("empirical_receptive_field", "row and column swapped"): ["swapped"],
    ("empirical_receptive_field", "gradient of the whole output"): ["whole output"],
    ("empirical_receptive_field", "forgot requires_grad (x.grad is None)"): ["requires_grad"],
    ("empirical_receptive_field", "random normal input instead of ones"): ["all-ones"],
    ("empirical_receptive_field", "random uniform input instead of ones"): ["all-ones"],
    ("empirical_receptive_field", "all-zeros input"): ["all-ones"],
    ("empirical_receptive_field", "threshold |g| > 1e-6"): ["threshold"],
    ("empirical_receptive_field", "returns the gradient magnitude, not a mask"): ["boolean"],
    ("empirical_receptive_field", "returns a 0/1 float mask"): ["boolean"],
    ("empirical_receptive_field", "one mask per input channel (C, H, W)"): ["any"],
    ("empirical_receptive_field", "keeps the batch axis (1, H, W)"): ["batch axis"],
    ("empirical_receptive_field", "backward leaves gradients in the parameters"): ["left gradients"],
    ("empirical_receptive_field", "switches the model to eval mode and leaves it there"): ["mode"],
    ("empirical_receptive_field", "freezes the parameters and never restores them"): ["requires_grad"],
    ("empirical_receptive_field", "input hard-coded as float32"): ["dtype"],
    ("empirical_receptive_field", "forward pass under torch.no_grad()"): ["no_grad"],
    ("empirical_receptive_field", "backward on a non-scalar (no sum over channels)"): ["scalar"],
    ("empirical_receptive_field", "no batch axis: unbatched (C, H, W) input"): ["batch of one"],
    ("answer_rf_after_pool", "C: the text's loose rule (10)"): ["not the right choice"],
    ("answer_rf_after_pool", "the number 8 instead of a letter"): ["letters"],
    ("answer_corner_pixels", "A: the full 7x7 field (49)"): ["not the right choice"],
}

# (function, bug label) -> words the failure message must NOT contain: a diagnosis that names another mistake.
WRONG_DIAGNOSES = {
    ("pca_rgb", "forgot to reverse eigh's ascending order (vecs[:, :3])"): ["mean-centred"],
    ("pca_rgb", "components of the smallest eigenvalues (eigh's ascending order)"): ["mean-centred"],
    ("pca_rgb", "largest three in ascending order (vecs[:, -3:])"): ["mean-centred"],
}

globals().update(catalogue_tests(cat, checks, hidden, MIN_BUGS, EXPECTED_MESSAGES))


@pytest.mark.parametrize("name, label", list(WRONG_DIAGNOSES))
def test_diagnosis_names_the_right_mistake(name, label):
    """Both checks run on the bug; the message of the first that rejects it names no unrelated mistake."""
    index = [lab for lab, _ in cat.BUGS[name]].index(label)
    outcome = _outcome(name, index)
    for word in WRONG_DIAGNOSES[(name, label)]:
        assert word.lower() not in outcome.lower(), f"bug {label!r} was diagnosed as another mistake:\n{outcome}"


def _namespace(source: str, name: str) -> dict:
    import numpy as np
    import torch

    ns = {"np": np, "torch": torch, "nn": torch.nn, "__name__": "__main__"}
    for other in cat.FUNCTIONS:
        if other != name:
            exec(cat.CORRECT[other][0][1], ns)  # noqa: S102
    exec(source, ns)  # noqa: S102
    return ns


def _outcome(name: str, index: int) -> str:
    ns = _namespace(cat.BUGS[name][index][1], name)
    for check in (getattr(checks, f"check_{name}"), getattr(hidden, f"hidden_{name}")):
        try:
            check(ns[name])
        except CheckError as e:
            return str(e)
    raise AssertionError(f"{cat.BUGS[name][index][0]!r} passed both checks")



def _verdict(check, fn) -> tuple | None:
    """None when the check passes, else the error's type and its diagnosis and hint lines."""
    try:
        check(fn)
    except CheckError as e:
        keep = ("  This looks like", "  This matches", "  - ", "  Hint:")
        return type(e).__name__, [line for line in str(e).splitlines() if line.startswith(keep)]
    return None


@pytest.mark.parametrize("name, kind, index", [
    pytest.param(name, kind, i, id=f"{name}:{kind}:{label}") for name in cat.FUNCTIONS
    for kind, table in (("bug", cat.BUGS), ("correct", cat.CORRECT)) for i, (label, _) in enumerate(table[name])])
def test_visible_answer_book_agrees_with_the_grader(name, kind, index):
    """The student's visible check (the answer book replayed) gives the grader's visible verdict and diagnosis
    (the grader calls through a stand-in kernel, so a value's description may differ: np.float64 arrives as
    a float)."""
    from convcourse.checks import feature_maps as student

    source = (cat.BUGS if kind == "bug" else cat.CORRECT)[name][index][1]
    grader_says = _verdict(getattr(checks, f"check_{name}"), _namespace(source, name)[name])
    student_says = _verdict(getattr(student, f"check_{name}"), _namespace(source, name)[name])
    assert student_says == grader_says
