"""The helper scripts: student versions and the site's link check."""

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def load(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_student_version_removes_solutions_only():
    student = load("student_version")
    text = (
        "Intro\n\n```{exercise} Sum\n:label: e1\nAdd.\n```\n\n"
        "```{solution} e1\n:class: dropdown\n\n````python\nprint(1)\n````\n```\n\nAfter\n"
        ":::{solution} e2\nhidden\n:::\nEnd"
    )
    stripped, n = student.strip_solutions(text)
    assert n == 2
    assert "{exercise}" in stripped and "Add." in stripped and "After" in stripped
    assert "{solution}" not in stripped and "print(1)" not in stripped and "End" in stripped


def test_link_check_finds_broken_links_and_anchors(tmp_path, monkeypatch):
    check = load("check_site")
    (tmp_path / "a.html").write_text(
        '<a href="b.html#here">ok</a><a href="b.html#gone">x</a><a href="c.html">y</a>'
        '<a href="https://example.org/">external</a>'
    )
    (tmp_path / "b.html").write_text('<h1 id="here">B</h1>')
    monkeypatch.setattr(check, "HTML", tmp_path)
    monkeypatch.setattr(check, "book_pages", lambda: [tmp_path / "a.html"])
    assert sorted(check.check_links()) == [
        "a.html: broken link c.html",
        "a.html: missing anchor b.html#gone",
    ]
