"""Two windows on one exercise lose nothing (issue 13, item 1): the window that works an exercise is the one
writer of its progress file, and a second window is refused with a notice that says so, until the first one
is closed. A Session test, a Pilot test, and two real terminals under tmux sharing one BACKPROP_TUTOR_HOME."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tutor.exercise import resolve_exercise
from tutor.session import OpenElsewhere, ProgressStore, Session
from tutor.tui.app import TutorApp
from tutor.tui.screens.catalog import CatalogScreen
from tutor.tui.screens.exercise import ExerciseScreen
from tutor_testing import (
    paste_in_terminal,
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


def test_a_second_exclusive_session_is_refused_until_the_first_is_closed(tmp_path: Path):
    exercise = resolve_exercise(SEED_001)
    first = Session(exercise, store=ProgressStore(tmp_path), exclusive=True)
    first.answer("0.8")
    with pytest.raises(OpenElsewhere, match=r"'Sigmoid neuron with squared error' \(practice\) is open in another"):
        Session(exercise, store=ProgressStore(tmp_path), exclusive=True)
    Session(exercise, mode="exam", store=ProgressStore(tmp_path), exclusive=True).close()  # the exam is its own file
    first.answer("1.4")
    first.close()
    second = Session(exercise, store=ProgressStore(tmp_path), exclusive=True)
    assert second.index == 2 and second.states[1].answer == "1.4"  # it joins with every answer of the first
    second.close()


def test_the_tutor_opens_the_catalog_with_a_notice_when_the_exercise_is_open_elsewhere(tmp_path: Path):
    other = Session(resolve_exercise(SEED_001), store=ProgressStore(tmp_path), exclusive=True)
    other.answer("0.8")

    async def scenario():
        app = TutorApp(SEED_001, store=ProgressStore(tmp_path))
        async with app.run_test(size=(100, 30), notifications=True) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, CatalogScreen)
            (notice,) = [note for note in app._notifications if note.title == "Open in another window"]
            assert "is open in another tutor window" in notice.message
        other.close()
        app = TutorApp(SEED_001, store=ProgressStore(tmp_path))
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, ExerciseScreen) and app.screen.session.index == 1

    run(scenario())
    assert answers_in(other.progress_file) == ["0.8"]


def test_two_terminals_on_one_exercise_lose_no_answer(tmp_path: Path):
    """The issue's reproduction: three answers in the first window, then the second window opens the same
    exercise; after both quit, all three answers are saved, and the exercise is free to open again, after them
    (the tutor opening a session at the step it was left at: the Pilot test above)."""
    home = tmp_path / "home"
    command = ("run", SEED_001, "--learner", "Tester")
    first, second = f"first-{tmp_path.name}", f"second-{tmp_path.name}"
    walk = Session(resolve_exercise(SEED_001))
    try:
        start_tutor(first, *command, home=home, size=(100, 30))
        wait_for(first, "Your answer")
        for number in (2, 3, 4):
            paste_in_terminal(first, right_answer(walk))
            walk.answer(right_answer(walk))
            wait_for(first, f"step {number} of 25")
        start_tutor(second, *command, home=home, size=(100, 30))
        wait_for_all(second, ["Open in another window", "is open in another tutor", "backprop-tutor — catalog"])
        tmux("send-keys", "-t", second, "C-q")
        tmux("send-keys", "-t", first, "C-q")
        for session in (first, second):
            wait_until_ended(session)
        (progress,) = (home / "progress").glob("*.json")
        assert answers_in(progress) == ["0.8", "1.4", "2.8"]
        # neither window holds the exercise once both have quit: it opens again, after the first one's answers
        again = Session(resolve_exercise(SEED_001), store=ProgressStore(home), exclusive=True)
        assert again.index == 3
        again.close()
    finally:
        for session in (first, second):
            tmux("kill-session", "-t", session, check=False)


def test_a_second_window_on_an_unfinished_exam_is_refused_before_it_asks_to_resume(tmp_path: Path):
    other = Session(resolve_exercise(SEED_001), mode="exam", store=ProgressStore(tmp_path), exclusive=True)
    other.answer("0.8")  # an unfinished exam, open in the other window

    async def scenario():
        app = TutorApp(store=ProgressStore(tmp_path))
        async with app.run_test(size=(100, 30), notifications=True) as pilot:
            await pilot.pause()
            app.open_exercise(SEED_001, "exam")
            await pilot.pause()
            assert isinstance(app.screen, CatalogScreen)  # no "resume or start over?" first
            (notice,) = [note for note in app._notifications if note.title == "Open in another window"]
            assert "(exam) is open in another tutor window" in notice.message

    run(scenario())
    other.close()
    assert answers_in(other.progress_file) == ["0.8"]
