"""Chapter 3's players and comparison of k, and chapter 4's losses with their authors' settings."""

import numpy as np
import pytest

from ganbook_lib import GanbookError, data
from ganbook_lib.chapters import algorithm

X_RING = data.sample_toy("ring", 4096, seed=0)


def test_the_same_seed_gives_the_same_players_and_another_seed_others():
    first = algorithm.init_players(3, 100)[0].get_weights()
    again = algorithm.init_players(3, 100)[0].get_weights()
    other = algorithm.init_players(4, 100)[0].get_weights()
    assert all(np.array_equal(a, b) for a, b in zip(first, again))
    assert not all(np.array_equal(a, b) for a, b in zip(first, other))


def test_rates_decay_over_the_run_unless_constant():
    _, _, g_opt, d_opt = algorithm.init_players(0, 100, g_rate=1e-3, d_rate=2e-3, k=5)
    assert float(g_opt.learning_rate) == pytest.approx(1e-3)  # step 0 of the schedule
    d_opt.iterations.assign(250)  # half of the k * steps discriminator updates
    assert float(d_opt.learning_rate) == pytest.approx(1e-3, rel=1e-3)
    d_opt.iterations.assign(500)
    assert float(d_opt.learning_rate) == pytest.approx(0.0, abs=1e-9)
    _, _, g_const, _ = algorithm.init_players(0, 100, constant_rates=True)
    g_const.iterations.assign(100)
    assert float(g_const.learning_rate) == pytest.approx(1e-3)


def test_train_with_k_takes_k_discriminator_steps_and_scores_every_snapshot():
    frames, scores, seconds = algorithm.train_with_k(3, 0, X_RING, steps=100, snapshots=2)
    assert [step for step, _ in frames] == [0, 50, 100]
    assert len(scores) == 3 and all(0 <= s["high_quality"] <= 1 for s in scores)
    assert frames[-1][1].shape == (2500, 2) and seconds > 0


def test_compare_k_reports_one_row_per_variant_and_seed():
    rows = algorithm.compare_k(((1, 1e-3), (2, 2e-3)), seeds=(0, 1), steps=100, x_ring=X_RING)
    assert [(r["seed"], r["k"], r["d_rate"]) for r in rows] == [
        (0, 1, 1e-3),
        (0, 2, 2e-3),
        (1, 1, 1e-3),
        (1, 2, 2e-3),
    ]
    assert all(isinstance(r["ever_all_modes"], bool) for r in rows)


@pytest.mark.parametrize("name", list(algorithm.PAPER_RECIPES))
def test_every_authors_recipe_trains_and_is_scored_at_its_marks(name):
    points = algorithm.train_paper_recipe(name, 60, (20, 60), x_ring=X_RING)
    assert [p["step"] for p in points] == [20, 60]
    assert points[1]["cpu_seconds"] >= points[0]["cpu_seconds"] > 0


def test_the_authors_recipes_are_what_their_sources_use():
    recipes = algorithm.PAPER_RECIPES
    paper = recipes["WGAN-GP, paper"]  # Gulrajani et al. (2017), Algorithm 1
    assert (paper["gradient_penalty_weight"], paper["d_steps"], paper["betas"]) == (10, 5, (0, 0.9))
    toy = recipes["WGAN-GP, toy script"]  # gan_toy.py
    assert (toy["gradient_penalty_weight"], toy["rates"], toy["betas"]) == (
        0.1,
        (1e-4, 1e-4),
        (0.5, 0.9),
    )
    assert recipes["LSGAN, toy script"]["update"] == "simultaneous"
    assert recipes["hinge, SN-GAN"]["d_steps"] == 5


def test_a_wrong_length_is_refused():
    with pytest.raises(GanbookError, match="steps"):
        algorithm.init_players(0, 0)
    with pytest.raises(GanbookError, match="snapshots"):
        algorithm.train_with_k(1, 0, X_RING, steps=10, snapshots=0)


def test_compare_losses_runs_the_chapters_six_settings():
    rows = algorithm.compare_losses(seeds=(1,), steps=50, x_ring=X_RING)
    assert [r["loss"] for r in rows] == [name for name, _ in algorithm.CHAPTER_4_LOSSES]
    assert all(r["seed"] == 1 and 0 <= r["modes"] <= 8 for r in rows)
