"""The computation graph, drawn by tutor.drawing and shown with Textual's line API.

Each row of the drawing becomes one Strip when the picture changes; scrolling and repainting then
only crop the rows on screen, so a large graph costs no more per frame than a small one. The drawing
is the roomy one when it fits the view, else the compact one, and the view scrolls to the current
node and its operands (tutor.drawing.viewport decides both, so tests can check them without a screen).
"""

from __future__ import annotations

from itertools import groupby

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Offset, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ...drawing import Drawing, Picture
from ...drawing.viewport import fitting_drawing, scroll_offset

STYLES = ("node", "input", "current", "edge", "label", "value", "grad", "unknown", "yours")


class GraphView(ScrollView, can_focus=True):
    """Scrolls with the arrow keys when focused; follows the current node."""

    COMPONENT_CLASSES = {f"graph--{name}" for name in STYLES}
    # an exam's answers, not checked yet: the learner's own, never styled as a known value
    DEFAULT_CSS = "GraphView > .graph--yours { color: $text-primary; text-style: italic; }"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.picture: Picture | None = None
        self.drawn_for = (0, 0)  # the view size the drawing was chosen for
        self.drawing: Drawing | None = None
        self.rows: list[Strip] = []
        self.styles_for: tuple[str, dict[str, Style]] | None = None  # (theme, styles): CSS lookups are slow

    def component_styles(self) -> dict[str, Style]:
        theme = self.app.theme
        if self.styles_for is None or self.styles_for[0] != theme:
            self.styles_for = (
                theme,
                {name: self.get_component_rich_style(f"graph--{name}", partial=True) for name in STYLES},
            )
        return self.styles_for[1]

    def show(self, picture: Picture) -> None:
        self.picture = picture
        if not self.size:  # not laid out yet: on_resize draws it once, for the size it gets
            return
        self.drawn_for = width, height = self.view_size()
        self.drawing = fitting_drawing(picture, width, height)
        self.rows = self.strips(self.drawing)
        self.virtual_size = Size(self.drawing.width, self.drawing.height)
        self.refresh()
        self.call_after_refresh(self.follow_current)

    def view_size(self) -> tuple[int, int]:
        """The cells that show the drawing, with room kept for the scrollbars a large drawing brings."""
        scrollbar = self.styles.scrollbar_size_vertical, self.styles.scrollbar_size_horizontal
        return max(self.size.width - scrollbar[0], 1), max(self.size.height - scrollbar[1], 1)

    def follow_current(self) -> None:
        if self.drawing is None or self.picture is None:
            return
        region = self.scrollable_content_region
        x, y = scroll_offset(self.drawing, self.picture, region.width, region.height)
        self.scroll_to(x, y, animate=False, force=True, immediate=True)

    def strips(self, drawing: Drawing) -> list[Strip]:
        """One Strip per row; a later span's style wins, as boxes are drawn over edges."""
        styles = self.component_styles()
        plain = Style()
        per_row: list[list[str | None]] = [[None] * len(line) for line in drawing.lines]
        for row, start, end, style in drawing.spans:
            cells = per_row[row]
            end = min(end, len(cells))
            if start < end:
                cells[start:end] = [style] * (end - start)
        rows = []
        for line, cells in zip(drawing.lines, per_row):
            segments: list[Segment] = []
            column = 0
            for name, run in groupby(cells):
                width = len(list(run))
                segments.append(Segment(line[column : column + width], styles.get(name or "", plain)))
                column += width
            rows.append(Strip(segments, len(line)))
        return rows

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        row = scroll_y + y
        width = self.size.width
        if row >= len(self.rows):
            return Strip.blank(width, self.rich_style)
        return self.rows[row].crop_extend(scroll_x, scroll_x + width, self.rich_style)

    def node_at(self, offset: Offset) -> str | None:
        """The node whose box is at ``offset`` (relative to the content region): what a click chose."""
        if self.drawing is None:
            return None
        column, row = offset.x + int(self.scroll_offset.x), offset.y + int(self.scroll_offset.y)
        return next(
            (
                name
                for name, (top, left, height, width) in self.drawing.boxes.items()
                if top <= row < top + height and left <= column < left + width
            ),
            None,
        )

    def on_resize(self) -> None:
        if self.picture is not None and self.view_size() != self.drawn_for:
            self.show(self.picture)  # the roomy or the compact drawing, for the new size
