"""The NumPy engine against central finite differences: every operation, every input, every edge.

Each case is a tiny exercise whose output is a number (a loss) built with one operation on vector
or matrix inputs chosen away from kinks. ``solve`` gives the gradient of the loss with respect to
every input; central differences of the forward pass (``solution.graph.forward``) must agree.
The local derivatives on every edge (``LocalValue.jacobian``) are checked the same way, by
differencing the node's own expression with respect to the source.
"""

from __future__ import annotations

import inspect
import textwrap
import warnings

import numpy as np
import pytest

from tutor.engine import OPERATIONS, solve
from tutor.engine.graph import Solution
from tutor.engine.slips import SLIPS
from tutor.exercise import ExerciseFileError, parse_exercise, resolve_exercise
from tutor.exercise.expression import Index, calls_in
from tutor.exercise.operations import ACTIVATIONS, OPERATION_TABLE
from tutor_testing import ATOL, RTOL, STEP, central_differences, numeric_gradient

# -- finite differences ---------------------------------------------------------------------------


def numeric_local(solution: Solution, node: str, source: str, step: float = STEP) -> np.ndarray:
    """∂node/∂source holding the node's other inputs fixed, shape node.shape + source.shape."""

    def node_value(moved: np.ndarray) -> np.ndarray:
        return solution.graph.evaluate_node(node, {**solution.values, source: moved}).value

    return central_differences(node_value, solution.values[source], step)


def assert_gradients_match(solution: Solution) -> None:
    for name in solution.graph.inputs:
        analytic = solution.grads[name]
        numeric = numeric_gradient(solution, name)
        assert analytic.shape == numeric.shape, (name, analytic.shape, numeric.shape)
        assert np.allclose(analytic, numeric, rtol=RTOL, atol=ATOL), (name, analytic, numeric)


def exercise(text: str):
    return parse_exercise(textwrap.dedent(text), name="test")


# -- one tiny exercise per operation -----------------------------------------------------------------

# Vectors and matrices used below: generic numbers, no zeros, no ties, no kinks.
COMMON = """
x = [0.7, -1.3, 0.4]
y = [1.1, 0.5, -0.9]
p = [0.6, 1.7, 2.3]
c = [0.3, -1.2, 0.8]
s = 1.3
W = [[0.2, -0.5, 0.9], [1.4, 0.3, -0.7]]
V = [[0.5, -0.2], [0.1, 0.8], [-0.6, 0.4]]
C = [[0.9, -0.4, 0.2], [0.5, 1.1, -0.3]]
r = [0.7, -0.4]
I = [[0.3, -1.1, 0.8, 0.5, -0.2], [1.2, 0.4, -0.7, 0.9, 0.6], [-0.5, 0.7, 0.2, -1.3, 0.1], [0.8, -0.6, 1.5, 0.3, -0.9]]
K = [[0.5, -1.2], [0.3, 0.8]]
P = [[0.3, -1.1, 0.8, 0.5], [1.2, 0.4, -0.7, 0.9], [-0.5, 0.7, 0.2, -1.3], [0.8, -0.6, 1.5, 0.1]]
g = [1.2, 0.8, -0.5, 1.1, 0.7]
h = [0.1, -0.3, 0.2, 0.4, -0.6]
"""

