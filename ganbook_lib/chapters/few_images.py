"""Learning from a few hundred digits, with and without augmentation (chapter 9, appendix).

:func:`few_digits` picks a class-balanced handful of the ``mnist5k`` training digits;
:func:`train_on_few` trains the ``mnist5k`` recipe on them (unconditional: 50 k-means clusters of
200 images would leave four images a cluster) with a choice of augmentation;
:func:`compare_augmentation` does so on several seeds and measures each run against the whole
distribution of digits (the classifier's Frechet distance and score, precision and recall) and
against the few training images (the nearest-neighbour ratio: below 1, samples sit closer to
the training images than new real digits do, the mark of memorisation).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .. import GanbookError, data, metrics, recipes, set_seed
from ..augment import Augment
from ..checks import positive_int

# The variants compared: the augmentation passed to GAN.compile. ADA's probability moves over
# 100 thousand images (Karras et al. use 500 for runs of millions of images; these runs see
# about 200 thousand, so at 500 p could never pass 0.4).
VARIANTS = {
    "none": None,
    "diffaugment": "diffaugment",
    "ada": Augment(probability=0.0, adaptive=True, kimg=100.0),
}


def few_digits(n: int, seed: int = 0) -> np.ndarray:
    """``n`` training digits of ``mnist5k``, ``n / 10`` of each class, chosen by ``seed``."""
    n = positive_int("n", n)
    if n % 10:
        raise GanbookError(f"n must be a multiple of 10 (the same count per class), got {n}")
    x, y = data.load_images("mnist5k", "train")
    rng = np.random.default_rng(seed)
    picks = [rng.choice(np.flatnonzero(y == c), n // 10, replace=False) for c in range(10)]
    return x[np.concatenate(picks)]


def train_on_few(x_few, variant: str, seed: int = 0, steps: int = 4000, marks: int = 4):
    """The ``mnist5k`` recipe (without clusters) trained ``steps`` steps on ``x_few`` with the
    augmentation ``variant`` (a key of :data:`VARIANTS`), measured (:func:`measure_few`) after
    each of ``marks`` equal parts of the run. Returns ``(gan, points)``."""
    import keras

    if variant not in VARIANTS:
        raise GanbookError(f"variant must be one of {', '.join(VARIANTS)}, got {variant!r}")
    steps, marks = positive_int("steps", steps), positive_int("marks", marks)
    if steps % marks:
        raise GanbookError(f"steps ({steps}) must be a multiple of marks ({marks})")
    set_seed(seed)
    recipe = dataclasses.replace(recipes.RECIPES["mnist5k"], clusters=0, augment=VARIANTS[variant])
    info = {"kind": "image", "image_shape": list(x_few.shape[1:]), "num_classes": None}
    gan = recipes.build_gan(recipe, info, seed=seed)
    points = []

    class Measure(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            d_real = float(logs["D_real"])  # the mean of D(x) on the training digits, this part
            points.append({"step": gan.step, "D_real": d_real, **measure_few(gan, x_few)})

    gan.fit(
        data.make_dataset(x_few, batch_size=recipe.batch_size, seed=seed),
        steps_per_epoch=steps // marks,
        epochs=marks,
        callbacks=[Measure()],
        verbose=0,
    )
    return gan, points


def measure_few(gan, x_few) -> dict:
    """The quality of ``gan`` against all digits (classifier Frechet distance and score,
    precision, recall) and its nearest-neighbour ratio against the few it was trained on."""
    m = metrics.evaluate(gan, "mnist5k")
    x_test, _ = data.load_images("mnist5k", "test")
    samples = gan.generate(500, seed=metrics.EVAL_SEED)
    return {
        "frechet_distance": m["frechet_distance"],
        "real_frechet_distance": m["real_frechet_distance"],
        "classifier_score": m["classifier_score"],
        "real_classifier_score": m["real_classifier_score"],
        "precision": m["precision"],
        "recall": m["recall"],
        "nearest_neighbour_ratio": metrics.nearest_neighbour_ratio(samples, x_few, x_test[:500]),
        "augment_p": gan.augment_probability,
        "classifier": m["classifier"],
    }


def compare_augmentation(seeds, n: int = 200, steps: int = 4000, variants=tuple(VARIANTS)):
    """Train every variant on ``n`` digits for ``steps`` steps on every seed (the seed also
    picks the digits), measured at four points of each run. One row per (variant, seed), its
    last measurement and the ``points`` of all four."""
    rows = []
    for seed in seeds:
        x_few = few_digits(n, seed)
        for variant in variants:
            _, points = train_on_few(x_few, variant, seed, steps)
            rows.append({"variant": variant, "seed": seed, "n": n, **points[-1], "points": points})
    return rows
