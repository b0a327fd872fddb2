"""Visible checks for notebook 05_resampling (chapter §24.2.5, downsampling and upsampling layers).

Each ``check_<name>(fn)`` runs the stored visible cases of one graded
function (a hand-computed example first, then small random cases) and says
what to fix. When you submit, the grader runs its own cases, on inputs you
have not seen.

Conventions checked (the course's, 0-based): ``zero_insert(x, s)[n*s, m*s]
== x[n, m]``, zeros elsewhere, shape ``(N*s, M*s)``; ``upconv(x, w, s, b)
== corr2d(zero_insert(x, s), w, b)``; ``interp_kernel(s)`` is
``outer(t, t)`` with ``t[k] = 1 - |k|/s``, ``k = -(s-1) .. s-1``;
``hold_kernel(s)`` is ``outer(u, u)`` with ``u = [1]*s + [0]*(s-1)``.
"""
from __future__ import annotations

from .book import checker
from .core import check_choice

_A = "05_resampling"

check_zero_insert = checker(_A, "zero_insert", "Visible tests of ``zero_insert`` (eq. 24.7, first line).")
check_upconv = checker(_A, "upconv", "Visible tests of ``upconv`` (eq. 24.7: zero insertion, then "
                                     "cross-correlation plus bias).")
check_interp_kernel = checker(_A, "interp_kernel", "Visible tests of ``interp_kernel``: the separable triangle "
                                                   "of half-width s.")
check_hold_kernel = checker(_A, "hold_kernel", "Visible tests of ``hold_kernel``: the zero-order hold (nearest "
                                               "sample at or before each pixel).")
check_conv_transpose_size = checker(_A, "conv_transpose_size", "Visible tests of ``conv_transpose_size`` "
                                                               "(PyTorch's output-size formula of "
                                                               "conv_transpose2d).")


def check_answer_transpose_padding(answer) -> None:
    """Form check for the conv_transpose2d question (the letter is graded when you submit)."""
    check_choice(answer, name="answer_transpose_padding")
    print("answer_transpose_padding: a valid choice (its correctness is graded when you submit).")


__all__ = ["check_zero_insert", "check_upconv", "check_interp_kernel", "check_hold_kernel",
           "check_conv_transpose_size", "check_answer_transpose_padding"]
