"""The session: everything a learner can do in the TUI, done on the object directly."""

from __future__ import annotations

import json
import textwrap

import numpy as np
import pytest

from tutor.engine.formatting import format_value
from tutor.exercise import parse_exercise, resolve_exercise
from tutor.session import CORRECT, EXAM, OPEN, REVEALED, ProgressStore, Session, SessionError

SEED_001 = "sigmoid-neuron-mse"


def right_answer(session: Session) -> str:
    """The right answer to the current step, typed as a learner would (6 significant figures)."""
    return format_value(session.checker.expected(session.step.quantity), 6)


@pytest.fixture
def store(tmp_path):
    return ProgressStore(tmp_path)


def test_practice_walk_forward_then_backward(store):
    session = Session(resolve_exercise(SEED_001), store=store)
    kinds = [step.quantity.kind for step in session.steps]
    assert kinds[0] == "value" and "grad" in kinds
    # the forward pass comes first, in evaluation order, then the backward pass
    first_backward = kinds.index("local") if "local" in kinds else kinds.index("grad")
    assert all(kind == "value" for kind in kinds[:first_backward])
    assert session.steps[0].prompt.startswith("the value of")
    while not session.finished:
        verdict = session.answer(right_answer(session))
        assert verdict.correct, (session.step.prompt, verdict.message)
    summary = session.summary()
    assert summary.first_try == summary.total == len(session.steps)
    assert summary.score == summary.total


def test_wrong_answers_are_retried_and_cost_points(store):
    session = Session(resolve_exercise(SEED_001), store=store)
    verdict = session.answer("12345")
    assert not verdict.correct and verdict.readable
    assert session.index == 0 and session.state.wrong_attempts == 1
    unreadable = session.answer("2x")
    assert not unreadable.readable and "2*x" in unreadable.message
    assert session.state.wrong_attempts == 1  # an unreadable answer is not a try
    assert session.answer(right_answer(session)).correct
    assert session.index == 1
    assert session.states[0].status == CORRECT
    assert session.summary().after_retries == 1
    assert session.summary().score == pytest.approx(0.75)


def test_hints_go_from_general_to_the_answer_and_reveal_marks_the_step(store):
    session = Session(resolve_exercise(SEED_001), store=store)
    ladder = session.hint_ladder()
    assert len(ladder) >= 3
    shown = [session.hint() for _ in ladder]
    assert shown == ladder
    assert session.hint() is None  # the ladder has an end
    expected = format_value(session.checker.expected(session.step.quantity))
    assert expected in ladder[-1]
    text = session.reveal()
    assert expected in text
    assert session.states[0].status == REVEALED
    assert session.summary().revealed == 1
    with pytest.raises(SessionError):
        session.answer("0.8")  # a revealed step is done


def test_the_last_hint_rung_is_the_answer_and_reveals_the_step_as_f3_does(store):
    """Issue 14: in practice the right value comes only from a reveal; the last rung is one (credit 0, not 0.25)."""
    session = Session(resolve_exercise(SEED_001), store=store)
    expected = format_value(session.checker.expected(session.step.quantity))
    wrong = session.answer("0.5")
    assert not wrong.correct and expected not in wrong.message and expected not in session.verdict_message(0)
    ladder = session.hint_ladder()
    for rung in ladder[:-1]:
        assert session.hint() == rung
        assert session.state.status == "open"
    assert session.hint() == ladder[-1] and expected in ladder[-1]
    assert session.states[0].status == REVEALED and session.practice_credit(session.states[0]) == 0
    assert session.summary().revealed == 1 and session.index == 0  # still on it: the answer is on screen
    with pytest.raises(SessionError):
        session.answer(expected)  # typing the value back earns nothing more
    regraded = Session(resolve_exercise(SEED_001))
    regraded.replay(session.events)  # a re-grade replays the same hint events to the same verdict
    assert regraded.states[0].status == REVEALED and regraded.summary().score == session.summary().score


