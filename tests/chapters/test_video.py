"""Chapter 6: the tiny video GAN, its data and its measurements."""

import math
from types import SimpleNamespace

import numpy as np
import pytest
import tensorflow as tf

from ganbook_lib import GanbookError, data
from ganbook_lib.chapters import video


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


# ----------------------------------------------------------------------------- rendering
def test_render_clips_places_the_sprite_exactly_at_integer_positions():
    sprite = np.random.default_rng(0).uniform(-1, 1, (1, 3, 3, 1)).astype(np.float32)
    clip = video.render_clips(sprite, [[[0.0, 0.0], [2.0, 4.0]]], canvas=8).numpy()
    assert clip.shape == (1, 2, 8, 8, 1)
    assert np.allclose(clip[0, 1, 2:5, 4:7], sprite[0], atol=1e-6)
    assert np.allclose(clip[0, 0, :3, :3], sprite[0], atol=1e-6)
    assert np.sum(clip[0, 1] > -1 + 1e-6) <= 9  # nothing drawn outside the sprite


def test_render_clips_half_pixel_shift_averages_and_keeps_ink_and_centroid():
    sprite = -np.ones((1, 1, 1, 1), np.float32)
    sprite[0, 0, 0, 0] = 1.0  # one white pixel: ink 1
    clip = video.render_clips(sprite, [[[1.0, 1.5]]], canvas=4).numpy()
    ink = (clip[0, 0, ..., 0] + 1) / 2
    assert ink[1, 1] == pytest.approx(0.5) and ink[1, 2] == pytest.approx(0.5)
    assert ink.sum() == pytest.approx(1.0)
    assert video.clip_centroids(clip)[0, 0] == pytest.approx([1.0, 1.5])


def test_render_clips_is_differentiable_in_the_positions():
    sprite = tf.constant(np.linspace(-1, 1, 16, dtype=np.float32).reshape(1, 4, 4, 1))
    positions = tf.Variable([[[1.3, 2.6]]])
    column = tf.reshape(tf.range(8, dtype=tf.float32), (1, 1, 1, 8, 1))
    with tf.GradientTape() as tape:
        ink = (video.render_clips(sprite, positions, canvas=8) + 1) / 2
        moment = tf.reduce_sum(ink * column)  # total ink times the column of its centroid
    grad = tape.gradient(moment, positions).numpy()[0, 0]
    total_ink = float(tf.reduce_sum((sprite + 1) / 2))
    # moving the sprite one column right moves all of its ink one column right
    assert grad[1] == pytest.approx(total_ink, rel=1e-4)
    assert grad[0] == pytest.approx(0.0, abs=1e-4)


def test_moving_digit_clips_move_straight_at_the_drawn_velocity():
    x, y = data.load_images("digits", "train")
    clips, digits, tracks = video.moving_digit_clips(x, y, n=64, canvas=16, seed=3)
    assert clips.shape == (64, 8, 16, 16, 1) and digits.shape == (64,)
    ink = ((clips + 1) / 2).sum((2, 3, 4))  # every frame holds the whole digit, nothing cut off
    np.testing.assert_allclose(ink, np.repeat(ink[:, :1], ink.shape[1], axis=1), rtol=1e-4)
    assert clips.min() == -1.0  # a blank background around it
    assert tracks["positions"].min() >= 0 and tracks["positions"].max() <= 16 - 8 + 1e-5
    # the speeds honour the range asked for and spread across it
    _, _, narrow = video.moving_digit_clips(x, y, n=64, canvas=16, speed=(0.8, 0.9), seed=3)
    speeds = np.linalg.norm(narrow["velocity"], axis=1)
    assert 0.8 <= speeds.min() and speeds.max() <= 0.9 and speeds.max() - speeds.min() > 0.05
    # direction k is the angle 2 pi k / 8 from "right" towards "down", read from the pixels
    motion = video.clip_motion(clips)
    angle = 2 * np.pi * tracks["direction"] / 8
    expected = np.stack([np.sin(angle), np.cos(angle)], 1)
    np.testing.assert_allclose(motion["velocity"] / motion["speed"][:, None], expected, atol=2e-3)
    assert np.allclose(motion["velocity"], tracks["velocity"], atol=1e-3)
    assert motion["residual"].max() < 1e-3 and motion["angle_error"].max() < 0.1
    assert np.array_equal(motion["direction"], tracks["direction"])


def test_moving_digit_clips_check_the_room_to_move():
    x, y = data.load_images("digits", "train")
    with pytest.raises(GanbookError, match="need canvas >= 15"):
        video.moving_digit_clips(x, y, n=4, canvas=12)
    with pytest.raises(GanbookError, match="one label per image"):
        video.moving_digit_clips(x, y[:3], n=4)


