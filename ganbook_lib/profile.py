"""The run profile: ``cpu`` (default; small data, minutes on a laptop) or ``gpu`` (full scale).

Chapters and the CLI never branch on hardware themselves; they ask the profile. One setting,
the environment variable ``GANBOOK_PROFILE``, switches the chapters that train on digit images
(5, 6 and 9) to full MNIST and ten times as many steps::

    GANBOOK_PROFILE=gpu pytest --nbval-lax book/

The 1-D and 2-D experiments (chapters 1 to 4, 8, and the toy runs of 6 and 9) keep their
lengths on every profile: each shows, and asserts, what happens within a fixed number of steps,
and small mixtures gain nothing from a GPU. Where a chapter's stated result holds only for the
CPU profile's short run, its assert says so (``if PROFILE.name == "cpu"``) and the text gives
the number by glue.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from . import GanbookError

PROFILES = ("cpu", "gpu")


@dataclass(frozen=True)
class Profile:
    """What a chapter should use under the current profile.

    Attributes:
        name: ``"cpu"`` or ``"gpu"``.
        image_data: the digit dataset chapters train on (``"mnist5k"`` offline, ``"mnist"`` on GPU).
        train_scale: factor applied to training lengths (steps or seconds) by :meth:`steps`.
    """

    name: str
    image_data: str
    train_scale: int

    def steps(self, cpu_steps: int) -> int:
        """Training length for this profile, given the length that suits a 2-core CPU."""
        return int(cpu_steps) * self.train_scale


def get_profile(name: str | None = None) -> Profile:
    """Return the :class:`Profile` named by ``name`` or, if None, by ``$GANBOOK_PROFILE``."""
    if name is None:
        name = os.environ.get("GANBOOK_PROFILE", "cpu").strip().lower() or "cpu"
    if name == "cpu":
        return Profile("cpu", image_data="mnist5k", train_scale=1)
    if name == "gpu":
        return Profile("gpu", image_data="mnist", train_scale=10)
    raise GanbookError(f"GANBOOK_PROFILE must be one of {', '.join(PROFILES)}; got {name!r}")
