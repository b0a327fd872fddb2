"""Mutation tests of the graders of notebook 01_convolution.

Every entry of ``autograde_tests/catalogue/convolution.py`` is executed the
way the notebook executes a solution cell: in a fresh namespace holding
``np`` and correct versions of the notebook's other graded functions (the
first correct alternative of each).  The visible check (``check_<name>``)
and the hidden check (``hidden_<name>``) then run in-process.

* every correct alternative must pass both;
* every bug must be *killed*: the visible or the hidden check raises
  (``NotImplementedError`` does not count: it is what an unanswered cell
  raises).  A kill must come from a :class:`CheckError`, the checks' own
  verdict, not from a crash of the checker;
* for a sample of bugs the message must name the mistake;
* a summary prints the kill rate per function and asserts 100%.
"""
from __future__ import annotations

import dataclasses
import functools
import linecache

import numpy as np
import pytest

from autograde_tests.catalogue import convolution as cat
from autograde_tests.hidden import convolution as hidden
from convcourse.checks import convolution as checks
from convcourse.checks.core import CheckError

NAMES = cat.FUNCTIONS + cat.ANSWERS

# The brief's minimum number of bugs per graded name.
MIN_BUGS = {name: 7 for name in cat.FUNCTIONS} | {"conv_num_params": 3, "answer_filter_params": 3,
                                                   "answer_num_filters": 3}

