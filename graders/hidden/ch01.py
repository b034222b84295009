"""Hidden checks of chapter 1's graded exercises: run by `ganbook grade`, not in the student's
notebook. They use the same helpers as the public checks (ganbook_lib.grading)."""

import numpy as np

from ganbook_lib.grading import call, check, expect, student

# ch01-q1: the density of a 1-D Gaussian mixture


@check("ch01-q1", hidden=True)
def mixture_pdf_agrees_with_the_library_on_random_mixtures(ns):
    from ganbook_lib import data

    fn = student(ns, "mixture_pdf")
    rng = np.random.default_rng(11)
    x = np.linspace(-10.0, 10.0, 501)
    worst = 0.0
    for _ in range(3):
        means, stds = rng.normal(0.0, 3.0, 4), rng.uniform(0.2, 2.0, 4)
        weights = rng.dirichlet(np.ones(4))
        expected = data.gaussian_mixture(means, stds, weights).pdf(x)
        got = np.asarray(call(fn, x, means, stds, weights), dtype=np.float64).reshape(-1)
        expect(got.shape == expected.shape, "mixture_pdf must return one density per point")
        worst = max(worst, float(np.max(np.abs(got - expected) - 1e-9 * expected)))
    expect(
        worst < 1e-15,
        "on random mixtures of four bumps of different widths and weights, your density differs "
        f"from data.gaussian_mixture(...).pdf by up to {worst:.2g}",
    )


@check("ch01-q1", hidden=True)
def mixture_pdf_pairs_every_point_with_every_bump_when_n_equals_k(ns):
    fn = student(ns, "mixture_pdf")
    x = np.array([-1.0, 0.0, 1.0])
    means, stds, weights = np.array([-1.0, 0.0, 1.0]), np.ones(3), np.full(3, 1 / 3)
    got = np.asarray(call(fn, x, means, stds, weights), dtype=np.float64).reshape(-1)
    table = np.exp(-0.5 * (x[:, None] - means[None, :]) ** 2) / np.sqrt(2 * np.pi)
    expect(
        got.shape == (3,) and bool(np.allclose(got, table @ weights, rtol=1e-9)),
        "with as many points as bumps, each point must still meet every bump: build the (n, K) "
        "table x[:, None] - means[None, :], not x - means",
    )


# ch01-q2: D(x) from the discriminator's logits


@check("ch01-q2", hidden=True)
def probability_calls_the_discriminator_in_inference_mode(ns):
    fn = student(ns, "discriminator_probability")

    def mode_probe(batch, training=None):  # logit 0 in inference mode, 5 in training mode
        return np.full((len(batch), 1), 5.0 if training else 0.0, np.float32)

    got = np.asarray(call(fn, mode_probe, np.zeros((3, 2), np.float32)), np.float64)
    expect(
        bool(np.allclose(got, 0.5)),
        "call the discriminator with training=False: dropout and batch normalisation must run "
        "in inference mode",
    )


@check("ch01-q2", hidden=True)
def probability_is_exact_for_large_logits(ns):
    fn = student(ns, "discriminator_probability")
    logits = np.array([[-800.0], [-100.0], [100.0], [800.0]], np.float32)
    with np.errstate(all="ignore"):
        got = call(fn, lambda batch, training=False: np.asarray(batch)[:, :1], logits)
    got = np.asarray(got, np.float64).reshape(-1)
    expect(
        got.shape == (4,)
        and bool(np.all(np.isfinite(got)))
        and bool(np.allclose(got, [0.0, 0.0, 1.0, 1.0], rtol=0, atol=1e-12)),
        "D(x) must be finite and exact for logits of -800 and 800: use a stable sigmoid such as "
        "scipy.special.expit, not exp(l) / (1 + exp(l))",
    )


@check("ch01-q2", hidden=True)
def probability_agrees_with_the_library_on_a_keras_discriminator(ns):
    from ganbook_lib import models
    from ganbook_lib.chapters import game

    fn = student(ns, "discriminator_probability")
    rng = np.random.default_rng(12)
    discriminator = models.mlp_discriminator(input_dim=3, hidden=8, depth=1)
    discriminator.set_weights([rng.normal(0.0, 0.8, w.shape) for w in discriminator.get_weights()])
    x = rng.normal(size=(300, 3)).astype(np.float32)
    expected = game.discriminator_probability(discriminator, x, batch_size=64)
    got = np.asarray(call(fn, discriminator, x, batch_size=64), np.float64).reshape(-1)
    expect(
        got.shape == expected.shape,
        f"with a Keras discriminator on 300 points of dimension 3, return shape (300,), not "
        f"{got.shape}",
    )
    worst = float(np.max(np.abs(got - expected)))
    expect(
        worst < 1e-6,
        "with a Keras discriminator on random points, your D(x) differs from "
        f"game.discriminator_probability by up to {worst:.2g}",
    )
