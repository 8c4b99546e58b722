"""Gradescope, as Gradescope works: one results.json per submission, written by an autograder that runs
once per student (https://gradescope-autograders.readthedocs.io/en/latest/specs/).

- `tutor gradescope EXERCISE... -o autograder.zip` builds the autograder archive: ``setup.sh`` installs
  backprop-tutor (the wheel of the running tutor bundled in the archive, wheel.py; or a wheel or sdist the
  teacher gives; or a requirement from PyPI), ``run_autograder`` runs
  ``python -m tutor.cli.gradescope``, which grades the transcripts and answers files of the submission
  against the bundled exercises and writes ``results/results.json``.
- `tutor grade ... --gradescope PATH` writes (gradescope_results.py) PATH as the results.json of one learner, or
  PATH/LEARNER/results.json for each of several.
"""

from __future__ import annotations

import argparse
import io
import json
import shlex
import sys
import zipfile
from dataclasses import replace
from pathlib import Path

from ..exercise import ExerciseFileError, Problem
from ..session.saving import save_bytes, save_text
from .gradescope_results import gradescope_results
from .wheel import own_wheel, wheel_name

CONFIG_NAME = "tutor-autograder.json"
PACKAGE_SUFFIXES = (".whl", ".tar.gz", ".zip")


# -- tutor gradescope: the autograder archive -------------------------------------------------------

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, when it builds the autograder image: it installs backprop-tutor
# (Python 3.11 or later) into its own virtual environment. Only package registries are used.
set -euo pipefail
cd "$(dirname "$0")"
if python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    PYTHON=python3
else
    PYTHON=python3.11
fi
apt-get update
apt-get install -y "$PYTHON" "$PYTHON-venv"
"$PYTHON" -m venv /autograder/tutor-venv
/autograder/tutor-venv/bin/python -m pip install --upgrade pip
/autograder/tutor-venv/bin/python -m pip install {package}
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this once per submission: the transcripts (.json) and answers files (.toml) in the
# submission are graded against the exercises bundled with this autograder, into results/results.json.
# AUTOGRADER_ROOT (default /autograder) and TUTOR_PYTHON move it elsewhere, e.g. for a test.
set -euo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
exec "${TUTOR_PYTHON:-$ROOT/tutor-venv/bin/python}" -m tutor.cli.gradescope \\
    --source "$ROOT/source" --submission "$ROOT/submission" --results "$ROOT/results" \\
    --metadata "$ROOT/submission_metadata.json"
