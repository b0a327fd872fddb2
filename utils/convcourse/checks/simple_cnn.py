"""Checks for notebook 07_simple_cnn (chapter §24.4, a simple CNN classifier).

Each ``check_<name>(fn)`` runs the visible tests of one graded name: a
hand-computed example first, then small random cases. The hidden tests
(kept by the instructor, never shipped) call the same checkers with cases of
their own.

* ``relu``, ``softmax``, ``gap``, ``fc``, ``simple_cnn_forward`` and
  ``simple_cnn_num_params`` are numpy exercises (``numpy_only=True``).
* ``check_simple_cnn_forward`` runs the student's function with the
  notebook's ``relu``, ``softmax``, ``gap`` and ``fc`` bound to the course's
  references (``depends=``), so a mistake in one of those helpers costs that
  helper's points only, not the forward pass's as well.
* ``check_SimpleCNN(cls)`` tests a ``torch.nn.Module`` class: construction
  with several argument combinations, the hyper-parameters of its ``conv``
  and ``fc`` attributes, the parameter count, output shapes for non-square
  images and several batch sizes, logits (no softmax inside), gradients to
  every parameter, and equality with the reference forward pass given the
  same weights; wrong values are matched against the usual mistakes (no
  padding, sum or max pooling, softmax inside forward, ReLU missing or after
  the pooling, fc bias missing, ...).
"""
from __future__ import annotations

import contextlib
import copy
import io
import warnings

import numpy as np

from .. import ops
from .core import Case, CheckError, Mistake, _matches, call_guarded, check_function, describe
from .core import one_torch_thread as _one_torch_thread, single_threaded as _single_threaded

__all__ = [
    "check_relu", "check_softmax", "check_gap", "check_fc", "check_simple_cnn_forward",
    "check_simple_cnn_num_params", "check_SimpleCNN", "MISTAKES",
    "cases_relu", "cases_softmax", "cases_gap", "cases_fc", "cases_simple_cnn_forward",
    "cases_simple_cnn_num_params", "SIMPLE_CNN_CONFIGS", "SIMPLE_CNN_SHAPES",
]


# ------------------------------------------------------ numpy helpers (float64)

def _f(a):
    a = np.asarray(a)
    return a.astype(np.float64)


def _np_softmax(z, tau=1.0, axis=0):
    z = _f(z) / tau
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _with_errstate(fn):
    def wrapped(*args, **kwargs):
        with np.errstate(all="ignore"):
            return fn(*args, **kwargs)
    return wrapped




# ------------------------------------------------------------- forward variants

def _conv_np(x, w, b, mode="same", flip=False):
    """z1 = conv_multi_out(x, w, b) with 'same' zero padding (or 'valid' / 'edge' / flipped kernels)."""
    x, w, b = _f(x), _f(w), _f(b)
    if flip:
        w = w[:, ::-1, ::-1]
    if mode == "same":
        return ops.conv_multi_out(x, w, b)
    k1, k2 = w.shape[1] // 2, w.shape[2] // 2
    if mode == "edge":
        z = ops.conv_multi_out(np.pad(x, ((k1, k1), (k2, k2)), mode="edge"), w, b)
    else:  # valid
        z = ops.conv_multi_out(x, w, b)
    return z[:, k1:z.shape[1] - k1, k2:z.shape[2] - k2] if mode == "edge" else \
        z[:, k1:x.shape[0] - k1, k2:x.shape[1] - k2]


def forward_variant(x, w, b, W, c, tau=1.0, *, conv="same", flip=False, conv_bias=True, relu="before",
                    pool="mean", transpose_W=False, fc_bias=True, out="softmax", bias_after_relu=False):
    """The forward pass of §24.4 with one switch flipped: what a given mistake computes (float64)."""
    b = _f(b)
    z1 = _conv_np(x, w, b if (conv_bias and not bias_after_relu) else np.zeros_like(b), conv, flip)
    h = np.maximum(z1, 0) if relu == "before" else z1
    if bias_after_relu:
        h = h + b[:, None, None]
    if pool == "mean":
        z2 = h.mean(axis=(1, 2))
    elif pool == "sum":
        z2 = h.sum(axis=(1, 2))
    else:
        z2 = h.max(axis=(1, 2))
    if relu == "after":
        z2 = np.maximum(z2, 0)
    W = _f(W)
    z3 = (W.T if transpose_W else W) @ z2 + (_f(c) if fc_bias else 0.0)
    with np.errstate(all="ignore"):
        if out == "logits":
            return z3
        if out == "text":
            return _np_softmax(-tau * z3)
        if out == "times_tau":
            return _np_softmax(tau * z3)
        if out == "no_tau":
            return _np_softmax(z3)
        if out == "minus":
            return _np_softmax(-z3 / tau)
        return _np_softmax(z3 / tau)


# -------------------------------------------------------------------- mistakes

_TEXT_SIGN = ("this is the text's e^{-tau z} (an erratum): the minus sign makes the smallest score the most "
              "likely class, ranking the classes backwards. Use exp(z / tau).")


def _sm_global_sum(z, tau=1.0, axis=0):
    e = np.exp(_f(z) / tau - np.max(_f(z) / tau))
    return e / e.sum()


def _sm_no_keepdims(z, tau=1.0, axis=0):
    e = np.exp(_f(z) / tau - np.max(_f(z) / tau, axis=axis, keepdims=True))
    return e / e.sum(axis=axis)


def _sm_other_axis(z, tau=1.0, axis=0):
    z = _f(z)
    if z.ndim != 2:
        return None
    return _np_softmax(z, tau, 1 - axis % 2)


