"""Pictures: image grids, 2-D samples over the decision surface, 1-D densities, loss curves,
and training animations that play in a static web page (``to_jshtml``)."""

from __future__ import annotations

import math

import numpy as np

from . import GanbookError
from .files import atomic_write


def image_grid(images, ncols: int | None = None) -> np.ndarray:
    """Tile (N, H, W, C) images in [-1, 1] into one (rows*H, cols*W[, C]) array in [0, 1]."""
    images = np.asarray(images, dtype=np.float32)
    if images.ndim != 4 or len(images) == 0:
        raise GanbookError(f"images must have shape (N, H, W, C) with N >= 1, got {images.shape}")
    n, h, w, c = images.shape
    ncols = ncols or math.ceil(math.sqrt(n))
    nrows = math.ceil(n / ncols)
    grid = np.ones((nrows * (h + 1) - 1, ncols * (w + 1) - 1, c), np.float32)
    for i, image in enumerate(np.clip((images + 1) / 2, 0, 1)):
        r, col = divmod(i, ncols)
        grid[r * (h + 1) : r * (h + 1) + h, col * (w + 1) : col * (w + 1) + w] = image
    return grid[..., 0] if c == 1 else grid


def show_images(images, ncols: int | None = None, title: str | None = None, ax=None):
    """Draw an image grid on ``ax`` (a new figure if None); return the axes."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(5, 5))
    ax.imshow(image_grid(images, ncols), cmap="gray", vmin=0, vmax=1, interpolation="nearest")
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return ax


def plot_samples_2d(x_fake, x_real=None, ax=None, title=None, lim=None):
    """Scatter generated points (orange) over real ones (blue)."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(5, 5))
    if x_real is not None:
        ax.scatter(*np.asarray(x_real).T, s=2, alpha=0.3, c="tab:blue", label="real")
    ax.scatter(*np.asarray(x_fake).T, s=2, alpha=0.5, c="tab:orange", label="generated")
    if lim is not None:
        ax.set_xlim(-lim, lim)
        ax.set_ylim(-lim, lim)
    ax.set_aspect("equal")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.legend(loc="upper right", markerscale=4)
    if title:
        ax.set_title(title)
    return ax


def plot_decision_surface(
    discriminator, x_real, x_fake, lim: float = 1.5, ax=None, title=None, resolution: int = 120
):
    """The discriminator's probability D(x) = sigmoid(logit) over the plane, with real and
    generated points on top. Bright regions are where D believes data lives."""
    import matplotlib.pyplot as plt
    from scipy.special import expit

    if ax is None:
        _, ax = plt.subplots(figsize=(5.5, 5))
    grid = np.linspace(-lim, lim, resolution, dtype=np.float32)
    xx, yy = np.meshgrid(grid, grid)
    points = np.stack([xx.ravel(), yy.ravel()], 1)
    logits = np.asarray(discriminator(points, training=False)).reshape(xx.shape)
    plt.colorbar(draw_probability_surface(ax, xx, yy, expit(logits)), ax=ax, label="D(x)")
    plot_samples_2d(x_fake, x_real, ax=ax, title=title, lim=lim)
    return ax


def draw_probability_surface(ax, xx, yy, prob):
    """``prob`` (a probability such as D(x), on the mesh ``xx, yy``) as filled contours on a
    fixed 0..1 colour scale, so that frames of an animation are comparable; returns the
    contour set (for a colour bar)."""
    levels = np.linspace(0, 1, 11)
    return ax.contourf(xx, yy, prob, levels=levels, cmap="viridis", vmin=0, vmax=1, alpha=0.8)


def plot_density_1d(samples, mixture=None, ax=None, title=None, bins: int = 60, xlim=None):
    """Histogram of 1-D generator samples against the data density ``mixture.pdf``. With
    ``xlim``, samples outside it are counted in the outermost bins."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    samples = np.asarray(samples).ravel()
    lo, hi = xlim or (np.percentile(samples, 0.5) - 1, np.percentile(samples, 99.5) + 1)
    samples = np.clip(samples, lo, hi)
    ax.hist(
        samples,
        bins=bins,
        range=(lo, hi),
        density=True,
        alpha=0.6,
        color="tab:orange",
        label="$p_g$ (generated)",
    )
    if mixture is not None:
        xs = np.linspace(lo, hi, 400)
        ax.plot(xs, mixture.pdf(xs), color="tab:blue", lw=2, label="$p_{data}$")
    ax.set_xlim(lo, hi)
    ax.set_xlabel("x")
    ax.set_ylabel("density")
    ax.legend()
    if title:
        ax.set_title(title)
    return ax


def plot_losses(history, ax=None, title="Losses during training"):
    """Generator and discriminator losses from a Keras ``History`` (or its ``.history`` dict)."""
    import matplotlib.pyplot as plt

    logs = getattr(history, "history", history)
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    for key in ("d_loss", "g_loss"):
        if key in logs:
            ax.plot(logs[key], label=key)
    ax.set_xlabel("epoch (a fixed number of steps)")
    ax.set_ylabel("loss")
    ax.set_title(title)
    ax.legend()
    return ax


def save_samples(samples, path, title: str | None = None) -> None:
    """Save samples as a PNG: an image grid, a 2-D scatter, or a 1-D histogram."""
    from matplotlib.figure import Figure

    samples = np.asarray(samples)
    fig = Figure(figsize=(5, 5) if samples.ndim != 2 or samples.shape[1] != 1 else (6, 3.5))
    ax = fig.add_subplot()
    if samples.ndim == 4:
        ax.imshow(image_grid(samples), cmap="gray", vmin=0, vmax=1, interpolation="nearest")
        ax.set_axis_off()
    elif samples.ndim == 2 and samples.shape[1] == 2:
        ax.scatter(*samples.T, s=2, alpha=0.5, c="tab:orange")
        ax.set_aspect("equal")
    elif samples.ndim == 2 and samples.shape[1] == 1:
        ax.hist(samples.ravel(), bins=60, density=True, color="tab:orange")
    else:
        raise GanbookError(f"cannot draw samples of shape {samples.shape}")
    if title:
        ax.set_title(title)
    with atomic_write(path) as f:  # a complete PNG or none
        fig.savefig(f, format="png", dpi=100, bbox_inches="tight")


def animate(frames, draw, interval: int = 300):
    """A matplotlib animation calling ``draw(ax, step, samples)`` for each ``(step, samples)``.

    Show it in a notebook with ``IPython.display.HTML(anim.to_jshtml())``: the result plays in a
    static web page, no kernel needed.
    """
    import matplotlib.pyplot as plt
    from matplotlib.animation import FuncAnimation

    if not frames:
        raise GanbookError("animate needs at least one frame")
    fig, ax = plt.subplots(figsize=(5, 5))

    def update(i):
        ax.clear()
        step, samples = frames[i]
        draw(ax, step, samples)

    anim = FuncAnimation(fig, update, frames=len(frames), interval=interval)
    plt.close(fig)
    return anim
