"""Helpers for the tests that execute notebooks and run nbgrader."""
from __future__ import annotations

import pathlib

import nbformat

from courseadmin import notebooks as nbt
from courseadmin.pipeline import execute


def run_notebook(path: pathlib.Path, allow_errors: bool = False, timeout: int = 300):
    """Execute a notebook in a real kernel, in its own folder; returns the executed notebook."""
    nb = nbformat.read(path, as_version=4)
    return execute(nb, path.parent, timeout=timeout, allow_errors=allow_errors)


def errors(cell) -> list[tuple[str, str]]:
    return [(o.ename, o.evalue) for o in cell.get("outputs", []) if o.output_type == "error"]


def stderr_text(cell) -> str:
    return "".join(o.text for o in cell.get("outputs", []) if o.output_type == "stream" and o.name == "stderr")


def graded_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code" and nbt.is_test(c)]
