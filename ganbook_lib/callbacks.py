"""Keras callbacks for training a :class:`~ganbook_lib.training.GAN` with ``fit()``.

Limits (:class:`StepLimit`, :class:`TimeLimit`, :class:`StopOnInterrupt`,
:class:`NonFiniteGuard`), a learning-rate schedule over a step or time budget
(:class:`CosineDecay`), recorders (:class:`Snapshots`, :class:`SampleSnapshots`,
:class:`LossLog`) and :class:`GANCheckpoint`. Each does one thing Keras' own callbacks do not;
its docstring says what.
"""

from __future__ import annotations

import math
import signal
import threading
import time
from pathlib import Path

import keras
import numpy as np

from . import GanbookError
from .checks import positive_int, positive_number
from .files import write_text


class TimeLimit(keras.callbacks.Callback):
    """Stop ``fit()`` once ``seconds`` of wall time have passed since training began."""

    def __init__(self, seconds: float):
        super().__init__()
        self.seconds = positive_number("seconds", seconds)

    def on_train_begin(self, logs=None):
        self.start = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        if time.perf_counter() - self.start >= self.seconds:
            self.model.stop_training = True


class StepLimit(keras.callbacks.Callback):
    """Stop ``fit()`` once the GAN has made ``total`` generator steps (counting resumed ones)."""

    def __init__(self, total: int):
        super().__init__()
        self.total = int(total)

    def on_train_batch_end(self, batch, logs=None):
        if self.model.step >= self.total:
            self.model.stop_training = True


class StopOnInterrupt(keras.callbacks.Callback):
    """Turn Ctrl-C (SIGINT) during ``fit()`` into a clean stop after the current step.

    Python's own handler raises ``KeyboardInterrupt`` wherever the main thread happens to be,
    and code that catches every exception can swallow it there: about one Ctrl-C in twenty was
    lost that way in ``ganbook train``, which then trained on to the end. This handler raises
    nothing; it sets ``interrupted`` and ``model.stop_training``, so Keras ends the epoch and
    the training as it does for :class:`StepLimit` (the callbacks' ``on_epoch_end`` and
    ``on_train_end`` run, and :class:`GANCheckpoint` saves). A second Ctrl-C gets the previous
    handler back and interrupts at once. Outside the main thread, where no signal arrives,
    it does nothing. :meth:`restore` puts the previous handler back; ``on_train_end`` calls it,
    and so should a ``finally`` around ``fit()``, which may end with an exception instead.
    """

    def __init__(self):
        super().__init__()
        self.interrupted = False
        self._previous = None

    def on_train_begin(self, logs=None):
        if threading.current_thread() is threading.main_thread() and self._previous is None:
            previous = signal.getsignal(signal.SIGINT)
            signal.signal(signal.SIGINT, self._handle)
            # a handler installed outside Python reads as None and cannot be set again
            self._previous = signal.default_int_handler if previous is None else previous

    def _handle(self, signum, frame):
        self.interrupted = True
        self.model.stop_training = True
        self.restore()

    def restore(self) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
            self._previous = None

    def on_train_end(self, logs=None):
        self.restore()


class CosineDecay(keras.callbacks.Callback):
    """Anneal both optimizers' learning rates from their starting value to ``final`` times it,
    along a half cosine over this ``fit()`` call's budget: ``steps`` generator steps, or
    ``seconds`` of wall time, whichever runs out first (Loshchilov & Hutter, 2017).

    A GAN trained at a constant rate keeps circling its equilibrium; lowering the rate at the
    end lets the generator settle, so its samples sit tighter on the data. With a time budget
    the schedule follows the clock, because the step count is not known in advance.

    For a fixed number of steps from step 0, Keras' own
    ``keras.optimizers.schedules.CosineDecay`` does the same and is what the chapters use.
    ``ganbook train`` needs this callback for what a schedule cannot do: follow a wall-time
    budget, and start at a resumed run's step (a schedule reads the optimizer's step count,
    which a finished run that is trained again does not reset).
    """

    def __init__(
        self,
        steps: int | None = None,
        seconds: float | None = None,
        final=0.0,
        *,
        start_step: int | None = None,
        seconds_done: float = 0.0,
        base_rates: tuple[float, float] | None = None,
    ):
        """``start_step``, ``seconds_done`` and ``base_rates`` (generator, discriminator)
        continue a schedule that an earlier, interrupted ``fit()`` began: by default the
        schedule starts at the model's step, with no time spent and the optimizers' rates."""
        super().__init__()
        if steps is None and seconds is None:
            raise GanbookError("CosineDecay needs steps or seconds (the training budget)")
        steps = None if steps is None else positive_number("steps", steps)
        seconds = None if seconds is None else positive_number("seconds", seconds)
        if not (isinstance(final, (int, float)) and 0 <= final <= 1):
            raise GanbookError(f"final must be a number in [0, 1], got {final!r}")
        self.steps, self.seconds, self.final = steps, seconds, float(final)
        self.schedule_start, self.seconds_done, self.base_rates = (
            start_step,
            seconds_done,
            base_rates,
        )

    def on_train_begin(self, logs=None):
        self.start_time = time.perf_counter() - self.seconds_done
        self.start_step = self.model.step if self.schedule_start is None else self.schedule_start
        self.optimizers = [self.model.g_optimizer, self.model.d_optimizer]
        self.base = list(
            self.base_rates or [float(np.asarray(o.learning_rate)) for o in self.optimizers]
        )

    def progress(self) -> float:
        """Fraction of the budget used, in [0, 1]."""
        done = 0.0
        if self.steps:
            done = (self.model.step - self.start_step) / self.steps
        if self.seconds:
            done = max(done, (time.perf_counter() - self.start_time) / self.seconds)
        return min(max(done, 0.0), 1.0)

    def on_train_batch_begin(self, batch, logs=None):
        factor = self.final + (1 - self.final) * 0.5 * (1 + math.cos(math.pi * self.progress()))
        for optimizer, base in zip(self.optimizers, self.base):
            optimizer.learning_rate.assign(base * factor)

    def on_train_end(self, logs=None):
        for optimizer, base in zip(self.optimizers, self.base):
            optimizer.learning_rate.assign(base)  # a resumed or continued run starts afresh


