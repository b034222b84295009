"""Recipes: the library's recommended way to train a GAN on each dataset, and runs on disk.

A *recipe* is everything but the data: architecture sizes, loss, optimizers, batch size.
:func:`train_run` is what ``ganbook train`` does; :func:`load_run`, :func:`sample_run` and
:func:`evaluate_run` serve ``ganbook sample`` and ``ganbook evaluate``.

A run directory holds ``run.json`` (what was trained), ``checkpoint.npz`` (resumable state),
``losses.csv`` (the loss log), ``samples.png`` and ``metrics.json``.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import GanbookError, set_seed
from .data import IMAGE_DATASETS, TOY_DATASETS, load_images, make_dataset, sample_toy, toy_mixture
from .files import remove_stale_temporaries, write_json, write_text
from .losses import LOSSES

RUN_FILE = "run.json"
CHECKPOINT_FILE = "checkpoint.npz"
TOY_DATA_SIZE = 100_000
EVAL_SAMPLES = {"toy": 2500, "image": 1000}


@dataclass(frozen=True)
class Recipe:
    """How to train on one kind of data. ``steps`` is the default length (generator steps);
    ``log_every`` is the number of steps in one Keras epoch (one line of the loss log)."""

    kind: str  # "toy" or "image"
    latent_dim: int
    batch_size: int
    lr: float
    beta_1: float = 0.5
    beta_2: float = 0.999
    loss: str = "nonsaturating"
    d_steps: int = 1
    gradient_penalty_weight: float = 0.0
    r1_weight: float = 0.0
    ema_decay: float | None = None  # generator weight averaging (images)
    hidden: int = 128  # MLP width (toy data)
    depth: int = 3  # MLP depth (toy data)
    width: int = 32  # DCGAN base width (images)
    steps: int = 5000
    log_every: int = 200
    arch: str = "dcgan"  # images: "dcgan" (this library's) or "tf-tutorial" (28x28x1 only)
    update: str = "alternating"  # or "simultaneous" (see GAN.compile)
    cosine_decay: bool = False  # anneal the learning rates to 0 over the training budget
    d_lr: float | None = None  # the discriminator's learning rate, if not ``lr`` (TTUR)
    clusters: int = 0  # self-condition on this many k-means clusters of the data (0 = off)


RECIPES = {
    "gaussian_1d": Recipe("toy", latent_dim=4, batch_size=256, lr=1e-3, hidden=64, steps=3000),
    "bimodal_1d": Recipe("toy", latent_dim=4, batch_size=256, lr=1e-3, hidden=64, steps=4000),
    # The 2-D mixtures: a 2-D latent (the data's own dimension) and learning rates annealed to 0
    # over the budget, so the generator settles and its samples tighten onto the modes. With a
    # wider latent or a constant rate, runs lost modes or left more samples between them.
    # The grid is also self-conditioned on 50 k-means clusters (see cluster_data): without them,
    # 60 s runs that made ~30,000 steps covered all 25 modes, but one that made 18,000 only 19.
    "ring": Recipe("toy", latent_dim=2, batch_size=256, lr=1e-3, cosine_decay=True, steps=20000),
    "grid": Recipe(
        "toy", latent_dim=2, batch_size=256, lr=1e-3, cosine_decay=True, steps=20000, clusters=50
    ),
    # Unconditional digits, self-conditioned on 50 k-means clusters of the training images (see
    # cluster_data). In 120 s it took the classifier FD from about 11 to under 3 and the score
    # from 6.9 to 9.0 (real digits: 1.2 and 9.3); 10 or 20 clusters helped less.
    "mnist5k": Recipe(
        "image",
        latent_dim=64,
        batch_size=64,
        lr=5e-4,
        width=32,
        ema_decay=0.999,
        steps=3000,
        clusters=50,
    ),
    "digits": Recipe("image", latent_dim=32, batch_size=64, lr=2e-4, width=32, steps=3000),
    "mnist": Recipe("image", latent_dim=64, batch_size=128, lr=2e-4, width=64, steps=20000),
    "fashion_mnist": Recipe("image", latent_dim=64, batch_size=128, lr=2e-4, width=64, steps=20000),
}
# For a user's own folder of images or .npy file.
USER_IMAGES_RECIPE = Recipe("image", latent_dim=64, batch_size=64, lr=2e-4, width=32, steps=4000)


def recipe_for(data: str, loss: str | None = None) -> Recipe:
    """The recommended recipe for ``data`` (a dataset name, or a path for a user's images)."""
    if data in RECIPES:
        recipe = RECIPES[data]
    elif os.path.exists(data) or data.endswith(".npy"):
        recipe = USER_IMAGES_RECIPE
    else:
        raise GanbookError(
            f"unknown --data {data!r}; accepted: {', '.join(TOY_DATASETS + IMAGE_DATASETS)}, "
            "a folder of images, or a .npy file"
        )
    if loss is not None:
        if loss not in LOSSES:
            raise GanbookError(f"unknown loss {loss!r}; accepted: {', '.join(LOSSES)}")
        gp = 10.0 if loss == "wasserstein" else recipe.gradient_penalty_weight
        d_steps = 5 if loss == "wasserstein" else recipe.d_steps
        recipe = dataclasses.replace(
            recipe,
            loss=loss,
            gradient_penalty_weight=gp,
            d_steps=d_steps,
            beta_1=0.0 if loss == "wasserstein" else recipe.beta_1,
            beta_2=0.9 if loss == "wasserstein" else recipe.beta_2,
        )
    return recipe


def _supported_side(side: int) -> int:
    from .models import SUPPORTED_SIZES

    bigger = [s for s in SUPPORTED_SIZES if s >= side]
    return bigger[0] if bigger else SUPPORTED_SIZES[-1]


def load_training_data(data: str, conditional: bool = False, seed: int = 0):
    """``(x, labels, info)`` for training: toy samples or images in [-1, 1]."""
    if data in TOY_DATASETS:
        if conditional:
            raise GanbookError("--conditional needs a labelled image dataset, not toy data")
        return sample_toy(data, TOY_DATA_SIZE, seed), None, {"kind": "toy"}
    x, y = load_images(data, "train")
    side = _supported_side(max(x.shape[1:3]))
    if x.shape[1:3] != (side, side):
        x, _ = load_images(data, "train", image_size=side)
    if conditional and y is None:
        raise GanbookError(
            f"--conditional needs labels, and {data!r} has none; "
            f"labelled datasets: {', '.join(IMAGE_DATASETS)}"
        )
    info = {
        "kind": "image",
        "image_shape": list(x.shape[1:]),
        "num_classes": int(y.max()) + 1 if conditional else None,
    }
    return x, (y if conditional else None), info


def cluster_data(x: np.ndarray, k: int, seed: int = 0) -> np.ndarray:
    """Cluster ids (int32, one per example) from k-means on ``x`` (points, or images' pixels).

    They are the labels of a *self-conditioned* GAN (Liu et al., 2020): a class-conditional GAN
    trained on clusters found without labels, sampled by drawing a cluster in proportion to its
    size. The generator no longer has to stretch one Gaussian latent across every mode, so it
    puts fewer samples between them (on the grid) and makes fewer in-between shapes (digits).
    Liu et al. cluster the discriminator's features and re-cluster during training; one
    k-means of the raw data before training is this library's simplification, enough for the
    grid and for digits.
    """
    from sklearn.cluster import KMeans

    x = np.asarray(x)
    if isinstance(k, bool) or not isinstance(k, int) or not 2 <= k <= len(x):
        raise GanbookError(f"clusters must be an integer in 2..{len(x)} (the examples), got {k!r}")
    flat = x.reshape(len(x), -1).astype(np.float32)
    return KMeans(k, n_init=3, random_state=seed).fit(flat).labels_.astype(np.int32)


def sampling_labels(run: dict, n: int, seed: int = 0) -> np.ndarray | None:
    """The labels to sample ``n`` images of a run with: cluster ids drawn in proportion to the
    cluster sizes for a self-conditioned run, ``None`` otherwise (a conditional GAN then cycles
    through its classes)."""
    sizes = run.get("cluster_sizes")
    if not sizes:
        return None
    p = np.asarray(sizes, dtype=np.float64)
    rng = np.random.default_rng([seed, 1])  # a stream apart from the one z is drawn from
    return rng.choice(len(p), size=int(n), p=p / p.sum()).astype(np.int32)


def build_gan(recipe: Recipe, info: dict, seed: int = 0, steps_per_execution: int = 1):
    """A compiled :class:`~ganbook_lib.training.GAN` for ``recipe`` and data ``info``.

    ``steps_per_execution`` is Keras' own: that many training steps per call into TensorFlow
    (the same numbers, less Python overhead per step; callbacks then see every n-th step).
    """
    import keras

    from .models import (
        dcgan_discriminator,
        dcgan_generator,
        mlp_discriminator,
        mlp_generator,
    )
    from .training import GAN

    num_classes = info.get("num_classes")
    if info["kind"] == "toy":
        dim = info["dim"]
        generator = mlp_generator(recipe.latent_dim, dim, recipe.hidden, recipe.depth, num_classes)
        discriminator = mlp_discriminator(dim, recipe.hidden, recipe.depth, num_classes)
    elif recipe.arch == "tf-tutorial":
        if list(info["image_shape"]) != [28, 28, 1] or num_classes:
            raise GanbookError(
                "the tf-tutorial architecture takes unconditional 28x28x1 images, "
                f"not {info['image_shape']}" + (" with labels" if num_classes else "")
            )
        from .references.tf_tutorial import tutorial_discriminator, tutorial_generator

        generator = tutorial_generator(recipe.latent_dim)
        discriminator = tutorial_discriminator()
    else:
        side, _, channels = info["image_shape"]
        generator = dcgan_generator(side, channels, recipe.latent_dim, recipe.width, num_classes)
        discriminator = dcgan_discriminator(side, channels, recipe.width, num_classes)
    gan = GAN(generator, discriminator, recipe.latent_dim, num_classes, seed=seed)

    def adam(lr):
        return keras.optimizers.Adam(lr, beta_1=recipe.beta_1, beta_2=recipe.beta_2)

    gan.compile(
        adam(recipe.lr),
        adam(recipe.d_lr or recipe.lr),
        loss=recipe.loss,
        d_steps=recipe.d_steps,
        gradient_penalty_weight=recipe.gradient_penalty_weight,
        r1_weight=recipe.r1_weight,
        ema_decay=recipe.ema_decay,
        update=recipe.update,
        steps_per_execution=steps_per_execution,
    )
    return gan


def _data_key(data: str) -> str:
    """How a run records its data: a dataset name as is (even if a folder of that name exists
    in the working directory), a user's path as an absolute path."""
    return data if data in RECIPES else os.path.abspath(data)


def _check_positive(name, value, kind=float):
    if value is None:
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(value)
        or value <= 0
        or (kind is int and value != int(value))
    ):
        raise GanbookError(
            f"{name} must be a positive {'integer' if kind is int else 'number'}, got {value!r}"
        )
    return kind(value)


