"""Runs on disk: train, load, sample and evaluate a run directory (what ``ganbook`` does).

A run directory holds ``run.json`` (the :class:`Run` record: what was trained, how far),
``checkpoint.npz`` (resumable state), ``losses.csv`` (the loss log), ``samples.png`` and
``metrics.json``. It survives faults: the checkpoint and ``run.json`` are rewritten together
after every epoch, every write is atomic (:mod:`ganbook_lib.files`), and Ctrl-C saves a
checkpoint before :class:`TrainingInterrupted` is raised.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import GanbookError, __version__, set_seed
from .checks import positive_int, positive_number
from .data import draw_clusters, make_dataset, prepare_training_data
from .devices import strategy_for, usable_gpus
from .files import remove_stale_temporaries, write_json, write_text
from .profile import get_profile
from .recipes import RECIPES, Recipe, build_gan, recipe_for
from .training import CHECKPOINT_NAME

RUN_FILE = "run.json"
# RUN_FORMAT changes whenever a run written before could not be read back the same way (the
# fields, the checkpoint's layout or the models' layers).
RUN_FORMAT = 1


@dataclass
class Segment:
    """The length one ``ganbook train`` command asked for: ``steps`` generator steps (from
    ``start_step`` to ``target_step``) or ``seconds`` of training, of which ``seconds_done``
    are spent. An interrupted run finishes its segment; a finished one starts a new one."""

    start_step: int
    target_step: int | None
    steps: int | None
    seconds: float | None
    seconds_done: float = 0.0


@dataclass
class Run:
    """The record of a run, stored as ``run.json`` (:meth:`save`, :meth:`read`).

    ``data`` is a dataset name or the absolute path of a user's images; ``kind``, ``dim`` (toy
    data), ``image_shape``, ``num_classes`` and, for a self-conditioned run, ``cluster_sizes``
    describe the data the models were built for. ``metrics`` (the last evaluation) is kept in
    ``metrics.json``, not here.
    """

    data: str
    conditional: bool
    loss: str
    seed: int
    recipe: Recipe
    kind: str
    segment: Segment
    status: str = "training"
    step: int = 0
    seconds_trained: float = 0.0
    resumed_from: int | None = None
    stopped: str | None = None
    dim: int | None = None
    image_shape: list | None = None
    num_classes: int | None = None
    cluster_sizes: list | None = None
    cluster_seconds: float | None = None
    format: int = RUN_FORMAT
    ganbook_version: str = __version__
    metrics: dict | None = dataclasses.field(default=None, compare=False)

    def info(self) -> dict:
        """The data description :func:`~ganbook_lib.recipes.build_gan` builds models for."""
        keys = ("kind", "dim", "image_shape", "num_classes")
        return {key: getattr(self, key) for key in keys}

    def sampling_labels(self, n: int, seed: int = 0) -> np.ndarray | None:
        """Labels to sample ``n`` images with: cluster ids drawn in proportion to the cluster
        sizes for a self-conditioned run, ``None`` otherwise (a conditional GAN then cycles
        through its classes)."""
        return draw_clusters(self.cluster_sizes, n, seed) if self.cluster_sizes else None

    def save(self, out) -> None:
        """Write ``out/run.json`` atomically."""
        record = dataclasses.asdict(self)
        del record["metrics"]
        write_json(Path(out) / RUN_FILE, record)

    @classmethod
    def read(cls, out) -> Run:
        """The run in directory ``out``, checked: a ``run.json`` that is not JSON, lacks a field
        or was written by another version of the library raises
        :class:`~ganbook_lib.GanbookError` naming the file and what is wrong."""
        path = Path(out) / RUN_FILE
        if not path.is_file():
            raise GanbookError(
                f"no run at {str(out)!r}: expected a directory written by "
                "'ganbook train' (with run.json and checkpoint.npz)"
            )
        try:
            record = json.loads(path.read_text())
        except (UnicodeDecodeError, ValueError) as exc:
            message = f"{path} is not valid JSON ({exc}); the run cannot be read"
            raise GanbookError(message) from None
        if not isinstance(record, dict):
            raise GanbookError(f"{path} holds a {type(record).__name__}, not a run record")
        if record.get("format") != RUN_FORMAT:
            raise GanbookError(
                f"{path} was written by ganbook {record.get('ganbook_version', 'before 0.1.0')} "
                f"(run format {record.get('format', 'none')}); this is ganbook {__version__}, "
                f"which reads run format {RUN_FORMAT}: train again into another folder"
            )
        fields = {f.name: f for f in dataclasses.fields(cls) if f.name != "metrics"}
        for name, field in fields.items():
            required = field.default is dataclasses.MISSING
            if required and name not in record:
                raise GanbookError(f"{path} lacks the field {name!r}; the run cannot be read")
        try:
            segment = Segment(**record["segment"])
            recipe = Recipe(**record["recipe"])
        except TypeError as exc:
            message = f"{path}: field 'segment' or 'recipe' does not fit ({exc})"
            raise GanbookError(message) from None
        known = {k: v for k, v in record.items() if k in fields}
        run = cls(**{**known, "segment": segment, "recipe": recipe})
        for name, kind in (("step", int), ("seed", int), ("data", str), ("status", str)):
            value = getattr(run, name)
            if not isinstance(value, kind) or isinstance(value, bool):
                raise GanbookError(f"{path}: field {name!r} has a bad value {value!r}")
        return run


class TrainingInterrupted(KeyboardInterrupt):
    """Ctrl-C during :func:`train_run`: the checkpoint was saved; the message says how to
    resume."""


def _data_key(data: str) -> str:
    """How a run records its data: a dataset name as is (even if a folder of that name exists
    in the working directory), a user's path as an absolute path."""
    return data if data in RECIPES else os.path.abspath(data)


