"""Public checks of chapter 4's graded exercises (the hidden ones are in graders/hidden/)."""

from __future__ import annotations

import warnings

import numpy as np

from . import CheckFailed, call, check, expect, student


def _tf():
    import tensorflow as tf

    return tf


# ch04-q1: the optimal discriminator on a grid, D*(x) = p_data(x) / (p_data(x) + p_g(x))


def _normal_pdf(x, mean, std):
    return np.exp(-0.5 * ((x - mean) / std) ** 2) / (std * np.sqrt(2 * np.pi))


def optimal_discriminator_of(ns, p_data, p_g, hint=None):
    """The student's D* on (p_data, p_g) as a float64 array of the inputs' shape; NumPy's
    warnings about 0/0 are silenced here (the values are checked instead)."""
    fn = student(ns, "optimal_discriminator")
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        out = call(fn, p_data, p_g, hint=hint)
    try:
        d = np.asarray(out, dtype=np.float64)
    except (TypeError, ValueError):
        raise CheckFailed(
            "optimal_discriminator must return an array of probabilities D*(x), one per point "
            f"(it returned a {type(out).__name__})"
        ) from None
    expect(
        d.shape == np.shape(p_data),
        f"optimal_discriminator must return one D*(x) per point, an array of shape "
        f"{np.shape(p_data)}, not {d.shape}",
    )
    return d


@check("ch04-q1")
def optimal_discriminator_is_one_half_where_the_densities_agree(ns):
    p = _normal_pdf(np.linspace(-4.0, 5.0, 91), 0.0, 1.0)
    d = optimal_discriminator_of(ns, p, p.copy())
    if np.allclose(d, 1.0):
        raise CheckFailed(
            "you returned p_data / p_g: D* = p_data / (p_data + p_g), which is 1/2 where "
            "p_g = p_data"
        )
    expect(
        np.allclose(d, 0.5, atol=1e-12),
        "where p_g = p_data, D* must be 1/2 at every point: return the probability "
        "p_data / (p_data + p_g), not a logit or a ratio",
    )


@check("ch04-q1")
def optimal_discriminator_of_two_gaussians_is_a_logistic_curve(ns):
    x = np.linspace(-4.0, 5.0, 91)
    d = optimal_discriminator_of(ns, _normal_pdf(x, 0.0, 1.0), _normal_pdf(x, 1.0, 1.0))
    expected = 1.0 / (1.0 + np.exp(x - 0.5))  # sigmoid(log p_data - log p_g) = sigmoid(1/2 - x)
    if np.allclose(d, 1.0 - expected, atol=1e-9):
        raise CheckFailed(
            "p_data and p_g are swapped: the data density goes in the numerator, "
            "D* = p_data / (p_data + p_g)"
        )
    expect(
        np.allclose(d, expected, atol=1e-9),
        "for p_data = N(0, 1) and p_g = N(1, 1), D*(x) must be sigmoid(1/2 - x): "
        "D* = p_data / (p_data + p_g) at every point",
    )


@check("ch04-q1")
def optimal_discriminator_handles_points_without_mass(ns):
    # both vanish, both equal, only fakes, only data
    d = optimal_discriminator_of(ns, np.array([0.0, 1.0, 0.0, 3.0]), np.array([0.0, 1.0, 2.0, 0.0]))
    expect(
        not np.isnan(d[0]),
        "where both densities are 0 you divide 0 by 0 (NaN): return 1/2 there, where any "
        "value is optimal",
    )
    expect(
        d[0] == 0.5,
        f"where both densities are 0, D* must be exactly 1/2 (any value is optimal there; "
        f"the book takes 1/2), not {d[0]:.4g}",
    )
    expect(
        np.allclose(d[1:], [0.5, 0.0, 1.0], atol=1e-12),
        "where only fakes live D* must be 0, where only data lives 1: D* = p_data / (p_data + p_g)",
    )


# ch04-q2: the WGAN-GP gradient penalty, E[(||grad D(x_hat)||_2 - 1)^2],
# x_hat = eps * x_real + (1 - eps) * x_fake


def linear_critic(w):
    """D(x) = x . w for 2-D points: its gradient is w everywhere, of norm |w|."""
    tf = _tf()
    w = w if isinstance(w, tf.Variable) else tf.constant(np.asarray(w, np.float32))
    return lambda x, training=False: tf.matmul(x, tf.reshape(w, (-1, 1)))


def half_square(x, training=False):
    """D(x) = |x|^2 / 2 over all of a sample's coordinates: its gradient is x itself."""
    tf = _tf()
    return 0.5 * tf.reduce_sum(tf.reshape(x, (tf.shape(x)[0], -1)) ** 2, axis=1, keepdims=True)


WATCH = "gradient_penalty failed (a None gradient means x_hat was not watched: tape.watch(x_hat))"


def penalty_of(ns, critic, x_real, x_fake, eps):
    """The student's penalty as a Python float; it must be one number."""
    fn = student(ns, "gradient_penalty")
    value = call(fn, critic, x_real, x_fake, eps, hint=WATCH)
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise CheckFailed(
            f"gradient_penalty must return a scalar tensor (it returned a {type(value).__name__})"
        ) from None
    expect(
        array.size == 1,
        f"gradient_penalty must return one number, the mean over the samples, not an array of "
        f"shape {array.shape}",
    )
    return float(array.reshape(()))


