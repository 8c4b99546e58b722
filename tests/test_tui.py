"""The Textual tutor driven with Pilot: a whole exercise with right, wrong, malformed and hinted
answers, resuming after quitting, the catalog, resizing, the light theme and the mouse (exams: test_exam_flow.py;
help and every binding in the palette: test_keys.py)."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Static

from tutor.exercise import resolve_exercise
from tutor.session import ProgressStore, Session
from tutor.tui.app import TutorApp
from tutor.tui.screens.catalog import CatalogScreen
from tutor.tui.screens.exercise import ExerciseScreen
from tutor.tui.screens.summary import SummaryScreen
from tutor_testing import footer_keys, paste_answer, right_answer, run, text_of

SEED_001 = "sigmoid-neuron-mse"


def test_play_a_whole_exercise_with_right_wrong_malformed_and_hinted_answers(tmp_path):
    async def scenario():
        app = TutorApp(SEED_001, store=ProgressStore(tmp_path))
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, ExerciseScreen)
            assert screen.query_one("#answer", Input).has_focus
            assert "the value of" in text_of(screen, "#prompt")

            await pilot.press(*"2x")
            await pilot.pause()
            assert "2*x" in text_of(screen, "#preview")  # the live reading explains the problem
            await pilot.press("enter")
            await pilot.pause()
            assert "not counted" in text_of(screen, "#feedback")
            assert screen.session.state.wrong_attempts == 0

            await paste_answer(pilot, "12345")
            assert "Not right" in text_of(screen, "#feedback")
            assert screen.session.state.wrong_attempts == 1

            await pilot.press("f2")
            await pilot.pause()
            assert text_of(screen, "#hints").startswith("Hint 1:")
            await paste_answer(pilot, right_answer(screen.session))
            assert screen.session.index == 1
            assert "Correct" in text_of(screen, "#feedback")

            await pilot.press("f3")  # reveal the second step
            await pilot.pause()
            assert "Revealed" in text_of(screen, "#feedback")
            await pilot.press("pagedown")
            await pilot.pause()

            # the third step by the hint ladder to its end: the last rung is the answer and reveals it (issue 14)
            session = screen.session
            third = session.index
            await pilot.press(*["f2"] * len(session.hint_ladder()))
            await pilot.pause()
            assert session.states[third].status == "revealed" and session.index == third
            assert text_of(screen, "#feedback").startswith("Revealed:")
            await pilot.press("enter")  # on to the next open step, as after F3
            await pilot.pause()
            assert session.index == third + 1

            # the plain right answers between, on the session the screen shows (typing every one of them is
            # test_walk_terminal's); the last through the screen, which opens the summary
            last = len(session.steps) - 1
            for index in range(last):
                if not session.states[index].done:
                    session.go_to(index)
                    session.answer(right_answer(session))
            session.go_to(last)
            screen.sync()
            await pilot.pause()
            await paste_answer(pilot, right_answer(session))
            assert isinstance(app.screen, SummaryScreen)
            summary = str(app.screen.query_one("#summary-body", Static).render())
            assert "Revealed: 2" in summary and "Right with hints: 1" in summary  # F3, and the last hint rung
            assert f"Steps: {len(screen.session.steps)}" in summary

    run(scenario())


def test_quitting_mid_way_and_reopening_resumes_at_the_same_step(tmp_path):
    store = ProgressStore(tmp_path)

    async def first_visit():
        app = TutorApp(SEED_001, store=store)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            for _ in range(3):
                await paste_answer(pilot, right_answer(app.screen.session))
            await paste_answer(pilot, "999")
            await pilot.press("ctrl+q")
        return app

    run(first_visit())
    # reopened as the tutor reopens it (exclusive: quitting let go of the window's lock), on the session: the
    # screen shows a resumed session's step like any other (a resumed exam on screen: test_exam_flow)
    session = Session(resolve_exercise(SEED_001), store=store, exclusive=True)
    assert session.index == 3
    assert session.state.wrong_attempts == 1
    session.close()


def test_catalog_filters_by_typing_and_opens_the_chosen_exercise_by_keys_or_by_the_mouse(tmp_path):
    async def scenario():
        app = TutorApp(store=ProgressStore(tmp_path))
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, CatalogScreen)
            table = app.screen.query_one("#exercises", DataTable)
            everything = table.row_count
            assert everything >= 25
            await pilot.press(*"sigmoid neuron")
            await pilot.pause()
            assert 0 < table.row_count < everything
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, ExerciseScreen)
            assert "igmoid" in app.screen.session.exercise.title
            await paste_answer(pilot, right_answer(app.screen.session))
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, CatalogScreen)
            progress = [table.get_row_at(row)[1] for row in range(table.row_count)]
            assert any("steps" in str(cell) for cell in progress)  # "1/25 steps"

            # the mouse works too: a click on a row chooses it, a second opens it; a click on a Footer key runs it
            app.screen.query_one("#filter", Input).value = ""
            table.move_cursor(row=1)
            await pilot.pause()
            first = table.get_cell(table.ordered_rows[0].key, "title")
            await pilot.click(table, offset=(20, 1))  # the first row, under the header
            await pilot.click(table, offset=(20, 1))
            await pilot.pause()
            assert isinstance(app.screen, ExerciseScreen)
            assert app.screen.session.exercise.title == str(first)
            hint_key = next(key for key in (await footer_keys(pilot)).values() if key.action == "hint")
            await pilot.click(hint_key)
            await pilot.pause()
            assert app.screen.session.state.hints_shown == 1
            assert "Hint 1:" in text_of(app.screen, "#hints")

    run(scenario())


def test_resizing_never_breaks_the_layout(tmp_path):
    """One app resized from 80x24 to each size in turn (one start-up, not one per size): after each, the
    answer field and the graph have room and an answer still works."""

    async def scenario():
        app = TutorApp("net-2-3-1-batch", store=ProgressStore(tmp_path))
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            screen = app.screen
            for answered, size in enumerate([(80, 24), (100, 30), (60, 20), (160, 50)]):
                await pilot.resize_terminal(*size)
                await pilot.pause()
                assert screen.query_one("#answer", Input).region.height == 1, size
                assert screen.query_one("#graph").region.height >= 4, size
                await paste_answer(pilot, right_answer(screen.session))
                assert screen.session.index == answered + 1, size

    run(scenario())


def test_a_session_object_can_do_what_the_tui_does(tmp_path):
    """The TUI adds no teaching logic: the same walk on a bare session gives the same state."""
    session = Session(resolve_exercise(SEED_001))
    session.answer("12345")
    session.hint()
    assert session.state.wrong_attempts == 1 and session.state.hints_shown == 1


def test_the_light_theme_is_light_and_works(tmp_path):
    async def scenario():
        app = TutorApp(SEED_001, store=ProgressStore(tmp_path), light=True)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert app.theme == "textual-light" and not app.current_theme.dark
            background = app.screen.styles.background
            await paste_answer(pilot, right_answer(app.screen.session))
            assert "Correct" in text_of(app.screen, "#feedback")
            app.theme = "textual-dark"  # the default's background, in the same app
            await pilot.pause()
            assert background.brightness > 0.5 > app.screen.styles.background.brightness

    run(scenario())
