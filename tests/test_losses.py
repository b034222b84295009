"""Losses checked against numbers that follow from their formulas."""

import math

import keras
import numpy as np
import pytest
import tensorflow as tf

from ganbook_lib import GanbookError, losses


def f(*values):
    return tf.constant(values, tf.float32)


def test_discriminator_loss_at_logit_zero_is_two_log_two():
    assert float(losses.discriminator_loss(f(0.0, 0.0), f(0.0))) == pytest.approx(2 * math.log(2))


def test_discriminator_loss_is_minus_value_function():
    d_real, d_fake = f(1.5, -0.3, 2.0), f(-1.0, 0.4)
    sig = tf.sigmoid
    value = tf.reduce_mean(tf.math.log(sig(d_real))) + tf.reduce_mean(tf.math.log(1 - sig(d_fake)))
    assert float(losses.discriminator_loss(d_real, d_fake)) == pytest.approx(-float(value), 1e-5)


def test_generator_losses_match_their_formulas():
    d_fake = f(-3.0, 0.0, 2.5)
    p = tf.sigmoid(d_fake)
    minimax = float(tf.reduce_mean(tf.math.log(1 - p)))
    nonsat = float(-tf.reduce_mean(tf.math.log(p)))
    assert float(losses.minimax_generator_loss(d_fake)) == pytest.approx(minimax, 1e-5)
    assert float(losses.nonsaturating_generator_loss(d_fake)) == pytest.approx(nonsat, 1e-5)


def test_minimax_generator_gradient_saturates_and_nonsaturating_does_not():
    logit = tf.Variable([-8.0])  # D confidently rejects the fake: D(G(z)) = sigmoid(-8) ~ 3e-4
    with tf.GradientTape(persistent=True) as tape:
        mm = losses.minimax_generator_loss(logit)
        ns = losses.nonsaturating_generator_loss(logit)
    g_mm, g_ns = float(tape.gradient(mm, logit)[0]), float(tape.gradient(ns, logit)[0])
    assert g_mm == pytest.approx(-1 / (1 + math.exp(8)), rel=1e-4)  # -sigmoid(l): ~ -3.4e-4
    assert g_ns == pytest.approx(-1 / (1 + math.exp(-8)), rel=1e-4)  # -(1 - sigmoid(l)): ~ -1
    assert abs(g_ns) > 1000 * abs(g_mm)


def test_least_squares_losses():
    assert float(losses.least_squares_discriminator_loss(f(1.0), f(0.0))) == 0.0
    assert float(losses.least_squares_discriminator_loss(f(0.0), f(1.0))) == pytest.approx(1.0)
    assert float(losses.least_squares_generator_loss(f(1.0))) == 0.0
    assert float(losses.least_squares_generator_loss(f(0.0))) == pytest.approx(0.5)


def test_wasserstein_and_hinge_losses():
    assert float(losses.wasserstein_critic_loss(f(3.0, 1.0), f(-1.0))) == pytest.approx(-3.0)
    assert float(losses.wasserstein_generator_loss(f(2.0, 4.0))) == pytest.approx(-3.0)
    assert float(losses.hinge_discriminator_loss(f(2.0), f(-2.0))) == 0.0
    assert float(losses.hinge_discriminator_loss(f(0.0), f(0.0))) == pytest.approx(2.0)
    assert float(losses.hinge_generator_loss(f(1.5))) == pytest.approx(-1.5)


def linear_critic(weights):
    x = keras.Input((len(weights),))
    dense = keras.layers.Dense(1, use_bias=True)
    model = keras.Model(x, dense(x))
    dense.set_weights([np.array(weights, np.float32)[:, None], np.array([0.7], np.float32)])
    return model


def test_gradient_penalty_of_unit_norm_linear_critic_is_zero():
    critic = linear_critic([0.6, 0.8])  # ||w|| = 1
    x_real = tf.random.normal((64, 2))
    x_fake = tf.random.normal((64, 2))
    assert float(losses.gradient_penalty(critic, x_real, x_fake)) == pytest.approx(0.0, abs=1e-10)


def test_gradient_penalty_of_steeper_linear_critic():
    critic = linear_critic([3.0, 0.0, 4.0])  # ||w|| = 5, penalty (5 - 1)^2 = 16
    x = tf.random.normal((16, 3))
    assert float(losses.gradient_penalty(critic, x, -x, seed=1)) == pytest.approx(16.0, rel=1e-5)


def test_r1_penalty_of_linear_discriminator_is_squared_norm():
    d = linear_critic([1.0, 2.0])
    assert float(losses.r1_penalty(d, tf.random.normal((8, 2)))) == pytest.approx(5.0, rel=1e-5)
    # a NumPy batch is accepted, as the other losses accept it
    x = np.random.default_rng(0).normal(size=(8, 2))
    assert float(losses.r1_penalty(d, x)) == pytest.approx(5.0, rel=1e-5)
    assert float(losses.r2_penalty(d, x)) == pytest.approx(5.0, rel=1e-5)


