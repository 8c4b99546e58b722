"""What the screens about one session share: the session, and saving its transcript."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.screen import Screen

from ..messages import ExportTranscript

if TYPE_CHECKING:
    from ...session import Session


class SessionScreen(Screen[None]):
    def __init__(self, session: Session, **kwargs) -> None:
        super().__init__(**kwargs)
        self.session = session

    def action_export(self) -> None:
        self.post_message(ExportTranscript(self.session))
