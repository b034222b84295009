"""The Chinese edition stays in step with the English one: every translated block records the
hash of the English it translates, so a changed English cell makes its translation stale and
fails here; the Chinese notebooks are generated from the English ones, never edited by hand;
translations keep the math, code, references and numbers, and the glossary's terms."""

import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.repo


def _load():
    spec = importlib.util.spec_from_file_location("translate", ROOT / "scripts" / "translate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["translate"] = module
    spec.loader.exec_module(module)
    return module


translate = _load()
TRANSLATED = sorted((ROOT / "translations" / "zh").glob("*.md"))
PAGES = {p.stem: p for p in translate.pages()}


def test_every_translation_file_belongs_to_a_page_of_the_book():
    assert TRANSLATED, "no translation yet"
    assert not [p.name for p in TRANSLATED if p.stem not in PAGES]


@pytest.mark.parametrize("path", TRANSLATED, ids=lambda p: p.stem)
def test_a_translated_page_has_no_stale_missing_or_orphaned_block(path):
    s = translate.status(PAGES[path.stem])
    problems = {k: v for k, v in s.items() if k != "translated" and v}
    assert not problems, (
        f"{path.stem}: {problems}. A stale block's English changed: update its translation, "
        "then the hash in its marker (python scripts/translate.py template PAGE shows the new one)"
    )


def test_a_one_word_change_to_an_english_cell_makes_its_translation_stale(tmp_path, monkeypatch):
    nb = {
        "cells": [
            {"cell_type": "markdown", "id": "a", "metadata": {}, "source": ["# The generator"]},
            {"cell_type": "code", "id": "b", "metadata": {}, "source": ["x = 1"], "outputs": []},
            {"cell_type": "markdown", "id": "c", "metadata": {}, "source": ["It learns."]},
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    page = tmp_path / "book" / "99_test.ipynb"
    page.parent.mkdir()
    page.write_text(json.dumps(nb))
    monkeypatch.setattr(translate, "TRANSLATIONS", tmp_path / "translations")
    target = translate.translation_path(page)
    target.parent.mkdir(parents=True)
    target.write_text(translate.template(page).replace("# The generator", "# 生成器"))
    assert translate.status(page)["missing"] == [] and translate.status(page)["stale"] == []
    nb["cells"][0]["source"] = ["# The discriminator"]
    page.write_text(json.dumps(nb))
    assert translate.status(page)["stale"] == ["a"]
    with pytest.raises(ValueError, match="stale: \\['a'\\]"):
        translate.translated_notebook(page)
    nb["cells"].append({"cell_type": "markdown", "id": "d", "metadata": {}, "source": ["New."]})
    page.write_text(json.dumps(nb))
    assert translate.status(page)["missing"] == ["d"]


def test_the_chinese_notebooks_are_generated_from_the_english_ones_and_translations():
    chapters = [p for p in TRANSLATED if PAGES[p.stem].suffix == ".ipynb"]
    for path in chapters:
        page = PAGES[path.stem]
        generated = ROOT / "zh" / "book" / page.name
        assert generated.exists(), f"run python scripts/translate.py notebooks ({page.name})"
        assert generated.read_text(encoding="utf-8") == translate.notebook_text(
            translate.translated_notebook(page)
        ), f"{generated.relative_to(ROOT)} is out of date: python scripts/translate.py notebooks"
        english = json.loads(page.read_text(encoding="utf-8"))["cells"]
        chinese = json.loads(generated.read_text(encoding="utf-8"))["cells"]
        assert [c["source"] for c in english if c["cell_type"] == "code"] == [
            c["source"] for c in chinese if c["cell_type"] == "code"
        ]  # the same code, the Colab install cell first
    written = {p.name for p in (ROOT / "zh" / "book").glob("*.ipynb")}
    assert written == {PAGES[p.stem].name for p in chapters}


FENCE = re.compile(r"^(`{3,}|:{3,})(.*)$")
KEPT = [
    re.compile(r"\$\$.*?\$\$", re.S),  # display math
    re.compile(r"(?<![\$\\])\$(?!\$)(?:[^$\n]|\n(?!\n))+?\$"),  # inline math, may wrap a line
    re.compile(r"(?<!`)`(?!`)(?:[^`\n]|\n(?!\n))+?`"),  # inline code, roles' targets
    re.compile(r"^:(?!alt:)\w[\w-]*:.*$", re.M),  # directive options (:label: ...), not alt text
    re.compile(r"^\([\w-]+\)=$", re.M),  # label lines
]
ROLE_TARGET = re.compile(r"\{(?:ref|doc|numref)\}`(?:[^`<]*<)?([^`>]+)>?`")


def _kept(text: str) -> list[str]:
    """What a translation must keep as it is: fenced code, math, inline code, the targets of
    references, directive options and labels (whitespace normalised: lines may wrap anew)."""
    prose, code, stack = [], [], []  # stack: the open fences, (marker, is_code)
    for line in text.splitlines():
        m = FENCE.match(line.strip())
        in_code = bool(stack) and stack[-1][1]
        if m and stack and m.group(1) == stack[-1][0] and not m.group(2).strip():
            stack.pop()  # a closing fence
            (code if in_code else prose).append(line if in_code else "")
        elif in_code:
            code.append(line)
        elif m and m.group(2).strip().startswith("{"):
            stack.append((m.group(1), False))  # a directive: its title may be translated
            prose.append("")
        elif m:
            stack.append((m.group(1), True))  # a code block: kept whole
            code.append(line)
        else:
            prose.append(line)
    rest = "\n".join(prose)
    out = [m.group(0) for pattern in KEPT for m in pattern.finditer(rest)]
    # the visible text of {ref}/{doc} may be translated; their targets may not
    out = [x for x in out if not re.match(r"`[^`]*<[^`]+>`$", x)]
    out += ROLE_TARGET.findall(rest) + ["\n".join(code)]
    return sorted(" ".join(x.split()) for x in out)


@pytest.mark.parametrize("path", TRANSLATED, ids=lambda p: p.stem)
def test_a_translation_keeps_the_math_code_references_and_labels(path):
    english = translate.english_blocks(PAGES[path.stem])
    for key, (_, zh) in translate.read_translation(path).items():
        if key not in english:
            continue
        en_kept, zh_kept = _kept(english[key]), _kept(zh)
        assert en_kept == zh_kept, (
            f"{path.stem} block {key}: lost {sorted(set(en_kept) - set(zh_kept))[:3]}, "
            f"added {sorted(set(zh_kept) - set(en_kept))[:3]}"
        )


@pytest.mark.parametrize("path", TRANSLATED, ids=lambda p: p.stem)
def test_a_figures_alt_text_is_translated_too(path):
    """Alt text is what a screen reader says for a figure: a Chinese page says it in Chinese."""
    english = translate.english_blocks(PAGES[path.stem])
    for key, (_, zh) in translate.read_translation(path).items():
        want = len(re.findall(r"^:alt:", english.get(key, ""), re.M))
        alts = re.findall(r"^:alt:(.*)$", zh, re.M)
        assert len(alts) == want, f"{path.stem} block {key}: {len(alts)} alt texts, not {want}"
        assert all(re.search("[\u4e00-\u9fff]", a) for a in alts), f"{path.stem} {key}: {alts}"


# Terms of the glossary (book/glossary.md) and variants that must not appear instead.
TERMS = {
    "判别器": ["鉴别器", "辨别器"],
    "生成器": ["产生器"],
    "模式崩溃": ["模式坍塌", "模态崩溃", "模式坍缩"],
    "非饱和损失": ["不饱和损失"],
    "批归一化": ["批标准化", "批量归一化", "批量标准化"],
    "梯度惩罚": ["梯度罚项"],
    "价值函数": ["(?<!价)值函数"],
}


def test_the_glossary_gives_the_terms_the_translations_use():
    glossary = (ROOT / "book" / "glossary.md").read_text(encoding="utf-8")
    for term in TERMS:
        assert term in glossary, f"{term} is not a glossary term"


@pytest.mark.parametrize("path", TRANSLATED, ids=lambda p: p.stem)
def test_a_translation_uses_the_glossary_terms_not_their_variants(path):
    text = path.read_text(encoding="utf-8")
    for term, variants in TERMS.items():
        used = [v for v in variants if re.search(v, text)]
        assert not used, f"{path.stem}: write {term}, not {used}"


# Terms whose first use in each translated chapter gives the English in parentheses.
FIRST_USE = {"判别器": "discriminator", "生成器": "generator", "模式崩溃": "mode collapse"}


@pytest.mark.parametrize(
    "path", [p for p in TRANSLATED if p.stem[:2].isdigit()], ids=lambda p: p.stem
)
def test_a_chapter_gives_the_english_term_at_its_first_use(path):
    text = re.sub(r"<!--.*?-->", "", path.read_text(encoding="utf-8"), flags=re.S)
    for term, english in FIRST_USE.items():
        first = text.find(term)
        if first < 0:
            continue
        after = text[first + len(term) : first + len(term) + 40].lstrip("*")
        assert after.startswith("（") and english in after.lower(), (
            f"{path.stem}: the first {term} should read {term}（{english}）, not {term}{after[:12]}"
        )


# --- the Chinese site ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return translate.write_site("zh", tmp_path_factory.mktemp("zh") / "src")


def test_the_chinese_site_is_configured_from_the_english_one_in_chinese(site):
    import yaml

    english = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    config = yaml.safe_load((site / "_config.yml").read_text(encoding="utf-8"))
    sphinx = config["sphinx"]["config"]
    assert sphinx["language"] == "zh_CN"
    assert config["title"] != english["title"] and "生成对抗网络" in config["title"]
    # the Colab button opens the committed Chinese notebook, zh/book/<chapter>.ipynb
    assert config["repository"]["path_to_book"] == "zh"
    assert (ROOT / "zh" / "book" / "04_loss_math.ipynb").exists()
    # the English build's execution cache: the Chinese build runs no chapter again
    assert Path(config["execute"]["cache"]) == ROOT / "_build" / ".jupyter_cache"
    assert set(config["sphinx"]["local_extensions"]) == set(english["sphinx"]["local_extensions"])
    assert all(Path(p).is_dir() for p in config["sphinx"]["local_extensions"].values())
    # everything else as in English
    for key in ("execute", "parse", "launch_buttons", "html", "only_build_toc_files"):
        if key != "execute":
            assert config[key] == english[key], key
    own = ("language", "ganbook_other_edition", "html_search_options", "ganbook_student_label")
    assert {k: v for k, v in sphinx.items() if k not in own} == {
        k: v for k, v in english["sphinx"]["config"].items() if k not in own
    }
    # each edition's language link points at the other's folder
    assert english["sphinx"]["config"]["ganbook_other_edition"]["prefix"] == "zh/"
    assert sphinx["ganbook_other_edition"]["prefix"] == "../"


def test_the_chinese_site_has_every_page_in_the_same_order_with_chinese_captions(site):
    import yaml

    english = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    chinese = yaml.safe_load((site / "_toc.yml").read_text(encoding="utf-8"))
    assert chinese["root"] == english["root"]
    assert [c["file"] for p in chinese["parts"] for c in p["chapters"]] == [
        c["file"] for p in english["parts"] for c in p["chapters"]
    ]
    assert [p["caption"] for p in chinese["parts"]] == ["章节", "教学", "参考"]
    for page in PAGES.values():
        assert (site / "book" / page.name).exists(), page.name


def test_the_chinese_pages_are_the_translations_and_the_notebooks_those_committed(site):
    for page in PAGES.values():
        built = (site / "book" / page.name).read_text(encoding="utf-8")
        if page.suffix == ".ipynb":
            assert built == (ROOT / "zh" / "book" / page.name).read_text(encoding="utf-8")
            continue
        done = translate.read_translation(translate.translation_path(page))
        if page.stem in translate.GENERATED:
            slotted = translate.slotted_sections(page)
            done = {k: (h, translate.fill_slots(t, slotted[k][1])) for k, (h, t) in done.items()}
        for key, (_, text) in done.items():
            assert text in built, (page.name, key)
        english = {
            k: t.rstrip() for k, t in zip(done, translate._sections(page.read_text("utf-8")))
        }
        # no English block left in (a label line such as "(glossary)=" is the same in both)
        assert not [k for k, t in english.items() if t in built and t != done[k][1]]


def test_a_stale_translation_stops_the_chinese_site(tmp_path, monkeypatch):
    stale = tmp_path / "zh"
    stale.mkdir()
    text = (ROOT / "translations" / "zh" / "glossary.md").read_text(encoding="utf-8")
    first = translate.MARKER.search(text)
    (stale / "glossary.md").write_text(text.replace(first.group(2), "0" * 12, 1), "utf-8")
    monkeypatch.setattr(translate, "TRANSLATIONS", tmp_path)
    with pytest.raises(ValueError, match="stale"):
        translate.translated_page(PAGES["glossary"])


def test_chinese_search_finds_the_glossary_terms_as_words(site):
    """Sphinx's Chinese search indexes Chinese words only through jieba; the glossary's terms
    are added to its dictionary, so each is one searchable word."""
    from sphinx.search.zh import SearchChinese

    terms = (site / "search_terms.txt").read_text(encoding="utf-8").splitlines()
    words = [line.split()[0] for line in terms]
    assert {"判别器", "生成器", "模式崩溃", "梯度惩罚"} <= set(words)
    search = SearchChinese({"dict": str(site / "search_terms.txt")})
    assert "模式崩溃" in search.split("生成器出现模式崩溃时")
    assert "判别器" in search.split("判别器的损失")


def test_each_page_links_to_the_same_page_of_the_other_edition():
    sys.path.insert(0, str(ROOT / "_ext"))
    try:
        import language_link
    finally:
        sys.path.remove(str(ROOT / "_ext"))
    spec = importlib.util.spec_from_file_location("check_site", ROOT / "scripts" / "check_site.py")
    check = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(check)
    # from English (site root) to Chinese (zh/) and back, at any depth
    assert language_link.other_edition_url("book/04_loss_math", "zh/") == (
        "../zh/book/04_loss_math.html"
    )
    assert language_link.other_edition_url("search", "zh/") == "zh/search.html"
    assert language_link.other_edition_url("book/04_loss_math", "../") == (
        "../../book/04_loss_math.html"
    )
    assert check.other_edition("book/glossary.html") == "zh/book/glossary.html"
    assert check.other_edition("zh/book/glossary.html") == "book/glossary.html"
    pages = [p.relative_to(check.HTML).as_posix() for p in check.book_pages()]
    assert len(pages) == 2 * len(PAGES) and "zh/book/04_loss_math.html" in pages


def test_a_generated_page_keeps_its_translation_when_only_its_numbers_change(tmp_path, monkeypatch):
    """The benchmarks appendix is rewritten by benchmarks/report.py at every re-run: new numbers
    fill the translation's slots; a changed word makes it stale."""
    page = tmp_path / "book" / "appendix_benchmarks.md"
    page.parent.mkdir()
    page.write_text("# Results\n\nThe ring: 8 of 8 modes at 99.2 % (seed 0, R1, 1,500 steps).\n")
    monkeypatch.setattr(translate, "TRANSLATIONS", tmp_path / "translations")
    (tmp_path / "translations" / "zh").mkdir(parents=True)
    ((key, text),) = translate.english_blocks(page).items()
    assert text == "# Results\n\nThe ring: ⟦0⟧ of ⟦1⟧ modes at ⟦2⟧ % (seed ⟦3⟧, R1, ⟦4⟧ steps)."
    translation = "# 结果\n\n环形：种子 ⟦3⟧ 训练 ⟦4⟧ 步（R1），覆盖 ⟦1⟧ 个模式中的 ⟦0⟧ 个，⟦2⟧ %。"
    translate.translation_path(page).write_text(
        f"<!-- block: {key} en: {translate.digest(text)} -->\n{translation}\n", "utf-8"
    )
    assert (
        translate.translated_page(page)
        == "# 结果\n\n环形：种子 0 训练 1,500 步（R1），覆盖 8 个模式中的 8 个，99.2 %。\n"
    )
    page.write_text("# Results\n\nThe ring: 7 of 8 modes at 97.25 % (seed 2, R1, 20,000 steps).\n")
    assert translate.status(page)["translated"] == [key]
    assert "覆盖 8 个模式中的 7 个，97.25 %" in translate.translated_page(page)
    page.write_text("# Results\n\nThe ring: 7 of 8 modes at 97.25 % (seed 2, R2, 20,000 steps).\n")
    assert translate.status(page)["stale"] == [key]
    with pytest.raises(ValueError, match="stale"):
        translate.translated_page(page)


@pytest.mark.parametrize(
    "page", [p for p in PAGES.values() if p.stem in translate.GENERATED], ids=lambda p: p.stem
)
def test_a_generated_pages_translation_uses_each_number_slot_of_its_block(page):
    english = translate.english_blocks(page)
    for key, (_, zh) in translate.read_translation(translate.translation_path(page)).items():
        want = set(translate.SLOT.findall(english[key]))
        got = set(translate.SLOT.findall(zh))
        assert got == want, f"{page.stem} block {key}: missing {want - got}, unknown {got - want}"
