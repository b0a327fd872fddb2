"""Mutation testing of a notebook's graders: the machinery every ``test_catalogue_<topic>.py`` uses.

A catalogue module (``autograde_tests/catalogue/<topic>.py``) defines

* ``FUNCTIONS``: graded names defined by code (functions, classes), ``ANSWERS``: graded plain values;
* ``BUGS[name]``: ``(label, cell source)`` pairs, each a realistic mistake;
* ``CORRECT[name]``: ``(label, cell source)`` pairs, correct alternatives (the first is the reference
  used to fill the namespace for the other names);
* ``ROUNDTRIP_BUG``: ``{"cell": solution grade id, "code": cell source, "lost": [test grade ids]}``, a bug
  used in the real nbgrader round trip (it must cost exactly those test cells).

Every entry is executed the way the notebook executes a solution cell: in a fresh namespace holding
``np``, ``torch`` and the correct versions of the other names.  The visible check (``check_<name>``) and
the hidden check (``hidden_<name>``) then run in-process:

* every correct alternative must pass both;
* every bug must be *killed*: the visible or the hidden check raises a :class:`CheckError` (a crash of the
  checker does not count, nor does ``NotImplementedError``);
* for a sample of bugs, the message must name the mistake;
* a summary prints the kill rate per name and asserts 100%.

Use::

    globals().update(catalogue_tests(cat, checks, hidden, min_bugs=..., expected_messages=...))
"""
from __future__ import annotations

import dataclasses
import functools
import linecache

import numpy as np
import pytest

from convcourse.checks.core import CheckError


def catalogue_tests(cat, checks, hidden, min_bugs: dict, expected_messages: dict | None = None,
                    min_correct: int = 3) -> dict:
    """The test functions for one notebook's catalogue (bind them into the test module's globals)."""
    expected_messages = expected_messages or {}
    names = list(cat.FUNCTIONS) + list(getattr(cat, "ANSWERS", []))
    answers = set(getattr(cat, "ANSWERS", []))

    def _exec(name: str, source: str, ns: dict) -> None:
        # Registered in linecache like a notebook cell, so messages can quote the offending line.
        filename = f"<{name} cell {abs(hash(source)):x}>"
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        exec(compile(source, filename, "exec"), ns)  # noqa: S102

    def namespace(name: str, source: str) -> dict:
        import torch

        ns: dict = {"np": np, "torch": torch, "nn": torch.nn, "__name__": "__main__"}
        for other in cat.FUNCTIONS:
            if other != name:
                _exec(other, cat.CORRECT[other][0][1], ns)
        _exec(name, source, ns)
        return ns

    @dataclasses.dataclass
    class Outcome:
        passed: bool
        stage: str = ""
        error: BaseException | None = None

        @property
        def message(self) -> str:
            return str(self.error) if self.error is not None else ""

    @functools.lru_cache(maxsize=None)
    def run_entry(name: str, kind: str, index: int) -> Outcome:
        label, source = (cat.CORRECT if kind == "correct" else cat.BUGS)[name][index]
        try:
            ns = namespace(name, source)
            answer = ns[name]
        except Exception as e:  # noqa: BLE001  a cell that fails to run is a kill (if it is a bug)
            return Outcome(False, "cell", CheckError(f"the cell itself raised {type(e).__name__}: {e}"))
        for stage, check in (("visible", getattr(checks, f"check_{name}")),
                             ("hidden", getattr(hidden, f"hidden_{name}"))):
            try:
                check(answer)
            except NotImplementedError:
                raise
            except Exception as e:  # noqa: BLE001
                return Outcome(False, stage, e)
        return Outcome(True)

    def _ids(table):
        return [pytest.param(name, i, id=f"{name}:{label}") for name in names
                for i, (label, _) in enumerate(table[name])]

    def test_catalogue_has_enough_entries():
        for name in names:
            assert len(cat.BUGS[name]) >= min_bugs.get(name, 5), f"{name}: only {len(cat.BUGS[name])} bugs"
            assert len(cat.CORRECT[name]) >= (1 if name in answers else min_correct), name
            labels = [label for label, _ in cat.BUGS[name] + cat.CORRECT[name]]
            assert len(labels) == len(set(labels)), f"{name}: duplicate labels"
        for name, label in expected_messages:
            assert label in [lab for lab, _ in cat.BUGS[name]], f"unknown bug in expected_messages: {name}: {label}"

    @pytest.mark.parametrize("name, index", _ids(cat.CORRECT))
    def test_correct_alternative_passes(name, index):
        outcome = run_entry(name, "correct", index)
        assert outcome.passed, (f"{cat.CORRECT[name][index][0]!r} was rejected by the {outcome.stage} check:\n"
                                f"{outcome.message}")

    @pytest.mark.parametrize("name, index", _ids(cat.BUGS))
    def test_bug_is_killed(name, index):
        label = cat.BUGS[name][index][0]
        outcome = run_entry(name, "bug", index)
        assert not outcome.passed, f"bug {label!r} of {name} passed the visible and the hidden checks"
        assert isinstance(outcome.error, CheckError), (
            f"bug {label!r} was stopped by a crash of the checker, not by a check: {outcome.error!r}")
        assert outcome.message.strip(), f"bug {label!r}: empty message"
        for word in expected_messages.get((name, label), []):
            assert word.lower() in outcome.message.lower(), (
                f"bug {label!r}: the {outcome.stage} check's message does not mention {word!r}:\n{outcome.message}")

    def test_kill_rate_summary(capsys):
        rows = []
        for name in names:
            bugs = [run_entry(name, "bug", i) for i in range(len(cat.BUGS[name]))]
            correct = [run_entry(name, "correct", i) for i in range(len(cat.CORRECT[name]))]
            rows.append((name, len(correct), sum(o.passed for o in correct), len(bugs),
                         sum(not o.passed for o in bugs), sum(o.stage == "visible" for o in bugs)))
        totals = ("overall",) + tuple(sum(r[i] for r in rows) for i in range(1, 6))
        lines = [f"{cat.__name__.rsplit('.', 1)[-1]}: kill rate of the catalogue of buggy implementations",
                 f"{'name':<24}{'correct':>8}{'pass':>6}{'bugs':>6}{'killed':>8}{'by visible':>12}{'rate':>7}"]
        for name, nc, pc, nb, kb, vb in rows + [totals]:
            lines.append(f"{name:<24}{nc:>8}{pc:>6}{nb:>6}{kb:>8}{vb:>12}{kb / max(nb, 1):>7.0%}")
        with capsys.disabled():
            print("\n" + "\n".join(lines))
        survivors = [f"{name}: {cat.BUGS[name][i][0]}" for name in names for i in range(len(cat.BUGS[name]))
                     if run_entry(name, "bug", i).passed]
        rejected = [f"{name}: {cat.CORRECT[name][i][0]}" for name in names for i in range(len(cat.CORRECT[name]))
                    if not run_entry(name, "correct", i).passed]
        assert not survivors, "bugs not caught:\n  " + "\n  ".join(survivors)
        assert not rejected, "correct alternatives rejected:\n  " + "\n  ".join(rejected)

    def test_roundtrip_bug_is_in_the_catalogue():
        rt = getattr(cat, "ROUNDTRIP_BUG", None)
        assert rt and rt["cell"] and rt["code"] and rt["lost"], "define ROUNDTRIP_BUG for the nbgrader round trip"

    return {f.__name__: f for f in (test_catalogue_has_enough_entries, test_correct_alternative_passes,
                                    test_bug_is_killed, test_kill_rate_summary,
                                    test_roundtrip_bug_is_in_the_catalogue)}


