"""Chapter 6 applications: conditional checks, the semi-supervised GAN, the tiny video GAN."""

import math
from types import SimpleNamespace

import numpy as np
import pytest
import tensorflow as tf

from ganbook_lib import GanbookError, applications, data


# ----------------------------------------------------------------------------- helpers
def dot_clips(paths, canvas=8):
    """Clips of one white pixel at integer (row, column) positions: ``paths`` (n, T, 2)."""
    paths = np.asarray(paths)
    clips = np.full((*paths.shape[:2], canvas, canvas, 1), -1.0, np.float32)
    for i, path in enumerate(paths):
        for t, (r, c) in enumerate(path):
            clips[i, t, r, c] = 1.0
    return clips


class FixedClassifier:
    """Stands in for metrics.DigitClassifier: always reads ``label``."""

    def __init__(self, label, side=16):
        self.label = label
        self.model = SimpleNamespace(input_shape=(None, side, side, 1))

    def probabilities(self, x):
        p = np.zeros((len(x), 10), np.float32)
        p[:, self.label] = 1.0
        return p


# ----------------------------------------------------------------------------- conditional
def test_label_confusion_counts_requested_against_recognised():
    matrix = applications.label_confusion([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 2, 0], num_classes=3)
    assert matrix.tolist() == [[1, 1, 0], [0, 1, 0], [1, 0, 2]]
    assert np.trace(matrix) / matrix.sum() == pytest.approx(4 / 6)


def test_label_confusion_checks_input():
    with pytest.raises(GanbookError, match="equally long"):
        applications.label_confusion([0, 1], [0])
    with pytest.raises(GanbookError, match="recognised labels must lie in 0..2"):
        applications.label_confusion([0, 1], [0, 3], num_classes=3)


# ----------------------------------------------------------------------------- semi-supervised
def test_labelled_subset_takes_per_class_of_every_class():
    y = np.repeat(np.arange(4), 7)
    chosen = applications.labelled_subset(y, per_class=3, seed=1)
    assert np.bincount(y[chosen]).tolist() == [3, 3, 3, 3]
    assert np.all(np.diff(chosen) > 0)  # sorted, no repeats
    assert np.array_equal(chosen, applications.labelled_subset(y, 3, seed=1))
    with pytest.raises(GanbookError, match="class 0 has only 7"):
        applications.labelled_subset(y, per_class=8)


def test_real_fake_logit_is_logsumexp_and_gives_z_over_z_plus_one():
    # K = 10 logits all 0: Z = 10, so d = log 10 and D(x) = 10 / 11
    d = applications.real_fake_logit(np.zeros((1, 10), np.float32)).numpy()
    assert d[0] == pytest.approx(math.log(10), rel=1e-6)
    assert 1 / (1 + math.exp(-d[0])) == pytest.approx(10 / 11, rel=1e-6)
    # shifting every class logit by c shifts d by exactly c
    logits = np.random.default_rng(0).normal(size=(3, 5)).astype(np.float32)
    shifted = applications.real_fake_logit(logits + 2.0).numpy()
    assert np.allclose(shifted - applications.real_fake_logit(logits).numpy(), 2.0, atol=1e-5)


def test_feature_matching_loss_is_squared_distance_of_means():
    real = tf.zeros((4, 3))
    assert float(applications.feature_matching_loss(real, real)) == 0.0
    fake = tf.fill((6, 3), 2.0)  # mean differs by 2 in each of 3 features
    assert float(applications.feature_matching_loss(real, fake)) == pytest.approx(4.0)
    real_var = tf.Variable(tf.zeros((4, 3)))
    with tf.GradientTape() as tape:
        loss = applications.feature_matching_loss(real_var, fake)
    assert tape.gradient(loss, real_var) is None  # the real side is a constant


def tiny_digits():
    x, y = data.load_images("digits", "train")
    return x, y, applications.labelled_subset(y, per_class=2, seed=0)


