"""Mutation tests of the graders of notebook 03_dilation.

Every entry of ``autograde_tests/catalogue/dilation.py`` is executed the way the notebook executes a
solution cell (a fresh namespace with ``np`` and correct versions of the other graded functions); the
visible check (``check_<name>``) and the hidden check (``hidden_<name>``) then run in-process. Every
correct alternative must pass, every bug must be killed by a ``CheckError``, and for a sample of bugs the
message must name the mistake (see ``autograde_tests/catalogue/runner.py``).
"""
from __future__ import annotations

from autograde_tests.catalogue import dilation as cat
from autograde_tests.catalogue.runner import catalogue_tests
from convgrader.hidden import dilation as hidden
from convgrader.checks import dilation as checks

# The brief's minimum number of bugs per graded name.
MIN_BUGS = {name: 7 for name in cat.FUNCTIONS}

# (function, bug label) -> words the failure message must contain (case-insensitive).
EXPECTED_MESSAGES = {
    ("dilate_kernel", "d zeros between taps (step d + 1)"): ["d + 1 apart"],
    ("dilate_kernel", "trailing zeros: np.kron with a one-hot block, not cropped"): ["after the last tap"],
    ("dilate_kernel", "length k * d with the zeros before each tap"): ["before each tap"],
    ("dilate_kernel", "only the rows dilated"): ["only the rows"],
    ("dilate_kernel", "integer kernel stays integer (zeros of w's dtype)"): ["dtype"],
    ("dilate_kernel", "repeats the taps (np.repeat) instead of inserting zeros"): ["np.repeat"],
    ("dilate_kernel", "np.insert applied d - 1 times: the gaps double each time"): ["(k - 1) * d + 1"],
    ("dilate_kernel", "calls the course's reference op"): ["numpy alone", "convcourse.ops"],
    ("dilate_kernel", "returns a Python list"): ["list"],
    ("conv_dilated", "dilation ignored in the slices (taps adjacent)"): ["wrong values"],
    ("conv_dilated", "kernel flipped (convolution)"): ["flipped", "convolution"],
    ("conv_dilated", "taps d + 1 apart"): ["dilation + 1 apart"],
    ("conv_dilated", "bias missing"): ["bias"],
    ("conv_dilated", "bias added once per tap"): ["once per kernel tap"],
    ("conv_dilated", "integer truncation: out = np.zeros_like(x)"): ["dtype"],
    ("conv_dilated", "strided output instead of a dilated kernel"): ["strided"],
    ("conv_dilated", "only the rows dilated"): ["only the rows"],
    ("conv_dilated", "kernel anchored at its top-left tap"): ["top-left"],
    ("conv_dilated", "uses torch conv2d(dilation=d)"): ["numpy alone", "torch"],
    ("conv_dilated", "calls the course's reference corr2d"): ["numpy alone", "convcourse.ops"],
    ("conv_dilated", "bias parameter renamed (keyword b= fails)"): ["keyword"],
    ("count_peaks", "border pixels skipped"): ["border"],
    ("count_peaks", "no wrap-around: neighbours outside the array ignored"): ["wrap around"],
    ("count_peaks", "zero padding instead of wrap-around"): ["wrap around"],
    ("count_peaks", "4 neighbours only"): ["8"],
    ("count_peaks", "plateaus counted (>= instead of >, no tol)"): ["plateaus"],
    ("count_peaks", "tol ignored"): ["tol"],
    ("count_peaks", "counts minima"): ["minima"],
    ("count_peaks", "returns a float count"): ["integer"],
    ("count_peaks", "uses scipy.ndimage.maximum_filter"): ["numpy alone", "scipy"],
    ("compose_kernels", "cross-correlates the kernels instead of convolving them"): ["convolution"],
    ("compose_kernels", "flips the result"): ["flipped"],
    ("compose_kernels", "'same' size: cropped to the first kernel's shape"): ["cropped"],
    ("compose_kernels", "only the first two kernels"): ["first two"],
    ("compose_kernels", "last kernel skipped (range(1, len - 1))"): ["last kernel"],
    ("compose_kernels", "circular FFT at the largest kernel's size"): ["wrapped around"],
    ("compose_kernels", "each step one row and column too big"): ["P + K - 1"],
    ("compose_kernels", "normalised to sum 1"): ["got inf"],
    ("compose_kernels", "adds the kernels (centred) instead of convolving"): ["added"],
    ("compose_kernels", "empties the caller's list (kernels.pop)"): ["changed the list"],
    ("compose_kernels", "integer kernels: accumulator of the first kernel's dtype"): ["dtype"],
    ("compose_kernels", "uses scipy.signal.convolve2d"): ["numpy alone", "scipy"],
    ("cascade_size", "the largest single dilated kernel (the text's 9)"): ["largest single dilated kernel"],
    ("cascade_size", "+ 1 missing"): ["+ 1 is missing"],
    ("cascade_size", "adds the dilated sizes"): ["P + Q - 1"],
    ("cascade_size", "dilations ignored"): ["dilations were ignored"],
    ("cascade_size", "sizes and dilations swapped"): ["swapped"],
    ("cascade_size", "returns a float"): ["integer"],
    ("cascade_size", "calls the course's reference op"): ["numpy alone"],
}

globals().update(catalogue_tests(cat, checks, hidden, MIN_BUGS, EXPECTED_MESSAGES))
