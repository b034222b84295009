"""How good is a generator? Measures used by the chapters, the CLI and the benchmarks.

- :func:`mode_coverage`: the 2-D mixture protocol of VEEGAN (2017) and PacGAN (2018).
- :func:`frechet_distance`, :func:`classifier_frechet_distance`, :func:`classifier_score`:
  FID- and Inception-Score-style measures computed with a small digit classifier
  (:func:`digit_classifier`) trained on the real training split and cached on disk.
- :func:`nearest_neighbour_ratio`: a memorisation check against the training images.
- :func:`precision_recall_density_coverage`, :func:`kernel_distance`: quality apart from
  diversity (k-NN precision/recall and density/coverage) and the kernel (KID-style) distance,
  in any feature space; :func:`evaluate` gives them in the digit classifier's.
- :func:`label_confusion`: how often a class-conditional generator draws the class it was asked
  for, as read by a classifier.
- :func:`evaluate`: the measures that fit a named dataset, as ``ganbook evaluate`` prints them.
"""

from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path

import numpy as np

from . import GanbookError
from .checks import positive_int
from .data import (
    DATASETS,
    GRID_CENTRES,
    GRID_SIGMA,
    RING_CENTRES,
    RING_SIGMA,
    draw_clusters,
    load_images,
    sample_toy,
    toy_mixture,
)

# 2: the weights are initialised and the batches shuffled from CLASSIFIER_SEED alone (version 1
# initialised them from whatever state the global random generators were in)
CLASSIFIER_VERSION = 2
CLASSIFIER_SEED = 1234


# ----------------------------------------------------------------------------- 2-D modes
def mode_coverage(samples, centres, sigma: float) -> dict:
    """Modes covered and the share of high-quality samples (VEEGAN/PacGAN protocol).

    A sample is *high quality* when it lies within ``3 sigma`` of its nearest centre; a mode is
    *covered* when at least one high-quality sample has it as nearest centre.

    Returns:
        ``{"modes": covered count, "n_modes": K, "high_quality": share in [0, 1],
        "counts": high-quality samples per mode, "spread": ..., "reverse_kl": ...}``.
        ``reverse_kl`` is :func:`mode_reverse_kl` of ``counts``. ``spread`` is the median,
        over the covered modes, of the standard deviation of a mode's high-quality samples
        around its centre (per coordinate) divided by ``sigma``; ``None`` when no mode is
        covered. Samples drawn from the mixture itself give about 0.97 (the 3-sigma cut
        trims the tails), so a spread well below that means samples packed more tightly than
        the data. ``spread_axes`` is the same median taken per axis (one value per coordinate:
        a mode squeezed along one axis and stretched along the other shows there, not in
        ``spread``).
    """
    samples = _finite_2d("samples", samples)
    centres = np.asarray(centres, dtype=np.float64)
    if samples.shape[1] != centres.shape[1]:
        raise GanbookError(
            f"samples have dimension {samples.shape[1]} but centres {centres.shape[1]}"
        )
    dist = np.linalg.norm(samples[:, None, :] - centres[None], axis=-1)
    nearest = dist.argmin(1)
    good = dist[np.arange(len(samples)), nearest] <= 3 * sigma
    counts = np.bincount(nearest[good], minlength=len(centres))
    offsets = samples[good] - centres[nearest[good]]
    covered = np.flatnonzero(counts)
    spreads = [np.sqrt(np.mean(offsets[nearest[good] == m] ** 2)) / sigma for m in covered]
    per_axis = [np.sqrt(np.mean(offsets[nearest[good] == m] ** 2, axis=0)) / sigma for m in covered]
    return {
        "modes": int((counts > 0).sum()),
        "n_modes": len(centres),
        "high_quality": float(good.mean()),
        "counts": counts.tolist(),
        "spread": float(np.median(spreads)) if spreads else None,
        "spread_axes": np.median(per_axis, axis=0).tolist() if per_axis else None,
        "reverse_kl": mode_reverse_kl(counts) if counts.sum() else None,
    }


