"""Issue 13 in the TUI: an exercise's title, description and hints are shown as text, never read as markup,
with control characters made visible (the hint "[/] hint" crashed the tutor on F2)."""

from __future__ import annotations

from hostile_cases import toml_string
from textual.widgets import Static

from tutor.exercise import load_exercise
from tutor.session import ProgressStore
from tutor.tui.app import TutorApp
from tutor.tui.screens.exercise import ExerciseScreen
from tutor.tui.screens.summary import SummaryScreen
from tutor_testing import run, text_of

HINT = "[/] hint: [W1] times [bold red]2.8 \x1b[2J\u202e"
SHOWN_HINT = "[/] hint: [W1] times [bold red]2.8 \\x1b[2J\\u202e"


def test_markup_and_escapes_in_an_exercise_are_shown_as_text(tmp_path):
    path = tmp_path / "hostile.toml"
    path.write_text(
        f"title = {toml_string('x [/] y ' + chr(0x1B) + ']0;pwned' + chr(7))}\n"
        f"description = {toml_string('[bold]not bold[/] ' + chr(0x1B) + '[2J')}\n"
        f'[inputs]\na = 2\nb = 3\n[graph]\nz = "a*b"\n[hints]\nz = {toml_string(HINT)}\n',
        encoding="utf-8",
    )
    exercise = load_exercise(path)
    assert exercise.hints["z"] == (HINT,)

    async def scenario():
        app = TutorApp(exercise, store=ProgressStore(tmp_path / "home"))
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, ExerciseScreen)
            await pilot.press("f2")
            await pilot.pause()
            assert text_of(screen, "#hints") == f"Hint 1: {SHOWN_HINT}"
            shown = "\n".join(str(widget.render()) for widget in screen.query(Static))
            assert "\x1b" not in shown and "\u202e" not in shown

    run(scenario())


def test_the_summary_shows_a_markup_title_as_text(tmp_path):
    path = tmp_path / "hostile.toml"
    title = "x [/] y \x1b[2J"
    path.write_text(f'title = {toml_string(title)}\n[inputs]\na = 2\nb = 3\n[graph]\nz = "a*b"\n', encoding="utf-8")

    async def scenario():
        app = TutorApp(load_exercise(path), store=ProgressStore(tmp_path / "home"))
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            screen = app.screen
            assert screen.title == "x [/] y \\x1b[2J"
            session = screen.session
            for _ in range(len(session.steps) - 1):  # revealed on the session; F3 on the last one finishes it
                session.reveal()
                session.go_to(session.first_open())
            screen.sync()
            await pilot.press("f3")
            await pilot.pause()
            assert isinstance(app.screen, SummaryScreen)
            assert text_of(app.screen, "#summary-title") == "Finished: x [/] y \\x1b[2J"

    run(scenario())
