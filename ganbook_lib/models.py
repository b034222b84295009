"""Generators and discriminators. Every discriminator returns logits (no sigmoid).

- :func:`mlp_generator`, :func:`mlp_discriminator`: small fully connected nets for 1-D/2-D toy data
  (``num_classes`` makes them conditional too).
- :func:`dcgan_generator`, :func:`dcgan_discriminator`: DCGAN-style convolutional nets for square
  images of side 8, 16, 28, 32 or 64 with 1 or 3 channels; pass ``num_classes`` for the
  class-conditional variants (label embedding in G, projection in D).
- :class:`ArticleGenerator`, :class:`ArticleDiscriminator`: the source article's two models,
  reproduced as written (bugs included), so the book can show how they fail.
"""

from __future__ import annotations

import math
import sys

import keras
from keras import layers

from . import GanbookError
from .checks import positive_int

SUPPORTED_SIZES = (8, 16, 28, 32, 64)


def label_embedding(num_classes: int, embed_dim: int):
    """``(label, embedded)``: an int32 ``label`` input and its learned ``embed_dim``-d
    embedding, the way every conditional model here takes its class."""
    label = keras.Input((), dtype="int32", name="label")
    embedded = layers.Embedding(positive_int("num_classes", num_classes, 2), embed_dim)(label)
    return label, embedded


def _latent_inputs(latent_dim: int, num_classes: int | None, embed_dim: int):
    """``(inputs, h)``: the input ``z`` and ``h = z``; with ``num_classes``, the inputs
    ``[z, label]`` and ``h`` = ``z`` concatenated with a learned ``embed_dim``-d label embedding."""
    z = keras.Input((latent_dim,), name="z")
    if num_classes is None:
        return z, z
    label, embedded = label_embedding(num_classes, embed_dim)
    return [z, label], layers.Concatenate()([z, embedded])


def projection_discriminator(x, features, logit, num_classes: int | None, name: str):
    """``x -> logit``; with ``num_classes``, ``[x, label] -> logit + <embed(label), features>``,
    the projection discriminator of Miyato & Koyama (2018)."""
    if num_classes is None:
        return keras.Model(x, logit, name=name)
    label, embedded = label_embedding(num_classes, features.shape[-1])
    projection = layers.Dot(axes=1)([embedded, features])
    return keras.Model([x, label], layers.Add()([logit, projection]), name=name)


