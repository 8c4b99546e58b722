"""The numbers the current step needs, in full: tutor.session.given decides which, this widget shows them."""

from __future__ import annotations

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from ...session.given import given_text


class GivenPanel(VerticalScroll, can_focus=False):
    """Scrolls when the numbers are taller than its space; packs them again when the width changes."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.session = None
        self.body = Static(id="given-body", markup=False)

    def compose(self):
        yield self.body

    def show(self, session) -> None:
        self.session = session
        self.update_text()

    def update_text(self) -> None:
        if self.session is None:
            return
        width = self.scrollable_content_region.width or self.app.size.width - 4
        text = given_text(self.session, max(width, 20))
        self.body.update(Text(text, no_wrap=True, overflow="ignore"))
        self.display = bool(text)

    @property
    def text(self) -> str:
        return str(self.body.render())

    def on_resize(self) -> None:
        self.update_text()
