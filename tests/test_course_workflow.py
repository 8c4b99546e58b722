"""A course run as a teacher runs one (issue 17): the course in tests/exercises/course_workflow (three
exercises written from the docs alone: single steps in `ask`, [points], [tolerance.KIND], [exam], [hints], an
update and a derivation-only one; an assignment; a roster), three students working it in their own folders the
ways students do (`tutor check --transcript`, an exam on a session, `tutor export`), graded from a fourth
folder: one row per rostered student, one Gradescope result per student. The commands run in this process."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path

import pytest

from tutor.exercise import load_exercise
from tutor.session import EXAM, ProgressStore, Session
from tutor_testing import REPO, FakeClock, no_traceback, right_answer, run_autograder, tutor_command

COURSE = REPO / "tests" / "exercises" / "course_workflow"
EXERCISES = ("tanh-gate", "sigmoid-update", "softplus-derivation")
AFTER_THE_DUE_DATE = 1_900_000_000.0  # 2030-03-17, after the course's due date (2030-01-01)

RIGHT = {  # every asked step, rounded by hand as a student would
    "tanh-gate": '[value]\nu = "-0.75"\ns = "-0.5"\nh = "-0.4621"\nL = "0.4384"\n'
    '[local.h]\ns = "0.7864"\n[grad]\na = "1.562"\nb = "-0.5207"\n',
    "sigmoid-update": '[value]\nz = "-0.5"\np = "0.3775"\nL = "0.1937"\n'
    '[grad]\np = "-0.6225"\nz = "-0.1463"\nw = "-0.2926"\nb = "-0.1463"\n[update]\nw = "-0.1537"\nb = "0.1731"\n'
    '[after]\nz = "-0.1343"\np = "0.4665"\nL = "0.1423"\n',
    "softplus-derivation": '[formula]\nsoftplus_slope = "exp(x)/(1 + exp(x))"\nlog_loss = "-1/p"\n',
}


def tutor(*args, home: Path, cwd: Path):
    result = tutor_command(*args, home=home, cwd=cwd)
    no_traceback(result)
    return result


def handed_out(folder: Path) -> Path:
    """A student's (or the teacher's) copy of the course; the assignment file in it."""
    shutil.copytree(COURSE, folder)
    return folder / "course.toml"


def answers(folder: Path, **changes: tuple[str, str]) -> Path:
    """One answers file per exercise, every answer right but the changes (exercise=(right line, typed line))."""
    folder.mkdir(parents=True)
    for name, text in RIGHT.items():
        if name in changes:
            right, typed = changes[name]
            assert right in text
            text = text.replace(right, typed)
        (folder / f"{name}.toml").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def handed_in(tmp_path_factory) -> Path:
    """Three students' transcripts, made in their own folders, collected into one folder."""
    root = tmp_path_factory.mktemp("course")
    collected = root / "handed-in"
    collected.mkdir()

    # Ana: every answer right, her answers files checked with `tutor check` on the assignment
    ana = root / "ana"
    course = handed_out(ana / "hw")
    tutor("check", course, answers(ana / "answers"), "--transcript", "out/ana.json", "--learner", "s1001",
          home=ana / "data", cwd=ana)  # fmt: skip

    # Bjørn: the same as an exam, with the old w copied as the new one and dL/db's sign lost
    bjorn = root / "bjorn"
    course = handed_out(bjorn / "hw")
    mistakes = answers(
        bjorn / "answers",
        **{"sigmoid-update": ('w = "-0.1537"', 'w = "-0.3"'), "tanh-gate": ('b = "-0.5207"', 'b = "0.5207"')},
    )
    assert tutor("check", course, mistakes, "--mode", "exam", "--transcript", "out/b.json", "--learner", "s1002",
                 home=bjorn / "data", cwd=bjorn).returncode == 1  # fmt: skip

    # Zoë (her name typed decomposed, e + combining diaeresis): tanh-gate twice, the later one worse; the
    # derivation with a sign lost; sigmoid-update as an exam in the tutor after the due date, then exported
    zoe = root / "zoe"
    name = unicodedata.normalize("NFD", "zoë")
    course = handed_out(zoe / "hw")
    first = answers(zoe / "first", **{"softplus-derivation": ('"-1/p"', '"1/p"')})
    tutor("check", course, first, "--transcript", "out/first.json", "--learner", name, home=zoe / "data", cwd=zoe)
    later = answers(zoe / "later", **{"tanh-gate": ('a = "1.562"', 'a = "1.5"')})
    tutor("check", "hw/tanh-gate.toml", later / "tanh-gate.toml", "--transcript", "out/again.json",
          "--learner", name, home=zoe / "data", cwd=zoe)  # fmt: skip
    (zoe / "out" / "first-sigmoid-update.json").unlink()  # she worked this one in the tutor instead
    exam = Session(
        load_exercise(zoe / "hw" / "sigmoid-update.toml"),
        mode=EXAM,
        store=ProgressStore(zoe / "data"),
        clock=FakeClock(AFTER_THE_DUE_DATE),
    )
    for _ in exam.steps:
        exam.answer(right_answer(exam))
    exam.submit()
    exported = tutor("export", "hw/sigmoid-update.toml", "--mode", "exam", "--format", "json",
                     "-o", "out/exam.json", "--learner", name, home=zoe / "data", cwd=zoe)  # fmt: skip
    assert exported.returncode == 0 and f"Wrote out/exam.json, as {name}\n" in exported.stdout, exported.stderr

    for student in (ana, bjorn, zoe):
        for transcript in (student / "out").glob("*.json"):
            shutil.copy(transcript, collected / f"{student.name}-{transcript.name}")
    return root


