"""release/ and solutions/ are exactly what the build makes from source/ (outputs aside), and solutions
are fit to hand out."""
import shutil

import nbformat
import pytest

from autograde_tests.conftest import ROOT, assignments
from courseadmin import notebooks as nbt
from courseadmin import pipeline

# one worker computes the module's expensive fixture once
pytestmark = [pytest.mark.nbgrader, pytest.mark.xdist_group("rebuilt")]


def _cells(path):
    nb = nbformat.read(path, as_version=4)
    return [(c.cell_type, c.source, dict(c.metadata)) for c in nb.cells]


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory):
    course = tmp_path_factory.mktemp("rebuild")
    shutil.copytree(ROOT / "source", course / "source")
    shutil.copy(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    pipeline.build(course, assignments())
    return course


@pytest.mark.parametrize("step", ["release", "solutions"])
@pytest.mark.parametrize("aid", assignments())
def test_committed_matches_regenerated(rebuilt, aid, step):
    committed = _cells(ROOT / step / aid / f"{aid}.ipynb")
    fresh = _cells(rebuilt / step / aid / f"{aid}.ipynb")
    assert len(committed) == len(fresh), f"{step}/{aid}: {len(committed)} cells committed, {len(fresh)} generated"
    for i, (a, b) in enumerate(zip(committed, fresh)):
        assert a == b, f"{step}/{aid} cell {i} differs from what `course build` generates: run `make build`"


def _converted():
    from convgrader import notebooks
    return notebooks.converted()


@pytest.mark.parametrize("aid", _converted())
def test_answer_book_matches_regenerated(aid):
    """The visible answer book shipped with the student package is what the grader's references make."""
    from convgrader import books

    committed = (ROOT / "utils" / "convcourse" / "checks" / "books" / f"{aid}.json").read_text()
    assert committed == books.text(aid), f"books/{aid}.json is stale: run `make build`"


@pytest.mark.parametrize("aid", assignments())
def test_solutions_are_executed_and_clean(aid):
    nb = nbformat.read(ROOT / "solutions" / aid / f"{aid}.ipynb", as_version=4)
    text = "\n".join(c.source for c in nb.cells)
    assert not nbt.has_markers(text), "solutions carry nbgrader markers or hidden tests"
    assert "autograde_tests" not in text, "solutions mention the hidden tests"
    assert not any("nbgrader" in c.metadata for c in nb.cells), "solutions carry nbgrader metadata"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code), "solutions are not fully executed"
    assert not any(o.output_type == "error" for c in code for o in c.outputs), "a solution cell failed"


@pytest.mark.parametrize("aid", assignments())
def test_source_has_no_outputs(aid):
    nb = nbformat.read(ROOT / "source" / aid / f"{aid}.ipynb", as_version=4)
    assert not any(c.get("outputs") or c.get("execution_count") for c in nb.cells if c.cell_type == "code")