# What every run.json holds. RUN_FORMAT changes whenever a run written before could not be
# read back the same way (the fields, the checkpoint's layout or the models' layers).
RUN_FORMAT = 1
RUN_FIELDS = {
    "format": int,
    "ganbook_version": str,
    "data": str,
    "conditional": bool,
    "loss": str,
    "seed": int,
    "recipe": dict,
    "kind": str,
    "status": str,
    "step": int,
    "segment": dict,
    "seconds_trained": (int, float),
}
SEGMENT_FIELDS = ("start_step", "target_step", "steps", "seconds", "seconds_done")


def read_run(out) -> dict:
    """The record of the run in directory ``out`` (its ``run.json``), checked: a file that is not
    JSON, lacks a field or was written by another version of the library raises
    :class:`~ganbook_lib.GanbookError` naming the file and what is wrong."""
    from . import __version__

    path = Path(out) / RUN_FILE
    if not path.is_file():
        raise GanbookError(
            f"no run at {str(out)!r}: expected a directory written by "
            "'ganbook train' (with run.json and checkpoint.npz)"
        )
    try:
        run = json.loads(path.read_text())
    except (UnicodeDecodeError, ValueError) as exc:
        raise GanbookError(f"{path} is not valid JSON ({exc}); the run cannot be read") from None
    if not isinstance(run, dict):
        raise GanbookError(f"{path} holds a {type(run).__name__}, not a run record")
    if run.get("format") != RUN_FORMAT:
        raise GanbookError(
            f"{path} was written by ganbook {run.get('ganbook_version', 'before 0.1.0')} "
            f"(run format {run.get('format', 'none')}); this is ganbook {__version__}, which "
            f"reads run format {RUN_FORMAT}: train again into another folder"
        )
    for field, kind in RUN_FIELDS.items():
        if field not in run:
            raise GanbookError(f"{path} lacks the field {field!r}; the run cannot be read")
        if not isinstance(run[field], kind) or (kind is int and isinstance(run[field], bool)):
            raise GanbookError(f"{path}: field {field!r} has a bad value {run[field]!r}")
    missing = [f for f in SEGMENT_FIELDS if f not in run["segment"]]
    if missing:
        raise GanbookError(f"{path}: field 'segment' lacks {', '.join(missing)}")
    try:
        Recipe(**run["recipe"])
    except TypeError as exc:
        raise GanbookError(
            f"{path}: field 'recipe' is not a recipe of this version ({exc})"
        ) from None
    return run


