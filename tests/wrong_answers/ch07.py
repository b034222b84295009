"""Typical wrong answers to chapter 7's graded exercises. Each entry: (exercise, what is
wrong, the student's code, the check that must fail, words its message must contain).
tests/test_grading.py runs every entry of every file here."""

WRONG = [
    (
        "ch07-q1",
        "TensorFlow's relu: right numbers, TensorFlow backend only",
        """
        def portable_hinge_discriminator_loss(d_real, d_fake):
            ops = keras.ops
            return ops.mean(tf.nn.relu(1.0 - d_real)) + ops.mean(tf.nn.relu(1.0 + d_fake))
        """,
        "hinge_loss_uses_keras_ops_only",
        "use keras.ops only: it uses tf.nn.relu",
    ),
    (
        "ch07-q1",
        "TensorFlow hidden in a helper of the student's",
        """
        def hinge(x):
            return tf.maximum(x, 0.0)

        def portable_hinge_discriminator_loss(d_real, d_fake):
            return keras.ops.mean(hinge(1.0 - d_real)) + keras.ops.mean(hinge(1.0 + d_fake))
        """,
        "hinge_loss_uses_keras_ops_only",
        "it uses tf.maximum (in hinge)",
    ),
    (
        "ch07-q1",
        "the library's TensorFlow function called instead of writing one",
        """
        from ganbook_lib import losses

        def portable_hinge_discriminator_loss(d_real, d_fake):
            return losses.hinge_discriminator_loss(d_real, d_fake)
        """,
        "hinge_loss_uses_keras_ops_only",
        "(in losses.hinge_discriminator_loss)",
    ),
    (
        "ch07-q1",
        "the margin left out",
        """
        def portable_hinge_discriminator_loss(d_real, d_fake):
            ops = keras.ops
            return ops.mean(ops.relu(-d_real)) + ops.mean(ops.relu(d_fake))
        """,
        "hinge_loss_at_zero",
        "keep the margin",
    ),
    (
        "ch07-q1",
        "the fakes' hinge pointing the wrong way",
        """
        def portable_hinge_discriminator_loss(d_real, d_fake):
            ops = keras.ops
            return ops.mean(ops.relu(1.0 - d_real)) + ops.mean(ops.relu(1.0 - d_fake))
        """,
        "hinge_loss_is_zero_beyond_the_margin",
        "check the signs",
    ),
    (
        "ch07-q1",
        "real and fake swapped",
        """
        def portable_hinge_discriminator_loss(d_real, d_fake):
            ops = keras.ops
            return ops.mean(ops.relu(1.0 + d_real)) + ops.mean(ops.relu(1.0 - d_fake))
        """,
        "hinge_loss_is_zero_beyond_the_margin",
        "check the signs",
    ),
    (
        "ch07-q1",
        "NumPy: backend-free, but without a gradient",
        """
        def portable_hinge_discriminator_loss(d_real, d_fake):
            d_real, d_fake = np.asarray(d_real), np.asarray(d_fake)
            return np.mean(np.maximum(0.0, 1.0 - d_real)) + np.mean(np.maximum(0.0, 1.0 + d_fake))
        """,
        "hinge_loss_is_differentiable",
        "not NumPy",
    ),
    (
        "ch07-q1",
        "a sigmoid put on the scores, as if they were logits",
        """
        def portable_hinge_discriminator_loss(d_real, d_fake):
            ops = keras.ops
            p_real, p_fake = ops.sigmoid(d_real), ops.sigmoid(d_fake)
            return ops.mean(ops.relu(1.0 - p_real)) + ops.mean(ops.relu(1.0 + p_fake))
        """,
        "hinge_loss_takes_raw_scores",
        "put no sigmoid on the scores",
    ),
    (
        "ch07-q1",
        "one mean over both batches together",
        """
        def portable_hinge_discriminator_loss(d_real, d_fake):
            ops = keras.ops
            hinges = [ops.relu(1.0 - d_real), ops.relu(1.0 + d_fake)]
            return ops.mean(ops.concatenate(hinges, axis=0))
        """,
        "hinge_loss_averages_each_batch_on_its_own",
        "each on its own",
    ),
    (
        "ch07-q1",
        "the per-sample hinges returned, not their means",
        """
        def portable_hinge_discriminator_loss(d_real, d_fake):
            return keras.ops.relu(1.0 - d_real) + keras.ops.relu(1.0 + d_fake)
        """,
        "hinge_loss_at_zero",
        "must return one number",
    ),
    (
        "ch07-q2",
        "TensorFlow's reduce_std",
        """
        class PortableMinibatchStddev(keras.layers.Layer):
            def call(self, h):
                spread = tf.reduce_mean(tf.math.reduce_std(h, axis=0))
                return keras.ops.concatenate([h, keras.ops.ones_like(h[..., :1]) * spread], axis=-1)
        """,
        "stddev_layer_uses_keras_ops_only",
        "use keras.ops only: it uses tf.",
    ),
    (
        "ch07-q2",
        "the spread taken within each sample, over its features",
        """
        class PortableMinibatchStddev(keras.layers.Layer):
            def call(self, h):
                spread = keras.ops.mean(keras.ops.std(h, axis=-1))
                return keras.ops.concatenate([h, keras.ops.ones_like(h[..., :1]) * spread], axis=-1)
        """,
        "stddev_layer_value",
        "within each sample",
    ),
    (
        "ch07-q2",
        "one standard deviation of all the numbers pooled, not one per feature",
        """
        class PortableMinibatchStddev(keras.layers.Layer):
            def call(self, h):
                spread = keras.ops.std(h)
                return keras.ops.concatenate([h, keras.ops.ones_like(h[..., :1]) * spread], axis=-1)
        """,
        "stddev_layer_value",
        "pooled together",
    ),
    (
        "ch07-q2",
        "the sample standard deviation (ddof 1)",
        """
        class PortableMinibatchStddev(keras.layers.Layer):
            def call(self, h):
                ops = keras.ops
                n = ops.cast(ops.shape(h)[0], h.dtype)
                variance = ops.sum(ops.square(h - ops.mean(h, axis=0)), axis=0) / (n - 1.0)
                spread = ops.mean(ops.sqrt(variance))
                return ops.concatenate([h, ops.ones_like(h[..., :1]) * spread], axis=-1)
        """,
        "stddev_layer_value",
        "ddof 1",
    ),
    (
        "ch07-q2",
        "the variance, not the standard deviation",
        """
        class PortableMinibatchStddev(keras.layers.Layer):
            def call(self, h):
                spread = keras.ops.mean(keras.ops.var(h, axis=0))
                return keras.ops.concatenate([h, keras.ops.ones_like(h[..., :1]) * spread], axis=-1)
        """,
        "stddev_layer_value",
        "that is the variance",
    ),
    (
        "ch07-q2",
        "the whole map of per-feature spreads appended instead of their mean",
        """
        class PortableMinibatchStddev(keras.layers.Layer):
            def call(self, h):
                spread = keras.ops.std(h, axis=0, keepdims=True)
                return keras.ops.concatenate([h, keras.ops.ones_like(h) * spread], axis=-1)
        """,
        "stddev_layer_shape_and_channels",
        "append exactly one channel",
    ),
    (
        "ch07-q2",
        "the spread channel put in front of the input's channels",
        """
        class PortableMinibatchStddev(keras.layers.Layer):
            def call(self, h):
                spread = keras.ops.mean(keras.ops.std(h, axis=0))
                return keras.ops.concatenate([keras.ops.ones_like(h[..., :1]) * spread, h], axis=-1)
        """,
        "stddev_layer_shape_and_channels",
        "must come first",
    ),
    (
        "ch07-q2",
        "averaged over the channels only: one spread per position",
        """
        class PortableMinibatchStddev(keras.layers.Layer):
            def call(self, h):
                ops = keras.ops
                spread = ops.mean(ops.std(h, axis=0), axis=-1, keepdims=True)
                return ops.concatenate([h, ops.ones_like(h[..., :1]) * spread], axis=-1)
        """,
        "stddev_layer_holds_one_number",
        "one number",
    ),
    (
        "ch07-q2",
        "NumPy: right numbers eagerly, fails on keras.Input",
        """
        class PortableMinibatchStddev(keras.layers.Layer):
            def call(self, h):
                h = np.asarray(h)
                spread = np.mean(np.std(h, axis=0))
                return np.concatenate([h, np.full(h.shape[:-1] + (1,), spread, h.dtype)], axis=-1)
        """,
        "stddev_layer_works_in_a_functional_model",
        "symbolic inputs",
    ),
]
