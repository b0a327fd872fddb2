"""Visible checks from a stored answer book.

The course's references stay with the grader. For the visible tests, the
build stores each visible case with its expected answer and the answers of
the known mistakes on it (``books/<assignment>.json``, written by the
grader's ``convgrader.books``). A visible check calls the student's function
on the stored inputs, compares with the stored answer and, when the answer
is wrong, names the known mistake it matches: the same messages as the
grader's, with nothing here that could compute an answer for new inputs.
"""
from __future__ import annotations

import functools
import os
from typing import Any, Callable

from .. import wire
from .core import CheckError, _describe_args, call_guarded, compare_answer, compare_sampled, diagnosis_text, matching_mistakes

_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "books")


@functools.lru_cache(maxsize=None)
def load(assignment: str) -> dict:
    with open(os.path.join(_DIR, f"{assignment}.json"), encoding="utf-8") as f:
        return wire.decode(f.read())


def _materialize(v):  # noqa: ANN001
    """Stored arguments as the function takes them (tensors, test networks), as the kernel makes them."""
    from ..agent import _materialize as make
    return make(v)


def _depends(names: dict) -> dict:
    if not names:
        return {}
    from .. import ops
    return {k: getattr(ops, v) for k, v in names.items() if callable(getattr(ops, v, None))}


def check(assignment: str, key: str, fn: Callable) -> None:
    """Run the visible cases of ``key`` stored for ``assignment`` on ``fn``; raises CheckError with what to fix."""
    groups = load(assignment)[key]
    if not callable(fn):
        from .core import describe
        raise CheckError(f"{key} should be a function, but it is {describe(fn)}.")
    total = 0
    for g in groups:
        name = g["name"]
        for case in g["cases"]:
            args, kwargs = tuple(case["args"]), dict(case["kwargs"])
            call_args, call_kwargs = tuple(_materialize(list(args))), _materialize(kwargs)
            got = call_guarded(fn, call_args, call_kwargs, name=name, numpy_only=g["numpy_only"], label=case["label"],
                               max_calls=g["max_calls"], depends=_depends(g["depends"]))
            expected = case["expected"]
            compare = compare_sampled if isinstance(expected, dict) and "sample_of" in expected else compare_answer
            problem = compare(got, expected, name=name, label=case["label"], shape_formula=g["shape_formula"],
                              rtol=g["rtol"], atol=g["atol"], floating=g["floating"])
            if problem:
                msg = [problem, f"  called with: {_describe_args(args, kwargs)}"]
                hint = diagnosis_text(matching_mistakes(got, [tuple(m) for m in case["mistakes"]]))
                if hint:
                    msg.append(hint)
                raise CheckError("\n".join(msg))
            total += 1
    print(f"{key}: all {total} visible checks passed.")


def checker(assignment: str, key: str, doc: str = "",
            explain: Callable[[str, str], str] | None = None) -> Callable[[Any], None]:
    """A ``check_<key>(fn)`` function for a notebook's visible test cell; ``explain(key, message)``, when given,
    completes a failure's message with the notebook's own hints."""
    def check_fn(fn) -> None:  # noqa: ANN001
        try:
            check(assignment, key, fn)
        except CheckError as e:
            message = explain(key, str(e)) if explain is not None else str(e)
            if message == str(e):
                raise
            raise CheckError(message) from None
    check_fn.__name__ = f"check_{key}"
    check_fn.__doc__ = doc or f"Visible tests of ``{key}`` (stored cases; the grader uses cases of its own)."
    return check_fn


__all__ = ["check", "checker", "load"]
