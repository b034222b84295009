"""Typical wrong answers to chapter 5's graded exercises. Each entry: (exercise, what is
wrong, the student's code, the check that must fail, words its message must contain).
tests/test_grading.py runs every entry of every file here."""

WRONG = [
    (
        "ch05-q1",
        "-log(sigmoid(l)) typed in: sigmoid(-120) rounds to 0",
        """
        def real_image_loss(logits):
            return tf.reshape(-tf.math.log(tf.sigmoid(logits)), [-1])
        """,
        "real_image_loss_values",
        "infinite or NaN at logit -120",
    ),
    (
        "ch05-q1",
        "softplus written out as log(1 + exp(-l)): exp(120) overflows",
        """
        def real_image_loss(logits):
            return tf.reshape(tf.math.log(1.0 + tf.exp(-logits)), [-1])
        """,
        "real_image_loss_values",
        "infinite or NaN at logit -120",
    ),
    (
        "ch05-q1",
        "the article's route: Keras's cross-entropy on probabilities, from_logits missing",
        """
        def real_image_loss(logits):
            return keras.losses.binary_crossentropy(tf.ones_like(logits), tf.sigmoid(logits))
        """,
        "real_image_loss_values",
        "from_logits=True",
    ),
    (
        "ch05-q1",
        "probabilities passed as logits to a from_logits cross-entropy",
        """
        def real_image_loss(logits):
            return keras.losses.binary_crossentropy(
                tf.ones_like(logits), tf.sigmoid(logits), from_logits=True
            )
        """,
        "real_image_loss_values",
        "probabilities sigmoid(l) were passed where logits are expected",
    ),
    (
        "ch05-q1",
        "a sign error: softplus(l), the loss of an image labelled fake",
        """
        def real_image_loss(logits):
            return tf.reshape(tf.nn.softplus(logits), [-1])
        """,
        "real_image_loss_values",
        "labelled fake",
    ),
    (
        "ch05-q1",
        "a sign error: log sigmoid(l), the loss with its minus sign dropped",
        """
        def real_image_loss(logits):
            return tf.reshape(tf.math.log_sigmoid(logits), [-1])
        """,
        "real_image_loss_gradients",
        "check the sign",
    ),
    (
        "ch05-q1",
        "the logit clipped to +-16 before a stable formula",
        """
        def real_image_loss(logits):
            return tf.reshape(tf.nn.softplus(-tf.clip_by_value(logits, -16.0, 16.0)), [-1])
        """,
        "real_image_loss_gradients",
        "clipping (the probability or the logit)",
    ),
    (
        "ch05-q1",
        "the batch mean returned instead of one loss per image",
        """
        def real_image_loss(logits):
            return tf.reduce_mean(tf.nn.softplus(-logits))
        """,
        "real_image_loss_one_per_image",
        "return one loss per image, shape (n,)",
    ),
    (
        "ch05-q1",
        "NumPy instead of TensorFlow: no gradient",
        """
        def real_image_loss(logits):
            return np.logaddexp(0.0, -np.asarray(logits)).ravel()
        """,
        "real_image_loss_gradients",
        "TensorFlow operations",
    ),
    (
        "ch05-q2",
        "an element-wise square root of sigma1 sigma2",
        """
        def frechet_distance(mu1, sigma1, mu2, sigma2):
            with np.errstate(invalid="ignore"):
                cross = np.trace(np.sqrt(sigma1 @ sigma2))
            return float(np.sum((mu1 - mu2) ** 2) + np.trace(sigma1) + np.trace(sigma2) - 2 * cross)
        """,
        "frechet_distance_uses_a_matrix_square_root",
        "not np.sqrt element by element",
    ),
    (
        "ch05-q2",
        "the square root of the trace instead of the trace of the square root",
        """
        def frechet_distance(mu1, sigma1, mu2, sigma2):
            cross = np.sqrt(np.trace(sigma1 @ sigma2))
            return float(np.sum((mu1 - mu2) ** 2) + np.trace(sigma1) + np.trace(sigma2) - 2 * cross)
        """,
        "frechet_distance_of_diagonal_covariances",
        "not the square root of the trace",
    ),
    (
        "ch05-q2",
        "the factor 2 of the square-root term forgotten",
        """
        def frechet_distance(mu1, sigma1, mu2, sigma2):
            cross = np.sqrt(np.clip(np.linalg.eigvals(sigma1 @ sigma2).real, 0, None)).sum()
            return float(np.sum((mu1 - mu2) ** 2) + np.trace(sigma1) + np.trace(sigma2) - cross)
        """,
        "frechet_distance_of_a_gaussian_to_itself",
        "needs its factor 2",
    ),
    (
        "ch05-q2",
        "the distance between the means, not squared",
        """
        def frechet_distance(mu1, sigma1, mu2, sigma2):
            cross = np.sqrt(np.clip(np.linalg.eigvals(sigma1 @ sigma2).real, 0, None)).sum()
            mean_term = np.linalg.norm(mu1 - mu2)
            return float(max(mean_term + np.trace(sigma1) + np.trace(sigma2) - 2 * cross, 0.0))
        """,
        "frechet_distance_in_one_dimension",
        "SQUARED distance",
    ),
    (
        "ch05-q2",
        "sigma read as standard deviations and squared into covariances",
        """
        def frechet_distance(mu1, sigma1, mu2, sigma2):
            s1, s2 = sigma1 @ sigma1.T, sigma2 @ sigma2.T
            cross = np.sqrt(np.clip(np.linalg.eigvals(s1 @ s2).real, 0, None)).sum()
            return float(max(np.sum((mu1 - mu2) ** 2) + np.trace(s1) + np.trace(s2) - 2 * cross, 0))
        """,
        "frechet_distance_in_one_dimension",
        "not standard deviations",
    ),
    (
        "ch05-q2",
        "Tr(sigma1^(1/2) sigma2^(1/2)), as if the covariances commuted",
        """
        def frechet_distance(mu1, sigma1, mu2, sigma2):
            import scipy.linalg

            cross = np.trace(scipy.linalg.sqrtm(sigma1) @ scipy.linalg.sqrtm(sigma2)).real
            return float(max(np.sum((mu1 - mu2) ** 2) + np.trace(sigma1) + np.trace(sigma2)
                             - 2 * cross, 0.0))
        """,
        "frechet_distance_agrees_with_the_library",
        "unless the matrices commute",
    ),
    (
        "ch05-q2",
        "scipy's sqrtm used as it comes: a complex result for singular covariances",
        """
        def frechet_distance(mu1, sigma1, mu2, sigma2):
            import scipy.linalg

            cross = np.trace(scipy.linalg.sqrtm(sigma1 @ sigma2))
            return np.sum((mu1 - mu2) ** 2) + np.trace(sigma1) + np.trace(sigma2) - 2 * cross
        """,
        "frechet_distance_handles_singular_covariances",
        "return a real number",
    ),
    (
        "ch05-q2",
        "round-off below 0 not clipped",
        """
        def frechet_distance(mu1, sigma1, mu2, sigma2):
            cross = np.sqrt(np.clip(np.linalg.eigvals(sigma1 @ sigma2).real, 0, None)).sum()
            return float(np.sum((mu1 - mu2) ** 2) + np.trace(sigma1) + np.trace(sigma2) - 2 * cross)
        """,
        "frechet_distance_handles_singular_covariances",
        "a distance is never negative",
    ),
]