def test_baseline_never_touches_the_generator_and_the_gan_does():
    x, y, chosen = tiny_digits()
    for weight, generator_steps in ((0.0, 0), (0.5, 4)):
        model, log = applications.train_semi_supervised(
            x[chosen],
            y[chosen],
            x[:200],
            unsupervised_weight=weight,
            steps=4,
            batch_size=20,
            eval_data=(x[:50], y[:50]),
            eval_every=2,
        )
        assert int(model.c_optimizer.iterations) == 4
        assert int(model.g_optimizer.iterations) == generator_steps
        assert [step for step, _ in log.history] == [0, 2, 4]
        assert all(0.0 <= acc <= 1.0 for _, acc in log.history)


def test_semi_supervised_checks_input():
    x, y, chosen = tiny_digits()
    with pytest.raises(GanbookError, match="unsupervised_weight"):
        applications.train_semi_supervised(x[chosen], y[chosen], x, unsupervised_weight=-1)
    with pytest.raises(GanbookError, match="differ in shape"):
        applications.train_semi_supervised(x[chosen], y[chosen], np.zeros((5, 4, 4, 1)))
    with pytest.raises(GanbookError, match="steps"):
        applications.train_semi_supervised(x[chosen], y[chosen], x, steps=0)


def test_classification_accuracy_of_a_model_on_its_own_predictions_is_one():
    x, _, _ = tiny_digits()
    classifier = applications.ssgan_classifier()
    predicted = classifier.predict(x[:40], verbose=0)[0].argmax(1)
    assert applications.classification_accuracy(classifier, x[:40], predicted) == 1.0
    wrong = (predicted + 1) % 10
    assert applications.classification_accuracy(classifier, x[:40], wrong) == 0.0


@pytest.mark.slow
def test_semi_supervised_gan_beats_the_baseline_with_ten_labels_per_class():
    x, y = data.load_images("digits", "train")
    x_test, y_test = data.load_images("digits", "test")
    chosen = applications.labelled_subset(y, per_class=10, seed=0)
    accuracy = []
    for weight in (0.0, 0.5):
        model, _ = applications.train_semi_supervised(
            x[chosen], y[chosen], x, unsupervised_weight=weight, steps=1000, seed=0
        )
        accuracy.append(applications.classification_accuracy(model.classifier, x_test, y_test))
    assert accuracy[1] - accuracy[0] >= 0.02, accuracy


# ----------------------------------------------------------------------------- rendering
def test_render_clips_places_the_sprite_exactly_at_integer_positions():
    sprite = np.random.default_rng(0).uniform(-1, 1, (1, 3, 3, 1)).astype(np.float32)
    clip = applications.render_clips(sprite, [[[0.0, 0.0], [2.0, 4.0]]], canvas=8).numpy()
    assert clip.shape == (1, 2, 8, 8, 1)
    assert np.allclose(clip[0, 1, 2:5, 4:7], sprite[0], atol=1e-6)
    assert np.allclose(clip[0, 0, :3, :3], sprite[0], atol=1e-6)
    assert np.sum(clip[0, 1] > -1 + 1e-6) <= 9  # nothing drawn outside the sprite


def test_render_clips_half_pixel_shift_averages_and_keeps_ink_and_centroid():
    sprite = -np.ones((1, 1, 1, 1), np.float32)
    sprite[0, 0, 0, 0] = 1.0  # one white pixel: ink 1
    clip = applications.render_clips(sprite, [[[1.0, 1.5]]], canvas=4).numpy()
    ink = (clip[0, 0, ..., 0] + 1) / 2
    assert ink[1, 1] == pytest.approx(0.5) and ink[1, 2] == pytest.approx(0.5)
    assert ink.sum() == pytest.approx(1.0)
    assert applications.clip_centroids(clip)[0, 0] == pytest.approx([1.0, 1.5])


