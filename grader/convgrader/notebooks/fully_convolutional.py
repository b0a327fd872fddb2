"""10_fully_convolutional: every graded cell, tested in the grader's process."""
from ..checks import fully_convolutional as checks
from ..hidden import fully_convolutional as hidden
from . import build_spec

ASSIGNMENT = "10_fully_convolutional"

SPEC = build_spec(
    ASSIGNMENT, checks, hidden, ["patchwise_apply", "translate", "equivariance_error"], modules=["FCN"],
    values={
        "answer_stride_shifts": "Two stride-2 stages keep one pixel in 4 along each axis: only shifts by multiples "
                                "of the total stride 4 move the kept pixels onto kept pixels, so only those "
                                "commute with the network (C).",
    })
