"""06_pooling: every graded cell, tested in the grader's process."""
from ..checks import pooling as checks
from ..hidden import pooling as hidden
from . import build_spec

ASSIGNMENT = "06_pooling"

FUNCTIONS = ["pool_output_size", "max_pool", "mean_pool", "channel_max_pool", "global_avg_pool",
             "global_max_pool", "lrn"]

SPEC = build_spec(
    ASSIGNMENT, checks, hidden, FUNCTIONS,
    values={
        "answer_invariance": "The response at columns 5-6 lies in the window of columns 4-7. Shifted by 1 it "
                             "covers columns 6-7, still inside that window, so the pooled map is unchanged; "
                             "shifted by 2 it reaches column 8, the next window: the largest shift is 1.",
        "answer_torch_alpha": "torch.nn.LocalResponseNorm divides its alpha by the window size 2l + 1 = 5, so "
                              "it needs alpha = 1e-4 * 5 = 5e-4 to match eq. 24.9.",
    })