def test_optimal_discriminator_for_two_gaussians():
    """Minimising the BCE recovers D*(x) = p_data / (p_data + p_g) (chapter 4).

    For p_data = N(0, 1) and p_g = N(2, 1), log(p_data / p_g) = 2 - 2x, so D*(x) = sigmoid(2 - 2x);
    a logistic model a*x + b trained on samples must reach a ~ -2, b ~ 2.
    """
    rng = np.random.default_rng(0)
    x_real = tf.constant(rng.normal(0, 1, (20000, 1)), tf.float32)
    x_fake = tf.constant(rng.normal(2, 1, (20000, 1)), tf.float32)
    a, b = tf.Variable(0.0), tf.Variable(0.0)
    opt = keras.optimizers.Adam(0.05)
    for _ in range(600):
        with tf.GradientTape() as tape:
            loss = losses.discriminator_loss(a * x_real + b, a * x_fake + b)
        opt.apply_gradients(zip(tape.gradient(loss, [a, b]), [a, b]))
    xs = np.linspace(-2, 4, 13)
    p_data = np.exp(-(xs**2) / 2)
    p_g = np.exp(-((xs - 2) ** 2) / 2)
    learned = 1 / (1 + np.exp(-(float(a) * xs + float(b))))
    np.testing.assert_allclose(learned, p_data / (p_data + p_g), atol=0.03)


def test_get_loss_knows_every_family_and_rejects_unknown_names():
    for name in losses.LOSSES:
        family = losses.get_loss(name)
        assert family.name == name
        assert np.isfinite(float(family.discriminator(f(0.3), f(-0.2))))
        args = (f(-0.2), f(0.3)) if family.paired else (f(-0.2),)
        assert np.isfinite(float(family.generator(*args)))
    with pytest.raises(GanbookError, match="accepted: nonsaturating"):
        losses.get_loss("wgan")


def test_relativistic_losses_match_their_formulas():
    # L_D = -mean log sigmoid(D(x) - D(G(z))), pair by pair; L_G swaps the roles of the pair
    d_real, d_fake = f(2.0, -1.0, 0.5), f(0.0, 1.0, 0.5)
    sigmoid = lambda t: 1 / (1 + np.exp(-t))  # noqa: E731
    diff = np.array([2.0, -2.0, 0.0])
    expected_d = -np.mean(np.log(sigmoid(diff)))
    expected_g = -np.mean(np.log(sigmoid(-diff)))
    family = losses.get_loss("rpgan")
    assert family.paired and not family.probabilistic
    assert float(family.discriminator(d_real, d_fake)) == pytest.approx(expected_d, rel=1e-6)
    assert float(family.generator(d_fake, d_real)) == pytest.approx(expected_g, rel=1e-6)
    # equal verdicts on both sides of every pair: log 2 for each player
    assert float(family.discriminator(f(0.7, -3.0), f(0.7, -3.0))) == pytest.approx(math.log(2))


def test_relativistic_losses_ignore_the_level_of_the_logits_but_not_the_pairing():
    # only differences D(x) - D(G(z)) enter: adding a constant to every logit changes nothing,
    # while the standard loss changes; re-pairing the same logits changes the loss
    rng = np.random.default_rng(0)
    d_real, d_fake = f(*rng.normal(size=16)), f(*rng.normal(size=16))
    rp = losses.get_loss("rpgan")
    for c in (-5.0, 3.0):
        assert float(rp.discriminator(d_real + c, d_fake + c)) == pytest.approx(
            float(rp.discriminator(d_real, d_fake)), rel=1e-5
        )
        assert float(rp.generator(d_fake + c, d_real + c)) == pytest.approx(
            float(rp.generator(d_fake, d_real)), rel=1e-5
        )
    assert (
        abs(
            float(losses.discriminator_loss(d_real + 3.0, d_fake + 3.0))
            - float(losses.discriminator_loss(d_real, d_fake))
        )
        > 0.1
    )
    assert float(rp.discriminator(d_real, tf.reverse(d_fake, [0]))) != pytest.approx(
        float(rp.discriminator(d_real, d_fake)), rel=1e-3
    )


def test_r2_penalty_is_r1_on_generated_samples_and_leaves_the_generator_alone():
    # D(x) = |x|^2 has gradient 2x, so the penalty depends on where it is taken:
    # R2 = mean |2 G(z)|^2 on the generated samples
    x = keras.Input((2,))
    d = keras.Model(x, keras.layers.Lambda(lambda t: tf.reduce_sum(t**2, 1, keepdims=True))(x))
    w = tf.Variable([[1.5, -0.5]])
    z = tf.constant([[1.0], [2.0], [-1.0]])
    with tf.GradientTape(persistent=True) as tape:
        x_fake = z @ w  # a "generator" with weights w
        r2 = losses.r2_penalty(d, x_fake)
        r1 = losses.r1_penalty(d, x_fake)  # the same norm, without stopping the gradient
    expected = float(tf.reduce_mean(tf.reduce_sum((2 * x_fake) ** 2, 1)))
    assert float(r2) == pytest.approx(expected, rel=1e-5) == float(r1)
    assert tape.gradient(r2, w) is None  # no gradient reaches the generator ...
    assert tape.gradient(r1, w) is not None  # ... which it would without stop_gradient
