"""Matplotlib helpers, so that notebook cells stay about ideas, not plotting.

Every function creates its figure with ``matplotlib.pyplot`` and returns the
:class:`~matplotlib.figure.Figure`; nothing calls ``plt.show()`` or closes
figures. In Jupyter the inline backend displays pyplot figures at the end of
the cell *and* displays a Figure that is the cell's last value, so end such a
line with ``;`` or assign the result (``fig = show_images(...)``) to get one
picture. Headless (``MPLBACKEND=Agg``, nbgrader) everything works unchanged;
close figures yourself in loops (``plt.close(fig)``).

Conventions: images are numpy arrays ``(N, M)`` or colour ``(3, N, M)``
(channels first; ``(N, M, 3)`` is accepted too); torch tensors are accepted
anywhere an array is. Pixels are drawn with nearest-neighbour interpolation,
so what you see is what the array holds. Signed data use the diverging
colormap ``RdBu_r`` centred at 0 (red positive, blue negative, white 0).

pyplot is imported on first use, so importing this module is fast.
"""
from __future__ import annotations

import numpy as np

__all__ = [
    "show_images",
    "show_kernel",
    "show_signal_and_dft",
    "show_toeplitz",
    "show_feature_maps",
    "show_shapes_diagram",
    "timing_bar_chart",
    "dft_log_magnitude",
]

DIVERGING = "RdBu_r"


def _plt():
    import matplotlib.pyplot as plt

    return plt


def _to_numpy(x) -> np.ndarray:
    """numpy array (float64 unless complex) from an array-like or a torch tensor."""
    if hasattr(x, "detach"):  # torch tensor, without importing torch
        x = x.detach().cpu().numpy()
    x = np.asarray(x)
    if np.iscomplexobj(x):
        return x
    return x.astype(np.float64, copy=False)


def _as_displayable(img) -> tuple[np.ndarray, bool]:
    """(array ready for imshow, is_colour). Colour becomes (N, M, 3) in [0, 1]."""
    a = _to_numpy(img)
    a = np.squeeze(a) if a.ndim > 3 else a
    if a.ndim == 1:
        a = a[None, :]
    if a.ndim == 2:
        return a, False
    if a.ndim == 3:
        if a.shape[0] in (3, 4):
            a = np.moveaxis(a, 0, -1)
        elif a.shape[-1] not in (3, 4):
            raise ValueError(f"cannot show an image of shape {a.shape}: expected (N, M), "
                             "(3, N, M) or (N, M, 3)")
        a = a[..., :3]
        lo, hi = np.nanmin(a), np.nanmax(a)
        if lo < 0.0 or hi > 1.0:  # rescale rather than let imshow clip (and warn)
            a = (a - lo) / (hi - lo) if hi > lo else np.zeros_like(a)
        return a, True
    raise ValueError(f"cannot show an array of shape {a.shape} as an image")


def _image_list(images) -> list:
    """A list of single images from a list, one image, or a stack of gray images."""
    if isinstance(images, (list, tuple)):
        return list(images)
    a = _to_numpy(images)
    if a.ndim == 2 or (a.ndim == 3 and (a.shape[0] == 3 or a.shape[-1] == 3)):
        return [a]
    if a.ndim == 3:
        return list(a)
    if a.ndim == 4 and a.shape[0] == 1:
        return _image_list(a[0])
    raise ValueError(f"cannot interpret an array of shape {a.shape} as images")


def _grid_shape(count: int, ncols) -> tuple[int, int]:
    ncols = int(ncols) if ncols else min(count, 6)
    ncols = max(1, min(ncols, count))
    return -(-count // ncols), ncols


def _symmetric_limits(a: np.ndarray) -> tuple[float, float]:
    v = float(np.nanmax(np.abs(a))) if a.size else 0.0
    v = v if v > 0 else 1.0
    return -v, v


def _grid_of_images(imgs, titles, ncols, cmap, symmetric, size, suptitle):
    plt = _plt()
    count = len(imgs)
    if count == 0:
        raise ValueError("no images to show")
    if titles is not None and len(titles) != count:
        raise ValueError(f"{len(titles)} titles for {count} images")
    nrows, ncols = _grid_shape(count, ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows + (0.3 if suptitle else 0)),
                             squeeze=False, layout="constrained")
    for i, ax in enumerate(axes.flat):
        if i >= count:
            fig.delaxes(ax)
            continue
        a, colour = _as_displayable(imgs[i])
        kw = {"interpolation": "nearest"}
        if not colour:
            if symmetric:
                kw["vmin"], kw["vmax"] = _symmetric_limits(a)
                kw["cmap"] = DIVERGING if cmap in (None, "gray") else cmap
            else:
                kw["cmap"] = cmap
        ax.imshow(a, **kw)
        ax.set_xticks([])
        ax.set_yticks([])
        if titles is not None:
            ax.set_title(str(titles[i]), fontsize=10)
    if suptitle:
        fig.suptitle(suptitle)
    return fig


def show_images(images, titles=None, ncols=None, cmap="gray", symmetric=False, size=2.5, suptitle=None):
    """Show images in a grid, one axes per image, each with its own colour scale.

    Parameters
    ----------
    images : list of arrays, or one array.
        Each image is ``(N, M)`` (drawn with ``cmap``), colour ``(3, N, M)``
        or ``(N, M, 3)`` (values outside [0, 1] are min-max rescaled), sizes
        may differ. One array: ``(N, M)`` or ``(3, N, M)`` is one image; any
        other ``(C, N, M)`` is shown as C gray images.
    titles : list of str, one per image, optional.
    ncols : number of columns (default: all in one row, at most 6).
    cmap : colormap for one-channel images (default gray, autoscaled from
        min to max of each image).
    symmetric : bool
        For signed data such as filter responses: colour scale symmetric
        around 0 (``[-max|x|, max|x|]``) with the diverging ``RdBu_r`` map
        (red positive, blue negative, white 0) unless another ``cmap`` is given.
    size : side of each panel in inches.
    suptitle : optional title above the grid.

    Returns
    -------
    matplotlib.figure.Figure with ``len(images)`` axes.
    """
    return _grid_of_images(_image_list(images), titles, ncols, cmap, symmetric, size, suptitle)


