"""The instructor pipeline on real nbgrader commands.

``build``    source/ -> release/ (``nbgrader generate_assignment``) and
             solutions/ (executed, markers and hidden tests removed).
``demo``     a throw-away course next to the repository: release, sample
             submissions (a full solution, an untouched release, realistic
             buggy ones), ``nbgrader autograde`` into the SQLite gradebook,
             feedback, a grade table and ``grades.csv``.
``bundle``   what students receive: release notebooks and the course library.
"""
from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass, field

import nbformat

from . import notebooks as nbt

CONFIG = "nbgrader_config.py"


# ------------------------------------------------------------------ paths

def repo_root(start: str | os.PathLike | None = None) -> pathlib.Path:
    """The course repository: the nearest folder up from ``start`` (or cwd) with source/ and nbgrader_config.py."""
    env = os.environ.get("COURSE_ROOT")
    if env:
        return pathlib.Path(env).resolve()
    here = pathlib.Path(start or os.getcwd()).resolve()
    for p in [here, *here.parents]:
        if (p / CONFIG).exists() and (p / "source").is_dir():
            return p
    pkg = pathlib.Path(__file__).resolve().parents[2]
    if (pkg / CONFIG).exists():
        return pkg
    raise SystemExit("course: run this inside the course repository (no nbgrader_config.py and source/ found)")


def assignments(root: pathlib.Path) -> list[str]:
    """Assignment ids: folders of source/ holding a notebook of the same name."""
    return sorted(p.name for p in (root / "source").iterdir() if (p / f"{p.name}.ipynb").exists())


def notebook_path(root: pathlib.Path, step: str, aid: str) -> pathlib.Path:
    return root / step / aid / f"{aid}.ipynb"


# ----------------------------------------------------------------- running

def nbgrader_env() -> dict[str, str]:
    """The environment for nbgrader processes: this one, with its scripts on PATH (nbgrader runs `alembic`)."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([os.path.dirname(sys.executable), env.get("PATH", "")])
    # the grader's private package, for courses set up outside this repository (the kernels never get it)
    grader_dir = str(pathlib.Path(__file__).resolve().parents[2] / "grader")
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys([grader_dir] + [p for p in env.get("PYTHONPATH", "").split(
        os.pathsep) if p]))
    env.pop("MPLBACKEND", None)   # figures inline, as students see them
    return env


def nbgrader(args: list[str], cwd: pathlib.Path, check: bool = True, env: dict | None = None,
             quiet: bool = True) -> subprocess.CompletedProcess:
    """Run ``nbgrader ARGS`` (this interpreter's) in ``cwd``."""
    cmd = [sys.executable, "-m", "nbgrader", *args]
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env={**nbgrader_env(), **(env or {})})
    if not quiet:
        sys.stdout.write(proc.stdout)
    if "Exception while loading config file" in proc.stdout + proc.stderr:
        # nbgrader logs a broken config and carries on with defaults: never grade like that
        raise RuntimeError(f"nbgrader could not load its configuration:\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}")
    if check and proc.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


def execute(nb, cwd: pathlib.Path, timeout: int = 300, allow_errors: bool = False):
    """Run every cell of ``nb`` in a fresh python3 kernel with ``cwd`` as working folder."""
    from nbclient import NotebookClient

    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}   # figures inline
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=allow_errors,
                            record_timing=False, resources={"metadata": {"path": str(cwd)}})
    client.execute(env=env)
    return nb


# ------------------------------------------------------------------- build

def build_release(root: pathlib.Path, aid: str) -> pathlib.Path:
    nbgrader(["generate_assignment", aid, "--force"], cwd=root)
    return notebook_path(root, "release", aid)


def build_solution(root: pathlib.Path, aid: str, run: bool = True) -> pathlib.Path:
    source = nbformat.read(notebook_path(root, "source", aid), as_version=4)
    sol = nbt.make_solution(source)
    out = notebook_path(root, "solutions", aid)
    out.parent.mkdir(parents=True, exist_ok=True)
    if run:
        execute(sol, out.parent)
    nbformat.write(sol, out)
    return out


def grader(root: pathlib.Path):
    """The grader's private package (``grader/convgrader``), imported from this course folder."""
    path = str(root / "grader")
    if path not in sys.path:
        sys.path.insert(0, path)
    import convgrader
    import convgrader.notebooks

    return convgrader


