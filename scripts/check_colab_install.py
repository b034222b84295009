"""Run chapters the way a Colab reader does: the library from a wheel, one notebook alone.

    python scripts/check_colab_install.py                          # every chapter
    python scripts/check_colab_install.py --tensorflow 2.18.1 book/01_*.ipynb book/09_*.ipynb

1. builds a wheel of the library (not an editable install: only what the package ships);
2. installs it, with its test extra (pytest, nbval), into a fresh virtual environment, so pip
   resolves ``pyproject.toml``'s loose ranges as it does next to Colab's TensorFlow
   (``--tensorflow X`` pins that one, for example the oldest supported, ``.ci/oldest-tensorflow``);
3. copies each chapter ALONE into an empty folder and runs it there under nbval.

A chapter that reads a file of the repository, or needs a package the library does not
declare, fails here. Prints one line per chapter and exits 1 if any failed.
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


def _run(command, **kwargs):
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        sys.exit(f"check_colab_install: {' '.join(map(str, command))} failed:\n{result.stderr}")
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every chapter")
    parser.add_argument("--tensorflow", help="pin this TensorFlow version in the environment")
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it")
    args = parser.parse_args(argv)
    notebooks = [n.resolve() for n in args.notebooks] or sorted(
        (ROOT / "book").glob("[0-9][0-9]_*.ipynb")
    )
    work = Path(args.keep or tempfile.mkdtemp(prefix="ganbook-colab-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        started = time.perf_counter()
        # build from a copy of what the package is made of, so the repository gets no build/
        source = work / "source"
        shutil.rmtree(source, ignore_errors=True)
        shutil.copytree(
            ROOT / "ganbook_lib",
            source / "ganbook_lib",
            ignore=shutil.ignore_patterns("__pycache__"),
        )
        for name in ("pyproject.toml", "README.md"):
            shutil.copy(ROOT / name, source / name)
        wheels = work / "wheels"
        _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", wheels, source])
        wheel = next(wheels.glob("ganbook-*.whl"))
        venv = work / "venv"
        _run([sys.executable, "-m", "venv", "--clear", venv])
        python = venv / "bin" / "python"
        pins = [f"tensorflow=={args.tensorflow}"] if args.tensorflow else []
        _run([python, "-m", "pip", "install", "-q", f"{wheel}[test]", *pins])
        report = "import tensorflow as t, keras as k; print(t.__version__, k.__version__)"
        versions = _run(
            [python, "-c", report],
            env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
        ).stdout.split()
        print(
            f"installed {wheel.name} with TensorFlow {versions[0]}, Keras {versions[1]} "
            f"in {time.perf_counter() - started:.0f} s",
            flush=True,
        )
        failed = []
        for notebook in notebooks:
            alone = work / "run" / notebook.stem
            shutil.rmtree(alone, ignore_errors=True)
            alone.mkdir(parents=True)
            shutil.copy(notebook, alone / notebook.name)
            start = time.perf_counter()
            result = subprocess.run(
                [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval-lax"]
                + ["--nbval-cell-timeout=600", notebook.name],
                cwd=alone,
                env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONPATH": ""},
                capture_output=True,
                text=True,
            )
            summary = (result.stdout.strip().splitlines() or ["(no output)"])[-1]
            status = "passed" if result.returncode == 0 else "FAILED"
            seconds = time.perf_counter() - start
            print(f"{notebook.name}: {status} alone from the wheel in {seconds:.0f} s ({summary})")
            if result.returncode != 0:
                failed.append(notebook.name)
                print(result.stdout[-3000:], flush=True)
        print(
            f"colab-shaped: {len(notebooks) - len(failed)} of {len(notebooks)} chapters passed "
            f"with TensorFlow {versions[0]}" + (f"; failed: {', '.join(failed)}" if failed else "")
        )
        return 1 if failed else 0
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
