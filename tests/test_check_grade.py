"""`tutor check` and `tutor grade` agree and say what was done; re-grading against the teacher's copies
from any folder; `tutor export` of a teacher's own exercise; Gradescope as Gradescope works (one
results.json per learner, an autograder archive whose run_autograder really runs, as a real process). The
commands run in this process."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

import tutor as tutor_package
from tutor import __version__
from tutor.engine.formatting import format_value
from tutor.exercise import catalog_names, load_exercise, resolve_exercise
from tutor.session import EXAM, ProgressStore, Session
from tutor_testing import REPO, no_traceback, run_autograder, tutor_command

SEEDS = REPO / "tests" / "seed_answers"
SEED_001 = "sigmoid-neuron-mse"
STEPS_001 = 25
HALF_DONE = (
    '[value]\np1 = "4/5"\np2 = "7/5"\nz = "14/5"\nyhat = "0.9427"\nL = "0.5"\n'
    '[grad]\nyhat = "-0.1146"\nz = "-0.006195"\n'
)  # 7 of 25 steps answered, value.L wrong


def tutor(home: Path, *args, cwd: Path = REPO) -> subprocess.CompletedProcess:
    """``tutor ARGS`` in this process with the data folder ``home``; no call here may end in a traceback."""
    result = tutor_command(*args, home=home, cwd=cwd)
    no_traceback(result)
    return result


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def fewer_steps_exercise(path: Path) -> Path:
    """Seed 001 asking only the values and the parameters' gradients: grad.x1 and the local
    derivatives exist but are not asked."""
    text = resolve_exercise(SEED_001).path.read_text(encoding="utf-8")
    return write(
        path,
        text.replace(
            'params = ["w1", "w2", "b0"]\n', 'params = ["w1", "w2", "b0"]\nask = ["values", "parameter_gradients"]\n'
        ),
    )


def gradescope_schema(results: dict) -> None:
    """Gradescope's results.json (https://gradescope-autograders.readthedocs.io/en/latest/specs/)."""
    assert isinstance(results["score"], (int, float))
    assert isinstance(results["output"], str)
    assert isinstance(results["tests"], list) and results["tests"]
    for test in results["tests"]:
        assert isinstance(test["name"], str) and test["name"]
        assert isinstance(test["score"], (int, float)) and isinstance(test["max_score"], (int, float))
        assert 0 <= test["score"] <= test["max_score"] or test["max_score"] == 0
        assert isinstance(test["output"], str) and test["visibility"] == "visible"
    assert results["score"] == pytest.approx(sum(test["score"] for test in results["tests"]))


# -- check and grade agree ------------------------------------------------------------------------


def test_check_and_grade_print_the_same_line_for_half_done_work(tmp_path):
    answers = write(tmp_path / "answers.toml", HALF_DONE)
    checked = tutor(tmp_path, "check", SEED_001, answers, "--transcript", tmp_path / "t.json")
    line = f"6 of 7 answered right; 6 of the exercise's {STEPS_001} steps"
    assert checked.returncode == 1
    assert f"Score: {line}" in checked.stdout
    graded = tutor(tmp_path, "grade", tmp_path / "t.json")
    assert graded.returncode == 0  # the transcript is unedited
    assert line in graded.stdout
    report = json.loads(tutor(tmp_path, "grade", tmp_path / "t.json", "--json").stdout)
    (entry,) = report["results"]
    assert (entry["answered"], entry["answered_right"], entry["points"], entry["line"]) == (7, 6, 6.0, line)
    score = json.loads(tutor(tmp_path, "check", SEED_001, answers, "--json").stdout)["score"]
    assert score == {
        "correct": 6,
        "total": 7,
        "answered": 7,
        "answered_right": 6,
        "points": 6.0,
        "steps": STEPS_001,
        "line": line,
    }


def test_check_of_every_step_right_agrees_with_grade_and_exits_0(tmp_path):
    checked = tutor(
        tmp_path, "check", SEED_001, SEEDS / f"{SEED_001}.correct.toml", "--transcript", tmp_path / "t.json"
    )
    line = f"{STEPS_001} of {STEPS_001} answered right; {STEPS_001} of the exercise's {STEPS_001} steps"
    assert checked.returncode == 0 and f"Score: {line}" in checked.stdout
    assert line in tutor(tmp_path, "grade", tmp_path / "t.json").stdout


