"""Call traces: run a Keras model once and record which of its layers ran, in which order, and
the shape each one returned, stopping at the layer that raises.

Chapter 5 uses :func:`trace_calls` to show where the source article's generator breaks and to
check the shapes at every step of its repair. It works for subclassed models (layers named by
the attribute that holds them, e.g. ``fc1``) and for functional or Sequential models (layers
named by ``layer.name``).

For the two article defects that chapter 5 shows in real training, it also builds the repaired
generator with BatchNorm put back before ``tanh`` (:func:`generator_with_bn_before_tanh`) and
the losses computed from probabilities instead of logits (:func:`bce_on_probabilities`).
"""

from __future__ import annotations

import contextlib
import math
import re
from collections import Counter
from dataclasses import dataclass, field

import keras
import tensorflow as tf

from .. import GanbookError

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass
class CallTrace:
    """What one forward pass did, layer by layer.

    Attributes:
        calls: ``(name, layer type, output shape)`` for every layer call, in order; the shape is
            None for the layer that raised.
        unused: names of the model's layers that were never called.
        error: the exception that stopped the pass (the failing layer's own one), or None.
    """

    calls: list[tuple[str, str, tuple | None]] = field(default_factory=list)
    unused: list[str] = field(default_factory=list)
    error: Exception | None = None

    @property
    def shapes(self) -> list[tuple | None]:
        """Output shapes of the calls, in order."""
        return [shape for _, _, shape in self.calls]

    @property
    def reused(self) -> dict[str, int]:
        """Layers called more than once in the pass, with their number of calls."""
        counts = Counter(name for name, _, _ in self.calls)
        return {name: n for name, n in counts.items() if n > 1}

    @property
    def error_message(self) -> str | None:
        """The first line of the error, without terminal colour codes (None if no error)."""
        if self.error is None:
            return None
        lines = [line.strip() for line in _ANSI.sub("", str(self.error)).splitlines()]
        useful = [line for line in lines if line and not line.startswith("Exception encountered")]
        return f"{type(self.error).__name__}: {(useful or [''])[0]}"

    def __str__(self) -> str:
        width = max([len(name) for name, _, _ in self.calls] + [5])
        kinds = max([len(kind) for _, kind, _ in self.calls] + [4])
        rows = [f"{'#':>3}  {'layer':<{width}}  {'type':<{kinds}}  output shape"]
        for i, (name, kind, shape) in enumerate(self.calls, 1):
            result = str(shape) if shape is not None else "raised (see below)"
            rows.append(f"{i:>3}  {name:<{width}}  {kind:<{kinds}}  {result}")
        if self.unused:
            rows.append(f"never called: {', '.join(self.unused)}")
        if self.error is not None:
            rows.append(self.error_message)
        return "\n".join(rows)

    def _repr_pretty_(self, printer, cycle):  # IPython shows the table
        printer.text(str(self))


def _shape_of(value):
    if isinstance(value, (list, tuple)):
        return [_shape_of(v) for v in value]
    return tuple(None if d is None else int(d) for d in value.shape)


def _named_layers(model) -> dict[int, tuple[str, keras.Layer]]:
    """``id(layer) -> (name, layer)`` for the model's direct sublayers (Input layers excluded)."""
    named = {}
    for attr, value in vars(model).items():  # subclassed models: the attribute names
        if isinstance(value, keras.Layer) and not attr.startswith("_"):
            named.setdefault(id(value), (attr, value))
    for layer in model.layers:
        named.setdefault(id(layer), (layer.name, layer))
    return {
        key: item for key, item in named.items() if not isinstance(item[1], keras.layers.InputLayer)
    }


@contextlib.contextmanager
def _recording(named, trace: CallTrace):
    """Temporarily wrap ``__call__`` of the classes that define it for the traced layers."""
    owners = set()
    for _, layer in named.values():
        owners.add(next(c for c in type(layer).__mro__ if "__call__" in vars(c)))
    originals = {owner: vars(owner)["__call__"] for owner in owners}

    def wrap(original):
        def __call__(self, *args, **kwargs):
            # Keras first runs an unbuilt model on placeholders to infer shapes: not recorded
            symbolic = not tf.executing_eagerly() or any(
                isinstance(a, keras.KerasTensor) for a in keras.tree.flatten(args)
            )
            if id(self) not in named or symbolic:
                return original(self, *args, **kwargs)
            name, kind = named[id(self)][0], type(self).__name__
            try:
                out = original(self, *args, **kwargs)
            except Exception as exc:
                if trace.error is None:  # the innermost failure is the informative one
                    trace.calls.append((name, kind, None))
                    trace.error = exc
                raise
            trace.calls.append((name, kind, _shape_of(out)))
            return out

        return __call__

    try:
        for owner, original in originals.items():
            owner.__call__ = wrap(original)
        yield
    finally:
        for owner, original in originals.items():
            owner.__call__ = original