def build_book(root: pathlib.Path, aid: str) -> pathlib.Path | None:
    """Write the visible answer book of a notebook graded outside the kernel (None for the others)."""
    grader(root)
    from convgrader import books, notebooks

    if aid not in notebooks.converted():
        return None
    return pathlib.Path(books.write(aid, str(root / "utils" / "convcourse" / "checks" / "books")))


def build(root: pathlib.Path, aids: list[str] | None = None, solutions: bool = True) -> None:
    """Regenerate the answer books, release/ and solutions/ for the given (default: all) assignments."""
    for aid in aids or assignments(root):
        t0 = time.perf_counter()
        build_book(root, aid)
        build_release(root, aid)
        if solutions:
            build_solution(root, aid)
        print(f"built {aid}: release/{aid}/ and solutions/{aid}/ ({time.perf_counter() - t0:.1f} s)")


# ------------------------------------------------------------------- demo

@dataclass
class Submission:
    """A sample student: which solution cells get which code."""

    student: str
    description: str
    replace: dict = field(default_factory=dict)   # grade_id -> code
    blank: bool = False
    blank_others: bool = False                    # only the replaced cells are filled (the rest left as released)


def _catalogue(root: pathlib.Path, aid: str):
    import importlib

    grader(root)
    sys.path.insert(0, str(root))
    try:
        return importlib.import_module(f"autograde_tests.catalogue.{aid.split('_', 1)[1]}")
    except ImportError:
        return None
    finally:
        sys.path.pop(0)


def demo_submissions(root: pathlib.Path, aid: str) -> list[Submission]:
    """Sample submissions: full, untouched, and realistic bugs from the test catalogue.

    The bugs are those named in :data:`DEMO_BUGS` for the assignment, else the
    catalogue's round-trip bug and the first bug of its first graded function.
    """
    subs = [Submission("demo-full", "complete, correct solution"),
            Submission("demo-blank", "the release notebook, untouched", blank=True)]
    cat = _catalogue(root, aid)
    if cat is None:
        return subs
    bugs = getattr(cat, "BUGS", {})
    picks = DEMO_BUGS.get(aid)
    if picks is None:
        picks = []
        rt = getattr(cat, "ROUNDTRIP_BUG", None)
        if rt:
            subs.append(Submission("demo-bug-1", f"{rt['cell']}: the round-trip bug", replace={rt["cell"]: rt["code"]}))
        first = next(iter(getattr(cat, "FUNCTIONS", [])), None)
        if first and bugs.get(first):
            picks = [("demo-bug-2", first, bugs[first][0][0])]
    for student, fn, label in picks:
        code = dict(bugs.get(fn, [])).get(label)
        if code is not None:
            subs.append(Submission(student, f"{fn}: {label}", replace={fn: code}))
    return subs


DEMO_BUGS = {
    "01_convolution": [
        ("demo-flipped", "corr2d", "kernel flipped (convolution)"),
        ("demo-valid", "corr2d", "valid padding (no padding)"),
        ("demo-torch-layout", "conv_layer", "torch layout: w[co, ci]"),
        ("demo-scipy", "corr2d", "uses scipy.signal.correlate2d"),
        ("demo-pixel-loops", "conv_layer_fast", "per-pixel loops (not vectorised)"),
    ],
}


def make_course(dest: pathlib.Path, root: pathlib.Path, aids: list[str]) -> pathlib.Path:
    """A fresh nbgrader course folder at ``dest`` sharing this repository's config and hidden tests."""
    if dest.exists():
        shutil.rmtree(dest)
    (dest / "source").mkdir(parents=True)
    for aid in aids:
        shutil.copytree(root / "source" / aid, dest / "source" / aid)
    (dest / CONFIG).write_text(
        "# A course folder using the repository's settings (and its grader).\n"
        "c = get_config()  # noqa: F821\n"
        f"load_subconfig({CONFIG!r}, path={str(root)!r})  # noqa: F821\n"
    )
    return dest


