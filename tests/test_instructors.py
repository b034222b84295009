"""The instructors' page (book/instructors.md) agrees with the chapters it describes: each
chapter's run time as the chapter states it, every graded exercise listed under its chapter,
every cross-reference resolving, and the workflow naming what the repository really has."""

import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "book" / "instructors.md"
CHAPTERS = sorted((ROOT / "book").glob("0[1-9]_*.ipynb"))
pytestmark = pytest.mark.repo


def _page() -> str:
    return PAGE.read_text(encoding="utf-8")


def _flat(text: str) -> str:
    return " ".join(text.split())


def _sections() -> dict[int, str]:
    """Chapter number -> its '### N. ...' section of the page."""
    parts = re.split(r"^### (\d)\. ", _page(), flags=re.M)
    return {int(n): body.split("\n## ")[0] for n, body in zip(parts[1::2], parts[2::2])}


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _labels() -> set[str]:
    """Every target a {ref} can name: exercise/figure labels and (name)= targets."""
    labels = set()
    for path in (ROOT / "book").iterdir():
        if path.suffix == ".ipynb":
            text = "\n".join("".join(c["source"]) for c in _cells(path))
        elif path.suffix == ".md":
            text = path.read_text(encoding="utf-8")
        else:
            continue
        labels |= set(re.findall(r"^:label:\s*(\S+)", text, re.M))
        labels |= set(re.findall(r"^\(([\w-]+)\)=", text, re.M))
    return labels


def _targets(role: str, text: str) -> list[str]:
    out = []
    for inner in re.findall(r"\{" + role + r"\}`([^`]+)`", text):
        m = re.search(r"<([^>]+)>\s*$", inner)
        out.append((m.group(1) if m else inner).strip())
    return out


def test_every_chapter_has_a_section_quoting_its_own_run_time():
    sections = _sections()
    assert sorted(sections) == list(range(1, 10)), sorted(sections)
    for path in CHAPTERS:
        first = _flat("".join(_cells(path)[0]["source"]))
        stated = re.search(r"\*\*Run time\.\*\* (About [^,]*?, measured on [\d-]{10})", first)
        assert stated, f"{path.name}: no run-time line"
        section = _flat(sections[int(path.name[:2])])
        assert f'"{stated.group(1)}"' in section, f"{path.name}: the page must quote {stated[1]!r}"


def test_every_graded_exercise_is_listed_under_its_chapter():
    sections = _sections()
    for path in CHAPTERS:
        graded = {
            c["metadata"]["ganbook"]["exercise"]
            for c in _cells(path)
            if c["metadata"].get("ganbook", {}).get("exercise")
        }
        assert len(graded) >= 2, f"{path.name}: at least two graded exercises"
        listed = set(_targets("ref", sections[int(path.name[:2])]))
        assert graded <= listed, f"{path.name}: the page does not list {graded - listed}"


def test_every_cross_reference_of_the_page_resolves():
    text = _page()
    missing = [t for t in _targets("ref", text) if t not in _labels()]
    assert not missing, f"no such label: {missing}"
    docs = [t for t in _targets("doc", text) if not (ROOT / "book" / f"{t}.ipynb").exists()]
    docs = [t for t in docs if not (ROOT / "book" / f"{t}.md").exists()]
    assert not docs, f"no such page: {docs}"


def test_the_workflow_names_what_the_repository_has():
    text = _flat(_page())
    assert "TODO" not in text and "Placeholder" not in text
    sys.path.insert(0, str(ROOT / "_ext"))
    try:
        import student_launch
    finally:
        sys.path.remove(str(ROOT / "_ext"))
    assert f"**{student_launch.LABEL}**" in text
    assert "scripts/student_version.py --publish" in text
    assert "ganbook grade submissions/ --hidden graders/hidden --out scores.csv" in text
    assert (ROOT / "graders" / "hidden").is_dir() and (ROOT / "tests" / "wrong_answers").is_dir()
    assert 'pip install -e ".[grade]"' in text
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert re.search(r"^grade = \[", pyproject, re.M), "the page names the grade extra"


def test_the_readme_points_instructors_to_the_page():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## For instructors", 1)[1].split("\n## ", 1)[0]
    assert "book/instructors.md" in section