def _length_text(segment: Segment) -> str:
    return f"--seconds {segment.seconds:g}" if segment.seconds else f"--steps {segment.steps}"


def _previous_run(out: Path, data, conditional, loss, seconds, steps) -> Run | None:
    """The run already in ``out``, if any, after checking that this command continues it."""
    if out.exists() and not out.is_dir():
        raise GanbookError(f"--out {str(out)!r} exists and is not a directory")
    if not (out / RUN_FILE).exists():
        if (out / CHECKPOINT_NAME).exists():
            raise GanbookError(
                f"{out} holds a checkpoint but no {RUN_FILE}, so the run cannot be resumed; "
                "restore run.json or choose another --out (the checkpoint is left as it is)"
            )
        return None
    previous = Run.read(out)
    for key, value in (("data", _data_key(data)), ("conditional", conditional)):
        if getattr(previous, key) != value:
            raise GanbookError(
                f"{out} holds a run with {key}={getattr(previous, key)!r}, not "
                f"{value!r}; choose another --out to start a new run"
            )
    if loss is not None and previous.loss != loss:
        raise GanbookError(f"{out} holds a run with loss {previous.loss!r}, not {loss!r}")
    started = previous.segment
    if previous.status != "finished" and (
        (steps is not None and steps != started.steps)
        or (seconds is not None and seconds != started.seconds)
    ):
        raise GanbookError(
            f"{out} holds an interrupted run (step {previous.step}, started with "
            f"{_length_text(previous.segment)}); give the same length to finish it"
        )
    return previous


def _trim_loss_log(path: Path, step: int) -> None:
    """Keep the loss log's rows up to ``step`` (the checkpoint's): rows that a killed run wrote
    after its last checkpoint would otherwise appear twice when the run resumes."""
    if not path.is_file():
        return
    lines = path.read_text().splitlines()
    columns = len(lines[0].split(",")) if lines else 0
    kept = lines[:1] + [
        line
        for line in lines[1:]
        if len(fields := line.split(",")) == columns
        and fields[0].isdigit()
        and int(fields[0]) <= step
    ]
    if kept != lines:
        write_text(path, "\n".join(kept) + "\n")


