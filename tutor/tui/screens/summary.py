"""The end of an exercise: how it went."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Footer, Header, Static

from ...exercise.shown import visible
from ..actions import bindings, key_hints
from ..messages import OpenTraining, PracticeNewLike
from .session_screen import SessionScreen


def format_seconds(seconds: float) -> str:
    minutes, seconds = divmod(int(round(seconds)), 60)
    return f"{minutes} min {seconds:02d} s" if minutes else f"{seconds} s"


class SummaryScreen(SessionScreen):
    BINDINGS = bindings("export", "catalog", "review", "new-like", "train")

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
                key_hints(
                    ("catalog", "back to the catalog"),
                    ("review", "review your steps"),
                    ("new-like", "practise a new exercise like this one"),
                    ("train", "train it with gradient descent"),
                ),
                id="summary-keys",
            )
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.title = visible(self.session.exercise.title)
        self.sub_title = "summary"

    def action_review(self) -> None:
        self.app.pop_screen()

    def action_new_like(self) -> None:
        self.post_message(PracticeNewLike(self.session.exercise))

    def action_train(self) -> None:
        self.post_message(OpenTraining(self.session.exercise))