def _trim_loss_log(path: Path, step: int) -> None:
    """Keep the loss log's rows up to ``step`` (the checkpoint's): rows that a killed run wrote
    after its last checkpoint would otherwise appear twice when the run resumes."""
    if not path.is_file():
        return
    lines = path.read_text().splitlines()
    kept = lines[:1]
    for line in lines[1:]:
        fields = line.split(",")
        if (
            len(fields) == len(lines[0].split(","))
            and fields[0].isdigit()
            and int(fields[0]) <= step
        ):
            kept.append(line)
    if kept != lines:
        write_text(path, "\n".join(kept) + "\n")


class TrainingInterrupted(KeyboardInterrupt):
    """Ctrl-C during ``train_run``: the checkpoint was saved; the message says how to resume."""


def _length_text(segment: dict) -> str:
    if segment["seconds"]:
        return f"--seconds {segment['seconds']:g}"
    return f"--steps {segment['steps']}"


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
) -> dict:
    """Train the recommended recipe for ``data`` and write a run directory ``out``.

    ``seconds`` bounds the wall time of the training loop; ``steps`` the number of generator
    steps; with neither, the recipe's default length is used. If ``out`` already holds a run,
    training resumes from its checkpoint (same data, conditioning and loss required): a
    finished run trains for the length given, an interrupted one (Ctrl-C, ``kill -9``, a
    crash) finishes the length it was started with. ``recipe`` replaces the recommended one
    (the benchmarks train the TensorFlow tutorial's recipe this way); ``callbacks`` are extra
    Keras callbacks for ``fit()``. Returns the run's record (also in ``out/run.json``).

    The run directory survives faults: the checkpoint and ``run.json`` are rewritten together at
    every epoch (``recipe.log_every`` steps), every write is atomic, and Ctrl-C saves a
    checkpoint before it raises :class:`TrainingInterrupted`.
    """
    from . import __version__
    from .training import (
        CosineDecay,
        GANCheckpoint,
        LossLog,
        NonFiniteGuard,
        StepLimit,
        StopOnInterrupt,
        TimeLimit,
    )

    seconds = _check_positive("--seconds", seconds)
    steps = _check_positive("--steps", steps, int)
    if seconds is not None and steps is not None:
        raise GanbookError("give --seconds or --steps, not both")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise GanbookError(f"--seed must be a non-negative integer, got {seed!r}")
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise GanbookError(f"--out {str(out)!r} exists and is not a directory")
    previous = read_run(out) if (out / RUN_FILE).exists() else None
    if previous is None and (out / CHECKPOINT_FILE).exists():
        raise GanbookError(
            f"{out} holds a checkpoint but no {RUN_FILE}, so the run cannot be resumed; "
            "restore run.json or choose another --out (the checkpoint is left as it is)"
        )
    unfinished = previous is not None and previous["status"] != "finished"
    if previous is not None:
        for key, value in (("data", _data_key(data)), ("conditional", conditional)):
            if previous[key] != value:
                raise GanbookError(
                    f"{out} holds a run with {key}={previous[key]!r}, not "
                    f"{value!r}; choose another --out to start a new run"
                )
        if loss is not None and previous["loss"] != loss:
            raise GanbookError(f"{out} holds a run with loss {previous['loss']!r}, not {loss!r}")
        segment = previous["segment"]
        asked = {"steps": steps, "seconds": seconds}
        if unfinished and any(v is not None and v != segment[k] for k, v in asked.items()):
            raise GanbookError(
                f"{out} holds an interrupted run (step {previous['step']}, started with "
                f"{_length_text(segment)}); give the same length to finish it"
            )
        loss, seed = previous["loss"], previous["seed"]
        recipe = Recipe(**previous["recipe"])
    elif recipe is not None and loss is not None:
        raise GanbookError("give a recipe or a loss, not both (a recipe names its loss)")

    set_seed(seed)
    recipe = recipe or recipe_for(data, loss)
    x, labels, info = load_training_data(data, conditional, seed)
    if info["kind"] == "toy":
        info["dim"] = int(x.shape[1])
    if recipe.clusters and not conditional:
        clustering_started = time.perf_counter()
        labels = cluster_data(x, recipe.clusters, seed)
        info["cluster_seconds"] = round(time.perf_counter() - clustering_started, 2)
        info["num_classes"] = recipe.clusters
        info["cluster_sizes"] = np.bincount(labels, minlength=recipe.clusters).tolist()
        if previous is not None and previous.get("cluster_sizes") != info["cluster_sizes"]:
            raise GanbookError(
                f"{out} was trained on other clusters of {data!r} than this machine finds now "
                "(has the data changed?); choose another --out to start a new run"
            )
    if len(x) < recipe.batch_size:
        raise GanbookError(
            f"--data {data!r} holds {len(x)} examples, fewer than one batch of "
            f"{recipe.batch_size}; give at least {recipe.batch_size}"
        )
    gan = build_gan(recipe, info, seed)
    if previous is not None:
        gan.load_checkpoint(out / CHECKPOINT_FILE)  # checked before anything is written
    if unfinished:
        segment = dict(previous["segment"])
    else:
        length = steps or (None if seconds else recipe.steps)
        segment = {
            "start_step": gan.step,
            "target_step": gan.step + length if length else None,
            "steps": length,
            "seconds": seconds,
            "seconds_done": 0.0,
        }
    out.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(out)
    run = {
        "format": RUN_FORMAT,
        "ganbook_version": __version__,
        "data": _data_key(data),
        "conditional": bool(conditional),
        "loss": recipe.loss,
        "seed": seed,
        "recipe": dataclasses.asdict(recipe),
        **info,
        "status": "training",
        "step": gan.step,
        "resumed_from": gan.step if previous is not None else None,
        "segment": segment,
        "seconds_trained": previous["seconds_trained"] if previous else 0.0,
    }
    record = _RunRecord(out, run)
    _trim_loss_log(out / "losses.csv", gan.step)
    record.checkpoint(gan)  # at step 0 too, so that even a run killed at once resumes

    target = segment["target_step"] or 10**12
    seconds_left = segment["seconds"] - segment["seconds_done"] if segment["seconds"] else None
    if gan.step < target and (seconds_left is None or seconds_left > 0):
        guard = NonFiniteGuard()
        saver = GANCheckpoint(
            out / CHECKPOINT_FILE, meta={"data": run["data"]}, on_save=record.write
        )
        stopper = StopOnInterrupt()
        fit_callbacks = [StepLimit(target), guard, LossLog(out / "losses.csv"), saver, stopper]
        if seconds_left:
            fit_callbacks.append(TimeLimit(seconds_left))
        if recipe.cosine_decay:
            # first in the list, so its on_train_end restores the rates before the checkpoint
            # is saved; a resumed segment continues the schedule it began with
            decay = CosineDecay(
                steps=segment["steps"],
                seconds=segment["seconds"],
                start_step=segment["start_step"],
                seconds_done=segment["seconds_done"],
                base_rates=(recipe.lr, recipe.d_lr or recipe.lr),
            )
            fit_callbacks.insert(0, decay)
        epoch0 = math.ceil(gan.step / recipe.log_every)  # a partial epoch counts as one
        epochs = epoch0 + math.ceil(min(target - gan.step, 10**9) / recipe.log_every)
        dataset = make_dataset(x, labels, recipe.batch_size, seed=seed + gan.step)
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
            if recipe.cosine_decay and hasattr(decay, "base"):  # the schedule had begun
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
        run["stopped"] = guard.message
    save_run_samples(gan, run, out / "samples.png")
    run["metrics"] = evaluate_run(out, gan=gan, run=run)
    write_json(out / "metrics.json", run["metrics"])
    run["status"] = "finished"
    write_json(out / RUN_FILE, {k: v for k, v in run.items() if k != "metrics"})
    return run


