"""Assignments on the command line (docs/assignments.md): the next exercise to work for `tutor run`
and `tutor exam`, `tutor check` with a folder of answers files, and `tutor grade --assignment`
with a roster: one grade per student."""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import sys
from pathlib import Path
from typing import Any

from rich.table import Table
from rich.text import Text

from ..exercise import ExerciseFileError, Problem
from ..exercise.assignment import Assignment, load_assignment
from ..exercise.datasets import MAX_DATASET_BYTES
from ..exercise.model import Exercise
from ..exercise.reading import read_text
from ..exercise.shown import visible, visible_json
from ..session.saving import save_csv
from ..session.store import ProgressStore
from .commands import console, plain
from .exit_codes import EXIT_OK, EXIT_UNUSABLE, EXIT_WRONG
from .transcripts import TeacherExercises, grade_files, learner_key, mark_counted

# -- tutor run / tutor exam ASSIGNMENT ------------------------------------------------------------


def next_exercise(reference: str, mode: str, store: ProgressStore | None = None) -> tuple[Assignment, Exercise | None]:
    """The assignment's first exercise without a finished session in this mode (None: all are finished)."""
    assignment = load_assignment(reference)
    store = store if store is not None else ProgressStore()
    for item in assignment.exercises:
        if not _finished(store.path_for(item.exercise.name, item.exercise.path, mode)):
            return assignment, item.exercise
    return assignment, None


def _finished(progress: Path) -> bool:
    try:
        return bool(json.loads(progress.read_text(encoding="utf-8")).get("finished", False))
    except (OSError, ValueError, AttributeError):
        return False  # never started, or unreadable: the session itself will say so when opened


# -- tutor check ASSIGNMENT FOLDER ----------------------------------------------------------------


def command_check_assignment(arguments: argparse.Namespace) -> int:
    """Check one answers file per exercise, FOLDER/NAME.toml, each as `tutor check` would."""
    from .commands import command_check

    assignment = load_assignment(arguments.exercise)
    folder = arguments.answers
    if not folder.is_dir():
        raise ExerciseFileError(
            [
                Problem(
                    folder,
                    None,
                    "with an assignment, ANSWERS is a folder holding one answers "
                    "file per exercise, named after it: "
                    + ", ".join(f"{item.exercise.name}.toml" for item in assignment.exercises),
                )
            ]
        )
    codes: list[int] = []
    reports: list[dict[str, Any]] = []
    for item in assignment.exercises:
        name = item.exercise.name
        answers = folder / f"{name}.toml"
        if not answers.is_file():
            codes.append(EXIT_WRONG)
            reports.append({"exercise": name, "missing": str(answers)})
            if not arguments.json:
                console.print(Text.assemble((f"{name}: ", "bold"), "no answers file ", plain(str(answers))))
            continue
        one = argparse.Namespace(**{**vars(arguments), "exercise": str(item.exercise.path), "answers": answers})
        if arguments.transcript is not None:
            one.transcript = arguments.transcript.with_name(
                f"{arguments.transcript.stem}-{name}{arguments.transcript.suffix}"
            )
        try:
            if arguments.json:  # each exercise's JSON, gathered into one document
                with contextlib.redirect_stdout(io.StringIO()) as printed:
                    codes.append(command_check(one, item.exercise))
                reports.append(json.loads(printed.getvalue()))
            else:
                codes.append(command_check(one, item.exercise))
        except ExerciseFileError as error:
            codes.append(EXIT_UNUSABLE)
            reports.append({"exercise": name, "problems": [str(problem) for problem in error.problems]})
            for problem in error.problems:
                print(problem, file=sys.stderr)
    if arguments.json:
        print(
            visible_json(
                json.dumps({"assignment": assignment.title, "exercises": reports}, indent=2, ensure_ascii=False)
            )
        )
    return max(codes, default=EXIT_OK)


# -- tutor grade --assignment FILE [--roster CSV] TRANSCRIPTS... ----------------------------------


def command_grade_assignment(arguments: argparse.Namespace) -> int:
    if arguments.gradescope:
        raise ExerciseFileError(
            [
                Problem(
                    None,
                    None,
                    "--gradescope grades transcripts one by one: leave out "
                    "--assignment, or use --csv or --json for the assignment's "
                    "grades",
                )
            ]
        )
    assignment = load_assignment(arguments.assignment)
    roster = read_roster(arguments.roster) if arguments.roster else None
    by_name = {item.exercise.name: item for item in assignment.exercises}
    # graded as `tutor grade` grades, against the assignment's own exercises (by fingerprint, else name)
    teacher = TeacherExercises(
        [item.exercise for item in assignment.exercises],
        outside="which is not part of this assignment",
        own_points=assignment.own_points(),
    )
    graded, problems = grade_files(arguments.transcripts, teacher, arguments.key)
    for result in graded:
        if result["tampered"]:
            problems.append(f"{result['file']}: EDITED, not counted: " + "; ".join(result["differences"][:3]))
    results = [result for result in graded if not result["tampered"]]
    mark_counted(results, arguments.best)  # a student's repeated transcripts: the latest (or best), never a sum
    found: dict[str, dict[str, dict]] = {}  # learner -> exercise -> the transcript that counts
    for result in results:
        if result["counted"]:
            share = result["points"] / result["max"] if result["max"] else 0.0
            found.setdefault(result["learner"], {})[result["exercise"]] = {
                "file": result["file"],
                "points": share * by_name[result["exercise"]].points,
                "late": assignment.late(result["last_activity"]),
                "mode": result["mode"],
            }
    rows = grade_rows(assignment, found, roster)
    if arguments.csv:
        write_grades_csv(arguments.csv, assignment, rows, roster)
    if arguments.json:
        print(
            visible_json(
                json.dumps(
                    {
                        "assignment": assignment.title,
                        "due": assignment.due.isoformat() if assignment.due else None,
                        "max": assignment.points,
                        "rows": rows,
                        "problems": problems,
                    },
                    indent=2,
                    ensure_ascii=False,
                )
            )
        )
    else:
        print_grades(assignment, rows)
    for problem in problems:
        print(visible(problem), file=sys.stderr)
    return EXIT_WRONG if problems else EXIT_OK


