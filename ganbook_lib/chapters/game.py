"""The adversarial game made visible (chapters 1 and 2).

A GAN's two players change together, so a picture of one without the other misleads. This
module records both at once and draws them:

- :class:`GameSnapshots` is a Keras callback that keeps, every few epochs, the generator's samples
  ``x_fake = G(z)`` for a fixed ``z`` *and* the discriminator's probability ``D(x)`` on a fixed
  grid of points ``x``.
- :func:`draw_game_1d` and :func:`draw_game_2d` draw one snapshot: the data density ``p_data``,
  the samples of ``p_g`` and the curve (1-D) or surface (2-D) of ``D(x)``.
- :func:`sample_pull` is what the generator actually receives from the discriminator: for each
  fake sample, the direction in data space in which its loss decreases fastest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import tensorflow as tf
from scipy.special import expit

from .. import GanbookError
from ..callbacks import Snapshots
from ..checks import positive_int, positive_number
from ..plotting import draw_probability_surface, plot_density_1d, plot_samples_2d


@dataclass(frozen=True)
class GameSnapshot:
    """Both players at one moment of training.

    Attributes:
        step: generator updates made so far.
        x_fake: generator samples ``G(z)`` for a fixed ``z``, shape (n, d).
        grid: the points ``x`` where the discriminator was evaluated, shape (m, d).
        d_prob: the discriminator's probability ``D(x) = sigmoid(logit)`` at ``grid``, shape (m,).
    """

    step: int
    x_fake: np.ndarray
    grid: np.ndarray
    d_prob: np.ndarray


def grid_1d(lo: float, hi: float, n: int = 200) -> np.ndarray:
    """``n`` evenly spaced points from ``lo`` to ``hi`` as float32 of shape (n, 1)."""
    n = positive_int("n", n)
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise GanbookError(f"need finite lo < hi, got lo={lo!r}, hi={hi!r}")
    return np.linspace(lo, hi, n, dtype=np.float32)[:, None]


def grid_2d(lim: float = 1.5, resolution: int = 60) -> np.ndarray:
    """A ``resolution`` x ``resolution`` grid over the square ``[-lim, lim]^2``, shape (r*r, 2).

    Points run along ``x_1`` first, so ``grid.reshape(r, r, 2)[i, j]`` is row ``i`` (``x_2``) and
    column ``j`` (``x_1``), the layout ``contourf`` expects.
    """
    lim = positive_number("lim", lim)
    resolution = positive_int("resolution", resolution)
    if resolution < 2:
        raise GanbookError(f"resolution must be at least 2, got {resolution}")
    axis = np.linspace(-lim, lim, resolution, dtype=np.float32)
    xx, yy = np.meshgrid(axis, axis)
    return np.stack([xx.ravel(), yy.ravel()], 1)


def discriminator_probability(discriminator, x, batch_size: int = 4096) -> np.ndarray:
    """``D(x) = sigmoid(discriminator(x))`` for points ``x`` of shape (m, d), as (m,) float64.

    The discriminator returns logits; the probability is computed stably from them.
    """
    x = np.asarray(x, dtype=np.float32)
    if x.ndim != 2 or len(x) == 0:
        raise GanbookError(f"x must be a non-empty array of shape (m, d), got shape {x.shape}")
    logits = np.concatenate(
        [
            np.asarray(discriminator(x[i : i + batch_size], training=False)).reshape(-1)
            for i in range(0, len(x), batch_size)
        ]
    ).astype(np.float64)
    return expit(logits)


class GameSnapshots(Snapshots):
    """Record both players of a :class:`~ganbook_lib.training.GAN` during ``fit()``.

    At the start of training and after every ``every`` epochs, appends ``(step, snapshot)`` to
    ``frames``, where ``snapshot`` is a :class:`GameSnapshot` with ``n`` samples ``G(z)`` (the same
    ``z`` each time, fixed by ``seed``) and ``D(x)`` on ``grid``. ``frames`` has the layout that
    :func:`ganbook_lib.plotting.animate` and :func:`ganbook_lib.widgets.snapshot_slider` take.
    """

    def __init__(self, grid, n: int = 1000, every: int = 1, seed: int = 0):
        super().__init__(every)
        grid = np.asarray(grid, dtype=np.float32)
        if grid.ndim != 2 or len(grid) == 0:
            raise GanbookError(f"grid must have shape (m, d) with m >= 1, got shape {grid.shape}")
        self.grid = grid
        self.n = positive_int("n", n)
        self.seed = seed

    def snap(self) -> GameSnapshot:
        """Record the players now (also callable by hand); return the new snapshot."""
        gan = self.model
        if self.grid.shape[1] != gan.generator.outputs[0].shape[-1]:
            raise GanbookError(
                f"grid has dimension {self.grid.shape[1]} but the generator makes samples of "
                f"dimension {gan.generator.outputs[0].shape[-1]}"
            )
        snapshot = GameSnapshot(
            step=gan.step,
            x_fake=gan.generate(self.n, seed=self.seed),
            grid=self.grid,
            d_prob=discriminator_probability(gan.discriminator, self.grid),
        )
        self.frames.append((snapshot.step, snapshot))
        return snapshot


def draw_game_1d(ax, step: int, snapshot: GameSnapshot, mixture=None, bins: int = 60):
    """One 1-D snapshot on ``ax``: a histogram of ``x_fake`` (``p_g``), the density ``p_data``
    of ``mixture`` (if given) and the curve ``D(x)``, all on one vertical axis.

    The call signature fits :func:`~ganbook_lib.plotting.animate` after fixing ``mixture``
    (e.g. with ``functools.partial``). Returns ``ax``.
    """
    grid = snapshot.grid[:, 0]
    lo, hi = float(grid.min()), float(grid.max())
    plot_density_1d(snapshot.x_fake, mixture, ax=ax, bins=bins, xlim=(lo, hi))
    ax.plot(grid, snapshot.d_prob, color="black", ls="--", lw=1.5, label="$D(x)$")
    ax.axhline(0.5, color="gray", lw=0.5)
    ax.set_ylim(0, 1.05)
    ax.set_xlabel("$x$")
    ax.set_ylabel("density, or probability $D(x)$")
    ax.set_title(f"generator step {step}")
    ax.legend(loc="upper right", fontsize="small")
    return ax


def draw_game_2d(ax, step: int, snapshot: GameSnapshot, x_real=None, n_show: int = 500):
    """One 2-D snapshot on ``ax``: ``D(x)`` as a filled contour over the grid (fixed colour scale
    0..1, no colour bar so it can be redrawn in an animation), real points (blue, if given) and
    the first ``n_show`` generator samples (orange). Returns ``ax``.
    """
    grid = snapshot.grid
    side = int(round(np.sqrt(len(grid))))
    if side * side != len(grid) or grid.shape[1] != 2:
        raise GanbookError("draw_game_2d needs a square 2-D grid, such as grid_2d() returns")
    xx = grid[:, 0].reshape(side, side)
    yy = grid[:, 1].reshape(side, side)
    draw_probability_surface(ax, xx, yy, snapshot.d_prob.reshape(side, side))
    x_real = None if x_real is None else np.asarray(x_real)[:n_show]
    plot_samples_2d(snapshot.x_fake[:n_show], x_real, ax=ax, lim=float(np.abs(grid).max()))
    ax.set_title(f"generator step {step}: colour = $D(x)$")
    return ax


def sample_pull(discriminator, x_fake, generator_loss: Callable) -> np.ndarray:
    """What the generator receives: ``-n * dL_G / dx_fake``, one vector per fake sample.

    ``generator_loss`` maps the logits ``d_fake = D(x_fake)`` to a scalar mean over the batch of
    ``n`` samples (e.g. :func:`ganbook_lib.losses.nonsaturating_generator_loss`). By the chain
    rule the generator's weight gradient is ``sum_i (dL_G/dx_i) (dx_i/dtheta)``: these vectors
    are all the generator ever learns about the data. For the non-saturating loss
    ``L_G = -E[log D(x_fake)]`` the pull on sample ``x`` is ``(1 - D(x)) grad_x logit(x)``.
    Returns float32 of shape (n, d).
    """
    x = tf.convert_to_tensor(np.asarray(x_fake, dtype=np.float32))
    if x.shape.rank != 2 or x.shape[0] == 0:
        raise GanbookError(f"x_fake must be a non-empty array of shape (n, d), got {x.shape}")
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = generator_loss(discriminator(x, training=False))
    grad = tape.gradient(loss, x)
    if grad is None:
        raise GanbookError("generator_loss does not depend on the discriminator's logits")
    return (-float(x.shape[0]) * grad).numpy()


__all__ = [
    "GameSnapshot",
    "GameSnapshots",
    "discriminator_probability",
    "draw_game_1d",
    "draw_game_2d",
    "grid_1d",
    "grid_2d",
    "sample_pull",
]
