"""Hidden checks of chapter 4's graded exercises: run by `ganbook grade`, not in the student's
notebook. They use the same helpers as the public checks (ganbook_lib.grading)."""

import numpy as np

from ganbook_lib.grading import check, expect
from ganbook_lib.grading.ch04 import (
    half_square,
    linear_critic,
    optimal_discriminator_of,
    penalty_of,
    points_and_eps,
)

# ch04-q1: the optimal discriminator on a grid


@check("ch04-q1", hidden=True)
def optimal_discriminator_agrees_with_the_library(ns):
    from ganbook_lib.chapters import loss_theory

    rng = np.random.default_rng(4)
    p_data, p_g = rng.exponential(size=(4, 50)), rng.exponential(size=(4, 50))
    p_data[:, :10] = p_g[:, :10] = 0.0  # no mass at all
    p_data[:, 10:20] = 0.0  # only fakes
    p_g[:, 20:30] = 0.0  # only data
    d = optimal_discriminator_of(ns, p_data, p_g)
    expect(
        np.allclose(d, loss_theory.optimal_discriminator(p_data, p_g), rtol=1e-12, atol=1e-12),
        "on a 2-D array of random densities, some 0, D* must be p_data / (p_data + p_g) at "
        "every point, and 1/2 where both are 0",
    )


@check("ch04-q1", hidden=True)
def optimal_discriminator_takes_histogram_counts(ns):
    hint = "integer densities (a histogram's counts) must give fractions: convert them to float"
    d = optimal_discriminator_of(ns, np.array([0, 2, 5, 3]), np.array([0, 6, 5, 1]), hint=hint)
    expect(not np.allclose(d, 0.0), hint)  # an integer output array truncates every fraction
    expect(
        np.allclose(d, [0.5, 0.25, 0.5, 0.75], atol=1e-12),
        "for the counts (0, 2, 5, 3) of the data and (0, 6, 5, 1) of the generator, D* must be "
        f"(0.5, 0.25, 0.5, 0.75), not {np.round(d, 4).tolist()}",
    )


@check("ch04-q1", hidden=True)
def optimal_discriminator_maximises_the_value_pointwise(ns):
    rng = np.random.default_rng(5)
    p_data, p_g = rng.uniform(0.1, 1.0, 50), rng.uniform(0.1, 1.0, 50)
    d = optimal_discriminator_of(ns, p_data, p_g)
    message = "D* must maximise p_data log D + p_g log(1 - D) at every point"
    expect(bool(np.all((d > 0) & (d < 1))), message + ", so lie strictly between 0 and 1 here")

    def integrand(y):
        return p_data * np.log(y) + p_g * np.log1p(-y)

    for step in (1e-3, -1e-3):
        nearby = np.clip(d + step, 1e-9, 1 - 1e-9)
        expect(bool(np.all(integrand(d) >= integrand(nearby) - 1e-12)), message)


# ch04-q2: the WGAN-GP gradient penalty


@check("ch04-q2", hidden=True)
def gradient_penalty_is_two_sided(ns):
    value = penalty_of(ns, linear_critic([0.3, 0.4]), *points_and_eps())
    expect(
        abs(value) > 1e-6,
        "the penalty is two-sided: a slope of 0.5 costs (0.5 - 1)^2 = 0.25, so do not clip "
        "norms below 1 to 0",
    )
    expect(
        abs(value - 0.25) < 1e-5,
        f"a linear critic of slope 0.5 (w = (0.3, 0.4)) must cost (0.5 - 1)^2 = 0.25, "
        f"not {value:.4g}",
    )


@check("ch04-q2", hidden=True)
def gradient_penalty_takes_one_norm_per_sample(ns):
    import tensorflow as tf

    value = penalty_of(
        ns, linear_critic([3.0, 4.0]), tf.zeros((9, 2)), tf.ones((9, 2)), tf.fill((9, 1), 0.5)
    )
    expect(
        abs(value - 196.0) > 1e-1,
        "take one gradient norm per sample and average their (norm - 1)^2: a norm over the "
        "whole batch grows with the batch size",
    )
    expect(
        abs(value - 16.0) < 1e-3,
        f"a linear critic of slope 5 must cost (5 - 1)^2 = 16 on a batch of 9, not {value:.4g}",
    )


@check("ch04-q2", hidden=True)
def gradient_penalty_flattens_images_per_sample(ns):
    import tensorflow as tf

    # x_hat = 1/2 and 1 in each of 4 pixels: the norms of the gradient x_hat are 1 and 2
    eps = tf.reshape(tf.constant([0.5, 1.0]), (2, 1, 1, 1))
    value = penalty_of(ns, half_square, tf.ones((2, 2, 2, 1)), tf.zeros((2, 2, 2, 1)), eps)
    # a norm along one image axis gives 0.1287 (axis 1) or 0.125 (the channel axis)
    expect(
        abs(value - 0.12868) > 1e-4 and abs(value - 0.125) > 1e-5,
        "for images, take each sample's gradient norm over all its pixels and channels "
        "(flatten each sample first)",
    )
    expect(
        abs(value - 0.5) < 1e-5,
        f"for two 2x2 one-channel images this penalty is 0.5, not {value:.4g}",
    )


def _critic_with_fixed_weights(model, seed):
    rng = np.random.default_rng(seed)
    model.set_weights([rng.normal(0.0, 0.5, w.shape).astype("float32") for w in model.weights])
    return model


@check("ch04-q2", hidden=True)
def gradient_penalty_agrees_with_the_library(ns):
    import keras
    import tensorflow as tf

    from ganbook_lib import losses, models

    rng = np.random.default_rng(6)
    mlp = _critic_with_fixed_weights(models.mlp_discriminator(2, hidden=16, depth=2), 7)
    conv = _critic_with_fixed_weights(
        keras.Sequential(
            [
                keras.Input((8, 8, 1)),
                keras.layers.Conv2D(4, 3, strides=2, padding="same"),
                keras.layers.LeakyReLU(0.2),
                keras.layers.Flatten(),
                keras.layers.Dense(1),
            ]
        ),
        8,
    )
    for critic, shape, what in ((mlp, (32, 2), "2-D points"), (conv, (6, 8, 8, 1), "images")):
        x_real = tf.constant(rng.normal(size=shape), tf.float32)
        x_fake = tf.constant(rng.normal(size=shape), tf.float32)
        eps_shape = (shape[0],) + (1,) * (len(shape) - 1)
        eps = tf.random.stateless_uniform(eps_shape, seed=[3, 0])  # the library's, for seed=3
        expected = float(losses.gradient_penalty(critic, x_real, x_fake, seed=3))
        value = penalty_of(ns, critic, x_real, x_fake, eps)
        expect(
            abs(value - expected) <= 1e-4 * abs(expected) + 1e-6,
            f"on a small neural critic of {what} the penalty must equal the library's "
            f"({expected:.5g}), not {value:.5g}",
        )