CASES: dict[str, tuple[set[str], str]] = {
    # name: (operations it exercises, [graph])
    "add-vectors": ({"add"}, 'z = "x + y"\nL = "sum(c * z)"'),
    "add-number-to-vector": ({"add"}, 'z = "x + s"\nL = "sum(c * z)"'),
    "add-vector-to-matrix-rows": ({"add"}, 'Z = "W + y"\nL = "sum(C * Z)"'),
    "subtract-vectors": ({"subtract"}, 'z = "x - y"\nL = "sum(c * z)"'),
    "subtract-vector-from-number": ({"subtract"}, 'z = "s - x"\nL = "sum(c * z)"'),
    "multiply-vectors": ({"multiply"}, 'z = "x * y"\nL = "sum(c * z)"'),
    "multiply-number-matrix": ({"multiply"}, 'Z = "s * W"\nL = "sum(C * Z)"'),
    "multiply-matrix-vector-rows": ({"multiply"}, 'Z = "W * y"\nL = "sum(C * Z)"'),
    "divide-vectors": ({"divide"}, 'z = "x / y"\nL = "sum(c * z)"'),
    "divide-number-by-vector": ({"divide"}, 'z = "s / p"\nL = "sum(c * z)"'),
    "negate": ({"negate"}, 'z = "-x"\nL = "sum(c * z)"'),
    "power-integer": ({"power"}, 'z = "x^3"\nL = "sum(c * z)"'),
    "power-learned-exponent": ({"power"}, 'z = "p^s"\nL = "sum(c * z)"'),
    "power-vector-exponent": ({"power"}, 'z = "s^x"\nL = "sum(c * z)"'),
    "power-elementwise": ({"power"}, 'z = "p^y"\nL = "sum(c * z)"'),
    "matmul-matrix-matrix": ({"matmul"}, 'Z = "W @ V"\nL = "sum(Z * [[0.3, -0.8], [1.2, 0.5]])"'),
    "matmul-matrix-vector": ({"matmul"}, 'z = "W @ x"\nL = "sum(r * z)"'),
    "matmul-vector-matrix": ({"matmul"}, 'z = "r @ W"\nL = "sum(c * z)"'),
    "matmul-vector-vector": ({"matmul"}, 'L = "x @ y"'),
    "matmul-chain": ({"matmul"}, 'Z = "V @ W"\nz = "Z @ x"\nL = "c @ z"'),
    "sigmoid": ({"sigmoid"}, 'z = "sigmoid(x)"\nL = "sum(c * z)"'),
    "sigmoid-matrix": ({"sigmoid"}, 'Z = "sigmoid(W)"\nL = "sum(C * Z)"'),
    "tanh": ({"tanh"}, 'z = "tanh(x)"\nL = "sum(c * z)"'),
    "softplus": ({"softplus"}, 'z = "softplus(x)"\nL = "sum(c * z)"'),
    "softplus-matrix": ({"softplus"}, 'Z = "softplus(W * 40)"\nL = "sum(C * Z)"'),
    "silu": ({"silu"}, 'z = "silu(x)"\nL = "sum(c * z)"'),
    "silu-matrix": ({"silu"}, 'Z = "silu(W * 3)"\nL = "sum(C * Z)"'),
    "gelu": ({"gelu"}, 'z = "gelu(x)"\nL = "sum(c * z)"'),
    "gelu-matrix": ({"gelu"}, 'Z = "gelu(W * 3)"\nL = "sum(C * Z)"'),
    "elu": ({"elu"}, 'z = "elu(x, 0.7)"\nL = "sum(c * z)"'),
    "elu-learned-alpha": ({"elu"}, 'z = "elu(x, s)"\nL = "sum(c * z)"'),
    "elu-vector-alpha": ({"elu"}, 'z = "elu(y, p)"\nL = "sum(c * z)"'),
    "relu": ({"relu"}, 'z = "relu(x)"\nL = "sum(c * z)"'),
    "relu-matrix": ({"relu"}, 'Z = "relu(W)"\nL = "sum(C * Z)"'),
    "leaky-relu": ({"leaky_relu"}, 'z = "leaky_relu(x, 0.1)"\nL = "sum(c * z)"'),
    "leaky-relu-learned-alpha": ({"leaky_relu"}, 'z = "leaky_relu(x, s/10)"\nL = "sum(c * z)"'),
    "leaky-relu-vector-alpha": ({"leaky_relu"}, 'z = "leaky_relu(y, p/10)"\nL = "sum(c * z)"'),
    "softmax": ({"softmax"}, 'z = "softmax(x)"\nL = "sum(c * z)"'),
    "softmax-cross-entropy": ({"softmax", "log"}, 'z = "softmax(x)"\nL = "-log(z[2])"'),
    "softmax-matrix-rows": ({"softmax"}, 'Z = "softmax(W)"\nL = "sum(C * Z)"'),
    "log-softmax": ({"log_softmax"}, 'z = "log_softmax(x)"\nL = "sum(c * z)"'),
    "log-softmax-matrix-rows": ({"log_softmax"}, 'Z = "log_softmax(W)"\nL = "sum(C * Z)"'),
    "batch-cross-entropy": (
        {"matmul", "add", "log_softmax", "mean"},
        'Z = "V @ W + y"\nL = "-mean(transpose(W) @ C * log_softmax(Z))"',
    ),
    "exp": ({"exp"}, 'z = "exp(x)"\nL = "sum(c * z)"'),
    "log": ({"log"}, 'z = "log(p)"\nL = "sum(c * z)"'),
    "sqrt": ({"sqrt"}, 'z = "sqrt(p)"\nL = "sum(c * z)"'),
    "abs": ({"abs"}, 'z = "abs(x)"\nL = "sum(c * z)"'),
    "max": ({"max"}, 'z = "max(x, y)"\nL = "sum(c * z)"'),
    "max-with-number": ({"max"}, 'z = "max(x, s/5)"\nL = "sum(c * z)"'),
    "min": ({"min"}, 'z = "min(x, y)"\nL = "sum(c * z)"'),
    "min-with-number": ({"min"}, 'z = "min(s/5, x)"\nL = "sum(c * z)"'),
    "sum-vector": ({"sum"}, 'L = "sum(x * y)"'),
    "sum-matrix": ({"sum"}, 'L = "sum(W * C)"'),
    "mean-vector": ({"mean"}, 'z = "x * y"\nL = "mean(z)"'),
    "mean-matrix": ({"mean"}, 'L = "mean(W * C)"'),
    "sum-down-columns": ({"sum"}, 'z = "sum(W, 1)"\nL = "sum(z * y)"'),
    "sum-along-rows": ({"sum"}, 'z = "sum(W * C, 2)"\nL = "sum(z * [[0.3], [-0.8]])"'),
    "mean-down-columns": ({"mean"}, 'Z = "W - mean(W, 1)"\nL = "sum(Z * C)"'),
    "mean-along-rows": ({"mean"}, 'Z = "W - mean(W, 2)"\nL = "sum(Z * C)"'),
    "mean-of-vector-along-its-axis": ({"mean"}, 'z = "mean(x * y, 1)"\nL = "sum(z * s)"'),
    "var": ({"var"}, 'L = "var(x * y)"'),
    "var-down-columns": ({"var"}, 'z = "var(W, 1)"\nL = "sum(z * y)"'),
    "var-along-rows": ({"var"}, 'Z = "W / sqrt(var(W, 2) + 0.1)"\nL = "sum(Z * C)"'),
    "conv2d": ({"conv2d"}, 'Z = "conv2d(I, K)"\nL = "sum(tanh(Z))"'),
    "conv2d-stride-padding": ({"conv2d"}, 'Z = "conv2d(I, K, 2, 1)"\nL = "sum(tanh(Z))"'),
    "conv2d-3x3-kernel-stride-2": ({"conv2d"}, 'Z = "conv2d(I, V @ W, 2)"\nL = "sum(tanh(Z))"'),
    "conv2d-stride-only": ({"conv2d"}, 'Z = "conv2d(I, K, 3)"\nL = "sum(tanh(Z))"'),
    "maxpool": ({"maxpool"}, 'Z = "maxpool(P, 2)"\nL = "sum(tanh(Z))"'),
    "maxpool-one-window": ({"maxpool"}, 'Z = "maxpool(P * P, 4)"\nL = "sum(tanh(Z))"'),
    "batchnorm": ({"batchnorm"}, 'Z = "batchnorm(I, g, h)"\nL = "sum(tanh(Z) * I)"'),
    "batchnorm-number-gamma": ({"batchnorm"}, 'Z = "batchnorm(I, s, 0.5)"\nL = "sum(tanh(Z) * I)"'),
    "layernorm": ({"layernorm"}, 'Z = "layernorm(I, g, h)"\nL = "sum(tanh(Z) * I)"'),
    "layernorm-vector": ({"layernorm"}, 'z = "layernorm(x, y, c)"\nL = "sum(tanh(z) * p)"'),
    "transpose": ({"transpose"}, 'Z = "transpose(W)"\nL = "sum(Z * V)"'),
    "transpose-in-matmul": ({"transpose"}, 'z = "transpose(W) @ r"\nL = "c @ z"'),
    "transpose-vector": ({"transpose"}, 'z = "transpose(x)"\nL = "sum(c * z)"'),
    "stack-numbers": ({"stack"}, 'z = "[s, s*x[1], y[3]^2]"\nL = "sum(c * z)"'),
    "stack-vectors": ({"stack"}, 'Z = "[x, y * s]"\nL = "sum(C * Z)"'),
    "index-vector-element": ({"index"}, 'L = "x[2] * y[3]"'),
    "index-matrix-element": ({"index"}, 'L = "W[1, 2] * W[2, 3] + W[2, 1]"'),
    "index-matrix-row": ({"index"}, 'z = "W[2]"\nL = "sum(c * z)"'),
    "index-row-with-colon": ({"index"}, 'z = "W[2, :]"\nL = "sum(c * z)"'),
    "index-column-with-colon": ({"index"}, 'z = "W[:, 3] * W[:, 1]"\nL = "sum(r * z)"'),
    "embedding-rows-then-mean": (
        {"index", "mean"},
        'Z = "[I[2, :], I[4, :], I[2, :]]"\nL = "sum(tanh(mean(Z, 1)) * g)"',
    ),
    "dropout-mask": (
        {"multiply", "divide"},
        'Z = "I * [[1, 0, 1, 1, 0], [0, 1, 1, 0, 1], [1, 1, 0, 1, 0], [0, 0, 1, 1, 1]] / 0.6"\nL = "sum(tanh(Z) * I)"',
    ),
    "index-row-then-element": ({"index"}, 'L = "W[2][3] * x[1]"'),
    "fan-out": ({"add", "multiply"}, 'z = "x * y"\nu = "z + x"\nL = "sum(u * z)"'),
}


