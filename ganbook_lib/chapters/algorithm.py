"""The training algorithm on the ring (chapter 3): the players, and how many discriminator
steps to take per generator step.

- :func:`init_players`: step 1 of the algorithm, a generator and a discriminator with random
  weights and their optimisers.
- :func:`train_with_k`: one run with ``k`` discriminator steps per generator step, each on a
  fresh real minibatch (Goodfellow et al., 2014, Algorithm 1), scored on the ring.
- :func:`compare_k`: :func:`train_with_k` over several ``k`` and seeds, the table chapter 3's
  lesson rests on (``benchmarks/run.py --only k-steps`` runs it on five seeds).
- :func:`ring_gan` and :func:`train_ring`: the same setup compiled with any loss (chapter 4),
  and :data:`PAPER_RECIPES`, the settings each loss's authors recommend
  (``benchmarks/run.py --only loss-recipes`` trains them).
"""

from __future__ import annotations

import time

import keras
import numpy as np

from .. import data, metrics, models, training
from ..callbacks import SampleSnapshots
from ..checks import positive_int, positive_number

LATENT_DIM = 8  # the chapter's generator input; the ring itself is 2-D


def _ring(x_ring=None) -> np.ndarray:
    """``x_ring``, or the chapters' 100,000 ring points (seed 0) when it is None."""
    return data.sample_toy("ring", 100_000, seed=0) if x_ring is None else np.asarray(x_ring)


def init_players(seed, steps, g_rate=1e-3, d_rate=2e-3, k=1, constant_rates=False):
    """Step 1: a generator and a discriminator with random weights, and their optimisers.

    Both are Adam (beta_1 = 0.5) whose learning rate decays from ``g_rate`` / ``d_rate`` to 0
    over the run (``steps`` generator updates, ``k * steps`` discriminator updates), unless
    ``constant_rates``.
    """
    steps, k = positive_int("steps", steps), positive_int("k", k)

    def adam(rate, updates):
        if not constant_rates:
            rate = keras.optimizers.schedules.CosineDecay(rate, updates)
        return keras.optimizers.Adam(rate, beta_1=0.5)

    keras.utils.set_random_seed(seed)
    generator = models.mlp_generator(LATENT_DIM, 2, hidden=128, depth=3)
    discriminator = models.mlp_discriminator(2, hidden=128, depth=3)
    g_opt, d_opt = adam(g_rate, steps), adam(d_rate, k * steps)
    g_opt.build(generator.trainable_variables)  # create the optimisers' state now, not
    d_opt.build(discriminator.trainable_variables)  # inside a compiled function later
    return generator, discriminator, g_opt, d_opt


def train_with_k(k, seed, x_ring, steps=2000, d_rate=1e-3, snapshots=4):
    """Train ``steps`` generator steps with ``k`` discriminator steps each, both learning rates
    ``1e-3`` unless ``d_rate`` is given, and score the samples ``snapshots`` times.

    Each discriminator step draws its own real minibatch of 128 (``make_dataset(...,
    minibatches=k)``). Returns ``(frames, scores, cpu_seconds)``: ``frames`` are
    ``(step, samples)`` of 2,500 samples from a fixed ``z`` (the first at step 0), ``scores``
    their :func:`~ganbook_lib.metrics.ring_coverage`, and ``cpu_seconds`` the process CPU time
    of training (information about this machine, not a result).
    """
    steps, snapshots = positive_int("steps", steps), positive_int("snapshots", snapshots)
    positive_number("d_rate", d_rate)
    generator, discriminator, g_opt, d_opt = init_players(seed, steps, 1e-3, d_rate, k)
    gan = training.GAN(generator, discriminator, seed=seed)
    gan.compile(g_opt, d_opt, d_steps=k, steps_per_execution=50)
    snaps = SampleSnapshots(n=2500, every=1, seed=1)
    batches = data.make_dataset(x_ring, batch_size=128, seed=seed, minibatches=k)
    started = time.process_time()
    gan.fit(
        batches,
        steps_per_epoch=steps // snapshots,
        epochs=snapshots,
        callbacks=[snaps],
        verbose=0,
    )
    seconds = time.process_time() - started
    return snaps.frames, [metrics.ring_coverage(x) for _, x in snaps.frames], seconds


# (k, the discriminator's learning rate): chapter 3's three values of k at equal rates, and
# k = 1 with the discriminator at twice the generator's rate (the chapter's main runs)
K_VARIANTS = ((1, 1e-3), (2, 1e-3), (5, 1e-3), (1, 2e-3))


def compare_k(variants=K_VARIANTS, seeds=(0, 1, 2, 3, 4), steps=2000, x_ring=None) -> list[dict]:
    """:func:`train_with_k` for every ``(k, d_rate)`` of ``variants`` and every seed: one row per
    run with its final modes and high-quality share, and whether it covered all eight modes at
    any of its snapshots."""
    x_ring = _ring(x_ring)
    rows = []
    for seed in seeds:
        for k, d_rate in variants:
            _, scores, _ = train_with_k(k, seed, x_ring, steps, d_rate=d_rate)
            rows.append(
                {
                    "k": k,
                    "d_rate": d_rate,
                    "seed": seed,
                    "modes": scores[-1]["modes"],
                    "high_quality": round(scores[-1]["high_quality"], 4),
                    "ever_all_modes": any(s["modes"] == 8 for s in scores),
                }
            )
    return rows


