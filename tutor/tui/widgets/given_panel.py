"""The numbers the current step needs, in full: tutor.session.given decides which, this widget shows them."""

from __future__ import annotations

from rich.cells import cell_len
from rich.segment import Segment
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ...session.given import given_text


class GivenPanel(ScrollView, can_focus=False):
    """Scrolls when the numbers are taller than its space; packs them again when the width changes.

    Its lines are drawn with Textual's line API, as the graph's are: a widget inside a scrolling container
    would lay out the whole screen a second time whenever the numbers changed its size, at most steps."""

    COMPONENT_CLASSES = {"given--text"}
    DEFAULT_CSS = "GivenPanel { width: 1fr; overflow-x: hidden; }"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.session = None
        self.text = ""
        self.lines: list[str] = []

    def show(self, session) -> None:
        self.session = session
        self.update_text()

    def update_text(self) -> None:
        if self.session is None:
            return
        width = self.scrollable_content_region.width or self.app.size.width - 4
        self.text = given_text(self.session, max(width, 20))
        self.lines = self.text.splitlines()
        self.virtual_size = Size(max(map(cell_len, self.lines), default=0), len(self.lines))
        self.refresh()
        self.display = bool(self.text)

    def render_line(self, y: int) -> Strip:
        """The row's own cells only: Textual fills the rest of the row with the panel's background, as it did
        beside the text when it was a widget as wide as its text."""
        scroll_x, scroll_y = self.scroll_offset
        row = scroll_y + y
        if row >= len(self.lines):
            return Strip([])
        line = self.lines[row]
        text = Strip([Segment(line, self.get_component_rich_style("given--text"))], cell_len(line))
        return text.crop(scroll_x, scroll_x + self.size.width)

    def on_resize(self) -> None:
        self.update_text()
