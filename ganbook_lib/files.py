"""Atomic file writes: a file in a run directory is complete or absent, never half-written.

Every writer of the library (checkpoints, ``run.json``, the loss log, pictures, sampled arrays)
goes through :func:`atomic_write`: it writes a temporary file beside the target, flushes it to
disk and renames it over the target in one step (``os.replace``), so a crash, ``kill -9`` or a
full disk leaves either the old file or the new one. A write that raises removes its temporary
file; one killed outright can leave it behind, and :func:`remove_stale_temporaries` (called
when a run starts or resumes) clears those.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np

TEMP_SUFFIX = ".ganbook-tmp"


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike, mode: str = "wb"):
    """Open a temporary file for writing; on success it replaces ``path`` in one step.

    ``mode`` is ``"wb"`` or ``"w"``. The folder must exist. If the body raises, the target is
    untouched and the temporary file is removed.
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"mode must be 'w' or 'wb', got {mode!r}")
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TEMP_SUFFIX)
    try:
        with os.fdopen(fd, mode) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json(path: str | os.PathLike, obj) -> None:
    """Write ``obj`` as indented JSON, atomically."""
    with atomic_write(path, "w") as f:
        json.dump(obj, f, indent=2)
        f.write("\n")


def write_text(path: str | os.PathLike, text: str) -> None:
    """Write ``text``, atomically."""
    with atomic_write(path, "w") as f:
        f.write(text)


def write_npz(path: str | os.PathLike, **arrays) -> None:
    """Write arrays as an uncompressed ``.npz`` (readable by ``np.load``), atomically and
    byte for byte the same for the same arrays: unlike ``np.savez``, the archive's entries carry
    a fixed date instead of the time of writing."""
    with atomic_write(path, "wb") as f, zipfile.ZipFile(f, "w", zipfile.ZIP_STORED) as archive:
        for name, value in arrays.items():
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.asanyarray(value), allow_pickle=False)
            entry = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, buffer.getvalue())


def remove_stale_temporaries(folder: str | os.PathLike) -> list[Path]:
    """Delete temporary files that a killed writer left in ``folder``; return their paths."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    stale = sorted(folder.glob(f".*{TEMP_SUFFIX}"))
    for path in stale:
        path.unlink(missing_ok=True)
    return stale
