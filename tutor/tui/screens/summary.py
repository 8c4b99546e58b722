"""The end of an exercise: how it went, what changed in the learner's skills, and what to practise next."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Header, Static
from textual.worker import Worker, WorkerError, WorkerState

from ...exercise.shown import visible
from ...exercise.skills import Skill
from ..actions import bindings, key_hints
from ..learner_progress import LearnerProgress, next_words, practise_next, read_progress
from ..messages import OpenTraining, PracticeNewLike
from ..widgets.keys_footer import KeysFooter
from .session_screen import SessionScreen

if TYPE_CHECKING:
    from ...session import ProgressStore, Session
    from ...session.learner import LearnerModel

CHANGE_SHOWN = 0.005  # a mastery that moved less than this reads the same at two decimals


def format_seconds(seconds: float) -> str:
    minutes, seconds = divmod(int(round(seconds)), 60)
    return f"{minutes} min {seconds:02d} s" if minutes else f"{seconds} s"


def model_change(before: LearnerModel | None, progress: LearnerProgress) -> Text:
    """What the exercise changed in the model, skill by skill (``before``: the model without this session, so a
    resumed session's earlier answers count too), then what to practise next."""
    text = Text()
    if before is not None:  # else unknown: the exercise was finished before it was opened, or the name changed
        changes = []
        for skill in Skill:
            old, new = before.skills[skill], progress.model.skills[skill]
            if new.attempts == old.attempts and abs(new.mastery - old.mastery) < CHANGE_SHOWN:
                continue
            change = f"{skill} {old.mastery:.2f} → {new.mastery:.2f}"
            changes.append(change + (" (now mastered)" if new.mastered and not old.mastered else ""))
        if changes:
            text.append("Your skills: ", style="bold")
            text.append(", ".join(changes) + ".")
        else:
            text.append("Your skills are as they were: no answer of this exercise was evidence about them.")
        text.append("\n")
    text.append("Next: ", style="bold")
    return text.append(visible(next_words(progress)) + ".")


class SummaryScreen(SessionScreen):
    BINDINGS = bindings("export", "catalog", "practise-next", "review", "new-like", "train")

    def __init__(self, session: Session, before: Worker[tuple[str, LearnerModel]] | None = None, **kwargs) -> None:
        """``before``: the worker that read the learner and their model without this session (as it opened)."""
        super().__init__(session, **kwargs)
        self.before = before
        self.progress: LearnerProgress | None = None  # the model now and its recommendation, once read

    def compose(self) -> ComposeResult:
        summary = self.session.summary()
        yield Header()
        with VerticalScroll(id="summary"):
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
            yield Static("Your skills: reading your sessions…", id="summary-model", markup=False)
            yield Static(
                key_hints(
                    ("catalog", "back to the catalog"),
                    ("practise-next", "practise next"),
                    ("review", "review your steps"),
                    ("new-like", "practise a new exercise like this one"),
                    ("train", "train it with gradient descent"),
                ),
                id="summary-keys",
            )
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        self.title = visible(self.session.exercise.title)
        self.sub_title = "summary"
        store = self.session.store
        if store is None:  # a session kept nowhere feeds no learner model
            self.query_one("#summary-model", Static).display = False
            return
        self.run_worker(self.read_change(store), exclusive=True, exit_on_error=False)

    async def read_change(self, store: ProgressStore) -> tuple[LearnerModel | None, LearnerProgress]:
        """The model before the exercise (None when unknown) and the model now, with what to practise next."""
        before = None
        if self.before is not None:
            try:
                before = await self.before.wait()
            except WorkerError:  # it failed: this exercise's change is not known
                pass
        progress = await asyncio.to_thread(read_progress, store)
        # a model of another learner (the name changed meanwhile) says nothing about this exercise
        return (before[1] if before and before[0] == progress.learner else None), progress

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        shown = self.query_one("#summary-model", Static)
        if event.state == WorkerState.SUCCESS:
            result = event.worker.result
            assert result is not None  # read_change returns a pair
            before, self.progress = result
            shown.update(model_change(before, self.progress))
        elif event.state == WorkerState.ERROR:
            shown.update(visible(f"Your skills could not be read: {event.worker.error}"))

    def action_practise_next(self) -> None:
        practise_next(self, self.progress)

    def action_review(self) -> None:
        self.app.pop_screen()

    def action_new_like(self) -> None:
        self.post_message(PracticeNewLike(self.session.exercise))

    def action_train(self) -> None:
        self.post_message(OpenTraining(self.session.exercise))
