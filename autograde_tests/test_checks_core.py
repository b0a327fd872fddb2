"""The checking framework: each message a student may see, the numpy-only guard, warnings, budgets."""
import sys
import warnings

import numpy as np
import pytest

from convcourse import ops
from convcourse.checks.core import Case, CheckError, ForbiddenCall, Mistake, call_guarded, check_choice, \
    check_function, compare_arrays

X = np.arange(20.0).reshape(4, 5)
W = np.array([[0.0, 1.0, 0.0], [2.0, 0.0, -1.0], [0.0, 0.0, 3.0]])


def ref(x, w, b=0.0):
    return ops.corr2d(x, w, b)


def check(fn, **kw):
    return check_function(fn, [Case((X, W))], reference=ref, name="corr2d", **kw)


def good(x, w, b=0.0):
    x = np.asarray(x, float)
    k1, k2 = w.shape[0] // 2, w.shape[1] // 2
    xp = np.pad(x, ((k1, k1), (k2, k2)))
    out = np.full(x.shape, float(b))
    for i in range(w.shape[0]):
        for j in range(w.shape[1]):
            out += w[i, j] * xp[i:i + x.shape[0], j:j + x.shape[1]]
    return out


def test_correct_function_passes(capsys):
    assert check(good, numpy_only=True) == 1
    assert "all 1 checks passed" in capsys.readouterr().out


def test_wrong_shape_names_the_formula():
    with pytest.raises(CheckError, match=r"shape \(2, 3\); expected \(4, 5\) \(same as x\)"):
        check_function(lambda x, w, b=0.0: good(x, w)[1:-1, 1:-1], [Case((X, W))], reference=ref, name="corr2d",
                       shape_formula="same as x")


def test_swapped_axes_are_named():
    with pytest.raises(CheckError, match="axes look swapped"):
        check(lambda x, w, b=0.0: good(x, w).T)


def test_integer_output_is_refused_with_a_hint():
    with pytest.raises(CheckError, match="dtype int64.*Integer arithmetic truncates"):
        check(lambda x, w, b=0.0: good(x, w).astype(np.int64))


@pytest.mark.parametrize("answer,hint", [(None, "return statement"), ([1, 2], "Python list"),
                                         ("torch", r"\.numpy\(\)")])
def test_wrong_type_hints(answer, hint):
    import torch

    value = torch.zeros(4, 5) if answer == "torch" else answer
    with pytest.raises(CheckError, match=hint):
        check(lambda x, w, b=0.0: value)


def test_first_differing_position_is_reported():
    def off_by_one(x, w, b=0.0):
        out = good(x, w)
        out[2, 3] += 1
        return out
    with pytest.raises(CheckError, match=r"1 of 20 entries differ. First at index \(2, 3\)"):
        check(off_by_one)


def test_known_mistake_is_diagnosed():
    mistakes = [Mistake("the kernel is flipped", lambda x, w, b=0.0: ops.convolve2d(x, w, b))]
    with pytest.raises(CheckError, match="known mistake: the kernel is flipped"):
        check(lambda x, w, b=0.0: good(x, w[::-1, ::-1]), mistakes=mistakes)


def test_input_modified_in_place():
    def clobber(x, w, b=0.0):
        out = good(x, w)
        x[0, 0] = 99
        return out
    with pytest.raises(CheckError, match="in place"):
        check(clobber)


def test_exception_names_the_case():
    def broken(x, w, b=0.0):
        raise IndexError("index 5 is out of bounds")
    with pytest.raises(CheckError, match=r"raised IndexError: index 5.*\n  called with: ndarray float64 of shape"):
        check(broken)


@pytest.mark.parametrize("exc", [SystemExit, KeyboardInterrupt])
def test_exit_is_contained(exc):
    def quits(x, w, b=0.0):
        raise exc()
    with pytest.raises(CheckError, match="stopped the program"):
        check(quits)


def test_not_implemented_passes_through():
    def stub(x, w, b=0.0):
        raise NotImplementedError()
    with pytest.raises(NotImplementedError):
        check(stub)


def _uses_torch(x, w, b=0.0):
    import torch
    return torch.from_numpy(good(x, w)).numpy()


def _uses_functional(x, w, b=0.0):
    import torch.nn.functional as F
    import torch
    t = torch.from_numpy(np.asarray(x, float))[None, None]
    k = torch.from_numpy(np.asarray(w, float))[None, None]
    return F.conv2d(t, k, padding=1)[0, 0].numpy()


def _uses_scipy(x, w, b=0.0):
    from scipy.signal import correlate2d
    return correlate2d(x, w, mode="same")


def _uses_np_convolve(x, w, b=0.0):
    rows = [np.convolve(r, w[1], mode="same") for r in np.asarray(x, float)]
    return good(x, w) + 0 * np.array(rows)


def _uses_np_correlate(x, w, b=0.0):
    np.correlate(x[0], w[0], mode="same")
    return good(x, w)


def _uses_reference(x, w, b=0.0):
    from convcourse import ops as o
    return o.corr2d(x, w, b)


@pytest.mark.parametrize("fn,what", [(_uses_torch, "torch"), (_uses_functional, "torch"),
                                     (_uses_scipy, "scipy"), (_uses_np_convolve, "np.convolve"),
                                     (_uses_np_correlate, "np.correlate"), (_uses_reference, "convcourse.ops")])
def test_numpy_only_guard(fn, what):
    with pytest.raises(ForbiddenCall, match=f"numpy alone, but it called .*{what}"):
        check(fn, numpy_only=True)


