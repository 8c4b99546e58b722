"""The training screen and "practise a new one like this", driven with Pilot."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Select, Static

from tutor.exercise import load_exercise, parse_exercise, resolve_exercise
from tutor.session import ProgressStore
from tutor.training import Trainer, default_dataset, default_learning_rate, default_steps
from tutor.tui.app import TutorApp
from tutor.tui.screens.catalog import CatalogScreen
from tutor.tui.screens.exercise import ExerciseScreen
from tutor.tui.screens.summary import SummaryScreen
from tutor.tui.screens.training import TrainingScreen
from tutor.tui.widgets.run_panel import ChartView, RunPanel
from tutor_testing import run

XOR = "xor-mlp"


async def choose_in_catalog(pilot, words: str) -> None:
    """The filter set whole, not key by key (filtering as it is typed: test_tui's catalog test)."""
    pilot.app.screen.query_one("#filter", Input).value = words
    await pilot.pause()


async def until_settled(pilot, screen: TrainingScreen, seconds: float = 60.0) -> None:
    """Let the runs train (the screen advances them a little every frame) until none is running."""
    waited = 0.0
    while screen.running and waited < seconds:
        await pilot.pause(0.1)
        waited += 0.1
    await pilot.pause()
    assert not screen.running, "the runs did not finish in time"


def status(panel: RunPanel) -> str:
    return str(panel.query_one(".run-status", Static).render())


def test_train_xor_from_the_catalog_and_compare_runs_side_by_side(tmp_path):
    async def scenario():
        app = TutorApp(store=ProgressStore(tmp_path))
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            await choose_in_catalog(pilot, "xor")
            await pilot.press("f5")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, TrainingScreen)
            assert screen.query_one("#rate", Input).has_focus

            # the exercise as written, with its own defaults: trained to the end (1000 steps, 100% right)
            # headless in test_training (500 steps in test_snapshots' two runs side by side); here 100 steps,
            # which must be exactly the steps `tutor train` takes
            exercise = resolve_exercise(XOR)
            assert screen.query_one("#rate", Input).value == f"{default_learning_rate(exercise):g}"
            assert screen.query_one("#steps", Input).value == str(default_steps(exercise))
            screen.query_one("#steps", Input).value = "100"
            await pilot.press("f5")
            await until_settled(pilot, screen)
            first = screen.query_one(RunPanel)
            headless = Trainer(exercise, dataset=default_dataset(exercise)).steps(100)
            assert first.losses == pytest.approx([step.loss for step in headless], rel=1e-12)
            assert "finished" in status(first) and "step 100/100" in status(first)

            # a second run beside it: another learning rate and a network with 3 hidden tanh units
            screen.query_one("#rate", Input).value = "0.5"
            screen.query_one("#steps", Input).value = "200"
            screen.query_one("#hidden", Input).value = "3"
            screen.query_one("#activation", Select).value = "tanh"
            await pilot.press("f5")
            await until_settled(pilot, screen)
            panels = list(screen.query(RunPanel))
            assert len(panels) == 2
            second = panels[1]
            assert "rate 0.5" in second.label and "hidden 3, tanh" in second.label
            assert len(second.losses) == 201 and second.losses[-1] < second.losses[0]
            assert panels[0].region.x < second.region.x  # side by side, not stacked

            await pilot.press("f8")
            await pilot.pause()
            assert not screen.query(RunPanel)

            # finished within one frame (above: over many), a run of N steps is the loss before and N updates
            screen.query_one("#steps", Input).value = "10"
            await pilot.press("f5")
            await until_settled(pilot, screen)
            panel = screen.query_one(RunPanel)
            assert len(panel.losses) == 11 and panel.record.step == 10
            assert "finished" in status(panel)

            # On a loaded machine the screen's frame timer can fire right after F5; F5 awaits the new panel's
            # mount before the run joins the frames, so that frame's steps reach the panel's charts.
            await pilot.press("f8")
            screen.query_one("#steps", Input).value = "5"
            await screen.action_run()
            screen.advance()  # at once, before any pause
            await until_settled(pilot, screen)
            panel = screen.query_one(RunPanel)
            assert len(panel.losses) == 6
            assert len(panel.query_one(".loss-chart", ChartView).values) == 6
            assert len(panel.query_one(".accuracy-chart", ChartView).values) == 6
            assert "step 5/5" in status(panel) and "finished" in status(panel)

            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, CatalogScreen)

    run(scenario())


