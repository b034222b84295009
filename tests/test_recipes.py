"""Recipes: self-conditioning on clusters of the training images."""

import dataclasses

import numpy as np
import pytest

from ganbook_lib import GanbookError, data, recipes
from ganbook_lib.references import tf_tutorial


def _two_kinds_of_image(n=40, seed=0):
    """n/2 images with a bright left half and n/2 with a bright right half, plus noise."""
    rng = np.random.default_rng(seed)
    x = rng.normal(0, 0.1, (n, 8, 8, 1)).astype(np.float32)
    x[: n // 2, :, :4] += 1.0
    x[n // 2 :, :, 4:] += 1.0
    return x


def test_cluster_data_separates_two_kinds_of_image_and_repeats_itself():
    x = _two_kinds_of_image()
    labels = recipes.cluster_data(x, 2, seed=0)
    assert labels.dtype == np.int32 and labels.shape == (40,)
    assert len(set(labels[:20])) == 1 and len(set(labels[20:])) == 1 and labels[0] != labels[-1]
    np.testing.assert_array_equal(labels, recipes.cluster_data(x, 2, seed=0))


@pytest.mark.parametrize("k", [1, 41, 2.5, True])
def test_cluster_data_rejects_a_bad_number_of_clusters(k):
    with pytest.raises(GanbookError, match=r"clusters must be an integer in 2\.\.40"):
        recipes.cluster_data(_two_kinds_of_image(), k)


def test_sampling_labels_follow_the_cluster_sizes():
    run = {"cluster_sizes": [100, 0, 300]}
    labels = recipes.sampling_labels(run, 4000, seed=5)
    counts = np.bincount(labels, minlength=3)
    assert counts[1] == 0 and abs(counts[2] / 4000 - 0.75) < 0.03  # 4.4 standard errors
    np.testing.assert_array_equal(labels, recipes.sampling_labels(run, 4000, seed=5))
    assert not np.array_equal(labels, recipes.sampling_labels(run, 4000, seed=6))
    assert recipes.sampling_labels({"conditional": True, "num_classes": 10}, 5) is None


def test_the_grid_and_mnist5k_recipes_are_self_conditioned_and_the_others_are_not():
    assert recipes.RECIPES["grid"].clusters == recipes.RECIPES["mnist5k"].clusters == 50
    assert tf_tutorial.RECIPE.clusters == 0
    others = set(recipes.RECIPES) - {"grid", "mnist5k"}
    assert all(recipes.RECIPES[name].clusters == 0 for name in others)


@pytest.mark.slow
def test_a_self_conditioned_run_trains_resumes_samples_and_refuses_a_label(tmp_path):
    out = tmp_path / "run"
    recipe = dataclasses.replace(recipes.RECIPES["digits"], clusters=4, log_every=10)
    run = recipes.train_run("digits", out, steps=20, seed=2, verbose=0, recipe=recipe)
    x, _ = data.load_images("digits", "train")
    expected = np.bincount(recipes.cluster_data(x, 4, seed=2), minlength=4).tolist()
    assert run["conditional"] is False and run["num_classes"] == 4
    assert run["cluster_sizes"] == expected and sum(expected) == len(x)
    assert "label_accuracy" not in run["metrics"] and run["metrics"]["classes_present"] >= 1
    again = recipes.train_run("digits", out, steps=10, verbose=0)  # resumes with its recipe
    assert again["step"] == 30 and again["cluster_sizes"] == expected
    samples = recipes.sample_run(out, 50, seed=1)
    assert samples.shape == (50, 8, 8, 1) and 0 <= samples.min() and samples.max() <= 1
    np.testing.assert_array_equal(samples, recipes.sample_run(out, 50, seed=1))
    with pytest.raises(GanbookError, match="its 4 clusters are not classes"):
        recipes.sample_run(out, 5, label=1)


def test_build_gan_runs_several_steps_per_execution_with_the_same_numbers():
    import ganbook_lib

    info = {"kind": "toy", "dim": 2, "num_classes": None}
    x = data.sample_toy("ring", 512, seed=0)
    weights = {}
    for n in (1, 4):
        ganbook_lib.set_seed(0)
        gan = recipes.build_gan(recipes.RECIPES["ring"], info, seed=0, steps_per_execution=n)
        assert gan.steps_per_execution == n
        gan.fit(data.make_dataset(x, batch_size=64, seed=0), steps_per_epoch=8, verbose=0)
        assert gan.step == 8
        weights[n] = gan.generator.get_weights()
    assert all(np.array_equal(a, b) for a, b in zip(weights[1], weights[4]))


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
