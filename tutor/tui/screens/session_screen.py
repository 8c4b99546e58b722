"""What the screens about one session share: the session, and saving its transcript."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.screen import Screen

if TYPE_CHECKING:
    from ...session import Session

# Placed in each screen's BINDINGS where it belongs in that screen's Footer.
EXPORT = Binding("f6", "export", "Save", tooltip="Save the transcript as Markdown, JSON and HTML", id="export")


class SessionScreen(Screen):
    def __init__(self, session: Session, **kwargs):
        super().__init__(**kwargs)
        self.session = session

    def action_export(self) -> None:
        self.app.export_transcript(self.session)
