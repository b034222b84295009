"""The Chinese edition's translation files: one per page, each block keyed to its English source.

    python scripts/translate.py status               # every page: translated, stale, missing
    python scripts/translate.py template PAGE        # a translation file to start from
    python scripts/translate.py notebooks            # zh/book/*.ipynb, for Colab
    python scripts/translate.py build                # the Chinese site, _build/html/zh/

The English pages stay the source. ``translations/zh/<page>.md`` holds the Chinese text of each
translatable block of ``book/<page>``: for a chapter notebook each markdown cell, keyed by the
cell's id; for a markdown page each section, keyed by its position (``s0`` is the text before
the first heading). Every block starts with a marker line that records the block's key and the
SHA-256 (first 12 hex digits) of the English text it translates::

    <!-- block: ch02-00 en: 3f2a9c01d4e5 -->
    # 核心概念：对抗博弈
    ...

A page that a script writes from measured results (the benchmarks appendix, written by
``benchmarks/report.py``) changes its numbers at every re-run but its wording only when the
script changes. For such a page (GENERATED) each number of an English block is a numbered slot,
``⟦0⟧``, ``⟦1⟧``, ..., in the order the numbers appear; the hash is taken of the text with its
slots, and the translation uses the same slots, in any order, each at least once. The Chinese
page is filled with the English page's current numbers: new results need no new translation,
new wording does.

When an English block changes, its hash no longer matches and the translation is *stale*; a
block with no translation is *missing*; ``status`` lists both (tests/test_translations.py fails
on them). Code cells are never translated: both editions run the same code. ``notebooks``
writes the Chinese chapter notebooks (``zh/book/``, committed: Colab opens them from the
repository) from the English ones and the translations.

``build`` writes the Chinese edition's sources to ``_build/zh/src`` (the chapter notebooks as
``notebooks`` writes them, the markdown pages with their translated sections, the images, a
``_config.yml`` and ``_toc.yml`` derived from the English ones with the language set to
``zh_CN``) and builds them with Jupyter Book into ``_build/html/zh/``, warnings as errors. Run
it after the English build: the chapters' code is the same in both editions, so the Chinese
build renders each chapter from the English build's execution cache instead of running it
again. A stale or missing translation stops it.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

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


# Pages written by a script from measured results: their numbers are slots (see above).
GENERATED = {"appendix_benchmarks"}
# a number on its own, not part of a name such as R1, ch04 or lin2018pacgan
NUMBER = re.compile(r"(?<![A-Za-z_\d.])\d+(?:[.,]\d+)*")
SLOT = re.compile(r"⟦(\d+)⟧")


def with_slots(text: str) -> tuple[str, list[str]]:
    """``text`` with its n-th number replaced by ``⟦n⟧``, and the numbers."""
    numbers = NUMBER.findall(text)
    counter = iter(range(len(numbers)))
    return NUMBER.sub(lambda m: f"⟦{next(counter)}⟧", text), numbers


def fill_slots(text: str, numbers: list[str]) -> str:
    """A translation with slots, filled with the English block's current ``numbers``."""
    return SLOT.sub(lambda m: numbers[int(m.group(1))], text)


def slotted_sections(page: Path) -> dict[str, tuple[str, list[str]]]:
    """A GENERATED page's sections, key -> (text with its numbers as slots, the numbers)."""
    return {
        f"s{i}": with_slots(part.rstrip())
        for i, part in enumerate(_sections(page.read_text("utf-8")))
    }


def english_blocks(page: Path) -> dict[str, str]:
    """The translatable blocks of an English page, key -> text, in page order; on a GENERATED
    page, with its numbers as slots."""
    if page.stem in GENERATED:
        return {key: text for key, (text, _) in slotted_sections(page).items()}
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


# --- the Chinese site -----------------------------------------------------------------------

# What the English _config.yml and _toc.yml say that the Chinese edition says differently.
SITE = {
    "zh": {
        "title": "ganbook：可以运行的生成对抗网络",
        "author": "ganbook 作者",
        "sphinx_language": "zh_CN",
        "captions": {"Chapters": "章节", "Teaching": "教学", "Reference": "参考"},
        # the language link on every page: where the same page of the other edition is
        "other_edition": {
            "label": "English",
            "prefix": "../",
            "tooltip": "Read this page in English",
        },
        # the chapters' student notebooks (scripts/student_version.py) are the English ones
        "student_label": [
            "Colab（学生版，英文）",
            "在 Colab 中打开学生版（英文）：练习留空，附评分单元",
        ],
    }
}


