"""Public checks of chapter 1's graded exercises (the hidden ones are in graders/hidden/)."""

from __future__ import annotations

import numpy as np

from . import CheckFailed, call, check, expect, student


def _values(out, n: int, name: str) -> np.ndarray:
    """The student's ``n`` numbers as float64 of shape (n,), whatever array type or trailing
    axis of length 1 they came in; a failure when there are not ``n`` of them."""
    try:
        values = np.asarray(out, dtype=np.float64)
    except (TypeError, ValueError):
        raise CheckFailed(
            f"{name} must return an array of numbers, not a value of type {type(out).__name__}"
        ) from None
    if values.size != n:
        raise CheckFailed(
            f"{name} must return one value per point, {n} here, but returned shape {values.shape}"
        )
    return values.reshape(n)


def _normal(x, mean, std):
    return np.exp(-0.5 * ((x - mean) / std) ** 2) / (std * np.sqrt(2 * np.pi))


# ch01-q1: the density of a 1-D Gaussian mixture, p(x) = sum_k w_k N(x; mu_k, s_k^2)

TABLE_HINT = "every point meets every bump: build an (n, K) table, then sum over k"


@check("ch01-q1")
def mixture_pdf_of_one_gaussian(ns):
    fn = student(ns, "mixture_pdf")
    x = np.array([-1.0, 1.0, 4.0])
    one = np.ones(1)
    got = _values(call(fn, x, one, 2 * one, one), len(x), "mixture_pdf")
    right = _normal(x, 1.0, 2.0)
    if np.allclose(got, right, rtol=1e-9, atol=0):
        return
    as_variance = np.exp(-((x - 1.0) ** 2) / 4.0) / np.sqrt(4.0 * np.pi)
    ratio = got / right
    expect(
        not np.allclose(got, np.log(right), rtol=1e-6),
        "return the density p(x), not its logarithm",
    )
    expect(
        not np.allclose(got, as_variance, rtol=1e-6),
        "stds are standard deviations, not variances: use (x - mu) / s and 1 / (s sqrt(2 pi))",
    )
    expect(
        not (np.all(np.isfinite(ratio)) and np.allclose(ratio, ratio[0], rtol=1e-6)),
        f"your density is {ratio[0]:.4g} times the right one: check the normalising factor "
        "1 / (s sqrt(2 pi)) of each Gaussian",
    )
    raise CheckFailed(
        "a single Gaussian with mean 1 and standard deviation 2 has density "
        f"{right[0]:.4f} at x = -1, but yours gives {got[0]:.4g}"
    )


@check("ch01-q1")
def mixture_pdf_integrates_to_one(ns):
    fn = student(ns, "mixture_pdf")
    x = np.linspace(-12.0, 12.0, 24_001)
    means, stds, weights = np.array([-2.0, 2.0]), np.array([0.5, 1.0]), np.array([0.5, 0.5])
    got = _values(call(fn, x, means, stds, weights, hint=TABLE_HINT), len(x), "mixture_pdf")
    expect(bool(np.all(np.isfinite(got))), "your density is not finite everywhere (nan or inf)")
    mass = float(np.trapezoid(got, x))
    expect(
        abs(mass - 2.0) > 1e-3,
        "the weights are missing: multiply bump k by its weight w_k (yours integrates to 2)",
    )
    expect(
        abs(mass - 1.0) < 1e-6,
        f"a density must integrate to 1, but yours integrates to {mass:.4g}: check the factor "
        "1 / (s sqrt(2 pi)) of each bump and the weights",
    )


@check("ch01-q1")
def mixture_pdf_uses_the_weights(ns):
    fn = student(ns, "mixture_pdf")
    x = np.linspace(-6.0, 0.0, 6_001)
    means, stds, weights = np.array([-2.0, 2.0]), np.array([0.5, 0.5]), np.array([0.8, 0.2])
    got = _values(call(fn, x, means, stds, weights, hint=TABLE_HINT), len(x), "mixture_pdf")
    left = float(np.trapezoid(got, x))
    expect(
        abs(left - 0.8) < 1e-4,
        "with weights 0.8 and 0.2 on bumps at -2 and 2, the mass left of 0 must be 0.8, but "
        f"yours is {left:.3g}: multiply bump k by its weight w_k",
    )


