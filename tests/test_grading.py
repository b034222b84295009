"""The graders of the chapters' coding exercises: full marks for the reference solutions, zero
for the blank stubs, and each typical wrong answer losing its points with a message that names
the mistake."""

import importlib.util
import json
import textwrap
from pathlib import Path

import pytest

from ganbook_lib import GanbookError, grading

ROOT = Path(__file__).resolve().parents[1]
HIDDEN = ROOT / "graders" / "hidden"


def _student_version():
    spec = importlib.util.spec_from_file_location(
        "student_version", ROOT / "scripts" / "student_version.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def graded_cells():
    """(chapter file, cell index, exercise, code) of every graded solution cell in the book."""
    for path in sorted((ROOT / "book").glob("[0-9][0-9]_*.ipynb")):
        cells = json.loads(path.read_text())["cells"]
        for i, cell in enumerate(cells):
            exercise = cell["metadata"].get("ganbook", {}).get("exercise")
            if exercise:
                yield path.name, i, exercise, "".join(cell["source"])


# the reference solutions are the chapters' own cells; the stubs are what students receive
SOLUTIONS = {exercise: code for _, _, exercise, code in graded_cells()}
STUBS = {e: _student_version().stub_solution(code)[0] for e, code in SOLUTIONS.items()}


def _wrong_answers():
    """Every typical wrong answer, from tests/wrong_answers/chNN.py (one file per chapter)."""
    out = []
    for path in sorted((ROOT / "tests" / "wrong_answers").glob("ch[0-9][0-9].py")):
        spec = importlib.util.spec_from_file_location(f"wrong_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        assert all(w[0][2:4] == path.stem[2:] for w in module.WRONG), path.name
        out += module.WRONG
    return out


# (exercise, what is wrong, code, the check that must fail, words its message must contain)
WRONG = _wrong_answers()
SIGN_FLIPPED = next(w[2] for w in WRONG if w[1].startswith("the article's L_D, which is V"))


def namespace(code: str) -> dict:
    import math

    import keras
    import numpy as np
    import tensorflow as tf

    # what every chapter's setup cell has imported; a solution imports anything else itself
    ns = {"tf": tf, "np": np, "keras": keras, "math": math}
    exec(textwrap.dedent(code), ns)
    return ns


@pytest.mark.parametrize("exercise", sorted(SOLUTIONS))
def test_the_reference_solution_scores_full_marks_with_the_hidden_checks(exercise):
    result = grading.Grader(exercise[2:4], hidden=HIDDEN).check(
        exercise, namespace(SOLUTIONS[exercise])
    )
    assert not result.failed and result.points == result.possible > 0, str(result)
    assert any(c.hidden for c in grading.REGISTRY[exercise])  # hidden checks exist and ran


@pytest.mark.parametrize("exercise", sorted(STUBS))
def test_the_blank_stub_scores_zero_and_says_it_is_not_written(exercise):
    result = grading.Grader(exercise[2:4], hidden=HIDDEN).check(
        exercise, namespace(STUBS[exercise])
    )
    assert result.points == 0 and not result.passed, str(result)
    assert all("not written yet" in message for _, message in result.failed), str(result)
    assert len(str(result).splitlines()) == 2  # the same reason is said once


@pytest.mark.parametrize(
    "exercise, what, code, check, words", WRONG, ids=[f"{w[0]} {w[1]}" for w in WRONG]
)
def test_a_typical_wrong_answer_loses_points_with_a_message_that_names_it(
    exercise, what, code, check, words
):
    result = grading.Grader(exercise[2:4], hidden=HIDDEN).check(exercise, namespace(code))
    failed = dict(result.failed)
    assert check in failed, f"{what}: expected {check} to fail; {result}"
    assert words in failed[check], failed[check]
    assert result.points < result.possible


def test_every_graded_exercise_has_its_solution_cell_and_a_check_cell_in_its_chapter():
    cells = list(graded_cells())
    assert {"ch02-q1", "ch02-q2"} <= set(SOLUTIONS), sorted(SOLUTIONS)
    for name, i, exercise, code in cells:
        assert name[:2] == exercise[2:4], (name, exercise)
        nb = json.loads((ROOT / "book" / name).read_text())["cells"]
        task, after = "".join(nb[i - 1]["source"]), "".join(nb[i + 1]["source"])
        assert f":label: {exercise}" in task, f"{name}: the exercise's text precedes its solution"
        assert after.strip() == f'grader.check("{exercise}")', f"{name}: a check follows {exercise}"
        assert "hide-input" in nb[i]["metadata"].get("tags", []), "the book folds the solution"
        assert code.count("# BEGIN SOLUTION") == code.count("# END SOLUTION") == 1, exercise
    for chapter in grading.CHAPTERS:  # every exercise with checks is in the book
        for exercise in grading.Grader(chapter).exercises:
            assert exercise in SOLUTIONS, f"{exercise} has checks but no solution cell"


def test_the_student_sees_only_the_public_checks():
    public = grading.Grader("02").checks("ch02-q1")
    everything = grading.Grader("02", hidden=HIDDEN).checks("ch02-q1")
    assert not any(c.hidden for c in public) and len(everything) > len(public)


def test_a_missing_function_and_a_bad_exercise_id_say_what_to_do():
    result = grading.Grader("02").check("ch02-q1", {})
    assert "no function named 'discriminator_loss'" in result.failed[0][1]
    with pytest.raises(GanbookError, match="no exercise 'ch02-q9' in chapter 02; its exercises"):
        grading.Grader("02").check("ch02-q9", {})
    with pytest.raises(GanbookError, match="chapter must be one of"):
        grading.Grader("10")
    with pytest.raises(GanbookError, match="submissions keep the chapter's file name"):
        grading.chapter_of("my_homework.ipynb")


def test_the_result_reads_as_one_line_per_failure():
    labelled_0 = next(w[2] for w in WRONG if w[1].startswith("the fakes labelled 0"))
    result = grading.Grader("02").check("ch02-q2", namespace(labelled_0))
    lines = str(result).splitlines()
    assert lines[0] == "ch02-q2: 1 of 3 checks passed (1 of 3 points)", lines
    assert lines[1].startswith("  - the loss must be the cross-entropy of the fakes labelled REAL")
    assert lines[2] == "  - descending the loss must raise D's logit on every fake: check the sign"


def test_scores_are_written_as_one_csv_row_per_submission(tmp_path):
    import csv

    g = grading.Grader("02", hidden=HIDDEN)
    rows = [
        ("good.ipynb", g.score(namespace(SOLUTIONS["ch02-q1"] + "\n" + SOLUTIONS["ch02-q2"]))),
        ("blank.ipynb", g.score(namespace(STUBS["ch02-q1"] + "\n" + STUBS["ch02-q2"]))),
    ]
    out = grading.write_scores(rows, tmp_path / "scores.csv")
    table = list(csv.DictReader(out.open()))
    assert [r["submission"] for r in table] == ["good.ipynb", "blank.ipynb"]
    assert table[0]["total"] == table[0]["possible"] == table[1]["possible"]
    assert table[1]["total"] == "0" and "not written yet" in table[1]["ch02-q1 feedback"]


@pytest.mark.slow
def test_ganbook_grade_runs_three_submissions_and_writes_their_scores(tmp_path):
    """Three students' chapter-2 notebooks: one right, one blank, one with the article's sign
    error. Each runs in its own kernel; the CSV has their points and the first failure of each
    exercise."""
    import csv
    import subprocess
    import sys

    import nbformat

    answers = {
        "alice": SOLUTIONS["ch02-q1"] + "\n" + SOLUTIONS["ch02-q2"],
        "bob": STUBS["ch02-q1"] + "\n" + STUBS["ch02-q2"],
        "carol": textwrap.dedent(SIGN_FLIPPED) + "\n" + SOLUTIONS["ch02-q2"],
    }
    (tmp_path / "dave").mkdir()  # a file that is not a notebook: 0 points, the others graded
    (tmp_path / "dave" / "02_core_concepts.ipynb").write_text("{not json")
    (tmp_path / "alice" / ".ipynb_checkpoints").mkdir(parents=True)  # Jupyter's copies: skipped
    (tmp_path / "alice" / ".ipynb_checkpoints" / "02_core_concepts-checkpoint.ipynb").write_text("")
    for student, code in answers.items():
        nb = nbformat.v4.new_notebook()
        nb.cells = [
            nbformat.v4.new_code_cell("import numpy as np\nimport tensorflow as tf"),
            nbformat.v4.new_code_cell(textwrap.dedent(code)),
            nbformat.v4.new_code_cell("1 / 0  # a broken cell does not stop the grading"),
        ]
        (tmp_path / student).mkdir(exist_ok=True)
        nbformat.write(nb, tmp_path / student / "02_core_concepts.ipynb")
    out = tmp_path / "scores.csv"
    folders = [str(tmp_path / s) for s in (*answers, "dave")]
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "ganbook_lib",
            "grade",
            *folders,
            "--hidden",
            str(HIDDEN),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    rows = {Path(r["submission"]).parent.name: r for r in csv.DictReader(out.open())}
    possible = rows["alice"]["possible"]
    assert rows["alice"]["total"] == possible and float(possible) >= 9
    assert rows["bob"]["total"] == "0"
    assert "not written yet" in rows["bob"]["ch02-q2 feedback"]
    assert 0 < float(rows["carol"]["total"]) < float(possible)
    assert "2 log 2 = 1.386" in rows["carol"]["ch02-q1 feedback"]
    assert rows["carol"]["ch02-q2"] == rows["alice"]["ch02-q2"]
    assert rows["dave"]["total"] == "0" and rows["dave"]["possible"] == possible
    assert "not a readable notebook" in rows["dave"]["ch02-q1 feedback"]
    assert len(rows) == 4 and "of" in done.stdout and "points" in done.stdout


def test_ganbook_grade_rejects_what_it_cannot_grade_in_one_line(tmp_path):
    import subprocess
    import sys

    (tmp_path / "homework.ipynb").write_text("{}")
    for args, words in (
        ([str(tmp_path / "nothing")], "no such notebook or folder"),
        ([str(tmp_path / "homework.ipynb")], "submissions keep the chapter's file name"),
        ([str(tmp_path), "--hidden", str(tmp_path / "x")], "no such folder of hidden checks"),
    ):
        done = subprocess.run(
            [sys.executable, "-m", "ganbook_lib", "grade", *args, "--out", str(tmp_path / "s.csv")],
            capture_output=True,
            text=True,
        )
        assert done.returncode == 2 and words in done.stderr, done.stderr
        assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    assert not (tmp_path / "s.csv").exists()


def test_no_later_cell_calls_a_function_the_student_version_leaves_as_a_stub():
    """In the student version a graded function raises NotImplementedError until written, so
    the chapter's own cells after it must use the library's version, or the notebook would stop
    there for every student who has not done the exercise yet."""
    import ast

    for path in sorted((ROOT / "book").glob("[0-9][0-9]_*.ipynb")):
        cells = json.loads(path.read_text())["cells"]
        stubbed = set()
        for cell in cells:
            code = "".join(cell["source"])
            if cell["cell_type"] != "code" or code.lstrip().startswith(("%", "!")):
                continue
            if cell["metadata"].get("ganbook", {}).get("exercise"):
                tree = ast.parse(code)
                stubbed |= {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
                continue
            try:
                tree = ast.parse(code)
            except SyntaxError:  # IPython magics inside the cell
                continue
            used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} & stubbed
            assert not used, f"{path.name} cell {cell.get('id')} calls the student's {used}"


@pytest.mark.slow
def test_the_blank_student_notebook_runs_to_its_end_and_scores_zero(tmp_path):
    """Chapter 2's student version, as students receive it, runs without an error in a fresh
    kernel (each grader cell reports, it does not raise) and scores 0 of its points."""
    import nbformat
    from nbclient import NotebookClient

    student = _student_version()
    nb, removed = student.student_notebook(ROOT / "book" / "02_core_concepts.ipynb")
    assert removed >= 2
    notebook = nbformat.reads(json.dumps(nb), as_version=4)
    NotebookClient(
        notebook,
        timeout=600,
        allow_errors=False,
        resources={"metadata": {"path": str(ROOT / "book")}},
    ).execute()
    outputs = "".join(
        o.get("text", "") + "".join(o.get("data", {}).get("text/plain", ""))
        for c in notebook.cells
        if c.cell_type == "code"
        for o in c.outputs
    )
    for exercise in ("ch02-q1", "ch02-q2"):
        assert f"{exercise}: 0 of" in outputs and "is not written yet" in outputs, outputs[-500:]
