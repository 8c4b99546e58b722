"""Headless commands for transcripts: tutor sessions, tutor export, tutor grade."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

from rich.table import Table
from rich.text import Text

from ..exercise import ExerciseFileError, Problem, catalog_names, load_exercise, resolve_exercise
from ..session import ProgressStore, Session, SessionError
from ..session.store import PROGRESS_FORMAT, PROGRESS_VERSION
from ..session.transcript import TRANSCRIPT_FORMAT, TranscriptError, build_transcript, check_transcript, regrade, write_transcript
from .commands import console
from .main import EXIT_OK, EXIT_UNUSABLE, EXIT_WRONG



def saved_sessions(store: ProgressStore) -> list[tuple[Path, dict]]:
    found = []
    for path in sorted(store.root.glob("*.json")):
        if ".set-aside-" in path.name:
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and data.get("format") == PROGRESS_FORMAT:
            found.append((path, data))
    return found


def command_sessions(arguments: argparse.Namespace) -> int:
    sessions = saved_sessions(ProgressStore())
    rows = [{"session": str(path), "exercise": data.get("exercise"), "title": data.get("title"),
             "mode": data.get("mode"), "done": data.get("done"), "steps": data.get("steps"),
             "finished": bool(data.get("finished")), "score": data.get("score"),
             "last_activity": max((event.get("time", 0) for event in data.get("events", [])), default=None)}
            for path, data in sessions]
    if arguments.json:
        print(json.dumps(rows, indent=2))
        return EXIT_OK
    if not rows:
        console.print("No saved sessions yet: work an exercise with `tutor run NAME`.")
        return EXIT_OK
    # Each session on two lines, its file alone on the second: a path is never cut, however long,
    # so it can be copied into `tutor export`. Names and paths come from files: shown as text, not markup.
    console.print("Saved sessions", style="italic")
    for row in rows:
        progress = "finished" if row["finished"] else f"{row['done']}/{row['steps']} steps"
        console.print(Text.assemble((str(row["exercise"]), "bold"), f"  {row['mode']} · {progress} · "
                                    f"score {row['score']:g}/{row['steps']}"), soft_wrap=True)
        console.print(Text(f"  {row['session']}"), soft_wrap=True)
    console.print("Export one with [bold]tutor export SESSION --format md|json|html[/] (SESSION: the path, "
                     "or the exercise name).")
    return EXIT_OK


def session_from(reference: str, mode: str | None = None) -> Session:
    """A saved session, from its progress file or from the exercise's name (the latest one, of ``mode``
    when given)."""
    store = ProgressStore()
    path = Path(reference)
    candidates = saved_sessions(store)
    if path.suffix == ".json" and path.exists():
        matches = [(found, data) for found, data in candidates if found.resolve() == path.resolve()]
        if not matches:
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                raise ExerciseFileError([Problem(path, None, "is not a saved session")]) from None
            matches = [(path, data)]
    else:
        matches = [(found, data) for found, data in candidates if data.get("exercise") == reference
                   and mode in (None, data.get("mode"))]
        if not matches:
            kind = f"{mode} session" if mode else "session"
            raise ExerciseFileError([Problem(None, None, f"no saved {kind} for '{reference}': `tutor sessions` "
                                                         "lists them")])
    found, data = max(matches, key=lambda match: match[0].stat().st_mtime)
    if not isinstance(data, dict) or data.get("format") != PROGRESS_FORMAT:
        transcript = isinstance(data, dict) and data.get("format") == TRANSCRIPT_FORMAT
        hint = " (it is a transcript: `tutor grade` reads those)" if transcript else ""
        raise ExerciseFileError([Problem(found, None, f"is not a saved session{hint}; `tutor sessions` lists them")])
    exercise_path = data.get("exercise_path")
    if exercise_path and Path(exercise_path).exists():
        exercise = load_exercise(Path(exercise_path))
    else:
        exercise = resolve_exercise(str(data.get("exercise")))
    if not isinstance(data.get("version"), int) or data["version"] > PROGRESS_VERSION:
        raise ExerciseFileError([Problem(found, None, "was written by a newer version of backprop-tutor: please upgrade")])
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
    if arguments.output is None:
        print(text)
    else:
        console.print(f"Wrote {arguments.output}")
    return EXIT_OK


def _exercise_for(transcript: dict):
    info = transcript["exercise"]
    path = info.get("path")
    if path and Path(path).exists():
        return load_exercise(Path(path))
    name = info.get("name")
    if name in catalog_names():
        return resolve_exercise(name)
    raise TranscriptError(f"the exercise '{name}' cannot be found (looked for {path} and in the catalog)")


def command_grade(arguments: argparse.Namespace) -> int:
    results = []
    problems = []
    for path in arguments.transcripts:
        try:
            try:
                raw = json.loads(Path(path).read_text(encoding="utf-8"))
            except json.JSONDecodeError as error:
                raise TranscriptError(f"is damaged: it is not valid JSON (line {error.lineno}: {error.msg}); "
                                      "it may have been cut short") from None
            transcript = check_transcript(raw)
            fresh, differences = regrade(transcript, _exercise_for(transcript))
        except (OSError, UnicodeDecodeError) as error:
            problems.append(f"{path}: cannot be read: {error}")
            continue
        except ValueError as error:  # JSON errors and TranscriptError
            problems.append(f"{path}: {error}")
            continue
        except ExerciseFileError as error:
            problems.append(f"{path}: {error}")
            continue
        results.append({"file": str(path), "learner": fresh["learner"], "exercise": fresh["exercise"]["name"],
                        "mode": fresh["mode"], "points": fresh["score"]["points"], "max": fresh["score"]["max"],
                        "percent": fresh["score"]["percent"], "tampered": bool(differences),
                        "differences": differences, "items": fresh["items"]})
    if arguments.csv:
        arguments.csv.parent.mkdir(parents=True, exist_ok=True)
        with open(arguments.csv, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["learner", "exercise", "mode", "points", "max", "percent", "tampered", "file"])
            for result in results:
                writer.writerow([result["learner"], result["exercise"], result["mode"], result["points"],
                                 result["max"], result["percent"], "yes" if result["tampered"] else "no",
                                 result["file"]])
    if arguments.gradescope:
        arguments.gradescope.parent.mkdir(parents=True, exist_ok=True)
        arguments.gradescope.write_text(json.dumps(gradescope_results(results), indent=2), encoding="utf-8")
    if arguments.json:
        print(json.dumps({"results": results, "problems": problems}, indent=2))
    else:
        table = Table(title="Re-graded transcripts", title_justify="left")
        for column in ("learner", "exercise", "mode", "score", "check"):
            table.add_column(column)
        for result in results:
            check = "[red]EDITED: " + "; ".join(result["differences"][:3]) + "[/]" if result["tampered"] else "ok"
            table.add_row(result["learner"], result["exercise"], result["mode"],
                          f"{result['points']:g}/{result['max']} ({result['percent']:.0f}%)", check)
        console.print(table)
        for learner in sorted({result["learner"] for result in results}):
            mine = [result for result in results if result["learner"] == learner]
            console.print(f"{learner}: {sum(r['points'] for r in mine):g} of {sum(r['max'] for r in mine)} points "
                          f"over {len(mine)} exercise(s)")
        for exercise in sorted({result["exercise"] for result in results}):
            theirs = [result["percent"] for result in results if result["exercise"] == exercise]
            console.print(f"{exercise}: mean {sum(theirs) / len(theirs):.0f}% over {len(theirs)} transcript(s)")
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems and not results:
        return EXIT_UNUSABLE
    return EXIT_WRONG if any(result["tampered"] for result in results) or problems else EXIT_OK


def gradescope_results(results: list[dict]) -> dict:
    """Gradescope's autograder results.json: one test per graded quantity."""
    tests = []
    for result in results:
        for item in result["items"]:
            tests.append({
                "name": f"{result['exercise']}: {item['label']}",
                "score": item["credit"],
                "max_score": 1,
                "output": f"Your answer: {item['answer'] or '(none)'} — {item['message'] or item['verdict']}",
                "visibility": "visible",
            })
        if result["tampered"]:
            tests.append({"name": f"{result['exercise']}: transcript integrity", "score": 0, "max_score": 0,
                          "output": "The transcript was edited: " + "; ".join(result["differences"])})
    return {"score": round(sum(test["score"] for test in tests), 4), "tests": tests,
            "output": f"Re-graded from {len(results)} transcript(s) by backprop-tutor."}
