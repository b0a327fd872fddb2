"""Hidden tests of 08_worked_example: the grader's checkers on inputs students never saw, and the
notebook's trained networks measured here on data from the course's own generators (kept here,
never shipped: they are the answers to make_lines and make_oriented_textures).

* make_lines / make_oriented_textures: the spec's properties for other n (n < 10 balance rule
  included), sizes (non-default, odd), seeds and noise levels, positional and keyword calls;
* train_classifier: lr=0 losses with other batch sizes, step counts with uneven last batches and
  another lr, torch inputs, determinism, and the defaults on the course's line images
  (SimpleCNN(2, 9, 2) seeded with 0), whose training accuracy is measured here;
* accuracy: more hand counts, float64 data for a float32 model, torch labels, a 9x9 CNN on line images;
* modulate: integer input, float16, a single image, 4-D input, float and small periods;
* results: the weights of the notebook's ``model`` and ``model_fixed``, in this process's replica of
  SimpleCNN(2, 9, 2), on fresh images from the reference generators (hidden seeds).
"""
from __future__ import annotations

import numpy as np

from convcourse.checks import worked_example as visible
from convcourse.checks.core import Case
from convcourse.checks.core import single_threaded as _single_threaded

from ..checks import worked_example as c

SEED = 24_5


# ------------------------------------------------------------------ reference generators

