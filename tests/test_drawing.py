"""The graph drawing as plain text: layers, ordering, boxes, edges, labels (no Textual)."""

from __future__ import annotations

import functools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tutor.drawing import COMPACT, DENSE, ROOMY, NodeBox, Picture, crossings, draw, layer_graph
from tutor.drawing.canvas import DOWN, LEFT, RIGHT, SHAPES, UNTAGGED, UP, Painter, box_lines
from tutor.drawing.viewport import VIEWPORTS, fitting_drawing, focus_boxes, in_view, scroll_offset
from tutor.exercise import catalog_names, resolve_exercise
from tutor.session import CORRECT, ProgressStore, Session
from tutor.session.picture import session_picture
from tutor.tui.app import TutorApp
from tutor_testing import footer_keys, run

INPUTS = ["x1", "x2", "w1", "w2", "b0", "y"]
NODES = ["p1", "p2", "z", "yhat", "L"]
EDGES = [
    ("w1", "p1"),
    ("x1", "p1"),
    ("w2", "p2"),
    ("x2", "p2"),
    ("p1", "z"),
    ("p2", "z"),
    ("b0", "z"),
    ("z", "yhat"),
    ("yhat", "L"),
    ("y", "L"),
]


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


@functools.cache
def step_pictures(name: str) -> tuple[Session, list[Picture]]:
    """A practice session of the catalog exercise and its graph as the learner sees it at each step: made once per
    test process for the tests that draw every exercise, which only read them."""
    session = Session(resolve_exercise(name))
    pictures = []
    for index in range(len(session.steps)):
        session.go_to(index, save=False)
        pictures.append(session_picture(session))
    return session, pictures


@pytest.mark.parametrize("name", catalog_names())
def test_every_catalog_exercise_draws(name):
    session, pictures = step_pictures(name)
    drawing = draw(pictures[0])
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


@pytest.mark.parametrize("name", catalog_names())
def test_a_drawings_least_size_is_never_more_than_its_placed_size(name):
    """fitting_drawing rules a density out by least_size, before planning its wires: a bound above the placed size
    would rule out a drawing that fits. At the first step (no value known) and the last (nearly all known)."""
    _, pictures = step_pictures(name)
    for picture in (pictures[0], pictures[-1]):
        layout = layer_graph(picture.nodes, picture.inputs, picture.edges)
        for density in (ROOMY, COMPACT, DENSE, SHAPES, UNTAGGED):
            painter = Painter(picture, layout, density)
            (least_width, least_height), (width, height) = painter.least_size(), painter.place()
            assert least_width <= width and least_height <= height, (density, least_width, width)


# -- wires: never through a box, never two sources joined into what reads as one wire ----------------


def assert_wires_readable(drawing) -> None:
    box_at = {  # each cell of a box, by its box's name: one look-up per wire cell instead of a loop over the boxes
        (row, column): name
        for name, (top, left, height, width) in drawing.boxes.items()
        for row in range(top, top + height)
        for column in range(left, left + width)
    }
    for (row, column), owners in drawing.wires.items():
        assert (row, column) not in box_at, f"a wire through {box_at[row, column]}"
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
        parents = draw_from(st.lists(st.sampled_from(earlier), min_size=1, max_size=min(3, len(earlier)), unique=True))
        edges += [(parent, name) for parent in parents]
        nodes.append(name)
    grads = draw_from(st.booleans())
    labels = {edge: "0.25" for edge in edges} if grads and draw_from(st.booleans()) else {}
    boxes = {name: NodeBox(name, "", "1", is_input=True) for name in inputs}
    boxes.update({name: NodeBox(name, "+", draw_from(st.sampled_from([None, "2.5", "-0.00616"]))) for name in nodes})
    return Picture(boxes, inputs, nodes, edges, labels, show_grads=grads)


# 100 examples, the same every run: either wire rule undone (trunks left in their sources' order, or no jog
# when they must cross where they turn) fails within the first 50
@settings(max_examples=100, deadline=None, derandomize=True, database=None)
@given(random_graphs(), st.sampled_from([ROOMY, COMPACT, DENSE]))
def test_random_graphs_have_readable_wires(graph, density):
    drawing = draw(graph, density)
    assert_wires_readable(drawing)
    assert drawing.text().count("▶") == len(graph.edges)


