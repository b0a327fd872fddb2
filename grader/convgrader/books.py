"""Write the visible answer books: each visible case, its expected answer, the known mistakes' answers.

``python -m convgrader.books [ASSIGNMENT ...]`` (run by ``course build``)
runs every visible checker of :mod:`convgrader.notebooks` on a
:class:`~convcourse.checks.core.Recorder` and stores what it recorded in
``utils/convcourse/checks/books/<assignment>.json``, which ships with the
student package.
"""
from __future__ import annotations

import os
import sys

from convcourse import wire
from convcourse.checks.core import Recorder

from . import notebooks

BOOK_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                        "utils", "convcourse", "checks", "books")


def book(assignment: str) -> dict:
    spec = notebooks.spec(assignment)
    out = {}
    for name, visible in spec.visible.items():
        if hasattr(visible, "book"):        # a module check writes its own entries
            out[name] = visible.book()
            continue
        rec = Recorder(name)
        visible(rec)
        out[name] = rec.groups
    return out


def text(assignment: str) -> str:
    return wire.encode(book(assignment)) + "\n"


def write(assignment: str, directory: str = BOOK_DIR) -> str:
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, f"{assignment}.json")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text(assignment))
    return path


def main(argv: list[str] | None = None) -> None:
    for a in (argv if argv else notebooks.converted()):
        print(write(a))


if __name__ == "__main__":
    main(sys.argv[1:])
