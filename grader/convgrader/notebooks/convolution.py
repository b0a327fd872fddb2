"""01_convolution: every graded cell, tested in the grader's process."""
from ..checks import convolution as checks
from ..hidden import convolution as hidden
from . import build_spec

ASSIGNMENT = "01_convolution"

FUNCTIONS = ["corr2d", "convolve2d", "corr1d", "toeplitz_1d", "conv_multi_in", "conv_multi_out", "conv_layer",
             "conv_layer_fast", "conv_num_params"]

SPEC = build_spec(
    ASSIGNMENT, checks, hidden, FUNCTIONS,
    values={
        "answer_filter_params": "Each filter spans all 3 input channels with a 3 x 3 kernel per channel: "
                                "3 * 3 * 3 = 27 weights (Figure 24.6).",
        "answer_num_filters": "One filter per output channel: 96 output channels need 96 filters, each "
                              "3 x 3 x 3.",
    })
