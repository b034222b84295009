"""Public checks of chapter 6's graded exercises (the hidden ones are in graders/hidden/)."""

from __future__ import annotations

import contextlib
import random

import numpy as np

from . import call, check, expect, student


def _tf():
    import tensorflow as tf

    return tf


@contextlib.contextmanager
def random_state_kept():
    """Build models inside this block without moving the notebook's random state.

    Keras draws the seed of every unseeded initializer from Python's ``random``; a check that
    builds models would otherwise change the weights of every model the chapter builds after
    the check cell."""
    python_state, numpy_state = random.getstate(), np.random.get_state()
    try:
        yield
    finally:
        random.setstate(python_state)
        np.random.set_state(numpy_state)


def seeded_weights(model, seed: int, scale: float = 1.0) -> None:
    """Give ``model`` normal weights of standard deviation ``scale`` from a fixed seed, so a
    check sees the same numbers on every run."""
    rng = np.random.default_rng(seed)
    model.set_weights([scale * rng.normal(size=w.shape).astype(np.float32) for w in model.weights])


# ch06-q1: a conditional MLP generator, [z, label] -> x, with a learned label embedding
# concatenated to z


SIZES = {"latent_dim": 4, "output_dim": 2, "num_classes": 3, "hidden": 16, "depth": 2}


def weight_count(latent_dim, output_dim, num_classes, hidden, depth, embed_dim=8, label="embed"):
    """The number of weights of the conditional MLP generator, from its layers: the label's
    input to the first Dense layer is a learned embedding (``"embed"``), a one-hot code
    (``"one_hot"``) or an embedding of z's size added to z (``"add"``)."""
    first_in = {
        "embed": latent_dim + embed_dim,
        "one_hot": latent_dim + num_classes,
        "add": latent_dim,
    }[label]
    table = {"embed": num_classes * embed_dim, "one_hot": 0, "add": num_classes * latent_dim}
    dense = (
        (first_in + 1) * hidden + (depth - 1) * (hidden + 1) * hidden + (hidden + 1) * output_dim
    )
    return table[label] + dense


# the models the student's function built, by sizes: the checks of one grading share them
_BUILT: dict[tuple, tuple] = {}


def build(ns, **sizes):
    """The student's model for ``sizes`` (default :data:`SIZES`), built without moving the
    notebook's random state, once per function and sizes (the checks that use its weights
    set them all first)."""
    import keras

    fn = student(ns, "conditional_mlp_generator")
    sizes = {**SIZES, **sizes}
    key = tuple(sorted(sizes.items()))
    if any(built_by is not fn for built_by, _ in _BUILT.values()):
        _BUILT.clear()  # a new answer: forget the models of the old one
    if key not in _BUILT:
        with random_state_kept():
            model = call(fn, **sizes)
        expect(
            isinstance(model, keras.Model),
            f"conditional_mlp_generator must return a keras.Model, not a {type(model).__name__}",
        )
        _BUILT[key] = (fn, model)
    return _BUILT[key][1]


@check("ch06-q1")
def generator_takes_z_and_an_integer_label(ns):
    model = build(ns)
    expect(len(model.inputs) == 2, "the model must take two inputs, [z, label], in this order")
    z, label = (tuple(t.shape) for t in model.inputs)
    expect(
        z == (None, SIZES["latent_dim"]),
        f"the first input is z, of shape (None, latent_dim) = (None, 4); got {z}",
    )
    expect(
        label == (None,),
        f"the label input must have shape (None,), one class per sample (not (None, 1) or "
        f"one-hot); got {label}",
    )
    expect(
        "int" in str(model.inputs[1].dtype),
        "the label input must be an integer (dtype int32) that the Embedding can look up, "
        f"not {model.inputs[1].dtype}",
    )


@check("ch06-q1")
def generator_output_has_shape_n_by_output_dim(ns):
    model = build(ns)
    z = np.zeros((6, SIZES["latent_dim"]), np.float32)
    labels = np.arange(6, dtype=np.int32) % SIZES["num_classes"]
    out = call(model, [z, labels], hint="the model must accept [z, labels] of shapes (6, 4), (6,)")
    expect(
        tuple(out.shape) == (6, SIZES["output_dim"]),
        f"for a batch of 6 the output must have shape (6, output_dim) = (6, 2), not "
        f"{tuple(out.shape)}",
    )


@check("ch06-q1")
def generator_has_a_learned_embedding_concatenated_to_z(ns):
    got = build(ns).count_params()
    expected = weight_count(**SIZES)
    if got == expected:
        return
    if got == weight_count(**SIZES, label="one_hot"):
        reason = (
            "the label must go through a learned Embedding(num_classes, embed_dim), "
            "not a fixed one-hot code"
        )
    elif got == weight_count(**SIZES, label="add"):
        reason = "concatenate the label's embedding to z (Concatenate); do not add it to z"
    elif got in (weight_count(**{**SIZES, "depth": d}) for d in (1, 3)):
        reason = "use `depth` hidden Dense layers, then the output layer"
    else:
        reason = (
            "a learned Embedding(num_classes, embed_dim) of the label concatenated to z, then "
            "`depth` Dense(hidden) layers and Dense(output_dim)"
        )
    expect(
        False,
        f"expected {expected} weights for latent 4, output 2, 3 classes, hidden 16, depth 2, "
        f"embed_dim 8, got {got}: {reason}",
    )


