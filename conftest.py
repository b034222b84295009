"""Root pytest configuration, shared by the library tests and the nbval notebook runs."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

# GPU workflow: with pytest-xdist, pin worker gwN to GPU N (one worker per GPU). The notebook
# kernels nbval starts inherit this environment.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if os.environ.get("GANBOOK_PIN_GPU") == "1" and _worker.startswith("gw"):
    os.environ["CUDA_VISIBLE_DEVICES"] = _worker[2:]

# nbval's runs of the chapters are stored as the book build's cached executions
# (see _ext/nbval_cache.py), so CI runs each chapter once, not twice.
pytest_plugins = ("_ext.nbval_cache",)
