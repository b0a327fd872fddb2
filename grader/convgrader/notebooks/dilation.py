"""03_dilation: every graded cell, tested in the grader's process."""
from ..checks import dilation as checks
from ..hidden import dilation as hidden
from . import build_spec

ASSIGNMENT = "03_dilation"

FUNCTIONS = ["dilate_kernel", "conv_dilated", "count_peaks", "compose_kernels", "cascade_size"]

SPEC = build_spec(ASSIGNMENT, checks, hidden, FUNCTIONS)
