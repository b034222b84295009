"""Typical wrong answers to chapter 6's graded exercises. Each entry: (exercise, what is
wrong, the student's code, the check that must fail, words its message must contain).
tests/test_grading.py runs every entry of every file here."""

WRONG = [
    (
        "ch06-q1",
        "the label one-hot encoded and concatenated (no learned embedding)",
        """
        def conditional_mlp_generator(latent_dim, output_dim, num_classes, hidden=128, depth=3,
                                      embed_dim=8):
            z = keras.Input((latent_dim,))
            label = keras.Input((), dtype="int32")
            one_hot = keras.layers.Lambda(lambda y: keras.ops.one_hot(y, num_classes))(label)
            h = keras.layers.Concatenate()([z, one_hot])
            for _ in range(depth):
                h = keras.layers.Dense(hidden, activation="relu")(h)
            return keras.Model([z, label], keras.layers.Dense(output_dim)(h))
        """,
        "generator_has_a_learned_embedding_concatenated_to_z",
        "learned Embedding(num_classes, embed_dim), not a fixed one-hot code",
    ),
    (
        "ch06-q1",
        "the label as a float input of shape (n, 1), concatenated as a number",
        """
        def conditional_mlp_generator(latent_dim, output_dim, num_classes, hidden=128, depth=3,
                                      embed_dim=8):
            z, label = keras.Input((latent_dim,)), keras.Input((1,))
            h = keras.layers.Concatenate()([z, label])
            for _ in range(depth):
                h = keras.layers.Dense(hidden, activation="relu")(h)
            return keras.Model([z, label], keras.layers.Dense(output_dim)(h))
        """,
        "generator_takes_z_and_an_integer_label",
        "the label input must have shape (None,)",
    ),
    (
        "ch06-q1",
        "the embedding added to z instead of concatenated",
        """
        def conditional_mlp_generator(latent_dim, output_dim, num_classes, hidden=128, depth=3,
                                      embed_dim=8):
            z, label = keras.Input((latent_dim,)), keras.Input((), dtype="int32")
            h = keras.layers.Add()([z, keras.layers.Embedding(num_classes, latent_dim)(label)])
            for _ in range(depth):
                h = keras.layers.Dense(hidden, activation="relu")(h)
            return keras.Model([z, label], keras.layers.Dense(output_dim)(h))
        """,
        "generator_has_a_learned_embedding_concatenated_to_z",
        "do not add it to z",
    ),
    (
        "ch06-q1",
        "one hidden layer whatever depth says",
        """
        def conditional_mlp_generator(latent_dim, output_dim, num_classes, hidden=128, depth=3,
                                      embed_dim=8):
            z, label = keras.Input((latent_dim,)), keras.Input((), dtype="int32")
            embedded = keras.layers.Embedding(num_classes, embed_dim)(label)
            h = keras.layers.Concatenate()([z, embedded])
            h = keras.layers.Dense(hidden, activation="relu")(h)
            return keras.Model([z, label], keras.layers.Dense(output_dim)(h))
        """,
        "generator_has_a_learned_embedding_concatenated_to_z",
        "use `depth` hidden Dense layers",
    ),
    (
        "ch06-q1",
        "a tanh output, as the DCGAN generator has",
        """
        def conditional_mlp_generator(latent_dim, output_dim, num_classes, hidden=128, depth=3,
                                      embed_dim=8):
            z, label = keras.Input((latent_dim,)), keras.Input((), dtype="int32")
            embedded = keras.layers.Embedding(num_classes, embed_dim)(label)
            h = keras.layers.Concatenate()([z, embedded])
            for _ in range(depth):
                h = keras.layers.Dense(hidden, activation="relu")(h)
            return keras.Model([z, label], keras.layers.Dense(output_dim, activation="tanh")(h))
        """,
        "generator_output_layer_is_linear",
        "the last layer must be linear",
    ),
    (
        "ch06-q1",
        "no activation on the hidden layers",
        """
        def conditional_mlp_generator(latent_dim, output_dim, num_classes, hidden=128, depth=3,
                                      embed_dim=8):
            z, label = keras.Input((latent_dim,)), keras.Input((), dtype="int32")
            embedded = keras.layers.Embedding(num_classes, embed_dim)(label)
            h = keras.layers.Concatenate()([z, embedded])
            for _ in range(depth):
                h = keras.layers.Dense(hidden)(h)
            return keras.Model([z, label], keras.layers.Dense(output_dim)(h))
        """,
        "generator_matches_the_library_with_the_same_weights",
        "use ReLU on every hidden layer",
    ),
    (
        "ch06-q1",
        "an embedding of size 8 whatever embed_dim says",
        """
        def conditional_mlp_generator(latent_dim, output_dim, num_classes, hidden=128, depth=3,
                                      embed_dim=8):
            z, label = keras.Input((latent_dim,)), keras.Input((), dtype="int32")
            h = keras.layers.Concatenate()([z, keras.layers.Embedding(num_classes, 8)(label)])
            for _ in range(depth):
                h = keras.layers.Dense(hidden, activation="relu")(h)
            return keras.Model([z, label], keras.layers.Dense(output_dim)(h))
        """,
        "generator_follows_every_argument",
        "must be embed_dim",
    ),
    (
        "ch06-q2",
        "log(sum(exp)) written out, which overflows",
        """
        def real_fake_logit(class_logits):
            return tf.math.log(tf.reduce_sum(tf.exp(tf.cast(class_logits, tf.float32)), axis=-1))
        """,
        "real_fake_logit_is_exact_for_large_logits",
        "subtract the largest logit before exp",
    ),
    (
        "ch06-q2",
        "the largest class logit only",
        """
        def real_fake_logit(class_logits):
            return tf.reduce_max(tf.cast(class_logits, tf.float32), axis=-1)
        """,
        "real_fake_logit_gives_z_over_z_plus_one",
        "not only the largest",
    ),
    (
        "ch06-q2",
        "the fake logit 0 included in the sum: log(1 + Z)",
        """
        def real_fake_logit(class_logits):
            logits = tf.cast(class_logits, tf.float32)
            with_fake = tf.concat([logits, tf.zeros_like(logits[:, :1])], axis=-1)
            return tf.reduce_logsumexp(with_fake, axis=-1)
        """,
        "real_fake_logit_gives_z_over_z_plus_one",
        "the fake logit is not one of them",
    ),
    (
        "ch06-q2",
        "the probability sigmoid(d) returned instead of the logit d",
        """
        def real_fake_logit(class_logits):
            return tf.sigmoid(tf.reduce_logsumexp(tf.cast(class_logits, tf.float32), axis=-1))
        """,
        "real_fake_logit_gives_z_over_z_plus_one",
        "not the probability",
    ),
    (
        "ch06-q2",
        "a softmax first: probabilities passed where logits belong",
        """
        def real_fake_logit(class_logits):
            probabilities = tf.nn.softmax(tf.cast(class_logits, tf.float32), axis=-1)
            return tf.math.log(tf.reduce_sum(probabilities, axis=-1))
        """,
        "real_fake_logit_gives_z_over_z_plus_one",
        "the inputs are logits, not probabilities",
    ),
    (
        "ch06-q2",
        "the mean of the exponentials instead of their sum",
        """
        def real_fake_logit(class_logits):
            return tf.math.log(tf.reduce_mean(tf.exp(tf.cast(class_logits, tf.float32)), axis=-1))
        """,
        "real_fake_logit_gives_z_over_z_plus_one",
        "do not average them",
    ),
    (
        "ch06-q2",
        "reduced over the batch axis",
        """
        def real_fake_logit(class_logits):
            return tf.reduce_logsumexp(tf.cast(class_logits, tf.float32), axis=0)
        """,
        "real_fake_logit_has_one_value_per_sample",
        "one logit per sample",
    ),
    (
        "ch06-q2",
        "keepdims: shape (n, 1)",
        """
        def real_fake_logit(class_logits):
            logits = tf.cast(class_logits, tf.float32)
            return tf.reduce_logsumexp(logits, axis=-1, keepdims=True)
        """,
        "real_fake_logit_has_one_value_per_sample",
        "one logit per sample",
    ),
    (
        "ch06-q2",
        "NumPy instead of TensorFlow: no gradient for the classifier",
        """
        def real_fake_logit(class_logits):
            logits = np.asarray(class_logits, np.float64)
            top = logits.max(axis=-1)
            return top + np.log(np.exp(logits - top[:, None]).sum(axis=-1))
        """,
        "real_fake_logit_gradient_is_the_softmax",
        "TensorFlow operations",
    ),
]