class _RunRecord:
    """``run.json`` kept in step with the checkpoint: :meth:`write` records the step the
    checkpoint now holds and the training time spent so far. The checkpoint is always written
    first, so a kill between the two leaves a run.json one epoch behind a valid checkpoint; the
    step stored in the checkpoint is the one a resumed run continues from."""

    def __init__(self, out: Path, run: dict):
        self.out, self.run, self.started = out, run, None

    def start_clock(self) -> None:
        self.started = time.perf_counter()
        self.before = (self.run["seconds_trained"], self.run["segment"]["seconds_done"])

    def write(self, gan) -> None:
        if self.started is not None:
            spent = time.perf_counter() - self.started
            self.run["seconds_trained"] = round(self.before[0] + spent, 3)
            self.run["segment"]["seconds_done"] = round(self.before[1] + spent, 3)
        self.run["step"] = gan.step
        write_json(self.out / RUN_FILE, self.run)

    def checkpoint(self, gan) -> None:
        gan.save_checkpoint(self.out / CHECKPOINT_FILE, {"data": self.run["data"]})
        self.write(gan)


def load_run(out):
    """``(gan, run)`` for a run directory written by :func:`train_run`."""
    run = read_run(out)
    recipe = Recipe(**run["recipe"])
    gan = build_gan(recipe, run, run["seed"])
    gan.load_checkpoint(Path(out) / CHECKPOINT_FILE)
    return gan, run


