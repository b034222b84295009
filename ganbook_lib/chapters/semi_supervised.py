"""The semi-supervised GAN (chapter 6): recognition with few labels, helped by a GAN.

The discriminator of Salimans et al. (2016) is a ``K``-class classifier with an implicit
"fake" class (:func:`real_fake_logit`, :class:`SemiSupervisedGAN`,
:func:`train_semi_supervised`); its supervised baseline is the same code with
``unsupervised_weight=0``.
"""

from __future__ import annotations

import math

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from .. import GanbookError
from ..checks import grey_images as _images
from ..checks import non_negative_number, positive_int
from ..data import stratified_choice
from ..losses import discriminator_loss
from ..training import TrackedModel


def labelled_subset(y, per_class: int, seed: int = 0) -> np.ndarray:
    """Indices of ``per_class`` randomly chosen examples of every class in ``y`` (sorted):
    the "few labels" setting, in which all of ``x`` may be used but only these labels
    (:func:`ganbook_lib.data.stratified_choice`)."""
    return stratified_choice(y, positive_int("per_class", per_class), seed)


def ssgan_classifier(
    input_shape=(8, 8, 1),
    num_classes: int = 10,
    hidden=(500, 250, 250),
    input_noise: float = 0.3,
    hidden_noise: float = 0.5,
) -> keras.Model:
    """The classifier ``x -> [logits, features]`` shared by the semi-supervised GAN and its
    supervised baseline: an MLP with Gaussian noise added to the input and to every hidden
    layer during training (the MNIST network of Salimans et al., 2016, made smaller).

    ``logits`` are the ``K`` class logits ``l_1..l_K``; ``features`` is the last hidden layer,
    which the generator's feature-matching loss compares on real and generated batches.
    """
    num_classes = positive_int("num_classes", num_classes, 2)
    if not hidden or any(isinstance(h, bool) or not isinstance(h, int) or h < 1 for h in hidden):
        raise GanbookError(f"hidden must be a non-empty sequence of positive ints, got {hidden!r}")
    x = keras.Input(tuple(input_shape), name="x")
    h = layers.GaussianNoise(input_noise)(layers.Flatten()(x))
    for units in hidden:
        h = layers.GaussianNoise(hidden_noise)(layers.Dense(units, activation="relu")(h))
    logits = layers.Dense(num_classes, name="logits")(h)
    return keras.Model(x, [logits, h], name="ssgan_classifier")


def ssgan_generator(latent_dim: int = 32, output_shape=(8, 8, 1), hidden=(500, 500)) -> keras.Model:
    """``z -> x_fake``: an MLP with BatchNorm and softplus, ``tanh`` output in [-1, 1]
    (the generator of Salimans et al., 2016, for MNIST, made smaller)."""
    z = keras.Input((positive_int("latent_dim", latent_dim),), name="z")
    h = z
    for units in hidden:
        h = layers.Dense(positive_int("hidden", units), use_bias=False)(h)
        h = layers.Activation("softplus")(layers.BatchNormalization()(h))
    h = layers.Dense(int(np.prod(output_shape)), activation="tanh")(h)
    return keras.Model(z, layers.Reshape(tuple(output_shape))(h), name="ssgan_generator")


def real_fake_logit(class_logits) -> tf.Tensor:
    """The real-vs-fake logit of a ``K+1``-class discriminator whose fake logit is fixed at 0:

    ``d(x) = log sum_k exp l_k(x)``, so that
    ``D(x) = p(real | x) = Z(x) / (Z(x) + 1) = sigmoid(d(x))`` with ``Z(x) = sum_k exp l_k(x)``
    (Salimans et al., 2016; chapter 6). Subtracting the fake logit from all ``K + 1`` logits
    changes no probability, so fixing it at 0 costs no generality. Adding a constant to the
    ``K`` class logits alone moves ``D(x)`` but leaves the class probabilities ``softmax(l)``.
    """
    return tf.reduce_logsumexp(class_logits, axis=-1)