def reference_make_lines(n, size=32, seed=0, noise=0.0):
    """The course's line data set (the recipe of Part A)."""
    rng = np.random.default_rng(seed)
    y = rng.permutation(np.arange(n) % 2).astype(np.int64)
    x = np.zeros((n, size, size), dtype=np.float32)
    for i in range(n):
        profile = np.zeros(size, dtype=np.float32)
        for _ in range(rng.integers(1, max(1, size // 4) + 1)):
            width = rng.integers(1, 3)
            start = rng.integers(1, size - width)
            profile[start:start + width] = 1.0
        x[i] = profile[None, :] if y[i] == 0 else profile[:, None]
    if noise > 0:
        x += rng.normal(0.0, noise, size=x.shape).astype(np.float32)
    return x, y


def reference_make_oriented_textures(n, size=32, seed=0):
    """The course's oriented noise textures (the recipe of Part D)."""
    rng = np.random.default_rng(seed)
    y = rng.permutation(np.arange(n) % 2).astype(np.int64)
    r = np.arange(-8, 9)
    long_blur = np.exp(-r ** 2 / (2 * rng.uniform(3.0, 6.0, size=(n, 1)) ** 2))     # (n, 17): one per image
    short_blur = np.exp(-r ** 2 / (2 * rng.uniform(0.5, 1.2, size=(n, 1)) ** 2))
    vertical = (y == 0)[:, None]
    along_n = np.where(vertical, long_blur, short_blur)     # label 0: the long blur runs down the rows
    along_m = np.where(vertical, short_blur, long_blur)
    z = rng.normal(size=(n, size + 16, size + 16))
    windows = np.lib.stride_tricks.sliding_window_view
    z = np.einsum("iabk,ik->iab", windows(z, 17, axis=1), along_n)    # blur along n: (n, size, size + 16)
    z = np.einsum("iabk,ik->iab", windows(z, 17, axis=2), along_m)    # blur along m: (n, size, size)
    x = z / z.std(axis=(1, 2), keepdims=True)
    return x.astype(np.float32), y


# ------------------------------------------------------------------ functions

def hidden_make_lines(fn):
    cases = [
        Case((1,), {"size": 8, "seed": SEED}, label="n = 1"),
        Case((2,), {"size": 8, "seed": SEED + 1}, label="n = 2: one image per class"),
        Case((3,), {"size": 10, "seed": SEED + 2}, label="n = 3"),
        Case((7,), {"size": 12, "seed": SEED + 3}, label="n = 7"),
        Case((9,), {"size": 16, "seed": SEED + 4}, label="n = 9"),
        Case((10,), {"size": 20, "seed": SEED + 5}, label="n = 10"),
        Case((11, 9), {"seed": SEED + 6}, label="n = 11, odd size 9 passed positionally"),
        Case((25,), {"size": 33, "seed": SEED + 7}, label="odd size 33"),
        Case((101,), {"size": 16, "seed": SEED + 8}, label="n = 101"),
        Case((64, 16), {"seed": SEED + 9, "noise": 0.25}, label="noise = 0.25"),
        Case((40, 20, SEED + 10, 1.0), label="noise = 1.0, all arguments positional"),
        Case((24,), {"size": 12, "seed": SEED + 11, "noise": 2.0}, label="noise = 2.0"),
        Case((200,), {"seed": SEED + 12}, label="n = 200, default size"),
    ]
    c.check_make_lines(fn, cases)


def hidden_make_oriented_textures(fn):
    cases = [
        Case((20,), {"size": 16, "seed": SEED}, label="20 textures of 16x16"),
        Case((51, 20), {"seed": SEED + 1}, label="odd n, size 20 positionally"),
        Case((40,), {"size": 33, "seed": SEED + 2}, label="odd size 33"),
        Case((100,), {"seed": SEED + 3}, label="n = 100, default size"),
    ]
    c.check_make_oriented_textures(fn, cases)


def hidden_modulate(fn):
    rng = np.random.default_rng(SEED)
    cases = [
        Case((rng.integers(-3, 4, size=(2, 5, 7)),), label="integer images"),
        Case((rng.normal(size=(4, 9)).astype(np.float32), 3), label="one float32 4x9 image, period 3"),
        Case((rng.normal(size=(2, 1, 6, 8)),), {"period": 5.5}, label="(B, 1, N, M) input, period 5.5"),
        Case((rng.normal(size=(3, 4, 10)).astype(np.float16),), label="float16 images"),
        Case((rng.normal(size=(5, 12, 12)),), {"period": 2}, label="period 2: (-1)**m"),
        Case((np.ones((1, 3, 13), dtype=np.float32),), {"period": 12}, label="ones, period 12"),
        Case((rng.normal(size=(3, 7, 20)).astype(np.float32),), label="default period, 7x20 images"),
    ]
    c.check_modulate(fn, cases)


def hidden_accuracy(fn):
    rng = np.random.default_rng(SEED)
    means = np.array([0.45, 0.55, 0.7, 0.2, 0.9])
    x_hand = (np.ones((5, 3, 6)) * means[:, None, None]).astype(np.float32)
    y_hand = np.array([1, 1, 1, 1, 1], dtype=np.int64)           # predictions 0 1 1 0 1 -> 3/5
    x9, y9 = reference_make_lines(300, size=16, seed=SEED)
    x64 = rng.normal(size=(40, 7, 9))                               # float64 data, float32 model
    y64 = rng.integers(0, 2, size=40).astype(np.int64)
    T = c.wire.Tensor
    cases = [
        c.accuracy_case("hand example: 3 of 5 right", c.mean_threshold_spec(0.5), x_hand, y_hand),
        c.accuracy_case("one image", c.mean_threshold_spec(0.0), x_hand[:1], y_hand[:1]),
        c.accuracy_case("line images, a 9x9 CNN", c.tiny_spec(SEED, kernel_size=9), x9, y9),
        c.accuracy_case("float64 images, float32 model", c.tiny_spec(SEED + 1), x64, y64),
        c.accuracy_case("numpy images, torch labels", c.tiny_spec(SEED + 2), x64.astype(np.float32),
                        T(y64, "torch.int64")),
        c.accuracy_case("float64 model, torch float32 images", c.tiny_spec(SEED + 3, dtype="float64"),
                        T(x9, "torch.float32"), y9),
    ]
    c.check_accuracy(fn, cases)


def hidden_train_classifier(fn):
    x, y = reference_make_lines(400, size=16, seed=SEED)
    plan = [
        c.lr0_entry(n=10, size=5, batch_size=5, epochs=2, seed=SEED),
        c.lr0_entry(n=9, size=7, batch_size=9, epochs=1, seed=SEED + 1, torch_inputs=True),
        c.steps_entry(n=11, size=6, batch_size=3, epochs=3, seed=SEED + 2),
        c.steps_entry(n=16, size=9, batch_size=16, epochs=2, seed=SEED + 3, torch_inputs=True),
        c.steps_entry(n=7, size=8, batch_size=2, epochs=1, seed=SEED + 4, lr=0.02),
        c.determinism_entry(n=30, size=7, batch_size=7, epochs=3, seed=SEED + 5),
        c.decrease_entry(x, y, c.tiny_spec(0, kernel_size=9), "400 line images of 16x16, SimpleCNN(2, 9, 2)",
                         min_accuracy=0.9),
    ]
    c.check_train_classifier(fn, plan)


# ------------------------------------------------------------------ results

def hidden_results(target, n: int = 5000):
    """The notebook's ``model`` on fresh course data: clean lines, textures, modulated horizontal lines."""
    model = c.trained_network(target, "model")
    x, y = reference_make_lines(n, seed=SEED + 100)
    xt, yt = reference_make_oriented_textures(n // 2, seed=SEED + 101)
    visible.report("results (course data)", c.results_rows(model, x, y, xt, yt))


def hidden_results_fixed(target, n: int = 5000):
    """The notebook's ``model_fixed`` on fresh course data: clean lines, modulated horizontal lines."""
    model = c.trained_network(target, "model_fixed")
    x, y = reference_make_lines(n, seed=SEED + 102)
    visible.report("results_fixed (course data)", c.fixed_rows(model, x, y), visible.FIXED_HINT)


hidden_results = _single_threaded(hidden_results)
hidden_results_fixed = _single_threaded(hidden_results_fixed)
