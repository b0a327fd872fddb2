"""02_stride: every graded cell, tested in the grader's process."""
from ..checks import stride as checks
from ..hidden import stride as hidden
from . import build_spec

ASSIGNMENT = "02_stride"

FUNCTIONS = ["conv_strided", "strided_flops", "dft_magnitude", "aliasing_fraction", "blur_downsample"]

SPEC = build_spec(
    ASSIGNMENT, checks, hidden, FUNCTIONS,
    values={
        "answer_eq245": "Read literally, x_in[s n - k1, s m - k2] flips the kernel (a convolution): the "
                        "antisymmetric [[-1, 0, 1]] becomes [[1, 0, -1]] = -w, so the output is -1 times "
                        "conv_strided's.",
        "answer_output_shape": "One output every 4 pixels, starting at pixel 0, keeping the partial last block: "
                               "ceil(130 / 4) = 33 rows and ceil(97 / 4) = 25 columns.",
        "answer_least_aliasing": "Two rounds of blur_downsample(., 2) amount to a 7-tap blur before stride 4, "
                                 "wider than the single 3-tap blur of (B): it removes the most energy above the "
                                 "new Nyquist frequency, and the table shows the smallest aliasing fraction.",
    })