def feature_matching_loss(features_real, features_fake) -> tf.Tensor:
    """The generator's feature-matching loss (Salimans et al., 2016):

    ``L_G = || E_x f(x_real) - E_z f(G(z)) ||^2 / d``

    the squared distance between the mean discriminator features of a real and a generated
    batch, averaged over the ``d`` features. The real side is treated as a constant.
    """
    mean_real = tf.reduce_mean(tf.stop_gradient(features_real), axis=0)
    return tf.reduce_mean(tf.square(mean_real - tf.reduce_mean(features_fake, axis=0)))


class SemiSupervisedGAN(TrackedModel):
    """A semi-supervised GAN: one network is both the classifier and the discriminator.

    Each step sees a labelled batch ``(x_lab, y_lab)`` and an unlabelled batch ``x_unl``. The
    classifier minimises

    ``L_C = CE(softmax(l(x_lab)), y_lab)
    + w * ( -E[log D(x_unl)] - E[log(1 - D(G(z)))] )``

    with ``D = sigmoid(real_fake_logit(l))``; the generator minimises
    :func:`feature_matching_loss`. With ``unsupervised_weight=0`` the generator is never
    used and the model is the supervised baseline: the same network, data order and optimizer,
    trained on the labelled batches alone.

    Args:
        classifier: ``x -> [logits, features]`` (see :func:`ssgan_classifier`).
        generator: ``z -> x_fake``.
        latent_dim: size of ``z``; read from the generator when omitted.
        seed: seeds the latent noise.
    """

    def __init__(self, classifier, generator, latent_dim=None, seed: int = 0, **kw):
        super().__init__(**kw)
        self.classifier, self.generator = classifier, generator
        if latent_dim is None:
            latent_dim = int(generator.inputs[0].shape[-1])
        self.latent_dim = int(latent_dim)
        self.seed_generator = keras.random.SeedGenerator(seed)

    def compile(self, c_optimizer=None, g_optimizer=None, unsupervised_weight: float = 0.5, **kw):
        """Choose optimizers (default Adam(1e-3, beta_1=0.5)) and the weight ``w``."""
        super().compile(**kw)
        unsupervised_weight = non_negative_number("unsupervised_weight", unsupervised_weight)
        self.c_optimizer = c_optimizer or keras.optimizers.Adam(1e-3, beta_1=0.5)
        self.g_optimizer = g_optimizer or keras.optimizers.Adam(1e-3, beta_1=0.5)
        self.unsupervised_weight = float(unsupervised_weight)
        self.trackers = {
            name: keras.metrics.Mean(name=name)
            for name in ("supervised_loss", "unsupervised_loss", "g_loss")
        }

    def call(self, x, training=False):
        return self.classifier(x, training=training)[0]

    def train_step(self, data):
        """Update the classifier on the labelled, unlabelled and generated batches; then, if
        ``w > 0``, update the generator by feature matching."""
        (x_lab, y_lab), x_unl = data
        batch = tf.shape(x_unl)[0]
        use_gan = self.unsupervised_weight > 0
        unsupervised = g_loss = tf.constant(0.0)
        with tf.GradientTape() as tape:
            logits, _ = self.classifier(x_lab, training=True)
            supervised = tf.reduce_mean(
                tf.nn.sparse_softmax_cross_entropy_with_logits(tf.cast(y_lab, tf.int32), logits)
            )
            loss = supervised
            if use_gan:
                z = keras.random.normal((batch, self.latent_dim), seed=self.seed_generator)
                x_fake = self.generator(z, training=True)
                d_real = real_fake_logit(self.classifier(x_unl, training=True)[0])
                d_fake = real_fake_logit(self.classifier(x_fake, training=True)[0])
                unsupervised = discriminator_loss(d_real, d_fake)  # binary cross-entropy
                loss = supervised + self.unsupervised_weight * unsupervised
        weights = self.classifier.trainable_weights
        self.c_optimizer.apply_gradients(zip(tape.gradient(loss, weights), weights))
        if use_gan:
            z = keras.random.normal((batch, self.latent_dim), seed=self.seed_generator)
            with tf.GradientTape() as tape:
                features_real = self.classifier(x_unl, training=True)[1]
                features_fake = self.classifier(self.generator(z, training=True), training=True)[1]
                g_loss = feature_matching_loss(features_real, features_fake)
            weights = self.generator.trainable_weights
            self.g_optimizer.apply_gradients(zip(tape.gradient(g_loss, weights), weights))
        for name, value in zip(self.trackers, (supervised, unsupervised, g_loss)):
            self.trackers[name].update_state(value)
        return {name: t.result() for name, t in self.trackers.items()}


