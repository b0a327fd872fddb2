"""Visible checks for notebook 06_pooling (chapter §24.3: pooling, global pooling, local normalisation).

Each ``check_<name>(fn)`` runs the stored visible cases of one graded
function (a hand-computed example first, then small random cases, negative
values and an integer input, whose output must still be a float array) and
says what to fix. When you submit, the grader runs its own cases, on inputs
you have not seen.
"""
from __future__ import annotations

from .book import checker
from .core import check_choice

_A = "06_pooling"

check_pool_output_size = checker(_A, "pool_output_size", "Visible tests of ``pool_output_size``: "
                                                          "floor((n - k) / stride) + 1, stride defaulting to k.")
check_max_pool = checker(_A, "max_pool", "Visible tests of ``max_pool`` (eq. 24.8).")
check_mean_pool = checker(_A, "mean_pool", "Visible tests of ``mean_pool`` (eq. 24.8).")
check_channel_max_pool = checker(_A, "channel_max_pool", "Visible tests of ``channel_max_pool`` (pooling across "
                                                          "channels, §24.3.1).")
check_global_avg_pool = checker(_A, "global_avg_pool", "Visible tests of ``global_avg_pool`` (§24.3.2).")
check_global_max_pool = checker(_A, "global_max_pool", "Visible tests of ``global_max_pool`` (§24.3.2).")
check_lrn = checker(_A, "lrn", "Visible tests of ``lrn`` (eq. 24.9 with the corrected window "
                                "max(0, c-l) .. min(C-1, c+l)).")


def check_answer_invariance(answer) -> None:
    """Form check for the invariance question (the letter is graded when you submit)."""
    check_choice(answer, name="answer_invariance")
    print("answer_invariance: a valid choice (its correctness is graded when you submit).")


def check_answer_torch_alpha(answer) -> None:
    """Form check for the LocalResponseNorm question (the letter is graded when you submit)."""
    check_choice(answer, name="answer_torch_alpha")
    print("answer_torch_alpha: a valid choice (its correctness is graded when you submit).")


__all__ = ["check_pool_output_size", "check_max_pool", "check_mean_pool", "check_channel_max_pool",
           "check_global_avg_pool", "check_global_max_pool", "check_lrn", "check_answer_invariance",
           "check_answer_torch_alpha"]
