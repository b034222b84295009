"""Quality measures checked on inputs whose answer is known."""

import math

import numpy as np
import pytest

from ganbook_lib import GanbookError, data, metrics


def test_exact_centres_cover_every_mode_with_full_quality():
    result = metrics.ring_coverage(np.repeat(data.RING_CENTRES, 10, axis=0))
    assert result["modes"] == 8 and result["high_quality"] == 1.0
    assert result["counts"] == [10] * 8


def test_real_ring_samples_score_like_the_protocol_expects():
    result = metrics.ring_coverage(data.sample_toy("ring", 2500, seed=0))
    assert result["modes"] == 8
    assert result["high_quality"] > 0.98  # within 3 sigma: 98.9 % of a 2-D Gaussian


def test_collapsed_and_poor_samples():
    collapsed = np.tile(data.GRID_CENTRES[3], (100, 1))
    assert metrics.grid_coverage(collapsed)["modes"] == 1
    far = data.GRID_CENTRES + 0.5  # 10 sigma away from every centre
    result = metrics.grid_coverage(far)
    assert result["modes"] == 0 and result["high_quality"] == 0.0


def test_the_ring_avoids_the_linspace_trap():
    """The trap in SOURCE_NOTES: linspace(0, 2 pi, 8) repeats its first angle and gives 7
    modes; the library's ring has 8 centres exactly 45 degrees apart."""
    angles = np.degrees(np.arctan2(data.RING_CENTRES[:, 1], data.RING_CENTRES[:, 0])) % 360
    np.testing.assert_allclose(np.sort(angles), np.arange(0, 360, 45), atol=1e-9)


def test_mode_coverage_checks_input():
    with pytest.raises(GanbookError, match="dimension"):
        metrics.mode_coverage(np.zeros((3, 3)), data.RING_CENTRES, 0.01)
    with pytest.raises(GanbookError, match="NaN"):
        metrics.ring_coverage(np.array([[np.nan, 0.0]]))
    with pytest.raises(GanbookError, match="non-empty"):
        metrics.ring_coverage(np.zeros((0, 2)))


def test_frechet_distance_closed_forms():
    assert metrics.frechet_distance(0.0, 1.0, 0.0, 1.0) == pytest.approx(0.0, abs=1e-12)
    # 1-D: (mu1 - mu2)^2 + s1 + s2 - 2 sqrt(s1 s2) with variances 1 and 4: 1 + 1 + 4 - 4 = 2
    assert metrics.frechet_distance(0.0, 1.0, 1.0, 4.0) == pytest.approx(2.0)
    # diagonal covariances: sum over axes of (sqrt(a) - sqrt(b))^2
    a, b = np.diag([1.0, 9.0, 0.0]), np.diag([4.0, 1.0, 0.0])
    assert metrics.frechet_distance(np.zeros(3), a, np.zeros(3), b) == pytest.approx(1 + 4)


def test_frechet_distance_from_samples_approaches_the_truth():
    rng = np.random.default_rng(0)
    fa = rng.normal(0, 1, (20000, 4))
    fb = rng.normal(0.5, 2, (20000, 4))
    value = metrics.frechet_distance(
        *metrics.feature_statistics(fa), *metrics.feature_statistics(fb)
    )
    assert value == pytest.approx(4 * (0.25 + 1 + 4 - 4), rel=0.05)


def _counts(labels, subset, classes):
    return [int(np.sum(labels[subset] == k)) for k in classes]


def test_exact_class_subsets_keep_each_class_share_like_a_stratified_split():
    labels = np.repeat([3, 5, 7], [40, 40, 20])  # shares 0.4, 0.4, 0.2
    subsets = metrics.class_subsets(labels, 25, 4, classes="exact", seed=1)
    for subset in subsets:
        assert len(set(subset)) == len(subset) == 25 and subset.max() < len(labels)
        # 0.4 * 25 = 10, 0.2 * 25 = 5: exact, nothing left to hand out
        assert _counts(labels, subset, (3, 5, 7)) == [10, 10, 5]
    # 0.4 * 12 = 4.8 -> 4 and 4, 0.2 * 12 = 2.4 -> 2: two left over, to the two largest classes
    (subset,) = metrics.class_subsets(labels, 12, 1, classes="exact")
    assert _counts(labels, subset, (3, 5, 7)) == [5, 5, 2]


