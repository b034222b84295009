"""List every number the chapters state in prose and say what checks it.

Reads the chapter notebooks ``book/0*.ipynb`` as JSON (runs nothing, imports no TensorFlow) and
extracts every number from their markdown cells: prose, tables, admonitions, and the titles and
bodies of exercise and solution directives, including number words ("eight", "ten", "twice",
"half", ...). It skips fenced code, inline code, display math (``$$...$$``, ``\\begin{...}``),
``{cite}``/``{ref}``/``{doc}``/``{eq}``/... roles, directive option lines, label lines, link
targets, URLs and HTML comments. Numbers in inline math ``$...$`` are kept.

An occurrence is identified by (notebook stem, cell ``id``, the number as written, its context in
the cell). Each occurrence gets one class:

``glue``        a ``{glue}``/``{glue:text}`` role; the check is its key, which a code cell of the
                same notebook must glue.
``runtime``     the number in the "**Run time.** About N seconds" line of the first cell, checked
                by tests/test_benchmarks.py::test_each_chapter_states_the_run_time_measured_for_it.
``xref``        a chapter/section/exercise/equation/theorem number or an ordered-list marker.
``assert``      the value occurs in an ``assert`` or ``glue(`` line of a hidden cell (a code cell
                tagged ``remove-cell``) of the same notebook, and the value is distinctive: not a
                number word, not inside an exercise or solution, not a small or common value
                (integers up to 10, powers of two and of ten, 0.5, 0.25), and either at least 3
                significant digits or found in exactly one hidden cell. The matched line is
                printed so a reader can judge the match; a registry entry overrides it.
``setting`` / ``definition`` / ``citation`` / ``result`` / ``xref``
                the kind given by the occurrence's entry in the registry
                ``tests/number_registry.toml``; an entry overrides the automatic classes above
                (except ``glue``).
``unchecked``   no entry and no automatic class; or a ``result`` entry whose ``checked_by`` is
                empty or does not name a real check; or any entry whose ``checked_by`` is invalid.

Registry entries (``[[number]]`` tables) carry ``notebook`` (stem), ``cell`` (cell id),
``number`` (as written), ``context`` (a verbatim snippet of the cell's markdown, whitespace
collapsed, containing the number and identifying it uniquely in the cell), ``kind`` and
optionally ``checked_by`` and ``note``. ``checked_by`` is one string or a list of strings:

``cell:<id>``   for a ``result``: a code cell of the same notebook tagged ``remove-cell`` that
                contains ``assert`` or ``glue(``; for a ``setting``: any code cell of the
                notebook, whose source must contain the value (for digit numbers); for the
                other kinds: any code cell of the notebook.
                ``cell:<notebook stem>/<id>`` names a cell of another chapter, for a claim
                about that chapter ("chapter 4 covers all eight modes").
``glue:<key>``  a key glued by a code cell of the same notebook (``glue("key"``).
``test:<path>::<function>``  a file of the repository that defines ``def <function>``.

Usage::

    python scripts/number_audit.py                   # every number, then the unchecked ones
    python scripts/number_audit.py --only unchecked  # only one class
    python scripts/number_audit.py --notebook 05     # only the chapters whose name starts so
    python scripts/number_audit.py --json            # machine-readable
    python scripts/number_audit.py --template        # TOML stubs for unregistered numbers

Exit status 1 when an occurrence is unchecked or the registry has a problem (an entry that
matches no occurrence, matches several, duplicates another, or is malformed).
"""

from __future__ import annotations

import argparse
import ast
import functools
import json
import re
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: pytest depends on tomli there
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
REGISTRY = ROOT / "tests" / "number_registry.toml"
RUNTIME_TEST = "tests/test_benchmarks.py::test_each_chapter_states_the_run_time_measured_for_it"

KINDS = ("setting", "definition", "citation", "result", "xref")
CLASSES = ("glue", "runtime", "xref", "assert", *KINDS[:4], "unchecked")
FIELDS = {"notebook", "cell", "number", "context", "kind", "checked_by", "note"}

SKIP_ROLES = {"cite", "ref", "doc", "eq", "numref", "download", "term", "label", "prf:ref"}
CODE_DIRECTIVES = {"code", "code-cell", "code-block", "sourcecode", "literalinclude", "math"}

