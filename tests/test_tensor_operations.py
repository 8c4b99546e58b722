"""The tensor operations of issue 16 (conv2d, maxpool, batchnorm, layernorm, reductions along an axis, row lookup):
central finite differences over random shapes, the exercises a teacher would write with them, their slips
recognised by diagnosis, and nothing in hints, drawing or the CLI that breaks on an operation without a scalar
formula."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

from tutor.drawing import draw
from tutor.engine import solve
from tutor.exercise import ExerciseFileError, parse_exercise
from tutor.generate import generate
from tutor.grading import Quantity
from tutor.grading.diagnosis import diagnose_strictly
from tutor.grading.hints import hint_ladder
from tutor.grading.quantities import asked_quantities
from tutor.session import ProgressStore, Session
from tutor.session.picture import session_picture
from tutor.tui.app import TutorApp
from tutor.tui.screens.summary import SummaryScreen
from tutor_testing import (
    central_differences,
    numeric_gradient,
    paste_answer,
    right_answer,
    run,
    text_of,
    tutor_command,
)

AGREE = 1e-6  # the bar: values and gradients equal to central finite differences to 1e-6


def exercise(text: str):
    return parse_exercise(textwrap.dedent(text), name="test")


def literal(array: np.ndarray) -> str:
    """An array as the format writes it, every digit kept."""
    return repr(np.asarray(array).tolist())


def assert_agrees_with_finite_differences(solution) -> None:
    """Every gradient, and every local derivative on every edge, against central differences."""
    for name in solution.graph.inputs:
        numeric = numeric_gradient(solution, name)
        assert np.allclose(solution.grads[name], numeric, rtol=0, atol=AGREE), (name, solution.grads[name], numeric)
    for source, node in solution.edges:

        def node_value(moved, node=node, source=source):
            return solution.graph.evaluate_node(node, {**solution.values, source: moved}).value

        numeric = central_differences(node_value, solution.values[source])
        local = solution.local_derivative(node, source).jacobian
        assert np.allclose(local, numeric, rtol=0, atol=AGREE), (node, source)


# -- each operation over random shapes ---------------------------------------------------------------------


def random_case(seed: int) -> tuple[str, str]:
    """(inputs, graph) of one operation on random shapes and numbers, ending in a loss that weighs every output."""
    rng = np.random.default_rng(seed)
    kind = ["conv2d", "maxpool", "batchnorm", "layernorm", "reductions", "rows"][seed % 6]
    if kind == "conv2d":
        kernel = rng.integers(1, 4, size=2)
        stride, padding = int(rng.integers(1, 3)), int(rng.integers(0, min(kernel)))
        image = kernel + rng.integers(0, 4, size=2)
        inputs = {"X": rng.normal(size=image), "K": rng.normal(size=kernel)}
        graph = f'Z = "conv2d(X, K, {stride}, {padding})"' if stride > 1 or padding else 'Z = "conv2d(X, K)"'
    elif kind == "maxpool":
        size = int(rng.integers(1, 4))
        inputs = {"X": rng.permutation(60)[: 4 * size * size].reshape(2 * size, 2 * size) / 10}  # no ties
        graph = f'Z = "maxpool(X, {size})"'
    elif kind in ("batchnorm", "layernorm"):
        rows, columns = rng.integers(2, 6), rng.integers(1, 5)
        inputs = {"X": rng.normal(size=(rows, columns)), "g": rng.normal(size=columns), "b": rng.normal(size=columns)}
        graph = f'Z = "{kind}(X, g, b)"'
    elif kind == "reductions":
        inputs = {"X": rng.normal(size=rng.integers(1, 5, size=2))}
        axis = int(rng.integers(1, 3))
        graph = f'Z = "X * sum(X, {axis}) + var(X, {3 - axis}) - mean(X * X, {axis})"'
    else:
        rows = rng.integers(2, 6)
        inputs = {"E": rng.normal(size=(rows, 3))}
        first, second = rng.integers(1, rows + 1, size=2)
        graph = f'Z = "[E[{first}, :], E[{second}, :] * E[{first}, :]]"'
    weights = "tanh(Z) * Z"  # every output element weighed differently, not a linear function of Z
    text = "\n".join(f"{name} = {literal(value)}" for name, value in inputs.items())
    return text, f'{graph}\nL = "sum({weights})"'


@pytest.mark.parametrize("seed", range(36))
def test_each_operation_agrees_with_finite_differences_over_random_shapes(seed):
    inputs, graph = random_case(seed)
    solution = solve(exercise(f'title = "random {seed}"\n[inputs]\n{inputs}\n[graph]\n{graph}\n'))
    assert_agrees_with_finite_differences(solution)


# -- the forward values against what the frameworks compute (worked by hand) -------------------------------


def test_conv2d_is_the_frameworks_cross_correlation_with_stride_and_zero_padding():
    solution = solve(
        exercise("""
        title = "by hand"
        [inputs]
        X = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
        K = [[1, 0], [0, -1]]
        [graph]
        valid = "conv2d(X, K)"
        padded = "conv2d(X, K, 2, 1)"
        L = "sum(valid) + sum(padded)"
    """)
    )
    # out[i, j] = X[i, j] − X[i + 1, j + 1]: the kernel is not flipped
    assert np.array_equal(solution.values["valid"], [[-4, -4], [-4, -4]])
    # a ring of zeros around X, the kernel moved by 2: 0 − 1, 0 − 3, 0 − 7, 5 − 9
    assert np.array_equal(solution.values["padded"], [[-1, -3], [-7, -4]])


def test_maxpool_takes_each_window_s_largest_and_the_first_on_a_tie():
    solution = solve(
        exercise("""
        title = "pool"
        [inputs]
        X = [[1, 3, 2, 2], [3, 0, 2, 1], [0, 1, 5, 4], [2, 1, 3, 1]]
        [graph]
        P = "maxpool(X, 2)"
        L = "sum(P * [[1, 2], [3, 4]])"
    """)
    )
    assert np.array_equal(solution.values["P"], [[3, 2], [2, 5]])
    # each window's gradient on its largest element; on a tie (3 and 3, 2 and 2 and 2) the first in reading order
    assert np.array_equal(solution.grads["X"], [[0, 1, 2, 0], [0, 0, 0, 0], [0, 0, 4, 0], [3, 0, 0, 0]])


def test_batchnorm_and_layernorm_normalize_columns_and_rows_with_the_biased_variance():
    X = np.array([[1.0, 2.0, 0.5], [3.0, -1.0, 2.5], [2.0, 4.0, -1.5], [0.0, 1.0, 1.0]])
    gamma, beta = np.array([1.5, 0.5, -2.0]), np.array([0.1, 0.2, 0.3])
    solution = solve(
        exercise(f"""
        title = "norms"
        [inputs]
        X = {literal(X)}
        gamma = {literal(gamma)}
        beta = {literal(beta)}
        [graph]
        B = "batchnorm(X, gamma, beta)"
        N = "layernorm(X, gamma, beta)"
        L = "sum(B * N)"
    """)
    )
    for axis, node in ((0, "B"), (1, "N")):
        centred = X - X.mean(axis=axis, keepdims=True)
        expected = gamma * centred / np.sqrt((centred**2).mean(axis=axis, keepdims=True) + 1e-5) + beta
        assert np.allclose(solution.values[node], expected, rtol=1e-15, atol=1e-15)


# -- the exercises a teacher would write --------------------------------------------------------------------

HELD_OUT = {
    "convolution": """
        title = "conv, relu, squared error"
        [inputs]
        X = [[1, 2, 0, 1], [0, 1, 3, 1], [2, 1, 0, 2], [1, 0, 1, 1]]
        K = [[1, -1], [0, 2]]
        b = 0.5
        Y = [[1, 0, 2], [0, 3, 1], [2, 1, 0]]
        [graph]
        Z = "conv2d(X, K) + b"
        A = "relu(Z)"
        L = "mean((A - Y)^2)"
    """,
    "convolution-stride-padding": """
        title = "conv with stride 2 and padding 1"
        [inputs]
        X = [[1, 2, 0], [0, 1, 3], [2, 1, 0]]
        K = [[1, -1], [0.5, 2]]
        [graph]
        Z = "conv2d(X, K, 2, 1)"
        L = "sum(Z * [[1, -1], [2, 0.5]])"
    """,
    "pooling": """
        title = "conv, relu, max pool, dense, softmax cross-entropy"
        [inputs]
        X = [[1, 2, 0, 1, 2], [0, 1, 3, 1, 0], [2, 1, 0, 2, 1], [1, 0, 1, 1, 3], [2, 3, 1, 0, 1]]
        K = [[1, 0.5], [-0.5, 1]]
        W1 = [[0.1, -0.2], [0.3, 0.2]]
        W2 = [[-0.1, 0.2], [0.1, -0.3]]
        [graph]
        C = "relu(conv2d(X, K) - 0.25)"
        P = "maxpool(C, 2)"
        z = "[sum(P * W1), sum(P * W2)]"
        L = "-log_softmax(z)[1]"
    """,
    "batchnorm": """
        title = "batch norm, whole"
        [inputs]
        X = [[1, 2], [3, -1], [2, 4]]
        gamma = [1, 2]
        beta = [0, 1]
        T = [[1, 0], [0, 1], [2, -1]]
        [graph]
        Y = "batchnorm(X, gamma, beta)"
        L = "sum(Y * T)"
    """,
    "batchnorm-decomposed": """
        title = "batch norm, node by node"
        [inputs]
        X = [[1, 2], [3, -1], [2, 4]]
        gamma = [1, 2]
        beta = [0, 1]
        T = [[1, 0], [0, 1], [2, -1]]
        [graph]
        mu = "mean(X, 1)"
        xc = "X - mu"
        v = "var(X, 1)"
        s = "sqrt(v + 0.00001)"
        xh = "xc / s"
        Y = "gamma * xh + beta"
        L = "sum(Y * T)"
    """,
    "layernorm": """
        title = "layer norm"
        [inputs]
        X = [[1, 2, 4], [3, -1, 0.5]]
        gamma = [1, 2, 0.5]
        beta = [0, 1, -1]
        T = [[1, 0, 2], [0, 1, -1]]
        [graph]
        Y = "layernorm(X, gamma, beta)"
        L = "sum(Y * T)"
    """,
    "attention": """
        title = "single-head causal attention, 2 tokens, d = 2"
        [inputs]
        X = [[1, 0], [0.5, 1]]
        Wq = [[1, 0.5], [0, 1]]
        Wk = [[0.5, 1], [1, 0]]
        Wv = [[1, -1], [0.5, 2]]
        M = [[0, -10000], [0, 0]]  # −∞ for the tutor: e^(−10000) is 0, and finite differences stay exact
        T = [[1, 0], [0, 1]]
        [graph]
        Q = "X @ Wq"
        Kt = "X @ Wk"
        V = "X @ Wv"
        S = "Q @ transpose(Kt) / sqrt(2) + M"
        A = "softmax(S)"
        O = "A @ V"
        L = "sum(O * T)"
    """,
    "rnn": """
        title = "two-step tanh RNN"
        [inputs]
        Wx = [[0.5, -0.2], [0.1, 0.4]]
        Wh = [[0.3, 0.1], [-0.2, 0.6]]
        b = [0.1, -0.1]
        h0 = [0.2, -0.1]
        x1 = [1, 0]
        x2 = [0, 1]
        y = [0.5, -0.5]
        [graph]
        a1 = "Wx @ x1 + Wh @ h0 + b"
        h1 = "tanh(a1)"
        a2 = "Wx @ x2 + Wh @ h1 + b"
        h2 = "tanh(a2)"
        L = "sum((h2 - y)^2)"
    """,
}


@pytest.mark.parametrize("name", HELD_OUT)
def test_the_held_out_tensor_exercises_agree_with_finite_differences(name):
    assert_agrees_with_finite_differences(solve(exercise(HELD_OUT[name])))


def test_batch_norm_node_by_node_gives_what_batchnorm_gives():
    whole, decomposed = solve(exercise(HELD_OUT["batchnorm"])), solve(exercise(HELD_OUT["batchnorm-decomposed"]))
    assert np.allclose(whole.values["Y"], decomposed.values["Y"], rtol=1e-12, atol=1e-12)
    for name in ("X", "gamma", "beta"):
        assert np.allclose(whole.grads[name], decomposed.grads[name], rtol=1e-9, atol=1e-12), name


# -- shapes checked at load time, at the node's line -------------------------------------------------------


@pytest.mark.parametrize(
    "graph, message",
    [
        ('Z = "conv2d(X, [[1, 2, 3, 4]])"', "the kernel, a 1x4 matrix, is larger than X, a 3x3 matrix"),
        ('Z = "conv2d(v, X)"', "conv2d takes a matrix and a kernel matrix, not a vector of 3"),
        ('Z = "maxpool(X, 2)"', "a 3x3 matrix does not split into 2×2 windows"),
        ('Z = "batchnorm(X, v, [1, 2])"', "batchnorm's beta is one number per column of X (3), or one number"),
        ('Z = "batchnorm(v, 1, 0)"', "batchnorm takes a matrix, one row per sample"),
        ('Z = "mean(X, 3)"', "mean along axis 3: a 3x3 matrix has axes 1 (down the columns) and 2 (along the rows)"),
        ('Z = "conv2d(X, X, 0)"', "conv2d's stride is at least 1"),
        ('Z = "conv2d(X, [[1, 2]], 1, 1)"', "conv2d's padding is less than the kernel's side (1)"),
    ],
)
def test_a_shape_that_does_not_fit_is_reported_at_the_node_s_line(graph, message):
    with pytest.raises(ExerciseFileError) as caught:
        solve(
            exercise(f'title = "t"\n[inputs]\nX = [[1, 2, 3], [4, 5, 6], [7, 8, 10]]\nv = [1, 2, 3]\n[graph]\n{graph}')
        )
    assert ":6:" in str(caught.value) and "node 'Z'" in str(caught.value) and message in str(caught.value)


# -- the slips of issue 16, recognised -----------------------------------------------------------------------


def label(solution, quantity: str, answer) -> str | None:
    found = diagnose_strictly(
        solution, Quantity.parse(quantity), np.asarray(answer, dtype=np.float64), solution.exercise.tolerance
    )
    return found.label if found else None


def test_a_convolution_s_input_gradient_without_the_flip_is_kernel_not_flipped():
    solution = solve(exercise(HELD_OUT["convolution"]))
    upstream, kernel = solution.grads["Z"], solution.values["K"]
    right, unflipped = np.zeros((4, 4)), np.zeros((4, 4))
    for (i, j), g in np.ndenumerate(upstream):  # out[i, j] used X[i + a, j + b]·K[a, b]
        for (a, b), weight in np.ndenumerate(kernel):
            right[i + a, j + b] += g * weight
            unflipped[i + a, j + b] += g * kernel[1 - a, 1 - b]
    assert np.allclose(solution.grads["X"], right)
    assert label(solution, "grad.X", unflipped) == "kernel_not_flipped"


def test_a_pooled_gradient_sent_to_the_whole_window_is_pool_not_routed():
    solution = solve(exercise(HELD_OUT["pooling"]))
    everywhere = np.kron(solution.grads["P"], np.ones((2, 2)))
    assert label(solution, "grad.C", everywhere) == "pool_not_routed"
    assert label(solution, "grad.C", everywhere / 4) == "pool_not_routed"


def test_batch_norm_with_its_mean_and_variance_taken_as_constants_is_normalization_constants():
    solution = solve(exercise(HELD_OUT["batchnorm"]))
    X, gamma = solution.values["X"], solution.values["gamma"]
    constants = solution.grads["Y"] * gamma / np.sqrt(X.var(axis=0) + 1e-5)
    assert label(solution, "grad.X", constants) == "normalization_constants"


def test_a_mean_along_an_axis_without_its_one_over_n_is_mean_vs_sum():
    solution = solve(
        exercise("""
        title = "column means"
        [inputs]
        X = [[1, 2], [3, -1], [2, 4]]
        w = [[2, -1]]
        [graph]
        m = "mean(X, 1)"
        L = "sum(m * w)"
    """)
    )
    assert np.allclose(solution.grads["X"], np.ones((3, 1)) * [[2, -1]] / 3)
    assert label(solution, "grad.X", np.ones((3, 1)) * [[2, -1]]) == "mean_vs_sum"


def test_a_variance_along_an_axis_without_its_one_over_n_or_its_two_is_recognised():
    solution = solve(
        exercise("""
        title = "column variances"
        [inputs]
        X = [[1, 2], [3, -1], [2, 4]]
        w = [[2, -1]]
        [graph]
        v = "var(X, 1)"
        L = "sum(v * w)"
    """)
    )
    centred = solution.values["X"] - solution.values["X"].mean(axis=0)
    assert np.allclose(solution.grads["X"], 2 * centred / 3 * [[2, -1]])
    assert label(solution, "grad.X", 2 * centred * [[2, -1]]) == "mean_vs_sum"
    assert label(solution, "grad.X", centred / 3 * [[2, -1]]) == "missing_factor_2"


def test_attention_s_softmax_differentiated_elementwise_is_softmax_diagonal():
    solution = solve(exercise(HELD_OUT["attention"]))
    A = solution.values["A"]
    assert label(solution, "grad.S", A * (1 - A) * solution.grads["A"]) == "softmax_diagonal"


def test_an_rnn_weight_gradient_from_the_last_step_only_is_last_step_only():
    solution = solve(exercise(HELD_OUT["rnn"]))
    last_step = np.outer(solution.grads["a2"], solution.values["h1"])  # ∂a2/∂Wh alone
    both_steps = last_step + np.outer(solution.grads["a1"], solution.values["h0"])
    assert np.allclose(solution.grads["Wh"], both_steps)
    found = diagnose_strictly(solution, Quantity.parse("grad.Wh"), last_step, solution.exercise.tolerance)
    assert found.label == "last_step_only" and "only the last step's path, through a2" in found.explanation
    last_step_x = np.outer(solution.grads["a2"], solution.values["x2"])
    assert label(solution, "grad.Wx", last_step_x) == "last_step_only"


def test_a_weight_used_by_two_different_expressions_is_not_a_recurrence():
    solution = solve(
        exercise("""
        title = "residual"
        [inputs]
        W = [[0.5, -0.2], [0.1, 0.4]]
        x = [1, 2]
        [graph]
        h = "tanh(W @ x)"
        r = "W @ h + x"
        L = "sum(r * r)"
    """)
    )
    only_r = np.outer(solution.grads["r"], solution.values["h"])
    assert label(solution, "grad.W", only_r) != "last_step_only"


# -- nothing breaks on an operation without a scalar formula ------------------------------------------------


@pytest.mark.parametrize("name", ["convolution-stride-padding", "pooling", "batchnorm", "rnn"])
def test_every_step_has_hints_and_the_drawing_and_diagnosis_work(name):
    solution = solve(exercise(HELD_OUT[name]))
    for quantity in asked_quantities(solution):
        ladder = hint_ladder(solution, quantity)
        assert ladder, quantity
        diagnose_strictly(
            solution,
            quantity,
            np.zeros(np.shape(solution.values.get(quantity.name, 0.0))) + 0.123,
            solution.exercise.tolerance,
        )
    session = Session(exercise(HELD_OUT[name]))
    assert draw(session_picture(session))


def test_a_convolution_s_local_derivative_hint_gives_its_rule_in_words():
    solution = solve(exercise(HELD_OUT["convolution-stride-padding"]))
    ladder = hint_ladder(solution, Quantity.parse("local.Z.X"))
    assert any("flipped by 180°" in rung for rung in ladder), ladder


def test_tutor_show_and_solve_print_a_convolution_exercise(tmp_path):
    path = tmp_path / "conv.toml"
    path.write_text(textwrap.dedent(HELD_OUT["pooling"]), encoding="utf-8")
    shown = tutor_command("show", path)
    assert shown.returncode == 0 and "maxpool(C, 2)" in shown.stdout, shown.stderr
    solved = tutor_command("solve", path)
    assert solved.returncode == 0 and "dL/dK" in solved.stdout.replace("∂", "d"), solved.stdout + solved.stderr


@pytest.mark.parametrize("name", ["conv2d", "maxpool", "batchnorm", "layernorm", "var"])
def test_the_expression_generator_does_not_offer_the_tensor_operations(name):
    with pytest.raises(ValueError, match="choose from"):
        generate("expression", 0, functions=name)


def test_a_convolution_exercise_walks_to_its_summary_in_the_tui_at_80x24(tmp_path):
    path = tmp_path / "conv.toml"
    text = textwrap.dedent(HELD_OUT["convolution-stride-padding"])
    path.write_text(text.replace("[inputs]", 'ask = ["values", "grad.K", "grad.X"]\n[inputs]'), encoding="utf-8")

    async def scenario():
        app = TutorApp(str(path), store=ProgressStore(tmp_path / "home"))
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            screen = app.screen
            diagnosed = False
            while not isinstance(app.screen, SummaryScreen):
                session = screen.session
                if session.state.done:
                    await pilot.press("pagedown")
                    await pilot.pause()
                    continue
                if str(session.step.quantity) == "grad.X" and not diagnosed:
                    solution = session.solution
                    padded = np.zeros((5, 5))
                    for (i, j), g in np.ndenumerate(solution.grads["Z"]):  # stride 2, padding 1
                        for (a, b), _ in np.ndenumerate(solution.values["K"]):
                            padded[2 * i + a, 2 * j + b] += g * solution.values["K"][1 - a, 1 - b]
                    await paste_answer(pilot, repr(padded[1:4, 1:4].tolist()))  # the padding cut off
                    assert "flipped by 180°" in text_of(screen, "#feedback")
                    diagnosed = True
                await paste_answer(pilot, right_answer(session))
            assert diagnosed

    run(scenario())
