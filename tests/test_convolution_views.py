"""A convolution's map beyond the given panel: in the inspector (F7) at its output, input and kernel, and as
products in `tutor solve --json`."""

from __future__ import annotations

import json

import numpy as np

from tutor.engine import solve
from tutor.exercise import resolve_exercise
from tutor.session import ProgressStore, Session
from tutor.session.convolution import convolutions
from tutor.session.given import node_details
from tutor.tui.app import TutorApp
from tutor.tui.screens.inspect import InspectScreen
from tutor_testing import run, text_of, tutor_command

CONVOLUTION_EXERCISES = ("conv2d-forward-backward", "conv2d-stride2-padding1", "conv-relu-pool-dense-softmax")


def test_solve_json_gives_every_product_and_they_add_up_to_the_convolution():
    for name in CONVOLUTION_EXERCISES:
        result = tutor_command("solve", name, "--json")
        assert result.returncode == 0, result.stderr
        data = json.loads(result.stdout)
        solution = solve(resolve_exercise(name))
        assert len(data["convolutions"]) == len(convolutions(solution)) >= 1
        for convolution in data["convolutions"]:
            image = np.asarray(data["nodes"][convolution["input"]]["value"])
            kernel = np.asarray(data["nodes"][convolution["kernel"]]["value"])
            rebuilt: dict[tuple, float] = {}
            for product in convolution["products"]:
                term = 0.0 if product["input"] is None else image[tuple(np.subtract(product["input"], 1))]
                key = tuple(product["output"])
                rebuilt[key] = rebuilt.get(key, 0.0) + term * kernel[tuple(np.subtract(product["kernel"], 1))]
            rows, columns = np.max(list(rebuilt), axis=0)
            assembled = np.array([[rebuilt[(i, j)] for j in range(1, columns + 1)] for i in range(1, rows + 1)])
            output = convolution["output"]
            if output in data["nodes"]:  # a conv2d inside a node's expression is named by that expression
                np.testing.assert_allclose(assembled, data["nodes"][output]["value"], atol=1e-12)
            else:
                np.testing.assert_allclose(assembled, _conv_value(solution, image, kernel, convolution), atol=1e-12)
    assert "convolutions" not in json.loads(tutor_command("solve", "sigmoid-neuron-mse", "--json").stdout)


def _conv_value(solution, image, kernel, convolution) -> np.ndarray:
    """The convolution computed here, from its definition, for one named by an expression."""
    padding, stride = convolution["padding"], convolution["stride"]
    padded = np.pad(image, padding)
    rows = (padded.shape[0] - kernel.shape[0]) // stride + 1
    columns = (padded.shape[1] - kernel.shape[1]) // stride + 1
    return np.array(
        [
            [
                np.sum(
                    padded[i * stride : i * stride + kernel.shape[0], j * stride : j * stride + kernel.shape[1]]
                    * kernel
                )
                for j in range(columns)
            ]
            for i in range(rows)
        ]
    )


def test_the_inspector_text_shows_the_map_at_a_convolutions_output_input_and_kernel_only():
    session = Session(resolve_exercise("conv2d-stride2-padding1"))
    (convolution,) = convolutions(session.solution)
    for name, view in (
        (convolution.output, convolution.by_output),
        (convolution.input, convolution.by_input),
        (convolution.kernel, convolution.by_kernel),
    ):
        details = node_details(session, name, 50)
        assert "\n".join(view(50)) in details
        assert all(len(line) <= 50 for line in view(50)[1:])  # the entries flowed to the width (not the heading)
    assert "entry →" not in node_details(session, session.solution.output, 50)
    assert "X22 → Y22·K11" in node_details(session, "X", 50)  # stride 2, padding 1: X22 meets K11 in Y22 only


def test_f7_on_a_convolution_exercise_shows_the_kernel_map(tmp_path):
    async def scenario():
        app = TutorApp("conv2d-stride2-padding1", store=ProgressStore(tmp_path))
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await pilot.press("f7")
            await pilot.pause()
            inspector = app.screen
            assert isinstance(inspector, InspectScreen)
            inspector.show_node("K")
            await pilot.pause()
            details = text_of(inspector, "#inspect-details")
            assert "K entry → Y entry it feeds · X entry met" in details and "K22 → Y11·X11" in details

    run(scenario())