def case_exercise(name: str):
    _, graph = CASES[name]
    return exercise(f'title = "{name}"\n[inputs]\n{COMMON}\n[graph]\n{graph}\n')


def _operations_in(solution: Solution) -> set[str]:
    found = set()
    for node in solution.exercise.nodes:
        found |= {call.function for call in calls_in(node.expression)}
        if _has_index(node.expression):
            found.add("index")
    return found


def _has_index(expression) -> bool:
    if isinstance(expression, Index):
        return True
    return any(_has_index(argument) for argument in getattr(expression, "args", ()))


def test_every_operation_has_a_case():
    covered = set().union(*(operations for operations, _ in CASES.values()))
    assert set(OPERATIONS) | {"index"} <= covered, sorted(set(OPERATIONS) - covered)


def test_the_engine_computes_exactly_the_table_s_operations_with_their_arguments():
    assert set(OPERATIONS) == set(OPERATION_TABLE)
    for name, operation in OPERATIONS.items():
        parameters = inspect.signature(operation.compute).parameters.values()
        variadic = any(parameter.kind is parameter.VAR_POSITIONAL for parameter in parameters)
        assert (None if variadic else len(parameters)) == OPERATION_TABLE[name].arity, name


def test_every_activation_of_the_table_has_its_slips_for_diagnosis():
    assert set(ACTIVATIONS) <= set(SLIPS) <= set(OPERATION_TABLE)


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradients_match_finite_differences(name):
    solution = solve(case_exercise(name))
    operations, _ = CASES[name]
    assert operations <= _operations_in(solution)
    assert np.shape(solution.values[solution.output]) == ()
    assert_gradients_match(solution)


