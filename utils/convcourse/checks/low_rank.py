"""Visible checks for notebook 04_low_rank (chapter §24.2.4, separable and low-rank filters).

Each ``check_<name>(fn)`` runs the stored visible cases of one graded
function (a hand-computed example first, then small random cases) and says
what to fix. When you submit, the grader runs its own cases, on inputs you
have not seen.

The SVD is not unique (each pair ``U[:, i], V[:, i]`` may change sign
together, and equal singular values allow any rotation of their columns), so
:func:`check_svd_separable` does not compare with one particular ``U`` and
``V``: it compares ``s`` with the stored singular values and checks what
makes a decomposition valid (shapes, ``s >= 0`` non-increasing, orthonormal
columns, and separable terms that add up to ``w``).
"""
from __future__ import annotations

import numpy as np

from .. import wire
from .book import _depends, checker, load
from .core import CheckError, _describe_args, call_guarded, check_choice, compare_arrays, describe, matching_mistakes

_A = "04_low_rank"

check_separable_corr2d = checker(_A, "separable_corr2d", "Visible tests of ``separable_corr2d``: equals "
                                                          "``corr2d(x, np.outer(u, v), b)``.")
check_low_rank_kernel = checker(_A, "low_rank_kernel", "Visible tests of ``low_rank_kernel`` (the best rank-r "
                                                        "approximation).")
check_kernel_rank = checker(_A, "kernel_rank", "Visible tests of ``kernel_rank`` (singular values above "
                                                "tol * s_max).")
check_corr2d_flops = checker(_A, "corr2d_flops", "Visible tests of ``corr2d_flops``: multiply-adds of a full "
                                                  "K1 x K2 filter.")
check_separable_flops = checker(_A, "separable_flops", "Visible tests of ``separable_flops``: multiply-adds of "
                                                        "the separable filter.")


def array_problem(a, what: str, name: str, where: str) -> str | None:
    """None when ``a``, the part ``what`` of an answer, is a floating numpy array; else what is wrong."""
    if type(a) is not np.ndarray:
        hint = ""
        mod = type(a).__module__ or ""
        if mod.startswith("torch") or isinstance(a, wire.Tensor):
            hint = " Convert with .numpy()."
        elif isinstance(a, (list, tuple)):
            hint = " Return np.array(...) instead of a Python list."
        return f"{name}{where}: {what} is {describe(a)}; expected a numpy array.{hint}"
    if not np.issubdtype(a.dtype, np.floating):
        return f"{name}{where}: {what} has dtype {a.dtype}; expected a floating dtype. Convert w with w.astype(float)."
    return None


