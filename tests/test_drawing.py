"""The graph drawing as plain text: layers, ordering, boxes, edges, labels (no Textual)."""

from __future__ import annotations

import pytest

from hypothesis import given, settings
from hypothesis import strategies as st

from tutor.drawing import COMPACT, ROOMY, NodeBox, Picture, crossings, draw, layer_graph
from tutor.drawing.canvas import DOWN, LEFT, RIGHT, UP
from tutor.exercise import catalog_names, resolve_exercise
from tutor.session import Session
from tutor.session.picture import session_picture

INPUTS = ["x1", "x2", "w1", "w2", "b0", "y"]
NODES = ["p1", "p2", "z", "yhat", "L"]
EDGES = [("w1", "p1"), ("x1", "p1"), ("w2", "p2"), ("x2", "p2"), ("p1", "z"), ("p2", "z"), ("b0", "z"),
         ("z", "yhat"), ("yhat", "L"), ("y", "L")]


def picture(**changes) -> Picture:
    boxes = {name: NodeBox(name, "", "1", is_input=True) for name in INPUTS}
    boxes.update({name: NodeBox(name, "+") for name in NODES})
    boxes.update(changes.pop("boxes", {}))
    return Picture(boxes, INPUTS, NODES, EDGES, **changes)


def test_layers_go_left_to_right_with_each_input_just_before_its_first_use():
    layout = layer_graph(NODES, INPUTS, EDGES)
    assert layout.layer_of["p1"] == 1 and layout.layer_of["z"] == 2 and layout.layer_of["L"] == 4
    assert layout.layer_of["x1"] == 0
    assert layout.layer_of["b0"] == 1  # used first by z, in layer 2
    assert layout.layer_of["y"] == 3  # used by L only
    # the edge z -> L would skip layers: here none does, so there are no dummy slots
    assert all(not slot.startswith("~") for layer in layout.layers for slot in layer)


def test_long_edges_get_a_slot_in_every_layer_they_cross():
    layout = layer_graph(["a", "b", "c"], ["x"], [("x", "a"), ("a", "b"), ("b", "c"), ("a", "c")])
    route = layout.routes[("a", "c")]
    assert route[0] == "a" and route[-1] == "c" and len(route) == 3
    assert route[1].startswith("~")


def test_barycenter_ordering_removes_avoidable_crossings():
    # inputs listed in an order that crosses every edge; the sweeps must untangle it
    inputs = ["a", "b", "c", "d"]
    nodes = ["p", "q", "r", "s"]
    edges = [("a", "s"), ("b", "r"), ("c", "q"), ("d", "p")]
    layout = layer_graph(nodes, inputs, edges)
    assert crossings(layout) == 0


def test_boxes_show_name_operation_value_and_gradient():
    text = draw(picture(boxes={"z": NodeBox("z", "+", "2.8", "-0.0062", current=True)}, show_grads=True)).text()
    assert "z +" in text and "= 2.8" in text and "∇ -0.0062" in text
    assert "= ?" in text  # an unknown value is marked in text, not colour
    assert "╔" in text and "╗" in text  # the current node has a double border
    assert text.count("▶") == len(EDGES)  # one arrow per edge


def test_gradients_appear_only_in_the_backward_pass():
    assert "∇" not in draw(picture()).text()
    assert "∇ ?" in draw(picture(show_grads=True)).text()


def test_edge_labels_carry_the_local_derivative():
    text = draw(picture(edge_labels={("z", "yhat"): "0.054"}, show_grads=True)).text()
    assert "0.054▶" in text


def test_spans_cover_the_drawing_and_name_semantic_styles():
    drawing = draw(picture(boxes={"z": NodeBox("z", "+", current=True)}))
    styles = {style for _, _, _, style in drawing.spans}
    assert {"current", "node", "input", "edge", "unknown", "value"} <= styles
    for row, start, end, _ in drawing.spans:
        assert 0 <= row < drawing.height and 0 <= start < end <= len(drawing.lines[row])


@pytest.mark.parametrize("name", catalog_names())
def test_every_catalog_exercise_draws(name):
    session = Session(resolve_exercise(name))
    drawing = draw(session_picture(session))
    text = drawing.text()
    for node in session.solution.graph.names:
        assert node in text  # every input and node has its box
    assert set(drawing.boxes) == set(session.solution.graph.names)
    # boxes never overlap
    cells = set()
    for row, column, height, width in drawing.boxes.values():
        box = {(r, c) for r in range(row, row + height) for c in range(column, column + width)}
        assert not cells & box
        cells |= box


# -- wires: never through a box, never two sources joined into what reads as one wire ----------------

def assert_wires_readable(drawing) -> None:
    for (row, column), owners in drawing.wires.items():
        for name, (top, left, height, width) in drawing.boxes.items():
            assert not (top <= row < top + height and left <= column < left + width), f"a wire through {name}"
        if len(owners) > 1:
            # two sources share a cell only in a plain crossing: one straight across, one straight down
            assert sorted(owners.values()) == [UP | DOWN, LEFT | RIGHT], (row, column, owners)


@st.composite
def random_graphs(draw_from):
    inputs = [f"x{index}" for index in range(draw_from(st.integers(1, 5)))]
    nodes, edges = [], []
    for index in range(draw_from(st.integers(1, 8))):
        name = f"n{index}"
        earlier = inputs + nodes
        parents = draw_from(st.lists(st.sampled_from(earlier), min_size=1, max_size=min(3, len(earlier)),
                                     unique=True))
        edges += [(parent, name) for parent in parents]
        nodes.append(name)
    grads = draw_from(st.booleans())
    labels = {edge: "0.25" for edge in edges} if grads and draw_from(st.booleans()) else {}
    boxes = {name: NodeBox(name, "", "1", is_input=True) for name in inputs}
    boxes.update({name: NodeBox(name, "+", draw_from(st.sampled_from([None, "2.5", "-0.00616"]))) for name in nodes})
    return Picture(boxes, inputs, nodes, edges, labels, show_grads=grads)


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(random_graphs(), st.sampled_from([ROOMY, COMPACT]))
def test_random_graphs_have_readable_wires(graph, density):
    drawing = draw(graph, density)
    assert_wires_readable(drawing)
    assert drawing.text().count("▶") == len(graph.edges)


@pytest.mark.parametrize("density", [ROOMY, COMPACT], ids=["roomy", "compact"])
@pytest.mark.parametrize("name", catalog_names())
def test_catalog_drawings_have_readable_wires(name, density):
    session = Session(resolve_exercise(name))
    for index in range(0, len(session.steps), 3):
        session.go_to(index, save=False)
        assert_wires_readable(draw(session_picture(session), density))


def test_two_wires_that_must_cross_where_they_turn_are_kept_apart_by_a_jog():
    # x0 leaves on the row where x1's wire enters n0, and x1 leaves on the row where x0's enters n1:
    # no order of their trunks separates them, so one of them first steps to a free row
    inputs, nodes = ["x0", "x1", "x2", "x3"], ["n0", "n1", "n2"]
    edges = [("x1", "n0"), ("x2", "n1"), ("x0", "n1"), ("x1", "n2")]
    boxes = {name: NodeBox(name, "", "1", is_input=True) for name in inputs}
    boxes.update({name: NodeBox(name, "+") for name in nodes})
    drawing = draw(Picture(boxes, inputs, nodes, edges), COMPACT)
    assert_wires_readable(drawing)
    x0_rows = {row for (row, _), owners in drawing.wires.items() if "x0" in owners}
    assert len(x0_rows) >= 3  # leaves, steps down, enters: three rows, not a straight run across
