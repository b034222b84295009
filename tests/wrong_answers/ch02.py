"""Typical wrong answers to chapter 2's graded exercises. Each entry: (exercise, what is
wrong, the student's code, the check that must fail, words its message must contain).
tests/test_grading.py runs every entry of every file here."""

WRONG = [
    (
        "ch02-q1",
        "the article's L_D, which is V itself (sign flipped)",
        """
        def discriminator_loss(d_real, d_fake):
            return (tf.reduce_mean(tf.math.log_sigmoid(d_real))
                    + tf.reduce_mean(tf.math.log_sigmoid(-d_fake)))
        """,
        "discriminator_loss_at_logit_zero",
        "2 log 2 = 1.386",
    ),
    (
        "ch02-q1",
        "probabilities passed where the formula wants logits",
        """
        def discriminator_loss(d_real, d_fake):
            p_real, p_fake = tf.sigmoid(d_real), tf.sigmoid(d_fake)
            return tf.reduce_mean(tf.nn.softplus(-p_real)) + tf.reduce_mean(tf.nn.softplus(p_fake))
        """,
        "discriminator_loss_at_logit_zero",
        "2 log 2 = 1.386",
    ),
    (
        "ch02-q1",
        "log of the sigmoid, infinite once the sigmoid rounds to 0 or 1",
        """
        def discriminator_loss(d_real, d_fake):
            return (-tf.reduce_mean(tf.math.log(tf.sigmoid(d_real)))
                    - tf.reduce_mean(tf.math.log(1.0 - tf.sigmoid(d_fake))))
        """,
        "discriminator_loss_is_exact_for_large_logits",
        "softplus",
    ),
    (
        "ch02-q1",
        "real and fake swapped",
        """
        def discriminator_loss(d_real, d_fake):
            return tf.reduce_mean(tf.nn.softplus(d_real)) + tf.reduce_mean(tf.nn.softplus(-d_fake))
        """,
        "discriminator_loss_gradient_signs",
        "check the signs",
    ),
    (
        "ch02-q1",
        "one mean over the element-wise sum of the two batches",
        """
        def discriminator_loss(d_real, d_fake):
            return tf.reduce_mean(tf.nn.softplus(-d_real) + tf.nn.softplus(d_fake))
        """,
        "discriminator_loss_averages_each_batch_on_its_own",
        "may differ in size",
    ),
    (
        "ch02-q1",
        "NumPy instead of TensorFlow: no gradient",
        """
        def discriminator_loss(d_real, d_fake):
            softplus = lambda x: np.logaddexp(0.0, x)
            return np.mean(softplus(-np.asarray(d_real))) + np.mean(softplus(np.asarray(d_fake)))
        """,
        "discriminator_loss_gradient_signs",
        "TensorFlow operations",
    ),
    (
        "ch02-q2",
        "the article's L_G = E[log D(x')], minimised as written",
        """
        def nonsaturating_generator_loss(d_fake):
            return tf.reduce_mean(tf.math.log_sigmoid(d_fake))
        """,
        "generator_loss_at_logit_zero",
        "log 2 = 0.693",
    ),
    (
        "ch02-q2",
        "the fakes labelled 0 (the discriminator's view)",
        """
        def nonsaturating_generator_loss(d_fake):
            return tf.reduce_mean(tf.nn.softplus(d_fake))
        """,
        "generator_loss_is_cross_entropy_with_label_real",
        "labelled REAL",
    ),
    (
        "ch02-q2",
        "the minimax loss, which saturates",
        """
        def nonsaturating_generator_loss(d_fake):
            return -tf.reduce_mean(tf.nn.softplus(d_fake)) + 2 * tf.math.log(2.0)
        """,
        "generator_loss_gradient_is_strong_when_rejected",
        "non-saturating means",
    ),
]
