"""The results of 08_worked_example (§24.5), measured on this machine from the source notebook's solutions.

:func:`run` executes the solution cells of ``source/08_worked_example/08_worked_example.ipynb`` (and its
locked ``SimpleCNN`` cell) in a fresh namespace, the way :func:`benchmarks.solution_function` does, then
repeats the notebook's experiment: ``torch.manual_seed(0)``, ``SimpleCNN(2, 9, 2)`` on the device
(:func:`convcourse.device.try_gpu`), ``train_classifier`` with its defaults on 2,000 ``make_lines`` images,
evaluation on 10,000 test images, 10,000 oriented textures and the modulated horizontal lines among the test
images; then the fix (a modulated copy of every training image added, same seed and defaults).

It returns (and prints) the accuracies next to the course's thresholds and the training times. The thread
count is the notebook's (one torch thread on the CPU) unless ``threads`` says otherwise.

    python -m courseadmin.bench_worked_example          # from the repository root
"""
from __future__ import annotations

import contextlib
import io
import pathlib
import time

import nbformat
import numpy as np

from . import notebooks as nbt

AID = "08_worked_example"
THRESHOLDS = {"clean": (">=", 0.999), "out_of_domain": (">=", 0.95), "modulated_horizontal": ("<=", 0.05),
              "fixed_clean": (">=", 0.999), "fixed_modulated_horizontal": (">=", 0.99)}


def solution_namespace(root: pathlib.Path) -> dict:
    """The notebook's solution cells and its SimpleCNN, defined in a fresh namespace."""
    import torch
    import torch.nn.functional as F
    from torch import nn

    nb = nbformat.read(root / "source" / AID / f"{AID}.ipynb", as_version=4)
    ns: dict = {"np": np, "torch": torch, "nn": nn, "F": F}
    for cell in nb.cells:
        if nbt.is_solution(cell) or nbt.grade_id(cell) == "simple_cnn":
            exec(compile(nbt.strip_markers(cell.source), f"<{AID}:{nbt.grade_id(cell)}>", "exec"), ns)  # noqa: S102
    return ns


def run(root: pathlib.Path | str | None = None, n_test: int = 10_000, threads: int | None = 1,
        verbose: bool = True) -> dict:
    """Train and evaluate as the notebook does; return the accuracies, the thresholds' verdicts and timings.

    Args:
        root: the repository root (default: the one this file belongs to).
        n_test: test images (and textures) to evaluate on.
        threads: torch intra-op threads during the run (the notebook uses 1 on the CPU); None leaves them.
        verbose: print a table.

    Returns:
        dict with ``device``, ``threads``, ``train_seconds``, ``fix_train_seconds``, the five accuracies
        (``clean``, ``out_of_domain``, ``modulated_horizontal``, ``fixed_clean``,
        ``fixed_modulated_horizontal``), ``errors`` (misclassified clean test images) and ``passed``
        (every threshold met).
    """
    import torch

    from convcourse.device import describe_device, try_gpu

    root = pathlib.Path(root) if root is not None else pathlib.Path(__file__).resolve().parents[2]
    ns = solution_namespace(root)
    make_lines, train, accuracy = ns["make_lines"], ns["train_classifier"], ns["accuracy"]
    modulate, textures, SimpleCNN = ns["modulate"], ns["make_oriented_textures"], ns["SimpleCNN"]
    previous = torch.get_num_threads()
    if threads is not None:
        torch.set_num_threads(threads)
    try:
        device = try_gpu()
        x_train, y_train = make_lines(2000, seed=0)
        x_test, y_test = make_lines(n_test, seed=1)
        x_tex, y_tex = textures(n_test, seed=1)
        horizontal = y_test == 1
        x_mod = modulate(x_test[horizontal])

        def fit(x, y):
            torch.manual_seed(0)
            model = SimpleCNN(2, 9, 2).to(device)
            if device.type == "cuda":
                torch.cuda.synchronize()
            t0 = time.perf_counter()
            with contextlib.redirect_stdout(io.StringIO()):
                train(model, x, y)
            if device.type == "cuda":
                torch.cuda.synchronize()
            return model, time.perf_counter() - t0

        model, seconds = fit(x_train, y_train)
        fixed, fix_seconds = fit(np.concatenate([x_train, modulate(x_train)]), np.concatenate([y_train, y_train]))
        out = {
            "device": describe_device(device),
            "threads": torch.get_num_threads(),
            "train_seconds": seconds,
            "fix_train_seconds": fix_seconds,
            "clean": accuracy(model, x_test, y_test),
            "out_of_domain": accuracy(model, x_tex, y_tex),
            "modulated_horizontal": accuracy(model, x_mod, y_test[horizontal]),
            "fixed_clean": accuracy(fixed, x_test, y_test),
            "fixed_modulated_horizontal": accuracy(fixed, x_mod, y_test[horizontal]),
        }
    finally:
        torch.set_num_threads(previous)
    out["errors"] = round((1 - out["clean"]) * n_test)
    verdicts = {k: (out[k] >= t if op == ">=" else out[k] <= t) for k, (op, t) in THRESHOLDS.items()}
    out["passed"] = all(verdicts.values())
    if verbose:
        print(f"08_worked_example on {out['device']}: training {seconds:.2f} s (2,000 images), "
              f"fix {fix_seconds:.2f} s (4,000 images)")
        for k, (op, t) in THRESHOLDS.items():
            print(f"  {k:<28} {out[k]:.4f}   (needs {op} {t})  {'ok' if verdicts[k] else 'FAILS'}")
        print(f"  clean errors: {out['errors']} of {n_test:,}")
    return out


if __name__ == "__main__":
    run()
