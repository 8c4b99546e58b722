"""F9 in an exam with steps left blank: submit anyway, or go back to them."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from ..actions import bindings, key_hints
from ..widgets.keys_footer import KeysFooter


class ConfirmSubmitScreen(ModalScreen[bool]):
    BINDINGS = bindings("confirm-submit", "cancel-submit")

    def __init__(self, blank: int, total: int, **kwargs) -> None:
        super().__init__(**kwargs)
        self.blank = blank
        self.total = total

    def compose(self) -> ComposeResult:
        steps = "step is" if self.blank == 1 else "steps are"
        with Vertical(id="confirm-panel"):
            yield Static(f"{self.blank} of {self.total} {steps} still blank: a blank step scores 0.", id="confirm-text")
            yield Static(
                key_hints(("confirm-submit", "submit anyway"), ("cancel-submit", "back to the exam")), id="confirm-keys"
            )
        yield KeysFooter(compact=True)

    def action_submit(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
