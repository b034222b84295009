"""Typical wrong answers to chapter 9's graded exercises. Each entry: (exercise, what is
wrong, the student's code, the check that must fail, words its message must contain).
tests/test_grading.py runs every entry of every file here."""

# the cross-entropy part and the gradient of the logits at the real samples, right in every
# wrong answer of ch09-q1 below unless the answer is about them
_Q1_START = """
def r1_discriminator_loss(discriminator, x_real, x_fake, r1_weight):
    x_real = tf.convert_to_tensor(x_real, tf.float32)
    x_fake = tf.convert_to_tensor(x_fake, tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(x_real)
        d_real = discriminator(x_real, training=True)
    grads = tf.reshape(tape.gradient(d_real, x_real), (tf.shape(x_real)[0], -1))
    d_fake = discriminator(x_fake, training=True)
    cross_entropy = tf.reduce_mean(tf.nn.softplus(-d_real)) + tf.reduce_mean(tf.nn.softplus(d_fake))
"""

# one step of each player near (0, 0), right in every wrong answer of ch09-q2 below unless the
# answer is about them
_Q2_START = """
def dirac_step_matrix(lr, mode="simultaneous", r1_weight=0.0, d_steps=1):
    h, a, gamma = lr, 0.5, r1_weight
    d_step = np.array([[1.0, 0.0], [-h * a, 1.0 - h * gamma]])
    g_step = np.array([[1.0, h * a], [0.0, 1.0]])
    if mode == "simultaneous":
        return np.array([[1.0, h * a], [-h * a, 1.0 - h * gamma]])
"""