def train_run(
    data: str,
    out,
    conditional: bool = False,
    loss: str | None = None,
    seconds: float | None = None,
    steps: int | None = None,
    seed: int = 0,
    verbose: int = 1,
    recipe: Recipe | None = None,
    callbacks: list | None = None,
    devices: int | None = None,
) -> Run:
    """Train the recommended recipe for ``data`` and write a run directory ``out``.

    ``seconds`` bounds the wall time of the training loop; ``steps`` the number of generator
    steps; with neither, the recipe's default length is used. If ``out`` already holds a run,
    training resumes from its checkpoint (same data, conditioning and loss required): a
    finished run trains for the length given, an interrupted one (Ctrl-C, ``kill -9``, a
    crash) finishes the length it was started with. ``recipe`` replaces the recommended one
    (the benchmarks train the TensorFlow tutorial's recipe this way); ``callbacks`` are extra
    Keras callbacks for ``fit()``. ``devices`` (N > 1) trains on N devices with a
    ``MirroredStrategy`` (:mod:`ganbook_lib.devices`): the same global batch, split between
    them; the same numbers as one device, up to float rounding. Under the GPU profile, with no
    ``devices`` given, the run uses every visible GPU that the batch divides evenly between.
    Returns the run's record, with ``metrics`` filled in.
    """
    seconds = None if seconds is None else positive_number("--seconds", seconds)
    steps = None if steps is None else positive_int("--steps", steps)
    if seconds is not None and steps is not None:
        raise GanbookError("give --seconds or --steps, not both")
    seed = positive_int("--seed", seed, low=0)
    out = Path(out)
    previous = _previous_run(out, data, conditional, loss, seconds, steps)
    if previous is not None:
        loss, seed, recipe = previous.loss, previous.seed, previous.recipe
    elif recipe is not None and loss is not None:
        raise GanbookError("give a recipe or a loss, not both (a recipe names its loss)")

    set_seed(seed)
    recipe = recipe or recipe_for(data, loss)
    if devices is None and get_profile().name == "gpu":
        devices = usable_gpus(recipe.batch_size)  # all GPUs, as the GPU profile promises
    strategy = strategy_for(devices)
    if recipe.batch_size % strategy.num_replicas_in_sync:
        raise GanbookError(
            f"--devices {devices}: the recipe's batch of {recipe.batch_size} does not split "
            f"evenly between {devices} devices; choose a number of devices that divides it"
        )
    x, labels, info = prepare_training_data(data, conditional, recipe.clusters, seed)
    if previous is not None and previous.cluster_sizes != info.get("cluster_sizes"):
        raise GanbookError(
            f"{out} was trained on other clusters of {data!r} than this machine finds now "
            "(has the data changed?); choose another --out to start a new run"
        )
    if len(x) < recipe.batch_size:
        raise GanbookError(
            f"--data {data!r} holds {len(x)} examples, fewer than one batch of "
            f"{recipe.batch_size}; give at least {recipe.batch_size}"
        )
    with strategy.scope():
        gan = build_gan(recipe, info, seed)
    if previous is not None:
        gan.load_checkpoint(out / CHECKPOINT_NAME)  # checked before anything is written
    if previous is not None and previous.status != "finished":
        segment = previous.segment
    else:
        length = steps or (None if seconds else recipe.steps)
        target = gan.step + length if length else None
        segment = Segment(gan.step, target, length, seconds)
    run = Run(
        data=_data_key(data),
        conditional=bool(conditional),
        loss=recipe.loss,
        seed=seed,
        recipe=recipe,
        segment=segment,
        step=gan.step,
        resumed_from=gan.step if previous is not None else None,
        seconds_trained=previous.seconds_trained if previous else 0.0,
        **info,
    )
    out.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(out)
    _trim_loss_log(out / "losses.csv", gan.step)
    record = _RunRecord(out, run)
    record.checkpoint(gan)  # at step 0 too, so that even a run killed at once resumes
    _fit(
        gan,
        run,
        record,
        make_dataset(
            x, labels, recipe.batch_size, seed=seed + gan.step, minibatches=recipe.d_steps
        ),
        verbose,
        callbacks,
    )
    save_run_samples(gan, run, out / "samples.png")
    run.metrics = evaluate_run(out, gan=gan, run=run)
    write_json(out / "metrics.json", run.metrics)
    run.status = "finished"
    run.save(out)
    return run


def _fit(gan, run: Run, record: _RunRecord, dataset, verbose, callbacks) -> None:
    """Train ``gan`` to the end of the run's segment, saving as it goes."""
    from .callbacks import (
        CosineDecay,
        GANCheckpoint,
        LossLog,
        NonFiniteGuard,
        StepLimit,
        StopOnInterrupt,
        TimeLimit,
    )

    recipe, segment, out = run.recipe, run.segment, record.out
    target = segment.target_step or 10**12
    seconds_left = segment.seconds - segment.seconds_done if segment.seconds else None
    if gan.step >= target or (seconds_left is not None and seconds_left <= 0):
        return
    guard, stopper = NonFiniteGuard(), StopOnInterrupt()
    saver = GANCheckpoint(out / CHECKPOINT_NAME, meta={"data": run.data}, on_save=record.write)
    fit_callbacks = [StepLimit(target), guard, LossLog(out / "losses.csv"), saver, stopper]
    if seconds_left:
        fit_callbacks.append(TimeLimit(seconds_left))
    decay = None
    if recipe.cosine_decay:
        # first in the list, so its on_train_end restores the rates before the checkpoint is
        # saved; a resumed segment continues the schedule it began with
        decay = CosineDecay(
            steps=segment.steps,
            seconds=segment.seconds,
            start_step=segment.start_step,
            seconds_done=segment.seconds_done,
            base_rates=(recipe.lr, recipe.d_lr or recipe.lr),
        )
        fit_callbacks.insert(0, decay)
    epoch0 = math.ceil(gan.step / recipe.log_every)  # a partial epoch counts as one
    epochs = epoch0 + math.ceil(min(target - gan.step, 10**9) / recipe.log_every)
    record.start_clock()
    try:
        gan.fit(
            dataset,
            steps_per_epoch=recipe.log_every,
            epochs=epochs,
            initial_epoch=epoch0,
            callbacks=fit_callbacks + list(callbacks or []),
            verbose=verbose,
        )
    except KeyboardInterrupt:  # a second Ctrl-C, or one before training began
        if decay is not None and hasattr(decay, "base"):  # the schedule had begun
            decay.on_train_end()  # the recipe's rates, not the annealed ones, are saved
        record.checkpoint(gan)
        stopper.interrupted = True
    finally:
        stopper.restore()
    if stopper.interrupted:  # the saver's on_train_end has saved the checkpoint
        raise TrainingInterrupted(
            f"interrupted at step {gan.step}; checkpoint saved in {out}: run the same "
            "command to resume"
        )
    run.stopped = guard.message


