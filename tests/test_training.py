"""The GAN model, its checkpoints and the from-scratch step."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import ganbook_lib
from ganbook_lib import GanbookError, data, models, training


def ring_gan(seed=0, **compile_kw):
    g = models.mlp_generator(latent_dim=4, output_dim=2, hidden=32, depth=2)
    d = models.mlp_discriminator(input_dim=2, hidden=32, depth=2)
    gan = training.GAN(g, d, seed=seed)
    gan.compile(
        keras.optimizers.Adam(1e-3, beta_1=0.5),
        keras.optimizers.Adam(1e-3, beta_1=0.5),
        **compile_kw,
    )
    return gan


def ring_data(seed=0, minibatches=1):
    x = data.sample_toy("ring", 2048, seed)
    return data.make_dataset(x, batch_size=64, seed=seed, minibatches=minibatches)


def test_fit_reports_both_losses_and_both_probabilities():
    gan = ring_gan()
    history = gan.fit(ring_data(), steps_per_epoch=20, epochs=2, verbose=0)
    assert set(history.history) >= {"g_loss", "d_loss", "D_real", "D_fake"}
    assert gan.step == 40
    assert 0 < history.history["D_real"][-1] < 1 and 0 < history.history["D_fake"][-1] < 1


def test_k_discriminator_steps_per_generator_step():
    gan = ring_gan(d_steps=3)
    gan.fit(ring_data(minibatches=3), steps_per_epoch=10, epochs=1, verbose=0)
    assert int(gan.g_optimizer.iterations) == 10
    assert int(gan.d_optimizer.iterations) == 30


def test_each_discriminator_step_sees_its_own_real_minibatch(monkeypatch):
    gan = ring_gan(d_steps=3)
    seen = []
    original = gan._discriminator_loss

    def spy(x_real, x_fake, labels):
        seen.append(x_real)
        return original(x_real, x_fake, labels)

    monkeypatch.setattr(gan, "_discriminator_loss", spy)
    gan.run_eagerly = True
    x = np.arange(3 * 4 * 2, dtype=np.float32).reshape(3, 4, 2)  # three distinct minibatches
    gan.train_step(tf.constant(x))
    assert len(seen) == 3
    for k in range(3):
        np.testing.assert_array_equal(seen[k].numpy(), x[k])


def test_k_discriminator_steps_refuse_a_single_minibatch():
    gan = ring_gan(d_steps=3)
    with pytest.raises(GanbookError, match=r"minibatches=3"):
        gan.fit(ring_data(), steps_per_epoch=2, epochs=1, verbose=0)


def test_minibatches_stack_consecutive_batches_of_one_shuffle():
    x = np.arange(40, dtype=np.float32).reshape(20, 2)
    stacked = next(iter(data.make_dataset(x, batch_size=4, seed=3, minibatches=2, repeat=False)))
    flat = next(iter(data.make_dataset(x, batch_size=8, seed=3, repeat=False)))
    assert stacked.shape == (2, 4, 2)
    np.testing.assert_array_equal(stacked.numpy().reshape(8, 2), flat.numpy())


@pytest.mark.parametrize(
    "loss,extra",
    [
        ("wasserstein", {"gradient_penalty_weight": 10.0}),
        ("hinge", {}),
        ("least_squares", {}),
        ("minimax", {"r1_weight": 1.0}),
        ("rpgan", {"r1_weight": 1.0, "r2_weight": 1.0}),
        ("rpgan", {"update": "simultaneous"}),
    ],
)
def test_every_loss_family_trains(loss, extra):
    gan = ring_gan(loss=loss, **extra)
    history = gan.fit(ring_data(), steps_per_epoch=5, epochs=1, verbose=0)
    assert np.isfinite(history.history["d_loss"][-1]) and np.isfinite(history.history["g_loss"][-1])


def test_conditional_gan_trains_and_generates_requested_classes():
    g = models.dcgan_generator(8, 1, latent_dim=8, width=8, num_classes=10)
    d = models.dcgan_discriminator(8, 1, width=8, num_classes=10)
    gan = training.GAN(g, d, num_classes=10)
    gan.compile(gradient_penalty_weight=1.0)
    x, y = data.load_images("digits")
    gan.fit(data.make_dataset(x, y, batch_size=32), steps_per_epoch=3, epochs=1, verbose=0)
    assert gan.generate(4, labels=7).shape == (4, 8, 8, 1)
    with pytest.raises(GanbookError, match="labels must lie in 0..9"):
        gan.generate(2, labels=10)


def test_a_conditional_gan_trains_with_the_relativistic_loss_and_both_penalties():
    g = models.dcgan_generator(8, 1, latent_dim=8, width=8, num_classes=10)
    d = models.dcgan_discriminator(8, 1, width=8, num_classes=10)
    gan = training.GAN(g, d, num_classes=10)
    gan.compile(loss="rpgan", r1_weight=1.0, r2_weight=1.0)
    x, y = data.load_images("digits")
    logs = gan.fit(data.make_dataset(x, y, batch_size=32), steps_per_epoch=3, verbose=0).history
    assert np.isfinite(logs["d_loss"][-1]) and np.isfinite(logs["g_loss"][-1])


def _addn_widths(gan, *specs):
    """How many inputs each ``AddN`` op of one traced ``train_step`` adds, after TensorFlow's
    graph optimizer (Grappler, which merges chains of additions into one AddN) has run over it
    with its default settings, as before a ``tf.function`` runs. Uses TensorFlow's internal
    ``tf_optimizer`` (checked with TensorFlow 2.21)."""
    from tensorflow.core.protobuf import config_pb2
    from tensorflow.python.grappler import tf_optimizer

    gan._build_optimizers()
    traced = tf.function(gan.train_step).get_concrete_function(*specs)
    graph = traced.graph
    meta = tf.compat.v1.train.export_meta_graph(graph_def=graph.as_graph_def(), graph=graph)
    keep = [op.name for op in graph.get_operations() if op.type.startswith("Assign")]
    meta.collection_def["train_op"].node_list.value.extend(keep)
    optimized = tf_optimizer.OptimizeGraph(config_pb2.ConfigProto(), meta)
    nodes = [*optimized.node, *(n for f in optimized.library.function for n in f.node_def)]
    assert any(n.op.startswith("Assign") for n in nodes)  # the updates were kept, not pruned
    return [sum(not i.startswith("^") for i in n.input) for n in nodes if n.op == "AddN"]


def _penalised_and_plain(setting):
    """Two GANs alike but for the penalties (with them, without them), and the step's input."""
    if setting == "ring: R1 + R2":
        return ring_gan(r1_weight=0.1, r2_weight=0.1), ring_gan(), (tf.TensorSpec([64, 2]),)
    if setting == "WGAN-GP, k = 5":
        pair = [ring_gan(loss="wasserstein", d_steps=5, gradient_penalty_weight=w) for w in (10, 0)]
        return (*pair, (tf.TensorSpec([5, 64, 2]),))
    if setting == "simultaneous, R1":
        return (
            ring_gan(update="simultaneous", r1_weight=1.0),
            ring_gan(update="simultaneous"),
            (tf.TensorSpec([64, 2]),),
        )
    pair = []
    for weight in (1.0, 0.0):  # digits: a conditional DCGAN, RpGAN, R1 + R2, DiffAugment
        g = models.dcgan_generator(8, 1, latent_dim=8, width=8, num_classes=10)
        gan = training.GAN(g, models.dcgan_discriminator(8, 1, width=8, num_classes=10), 8, 10)
        gan.compile(loss="rpgan", r1_weight=weight, r2_weight=weight, augment="diffaugment")
        pair.append(gan)
    return (*pair, ((tf.TensorSpec([32, 8, 8, 1]), tf.TensorSpec([32], tf.int32)),))