WORDS = {
    "zero": 0,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "tens": 10,
    "dozen": 12,
    "dozens": 12,
    "hundred": 100,
    "hundreds": 100,
    "thousand": 1e3,
    "thousands": 1e3,
    "million": 1e6,
    "millions": 1e6,
    "billion": 1e9,
    "billions": 1e9,
    "twice": 2,
    "thrice": 3,
    "double": 2,
    "doubles": 2,
    "doubled": 2,
    "doubling": 2,
    "triple": 3,
    "tripled": 3,
    "half": 0.5,
    "halves": 0.5,
    "halved": 0.5,
    "halving": 0.5,
    "thirds": 1 / 3,
    "quarter": 0.25,
    "quarters": 0.25,
    "twofold": 2,
    "threefold": 3,
    "fourfold": 4,
    "fivefold": 5,
    "tenfold": 10,
    "hundredfold": 100,
    "thousandfold": 1e3,
}
# 'one', 'two', 'once', 'single', 'first', 'second', 'third' are left out: nearly always
# "one player", "the two networks", "the third line" rather than a quantity.
WORD_RE = re.compile(
    r"(?<![\w-])(" + "|".join(sorted(WORDS, key=len, reverse=True)) + r")(?!\w)", re.I
)
SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
NUM_RE = re.compile(
    r"(?<![\w.^])(?:\d+(?:\.\d+)?\s*\\times\s*)?10\^\{?[-+]?\d+\}?"  # 10^{-3}, 2 \times 10^{-5}
    r"|(?<![\w.^])(?:\d+(?:\.\d+)?[·×])?10[⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+"  # 10⁻⁷, 5·10⁻⁴
    r"|(?<![\w.^/])\d+/\d+(?!\d|\.\d|\w)"  # 1/2, 1/25
    r"|(?<![\w.^])(?<!_\{)(?<!\^\{)"
    r"(?:\d{1,3}(?:(?:,|\{,\})\d{3})+|\d[\d_]*)(?:\.\d+)?(?:[eE][-+]?\d+)?"  # 1,000 6_000 0.5
    r"(?:\s?(?:\\,)?\s?\\?%)?"  # 95 %, 95\,\%
    r"|(?<![\w.])\.\d+"  # .5
)
ROLE_RE = re.compile(r"\{([\w:.-]+)\}`([^`]*)`")
CODE_SPAN_RE = re.compile(r"(`+)(.+?)\1", re.S)
LINK_TARGET_RE = re.compile(r"\]\(([^)]*)\)")
URL_RE = re.compile(r"<?https?://[^\s)>]+>?")
HTML_COMMENT_RE = re.compile(r"<!--.*?-->", re.S)
DISPLAY_MATH_RE = re.compile(r"\$\$.+?\$\$|\\begin\{(\w+\*?)\}.+?\\end\{\1\}", re.S)
INLINE_MATH_RE = re.compile(r"(?<![\\$])\$(?!\$)(.+?)(?<![\\$])\$", re.S)
FENCE_RE = re.compile(r"^(\s*)(`{3,}|~{3,}|:{3,})\s*(\{[^}]*\}|[\w+-]*)(.*)$")
OPTION_RE = re.compile(r"^\s*:[\w-]+:")
LABEL_LINE_RE = re.compile(r"^\s*\([\w-]+\)=\s*$")
LIST_MARKER_RE = re.compile(r"^\s*(?:[*+-]\s+)?$")
XREF_RE = re.compile(
    r"(?:\bchapters?|\bsections?|\bexercises?|\bappendix|\bfigures?|\btables?|\bequations?|"
    r"\btheorems?|\bpropositions?|\blemmas?|\bcorollary|\balgorithm|\bquestions?|§)"
    r"\s+(?:\d+(?:\.\d+)?\s*(?:,|and|or|to|-|–)\s*)*$",
    re.I,
)
RUN_TIME_RE = re.compile(
    r"\*\*Run time\.\*\*\s+About\s+([\d.]+)\s+(?:seconds|minutes),\s+measured\s+on\s+"
    r"(\d{4}-\d{2}-\d{2})\s+on\s+a\s+(\d+)-core\s+CPU\s+whose\s+2048\s+x\s+2048\s+float32\s+"
    r"matrix\s+multiply\s+runs\s+at\s+(\d+)\s+GFLOP/s"
)
CODE_NUMBER_RE = re.compile(r"(?<![\w.])\d[\d_]*(?:\.\d+)?(?:[eE][-+]?\d+)?")
# values so common in asserts (shapes, bounds, tolerances) that a literal match proves nothing:
# integers up to 10, powers of two (layer widths, batch sizes, image sides) and of ten, halves
WEAK = {0.5, 0.25, *(2.0**k for k in range(4, 21)), *(10.0**k for k in range(-12, 13))}


