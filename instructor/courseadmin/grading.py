"""``course autograde``: nbgrader's autograde, one student per process, that loses nothing.

For every student with a submission of the assignment it

1. inspects the submitted folder and reports, per student and file, what is
   wrong: the notebook missing (or under another name), an empty file, text
   that is not JSON, a notebook format other than v4, a notebook that does not
   validate, extra files (ignored by grading, listed);
2. runs ``nbgrader autograde ASSIGNMENT --student STUDENT`` in its own process
   (``--jobs`` at a time), with a time limit, so one student's notebook cannot
   stop the others' grading;
3. if the grading kernel died (a cell that crashed Python, or killed its own
   process some way the session guards did not stop), finds the cell that
   kills it, grades a quarantined copy with that cell replaced by an error
   (the submission itself is never touched), and says so;
4. leaves a marker with the submission's hash beside each finished grade, so
   a run that was interrupted can be started again and goes on where it
   stopped (``--force`` regrades everything);
5. hashes every submitted file before and after, and reports any change.

The summary lists every student with a status, the score and the problems;
the exit status is 0 only when every submission was graded without problems.
"""
from __future__ import annotations

import concurrent.futures as cf
import dataclasses
import hashlib
import json
import pathlib
import shutil
import subprocess
import sys
import time

import nbformat

from . import notebooks as nbt
from . import pipeline

MARKER = ".convcourse-graded.json"
QUARANTINE = "quarantine"
KILLED = ("This cell stopped the grading kernel (for example by crashing Python or ending its own "
          "process), so it was not run when grading. The rest of the notebook was graded.")


@dataclasses.dataclass
class Row:
    student: str
    status: str = "graded"            # graded | skipped | not graded | failed
    score: float | None = None
    max_score: float | None = None
    problems: list[str] = dataclasses.field(default_factory=list)
    notes: list[str] = dataclasses.field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status in ("graded", "skipped") and not self.problems


# ------------------------------------------------------------- inspection

def inspect(folder: pathlib.Path, aid: str) -> tuple[bool, list[str], list[str]]:
    """(gradeable, problems, notes) for one student's submitted assignment folder."""
    problems, notes = [], []
    expected = folder / f"{aid}.ipynb"
    files = sorted(p for p in folder.rglob("*") if p.is_file() and ".ipynb_checkpoints" not in p.parts)
    others = [p.relative_to(folder).as_posix() for p in files if p != expected]
    if not expected.exists():
        found = [f for f in others if f.endswith(".ipynb")]
        problems.append(f"missing {aid}.ipynb" + (f" (found {', '.join(found)}: rename it to {aid}.ipynb)"
                                                  if found else " (no notebook submitted)"))
        return False, problems, notes
    if others:
        notes.append(f"extra files ignored by grading: {', '.join(others[:10])}"
                     + (f" and {len(others) - 10} more" if len(others) > 10 else ""))
    raw = expected.read_bytes()
    if not raw.strip():
        problems.append(f"{aid}.ipynb is empty (0 bytes of content)")
        return False, problems, notes
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        problems.append(f"{aid}.ipynb is not text (not UTF-8): not a notebook")
        return False, problems, notes
    except json.JSONDecodeError as e:
        problems.append(f"{aid}.ipynb is not valid JSON (line {e.lineno}, column {e.colno}: {e.msg}); "
                        "it was probably edited outside Jupyter or truncated")
        return False, problems, notes
    if not isinstance(data, dict) or "cells" not in data and "worksheets" not in data:
        problems.append(f"{aid}.ipynb is JSON but not a notebook (no cells)")
        return False, problems, notes
    major = data.get("nbformat")
    if major != 4:
        problems.append(f"{aid}.ipynb has notebook format v{major}.{data.get('nbformat_minor')}; the course "
                        "uses v4 (open and save it in a current Jupyter)")
        return False, problems, notes
    try:
        nbformat.validate(nbformat.reads(raw.decode("utf-8"), as_version=4))
    except Exception as e:  # noqa: BLE001
        problems.append(f"{aid}.ipynb does not validate as a notebook: {str(e).splitlines()[0][:200]}")
        return False, problems, notes
    if not data.get("cells"):
        problems.append(f"{aid}.ipynb has no cells")
        return False, problems, notes
    return True, problems, notes


def tree_hash(folder: pathlib.Path) -> dict[str, str]:
    """sha256 of every file under ``folder`` (relative path -> hex digest)."""
    if not folder.exists():
        return {}
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _digest(hashes: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(hashes, sort_keys=True).encode()).hexdigest()


# ---------------------------------------------------------------- running

def _autograde_one(course: pathlib.Path, aid: str, student: str, timeout: float,
                   submitted_dir: str | None = None) -> tuple[bool, str]:
    args = ["autograde", aid, "--student", student, "--force"]
    if submitted_dir:
        args.append(f"--CourseDirectory.submitted_directory={submitted_dir}")
    try:
        proc = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, capture_output=True,
                              text=True, timeout=timeout, env=pipeline.nbgrader_env())
    except subprocess.TimeoutExpired:
        return False, f"grading took longer than {timeout:.0f} s and was stopped"
    log = proc.stdout + proc.stderr
    if "Exception while loading config file" in log:
        raise RuntimeError(f"nbgrader could not load its configuration:\n{log[-3000:]}")
    done = (course / "autograded" / student / aid / f"{aid}.ipynb").exists()
    return proc.returncode == 0 and done, log