@pytest.mark.parametrize("name", sorted(CASES))
def test_local_derivatives_match_finite_differences(name):
    solution = solve(case_exercise(name))
    for source, node in solution.edges:
        local = solution.local_derivative(node, source)
        numeric = numeric_local(solution, node, source)
        assert local.jacobian.shape == numeric.shape, (node, source, local.jacobian.shape, numeric.shape)
        assert np.allclose(local.jacobian, numeric, rtol=RTOL, atol=ATOL), (node, source, local.jacobian, numeric)
        if local.elementwise:
            size = np.size(solution.values[node])
            diagonal = local.jacobian.reshape(size, size).diagonal().reshape(np.shape(solution.values[node]))
            assert np.array_equal(local.value, diagonal)
            off_diagonal = local.jacobian.reshape(size, size) - np.diag(np.ravel(diagonal))
            assert not np.any(off_diagonal), (node, source)
        else:
            assert np.array_equal(local.value, local.jacobian)


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradient_is_the_chain_rule_over_the_edges(name):
    """grad(name) = Σ over the nodes c using name of grad(c) · ∂c/∂name (the sum over paths)."""
    solution = solve(case_exercise(name))
    for name_ in solution.names:
        if name_ == solution.output:
            continue
        total = np.zeros_like(solution.grads[name_])
        for consumer in solution.chain_terms(name_):
            jacobian = solution.local_derivative(consumer, name_).jacobian
            total = total + np.tensordot(solution.grads[consumer], jacobian, axes=np.ndim(solution.values[consumer]))
        assert np.allclose(solution.grads[name_], total, rtol=1e-12, atol=1e-15), name_


# -- the presentation of local derivatives -------------------------------------------------------


def test_sigmoid_of_a_vector_has_an_elementwise_local_derivative():
    solution = solve(
        exercise("""
        title = "t"
        [inputs]
        z = [0.5, -1.0, 2.0]
        [graph]
        yhat = "sigmoid(z)"
        L = "sum(yhat)"
    """)
    )
    local = solution.local_derivative("yhat", "z")
    s = 1 / (1 + np.exp(-np.array([0.5, -1.0, 2.0])))
    assert local.elementwise
    assert local.value.shape == (3,)
    assert np.allclose(local.value, s * (1 - s), rtol=1e-12)
    assert np.allclose(local.jacobian, np.diag(s * (1 - s)), rtol=1e-12)


def test_matrix_times_vector_has_the_matrix_as_its_jacobian():
    solution = solve(
        exercise("""
        title = "t"
        [inputs]
        W = [[0.2, 0.3, 0.4], [-0.2, 0.1, 0.5]]
        x = [0.8, 0.7, 0.1]
        [graph]
        z = "W @ x"
        L = "sum(z)"
    """)
    )
    local = solution.local_derivative("z", "x")
    assert not local.elementwise
    assert np.array_equal(local.value, [[0.2, 0.3, 0.4], [-0.2, 0.1, 0.5]])
    by_w = solution.local_derivative("z", "W")
    assert not by_w.elementwise
    assert by_w.value.shape == (2, 2, 3)  # ∂z_i/∂W_jk = δ_ij x_k
    assert np.allclose(by_w.value[0, 0], [0.8, 0.7, 0.1]) and not np.any(by_w.value[0, 1])


