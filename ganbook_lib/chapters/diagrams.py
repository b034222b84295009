"""Concept diagrams for the book, drawn by code so that they stay true to the library.

Each public function draws one diagram on ``ax`` (a new figure when ``ax`` is None) and returns
the figure. Where a diagram states facts about a model (its inputs, layer shapes, number of
classes), it reads them from the Keras model it is given, so the picture changes when the code
does. :data:`ALT_TEXT` describes every diagram in words, for readers who cannot see it.

- :func:`two_player_loop`         who feeds whom, and which loss updates which player (ch. 1, 3)
- :func:`value_landscape`         the Dirac GAN's value function and its rotating field (ch. 2)
- :func:`alternating_steps`       the order of updates in ``GAN.train_step`` (ch. 3)
- :func:`dcgan_shapes`            the DCGAN generator's tensors, layer by layer (ch. 5)
- :func:`conditional_inputs`      where a conditional GAN's label enters G and D (ch. 6)
- :func:`semi_supervised_outputs` the ``K + 1`` outputs of the semi-supervised classifier (ch. 6)
- :func:`mode_collapse_cartoon`   a collapsed generator next to one that covers every mode (ch. 8)

Colours are the same in every diagram: the generator orange, the discriminator purple, real data
blue (as in :mod:`ganbook_lib.plotting`), noise grey, class labels green.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import keras
import matplotlib.pyplot as plt
import numpy as np
from keras import layers
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle

from .. import GanbookError
from ..checks import positive_int, positive_number
from ..data import gaussian_mixture, toy_mixture
from ..metrics import ring_coverage
from . import dirac

COLORS = {
    "generator": "tab:orange",
    "discriminator": "tab:purple",
    "real": "tab:blue",
    "noise": "0.45",
    "label": "tab:green",
    "neutral": "0.3",
}

ALT_TEXT = {
    "two_player_loop": (
        "Block diagram of one round of the game: noise z goes into the generator G, whose fake "
        "samples go into the discriminator D together with real data x; D's outputs feed the "
        "discriminator loss and the generator loss. Dashed arrows show that the discriminator "
        "loss updates only D, while the generator loss is back-propagated through D but "
        "updates only G."
    ),
    "value_landscape": (
        "Contour map of the Dirac GAN's value V(theta, psi) over the square from -2 to 2, "
        "with hyperbolic contours around a saddle at the origin, marked as the equilibrium. "
        "Arrows of simultaneous gradient descent-ascent circle the origin clockwise instead "
        "of pointing at it."
    ),
    "alternating_steps": (
        "Timeline of one training step: k purple discriminator updates in a row, each fed its "
        "own real minibatch and fresh noise, followed by one orange generator update fed fresh "
        "noise, whose gradient passes through the just-updated discriminator."
    ),
    "dcgan_shapes": (
        "The DCGAN generator as a row of blocks from left to right: the latent vector z, the "
        "Dense layer's long vector, then feature maps that double in side and halve in "
        "channels at each transposed convolution, ending in the output image. Each block is "
        "labelled with its shape, such as 7x7x128, read from the model."
    ),
    "conditional_inputs": (
        "Two rows. Top: the generator takes noise z and a class label; the label passes "
        "through an embedding, is joined to z, and the network produces an image. Bottom: the "
        "discriminator takes an image and the same kind of label; the image's features give a "
        "logit, and the label's embedding, multiplied with the features, is added to it."
    ),
    "semi_supervised_outputs": (
        "The semi-supervised discriminator: an image passes through a small network to K "
        "class logits, one per real class, plus an implicit fake logit fixed at 0, K + 1 "
        "outputs in all. A softmax over them gives the class probabilities, and the "
        "log-sum-exp of the K logits gives the real-versus-fake probability D(x)."
    ),
    "mode_collapse_cartoon": (
        "Two copies of the ring of eight Gaussian modes, drawn as light blue blobs. On the left "
        "the orange generated points sit on only two of the modes (mode collapse); on the right "
        "they sit on all eight. A caption under each ring gives the modes covered."
    ),
}


# ----------------------------------------------------------------------------- drawing kit
@dataclass(frozen=True)
class _Box:
    """A drawn box: centre ``(x, y)``, width ``w`` and height ``h`` in data units."""

    x: float
    y: float
    w: float
    h: float

    def left(self, dy: float = 0.0):
        return (self.x - self.w / 2, self.y + dy)

    def right(self, dy: float = 0.0):
        return (self.x + self.w / 2, self.y + dy)

    def top(self, dx: float = 0.0):
        return (self.x + dx, self.y + self.h / 2)

    def bottom(self, dx: float = 0.0):
        return (self.x + dx, self.y - self.h / 2)


def _canvas(ax, size: tuple[float, float], title: str):
    """A blank axes whose data units are inches of a ``size`` figure (new if ``ax`` is None)."""
    if ax is None:
        _, ax = plt.subplots(figsize=size, layout="constrained")
    ax.set_xlim(0, size[0])
    ax.set_ylim(0, size[1])
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.set_title(title)
    return ax


def _box(ax, x, y, w, h, text, color, fontsize=9, fill=0.15, **text_kw) -> _Box:
    """A rounded box centred at ``(x, y)`` with ``text`` inside, outlined in ``color``."""
    ax.add_patch(
        FancyBboxPatch(
            (x - w / 2, y - h / 2),
            w,
            h,
            boxstyle="round,pad=0,rounding_size=0.08",
            facecolor=_tint(color, fill),
            edgecolor=color,
            linewidth=1.5,
        )
    )
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, **text_kw)
    return _Box(x, y, w, h)


def _tint(color, alpha: float):
    """``color`` mixed with white: ``alpha`` of the colour, the rest white (an opaque RGB)."""
    return tuple(1 - alpha + alpha * c for c in to_rgb(color))


def _arrow(ax, start, end, color=COLORS["neutral"], rad=0.0, dashed=False, lw=1.4, **kw):
    """An arrow from ``start`` to ``end``; ``rad`` bends it (positive: to the left)."""
    style = kw.pop("connectionstyle", f"arc3,rad={rad}")
    ax.add_patch(
        FancyArrowPatch(
            start,
            end,
            arrowstyle="-|>",
            mutation_scale=12,
            connectionstyle=style,
            color=color,
            linewidth=lw,
            linestyle=(0, (4, 2.5)) if dashed else "-",
            shrinkA=1,
            shrinkB=1,
            **kw,
        )
    )


def _shape_text(shape) -> str:
    """``(None, 7, 7, 128)`` -> ``"7×7×128"``: a tensor's shape without its batch axis."""
    return "×".join(str(int(d)) for d in tuple(shape)[1:]) or "scalar"