# ----------------------------------------------------------------------------- measuring
def test_clip_motion_of_single_pixel_paths():
    right = [(3, t) for t in range(3)]  # rightward: direction 0
    down_right = [(t, t) for t in range(3)]  # direction 1
    up = [(4 - t, 2) for t in range(3)]  # direction 6
    zigzag = [(0, 0), (1, 0), (0, 0)]  # fitted slope 0, intercept 1/3
    motion = video.clip_motion(dot_clips([right, down_right, up, zigzag]))
    assert motion["direction"][:3].tolist() == [0, 1, 6]
    assert np.allclose(motion["angle_error"][:3], 0.0, atol=1e-6)
    assert np.allclose(motion["speed"][:3], [1.0, math.sqrt(2), 1.0])
    assert np.allclose(motion["residual"][:3], 0.0, atol=1e-9)
    # residuals -1/3, 2/3, -1/3: RMS = sqrt(2) / 3
    assert motion["residual"][3] == pytest.approx(math.sqrt(2) / 3)


def test_crop_frames_centres_on_the_ink_and_stays_inside():
    clips = dot_clips([[(4, 4), (0, 7)]], canvas=8)
    crops = video.crop_frames(clips, size=3)
    assert crops.shape == (2, 3, 3, 1)
    assert crops[0, 1, 1, 0] == 1.0  # centred
    assert crops[1, 0, 2, 0] == 1.0  # corner pixel: window clamped to the canvas
    with pytest.raises(GanbookError, match="larger than the frames"):
        video.crop_frames(clips, size=9)


def test_label_consistency_is_share_of_the_most_common_label():
    agreement = video.label_consistency([[1, 1, 2, 1], [0, 1, 2, 3]])
    assert agreement.tolist() == [0.75, 0.25]
    with pytest.raises(GanbookError, match="shape"):
        video.label_consistency([1, 2, 3])


def test_video_report_on_training_clips():
    x, y = data.load_images("digits", "train")
    clips, digits, tracks = video.moving_digit_clips(x, y, n=40, canvas=16, seed=0)
    report = video.video_report(clips, np.full(40, 4), FixedClassifier(4, side=8))
    assert report["digit_accuracy"] == 1.0 and report["frame_agreement"] == 1.0
    assert report["speed_ok"] == 1.0 and report["direction_ok"] == 1.0
    assert report["directions"] == np.bincount(tracks["direction"], minlength=8).tolist()
    assert report["median_residual"] < 1e-3
    wrong = video.video_report(clips, np.full(40, 3), FixedClassifier(4, side=8))
    assert wrong["digit_accuracy"] == 0.0
    with pytest.raises(GanbookError, match="40 clips but 3 labels"):
        video.video_report(clips, [1, 2, 3], FixedClassifier(4))


# ----------------------------------------------------------------------------- models
def test_frame_clock_appends_time_and_time_weighted_code():
    out = video.FrameClock(3)(tf.ones((2, 3, 1))).numpy()
    assert out.shape == (2, 3, 3)
    assert np.allclose(out[0, :, 1], [-1.0, 0.0, 1.0])  # tau * z_m with z_m = 1
    assert np.allclose(out[0, :, 2], [-1.0, 0.0, 1.0])  # tau


def test_minibatch_stddev_appends_the_batch_spread():
    h = tf.constant([[[[0.0]]], [[[2.0]]]])  # one feature, values 0 and 2: std 1
    out = video.MinibatchStddev()(h).numpy()
    assert out.shape == (2, 1, 1, 2) and np.allclose(out[..., 1], 1.0)
    same = video.MinibatchStddev()(tf.ones((4, 2, 2, 3))).numpy()
    assert np.allclose(same[..., 3], 0.0)


@pytest.mark.parametrize("num_classes", [None, 10])
def test_video_generator_draws_one_sprite_inside_the_canvas(num_classes):
    generator = video.video_generator(width=8, num_classes=num_classes)
    discriminator = video.video_discriminator(width=8, num_classes=num_classes)
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
    generator = video.video_generator(**kw)
    maps = [
        layer.output.shape[1:]
        for layer in generator.layers
        if isinstance(layer, tf.keras.layers.Conv2DTranspose)
    ]
    assert maps == [(8, 8, 2 * width), (16, 16, width)], maps


def test_video_models_check_input():
    with pytest.raises(GanbookError, match="content_dim must be smaller"):
        video.video_generator(latent_dim=8, content_dim=8)
    with pytest.raises(GanbookError, match="sprite_size must be 8 or 16"):
        video.video_generator(sprite_size=12)
    with pytest.raises(GanbookError, match="width"):
        video.video_discriminator(width=0)
