"""The exercise screen a learner can finish at 80x24, driven with Pilot: the numbers each step needs
are on screen, Enter never meets a dead end, an exam asks before submitting blanks, any node can be
inspected, and the graph scrolls while you type."""

from __future__ import annotations

import functools

import pytest
from rich.cells import cell_len
from textual.geometry import Offset
from textual.widgets import Input, OptionList

from tutor.exercise import catalog_names, resolve_exercise
from tutor.session import EXAM, ProgressStore, Session
from tutor.session.given import given_text
from tutor.tui.app import TutorApp
from tutor.tui.screens.confirm import ConfirmSubmitScreen
from tutor.tui.screens.exercise import ExerciseScreen
from tutor.tui.screens.inspect import InspectScreen
from tutor.tui.screens.report import ExamReportScreen
from tutor.tui.screens.summary import SummaryScreen
from tutor.tui.widgets.given_panel import GivenPanel
from tutor.tui.widgets.graph_view import GraphView
from tutor_testing import needed_tokens, paste_answer, right_answer, run, text_of

NETWORK = "network-3-2-1-sigmoid"


def within(inner, outer) -> bool:
    return outer.x <= inner.x and inner.right <= outer.right and outer.y <= inner.y and inner.bottom <= outer.bottom


@pytest.fixture(scope="module")
def given_panel_size(tmp_path_factory) -> tuple[int, int]:
    """The columns and the most rows the given panel shows at 80x24, read from the real screen."""

    async def measure():
        app = TutorApp(NETWORK, store=ProgressStore(tmp_path_factory.mktemp("home")))
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            panel = app.screen.query_one("#given", GivenPanel)
            return panel.scrollable_content_region.width, int(panel.styles.max_height.value)

    return run(measure())


@functools.cache
def given_texts(name: str, width: int) -> tuple[tuple[str, list[str], str], ...]:
    """Every step of the exercise answered right in order, as a learner would: before each answer, its
    quantity, what the step needs (by the chain rule's own definition) and the numbers given for it.
    Worked once per process: the catalog-wide test and most_demanding both read every exercise's."""
    session = Session(resolve_exercise(name))
    typed: dict[str, str] = {}
    steps = []
    while not session.finished:
        steps.append((str(session.step.quantity), needed_tokens(session, typed), given_text(session, width)))
        typed[str(session.step.quantity)] = right_answer(session)
        session.answer(typed[str(session.step.quantity)])
    return tuple(steps)


@pytest.mark.parametrize("name", catalog_names())
def test_every_step_of_every_exercise_gives_the_numbers_it_needs_whole_at_80x24(name, given_panel_size):
    width, rows = given_panel_size
    for quantity, needed, text in given_texts(name, width):
        if needed:
            lines = text.splitlines()
            assert len(lines) <= rows and max(map(cell_len, lines)) <= width, (quantity, text)
            missing = [token for token in needed if token not in text]
            assert not missing, (quantity, missing, text)


def most_demanding(width: int) -> list[str]:
    """The exercises whose given numbers take the most rows, and the most columns, at some step (of those,
    the one with the fewest steps): if the screen has room for these at every step, it has for any."""
    sizes = {}
    for name in catalog_names():
        lines = [text.splitlines() for _, _, text in given_texts(name, width)]
        sizes[name] = (max(map(len, lines)), max(cell_len(line) for step in lines for line in step), len(lines))
    tallest = min(sizes, key=lambda name: (-sizes[name][0], sizes[name][2]))
    widest = min(sizes, key=lambda name: (-sizes[name][1], sizes[name][2]))
    return sorted({tallest, widest})  # one name when one exercise is both


CONVOLUTION = "conv2d-forward-backward"  # its map of which kernel entries touch which inputs (test_convolution_map)


