"""Recording and drawing the two players: snapshots, grids, D(x), and the generator's pull."""

import re

import matplotlib

matplotlib.use("Agg")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402

from ganbook_lib import GanbookError, data, losses, models, training  # noqa: E402
from ganbook_lib.chapters import game  # noqa: E402


def linear_discriminator(w, b):
    """A discriminator whose logit is exactly ``w . x + b``."""
    w = np.asarray(w, np.float32)
    x = keras.Input((len(w),))
    dense = keras.layers.Dense(1)
    model = keras.Model(x, dense(x))
    dense.set_weights([w[:, None], np.array([b], np.float32)])
    return model


def sigmoid(t):
    return 1.0 / (1.0 + np.exp(-t))


def test_grids_have_the_promised_shape_and_layout():
    g1 = game.grid_1d(-4, 4, 9)
    assert g1.shape == (9, 1) and g1[0, 0] == -4 and g1[-1, 0] == 4 and g1[4, 0] == 0
    g2 = game.grid_2d(lim=2.0, resolution=5)
    assert g2.shape == (25, 2)
    axis = np.linspace(-2, 2, 5)
    square = g2.reshape(5, 5, 2)
    np.testing.assert_allclose(square[3, 1], [axis[1], axis[3]])  # row = x_2, column = x_1
    with pytest.raises(GanbookError, match="lo < hi"):
        game.grid_1d(1, 1)
    with pytest.raises(GanbookError, match="resolution"):
        game.grid_2d(1.0, 1)
    with pytest.raises(GanbookError, match="lim"):
        game.grid_2d(-1.0)


def test_discriminator_probability_is_the_sigmoid_of_the_logit():
    d = linear_discriminator([2.0, -1.0], 0.5)
    x = np.array([[0, 0], [1, 0], [0, 3], [1000, 0], [-1000, 0]], np.float32)
    p = game.discriminator_probability(d, x, batch_size=2)  # batching must not matter
    logits = x @ np.array([2.0, -1.0]) + 0.5
    np.testing.assert_allclose(p[:3], sigmoid(logits[:3]), rtol=1e-6)
    assert p[3] == 1.0 and p[4] == 0.0  # huge logits: no overflow, no NaN
    with pytest.raises(GanbookError, match="shape"):
        game.discriminator_probability(d, np.zeros(3))


def test_sample_pull_matches_the_closed_form_for_a_linear_discriminator():
    w = np.array([1.5, -0.5], np.float32)
    d = linear_discriminator(w, -1.0)
    x = np.array([[0.0, 0.0], [2.0, 1.0], [-1.0, 3.0]], np.float32)
    prob = sigmoid(x @ w - 1.0)[:, None]
    # non-saturating: pull = (1 - D(x)) w, toward higher D
    ns = game.sample_pull(d, x, losses.nonsaturating_generator_loss)
    np.testing.assert_allclose(ns, (1 - prob) * w, rtol=1e-5)
    # minimax log(1 - D): pull = D(x) w, weak where D rejects the sample
    mm = game.sample_pull(d, x, losses.minimax_generator_loss)
    np.testing.assert_allclose(mm, prob * w, rtol=1e-5)
    # the source article's L_G = E[log D(x')], minimised as written: pull points away from data
    article = game.sample_pull(d, x, lambda d_fake: tf.reduce_mean(tf.math.log_sigmoid(d_fake)))
    np.testing.assert_allclose(article, -ns, rtol=1e-5)
    with pytest.raises(GanbookError, match="x_fake"):
        game.sample_pull(d, np.zeros((0, 2)), losses.nonsaturating_generator_loss)


