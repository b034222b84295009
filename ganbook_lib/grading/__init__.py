"""Graded coding exercises: the checks behind the chapters' ``grader.check("ch02-q1")`` cells.

An exercise asks the student for one function the chapter has just taught. Its *checks* are
plain functions registered with :func:`check`; each receives the namespace the student's code
ran in (a notebook's globals), looks the function up, calls it and raises
:class:`CheckFailed` with one line a student understands when the answer is wrong. The checks
compare with the mathematics (values at known points, symmetries, signs) and with the
library's own implementation on random inputs, never with the text of a reference solution.

Public checks live in this package (``ganbook_lib.grading.ch02`` ...) and run in the student's
notebook; hidden checks live outside it (the repository's ``graders/hidden/``) and run only
when an instructor grades (``ganbook grade``). A :class:`Grader` collects both::

    grader = Grader("02")                  # in the student notebook: public checks only
    grader.check("ch02-q1")                # prints what passed, and the first failure's reason

    Grader("02", hidden="graders/hidden").score(namespace)   # the instructor's totals

Nothing here depends on a notebook server: :func:`grade_notebook` executes a submission with
``nbclient`` and scores it the same way, which is what ``ganbook grade`` does for a folder.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .. import GanbookError

CHAPTERS = ("01", "02", "03", "04", "05", "06", "07", "08", "09")


class CheckFailed(AssertionError):
    """A check's verdict on a wrong answer: the message is what the student reads."""


@dataclass(frozen=True)
class Check:
    """One check of one exercise: ``run(namespace)`` raises :class:`CheckFailed` or passes."""

    exercise: str
    name: str
    run: Callable[[dict], None]
    points: float = 1.0
    hidden: bool = False


# every check registered so far, by exercise id ("ch02-q1"), in the order they were defined
REGISTRY: dict[str, list[Check]] = {}


def check(exercise: str, points: float = 1.0, hidden: bool = False):
    """Register the decorated function as a check of ``exercise``, worth ``points``."""
    if not (isinstance(exercise, str) and exercise[:2] == "ch" and "-q" in exercise):
        raise GanbookError(f"exercise ids look like 'ch02-q1', got {exercise!r}")

    def register(fn):
        checks = REGISTRY.setdefault(exercise, [])
        checks[:] = [c for c in checks if c.name != fn.__name__]  # a re-run cell replaces it
        checks.append(Check(exercise, fn.__name__, fn, float(points), hidden))
        return fn

    return register


def expect(condition, message: str) -> None:
    """Fail the running check with ``message`` unless ``condition`` holds."""
    if not condition:
        raise CheckFailed(message)


def student(namespace: dict, name: str) -> Callable:
    """The function ``name`` from the student's namespace, or a failure that says it is missing
    (or still the stub)."""
    fn = namespace.get(name)
    if fn is None:
        raise CheckFailed(f"no function named {name!r}: run the cell that defines it first")
    if not callable(fn):
        raise CheckFailed(f"{name!r} should be a function, but it is a {type(fn).__name__}")
    return fn


def call(fn: Callable, *args, hint: str | None = None, **kwargs):
    """Call the student's function; an exception becomes a failure that names it, after
    ``hint`` (what the check was testing) when given. A student's ``NotImplementedError`` says
    the exercise is not done yet."""
    try:
        return fn(*args, **kwargs)
    except NotImplementedError:
        raise CheckFailed(
            f"{fn.__name__} is not written yet (it raises NotImplementedError)"
        ) from None
    except Exception as exc:  # noqa: BLE001 - any error in student code is reported to them
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        said = f"{fn.__name__} raised {type(exc).__name__}" + (f": {first}" if first else "")
        raise CheckFailed(f"{hint} ({said})" if hint else said) from None


@dataclass
class Result:
    """The outcome of one exercise's checks."""

    exercise: str
    passed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (check, message)
    points: float = 0.0
    possible: float = 0.0

    def __str__(self) -> str:
        n = len(self.passed) + len(self.failed)
        head = (
            f"{self.exercise}: all {n} checks passed"
            if not self.failed
            else f"{self.exercise}: {len(self.passed)} of {n} checks passed"
        )
        lines = [f"{head} ({self.points:g} of {self.possible:g} points)"]
        lines += [f"  - {message}" for message in dict.fromkeys(m for _, m in self.failed)]
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle):  # IPython shows the text, not the dataclass
        printer.text(str(self))


def _load_hidden(folder: Path, chapter: str) -> None:
    """Import ``folder / chNN.py`` (hidden checks register themselves), once per path."""
    path = folder / f"ch{chapter}.py"
    if not path.is_file():
        return
    name = f"ganbook_hidden_checks_{chapter}_{abs(hash(str(path.resolve())))}"
    if name in sys.modules:
        return
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)


