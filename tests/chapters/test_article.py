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