def _format_value(v: float, integers: bool) -> str:
    if integers:
        return f"{int(round(v))}"
    if v == 0:
        return "0"
    s = f"{v:.3g}"
    return s.replace("e-0", "e-").replace("e+0", "e")


def show_kernel(w, ax=None, annotate=True, title=None, cmap=DIVERGING):
    """Draw a small kernel as coloured cells with the values written in them.

    The colour scale is symmetric around 0 (red positive, blue negative,
    white 0) so kernels can be compared at a glance. Ticks show the offsets
    ``k = -K .. K`` of the book's indexing (for odd sizes) or ``0 .. K-1``.

    Parameters
    ----------
    w : array ``(K1, K2)`` (or ``(K,)``, drawn as one row).
    ax : matplotlib Axes to draw into; default a new figure sized to the kernel.
    annotate : write the values in the cells (skipped automatically for
        kernels larger than 25 on a side). Integers are written as integers,
        other values with 3 significant digits.
    title : optional axes title.
    cmap : colormap (default ``RdBu_r``).

    Returns
    -------
    matplotlib.figure.Figure: the new figure, or ``ax.figure`` if ``ax`` was given.
    """
    plt = _plt()
    a = _to_numpy(w)
    if a.ndim == 1:
        a = a[None, :]
    if a.ndim != 2:
        raise ValueError(f"show_kernel expects a 1-D or 2-D kernel, got shape {a.shape}")
    k1, k2 = a.shape
    if ax is None:
        side = 0.45
        fig, ax = plt.subplots(figsize=(max(2.0, side * k2 + 0.8), max(1.2, side * k1 + 0.8)),
                               layout="constrained")
    else:
        fig = ax.figure
    vmin, vmax = _symmetric_limits(a)
    ax.imshow(a, cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest")

    def ticks(k):
        pos = np.arange(k)
        labels = pos - k // 2 if k % 2 == 1 else pos
        return pos, [str(t) for t in labels]

    step1 = max(1, k1 // 12)
    step2 = max(1, k2 // 12)
    p, lab = ticks(k1)
    ax.set_yticks(p[::step1], lab[::step1])
    p, lab = ticks(k2)
    ax.set_xticks(p[::step2], lab[::step2])
    ax.tick_params(labelsize=7, length=0)
    ax.set_xticks(np.arange(k2 + 1) - 0.5, minor=True)
    ax.set_yticks(np.arange(k1 + 1) - 0.5, minor=True)
    ax.grid(which="minor", color="0.6", linewidth=0.5)
    ax.tick_params(which="minor", length=0)
    if annotate and max(k1, k2) <= 25:
        integers = bool(np.all(np.isfinite(a)) and np.allclose(a, np.round(a)))
        fontsize = 9 if max(k1, k2) <= 7 else (7 if max(k1, k2) <= 12 else 5)
        for i in range(k1):
            for j in range(k2):
                v = a[i, j]
                colour = "white" if abs(v) > 0.6 * vmax else "black"
                ax.text(j, i, _format_value(v, integers), ha="center", va="center",
                        fontsize=fontsize, color=colour)
    if title:
        ax.set_title(title, fontsize=10)
    return fig


def dft_log_magnitude(x) -> np.ndarray:
    """``log(1 + |DFT(x)|)`` with zero frequency at the centre (fftshift).

    Parameters
    ----------
    x : array ``(N,)`` or ``(N, M)``.

    Returns
    -------
    ndarray of x's shape, float64, >= 0.
    """
    a = _to_numpy(x)
    return np.log1p(np.abs(np.fft.fftshift(np.fft.fftn(a))))


def _freq_extent(n: int) -> tuple[float, float]:
    """Limits, in cycles/sample, of an fftshifted axis of length n (cell edges)."""
    f = np.fft.fftshift(np.fft.fftfreq(n))
    return f[0] - 0.5 / n, f[-1] + 0.5 / n


def show_signal_and_dft(x, title=None, size=3.0):
    """A signal beside its centred log DFT magnitude.

    Parameters
    ----------
    x : array ``(N, M)`` (an image) or ``(N,)`` (a 1-D signal).
    title : optional title above both panels.
    size : height of the panels in inches.

    Returns
    -------
    matplotlib.figure.Figure with 2 axes: the signal (gray image, or a stem
    plot), and ``log(1 + |DFT|)`` with zero frequency at the centre and axes
    in cycles per sample (the Nyquist frequency is 0.5).
    """
    plt = _plt()
    a = _to_numpy(x)
    if np.iscomplexobj(a) or a.ndim not in (1, 2):
        raise ValueError(f"show_signal_and_dft expects a real (N,) or (N, M) array, got {a.shape}")
    mag = dft_log_magnitude(a)
    if a.ndim == 2:
        fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(2 * size + 0.6, size + 0.4), layout="constrained")
        ax0.imshow(a, cmap="gray", interpolation="nearest")
        ax0.set_xticks([])
        ax0.set_yticks([])
        ax0.set_title(f"signal {a.shape[0]}x{a.shape[1]}", fontsize=10)
        y0, y1 = _freq_extent(a.shape[0])
        x0, x1 = _freq_extent(a.shape[1])
        ax1.imshow(mag, cmap="magma", interpolation="nearest", extent=(x0, x1, y1, y0))
        ax1.set_xlabel("cycles/pixel (columns)", fontsize=8)
        ax1.set_ylabel("cycles/pixel (rows)", fontsize=8)
        ax1.tick_params(labelsize=7)
        ax1.set_title("log(1 + |DFT|)", fontsize=10)
    else:
        fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(2 * size + 1.0, size * 0.7 + 0.4), layout="constrained")
        ax0.stem(np.arange(a.size), a, basefmt="k-")
        ax0.set_xlabel("n", fontsize=8)
        ax0.set_title(f"signal, N={a.size}", fontsize=10)
        f = np.fft.fftshift(np.fft.fftfreq(a.size))
        ax1.plot(f, np.abs(np.fft.fftshift(np.fft.fft(a))), ".-")
        ax1.set_xlabel("cycles/sample", fontsize=8)
        ax1.set_title("|DFT|", fontsize=10)
        for ax in (ax0, ax1):
            ax.tick_params(labelsize=7)
    if title:
        fig.suptitle(title)
    return fig


def show_toeplitz(T, x=None, annotate=None, title=None):
    """Show a (Toeplitz) matrix as coloured cells, optionally as ``T @ x = y``.

    Parameters
    ----------
    T : array ``(R, N)``, e.g. the matrix of a 1-D cross-correlation (Figure 24.4).
    x : optional vector ``(N,)``; when given, x and ``y = T @ x`` are drawn
        as columns to the right of T, to read the product row by row.
    annotate : write the values in the cells; default only when T is at most
        16 x 16.
    title : optional title.

    Returns
    -------
    matplotlib.figure.Figure with 1 axes (T), or 3 axes (T, x, y) when x is given.
    """
    plt = _plt()
    a = _to_numpy(T)
    if a.ndim != 2:
        raise ValueError(f"show_toeplitz expects a 2-D matrix, got shape {a.shape}")
    r, n = a.shape
    if annotate is None:
        annotate = max(r, n) <= 16
    cell = 0.38 if max(r, n) <= 16 else max(0.05, 6.0 / max(r, n))
    if x is None:
        fig, ax = plt.subplots(figsize=(max(2.5, cell * n + 1.0), max(2.0, cell * r + 0.8)),
                               layout="constrained")
        axes = [ax]
        panels = [(a, "T")]
    else:
        xv = _to_numpy(x).reshape(-1)
        if xv.size != n:
            raise ValueError(f"x has {xv.size} entries, T has {n} columns")
        y = a @ xv
        fig, axes = plt.subplots(1, 3, figsize=(max(3.5, cell * (n + 2) + 2.5), max(2.0, cell * max(r, n) + 0.8)),
                                 gridspec_kw={"width_ratios": [n, 1.5, 1.5]}, layout="constrained")
        panels = [(a, "T"), (xv[:, None], "x"), (y[:, None], "y = T x")]
    integers = bool(np.allclose(a, np.round(a)))
    for ax, (p, name) in zip(axes, panels):
        vmin, vmax = _symmetric_limits(p)
        ax.imshow(p, cmap=DIVERGING, vmin=vmin, vmax=vmax, interpolation="nearest", aspect="equal")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xticks(np.arange(p.shape[1] + 1) - 0.5, minor=True)
        ax.set_yticks(np.arange(p.shape[0] + 1) - 0.5, minor=True)
        ax.grid(which="minor", color="0.75", linewidth=0.4)
        ax.tick_params(which="minor", length=0)
        ax.set_title(name, fontsize=10)
        if annotate:
            ints = integers and bool(np.allclose(p, np.round(p)))
            for i in range(p.shape[0]):
                for j in range(p.shape[1]):
                    v = p[i, j]
                    if v == 0 and name == "T":
                        continue  # leave the zeros of the band matrix blank
                    ax.text(j, i, _format_value(v, ints), ha="center", va="center", fontsize=7,
                            color="white" if abs(v) > 0.6 * vmax else "black")
    if title:
        fig.suptitle(title)
    return fig


def show_feature_maps(maps, ncols=None, titles=None, symmetric=None, size=1.8, suptitle=None):
    """Show the channels of a feature tensor as a grid of images.

    Parameters
    ----------
    maps : array ``(C, N, M)`` (or a torch batch ``(1, C, N, M)``).
    ncols : columns of the grid (default ``ceil(sqrt(C))``, at most 8).
    titles : one per channel; default ``"channel c"``.
    symmetric : diverging colour scale centred at 0 per channel; default:
        True when the maps have negative values (pre-activation responses),
        False otherwise (e.g. after a ReLU), which uses ``viridis``.
    size : side of each panel in inches.
    suptitle : optional title above the grid.

    Returns
    -------
    matplotlib.figure.Figure with C axes.
    """
    a = _to_numpy(maps)
    if a.ndim == 4 and a.shape[0] == 1:
        a = a[0]
    if a.ndim == 2:
        a = a[None]
    if a.ndim != 3:
        raise ValueError(f"show_feature_maps expects (C, N, M), got shape {a.shape}")
    c = a.shape[0]
    if symmetric is None:
        symmetric = bool(np.nanmin(a) < 0)
    if ncols is None:
        ncols = min(8, int(np.ceil(np.sqrt(c))))
    if titles is None:
        titles = [f"channel {i}" for i in range(c)]
    cmap = DIVERGING if symmetric else "viridis"
    return _grid_of_images(list(a), titles, ncols, cmap, symmetric, size, suptitle)


def _cuboid(ax, x, y, w, h, d, face, label=None, edge="0.2", alpha=1.0, zorder=1):
    """Oblique drawing of a box: front face w x h at (x, y), depth d drawn up-right."""
    from matplotlib.patches import Polygon

    dx, dy = 0.6 * d, 0.45 * d
    front = [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]
    top = [(x, y + h), (x + w, y + h), (x + w + dx, y + h + dy), (x + dx, y + h + dy)]
    side = [(x + w, y), (x + w + dx, y + dy), (x + w + dx, y + h + dy), (x + w, y + h)]
    import matplotlib.colors as mcolors

    base = np.array(mcolors.to_rgb(face))
    for pts, shade in ((side, 0.75), (top, 0.9), (front, 1.0)):
        ax.add_patch(Polygon(pts, closed=True, facecolor=tuple(base * shade), edgecolor=edge,
                             linewidth=0.8, alpha=alpha, zorder=zorder))
    return dx, dy


def show_shapes_diagram(c_in, c_out, k, n, m, title=None):
    """Diagram of a convolutional layer's shapes (like the chapter's Figure 24.6).

    Draws the input tensor ``c_in x n x m``, the filter bank of ``c_out``
    filters, each ``c_in x k1 x k2``, and the output tensor
    ``c_out x n x m`` (same padding, stride 1), with the shapes and the
    parameter count written under them. Box sizes grow with the logarithm of
    the dimensions, so large channel counts stay readable.

    Parameters
    ----------
    c_in, c_out : input and output channels (ints >= 1).
    k : kernel size, int or ``(k1, k2)``.
    n, m : spatial size (rows, columns) of the input (and output).
    title : optional title.

    Returns
    -------
    matplotlib.figure.Figure with 1 axes.

    Example: ``show_shapes_diagram(3, 96, 3, 128, 128)``: 3x128x128 ->
    96 filters of 3x3x3 (2,592 weights) -> 96x128x128.
    """
    plt = _plt()
    k1, k2 = (int(k), int(k)) if np.ndim(k) == 0 else (int(k[0]), int(k[1]))
    c_in, c_out, n, m = int(c_in), int(c_out), int(n), int(m)

    def scale(v, unit=1.0):
        return unit * (0.6 + 0.55 * np.log2(max(v, 1)))

    fig, ax = plt.subplots(figsize=(9.0, 3.6))  # resized to the drawing below
    ax.set_position((0.0, 0.0, 1.0, 0.9 if title else 1.0))
    ax.set_axis_off()
    colour_in, colour_w, colour_out = "#9ecae1", "#fdae6b", "#a1d99b"

    # input tensor
    w_in, h_in, d_in = scale(m), scale(n), scale(c_in, 0.7)
    x0 = 0.0
    dx, dy = _cuboid(ax, x0, 0.0, w_in, h_in, d_in, colour_in)
    right_in = x0 + w_in + dx
    ax.text(x0 + (w_in + dx) / 2, -0.6, f"input\n{c_in} x {n} x {m}", ha="center", va="top", fontsize=10)

    # filter bank: a few stacked filters
    gap = 1.6
    fx = right_in + gap
    fw, fh, fd = scale(k2, 0.5), scale(k1, 0.5), scale(c_in, 0.35)
    shown = min(c_out, 4)
    offset = 0.55
    top_w = 0.0
    for i in range(shown):
        j = shown - 1 - i  # draw back to front
        fdx, fdy = _cuboid(ax, fx + 0.25 * j, offset * j, fw, fh, fd, colour_w, zorder=2 + i)
        top_w = max(top_w, offset * j + fh + fdy)
    bank_right = fx + 0.25 * (shown - 1) + fw + 0.6 * fd
    if c_out > shown:
        ax.text(bank_right + 0.15, offset * (shown - 1) + fh / 2, "...", fontsize=12, va="center")
        bank_right += 0.6
    params = c_in * k1 * k2 * c_out
    ax.text((fx + bank_right) / 2, -0.6,
            f"{c_out} filter{'s' if c_out != 1 else ''}\neach {c_in} x {k1} x {k2}\n({params:,} weights)",
            ha="center", va="top", fontsize=10)

    # output tensor
    ox = bank_right + gap
    w_out, h_out, d_out = scale(m), scale(n), scale(c_out, 0.7)
    odx, ody = _cuboid(ax, ox, 0.0, w_out, h_out, d_out, colour_out)
    ax.text(ox + (w_out + odx) / 2, -0.6, f"output\n{c_out} x {n} x {m}", ha="center", va="top", fontsize=10)

    # arrows and the operator in between
    mid = h_in / 2
    arrow = dict(arrowstyle="->", color="0.3", lw=1.5)
    ax.annotate("", xy=(fx - 0.15, mid), xytext=(right_in + 0.15, mid), arrowprops=arrow)
    ax.annotate("", xy=(ox - 0.15, mid), xytext=(bank_right + 0.15, mid), arrowprops=arrow)
    ax.text((right_in + fx) / 2, mid + 0.25, "conv", ha="center", va="bottom", fontsize=9)

    top = max(h_in + dy, top_w, h_out + ody) + 0.4
    xlim, ylim = (-0.3, ox + w_out + odx + 0.3), (-2.6, top)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    inch = min(8.5 / (xlim[1] - xlim[0]), 4.5 / (ylim[1] - ylim[0]))
    fig.set_size_inches(inch * (xlim[1] - xlim[0]), inch * (ylim[1] - ylim[0]) / (0.9 if title else 1.0))
    if title:
        ax.set_title(title)
    return fig


def _seconds_label(s: float) -> str:
    if s >= 1.0:
        return f"{s:.3g} s"
    if s >= 1e-3:
        return f"{s * 1e3:.3g} ms"
    return f"{s * 1e6:.3g} us"


def timing_bar_chart(rows, title=None, log=False):
    """Horizontal bar chart of running times, with the time written at each bar.

    Parameters
    ----------
    rows : sequence of ``(label, seconds)`` pairs, drawn top to bottom in order.
    title : optional axes title.
    log : logarithmic time axis (useful when times differ by orders of magnitude).

    Returns
    -------
    matplotlib.figure.Figure with 1 axes.
    """
    plt = _plt()
    rows = list(rows)
    if not rows:
        raise ValueError("no rows to plot")
    labels = [str(r[0]) for r in rows]
    secs = np.array([float(r[1]) for r in rows])
    fig, ax = plt.subplots(figsize=(6.0, 0.45 * len(rows) + 1.0), layout="constrained")
    pos = np.arange(len(rows))
    ax.barh(pos, secs, color="#6baed6")
    ax.set_yticks(pos, labels)
    ax.invert_yaxis()
    if log and np.all(secs > 0):
        ax.set_xscale("log")
    ax.set_xlabel("seconds")
    top = secs.max() if secs.size and secs.max() > 0 else 1.0
    for p, s in zip(pos, secs):
        ax.text(s, p, " " + _seconds_label(s), va="center", fontsize=8)
    if not log:
        ax.set_xlim(0, top * 1.25)
    else:
        ax.set_xlim(right=top * 3)
    if title:
        ax.set_title(title)
    return fig


def show_kernel_spectra(kernels, titles=None, n=64, log=False, annotate=None, size=2.4, suptitle=None):
    """Kernels (top row) above the magnitude of their DFT (bottom row), e.g. Figure 24.10.

    Each kernel is zero-padded to ``n x n`` before the DFT so that its
    frequency response is sampled finely; where the kernel sits in the
    padded array changes only the phase, not the magnitude. Zero frequency
    is at the centre (fftshift), axes in cycles/pixel (the Nyquist frequency
    0.5 is at the edges). All spectra share one colour scale starting at 0.

    Parameters
    ----------
    kernels : list of arrays ``(K1, K2)`` (or ``(K,)``, drawn as one row); sizes may differ.
    titles : list of str, one per kernel (default: the kernel's shape).
    n : int or ``(n1, n2)``, size of the DFT grid (raised to the kernel size if smaller).
    log : draw ``log(1 + |DFT|)`` instead of ``|DFT|``.
    annotate : write the kernel values in the cells (default: only for kernels up to 9 on a side).
    size : side of each panel in inches.
    suptitle : optional title above the grid.

    Returns
    -------
    matplotlib.figure.Figure with ``2 * len(kernels)`` axes (row 0 kernels, row 1 spectra).
    """
    plt = _plt()
    ks = []
    for k in kernels:
        a = _to_numpy(k)
        ks.append(a[None, :] if a.ndim == 1 else a)
    if not ks or any(a.ndim != 2 for a in ks):
        raise ValueError("show_kernel_spectra expects a non-empty list of 1-D or 2-D kernels")
    n1, n2 = (n, n) if np.ndim(n) == 0 else tuple(n)
    mags = []
    for a in ks:
        s = (max(int(n1), a.shape[0]), max(int(n2), a.shape[1]))
        mag = np.abs(np.fft.fftshift(np.fft.fft2(a, s)))
        mags.append(np.log1p(mag) if log else mag)
    top = max(float(m.max()) for m in mags) or 1.0
    fig, axes = plt.subplots(2, len(ks), figsize=(size * len(ks), 2 * size + 0.4), layout="constrained",
                             squeeze=False)
    for j, (a, mag) in enumerate(zip(ks, mags)):
        title = titles[j] if titles else f"{a.shape[0]}x{a.shape[1]}"
        note = max(a.shape) <= 9 if annotate is None else annotate
        show_kernel(a, ax=axes[0, j], annotate=note, title=title)
        y0, y1 = _freq_extent(mag.shape[0])
        x0, x1 = _freq_extent(mag.shape[1])
        axes[1, j].imshow(mag, cmap="magma", vmin=0.0, vmax=top, interpolation="nearest",
                          extent=(x0, x1, y1, y0))
        axes[1, j].set_title("log(1 + |DFT|)" if log else "|DFT|", fontsize=9)
        axes[1, j].set_xlabel("cycles/pixel", fontsize=7)
        axes[1, j].tick_params(labelsize=6)
    if suptitle:
        fig.suptitle(suptitle)
    return fig


__all__.append("show_kernel_spectra")


# --------------------------------------------------------------------------
# appended for 02_stride: images above their spectra (Figure 24.8)
# --------------------------------------------------------------------------

def show_images_and_dfts(images, titles=None, spectra=None, same_extent=True, signed=None, robust=True,
                         band=None, cmap=None, size=2.6, suptitle=None):
    """Images in a top row, ``log(1 + |DFT|)`` of each below it (Figure 24.8 of §24.2.2).

    Parameters
    ----------
    images : list of real arrays ``(N_i, M_i)``; sizes may differ (e.g. the
        outputs of one filter at strides 1, 2, 4).
    titles : list of str, one per image, optional (the shape is added below).
    spectra : optional list of ``|DFT|`` arrays, one per image, centred
        (fftshift), as a student's ``dft_magnitude`` returns them; ``None``
        entries (or ``spectra=None``) are computed with numpy.
    same_extent : draw every image over the first image's extent, so that a
        subsampled image shows bigger pixels instead of a smaller picture.
    signed : colour scale symmetric around 0 (filter responses). Default:
        for images with negative values.
    robust : with ``signed``, clip the colour scale at the 99.5th percentile
        of ``|image|`` so that a few strong responses do not wash out the rest.
    band : optional list (one entry per image, ``None`` for none) of
        ``(f_n, f_m)`` in cycles/sample: a dashed rectangle ``|f| <= f`` drawn
        on that spectrum (e.g. the frequencies a stride keeps,
        ``(1/(2 s_n), 1/(2 s_m))``).
    cmap : colormap of the images (default ``RdBu_r`` for signed images,
        gray otherwise); ``"gray"`` shows signed responses as in the book.
    size : side of each panel in inches.
    suptitle : optional title above the grid.

    Returns
    -------
    matplotlib.figure.Figure with ``2 * len(images)`` axes (row 0 images,
    row 1 spectra); spectrum axes are in cycles per sample of their own
    image (Nyquist = 0.5).
    """
    plt = _plt()
    imgs = [_to_numpy(a) for a in _image_list(images)]
    count = len(imgs)
    if count == 0:
        raise ValueError("no images to show")
    for a in imgs:
        if a.ndim != 2 or np.iscomplexobj(a):
            raise ValueError(f"show_images_and_dfts expects real (N, M) images, got shape {a.shape}")
    if titles is not None and len(titles) != count:
        raise ValueError(f"{len(titles)} titles for {count} images")
    spectra = list(spectra) if spectra is not None else [None] * count
    band = list(band) if band is not None else [None] * count
    if len(spectra) != count or len(band) != count:
        raise ValueError("spectra and band need one entry per image")
    fig, axes = plt.subplots(2, count, figsize=(size * count, 2 * size + 0.4 + (0.3 if suptitle else 0)),
                             squeeze=False, layout="constrained")
    n0, m0 = imgs[0].shape
    for i, a in enumerate(imgs):
        ax = axes[0, i]
        use_signed = bool(np.nanmin(a) < 0) if signed is None else bool(signed)
        kw = {"interpolation": "nearest"}
        if use_signed:
            v = float(np.percentile(np.abs(a), 99.5)) if robust and a.size else 0.0
            v = v or (float(np.max(np.abs(a))) if a.size else 0.0) or 1.0
            kw.update(cmap=cmap or DIVERGING, vmin=-v, vmax=v)
        else:
            kw["cmap"] = cmap or "gray"
        if same_extent:
            kw["extent"] = (-0.5, m0 - 0.5, n0 - 0.5, -0.5)
        ax.imshow(a, **kw)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title((str(titles[i]) + "\n" if titles is not None else "") + f"{a.shape[0]}x{a.shape[1]}",
                     fontsize=9)
        mag = _to_numpy(spectra[i]) if spectra[i] is not None else np.abs(np.fft.fftshift(np.fft.fft2(a)))
        if mag.shape != a.shape:
            raise ValueError(f"spectrum {i} has shape {mag.shape}; its image has shape {a.shape}")
        ax = axes[1, i]
        y0, y1 = _freq_extent(a.shape[0])
        x0, x1 = _freq_extent(a.shape[1])
        ax.imshow(np.log1p(np.abs(mag)), cmap="magma", interpolation="nearest", extent=(x0, x1, y1, y0))
        if band[i] is not None:
            fn, fm = band[i]
            ax.add_patch(plt.Rectangle((-fm, -fn), 2 * fm, 2 * fn, fill=False, ls="--", lw=1.2, ec="cyan"))
        ax.set_xlabel("cycles/sample (m)", fontsize=7)
        if i == 0:
            ax.set_ylabel("log(1+|DFT|)\ncycles/sample (n)", fontsize=7)
        ax.tick_params(labelsize=6)
    if suptitle:
        fig.suptitle(suptitle)
    return fig


__all__.append("show_images_and_dfts")


# ------------------------------------------------------------ classifier outputs (added for 07_simple_cnn)

def _bar_probabilities(ax, p, labels, title):
    """One bar chart of a probability vector on ``ax`` (y axis 0..1, largest bar highlighted)."""
    p = _to_numpy(p).ravel()
    k = p.size
    labels = [str(i) for i in range(k)] if labels is None else [str(s) for s in labels]
    if len(labels) != k:
        raise ValueError(f"{len(labels)} labels for {k} probabilities")
    colours = ["#9ecae1"] * k
    if k and np.all(np.isfinite(p)):
        colours[int(np.argmax(p))] = "#3182bd"
    pos = np.arange(k)
    ax.bar(pos, np.nan_to_num(p), color=colours, edgecolor="0.3", linewidth=0.5)
    ax.set_xticks(pos, labels, fontsize=8, rotation=0 if max((len(s) for s in labels), default=0) <= 6 else 30)
    ax.set_ylim(0, 1.08)
    ax.set_yticks([0, 0.5, 1])
    ax.tick_params(labelsize=8)
    for x, v in zip(pos, p):
        ax.text(x, min(float(np.nan_to_num(v)), 1.0) + 0.02, f"{v:.2f}", ha="center", va="bottom", fontsize=7)
    if title:
        ax.set_title(str(title), fontsize=10)


def show_probabilities(probs, titles=None, labels=None, size=2.6, suptitle=None):
    """Bar charts of class-probability vectors, side by side (e.g. a softmax at several temperatures).

    Parameters
    ----------
    probs : one vector ``(K,)``, a list of vectors, or an array ``(R, K)`` (one chart per row).
    titles : one title per chart, optional.
    labels : the K class names (default ``0 .. K-1``), shared by all charts.
    size : width of each chart in inches.
    suptitle : optional title above the charts.

    Returns
    -------
    matplotlib.figure.Figure with one axes per vector; the y axis runs from 0 to 1 and the most
    probable class is drawn darker, with every probability written above its bar.
    """
    plt = _plt()
    if isinstance(probs, (list, tuple)):
        rows = [_to_numpy(p).ravel() for p in probs]
    else:
        a = _to_numpy(probs)
        rows = [a.ravel()] if a.ndim <= 1 else list(a.reshape(a.shape[0], -1))
    if not rows:
        raise ValueError("no probabilities to show")
    if titles is not None and len(titles) != len(rows):
        raise ValueError(f"{len(titles)} titles for {len(rows)} charts")
    fig, axes = plt.subplots(1, len(rows), figsize=(size * len(rows), 2.2 + (0.3 if suptitle else 0)),
                             squeeze=False, layout="constrained")
    for i, (ax, p) in enumerate(zip(axes[0], rows)):
        _bar_probabilities(ax, p, labels, None if titles is None else titles[i])
    if suptitle:
        fig.suptitle(suptitle)
    return fig


def show_classifier_pass(image, maps, probs, class_names=None, map_titles=None, title=None, size=2.4):
    """One image through a conv -> relu -> global-pooling -> fc -> softmax classifier, in one row.

    Panels: the input image (gray), each feature map (``viridis``, one colour scale shared by all maps so
    their strengths compare; the title gives the map's spatial mean, i.e. the pooled value), and a bar
    chart of the class probabilities.

    Parameters
    ----------
    image : ``(N, M)`` (or a torch ``(1, 1, N, M)`` / ``(1, N, M)`` tensor).
    maps : ``(C, N', M')`` feature maps (e.g. after the ReLU), or a torch ``(1, C, N', M')`` batch.
    probs : ``(K,)`` class probabilities (or a ``(1, K)`` batch).
    class_names : K labels for the bars (default ``0 .. K-1``).
    map_titles : C titles (default ``"channel c"``); the mean is appended to each.
    title : optional title above the row.
    size : side of each panel in inches.

    Returns
    -------
    matplotlib.figure.Figure with ``C + 2`` axes.
    """
    plt = _plt()
    img = np.squeeze(_to_numpy(image))
    if img.ndim != 2:
        raise ValueError(f"show_classifier_pass expects one (N, M) image, got shape {img.shape}")
    m = _to_numpy(maps)
    if m.ndim == 4 and m.shape[0] == 1:
        m = m[0]
    if m.ndim == 2:
        m = m[None]
    if m.ndim != 3:
        raise ValueError(f"maps must be (C, N, M), got shape {m.shape}")
    p = _to_numpy(probs).ravel()
    c = m.shape[0]
    if map_titles is None:
        map_titles = [f"channel {i}" for i in range(c)]
    if len(map_titles) != c:
        raise ValueError(f"{len(map_titles)} map titles for {c} maps")
    fig, axes = plt.subplots(1, c + 2, figsize=(size * (c + 2), size + 0.2 + (0.3 if title else 0)),
                             squeeze=False, layout="constrained")
    axes = axes[0]
    axes[0].imshow(img, cmap="gray", interpolation="nearest")
    axes[0].set_title("input", fontsize=10)
    lo, hi = float(np.nanmin(m)), float(np.nanmax(m))
    if hi <= lo:
        hi = lo + 1.0
    for i in range(c):
        axes[i + 1].imshow(m[i], cmap="viridis", vmin=min(lo, 0.0), vmax=hi, interpolation="nearest")
        axes[i + 1].set_title(f"{map_titles[i]}\nmean {m[i].mean():.3g}", fontsize=9)
    for ax in axes[:-1]:
        ax.set_xticks([])
        ax.set_yticks([])
    _bar_probabilities(axes[-1], p, class_names, "probabilities")
    if title:
        fig.suptitle(title)
    return fig


# ---------------------------------------------------------------- added for 04_low_rank

def show_kernels(kernels, titles=None, annotate=None, shared_scale=False, size=2.0, suptitle=None):
    """Several kernels side by side, each drawn with :func:`show_kernel` (values in the cells).

    Parameters
    ----------
    kernels : list of arrays ``(K1, K2)`` (1-D arrays are drawn as one row;
        ``(K, 1)`` arrays as a column), sizes may differ.
    titles : list of str, one per kernel, optional.
    annotate : write the values in the cells; default: when every kernel is
        at most 7 on a side.
    shared_scale : one symmetric colour scale for all kernels (the largest
        ``|value|`` of any of them), so that an approximation and its error
        can be compared with the original at a glance; default each its own.
    size : height of the row in inches (the widths follow the kernels' shapes).
    suptitle : optional title above the row.

    Returns
    -------
    matplotlib.figure.Figure with ``len(kernels)`` axes.
    """
    plt = _plt()
    arrays = [_to_numpy(k) for k in kernels]
    arrays = [a[None, :] if a.ndim == 1 else a for a in arrays]
    if not arrays:
        raise ValueError("no kernels to show")
    if titles is not None and len(titles) != len(arrays):
        raise ValueError(f"{len(titles)} titles for {len(arrays)} kernels")
    if annotate is None:
        annotate = max(max(a.shape) for a in arrays) <= 7
    ratios = [max(a.shape[1] / max(a.shape[0], 1), 0.35) for a in arrays]
    fig, axes = plt.subplots(1, len(arrays), figsize=(min(size * sum(ratios) + 0.6 * len(arrays), 16), size + 0.5),
                             squeeze=False, layout="constrained", gridspec_kw={"width_ratios": ratios})
    limit = max(float(np.nanmax(np.abs(a))) if a.size else 0.0 for a in arrays) or 1.0
    for i, (ax, a) in enumerate(zip(axes[0], arrays)):
        show_kernel(a, ax=ax, annotate=annotate, title=None if titles is None else str(titles[i]))
        if shared_scale:
            ax.images[0].set_clim(-limit, limit)
    if suptitle:
        fig.suptitle(suptitle)
    return fig


def plot_curves(x, curves, xlabel="", ylabel="", title=None, logx=False, logy=False, ax=None, size=(5.0, 3.3),
                styles=None):
    """Named curves over a shared x axis, with markers and a legend.

    Parameters
    ----------
    x : sequence of x values (shared by every curve).
    curves : dict ``{label: sequence of y values}`` (same length as x);
        non-positive values are left out of a logarithmic y axis.
    xlabel, ylabel, title : axis labels and title.
    logx, logy : logarithmic axes.
    ax : matplotlib Axes to draw into; default a new figure of ``size`` inches.
    styles : optional dict ``{label: matplotlib format string}`` (e.g. ``"k--"``
        for a predicted curve).

    Returns
    -------
    matplotlib.figure.Figure: the new figure, or ``ax.figure`` if ``ax`` was given.
    """
    plt = _plt()
    if ax is None:
        fig, ax = plt.subplots(figsize=size, layout="constrained")
    else:
        fig = ax.figure
    xs = np.asarray(list(x), dtype=np.float64)
    styles = styles or {}
    for label, ys in curves.items():
        ys = np.asarray(list(ys), dtype=np.float64)
        if ys.shape != xs.shape:
            raise ValueError(f"curve {label!r} has {ys.size} values for {xs.size} x values")
        keep = np.isfinite(ys) & ((ys > 0) if logy else True)
        fmt = styles.get(label, "o-")
        ax.plot(xs[keep], ys[keep], fmt, label=str(label), markersize=4)
    if logx:
        ax.set_xscale("log")
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(True, which="both", alpha=0.3)
    if curves:
        ax.legend(fontsize=8)
    if title:
        ax.set_title(title, fontsize=10)
    return fig


__all__ += ["show_kernels", "plot_curves"]


# ---------------------------------------------------------------- architectures (notebook 11)

def show_architecture(blocks, skips=(), title=None, ax=None, size=None):
    """A network drawn from its activation shapes, one box per block, in the style of Figures 24.29-24.32.

    Parameters
    ----------
    blocks : list of ``(label, (C, H, W))`` in forward order (e.g. the input, each level's output, the
        logits). The first block's H sets the top row.
    skips : list of ``(i, j, kind)``: a connection from block i to block j; ``kind`` is ``"cat"``
        (concatenation, a dashed arrow) or ``"add"`` (addition, a solid arc above the boxes with a ``+``).
    title : figure title.
    ax : matplotlib Axes to draw into; default a new figure (``size`` inches, default from the block count).

    Layout: block i sits at x = i. Its row drops by one for every halving of H relative to the first
    block, so an encoder draws a staircase down, an encoder-decoder a V and a U-Net a U; the box height
    is proportional to H and its width grows with log2(C). Each box is labelled ``C x H x W`` underneath.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import math

    plt = _plt()
    from matplotlib.patches import FancyArrowPatch, Rectangle

    blocks = [(str(label), tuple(int(v) for v in shape)) for label, shape in blocks]
    if not blocks:
        raise ValueError("show_architecture needs at least one block")
    if ax is None:
        fig, ax = plt.subplots(figsize=size or (max(4.0, 0.95 * len(blocks) + 0.8), 3.4), layout="constrained")
    else:
        fig = ax.figure
    H0 = max(shape[1] for _, shape in blocks)
    geo = []
    for i, (label, (C, H, W)) in enumerate(blocks):
        row = -math.log2(H0 / H) if H > 0 else 0.0
        h = 0.25 + 0.6 * H / H0
        w = 0.18 + 0.1 * math.log2(max(C, 1))
        geo.append((i, row, w, h))
        colour = plt.cm.viridis(min(1.0, math.log2(max(C, 1)) / 9.0))
        ax.add_patch(Rectangle((i - w / 2, row - h / 2), w, h, facecolor=colour, edgecolor="0.2", alpha=0.85))
        ax.text(i, row - h / 2 - 0.08, f"{C}×{H}×{W}", ha="center", va="top", fontsize=7)
        ax.text(i, row + h / 2 + 0.06, label, ha="center", va="bottom", fontsize=7, color="0.25")
    for i in range(len(blocks) - 1):
        (x0, r0, w0, _), (x1, r1, w1, _) = geo[i], geo[i + 1]
        ax.add_patch(FancyArrowPatch((x0 + w0 / 2, r0), (x1 - w1 / 2, r1), arrowstyle="-|>", mutation_scale=8,
                                     color="0.35", lw=0.9))
    for i, j, kind in skips:
        (x0, r0, w0, h0), (x1, r1, w1, h1) = geo[i], geo[j]
        if kind == "add":
            top = max(r0 + h0 / 2, r1 + h1 / 2) + 0.24
            ax.add_patch(FancyArrowPatch((x0, top), (x1, top), connectionstyle="arc3,rad=-0.45",
                                         arrowstyle="-|>", mutation_scale=9, color="tab:red", lw=1.2))
            ax.text((x0 + x1) / 2, top + 0.12 + 0.22 * (x1 - x0), "+", ha="center", va="bottom", color="tab:red",
                    fontsize=10, fontweight="bold")
        else:
            y = (r0 + r1) / 2 + 0.15 * min(h0, h1)
            ax.add_patch(FancyArrowPatch((x0 + w0 / 2, y), (x1 - w1 / 2, y), arrowstyle="-|>", mutation_scale=9,
                                         color="tab:orange", lw=1.3, linestyle="--"))
            ax.text((x0 + x1) / 2, y + 0.04, "cat", ha="center", va="bottom", color="tab:orange", fontsize=7)
    rows = [g[1] for g in geo]
    ax.set_xlim(-0.7, len(blocks) - 0.3)
    ax.set_ylim(min(rows) - 0.9, max(rows) + 0.95 + (0.75 if any(k == "add" for *_, k in skips) else 0.0))
    ax.set_aspect("auto")
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=10)
    return fig


__all__.append("show_architecture")
