"""The Dirac GAN checked against the library's losses, its own algebra and its linear analysis."""

import math

import keras
import numpy as np
import pytest
import tensorflow as tf

from ganbook_lib import GanbookError, losses
from ganbook_lib.chapters import dirac


def sigmoid(t):
    return 1 / (1 + math.exp(-t))


# ----------------------------------------------------------------------------- the game
def test_value_at_the_equilibrium_is_minus_log_four():
    assert float(dirac.dirac_value(0.0, 0.0)) == pytest.approx(-math.log(4))
    # off the equilibrium V depends on psi * theta only
    assert float(dirac.dirac_value(2.0, 0.5)) == pytest.approx(float(dirac.dirac_value(0.5, 2.0)))
    expected = math.log(0.5) + math.log(1 - sigmoid(-1.5))
    assert float(dirac.dirac_value(1.0, -1.5)) == pytest.approx(expected)


@pytest.mark.parametrize("loss", ["minimax", "nonsaturating", "wasserstein"])
@pytest.mark.parametrize("point", [(0.7, -1.3), (-2.0, 0.4), (0.3, 2.5)])
def test_closed_form_gradients_match_autodiff_of_the_library_losses(loss, point):
    gamma = 0.3
    theta, psi = tf.Variable(point[0], dtype=tf.float64), tf.Variable(point[1], dtype=tf.float64)
    x_real = tf.zeros((4, 1), tf.float64)  # p_data = delta_0

    def discriminator(x, training=False):
        return psi * x

    family = losses.get_loss(loss)
    with tf.GradientTape(persistent=True) as tape:
        d_real = discriminator(x_real)
        d_fake = discriminator(theta + tf.zeros((4, 1), tf.float64))
        d_loss = family.discriminator(d_real, d_fake)
        d_loss += 0.5 * gamma * losses.r1_penalty(discriminator, x_real)
        g_loss = family.generator(d_fake)
    autodiff = float(tape.gradient(g_loss, theta)), float(tape.gradient(d_loss, psi))
    closed = dirac.dirac_gradients(*point, loss=loss, r1_weight=gamma)
    assert closed == pytest.approx(autodiff, rel=1e-9, abs=1e-12)


def test_wgan_gp_gradient_term_matches_the_library_penalty():
    # lambda (|psi| - 1)^2 adds 2 lambda (|psi| - 1) sign(psi): at psi = -3, lambda = 10: -40
    base = dirac.dirac_gradients(0.5, -3.0, "wasserstein")[1]
    with_gp = dirac.dirac_gradients(0.5, -3.0, "wasserstein", gp_weight=10.0)[1]
    assert with_gp - base == pytest.approx(-40.0)
    psi = tf.Variable(-3.0, dtype=tf.float64)
    x_real, x_fake = tf.zeros((4, 1), tf.float64), tf.fill((4, 1), tf.constant(0.5, tf.float64))
    with tf.GradientTape() as tape:
        penalty = 10.0 * losses.gradient_penalty(lambda x, training=False: psi * x, x_real, x_fake)
    assert float(tape.gradient(penalty, psi)) == pytest.approx(-40.0)


def test_the_only_stationary_point_is_the_origin():
    assert dirac.dirac_gradients(0.0, 0.0) == (0.0, 0.0)
    assert dirac.dirac_gradients(1.0, 0.0)[1] == pytest.approx(0.5)  # D moves when theta != 0
    assert dirac.dirac_gradients(0.0, 1.0)[0] == pytest.approx(-0.5)  # G moves when psi != 0


def test_players_follow_plus_and_minus_the_gradient_of_one_value_function():
    theta, psi, eps = 0.8, -0.6, 1e-6
    dv_dtheta = (dirac.dirac_value(theta + eps, psi) - dirac.dirac_value(theta - eps, psi)) / 2e-6
    dv_dpsi = (dirac.dirac_value(theta, psi + eps) - dirac.dirac_value(theta, psi - eps)) / 2e-6
    g_theta, g_psi = dirac.dirac_gradients(theta, psi, "minimax")
    assert g_theta == pytest.approx(float(dv_dtheta), rel=1e-6)  # G minimises V
    assert g_psi == pytest.approx(-float(dv_dpsi), rel=1e-6)  # D maximises V


