"""11_architectures: every graded cell, tested in the grader's process."""
from ..checks import architectures as checks
from ..hidden import architectures as hidden
from . import build_spec

ASSIGNMENT = "11_architectures"

SPEC = build_spec(ASSIGNMENT, checks, hidden, ["iou", "boundary_band"],
                  modules=["EncoderDecoder", "UNet", "ResidualBlock"])