# ----------------------------------------------------------------------------- chapters 1, 3
def two_player_loop(ax: Axes | None = None) -> Figure:
    """Draw one round of the two-player game and return the figure (chapters 1 and 3).

    Solid arrows are the forward pass: noise ``z`` -> generator ``G`` -> fake samples ``G(z)``;
    real samples ``x`` and fake samples -> discriminator ``D`` -> ``D(x)`` and ``D(G(z))`` ->
    the discriminator loss ``L_D`` (binary cross-entropy, ``-V``) and the non-saturating
    generator loss ``L_G``. Dashed arrows are the updates: ``L_D``'s gradient changes only
    ``D``; ``L_G``'s gradient flows back through ``D`` (whose weights it leaves alone) and
    changes only ``G``, as ``GAN.train_step`` takes each tape's gradient with respect to one
    player's weights.
    """
    ax = _canvas(ax, (8.0, 4.4), "One round of the game: forward pass and the two updates")
    g_color, d_color = COLORS["generator"], COLORS["discriminator"]
    real = _box(ax, 1.0, 3.35, 1.6, 0.75, "real data\n$x \\sim p_{data}$", COLORS["real"], fill=0.2)
    noise = _box(ax, 1.0, 1.2, 1.6, 0.75, "noise\n$z \\sim \\mathcal{N}(0, I)$", COLORS["noise"])
    gen = _box(ax, 2.95, 1.2, 1.25, 0.75, "generator\n$G$", g_color, fill=0.3)
    disc = _box(ax, 4.45, 2.3, 1.35, 0.85, "discriminator\n$D$", d_color, fill=0.3)
    loss_d = _box(
        ax,
        6.85,
        3.35,
        2.1,
        0.8,
        "discriminator loss $L_D$\n$-\\log D(x) - \\log(1 - D(G(z)))$",
        d_color,
        fontsize=8,
        fill=0.08,
    )
    loss_g = _box(
        ax,
        6.85,
        1.2,
        2.1,
        0.8,
        "generator loss $L_G$ (non-saturating)\n$-\\log D(G(z))$",
        g_color,
        fontsize=8,
        fill=0.08,
    )
    # forward pass
    _arrow(ax, noise.right(), gen.left())
    _arrow(ax, real.right(), disc.left(0.2), rad=-0.15)
    _arrow(ax, gen.right(), disc.left(-0.2), rad=0.15)
    ax.text(2.6, 3.1, "real samples $x$", fontsize=8, color=COLORS["real"], ha="center")
    ax.text(3.75, 1.25, "fake samples\n$G(z)$", fontsize=8, color=g_color, ha="left")
    _arrow(ax, disc.right(0.2), loss_d.left(-0.1), rad=0.15)
    _arrow(ax, disc.right(-0.2), loss_g.left(0.1), rad=-0.15)
    ax.text(5.25, 3.05, "$D(x)$, $D(G(z))$", fontsize=8, ha="center")
    ax.text(5.55, 1.8, "$D(G(z))$", fontsize=8, ha="left")
    # updates
    _arrow(ax, loss_d.top(-0.3), disc.top(), color=d_color, dashed=True, rad=0.45)
    ax.text(
        5.85,
        4.1,
        "gradient of $L_D$ updates $D$ only",
        fontsize=8,
        color=d_color,
        ha="center",
    )
    _arrow(
        ax,
        loss_g.bottom(),
        gen.bottom(),
        color=g_color,
        dashed=True,
        connectionstyle="arc,angleA=-90,angleB=-90,armA=22,armB=22,rad=8",
    )
    ax.text(
        4.9,
        0.25,
        "gradient of $L_G$ flows back through $D$ (left unchanged) and updates $G$ only",
        fontsize=8,
        color=g_color,
        ha="center",
        va="center",
        bbox={"facecolor": "white", "edgecolor": "none", "pad": 1},
    )
    return _footnote(ax, 0.2, 0.25, "solid: forward pass\ndashed: updates", va="center")