def test_square_matmul_is_not_presented_elementwise():
    solution = solve(
        exercise("""
        title = "t"
        [inputs]
        W = [[0.2, 0.3], [-0.2, 0.1]]
        x = [0.8, 0.7]
        [graph]
        z = "W @ x"
        L = "sum(z)"
    """)
    )
    local = solution.local_derivative("z", "x")
    assert not local.elementwise and np.array_equal(local.value, [[0.2, 0.3], [-0.2, 0.1]])


def test_broadcast_number_has_a_jacobian_column():
    solution = solve(case_exercise("add-number-to-vector"))
    local = solution.local_derivative("z", "s")
    assert not local.elementwise
    assert np.array_equal(local.value, [1.0, 1.0, 1.0])


def test_softmax_local_derivative_is_diag_minus_outer():
    solution = solve(case_exercise("softmax"))
    s = solution.values["z"]
    local = solution.local_derivative("z", "x")
    assert not local.elementwise
    assert np.allclose(local.value, np.diag(s) - np.outer(s, s), rtol=1e-12)


# -- numerical stability ------------------------------------------------------------------------------


def test_sigmoid_of_large_numbers_is_finite():
    solution = solve(
        exercise("""
        title = "t"
        [inputs]
        z = [1000, -1000, 800, -800]
        [graph]
        s = "sigmoid(z)"
        L = "sum(s)"
    """)
    )
    s = solution.values["s"]
    assert np.all(np.isfinite(s))
    assert np.array_equal(s, [1.0, 0.0, 1.0, 0.0])
    assert np.all(np.isfinite(solution.grads["z"]))


def test_sigmoid_gradient_far_left_is_finite():
    solution = solve(
        exercise("""
        title = "t"
        [inputs]
        x = -800
        [graph]
        L = "sigmoid(x)"
    """)
    )
    assert np.isfinite(solution.values["L"]) and 0 <= solution.values["L"] < 1e-300
    assert np.isfinite(solution.grads["x"]) and 0 <= solution.grads["x"] < 1e-300


def test_sigmoid_gradient_far_right_is_finite():
    solution = solve(
        exercise("""
        title = "t"
        [inputs]
        x = 1000
        w = 2
        [graph]
        L = "sigmoid(w * x)"
    """)
    )
    assert solution.values["L"] == 1.0
    assert np.isfinite(solution.grads["x"]) and np.isfinite(solution.grads["w"])


def test_softmax_of_large_numbers_is_finite():
    solution = solve(
        exercise("""
        title = "t"
        [inputs]
        z = [1000, 0]
        [graph]
        s = "softmax(z)"
        L = "s[1] + 2*s[2]"
    """)
    )
    assert np.all(np.isfinite(solution.values["s"]))
    assert np.allclose(solution.values["s"], [1.0, 0.0])
    assert np.all(np.isfinite(solution.grads["z"]))


def test_softmax_matches_the_formula_for_ordinary_numbers():
    solution = solve(case_exercise("softmax"))
    x = np.array([0.7, -1.3, 0.4])
    assert np.allclose(solution.values["z"], np.exp(x) / np.exp(x).sum(), rtol=1e-14)


def test_softmax_of_a_matrix_is_a_softmax_per_row():
    solution = solve(case_exercise("softmax-matrix-rows"))
    W = np.array([[0.2, -0.5, 0.9], [1.4, 0.3, -0.7]])
    expected = np.exp(W) / np.exp(W).sum(axis=1, keepdims=True)
    assert np.allclose(solution.values["Z"], expected, rtol=1e-14)
    jacobian = solution.local_derivative("Z", "W").jacobian
    assert jacobian.shape == (2, 3, 2, 3)
    assert not np.any(jacobian[0, :, 1, :]) and not np.any(jacobian[1, :, 0, :])  # rows do not mix
    assert np.allclose(jacobian[1, :, 1, :], np.diag(expected[1]) - np.outer(expected[1], expected[1]), rtol=1e-12)


def test_log_softmax_is_the_log_of_softmax_and_stable_for_large_numbers():
    solution = solve(case_exercise("log-softmax"))
    x = np.array([0.7, -1.3, 0.4])
    assert np.allclose(solution.values["z"], np.log(np.exp(x) / np.exp(x).sum()), rtol=1e-14)
    large = solve(
        exercise("""
        title = "t"
        [inputs]
        z = [[1000, 0], [0, -1000]]
        [graph]
        s = "log_softmax(z)"
        L = "s[1, 2] + s[2, 1]"
    """)
    )
    assert np.allclose(large.values["s"], [[0.0, -1000.0], [0.0, -1000.0]])
    assert np.allclose(large.grads["z"], [[-1.0, 1.0], [0.0, 0.0]])  # ∂(log sᵢ)/∂zⱼ = δᵢⱼ − sⱼ, row by row


