"""The learner's name: stored once in the settings, asked on first use, changed with F7 in the catalog or
from the command palette, and the one name every transcript takes unless it is told another."""

from __future__ import annotations

import json

import pytest
from textual.widgets import Input, Static
from textual.widgets._footer import FooterKey

from tutor.exercise import resolve_exercise
from tutor.session import ProgressStore, Session
from tutor.session.store import checked_learner, login_name
from tutor.session.transcript import build_transcript
from tutor.tui.app import TutorApp
from tutor.tui.screens.catalog import CatalogScreen
from tutor.tui.screens.exercise import ExerciseScreen
from tutor.tui.screens.learner import LearnerScreen
from tutor_testing import run, text_of

SEED_001 = "sigmoid-neuron-mse"
MARKUP_NAME = "Ada [b]Lovelace[/b]"  # typed by a person: shown and saved as typed, never read as markup


def transcript_learner(store: ProgressStore) -> str:
    return build_transcript(Session(resolve_exercise(SEED_001), store=store))["learner"]


# -- the store ----------------------------------------------------------------------------------


def test_the_stored_name_is_the_transcripts_name_and_the_login_name_before_one_is_stored(tmp_path):
    store = ProgressStore(tmp_path)
    assert store.stored_learner() is None
    assert transcript_learner(store) == login_name()
    assert store.save_learner("  Grace Hopper ") == "Grace Hopper"
    assert json.loads((tmp_path / "settings.json").read_text(encoding="utf-8")) == {"learner": "Grace Hopper"}
    assert transcript_learner(ProgressStore(tmp_path)) == "Grace Hopper"  # remembered: another store reads it
    assert build_transcript(Session(resolve_exercise(SEED_001), store=store), "Ada")["learner"] == "Ada"


def test_other_settings_are_kept_and_a_damaged_or_hand_edited_file_falls_back_to_the_login_name(tmp_path):
    store = ProgressStore(tmp_path)
    store.settings_file.write_text(json.dumps({"theme": "light"}), encoding="utf-8")
    store.save_learner("Ada")
    assert store.settings() == {"theme": "light", "learner": "Ada"}
    for damaged in ("{not json", "[1, 2]", json.dumps({"learner": 7}), json.dumps({"learner": "A\x1b[2Jb"})):
        store.settings_file.write_text(damaged, encoding="utf-8")
        assert store.stored_learner() is None
        assert store.learner_name() == login_name()
    assert not list(tmp_path.glob(".settings.json.*"))  # no temporary file of the atomic write left behind


@pytest.mark.parametrize("name", ["", "   ", "a\tb", "a\nb", "a\u202eb", "x" * 61])
def test_a_name_that_cannot_be_one_is_refused_in_words(name):
    with pytest.raises(ValueError, match="the learner's name"):
        checked_learner(name)


# -- the TUI ------------------------------------------------------------------------------------


def test_first_use_asks_for_the_name_and_remembers_it(tmp_path):
    async def scenario():
        store = ProgressStore(tmp_path)
        app = TutorApp(store=store, ask_learner=True)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, LearnerScreen)
            field = app.screen.query_one("#learner-name", Input)
            assert field.has_focus and field.value == login_name()  # Enter alone keeps the login name
            field.value = ""
            await pilot.press("enter")  # an empty name: said so, still asking
            await pilot.pause()
            assert isinstance(app.screen, LearnerScreen)
            assert "empty" in text_of(app.screen, "#learner-problem")
            await pilot.press(*MARKUP_NAME, "enter")
            await pilot.pause()
            assert isinstance(app.screen, CatalogScreen)
            assert store.stored_learner() == MARKUP_NAME
            assert any(
                note.message == f"Transcripts will name you {MARKUP_NAME}." and not note.markup
                for note in app._notifications
            )
        assert transcript_learner(store) == MARKUP_NAME  # the next start asks no more: the F7 test starts so

    run(scenario())


def test_escape_on_first_use_keeps_the_login_name_and_does_not_ask_again(tmp_path):
    async def scenario():
        store = ProgressStore(tmp_path)
        app = TutorApp(SEED_001, store=store, ask_learner=True)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, LearnerScreen)  # over the exercise `tutor run` opened
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, ExerciseScreen)
            assert app.screen.query_one("#answer", Input).has_focus
        assert store.stored_learner() == login_name()

    run(scenario())


def test_a_name_given_is_used_and_remembered_without_asking(tmp_path):
    async def scenario():
        store = ProgressStore(tmp_path)
        app = TutorApp(SEED_001, store=store, learner=MARKUP_NAME, ask_learner=True)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, ExerciseScreen)
            assert store.stored_learner() == MARKUP_NAME
            assert transcript_learner(app.screen.session.store) == MARKUP_NAME

    run(scenario())


def test_f7_in_the_catalog_changes_the_name_and_escape_keeps_it(tmp_path):
    async def scenario():
        store = ProgressStore(tmp_path)
        store.save_learner("Ada")
        app = TutorApp(store=store, ask_learner=True)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, CatalogScreen)  # a stored name: not asked again
            keys = {key.action: key for key in app.screen.query(FooterKey)}
            assert keys["change_learner"].description == "Name"
            # whole on screen at 80 columns, left of the palette key at the Footer's right end
            assert keys["change_learner"].region.right <= keys["command_palette"].region.x
            await pilot.press("f7")
            await pilot.pause()
            assert isinstance(app.screen, LearnerScreen)
            assert app.screen.query_one("#learner-name", Input).value == "Ada"
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, CatalogScreen) and store.stored_learner() == "Ada"

            await pilot.press("f7")
            await pilot.pause()
            app.screen.query_one("#learner-name", Input).value = ""
            await pilot.press(*"Grace", "enter")
            await pilot.pause()
            assert isinstance(app.screen, CatalogScreen) and store.stored_learner() == "Grace"

            # the prompt shows the current name as text
            app.push_screen(LearnerScreen("[b]Ada[/b]", first_use=True))
            await pilot.pause()
            keys = str(app.screen.query_one("#learner-keys", Static).render())
            assert "be “[b]Ada[/b]”" in keys

    run(scenario())


def test_the_name_is_a_palette_command_everywhere_and_a_footer_key_in_the_catalog_only(tmp_path):
    async def scenario():
        store = ProgressStore(tmp_path)
        store.save_learner("Ada")
        app = TutorApp(SEED_001, store=store)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, ExerciseScreen)
            assert not [key for key in app.screen.query(FooterKey) if key.action == "change_learner"]
            [command] = [command for command in app.get_system_commands(app.screen) if command.title == "Name"]
            command.callback()
            await pilot.pause()
            assert isinstance(app.screen, LearnerScreen)
            app.screen.query_one("#learner-name", Input).value = "Grace"
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, ExerciseScreen) and store.stored_learner() == "Grace"
            app.back_to_catalog()
            await pilot.pause()
            titles = [command.title for command in app.get_system_commands(app.screen)]
            assert titles.count("Name") == 1  # the key's command, not a second one

    run(scenario())