# ----------------------------------------------------------------------------- trajectories
def test_simultaneous_steps_grow_the_radius_by_exactly_one_plus_h2_s2():
    h = 0.2
    path = dirac.dirac_trajectory(1.0, 0.5, 50, h, "simultaneous")
    r2 = (path**2).sum(1)
    s = 1 / (1 + np.exp(-(path[:-1, 0] * path[:-1, 1])))
    np.testing.assert_allclose(r2[1:], r2[:-1] * (1 + h**2 * s**2), rtol=1e-12)


def test_alternating_steps_on_the_bilinear_game_conserve_a_quadratic_form():
    # psi' = psi - h theta, theta' = theta + h psi' conserves theta^2 + psi^2 - h theta psi
    h = 0.3
    path = dirac.dirac_trajectory(1.0, 1.0, 200, h, "alternating", "wasserstein")
    q = path[:, 0] ** 2 + path[:, 1] ** 2 - h * path[:, 0] * path[:, 1]
    np.testing.assert_allclose(q, q[0], rtol=1e-10)


def test_r1_converges_at_the_rate_of_the_spectral_radius():
    h, gamma = 0.1, 0.3
    path = dirac.dirac_trajectory(1.0, 1.0, 800, h, "alternating", r1_weight=gamma)
    dist = dirac.distance_to_equilibrium(path)
    assert dist[-1] < 1e-4
    rho = dirac.spectral_radius(dirac.dirac_jacobian(h, "alternating", r1_weight=gamma))
    assert (dist[-1] / dist[-201]) ** (1 / 200) == pytest.approx(rho, rel=2e-3)


def test_several_discriminator_steps_per_generator_step():
    path = dirac.dirac_trajectory(0.5, 0.0, 1, 0.1, "alternating", "wasserstein", d_steps=3)
    # psi: 0 -> -0.05 -> -0.10 -> -0.15; then theta: 0.5 + 0.1 * (-0.15) = 0.485
    np.testing.assert_allclose(path[1], [0.485, -0.15])


# ----------------------------------------------------------------------------- linear analysis
def test_flow_jacobian_has_imaginary_eigenvalues_without_r1():
    eig = np.linalg.eigvals(dirac.dirac_jacobian())
    np.testing.assert_allclose(sorted(eig.imag), [-0.5, 0.5])
    np.testing.assert_allclose(eig.real, [0.0, 0.0])
    eig = np.linalg.eigvals(dirac.dirac_jacobian(r1_weight=0.6))  # lambda^2 + 0.6 lambda + 1/4
    np.testing.assert_allclose(eig.real, [-0.3, -0.3])
    np.testing.assert_allclose(sorted(eig.imag), [-0.4, 0.4])


@pytest.mark.parametrize("h", [1e-3, 0.1, 0.5, 2.0])
def test_spectral_radii_without_regulariser(h):
    simultaneous = dirac.spectral_radius(dirac.dirac_jacobian(h, "simultaneous"))
    alternating = dirac.spectral_radius(dirac.dirac_jacobian(h, "alternating"))
    assert simultaneous == pytest.approx(math.sqrt(1 + h**2 / 4), rel=1e-12)
    assert alternating == pytest.approx(1.0, abs=1e-12)
    assert np.linalg.det(dirac.dirac_jacobian(h, "alternating", r1_weight=0.4)) == pytest.approx(
        1 - 0.4 * h
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"mode": "simultaneous"},
        {"mode": "alternating"},
        {"mode": "alternating", "r1_weight": 0.5, "d_steps": 3},
        {"mode": "simultaneous", "loss": "wasserstein", "r1_weight": 1.0},
        {"mode": "alternating", "loss": "nonsaturating"},
    ],
)
def test_jacobian_matches_finite_differences_of_one_update(kwargs):
    h, eps = 0.3, 1e-6
    columns = []
    for direction in np.eye(2):
        plus = dirac.dirac_trajectory(*(eps * direction), 1, h, **kwargs)[1]
        minus = dirac.dirac_trajectory(*(-eps * direction), 1, h, **kwargs)[1]
        columns.append((plus - minus) / (2 * eps))
    numeric = np.array(columns).T
    np.testing.assert_allclose(dirac.dirac_jacobian(h, **kwargs), numeric, atol=1e-6)


