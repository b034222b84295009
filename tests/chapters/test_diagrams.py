"""The book's concept diagrams: they draw, they read their facts from the models they are
given, and the Dirac GAN's field is the one the mathematics gives."""

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from keras import layers  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from ganbook_lib import GanbookError, models  # noqa: E402
from ganbook_lib.chapters import diagrams, dirac, semi_supervised  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def texts(fig) -> list[str]:
    """Every string drawn on the figure: axes texts, annotations and titles."""
    found = [t.get_text() for ax in fig.axes for t in ax.texts]
    found += [ax.get_title() for ax in fig.axes]
    return found


def joined(fig) -> str:
    return "\n".join(texts(fig))


def tiny_classifier(num_classes):
    return semi_supervised.ssgan_classifier((8, 8, 1), num_classes, hidden=(16, 8))


def conditional_pair(num_classes):
    return (
        models.dcgan_generator(8, 1, latent_dim=8, width=8, num_classes=num_classes),
        models.dcgan_discriminator(8, 1, width=8, num_classes=num_classes),
    )


BUILDERS = {
    "two_player_loop": lambda ax: diagrams.two_player_loop(ax=ax),
    "value_landscape": lambda ax: diagrams.value_landscape(ax=ax),
    "alternating_steps": lambda ax: diagrams.alternating_steps(2, ax=ax),
    "dcgan_shapes": lambda ax: diagrams.dcgan_shapes(models.dcgan_generator(8, 1, 8, 8), ax=ax),
    "conditional_inputs": lambda ax: diagrams.conditional_inputs(*conditional_pair(10), ax=ax),
    "semi_supervised_outputs": lambda ax: diagrams.semi_supervised_outputs(
        tiny_classifier(10), ax=ax
    ),
    "mode_collapse_cartoon": lambda ax: diagrams.mode_collapse_cartoon(ax=ax),
}


def test_every_diagram_has_a_builder_here_and_alt_text():
    names = {f.__name__ for f in diagrams.DIAGRAMS}
    assert names == set(BUILDERS) == set(diagrams.ALT_TEXT)
    assert names <= set(diagrams.__all__)
    for name, alt in diagrams.ALT_TEXT.items():
        assert isinstance(alt, str) and len(alt.split()) >= 10, name
    for function in diagrams.DIAGRAMS:
        assert "chapter" in function.__doc__, function.__name__


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_each_diagram_returns_a_figure_with_drawn_artists(name):
    fig = BUILDERS[name](None)
    assert isinstance(fig, Figure)
    assert fig.axes
    ax = fig.axes[0]
    assert ax.get_title()
    assert len(ax.patches) + len(ax.collections) + len(ax.lines) > 0
    fig.canvas.draw()  # lays out without error


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_each_diagram_draws_on_the_axes_it_is_given(name):
    fig, ax = plt.subplots(figsize=(8, 4))
    assert BUILDERS[name](ax) is fig
    assert ax.get_title() and len(ax.patches) + len(ax.collections) > 0


# ----------------------------------------------------------------------------- DCGAN shapes
def shape_text(shape):
    return "×".join(str(int(d)) for d in shape[1:])


@pytest.mark.parametrize("args", [(28, 1, 64, 32), (8, 1, 8, 8)])
def test_dcgan_shapes_labels_are_the_model_layer_shapes(args):
    generator = models.dcgan_generator(*args)
    stages = (layers.Dense, layers.Reshape, layers.Conv2DTranspose, layers.Conv2D)
    expected = [shape_text(generator.inputs[0].shape)]
    expected += [
        shape_text(layer.output.shape) for layer in generator.layers if isinstance(layer, stages)
    ]
    drawn = texts(diagrams.dcgan_shapes(generator))
    for label in expected:
        assert label in drawn, (label, drawn)
    assert shape_text(generator.outputs[0].shape) in drawn  # the image itself
    # the operations come from the layers too: one transposed convolution per doubling
    n_up = sum(isinstance(layer, layers.Conv2DTranspose) for layer in generator.layers)
    assert sum(t.startswith("ConvT 4×4") for t in drawn) == n_up


