"""Every source notebook runs top to bottom with all tests passing; every release notebook fails
every graded test, and only because its stubs raise NotImplementedError."""
import time

import pytest

from autograde_tests.conftest import ROOT, assignments
from autograde_tests.notebook_utils import errors, run_notebook, stderr_text, graded_cells

pytestmark = pytest.mark.notebook


@pytest.mark.parametrize("aid", assignments())
def test_source_runs_and_passes(aid):
    t0 = time.perf_counter()
    nb = run_notebook(ROOT / "source" / aid / f"{aid}.ipynb")
    seconds = time.perf_counter() - t0
    for cell in graded_cells(nb):
        gid = cell.metadata.nbgrader.grade_id
        assert not errors(cell), f"{aid}/{gid} fails on the source notebook: {errors(cell)}"
        assert not stderr_text(cell).strip(), f"{aid}/{gid} writes to stderr: {stderr_text(cell)[:500]}"
    assert seconds < 60, f"{aid} took {seconds:.0f} s to run (budget: under a minute on a CPU)"


@pytest.mark.parametrize("aid", assignments())
def test_release_fails_every_test_with_not_implemented(aid):
    nb = run_notebook(ROOT / "release" / aid / f"{aid}.ipynb", allow_errors=True)
    tests = graded_cells(nb)
    assert tests, f"{aid} release has no graded test cells"
    for cell in tests:
        assert errors(cell), f"{aid}/{cell.metadata.nbgrader.grade_id} passes on the untouched release"
    for i, cell in enumerate(nb.cells):
        for ename, evalue in errors(cell):
            assert ename in ("NotImplementedError", "NameError"), (
                f"{aid} cell {i} fails with {ename}: {evalue} (release stubs should fail only with "
                "NotImplementedError, or NameError for an answer left unset)")