class Grader:
    """The checks of one chapter's exercises. ``hidden`` is a folder of hidden checks
    (``chNN.py`` files); without it only the public checks run."""

    def __init__(self, chapter: str, hidden: str | Path | None = None):
        chapter = str(chapter).zfill(2)
        if chapter not in CHAPTERS:
            raise GanbookError(f"chapter must be one of {', '.join(CHAPTERS)}, got {chapter!r}")
        self.chapter = chapter
        self.with_hidden = hidden is not None
        if importlib.util.find_spec(f"{__name__}.ch{chapter}") is not None:
            importlib.import_module(f"{__name__}.ch{chapter}")
        if hidden is not None:
            folder = Path(hidden)
            if not folder.is_dir():
                raise GanbookError(f"hidden checks folder {folder} does not exist")
            _load_hidden(folder, chapter)

    @property
    def exercises(self) -> list[str]:
        prefix = f"ch{self.chapter}-q"
        return sorted((e for e in REGISTRY if e.startswith(prefix)), key=_exercise_number)

    def checks(self, exercise: str) -> list[Check]:
        if exercise not in REGISTRY or not exercise.startswith(f"ch{self.chapter}-"):
            raise GanbookError(
                f"no exercise {exercise!r} in chapter {self.chapter}; "
                f"its exercises: {', '.join(self.exercises) or 'none'}"
            )
        return [c for c in REGISTRY[exercise] if self.with_hidden or not c.hidden]

    def check(self, exercise: str, namespace: dict | None = None) -> Result:
        """Run ``exercise``'s checks on ``namespace`` (default: the caller's globals, which
        in a notebook are the student's)."""
        if namespace is None:
            namespace = sys._getframe(1).f_globals
        result = Result(exercise)
        for c in self.checks(exercise):
            result.possible += c.points
            try:
                c.run(namespace)
            except CheckFailed as failure:
                result.failed.append((c.name, str(failure)))
            except Exception as exc:  # noqa: BLE001 - an answer of the wrong kind fails the check
                result.failed.append((c.name, f"{c.name}: {type(exc).__name__}: {exc}"))
            else:
                result.passed.append(c.name)
                result.points += c.points
        return result

    def score(self, namespace: dict | None = None) -> dict[str, Result]:
        """Every exercise of the chapter, checked on ``namespace``."""
        if namespace is None:
            namespace = sys._getframe(1).f_globals
        return {e: self.check(e, namespace) for e in self.exercises}


def _exercise_number(exercise: str) -> int:
    return int(exercise.rsplit("-q", 1)[1])


MARKER = "GANBOOK-GRADES "


def chapter_of(path: str | Path) -> str:
    """The chapter a notebook belongs to, from its file name (``02_core_concepts.ipynb``)."""
    name = Path(path).name
    if len(name) < 3 or not name[:2].isdigit() or name[:2] not in CHAPTERS:
        raise GanbookError(
            f"cannot tell the chapter of {name!r}: submissions keep the chapter's file name, "
            "which starts with its number (02_core_concepts.ipynb)"
        )
    return name[:2]


def grade_notebook(
    path: str | Path, hidden: str | Path | None = None, timeout: int = 600
) -> dict[str, Result]:
    """Run the submitted notebook at ``path`` top to bottom in a fresh kernel (errors in one
    cell do not stop the others) and check every exercise of its chapter, hidden checks
    included when ``hidden`` names their folder. A notebook that cannot be read or run to its
    end (a cell past ``timeout`` seconds, a dead kernel) scores 0, with the reason as feedback;
    the other submissions are still graded."""
    import json

    import nbformat
    from nbclient import NotebookClient

    path = Path(path)
    chapter = chapter_of(path)
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as exc:  # noqa: BLE001 - an unreadable submission scores 0, with the reason
        return _unscored(chapter, hidden, f"not a readable notebook ({type(exc).__name__})")
    folder = None if hidden is None else str(Path(hidden).resolve())
    nb.cells.append(
        nbformat.v4.new_code_cell(
            "import json as _json\n"
            "from ganbook_lib import grading as _grading\n"
            f"_grades = _grading.Grader({chapter!r}, hidden={folder!r}).score(globals())\n"
            f"print({MARKER!r} + _json.dumps({{e: vars(r) for e, r in _grades.items()}}))"
        )
    )
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(path.parent)}},
    )
    try:
        client.execute()
    except Exception as exc:  # noqa: BLE001 - a cell past the timeout, a dead kernel
        first = (str(exc).strip().splitlines() or [""])[0][:120]
        return _unscored(chapter, hidden, f"the notebook did not run to its end: {first}")
    for output in nb.cells[-1].get("outputs", []):
        for line in output.get("text", "").splitlines():
            if line.startswith(MARKER):
                raw = json.loads(line[len(MARKER) :])
                return {
                    e: Result(
                        e,
                        list(r["passed"]),
                        [tuple(f) for f in r["failed"]],
                        r["points"],
                        r["possible"],
                    )
                    for e, r in raw.items()
                }
    return _unscored(
        chapter, hidden, "the grading cell printed no grades (the kernel may have died)"
    )


def _unscored(chapter: str, hidden, reason: str) -> dict[str, Result]:
    """Every exercise of ``chapter`` at 0 points of its possible ones, each check failing with
    ``reason``: what a submission that could not be run scores."""
    results = Grader(chapter, hidden=hidden).score({})
    for result in results.values():
        result.failed = [(name, reason) for name, _ in result.failed]
        result.passed, result.points = [], 0.0
    return results


def write_scores(rows: list[tuple[str, dict[str, Result]]], out: str | Path) -> Path:
    """One CSV row per submission: its file, each exercise's points, the total and the points
    possible, and the first failure message of each exercise (for feedback). Atomic."""
    import csv
    import io

    from ..files import write_text

    exercises = sorted({e for _, results in rows for e in results}, key=_exercise_key)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        ["submission", *exercises, "total", "possible", *(f"{e} feedback" for e in exercises)]
    )
    for name, results in rows:
        points = [results[e].points if e in results else 0.0 for e in exercises]
        possible = sum(results[e].possible for e in results)
        feedback = [
            results[e].failed[0][1] if e in results and results[e].failed else "" for e in exercises
        ]
        writer.writerow(
            [name, *(f"{p:g}" for p in points), f"{sum(points):g}", f"{possible:g}", *feedback]
        )
    write_text(out, buffer.getvalue())
    return Path(out)


def _exercise_key(exercise: str) -> tuple[str, int]:
    return exercise.split("-q")[0], _exercise_number(exercise)