def test_moving_back_to_review_an_earlier_step(store):
    session = Session(resolve_exercise(SEED_001), store=store)
    session.answer(right_answer(session))
    session.answer(right_answer(session))
    assert session.index == 2
    session.previous_step()
    assert session.index == 1 and session.state.status == CORRECT
    session.next_step()
    assert session.index == 2 and session.state.status == OPEN


def test_progress_is_saved_after_every_answer_and_resumes(store):
    exercise = resolve_exercise(SEED_001)
    session = Session(exercise, store=store)
    session.answer(right_answer(session))
    session.answer("999")
    session.hint()
    saved = json.loads(session.progress_file.read_text())
    assert [event["type"] for event in saved["events"]].count("answer") == 2
    assert saved["done"] == 1
    resumed = Session(resolve_exercise(SEED_001), store=store)
    assert resumed.index == 1
    assert resumed.states[0].status == CORRECT
    assert resumed.states[1].wrong_attempts == 1 and resumed.states[1].hints_shown == 1
    assert resumed.events == session.events
    assert resumed.notice is None


def test_saved_verdicts_are_not_trusted_on_resume(store):
    session = Session(resolve_exercise(SEED_001), store=store)
    session.answer("999")  # wrong
    data = json.loads(session.progress_file.read_text())
    for event in data["events"]:
        if event["type"] == "answer":
            event["verdict"] = "correct"  # tampered
    session.progress_file.write_text(json.dumps(data))
    resumed = Session(resolve_exercise(SEED_001), store=store)
    assert resumed.states[0].status == OPEN and resumed.states[0].wrong_attempts == 1


@pytest.mark.parametrize(
    "content, reason",
    [
        ("{not json", "damaged"),
        (json.dumps({"format": "something-else"}), "not a backprop-tutor progress file"),
        (json.dumps({"format": "backprop-tutor-progress", "version": 99, "events": []}), "newer version"),
        (
            json.dumps(
                {
                    "format": "backprop-tutor-progress",
                    "version": 1,
                    "events": [{"time": 0, "type": "answer", "step": "value.nope", "text": "1"}],
                }
            ),
            "does not fit",
        ),
    ],
)
def test_a_corrupt_or_foreign_progress_file_is_set_aside(store, content, reason):
    exercise = resolve_exercise(SEED_001)
    path = store.path_for(exercise.name, exercise.path, "practice")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content)
    session = Session(exercise, store=store)
    assert session.notice is not None and reason in session.notice
    assert session.index == 0
    kept = list(path.parent.glob("*.set-aside-*.json"))
    assert len(kept) == 1 and kept[0].read_text() == content  # nothing is lost


def test_saving_is_atomic_no_temporary_files_left(store):
    session = Session(resolve_exercise(SEED_001), store=store)
    for _ in range(3):
        session.answer(right_answer(session))
    assert [path.name for path in session.progress_file.parent.iterdir()] == [session.progress_file.name]


def test_exam_mode_grades_at_the_end_with_error_carried_forward(store):
    session = Session(resolve_exercise(SEED_001), mode=EXAM, store=store)
    with pytest.raises(SessionError):
        session.hint()
    with pytest.raises(SessionError):
        session.reveal()
    answers = {}
    while session.first_open() is not None:
        text = right_answer(session)
        answers[str(session.step.quantity)] = text
        verdict = session.answer(text)
        assert verdict.readable
    # nothing is graded until the exam is submitted, and answers can still be changed
    assert all(state.verdict is None for state in session.states)
    session.go_to(0)
    session.answer("0.1")
    report = session.submit()
    assert len(report) == len(session.steps)
    assert not report[0].verdict.correct and report[0].credit == 0
    assert all(item.verdict.correct for item in report[1:])
    assert session.summary().score == len(session.steps) - 1
    with pytest.raises(SessionError):
        session.answer("1")


def test_exam_partial_credit_per_element():
    exercise = resolve_exercise("network-3-2-1-sigmoid")
    session = Session(exercise, mode=EXAM)
    vector_step = next(index for index, step in enumerate(session.steps) if len(step.shape) == 1 and step.shape[0] == 2)
    session.go_to(vector_step)
    expected = session.checker.expected(session.step.quantity)
    session.answer(f"[{format_value(expected[0], 6)}, {format_value(expected[1] * 3 + 1, 6)}]")
    report = session.submit()
    assert report[vector_step].credit == pytest.approx(0.5)


