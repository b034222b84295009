"""Step timing, loss-curve summaries and the monotonicity check."""

import math
import time

import keras
import numpy as np
import pytest

from ganbook_lib import GanbookError, data, models, training
from ganbook_lib.chapters import diagnostics


def small_gan():
    g = models.mlp_generator(latent_dim=4, output_dim=2, hidden=16, depth=1)
    d = models.mlp_discriminator(input_dim=2, hidden=16, depth=1)
    gan = training.GAN(g, d)
    gan.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3))
    return gan


def ring_data():
    return data.make_dataset(data.sample_toy("ring", 512), batch_size=32)


class Sleep(keras.callbacks.Callback):
    """Adds ``seconds`` of idle waiting to every training step."""

    def __init__(self, seconds):
        super().__init__()
        self.seconds = seconds

    def on_train_batch_begin(self, batch, logs=None):
        time.sleep(self.seconds)


def test_step_timer_counts_the_time_inside_each_step():
    gan, timer = small_gan(), diagnostics.StepTimer()
    gan.fit(ring_data(), steps_per_epoch=4, epochs=1, callbacks=[timer, Sleep(0.03)], verbose=0)
    assert len(timer.wall) == len(timer.cpu) == 4
    assert min(timer.wall[1:]) >= 0.03  # the sleep happens inside the timed interval
    # sleeping uses no CPU, so the CPU time of a step stays below its wall time
    assert np.median(timer.cpu[1:]) < np.median(timer.wall[1:])


def test_time_train_step_skips_the_warmup_and_trains_the_model(monkeypatch):
    class KnownTimes(diagnostics.StepTimer):  # 2 warm-up steps, then 3 timed ones
        WALL = [9.0, 9.0, 3.0, 1.0, 2.0]

        def on_train_batch_end(self, batch, logs=None):
            self.wall.append(self.WALL[len(self.wall)])
            self.cpu.append(0.1 * len(self.cpu))

    monkeypatch.setattr(diagnostics, "StepTimer", KnownTimes)
    gan = small_gan()
    timing = diagnostics.time_train_step(gan, ring_data(), steps=3, warmup=2)
    assert gan.step == 5
    # with the warm-up counted, the median would be 3.0 and the CPU median 0.2
    assert timing == {"median": 2.0, "best": 1.0, "cpu_median": pytest.approx(0.3), "steps": 3}
    with pytest.raises(GanbookError, match="steps must be a positive integer, got 0"):
        diagnostics.time_train_step(gan, ring_data(), steps=0)
    with pytest.raises(GanbookError, match="warmup must be a non-negative integer"):
        diagnostics.time_train_step(gan, ring_data(), warmup=-1)


def test_loss_report_of_a_constant_an_alternating_and_an_exploding_curve():
    flat = diagnostics.loss_report([2.0, 2.0, 2.0, 2.0])
    assert flat == {
        "finite": True,
        "first_nonfinite": None,
        "max_abs": 2.0,
        "growth": 1.0,
        "oscillation": 0.0,
    }
    # swings of 2 around size 1: mean |diff| / mean |v| = 2 / 1
    assert diagnostics.loss_report([1.0, -1.0, 1.0, -1.0])["oscillation"] == pytest.approx(2.0)
    doubling = diagnostics.loss_report([2.0**t for t in range(10)], window=2)
    assert doubling["growth"] == pytest.approx(2.0**9 / 2.0)
    assert doubling["max_abs"] == 512.0


def test_loss_report_flags_the_first_nonfinite_value():
    report = diagnostics.loss_report([0.5, -3.0, float("nan"), 1.0])
    assert report["finite"] is False and report["first_nonfinite"] == 2
    assert report["max_abs"] == 3.0  # measured on the values before the NaN
    assert math.isinf(report["growth"]) and math.isinf(report["oscillation"])
    assert diagnostics.loss_report([float("inf"), 1.0])["first_nonfinite"] == 0
    with pytest.raises(GanbookError, match="at least 2 numbers, got 1"):
        diagnostics.loss_report([1.0])
    with pytest.raises(GanbookError, match="window must be a positive integer"):
        diagnostics.loss_report([1.0, 2.0], window=0)


def test_is_monotone_allows_dips_up_to_the_tolerance():
    assert diagnostics.is_monotone([1.0, 2.0, 3.0])
    assert not diagnostics.is_monotone([1.0, 0.9, 2.0])
    assert diagnostics.is_monotone([1.0, 0.9, 2.0], rel_tol=0.1)  # 0.9 >= 0.9 * 1.0
    assert not diagnostics.is_monotone([1.0, 0.89, 2.0], rel_tol=0.1)
    assert diagnostics.is_monotone([3.0, 2.0, 2.1], rel_tol=0.05, increasing=False)
    with pytest.raises(GanbookError, match="rel_tol must be a number in"):
        diagnostics.is_monotone([1.0, 2.0], rel_tol=1.5)
    with pytest.raises(GanbookError, match="finite"):
        diagnostics.is_monotone([1.0, float("nan")])