def test_answers_to_steps_not_asked_are_reported_not_counted(tmp_path):
    exercise = fewer_steps_exercise(tmp_path / "few.toml")
    answers = write(
        tmp_path / "answers.toml",
        '[value]\nz = "14/5"\n[grad]\nx1 = "-0.004956"\nw1 = "-0.0062"\n[local.yhat]\nz = "9"\n',
    )
    human = tutor(tmp_path, "check", exercise, answers)
    assert human.returncode == 1
    assert "Not asked by this exercise (not counted)" in human.stdout
    assert "dL/dx1" in human.stdout and "∂yhat/∂z" in human.stdout
    steps = len(Session(load_exercise(exercise)).steps)
    assert f"Score: 2 of 2 answered right; 2 of the exercise's {steps} steps" in human.stdout
    data = json.loads(tutor(tmp_path, "check", exercise, answers, "--json").stdout)
    assert [(item["quantity"], item["asked"], item["verdict"]) for item in data["items"]] == [
        ("value.z", True, "correct"),
        ("grad.x1", False, "correct"),
        ("grad.w1", True, "correct"),
        ("local.yhat.z", False, "wrong"),
    ]  # every answer in the file's order
    assert data["score"]["correct"] == 2 and data["score"]["total"] == 2 and data["score"]["steps"] == steps


def test_check_as_an_exam_scores_what_the_exam_session_scores(tmp_path):
    """A vector answer with one of two elements wrong earns half a point in an exam, nothing in practice."""
    answers = {"value.F1": "5", "value.F2": "19", "value.F": "[5, 20]", "grad.x": "[2, 3]", "local.F1.x": "2"}
    text = '[value]\nF1 = "5"\nF2 = "19"\nF = "[5, 20]"\n[grad]\nx = "[2, 3]"\n[local.F1]\nx = "2"\n'
    path = write(tmp_path / "answers.toml", text)
    exam = Session(resolve_exercise("jacobian-df"), mode=EXAM)
    positions = {str(step.quantity): index for index, step in enumerate(exam.steps)}
    for quantity, typed in answers.items():
        exam.go_to(positions[quantity])
        exam.answer(typed)
    exam.submit()
    expected = exam.summary().score
    assert expected == pytest.approx(4.5)  # four right, one half right
    as_exam = json.loads(
        tutor(
            tmp_path, "check", "jacobian-df", path, "--mode", "exam", "--json", "--transcript", tmp_path / "exam.json"
        ).stdout
    )
    assert as_exam["mode"] == "exam" and as_exam["score"]["points"] == pytest.approx(expected)
    assert {item["quantity"]: item["credit"] for item in as_exam["items"]}["value.F"] == 0.5
    as_practice = json.loads(tutor(tmp_path, "check", "jacobian-df", path, "--json").stdout)
    assert as_practice["score"]["points"] == 4.0
    steps = len(exam.steps)
    line = f"4 of 5 answered right; 4.5 of the exercise's {steps} steps"
    assert as_exam["score"]["line"] == line
    graded = tutor(tmp_path, "grade", tmp_path / "exam.json")
    assert graded.returncode == 0 and line in graded.stdout and "exam" in graded.stdout


# -- re-grading from any folder ---------------------------------------------------------------------


@pytest.fixture
def midterm(tmp_path):
    """A student worked the teacher's ex8-midterm.toml in their own folder, typed as a relative path."""
    student = tmp_path / "student"
    teacher = tmp_path / "teacher"
    fewer_steps_exercise(teacher / "ex8-midterm.toml")
    shutil.copy(teacher / "ex8-midterm.toml", write(student / "answers.toml", HALF_DONE).parent)
    result = tutor(
        tmp_path,
        "check",
        "ex8-midterm.toml",
        "answers.toml",
        "--transcript",
        "ana.json",
        "--learner",
        "ana",
        cwd=student,
    )
    assert result.returncode == 1, result.stderr
    return student, teacher


def test_a_transcript_stores_the_resolved_path_and_the_name(midterm):
    student, _ = midterm
    stored = json.loads((student / "ana.json").read_text(encoding="utf-8"))["exercise"]
    assert stored["name"] == "ex8-midterm" and stored["path"] == str((student / "ex8-midterm.toml").resolve())


