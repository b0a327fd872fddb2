"""Tests of convcourse.data, convcourse.plotting and convcourse.widgets.

Run headless: ``PYTHONPATH=utils MPLBACKEND=Agg python -m pytest autograde_tests/test_plotting_widgets.py``.
"""
import subprocess
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from convcourse import data, plotting, widgets  # noqa: E402

UTILS = Path(__file__).resolve().parents[1] / "utils"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def corr2d_np(x, w, b=0.0):
    """Local numpy fallback with the signature of convcourse.ops.corr2d (same padding)."""
    x = np.asarray(x, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    k1, k2 = w.shape[0] // 2, w.shape[1] // 2
    xp = np.pad(x, ((k1, k1), (k2, k2)))
    out = np.full(x.shape, float(b))
    for i in range(w.shape[0]):
        for j in range(w.shape[1]):
            out += w[i, j] * xp[i:i + x.shape[0], j:j + x.shape[1]]
    return out


# ----------------------------------------------------------------- data

def test_available_images_lists_loadable_names():
    names = data.available_images()
    assert {"grace_hopper", "present", "logo", "mri", "terrain"} <= set(names)
    for name in names:
        img = data.sample_image(name, size=16)
        assert img.shape == (16, 16)


@pytest.mark.parametrize("name", ["grace_hopper", "present", "logo", "mri", "terrain"])
def test_sample_image_shapes_dtype_range(name):
    g = data.sample_image(name)
    c = data.sample_image(name, gray=False)
    assert g.ndim == 2 and g.dtype == np.float64
    assert c.shape == (3,) + g.shape and c.dtype == np.float64
    for a in (g, c):
        assert 0.0 <= a.min() and a.max() <= 1.0
        assert a.max() > a.min()
    assert data.sample_image(name, size=32).shape == (32, 32)
    assert data.sample_image(name, size=(20, 30), gray=False).shape == (3, 20, 30)


def test_sample_image_default_is_grace_hopper_and_deterministic():
    a = data.sample_image()
    assert a.shape == (600, 512)
    b = data.sample_image()
    np.testing.assert_array_equal(a, b)
    a[:] = 0  # callers get their own copy
    np.testing.assert_array_equal(data.sample_image(size=8), data.sample_image(size=8))
    assert data.sample_image().max() > 0


def test_sample_image_gray_is_luma_of_colour():
    c = data.sample_image("present", gray=False)
    g = data.sample_image("present")
    np.testing.assert_allclose(g, 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2], atol=1e-12)


def test_sample_image_unknown_name():
    with pytest.raises(ValueError, match="available"):
        data.sample_image("no_such_image")


def test_resize_filters_and_keeps_range():
    rng = np.random.default_rng(0)
    x = rng.random((8, 12))
    small = data.resize(x, (4, 6))
    assert small.shape == (4, 6)
    # an antialiased triangle: each output is a weighted mean of its neighbourhood (range kept), not a block mean
    assert small.min() >= x.min() and small.max() <= x.max()
    assert not np.allclose(small, x.reshape(4, 2, 6, 2).mean(axis=(1, 3)))
    np.testing.assert_allclose(data.resize(np.full((8, 12), 0.3), (4, 6)), 0.3)
    # a smooth ramp stays a ramp, and resizing to the same size changes nothing
    ramp = np.add.outer(np.arange(8.0), np.arange(8.0))
    np.testing.assert_allclose(data.resize(ramp, (8, 8)), ramp)
    assert np.all(np.diff(data.resize(ramp, 4), axis=1) > 0)
    # aspect ratio: (8, 12) -> square crops the 8 central columns
    np.testing.assert_allclose(data.resize(x, 4), data.resize(x[:, 2:10], 4))
    c = rng.random((3, 8, 8))
    assert data.resize(c, 5).shape == (3, 5, 5)
    assert data.resize(x, (16, 24)).shape == (16, 24)


PATTERNS = [
    (data.zone_plate, {}, (128, 128)),
    (data.zone_plate, {"n": (40, 60)}, (40, 60)),
    (data.checkerboard, {"n": 24, "square": 4}, (24, 24)),
    (data.disk, {"n": (30, 50), "radius": 9}, (30, 50)),
    (data.step_edge, {"n": 32, "angle_deg": 30, "position": 3}, (32, 32)),
    (data.lines_image, {"n": 32, "orientation": "diagonal", "spacing": 5}, (32, 32)),
    (data.test_pattern, {}, (64, 64)),
    (data.test_pattern, {"n": (33, 47)}, (33, 47)),
]