def mode_reverse_kl(counts) -> float:
    """``KL(q || u) = sum_m q_m log(K q_m)``: how far the share ``q`` of samples per mode is
    from the uniform share ``u = 1/K`` of the K modes (PacGAN's "reverse KL", Lin et al., 2018,
    here over the high-quality samples). 0 when every mode gets the same share, ``log K`` when
    one mode gets them all."""
    counts = np.asarray(counts, dtype=np.float64)
    if counts.ndim != 1 or len(counts) == 0 or np.any(counts < 0) or counts.sum() <= 0:
        raise GanbookError(
            "counts must be a non-empty 1-D array of non-negative counts with a positive sum"
        )
    q = counts / counts.sum()
    q = q[q > 0]
    return float(np.sum(q * np.log(q * len(counts))))


def ring_coverage(samples) -> dict:
    """:func:`mode_coverage` for the 8-Gaussian ring (radius 1, sigma 0.01)."""
    return mode_coverage(samples, RING_CENTRES, RING_SIGMA)


def grid_coverage(samples) -> dict:
    """:func:`mode_coverage` for the 25-Gaussian grid ({-4..4}^2, sigma 0.05)."""
    return mode_coverage(samples, GRID_CENTRES, GRID_SIGMA)


def _finite_2d(name, a) -> np.ndarray:
    a = np.asarray(a, dtype=np.float64)
    if a.ndim != 2 or len(a) == 0:
        raise GanbookError(f"{name} must be a non-empty array of shape (n, d), got {a.shape}")
    if not np.all(np.isfinite(a)):
        raise GanbookError(f"{name} contains NaN or infinite values")
    return a


# ----------------------------------------------------------------------------- Fréchet
def frechet_distance(mu1, sigma1, mu2, sigma2) -> float:
    """Fréchet distance between Gaussians N(mu1, sigma1) and N(mu2, sigma2):

    ``||mu1 - mu2||^2 + Tr(sigma1 + sigma2 - 2 (sigma1 sigma2)^{1/2})``  (Heusel et al., 2017)
    """
    mu1, mu2 = np.atleast_1d(mu1).astype(np.float64), np.atleast_1d(mu2).astype(np.float64)
    s1, s2 = np.atleast_2d(sigma1).astype(np.float64), np.atleast_2d(sigma2).astype(np.float64)
    # Tr((s1 s2)^{1/2}) = Tr((s1^{1/2} s2 s1^{1/2})^{1/2}): a symmetric PSD matrix, so its
    # eigenvalues are real and >= 0 (up to round-off), and singular covariances are harmless.
    w, v = np.linalg.eigh(s1)
    root1 = (v * np.sqrt(np.clip(w, 0, None))) @ v.T
    middle = np.linalg.eigvalsh(root1 @ s2 @ root1)
    trace_sqrt = np.sqrt(np.clip(middle, 0, None)).sum()
    value = np.sum((mu1 - mu2) ** 2) + np.trace(s1) + np.trace(s2) - 2 * trace_sqrt
    return float(max(value, 0.0))


def feature_statistics(features, weights=None) -> tuple[np.ndarray, np.ndarray]:
    """Mean and covariance of a (n, d) feature matrix; with ``weights`` (n finite values >= 0,
    at least two of them positive) the weighted mean and NumPy's unbiased weighted covariance
    (``np.cov``'s ``aweights``), as if row ``i`` had been drawn in proportion to
    ``weights[i]``."""
    features = _finite_2d("features", features)
    if weights is None:
        return features.mean(0), np.cov(features, rowvar=False)
    weights = _row_weights(weights, len(features))
    mean = np.average(features, axis=0, weights=weights)
    return mean, np.cov(features, rowvar=False, aweights=weights)


def _row_weights(weights, rows: int) -> np.ndarray:
    """``weights`` as a float array of one finite value >= 0 per row, at least two positive (a
    covariance needs two rows), or a :class:`~ganbook_lib.GanbookError` saying what was wrong."""
    weights = np.asarray(weights, np.float64).ravel()
    if weights.shape != (rows,):
        raise GanbookError(f"need one weight per row: {rows} rows, got {weights.size} weights")
    if not np.all(np.isfinite(weights)):
        raise GanbookError(f"weights must be finite, got {int((~np.isfinite(weights)).sum())} not")
    if weights.min() < 0 or (weights > 0).sum() < 2:
        raise GanbookError(
            "weights must be >= 0 with at least two positive, got smallest "
            f"{weights.min():g} and {int((weights > 0).sum())} positive"
        )
    return weights