def classification_accuracy(classifier, x, y) -> float:
    """Share of ``x`` whose most likely class (``argmax`` of the logits) equals ``y``."""
    x = np.asarray(x, np.float32)
    y = np.asarray(y).ravel()
    if len(x) != len(y) or len(y) == 0:
        raise GanbookError(f"x and y must be equally long and non-empty, got {len(x)}, {len(y)}")
    out = classifier.predict(x, batch_size=512, verbose=0)
    logits = out[0] if isinstance(out, (list, tuple)) else out
    return float((np.asarray(logits).argmax(1) == y).mean())


class AccuracyLog(keras.callbacks.Callback):
    """Record ``(step, accuracy on (x, y))`` at the start and after every epoch in ``history``."""

    def __init__(self, x, y):
        super().__init__()
        self.x, self.y = x, y
        self.history: list[tuple[int, float]] = []

    def _log(self):
        step = int(self.model.c_optimizer.iterations.numpy())
        self.history.append((step, classification_accuracy(self.model.classifier, self.x, self.y)))

    def on_train_begin(self, logs=None):
        if not self.history:
            self._log()

    def on_epoch_end(self, epoch, logs=None):
        self._log()


def train_semi_supervised(
    x_labelled,
    y_labelled,
    x_unlabelled,
    unsupervised_weight: float = 0.5,
    steps: int = 1000,
    batch_size: int = 100,
    seed: int = 0,
    lr: float = 1e-3,
    eval_data=None,
    eval_every: int = 100,
) -> tuple[SemiSupervisedGAN, AccuracyLog | None]:
    """Train a :class:`SemiSupervisedGAN` (or, with ``unsupervised_weight=0``, the supervised
    baseline) for ``steps`` steps and return ``(model, log)``.

    Batches: ``batch_size`` labelled examples (or all of them, if fewer) and ``batch_size``
    unlabelled ones per step. ``eval_data=(x, y)`` records test accuracy every ``eval_every``
    steps in ``log.history`` (``steps`` is rounded up to a multiple of ``eval_every``). The
    run starts with ``set_seed(seed)``, so two runs with the same seed start from the same
    classifier weights.
    """
    from .. import set_seed
    from ..data import make_dataset

    steps = positive_int("steps", steps)
    eval_every = positive_int("eval_every", eval_every)
    x_labelled = _images("x_labelled", x_labelled)
    x_unlabelled = _images("x_unlabelled", x_unlabelled)
    if x_labelled.shape[1:] != x_unlabelled.shape[1:]:
        raise GanbookError(
            f"labelled and unlabelled images differ in shape: "
            f"{x_labelled.shape[1:]} vs {x_unlabelled.shape[1:]}"
        )
    y_labelled = np.asarray(y_labelled).astype(np.int64)
    set_seed(seed)
    num_classes = int(y_labelled.max()) + 1
    classifier = ssgan_classifier(x_labelled.shape[1:], num_classes)
    generator = ssgan_generator(32, x_labelled.shape[1:])
    model = SemiSupervisedGAN(classifier, generator, seed=seed)
    every = min(eval_every, steps)  # steps per Keras epoch, one evaluation after each
    model.compile(
        keras.optimizers.Adam(lr, beta_1=0.5),
        keras.optimizers.Adam(lr, beta_1=0.5),
        unsupervised_weight=unsupervised_weight,
        steps_per_execution=every,  # one call into TensorFlow per evaluation
    )
    labelled = make_dataset(x_labelled, y_labelled, min(batch_size, len(x_labelled)), seed=seed)
    unlabelled = make_dataset(x_unlabelled, batch_size=batch_size, seed=seed + 1)
    dataset = tf.data.Dataset.zip((labelled, unlabelled))
    log = AccuracyLog(*eval_data) if eval_data is not None else None
    model.fit(
        dataset,
        steps_per_epoch=every,
        epochs=math.ceil(steps / every),
        callbacks=[log] if log else [],
        verbose=0,
    )
    return model, log