def write_submission(course: pathlib.Path, root: pathlib.Path, aid: str, sub: Submission) -> pathlib.Path:
    release = nbformat.read(notebook_path(course, "release", aid), as_version=4)
    if sub.blank:
        nb = release
    else:
        source = nbformat.read(notebook_path(root, "source", aid), as_version=4)
        answers = {} if sub.blank_others else nbt.solution_code(source)
        answers.update(sub.replace)
        nb = nbt.fill_submission(release, answers)
    path = course / "submitted" / sub.student / aid / f"{aid}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def grade_table(course: pathlib.Path, aids: list[str]) -> list[dict]:
    """Rows (student, assignment, score, max, failed cells) read from the gradebook."""
    from nbgrader.api import Gradebook

    rows = []
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for aid in aids:
            for sub in gb.assignment_submissions(aid):
                failed = []
                for nb in sub.notebooks:
                    for g in nb.grades:
                        if g.max_score and (g.score or 0) < g.max_score:
                            failed.append(f"{g.name} {g.score or 0:g}/{g.max_score:g}")
                rows.append({"student": sub.student_id, "assignment": aid, "score": sub.score,
                             "max": sub.max_score, "failed": failed})
    return sorted(rows, key=lambda r: (r["assignment"], r["student"]))


def print_grade_table(rows: list[dict], descriptions: dict[tuple[str, str], str] | None = None) -> None:
    descriptions = descriptions or {}
    print(f"\n{'student':<20} {'assignment':<18} {'score':>11}  lost points in")
    print("-" * 100)
    for r in rows:
        lost = ", ".join(r["failed"]) or "-"
        print(f"{r['student']:<20} {r['assignment']:<18} {r['score']:>5g} / {r['max']:<3g}  {lost}")
        if (r["student"], r["assignment"]) in descriptions:
            print(f"{'':<20} ({descriptions[(r['student'], r['assignment'])]})")


def demo(root: pathlib.Path, dest: pathlib.Path | None = None, aids: list[str] | None = None) -> list[dict]:
    """The whole instructor round on sample submissions; returns the grade rows."""
    aids = aids or assignments(root)
    course = make_course(dest or root / "demo_course", root, aids)
    print(f"demo course in {course}")
    descriptions = {}
    for aid in aids:
        t0 = time.perf_counter()
        nbgrader(["generate_assignment", aid, "--force"], cwd=course)
        print(f"[{aid}] release generated ({time.perf_counter() - t0:.1f} s)")
        for sub in demo_submissions(root, aid):
            write_submission(course, root, aid, sub)
            descriptions[(sub.student, aid)] = sub.description
        t0 = time.perf_counter()
        nbgrader(["autograde", aid, "--force"], cwd=course)
        print(f"[{aid}] autograded {len(demo_submissions(root, aid))} submissions "
              f"({time.perf_counter() - t0:.1f} s)")
        nbgrader(["generate_feedback", aid, "--force"], cwd=course)
        print(f"[{aid}] feedback in {course / 'feedback'}")
    nbgrader(["export"], cwd=course)
    rows = grade_table(course, aids)
    print_grade_table(rows, descriptions)
    print(f"\ngrades exported to {course / 'grades.csv'}")
    return rows


# ------------------------------------------------------------------ bundle

STUDENT_PYPROJECT = """\
[build-system]
requires = ["setuptools>=64"]
build-backend = "setuptools.build_meta"

[project]
name = "convcourse"
version = "{version}"
description = "Course library for the notebooks on Convolutional Neural Nets"
requires-python = ">=3.11"
dependencies = {dependencies}

[tool.setuptools.packages.find]
where = ["utils"]
include = ["convcourse*"]

[tool.setuptools.package-data]
convcourse = ["checks/books/*.json"]
"""

STUDENT_README = """\
# Convolutional Neural Nets: student notebooks

Set up once (Python 3.11+):

    python3 -m venv .venv
    .venv/bin/pip install -e .
    .venv/bin/jupyter lab release/

Open the notebooks in order, write your code where it says `# YOUR CODE HERE`,
run each test cell for instant feedback, and hand in the notebook file.
"""


def bundle(root: pathlib.Path, out: pathlib.Path) -> pathlib.Path:
    """Zip what students receive: release notebooks and the course library (without instructor tools)."""
    import tomllib

    meta = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for path in sorted((root / "release").rglob("*")):
            if path.is_file() and ".ipynb_checkpoints" not in path.parts:
                z.write(path, path.relative_to(root).as_posix())
        for path in sorted((root / "utils" / "convcourse").rglob("*")):
            rel = path.relative_to(root)
            if path.is_file() and "__pycache__" not in rel.parts:
                z.write(path, rel.as_posix())
        z.writestr("pyproject.toml", STUDENT_PYPROJECT.format(version=meta["version"],
                                                              dependencies=json.dumps(meta["dependencies"])))
        z.writestr("README.md", STUDENT_README)
    return out