@pytest.mark.parametrize(
    "setting", ["ring: R1 + R2", "digits: RpGAN + R1 + R2", "WGAN-GP, k = 5", "simultaneous, R1"]
)
def test_the_penalties_add_no_sum_whose_order_depends_on_which_op_finished_first(setting):
    """Principle 6. TensorFlow's CPU AddN starts its sum from whichever input's buffer it may
    reuse, which depends on timing; with three or more inputs that changes the float sum. A
    penalty calls D once more, and its gradient used to reach D's weights through AddNs of 3
    or 4: with R1 and R2, runs of one seed ended with different weights about once in a
    hundred (tests/test_recipes.py, in CI). The penalties may add only sums of two. (Other
    wide AddNs, as in the gradient of BatchNormalization, are there without penalties; none
    changed the weights of 200 such runs.)"""
    penalised, plain, specs = _penalised_and_plain(setting)
    wide = [[w for w in _addn_widths(gan, *specs) if w > 2] for gan in (penalised, plain)]
    assert len(wide[0]) == len(wide[1]), wide


def test_a_penalised_loss_differentiated_at_once_adds_three_or_more_pieces_in_one_op():
    """What chapter 3 says of the gradient of the whole sum: D is called on the real batch, on
    the generated one and once per penalty, and the tape adds a weight's pieces in one AddN."""
    gan = ring_gan(r1_weight=0.1, r2_weight=0.1)

    @tf.function
    def gradient_at_once(x_real):
        with tf.GradientTape() as tape:
            x_fake = gan.generator(gan.sample_latent(64), training=True)
            terms, _, _ = gan._discriminator_loss(x_real, x_fake, None)
            loss = sum(terms[1:], terms[0])
        return tape.gradient(loss, gan.discriminator.trainable_weights)

    graph = gradient_at_once.get_concrete_function(tf.TensorSpec([64, 2])).graph
    widths = [len(op.inputs) for op in graph.get_operations() if op.type == "AddN"]
    assert max(widths) == 4  # real, generated, R1, R2