def test_grade_from_another_folder_against_the_teachers_copies(tmp_path, midterm):
    student, teacher = midterm
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.move(student / "ana.json", elsewhere / "ana.json")
    shutil.rmtree(student)  # the student's folder is not on the teacher's machine
    lost = tutor(tmp_path, "grade", "ana.json", cwd=elsewhere)
    assert lost.returncode == 2 and "ex8-midterm" in lost.stderr and "--exercises" in lost.stderr
    for given in (["--exercises", teacher], ["--exercise", teacher / "ex8-midterm.toml"]):
        graded = tutor(tmp_path, "grade", "ana.json", *given, cwd=elsewhere)
        assert graded.returncode == 0, graded.stdout + graded.stderr
        assert "ana" in graded.stdout and "ok" in graded.stdout
    # found by fingerprint even under another name
    renamed = tmp_path / "renamed"
    renamed.mkdir()
    shutil.copy(teacher / "ex8-midterm.toml", renamed / "midterm-v1.toml")
    graded = json.loads(tutor(tmp_path, "grade", "ana.json", "--exercises", renamed, "--json", cwd=elsewhere).stdout)
    assert graded["results"][0]["tampered"] is False


def test_grading_with_teacher_copies_never_uses_the_learners_exercise_file(tmp_path, midterm):
    """The learner edits the exercise so that their wrong L is right: graded against the teacher's copy."""
    student, teacher = midterm
    honest = json.loads(tutor(tmp_path, "grade", student / "ana.json", "--exercises", teacher, "--json").stdout)
    own = student / "ex8-midterm.toml"
    own.write_text(own.read_text(encoding="utf-8").replace("y = 1\n", "y = 0.2355\n"), encoding="utf-8")
    cheat = tutor(
        tmp_path,
        "check",
        own,
        student / "answers.toml",
        "--transcript",
        student / "cheat.json",
        "--learner",
        "ana",
        "--json",
    )
    claimed = {item["quantity"]: item["verdict"] for item in json.loads(cheat.stdout)["items"]}
    assert claimed["value.L"] == "correct"  # right against the learner's own copy
    graded = tutor(tmp_path, "grade", student / "cheat.json", "--exercises", teacher, "--json")
    (entry,) = json.loads(graded.stdout)["results"]
    assert entry["line"] == honest["results"][0]["line"]
    assert {item["quantity"]: item["verdict"] for item in entry["items"]}["value.L"] == "wrong"
    assert entry["tampered"] is True
    assert "the exercise file differs from the one the learner worked on" in entry["differences"]


# -- tutor export of a teacher's own exercise -----------------------------------------------------


def test_export_of_a_teachers_exercise_by_path_from_any_folder_and_by_name(tmp_path, monkeypatch):
    home = tmp_path / "home"
    work = tmp_path / "work"
    exercise = fewer_steps_exercise(work / "ex8-midterm.toml")
    monkeypatch.chdir(work)  # `tutor run ex8-midterm.toml` in the teacher's folder: the path is saved as typed
    session = Session(load_exercise(Path("ex8-midterm.toml")), store=ProgressStore(home))
    session.answer(format_value(session.checker.expected(session.step.quantity), 6))
    other = tmp_path / "other"
    other.mkdir()
    by_path = tutor(home, "export", exercise, "--format", "json", cwd=other)
    assert by_path.returncode == 0, by_path.stderr
    transcript = json.loads(by_path.stdout)
    assert transcript["exercise"]["name"] == "ex8-midterm" and transcript["score"]["points"] == 1.0
    by_name = tutor(home, "export", "ex8-midterm", "--format", "json", cwd=other)
    assert by_name.returncode == 0, by_name.stderr
    assert json.loads(by_name.stdout)["score"]["points"] == 1.0


# -- Gradescope -------------------------------------------------------------------------------------