@pytest.mark.parametrize("name", catalog_names())
def test_catalog_drawings_have_readable_wires(name):
    for picture in step_pictures(name)[1][::3]:
        for density in (ROOMY, COMPACT, DENSE):
            assert_wires_readable(draw(picture, density))


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


# -- an exam's graph: the learner's own answers, marked as theirs, and nothing else ---------------------


def hidden_in_exam(picture, quantity, after_phase: bool) -> bool:
    """True when the picture does not show the true value of this (unanswered) step."""
    if quantity.kind == "value":
        return after_phase or picture.boxes[quantity.name].value is None
    if quantity.kind == "grad":
        return picture.boxes[quantity.name].grad is None
    if quantity.kind == "local":
        return (quantity.source, quantity.name) not in picture.edge_labels
    if quantity.kind == "formula":
        return True  # a formula step is not drawn
    return not after_phase or picture.boxes[quantity.name].value is None  # update, after


@pytest.mark.parametrize("name", catalog_names())
def test_an_exam_graph_never_shows_the_value_of_an_unanswered_step(name):
    session = Session(resolve_exercise(name), mode="exam")
    for index, step in enumerate(session.steps):
        session.go_to(index, save=False)
        picture = session_picture(session)
        after_phase = step.quantity.kind in ("after", "update")
        for other, state in zip(session.steps, session.states):
            if not state.answer:
                assert hidden_in_exam(picture, other.quantity, after_phase), (str(step.quantity), str(other.quantity))
        if index % 2 == 0:
            session.answer("0.5" if not step.quantity.name.startswith(("W", "V", "X")) else "0")


def test_an_exam_graph_shows_the_learners_own_answers_marked_as_theirs():
    session = Session(resolve_exercise("sigmoid-neuron-mse"), mode="exam")
    assert str(session.step.quantity) == "value.p1"
    session.answer("0.5")  # wrong (p1 = 0.8): still shown as typed, as not checked
    session.answer("1.4")  # p2, right
    picture = session_picture(session)
    assert picture.boxes["p1"].value == "0.5" and picture.boxes["p1"].value_is_yours
    assert picture.boxes["p2"].value == "1.4" and picture.boxes["p2"].value_is_yours
    assert picture.boxes["z"].value is None
    drawing = draw(picture)
    text = drawing.text()
    assert "≟ 0.5" in text and "≟ 1.4" in text and "= 0.8" in text  # w1 = 0.8 is given: an input
    assert "= 0.5" not in text
    row, column, _, width = drawing.boxes["p1"]
    styles = {style for span_row, start, end, style in drawing.spans if span_row == row + 2 and start > column}
    assert "yours" in styles  # a style of its own, beside the mark
    practice = Session(resolve_exercise("sigmoid-neuron-mse"))
    practice.answer("0.8")
    assert practice.mode == "practice" and session_picture(practice).boxes["p1"].value == "0.8"
    assert not session_picture(practice).boxes["p1"].value_is_yours  # checked: the value itself


# -- values in boxes: whole, or the tensor's shape, never cut --------------------------------------------


def test_a_value_that_fits_is_shown_whole_and_a_tensor_that_does_not_shows_only_its_shape_tag():
    matrix = "[[0.01, 0.02, 0.03], [0.03, 0.01, 0.02]]"
    boxes = {
        "W": NodeBox("W", "", matrix, is_input=True, shape=(2, 3)),
        "v": NodeBox("v", "", "[0.5, 2]", is_input=True, shape=(2,)),
        "z": NodeBox(
            "z", "@", "[0.25, 0.125, 0.0625, 3.5, 1.25, 0.5]", "[1, 2, 3, 4, 5, 6]", shape=(6,), grad_shape=(6,)
        ),
    }
    picture = Picture(boxes, ["W", "v"], ["z"], [("W", "z"), ("v", "z")], show_grads=True)
    for density in (ROOMY, COMPACT, DENSE):
        text = draw(picture, density).text()
        assert "W 2x3" in text and "= ⋯" in text and "[0.01" not in text  # known, in the given panel, not cut
        assert "v 2-vector" in text and "[0.5, 2]" in text  # fits: the whole value
        assert "z @ 6-vector" in text and "∇ ⋯" in text
        assert "…" not in text


