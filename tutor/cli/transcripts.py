"""Headless commands for transcripts: tutor sessions, tutor export, tutor grade."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from rich.table import Table
from rich.text import Text

from ..exercise import ExerciseFileError, Problem, catalog_names, load_exercise, resolve_exercise
from ..exercise.assignment import is_assignment
from ..exercise.model import Exercise
from ..exercise.reading import read_json
from ..exercise.shown import visible, visible_json
from ..session import ProgressStore, Session, SessionError
from ..session.saving import save_csv
from ..session.store import (
    PROGRESS_FORMAT,
    PROGRESS_VERSION,
    exercise_fingerprint,
    file_fingerprint,
    same_exercise,
    saved_exercise,
    saved_sessions,
    session_problem,
)
from ..session.transcript import (
    TRANSCRIPT_FORMAT,
    TranscriptError,
    build_transcript,
    check_transcript,
    regrade,
    signature_problem,
    write_transcript,
)
from .commands import console, plain, whose
from .exit_codes import EXIT_OK, EXIT_UNUSABLE, EXIT_WRONG
from .gradescope_results import write_gradescope
from .tally import Tally


def command_sessions(arguments: argparse.Namespace) -> int:
    sessions, unusable = saved_sessions(ProgressStore().root)
    rows = [
        {
            "session": str(path),
            "exercise": data.get("exercise"),
            "title": data.get("title"),
            "mode": data.get("mode"),
            "done": data.get("done"),
            "steps": data.get("steps"),
            "finished": bool(data.get("finished")),
            "score": data.get("score"),
            "last_activity": max((event.get("time", 0) for event in data.get("events", [])), default=None),
        }
        for path, data in sessions
    ]
    for why in unusable:
        print(visible(why), file=sys.stderr)
    if arguments.json:
        print(json.dumps(rows, indent=2))
        return EXIT_OK
    if not rows:
        if not unusable:
            console.print("No saved sessions yet: work an exercise with `tutor run NAME`.")
        return EXIT_OK
    # Each session on two lines, its file alone on the second: a path is never cut, however long,
    # so it can be copied into `tutor export`. Names and paths come from files: shown as text, not markup.
    console.print("Saved sessions", style="italic")
    for row in rows:
        progress = "finished" if row["finished"] else f"{row['done']}/{row['steps']} steps"
        console.print(
            Text.assemble(
                plain(str(row["exercise"]), "bold"),
                plain(f"  {row['mode']} · {progress} · score {row['score']:g}/{row['steps']}"),
            ),
            soft_wrap=True,
        )
        console.print(plain(f"  {row['session']}"), soft_wrap=True)
    console.print(
        "Export one with [bold]tutor export SESSION --format md|json|html[/] (SESSION: the path, or the exercise name)."
    )
    return EXIT_OK


def session_from(reference: str, mode: str | None = None) -> Session:
    """A saved session, from its progress file, from the exercise's file (a teacher's own exercise,
    from any folder) or from the exercise's name; the latest one, of ``mode`` when given."""
    store = ProgressStore()
    path = Path(reference)
    candidates, _ = saved_sessions(store.root)
    exercise = None
    if path.suffix == ".json" and path.exists():
        matches: list[tuple[Path, Any]] = [
            (found, data) for found, data in candidates if found.resolve() == path.resolve()
        ]
        if not matches:
            matches = [(path, read_json(path, "saved sessions"))]
    else:
        if path.suffix == ".toml" or path.is_file():  # the exercise file itself: its sessions, by content or name
            exercise = load_exercise(path)
            matches = [
                (found, data)
                for found, data in candidates
                if same_exercise(str(data.get("exercise_fingerprint") or ""), path)
                or data.get("exercise") == exercise.name
            ]
        else:
            matches = [(found, data) for found, data in candidates if data.get("exercise") == reference]
        matches = [(found, data) for found, data in matches if mode in (None, data.get("mode"))]
        if not matches:
            kind = f"{mode} session" if mode else "session"
            raise ExerciseFileError(
                [Problem(None, None, f"no saved {kind} for '{reference}': `tutor sessions` lists them")]
            )
    found, data = max(matches, key=lambda match: match[0].stat().st_mtime)
    if not isinstance(data, dict) or data.get("format") != PROGRESS_FORMAT:
        transcript = isinstance(data, dict) and data.get("format") == TRANSCRIPT_FORMAT
        hint = " (it is a transcript: `tutor grade` reads those)" if transcript else ""
        raise ExerciseFileError([Problem(found, None, f"is not a saved session{hint}; `tutor sessions` lists them")])
    damage = session_problem(data)
    if damage:
        raise ExerciseFileError([Problem(found, None, damage)])
    if not isinstance(data.get("version"), int) or data["version"] > PROGRESS_VERSION:
        raise ExerciseFileError(
            [Problem(found, None, "was written by a newer version of backprop-tutor: please upgrade")]
        )
    if exercise is None:
        exercise = saved_exercise(data)
    session = Session(exercise, mode=data.get("mode", "practice"))
    try:
        session.replay(data.get("events", []))
    except (KeyError, TypeError, ValueError, SessionError):
        raise ExerciseFileError([Problem(found, None, "is damaged: its events do not fit the exercise")]) from None
    return session


