"""How many drawings the graph view paints per step, and how long choosing its drawing takes, per terminal.

Prints figures, asserts nothing. "before" paints as tutor.drawing.viewport.fitting_drawing did: the roomy
drawing, then the compact one when the roomy one does not fit, then the dense one when the compact one is
too tall (up to 3 paintings per step); "after" is fitting_drawing now, which places the drawings it needs
(their size, no painting) and paints one. Every catalog step, at the viewports of benchmarks/graph_fit.py.
"""

from __future__ import annotations

import time

from tutor.drawing import COMPACT, DENSE, ROOMY, Drawing, Picture, draw
from tutor.drawing.viewport import VIEWPORTS, fitting_drawing
from tutor.exercise import catalog_names, resolve_exercise
from tutor.session import Session
from tutor.session.picture import session_picture


def painted_in_turn(picture: Picture, width: int, height: int) -> tuple[Drawing, int]:
    """The drawing the old fitting_drawing chose, and how many it painted to choose it."""
    roomy = draw(picture, ROOMY)
    if roomy.width <= width and roomy.height <= height:
        return roomy, 1
    compact = draw(picture, COMPACT)
    if compact.height <= height:
        return compact, 2
    return draw(picture, DENSE), 3


def main() -> None:
    pictures = []
    for name in catalog_names():
        session = Session(resolve_exercise(name))
        for index in range(len(session.steps)):
            session.go_to(index, save=False)
            pictures.append(session_picture(session))
    print(f"{len(pictures)} catalog steps")
    for terminal, (width, height) in VIEWPORTS.items():
        started = time.perf_counter()
        chosen_before, paintings = zip(*(painted_in_turn(picture, width, height) for picture in pictures))
        before = time.perf_counter() - started
        started = time.perf_counter()
        chosen_after = [fitting_drawing(picture, width, height) for picture in pictures]
        after = time.perf_counter() - started
        same = sum(old.text() == new.text() for old, new in zip(chosen_before, chosen_after))
        print(
            f"{terminal}: before {sum(paintings)} paintings ({max(paintings)} at most per step), "
            f"{1000 * before / len(pictures):.2f} ms per step; after {len(pictures)} paintings, "
            f"{1000 * after / len(pictures):.2f} ms per step ({before / after:.2f}x); same drawing at "
            f"{same} of {len(pictures)} steps"
        )


if __name__ == "__main__":
    main()