def points_and_eps():
    """Five 2-D points as the real batch, their negatives as the generated one, and an eps."""
    tf = _tf()
    points = tf.constant(np.random.default_rng(0).normal(size=(5, 2)), tf.float32)
    return points, -points, tf.constant([[0.1], [0.3], [0.5], [0.7], [0.9]])


@check("ch04-q2")
def gradient_penalty_is_zero_for_a_critic_of_slope_one(ns):
    x_real, x_fake, eps = points_and_eps()
    value = penalty_of(ns, linear_critic([0.6, 0.8]), x_real, x_fake, eps)
    if abs(value - 1.0) < 1e-4:
        raise CheckFailed(
            "a critic of slope 1 must cost 0: subtract 1 from each gradient's norm before squaring"
        )
    expect(
        abs(value) < 1e-5,
        f"a linear critic of slope 1 (w = (0.6, 0.8)) must cost 0, not {value:.4g}: "
        "the penalty is the mean of (||gradient|| - 1)^2",
    )


@check("ch04-q2")
def gradient_penalty_squares_the_norm_minus_one(ns):
    x_real, x_fake, eps = points_and_eps()
    value = penalty_of(ns, linear_critic([3.0, 4.0]), x_real, x_fake, eps)
    mistakes = {
        576.0: "you squared the norm: use the norm itself, (||gradient|| - 1)^2 = (5 - 1)^2 = 16",
        4.0: "square the difference: (||gradient|| - 1)^2 = (5 - 1)^2 = 16, not 5 - 1",
        80.0: "average over the samples, do not sum: each costs (5 - 1)^2 = 16",
        (5 * 5**0.5 - 1) ** 2: "take one gradient norm per sample, not one over the whole batch",
        160.0: "do not multiply by the weight lambda: the caller does; the penalty alone is 16",
    }
    for wrong, message in mistakes.items():
        if abs(value - wrong) < 1e-3 * wrong:
            raise CheckFailed(message)
    expect(
        abs(value - 16.0) < 1e-3,
        f"a linear critic of slope 5 (w = (3, 4)) must cost (5 - 1)^2 = 16, not {value:.4g}",
    )


@check("ch04-q2")
def gradient_penalty_is_taken_between_real_and_fake(ns):
    tf = _tf()
    x_real = tf.constant([[3.0, 0.0], [3.0, 0.0]])
    x_fake = tf.constant([[1.0, 0.0], [1.0, 0.0]])
    # x_hat = (1.5, 0) and (2, 0); the gradient of |x|^2 / 2 is x, so (0.5^2 + 1^2) / 2
    eps = tf.constant([[0.25], [0.5]])
    value = penalty_of(ns, half_square, x_real, x_fake, eps)
    expect(
        penalty_of(ns, half_square, x_real, x_fake, eps) == value,
        "your penalty changes from one call to the next: use the eps you are given, do not "
        "draw your own",
    )
    mistakes = {
        4.0: "you took the penalty at the real samples: take it at "
        "x_hat = eps * x_real + (1 - eps) * x_fake, between real and generated samples",
        0.0: "you took the penalty at the generated samples: take it at "
        "x_hat = eps * x_real + (1 - eps) * x_fake, between real and generated samples",
        1.625: "eps multiplies x_real and (1 - eps) multiplies x_fake, not the other way round",
    }
    for wrong, message in mistakes.items():
        if abs(value - wrong) < 1e-5:
            raise CheckFailed(message)
    expect(
        abs(value - 0.625) < 1e-5,
        "for D(x) = |x|^2 / 2, x_real = (3, 0), x_fake = (1, 0) and eps = 0.25, 0.5 the penalty "
        f"is 0.625, not {value:.4g}",
    )


@check("ch04-q2")
def gradient_penalty_trains_the_critic(ns):
    tf = _tf()
    x_real, x_fake, eps = points_and_eps()
    w = tf.Variable([3.0, 4.0])
    fn = student(ns, "gradient_penalty")
    with tf.GradientTape() as tape:
        value = call(fn, linear_critic(w), x_real, x_fake, eps, hint=WATCH)
    grad = tape.gradient(value, w) if tf.is_tensor(value) else None
    expect(
        grad is not None,
        "the penalty must be differentiable with respect to the critic's weights, since the "
        "critic is trained on it: keep it in TensorFlow (no NumPy, no .numpy())",
    )
    # GP = (|w| - 1)^2, so dGP/dw = 2 (|w| - 1) w / |w| = 2 * 4 * (0.6, 0.8)
    got = ", ".join(f"{g:.4g}" for g in grad.numpy())
    expect(
        np.allclose(grad.numpy(), [4.8, 6.4], atol=1e-3),
        "for a linear critic with weights w = (3, 4) the penalty's gradient with respect to w "
        f"must be 2 (|w| - 1) w / |w| = (4.8, 6.4), not ({got})",
    )
