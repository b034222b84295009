"""Repository rules: notebooks without outputs, every chapter in the TOC, CI = README's command."""

import json
import re
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.repo

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "book").glob("*.ipynb"))


def test_notebooks_are_committed_without_outputs():
    dirty = []
    for nb in NOTEBOOKS:
        for cell in json.loads(nb.read_text())["cells"]:
            if cell["cell_type"] == "code" and (cell.get("outputs") or cell.get("execution_count")):
                dirty.append(nb.name)
                break
    assert not dirty, f"clear outputs before committing: {dirty}"


def test_every_notebook_cell_has_a_unique_id():
    """nbformat 4.5 cells carry ids: nbformat warns about a missing one now and will refuse it."""
    for nb in NOTEBOOKS:
        ids = [cell.get("id") for cell in json.loads(nb.read_text())["cells"]]
        assert None not in ids, f"{nb.name}: cell {ids.index(None)} has no id"
        assert len(ids) == len(set(ids)), f"{nb.name}: duplicate cell ids"


def _toc_files(entries):
    for entry in entries or []:
        if "file" in entry:
            yield entry["file"]
        for key in ("chapters", "sections", "parts"):
            yield from _toc_files(entry.get(key))


def test_every_chapter_is_in_the_table_of_contents():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    listed = {toc["root"], *_toc_files(toc.get("chapters")), *_toc_files(toc.get("parts"))}
    missing = [nb.name for nb in NOTEBOOKS if f"book/{nb.stem}" not in listed]
    assert not missing, f"add to _toc.yml: {missing}"
    for name in listed:
        assert any((ROOT / f"{name}{ext}").exists() for ext in (".md", ".ipynb")), name


def test_ci_runs_the_readme_commands():
    readme = (ROOT / "README.md").read_text()
    commands = re.findall(r"```bash\n(python3 -m venv.+?)\n```", readme)
    assert len(commands) == 2  # build the book; run the tests
    # the tests in two workers (CI has two cores), each notebook whole in one of them
    assert commands[1].endswith("&& pytest -n 2 --dist loadfile")
    assert "jupyter-book build ." in commands[0] and "-W" in commands[0]
    ci = (ROOT / ".ci" / "run").read_text()
    for command in commands:
        assert command in ci
    # every stage gates: set -e is on and no stage's status is swallowed
    assert "set -euo pipefail" in ci and "|| true" not in ci and "status=$?" not in ci
    for stage in ("benchmarks/run.py --quick", "check_site.py links", "check_site.py browser"):
        assert stage in ci


def test_requirements_pin_exact_versions():
    lines = [
        line
        for line in (ROOT / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert all("==" in line for line in lines), [line for line in lines if "==" not in line]
    pins = dict(line.split("==") for line in lines)
    assert pins["jupyter-book"] == "1.0.4.post1"
    assert pins["tensorflow"].startswith("2.21")
    for name in ("nbval", "matplotlib", "ipywidgets", "mlxtend", "pytest"):
        assert name in pins


def test_code_passes_ruff():
    import subprocess
    import sys

    for args in (["check"], ["format", "--check"]):
        result = subprocess.run(
            [sys.executable, "-m", "ruff", *args, "ganbook_lib", "tests", "scripts", "conftest.py"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stdout + result.stderr


def _cells(nb_path):
    return json.loads(nb_path.read_text())["cells"]


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.name)
def test_chapter_skeleton(nb):
    """Colab cell first (hidden, URL from _config.yml), one seed, exercises with solutions."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    url, branch = config["repository"]["url"], config["repository"]["branch"]
    cells = _cells(nb)
    code = [c for c in cells if c["cell_type"] == "code"]
    first = "".join(code[0]["source"])
    assert "google.colab" in first and f"git+{url}@{branch}" in first
    assert "remove-cell" in code[0]["metadata"].get("tags", [])
    assert "set_seed(" in "".join(code[1]["source"])
    markdown = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    assert markdown.lstrip().startswith("# ")
    assert "{exercise}" in markdown and markdown.count("{exercise}") >= 3
    # every exercise has a worked solution: in a {solution} block, or (a graded coding
    # exercise) in the code cell after it (tests/test_grading.py)
    graded = sum(1 for c in code if c["metadata"].get("ganbook", {}).get("exercise"))
    assert markdown.count("{solution}") + graded >= markdown.count("{exercise}")
    assert "{solution-start}" not in markdown  # the gated form breaks builds with hidden solutions
    hidden = [c for c in code if "remove-cell" in c["metadata"].get("tags", [])]
    assert any("assert" in "".join(c["source"]) for c in hidden), "claims need hidden asserts"


def _chapter_imports(source: str) -> list[str]:
    """The imports in ``source`` (the text of a core module, ``ganbook_lib/*.py``) that reach
    ``ganbook_lib.chapters``, written absolutely or relative to the core package."""
    import ast

    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: "." is ganbook_lib itself for a core module
                base = ".".join(["ganbook_lib", *([base] if base else [])])
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            continue
        found += [t for t in targets if t.startswith("ganbook_lib.chapters")]
    return found


def test_the_core_never_imports_a_chapter_module():
    core = sorted((ROOT / "ganbook_lib").glob("*.py"))
    assert {p.stem for p in core} >= {"data", "models", "losses", "training", "metrics"}
    assert not (ROOT / "ganbook_lib" / "dirac.py").exists()  # the chapters' modules moved
    offending = {p.name: hits for p in core if (hits := _chapter_imports(p.read_text()))}
    assert offending == {}, f"core modules import chapter modules: {offending}"


@pytest.mark.parametrize(
    "line",
    [
        "from .chapters import dirac",
        "from .chapters.video import render_clips",
        "from . import chapters",
        "import ganbook_lib.chapters.game",
        "    from ganbook_lib.chapters import game",
    ],
)
def test_the_import_check_sees_every_way_to_reach_a_chapter_module(line):
    source = f"def f():\n{line}\n" if line.startswith(" ") else line
    assert _chapter_imports(source)
    assert not _chapter_imports("from .training import GAN\nimport numpy as np")


def test_the_wheel_ships_every_package_of_the_library():
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    declared = set(config["tool"]["setuptools"]["packages"])
    packages = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for p in (ROOT / "ganbook_lib").rglob("__init__.py")
    }
    assert "ganbook_lib.chapters" in packages
    assert declared == packages, f"pyproject.toml packages {declared} != on disk {packages}"


def test_every_diagram_is_in_a_chapter_with_its_alt_text():
    import re

    from ganbook_lib.chapters import diagrams

    used = {}
    for path in sorted((ROOT / "book").glob("*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            for name in re.findall(r"diagrams\.(\w+)\(", "".join(cell["source"])):
                if name in diagrams.ALT_TEXT:
                    alt = cell["metadata"].get("mystnb", {}).get("image", {}).get("alt")
                    assert alt == diagrams.ALT_TEXT[name], f"{path.name}: {name} needs its alt text"
                    used.setdefault(name, []).append(path.name)
    assert set(used) == set(diagrams.ALT_TEXT), set(diagrams.ALT_TEXT) - set(used)