def test_three_students_get_three_results_files(tmp_path):
    transcripts = []
    for learner, kind in (("ana", "correct"), ("ben", "student"), ("../cy", "correct")):
        path = tmp_path / f"{len(transcripts)}.json"
        tutor(
            tmp_path, "check", SEED_001, SEEDS / f"{SEED_001}.{kind}.toml", "--transcript", path, "--learner", learner
        )
        transcripts.append(path)
    result = tutor(tmp_path, "grade", *transcripts, "--gradescope", tmp_path / "gradescope")
    assert result.returncode == 0, result.stderr
    written = sorted(
        path.relative_to(tmp_path / "gradescope").as_posix() for path in (tmp_path / "gradescope").rglob("results.json")
    )
    assert written == ["ana/results.json", "ben/results.json", "cy/results.json"]  # no folder escapes
    for learner in ("ana", "ben", "cy"):
        results = json.loads((tmp_path / "gradescope" / learner / "results.json").read_text(encoding="utf-8"))
        gradescope_schema(results)
        assert len(results["tests"]) == STEPS_001
    ben = json.loads((tmp_path / "gradescope" / "ben" / "results.json").read_text(encoding="utf-8"))
    assert ben["score"] < STEPS_001 and "answered right" in ben["output"]
    one = tutor(tmp_path, "grade", transcripts[0], "--gradescope", tmp_path / "one" / "results.json")
    assert one.returncode == 0
    gradescope_schema(json.loads((tmp_path / "one" / "results.json").read_text(encoding="utf-8")))
    clash = tutor(tmp_path, "grade", *transcripts, "--gradescope", tmp_path / "one" / "results.json")
    assert clash.returncode == 2 and "3 learners" in clash.stderr


def test_a_repeated_submission_counts_the_latest_or_with_best_the_best(tmp_path):
    first = tmp_path / "first.json"
    later = tmp_path / "later.json"
    tutor(tmp_path, "check", SEED_001, SEEDS / f"{SEED_001}.correct.toml", "--transcript", first, "--learner", "ana")
    tutor(tmp_path, "check", SEED_001, write(tmp_path / "a.toml", HALF_DONE), "--transcript", later, "--learner", "ana")
    for order in ((first, later), (later, first)):
        result = tutor(
            tmp_path, "grade", *order, "--gradescope", tmp_path / "results.json", "--csv", tmp_path / "g.csv"
        )
        assert result.returncode == 0
        assert "ana: 6 of 25 points over 1 exercise(s)" in result.stdout  # the latest, never a sum
        assert "not counted: a later one is" in result.stdout
        assert json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))["score"] == 6.0
        rows = (tmp_path / "g.csv").read_text(encoding="utf-8").splitlines()[1:]
        assert sorted(row.rsplit(",", 1)[1] for row in rows) == ["no", "yes"]
    best = tutor(tmp_path, "grade", first, later, "--best", "--gradescope", tmp_path / "results.json")
    assert "ana: 25 of 25 points over 1 exercise(s)" in best.stdout
    assert json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))["score"] == STEPS_001


@pytest.fixture
def autograder(tmp_path):
    """`tutor gradescope` built an archive; it is unpacked as Gradescope does, into ROOT/source."""
    archive = tmp_path / "autograder.zip"
    built = tutor(tmp_path, "gradescope", SEED_001, "jacobian-df", "-o", archive)
    assert built.returncode == 0, built.stderr
    root = tmp_path / "root"
    with zipfile.ZipFile(archive) as unpacked:
        names = set(unpacked.namelist())
        unpacked.extractall(root / "source")
        modes = {info.filename: info.external_attr >> 16 for info in unpacked.infolist()}
    assert {"setup.sh", "run_autograder", f"exercises/{SEED_001}.toml", "exercises/jacobian-df.toml"} <= names
    assert modes["run_autograder"] & 0o111 and modes["setup.sh"] & 0o111
    return root


def test_the_archives_run_autograder_grades_an_answers_file_submission(autograder):
    write(autograder / "submission" / f"{SEED_001}.toml", HALF_DONE + 'L = "1"\n')  # dL/dL is not asked
    results = run_autograder(autograder)
    gradescope_schema(results)
    jacobian_steps = len(Session(resolve_exercise("jacobian-df")).steps)
    assert len(results["tests"]) == STEPS_001 + jacobian_steps  # every step of both exercises
    assert results["score"] == 6.0
    assert f"{SEED_001}: 6 of 7 answered right; 6 of the exercise's {STEPS_001} steps" in results["output"]
    assert "jacobian-df: nothing submitted" in results["output"]
    assert f"{SEED_001}.toml: grad.L is not asked by {SEED_001}: not counted" in results["output"]
    yhat = next(test for test in results["tests"] if test["name"] == f"{SEED_001}: yhat")
    assert yhat["score"] == 1 and yhat["max_score"] == 1 and "0.9427" in yhat["output"]