def test_dcgan_shapes_differ_between_models():
    big = texts(diagrams.dcgan_shapes(models.dcgan_generator(28, 1, 64, 32)))
    small = texts(diagrams.dcgan_shapes(models.dcgan_generator(8, 1, 8, 8)))
    assert "7×7×128" in big and "14×14×64" in big and "28×28×1" in big
    assert "7×7×128" not in small and "4×4×16" in small and "8×8×1" in small


def test_generator_stages_of_a_conditional_generator_start_from_the_concatenation():
    generator = models.dcgan_generator(8, 1, latent_dim=8, width=8, num_classes=10)
    rows = diagrams.generator_stages(generator)
    assert rows[0] == ("", "[z, embed(label)]", (8 + 32,))  # z joined to a 32-d embedding
    assert rows[-1][1] == "G(z, y)" and rows[-1][2] == (8, 8, 1)


def test_dcgan_shapes_rejects_a_model_without_a_dense_projection():
    with pytest.raises(GanbookError, match="generator must be a DCGAN-style"):
        diagrams.dcgan_shapes(models.dcgan_discriminator(8, 1, 8))


# ----------------------------------------------------------------------------- chapter 6
@pytest.mark.parametrize("num_classes", [10, 3])
def test_conditional_inputs_show_the_class_count_of_the_models(num_classes):
    generator, discriminator = conditional_pair(num_classes)
    text = joined(diagrams.conditional_inputs(generator, discriminator))
    assert f"one of {num_classes} classes" in text
    assert f"conditional GAN with {num_classes} classes" in text
    assert f"{num_classes} → 32" in text  # the generator's embedding, 10 -> 32 in the library
    flat = next(layer for layer in discriminator.layers if isinstance(layer, layers.Flatten))
    assert f"{num_classes} → {flat.output.shape[-1]}" in text  # D's embedding matches features
    assert shape_text(generator.outputs[0].shape) in text
    assert shape_text(discriminator.inputs[0].shape) in text


def test_conditional_inputs_work_for_the_toy_models():
    fig = diagrams.conditional_inputs(
        models.mlp_generator(2, 2, hidden=8, depth=1, num_classes=3),
        models.mlp_discriminator(2, hidden=8, depth=1, num_classes=3),
    )
    text = joined(fig)
    assert "one of 3 classes" in text and "3 → 8" in text and "sample x" in text


def test_conditional_inputs_reject_unconditional_or_mismatched_models():
    with pytest.raises(GanbookError, match="generator must be a conditional model"):
        diagrams.conditional_inputs(models.dcgan_generator(8, 1, 8, 8), conditional_pair(10)[1])
    with pytest.raises(GanbookError, match="same number of classes"):
        diagrams.conditional_inputs(conditional_pair(10)[0], conditional_pair(3)[1])


@pytest.mark.parametrize("num_classes", [10, 3])
def test_semi_supervised_outputs_show_k_plus_one_from_the_model(num_classes):
    classifier = tiny_classifier(num_classes)
    text = joined(diagrams.semi_supervised_outputs(classifier))
    assert f"K = {num_classes} classes + fake" in text
    assert f"K + 1 = {num_classes + 1} logits" in text
    assert f"{num_classes} classes + fake" in text
    assert "Dense 16 → 8" in text and "features (8)" in text  # hidden widths from the model
    logit_cells = [
        t for t in texts(diagrams.semi_supervised_outputs(classifier)) if t.startswith("$l_{")
    ]
    assert len(logit_cells) == num_classes


# ----------------------------------------------------------------------------- Dirac GAN
def test_descent_ascent_field_vanishes_at_the_equilibrium():
    d_theta, d_psi = diagrams.descent_ascent_field(0.0, 0.0)
    assert float(d_theta) == 0.0 and float(d_psi) == 0.0


