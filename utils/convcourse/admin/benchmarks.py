"""``course bench``: the numbers the course promises, measured on this machine.

1. Overhead of the reference ops (``convcourse.ops``) against calling
   ``torch.nn.functional`` directly on the same tensors (target <= 1.1x).
2. The course's vectorised numpy ``conv_layer_fast`` (the solution of
   01_convolution, Part F) against torch on the CPU at C_in=16, C_out=32,
   64x64, 3x3 (target <= 3x).
3. The worked example's accuracies (clean, out-of-domain, modulated, after
   the fix) and training times.
4. Seconds to autograde one submission of each notebook with the real
   ``nbgrader autograde``.
"""
from __future__ import annotations

import pathlib
import statistics
import tempfile
import time

import nbformat
import numpy as np

from . import notebooks as nbt
from . import pipeline


def _median_ms(fn, *args, repeat: int = 30, warmup: int = 3) -> float:
    for _ in range(warmup):
        fn(*args)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - t0)
    return 1000 * statistics.median(times)


def solution_function(root: pathlib.Path, aid: str, name: str):
    """The solution of ``name`` from a source notebook, defined in a fresh namespace."""
    nb = nbformat.read(root / "source" / aid / f"{aid}.ipynb", as_version=4)
    ns: dict = {"np": np}
    for cell in nb.cells:
        if nbt.is_solution(cell):
            exec(compile(nbt.strip_markers(cell.source), f"<{aid}:{nbt.grade_id(cell)}>", "exec"), ns)  # noqa: S102
    return ns[name]


def numpy_vs_torch(root: pathlib.Path) -> list[tuple[str, float, float, float]]:
    import torch
    import torch.nn.functional as F

    fast = solution_function(root, "01_convolution", "conv_layer_fast")
    rng = np.random.default_rng(0)
    x = rng.normal(size=(16, 64, 64))
    w = rng.normal(size=(16, 32, 3, 3))
    b = rng.normal(size=32)
    xt, wt, bt = torch.from_numpy(x)[None], torch.from_numpy(w).transpose(0, 1).contiguous(), torch.from_numpy(b)
    numpy_ms = _median_ms(fast, x, w, b)
    torch_ms = _median_ms(lambda: F.conv2d(xt, wt, bt, padding=1))
    return [("conv_layer_fast (numpy) vs F.conv2d, 16->32, 64x64, 3x3, float64", numpy_ms, torch_ms,
             numpy_ms / torch_ms)]


def autograde_seconds(root: pathlib.Path, aids: list[str]) -> list[tuple[str, float]]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        course = pipeline.make_course(pathlib.Path(tmp) / "course", root, aids)
        for aid in aids:
            pipeline.nbgrader(["generate_assignment", aid, "--force"], cwd=course)
            pipeline.write_submission(course, root, aid, pipeline.Submission("bench", "full solution"))
            t0 = time.perf_counter()
            pipeline.nbgrader(["autograde", aid, "--student", "bench", "--force"], cwd=course)
            rows.append((aid, time.perf_counter() - t0))
    return rows


def main(root: pathlib.Path) -> None:
    import torch

    from .. import bench

    threads = torch.get_num_threads()
    print(f"torch {torch.__version__}, numpy {np.__version__}")
    # Timings with torch's default threads, then with one thread: on a shared or busy machine the
    # multi-threaded numbers swing widely, the one-thread numbers are the stable comparison.
    for n in dict.fromkeys([threads, 1]):
        torch.set_num_threads(n)
        bench.print_table(bench.bench_ops(), f"reference ops vs torch.nn.functional (tensor in, CPU, {n} thread(s); "
                                             "target <= 1.1x)")
        print()
        print(f"vectorised numpy conv layer vs torch (CPU, {n} thread(s); target <= 3x)")
        for name, a, t, r in numpy_vs_torch(root):
            print(f"  {name}: numpy {a:.2f} ms, torch {t:.2f} ms, ratio {r:.2f}x")
        print()
    torch.set_num_threads(threads)
    if (root / "source" / "08_worked_example").exists():
        from . import bench_worked_example
        print("worked example (§24.5): SimpleCNN(2, 9, 2) trained as the notebook does")
        bench_worked_example.run(root)
        print()
    print("autograding one submission with `nbgrader autograde` (seconds per notebook)")
    for aid, s in autograde_seconds(root, pipeline.assignments(root)):
        print(f"  {aid}: {s:.1f} s")
