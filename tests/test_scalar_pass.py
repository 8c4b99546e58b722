"""The scalar pass (tutor/engine/scalar.py) against the NumPy pass: the same float64 numbers, bit for bit.

``solve`` takes the scalar pass when every input is a number; with the scalar pass switched off it
takes graph.py's NumPy pass, which it must agree with exactly (np.array_equal, not allclose), on the
whole catalog and on random expressions, and with the same message where that pass finds a problem.
"""

from __future__ import annotations

import textwrap
from unittest import mock

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tutor.engine import graph as graph_module
from tutor.engine import solve
from tutor.engine.graph import Solution
from tutor.engine.scalar import scalar_pass
from tutor.exercise import ExerciseFileError, catalog_names, parse_exercise, resolve_exercise


def numpy_solve(exercise) -> Solution:
    """solve() through graph.py's NumPy pass only."""
    with mock.patch.object(graph_module, "scalar_pass", lambda *arguments: None):
        return solve(exercise)


def took_scalar_pass(solution: Solution) -> bool:
    graph = solution.graph
    expressions = {name: node.expression for name, node in graph.nodes.items()}
    return scalar_pass(expressions, graph.inputs, solution.output) is not None


def assert_same_numbers(solution: Solution) -> None:
    reference = numpy_solve(solution.exercise)
    for ours, theirs in (
        (solution.values, reference.values),
        (solution.grads, reference.grads),
        (solution.updated, reference.updated),
        (solution.after_values, reference.after_values),
    ):
        assert list(ours) == list(theirs)
        for name in theirs:
            assert np.asarray(ours[name]).dtype == np.float64
            assert np.array_equal(ours[name], theirs[name]), (name, ours[name], theirs[name])
    for source, node in solution.edges:  # read off the scalar pass, or from graph.py's records
        ours_local, theirs_local = solution.local_derivative(node, source), reference.local_derivative(node, source)
        assert ours_local.elementwise == theirs_local.elementwise
        assert np.array_equal(ours_local.value, theirs_local.value), (node, source)


def exercise(text: str):
    return parse_exercise(textwrap.dedent(text), name="test")


@pytest.mark.parametrize("name", catalog_names())
def test_every_catalog_exercise_gets_the_numpy_pass_numbers(name):
    solution = solve(resolve_exercise(name))
    if solution.graph.nodes:
        assert_same_numbers(solution)


def test_the_scalar_pass_serves_the_scalar_catalog_exercises():
    """Not a vacuous comparison: most catalog exercises are numbers only, and take the scalar pass."""
    scalar = [name for name in catalog_names() if took_scalar_pass(solve(resolve_exercise(name)))]
    assert len(scalar) >= 10, scalar
    assert "micrograd-tanh-neuron" in scalar and "sigmoid-neuron-mse" in scalar


def test_vectors_take_the_numpy_pass():
    assert not took_scalar_pass(solve(resolve_exercise("iris-mlp")))
    assert not took_scalar_pass(solve(resolve_exercise("jacobian-df")))  # numbers in, a vector out


def test_renaming_constant_and_fan_out_nodes():
    solution = solve(
        exercise(
            """
            title = "fan-out"
            [inputs]
            x = 0.7
            w = -1.3
            [graph]
            a = "x"
            k = "2.5"
            b = "a*w + a*a - k"
            c = "b*b + tanh(b)*x"
            """
        )
    )
    assert took_scalar_pass(solution)
    assert_same_numbers(solution)
    assert float(solution.grads["k"]) != 0 and float(solution.grads["a"]) != 0


def test_local_derivatives_are_built_when_asked_after_a_scalar_pass():
    solution = solve(resolve_exercise("sigmoid-neuron-mse"))
    assert took_scalar_pass(solution)
    for source, node in solution.edges:
        local = solution.local_derivative(node, source)
        assert local.value.shape == () and np.isfinite(local.value)


# -- random expressions ---------------------------------------------------------------------------

NAMES = ("x", "y", "w")
UNARY = ("-{}", "sigmoid({})", "tanh({})", "exp({})", "log({})", "sqrt({})", "abs({})", "relu({})")
BINARY = ("{} + {}", "{} - {}", "{} * {}", "{} / {}", "{}^{}", "max({}, {})", "min({}, {})", "leaky_relu({}, {})")

leaves = st.one_of(st.sampled_from(NAMES), st.sampled_from(["0", "1", "2", "0.5", "3"]))
expressions = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.builds(lambda form, a: form.format(f"({a})"), st.sampled_from(UNARY), inner),
        st.builds(lambda form, a, b: form.format(f"({a})", f"({b})"), st.sampled_from(BINARY), inner, inner),
    ),
    max_leaves=6,
)
numbers = st.one_of(
    st.sampled_from([0.0, -0.0, 1.0, -1.0, 2.0, 0.5, 710.0, -745.5, 1e-320, 1e308]),
    st.floats(min_value=-50, max_value=50, allow_nan=False),
)


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(expressions, min_size=1, max_size=3), st.tuples(numbers, numbers, numbers))
def test_random_scalar_graphs_get_the_numpy_pass_numbers_or_its_error(nodes, inputs):
    """Three nodes at most, each of the names and the nodes before it; where the NumPy pass fails, solve
    fails with the same message."""
    graph = [f'n{index} = "{text}{" + n" + str(index - 1) if index else ""}"' for index, text in enumerate(nodes)]
    text = 'title = "random"\n[inputs]\n' + "".join(f"{name} = {value!r}\n" for name, value in zip(NAMES, inputs))
    text += "[graph]\n" + "\n".join(graph) + "\n"
    try:
        parsed = parse_exercise(text, name="random")
    except ExerciseFileError:
        event("refused by the loader")
        return  # an input such as 1e-320 that the loader refuses: nothing to compare
    try:
        solution = solve(parsed)
    except ExerciseFileError as error:
        with pytest.raises(ExerciseFileError) as numpy_error:
            numpy_solve(parsed)
        assert str(numpy_error.value) == str(error)
        event("a problem, the same from both passes")
        return
    event("scalar pass" if took_scalar_pass(solution) else "NumPy pass")
    assert_same_numbers(solution)
