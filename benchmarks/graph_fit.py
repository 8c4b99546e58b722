"""How many steps of the catalog show the current node and its operands in the graph view, per terminal.

Prints figures, asserts nothing. "before" is the view as it was: the roomy drawing, scrolled only as
far as needed to bring the current box into view from where the previous step left it (Textual's
scroll_to_region); "after" is tutor.drawing.viewport: the compact drawing when the roomy one does not
fit (the dense one when the compact one is too tall), and the scroll offset that it picks. The viewports are the graph area's scrollable cells at each
terminal size with the step panel showing feedback (see benchmarks/README.md).
"""

from __future__ import annotations

from tutor.drawing import ROOMY, draw
from tutor.drawing.viewport import VIEWPORTS, fitting_drawing, focus_boxes, in_view, scroll_offset
from tutor.exercise import catalog_names, resolve_exercise
from tutor.session import Session
from tutor.session.picture import session_picture


def minimal_scroll(offset: tuple[int, int], box, width: int, height: int, drawing) -> tuple[int, int]:
    """Textual's scroll_to_region: the least movement that brings the box into view."""
    row, column, box_height, box_width = box
    x, y = offset
    x = min(x, column) if column < x else max(x, column + box_width - width)
    y = min(y, row) if row < y else max(y, row + box_height - height)
    return (max(min(x, max(drawing.width - width, 0)), 0), max(min(y, max(drawing.height - height, 0)), 0))


def main() -> None:
    for terminal, (width, height) in VIEWPORTS.items():
        counts = {"before": [0, 0], "after": [0, 0]}  # [current node in view, with all its operands]
        total = 0
        for name in catalog_names():
            session = Session(resolve_exercise(name))
            offset = (0, 0)
            for index in range(len(session.steps)):
                session.go_to(index, save=False)
                picture = session_picture(session)
                roomy = draw(picture, ROOMY)
                if focus_boxes(roomy, picture) is None:
                    continue  # a step about no node (a formula)
                total += 1
                current, operands = focus_boxes(roomy, picture)
                offset = minimal_scroll(offset, current, width, height, roomy)
                for when, drawing, at in (("before", roomy, offset), ("after", None, None)):
                    if drawing is None:
                        drawing = fitting_drawing(picture, width, height)
                        at = scroll_offset(drawing, picture, width, height)
                    current, operands = focus_boxes(drawing, picture)
                    if in_view(current, at, width, height):
                        counts[when][0] += 1
                        if all(in_view(box, at, width, height) for box in operands):
                            counts[when][1] += 1
        print(f"{terminal} (view {width}x{height}), {total} steps:")
        for when, (current, everything) in counts.items():
            print(
                f"  {when:6}: current node in view {current:4} ({current / total:.0%}), "
                f"with all its operands {everything:4} ({everything / total:.0%})"
            )


if __name__ == "__main__":
    main()
