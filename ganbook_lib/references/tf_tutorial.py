"""The official TensorFlow DCGAN tutorial (tensorflow2024dcgan), as the benchmarks use it.

- :func:`tutorial_generator`, :func:`tutorial_discriminator`: its architecture (28x28x1).
- :data:`RECIPE`: its training recipe, run by ``runs.train_run`` beside the library's own.
- :func:`throughput`: ``ganbook bench throughput --batch 256 --steps N``
  runs the library's ``GAN.fit`` step and the tutorial's plain ``tf.function`` step on the same
  architecture, batch and data, side by side in one process, and reports images per second,
  their ratio, and the fraction of the machine's matrix-multiply rate the step reaches.
"""

from __future__ import annotations

import time

import keras
from keras import layers

from ..bench import forward_flops, matmul_flops_per_second
from ..checks import positive_int
from ..recipes import Recipe

# Its recipe: the tutorial's architecture, Adam(1e-4) with Keras' default betas, batch 256,
# both networks updated from one forward pass. Not a recommendation: the benchmarks train it
# beside the library's recipe.
RECIPE = Recipe(
    "image",
    latent_dim=100,
    batch_size=256,
    lr=1e-4,
    beta_1=0.9,
    arch="tf-tutorial",
    update="simultaneous",
    steps=12000,
)


def tutorial_generator(latent_dim: int = 100) -> keras.Model:
    """The generator architecture of the official TensorFlow DCGAN tutorial (28x28x1)."""
    z = keras.Input((latent_dim,), name="z")
    h = layers.Dense(7 * 7 * 256, use_bias=False)(z)
    h = layers.LeakyReLU()(layers.BatchNormalization()(h))
    h = layers.Reshape((7, 7, 256))(h)
    for filters, stride in ((128, 1), (64, 2)):
        h = layers.Conv2DTranspose(filters, 5, stride, "same", use_bias=False)(h)
        h = layers.LeakyReLU()(layers.BatchNormalization()(h))
    x = layers.Conv2DTranspose(1, 5, 2, "same", use_bias=False, activation="tanh")(h)
    return keras.Model(z, x, name="tutorial_generator")


def tutorial_discriminator() -> keras.Model:
    """The discriminator architecture of the official TensorFlow DCGAN tutorial (logits)."""
    x = keras.Input((28, 28, 1), name="x")
    h = x
    for filters in (64, 128):
        h = layers.Dropout(0.3)(layers.LeakyReLU()(layers.Conv2D(filters, 5, 2, "same")(h)))
    return keras.Model(x, layers.Dense(1)(layers.Flatten()(h)), name="tutorial_discriminator")


class StepClock(keras.callbacks.Callback):
    """Wall time of ``fit()`` from the end of batch ``warmup`` to the end of the last batch
    (``.seconds``)."""

    def __init__(self, warmup: int):
        super().__init__()
        self.warmup, self.start, self.seconds = warmup, None, None

    def on_train_batch_end(self, batch, logs=None):
        if logs:  # fetch the step's results, so the step has really finished
            float(logs["g_loss"])
        now = time.perf_counter()
        if batch + 1 == self.warmup:
            self.start = now
        elif self.start is not None:
            self.seconds = now - self.start


def throughput(batch: int = 256, steps: int = 20, warmup: int = 3, seed: int = 0) -> dict:
    """Images per second of ``GAN.fit`` and of the plain GradientTape step, both on the
    tutorial's models."""
    import tensorflow as tf

    from .. import set_seed
    from ..data import load_images, make_dataset
    from ..training import GAN, gradient_tape_train_step

    batch, steps = positive_int("--batch", batch), positive_int("--steps", steps)
    warmup = positive_int("--warmup", warmup)
    set_seed(seed)
    x, _ = load_images("mnist5k", "train")
    generator, discriminator, latent_dim = tutorial_generator(), tutorial_discriminator(), 100

    # the plain step, written the way the TensorFlow tutorial writes it
    plain_g, plain_d = keras.models.clone_model(generator), keras.models.clone_model(discriminator)
    g_opt, d_opt = keras.optimizers.Adam(1e-4), keras.optimizers.Adam(1e-4)
    step = tf.function(gradient_tape_train_step)
    batches = iter(make_dataset(x, batch_size=batch, seed=seed))
    for _ in range(warmup):
        step(plain_g, plain_d, g_opt, d_opt, next(batches), latent_dim)
    start = time.perf_counter()
    for _ in range(steps):
        losses = step(plain_g, plain_d, g_opt, d_opt, next(batches), latent_dim)
    float(losses[0])
    plain_seconds = time.perf_counter() - start

    # The library's step, timed inside one fit() call from the end of the warm-up steps to the
    # end of the last step: the steady state, per-step overhead of Keras' loop included, the
    # one-off cost of starting fit() (tracing, the data iterator) not, as for the plain step.
    gan = GAN(generator, discriminator, latent_dim, seed=seed)
    gan.compile(keras.optimizers.Adam(1e-4), keras.optimizers.Adam(1e-4), update="simultaneous")
    clock = StepClock(warmup)
    gan.fit(
        make_dataset(x, batch_size=batch, seed=seed),
        steps_per_epoch=warmup + steps,
        epochs=1,
        callbacks=[clock],
        verbose=0,
    )
    fit_seconds = clock.seconds

    # one step: G forward + backward (~3 forward passes), D on real and fake, forward and
    # backward (~6), and the generator's gradient flowing back through D on the fakes (~2)
    step_flops = batch * (3 * forward_flops(generator) + 8 * forward_flops(discriminator))
    peak = matmul_flops_per_second()
    fit_rate = batch * steps / fit_seconds
    plain_rate = batch * steps / plain_seconds
    return {
        "arch": "tf-tutorial",
        "batch": batch,
        "steps": steps,
        "images_per_s": round(fit_rate, 1),
        "plain_images_per_s": round(plain_rate, 1),
        "ratio": round(fit_rate / plain_rate, 3),
        "step_gflop": round(step_flops / 1e9, 2),
        "matmul_gflop_per_s": round(peak / 1e9, 1),
        "fraction_of_matmul_peak": round(step_flops * steps / fit_seconds / peak, 3),
    }
