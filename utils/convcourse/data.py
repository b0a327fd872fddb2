"""Images for the notebooks: photographs that ship with matplotlib and
generated test patterns.

Everything here is deterministic, needs no network and returns ``float64``
arrays with values in ``[0, 1]`` in the course's layout: one channel
``(N, M)`` (rows n, columns m), colour ``(3, N, M)`` (channels first).

Photographs (``sample_image``) come from matplotlib's own sample data
(``matplotlib.cbook.get_sample_data``), which is installed with matplotlib,
so they are always available offline. ``available_images()`` lists them.

Generated patterns take ``n``, an ``int`` (square ``n x n`` image) or a pair
``(N, M)``:

- ``zone_plate``: a radial chirp whose local frequency grows to the Nyquist
  frequency at the border; the standard image for showing aliasing.
- ``checkerboard``, ``disk``, ``step_edge``, ``lines_image``: simple shapes
  with known edges and orientations.
- ``test_pattern``: the four above in one image.

Only numpy is imported at module load; matplotlib is imported when a
photograph is first loaded.
"""
from __future__ import annotations

import functools
import gzip

import numpy as np

__all__ = [
    "available_images",
    "sample_image",
    "resize",
    "to_gray",
    "zone_plate",
    "checkerboard",
    "disk",
    "step_edge",
    "lines_image",
    "test_pattern",
]

# name -> (file in matplotlib's sample_data, description)
_SAMPLES = {
    "grace_hopper": ("grace_hopper.jpg",
                     "portrait of Rear Admiral Grace Hopper, colour photograph, 600 x 512"),
    "present": ("Minduka_Present_Blue_Pack.png",
                "a blue gift box with a silver ribbon on white, colour, 128 x 128"),
    "logo": ("logo2.png",
             "the matplotlib logo: text and thin curves on white, colour, 130 x 542"),
    "mri": ("s1045.ima.gz",
            "sagittal MRI slice of a human head, grayscale, 256 x 256"),
    "terrain": ("jacksboro_fault_dem.npz",
                "digital elevation map (Jacksboro fault), grayscale = height, 344 x 403"),
}

# ITU-R BT.601 luma weights, the usual RGB -> gray conversion
_LUMA = np.array([0.299, 0.587, 0.114])


def available_images() -> dict[str, str]:
    """Names accepted by :func:`sample_image`, with a short description.

    Returns
    -------
    dict
        ``{name: description}``; the description gives the native size
        (rows x columns) before any resizing.
    """
    return {name: desc for name, (_, desc) in _SAMPLES.items()}


def _as_shape(n) -> tuple[int, int]:
    """``int`` or ``(N, M)`` -> ``(N, M)`` of positive ints."""
    if np.ndim(n) == 0:
        shape = (int(n), int(n))
    else:
        if len(n) != 2:
            raise ValueError(f"size must be an int or a pair (N, M), got {n!r}")
        shape = (int(n[0]), int(n[1]))
    if shape[0] < 1 or shape[1] < 1:
        raise ValueError(f"image size must be positive, got {shape}")
    return shape


@functools.lru_cache(maxsize=None)
def _load_raw(name: str) -> np.ndarray:
    """Native-resolution image, float64 in [0, 1]: (N, M) or (3, N, M). Cached; read-only."""
    from matplotlib import cbook

    fname = _SAMPLES[name][0]
    path = cbook.get_sample_data(fname, asfileobj=False)
    if fname.endswith(".ima.gz"):
        with gzip.open(path, "rb") as f:
            img = np.frombuffer(f.read(), dtype=np.uint16).reshape(256, 256).astype(np.float64)
        img = img / img.max()
    elif fname.endswith(".npz"):
        with np.load(path) as d:
            img = d["elevation"].astype(np.float64)
        img = (img - img.min()) / (img.max() - img.min())
    else:
        from matplotlib import image as mpimg

        img = mpimg.imread(path)
        if img.dtype == np.uint8:
            img = img.astype(np.float64) / 255.0
        else:
            img = img.astype(np.float64)
        if img.ndim == 3 and img.shape[2] == 4:  # composite RGBA over white
            alpha = img[..., 3:4]
            img = img[..., :3] * alpha + (1.0 - alpha)
        if img.ndim == 3:
            img = np.moveaxis(img, -1, 0)  # (N, M, 3) -> (3, N, M)
    img = np.clip(img, 0.0, 1.0)
    img.setflags(write=False)
    return img