def translated_page(page: Path, language: str = "zh") -> str:
    """The markdown page ``page`` with each section replaced by its translation (on a GENERATED
    page, with the English page's current numbers in its slots)."""
    s = status(page, language)
    if s["stale"] or s["missing"]:
        raise ValueError(
            f"{page.name}: translation incomplete (stale: {s['stale']}, missing: {s['missing']})"
        )
    done = read_translation(translation_path(page, language))
    if page.stem in GENERATED:
        blocks = slotted_sections(page).items()
        return "\n\n".join(fill_slots(done[key][1], numbers) for key, (_, numbers) in blocks) + "\n"
    return "\n\n".join(done[key][1] for key in english_blocks(page)) + "\n"


def glossary_terms(language: str = "zh") -> list[str]:
    """The Chinese terms of the glossary's table (second column, without a parenthesis)."""
    text = (TRANSLATIONS / language / "glossary.md").read_text(encoding="utf-8")
    terms = []
    for row in re.findall(r"^\|[^|\n]+\|([^|\n]+)\|", text, re.M):
        term = re.sub(r"[（(].*?[)）]", "", row).strip()
        if term and not set(term) <= set("-: ") and re.search(r"[\u4e00-\u9fff]", term):
            terms.append(term)
    return terms


def _site_config(language: str, src: Path) -> dict:
    cfg = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    site = SITE[language]
    cfg["title"], cfg["author"] = site["title"], site["author"]
    # the Colab button opens the committed Chinese notebook: <language>/book/<chapter>.ipynb
    cfg["repository"]["path_to_book"] = language
    # the English build's cache: the same code cells, so every chapter is found there
    cfg["execute"]["cache"] = str(ROOT / "_build" / ".jupyter_cache")
    sphinx = cfg["sphinx"]
    sphinx["local_extensions"] = {
        name: str(ROOT / path) for name, path in sphinx["local_extensions"].items()
    }
    sphinx["config"]["language"] = site["sphinx_language"]
    sphinx["config"]["ganbook_other_edition"] = site["other_edition"]
    sphinx["config"]["ganbook_student_label"] = site["student_label"]
    # Sphinx indexes Chinese words only through jieba; the glossary's terms are its own words
    sphinx["config"]["html_search_options"] = {"dict": str(src / "search_terms.txt")}
    return cfg


def _site_toc(language: str) -> str:
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    for english, translated in SITE[language]["captions"].items():
        toc = toc.replace(f"caption: {english}\n", f"caption: {translated}\n")
    return toc


def write_site(language: str = "zh", src: Path | None = None) -> Path:
    """Write the sources of the ``language`` edition's site to ``src`` (by default
    ``_build/<language>/src``); its path."""
    src = src or ROOT / "_build" / language / "src"
    if src.exists():
        shutil.rmtree(src)
    (src / "book").mkdir(parents=True)
    for page in pages():
        target = src / "book" / page.name
        if page.suffix == ".ipynb":
            target.write_text(notebook_text(translated_notebook(page, language)), "utf-8")
        else:
            target.write_text(translated_page(page, language), encoding="utf-8")
    shutil.copytree(BOOK / "images", src / "book" / "images")
    shutil.copy(ROOT / "references.bib", src / "references.bib")
    terms = sorted(set(glossary_terms(language)), key=len, reverse=True)
    (src / "search_terms.txt").write_text("".join(f"{t} 1000\n" for t in terms), "utf-8")
    config = _site_config(language, src)
    (src / "_config.yml").write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")
    (src / "_toc.yml").write_text(_site_toc(language), encoding="utf-8")
    return src


def build_site(language: str = "zh") -> int:
    """Build the ``language`` edition into ``_build/html/<language>/`` (warnings are errors);
    the exit status of Jupyter Book's build."""
    src = write_site(language)
    out = ROOT / "_build" / language
    jupyter_book = Path(sys.executable).with_name("jupyter-book")  # this environment's
    command = [str(jupyter_book), "build", str(src), "--path-output", str(out)]
    status_code = subprocess.call([*command, "-W", "-n", "--keep-going"], cwd=ROOT)
    if status_code:
        return status_code
    html, target = out / "_build" / "html", ROOT / "_build" / "html" / language
    tmp = target.with_name(f".{language}.tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    shutil.copytree(html, tmp)
    if target.exists():
        shutil.rmtree(target)
    tmp.replace(target)
    print(f"the {language} edition: {target.relative_to(ROOT)}/index.html")
    return 0


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
    if args == ["build"]:
        return build_site()
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
    print("usage: translate.py status | template PAGE | notebooks | build", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