def test_random_class_subsets_draw_the_counts_a_generator_would():
    # a multinomial count of n draws with share p has mean n p and variance n p (1 - p)
    labels = np.repeat(np.arange(10), 100)
    subsets = metrics.class_subsets(labels, 200, 2000, classes="random", seed=0)
    counts = np.array([_counts(labels, s, range(10)) for s in subsets])
    assert (counts.sum(1) == 200).all()
    assert all(len(set(s)) == 200 for s in subsets)  # without replacement within a class
    assert np.allclose(counts.mean(0), 20, atol=0.5)
    assert np.allclose(counts.var(0), 200 * 0.1 * 0.9, rtol=0.2)
    again = metrics.class_subsets(labels, 200, 3, classes="random", seed=0)
    assert all((a == b).all() for a, b in zip(again, subsets))  # one seed, one answer


@pytest.mark.parametrize(
    "labels, size, classes, message",
    [
        (np.repeat([0, 1], 5), 4, "stratified", "must be 'exact' or 'random'"),
        (np.zeros(10), 4, "random", "at least 2 classes"),
        (np.repeat([0, 1], 5), 11, "exact", "at most 10 indices"),
        (np.repeat([0, 1], 5), 10, "random", "use a smaller size"),
    ],
)
def test_class_subsets_say_what_was_wrong(labels, size, classes, message):
    with pytest.raises(GanbookError, match=message):
        metrics.class_subsets(labels, size, 50, classes=classes, seed=0)


def test_weighted_feature_statistics_follow_numpys_weighted_mean_and_covariance():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 3))
    mean, cov = metrics.feature_statistics(x)
    # equal weights change nothing; weights of 0 and 1 keep just the rows weighted 1
    same = metrics.feature_statistics(x, np.full(40, 3.0))
    assert np.allclose(same[0], mean) and np.allclose(same[1], cov)
    keep = np.arange(40) % 3 == 0
    part = metrics.feature_statistics(x, keep.astype(float))
    assert np.allclose(part[0], x[keep].mean(0))
    assert np.allclose(part[1], np.cov(x[keep], rowvar=False))
    w = rng.random(40)
    assert np.allclose(metrics.feature_statistics(x, w)[0], (w[:, None] * x).sum(0) / w.sum())
    one = np.zeros(40)
    one[3] = 1.0  # a covariance from one row is undefined (NumPy would divide by 0)
    for bad, message in (
        (np.ones(39), "need one weight per row: 40 rows, got 39 weights"),
        (np.full(40, np.nan), "weights must be finite, got 40 not"),
        (-np.ones(40), "at least two positive, got smallest -1 and 0 positive"),
        (one, "at least two positive, got smallest 0 and 1 positive"),
    ):
        with pytest.raises(GanbookError, match=message):
            metrics.feature_statistics(x, bad)


def test_class_weights_give_each_class_its_drawn_count_over_what_it_holds():
    labels = np.repeat([0, 1, 2], [40, 40, 20])  # shares 0.4 / 0.4 / 0.2
    weights = metrics.class_weights(labels, 3000, seed=0)
    assert weights.shape == (3000, 100) and np.allclose(weights.sum(1), 100)
    for k, held in ((0, 40), (1, 40), (2, 20)):
        w = weights[:, labels == k]
        assert np.all(w == w[:, :1])  # one weight per class in each draw
        count = w[:, 0] * held  # the drawn count, a whole number
        assert np.allclose(count, np.round(count))
        share = held / 100  # multinomial: mean n p, variance n p (1 - p)
        assert abs(count.mean() - 100 * share) < 0.5
        assert abs(count.var() / (100 * share * (1 - share)) - 1) < 0.1
    assert np.array_equal(weights, metrics.class_weights(labels, 3000, seed=0))
    with pytest.raises(GanbookError, match="at least 2 classes"):
        metrics.class_weights(np.zeros(10), 5)


def test_random_class_frechet_distance_stands_for_sets_drawn_afresh():
    """Ten Gaussian classes, 100 held out of each: weighting the held-out set by drawn class
    counts scores what sets of 1,000 with random class counts, drawn afresh, score on average
    (a few percent above: each class has only its 100 points to stand for its count), well above
    what the stratified set scores."""
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(10, 8))

    def draw(counts):
        x = np.concatenate([centres[k] + rng.normal(size=(c, 8)) for k, c in enumerate(counts)])
        return x, np.repeat(np.arange(10), counts)

    reference, _ = draw([4000] * 10)
    stats = metrics.feature_statistics(reference)

    def fd(x):
        return metrics.frechet_distance(*metrics.feature_statistics(x), *stats)

    weighted = [
        metrics.random_class_frechet_distance(*draw([100] * 10), reference, draws=20, seed=s)
        for s in range(50)
    ]
    assert all(len(w) == 20 for w in weighted)
    weighted = np.mean(weighted)
    fresh = np.mean([fd(draw(rng.multinomial(1000, [0.1] * 10))[0]) for _ in range(1000)])
    stratified = np.mean([fd(draw([100] * 10)[0]) for _ in range(1000)])
    assert 1.0 < weighted / fresh < 1.12, (weighted, fresh)  # measured 1.06
    assert stratified < 0.85 * fresh, (stratified, fresh)  # measured 0.74
    with pytest.raises(GanbookError, match="one label per feature row"):
        metrics.random_class_frechet_distance(reference[:10], np.arange(9) % 2, reference)


