"""Training: the ``GAN`` keras.Model, its checkpoints, and the from-scratch GradientTape step.

``GAN`` is driven by ``compile()`` and ``fit()``, so progress bars, callbacks, CSV logs and early
stopping come from Keras (the library's own callbacks are in :mod:`ganbook_lib.callbacks`).
:func:`gradient_tape_train_step` is the same algorithm written out by hand; chapter 3 teaches
it, and the benchmarks use it as the baseline.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from . import GanbookError
from .augment import Augment, augment_images, get_augment
from .checks import non_negative_number, positive_int
from .files import write_npz
from .losses import (
    LossFamily,
    discriminator_loss,
    get_loss,
    gradient_penalty,
    nonsaturating_generator_loss,
    r1_penalty,
    r2_penalty,
)

CHECKPOINT_NAME = "checkpoint.npz"


class TrackedModel(keras.Model):
    """A keras.Model whose ``metrics`` are its ``trackers`` (a dict of ``keras.metrics.Mean``)
    and whose ``fit`` takes a ``tf.data.Dataset`` as already shuffled (``make_dataset``
    shuffles with the run's seed), so Keras does not warn about it."""

    def fit(self, x=None, *args, **kwargs):
        if isinstance(x, tf.data.Dataset):
            kwargs.setdefault("shuffle", False)
            x = self._prepare_dataset(x)
        return super().fit(x, *args, **kwargs)

    def _prepare_dataset(self, dataset):
        return dataset

    @property
    def metrics(self):
        return list(getattr(self, "trackers", {}).values())


class GAN(TrackedModel):
    """A generator and a discriminator trained against each other by ``fit()``.

    Args:
        generator: maps ``z`` (or ``[z, label]``) to samples.
        discriminator: maps samples (or ``[x, label]``) to one logit each.
        latent_dim: size of ``z``; read from the generator when omitted.
        num_classes: set for class-conditional models; ``fit`` then expects ``(x, label)`` batches.
        seed: seeds the latent noise (a ``keras.random.SeedGenerator``, saved in checkpoints).
    """

    def __init__(self, generator, discriminator, latent_dim=None, num_classes=None, seed=0, **kw):
        super().__init__(**kw)
        self.generator = generator
        self.discriminator = discriminator
        if latent_dim is None:
            latent_dim = int(generator.inputs[0].shape[-1])
        self.latent_dim = int(latent_dim)
        self.num_classes = num_classes
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.ema_generator = None  # set by compile(ema_decay=...)
        # Its parts are built; the GAN has no weights of its own. Saying so keeps Keras from
        # "building" it by calling it on a batch of *data* (it does under tf.distribute),
        # which would feed images to the generator's latent input.
        self.built = generator.built and discriminator.built

    # ------------------------------------------------------------------ configuration
    def compile(
        self,
        g_optimizer=None,
        d_optimizer=None,
        loss: str | LossFamily = "nonsaturating",
        d_steps: int = 1,
        gradient_penalty_weight: float = 0.0,
        r1_weight: float = 0.0,
        r2_weight: float = 0.0,
        ema_decay: float | None = None,
        update: str = "alternating",
        augment: str | Augment | None = None,
        **kwargs,
    ):
        """Choose optimizers and the loss family.

        Args:
            g_optimizer, d_optimizer: Keras optimizers (default: Adam(2e-4, beta_1=0.5)).
            loss: a name from :data:`ganbook_lib.losses.LOSSES` or a ``LossFamily``.
            d_steps: discriminator updates per generator update, ``k`` in Goodfellow et al.
                (2014), Algorithm 1; each takes its own real minibatch, so for ``k > 1``
                ``fit`` needs batches of shape ``(k, m, ...)``, from
                ``make_dataset(..., minibatches=k)``.
            gradient_penalty_weight: lambda of the WGAN-GP penalty (0 = off).
            r1_weight: gamma of the R1 penalty on real samples, applied as ``gamma / 2 * R1``
                (0 = off).
            r2_weight: gamma of the R2 penalty on generated samples, ``gamma / 2 * R2`` (0 =
                off); R3GAN (Huang et al., 2024) uses R1 and R2 with the same gamma.
            ema_decay: if set (e.g. 0.999), keep an exponential moving average of the
                generator's weights, ``ema_generator``, and sample from it (Karras et al., 2018;
                Yazici et al., 2019). Training itself is unchanged.
            update: ``"alternating"`` (Goodfellow et al., 2014, Algorithm 1: update D, then G
                against the updated D) or ``"simultaneous"`` (both from one forward pass, as in
                the TensorFlow DCGAN tutorial; needs ``d_steps=1``).
            augment: augment every image the discriminator sees, real and generated, in both
                players' steps (images only): ``"diffaugment"`` (Zhao et al., 2020: color,
                translation and cutout, always), ``"ada"`` (the same transformations with the
                adaptive probability of StyleGAN2-ADA, Karras et al., 2020, starting at 0), or
                an :class:`~ganbook_lib.augment.Augment`. The penalties (R1, R2, gradient
                penalty) are taken at the augmented images, the ones D is applied to.
        """
        super().compile(**kwargs)
        d_steps = positive_int("d_steps", d_steps)
        gradient_penalty_weight = non_negative_number(
            "gradient_penalty_weight", gradient_penalty_weight
        )
        r1_weight = non_negative_number("r1_weight", r1_weight)
        r2_weight = non_negative_number("r2_weight", r2_weight)
        self.g_optimizer = g_optimizer or keras.optimizers.Adam(2e-4, beta_1=0.5)
        self.d_optimizer = d_optimizer or keras.optimizers.Adam(2e-4, beta_1=0.5)
        self.loss_family = get_loss(loss)
        if update not in ("alternating", "simultaneous"):
            raise GanbookError(f"update must be 'alternating' or 'simultaneous', got {update!r}")
        if update == "simultaneous" and d_steps != 1:
            raise GanbookError(f"update='simultaneous' needs d_steps=1, got {d_steps}")
        self.update = update
        self.d_steps = d_steps
        self.gradient_penalty_weight = float(gradient_penalty_weight)
        self.r1_weight = float(r1_weight)
        self.r2_weight = float(r2_weight)
        if ema_decay is not None and not (isinstance(ema_decay, float) and 0 < ema_decay < 1):
            raise GanbookError(f"ema_decay must be a float in (0, 1) or None, got {ema_decay!r}")
        self.ema_decay = ema_decay
        self.ema_generator = None
        if ema_decay is not None:
            self.ema_generator = keras.models.clone_model(self.generator)
            self.ema_generator.set_weights(self.generator.get_weights())
        self.augment = get_augment(augment)
        if self.augment is not None and len(self.discriminator.inputs[0].shape) != 4:
            raise GanbookError(
                "augment works on images (batch, height, width, channels); this "
                f"discriminator takes inputs of shape {self.discriminator.inputs[0].shape}"
            )
        self._ada = []  # p, and the running sum and count of E[sign(D(x_real))]
        if self.augment is not None and self.augment.adaptive:
            self._ada = [
                keras.Variable(value, trainable=False, aggregation="mean", name=name)
                for value, name in (
                    (self.augment.probability, "augment_p"),
                    (0.0, "ada_sum"),
                    (0.0, "ada_count"),
                )
            ]
        names = ["g_loss", "d_loss", "D_real", "D_fake"] + ["augment_p"] * bool(self._ada)
        self.trackers = {name: keras.metrics.Mean(name=name) for name in names}
        if self.generator.built and self.discriminator.built:
            # created here, in the strategy's scope, not lazily inside a replica's first step
            # (which a tf.distribute strategy refuses)
            self._build_optimizers()

    @property
    def step(self) -> int:
        """Generator updates made so far (continues across a resumed run)."""
        return int(self.g_optimizer.iterations.numpy())

    # ------------------------------------------------------------------ sampling
    @property
    def sampler(self) -> keras.Model:
        """The network samples come from: the weight average when ``ema_decay`` is set, else
        the generator itself."""
        return self.ema_generator or self.generator

    def call(self, inputs, training=False):
        return self.generator(inputs, training=training)

    def sample_latent(self, n):
        """``n`` latent vectors ``z ~ N(0, I)``.

        Under a ``tf.distribute`` strategy with ``N`` replicas, each replica draws the noise of
        the whole global batch (``N * n`` vectors, from the same seed state) and keeps its own
        slice, so the replicas together use exactly the noise one device would draw for the
        global batch, and no two replicas share a ``z``.
        """
        replicas, index = _replica_position()
        if replicas == 1:
            return keras.random.normal((n, self.latent_dim), seed=self.seed_generator)
        z = keras.random.normal((replicas * n, self.latent_dim), seed=self.seed_generator)
        return z[index * n : (index + 1) * n]

    def _uniform(self, shape):
        """U[0, 1) draws from the GAN's seed, one row per sample; under a strategy drawn for
        the global batch and sliced, as :meth:`sample_latent` does."""
        replicas, index = _replica_position()
        n = shape[0]
        u = keras.random.uniform((replicas * n, *shape[1:]), seed=self.seed_generator)
        return u if replicas == 1 else u[index * n : (index + 1) * n]

    @property
    def augment_probability(self) -> float:
        """The probability with which each augmentation is applied now (0 without one)."""
        if self.augment is None:
            return 0.0
        return float(self._ada[0].numpy()) if self._ada else self.augment.probability

    def _augmented(self, x):
        if self.augment is None:
            return x
        p = self._ada[0] if self._ada else self.augment.probability
        return augment_images(x, self.augment.policy, p, self._uniform)

    def _ada_observe(self, d_real):
        if self._ada:
            self._ada[1].assign_add(tf.reduce_mean(tf.sign(d_real)))
            self._ada[2].assign_add(1.0)

    def _ada_adjust(self, batch):
        """Every ``interval`` generator steps, move p by ``batch * interval / (kimg * 1000)``
        towards more augmentation if the discriminator's E[sign(D(x_real))] exceeds the
        target, towards less if not (Karras et al., 2020)."""
        if not self._ada:
            return
        aug, (p, total, count) = self.augment, self._ada
        due = tf.cast(self.g_optimizer.iterations % aug.interval == 0, tf.float32)
        heuristic = total / tf.maximum(count, 1.0)
        images = tf.cast(batch * _replica_position()[0], tf.float32)
        step = images * aug.interval / (aug.kimg * 1000.0)
        p.assign(tf.clip_by_value(p + due * tf.sign(heuristic - aug.target) * step, 0.0, 1.0))
        total.assign((1.0 - due) * total)
        count.assign((1.0 - due) * count)

    def _g_inputs(self, z, labels):
        return z if self.num_classes is None else [z, labels]

    def _d_inputs(self, x, labels):
        return x if self.num_classes is None else [x, labels]

    def generate(
        self, n: int, labels=None, seed: int | None = None, averaged: bool = True
    ) -> np.ndarray:
        """``n`` generator samples as a NumPy array (inference mode).

        ``labels`` (an int or n ints) picks the classes of a conditional model; by default the
        classes cycle 0, 1, 2, ... ``seed`` fixes ``z`` for repeatable pictures. With
        ``averaged=False`` the samples come from the generator itself even when a weight
        average is kept (to measure what the average adds).
        """
        n = positive_int("n", n)
        rng = np.random.default_rng(seed)
        z = rng.standard_normal((n, self.latent_dim)).astype(np.float32)
        generator = self.sampler if averaged else self.generator
        if self.num_classes is None:
            if labels is not None:
                raise GanbookError("labels were given but this GAN is not class-conditional")
            return generator(z, training=False).numpy()
        labels = np.arange(n) % self.num_classes if labels is None else labels
        labels = np.broadcast_to(np.asarray(labels, dtype=np.int32), (n,))
        if labels.min() < 0 or labels.max() >= self.num_classes:
            raise GanbookError(f"labels must lie in 0..{self.num_classes - 1}, got {labels.max()}")
        return generator([z, labels], training=False).numpy()

    # ------------------------------------------------------------------ one training step
    def _unpack(self, data):
        if isinstance(data, (tuple, list)):
            x_real = data[0]
            labels = data[1] if len(data) > 1 else None
        else:
            x_real, labels = data, None
        if self.num_classes is not None and labels is None:
            raise GanbookError("a conditional GAN needs (x, label) batches")
        return x_real, (None if self.num_classes is None else tf.cast(labels, tf.int32))

    def _discriminator_loss(self, x_real, x_fake, labels):
        """D's loss as its terms (the family's loss, then each penalty switched on), and D's
        logits on the real and the generated batch; the loss is the terms' sum."""
        x_real, x_fake = self._augmented(x_real), self._augmented(x_fake)
        d_real = self.discriminator(self._d_inputs(x_real, labels), training=True)
        d_fake = self.discriminator(self._d_inputs(x_fake, labels), training=True)
        terms = [self.loss_family.discriminator(d_real, d_fake)]
        extra = () if labels is None else (labels,)
        if self.gradient_penalty_weight:
            gp = gradient_penalty(self.discriminator, x_real, x_fake, *extra)
            terms.append(self.gradient_penalty_weight * gp)
        if self.r1_weight:
            terms.append(0.5 * self.r1_weight * r1_penalty(self.discriminator, x_real, *extra))
        if self.r2_weight:
            terms.append(0.5 * self.r2_weight * r2_penalty(self.discriminator, x_fake, *extra))
        return terms, d_real, d_fake

    def _penalised(self):
        return bool(self.gradient_penalty_weight or self.r1_weight or self.r2_weight)

    def _generator_loss(self, d_fake, x_real, labels, d_real=None):
        """The generator's loss; a paired family (RpGAN) also needs D on the real samples."""
        if not self.loss_family.paired:
            return self.loss_family.generator(d_fake)
        if d_real is None:
            x_real = self._augmented(x_real)
            d_real = self.discriminator(self._d_inputs(x_real, labels), training=True)
        return self.loss_family.generator(d_fake, d_real)

    def _simultaneous_step(self, x_real, labels):
        z = self.sample_latent(tf.shape(x_real)[0])
        with (
            tf.GradientTape() as g_tape,
            tf.GradientTape(persistent=self._penalised()) as d_tape,
        ):
            x_fake = self.generator(self._g_inputs(z, labels), training=True)
            d_terms, d_real, d_fake = self._discriminator_loss(x_real, x_fake, labels)
            g_loss = self._generator_loss(d_fake, x_real, labels, d_real)
            d_shares, g_share = [_per_replica(t) for t in d_terms], _per_replica(g_loss)
        self._ada_observe(d_real)
        d_vars, g_vars = self.discriminator.trainable_weights, self.generator.trainable_weights
        self.d_optimizer.apply_gradients(zip(_gradient_of_sum(d_tape, d_shares, d_vars), d_vars))
        self.g_optimizer.apply_gradients(zip(g_tape.gradient(g_share, g_vars), g_vars))
        self._ada_adjust(tf.shape(x_real)[0])
        return g_loss, _sum_in_order(d_terms), d_real, d_fake

    def _prepare_dataset(self, dataset):
        """Under a strategy with several replicas, a ``(k, m, ...)`` batch of ``k`` real
        minibatches (``d_steps=k``) becomes ``(m, k, ...)``: Keras splits a batch along its
        first axis, and each replica must get a share of every minibatch, not whole ones."""
        if getattr(self, "d_steps", 1) == 1 or self.distribute_strategy.num_replicas_in_sync == 1:
            return dataset
        return dataset.map(lambda *parts: tuple(_swap_first_axes(p) for p in parts))

    def _real_minibatches(self, x_real, labels):
        """The ``d_steps`` real minibatches of one training step: the batch itself for
        ``d_steps=1``, else the ``k`` slices of a ``(k, m, ...)`` batch (``(m, k, ...)`` on
        each replica of a strategy, see :meth:`_prepare_dataset`)."""
        k = self.d_steps
        if k == 1:
            return [x_real], [labels]
        axis = 0 if _replica_position()[0] == 1 else 1
        sample_rank = len(self.discriminator.inputs[0].shape)  # (m, ...) of one minibatch
        if x_real.shape.rank != sample_rank + 1 or x_real.shape[axis] != k:
            raise GanbookError(
                f"d_steps={k} gives each discriminator step its own real minibatch, so fit() "
                f"needs batches of shape ({k}, m, ...), got {tuple(x_real.shape)}; make them "
                f"with make_dataset(..., minibatches={k})"
            )
        xs = tf.unstack(x_real, axis=axis)
        return xs, (tf.unstack(labels, axis=axis) if labels is not None else [None] * k)

    def train_step(self, data):
        x_real, labels = self._unpack(data)
        if self.update == "simultaneous":
            g_loss, d_loss, d_real, d_fake = self._simultaneous_step(x_real, labels)
            return self._record(g_loss, d_loss, d_real, d_fake)
        # k discriminator updates, each on a fresh real minibatch and fresh noise ...
        for x_k, labels_k in zip(*self._real_minibatches(x_real, labels)):
            z = self.sample_latent(tf.shape(x_k)[0])
            with tf.GradientTape(persistent=self._penalised()) as tape:
                x_fake = self.generator(self._g_inputs(z, labels_k), training=True)
                d_terms, d_real, d_fake = self._discriminator_loss(x_k, x_fake, labels_k)
                d_shares = [_per_replica(term) for term in d_terms]
            weights = self.discriminator.trainable_weights
            grads = _gradient_of_sum(tape, d_shares, weights)
            self.d_optimizer.apply_gradients(zip(grads, weights))
            d_loss = _sum_in_order(d_terms)
            self._ada_observe(d_real)
        z = self.sample_latent(tf.shape(x_k)[0])  # ... then one generator update
        with tf.GradientTape() as tape:
            x_fake = self._augmented(self.generator(self._g_inputs(z, labels_k), training=True))
            d_fake_g = self.discriminator(self._d_inputs(x_fake, labels_k), training=True)
            g_loss = self._generator_loss(d_fake_g, x_k, labels_k)
            g_share = _per_replica(g_loss)
        weights = self.generator.trainable_weights
        self.g_optimizer.apply_gradients(zip(tape.gradient(g_share, weights), weights))
        self._ada_adjust(tf.shape(x_k)[0])
        return self._record(g_loss, d_loss, d_real, d_fake)

    def _record(self, g_loss, d_loss, d_real, d_fake):
        if self.ema_generator is not None:
            self._update_ema()
        show = tf.sigmoid if self.loss_family.probabilistic else tf.identity
        for name, value in (
            ("g_loss", g_loss),
            ("d_loss", d_loss),
            ("D_real", tf.reduce_mean(show(d_real))),
            ("D_fake", tf.reduce_mean(show(d_fake))),
            *((("augment_p", self._ada[0]),) if self._ada else ()),
        ):
            self.trackers[name].update_state(value)
        return {name: t.result() for name, t in self.trackers.items()}

    def _update_ema(self):
        # warm-up, as tf.train.ExponentialMovingAverage does with num_updates: the decay
        # (1 + t) / (10 + t) stays below ema_decay until step 8,990 for 0.999, so early on the
        # average spans about t / 9 steps and the random initial weights fade out
        t = tf.cast(self.g_optimizer.iterations, tf.float32)
        decay = tf.minimum(self.ema_decay, (1.0 + t) / (10.0 + t))
        for ema, w in zip(self.ema_generator.weights, self.generator.weights):
            ema.assign(decay * ema + (1.0 - decay) * w)

    # ------------------------------------------------------------------ checkpoints
    def _build_optimizers(self):
        pairs = ((self.g_optimizer, self.generator), (self.d_optimizer, self.discriminator))
        for opt, net in pairs:
            if not opt.built:
                opt.build(net.trainable_variables)

    def _state(self):
        self._build_optimizers()
        return {
            "g": self.generator.weights,
            "d": self.discriminator.weights,
            "go": self.g_optimizer.variables,
            "do": self.d_optimizer.variables,
            "seed": [self.seed_generator.state],
            "ema": self.ema_generator.weights if self.ema_generator is not None else [],
            "ada": list(getattr(self, "_ada", [])),
        }

    def save_checkpoint(self, path: str | os.PathLike, meta: dict | None = None) -> Path:
        """Write weights, optimizer state and noise state to ``path`` (a ``.npz``) atomically:
        the file appears complete or not at all, and the same state gives the same bytes."""
        path = Path(path)
        arrays = {
            f"{group}/{i}": np.asarray(v.numpy())
            for group, variables in self._state().items()
            for i, v in enumerate(variables)
        }
        arrays["meta"] = np.array(json.dumps({"step": self.step, **(meta or {})}))
        path.parent.mkdir(parents=True, exist_ok=True)
        write_npz(path, **arrays)
        return path

    def load_checkpoint(self, path: str | os.PathLike) -> dict:
        """Restore what :meth:`save_checkpoint` wrote; return its metadata (``step`` included).

        A missing, truncated or corrupt file, or one saved from another model, raises
        :class:`~ganbook_lib.GanbookError` naming the file; nothing is assigned before the
        whole file has been read and checked.
        """
        path = Path(path)
        if path.is_dir():
            path = path / CHECKPOINT_NAME
        if not path.is_file():
            raise GanbookError(
                f"no checkpoint at {str(path)!r}; expected a file written by "
                "GAN.save_checkpoint (ganbook train writes DIR/checkpoint.npz)"
            )
        try:
            with np.load(path, allow_pickle=False) as saved:
                stored = dict(saved)
            meta = json.loads(str(stored.pop("meta")))
            if not isinstance(meta, dict) or not isinstance(meta.get("step"), int):
                raise ValueError("its metadata has no step count")
        except Exception as exc:  # noqa: BLE001 - zipfile, format and JSON errors alike
            raise GanbookError(
                f"checkpoint {str(path)!r} is truncated or corrupt ({type(exc).__name__}: "
                f"{exc}); restore it from a backup or train again into another folder"
            ) from None
        state = self._state()
        for group, variables in state.items():
            count = sum(1 for key in stored if key.startswith(group + "/"))
            if count != len(variables):
                raise GanbookError(
                    f"checkpoint {str(path)!r} does not match this model "
                    f"({group}: {count} arrays saved, {len(variables)} expected)"
                )
            for i, v in enumerate(variables):
                value = stored[f"{group}/{i}"]
                if tuple(value.shape) != tuple(v.shape):
                    raise GanbookError(
                        f"checkpoint {str(path)!r} does not match this model: "
                        f"{v.path} has shape {tuple(v.shape)}, saved {value.shape}"
                    )
        for group, variables in state.items():
            for i, v in enumerate(variables):
                v.assign(stored[f"{group}/{i}"])
        return meta


# ---------------------------------------------------------------------- several devices
def _replica_position() -> tuple[int, int]:
    """``(number of replicas, this replica's index)``: ``(1, 0)`` outside a strategy."""
    ctx = tf.distribute.get_replica_context()
    if ctx is None:  # cross-replica context: no per-replica batch here
        return 1, 0
    return ctx.num_replicas_in_sync, ctx.replica_id_in_sync_group


def _swap_first_axes(t):
    return tf.transpose(t, [1, 0, *range(2, t.shape.rank)])


def _gradient_of_sum(tape, terms, weights):
    """The gradient of ``sum(terms)`` for ``weights`` (the terms as ``tape`` recorded them: each
    one's share on this replica), taken term by term and added in the terms' order.

    Every call of D reads its weights again, so a weight's gradient comes in pieces: one per
    call of D in the loss (the real and the generated batch), and two per penalty (its double
    backward pass uses each weight in D's forward pass and again in D's input gradient). The
    gradient of the whole sum adds a weight's three or more pieces in one ``AddN`` op
    (TensorFlow's graph optimizer also merges chains of ``+`` into one), and the CPU ``AddN``
    starts its sum from whichever input's buffer it may reuse, the one no other op still holds:
    which one depends on which ops happened to finish first. Floats added in another order round
    differently, so a run with R1 and R2 could end with other weights than a run with the same
    seed (rarely, more often on a busy machine: ``tests/test_recipes.py``). Per term a weight
    gets at most two pieces, and two floats give the same sum in either order; the terms'
    gradients are then summed by ``reduce_sum`` along a stacked axis, whose order is fixed by
    the shapes, not by timing. A term a weight does not reach (the last bias, for R1)
    contributes nothing.
    """
    parts = [[] for _ in weights]
    for term in terms:
        for part, grad in zip(parts, tape.gradient(term, weights)):
            if grad is not None:
                part.append(grad)
    return [_sum_in_order(part) if part else None for part in parts]


def _sum_in_order(tensors):
    """The sum of ``tensors``, added in an order fixed by their shapes, the same every run
    (see ``_gradient_of_sum``)."""
    return tensors[0] if len(tensors) == 1 else tf.reduce_sum(tf.stack(tensors), axis=0)


def _per_replica(loss):
    """The share of ``loss`` (a mean over this replica's batch) that this replica's gradients
    carry. The optimizers sum the replicas' gradients (an all-reduce), so each replica divides
    its mean by the number of replicas: the sum is then the gradient of the mean over the
    global batch, as one device would compute it. Keras' own ``train_step`` scales its loss the
    same way (``keras.src.losses.loss.scale_loss_for_distribution``)."""
    replicas, _ = _replica_position()
    return loss if replicas == 1 else loss / replicas


# ---------------------------------------------------------------------- from scratch
def gradient_tape_train_step(
    generator, discriminator, g_optimizer, d_optimizer, x_real, latent_dim: int
):
    """One GAN training step written out by hand (chapter 3).

    1. draw ``z ~ N(0, I)`` and make fakes ``x_fake = G(z)``;
    2. score real and fake: logits ``d_real = D(x_real)``, ``d_fake = D(x_fake)``;
    3. the discriminator loss is binary cross-entropy, the generator loss non-saturating;
    4. one gradient step for each network on its own loss.

    Both losses come from one forward pass, as in the TensorFlow DCGAN tutorial. Wrap it in
    ``tf.function`` for speed. Returns ``(d_loss, g_loss)``.
    """
    z = tf.random.normal((tf.shape(x_real)[0], latent_dim))
    with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
        x_fake = generator(z, training=True)
        d_real = discriminator(x_real, training=True)
        d_fake = discriminator(x_fake, training=True)
        d_loss = discriminator_loss(d_real, d_fake)
        g_loss = nonsaturating_generator_loss(d_fake)
    d_vars, g_vars = discriminator.trainable_variables, generator.trainable_variables
    d_optimizer.apply_gradients(zip(d_tape.gradient(d_loss, d_vars), d_vars))
    g_optimizer.apply_gradients(zip(g_tape.gradient(g_loss, g_vars), g_vars))
    return d_loss, g_loss