@dataclass
class Occurrence:
    notebook: str
    cell: str
    number: str  # as written
    start: int  # offsets in the cell's source
    end: int
    value: float | None
    word: bool
    math: bool  # inside inline math
    where: str  # innermost directive: exercise, solution, admonition, ...
    sentence: str
    cls: str = "unchecked"
    check: str = ""  # glue key, cell id, test, or kind and its checked_by
    detail: str = ""  # matched code line, note, or why it is unchecked
    entry: int | None = None  # index of the registry entry


@dataclass
class Notebook:
    stem: str
    cells: list
    by_id: dict = field(default_factory=dict)

    def __post_init__(self):
        self.by_id = {c.get("id"): c for c in self.cells}


@dataclass
class Report:
    occurrences: list
    problems: list  # registry problems: stale, ambiguous, duplicate, malformed
    entries: list

    @property
    def unchecked(self):
        return [o for o in self.occurrences if o.cls == "unchecked"]

    def counts(self):
        table = {}
        for o in self.occurrences:
            row = table.setdefault(o.notebook, dict.fromkeys(CLASSES, 0))
            row[o.cls] += 1
        return table


def source(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def is_hidden(cell) -> bool:
    tags = cell.get("metadata", {}).get("tags", [])
    return cell.get("cell_type") == "code" and "remove-cell" in tags


def hidden_check(cell) -> bool:
    """A hidden cell that checks something: tagged remove-cell, with an assert statement or a
    glue() call (parsed, so that a comment or a string that mentions them does not count)."""
    if not is_hidden(cell):
        return False
    try:
        tree = ast.parse(source(cell))
    except SyntaxError:  # IPython magics: fall back to the text
        return bool(re.search(r"^\s*assert\b|\bglue\(", source(cell), re.M))
    return any(
        isinstance(node, ast.Assert)
        or (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "glue")
        for node in ast.walk(tree)
    )


def value_of(token: str) -> float | None:
    """Float value of a number as written (a percent sign is kept by the caller's token)."""
    m = re.fullmatch(r"(?:([\d.]+)\s*\\times\s*)?10\^\{?([-+]?\d+)\}?", token)
    if m:
        return float(m[1] or 1) * 10.0 ** int(m[2])
    m = re.fullmatch(r"(?:([\d.]+)[·×])?10([⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)", token)
    if m:
        return float(m[1] or 1) * 10.0 ** int(m[2].translate(SUPERSCRIPT))
    m = re.fullmatch(r"(\d+)/(\d+)", token)
    if m:
        return int(m[1]) / int(m[2]) if int(m[2]) else None
    digits = re.sub(r"\{,\}|[\s,_%\\]", "", token)
    try:
        return float(digits)
    except ValueError:
        return None


def close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(b))


def significant_digits(token: str) -> int:
    if "^" in token or "/" in token or re.search(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]", token):
        return 1
    mantissa = re.split(r"[eE]", re.sub(r"\{,\}|[\s,_%\\]", "", token))[0]
    digits = mantissa.replace(".", "").lstrip("0")
    if "." not in mantissa:
        digits = digits.rstrip("0")
    return len(digits)