@pytest.mark.parametrize("density", [ROOMY, COMPACT, DENSE, SHAPES])
def test_every_tensor_node_says_its_shape_in_every_density_but_the_last_resort(density):
    session = Session(resolve_exercise("conv-relu-pool-dense-softmax"))
    picture = session_picture(session)  # the first step: no value of a node known yet
    text = draw(picture, density).text()
    for name, tag in (("Y", "2x2"), ("R", "2x2"), ("z", "3-vector"), ("q", "3-vector")):
        lines = [line for line, _ in box_lines(picture.boxes[name], picture.show_grads, density)]
        assert f"{picture.boxes[name].operation} {tag}" in lines[0] or lines[1:2] == [tag], lines  # or under it
    assert "q softmax 3-vector" in text or density.max_text < len("q softmax 3-vector")
    number = box_lines(picture.boxes["p"], picture.show_grads, density)[0][0]
    assert number.split()[:3] in (["p", "max"], ["p", "max", "="]), number  # a number has no tag
    untagged = draw(session_picture(session), UNTAGGED).text()
    assert "Y conv2d = ?" in untagged and "X = 3x3" in untagged  # known values still read as their shape


@pytest.mark.parametrize("name", catalog_names())
def test_no_catalog_value_is_cut(name):
    session = Session(resolve_exercise(name))
    for state in session.states:
        state.status = CORRECT  # every value and gradient known
    for index in (0, len(session.steps) - 1):
        session.go_to(index, save=False)
        picture = session_picture(session)
        for density in (ROOMY, COMPACT, DENSE):
            drawing = draw(picture, density)
            for box_name, (row, column, height, width) in drawing.boxes.items():
                inside = [line[column : column + width] for line in drawing.lines[row : row + height]]
                values = [line for line in inside if "= " in line or "∇" in line]
                assert not any("…" in line for line in values), (box_name, inside)


# -- the view: the drawing that fits, scrolled to the current node and its operands ------------------------


@pytest.mark.parametrize("name", catalog_names())
def test_the_view_shows_the_current_node_and_its_operands_at_every_step(name):
    session, pictures = step_pictures(name)
    for step, picture in zip(session.steps, pictures):
        for terminal, (width, height) in VIEWPORTS.items():
            drawing = fitting_drawing(picture, width, height)
            focus = focus_boxes(drawing, picture)
            if focus is None:
                assert step.quantity.kind == "formula"  # the only steps about no node
                continue
            offset = scroll_offset(drawing, picture, width, height)
            current, operands = focus
            assert in_view(current, offset, width, height), (terminal, str(step.quantity))
            assert all(in_view(box, offset, width, height) for box in operands), (terminal, str(step.quantity))


def test_a_view_too_small_for_the_operands_shows_the_current_node_and_the_operands_nearest_it():
    session = Session(resolve_exercise("cs231n-staged-fanout"))
    session.go_to(
        next(index for index, step in enumerate(session.steps) if str(step.quantity) == "local.f.num"), save=False
    )
    picture = session_picture(session)
    width, height = 40, 4  # f's operands num and invden lie three layers apart: they cannot both be in view
    drawing = fitting_drawing(picture, width, height)
    current, operands = focus_boxes(drawing, picture)
    offset = scroll_offset(drawing, picture, width, height)
    assert in_view(current, offset, width, height)
    assert current[1] + current[3] == offset[0] + width  # the current box at the right edge, operands to its left
    assert [in_view(box, offset, width, height) for box in operands].count(True) == 1  # invden, beside it


def test_the_roomy_drawing_is_used_when_it_fits_and_the_compact_one_when_it_does_not():
    session = Session(resolve_exercise("sigmoid-neuron-mse"))
    picture = session_picture(session)
    roomy = draw(picture, ROOMY)
    assert fitting_drawing(picture, roomy.width, roomy.height).text() == roomy.text()
    small = fitting_drawing(picture, *VIEWPORTS["80x24"])
    assert small.text() == draw(picture, COMPACT).text() and small.height < roomy.height
    assert "┌" not in "".join(
        line[column : column + width]
        for row, column, _, width in small.boxes.values()
        for line in small.lines[row : row + 1]
    )  # compact boxes have no top border


