"""Fitting a drawing to the part of the screen that shows it (no Textual here, so tests can check it).

The roomy drawing is used when it fits the viewport, the compact one otherwise (the dense one, without
blank rows between boxes, when the compact one is taller than the viewport; the one that shows every
vector and matrix by its shape when the current node and its operands are still wider than the view,
as wide tensors' boxes and a skip connection make them, and as a last resort that one without the shape
tags of the values not known yet); the view then
scrolls as little as it can (from the top left) to show the current node together with its operands
(the boxes whose wires enter it), and when they do not all fit, the current node first and as many
operands as fit.
"""

from __future__ import annotations

from .canvas import COMPACT, DENSE, ROOMY, SHAPES, UNTAGGED, Drawing, Painter, Picture
from .layout import layer_graph

Box = tuple[int, int, int, int]  # (row, column, height, width), as in Drawing.boxes


def fitting_drawing(picture: Picture, width: int, height: int) -> Drawing:
    """One drawing painted: the graph is laid out once, and a drawing that does not fit is only placed, or
    only measured when even its boxes alone are too big."""
    layout = layer_graph(picture.nodes, picture.inputs, picture.edges)
    roomy = Painter(picture, layout, ROOMY)
    if _fits(roomy.least_size(), width, height) and _fits(roomy.place(), width, height):
        return roomy.paint()
    compact = Painter(picture, layout, COMPACT)
    # no blank rows between boxes when the compact drawing is too tall: a tall layer's operands fit
    fits_height = compact.least_size()[1] <= height and compact.place()[1] <= height
    chosen = compact if fits_height else Painter(picture, layout, DENSE)
    for density in (SHAPES, UNTAGGED):  # narrower and narrower, while the current node and operands do not fit
        if _focus_width(chosen, picture) <= width:
            break
        narrower = Painter(picture, layout, density)
        if _focus_width(narrower, picture) < _focus_width(chosen, picture):
            chosen = narrower
    return chosen.paint()


def _fits(size: tuple[int, int], width: int, height: int) -> bool:
    return size[0] <= width and size[1] <= height


def _focus_width(painter: Painter, picture: Picture) -> int:
    """The columns from the leftmost to the rightmost of the current node and its operands, once placed."""
    current = current_node(picture)
    if current is None:
        return 0
    painter.place()
    names = [current, *(source for source, target in picture.edges if target == current)]
    boxes = [painter.position[name] for name in names if name in painter.position]
    return max(column + box_width for _, column, _, box_width in boxes) - min(column for _, column, _, _ in boxes)


def current_node(picture: Picture) -> str | None:
    return next((name for name, box in picture.boxes.items() if box.current), None)


def focus_boxes(drawing: Drawing, picture: Picture) -> tuple[Box, list[Box]] | None:
    """The current node's box and its operands' boxes, or None when no node is current."""
    current = current_node(picture)
    if current is None or current not in drawing.boxes:
        return None
    operands = [drawing.boxes[source] for source, target in picture.edges if target == current]
    return drawing.boxes[current], operands


def _least(start: int, length: int, view: int) -> int:
    """The smallest offset that shows (start, length) in a view of ``view`` cells, its start when it is
    longer: as much of the drawing before it as there is room for, and little movement between steps."""
    return max(min(start, start + length - view), 0)


def scroll_offset(drawing: Drawing, picture: Picture, width: int, height: int) -> tuple[int, int]:
    """Where to scroll a ``width`` x ``height`` view of ``drawing``: (x, y) of its top left cell."""
    focus = focus_boxes(drawing, picture)
    if focus is None:
        return 0, 0
    current, operands = focus
    row, column, box_height, box_width = current
    boxes = [current, *operands]
    top = min(box[0] for box in boxes)
    left = min(box[1] for box in boxes)
    bottom = max(box[0] + box[2] for box in boxes)
    right = max(box[1] + box[3] for box in boxes)
    if right - left <= width:
        x = _least(left, right - left, width)
    else:  # the operands are on the left: the current box at the right edge, and what fits of them
        x = _least(column, box_width, width)
    if bottom - top <= height:
        y = _least(top, bottom - top, height)
    else:  # the current box, and the operands above and below it as far as they fit, evenly
        y = max(min(row - (height - box_height) // 2, row), 0)
    return x, y


def in_view(box: Box, offset: tuple[int, int], width: int, height: int) -> bool:
    row, column, box_height, box_width = box
    x, y = offset
    return x <= column and column + box_width <= x + width and y <= row and row + box_height <= y + height


# The graph area's scrollable cells (a scrollbar on each side taken off) at three terminal sizes, with
# the step panel showing a line of feedback and a hint; tests and benchmarks/graph_fit.py use them.
VIEWPORTS = {"80x24": (77, 8), "100x30": (97, 14), "120x40": (117, 24)}
