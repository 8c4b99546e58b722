"""An assignment: several exercises handed out together, with a due date and points per exercise.

Documented for teachers in docs/assignments.md. Loading checks everything a teacher can get wrong
(unknown fields, a missing exercise, a bad due date) and reports each problem with the file and line,
like an exercise file.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from .builtin import exercise_path
from .errors import ExerciseFileError, Problem
from .loader import StepNames, exam_settings, load_exercise, parse_toml, read_points
from .model import ExamSettings, Exercise
from .reading import read_text
from .schema import EXAM, finite
from .suggestion import suggestion

MAX_ASSIGNMENT_EXERCISES = 100  # each is loaded and checked: a course's assignment has a handful
TOP_LEVEL_KEYS = ("assignment", "exercise")
ASSIGNMENT_KEYS = ("title", "due")
EXERCISE_KEYS = ("path", "name", "points", "step_points", "time_limit", "feedback")
_ELEMENT_HEADER = re.compile(r"^\s*\[\[\s*exercise\s*\]\]\s*(#.*)?$")


@dataclass(frozen=True)
class AssignedExercise:
    # with the assignment's exam settings and step points in place of the file's where it gives them
    exercise: Exercise
    points: float  # what the whole exercise is worth in the assignment
    line: int | None = None
    own_points: dict[str, float] | None = None  # the file's [points], where step_points replaced them


@dataclass(frozen=True)
class Assignment:
    path: Path
    title: str
    due: dt.datetime | None  # aware (UTC unless the file gives an offset)
    exercises: tuple[AssignedExercise, ...]

    @property
    def points(self) -> float:
        return sum(item.points for item in self.exercises)

    def own_points(self) -> dict[str, dict[str, float]]:
        """Exercise name -> its file's [points], for each exercise whose step_points replace them."""
        return {item.exercise.name: item.own_points for item in self.exercises if item.own_points is not None}

    def late(self, timestamp: float) -> bool:
        """Whether work handed in at ``timestamp`` (seconds since the epoch) is after the due date."""
        return self.due is not None and timestamp > self.due.timestamp()


def is_assignment(reference: str) -> bool:
    """Whether EXERCISE on a command line is an assignment file (a .toml with an [assignment] table)."""
    path = Path(reference)
    if path.suffix != ".toml" or not path.is_file():
        return False
    try:
        return "assignment" in parse_toml(read_text(path), path)
    except ExerciseFileError:
        return False  # not readable as an assignment: loading it as an exercise says why