def _quiet(fn):
    """Run a mistake's computation without warnings (nbgrader zeroes a test cell that writes to stderr)."""
    def wrapped(*args, **kwargs):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with np.errstate(all="ignore"):
                return fn(*args, **kwargs)
    return wrapped


MISTAKES = {
    "relu": [
        Mistake("you returned |z| (np.abs): the ReLU sets negative values to 0, it does not flip their sign.",
                lambda z: np.abs(_f(z))),
        Mistake("the output is clipped at 1 (np.clip(z, 0, 1)): the ReLU has no upper limit.",
                lambda z: np.clip(_f(z), 0, 1)),
        Mistake("this is a leaky ReLU (negative values scaled, not zeroed): the ReLU of §24.4 is max(z, 0).",
                lambda z: np.where(_f(z) > 0, _f(z), 0.01 * _f(z))),
        Mistake("you returned the mask z > 0 (the ReLU's derivative), not max(z, 0).",
                lambda z: (_f(z) > 0).astype(float)),
        Mistake("you kept the negative part (min(z, 0)) instead of the positive part.",
                lambda z: np.minimum(_f(z), 0)),
        Mistake("np.max(z, 0) reduces along axis 0; the elementwise maximum is np.maximum(z, 0).",
                lambda z: np.max(_f(z), 0)),
    ],
    "softmax": [
        Mistake(_TEXT_SIGN, lambda z, tau=1.0, axis=0: _np_softmax(-tau * _f(z), 1.0, axis)),
        Mistake("the exponent has a minus sign (exp(-z / tau)): that ranks the classes backwards. "
                "Use exp(z / tau).", lambda z, tau=1.0, axis=0: _np_softmax(-_f(z), tau, axis)),
        Mistake("tau multiplies z (exp(tau * z)); it is a temperature and must divide: exp(z / tau). "
                "A high temperature flattens the distribution.",
                lambda z, tau=1.0, axis=0: _np_softmax(tau * _f(z), 1.0, axis)),
        Mistake("tau is ignored: use exp(z / tau).", lambda z, tau=1.0, axis=0: _np_softmax(z, 1.0, axis)),
        Mistake("the result is not normalised: divide exp(z / tau) by its sum along axis.",
                _with_errstate(lambda z, tau=1.0, axis=0: np.exp(_f(z) / tau))),
        Mistake("the result is not normalised: divide exp(z / tau) by its sum along axis.",
                _with_errstate(lambda z, tau=1.0, axis=0: np.exp(_f(z) / tau - np.max(_f(z) / tau,
                                                                                     axis=axis, keepdims=True)))),
        Mistake("there is no exponential: z / sum(z) is not a softmax.",
                _with_errstate(lambda z, tau=1.0, axis=0: _f(z) / _f(z).sum(axis=axis, keepdims=True))),
        Mistake("you normalised over all entries (one global sum) instead of along `axis`: each slice along "
                "`axis` must sum to 1 (np.sum(..., axis=axis, keepdims=True)).", _with_errstate(_sm_global_sum)),
        Mistake("the sum along axis lost its axis (keepdims=False), so it broadcast against the wrong axis: "
                "use e.sum(axis=axis, keepdims=True).", _with_errstate(_sm_no_keepdims)),
        Mistake("you normalised along the wrong axis: use the `axis` argument (default 0).",
                _with_errstate(_sm_other_axis)),
        Mistake("you returned the log-probabilities (log-softmax); return the probabilities.",
                lambda z, tau=1.0, axis=0: np.log(_np_softmax(z, tau, axis))),
        Mistake("tau divides the probabilities after normalising; it belongs inside the exponent: "
                "exp(z / tau).", lambda z, tau=1.0, axis=0: _np_softmax(z, 1.0, axis) / tau),
    ],
    "gap": [
        Mistake("you summed over space instead of averaging: gap divides by N*M (the text says 'sum', "
                "its equation has 1/(NM)).", lambda h: _f(h).sum(axis=(1, 2))),
        Mistake("you took the maximum over space (global max pooling); gap is the mean.",
                lambda h: _f(h).max(axis=(1, 2))),
        Mistake("the sum is divided by N*N: use the number of pixels N*M (the image need not be square).",
                lambda h: _f(h).sum(axis=(1, 2)) / np.shape(h)[1] ** 2),
        Mistake("the sum is divided by M*M: use the number of pixels N*M (the image need not be square).",
                lambda h: _f(h).sum(axis=(1, 2)) / np.shape(h)[2] ** 2),
        Mistake("the sum is divided by N + M; the mean divides by the number of pixels N*M.",
                lambda h: _f(h).sum(axis=(1, 2)) / (np.shape(h)[1] + np.shape(h)[2])),
        Mistake("floor division (//) truncates the mean: divide with /.",
                lambda h: _f(h).sum(axis=(1, 2)) // (np.shape(h)[1] * np.shape(h)[2])),
    ],
    "fc": [
        Mistake("W is used transposed (W.T @ z, or z @ W): W has shape (K, C) and z3 = W @ z2 + c.",
                lambda z, W, c: _f(W).T @ _f(z) + _f(c)),
        Mistake("the bias c is missing.", lambda z, W, c: _f(W) @ _f(z)),
        Mistake("the bias is subtracted; z3 = W @ z2 + c.", lambda z, W, c: _f(W) @ _f(z) - _f(c)),
        Mistake("c is added to z before the product (W @ (z + c)); the bias is added after: W @ z + c.",
                lambda z, W, c: _f(W) @ (_f(z) + _f(c))),
        Mistake("you multiplied elementwise and summed over axis 0 ((W * z).sum(axis=0)); row k of W @ z sums "
                "over the columns: (W * z).sum(axis=1), or simply W @ z.",
                lambda z, W, c: (_f(W) * _f(z)).sum(axis=0) + _f(c)),
    ],
    "simple_cnn_forward": [
        Mistake(_TEXT_SIGN, lambda *a, **k: forward_variant(*a, **k, out="text")),
        Mistake("the softmax has a minus sign (exp(-z / tau)): classes are ranked backwards.",
                lambda *a, **k: forward_variant(*a, **k, out="minus")),
        Mistake("tau multiplies the logits; it is a temperature and must divide: softmax(z3 / tau).",
                lambda *a, **k: forward_variant(*a, **k, out="times_tau")),
        Mistake("tau is ignored: pass it on to the softmax.", lambda *a, **k: forward_variant(*a, **k, out="no_tau")),
        Mistake("you returned the logits z3: the network ends with a softmax that turns them into probabilities.",
                lambda *a, **k: forward_variant(*a, **k, out="logits")),
        Mistake("the convolution has no padding ('valid'): the feature maps shrink by K-1 rows and columns, and "
                "global pooling hides it in the output's shape but not in its values. Pad the image with "
                "(rows of w) // 2 zero rows and (columns of w) // 2 zero columns on each side ('same': z1 is "
                "C x N x M).",
                lambda *a, **k: forward_variant(*a, **k, conv="valid")),
        Mistake("the image is padded with copies of its border pixels; the conv layer pads with zeros.",
                lambda *a, **k: forward_variant(*a, **k, conv="edge")),
        Mistake("the kernels are flipped (convolution instead of cross-correlation, eq. 24.2).",
                lambda *a, **k: forward_variant(*a, **k, flip=True)),
        Mistake("the conv bias b is missing.", lambda *a, **k: forward_variant(*a, **k, conv_bias=False)),
        Mistake("the conv bias is added after the ReLU; z1 = w * x + b comes first, then h = relu(z1).",
                lambda *a, **k: forward_variant(*a, **k, bias_after_relu=True)),
        Mistake("the ReLU is missing: h = max(z1, 0) before pooling.",
                lambda *a, **k: forward_variant(*a, **k, relu="none")),
        Mistake("the ReLU is applied after the pooling; the order is conv -> relu -> gap.",
                lambda *a, **k: forward_variant(*a, **k, relu="after")),
        Mistake("the pooling sums over space instead of averaging (gap divides by N*M).",
                lambda *a, **k: forward_variant(*a, **k, pool="sum")),
        Mistake("the pooling takes the maximum over space; gap is the mean.",
                lambda *a, **k: forward_variant(*a, **k, pool="max")),
        Mistake("W is used transposed: z3 = W @ z2 + c with W of shape (K, C).",
                lambda *a, **k: forward_variant(*a, **k, transpose_W=True)),
        Mistake("the fc bias c is missing.", lambda *a, **k: forward_variant(*a, **k, fc_bias=False)),
    ],
}
MISTAKES = {name: [Mistake(m.message, _quiet(m.wrong)) for m in entries] for name, entries in MISTAKES.items()}


# ------------------------------------------------------------------------ cases

def cases_relu(seed: int = 0) -> list[Case]:
    """Visible cases for relu: the hand example, then random arrays of several shapes."""
    rng = np.random.default_rng(seed)
    return [
        Case((np.array([-2.0, -0.5, 0.0, 0.5, 3.0]),), label="hand example [-2, -0.5, 0, 0.5, 3]"),
        Case((rng.normal(size=(3, 4)),), label="random (3, 4)"),
        Case((rng.normal(size=(2, 3, 5)),), label="random (2, 3, 5) feature maps"),
        Case((rng.integers(-5, 6, size=(4, 3)),), label="integer input (the output is floating)"),
    ]


def cases_softmax(seed: int = 0) -> list[Case]:
    """Visible cases for softmax: the hand example, temperature, axes and large scores."""
    rng = np.random.default_rng(seed)
    z = np.array([1.0, 2.0, 3.0])
    return [
        Case((z,), label="hand example z = [1, 2, 3]"),
        Case((z,), {"tau": 2.0}, label="z = [1, 2, 3], tau = 2 (flatter)"),
        Case((rng.normal(size=5),), {"tau": 0.5}, label="random (5,), tau = 0.5 (sharper)"),
        Case((rng.normal(size=(3, 4)),), label="random (3, 4): default axis 0 (each column sums to 1)"),
        Case((rng.normal(size=(4, 4)),), {"axis": 1}, label="random (4, 4), axis=1 (each row sums to 1)"),
        Case((np.array([1000.0, 1001.0, 1002.0]),), label="large scores [1000, 1001, 1002]"),
        Case((np.array([-1000.0, -1002.0, -1001.0]),), label="large negative scores"),
        Case((z,), {"tau": 0.01}, label="z = [1, 2, 3], tau = 0.01 (z / tau is large)"),
        Case((np.array([[1000.0, -1000.0], [1001.0, -1001.0]]),),
             label="(2, 2), columns of very different size, axis 0"),
    ]


def cases_gap(seed: int = 0) -> list[Case]:
    """Visible cases for gap: the hand example, then random non-square maps."""
    rng = np.random.default_rng(seed)
    return [
        Case((np.arange(12.0).reshape(2, 2, 3),), label="hand example: 2 channels of 2x3"),
        Case((rng.normal(size=(3, 4, 5)),), label="random (3, 4, 5)"),
        Case((rng.normal(size=(1, 6, 2)),), label="random (1, 6, 2)"),
        Case((rng.integers(0, 7, size=(2, 3, 5)),), label="integer maps (the output is floating)"),
    ]


def cases_fc(seed: int = 0) -> list[Case]:
    """Visible cases for fc: the hand example, then random layers (K != C and K == C)."""
    rng = np.random.default_rng(seed)
    return [
        Case((np.array([1.0, -1.0]), np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([0.5, -0.5])),
             label="hand example: C = K = 2"),
        Case((rng.normal(size=3), rng.normal(size=(4, 3)), rng.normal(size=4)), label="random C = 3 -> K = 4"),
        Case((rng.normal(size=3), rng.normal(size=(3, 3)), rng.normal(size=3)), label="random C = 3 -> K = 3"),
        Case((np.array([2, -1]), np.array([[1, -2], [3, 0], [0, 2]]), np.array([1, 0, -1])),
             label="integer inputs (the output is floating)"),
    ]


def hand_example_forward():
    """The worked example of the notebook: a 3x4 image of ones, two 3x3 box kernels; answer [0.5, 0.5]."""
    x = np.ones((3, 4))
    w = np.stack([np.ones((3, 3)), -np.ones((3, 3))])
    b = np.array([0.0, 1.0])
    W = np.array([[1.2, 1.0], [0.0, 0.0]])
    c = np.array([-7.0, 0.0])
    return x, w, b, W, c


def _rand_forward(rng, n, m, C, k1, k2, K, scale=1.0, dtype=np.float64):
    x = rng.normal(size=(n, m)).astype(dtype)
    w = rng.normal(size=(C, k1, k2)) * 0.5
    b = rng.normal(size=C) * 0.5
    W = rng.normal(size=(K, C)) * scale
    c = rng.normal(size=K) * scale
    return x, w, b, W, c


def cases_simple_cnn_forward(seed: int = 0, shapes=((6, 9, 3, 3, 3, 4, 1.0), (7, 5, 2, 3, 5, 2, 2.0),
                                                    (8, 8, 3, 5, 5, 3, 0.5))) -> list[Case]:
    """Visible cases: the notebook's worked example, then random networks (non-square images and kernels)."""
    rng = np.random.default_rng(seed)
    cases = [Case(hand_example_forward(), label="worked example: 3x4 image of ones, two 3x3 box kernels")]
    for n, m, C, k1, k2, K, tau in shapes:
        args = _rand_forward(rng, n, m, C, k1, k2, K, scale=2.0)
        kwargs = {} if tau == 1.0 else {"tau": tau}
        cases.append(Case(args, kwargs, label=f"{n}x{m} image, C = {C} kernels of {k1}x{k2}, K = {K} classes"
                                              + ("" if tau == 1.0 else f", tau = {tau}")))
    cases.append(Case(_rand_forward(rng, 6, 6, 3, 3, 3, 3), label="6x6 image, C = K = 3 (W is square)"))
    x, w, b, W, _ = _rand_forward(rng, 5, 7, 2, 3, 3, 3, scale=300.0)
    cases.append(Case((x, w, b, W, np.array([900.0, 905.0, -900.0])),
                      label="large logits (|z3| near 1000): the softmax must be stable"))
    return cases


def cases_simple_cnn_num_params() -> list[Case]:
    return [Case((), label="defaults: SimpleCNN(2, 9, 2)"), Case((3, 5, 4), label="channels=3, kernel_size=5, "
                                                                                     "num_classes=4")]


def _num_params_reference(channels=2, kernel_size=9, num_classes=2):
    return int(channels * kernel_size * kernel_size + channels + channels * num_classes + num_classes)


# ----------------------------------------------------------------- numpy checks

def _all_matches(got, mistakes, args, kwargs) -> list[str]:
    found = []
    for m in mistakes:
        try:
            wrong = m.wrong(*copy.deepcopy(list(args)), **copy.deepcopy(kwargs))
        except Exception:  # noqa: BLE001
            continue
        if _matches(got, wrong):
            found.append(m.message)
    return list(dict.fromkeys(found))


def _run_cases(fn, cases, *, name, reference, mistakes, hint=None, **kwargs) -> int:
    """check_function one case at a time; when an answer matches several known mistakes, list them all,
    and append ``hint(fn, case)`` (e.g. about overflow) when no known mistake matched."""
    for case in cases:
        try:
            check_function(fn, [case], reference=reference, name=name, mistakes=mistakes, quiet=True, **kwargs)
        except CheckError as e:
            if type(e) is not CheckError:       # ForbiddenCall: as it is
                raise
            text = str(e)
            marker = "\n  This looks like a known mistake:"
            if marker in text:
                try:
                    with contextlib.redirect_stdout(io.StringIO()):
                        got = call_guarded(fn, case.args, case.kwargs, name=name, depends=kwargs.get("depends"))
                    found = _all_matches(got, mistakes, case.args, case.kwargs)
                except Exception:  # noqa: BLE001
                    found = []
                if len(found) > 1:
                    text = (text.split(marker)[0] + "\n  On this input that matches more than one known mistake:"
                            + "".join(f"\n  - {m}" for m in found))
            elif hint is not None:
                text += hint(fn, case)
            raise CheckError(text) from None
    return len(cases)


def check_relu(relu, cases=None) -> int:
    """Visible tests of ``relu``."""
    n = _run_cases(relu, cases or cases_relu(), reference=ops.relu, name="relu", mistakes=MISTAKES["relu"],
                   numpy_only=True, shape_formula="the input's shape")
    print(f"relu: all {n} checks passed.")
    return n


def _stability_hint(fn, case: Case) -> str:
    """Why the answer has NaN/inf in it, if it does."""
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            got = call_guarded(fn, case.args, case.kwargs, name="softmax")
        got = np.asarray(got, dtype=float)
    except Exception:  # noqa: BLE001
        return ""
    if got.size and not np.all(np.isfinite(got)):
        z = np.asarray(case.args[0], dtype=float)
        hint = ("\n  Numerical overflow: np.exp(z / tau) is inf for z / tau above ~709 (and 0 below ~-745), and "
                "inf / inf or 0 / 0 is NaN. Subtract the maximum of z / tau along `axis` (keepdims=True) before "
                "exponentiating: the common factor cancels in the ratio and the largest exponent becomes 0.")
        if z.ndim > 1:
            hint += (" Take the maximum of each slice along `axis`, not of the whole array: one slice's "
                     "maximum can make another slice underflow to 0 / 0.")
        return hint
    return ""


def check_softmax(softmax, cases=None) -> int:
    """Visible tests of ``softmax(z, tau=1.0, axis=0)``: exp(z / tau) normalised along axis, stable."""
    n = _run_cases(softmax, cases or cases_softmax(), reference=ops.softmax, name="softmax",
                   mistakes=MISTAKES["softmax"], hint=_stability_hint, numpy_only=True,
                   shape_formula="the input's shape")
    print(f"softmax: all {n} checks passed.")
    return n


def check_gap(gap, cases=None) -> int:
    """Visible tests of ``gap``: (C, N, M) -> (C,), the mean over space."""
    n = _run_cases(gap, cases or cases_gap(), reference=ops.gap, name="gap", mistakes=MISTAKES["gap"],
                   numpy_only=True, shape_formula="(C,): one number per channel, the mean over the N*M pixels")
    print(f"gap: all {n} checks passed.")
    return n


def check_fc(fc, cases=None) -> int:
    """Visible tests of ``fc``: W (K, C), c (K,), z (C,) -> (K,)."""
    n = _run_cases(fc, cases or cases_fc(), reference=ops.fc, name="fc", mistakes=MISTAKES["fc"],
                   numpy_only=True, shape_formula="(K,) with K = W.shape[0]")
    print(f"fc: all {n} checks passed.")
    return n


def _forward_hint(fn, case: Case) -> str:
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            got = np.asarray(call_guarded(fn, case.args, case.kwargs, name="simple_cnn_forward",
                                          depends=FORWARD_DEPENDS), dtype=float)
    except Exception:  # noqa: BLE001
        return ""
    if got.size and not np.all(np.isfinite(got)):
        return ("\n  The softmax overflowed (np.exp of logits near 1000 is inf): subtract max(z3 / tau) before "
                "exponentiating.")
    return ""


# While simple_cnn_forward is checked, the notebook's relu / softmax / gap / fc (if it calls them) are bound to
# the course's references, so a mistake in one of those costs its own points only.
FORWARD_DEPENDS = {"relu": ops.relu, "softmax": ops.softmax, "gap": ops.gap, "fc": ops.fc}


def check_simple_cnn_forward(simple_cnn_forward, cases=None) -> int:
    """Visible tests of ``simple_cnn_forward`` (conv -> relu -> gap -> fc -> softmax).

    The student's function runs with the course's relu / softmax / gap / fc in place of the notebook's
    own (if it calls them), so their mistakes are charged to their own tests only.
    """
    n = _run_cases(simple_cnn_forward, cases or cases_simple_cnn_forward(), reference=ops.simple_cnn_forward,
                   name="simple_cnn_forward", mistakes=MISTAKES["simple_cnn_forward"], hint=_forward_hint,
                   numpy_only=True, shape_formula="(K,) class probabilities, K = W.shape[0]",
                   depends=FORWARD_DEPENDS)
    print(f"simple_cnn_forward: all {n} checks passed (run with the course's relu, softmax, gap and fc in place "
          "of yours, so a mistake in those costs their own points only).")
    return n


_NUM_PARAMS_MISTAKES = [
    ("the conv biases are missing: one per channel (C).",
     lambda C=2, k=9, K=2: C * k * k + C * K + K),
    ("the fc biases are missing: one per class (K).",
     lambda C=2, k=9, K=2: C * k * k + C + C * K),
    ("a k x k kernel has k * k weights, not k.",
     lambda C=2, k=9, K=2: C * k + C + C * K + K),
    ("the fc layer has K * C weights (a K x C matrix W), not K + C.",
     lambda C=2, k=9, K=2: C * k * k + C + C + K + K),
    ("the biases are missing.", lambda C=2, k=9, K=2: C * k * k + C * K),
    ("the fc layer is missing from the count.", lambda C=2, k=9, K=2: C * k * k + C),
    ("the conv layer is missing from the count.", lambda C=2, k=9, K=2: C * K + K),
]


def check_simple_cnn_num_params(simple_cnn_num_params, cases=None) -> int:
    """Visible tests of ``simple_cnn_num_params(channels=2, kernel_size=9, num_classes=2)``."""
    cases = cases or cases_simple_cnn_num_params()
    for case in cases:
        try:
            check_function(simple_cnn_num_params, [case], reference=_num_params_reference,
                           name="simple_cnn_num_params", numpy_only=True, floating=False, quiet=True)
        except CheckError as e:
            got = call_guarded(simple_cnn_num_params, case.args, case.kwargs, name="simple_cnn_num_params")
            if isinstance(got, (int, np.integer)) and not isinstance(got, bool):
                args = list(case.args) + [None] * (3 - len(case.args))
                C = case.kwargs.get("channels", args[0] if args[0] is not None else 2)
                k = case.kwargs.get("kernel_size", args[1] if args[1] is not None else 9)
                K = case.kwargs.get("num_classes", args[2] if args[2] is not None else 2)
                hints = list(dict.fromkeys(msg for msg, f in _NUM_PARAMS_MISTAKES if int(got) == f(C, k, K)))
                text = str(e)
                if not case.args and not case.kwargs:
                    text += ("\n  This case calls simple_cnn_num_params() without arguments: check the defaults "
                             "(channels=2, kernel_size=9, num_classes=2).")
                if len(hints) == 1:
                    text += f"\n  This looks like a known mistake: {hints[0]}"
                elif hints:
                    text += "\n  This matches more than one known mistake:" + "".join(f"\n  - {h}" for h in hints)
                raise CheckError(text) from None
            raise
    print(f"simple_cnn_num_params: all {len(cases)} checks passed.")
    return len(cases)


# -------------------------------------------------------------- SimpleCNN (torch)

# (positional args, keyword args) of the constructions the visible check tries.
SIMPLE_CNN_CONFIGS = [((), {}), ((3, 5, 4), {}), ((), {"channels": 4, "kernel_size": 3, "num_classes": 3})]
# (batch, rows, columns) of the inputs.
SIMPLE_CNN_SHAPES = [(1, 12, 17), (3, 9, 14), (2, 16, 16)]


def _resolve(args, kwargs):
    names = ("channels", "kernel_size", "num_classes")
    values = dict(zip(names, (2, 9, 2)))
    values.update(dict(zip(names, args)))
    values.update(kwargs)
    return values["channels"], values["kernel_size"], values["num_classes"]


def _signature(args, kwargs):
    parts = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()]
    return f"SimpleCNN({', '.join(parts)})"