def teacher(root: Path) -> Path:
    """The teacher's folder, with the teacher's own copy of the course: never a student's."""
    folder = root / "teacher"
    if not folder.exists():
        handed_out(folder / "course")
    return folder


def test_the_assignment_gives_one_row_per_rostered_student(handed_in):
    folder = teacher(handed_in)
    files = sorted(str(path) for path in (handed_in / "handed-in").glob("*.json"))
    result = tutor("grade", "--assignment", "course/course.toml", "--roster", "course/roster.csv", *files,
                   "--json", "--csv", "grades.csv", home=folder / "data", cwd=folder)  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = {row["learner"]: row for row in json.loads(result.stdout)["rows"]}
    assert list(rows) == ["s1001", "s1002", "zoë", "s1004"]  # the roster's order; her NFD name is matched
    assert (rows["s1001"]["grade"], rows["s1001"]["max"], rows["s1001"]["late"]) == (35, 35, [])
    # Bjørn: 5 of tanh-gate's 7 points (dL/db is worth 2), 12 of sigmoid-update's 14 (new w is worth 2)
    assert rows["s1002"]["exercises"] == {"tanh-gate": 7.1429, "sigmoid-update": 17.1429, "softplus-derivation": 5}
    assert rows["s1002"]["grade"] == 29.2857  # the sum of the shares, rounded once
    # Zoë: her later tanh-gate counts (dL/da wrong), not the better first one and never their sum
    assert rows["zoë"]["exercises"] == {"tanh-gate": 7.1429, "sigmoid-update": 20, "softplus-derivation": 2.5}
    assert rows["zoë"]["late"] == ["sigmoid-update"]
    assert (rows["s1004"]["status"], rows["s1004"]["grade"]) == ("missing", 0)
    with open(folder / "grades.csv", newline="", encoding="utf-8") as handle:
        table = list(csv.DictReader(handle))
    assert [(row["learner"], row["student_id"], row["name"], row["status"], row["late"]) for row in table] == [
        ("s1001", "1001", "Ana Álvarez", "graded", ""),
        ("s1002", "1002", "Bjørn Øster", "graded", ""),
        ("zoë", "1003", "Zoë Ng", "graded", "sigmoid-update"),
        ("s1004", "1004", "Dara Never", "missing", ""),
    ]
    ignored = tutor("grade", "--assignment", "course/course.toml", *files, "--exercises", "course",
                    home=folder / "data", cwd=folder)  # fmt: skip
    assert ignored.returncode == 2 and "--exercises and --exercise do not go with --assignment" in ignored.stderr
    best = tutor("grade", "--assignment", "course/course.toml", *files, "--best", "--json",
                 home=folder / "data", cwd=folder)  # fmt: skip
    zoe = next(row for row in json.loads(best.stdout)["rows"] if row["learner"] == "zoë")
    assert zoe["exercises"]["tanh-gate"] == 10 and zoe["grade"] == 32.5


