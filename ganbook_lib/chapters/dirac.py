"""The Dirac GAN (Mescheder et al., 2018): the smallest GAN, and why GAN training is a game.

The data are a single point, ``p_data = delta_0`` (every real sample is ``x = 0``). The generator
has one parameter and ignores ``z``: ``G_theta(z) = theta``, so ``p_g = delta_theta``. The
discriminator has one parameter and returns a logit: ``D_psi(x) = psi * x``. The only
equilibrium is ``(theta, psi) = (0, 0)``: the generator sits on the data, and the discriminator
outputs ``sigmoid(0) = 1/2`` everywhere it is evaluated.

With the book's losses (chapter 4; ``d_real = D(0) = 0``, ``d_fake = D(theta) = psi * theta``)::

    L_D(theta, psi) = softplus(-0) + softplus(psi * theta)           (= -V, binary cross-entropy)
    L_G(theta, psi) = -softplus(psi * theta)                          (minimax)
                    =  softplus(-psi * theta)                         (non-saturating)
                    = -psi * theta,  L_D = psi * theta                (Wasserstein)

and the penalties ``gamma / 2 * R1 = gamma / 2 * psi^2`` (the gradient of ``D`` w.r.t. ``x`` is
``psi`` everywhere) and ``lambda * GP = lambda * (|psi| - 1)^2``. Each player takes gradient-descent
steps of size ``lr`` on its own loss, either *simultaneously* (both from the same point) or
*alternating* (``d_steps`` discriminator steps, then one generator step that sees the new ``psi``;
this is the order of :meth:`ganbook_lib.training.GAN.train_step`).

The NumPy functions here are exact and fast; :func:`dirac_models` builds the same two players as
Keras models so that the library's ``GAN.fit`` can be checked against them (chapter 9).
"""

from __future__ import annotations

import math

import keras
import numpy as np
from scipy.special import expit

from .. import GanbookError
from ..checks import finite_number, non_negative_number, positive_number

DIRAC_LOSSES = ("minimax", "nonsaturating", "wasserstein")
UPDATE_MODES = ("simultaneous", "alternating")


