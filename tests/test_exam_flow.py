"""Exams end to end: from the catalog (F8) to the report through Pilot, changing an answer before
submitting, the countdown that submits at zero, resuming or starting over, and the real program
killed with SIGKILL mid-exam under tmux, then its exam reopened: nothing but the answer being typed is lost."""

from __future__ import annotations

import html
import json
import os
import re
import signal
import sys
import time
import uuid
from pathlib import Path

import pytest
from textual.geometry import Region
from textual.widgets import DataTable, Input, Static
from textual.widgets._toast import Toast

from tutor.engine.formatting import format_value
from tutor.exercise import resolve_exercise
from tutor.session import EXAM, OpenElsewhere, ProgressStore, Session
from tutor.tui.app import TutorApp
from tutor.tui.screens.catalog import CatalogScreen
from tutor.tui.screens.confirm import ConfirmSubmitScreen
from tutor.tui.screens.exercise import ExerciseScreen
from tutor.tui.screens.help import ResumeExamScreen
from tutor.tui.screens.report import ExamReportScreen
from tutor.tui.screens.summary import SummaryScreen, format_seconds
from tutor_testing import TMUX, TUTOR, paste_answer, right_answer, run, start_tutor, text_of, tmux, wait_for

SEED_001 = "sigmoid-neuron-mse"


def exam_file(home: Path) -> Path:
    exercise = resolve_exercise(SEED_001)
    return ProgressStore(home).path_for(exercise.name, exercise.path, EXAM)


# -- Pilot --------------------------------------------------------------------------------------


