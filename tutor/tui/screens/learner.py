"""The learner's name, as it appears in transcripts: asked on first use, changed with F7 in the catalog."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from ...session.store import LEARNER_MAX_LENGTH, checked_learner
from ..actions import bindings
from ..widgets.keys_footer import KeysFooter


class LearnerScreen(ModalScreen[str | None]):
    """Returns the name typed (checked), or None on Escape."""

    BINDINGS = bindings("cancel-learner")

    def __init__(self, current: str, first_use: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self.current = current
        self.first_use = first_use

    def compose(self) -> ComposeResult:
        if self.first_use:
            question = "Welcome! What is your name? It goes on the transcripts you save (F6) for a teacher."
            skip = f"Escape: skip, and be “{self.current}”"
        else:
            question = "Your name, as it goes on the transcripts you save."
            skip = "Escape: keep the name you have"
        with Vertical(id="learner-panel"):
            yield Static(question)
            yield Input(value=self.current, max_length=LEARNER_MAX_LENGTH, id="learner-name")
            yield Static(id="learner-problem")
            yield Static(Text(f"Enter: use this name · {skip}"), id="learner-keys")
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one("#learner-name", Input).focus()

    @on(Input.Submitted, "#learner-name")
    def submitted(self, event: Input.Submitted) -> None:
        try:
            name = checked_learner(event.value)
        except ValueError as error:
            self.query_one("#learner-problem", Static).update(Text(f"Not that: {error}.", style="bold"))
            return
        self.dismiss(name)

    def action_cancel(self) -> None:
        self.dismiss(None)
