"""``course bench``: the numbers the course promises, measured on this machine.

1. Overhead of the reference ops (``convcourse.ops``) against calling
   ``torch.nn.functional`` directly on the same tensors (target <= 1.1x).
2. The course's vectorised numpy ``conv_layer_fast`` (the solution of
   01_convolution, Part F) against torch on the CPU at C_in=16, C_out=32,
   64x64, 3x3 (target <= 3x).
3. The worked example's accuracies (clean, out-of-domain, modulated, after
   the fix) and training times.
4. Wall and CPU seconds to autograde one full submission of each notebook
   with the real ``nbgrader autograde``, side by side with nbgrader's own
   in-kernel ``Execute`` on the same submission.
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


IN_KERNEL = """
# nbgrader's own Execute: every cell, test cells included, runs in the student's kernel
from nbgrader.preprocessors import Execute as _Execute
c.Autograde.autograde_preprocessors = [_Execute if p.__name__ == "TrustedExecute" else p
                                       for p in c.Autograde.autograde_preprocessors]
c.Execute.timeout = 30
"""


def _timed_autograde(course: pathlib.Path, aid: str) -> tuple[float, float]:
    """Wall and CPU seconds (this process's children: nbgrader, its kernels) of one autograde."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    pipeline.nbgrader(["autograde", aid, "--student", "bench", "--force"], cwd=course)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def autograde_seconds(root: pathlib.Path, aids: list[str]) -> list[tuple[str, float, float, float, float]]:
    """Per notebook, the same full submission graded side by side: the trusted path (tests in the grader's
    process) and nbgrader's in-kernel Execute (test cells in the kernel: for notebooks graded outside the
    kernel that is the visible checks only). (aid, trusted wall, trusted CPU, in-kernel wall, in-kernel CPU)."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        trusted = pipeline.make_course(pathlib.Path(tmp) / "trusted", root, aids)
        kernel = pipeline.make_course(pathlib.Path(tmp) / "kernel", root, aids)
        with open(kernel / pipeline.CONFIG, "a") as f:
            f.write(IN_KERNEL)
        for aid in aids:
            for course in (trusted, kernel):
                pipeline.nbgrader(["generate_assignment", aid, "--force"], cwd=course)
                pipeline.write_submission(course, root, aid, pipeline.Submission("bench", "full solution"))
            tw, tc = _timed_autograde(trusted, aid)
            kw, kc = _timed_autograde(kernel, aid)
            rows.append((aid, tw, tc, kw, kc))
    return rows


def main(root: pathlib.Path) -> None:
    import torch

    from convcourse import bench

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
    print("autograding one full submission with `nbgrader autograde`, side by side: trusted tests (this course) "
          "vs nbgrader's in-kernel Execute")
    print(f"  {'notebook':<24}{'trusted wall':>14}{'CPU':>8}{'in-kernel wall':>16}{'CPU':>8}{'CPU ratio':>11}")
    for aid, tw, tc, kw, kc in autograde_seconds(root, pipeline.assignments(root)):
        print(f"  {aid:<24}{tw:>12.1f} s{tc:>6.1f} s{kw:>14.1f} s{kc:>6.1f} s{tc / kc if kc else float('nan'):>10.2f}x")