# ----------------------------------------------------------------------------- chapter 2
def descent_ascent_field(theta, psi) -> tuple[np.ndarray, np.ndarray]:
    """The simultaneous gradient descent-ascent field of the Dirac GAN, elementwise:

    ``(d theta/dt, d psi/dt) = (-dV/dtheta, +dV/dpsi) = (psi * s, -theta * s)``, ``s =
    sigmoid(psi * theta)``, for the value ``V(theta, psi) = log(1/2) - softplus(psi * theta)``
    of :func:`ganbook_lib.chapters.dirac.dirac_value`: the generator descends ``V``, the
    discriminator ascends it. Computed from :func:`~ganbook_lib.chapters.dirac.dirac_gradients`
    with the minimax loss (``L_G = V + log 2``, ``L_D = -V``). The field is zero at the
    equilibrium ``(0, 0)`` and everywhere perpendicular to ``(theta, psi)``: it turns, and
    never points at the equilibrium.
    """
    gradients = np.vectorize(lambda t, p: dirac.dirac_gradients(float(t), float(p), "minimax"))
    g_theta, g_psi = gradients(np.asarray(theta, float), np.asarray(psi, float))
    return -np.asarray(g_theta, float), -np.asarray(g_psi, float)


def value_landscape(ax: Axes | None = None, lim: float = 2.0) -> Figure:
    """Draw the Dirac GAN's value function over ``[-lim, lim]^2`` and return the figure
    (chapter 2).

    Filled contours: ``V(theta, psi)`` (:func:`ganbook_lib.chapters.dirac.dirac_value`), with
    ``theta`` the generator's parameter (``G(z) = theta``) and ``psi`` the discriminator's
    (``D(x) = sigmoid(psi x)``); the data are the single point ``x = 0``. Arrows: the direction
    in which simultaneous gradient descent-ascent moves (:func:`descent_ascent_field`), drawn
    at one length (the field itself vanishes at the equilibrium and grows away from it). Star:
    the equilibrium ``(0, 0)``, a saddle of ``V``.
    """
    lim = positive_number("lim", lim)
    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 4.6), layout="constrained")
    grid = np.linspace(-lim, lim, 201)
    tt, pp = np.meshgrid(grid, grid)
    value = dirac.dirac_value(tt, pp)
    filled = ax.contourf(tt, pp, value, levels=14, cmap="Greys_r", alpha=0.4)
    ax.contour(tt, pp, value, levels=14, colors="0.45", linewidths=0.5)
    ax.figure.colorbar(filled, ax=ax, label=r"value $V(\theta, \psi)$", shrink=0.9)
    coarse = np.linspace(-lim, lim, 13)
    ct, cp = np.meshgrid(coarse, coarse)
    d_theta, d_psi = descent_ascent_field(ct, cp)
    length = np.hypot(d_theta, d_psi)
    unit = np.where(length > 0, 1.0 / np.where(length > 0, length, 1.0), 0.0)  # directions
    ax.quiver(
        ct, cp, d_theta * unit, d_psi * unit, color="tab:red", angles="xy", scale=22,
        width=0.0045, zorder=3,
    )  # fmt: skip
    ax.plot(0, 0, "*", color="black", ms=14, zorder=4)
    ax.annotate(
        "equilibrium (0, 0)",
        (0, 0),
        xytext=(0.35 * lim, -0.22 * lim),
        fontsize=9,
        bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 1.5},
        arrowprops={"arrowstyle": "-", "color": "black", "lw": 0.8},
        zorder=5,
    )
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.set_aspect("equal")
    ax.set_xlabel(r"generator parameter $\theta$  ($G$ descends $V$)")
    ax.set_ylabel(r"discriminator parameter $\psi$  ($D$ ascends $V$)")
    ax.set_title("Dirac GAN: value $V(\\theta, \\psi)$ and\nsimultaneous gradient steps (red)")
    return ax.figure