def class_subsets(labels, size: int, count: int, classes: str = "random", seed: int = 0):
    """``count`` subsets of ``size`` indices into ``labels``, to measure real images the way a
    generator's samples are measured.

    With ``classes="exact"`` each class gets its share of ``size`` (its share of ``labels``,
    rounded down, the remainder to the largest classes), as in a stratified split such as
    ``mnist5k``'s. With ``"random"`` the class counts are drawn from a multinomial with those
    shares, as they are in the samples of any generator that picks its classes (or clusters) at
    random, a perfect one included. Within a class the images are drawn without replacement.

    Raises :class:`~ganbook_lib.GanbookError` for fewer than 2 classes, a ``size`` larger than
    ``labels``, ``classes`` not one of the two, or a drawn count larger than a class holds.
    """
    labels = np.asarray(labels).ravel()
    size, count = positive_int("size", size), positive_int("count", count)
    if classes not in ("exact", "random"):
        raise GanbookError(f"classes must be 'exact' or 'random', got {classes!r}")
    values, members = np.unique(labels, return_inverse=True)
    if len(values) < 2 or size > len(labels):
        raise GanbookError(
            f"need labels of at least 2 classes and at most {len(labels)} indices per subset, "
            f"got {len(values)} classes and size {size}"
        )
    held = np.bincount(members)
    by_class = [np.flatnonzero(members == k) for k in range(len(values))]
    shares = held / held.sum()
    rng = np.random.default_rng(seed)
    subsets = []
    for _ in range(count):
        if classes == "exact":
            counts = np.floor(shares * size).astype(int)
            counts[np.argsort(-held, kind="stable")[: size - counts.sum()]] += 1
        else:
            counts = rng.multinomial(size, shares)
        if np.any(counts > held):
            short = int(np.argmax(counts - held))
            raise GanbookError(
                f"a subset of {size} drew {counts[short]} of class {values[short]!r}, which "
                f"holds {held[short]}; use a smaller size"
            )
        subsets.append(
            np.concatenate([rng.choice(i, c, replace=False) for i, c in zip(by_class, counts)])
        )
    return subsets


def class_weights(labels, count: int, seed: int = 0) -> np.ndarray:
    """``count`` rows of weights over ``labels``, one per draw of class counts: each draw takes
    multinomial counts for ``len(labels)`` images with the classes' shares in ``labels`` (as a
    generator that picks its classes at random makes them), and weights every image of class
    ``c`` by its drawn count divided by the number of images of class ``c`` in ``labels``. A
    row's weights sum to ``len(labels)``.

    Weighted by a row (:func:`feature_statistics`), the labelled set stands for a set of as
    many images with that draw's class mix. It can where :func:`class_subsets` cannot: a draw
    of 1,000 from ``mnist5k``'s 1,000 held-out digits, 100 a class, wants more than 100 of
    some class almost every time, and no class runs short of weight. The stand-in is close, not
    exact: a weighted Frechet distance comes out a few percent above the average of sets drawn
    afresh (about 6 % on the synthetic classes of ``tests/test_metrics.py``).
    """
    labels = np.asarray(labels).ravel()
    count = positive_int("count", count)
    values, members = np.unique(labels, return_inverse=True)
    if len(values) < 2:
        raise GanbookError(f"need labels of at least 2 classes, got {len(values)}")
    held = np.bincount(members)
    counts = np.random.default_rng(seed).multinomial(len(labels), held / held.sum(), size=count)
    return (counts / held)[:, members]


