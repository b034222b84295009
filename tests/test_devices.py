"""GAN.fit under tf.distribute.MirroredStrategy, on two logical CPU devices.

TensorFlow splits the CPU into logical devices only before its runtime starts, so the
comparison (``devices.equal_step_report``) runs in a fresh Python process (SCRIPT below).

The check: the same models, the same seed and the same global batches, trained on one device
and then on two; after 4 steps of plain SGD (learning rate 0.1, so a wrongly scaled gradient
shows at once, where Adam would hide it) every weight agrees to within TOLERANCE while the
training moved the weights by more than 100 x that. Two controls show the check can fail:
without the loss scaling, and with each replica normalising its half batch by its own
BatchNorm statistics.
"""

import json
import os
import subprocess
import sys

import pytest

TOLERANCE = 1e-6  # float32 rounding of a sum split in two: measured 3e-8 to 6e-8

SCRIPT = r"""
import json
import keras
from ganbook_lib import devices, models, training

devices.split_cpu(2)
report = devices.equal_step_report(2)["configs"]
dcgan = "conditional DCGAN, RpGAN + R1 + R2, EMA, k = 2"
only_dcgan = {dcgan: devices.EQUAL_STEP_CONFIGS[dcgan]}
# controls: what the check sees when a piece of the distribution support is missing
devices.EQUAL_STEP_CONFIGS = only_dcgan
scale, training._per_replica = training._per_replica, lambda loss: loss
report["control: losses not scaled"] = devices.equal_step_report(2)["configs"][dcgan]
training._per_replica = scale
models._batch_norm = lambda: keras.layers.BatchNormalization()
report["control: BatchNorm per replica"] = devices.equal_step_report(2)["configs"][dcgan]
print("REPORT " + json.dumps(report))
"""


@pytest.fixture(scope="module")
def report():
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        capture_output=True,
        text=True,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    line = next(x for x in result.stdout.splitlines() if x.startswith("REPORT "))
    return json.loads(line[len("REPORT ") :])


@pytest.mark.parametrize(
    "name",
    [
        "mlp, non-saturating, alternating",
        "mlp, RpGAN, simultaneous",
        "conditional DCGAN, RpGAN + R1 + R2, EMA, k = 2",
        "conditional DCGAN, adaptive augmentation",
    ],
)
def test_one_step_on_two_devices_equals_one_step_on_one(report, name):
    result = report[name]
    assert result["steps"] == 4
    assert result["moved"] > 100 * TOLERANCE, result  # training did change the weights
    assert result["difference"] <= TOLERANCE, result
    if "adaptive" in name:  # p moves by 32 / 320 = 0.1 a step (global batch) from 0.5
        p_one, p_two = result["augment_p"]
        assert p_one == pytest.approx(p_two, abs=1e-6)
        steps = (p_one - 0.5) / 0.1
        assert abs(steps - round(steps)) < 1e-4, result  # 0.05 would mean the local batch


def test_the_equal_step_check_fails_without_the_pieces_that_make_it_hold(report):
    assert report["control: losses not scaled"]["difference"] > 100 * TOLERANCE
    assert report["control: BatchNorm per replica"]["difference"] > 100 * TOLERANCE


def test_asking_for_more_devices_than_there_are_says_how_many_there_are():
    from ganbook_lib import GanbookError, devices

    with pytest.raises(GanbookError, match="has 1 CPU device"):
        devices.strategy_for(4)
    assert devices.strategy_for(1).num_replicas_in_sync == 1


@pytest.mark.parametrize("gpus,batch,used", [(0, 128, 1), (1, 128, 1), (3, 128, 2), (4, 64, 4)])
def test_the_gpu_profile_uses_every_gpu_the_batch_divides_between(monkeypatch, gpus, batch, used):
    import tensorflow as tf

    from ganbook_lib import devices

    real = tf.config.list_logical_devices
    monkeypatch.setattr(
        tf.config,
        "list_logical_devices",
        lambda kind=None: [f"/gpu:{i}" for i in range(gpus)] if kind == "GPU" else real(kind),
    )
    assert devices.usable_gpus(batch) == used
