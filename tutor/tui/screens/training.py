"""Gradient descent, live: each run's loss (and accuracy) plotted as it trains, runs side by side."""

from __future__ import annotations

import time

from textual.app import ComposeResult
from textual.containers import Horizontal, HorizontalScroll
from textual.screen import Screen
from textual.widgets import Header, Input, Label, Select, Static

from ...exercise.errors import ExerciseFileError
from ...exercise.model import Exercise
from ...exercise.shown import visible
from ...training import Trainer, TrainingError, default_learning_rate, default_steps
from ...training.runs import (
    ACTIVATIONS,
    RunSettings,
    can_vary_network,
    read_settings,
    start_run,
    training_dataset,
)
from ..actions import bindings
from ..widgets.keys_footer import KeysFooter
from ..widgets.run_panel import RunPanel

FRAME_SECONDS = 1 / 15  # how often the plots are redrawn while runs train
FRAME_BUDGET = 0.03  # training time per frame, shared by the running runs, so keys stay responsive


class TrainingScreen(Screen):
    BINDINGS = bindings("train-run", "train-stop", "train-clear", "train-back")

    def __init__(self, exercise: Exercise, **kwargs):
        super().__init__(**kwargs)
        self.exercise = exercise
        self.running: list[tuple[RunPanel, Trainer, int]] = []  # panel, trainer, the number of updates asked for

    def compose(self) -> ComposeResult:
        exercise = self.exercise
        yield Header()
        yield Static(
            "F5 runs gradient descent with these settings; each run gets its own panel, side by side.",
            id="training-intro",
        )
        with Horizontal(classes="training-settings"):
            yield Label("rate", classes="setting-label")
            yield Input(f"{default_learning_rate(exercise):g}", type="number", id="rate", compact=True)
            yield Label("steps", classes="setting-label")
            yield Input(str(default_steps(exercise)), type="integer", id="steps", compact=True)
            dataset = training_dataset(exercise)
            if dataset is not None:
                yield Label("data", classes="setting-label")
                yield Select(
                    [(f"dataset {dataset}", True), ("its own numbers", False)],
                    value=True,
                    allow_blank=False,
                    id="data",
                    compact=True,
                )
        if can_vary_network(exercise):
            with Horizontal(classes="training-settings"):
                yield Label("network: hidden units", classes="setting-label")
                yield Input(placeholder="as written", type="integer", id="hidden", compact=True)
                yield Label("activation", classes="setting-label")
                yield Select(
                    [("as written", None)] + [(name, name) for name in ACTIVATIONS],
                    value=None,
                    allow_blank=False,
                    id="activation",
                    compact=True,
                )
        yield Static(id="training-message")
        yield HorizontalScroll(id="runs")
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        self.title = visible(self.exercise.title)
        self.sub_title = "training"
        self.query_one("#rate", Input).focus()
        self.set_interval(FRAME_SECONDS, self.advance)

    # -- the settings the learner chose --------------------------------------------------------
    def settings(self) -> RunSettings:
        """The run described by the fields; a ValueError says which field is wrong."""
        exercise = self.exercise
        varies = can_vary_network(exercise)
        activation: Select[str | None] | None = self.query_one("#activation", Select) if varies else None
        return read_settings(
            self.query_one("#rate", Input).value,
            self.query_one("#steps", Input).value,
            dataset=training_dataset(exercise) is not None and bool(self.query_one("#data", Select).value),
            hidden=self.query_one("#hidden", Input).value if varies else "",
            activation=activation.selection if activation is not None else None,
        )

    def say(self, text: str) -> None:
        message = self.query_one("#training-message", Static)
        message.update(text)
        message.display = bool(text)

    # -- actions -------------------------------------------------------------------------------
    async def action_run(self) -> None:
        try:
            settings = self.settings()
            trainer = start_run(self.exercise, settings)
        except ValueError as error:
            self.say(f"✗ {str(error)[0].upper()}{str(error)[1:]}.")
            return
        except (ExerciseFileError, TrainingError) as error:
            self.say(f"✗ {error}")
            return
        self.say("")
        panel = RunPanel(
            len(self.query(RunPanel)) + 1,
            settings.label(self.exercise),
            settings.steps,
            has_accuracy=trainer.has_accuracy,
            classes="run",
        )
        # awaited: the panel has composed its charts before the first frame trains it
        await self.query_one("#runs", HorizontalScroll).mount(panel)
        panel.scroll_visible()
        self.running.append((panel, trainer, settings.steps))

    def action_stop(self) -> None:
        for panel, _, _ in self.running:
            panel.state = "stopped"
        self.running = []

    async def action_clear(self) -> None:
        self.running = []
        await self.query_one("#runs", HorizontalScroll).remove_children()

    def action_back(self) -> None:
        self.app.pop_screen()

    def advance(self) -> None:
        """Train each running run for its share of the frame, then show what it reached."""
        if not self.running:
            return
        share = FRAME_BUDGET / len(self.running)
        still_running = []
        for panel, trainer, total in self.running:
            done = panel.record.step if panel.record is not None else 0  # updates taken in earlier frames
            started, taken = time.perf_counter(), []
            try:
                for step in trainer.steps(total - done):
                    taken.append(step)
                    if time.perf_counter() - started > share:
                        break
            except TrainingError as error:
                panel.add(taken)
                panel.state = str(error)
                continue
            panel.add(taken)
            if (panel.record.step if panel.record is not None else 0) < total:
                still_running.append((panel, trainer, total))
            else:
                panel.state = "finished"
        self.running = still_running
