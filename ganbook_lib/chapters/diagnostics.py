"""Diagnostics: what a training step costs, and whether a run is diverging (chapter 8).

- :class:`StepTimer` and :func:`time_train_step`: wall and CPU seconds per ``fit()`` step.
- :func:`loss_report`: is a loss curve finite, bounded, oscillating or exploding?
- :func:`is_monotone`: does a measured series rise, allowing for timing noise?
"""

from __future__ import annotations

import math
import time

import keras
import numpy as np

from .. import GanbookError
from ..checks import positive_int


class StepTimer(keras.callbacks.Callback):
    """Record the wall time and the process CPU time of every training step of ``fit()``.

    ``wall[i]`` and ``cpu[i]`` are the seconds between the start and the end of step ``i``
    (one generator update and its ``k`` discriminator updates, data fetching included).
    CPU time counts every core this process used, so on 2 busy cores it can be up to twice
    the wall time; it is also less disturbed than wall time by other programs on the machine.
    """

    def __init__(self):
        super().__init__()
        self.wall: list[float] = []
        self.cpu: list[float] = []

    def on_train_batch_begin(self, batch, logs=None):
        self._start = (time.perf_counter(), time.process_time())

    def on_train_batch_end(self, batch, logs=None):
        wall, cpu = self._start
        self.wall.append(time.perf_counter() - wall)
        self.cpu.append(time.process_time() - cpu)


def time_train_step(gan, dataset, steps: int = 10, warmup: int = 2) -> dict:
    """Seconds per training step of ``gan`` on ``dataset``, measured by :class:`StepTimer`.

    Runs ``gan.fit`` for ``warmup + steps`` steps (so it *trains* the model) and ignores the
    first ``warmup`` steps, which include tracing the step into a TensorFlow graph.

    Returns:
        ``{"median": s, "best": s, "cpu_median": s, "steps": steps}`` where ``median`` and
        ``best`` are the median and the minimum wall time of the timed steps. ``best`` is the
        least disturbed by other programs, the usual choice for comparing costs.
    """
    steps, warmup = positive_int("steps", steps), positive_int("warmup", warmup, low=0)
    timer = StepTimer()
    gan.fit(dataset, steps_per_epoch=warmup + steps, epochs=1, callbacks=[timer], verbose=0)
    wall, cpu = np.array(timer.wall[warmup:]), np.array(timer.cpu[warmup:])
    return {
        "median": float(np.median(wall)),
        "best": float(wall.min()),
        "cpu_median": float(np.median(cpu)),
        "steps": steps,
    }


def loss_report(values, window: int = 3) -> dict:
    """Summarise a loss curve (e.g. ``history.history["d_loss"]``, one value per epoch).

    With ``v`` the values up to the first non-finite one:

    - ``finite``: whether every value is finite; ``first_nonfinite``: index of the first that
      is not (None if all are);
    - ``max_abs``: ``max |v_t|``, the size the loss reached;
    - ``growth``: ``max |v|`` over the last ``window`` values divided by ``max |v|`` over the
      first ``window`` (above 10 the loss is exploding);
    - ``oscillation``: ``mean |v_{t+1} - v_t| / mean |v_t|``, the typical step-to-step swing
      relative to the loss's size (about 0 for a smooth curve, 1 or more for wild swings).

    A loss that became NaN or infinite has ``growth`` = ``oscillation`` = ``inf``.
    """
    v = np.asarray(values, dtype=np.float64).ravel()
    if len(v) < 2:
        raise GanbookError(f"values must hold at least 2 numbers, got {len(v)}")
    window = positive_int("window", window)
    bad = np.flatnonzero(~np.isfinite(v))
    first_nonfinite = int(bad[0]) if len(bad) else None
    head = v if first_nonfinite is None else v[:first_nonfinite]
    if len(head) == 0:
        return {
            "finite": False,
            "first_nonfinite": 0,
            "max_abs": math.inf,
            "growth": math.inf,
            "oscillation": math.inf,
        }
    size = np.abs(head)
    max_abs = float(size.max())
    if first_nonfinite is not None:
        growth = oscillation = math.inf
    else:
        w = min(window, len(v))
        growth = float(size[-w:].max() / max(size[:w].max(), 1e-12))
        oscillation = float(np.abs(np.diff(v)).mean() / max(size.mean(), 1e-12))
    return {
        "finite": first_nonfinite is None,
        "first_nonfinite": first_nonfinite,
        "max_abs": max_abs,
        "growth": growth,
        "oscillation": oscillation,
    }


def is_monotone(values, rel_tol: float = 0.0, increasing: bool = True) -> bool:
    """Whether ``values`` rise (or fall) from each entry to the next, within ``rel_tol``.

    Rising within tolerance means ``v_{i+1} >= (1 - rel_tol) * v_i`` for every ``i``: a later
    value may dip below an earlier one by at most the fraction ``rel_tol`` (timing noise).
    With ``increasing=False`` the test is ``v_{i+1} <= (1 + rel_tol) * v_i``.
    """
    v = np.asarray(values, dtype=np.float64).ravel()
    if not np.all(np.isfinite(v)):
        raise GanbookError("values must be finite numbers")
    if not (isinstance(rel_tol, (int, float)) and 0 <= rel_tol < 1):
        raise GanbookError(f"rel_tol must be a number in [0, 1), got {rel_tol!r}")
    if increasing:
        return bool(np.all(v[1:] >= (1 - rel_tol) * v[:-1]))
    return bool(np.all(v[1:] <= (1 + rel_tol) * v[:-1]))


__all__ = ["StepTimer", "time_train_step", "loss_report", "is_monotone"]