def test_render_clips_is_differentiable_in_the_positions():
    sprite = tf.constant(np.linspace(-1, 1, 16, dtype=np.float32).reshape(1, 4, 4, 1))
    positions = tf.Variable([[[1.3, 2.6]]])
    column = tf.reshape(tf.range(8, dtype=tf.float32), (1, 1, 1, 8, 1))
    with tf.GradientTape() as tape:
        ink = (applications.render_clips(sprite, positions, canvas=8) + 1) / 2
        moment = tf.reduce_sum(ink * column)  # total ink times the column of its centroid
    grad = tape.gradient(moment, positions).numpy()[0, 0]
    total_ink = float(tf.reduce_sum((sprite + 1) / 2))
    # moving the sprite one column right moves all of its ink one column right
    assert grad[1] == pytest.approx(total_ink, rel=1e-4)
    assert grad[0] == pytest.approx(0.0, abs=1e-4)


def test_moving_digit_clips_move_straight_at_the_drawn_velocity():
    x, y = data.load_images("digits", "train")
    clips, digits, tracks = applications.moving_digit_clips(x, y, n=64, canvas=16, seed=3)
    assert clips.shape == (64, 8, 16, 16, 1) and digits.shape == (64,)
    assert clips.min() >= -1 and clips.max() <= 1
    speed = np.linalg.norm(tracks["velocity"], axis=1)
    assert np.all((speed >= 0.5) & (speed <= 1.0))
    unit = tracks["velocity"] / speed[:, None]
    assert np.allclose(unit, applications.direction_vectors()[tracks["direction"]], atol=1e-6)
    assert tracks["positions"].min() >= 0 and tracks["positions"].max() <= 16 - 8 + 1e-5
    motion = applications.clip_motion(clips)
    assert np.allclose(motion["velocity"], tracks["velocity"], atol=1e-3)
    assert motion["residual"].max() < 1e-3 and motion["angle_error"].max() < 0.1
    assert np.array_equal(motion["direction"], tracks["direction"])


def test_moving_digit_clips_check_the_room_to_move():
    x, y = data.load_images("digits", "train")
    with pytest.raises(GanbookError, match="need canvas >= 15"):
        applications.moving_digit_clips(x, y, n=4, canvas=12)
    with pytest.raises(GanbookError, match="one label per image"):
        applications.moving_digit_clips(x, y[:3], n=4)


# ----------------------------------------------------------------------------- measuring
def test_clip_motion_of_single_pixel_paths():
    right = [(3, t) for t in range(3)]  # rightward: direction 0
    down_right = [(t, t) for t in range(3)]  # direction 1
    up = [(4 - t, 2) for t in range(3)]  # direction 6
    zigzag = [(0, 0), (1, 0), (0, 0)]  # fitted slope 0, intercept 1/3
    motion = applications.clip_motion(dot_clips([right, down_right, up, zigzag]))
    assert motion["direction"][:3].tolist() == [0, 1, 6]
    assert np.allclose(motion["angle_error"][:3], 0.0, atol=1e-6)
    assert np.allclose(motion["speed"][:3], [1.0, math.sqrt(2), 1.0])
    assert np.allclose(motion["residual"][:3], 0.0, atol=1e-9)
    # residuals -1/3, 2/3, -1/3: RMS = sqrt(2) / 3
    assert motion["residual"][3] == pytest.approx(math.sqrt(2) / 3)


def test_crop_frames_centres_on_the_ink_and_stays_inside():
    clips = dot_clips([[(4, 4), (0, 7)]], canvas=8)
    crops = applications.crop_frames(clips, size=3)
    assert crops.shape == (2, 3, 3, 1)
    assert crops[0, 1, 1, 0] == 1.0  # centred
    assert crops[1, 0, 2, 0] == 1.0  # corner pixel: window clamped to the canvas
    with pytest.raises(GanbookError, match="larger than the frames"):
        applications.crop_frames(clips, size=9)