"""


def command_gradescope(arguments: argparse.Namespace) -> int:
    from ..engine import solve
    from ..exercise import exercise_path, load_exercise
    from ..exercise.assignment import is_assignment, load_assignment
    from ..grading import asked_quantities
    from .commands import console

    points: dict[str, float] = {}  # with an assignment: what each exercise is worth in it
    step_points: dict[str, dict[str, float]] = {}  # and what its steps are, where it says
    if len(arguments.exercises) == 1 and is_assignment(arguments.exercises[0]):
        assignment = load_assignment(arguments.exercises[0])
        exercises = [item.exercise for item in assignment.exercises]
        sources = [exercise.path for exercise in exercises if exercise.path is not None]  # each has its file
        points = {item.exercise.name: item.points for item in assignment.exercises}
        step_points = {
            item.exercise.name: item.exercise.points for item in assignment.exercises if item.own_points is not None
        }
    else:
        sources = [exercise_path(reference) for reference in arguments.exercises]
        exercises = [load_exercise(source, name=source.stem) for source in sources]
    for exercise in exercises:
        asked_quantities(solve(exercise))  # an exercise that cannot be worked is refused now, not at grading
    names = [exercise.name for exercise in exercises]
    if len(set(names)) != len(names):
        raise ExerciseFileError(
            [
                Problem(
                    None,
                    None,
                    "two exercises have the same name: " + ", ".join(sorted({n for n in names if names.count(n) > 1})),
                )
            ]
        )
    package = arguments.package
    if package is not None and not (package.is_file() and package.name.endswith(PACKAGE_SUFFIXES)):
        raise ExerciseFileError(
            [
                Problem(
                    package,
                    None,
                    "is not a wheel or sdist file (.whl, .tar.gz or .zip): build one with `python -m build`",
                )
            ]
        )
    bundled: tuple[str, bytes] | None = None  # the running tutor's own wheel, unless told what to install
    if package is not None:
        install = f"./{package.name}"
    elif arguments.requirement:
        install = arguments.requirement
    else:
        bundled = (wheel_name(), own_wheel())
        install = f"./{bundled[0]}"
    config = {
        "exercises": names,
        "mode": arguments.mode,
        "keep": "best" if arguments.best else "latest",
        **({"points": points} if points else {}),
        **({"step_points": step_points} if step_points else {}),
    }
    built = io.BytesIO()  # built in memory, then saved as any file is (never into a device or through a FIFO)
    with zipfile.ZipFile(built, "w", zipfile.ZIP_DEFLATED) as archive:
        _add(archive, "setup.sh", SETUP_SH.replace("{package}", shlex.quote(install)), executable=True)
        _add(archive, "run_autograder", RUN_AUTOGRADER, executable=True)
        _add(archive, CONFIG_NAME, json.dumps(config, indent=2) + "\n")
        for exercise, source in zip(exercises, sources, strict=True):
            _add(archive, f"exercises/{exercise.name}.toml", source.read_bytes())
        if package is not None:
            archive.write(package, package.name)
        if bundled is not None:
            _add(archive, *bundled)
    save_bytes(arguments.output, built.getvalue())
    console.print(
        f"Wrote {arguments.output}: {len(exercises)} exercise(s), installing {install}. Upload it as the "
        "assignment's autograder (Configure Autograder, zip file upload).",
        markup=False,
    )
    return 0


def _add(archive: zipfile.ZipFile, name: str, text: str | bytes, executable: bool = False) -> None:
    """A file of the archive, readable by all (executable too when asked): unzipped as it is meant to be."""
    info = zipfile.ZipInfo(name)
    info.external_attr = (0o100755 if executable else 0o100644) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, text)


# -- run_autograder ----------------------------------------------------------------------------------


def run_autograder(source: Path, submission: Path, results_folder: Path, metadata: Path | None = None) -> dict:
    """Grade one submission against the bundled exercises; write and return its results.json. A transcript
    naming a learner who is not one of the submitters in Gradescope's ``metadata`` is named in the output."""
    from ..engine import solve
    from ..exercise import load_exercise
    from ..session import Session
    from ..session.transcript import build_transcript
    from .answers import read_answers_file, type_answers
    from .transcripts import TeacherExercises, grade_file, mark_counted, result_of

    config = json.loads((source / CONFIG_NAME).read_text(encoding="utf-8"))
    bundled = [load_exercise(source / "exercises" / f"{name}.toml") for name in config["exercises"]]
    step_points = config.get("step_points", {})  # an assignment's, in place of the files' [points]
    teacher = TeacherExercises(
        [replace(exercise, points=step_points.get(exercise.name, exercise.points)) for exercise in bundled],
        own_points={exercise.name: exercise.points for exercise in bundled if exercise.name in step_points},
    )
    submitters = _submitters(metadata) if metadata is not None else {}
    results, notes = [], []
    files = sorted(
        path
        for path in submission.rglob("*")
        if path.is_file()
        and path.suffix in (".json", ".toml")
        and not any(part.startswith((".", "__MACOSX")) for part in path.relative_to(submission).parts)
    )  # a zip made on a Mac holds __MACOSX/._NAME copies of each file: not the student's work
    for path in files:
        shown = path.relative_to(submission)
        try:
            if path.suffix == ".json":
                result = grade_file(path, teacher)
                if submitters and result["learner"].casefold() not in submitters:
                    notes.append(
                        f"{shown}: the transcript names the learner '{result['learner']}', "
                        f"who is not among this submission's students ({', '.join(dict.fromkeys(submitters.values()))})"
                    )
                results.append({**result, "file": str(shown)})
                continue
            exercise = _exercise_for_answers(path, teacher.exercises)
            if exercise is None:
                notes.append(
                    f"{shown}: cannot tell which exercise it answers: name it after one "
                    f"({', '.join(config['exercises'])}), e.g. {config['exercises'][0]}.toml"
                )
                continue
            solution = solve(exercise)
            typed = type_answers(solution, read_answers_file(path, solution), config["mode"])
            notes += [
                f"{shown}: {verdict.quantity} is not asked by {exercise.name}: not counted"
                for verdict in typed.of(asked=False)
            ]
            results.append(result_of(build_transcript(typed.session), [], str(shown), path.stat().st_mtime))
        except (OSError, UnicodeDecodeError) as error:
            notes.append(f"{shown}: cannot be read: {error}")
        except ExerciseFileError as error:
            notes.append(f"{shown}: " + "; ".join(problem.message for problem in error.problems))
        except ValueError as error:
            notes.append(f"{shown}: {error}")
        except Exception as error:  # noqa: BLE001 - one file must not stop the others, nor the results.json
            notes.append(f"{shown}: internal error: {type(error).__name__}: {error}; please report this")
    for result in results:
        if result["exercise"] not in config["exercises"]:
            notes.append(f"{result['file']}: {result['exercise']} is not an exercise of this assignment: not counted")
    results = [result for result in results if result["exercise"] in config["exercises"]]
    for result in results:  # one submission is one student's, whatever names the files carry
        result["learner"] = "submission"
    mark_counted(results, config["keep"] == "best")
    counted = [result for result in results if result["counted"]]
    if len(counted) < len(results):
        notes.append(
            f"{len(results) - len(counted)} other submission(s) of the same exercise not counted "
            f"(the {config['keep']} one is)"
        )
    submitted = {result["exercise"] for result in counted}
    for exercise in teacher.exercises:  # an exercise with nothing submitted scores 0 of its steps
        if exercise.name not in submitted:
            empty = Session(exercise, mode=config["mode"])
            counted.append(result_of(build_transcript(empty), [], "(nothing submitted)", 0.0))
            notes.append(f"{exercise.name}: nothing submitted")
    data = gradescope_results(counted, notes, config.get("points"))
    save_text(results_folder / "results.json", json.dumps(data, indent=2))
    return data