class _RunRecord:
    """``run.json`` kept in step with the checkpoint: :meth:`write` records the step the
    checkpoint now holds and the training time spent so far. The checkpoint is always written
    first, so a kill between the two leaves a run.json one epoch behind a valid checkpoint; the
    step stored in the checkpoint is the one a resumed run continues from."""

    def __init__(self, out: Path, run: Run):
        self.out, self.run, self.started = out, run, None

    def start_clock(self) -> None:
        self.started = time.perf_counter()
        self.before = (self.run.seconds_trained, self.run.segment.seconds_done)

    def write(self, gan) -> None:
        if self.started is not None:
            spent = time.perf_counter() - self.started
            self.run.seconds_trained = round(self.before[0] + spent, 3)
            self.run.segment.seconds_done = round(self.before[1] + spent, 3)
        self.run.step = gan.step
        self.run.save(self.out)

    def checkpoint(self, gan) -> None:
        gan.save_checkpoint(self.out / CHECKPOINT_NAME, {"data": self.run.data})
        self.write(gan)


def load_run(out):
    """``(gan, run)`` for a run directory written by :func:`train_run`."""
    run = Run.read(out)
    gan = build_gan(run.recipe, run.info(), run.seed)
    gan.load_checkpoint(Path(out) / CHECKPOINT_NAME)
    return gan, run


def sample_run(out, n: int, label: int | None = None, seed: int = 0, gan=None) -> np.ndarray:
    """``n`` samples from a run: (n, d) for toy data, (n, H, W, C) float32 in [0, 1] for images."""
    n = positive_int("-n", n)
    if gan is None:
        gan, run = load_run(out)
    else:
        run = Run.read(out)
    if label is not None:
        if not run.conditional:
            clusters = run.cluster_sizes
            raise GanbookError(
                "--label needs a run trained with --conditional"
                + (
                    f"; this run is unconditional (its {len(clusters)} clusters are not classes)"
                    if clusters
                    else ""
                )
            )
        if not (isinstance(label, int) and 0 <= label < run.num_classes):
            raise GanbookError(f"--label must be in 0..{run.num_classes - 1}, got {label!r}")
    else:
        label = run.sampling_labels(n, seed)
    samples = gan.generate(n, labels=label, seed=seed)
    if run.kind == "image":
        samples = np.clip((samples + 1.0) / 2.0, 0.0, 1.0)
    return samples.astype(np.float32)


def save_run_samples(gan, run: Run, path) -> None:
    """The run's picture: a 10x10 class-by-column grid for conditional runs, 64 images for
    unconditional ones, 2,500 points for toy data."""
    from .plotting import save_samples

    if run.kind == "toy":
        samples = gan.generate(2500, labels=run.sampling_labels(2500), seed=0)
    elif run.conditional:
        samples = gan.generate(10 * run.num_classes, seed=0)  # labels cycle 0..K-1
    else:
        samples = gan.generate(64, labels=run.sampling_labels(64), seed=0)
    save_samples(samples, path, title=f"{run.data} after {gan.step} steps")


def evaluate_run(out, gan=None, run: Run | None = None) -> dict:
    """Quality measures for a run (:func:`ganbook_lib.metrics.evaluate`), with its step and
    training time."""
    from .metrics import evaluate

    if gan is None:
        gan, run = load_run(out)
    elif run is None:
        run = Run.read(out)
    result = {"step": gan.step, "seconds_trained": round(run.seconds_trained, 1)}
    return {**result, **evaluate(gan, run.data, run.cluster_sizes, run.conditional)}
