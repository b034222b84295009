"""Hidden checks of chapter 8's graded exercises: run by `ganbook grade`, not in the student's
notebook. They use the same helpers as the public checks (ganbook_lib.grading)."""

import math

import numpy as np

from ganbook_lib.grading import check, expect
from ganbook_lib.grading.ch08 import flops_of, one_layer_model, reverse_kl_of

# ch08-q1: the reverse KL divergence of the mode histogram from uniform


@check("ch08-q1", hidden=True)
def reverse_kl_takes_a_list_of_counts(ns):
    from ganbook_lib import metrics

    counts = [3, 0, 9, 1, 7]  # what grid_coverage(...)["counts"] holds: a list
    hint = "counts may be a Python list, as grid_coverage's counts are: convert it with np.asarray"
    value = reverse_kl_of(ns, counts, hint=hint)
    expected = metrics.mode_reverse_kl(counts)
    expect(
        math.isclose(value, expected, rel_tol=1e-9),
        f"for the counts {counts} the value must be {expected:.6f} nats, not {value:.6g}",
    )


@check("ch08-q1", hidden=True)
def reverse_kl_agrees_with_the_library_on_random_histograms(ns):
    from ganbook_lib import metrics

    rng = np.random.default_rng(8)
    histograms = []
    for k in (2, 8, 25):
        counts = rng.integers(0, 50, k)
        counts[rng.choice(k, k // 3, replace=False)] = 0  # some modes get no sample
        counts[rng.integers(k)] += 1  # but not all of them
        histograms += [counts, 7 * counts]
    histograms.append(np.array([10**9, 1, 0, 3 * 10**8]))  # large counts, a tiny share
    for counts in histograms:
        value = reverse_kl_of(ns, counts.copy())
        expected = metrics.mode_reverse_kl(counts)
        expect(
            math.isclose(value, expected, rel_tol=1e-9, abs_tol=1e-12),
            f"for the counts {counts.tolist()} the value must be {expected:.6f} nats, not "
            f"{value:.6g} (only the shares counts / counts.sum() matter)",
        )


# ch08-q2: the FLOPs of one forward pass for one example


@check("ch08-q2", hidden=True)
def other_layers_cost_nothing(ns):
    import keras
    from keras import layers

    x = keras.Input((5,))
    h = layers.LeakyReLU(0.2)(layers.BatchNormalization()(layers.Dense(6, use_bias=False)(x)))
    h = layers.Flatten()(layers.Reshape((2, 3))(h))
    value = flops_of(ns, keras.Model(x, layers.Dense(1)(h)))
    expect(
        value == 2 * (5 * 6 + 6 * 1),
        "count the kernels of Dense and convolution layers only: BatchNorm, activations, "
        f"Reshape and Flatten cost nothing (expected 72 FLOPs, not {value:g})",
    )


@check("ch08-q2", hidden=True)
def non_square_kernels_and_images(ns):
    import keras
    from keras import layers

    x = keras.Input((6, 10, 2))
    h = layers.Conv2D(3, (3, 5), strides=(1, 2))(x)  # 4 x 3 outputs
    value = flops_of(ns, keras.Model(x, layers.Conv2DTranspose(2, (2, 3), strides=(2, 1))(h)))
    expected = 2 * (3 * 5 * 2 * 3) * (4 * 3) + 2 * (2 * 3 * 3 * 2) * (4 * 3)
    expect(
        value == expected,
        "use both sides of the kernel and of the image (kh x kw, height x width): with a 3 x 5 "
        f"kernel on a 6 x 10 image, then a 2 x 3 one, expected {expected} FLOPs, not {value:g}",
    )


@check("ch08-q2", hidden=True)
def agrees_with_the_library_on_the_books_models(ns):
    from keras import layers

    from ganbook_lib import bench, models

    for name, model in (
        ("the book's DCGAN generator of 8 x 8 images", models.dcgan_generator(8, 3, 16, width=8)),
        (
            "the book's class-conditional DCGAN discriminator of 8 x 8 images",
            models.dcgan_discriminator(8, 3, width=8, num_classes=3),
        ),
        ("a 1 x 1 convolution", one_layer_model((3, 3, 5), layers.Conv2D(7, 1))),
    ):
        value = flops_of(ns, model)
        expected = bench.forward_flops(model)
        expect(
            value == expected,
            f"for {name} the count must be {expected:g} FLOPs "
            f"(as ganbook_lib.bench.forward_flops counts), not {value:g}",
        )
