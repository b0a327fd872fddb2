"""Mutation tests of the graders of notebook 01_convolution.

Every entry of ``autograde_tests/catalogue/convolution.py`` is executed the
way the notebook executes a solution cell: in a fresh namespace holding
``np`` and correct versions of the notebook's other graded functions (the
first correct alternative of each).  The visible check (``check_<name>``)
and the hidden check (``hidden_<name>``) then run in-process.

* every correct alternative must pass both;
* every bug must be *killed*: the visible or the hidden check raises
  (``NotImplementedError`` does not count: it is what an unanswered cell
  raises).  A kill must come from a :class:`CheckError`, the checks' own
  verdict, not from a crash of the checker;
* for a sample of bugs the message must name the mistake;
* a summary prints the kill rate per function and asserts 100%.
"""
from __future__ import annotations

from autograde_tests.catalogue import convolution as cat
from autograde_tests.catalogue.runner import catalogue_tests
from convgrader.hidden import convolution as hidden
from convgrader.checks import convolution as checks

# The brief's minimum number of bugs per graded name.
MIN_BUGS = {name: 7 for name in cat.FUNCTIONS} | {"conv_num_params": 3, "answer_filter_params": 3,
                                                   "answer_num_filters": 3}

# (function, bug label) -> words the failure message must contain (case-insensitive).
EXPECTED_MESSAGES = {
    ("corr2d", "kernel flipped (convolution)"): ["flipped", "convolution"],
    ("corr2d", "kernel flipped along the rows only"): ["one axis"],
    ("corr2d", "valid padding (no padding)"): ["valid"],
    ("corr2d", "full padding (pads by the kernel size)"): ["full"],
    ("corr2d", "edge padding instead of zeros"): ["zeros"],
    ("corr2d", "pads the valid output instead of the input"): ["padded the output"],
    ("corr2d", "kernel anchored at its top-left corner"): ["corner"],
    ("corr2d", "bias missing"): ["bias"],
    ("corr2d", "bias added once per kernel tap"): ["per kernel tap"],
    ("corr2d", "integer truncation: out = np.zeros_like(x)"): ["dtype", "integer"],
    ("corr2d", "writes the result into the input x (in place)"): ["in place"],
    ("corr2d", "returns a Python list"): ["list"],
    ("corr2d", "uses torch.nn.functional.conv2d"): ["numpy alone", "torch"],
    ("corr2d", "uses scipy.signal.correlate2d"): ["numpy alone", "scipy"],
    ("corr2d", "uses np.correlate row by row"): ["numpy alone", "correlate"],
    ("corr2d", "einsum output axes swapped ('->mn')"): ["swapped"],
    ("corr2d", "missing return"): ["return"],
    ("corr2d", "bias parameter renamed (keyword b= fails)"): ["keyword"],
    ("convolve2d", "kernel not flipped (cross-correlation)"): ["not flipped"],
    ("convolve2d", "flipped along the rows only (w[::-1])"): ["one axis"],
    ("convolve2d", "transposed instead of flipped (w.T)"): ["transposed"],
    ("convolve2d", "rotated by 90 degrees only (np.rot90 once)"): ["rot90"],
    ("convolve2d", "flips the kernel in place"): ["in place"],
    ("convolve2d", "valid output (no padding)"): ["valid"],
    ("convolve2d", "uses scipy.signal.convolve2d"): ["numpy alone"],
    ("convolve2d", "full output"): ["full"],
    ("convolve2d", "flips the image but not the result back"): ["flipped the image"],
    ("convolve2d", "uses np.convolve row by row"): ["numpy alone", "convolve"],
    ("corr1d", "kernel flipped"): ["flipped"],
    ("corr1d", "valid output (no padding)"): ["valid"],
    ("corr1d", "uses np.correlate"): ["numpy alone", "np.correlate"],
    ("corr1d", "integer truncation: np.zeros_like(x)"): ["dtype"],
    ("corr1d", "edge padding"): ["zeros"],
    ("corr1d", "full output (padded by len(w) - 1)"): ["full"],
    ("toeplitz_1d", "transposed (T[j, i] = w[k])"): ["transpose"],
    ("toeplitz_1d", "band off by K (centre tap not on the diagonal)"): ["diagonal"],
    ("toeplitz_1d", "integer kernel gives an integer matrix"): ["dtype"],
    ("toeplitz_1d", "uses scipy.linalg.toeplitz"): ["numpy alone"],
    ("toeplitz_1d", "circulant: wraps around instead of truncating"): ["circulant"],
    ("toeplitz_1d", "np.diag of n - |d| entries: breaks when the kernel is longer than the signal"):
        ["kernel longer than the signal"],
    ("conv_multi_in", "bias added once per channel (the text's erratum)"): ["erratum"],
    ("conv_multi_in", "averages over channels instead of summing"): ["averaged"],
    ("conv_multi_in", "stores the responses in x (in place)"): ["in place"],
    ("conv_multi_in", "integer truncation: np.zeros_like(x[0])"): ["dtype"],
    ("conv_multi_in", "uses torch conv2d"): ["numpy alone"],
    ("conv_multi_in", "only the last channel counts (= instead of +=)"): ["not summed"],
    ("conv_multi_in", "off-by-one: last channel skipped"): ["last channel is missing"],
    ("conv_multi_in", "bias parameter renamed (keyword b= fails)"): ["keyword"],
    ("conv_multi_out", "every channel gets b[0]"): ["b[0]"],
    ("conv_multi_out", "integer truncation: output of x's dtype"): ["dtype"],
    ("conv_multi_out", "bias added twice"): ["twice"],
    ("conv_multi_out", "stacks on the last axis: (N, M, C)"): ["(C, N, M)"],
    ("conv_layer", "torch layout via the helper: conv_multi_in(x, w[co])"): ["layout"],
    ("conv_layer", "bias added once per input channel"): ["once per input channel"],
    ("conv_layer", "torch layout: w[co, ci]"): ["torch", "layout"],
    ("conv_layer", "averages over input channels"): ["averaged"],
    ("conv_layer", "only the last input channel counts (= instead of +=)"): ["not summed"],
    ("conv_layer", "integer truncation: output of x's dtype"): ["dtype"],
    ("conv_layer", "calls the course's reference op"): ["numpy alone", "convcourse.ops"],
    ("conv_layer_fast", "per-pixel loops (not vectorised)"): ["function calls"],
    ("conv_layer_fast", "per-pixel loop over output channels too"): ["function calls"],
    ("conv_layer_fast", "bias missing"): ["bias"],
    ("conv_layer_fast", "uses torch"): ["numpy alone"],
    ("conv_layer_fast", "calls the course's reference op"): ["numpy alone", "convcourse.ops"],
    ("conv_layer_fast", "einsum reads w as (C_out, C_in)"): ["layout"],
    ("conv_layer_fast", "integer inputs: accumulator of x's dtype"): ["dtype"],
    ("conv_num_params", "forgets the input channels"): ["c_in"],
    ("conv_num_params", "one bias per input channel"): ["one bias per output channel"],
    ("conv_num_params", "returns a float"): ["integer"],
    ("conv_num_params", "k instead of k * k"): ["k * k weights"],
    ("conv_num_params", "ignores the bias flag"): ["bias flag"],
    ("answer_filter_params", "the number 27 instead of a letter"): ["letters"],
    ("answer_filter_params", "A: one channel's 3x3 kernel (9)"): ["not the right choice"],
}

globals().update(catalogue_tests(cat, checks, hidden, MIN_BUGS, EXPECTED_MESSAGES))