def trace_calls(model, inputs, training: bool = False) -> CallTrace:
    """Run ``model(inputs, training=training)`` once and return a :class:`CallTrace`.

    The pass runs eagerly (outside ``tf.function``). Every call of one of the model's direct
    sublayers is recorded with the shape it returned. If the pass raises, the exception is caught
    and kept in ``trace.error`` (the failing layer is the last row of ``trace.calls``, with shape
    None), so a notebook can show where a model breaks without stopping. Layers the model owns
    but never called are listed in ``trace.unused``.
    """
    if not isinstance(model, keras.Layer):
        raise GanbookError(
            f"model must be a keras Model or Layer, got {type(model).__name__}; "
            "build it first, e.g. models.article_generator()"
        )
    named = _named_layers(model)
    trace = CallTrace()
    with _recording(named, trace):
        try:
            model(inputs, training=training)
        except Exception as exc:  # kept in the trace, for the reader to inspect
            if trace.error is None:
                trace.error = exc
    called = {name for name, _, _ in trace.calls}
    trace.unused = [name for name, _ in named.values() if name not in called]
    return trace


# ----------------------------------------------------------------------------- in real training
#: Keras clips probabilities into [EPSILON, 1 - EPSILON] before a cross-entropy; the clip
#: engages beyond this |logit|, log((1 - 1e-7) / 1e-7) = 16.12
PROBABILITY_EPSILON = 1e-7
CLIP_LOGIT = math.log((1 - PROBABILITY_EPSILON) / PROBABILITY_EPSILON)
#: real and generated images probed by LargestLogit in chapter 5 and its benchmark
PROBE_SIZE = 256


def generator_with_bn_before_tanh(latent_dim: int = 64, width: int = 32) -> keras.Model:
    """The repaired 28x28 generator (``models.dcgan_generator(28, 1, latent_dim, width)``) with
    the article's habit put back: BatchNorm between the last convolution and ``tanh``."""
    from keras import layers

    from .. import models

    start, steps = models._upsamplings(28)  # 7x7, two doublings: as dcgan_generator does
    z = keras.Input((latent_dim,), name="z")
    h = models.dcgan_upsampling(z, start, steps, top=width * 2**steps)
    h = layers.Conv2D(1, 3, padding="same")(h)
    h = layers.BatchNormalization()(h)  # the article's output block: BatchNorm, then tanh
    return keras.Model(z, layers.Activation("tanh")(h), name="generator_with_bn_before_tanh")


def _bce_on_probabilities(target, logits):
    # The article's route: turn the logit into a probability first, then take the cross-entropy
    # of the probability, clipped into [1e-7, 1 - 1e-7] as Keras does. Written out, because
    # Keras's own binary_crossentropy quietly uses the logit when the probability comes straight
    # from a sigmoid (a Sigmoid op in a tf.function), which is what `fit()` runs.
    p = tf.clip_by_value(tf.sigmoid(logits), PROBABILITY_EPSILON, 1.0 - PROBABILITY_EPSILON)
    return -tf.reduce_mean(target * tf.math.log(p) + (1.0 - target) * tf.math.log(1.0 - p))


def bce_on_probabilities():
    """The non-saturating GAN losses computed the article's way, from the probability
    ``sigmoid(logit)`` rather than from the logit: a ``LossFamily`` for ``GAN.compile``."""
    from ..losses import LossFamily

    def discriminator(d_real, d_fake):
        real = _bce_on_probabilities(tf.ones_like(d_real), d_real)
        return real + _bce_on_probabilities(tf.zeros_like(d_fake), d_fake)

    def generator(d_fake):
        return _bce_on_probabilities(tf.ones_like(d_fake), d_fake)

    return LossFamily("bce_on_probabilities", discriminator, generator, True)


