"""ganbook_lib: the small, tested library behind the ganbook chapters.

Core modules, each with one job:

- ``data``       named datasets (one registry), images in [-1, 1], toy mixtures, clustering,
  ``tf.data`` pipelines
- ``models``     generators and discriminators (MLP, DCGAN, conditional)
- ``losses``     GAN losses on logits and the gradient penalties
- ``training``   the ``GAN`` keras.Model, its checkpoints, and the from-scratch GradientTape step
- ``callbacks``  Keras callbacks: limits, a cosine schedule over a budget, recorders, checkpoints
- ``metrics``    mode coverage, classifier Frechet distance and score, memorisation, confusion,
  and ``evaluate``, the measures that fit each dataset
- ``recipes``    the recommended recipe for each dataset, and ``build_gan``
- ``runs``       a run directory: train (resumable), load, sample, evaluate
- ``plotting``   image grids, decision surfaces, densities, loss curves, animations
- ``cli``        the ``ganbook`` command
- ``profile``    the CPU/GPU profile chosen by ``GANBOOK_PROFILE``
- ``widgets``    notebook helpers: library source, sliders, latent explorer, interpolation
- ``bench``      forward-pass FLOPs and the machine's measured matmul rate
- ``files``      atomic file writes for run directories
- ``checks``     argument checks at public boundaries

``ganbook_lib.grading`` checks the chapters' graded coding exercises (``grader.check`` in a
student's notebook, ``ganbook grade`` for a folder of submissions).
``ganbook_lib.chapters`` holds one module per chapter topic (the game's snapshots, the loss
theory, the article's code, the semi-supervised and video GANs, diagnostics, the Dirac GAN).
A chapter module may import the core; the core never imports a chapter module.
``ganbook_lib.references`` holds what the benchmarks compare against (the TensorFlow DCGAN
tutorial's models, recipe and throughput bench).
"""

from __future__ import annotations

import os as _os

__version__ = "0.1.0"

# One TensorFlow op at a time (each op still uses every core). Ops that run side by side finish
# in an order that varies from run to run, and some kernels' results depend on it: the CPU AddN
# adds its inputs starting from one whose buffer no other op still holds. With R1 and R2, whose
# double backward passes are independent branches of one step, this gave the same seed
# different weights. One op at a time made it rarer, not impossible (several steps per call
# still showed it); training._gradient_of_sum removes it for the penalties. TensorFlow reads
# this when its runtime starts, so it is set on import, before any op runs; a value the user
# set is kept. Measured on the 2-D recipes: no slower.
_os.environ.setdefault("TF_NUM_INTEROP_THREADS", "1")


class GanbookError(ValueError):
    """Bad input at a public boundary of ganbook_lib (the message says what is accepted)."""


class DatasetUnavailableError(RuntimeError):
    """A dataset that needs the internet could not be fetched (the message names offline ones)."""


def set_seed(seed: int) -> None:
    """Seed Python, NumPy and TensorFlow/Keras from one integer so a run is repeatable.

    Also asks TensorFlow for deterministic kernels, so that the same seed gives the same
    numbers on the same machine.
    """
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise GanbookError(f"seed must be a non-negative integer, got {seed!r}")
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(seed)  # seeds Python's random, NumPy and the backend
    try:
        tf.config.experimental.enable_op_determinism()
    except Exception:  # pragma: no cover - older TF builds without the switch
        pass


__all__ = ["GanbookError", "DatasetUnavailableError", "set_seed", "__version__"]