def command_export(arguments: argparse.Namespace) -> int:
    session = session_from(arguments.session, arguments.mode)
    transcript = build_transcript(session, arguments.learner)
    text = write_transcript(transcript, session.solution, arguments.format, arguments.output)
    if arguments.output is None:  # to the terminal: escapes shown, not obeyed
        print(visible_json(text) if arguments.format == "json" else visible(text, keep="\n\t"))
    else:
        console.print(plain(f"Wrote {arguments.output}{whose(transcript, arguments.learner)}"))
    return EXIT_OK


class TeacherExercises:
    """The teacher's copies of the exercises (`tutor grade --exercises DIR --exercise FILE`, an assignment's
    exercises): a transcript is graded against the copy with its fingerprint, else the one with its name;
    without copies, against the file at the transcript's path, else the catalog. The exercise a transcript
    carries is never used. ``outside``, when given, ends the message for a transcript of none of the copies,
    and the catalog is then not looked in (an assignment grades its own exercises only)."""

    def __init__(
        self,
        exercises: Sequence[Exercise] = (),
        outside: str | None = None,
        own_points: Mapping[str, dict[str, float]] | None = None,
    ):
        self.given = bool(exercises)
        self.exercises = list(exercises)
        self.outside = outside
        # an assignment's exercise whose step_points replace its file's [points]: name -> the file's [points]
        # (a transcript worked on the file itself was scored with them, and is no edit for that)
        self.own_points = dict(own_points or {})
        self.fingerprints = {  # older transcripts carry the file's own fingerprint
            fingerprint(exercise.path): exercise
            for exercise in self.exercises
            if exercise.path is not None
            for fingerprint in (exercise_fingerprint, file_fingerprint)
        }

    @classmethod
    def from_files(cls, folders: list[Path], files: list[Path]) -> TeacherExercises:
        """Every exercise file in the folders (an assignment file beside them is not one) and the files given."""
        paths = list(files)
        for folder in folders:
            if not folder.is_dir():
                raise ExerciseFileError([Problem(folder, None, "is not a folder of exercises")])
            paths += [path for path in sorted(folder.glob("*.toml")) if not is_assignment(str(path))]
        return cls([load_exercise(path) for path in paths])

    def find(self, transcript: dict):
        info = {key: value for key, value in transcript["exercise"].items() if isinstance(value, str)}
        name, path = info.get("name"), info.get("path")
        if self.given:
            by_fingerprint = self.fingerprints.get(info.get("fingerprint") or "")
            if by_fingerprint is not None:
                return by_fingerprint
            named = [exercise for exercise in self.exercises if exercise.name == name]
            if named:
                return named[0]
            if self.outside is not None:
                if name is None:
                    raise TranscriptError("the transcript does not name its exercise")
                raise TranscriptError(f"is for the exercise '{name}', {self.outside}")
        elif path and Path(path).exists():
            return load_exercise(Path(path))
        if name is None:
            raise TranscriptError("the transcript does not name its exercise")
        if name in catalog_names():
            return resolve_exercise(name)
        where = "among the exercises given" if self.given else f"at {path}"
        raise TranscriptError(
            f"the exercise '{name}' cannot be found ({where} or in the catalog); "
            "give the teacher's copy with --exercises DIR or --exercise FILE"
        )


