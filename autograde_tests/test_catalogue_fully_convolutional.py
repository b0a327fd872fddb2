"""Mutation tests of the graders of notebook 10_fully_convolutional.

Every entry of ``autograde_tests/catalogue/fully_convolutional.py`` runs the way the notebook runs a solution
cell (a fresh namespace with ``np``, ``torch``, ``nn`` and correct versions of the other graded names); the
visible (``check_<name>``) and hidden (``hidden_<name>``) checks then run in-process. Every correct alternative
must pass, every bug must be killed by a :class:`CheckError`, and for a sample of bugs the message must name
the mistake. A summary prints the kill rate per graded name.

The checks are the grader's (``convgrader``): a local class or function goes through a stand-in kernel, with
the same requests and wire as in grading. Two more tests: a diagnosis must not name an unrelated mistake
(``WRONG_DIAGNOSES``), and the student's visible checks, which replay the stored answer book, must give the
grader's visible verdicts and diagnoses on every entry.
"""
from __future__ import annotations

import pytest

from autograde_tests.catalogue import fully_convolutional as cat
from autograde_tests.catalogue.runner import catalogue_tests
from convcourse.checks.core import CheckError
from convgrader.checks import fully_convolutional as checks
from convgrader.hidden import fully_convolutional as hidden

MIN_BUGS = {"FCN": 7, "patchwise_apply": 7, "translate": 5, "equivariance_error": 5, "answer_stride_shifts": 3}

# (name, bug label) -> words the failure message must contain (case-insensitive).
EXPECTED_MESSAGES = {
    ("FCN", "the text's erratum: the second conv reads x"): ["erratum", "h = relu(conv1(x))"],
    ("FCN", "the erratum made to run: conv2 built for the input channels and applied to x"): ["erratum"],
    ("FCN", "softmax inside forward"): ["softmax", "logits"],
    ("FCN", "log_softmax inside forward"): ["log"],
    ("FCN", "the text's softmax exp(-z) inside forward"): ["e^{-tau z}"],
    ("FCN", "sigmoid on the output"): ["sigmoid"],
    ("FCN", "softmax over the wrong axis (dim=-1)"): ["softmax", "logits"],
    ("FCN", "relu missing"): ["relu", "missing"],
    ("FCN", "relu on the output too"): ["negative"],
    ("FCN", "tanh instead of relu"): ["tanh"],
    ("FCN", "no padding in either conv"): ["neither convolution pads"],
    ("FCN", "padding only in the first conv"): ["one of the convolutions"],
    ("FCN", "padding=1 hard-coded (kernel_size 5 breaks)"): ["kernel_size // 2"],
    ("FCN", "second conv 1x1"): ["kernel_size"],
    ("FCN", "reflect padding"): ["zeros"],
    ("FCN", "circular padding in the second conv"): ["zeros"],
    ("FCN", "convs without bias"): ["bias"],
    ("FCN", "second conv's bias ignored in forward"): ["bias"],
    ("FCN", "default hidden=8"): ["hidden = 16"],
    ("FCN", "forward under torch.no_grad()"): ["no gradient"],
    ("FCN", "first layer detached"): ["no gradient"],
    ("FCN", "layers kept in a plain list"): ["plain python list"],
    ("FCN", "super().__init__() missing"): ["super().__init__()"],
    ("FCN", "squeezes the batch axis"): ["batch axis"],
    ("FCN", "channels-last output"): ["channels-last"],
    ("FCN", "global average pooling at the end (a classifier)"): ["pooled"],
    ("FCN", "extra batch-norm layer"): ["extra parameters"],
    ("FCN", "stride 2 in the first conv, upsampled back"): ["stride"],
    ("FCN", "skip connection: adds the input"): ["skip"],
    ("FCN", "three convs (an extra hidden layer)"): ["exactly two"],
    ("patchwise_apply", "returns model(x)"): ["model(x)", "border"],
    ("patchwise_apply", "pads once and runs the whole network"): ["on its own"],
    ("patchwise_apply", "pads with rf instead of rf // 2"): ["rf // 2"],
    ("patchwise_apply", "patches of side 2*rf + 1 (rf taken as the radius)"): ["radius"],
    ("patchwise_apply", "centre off by one (rf // 2 + 1)"): ["centre"],
    ("patchwise_apply", "value read at the patch's corner"): ["corner"],
    ("patchwise_apply", "reflect padding"): ["reflection"],
    ("patchwise_apply", "replicate padding"): ["edge pixels"],
    ("patchwise_apply", "no padding, values stored at the patch's top-left pixel"): ["no padding"],
    ("patchwise_apply", "no padding, border left at zero"): ["no padding"],
    ("patchwise_apply", "output placed transposed"): ["swapped"],
    ("patchwise_apply", "mean of each patch's output"): ["averaged"],
    ("patchwise_apply", "no torch.no_grad(): the result requires grad"): ["no_grad"],
    ("patchwise_apply", "map allocated like x (input channel count)"): ["output channels"],
    ("patchwise_apply", "returns a numpy array"): ["torch tensor"],
    ("patchwise_apply", "only the first image of the batch"): ["first image"],
    ("translate", "shifts the wrong way"): ["wrong way"],
    ("translate", "dy and dx swapped"): ["swapped"],
    ("translate", "zero-filled shift (not circular)"): ["circular"],
    ("translate", "np.roll without axis (flattened)"): ["axis="],
    ("translate", "rolls the first two axes"): ["last two"],
    ("translate", "np.roll on tensors too (returns numpy)"): ["tensor in, tensor out"],
    ("translate", "converts to float"): ["dtype"],
    ("translate", "slices without the modulo (breaks for shifts larger than the size)"): ["wrap"],
    ("translate", "writes the result into the input"): ["in place"],
    ("equivariance_error", "no absolute value"): ["absolute"],
    ("equivariance_error", "mean instead of max"): ["mean"],
    ("equivariance_error", "border ignored"): ["border argument is ignored"],
    ("equivariance_error", "only the border left out (not the shift)"): ["|dy| + border"],
    ("equivariance_error", "nothing left out"): ["whole image"],
    ("equivariance_error", "left out at the top and left only"): ["both sides"],
    ("equivariance_error", "rows and columns swapped"): ["swapped"],
    ("equivariance_error", "invariance: compares with f(x)"): ["invariance"],
    ("equivariance_error", "output shifted back"): ["(-dy, -dx)"],
    ("equivariance_error", "returns a tensor for torch inputs"): ["python float"],
    ("equivariance_error", "crashes on an empty interior"): ["empty"],
    ("equivariance_error", "[ry:-ry] slicing (empty when ry = 0)"): ["empty when ry = 0"],
    ("equivariance_error", "[ry:-ry] slicing, the empty slice taken as an empty interior (0.0)"):
        ["ry:-ry", "empty when ry or rx is 0"],
    ("answer_stride_shifts", "B: even shifts (one stride-2 stage's answer)"): ["not the right choice"],
    ("answer_stride_shifts", "the number 4 instead of a letter"): ["letters"],
}

