"""Visible checks for notebook 07_simple_cnn (chapter §24.4, a simple CNN classifier).

``relu``, ``softmax``, ``gap``, ``fc``, ``simple_cnn_forward`` and
``simple_cnn_num_params`` are checked on stored cases (the grader uses cases of
its own). ``check_SimpleCNN(cls)`` builds the student's module, checks its
layers (``conv``, ``fc``, their hyper-parameters and the parameter count),
then loads stored weights and compares logits and gradients with the stored
answers.
"""
from __future__ import annotations


import numpy as np

from . import book
from .core import CheckError, with_hint
from .modules import judge_grads, judge_output, local_new

_A = "07_simple_cnn"

OVERFLOW_HINT = ("\n  Numerical overflow: np.exp(z / tau) is inf for z / tau above ~709 (and 0 below ~-745), and "
                 "inf / inf or 0 / 0 is NaN. Subtract the maximum of z / tau along `axis` (keepdims=True) before "
                 "exponentiating: the common factor cancels in the ratio and the largest exponent becomes 0. Take "
                 "the maximum of each slice along `axis`, not of the whole array.")
FORWARD_OVERFLOW_HINT = ("\n  The softmax overflowed (np.exp of logits near 1000 is inf): subtract max(z3 / tau) "
                         "before exponentiating.")
DEFAULTS_HINT = ("\n  This case calls simple_cnn_num_params() without arguments: check the defaults "
                 "(channels=2, kernel_size=9, num_classes=2).")
FORWARD_NOTE = ("simple_cnn_forward ran with the course's relu, softmax, gap and fc in place of yours, so a "
                "mistake in those costs their own points only.")




def overflow_hint(message: str) -> str:
    return OVERFLOW_HINT if ("returned NaN" in message or "inf" in message) and "known mistake" not in message \
        else ""


def forward_overflow_hint(message: str) -> str:
    return FORWARD_OVERFLOW_HINT if ("returned NaN" in message or "inf" in message) and \
        "known mistake" not in message else ""


def defaults_hint(message: str) -> str:
    return DEFAULTS_HINT if "defaults" in message.split("\n")[0] and "returned" in message else ""


check_relu = book.checker(_A, "relu", "Visible tests of ``relu``.")
check_softmax = with_hint(book.checker(_A, "softmax", "Visible tests of ``softmax(z, tau=1.0, axis=0)``: "
                                                      "exp(z / tau) normalised along axis, stable."), overflow_hint)
check_gap = book.checker(_A, "gap", "Visible tests of ``gap``: (C, N, M) -> (C,), the mean over space.")
check_fc = book.checker(_A, "fc", "Visible tests of ``fc``: W (K, C), c (K,), z (C,) -> (K,).")
check_simple_cnn_forward = with_hint(book.checker(_A, "simple_cnn_forward",
                                                  "Visible tests of ``simple_cnn_forward`` (conv -> relu -> gap "
                                                  "-> fc -> softmax)."), forward_overflow_hint)
check_simple_cnn_num_params = with_hint(book.checker(_A, "simple_cnn_num_params",
                                                     "Visible tests of ``simple_cnn_num_params``."), defaults_hint)


# ------------------------------------------------------------------ SimpleCNN


def resolve(args, kwargs) -> tuple[int, int, int]:  # noqa: ANN001
    names = ("channels", "kernel_size", "num_classes")
    values = dict(zip(names, (2, 9, 2)))
    values.update(dict(zip(names, args)))
    values.update(kwargs)
    return values["channels"], values["kernel_size"], values["num_classes"]


def signature(args, kwargs) -> str:  # noqa: ANN001
    parts = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()]
    return f"SimpleCNN({', '.join(parts)})"


def construction_hint(message: str) -> str:
    if "before Module.__init__() call" in message:
        return "\n  Call super().__init__() first thing in __init__, before creating the layers."
    if "unexpected keyword argument" in message or "positional argument" in message:
        return "\n  The signature is SimpleCNN(channels=2, kernel_size=9, num_classes=2)."
    return ""


