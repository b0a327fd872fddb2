"""Mutation tests of the graders of notebook 05_resampling.

Every entry of ``autograde_tests/catalogue/resampling.py`` runs the way the
notebook runs a solution cell (see ``autograde_tests/catalogue/runner.py``):
correct alternatives must pass the visible and hidden checks, every bug must
be killed by a :class:`CheckError`, and for a sample of bugs the message must
name the mistake.
"""
from __future__ import annotations

import pytest

from autograde_tests.catalogue import resampling as cat
from autograde_tests.catalogue.runner import catalogue_tests, visible_agreement_test
from convgrader.hidden import resampling as hidden
from convcourse.checks import resampling as student_checks
from convgrader.checks import resampling as checks

MIN_BUGS = {name: 7 for name in cat.FUNCTIONS} | {"answer_transpose_padding": 3}

# (function, bug label) -> words the failure message must contain (case-insensitive).
EXPECTED_MESSAGES = {
    ("zero_insert", "1-based eq. 24.7: samples at (n+1)*s - 1"): ["1-based"],
    ("zero_insert", "np.repeat along both axes (nearest neighbour)"): ["repeated"],
    ("zero_insert", "no trailing zeros: ((N-1)*s + 1, (M-1)*s + 1)"): ["trailing"],
    ("zero_insert", "inserts s zeros between samples"): ["s-1"],
    ("zero_insert", "dilates the rows only"): ["both axes"],
    ("zero_insert", "samples centred in each block (offset s // 2)"): ["top-left"],
    ("zero_insert", "integer truncation: h of x's dtype"): ["dtype", "integer"],
    ("zero_insert", "uses torch"): ["numpy alone", "torch"],
    ("zero_insert", "calls the course's reference op"): ["numpy alone", "convcourse.ops"],
    ("zero_insert", "missing return"): ["return"],
    ("upconv", "kernel flipped (convolution)"): ["flipped"],
    ("upconv", "kernel transposed"): ["transposed"],
    ("upconv", "convolves first, then inserts zeros"): ["convolved first"],
    ("upconv", "1-based zero insertion inline"): ["1-based"],
    ("upconv", "repeats the samples (np.kron) instead of zeros"): ["repeated"],
    ("upconv", "bias missing"): ["bias"],
    ("upconv", "bias added to x before the zero insertion"): ["before the zero insertion"],
    ("upconv", "bias added to h before the correlation"): ["before the convolution"],
    ("upconv", "valid correlation of h (output shrinks)"): ["shape", "N*s"],
    ("upconv", "integer truncation: h and out of x's dtype"): ["dtype"],
    ("upconv", "adds the bias to x in place"): ["in place"],
    ("upconv", "uses torch conv_transpose2d"): ["numpy alone", "torch"],
    ("upconv", "bias parameter renamed (keyword b= fails)"): ["keyword"],
    ("interp_kernel", "linspace from 0: end taps 0, slope 1/(s-1)"): ["1/s"],
    ("interp_kernel", "size 2s + 1 with zero end taps"): ["(2s - 1, 2s - 1)"],
    ("interp_kernel", "half-width s + 1"): ["half-width"],
    ("interp_kernel", "normalised to sum 1"): ["s*s"],
    ("interp_kernel", "each 1-D triangle normalised to sum 1"): ["normalised"],
    ("interp_kernel", "integer division: 1 - abs(k) // s"): ["box"],
    ("interp_kernel", "adds the 1-D triangles instead of multiplying"): ["outer"],
    ("interp_kernel", "radial cone 1 - r/s"): ["separable"],
    ("interp_kernel", "forgets to divide: s - |k| (integers)"): ["dtype"],
    ("interp_kernel", "returns the 1-D triangle"): ["shape"],
    ("hold_kernel", "ones in the bottom-right block"): ["bottom-right"],
    ("hold_kernel", "ones in the top-right block"): ["top-right"],
    ("hold_kernel", "all ones (centred box of 2s-1)"): ["all ones"],
    ("hold_kernel", "normalised to sum 1"): ["normalised"],
    ("hold_kernel", "just np.ones((s, s))"): ["(2s - 1, 2s - 1)"],
    ("hold_kernel", "integer kernel"): ["dtype"],
    ("hold_kernel", "the triangle instead"): ["triangle"],
    ("conv_transpose_size", "missing + 1"): ["+ 1"],
    ("conv_transpose_size", "ignores output_padding"): ["output_padding"],
    ("conv_transpose_size", "subtracts padding once"): ["both ends"],
    ("conv_transpose_size", "n * stride instead of (n - 1) * stride"): ["(n-1)*stride"],
    ("conv_transpose_size", "ignores dilation"): ["dilation"],
    ("conv_transpose_size", "the forward conv2d formula"): ["ordinary"],
    ("conv_transpose_size", "returns a float"): ["integer"],
    ("answer_transpose_padding", "C: padding right but no flip"): ["not the right choice"],
    ("answer_transpose_padding", "the settings instead of a letter"): ["letters"],
}

globals().update(catalogue_tests(cat, checks, hidden, MIN_BUGS, EXPECTED_MESSAGES))


# The visible checks students run replay the answer book (convcourse.checks.resampling); on every entry of the
# catalogue they must agree with the grader's visible checks: the same entries pass, the others fail with the
# same message.
test_student_visible_check_agrees_with_the_grader = visible_agreement_test(cat, checks, student_checks)
