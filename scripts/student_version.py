"""Write student versions of the chapters: the same notebooks without worked solutions.

    python scripts/student_version.py [--out _build/student]

Every ``{solution}`` directive (sphinx-exercise) is removed from the markdown cells; exercises,
prose and code stay. In a graded coding exercise's solution cell (metadata
``ganbook.exercise``) the lines between ``# BEGIN SOLUTION`` and ``# END SOLUTION`` become a
``raise NotImplementedError`` for the student to replace, and the cell is shown, not folded;
the ``grader.check(...)`` cells after it stay. Outputs are cleared. The originals in ``book/``
are not touched.
"""

from __future__ import annotations

import argparse
import json
import re
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


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "_build" / "student"))
    out = Path(parser.parse_args(argv).out)
    out.mkdir(parents=True, exist_ok=True)
    total = 0
    for path in sorted((ROOT / "book").glob("*.ipynb")):
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
        (out / path.name).write_text(
            json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        print(f"{path.name}: removed {removed} solution(s)")
        total += removed
    print(f"wrote {out} ({total} solutions removed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
