"""The helper scripts: student versions and the site's link check."""

import importlib.util
import sys
from pathlib import Path

import pytest

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


def test_student_version_replaces_a_graded_solution_by_a_stub_at_its_indentation():
    student = load("student_version")
    code = (
        "def loss(a, b):\n"
        '    """Docstring stays."""\n'
        "    # BEGIN SOLUTION\n"
        "    total = a + b\n"
        "    return total\n"
        "    # END SOLUTION\n"
    )
    stub, n = student.stub_solution(code)
    assert n == 1
    assert stub == (
        'def loss(a, b):\n    """Docstring stays."""\n'
        '    raise NotImplementedError("your code here")'
    )
    namespace = {}
    exec(stub, namespace)
    with pytest.raises(NotImplementedError):
        namespace["loss"](1, 2)
    with pytest.raises(ValueError, match="unbalanced"):
        student.stub_solution("x = 1\n# BEGIN SOLUTION\ny = 2\n")


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


def _notebook(path, source):
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source)]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, path)
    return path


def test_the_speed_check_runs_chapters_on_one_core_with_one_thread(tmp_path, capsys):
    """A notebook that sees one CPU and one TensorFlow thread passes, one that needs more
    fails: the pinning is real, so a chapter that only passes on a fast machine is caught."""
    check = load("check_speed_independence")
    one = _notebook(
        tmp_path / "one.ipynb",
        "import os, tensorflow as tf\n"
        "assert len(os.sched_getaffinity(0)) == 1\n"
        "assert tf.config.threading.get_intra_op_parallelism_threads() == 1",
    )
    many = _notebook(tmp_path / "many.ipynb", "import os\nassert len(os.sched_getaffinity(0)) > 1")
    assert check.main([str(one)]) == 0
    assert check.main([str(one), str(many)]) == 1
    out = capsys.readouterr().out
    assert "many.ipynb: FAILED on one core" in out and "1 of 2 chapters passed" in out


def test_the_published_student_branch_has_every_chapter_stubbed_and_links_to_colab(tmp_path):
    import json

    student = load("student_version")
    sys.path.insert(0, str(ROOT / "_ext"))
    try:
        import student_launch
    finally:
        sys.path.remove(str(ROOT / "_ext"))
    assert student.main(["--out", str(tmp_path), "--publish"]) == 0
    chapters = sorted(p.name for p in (ROOT / "book").glob("*.ipynb"))
    assert sorted(p.name for p in (tmp_path / "book").glob("*.ipynb")) == chapters
    assert (tmp_path / "book" / "images").is_dir()
    readme = (tmp_path / "README.md").read_text()
    repo, branch = student.repository()
    for name in chapters:
        text = (tmp_path / "book" / name).read_text()
        assert "# BEGIN SOLUTION" not in text and "{solution}" not in text, name
        graded = student_launch.has_graded_exercise(ROOT / "book" / name)
        assert ("NotImplementedError" in text) == graded, name
        url = student_launch.student_colab_url(
            f"https://github.com/{repo}",
            "https://colab.research.google.com",
            branch,
            f"book/{name}",
        )
        assert f"]({url})" in readme, name  # the README and the book's pages link alike
        cells = json.loads(text)["cells"]
        assert all(not c.get("outputs") for c in cells if c["cell_type"] == "code"), name


def test_the_student_launch_link_joins_the_themes_launch_menu_on_graded_chapters():
    from types import SimpleNamespace

    sys.path.insert(0, str(ROOT / "_ext"))
    try:
        import student_launch
    finally:
        sys.path.remove(str(ROOT / "_ext"))
    options = {
        "launch_buttons": {"colab_url": "https://colab.research.google.com"},
        "repository_url": "https://github.com/ganbook/ganbook",
    }

    class Config(SimpleNamespace):  # Sphinx's config answers both config[k] and config.k
        def __getitem__(self, key):
            return getattr(self, key)

    app = SimpleNamespace(
        env=SimpleNamespace(doc2path=lambda name: str(next(ROOT.glob(f"{name}.*")))),
        srcdir=str(ROOT),
        config=Config(
            html_theme_options=options, ganbook_student_branch="student", ganbook_student_label=[]
        ),
    )
    context = {"header_buttons": [{"label": "launch-buttons", "buttons": [{"text": "Colab"}]}]}
    student_launch._add_student_link(app, "book/02_core_concepts", "page.html", context, None)
    links = context["header_buttons"][0]["buttons"]
    assert [b["text"] for b in links] == ["Colab", student_launch.LABEL]
    assert links[1]["url"] == (
        "https://colab.research.google.com/github/ganbook/ganbook/blob/student/"
        "book/02_core_concepts.ipynb"
    )
    context = {"header_buttons": [{"label": "launch-buttons", "buttons": []}]}
    student_launch._add_student_link(app, "book/glossary", "page.html", context, None)
    assert context["header_buttons"][0]["buttons"] == []  # not a notebook: no student version
