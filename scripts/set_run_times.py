"""Write each chapter's measured run time into its opening "Run time" line.

The times come from ``benchmarks/results/full.json`` (``python benchmarks/run.py --only
chapters``), scaled to the book's reference CPU. Run this after that benchmark; the test
``tests/test_benchmarks.py::test_each_chapter_states_the_run_time_measured_for_it`` fails while a
line disagrees with the measurement.

    python scripts/set_run_times.py
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
LINE = re.compile(r"(\*\*Run time\.\*\* About )[\d.]+ (?:seconds|minutes)(\s+on the book's)")


def wording(seconds: float) -> str:
    """'About 40 seconds' below 150 s (to 10 s), whole minutes above."""
    if seconds < 150:
        return f"{max(10, round(seconds / 10) * 10)} seconds"
    return f"{round(seconds / 60)} minutes"


def main() -> int:
    results = json.loads((ROOT / "benchmarks" / "results" / "full.json").read_text())
    rows = {row["chapter"]: row for row in results["chapters"]["rows"]}
    for path in sorted((ROOT / "book").glob("[0-9][0-9]_*.ipynb")):
        if path.stem not in rows:
            print(f"{path.name}: not in the results; run benchmarks/run.py --only chapters")
            return 1
        nb = nbformat.read(path, as_version=4)
        first, stated = nb.cells[0], wording(rows[path.stem]["scaled_seconds"])
        new, n = LINE.subn(lambda m, stated=stated: m[1] + stated + m[2], first.source)
        if n != 1:
            print(f"{path.name}: no 'Run time' line in the first cell")
            return 1
        if new != first.source:
            first.source = new
            nbformat.write(nb, path)
        print(f"{path.name}: about {stated}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
