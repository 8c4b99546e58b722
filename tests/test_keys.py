"""One actions table (tutor/tui/actions.py) makes every screen's bindings, the help screen's key table and
the README's: these tests keep them in step, and check that a key the tables name really does its action."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.binding import Binding
from textual.widgets import Markdown, Static

from tutor.session import ProgressStore
from tutor.tui.actions import ACTIONS, Action, bindings, key_table
from tutor.tui.app import TutorApp
from tutor.tui.screens.catalog import CatalogScreen
from tutor.tui.screens.confirm import ConfirmSubmitScreen
from tutor.tui.screens.exercise import ExerciseScreen
from tutor.tui.screens.help import HelpScreen, ResumeExamScreen
from tutor.tui.screens.inspect import InspectScreen
from tutor.tui.screens.learner import LearnerScreen
from tutor.tui.screens.report import ExamReportScreen
from tutor.tui.screens.summary import SummaryScreen
from tutor.tui.screens.training import TrainingScreen
from tutor_testing import run

README = Path(__file__).resolve().parents[1] / "README.md"
BOUND_BY = [
    TutorApp,
    CatalogScreen,
    ExerciseScreen,
    SummaryScreen,
    ExamReportScreen,
    TrainingScreen,
    HelpScreen,
    ResumeExamScreen,
    ConfirmSubmitScreen,
    InspectScreen,
    LearnerScreen,
]


def test_the_readme_key_table_is_the_actions_table():
    text = README.read_text(encoding="utf-8")
    found = re.search(r"<!-- keys:[^\n]*-->\n(.*?)\n<!-- /keys -->", text, re.DOTALL)
    assert found, "README.md has no <!-- keys: ... --> <!-- /keys --> section"
    assert found.group(1) == key_table(), "README.md's key table is out of step: paste in tutor.tui.actions.key_table()"


@pytest.mark.parametrize("owner", BOUND_BY, ids=lambda owner: owner.__name__)
def test_every_binding_comes_from_the_actions_table(owner):
    for binding in owner.BINDINGS:
        assert isinstance(binding, Binding) and binding.id in ACTIONS, binding
        assert binding == bindings(binding.id, on_app=owner is TutorApp)[0]


def test_every_action_in_the_table_is_bound_somewhere_or_handled_by_a_widget():
    bound = {binding.id for owner in BOUND_BY for binding in owner.BINDINGS if isinstance(binding, Binding)}
    unused = {id for id, entry in ACTIONS.items() if entry.action is not None and id not in bound}
    assert not unused
    with pytest.raises(ValueError, match="handled by a widget"):
        bindings("answer")


def test_a_row_joins_the_keys_of_consecutive_actions_that_share_it():
    table = key_table()
    assert "| PageUp / PageDown | previous / next step (review what you did) |" in table
    assert "| Ctrl+Q | quit |" in table
    assert Action("alt+left,f12", "x").key_names() == ["Alt+Left", "F12"]


def test_f4_and_f5_are_one_entry_each_bound_by_the_catalog_and_by_the_summary():
    catalog_keys = {binding.id: binding for binding in CatalogScreen.BINDINGS if isinstance(binding, Binding)}
    summary_keys = {binding.id: binding for binding in SummaryScreen.BINDINGS if isinstance(binding, Binding)}
    assert catalog_keys["train"] == summary_keys["train"] and catalog_keys["new-like"] == summary_keys["new-like"]


def test_every_binding_is_a_palette_command_help_shows_the_key_table_and_a_dialog_names_its_keys(tmp_path):
    """One app: the exercise screen's bindings in the palette, F1's key table, then a dialog over it whose
    exercise title is shown as text."""

    async def scenario():
        app = TutorApp("sigmoid-neuron-mse", store=ProgressStore(tmp_path))
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            commands = {command.title for command in app.get_system_commands(app.screen)}
            shown = {
                binding.description
                for (_, binding, enabled, _) in app.screen.active_bindings.values()
                if binding.show and binding.description and enabled
            }
            assert shown <= commands
            assert {"Hint", "Reveal", "Help", "Back"} <= shown

            await pilot.press("f1")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            source = app.screen.query_one(Markdown).source
            assert key_table() in source
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, ExerciseScreen)

            await app.push_screen(ResumeExamScreen("[bold]Gates[/bold] \x1b[31m"))
            await pilot.pause()
            text = str(app.screen.query_one(Static).render())
            assert "“[bold]Gates[/bold] \\x1b[31m”" in text  # markup not read, the escape made visible
            assert "Enter: resume where you stopped · F8: start over" in text

    run(scenario())