def test_a_full_exam_from_the_catalog_to_the_report_and_its_transcripts(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # F6 writes to backprop-tutor-transcripts/ in the current directory

    async def scenario():
        app = TutorApp(store=ProgressStore(tmp_path / "home"))
        async with app.run_test(size=(100, 30), notifications=True) as pilot:
            await pilot.pause()
            catalog = app.screen
            assert isinstance(catalog, CatalogScreen)
            catalog.query_one("#filter", Input).value = "neuron"  # filtering as it is typed: test_tui's
            await pilot.pause()
            table = catalog.query_one("#exercises", DataTable)
            keys = [row.key.value for row in table.ordered_rows]
            assert SEED_001 in keys and len(keys) > 1
            for _ in range(keys.index(SEED_001)):
                await pilot.press("down")
            await pilot.pause()
            assert catalog.selected().name == SEED_001
            await pilot.press("f8")
            await pilot.pause()

            screen = app.screen
            assert isinstance(screen, ExerciseScreen)
            session = screen.session
            total = len(session.steps)
            assert session.mode == EXAM and screen.sub_title == "exam"
            assert "step 1 of" in text_of(screen, "#phase")
            shown = {binding.action for (_, binding, enabled, _) in screen.active_bindings.values() if enabled}
            assert "hint" not in shown and "reveal" not in shown  # not in the Footer either
            await pilot.press("f2", "f3")  # no hints and no reveal in an exam
            await pilot.pause()
            assert session.states[0].hints_shown == 0 and session.states[0].status == "open"

            await paste_answer(pilot, "0.5")  # step 1, wrong: changed below
            assert "Saved your answer" in text_of(screen, "#feedback")
            assert "step 2 of" in text_of(screen, "#phase")
            await paste_answer(pilot, "2x")  # unreadable: said at once, not saved
            assert "could not read" in text_of(screen, "#feedback")
            assert session.index == 1 and session.states[1].answer == ""
            await paste_answer(pilot, right_answer(session))  # step 2
            # steps 3 to total-1 (the fifth wrong) on the session the screen shows; the last one stays blank
            for _ in range(total - 3):
                session.answer("0.5" if session.index == 4 else right_answer(session))
            screen.sync()
            await pilot.pause()
            assert f"{total - 1}/{total} answered" in text_of(screen, "#score")
            assert all(state.verdict is None for state in session.states)  # nothing graded yet

            # back to step 1 (PageUp from step 2): the saved answer is shown and can be changed
            session.go_to(1)
            screen.sync()
            await pilot.press("pageup")
            await pilot.pause()
            assert session.index == 0
            assert screen.query_one("#answer", Input).value == "0.5"
            await paste_answer(pilot, "0.8")
            assert session.states[0].answer == "0.8"
            assert session.index == total - 1  # on to the one left blank

            saved = json.loads(exam_file(tmp_path / "home").read_text(encoding="utf-8"))
            assert not saved["finished"]
            assert [
                event["text"] for event in saved["events"] if event["type"] == "answer" and event["step"] == "value.p1"
            ] == ["0.5", "0.8"]

            await pilot.press("f9")  # one step is blank: the tutor asks first
            await pilot.pause()
            assert isinstance(app.screen, ConfirmSubmitScreen)
            assert f"1 of {total} step is still blank" in text_of(app.screen, "#confirm-text")
            await pilot.press("f9")  # submit anyway
            await pilot.pause()
            report = app.screen
            assert isinstance(report, ExamReportScreen)
            assert f"Exam score: {total - 2} of {total} ({100 * (total - 2) / total:.0f}%)" in text_of(
                report, "#report-score"
            )
            rows = report.query_one("#report", DataTable)
            assert rows.row_count == total
            first, fifth, last = ([str(cell) for cell in rows.get_row_at(index)] for index in (0, 4, total - 1))
            assert first[1] == "0.8" and first[2] == "✓ right"
            assert fifth[1] == "0.5" and fifth[2] == "✗ wrong"
            assert last[1] == "" and last[2] == "– blank"

            # F6 saves in a visible folder and names each file on a line of its own
            await pilot.press("f6")
            await pilot.pause()
            folder = tmp_path / "backprop-tutor-transcripts"
            written = sorted(folder.iterdir())
            assert [path.suffix for path in written] == [".html", ".json", ".md"]
            assert all(path.name.startswith(f"{SEED_001}-exam-") for path in written)
            transcript = json.loads(next(path for path in written if path.suffix == ".json").read_text("utf-8"))
            assert transcript["mode"] == "exam" and transcript["finished"] is True
            assert transcript["score"]["points"] == total - 2
            (notice,) = app._notifications
            assert notice.title == "Transcript saved"
            first, *files = notice.message.splitlines()
            assert first == "in ./backprop-tutor-transcripts/"  # the folder once, then one file per line
            assert sorted(files) == [path.name for path in written]
            for width in (80, 120):  # the same notice, the screen resized
                await pilot.resize_terminal(width, 24)
                await pilot.pause(0.2)
                (toast,) = app.screen.query(Toast)
                assert toast.content_region.width >= max(map(len, notice.message.splitlines())), (
                    f"a line of the notice would wrap at {width} columns, breaking a file name"
                )

            saved = json.loads(exam_file(tmp_path / "home").read_text(encoding="utf-8"))
            assert saved["finished"] is True and saved["events"][-1]["type"] == "submit"

            for path in written:
                path.unlink()
            folder.rmdir()
            folder.write_text("a file where the folder should be", encoding="utf-8")
            await pilot.press("f6")
            await pilot.pause()
            message = list(app._notifications)[-1].message
            assert message.startswith("Could not save the transcript: cannot save ") and str(folder) in message

    run(scenario())


WRONG_ANSWERS = {"local.yhat.z": "0.9427", "grad.z": "-0.06"}  # diagnosed: yhat for its derivative, a decimal slip


async def submit_two_wrong_and_the_last_blank(pilot) -> None:
    """Answered on the session the screen shows (the report is what is tested), then submitted with the keys."""
    screen = pilot.app.screen
    session = screen.session
    while session.first_open() not in (None, len(session.steps) - 1):
        session.answer(WRONG_ANSWERS.get(str(session.step.quantity), right_answer(session)))
    screen.sync()
    await pilot.pause()
    await pilot.press("f9")  # the last step is blank: the tutor asks first
    await pilot.pause()
    await pilot.press("f9")  # submit anyway
    await pilot.pause()


def why_column_on_screen(table: DataTable) -> str:
    """The words of the why column in the rows on screen, as the table draws them."""
    lines = [strip.text for strip in table.render_lines(Region(0, 0, table.size.width, table.size.height))]
    start = lines[0].index(" why ") + 1
    return " ".join(" ".join(line[start:] for line in lines[1:]).split())


def test_the_report_fits_80_columns_and_wraps_the_whole_why_text(tmp_path):
    async def scenario():
        app = TutorApp(SEED_001, mode=EXAM, store=ProgressStore(tmp_path))
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            session = app.screen.session
            await submit_two_wrong_and_the_last_blank(pilot)
            report = app.screen
            assert isinstance(report, ExamReportScreen)
            assert f"right {len(session.steps) - 3}, wrong 2, not answered 1" in text_of(report, "#report-score")
            table = report.query_one("#report", DataTable)
            for size in ((80, 24), (120, 30)):
                await pilot.resize_terminal(*size)
                await pilot.pause()
                assert table.virtual_size.width <= table.size.width, f"a column is off screen at {size}"
                for quantity in WRONG_ANSWERS:
                    row = next(index for index, step in enumerate(session.steps) if str(step.quantity) == quantity)
                    table.move_cursor(row=row)  # scrolled into view, as the arrow keys would
                    await pilot.pause()
                    explanation = session.exam_report[row].verdict.message
                    assert len(explanation) > 100  # far wider than the why column: it must wrap to be whole
                    assert " ".join(explanation.split()) in why_column_on_screen(table), (size, quantity)

    run(scenario())


def test_an_exam_with_feedback_says_wrong_and_why_but_never_the_right_value(tmp_path):
    """Issue 14: with --feedback, a wrong answer is called wrong (and diagnosed), but the right value appears
    nowhere on screen before submission: reading it and typing it again would earn full credit."""

    async def scenario():
        app = TutorApp(SEED_001, mode=EXAM, store=ProgressStore(tmp_path), exam_feedback=True)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            screen = app.screen
            session = screen.session
            while str(session.step.quantity) != "grad.z":  # on the session: the answer to grad.z is what is tested
                session.answer(right_answer(session))
            screen.sync()
            await pilot.pause()
            right = session.checker.expected(session.step.quantity)
            await paste_answer(pilot, "-0.06")  # ten times the right -0.006195
            feedback = text_of(screen, "#feedback")
            assert "Not right" in feedback and "decimal point" in feedback
            assert session.states[session.index - 1].verdict.diagnosis == "power_of_ten"
            shown = html.unescape(re.sub(r"<[^>]+>", "", app.export_screenshot())).replace("\xa0", " ")
            assert "decimal point" in shown
            for digits in range(2, 7):
                assert format_value(right, digits) not in shown, digits

    run(scenario())


def test_a_finished_exam_or_practice_reopens_on_its_report_or_summary_and_escape_goes_to_the_catalog(tmp_path):
    """One app for both: the exam opened straight into its report (Escape puts the catalog in its place), the
    practice reopened from the catalog onto its summary (Escape goes back to it). The report shows the control
    characters of an answer as escapes."""
    store = ProgressStore(tmp_path)
    exam = Session(resolve_exercise(SEED_001), mode=EXAM, store=store)
    exam.answer("\t0.8\x0b")  # readable: the whitespace around the number is ignored
    practice = Session(resolve_exercise(SEED_001), store=store)
    for session in (exam, practice):  # answered on the session: the Pilot tests above answer on screen
        while session.first_open() is not None:
            session.answer(right_answer(session))
    exam.submit()

    async def scenario():
        app = TutorApp(SEED_001, mode=EXAM, store=store)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, ExamReportScreen)  # a submitted exam reopens on its report
            first = [str(cell) for cell in app.screen.query_one("#report", DataTable).get_row_at(0)]
            assert first[1] == "\\t0.8\\x0b" and first[2] == "✓ right"
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, CatalogScreen)

            app.open_exercise(SEED_001)
            await pilot.pause()
            assert isinstance(app.screen, SummaryScreen)  # a finished practice reopens on its summary
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, CatalogScreen)

    run(scenario())


