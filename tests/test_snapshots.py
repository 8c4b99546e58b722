"""Snapshot tests of the screens (pytest-textual-snapshot; Textual is pinned so they stay stable).

Update them deliberately with `python -m pytest tests/test_snapshots.py --snapshot-update` and
look at the report before committing.
"""

from __future__ import annotations

from textual.widgets import Input

from tutor.engine.formatting import format_value
from tutor.exercise import resolve_exercise
from tutor.session import EXAM, PRACTICE, ProgressStore, Session
from tutor.tui.app import TutorApp
from tutor.tui.screens.help import ResumeExamScreen
from tutor_testing import settled


def freeze_cursor(pilot):
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False


async def settle(pilot):
    await settled(pilot)
    freeze_cursor(pilot)


def answer_steps(count: int):
    async def run_before(pilot):
        await settle(pilot)  # the learner model as the exercise opens: before any answer
        screen = pilot.app.screen
        for _ in range(count):
            session = screen.session
            if session.finished:
                break
            screen.query_one("#answer", Input).value = format_value(session.checker.expected(session.step.quantity), 6)
            await pilot.press("enter")
            await pilot.pause()
        await settle(pilot)

    return run_before


def answered_before(
    store: ProgressStore, name: str, count: int, mode: str = PRACTICE, wrong: dict[str, str] | None = None
) -> None:
    """The first ``count`` steps of ``name`` answered (right, or as ``wrong`` says by step) and saved, as in an
    earlier window at time 0: the app resumes there, so a snapshot deep into an exercise does not draw every
    step before it."""
    session = Session(resolve_exercise(name), mode=mode, store=store, clock=lambda: 0.0)
    for _ in range(count):
        expected = format_value(session.checker.expected(session.step.quantity), 6)
        session.answer((wrong or {}).get(str(session.step.quantity), expected))
    session.close()


def test_catalog(snap_compare, tmp_path):
    async def run_before(pilot):
        await settle(pilot)

    assert snap_compare(TutorApp(store=ProgressStore(tmp_path)), terminal_size=(100, 30), run_before=run_before)


def test_exercise_mid_forward(snap_compare, tmp_path):
    app = TutorApp("sigmoid-neuron-mse", store=ProgressStore(tmp_path))
    assert snap_compare(app, terminal_size=(80, 24), run_before=answer_steps(2))


def test_exercise_mid_backward(snap_compare, tmp_path):
    store = ProgressStore(tmp_path)
    answered_before(store, "sigmoid-neuron-mse", 8)  # the 9th through the screen: its feedback is shown
    app = TutorApp("sigmoid-neuron-mse", store=store)
    assert snap_compare(app, terminal_size=(100, 30), run_before=answer_steps(1))


def test_summary(snap_compare, tmp_path):
    store = ProgressStore(tmp_path)
    steps = len(Session(resolve_exercise("cs231n-add-multiply")).steps)
    answered_before(store, "cs231n-add-multiply", steps - 1)  # the last through the screen: it opens the summary
    app = TutorApp("cs231n-add-multiply", store=store, clock=lambda: 0.0)
    assert snap_compare(app, terminal_size=(80, 24), run_before=answer_steps(1))


def test_training_two_finished_runs_side_by_side(snap_compare, tmp_path, monkeypatch):
    from tutor.tui.screens import training
    from tutor.tui.screens.training import TrainingScreen

    # only the finished curves are drawn: each run trains to its end in one frame instead of 30 ms a frame
    # (test_training_tui shows a run spread over many frames draws and stops the same)
    monkeypatch.setattr(training, "FRAME_BUDGET", 600.0)

    async def run_before(pilot):
        await pilot.pause()
        pilot.app.open_training(resolve_exercise("xor-mlp"))
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, TrainingScreen)
        # 500 steps, not the exercise's 1000: rate 2 is all right by then and rate 0.5 still flat, as at 1000
        # (the whole default run, headless: test_training), for half the training
        screen.query_one("#steps", Input).value = "500"
        for rate in ("2", "0.5"):
            screen.query_one("#rate", Input).value = rate
            await pilot.press("f5")
            while screen.running:  # training is deterministic: the finished curves are always the same
                await pilot.pause(0.05)
        freeze_cursor(pilot)
        await pilot.pause()

    assert snap_compare(TutorApp(store=ProgressStore(tmp_path)), terminal_size=(100, 30), run_before=run_before)


def test_exam_report_with_wrong_answers_explained(snap_compare, tmp_path):
    """The report at 80x24: every column on screen, a wrong answer's explanation wrapped, not cut."""
    wrong = {"local.yhat.z": "0.9427", "grad.z": "-0.06"}

    store = ProgressStore(tmp_path)
    steps = len(Session(resolve_exercise("sigmoid-neuron-mse")).steps)
    # the last step left blank; the one before it answered through the screen: its feedback is shown
    answered_before(store, "sigmoid-neuron-mse", steps - 2, mode=EXAM, wrong=wrong)

    async def run_before(pilot):
        await pilot.pause()
        assert isinstance(pilot.app.screen, ResumeExamScreen)
        await pilot.press("enter")  # resume
        await answer_steps(1)(pilot)
        await pilot.press("f9")
        await pilot.pause()
        await pilot.press(*["down"] * 7)  # onto the first wrong answer
        await pilot.pause()

    app = TutorApp("sigmoid-neuron-mse", mode="exam", store=store, clock=lambda: 0.0)
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_learner_name_prompt(snap_compare, tmp_path):
    """F7 in the catalog at 80 columns: the name prompt over the catalog, whose Footer shows the Name key."""
    store = ProgressStore(tmp_path)
    store.save_learner("Ada Lovelace")  # a stored name: the login name would differ from machine to machine

    async def run_before(pilot):
        await pilot.pause()
        await pilot.press("f7")
        await settle(pilot)

    assert snap_compare(TutorApp(store=store), terminal_size=(80, 24), run_before=run_before)


def test_given_numbers_on_a_matrix_step(snap_compare, tmp_path):
    app = TutorApp("network-3-2-1-sigmoid", store=ProgressStore(tmp_path))
    assert snap_compare(app, terminal_size=(80, 24), run_before=answer_steps(0))


def test_given_numbers_on_an_update_step(snap_compare, tmp_path):
    store = ProgressStore(tmp_path)
    answered_before(store, "network-3-2-1-sigmoid", 23)  # the 24th through the screen: its feedback is shown
    app = TutorApp("network-3-2-1-sigmoid", store=store)
    assert snap_compare(app, terminal_size=(80, 24), run_before=answer_steps(1))  # the new W2


def test_inspector(snap_compare, tmp_path):
    async def run_before(pilot):
        await answer_steps(1)(pilot)
        await pilot.press("f7")
        await pilot.pause()

    app = TutorApp("network-3-2-1-sigmoid", store=ProgressStore(tmp_path))
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_exam_asks_before_submitting_blank_steps(snap_compare, tmp_path):
    async def run_before(pilot):
        await answer_steps(1)(pilot)
        await pilot.press("f9")
        await pilot.pause()

    app = TutorApp("sigmoid-neuron-mse", mode="exam", store=ProgressStore(tmp_path))
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
