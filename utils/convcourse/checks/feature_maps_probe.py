"""Measurements of a torch model for notebook 09_feature_maps, as plain data (no verdict).

:func:`model_facts` reports what a function that only *measures* a model must
leave as it was: parameter values, stored gradients, ``requires_grad`` flags,
buffers and each submodule's train/eval mode. The grader asks the notebook's
kernel for them after the student's ``empirical_receptive_field`` ran on a
test network, and compares them with the facts of the network as it was
built.
"""
from __future__ import annotations

import numpy as np


def plain_array(t) -> np.ndarray:  # noqa: ANN001
    a = t.detach().cpu().reshape(-1) if t.dim() == 0 else t.detach().cpu()   # 0-d as (1,): the same on the wire
    return a.double().numpy() if a.is_floating_point() else a.numpy()


def model_facts(model) -> dict:  # noqa: ANN001
    """Parameters, gradients (None when unset), requires_grad flags, buffers and modes of ``model``."""
    params = dict(model.named_parameters())
    return {
        "params": {n: plain_array(p) for n, p in params.items()},
        "grads": {n: (None if p.grad is None else plain_array(p.grad)) for n, p in params.items()},
        "requires_grad": {n: bool(p.requires_grad) for n, p in params.items()},
        "buffers": {n: plain_array(b) for n, b in model.named_buffers()},
        "training": {n: bool(m.training) for n, m in model.named_modules()},
    }


__all__ = ["model_facts"]
