"""The mathematics of chapter 4, computed: densities on a grid, divergences, the optimal
discriminator, the value function, generator-loss gradients, and the source article's losses.

Densities are NumPy arrays sampled on a 1-D grid ``x`` (increasing); integrals use the
trapezoid rule, so results are exact up to the grid's resolution. Discriminator outputs here are
*probabilities* ``D(x)`` in [0, 1], except in the loss functions, which take logits like
:mod:`ganbook_lib.losses`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .. import GanbookError
from ..checks import positive_int, positive_number


# ----------------------------------------------------------------------------- checking
def _grid(x) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 1 or len(x) < 2 or not np.all(np.isfinite(x)) or np.any(np.diff(x) <= 0):
        raise GanbookError(
            f"x must be a 1-D grid of at least 2 finite, strictly increasing points; "
            f"got an array of shape {x.shape}"
        )
    return x


def _density(name: str, p, x: np.ndarray) -> np.ndarray:
    p = np.asarray(p, dtype=np.float64)
    if p.shape != x.shape:
        raise GanbookError(f"{name} must have the grid's shape {x.shape}, got {p.shape}")
    if not np.all(np.isfinite(p)) or np.any(p < 0):
        raise GanbookError(f"{name} must be finite and non-negative (a density on the grid)")
    return p


def _probabilities(name: str, d, shape) -> np.ndarray:
    d = np.asarray(d, dtype=np.float64)
    if d.shape != shape:
        raise GanbookError(f"{name} must have shape {shape}, got {d.shape}")
    if not np.all(np.isfinite(d)) or np.any(d < 0) or np.any(d > 1):
        raise GanbookError(f"{name} must hold probabilities in [0, 1]")
    return d


def _xlogy(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a * log(b)`` with the convention ``0 * log(0) = 0``."""
    from scipy.special import xlogy

    return xlogy(a, b)


# ----------------------------------------------------------------------------- integrals
def integrate(f, x) -> float:
    """``∫ f(x) dx`` over the grid ``x`` by the trapezoid rule."""
    x = _grid(x)
    f = np.asarray(f, dtype=np.float64)
    if f.shape != x.shape:
        raise GanbookError(f"f must have the grid's shape {x.shape}, got {f.shape}")
    return float(np.trapezoid(f, x))


def optimal_discriminator(p_data, p_g) -> np.ndarray:
    """The optimal discriminator for a fixed generator (chapter 4, eq. ``d-star``):

    ``D*(x) = p_data(x) / (p_data(x) + p_g(x))``

    pointwise, for densities given on the same points; ``1/2`` where both densities vanish
    (any value is optimal there).
    """
    p_data = np.asarray(p_data, dtype=np.float64)
    p_g = np.asarray(p_g, dtype=np.float64)
    if p_data.shape != p_g.shape:
        raise GanbookError(f"p_data and p_g differ in shape: {p_data.shape} vs {p_g.shape}")
    if not (np.all(np.isfinite(p_data)) and np.all(np.isfinite(p_g))):
        raise GanbookError("p_data and p_g must be finite")
    if np.any(p_data < 0) or np.any(p_g < 0):
        raise GanbookError("p_data and p_g must be non-negative")
    total = p_data + p_g
    return np.divide(p_data, total, out=np.full_like(total, 0.5), where=total > 0)


def value_function(d, p_data, p_g, x) -> float:
    """The minimax value function (chapter 4, eq. ``value-function``) on a grid:

    ``V(D, G) = ∫ p_data(x) log D(x) dx + ∫ p_g(x) log(1 - D(x)) dx``

    where ``d`` holds the discriminator's probabilities ``D(x)`` on the grid ``x``. It is at most
    0, equals ``-log 4`` for ``D = 1/2``, and is ``-inf`` if D is certain and wrong somewhere
    that has mass.
    """
    x = _grid(x)
    p_data, p_g = _density("p_data", p_data, x), _density("p_g", p_g, x)
    d = _probabilities("d", d, x.shape)
    return integrate(_xlogy(p_data, d) + _xlogy(p_g, 1.0 - d), x)


