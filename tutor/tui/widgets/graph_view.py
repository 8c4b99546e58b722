"""The computation graph, drawn by tutor.drawing and shown with Textual's line API.

Each row of the drawing becomes one Strip when the picture changes; scrolling and repainting then
only crop the rows on screen, so a large graph costs no more per frame than a small one.
"""

from __future__ import annotations

from itertools import groupby

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Offset, Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ...drawing import Drawing, Picture, draw

STYLES = ("node", "input", "current", "edge", "label", "value", "grad", "unknown")


class GraphView(ScrollView, can_focus=True):
    """Scrolls with the arrow keys when focused; follows the current node."""

    COMPONENT_CLASSES = {f"graph--{name}" for name in STYLES}

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.drawing: Drawing | None = None
        self.rows: list[Strip] = []
        self.styles_for: tuple[str, dict[str, Style]] | None = None  # (theme, styles): CSS lookups are slow

    def component_styles(self) -> dict[str, Style]:
        theme = self.app.theme
        if self.styles_for is None or self.styles_for[0] != theme:
            self.styles_for = (theme, {name: self.get_component_rich_style(f"graph--{name}", partial=True)
                                       for name in STYLES})
        return self.styles_for[1]

    def show(self, picture: Picture) -> None:
        self.drawing = draw(picture)
        self.rows = self.strips(self.drawing)
        self.virtual_size = Size(self.drawing.width, self.drawing.height)
        self.refresh()
        current = next((name for name, box in picture.boxes.items() if box.current), None)
        if current is not None and current in self.drawing.boxes:
            row, column, height, width = self.drawing.boxes[current]
            self.call_after_refresh(self.scroll_to_region, Region(column, row, width, height), animate=False,
                                    force=True)

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
            segments, column = [], 0
            for style, run in groupby(cells):
                width = len(list(run))
                segments.append(Segment(line[column:column + width], styles.get(style, plain)))
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
        return next((name for name, (top, left, height, width) in self.drawing.boxes.items()
                     if top <= row < top + height and left <= column < left + width), None)

    def on_resize(self) -> None:
        if self.drawing is not None:
            self.virtual_size = Size(self.drawing.width, self.drawing.height)