def random_class_frechet_distance(
    features, labels, reference_features, draws: int = 200, seed: int = 0
) -> np.ndarray:
    """The Frechet distance to ``reference_features`` of labelled ``features`` (say held-out
    real images) with their classes in random proportions, one value per draw of
    :func:`class_weights`.

    This stands for what a generator that draws images exactly as the data do scores with as
    many samples (a few percent above it: see :func:`class_weights`): more than the labelled
    set itself scores when its classes come in exact shares (a stratified split), because a
    set with another class mix has another feature mean. Its mean is the base a generated
    set's Frechet distance is fairly judged against when the generator picks its classes at
    random; a class-conditional generator asked for every class equally often is fairly
    judged against the stratified set's own distance.
    """
    features = _finite_2d("features", features)
    labels = np.asarray(labels).ravel()
    if len(labels) != len(features):
        raise GanbookError(f"need one label per feature row: {len(labels)} for {len(features)}")
    reference = feature_statistics(reference_features)
    weights = class_weights(labels, draws, seed)
    return np.array(
        [frechet_distance(*feature_statistics(features, w), *reference) for w in weights]
    )


# ------------------------------------------------------------------ quality apart from diversity
def _k_nearest_radii(features: np.ndarray, k: int) -> np.ndarray:
    """Distance from each row to its k-th nearest *other* row: the radius of its k-NN ball."""
    from sklearn.neighbors import NearestNeighbors

    if len(features) <= k:
        raise GanbookError(f"need more than k={k} samples on each side, got {len(features)}")
    distances, _ = NearestNeighbors(n_neighbors=k + 1).fit(features).kneighbors(features)
    return distances[:, k]  # column 0 is the row itself, at distance 0


def _feature_pair(real_features, fake_features) -> tuple[np.ndarray, np.ndarray]:
    """Both feature sets as finite (n, d) float arrays of the same width d."""
    real = _finite_2d("real_features", real_features)
    fake = _finite_2d("fake_features", fake_features)
    if real.shape[1] != fake.shape[1]:
        raise GanbookError(f"real features have dimension {real.shape[1]}, fake {fake.shape[1]}")
    return real, fake


def precision_recall_density_coverage(real_features, fake_features, k: int = 5) -> dict:
    """Quality and diversity measured apart, on k-nearest-neighbour balls in a feature space.

    Each real sample ``x_i`` gets the ball ``B(x_i, r_i)`` reaching its k-th nearest real
    neighbour; each fake sample ``y_j`` likewise among the fakes. With ``N`` real and ``M``
    fake samples (Kynkaanniemi et al., 2019; Naeem et al., 2020):

    - precision: the share of fakes inside at least one real ball (are samples realistic?);
    - recall: the share of reals inside at least one fake ball (is the data's variety covered?);
    - density: ``1/(k M) sum_j #{i: y_j in B(x_i, r_i)}``, how many real balls hold a fake on
      average, over k (about 1 when the two sets match; above 1 when fakes crowd dense regions);
    - coverage: the share of real balls that hold at least one fake (diversity measured with
      real balls only, which outlying fakes cannot inflate).

    "Inside" is a strict ``<``. A collapsed generator scores high precision (and density) with
    low recall and coverage. The same definitions as the ``prdc`` package (``tests/`` checks
    them against it).
    """
    from scipy.spatial.distance import cdist

    k = positive_int("k", k)
    real, fake = _feature_pair(real_features, fake_features)
    real_radii, fake_radii = _k_nearest_radii(real, k), _k_nearest_radii(fake, k)
    distance = cdist(real, fake)  # [i, j]: real i to fake j
    in_real_ball = distance < real_radii[:, None]
    return {
        "precision": float(in_real_ball.any(axis=0).mean()),
        "recall": float((distance < fake_radii[None, :]).any(axis=1).mean()),
        "density": float(in_real_ball.sum(axis=0).mean() / k),
        "coverage": float(in_real_ball.any(axis=1).mean()),
    }


