"""Every notebook has the files the README's authoring section lists, and its cells follow the conventions."""
from __future__ import annotations

import re

import nbformat
import pytest

from autograde_tests.conftest import ROOT, assignments
from courseadmin import notebooks as nbt


def _topic(aid: str) -> str:
    return aid.split("_", 1)[1]


def _converted() -> list[str]:
    from convgrader import notebooks
    return notebooks.converted()


def _test_cells(aid: str):
    nb = nbformat.read(ROOT / "source" / aid / f"{aid}.ipynb", as_version=4)
    return [c for c in nb.cells if nbt.is_test(c)]


@pytest.mark.parametrize("aid", assignments())
def test_notebook_has_its_files(aid):
    t = _topic(aid)
    needed = [f"source/{aid}/{aid}.ipynb", f"release/{aid}/{aid}.ipynb", f"solutions/{aid}/{aid}.ipynb",
              f"utils/convcourse/checks/{t}.py", f"autograde_tests/catalogue/{t}.py",
              f"autograde_tests/test_catalogue_{t}.py"]
    if aid in _converted():
        needed += [f"grader/convgrader/checks/{t}.py", f"grader/convgrader/hidden/{t}.py",
                   f"grader/convgrader/notebooks/{t}.py", f"utils/convcourse/checks/books/{aid}.json"]
    else:
        raise AssertionError(f"{aid} is not graded outside the kernel: add grader/convgrader/notebooks/{t}.py")
    missing = [p for p in needed if not (ROOT / p).exists()]
    assert not missing, f"{aid} lacks {missing}"


@pytest.mark.parametrize("aid", assignments())
def test_test_cells_follow_the_conventions(aid):
    cells = _test_cells(aid)
    assert cells, f"{aid} has no test cells"
    for cell in cells:
        gid = nbt.grade_id(cell)
        src = cell.source
        assert src.lstrip().startswith('"""'), f"{aid}/{gid}: a test cell opens with a one-line docstring"
        assert f"from convcourse.checks.{_topic(aid)} import" in src, f"{aid}/{gid}: imports its visible check"
        assert gid.endswith("_test"), f"{aid}/{gid}: test cells are named <graded name>_test"
        if aid in _converted():
            assert "HIDDEN TESTS" not in src, f"{aid}/{gid}: the hidden tests live in grader/, not in the cell"
        last = [line for line in src.strip().splitlines() if line.strip()][-1]
        assert not re.match(r"^\s*\d", last), f"{aid}/{gid}: a test cell must not end with a value"


@pytest.mark.parametrize("aid", _converted())
def test_every_test_cell_has_a_trusted_test(aid):
    from convgrader import notebooks

    tests = notebooks.tests_for(aid)
    gids = {nbt.grade_id(c) for c in _test_cells(aid)}
    assert gids == set(tests), f"{aid}: cells without a trusted test {sorted(gids - set(tests))}, " \
                               f"tests without a cell {sorted(set(tests) - gids)}"


@pytest.mark.parametrize("aid", _converted())
def test_student_checks_hold_no_answer_key(aid):
    """The student-side checks module neither imports the grader nor defines known mistakes or references."""
    text = (ROOT / "utils" / "convcourse" / "checks" / f"{_topic(aid)}.py").read_text()
    assert "convgrader" not in text and "autograde_tests" not in text
    assert "Mistake(" not in text and "reference=" not in text
    assert "from .. import ops" not in text and "from convcourse import ops" not in text
