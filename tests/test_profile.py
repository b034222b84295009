"""The CPU/GPU profile switch."""

import pytest

from ganbook_lib import GanbookError
from ganbook_lib.profile import get_profile


def test_default_profile_is_cpu_and_offline(monkeypatch):
    monkeypatch.delenv("GANBOOK_PROFILE", raising=False)
    profile = get_profile()
    assert profile.name == "cpu" and profile.image_data == "mnist5k" and profile.steps(100) == 100


def test_gpu_profile_scales_up(monkeypatch):
    monkeypatch.setenv("GANBOOK_PROFILE", "GPU")
    profile = get_profile()
    assert profile.name == "gpu" and profile.image_data == "mnist" and profile.steps(100) == 1000


def test_unknown_profile_is_rejected(monkeypatch):
    monkeypatch.setenv("GANBOOK_PROFILE", "tpu")
    with pytest.raises(GanbookError, match="cpu, gpu"):
        get_profile()