def test_compile_checks_its_arguments():
    gan = ring_gan()
    with pytest.raises(GanbookError, match="d_steps must be a positive integer"):
        gan.compile(d_steps=0)
    with pytest.raises(GanbookError, match="gradient_penalty_weight must be a finite number"):
        gan.compile(gradient_penalty_weight=float("nan"))
    with pytest.raises(GanbookError, match="r2_weight must be a finite number"):
        gan.compile(r2_weight=-1.0)
    with pytest.raises(GanbookError, match="unknown loss"):
        gan.compile(loss="vanilla")
    with pytest.raises(GanbookError, match="not class-conditional"):
        gan.generate(3, labels=1)


def test_same_seed_same_numbers():
    results = []
    for _ in range(2):
        ganbook_lib.set_seed(5)
        gan = ring_gan(seed=5)
        gan.fit(ring_data(5), steps_per_epoch=15, epochs=1, verbose=0)
        results.append(gan.generate(10, seed=0))
    np.testing.assert_array_equal(results[0], results[1])


def test_checkpoint_round_trip_restores_weights_optimizer_and_step(tmp_path):
    gan = ring_gan()
    gan.fit(ring_data(), steps_per_epoch=12, epochs=1, verbose=0)
    path = gan.save_checkpoint(tmp_path / "ck.npz", {"note": "x"})
    restored = ring_gan()
    meta = restored.load_checkpoint(path)
    assert meta == {"step": 12, "note": "x"} and restored.step == 12
    np.testing.assert_array_equal(restored.generate(5, seed=1), gan.generate(5, seed=1))
    for a, b in zip(restored.d_optimizer.variables, gan.d_optimizer.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert [p.name for p in tmp_path.iterdir()] == ["ck.npz"]  # nothing half-written left


def test_missing_or_mismatched_checkpoints_are_clear_errors(tmp_path):
    with pytest.raises(GanbookError, match="no checkpoint at"):
        ring_gan().load_checkpoint(tmp_path / "none.npz")
    ring_gan().save_checkpoint(tmp_path / "ck.npz")
    g = models.mlp_generator(latent_dim=4, output_dim=2, hidden=16, depth=2)
    other = training.GAN(g, models.mlp_discriminator(2, 16, 2))
    other.compile()
    with pytest.raises(GanbookError, match="does not match this model"):
        other.load_checkpoint(tmp_path / "ck.npz")


def test_gradient_tape_step_learns():
    g = models.mlp_generator(4, 2, 32, 2)
    d = models.mlp_discriminator(2, 32, 2)
    g_opt, d_opt = keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3)
    step = tf.function(training.gradient_tape_train_step)
    before = [w.numpy().copy() for w in g.trainable_weights]
    for x_real in ring_data().take(20):
        d_loss, g_loss = step(g, d, g_opt, d_opt, x_real, 4)
    assert np.isfinite(float(d_loss)) and np.isfinite(float(g_loss))
    assert any(not np.allclose(a, w.numpy()) for a, w in zip(before, g.trainable_weights))
    assert int(g_opt.iterations) == 20 and int(d_opt.iterations) == 20