def sample_run(out, n: int, label: int | None = None, seed: int = 0, gan=None) -> np.ndarray:
    """``n`` samples from a run: (n, d) for toy data, (n, H, W, C) float32 in [0, 1] for images."""
    n = _check_positive("-n", n, int)
    if gan is None:
        gan, run = load_run(out)
    else:
        run = read_run(out)
    if label is not None:
        if not run["conditional"]:
            clusters = run.get("cluster_sizes")
            raise GanbookError(
                "--label needs a run trained with --conditional"
                + (
                    f"; this run is unconditional (its {len(clusters)} clusters are not classes)"
                    if clusters
                    else ""
                )
            )
        if not (isinstance(label, int) and 0 <= label < run["num_classes"]):
            raise GanbookError(f"--label must be in 0..{run['num_classes'] - 1}, got {label!r}")
    else:
        label = sampling_labels(run, n, seed)
    samples = gan.generate(n, labels=label, seed=seed)
    if run["kind"] == "image":
        samples = np.clip((samples + 1.0) / 2.0, 0.0, 1.0)
    return samples.astype(np.float32)


def save_run_samples(gan, run: dict, path) -> None:
    """The run's picture: a 10x10 class-by-column grid for conditional runs, 64 images for
    unconditional ones, 2,500 points for toy data."""
    from .plotting import save_samples

    if run["kind"] == "toy":
        samples = gan.generate(2500, labels=sampling_labels(run, 2500), seed=0)
    elif run["conditional"]:
        samples = gan.generate(10 * run["num_classes"], seed=0)  # labels cycle 0..K-1
    else:
        samples = gan.generate(64, labels=sampling_labels(run, 64), seed=0)
    save_samples(samples, path, title=f"{run['data']} after {gan.step} steps")


