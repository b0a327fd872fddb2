"""The grader's checks for notebook 07_simple_cnn (chapter §24.4, a simple CNN classifier).

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

import functools
import warnings

import numpy as np

from convcourse import ops
from convcourse.checks import simple_cnn as visible
from convcourse.checks.core import Case, CheckError, Mistake, check_function
from convcourse.checks.core import single_threaded as _single_threaded

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


def check_relu(relu, cases=None) -> int:
    """Visible tests of ``relu``."""
    return check_function(relu, cases or cases_relu(), reference=ops.relu, name="relu", mistakes=MISTAKES["relu"],
                          numpy_only=True, shape_formula="the input's shape")


@functools.partial(visible.with_hint, hint=visible.overflow_hint)
def check_softmax(softmax, cases=None) -> int:
    """Visible tests of ``softmax(z, tau=1.0, axis=0)``: exp(z / tau) normalised along axis, stable."""
    return check_function(softmax, cases or cases_softmax(), reference=ops.softmax, name="softmax",
                          mistakes=MISTAKES["softmax"], numpy_only=True, shape_formula="the input's shape")


def check_gap(gap, cases=None) -> int:
    """Visible tests of ``gap``: (C, N, M) -> (C,), the mean over space."""
    return check_function(gap, cases or cases_gap(), reference=ops.gap, name="gap", mistakes=MISTAKES["gap"],
                          numpy_only=True, shape_formula="(C,): one number per channel, the mean over the N*M pixels")


def check_fc(fc, cases=None) -> int:
    """Visible tests of ``fc``: W (K, C), c (K,), z (C,) -> (K,)."""
    return check_function(fc, cases or cases_fc(), reference=ops.fc, name="fc", mistakes=MISTAKES["fc"],
                          numpy_only=True, shape_formula="(K,) with K = W.shape[0]")


# While simple_cnn_forward is checked, the notebook's relu / softmax / gap / fc (if it calls them) are bound to
# the course's references, so a mistake in one of those costs its own points only.
FORWARD_DEPENDS = {"relu": ops.relu, "softmax": ops.softmax, "gap": ops.gap, "fc": ops.fc}


@functools.partial(visible.with_hint, hint=visible.forward_overflow_hint)
def check_simple_cnn_forward(simple_cnn_forward, cases=None) -> int:
    """Visible tests of ``simple_cnn_forward`` (conv -> relu -> gap -> fc -> softmax), run with the course's
    relu / softmax / gap / fc in place of the notebook's own."""
    return check_function(simple_cnn_forward, cases or cases_simple_cnn_forward(), reference=ops.simple_cnn_forward,
                          name="simple_cnn_forward", mistakes=MISTAKES["simple_cnn_forward"], numpy_only=True,
                          shape_formula="(K,) class probabilities, K = W.shape[0]", depends=FORWARD_DEPENDS)


def _num_params_mistake(f):
    def wrong(channels=2, kernel_size=9, num_classes=2):
        return f(channels, kernel_size, num_classes)
    return wrong


_NUM_PARAMS_MISTAKES = [Mistake(text, _num_params_mistake(f)) for text, f in [
    ("the conv biases are missing: one per channel (C).", lambda C, k, K: C * k * k + C * K + K),
    ("the fc biases are missing: one per class (K).", lambda C, k, K: C * k * k + C + C * K),
    ("a k x k kernel has k * k weights, not k.", lambda C, k, K: C * k + C + C * K + K),
    ("the fc layer has K * C weights (a K x C matrix W), not K + C.", lambda C, k, K: C * k * k + C + C + K + K),
    ("the biases are missing.", lambda C, k, K: C * k * k + C * K),
    ("the fc layer is missing from the count.", lambda C, k, K: C * k * k + C),
    ("the conv layer is missing from the count.", lambda C, k, K: C * K + K),
]]


@functools.partial(visible.with_hint, hint=visible.defaults_hint)
def check_simple_cnn_num_params(simple_cnn_num_params, cases=None) -> int:
    """Visible tests of ``simple_cnn_num_params(channels=2, kernel_size=9, num_classes=2)``."""
    return check_function(simple_cnn_num_params, cases or cases_simple_cnn_num_params(),
                          reference=_num_params_reference, name="simple_cnn_num_params", numpy_only=True,
                          floating=False, mistakes=_NUM_PARAMS_MISTAKES)


# -------------------------------------------------------------- SimpleCNN (torch)

# (positional args, keyword args) of the constructions the visible check tries.
SIMPLE_CNN_CONFIGS = [((), {}), ((3, 5, 4), {}), ((), {"channels": 4, "kernel_size": 3, "num_classes": 3})]
# (batch, rows, columns) of the inputs.
SIMPLE_CNN_SHAPES = [(1, 12, 17), (3, 9, 14), (2, 16, 16)]


def _t(a):
    import torch
    if isinstance(a, torch.Tensor):
        return a if a.dtype == torch.float64 else a.double()
    return torch.as_tensor(np.asarray(a), dtype=torch.float64)


def reference_logits(state: dict, x, kind: str = "right"):
    """Float64 logits of conv -> relu -> gap -> fc from ``state`` (the model's parameters), or of a known
    mistake ``kind``."""
    import torch
    import torch.nn.functional as F

    w, b, W, c = (_t(state[k]) for k in ("conv.weight", "conv.bias", "fc.weight", "fc.bias"))
    x = _t(x)
    k = w.shape[-1]
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


