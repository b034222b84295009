"""Hidden checks of chapter 5's graded exercises: run by `ganbook grade`, not in the student's
notebook. They use the same helpers as the public checks (ganbook_lib.grading)."""

import numpy as np

from ganbook_lib.grading import call, check, expect, student


@check("ch05-q1", hidden=True)
def real_image_loss_is_exact_far_out(ns):
    import tensorflow as tf

    fn = student(ns, "real_image_loss")
    logits = tf.Variable([[-1e4], [100.0]])
    with tf.GradientTape() as tape:
        value = call(fn, logits)
    grad = tape.gradient(value, logits) if tf.is_tensor(value) else None
    values = np.ravel(np.asarray(value, dtype=np.float64))
    grads = np.ravel(grad.numpy()) if grad is not None else np.full(2, np.nan)
    expect(
        values.size == 2
        and abs(values[0] - 1e4) < 1.0
        and 0.0 <= values[1] < 1e-6
        and abs(grads[0] + 1.0) < 1e-5
        and abs(grads[1]) < 1e-6,
        "at logit -10000 the loss must be 10000 with gradient -1, at logit 100 both about 0: "
        "never infinite, never clipped",
    )


@check("ch05-q1", hidden=True)
def real_image_loss_agrees_with_the_library(ns):
    import tensorflow as tf

    from ganbook_lib import losses

    fn = student(ns, "real_image_loss")
    rng = np.random.default_rng(5)
    for n in (7, 33):
        logits = tf.constant(rng.normal(0.0, 20.0, (n, 1)), tf.float32)
        values = np.ravel(np.asarray(call(fn, logits), dtype=np.float64))
        exact = np.logaddexp(0.0, -np.ravel(logits.numpy()).astype(np.float64))
        library = float(losses.nonsaturating_generator_loss(logits))
        expect(
            values.size == n
            and np.allclose(values, exact, rtol=1e-5, atol=1e-6)
            and abs(values.mean() - library) <= 1e-5 * max(1.0, abs(library)),
            f"on {n} random logits of spread 20 your losses must be softplus(-logit), image by "
            "image, and average to losses.nonsaturating_generator_loss(logits)",
        )


def _real_distance(fn, *args) -> float:
    value = call(fn, *(np.asarray(a, dtype=np.float64) for a in args))
    expect(
        np.ndim(value) == 0 and not np.iscomplexobj(value),
        "return a real number: a matrix square root of a singular product can come back complex "
        "(scipy's sqrtm); take its real part",
    )
    return float(value)


def _random_covariance(rng, d, rank):
    a = rng.normal(size=(d, rank))
    return a @ a.T


def _commuting_shortcut(mu1, s1, mu2, s2):
    """The distance with Tr(s1^(1/2) s2^(1/2)) in place of Tr((s1 s2)^(1/2))."""

    def root(s):
        w, v = np.linalg.eigh(s)
        return (v * np.sqrt(np.clip(w, 0, None))) @ v.T

    cross = np.trace(root(s1) @ root(s2))
    return float(np.sum((mu1 - mu2) ** 2) + np.trace(s1) + np.trace(s2) - 2 * cross)


@check("ch05-q2", hidden=True)
def frechet_distance_agrees_with_the_library(ns):
    from ganbook_lib import metrics

    fn = student(ns, "frechet_distance")
    rng = np.random.default_rng(5)
    for d, rank in ((5, 5), (5, 2), (1, 1), (7, 7)):
        s1, s2 = _random_covariance(rng, d, rank), _random_covariance(rng, d, d)
        mu1, mu2 = rng.normal(size=d), rng.normal(size=d)
        value = _real_distance(fn, mu1, s1, mu2, s2)
        expected = metrics.frechet_distance(mu1, s1, mu2, s2)
        if d > 1:
            shortcut = _commuting_shortcut(mu1, s1, mu2, s2)
            expect(
                abs(value - shortcut) > 1e-6 * max(1.0, abs(shortcut)),
                "Tr((sigma1 sigma2)^(1/2)) is not Tr(sigma1^(1/2) sigma2^(1/2)) unless the "
                "matrices commute: take the square root of the product",
            )
        expect(
            abs(value - expected) <= 1e-6 * abs(expected) + 1e-5,
            f"on random {d}x{d} covariances (rank {rank}) your distance is {value:.6g}, "
            f"metrics.frechet_distance gives {expected:.6g}",
        )


@check("ch05-q2", hidden=True)
def frechet_distance_handles_singular_covariances(ns):
    fn = student(ns, "frechet_distance")
    rng = np.random.default_rng(0)
    features = rng.normal(size=(40, 10)) @ rng.normal(size=(10, 40))  # 40 features of rank 10
    mu, s = features.mean(0), np.cov(features, rowvar=False)
    for m, c in ((mu, s), (np.zeros(2), np.ones((2, 2)))):
        value = _real_distance(fn, m, c, m, c)
        expect(
            np.isfinite(value),
            f"singular covariances must work: got {value} for a Gaussian against itself",
        )
        expect(
            value >= -1e-3,
            f"a Gaussian with a singular covariance must be at distance 0 from itself, not "
            f"{value:.4g}",
        )
        expect(
            value >= 0.0,
            f"got {value:.3g} for a Gaussian against itself: round-off pushed the result below "
            "0; a distance is never negative, so return 0 then",
        )
        expect(
            value < 1e-3,
            f"a Gaussian with a singular covariance must be at distance 0 from itself, not "
            f"{value:.4g}",
        )


@check("ch05-q2", hidden=True)
def frechet_distance_is_symmetric(ns):
    fn = student(ns, "frechet_distance")
    rng = np.random.default_rng(3)
    s1, s2 = _random_covariance(rng, 3, 3), _random_covariance(rng, 3, 3)
    mu1, mu2 = rng.normal(size=3), rng.normal(size=3)
    there, back = _real_distance(fn, mu1, s1, mu2, s2), _real_distance(fn, mu2, s2, mu1, s1)
    expect(
        abs(there - back) <= 1e-9 * max(1.0, abs(there)),
        f"the distance must be symmetric: {there:.9g} one way, {back:.9g} the other",
    )
