"""Argument checks at the library's public boundaries: each raises :class:`GanbookError` with
a message that names the argument, what was given and what is accepted."""

from __future__ import annotations

import numpy as np

from . import GanbookError


def positive_int(name: str, value, low: int = 1) -> int:
    """``value`` as a Python int if it is an integer (Python or NumPy, not bool) >= ``low``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        named = {0: "a non-negative integer", 1: "a positive integer"}
        raise GanbookError(
            f"{name} must be {named.get(low, f'an integer >= {low}')}, got {value!r}"
        )
    return int(value)


def grey_images(name: str, x) -> np.ndarray:
    """``x`` as float32 images of shape (N, H, W, 1) with N >= 1."""
    x = np.asarray(x, dtype=np.float32)
    if x.ndim != 4 or len(x) == 0 or x.shape[-1] != 1:
        raise GanbookError(f"{name} must have shape (N, H, W, 1) with N >= 1, got {x.shape}")
    return x


def finite_number(name: str, value) -> float:
    """``value`` as a float if it is a finite number (Python or NumPy, not bool)."""
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float, np.integer, np.floating))
        or not np.isfinite(value)
    ):
        raise GanbookError(f"{name} must be a finite number, got {value!r}")
    return float(value)


def positive_number(name: str, value) -> float:
    """``value`` as a float if it is a finite number > 0."""
    if not finite_number(name, value) > 0:
        raise GanbookError(f"{name} must be a positive number, got {value!r}")
    return float(value)


def non_negative_number(name: str, value) -> float:
    """``value`` as a float if it is a finite number >= 0."""
    if not finite_number(name, value) >= 0:
        raise GanbookError(f"{name} must be a finite number >= 0, got {value!r}")
    return float(value)
