"""Typical wrong answers to chapter 1's graded exercises. Each entry: (exercise, what is
wrong, the student's code, the check that must fail, words its message must contain).
tests/test_grading.py runs every entry of every file here."""

WRONG = [
    (
        "ch01-q1",
        "the standard deviations used as variances",
        """
        def mixture_pdf(x, means, stds, weights):
            x = np.asarray(x, np.float64)[:, None]
            var = np.asarray(stds, np.float64)
            bumps = np.exp(-0.5 * (x - means) ** 2 / var) / np.sqrt(2 * np.pi * var)
            return bumps @ np.asarray(weights, np.float64)
        """,
        "mixture_pdf_of_one_gaussian",
        "not variances",
    ),
    (
        "ch01-q1",
        "the weights ignored: the bumps are summed",
        """
        def mixture_pdf(x, means, stds, weights):
            x, s = np.asarray(x, np.float64)[:, None], np.asarray(stds, np.float64)
            bumps = np.exp(-0.5 * ((x - means) / s) ** 2) / (s * np.sqrt(2 * np.pi))
            return bumps.sum(axis=1)
        """,
        "mixture_pdf_uses_the_weights",
        "multiply bump k by its weight",
    ),
    (
        "ch01-q1",
        "the normalising factor 1 / (s sqrt(2 pi)) forgotten",
        """
        def mixture_pdf(x, means, stds, weights):
            x, s = np.asarray(x, np.float64)[:, None], np.asarray(stds, np.float64)
            return np.exp(-0.5 * ((x - means) / s) ** 2) @ np.asarray(weights, np.float64)
        """,
        "mixture_pdf_of_one_gaussian",
        "normalising factor",
    ),
    (
        "ch01-q1",
        "the factor 1 / s forgotten (only 1 / sqrt(2 pi))",
        """
        def mixture_pdf(x, means, stds, weights):
            x, s = np.asarray(x, np.float64)[:, None], np.asarray(stds, np.float64)
            bumps = np.exp(-0.5 * ((x - means) / s) ** 2) / np.sqrt(2 * np.pi)
            return bumps @ np.asarray(weights, np.float64)
        """,
        "mixture_pdf_integrates_to_one",
        "must integrate to 1",
    ),
    (
        "ch01-q1",
        "the log-density returned",
        """
        def mixture_pdf(x, means, stds, weights):
            x, s = np.asarray(x, np.float64)[:, None], np.asarray(stds, np.float64)
            log_bumps = -0.5 * ((x - means) / s) ** 2 - np.log(s * np.sqrt(2 * np.pi))
            return np.log(np.exp(log_bumps) @ np.asarray(weights, np.float64))
        """,
        "mixture_pdf_of_one_gaussian",
        "not its logarithm",
    ),
    (
        "ch01-q1",
        "x - means element by element, without an (n, K) table",
        """
        def mixture_pdf(x, means, stds, weights):
            x, s = np.asarray(x, np.float64), np.asarray(stds, np.float64)
            return weights * np.exp(-0.5 * ((x - means) / s) ** 2) / (s * np.sqrt(2 * np.pi))
        """,
        "mixture_pdf_integrates_to_one",
        "every point meets every bump",
    ),
    (
        "ch01-q1",
        "the same, hidden when there are as many points as bumps",
        """
        def mixture_pdf(x, means, stds, weights):
            x = np.asarray(x, np.float64)
            if len(x) != len(means):
                x = x[:, None]
            s = np.asarray(stds, np.float64)
            bumps = np.exp(-0.5 * ((x - means) / s) ** 2) / (s * np.sqrt(2 * np.pi))
            return (weights * bumps).sum(axis=-1) if bumps.ndim == 2 else weights * bumps
        """,
        "mixture_pdf_pairs_every_point_with_every_bump_when_n_equals_k",
        "each point must still meet every bump",
    ),
    (
        "ch01-q1",
        "the (n, K) table of weighted bumps returned, not summed over k",
        """
        def mixture_pdf(x, means, stds, weights):
            x, s = np.asarray(x, np.float64)[:, None], np.asarray(stds, np.float64)
            return weights * np.exp(-0.5 * ((x - means) / s) ** 2) / (s * np.sqrt(2 * np.pi))
        """,
        "mixture_pdf_returns_float64_of_shape_n",
        "sum the weighted bumps over k",
    ),
    (
        "ch01-q2",
        "the logits returned as they are",
        """
        def discriminator_probability(discriminator, x, batch_size=4096):
            x = np.asarray(x, np.float32)
            out = [np.asarray(discriminator(x[i : i + batch_size], training=False)).reshape(-1)
                   for i in range(0, len(x), batch_size)]
            return np.concatenate(out).astype(np.float64)
        """,
        "probability_is_the_sigmoid_of_each_logit",
        "you returned the logits",
    ),
    (
        "ch01-q2",
        "a softmax over the batch instead of a sigmoid per point",
        """
        from scipy.special import softmax

        def discriminator_probability(discriminator, x, batch_size=4096):
            x = np.asarray(x, np.float32)
            out = [np.asarray(discriminator(x[i : i + batch_size], training=False)).reshape(-1)
                   for i in range(0, len(x), batch_size)]
            return softmax(np.concatenate(out).astype(np.float64))
        """,
        "probability_is_the_sigmoid_of_each_logit",
        "not a softmax over the batch",
    ),
    (
        "ch01-q2",
        "the sigmoid of minus the logit (the probability of 'generated')",
        """
        from scipy.special import expit

        def discriminator_probability(discriminator, x, batch_size=4096):
            x = np.asarray(x, np.float32)
            out = [np.asarray(discriminator(x[i : i + batch_size], training=False)).reshape(-1)
                   for i in range(0, len(x), batch_size)]
            return expit(-np.concatenate(out).astype(np.float64))
        """,
        "probability_is_the_sigmoid_of_each_logit",
        "check the sign",
    ),
    (
        "ch01-q2",
        "the (m, 1) column of probabilities returned",
        """
        from scipy.special import expit

        def discriminator_probability(discriminator, x, batch_size=4096):
            x = np.asarray(x, np.float32)
            out = [np.asarray(discriminator(x[i : i + batch_size], training=False))
                   for i in range(0, len(x), batch_size)]
            return expit(np.concatenate(out).astype(np.float64))
        """,
        "probability_has_one_value_per_point",
        "flatten the (m, 1) logits",
    ),
    (
        "ch01-q2",
        "tf.sigmoid's float32 tensor returned as it is",
        """
        def discriminator_probability(discriminator, x, batch_size=4096):
            x = np.asarray(x, np.float32)
            out = [tf.reshape(discriminator(x[i : i + batch_size], training=False), [-1])
                   for i in range(0, len(x), batch_size)]
            return tf.sigmoid(tf.concat(out, axis=0))
        """,
        "probability_has_one_value_per_point",
        "return a NumPy array",
    ),
    (
        "ch01-q2",
        "the last, partial batch dropped",
        """
        from scipy.special import expit

        def discriminator_probability(discriminator, x, batch_size=4096):
            x = np.asarray(x, np.float32)
            out = [np.asarray(discriminator(x[i : i + batch_size], training=False)).reshape(-1)
                   for i in range(0, len(x) - batch_size + 1, batch_size)]
            return expit(np.concatenate(out).astype(np.float64))
        """,
        "probability_covers_every_point_in_batches",
        "the last, partial batch too",
    ),
    (
        "ch01-q2",
        "batch_size ignored: every point in one call",
        """
        from scipy.special import expit

        def discriminator_probability(discriminator, x, batch_size=4096):
            logits = np.asarray(discriminator(np.asarray(x, np.float32), training=False))
            return expit(logits.reshape(-1).astype(np.float64))
        """,
        "probability_covers_every_point_in_batches",
        "at most batch_size points at a time",
    ),
    (
        "ch01-q2",
        "the discriminator called in training mode",
        """
        from scipy.special import expit

        def discriminator_probability(discriminator, x, batch_size=4096):
            x = np.asarray(x, np.float32)
            out = [np.asarray(discriminator(x[i : i + batch_size], training=True)).reshape(-1)
                   for i in range(0, len(x), batch_size)]
            return expit(np.concatenate(out).astype(np.float64))
        """,
        "probability_calls_the_discriminator_in_inference_mode",
        "training=False",
    ),
    (
        "ch01-q2",
        "the textbook formula exp(l) / (1 + exp(l)), which overflows",
        """
        def discriminator_probability(discriminator, x, batch_size=4096):
            x = np.asarray(x, np.float32)
            out = [np.asarray(discriminator(x[i : i + batch_size], training=False)).reshape(-1)
                   for i in range(0, len(x), batch_size)]
            logits = np.concatenate(out).astype(np.float64)
            return np.exp(logits) / (1.0 + np.exp(logits))
        """,
        "probability_is_exact_for_large_logits",
        "stable sigmoid",
    ),
]
