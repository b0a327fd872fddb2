"""The grader's checks for notebook 04_low_rank (chapter §24.2.4): references, mistakes, cases.

Each ``check_<name>(fn)`` runs the visible tests of one graded function: a
hand-computed example first, then a few small random cases.  The hidden
tests (kept by the instructor, never shipped) call the same checkers with
cases of their own.

The SVD is not unique (each pair ``U[:, i], V[:, i]`` may change sign
together, and equal singular values allow any rotation of their columns), so
:func:`check_svd_separable` does not compare with numpy's ``U`` and ``V``: it
compares ``s`` with the singular values and checks what makes the rest of the
decomposition valid (shapes, ``s >= 0`` non-increasing, orthonormal columns,
and that the separable terms add up to ``w``), with the property checks the
visible test shares (:func:`convcourse.checks.low_rank.svd_problem`).
"""
from __future__ import annotations

import numpy as np

from convcourse import ops
from convcourse.checks.core import (Case, CheckError, Mistake, Recorder, call_guarded, check_choice,
                                    check_function, wrong_answers)
from convcourse.checks.core import _describe_args, _reference64
from convcourse.checks.low_rank import svd_problem

from .. import references

__all__ = [
    "check_separable_corr2d", "check_svd_separable", "check_low_rank_kernel", "check_kernel_rank",
    "check_corr2d_flops", "check_separable_flops", "check_answer_diag_svd", "check_answer_break_even",
    "cases_separable_corr2d", "cases_svd_separable", "cases_low_rank_kernel", "cases_kernel_rank",
    "cases_flops", "log_kernel", "MISTAKES", "MISTAKES_SVD_S",
]

SAME = "'same' output: the input's (N, M)"

# The diagonal derivative of §24.2.4 (= Sobel x + Sobel y with the book's eq. 18.3 kernels).
DIAGONAL = np.array([[0.0, -2.0, -2.0], [2.0, 0.0, -2.0], [2.0, 2.0, 0.0]])


def log_kernel(size: int = 11, sigma: float = 1.5) -> np.ndarray:
    """The Laplacian of a Gaussian sampled on a ``size x size`` grid (not normalised, rank 2)."""
    r = np.arange(size) - size // 2
    n, m = np.meshgrid(r, r, indexing="ij")
    g = np.exp(-(n ** 2 + m ** 2) / (2 * sigma ** 2))
    return (n ** 2 + m ** 2 - 2 * sigma ** 2) / sigma ** 4 * g


# ------------------------------------------------------- mistakes (separable_corr2d)

def _f(a):
    return np.asarray(a, dtype=np.float64)


def _padded_valid(x, w, pads, mode="constant"):
    """Pad x by ``pads = ((top, bottom), (left, right))`` with ``mode``, then a valid correlation with w."""
    w = _f(w)
    xp = np.pad(_f(x), pads, mode=mode)
    k1, k2 = w.shape[0] // 2, w.shape[1] // 2
    same = ops.corr2d(xp, w)
    return same[k1:same.shape[0] - k1, k2:same.shape[1] - k2]


def _col(u):
    return _f(u).reshape(-1, 1)


def _row(v):
    return _f(v).reshape(1, -1)


def _outer(u, v):
    return np.outer(_f(u), _f(v))


def _sep_pad_mode(mode):
    def wrong(x, u, v, b=0.0):
        k1, k2 = len(u) // 2, len(v) // 2
        return _padded_valid(x, _outer(u, v), ((k1, k1), (k2, k2)), mode) + b
    return wrong


def _sep_anchor(rows=True, cols=True):
    def wrong(x, u, v, b=0.0):
        k1, k2 = len(u) // 2, len(v) // 2
        pads = ((0, 2 * k1) if rows else (k1, k1), (0, 2 * k2) if cols else (k2, k2))
        return _padded_valid(x, _outer(u, v), pads) + b
    return wrong


