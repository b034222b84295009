"""DiffAugment and adaptive augmentation: each transformation against its definition, the
gradient through it, and the GAN's use of it (both players, the ADA probability's rule)."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from ganbook_lib import GanbookError, models
from ganbook_lib.augment import Augment, augment_images, get_augment
from ganbook_lib.training import GAN


def uniform(seed=0):
    rng = np.random.default_rng(seed)
    return lambda shape: tf.constant(rng.random(tuple(int(s) for s in shape)), tf.float32)


def test_translation_shifts_whole_pixels_by_at_most_an_eighth_and_fills_with_zeros():
    x = np.zeros((64, 16, 16, 1), np.float32)
    x[:, 8, 8, 0] = 1.0
    y = augment_images(x, ("translation",), 1.0, uniform()).numpy()
    shifts = np.array([np.argwhere(img[..., 0] == 1.0)[0] - 8 for img in y])
    assert np.abs(shifts).max() == 2  # 16 / 8: every shift from -2 to 2 appears ...
    assert {tuple(s) for s in shifts} > {(0, 0), (-2, 2), (2, -2)}  # ... in both axes
    assert np.all(y.sum(axis=(1, 2, 3)) == 1.0)  # a shift, not a blur
    ones = augment_images(np.ones_like(x), ("translation",), 1.0, uniform()).numpy()
    moved = shifts[:, 0] != 0
    assert np.all(ones[moved].min(axis=(1, 2, 3)) == 0.0)  # zeros move in where it shifted


def test_cutout_zeros_a_square_of_half_the_side():
    y = augment_images(np.ones((64, 16, 16, 1), np.float32), ("cutout",), 1.0, uniform()).numpy()
    zeros = (y == 0).sum(axis=(1, 2, 3))
    assert zeros.max() == 64  # 8 x 8 when the square lies inside the image
    assert zeros.min() >= 16  # at least a quarter of it: its centre is always inside
    rows = (y[..., 0] == 0).any(axis=2).sum(axis=1)
    assert rows.max() == 8


def test_colour_changes_follow_their_definitions():
    x = np.random.default_rng(1).uniform(-1, 1, (256, 8, 8, 3)).astype(np.float32)
    gray = np.repeat(x[..., :1], 3, axis=3)
    # saturation leaves grey images (equal channels) as they are; brightness shifts every pixel
    # of an image by the same amount, in [-0.5, 0.5)
    bright = augment_images(gray, ("color",), 1.0, uniform(2)).numpy()
    # brightness then contrast about the mean: the image's mean moves by the brightness shift
    shift = bright.mean(axis=(1, 2, 3)) - gray.mean(axis=(1, 2, 3))
    assert -0.5 <= shift.min() < -0.4 and 0.4 < shift.max() < 0.5
    assert np.allclose(bright[..., 0], bright[..., 1]) and np.allclose(
        bright[..., 0], bright[..., 2]
    )
    # contrast scales deviations from the mean by U(0.5, 1.5)
    ratio = bright.std(axis=(1, 2, 3)) / gray.std(axis=(1, 2, 3))
    assert 0.5 <= ratio.min() < 0.6 and 1.4 < ratio.max() <= 1.5


def test_probability_zero_changes_nothing_and_the_result_is_differentiable():
    x = tf.Variable(np.random.default_rng(3).uniform(-1, 1, (8, 16, 16, 1)).astype(np.float32))
    policy = ("color", "translation", "cutout")
    assert np.array_equal(augment_images(x, policy, 0.0, uniform()).numpy(), x.numpy())
    with tf.GradientTape() as tape:
        total = tf.reduce_sum(augment_images(x, policy, 1.0, uniform()))
    grad = tape.gradient(total, x).numpy()
    # zero only where cutout removed the pixel or it shifted out; positive (1 / contrast...)
    # elsewhere, never NaN
    assert np.isfinite(grad).all() and (grad != 0).mean() > 0.5


def test_get_augment_names_what_it_accepts():
    assert get_augment(None) is None and get_augment("ada").adaptive
    assert get_augment("diffaugment").probability == 1.0
    with pytest.raises(GanbookError, match="augment must be None, 'diffaugment', 'ada'"):
        get_augment("mixup")
    with pytest.raises(GanbookError, match="use one or more of color"):
        Augment(policy=("zoom",))
    with pytest.raises(GanbookError, match=r"probability must lie in \[0, 1\]"):
        Augment(probability=1.5)


def _image_gan(augment, lr=2e-4, positive_real=False):
    keras.utils.set_random_seed(0)
    g = models.dcgan_generator(8, 1, 8, 8)
    d = models.dcgan_discriminator(8, 1, 8)
    if positive_real:  # D says "real" for every image, and cannot learn (rate 0)
        d.layers[-1].bias.assign([5.0])
    gan = GAN(g, d, seed=1)
    opt = lambda: keras.optimizers.SGD(lr)  # noqa: E731
    gan.compile(opt(), opt(), augment=augment)
    return gan


def test_the_discriminator_sees_augmented_real_and_fake_images_in_both_steps():
    gan = _image_gan("diffaugment")
    seen = []
    call = gan.discriminator.call
    gan.discriminator.call = lambda x, *a, **k: (seen.append(np.asarray(x)), call(x, *a, **k))[1]
    x = np.full((16, 8, 8, 1), 0.25, np.float32)
    gan.run_eagerly = True
    gan.fit(tf.data.Dataset.from_tensor_slices(x).batch(16), epochs=1, verbose=0)
    real = seen[0]  # D step: real first, then fake; then the generator step's fake
    assert len(seen) == 3
    assert not np.allclose(real, 0.25)  # the constant real images were augmented ...
    assert (real == 0).any()  # ... cut out or shifted
    assert not np.allclose(seen[1], seen[2])  # fresh augmentation for the generator's step


def test_ada_moves_p_by_its_rule_and_the_checkpoint_keeps_it(tmp_path):
    aug = Augment(probability=0.0, adaptive=True, kimg=0.5, interval=2)
    gan = _image_gan(aug, lr=0.0, positive_real=True)
    x = np.random.default_rng(0).uniform(-1, 1, (6 * 32, 8, 8, 1)).astype(np.float32)
    history = gan.fit(tf.data.Dataset.from_tensor_slices(x).batch(32), epochs=1, verbose=0)
    # E[sign D(x_real)] = 1 > 0.6 at every step: p rises by 32 * 2 / 500 = 0.128 every 2 steps
    assert gan.augment_probability == pytest.approx(3 * 0.128, abs=1e-6)
    assert "augment_p" in history.history
    gan.save_checkpoint(tmp_path / "c.npz")
    again = _image_gan(aug, lr=0.0, positive_real=True)
    again.load_checkpoint(tmp_path / "c.npz")
    assert again.augment_probability == pytest.approx(3 * 0.128, abs=1e-6)


def test_augmentation_needs_images():
    gan = GAN(models.mlp_generator(2, 2, 8, 1), models.mlp_discriminator(2, 8, 1))
    with pytest.raises(GanbookError, match="augment works on images"):
        gan.compile(augment="diffaugment")