def test_the_pull_is_all_the_generator_receives():
    """Chain rule: dL_G/dtheta equals the generator's vector-Jacobian product with -pull / n."""
    generator = models.mlp_generator(latent_dim=3, output_dim=2, hidden=8, depth=2)
    discriminator = models.mlp_discriminator(input_dim=2, hidden=8, depth=2)
    z = tf.random.stateless_normal((16, 3), seed=[1, 2])
    weights = generator.trainable_weights
    with tf.GradientTape() as tape:
        loss = losses.nonsaturating_generator_loss(discriminator(generator(z)))
    direct = tape.gradient(loss, weights)
    pull = game.sample_pull(discriminator, generator(z), losses.nonsaturating_generator_loss)
    with tf.GradientTape() as tape:
        x_fake = generator(z)
    via_pull = tape.gradient(x_fake, weights, output_gradients=tf.constant(-pull / 16))
    for a, b in zip(direct, via_pull):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-4, atol=1e-7)


def tiny_gan():
    g = models.mlp_generator(latent_dim=2, output_dim=2, hidden=8, depth=1)
    d = models.mlp_discriminator(input_dim=2, hidden=8, depth=1)
    gan = training.GAN(g, d, seed=0)
    gan.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3))
    return gan


def test_game_snapshots_record_both_players_at_each_epoch():
    gan = tiny_gan()
    grid = game.grid_2d(1.5, 7)
    snaps = game.GameSnapshots(grid, n=50, every=1, seed=3)
    dataset = data.make_dataset(data.sample_toy("ring", 512), batch_size=32)
    gan.fit(dataset, steps_per_epoch=3, epochs=2, callbacks=[snaps], verbose=0)
    assert [step for step, _ in snaps.frames] == [0, 3, 6]
    last = snaps.frames[-1][1]
    assert last.x_fake.shape == (50, 2) and last.d_prob.shape == (49,)
    np.testing.assert_allclose(last.x_fake, gan.generate(50, seed=3))  # the same z every time
    np.testing.assert_allclose(last.d_prob, game.discriminator_probability(gan.discriminator, grid))
    assert not np.allclose(snaps.frames[0][1].d_prob, last.d_prob)  # D changed while training


def test_snapshot_rejects_a_grid_of_the_wrong_dimension():
    gan = tiny_gan()
    snaps = game.GameSnapshots(game.grid_1d(0, 1), n=5)
    snaps.set_model(gan)
    with pytest.raises(GanbookError, match="dimension 1"):
        snaps.snap()
    with pytest.raises(GanbookError, match="grid"):
        game.GameSnapshots(np.zeros((0, 2)))
    with pytest.raises(GanbookError, match="every"):
        game.GameSnapshots(game.grid_2d(), every=0)


def test_drawings_label_their_axes_and_animate():
    import matplotlib.pyplot as plt

    from ganbook_lib import plotting

    grid1 = game.grid_1d(-4, 4, 50)
    snap1 = game.GameSnapshot(7, data.sample_toy("bimodal_1d", 300), grid1, np.full(50, 0.5))
    _, ax = plt.subplots()
    game.draw_game_1d(ax, 7, snap1, data.toy_mixture("bimodal_1d"))
    assert ax.get_xlabel() == "$x$" and "7" in ax.get_title()
    assert ax.get_ylim() == (0, 1.05)
    grid2 = game.grid_2d(1.5, 10)
    snap2 = game.GameSnapshot(0, data.sample_toy("ring", 100), grid2, np.linspace(0, 1, 100))
    frames = [(0, snap2), (5, snap2)]
    anim = plotting.animate(frames, lambda ax, step, s: game.draw_game_2d(ax, step, s))
    drawn = re.findall(r'frames\[\d+\] = "data:image/png;base64,([^"]*)"', anim.to_jshtml())
    assert len(drawn) == 2 and drawn[0] != drawn[1]  # the frames differ in their step titles
    _, ax = plt.subplots()
    game.draw_game_2d(ax, 0, snap2, x_real=data.sample_toy("ring", 50))
    assert ax.get_xlabel() == "$x_1$" and ax.get_xlim() == (-1.5, 1.5)
    bad = game.GameSnapshot(0, snap2.x_fake, grid2[:99], snap2.d_prob[:99])
    with pytest.raises(GanbookError, match="square"):
        game.draw_game_2d(ax, 0, bad)
    plt.close("all")