def reference_grads(state: dict, x, probe) -> dict:
    """Gradients of sum(logits * probe) with respect to every parameter (float64)."""
    import torch

    params = {k: _t(v).requires_grad_(True) for k, v in state.items()}
    (reference_logits(params, x) * _t(probe)).sum().backward()
    return {k: p.grad.numpy() for k, p in params.items()}


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


def _mistakes(state: dict, x) -> list:
    out = []
    for kind, text in _SIMPLE_CNN_MISTAKES:
        try:
            out.append((text, reference_logits(state, x, kind).detach().numpy()))
        except Exception:  # noqa: BLE001
            continue
    return out


def chosen_state(C: int, k: int, K: int, gen) -> dict:  # noqa: ANN001
    """Weights the checks choose (mixed signs, active biases), float32-exact."""
    import torch

    shapes = {"conv.weight": ((C, 1, k, k), 0.3), "conv.bias": ((C,), 0.5), "fc.weight": ((K, C), 1.0),
              "fc.bias": ((K,), 1.0)}
    return {name: (scale * torch.randn(shape, generator=gen)).float().double().numpy()
            for name, (shape, scale) in shapes.items()}


def make_case(state: dict, x, what: str, gen, *, numpy_check: bool = True) -> dict:  # noqa: ANN001
    """A case with everything the judge needs: the input, a gradient probe and the answers for ``state``."""
    import torch

    logits = reference_logits(state, x).detach().numpy()
    probe = torch.randn(logits.shape, generator=gen, dtype=torch.float64).numpy()
    case = {"what": what, "x": x, "state": state, "logits": logits, "mistakes": _mistakes(state, x),
            "probe": probe, "grads": reference_grads(state, x, probe)}
    if numpy_check:
        w, b = state["conv.weight"][:, 0], state["conv.bias"]
        case["probs"] = np.stack([ops.simple_cnn_forward(np.asarray(x[i, 0], dtype=np.float64), w, b,
                                                         state["fc.weight"], state["fc.bias"])
                                  for i in range(x.shape[0])])
    return case


def _inputs(shapes, gen) -> list:  # noqa: ANN001
    import torch
    return [torch.randn((B, 1, N, M), generator=gen).numpy() for B, N, M in shapes]


def plan(configs=None, shapes=None, seed: int = 0) -> list[dict]:
    """The constructions and the cases on chosen weights (what the visible answer book stores)."""
    import torch

    gen = torch.Generator().manual_seed(seed)
    entries = []
    for args, kwargs in configs or SIMPLE_CNN_CONFIGS:
        C, k, K = visible.resolve(args, kwargs)
        xs = _inputs(shapes or SIMPLE_CNN_SHAPES, gen)
        state = chosen_state(C, k, K, gen)
        cases = [make_case(state, x, f"input {tuple(x.shape)}, copied weights", gen) for x in xs]
        entries.append({"args": list(args), "kwargs": dict(kwargs), "inputs": xs, "cases": cases})
    return entries


def _notebook(target):  # noqa: ANN001
    """The notebook handle of a test: the grader's, or one in this process for a class (the catalogue)."""
    from ..remote import as_notebook
    return as_notebook(target, "SimpleCNN")


def check_SimpleCNN(target, configs=None, shapes=None, seed: int = 0) -> int:
    """``SimpleCNN`` in the notebook: its layers, logits with its own initial weights and with weights chosen
    here, gradients to every parameter, and agreement with simple_cnn_forward.

    ``target`` is the grader's notebook handle, or a class (tested in this process).
    """
    from convcourse.checks.modules import judge_output

    nb = _notebook(target)
    count = 0
    for entry in plan(configs, shapes, seed):
        args, kwargs = tuple(entry["args"]), entry["kwargs"]
        sig = visible.signature(args, kwargs)
        C, k, K = visible.resolve(args, kwargs)
        model = visible.construct(lambda a, kw, seed, label: nb.new("SimpleCNN", a, kw, seed=seed, label=label),
                                  args, kwargs, seed)
        visible.check_structure(model.description, C, k, K, sig)
        count += 1
        own = model.state()
        for x in entry["inputs"]:
            what = f"input {tuple(x.shape)}, initial weights"
            fwd = visible.forward(model, x, sig=sig, what=what)
            judge_output(fwd["out"], reference_logits(own, x).detach().numpy(), sig=sig, what=what,
                         shape_hint=visible.output_shape_hint(x.shape[0]), wrong=_mistakes(own, x),
                         what_values="logits")
            count += 1
        for case in entry["cases"]:
            count += visible.check_case(model, case, sig=sig, K=K)
    print(f"SimpleCNN: all {count} checks passed.")
    return count


def book_SimpleCNN() -> list[dict]:
    """The visible answer book's SimpleCNN entries."""
    return [{"args": e["args"], "kwargs": e["kwargs"], "cases": e["cases"]} for e in plan()]


check_SimpleCNN.book = book_SimpleCNN


for _name in ("check_relu", "check_softmax", "check_gap", "check_fc", "check_simple_cnn_forward",
              "check_simple_cnn_num_params"):
    globals()[_name] = _single_threaded(globals()[_name])
del _name
