"""Public checks of chapter 5's graded exercises (the hidden ones are in graders/hidden/)."""

from __future__ import annotations

import math

import numpy as np

from . import call, check, expect, student


def _tf():
    import tensorflow as tf

    return tf


def _show(values) -> str:
    return "[" + ", ".join(f"{v:.4g}" for v in np.ravel(values)) + "]"


# ch05-q1: -log D(x) for each image labelled real, from the discriminator's logits

LOGITS = [[-120.0], [-20.0], [0.0]]  # the chapter's three real images
EXACT = np.array([120.0, 20.0, math.log(2.0)])  # softplus(-l)


@check("ch05-q1")
def real_image_loss_values(ns):
    from ..chapters.article import PROBABILITY_EPSILON

    tf, fn = _tf(), student(ns, "real_image_loss")
    values = np.ravel(np.asarray(call(fn, tf.constant(LOGITS)), dtype=np.float64))
    expect(
        values.size == 3,
        f"return one loss per image: 3 logits gave {values.size} number(s) (do not average)",
    )
    expect(
        bool(np.all(np.isfinite(values))),
        f"-log D(x) is infinite or NaN at logit -120 ({_show(values)}): sigmoid(-120) rounds to "
        "0 in float32 (and exp(120) overflows); compute softplus(-logit) from the logit",
    )
    clipped = -math.log(PROBABILITY_EPSILON)  # 16.12: Keras clips probabilities into [1e-7, 1]
    expect(
        not np.allclose(values[:2], clipped, atol=1e-2),
        f"the loss stops at 16.12 for logits -120 and -20 ({_show(values)}): that is "
        "cross-entropy on clipped probabilities; pass the logits (from_logits=True)",
    )
    sigmoid = 1.0 / (1.0 + np.exp(-np.ravel(LOGITS)))
    expect(
        not np.allclose(values, np.logaddexp(0.0, -sigmoid), atol=1e-4),
        f"got {_show(values)}: probabilities sigmoid(l) were passed where logits are expected; "
        "with from_logits=True pass the logits themselves",
    )
    expect(
        not np.allclose(values, np.logaddexp(0.0, np.ravel(LOGITS)), atol=1e-4),
        f"got {_show(values)}: that is -log(1 - D(x)), the loss of an image labelled fake; "
        "check the sign of the logit",
    )
    expect(
        bool(np.allclose(values, EXACT, rtol=1e-5)),
        f"-log D(x) at logits -120, -20, 0 must be 120, 20, log 2 = 0.693, not {_show(values)}",
    )


@check("ch05-q1")
def real_image_loss_gradients(ns):
    tf, fn = _tf(), student(ns, "real_image_loss")
    logits = tf.Variable(LOGITS)
    with tf.GradientTape() as tape:
        value = call(fn, logits)
    expect(
        tf.is_tensor(value),
        "compute the loss with TensorFlow operations (it returned a "
        f"{type(value).__name__}), so that it has a gradient",
    )
    grad = tape.gradient(value, logits)
    expect(
        grad is not None,
        "compute the loss with TensorFlow operations on the logits, so that it has a gradient",
    )
    grad = np.ravel(grad.numpy())
    expect(
        bool(np.all(np.isfinite(grad))),
        f"the gradient is NaN or infinite ({_show(grad)}): the log of a sigmoid that rounded "
        "to 0; compute softplus(-logit) from the logit",
    )
    expect(
        grad[2] < 0,
        f"the gradient is {_show(grad)}: descending the loss must raise the logit of a real "
        "image, so the gradient must be negative; check the sign",
    )
    expect(
        not np.allclose(grad[:2], 0.0, atol=1e-6),
        "the gradient at logits -120 and -20, where D is most wrong, is 0 instead of "
        "-(1 - D) = -1: clipping (the probability or the logit) or a sigmoid before the loss "
        "cuts it",
    )
    expect(
        bool(np.allclose(grad, [-1.0, -1.0, -0.5], atol=1e-5)),
        f"d(-log D)/d logit at -120, -20, 0 must be -(1 - D) = -1, -1, -0.5, not {_show(grad)}",
    )


