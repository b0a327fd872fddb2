"""Catalogues of buggy and correct implementations, one module per notebook (see ``runner.py``).

Small helpers the catalogue modules share for writing entries as source strings.
"""
import textwrap


def src(text: str) -> str:
    """A cell's source: dedented, without leading or trailing blank lines, ending in a newline."""
    return textwrap.dedent(text).strip("\n") + "\n"


def entries(*pairs):
    """``(label, source)`` pairs with each source normalised by :func:`src`."""
    return [(label, src(code)) for label, code in pairs]


def variant(base: str, old: str, new: str, count: int = -1) -> str:
    """``base`` with a slip: ``old`` (which must occur) replaced by ``new`` (``count`` times; all by default)."""
    base = src(base)
    assert old in base, f"snippet not found: {old!r}"
    return base.replace(old, new, count)
