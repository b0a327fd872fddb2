"""Interactive explorers (ipywidgets) that degrade to one static figure.

Each explorer builds an interactive widget when ipywidgets is importable
*and* an IPython kernel is running (a Jupyter notebook); anywhere else
(plain python, pytest) it draws the figure for its default settings and
returns that matplotlib Figure. Both paths print nothing.

Explorers:

- :func:`kernel_explorer` -- pick a named kernel, flip it (convolution
  instead of cross-correlation), see the kernel and the filtered image.
- :func:`stride_explorer` -- a stride slider; the strided output and its
  DFT magnitude (aliasing).
- :func:`interactive_or_static` -- the generic helper the two use; a new
  explorer is a function that draws one figure from keyword arguments plus
  a description of its controls::

      from convcourse.widgets import interactive_or_static, Slider
      from convcourse.plotting import show_images

      def draw(sigma):
          return show_images([blur(img, sigma)], titles=[f"sigma={sigma}"])

      interactive_or_static(draw, sigma=Slider(0.5, 4.0, step=0.5, value=1.0))

In a notebook the explorer returns an :class:`Explorer` widget (an
``ipywidgets.VBox``): make it the last expression of the cell (or call
``display`` on it). The figure is rendered to a PNG inside the widget and
closed, so it is not also shown by the inline backend. ``mode="static"``
forces the static figure (e.g. for a notebook export), ``mode="widget"``
forces the widget.

Only numpy is imported at module load; matplotlib, ipywidgets and the
course ops are imported when first needed.
"""
from __future__ import annotations

import base64
import functools
import html
import importlib.util
import io
import sys
from typing import Any, Callable

import numpy as np

__all__ = [
    "Slider",
    "Dropdown",
    "Checkbox",
    "Fixed",
    "interactive_available",
    "interactive_or_static",
    "named_kernels",
    "kernel_explorer",
    "stride_explorer",
]


# ------------------------------------------------------------ control specs

class Slider:
    """A numeric slider: integer when ``lo``, ``hi`` and ``step`` are all ints.

    Parameters
    ----------
    lo, hi : range (inclusive).
    step : increment (default 1).
    value : initial value, used for the static figure (default ``lo``).
    description : label shown next to the slider (default: the argument name).
    """

    def __init__(self, lo, hi, step=1, value=None, description=None):
        self.is_int = all(isinstance(v, (int, np.integer)) and not isinstance(v, bool)
                          for v in (lo, hi, step))
        cast = int if self.is_int else float
        self.lo, self.hi, self.step = cast(lo), cast(hi), cast(step)
        if self.hi < self.lo:
            raise ValueError(f"Slider: hi={hi} < lo={lo}")
        self.default = cast(self.lo if value is None else value)
        if not self.lo <= self.default <= self.hi:
            raise ValueError(f"Slider: value {value} outside [{lo}, {hi}]")
        self.description = description

    def _widget(self, W, name):
        cls = W.IntSlider if self.is_int else W.FloatSlider
        return cls(value=self.default, min=self.lo, max=self.hi, step=self.step,
                   description=self.description or name, continuous_update=False,
                   style={"description_width": "initial"})

    def _read(self, widget):
        return widget.value

    def __repr__(self):
        return f"Slider({self.lo}, {self.hi}, step={self.step}, value={self.default})"


class Dropdown:
    """A choice among named options.

    Parameters
    ----------
    options : list of labels (the label is the value), a dict
        ``{label: value}`` or a list of ``(label, value)`` pairs. Values may
        be anything (arrays included): the widget holds only the labels.
    value : initial label (default the first), used for the static figure.
    description : label of the control (default: the argument name).
    """

    def __init__(self, options, value=None, description=None):
        if isinstance(options, dict):
            pairs = list(options.items())
        else:
            pairs = [tuple(o) if isinstance(o, tuple) else (o, o) for o in options]
        if not pairs:
            raise ValueError("Dropdown needs at least one option")
        self.labels = [str(label) for label, _ in pairs]
        self.values = dict(zip(self.labels, (v for _, v in pairs)))
        label = self.labels[0] if value is None else str(value)
        if label not in self.values:
            raise ValueError(f"Dropdown: {value!r} is not one of {self.labels}")
        self.default_label = label
        self.default = self.values[label]
        self.description = description

    def _widget(self, W, name):
        return W.Dropdown(options=self.labels, value=self.default_label,
                          description=self.description or name, style={"description_width": "initial"})

    def _read(self, widget):
        return self.values[widget.value]

    def __repr__(self):
        return f"Dropdown({self.labels}, value={self.default_label!r})"


