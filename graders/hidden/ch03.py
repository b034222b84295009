"""Hidden checks of chapter 3's graded exercises: run by `ganbook grade`, not in the student's
notebook. They use the same helpers as the public checks (ganbook_lib.grading)."""

import math

import numpy as np

from ganbook_lib.grading import call, check, expect, student
from ganbook_lib.grading.ch03 import LR, dirac_step, losses_of, zeros

# a start where D's logit on the fakes is psi * theta = 200: log(sigmoid(-200)) underflows
FAR = (20.0, 10.0)


def _far_step_is_exact(fn, batches, name):
    (theta, psi), out = dirac_step(fn, batches, start=FAR)
    d_loss, g_loss = losses_of(out, name)
    theta0, psi0 = FAR
    expect(
        all(math.isfinite(v) for v in (theta, psi, d_loss, g_loss)),
        "with D's logit at 200 on the fakes, psi or a loss became inf or nan: compute the "
        "losses with softplus (or from_logits=True), not log(sigmoid(...))",
    )
    # dL_D/dpsi = theta * sigmoid(200) = theta: one D step moves psi by LR * theta, either way
    expect(
        abs(abs(psi - psi0) - LR * theta0) < 1e-4,
        f"with D's logit at 200 on the fakes psi must move by {LR * theta0:g}, not "
        f"{abs(psi - psi0):.4g}: the loss saturated; compute it from the logits with softplus, "
        "not from clipped probabilities",
    )


def _mlps(seed=0):
    import keras

    from ganbook_lib import models

    keras.utils.set_random_seed(seed)
    return models.mlp_generator(4, 2, 8, 1), models.mlp_discriminator(2, 8, 1)


# ch03-q1


@check("ch03-q1", hidden=True)
def train_step_is_exact_for_large_logits(ns):
    _far_step_is_exact(student(ns, "train_step"), None, "train_step")


@check("ch03-q1", hidden=True)
def train_step_matches_the_library_on_small_mlps(ns):
    import keras
    import tensorflow as tf

    from ganbook_lib import training

    fn = student(ns, "train_step")
    x = tf.random.stateless_normal((16, 2), seed=[1, 2])
    after = []
    for step in (fn, training.gradient_tape_train_step):
        g, d = _mlps()
        tf.random.set_seed(7)  # the same z for both, if both draw it with tf.random.normal
        opts = keras.optimizers.SGD(0.05), keras.optimizers.SGD(0.05)
        out = call(step, g, d, *opts, x, 4, hint="train_step failed on small MLPs")
        after.append((losses_of(out, "train_step"), g.get_weights() + d.get_weights()))
    (mine, mine_w), (ref, ref_w) = after
    expect(
        np.allclose(mine, ref, rtol=1e-5)
        and all(np.allclose(a, b, atol=1e-6) for a, b in zip(mine_w, ref_w)),
        "on small MLPs with equal weights and seed, your step must end where "
        "training.gradient_tape_train_step does (draw z once, with "
        "tf.random.normal((batch, latent_dim)))",
    )


# ch03-q2


def _alternating_with_data(start, batches):
    """(theta, psi) after one D step per real minibatch (Dirac D(x) = psi x) and one G step."""

    def sig(u):
        return 1.0 / (1.0 + math.exp(-u))

    theta, psi = start
    for x in batches:
        x = np.asarray(x, dtype=np.float64).ravel()
        # L_D = mean softplus(-psi x) + softplus(psi theta)
        psi -= LR * (np.mean(-x * np.array([sig(-psi * v) for v in x])) + theta * sig(psi * theta))
    return theta + LR * psi * sig(-psi * theta), psi


@check("ch03-q2", hidden=True)
def alternating_step_uses_each_minibatch_once(ns):
    import tensorflow as tf

    fn = student(ns, "alternating_k_step")
    batches = [tf.zeros((8, 1)), tf.fill((8, 1), 0.5)]
    (_, psi), _ = dirac_step(fn, batches)
    expected_psi = _alternating_with_data((1.0, 1.0), batches)[1]
    expect(
        abs(psi - expected_psi) < 1e-5,
        f"D's step i must use x_real_batches[i]: with minibatches of 0s and of 0.5s psi must end "
        f"at {expected_psi:.5f}, not {psi:.5f}",
    )


@check("ch03-q2", hidden=True)
def alternating_step_draws_fresh_noise_for_every_step(ns):
    import keras

    fn = student(ns, "alternating_k_step")
    seen = []

    class Recording(keras.Model):  # the Dirac generator, noting each z it is given
        def __init__(self, inner):
            super().__init__(name="recording_generator")
            self.inner = inner

        def call(self, z, training=False):
            if hasattr(z, "numpy"):
                seen.append(np.array(z))
            return self.inner(z, training=training)

    k, m = 3, 5
    dirac_step(fn, zeros(k, m), generator=Recording)
    expect(
        all(z.shape == (m, 1) for z in seen),
        f"z must have shape (m, latent_dim): here ({m}, 1), got "
        f"{sorted({z.shape for z in seen if z.shape != (m, 1)})}",
    )
    expect(
        not seen or len({z.tobytes() for z in seen}) >= k + 1,
        f"draw fresh z for every discriminator step and once more for the generator's step "
        f"(k + 1 = {k + 1} draws with k = {k}); got {len({z.tobytes() for z in seen})} "
        "different z",
    )


@check("ch03-q2", hidden=True)
def alternating_step_is_exact_for_large_logits(ns):
    _far_step_is_exact(student(ns, "alternating_k_step"), zeros(1), "alternating_k_step")


@check("ch03-q2", hidden=True)
def alternating_step_matches_gan_train_step(ns):
    import keras
    import tensorflow as tf

    from ganbook_lib.chapters import dirac
    from ganbook_lib.training import GAN

    fn = student(ns, "alternating_k_step")
    rng = np.random.default_rng(3)
    start = tuple(float(v) for v in rng.uniform(-1.5, 1.5, size=2))
    real = tf.constant(rng.normal(0.3, 0.4, size=(2, 6, 1)), tf.float32)  # k = 2 minibatches
    (theta, psi), _ = dirac_step(fn, list(tf.unstack(real)), start=start)
    g, d = dirac.dirac_models(*start)
    gan = GAN(g, d)
    gan.compile(keras.optimizers.SGD(LR), keras.optimizers.SGD(LR), d_steps=2)
    gan.train_step(real)
    ref_theta, ref_psi = dirac.dirac_parameters(g, d)
    expect(
        abs(theta - ref_theta) < 1e-5 and abs(psi - ref_psi) < 1e-5,
        f"from (theta, psi) = ({start[0]:.3f}, {start[1]:.3f}) with two random minibatches, "
        f"GAN.train_step(d_steps=2) ends at ({ref_theta:.5f}, {ref_psi:.5f}), yours at "
        f"({theta:.5f}, {psi:.5f})",
    )
