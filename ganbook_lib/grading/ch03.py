"""Public checks of chapter 3's graded exercises (the hidden ones are in graders/hidden/).

Both exercises take one training step, and the checks take it on the Dirac GAN of chapter 9:
``G(z) = theta`` and the logit ``D(x) = psi * x``, with the real data at 0 and plain SGD. One
step then moves ``(theta, psi)`` by amounts known in closed form (``dirac.dirac_gradients``),
whatever noise the student draws, so each typical mistake leaves its own pair of numbers.
"""

from __future__ import annotations

import math

from . import CheckFailed, call, check, expect, student

# where every Dirac check starts, and the learning rate of both players' SGD
START, LR = (1.0, 1.0), 0.1


def _sigmoid(u: float) -> float:
    return 1.0 / (1.0 + math.exp(-u))


def _softplus(u: float) -> float:
    return max(u, 0.0) + math.log1p(math.exp(-abs(u)))


def _grads(theta: float, psi: float, loss: str = "nonsaturating") -> tuple[float, float]:
    """(dL_G/dtheta, dL_D/dpsi) of the Dirac GAN with real data at 0, from the library."""
    from ..chapters import dirac

    return dirac.dirac_gradients(theta, psi, loss=loss)


def _near(value, target, tol=1e-5) -> bool:
    return math.isfinite(value) and abs(value - target) < tol


def dirac_step(fn, batches=None, start=START, lrs=(LR, LR), latent_dim=1, generator=None):
    """Run the student's ``fn`` once on fresh Dirac models with SGD optimizers.

    ``batches`` is None for ch03-q1 (one real batch of zeros is passed) or the list of real
    minibatches for ch03-q2; ``generator``, if given, wraps the Dirac generator before ``fn``
    sees it. Returns ``((theta, psi) after the step, what fn returned)``.
    """
    import keras
    import tensorflow as tf

    from ..chapters import dirac

    g, d = dirac.dirac_models(*start)
    g_opt, d_opt = keras.optimizers.SGD(lrs[0]), keras.optimizers.SGD(lrs[1])
    real = tf.zeros((8, 1)) if batches is None else batches
    out = call(fn, g if generator is None else generator(g), d, g_opt, d_opt, real, latent_dim)
    return dirac.dirac_parameters(g, d), out


def losses_of(out, name: str) -> tuple[float, float]:
    """The two numbers of the student's ``(d_loss, g_loss)``, or a failure that says so."""
    try:
        d_loss, g_loss = out
        return float(d_loss), float(g_loss)
    except (TypeError, ValueError):
        raise CheckFailed(
            f"{name} must return the pair (d_loss, g_loss) of scalar losses"
        ) from None


def psi_message(psi: float, expected: float, steps: str, moved_by_g: float | None = None) -> str:
    """What the discriminator's wrong ``psi`` says about the mistake; ``moved_by_g`` is where
    psi ends if the generator's step also moves the discriminator."""
    theta0, psi0 = START
    d_grad = _grads(theta0, psi0)[1]
    if not math.isfinite(psi):
        return f"psi became {psi}: compute L_D from the logits with softplus, not log(sigmoid)"
    if abs(psi - psi0) < 1e-7:
        return (
            "psi did not move: the discriminator got no gradient from L_D (a Keras "
            "cross-entropy on logits needs from_logits=True)"
        )
    if abs(psi - (psi0 + LR * d_grad)) < 1e-5:
        return (
            "psi went up: the discriminator climbed L_D; minimise "
            "-E[log D(x)] - E[log(1 - D(G(z)))], which is -V, not V (check the sign)"
        )
    if moved_by_g is not None and abs(psi - moved_by_g) < 1e-5:
        return (
            "the generator's step moved psi too: take G's gradient with respect to "
            "generator.trainable_variables only"
        )
    return (
        f"{steps} must take psi from {psi0:g} to {expected:.5f}, not {psi:.5f}: L_D is the "
        "binary cross-entropy of the LOGITS, real labelled 1 and fake labelled 0"
    )