class Checkbox:
    """An on/off switch.

    Parameters
    ----------
    value : initial state (default False), used for the static figure.
    description : text next to the box (default: the argument name).
    """

    def __init__(self, value=False, description=None):
        self.default = bool(value)
        self.description = description

    def _widget(self, W, name):
        return W.Checkbox(value=self.default, description=self.description or name, indent=False)

    def _read(self, widget):
        return bool(widget.value)

    def __repr__(self):
        return f"Checkbox(value={self.default})"


class Fixed:
    """A constant argument: passed to the drawing function, no control shown."""

    def __init__(self, value):
        self.default = value

    def __repr__(self):
        return f"Fixed({self.default!r})"


def _as_control(spec):
    """Control spec from a spec object or a shorthand.

    ``bool`` -> Checkbox; a tuple of 2 or 3 numbers ``(lo, hi[, step])`` ->
    Slider starting at lo; a list or dict -> Dropdown; anything else -> Fixed.
    """
    if isinstance(spec, (Slider, Dropdown, Checkbox, Fixed)):
        return spec
    if isinstance(spec, (bool, np.bool_)):
        return Checkbox(bool(spec))
    if (isinstance(spec, tuple) and len(spec) in (2, 3)
            and all(isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)
                    for v in spec)):
        return Slider(*spec)
    if isinstance(spec, (list, dict)):
        return Dropdown(spec)
    return Fixed(spec)


# ------------------------------------------------------------ environment

def interactive_available() -> bool:
    """True when ipywidgets is installed and an IPython *kernel* is running.

    A terminal IPython session or plain python gives False (no frontend to
    draw widgets); so does a missing ipywidgets. Nothing is imported to
    decide: without IPython already loaded there is no kernel.
    """
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    try:
        shell = ipython.get_ipython()
    except Exception:  # pragma: no cover - broken IPython install
        return False
    if shell is None or getattr(shell, "kernel", None) is None:
        return False
    return importlib.util.find_spec("ipywidgets") is not None


def _import_widgets():
    import ipywidgets

    return ipywidgets


# ------------------------------------------------------------ explorer widget

@functools.lru_cache(maxsize=None)
def _explorer_class():
    W = _import_widgets()

    class Explorer(W.VBox):
        """An ipywidgets VBox: controls, the rendered figure, an error line.

        Attributes
        ----------
        controls : dict ``{argument name: ipywidgets control}``.
        image : ipywidgets.Image holding the PNG of the current figure.
        message : ipywidgets.HTML showing the error of the last redraw, if any.
        figure : the last Figure drawn (already closed with ``plt.close``).
        """

        def __init__(self, fn, specs, dpi=100):
            self._fn = fn
            self._specs = specs
            self._dpi = dpi
            self.controls = {name: spec._widget(W, name) for name, spec in specs.items()
                             if not isinstance(spec, Fixed)}
            self.image = W.Image(format="png")
            self.message = W.HTML()
            self.figure = None
            bar = W.HBox(list(self.controls.values()), layout=W.Layout(flex_flow="row wrap"))
            super().__init__([bar, self.image, self.message])
            self.redraw()  # errors in the first drawing propagate
            for ctl in self.controls.values():
                ctl.observe(self._on_change, names="value")

        def __repr__(self):
            return f"Explorer({', '.join(self.controls) or 'no controls'})"

        def _repr_mimebundle_(self, **kwargs):
            # the widget view for live frontends, plus the PNG of the initial figure
            # for static renderings (nbconvert HTML, nbgrader feedback) that have no widget state
            data = super()._repr_mimebundle_(**kwargs)
            if isinstance(data, dict) and self.image.value:
                data = dict(data)
                data.setdefault("image/png", base64.b64encode(self.image.value).decode("ascii"))
            return data

        def values(self) -> dict:
            """The keyword arguments the drawing function gets for the current controls."""
            out = {}
            for name, spec in self._specs.items():
                if isinstance(spec, Fixed):
                    out[name] = spec.default
                else:
                    out[name] = spec._read(self.controls[name])
            return out

        def redraw(self):
            """Call the drawing function with the current values and show its figure.

            Returns the new Figure (closed after rendering to PNG).
            """
            import matplotlib.pyplot as plt

            fig = self._fn(**self.values())
            try:
                buf = io.BytesIO()
                fig.savefig(buf, format="png", dpi=self._dpi, bbox_inches="tight")
            finally:
                plt.close(fig)
            self.image.value = buf.getvalue()
            self.message.value = ""
            self.figure = fig
            return fig

        def _on_change(self, change):
            try:
                self.redraw()
            except Exception as exc:  # show it in the widget: a callback has no cell to fail in
                self.message.value = ("<pre style='color:#b00'>"
                                      f"{html.escape(type(exc).__name__)}: {html.escape(str(exc))}</pre>")

    return Explorer