def svd_problem(out, w, s_ref, wrong_s, name: str, label: str = "") -> str | None:
    """None when ``out = (s, U, V)`` is a valid SVD of ``w``, else what is wrong.

    ``s_ref`` are the singular values of ``w`` and ``wrong_s`` the ``(message, wrong s)`` pairs of known
    mistakes (from the answer book, or the grader's). Everything else is checked from ``out`` and ``w``
    alone: shapes, ``s`` non-negative and non-increasing, orthonormal columns, terms adding up to ``w``.
    """
    where = f" ({label})" if label else ""
    w = np.asarray(w, dtype=np.float64)
    s_ref = np.asarray(s_ref, dtype=np.float64)
    K1, K2 = w.shape
    r = min(K1, K2)
    if not isinstance(out, (tuple, list)) or len(out) != 3:
        return (f"{name}{where} returned {describe(out)}; expected a tuple (s, U, V) of three arrays."
                + (" Did you forget the return statement?" if out is None else ""))
    s, U, V = out
    for what, a in (("s", s), ("U", U), ("V", V)):
        problem = array_problem(a, what, name, where)
        if problem:
            return problem
    if s.ndim == 2 and U.ndim == 1:
        return (f"{name}{where} returned (U, s, Vh), the order of np.linalg.svd; return (s, U, V) with "
                "V = Vh.T.")
    if s.ndim != 1:
        return (f"{name}{where}: s has shape {s.shape}; expected the 1-D array of the {r} singular values "
                "(not the diagonal matrix S).")
    if U.ndim != 2 or V.ndim != 2:
        return f"{name}{where}: U has shape {U.shape} and V {V.shape}; both must be 2-D ({K1}, {r}) and ({K2}, {r})."
    if s.shape != (r,):
        return (f"{name}{where}: s has shape {s.shape}; expected ({r},): one weight per separable term, "
                f"r = min(K1, K2) = {r} terms.")
    if (U.shape == (K1, K1) and K1 != r) or (V.shape == (K2, K2) and K2 != r):
        return (f"{name}{where}: U has shape {U.shape} and V {V.shape}; expected U ({K1}, {r}) and V ({K2}, {r}): "
                f"one column per separable term, r = min(K1, K2) = {r}. With np.linalg.svd pass "
                "full_matrices=False (or keep the first r columns).")
    if K1 != K2 and U.shape == (K2, r) and V.shape == (K1, r):
        return (f"{name}{where}: U has shape {U.shape} and V {V.shape}: U and V are swapped. U holds the column "
                f"filters (length K1 = {K1}, the number of rows of w), V the row filters (length K2 = {K2}).")
    if V.shape == (r, K2) and r != K2:
        return (f"{name}{where}: V has shape {V.shape}: that is numpy's Vh, whose ROWS are the row filters. "
                f"Return V = Vh.T, shape ({K2}, {r}).")
    if s.shape != (r,) or U.shape != (K1, r) or V.shape != (K2, r):
        return (f"{name}{where}: s {s.shape}, U {U.shape}, V {V.shape}; expected s ({r},), U ({K1}, {r}), "
                f"V ({K2}, {r}) with r = min(K1, K2).")
    for what, a in (("s", s), ("U", U), ("V", V)):
        if not np.all(np.isfinite(a)):
            return f"{name}{where}: {what} contains NaN or inf values."
    single = any(a.dtype.itemsize <= 4 for a in (s, U, V))
    rtol = 1e-4 if single else 1e-7
    smax = float(s_ref[0]) if s_ref.size else 0.0
    scale = max(smax, 1e-300)
    s64 = s.astype(np.float64)
    neg = np.flatnonzero(s64 < -rtol * scale)
    if neg.size:
        i = int(neg[0])
        return (f"{name}{where}: s[{i}] = {s64[i]:.6g} is negative. Singular values are >= 0: the sign belongs "
                f"in the filters (use -U[:, {i}] and a positive weight).")
    up = np.flatnonzero(np.diff(s64) > rtol * scale)
    if up.size:
        i = int(up[0])
        order = "increasing order" if np.all(np.diff(s64) >= -rtol * scale) else "no particular order"
        return (f"{name}{where}: s is in {order} (s[{i}] = {s64[i]:.6g} < s[{i + 1}] = {s64[i + 1]:.6g}). "
                "List the terms from the largest weight to the smallest, and reorder the columns of U and V "
                "the same way.")
    if not np.allclose(s64, s_ref, rtol=0, atol=rtol * smax if smax > 0 else rtol):
        msg = (f"{name}{where}: s = {np.array2string(s64, precision=5)} are not the singular values of w "
               f"({np.array2string(s_ref, precision=5)}).")
        hints = matching_mistakes(s64, wrong_s)
        if hints:
            msg += " " + hints[0]
        return msg
    keep = s64 > (1e-3 if single else 1e-8) * scale
    for what, a in (("U", U), ("V", V)):
        a = a.astype(np.float64)[:, keep]
        g = a.T @ a
        err = np.abs(g - np.eye(g.shape[0]))
        if g.size and err.max() > (1e-4 if single else 1e-6):
            i, j = (int(t) for t in np.unravel_index(np.argmax(err), err.shape))
            if i == j:
                return (f"{name}{where}: column {i} of {what} has length {np.sqrt(g[i, i]):.6g}; the filters of "
                        f"the SVD are unit vectors (the weights s carry the scale), and the columns of {what} "
                        "are orthonormal.")
            return (f"{name}{where}: columns {i} and {j} of {what} are not perpendicular (dot product "
                    f"{g[i, j]:.3g}); the columns of {what} in an SVD are orthonormal.")
    recon = (U.astype(np.float64) * s64) @ V.astype(np.float64).T
    problem = compare_arrays(recon, w, name="sum_i s[i] * outer(U[:, i], V[:, i])", rtol=rtol)
    if problem:
        msg = f"{name}{where}: the separable terms do not add up to w. {problem}"
        if K1 == K2:
            if np.allclose((U.astype(np.float64) * s64) @ V.astype(np.float64), w, atol=1e-6 * max(scale, 1.0)):
                msg += ("\n  V looks like numpy's Vh, whose ROWS are the row filters: return V = Vh.T "
                        "(w = U diag(s) V^T).")
            elif np.allclose(recon, w.T, atol=1e-6 * max(scale, 1.0)):
                msg += "\n  U and V are swapped: that decomposes w.T. U holds the column filters."
        if np.allclose(recon, -w, atol=1e-6 * max(scale, 1.0)):
            msg += "\n  The terms add up to -w: a sign flip of U or V was not matched by its partner."
        return msg
    return None


def check_svd_separable(svd_separable) -> None:
    """Visible tests of ``svd_separable``: the singular values, and a valid SVD whatever the signs of its columns."""
    if not callable(svd_separable):
        raise CheckError(f"svd_separable should be a function, but it is {describe(svd_separable)}.")
    total = 0
    for g in load(_A)["svd_separable"]:
        name = g["name"]
        for case in g["cases"]:
            args, kwargs = tuple(case["args"]), dict(case["kwargs"])
            out = call_guarded(svd_separable, args, kwargs, name=name, numpy_only=g["numpy_only"],
                               label=case["label"], max_calls=g["max_calls"], depends=_depends(g["depends"]))
            w = kwargs["w"] if "w" in kwargs else args[0]
            problem = svd_problem(out, w, case["expected"], [tuple(m) for m in case["mistakes"]], name,
                                  case["label"])
            if problem:
                raise CheckError(problem + f"\n  called with: {_describe_args(args, kwargs)}")
            total += 1
    print(f"svd_separable: all {total} visible checks passed.")


def check_answer_diag_svd(answer) -> None:
    """Form check of the diagonal-derivative question (the letter is graded when you submit)."""
    check_choice(answer, name="answer_diag_svd")
    print("answer_diag_svd: a valid choice (its correctness is graded when you submit).")


def check_answer_break_even(answer) -> None:
    """Form check of the break-even question (the letter is graded when you submit)."""
    check_choice(answer, name="answer_break_even")
    print("answer_break_even: a valid choice (its correctness is graded when you submit).")


__all__ = ["check_separable_corr2d", "check_svd_separable", "check_low_rank_kernel", "check_kernel_rank",
           "check_corr2d_flops", "check_separable_flops", "check_answer_diag_svd", "check_answer_break_even",
           "svd_problem", "array_problem"]