def _sep_valid(x, u, v, b=0.0):
    return _padded_valid(x, _outer(u, v), ((0, 0), (0, 0))) + b


def _sep_bias_first_pass(x, u, v, b=0.0):
    return ops.corr2d(ops.corr2d(x, _col(u)) + b, _row(v))


def _sep_bias_both_passes(x, u, v, b=0.0):
    return ops.corr2d(ops.corr2d(x, _col(u)) + b, _row(v)) + b


MISTAKES_SEPARABLE = [
    Mistake("u and v are swapped: u is the COLUMN filter, a (K1, 1) kernel that runs down the rows n; "
            "v is the row filter, (1, K2), along the columns m. The 2-D kernel is np.outer(u, v).",
            lambda x, u, v, b=0.0: ops.corr2d(x, _outer(v, u), b)),
    Mistake("u is flipped (u[::-1]): that pass is a convolution, the layer is a cross-correlation.",
            lambda x, u, v, b=0.0: ops.corr2d(x, _outer(_f(u)[::-1], v), b)),
    Mistake("v is flipped (v[::-1]): that pass is a convolution, the layer is a cross-correlation.",
            lambda x, u, v, b=0.0: ops.corr2d(x, _outer(u, _f(v)[::-1]), b)),
    Mistake("both filters are flipped: that is convolution with np.outer(u, v), not cross-correlation.",
            lambda x, u, v, b=0.0: ops.convolve2d(x, _outer(u, v), b)),
    Mistake("v is ignored: u is used in both passes.", lambda x, u, v, b=0.0: ops.corr2d(x, _outer(u, u), b)),
    Mistake("u is ignored: v is used in both passes.", lambda x, u, v, b=0.0: ops.corr2d(x, _outer(v, v), b)),
    Mistake("only the column pass (u) was applied: the row pass (v) must filter the intermediate result.",
            lambda x, u, v, b=0.0: ops.corr2d(x, _col(u), b)),
    Mistake("only the row pass (v) was applied: the second pass must filter the output of the first "
            "(did it filter x again instead of the intermediate result?).",
            lambda x, u, v, b=0.0: ops.corr2d(x, _row(v), b)),
    Mistake("the bias b is missing: add it once to every output pixel.",
            lambda x, u, v, b=0.0: ops.separable_corr2d(x, u, v, 0.0)),
    Mistake("the bias was added after the first pass, so the row filter smeared it (and the zero padding "
            "cut it near the left and right borders). Add b once, at the very end.", _sep_bias_first_pass),
    Mistake("the bias was added after each pass: add it once, at the very end.", _sep_bias_both_passes),
    Mistake("the bias was added twice.", lambda x, u, v, b=0.0: ops.separable_corr2d(x, u, v, 2 * b)),
    Mistake("you computed a 'valid' correlation (no padding): the output shrinks by K1-1 rows and K2-1 columns. "
            "Pad with len(u)//2 zero rows and len(v)//2 zero columns on each side.", _sep_valid),
    Mistake("you padded with copies of the border pixels; the layer pads with zeros.", _sep_pad_mode("edge")),
    Mistake("the image wraps around (np.roll or mode='wrap'): pixels outside the image are zeros, "
            "not pixels from the opposite side.", _sep_pad_mode("wrap")),
    Mistake("you padded with a mirror image of the border (mode='reflect'); the layer pads with zeros.",
            _sep_pad_mode("reflect")),
    Mistake("the filters are anchored at their first tap instead of their centre (the output is shifted). "
            "Use x[n + k - K] with K = len(u) // 2.", _sep_anchor(True, True)),
    Mistake("the column filter u is anchored at its first tap instead of its centre (shifted vertically).",
            _sep_anchor(True, False)),
    Mistake("the row filter v is anchored at its first tap instead of its centre (shifted horizontally).",
            _sep_anchor(False, True)),
]


# ------------------------------------------------------- mistakes (low_rank_kernel)

