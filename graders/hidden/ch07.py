"""Hidden checks of chapter 7's graded exercises: run by `ganbook grade`, not in the student's
notebook. They use the same helpers as the public checks (ganbook_lib.grading)."""

import numpy as np

from ganbook_lib.grading import call, check, expect, student
from ganbook_lib.grading.ch07 import HINGE, LAYER, as_number, layer_output

# ch07-q1: the hinge discriminator loss in keras.ops


@check("ch07-q1", hidden=True)
def hinge_loss_takes_raw_scores(ns):
    fn = student(ns, HINGE)
    d_real = np.array([[0.25], [0.75]], np.float32)  # inside the margin: hinges 0.75 and 0.25
    d_fake = np.array([[-0.5]], np.float32)  # hinge 0.5
    value = as_number(call(fn, d_real, d_fake), HINGE)
    expect(
        abs(value - 1.0) < 1e-6,
        "inside the margin each hinge is linear in the raw score, so reals (0.25, 0.75) and a "
        f"fake -0.5 give 0.5 + 0.5 = 1, not {value:.4g}: put no sigmoid on the scores",
    )


@check("ch07-q1", hidden=True)
def hinge_loss_averages_each_batch_on_its_own(ns):
    fn = student(ns, HINGE)
    hint = "average the real batch and the fake batch each on its own: they may differ in size"
    d_real, d_fake = np.zeros((3, 1), np.float32), np.ones((5, 1), np.float32)
    value = as_number(call(fn, d_real, d_fake, hint=hint), HINGE)
    expect(abs(value - 3.0) < 1e-6, f"{hint} (here 1 + 2 = 3, not {value:.4g})")


@check("ch07-q1", hidden=True)
def hinge_loss_agrees_with_the_library(ns):
    from ganbook_lib import losses

    fn = student(ns, HINGE)
    rng = np.random.default_rng(7)
    for n, m, tail in ((40, 24, (1,)), (9, 13, ())):
        d_real = rng.normal(0.0, 3.0, (n, *tail)).astype(np.float32)
        d_fake = rng.normal(0.0, 3.0, (m, *tail)).astype(np.float32)
        value = as_number(call(fn, d_real, d_fake), HINGE)
        expected = float(losses.hinge_discriminator_loss(d_real, d_fake))
        expect(
            abs(value - expected) < 1e-5,
            f"on random scores of shapes {d_real.shape} and {d_fake.shape} L_D must be "
            f"{expected:.5f}, as losses.hinge_discriminator_loss computes it, not {value:.5f}",
        )


# ch07-q2: the minibatch-spread layer in keras.ops


@check("ch07-q2", hidden=True)
def stddev_layer_agrees_with_the_library(ns):
    from ganbook_lib.chapters import video

    cls = student(ns, LAYER)
    rng = np.random.default_rng(5)
    for shape in ((4, 3, 3, 2), (8, 5), (3, 2, 4, 4, 3)):
        h = rng.normal(0.0, 2.0, shape).astype(np.float32)
        out = np.asarray(layer_output(cls, h))
        expected = np.asarray(video.MinibatchStddev()(h))
        expect(
            out.shape == expected.shape and np.allclose(out, expected, rtol=1e-5, atol=1e-6),
            f"on a random batch of shape {shape} the output must match "
            "chapters.video.MinibatchStddev: the input, then mean(std(h, axis=0)) in one more "
            "channel",
        )


@check("ch07-q2", hidden=True)
def stddev_layer_holds_one_number(ns):
    cls = student(ns, LAYER)
    h = np.random.default_rng(3).normal(size=(6, 2, 2, 3)).astype(np.float32)
    extra = np.asarray(layer_output(cls, h))[..., -1]
    expect(
        extra.shape == (6, 2, 2) and np.allclose(extra, extra.flat[0], rtol=1e-6, atol=1e-7),
        "the new channel holds one number, the same for every sample and every position: "
        "average the spread over all the features, positions and channels alike",
    )


@check("ch07-q2", hidden=True)
def stddev_layer_sees_a_collapsed_batch(ns):
    cls = student(ns, LAYER)
    one = np.random.default_rng(2).normal(size=(1, 3, 3, 2))
    h = np.tile(one, (5, 1, 1, 1)).astype(np.float32)
    extra = np.asarray(layer_output(cls, h))[..., -1]
    expect(
        np.allclose(extra, 0.0, atol=1e-5),
        "a batch of identical samples (a collapsed generator) has spread 0, so the new channel "
        f"must be 0, not {float(np.max(np.abs(extra))):.4g}",
    )
