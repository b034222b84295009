"""Recipes: which datasets are self-conditioned, several steps per call, the loss override."""

import dataclasses

import numpy as np
import pytest

from ganbook_lib import GanbookError, data, recipes
from ganbook_lib.references import tf_tutorial


def test_the_2d_and_mnist5k_recipes_are_self_conditioned_and_the_others_are_not():
    conditioned = ("ring", "grid", "mnist5k")
    assert {recipes.RECIPES[name].clusters for name in conditioned} == {50}
    assert tf_tutorial.RECIPE.clusters == 0
    others = set(recipes.RECIPES) - set(conditioned)
    assert all(recipes.RECIPES[name].clusters == 0 for name in others)


def test_build_gan_runs_several_steps_per_execution_with_the_same_numbers():
    import ganbook_lib

    info = {"kind": "toy", "dim": 2, "num_classes": None}
    x = data.sample_toy("ring", 512, seed=0)
    weights = {}
    for n in (1, 4):
        ganbook_lib.set_seed(0)
        # the ring recipe with R1 and R2, without its clusters (info has no classes)
        gan = recipes.build_gan(recipes.RECIPES["ring"], info, seed=0, steps_per_execution=n)
        assert gan.steps_per_execution == n
        gan.fit(data.make_dataset(x, batch_size=64, seed=0), steps_per_epoch=8, verbose=0)
        assert gan.step == 8
        weights[n] = gan.generator.get_weights()
    assert all(np.array_equal(a, b) for a, b in zip(weights[1], weights[4]))


SAME_SEED_RUN = """
import hashlib, sys
import tensorflow as tf  # as a chapter does: TensorFlow first, then the library
import ganbook_lib
from ganbook_lib import data, recipes
ganbook_lib.set_seed(0)
info = {"kind": "toy", "dim": 2, "num_classes": None}
gan = recipes.build_gan(recipes.RECIPES["ring"], info, seed=0, steps_per_execution=4)
x = data.sample_toy("ring", 1024, seed=0)
gan.fit(data.make_dataset(x, batch_size=64, seed=0), steps_per_epoch=16, verbose=0)
print(hashlib.sha256(b"".join(w.tobytes() for w in gan.generator.get_weights())).hexdigest())
"""


def test_the_same_seed_gives_the_same_weights_in_fresh_processes_with_r1_and_r2():
    """Principle 6. The ring recipe's R1 and R2 without its clusters, several steps per call:
    before the library ran one TensorFlow op at a time (ganbook_lib/__init__.py), two of three
    such processes disagreed in the last bits of the generator's weights."""
    import subprocess
    import sys

    hashes = set()
    for _ in range(3):
        done = subprocess.run(
            [sys.executable, "-c", SAME_SEED_RUN], capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stderr[-2000:]
        hashes.add(done.stdout.strip().splitlines()[-1])
    assert len(hashes) == 1, hashes


def test_recipe_for_a_wasserstein_loss_switches_to_the_wgan_gp_recipe():
    base = recipes.recipe_for("ring")
    wgan = recipes.recipe_for("ring", loss="wasserstein")
    assert (wgan.loss, wgan.gradient_penalty_weight, wgan.d_steps) == ("wasserstein", 10.0, 5)
    assert (wgan.beta_1, wgan.beta_2) == (0.0, 0.9)  # Gulrajani et al.'s Adam settings
    hinge = recipes.recipe_for("ring", loss="hinge")  # other losses keep the recipe's settings
    assert hinge.loss == "hinge"
    assert dataclasses.replace(hinge, loss=base.loss) == base
    with pytest.raises(GanbookError, match="unknown loss 'wgan'; accepted: nonsaturating"):
        recipes.recipe_for("ring", loss="wgan")