def evaluate_run(out, gan=None, run: dict | None = None) -> dict:
    """Quality measures for a run (see :mod:`ganbook_lib.metrics`)."""
    if gan is None:
        gan, run = load_run(out)
    elif run is None:
        run = read_run(out)
    result = {"step": gan.step, "seconds_trained": round(run.get("seconds_trained", 0.0), 1)}
    return {**result, **measure(gan, run)}


def measure(gan, run: dict) -> dict:
    """The quality of ``gan`` as it is now, for a run described by ``run`` (its ``run.json``):
    what ``ganbook evaluate`` prints, and what the benchmarks measure along a run."""
    from . import metrics

    if run["kind"] == "toy":
        n = EVAL_SAMPLES["toy"]
        samples = gan.generate(n, labels=sampling_labels(run, n, seed=12345), seed=12345)
        if run["data"] in ("ring", "grid"):
            mixture = toy_mixture(run["data"])
            return metrics.mode_coverage(samples, mixture.means, mixture.stds[0])
        from scipy.stats import wasserstein_distance

        real = sample_toy(run["data"], 10_000, seed=999)
        return {
            "wasserstein_1": float(wasserstein_distance(samples.ravel(), real.ravel())),
            "mean": float(samples.mean()),
            "std": float(samples.std()),
            "data_mean": float(real.mean()),
            "data_std": float(real.std()),
        }
    if run["data"] not in IMAGE_DATASETS:
        return {}  # a user's images: no classifier to measure with
    n = EVAL_SAMPLES["image"]
    samples = gan.generate(n, labels=sampling_labels(run, n, seed=12345), seed=12345)
    classifier = metrics.digit_classifier(run["data"])
    x_train, _ = load_images(run["data"], "train")
    x_test, _ = load_images(run["data"], "test")
    x_test = x_test[:n]
    probs = classifier.probabilities(samples)
    histogram = np.bincount(probs.argmax(1), minlength=probs.shape[1])
    result = {
        "classifier_accuracy_on_test": classifier.test_accuracy,
        "frechet_distance": metrics.classifier_frechet_distance(samples, x_train, classifier),
        "classifier_score": metrics.classifier_score(samples, classifier),
        "real_frechet_distance": metrics.classifier_frechet_distance(x_test, x_train, classifier),
        "real_classifier_score": metrics.classifier_score(x_test, classifier),
        "classes_present": int((histogram > 0).sum()),
        "class_histogram": histogram.tolist(),
        "nearest_neighbour_ratio": metrics.nearest_neighbour_ratio(
            samples[:500], x_train, x_test[:500]
        ),
    }
    if run["conditional"]:
        result["label_accuracy"] = float(
            (probs.argmax(1) == np.arange(n) % run["num_classes"]).mean()
        )
    return result


def print_json(obj, stream=sys.stdout) -> None:
    """Write ``obj`` as indented JSON and a newline."""
    json.dump(obj, stream, indent=2)
    stream.write("\n")
