"""The Chinese edition's translation files: one per page, each block keyed to its English source.

    python scripts/translate.py status               # every page: translated, stale, missing
    python scripts/translate.py template PAGE        # a translation file to start from
    python scripts/translate.py notebooks            # zh/book/*.ipynb, for Colab

The English pages stay the source. ``translations/zh/<page>.md`` holds the Chinese text of each
translatable block of ``book/<page>``: for a chapter notebook each markdown cell, keyed by the
cell's id; for a markdown page each section, keyed by its position (``s0`` is the text before
the first heading). Every block starts with a marker line that records the block's key and the
SHA-256 (first 12 hex digits) of the English text it translates::

    <!-- block: ch02-00 en: 3f2a9c01d4e5 -->
    # 核心概念：对抗博弈
    ...

When an English block changes, its hash no longer matches and the translation is *stale*; a
block with no translation is *missing*; ``status`` lists both (tests/test_translations.py fails
on them). Code cells are never translated: both editions run the same code. ``notebooks``
writes the Chinese chapter notebooks (``zh/book/``, committed: Colab opens them from the
repository) from the English ones and the translations.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
TRANSLATIONS = ROOT / "translations"
MARKER = re.compile(r"^<!-- block: (\S+) en: ([0-9a-f]{12}) -->[ \t]*$", re.M)
FENCE = re.compile(r"^(`{3,}|~{3,})")


def digest(text: str) -> str:
    """The first 12 hex digits of the SHA-256 of ``text`` (its trailing whitespace ignored)."""
    return hashlib.sha256(text.rstrip().encode("utf-8")).hexdigest()[:12]


def _sections(text: str) -> list[str]:
    """``text`` cut before each heading line outside code fences; the parts, in order."""
    parts, current, fence = [], [], None
    for line in text.splitlines(keepends=True):
        m = FENCE.match(line)
        if m:
            fence = None if fence and line.startswith(fence) else (fence or m.group(1))
        if fence is None and line.startswith("#") and current:
            parts.append("".join(current))
            current = []
        current.append(line)
    if current:
        parts.append("".join(current))
    return parts


def english_blocks(page: Path) -> dict[str, str]:
    """The translatable blocks of an English page, key -> text, in page order."""
    if page.suffix == ".ipynb":
        cells = json.loads(page.read_text(encoding="utf-8"))["cells"]
        return {
            c["id"]: "".join(c["source"]).rstrip()
            for c in cells
            if c["cell_type"] == "markdown" and "".join(c["source"]).strip()
        }
    return {f"s{i}": part.rstrip() for i, part in enumerate(_sections(page.read_text("utf-8")))}


def read_translation(path: Path) -> dict[str, tuple[str, str]]:
    """key -> (hash of the English it translates, the translated text)."""
    text = path.read_text(encoding="utf-8")
    marks = list(MARKER.finditer(text))
    out = {}
    for m, nxt in zip(marks, [*marks[1:], None]):
        body = text[m.end() : nxt.start() if nxt else len(text)].strip("\n")
        if m.group(1) in out:
            raise ValueError(f"{path.name}: block {m.group(1)} appears twice")
        out[m.group(1)] = (m.group(2), body.rstrip())
    return out


def translation_path(page: Path, language: str = "zh") -> Path:
    return TRANSLATIONS / language / f"{page.stem}.md"


def status(page: Path, language: str = "zh") -> dict[str, list[str]]:
    """The page's blocks by state: ``translated``, ``stale`` (the English changed since),
    ``missing`` (no translation), and ``orphaned`` (a translated key the page no longer has)."""
    english = english_blocks(page)
    path = translation_path(page, language)
    done = read_translation(path) if path.exists() else {}
    out = {"translated": [], "stale": [], "missing": [], "orphaned": []}
    for key, text in english.items():
        if key not in done:
            out["missing"].append(key)
        elif done[key][0] != digest(text):
            out["stale"].append(key)
        else:
            out["translated"].append(key)
    out["orphaned"] = [key for key in done if key not in english]
    return out


def template(page: Path) -> str:
    """A translation file for ``page`` with every block's marker and its English text, to be
    replaced by the translation."""
    return (
        "\n\n".join(
            f"<!-- block: {key} en: {digest(text)} -->\n{text}"
            for key, text in english_blocks(page).items()
        )
        + "\n"
    )


def translated_notebook(page: Path, language: str = "zh") -> dict:
    """The notebook ``page`` with each markdown cell replaced by its translation (the code cells,
    the Colab install cell among them, exactly as in English). Raises ValueError when a block is
    stale or missing: a generated notebook never mixes in old text."""
    s = status(page, language)
    if s["stale"] or s["missing"]:
        raise ValueError(
            f"{page.name}: translation incomplete (stale: {s['stale']}, missing: {s['missing']})"
        )
    done = read_translation(translation_path(page, language))
    nb = json.loads(page.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown" and cell["id"] in done:
            lines = done[cell["id"]][1].split("\n")
            cell["source"] = [line + "\n" for line in lines[:-1]] + [lines[-1]]
    nb["metadata"]["ganbook"] = {"language": LANGUAGES[language], "source": f"book/{page.name}"}
    return nb


def notebook_text(nb: dict) -> str:
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


def write_notebooks(language: str = "zh") -> list[Path]:
    """Write ``<language>/book/<chapter>.ipynb`` for every chapter whose translation is complete;
    the other chapters are listed on stderr and not written."""
    out = []
    for page in pages():
        if page.suffix != ".ipynb":
            continue
        target = ROOT / language / "book" / page.name
        try:
            text = notebook_text(translated_notebook(page, language))
        except ValueError as exc:
            print(f"skipped: {exc}", file=sys.stderr)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".ipynb.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(target)
        out.append(target)
    return out


LANGUAGES = {"zh": "zh_CN"}


def pages() -> list[Path]:
    """The English pages of the book, in the order of _toc.yml."""
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    names = re.findall(r"(?:root|file):\s*(book/\S+)", toc)
    out = []
    for name in names:
        for suffix in (".ipynb", ".md"):
            if (ROOT / f"{name}{suffix}").exists():
                out.append(ROOT / f"{name}{suffix}")
    return out


def main(argv=None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["template"] and len(args) == 2:
        sys.stdout.write(template(ROOT / args[1] if not Path(args[1]).exists() else Path(args[1])))
        return 0
    if args == ["notebooks"]:
        for path in write_notebooks():
            print(f"wrote {path.relative_to(ROOT)}")
        return 0
    if args == ["status"] or not args:
        bad = 0
        for page in pages():
            s = status(page)
            n = sum(len(v) for k, v in s.items() if k != "orphaned")
            line = f"{page.name}: {len(s['translated'])} of {n} blocks translated"
            for state in ("stale", "missing", "orphaned"):
                if s[state]:
                    line += f"; {state}: {', '.join(s[state])}"
            print(line)
            bad += bool(s["stale"] or s["missing"] or s["orphaned"])
        return 1 if bad else 0
    print("usage: translate.py status | template PAGE | notebooks", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