def test_simultaneous_updates_use_one_forward_pass_and_need_one_d_step():
    gan = ring_gan(update="simultaneous")
    history = gan.fit(ring_data(), steps_per_epoch=10, epochs=1, verbose=0)
    assert int(gan.g_optimizer.iterations) == int(gan.d_optimizer.iterations) == 10
    assert np.isfinite(history.history["g_loss"][-1])
    with pytest.raises(GanbookError, match="needs d_steps=1"):
        ring_gan(update="simultaneous", d_steps=2)
    with pytest.raises(GanbookError, match="'alternating' or 'simultaneous'"):
        ring_gan(update="sequential")


def test_simultaneous_step_matches_the_from_scratch_step():
    """GAN(update='simultaneous') is the tutorial's algorithm: same weights after a step."""
    g = models.mlp_generator(4, 2, 16, 1)
    d = models.mlp_discriminator(2, 16, 1)
    g2, d2 = keras.models.clone_model(g), keras.models.clone_model(d)
    g2.set_weights(g.get_weights())
    d2.set_weights(d.get_weights())
    x_real = tf.constant(data.sample_toy("ring", 32, 0))
    gan = training.GAN(g, d)
    gan.compile(keras.optimizers.SGD(0.1), keras.optimizers.SGD(0.1), update="simultaneous")
    gan.sample_latent = lambda n: tf.ones((n, 4))  # the same z on both sides
    gan.train_step(x_real)
    g_opt, d_opt = keras.optimizers.SGD(0.1), keras.optimizers.SGD(0.1)
    original = tf.random.normal
    try:
        tf.random.normal = lambda shape, *a, **k: tf.ones(shape)
        training.gradient_tape_train_step(g2, d2, g_opt, d_opt, x_real, 4)
    finally:
        tf.random.normal = original
    for a, b in zip(g.get_weights() + d.get_weights(), g2.get_weights() + d2.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def _ring_gan(**compile_kwargs):
    ganbook_lib.set_seed(0)
    gan = training.GAN(models.mlp_generator(8, 2, hidden=16, depth=1), models.mlp_discriminator(2))
    gan.compile(**compile_kwargs)
    return gan, data.make_dataset(data.sample_toy("ring", 256, seed=0), batch_size=32, seed=0)


def test_the_weight_average_follows_its_formula_with_warm_up():
    gan, ring = _ring_gan(ema_decay=0.999)
    before = [w.copy() for w in gan.ema_generator.get_weights()]
    assert all(np.array_equal(a, b) for a, b in zip(before, gan.generator.get_weights()))
    gan.fit(ring, steps_per_epoch=1, verbose=0)
    decay = min(0.999, (1 + 1) / (10 + 1))  # t = 1 generator step taken: warm-up decay 2/11
    for ema, old, new in zip(gan.ema_generator.get_weights(), before, gan.generator.get_weights()):
        np.testing.assert_allclose(ema, decay * old + (1 - decay) * new, rtol=1e-5, atol=1e-7)
    assert not all(np.array_equal(a, b) for a, b in zip(before, gan.generator.get_weights()))


def test_samples_come_from_the_weight_average_when_it_is_on():
    plain, _ = _ring_gan()
    assert plain.sampler is plain.generator
    gan, ring = _ring_gan(ema_decay=0.9)
    gan.fit(ring, steps_per_epoch=5, verbose=0)
    assert gan.sampler is gan.ema_generator
    z = np.random.default_rng(3).standard_normal((4, 8)).astype(np.float32)
    np.testing.assert_allclose(gan.generate(4, seed=3), gan.ema_generator(z).numpy(), rtol=1e-6)
    assert not np.allclose(gan.generate(4, seed=3), gan.generator(z).numpy())
    # averaged=False bypasses the average, to measure what it adds
    np.testing.assert_allclose(
        gan.generate(4, seed=3, averaged=False), gan.generator(z).numpy(), rtol=1e-6
    )


# ----------------------------------------------------------------------------- losses in GAN
X_REAL = np.array([[1.0, 0.0], [0.0, 2.0], [-1.0, 1.0], [0.5, -0.5]], np.float32)
B_FAKE = np.array([0.5, -0.3], np.float32)  # every fake sample: G ignores z
W0, C0 = np.array([0.7, -0.4], np.float32), 0.1  # the linear discriminator d(x) = w.x + c


def _softplus(t):
    return np.logaddexp(0.0, t)


# each family written out from its paper's formula (on logits / raw critic outputs)
FORMULAS = {
    "nonsaturating": (
        lambda r, f: _softplus(-r).mean() + _softplus(f).mean(),
        lambda f: _softplus(-f).mean(),
    ),
    "minimax": (
        lambda r, f: _softplus(-r).mean() + _softplus(f).mean(),
        lambda f: -_softplus(f).mean(),
    ),
    "least_squares": (
        lambda r, f: 0.5 * ((r - 1) ** 2).mean() + 0.5 * (f**2).mean(),
        lambda f: 0.5 * ((f - 1) ** 2).mean(),
    ),
    "wasserstein": (lambda r, f: f.mean() - r.mean(), lambda f: -f.mean()),
    "hinge": (
        lambda r, f: np.maximum(0, 1 - r).mean() + np.maximum(0, 1 + f).mean(),
        lambda f: -f.mean(),
    ),
}


def _linear_gan(batches=None, **compile_kw):
    """A GAN whose step can be followed by hand: G(z) = B_FAKE for every z, D linear; one
    step of fit() on ``batches`` (default: X_REAL in one batch of 4)."""
    z = keras.Input((2,))
    fake = keras.layers.Dense(
        2, kernel_initializer="zeros", bias_initializer=keras.initializers.Constant(B_FAKE)
    )(z)
    x = keras.Input((2,))
    logit = keras.layers.Dense(
        1,
        kernel_initializer=keras.initializers.Constant(W0[:, None]),
        bias_initializer=keras.initializers.Constant(C0),
    )(x)
    gan = training.GAN(keras.Model(z, fake), keras.Model(x, logit), seed=0)
    gan.compile(keras.optimizers.SGD(0.1), keras.optimizers.SGD(0.1), **compile_kw)
    if batches is None:
        batches = tf.data.Dataset.from_tensor_slices(X_REAL).batch(4).repeat()
    logs = gan.fit(batches, steps_per_epoch=1, verbose=0).history
    return gan, logs["d_loss"][0], logs["g_loss"][0]


@pytest.mark.parametrize("loss", sorted(FORMULAS))
def test_each_loss_family_is_the_one_the_gan_trains_with(loss):
    gan, d_loss, g_loss = _linear_gan(loss=loss)
    d_formula, g_formula = FORMULAS[loss]
    # the discriminator step scores the real batch and G's samples with the initial D
    assert d_loss == pytest.approx(d_formula(X_REAL @ W0 + C0, np.array([B_FAKE @ W0 + C0])), 1e-5)
    # the generator step then scores G's samples with the updated D
    w1, c1 = (v.numpy() for v in gan.discriminator.weights)
    assert g_loss == pytest.approx(g_formula(np.array([B_FAKE @ w1[:, 0] + c1[0]])), 1e-5)


def test_the_penalty_weights_enter_the_discriminator_loss_as_documented():
    # a linear critic has gradient w everywhere, so both penalties are known exactly:
    # WGAN-GP (|w| - 1)^2 at any interpolate, R1 |w|^2 on the real batch (weighted gamma / 2)
    _, plain, _ = _linear_gan(loss="wasserstein")
    _, with_gp, _ = _linear_gan(loss="wasserstein", gradient_penalty_weight=10.0)
    _, with_r1, _ = _linear_gan(loss="nonsaturating", r1_weight=3.0)
    _, without_r1, _ = _linear_gan(loss="nonsaturating")
    norm = float(np.linalg.norm(W0))
    assert with_gp - plain == pytest.approx(10.0 * (norm - 1.0) ** 2, rel=1e-4)
    assert with_r1 - without_r1 == pytest.approx(0.5 * 3.0 * norm**2, rel=1e-4)


def test_r1_is_taken_on_the_real_batch_and_r2_on_the_generated_one():
    # D(x) = |x|^2 has gradient 2x: each penalty's value says where it was taken
    x = keras.Input((2,))
    square = keras.Model(x, keras.layers.Lambda(lambda t: tf.reduce_sum(t**2, 1, keepdims=True))(x))
    z = keras.Input((2,))
    gan = training.GAN(keras.Model(z, keras.layers.Dense(2)(z)), square)
    x_real, x_fake = tf.constant(X_REAL), tf.constant(X_REAL[:, ::-1] * 3.0)
    losses_with = {}
    for name, kw in (("none", {}), ("r1", {"r1_weight": 2.0}), ("r2", {"r2_weight": 2.0})):
        gan.compile(**kw)
        losses_with[name] = float(tf.add_n(gan._discriminator_loss(x_real, x_fake, None)[0]))
    norm2 = lambda a: float(np.mean(np.sum((2 * np.asarray(a)) ** 2, 1)))  # noqa: E731
    assert losses_with["r1"] - losses_with["none"] == pytest.approx(norm2(x_real), rel=1e-4)
    assert losses_with["r2"] - losses_with["none"] == pytest.approx(norm2(x_fake), rel=1e-4)


def test_with_k_steps_the_relativistic_generator_step_pairs_the_last_real_minibatch():
    # d_steps=2: the discriminator sees rows 0-3, then rows 4-7; the generator's step then
    # compares its samples with rows 4-7 under the twice-updated D
    rows = np.concatenate([X_REAL, X_REAL[::-1] * 2.0 + 1.0])  # 8 distinct rows
    batches = tf.data.Dataset.from_tensor_slices(rows).batch(4, True).batch(2, True).repeat()
    gan, _, g_loss = _linear_gan(batches, loss="rpgan", d_steps=2)
    w2, c2 = (v.numpy() for v in gan.discriminator.weights)
    d = lambda a: a @ w2[:, 0] + c2[0]  # noqa: E731
    assert g_loss == pytest.approx(_softplus(d(rows[4:]) - d(B_FAKE)).mean(), 1e-5)
    assert abs(g_loss - _softplus(d(rows[:4]) - d(B_FAKE)).mean()) > 0.01  # not rows 0-3


def test_the_relativistic_pair_loss_scores_each_fake_against_a_real_sample():
    # RpGAN: L_D = mean softplus(D(G(z)) - D(x)); the generator's step needs D on the real
    # batch too, L_G = mean softplus(D(x) - D(G(z))), both with the updated D
    gan, d_loss, g_loss = _linear_gan(loss="rpgan")
    r0, f0 = X_REAL @ W0 + C0, B_FAKE @ W0 + C0
    assert d_loss == pytest.approx(_softplus(f0 - r0).mean(), 1e-5)
    w1, c1 = (v.numpy() for v in gan.discriminator.weights)
    r1, f1 = X_REAL @ w1[:, 0] + c1[0], B_FAKE @ w1[:, 0] + c1[0]
    assert g_loss == pytest.approx(_softplus(r1 - f1).mean(), 1e-5)
    # the non-saturating loss on the same fakes is another number: the pairing matters
    assert abs(g_loss - _softplus(-f1)) > 0.01
