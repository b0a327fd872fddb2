"""Which trusted test grades which cell, per notebook.

Each notebook the grader grades outside the kernel has a module here with a
``SPEC`` (:class:`Spec`): its visible checkers (what the answer book is
written from) and its trusted tests, keyed by the test cell's ``grade_id``.
A graded function ``f`` is tested by the checker ``check_f`` on the visible
cases, then ``hidden_f`` on the hidden ones, both run here on a handle to
the student's function in the kernel.
"""
from __future__ import annotations

import dataclasses
import importlib
from types import ModuleType
from typing import Callable

from convcourse.checks.core import CheckError



def _discover() -> dict[str, str]:
    """assignment id -> module of this package (each module names its ``ASSIGNMENT``)."""
    import pkgutil

    out = {}
    for info in pkgutil.iter_modules(__path__):
        mod = importlib.import_module(f"{__name__}.{info.name}")
        aid = getattr(mod, "ASSIGNMENT", None)
        if aid:
            out[aid] = info.name
    return dict(sorted(out.items()))


@dataclasses.dataclass
class Spec:
    assignment: str
    visible: dict[str, Callable]     # name -> checker(fn) run on a Recorder for the answer book
    tests: dict[str, Callable]       # grade_id -> test(notebook)


def function_test(checks: ModuleType, hidden: ModuleType, name: str) -> Callable:
    visible, secret = getattr(checks, f"check_{name}"), getattr(hidden, f"hidden_{name}")

    def test(notebook) -> None:  # noqa: ANN001
        fn = notebook.function(name)
        visible(fn)
        secret(fn)
    test.__name__ = f"test_{name}"
    return test


def value_test(hidden: ModuleType, name: str, explain: str = "") -> Callable:
    secret = getattr(hidden, f"hidden_{name}")

    def test(notebook) -> None:  # noqa: ANN001
        try:
            secret(notebook.value(name))
        except CheckError as e:
            raise CheckError(f"{e}\n  Why: {explain}" if explain else str(e)) from None
        if explain:
            print(f"{name}: right. {explain}")
    test.__name__ = f"test_{name}"
    return test


def module_test(checks: ModuleType, hidden: ModuleType, name: str) -> Callable:
    """A class the student writes (an nn.Module): built and probed in the kernel, judged here."""
    visible, secret = getattr(checks, f"check_{name}"), getattr(hidden, f"hidden_{name}")

    def test(notebook) -> None:  # noqa: ANN001
        visible(notebook)
        secret(notebook)
    test.__name__ = f"test_{name}"
    return test


def build_spec(assignment: str, checks: ModuleType, hidden: ModuleType, functions: list[str],
               values: dict[str, str] | None = None, extra_tests: dict | None = None,
               modules: list[str] | None = None) -> Spec:
    tests = {f"{n}_test": function_test(checks, hidden, n) for n in functions}
    tests.update({f"{n}_test": module_test(checks, hidden, n) for n in modules or []})
    tests.update({f"{n}_test": value_test(hidden, n, why) for n, why in (values or {}).items()})
    tests.update(extra_tests or {})
    visible = {n: getattr(checks, f"check_{n}") for n in list(functions) + list(modules or [])}
    return Spec(assignment, visible, tests)


_MODULES: dict[str, str] | None = None


def modules() -> dict[str, str]:
    global _MODULES
    if _MODULES is None:
        _MODULES = _discover()
    return _MODULES


def converted() -> list[str]:
    """The assignments graded outside the kernel."""
    return list(modules())


def spec(assignment: str) -> Spec:
    mod = importlib.import_module(f"{__name__}.{modules()[assignment]}")
    return mod.SPEC


def tests_for(notebook: str) -> dict | None:
    """The trusted tests of a notebook (by its name, e.g. ``01_convolution``), or None if it has none."""
    if notebook not in modules():
        return None
    return spec(notebook).tests
