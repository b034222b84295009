"""Typical wrong answers to chapter 3's graded exercises. Each entry: (exercise, what is
wrong, the student's code, the check that must fail, words its message must contain).
tests/test_grading.py runs every entry of every file here."""

WRONG = [
    (
        "ch03-q1",
        "the article's L_D, which is V itself (sign flipped)",
        """
        def train_step(generator, discriminator, g_optimizer, d_optimizer, x_real, latent_dim):
            z = tf.random.normal((tf.shape(x_real)[0], latent_dim))
            with tf.GradientTape() as d_tape, tf.GradientTape() as g_tape:
                d_real = discriminator(x_real, training=True)
                d_fake = discriminator(generator(z, training=True), training=True)
                d_loss = (tf.reduce_mean(tf.math.log_sigmoid(d_real))
                          + tf.reduce_mean(tf.math.log_sigmoid(-d_fake)))
                g_loss = tf.reduce_mean(tf.nn.softplus(-d_fake))
            d_vars, g_vars = discriminator.trainable_variables, generator.trainable_variables
            d_optimizer.apply_gradients(zip(d_tape.gradient(d_loss, d_vars), d_vars))
            g_optimizer.apply_gradients(zip(g_tape.gradient(g_loss, g_vars), g_vars))
            return d_loss, g_loss
        """,
        "train_step_moves_the_discriminator_down_its_loss",
        "check the sign",
    ),
    (
        "ch03-q1",
        "a Keras cross-entropy on logits without from_logits=True",
        """
        def train_step(generator, discriminator, g_optimizer, d_optimizer, x_real, latent_dim):
            bce = keras.losses.BinaryCrossentropy()
            z = tf.random.normal((tf.shape(x_real)[0], latent_dim))
            with tf.GradientTape() as d_tape, tf.GradientTape() as g_tape:
                d_real = discriminator(x_real, training=True)
                d_fake = discriminator(generator(z, training=True), training=True)
                d_loss = bce(tf.ones_like(d_real), d_real) + bce(tf.zeros_like(d_fake), d_fake)
                g_loss = bce(tf.ones_like(d_fake), d_fake)
            d_vars, g_vars = discriminator.trainable_variables, generator.trainable_variables
            d_optimizer.apply_gradients(zip(d_tape.gradient(d_loss, d_vars), d_vars))
            g_optimizer.apply_gradients(zip(g_tape.gradient(g_loss, g_vars), g_vars))
            return d_loss, g_loss
        """,
        "train_step_moves_the_discriminator_down_its_loss",
        "from_logits=True",
    ),
    (
        "ch03-q1",
        "probabilities passed where the loss wants logits",
        """
        def train_step(generator, discriminator, g_optimizer, d_optimizer, x_real, latent_dim):
            z = tf.random.normal((tf.shape(x_real)[0], latent_dim))
            with tf.GradientTape() as d_tape, tf.GradientTape() as g_tape:
                p_real = tf.sigmoid(discriminator(x_real, training=True))
                p_fake = tf.sigmoid(discriminator(generator(z, training=True), training=True))
                d_loss = (tf.reduce_mean(tf.nn.softplus(-p_real))
                          + tf.reduce_mean(tf.nn.softplus(p_fake)))
                g_loss = tf.reduce_mean(tf.nn.softplus(-p_fake))
            d_vars, g_vars = discriminator.trainable_variables, generator.trainable_variables
            d_optimizer.apply_gradients(zip(d_tape.gradient(d_loss, d_vars), d_vars))
            g_optimizer.apply_gradients(zip(g_tape.gradient(g_loss, g_vars), g_vars))
            return d_loss, g_loss
        """,
        "train_step_returns_the_losses_before_the_update",
        "the sigmoid was applied before a loss that expects logits",
    ),
    (
        "ch03-q1",
        "the minimax generator loss log(1 - D(G(z)))",
        """
        def train_step(generator, discriminator, g_optimizer, d_optimizer, x_real, latent_dim):
            z = tf.random.normal((tf.shape(x_real)[0], latent_dim))
            with tf.GradientTape() as d_tape, tf.GradientTape() as g_tape:
                d_real = discriminator(x_real, training=True)
                d_fake = discriminator(generator(z, training=True), training=True)
                d_loss = (tf.reduce_mean(tf.nn.softplus(-d_real))
                          + tf.reduce_mean(tf.nn.softplus(d_fake)))
                g_loss = -tf.reduce_mean(tf.nn.softplus(d_fake))
            d_vars, g_vars = discriminator.trainable_variables, generator.trainable_variables
            d_optimizer.apply_gradients(zip(d_tape.gradient(d_loss, d_vars), d_vars))
            g_optimizer.apply_gradients(zip(g_tape.gradient(g_loss, g_vars), g_vars))
            return d_loss, g_loss
        """,
        "train_step_moves_the_generator_from_the_same_forward_pass",
        "minimax loss",
    ),
    (
        "ch03-q1",
        "G's loss recomputed after D's update (the alternating order, not what was asked)",
        """
        def train_step(generator, discriminator, g_optimizer, d_optimizer, x_real, latent_dim):
            z = tf.random.normal((tf.shape(x_real)[0], latent_dim))
            d_vars, g_vars = discriminator.trainable_variables, generator.trainable_variables
            with tf.GradientTape() as tape:
                d_real = discriminator(x_real, training=True)
                d_fake = discriminator(generator(z, training=True), training=True)
                d_loss = (tf.reduce_mean(tf.nn.softplus(-d_real))
                          + tf.reduce_mean(tf.nn.softplus(d_fake)))
            d_optimizer.apply_gradients(zip(tape.gradient(d_loss, d_vars), d_vars))
            with tf.GradientTape() as tape:
                d_fake = discriminator(generator(z, training=True), training=True)
                g_loss = tf.reduce_mean(tf.nn.softplus(-d_fake))
            g_optimizer.apply_gradients(zip(tape.gradient(g_loss, g_vars), g_vars))
            return d_loss, g_loss
        """,
        "train_step_moves_the_generator_from_the_same_forward_pass",
        "computed after D's update",
    ),
    (
        "ch03-q1",
        "one non-persistent tape asked for two gradients",
        """
        def train_step(generator, discriminator, g_optimizer, d_optimizer, x_real, latent_dim):
            z = tf.random.normal((tf.shape(x_real)[0], latent_dim))
            with tf.GradientTape() as tape:
                d_real = discriminator(x_real, training=True)
                d_fake = discriminator(generator(z, training=True), training=True)
                d_loss = (tf.reduce_mean(tf.nn.softplus(-d_real))
                          + tf.reduce_mean(tf.nn.softplus(d_fake)))
                g_loss = tf.reduce_mean(tf.nn.softplus(-d_fake))
            d_vars, g_vars = discriminator.trainable_variables, generator.trainable_variables
            d_optimizer.apply_gradients(zip(tape.gradient(d_loss, d_vars), d_vars))
            g_optimizer.apply_gradients(zip(tape.gradient(g_loss, g_vars), g_vars))
            return d_loss, g_loss
        """,
        "train_step_moves_the_discriminator_down_its_loss",
        "non-persistent GradientTape",
    ),
    (
        "ch03-q1",
        "the two optimizers swapped",
        """
        def train_step(generator, discriminator, g_optimizer, d_optimizer, x_real, latent_dim):
            z = tf.random.normal((tf.shape(x_real)[0], latent_dim))
            with tf.GradientTape() as d_tape, tf.GradientTape() as g_tape:
                d_real = discriminator(x_real, training=True)
                d_fake = discriminator(generator(z, training=True), training=True)
                d_loss = (tf.reduce_mean(tf.nn.softplus(-d_real))
                          + tf.reduce_mean(tf.nn.softplus(d_fake)))
                g_loss = tf.reduce_mean(tf.nn.softplus(-d_fake))
            d_vars, g_vars = discriminator.trainable_variables, generator.trainable_variables
            g_optimizer.apply_gradients(zip(d_tape.gradient(d_loss, d_vars), d_vars))
            d_optimizer.apply_gradients(zip(g_tape.gradient(g_loss, g_vars), g_vars))
            return d_loss, g_loss
        """,
        "train_step_gives_each_optimizer_its_own_network",
        "are they swapped?",
    ),
    (
        "ch03-q1",
        "the generator's step also moves the discriminator",
        """
        def train_step(generator, discriminator, g_optimizer, d_optimizer, x_real, latent_dim):
            z = tf.random.normal((tf.shape(x_real)[0], latent_dim))
            with tf.GradientTape() as d_tape, tf.GradientTape() as g_tape:
                d_real = discriminator(x_real, training=True)
                d_fake = discriminator(generator(z, training=True), training=True)
                d_loss = (tf.reduce_mean(tf.nn.softplus(-d_real))
                          + tf.reduce_mean(tf.nn.softplus(d_fake)))
                g_loss = tf.reduce_mean(tf.nn.softplus(-d_fake))
            d_vars = discriminator.trainable_variables
            both = generator.trainable_variables + discriminator.trainable_variables
            d_optimizer.apply_gradients(zip(d_tape.gradient(d_loss, d_vars), d_vars))
            g_optimizer.apply_gradients(zip(g_tape.gradient(g_loss, both), both))
            return d_loss, g_loss
        """,
        "train_step_moves_the_discriminator_down_its_loss",
        "generator.trainable_variables only",
    ),
    (
        "ch03-q1",
        "log of the sigmoid, infinite once the sigmoid rounds to 0 or 1",
        """
        def train_step(generator, discriminator, g_optimizer, d_optimizer, x_real, latent_dim):
            z = tf.random.normal((tf.shape(x_real)[0], latent_dim))
            with tf.GradientTape() as d_tape, tf.GradientTape() as g_tape:
                p_real = tf.sigmoid(discriminator(x_real, training=True))
                p_fake = tf.sigmoid(discriminator(generator(z, training=True), training=True))
                d_loss = (-tf.reduce_mean(tf.math.log(p_real))
                          - tf.reduce_mean(tf.math.log(1.0 - p_fake)))
                g_loss = -tf.reduce_mean(tf.math.log(p_fake))
            d_vars, g_vars = discriminator.trainable_variables, generator.trainable_variables
            d_optimizer.apply_gradients(zip(d_tape.gradient(d_loss, d_vars), d_vars))
            g_optimizer.apply_gradients(zip(g_tape.gradient(g_loss, g_vars), g_vars))
            return d_loss, g_loss
        """,
        "train_step_is_exact_for_large_logits",
        "became inf or nan",
    ),
    (
        "ch03-q1",
        "z drawn with NumPy, not tf.random.normal as asked",
        """
        def train_step(generator, discriminator, g_optimizer, d_optimizer, x_real, latent_dim):
            z = np.random.normal(size=(x_real.shape[0], latent_dim)).astype("float32")
            with tf.GradientTape() as d_tape, tf.GradientTape() as g_tape:
                d_real = discriminator(x_real, training=True)
                d_fake = discriminator(generator(z, training=True), training=True)
                d_loss = (tf.reduce_mean(tf.nn.softplus(-d_real))
                          + tf.reduce_mean(tf.nn.softplus(d_fake)))
                g_loss = tf.reduce_mean(tf.nn.softplus(-d_fake))
            d_vars, g_vars = discriminator.trainable_variables, generator.trainable_variables
            d_optimizer.apply_gradients(zip(d_tape.gradient(d_loss, d_vars), d_vars))
            g_optimizer.apply_gradients(zip(g_tape.gradient(g_loss, g_vars), g_vars))
            return d_loss, g_loss
        """,
        "train_step_matches_the_library_on_small_mlps",
        "draw z once, with tf.random.normal((batch, latent_dim))",
    ),
    (
        "ch03-q2",
        "the generator's gradient taken before the discriminator's steps",
        """
        def alternating_k_step(generator, discriminator, g_optimizer, d_optimizer,
                               x_real_batches, latent_dim):
            d_vars, g_vars = discriminator.trainable_variables, generator.trainable_variables
            z = tf.random.normal((tf.shape(x_real_batches[0])[0], latent_dim))
            with tf.GradientTape() as tape:
                g_loss = tf.reduce_mean(tf.nn.softplus(-discriminator(generator(z, training=True),
                                                                      training=True)))
            g_grads = tape.gradient(g_loss, g_vars)
            for x_real in x_real_batches:
                z = tf.random.normal((tf.shape(x_real)[0], latent_dim))
                with tf.GradientTape() as tape:
                    d_real = discriminator(x_real, training=True)
                    d_fake = discriminator(generator(z, training=True), training=True)
                    d_loss = (tf.reduce_mean(tf.nn.softplus(-d_real))
                              + tf.reduce_mean(tf.nn.softplus(d_fake)))
                d_optimizer.apply_gradients(zip(tape.gradient(d_loss, d_vars), d_vars))
            g_optimizer.apply_gradients(zip(g_grads, g_vars))
            return d_loss, g_loss
        """,
        "alternating_step_moves_the_generator_through_the_updated_discriminator",
        "BEFORE its step",
    ),
    (
        "ch03-q2",
        "a generator step after every discriminator step",
        """
        def alternating_k_step(generator, discriminator, g_optimizer, d_optimizer,
                               x_real_batches, latent_dim):
            d_vars, g_vars = discriminator.trainable_variables, generator.trainable_variables
            for x_real in x_real_batches:
                z = tf.random.normal((tf.shape(x_real)[0], latent_dim))
                with tf.GradientTape() as tape:
                    d_real = discriminator(x_real, training=True)
                    d_fake = discriminator(generator(z, training=True), training=True)
                    d_loss = (tf.reduce_mean(tf.nn.softplus(-d_real))
                              + tf.reduce_mean(tf.nn.softplus(d_fake)))
                d_optimizer.apply_gradients(zip(tape.gradient(d_loss, d_vars), d_vars))
                with tf.GradientTape() as tape:
                    d_fake = discriminator(generator(z, training=True), training=True)
                    g_loss = tf.reduce_mean(tf.nn.softplus(-d_fake))
                g_optimizer.apply_gradients(zip(tape.gradient(g_loss, g_vars), g_vars))
            return d_loss, g_loss
        """,
        "alternating_step_takes_k_discriminator_steps_and_one_generator_step",
        "the generator stepped after every D step",
    ),
    (
        "ch03-q2",
        "every discriminator step on the first minibatch",
        """
        def alternating_k_step(generator, discriminator, g_optimizer, d_optimizer,
                               x_real_batches, latent_dim):
            d_vars, g_vars = discriminator.trainable_variables, generator.trainable_variables
            x_real = x_real_batches[0]
            for _ in x_real_batches:
                z = tf.random.normal((tf.shape(x_real)[0], latent_dim))
                with tf.GradientTape() as tape:
                    d_real = discriminator(x_real, training=True)
                    d_fake = discriminator(generator(z, training=True), training=True)
                    d_loss = (tf.reduce_mean(tf.nn.softplus(-d_real))
                              + tf.reduce_mean(tf.nn.softplus(d_fake)))
                d_optimizer.apply_gradients(zip(tape.gradient(d_loss, d_vars), d_vars))
            z = tf.random.normal((tf.shape(x_real)[0], latent_dim))
            with tf.GradientTape() as tape:
                d_fake = discriminator(generator(z, training=True), training=True)
                g_loss = tf.reduce_mean(tf.nn.softplus(-d_fake))
            g_optimizer.apply_gradients(zip(tape.gradient(g_loss, g_vars), g_vars))
            return d_loss, g_loss
        """,
        "alternating_step_uses_each_minibatch_once",
        "must use x_real_batches[i]",
    ),
    (
        "ch03-q2",
        "one z drawn once and reused by every step",
        """
        def alternating_k_step(generator, discriminator, g_optimizer, d_optimizer,
                               x_real_batches, latent_dim):
            d_vars, g_vars = discriminator.trainable_variables, generator.trainable_variables
            z = tf.random.normal((tf.shape(x_real_batches[0])[0], latent_dim))
            for x_real in x_real_batches:
                with tf.GradientTape() as tape:
                    d_real = discriminator(x_real, training=True)
                    d_fake = discriminator(generator(z, training=True), training=True)
                    d_loss = (tf.reduce_mean(tf.nn.softplus(-d_real))
                              + tf.reduce_mean(tf.nn.softplus(d_fake)))
                d_optimizer.apply_gradients(zip(tape.gradient(d_loss, d_vars), d_vars))
            with tf.GradientTape() as tape:
                d_fake = discriminator(generator(z, training=True), training=True)
                g_loss = tf.reduce_mean(tf.nn.softplus(-d_fake))
            g_optimizer.apply_gradients(zip(tape.gradient(g_loss, g_vars), g_vars))
            return d_loss, g_loss
        """,
        "alternating_step_draws_fresh_noise_for_every_step",
        "draw fresh z for every discriminator step",
    ),
    (
        "ch03-q2",
        "the article's L_D, which is V itself (sign flipped)",
        """
        def alternating_k_step(generator, discriminator, g_optimizer, d_optimizer,
                               x_real_batches, latent_dim):
            d_vars, g_vars = discriminator.trainable_variables, generator.trainable_variables
            for x_real in x_real_batches:
                z = tf.random.normal((tf.shape(x_real)[0], latent_dim))
                with tf.GradientTape() as tape:
                    d_real = discriminator(x_real, training=True)
                    d_fake = discriminator(generator(z, training=True), training=True)
                    d_loss = (tf.reduce_mean(tf.math.log_sigmoid(d_real))
                              + tf.reduce_mean(tf.math.log_sigmoid(-d_fake)))
                d_optimizer.apply_gradients(zip(tape.gradient(d_loss, d_vars), d_vars))
            z = tf.random.normal((tf.shape(x_real)[0], latent_dim))
            with tf.GradientTape() as tape:
                d_fake = discriminator(generator(z, training=True), training=True)
                g_loss = tf.reduce_mean(tf.nn.softplus(-d_fake))
            g_optimizer.apply_gradients(zip(tape.gradient(g_loss, g_vars), g_vars))
            return d_loss, g_loss
        """,
        "alternating_step_moves_the_discriminator_down_its_loss",
        "check the sign",
    ),
    (
        "ch03-q2",
        "the minimax generator loss log(1 - D(G(z)))",
        """
        def alternating_k_step(generator, discriminator, g_optimizer, d_optimizer,
                               x_real_batches, latent_dim):
            d_vars, g_vars = discriminator.trainable_variables, generator.trainable_variables
            for x_real in x_real_batches:
                z = tf.random.normal((tf.shape(x_real)[0], latent_dim))
                with tf.GradientTape() as tape:
                    d_real = discriminator(x_real, training=True)
                    d_fake = discriminator(generator(z, training=True), training=True)
                    d_loss = (tf.reduce_mean(tf.nn.softplus(-d_real))
                              + tf.reduce_mean(tf.nn.softplus(d_fake)))
                d_optimizer.apply_gradients(zip(tape.gradient(d_loss, d_vars), d_vars))
            z = tf.random.normal((tf.shape(x_real)[0], latent_dim))
            with tf.GradientTape() as tape:
                d_fake = discriminator(generator(z, training=True), training=True)
                g_loss = -tf.reduce_mean(tf.nn.softplus(d_fake))
            g_optimizer.apply_gradients(zip(tape.gradient(g_loss, g_vars), g_vars))
            return d_loss, g_loss
        """,
        "alternating_step_moves_the_generator_through_the_updated_discriminator",
        "minimax loss",
    ),
    (
        "ch03-q2",
        "g_loss reported from before the discriminator's steps",
        """
        def alternating_k_step(generator, discriminator, g_optimizer, d_optimizer,
                               x_real_batches, latent_dim):
            d_vars, g_vars = discriminator.trainable_variables, generator.trainable_variables
            reported = None
            for x_real in x_real_batches:
                z = tf.random.normal((tf.shape(x_real)[0], latent_dim))
                with tf.GradientTape() as tape:
                    d_real = discriminator(x_real, training=True)
                    d_fake = discriminator(generator(z, training=True), training=True)
                    d_loss = (tf.reduce_mean(tf.nn.softplus(-d_real))
                              + tf.reduce_mean(tf.nn.softplus(d_fake)))
                if reported is None:
                    reported = tf.reduce_mean(tf.nn.softplus(-d_fake))
                d_optimizer.apply_gradients(zip(tape.gradient(d_loss, d_vars), d_vars))
            z = tf.random.normal((tf.shape(x_real)[0], latent_dim))
            with tf.GradientTape() as tape:
                d_fake = discriminator(generator(z, training=True), training=True)
                g_loss = tf.reduce_mean(tf.nn.softplus(-d_fake))
            g_optimizer.apply_gradients(zip(tape.gradient(g_loss, g_vars), g_vars))
            return d_loss, reported
        """,
        "alternating_step_returns_the_last_losses",
        "g_loss must be computed after the discriminator's steps",
    ),
    (
        "ch03-q2",
        "a small epsilon inside log(sigmoid): finite, but no gradient once the sigmoid saturates",
        """
        def alternating_k_step(generator, discriminator, g_optimizer, d_optimizer,
                               x_real_batches, latent_dim):
            d_vars, g_vars = discriminator.trainable_variables, generator.trainable_variables
            for x_real in x_real_batches:
                z = tf.random.normal((tf.shape(x_real)[0], latent_dim))
                with tf.GradientTape() as tape:
                    p_real = tf.sigmoid(discriminator(x_real, training=True))
                    p_fake = tf.sigmoid(discriminator(generator(z, training=True), training=True))
                    d_loss = (-tf.reduce_mean(tf.math.log(p_real + 1e-7))
                              - tf.reduce_mean(tf.math.log(1.0 - p_fake + 1e-7)))
                d_optimizer.apply_gradients(zip(tape.gradient(d_loss, d_vars), d_vars))
            z = tf.random.normal((tf.shape(x_real)[0], latent_dim))
            with tf.GradientTape() as tape:
                p_fake = tf.sigmoid(discriminator(generator(z, training=True), training=True))
                g_loss = -tf.reduce_mean(tf.math.log(p_fake + 1e-7))
            g_optimizer.apply_gradients(zip(tape.gradient(g_loss, g_vars), g_vars))
            return d_loss, g_loss
        """,
        "alternating_step_is_exact_for_large_logits",
        "the loss saturated",
    ),
]