# ----------------------------------------------------------------------------- chapter 3
def alternating_steps(d_steps: int = 1, ax: Axes | None = None) -> Figure:
    """Draw the timeline of one ``GAN.train_step`` with ``d_steps = k`` and return the figure
    (chapter 3).

    ``k`` discriminator updates, each on its own real minibatch ``x_i`` and fresh noise
    ``z_i``, then one generator update on fresh noise ``z``, whose gradient passes through the
    discriminator as the last update left it (the ``alternating`` order of
    :meth:`ganbook_lib.training.GAN.train_step`; a paired loss such as RpGAN also shows the
    generator step the last real minibatch). For ``k > 5`` the middle steps are elided.
    """
    k = positive_int("d_steps", d_steps)
    shown = list(range(1, k + 1)) if k <= 5 else [1, 2, None, k - 1, k]
    ax = _canvas(ax, (8.0, 3.2), f"One GAN.train_step with d_steps = {k}")
    d_color, g_color = COLORS["discriminator"], COLORS["generator"]
    slots = len(shown) + 1
    pitch = min(1.45, 7.2 / slots)
    left = (8.0 - pitch * slots) / 2 + pitch / 2
    width, y = pitch * 0.78, 1.75
    boxes = []
    for j, i in enumerate(shown):
        x = left + j * pitch
        if i is None:
            ax.text(x, y, "…", fontsize=16, ha="center", va="center")
            ax.text(x, 0.55, f"D steps 3–{k - 2}", fontsize=8, ha="center", va="center")
            boxes.append(_Box(x, y, width * 0.4, 0.0))
            continue
        boxes.append(_box(ax, x, y, width, 0.75, f"D step {i}\nupdate $D$", d_color, fill=0.3))
        _arrow(ax, (x - 0.2 * width, 0.75), (x - 0.2 * width, y - 0.375), color=COLORS["real"])
        _arrow(ax, (x + 0.2 * width, 0.75), (x + 0.2 * width, y - 0.375), color=COLORS["noise"])
        ax.text(x - 0.2 * width, 0.6, f"$x_{{{i}}}$", color=COLORS["real"], ha="center", va="top")
        ax.text(x + 0.2 * width, 0.6, f"$z_{{{i}}}$", color=COLORS["noise"], ha="center", va="top")
    x = left + len(shown) * pitch
    gen = _box(ax, x, y, width, 0.75, "G step\nupdate $G$", g_color, fill=0.3)
    _arrow(ax, (x, 0.75), gen.bottom(), color=COLORS["noise"])
    ax.text(x, 0.6, "fresh $z$", color=COLORS["noise"], ha="center", va="top")
    for a, b in zip(boxes, [*boxes[1:], gen]):
        _arrow(ax, a.right(), b.left())
    ax.text(
        x,
        y + 0.5,
        "its gradient passes\nthrough the updated $D$",
        fontsize=8,
        color=g_color,
        ha="center",
        va="bottom",
    )
    d_span = (boxes[0].left()[0], boxes[-1].right()[0])
    _brace(ax, *d_span, 2.75, f"{k} discriminator update{'s' if k > 1 else ''}", d_color)
    return _footnote(ax, 0.1, 0.15, "blue: a real minibatch    grey: fresh noise")


def _footnote(ax, x, y, text, **kwargs):
    """The key in small grey type at ``(x, y)``; returns the figure, the diagram's last step."""
    ax.text(x, y, text, fontsize=7, color=COLORS["neutral"], **kwargs)
    return ax.figure


def _brace(ax, x0, x1, y, text, color):
    """A bracket from ``x0`` to ``x1`` at height ``y`` with ``text`` above it."""
    ax.plot([x0, x0, x1, x1], [y - 0.1, y, y, y - 0.1], color=color, lw=1.2)
    ax.text((x0 + x1) / 2, y + 0.06, text, color=color, ha="center", va="bottom", fontsize=9)


# ----------------------------------------------------------------------------- chapter 5
_STAGES = (layers.Dense, layers.Reshape, layers.Conv2DTranspose, layers.Conv2D)


def _operation_text(layer, followers) -> str:
    """A short name for a stage of the generator, with the layers applied after it."""
    if isinstance(layer, layers.Conv2DTranspose):
        text = f"ConvT {layer.kernel_size[0]}×{layer.kernel_size[1]}\nstride {layer.strides[0]}"
    elif isinstance(layer, layers.Conv2D):
        text = f"Conv {layer.kernel_size[0]}×{layer.kernel_size[1]}"
    else:
        text = type(layer).__name__
    activation = getattr(layer, "activation", None)
    name = getattr(activation, "__name__", "linear")
    if name != "linear":
        text += f"\n{name}"
    short = {"BatchNormalization": "BN", "ReLU": "ReLU", "LeakyReLU": "LReLU"}
    if followers:
        text += "\n+ " + ", ".join(short.get(type(f).__name__, type(f).__name__) for f in followers)
    return text


