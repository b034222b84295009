"""Write student versions of the chapters: the same notebooks without worked solutions.

    python scripts/student_version.py [--out _build/student] [--publish]

Every ``{solution}`` directive (sphinx-exercise) is removed from the markdown cells; exercises,
prose and code stay. In a graded coding exercise's solution cell (metadata
``ganbook.exercise``) the lines between ``# BEGIN SOLUTION`` and ``# END SOLUTION`` become a
``raise NotImplementedError`` for the student to replace, and the cell is shown, not folded;
the ``grader.check(...)`` cells after it stay. Outputs are cleared. The originals in ``book/``
are not touched. With ``--publish`` the output is laid out as the branch Colab opens the
student notebooks from (CI pushes it to the ``student`` branch; each chapter page links there).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOLUTION = re.compile(r"(`{3,}|:{3,})\{solution\}.*?\n\1[ \t]*(\n|$)", re.S)


def strip_solutions(text: str) -> tuple[str, int]:
    """``text`` without its ``{solution}`` blocks, and how many were removed."""
    return SOLUTION.subn("", text)


CODE_SOLUTION = re.compile(
    r"^(?P<indent>[ \t]*)# BEGIN SOLUTION[ \t]*\n.*?^[ \t]*# END SOLUTION[ \t]*(\n|$)", re.S | re.M
)


def stub_solution(code: str) -> tuple[str, int]:
    """``code`` with each ``# BEGIN SOLUTION`` ... ``# END SOLUTION`` region replaced by a
    ``raise NotImplementedError`` at the region's indentation, and how many were replaced."""

    def stub(match):
        indent = match.group("indent")
        return f'{indent}raise NotImplementedError("your code here")\n'

    out, n = CODE_SOLUTION.subn(stub, code)
    if "# BEGIN SOLUTION" in out or "# END SOLUTION" in out:
        raise ValueError("unbalanced # BEGIN SOLUTION / # END SOLUTION markers")
    return out.rstrip("\n"), n


def student_notebook(path: Path) -> tuple[dict, int]:
    """The student version of the chapter notebook ``path``, and how many solutions it lost."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    removed = 0
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            text, n = strip_solutions("".join(cell["source"]))
            cell["source"], removed = text, removed + n
        elif cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
            if cell["metadata"].get("ganbook", {}).get("exercise"):
                code, n = stub_solution("".join(cell["source"]))
                if not n:
                    raise SystemExit(f"{path.name}: a graded solution cell has no markers")
                cell["source"], removed = code, removed + n
                tags = [t for t in cell["metadata"].get("tags", []) if t != "hide-input"]
                cell["metadata"]["tags"] = tags
    return nb, removed


def repository() -> tuple[str, str]:
    """(owner/name, student branch) from _config.yml, the one place that names them."""
    config = (ROOT / "_config.yml").read_text(encoding="utf-8")
    url = re.search(r"^\s+url:\s*https://github.com/(\S+?)/?\s*$", config, re.M).group(1)
    branch = re.search(r"^\s+ganbook_student_branch:\s*(\S+)", config, re.M).group(1)
    return url, branch


def readme(chapters: list[str]) -> str:
    """The student branch's README: what it is, and each chapter's Colab link."""
    repo, branch = repository()
    lines = [
        "# ganbook: student notebooks",
        "",
        "The chapters of the ganbook without worked solutions, written by",
        "`scripts/student_version.py` from the `main` branch on every push (do not edit here).",
        "In each graded exercise, replace `raise NotImplementedError` with your code and run the",
        '`grader.check("...")` cell under it: it says which checks pass, and what is wrong.',
        "",
        "| chapter | open in Colab |",
        "|---|---|",
    ]
    for name in chapters:
        url = f"https://colab.research.google.com/github/{repo}/blob/{branch}/book/{name}"
        lines.append(f"| {name[:-6]} | [{name}]({url}) |")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "_build" / "student"))
    parser.add_argument(
        "--publish",
        action="store_true",
        help="lay out --out as the student branch: book/*.ipynb, book/images/, README.md",
    )
    args = parser.parse_args(argv)
    out = Path(args.out)
    notebooks = out / "book" if args.publish else out
    notebooks.mkdir(parents=True, exist_ok=True)
    total, chapters = 0, []
    for path in sorted((ROOT / "book").glob("*.ipynb")):
        nb, removed = student_notebook(path)
        (notebooks / path.name).write_text(
            json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        print(f"{path.name}: removed {removed} solution(s)")
        total, chapters = total + removed, chapters + [path.name]
    if args.publish:
        shutil.copytree(ROOT / "book" / "images", notebooks / "images", dirs_exist_ok=True)
        (out / "README.md").write_text(readme(chapters), encoding="utf-8")
    print(f"wrote {out} ({total} solutions removed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
