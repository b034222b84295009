"""Hidden checks of chapter 6's graded exercises: run by `ganbook grade`, not in the student's
notebook. They use the same helpers as the public checks (ganbook_lib.grading)."""

import math

import numpy as np

from ganbook_lib.grading import call, check, expect, student
from ganbook_lib.grading.ch06 import (
    SIZES,
    build,
    per_sample,
    random_state_kept,
    seeded_weights,
    weight_count,
)

# ch06-q1: the conditional MLP generator


def _numpy_generator(weights, z, labels, hidden_activation, output_activation):
    """The generator's forward pass in NumPy from the library's weights [table, kernel, bias,
    ..., kernel, bias]: z and the label's embedding concatenated, hidden layers, output."""
    table, *dense = weights
    h = np.concatenate([z, table[labels]], axis=1)
    for kernel, bias in zip(dense[0:-2:2], dense[1:-2:2]):
        h = hidden_activation(h @ kernel + bias)
    return output_activation(h @ dense[-2] + dense[-1])


def _in_order_of(shapes, weights):
    """``weights`` rearranged to follow ``shapes``: each shape takes the next unused weight of
    that shape (weights of one shape keep their order), or None when the shapes differ."""
    pool = list(weights)
    out = []
    for shape in shapes:
        i = next((i for i, w in enumerate(pool) if w.shape == shape), None)
        if i is None:
            return None
        out.append(pool.pop(i))
    return out if not pool else None


@check("ch06-q1", hidden=True)
def generator_matches_the_library_with_the_same_weights(ns):
    from ganbook_lib import models

    mine = build(ns)
    with random_state_kept():
        theirs = models.mlp_generator(
            SIZES["latent_dim"],
            SIZES["output_dim"],
            hidden=SIZES["hidden"],
            depth=SIZES["depth"],
            num_classes=SIZES["num_classes"],
        )
    seeded_weights(theirs, seed=3, scale=0.5)
    library = [np.asarray(w) for w in theirs.get_weights()]
    shapes = [tuple(w.shape) for w in mine.weights]
    copied = _in_order_of(shapes, library)
    expect(
        copied is not None,
        "the weights must be those of an Embedding(num_classes, embed_dim) table and of Dense "
        f"layers (kernels and biases); got weights of shapes {shapes}",
    )
    rng = np.random.default_rng(4)
    z = rng.normal(size=(16, SIZES["latent_dim"])).astype(np.float32)
    labels = rng.integers(0, SIZES["num_classes"], 16).astype(np.int32)
    expected = np.asarray(theirs([z, labels]))
    outputs = []
    for kernel_rows in ("z first", "embedding first"):
        if kernel_rows == "embedding first":  # [embedding, z]: the same model, rows permuted
            n = SIZES["latent_dim"]
            i = next(i for i, s in enumerate(shapes) if len(s) == 2 and s[0] == n + 8)
            copied[i] = np.concatenate([copied[i][n:], copied[i][:n]])
        mine.set_weights(copied)
        outputs.append(np.asarray(call(mine, [z, labels])))
        if outputs[-1].shape == expected.shape and np.allclose(outputs[-1], expected, atol=1e-5):
            return
    got = outputs[0]
    relu = lambda x: np.maximum(x, 0.0)
    linear = lambda x: x
    variants = {
        "use ReLU on every hidden layer (Dense(hidden, activation='relu'))": (linear, linear),
        "use ReLU on the hidden layers, not LeakyReLU": (
            lambda x: np.where(x > 0, x, 0.2 * x),
            linear,
        ),
        "the output layer must be linear, with no activation": (relu, np.tanh),
    }
    reason = "z and the label's embedding concatenated, ReLU Dense layers, a linear output"
    for advice, (hidden_activation, output_activation) in variants.items():
        variant = _numpy_generator(library, z, labels, hidden_activation, output_activation)
        if got.shape == variant.shape and np.allclose(got, variant, atol=1e-4):
            reason = advice
            break
    expect(
        False,
        f"with the same weights as the library's conditional MLP generator your model gives "
        f"other samples: {reason}",
    )


@check("ch06-q1", hidden=True)
def generator_follows_every_argument(ns):
    other = {"latent_dim": 8, "output_dim": 3, "num_classes": 10, "hidden": 32, "depth": 3}
    got = build(ns, **other).count_params()
    expect(
        got == weight_count(**other),
        f"follow every argument: for latent 8, output 3, 10 classes, hidden 32, depth 3 expected "
        f"{weight_count(**other)} weights, got {got}",
    )
    small = {"latent_dim": 3, "output_dim": 2, "num_classes": 5, "hidden": 8, "depth": 1}
    got = build(ns, **small, embed_dim=4).count_params()
    if got == weight_count(**small, embed_dim=8):
        expect(False, "the embedding's size must be embed_dim (checked with 4), not always 8")
    expect(
        got == weight_count(**small, embed_dim=4),
        f"follow every argument: for latent 3, 5 classes, hidden 8, depth 1, embed_dim 4 "
        f"expected {weight_count(**small, embed_dim=4)} weights, got {got}",
    )


@check("ch06-q1", hidden=True)
def generator_output_depends_on_the_label(ns):
    model = build(ns)
    seeded_weights(model, seed=5)
    z = np.repeat(np.random.default_rng(6).normal(size=(1, SIZES["latent_dim"])), 3, axis=0)
    out = np.asarray(call(model, [z.astype(np.float32), np.arange(3, dtype=np.int32)]))
    differ = [not np.allclose(out[i], out[j]) for i, j in ((0, 1), (0, 2), (1, 2))]
    expect(
        all(differ),
        "the same z with another label must give another sample: the label's embedding must "
        "reach the Dense layers",
    )


# ch06-q2: the real-vs-fake logit


@check("ch06-q2", hidden=True)
def real_fake_logit_is_exact_for_large_logits(ns):
    import tensorflow as tf

    fn = student(ns, "real_fake_logit")
    logits = np.zeros((3, 10), np.float32)
    logits[0], logits[1], logits[2, 0] = 1000.0, -1000.0, 1000.0
    d = per_sample(call(fn, tf.constant(logits)), 3)
    expect(
        bool(np.all(np.isfinite(d))),
        "logits of 1000 or -1000 must give a finite d(x): exp overflows float32 past 88 and "
        "underflows to 0 below -104, so subtract the largest logit before exp",
    )
    expected = [1000.0 + math.log(10), -1000.0 + math.log(10), 1000.0]
    expect(
        np.allclose(d, expected, atol=1e-3),
        "logits of 1000 in all 10 classes must give d(x) = 1000 + log 10 = 1002.303, and "
        f"-1000 in all of them -1000 + log 10; got {np.round(d[:2], 3).tolist()}",
    )


@check("ch06-q2", hidden=True)
def real_fake_logit_matches_the_library_for_other_shapes(ns):
    from ganbook_lib.chapters import semi_supervised

    fn = student(ns, "real_fake_logit")
    rng = np.random.default_rng(7)
    for shape in ((7, 3), (1, 25), (4, 1)):
        logits = (5.0 * rng.normal(size=shape)).astype(np.float32)  # NumPy, as the chapter
        hint = f"real_fake_logit must accept NumPy logits of shape {shape}"
        d = per_sample(call(fn, logits, hint=hint), shape[0])
        expected = np.asarray(semi_supervised.real_fake_logit(logits), np.float64)
        expect(
            np.allclose(d, expected, rtol=1e-5, atol=1e-5),
            f"for logits of shape {shape} d(x) must be log sum_k exp(l_k) of each row; with a "
            "single class it is that class's logit",
        )