def test_exam_time_limit_counts_down():
    now = [1000.0]
    session = Session(resolve_exercise(SEED_001), mode=EXAM, clock=lambda: now[0], time_limit=60)
    assert session.time_left() == 60
    now[0] += 45
    assert session.time_left() == 15
    now[0] += 100
    assert session.time_left() == 0


def test_preview_says_how_the_answer_is_read():
    session = Session(resolve_exercise(SEED_001))
    assert session.preview("2*(0.94 - 1)") == "Read as 2*(0.94 - 1) = -0.12"
    assert "decimal point" in session.preview("0,94")
    assert session.preview("2x").startswith("Cannot read this yet")
    assert session.preview("") == ""


def test_preview_reads_numpys_printed_vector_as_the_elements_of_the_vector_asked():
    session = Session(resolve_exercise("network-3-2-1-sigmoid"))
    session.go_to(next(i for i, step in enumerate(session.steps) if step.quantity.name == "z2"))
    assert session.preview("[0.21 -0.24]") == "Read as [0.21, -0.24] (read the spaces as separating elements)"


def test_batch_and_update_exercises_can_be_walked_to_the_end():
    for name in ("net-2-3-1-batch", "network-3-2-1-sigmoid"):
        session = Session(resolve_exercise(name))
        while not session.finished:
            assert session.answer(right_answer(session)).correct, session.step.prompt
        kinds = {step.quantity.kind for step in session.steps}
        if name == "network-3-2-1-sigmoid":
            assert {"update", "after"} <= kinds
        assert np.isfinite(session.summary().score)


def test_saved_progress_is_readable_like_any_file_the_user_makes(store):
    """Written through a private temporary file, then given the permissions of the user's umask."""
    import os
    import stat

    session = Session(resolve_exercise("sigmoid-neuron-mse"), store=store)
    session.answer("1")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(session.progress_file.stat().st_mode) == 0o666 & ~umask


def test_a_right_step_that_earned_less_than_its_points_says_why():
    exercise = parse_exercise(
        textwrap.dedent("""
        title = "rounded early"
        carried_forward_credit = 0.5
        [points]
        value = 2
        [inputs]
        x = 2.8
        y = 1
        [graph]
        yhat = "sigmoid(x)"
        L = "(yhat - y)^2"
    """),
        None,
        "rounded-early",
    )
    session = Session(exercise)
    assert session.answer("0.94").correct  # within 0.5% of 0.9427
    assert session.credit_note(0) == ""
    verdict = session.answer("0.0036")  # (0.94 - 1)^2: right only from the learner's rounded yhat
    assert verdict.correct and verdict.carried_forward
    assert session.credit_note(1) == "1 of 2 points, worked from your own earlier answers"
    session.go_to(2)
    assert not session.answer("5").correct
    assert session.answer("-0.12").correct  # dL/dyhat = 2(0.94 - 1), from the learner's yhat again
    assert session.credit_note(2) == "0.375 of 1 point, one wrong try before, worked from your own earlier answers"
    # the credit, without the exact value: it would give away dL/dyhat's factors (issue 14)
    assert session.verdict_message(2) == f"Correct: {session.credit_note(2)}."
    assert session.verdict_message(0) == "Correct."  # full points: the checker's own words


def test_blank_count_is_the_steps_not_answered_yet():
    exam = Session(resolve_exercise(SEED_001), mode=EXAM)
    total = len(exam.steps)
    assert exam.blank_count == total
    exam.answer("5")  # a wrong answer is an answer: an exam grades it only when submitted
    exam.answer(right_answer(exam))
    assert exam.blank_count == total - 2
    practice = Session(resolve_exercise(SEED_001))
    assert not practice.answer("5").correct  # a wrong try leaves the step open
    assert practice.blank_count == total
    practice.reveal()
    assert practice.blank_count == total - 1
    assert practice.verdict_message(1) == ""  # nothing answered there yet