def prose_map(src: str) -> tuple[list[bool], list[str]]:
    """Which characters of a markdown cell are prose, and the directive each one sits in."""
    keep = [False] * len(src)
    where = [""] * len(src)
    stack = []  # open fences: (marker, is_code, directive name)
    pos = 0
    for line in src.split("\n"):
        a, b = pos, pos + len(line)
        pos = b + 1
        inside_code = bool(stack) and stack[-1][1]
        directive = next((d for _, code, d in reversed(stack) if d and not code), "")
        m = FENCE_RE.match(line)
        if m:
            marker, info, rest = m[2], m[3], m[4]
            top = stack[-1][0] if stack else ""
            if top and marker[0] == top[0] and len(marker) >= len(top) and not info + rest.strip():
                stack.pop()
                continue
            if inside_code:
                continue
            if info.startswith("{"):
                name = info.strip("{} ")
                code = name in CODE_DIRECTIVES
                stack.append((marker, code, "" if code else name))
                if not code and name not in ("solution",):  # a solution's argument is a label
                    for i in range(a + m.start(4), b):
                        keep[i], where[i] = True, name
                continue
            if marker[0] == ":":
                continue  # a stray ':::' line
            stack.append((marker, True, ""))
            continue
        if inside_code or LABEL_LINE_RE.match(line) or (stack and OPTION_RE.match(line)):
            continue
        for i in range(a, b):
            keep[i], where[i] = True, directive
    return keep, where


def extract(stem: str, cell) -> list[Occurrence]:
    """Every number stated in one markdown cell."""
    src = source(cell)
    keep, where = prose_map(src)
    text = "".join(ch if k or ch == "\n" else " " for ch, k in zip(src, keep))
    shown = text  # the prose as written, for the sentences shown to the reader

    def blank(a, b):
        nonlocal text
        text = text[:a] + re.sub(r"[^\n]", " ", text[a:b]) + text[b:]

    found = []
    for m in HTML_COMMENT_RE.finditer(text):
        blank(m.start(), m.end())
    for m in ROLE_RE.finditer(text):
        role = m[1]
        if role.startswith("glue"):
            key = m[2].split(":")[0].strip()
            found.append((m.start(), m.end(), m[0], None, False, "glue:" + key))
            blank(m.start(), m.end())
        elif role in SKIP_ROLES or role.startswith("cite"):
            blank(m.start(), m.end())
        else:  # another role ({sub}, {math}, ...): keep its content
            blank(m.start(), m.start(2))
            blank(m.end(2), m.end())
    for m in CODE_SPAN_RE.finditer(text):
        blank(m.start(), m.end())
    for m in LINK_TARGET_RE.finditer(text):
        blank(m.start(1), m.end(1))
    for m in URL_RE.finditer(text):
        blank(m.start(), m.end())
    for m in DISPLAY_MATH_RE.finditer(text):
        blank(m.start(), m.end())
    in_math = [False] * len(text)
    for m in INLINE_MATH_RE.finditer(text):
        for i in range(m.start(), m.end()):
            in_math[i] = True
    for m in NUM_RE.finditer(text):
        token = m[0].rstrip()
        value = value_of(token)
        if value is not None:
            found.append((m.start(), m.start() + len(token), token, value, False, ""))
    for m in WORD_RE.finditer(text):
        if not in_math[m.start()]:
            found.append((m.start(), m.end(), m[0], float(WORDS[m[0].lower()]), True, ""))

    occurrences = []
    for start, end, token, value, word, glue in sorted(found):
        occ = Occurrence(
            stem,
            cell["id"],
            token,
            start,
            end,
            value,
            word,
            in_math[start],
            where[start],
            sentence_around(shown, start, end),
        )
        if glue:
            occ.cls, occ.check = "glue", glue
        occurrences.append(occ)
    return occurrences


def sentence_around(text: str, start: int, end: int, width: int = 200) -> str:
    """The sentence (or table cell, or list item) of text that contains [start, end)."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    if text[line_start:line_end].lstrip().startswith("|"):  # a table row: its first and own cell
        row = text[line_start:line_end]
        cells = row.split("|")
        at = text[line_start:start].count("|")
        own = cells[at].strip() if at < len(cells) else ""
        first = cells[1].strip() if len(cells) > 1 else ""
        return f"| {first} | ... | {own} |" if at > 1 else f"| {own} |"
    stops = [text.rfind(s, 0, start) for s in (". ", ".\n", "\n\n", ":\n", "\n* ")]
    a = max(stops)
    a = 0 if a < 0 else a + 2
    ends = [i for i in (text.find(s, end) for s in (". ", ".\n", "\n\n")) if i >= 0]
    b = min(ends) + 1 if ends else len(text)
    line = " ".join(text[a:b].split())
    if len(line) > width:
        rel = len(" ".join(text[a:start].split()))
        lo = max(0, rel - width // 2)
        line = ("..." if lo else "") + line[lo : lo + width] + "..."
    return line


@functools.lru_cache(maxsize=256)
def normalise(text: str) -> tuple[str, list[int]]:
    """Text with whitespace runs collapsed to one space, and each character's source offset."""
    out, offsets = [], []
    space = False
    for i, ch in enumerate(text):
        if ch.isspace():
            if not space and out:
                out.append(" ")
                offsets.append(i)
            space = True
        else:
            out.append(ch)
            offsets.append(i)
            space = False
    return "".join(out), offsets