def kernel_distance(
    real_features, fake_features, subsets: int = 100, subset_size: int = 1000, seed: int = 0
) -> tuple[float, float]:
    """Kernel distance between two feature sets, the KID of Binkowski et al. (2018) when the
    features are Inception's: the unbiased estimate of the squared maximum mean discrepancy
    under the cubic polynomial kernel ``k(a, b) = (a.b / d + 1)^3``, ``d`` the feature size,

    ``MMD^2 = mean_{i!=i'} k(x_i, x_i') + mean_{j!=j'} k(y_j, y_j') - 2 mean_{i,j} k(x_i, y_j)``

    averaged over ``subsets`` random subsets of ``subset_size`` samples from each side (fewer
    if a side has fewer); the defaults are torchmetrics'. Returns (mean, standard deviation over
    the subsets). Unbiased: for two samples of one distribution it is 0 on average, so small
    negative values occur. Unlike the Frechet distance it assumes no Gaussian shape, and its
    expectation does not depend on the number of samples.
    """
    from sklearn.metrics.pairwise import polynomial_kernel

    real, fake = _feature_pair(real_features, fake_features)
    m = min(positive_int("subset_size", subset_size), len(real), len(fake))
    if m < 2:
        raise GanbookError(f"need at least 2 samples on each side, got {len(real)}, {len(fake)}")
    gamma = 1.0 / real.shape[1]
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(positive_int("subsets", subsets)):
        x = real[rng.choice(len(real), m, replace=False)]
        y = fake[rng.choice(len(fake), m, replace=False)]
        k_xx, k_yy, k_xy = (
            polynomial_kernel(a, b, degree=3, gamma=gamma, coef0=1)
            for a, b in ((x, x), (y, y), (x, y))
        )
        within = (k_xx.sum() - np.trace(k_xx) + k_yy.sum() - np.trace(k_yy)) / (m * (m - 1))
        values.append(within - 2 * k_xy.mean())
    return float(np.mean(values)), float(np.std(values))


# ----------------------------------------------------------------------------- classifier
def cache_dir() -> Path:
    """Where ganbook caches trained helper models (``$GANBOOK_CACHE`` or ~/.cache/ganbook)."""
    return Path(os.environ.get("GANBOOK_CACHE", Path.home() / ".cache" / "ganbook"))


class DigitClassifier:
    """A small CNN trained on a dataset's real training split, used only to *measure* GANs.

    ``features(x)`` gives its penultimate-layer activations (for Fréchet distances) and
    ``probabilities(x)`` its class probabilities (for the classifier score).
    """

    def __init__(self, model, feature_model, test_accuracy: float):
        self.model, self.feature_model, self.test_accuracy = model, feature_model, test_accuracy

    @functools.cached_property
    def fingerprint(self) -> str:
        """A short hash of the weights. Distances measured by two classifiers are in two feature
        spaces and do not compare. Training is seeded and deterministic, so one machine always
        trains the same classifier, but another processor or TensorFlow build may round
        differently and train a slightly different one; results carry this to show which one
        measured them."""
        digest = hashlib.sha1()
        for w in self.model.get_weights():
            digest.update(np.ascontiguousarray(w).tobytes())
        return digest.hexdigest()[:12]

    def probabilities(self, x) -> np.ndarray:
        from scipy.special import softmax

        logits = self.model.predict(np.asarray(x, np.float32), batch_size=256, verbose=0)
        return softmax(logits, axis=1)

    def features(self, x) -> np.ndarray:
        return self.feature_model.predict(np.asarray(x, np.float32), batch_size=256, verbose=0)


def _classifier_net(shape, num_classes, seed: int = CLASSIFIER_SEED):
    """The classifier and its feature model, every random initialiser and dropout seeded from
    ``seed``: the same weights whatever ran before in the process."""
    import keras
    from keras import layers

    seeds = iter(range(seed, seed + 100))

    def conv(filters):
        init = keras.initializers.GlorotUniform(seed=next(seeds))
        return layers.Conv2D(filters, 3, padding="same", activation="relu", kernel_initializer=init)

    def dense(units, **kwargs):
        init = keras.initializers.GlorotUniform(seed=next(seeds))
        return layers.Dense(units, kernel_initializer=init, **kwargs)

    x = keras.Input(shape)
    h = conv(32)(x)
    if shape[0] >= 16:
        h = layers.MaxPooling2D()(h)
    h = conv(64)(h)
    h = layers.MaxPooling2D()(h)
    h = layers.Flatten()(layers.Dropout(0.25, seed=next(seeds))(h))
    features = dense(128, activation="relu", name="features")(h)
    logits = dense(num_classes)(layers.Dropout(0.3, seed=next(seeds))(features))
    return keras.Model(x, logits), keras.Model(x, features)


