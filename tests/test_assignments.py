"""Assignments (docs/assignments.md): loading with file+line problems, the next exercise for run/exam,
`tutor check` with a folder of answers, and `tutor grade --assignment --roster`: one row per student."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import shutil
import textwrap
import uuid
import zipfile
from pathlib import Path

import pytest

from tutor.cli.assignment import next_exercise
from tutor.cli.main import main
from tutor.exercise import ExerciseFileError
from tutor.exercise.assignment import is_assignment, load_assignment
from tutor.session import ProgressStore, Session
from tutor_testing import TMUX, start_tutor, tmux, wait_for_all

SEEDS = Path(__file__).resolve().parent / "seed_answers"

DERIVATION = """
title = "The sigmoid's slope"
[exam]
time_limit = 10

[[questions]]
prompt = "dσ/dx in terms of σ"
answer = "sigmoid(x)*(1 - sigmoid(x))"
"""

HOMEWORK = """
[assignment]
title = "Homework 3"
due = {due}

[[exercise]]
name = "sigmoid-neuron-mse"
points = 10

[[exercise]]
path = "parts/slope.toml"
points = 5
feedback = true
"""


def homework(tmp_path: Path, due: str = "2099-12-01") -> Path:
    (tmp_path / "parts").mkdir(exist_ok=True)
    (tmp_path / "parts" / "slope.toml").write_text(DERIVATION, encoding="utf-8")
    path = tmp_path / "hw.toml"
    path.write_text(HOMEWORK.format(due=due), encoding="utf-8")
    return path


def problems_of(tmp_path: Path, text: str) -> list[tuple[int | None, str]]:
    path = tmp_path / "broken.toml"
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    with pytest.raises(ExerciseFileError) as caught:
        load_assignment(path)
    assert all(problem.path == path for problem in caught.value.problems)
    return [(problem.line, problem.message) for problem in caught.value.problems]


# -- loading -------------------------------------------------------------------------------------


def test_an_assignment_loads_its_exercises_points_due_date_and_exam_settings(tmp_path):
    assignment = load_assignment(homework(tmp_path, "2026-12-01T23:00:00+01:00"))
    assert assignment.title == "Homework 3" and assignment.points == 15
    assert assignment.due == dt.datetime(2026, 12, 1, 22, 0, tzinfo=dt.UTC)
    names = [item.exercise.name for item in assignment.exercises]
    assert names == ["sigmoid-neuron-mse", "slope"]
    assert [item.line for item in assignment.exercises] == [6, 10]
    slope = assignment.exercises[1].exercise
    assert (slope.exam.time_limit, slope.exam.feedback) == (10.0, True)  # the file's limit, the assignment's feedback
    assert not assignment.late(assignment.due.timestamp()) and assignment.late(assignment.due.timestamp() + 1)


def test_a_due_date_alone_is_the_end_of_that_day_in_utc(tmp_path):
    assert load_assignment(homework(tmp_path, "2026-12-01")).due == dt.datetime(2026, 12, 1, 23, 59, 59, tzinfo=dt.UTC)


def test_every_problem_of_an_assignment_has_its_line_and_a_did_you_mean(tmp_path):
    assert problems_of(
        tmp_path,
        """
        [assignment]
        titel = "Homework"
        due = "tomorrow"

        [[exercise]]
        name = "sigmoid-neuron-ms"
        points = 0

        [[exercise]]
        path = "missing.toml"
        feedbak = true

        [[exercise]]
        points = 2
    """,
    ) == [
        (2, "unknown field 'titel' in [assignment] (did you mean 'title'?)"),
        (1, "the assignment needs a title, in quotes"),
        (
            3,
            "'due' must be a date or a date and time, without quotes: due = 2026-12-01 or "
            "due = 2026-12-01T23:59:00+01:00",
        ),
        (7, "exercise 1: 'points' must be a number more than 0"),
        (
            6,
            "exercise 1: 'sigmoid-neuron-ms' is not a catalog exercise or a .toml file (did you mean "
            "'sigmoid-neuron-mse'?); `tutor list` shows the catalog",
        ),
        (11, "exercise 2: unknown field 'feedbak' (did you mean 'feedback'?)"),
        (10, f"exercise 2: {tmp_path / 'missing.toml'}: no such file"),
        (13, 'exercise 3: give either path = "file.toml" (relative to this file) or name = "catalog-name"'),
    ]


def test_an_exercise_listed_twice_and_a_problem_inside_an_exercise_file(tmp_path):
    (tmp_path / "bad.toml").write_text('title = "t"\n[inputs]\nx = 1\n[graph]\nz = "x*y"\n', encoding="utf-8")
    path = tmp_path / "twice.toml"
    path.write_text(
        '[assignment]\ntitle = "T"\n[[exercise]]\nname = "relu-positive"\n[[exercise]]\n'
        'name = "relu-positive"\n[[exercise]]\npath = "bad.toml"\n',
        encoding="utf-8",
    )
    with pytest.raises(ExerciseFileError) as caught:
        load_assignment(path)
    assert [str(problem) for problem in caught.value.problems] == [
        f"{path}:5: exercise 2: 'relu-positive' is listed twice: transcripts are matched by the exercise's name",
        f"{tmp_path / 'bad.toml'}:5: node 'z' uses 'y', which is not defined",
    ]


def test_is_assignment_tells_an_assignment_from_an_exercise(tmp_path):
    assert is_assignment(str(homework(tmp_path)))
    assert not is_assignment(str(tmp_path / "parts" / "slope.toml"))
    assert not is_assignment("sigmoid-neuron-mse")


# -- run / exam: the next exercise ---------------------------------------------------------------------


def test_run_opens_the_first_exercise_not_finished_then_the_next(tmp_path, capsys, monkeypatch):
    path = homework(tmp_path)
    store = ProgressStore(tmp_path / "home")
    _, first = next_exercise(str(path), "practice", store)
    assert first.name == "sigmoid-neuron-mse"
    session = Session(first, store=store)
    while not session.finished:
        session.reveal()
        session.next_step()
    _, second = next_exercise(str(path), "practice", store)
    assert second.name == "slope" and second.exam.feedback is True
    assert next_exercise(str(path), "exam", store)[1].name == "sigmoid-neuron-mse"  # exams are counted apart
    session = Session(second, store=store)
    session.answer("sigmoid(x)*(1 - sigmoid(x))")
    assert next_exercise(str(path), "practice", store)[1] is None
    monkeypatch.setenv("BACKPROP_TUTOR_HOME", str(tmp_path / "home"))
    assert main(["run", str(path)]) == 0  # all finished: says so instead of opening the tutor
    assert "Every exercise of 'Homework 3' is finished in practice mode" in capsys.readouterr().out


# -- tutor check ASSIGNMENT FOLDER ------------------------------------------------------------------


def answers_folder(tmp_path: Path, student: bool = False) -> Path:
    folder = tmp_path / ("student" if student else "correct")
    folder.mkdir()
    kind = "student" if student else "correct"
    shutil.copy(SEEDS / f"sigmoid-neuron-mse.{kind}.toml", folder / "sigmoid-neuron-mse.toml")
    formula = "sigmoid(x)*(1 - sigmoid(x))" if not student else "sigmoid(x)"
    (folder / "slope.toml").write_text(f'[formula]\nq1 = "{formula}"\n', encoding="utf-8")
    return folder


def test_check_takes_a_folder_with_one_answers_file_per_exercise(tmp_path, capsys):
    path = homework(tmp_path)
    folder = answers_folder(tmp_path)
    assert main(["check", str(path), str(folder)]) == 0
    assert capsys.readouterr().out.count("Score:") == 2
    (folder / "slope.toml").unlink()
    assert main(["check", str(path), str(folder), "--json"]) == 1  # a missing answers file counts as wrong
    report = json.loads(capsys.readouterr().out)
    assert report["assignment"] == "Homework 3"
    first, second = report["exercises"]
    assert first["exercise"] == "sigmoid-neuron-mse" and first["score"]["correct"] == first["score"]["total"]
    assert second == {"exercise": "slope", "missing": str(folder / "slope.toml")}
    assert main(["check", str(path), str(folder / "sigmoid-neuron-mse.toml")]) == 2
    assert "with an assignment, ANSWERS is a folder" in capsys.readouterr().err


# -- tutor grade --assignment --roster ------------------------------------------------------------


def transcripts(tmp_path: Path, path: Path) -> Path:
    """ada: everything right; bob: the student's answers; cyd: nothing handed in; eve: not on the roster."""
    out = tmp_path / "transcripts"
    correct, student = answers_folder(tmp_path), answers_folder(tmp_path, student=True)
    for learner, folder in (("ada", correct), ("bob", student), ("eve", correct)):
        assert main(
            ["check", str(path), str(folder), "--transcript", str(out / f"{learner}.json"), "--learner", learner]
        ) in (0, 1)
    (out / "eve-slope.json").unlink()
    return out