def test_the_exam_time_stops_at_submission_and_the_summary_time_after_review(tmp_path):
    now = [1_000_000.0]

    def clock() -> float:
        return now[0]

    exam = Session(resolve_exercise(SEED_001), mode=EXAM, clock=clock)
    for _ in range(3):
        now[0] += 20
        exam.answer(right_answer(exam))
    now[0] += 20
    exam.submit()
    assert exam.summary().seconds == 80
    now[0] += 200
    exam.go_to(0)  # reviewing the answers after submitting
    assert exam.summary().seconds == 80

    async def scenario():
        app = TutorApp("cs231n-add-multiply", store=ProgressStore(tmp_path), clock=clock)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            screen = app.screen
            session = screen.session
            steps = len(session.steps)
            for _ in range(steps - 1):  # on the session, ten seconds apart; the last through the screen
                now[0] += 10
                session.answer(right_answer(session))
            screen.sync()
            now[0] += 10
            await paste_answer(pilot, right_answer(session))
            assert isinstance(app.screen, SummaryScreen)
            time_line = f"Time: {format_seconds(10 * steps)}"
            assert time_line in text_of(app.screen, "#summary-body")
            await pilot.press("f7")  # review: back on the exercise, going over the steps
            for _ in range(3):
                now[0] += 100
                await pilot.press("pageup")
                await pilot.pause()
            assert session.events[-1]["type"] == "shown"
            app.back_to_catalog()
            await pilot.pause()
            app.open_exercise("cs231n-add-multiply")  # reopened: resumed as finished, the summary again
            await pilot.pause()
            assert isinstance(app.screen, SummaryScreen)
            assert time_line in text_of(app.screen, "#summary-body")

    run(scenario())


