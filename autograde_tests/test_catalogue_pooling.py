"""Mutation tests of the graders of notebook 06_pooling.

Every entry of ``autograde_tests/catalogue/pooling.py`` is executed the way the notebook executes a solution
cell, in a namespace holding ``np``, ``torch`` and correct versions of the notebook's other graded names; the
visible check (``check_<name>``) and the hidden check (``hidden_<name>``) then run in-process. Every correct
alternative must pass, every bug must be killed by a :class:`CheckError`, and for a sample of bugs the message
must name the mistake (see ``autograde_tests/catalogue/runner.py``). The bugs that break only the dtype rule
(integer input -> floating output) must be caught by the visible check itself, the grader's and the one students
run from the answer book.
"""
from __future__ import annotations

import pytest

from autograde_tests.catalogue import pooling as cat
from autograde_tests.catalogue.runner import catalogue_tests
from convgrader.checks import pooling as checks
from convgrader.hidden import pooling as hidden

# The brief's minimum number of bugs per graded name.
MIN_BUGS = {name: 7 for name in cat.FUNCTIONS} | {"answer_invariance": 3, "answer_torch_alpha": 3}

# (name, bug label) -> words the failure message must contain (case-insensitive).
EXPECTED_MESSAGES = {
    ("pool_output_size", "missing + 1"): ["+1"],
    ("pool_output_size", "ceil instead of floor"): ["floor"],
    ("pool_output_size", "stride defaults to 1"): ["stride = k"],
    ("pool_output_size", "returns a float (true division)"): ["integer"],
    ("max_pool", "stride=None treated as stride 1"): ["stride = k"],
    ("max_pool", "stride argument ignored (always k)"): ["stride argument is ignored"],
    ("max_pool", "partial windows kept: range(0, N, s)"): ["partial windows", "floor((N - k) / stride) + 1"],
    ("max_pool", "N // stride windows"): ["N // stride"],
    ("max_pool", "window one pixel short (i*s + k - 1)"): ["off by one"],
    ("max_pool", "running max starts at 0"): ["negative", "started at 0"],
    ("max_pool", "integer input gives an integer output"): ["dtype", "integer"],
    ("max_pool", "output buffer np.empty_like(x): integer in, integer out"): ["dtype", "integer"],
    ("max_pool", "pools the first two axes of a 3-D input"): ["last two"],
    ("max_pool", "one max over the channels too (.max() of the 3-D window)"): ["channel axis"],
    ("max_pool", "windows start one pixel late"): ["one pixel late"],
    ("max_pool", "output transposed (out[j, i])"): ["transposed"],
    ("max_pool", "window size and stride swapped"): ["swapped"],
    ("max_pool", "uses torch.nn.functional.max_pool2d"): ["numpy alone", "torch"],
    ("max_pool", "mean instead of max"): ["mean of each window"],
    ("max_pool", "assumes a 2-D image (N, M = x.shape)"): ["raised ValueError"],
    ("mean_pool", "sums the window"): ["summed"],
    ("mean_pool", "divides by k instead of k*k"): ["k * k"],
    ("mean_pool", "divides the input in place first"): ["in place"],
    ("mean_pool", "integer truncation: np.zeros_like(x) accumulator"): ["dtype"],
    ("mean_pool", "sliding windows, stride never applied"): ["stride"],
    ("mean_pool", "uses torch.nn.functional.avg_pool2d"): ["numpy alone"],
    ("mean_pool", "only the first channel of a 3-D input"): ["first channel"],
    ("channel_max_pool", "interleaved groups: reshape(group, C // group).max(0)"): ["interleaved", "consecutive"],
    ("channel_max_pool", "max over the groups (axis 0) instead of within"): ["across the groups"],
    ("channel_max_pool", "group outputs: reshape(group, C // group).max(1)"): ["C // group"],
    ("channel_max_pool", "sliding window over channels (stride 1)"): ["slide"],
    ("channel_max_pool", "argmax instead of max"): ["argmax"],
    ("channel_max_pool", "running max starts at 0"): ["started at 0"],
    ("channel_max_pool", "integer input gives an integer output"): ["dtype", "integer"],
    ("channel_max_pool", "np.maximum.reduceat on the input as given: integer in, integer out"): ["dtype", "integer"],
    ("channel_max_pool", "uses torch max_pool1d over the channel axis"): ["numpy alone"],
    ("global_avg_pool", "mean over the channel axis"): ["axis=(1, 2)"],
    ("global_avg_pool", "keepdims: (C, 1, 1)"): ["(C,)"],
    ("global_avg_pool", "sum instead of mean"): ["N * M"],
    ("global_avg_pool", "returns a Python list"): ["list"],
    ("global_max_pool", "running max starts at 0"): ["started at 0"],
    ("global_max_pool", "integer input gives an integer output"): ["dtype", "integer"],
    ("global_max_pool", "np.amax without a cast: integer in, integer out"): ["dtype", "integer"],
    ("global_max_pool", "uses torch amax"): ["numpy alone"],
    ("lrn", "the text's upper bound max(C, c + l) (slice to the end)"): ["erratum", "min(C - 1, c + l)"],
    ("lrn", "exclusive slice end: x[lo : min(C - 1, c + l)]"): ["exclusive"],
    ("lrn", "exclusive slice end: x[lo : min(C, c + l)]"): ["exclusive"],
    ("lrn", "negative slice start not clipped: x[c - l : c + l + 1]"): ["negative"],
    ("lrn", "1-based lower bound max(1, c - l)"): ["max(0, c - l)"],
    ("lrn", "alpha divided by the window size (torch's convention)"): ["LocalResponseNorm"],
    ("lrn", "averages the window (divides by its channel count)"): ["average"],
    ("lrn", "circular window with np.roll"): ["wraps around"],
    ("lrn", "window across rows (axis 1) instead of channels"): ["across rows"],
    ("lrn", "beta forgotten"): ["beta"],
    ("lrn", "writes the results into x (in place)"): ["in place"],
    ("lrn", "integer truncation: np.zeros_like(x)"): ["dtype"],
    ("lrn", "uses torch.nn.LocalResponseNorm"): ["numpy alone", "torch"],
    ("answer_invariance", "the number 1 instead of a letter"): ["letters"],
    ("answer_invariance", "C: shift 2 (forgets the second responding column)"): ["not the right choice"],
    ("answer_torch_alpha", "A: the same alpha"): ["not the right choice"],
}

