"""Throughput benchmark: the library's ``GAN.fit`` step against a plain ``tf.function`` step.

``ganbook bench throughput --arch tf-tutorial --batch 256 --steps N`` runs both on the same
architecture, batch and data, side by side in one process, and reports images per second, their
ratio, and the fraction of the machine's measured matrix-multiply FLOP/s the step reaches.
"""

from __future__ import annotations

import time

import numpy as np

from . import GanbookError

ARCHES = ("tf-tutorial",)


def _models(arch: str):
    from .models import tutorial_discriminator, tutorial_generator

    if arch != "tf-tutorial":
        raise GanbookError(f"unknown --arch {arch!r}; accepted: {', '.join(ARCHES)}")
    return tutorial_generator(), tutorial_discriminator(), 100


def forward_flops(model) -> float:
    """Floating-point operations (2 per multiply-add) of one forward pass for one example,
    counting Dense, Conv2D and Conv2DTranspose layers (the rest is negligible here)."""
    from keras import layers

    total = 0.0
    for layer in model.layers:
        if isinstance(layer, layers.Dense):
            total += 2.0 * np.prod(layer.kernel.shape)
        elif isinstance(layer, (layers.Conv2D, layers.Conv2DTranspose)):
            kh, kw, c_a, c_b = layer.kernel.shape
            out = layer.output.shape if isinstance(layer, layers.Conv2D) else layer.input.shape
            total += 2.0 * kh * kw * c_a * c_b * out[1] * out[2]
    return float(total)


# The machine the book's cost targets are stated for: 2 cores whose 2048 x 2048 float32 matmul
# runs at this rate (about a laptop's, or Colab's free CPU runtime's). A time measured at R
# GFLOP/s is scaled to it by multiplying by R / REFERENCE_GFLOPS.
REFERENCE_GFLOPS = 100.0


def matmul_flops_per_second(n: int = 2048, repeats: int = 5, trials: int = 5) -> float:
    """The machine's measured float32 matrix-multiply rate (FLOP/s) for n x n matrices: the
    best of ``trials`` timings, so a busy moment does not understate the machine. The book
    states its costs against a 2048 x 2048 rate of :data:`REFERENCE_GFLOPS`."""
    import tensorflow as tf

    a = tf.random.normal((n, n))
    b = tf.random.normal((n, n))
    matmul = tf.function(lambda x, y: tf.matmul(x, y))
    matmul(a, b).numpy()
    best = 0.0
    for _ in range(trials):
        start = time.perf_counter()
        for _ in range(repeats):
            c = matmul(a, b)
        c.numpy()
        best = max(best, 2.0 * n**3 * repeats / (time.perf_counter() - start))
    return best


def _step_clock(warmup: int):
    """A callback timing ``fit()`` from the end of batch ``warmup`` to the end of the last batch
    (``.seconds``). Built on demand, so importing this module does not import Keras."""
    import keras

    class StepClock(keras.callbacks.Callback):
        """Wall time from the end of batch ``warmup`` to the end of the last batch."""

        def __init__(self, warmup):
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

    return StepClock(warmup)


def throughput(
    arch: str = "tf-tutorial", batch: int = 256, steps: int = 20, warmup: int = 3, seed: int = 0
) -> dict:
    """Images per second of ``GAN.fit`` and of the plain GradientTape step (same models)."""
    import keras
    import tensorflow as tf

    from . import set_seed
    from .data import load_images, make_dataset
    from .training import GAN, gradient_tape_train_step

    for name, value in (("batch", batch), ("steps", steps), ("warmup", warmup)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise GanbookError(f"--{name} must be a positive integer, got {value!r}")
    set_seed(seed)
    x, _ = load_images("mnist5k", "train")
    generator, discriminator, latent_dim = _models(arch)

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
    clock = _step_clock(warmup)
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
        "arch": arch,
        "batch": batch,
        "steps": steps,
        "images_per_s": round(fit_rate, 1),
        "plain_images_per_s": round(plain_rate, 1),
        "ratio": round(fit_rate / plain_rate, 3),
        "step_gflop": round(step_flops / 1e9, 2),
        "matmul_gflop_per_s": round(peak / 1e9, 1),
        "fraction_of_matmul_peak": round(step_flops * steps / fit_seconds / peak, 3),
    }