def test_numpy_only_allows_numpy_tools():
    from numpy.lib.stride_tricks import sliding_window_view

    def vectorised(x, w, b=0.0):
        xp = np.pad(np.asarray(x, float), 1)
        win = sliding_window_view(xp, w.shape)
        return np.einsum("nmij,ij->nm", win, w) + b

    def fft(x, w, b=0.0):
        x = np.asarray(x, float)
        s = (x.shape[0] + 2, x.shape[1] + 2)
        full = np.real(np.fft.ifft2(np.fft.fft2(x, s) * np.fft.fft2(w[::-1, ::-1], s)))
        return full[1:1 + x.shape[0], 1:1 + x.shape[1]] + b
    assert check(vectorised, numpy_only=True) == 1
    assert check(fft, numpy_only=True) == 1


def test_profiler_tampering_is_detected():
    def untrace(x, w, b=0.0):
        sys.setprofile(None)
        return good(x, w)
    with pytest.raises(CheckError, match="profiler"):
        check(untrace, numpy_only=True)


def test_call_budget_stops_python_loops_quickly():
    def per_pixel(x, w, b=0.0):
        x = np.asarray(x, float)
        out = np.zeros_like(x)
        for _ in range(10_000):
            for n in range(x.shape[0]):
                for m in range(x.shape[1]):
                    out[n, m] = np.sum(x[n:n + 1, m:m + 1])
        return out
    with pytest.raises(CheckError, match="function calls"):
        check(per_pixel, max_calls=2_000)


def test_warnings_are_reported_not_fatal(capfd):
    def warns(x, w, b=0.0):
        warnings.warn("careful", RuntimeWarning)
        print("to stderr", file=sys.stderr)
        return good(x, w)
    check(warns)
    out, err = capfd.readouterr()
    assert "RuntimeWarning: careful" in out and "to stderr" in out
    assert err == ""


def test_compare_arrays_float32_tolerance():
    expected = np.linspace(0, 1000, 12).reshape(3, 4)
    assert compare_arrays((expected * (1 + 1e-6)).astype(np.float32), expected, name="f") is None
    assert compare_arrays(expected * (1 + 1e-5), expected, name="f") is not None


def test_check_choice():
    check_choice("b", name="q")
    with pytest.raises(CheckError, match="one of the letters"):
        check_choice(2, name="q")
    with pytest.raises(CheckError, match="not the right choice"):
        check_choice("A", name="q", correct="B")


def test_not_a_function():
    with pytest.raises(CheckError, match="should be a function"):
        check_function(3, [Case((X, W))], reference=ref, name="corr2d")


def test_depends_isolates_the_students_other_functions():
    """A wrong (or crashing) helper of the student's costs only the helper's own points."""
    ns = {"np": np}
    exec(  # noqa: S102  -- a notebook namespace: a broken corr2d and a layer built on it
        "def corr2d(x, w, b=0.0):\n    raise ValueError('broken helper')\n"
        "def layer(x, w, b=0.0):\n    return corr2d(x, w, b) * 1.0\n", ns)
    with pytest.raises(CheckError, match="broken helper"):
        check_function(ns["layer"], [Case((X, W))], reference=ref, name="layer", numpy_only=True)
    assert check_function(ns["layer"], [Case((X, W))], reference=ref, name="layer", numpy_only=True,
                          depends={"corr2d": ops.corr2d}) == 1
    assert ns["corr2d"].__name__ == "corr2d", "the student's function is put back after the check"
    with pytest.raises(ValueError, match="broken helper"):
        ns["corr2d"](X, W)


def test_depends_does_not_hide_forbidden_calls_of_the_function_itself():
    ns = {"np": np}
    exec("def corr2d(x, w, b=0.0):\n    return x\n"  # noqa: S102
         "def layer(x, w, b=0.0):\n    from scipy.signal import correlate2d\n"
         "    return corr2d(x, w) * 0 + correlate2d(x, w, mode='same')\n", ns)
    with pytest.raises(ForbiddenCall, match="scipy"):
        check_function(ns["layer"], [Case((X, W))], reference=ref, name="layer", numpy_only=True,
                       depends={"corr2d": ops.corr2d})


def test_calling_the_course_package_is_refused():
    """Any of the course's own code inside a numpy exercise (here the checking framework itself) is refused."""
    from convcourse.checks import core as cc

    def borrow(x, w, b=0.0):
        cc.describe(x)
        from convcourse import ops
        return ops.corr2d(x, w, b)
    with pytest.raises(ForbiddenCall, match=r"convcourse\.checks\.core\.describe"):
        check(borrow, numpy_only=True)


def test_course_code_inside_any_graded_function_is_refused():
    """Not only numpy exercises: a torch exercise that runs the course's own code gets no points either,
    while the test objects the grader hands it (networks built by ``convcourse.probe``) are fine to run."""
    import torch

    from convcourse import ops, probe
    from convcourse.checks.core import call_guarded

    def borrows(x):
        return ops.relu(x)

    with pytest.raises(ForbiddenCall, match=r"course's own code \(convcourse\.ops\.relu"):
        call_guarded(borrows, (torch.ones(3),), name="borrows")

    net = probe.build({"layers": [["conv", 1, 1, 3], ["relu"], ["gap"]]})

    def uses_the_given_network(model, x):
        return model(x)

    out = call_guarded(uses_the_given_network, (net, torch.ones(1, 1, 4, 4)), name="uses_the_given_network")
    assert tuple(out.shape) == (1, 1)
