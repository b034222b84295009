"""Run every chapter under nbval on ONE core, to show that nothing a chapter asserts depends on
the speed of the machine.

    python scripts/check_speed_independence.py                 # every chapter
    python scripts/check_speed_independence.py book/08_*.ipynb # some of them

Each chapter runs in its own pytest process pinned to one CPU (``taskset -c 0``, or the same
affinity set from Python where taskset is missing), with TensorFlow, OpenMP and BLAS limited to
one thread: the machine at about half its speed, or a quarter of a fast one's. A chapter whose
asserts hold only on a fast machine (an absolute time, a step count reached in a wall-time
budget) fails here. Prints one line per chapter and exits 1 if any failed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ONE_THREAD = {
    "TF_NUM_INTRAOP_THREADS": "1",
    "TF_NUM_INTEROP_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}
# Run by every IPython kernel nbval starts (IPYTHONDIR points at a folder holding it), so that
# TensorFlow's thread pools are one thread wide whatever it reads from the environment.
STARTUP = """\
import tensorflow as _tf

_tf.config.threading.set_intra_op_parallelism_threads(1)
_tf.config.threading.set_inter_op_parallelism_threads(1)
del _tf
"""


def _command(notebook: Path) -> tuple[list[str], object]:
    pytest = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval-lax"]
    cpu = min(os.sched_getaffinity(0))
    if shutil.which("taskset"):
        return ["taskset", "-c", str(cpu), *pytest, str(notebook)], None
    return [*pytest, str(notebook)], lambda: os.sched_setaffinity(0, {cpu})


def main(argv=None) -> int:
    sys.stdout.reconfigure(line_buffering=True)  # one line per chapter as it finishes
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every chapter")
    args = parser.parse_args(argv)
    notebooks = args.notebooks or sorted((ROOT / "book").glob("[0-9][0-9]_*.ipynb"))
    failed = []
    with tempfile.TemporaryDirectory() as ipython_dir:
        startup = Path(ipython_dir) / "profile_default" / "startup"
        startup.mkdir(parents=True)
        (startup / "00-one-thread.py").write_text(STARTUP)
        env = {**os.environ, **ONE_THREAD, "IPYTHONDIR": ipython_dir, "TF_CPP_MIN_LOG_LEVEL": "3"}
        env["GANBOOK_NBVAL_CACHE"] = "0"  # a one-core run is a check, not the book's outputs
        started = time.perf_counter()
        for notebook in notebooks:
            command, pin = _command(notebook.resolve())
            start = time.perf_counter()
            result = subprocess.run(
                command, cwd=ROOT, env=env, capture_output=True, text=True, preexec_fn=pin
            )
            seconds = time.perf_counter() - start
            summary = (result.stdout.strip().splitlines() or ["(no output)"])[-1]
            status = "passed" if result.returncode == 0 else "FAILED"
            print(f"{notebook.name}: {status} on one core in {seconds:.0f} s ({summary})")
            if result.returncode != 0:
                failed.append(notebook.name)
                print(result.stdout[-3000:])
    total = time.perf_counter() - started
    print(
        f"one core: {len(notebooks) - len(failed)} of {len(notebooks)} chapters passed "
        f"in {total:.0f} s" + (f"; failed: {', '.join(failed)}" if failed else "")
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