def test_probability_score_weights_rows_like_repeating_them():
    rng = np.random.default_rng(0)
    p = rng.dirichlet(np.ones(4), size=12)
    counts = rng.integers(1, 4, size=12)
    repeated = metrics.probability_score(np.repeat(p, counts, axis=0))
    assert metrics.probability_score(p, counts) == pytest.approx(repeated)
    assert metrics.probability_score(p) == pytest.approx(metrics.probability_score(p, np.ones(12)))


class FixedClassifier:
    def __init__(self, probs):
        self.probs = np.asarray(probs, float)

    def probabilities(self, x):
        return self.probs


def test_classifier_score_bounds():
    confident_all_classes = np.eye(10)[np.arange(100) % 10]
    assert metrics.classifier_score(None, FixedClassifier(confident_all_classes)) == pytest.approx(
        10.0, rel=1e-6
    )
    one_class = np.eye(10)[np.zeros(100, int)]
    assert metrics.classifier_score(None, FixedClassifier(one_class)) == pytest.approx(1.0)
    unsure = np.full((100, 10), 0.1)
    assert metrics.classifier_score(None, FixedClassifier(unsure)) == pytest.approx(1.0)


def test_nearest_neighbour_ratio_detects_copies():
    rng = np.random.default_rng(0)
    train, reference = rng.random((200, 4, 4, 1)), rng.random((50, 4, 4, 1))
    assert metrics.nearest_neighbour_ratio(train[:50], train, reference) == 0.0
    fresh = rng.random((50, 4, 4, 1))
    assert 0.8 < metrics.nearest_neighbour_ratio(fresh, train, reference) < 1.25


@pytest.mark.slow
def test_digit_classifier_is_accurate_and_cached():
    clf = metrics.digit_classifier("mnist5k")
    assert clf.test_accuracy > 0.95
    assert list(metrics.cache_dir().glob("classifier-mnist5k-*.weights.h5"))
    x_test, _ = data.load_images("mnist5k", "test")
    # real held-out digits: high score, small distance to the training split
    assert metrics.classifier_score(x_test, clf) > 8.5
    x_train, _ = data.load_images("mnist5k", "train")
    real_fd = metrics.classifier_frechet_distance(x_test, x_train, clf)
    noise_fd = metrics.classifier_frechet_distance(
        np.random.default_rng(0).uniform(-1, 1, x_test.shape).astype(np.float32), x_train, clf
    )
    assert real_fd < 0.05 * noise_fd
    again = metrics.digit_classifier("mnist5k")  # loaded from the cache: same predictions
    assert again.test_accuracy == clf.test_accuracy
    assert not math.isnan(real_fd)


def test_the_classifier_starts_from_its_own_seed_whatever_ran_before():
    import keras

    def initial_weights():
        net, _ = metrics._classifier_net((28, 28, 1), 10)
        return net.get_weights()

    keras.utils.set_random_seed(1)
    first = initial_weights()
    keras.utils.set_random_seed(2)
    np.random.rand(5)
    second = initial_weights()
    assert all(np.array_equal(a, b) for a, b in zip(first, second))
    other, _ = metrics._classifier_net((28, 28, 1), 10, seed=metrics.CLASSIFIER_SEED + 1)
    assert not np.array_equal(first[0], other.get_weights()[0])


# ----------------------------------------------------------------------------- conditional
def test_label_confusion_counts_requested_against_recognised():
    matrix = metrics.label_confusion([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 2, 0], num_classes=3)
    assert matrix.tolist() == [[1, 1, 0], [0, 1, 0], [1, 0, 2]]
    # classes never requested keep their rows; ten classes unless told otherwise
    assert metrics.label_confusion([0, 0], [0, 0], num_classes=3).tolist() == [
        [2, 0, 0],
        [0, 0, 0],
        [0, 0, 0],
    ]
    assert metrics.label_confusion([1], [9]).shape == (10, 10)


