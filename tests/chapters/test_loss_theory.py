"""Chapter 4's mathematics checked against closed forms and independent implementations."""

import math

import numpy as np
import pytest
import tensorflow as tf
from scipy.spatial.distance import jensenshannon

from ganbook_lib import GanbookError, losses
from ganbook_lib.chapters import loss_theory

X = np.linspace(-12.0, 12.0, 6001)


def normal(mean, std):
    return loss_theory.gaussian_pdf(X, mean, std)


def test_integrate_and_gaussian_pdf_have_unit_mass():
    assert loss_theory.integrate(normal(1.0, 0.7), X) == pytest.approx(1.0, abs=1e-9)
    assert loss_theory.integrate(X * normal(1.0, 0.7), X) == pytest.approx(1.0, abs=1e-9)


def test_optimal_discriminator_pointwise():
    d = loss_theory.optimal_discriminator([1.0, 3.0, 2.0, 0.0, 5.0], [3.0, 1.0, 2.0, 0.0, 0.0])
    np.testing.assert_allclose(d, [0.25, 0.75, 0.5, 0.5, 1.0])


def test_optimal_discriminator_of_two_gaussians_is_a_logistic():
    # p_data = N(0, 1), p_g = N(2, 1): log(p_data / p_g) = 2 - 2x, so D*(x) = sigmoid(2 - 2x)
    d = loss_theory.optimal_discriminator(normal(0, 1), normal(2, 1))
    inside = np.abs(X) < 6
    np.testing.assert_allclose(d[inside], 1 / (1 + np.exp(-(2 - 2 * X[inside]))), rtol=1e-9)


def test_value_function_at_one_half_is_minus_log_four():
    p = normal(0, 1)
    assert loss_theory.value_function(np.full_like(X, 0.5), p, p, X) == pytest.approx(-math.log(4))
    # for any two densities, not only for p_g = p_data
    v = loss_theory.value_function(np.full_like(X, 0.5), p, normal(3, 0.5), X)
    assert v == pytest.approx(-math.log(4), abs=1e-9)


def test_value_at_optimal_discriminator_is_minus_log_four_plus_two_jsd():
    # equal widths keep D* away from exactly 0 or 1 in float64 across the grid
    p_data, p_g = normal(0, 1), normal(1.5, 1)
    d_star = loss_theory.optimal_discriminator(p_data, p_g)
    jsd = loss_theory.js_divergence(p_data, p_g, X)
    assert 0.1 < jsd < math.log(2)
    v_star = loss_theory.value_function(d_star, p_data, p_g, X)
    assert v_star == pytest.approx(-math.log(4) + 2 * jsd, abs=1e-9)
    # D* maximises V: any other discriminator scores lower
    for other in (np.clip(d_star + 0.05, 0, 1), np.full_like(X, 0.5), d_star**2):
        assert loss_theory.value_function(other, p_data, p_g, X) < v_star - 1e-4


def test_value_function_is_minus_infinity_for_a_confident_wrong_discriminator():
    p = normal(0, 1)
    assert loss_theory.value_function(np.zeros_like(X), p, p, X) == -math.inf


def test_kl_divergence_of_gaussians_matches_closed_form():
    # KL(N(0,1) || N(1,4)) = log(2) + (1 + 1) / (2 * 4) - 1/2
    expected = math.log(2) + 2 / 8 - 0.5
    assert loss_theory.kl_divergence(normal(0, 1), normal(1, 2), X) == pytest.approx(
        expected, abs=1e-6
    )
    assert loss_theory.kl_divergence(normal(0, 1), normal(0, 1), X) == pytest.approx(0.0, abs=1e-12)


def test_kl_is_infinite_where_q_has_no_mass():
    p = np.where(np.abs(X) < 1, 0.5, 0.0)
    q = np.where(X > 0, 1.0, 0.0)
    assert loss_theory.kl_divergence(p, q, X) == math.inf


def test_js_divergence_matches_scipy_and_its_bounds():
    p, q = normal(0, 1), normal(1, 0.5)
    dx = X[1] - X[0]
    reference = jensenshannon(p * dx, q * dx) ** 2  # scipy: sqrt of JSD, natural log
    assert loss_theory.js_divergence(p, q, X) == pytest.approx(reference, rel=1e-3)
    assert loss_theory.js_divergence(p, q, X) == pytest.approx(loss_theory.js_divergence(q, p, X))
    assert loss_theory.js_divergence(p, p, X) == pytest.approx(0.0, abs=1e-12)
    far = loss_theory.js_divergence(normal(-5, 0.1), normal(5, 0.1), X)
    assert far == pytest.approx(math.log(2), abs=1e-9)