def generator_stages(generator: keras.Model) -> list[tuple[str, str, tuple]]:
    """The tensors of a DCGAN-style generator, in order: ``(operation, role, shape)`` with the
    batch axis dropped from ``shape``.

    The first entry is the input of the first ``Dense`` layer (``z``, or ``z`` joined to a label
    embedding); then one entry per ``Dense``, ``Reshape``, ``Conv2DTranspose`` and ``Conv2D``
    layer, in the order of ``generator.layers``, with the operation that made it (and the
    BatchNorm/activation layers applied after it). Shapes are read from the model.
    """
    stages = [i for i, layer in enumerate(generator.layers) if isinstance(layer, _STAGES)]
    if not stages or not isinstance(generator.layers[stages[0]], layers.Dense):
        raise GanbookError(
            "generator must be a DCGAN-style keras.Model (Dense, Reshape, Conv2DTranspose, "
            f"Conv2D layers, as models.dcgan_generator builds), got {generator!r}"
        )
    first = generator.layers[stages[0]]
    entry = first.input
    conditional = len(generator.inputs) > 1
    rows = [("", "[z, embed(label)]" if conditional else "z", tuple(entry.shape)[1:])]
    for n, i in enumerate(stages):
        end = stages[n + 1] if n + 1 < len(stages) else len(generator.layers)
        layer = generator.layers[i]
        followers = [f for f in generator.layers[i + 1 : end] if not isinstance(f, _STAGES)]
        output = generator.layers[end - 1].output if followers else layer.output
        role = ("G(z, y)" if conditional else "G(z)") if n == len(stages) - 1 else ""
        rows.append((_operation_text(layer, followers), role, tuple(output.shape)[1:]))
    return rows


def dcgan_shapes(generator: keras.Model, ax: Axes | None = None) -> Figure:
    """Draw a DCGAN generator tensor by tensor and return the figure (chapter 5).

    Left to right: the latent vector, the ``Dense`` layer's vector, its reshape into a small
    feature map, each stride-2 transposed convolution, and the output image. A feature map is
    drawn as a slab whose face grows with its side and whose depth grows with the logarithm of
    its channels; a vector as a bar whose height grows with the logarithm of its length. Every
    label (operation and shape) is read from ``generator`` (see :func:`generator_stages`).
    """
    rows = generator_stages(generator)
    n = len(rows)
    pitch = min(1.25, 7.8 / n)
    width = pitch * n + 0.2
    ax = _canvas(ax, (width, 3.6), f"{generator.name}: the shape of each tensor")
    sides = [s[0] for _, _, s in rows if len(s) == 3]
    channels = [s[-1] for _, _, s in rows if len(s) == 3]
    lengths = [s[0] for _, _, s in rows if len(s) == 1]
    big_side, big_channels = max(sides, default=1), max(channels, default=1)
    big_length = max(lengths, default=2)
    face_max, depth_max, y = min(1.6, pitch * 0.75), 0.45, 1.75
    centres = []
    for j, (_, role, shape) in enumerate(rows):
        x = 0.1 + pitch * (j + 0.5)
        if len(shape) == 3:
            face = max(0.18, face_max * shape[0] / big_side)
            depth = 0.06 + depth_max * math.log2(shape[-1] + 1) / math.log2(big_channels + 1)
            _slab(ax, x, y, face, depth, COLORS["generator"])
            top = y + face / 2 + depth * 0.5
            bottom = y - face / 2
        else:
            height = 0.3 + 1.3 * math.log2(shape[0] + 1) / math.log2(big_length + 1)
            color = COLORS["noise"] if j == 0 else COLORS["generator"]
            ax.add_patch(
                Rectangle(
                    (x - 0.07, y - height / 2),
                    0.14,
                    height,
                    facecolor=_tint(color, 0.35),
                    edgecolor=color,
                    lw=1.2,
                )
            )
            top, bottom = y + height / 2, y - height / 2
        ax.text(x, 0.45, _shape_text((None, *shape)), ha="center", va="center", fontsize=8)
        if role:
            ax.text(x, top + 0.12, role, ha="center", va="bottom", fontsize=8)
        centres.append((x, bottom))
    for j in range(1, n):
        x0, x1 = centres[j - 1][0], centres[j][0]
        _arrow(ax, (x0 + 0.12, 3.05), (x1 - 0.12, 3.05), lw=1.0)
        ax.text((x0 + x1) / 2, 2.98, rows[j][0], ha="center", va="top", fontsize=7)
    return _footnote(
        ax,
        0.1,
        0.12,
        "shapes without the batch axis;  ConvT: Conv2DTranspose,  BN: BatchNormalization",
    )