def test_the_screen_shows_the_given_numbers_whole_for_the_most_demanding_exercises(tmp_path, given_panel_size):
    """Every step in the real screen at 80x24 (the numbers themselves are checked above on sessions): the
    panel is on screen with nothing scrolled out of it, and the graph keeps 8 rows. One app opens each in turn;
    the convolution is one of them whichever is most demanding, its map in the panel whole at the conv steps."""
    shown = {}

    async def walk(names: list[str]):
        app = TutorApp(names[0], store=ProgressStore(tmp_path))
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            for name in names:
                if name != names[0]:
                    app.open_exercise(name)  # over the last one's summary
                    await pilot.pause()
                screen = app.screen
                session = screen.session
                assert session.exercise.name == name
                panel = screen.query_one("#given", GivenPanel)
                field = screen.query_one("#answer", Input)
                while not isinstance(app.screen, SummaryScreen):
                    expected = given_text(session, given_panel_size[0])
                    assert panel.text == expected and panel.display == bool(expected), session.step.quantity
                    if expected:
                        assert within(panel.region, screen.region), (session.step.quantity, panel.region)
                        assert panel.max_scroll_y == 0 and panel.max_scroll_x == 0, session.step.quantity  # all seen
                    assert screen.query_one("#graph", GraphView).region.height >= 8
                    shown[name, str(session.step.quantity)] = panel.text
                    field.value = right_answer(session)
                    await pilot.press("enter")  # waits until the screen has caught up: no pause needed
                assert session.finished

    run(walk(sorted({*most_demanding(given_panel_size[0]), CONVOLUTION})))
    assert "K22 → Y11·X22 Y12·X23 Y21·X32 Y22·X33" in shown[CONVOLUTION, "grad.K"]
    assert "X22 → Y11·K22 Y12·K21 Y21·K12 Y22·K11" in shown[CONVOLUTION, "grad.X"]


def test_after_a_reveal_enter_moves_on_the_last_step_says_done_and_an_exam_asks_before_blanks(tmp_path):
    async def scenario():
        app = TutorApp("relu-positive", store=ProgressStore(tmp_path))
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            screen = app.screen
            session = screen.session
            await pilot.press("f3")
            await pilot.pause()
            feedback = text_of(screen, "#feedback")
            assert feedback.startswith("Revealed:") and "Enter: on to step 2." in feedback
            assert screen.query_one("#answer", Input).has_focus
            await paste_answer(pilot, right_answer(session))  # typing the revealed value: Enter moves on
            assert session.index == 1 and not session.state.done
            await paste_answer(pilot, right_answer(session))
            await pilot.press("pageup", "pageup")
            await pilot.pause()
            assert session.index == 0
            assert "Enter: on to step 3." in text_of(screen, "#feedback")  # the one still open
            await pilot.press("pagedown", "pagedown")
            await pilot.pause()
            await pilot.press("f3")  # the last open step
            await pilot.pause()
            assert isinstance(app.screen, SummaryScreen)
            await pilot.press("f7")  # back to review the last step
            await pilot.pause()
            feedback = text_of(screen, "#feedback")
            assert "Every step is done: Enter for your summary." in feedback
            assert "PageDown" not in feedback
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, SummaryScreen)

            # the same exercise as an exam, in the same app: submitting with blank steps asks first
            app.open_exercise("relu-positive", EXAM)
            await pilot.pause()
            session = app.screen.session
            assert session.mode == EXAM
            await paste_answer(pilot, right_answer(session))
            await pilot.press("f9")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmSubmitScreen)
            assert text_of(app.screen, "#confirm-text") == "2 of 3 steps are still blank: a blank step scores 0."
            await pilot.press("escape")  # back to the exam: nothing submitted
            await pilot.pause()
            assert isinstance(app.screen, ExerciseScreen) and not session.submitted
            while session.first_open() is not None:
                await paste_answer(pilot, right_answer(session))
            await pilot.press("f9")  # none blank: submitted at once
            await pilot.pause()
            assert isinstance(app.screen, ExamReportScreen) and session.submitted

    run(scenario())