async def until(pilot, condition, seconds: float = 3.0) -> None:
    """Polls the app until ``condition()`` holds, at most ``seconds`` (a timer's tick is awaited, not slept past),
    then lets it finish what that started (a screen pushed is composed)."""
    for _ in range(int(seconds / 0.05)):
        if condition():
            break
        await pilot.pause(0.05)
    await pilot.pause()


def test_the_countdown_submits_the_exam_at_zero(tmp_path):
    now = [1_000_000.0]

    async def scenario():
        app = TutorApp(SEED_001, mode=EXAM, store=ProgressStore(tmp_path), time_limit=30, clock=lambda: now[0])
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, ExerciseScreen)
            assert "time left 0:30" in text_of(screen, "#score")
            for _ in range(2):
                await paste_answer(pilot, right_answer(screen.session))
            now[0] += 20
            await until(pilot, lambda: "time left 0:10" in text_of(screen, "#score"))  # it ticks once a second
            assert "2/25 answered · time left 0:10" in text_of(screen, "#score")
            assert isinstance(app.screen, ExerciseScreen)
            now[0] += 11
            await until(pilot, lambda: isinstance(app.screen, ExamReportScreen))
            assert isinstance(app.screen, ExamReportScreen), "the exam should be submitted when time is up"
            assert screen.session.submitted
            assert "Exam score: 2 of 25" in text_of(app.screen, "#report-score")
        saved = json.loads(exam_file(tmp_path).read_text(encoding="utf-8"))
        assert saved["finished"] is True and saved["score"] == 2

    run(scenario())


def test_reopening_an_unfinished_exam_offers_resume_start_over_or_cancel(tmp_path):
    store = ProgressStore(tmp_path)
    session = Session(resolve_exercise(SEED_001), mode=EXAM, store=store)
    for _ in range(3):
        session.answer(right_answer(session))
    progress = exam_file(tmp_path)

    async def scenario():
        """One app asked three times: opened straight into the question (Escape: the catalog), then from it."""
        app = TutorApp(SEED_001, mode=EXAM, store=store)
        async with app.run_test(size=(80, 24)) as pilot:

            async def choose(key: str):
                assert isinstance(app.screen, ResumeExamScreen)
                assert "exam in progress" in str(app.screen.query_one(Static).render())
                await pilot.press(key)
                await pilot.pause()
                return app.screen

            await pilot.pause()
            screen = await choose("escape")
            assert isinstance(screen, CatalogScreen) and progress.exists()

            app.open_exercise(SEED_001, EXAM)
            await pilot.pause()
            screen = await choose("enter")
            assert isinstance(screen, ExerciseScreen)
            assert screen.session.index == 3
            assert [state.answer for state in screen.session.states[:3]] == ["0.8", "1.4", "2.8"]

            app.back_to_catalog()  # closes the exercise's window: it may be opened again
            await pilot.pause()
            app.open_exercise(SEED_001, EXAM)
            await pilot.pause()
            screen = await choose("f8")
            assert isinstance(screen, ExerciseScreen)
            assert screen.session.index == 0 and not any(state.answer for state in screen.session.states)
            kept = list(progress.parent.glob("*.set-aside-*.json"))
            assert len(kept) == 1 and '"text": "2.8"' in kept[0].read_text(encoding="utf-8")

    run(scenario())


