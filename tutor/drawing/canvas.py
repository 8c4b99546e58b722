"""Draw a laid-out graph with box-drawing characters, as plain text plus style spans.

Each node is a box with its name and operation, its value once known and its gradient once known;
edges run left to right with an arrow into the node that uses them, labelled with their local
derivative during the backward pass. The result is plain text, so tests can read it, and a list of
(row, start, end, style) spans that the TUI turns into colours (never the only carrier of meaning).

Wires never run through a box, and two wires from different sources never share a cell except in a
plain crossing (one straight across, the other straight down: ┼), so a join (├ ┬ ┴) always means one
value going to several places. Between two layers each source has a trunk column of its own; the
trunks are ordered so that a wire entering a box on a row never meets another source's wire leaving
on that row, and a source that cannot be ordered so first takes a short jog to a free row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from .layout import Layout, layer_graph

UP, DOWN, LEFT, RIGHT = 1, 2, 4, 8
LINE_CHARACTERS = {
    LEFT | RIGHT: "─",
    UP | DOWN: "│",
    DOWN | RIGHT: "┌",
    DOWN | LEFT: "┐",
    UP | RIGHT: "└",
    UP | LEFT: "┘",
    UP | DOWN | RIGHT: "├",
    UP | DOWN | LEFT: "┤",
    LEFT | RIGHT | DOWN: "┬",
    LEFT | RIGHT | UP: "┴",
    UP | DOWN | LEFT | RIGHT: "┼",
    LEFT: "─",
    RIGHT: "─",
    UP: "│",
    DOWN: "│",
}
YOURS = "≟"  # a learner's own answer, not checked (an exam): never "=", which states a value
NOT_SHOWN = "⋯"  # a tensor known but too wide for its box (the head says its shape): not clip's "…", a cut text


@dataclass(frozen=True)
class Density:
    """How much room the drawing takes: roomy boxes with borders, or compact ones for a small screen."""

    max_text: int  # the widest line of text in a box
    min_gap: int  # the fewest columns between two layers
    borders: bool  # a top and a bottom border row (compact boxes have side borders only)
    padding: int  # blank columns between a side border and the text
    row_gap: int = 1  # blank rows between two boxes of a layer
    run_in: int = 1  # columns of plain wire between the last trunk and an arrow (─▶ rather than ▶)
    tensor_values: bool = True  # a vector or matrix shows its numbers when they fit; else always its shape
    shape_tags: bool = True  # a vector's or matrix's head says its shape (z2 + 2-vector)


ROOMY = Density(max_text=16, min_gap=5, borders=True, padding=1)
# a column less per layer (└▶│box): a small screen shows one layer more side by side
COMPACT = Density(max_text=28, min_gap=3, borders=False, padding=0, run_in=0)
# for a graph area too short for the compact drawing: the boxes of a layer stacked without blank rows
DENSE = Density(max_text=28, min_gap=3, borders=False, padding=0, row_gap=0, run_in=0)
# for a graph whose current node and operands are too far apart even so: every vector and matrix shows its
# shape (the given panel beside the graph shows the numbers a step needs in full)
SHAPES = Density(max_text=28, min_gap=3, borders=False, padding=0, row_gap=0, run_in=0, tensor_values=False)
# the last resort, for the few graphs where even that is wider than an 80-column view (a row of vectors not yet
# known, each "z + 3-vector = ?"): the heads without their shape tags, known values still shown as their shape
UNTAGGED = Density(
    max_text=28, min_gap=3, borders=False, padding=0, row_gap=0, run_in=0, tensor_values=False, shape_tags=False
)


@dataclass(frozen=True)
class NodeBox:
    name: str
    operation: str  # "+", "σ", ... and "" for an input
    value: str | None = None  # shown once known
    grad: str | None = None  # shown once known
    current: bool = False
    is_input: bool = False
    shape: tuple[int, ...] = ()  # the value's shape: () for a number
    grad_shape: tuple[int, ...] = ()
    value_is_yours: bool = False  # value and grad are the learner's own answers, not checked
    grad_is_yours: bool = False


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
    # every wire cell: (row, column) -> {edge source: the directions its wire takes there}
    wires: dict[tuple[int, int], dict[str, int]] = field(default_factory=dict)

    @property
    def width(self) -> int:
        return max((len(line) for line in self.lines), default=0)

    @property
    def height(self) -> int:
        return len(self.lines)

    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self.lines)


def clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def shape_text(shape: tuple[int, ...], long: bool = True) -> str:
    """(2, 3) -> "2x3 matrix", (3,) -> "3-vector"; short: "2x3", "3-vector" stays readable as a size."""
    sizes = "x".join(str(size) for size in shape)
    if len(shape) == 1:
        return f"{sizes}-vector"
    if not long:
        return sizes
    return f"{sizes} matrix" if len(shape) == 2 else f"{sizes} array"


def _quantity(
    mark: str,
    text: str | None,
    yours: bool,
    shape: tuple[int, ...],
    *,
    room: int,
    tensor_values: bool = True,
    tagged: tuple[int, ...] = (),
) -> tuple[str, str]:
    """The text of a value or gradient within ``room`` columns, and its style. A tensor that does
    not fit, or any tensor when ``tensor_values`` is off, shows its shape instead, so a cut value never
    looks like a whole one; NOT_SHOWN when the box's head already says that shape (``tagged``)."""
    if text is None:
        return f"{mark} ?", "unknown"
    style = "yours" if yours else "value" if mark == "=" else "grad"
    mark = YOURS if yours and mark == "=" else f"{mark}{YOURS}" if yours else mark
    full = f"{mark} {text}"
    if not shape or (tensor_values and len(full) <= room):
        return clip(full, room), style
    if shape == tagged:
        return f"{mark} {NOT_SHOWN}", style
    forms = (shape_text(shape), shape_text(shape, long=False)) if tensor_values else (shape_text(shape, long=False),)
    for described in forms:
        if len(f"{mark} {described}") <= room:
            return f"{mark} {described}", style
    return clip(f"{mark} {shape_text(shape, long=False)}", room), style


