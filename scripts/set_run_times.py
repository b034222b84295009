"""Write each chapter's measured run time into its opening "Run time" line and into the
instructors' page that quotes it, in English and in the Chinese translation.

The line states the time as measured, with the machine and the day it was measured on
(principle 1: times are information, stated with the machine they were measured on), from
``benchmarks/results/full.json`` (``python benchmarks/run.py --only chapters``). Run this after
that benchmark; ``tests/test_benchmarks.py::test_each_chapter_states_the_run_time_measured_for_it``
and ``tests/test_instructors.py`` fail while a line disagrees with the measurement.

    python scripts/set_run_times.py
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import translate  # noqa: E402

# the measured part of a chapter's English line, and of its translation, as written here
LINE = re.compile(
    r"(\*\*Run time\.\*\* )About [\d.]+ (?:seconds|minutes), measured on \d{4}-\d{2}-\d{2} on a "
    r"\d+-core CPU whose 2048 x 2048\s+float32 matrix multiply runs at \d+ GFLOP/s"
)
ZH_LINE = re.compile(
    r"(\*\*运行时间。\*\* )约 [\d.]+ (?:秒|分钟)，于 \d{4}-\d{2}-\d{2} 在一台 \d+ 核 CPU 上测得，"
    r"其 2048 x 2048 float32 矩阵乘法的速度为 \d+ GFLOP/s"
)
INSTRUCTORS = ROOT / "book" / "instructors.md"


def wording(seconds: float) -> tuple[int, str]:
    """(number, unit): 'About 40 seconds' below 150 s (to 10 s), whole minutes above."""
    if seconds < 150:
        return max(10, round(seconds / 10) * 10), "seconds"
    return round(seconds / 60), "minutes"


def _quote(name: str, text: str, pattern: str, new: str) -> str:
    """``text`` with the instructors' quote of chapter ``name``'s line replaced by ``new``."""
    source = re.escape(f'<!-- source: book/{name}.ipynb "Run time" line -->')
    text, n = re.subn(rf"{pattern}([.。]?\n{source})", lambda m: new + m[1], text, count=1)
    if n != 1:
        raise SystemExit(f"instructors page: no quote of {name}'s run time")
    return text


def _update(page: Path, edit: Callable[[str], str], edit_zh: Callable[[str], str]) -> None:
    """Apply ``edit`` to an English page (a notebook: its first cell) and ``edit_zh`` to its
    translation. A translated block whose English changed takes the new English hash only if it
    was up to date before: a stale block stays stale, to be translated."""
    before = translate.english_blocks(page)
    if page.suffix == ".ipynb":
        nb = json.loads(page.read_text())
        first = nb["cells"][0]
        source = edit("".join(first["source"]))
        lines = source.split("\n")
        first["source"] = [line + "\n" for line in lines[:-1]] + [lines[-1]]
        page.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
    else:
        page.write_text(edit(page.read_text()))
    after = translate.english_blocks(page)
    zh = translate.translation_path(page)
    text = edit_zh(zh.read_text())
    for key, english in after.items():
        old, new = translate.digest(before.get(key, "")), translate.digest(english)
        if old == new:
            continue
        marker = f"<!-- block: {key} en: {old} -->"
        if marker in text:
            text = text.replace(marker, f"<!-- block: {key} en: {new} -->", 1)
        else:
            print(f"{zh.name}: block {key} was stale before; translate it")
    zh.write_text(text)


def main() -> int:
    results = json.loads((ROOT / "benchmarks" / "results" / "full.json").read_text())
    chapters = results["chapters"]
    cpus = results.get("reruns", {}).get("chapters", results)["machine"]["cpus"]
    day, rate = chapters["started"][:10], round(chapters["matmul_gflop_per_s"])
    rows = {row["chapter"]: row for row in chapters["rows"]}
    for path in sorted((ROOT / "book").glob("[0-9][0-9]_*.ipynb")):
        if path.stem not in rows:
            print(f"{path.name}: not in the results; run benchmarks/run.py --only chapters")
            return 1
        n, unit = wording(rows[path.stem]["seconds"])
        zh_unit = "秒" if unit == "seconds" else "分钟"
        english = (
            f"About {n} {unit}, measured on {day} on a {cpus}-core CPU whose 2048 x 2048\n"
            f"float32 matrix multiply runs at {rate} GFLOP/s"
        )
        chinese = (
            f"约 {n} {zh_unit}，于 {day} 在一台 {cpus} 核 CPU 上测得，"
            f"其 2048 x 2048 float32 矩阵乘法的速度为 {rate} GFLOP/s"
        )

        def line(text, pattern=LINE, new=english, page=path.name):
            text, found = pattern.subn(lambda m: m[1] + new, text, count=1)
            if found != 1:
                raise SystemExit(f"{page}: no 'Run time' line")
            return text

        _update(path, line, lambda text, new=chinese: line(text, ZH_LINE, new))
        quote = f'"About {n} {unit}, measured on {day}"'
        zh_quote = f"“约 {n} {zh_unit}，于 {day} 测得”"
        _update(
            INSTRUCTORS,
            lambda text, s=path.stem, q=quote: _quote(s, text, r'"About [^"]*"', q),
            lambda text, s=path.stem, q=zh_quote: _quote(s, text, r"“[^”]*”", q),
        )
        print(f"{path.name}: {english.replace(chr(10), ' ')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