def _build_explorer(fn: Callable[..., Any], specs: dict, dpi: int = 100):
    """Build the :class:`Explorer` widget for ``fn`` and control specs (needs ipywidgets)."""
    return _explorer_class()(fn, {name: _as_control(s) for name, s in specs.items()}, dpi=dpi)


def interactive_or_static(fn, mode="auto", **controls):
    """Run ``fn`` behind widgets in a notebook, or once with the defaults elsewhere.

    Parameters
    ----------
    fn : callable ``fn(**values) -> matplotlib.figure.Figure``; draws one
        figure for one setting of the controls.
    mode : ``"auto"`` (widget when :func:`interactive_available`, else static),
        ``"widget"`` (always the widget; needs ipywidgets) or ``"static"``.
    **controls : one per argument of fn: a :class:`Slider`,
        :class:`Dropdown`, :class:`Checkbox` or :class:`Fixed`, or a
        shorthand: ``True``/``False`` (checkbox), ``(lo, hi)`` or
        ``(lo, hi, step)`` (slider starting at lo), a list or dict
        (dropdown starting at the first option), any other value (fixed).
        ``fn`` and ``mode`` cannot be control names.

    Returns
    -------
    An :class:`Explorer` widget (``ipywidgets.VBox``) in widget mode;
    otherwise the Figure ``fn`` returns for the default values (left open).
    """
    if mode not in ("auto", "widget", "static"):
        raise ValueError(f"mode must be 'auto', 'widget' or 'static', got {mode!r}")
    specs = {name: _as_control(s) for name, s in controls.items()}
    use_widget = mode == "widget" or (mode == "auto" and interactive_available())
    if use_widget:
        try:
            _import_widgets()
        except Exception:
            if mode == "widget":
                raise
            use_widget = False
    if use_widget:
        return _build_explorer(fn, specs)
    return fn(**{name: spec.default for name, spec in specs.items()})


# ------------------------------------------------------------ kernels

def named_kernels() -> dict[str, np.ndarray]:
    """The kernels offered by :func:`kernel_explorer`, as fresh float64 arrays.

    Values follow the book: Sobel x/y as in eq. 18.3 (so that
    Sobel x + Sobel y is the diagonal derivative of §24.2.4), the Laplacian
    of §24.2.2 (positive centre). Sobel x, Sobel y and the diagonal
    derivative are written as *convolution* kernels: used for
    cross-correlation (the layer's operation) their response has the
    opposite sign, which is what the "flip" box shows.

    Returns
    -------
    dict ``{name: (K1, K2) array}``: "identity", "box 3x3",
    "Gaussian 5x5" (binomial, sums to 1), "Sobel x", "Sobel y", "Laplacian",
    "sharpen" (identity + Laplacian), "diagonal derivative".
    """
    b = np.array([1.0, 4.0, 6.0, 4.0, 1.0])
    sobel_x = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]], dtype=np.float64)
    sobel_y = np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]], dtype=np.float64)
    laplacian = np.array([[0, -1, 0], [-1, 4, -1], [0, -1, 0]], dtype=np.float64)
    identity = np.zeros((3, 3))
    identity[1, 1] = 1.0
    return {
        "identity": identity,
        "box 3x3": np.full((3, 3), 1.0 / 9.0),
        "Gaussian 5x5": np.outer(b, b) / 256.0,
        "Sobel x": sobel_x,
        "Sobel y": sobel_y,
        "Laplacian": laplacian,
        "sharpen": identity + laplacian,
        "diagonal derivative": sobel_x + sobel_y,
    }


