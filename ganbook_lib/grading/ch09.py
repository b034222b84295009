"""Public checks of chapter 9's graded exercises (the hidden ones are in graders/hidden/)."""

from __future__ import annotations

import math

import numpy as np

from . import CheckFailed, call, check, expect, student

R1_LOSS = "r1_discriminator_loss"
STEP_MATRIX = "dirac_step_matrix"


def _tf():
    import tensorflow as tf

    return tf


def dirac_discriminator(psi):
    """The Dirac GAN's discriminator D(x) = psi * x, a logit whose slope is psi everywhere."""
    return lambda x, training=False: psi * x


def half_square(x, training=False):
    """A discriminator with logit ||x||^2 / 2 per sample: its gradient at x is x itself."""
    tf = _tf()
    flat = tf.reshape(x, (tf.shape(x)[0], -1))
    return 0.5 * tf.reduce_sum(tf.square(flat), axis=1, keepdims=True)


class TinyCritic:
    """A small smooth discriminator in plain TensorFlow with seeded weights (tf.Variables):
    logit = tanh(flatten(x) @ w1 + b1) @ w2, for points or images of ``size`` numbers each."""

    def __init__(self, size: int, seed: int, hidden: int = 8):
        tf, rng = _tf(), np.random.default_rng(seed)

        def weight(*shape, scale):
            return tf.Variable(rng.normal(0.0, scale, shape).astype(np.float32))

        self.w1 = weight(size, hidden, scale=1 / math.sqrt(size))
        self.b1 = weight(hidden, scale=0.5)
        self.w2 = weight(hidden, 1, scale=1 / math.sqrt(hidden))

    def __call__(self, x, training=False):
        tf = _tf()
        flat = tf.cast(tf.reshape(x, (tf.shape(x)[0], -1)), tf.float32)
        return tf.tanh(flat @ self.w1 + self.b1) @ self.w2


def r1_loss(ns, *args, hint=None) -> float:
    """The student's loss as a float, after checking that it is one number."""
    value = call(student(ns, R1_LOSS), *args, hint=hint)
    shape = tuple(np.shape(value))
    expect(shape == (), f"return one number (a scalar tensor), not an array of shape {shape}")
    return float(value)


def r1_part(ns, discriminator, x_real, x_fake, r1_weight) -> float:
    """What r1_weight adds to the student's loss: L(r1_weight) - L(0)."""
    with_r1 = r1_loss(ns, discriminator, x_real, x_fake, r1_weight)
    return with_r1 - r1_loss(ns, discriminator, x_real, x_fake, 0.0)


# ch09-q1: the discriminator's loss with R1,
# L_D = E[softplus(-l(x))] + E[softplus(l(G(z)))] + gamma/2 E_x ||grad_x l(x)||^2 (real x only)


@check("ch09-q1")
def loss_without_the_penalty_is_cross_entropy(ns):
    import keras

    tf = _tf()
    rng = np.random.default_rng(0)
    discriminator = TinyCritic(size=2, seed=11)
    x_real = tf.constant(rng.normal(size=(6, 2)), tf.float32)
    x_fake = tf.constant(rng.normal(size=(6, 2)), tf.float32)
    d_real, d_fake = discriminator(x_real), discriminator(x_fake)
    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    expected = float(bce(tf.ones_like(d_real), d_real) + bce(tf.zeros_like(d_fake), d_fake))
    value = r1_loss(ns, discriminator, x_real, x_fake, 0.0)
    expect(
        abs(value - expected) < 1e-4,
        "with r1_weight = 0 the loss must be the binary cross-entropy from logits, real samples "
        f"labelled 1 and generated ones labelled 0: expected {expected:.4f}, got {value:.4g}",
    )


@check("ch09-q1")
def penalty_in_the_dirac_gan(ns):
    tf = _tf()
    psi, theta, gamma = -1.3, 0.7, 0.3
    x_real, x_fake = tf.zeros((4, 1)), tf.fill((3, 1), theta)
    penalty = r1_part(ns, dirac_discriminator(tf.constant(psi)), x_real, x_fake, gamma)
    expected = 0.5 * gamma * psi**2
    close = lambda target: math.isclose(penalty, target, rel_tol=1e-4)  # noqa: E731
    expect(
        not close(2 * expected),
        "the penalty comes out twice too large: it is r1_weight / 2 times the mean over the REAL "
        "samples of the squared gradient norm (gamma/2 psi^2 in the Dirac GAN)",
    )
    expect(
        not close(0.5 * gamma * abs(psi)),
        "square the gradient's norm: in the Dirac GAN (D(x) = psi x) the penalty is "
        "gamma/2 psi^2, not gamma/2 |psi|",
    )
    expect(
        not close(0.5 * gamma * (abs(psi) - 1) ** 2),
        "R1 penalises the squared gradient norm itself, ||grad||^2; (||grad|| - 1)^2 is "
        "WGAN-GP's penalty",
    )
    expect(
        close(expected),
        f"in the Dirac GAN (D(x) = psi x with psi = {psi}) r1_weight = {gamma} must add "
        f"gamma/2 psi^2 = {expected:.4f} to the loss, not {penalty:.4g}",
    )


@check("ch09-q1")
def penalty_only_at_the_real_samples(ns):
    tf = _tf()
    x_real, x_fake = tf.zeros((3, 2)), tf.constant([[1.0, 2.0], [3.0, 0.0]])
    penalty = r1_part(ns, half_square, x_real, x_fake, 1.0)  # D's gradient at x is x
    at_fakes = 0.5 * (5.0 + 9.0) / 2  # r1_weight / 2 times the mean of ||x_fake||^2
    expect(
        not math.isclose(penalty, at_fakes, rel_tol=1e-4),
        "R1 penalises D's gradient at the REAL samples only; the same penalty at the generated "
        "samples is R2, a different regulariser",
    )
    expect(
        abs(penalty) < 1e-5,
        "D is flat at the real samples here (its gradient there is 0), so the R1 penalty must "
        f"add 0 to the loss, not {penalty:.4g}",
    )