def to_gray(img: np.ndarray) -> np.ndarray:
    """Colour to gray with the BT.601 luma weights (0.299 R + 0.587 G + 0.114 B).

    Parameters
    ----------
    img : array ``(3, N, M)`` (channels first) or ``(N, M)`` (returned as float64 copy).

    Returns
    -------
    ndarray ``(N, M)``, float64.
    """
    img = np.asarray(img, dtype=np.float64)
    if img.ndim == 2:
        return img.copy()
    if img.ndim == 3 and img.shape[0] == 3:
        return np.tensordot(_LUMA, img, axes=(0, 0))
    raise ValueError(f"expected (N, M) or (3, N, M), got shape {img.shape}")


def _area_matrix(n_in: int, n_out: int) -> np.ndarray:
    """``(n_out, n_in)`` resampling matrix: an antialiased triangle (linear) filter.

    Downsampling widens the triangle to the output's pixel spacing (as image libraries' antialiased bilinear
    resize does), so little aliases; upsampling interpolates linearly. Rows sum to 1, so the value range is kept.
    """
    scale = max(n_in / n_out, 1.0)
    centres = (np.arange(n_out) + 0.5) * (n_in / n_out) - 0.5
    a = np.clip(1.0 - np.abs(np.arange(n_in)[None, :] - centres[:, None]) / scale, 0.0, None)
    empty = a.sum(axis=1) == 0
    if empty.any():
        a[empty, np.clip(np.round(centres[empty]).astype(int), 0, n_in - 1)] = 1.0
    return a / a.sum(axis=1, keepdims=True)


def resize(img: np.ndarray, size) -> np.ndarray:
    """Centre-crop to the target aspect ratio, then resample with an antialiased linear filter.

    Each output pixel is a weighted mean of the input pixels near it, with a
    triangle as wide as the output's pixel spacing, so downsampling does not
    alias much and the value range is preserved. Upsampling interpolates
    linearly.

    Parameters
    ----------
    img : array ``(N, M)`` or ``(C, N, M)`` (channels first).
    size : int or ``(N_out, M_out)``.

    Returns
    -------
    ndarray ``(N_out, M_out)`` or ``(C, N_out, M_out)``, float64.
    """
    img = np.asarray(img, dtype=np.float64)
    n_out, m_out = _as_shape(size)
    n_in, m_in = img.shape[-2:]
    # centre crop to the aspect ratio of the target
    if n_in * m_out > m_in * n_out:  # too tall
        n_keep = max(1, round(m_in * n_out / m_out))
        top = (n_in - n_keep) // 2
        img = img[..., top:top + n_keep, :]
    elif n_in * m_out < m_in * n_out:  # too wide
        m_keep = max(1, round(n_in * m_out / n_out))
        left = (m_in - m_keep) // 2
        img = img[..., :, left:left + m_keep]
    rows = _area_matrix(img.shape[-2], n_out)
    cols = _area_matrix(img.shape[-1], m_out)
    return np.matmul(np.matmul(rows, img), cols.T)