def test_label_confusion_checks_input():
    with pytest.raises(GanbookError, match="equally long"):
        metrics.label_confusion([0, 1], [0])
    with pytest.raises(GanbookError, match="recognised labels must lie in 0..2"):
        metrics.label_confusion([0, 1], [0, 3], num_classes=3)


@pytest.mark.slow
def test_evaluate_measures_the_real_digits_once_per_process(monkeypatch):
    from ganbook_lib import models, training

    metrics._real_digits.cache_clear()
    built = []
    original = metrics.digit_classifier
    monkeypatch.setattr(metrics, "digit_classifier", lambda n: built.append(n) or original(n))
    gan = training.GAN(models.dcgan_generator(8, 1, 16, 8), models.dcgan_discriminator(8, 1, 8))
    first = metrics.evaluate(gan, "digits")
    second = metrics.evaluate(gan, "digits")
    assert built == ["digits"]  # the classifier and the real digits' numbers, once
    assert first == second  # a fixed z: the same numbers
    assert first["real_frechet_distance"] < first["frechet_distance"]  # untrained: far off
    # quality apart from diversity, beside the held-out digits' own numbers
    for key in ("precision", "recall", "density", "coverage"):
        assert 0 <= first[key] <= (1 if key != "density" else 5), (key, first[key])
    assert first["real_recall"] > 0.5 > first["recall"] and first["real_coverage"] > 0.5
    assert abs(first["real_kernel"]) < first["kernel"]
    # the held-out digits with their classes at random, as a perfect generator draws them: a
    # higher distance and a lower score than the split's own (one number each, not the draws)
    assert first["real_frechet_distance_random_classes"] > first["real_frechet_distance"]
    assert first["real_classifier_score_random_classes"] < first["real_classifier_score"]
    assert not any(isinstance(v, list) and len(v) > 20 for v in first.values())
    reference = metrics.real_reference("digits")
    assert len(reference["random_class_frechet_distances"]) == metrics.REFERENCE_DRAWS
    assert np.mean(reference["random_class_frechet_distances"]) == pytest.approx(
        first["real_frechet_distance_random_classes"]
    )
    with pytest.raises(GanbookError, match="not a labelled image dataset"):
        metrics.real_reference("ring")
    assert metrics.evaluate(gan, "/some/folder/of/images") == {}


def test_spread_is_about_one_for_the_data_and_shrinks_with_tighter_samples():
    from ganbook_lib import data

    real = data.sample_toy("ring", 2500, seed=0)
    assert 0.93 < metrics.ring_coverage(real)["spread"] < 1.01  # 0.974 in theory (3-sigma cut)
    centres = metrics.RING_CENTRES[
        np.argmin(np.linalg.norm(real[:, None] - metrics.RING_CENTRES[None], axis=-1), axis=1)
    ]
    tight = centres + 0.5 * (real - centres)
    assert (
        abs(metrics.ring_coverage(tight)["spread"] - 0.5 * metrics.ring_coverage(real)["spread"])
        < 0.02
    )
    assert metrics.ring_coverage(np.full((10, 2), 5.0))["spread"] is None


def test_spread_per_axis_shows_a_mode_squeezed_along_one_axis_only():
    from ganbook_lib import data

    real = data.sample_toy("grid", 2500, seed=0)
    centres = metrics.GRID_CENTRES[
        np.argmin(np.linalg.norm(real[:, None] - metrics.GRID_CENTRES[None], axis=-1), axis=1)
    ]
    x, y = metrics.grid_coverage(real)["spread_axes"]
    assert 0.9 < x < 1.05 and 0.9 < y < 1.05, (x, y)
    squeezed = centres + (real - centres) * np.array([0.5, 1.0])  # half as wide along x
    sx, sy = metrics.grid_coverage(squeezed)["spread_axes"]
    assert abs(sx - 0.5 * x) < 0.03 and abs(sy - y) < 0.03, (sx, sy, x, y)
    assert metrics.grid_coverage(np.full((10, 2), 50.0))["spread_axes"] is None


def test_evaluate_measures_the_weight_average_or_the_generator_itself():
    from ganbook_lib import data, models, training

    gan = training.GAN(models.mlp_generator(8, 1, hidden=16, depth=1), models.mlp_discriminator(1))
    gan.compile(ema_decay=0.9)
    gan.fit(
        data.make_dataset(data.sample_toy("gaussian_1d", 256, seed=0), batch_size=32),
        steps_per_epoch=5,
        verbose=0,
    )
    z = np.random.default_rng(metrics.EVAL_SEED).standard_normal((2500, 8)).astype(np.float32)
    means = {}
    for averaged, network in ((True, gan.ema_generator), (False, gan.generator)):
        means[averaged] = metrics.evaluate(gan, "gaussian_1d", averaged=averaged)["mean"]
        assert np.isclose(means[averaged], network(z).numpy().mean(), rtol=1e-4, atol=1e-6)
    assert not np.isclose(means[True], means[False])  # so the test tells which one was measured