def _slab(ax, x, y, face, depth, color):
    """A feature map as a box seen slightly from above: a ``face`` x ``face`` front square
    centred at ``(x, y)``, ``depth`` deep towards the upper right."""
    dx, dy = depth * 0.7, depth * 0.5
    x0, y0 = x - face / 2 - dx / 2, y - face / 2
    front = [(x0, y0), (x0 + face, y0), (x0 + face, y0 + face), (x0, y0 + face)]
    top = [front[3], front[2], (front[2][0] + dx, front[2][1] + dy), (x0 + dx, y0 + face + dy)]
    side = [front[1], (front[1][0] + dx, y0 + dy), top[2], front[2]]
    for poly, shade in ((side, 0.45), (top, 0.3), (front, 0.2)):
        ax.add_patch(plt.Polygon(poly, facecolor=_tint(color, shade), edgecolor=color, lw=1.0))


# ----------------------------------------------------------------------------- chapter 6
def _embedding(model: keras.Model, argument: str):
    """The one Embedding layer of a conditional model (a ValueError naming ``argument``)."""
    found = [layer for layer in model.layers if isinstance(layer, layers.Embedding)]
    if len(found) != 1 or len(model.inputs) != 2:
        names = [t.name for t in model.inputs]
        raise GanbookError(
            f"{argument} must be a conditional model (built with num_classes), with two inputs "
            f"and one Embedding layer; got inputs {names} and {len(found)} Embedding layers"
        )
    return found[0]


def _input(model: keras.Model, name: str):
    return next((t for t in model.inputs if name in t.name), model.inputs[0])


def conditional_inputs(
    generator: keras.Model, discriminator: keras.Model, ax: Axes | None = None
) -> Figure:
    """Draw how a class-conditional GAN takes its label and return the figure (chapter 6).

    Top row, the generator ``G(z, y)``: ``z`` and the label ``y`` pass through an embedding,
    are concatenated and become an image. Bottom row, the projection discriminator ``D(x, y)``
    (Miyato & Koyama, 2018): the image's features ``h`` give a logit, and the inner product of
    the label's embedding with ``h`` is added to it. The number of classes, the embedding sizes
    and every input and output shape are read from the two models (built by the library's
    model functions with ``num_classes``).
    """
    g_embed = _embedding(generator, "generator")
    d_embed = _embedding(discriminator, "discriminator")
    classes = int(g_embed.input_dim)
    if int(d_embed.input_dim) != classes:
        raise GanbookError(
            f"generator and discriminator must know the same number of classes, got "
            f"{classes} and {int(d_embed.input_dim)}"
        )
    g_color, d_color, l_color = COLORS["generator"], COLORS["discriminator"], COLORS["label"]
    ax = _canvas(
        ax, (8.0, 4.6), f"Where the label enters: a conditional GAN with {classes} classes"
    )
    z = _input(generator, "z")
    g_label, d_label = _input(generator, "label"), _input(discriminator, "label")

    def label_text(tensor):
        return f"{tensor.name} $y$\none of {classes} classes"

    # generator row
    zb = _box(
        ax, 0.85, 3.75, 1.3, 0.55, f"noise {z.name}\n{_shape_text(z.shape)}", COLORS["noise"], 8
    )
    yg = _box(ax, 0.85, 2.85, 1.3, 0.55, label_text(g_label), l_color, fontsize=8)
    eg = _box(
        ax, 2.55, 2.85, 1.35, 0.55, f"Embedding\n{classes} → {g_embed.output_dim}", l_color, 8
    )
    concat = next(layer for layer in generator.layers if isinstance(layer, layers.Concatenate))
    cb = _box(
        ax, 4.3, 3.3, 1.4, 0.55, f"concatenate\n{_shape_text(concat.output.shape)}", g_color, 8
    )
    gb = _box(ax, 5.85, 3.3, 1.1, 0.55, "generator\nbody", g_color, fill=0.3)
    out = _box(
        ax,
        7.3,
        3.3,
        1.15,
        0.55,
        f"$G(z, y)$\n{_shape_text(generator.outputs[0].shape)}",
        g_color,
        fontsize=8,
    )
    _arrow(ax, zb.right(), cb.left(0.1), rad=-0.1)
    _arrow(ax, yg.right(), eg.left(), color=l_color)
    _arrow(ax, eg.right(), cb.left(-0.1), color=l_color, rad=0.1)
    _arrow(ax, cb.right(), gb.left())
    _arrow(ax, gb.right(), out.left())
    ax.plot([0.15, 7.85], [2.35, 2.35], color="0.8", lw=0.8)
    # discriminator row
    x = _input(discriminator, "x")
    dot = next(layer for layer in discriminator.layers if isinstance(layer, layers.Dot))
    features = tuple(dot.input[1].shape)
    kind = "image" if len(x.shape) == 4 else "sample"
    xb = _box(
        ax,
        0.85,
        1.75,
        1.3,
        0.55,
        f"{kind} {x.name}\n{_shape_text(x.shape)}",
        COLORS["neutral"],
        8,
    )
    yd = _box(ax, 0.85, 0.6, 1.3, 0.55, label_text(d_label), l_color, fontsize=8)
    db = _box(ax, 2.55, 1.75, 1.35, 0.55, "discriminator\nbody", d_color, fill=0.3)
    hb = _box(ax, 4.3, 1.75, 1.4, 0.55, f"features $h$\n{_shape_text(features)}", d_color, 8)
    ed = _box(ax, 2.55, 0.6, 1.35, 0.55, f"Embedding\n{classes} → {d_embed.output_dim}", l_color, 8)
    add = next(layer for layer in discriminator.layers if isinstance(layer, layers.Add))
    logit = f"Dense\nlogit {_shape_text(add.input[0].shape)}"
    lb = _box(ax, 5.85, 1.75, 1.1, 0.55, logit, d_color, fontsize=8)
    pb = _box(ax, 5.85, 0.6, 1.1, 0.55, r"$\langle$embed, $h\rangle$", l_color, fontsize=8)
    sb = _box(
        ax,
        7.3,
        1.2,
        1.15,
        0.55,
        f"sum: logit of\n$D(x, y)$, {_shape_text(discriminator.outputs[0].shape)}",
        d_color,
        fontsize=8,
    )
    _arrow(ax, xb.right(), db.left())
    _arrow(ax, db.right(), hb.left())
    _arrow(ax, hb.right(), lb.left())
    _arrow(ax, hb.bottom(0.3), pb.left(0.1), rad=0.25)
    _arrow(ax, yd.right(), ed.left(), color=l_color)
    _arrow(ax, ed.right(), pb.left(-0.1), color=l_color)
    _arrow(ax, lb.right(), sb.left(0.12), rad=-0.15)
    _arrow(ax, pb.right(), sb.left(-0.12), rad=0.15)
    ax.text(0.15, 4.3, "generator", fontsize=9, color=g_color, weight="bold")
    ax.text(0.15, 2.15, "discriminator (projection)", fontsize=9, color=d_color, weight="bold")
    return ax.figure


