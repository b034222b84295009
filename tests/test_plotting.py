"""Plotting helpers produce what they promise (figures are drawn off-screen)."""

import re

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from ganbook_lib import GanbookError, data, models, plotting  # noqa: E402


def test_image_grid_tiles_and_rescales():
    images = -np.ones((5, 4, 4, 1), np.float32)
    images[1] = 1.0
    grid = plotting.image_grid(images, ncols=3)
    assert grid.shape == (2 * 5 - 1, 3 * 5 - 1)
    assert grid[0:4, 5:9].min() == 1.0 and grid[0:4, 0:4].max() == 0.0
    assert plotting.image_grid(np.zeros((4, 2, 2, 3))).shape == (5, 5, 3)  # 2 x 2 tiles
    with pytest.raises(GanbookError, match="shape"):
        plotting.image_grid(np.zeros((4, 2, 2)))


@pytest.mark.parametrize("samples", [np.zeros((9, 8, 8, 1)), np.zeros((50, 2)), np.zeros((50, 1))])
def test_save_samples_writes_a_png(tmp_path, samples):
    path = tmp_path / "s.png"
    plotting.save_samples(samples, path, title="t")
    assert path.read_bytes()[:4] == b"\x89PNG"


def test_figures_and_animation():
    import matplotlib.pyplot as plt

    real = data.sample_toy("ring", 200)
    ax = plotting.plot_decision_surface(
        models.mlp_discriminator(2, 8, 1), real, real * 0.5, resolution=20
    )
    assert ax.get_xlabel() == "$x_1$"
    plotting.plot_density_1d(data.sample_toy("bimodal_1d", 500), data.toy_mixture("bimodal_1d"))
    plotting.plot_losses({"g_loss": [1, 0.8], "d_loss": [1.3, 1.2]})
    frames = [(0, real), (10, real * 0.9)]
    anim = plotting.animate(frames, lambda ax, step, s: plotting.plot_samples_2d(s, ax=ax))
    frames_png = re.findall(r'frames\[\d+\] = "data:image/png;base64,([^"]*)"', anim.to_jshtml())
    assert len(frames_png) == 2 and frames_png[0] != frames_png[1]  # both frames, each drawn
    plt.close("all")
    with pytest.raises(GanbookError, match="at least one frame"):
        plotting.animate([], None)