def dcgan_upsampling(h, start: int, steps: int, top: int):
    """The DCGAN generator's body: project ``h`` to a ``start`` x ``start`` x ``top`` map, then
    ``steps`` stride-2 transposed convolutions, each halving the channels and doubling the
    side; BatchNorm + ReLU after each.

    Built inside the scope of a ``tf.distribute`` strategy with several replicas, the BatchNorm
    layers are synchronised: each normalises with the statistics of the global batch, so a
    batch split over N devices is normalised as one device would normalise it.
    """
    h = layers.Dense(start * start * top, use_bias=False)(h)
    h = layers.ReLU()(_batch_norm()(h))
    h = layers.Reshape((start, start, top))(h)
    for i in range(steps):
        h = layers.Conv2DTranspose(top // 2 ** (i + 1), 4, 2, "same", use_bias=False)(h)
        h = layers.ReLU()(_batch_norm()(h))
    return h


def _batch_norm():
    # models stays free of TensorFlow imports (any Keras backend builds these networks); a
    # tf.distribute strategy can only be in scope if TensorFlow is already loaded
    tf = sys.modules.get("tensorflow")
    replicas = tf.distribute.get_strategy().num_replicas_in_sync if tf is not None else 1
    # synchronized=True only where it changes something: on one device Keras would compute
    # the variance by another formula (E[x^2] - E[x]^2), and the book's numbers would move
    return layers.BatchNormalization(synchronized=replicas > 1)


# ----------------------------------------------------------------------------- toy MLPs
def mlp_generator(
    latent_dim: int = 8,
    output_dim: int = 2,
    hidden: int = 128,
    depth: int = 3,
    num_classes: int | None = None,
) -> keras.Model:
    """``z -> x``: ``depth`` hidden ReLU layers of width ``hidden``, then a linear output.

    With ``num_classes``, the model takes ``[z, label]`` and concatenates a learned label
    embedding to ``z``.
    """
    positive_int("latent_dim", latent_dim)
    positive_int("output_dim", output_dim)
    inputs, h = _latent_inputs(latent_dim, num_classes, 8)
    for _ in range(positive_int("depth", depth)):
        h = layers.Dense(positive_int("hidden", hidden), activation="relu")(h)
    return keras.Model(inputs, layers.Dense(output_dim)(h), name="mlp_generator")


def mlp_discriminator(
    input_dim: int = 2, hidden: int = 128, depth: int = 3, num_classes: int | None = None
) -> keras.Model:
    """``x -> logit``: ``depth`` hidden LeakyReLU(0.2) layers of width ``hidden``.

    With ``num_classes``, the model takes ``[x, label]`` and adds a projection term
    ``<embed(label), features>`` to the logit, as :func:`dcgan_discriminator` does.
    """
    x = keras.Input((positive_int("input_dim", input_dim),), name="x")
    h = x
    for _ in range(positive_int("depth", depth)):
        h = layers.LeakyReLU(0.2)(layers.Dense(positive_int("hidden", hidden))(h))
    return projection_discriminator(x, h, layers.Dense(1)(h), num_classes, "mlp_discriminator")


# ----------------------------------------------------------------------------- DCGAN
def _upsamplings(image_size: int) -> tuple[int, int]:
    """(start side, number of stride-2 steps) for a supported image side."""
    if image_size not in SUPPORTED_SIZES:
        raise GanbookError(f"image_size must be one of {SUPPORTED_SIZES}, got {image_size!r}")
    start = 7 if image_size == 28 else 4
    return start, int(round(math.log2(image_size // start)))


def dcgan_generator(
    image_size: int = 28,
    channels: int = 1,
    latent_dim: int = 64,
    width: int = 64,
    num_classes: int | None = None,
) -> keras.Model:
    """DCGAN generator: project ``z`` to a small feature map and double its side until
    ``image_size``; BatchNorm + ReLU inside, ``tanh`` output in [-1, 1].

    With ``num_classes``, the model takes ``[z, label]`` and concatenates a learned label
    embedding to ``z`` (class-conditional generation).
    """
    start, steps = _upsamplings(image_size)
    if channels not in (1, 3):
        raise GanbookError(f"channels must be 1 or 3, got {channels!r}")
    positive_int("latent_dim", latent_dim)
    positive_int("width", width)
    inputs, h = _latent_inputs(latent_dim, num_classes, 32)
    h = dcgan_upsampling(h, start, steps, top=width * 2**steps)
    x = layers.Conv2D(channels, 3, padding="same", activation="tanh")(h)
    return keras.Model(inputs, x, name="dcgan_generator")


def dcgan_discriminator(
    image_size: int = 28,
    channels: int = 1,
    width: int = 64,
    num_classes: int | None = None,
    spectral_norm: bool = False,
    dropout: float = 0.0,
) -> keras.Model:
    """DCGAN discriminator: stride-2 convolutions with LeakyReLU(0.2), no BatchNorm (so it
    works with gradient penalties), a linear output: one logit per image.

    With ``num_classes``, the model takes ``[x, label]`` and adds a projection term
    ``<embed(label), features>`` to the logit (Miyato & Koyama, 2018).
    ``spectral_norm`` wraps every weight layer in spectral normalisation.
    """
    start, steps = _upsamplings(image_size)
    if channels not in (1, 3):
        raise GanbookError(f"channels must be 1 or 3, got {channels!r}")
    wrap = layers.SpectralNormalization if spectral_norm else (lambda layer: layer)
    x = keras.Input((image_size, image_size, channels), name="x")
    h = x
    for i in range(steps):
        h = wrap(layers.Conv2D(positive_int("width", width) * 2**i, 4, 2, "same"))(h)
        h = layers.LeakyReLU(0.2)(h)
        if dropout:
            h = layers.Dropout(dropout)(h)
    features = layers.Flatten()(h)
    logit = wrap(layers.Dense(1))(features)
    return projection_discriminator(x, features, logit, num_classes, "dcgan_discriminator")


# ----------------------------------------------------------------------------- the article's
class ArticleGenerator(keras.Model):
    """The source article's generator, as written there (it cannot produce an image).

    Its flaws, which chapter 5 demonstrates: the last layer is a ``Conv2DTranspose`` fed the
    flat ``(batch, 256)`` output of a Dense layer, so calling the model raises a ``ValueError``;
    the Dense widths shrink (256*8*8 -> 256) where a generator should grow its feature map;
    there is no ``Reshape``; ``call`` reuses ``self.leaky_relu`` four times; ``input_shape``
    on a layer inside a subclassed model is ignored; BatchNorm sits just before the ``tanh``.
    """

    def __init__(self):
        super().__init__()
        self.fc1 = layers.Dense(256 * 8 * 8, input_shape=(100,))  # ignored; Keras warns
        self.bn1 = layers.BatchNormalization()
        self.leaky_relu = layers.LeakyReLU()
        self.fc2 = layers.Dense(256 * 4 * 4)
        self.bn2 = layers.BatchNormalization()
        self.leaky_relu2 = layers.LeakyReLU()
        self.fc3 = layers.Dense(256 * 2 * 2)
        self.bn3 = layers.BatchNormalization()
        self.leaky_relu3 = layers.LeakyReLU()
        self.fc4 = layers.Dense(256 * 1 * 1)
        self.bn4 = layers.BatchNormalization()
        self.leaky_relu4 = layers.LeakyReLU()
        self.conv5 = layers.Conv2DTranspose(3, 4, strides=2, padding="same")
        self.conv5_bn = layers.BatchNormalization()
        self.conv5_act = layers.Activation("tanh")

    def call(self, x):
        x = self.leaky_relu(self.bn1(self.fc1(x)))
        x = self.leaky_relu(self.bn2(self.fc2(x)))
        x = self.leaky_relu(self.bn3(self.fc3(x)))
        x = self.leaky_relu(self.bn4(self.fc4(x)))
        x = self.conv5_act(self.conv5_bn(self.conv5(x)))
        return x


class ArticleDiscriminator(keras.Model):
    """The source article's discriminator, as written there.

    It runs, but returns an (H/8)x(W/8) map of sigmoid probabilities instead of one ``D(x)``
    per image, puts BatchNorm on its first layer, and ends in a sigmoid rather than a logit.
    """

    def __init__(self):
        super().__init__()
        self.conv1 = layers.Conv2D(256, 4, strides=2, padding="same")
        self.conv1_bn = layers.BatchNormalization()
        self.leaky_relu1 = layers.LeakyReLU()
        self.conv2 = layers.Conv2D(256, 4, strides=2, padding="same")
        self.conv2_bn = layers.BatchNormalization()
        self.leaky_relu2 = layers.LeakyReLU()
        self.conv3 = layers.Conv2D(256, 4, strides=2, padding="same")
        self.conv3_bn = layers.BatchNormalization()
        self.leaky_relu3 = layers.LeakyReLU()
        self.conv4 = layers.Conv2D(1, 4, strides=1, padding="same")
        self.conv4_act = layers.Activation("sigmoid")

    def call(self, x):
        x = self.leaky_relu1(self.conv1_bn(self.conv1(x)))
        x = self.leaky_relu2(self.conv2_bn(self.conv2(x)))
        x = self.leaky_relu3(self.conv3_bn(self.conv3(x)))
        x = self.conv4_act(self.conv4(x))
        return x


def article_generator() -> ArticleGenerator:
    """A fresh instance of the article's generator (see :class:`ArticleGenerator`)."""
    return ArticleGenerator()


def article_discriminator() -> ArticleDiscriminator:
    """A fresh instance of the article's discriminator (see :class:`ArticleDiscriminator`)."""
    return ArticleDiscriminator()