def _default_correlate():
    try:
        from .ops import corr2d
    except ImportError as exc:  # pragma: no cover - ops ships with the course
        raise ImportError("convcourse.ops.corr2d is not available; pass correlate=your_corr2d") from exc
    return corr2d


def _gray_image(image) -> np.ndarray:
    from .plotting import _to_numpy

    a = _to_numpy(image)
    if a.ndim == 3 and a.shape[0] == 3:
        from .data import to_gray

        a = to_gray(a)
    if a.ndim != 2:
        raise ValueError(f"expected an image (N, M) or (3, N, M), got shape {a.shape}")
    return a


def _apply(correlate, x, w) -> np.ndarray:
    from .plotting import _to_numpy

    out = _to_numpy(correlate(x, w))
    if out.shape != x.shape:
        raise ValueError(f"the correlate function returned shape {out.shape} for an input of shape "
                         f"{x.shape}; expected the same shape ('same' padding)")
    return out


def _is_derivative(w) -> bool:
    """Kernels summing to 0 give signed, zero-mean responses: show them diverging around 0."""
    w = np.asarray(w, dtype=np.float64)
    return abs(w.sum()) <= 1e-9 * max(1.0, np.abs(w).sum())


def _show_response(ax, img, signed):
    from .plotting import DIVERGING

    if signed:
        # robust scale: a few very strong responses should not wash out the rest
        v = float(np.percentile(np.abs(img), 99.5)) or float(np.max(np.abs(img))) or 1.0
        ax.imshow(img, cmap=DIVERGING, vmin=-v, vmax=v, interpolation="nearest")
    else:
        ax.imshow(img, cmap="gray", interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])


def kernel_explorer(image, kernels=None, correlate=None, kernel=None, flip=False, mode="auto"):
    """Filter an image with a choice of kernels; flip for convolution.

    The figure has three panels: the input, the kernel *as applied* (values
    written in the cells; flipped in both axes when "flip" is ticked) and
    the filtered image. Responses of kernels that sum to 0 (derivatives)
    are shown with a diverging colour map centred at 0 (red positive, blue
    negative, saturating at the 99.5th percentile of ``|response|``); the
    others in gray.

    Parameters
    ----------
    image : array ``(N, M)`` (``(3, N, M)`` colour is converted to gray).
    kernels : optional dict ``{name: (K1, K2) array}`` added to the
        dropdown after :func:`named_kernels` (a name that is already there
        replaces that kernel).
    correlate : function ``(x (N, M), w (K1, K2)) -> (N, M)``, the
        cross-correlation with same padding; default
        ``convcourse.ops.corr2d``. Pass the student's own ``corr2d`` to see
        it at work. Convolution is computed as ``correlate(x, w[::-1, ::-1])``.
    kernel : name of the kernel selected at start (default: the first user
        kernel if any, else "Sobel x").
    flip : initial state of the flip box (default False: cross-correlation).
    mode : ``"auto"``, ``"widget"`` or ``"static"``, see :func:`interactive_or_static`.

    Returns
    -------
    Explorer widget in a notebook, else the matplotlib Figure (3 axes) for
    the initial settings.
    """
    from .plotting import show_kernel

    x = _gray_image(image)
    bank = named_kernels()
    user = {str(k): np.asarray(v, dtype=np.float64) for k, v in (kernels or {}).items()}
    for name, w in user.items():
        if w.ndim != 2:
            raise ValueError(f"kernel {name!r} must be 2-D, got shape {w.shape}")
    bank.update(user)
    if kernel is None:
        kernel = next(iter(user)) if user else "Sobel x"
    if kernel not in bank:
        raise ValueError(f"unknown kernel {kernel!r}; choose from {list(bank)}")
    corr = correlate if correlate is not None else _default_correlate()
    cache: dict = {}

    def draw(kernel_name, flip):
        import matplotlib.pyplot as plt

        w = bank[kernel_name]
        applied = w[::-1, ::-1] if flip else w
        key = (kernel_name, bool(flip))
        if key not in cache:
            cache[key] = _apply(corr, x, applied)
        out = cache[key]
        fig, axes = plt.subplots(1, 3, figsize=(9.5, 3.4), layout="constrained",
                                 gridspec_kw={"width_ratios": [1, 0.8, 1]})
        _show_response(axes[0], x, signed=False)
        axes[0].set_title(f"input {x.shape[0]}x{x.shape[1]}", fontsize=10)
        show_kernel(applied, ax=axes[1], title="kernel flipped (as applied)" if flip else "kernel w")
        _show_response(axes[2], out, signed=_is_derivative(w))
        op = "convolution" if flip else "cross-correlation"
        axes[2].set_title(f"{op}, {kernel_name}", fontsize=10)
        return fig

    return interactive_or_static(
        draw, mode=mode,
        kernel_name=Dropdown(list(bank), value=kernel, description="kernel"),
        flip=Checkbox(flip, description="flip (convolution instead of cross-correlation)"),
    )