def test_grading_against_a_folder_of_exercises_gives_one_gradescope_result_per_student(handed_in):
    folder = teacher(handed_in)
    files = sorted(str(path) for path in (handed_in / "handed-in").glob("*.json"))
    # the teacher's folder holds the assignment and roster beside the exercises: they are not exercises
    result = tutor("grade", *files, "--exercises", "course", "--gradescope", "gradescope",
                   home=folder / "data", cwd=folder)  # fmt: skip
    assert result.returncode == 0, result.stderr
    written = sorted(path.parent.name for path in (folder / "gradescope").rglob("results.json"))
    assert written == ["s1001", "s1002", "zoë"]
    for learner, score in (("s1001", 23), ("s1002", 19), ("zoë", 20)):  # points of the exercises' own [points]
        results = json.loads((folder / "gradescope" / learner / "results.json").read_text(encoding="utf-8"))
        assert results["score"] == score
        assert len(results["tests"]) == 7 + 12 + 2  # one test per step of each exercise, each counted once


def test_hostile_transcripts_are_reported_and_never_counted(handed_in):
    folder = teacher(handed_in)
    bjorn = json.loads((handed_in / "handed-in" / "bjorn-b-tanh-gate.json").read_text(encoding="utf-8"))
    hostile = folder / "hostile"
    hostile.mkdir(exist_ok=True)

    def variant(name: str, change) -> str:
        edited = json.loads(json.dumps(bjorn))
        change(edited)
        (hostile / name).write_text(json.dumps(edited), encoding="utf-8")
        return f"hostile/{name}"

    def full_credit(transcript):
        for item in transcript["items"]:
            item["verdict"], item["credit"] = "correct", 1.0
        transcript["score"]["points"] = 7.0

    claims = variant("claims.json", full_credit)
    nameless = variant("nameless.json", lambda transcript: transcript.pop("learner"))
    numbered = variant("numbered.json", lambda transcript: transcript.update(learner=1002))
    renamed = variant("renamed.json", lambda transcript: transcript["exercise"].update(name="easy"))
    other = variant("other.json", lambda transcript: transcript["exercise"].update(name="zzz", fingerprint=""))
    result = tutor("grade", "--assignment", "course/course.toml", claims, nameless, numbered, renamed, other,
                   "--json", home=folder / "data", cwd=folder)  # fmt: skip
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert [(row["learner"], row["exercises"]["tanh-gate"]) for row in report["rows"]] == [("s1002", 7.1429)]
    assert "hostile/claims.json: EDITED, not counted: grad.b: stored verdict 'correct', re-graded 'wrong'" in (
        result.stderr
    )
    assert "hostile/nameless.json: the transcript's learner is missing or is not text" in result.stderr
    assert "hostile/numbered.json: the transcript's learner is missing or is not text" in result.stderr
    assert "hostile/other.json: is for the exercise 'zzz', which is not part of this assignment" in result.stderr
    assert "renamed.json" not in result.stderr  # found by its fingerprint: graded as the tanh-gate it is
    gradescope = tutor("grade", claims, nameless, numbered, "--exercises", "course", "--gradescope", "one.json",
                       home=folder / "data", cwd=folder)  # fmt: skip
    assert gradescope.returncode == 1  # one learner: one results.json, never the grader's name for the nameless
    assert json.loads((folder / "one.json").read_text(encoding="utf-8"))["score"] == 5


def test_a_roster_saved_by_a_spreadsheet_is_read(tmp_path):
    from tutor.cli.assignment import read_roster
    from tutor.exercise import ExerciseFileError

    roster = tmp_path / "roster.csv"
    decomposed = unicodedata.normalize("NFD", "zoë")
    roster.write_text(f"\ufeffLearner ;Name;ID\ns1001;Ana Álvarez;1001\n;;\n {decomposed} ;Zoë Ng;1003\n\n")
    assert read_roster(roster) == [
        {"learner": "s1001", "Name": "Ana Álvarez", "ID": "1001"},
        {"learner": "zoë", "Name": "Zoë Ng", "ID": "1003"},
    ]
    roster.write_text(f"learner,name\nzoë,Zoë\n{decomposed},Zoë again\n")
    with pytest.raises(ExerciseFileError) as refused:
        read_roster(roster)
    assert str(refused.value.problems[0]) == f"{roster}:3: 'zoë' is on the roster twice"


