"""Call traces: shapes follow from the layers' arithmetic, and the article's models break where
chapter 5 says they do."""

import keras
import numpy as np
import pytest
from keras import layers

from ganbook_lib import GanbookError, models
from ganbook_lib.chapters.article import trace_calls


def test_dense_and_conv_shapes_follow_the_arithmetic():
    x = keras.Input((8, 8, 2))
    h = layers.Conv2D(5, 3, strides=2, padding="same")(x)  # ceil(8 / 2) = 4
    h = layers.Flatten()(h)  # 4 * 4 * 5 = 80
    model = keras.Model(x, layers.Dense(3)(h))
    trace = trace_calls(model, np.zeros((6, 8, 8, 2), np.float32))
    assert trace.shapes == [(6, 4, 4, 5), (6, 80), (6, 3)]
    assert trace.error is None and trace.unused == [] and trace.reused == {}


def test_an_unbuilt_model_is_traced_once():
    # Keras first runs an unbuilt model on placeholders; that pass must not be recorded.
    model = keras.Sequential([layers.Dense(3), layers.Dense(5)])
    trace = trace_calls(model, np.zeros((4, 2), np.float32))
    assert trace.shapes == [(4, 3), (4, 5)]


def test_article_generator_breaks_at_the_transposed_convolution():
    generator = models.article_generator()
    trace = trace_calls(generator, np.zeros((16, 100), np.float32), training=True)
    dense_widths = [shape[1] for name, _, shape in trace.calls if name.startswith("fc")]
    assert dense_widths == [256 * 8 * 8, 256 * 4 * 4, 256 * 2 * 2, 256]  # shrinking
    assert all(len(shape) == 2 for shape in trace.shapes[:-1])  # never a feature map
    assert trace.calls[-1] == ("conv5", "Conv2DTranspose", None)
    assert isinstance(trace.error, ValueError)
    assert "expected min_ndim=4, found ndim=2" in trace.error_message
    assert "\x1b" not in trace.error_message
    assert trace.reused == {"leaky_relu": 4}
    assert trace.unused == ["leaky_relu2", "leaky_relu3", "leaky_relu4", "conv5_bn", "conv5_act"]
    text = str(trace)
    assert "never called: leaky_relu2" in text and "min_ndim=4" in text


def test_article_generator_ignores_input_shape():
    generator = models.article_generator()
    trace_calls(generator, np.zeros((2, 7), np.float32))
    assert tuple(generator.fc1.kernel.shape) == (7, 256 * 8 * 8)  # not (100, ...)


def test_article_discriminator_ends_in_a_patch_map():
    trace = trace_calls(models.article_discriminator(), np.zeros((2, 28, 28, 1), np.float32))
    assert trace.shapes[-1] == (2, 4, 4, 1)  # 28 -> 14 -> 7 -> 4, then a stride-1 conv
    assert trace.calls[-1][:2] == ("conv4_act", "Activation")
    assert trace.error is None and trace.unused == []


def test_library_generator_grows_its_feature_map():
    trace = trace_calls(models.dcgan_generator(28, 1, 16, width=8), np.zeros((3, 16), np.float32))
    sides = [shape[1] for shape in trace.shapes if len(shape) == 4]
    assert sides == sorted(sides) and sides[0] == 7 and sides[-1] == 28
    assert trace.shapes[-1] == (3, 28, 28, 1)


def test_layer_call_is_restored_even_after_an_error():
    original = keras.Layer.__call__
    trace_calls(models.article_generator(), np.zeros((2, 100), np.float32))
    assert keras.Layer.__call__ is original


def test_rejects_what_is_not_a_model():
    with pytest.raises(GanbookError, match="model must be a keras Model or Layer, got function"):
        trace_calls(lambda x: x, np.zeros((1, 2)))


def test_the_generator_with_bn_before_tanh_is_the_repaired_one_plus_one_batchnorm():
    from ganbook_lib import models
    from ganbook_lib.chapters.article import generator_with_bn_before_tanh

    def kinds(model):
        return [type(layer).__name__ for layer in model.layers]

    repaired, article_habit = models.dcgan_generator(28, 1, 64, 32), generator_with_bn_before_tanh()
    extra = kinds(article_habit)
    assert extra[-3:] == ["Conv2D", "BatchNormalization", "Activation"]
    assert extra[:-2] == kinds(repaired)  # the same layers, the last Conv2D without its tanh
    assert article_habit.output_shape == repaired.output_shape == (None, 28, 28, 1)