# (name, bug label) -> words the failure message must NOT contain: a diagnosis that names another mistake.
WRONG_DIAGNOSES = {
    ("equivariance_error", "[ry:-ry] slicing, the empty slice taken as an empty interior (0.0)"): ["swapped"],
    ("equivariance_error", "translate's arguments swapped"): ["ry:-ry"],
}

globals().update(catalogue_tests(cat, checks, hidden, MIN_BUGS, EXPECTED_MESSAGES))


def _namespace(source: str, name: str) -> dict:
    import numpy as np
    import torch

    ns = {"np": np, "torch": torch, "nn": torch.nn, "__name__": "__main__"}
    for other in cat.FUNCTIONS:
        if other != name:
            exec(cat.CORRECT[other][0][1], ns)  # noqa: S102
    exec(source, ns)  # noqa: S102
    return ns


@pytest.mark.parametrize("name, label", list(WRONG_DIAGNOSES))
def test_diagnosis_names_the_right_mistake(name, label):
    """The message of the first check that rejects the bug names no unrelated mistake."""
    ns = _namespace(dict(cat.BUGS[name])[label], name)
    message = None
    for check in (getattr(checks, f"check_{name}"), getattr(hidden, f"hidden_{name}")):
        try:
            check(ns[name])
        except CheckError as e:
            message = str(e)
            break
    assert message is not None, f"{label!r} passed both checks"
    for word in WRONG_DIAGNOSES[(name, label)]:
        assert word.lower() not in message.lower(), f"bug {label!r} was diagnosed as another mistake:\n{message}"


def _verdict(check, fn) -> tuple | None:
    """None when the check passes, else the error's type and its diagnosis and hint lines."""
    try:
        check(fn)
    except CheckError as e:
        keep = ("  This looks like", "  This matches", "    - ", "  Hint:")
        return type(e).__name__, [line for line in str(e).splitlines() if line.startswith(keep)]
    return None


@pytest.mark.parametrize("name, kind, index", [
    pytest.param(name, kind, i, id=f"{name}:{kind}:{label}") for name in cat.FUNCTIONS
    for kind, table in (("bug", cat.BUGS), ("correct", cat.CORRECT)) for i, (label, _) in enumerate(table[name])])
def test_visible_answer_book_agrees_with_the_grader(name, kind, index):
    """The student's visible check (the answer book replayed in the notebook's process) gives the grader's
    visible verdict and diagnosis (the grader calls through a stand-in kernel)."""
    from convcourse.checks import fully_convolutional as student

    source = (cat.BUGS if kind == "bug" else cat.CORRECT)[name][index][1]
    grader_says = _verdict(getattr(checks, f"check_{name}"), _namespace(source, name)[name])
    student_says = _verdict(getattr(student, f"check_{name}"), _namespace(source, name)[name])
    assert student_says == grader_says
