"""The end of an exercise: how it went."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer, Header, Static

from ...exercise.shown import visible
from .session_screen import EXPORT, SessionScreen


def format_seconds(seconds: float) -> str:
    minutes, seconds = divmod(int(round(seconds)), 60)
    return f"{minutes} min {seconds:02d} s" if minutes else f"{seconds} s"


class SummaryScreen(SessionScreen):
    BINDINGS = [
        EXPORT,
        Binding("escape", "app.back_to_catalog", "Catalog", id="summary-catalog"),
        Binding("f7", "review", "Review", tooltip="Go back over your steps", id="review"),
        Binding(
            "f4",
            "new_like",
            "New one",
            tooltip="Practise a freshly generated exercise like this one",
            id="summary-new-like",
        ),
        Binding(
            "f5",
            "train",
            "Train",
            tooltip="Run gradient descent on this exercise and plot the loss",
            id="summary-train",
        ),
    ]

    def compose(self) -> ComposeResult:
        summary = self.session.summary()
        yield Header()
        with Vertical(id="summary"):
            yield Static(visible(f"Finished: {self.session.exercise.title}"), id="summary-title", markup=False)
            yield Static(
                f"Steps: {summary.total}\n"
                f"Right first time: {summary.first_try}\n"
                f"Right after retries: {summary.after_retries}\n"
                f"Right with hints: {summary.hinted}\n"
                f"Revealed: {summary.revealed}\n"
                f"Time: {format_seconds(summary.seconds)}\n"
                f"Score: {summary.score:g} of {summary.max_score:g} ({summary.percent:.0f}%)",
                id="summary-body",
            )
            yield Static(
                "Escape: back to the catalog · F7: review your steps · F4: practise a new exercise like "
                "this one · F5: train it with gradient descent",
                id="summary-keys",
            )
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.title = visible(self.session.exercise.title)
        self.sub_title = "summary"

    def action_review(self) -> None:
        self.app.pop_screen()

    def action_new_like(self) -> None:
        self.app.practice_new_like(self.session.exercise)

    def action_train(self) -> None:
        self.app.open_training(self.session.exercise)
