"""Visible checks for notebook 03_dilation (chapter §24.2.3, dilated convolution and cascades).

Each ``check_<name>(fn)`` runs the stored visible cases of one graded
function (a hand-computed example first, then small random cases) and says
what to fix. When you submit, the grader runs its own cases, on inputs you
have not seen.
"""
from __future__ import annotations

from .book import checker

_A = "03_dilation"

_CHANGED_LIST = ("changed the list of kernels it was given (kernels.pop(...), or a kernel modified in place). "
                 "Leave the caller's list and kernels unchanged: loop over them, or work on copies.")


def explain(name: str, message: str) -> str:
    """A failure message of this notebook's checks, with the hints that go with it."""
    lines = message.splitlines() or [""]
    if name == "compose_kernels" and " modified its argument #1 " in lines[0]:
        lines[0] = lines[0].split(" modified its argument #1 ")[0] + " " + _CHANGED_LIST
    return "\n".join(lines)



def hinted_checker(key: str, doc: str):
    """A ``check_<key>(fn)`` replaying the stored visible cases, its messages completed by :func:`explain`."""
    return checker(_A, key, doc, explain)


check_dilate_kernel = checker(_A, "dilate_kernel", "Visible tests of ``dilate_kernel`` (Figure 24.9).")
check_conv_dilated = checker(_A, "conv_dilated", "Visible tests of ``conv_dilated`` (eq. 24.6 as a "
                                                 "cross-correlation).")
check_count_peaks = checker(_A, "count_peaks", "Visible tests of ``count_peaks``: strict local maxima with "
                                               "periodic (wrap-around) neighbours.")
check_compose_kernels = hinted_checker("compose_kernels", "Visible tests of ``compose_kernels``: the full "
                                                          "convolution of a list of kernels.")
check_cascade_size = checker(_A, "cascade_size", "Visible tests of ``cascade_size`` (the 15x15 of the erratum "
                                                 "comes first).")


__all__ = ["check_dilate_kernel", "check_conv_dilated", "check_count_peaks", "check_compose_kernels",
           "check_cascade_size", "explain"]