def test_what_cannot_be_trained_bad_settings_no_dataset_and_a_stopped_run(tmp_path):
    """One app from the catalog, each training screen opened in turn and left with Escape."""
    no_dataset = parse_exercise(
        'title = "One weight"\n[inputs]\nw = 0.5\nx = 2\n[graph]\nL = "(w*x - 3)^2"\n[training]\nsteps = 4\n'
    )

    async def scenario():
        app = TutorApp(store=ProgressStore(tmp_path))
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            # an exercise that cannot be trained says why instead of opening
            app.open_training(load_exercise(_catalog_path("jacobian-df")))  # its output is a vector, not a loss
            await pilot.pause()
            assert isinstance(app.screen, CatalogScreen)
            assert any("single number" in notification.message for notification in app._notifications)

            # bad settings are explained and start nothing
            app.open_training(load_exercise(_catalog_path(XOR)))
            await pilot.pause()
            screen = app.screen
            message = screen.query_one("#training-message", Static)
            for field, value, words in (
                ("#rate", "0", "learning rate must be a positive number"),
                ("#rate", "-", "not a number"),
                ("#steps", "0", "whole number from 1"),
                ("#hidden", "7", "hidden size must be a whole number from 1 to 6"),
            ):
                screen.query_one("#rate", Input).value = "1"
                screen.query_one("#steps", Input).value = "10"
                screen.query_one(field, Input).value = value
                await pilot.press("f5")
                await pilot.pause()
                assert words in str(message.render())
                assert message.display
                assert not screen.query(RunPanel)
            await pilot.press("escape")
            await pilot.pause()

            # a training table without a dataset offers no data or network choice
            app.open_training(no_dataset)
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, TrainingScreen)
            assert not screen.query("#data") and not screen.query("#hidden")
            await pilot.press("f5")
            await until_settled(pilot, screen)
            assert "step 4/4" in status(screen.query_one(RunPanel))
            await pilot.press("escape")
            await pilot.pause()

            # a long run can be stopped and the screen stays responsive
            app.open_training(load_exercise(_catalog_path("iris-mlp")))
            await pilot.pause()
            screen = app.screen
            screen.query_one("#steps", Input).value = "100000"
            await pilot.press("f5")
            await pilot.pause(0.5)
            panel = screen.query_one(RunPanel)
            assert 1 < len(panel.losses) < 100001
            await pilot.press("f4")
            await pilot.pause()
            taken = len(panel.losses)
            await pilot.pause(0.3)
            assert len(panel.losses) == taken  # stopped means stopped
            assert "stopped" in status(panel)

    run(scenario())


def test_a_new_exercise_like_this_from_the_catalog_or_the_summary_and_training_from_the_summary(tmp_path):
    async def scenario():
        app = TutorApp(store=ProgressStore(tmp_path))
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            await choose_in_catalog(pilot, "sigmoid neuron")
            await pilot.press("f4")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, ExerciseScreen)
            path = screen.session.exercise.path
            assert path.parent == tmp_path / "generated" and path.exists()
            assert load_exercise(path).title == screen.session.exercise.title  # the saved file is what is shown
            assert screen.query_one("#answer", Input).has_focus

            app.open_exercise(XOR)
            await pilot.pause()
            session = app.screen.session
            for index in range(len(session.steps)):
                session.go_to(index)
                session.reveal()
            assert session.finished
            app.show_summary(session)
            await pilot.pause()
            assert isinstance(app.screen, SummaryScreen)
            await pilot.press("f5")
            await pilot.pause()
            assert isinstance(app.screen, TrainingScreen)
            await pilot.press("escape")
            await pilot.pause()
            await pilot.press("f4")
            await pilot.pause()
            assert isinstance(app.screen, ExerciseScreen)
            generated = app.screen.session.exercise
            assert generated.path.parent == tmp_path / "generated" and generated.path != path
            assert "@" in " ".join(node.text for node in generated.nodes)  # a network like the XOR one

    run(scenario())


def _catalog_path(name: str):
    from tutor.exercise import exercise_path

    return exercise_path(name)