def _count(name: str, value, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        raise GanbookError(f"{name} must be an integer >= {low}, got {value!r}")
    return int(value)


def _choice(name: str, value, accepted: tuple[str, ...]) -> str:
    if value not in accepted:
        raise GanbookError(f"{name} must be one of {', '.join(accepted)}; got {value!r}")
    return value


# ----------------------------------------------------------------------------- the game
def dirac_value(theta, psi):
    """The minimax value function of the Dirac GAN (Goodfellow et al., 2014):

    ``V(theta, psi) = E_x[log D(x)] + E_z[log(1 - D(G(z)))] = log(1/2) - softplus(psi * theta)``

    The discriminator maximises ``V``, the generator minimises it (a zero-sum game). At the
    equilibrium ``V(0, 0) = -log 4``. Works elementwise on arrays.
    """
    theta = np.asarray(theta, dtype=np.float64)
    psi = np.asarray(psi, dtype=np.float64)
    return -math.log(2.0) - np.logaddexp(0.0, psi * theta)  # softplus


def dirac_gradients(
    theta: float,
    psi: float,
    loss: str = "minimax",
    r1_weight: float = 0.0,
    gp_weight: float = 0.0,
) -> tuple[float, float]:
    """``(dL_G/dtheta, dL_D/dpsi)``: each player's gradient of its own loss.

    With ``u = psi * theta``:

    - ``minimax``:        ``dL_G/dtheta = -psi * sigmoid(u)``,  ``dL_D/dpsi = theta * sigmoid(u)``
    - ``nonsaturating``:  ``dL_G/dtheta = -psi * sigmoid(-u)``, ``dL_D/dpsi = theta * sigmoid(u)``
    - ``wasserstein``:    ``dL_G/dtheta = -psi``,               ``dL_D/dpsi = theta``

    plus ``r1_weight * psi`` (from ``gamma / 2 * psi^2``) and
    ``2 * gp_weight * (|psi| - 1) * sign(psi)`` (from ``lambda * (|psi| - 1)^2``) in ``dL_D/dpsi``.
    """
    theta, psi = finite_number("theta", theta), finite_number("psi", psi)
    loss = _choice("loss", loss, DIRAC_LOSSES)
    r1_weight = non_negative_number("r1_weight", r1_weight)
    gp_weight = non_negative_number("gp_weight", gp_weight)
    return _gradients(theta, psi, loss, r1_weight, gp_weight)


def _gradients(theta, psi, loss, r1_weight, gp_weight):
    u = psi * theta
    if loss == "wasserstein":
        g_theta, g_psi = -psi, theta
    else:
        g_psi = theta * float(expit(u))
        g_theta = -psi * float(expit(u if loss == "minimax" else -u))
    g_psi += r1_weight * psi + 2.0 * gp_weight * (abs(psi) - 1.0) * float(np.sign(psi))
    return g_theta, g_psi


def dirac_trajectory(
    theta0: float,
    psi0: float,
    steps: int,
    lr: float,
    mode: str = "simultaneous",
    loss: str = "minimax",
    r1_weight: float = 0.0,
    gp_weight: float = 0.0,
    d_steps: int = 1,
) -> np.ndarray:
    """Gradient-descent training of the Dirac GAN from ``(theta0, psi0)``.

    One step (``h = lr``):

    - ``simultaneous``: ``theta <- theta - h dL_G/dtheta`` and ``psi <- psi - h dL_D/dpsi``, both
      gradients taken at the same point;
    - ``alternating``: ``d_steps`` updates ``psi <- psi - h dL_D/dpsi``, then
      ``theta <- theta - h dL_G/dtheta`` at the new ``psi`` (the order of ``GAN.train_step``).

    Returns an array of shape ``(steps + 1, 2)``: row ``t`` is ``(theta, psi)`` after ``t`` steps.
    """
    theta, psi = finite_number("theta0", theta0), finite_number("psi0", psi0)
    steps = _count("steps", steps, 1)
    h = positive_number("lr", lr)
    mode = _choice("mode", mode, UPDATE_MODES)
    loss = _choice("loss", loss, DIRAC_LOSSES)
    r1 = non_negative_number("r1_weight", r1_weight)
    gp = non_negative_number("gp_weight", gp_weight)
    d_steps = _count("d_steps", d_steps, 1)
    if mode == "simultaneous" and d_steps != 1:
        raise GanbookError(
            f"d_steps must be 1 for simultaneous updates, got {d_steps!r}; "
            "use mode='alternating' for several discriminator steps per generator step"
        )
    path = np.empty((steps + 1, 2))
    path[0] = theta, psi
    for t in range(1, steps + 1):
        if mode == "simultaneous":
            g_theta, g_psi = _gradients(theta, psi, loss, r1, gp)
            theta, psi = theta - h * g_theta, psi - h * g_psi
        else:
            for _ in range(d_steps):
                psi -= h * _gradients(theta, psi, loss, r1, gp)[1]
            theta -= h * _gradients(theta, psi, loss, r1, gp)[0]
        path[t] = theta, psi
    return path


def distance_to_equilibrium(path) -> np.ndarray:
    """Euclidean distance ``sqrt(theta^2 + psi^2)`` of each row of a trajectory to ``(0, 0)``."""
    path = np.asarray(path, dtype=np.float64)
    if path.ndim != 2 or path.shape[1] != 2:
        raise GanbookError(f"path must have shape (n, 2) of (theta, psi) rows, got {path.shape}")
    return np.hypot(path[:, 0], path[:, 1])


# ----------------------------------------------------------------------------- linear analysis
def dirac_jacobian(
    lr: float | None = None,
    mode: str = "simultaneous",
    loss: str = "minimax",
    r1_weight: float = 0.0,
    d_steps: int = 1,
) -> np.ndarray:
    """The Jacobian at the equilibrium ``(0, 0)``, in the order ``(theta, psi)``.

    With ``a = f'(0)`` (``1/2`` for the minimax and non-saturating losses, ``1`` for Wasserstein)
    and ``gamma = r1_weight``, the gradient-descent vector field ``v = (-dL_G/dtheta, -dL_D/dpsi)``
    has Jacobian ``J = [[0, a], [-a, -gamma]]``, eigenvalues ``(-gamma +- sqrt(gamma^2 - 4a^2))/2``.

    - ``lr=None``: return ``J`` (continuous-time gradient flow);
    - ``simultaneous``: the update's Jacobian ``I + h J``;
    - ``alternating``: ``G @ D^d_steps`` with ``D = [[1, 0], [-h a, 1 - h gamma]]`` (a
      discriminator step) and ``G = [[1, h a], [0, 1]]`` (a generator step).

    An update converges locally if and only if all its eigenvalues have modulus < 1 (see
    :func:`spectral_radius`). The WGAN-GP penalty is not differentiable at ``psi = 0``, so it
    has no Jacobian here.
    """
    mode = _choice("mode", mode, UPDATE_MODES)
    loss = _choice("loss", loss, DIRAC_LOSSES)
    gamma = non_negative_number("r1_weight", r1_weight)
    d_steps = _count("d_steps", d_steps, 1)
    a = 1.0 if loss == "wasserstein" else 0.5
    flow = np.array([[0.0, a], [-a, -gamma]])
    if lr is None:
        return flow
    h = positive_number("lr", lr)
    if mode == "simultaneous":
        if d_steps != 1:
            raise GanbookError(f"d_steps must be 1 for simultaneous updates, got {d_steps!r}")
        return np.eye(2) + h * flow
    d_step = np.array([[1.0, 0.0], [-h * a, 1.0 - h * gamma]])
    g_step = np.array([[1.0, h * a], [0.0, 1.0]])
    return g_step @ np.linalg.matrix_power(d_step, d_steps)


def spectral_radius(matrix) -> float:
    """``max |lambda|`` over the eigenvalues of a square matrix.

    For the Jacobian of an update at a fixed point: < 1 means nearby trajectories converge to it
    geometrically, > 1 means they move away, = 1 means they neither converge nor escape.
    """
    matrix = np.asarray(matrix, dtype=np.float64)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise GanbookError(f"matrix must be square, got shape {matrix.shape}")
    return float(np.abs(np.linalg.eigvals(matrix)).max())


# ----------------------------------------------------------------------------- Keras players
class DiracGeneratorLayer(keras.layers.Layer):
    """``G_theta(z) = theta`` for every ``z``: one trainable scalar, output shape ``(batch, 1)``."""

    def __init__(self, theta0: float = 1.0, **kwargs):
        super().__init__(**kwargs)
        self.theta0 = float(theta0)

    def build(self, input_shape):
        self.theta = self.add_weight(
            shape=(), initializer=keras.initializers.Constant(self.theta0), name="theta"
        )

    def call(self, z):
        return keras.ops.zeros_like(z[:, :1]) + self.theta

    def get_config(self):
        return {**super().get_config(), "theta0": self.theta0}


def dirac_models(theta0: float = 1.0, psi0: float = 1.0) -> tuple[keras.Model, keras.Model]:
    """``(generator, discriminator)`` of the Dirac GAN as Keras models for ``GAN``.

    The generator takes a 1-D ``z`` and returns ``theta``; the discriminator is a bias-free
    ``Dense(1)`` returning the logit ``psi * x``. Train on a dataset of zeros (``p_data =
    delta_0``) with ``keras.optimizers.SGD(lr)`` to reproduce :func:`dirac_trajectory` with
    ``mode='alternating'``.
    """
    theta0, psi0 = finite_number("theta0", theta0), finite_number("psi0", psi0)
    z = keras.Input((1,), name="z")
    generator = keras.Model(z, DiracGeneratorLayer(theta0, name="theta")(z), name="dirac_generator")
    x = keras.Input((1,), name="x")
    dense = keras.layers.Dense(
        1, use_bias=False, kernel_initializer=keras.initializers.Constant(psi0), name="psi"
    )
    discriminator = keras.Model(x, dense(x), name="dirac_discriminator")
    return generator, discriminator


def dirac_parameters(generator: keras.Model, discriminator: keras.Model) -> tuple[float, float]:
    """The current ``(theta, psi)`` of models built by :func:`dirac_models`."""
    theta = float(np.asarray(generator.get_layer("theta").theta))
    psi = float(np.asarray(discriminator.get_layer("psi").kernel).ravel()[0])
    return theta, psi


class ParameterTrace(keras.callbacks.Callback):
    """Record ``(theta, psi)`` of a Dirac ``GAN`` before training and after every step.

    ``trajectory`` is then an array of shape ``(steps + 1, 2)``, like :func:`dirac_trajectory`.
    """

    def __init__(self):
        super().__init__()
        self.rows: list[tuple[float, float]] = []

    def on_train_begin(self, logs=None):
        if not self.rows:
            self.rows.append(dirac_parameters(self.model.generator, self.model.discriminator))

    def on_train_batch_end(self, batch, logs=None):
        self.rows.append(dirac_parameters(self.model.generator, self.model.discriminator))

    @property
    def trajectory(self) -> np.ndarray:
        return np.array(self.rows)


# ----------------------------------------------------------------------------- picture
def plot_dirac_game(
    path=None,
    ax=None,
    title: str | None = None,
    lim: float = 2.5,
    loss: str = "minimax",
    r1_weight: float = 0.0,
):
    """Draw the Dirac GAN in the ``(theta, psi)`` plane and return the axes.

    Grey contours: the value function ``V(theta, psi)`` (:func:`dirac_value`). Arrows: the
    gradient-descent direction of both players, ``(-dL_G/dtheta, -dL_D/dpsi)``, for ``loss`` and
    ``r1_weight``. Black star: the equilibrium ``(0, 0)``. If ``path`` (an ``(n, 2)`` trajectory)
    is given: the path in blue, its start as a green dot and its end as a red square.
    """
    import matplotlib.pyplot as plt

    loss = _choice("loss", loss, DIRAC_LOSSES)
    r1_weight = non_negative_number("r1_weight", r1_weight)
    lim = positive_number("lim", lim)
    if ax is None:
        _, ax = plt.subplots(figsize=(4, 4))
    grid = np.linspace(-lim, lim, 81)
    tt, pp = np.meshgrid(grid, grid)
    ax.contour(tt, pp, dirac_value(tt, pp), levels=12, colors="0.8", linewidths=0.7)
    coarse = np.linspace(-lim, lim, 11)
    ct, cp = np.meshgrid(coarse, coarse)
    field = np.array(
        [[_gradients(t, p, loss, r1_weight, 0.0) for t, p in zip(rt, rp)] for rt, rp in zip(ct, cp)]
    )
    ax.quiver(ct, cp, -field[..., 0], -field[..., 1], color="0.55", width=0.004)
    if path is not None:
        path = np.asarray(path, dtype=np.float64)
        distance_to_equilibrium(path)  # validates the shape
        ax.plot(path[:, 0], path[:, 1], color="tab:blue", lw=1.0)
        ax.plot(*path[0], "o", color="tab:green", ms=7, label="start")
        ax.plot(*path[-1], "s", color="tab:red", ms=6, label="end")
    ax.plot(0, 0, "*", color="black", ms=12, label="equilibrium")
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.set_aspect("equal")
    ax.set_xlabel(r"generator parameter $\theta$")
    ax.set_ylabel(r"discriminator parameter $\psi$")
    if title:
        ax.set_title(title)
    return ax


__all__ = [
    "DIRAC_LOSSES",
    "UPDATE_MODES",
    "dirac_value",
    "dirac_gradients",
    "dirac_trajectory",
    "distance_to_equilibrium",
    "dirac_jacobian",
    "spectral_radius",
    "DiracGeneratorLayer",
    "dirac_models",
    "dirac_parameters",
    "ParameterTrace",
    "plot_dirac_game",
]
