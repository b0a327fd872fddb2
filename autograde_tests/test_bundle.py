"""The student bundle holds the release notebooks and an installable library, and no solutions
or hidden tests."""
import subprocess
import sys
import zipfile

import nbformat
import pytest

from autograde_tests.conftest import ROOT, assignments
from courseadmin import notebooks as nbt
from courseadmin import pipeline


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    out = tmp_path_factory.mktemp("bundle") / "student_bundle.zip"
    pipeline.bundle(ROOT, out)
    return out


def test_bundle_contents(bundle):
    names = zipfile.ZipFile(bundle).namelist()
    for aid in assignments():
        assert f"release/{aid}/{aid}.ipynb" in names
    assert "utils/convcourse/ops.py" in names and "pyproject.toml" in names
    assert not any(n.startswith(("source/", "solutions/", "autograde_tests/")) for n in names)
    assert not any("/admin/" in n for n in names), "instructor tools are not for students"


def test_bundle_has_no_solution_code_or_hidden_tests(bundle):
    z = zipfile.ZipFile(bundle)
    secret = set()
    for aid in assignments():
        secret |= nbt.solution_windows(nbformat.read(ROOT / "source" / aid / f"{aid}.ipynb", as_version=4))
    assert len(secret) > 20, "too few solution lines found to make this test meaningful"
    for name in z.namelist():
        text = z.read(name).decode("utf-8", errors="replace")
        assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text, name
        assert "def hidden_" not in text, f"{name} holds hidden-test code"
        if name.endswith(".ipynb"):
            text = "\n".join(c.source for c in nbformat.reads(text, as_version=4).cells)
        leaked = secret & nbt.code_windows(text)
        assert not leaked, f"{name} contains solution code: {sorted(leaked)[:2]}"


def test_leak_detector_finds_solution_code(bundle):
    """The check above can fail: a file holding one solution's code is caught."""
    nb = nbformat.read(ROOT / "source" / "01_convolution" / "01_convolution.ipynb", as_version=4)
    solution = next(c.source for c in nb.cells if nbt.grade_id(c) == "corr2d")
    assert nbt.solution_windows(nb) & nbt.code_windows(nbt.strip_markers(solution))


def test_bundle_installs_as_a_package(bundle, tmp_path):
    zipfile.ZipFile(bundle).extractall(tmp_path / "b")
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                           "-w", str(tmp_path / "wheel"), str(tmp_path / "b")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    wheel = next((tmp_path / "wheel").glob("convcourse-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "convcourse/ops.py" in names and "convcourse/checks/core.py" in names
    assert not any(n.startswith("convcourse/admin") for n in names)
