"""Visible checks for notebook 02_stride (chapter §24.2.2, strided convolution and aliasing).

Each ``check_<name>(fn)`` runs the stored visible cases of one graded
function (a hand-computed example first, then small random cases) and says
what to fix. When you submit, the grader runs its own cases, on inputs you
have not seen.
"""
from __future__ import annotations

from .book import checker
from .core import check_choice

_A = "02_stride"

_COMPLEX_HINT = "  The DFT is complex: return its magnitude, np.abs(...)."
_INTEGER_HINT = " Use integer arithmetic (// and a ceiling), not /, and return int(...)."
_NUMBER_HINT = "expected one number (a float between 0 and 1), e.g. float(...)."
_ZERO_HINT = " An all-zero signal has no energy at all: return 0.0 for it."


def explain(name: str, message: str) -> str:
    """A failure message of this notebook's checks, with the hints that go with it."""
    lines = message.splitlines() or [""]
    if name == "dft_magnitude" and "returned dtype complex" in lines[0]:
        # a complex answer cast to real can look like a known mistake; what to fix is the dtype
        kept = []
        for line in lines:
            if "known mistake" in line:
                break
            kept.append(line)
        return "\n".join(kept) + "\n" + _COMPLEX_HINT
    if name == "strided_flops" and "expected an integer" in lines[0] and "returned float" in lines[0] \
            and _INTEGER_HINT not in lines[0]:
        lines[0] += _INTEGER_HINT
    if name == "aliasing_fraction":
        if lines[0].endswith("expected a number."):
            lines[0] = lines[0][:-len("expected a number.")] + _NUMBER_HINT
        if "returned nan" in lines[0] and "all-zero" in lines[0] and _ZERO_HINT not in lines[0]:
            lines[0] += _ZERO_HINT
    return "\n".join(lines)



def hinted_checker(key: str, doc: str):
    """A ``check_<key>(fn)`` replaying the stored visible cases, its messages completed by :func:`explain`."""
    return checker(_A, key, doc, explain)


check_conv_strided = hinted_checker("conv_strided", "Visible tests of ``conv_strided`` (eq. 24.5, as a "
                                                    "cross-correlation).")
check_strided_flops = hinted_checker("strided_flops", "Visible tests of ``strided_flops``: multiply-adds of a "
                                                      "direct strided layer.")
check_dft_magnitude = hinted_checker("dft_magnitude", "Visible tests of ``dft_magnitude``: |DFT| with the zero "
                                                      "frequency at the centre.")
check_aliasing_fraction = hinted_checker("aliasing_fraction", "Visible tests of ``aliasing_fraction``: the share "
                                                              "of the energy outside the stride's pass band.")
check_blur_downsample = hinted_checker("blur_downsample", "Visible tests of ``blur_downsample``: binomial blur, "
                                                          "then every s-th sample.")


def check_answer_eq245(answer) -> None:
    """Form check of the question on eq. 24.5's indices (the letter is graded when you submit)."""
    check_choice(answer, name="answer_eq245")
    print("answer_eq245: a valid choice (its correctness is graded when you submit).")


def check_answer_output_shape(answer) -> None:
    """Form check of the question on the output shape of a strided layer."""
    check_choice(answer, name="answer_output_shape")
    print("answer_output_shape: a valid choice (its correctness is graded when you submit).")


def check_answer_least_aliasing(answer) -> None:
    """Form check of the question on the anti-aliasing table."""
    check_choice(answer, name="answer_least_aliasing")
    print("answer_least_aliasing: a valid choice (its correctness is graded when you submit).")


__all__ = ["check_conv_strided", "check_strided_flops", "check_dft_magnitude", "check_aliasing_fraction",
           "check_blur_downsample", "check_answer_eq245", "check_answer_output_shape",
           "check_answer_least_aliasing", "explain"]