@check("ch09-q1")
def penalty_keeps_its_gradient(ns):
    from ..chapters import dirac

    tf = _tf()
    fn = student(ns, R1_LOSS)
    psi, theta, gamma = tf.Variable(-1.3), 0.7, 0.3
    with tf.GradientTape() as tape:
        value = call(fn, dirac_discriminator(psi), tf.zeros((2, 1)), tf.fill((3, 1), theta), gamma)
    expect(
        tf.is_tensor(value),
        f"compute the loss with TensorFlow operations (it returned a {type(value).__name__}), so "
        "that it has a gradient with respect to D's weights",
    )
    grad = tape.gradient(value, psi)
    expect(
        grad is not None,
        "compute the loss with TensorFlow operations on D's outputs, so that it has a gradient "
        "with respect to D's weights",
    )
    grad = float(grad)
    expected = dirac.dirac_gradients(theta, -1.3, "minimax", r1_weight=gamma)[1]
    without_penalty = dirac.dirac_gradients(theta, -1.3, "minimax")[1]
    expect(
        not math.isclose(grad, without_penalty, rel_tol=1e-4),
        "the penalty must keep its gradient with respect to D's weights "
        "(d(gamma/2 psi^2)/dpsi = gamma psi): do not turn it into NumPy or stop its gradient",
    )
    expect(
        math.isclose(grad, expected, rel_tol=1e-4),
        "in the Dirac GAN dL_D/dpsi must be theta sigmoid(psi theta) + gamma psi = "
        f"{expected:.4f}, not {grad:.4g}",
    )


# ch09-q2: the matrix M of one training step of the Dirac GAN at its equilibrium (0, 0)


def step_matrix(ns, lr, mode="simultaneous", r1_weight=0.0, d_steps=1) -> np.ndarray:
    """The student's matrix as a float64 array, after checking its shape."""
    fn = student(ns, STEP_MATRIX)
    value = call(fn, lr, mode=mode, r1_weight=r1_weight, d_steps=d_steps)
    try:
        matrix = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise CheckFailed(
            f"{STEP_MATRIX} must return a 2 x 2 array of numbers, not a {type(value).__name__}"
        ) from None
    expect(
        matrix.shape == (2, 2),
        f"{STEP_MATRIX} must return a 2 x 2 array (rows and columns in the order theta, psi), "
        f"not one of shape {matrix.shape}",
    )
    expect(bool(np.all(np.isfinite(matrix))), f"{STEP_MATRIX} returned inf or nan: {matrix}")
    return matrix


def spectral_radius(matrix) -> float:
    return float(np.abs(np.linalg.eigvals(matrix)).max())


@check("ch09-q2")
def simultaneous_steps_spiral_out(ns):
    for h in (0.01, 0.1, 1.0):
        rho = spectral_radius(step_matrix(ns, h, "simultaneous"))
        expect(
            math.isclose(rho, math.sqrt(1 + h * h / 4), rel_tol=1e-9),
            "simultaneous steps: M = I + hJ has eigenvalues 1 +- ih/2 and spectral radius "
            f"sqrt(1 + h^2/4) (the slope a is sigma(0) = 1/2); at h = {h} got {rho:.6g}",
        )


@check("ch09-q2")
def alternating_steps_keep_the_area(ns):
    for h in (0.5, 2.0, 3.9, 4.5):
        m = step_matrix(ns, h, "alternating")
        det, trace = float(np.linalg.det(m)), float(np.trace(m))
        expect(
            math.isclose(det, 1.0, rel_tol=1e-9)
            and math.isclose(trace, 2 - h * h / 4, rel_tol=1e-9),
            "one alternating step (discriminator, then generator) has determinant 1 and trace "
            f"2 - h^2/4; at h = {h} got determinant {det:.6g} and trace {trace:.6g}",
        )


@check("ch09-q2")
def the_generator_moves_last(ns):
    h = 0.1
    m = step_matrix(ns, h, "alternating")
    expect(
        math.isclose(m[0, 0], 1 - h * h / 4, rel_tol=1e-9) and math.isclose(m[1, 1], 1.0),
        "in an alternating step the generator moves after the discriminator's step and sees the "
        "new psi: M = G @ D (D rightmost), so M[0, 0] = 1 - h^2/4 and M[1, 1] = 1",
    )


@check("ch09-q2")
def matches_one_training_step(ns):
    from ..chapters import dirac

    eps, h = 1e-6, 0.1
    for mode, gamma, k in (("simultaneous", 0.3, 1), ("alternating", 0.3, 2)):
        settings = dict(mode=mode, r1_weight=gamma, d_steps=k)

        def step(theta, psi, settings=settings):  # (theta, psi) after one library update
            return dirac.dirac_trajectory(theta, psi, 1, h, **settings)[1]

        columns = [
            (step(eps, 0.0) - step(-eps, 0.0)) / (2 * eps),
            (step(0.0, eps) - step(0.0, -eps)) / (2 * eps),
        ]
        numeric = np.stack(columns, axis=1)
        expect(
            np.allclose(step_matrix(ns, h, mode, gamma, k), numeric, atol=1e-8),
            "M must be the derivative at (0, 0) of one gradient-DESCENT step of both players, "
            f"order (theta, psi); it is not, for mode={mode!r}, r1_weight={gamma}, d_steps={k}",
        )