def kl_divergence(p, q, x) -> float:
    """Kullback-Leibler divergence ``KL(p || q) = ∫ p log(p / q) dx`` in nats, on a grid.

    Infinite when ``q`` vanishes where ``p`` has mass.
    """
    x = _grid(x)
    p, q = _density("p", p, x), _density("q", q, x)
    if np.any((q == 0) & (p > 0)):
        return float("inf")
    return integrate(_xlogy(p, p) - _xlogy(p, q), x)


def js_divergence(p, q, x) -> float:
    """Jensen-Shannon divergence in nats (chapter 4, eq. ``v-at-d-star``), on a grid:

    ``JSD(p || q) = 1/2 KL(p || m) + 1/2 KL(q || m)``,  ``m = (p + q) / 2``

    Always finite: 0 when ``p = q``, ``log 2`` when their supports are disjoint.
    """
    x = _grid(x)
    p, q = _density("p", p, x), _density("q", q, x)
    m = 0.5 * (p + q)
    return 0.5 * kl_divergence(p, m, x) + 0.5 * kl_divergence(q, m, x)


def wasserstein1_1d(p, q, x) -> float:
    """Wasserstein-1 (earth mover's) distance between 1-D densities on a grid (chapter 4):

    ``W1(p, q) = ∫ |F_p(x) - F_q(x)| dx``

    with ``F`` the cumulative distribution functions, each density normalised to mass 1.
    Grows linearly with the distance between two narrow bumps, where JSD is stuck at log 2.
    """
    x = _grid(x)
    p, q = _density("p", p, x), _density("q", q, x)
    cdfs = []
    for name, f in (("p", p), ("q", q)):
        steps = 0.5 * (f[1:] + f[:-1]) * np.diff(x)
        mass = steps.sum()
        if mass <= 0:
            raise GanbookError(f"{name} has no mass on the grid")
        cdfs.append(np.concatenate([[0.0], np.cumsum(steps)]) / mass)
    return integrate(np.abs(cdfs[0] - cdfs[1]), x)


def gaussian_pdf(x, mean: float = 0.0, std: float = 1.0) -> np.ndarray:
    """Density of ``N(mean, std^2)`` at the points ``x``."""
    std = positive_number("std", std)
    x = np.asarray(x, dtype=np.float64)
    return np.exp(-0.5 * ((x - mean) / std) ** 2) / (std * np.sqrt(2 * np.pi))


# ----------------------------------------------------------------------------- gradients
def generator_logit_gradients(d_fake_prob) -> dict[str, np.ndarray]:
    """Gradients of the per-sample generator losses with respect to the logit ``l`` of
    ``D(G(z)) = sigmoid(l)``, as functions of ``p = D(G(z))`` (chapter 4, eq. ``saturation``):

    - minimax ``log(1 - D(G(z)))``:  ``d/dl = -p``       (vanishes as ``p -> 0``)
    - non-saturating ``-log D(G(z))``:  ``d/dl = -(1 - p)``  (close to -1 as ``p -> 0``)

    Both are negative: each pushes the fake's logit up. The generator receives these, times
    ``dl/dθ``, by the chain rule. Returns ``{"minimax": ..., "nonsaturating": ...}``.
    """
    p = np.asarray(d_fake_prob, dtype=np.float64)
    if not np.all(np.isfinite(p)) or np.any(p < 0) or np.any(p > 1):
        raise GanbookError("d_fake_prob must hold probabilities D(G(z)) in [0, 1]")
    return {"minimax": -p, "nonsaturating": -(1.0 - p)}


# ----------------------------------------------------------------------------- the article's
def article_discriminator_loss(d_real, d_fake):
    """The source article's discriminator "loss", as written, on logits (chapter 4):

    ``L_D = E_x[log D(x)] + E_z[log(1 - D(G(z)))] = V(D, G)``

    This is the value function the discriminator should *maximise*; minimising it, as a loss,
    teaches D to call real data fake. The correct loss is its negative,
    :func:`ganbook_lib.losses.discriminator_loss`.
    """
    import tensorflow as tf

    return -tf.reduce_mean(tf.nn.softplus(-d_real)) - tf.reduce_mean(tf.nn.softplus(d_fake))


