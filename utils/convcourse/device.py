"""Tiny device helpers: pick the GPU when there is one, move things onto it.

    >>> dev = try_gpu()            # cuda:0 on a GPU machine, else cpu
    >>> model = to_device(model, dev)
    >>> x = to_device(np.zeros((2, 3)), dev)   # numpy -> tensor on dev
"""
from __future__ import annotations

from typing import Any

import numpy as np
import torch

__all__ = ["try_gpu", "cuda_available", "to_device", "describe_device"]


def cuda_available() -> bool:
    """True when torch sees at least one CUDA device."""
    return torch.cuda.is_available()


def try_gpu(i: int = 0) -> torch.device:
    """``torch.device('cuda:i')`` when that GPU exists, else ``torch.device('cpu')``.

    Args:
        i: index of the GPU (0 for the first one).

    Returns:
        torch.device.
    """
    if torch.cuda.is_available() and 0 <= i < torch.cuda.device_count():
        return torch.device(f"cuda:{i}")
    return torch.device("cpu")


def to_device(obj: Any, device: torch.device | str | None = None) -> Any:
    """Move a tensor, module, numpy array or a container of them to a device.

    Args:
        obj: a ``torch.Tensor`` (returns ``obj.to(device)``, the same tensor when
            it is already there), an ``nn.Module`` (moved in place and returned),
            a numpy array (returns a new tensor on the device, with the array's
            dtype), or a list / tuple / dict of these (converted element-wise).
            Anything else (numbers, strings, None) is returned unchanged.
        device: target device; default :func:`try_gpu`.

    Returns:
        The moved object.
    """
    device = try_gpu() if device is None else torch.device(device)
    if isinstance(obj, (torch.Tensor, torch.nn.Module)):
        return obj.to(device)
    if isinstance(obj, np.ndarray):
        return torch.as_tensor(np.array(obj, copy=True), device=device)
    if isinstance(obj, dict):
        return {k: to_device(v, device) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        items = [to_device(v, device) for v in obj]
        if isinstance(obj, tuple) and hasattr(obj, "_fields"):   # namedtuple
            return type(obj)(*items)
        return type(obj)(items)
    return obj


def describe_device(device: torch.device | str | None = None) -> str:
    """A short human-readable description of a device, e.g. for a notebook header.

    Args:
        device: the device to describe; default :func:`try_gpu`.

    Returns:
        e.g. ``'cuda:0 (NVIDIA H100 80GB HBM3, 79.1 GiB, torch 2.x)'`` or
        ``'cpu (4 threads, torch 2.x)'``.
    """
    device = try_gpu() if device is None else torch.device(device)
    if device.type == "cuda":
        index = device.index if device.index is not None else torch.cuda.current_device()
        props = torch.cuda.get_device_properties(index)
        gib = props.total_memory / 2**30
        return f"cuda:{index} ({props.name}, {gib:.1f} GiB, torch {torch.__version__})"
    if device.type == "cpu":
        return f"cpu ({torch.get_num_threads()} threads, torch {torch.__version__})"
    return f"{device} (torch {torch.__version__})"