def ring_gan(loss, steps, seed=0, rates=(1e-3, 2e-3), betas=(0.5, 0.999), **options):
    """Chapter 3's ring GAN compiled with ``loss``: Adam for (G, D) with learning rates
    ``rates`` decaying to 0 over ``steps`` generator steps, ``betas`` for both; ``options``
    go to :meth:`~ganbook_lib.training.GAN.compile` (``d_steps``, ``gradient_penalty_weight``,
    ``update``, ...)."""
    steps = positive_int("steps", steps)
    keras.utils.set_random_seed(seed)
    gan = training.GAN(
        models.mlp_generator(LATENT_DIM, 2, 128, 3), models.mlp_discriminator(2, 128, 3), seed=seed
    )
    updates = (steps, steps * options.get("d_steps", 1))
    decay = [keras.optimizers.schedules.CosineDecay(r, n) for r, n in zip(rates, updates)]
    gan.compile(
        *[keras.optimizers.Adam(d, *betas) for d in decay],
        loss=loss,
        steps_per_execution=50,
        **options,
    )
    return gan


def train_ring(gan, x_ring, steps, seed=0, epochs=1, callbacks=()):
    """Train ``gan`` on ``x_ring`` in batches of 128 (one per discriminator step); return the
    GAN, its :func:`~ganbook_lib.metrics.ring_coverage` on 2,500 samples and the CPU seconds."""
    batches = data.make_dataset(x_ring, batch_size=128, seed=seed, minibatches=gan.d_steps)
    started = time.process_time()
    gan.fit(
        batches, steps_per_epoch=steps // epochs, epochs=epochs, callbacks=[*callbacks], verbose=0
    )
    cpu = time.process_time() - started
    return gan, metrics.ring_coverage(gan.generate(2500, seed=1)), cpu


# The settings each loss's authors use, as ring_gan options (the cosine decay to 0 is ours; the
# networks are chapter 3's). Sources: WGAN-GP, Algorithm 1 of Gulrajani et al. (2017) and the
# authors' gan_toy.py for 2-D problems; LSGAN, the authors' mixture-of-Gaussians script
# (stability_comparison/mixture_gaussian/ls.py of xudonmao/LSGAN: both networks updated from one
# forward pass); hinge, the SN-GAN authors' unconditional CIFAR-10 configuration
# (pfnet-research/sngan_projection, without spectral normalisation here).
PAPER_RECIPES = {
    "book (non-saturating)": {"loss": "nonsaturating"},
    "WGAN-GP, paper": {
        "loss": "wasserstein",
        "gradient_penalty_weight": 10.0,
        "d_steps": 5,
        "rates": (1e-4, 1e-4),
        "betas": (0.0, 0.9),
    },
    "WGAN-GP, toy script": {
        "loss": "wasserstein",
        "gradient_penalty_weight": 0.1,
        "d_steps": 5,
        "rates": (1e-4, 1e-4),
        "betas": (0.5, 0.9),
    },
    "LSGAN, toy script": {
        "loss": "least_squares",
        "rates": (1e-3, 1e-4),
        "betas": (0.5, 0.999),
        "update": "simultaneous",
    },
    "hinge, SN-GAN": {
        "loss": "hinge",
        "d_steps": 5,
        "rates": (2e-4, 2e-4),
        "betas": (0.0, 0.9),
    },
}


def train_paper_recipe(name, steps, marks, seed=0, x_ring=None) -> list[dict]:
    """Train :data:`PAPER_RECIPES` ``[name]`` on the ring for ``steps`` generator steps and
    score it when training reaches each step of ``marks``: a list of ``{"step", "modes",
    "high_quality", "cpu_seconds"}``. The learning rates decay over the whole ``steps``."""
    options = dict(PAPER_RECIPES[name])
    x_ring = _ring(x_ring)
    gan = ring_gan(options.pop("loss"), steps, seed=seed, **options)
    batches = data.make_dataset(x_ring, batch_size=128, seed=seed, minibatches=gan.d_steps)
    points, done, cpu = [], 0, 0.0
    for mark in sorted(marks):
        started = time.process_time()
        gan.fit(batches, steps_per_epoch=mark - done, epochs=1, verbose=0)
        cpu += time.process_time() - started
        done = mark
        score = metrics.ring_coverage(gan.generate(2500, seed=1))
        points.append(
            {
                "step": mark,
                "modes": score["modes"],
                "high_quality": round(score["high_quality"], 4),
                "cpu_seconds": round(cpu, 1),
            }
        )
    return points


# Chapter 4's comparison with chapter 3's settings: a name and its ring_gan options
CHAPTER_4_LOSSES = (
    ("non-saturating", {"loss": "nonsaturating"}),
    ("minimax", {"loss": "minimax"}),
    ("least_squares", {"loss": "least_squares"}),
    ("hinge", {"loss": "hinge"}),
    ("WGAN-GP, λ=10", {"loss": "wasserstein", "gradient_penalty_weight": 10.0}),
    ("WGAN-GP, λ=0.1", {"loss": "wasserstein", "gradient_penalty_weight": 0.1}),
)


def compare_losses(seeds=(1, 2), steps=3000, x_ring=None) -> list[dict]:
    """Chapter 4's comparison of losses (:data:`CHAPTER_4_LOSSES`, chapter 3's settings) on
    other seeds: one row per loss and seed with its final modes and high-quality share."""
    x_ring = _ring(x_ring)
    rows = []
    for seed in seeds:
        for name, options in CHAPTER_4_LOSSES:
            options = dict(options)
            gan = ring_gan(options.pop("loss"), steps, seed=seed, **options)
            _, score, _ = train_ring(gan, x_ring, steps, seed=seed)
            rows.append(
                {
                    "loss": name,
                    "seed": seed,
                    "modes": score["modes"],
                    "high_quality": round(score["high_quality"], 4),
                }
            )
    return rows
