"""Shared test setup: quiet TensorFlow, offline datasets, a private cache, seeded runs."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import pytest  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory):
    """Keep the measuring classifier's cache inside the test session unless one is given."""
    if "GANBOOK_CACHE" not in os.environ:
        os.environ["GANBOOK_CACHE"] = str(tmp_path_factory.mktemp("ganbook-cache"))
    yield


@pytest.fixture(autouse=True)
def _seeded():
    import ganbook_lib

    ganbook_lib.set_seed(0)
    yield