def semi_supervised_outputs(discriminator: keras.Model, ax: Axes | None = None) -> Figure:
    """Draw the semi-supervised discriminator's ``K + 1`` outputs and return the figure
    (chapter 6).

    ``discriminator`` is the classifier ``x -> [logits, features]`` of
    :func:`ganbook_lib.chapters.semi_supervised.ssgan_classifier`. Its ``K`` class logits (``K``
    read from the model's first output) and an implicit "fake" logit fixed at 0 make ``K + 1``
    outputs: ``softmax`` over them gives ``p(class k | x)``, and ``D(x) = sigmoid(logsumexp_k
    l_k)`` is the probability of "real" (:func:`~ganbook_lib.chapters.semi_supervised.
    real_fake_logit`). The hidden widths and the feature size are read from the model too.
    """
    if not isinstance(discriminator, keras.Model) or not discriminator.outputs:
        raise GanbookError(
            f"discriminator must be a functional keras.Model such as "
            f"semi_supervised.ssgan_classifier(), got {discriminator!r}"
        )
    logits = discriminator.outputs[0]
    k = int(logits.shape[-1])
    hidden = [
        int(layer.units)
        for layer in discriminator.layers
        if isinstance(layer, layers.Dense) and layer.output is not logits
    ]
    d_color, g_color = COLORS["discriminator"], COLORS["generator"]
    ax = _canvas(ax, (8.0, 4.0), f"Semi-supervised discriminator: K = {k} classes + fake")
    x = _box(
        ax,
        0.8,
        2.2,
        1.25,
        0.7,
        f"image $x$\n{_shape_text(discriminator.inputs[0].shape)}",
        COLORS["real"],
    )
    body_text = "Dense " + " → ".join(map(str, hidden)) if hidden else "network"
    body = _box(ax, 2.7, 2.2, 2.0, 0.7, f"classifier\n{body_text}", d_color, fontsize=8, fill=0.3)
    _arrow(ax, x.right(), body.left())
    # the K + 1 logits, as a column of cells
    cells = list(range(1, k + 1)) if k <= 10 else [1, 2, 3, None, k - 1, k]
    cell_h = min(0.3, 3.0 / (len(cells) + 1))
    column_x, top = 4.55, 2.2 + cell_h * (len(cells) + 1) / 2
    for j, c in enumerate([*cells, "fake"]):
        cy = top - cell_h * (j + 0.5)
        color = COLORS["neutral"] if c == "fake" else d_color
        ax.add_patch(
            Rectangle(
                (column_x - 0.35, cy - cell_h / 2),
                0.7,
                cell_h,
                facecolor=_tint(color, 0.12 if c == "fake" else 0.25),
                edgecolor=color,
                lw=1.0,
                ls="--" if c == "fake" else "-",
            )
        )
        text = "⋮" if c is None else ("fake: 0" if c == "fake" else f"$l_{{{c}}}$")
        ax.text(column_x, cy, text, ha="center", va="center", fontsize=7)
    bottom = top - cell_h * (len(cells) + 1)
    ax.text(column_x, bottom - 0.08, f"{k} classes + fake", ha="center", va="top", fontsize=8)
    _arrow(ax, body.right(), (column_x - 0.4, 2.2))
    ax.text(column_x, top + 0.08, f"K + 1 = {k + 1} logits", ha="center", va="bottom", fontsize=8)
    right = column_x + 0.45
    cls = _box(
        ax,
        6.65,
        2.95,
        2.6,
        0.75,
        "which class? softmax of $l_1, \\dots, l_K$:\n"
        "$p(k \\mid x, \\mathrm{real})$ (labelled loss)",
        d_color,
        fontsize=8,
        fill=0.08,
    )
    real = _box(
        ax,
        6.65,
        1.55,
        2.6,
        0.75,
        "real or fake? $D(x) = \\sigma(\\log \\sum_k e^{l_k})$\n"
        "$= 1 - p(\\mathrm{fake} \\mid x)$ (unlabelled loss)",
        d_color,
        fontsize=8,
        fill=0.08,
    )
    _arrow(ax, (right, 2.35), cls.left(), rad=-0.1)
    _arrow(ax, (right, 2.05), real.left(), rad=0.1)
    features = int(discriminator.outputs[1].shape[-1]) if len(discriminator.outputs) > 1 else None
    if features is not None:
        feat = _box(
            ax,
            2.7,
            0.75,
            2.0,
            0.6,
            f"features ({features})\n→ $G$'s feature matching",
            g_color,
            fontsize=8,
            fill=0.08,
        )
        _arrow(ax, body.bottom(), feat.top(), color=g_color)
    return ax.figure