def test_label_consistency_is_share_of_the_most_common_label():
    agreement = applications.label_consistency([[1, 1, 2, 1], [0, 1, 2, 3]])
    assert agreement.tolist() == [0.75, 0.25]
    with pytest.raises(GanbookError, match="shape"):
        applications.label_consistency([1, 2, 3])


def test_video_report_on_training_clips():
    x, y = data.load_images("digits", "train")
    clips, digits, _ = applications.moving_digit_clips(x, y, n=40, canvas=16, seed=0)
    report = applications.video_report(clips, np.full(40, 4), FixedClassifier(4, side=8))
    assert report["digit_accuracy"] == 1.0 and report["frame_agreement"] == 1.0
    assert report["speed_ok"] == 1.0 and report["direction_ok"] == 1.0
    assert sum(report["directions"]) == 40 and report["median_residual"] < 1e-3
    wrong = applications.video_report(clips, np.full(40, 3), FixedClassifier(4, side=8))
    assert wrong["digit_accuracy"] == 0.0
    with pytest.raises(GanbookError, match="40 clips but 3 labels"):
        applications.video_report(clips, [1, 2, 3], FixedClassifier(4))


# ----------------------------------------------------------------------------- models
def test_frame_clock_appends_time_and_time_weighted_code():
    out = applications.FrameClock(3)(tf.ones((2, 3, 1))).numpy()
    assert out.shape == (2, 3, 3)
    assert np.allclose(out[0, :, 1], [-1.0, 0.0, 1.0])  # tau * z_m with z_m = 1
    assert np.allclose(out[0, :, 2], [-1.0, 0.0, 1.0])  # tau


def test_minibatch_stddev_appends_the_batch_spread():
    h = tf.constant([[[[0.0]]], [[[2.0]]]])  # one feature, values 0 and 2: std 1
    out = applications.MinibatchStddev()(h).numpy()
    assert out.shape == (2, 1, 1, 2) and np.allclose(out[..., 1], 1.0)
    same = applications.MinibatchStddev()(tf.ones((4, 2, 2, 3))).numpy()
    assert np.allclose(same[..., 3], 0.0)


@pytest.mark.parametrize("num_classes", [None, 10])
def test_video_generator_draws_one_sprite_inside_the_canvas(num_classes):
    generator = applications.video_generator(width=8, num_classes=num_classes)
    discriminator = applications.video_discriminator(width=8, num_classes=num_classes)
    z = np.random.default_rng(0).standard_normal((3, 40)).astype(np.float32)
    inputs = z if num_classes is None else [z, np.array([0, 5, 9], np.int32)]
    clips = generator(inputs, training=False).numpy()
    assert clips.shape == (3, 8, 24, 24, 1)
    # positions lie inside [0, 24 - 16], so no ink is cut off: every frame has the same ink
    ink = ((clips + 1) / 2).sum((2, 3, 4))
    assert np.allclose(ink, ink[:, :1], rtol=1e-4)
    d_inputs = clips if num_classes is None else [clips, inputs[1]]
    assert discriminator(d_inputs).shape == (3, 1)


@pytest.mark.parametrize("width", [16, 8])
def test_video_generator_width_is_its_channels_at_full_size(width):
    # chapter 6 says the default decoder has 16 channels at the sprite's full size (16x16),
    # twice as many at each halving
    kw = {} if width == 16 else {"width": width}
    generator = applications.video_generator(**kw)
    maps = [
        layer.output.shape[1:]
        for layer in generator.layers
        if isinstance(layer, tf.keras.layers.Conv2DTranspose)
    ]
    assert maps == [(8, 8, 2 * width), (16, 16, width)], maps


def test_video_models_check_input():
    with pytest.raises(GanbookError, match="content_dim must be smaller"):
        applications.video_generator(latent_dim=8, content_dim=8)
    with pytest.raises(GanbookError, match="sprite_size must be 8 or 16"):
        applications.video_generator(sprite_size=12)
    with pytest.raises(GanbookError, match="width"):
        applications.video_discriminator(width=0)