def digit_classifier(name: str = "mnist5k", epochs: int = 8, verbose: int = 0) -> DigitClassifier:
    """The measuring classifier for a labelled image dataset, trained once and cached on disk.

    Trained on the dataset's ``train`` split with a fixed seed; ``test_accuracy`` is measured
    on its ``test`` split.
    """
    import keras

    x_train, y_train = load_images(name, "train")
    x_test, y_test = load_images(name, "test")
    if y_train is None:
        raise GanbookError(f"dataset {name!r} has no labels, so it has no measuring classifier")
    num_classes = int(y_train.max()) + 1
    key = hashlib.sha1(f"{name}-{x_train.shape}-{CLASSIFIER_VERSION}".encode()).hexdigest()[:10]
    path = cache_dir() / f"classifier-{name}-{key}.weights.h5"
    model, feature_model = _classifier_net(x_train.shape[1:], num_classes)
    if path.is_file():
        model.load_weights(path)
    else:
        import tensorflow as tf

        # deterministic kernels (what set_seed asks for, as every chapter does): without them
        # TensorFlow picks others, and the trained weights differ in the last bits and then more
        tf.config.experimental.enable_op_determinism()
        # every epoch's order drawn from CLASSIFIER_SEED by NumPy (a tf.data shuffle would mix
        # in TensorFlow's global seed), so training neither reads nor moves the global state
        rng = np.random.default_rng(CLASSIFIER_SEED)
        order = np.stack([rng.permutation(len(x_train)) for _ in range(epochs)])
        images, labels = tf.constant(x_train), tf.constant(y_train)
        batches = (
            tf.data.Dataset.from_tensor_slices(order)  # one epoch's order per element
            .flat_map(lambda o: tf.data.Dataset.from_tensor_slices(o).batch(64))
            .map(lambda i: (tf.gather(images, i), tf.gather(labels, i)))
        )
        model.compile(
            keras.optimizers.Adam(1e-3),
            keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        )
        # one pass over all the epochs' batches, in the order drawn above
        model.fit(batches, shuffle=False, verbose=verbose)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.weights.h5")
        model.save_weights(tmp)
        os.replace(tmp, path)
    accuracy = float((model.predict(x_test, verbose=0).argmax(1) == y_test).mean())
    return DigitClassifier(model, feature_model, accuracy)


def classifier_frechet_distance(x_a, x_b, classifier: DigitClassifier) -> float:
    """Fréchet distance between two image sets in the classifier's feature space.

    The FID recipe of Heusel et al. (2017) with a digit classifier in place of Inception.
    """
    return frechet_distance(
        *feature_statistics(classifier.features(x_a)), *feature_statistics(classifier.features(x_b))
    )


def classifier_score(x, classifier: DigitClassifier) -> float:
    """``exp(E_x KL(p(y|x) || p(y)))``: the Inception Score of Salimans et al. (2016) computed
    with a digit classifier. Between 1 and the number of classes; high when each image is
    confidently one class and all classes appear."""
    return probability_score(classifier.probabilities(x))


def probability_score(probabilities, weights=None) -> float:
    """The score of :func:`classifier_score` from class probabilities (n, classes); with
    ``weights`` (one per row, as :func:`class_weights` gives) each row counts in proportion to
    its weight, in the marginal ``p(y)`` and in the mean."""
    p = _finite_2d("probabilities", probabilities)
    if weights is None:
        p_y = p.mean(0, keepdims=True)
        return float(np.exp((p * (np.log(p + 1e-12) - np.log(p_y + 1e-12))).sum(1).mean()))
    w = _row_weights(weights, len(p))
    p_y = np.average(p, axis=0, weights=w)[None]
    kl = (p * (np.log(p + 1e-12) - np.log(p_y + 1e-12))).sum(1)
    return float(np.exp(np.average(kl, weights=w)))


def nearest_neighbour_ratio(samples, train, reference) -> float:
    """Median distance from ``samples`` to their nearest training image, divided by the same
    for real ``reference`` images that were not trained on.

    About 1 means samples are as far from the training set as new real images are; a value far
    below 1 (say < 0.5) means the generator is copying training images.
    """
    from sklearn.neighbors import NearestNeighbors

    def flat(a):
        return np.asarray(a, np.float32).reshape(len(a), -1)

    index = NearestNeighbors(n_neighbors=1).fit(flat(train))

    def median_nn(a):
        return float(np.median(index.kneighbors(flat(a))[0]))

    return median_nn(samples) / median_nn(reference)