def test_grade_gives_one_row_per_rostered_student_and_lists_the_missing_one(tmp_path, capsys):
    path = homework(tmp_path)
    out = transcripts(tmp_path, path)
    roster = tmp_path / "roster.csv"
    roster.write_text("learner,name\nada,Ada L\nbob,Bob B\ncyd,Cyd C\n", encoding="utf-8")
    capsys.readouterr()
    files = sorted(str(file) for file in out.glob("*.json"))
    assert (
        main(
            [
                "grade",
                "--assignment",
                str(path),
                "--roster",
                str(roster),
                *files,
                "--json",
                "--csv",
                str(tmp_path / "grades.csv"),
            ]
        )
        == 0
    )
    report = json.loads(capsys.readouterr().out)
    rows = {row["learner"]: row for row in report["rows"]}
    assert [row["learner"] for row in report["rows"]] == ["ada", "bob", "cyd", "eve"]
    assert (rows["ada"]["status"], rows["ada"]["grade"], rows["ada"]["max"]) == ("graded", 15, 15)
    bob = rows["bob"]
    bob_share = json.loads((out / "bob-sigmoid-neuron-mse.json").read_text())["score"]
    assert bob["exercises"] == {
        "sigmoid-neuron-mse": round(10 * bob_share["points"] / bob_share["max"], 4),
        "slope": 0.0,
    }
    assert 0 < bob["grade"] < 10
    assert (rows["cyd"]["status"], rows["cyd"]["grade"], rows["cyd"]["missing_exercises"]) == (
        "missing",
        0,
        ["sigmoid-neuron-mse", "slope"],
    )
    assert (rows["eve"]["status"], rows["eve"]["grade"], rows["eve"]["missing_exercises"]) == (
        "not on the roster",
        10,
        ["slope"],
    )
    assert all(row["late"] == [] for row in report["rows"])
    with open(tmp_path / "grades.csv", newline="", encoding="utf-8") as handle:
        table = list(csv.DictReader(handle))
    assert [(row["learner"], row["name"], row["grade"], row["status"]) for row in table] == [
        ("ada", "Ada L", "15.0", "graded"),
        ("bob", "Bob B", str(bob["grade"]), "graded"),
        ("cyd", "Cyd C", "0", "missing"),
        ("eve", "", "10.0", "not on the roster"),
    ]
    assert main(["grade", "--assignment", str(path), "--roster", str(roster), *files]) == 0
    shown = capsys.readouterr().out
    assert "Missing (no transcript): cyd" in shown and "15 of 15" in shown