def test_softmax_of_a_number_is_an_error_at_its_line():
    with pytest.raises(ExerciseFileError) as caught:
        solve(
            exercise("""
            title = "t"
            [inputs]
            x = 2
            [graph]
            L = "sum(log_softmax(x))"
        """)
        )
    assert ":6:" in str(caught.value) and "log_softmax takes a vector, or a matrix" in str(caught.value)


@pytest.mark.parametrize("value", ["0", "-1", "[1, 0]"])
def test_log_of_zero_or_negative_is_an_error_not_minus_infinity(value):
    with pytest.raises(ExerciseFileError) as caught:
        solve(
            exercise(f"""
            title = "t"
            [inputs]
            x = {value}
            [graph]
            L = "sum(log(x))"
        """)
        )
    message = str(caught.value)
    assert "log" in message and ":6:" in message  # the line of the node (after the leading newline)
    assert "inf" not in message.replace("infinite", "")


def test_exp_overflow_is_an_error():
    with pytest.raises(ExerciseFileError) as caught:
        solve(
            exercise("""
            title = "t"
            [inputs]
            x = 1000
            [graph]
            L = "exp(x)"
        """)
        )
    assert "exp" in str(caught.value)


def test_division_by_zero_is_an_error():
    with pytest.raises(ExerciseFileError) as caught:
        solve(
            exercise("""
            title = "t"
            [inputs]
            x = 1
            y = 0
            [graph]
            L = "x / y"
        """)
        )
    assert "division by zero" in str(caught.value)


def test_sqrt_at_zero_has_no_finite_gradient_and_says_so():
    with pytest.raises(ExerciseFileError) as caught:
        solve(
            exercise("""
            title = "t"
            [inputs]
            x = 0
            [graph]
            L = "sqrt(x)"
        """)
        )
    assert "gradient" in str(caught.value)


def test_shape_mismatch_is_reported_at_the_node():
    with pytest.raises(ExerciseFileError) as caught:
        solve(
            exercise("""
            title = "t"
            [inputs]
            W = [[1, 2], [3, 4]]
            x = [1, 2, 3]
            [graph]
            L = "sum(W @ x)"
        """)
        )
    assert ":7:" in str(caught.value) and "2x2 matrix" in str(caught.value)


def test_everything_is_float64_even_for_whole_number_inputs():
    solution = solve(
        exercise("""
        title = "t"
        [inputs]
        x = [1, 2, 3]
        W = [[1, 0, 2], [3, 1, 1]]
        n = 2
        [graph]
        z = "W @ x"
        k = "z[1] * n"
        L = "k + sum(z)"
    """)
    )
    for name in solution.names:
        assert solution.values[name].dtype == np.float64, name
        assert solution.grads[name].dtype == np.float64, name
    for source, node in solution.edges:
        local = solution.local_derivative(node, source)
        assert local.value.dtype == np.float64 and local.jacobian.dtype == np.float64, (node, source)


def test_catalog_values_are_float64():
    solution = solve(resolve_exercise("network-3-2-1-sigmoid"))
    assert all(value.dtype == np.float64 for value in solution.values.values())
    assert all(grad.dtype == np.float64 for grad in solution.grads.values())


# -- Jacobian (vector) outputs ------------------------------------------------------------------------

FOG = """
title = "F(G(x))"
[inputs]
x = 2
[graph]
G = "[x, x^2]"
F = "[G[1]^2 + 2*G[2], 3*G[1] + 4*G[2]^2]"
"""


def test_jacobian_chain_rule_f_of_g():
    solution = solve(exercise(FOG))
    assert np.array_equal(solution.values["G"], [2.0, 4.0])
    assert np.array_equal(solution.values["F"], [12.0, 70.0])
    assert np.allclose(solution.grads["x"], [12.0, 131.0], rtol=1e-14)
    assert np.allclose(solution.grads["G"], [[4.0, 2.0], [3.0, 32.0]], rtol=1e-14)
    assert np.array_equal(solution.grads["F"], np.eye(2))
    assert_gradients_match(solution)


def test_catalog_jacobian_chain_fog_agrees():
    solution = solve(resolve_exercise("jacobian-chain-fog"))
    assert np.allclose(solution.grads["x"], [12.0, 131.0], rtol=1e-14)


JACOBIAN_CASES = sorted(name for name, (_, graph) in CASES.items() if "\n" in graph)