# ----------------------------------------------------------------------------- conditional
def label_confusion(requested, recognised, num_classes: int = 10) -> np.ndarray:
    """Confusion matrix of a class-conditional generator, as counts.

    Entry ``[i, j]`` counts samples generated with label ``i`` (``requested``) that the
    measuring classifier calls ``j`` (``recognised``): scikit-learn's ``confusion_matrix``
    over the classes ``0 .. num_classes - 1``, after checking the labels. Its trace divided by
    its sum is the label accuracy; a perfect conditional generator gives a diagonal matrix.
    """
    from sklearn.metrics import confusion_matrix

    num_classes = positive_int("num_classes", num_classes, 2)
    requested = np.asarray(requested).astype(np.int64).ravel()
    recognised = np.asarray(recognised).astype(np.int64).ravel()
    if requested.shape != recognised.shape or len(requested) == 0:
        raise GanbookError(
            f"requested and recognised must be equally long and non-empty, "
            f"got {requested.shape} and {recognised.shape}"
        )
    for name, labels in (("requested", requested), ("recognised", recognised)):
        if labels.min() < 0 or labels.max() >= num_classes:
            raise GanbookError(f"{name} labels must lie in 0..{num_classes - 1}")
    return confusion_matrix(requested, recognised, labels=np.arange(num_classes))


# ----------------------------------------------------------------------------- one call
EVAL_SAMPLES = {"toy": 2500, "image": 1000}  # samples scored per evaluation
EVAL_SEED = 12345  # the z (and cluster draws) every evaluation uses


@functools.cache
def _real_digits(name: str):
    """The measuring classifier of a labelled image dataset, its training images, 1,000 test
    images, and the test images' own Frechet distance and score: computed once per process."""
    classifier = digit_classifier(name)
    x_train, _ = load_images(name, "train")
    x_test, y_test = (a[: EVAL_SAMPLES["image"]] for a in load_images(name, "test"))
    train_features, test_features = classifier.features(x_train), classifier.features(x_test)
    real = {
        "classifier": classifier.fingerprint,
        "classifier_accuracy_on_test": classifier.test_accuracy,
        "real_frechet_distance": frechet_distance(
            *feature_statistics(test_features), *feature_statistics(train_features)
        ),
        "real_classifier_score": classifier_score(x_test, classifier),
        **_random_class_reference(classifier, x_test, y_test, test_features, train_features),
        **_apart(train_features, test_features, prefix="real_"),
    }
    return classifier, x_train, x_test, real, train_features


REFERENCE_DRAWS = 200  # draws of class counts behind the ``..._random_classes`` numbers


def _random_class_reference(classifier, x_test, y_test, test_features, train_features) -> dict:
    """The held-out digits' Frechet distance and score with their classes in random
    proportions (:func:`random_class_frechet_distance`, the mean over
    :data:`REFERENCE_DRAWS` draws): what a generator that draws digits as the data do scores
    with as many samples. The split's own numbers are those of exact class shares."""
    weights = class_weights(y_test, REFERENCE_DRAWS, EVAL_SEED)
    fds = random_class_frechet_distance(
        test_features, y_test, train_features, draws=REFERENCE_DRAWS, seed=EVAL_SEED
    )
    probs = classifier.probabilities(x_test)
    scores = [probability_score(probs, w) for w in weights]
    return {
        "real_frechet_distance_random_classes": float(fds.mean()),
        "real_classifier_score_random_classes": float(np.mean(scores)),
        "random_class_frechet_distances": fds.tolist(),  # one per draw
    }


def real_reference(name: str = "mnist5k") -> dict:
    """The real held-out digits' own numbers for a labelled image dataset, as
    :func:`evaluate` reports them beside a generator's (the ``real_...`` keys, the measuring
    classifier's fingerprint and accuracy), without a generator to measure, and the Frechet
    distance of each draw of class counts behind ``real_frechet_distance_random_classes``
    (``random_class_frechet_distances``)."""
    if name not in DATASETS or DATASETS[name].kind != "image":
        raise GanbookError(f"{name!r} is not a labelled image dataset of the book")
    return dict(_real_digits(name)[3])


