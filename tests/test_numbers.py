"""Every number the chapters state is glued, asserted, or registered with what checks it.

``scripts/number_audit.py`` lists the numbers of every markdown cell of ``book/0*.ipynb``;
``tests/number_registry.toml`` says for each one that is neither glued nor matched by a hidden
assert what kind of number it is and, for a result, which hidden cell, glue key or test checks
it. ``python scripts/number_audit.py --only unchecked`` prints what is left to do.
"""

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def load_audit():
    path = ROOT / "scripts" / "number_audit.py"
    spec = importlib.util.spec_from_file_location("number_audit", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look the module up while it loads
    spec.loader.exec_module(module)
    return module


audit = load_audit()


@pytest.fixture(autouse=True)
def _seeded():
    """Replaces tests/conftest.py's seeding fixture: these tests import no TensorFlow."""
    yield


@pytest.fixture(scope="module")
def report():
    return audit.audit()


def listing(occurrences, limit=60):
    lines = [
        f"{o.notebook} {o.cell} {o.number!r}: {o.sentence[:110]} [{o.detail[:140]}]"
        for o in occurrences[:limit]
    ]
    more = len(occurrences) - limit
    return "\n".join(lines + ([f"... and {more} more"] if more > 0 else []))


def test_every_registry_entry_matches_exactly_one_number(report):
    assert not report.problems, "\n".join(report.problems)


def test_every_number_is_glued_asserted_or_registered(report):
    unregistered = [o for o in report.unchecked if o.entry is None]
    assert not unregistered, (
        "numbers with no registry entry (python scripts/number_audit.py --template):\n"
        + listing(unregistered)
    )


def test_every_check_the_registry_names_exists(report):
    """A ``checked_by`` that is given must be a hidden assert cell, a glue key or a test."""

    def named(o):
        targets = report.entries[o.entry].get("checked_by", "")
        return any(t.strip() for t in ([targets] if isinstance(targets, str) else targets))

    broken = [o for o in report.unchecked if o.entry is not None and named(o)]
    assert not broken, listing(broken)


def test_no_number_is_left_unchecked(report):
    """The to-do list: results that nothing asserts yet (their notes propose the assert)."""
    assert not report.unchecked, (
        f"{len(report.unchecked)} unchecked numbers (python scripts/number_audit.py --only "
        "unchecked):\n" + listing(report.unchecked)
    )


# --- the audit itself, on a synthetic chapter --------------------------------------------------


def markdown(cell_id, text):
    return {"cell_type": "markdown", "id": cell_id, "metadata": {}, "source": text}


def code(cell_id, text, hidden=False):
    tags = ["remove-cell"] if hidden else []
    return {
        "cell_type": "code",
        "id": cell_id,
        "metadata": {"tags": tags},
        "source": text,
        "outputs": [],
        "execution_count": None,
    }


CHAPTER = [
    markdown(
        "intro",
        "# Demo\n\n**Run time.** About 40 seconds, measured on 2026-12-04 on a 2-core CPU whose "
        "2048 x 2048\nfloat32 matrix multiply runs at 217 GFLOP/s.\n",
    ),
    code("setup", "STEPS = 1000\nloss, accuracy = 0.1234, 0.93\nshare = 0.5\n"),
    markdown(
        "prose",
        "We train for 1,000 steps (chapter 2). The accuracy reached 0.93 and the loss "
        "0.1234, while eight modes appeared.\n\n"
        "```python\nprint(12345)  # code is not prose\n```\n\n"
        "Half of it is {glue:text}`share:.0%`; `x = 77` is code and $$y = 88$$ is display math.\n",
    ),
    code("check", "assert abs(loss - 0.1234) < 1e-3\nassert 0.9 < accuracy < 0.95\n", True),
    code("glued", "glue('share', share, display=False)\n", True),
]


def write_chapter(tmp_path, registry_text):
    book = tmp_path / "book"
    book.mkdir(exist_ok=True)
    notebook = {"cells": CHAPTER, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (book / "01_demo.ipynb").write_text(json.dumps(notebook))
    registry = tmp_path / "registry.toml"
    registry.write_text(registry_text)
    return audit.audit(book, registry, ROOT)


def entry(number, context, kind, checked_by=None, cell="prose"):
    lines = [
        "[[number]]",
        'notebook = "01_demo"',
        f'cell = "{cell}"',
        f'number = "{number}"',
        f'context = "{context}"',
        f'kind = "{kind}"',
    ]
    if checked_by is not None:
        lines.append(f'checked_by = "{checked_by}"')
    return "\n".join(lines) + "\n"


def classes(report):
    return {(o.cell, o.number): o.cls for o in report.occurrences}


def test_the_audit_classifies_glue_runtime_xref_and_distinctive_asserts(tmp_path):
    report = write_chapter(tmp_path, "")
    found = classes(report)
    assert found[("intro", "40")] == "runtime"
    assert found[("intro", "217")] == found[("intro", "2048")] == "runtime"  # its machine too
    assert found[("prose", "2")] == "xref"  # "chapter 2"
    assert found[("prose", "0.1234")] == "assert"  # four significant digits, in a hidden assert
    assert found[("prose", "{glue:text}`share:.0%`")] == "glue"
    numbers = {o.number for o in report.occurrences}
    assert {"12345", "77", "88"}.isdisjoint(numbers)  # code, inline code, display math
    assert "Half" in numbers and "eight" in numbers  # number words count


def test_an_unregistered_result_is_unchecked_and_a_registered_one_needs_a_real_check(tmp_path):
    # 0.93 is asserted only as a range, so nothing matches it automatically
    report = write_chapter(tmp_path, "")
    accuracy = next(o for o in report.occurrences if o.number == "0.93")
    assert accuracy.cls == "unchecked" and accuracy.detail == "no registry entry"
    args = ["--book", str(tmp_path / "book"), "--registry", str(tmp_path / "registry.toml")]
    assert accuracy in report.unchecked and audit.main(args) == 1

    checked = entry("0.93", "accuracy reached 0.93", "result", "cell:check")
    assert classes(write_chapter(tmp_path, checked))[("prose", "0.93")] == "result"
    for target in ("", "cell:setup", "cell:nowhere", "glue:other", "test:tests/x.py::test_y"):
        registry = entry("0.93", "accuracy reached 0.93", "result", target)
        # no check, a visible cell, a missing cell, an unglued key, a missing test
        assert classes(write_chapter(tmp_path, registry))[("prose", "0.93")] == "unchecked"
    real_test = "test:tests/test_numbers.py::test_no_number_is_left_unchecked"
    registry = entry("0.93", "accuracy reached 0.93", "result", real_test)
    assert classes(write_chapter(tmp_path, registry))[("prose", "0.93")] == "result"


def test_a_setting_must_be_in_the_cell_it_names(tmp_path):
    good = entry("1,000", "for 1,000 steps", "setting", "cell:setup")
    assert classes(write_chapter(tmp_path, good))[("prose", "1,000")] == "setting"
    bad = entry("1,000", "for 1,000 steps", "setting", "cell:check")
    assert classes(write_chapter(tmp_path, bad))[("prose", "1,000")] == "unchecked"


def test_stale_ambiguous_duplicate_and_malformed_entries_are_reported(tmp_path):
    registry = "".join(
        [
            entry("7", "seven dwarfs", "definition"),  # stale: not in the cell
            entry("1,000", "for 1,000 steps", "setting", cell="gone"),  # stale: no such cell
            entry("0.93", "accuracy", "result", "cell:check"),  # the number is not in the context
            entry("1,000", "for 1,000 steps", "setting"),
            entry("1,000", "1,000", "setting"),  # duplicate of the one before
            entry("eight", "eight modes", "guess"),  # malformed: unknown kind
        ]
    )
    report = write_chapter(tmp_path, registry)
    kinds = [p.split(": ")[1] for p in report.problems]
    assert kinds == ["stale", "stale", "stale", "duplicate of registry entry 4", "malformed"]
    args = ["--book", str(tmp_path / "book"), "--registry", str(tmp_path / "registry.toml")]
    assert audit.main(args) == 1
    with pytest.raises(SystemExit, match="no registry file"):  # a mistyped path is an error
        audit.main(["--book", str(tmp_path / "book"), "--registry", str(tmp_path / "x")])


def test_only_a_real_assert_or_glue_makes_a_hidden_cell_a_check():
    def cell(text, tags=("remove-cell",)):
        return {"cell_type": "code", "metadata": {"tags": list(tags)}, "source": text}

    assert audit.hidden_check(cell("assert x > 1"))
    assert audit.hidden_check(cell("glue('key', x, display=False)"))
    assert not audit.hidden_check(cell("x = 1  # we assert nothing here"))
    assert not audit.hidden_check(cell("print('glue(')"))
    assert not audit.hidden_check(cell("assert x > 1", tags=()))  # shown: not hidden


def test_the_template_registers_every_number_unambiguously(tmp_path, capsys):
    report = write_chapter(tmp_path, "")
    stubs = audit.template(report, tmp_path / "book")
    filled = stubs.replace('kind = ""', 'kind = "definition"')
    entries = audit.tomllib.loads(filled)["number"]
    assert len(entries) == len(report.unchecked)
    report = write_chapter(tmp_path, filled)
    assert report.problems == [] and report.unchecked == []
    args = ["--book", str(tmp_path / "book"), "--registry", str(tmp_path / "registry.toml")]
    assert audit.main(args) == 0
    capsys.readouterr()
    assert audit.main([*args, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["unchecked"] == []
