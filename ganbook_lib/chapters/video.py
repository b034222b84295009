"""A tiny video GAN (chapter 6): clips of a digit sliding across a canvas.

The data (:func:`moving_digit_clips`); a generator with one content code per clip and a motion
code that places one sprite in every frame (:func:`video_generator`); a discriminator that sees
all frames at once (:func:`video_discriminator`); and measurements of the digits and the
motion in generated clips (:func:`clip_motion`, :func:`frame_digits`, :func:`video_report`).
"""

from __future__ import annotations

import math

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from .. import GanbookError
from ..checks import grey_images as _images
from ..checks import positive_int
from ..models import dcgan_upsampling, label_embedding, projection_discriminator


def render_clips(sprites, positions, canvas: int = 24) -> tf.Tensor:
    """Draw each sprite on a blank ``canvas`` x ``canvas`` frame at every given position.

    ``sprites`` (B, h, w, 1) in [-1, 1]; ``positions`` (B, T, 2): the (row, column) of the
    sprite's top-left corner in frame ``t``, any real numbers in [0, canvas - h] x
    [0, canvas - w]. A fractional position is drawn by bilinear interpolation, written as
    ``frame = A_r @ ink @ A_c^T`` with the hat kernel ``A[i, k] = max(0, 1 - |i - k - p|)``,
    so the result is differentiable in both the sprite and the positions.
    Returns clips (B, T, canvas, canvas, 1) in [-1, 1] (a TensorFlow tensor).
    """
    sprites = tf.convert_to_tensor(sprites, tf.float32)
    positions = tf.convert_to_tensor(positions, tf.float32)
    ink = (sprites[..., 0] + 1.0) / 2.0  # (B, h, w): background 0, ink 1
    h, w = sprites.shape[1], sprites.shape[2]
    pixels = tf.range(canvas, dtype=tf.float32)

    def shift_matrix(p, size):  # (B, T) -> (B, T, canvas, size)
        offset = pixels[:, None] - tf.range(size, dtype=tf.float32)[None, :]  # i - k
        return tf.nn.relu(1.0 - tf.abs(offset[None, None] - p[..., None, None]))

    rows = shift_matrix(positions[..., 0], h)  # (B, T, canvas, h)
    cols = shift_matrix(positions[..., 1], w)  # (B, T, canvas, w)
    frames = tf.einsum("btik,bkl,btjl->btij", rows, ink, cols)
    return (2.0 * tf.clip_by_value(frames, 0.0, 1.0) - 1.0)[..., None]


DIRECTIONS = 8  # clip directions: angle 2 pi k / 8, k = 0 (right), 2 (down), 4 (left), 6 (up)


def direction_vectors(directions: int = DIRECTIONS) -> np.ndarray:
    """Unit (row, column) steps of the ``directions`` compass directions, shape (directions, 2).

    Direction ``k`` points at angle ``2 pi k / directions`` measured from "right" towards
    "down" (image rows grow downwards): ``(sin a, cos a)``.
    """
    angles = 2 * np.pi * np.arange(positive_int("directions", directions, 2)) / directions
    return np.stack([np.sin(angles), np.cos(angles)], 1)