def test_the_archives_run_autograder_grades_the_latest_transcript(tmp_path, autograder):
    submission = autograder / "submission"
    tutor(tmp_path, "check", SEED_001, SEEDS / f"{SEED_001}.correct.toml", "--transcript", submission / "a.json")
    tutor(tmp_path, "check", SEED_001, write(tmp_path / "a.toml", HALF_DONE), "--transcript", submission / "b.json")
    write(submission / "notes.json", "{not json")
    other = "linear-regression-graph"  # a catalog exercise, but not one of this assignment
    tutor(tmp_path, "check", other, SEEDS / f"{other}.correct.toml", "--transcript", submission / "c.json")
    results = run_autograder(autograder)
    gradescope_schema(results)
    assert results["score"] == 6.0  # the later of two, not their sum
    assert "notes.json: is damaged" in results["output"]
    assert f"c.json: {other} is not an exercise of this assignment: not counted" in results["output"]
    assert not any(test["name"].startswith(other) for test in results["tests"])
    assert "1 other submission(s) of the same exercise not counted (the latest one is)" in results["output"]


def test_the_archive_installs_its_own_wheel_a_given_package_or_a_requirement(tmp_path):
    archive = tmp_path / "a.zip"
    assert tutor(tmp_path, "gradescope", SEED_001, "-o", archive).returncode == 0
    with zipfile.ZipFile(archive) as unpacked:
        setup = unpacked.read("setup.sh").decode()
        bundled = [name for name in unpacked.namelist() if name.endswith(".whl")]
        own = unpacked.read(bundled[0])
    assert bundled == [f"backprop_tutor-{__version__}-py3-none-any.whl"] and f"pip install ./{bundled[0]}" in setup
    with zipfile.ZipFile(io.BytesIO(own)) as wheel:  # a wheel pip accepts: every file in RECORD with its hash
        info = f"backprop_tutor-{__version__}.dist-info"
        record = dict(line.split(",", 1) for line in wheel.read(f"{info}/RECORD").decode().splitlines())
        assert set(record) == set(wheel.namelist())
        for name in wheel.namelist():
            if name != f"{info}/RECORD":
                digest = base64.urlsafe_b64encode(hashlib.sha256(wheel.read(name)).digest()).rstrip(b"=").decode()
                assert record[name] == f"sha256={digest},{len(wheel.read(name))}", name
        metadata = wheel.read(f"{info}/METADATA").decode()
        assert "Requires-Dist: textual==" in metadata and "extra ==" not in metadata  # the test extra stays out
        assert "tutor = tutor.cli.main:main" in wheel.read(f"{info}/entry_points.txt").decode()
        modules = {name for name in wheel.namelist() if name.endswith(".py")}
        package = Path(tutor_package.__file__).parent
        assert {f"tutor/{path.relative_to(package).as_posix()}" for path in package.rglob("*.py")} <= modules
        assert {f"tutor/catalog/{name}.toml" for name in catalog_names()} <= set(wheel.namelist())
    assert tutor(tmp_path, "gradescope", SEED_001, "-o", archive, "--requirement", "backprop-tutor==9").returncode == 0
    with zipfile.ZipFile(archive) as unpacked:
        assert "pip install backprop-tutor==9" in unpacked.read("setup.sh").decode()
        assert not [name for name in unpacked.namelist() if name.endswith(".whl")]
    wheel = write(tmp_path / "backprop_tutor-0.1.0-py3-none-any.whl", "a wheel")
    assert tutor(tmp_path, "gradescope", SEED_001, "-o", archive, "--package", wheel).returncode == 0
    with zipfile.ZipFile(archive) as unpacked:
        assert wheel.name in unpacked.namelist()
        assert f"pip install ./{wheel.name}" in unpacked.read("setup.sh").decode()
    refused = tutor(tmp_path, "gradescope", SEED_001, "-o", archive, "--package", tmp_path / "nothing.txt")
    assert refused.returncode == 2 and "wheel or sdist" in refused.stderr