def _apart(train_features, features, prefix="") -> dict:
    """Precision, recall, density, coverage and the kernel distance of ``features`` against the
    training digits' features (k = 5, as Naeem et al. recommend). The first four compare equal
    numbers of real and generated samples (a fixed random subset of the training digits): ball
    radii shrink as a set grows, so unequal sizes bias them."""
    kid, _ = kernel_distance(train_features, features)
    n = min(len(train_features), len(features))
    real = train_features[np.random.default_rng(EVAL_SEED).choice(len(train_features), n, False)]
    measures = {**precision_recall_density_coverage(real, features[:n]), "kernel": kid}
    return {prefix + name: value for name, value in measures.items()}


def evaluate(
    gan, dataset: str, cluster_sizes=None, conditional: bool = False, averaged: bool = True
) -> dict:
    """The quality of ``gan`` for a named ``dataset``, measured the way that dataset is
    (:data:`ganbook_lib.data.DATASETS`): mode coverage on the ring and the grid, the 1-D
    Wasserstein distance on the 1-D mixtures, and for digit datasets the classifier's Frechet
    distance and score beside the real test digits' own, the classes present, the
    nearest-neighbour ratio, precision, recall, density, coverage and the kernel distance
    against the training digits in the classifier's feature space (each beside the real test
    digits' own, ``real_...``), the real digits' Frechet distance and score with their classes in
    random proportions (``real_..._random_classes``: the fair base for a generator that picks
    its classes at random; the split's own numbers are the base for a class-conditional one,
    asked for every class equally often) and, for a ``conditional`` GAN, its label accuracy. A
    self-conditioned GAN samples clusters in proportion to ``cluster_sizes``. A user's own
    images (no name) get ``{}``. What ``ganbook evaluate`` prints and the benchmarks record.
    ``averaged=False`` measures the generator itself rather than its weight average.
    """
    if dataset not in DATASETS:
        return {}  # a user's images: no classifier to measure with
    kind, how = DATASETS[dataset].kind, DATASETS[dataset].evaluated_by
    n = EVAL_SAMPLES[kind]
    labels = draw_clusters(cluster_sizes, n, EVAL_SEED) if cluster_sizes else None
    samples = gan.generate(n, labels=labels, seed=EVAL_SEED, averaged=averaged)
    if how == "modes":
        mixture = toy_mixture(dataset)
        return mode_coverage(samples, mixture.means, mixture.stds[0])
    if how == "wasserstein_1d":
        from scipy.stats import wasserstein_distance

        real = sample_toy(dataset, 10_000, seed=999)
        return {
            "wasserstein_1": float(wasserstein_distance(samples.ravel(), real.ravel())),
            "mean": float(samples.mean()),
            "std": float(samples.std()),
            "data_mean": float(real.mean()),
            "data_std": float(real.std()),
        }
    classifier, x_train, x_test, real, train_features = _real_digits(dataset)
    features = classifier.features(samples)
    probs = classifier.probabilities(samples)
    histogram = np.bincount(probs.argmax(1), minlength=probs.shape[1])
    result = {
        "classifier": real["classifier"],
        "classifier_accuracy_on_test": real["classifier_accuracy_on_test"],
        "frechet_distance": frechet_distance(
            *feature_statistics(features), *feature_statistics(train_features)
        ),
        "classifier_score": classifier_score(samples, classifier),
        "real_frechet_distance": real["real_frechet_distance"],
        "real_classifier_score": real["real_classifier_score"],
        "classes_present": int((histogram > 0).sum()),
        "class_histogram": histogram.tolist(),
        "nearest_neighbour_ratio": nearest_neighbour_ratio(samples[:500], x_train, x_test[:500]),
        # against the held-out digits' own numbers, at their sample size (``real_...``)
        **_apart(train_features, features[: len(x_test)]),
        **{key: value for key, value in real.items() if key.startswith("real_")},
    }
    if conditional:
        result["label_accuracy"] = float((probs.argmax(1) == np.arange(n) % gan.num_classes).mean())
    return result