def _check_structure(model, C, k, K, sig):
    import torch
    from torch import nn

    if not isinstance(model, nn.Module):
        raise CheckError(f"{sig} is {describe(model)}, not a torch.nn.Module: subclass nn.Module and call "
                         "super().__init__() first in __init__.")
    for attr, kind in (("conv", "nn.Conv2d"), ("fc", "nn.Linear")):
        if not hasattr(model, attr):
            raise CheckError(f"{sig} has no attribute {attr!r}: store the layers as self.conv = {kind}(...) and "
                             f"self.fc = nn.Linear(...) (the tests and notebook 08 look them up by these names).")
    conv, fc = model.conv, model.fc
    if not isinstance(conv, nn.Conv2d):
        raise CheckError(f"{sig}.conv is {type(conv).__name__}; expected an nn.Conv2d.")
    if not isinstance(fc, nn.Linear):
        raise CheckError(f"{sig}.fc is {type(fc).__name__}; expected an nn.Linear.")
    problems = []
    if conv.in_channels != 1:
        problems.append(f"conv.in_channels is {conv.in_channels}; the input is one grayscale channel, "
                        f"(B, 1, N, M): nn.Conv2d(1, channels, ...)")
    if conv.out_channels != C:
        problems.append(f"conv.out_channels is {conv.out_channels}; expected channels = {C}")
    if tuple(conv.kernel_size) != (k, k):
        problems.append(f"conv.kernel_size is {tuple(conv.kernel_size)}; expected ({k}, {k})"
                        + (" (the defaults are channels=2, kernel_size=9, num_classes=2)" if sig == "SimpleCNN()" else ""))
    ks = tuple(conv.kernel_size)
    if conv.padding != "same" and tuple(conv.padding) != (ks[0] // 2, ks[1] // 2):
        problems.append(f"conv.padding is {conv.padding}; expected kernel_size // 2 = {ks[0] // 2} so the feature maps "
                        f"keep the image's size (z1 is C x N x M). Without it the maps shrink by kernel_size - 1: "
                        f"after the global pooling the output shape looks right, but the values do not")
    if tuple(conv.stride) != (1, 1) or tuple(conv.dilation) != (1, 1) or conv.groups != 1:
        problems.append(f"conv has stride {tuple(conv.stride)}, dilation {tuple(conv.dilation)}, groups "
                        f"{conv.groups}; the layer of §24.4 uses the defaults (1, 1)")
    if conv.padding_mode != "zeros":
        problems.append(f"conv.padding_mode is {conv.padding_mode!r}; the layer pads with zeros")
    if conv.bias is None:
        problems.append("conv has no bias (bias=False); each channel has a bias b[c]")
    if fc.in_features != C:
        hint = (" It looks like the feature maps are flattened: global average pooling first turns each map "
                "into one number, so fc takes exactly `channels` inputs whatever the image size"
                if fc.in_features > C else "")
        problems.append(f"fc.in_features is {fc.in_features}; expected channels = {C}.{hint}")
    if fc.out_features != K:
        problems.append(f"fc.out_features is {fc.out_features}; expected num_classes = {K}")
    if fc.bias is None:
        problems.append("fc has no bias (bias=False); the fc layer is W z2 + c")
    if problems:
        raise CheckError(f"{sig}: " + ";\n  ".join(problems) + ".")
    expected_n = C * k * k + C + K * C + K
    got_n = sum(p.numel() for p in model.parameters())
    own = {id(p) for p in list(conv.parameters()) + list(fc.parameters())}
    extra = [name for name, p in model.named_parameters() if id(p) not in own]
    if extra or got_n != expected_n:
        raise CheckError(f"{sig} has {got_n} parameters; expected {expected_n} = C*k*k + C (conv) + K*C + K (fc). "
                         + (f"Extra parameters: {', '.join(extra)}. The network of §24.4 has only the conv and "
                            "the fc layer." if extra else ""))
    if any(p.dtype != torch.float32 for p in model.parameters()):
        raise CheckError(f"{sig}'s parameters should be float32 (PyTorch's default); "
                         f"got {sorted({str(p.dtype) for p in model.parameters()})}.")


def _reference_logits(model, x):
    """Float64 logits computed from the model's own parameters (conv -> relu -> gap -> fc)."""
    import torch.nn.functional as F

    w = model.conv.weight.detach().double()
    b = model.conv.bias.detach().double()
    k = w.shape[-1]
    h = F.relu(F.conv2d(x.double(), w, b, padding=k // 2))
    return F.linear(h.mean(dim=(2, 3)), model.fc.weight.detach().double(), model.fc.bias.detach().double())


def _torch_variant(model, x, kind):
    """Logits of a known mistake, float64."""
    import torch
    import torch.nn.functional as F

    w = model.conv.weight.detach().double()
    b = model.conv.bias.detach().double()
    W = model.fc.weight.detach().double()
    c = model.fc.bias.detach().double()
    k = w.shape[-1]
    x = x.double()
    pad = 0 if kind == "valid" else k // 2
    z1 = F.conv2d(x, w, None if kind == "no_conv_bias" else b, padding=pad)
    h = z1 if kind in ("no_relu", "relu_after") else F.relu(z1)
    if kind == "sum":
        z2 = h.sum(dim=(2, 3))
    elif kind == "max":
        z2 = h.amax(dim=(2, 3))
    else:
        z2 = h.mean(dim=(2, 3))
    if kind == "relu_after":
        z2 = F.relu(z2)
    z3 = F.linear(z2, W, None if kind == "no_fc_bias" else c)
    if kind == "softmax":
        return torch.softmax(z3, dim=1)
    if kind == "log_softmax":
        return torch.log_softmax(z3, dim=1)
    if kind == "sigmoid":
        return torch.sigmoid(z3)
    return z3


_SIMPLE_CNN_MISTAKES = [
    ("softmax", "forward applies a softmax: it must return the logits z3. Training uses nn.CrossEntropyLoss, "
                "which applies log-softmax itself; take torch.softmax(logits, dim=1) outside when you want "
                "probabilities."),
    ("log_softmax", "forward returns log-probabilities (log_softmax); return the raw logits z3."),
    ("sigmoid", "forward applies a sigmoid; return the raw logits z3."),
    ("valid", "the convolution runs without padding: the maps shrink by kernel_size - 1 and the average is taken "
              "over a smaller region. The output shape still looks right after global pooling, but the values "
              "are not. Use self.conv (padding=kernel_size // 2) in forward."),
    ("sum", "the pooling sums over space instead of averaging: use h.mean(dim=(2, 3)) (global average pooling)."),
    ("max", "the pooling takes the maximum over space (global max pooling); §24.4 averages: h.mean(dim=(2, 3))."),
    ("no_relu", "the ReLU is missing between the conv and the pooling."),
    ("relu_after", "the ReLU is applied after the pooling; the order is conv -> relu -> gap -> fc."),
    ("no_fc_bias", "the fc bias is not used (e.g. F.linear(z, self.fc.weight)); call self.fc(z2)."),
    ("no_conv_bias", "the conv bias is not used; call self.conv(x)."),
]


def _forward(model, x, sig, what):
    import torch

    B, _, N, M = x.shape
    try:
        out = call_guarded(model, (x,), name=f"{sig}.forward", label=what)
    except CheckError as e:
        raise CheckError(f"{e}\n  The network must accept any image size and batch size: global average "
                         "pooling (h.mean(dim=(2, 3))) leaves C numbers per image whatever N and M are.") from None
    if not isinstance(out, torch.Tensor):
        raise CheckError(f"{sig}.forward ({what}) returned {describe(out)}; expected a tensor of logits "
                         f"of shape ({B}, num_classes).")
    return out


def _check_outputs(model, x, C, k, K, sig, what):
    """Shape, dtype, finiteness, graph and values of model(x) against the reference."""
    import torch

    B = x.shape[0]
    out = _forward(model, x, sig, what)
    if tuple(out.shape) != (B, K):
        hint = ""
        if out.dim() == 1 and B == 1:
            hint = " Keep the batch axis (no .squeeze())."
        elif out.dim() == 4:
            hint = " The maps were not pooled: average over the two spatial axes, h.mean(dim=(2, 3))."
        raise CheckError(f"{sig}.forward ({what}) returned shape {tuple(out.shape)}; expected ({B}, {K}) = "
                         f"(batch, num_classes).{hint}")
    if not out.dtype.is_floating_point:
        raise CheckError(f"{sig}.forward ({what}) returned dtype {out.dtype}; expected float32 logits.")
    if not bool(torch.isfinite(out).all()):
        raise CheckError(f"{sig}.forward ({what}) returned non-finite values.")
    if not out.requires_grad:
        raise CheckError(f"{sig}.forward ({what}) returned a tensor with no gradient (requires_grad=False): the "
                         "computation was cut from the parameters (torch.no_grad(), .detach(), .data or a trip "
                         "through numpy), so the network could not be trained.")
    ref = _reference_logits(model, x)
    got = out.detach().double()
    tol = 1e-4 * max(1.0, float(ref.abs().max()))
    if float((got - ref).abs().max()) > tol:
        diff = (got - ref).abs()
        pos = tuple(int(i) for i in torch.nonzero(diff > tol)[0])
        msg = (f"{sig}.forward ({what}) returned wrong logits: {int((diff > tol).sum())} of {diff.numel()} "
               f"differ; first at {pos}: got {float(got[pos]):.6g}, expected {float(ref[pos]):.6g}.")
        for kind, text in _SIMPLE_CNN_MISTAKES:
            try:
                wrong = _torch_variant(model, x, kind)
            except Exception:  # noqa: BLE001
                continue
            if wrong.shape == got.shape and float((got - wrong).abs().max()) <= 1e-4 * max(1.0, float(wrong.abs().max())):
                msg += f"\n  This looks like a known mistake: {text}"
                break
        raise CheckError(msg)
    return out


def _set_weights(model, gen):
    import torch

    with torch.no_grad():
        model.conv.weight.copy_(0.3 * torch.randn(model.conv.weight.shape, generator=gen))
        model.conv.bias.copy_(0.5 * torch.randn(model.conv.bias.shape, generator=gen))
        model.fc.weight.copy_(torch.randn(model.fc.weight.shape, generator=gen))
        model.fc.bias.copy_(torch.randn(model.fc.bias.shape, generator=gen))


def _check_gradients(model, x, sig, what, gen):
    import torch
    import torch.nn.functional as F

    model.zero_grad(set_to_none=True)
    out = _forward(model, x, sig, what)
    r = torch.randn(out.shape, generator=gen, dtype=torch.float64)
    (out.double() * r).sum().backward()
    params = {"conv.weight": model.conv.weight, "conv.bias": model.conv.bias,
              "fc.weight": model.fc.weight, "fc.bias": model.fc.bias}
    # reference gradients, float64
    ref = {name: p.detach().double().clone().requires_grad_(True) for name, p in params.items()}
    k = ref["conv.weight"].shape[-1]
    h = F.relu(F.conv2d(x.double(), ref["conv.weight"], ref["conv.bias"], padding=k // 2))
    z3 = F.linear(h.mean(dim=(2, 3)), ref["fc.weight"], ref["fc.bias"])
    (z3 * r).sum().backward()
    for name, p in params.items():
        if p.grad is None:
            raise CheckError(f"{sig}: no gradient reaches {name} ({what}): forward must compute the logits from "
                             f"self.conv and self.fc with tensors that keep the graph (no torch.no_grad(), "
                             f".detach(), .data or numpy round trips).")
        g, rg = p.grad.double(), ref[name].grad
        if float((g - rg).abs().max()) > 1e-3 * max(1.0, float(rg.abs().max())):
            raise CheckError(f"{sig}: the gradient of {name} is wrong ({what}): largest difference "
                             f"{float((g - rg).abs().max()):.3g}. Is some part of forward computed on detached "
                             f"tensors?")
    model.zero_grad(set_to_none=True)


def _check_against_numpy(model, x, sig, what):
    """softmax(model(x)) per image equals ops.simple_cnn_forward with the weights copied to numpy."""
    import torch

    with torch.no_grad():
        probs = torch.softmax(model(x).double(), dim=1).numpy()
    w = model.conv.weight.detach().double().numpy()[:, 0]          # (C, 1, k, k) -> (C, k, k)
    b = model.conv.bias.detach().double().numpy()
    W = model.fc.weight.detach().double().numpy()                  # (K, C), the book's W
    c = model.fc.bias.detach().double().numpy()
    for i in range(x.shape[0]):
        expected = ops.simple_cnn_forward(x[i, 0].double().numpy(), w, b, W, c)
        if np.abs(probs[i] - expected).max() > 1e-4:
            raise CheckError(f"{sig} ({what}): softmax(model(x))[{i}] = {np.round(probs[i], 5)} but "
                             f"simple_cnn_forward with the same weights gives {np.round(expected, 5)}.")


def check_SimpleCNN(cls, configs=None, shapes=None, seed: int = 0) -> int:
    """Visible tests of the ``SimpleCNN`` module (§24.4 in PyTorch).

    Args:
        cls: the class (not an instance).
        configs: list of ``(args, kwargs)`` constructions (default :data:`SIMPLE_CNN_CONFIGS`).
        shapes: list of ``(B, N, M)`` inputs (default :data:`SIMPLE_CNN_SHAPES`).
        seed: seeds the random weights and images.
    """
    import torch
    from torch import nn

    if not (isinstance(cls, type) and issubclass(cls, nn.Module)):
        raise CheckError(f"SimpleCNN should be a class derived from torch.nn.Module, but it is {describe(cls)}.")
    configs = configs or SIMPLE_CNN_CONFIGS
    shapes = shapes or SIMPLE_CNN_SHAPES
    gen = torch.Generator().manual_seed(seed)
    count = 0
    state = torch.random.get_rng_state()
    try:
        for args, kwargs in configs:
            C, k, K = _resolve(args, kwargs)
            sig = _signature(args, kwargs)
            torch.manual_seed(seed)
            try:
                model = call_guarded(cls, args, kwargs, name="SimpleCNN", label=sig)
            except CheckError as e:
                if "before Module.__init__() call" in str(e):
                    raise CheckError(f"{e}\n  Call super().__init__() first thing in __init__, before creating "
                                     "the layers.") from None
                if "unexpected keyword argument" in str(e) or "positional argument" in str(e):
                    raise CheckError(f"{e}\n  The signature is SimpleCNN(channels=2, kernel_size=9, "
                                     "num_classes=2).") from None
                raise
            _check_structure(model, C, k, K, sig)
            count += 1
            xs = [torch.randn((B, 1, N, M), generator=gen) for B, N, M in shapes]
            for x, (B, N, M) in zip(xs, shapes):      # the model's own initial weights
                _check_outputs(model, x, C, k, K, sig, f"input ({B}, 1, {N}, {M}), initial weights")
                count += 1
            _set_weights(model, gen)                  # weights we choose (mixed signs, active biases)
            for x, (B, N, M) in zip(xs, shapes):
                what = f"input ({B}, 1, {N}, {M}), copied weights"
                _check_outputs(model, x, C, k, K, sig, what)
                _check_gradients(model, x, sig, what, gen)
                _check_against_numpy(model, x, sig, what)
                count += 3
    finally:
        torch.random.set_rng_state(state)
    print(f"SimpleCNN: all {count} checks passed.")
    return count


for _name in ("check_relu", "check_softmax", "check_gap", "check_fc", "check_simple_cnn_forward",
              "check_simple_cnn_num_params", "check_SimpleCNN"):
    globals()[_name] = _single_threaded(globals()[_name])
del _name