globals().update(catalogue_tests(cat, checks, hidden, MIN_BUGS, EXPECTED_MESSAGES))

# The dtype rule (integer input -> floating output): bugs whose only fault is an integer output for an integer
# input. The visible cases hold an integer input for each of these functions, so the visible check, the
# grader's and the student's (the answer book), must reject them.
INTEGER_OUTPUT_BUGS = [
    ("max_pool", "integer input gives an integer output"),
    ("max_pool", "output buffer np.empty_like(x): integer in, integer out"),
    ("channel_max_pool", "integer input gives an integer output"),
    ("channel_max_pool", "np.maximum.reduceat on the input as given: integer in, integer out"),
    ("global_max_pool", "integer input gives an integer output"),
    ("global_max_pool", "np.amax without a cast: integer in, integer out"),
]


def _bug_function(name: str, label: str):
    import numpy as np

    ns: dict = {"np": np, "__name__": "__main__"}
    exec(compile(dict(cat.BUGS[name])[label], f"<{name} cell>", "exec"), ns)  # noqa: S102
    return ns[name]


@pytest.mark.parametrize("name, label", INTEGER_OUTPUT_BUGS, ids=[f"{n}:{lab}" for n, lab in INTEGER_OUTPUT_BUGS])
def test_integer_output_is_caught_by_the_visible_check(name, label):
    from convcourse.checks import pooling as student_checks
    from convcourse.checks.core import CheckError

    fn = _bug_function(name, label)
    for check in (getattr(checks, f"check_{name}"), getattr(student_checks, f"check_{name}")):
        with pytest.raises(CheckError, match=r"(?s)integer input.*dtype int"):
            check(fn)
