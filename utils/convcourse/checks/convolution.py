"""Visible checks for notebook 01_convolution (chapter §24.1–24.2.1).

Each ``check_<name>(fn)`` runs the stored visible cases of one graded
function (a hand-computed example first, then small random cases) and says
what to fix. When you submit, the grader runs its own cases, on inputs you
have not seen.
"""
from __future__ import annotations

from .book import checker
from .core import check_choice

_A = "01_convolution"

check_corr2d = checker(_A, "corr2d", "Visible tests of ``corr2d`` (eq. 24.2).")
check_convolve2d = checker(_A, "convolve2d", "Visible tests of ``convolve2d`` (true convolution, flipped kernel).")
check_corr1d = checker(_A, "corr1d", "Visible tests of ``corr1d``.")
check_toeplitz_1d = checker(_A, "toeplitz_1d", "Visible tests of ``toeplitz_1d``: T @ x is the 1-D correlation "
                                                "(Figure 24.4).")
check_conv_multi_in = checker(_A, "conv_multi_in", "Visible tests of ``conv_multi_in`` (channels summed, one bias).")
check_conv_multi_out = checker(_A, "conv_multi_out", "Visible tests of ``conv_multi_out`` (eq. 24.3).")
check_conv_layer = checker(_A, "conv_layer", "Visible tests of ``conv_layer`` (eq. 24.4, layout w[c_in, c_out]).")
check_conv_layer_fast = checker(_A, "conv_layer_fast", "Visible tests of ``conv_layer_fast``: conv_layer's answers, "
                                                        "without Python loops over pixels.")
check_conv_num_params = checker(_A, "conv_num_params", "Visible tests of ``conv_num_params`` (Figure 24.6).")


def check_answer_filter_params(answer) -> None:
    """Form check for the first question of §24.2.1 (the letter is graded when you submit)."""
    check_choice(answer, name="answer_filter_params")
    print("answer_filter_params: a valid choice (its correctness is graded when you submit).")


def check_answer_num_filters(answer) -> None:
    """Form check for the second question of §24.2.1."""
    check_choice(answer, name="answer_num_filters")
    print("answer_num_filters: a valid choice (its correctness is graded when you submit).")


__all__ = ["check_corr2d", "check_convolve2d", "check_corr1d", "check_toeplitz_1d", "check_conv_multi_in",
           "check_conv_multi_out", "check_conv_layer", "check_conv_layer_fast", "check_conv_num_params",
           "check_answer_filter_params", "check_answer_num_filters"]
