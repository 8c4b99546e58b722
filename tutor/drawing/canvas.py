"""Draw a laid-out graph with box-drawing characters, as plain text plus style spans.

Each node is a box with its name and operation, its value once known and its gradient once known;
edges run left to right with an arrow into the node that uses them, labelled with their local
derivative during the backward pass. The result is plain text, so tests can read it, and a list of
(row, start, end, style) spans that the TUI turns into colours (never the only carrier of meaning).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .layout import Layout, layer_graph

MAX_BOX_TEXT = 16
MIN_GAP = 5
UP, DOWN, LEFT, RIGHT = 1, 2, 4, 8
LINE_CHARACTERS = {
    LEFT | RIGHT: "─", UP | DOWN: "│", DOWN | RIGHT: "┌", DOWN | LEFT: "┐", UP | RIGHT: "└", UP | LEFT: "┘",
    UP | DOWN | RIGHT: "├", UP | DOWN | LEFT: "┤", LEFT | RIGHT | DOWN: "┬", LEFT | RIGHT | UP: "┴",
    UP | DOWN | LEFT | RIGHT: "┼", LEFT: "─", RIGHT: "─", UP: "│", DOWN: "│",
}


@dataclass(frozen=True)
class NodeBox:
    name: str
    operation: str  # "+", "σ", ... and "" for an input
    value: str | None = None  # shown once known
    grad: str | None = None  # shown once known
    current: bool = False
    is_input: bool = False


@dataclass
class Picture:
    """What to draw: the nodes in evaluation order, inputs, edges and their labels."""

    boxes: dict[str, NodeBox]
    inputs: list[str]
    nodes: list[str]
    edges: list[tuple[str, str]]
    edge_labels: dict[tuple[str, str], str] = field(default_factory=dict)
    show_grads: bool = False


@dataclass
class Drawing:
    lines: list[str]
    spans: list[tuple[int, int, int, str]]  # (row, start, end, style)
    boxes: dict[str, tuple[int, int, int, int]]  # name -> (row, column, height, width)

    @property
    def width(self) -> int:
        return max((len(line) for line in self.lines), default=0)

    @property
    def height(self) -> int:
        return len(self.lines)

    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self.lines)


def _clip(text: str, width: int = MAX_BOX_TEXT) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def box_lines(box: NodeBox, show_grads: bool) -> list[str]:
    lines = [f"{box.name} {box.operation}".strip()]
    lines.append(f"= {box.value}" if box.value is not None else "= ?")
    if show_grads:
        lines.append(f"∇ {box.grad}" if box.grad is not None else "∇ ?")
    return [_clip(line) for line in lines]


def draw(picture: Picture) -> Drawing:
    layout = layer_graph(picture.nodes, picture.inputs, picture.edges)
    return _Painter(picture, layout).paint()


class _Painter:
    def __init__(self, picture: Picture, layout: Layout):
        self.picture = picture
        self.layout = layout
        self.incoming: dict[str, list[tuple[str, str]]] = {}
        for edge, route in layout.routes.items():
            self.incoming.setdefault(route[-1], []).append(edge)

    def slot_height(self, slot: str) -> int:
        if Layout.is_dummy(slot):
            return 1
        content = len(box_lines(self.picture.boxes[slot], self.picture.show_grads))
        return 2 + max(content, len(self.incoming.get(slot, [])))

    def slot_width(self, slot: str) -> int:
        if Layout.is_dummy(slot):
            return 1
        return 4 + max(len(line) for line in box_lines(self.picture.boxes[slot], self.picture.show_grads))

    def paint(self) -> Drawing:
        layers = self.layout.layers
        widths = [max((self.slot_width(slot) for slot in layer), default=1) for layer in layers]
        heights = [sum(self.slot_height(slot) + 1 for slot in layer) - 1 for layer in layers]
        total_height = max(heights, default=0)
        # segments between each pair of adjacent layers, grouped by gap
        gaps: list[list[tuple[str, str, tuple[str, str]]]] = [[] for _ in range(max(len(layers) - 1, 0))]
        for edge, route in self.layout.routes.items():
            for a, b in zip(route, route[1:]):
                gaps[self.layout.layer_of[a]].append((a, b, edge))
        label_width = max((len(label) for label in self.picture.edge_labels.values()), default=0)
        gap_widths = []
        for segments in gaps:
            sources = len({a for a, _, _ in segments})
            gap_widths.append(max(MIN_GAP, 2 + sources + (label_width + 1 if label_width else 0) + 1))
        columns = []
        x = 0
        for index, width in enumerate(widths):
            columns.append(x)
            x += width + (gap_widths[index] if index < len(gap_widths) else 0)
        canvas_width = x
        self.grid = [[" "] * canvas_width for _ in range(total_height)]
        self.bits = [[0] * canvas_width for _ in range(total_height)]
        self.spans: list[tuple[int, int, int, str]] = []
        self.labels: list[tuple[int, int, str, str]] = []  # arrow heads and edge labels, drawn over the lines
        position: dict[str, tuple[int, int, int, int]] = {}
        for index, layer in enumerate(layers):
            y = (total_height - heights[index]) // 2
            for slot in layer:
                height = self.slot_height(slot)
                width = widths[index] if not Layout.is_dummy(slot) else widths[index]
                position[slot] = (y, columns[index], height, width)
                y += height + 1
        self.position = position
        for index, segments in enumerate(gaps):
            self.route_gap(segments, columns[index] + widths[index], gap_widths[index])
        for slot, (row, column, height, width) in position.items():
            if Layout.is_dummy(slot):
                for x in range(column, column + width):
                    self.bits[row][x] |= LEFT | RIGHT
        self.render_lines()
        boxes = {}
        for slot, (row, column, height, width) in position.items():
            if not Layout.is_dummy(slot):
                self.draw_box(slot, row, column, height, width)
                boxes[slot] = (row, column, height, width)
        for (row, start, text, style) in self.labels:
            for offset, char in enumerate(text):
                self.grid[row][start + offset] = char
            self.spans.append((row, start, start + len(text), style))
        lines = ["".join(row) for row in self.grid]
        return Drawing(lines, self.spans, boxes)

    def entry_row(self, target: str, edge: tuple[str, str]) -> int:
        row, _, height, _ = self.position[target]
        if Layout.is_dummy(target):
            return row
        incoming = sorted(self.incoming.get(target, []), key=lambda item: self.position[item[0]][0]
                          if item[0] in self.position else 0)
        # spread the arrows over the box's inner rows, in the order of their sources
        routes = self.layout.routes
        order = sorted(incoming, key=lambda item: self.position[routes[item][-2]][0])
        return row + 1 + order.index(edge)

    def exit_row(self, source: str) -> int:
        row, _, height, _ = self.position[source]
        return row if Layout.is_dummy(source) else row + height // 2

    def route_gap(self, segments, start: int, width: int) -> None:
        sources = sorted({a for a, _, _ in segments}, key=lambda slot: self.position[slot][0])
        trunk_of = {source: start + 1 + rank for rank, source in enumerate(sources)}
        end = start + width - 1  # the arrow's column, just left of the next box
        for source, target, edge in segments:
            y0, y1 = self.exit_row(source), self.entry_row(target, edge)
            trunk = trunk_of[source]
            self.hline(y0, start, trunk)
            self.vline(trunk, y0, y1)
            self.hline(y1, trunk, end + (0 if not Layout.is_dummy(target) else 1))
            if not Layout.is_dummy(target):
                self.labels.append((y1, end, "▶", "edge"))
                label = self.picture.edge_labels.get(edge)
                if label:
                    self.labels.append((y1, end - len(label), label, "label"))

    def hline(self, row: int, x0: int, x1: int) -> None:
        if x0 == x1:
            return
        low, high = min(x0, x1), max(x0, x1)
        for x in range(low, high + 1):
            if x > low:
                self.bits[row][x] |= LEFT
            if x < high:
                self.bits[row][x] |= RIGHT

    def vline(self, column: int, y0: int, y1: int) -> None:
        if y0 == y1:
            return
        low, high = min(y0, y1), max(y0, y1)
        for y in range(low, high + 1):
            if y > low:
                self.bits[y][column] |= UP
            if y < high:
                self.bits[y][column] |= DOWN

    def render_lines(self) -> None:
        for y, row in enumerate(self.bits):
            for x, bits in enumerate(row):
                if bits:
                    self.grid[y][x] = LINE_CHARACTERS.get(bits, "┼")
                    self.spans.append((y, x, x + 1, "edge"))

    def draw_box(self, name: str, row: int, column: int, height: int, width: int) -> None:
        box = self.picture.boxes[name]
        lines = box_lines(box, self.picture.show_grads)
        style = "current" if box.current else "input" if box.is_input else "node"
        # the current node has a double border, so it stands out without colour too
        top_left, top_right, bottom_left, bottom_right, across, down = "╔╗╚╝═║" if box.current else "┌┐└┘─│"
        self.grid[row][column:column + width] = list(top_left + across * (width - 2) + top_right)
        self.grid[row + height - 1][column:column + width] = list(bottom_left + across * (width - 2) + bottom_right)
        for offset in range(1, height - 1):
            text = lines[offset - 1] if offset - 1 < len(lines) else ""
            self.grid[row + offset][column:column + width] = list(f"{down} " + text.ljust(width - 4) + f" {down}")
        for offset in range(height):
            self.spans.append((row + offset, column, column + width, style))
        for offset, text in enumerate(lines, start=1):
            if text.startswith("= ?") or text.startswith("∇ ?"):
                self.spans.append((row + offset, column + 2, column + 2 + len(text), "unknown"))
            elif text.startswith("∇"):
                self.spans.append((row + offset, column + 2, column + 2 + len(text), "grad"))
            elif text.startswith("="):
                self.spans.append((row + offset, column + 2, column + 2 + len(text), "value"))
