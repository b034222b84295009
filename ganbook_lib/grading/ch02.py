"""Public checks of chapter 2's graded exercises (the hidden ones are in graders/hidden/)."""

from __future__ import annotations

import math

import numpy as np

from . import call, check, expect, student


def _tf():
    import tensorflow as tf

    return tf


# ch02-q1: the discriminator's loss from logits, L_D = -E[log D(x)] - E[log(1 - D(G(z)))]


@check("ch02-q1")
def discriminator_loss_at_logit_zero(ns):
    tf, fn = _tf(), student(ns, "discriminator_loss")
    value = float(call(fn, tf.zeros((8, 1)), tf.zeros((8, 1))))
    expect(
        abs(value - 2 * math.log(2)) < 1e-5,
        f"with logits 0 (D = 1/2 everywhere) L_D must be 2 log 2 = 1.386, not {value:.4g}",
    )


@check("ch02-q1")
def discriminator_loss_is_binary_cross_entropy(ns):
    import keras

    tf, fn = _tf(), student(ns, "discriminator_loss")
    rng = np.random.default_rng(1)
    d_real = tf.constant(rng.normal(size=(16, 1)), tf.float32)
    d_fake = tf.constant(rng.normal(size=(16, 1)), tf.float32)
    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    expected = float(bce(tf.ones_like(d_real), d_real) + bce(tf.zeros_like(d_fake), d_fake))
    expect(
        abs(float(call(fn, d_real, d_fake)) - expected) < 1e-4,
        "L_D must equal the cross-entropy of the real batch labelled 1 plus that of the fake "
        "batch labelled 0, computed from logits",
    )


@check("ch02-q1")
def discriminator_loss_gradient_signs(ns):
    tf, fn = _tf(), student(ns, "discriminator_loss")
    d_real = tf.Variable(np.random.default_rng(2).normal(size=(6, 1)), dtype=tf.float32)
    d_fake = tf.Variable(np.random.default_rng(3).normal(size=(6, 1)), dtype=tf.float32)
    with tf.GradientTape() as tape:
        value = call(fn, d_real, d_fake)
    expect(
        tf.is_tensor(value),
        "L_D must be computed with TensorFlow operations (it returned a "
        f"{type(value).__name__}), so that it has a gradient",
    )
    g_real, g_fake = tape.gradient(value, [d_real, d_fake])
    expect(
        g_real is not None and g_fake is not None,
        "L_D must be computed with TensorFlow operations on both inputs, so it has a gradient",
    )
    expect(
        bool(np.all(g_real.numpy() < 0) and np.all(g_fake.numpy() > 0)),
        "descending L_D must raise the logits of real samples and lower those of fakes: "
        "check the signs",
    )


# ch02-q2: the non-saturating generator loss, L_G = -E[log D(G(z))]


@check("ch02-q2")
def generator_loss_at_logit_zero(ns):
    tf, fn = _tf(), student(ns, "nonsaturating_generator_loss")
    value = float(call(fn, tf.zeros((8, 1))))
    expect(
        abs(value - math.log(2)) < 1e-5,
        f"with D(G(z)) = 1/2 the loss must be log 2 = 0.693, not {value:.4g}",
    )


@check("ch02-q2")
def generator_loss_is_cross_entropy_with_label_real(ns):
    import keras

    tf, fn = _tf(), student(ns, "nonsaturating_generator_loss")
    d_fake = tf.constant(np.random.default_rng(1).normal(size=(16, 1)), tf.float32)
    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    expected = float(bce(tf.ones_like(d_fake), d_fake))
    expect(
        abs(float(call(fn, d_fake)) - expected) < 1e-4,
        "the loss must be the cross-entropy of the fakes labelled REAL (1), from logits",
    )


@check("ch02-q2")
def generator_loss_pushes_the_logit_up(ns):
    tf, fn = _tf(), student(ns, "nonsaturating_generator_loss")
    logits = tf.Variable(np.linspace(-4, 4, 9)[:, None], dtype=tf.float32)
    with tf.GradientTape() as tape:
        value = call(fn, logits)
    expect(
        tf.is_tensor(value),
        "the loss must be computed with TensorFlow operations (it returned a "
        f"{type(value).__name__}), so that it has a gradient",
    )
    grad = tape.gradient(value, logits)
    expect(grad is not None, "the loss must be computed with TensorFlow operations on d_fake")
    expect(
        bool(np.all(grad.numpy() < 0)),
        "descending the loss must raise D's logit on every fake: check the sign",
    )
