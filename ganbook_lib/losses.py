"""GAN losses, all computed from discriminator *logits*.

Notation (chapter 4): ``d_real = D(x)`` and ``d_fake = D(G(z))`` are logits; the discriminator's
probability is ``sigmoid(logit)``. Every function returns a scalar to be *minimised*.

Identities used: ``-log sigmoid(l) = softplus(-l)`` and ``-log(1 - sigmoid(l)) = softplus(l)``,
which are numerically stable for any logit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import tensorflow as tf

from . import GanbookError


def discriminator_loss(d_real, d_fake):
    """Binary cross-entropy of the discriminator (chapter 4, eq. ``d-loss``):

    ``L_D = -E_x[log D(x)] - E_z[log(1 - D(G(z)))] = -V(D, G)``

    the negative of the minimax value function. At logits 0 on both sides it equals ``2 log 2``.
    """
    return tf.reduce_mean(tf.nn.softplus(-d_real)) + tf.reduce_mean(tf.nn.softplus(d_fake))


def minimax_generator_loss(d_fake):
    """The original (saturating) generator loss of Goodfellow et al. (2014), chapter 4:

    ``L_G = E_z[log(1 - D(G(z)))]``   (to be minimised)

    Its gradient vanishes when D confidently rejects the fakes (``D(G(z)) -> 0``).
    """
    return -tf.reduce_mean(tf.nn.softplus(d_fake))


def nonsaturating_generator_loss(d_fake):
    """The non-saturating generator loss (Goodfellow et al., 2014), chapter 4:

    ``L_G = -E_z[log D(G(z))]``

    Same fixed point as the minimax loss, strong gradients when D rejects the fakes. The source
    article writes ``E[log D(x')]`` without the minus sign: that is the quantity to *maximise*.
    """
    return tf.reduce_mean(tf.nn.softplus(-d_fake))


def least_squares_discriminator_loss(d_real, d_fake):
    """LSGAN discriminator loss (Mao et al., 2017) on raw outputs, chapter 4:

    ``L_D = 1/2 E_x[(D(x) - 1)^2] + 1/2 E_z[D(G(z))^2]``
    """
    return 0.5 * tf.reduce_mean(tf.square(d_real - 1.0)) + 0.5 * tf.reduce_mean(tf.square(d_fake))


def least_squares_generator_loss(d_fake):
    """LSGAN generator loss (Mao et al., 2017): ``L_G = 1/2 E_z[(D(G(z)) - 1)^2]``."""
    return 0.5 * tf.reduce_mean(tf.square(d_fake - 1.0))


def wasserstein_critic_loss(d_real, d_fake):
    """WGAN critic loss (Arjovsky et al., 2017), chapter 4: ``L_D = E_z[D(G(z))] - E_x[D(x)]``.

    Its negative estimates the Wasserstein-1 distance when D is 1-Lipschitz (enforce that
    with :func:`gradient_penalty`).
    """
    return tf.reduce_mean(d_fake) - tf.reduce_mean(d_real)


def wasserstein_generator_loss(d_fake):
    """WGAN generator loss: ``L_G = -E_z[D(G(z))]``."""
    return -tf.reduce_mean(d_fake)


def hinge_discriminator_loss(d_real, d_fake):
    """Hinge discriminator loss (Lim & Ye, 2017; Miyato et al., 2018), chapter 4:

    ``L_D = E_x[max(0, 1 - D(x))] + E_z[max(0, 1 + D(G(z)))]``
    """
    return tf.reduce_mean(tf.nn.relu(1.0 - d_real)) + tf.reduce_mean(tf.nn.relu(1.0 + d_fake))


def hinge_generator_loss(d_fake):
    """Hinge generator loss: ``L_G = -E_z[D(G(z))]``."""
    return -tf.reduce_mean(d_fake)


def relativistic_discriminator_loss(d_real, d_fake):
    """Relativistic pairing (RpGAN) discriminator loss (Jolicoeur-Martineau, 2019; the loss of
    R3GAN, Huang et al., 2024):

    ``L_D = E_{x, z}[softplus(D(G(z)) - D(x))] = -E[log sigmoid(D(x) - D(G(z)))]``

    Each real sample is paired with one fake (the i-th of each batch): D is asked only that the
    real one of a pair look more real than the fake one, not that every real look real. At
    ``D(x) = D(G(z))`` it equals ``log 2``.
    """
    return tf.reduce_mean(tf.nn.softplus(d_fake - d_real))


def relativistic_generator_loss(d_fake, d_real):
    """RpGAN generator loss: ``L_G = E_{x, z}[softplus(D(x) - D(G(z)))]``, the discriminator's
    loss with the roles of the pair swapped. It needs ``D(x)`` of the paired real samples, so
    its family is *paired* (:class:`LossFamily`)."""
    return tf.reduce_mean(tf.nn.softplus(d_real - d_fake))


def _critic_gradients(critic, x, *critic_args):
    if not tf.is_tensor(x):  # a NumPy array cannot be watched
        x = tf.convert_to_tensor(x, dtype=tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(x)
        out = critic([x, *critic_args] if critic_args else x, training=True)
    grads = tape.gradient(out, x)
    return tf.reshape(grads, (tf.shape(grads)[0], -1))


def gradient_penalty(critic, x_real, x_fake, *critic_args, seed=None):
    """WGAN-GP penalty (Gulrajani et al., 2017), chapter 4:

    ``GP = E_{x^}[(||grad_x^ D(x^)||_2 - 1)^2]``,  ``x^ = e x + (1 - e) G(z)``, ``e ~ U[0, 1]``

    The caller multiplies by its weight (lambda = 10 in the paper). Extra ``critic_args`` (such
    as labels) are passed to the critic after the input. Zero for a linear critic whose weight
    vector has unit norm.
    """
    shape = tf.concat([tf.shape(x_real)[:1], tf.ones([tf.rank(x_real) - 1], tf.int32)], 0)
    if seed is None:
        eps = tf.random.uniform(shape, dtype=x_real.dtype)
    else:
        eps = tf.random.stateless_uniform(shape, seed=[seed, 0], dtype=x_real.dtype)
    x_hat = eps * x_real + (1.0 - eps) * x_fake
    norms = tf.norm(_critic_gradients(critic, x_hat, *critic_args), axis=1)
    return tf.reduce_mean(tf.square(norms - 1.0))


def r1_penalty(discriminator, x_real, *discriminator_args):
    """R1 penalty (Mescheder et al., 2018), chapter 9: ``R1 = E_x[||grad_x D(x)||_2^2]``.

    The caller multiplies by ``gamma / 2``. It vanishes where the discriminator is flat on the
    data, which is what makes the Dirac GAN converge.
    """
    grads = _critic_gradients(discriminator, x_real, *discriminator_args)
    return tf.reduce_mean(tf.reduce_sum(tf.square(grads), axis=1))


def r2_penalty(discriminator, x_fake, *discriminator_args):
    """R2 penalty (Mescheder et al., 2018; with R1 in R3GAN, Huang et al., 2024), the same
    gradient norm on generated samples: ``R2 = E_z[||grad_x D(x)||_2^2 at x = G(z)]``.

    The caller multiplies by ``gamma / 2``. ``x_fake`` is treated as data: no gradient flows
    into the generator. Together with R1 it keeps D flat on both distributions.
    """
    return r1_penalty(discriminator, tf.stop_gradient(x_fake), *discriminator_args)


@dataclass(frozen=True)
class LossFamily:
    """A matched pair of discriminator and generator losses.

    ``discriminator(d_real, d_fake)``; ``generator(d_fake)``, or ``generator(d_fake, d_real)``
    when ``paired`` (the generator's loss compares each fake with a real sample, as RpGAN's).
    """

    name: str
    discriminator: Callable
    generator: Callable
    probabilistic: bool  # whether sigmoid(logit) is a probability D(x) for this family
    paired: bool = False


LOSSES = {
    "nonsaturating": LossFamily(
        "nonsaturating", discriminator_loss, nonsaturating_generator_loss, True
    ),
    "minimax": LossFamily("minimax", discriminator_loss, minimax_generator_loss, True),
    "least_squares": LossFamily(
        "least_squares", least_squares_discriminator_loss, least_squares_generator_loss, False
    ),
    "wasserstein": LossFamily(
        "wasserstein", wasserstein_critic_loss, wasserstein_generator_loss, False
    ),
    "hinge": LossFamily("hinge", hinge_discriminator_loss, hinge_generator_loss, False),
    "rpgan": LossFamily(
        "rpgan", relativistic_discriminator_loss, relativistic_generator_loss, False, paired=True
    ),
}


def get_loss(name: str | LossFamily) -> LossFamily:
    """The :class:`LossFamily` called ``name`` (one of ``LOSSES``)."""
    if isinstance(name, LossFamily):
        return name
    if name not in LOSSES:
        raise GanbookError(f"unknown loss {name!r}; accepted: {', '.join(LOSSES)}")
    return LOSSES[name]