def learner_key(name: str) -> str:
    """A learner's name as transcripts, rosters and Gradescope are matched by: without surrounding spaces, in
    Unicode's composed form (a name typed on one system matches the same name typed on another); ValueError
    when nothing is left."""
    key = unicodedata.normalize("NFC", name.strip())
    if not key:
        raise ValueError("the learner's name is empty")
    return key


def transcript_learner(transcript: dict) -> str:
    """The learner a transcript names (learner_key). A transcript without a name is unusable: grading never
    puts the grader's own name in its place."""
    name = transcript.get("learner")
    if not isinstance(name, str):
        raise TranscriptError("the transcript's learner is missing or is not text")
    try:
        return learner_key(name)
    except ValueError as error:
        raise TranscriptError(f"the transcript's learner cannot be used: {error}") from None


def grade_file(path: Path, exercises: TeacherExercises, key: bytes | None = None) -> dict:
    """One transcript, re-graded from its typed answers, its signature checked with the teacher's ``key`` when
    given; raises TranscriptError, OSError or ExerciseFileError with the reason."""
    transcript = check_transcript(read_json(path, "transcripts"))
    learner = transcript_learner(transcript)
    exercise = exercises.find(transcript)
    fresh, differences = regrade(transcript, exercise)
    own_points = exercises.own_points.get(exercise.name)
    if differences and own_points is not None:  # worked on the exercise file with its own [points]?
        if not regrade(transcript, dataclasses.replace(exercise, points=own_points))[1]:
            differences = []  # its credits are the same; its score is counted with the assignment's points
    problem = signature_problem(transcript, key) if key is not None else None
    if problem is not None:
        differences.insert(0, f"signature: {problem}")
    return {**result_of(fresh, differences, str(path), last_work(transcript)), "learner": learner}


WORK_EVENTS = ("start", "answer", "hint", "reveal", "submit")


def last_work(transcript: dict) -> float:
    """When the work of a transcript was last done: its last answer, hint, reveal or submission (its start when
    there is none). Looking over finished work afterwards (PageUp, PageDown: 'shown' events) is not work, so it
    never makes work done before a due date late, nor an older transcript the latest."""
    return max((event["time"] for event in transcript["events"] if event["type"] in WORK_EVENTS), default=0.0)


def grade_files(paths: list[Path], exercises: TeacherExercises, key: bytes | None = None) -> tuple[list, list]:
    """Every transcript re-graded (grade_file), and a message for each that could not be: one that cannot be
    used never stops the grading of the others."""
    results, problems = [], []
    for path in paths:
        try:
            results.append(grade_file(path, exercises, key))
        except ExerciseFileError as error:  # the transcript, or the exercise it names, cannot be read
            problems.append("; ".join(_file_message(path, problem) for problem in error.problems))
        except TranscriptError as error:
            problems.append(f"{path}: {error}")
        except Exception as error:  # noqa: BLE001 - a bug met in one transcript must not stop grading the others
            problems.append(f"{path}: internal error: {type(error).__name__}: {error}; please report this")
    return results, problems


def _file_message(transcript: Path, problem: Problem) -> str:
    """A problem met grading a transcript, led by the transcript's path (and the exercise file's, when it is
    that file that cannot be used)."""
    if problem.path is None:
        return f"{transcript}: {problem.message}"
    if Path(problem.path) == Path(transcript):
        return str(problem)
    return f"{transcript}: its exercise {problem}"