def _submitters(metadata: Path) -> dict[str, str]:
    """The names a submission's students may go by in their transcripts (name, e-mail address, the address's
    part before the @, as learner_key casefolded), to the name shown; none when Gradescope gave no metadata."""
    from .transcripts import learner_key

    try:
        users = json.loads(metadata.read_text(encoding="utf-8")).get("users") or []
    except (OSError, ValueError, AttributeError):
        return {}
    names: dict[str, str] = {}
    for user in users if isinstance(users, list) else []:
        if not isinstance(user, dict):
            continue
        shown = str(user.get("name") or user.get("email") or "")
        email = str(user.get("email") or "")
        for name in (str(user.get("name") or ""), email, email.partition("@")[0], str(user.get("sid") or "")):
            if name.strip():
                names[learner_key(name).casefold()] = shown
    return names


def _exercise_for_answers(path: Path, exercises: list):
    """An answers file answers the exercise it is named after (NAME.toml, NAME.anything.toml, in any case: a
    file system or an upload may change it), or the only one bundled."""
    for exercise in exercises:
        if path.name.casefold().startswith(f"{exercise.name}.".casefold()):
            return exercise
    return exercises[0] if len(exercises) == 1 else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tutor.cli.gradescope", description="Grade one Gradescope submission (run by run_autograder)."
    )
    parser.add_argument("--source", type=Path, required=True, help="the unpacked autograder archive")
    parser.add_argument("--submission", type=Path, required=True, help="the student's submitted files")
    parser.add_argument("--results", type=Path, required=True, help="where results.json is written")
    parser.add_argument("--metadata", type=Path, help="Gradescope's submission_metadata.json: who submitted")
    arguments = parser.parse_args(argv)
    data = run_autograder(arguments.source, arguments.submission, arguments.results, arguments.metadata)
    print(data["output"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
