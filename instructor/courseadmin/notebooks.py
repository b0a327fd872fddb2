"""Notebook transformations of the instructor pipeline (no nbgrader needed).

* :func:`make_solution` turns a source notebook into the notebook handed to
  students after the deadline: solution code kept, nbgrader markers and
  hidden tests removed, nbgrader metadata dropped.
* :func:`fill_submission` turns a release notebook into a submission by
  putting the source's solution code (or replacements) into its solution
  cells: what a student who solved everything would hand in.
"""
from __future__ import annotations

import copy
import re
from typing import Mapping

import nbformat

BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"
BEGIN_HIDDEN = "### BEGIN HIDDEN TESTS"
END_HIDDEN = "### END HIDDEN TESTS"
MARKERS = (BEGIN_SOLUTION, END_SOLUTION, BEGIN_HIDDEN, END_HIDDEN)


def grade_id(cell) -> str | None:
    """The nbgrader grade id of a cell, or None."""
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def is_solution(cell) -> bool:
    return bool(cell.get("metadata", {}).get("nbgrader", {}).get("solution"))


def is_test(cell) -> bool:
    md = cell.get("metadata", {}).get("nbgrader", {})
    return bool(md.get("grade")) and not md.get("solution")


def strip_markers(source: str) -> str:
    """Remove solution markers (keeping the code between them) and whole hidden-test blocks."""
    out, hidden = [], False
    for line in source.splitlines():
        s = line.strip()
        if s == BEGIN_HIDDEN:
            hidden = True
            continue
        if s == END_HIDDEN:
            hidden = False
            continue
        if hidden or s in (BEGIN_SOLUTION, END_SOLUTION):
            continue
        out.append(line)
    return "\n".join(out).rstrip("\n")


def make_solution(nb) -> nbformat.NotebookNode:
    """A copy of a source notebook fit to hand out: no markers, no hidden tests, no nbgrader metadata."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        cell.source = strip_markers(cell.source)
        cell.metadata.pop("nbgrader", None)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return nb


def solution_code(source_nb) -> dict[str, str]:
    """grade_id -> solution cell source without markers, from a source notebook."""
    return {grade_id(c): strip_markers(c.source) for c in source_nb.cells if is_solution(c)}


def fill_submission(release_nb, answers: Mapping[str, str]) -> nbformat.NotebookNode:
    """A release notebook with the given grade_id -> code put into its solution cells."""
    nb = copy.deepcopy(release_nb)
    for cell in nb.cells:
        gid = grade_id(cell)
        if is_solution(cell) and gid in answers:
            cell.source = answers[gid]
    return nb


def has_markers(text: str) -> bool:
    return any(m in text for m in MARKERS)


def _windows(lines: list[str], k: int) -> set[tuple[str, ...]]:
    lines = [ln.strip() for ln in lines if ln.strip() and not ln.strip().startswith("#")]
    return {tuple(lines[i:i + k]) for i in range(len(lines) - k + 1)}


def solution_windows(source_nb, k: int = 4) -> set[tuple[str, ...]]:
    """Every run of k consecutive code lines inside a solution region (comments and blanks skipped).

    A file that contains one of these runs contains solution code; single
    generic lines (``x = np.asarray(x, dtype=float)``) do not count.
    """
    runs: set[tuple[str, ...]] = set()
    for cell in source_nb.cells:
        block, inside = [], False
        for line in cell.source.splitlines():
            s = line.strip()
            if s == BEGIN_SOLUTION:
                inside, block = True, []
                continue
            if s == END_SOLUTION:
                inside = False
                runs |= _windows(block, k)
                continue
            if inside:
                block.append(line)
    return runs


def code_windows(text: str, k: int = 4) -> set[tuple[str, ...]]:
    """The runs of k consecutive code lines of a text (for comparison with :func:`solution_windows`)."""
    return _windows(text.splitlines(), k)