def test_descent_ascent_field_turns_around_the_equilibrium():
    # at (1, 0): d theta/dt = psi * s = 0, d psi/dt = -theta * s = -sigmoid(0) = -1/2
    d_theta, d_psi = diagrams.descent_ascent_field(1.0, 0.0)
    assert float(d_theta) == pytest.approx(0.0) and float(d_psi) == pytest.approx(-0.5)
    # at (0, 1) it points along +theta: the rotation is clockwise in the (theta, psi) plane
    d_theta, d_psi = diagrams.descent_ascent_field(0.0, 1.0)
    assert float(d_theta) == pytest.approx(0.5) and float(d_psi) == pytest.approx(0.0)
    # everywhere perpendicular to the radius: it never points at the equilibrium
    grid = np.linspace(-2, 2, 9)
    tt, pp = np.meshgrid(grid, grid)
    d_theta, d_psi = diagrams.descent_ascent_field(tt, pp)
    assert d_theta.shape == tt.shape
    np.testing.assert_allclose(tt * d_theta + pp * d_psi, 0.0, atol=1e-12)


@pytest.mark.parametrize("point", [(0.7, -1.3), (-1.5, 0.4), (1.2, 1.9)])
def test_descent_ascent_field_is_descent_in_theta_and_ascent_in_psi_of_v(point):
    theta, psi, h = *point, 1e-6
    dv_dtheta = (dirac.dirac_value(theta + h, psi) - dirac.dirac_value(theta - h, psi)) / (2 * h)
    dv_dpsi = (dirac.dirac_value(theta, psi + h) - dirac.dirac_value(theta, psi - h)) / (2 * h)
    d_theta, d_psi = diagrams.descent_ascent_field(theta, psi)
    assert float(d_theta) == pytest.approx(-float(dv_dtheta), abs=1e-6)
    assert float(d_psi) == pytest.approx(float(dv_dpsi), abs=1e-6)
    s = 1 / (1 + math.exp(-theta * psi))
    assert float(d_theta) == pytest.approx(psi * s) and float(d_psi) == pytest.approx(-theta * s)


def test_value_landscape_marks_the_equilibrium_and_labels_the_players():
    fig = diagrams.value_landscape()
    ax = fig.axes[0]
    assert "theta" in ax.get_xlabel() and "psi" in ax.get_ylabel()
    star = [line for line in ax.lines if line.get_marker() == "*"]
    assert len(star) == 1 and tuple(star[0].get_xydata()[0]) == (0.0, 0.0)
    with pytest.raises(GanbookError, match="lim"):
        diagrams.value_landscape(lim=0)


# ----------------------------------------------------------------------------- chapters 3, 8
@pytest.mark.parametrize("k", [1, 3, 8])
def test_alternating_steps_draws_k_discriminator_steps_then_one_generator_step(k):
    drawn = texts(diagrams.alternating_steps(k))
    d_boxes = [t for t in drawn if t.startswith("D step ") and "update" in t]
    assert len(d_boxes) == min(k, 4 if k > 5 else k)
    assert sum(t.startswith("G step") for t in drawn) == 1
    assert f"d_steps = {k}" in "\n".join(drawn)
    assert f"D step {k}\nupdate $D$" in drawn
    if k > 5:
        assert f"D steps 3–{k - 2}" in drawn
    with pytest.raises(GanbookError, match="d_steps"):
        diagrams.alternating_steps(0)


def test_mode_collapse_cartoon_captions_are_the_library_coverage():
    text = joined(diagrams.mode_collapse_cartoon())
    assert "covers 2 of 8 modes" in text and "covers 8 of 8 modes" in text
    assert "covers 1 of 8 modes" in joined(diagrams.mode_collapse_cartoon(covered=[5]))
    with pytest.raises(GanbookError, match="covered"):
        diagrams.mode_collapse_cartoon(covered=[8])