def test_losses_on_probabilities_agree_with_the_logit_losses_until_keras_clips_them():
    import tensorflow as tf

    from ganbook_lib import losses
    from ganbook_lib.chapters.article import bce_on_probabilities

    family = bce_on_probabilities()
    moderate = tf.constant([[-3.0], [0.5], [4.0]])
    np.testing.assert_allclose(
        family.generator(moderate), losses.nonsaturating_generator_loss(moderate), rtol=1e-5
    )
    np.testing.assert_allclose(
        family.discriminator(moderate, -moderate),
        losses.discriminator_loss(moderate, -moderate),
        rtol=1e-5,
    )
    confident = tf.Variable([[-20.0]])  # D(G(z)) = 2e-9 < 1e-7: clipped, no gradient left

    def gradients(loss):
        with tf.GradientTape() as tape:
            value = loss(confident)
        return float(tape.gradient(value, confident)[0, 0])

    # eagerly and inside tf.function, as fit() runs it (where Keras's own cross-entropy would
    # recover the logit from the sigmoid and hide the clip)
    for run in (gradients, tf.function(gradients)):
        assert float(run(family.generator)) == 0.0
        assert abs(float(run(losses.nonsaturating_generator_loss)) + 1) < 1e-6

    # why bce_on_probabilities writes the cross-entropy out: inside a tf.function, Keras's own
    # binary_crossentropy on tf.sigmoid(l) finds the Sigmoid op and goes back to the logit
    def keras_on_probabilities(logit):
        return keras.losses.binary_crossentropy(tf.ones_like(logit), tf.sigmoid(logit))

    assert abs(float(tf.function(gradients)(keras_on_probabilities)) + 1) < 1e-6


def test_largest_logit_records_the_discriminators_largest_verdict_each_epoch():
    from ganbook_lib import data
    from ganbook_lib.chapters.article import LargestLogit, repaired_dcgan

    gan = repaired_dcgan(seed=0)
    x = data.load_images("mnist5k", "train")[0][:64]
    z = np.random.default_rng(0).standard_normal((8, 64))
    watch = LargestLogit(x[:8], z)
    gan.fit(
        data.make_dataset(x, batch_size=32),
        steps_per_epoch=1,
        epochs=2,
        callbacks=[watch],
        verbose=0,
    )
    logits = np.concatenate(
        [gan.discriminator(x[:8]), gan.discriminator(gan.generator(z.astype("float32")))]
    )
    assert len(watch.values) == 2 and watch.values[-1] == pytest.approx(np.abs(logits).max())


def test_article_variants_are_named_and_unknown_ones_refused():
    from ganbook_lib.chapters import article

    assert article.article_variant("repaired") == {}
    assert article.article_variant("loss on probabilities")["loss"].name == "bce_on_probabilities"
    with pytest.raises(GanbookError, match="unknown variant 'sigmoid'; accepted: repaired, "):
        article.article_variant("sigmoid")


def test_the_variant_comparison_refuses_a_length_fit_cannot_count():
    from ganbook_lib.chapters.article import compare_article_variants

    with pytest.raises(GanbookError, match="steps must be a positive multiple of 250, got 20"):
        compare_article_variants(seeds=[0], steps=20)


def test_repaired_dcgan_has_the_settings_chapter_5_states():
    from ganbook_lib.chapters.article import repaired_dcgan

    gan = repaired_dcgan(seed=0)
    for optimizer in (gan.g_optimizer, gan.d_optimizer):
        assert float(optimizer.learning_rate) == pytest.approx(5e-4)
        assert optimizer.beta_1 == 0.5
    assert gan.ema_decay == 0.999 and gan.loss_family.name == "nonsaturating"
    assert gan.latent_dim == 64 and gan.num_classes is None
    assert repaired_dcgan(num_classes=10).num_classes == 10


def test_repaired_dcgan_and_largest_logit_refuse_a_conditional_mismatch():
    from ganbook_lib import models
    from ganbook_lib.chapters.article import LargestLogit, repaired_dcgan

    plain = models.dcgan_generator(28, 1, 64, 32)
    with pytest.raises(GanbookError, match="takes 1 input.* but num_classes=10"):
        repaired_dcgan(num_classes=10, generator=plain)
    gan = repaired_dcgan(num_classes=10)
    watch = LargestLogit(np.zeros((2, 28, 28, 1), "float32"), np.zeros((2, 64)))
    watch.set_model(gan)
    with pytest.raises(GanbookError, match="unconditional GANs only"):
        watch.on_epoch_end(0)


def test_the_clip_logit_is_where_keras_clips_probabilities():
    from ganbook_lib.chapters import article

    p = 1 / (1 + np.exp(-article.CLIP_LOGIT))  # sigmoid of the clip logit
    assert p == pytest.approx(1 - article.PROBABILITY_EPSILON, abs=1e-12)
    assert round(article.CLIP_LOGIT, 1) == 16.1  # the number chapter 5 states
