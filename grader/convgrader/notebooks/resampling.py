"""05_resampling: every graded cell, tested in the grader's process."""
from ..checks import resampling as checks
from ..hidden import resampling as hidden
from . import build_spec

ASSIGNMENT = "05_resampling"

FUNCTIONS = ["zero_insert", "upconv", "interp_kernel", "hold_kernel", "conv_transpose_size"]

SPEC = build_spec(
    ASSIGNMENT, checks, hidden, FUNCTIONS,
    values={
        "answer_transpose_padding": "conv_transpose2d stamps the kernel as stored, a convolution, so v must be w "
                                    "flipped in both axes to give upconv's correlation; padding = K crops the K "
                                    "extra outputs at each end, and output_padding = s - 1 restores the s - 1 "
                                    "trailing rows and columns of the (N*s, M*s) output.",
    })
