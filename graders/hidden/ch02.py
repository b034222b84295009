"""Hidden checks of chapter 2's graded exercises: run by `ganbook grade`, not in the student's
notebook. They use the same helpers as the public checks (ganbook_lib.grading)."""

import math

import numpy as np

from ganbook_lib.grading import call, check, expect, student


@check("ch02-q1", hidden=True)
def discriminator_loss_is_exact_for_large_logits(ns):
    import tensorflow as tf

    fn = student(ns, "discriminator_loss")
    right = float(call(fn, tf.fill((4, 1), 200.0), tf.fill((4, 1), -200.0)))
    wrong = float(call(fn, tf.fill((4, 1), -200.0), tf.fill((4, 1), 200.0)))
    expect(
        math.isfinite(right) and right < 1e-6 and abs(wrong - 400.0) < 1e-2,
        "L_D must be exact for logits of 200 and -200: compute it with softplus (or a "
        "from_logits cross-entropy), not log(sigmoid(...))",
    )


@check("ch02-q1", hidden=True)
def discriminator_loss_averages_each_batch_on_its_own(ns):
    import tensorflow as tf

    fn = student(ns, "discriminator_loss")
    hint = "average the real batch and the fake batch each on its own: they may differ in size"
    value = float(call(fn, tf.zeros((3, 1)), tf.ones((5, 1)), hint=hint))
    expected = math.log(2) + math.log1p(math.e)  # softplus(0) + softplus(1)
    expect(abs(value - expected) < 1e-5, hint)


@check("ch02-q2", hidden=True)
def generator_loss_gradient_is_strong_when_rejected(ns):
    import tensorflow as tf

    fn = student(ns, "nonsaturating_generator_loss")
    logits = tf.Variable(tf.fill((4, 1), -10.0))
    with tf.GradientTape() as tape:
        value = call(fn, logits)
    grad = tape.gradient(value, logits)
    expect(grad is not None, "the loss must be computed with TensorFlow operations on d_fake")
    per_sample = 4 * grad.numpy()
    expect(
        bool(np.allclose(per_sample, -1.0 / (1.0 + math.exp(-10.0)), atol=1e-4)),
        "when D rejects a fake (logit -10) the gradient must be about -1: that is what "
        "non-saturating means",
    )


@check("ch02-q2", hidden=True)
def generator_loss_is_exact_for_large_logits(ns):
    import tensorflow as tf

    fn = student(ns, "nonsaturating_generator_loss")
    value = float(call(fn, tf.fill((2, 1), -200.0)))
    expect(
        abs(value - 200.0) < 1e-2,
        "the loss must be exact for a logit of -200: use softplus(-logit), not log(sigmoid)",
    )