def _killer_cell(nb_path: pathlib.Path, cwd: pathlib.Path, timeout: int) -> int | None:
    """Index of the first cell during which the kernel dies, or None."""
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    nb = nbformat.read(nb_path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(cwd)}})
    env = dict(pipeline.nbgrader_env(), NBGRADER_EXECUTION="autograde")
    with client.setup_kernel(env=env):
        for index, cell in enumerate(nb.cells):
            try:
                client.execute_cell(cell, index)
            except DeadKernelError:
                return index
            except Exception:  # noqa: BLE001  (timeouts and cell errors are not kernel deaths)
                continue
    return None


def _quarantine(course: pathlib.Path, aid: str, student: str, timeout: float) -> tuple[bool, str, list[int]]:
    """Grade a copy of the submission with the kernel-killing cells replaced by an error."""
    src = course / "submitted" / student / aid
    dst = course / QUARANTINE / student / aid
    if dst.exists():
        shutil.rmtree(dst)
    shutil.copytree(src, dst)
    path = dst / f"{aid}.ipynb"
    replaced: list[int] = []
    for _ in range(3):
        index = _killer_cell(path, dst, timeout=int(min(timeout, 60)))
        if index is None:
            break
        nb = nbformat.read(path, as_version=4)
        cell = nb.cells[index]
        if nbt.is_test(cell) or index in replaced:
            break          # a test cell is restored from the gradebook anyway
        cell.source = f"raise RuntimeError({KILLED!r})"
        nbformat.write(nb, path)
        replaced.append(index)
    ok, log = _autograde_one(course, aid, student, timeout, submitted_dir=QUARANTINE)
    return ok, log, replaced


def _scores(course: pathlib.Path, aid: str) -> dict[str, tuple[float, float]]:
    from nbgrader.api import Gradebook

    out = {}
    db = course / "gradebook.db"
    if not db.exists():
        return out
    with Gradebook(f"sqlite:///{db}") as gb:
        for sub in gb.assignment_submissions(aid):
            out[sub.student_id] = (sub.score, sub.max_score)
    return out


def autograde(course: pathlib.Path, aid: str, students: list[str] | None = None, jobs: int = 2,
              force: bool = False, timeout: float = 600, quiet: bool = False) -> list[Row]:
    """Grade every submission of ``aid`` in ``course``; returns one row per student."""
    course = pathlib.Path(course).resolve()
    submitted = course / "submitted"
    all_students = sorted(p.name for p in submitted.iterdir() if (p / aid).is_dir()) if submitted.exists() else []
    students = students or all_students
    before = {s: tree_hash(submitted / s / aid) for s in students}
    rows = {s: Row(s) for s in students}
    todo = []
    for s in students:
        folder = submitted / s / aid
        row = rows[s]
        if not folder.is_dir():
            row.status, row.problems = "not graded", [f"no submission folder submitted/{s}/{aid}/"]
            continue
        ok, problems, notes = inspect(folder, aid)
        row.problems += problems
        row.notes += notes
        if not ok:
            row.status = "not graded"
            continue
        marker = course / "autograded" / s / aid / MARKER
        if not force and marker.exists():
            try:
                if json.loads(marker.read_text()).get("submission") == _digest(before[s]):
                    row.status = "skipped"
                    row.notes.append("already graded (unchanged since): kept")
                    continue
            except (OSError, json.JSONDecodeError):
                pass
        todo.append(s)

    def run(student: str) -> None:
        row = rows[student]
        t0 = time.perf_counter()
        ok, log = _autograde_one(course, aid, student, timeout)
        if not ok and "database is locked" in log:
            ok, log = _autograde_one(course, aid, student, timeout)   # a concurrent writer: once more
        if not ok and ("DeadKernelError" in log or "Kernel died" in log or "kernel died" in log.lower()):
            ok, log, replaced = _quarantine(course, aid, student, timeout)
            if replaced:
                row.notes.append(f"cell(s) {', '.join(str(i + 1) for i in replaced)} stopped the grading kernel "
                                 "and were not run; the rest was graded")
        row.seconds = time.perf_counter() - t0
        if ok:
            marker = course / "autograded" / student / aid / MARKER
            marker.write_text(json.dumps({"submission": _digest(before[student]), "time": time.time()}))
        else:
            row.status = "failed"
            tail = [ln for ln in log.splitlines() if "ERROR" in ln or "Error" in ln][-3:]
            row.problems.append("nbgrader could not grade this notebook: " + (" | ".join(tail)[:400] or log[-300:]))

    with cf.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        list(pool.map(run, todo))

    scores = _scores(course, aid)
    for s, row in rows.items():
        after = tree_hash(submitted / s / aid)
        if after != before[s]:
            row.problems.append("the submitted files changed while grading (hashes differ)")
        if s in scores and row.status in ("graded", "skipped"):
            row.score, row.max_score = scores[s]
    result = [rows[s] for s in students]
    if not quiet:
        print_summary(aid, result)
    return result


def print_summary(aid: str, rows: list[Row]) -> None:
    print(f"\nautograde {aid}: {len(rows)} submission(s)")
    print(f"{'student':<22}{'status':<12}{'score':>12}  problems / notes")
    print("-" * 100)
    for r in rows:
        score = f"{r.score:g} / {r.max_score:g}" if r.score is not None else "-"
        lines = [f"PROBLEM: {p}" for p in r.problems] + r.notes or [""]
        print(f"{r.student:<22}{r.status:<12}{score:>12}  {lines[0]}")
        for extra in lines[1:]:
            print(f"{'':<46}{extra}")
    bad = [r.student for r in rows if not r.ok]
    print("-" * 100)
    print("all submissions graded without problems" if not bad else
          f"needs attention: {', '.join(bad)}")
