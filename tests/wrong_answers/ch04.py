"""Typical wrong answers to chapter 4's graded exercises. Each entry: (exercise, what is
wrong, the student's code, the check that must fail, words its message must contain).
tests/test_grading.py runs every entry of every file here."""

# the right penalty, from which most wrong ones below differ in one line
_PENALTY = """
def gradient_penalty(critic, x_real, x_fake, eps):
    x_hat = eps * x_real + (1.0 - eps) * x_fake
    with tf.GradientTape() as tape:
        tape.watch(x_hat)
        scores = critic(x_hat, training=True)
    grads = tape.gradient(scores, x_hat)
    norms = tf.norm(tf.reshape(grads, (tf.shape(grads)[0], -1)), axis=1)
    return tf.reduce_mean(tf.square(norms - 1.0))
"""


def _penalty(old: str, new: str) -> str:
    assert _PENALTY.count(old) == 1, old
    return _PENALTY.replace(old, new)


WRONG = [
    (
        "ch04-q1",
        "the two densities swapped",
        """
        def optimal_discriminator(p_data, p_g):
            p_data, p_g = np.asarray(p_data, float), np.asarray(p_g, float)
            total = p_data + p_g
            return np.divide(p_g, total, out=np.full(total.shape, 0.5), where=total > 0)
        """,
        "optimal_discriminator_of_two_gaussians_is_a_logistic_curve",
        "swapped",
    ),
    (
        "ch04-q1",
        "the density ratio p_data / p_g",
        """
        def optimal_discriminator(p_data, p_g):
            return np.asarray(p_data, float) / np.asarray(p_g, float)
        """,
        "optimal_discriminator_is_one_half_where_the_densities_agree",
        "p_data / p_g",
    ),
    (
        "ch04-q1",
        "the logit log(p_data / p_g) in place of the probability",
        """
        def optimal_discriminator(p_data, p_g):
            return np.log(np.asarray(p_data, float)) - np.log(np.asarray(p_g, float))
        """,
        "optimal_discriminator_is_one_half_where_the_densities_agree",
        "not a logit",
    ),
    (
        "ch04-q1",
        "no guard for 0/0 where both densities vanish",
        """
        def optimal_discriminator(p_data, p_g):
            p_data, p_g = np.asarray(p_data, float), np.asarray(p_g, float)
            return p_data / (p_data + p_g)
        """,
        "optimal_discriminator_handles_points_without_mass",
        "divide 0 by 0",
    ),
    (
        "ch04-q1",
        "0 where both densities vanish",
        """
        def optimal_discriminator(p_data, p_g):
            p_data, p_g = np.asarray(p_data, float), np.asarray(p_g, float)
            total = p_data + p_g
            return np.divide(p_data, total, out=np.zeros_like(total), where=total > 0)
        """,
        "optimal_discriminator_handles_points_without_mass",
        "exactly 1/2",
    ),
    (
        "ch04-q1",
        "the output array takes the inputs' dtype, integer for a histogram's counts",
        """
        def optimal_discriminator(p_data, p_g):
            total = np.asarray(p_data) + np.asarray(p_g)
            return np.divide(p_data, total, out=np.full_like(total, 0.5), where=total > 0)
        """,
        "optimal_discriminator_takes_histogram_counts",
        "convert them to float",
    ),
    (
        "ch04-q2",
        "the penalty taken at the real samples",
        _penalty(
            "x_hat = eps * x_real + (1.0 - eps) * x_fake", "x_hat = tf.convert_to_tensor(x_real)"
        ),
        "gradient_penalty_is_taken_between_real_and_fake",
        "at the real samples",
    ),
    (
        "ch04-q2",
        "the penalty taken at the generated samples",
        _penalty(
            "x_hat = eps * x_real + (1.0 - eps) * x_fake", "x_hat = tf.convert_to_tensor(x_fake)"
        ),
        "gradient_penalty_is_taken_between_real_and_fake",
        "at the generated samples",
    ),
    (
        "ch04-q2",
        "eps on the wrong side of the interpolation",
        _penalty(
            "x_hat = eps * x_real + (1.0 - eps) * x_fake",
            "x_hat = eps * x_fake + (1.0 - eps) * x_real",
        ),
        "gradient_penalty_is_taken_between_real_and_fake",
        "not the other way round",
    ),
    (
        "ch04-q2",
        "draws its own eps instead of using the one given",
        _penalty(
            "x_hat = eps * x_real",
            "eps = tf.random.uniform(tf.shape(eps))\n    x_hat = eps * x_real",
        ),
        "gradient_penalty_is_taken_between_real_and_fake",
        "use the eps you are given",
    ),
    (
        "ch04-q2",
        "x_hat not watched, so the gradient is None",
        _penalty("        tape.watch(x_hat)\n", ""),
        "gradient_penalty_is_zero_for_a_critic_of_slope_one",
        "tape.watch(x_hat)",
    ),
    (
        "ch04-q2",
        "the squared norm in place of the norm",
        _penalty(
            "norms = tf.norm(tf.reshape(grads, (tf.shape(grads)[0], -1)), axis=1)",
            "norms = tf.reduce_sum(tf.reshape(grads, (tf.shape(grads)[0], -1)) ** 2, axis=1)",
        ),
        "gradient_penalty_squares_the_norm_minus_one",
        "you squared the norm",
    ),
    (
        "ch04-q2",
        "the penalty multiplied by lambda = 10",
        _penalty("return tf.reduce_mean(", "return 10.0 * tf.reduce_mean("),
        "gradient_penalty_squares_the_norm_minus_one",
        "do not multiply by the weight lambda",
    ),
    (
        "ch04-q2",
        "one-sided: slopes below 1 cost nothing",
        _penalty("tf.square(norms - 1.0)", "tf.square(tf.nn.relu(norms - 1.0))"),
        "gradient_penalty_is_two_sided",
        "two-sided",
    ),
    (
        "ch04-q2",
        "one norm over the whole batch",
        _penalty("tf.reduce_mean(tf.square(norms - 1.0))", "tf.square(tf.norm(grads) - 1.0)"),
        "gradient_penalty_takes_one_norm_per_sample",
        "one gradient norm per sample",
    ),
    (
        "ch04-q2",
        "the norm along axis 1 only: right for points, wrong for images",
        _penalty(
            "norms = tf.norm(tf.reshape(grads, (tf.shape(grads)[0], -1)), axis=1)",
            "norms = tf.norm(grads, axis=1)",
        ),
        "gradient_penalty_flattens_images_per_sample",
        "all its pixels and channels",
    ),
    (
        "ch04-q2",
        "the norms computed in NumPy: the critic gets no gradient from the penalty",
        _penalty(
            "norms = tf.norm(tf.reshape(grads, (tf.shape(grads)[0], -1)), axis=1)\n"
            "    return tf.reduce_mean(tf.square(norms - 1.0))",
            "norms = np.linalg.norm(grads.numpy().reshape(len(grads), -1), axis=1)\n"
            "    return np.mean((norms - 1.0) ** 2)",
        ),
        "gradient_penalty_trains_the_critic",
        "differentiable with respect to the critic's weights",
    ),
]