def moving_digit_clips(
    images,
    labels,
    n: int,
    frames: int = 8,
    canvas: int = 24,
    speed: tuple[float, float] = (0.5, 1.0),
    seed: int = 0,
):
    """``n`` clips of one digit sliding in a straight line at constant speed across a blank
    canvas: the training data of the tiny video GAN.

    Each clip takes a random image from ``images`` (N, h, w, 1) in [-1, 1] with digit label
    from ``labels``, one of the :data:`DIRECTIONS` compass directions, a speed drawn uniformly
    from ``speed`` (pixels per frame), and a start ``p_0`` drawn uniformly among those that keep
    the digit inside the frame; frame ``t`` shows it at ``p_t = p_0 + t v`` (drawn by
    :func:`render_clips`).

    Returns ``(clips, digits, tracks)``: clips (n, frames, canvas, canvas, 1) in [-1, 1]; the
    digit label of each clip; ``tracks``, a dict with ``direction`` (0..7), ``velocity``
    (n, 2) and ``positions`` (n, frames, 2) in pixels.
    """
    images = _images("images", images)
    labels = np.asarray(labels).astype(np.int64)
    if labels.shape != (len(images),):
        raise GanbookError(
            f"labels must hold one label per image ({len(images)}), got {labels.shape}"
        )
    n = positive_int("n", n)
    frames = positive_int("frames", frames, 2)
    canvas = positive_int("canvas", canvas)
    low_speed, high_speed = (float(s) for s in speed)
    if not 0 <= low_speed <= high_speed:
        raise GanbookError(f"speed must be (low, high) with 0 <= low <= high, got {speed!r}")
    h, w = images.shape[1:3]
    room = np.array([canvas - h, canvas - w], np.float64)
    if room.min() < (frames - 1) * high_speed:
        raise GanbookError(
            f"canvas={canvas} leaves too little room to move a {h}x{w} digit at up to "
            f"{high_speed} pixels per frame over {frames} frames; need canvas >= "
            f"{max(h, w) + (frames - 1) * high_speed:g}"
        )
    rng = np.random.default_rng(seed)
    index = rng.integers(0, len(images), n)
    direction = rng.integers(0, DIRECTIONS, n)
    v = rng.uniform(low_speed, high_speed, n)[:, None] * direction_vectors()[direction]
    travel = (frames - 1) * v
    low = np.maximum(0.0, -travel)
    high = np.minimum(room, room - travel)
    p0 = low + rng.random((n, 2)) * (high - low)
    positions = p0[:, None, :] + np.arange(frames)[None, :, None] * v[:, None, :]
    clips = np.concatenate(
        [
            render_clips(images[index[i : i + 512]], positions[i : i + 512], canvas).numpy()
            for i in range(0, n, 512)
        ]
    )
    tracks = {
        "direction": direction,
        "velocity": v.astype(np.float32),
        "positions": positions.astype(np.float32),
    }
    return clips, labels[index], tracks


def _clips(name: str, clips, min_frames: int = 1) -> np.ndarray:
    clips = np.asarray(clips, dtype=np.float32)
    if clips.ndim != 5 or len(clips) == 0 or clips.shape[-1] != 1 or clips.shape[1] < min_frames:
        raise GanbookError(
            f"{name} must have shape (n, frames >= {min_frames}, H, W, 1) with n >= 1, "
            f"got {clips.shape}"
        )
    return clips


class SpriteRenderer(layers.Layer):
    """Keras layer around :func:`render_clips`: ``[sprites, positions] -> clips``."""

    def __init__(self, canvas: int = 24, **kw):
        super().__init__(**kw)
        self.canvas = canvas

    def call(self, inputs):
        sprites, positions = inputs
        return render_clips(sprites, positions, self.canvas)

    def compute_output_shape(self, input_shapes):
        sprites, positions = input_shapes
        return (sprites[0], positions[1], self.canvas, self.canvas, 1)

    def get_config(self):
        return {**super().get_config(), "canvas": self.canvas}


class FrameClock(layers.Layer):
    """Turns a (B, T, d) tensor of repeated motion codes ``z_m`` into ``(z_m, tau_t z_m,
    tau_t)`` per frame, with the frame time ``tau_t`` running from -1 (first frame) to 1 (last).

    The product ``tau_t z_m`` lets different motion codes start out moving in different
    directions; with ``tau_t`` alone, every code would begin with the same motion.
    """

    def __init__(self, frames: int, **kw):
        super().__init__(**kw)
        self.frames = frames

    def call(self, x):
        tau = tf.linspace(-1.0, 1.0, self.frames)[None, :, None]
        return tf.concat([x, tau * x, tf.tile(tau, [tf.shape(x)[0], 1, 1])], axis=-1)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], 2 * input_shape[-1] + 1)

    def get_config(self):
        return {**super().get_config(), "frames": self.frames}