def test_grade_flags_late_work_and_leaves_out_edited_transcripts(tmp_path, capsys):
    path = homework(tmp_path, due="2020-01-01")  # long past: everything is late
    out = transcripts(tmp_path, path)
    edited = json.loads((out / "bob-slope.json").read_text())
    edited["score"]["points"] = 1
    (out / "bob-slope.json").write_text(json.dumps(edited))
    capsys.readouterr()
    assert (
        main(["grade", "--assignment", str(path), str(out / "ada-slope.json"), str(out / "bob-slope.json"), "--json"])
        == 1
    )
    captured = capsys.readouterr()
    rows = {row["learner"]: row for row in json.loads(captured.out)["rows"]}
    assert rows["ada"]["late"] == ["slope"] and rows["ada"]["grade"] == 5
    assert "bob" not in rows  # an edited transcript does not count
    assert "bob-slope.json: EDITED, not counted" in captured.err


def test_a_roster_without_a_learner_column_and_roster_without_assignment(tmp_path, capsys):
    path = homework(tmp_path)
    roster = tmp_path / "roster.csv"
    roster.write_text("student,email\nada,a@x\n", encoding="utf-8")
    assert main(["grade", "--assignment", str(path), "--roster", str(roster), str(roster)]) == 2
    assert f"{roster}:1: the roster needs a header row with a 'learner' column" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["grade", "--roster", str(roster), str(roster)])
    assert "--roster goes with --assignment FILE" in capsys.readouterr().err