@pytest.mark.parametrize("chosen", ["roomy", "compact", "dense"])
def test_fitting_a_view_paints_one_drawing_the_others_only_measured(monkeypatch, chosen):
    from tutor.drawing import canvas

    picture = session_picture(Session(resolve_exercise("sigmoid-neuron-mse")))
    roomy, compact = draw(picture, ROOMY), draw(picture, COMPACT)
    views = {  # the roomy drawing's size; a column narrower; a row shorter than the compact drawing
        "roomy": (ROOMY, roomy.width, roomy.height),
        "compact": (COMPACT, roomy.width - 1, roomy.height),
        "dense": (DENSE, roomy.width, compact.height - 1),
    }
    density, width, height = views[chosen]
    painted = []
    paint = canvas.Painter.paint
    monkeypatch.setattr(canvas.Painter, "paint", lambda painter: painted.append(painter.density) or paint(painter))
    drawing = fitting_drawing(picture, width, height)
    assert painted == [density]
    monkeypatch.undo()
    assert drawing.text() == draw(picture, density).text()


def test_a_skip_connection_too_wide_for_the_view_draws_every_tensor_by_its_shape():
    """residual-block's y = W2 @ h + x: x's box is four layers back. With the vectors' and matrices' numbers
    in their boxes, y and its operands are wider than the 80x24 view; by their shapes they fit."""
    session = Session(resolve_exercise("residual-block"))
    session.go_to(next(i for i, step in enumerate(session.steps) if str(step.quantity) == "value.y"), save=False)
    picture = session_picture(session)
    width, height = VIEWPORTS["80x24"]
    compact = draw(picture, COMPACT)
    operands = [compact.boxes[name] for name in ("y", "h", "W2", "x")]
    assert max(column + box_width for _, column, _, box_width in operands) - min(box[1] for box in operands) > width
    drawing = fitting_drawing(picture, width, height)
    # the shape tags of the values not known yet ("z + 2-vector = ?") make even the SHAPES drawing too wide
    shapes = draw(picture, SHAPES)
    assert max(column + box_width for _, column, _, box_width in (shapes.boxes[name] for name in ("y", "x"))) > width
    assert drawing.text() == draw(picture, UNTAGGED).text()
    text = drawing.text()
    assert "x = 2-vector" in text and "W1 = 2x2" in text and "[1, -2]" not in text  # the numbers: in the given panel
    offset = scroll_offset(drawing, picture, width, height)
    assert all(in_view(drawing.boxes[name], offset, width, height) for name in ("y", "h", "W2", "x"))


def test_the_issue_case_w2_is_in_view_when_p2_is_asked_at_80x24():
    session = Session(resolve_exercise("sigmoid-neuron-mse"))
    session.go_to(1, save=False)
    assert str(session.step.quantity) == "value.p2"
    picture = session_picture(session)
    width, height = VIEWPORTS["80x24"]
    drawing = fitting_drawing(picture, width, height)
    offset = scroll_offset(drawing, picture, width, height)
    for name in ("p2", "w2", "x2"):
        assert in_view(drawing.boxes[name], offset, width, height), name
    x, y = offset
    visible = "\n".join(line[x : x + width] for line in drawing.lines[y : y + height])
    assert "w2 = 1.4" in visible


def test_the_screen_draws_the_graph_once_for_the_size_it_gets_and_a_narrow_footer_keeps_quit_and_help(
    tmp_path, monkeypatch
):
    """Not at mount, when the view has no size yet (a roomy and a compact drawing that were thrown away). Then, in
    the same app, narrowed to 60x20: the Footer keeps quit and help in view, and nothing shows beside the palette
    key."""
    from tutor.drawing import canvas

    styles = []
    paint = canvas.Painter.paint
    monkeypatch.setattr(canvas.Painter, "paint", lambda painter: styles.append(painter.density) or paint(painter))

    async def scenario():
        app = TutorApp("sigmoid-neuron-mse", store=ProgressStore(tmp_path))
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            graph = app.screen.query_one("#graph")
            assert styles == [ROOMY]
            assert graph.drawing.text() == draw(graph.picture, ROOMY).text()
            await pilot.resize_terminal(60, 20)
            await pilot.pause()
            keys = await footer_keys(pilot)
            palette = keys["ctrl+p"]
            assert palette.region.right == 60  # no margin right of it, where a cut key showed through
            for key in ("ctrl+q", "f1"):
                assert keys[key].region.right <= palette.region.x, key  # in full view, left of the palette

    run(scenario())