def video_generator(
    latent_dim: int = 40,
    content_dim: int = 32,
    frames: int = 8,
    canvas: int = 24,
    sprite_size: int = 16,
    width: int = 16,
    num_classes: int | None = 10,
) -> keras.Model:
    """``[z, label] -> clip`` of shape (frames, canvas, canvas, 1), values in [-1, 1].

    ``z`` is split into a content code ``z_c`` (its first ``content_dim`` entries: *what* is
    shown) and a motion code ``z_m`` (the rest: *how* it moves).

    - Content: a DCGAN-style decoder (``width`` channels at the sprite's full size, twice as
      many at each halving) draws one ``sprite_size`` x ``sprite_size`` sprite from ``z_c``
      and, with ``num_classes``, a learned embedding of the requested digit ``label``.
    - Motion: an MLP maps ``(z_m, tau_t z_m, tau_t)`` (:class:`FrameClock`) to the sprite's
      position ``p_t`` in frame ``t``, squashed into the canvas by a sigmoid.
    - :class:`SpriteRenderer` draws the sprite at ``p_t`` in every frame.

    The sprite is the same in every frame by construction; the positions are free per frame:
    nothing forces a straight path, a constant speed, the data's speeds or its eight
    directions. The discriminator must teach all of that. Without ``num_classes`` the model
    takes ``z`` alone.
    """
    latent_dim = positive_int("latent_dim", latent_dim, 2)
    content_dim = positive_int("content_dim", content_dim)
    if content_dim >= latent_dim:
        raise GanbookError(
            f"content_dim must be smaller than latent_dim={latent_dim}, got {content_dim}"
        )
    frames = positive_int("frames", frames, 2)
    width = positive_int("width", width)
    if sprite_size not in (8, 16):
        raise GanbookError(f"sprite_size must be 8 or 16, got {sprite_size!r}")
    canvas = positive_int("canvas", canvas, sprite_size + 1)

    z = keras.Input((latent_dim,), name="z")
    z_c = layers.Identity(name="z_content")(z[:, :content_dim])
    z_m = layers.Identity(name="z_motion")(z[:, content_dim:])
    h = z_c
    if num_classes is not None:
        label, embedded = label_embedding(num_classes, 16)
        h = layers.Concatenate()([z_c, embedded])
    # content: (z_c, label) -> one sprite, DCGAN style (4x4 -> 8x8 [-> 16x16])
    steps = int(math.log2(sprite_size // 4))
    h = dcgan_upsampling(h, 4, steps, top=width * (sprite_size // 4))
    sprite = layers.Conv2D(1, 3, padding="same", activation="tanh", name="sprite")(h)
    # motion: (z_m, tau_t z_m, tau_t) -> p_t in [0, canvas - sprite_size]^2
    m = FrameClock(frames)(layers.RepeatVector(frames)(z_m))
    m = layers.Dense(64, activation="relu")(m)
    m = layers.Dense(64, activation="relu")(m)
    positions = layers.Dense(2, activation="sigmoid")(m)
    positions = layers.Rescaling(float(canvas - sprite_size), name="positions")(positions)
    clip = SpriteRenderer(canvas)([sprite, positions])
    inputs = z if num_classes is None else [z, label]
    return keras.Model(inputs, clip, name="video_generator")


class MinibatchStddev(layers.Layer):
    """Appends one feature map holding the batch's spread: the standard deviation of every
    feature over the batch, averaged (Karras et al., 2018). A batch of near-identical fakes
    has a small spread, so the discriminator can see a collapse that no single sample shows."""

    def call(self, h):
        spread = tf.reduce_mean(tf.math.reduce_std(h, axis=0))
        return tf.concat([h, tf.ones_like(h[..., :1]) * spread], axis=-1)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], input_shape[-1] + 1)


def video_discriminator(
    frames: int = 8,
    canvas: int = 24,
    width: int = 32,
    num_classes: int | None = 10,
    minibatch_std: bool = True,
) -> keras.Model:
    """``[clip, label] -> logit`` (``clip -> logit`` without ``num_classes``).

    The frames are stacked as the channels of one image, so the first 2-D convolution already
    compares every frame with every other one (a 3-D convolution over time is the more general
    choice, and several times slower on a CPU); two stride-2 convolutions with LeakyReLU(0.2)
    follow, then :class:`MinibatchStddev`. The label enters by projection (Miyato & Koyama,
    2018): ``logit = w . phi(clip) + <embed(label), phi(clip)>``.
    """
    frames = positive_int("frames", frames, 2)
    canvas = positive_int("canvas", canvas, 4)
    width = positive_int("width", width)
    x = keras.Input((frames, canvas, canvas, 1), name="clip")
    h = layers.Permute((2, 3, 1))(layers.Reshape((frames, canvas, canvas))(x))
    h = layers.LeakyReLU(0.2)(layers.Conv2D(width, 4, 2, "same")(h))
    h = layers.LeakyReLU(0.2)(layers.Conv2D(2 * width, 4, 2, "same")(h))
    if minibatch_std:
        h = MinibatchStddev()(h)
    features = layers.Flatten()(h)
    logit = layers.Dense(1)(features)
    return projection_discriminator(x, features, logit, num_classes, "video_discriminator")


def clip_centroids(clips) -> np.ndarray:
    """Brightness centroid (row, column) of every frame, shape (n, frames, 2), in pixels.

    Pixel weights are ``(x + 1) / 2`` (black background 0, white ink 1).
    """
    clips = _clips("clips", clips)
    weight = np.clip((clips[..., 0] + 1.0) / 2.0, 0.0, 1.0)  # (n, T, H, W)
    mass = weight.sum((2, 3)) + 1e-8
    rows = np.arange(clips.shape[2], dtype=np.float64)
    cols = np.arange(clips.shape[3], dtype=np.float64)
    r = (weight.sum(3) * rows).sum(2) / mass
    c = (weight.sum(2) * cols).sum(2) / mass
    return np.stack([r, c], -1)


def clip_motion(clips) -> dict:
    """The motion of every clip, read from its :func:`clip_centroids` ``c_t``.

    Fits the straight path at constant speed ``c_t = a + v t`` by least squares and returns a
    dict of per-clip arrays:

    - ``velocity`` (n, 2): ``v``, in pixels per frame (row, column);
    - ``speed`` (n,): ``|v|``;
    - ``direction`` (n,): the nearest of the :data:`DIRECTIONS` compass directions (0..7);
    - ``angle_error`` (n,): the angle between ``v`` and that direction, in degrees (at most
      22.5);
    - ``residual`` (n,): the root-mean-square distance of ``c_t`` from the fitted path, in
      pixels: 0 for a straight path at constant speed, large when the frames jump about.
    """
    centroids = clip_centroids(_clips("clips", clips, min_frames=2))  # (n, T, 2)
    n, frames = centroids.shape[:2]
    t = np.arange(frames, dtype=np.float64)
    design = np.stack([np.ones_like(t), t], 1)  # (T, 2)
    coef, *_ = np.linalg.lstsq(design, centroids.transpose(1, 0, 2).reshape(frames, -1), None)
    fitted = (design @ coef).reshape(frames, n, 2).transpose(1, 0, 2)
    velocity = coef[1].reshape(n, 2)
    angle = np.degrees(np.arctan2(velocity[:, 0], velocity[:, 1]))  # from "right" to "down"
    step = 360.0 / DIRECTIONS
    direction = np.round(angle / step).astype(int) % DIRECTIONS
    error = np.abs((angle - direction * step + 180.0) % 360.0 - 180.0)
    return {
        "velocity": velocity,
        "speed": np.linalg.norm(velocity, axis=1),
        "direction": direction,
        "angle_error": error,
        "residual": np.sqrt(((centroids - fitted) ** 2).sum(-1).mean(1)),
    }


def crop_frames(clips, size: int = 16) -> np.ndarray:
    """Every frame cut to a ``size`` x ``size`` window centred on its brightness centroid
    (kept inside the canvas), shape (n * frames, size, size, 1): input for a digit classifier."""
    clips = _clips("clips", clips)
    n, frames, height, width = clips.shape[:4]
    size = positive_int("size", size)
    if size > min(height, width):
        raise GanbookError(f"size={size} is larger than the frames ({height}x{width})")
    centroids = clip_centroids(clips).reshape(-1, 2)
    top = np.clip(np.round(centroids[:, 0] - (size - 1) / 2).astype(int), 0, height - size)
    left = np.clip(np.round(centroids[:, 1] - (size - 1) / 2).astype(int), 0, width - size)
    flat = clips.reshape(n * frames, height, width, 1)
    return np.stack([f[r : r + size, c : c + size] for f, r, c in zip(flat, top, left)])


def frame_digits(clips, classifier, size: int = 16) -> np.ndarray:
    """The digit a classifier reads in every frame, shape (n, frames).

    Each frame is cut to ``size`` x ``size`` around its centroid (:func:`crop_frames`) and
    resized to the classifier's input size (e.g. the 28x28 of
    :func:`ganbook_lib.metrics.digit_classifier`) before it is classified.
    """
    clips = _clips("clips", clips)
    crops = crop_frames(clips, size)
    side = classifier.model.input_shape[1:3]
    if tuple(side) != crops.shape[1:3]:
        crops = tf.image.resize(crops, side).numpy()
    return classifier.probabilities(crops).argmax(1).reshape(clips.shape[:2])


def label_consistency(frame_labels) -> np.ndarray:
    """Share of a clip's frames that carry its most common label, per clip (shape (n,)).

    ``frame_labels`` has shape (n, frames). 1 means every frame shows the same digit; for
    frames drawn independently from ``K`` equally likely classes it is near ``1/K`` plus the
    luck of the most common label.
    """
    labels = np.asarray(frame_labels).astype(np.int64)
    if labels.ndim != 2 or labels.size == 0 or labels.min() < 0:
        raise GanbookError(
            f"frame_labels must be non-negative integers of shape (n, frames), got {labels.shape}"
        )
    counts = np.stack([np.bincount(row, minlength=labels.max() + 1) for row in labels])
    return counts.max(1) / labels.shape[1]


def video_report(clips, labels, classifier, speed=(0.5, 1.0)) -> dict:
    """What a clip generator got right, measured on ``clips`` made for digit ``labels``.

    - ``digit_accuracy``: share of frames in which ``classifier`` reads the requested digit;
    - ``frame_agreement``: mean :func:`label_consistency` (do the frames agree with each other?);
    - ``speed_ok``: share of clips whose fitted speed lies in ``speed`` (with 0.1 px/frame
      slack);
    - ``direction_ok``: share of clips moving within 10 degrees of a compass direction;
    - ``directions``: clips per compass direction (all 8 used?);
    - ``median_residual``: median distance from a straight constant-speed path, in pixels.
    """
    labels = np.asarray(labels).astype(np.int64).ravel()
    clips = _clips("clips", clips)
    if len(labels) != len(clips):
        raise GanbookError(f"got {len(clips)} clips but {len(labels)} labels")
    digits = frame_digits(clips, classifier)
    motion = clip_motion(clips)
    low, high = speed
    return {
        "digit_accuracy": float((digits == labels[:, None]).mean()),
        "frame_agreement": float(label_consistency(digits).mean()),
        "speed_ok": float(
            ((motion["speed"] >= low - 0.1) & (motion["speed"] <= high + 0.1)).mean()
        ),
        "direction_ok": float((motion["angle_error"] <= 10.0).mean()),
        "directions": np.bincount(motion["direction"], minlength=DIRECTIONS).tolist(),
        "median_residual": float(np.median(motion["residual"])),
    }


def show_clips(clips, ax=None, title: str | None = None, row_labels=None, ylabel: str = "clip"):
    """Draw clips as a film strip: one row per clip, one column per frame (time runs right)."""
    import matplotlib.pyplot as plt

    from ..plotting import image_grid

    clips = _clips("clips", clips)
    n, frames, height, width = clips.shape[:4]
    if ax is None:
        _, ax = plt.subplots(figsize=(frames * 0.8, n * 0.8))
    ax.imshow(image_grid(clips.reshape(n * frames, height, width, 1), frames), cmap="gray")
    ax.set_xticks([(width + 1) * t + width / 2 for t in range(frames)], range(1, frames + 1))
    ax.set_yticks([(height + 1) * i + height / 2 for i in range(n)], row_labels or range(1, n + 1))
    ax.tick_params(length=0)
    ax.set_xlabel("frame")
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    return ax