ROSTER_DELIMITERS = ",;\t"  # a spreadsheet saves CSV with semicolons where the decimal point is a comma


def read_roster(path: Path) -> list[dict[str, str]]:
    """The students: a CSV file with a header row and a `learner` column (the name in their transcripts), its
    learners as learner_key gives them; rows with every cell empty are left out."""
    text = read_text(path, "rosters", MAX_DATASET_BYTES)
    header_line = text.partition("\n")[0]  # read_text has dropped a byte order mark
    delimiter = max(ROSTER_DELIMITERS, key=header_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [column.strip() for column in next(reader, [])]
        lines = [(reader.line_num, row) for row in reader if any(cell.strip() for cell in row)]
    except csv.Error as error:
        raise ExerciseFileError([Problem(path, None, f"cannot be read as CSV: {error}")]) from None
    header = ["learner" if column.casefold() == "learner" else column for column in header]
    if "learner" not in header:
        raise ExerciseFileError(
            [
                Problem(
                    path,
                    1,
                    "the roster needs a header row with a 'learner' column (the name "
                    "in the students' transcripts); it has: "
                    f"{', '.join(header) or 'nothing'}",
                )
            ]
        )
    rows, seen = [], set()
    for number, row in lines:
        student = {column: cell.strip() for column, cell in zip(header, row) if column}
        try:
            student["learner"] = learner_key(student.get("learner", ""))
        except ValueError as error:
            raise ExerciseFileError([Problem(path, number, f"this row's learner cannot be used: {error}")]) from None
        if student["learner"] in seen:
            raise ExerciseFileError([Problem(path, number, f"'{student['learner']}' is on the roster twice")])
        seen.add(student["learner"])
        rows.append(student)
    return rows


def grade_rows(assignment: Assignment, found: dict[str, dict[str, dict]], roster: list[dict] | None) -> list[dict]:
    """One row per student: the roster's, in its order, then anyone else who handed in work."""
    learners = [row["learner"] for row in roster] if roster is not None else sorted(found)
    extra = sorted(set(found) - set(learners)) if roster is not None else []
    rows = []
    for learner in [*learners, *extra]:
        mine = found.get(learner, {})
        exercises = {item.exercise.name: mine.get(item.exercise.name) for item in assignment.exercises}
        rows.append(
            {
                "learner": learner,
                "status": "missing" if not mine else "not on the roster" if learner in extra else "graded",
                "grade": round(sum(result["points"] for result in mine.values()), 4),  # summed, then rounded
                "max": assignment.points,
                "late": sorted(name for name, result in mine.items() if result["late"]),
                "missing_exercises": [name for name, result in exercises.items() if result is None],
                "exercises": {
                    name: None if result is None else round(result["points"], 4) for name, result in exercises.items()
                },
            }
        )
    return rows


def write_grades_csv(path: Path, assignment: Assignment, rows: list[dict], roster: list[dict] | None) -> None:
    extra_columns = [column for column in (roster[0] if roster else {}) if column != "learner"]
    by_learner = {row["learner"]: row for row in roster or []}
    names = [item.exercise.name for item in assignment.exercises]
    table = [["learner", *extra_columns, *names, "grade", "max", "status", "late"]]
    for row in rows:
        given = by_learner.get(row["learner"], {})
        table.append(
            [
                row["learner"],
                *(given.get(column, "") for column in extra_columns),
                *("" if row["exercises"][name] is None else row["exercises"][name] for name in names),
                row["grade"],
                row["max"],
                row["status"],
                " ".join(row["late"]),
            ]
        )
    save_csv(path, table)


def print_grades(assignment: Assignment, rows: list[dict]) -> None:
    due = f", due {assignment.due.isoformat()}" if assignment.due else ""
    table = Table(title=plain(f"{assignment.title}{due}"), title_justify="left")
    # names are never cut (a teacher needs them whole), at worst folded: the exercise's points go under its
    # name, and the late exercises are named below the table
    table.add_column("learner", overflow="fold")
    for item in assignment.exercises:
        table.add_column(plain(f"{item.exercise.name}\n(/{item.points:g})"), justify="right", overflow="fold")
    for column in ("grade", "status"):
        table.add_column(column, overflow="fold")
    for row in rows:
        cells = ["—" if points is None else f"{points:g}" for points in row["exercises"].values()]
        status = row["status"] + (", LATE" if row["late"] else "")
        table.add_row(plain(row["learner"]), *cells, f"{row['grade']:g} of {row['max']:g}", plain(status))
    console.print(table)
    for row in rows:
        if row["late"]:
            console.print(plain(f"Late: {row['learner']}: {', '.join(row['late'])}"))
    missing = [row["learner"] for row in rows if row["status"] == "missing"]
    if missing:
        console.print(plain(f"Missing (no transcript): {', '.join(missing)}"))
