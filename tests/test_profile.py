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


IMAGE_CHAPTERS = {"05_code_repaired", "06_applications", "09_faq"}


def _code(notebook):
    import json

    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")


def test_only_the_image_chapters_follow_the_profile():
    # The 1-D and 2-D lessons are about a fixed number of steps, so their asserts must not
    # change with GANBOOK_PROFILE; only the digit-image chapters scale (README, profile.py).
    from pathlib import Path

    book = Path(__file__).resolve().parents[1] / "book"
    reading = {nb.stem for nb in sorted(book.glob("[0-9][0-9]_*.ipynb")) if "PROFILE" in _code(nb)}
    assert reading == IMAGE_CHAPTERS
    readme = (book.parent / "README.md").read_text(encoding="utf-8")
    assert "the chapters that train on digit\nimages (5, 6 and 9)" in readme