# ----------------------------------------------------------------------------- Keras
def test_gan_fit_reproduces_the_alternating_trajectory():
    from ganbook_lib.training import GAN

    generator, discriminator = dirac.dirac_models(1.0, 1.0)
    gan = GAN(generator, discriminator)
    gan.compile(keras.optimizers.SGD(0.1), keras.optimizers.SGD(0.1), "minimax", r1_weight=0.3)
    trace = dirac.ParameterTrace()
    zeros = tf.data.Dataset.from_tensors(np.zeros((4, 1), np.float32)).repeat()
    gan.fit(zeros, steps_per_epoch=60, epochs=1, callbacks=[trace], verbose=0)
    expected = dirac.dirac_trajectory(1.0, 1.0, 60, 0.1, "alternating", r1_weight=0.3)
    assert trace.trajectory.shape == (61, 2)
    np.testing.assert_allclose(trace.trajectory, expected, atol=1e-5)


def test_dirac_generator_ignores_z():
    generator, discriminator = dirac.dirac_models(-0.7, 2.0)
    z = np.random.default_rng(0).standard_normal((5, 1)).astype(np.float32)
    np.testing.assert_allclose(np.asarray(generator(z)), np.full((5, 1), -0.7), rtol=1e-6)
    np.testing.assert_allclose(np.asarray(discriminator(np.ones((1, 1)))), [[2.0]], rtol=1e-6)
    assert dirac.dirac_parameters(generator, discriminator) == pytest.approx((-0.7, 2.0))


# ----------------------------------------------------------------------------- picture
def test_plot_dirac_game_draws_path_and_labels():
    import matplotlib

    matplotlib.use("Agg")
    path = dirac.dirac_trajectory(1.0, 1.0, 20, 0.1)
    ax = dirac.plot_dirac_game(path, title="t")
    assert ax.get_title() == "t"
    assert "theta" in ax.get_xlabel() and "psi" in ax.get_ylabel()
    np.testing.assert_allclose(ax.lines[0].get_xydata(), path)


# ----------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    "kwargs, word",
    [
        ({"mode": "leapfrog"}, "mode"),
        ({"loss": "hinge"}, "loss"),
        ({"lr": 0.0}, "lr"),
        ({"lr": float("nan")}, "lr"),
        ({"steps": 0}, "steps"),
        ({"theta0": float("inf")}, "theta0"),
        ({"r1_weight": -1.0}, "r1_weight"),
        ({"d_steps": 2}, "d_steps"),
    ],
)
def test_trajectory_rejects_bad_arguments(kwargs, word):
    args = {"theta0": 1.0, "psi0": 1.0, "steps": 10, "lr": 0.1, **kwargs}
    with pytest.raises(GanbookError, match=word):
        dirac.dirac_trajectory(**args)


def test_other_functions_reject_bad_arguments():
    with pytest.raises(GanbookError, match="matrix"):
        dirac.spectral_radius(np.ones((2, 3)))
    with pytest.raises(GanbookError, match="path"):
        dirac.distance_to_equilibrium(np.ones((4, 3)))
    with pytest.raises(GanbookError, match="theta"):
        dirac.dirac_gradients("a", 1.0)
    with pytest.raises(GanbookError, match="d_steps"):
        dirac.dirac_jacobian(0.1, "simultaneous", d_steps=2)