# -- the real program --------------------------------------------------------------------------------


@pytest.mark.skipif(TMUX is None and not os.environ.get("CI"), reason="tmux is not installed (apt-get install tmux)")
def test_tutor_exam_on_an_assignment_opens_its_next_exercise_with_the_assignments_settings(tmp_path):
    assert TMUX, ".ci/run installs tmux: this test must run in CI"
    (tmp_path / "parts").mkdir()
    (tmp_path / "parts" / "slope.toml").write_text(DERIVATION, encoding="utf-8")
    path = tmp_path / "quiz.toml"
    path.write_text(
        '[assignment]\ntitle = "Quiz"\n[[exercise]]\npath = "parts/slope.toml"\ntime_limit = 45\n', encoding="utf-8"
    )
    session = f"tutor-assignment-{uuid.uuid4().hex[:8]}"
    try:
        start_tutor(session, "exam", path, "--learner", "Tester", home=tmp_path / "home", size=(100, 30))
        # the assignment's 45 minutes, not the file's 10
        wait_for_all(session, ["time left 44:", "dσ/dx in terms of σ"])
    finally:
        tmux("kill-session", "-t", session, check=False)


# -- step_points: what the steps of an exercise are worth in the assignment ------------------------

WEIGHTED = HOMEWORK.replace(
    "points = 10\n",
    'points = 10\nstep_points = {{ grad = 3, "value.L" = 0 }}\n',  # braces doubled for .format
)