def _svd(w):
    u, s, vh = np.linalg.svd(_f(w), full_matrices=False)
    return u, s, vh


def _lr_smallest(w, r):
    u, s, vh = _svd(w)
    r = min(int(r), len(s))
    if r == 0:
        return np.zeros_like(_f(w))
    return (u[:, -r:] * s[-r:]) @ vh[-r:]


def _lr_no_s(w, r):
    u, s, vh = _svd(w)
    return u[:, :r] @ vh[:r]


def _lr_largest_entries(w, r):
    w = _f(w)
    out = np.zeros_like(w)
    idx = np.argsort(-np.abs(w), axis=None)[:int(r)]
    out.flat[idx] = w.flat[idx]
    return out


def _lr_vh_columns(w, r):
    u, s, vh = _svd(w)
    return (u[:, :r] * s[:r]) @ vh[:, :r].T


MISTAKES_LOW_RANK = [
    Mistake("one term too many (r + 1 separable terms): keep exactly the first r.",
            lambda w, r: ops.low_rank_kernel(w, int(r) + 1)),
    Mistake("one term too few (r - 1 separable terms; range(1, r)?): keep the first r, indices 0 .. r-1.",
            lambda w, r: ops.low_rank_kernel(w, max(int(r) - 1, 0))),
    Mistake("you kept the r SMALLEST singular values: the best approximation keeps the r largest "
            "(np.linalg.svd lists them first).", _lr_smallest),
    Mistake("the weights s are missing: the terms are s[i] * outer(U[:, i], V[:, i]).", _lr_no_s),
    Mistake("you kept the r largest ENTRIES of w; the best rank-r kernel keeps r separable terms of the SVD.",
            _lr_largest_entries),
    Mistake("you took columns of Vh; numpy's Vh holds the row filters in its ROWS: Vh[:r], not Vh[:, :r].",
            _lr_vh_columns),
    Mistake("the answer is w itself: nothing was dropped.", lambda w, r: _f(w)),
    Mistake("the answer is transposed: it approximates w.T.", lambda w, r: ops.low_rank_kernel(w, r).T),
]


# ------------------------------------------------------- mistakes (kernel_rank)

def _s_of(w):
    return np.linalg.svd(_f(w), compute_uv=False) if _f(w).size else np.zeros(0)


MISTAKES_RANK = [
    Mistake("the tolerance is absolute (s > tol): it must be relative to the largest singular value "
            "(s > tol * s.max()), so that the answer does not change when w is scaled.",
            lambda w, tol=1e-10: int(np.sum(_s_of(w) > tol))),
    Mistake("you counted singular values >= tol * s_max: the zero kernel then gets min(K1, K2) terms "
            "instead of 0. Count those strictly above.",
            lambda w, tol=1e-10: int(np.sum(_s_of(w) >= tol * (_s_of(w).max() if _s_of(w).size else 0)))),
    Mistake("this is np.linalg.matrix_rank's default tolerance (about 1e-16 * s_max), not tol * s_max: "
            "pass the threshold yourself, or count the singular values.",
            lambda w, tol=1e-10: int(np.linalg.matrix_rank(_f(w)))),
    Mistake("you returned min(K1, K2), the number of terms of the SVD; the rank counts only the terms "
            "with singular values above tol * s_max.", lambda w, tol=1e-10: int(min(np.shape(w)))),
    Mistake("tol is ignored: use the tol argument.", lambda w, tol=1e-10: ops.kernel_rank(w)),
    Mistake("you counted the non-zero entries of s (exact zeros only): rounding leaves tiny singular values "
            "like 1e-17; count those above tol * s_max.",
            lambda w, tol=1e-10: int(np.count_nonzero(_s_of(w)))),
]


# ------------------------------------------------------- mistakes (flops)