# (function, bug label) -> words the failure message must contain (case-insensitive).
EXPECTED_MESSAGES = {
    ("corr2d", "kernel flipped (convolution)"): ["flipped", "convolution"],
    ("corr2d", "kernel flipped along the rows only"): ["one axis"],
    ("corr2d", "valid padding (no padding)"): ["valid"],
    ("corr2d", "full padding (pads by the kernel size)"): ["full"],
    ("corr2d", "edge padding instead of zeros"): ["zeros"],
    ("corr2d", "pads the valid output instead of the input"): ["padded the output"],
    ("corr2d", "kernel anchored at its top-left corner"): ["corner"],
    ("corr2d", "bias missing"): ["bias"],
    ("corr2d", "bias added once per kernel tap"): ["per kernel tap"],
    ("corr2d", "integer truncation: out = np.zeros_like(x)"): ["dtype", "integer"],
    ("corr2d", "writes the result into the input x (in place)"): ["in place"],
    ("corr2d", "returns a Python list"): ["list"],
    ("corr2d", "uses torch.nn.functional.conv2d"): ["numpy alone", "torch"],
    ("corr2d", "uses scipy.signal.correlate2d"): ["numpy alone", "scipy"],
    ("corr2d", "uses np.correlate row by row"): ["numpy alone", "correlate"],
    ("corr2d", "einsum output axes swapped ('->mn')"): ["swapped"],
    ("corr2d", "missing return"): ["return"],
    ("corr2d", "bias parameter renamed (keyword b= fails)"): ["keyword"],
    ("convolve2d", "kernel not flipped (cross-correlation)"): ["not flipped"],
    ("convolve2d", "flipped along the rows only (w[::-1])"): ["one axis"],
    ("convolve2d", "transposed instead of flipped (w.T)"): ["transposed"],
    ("convolve2d", "rotated by 90 degrees only (np.rot90 once)"): ["rot90"],
    ("convolve2d", "flips the kernel in place"): ["in place"],
    ("convolve2d", "valid output (no padding)"): ["valid"],
    ("convolve2d", "uses scipy.signal.convolve2d"): ["numpy alone"],
    ("convolve2d", "full output"): ["full"],
    ("convolve2d", "flips the image but not the result back"): ["flipped the image"],
    ("convolve2d", "uses np.convolve row by row"): ["numpy alone", "convolve"],
    ("corr1d", "kernel flipped"): ["flipped"],
    ("corr1d", "valid output (no padding)"): ["valid"],
    ("corr1d", "uses np.correlate"): ["numpy alone", "np.correlate"],
    ("corr1d", "integer truncation: np.zeros_like(x)"): ["dtype"],
    ("corr1d", "edge padding"): ["zeros"],
    ("corr1d", "full output (padded by len(w) - 1)"): ["full"],
    ("toeplitz_1d", "transposed (T[j, i] = w[k])"): ["transpose"],
    ("toeplitz_1d", "band off by K (centre tap not on the diagonal)"): ["diagonal"],
    ("toeplitz_1d", "integer kernel gives an integer matrix"): ["dtype"],
    ("toeplitz_1d", "uses scipy.linalg.toeplitz"): ["numpy alone"],
    ("toeplitz_1d", "circulant: wraps around instead of truncating"): ["circulant"],
    ("toeplitz_1d", "np.diag of n - |d| entries: breaks when the kernel is longer than the signal"):
        ["kernel longer than the signal"],
    ("conv_multi_in", "bias added once per channel (the text's erratum)"): ["erratum"],
    ("conv_multi_in", "averages over channels instead of summing"): ["averaged"],
    ("conv_multi_in", "stores the responses in x (in place)"): ["in place"],
    ("conv_multi_in", "integer truncation: np.zeros_like(x[0])"): ["dtype"],
    ("conv_multi_in", "uses torch conv2d"): ["numpy alone"],
    ("conv_multi_in", "only the last channel counts (= instead of +=)"): ["not summed"],
    ("conv_multi_in", "off-by-one: last channel skipped"): ["last channel is missing"],
    ("conv_multi_in", "bias parameter renamed (keyword b= fails)"): ["keyword"],
    ("conv_multi_out", "every channel gets b[0]"): ["b[0]"],
    ("conv_multi_out", "integer truncation: output of x's dtype"): ["dtype"],
    ("conv_multi_out", "bias added twice"): ["twice"],
    ("conv_multi_out", "stacks on the last axis: (N, M, C)"): ["(C, N, M)"],
    ("conv_layer", "torch layout via the helper: conv_multi_in(x, w[co])"): ["layout"],
    ("conv_layer", "bias added once per input channel"): ["once per input channel"],
    ("conv_layer", "torch layout: w[co, ci]"): ["torch", "layout"],
    ("conv_layer", "averages over input channels"): ["averaged"],
    ("conv_layer", "only the last input channel counts (= instead of +=)"): ["not summed"],
    ("conv_layer", "integer truncation: output of x's dtype"): ["dtype"],
    ("conv_layer", "calls the course's reference op"): ["numpy alone", "convcourse.ops"],
    ("conv_layer_fast", "per-pixel loops (not vectorised)"): ["function calls"],
    ("conv_layer_fast", "per-pixel loop over output channels too"): ["function calls"],
    ("conv_layer_fast", "bias missing"): ["bias"],
    ("conv_layer_fast", "uses torch"): ["numpy alone"],
    ("conv_layer_fast", "calls the course's reference op"): ["numpy alone", "convcourse.ops"],
    ("conv_layer_fast", "einsum reads w as (C_out, C_in)"): ["layout"],
    ("conv_layer_fast", "integer inputs: accumulator of x's dtype"): ["dtype"],
    ("conv_num_params", "forgets the input channels"): ["c_in"],
    ("conv_num_params", "one bias per input channel"): ["one bias per output channel"],
    ("conv_num_params", "returns a float"): ["integer"],
    ("conv_num_params", "k instead of k * k"): ["k * k weights"],
    ("conv_num_params", "ignores the bias flag"): ["bias flag"],
    ("answer_filter_params", "the number 27 instead of a letter"): ["letters"],
    ("answer_filter_params", "A: one channel's 3x3 kernel (9)"): ["not the right choice"],
}


# ------------------------------------------------------------------ running

def _exec(name: str, source: str, ns: dict) -> None:
    # Registered in linecache like a notebook cell, so messages can quote the offending line.
    filename = f"<{name} cell {abs(hash(source)):x}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(compile(source, filename, "exec"), ns)  # noqa: S102


def namespace(name: str, source: str) -> dict:
    """A notebook-like namespace: np, correct versions of the other functions, then the entry's cell."""
    ns: dict = {"np": np, "__name__": "__main__"}
    for other in cat.FUNCTIONS:
        if other != name:
            _exec(other, cat.CORRECT[other][0][1], ns)
    _exec(name, source, ns)
    return ns


@dataclasses.dataclass
class Outcome:
    passed: bool
    stage: str = ""                 # "visible" or "hidden": the check that failed
    error: BaseException | None = None

    @property
    def message(self) -> str:
        return str(self.error) if self.error is not None else ""


