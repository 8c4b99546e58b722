"""Local derivatives are worked out when first read, and the full Jacobian only when something reads it.

The reference is the dense construction the engine used before: the identity passed back through the
node gives every ∂zᵢ/∂xⱼ. Every catalog edge must give exactly its numbers (np.array_equal), while a
big elementwise node never allocates its n² Jacobian unless ``jacobian`` is read.
"""

from __future__ import annotations

import textwrap
import tracemalloc

import numpy as np
import pytest

from tutor.engine import solve
from tutor.engine.graph import backpropagate
from tutor.exercise import ExerciseFileError, catalog_names, parse_exercise, resolve_exercise
from tutor.session.steps import build_steps
from tutor_testing import tutor_command


def dense_jacobian(solution, node: str, source: str) -> np.ndarray:
    """∂node/∂source as the engine built it before: the identity passed back through the node."""
    evaluated = solution.evaluated[node]
    value = evaluated.value
    gradients: dict = {}
    backpropagate(evaluated, np.eye(value.size).reshape(value.shape + value.shape), gradients, only=source)
    source_shape = np.shape(solution.values[source])
    return gradients.get(source, np.zeros(value.shape + source_shape))


@pytest.mark.parametrize("name", catalog_names())
def test_every_catalog_edge_has_the_dense_constructions_numbers(name):
    solution = solve(resolve_exercise(name))
    for source, node in solution.edges:
        local = solution.local_derivative(node, source)
        expected = dense_jacobian(solution, node, source)
        assert local.shape == local.value.shape  # known before the value is built
        assert np.array_equal(local.jacobian, expected), (node, source)
        if local.elementwise:
            size = expected.size and int(np.sqrt(expected.size))
            assert np.array_equal(local.value, expected.reshape(size, size).diagonal().reshape(local.value.shape))
        else:
            assert np.array_equal(local.value, expected), (node, source)


def big_exercise(size: int, ask: str) -> str:
    numbers = ", ".join(f"{(k % 7) / 7 + 0.1:.3f}" for k in range(size))
    return textwrap.dedent(
        f"""
        title = "a long vector"
        ask = {ask}
        [inputs]
        v = [{numbers}]
        [graph]
        z = "sigmoid(v)*2"
        L = "sum(z*v)"
        """
    )


def peak_bytes(function) -> int:
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_long_elementwise_node_never_allocates_its_jacobian():
    """3,000 elements: each n² Jacobian would be 72 MB; the session's steps need only the diagonals."""
    size = 3_000
    exercise = parse_exercise(big_exercise(size, '["values", "local_derivatives", "gradients"]'), name="big")
    dense = size * size * 8
    solution = solve(exercise)
    peak = peak_bytes(lambda: build_steps(solution))
    assert peak < dense / 4, peak
    local = solution.local_derivative("z", "v")
    assert local.elementwise and local.value.shape == (size,)
    assert peak_bytes(lambda: local.jacobian) >= dense  # built when read, and only then
    assert local.jacobian.shape == (size, size)


def test_a_softmax_not_asked_for_is_never_built():
    """softmax's local derivative is its whole Jacobian: built for a learner asked for it, not otherwise."""

    def softmax_exercise(size: int, ask: str):
        text = big_exercise(size, ask).replace('"sigmoid(v)*2"', '"softmax(v)"')
        return solve(parse_exercise(text, name="softmax"))

    solution = softmax_exercise(2_000, '["values", "gradients"]')
    assert peak_bytes(lambda: build_steps(solution)) < 2_000 * 2_000 * 8 / 4
    asked = softmax_exercise(200, '["values", "local.z.v", "gradients"]')
    step = next(step for step in build_steps(asked) if str(step.quantity) == "local.z.v")
    assert step.shape == (200, 200)
    assert np.array_equal(asked.local_derivative("z", "v").value, dense_jacobian(asked, "z", "v"))


def test_a_matrix_products_three_axis_jacobian_is_never_built():
    """∂(W@v)/∂W has three axes: never asked, so validating and starting a session must not build it
    (100x100: 8 MB, where the steps take less than 2 MB); ∂(W@v)/∂v is W itself, and is asked."""
    size = 100
    rows = ", ".join("[" + ", ".join(str((r * 7 + c) % 10) for c in range(size)) + "]" for r in range(size))
    vector = ", ".join(f"{(k % 11) / 11:.2f}" for k in range(size))
    text = f'title = "W @ v"\n[inputs]\nW = [{rows}]\nv = [{vector}]\n[graph]\nz = "W @ v"\nL = "sum(z)"\n'
    solution = solve(parse_exercise(text, name="matmul"))
    steps = []
    assert peak_bytes(lambda: steps.extend(build_steps(solution))) < size**3 * 8 / 4
    asked = [str(step.quantity) for step in steps]
    assert "local.z.v" in asked and "local.z.W" not in asked and "grad.W" in asked
    assert np.array_equal(solution.local_derivative("z", "v").value, solution.values["W"])
    assert solution.local_derivative("z", "W").shape == (size, size, size)


def test_a_vector_output_whose_jacobians_are_too_big_is_refused_with_a_message(tmp_path):
    """Issue 13's `z = v*2` (over 20,000 ones there; the loader now refuses arrays over 10,000 elements, so 5,000
    here): every gradient is a 5,000-row Jacobian (50 million numbers). A clear problem at the output's line
    instead of a MemoryError; as a loss the same vector is fine."""
    ones = ", ".join(["1"] * 5_000)
    text = f'title = "twice"\n[inputs]\nv = [{ones}]\n[graph]\nz = "v*2"\n'
    with pytest.raises(ExerciseFileError) as error:
        solve(parse_exercise(text, name="twice"))
    assert "the output 'z' is a vector of 5000" in str(error.value) and "50,000,000 numbers" in str(error.value)
    path = tmp_path / "twice.toml"
    path.write_text(text)
    validate = tutor_command("validate", path)
    assert validate.returncode == 2 and "make the output a number" in validate.stdout, validate
    assert "Traceback" not in validate.stderr
    loss = solve(parse_exercise(text + 'L = "sum(z)"\n', name="twice"))
    assert np.array_equal(loss.grads["v"], np.full(5_000, 2.0))


def test_an_asked_local_derivative_too_big_to_work_with_is_refused_with_a_message():
    """softmax over 5,000 elements: ∂s/∂v has 25 million numbers. Asked for, the exercise is refused at the
    node's line (it used to build them, and a softmax of 15,000 ran out of memory); not asked, it is fine."""
    text = big_exercise(5_000, '["values", "local_derivatives", "gradients"]').replace('"sigmoid(v)*2"', '"softmax(v)"')
    with pytest.raises(ExerciseFileError) as error:
        build_steps(solve(parse_exercise(text, name="softmax")))
    message = str(error.value)
    assert "∂z/∂v is a 5000x5000 matrix: 25,000,000 numbers" in message and "leave it out of 'ask'" in message
    not_asked = text.replace('"local_derivatives", ', "")
    assert any(str(step.quantity) == "grad.v" for step in build_steps(solve(parse_exercise(not_asked, name="s"))))