def result_of(fresh: dict, differences: list[str], file: str, last_activity: float) -> dict:
    """A re-graded transcript as one row of results (the --json, CSV and Gradescope output)."""
    tally = Tally.of(fresh)
    return {
        "file": file,
        "learner": fresh["learner"],
        "exercise": fresh["exercise"]["name"],
        "mode": fresh["mode"],
        "points": fresh["score"]["points"],
        "max": fresh["score"]["max"],
        "percent": fresh["score"]["percent"],
        "tampered": bool(differences),
        "differences": differences,
        "answered": tally.answered,
        "answered_right": tally.answered_right,
        "line": tally.line(),
        "last_activity": last_activity,
        "items": fresh["items"],
    }


def mark_counted(results: list[dict], best: bool = False) -> None:
    """A learner's repeated submissions of one exercise count once: the latest (or, with ``best``, the
    highest score, the latest of equals); never a sum."""
    kept: dict[tuple, tuple] = {}  # (learner, exercise) -> (rank, result)
    for result in results:
        key = (result["learner"], result["exercise"])
        rank = (result["points"], result["last_activity"]) if best else (result["last_activity"],)
        current = kept.get(key)
        if current is None or rank >= current[0]:
            kept[key] = (rank, result)
    counted = {id(result) for _, result in kept.values()}
    for result in results:
        result["counted"] = id(result) in counted


def _write_csv(path: Path, results: list[dict]) -> None:
    """The table of results as CSV."""
    header = ["learner", "exercise", "mode", "points", "max", "percent", "tampered", "file", "counted"]
    rows = [
        [
            *(result[key] for key in ("learner", "exercise", "mode", "points", "max", "percent")),
            "yes" if result["tampered"] else "no",
            result["file"],
            "yes" if result["counted"] else "no",
        ]
        for result in results
    ]
    save_csv(path, [header, *rows])


def command_grade(arguments: argparse.Namespace) -> int:
    exercises = TeacherExercises.from_files(arguments.exercises or [], arguments.exercise or [])
    results, problems = grade_files(arguments.transcripts, exercises, arguments.key)
    mark_counted(results, arguments.best)
    counted = [result for result in results if result["counted"]]
    if arguments.csv:
        _write_csv(arguments.csv, results)
    written = write_gradescope(counted, arguments.gradescope) if arguments.gradescope else []
    if arguments.json:
        print(json.dumps({"results": results, "problems": problems}, indent=2))
    else:
        table = Table(title="Re-graded transcripts", title_justify="left")
        for column in ("learner", "exercise", "mode", "score", "answered", "check"):
            # names are never cut (a teacher needs them whole); the other columns wrap around them
            names = [visible(result[column]) for result in results] if column in ("learner", "exercise") else []
            table.add_column(column, min_width=max(map(len, names), default=None), no_wrap=bool(names))
        for result in results:
            check = (
                plain("EDITED: " + "; ".join(result["differences"][:3]), "red") if result["tampered"] else Text("ok")
            )
            if not result["counted"]:
                check.append(" (not counted: " + ("a better" if arguments.best else "a later") + " one is)")
            table.add_row(
                plain(result["learner"]),
                plain(result["exercise"]),
                plain(result["mode"]),
                f"{result['points']:g}/{result['max']:g} ({result['percent']:.0f}%)",
                result["line"],
                check,
            )
        console.print(table)
        for learner in sorted({result["learner"] for result in counted}):
            mine = [result for result in counted if result["learner"] == learner]
            console.print(
                plain(
                    f"{learner}: {sum(r['points'] for r in mine):g} of {sum(r['max'] for r in mine):g} "
                    f"points over {len(mine)} exercise(s)"
                )
            )
        for exercise in sorted({result["exercise"] for result in counted}):
            theirs = [result["percent"] for result in counted if result["exercise"] == exercise]
            console.print(plain(f"{exercise}: mean {sum(theirs) / len(theirs):.0f}% over {len(theirs)} transcript(s)"))
        for path in written:
            console.print(plain(f"Wrote {path}"))
    for problem in problems:
        print(visible(problem), file=sys.stderr)
    if problems and not results:
        return EXIT_UNUSABLE
    return EXIT_WRONG if any(result["tampered"] for result in results) or problems else EXIT_OK