def sample_image(name: str = "grace_hopper", size=None, gray: bool = True) -> np.ndarray:
    """A photograph from matplotlib's sample data, float64 in ``[0, 1]``.

    Parameters
    ----------
    name : str
        One of ``available_images()``: ``"grace_hopper"`` (default),
        ``"present"``, ``"logo"``, ``"mri"``, ``"terrain"``.
    size : None, int or ``(N, M)``
        None keeps the native size; otherwise the image is centre-cropped to
        the aspect ratio of ``size`` and resampled (antialiased) to exactly that shape
        (see :func:`resize`). ``size=128`` gives ``(128, 128)``.
    gray : bool
        True (default) gives one channel ``(N, M)`` (BT.601 luma); False gives
        ``(3, N, M)``, channels first (gray sources repeat their channel 3 times).

    Returns
    -------
    ndarray ``(N, M)`` if gray else ``(3, N, M)``, float64, values in ``[0, 1]``;
    a fresh writable array on every call.

    Examples
    --------
    >>> sample_image(size=64).shape
    (64, 64)
    >>> sample_image("present", size=(32, 48), gray=False).shape
    (3, 32, 48)
    """
    if name not in _SAMPLES:
        raise ValueError(f"unknown image {name!r}; available: {', '.join(_SAMPLES)}")
    img = _load_raw(name)
    if gray:
        img = to_gray(img) if img.ndim == 3 else img
    elif img.ndim == 2:
        img = np.stack([img, img, img])
    if size is not None:
        img = resize(img, size)
    return np.clip(np.array(img, dtype=np.float64), 0.0, 1.0)


# ---------------------------------------------------------------- patterns

def _grid(n):
    """Row and column coordinates relative to the image centre, each ``(N, M)``."""
    nn, mm = _as_shape(n)
    r = np.arange(nn, dtype=np.float64) - (nn - 1) / 2.0
    c = np.arange(mm, dtype=np.float64) - (mm - 1) / 2.0
    return np.meshgrid(r, c, indexing="ij")


def zone_plate(n=128, max_freq: float = 0.5) -> np.ndarray:
    """A zone plate: ``0.5 + 0.5 cos(pi r^2 * 2 max_freq / n)``.

    A radial chirp: the local frequency grows linearly with the distance r
    from the centre, reaching ``max_freq`` cycles/pixel at the middle of the
    border (the Nyquist frequency 0.5 by default; the corners go beyond it).
    Subsampling by s aliases every ring whose local frequency exceeds
    ``0.5 / s``, which appears as spurious ring patterns (Moire).

    Parameters
    ----------
    n : int or ``(N, M)``; the border distance is measured on ``min(N, M)``.
    max_freq : local frequency (cycles/pixel) at distance ``min(N, M)/2``.

    Returns
    -------
    ndarray ``(N, M)``, float64 in ``[0, 1]``; the centre value is (close to) 1.
    """
    rr, cc = _grid(n)
    half = min(rr.shape) / 2.0
    # phase a r^2 has local frequency a r / pi; a = pi * max_freq / half
    phase = np.pi * max_freq / half * (rr ** 2 + cc ** 2)
    return 0.5 + 0.5 * np.cos(phase)


def checkerboard(n=64, square: int = 8) -> np.ndarray:
    """Checkerboard of ``square x square`` pixel squares, starting with 0 at the top left.

    Parameters
    ----------
    n : int or ``(N, M)``.
    square : side of each square in pixels (>= 1).

    Returns
    -------
    ndarray ``(N, M)``, float64 with values 0 and 1.
    """
    nn, mm = _as_shape(n)
    square = int(square)
    if square < 1:
        raise ValueError("square must be >= 1")
    r = np.arange(nn)[:, None] // square
    c = np.arange(mm)[None, :] // square
    return ((r + c) % 2).astype(np.float64)


def disk(n=64, radius=None) -> np.ndarray:
    """A centred white disk on black.

    Parameters
    ----------
    n : int or ``(N, M)``; the centre is ``((N-1)/2, (M-1)/2)``.
    radius : radius in pixels; default ``min(N, M) / 4``.

    Returns
    -------
    ndarray ``(N, M)``, float64, 1 where the distance to the centre is
    ``<= radius``, 0 elsewhere.
    """
    rr, cc = _grid(n)
    if radius is None:
        radius = min(rr.shape) / 4.0
    return (rr ** 2 + cc ** 2 <= float(radius) ** 2).astype(np.float64)


