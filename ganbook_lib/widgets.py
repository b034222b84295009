"""Notebook helpers: show the library's own source, sliders over training, a latent explorer.

Widgets need a live kernel; the rendered book shows their embedded state and, next to every
slider, the same frames as a static animation (:func:`ganbook_lib.plotting.animate`).
"""

from __future__ import annotations

import inspect

import numpy as np

from . import GanbookError


def show_source(obj):
    """Display the source code of a library function or class, syntax-highlighted.

    Chapters use this instead of copying code, so the book always shows what actually runs.
    """
    from IPython.display import Code

    try:
        source = inspect.getsource(obj)
    except (TypeError, OSError) as exc:
        raise GanbookError(f"no source available for {obj!r}: {exc}") from exc
    return Code(source, language="python")


def interpolate_latents(z0, z1, steps: int = 8, spherical: bool = True) -> np.ndarray:
    """``steps`` latent vectors from ``z0`` to ``z1``, shape (steps, latent_dim).

    Spherical interpolation (slerp) keeps the norm typical of Gaussian ``z`` (White, 2016);
    linear interpolation passes through low-norm vectors the generator rarely saw.
    """
    z0, z1 = np.asarray(z0, np.float64).ravel(), np.asarray(z1, np.float64).ravel()
    if z0.shape != z1.shape:
        raise GanbookError(f"z0 and z1 differ in shape: {z0.shape} vs {z1.shape}")
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 2:
        raise GanbookError(f"steps must be an integer >= 2, got {steps!r}")
    t = np.linspace(0.0, 1.0, steps)[:, None]
    if not spherical:
        return ((1 - t) * z0 + t * z1).astype(np.float32)
    cos = np.dot(z0, z1) / (np.linalg.norm(z0) * np.linalg.norm(z1))
    omega = np.arccos(np.clip(cos, -1.0, 1.0))
    if omega < 1e-6:
        return ((1 - t) * z0 + t * z1).astype(np.float32)
    out = (np.sin((1 - t) * omega) * z0 + np.sin(t * omega) * z1) / np.sin(omega)
    return out.astype(np.float32)


def snapshot_slider(frames, draw, description: str = "step"):
    """An ipywidgets slider that redraws ``draw(ax, step, samples)`` for the chosen frame.

    ``frames`` is a list of ``(step, samples)``, e.g. ``SampleSnapshots.frames``.
    """
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    if not frames:
        raise GanbookError("snapshot_slider needs at least one frame")
    steps = [step for step, _ in frames]

    def show(index):
        fig, ax = plt.subplots(figsize=(5, 4))
        draw(ax, *frames[index])
        plt.show()

    slider = widgets.IntSlider(
        value=len(frames) - 1, min=0, max=len(frames) - 1, description=description, readout=False
    )
    label = widgets.Label(f"{description} {steps[-1]}")
    slider.observe(
        lambda change: setattr(label, "value", f"{description} {steps[change['new']]}"),
        names="value",
    )
    out = widgets.interactive_output(show, {"index": slider})
    return widgets.VBox([widgets.HBox([slider, label]), out])


def latent_explorer(gan, dims=(0, 1), label: int | None = None, seed: int = 0):
    """Sliders over two latent coordinates of ``gan``; the image updates as you drag."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    from .plotting import show_images

    base = np.random.default_rng(seed).standard_normal((1, gan.latent_dim)).astype(np.float32)
    generator = gan.sampler

    def show(a, b):
        z = base.copy()
        z[0, dims[0]], z[0, dims[1]] = a, b
        inputs = z if gan.num_classes is None else [z, np.array([label or 0], np.int32)]
        image = np.asarray(generator(inputs, training=False))
        fig, ax = plt.subplots(figsize=(2.5, 2.5))
        show_images(image, ax=ax, title=f"z[{dims[0]}]={a:.1f}, z[{dims[1]}]={b:.1f}")
        plt.show()

    sliders = {
        name: widgets.FloatSlider(
            value=float(base[0, d]), min=-3, max=3, step=0.25, description=f"z[{d}]"
        )
        for name, d in zip(("a", "b"), dims)
    }
    return widgets.VBox(
        [widgets.HBox(list(sliders.values())), widgets.interactive_output(show, sliders)]
    )