@pytest.mark.parametrize("name", JACOBIAN_CASES)
def test_vector_and_matrix_outputs_give_jacobians_matching_finite_differences(name):
    """The same cases with the first (vector or matrix) node as the output: every gradient is a Jacobian."""
    _, graph = CASES[name]
    first = graph.split("\n")[0].split(" = ")[0]
    solution = solve(exercise(f'title = "{name}"\noutput = "{first}"\n[inputs]\n{COMMON}\n[graph]\n{graph}\n'))
    lead = np.shape(solution.values[first])
    for input_name in solution.graph.inputs:
        assert solution.grads[input_name].shape == lead + np.shape(solution.values[input_name])
    assert_gradients_match(solution)


def test_jacobian_of_a_vector_output_with_vector_inputs():
    solution = solve(
        exercise("""
        title = "t"
        [inputs]
        W = [[0.2, -0.5, 0.9], [1.4, 0.3, -0.7]]
        x = [0.7, -1.3, 0.4]
        [graph]
        z = "W @ x"
        a = "tanh(z)"
    """)
    )
    assert solution.grads["x"].shape == (2, 3)
    assert solution.grads["W"].shape == (2, 2, 3)
    t = np.tanh(solution.values["z"])
    assert np.allclose(solution.grads["x"], (1 - t**2)[:, None] * solution.values["W"], rtol=1e-12)
    assert_gradients_match(solution)


# -- batches: a shared weight's gradient is the sum (or mean) over the samples ------------------------

BATCH_GRAPH = """
[graph]
z = "W @ x + b"
a = "sigmoid(z)"
yhat = "v @ a"
L = "(yhat - y)^2"
"""
BATCH_SAMPLES = [
    ({"x": "[0.5, -1.0]", "y": "0.3"}),
    ({"x": "[1.5, 0.2]", "y": "-0.4"}),
    ({"x": "[-0.7, 0.9]", "y": "1.1"}),
]
BATCH_WEIGHTS = """
W = [[0.2, -0.4], [0.7, 0.1], [-0.3, 0.5]]
b = [0.1, -0.2, 0.05]
v = [0.6, -0.8, 0.3]
"""


def batch_exercise(reduce: str):
    samples = ",\n".join(
        "  { " + ", ".join(f"{key} = {value}" for key, value in sample.items()) + " }" for sample in BATCH_SAMPLES
    )
    return exercise(
        f'title = "b"\n[inputs]\n{BATCH_WEIGHTS}\n{BATCH_GRAPH}\n[batch]\nreduce = "{reduce}"\n'
        f'output = "E"\nsamples = [\n{samples}\n]\n'
    )


def single_sample_exercise(sample: dict):
    inputs = "".join(f"{key} = {value}\n" for key, value in sample.items())
    return exercise(f'title = "one"\n[inputs]\n{BATCH_WEIGHTS}\n{inputs}\n{BATCH_GRAPH}')


@pytest.mark.parametrize("reduce", ["sum", "mean"])
def test_batch_gradient_of_shared_weights_is_the_reduction_of_per_sample_gradients(reduce):
    batch = solve(batch_exercise(reduce))
    singles = [solve(single_sample_exercise(sample)) for sample in BATCH_SAMPLES]
    combine = np.sum if reduce == "sum" else np.mean
    for weight in ("W", "b", "v"):
        expected = combine([single.grads[weight] for single in singles], axis=0)
        assert np.allclose(batch.grads[weight], expected, rtol=1e-12, atol=1e-15), weight
    expected_total = combine([float(single.values["L"]) for single in singles])
    assert np.isclose(float(batch.values["E"]), expected_total, rtol=1e-12)
    scale = 1.0 if reduce == "sum" else 1 / len(BATCH_SAMPLES)
    for index, single in enumerate(singles, start=1):
        assert np.isclose(float(batch.grads[f"L#{index}"]), scale, rtol=1e-12)
        # a per-sample input's gradient is that sample's own, scaled by the reduction
        assert np.allclose(batch.grads[f"x#{index}"], scale * single.grads["x"], rtol=1e-12, atol=1e-15)
        assert np.allclose(batch.values[f"a#{index}"], single.values["a"], rtol=1e-14)
    assert_gradients_match(batch)


def test_catalog_batch_mean_linear_matches_the_closed_form():
    solution = solve(resolve_exercise("batch-mean-linear"))
    w, b = 1.0, 0.5
    samples = [(1, 3), (2, 5), (3, 6)]
    residuals = [w * x + b - y for x, y in samples]
    assert np.isclose(float(solution.grads["w"]), np.mean([2 * r * x for r, (x, _) in zip(residuals, samples)]))
    assert np.isclose(float(solution.grads["b"]), np.mean([2 * r for r in residuals]))


# -- where the function has a kink: the documented conventions ----------------------------------------


def kink_solution(graph: str, inputs: str):
    return solve(exercise(f'title = "k"\n[inputs]\n{inputs}\n[graph]\n{graph}\n'))


