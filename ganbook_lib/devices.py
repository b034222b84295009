"""More than one device: a ``tf.distribute.MirroredStrategy`` for ``GAN.fit`` (chapter 8).

A :class:`~ganbook_lib.training.GAN` built and compiled inside ``strategy.scope()`` trains on
every device of the strategy: Keras splits each global batch between the replicas, each
replica computes its share of the losses, and the optimizers sum the replicas' gradients. The
GAN scales its losses so that the sum is the gradient of the global batch's mean, draws the
latent noise of the global batch once, and (built under the strategy) the DCGAN generator
synchronises its BatchNorm statistics; one step on N devices then equals one step on one device
with the same global batch, up to float rounding (``tests/test_devices.py``).

    strategy = strategy_for(devices=2)
    with strategy.scope():
        gan = build_gan(recipe, info)
    gan.fit(dataset, ...)

On a machine without GPUs, :func:`split_cpu` divides the CPU into logical devices, so the
same code runs (not faster: the devices share the same cores) and can be tested.
"""

from __future__ import annotations

import functools

from . import GanbookError
from .augment import Augment
from .checks import positive_int


def split_cpu(n: int) -> None:
    """Divide the CPU into ``n`` logical devices (``/cpu:0`` ... ``/cpu:{n-1}``).

    TensorFlow accepts this only before its runtime starts (before the first tensor); the
    ``ganbook`` command calls it first thing. In a notebook, restart the kernel and call it in
    the first cell.
    """
    import tensorflow as tf

    n = positive_int("devices", n)
    cpu = tf.config.list_physical_devices("CPU")[0]
    current = tf.config.get_logical_device_configuration(cpu)
    if current is not None and len(current) == n:
        return
    try:
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration() for _ in range(n)]
        )
    except RuntimeError:
        raise GanbookError(
            f"cannot split the CPU into {n} devices: TensorFlow has already started "
            f"(it has {len(tf.config.list_logical_devices('CPU'))} CPU device(s)); call "
            "split_cpu before anything else runs TensorFlow (in a notebook: restart the kernel)"
        ) from None


def strategy_for(devices: int | None = None):
    """The ``tf.distribute`` strategy for ``devices`` devices.

    ``None`` or 1: TensorFlow's default strategy (one device, no change to anything). ``N > 1``:
    a ``MirroredStrategy`` over the first N GPUs, or, on a machine without GPUs, over N
    logical CPU devices made by :func:`split_cpu`. Asking for more devices than there are
    raises :class:`~ganbook_lib.GanbookError` saying how many there are.
    """
    import tensorflow as tf

    if devices is None or positive_int("devices", devices) == 1:
        return tf.distribute.get_strategy()
    gpus = tf.config.list_logical_devices("GPU")
    pool = gpus or tf.config.list_logical_devices("CPU")
    if len(pool) < devices:
        kind = "GPU" if gpus else "CPU"
        hint = "" if gpus else "; on a CPU, call split_cpu(N) before TensorFlow starts"
        raise GanbookError(
            f"{devices} devices asked for, but this machine has {len(pool)} {kind} device(s){hint}"
        )
    return _mirrored(tuple(d.name for d in pool[:devices]))


def usable_gpus(batch_size: int) -> int:
    """How many of the visible GPUs a run with global batch ``batch_size`` uses when none is
    asked for under the GPU profile: all of them, or the most that divide the batch evenly
    (at least 1, which means the default one-device strategy)."""
    import tensorflow as tf

    batch_size = positive_int("batch_size", batch_size)
    count = len(tf.config.list_logical_devices("GPU"))
    return max([1] + [n for n in range(1, count + 1) if batch_size % n == 0])


@functools.cache
def _mirrored(names: tuple[str, ...]):
    # one strategy per set of devices and process: two MirroredStrategy objects over the same
    # devices number their collective operations independently, and their BatchNorm
    # all-reduces then collide ("shape mismatch in the collective instance")
    import tensorflow as tf

    return tf.distribute.MirroredStrategy(list(names))


# Each configuration of the equal-step check: the kind of models and GAN.compile's arguments.
EQUAL_STEP_CONFIGS = {
    "mlp, non-saturating, alternating": dict(kind="toy"),
    "mlp, RpGAN, simultaneous": dict(kind="toy", loss="rpgan", update="simultaneous"),
    "conditional DCGAN, RpGAN + R1 + R2, EMA, k = 2": dict(
        kind="image", loss="rpgan", r1_weight=1.0, r2_weight=1.0, ema_decay=0.9, d_steps=2
    ),
    "conditional DCGAN, adaptive augmentation": dict(
        kind="image", augment=Augment(probability=0.5, adaptive=True, kimg=0.32, interval=1)
    ),
}