def test_wasserstein_of_shifted_and_scaled_gaussians():
    for shift in (0.5, 2.0, 6.0):
        assert loss_theory.wasserstein1_1d(normal(0, 0.2), normal(shift, 0.2), X) == pytest.approx(
            shift, abs=1e-4
        )
    # N(0, 1) vs N(0, 4): W1 = (2 - 1) E|Z| = sqrt(2 / pi)
    expected = math.sqrt(2 / math.pi)
    assert loss_theory.wasserstein1_1d(normal(0, 1), normal(0, 2), X) == pytest.approx(
        expected, 1e-4
    )


def test_generator_logit_gradients_match_autodiff_of_the_library_losses():
    logits = tf.Variable([-9.0, -3.0, 0.0, 2.0, 7.0])
    p = tf.sigmoid(logits).numpy()
    with tf.GradientTape(persistent=True) as tape:
        # sums, so that each sample's gradient is not divided by the batch size
        mm = losses.minimax_generator_loss(logits) * 5
        ns = losses.nonsaturating_generator_loss(logits) * 5
    grads = loss_theory.generator_logit_gradients(p)
    np.testing.assert_allclose(tape.gradient(mm, logits).numpy(), grads["minimax"], rtol=1e-5)
    np.testing.assert_allclose(tape.gradient(ns, logits).numpy(), grads["nonsaturating"], 1e-5)
    assert grads["minimax"][0] == pytest.approx(-1.234e-4, rel=1e-3)  # sigmoid(-9)
    assert grads["nonsaturating"][0] == pytest.approx(-1.0, abs=2e-4)


def test_article_losses_are_the_negatives_of_the_correct_ones():
    d_real, d_fake = tf.constant([1.5, -0.5]), tf.constant([-2.0, 0.3, 1.0])
    assert float(loss_theory.article_discriminator_loss(d_real, d_fake)) == pytest.approx(
        -float(losses.discriminator_loss(d_real, d_fake)), rel=1e-6
    )
    assert float(loss_theory.article_generator_loss(d_fake)) == pytest.approx(
        -float(losses.nonsaturating_generator_loss(d_fake)), rel=1e-6
    )


def two_gaussians(n=4000):
    rng = np.random.default_rng(0)
    return rng.normal(0, 1, (n, 1)), rng.normal(2, 1, (n, 1))


def test_fit_discriminator_approaches_the_optimal_discriminator():
    x_real, x_fake = two_gaussians()
    d = loss_theory.fit_discriminator(x_real, x_fake, steps=400, hidden=32, batch_size=512)
    prob = tf.sigmoid(d(np.array([[0.0], [1.0], [2.0]], np.float32))).numpy().ravel()
    np.testing.assert_allclose(prob, 1 / (1 + np.exp(-np.array([2.0, 0.0, -2.0]))), atol=0.06)


def test_minimising_the_article_discriminator_loss_inverts_the_discriminator():
    """The article's L_D = V(D, G) is unbounded below: minimising it makes D certain and wrong."""
    x_real, x_fake = two_gaussians()
    d = loss_theory.fit_discriminator(
        x_real, x_fake, loss=loss_theory.article_discriminator_loss, steps=200, hidden=32
    )
    d_real, d_fake = d(x_real.astype(np.float32)), d(x_fake.astype(np.float32))
    assert float(loss_theory.article_discriminator_loss(d_real, d_fake)) < -10.0  # far below -log 4
    assert float(tf.reduce_mean(d_fake)) > float(tf.reduce_mean(d_real)) + 5.0  # fakes rank higher
    right = loss_theory.fit_discriminator(x_real, x_fake, steps=200, hidden=32)
    assert float(tf.reduce_mean(right(x_real))) > float(tf.reduce_mean(right(x_fake)))


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: loss_theory.optimal_discriminator([1.0, 2.0], [1.0]), "differ in shape"),
        (lambda: loss_theory.optimal_discriminator([-1.0], [1.0]), "non-negative"),
        (
            lambda: loss_theory.value_function(np.full(3, 1.5), np.ones(3), np.ones(3), [0, 1, 2]),
            "d ",
        ),
        (lambda: loss_theory.js_divergence(np.ones(3), np.ones(3), [0, 2, 1]), "increasing"),
        (lambda: loss_theory.kl_divergence(np.ones(3), np.ones(2), [0, 1, 2]), "q must have"),
        (lambda: loss_theory.wasserstein1_1d(np.zeros(3), np.ones(3), [0, 1, 2]), "no mass"),
        (lambda: loss_theory.gaussian_pdf(X, 0.0, 0.0), "std must be"),
        (lambda: loss_theory.generator_logit_gradients([0.5, 1.2]), "probabilities"),
        (lambda: loss_theory.fit_discriminator(np.ones((4, 1)), np.ones((4, 2))), "dimension"),
        (lambda: loss_theory.fit_discriminator(np.ones(4), np.ones(4), steps=0), "steps"),
    ],
)
def test_bad_input_is_a_clear_error(call, match):
    with pytest.raises(GanbookError, match=match):
        call()
