"""04_low_rank: every graded cell, tested in the grader's process."""
from ..checks import low_rank as checks
from ..hidden import low_rank as hidden
from . import build_spec

ASSIGNMENT = "04_low_rank"

FUNCTIONS = ["separable_corr2d", "svd_separable", "low_rank_kernel", "kernel_rank", "corr2d_flops",
             "separable_flops"]

SPEC = build_spec(
    ASSIGNMENT, checks, hidden, FUNCTIONS,
    values={
        "answer_diag_svd": "The diagonal derivative has singular values 2*sqrt(3), 2*sqrt(3) and 0: two separable "
                           "terms. With two equal singular values any rotation of the Sobel pair is an SVD too, so "
                           "np.linalg.svd need not return the Sobel filters.",
        "answer_break_even": "r separable terms cost r * (31 + 31) multiply-adds per pixel against 31 * 31 for the "
                             "full kernel: r * 62 < 961 for r < 15.5, so up to 15 terms are cheaper.",
    })