def loss_message(d_loss, g_loss, d_expected, g_expected, name) -> str | None:
    """None if the losses are right, else what is wrong with them."""
    if _near(d_loss, d_expected) and _near(g_loss, g_expected):
        return None
    if _near(d_loss, g_expected) and _near(g_loss, d_expected):
        return f"{name} returned (g_loss, d_loss): return (d_loss, g_loss), in that order"
    if d_loss > 10.0:
        return (
            f"d_loss is {d_loss:.4g}: the cross-entropy read the logits as probabilities and "
            "clipped them; use softplus or from_logits=True"
        )
    twice = _softplus(-0.5) + _softplus(_sigmoid(START[0] * START[1]))
    if _near(d_loss, twice, 1e-4):
        return (
            f"d_loss is {d_loss:.5f}, not {d_expected:.5f}: the sigmoid was applied before a "
            "loss that expects logits; pass the discriminator's logits as they are"
        )
    if d_loss < 0:
        return (
            f"d_loss is {d_loss:.5f}, below 0: that is V, not L_D = -E[log D(x)] - "
            "E[log(1 - D(G(z)))], which is never negative (check the sign)"
        )
    if g_loss < 0:
        return (
            f"g_loss is {g_loss:.5f}, below 0: the non-saturating L_G = -E[log D(G(z))] is "
            "never negative (is it the minimax loss, or a sign error?)"
        )
    return None


# ch03-q1: one simultaneous training step with tf.GradientTape


@check("ch03-q1")
def train_step_moves_the_discriminator_down_its_loss(ns):
    fn = student(ns, "train_step")
    (_, psi), _ = dirac_step(fn)
    theta0, psi0 = START
    expected = psi0 - LR * _grads(theta0, psi0)[1]
    moved_by_g = expected + LR * theta0 * _sigmoid(-psi0 * theta0)  # G's step on dL_G/dpsi too
    expect(_near(psi, expected, 1e-6), psi_message(psi, expected, "one D step", moved_by_g))


@check("ch03-q1")
def train_step_moves_the_generator_from_the_same_forward_pass(ns):
    fn = student(ns, "train_step")
    (theta, psi), _ = dirac_step(fn)
    theta0, psi0 = START
    expected = theta0 - LR * _grads(theta0, psi0)[0]
    if _near(theta, expected, 1e-6):
        return
    psi_after = psi0 - LR * _grads(theta0, psi0)[1]
    minimax = theta0 - LR * _grads(theta0, psi0, "minimax")[0]
    if _near(theta, theta0 - LR * _grads(theta0, psi_after)[0]):
        why = "G's loss was computed after D's update; here both come from ONE forward pass"
    elif _near(theta, minimax):
        why = "that is the minimax loss log(1 - D(G(z))); use the non-saturating -log D(G(z))"
    elif _near(theta, theta0 + LR * _grads(theta0, psi0)[0]):
        why = "theta moved the wrong way: the generator must descend -E[log D(G(z))]"
    elif abs(theta - theta0) < 1e-7:
        why = "the generator got no gradient from L_G (on logits, from_logits=True)"
    else:
        why = "L_G is the non-saturating -E[log D(G(z))], from the logits"
    expect(False, f"theta must go from {theta0:g} to {expected:.5f}, not {theta:.5f}: {why}")


@check("ch03-q1")
def train_step_returns_the_losses_before_the_update(ns):
    fn = student(ns, "train_step")
    _, out = dirac_step(fn)
    d_loss, g_loss = losses_of(out, "train_step")
    theta0, psi0 = START
    d_expected = _softplus(0.0) + _softplus(psi0 * theta0)
    g_expected = _softplus(-psi0 * theta0)
    message = loss_message(d_loss, g_loss, d_expected, g_expected, "train_step")
    psi_after = psi0 - LR * _grads(theta0, psi0)[1]
    if message is None and _near(g_loss, _softplus(-psi_after * theta0)):
        message = "g_loss was computed after D's update: return the losses of the one forward pass"
    expect(
        _near(d_loss, d_expected) and _near(g_loss, g_expected),
        message
        or f"return (d_loss, g_loss) computed before the update: {d_expected:.5f} and "
        f"{g_expected:.5f} here, not {d_loss:.5f} and {g_loss:.5f}",
    )


@check("ch03-q1")
def train_step_gives_each_optimizer_its_own_network(ns):
    fn = student(ns, "train_step")
    (theta_a, psi_a), _ = dirac_step(fn, lrs=(0.0, LR))  # G's learning rate 0
    (theta_b, psi_b), _ = dirac_step(fn, lrs=(LR, 0.0))  # D's learning rate 0
    expect(
        abs(theta_a - START[0]) < 1e-7 and abs(psi_b - START[1]) < 1e-7,
        "with G's learning rate 0 theta must stay put, and with D's psi must: each optimizer "
        "updates only its own network (are they swapped?)",
    )
    expect(
        abs(psi_a - START[1]) > 1e-4 and abs(theta_b - START[0]) > 1e-4,
        "psi and theta must each move when their own learning rate is not 0: apply each "
        "network's gradients with its own optimizer",
    )