def test_a_right_answer_worth_less_than_a_point_says_why(tmp_path):
    async def scenario():
        app = TutorApp("sigmoid-neuron-mse", store=ProgressStore(tmp_path))
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            screen = app.screen
            await paste_answer(pilot, "5")
            await paste_answer(pilot, right_answer(screen.session))
            assert "✓ Correct: 0.75 of 1 point, one wrong try before. On to step 2." in text_of(screen, "#feedback")
            await pilot.press("f2")
            await pilot.pause()
            await paste_answer(pilot, right_answer(screen.session))
            assert "✓ Correct: 0.75 of 1 point, one hint." in text_of(screen, "#feedback")
            await paste_answer(pilot, right_answer(screen.session))
            assert text_of(screen, "#feedback") == "✓ Correct. On to step 4."

    run(scenario())


def test_a_click_on_a_node_box_or_f7_inspects_a_node_showing_only_what_is_known(tmp_path):
    async def scenario():
        app = TutorApp(NETWORK, store=ProgressStore(tmp_path))
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            screen = app.screen
            session = screen.session
            graph = screen.query_one("#graph", GraphView)
            row, column, height, width = graph.drawing.boxes["W2"]
            x, y = int(graph.scroll_offset.x), int(graph.scroll_offset.y)
            assert graph.node_at(Offset(column - x, row - y)) == "W2"
            # the border is one cell: the content starts at (1, 1) of the widget; a compact box is one line high
            await pilot.click(graph, offset=(1 + column - x + width // 2, 1 + row - y + height // 2))
            await pilot.pause()
            assert isinstance(app.screen, InspectScreen)
            assert app.screen.query_one("#inspect-nodes", OptionList).highlighted_option.id == "W2"
            assert text_of(app.screen, "#inspect-details").startswith("W2: given in the exercise")
            await pilot.press("escape")
            await pilot.pause()
            assert screen.query_one("#answer", Input).has_focus  # Enter still checks the answer
            await paste_answer(pilot, right_answer(session))
            assert session.index == 1

            await pilot.press("f7")
            await pilot.pause()
            inspector = app.screen
            assert isinstance(inspector, InspectScreen)
            details = text_of(inspector, "#inspect-details")
            assert details.startswith("a2 = sigmoid(z2)")  # the current step's node first
            assert "a2 (not found yet: step 2)" in details
            await pilot.press("up")  # z2, which the learner has found
            await pilot.pause()
            details = text_of(inspector, "#inspect-details")
            assert details.startswith("z2 = W2@x + b2") and "z2 (yours, step 1)" in details
            assert "0.21  -0.24" in details
            await pilot.press("f7")
            await pilot.pause()
            assert app.screen is screen and screen.query_one("#answer", Input).has_focus

    run(scenario())


def test_the_graph_scrolls_while_the_answer_field_has_focus(tmp_path):
    async def scenario():
        app = TutorApp("net-2-3-1-one-sample", store=ProgressStore(tmp_path))
        async with app.run_test(size=(80, 18)) as pilot:  # short enough that even the dense drawing scrolls
            await pilot.pause()
            screen = app.screen
            graph = screen.query_one("#graph", GraphView)
            field = screen.query_one("#answer", Input)
            assert graph.max_scroll_y > 0 and graph.max_scroll_x > 0  # taller and wider than its space
            graph.scroll_to(0, 0, animate=False)
            await pilot.pause()
            await pilot.press("down", "down")
            await pilot.pause()
            assert graph.scroll_offset.y == 4 and field.has_focus
            await pilot.press("alt+right")
            await pilot.pause()
            assert graph.scroll_offset.x == 8
            await pilot.press("up", "alt+left")
            await pilot.pause()
            assert graph.scroll_offset == (0, 2) and field.has_focus
            field.value = "0.5"
            await pilot.press("left", "1")  # left and right still move the cursor in the answer
            await pilot.pause()
            assert field.value == "0.15"

    run(scenario())