def test_step_points_weigh_the_steps_in_the_grade_whether_worked_through_the_assignment_or_the_file(tmp_path, capsys):
    path = homework(tmp_path)
    path.write_text(WEIGHTED.format(due="2099-12-01"), encoding="utf-8")
    (item, _) = load_assignment(path).exercises
    assert item.exercise.points == {"grad": 3, "value.L": 0} and item.own_points == {}
    student = answers_folder(tmp_path, student=True)
    out = tmp_path / "out"
    # bob through the assignment (its step points); ann on the exercise alone (the catalog's own points)
    assert main(["check", str(path), str(student), "--transcript", str(out / "bob.json"), "--learner", "bob"]) == 1
    answers = str(student / "sigmoid-neuron-mse.toml")
    ann = ["check", "sigmoid-neuron-mse", answers, "--transcript", str(out / "ann.json"), "--learner", "ann"]
    assert main(ann) == 1
    bob_score = json.loads((out / "bob-sigmoid-neuron-mse.json").read_text())["score"]
    ann_score = json.loads((out / "ann.json").read_text())["score"]
    assert bob_score["max"] != ann_score["max"]  # each scored with the points it was worked with
    capsys.readouterr()
    files = [str(out / "bob-sigmoid-neuron-mse.json"), str(out / "ann.json")]
    assert main(["grade", "--assignment", str(path), *files, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["problems"] == []  # ann's transcript is no edit: its credits are the same
    rows = {row["learner"]: row for row in report["rows"]}
    weighted = round(10 * bob_score["points"] / bob_score["max"], 4)
    assert rows["bob"]["exercises"]["sigmoid-neuron-mse"] == rows["ann"]["exercises"]["sigmoid-neuron-mse"] == weighted
    # a credit edited by hand is still an edit
    edited = json.loads((out / "ann.json").read_text())
    wrong = next(item for item in edited["items"] if item["credit"] == 0)
    wrong["credit"], wrong["verdict"] = 1, "correct"
    (out / "ann.json").write_text(json.dumps(edited), encoding="utf-8")
    assert main(["grade", "--assignment", str(path), *files, "--json"]) == 1
    assert any("ann.json: EDITED" in problem for problem in json.loads(capsys.readouterr().out)["problems"])


def test_step_points_naming_a_step_the_exercise_lacks_are_refused_with_the_line(tmp_path):
    (tmp_path / "parts").mkdir()
    (tmp_path / "parts" / "slope.toml").write_text(DERIVATION, encoding="utf-8")
    found = problems_of(
        tmp_path,
        """
        [assignment]
        title = "Homework"

        [[exercise]]
        name = "sigmoid-neuron-mse"
        [exercise.step_points]
        "grad.nope" = 2
        value = -1
        """,
    )
    assert found == [
        (8, "exercise 1: the points of 'value' must be a number, 0 or more, like value = 2"),
        (7, "exercise 1: step_points names the step 'grad.nope' of sigmoid-neuron-mse: 'nope' is not an input or node"),
    ]


def test_the_gradescope_autograder_of_an_assignment_weighs_steps_by_its_step_points(tmp_path, capsys):
    from tutor.cli.gradescope import run_autograder

    path = homework(tmp_path)
    path.write_text(WEIGHTED.format(due="2099-12-01"), encoding="utf-8")
    assert main(["gradescope", str(path), "-o", str(tmp_path / "autograder.zip")]) == 0
    with zipfile.ZipFile(tmp_path / "autograder.zip") as archive:
        archive.extractall(tmp_path / "source")
    submission = tmp_path / "submission"
    submission.mkdir()
    shutil.copy(answers_folder(tmp_path, student=True) / "sigmoid-neuron-mse.toml", submission)
    results = run_autograder(tmp_path / "source", submission, tmp_path / "results")
    worth = {test["name"]: test["max_score"] for test in results["tests"] if test["name"].startswith("sigmoid")}
    gradient, value = worth["sigmoid-neuron-mse: dL/dw1"], worth["sigmoid-neuron-mse: z"]
    assert gradient == pytest.approx(3 * value, abs=1e-3) and worth["sigmoid-neuron-mse: L"] == 0  # 4 decimals
    assert sum(worth.values()) == pytest.approx(10, abs=1e-3)  # the exercise is worth its 10 points in all
    assert main(["check", str(path), str(submission.parent / "student"), "--transcript", str(tmp_path / "t.json")]) == 1
    capsys.readouterr()
    main(["grade", "--assignment", str(path), str(tmp_path / "t-sigmoid-neuron-mse.json"), "--json"])
    (row,) = json.loads(capsys.readouterr().out)["rows"]
    graded = sum(test["score"] for test in results["tests"] if test["name"].startswith("sigmoid"))
    assert graded == pytest.approx(row["exercises"]["sigmoid-neuron-mse"], abs=1e-3)  # as tutor grade weighs them