# -- Gradescope's autograder ---------------------------------------------------------------------------------

RESULTS_FIELDS = {  # https://gradescope-autograders.readthedocs.io/en/latest/specs/
    "score",
    "execution_time",
    "output",
    "output_format",
    "test_output_format",
    "test_name_format",
    "visibility",
    "stdout_visibility",
    "extra_data",
    "tests",
    "leaderboard",
}
TEST_FIELDS = {
    "score",
    "max_score",
    "status",
    "name",
    "name_format",
    "number",
    "output",
    "output_format",
    "tags",
    "visibility",
    "extra_data",
}
VISIBILITY = {"hidden", "after_due_date", "after_published", "visible"}


def valid_results(results: dict) -> None:
    """results.json as Gradescope's specification has it: known fields of the documented types."""
    assert set(results) <= RESULTS_FIELDS and isinstance(results["output"], str)
    assert isinstance(results["score"], (int, float)) and not isinstance(results["score"], bool)
    for test in results["tests"]:
        assert set(test) <= TEST_FIELDS and isinstance(test["name"], str) and isinstance(test["output"], str)
        assert all(isinstance(test[key], (int, float)) for key in ("score", "max_score"))
        assert 0 <= test["score"] <= test["max_score"] and test["visibility"] in VISIBILITY
    assert results["score"] == pytest.approx(sum(test["score"] for test in results["tests"]), abs=1e-3)


def test_the_autograder_of_an_assignment_grades_a_submission_in_a_gradescope_like_folder(handed_in, tmp_path):
    folder = teacher(handed_in)
    built = tutor("gradescope", "course/course.toml", "-o", "autograder.zip", home=folder / "data", cwd=folder)
    assert built.returncode == 0, built.stderr
    root = tmp_path / "autograder"  # Gradescope's /autograder, somewhere else
    with zipfile.ZipFile(folder / "autograder.zip") as archive:
        archive.extractall(root / "source")
        modes = {info.filename: info.external_attr >> 16 for info in archive.infolist()}
    assert all(modes[f"exercises/{name}.toml"] & 0o444 == 0o444 for name in EXERCISES)  # readable by all
    submission = root / "submission"
    (submission / "__MACOSX").mkdir(parents=True)
    for name in ("zoe-first-tanh-gate.json", "zoe-again.json", "zoe-exam.json"):
        shutil.copy(handed_in / "handed-in" / name, submission / name)
    (submission / "__MACOSX" / "._zoe-exam.json").write_bytes(b"\x00\x05\x16\x07 AppleDouble")
    (submission / "Softplus-Derivation.toml").write_text(RIGHT["softplus-derivation"], encoding="utf-8")
    metadata = {"users": [{"email": "zoë@example.org", "id": 1, "name": "Zoë Ng"}]}  # as Gradescope writes it
    (root / "submission_metadata.json").write_text(json.dumps(metadata), encoding="utf-8")
    # the tutor that grades is the wheel in the archive (setup.sh pip-installs it): it comes first on the path
    (wheel,) = (root / "source").glob("*.whl")
    with zipfile.ZipFile(wheel) as unpacked:
        unpacked.extractall(root / "installed")
    where = subprocess.run(
        [sys.executable, "-c", "import tutor.cli.gradescope as g; print(g.__file__)"],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root / "installed")},
        capture_output=True,
        text=True,
    )
    assert where.stdout.startswith(str(root / "installed")), where.stdout + where.stderr
    results = run_autograder(root, installed=root / "installed")
    valid_results(results)
    worth = {name: 0.0 for name in EXERCISES}
    for test in results["tests"]:
        worth[test["name"].split(":")[0]] += test["max_score"]
    assert worth == pytest.approx({"tanh-gate": 10, "sigmoid-update": 20, "softplus-derivation": 5}, abs=1e-3)
    # the later tanh-gate (5 of its 7 points: 10·5/7), the exam, the answers file; the Mac's copy is not read
    assert results["score"] == pytest.approx(10 * 5 / 7 + 20 + 5, abs=1e-4)
    assert "MACOSX" not in results["output"] and "not among this submission's students" not in results["output"]
    assert "1 other submission(s) of the same exercise not counted (the latest one is)" in results["output"]