class NonFiniteGuard(keras.callbacks.Callback):
    """Stop training with a clear message as soon as a loss becomes NaN or infinite.

    After stopping, ``message`` says which loss, at which step, and what usually helps.
    """

    def __init__(self, keys=("g_loss", "d_loss"), verbose: bool = True):
        super().__init__()
        self.keys, self.verbose, self.message = tuple(keys), verbose, None

    def on_train_batch_end(self, batch, logs=None):
        for key in self.keys:
            value = (logs or {}).get(key)
            if value is not None and not math.isfinite(float(value)):
                step = getattr(self.model, "step", batch)
                self.message = (
                    f"training stopped at step {step}: {key} became {float(value)} (non-finite). "
                    "Try a lower learning rate, a gradient penalty, or the non-saturating loss."
                )
                if self.verbose:
                    print(self.message)
                self.model.stop_training = True
                return


class Snapshots(keras.callbacks.Callback):
    """Record something about the model at the start of training and after every ``every``
    epochs: :meth:`snap` (defined by a subclass) appends ``(step, record)`` to ``frames``, the
    layout :func:`ganbook_lib.plotting.animate` and the widgets' sliders take."""

    def __init__(self, every: int = 1):
        super().__init__()
        self.every = positive_int("every", every)
        self.frames: list[tuple[int, object]] = []

    def on_train_begin(self, logs=None):
        if not self.frames:
            self.snap()

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every == 0:
            self.snap()

    def snap(self):
        """Record the model now (also callable by hand)."""
        raise NotImplementedError


class SampleSnapshots(Snapshots):
    """Keep generator samples from a fixed ``z`` at the end of every ``every`` epochs.

    ``frames`` is a list of ``(step, samples)``: the raw material for grids and animations.
    With ``path``, the latest frame is also saved as an image grid (images) or a scatter (2-D).
    """

    def __init__(self, n: int = 64, every: int = 1, seed: int = 0, path=None):
        super().__init__(every)
        self.n, self.seed, self.path = positive_int("n", n), seed, path

    def snap(self) -> np.ndarray:
        """Generate the samples now, record them and return them."""
        samples = self.model.generate(self.n, seed=self.seed)
        self.frames.append((self.model.step, samples))
        if self.path is not None:
            from .plotting import save_samples

            save_samples(samples, self.path, title=f"step {self.model.step}")
        return samples


class LossLog(keras.callbacks.Callback):
    """One CSV row per epoch in ``path``: ``step, epoch`` and the epoch-mean metrics
    (``d_loss, g_loss, D_real, D_fake``). An existing log is continued, so a resumed run extends
    it; the file is rewritten atomically at each row, so it is never left with half a line.

    Keras' ``CSVLogger`` would do the rest, but it appends through a file it keeps open, so a
    run killed with ``kill -9`` mid-write can leave a torn row, and it has no step column; the
    run directory of ``ganbook train`` promises neither happens.
    """

    COLUMNS = ("step", "epoch", "d_loss", "g_loss", "D_real", "D_fake")

    def __init__(self, path):
        super().__init__()
        self.path = Path(path)

    def on_train_begin(self, logs=None):
        header = ",".join(self.COLUMNS) + "\n"
        self.text = self.path.read_text() if self.path.is_file() else header

    def on_epoch_end(self, epoch, logs=None):
        values = [self.model.step, epoch + 1] + [
            float((logs or {}).get(k, float("nan"))) for k in self.COLUMNS[2:]
        ]
        row = ",".join(f"{v:.6g}" if isinstance(v, float) else str(v) for v in values)
        self.text += row + "\n"
        write_text(self.path, self.text)


class GANCheckpoint(keras.callbacks.Callback):
    """Save a resumable checkpoint (weights, optimizer and noise state) every ``every`` epochs
    and when training ends. ``meta`` is stored beside the arrays; ``on_save(gan)``, if given,
    runs after each save (``ganbook train`` records the step in ``run.json`` there)."""

    def __init__(self, path, every: int = 1, meta: dict | None = None, on_save=None):
        super().__init__()
        self.path, self.every, self.meta, self.on_save = Path(path), every, meta or {}, on_save

    def _save(self, extra=None):
        self.model.save_checkpoint(self.path, {**self.meta, **(extra or {})})
        if self.on_save is not None:
            self.on_save(self.model)

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every == 0:
            self._save({"epoch": epoch + 1})

    def on_train_end(self, logs=None):
        self._save()
