"""What a model and a machine cost: the arithmetic of a forward pass (:func:`forward_flops`)
and the machine's measured matrix-multiply rate (:func:`matmul_flops_per_second`), against
which the book states its run times (:data:`REFERENCE_GFLOPS`)."""

from __future__ import annotations

import time

import numpy as np


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