def article_generator_loss(d_fake):
    """The source article's generator "loss", as written, on logits (chapter 4):

    ``L_G = E_z[log D(G(z))]``

    The quantity the generator should *maximise* (non-saturating heuristic); minimising it moves
    the fakes to where D is sure they are fake. The correct loss is its negative,
    :func:`ganbook_lib.losses.nonsaturating_generator_loss`.
    """
    import tensorflow as tf

    return -tf.reduce_mean(tf.nn.softplus(-d_fake))


# ----------------------------------------------------------------------------- fitting D
def fit_discriminator(
    x_real,
    x_fake,
    loss: Callable | None = None,
    steps: int = 1500,
    hidden: int = 64,
    depth: int = 2,
    learning_rate: float = 3e-3,
    batch_size: int = 1024,
    seed: int = 0,
):
    """Train a fresh MLP discriminator on fixed samples (the generator held still) and return it.

    Minimises ``loss(d_real, d_fake)`` on logits (default: the binary cross-entropy
    :func:`ganbook_lib.losses.discriminator_loss`) with Adam for ``steps`` minibatch steps.
    With enough capacity and data, ``sigmoid(D(x))`` approaches ``D*(x)`` of eq. ``d-star``.
    """
    import keras
    import tensorflow as tf

    from ..losses import discriminator_loss
    from ..models import mlp_discriminator

    x_real = _samples("x_real", x_real)
    x_fake = _samples("x_fake", x_fake)
    if x_real.shape[1] != x_fake.shape[1]:
        raise GanbookError(
            f"x_real and x_fake differ in dimension: {x_real.shape[1]} vs {x_fake.shape[1]}"
        )
    steps, batch_size = positive_int("steps", steps), positive_int("batch_size", batch_size)
    learning_rate = positive_number("learning_rate", learning_rate)
    loss = loss or discriminator_loss
    keras.utils.set_random_seed(seed)
    discriminator = mlp_discriminator(x_real.shape[1], hidden, depth)
    optimizer = keras.optimizers.Adam(learning_rate)
    optimizer.build(discriminator.trainable_variables)
    rng = np.random.default_rng(seed)
    batch_real = min(batch_size, len(x_real))
    batch_fake = min(batch_size, len(x_fake))
    idx_real = rng.integers(0, len(x_real), (steps, batch_real))
    idx_fake = rng.integers(0, len(x_fake), (steps, batch_fake))
    real, fake = tf.constant(x_real), tf.constant(x_fake)

    @tf.function
    def train(idx_real, idx_fake):
        for i in tf.range(steps):
            with tf.GradientTape() as tape:
                d_real = discriminator(tf.gather(real, idx_real[i]), training=True)
                d_fake = discriminator(tf.gather(fake, idx_fake[i]), training=True)
                value = loss(d_real, d_fake)
            weights = discriminator.trainable_weights
            optimizer.apply_gradients(zip(tape.gradient(value, weights), weights))

    train(tf.constant(idx_real), tf.constant(idx_fake))
    return discriminator


def _samples(name: str, a) -> np.ndarray:
    a = np.asarray(a, dtype=np.float32)
    if a.ndim == 1:
        a = a[:, None]
    if a.ndim != 2 or len(a) == 0 or not np.all(np.isfinite(a)):
        raise GanbookError(f"{name} must be a non-empty finite array of shape (n, d) or (n,)")
    return a


__all__ = [
    "integrate",
    "optimal_discriminator",
    "value_function",
    "kl_divergence",
    "js_divergence",
    "wasserstein1_1d",
    "gaussian_pdf",
    "generator_logit_gradients",
    "article_discriminator_loss",
    "article_generator_loss",
    "fit_discriminator",
]
