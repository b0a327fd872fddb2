"""Mutation tests of the graders of notebook 04_low_rank (§24.2.4).

Every entry of ``autograde_tests/catalogue/low_rank.py`` is executed the way
the notebook executes a solution cell: in a fresh namespace holding ``np``
and correct versions of the notebook's other graded functions.  The visible
check (``check_<name>``) and the hidden check (``hidden_<name>``) then run
in-process (see ``autograde_tests/catalogue/runner.py``):

* every correct alternative must pass both (including SVDs whose columns
  differ from numpy's by sign or by a hand-written algorithm);
* every bug must be killed by a :class:`CheckError`;
* for a sample of bugs the message must name the mistake;
* a summary prints the kill rate per function and asserts 100%.
"""
from __future__ import annotations

import pytest

from autograde_tests.catalogue import low_rank as cat
from autograde_tests.catalogue.runner import catalogue_tests, visible_agreement_test
from convgrader.hidden import low_rank as hidden
from convcourse.checks import low_rank as student_checks
from convgrader.checks import low_rank as checks

# At least 7 bugs for each major graded function; the counts and the questions need fewer.
MIN_BUGS = {"separable_corr2d": 7, "svd_separable": 7, "low_rank_kernel": 7, "kernel_rank": 7,
            "corr2d_flops": 3, "separable_flops": 3, "answer_diag_svd": 3, "answer_break_even": 3}

# (function, bug label) -> words the failure message must contain (case-insensitive).
EXPECTED_MESSAGES = {
    ("separable_corr2d", "u and v swapped (column pass with v)"): ["swapped", "column filter"],
    ("separable_corr2d", "column filter flipped (u[::-1])"): ["u is flipped"],
    ("separable_corr2d", "row filter flipped (v[::-1])"): ["v is flipped"],
    ("separable_corr2d", "both filters flipped (convolution)"): ["convolution"],
    ("separable_corr2d", "valid output (no padding)"): ["shape"],
    ("separable_corr2d", "edge padding instead of zeros"): ["zeros"],
    ("separable_corr2d", "circular shifts with np.roll (wraps around)"): ["wraps around"],
    ("separable_corr2d", "filters anchored at their first tap (pads one side)"): ["first tap"],
    ("separable_corr2d", "row filter anchored at its first tap"): ["row filter v is anchored"],
    ("separable_corr2d", "bias missing"): ["bias"],
    ("separable_corr2d", "bias added after the first pass"): ["after the first pass"],
    ("separable_corr2d", "bias added in both passes"): ["after each pass"],
    ("separable_corr2d", "only the column pass"): ["only the column pass"],
    ("separable_corr2d", "second pass filters x instead of h"): ["only the row pass"],
    ("separable_corr2d", "integer truncation: h = np.zeros_like(x)"): ["dtype"],
    ("separable_corr2d", "stores the intermediate result in x (in place)"): ["in place"],
    ("separable_corr2d", "uses np.convolve on every column and row"): ["numpy alone", "convolve"],
    ("separable_corr2d", "uses scipy.ndimage.correlate1d"): ["numpy alone", "scipy"],
    ("separable_corr2d", "uses torch conv2d layers"): ["numpy alone", "torch"],
    ("separable_corr2d", "calls the course's reference op"): ["numpy alone", "convcourse.ops"],
    ("separable_corr2d", "bias parameter renamed (keyword b= fails)"): ["keyword"],
    ("svd_separable", "returns numpy's Vh as V (not transposed)"): ["Vh"],
    ("svd_separable", "returns numpy's order (U, s, Vh)"): ["(s, U, V)"],
    ("svd_separable", "full_matrices=True (numpy's default)"): ["full_matrices=False"],
    ("svd_separable", "singular values in increasing order"): ["increasing"],
    ("svd_separable", "U and V swapped (SVD of w.T taken as is)"): ["swapped"],
    ("svd_separable", "eigenvalues of w.T @ w used as weights (s squared)"): ["squared"],
    ("svd_separable", "weights normalised to sum to 1"): ["normalised"],
    ("svd_separable", "weights folded into U, s set to ones"): ["not the singular values"],
    ("svd_separable", "drops the zero singular values"): ["min(K1, K2)"],
    ("svd_separable", "s returned as the diagonal matrix S"): ["diagonal matrix"],
    ("svd_separable", "uses torch.linalg.svd"): ["numpy alone", "torch"],
    ("svd_separable", "uses scipy.linalg.svd"): ["numpy alone", "scipy"],
    ("low_rank_kernel", "one term too many (r + 1)"): ["too many"],
    ("low_rank_kernel", "one term too few (range(r - 1))"): ["too few"],
    ("low_rank_kernel", "keeps the r smallest singular values"): ["smallest"],
    ("low_rank_kernel", "weights s forgotten"): ["weights s"],
    ("low_rank_kernel", "columns of Vh instead of rows"): ["rows"],
    ("low_rank_kernel", "keeps the r largest entries of w"): ["entries"],
    ("low_rank_kernel", "loop over range(r) without clipping (r > min(K1, K2) crashes)"): ["IndexError"],
    ("low_rank_kernel", "integer truncation: out = np.zeros_like(w)"): ["dtype"],
    ("low_rank_kernel", "subtracts the dropped terms from w in place"): ["in place"],
    ("low_rank_kernel", "calls the course's reference op"): ["numpy alone"],
    ("kernel_rank", "absolute tolerance (s > tol)"): ["relative"],
    ("kernel_rank", "s >= tol * s_max (zero kernel gets min(K1, K2))"): ["strictly"],
    ("kernel_rank", "np.linalg.matrix_rank with its default tolerance"): ["matrix_rank"],
    ("kernel_rank", "returns min(K1, K2)"): ["min(K1, K2)"],
    ("kernel_rank", "tol argument ignored"): ["tol"],
    ("kernel_rank", "returns a float"): ["integer"],
    ("kernel_rank", "uses torch.linalg.matrix_rank"): ["numpy alone"],
    ("corr2d_flops", "K1, K2 taken as half-widths ((2K1+1)(2K2+1))"): ["half-widths"],
    ("corr2d_flops", "multiplies and adds counted separately (x 2)"): ["separately"],
    ("corr2d_flops", "returns a float"): ["integer"],
    ("corr2d_flops", "the separable formula"): ["separable"],
    ("separable_flops", "the full 2-D formula"): ["full 2-D"],
    ("separable_flops", "operator precedence: N * M * K1 + K2"): ["precedence"],
    ("answer_diag_svd", "the number 2 instead of a letter"): ["letters"],
    ("answer_diag_svd", "B: the SVD always returns the Sobel pair"): ["not the right choice"],
    ("answer_break_even", "D: 31 terms (min(K1, K2))"): ["not the right choice"],
}

globals().update(catalogue_tests(cat, checks, hidden, MIN_BUGS, EXPECTED_MESSAGES))


# The visible checks students run replay the answer book (convcourse.checks.low_rank); on every entry of the
# catalogue they must agree with the grader's visible checks: the same entries pass, the others fail with the
# same message.
test_student_visible_check_agrees_with_the_grader = visible_agreement_test(cat, checks, student_checks)