@check("ch05-q1")
def real_image_loss_one_per_image(ns):
    tf, fn = _tf(), student(ns, "real_image_loss")
    value = call(fn, tf.zeros((4, 1)))
    shape = tuple(np.shape(value))
    expect(
        shape == (4,),
        f"return one loss per image, shape (n,): 4 logits of shape (4, 1) gave shape {shape}",
    )


# ch05-q2: the Frechet distance between N(mu1, sigma1) and N(mu2, sigma2)


def _distance(fn, *args) -> float:
    """The student's distance as a float, or a failure that says why it is not a real number."""
    value = call(fn, *(np.array(a, dtype=np.float64) for a in args))
    expect(
        np.ndim(value) == 0,
        f"return one number, not an array of shape {np.shape(value)}",
    )
    expect(
        not np.iscomplexobj(value),
        "return a real number: a matrix square root of a singular product can come back "
        "complex (scipy's sqrtm); take its real part",
    )
    return float(value)


@check("ch05-q2")
def frechet_distance_of_a_gaussian_to_itself(ns):
    fn = student(ns, "frechet_distance")
    s = [[2.0, 0.5], [0.5, 1.0]]
    value = _distance(fn, [1.0, -1.0], s, [1.0, -1.0], s)
    expect(
        abs(value - 3.0) > 1e-6,
        f"a Gaussian must be at distance 0 from itself, not {value:.4g} = Tr(sigma): the "
        "square-root term needs its factor 2",
    )
    expect(
        abs(value) < 1e-8,
        f"a Gaussian must be at distance 0 from itself, not {value:.4g}",
    )


@check("ch05-q2")
def frechet_distance_in_one_dimension(ns):
    fn = student(ns, "frechet_distance")
    value = _distance(fn, [0.0], [[4.0]], [3.0], [[1.0]])  # 3^2 + (2 - 1)^2
    expect(
        abs(value - 4.0) > 1e-6,
        f"got {value:.4g} for means 0 and 3: the mean term is the SQUARED distance "
        "||mu1 - mu2||^2, here 9",
    )
    expect(
        abs(value - 18.0) > 1e-6,
        f"got {value:.4g}: sigma1 and sigma2 are covariance matrices (variances in 1-D), not "
        "standard deviations; do not square them",
    )
    expect(
        abs(value - 10.0) < 1e-8,
        f"N(0, variance 4) to N(3, variance 1) must be (0 - 3)^2 + (2 - 1)^2 = 10 (means, then "
        f"standard deviations), not {value:.4g}",
    )


@check("ch05-q2")
def frechet_distance_of_diagonal_covariances(ns):
    fn = student(ns, "frechet_distance")
    value = _distance(fn, [0.0, 0.0], np.diag([1.0, 4.0]), [0.0, 0.0], np.eye(2))
    expect(
        abs(value - (7.0 - 2.0 * math.sqrt(5.0))) > 1e-6,
        f"got {value:.4g}: take the trace of the matrix square root, not the square root of "
        "the trace",
    )
    expect(
        abs(value - 1.0) < 1e-8,
        f"diag(1, 4) against the identity must give 1 + 4 + 2 - 2 (1 + 2) = 1, not {value:.4g}",
    )


@check("ch05-q2")
def frechet_distance_uses_a_matrix_square_root(ns):
    fn = student(ns, "frechet_distance")
    c, s = math.cos(math.pi / 4), math.sin(math.pi / 4)
    rotation = np.array([[c, -s], [s, c]])
    rotated = rotation @ np.diag([1.0, 4.0]) @ rotation.T  # the same Gaussian, turned 45 degrees
    value = _distance(fn, [0.0, 0.0], rotated, [0.0, 0.0], np.eye(2))
    element_wise = 7.0 - 2.0 * np.sqrt(np.diag(rotated)).sum()  # np.sqrt of the product
    expect(
        abs(value - element_wise) > 1e-6,
        f"turning diag(1, 4) must not change its distance 1 to the identity (got {value:.4g}): "
        "use the MATRIX square root of sigma1 sigma2, not np.sqrt element by element",
    )
    expect(
        abs(value - 1.0) < 1e-8,
        f"turning diag(1, 4) by 45 degrees must not change its distance 1 to the identity, "
        f"got {value:.4g}",
    )