# ------------------------------------------------- the students' visible checks agree with the grader's

def visible_agreement_test(cat, checks, student_checks):
    """A test, parametrized over every catalogue entry: the visible check students run (the answer book's
    replay, ``student_checks``) and the grader's visible check (``checks``) give the same verdict and message."""
    import contextlib
    import io
    import linecache

    import numpy as np
    import pytest
    import torch

    def namespace(name: str, source: str) -> dict:
        ns: dict = {"np": np, "torch": torch, "nn": torch.nn, "__name__": "__main__"}
        for other, src in [(o, cat.CORRECT[o][0][1]) for o in cat.FUNCTIONS if o != name] + [(name, source)]:
            filename = f"<{other} cell {abs(hash(src)):x}>"
            linecache.cache[filename] = (len(src), None, src.splitlines(True), filename)
            exec(compile(src, filename, "exec"), ns)  # noqa: S102
        return ns

    def outcome(check, answer) -> str | None:
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                check(answer)
        except CheckError as e:
            return f"{type(e).__name__}: {e}"
        return None

    ids = [pytest.param(name, kind, i, id=f"{name}:{kind}:{label}")
           for name in list(cat.FUNCTIONS) + list(cat.ANSWERS)
           for kind, table in (("correct", cat.CORRECT), ("bug", cat.BUGS))
           for i, (label, _) in enumerate(table[name])]

    @pytest.mark.parametrize("name, kind, index", ids)
    def test_student_visible_check_agrees_with_the_grader(name, kind, index):
        label, source = (cat.CORRECT if kind == "correct" else cat.BUGS)[name][index]
        try:
            answer = namespace(name, source)[name]
        except Exception:  # noqa: BLE001  (a cell that does not run: nothing to compare)
            pytest.skip("the cell itself raises")
        grader = outcome(getattr(checks, f"check_{name}"), answer)
        student = outcome(getattr(student_checks, f"check_{name}"), answer)
        assert student == grader, f"{label!r}:\n  grader's visible check: {grader}\n  student's visible check: {student}"
    return test_student_visible_check_agrees_with_the_grader
