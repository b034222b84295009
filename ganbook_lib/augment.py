"""Differentiable augmentation for GANs trained on few images (chapter 9).

A discriminator trained on a few hundred images learns them by heart: it scores the training
images as real and everything else, however good, as fake, and the generator's gradients stop
meaning anything. Augmenting only the real images would not help, because the generator would
learn to produce augmented images. DiffAugment (Zhao et al., 2020) augments *every* image the
discriminator sees, real and generated, in both players' steps, with transformations that are
differentiable, so the generator's gradient flows back through them. StyleGAN2-ADA (Karras et
al., 2020) applies each transformation with a probability ``p`` that it adapts during training:
up when the discriminator grows too sure of the training images, down when it does not.

:class:`Augment` holds the settings; ``GAN.compile(augment="diffaugment")`` (``p = 1``) or
``augment="ada"`` (``p`` adapted from 0) turns it on. :func:`augment_images` is the
transformation itself, on images in ``[-1, 1]``, shape ``(batch, height, width, channels)``:

- ``color``: brightness ``x + U(-0.5, 0.5)``; saturation ``(x - m_c) U(0, 2) + m_c`` about the
  mean over channels ``m_c`` (nothing changes for grayscale images); contrast
  ``(x - m) U(0.5, 1.5) + m`` about the image's mean ``m``.
- ``translation``: a shift by a whole number of pixels, up to 1/8 of the side in each
  direction, with zeros (mid-grey) moved in.
- ``cutout``: a square of half the side, at a random place, set to zero.

The definitions and their order are those of DiffAugment's reference code. They are written
here in TensorFlow rather than with Keras' preprocessing layers (``RandomBrightness``,
``RandomContrast``, ``RandomTranslation``), because those clip their output to a value range,
which would stop the generator's gradient at every clipped pixel, and translate by fractions of a
pixel with interpolation, where DiffAugment shifts whole pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

import tensorflow as tf

from . import GanbookError

POLICIES = ("color", "translation", "cutout")
TRANSLATION_RATIO = 1 / 8  # largest shift, as a share of the side (DiffAugment's default)
CUTOUT_RATIO = 1 / 2  # side of the cut-out square, as a share of the image's side


@dataclass(frozen=True)
class Augment:
    """Settings of the discriminator's augmentation.

    Attributes:
        policy: the transformations, from :data:`POLICIES`, applied in this order.
        probability: the chance that each transformation is applied to each image: 1 for
            DiffAugment; the starting value when ``adaptive``.
        adaptive: adapt ``probability`` as StyleGAN2-ADA does: every ``interval`` steps, move
            it by ``batch * interval / (kimg * 1000)`` towards more augmentation when
            ``E[sign(D(x_real))]``, the share of training images the discriminator calls real
            minus the share it calls fake, is above ``target``, and towards less when below.
        target: the target of that heuristic (0.6 in Karras et al., 2020).
        kimg: thousands of images over which ``probability`` could move from 0 to 1 (500 in
            Karras et al., 2020; shorter runs need less).
        interval: generator steps between adjustments (4 in Karras et al., 2020).
    """

    policy: tuple[str, ...] = POLICIES
    probability: float = 1.0
    adaptive: bool = False
    target: float = 0.6
    kimg: float = 500.0
    interval: int = 4

    def __post_init__(self):
        policy = tuple(self.policy)
        unknown = [p for p in policy if p not in POLICIES]
        if unknown or not policy:
            raise GanbookError(
                f"augmentation policy {list(policy)!r} not understood; use one or more of "
                f"{', '.join(POLICIES)}"
            )
        object.__setattr__(self, "policy", policy)
        if not 0.0 <= float(self.probability) <= 1.0:
            raise GanbookError(f"probability must lie in [0, 1], got {self.probability!r}")
        if not 0.0 < float(self.target) < 1.0:
            raise GanbookError(f"target must lie in (0, 1), got {self.target!r}")
        if not float(self.kimg) > 0:
            raise GanbookError(f"kimg must be positive, got {self.kimg!r}")
        if not (isinstance(self.interval, int) and self.interval > 0):
            raise GanbookError(f"interval must be a positive int, got {self.interval!r}")


def get_augment(augment) -> Augment | None:
    """``None``, ``"diffaugment"`` (p = 1), ``"ada"`` (p adapted from 0) or an
    :class:`Augment`, as an :class:`Augment` (or ``None`` for no augmentation)."""
    if augment is None or isinstance(augment, Augment):
        return augment
    if augment == "diffaugment":
        return Augment()
    if augment == "ada":
        return Augment(probability=0.0, adaptive=True)
    raise GanbookError(f"augment must be None, 'diffaugment', 'ada' or an Augment, got {augment!r}")


def augment_images(x, policy, probability, uniform):
    """Augment a batch of images ``x`` (``(n, h, w, c)``, values in ``[-1, 1]``).

    ``uniform(shape)`` returns U[0, 1) draws of ``shape`` (the caller's seeded generator);
    every random choice is made per image. Each transformation is applied to an image with
    ``probability`` (a float or a scalar tensor); with probability 1 all are applied, as in
    DiffAugment. The result is differentiable in ``x``.
    """
    x = tf.convert_to_tensor(x)
    if x.shape.rank != 4:
        raise GanbookError(f"augmentation needs images (n, h, w, c), got shape {x.shape}")
    n = tf.shape(x)[0]
    for name in policy:
        for step in _STEPS[name]:
            changed = step(x, uniform)
            keep = tf.reshape(tf.cast(uniform((n,)) < probability, x.dtype), (-1, 1, 1, 1))
            x = keep * changed + (1.0 - keep) * x
    return x


def _per_image(uniform, x):
    return uniform((tf.shape(x)[0], 1, 1, 1))


def _brightness(x, uniform):
    return x + (_per_image(uniform, x) - 0.5)


def _saturation(x, uniform):
    mean = tf.reduce_mean(x, axis=3, keepdims=True)
    return (x - mean) * (2.0 * _per_image(uniform, x)) + mean


def _contrast(x, uniform):
    mean = tf.reduce_mean(x, axis=[1, 2, 3], keepdims=True)
    return (x - mean) * (_per_image(uniform, x) + 0.5) + mean


def _whole_pixels(uniform, n, count):
    """Per image, a whole number drawn uniformly from 0 .. count - 1."""
    return tf.minimum(tf.cast(tf.floor(uniform((n,)) * count), tf.int32), count - 1)


def _translate(x, uniform):
    n, h, w = tf.shape(x)[0], x.shape[1], x.shape[2]
    sy, sx = int(h * TRANSLATION_RATIO + 0.5), int(w * TRANSLATION_RATIO + 0.5)
    dy = _whole_pixels(uniform, n, 2 * sy + 1) - sy  # in -sy .. sy
    dx = _whole_pixels(uniform, n, 2 * sx + 1) - sx
    padded = tf.pad(x, [[0, 0], [sy, sy], [sx, sx], [0, 0]])  # zeros move in
    rows = tf.range(h)[None, :] + sy - dy[:, None]  # output row r shows input row r - dy
    cols = tf.range(w)[None, :] + sx - dx[:, None]
    out = tf.gather(padded, rows, axis=1, batch_dims=1)
    return tf.gather(out, cols, axis=2, batch_dims=1)


def _cutout(x, uniform):
    n, h, w = tf.shape(x)[0], x.shape[1], x.shape[2]
    size_y, size_x = int(h * CUTOUT_RATIO + 0.5), int(w * CUTOUT_RATIO + 0.5)
    top = _whole_pixels(uniform, n, h + (1 - size_y % 2)) - size_y // 2
    left = _whole_pixels(uniform, n, w + (1 - size_x % 2)) - size_x // 2
    r, c = tf.range(h)[None, :], tf.range(w)[None, :]
    in_rows = (r >= top[:, None]) & (r < top[:, None] + size_y)  # (n, h)
    in_cols = (c >= left[:, None]) & (c < left[:, None] + size_x)  # (n, w)
    cut = in_rows[:, :, None] & in_cols[:, None, :]
    return x * tf.cast(~cut, x.dtype)[..., None]


_STEPS = {
    "color": (_brightness, _saturation, _contrast),
    "translation": (_translate,),
    "cutout": (_cutout,),
}