def spans_of(context: str, src: str) -> list[tuple[int, int]]:
    """Source spans where the (whitespace-normalised) context occurs in a cell's source."""
    norm, offsets = normalise(src)
    needle = " ".join(context.split())
    spans, i = [], norm.find(needle) if needle else -1
    while i >= 0:
        spans.append((offsets[i], offsets[i + len(needle) - 1] + 1))
        i = norm.find(needle, i + 1)
    return spans


def same_number(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


def facts(nb: Notebook) -> dict[float, list[tuple[str, str]]]:
    """value -> [(hidden cell id, line)] for numbers in assert statements and glue() calls."""
    table = {}
    for cell in nb.cells:
        if not hidden_check(cell):
            continue
        lines = [
            "" if line.lstrip().startswith(("%", "!")) else line
            for line in source(cell).split("\n")
        ]
        ranges = []
        try:
            for node in ast.walk(ast.parse("\n".join(lines))):
                if isinstance(node, ast.Assert):
                    ranges.append((node.lineno, node.end_lineno))
                elif isinstance(node, ast.Call):
                    f = node.func
                    name = f.id if isinstance(f, ast.Name) else getattr(f, "attr", "")
                    if name == "glue" or name.startswith("assert"):
                        ranges.append((node.lineno, node.end_lineno))
        except SyntaxError:
            ranges = [
                (i, i) for i, line in enumerate(lines, 1) if re.search(r"\bassert|\bglue\(", line)
            ]
        rows = sorted({i for a, b in ranges for i in range(a, b + 1)})
        for i in rows:
            line = lines[i - 1]
            code = re.sub(r"#.*", "", line)
            for m in CODE_NUMBER_RE.finditer(code):
                value = value_of(m[0])
                if value is not None:
                    hits = table.setdefault(value, [])
                    if (cell["id"], line.strip()) not in hits:
                        hits.append((cell["id"], line.strip()))
    return table


def candidates(occ: Occurrence, value: float | None = None) -> list[float]:
    """The values a check may state for ``occ``: its own, and for a percentage the fraction."""
    value = occ.value if value is None else value
    return [value] + ([value / 100] if "%" in occ.number else [])


def auto_match(occ: Occurrence, table) -> list[tuple[str, str]]:
    """Hidden-cell lines that state this occurrence's distinctive value, or []."""
    if occ.word or occ.value is None or occ.where in ("exercise", "solution"):
        return []  # solution code never runs: a value there matching an assert is a coincidence
    value = abs(occ.value)
    if any(close(value, w) for w in WEAK) or (value == int(value) and value <= 10):
        return []
    wanted = candidates(occ, value)
    hits = []
    for v in wanted:
        for key, rows in table.items():
            if close(key, v):
                hits += rows
    cells = {c for c, _ in hits}
    if hits and (significant_digits(occ.number) >= 3 or len(cells) == 1):
        return hits
    return []


def load_notebooks(book: Path) -> dict[str, Notebook]:
    notebooks = {}
    for path in sorted(book.glob("0*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        notebooks[path.stem] = Notebook(path.stem, cells)
    return notebooks


def glued(nb: Notebook, key: str) -> bool:
    """Whether a code cell glues key: glue("key", ...), or glue(f"{name}_suffix", ...) in a cell
    that spells out the rest of the key ("collapsed" for collapsed_modes)."""
    for cell in nb.cells:
        if cell["cell_type"] != "code":
            continue
        src = source(cell)
        for m in re.finditer(r"\bglue\(\s*(f?)(['\"])(.*?)\2", src):
            if not m[1]:
                if m[3] == key:
                    return True
                continue
            parts = re.split(r"\{[^}]*\}", m[3])
            pattern = "(\\w+)".join(re.escape(p) for p in parts)
            found = re.fullmatch(pattern, key)
            if found and all(re.search(rf"['\"]{re.escape(g)}['\"]", src) for g in found.groups()):
                return True
    return False


def check_target(
    target: str, nb: Notebook, kind: str, occ: Occurrence | None, root: Path, notebooks=None
) -> str:
    """'' if target names a real check for this kind of entry, else why not."""
    if target.startswith("cell:"):
        stem, _, cell_id = target[5:].rpartition("/")
        if stem:  # cell:<notebook stem>/<id>: a claim about another chapter, checked there
            nb = (notebooks or {}).get(stem)
            if nb is None:
                return f"no notebook {stem}"
            target = "cell:" + cell_id
        cell = nb.by_id.get(target[5:])
        if cell is None:
            return f"no cell {target[5:]} in {nb.stem}"
        if cell["cell_type"] != "code":
            return f"cell {target[5:]} is not a code cell"
        if kind == "result" and not hidden_check(cell):
            return f"cell {target[5:]} is not a hidden (remove-cell) cell with assert or glue("
        if kind == "setting" and occ is not None and not occ.word and occ.value is not None:
            wanted = candidates(occ)
            values = [value_of(m[0]) for m in CODE_NUMBER_RE.finditer(source(cell))]
            if not any(close(v, w) for v in values if v is not None for w in wanted):
                return f"cell {target[5:]} does not contain the value {occ.number}"
        return ""
    if target.startswith("glue:"):
        return "" if glued(nb, target[5:]) else f"no code cell glues {target[5:]!r}"
    if target.startswith("test:"):
        path, *names = target[5:].split("::")
        file = root / path
        if not file.is_file() or not names:
            return f"no file {path}" if names else f"{target}: name the test function"
        text = file.read_text(encoding="utf-8")
        for name in names:
            if not re.search(rf"^\s*(?:async\s+def|def|class)\s+{re.escape(name)}\b", text, re.M):
                return f"{path} defines no {name}"
        return ""
    return f"checked_by {target!r} is not cell:<id>, glue:<key> or test:<path>::<name>"


def load_registry(path: Path) -> list[dict]:
    if not path.is_file():  # a mistyped --registry must not pass for "nothing registered"
        raise SystemExit(f"number_audit: no registry file {path}")
    with path.open("rb") as f:
        return tomllib.load(f).get("number", [])


def audit(book: Path = BOOK, registry: Path = REGISTRY, root: Path = ROOT) -> Report:
    notebooks = load_notebooks(book)
    entries = load_registry(registry)
    occurrences, problems = [], []
    by_cell = {}
    for stem, nb in notebooks.items():
        table = facts(nb)
        for cell in nb.cells:
            if cell["cell_type"] != "markdown":
                continue
            found = extract(stem, cell)
            src = source(cell)
            for occ in found:
                if occ.cls == "glue":
                    key = occ.check[5:]
                    if not glued(nb, key):
                        occ.cls, occ.detail = "unchecked", f"no code cell glues {key!r}"
                    continue
                m = RUN_TIME_RE.search(src) if cell is nb.cells[0] else None
                if m and m.start() <= occ.start < m.end():  # the time, its day and machine
                    occ.check = "test:" + RUNTIME_TEST
                    missing = check_target(occ.check, nb, "result", occ, root)
                    occ.cls, occ.detail = ("unchecked", missing) if missing else ("runtime", "")
                    continue
                line_start = src.rfind("\n", 0, occ.start) + 1
                before = src[line_start : occ.start]
                marker = not occ.word and occ.number.isdigit()
                after = src[occ.end : occ.end + 2]
                if marker and LIST_MARKER_RE.match(before) and after in (". ", ") "):
                    occ.cls, occ.check = "xref", "list item"
                    continue
                if XREF_RE.search(src[max(0, occ.start - 60) : occ.start]):
                    occ.cls, occ.check = "xref", "cross-reference"
                    continue
                hits = auto_match(occ, table)
                if hits:
                    occ.cls = "assert"
                    occ.check = "cell:" + ",".join(dict.fromkeys(c for c, _ in hits))
                    occ.detail = " | ".join(f"{c}: {line}" for c, line in hits[:3])
            occurrences += found
            by_cell[stem, cell["id"]] = found

    claimed = {}
    for index, entry in enumerate(entries):
        label = (
            f"registry entry {index + 1} ({entry.get('notebook')}, {entry.get('cell')}, "
            f"{entry.get('number')!r}, {entry.get('context')!r})"
        )
        missing = {"notebook", "cell", "number", "context", "kind"} - set(entry)
        unknown = set(entry) - FIELDS
        if missing or unknown or entry.get("kind") not in KINDS:
            why = (
                f"missing {sorted(missing)}"
                if missing
                else f"unknown fields {sorted(unknown)}"
                if unknown
                else f"kind {entry.get('kind')!r} is not one of {', '.join(KINDS)}"
            )
            problems.append(f"{label}: malformed: {why}")
            continue
        nb = notebooks.get(entry["notebook"])
        cell = nb.by_id.get(entry["cell"]) if nb else None
        if cell is None:
            problems.append(f"{label}: stale: no such notebook or cell")
            continue
        spans = spans_of(entry["context"], source(cell))
        matches = [
            o
            for o in by_cell.get((entry["notebook"], entry["cell"]), [])
            if o.cls != "glue"
            and same_number(o.number, entry["number"])
            and any(a <= o.start and o.end <= b for a, b in spans)
        ]
        if not matches:
            why = "context not in the cell" if not spans else "number not found in that context"
            problems.append(f"{label}: stale: matches no occurrence ({why})")
            continue
        if len(matches) > 1:
            problems.append(f"{label}: ambiguous: matches {len(matches)} occurrences")
            continue
        occ = matches[0]
        if id(occ) in claimed:
            problems.append(f"{label}: duplicate of registry entry {claimed[id(occ)] + 1}")
            continue
        claimed[id(occ)] = index
        apply_entry(occ, entry, index, nb, root, notebooks)

    for occ in occurrences:
        if occ.cls == "unchecked" and occ.entry is None and not occ.detail:
            occ.detail = "no registry entry"
    return Report(occurrences, problems, entries)


def apply_entry(occ: Occurrence, entry: dict, index: int, nb: Notebook, root: Path, notebooks):
    kind = entry["kind"]
    targets = entry.get("checked_by", "")
    targets = [targets] if isinstance(targets, str) else list(targets)
    targets = [t.strip() for t in targets if t.strip()]
    occ.entry = index
    occ.check = ", ".join(targets) or "registry"
    occ.detail = entry.get("note", "")
    errors = [e for e in (check_target(t, nb, kind, occ, root, notebooks) for t in targets) if e]
    if errors:
        occ.cls, occ.detail = "unchecked", f"{kind}: " + "; ".join(errors)
    elif kind == "result" and not targets:
        occ.cls = "unchecked"
        occ.detail = "result with no check" + (f"; proposed: {occ.detail}" if occ.detail else "")
    else:
        occ.cls = kind


def unique_context(occ: Occurrence, src: str, found: list[Occurrence]) -> str:
    """The shortest run of whole words around the number that identifies it in its cell."""
    norm, offsets = normalise(src)
    at = {o: i for i, o in enumerate(offsets)}
    a0 = at.get(occ.start, 0)
    b0 = at.get(occ.end - 1, a0) + 1
    lefts = [a0] + [i + 1 for i in range(a0 - 1, -1, -1) if norm[i] == " "] + [0]
    rights = [b0] + [i for i in range(b0, len(norm)) if norm[i] == " "] + [len(norm)]
    same = [o for o in found if o is not occ and same_number(o.number, occ.number)]
    for shortest in (20, 1):  # prefer at least 20 characters, accept fewer if nothing else works
        for total in range(len(lefts) + len(rights)):
            for left in range(min(total, len(lefts) - 1) + 1):
                right = total - left
                if right >= len(rights):
                    continue
                context = norm[lefts[left] : rights[right]].strip()
                if len(context) < shortest and (lefts[left] > 0 or rights[right] < len(norm)):
                    continue
                spans = spans_of(context, src)
                if not any(any(s <= o.start and o.end <= e for s, e in spans) for o in same):
                    return context
    for total in range(1, len(norm)):  # no run of whole words works: grow by characters
        for left in range(min(total, a0) + 1):
            right = total - left
            if b0 + right > len(norm):
                continue
            context = norm[a0 - left : b0 + right]
            if context != context.strip():
                continue
            spans = spans_of(context, src)
            if not any(any(s <= o.start and o.end <= e for s, e in spans) for o in same):
                return context
    return norm.strip()


def toml_string(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def template(report: Report, book: Path = BOOK) -> str:
    notebooks = load_notebooks(book)
    out = []
    for occ in report.occurrences:
        if occ.cls != "unchecked" or occ.entry is not None:
            continue
        cell = notebooks[occ.notebook].by_id[occ.cell]
        found = [o for o in report.occurrences if (o.notebook, o.cell) == (occ.notebook, occ.cell)]
        context = unique_context(occ, source(cell), found)
        where = f" [{occ.where}]" if occ.where else ""
        out += [
            f"# {occ.sentence}{where}",
            "[[number]]",
            f"notebook = {toml_string(occ.notebook)}",
            f"cell = {toml_string(occ.cell)}",
            f"number = {toml_string(occ.number)}",
            f"context = {toml_string(context)}",
            'kind = ""',
            'checked_by = ""',
            "",
        ]
    return "\n".join(out)


def print_report(report: Report, only: str | None = None) -> None:
    counts = report.counts()
    current = None
    for occ in report.occurrences:
        if only and occ.cls != only:
            continue
        if occ.notebook != current:
            current = occ.notebook
            summary = ", ".join(f"{k} {v}" for k, v in counts[current].items() if v)
            print(f"\n##### {current}: {summary}")
        flags = ",".join(
            f for f in ("word" if occ.word else "", "math" if occ.math else "", occ.where) if f
        )
        flags = f" [{flags}]" if flags else ""
        check = f" <- {occ.check}" if occ.check else ""
        print(f"  {occ.cls:10} {occ.cell:>10} {occ.number!r}{flags}{check}: {occ.sentence}")
        if occ.detail:
            print(f"  {'':10} {'':>10}   {occ.detail}")
    print("\n##### counts per class")
    width = max([len(stem) for stem in counts] + [8])
    print("  " + f"{'notebook':{width}} " + " ".join(f"{c:>10}" for c in CLASSES))
    total = dict.fromkeys(CLASSES, 0)
    for stem, row in counts.items():
        print("  " + f"{stem:{width}} " + " ".join(f"{row[c]:>10}" for c in CLASSES))
        for c in CLASSES:
            total[c] += row[c]
    print("  " + f"{'total':{width}} " + " ".join(f"{total[c]:>10}" for c in CLASSES))
    unchecked = report.unchecked
    if only and only != "unchecked":
        unchecked = []
    print(f"\n##### UNCHECKED: {len(report.unchecked)}")
    for occ in unchecked:
        print(f"  {occ.notebook} {occ.cell} {occ.number!r}: {occ.sentence}")
        print(f"      {occ.detail}")
    if report.problems:
        print(f"\n##### REGISTRY PROBLEMS: {len(report.problems)}")
        for p in report.problems:
            print("  " + p)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--book", type=Path, default=BOOK, help="folder of the 0*.ipynb chapters")
    parser.add_argument("--registry", type=Path, default=REGISTRY, help="the TOML registry")
    parser.add_argument("--only", choices=CLASSES, help="list only the numbers of this class")
    parser.add_argument("--notebook", help="list only this notebook (stem or prefix, e.g. 05)")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument(
        "--template", action="store_true", help="print TOML stubs for unregistered numbers"
    )
    args = parser.parse_args(argv)
    report = audit(args.book, args.registry)
    if args.notebook:
        report.occurrences = [o for o in report.occurrences if o.notebook.startswith(args.notebook)]
    if args.template:
        print(template(report, args.book))
    elif args.json:
        rows = [asdict(o) for o in report.occurrences if not args.only or o.cls == args.only]
        out = {"counts": report.counts(), "occurrences": rows, "problems": report.problems}
        out["unchecked"] = [asdict(o) for o in report.unchecked]
        json.dump(out, sys.stdout, indent=1, ensure_ascii=False)
        print()
    else:
        print_report(report, args.only)
    return 1 if report.unchecked or report.problems else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:
        sys.exit(141)
