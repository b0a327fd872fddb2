"""Checkers used by the notebooks' test cells.

``convcourse.checks.core`` is the framework (comparison, diagnosis of known
mistakes, the numpy-only guard); one module per notebook holds the visible
checks, e.g. ``convcourse.checks.convolution`` for ``01_convolution``.
"""
from .core import Case, CheckError, ForbiddenCall, Mistake, call_guarded, check_choice, check_function, check_value

__all__ = ["Case", "CheckError", "ForbiddenCall", "Mistake", "call_guarded", "check_choice", "check_function",
           "check_value"]