@check("ch01-q1")
def mixture_pdf_returns_float64_of_shape_n(ns):
    fn = student(ns, "mixture_pdf")
    x = np.linspace(-3.0, 3.0, 7, dtype=np.float32)
    means, stds = np.array([-2.0, 0.0, 2.0]), np.array([0.5, 1.0, 0.5])
    out = call(fn, x, means, stds, np.full(3, 1 / 3), hint=TABLE_HINT)
    shape = np.shape(out)
    expect(
        shape != (7, 3),
        "sum the weighted bumps over k: return shape (n,), not the (n, K) table",
    )
    expect(
        isinstance(out, np.ndarray),
        f"return a NumPy array, not a value of type {type(out).__name__}",
    )
    expect(shape == (7,), f"return one density per point, shape (n,), not {shape}")
    expect(
        out.dtype == np.float64,
        f"return float64 (convert x with np.asarray(x, np.float64)), not {out.dtype}",
    )


# ch01-q2: D(x) = sigmoid(logit), evaluated in batches


def first_coordinate(batch, training=False):
    """A stand-in discriminator whose logit is the first coordinate of each point."""
    return np.asarray(batch, dtype=np.float32)[:, :1]


def _sigmoid(logits):
    from scipy.special import expit

    return expit(np.asarray(logits, dtype=np.float64))


@check("ch01-q2")
def probability_is_the_sigmoid_of_each_logit(ns):
    fn = student(ns, "discriminator_probability")
    logits = np.linspace(-3.0, 3.0, 7)
    x = np.stack([logits, np.zeros(7)], axis=1).astype(np.float32)
    got = _values(call(fn, first_coordinate, x), 7, "discriminator_probability")
    right = _sigmoid(logits)
    if np.allclose(got, right, rtol=1e-6, atol=1e-7):
        return
    expect(
        not np.allclose(got, logits, atol=1e-6),
        "you returned the logits: D(x) is the sigmoid of the logit, 1 / (1 + exp(-logit))",
    )
    softmax = np.exp(logits) / np.exp(logits).sum()
    expect(
        not np.allclose(got, softmax, atol=1e-6),
        "apply the sigmoid to each logit on its own, not a softmax over the batch",
    )
    expect(
        not np.allclose(got, 1.0 - right, atol=1e-6),
        "D(x) = 1 / (1 + exp(-logit)) rises with the logit: check the sign",
    )
    raise CheckFailed(
        "D(x) must be the sigmoid of the logit, 1 / (1 + exp(-logit)): at logit 0 it is 0.5, "
        f"but yours gives {got[3]:.4g}"
    )


@check("ch01-q2")
def probability_has_one_value_per_point(ns):
    fn = student(ns, "discriminator_probability")
    out = call(fn, first_coordinate, np.zeros((5, 2), np.float32))
    shape = np.shape(out)
    expect(
        shape != (5, 1),
        "flatten the (m, 1) logits: return shape (m,), one probability per point",
    )
    expect(
        isinstance(out, np.ndarray),
        f"return a NumPy array, not a value of type {type(out).__name__}",
    )
    expect(shape == (5,), f"return one probability per point, shape (m,), not {shape}")
    expect(
        out.dtype == np.float64,
        f"return float64 (convert the logits with .astype(np.float64)), not {out.dtype}",
    )


@check("ch01-q2")
def probability_covers_every_point_in_batches(ns):
    fn = student(ns, "discriminator_probability")
    sizes = []

    def recording(batch, training=False):
        sizes.append(len(batch))
        return first_coordinate(batch)

    x = (np.arange(10, dtype=np.float32) - 5.0)[:, None]
    out = call(fn, recording, x, batch_size=4)
    expect(
        max(sizes, default=0) <= 4,
        "call the discriminator on at most batch_size points at a time: with batch_size=4 "
        f"it was called on {max(sizes, default=0)}",
    )
    got = np.asarray(out, dtype=np.float64).reshape(-1)
    expect(
        got.size == 10,
        "return every point, the last, partial batch too: 10 points with batch_size=4 gave "
        f"{got.size} values",
    )
    expect(
        bool(np.allclose(got, _sigmoid(x[:, 0]), rtol=1e-6, atol=1e-7)),
        "return the probabilities in the order of the points, batch after batch",
    )