def repaired_dcgan(num_classes=None, generator=None, loss="nonsaturating", seed: int = 0):
    """Chapter 5's repaired DCGAN for 28x28 digits, compiled with the chapter's settings: Adam
    (5e-4, beta_1 = 0.5) for both networks, a weight average of the generator (decay 0.999) and
    25 steps per call into TensorFlow. ``generator`` and ``loss`` swap in a variant."""
    from .. import models
    from ..training import GAN

    if generator is None:
        generator = models.dcgan_generator(28, 1, latent_dim=64, width=32, num_classes=num_classes)
    elif (len(generator.inputs) == 2) != (num_classes is not None):
        raise GanbookError(
            f"the generator takes {len(generator.inputs)} input(s) but num_classes={num_classes}: "
            "a conditional generator takes [z, label], an unconditional one z alone"
        )
    discriminator = models.dcgan_discriminator(28, 1, width=32, num_classes=num_classes)
    gan = GAN(generator, discriminator, num_classes=num_classes, seed=seed)
    gan.compile(
        keras.optimizers.Adam(5e-4, beta_1=0.5),
        keras.optimizers.Adam(5e-4, beta_1=0.5),
        loss=loss,
        ema_decay=0.999,
        steps_per_execution=25,  # 25 steps per entry into TensorFlow (chapter 3)
    )
    return gan


class LargestLogit(keras.callbacks.Callback):
    """Records, after every epoch, the largest ``|logit|`` the GAN's discriminator gives to the
    real images ``x_real`` and to the generator's images of the latent vectors ``z``, in
    ``self.values``: how close the run comes to a clip such as Keras's (:data:`CLIP_LOGIT`).
    For unconditional GANs (a conditional discriminator would need labels for its verdict)."""

    def __init__(self, x_real, z):
        super().__init__()
        self.x_real, self.z = x_real, tf.constant(z, tf.float32)
        self.values = []

    def on_epoch_end(self, epoch, logs=None):
        gan = self.model
        if gan.num_classes is not None:
            raise GanbookError("LargestLogit probes unconditional GANs only; this one has labels")
        x_fake = gan.generator(self.z, training=False)
        logits = tf.concat([gan.discriminator(self.x_real), gan.discriminator(x_fake)], 0)
        self.values.append(float(tf.reduce_max(tf.abs(logits))))


ARTICLE_VARIANTS = ("repaired", "BatchNorm before tanh", "loss on probabilities")


def article_variant(name: str) -> dict:
    """Keyword arguments for :func:`repaired_dcgan` that put one of the article's two habits
    back into the repaired DCGAN (``"repaired"``: none), as chapter 5 does."""
    if name not in ARTICLE_VARIANTS:
        raise GanbookError(f"unknown variant {name!r}; accepted: {', '.join(ARTICLE_VARIANTS)}")
    if name == "BatchNorm before tanh":
        return {"generator": generator_with_bn_before_tanh()}
    if name == "loss on probabilities":
        return {"loss": bce_on_probabilities()}
    return {}


def compare_article_variants(seeds, steps: int, dataset: str = "mnist5k") -> list[dict]:
    """Train the repaired DCGAN and each article variant for ``steps`` steps on every seed and
    measure each (the generator itself, not its average): the benchmark behind chapter 5's
    claims about the two habits. One row per (variant, seed)."""
    import numpy as np

    from .. import data, metrics, set_seed

    if steps <= 0 or steps % 250:
        # ten epochs of whole executions of 25 steps: what repaired_dcgan's fit() can count
        raise GanbookError(f"steps must be a positive multiple of 250, got {steps!r}")
    x_train, _ = data.load_images(dataset, "train")
    rows = []
    for seed in seeds:
        for name in ARTICLE_VARIANTS:
            set_seed(seed)
            gan = repaired_dcgan(seed=seed, **article_variant(name))
            z = np.random.default_rng(seed).standard_normal((PROBE_SIZE, gan.latent_dim))
            watch = LargestLogit(x_train[:PROBE_SIZE], z)
            history = gan.fit(
                data.make_dataset(x_train, batch_size=32, seed=seed),
                steps_per_epoch=steps // 10,
                epochs=10,
                callbacks=[watch],
                verbose=0,
            )
            m = metrics.evaluate(gan, dataset, averaged=False)
            rows.append(
                {
                    "variant": name,
                    "seed": seed,
                    "steps": gan.step,
                    "frechet_distance": m["frechet_distance"],
                    "classifier_score": m["classifier_score"],
                    "classes_present": m["classes_present"],
                    "real_frechet_distance": m["real_frechet_distance"],
                    "classifier": m["classifier"],
                    "d_fake_last": float(history.history["D_fake"][-1]),
                    "largest_logit": max(watch.values),
                }
            )
    return rows