WRONG = [
    (
        "ch09-q1",
        "the penalty at the generated samples (that is R2, not R1)",
        """
        def r1_discriminator_loss(discriminator, x_real, x_fake, r1_weight):
            x_fake = tf.convert_to_tensor(x_fake, tf.float32)
            with tf.GradientTape() as tape:
                tape.watch(x_fake)
                d_fake = discriminator(x_fake, training=True)
            grads = tf.reshape(tape.gradient(d_fake, x_fake), (tf.shape(x_fake)[0], -1))
            d_real = discriminator(x_real, training=True)
            cross_entropy = (tf.reduce_mean(tf.nn.softplus(-d_real))
                             + tf.reduce_mean(tf.nn.softplus(d_fake)))
            return cross_entropy + 0.5 * r1_weight * tf.reduce_mean(
                tf.reduce_sum(tf.square(grads), axis=1))
        """,
        "penalty_only_at_the_real_samples",
        "is R2, a different regulariser",
    ),
    (
        "ch09-q1",
        "gamma times the penalty: the 1/2 left out",
        _Q1_START
        + """
    return cross_entropy + r1_weight * tf.reduce_mean(tf.reduce_sum(tf.square(grads), axis=1))
""",
        "penalty_in_the_dirac_gan",
        "twice too large",
    ),
    (
        "ch09-q1",
        "the gradient's norm, not its square",
        _Q1_START
        + """
    return cross_entropy + 0.5 * r1_weight * tf.reduce_mean(tf.norm(grads, axis=1))
""",
        "penalty_in_the_dirac_gan",
        "square the gradient's norm",
    ),
    (
        "ch09-q1",
        "WGAN-GP's (||grad|| - 1)^2 instead of ||grad||^2",
        _Q1_START
        + """
    norms = tf.norm(grads, axis=1)
    return cross_entropy + 0.5 * r1_weight * tf.reduce_mean(tf.square(norms - 1.0))
""",
        "penalty_in_the_dirac_gan",
        "WGAN-GP",
    ),
    (
        "ch09-q1",
        "the squared gradient averaged over a sample's coordinates instead of summed",
        _Q1_START
        + """
    return cross_entropy + 0.5 * r1_weight * tf.reduce_mean(tf.square(grads))
""",
        "penalty_sums_over_all_pixels",
        "sum the squared gradient over all the coordinates",
    ),
    (
        "ch09-q1",
        "the penalty computed in NumPy: the right number, but no gradient for D",
        _Q1_START
        + """
    g = grads.numpy()
    penalty = tf.constant(np.mean(np.sum(g**2, axis=1)), tf.float32)
    return cross_entropy + 0.5 * r1_weight * penalty
""",
        "penalty_keeps_its_gradient",
        "must keep its gradient",
    ),
    (
        "ch09-q1",
        "the logits handed to a cross-entropy that expects probabilities",
        _Q1_START.replace("    cross_entropy = ", "    _unused = ")
        + """
    bce = keras.losses.BinaryCrossentropy()  # from_logits=False: wants probabilities
    cross_entropy = bce(tf.ones_like(d_real), d_real) + bce(tf.zeros_like(d_fake), d_fake)
    return cross_entropy + 0.5 * r1_weight * tf.reduce_mean(tf.reduce_sum(grads**2, axis=1))
""",
        "loss_without_the_penalty_is_cross_entropy",
        "binary cross-entropy from logits",
    ),
    (
        "ch09-q1",
        "log of the sigmoid, infinite once the sigmoid rounds to 0 or 1",
        _Q1_START
        + """
    cross_entropy = (-tf.reduce_mean(tf.math.log(tf.sigmoid(d_real)))
                     - tf.reduce_mean(tf.math.log(1.0 - tf.sigmoid(d_fake))))
    return cross_entropy + 0.5 * r1_weight * tf.reduce_mean(tf.reduce_sum(grads**2, axis=1))
""",
        "loss_is_exact_for_large_logits",
        "softplus",
    ),
    (
        "ch09-q1",
        "tape.watch on the samples as given, which fails for a NumPy array",
        """
        def r1_discriminator_loss(discriminator, x_real, x_fake, r1_weight):
            with tf.GradientTape() as tape:
                tape.watch(x_real)
                d_real = discriminator(x_real, training=True)
            grads = tf.reshape(tape.gradient(d_real, x_real), (tf.shape(x_real)[0], -1))
            d_fake = discriminator(x_fake, training=True)
            cross_entropy = (tf.reduce_mean(tf.nn.softplus(-d_real))
                             + tf.reduce_mean(tf.nn.softplus(d_fake)))
            return cross_entropy + 0.5 * r1_weight * tf.reduce_mean(
                tf.reduce_sum(tf.square(grads), axis=1))
        """,
        "accepts_numpy_samples",
        "accept NumPy samples",
    ),
    (
        "ch09-q2",
        "the product in the wrong order: the generator moves first",
        _Q2_START
        + """
    return np.linalg.matrix_power(d_step, d_steps) @ g_step
""",
        "the_generator_moves_last",
        "moves after the discriminator's step",
    ),
    (
        "ch09-q2",
        "the slope a taken as 1 (sigma(0) = 1/2 forgotten)",
        _Q2_START.replace("h, a, gamma = lr, 0.5, r1_weight", "h, a, gamma = lr, 1.0, r1_weight")
        + """
    return g_step @ np.linalg.matrix_power(d_step, d_steps)
""",
        "simultaneous_steps_spiral_out",
        "sigma(0) = 1/2",
    ),
    (
        "ch09-q2",
        "the alternating generator step sees the old psi (the simultaneous matrix for both modes)",
        _Q2_START.replace('    if mode == "simultaneous":\n', "    if True:\n"),
        "the_generator_moves_last",
        "sees the new psi",
    ),
    (
        "ch09-q2",
        "gradient ascent instead of descent (I - hJ)",
        """
        def dirac_step_matrix(lr, mode="simultaneous", r1_weight=0.0, d_steps=1):
            h, a, gamma = lr, 0.5, r1_weight
            if mode == "simultaneous":
                return np.array([[1.0, -h * a], [h * a, 1.0 + h * gamma]])
            d_step = np.array([[1.0, 0.0], [h * a, 1.0 + h * gamma]])
            g_step = np.array([[1.0, -h * a], [0.0, 1.0]])
            return g_step @ np.linalg.matrix_power(d_step, d_steps)
        """,
        "matches_one_training_step",
        "gradient-DESCENT step",
    ),
    (
        "ch09-q2",
        "R1 with the wrong sign on the discriminator's diagonal",
        _Q2_START.replace("1.0 - h * gamma", "1.0 + h * gamma")
        + """
    return g_step @ np.linalg.matrix_power(d_step, d_steps)
""",
        "r1_makes_alternating_steps_converge",
        "R1 damps the discriminator",
    ),
    (
        "ch09-q2",
        "d_steps ignored: always one discriminator step",
        _Q2_START
        + """
    return g_step @ d_step
""",
        "k_discriminator_steps",
        "k discriminator steps before the generator's",
    ),
    (
        "ch09-q2",
        "k discriminator steps taken as one step with k times the rate",
        _Q2_START
        + """
    big = np.array([[1.0, 0.0], [-d_steps * h * a, 1.0 - d_steps * h * gamma]])
    return g_step @ big
""",
        "discriminator_steps_are_taken_one_by_one",
        "(1 - h gamma) k times",
    ),
]
