"""A save that fails never crashes the tutor and loses no answer (issue 13, item 4): the session keeps every
event in memory, the TUI says where and why, and the next answer saves them all. In Pilot with the folder
made unusable (BACKPROP_TUTOR_HOME a file, the progress folder a file), and in a real terminal: the tutor
started on a home that is a file, and a write that fails for want of room (a file-size limit: the disk
"full" for this program only)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tutor.exercise import resolve_exercise
from tutor.session import ProgressStore, Session
from tutor.tui.app import TutorApp
from tutor.tui.screens.exercise import ExerciseScreen
from tutor_testing import (
    capture,
    paste_answer,
    program_ended,
    right_answer,
    run,
    start_tutor,
    tmux,
    wait_for,
    wait_for_all,
    wait_until_ended,
)

SEED_001 = "sigmoid-neuron-mse"


def answers_in(progress: Path) -> list[str]:
    data = json.loads(progress.read_text(encoding="utf-8"))
    return [event["text"] for event in data["events"] if event["type"] == "answer"]


def test_a_session_keeps_its_answers_when_a_save_fails_and_saves_them_all_at_the_next(tmp_path: Path):
    home = tmp_path / "home"
    home.write_text("a file where the data folder should be")
    told: list[str | None] = []
    session = Session(resolve_exercise(SEED_001), store=ProgressStore(home), on_save=told.append)
    session.answer("0.8")
    session.answer("12345")
    assert session.save_problem is not None and told == [session.save_problem] * 2
    assert f"cannot save {home}/progress/" in session.save_problem and "not a directory" in session.save_problem
    assert [event["text"] for event in session.events if event["type"] == "answer"] == ["0.8", "12345"]
    home.unlink()
    session.hint()
    assert session.save_problem is None and told[-1] is None
    assert session.progress_file is not None and answers_in(session.progress_file) == ["0.8", "12345"]


def test_the_tutor_says_where_and_why_once_and_again_when_saving_works(tmp_path: Path):
    home = tmp_path / "home"
    (home / "progress").mkdir(parents=True)
    store = ProgressStore(home)

    async def scenario():
        app = TutorApp(SEED_001, store=store)
        async with app.run_test(size=(100, 30), notifications=True) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, ExerciseScreen)
            progress = screen.session.progress_file
            shutil.rmtree(home / "progress")  # with the window's lock file in it
            (home / "progress").write_text("not a folder")  # the folder taken away under the running tutor
            await paste_answer(pilot, right_answer(screen.session))
            await paste_answer(pilot, "12345")
            problems = [note for note in app._notifications if note.title == "Not saved"]
            assert len(problems) == 1, "a failure that goes on is said once"
            assert f"cannot save {progress}: cannot make the folder {home / 'progress'}: a file has its name" in (
                problems[0].message
            )
            assert "tried again after your next answer" in problems[0].message
            assert screen.session.state.wrong_attempts == 1  # the tutor goes on as usual
            (home / "progress").unlink()
            await paste_answer(pilot, right_answer(screen.session))
            assert list(app._notifications)[-1].message == "Your progress is saved again."
            texts = answers_in(progress)
            assert texts[1] == "12345" and len(texts) == 3

    run(scenario())


def test_the_program_started_on_a_home_that_is_a_file_runs_and_says_why_nothing_is_saved(tmp_path: Path):
    home = tmp_path / "home"
    home.write_text("a file")
    session = f"home-file-{tmp_path.name}"
    start_tutor(session, "run", SEED_001, "--learner", "Tester", home=home, size=(120, 30))
    try:
        wait_for(session, "Reveal")  # the footer: the notice that the name cannot be kept hides the field a while
        tmux("send-keys", "-t", session, "0.8", "Enter")
        wait_for_all(session, ["Not saved", "not a directory"])
        assert not program_ended(session), capture(session)
        tmux("send-keys", "-t", session, "C-q")
        wait_until_ended(session)
        last = tmux("capture-pane", "-t", session, "-p", "-J", "-S", "-").stdout  # wrapped lines joined, history too
        assert "Traceback" not in last and "tutor: your latest answers are not saved: cannot save" in last, last
    finally:
        tmux("kill-session", "-t", session, check=False)


def test_a_write_that_fails_for_want_of_room_is_a_notice_not_a_crash(tmp_path: Path):
    """`ulimit -f 0`: every write of the program fails (EFBIG), as writes fail on a full disk (ENOSPC)."""
    home = tmp_path / "home"
    session = f"full-{tmp_path.name}"
    start_tutor(session, "run", SEED_001, "--learner", "Tester", home=home, size=(120, 30), before="ulimit -f 0")
    try:
        wait_for(session, "Reveal")  # the footer: the notice that the name cannot be kept hides the field a while
        tmux("send-keys", "-t", session, "0.8", "Enter")
        screen = wait_for_all(session, ["Not saved", "file too large", "p1 × = 0.8"])  # the answer is kept
        assert not program_ended(session) and "Traceback" not in screen
        assert not list(home.rglob("*.json")) and not list(home.rglob("*.tmp"))  # nothing half written
    finally:
        tmux("kill-session", "-t", session, check=False)


def test_a_progress_file_that_cannot_be_read_is_kept_and_said_not_a_crash(tmp_path: Path):
    """Reading fails (here a folder where the progress file should be; as root a mode-000 folder reads fine):
    the session starts afresh with a notice, and neither reading nor saving replaces what is there."""
    store = ProgressStore(tmp_path)
    exercise = resolve_exercise(SEED_001)
    progress = store.path_for(exercise.name, exercise.path, "practice")
    progress.mkdir(parents=True)
    session = Session(exercise, store=store)
    assert session.notice is not None and f"progress in {progress} cannot be read" in session.notice
    session.answer("0.8")
    assert session.save_problem == f"cannot save {progress}: it is a folder; give a file name"
    assert progress.is_dir() and session.states[0].answer == "0.8"