Line = tuple[str, tuple[tuple[int, int, str], ...]]  # a line of a box, with (start, end, style) of its parts


@lru_cache(maxsize=4096)
def box_lines(box: NodeBox, show_grads: bool, density: Density = ROOMY) -> tuple[Line, ...]:
    """The box's lines of text. Roomy: the name, the value, the gradient on lines of their own; compact:
    all on one line when they fit (values shortened to their shape first), else as roomy. Cached (the
    result is immutable): from one step to the next most boxes are the same, and the view tries several
    densities."""
    # a vector or matrix says its shape by its name, even before its value is known or when it shows numbers;
    # in the SHAPES drawing a known value already reads as its shape (= 2x3) and the tag would only widen the box
    tagged = box.shape if density.shape_tags and (density.tensor_values or box.value is None) else ()
    tag = shape_text(tagged, long=False) if tagged else ""
    head = clip(f"{box.name} {box.operation}".strip(), density.max_text)
    if tag and len(head) + 1 + len(tag) <= density.max_text:
        head, tag = f"{head} {tag}", ""  # else the tag has a line of its own, never cut
    parts = [("=", box.value, box.value_is_yours, box.shape)]
    if show_grads:
        parts.append(("∇", box.grad, box.grad_is_yours, box.grad_shape))
    if not density.borders and not tag:
        room = density.max_text - len(head) - len(parts)  # a space before each part
        for share in (density.max_text, room // len(parts)):  # whole values if they fit, else a share each
            texts = [_quantity(*part, room=share, tensor_values=density.tensor_values, tagged=tagged) for part in parts]
            if sum(len(text) for text, _ in texts) <= room and not any(text.endswith("…") for text, _ in texts):
                line, spans = head, []
                for text, style in texts:
                    spans.append((len(line) + 1, len(line) + 1 + len(text), style))
                    line += " " + text
                return ((line, tuple(spans)),)
    lines: list[Line] = [(head, ())]
    if tag:
        lines.append((tag, ()))
    for part in parts:
        text, style = _quantity(*part, room=density.max_text, tensor_values=density.tensor_values, tagged=tagged)
        lines.append((text, ((0, len(text), style),)))
    return tuple(lines)


def draw(picture: Picture, density: Density = ROOMY) -> Drawing:
    layout = layer_graph(picture.nodes, picture.inputs, picture.edges)
    return Painter(picture, layout, density).paint()


@dataclass
class _GapPlan:
    """How the wires between two adjacent layers run: rows from the slots' positions, columns as offsets."""

    segments: list[tuple[str, str, tuple[str, str]]]  # (slot, next slot, edge)
    exit_row: dict[str, int]  # per source slot: the row its wire leaves on
    jog_row: dict[str, int]  # a source's free row, reached first in a jog column of its own
    trunks: list[str]  # the sources, left to right, after the jog columns
    entry_row: dict[tuple[str, tuple[str, str]], int]  # (target slot, edge) -> the row it enters on

    def width(self, label_width: int, density: Density) -> int:
        label = label_width + 1 if label_width else 0
        # a column of wire out of the box, the jogs and trunks, the run-in or the label, the arrow
        return max(density.min_gap, 1 + len(self.jog_row) + len(self.trunks) + max(density.run_in, label) + 1)


class Painter:
    """Places the boxes and plans the wires first (``place``: the drawing's size, cheap), then paints."""

    def __init__(self, picture: Picture, layout: Layout, density: Density):
        self.picture = picture
        self.layout = layout
        self.density = density
        self.incoming: dict[str, list[tuple[str, str]]] = {}
        for edge, route in layout.routes.items():
            self.incoming.setdefault(route[-1], []).append(edge)
        self.lines_of = {name: box_lines(box, picture.show_grads, density) for name, box in picture.boxes.items()}
        self.border_rows = 2 if density.borders else 0
        self.size: tuple[int, int] | None = None  # (width, height), once placed

    def slot_height(self, slot: str) -> int:
        if Layout.is_dummy(slot):
            return 1
        return self.border_rows + max(len(self.lines_of[slot]), len(self.incoming.get(slot, [])))

    def slot_width(self, slot: str) -> int:
        if Layout.is_dummy(slot):
            return 1
        return 2 + 2 * self.density.padding + max(len(text) for text, _ in self.lines_of[slot])

    def inner_rows(self, slot: str) -> range:
        row, _, height, _ = self.position[slot]
        if Layout.is_dummy(slot):
            return range(row, row + 1)
        inset = self.border_rows // 2
        return range(row + inset, row + height - inset)

    def layer_sizes(self) -> tuple[list[int], list[int]]:
        """Each layer's width (its widest box) and height (its boxes stacked), before any wire is planned."""
        layers = self.layout.layers
        widths = [max((self.slot_width(slot) for slot in layer), default=1) for layer in layers]
        gap = self.density.row_gap
        heights = [sum(self.slot_height(slot) + gap for slot in layer) - gap for layer in layers]
        return widths, heights

    def least_size(self) -> tuple[int, int]:
        """Never more than place()'s (width, height), found without planning the wires (the costly part): a gap
        between two layers is never narrower than min_gap, and a jog only adds rows. Rules out a drawing that
        cannot fit."""
        widths, heights = self.layer_sizes()
        return sum(widths) + self.density.min_gap * max(len(widths) - 1, 0), max(heights, default=0)

    def place(self) -> tuple[int, int]:
        """Where each box goes and how the wires run between the layers; the drawing's (width, height)."""
        if self.size is not None:
            return self.size
        layers = self.layout.layers
        widths, heights = self.layer_sizes()
        gap = self.density.row_gap
        total_height = max(heights, default=0)
        self.position: dict[str, tuple[int, int, int, int]] = {}
        rows_of: dict[str, tuple[int, int]] = {}
        for index, layer in enumerate(layers):
            y = (total_height - heights[index]) // 2
            for slot in layer:
                rows_of[slot] = (y, self.slot_height(slot))
                y += rows_of[slot][1] + gap
        gaps: list[list[tuple[str, str, tuple[str, str]]]] = [[] for _ in range(max(len(layers) - 1, 0))]
        for edge, route in self.layout.routes.items():
            for a, b in zip(route, route[1:]):
                gaps[self.layout.layer_of[a]].append((a, b, edge))
        # rows first (they decide the routing), then the columns that the routing needs
        self.position = {slot: (row, 0, height, 0) for slot, (row, height) in rows_of.items()}
        self.total_height = total_height
        plans = [self.plan_gap(segments) for segments in gaps]
        label_width = max((len(label) for label in self.picture.edge_labels.values()), default=0)
        gap_widths = [plan.width(label_width, self.density) for plan in plans]
        columns = []
        x = 0
        for index, width in enumerate(widths):
            columns.append(x)
            x += width + (gap_widths[index] if index < len(gap_widths) else 0)
        for index, layer in enumerate(layers):
            for slot in layer:
                row, height = rows_of[slot]
                self.position[slot] = (row, columns[index], height, widths[index])
        self.plans, self.gap_right = plans, [columns[index] + widths[index] for index in range(len(plans))]
        self.gap_widths = gap_widths
        self.size = x, total_height
        return self.size

    def paint(self) -> Drawing:
        width, _ = self.place()
        self.grid = [[" "] * width for _ in range(self.total_height)]
        self.wires: dict[tuple[int, int], dict[str, int]] = {}
        self.spans: list[tuple[int, int, int, str]] = []
        self.labels: list[tuple[int, int, str, str]] = []
        for plan, right, gap_width in zip(self.plans, self.gap_right, self.gap_widths):
            self.route_gap(plan, right, gap_width)
        for slot, (row, column, _, width) in self.position.items():
            if Layout.is_dummy(slot):
                source = slot[1:].split(">")[0]
                for x in range(column, column + width):
                    self.mark(row, x, source, (LEFT if x > column else 0) | (RIGHT if x < column + width - 1 else 0))
        self.render_lines()
        boxes = {}
        for slot, (row, column, height, width) in self.position.items():
            if not Layout.is_dummy(slot):
                self.draw_box(slot, row, column, height, width)
                boxes[slot] = (row, column, height, width)
        for row, start, text, style in self.labels:
            for offset, char in enumerate(text):
                self.grid[row][start + offset] = char
            self.spans.append((row, start, start + len(text), style))
        lines = ["".join(row) for row in self.grid]
        return Drawing(lines, self.spans, boxes, self.wires)

    def entry_rows(self, target: str, edges: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
        """Spread the arrows over the box's inner rows, in the order of their sources, top to bottom."""
        routes = self.layout.routes
        order = sorted(edges, key=lambda edge: self.position[routes[edge][-2]][0])
        rows = self.inner_rows(target)
        return {edge: rows[rank] for rank, edge in enumerate(order)}

    def plan_gap(self, segments) -> _GapPlan:
        entry_row: dict[tuple[str, tuple[str, str]], int] = {}
        by_target: dict[str, list[tuple[str, str]]] = {}
        for _, target, edge in segments:
            by_target.setdefault(target, []).append(edge)
        for target, edges in by_target.items():
            for edge, row in self.entry_rows(target, edges).items():
                entry_row[(target, edge)] = row
        sources = sorted({a for a, _, _ in segments}, key=lambda slot: self.position[slot][0])
        entering = {}  # row -> the source whose wire enters on it
        for source, target, edge in segments:
            entering[entry_row[(target, edge)]] = source
        exit_row = {}
        for source in sources:
            rows = self.inner_rows(source)
            middle = rows[len(rows) // 2] if not Layout.is_dummy(source) else rows[0]
            free = [row for row in rows if entering.get(row, source) == source]
            exit_row[source] = min(free, key=lambda row: (abs(row - middle), row)) if free else middle
        jog_row: dict[str, int] = {}
        while True:
            trunks = self.order_trunks(sources, exit_row, jog_row, entering)
            if trunks is not None:
                return _GapPlan(segments, exit_row, jog_row, trunks, entry_row)
            # a cycle: the sources' wires must cross where they turn; one of them jogs to a row nobody uses
            stuck = next(
                source
                for source in sources
                if source not in jog_row and entering.get(exit_row[source], source) != source
            )
            used = set(entering) | set(exit_row.values()) | set(jog_row.values())
            free = [row for row in range(self.total_height) if row not in used]
            if not free:  # every row is taken: a new one below the drawing
                free = [self.total_height]
                self.total_height += 1
            jog_row[stuck] = min(free, key=lambda row: abs(row - exit_row[stuck]))

    @staticmethod
    def order_trunks(sources, exit_row, jog_row, entering) -> list[str] | None:
        """The sources' trunks left to right so that a wire leaving on a row (to its trunk) ends left of
        the trunk of any other wire entering on that row; None when the rule has a cycle."""
        after: dict[str, set[str]] = {source: set() for source in sources}  # source -> trunks right of it
        for source in sources:
            row = jog_row.get(source, exit_row[source])
            other = entering.get(row)
            if other is not None and other != source:
                after[source].add(other)
        ordered: list[str] = []
        waiting = {source: sum(source in later for later in after.values()) for source in sources}
        ready = [source for source in sources if waiting[source] == 0]
        while ready:
            source = ready.pop(0)
            ordered.append(source)
            for later in sorted(after[source], key=sources.index):
                waiting[later] -= 1
                if waiting[later] == 0:
                    ready.append(later)
            ready.sort(key=sources.index)
        return ordered if len(ordered) == len(sources) else None

    def route_gap(self, plan: _GapPlan, start: int, width: int) -> None:
        jog_column = {source: start + 1 + rank for rank, source in enumerate(plan.jog_row)}
        trunk_of = {source: start + 1 + len(plan.jog_row) + rank for rank, source in enumerate(plan.trunks)}
        end = start + width - 1  # the arrow's column, just left of the next box
        for source in plan.trunks:
            owner = self.edge_source(source)
            y0 = plan.exit_row[source]
            if source in plan.jog_row:
                column, y0 = jog_column[source], plan.jog_row[source]
                self.hline(plan.exit_row[source], start, column, owner)
                self.vline(column, plan.exit_row[source], y0, owner)
                self.hline(y0, column, trunk_of[source], owner)
            else:
                self.hline(y0, start, trunk_of[source], owner)
            for slot, target, edge in plan.segments:
                if slot != source:
                    continue
                y1 = plan.entry_row[(target, edge)]
                self.vline(trunk_of[source], y0, y1, owner)
                self.hline(y1, trunk_of[source], end + (0 if not Layout.is_dummy(target) else 1), owner)
                if not Layout.is_dummy(target):
                    self.labels.append((y1, end, "▶", "edge"))
                    label = self.picture.edge_labels.get(edge)
                    if label:
                        self.labels.append((y1, end - len(label), label, "label"))

    @staticmethod
    def edge_source(slot: str) -> str:
        """The node a wire carries the value of: a dummy slot "~source>target#k" carries its source's."""
        return slot[1:].split(">")[0] if Layout.is_dummy(slot) else slot

    def mark(self, row: int, column: int, owner: str, bits: int) -> None:
        cell = self.wires.setdefault((row, column), {})
        cell[owner] = cell.get(owner, 0) | bits

    def hline(self, row: int, x0: int, x1: int, owner: str) -> None:
        if x0 == x1:
            return
        low, high = min(x0, x1), max(x0, x1)
        for x in range(low, high + 1):
            self.mark(row, x, owner, (LEFT if x > low else 0) | (RIGHT if x < high else 0))

    def vline(self, column: int, y0: int, y1: int, owner: str) -> None:
        if y0 == y1:
            return
        low, high = min(y0, y1), max(y0, y1)
        for y in range(low, high + 1):
            self.mark(y, column, owner, (UP if y > low else 0) | (DOWN if y < high else 0))

    def render_lines(self) -> None:
        for (y, x), owners in self.wires.items():
            bits = 0
            for owner_bits in owners.values():
                bits |= owner_bits
            if bits:
                self.grid[y][x] = LINE_CHARACTERS.get(bits, "┼")
                self.spans.append((y, x, x + 1, "edge"))

    def draw_box(self, name: str, row: int, column: int, height: int, width: int) -> None:
        box = self.picture.boxes[name]
        lines = self.lines_of[name]
        style = "current" if box.current else "input" if box.is_input else "node"
        # the current node has a double border, so it stands out without colour too
        top_left, top_right, bottom_left, bottom_right, across, down = "╔╗╚╝═║" if box.current else "┌┐└┘─│"
        inset = self.border_rows // 2
        if self.density.borders:
            self.grid[row][column : column + width] = list(top_left + across * (width - 2) + top_right)
            self.grid[row + height - 1][column : column + width] = list(
                bottom_left + across * (width - 2) + bottom_right
            )
        pad = " " * self.density.padding
        text_width = width - 2 - 2 * self.density.padding
        for offset in range(inset, height - inset):
            text = lines[offset - inset][0] if offset - inset < len(lines) else ""
            line = f"{down}{pad}" + text.ljust(text_width) + f"{pad}{down}"
            self.grid[row + offset][column : column + width] = list(line)
        for offset in range(height):
            self.spans.append((row + offset, column, column + width, style))
        left = column + 1 + self.density.padding
        for offset, (_, parts) in enumerate(lines, start=inset):
            for start, end, part_style in parts:
                self.spans.append((row + offset, left + start, left + end, part_style))