MISTAKES_CORR2D_FLOPS = [
    Mistake("K1 and K2 are the kernel's numbers of rows and columns (taps), not the half-widths of eq. 24.2: "
            "a K1 x K2 kernel has K1 * K2 taps.", lambda N, M, K1, K2: N * M * (2 * K1 + 1) * (2 * K2 + 1)),
    Mistake("count one multiply-add per tap per output pixel (N * M * K1 * K2), not a multiply and an add "
            "separately.", lambda N, M, K1, K2: 2 * N * M * K1 * K2),
    Mistake("the kernel is K1 x K2: use both sizes (K1 * K2), not K1 * K1.", lambda N, M, K1, K2: N * M * K1 * K1),
    Mistake("the layer has a 'same' output of N x M pixels; you counted the valid output only.",
            lambda N, M, K1, K2: (N - K1 + 1) * (M - K2 + 1) * K1 * K2),
    Mistake("that is the separable cost N * M * (K1 + K2); the full 2-D filter needs K1 * K2 per pixel.",
            lambda N, M, K1, K2: N * M * (K1 + K2)),
    Mistake("that is the cost per pixel; multiply by the N * M output pixels.", lambda N, M, K1, K2: K1 * K2),
]

MISTAKES_SEPARABLE_FLOPS = [
    Mistake("that is the full 2-D cost N * M * K1 * K2; the separable filter needs K1 + K2 per pixel.",
            lambda N, M, K1, K2: N * M * K1 * K2),
    Mistake("count one multiply-add per tap (N * M * (K1 + K2)), not a multiply and an add separately.",
            lambda N, M, K1, K2: 2 * N * M * (K1 + K2)),
    Mistake("operator precedence: N * M * K1 + K2 adds K2 once; write N * M * (K1 + K2).",
            lambda N, M, K1, K2: N * M * K1 + K2),
    Mistake("the two passes have K1 and K2 taps: N * M * (K1 + K2), not 2 * N * M * K1.",
            lambda N, M, K1, K2: 2 * N * M * K1),
    Mistake("K1 and K2 are the numbers of taps, not half-widths.",
            lambda N, M, K1, K2: N * M * (2 * K1 + 1 + 2 * K2 + 1)),
    Mistake("one pass was left out: the column pass costs N * M * K1 and the row pass N * M * K2.",
            lambda N, M, K1, K2: N * M * K1),
]

MISTAKES = {
    "separable_corr2d": MISTAKES_SEPARABLE,
    "low_rank_kernel": MISTAKES_LOW_RANK,
    "kernel_rank": MISTAKES_RANK,
    "corr2d_flops": MISTAKES_CORR2D_FLOPS,
    "separable_flops": MISTAKES_SEPARABLE_FLOPS,
}


# ------------------------------------------------------------------ cases

def cases_separable_corr2d(seed: int = 0, shapes=(((5, 7), 3, 5), ((6, 4), 5, 3), ((4, 6), 1, 3))) -> list[Case]:
    """Visible cases: the worked example, then random non-square images with non-square kernels."""
    x = np.arange(12, dtype=float).reshape(3, 4)
    cases = [Case((x, np.array([1.0, 2.0, 1.0]), np.array([-1.0, 0.0, 1.0])),
                  label="3x4 image, u = [1, 2, 1], v = [-1, 0, 1], no bias")]
    rng = np.random.default_rng(seed)
    for (n, m), k1, k2 in shapes:
        cases.append(Case((rng.normal(size=(n, m)), rng.normal(size=k1), rng.normal(size=k2), float(rng.normal())),
                          label=f"random {n}x{m} image, len(u) = {k1}, len(v) = {k2}, with bias"))
    return cases


