"""Shared fixtures: the repository root and helpers for notebook tests."""
from __future__ import annotations

import os
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]

# Kernels the tests start (notebook runs) can import the test package; grading kernels never get it
# (TrustedExecute strips the course and grader folders from their PYTHONPATH).
os.environ["PYTHONPATH"] = os.pathsep.join(
    dict.fromkeys([str(ROOT)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))
os.environ.setdefault("MPLBACKEND", "Agg")


def assignments() -> list[str]:
    """Assignment ids that have a source notebook."""
    return sorted(p.name for p in (ROOT / "source").iterdir() if (p / f"{p.name}.ipynb").exists())


@pytest.fixture(scope="session")
def root() -> pathlib.Path:
    return ROOT