@check("ch06-q1")
def generator_output_layer_is_linear(ns):
    model = build(ns)
    seeded_weights(model, seed=1)
    z = 100.0 * np.random.default_rng(2).normal(size=(64, SIZES["latent_dim"])).astype(np.float32)
    labels = np.arange(64, dtype=np.int32) % SIZES["num_classes"]
    out = np.asarray(call(model, [z, labels]))
    expect(
        out.min() < -1.5 and out.max() > 1.5,
        "the last layer must be linear, Dense(output_dim) with no activation (no tanh, "
        "sigmoid or ReLU): the data it must reach are not confined to [-1, 1] or to x >= 0",
    )


# ch06-q2: the real-vs-fake logit d(x) = log sum_k exp l_k(x) of a K-class discriminator


LOGITS = np.random.default_rng(1).normal(size=(5, 10)).astype(np.float32)
SHAPE_MESSAGE = "return one logit per sample, of shape (n,): reduce over the K classes (axis -1)"


def per_sample(value, n: int) -> np.ndarray:
    """The student's logits as a float64 vector of length ``n``, or a failure about the
    shape (which :func:`real_fake_logit_has_one_value_per_sample` explains)."""
    values = np.asarray(value, dtype=np.float64)
    expect(values.size == n, SHAPE_MESSAGE)
    return values.reshape(n)


@check("ch06-q2")
def real_fake_logit_gives_z_over_z_plus_one(ns):
    tf, fn = _tf(), student(ns, "real_fake_logit")
    d = per_sample(call(fn, tf.constant(LOGITS)), len(LOGITS))
    logits = LOGITS.astype(np.float64)
    z = np.exp(logits).sum(axis=1)
    if np.allclose(d, np.log(z), atol=1e-5):
        return
    sigmoid_z = z / (z + 1.0)
    if np.allclose(d, np.log1p(z), atol=1e-5):
        reason = (
            "sum over the K class logits only: the fake logit is not one of them "
            "(log Z, not log(1 + Z))"
        )
    elif np.allclose(d, logits.max(axis=1), atol=1e-5):
        reason = "use all K logits, not only the largest: d(x) = log sum_k exp(l_k)"
    elif np.allclose(d, np.log(z / logits.shape[1]), atol=1e-5):
        reason = "sum the exponentials, do not average them (log mean exp = log Z - log K)"
    elif np.allclose(d, sigmoid_z, atol=1e-5):
        reason = "return the logit d(x), not the probability sigmoid(d(x)) = Z / (Z + 1)"
    elif np.allclose(d, 0.0, atol=1e-5):
        reason = (
            "the inputs are logits, not probabilities: do not take a softmax first (the "
            "softmax probabilities always sum to 1, and log 1 = 0)"
        )
    else:
        reason = "d(x) = log sum_k exp(l_k)"
    expect(False, f"sigmoid(d(x)) must equal Z / (Z + 1), Z = sum_k exp(l_k): {reason}")


@check("ch06-q2")
def real_fake_logit_moves_with_a_common_shift(ns):
    tf, fn = _tf(), student(ns, "real_fake_logit")
    d0 = per_sample(call(fn, tf.constant(LOGITS)), len(LOGITS))
    d3 = per_sample(call(fn, tf.constant(LOGITS + 3.0)), len(LOGITS))
    expect(
        np.allclose(d3 - d0, 3.0, atol=1e-4),
        "adding 3 to all K class logits multiplies Z by e^3, so it must add 3 to d(x); "
        f"yours moved by {np.round(d3 - d0, 3).tolist()}",
    )


@check("ch06-q2")
def real_fake_logit_has_one_value_per_sample(ns):
    tf, fn = _tf(), student(ns, "real_fake_logit")
    shape = tuple(call(fn, tf.constant(LOGITS)).shape)
    expect(shape == (len(LOGITS),), f"{SHAPE_MESSAGE}; for logits (5, 10) it returned {shape}")


@check("ch06-q2")
def real_fake_logit_gradient_is_the_softmax(ns):
    tf, fn = _tf(), student(ns, "real_fake_logit")
    logits = tf.Variable(LOGITS)
    with tf.GradientTape() as tape:
        d = call(fn, logits)
        total = tf.reduce_sum(d) if tf.is_tensor(d) else None
    expect(
        tf.is_tensor(d),
        "d(x) must be computed with TensorFlow operations (it returned a "
        f"{type(d).__name__}), so that the discriminator loss can train the classifier",
    )
    grad = tape.gradient(total, logits)
    expect(
        grad is not None,
        "d(x) must be computed with TensorFlow operations on class_logits, so it has a gradient",
    )
    softmax = np.exp(LOGITS) / np.exp(LOGITS).sum(axis=1, keepdims=True)
    expect(
        np.allclose(grad.numpy(), softmax, atol=1e-5),
        "the gradient of d(x) with respect to l_k must be softmax(l)_k, the class probability",
    )