def test_relu_derivative_at_zero_is_zero():
    solution = kink_solution('L = "relu(x)"', "x = 0")
    assert solution.values["L"] == 0.0 and solution.grads["x"] == 0.0
    vector = kink_solution('z = "relu(x)"\nL = "sum(z)"', "x = [0, 1.5, -2]")
    assert np.array_equal(vector.grads["x"], [0.0, 1.0, 0.0])
    assert np.array_equal(vector.local_derivative("z", "x").value, [0.0, 1.0, 0.0])


def test_abs_derivative_at_zero_is_zero():
    solution = kink_solution('z = "abs(x)"\nL = "sum(z)"', "x = [0, 1.5, -2]")
    assert np.array_equal(solution.grads["x"], [0.0, 1.0, -1.0])


@pytest.mark.parametrize("function", ["max", "min"])
def test_max_and_min_on_a_tie_choose_the_first_argument(function):
    solution = kink_solution(f'L = "{function}(a, b)"', "a = 0.5\nb = 0.5")
    assert solution.grads["a"] == 1.0 and solution.grads["b"] == 0.0
    vector = kink_solution(f'z = "{function}(a, b)"\nL = "sum(z)"', "a = [1, 2, 3]\nb = [1, 5, 0]")
    if function == "max":
        assert np.array_equal(vector.grads["a"], [1.0, 0.0, 1.0])
        assert np.array_equal(vector.grads["b"], [0.0, 1.0, 0.0])
    else:
        assert np.array_equal(vector.grads["a"], [1.0, 1.0, 0.0])
        assert np.array_equal(vector.grads["b"], [0.0, 0.0, 1.0])
    # the other way round: still the first argument
    swapped = kink_solution(f'L = "{function}(b, a)"', "a = 0.5\nb = 0.5")
    assert swapped.grads["b"] == 1.0 and swapped.grads["a"] == 0.0


def test_leaky_relu_at_zero_uses_alpha():
    solution = kink_solution('L = "leaky_relu(x, alpha)"', "x = 0\nalpha = 0.1")
    assert np.isclose(float(solution.grads["x"]), 0.1)
    assert solution.grads["alpha"] == 0.0


def test_max_with_a_number_constant_passes_gradient_to_the_name():
    solution = kink_solution('z = "max(x, 0)"\nL = "sum(z)"', "x = [0, 2, -1]")
    assert np.array_equal(solution.grads["x"], [1.0, 1.0, 0.0])  # tie at 0: the first argument, x


# -- small sanity checks of the values themselves ------------------------------------------------------


def test_seed_001_values_and_gradients_by_hand():
    solution = solve(resolve_exercise("sigmoid-neuron-mse"))
    z = 0.8 + 1.4 + 0.6
    yhat = 1 / (1 + np.exp(-z))
    assert np.isclose(float(solution.values["z"]), 2.8, rtol=1e-15)
    assert np.isclose(float(solution.values["yhat"]), yhat, rtol=1e-14)
    dz = 2 * (yhat - 1) * yhat * (1 - yhat)
    assert np.isclose(float(solution.grads["z"]), dz, rtol=1e-12)
    assert np.isclose(dz, -0.0061954, rtol=1e-4)
    assert np.isclose(float(solution.grads["x2"]), dz * 1.4, rtol=1e-12)


def test_output_that_is_not_the_last_node_gets_zero_gradients_elsewhere():
    solution = solve(
        exercise("""
        title = "t"
        output = "L"
        [inputs]
        x = 2
        y = 3
        [graph]
        L = "x * x"
        M = "L + y"
    """)
    )
    assert solution.grads["x"] == 4.0
    assert solution.grads["y"] == 0.0 and solution.grads["M"] == 0.0


def test_a_local_derivative_through_two_infinite_slopes_prints_no_warning():
    """∂f/∂x of f = sqrt(x) − sqrt(x) at 0 is ∞ − ∞; the exercise is sound (no gradient flows through f), and the
    learner's screen must not get NumPy's RuntimeWarning when the local derivative is worked out."""
    solution = solve(
        exercise("""
        title = "t"
        [inputs]
        x = [0, 1]
        [graph]
        f = "sqrt(x) - sqrt(x)"
        L = "sum(0*f)"
    """)
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        local = solution.graph.local_derivative("f", "x", solution.evaluated["f"]).value
    assert np.isnan(local[0]) and local[1] == 0.0


def test_gradient_through_an_unused_sqrt_at_zero_is_zero():
    solution = solve(
        exercise("""
        title = "t"
        [inputs]
        x = [0, 4]
        [graph]
        z = "sqrt(x)"
        L = "z[2]"
    """)
    )
    assert np.array_equal(solution.grads["x"], [0.0, 0.25])