def stride_explorer(image, kernel=None, correlate=None, stride=2, max_stride=8, mode="auto"):
    """Strided filtering and its spectrum: a stride slider (aliasing, §24.2.2).

    The output for stride s is ``correlate(image, kernel)[::s, ::s]``,
    shape ``(ceil(N/s), ceil(M/s))``. Left: that output, drawn at the size
    of the input so that its pixels grow with s. Right: ``log(1 + |DFT|)``
    of the output with zero frequency at the centre, axes in cycles per
    output sample. With the Laplacian on a detailed image (Figure 24.8),
    the spectrum of stride 1 is concentrated at high frequencies; with
    larger strides they fold back (alias) into the low ones.

    Parameters
    ----------
    image : array ``(N, M)`` (``(3, N, M)`` colour is converted to gray).
    kernel : array ``(K1, K2)``; default the Laplacian of §24.2.2.
    correlate : function ``(x (N, M), w (K1, K2)) -> (N, M)``; default
        ``convcourse.ops.corr2d``.
    stride : initial stride (default 2), used for the static figure.
    max_stride : largest stride on the slider (default 8).
    mode : ``"auto"``, ``"widget"`` or ``"static"``, see :func:`interactive_or_static`.

    Returns
    -------
    Explorer widget in a notebook, else the matplotlib Figure (2 axes) for
    the initial stride.
    """
    from .plotting import dft_log_magnitude, _freq_extent

    x = _gray_image(image)
    w = named_kernels()["Laplacian"] if kernel is None else np.asarray(kernel, dtype=np.float64)
    corr = correlate if correlate is not None else _default_correlate()
    full = _apply(corr, x, w)
    signed = _is_derivative(w)
    n, m = x.shape

    def draw(stride):
        import matplotlib.pyplot as plt

        s = int(stride)
        out = full[::s, ::s]
        fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(7.4, 3.6), layout="constrained")
        _show_response(ax0, out, signed)
        ax0.images[0].set_extent((-0.5, m - 0.5, n - 0.5, -0.5))
        ax0.set_title(f"stride {s}: output {out.shape[0]}x{out.shape[1]}", fontsize=10)
        y0, y1 = _freq_extent(out.shape[0])
        x0, x1 = _freq_extent(out.shape[1])
        ax1.imshow(dft_log_magnitude(out), cmap="magma", interpolation="nearest", extent=(x0, x1, y1, y0))
        ax1.set_title("log(1 + |DFT|) of the output", fontsize=10)
        ax1.set_xlabel("cycles/sample (columns)", fontsize=8)
        ax1.set_ylabel("cycles/sample (rows)", fontsize=8)
        ax1.tick_params(labelsize=7)
        return fig

    max_stride = int(max_stride)
    return interactive_or_static(draw, mode=mode,
                                 stride=Slider(1, max_stride, 1, value=int(stride), description="stride"))


# ------------------------------------------------------------ added for 04_low_rank