def load_assignment(path: str | Path) -> Assignment:
    """Read an assignment and every exercise it lists; raise ExerciseFileError listing every problem."""
    path = Path(path)
    text = read_text(path)
    document = parse_toml(text, path)
    lines = text.splitlines()
    problems: list[Problem] = []

    def problem(line: int | None, message: str) -> None:
        problems.append(Problem(path, line, message))

    def line_of(key: str | tuple[str, ...], start: int = 0, end: int | None = None) -> int | None:
        """The line of ``key = ...`` between two lines (0-based, end excluded), 1-based; a key path (a step
        name in step_points) as written dotted, each part bare or quoted."""
        parts = (key,) if isinstance(key, str) else key
        written = r"\s*\.\s*".join(rf'(?:{re.escape(part)}|"{re.escape(part)}")' for part in parts)
        pattern = re.compile(rf"^\s*{written}\s*=")
        for number in range(start, len(lines) if end is None else end):
            if pattern.match(lines[number]):
                return number + 1
        return None

    for key in document:
        if key not in TOP_LEVEL_KEYS:
            problem(
                line_of(key),
                f"unknown field '{key}'{suggestion(key, TOP_LEVEL_KEYS)}; an assignment has "
                "[assignment] and [[exercise]] tables",
            )
    header = next((number for number, line in enumerate(lines) if line.strip().startswith("[assignment]")), 0)
    table = document.get("assignment")
    if not isinstance(table, dict):
        problem(None, "[assignment] is missing: write [assignment] with a title")
        table = {}
    for key in table:
        if key not in ASSIGNMENT_KEYS:
            problem(line_of(key, header), f"unknown field '{key}' in [assignment]{suggestion(key, ASSIGNMENT_KEYS)}")
    title = table.get("title")
    if not isinstance(title, str) or not title.strip():
        problem(line_of("title", header) or header + 1, "the assignment needs a title, in quotes")
        title = ""
    due = _due(table.get("due"), lambda message: problem(line_of("due", header), message))

    starts = [number for number, line in enumerate(lines) if _ELEMENT_HEADER.match(line)]
    raw = document.get("exercise", [])
    if not isinstance(raw, list) or not raw or not all(isinstance(item, dict) for item in raw):
        problem(None, "an assignment lists its exercises as [[exercise]] tables, each with a path or a name")
        raw = []
    if len(raw) > MAX_ASSIGNMENT_EXERCISES:
        problem(None, f"the assignment lists {len(raw):,} exercises; the limit is {MAX_ASSIGNMENT_EXERCISES}")
        raw = []
    listed: set[tuple[str, object]] = set()  # the same path or name again is refused before it is loaded again
    exercises: list[AssignedExercise] = []
    for index, item in enumerate(raw):
        start = starts[index] if index < len(starts) else 0
        end = starts[index + 1] if index + 1 < len(starts) else None
        where = start + 1

        def item_problem(
            key: str | tuple[str, ...] | None, message: str, start=start, end=end, where=where, index=index
        ) -> None:
            problem(line_of(key, start, end) or where if key else where, f"exercise {index + 1}: {message}")

        for key in item:
            if key not in EXERCISE_KEYS:
                item_problem(key, f"unknown field '{key}'{suggestion(key, EXERCISE_KEYS)}")
        points = item.get("points", 1)
        if finite(points) is None or points <= 0:
            item_problem("points", "'points' must be a number more than 0")
            points = 1
        for name in EXAM.names:  # the [exam] fields an [[exercise]] may set
            message = EXAM.check(name, item[name], header="an [[exercise]]") if name in item else None
            if message is not None:
                item_problem(name, message)
        settings = exam_settings(item)
        reference = ("path", item["path"]) if "path" in item else ("name", item.get("name"))
        if isinstance(reference[1], str):
            if reference in listed:
                item_problem(None, f"'{reference[1]}' is listed twice: transcripts are matched by the exercise's name")
                continue
            listed.add(reference)
        exercise = _exercise(item, path, item_problem, problems)
        if exercise is None:
            continue
        if any(other.exercise.name == exercise.name for other in exercises):
            item_problem(None, f"'{exercise.name}' is listed twice: transcripts are matched by the exercise's name")
            continue
        step_points = _step_points(item.get("step_points"), exercise, item_problem)
        own_points = exercise.points if step_points is not None else None
        exercise = dataclasses.replace(
            exercise,
            exam=ExamSettings(
                settings.time_limit if settings.time_limit is not None else exercise.exam.time_limit,
                settings.feedback if settings.feedback is not None else exercise.exam.feedback,
            ),
            points=step_points if step_points is not None else exercise.points,
        )
        exercises.append(AssignedExercise(exercise, points, where, own_points))
    if problems:
        raise ExerciseFileError(problems)
    return Assignment(path, title.strip(), due, tuple(exercises))


def _exercise(item: dict, assignment_path: Path, item_problem, problems: list[Problem]) -> Exercise | None:
    """The exercise of one [[exercise]]: a file relative to the assignment, or a catalog exercise."""
    path, name = item.get("path"), item.get("name")
    if (path is None) == (name is None):
        item_problem(None, 'give either path = "file.toml" (relative to this file) or name = "catalog-name"')
        return None
    reference = path if path is not None else name
    if not isinstance(reference, str) or not reference.strip():
        item_problem("path" if path is not None else "name", "the exercise must be given as text, in quotes")
        return None
    try:
        if path is not None:
            file = assignment_path.parent / path
            return load_exercise(file, file.stem)
        if "/" in reference or reference.endswith(".toml"):  # reference is the name here
            item_problem("name", f"'{reference}' is a file: write it as path = \"{reference}\"")
            return None
        return load_exercise(exercise_path(reference), reference)
    except ExerciseFileError as error:
        for found in error.problems:  # problems inside the exercise keep their own file and line
            if found.line is None:
                where = f"{found.path}: " if found.path is not None else ""
                item_problem("path" if path is not None else "name", where + found.message)
            else:
                problems.append(found)
        return None


def _step_points(table, exercise: Exercise, item_problem) -> dict[str, float] | None:
    """An [[exercise]]'s step_points: what its steps are worth in this assignment, written as an exercise's
    [points] (a kind of step or a step name -> points); None when it gives none."""
    if table is None:
        return None
    if not isinstance(table, dict):
        item_problem("step_points", "step_points is a table of steps and points, like step_points = { grad = 2 }")
        return None
    found = read_points(table, item_problem, "step_points")
    steps = StepNames.of(exercise)
    for step, (_, path) in found.items():
        wrong = steps.problem(step) if "." in step else None
        if wrong:
            item_problem(path, f"step_points names the step '{step}' of {exercise.name}: {wrong}")
    return {step: value for step, (value, _) in found.items()}


def _due(value, problem) -> dt.datetime | None:
    """A TOML date (the end of that day) or date-time; without an offset it is UTC."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(23, 59, 59), dt.UTC)
    problem(
        "'due' must be a date or a date and time, without quotes: due = 2026-12-01 or due = 2026-12-01T23:59:00+01:00"
    )
    return None