@functools.lru_cache(maxsize=None)
def run_entry(name: str, kind: str, index: int) -> Outcome:
    """Run the visible then the hidden check of one catalogue entry (cached: the summary reuses it)."""
    label, source = (cat.CORRECT if kind == "correct" else cat.BUGS)[name][index]
    ns = namespace(name, source)
    answer = ns[name]
    for stage, check in (("visible", getattr(checks, f"check_{name}")), ("hidden", getattr(hidden, f"hidden_{name}"))):
        try:
            check(answer)
        except NotImplementedError:
            raise
        except Exception as e:  # noqa: BLE001  (any failure of the check is a kill)
            return Outcome(False, stage, e)
    return Outcome(True)


def _ids(table):
    return [pytest.param(name, i, id=f"{name}:{label}") for name in NAMES for i, (label, _) in enumerate(table[name])]


# -------------------------------------------------------------------- tests

def test_catalogue_has_enough_entries():
    for name in NAMES:
        assert len(cat.BUGS[name]) >= MIN_BUGS[name], f"{name}: only {len(cat.BUGS[name])} bugs"
        assert len(cat.CORRECT[name]) >= (2 if name in cat.ANSWERS else 3), name
        labels = [label for label, _ in cat.BUGS[name] + cat.CORRECT[name]]
        assert len(labels) == len(set(labels)), f"{name}: duplicate labels"
    for name, label in EXPECTED_MESSAGES:
        assert label in [lab for lab, _ in cat.BUGS[name]], f"EXPECTED_MESSAGES names an unknown bug {name}: {label}"


@pytest.mark.parametrize("name, index", _ids(cat.CORRECT))
def test_correct_alternative_passes(name, index):
    outcome = run_entry(name, "correct", index)
    assert outcome.passed, f"{cat.CORRECT[name][index][0]!r} was rejected by the {outcome.stage} check:\n{outcome.message}"


@pytest.mark.parametrize("name, index", _ids(cat.BUGS))
def test_bug_is_killed(name, index):
    label = cat.BUGS[name][index][0]
    outcome = run_entry(name, "bug", index)
    assert not outcome.passed, f"bug {label!r} of {name} passed the visible and the hidden checks"
    assert isinstance(outcome.error, CheckError), (
        f"bug {label!r} was stopped by a crash of the checker, not by a check: {outcome.error!r}")
    assert outcome.message.strip(), f"bug {label!r}: empty message"
    for word in EXPECTED_MESSAGES.get((name, label), []):
        assert word.lower() in outcome.message.lower(), (
            f"bug {label!r}: the {outcome.stage} check's message does not mention {word!r}:\n{outcome.message}")


def test_kill_rate_summary(capsys):
    rows = []
    for name in NAMES:
        bugs = [run_entry(name, "bug", i) for i in range(len(cat.BUGS[name]))]
        correct = [run_entry(name, "correct", i) for i in range(len(cat.CORRECT[name]))]
        rows.append((name, len(correct), sum(o.passed for o in correct), len(bugs),
                     sum(not o.passed for o in bugs), sum(o.stage == "visible" for o in bugs)))
    totals = ("overall",) + tuple(sum(r[i] for r in rows) for i in range(1, 6))
    lines = [f"{'function':<22}{'correct':>8}{'pass':>6}{'bugs':>6}{'killed':>8}{'by visible':>12}{'rate':>7}"]
    for name, nc, pc, nb, kb, vb in rows + [totals]:
        lines.append(f"{name:<22}{nc:>8}{pc:>6}{nb:>6}{kb:>8}{vb:>12}{kb / nb:>7.0%}")
    with capsys.disabled():
        print("\n" + "\n".join(lines))
    survivors = [f"{name}: {cat.BUGS[name][i][0]}" for name in NAMES for i in range(len(cat.BUGS[name]))
                 if run_entry(name, "bug", i).passed]
    rejected = [f"{name}: {cat.CORRECT[name][i][0]}" for name in NAMES for i in range(len(cat.CORRECT[name]))
                if not run_entry(name, "correct", i).passed]
    assert not survivors, "bugs not caught:\n  " + "\n  ".join(survivors)
    assert not rejected, "correct alternatives rejected:\n  " + "\n  ".join(rejected)