def step_edge(n=64, angle_deg: float = 0.0, position: float = 0.0) -> np.ndarray:
    """A straight step edge: 0 on one side, 1 on the other, 1-pixel linear ramp.

    The edge normal points in the direction ``angle_deg``, measured
    counter-clockwise on screen from the +m axis (to the right): 0 gives a
    vertical edge, dark left and bright right; 90 a horizontal edge, dark
    below and bright above; 45 a diagonal edge, bright towards the top right.

    Parameters
    ----------
    n : int or ``(N, M)``.
    angle_deg : direction of increasing intensity, degrees.
    position : signed offset of the edge from the image centre along the
        normal, in pixels.

    Returns
    -------
    ndarray ``(N, M)``, float64 in ``[0, 1]``: ``clip(d + 0.5, 0, 1)`` with d
    the signed distance to the edge (so axis-aligned edges at an integer
    offset from the centre of an even-sized image are exactly binary).
    """
    rr, cc = _grid(n)
    t = np.deg2rad(angle_deg)
    # exact 0 and +-1 for multiples of 90 degrees, so axis-aligned edges are exactly binary
    cos_t, sin_t = (0.0 if abs(v) < 1e-12 else float(v) for v in (np.cos(t), np.sin(t)))
    # screen "up" is decreasing row index n
    d = cc * cos_t - rr * sin_t - float(position)
    return np.clip(d + 0.5, 0.0, 1.0)


def lines_image(n=64, orientation: str = "horizontal", spacing: int = 8, width: int = 1,
                offset: int = 0) -> np.ndarray:
    """Parallel one-valued lines on a zero background.

    Parameters
    ----------
    n : int or ``(N, M)``.
    orientation : ``"horizontal"`` (rows of ones: all columns identical),
        ``"vertical"`` (columns of ones: all rows identical), ``"diagonal"``
        (top left to bottom right) or ``"antidiagonal"``; ``"h"``/``"v"``
        are accepted.
    spacing : period of the lines in pixels (>= 1).
    width : thickness of each line in pixels (``1 <= width <= spacing``).
    offset : shift of the first line in pixels.

    Returns
    -------
    ndarray ``(N, M)``, float64 with values 0 and 1.
    """
    nn, mm = _as_shape(n)
    spacing, width, offset = int(spacing), int(width), int(offset)
    if spacing < 1 or not 1 <= width <= spacing:
        raise ValueError("need spacing >= 1 and 1 <= width <= spacing")
    r = np.arange(nn)[:, None]
    c = np.arange(mm)[None, :]
    key = orientation.lower()
    if key in ("horizontal", "h"):
        coord = r + 0 * c
    elif key in ("vertical", "v"):
        coord = c + 0 * r
    elif key in ("diagonal", "d"):
        coord = c - r
    elif key in ("antidiagonal", "a"):
        coord = c + r
    else:
        raise ValueError(f"unknown orientation {orientation!r}")
    return (((coord - offset) % spacing) < width).astype(np.float64)


def test_pattern(n=64) -> np.ndarray:
    """Four patterns in the four quadrants of one image.

    Top left: checkerboard; top right: zone plate; bottom left: disk;
    bottom right: diagonal step edge over thin vertical lines (at half
    intensity). Useful as a default input: it has flat regions, edges of
    every orientation, corners and frequencies up to Nyquist.

    Parameters
    ----------
    n : int or ``(N, M)`` (at least 2 in each axis).

    Returns
    -------
    ndarray ``(N, M)``, float64 in ``[0, 1]``.
    """
    nn, mm = _as_shape(n)
    if nn < 2 or mm < 2:
        raise ValueError("test_pattern needs at least 2 x 2 pixels")
    h, w = nn // 2, mm // 2
    h2, w2 = nn - h, mm - w
    out = np.empty((nn, mm), dtype=np.float64)
    out[:h, :w] = checkerboard((h, w), square=max(1, min(h, w) // 4))
    out[:h, w:] = zone_plate((h, w2))
    out[h:, :w] = disk((h2, w), radius=min(h2, w) / 3.0)
    edge = step_edge((h2, w2), angle_deg=45.0)
    lines = lines_image((h2, w2), "vertical", spacing=max(2, min(h2, w2) // 8))
    out[h:, w:] = np.clip(0.75 * edge + 0.25 * lines, 0.0, 1.0)
    return out


# ``test_pattern`` is not a test: keep pytest from collecting it when a test
# module imports it by name.
test_pattern.__test__ = False
