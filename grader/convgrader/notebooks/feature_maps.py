"""09_feature_maps: every graded cell, tested in the grader's process."""
from ..checks import feature_maps as checks
from ..hidden import feature_maps as hidden
from . import build_spec

ASSIGNMENT = "09_feature_maps"

FUNCTIONS = ["pca_rgb", "receptive_field", "empirical_receptive_field"]

SPEC = build_spec(
    ASSIGNMENT, checks, hidden, FUNCTIONS,
    values={
        "answer_rf_after_pool": "conv 3x3, pool 2x2 / 2, conv 3x3: 1 + 2 + 1 + 2 * 2 = 8. The pool's stride "
                                "stretches only the last layer's kernel; the loose 'x s' rule would give 10.",
        "answer_corner_pixels": "Three 3x3 layers see 7x7 pixels; for unit (0, 0) only rows 0..3 and columns 0..3 "
                                "exist, 4 x 4 = 16 pixels.",
    })
