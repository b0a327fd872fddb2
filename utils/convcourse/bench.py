"""Overhead of the reference ops (:mod:`convcourse.ops`) over plain ``torch.nn.functional``.

:func:`bench_ops` times each wrapper, called on tensors, against the same
computation written directly with ``torch.nn.functional`` on the same tensors,
and :func:`print_table` prints the rows. The thread count is left as it is
(``torch.get_num_threads()``); calls are interleaved (wrapper, direct,
direct, wrapper, ...) so that both see the same machine state, and each figure is the
median over ``repeats`` samples of ``time.perf_counter`` (with
``torch.cuda.synchronize`` around each sample on a GPU).
"""
from __future__ import annotations

import statistics
import time
from typing import Callable, Sequence

import torch
import torch.nn.functional as F

from . import ops
from .device import try_gpu

__all__ = ["bench_ops", "print_table"]

Row = tuple  # (name, ms_reference_op, ms_torch_direct, ratio)


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def _time_pair(f_ref: Callable[[], object], f_direct: Callable[[], object], device: torch.device,
               repeats: int, warmup: int, min_sample_s: float) -> tuple[float, float]:
    """Median milliseconds per call of two functions, measured interleaved."""
    with torch.no_grad():
        for _ in range(warmup):
            f_ref()
            f_direct()
        _sync(device)
        # calls per sample: enough that one sample lasts about min_sample_s
        t0 = time.perf_counter()
        f_direct()
        _sync(device)
        single = max(time.perf_counter() - t0, 1e-7)
        number = max(1, int(min_sample_s / single))
        ref, direct = [], []
        for r in range(repeats):
            # alternate which one goes first (ABBA...), so neither gains from its position
            order = ((f_ref, ref), (f_direct, direct))
            for f, acc in (order if r % 2 == 0 else order[::-1]):
                _sync(device)
                t0 = time.perf_counter()
                for _ in range(number):
                    f()
                _sync(device)
                acc.append((time.perf_counter() - t0) / number * 1e3)
    return statistics.median(ref), statistics.median(direct)


def bench_ops(device: torch.device | str | None = "cpu", dtype: torch.dtype = torch.float32,
              batch: int = 8, c_in: int = 16, c_out: int = 32, size: int = 64, k: int = 3,
              repeats: int = 25, warmup: int = 3, min_sample_s: float = 0.002,
              seed: int = 0) -> list[Row]:
    """Time the reference ops (tensor in) against ``torch.nn.functional`` directly.

    Workload: x ``(batch, c_in, size, size)``; conv_layer uses a
    ``(c_in, c_out, k, k)`` book-layout bank with bias; corr2d, upconv (s=2)
    and upconv_transpose (s=2) apply one ``k x k`` kernel to each of the
    ``batch * c_in`` images; max_pool uses 2 x 2 windows, stride 2; lrn uses
    l=2 (5 channels). The direct versions get their weights already in
    torch's layout (prepared outside the timing) and make the same
    ``torch.nn.functional`` calls as the ops (a single kernel applied to many
    images is one depthwise call, ``groups`` = number of images), so the ratio
    is the wrapper's overhead.

    Args:
        device: where to run; default the CPU (None: :func:`convcourse.device.try_gpu`,
            the GPU when there is one).
        dtype: floating dtype of the tensors.
        batch, c_in, c_out, size, k: workload sizes (defaults: 8, 16, 32, 64, 3).
        repeats: samples per op (the median is reported).
        warmup: untimed calls of each function first.
        min_sample_s: a sample repeats the call until it lasts about this long.
        seed: seed of the random inputs.

    Returns:
        list of ``(name, ms_reference_op, ms_torch_direct, ratio)`` with
        ``ratio = ms_reference_op / ms_torch_direct``.
    """
    device = try_gpu() if device is None else torch.device(device)
    g = torch.Generator().manual_seed(seed)

    def rand(*shape):
        return torch.randn(*shape, generator=g, dtype=dtype).to(device)

    x = rand(batch, c_in, size, size)
    w_book = rand(c_in, c_out, k, k)
    bias = rand(c_out)
    w_torch = w_book.transpose(0, 1).contiguous()
    w2 = rand(k, k)
    p = k // 2
    n_img = batch * c_in
    # the ops apply a single kernel to many images as ONE depthwise call
    # (groups = number of images); the direct versions make the same call
    x_img = x.reshape(1, n_img, size, size)
    w2_dw = w2.reshape(1, 1, k, k).expand(n_img, 1, k, k)
    w2_flip_dw = w2.flip(-2, -1).reshape(1, 1, k, k).expand(n_img, 1, k, k)
    lrn_l, alpha, beta, gamma = 2, 1e-4, 0.75, 2.0
    s = 2

    def upconv_direct():
        h = x.new_zeros(batch, c_in, size * s, size * s)
        h[..., ::s, ::s] = x
        return F.conv2d(h.reshape(1, n_img, size * s, size * s), w2_dw, padding=p,
                        groups=n_img).reshape(batch, c_in, size * s, size * s)

    cases: Sequence[tuple[str, Callable, Callable]] = [
        ("conv_layer",
         lambda: ops.conv_layer(x, w_book, bias),
         lambda: F.conv2d(x, w_torch, bias, padding=p)),
        ("corr2d",
         lambda: ops.corr2d(x, w2),
         lambda: F.conv2d(x_img, w2_dw, padding=p, groups=n_img).reshape(batch, c_in, size, size)),
        ("max_pool",
         lambda: ops.max_pool(x, 2),
         lambda: F.max_pool2d(x, 2)),
        ("upconv",
         lambda: ops.upconv(x, w2, s),
         upconv_direct),
        ("upconv_transpose",
         lambda: ops.upconv_transpose(x, w2, s),
         lambda: F.conv_transpose2d(x_img, w2_flip_dw, stride=s, padding=p, output_padding=s - 1,
                                    groups=n_img).reshape(batch, c_in, size * s, size * s)),
        ("lrn",
         lambda: ops.lrn(x, alpha, beta, gamma, lrn_l),
         lambda: F.local_response_norm(x, 2 * lrn_l + 1, alpha * (2 * lrn_l + 1), beta, gamma)),
    ]
    rows: list[Row] = []
    for name, f_ref, f_direct in cases:
        t_ref, t_direct = _time_pair(f_ref, f_direct, device, repeats, warmup, min_sample_s)
        rows.append((name, t_ref, t_direct, t_ref / t_direct))
    return rows


def print_table(rows: Sequence[Row], title: str = "reference ops vs torch.nn.functional") -> None:
    """Print rows of :func:`bench_ops` as an aligned text table.

    Args:
        rows: ``(name, ms_reference_op, ms_torch_direct, ratio)`` tuples.
        title: printed above the table.
    """
    header = ("op", "reference (ms)", "torch direct (ms)", "ratio")
    body = [(str(n), f"{a:.3f}", f"{b:.3f}", f"{r:.2f}x") for n, a, b, r in rows]
    widths = [max(len(h), *(len(r[i]) for r in body)) if body else len(h)
              for i, h in enumerate(header)]
    line = "  ".join(h.ljust(widths[0]) if i == 0 else h.rjust(widths[i])
                     for i, h in enumerate(header))
    print(title)
    print(line)
    print("-" * len(line))
    for r in body:
        print("  ".join(c.ljust(widths[0]) if i == 0 else c.rjust(widths[i])
                        for i, c in enumerate(r)))