@pytest.mark.parametrize("fn,kw,shape", PATTERNS)
def test_generated_patterns_shape_dtype_range_deterministic(fn, kw, shape):
    a = fn(**kw)
    assert a.shape == shape
    assert a.dtype == np.float64
    assert a.min() >= 0.0 and a.max() <= 1.0 and a.max() > a.min()
    np.testing.assert_array_equal(a, fn(**kw))


def test_pattern_semantics():
    z = data.zone_plate(64)
    assert z[31:33, 31:33].min() > 0.99  # bright centre
    np.testing.assert_allclose(z, z[::-1, :])
    np.testing.assert_allclose(z, z.T)
    cb = data.checkerboard(8, square=2)
    assert set(np.unique(cb)) == {0.0, 1.0} and cb[0, 0] == 0 and cb[0, 2] == 1 and cb[2, 2] == 0
    d = data.disk(101, radius=20)
    assert abs(d.sum() - np.pi * 20 ** 2) < 0.02 * np.pi * 20 ** 2
    e = data.step_edge(16, angle_deg=0)
    np.testing.assert_array_equal(e[:, :8], 0)
    np.testing.assert_array_equal(e[:, 8:], 1)
    e = data.step_edge(16, angle_deg=90)  # bright above
    np.testing.assert_array_equal(e[:8], 1)
    np.testing.assert_array_equal(e[8:], 0)
    h = data.lines_image(16, "horizontal", spacing=4)
    assert np.all(h == h[:, :1])  # all columns identical
    assert h[:, 0].sum() == 4
    v = data.lines_image(16, "vertical", spacing=4)
    assert np.all(v == v[:1, :])  # all rows identical


def test_test_pattern_is_not_collected_by_pytest():
    assert data.test_pattern.__test__ is False


# ----------------------------------------------------------------- plotting

def _n_axes(fig):
    assert isinstance(fig, Figure)
    return len(fig.axes)


def test_show_images_counts_and_layout():
    imgs = [np.zeros((5, 6)), np.ones((4, 4)), data.sample_image("present", size=8, gray=False),
            np.random.default_rng(0).random((7, 7, 3))]
    fig = plotting.show_images(imgs, titles=["a", "b", "c", "d"], ncols=3)
    assert _n_axes(fig) == 4
    assert [ax.get_title() for ax in fig.axes] == ["a", "b", "c", "d"]
    assert _n_axes(plotting.show_images(np.zeros((5, 5)))) == 1
    assert _n_axes(plotting.show_images(np.zeros((3, 5, 5)))) == 1  # one colour image
    assert _n_axes(plotting.show_images(np.zeros((5, 4, 4)))) == 5  # a stack of gray images


def test_show_images_symmetric_limits():
    x = np.array([[-1.0, 0.5], [0.25, 0.0]])
    fig = plotting.show_images([x], symmetric=True)
    im = fig.axes[0].images[0]
    assert im.get_clim() == (-1.0, 1.0)
    assert im.get_cmap().name == plotting.DIVERGING
    fig = plotting.show_images([x])
    assert fig.axes[0].images[0].get_cmap().name == "gray"


def test_show_images_accepts_torch_tensors():
    torch = pytest.importorskip("torch")
    fig = plotting.show_images([torch.zeros(4, 4), torch.ones(3, 4, 4)])
    assert _n_axes(fig) == 2


def test_show_kernel_new_and_given_axes():
    w = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]])
    fig = plotting.show_kernel(w)
    assert _n_axes(fig) == 1
    texts = sorted(t.get_text() for t in fig.axes[0].texts)
    assert texts == sorted(["1", "0", "-1", "2", "0", "-2", "1", "0", "-1"])
    assert fig.axes[0].images[0].get_clim() == (-2.0, 2.0)
    host, axes = plt.subplots(1, 2)
    assert plotting.show_kernel(np.ones((3, 5)) / 15, ax=axes[1], annotate=False) is host
    assert len(axes[1].texts) == 0
    assert _n_axes(plotting.show_kernel(np.array([1.0, -2.0, 1.0]))) == 1


def test_show_signal_and_dft():
    fig = plotting.show_signal_and_dft(data.zone_plate(32), "zone plate")
    assert _n_axes(fig) == 2
    np.testing.assert_allclose(fig.axes[1].images[0].get_array(), plotting.dft_log_magnitude(data.zone_plate(32)))
    assert _n_axes(plotting.show_signal_and_dft(np.sin(np.arange(16)), "1-D")) == 2


def test_dft_log_magnitude_centred():
    x = np.ones((8, 6))
    mag = plotting.dft_log_magnitude(x)
    assert mag.shape == (8, 6)
    assert np.argmax(mag) == np.ravel_multi_index((4, 3), (8, 6))


