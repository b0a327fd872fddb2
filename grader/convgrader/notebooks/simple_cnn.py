"""07_simple_cnn: every graded cell, tested in the grader's process."""
from ..checks import simple_cnn as checks
from ..hidden import simple_cnn as hidden
from . import build_spec

ASSIGNMENT = "07_simple_cnn"

SPEC = build_spec(ASSIGNMENT, checks, hidden,
                  ["relu", "softmax", "gap", "fc", "simple_cnn_forward", "simple_cnn_num_params"],
                  modules=["SimpleCNN"])