def low_rank_explorer(image, kernels, kernel=None, rank=1, low_rank=None, correlate=None, mode="auto"):
    """Approximate a kernel by r separable terms: a rank slider (§24.2.4, Figure 24.15).

    Six panels. Top: the kernel w, its rank-r approximation w_r and the error
    ``w - w_r``, all on w's colour scale. Bottom: the singular values of w
    (the r kept ones dark), the image filtered with w and filtered with w_r.
    The titles give the relative kernel error ``||w - w_r||_F / ||w||_F``,
    the relative error of the filtered image, and the cost per pixel of the
    r separable passes, ``r * (K1 + K2)``, against ``K1 * K2`` for the full
    kernel.

    Parameters
    ----------
    image : array ``(N, M)`` (``(3, N, M)`` colour is converted to gray).
    kernels : dict ``{name: (K1, K2) array}``, the choices of the dropdown.
    kernel : name selected at start (default the first).
    rank : initial number of separable terms (default 1), used for the static figure.
    low_rank : function ``(w, r) -> (K1, K2)``, the best rank-r kernel;
        default ``convcourse.ops.low_rank_kernel``. Pass your own.
    correlate : function ``(x, w) -> (N, M)`` (same padding); default
        ``convcourse.ops.corr2d``.
    mode : ``"auto"``, ``"widget"`` or ``"static"``, see :func:`interactive_or_static`.

    Returns
    -------
    Explorer widget in a notebook, else the matplotlib Figure (6 axes) for
    the initial settings.
    """
    from .plotting import DIVERGING, show_kernel

    x = _gray_image(image)
    bank = {str(k): np.asarray(v, dtype=np.float64) for k, v in dict(kernels).items()}
    if not bank:
        raise ValueError("low_rank_explorer needs at least one kernel")
    for name, w in bank.items():
        if w.ndim != 2:
            raise ValueError(f"kernel {name!r} must be 2-D, got shape {w.shape}")
    kernel = next(iter(bank)) if kernel is None else str(kernel)
    if kernel not in bank:
        raise ValueError(f"unknown kernel {kernel!r}; choose from {list(bank)}")
    if low_rank is None:
        from .ops import low_rank_kernel as low_rank
    corr = correlate if correlate is not None else _default_correlate()
    max_rank = max(min(w.shape) for w in bank.values())
    rank = int(min(max(int(rank), 0), max_rank))
    cache: dict = {}

    def response(name, w, key):
        if key not in cache:
            cache[key] = _apply(corr, x, w)
        return cache[key]

    def draw(kernel_name, rank):
        import matplotlib.pyplot as plt

        w = bank[kernel_name]
        k1, k2 = w.shape
        r = min(int(rank), min(w.shape))
        w_r = np.asarray(low_rank(w, r), dtype=np.float64)
        if w_r.shape != w.shape:
            raise ValueError(f"low_rank returned shape {w_r.shape} for a kernel of shape {w.shape}")
        s = np.linalg.svd(w, compute_uv=False)
        err = np.linalg.norm(w - w_r) / (np.linalg.norm(w) or 1.0)
        full = response(kernel_name, w, (kernel_name, "full"))
        approx = response(kernel_name, w_r, (kernel_name, r))
        img_err = np.linalg.norm(full - approx) / (np.linalg.norm(full) or 1.0)
        fig, axes = plt.subplots(2, 3, figsize=(10.0, 6.6), layout="constrained")
        annotate = max(w.shape) <= 7
        limit = float(np.abs(w).max()) or 1.0
        for ax, a, t in zip(axes[0], (w, w_r, w - w_r),
                            (f"kernel w ({k1}x{k2})", f"rank {r}: {r} separable term{'s' if r != 1 else ''}",
                             f"error w - w_r: {100 * err:.3g}% of ||w||")):
            show_kernel(a, ax=ax, annotate=annotate, title=t)
            ax.images[0].set_clim(-limit, limit)
        ax = axes[1, 0]
        idx = np.arange(1, s.size + 1)
        ax.bar(idx, s, color=["#2c7bb6" if i <= r else "#c6dbef" for i in idx])
        ax.set_yscale("log" if s.size and s[0] > 0 and s[-1] > 0 and s[0] / s[-1] > 1e3 else "linear")
        ax.set_xticks(idx)
        ax.tick_params(labelsize=7)
        ax.set_xlabel("term i", fontsize=8)
        ax.set_title("singular values s_i (kept: dark)", fontsize=10)
        signed = _is_derivative(w) or bool(np.any(w < 0))
        _show_response(axes[1, 1], full, signed)
        axes[1, 1].set_title(f"x filtered with w: {k1 * k2} MACs/pixel", fontsize=10)
        _show_response(axes[1, 2], approx, signed)
        if signed:
            axes[1, 2].images[0].set_clim(*axes[1, 1].images[0].get_clim())
        axes[1, 2].set_title(f"with w_r: {r * (k1 + k2)} MACs/pixel, error {100 * img_err:.3g}%", fontsize=10)
        return fig

    return interactive_or_static(
        draw, mode=mode,
        kernel_name=Dropdown(list(bank), value=kernel, description="kernel"),
        rank=Slider(0, int(max_rank), 1, value=rank, description="rank r (separable terms)"),
    )


__all__.append("low_rank_explorer")
