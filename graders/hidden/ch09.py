"""Hidden checks of chapter 9's graded exercises: run by `ganbook grade`, not in the student's
notebook. They use the same helpers as the public checks (ganbook_lib.grading)."""

import math

import numpy as np

from ganbook_lib.grading import call, check, expect, student
from ganbook_lib.grading.ch09 import (
    R1_LOSS,
    TinyCritic,
    dirac_discriminator,
    r1_loss,
    r1_part,
    spectral_radius,
    step_matrix,
)

# ch09-q1: the discriminator's loss with R1


@check("ch09-q1", hidden=True)
def matches_the_library_on_random_discriminators(ns):
    import tensorflow as tf

    from ganbook_lib import losses

    def library(discriminator, x_real, x_fake, gamma):
        d_real = discriminator(x_real, training=True)
        d_fake = discriminator(x_fake, training=True)
        penalty = losses.r1_penalty(discriminator, x_real)
        return float(losses.discriminator_loss(d_real, d_fake) + 0.5 * gamma * penalty)

    rng = np.random.default_rng(5)
    points, images = TinyCritic(size=2, seed=21), TinyCritic(size=36, seed=31)
    cases = (
        ("points", points, (7, 2), (5, 2), 0.7),
        ("images", images, (3, 6, 6, 1), (4, 6, 6, 1), 2.0),
    )
    for what, discriminator, real_shape, fake_shape, gamma in cases:
        x_real = tf.constant(rng.normal(size=real_shape), tf.float32)
        x_fake = tf.constant(rng.normal(size=fake_shape), tf.float32)
        expected = library(discriminator, x_real, x_fake, gamma)
        value = r1_loss(ns, discriminator, x_real, x_fake, gamma)
        expect(
            math.isclose(value, expected, rel_tol=1e-4, abs_tol=1e-5),
            f"on a random discriminator of {what} ({real_shape[0]} real, {fake_shape[0]} "
            f"generated) the loss must be {expected:.5f}, the library's discriminator_loss + "
            f"r1_weight / 2 * r1_penalty, not {value:.5g}",
        )


@check("ch09-q1", hidden=True)
def penalty_sums_over_all_pixels(ns):
    import tensorflow as tf

    def pixel_sum(x, training=False):  # slope 1 at each of the 9 pixels of a sample
        return tf.reduce_sum(x, axis=[1, 2, 3])[:, None]

    penalty = r1_part(ns, pixel_sum, tf.zeros((2, 3, 3, 1)), tf.zeros((2, 3, 3, 1)), 2.0)
    expect(
        abs(penalty - 9.0) < 1e-4,
        "sum the squared gradient over all the coordinates of a sample (every pixel and "
        f"channel), then average over the samples: slope 1 at 9 pixels gives 9, not {penalty:.4g}",
    )


@check("ch09-q1", hidden=True)
def loss_is_exact_for_large_logits(ns):
    import tensorflow as tf

    steep = dirac_discriminator(tf.constant(200.0))
    ones = tf.ones((2, 1))
    right = r1_loss(ns, steep, ones, -ones, 0.0)  # logits 200 on real, -200 on generated
    wrong = r1_loss(ns, steep, -ones, ones, 0.0)
    expect(
        math.isfinite(right) and right < 1e-6 and abs(wrong - 400.0) < 1e-2,
        "the loss must be exact for logits of 200 and -200: compute the cross-entropy with "
        "softplus (or from logits), not log(sigmoid(...))",
    )


@check("ch09-q1", hidden=True)
def accepts_numpy_samples(ns):
    import tensorflow as tf

    fn = student(ns, R1_LOSS)
    hint = "accept NumPy samples too: convert them to a tensor before tape.watch"
    psi, theta, gamma = -1.3, 0.7, 0.3
    x_real, x_fake = np.zeros((2, 1), np.float32), np.full((3, 1), theta, np.float32)
    value = float(call(fn, dirac_discriminator(tf.constant(psi)), x_real, x_fake, gamma, hint=hint))
    expected = math.log(2) + math.log1p(math.exp(psi * theta)) + 0.5 * gamma * psi**2
    expect(
        math.isclose(value, expected, rel_tol=1e-4),
        f"with NumPy samples in the Dirac GAN (psi = {psi}, theta = {theta}, r1_weight = {gamma}) "
        f"the loss must be {expected:.4f}, not {value:.4g}",
    )


# ch09-q2: the matrix of one training step of the Dirac GAN


@check("ch09-q2", hidden=True)
def r1_makes_alternating_steps_converge(ns):
    rho = spectral_radius(step_matrix(ns, 0.1, "alternating", 0.3))
    plain = spectral_radius(step_matrix(ns, 0.1, "alternating"))
    expect(
        0.98 < rho < 0.99 and math.isclose(plain, 1.0, rel_tol=1e-9),
        "R1 damps the discriminator (psi <- psi - h (a theta + gamma psi)): with gamma = 0.3, "
        f"h = 0.1 an alternating step has spectral radius 0.985 (got {rho:.4g}), without R1 1",
    )


@check("ch09-q2", hidden=True)
def k_discriminator_steps(ns):
    h, k = 0.1, 5
    m = step_matrix(ns, h, "alternating", 0.0, k)
    expect(
        math.isclose(np.trace(m), 2 - k * h * h / 4) and math.isclose(np.linalg.det(m), 1.0),
        "with d_steps = k the round has k discriminator steps before the generator's: trace "
        f"2 - k h^2/4 = {2 - k * h * h / 4} for k = {k}, h = {h}, determinant 1",
    )


@check("ch09-q2", hidden=True)
def discriminator_steps_are_taken_one_by_one(ns):
    h, gamma, k = 0.1, 0.3, 3
    m = step_matrix(ns, h, "alternating", gamma, k)
    expect(
        math.isclose(m[1, 1], (1 - h * gamma) ** k, rel_tol=1e-9),
        "k discriminator steps multiply psi by (1 - h gamma) k times: M[1, 1] = "
        "(1 - h gamma)^k, which one step with the rate k h does not give",
    )


@check("ch09-q2", hidden=True)
def matches_the_library_on_random_settings(ns):
    from ganbook_lib.chapters import dirac

    rng = np.random.default_rng(9)
    for _ in range(6):
        h, gamma, k = (
            float(rng.uniform(0.01, 5.0)),
            float(rng.uniform(0, 2)),
            int(rng.integers(1, 7)),
        )
        for mode, steps in (("simultaneous", 1), ("alternating", k)):
            expected = dirac.dirac_jacobian(h, mode, r1_weight=gamma, d_steps=steps)
            expect(
                np.allclose(
                    step_matrix(ns, h, mode, gamma, steps), expected, rtol=1e-9, atol=1e-12
                ),
                f"M must equal dirac.dirac_jacobian(lr={h:.3g}, mode={mode!r}, "
                f"r1_weight={gamma:.3g}, d_steps={steps})",
            )