# -- a real process killed with SIGKILL -----------------------------------------------------------


def wait_until(condition, timeout: float = 20.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def saved_answers(progress: Path) -> list[str]:
    data = json.loads(progress.read_text(encoding="utf-8"))
    return [event["text"] for event in data["events"] if event["type"] == "answer"]


def start_exam(session: str, home: Path) -> int:
    """`tutor exam` in a new tmux session; `exec` makes the tutor the pane's own process. Returns its pid."""
    return start_tutor(session, "exam", SEED_001, "--learner", "Tester", home=home, size=(100, 30))


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is dead for our purposes
        with open(f"/proc/{pid}/stat", encoding="utf-8") as handle:
            return handle.read().split(") ")[-1].split()[0] != "Z"
    except OSError:
        return True


def send(session: str, *keys: str) -> None:
    tmux("send-keys", "-t", session, *keys)


@pytest.mark.skipif(TMUX is None and not os.environ.get("CI"), reason="tmux is not installed (apt-get install tmux)")
def test_killing_the_tutor_mid_exam_loses_only_the_answer_being_typed(tmp_path):
    assert TMUX, ".ci/run installs tmux: this test must run in CI"
    assert TUTOR.exists(), f"the console script should be installed beside {sys.executable}"
    progress = exam_file(tmp_path)
    name = f"tutor-kill-{uuid.uuid4().hex[:8]}"
    try:
        pid = start_exam(name, tmp_path)
        wait_for(name, "the value of p1")
        for typed, following in (("0.8", "step 2 of"), ("1.4", "step 3 of"), ("2.8", "step 4 of")):
            send(name, typed, "Enter")
            wait_for(name, following)
        wait_until(
            lambda: progress.exists() and saved_answers(progress) == ["0.8", "1.4", "2.8"],
            what="the third answer to be saved",
        )
        send(name, "0.9427")  # typed, not yet entered
        wait_for(name, "0.9427")
        assert "tutor" in Path(f"/proc/{pid}/cmdline").read_text(errors="replace")

        os.kill(pid, signal.SIGKILL)
        wait_until(lambda: not alive(pid), what="the tutor to die")

        data = json.loads(progress.read_text(encoding="utf-8"))  # valid JSON, whole
        assert data["format"] == "backprop-tutor-progress" and data["mode"] == "exam"
        assert data["finished"] is False and data["done"] == 3
        assert saved_answers(progress) == ["0.8", "1.4", "2.8"]
        assert not list(progress.parent.glob(".*.tmp"))  # no half-written temporary file left behind

        # Reopened as the tutor reopens it, one window at a time: the killed program's lock is gone with it. That the
        # resume prompt, a resumed exam's step, its saved answers in the field and F9 show this on screen is the
        # Pilot tests' (test_reopening_an_unfinished_exam..., test_a_full_exam...): the real program is no more here.
        # (a killed process shows as a zombie while its last threads still close its files, the lock among them)
        reopened: list[Session] = []

        def reopen() -> bool:
            try:
                reopened.append(
                    Session(resolve_exercise(SEED_001), mode=EXAM, store=ProgressStore(tmp_path), exclusive=True)
                )
            except OpenElsewhere:
                return False
            return True

        wait_until(reopen, what="the killed tutor's lock to go with it")
        resumed = reopened[0]
        assert resumed.index == 3 and resumed.done_count == 3 and not resumed.submitted
        assert [state.answer for state in resumed.states[:4]] == ["0.8", "1.4", "2.8", ""]  # only the typed one lost
        resumed.submit()
        assert resumed.summary().score == 3
        resumed.close()
    finally:
        tmux("kill-session", "-t", name, check=False)
