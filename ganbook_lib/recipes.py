"""Recipes: the library's recommended way to train a GAN on each dataset.

A *recipe* is everything but the data: architecture sizes, loss, optimizers, batch size.
:func:`build_gan` turns a recipe and a description of the data into a compiled GAN;
:mod:`ganbook_lib.runs` trains one into a run directory.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass

from . import GanbookError
from .data import DATASETS
from .losses import LOSSES


@dataclass(frozen=True)
class Recipe:
    """How to train on one kind of data. ``steps`` is the default length (generator steps);
    ``log_every`` is the number of steps in one Keras epoch (one line of the loss log)."""

    kind: str  # "toy" or "image"
    latent_dim: int
    batch_size: int
    lr: float
    beta_1: float = 0.5
    beta_2: float = 0.999
    loss: str = "nonsaturating"
    d_steps: int = 1
    gradient_penalty_weight: float = 0.0
    # gamma of the R1 penalty (on real samples) and of R2 (on generated ones): the training step
    # adds gamma / 2 * R (GAN.compile); R3GAN uses both together
    r1_weight: float = 0.0
    r2_weight: float = 0.0
    ema_decay: float | None = None  # generator weight averaging (images)
    hidden: int = 128  # MLP width (toy data)
    depth: int = 3  # MLP depth (toy data)
    width: int = 32  # DCGAN base width (images)
    steps: int = 5000
    log_every: int = 200
    arch: str = "dcgan"  # images: "dcgan" (this library's) or "tf-tutorial" (28x28x1 only)
    update: str = "alternating"  # or "simultaneous" (see GAN.compile)
    cosine_decay: bool = False  # anneal the learning rates to 0 over the training budget
    d_lr: float | None = None  # the discriminator's learning rate, if not ``lr`` (TTUR)
    clusters: int = 0  # self-condition on this many k-means clusters of the data (0 = off)
    augment: str | None = None  # images: "diffaugment" or "ada" (see GAN.compile)


# The 2-D mixtures: a 2-D latent (the data's own dimension), learning rates annealed to 0
# over the run, self-conditioning on 50 k-means clusters (data.cluster_data), so no single
# smooth map has to stretch across all the modes, and the R1 and R2 penalties with gamma 0.1
# (chapter 4). Against the targets of the benchmarks appendix (what samples of the data
# themselves score), the penalties without clusters left the ring's modes too narrow, and
# the clusters without penalties put too many of the grid's samples outside 3 sigma; both
# together met every target on every seed (benchmarks/results/full.json).
MIXTURES_2D = Recipe(
    "toy",
    latent_dim=2,
    batch_size=256,
    lr=1e-3,
    cosine_decay=True,
    steps=20000,
    clusters=50,
    r1_weight=0.1,
    r2_weight=0.1,
)

RECIPES = {
    "gaussian_1d": Recipe("toy", latent_dim=4, batch_size=256, lr=1e-3, hidden=64, steps=3000),
    "bimodal_1d": Recipe("toy", latent_dim=4, batch_size=256, lr=1e-3, hidden=64, steps=4000),
    "ring": MIXTURES_2D,
    "grid": MIXTURES_2D,
    # Unconditional digits, self-conditioned on 50 k-means clusters of the training images
    # (data.cluster_data), with a weight average of the generator to sample from. Adam's betas
    # are StyleGAN2's and R3GAN's, (0, 0.99), not DCGAN's (0.5, 0.999): the benchmarks'
    # digit FD was lower with them on each of three seeds at the same cost.
    "mnist5k": Recipe(
        "image",
        latent_dim=64,
        batch_size=64,
        lr=5e-4,
        beta_1=0.0,
        beta_2=0.99,
        width=32,
        ema_decay=0.999,
        steps=3000,
        clusters=50,
    ),
    "digits": Recipe("image", latent_dim=32, batch_size=64, lr=2e-4, width=32, steps=3000),
    "mnist": Recipe("image", latent_dim=64, batch_size=128, lr=2e-4, width=64, steps=20000),
    "fashion_mnist": Recipe("image", latent_dim=64, batch_size=128, lr=2e-4, width=64, steps=20000),
}
# For a user's own folder of images or .npy file.
USER_IMAGES_RECIPE = Recipe("image", latent_dim=64, batch_size=64, lr=2e-4, width=32, steps=4000)


def recipe_for(data: str, loss: str | None = None) -> Recipe:
    """The recommended recipe for ``data`` (a dataset name, or a path for a user's images)."""
    if data in RECIPES:
        recipe = RECIPES[data]
    elif os.path.exists(data) or data.endswith(".npy"):
        recipe = USER_IMAGES_RECIPE
    else:
        raise GanbookError(
            f"unknown --data {data!r}; accepted: {', '.join(DATASETS)}, "
            "a folder of images, or a .npy file"
        )
    if loss is not None:
        if loss not in LOSSES:
            raise GanbookError(f"unknown loss {loss!r}; accepted: {', '.join(LOSSES)}")
        gp = 10.0 if loss == "wasserstein" else recipe.gradient_penalty_weight
        d_steps = 5 if loss == "wasserstein" else recipe.d_steps
        recipe = dataclasses.replace(
            recipe,
            loss=loss,
            gradient_penalty_weight=gp,
            d_steps=d_steps,
            beta_1=0.0 if loss == "wasserstein" else recipe.beta_1,
            beta_2=0.9 if loss == "wasserstein" else recipe.beta_2,
        )
    return recipe


def build_gan(recipe: Recipe, info: dict, seed: int = 0, steps_per_execution: int = 1):
    """A compiled :class:`~ganbook_lib.training.GAN` for ``recipe`` and data ``info``.

    ``steps_per_execution`` is Keras' own: that many training steps per call into TensorFlow
    (the same numbers, less Python overhead per step; callbacks then see every n-th step).
    """
    import keras

    from .models import (
        dcgan_discriminator,
        dcgan_generator,
        mlp_discriminator,
        mlp_generator,
    )
    from .training import GAN

    num_classes = info.get("num_classes")
    if info["kind"] == "toy":
        dim = info["dim"]
        generator = mlp_generator(recipe.latent_dim, dim, recipe.hidden, recipe.depth, num_classes)
        discriminator = mlp_discriminator(dim, recipe.hidden, recipe.depth, num_classes)
    elif recipe.arch == "tf-tutorial":
        if list(info["image_shape"]) != [28, 28, 1] or num_classes:
            raise GanbookError(
                "the tf-tutorial architecture takes unconditional 28x28x1 images, "
                f"not {info['image_shape']}" + (" with labels" if num_classes else "")
            )
        from .references.tf_tutorial import tutorial_discriminator, tutorial_generator

        generator = tutorial_generator(recipe.latent_dim)
        discriminator = tutorial_discriminator()
    else:
        side, _, channels = info["image_shape"]
        generator = dcgan_generator(side, channels, recipe.latent_dim, recipe.width, num_classes)
        discriminator = dcgan_discriminator(side, channels, recipe.width, num_classes)
    gan = GAN(generator, discriminator, recipe.latent_dim, num_classes, seed=seed)

    def adam(lr):
        return keras.optimizers.Adam(lr, beta_1=recipe.beta_1, beta_2=recipe.beta_2)

    gan.compile(
        adam(recipe.lr),
        adam(recipe.d_lr or recipe.lr),
        loss=recipe.loss,
        d_steps=recipe.d_steps,
        gradient_penalty_weight=recipe.gradient_penalty_weight,
        r1_weight=recipe.r1_weight,
        r2_weight=recipe.r2_weight,
        ema_decay=recipe.ema_decay,
        update=recipe.update,
        augment=recipe.augment,
        steps_per_execution=steps_per_execution,
    )
    return gan