# ----------------------------------------------------------------------------- chapter 8
def mode_collapse_cartoon(
    ax: Axes | None = None, covered: tuple[int, ...] = (0, 1), seed: int = 0
) -> Figure:
    """Draw a collapsed generator next to one that covers every mode; return the figure
    (chapter 8).

    Both halves show chapter 3's ring of eight Gaussians (``data.toy_mixture("ring")``): a light
    blue disk at each of its means (its standard deviation, 0.01, would be too small to see).
    The orange points are drawn, not generated by a trained model: on the left around the
    modes listed in ``covered`` only, on the right around all of them, with four times the
    data's spread. The caption under each half is the library's
    :func:`ganbook_lib.metrics.ring_coverage` of its orange points.
    """
    ring = toy_mixture("ring")
    k = len(ring.means)
    covered = sorted({positive_int("covered", c, 0) for c in covered})
    if not covered or covered[-1] >= k:
        raise GanbookError(f"covered must be a non-empty list of mode indices < {k}, got {covered}")
    ax = _canvas(ax, (8.0, 4.2), "Mode collapse: the same data, two generators")
    means, spread = ring.means, 4 * float(ring.stds[0])
    halves = (
        ("collapsed generator", gaussian_mixture(means[covered], spread)),
        ("generator covering every mode", gaussian_mixture(means, spread)),
    )
    for j, (name, fake_mixture) in enumerate(halves):
        cx, cy, scale = 2.0 + 4.0 * j, 2.05, 1.35
        fake = fake_mixture.sample(400, seed + j)
        ax.add_patch(plt.Circle((cx, cy), scale, fill=False, color="0.8", lw=0.8, ls=":"))
        ax.scatter(
            cx + scale * means[:, 0],
            cy + scale * means[:, 1],
            s=650,
            color=_tint(COLORS["real"], 0.3),
            edgecolors=COLORS["real"],
            linewidths=0.8,
        )
        ax.scatter(
            cx + scale * fake[:, 0],
            cy + scale * fake[:, 1],
            s=8,
            color=COLORS["generator"],
            alpha=0.6,
            linewidths=0,
        )
        score = ring_coverage(fake)
        ax.text(cx, 3.75, name, ha="center", fontsize=10)
        ax.text(
            cx,
            0.3,
            f"covers {score['modes']} of {k} modes",
            ha="center",
            fontsize=9,
            color=COLORS["generator"],
        )
    ax.plot([4.0, 4.0], [0.3, 3.7], color="0.8", lw=0.8)
    return _footnote(
        ax, 0.1, 0.05, f"blue: the {k} modes of $p_{{data}}$    orange: generated samples"
    )


DIAGRAMS = (
    two_player_loop,
    value_landscape,
    alternating_steps,
    dcgan_shapes,
    conditional_inputs,
    semi_supervised_outputs,
    mode_collapse_cartoon,
)

__all__ = [
    "ALT_TEXT",
    "COLORS",
    "DIAGRAMS",
    "alternating_steps",
    "conditional_inputs",
    "dcgan_shapes",
    "descent_ascent_field",
    "generator_stages",
    "mode_collapse_cartoon",
    "semi_supervised_outputs",
    "two_player_loop",
    "value_landscape",
]