def test_show_toeplitz():
    T = np.diag(np.full(6, 2.0)) + np.diag(np.ones(5), 1) + np.diag(np.full(5, 3.0), -1)
    assert _n_axes(plotting.show_toeplitz(T)) == 1
    fig = plotting.show_toeplitz(T, x=np.arange(6.0))
    assert _n_axes(fig) == 3
    np.testing.assert_allclose(fig.axes[2].images[0].get_array().ravel(), T @ np.arange(6.0))


def test_show_feature_maps():
    maps = np.random.default_rng(1).standard_normal((5, 8, 9))
    fig = plotting.show_feature_maps(maps, ncols=2)
    assert _n_axes(fig) == 5
    assert fig.axes[0].images[0].get_cmap().name == plotting.DIVERGING  # signed -> diverging
    fig = plotting.show_feature_maps(np.abs(maps))
    assert _n_axes(fig) == 5
    assert fig.axes[0].images[0].get_cmap().name == "viridis"


def test_show_shapes_diagram_labels():
    fig = plotting.show_shapes_diagram(3, 96, 3, 128, 128)
    assert _n_axes(fig) == 1
    text = " ".join(t.get_text() for t in fig.axes[0].texts)
    assert "3 x 128 x 128" in text and "96 x 128 x 128" in text
    assert "each 3 x 3 x 3" in text and "2,592" in text
    assert _n_axes(plotting.show_shapes_diagram(1, 1, (1, 5), 8, 16, title="t")) == 1


def test_timing_bar_chart():
    rows = [("loops", 1.5), ("numpy", 2e-3), ("torch", 3e-5)]
    fig = plotting.timing_bar_chart(rows, title="timings")
    assert _n_axes(fig) == 1
    assert len(fig.axes[0].patches) == 3
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["loops", "numpy", "torch"]
    assert _n_axes(plotting.timing_bar_chart(rows, log=True)) == 1


def test_plotting_leaves_figures_open():
    before = set(plt.get_fignums())
    fig = plotting.show_images([np.zeros((3, 3))])
    assert fig.number in set(plt.get_fignums()) - before


# ----------------------------------------------------------------- widgets (static path)

def test_no_kernel_in_plain_pytest():
    assert widgets.interactive_available() is False


def test_kernel_explorer_static_headless(capfd):
    img = data.test_pattern(32)
    fig = widgets.kernel_explorer(img, correlate=corr2d_np)
    out, err = capfd.readouterr()
    assert isinstance(fig, Figure) and len(fig.axes) == 3
    assert out == "" and err == ""
    # the displayed response is the cross-correlation with Sobel x
    np.testing.assert_allclose(fig.axes[2].images[0].get_array(), corr2d_np(img, widgets.named_kernels()["Sobel x"]))


def test_kernel_explorer_default_correlate(capfd):
    pytest.importorskip("convcourse.ops")
    fig = widgets.kernel_explorer(data.sample_image(size=24), kernel="Laplacian", flip=True)
    out, err = capfd.readouterr()
    assert isinstance(fig, Figure) and len(fig.axes) == 3
    assert out == "" and err == ""


def test_kernel_explorer_user_kernels_and_colour_input(capfd):
    w = np.array([[0.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 0.0, 0.0]])
    img = data.sample_image("present", size=16, gray=False)
    fig = widgets.kernel_explorer(img, kernels={"shift": w}, correlate=corr2d_np, flip=True)
    assert capfd.readouterr().err == ""
    shown = fig.axes[2].images[0].get_array()
    np.testing.assert_allclose(shown, corr2d_np(data.to_gray(img), w[::-1, ::-1]))
    with pytest.raises(ValueError, match="unknown kernel"):
        widgets.kernel_explorer(img, correlate=corr2d_np, kernel="nope")


def test_stride_explorer_static_headless(capfd):
    img = data.zone_plate(33)
    fig = widgets.stride_explorer(img, correlate=corr2d_np, stride=3)
    out, err = capfd.readouterr()
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    assert out == "" and err == ""
    expected = corr2d_np(img, widgets.named_kernels()["Laplacian"])[::3, ::3]
    assert expected.shape == (11, 11)
    np.testing.assert_allclose(fig.axes[0].images[0].get_array(), expected)
    np.testing.assert_allclose(fig.axes[1].images[0].get_array(), plotting.dft_log_magnitude(expected))


def test_interactive_or_static_static_uses_defaults():
    seen = {}

    def draw(a, b, c, d, e):
        seen.update(a=a, b=b, c=c, d=d, e=e)
        return plotting.show_images([np.zeros((2, 2))])

    fig = widgets.interactive_or_static(
        draw, a=(1, 5), b=True, c=["x", "y"], d=widgets.Dropdown({"one": 1, "two": 2}, value="two"), e=42)
    assert isinstance(fig, Figure)
    assert seen == {"a": 1, "b": True, "c": "x", "d": 2, "e": 42}
    with pytest.raises(ValueError):
        widgets.interactive_or_static(draw, mode="sometimes")


