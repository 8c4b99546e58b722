"""The computation graph, drawn by tutor.drawing and shown in a scrollable box."""

from __future__ import annotations

from rich.text import Text
from textual.containers import ScrollableContainer
from textual.geometry import Region
from textual.widgets import Static

from ...drawing import Drawing, Picture, draw


class GraphView(ScrollableContainer, can_focus=True):
    """Scrolls with the arrow keys when focused; follows the current node."""

    COMPONENT_CLASSES = {
        "graph--node", "graph--input", "graph--current", "graph--edge", "graph--label", "graph--value",
        "graph--grad", "graph--unknown",
    }

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.drawing: Drawing | None = None
        self.canvas = Static(id="graph-canvas")

    def compose(self):
        yield self.canvas

    def show(self, picture: Picture) -> None:
        self.drawing = draw(picture)
        self.canvas.update(self.render_drawing(self.drawing))
        current = next((name for name, box in picture.boxes.items() if box.current), None)
        if current is not None and current in self.drawing.boxes:
            row, column, height, width = self.drawing.boxes[current]
            self.call_after_refresh(self.follow, row, column, height, width)

    def follow(self, row: int, column: int, height: int, width: int) -> None:
        self.scroll_to_region(Region(column, row, width, height), animate=False, force=True)

    def render_drawing(self, drawing: Drawing) -> Text:
        styles = {name: self.get_component_rich_style(f"graph--{name}", partial=True) for name in
                  ("node", "input", "current", "edge", "label", "value", "grad", "unknown")}
        text = Text(no_wrap=True, overflow="crop")
        offsets = []
        for line in drawing.lines:
            offsets.append(len(text))
            text.append(line.rstrip())
            text.append("\n")
        for row, start, end, style in drawing.spans:
            line_length = len(drawing.lines[row].rstrip())
            if start >= line_length:
                continue
            text.stylize(styles[style], offsets[row] + start, offsets[row] + min(end, line_length))
        return text