FORWARD_HINT = ("\n  The network must accept any image size and batch size: global average pooling "
                "(h.mean(dim=(2, 3))) leaves C numbers per image whatever N and M are.")


def check_structure(desc: dict, C: int, k: int, K: int, sig: str) -> None:
    """The layers of §24.4: ``conv`` = Conv2d(1, C, k, padding=k // 2), ``fc`` = Linear(C, K), nothing else."""
    if not desc.get("is_module"):
        raise CheckError(f"{sig} is {desc.get('type')}, not a torch.nn.Module: subclass nn.Module and call "
                         "super().__init__() first in __init__.")
    mods = {m["name"]: m for m in desc["modules"]}
    for attr, kind in (("conv", "nn.Conv2d"), ("fc", "nn.Linear")):
        if attr not in mods:
            raise CheckError(f"{sig} has no attribute {attr!r}: store the layers as self.conv = {kind}(...) and "
                             f"self.fc = nn.Linear(...) (the tests and notebook 08 look them up by these names).")
    conv, fc = mods["conv"], mods["fc"]
    if conv["kind"] != "Conv2d":
        raise CheckError(f"{sig}.conv is {conv['type']}; expected an nn.Conv2d.")
    if fc["kind"] != "Linear":
        raise CheckError(f"{sig}.fc is {fc['type']}; expected an nn.Linear.")
    h, g = conv["hyper"], fc["hyper"]
    problems = []
    if h["in_channels"] != 1:
        problems.append(f"conv.in_channels is {h['in_channels']}; the input is one grayscale channel, "
                        f"(B, 1, N, M): nn.Conv2d(1, channels, ...)")
    if h["out_channels"] != C:
        problems.append(f"conv.out_channels is {h['out_channels']}; expected channels = {C}")
    ks = tuple(h["kernel_size"])
    if ks != (k, k):
        problems.append(f"conv.kernel_size is {ks}; expected ({k}, {k})"
                        + (" (the defaults are channels=2, kernel_size=9, num_classes=2)" if sig == "SimpleCNN()"
                           else ""))
    pad = h["padding"]
    if pad != "same" and tuple(pad) != (ks[0] // 2, ks[1] // 2):
        problems.append(f"conv.padding is {tuple(pad)}; expected kernel_size // 2 = {ks[0] // 2} so the feature "
                        "maps keep the image's size (z1 is C x N x M). Without it the maps shrink by kernel_size - 1: "
                        "after the global pooling the output shape looks right, but the values do not")
    if tuple(h["stride"]) != (1, 1) or tuple(h["dilation"]) != (1, 1) or h["groups"] != 1:
        problems.append(f"conv has stride {tuple(h['stride'])}, dilation {tuple(h['dilation'])}, groups "
                        f"{h['groups']}; the layer of §24.4 uses the defaults (1, 1)")
    if h["padding_mode"] != "zeros":
        problems.append(f"conv.padding_mode is {h['padding_mode']!r}; the layer pads with zeros")
    if not h["bias"]:
        problems.append("conv has no bias (bias=False); each channel has a bias b[c]")
    if g["in_features"] != C:
        hint = (" It looks like the feature maps are flattened: global average pooling first turns each map "
                "into one number, so fc takes exactly `channels` inputs whatever the image size"
                if g["in_features"] > C else "")
        problems.append(f"fc.in_features is {g['in_features']}; expected channels = {C}.{hint}")
    if g["out_features"] != K:
        problems.append(f"fc.out_features is {g['out_features']}; expected num_classes = {K}")
    if not g["bias"]:
        problems.append("fc has no bias (bias=False); the fc layer is W z2 + c")
    if problems:
        raise CheckError(f"{sig}: " + ";\n  ".join(problems) + ".")
    expected_n = C * k * k + C + K * C + K
    own = {"conv.weight", "conv.bias", "fc.weight", "fc.bias"}
    extra = [p["name"] for p in desc["parameters"] if p["name"] not in own]
    if extra or desc["num_parameters"] != expected_n:
        raise CheckError(f"{sig} has {desc['num_parameters']} parameters; expected {expected_n} = C*k*k + C (conv) "
                         "+ K*C + K (fc). " + (f"Extra parameters: {', '.join(extra)}. The network of §24.4 has only "
                                               "the conv and the fc layer." if extra else ""))
    if any(d != "torch.float32" for d in desc["dtypes"]):
        raise CheckError(f"{sig}'s parameters should be float32 (PyTorch's default); got {desc['dtypes']}.")


def output_shape_hint(B: int):
    def hint(shape: tuple) -> str:
        if len(shape) == 1 and B == 1:
            return ". Keep the batch axis (no .squeeze())"
        if len(shape) == 4:
            return ". The maps were not pooled: average over the two spatial axes, h.mean(dim=(2, 3))"
        return " = (batch, num_classes)"
    return hint


def forward(model, x, *, sig: str, what: str, **kw) -> dict:  # noqa: ANN001
    try:
        return model.forward(x, label=what, **kw)
    except CheckError as e:
        if type(e) is not CheckError:
            raise
        raise CheckError(f"{e}{FORWARD_HINT}") from None


def check_case(model, case: dict, *, sig: str, K: int) -> int:  # noqa: ANN001
    """One stored (or grader-made) case on a model handle: weights loaded, logits, gradients, probabilities."""
    x = case["x"]
    B = x.shape[0]
    what = case["what"]
    if case.get("state") is not None:
        model.load(case["state"], label=what)
    fwd = forward(model, x, sig=sig, what=what, probe=case.get("probe"), grads=case.get("grads") is not None)
    got = judge_output(fwd["out"], case["logits"], sig=sig, what=what, shape_hint=output_shape_hint(B),
                       wrong=case.get("mistakes", ()), what_values="logits")
    count = 1
    if case.get("grads") is not None:
        judge_grads(fwd, case["grads"], sig=sig, what=what)
        count += 1
    if case.get("probs") is not None:
        e = np.exp(got - got.max(axis=1, keepdims=True))
        probs = e / e.sum(axis=1, keepdims=True)
        for i in range(B):
            if np.abs(probs[i] - case["probs"][i]).max() > 1e-4:
                raise CheckError(f"{sig} ({what}): softmax(model(x))[{i}] = {np.round(probs[i], 5)} but "
                                 f"simple_cnn_forward with the same weights gives {np.round(case['probs'][i], 5)}.")
        count += 1
    return count


def construct(new, args, kwargs, seed: int):  # noqa: ANN001
    """``new(...)`` (local or in the notebook's kernel), with construction hints added to its errors."""
    sig = signature(args, kwargs)
    try:
        return new(args, kwargs, seed=seed, label=sig)
    except CheckError as e:
        if type(e) is not CheckError:
            raise
        raise CheckError(f"{e}{construction_hint(str(e))}") from None


def check_SimpleCNN(cls) -> None:  # noqa: ANN001
    """Visible tests of the ``SimpleCNN`` module (§24.4 in PyTorch), on stored weights and inputs."""
    import torch
    from torch import nn

    from .core import describe

    if not (isinstance(cls, type) and issubclass(cls, nn.Module)):
        raise CheckError(f"SimpleCNN should be a class derived from torch.nn.Module, but it is {describe(cls)}.")
    count = 0
    state = torch.random.get_rng_state()
    try:
        for entry in book.load(_A)["SimpleCNN"]:
            args, kwargs = tuple(entry["args"]), dict(entry["kwargs"])
            sig = signature(args, kwargs)
            C, k, K = resolve(args, kwargs)
            model = construct(lambda a, kw, seed, label: local_new(cls, a, kw, seed=seed, label=label,
                                                                   name="SimpleCNN"), args, kwargs, 0)
            check_structure(model.description, C, k, K, sig)
            count += 1
            for case in entry["cases"]:
                count += check_case(model, case, sig=sig, K=K)
    finally:
        torch.random.set_rng_state(state)
    print(f"SimpleCNN: all {count} visible checks passed.")


__all__ = ["check_relu", "check_softmax", "check_gap", "check_fc", "check_simple_cnn_forward",
           "check_simple_cnn_num_params", "check_SimpleCNN", "check_structure", "check_case", "construct",
           "resolve", "signature", "with_hint"]