def test_named_kernels_follow_the_book():
    k = widgets.named_kernels()
    np.testing.assert_array_equal(k["Sobel x"] + k["Sobel y"], [[0, -2, -2], [2, 0, -2], [2, 2, 0]])
    np.testing.assert_array_equal(k["diagonal derivative"], [[0, -2, -2], [2, 0, -2], [2, 2, 0]])
    np.testing.assert_array_equal(k["Laplacian"], [[0, -1, 0], [-1, 4, -1], [0, -1, 0]])
    assert abs(k["Gaussian 5x5"].sum() - 1) < 1e-12 and abs(k["box 3x3"].sum() - 1) < 1e-12
    for w in k.values():
        assert w.ndim == 2 and w.shape[0] % 2 == 1 and w.shape[1] % 2 == 1


# ----------------------------------------------------------------- widgets (interactive path)

def test_explorer_widget_controls_change_output(capfd):
    W = pytest.importorskip("ipywidgets")
    img = data.test_pattern(24)
    e = widgets.kernel_explorer(img, correlate=corr2d_np, mode="widget")
    assert isinstance(e, W.VBox)
    assert set(e.controls) == {"kernel_name", "flip"}
    first_png = e.image.value
    first = e.figure.axes[2].images[0].get_array().copy()
    np.testing.assert_allclose(first, corr2d_np(img, widgets.named_kernels()["Sobel x"]))
    e.controls["flip"].value = True  # Sobel x is antisymmetric: convolution negates the response
    flipped = e.figure.axes[2].images[0].get_array()
    np.testing.assert_allclose(flipped, -first)
    assert e.image.value != first_png
    e.controls["kernel_name"].value = "box 3x3"
    assert e.values() == {"kernel_name": "box 3x3", "flip": True}
    np.testing.assert_allclose(e.figure.axes[2].images[0].get_array(),
                               corr2d_np(img, np.full((3, 3), 1 / 9)))
    assert e.message.value == ""
    assert plt.get_fignums() == []  # the explorer closes the figures it renders
    assert "image/png" in (e._repr_mimebundle_() or {"image/png": 1})
    assert capfd.readouterr().err == ""


def test_stride_widget_slider_changes_output():
    pytest.importorskip("ipywidgets")
    img = data.zone_plate(32)
    e = widgets.stride_explorer(img, correlate=corr2d_np, mode="widget")
    assert e.controls["stride"].min == 1 and e.controls["stride"].max == 8 and e.controls["stride"].value == 2
    before = e.image.value
    e.controls["stride"].value = 4
    assert e.image.value != before
    assert e.figure.axes[0].images[0].get_array().shape == (8, 8)


def test_build_explorer_directly_and_errors_are_shown():
    pytest.importorskip("ipywidgets")

    def draw(level, boom):
        if boom:
            raise RuntimeError("bad level")
        fig, ax = plt.subplots()
        ax.imshow(np.full((4, 4), float(level)), vmin=0, vmax=10)
        return fig

    e = widgets._build_explorer(draw, {"level": widgets.Slider(0, 10, value=3), "boom": False})
    png = e.image.value
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    e.controls["level"].value = 9
    assert e.image.value != png
    e.controls["boom"].value = True  # the error is shown in the widget, nothing raises
    assert "bad level" in e.message.value
    e.controls["boom"].value = False
    assert e.message.value == ""
    with pytest.raises(RuntimeError):  # ... but an error in the first drawing propagates
        widgets._build_explorer(draw, {"level": 1, "boom": True})


# ----------------------------------------------------------------- import hygiene

def test_imports_are_light_and_silent():
    code = ("import sys, time; t = time.perf_counter();"
            "import convcourse.data, convcourse.plotting, convcourse.widgets;"
            "dt = time.perf_counter() - t;"
            "heavy = [m for m in ('matplotlib', 'torch', 'ipywidgets', 'IPython') if m in sys.modules];"
            "print(heavy, dt)")
    res = subprocess.run([sys.executable, "-W", "error", "-c", code], capture_output=True, text=True,
                         env={"PYTHONPATH": str(UTILS), "PATH": "/usr/bin:/bin"}, timeout=120)
    assert res.returncode == 0, res.stderr
    assert res.stderr == ""
    heavy, dt = res.stdout.rsplit("]", 1)
    assert heavy == "[", f"heavy modules imported at load: {heavy}]"
    assert float(dt) < 5.0