def test_validate_checks_an_assignment_and_its_exercises(tmp_path):
    validated = tutor("validate", COURSE / "course.toml", home=tmp_path, cwd=tmp_path)
    assert validated.returncode == 0  # and a warning: tanh-gate's hint for h speaks of dL/dh, which is not asked
    assert validated.stdout.count("warning") == 1
    assert f"{COURSE / 'tanh-gate.toml'}: warning: the [hints] for 'h' are never shown" in validated.stdout
    course = handed_out(tmp_path / "course")
    text = course.read_text(encoding="utf-8").replace("points = 20", "points = -20")
    course.write_text(text.replace("2030-01-01T23:59:00+01:00", '"soon"'), encoding="utf-8")
    (course.parent / "tanh-gate.toml").write_text("title = 'broken'\n[graph]\nL = 'q^2'\n", encoding="utf-8")
    result = tutor("validate", course, home=tmp_path, cwd=tmp_path)
    assert result.returncode == 2
    assert f"{course}:3: 'due' must be a date" in result.stdout
    assert f"{course}:11: exercise 2: 'points' must be a number more than 0" in result.stdout
    assert f"{course.parent / 'tanh-gate.toml'}:" in result.stdout  # a problem inside an exercise: its own file


def test_a_learner_named_like_a_formula_is_text_in_every_csv(handed_in):
    folder = teacher(handed_in)
    transcript = json.loads((handed_in / "handed-in" / "ana-ana-tanh-gate.json").read_text(encoding="utf-8"))
    transcript["learner"] = '=HYPERLINK("http://example.org")'  # a name is the learner's to choose
    (folder / "formula.json").write_text(json.dumps(transcript), encoding="utf-8")
    for options in (["--csv", "all.csv"], ["--assignment", "course/course.toml", "--csv", "all.csv"]):
        assert tutor("grade", "formula.json", *options, home=folder / "data", cwd=folder).returncode == 0
        with open(folder / "all.csv", newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        assert rows[0]["learner"] == """'=HYPERLINK("http://example.org")"""


def test_the_grades_table_cuts_no_name_at_80_columns(handed_in):
    folder = teacher(handed_in)
    files = sorted(str(path) for path in (handed_in / "handed-in").glob("*.json"))
    result = tutor_command("grade", "--assignment", "course/course.toml", "--roster", "course/roster.csv", *files,
                           home=folder / "data", cwd=folder, columns=80)  # fmt: skip
    assert result.returncode == 0 and "…" not in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    assert "Late: zoë: sigmoid-update\n" in result.stdout and "Missing (no transcript): s1004" in result.stdout


def test_the_autograder_names_a_transcript_of_someone_else_than_the_submitter(handed_in, tmp_path):
    from tutor.cli.gradescope import run_autograder

    folder = teacher(handed_in)
    assert tutor("gradescope", "course/course.toml", "-o", "ag.zip", home=folder / "data", cwd=folder).returncode == 0
    with zipfile.ZipFile(folder / "ag.zip") as archive:
        archive.extractall(tmp_path / "source")
    (tmp_path / "submission").mkdir()
    shutil.copy(handed_in / "handed-in" / "ana-ana-tanh-gate.json", tmp_path / "submission" / "mine.json")
    metadata = tmp_path / "submission_metadata.json"
    metadata.write_text(json.dumps({"users": [{"email": "bjorn@example.org", "name": "Bjørn Øster"}]}))
    results = run_autograder(tmp_path / "source", tmp_path / "submission", tmp_path / "results", metadata)
    assert (
        "mine.json: the transcript names the learner 's1001', who is not among this submission's students "
        "(Bjørn Øster)" in results["output"]
    )
    assert results["score"] == 10  # named, still graded: the teacher decides


def test_learners_whose_names_differ_in_case_or_are_very_long_get_their_own_gradescope_folders(tmp_path):
    from tutor.cli.gradescope_results import write_gradescope

    def result(learner: str) -> dict:
        return {"learner": learner, "exercise": "x", "items": [], "tampered": False, "line": "", "max": 1}

    written = write_gradescope([result("Ana"), result("ana"), result("ANA")], tmp_path / "out")
    assert [path.parent.name for path in written] == ["Ana", "ana_", "ANA__"]  # never one folder on macOS
    long = ["ø" * 300, "ø" * 301]  # 600 bytes each: more than a file system allows in one name
    written = write_gradescope([result(name) for name in long], tmp_path / "long")
    assert [path.parent.name for path in written] == ["ø" * 50, "ø" * 50 + "_"]


def test_an_assignment_given_where_an_exercise_is_needed_says_what_it_is(tmp_path):
    for command in (("show", "--steps"), ("solve",), ("hint", "value.u")):
        result = tutor(command[0], COURSE / "course.toml", *command[1:], home=tmp_path, cwd=tmp_path)
        assert result.returncode == 2
        assert result.stderr.strip() == (
            f"{COURSE / 'course.toml'}:1: is an assignment (docs/assignments.md), not an exercise: give one of "
            "its exercises here; tutor run, exam, check, validate and gradescope take an assignment"
        )


def test_looking_over_finished_work_after_the_due_date_is_not_late(tmp_path):
    from tutor.session.transcript import build_transcript

    course = handed_out(tmp_path / "course")
    clock = FakeClock(AFTER_THE_DUE_DATE - 86_400)  # the day before it is due
    session = Session(load_exercise(course.parent / "softplus-derivation.toml"), clock=clock)
    while not session.finished:
        session.answer(right_answer(session))
    clock.now = AFTER_THE_DUE_DATE
    session.previous_step()  # PageUp after the due date: looking, not working
    transcript = build_transcript(session, "s1001")
    assert transcript["events"][-1]["type"] == "shown"
    (tmp_path / "t.json").write_text(json.dumps(transcript), encoding="utf-8")
    course.write_text(course.read_text(encoding="utf-8").replace("2030-01-01T23:59:00+01:00", "2030-03-16"))
    result = tutor("grade", "--assignment", course, "t.json", "--json", home=tmp_path, cwd=tmp_path)
    assert json.loads(result.stdout)["rows"][0]["late"] == []


def test_a_student_sees_whose_transcript_was_saved_and_is_told_when_it_is_their_login_name(tmp_path):
    course = handed_out(tmp_path / "hw")
    folder = answers(tmp_path / "answers")
    derivation = (course.parent / "softplus-derivation.toml", folder / "softplus-derivation.toml")
    login = "(your login name: give your name or student ID with --learner NAME)"
    anonymous = tutor("check", *derivation, "--transcript", "t.json", home=tmp_path / "data", cwd=tmp_path)
    assert ", as " in anonymous.stdout and login in " ".join(anonymous.stdout.split())
    named = tutor("check", *derivation, "--transcript", "t.json", "--learner", "s1001",
                  home=tmp_path / "data", cwd=tmp_path)  # fmt: skip
    assert "Transcript written to t.json, as s1001\n" in named.stdout


def test_an_assignment_of_thousands_of_exercises_is_refused_before_any_is_loaded(tmp_path):
    from tutor.exercise import ExerciseFileError
    from tutor.exercise.assignment import MAX_ASSIGNMENT_EXERCISES, load_assignment

    course = handed_out(tmp_path / "course")
    many = course.with_name("many.toml")
    many.write_text('[assignment]\ntitle = "many"\n' + '[[exercise]]\npath = "tanh-gate.toml"\n' * 5_000)
    with pytest.raises(ExerciseFileError) as refused:
        load_assignment(many)
    assert [problem.message for problem in refused.value.problems] == [
        f"the assignment lists 5,000 exercises; the limit is {MAX_ASSIGNMENT_EXERCISES}"
    ]
    many.write_text('[assignment]\ntitle = "many"\n' + '[[exercise]]\npath = "tanh-gate.toml"\n' * 3)
    with pytest.raises(ExerciseFileError) as refused:
        load_assignment(many)
    assert [str(problem) for problem in refused.value.problems] == [
        f"{many}:{line}: exercise {number}: 'tanh-gate.toml' is listed twice: transcripts are matched by the "
        "exercise's name"
        for number, line in ((2, 5), (3, 7))
    ]