def equal_step_report(devices: int = 2, steps: int = 4) -> dict:
    """Train the same small GANs for ``steps`` steps on one device and on ``devices`` devices
    (a ``MirroredStrategy``) from the same weights, seed and global batches of 32, and report,
    for each of :data:`EQUAL_STEP_CONFIGS`, the largest difference between the two runs'
    weights (``difference``) and how far training moved them (``moved``).

    The optimizers are plain SGD with learning rate 0.1: it follows the gradient's size, so a
    gradient summed over replicas without the loss scaling would show at once (Adam's first
    steps have about the same size whatever the gradient's scale, and would hide it). The
    DCGAN configurations cover BatchNorm, labels, the R1 and R2 penalties, the weight average,
    ``d_steps = 2`` and the adaptive augmentation.
    """
    import keras
    import numpy as np
    import tensorflow as tf

    from . import models
    from .training import GAN

    strategy = strategy_for(devices)

    def build(kind, **compile_args):
        keras.utils.set_random_seed(1)
        classes = None if kind == "toy" else 3
        if kind == "toy":
            g, d = models.mlp_generator(2, 2, 32, 2), models.mlp_discriminator(2, 32, 2)
        else:
            g = models.dcgan_generator(8, 1, 8, 8, num_classes=classes)
            d = models.dcgan_discriminator(8, 1, 8, num_classes=classes)
        gan = GAN(g, d, num_classes=classes, seed=3)
        gan.compile(keras.optimizers.SGD(0.1), keras.optimizers.SGD(0.1), **compile_args)
        return gan

    def batches(kind, k):
        rng = np.random.default_rng(0)
        n = 32 * steps * k
        x = rng.standard_normal((n, 2) if kind == "toy" else (n, 8, 8, 1)).astype("float32")
        labels = rng.integers(0, 3, n)
        ds = tf.data.Dataset.from_tensor_slices(x if kind == "toy" else (x, labels))
        ds = ds.batch(32, drop_remainder=True)
        return ds.batch(k, drop_remainder=True) if k > 1 else ds

    def weights(gan):
        nets = [gan.generator, gan.discriminator, gan.ema_generator]
        return [w for net in nets if net is not None for w in net.get_weights()]

    def largest_gap(a, b):
        return max(float(np.abs(u - v).max()) for u, v in zip(a, b))

    report = {}
    for name, config in EQUAL_STEP_CONFIGS.items():
        config = dict(config)
        kind, k = config.pop("kind"), config.get("d_steps", 1)
        one = build(kind, **config)
        start = weights(one)
        one.fit(batches(kind, k), epochs=1, verbose=0)
        with strategy.scope():
            many = build(kind, **config)
        many.fit(batches(kind, k), epochs=1, verbose=0)
        report[name] = {
            "steps": one.step,
            "augment_p": [one.augment_probability, many.augment_probability],
            "difference": largest_gap(weights(one), weights(many)),
            "moved": largest_gap(weights(one), start),
        }
    return {"devices": strategy.num_replicas_in_sync, "configs": report}


def step_seconds(devices: int = 2, steps: int = 10, warmup: int = 3, seed: int = 0) -> dict:
    """Mean wall seconds per training step of the ``mnist5k`` recipe's DCGAN (global batch
    64, unconditional) on one device and on ``devices`` devices, measured on this machine
    after ``warmup`` steps (which include tracing the step into a graph). Information, not a
    target: on logical CPU devices that share the same cores, more devices cannot be faster."""
    import dataclasses
    import time

    from .data import load_images, make_dataset
    from .recipes import RECIPES, build_gan

    recipe = dataclasses.replace(RECIPES["mnist5k"], clusters=0, ema_decay=None)
    x, _ = load_images("mnist5k", "train")
    info = {"kind": "image", "image_shape": list(x.shape[1:]), "num_classes": None}
    seconds = {}
    for n in (1, devices):
        with strategy_for(n).scope():
            gan = build_gan(recipe, info, seed=seed)
        dataset = make_dataset(x, batch_size=recipe.batch_size, seed=seed)
        gan.fit(dataset, steps_per_epoch=warmup, epochs=1, verbose=0)
        started = time.perf_counter()
        gan.fit(dataset, steps_per_epoch=steps, epochs=1, verbose=0)
        seconds[n] = (time.perf_counter() - started) / steps
    return seconds
