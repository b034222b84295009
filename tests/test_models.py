"""Model output shapes for every supported size, and the article's models failing as they do."""

import numpy as np
import pytest

from ganbook_lib import GanbookError, models


@pytest.mark.parametrize("size", models.SUPPORTED_SIZES)
@pytest.mark.parametrize("channels", [1, 3])
def test_dcgan_shapes(size, channels):
    g = models.dcgan_generator(size, channels, latent_dim=16, width=8)
    d = models.dcgan_discriminator(size, channels, width=8)
    x = g(np.random.randn(3, 16).astype(np.float32))
    assert x.shape == (3, size, size, channels)
    assert float(np.abs(x).max()) <= 1.0  # tanh
    assert d(x).shape == (3, 1)


def test_conditional_dcgan_shapes():
    g = models.dcgan_generator(28, 1, latent_dim=16, width=8, num_classes=10)
    d = models.dcgan_discriminator(28, 1, width=8, num_classes=10, spectral_norm=True)
    labels = np.array([0, 5, 9], np.int32)
    x = g([np.random.randn(3, 16).astype(np.float32), labels])
    assert x.shape == (3, 28, 28, 1)
    assert d([np.asarray(x), labels]).shape == (3, 1)


def test_mlp_shapes():
    g = models.mlp_generator(latent_dim=4, output_dim=1, hidden=16, depth=2)
    d = models.mlp_discriminator(input_dim=1, hidden=16, depth=2)
    assert d(g(np.zeros((5, 4), np.float32))).shape == (5, 1)


def test_conditional_mlps_depend_on_the_label():
    g = models.mlp_generator(latent_dim=2, output_dim=2, hidden=16, depth=2, num_classes=3)
    d = models.mlp_discriminator(input_dim=2, hidden=16, depth=2, num_classes=3)
    z = np.zeros((2, 2), np.float32)  # the same z with two labels
    labels = np.array([0, 2], np.int32)
    x = np.asarray(g([z, labels]))
    assert x.shape == (2, 2) and not np.allclose(x[0], x[1])
    same_x = np.repeat(x[:1], 2, axis=0)
    logits = np.asarray(d([same_x, labels]))
    assert logits.shape == (2, 1) and logits[0, 0] != logits[1, 0]
    with pytest.raises(GanbookError, match="num_classes must be an integer >= 2"):
        models.mlp_generator(num_classes=1)


def test_unsupported_arguments_are_rejected():
    with pytest.raises(GanbookError, match=r"image_size must be one of \(8, 16, 28, 32, 64\)"):
        models.dcgan_generator(image_size=48)
    with pytest.raises(GanbookError, match="channels must be 1 or 3"):
        models.dcgan_discriminator(28, channels=2)
    with pytest.raises(GanbookError, match="hidden must be a positive integer"):
        models.mlp_generator(hidden=0)


def test_article_generator_raises_on_a_flat_input():
    generator = models.article_generator()
    with pytest.raises(ValueError, match="expected min_ndim=4, found ndim=2"):
        generator(np.zeros((2, 100), np.float32))


def test_article_discriminator_returns_a_map_of_probabilities():
    out = np.asarray(models.article_discriminator()(np.zeros((2, 28, 28, 1), np.float32)))
    assert out.shape == (2, 4, 4, 1)  # a 4x4 patch map, not one D(x) per image
    assert out.min() > 0 and out.max() < 1  # sigmoid probabilities, not logits
