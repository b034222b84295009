"""The ``ganbook`` command (also ``python -m ganbook_lib``).

    ganbook train --data NAME|PATH [--conditional] [--loss NAME] [--seconds S | --steps N]
                  [--seed K] [--devices N] --out DIR
    ganbook sample --run DIR -n N --out FILE.npz [--label C]
    ganbook evaluate --run DIR
    ganbook bench throughput [--batch 256] [--steps N]
    ganbook bench devices [--devices 2]

Bad arguments exit with status 2 and one line that says what is accepted.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys

from . import DatasetUnavailableError, GanbookError, __version__


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one clear line, no usage dump
        self.exit(2, f"{self.prog}: error: {message}\n")


def _positive(kind):
    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            value = -1
        if not value > 0 or value != value or value == float("inf"):
            raise argparse.ArgumentTypeError(f"expected a positive {kind.__name__}, got {text!r}")
        return value

    parse.__name__ = kind.__name__
    return parse


def _non_negative_int(text):
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a non-negative integer, got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The ``ganbook`` argument parser (sub-commands train, sample, evaluate, grade, bench)."""
    from .losses import LOSSES

    parser = _Parser(prog="ganbook", description="Train, sample and evaluate the book's GANs.")
    parser.add_argument("--version", action="version", version=f"ganbook {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    train = sub.add_parser("train", help="train the recommended recipe for a dataset")
    train.add_argument(
        "--data",
        required=True,
        help="ring, grid, gaussian_1d, bimodal_1d, mnist5k, digits, mnist, "
        "fashion_mnist, a folder of images, or a .npy file",
    )
    train.add_argument("--conditional", action="store_true", help="class-conditional model")
    train.add_argument("--loss", choices=list(LOSSES), help="loss family (default: the recipe's)")
    length = train.add_mutually_exclusive_group()
    length.add_argument("--seconds", type=_positive(float), help="wall-time budget for training")
    length.add_argument("--steps", type=_positive(int), help="number of generator steps")
    train.add_argument("--seed", type=_non_negative_int, default=0, help="the run's one seed")
    train.add_argument("--out", required=True, help="run directory (resumed if it holds a run)")
    train.add_argument(
        "--devices",
        type=_positive(int),
        help="train on N devices with tf.distribute.MirroredStrategy: the first N GPUs, or N "
        "logical devices of the CPU on a machine without GPUs (same numbers, not faster)",
    )
    train.add_argument("--quiet", action="store_true", help="no progress bar")

    sample = sub.add_parser("sample", help="write generated samples to an .npz file")
    sample.add_argument("--run", required=True, help="a directory written by 'ganbook train'")
    sample.add_argument("-n", type=_positive(int), required=True, help="number of samples")
    sample.add_argument("--out", required=True, help="output .npz file (array 'samples')")
    sample.add_argument("--label", type=_non_negative_int, help="class, for conditional runs")
    sample.add_argument("--seed", type=_non_negative_int, default=0, help="seed for z")

    evaluate = sub.add_parser("evaluate", help="print a run's quality measures as JSON")
    evaluate.add_argument("--run", required=True, help="a directory written by 'ganbook train'")

    grade = sub.add_parser(
        "grade", help="run students' notebooks and score their exercises into a CSV file"
    )
    grade.add_argument(
        "submissions", nargs="+", help="notebooks (named like the chapter's) or folders of them"
    )
    grade.add_argument("--out", required=True, help="the CSV file to write")
    grade.add_argument("--hidden", help="a folder of hidden checks, such as graders/hidden")
    grade.add_argument(
        "--timeout", type=_positive(int), default=600, help="seconds allowed for one cell"
    )

    bench = sub.add_parser("bench", help="benchmarks")
    bench_sub = bench.add_subparsers(dest="bench", required=True, parser_class=_Parser)
    throughput = bench_sub.add_parser(
        "throughput",
        help="images/s of GAN.fit vs a plain tf.function step (the TensorFlow tutorial's "
        "models), as JSON",
    )
    throughput.add_argument("--batch", type=_positive(int), default=256)
    throughput.add_argument("--steps", type=_positive(int), default=20)
    throughput.add_argument("--seed", type=_non_negative_int, default=0)
    several = bench_sub.add_parser(
        "devices",
        help="one step on N devices (MirroredStrategy) against one step on one device: the "
        "weight difference, and seconds per step, as JSON",
    )
    several.add_argument("--devices", type=_positive(int), default=2)
    return parser


def print_json(obj, stream=None) -> None:
    """Write ``obj`` as indented JSON and a newline (to standard output by default)."""
    stream = stream or sys.stdout
    json.dump(obj, stream, indent=2)
    stream.write("\n")


def _grade(args) -> None:
    from pathlib import Path

    from . import grading

    notebooks = []
    for item in args.submissions:
        path = Path(item)
        if path.is_dir():
            notebooks += sorted(
                p for p in path.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
            )
        elif path.is_file():
            notebooks.append(path)
        else:
            raise GanbookError(f"no such notebook or folder: {item}")
    if not notebooks:
        raise GanbookError("no notebooks (.ipynb) among the submissions")
    if args.hidden is not None and not Path(args.hidden).is_dir():
        raise GanbookError(f"--hidden {args.hidden}: no such folder of hidden checks")
    for notebook in notebooks:
        grading.chapter_of(notebook)  # every name is checked before anything runs
    rows = []
    for notebook in notebooks:
        results = grading.grade_notebook(notebook, args.hidden, args.timeout)
        got = sum(r.points for r in results.values())
        possible = sum(r.possible for r in results.values())
        print(f"{notebook}: {got:g} of {possible:g} points", flush=True)
        rows.append((str(notebook), results))
    print(f"wrote {grading.write_scores(rows, args.out)}")


def _run(args) -> None:
    from . import runs

    if args.command == "grade":
        return _grade(args)

    if args.command == "train":
        verbose = 0 if args.quiet else (1 if sys.stdout.isatty() else 2)
        run = runs.train_run(
            args.data,
            args.out,
            args.conditional,
            args.loss,
            args.seconds,
            args.steps,
            args.seed,
            verbose=verbose,
            devices=args.devices,
        )
        if run.stopped:
            print(f"ganbook: warning: {run.stopped}", file=sys.stderr)
        if run.resumed_from is not None:
            print(f"resumed {args.out} from its checkpoint at step {run.resumed_from}")
        print(
            f"trained {run.step} steps in {run.seconds_trained:.1f} s; wrote "
            f"{os.path.join(args.out, 'samples.png')}, checkpoint.npz, losses.csv, metrics.json"
        )
        print_json(run.metrics)
    elif args.command == "sample":
        from .files import write_npz

        if not args.out.endswith(".npz"):
            raise GanbookError(f"--out must name a .npz file, got {args.out!r}")
        samples = runs.sample_run(args.run, args.n, args.label, args.seed)
        parent = os.path.dirname(os.path.abspath(args.out))
        if not os.path.isdir(parent):
            raise GanbookError(f"--out: folder {parent!r} does not exist")
        write_npz(args.out, samples=samples)  # atomic, and the same bytes for the same seed
        print(f"wrote {args.out}: samples {samples.shape} {samples.dtype}")
    elif args.command == "evaluate":
        print_json(runs.evaluate_run(args.run))
    elif args.command == "bench" and args.bench == "devices":
        from . import devices

        if args.devices < 2:
            raise GanbookError(f"--devices must be 2 or more to compare, got {args.devices}")
        report = devices.equal_step_report(args.devices)
        seconds = devices.step_seconds(args.devices)
        report["seconds_per_step"] = {str(n): round(s, 4) for n, s in seconds.items()}
        print_json(report)
    elif args.command == "bench":
        from .references.tf_tutorial import throughput

        print_json(throughput(args.batch, args.steps, seed=args.seed))


@contextlib.contextmanager
def _stderr_muted():
    """Mute file descriptor 2: TensorFlow's C++ start-up messages (oneDNN, CUDA probing) would
    otherwise bury the command's own one-line errors."""
    saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    sys.stderr.flush()
    os.dup2(devnull, 2)
    try:
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def _start_tensorflow(cpu_devices: int = 1) -> None:
    """Start TensorFlow's runtime. On a machine without GPUs, ``cpu_devices > 1`` first splits
    the CPU into that many logical devices (``train --devices N``), which TensorFlow allows only
    before its runtime starts."""
    import tensorflow as tf

    if cpu_devices > 1 and not tf.config.list_physical_devices("GPU"):
        from .devices import split_cpu

        split_cpu(cpu_devices)
    tf.constant(0.0) + 1.0


def main(argv=None) -> int:
    """Run the ``ganbook`` command with ``argv``; return the exit status (2 for bad input)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # before TensorFlow is imported
    with _stderr_muted():
        import tensorflow  # noqa: F401
    args = build_parser().parse_args(argv)
    try:
        with _stderr_muted():
            _start_tensorflow(getattr(args, "devices", None) or 1)
        _run(args)
    except (GanbookError, DatasetUnavailableError) as exc:
        print(f"ganbook {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:  # Ctrl-C; 'ganbook train' has saved a checkpoint
        print(f"ganbook {args.command}: {exc or 'interrupted'}", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader left early ('ganbook evaluate ... | head -2')
        try:  # stop quietly, as Unix tools do: no traceback, no second error at exit
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError, AttributeError):
            pass
        return 141  # 128 + SIGPIPE
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