def cases_svd_separable(seed: int = 0, shapes=((3, 5), (5, 3))) -> list[Case]:
    """Visible cases: a sum of two separable terms, then random wide and tall kernels."""
    w = 3.0 * np.outer([1.0, 2.0, 1.0], [1.0, 0.0, -1.0]) / np.sqrt(12) + np.outer([1.0, 0.0, -1.0], [1.0, 1.0, 1.0])
    cases = [Case((w,), label="3x3, two separable terms"),
             Case((np.array([[2.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, -1.0]]),), label="2x4, singular values 2 and 1")]
    rng = np.random.default_rng(seed)
    for k1, k2 in shapes:
        cases.append(Case((rng.normal(size=(k1, k2)),), label=f"random {k1}x{k2} kernel"))
    return cases


def cases_low_rank_kernel(seed: int = 0) -> list[Case]:
    """Visible cases: the hand example, then random kernels and several ranks."""
    w = np.diag([3.0, -2.0, 1.0])
    cases = [Case((w, 1), label="diag(3, -2, 1): one term keeps the 3"),
             Case((w, 2), label="diag(3, -2, 1), r = 2: diag(3, -2, 0)")]
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(5, 7))
    cases += [Case((a, 1), label="random 5x7, r = 1"), Case((a, 3), label="random 5x7, r = 3"),
              Case((rng.normal(size=(7, 3)), 2), label="random 7x3, r = 2"),
              Case((a, 0), label="r = 0: no terms, a zero kernel"),
              Case((a, 5), label="r = min(K1, K2): all terms, w itself")]
    return cases


def cases_kernel_rank(seed: int = 0) -> list[Case]:
    """Visible cases: a separable kernel, the diagonal derivative, random, zero, scaled and tolerance cases."""
    rng = np.random.default_rng(seed)
    sep = np.outer([1.0, 2.0, 1.0], [1.0, 0.0, -1.0])
    near = np.outer(rng.normal(size=5), rng.normal(size=5)) + 1e-13 * rng.normal(size=(5, 5))
    two = np.outer([1.0, 0.0, 0.0], [1.0, 0.0, 0.0]) + 1e-3 * np.outer([0.0, 1.0, 0.0], [0.0, 0.0, 1.0])
    return [
        Case((sep,), label="Sobel x = outer([1, 2, 1], [1, 0, -1])"),
        Case((DIAGONAL,), label="the diagonal derivative of §24.2.4"),
        Case((rng.normal(size=(3, 5)),), label="random 3x5"),
        Case((np.zeros((3, 3)),), label="the zero kernel"),
        Case((1e-12 * sep,), label="Sobel x scaled by 1e-12 (the rank does not depend on the scale)"),
        Case((near,), label="rank 1 plus rounding-size noise (1e-13)"),
        Case((two, 1e-2), label="singular values 1 and 1e-3, tol = 1e-2"),
        Case((two,), {"tol": 1e-4}, label="singular values 1 and 1e-3, tol = 1e-4 (keyword)"),
    ]


def cases_flops() -> list[Case]:
    return [Case((256, 256, 31, 31), label="256x256 image, 31x31 kernel"),
            Case((100, 60, 3, 7), label="100x60 image, 3x7 kernel"),
            Case((1, 1, 1, 1), label="one pixel, one tap")]


# ------------------------------------------------------------------ checks

def check_separable_corr2d(separable_corr2d, cases=None) -> int:
    """Visible tests of ``separable_corr2d``: equals ``corr2d(x, np.outer(u, v), b)``."""
    return check_function(separable_corr2d, cases or cases_separable_corr2d(), reference=ops.separable_corr2d,
                          name="separable_corr2d", mistakes=MISTAKES_SEPARABLE, numpy_only=True,
                          shape_formula=SAME)


def _singular_values(w):
    return np.linalg.svd(_f(w), compute_uv=False)


MISTAKES_SVD_S = [
    Mistake("They look squared: the eigenvalues of w.T @ w are s**2; take square roots.",
            lambda w: _singular_values(w) ** 2),
    Mistake("They look normalised to sum 1; the weights must reproduce w.",
            lambda w: _singular_values(w) / _singular_values(w).sum()),
]

_SVD_DEPENDS = {"low_rank_kernel": ops.low_rank_kernel, "kernel_rank": ops.kernel_rank}


