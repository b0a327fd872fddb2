"""08_worked_example: every graded cell, tested in the grader's process."""
from ..checks import worked_example as checks
from ..hidden import worked_example as hidden
from . import build_spec

ASSIGNMENT = "08_worked_example"

FUNCTIONS = ["make_lines", "train_classifier", "accuracy", "modulate", "make_oriented_textures"]


def test_results(notebook) -> None:  # noqa: ANN001
    """The notebook's trained ``model``, measured here on fresh images from the course's generators."""
    hidden.hidden_results(notebook)


def test_results_fixed(notebook) -> None:  # noqa: ANN001
    """The notebook's retrained ``model_fixed``, measured here on fresh images from the course's generator."""
    hidden.hidden_results_fixed(notebook)


SPEC = build_spec(ASSIGNMENT, checks, hidden, FUNCTIONS,
                  extra_tests={"results_test": test_results, "results_fixed_test": test_results_fixed})
