"""The library's Keras callbacks, each on a small GAN training on the ring."""

from types import SimpleNamespace

import keras
import numpy as np
import pytest

from ganbook_lib import GanbookError, callbacks, data, models, training


def ring_gan():
    gan = training.GAN(models.mlp_generator(4, 2, 32, 2), models.mlp_discriminator(2, 32, 2))
    gan.compile(keras.optimizers.Adam(1e-3, beta_1=0.5), keras.optimizers.Adam(1e-3, beta_1=0.5))
    return gan


def ring_data():
    return data.make_dataset(data.sample_toy("ring", 2048, 0), batch_size=64, seed=0)


def test_non_finite_guard_stops_training_with_a_message():
    x = keras.Input((2,))
    exploding = keras.Model(x, keras.layers.Lambda(lambda t: t * np.inf)(keras.layers.Dense(1)(x)))
    gan = training.GAN(models.mlp_generator(4, 2, 16, 1), exploding)
    gan.compile()
    guard = callbacks.NonFiniteGuard(verbose=False)
    gan.fit(ring_data(), steps_per_epoch=50, epochs=3, callbacks=[guard], verbose=0)
    assert gan.step == 1
    assert "non-finite" in guard.message and "step 1" in guard.message


def test_time_limit_stops_fit_once_its_seconds_have_passed(monkeypatch):
    """On a clock that advances 0.25 s at each reading, a 1-second limit is reached at the end
    of the fourth step, however fast the machine (a wall-clock bound here failed once in CI,
    under the other worker's load)."""
    ticks = iter(0.25 * np.arange(10**6))
    monkeypatch.setattr(callbacks, "time", SimpleNamespace(perf_counter=lambda: next(ticks)))
    gan = ring_gan()
    gan.fit(
        ring_data(),
        steps_per_epoch=100,
        epochs=10**6,
        callbacks=[callbacks.TimeLimit(1.0)],
        verbose=0,
    )
    assert gan.step == 4
    with pytest.raises(GanbookError, match="positive number"):
        callbacks.TimeLimit(-1)


def test_snapshots_and_checkpoint_callbacks(tmp_path):
    gan = ring_gan()
    snaps = callbacks.SampleSnapshots(n=16, every=1, path=tmp_path / "s.png")
    ck = callbacks.GANCheckpoint(tmp_path / "ck.npz")
    gan.fit(ring_data(), steps_per_epoch=5, epochs=3, callbacks=[snaps, ck], verbose=0)
    assert [step for step, _ in snaps.frames] == [0, 5, 10, 15]
    assert snaps.frames[-1][1].shape == (16, 2)
    assert (tmp_path / "s.png").stat().st_size > 0
    assert ring_gan().load_checkpoint(tmp_path / "ck.npz")["step"] == 15


def test_cosine_decay_follows_a_half_cosine_and_restores_the_rates():
    gan = ring_gan()
    seen = []

    class Record(keras.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            seen.append(float(np.asarray(gan.d_optimizer.learning_rate)))

    decay = callbacks.CosineDecay(steps=10, final=0.1)
    gan.fit(ring_data(), steps_per_epoch=10, epochs=1, callbacks=[decay, Record()], verbose=0)
    # batch i begins after i steps: factor = 0.1 + 0.9 * (1 + cos(pi * i / 10)) / 2
    expected = [1e-3 * (0.1 + 0.9 * 0.5 * (1 + np.cos(np.pi * i / 10))) for i in range(10)]
    np.testing.assert_allclose(seen, expected, rtol=1e-5)
    assert float(np.asarray(gan.g_optimizer.learning_rate)) == pytest.approx(1e-3)
    with pytest.raises(GanbookError, match="steps or seconds"):
        callbacks.CosineDecay()
    with pytest.raises(GanbookError, match="final"):
        callbacks.CosineDecay(steps=5, final=2)
    with pytest.raises(GanbookError, match="seconds must be a positive"):
        callbacks.CosineDecay(seconds=-1)