def test_precision_recall_density_coverage_agree_with_the_prdc_package():
    import prdc

    rng = np.random.default_rng(0)
    real = rng.normal(size=(300, 8))
    for fake in (rng.normal(0.5, 1.0, (200, 8)), rng.normal(0.0, 0.3, (250, 8))):
        for k in (3, 5):
            ours = metrics.precision_recall_density_coverage(real, fake, k=k)
            theirs = prdc.compute_prdc(real, fake, nearest_k=k)
            for name in ("precision", "recall", "density", "coverage"):
                assert ours[name] == pytest.approx(float(theirs[name]), abs=1e-12), (name, k)


def test_a_collapsed_generator_has_high_precision_and_low_recall():
    # fakes crowded onto 5 of the data's points: realistic, not diverse
    rng = np.random.default_rng(1)
    real = rng.normal(size=(500, 4))
    collapsed = real[rng.integers(0, 5, 500)] + 0.01 * rng.normal(size=(500, 4))
    m = metrics.precision_recall_density_coverage(real, collapsed)
    assert m["precision"] > 0.95 and m["recall"] < 0.1 and m["coverage"] < 0.1, m
    # a second sample of the data itself: both sides high, density near 1
    same = metrics.precision_recall_density_coverage(real, rng.normal(size=(500, 4)))
    assert min(same["precision"], same["recall"], same["coverage"]) > 0.8, same
    assert 0.8 < same["density"] < 1.2, same


def test_kernel_distance_is_the_unbiased_mmd_of_the_cubic_kernel():
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=(6, 3)), rng.normal(1.0, 1.0, (6, 3))

    def k(a, b):
        return (a @ b / 3 + 1) ** 3

    n = 6
    xx = sum(k(x[i], x[j]) for i in range(n) for j in range(n) if i != j) / (n * (n - 1))
    yy = sum(k(y[i], y[j]) for i in range(n) for j in range(n) if i != j) / (n * (n - 1))
    xy = sum(k(x[i], y[j]) for i in range(n) for j in range(n)) / n**2
    # one subset of all six samples on each side: the subset is the whole set, in some order
    mean, std = metrics.kernel_distance(x, y, subsets=1, subset_size=6)
    assert mean == pytest.approx(xx + yy - 2 * xy, rel=1e-10) and std == 0.0
    # unbiased: two samples of one distribution average 0 (either sign), a shift does not
    same = [metrics.kernel_distance(*rng.normal(size=(2, 400, 3)), subsets=10)[0] for _ in range(5)]
    shifted = metrics.kernel_distance(rng.normal(size=(400, 3)), rng.normal(0.5, 1, (400, 3)))[0]
    assert abs(np.mean(same)) < 0.02 and shifted > 0.1, (same, shifted)


def test_the_apart_measures_refuse_bad_input():
    with pytest.raises(GanbookError, match="real features have dimension 3, fake 2"):
        metrics.precision_recall_density_coverage(np.ones((10, 3)), np.ones((10, 2)))
    with pytest.raises(GanbookError, match="need more than k=5 samples on each side, got 4"):
        metrics.precision_recall_density_coverage(np.zeros((10, 2)), np.zeros((4, 2)))
    with pytest.raises(GanbookError, match="fake_features contains NaN"):
        metrics.kernel_distance(np.zeros((10, 2)), np.full((10, 2), np.nan))


def test_mode_reverse_kl_is_zero_for_even_modes_and_log_k_for_one():
    assert metrics.mode_reverse_kl([7, 7, 7, 7]) == 0.0
    assert abs(metrics.mode_reverse_kl([0, 12, 0, 0, 0]) - np.log(5)) < 1e-12
    # two modes of four, evenly: log 2, whatever the counts' scale
    assert abs(metrics.mode_reverse_kl([3, 0, 3, 0]) - np.log(2)) < 1e-12
    # the ring's own samples are close to even; one mode with twice the share is not
    real = metrics.ring_coverage(data.sample_toy("ring", 2500, seed=0))["reverse_kl"]
    assert 0 <= real < 0.01
    assert metrics.mode_reverse_kl([2, 1, 1, 1, 1, 1, 1, 1]) > 5 * real
    for bad in ([], [-1, 2], [0, 0], [[1, 2]]):
        with pytest.raises(GanbookError, match="counts must be"):
            metrics.mode_reverse_kl(bad)