# ch03-q2: k discriminator steps, each on its own minibatch, then one generator step


def zeros(k: int, m: int = 8):
    import tensorflow as tf

    return [tf.zeros((m, 1)) for _ in range(k)]


def alternating_expected(k: int, start=START) -> tuple[float, float]:
    """(theta, psi) after k discriminator steps and one generator step, real data at 0."""
    theta, psi = start
    for _ in range(k):
        psi -= LR * _grads(theta, psi)[1]
    return theta - LR * _grads(theta, psi)[0], psi


@check("ch03-q2")
def alternating_step_moves_the_discriminator_down_its_loss(ns):
    fn = student(ns, "alternating_k_step")
    (_, psi), _ = dirac_step(fn, zeros(1))
    expected = alternating_expected(1)[1]
    moved_by_g = expected + LR * START[0] * _sigmoid(-expected * START[0])
    expect(
        _near(psi, expected, 1e-6), psi_message(psi, expected, "with k = 1, D's step", moved_by_g)
    )


@check("ch03-q2")
def alternating_step_moves_the_generator_through_the_updated_discriminator(ns):
    fn = student(ns, "alternating_k_step")
    (theta, _), _ = dirac_step(fn, zeros(1))
    theta0, psi0 = START
    expected = alternating_expected(1)[0]
    if _near(theta, expected, 1e-6):
        return
    psi_after = alternating_expected(1)[1]
    if _near(theta, theta0 - LR * _grads(theta0, psi0)[0]):
        why = "G's gradient came from D as it was BEFORE its step; compute L_G after D's update"
    elif _near(theta, theta0 - LR * _grads(theta0, psi_after, "minimax")[0]):
        why = "that is the minimax loss log(1 - D(G(z))); use the non-saturating -log D(G(z))"
    elif abs(theta - theta0) < 1e-7:
        why = "the generator got no gradient from L_G (on logits, from_logits=True)"
    else:
        why = "after D's step, G descends the non-saturating -E[log D(G(z))] once"
    expect(False, f"with k = 1 theta must become {expected:.5f}, not {theta:.5f}: {why}")


@check("ch03-q2")
def alternating_step_takes_k_discriminator_steps_and_one_generator_step(ns):
    fn = student(ns, "alternating_k_step")
    (theta, psi), _ = dirac_step(fn, zeros(3))
    expected_theta, expected_psi = alternating_expected(3)
    if _near(theta, expected_theta, 1e-6) and _near(psi, expected_psi, 1e-6):
        return
    # the same three D steps with a generator step after each of them
    th, ps = START
    for _ in range(3):
        ps -= LR * _grads(th, ps)[1]
        th -= LR * _grads(th, ps)[0]
    if _near(theta, th) and _near(psi, ps):
        why = "the generator stepped after every D step; it takes ONE step, after all k"
    elif _near(psi, expected_psi, 1e-6):
        why = "the k D steps are right; then ONE generator step, through the D they left"
    else:
        why = "take one D step per minibatch of x_real_batches, then ONE generator step"
    expect(
        False,
        f"with k = 3 minibatches psi must end at {expected_psi:.5f} and theta at "
        f"{expected_theta:.5f}, not {psi:.5f} and {theta:.5f}: {why}",
    )


@check("ch03-q2")
def alternating_step_returns_the_last_losses(ns):
    fn = student(ns, "alternating_k_step")
    _, out = dirac_step(fn, zeros(2))
    d_loss, g_loss = losses_of(out, "alternating_k_step")
    theta0, psi0 = START
    psi1 = psi0 - LR * _grads(theta0, psi0)[1]  # after the first of the two D steps
    psi2 = psi1 - LR * _grads(theta0, psi1)[1]
    d_expected = _softplus(0.0) + _softplus(psi1 * theta0)  # the second step's, before it
    g_expected = _softplus(-psi2 * theta0)  # through the discriminator both steps left
    message = loss_message(d_loss, g_loss, d_expected, g_expected, "alternating_k_step")
    if message is None and _near(d_loss, _softplus(0.0) + _softplus(psi0 * theta0)):
        message = "d_loss must be L_D of the LAST discriminator step, not of the first"
    if message is None and _near(g_loss, _softplus(-psi0 * theta0)):
        message = "g_loss must be computed after the discriminator's steps, through the new D"
    expect(
        _near(d_loss, d_expected) and _near(g_loss, g_expected),
        message
        or f"with k = 2 return d_loss {d_expected:.5f} (the last D step's, before it) and "
        f"g_loss {g_expected:.5f}, not {d_loss:.5f} and {g_loss:.5f}",
    )