def check_svd_separable(svd_separable, cases=None) -> int:
    """Visible tests of ``svd_separable``: the singular values, and a valid SVD whatever the signs of its columns."""
    cases = cases or cases_svd_separable()
    if isinstance(svd_separable, Recorder):
        # the answer book holds each case's singular values and the known wrong ones; the visible test runs
        # the same property checks (svd_problem) on them
        return check_function(svd_separable, cases, reference=_singular_values, name="svd_separable",
                              mistakes=MISTAKES_SVD_S, numpy_only=True, depends=_SVD_DEPENDS)
    for case in cases:
        out = call_guarded(svd_separable, case.args, case.kwargs, name="svd_separable", numpy_only=True,
                           label=case.label, depends=_SVD_DEPENDS)
        w = case.kwargs["w"] if "w" in case.kwargs else case.args[0]
        s_ref = _reference64(_singular_values, case)
        problem = svd_problem(out, w, s_ref, wrong_answers(MISTAKES_SVD_S, case.args, case.kwargs, s_ref),
                              "svd_separable", case.label)
        if problem:
            raise CheckError(problem + f"\n  called with: {_describe_args(case.args, case.kwargs)}")
    print(f"svd_separable: all {len(cases)} checks passed.")
    return len(cases)


def check_low_rank_kernel(low_rank_kernel, cases=None) -> int:
    """Visible tests of ``low_rank_kernel`` (the best rank-r approximation)."""
    return check_function(low_rank_kernel, cases or cases_low_rank_kernel(), reference=ops.low_rank_kernel,
                          name="low_rank_kernel", mistakes=MISTAKES_LOW_RANK, numpy_only=True,
                          shape_formula="the kernel's shape (K1, K2)",
                          depends={"svd_separable": ops.svd_separable, "kernel_rank": ops.kernel_rank})


def check_kernel_rank(kernel_rank, cases=None) -> int:
    """Visible tests of ``kernel_rank`` (singular values above tol * s_max)."""
    return check_function(kernel_rank, cases or cases_kernel_rank(), reference=ops.kernel_rank,
                          name="kernel_rank", mistakes=MISTAKES_RANK, numpy_only=True, floating=False,
                          depends={"svd_separable": ops.svd_separable, "low_rank_kernel": ops.low_rank_kernel})


# A separable_flops built on the student's corr2d_flops runs on the course's op instead (when the course still
# ships it), so a mistake in corr2d_flops costs only corr2d_flops.
_FLOPS_DEPENDS = {k: getattr(ops, k) for k in ("corr2d_flops",) if callable(getattr(ops, k, None))}


def check_corr2d_flops(corr2d_flops, cases=None) -> int:
    """Visible tests of ``corr2d_flops``: N * M * K1 * K2."""
    return check_function(corr2d_flops, cases or cases_flops(), reference=references.corr2d_flops,
                          name="corr2d_flops", mistakes=MISTAKES_CORR2D_FLOPS, floating=False)


def check_separable_flops(separable_flops, cases=None) -> int:
    """Visible tests of ``separable_flops``: N * M * (K1 + K2)."""
    return check_function(separable_flops, cases or cases_flops(), reference=references.separable_flops,
                          name="separable_flops", mistakes=MISTAKES_SEPARABLE_FLOPS, floating=False,
                          depends=_FLOPS_DEPENDS)


def check_answer_diag_svd(answer) -> None:
    """Form check of the diagonal-derivative question (the letter is graded in the hidden tests)."""
    check_choice(answer, name="answer_diag_svd")
    print("answer_diag_svd: a valid choice (its correctness is graded when you submit).")


def check_answer_break_even(answer) -> None:
    """Form check of the break-even question (the letter is graded in the hidden tests)."""
    check_choice(answer, name="answer_break_even")
    print("answer_break_even: a valid choice (its correctness is graded when you submit).")
