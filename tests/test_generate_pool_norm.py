"""`tutor generate pool` and `norm`: max pooling with no tie in any window, and batch or layer norm with no
tiny variance, checked here against NumPy written from the definitions, not with the generator's checks."""

from __future__ import annotations

import shlex
import tomllib

import numpy as np
import pytest
from test_generate import assert_generated
from test_generate_tensors import assert_matches_finite_differences

from tutor.cli.main import main
from tutor.engine import solve
from tutor.exercise import parse_exercise, resolve_exercise
from tutor.generate import generate, generate_like
from tutor.generate.checks import degeneracy

EPSILON = 1e-5
NORM_SETTINGS = [("batch", False), ("batch", True), ("layer", False), ("layer", True)]


def windows(X: np.ndarray, size: int) -> list[tuple[int, int, np.ndarray]]:
    return [
        (row, column, X[row : row + size, column : column + size])
        for row in range(0, X.shape[0], size)
        for column in range(0, X.shape[1], size)
    ]


@pytest.mark.parametrize("size", [2, 3])
def test_generated_pooling_has_a_clear_maximum_in_every_window_and_routes_to_it(size):
    for seed in range(4):
        generated = generate("pool", seed, size=size)
        assert_generated(generated)
        solution = solve(generated.exercise)
        assert_matches_finite_differences(solution)
        X, grad_P, grad_X = solution.values["X"], solution.grads["P"], solution.grads["X"]
        assert X.shape == (2 * size, 2 * size) and solution.values["P"].shape == (2, 2)
        expected_grad_X = np.zeros_like(X)
        for row, column, window in windows(X, size):
            largest, runner_up = np.sort(window, axis=None)[::-1][:2]
            assert largest - runner_up >= 1, (seed, window)  # no tie, by a margin
            assert solution.values["P"][row // size, column // size] == largest
            at = np.unravel_index(np.argmax(window), window.shape)
            expected_grad_X[row + at[0], column + at[1]] = grad_P[row // size, column // size]
        assert np.all(grad_P != 0)  # every window has a gradient to route
        assert np.array_equal(grad_X, expected_grad_X)
        inputs = tomllib.loads(generated.text)["inputs"]
        assert all(float(number).is_integer() for name in ("X", "w", "y") for number in np.ravel(inputs[name]))
        assert {"values", "grad.X"} <= set(generated.exercise.ask)


def reference_norm(X: np.ndarray, gamma: np.ndarray, beta: np.ndarray, axis: int) -> np.ndarray:
    mean = X.mean(axis=axis, keepdims=True)
    variance = ((X - mean) ** 2).mean(axis=axis, keepdims=True)
    return gamma * (X - mean) / np.sqrt(variance + EPSILON) + beta


@pytest.mark.parametrize("kind, decomposed", NORM_SETTINGS)
def test_generated_normalization_never_has_a_tiny_variance_and_rounds_nicely(kind, decomposed):
    axis = 0 if kind == "batch" else 1  # NumPy's axis: down the columns for batch norm, along the rows for layer
    for seed in range(4):
        generated = generate("norm", seed, kind=kind, decomposed=decomposed)
        assert_generated(generated)
        solution = solve(generated.exercise)
        assert_matches_finite_differences(solution)
        X = solution.values["X"]
        assert X.shape == ((4, 2) if kind == "batch" else (2, 4))
        expected = reference_norm(X, solution.values["gamma"], solution.values["beta"], axis)
        assert np.allclose(solution.values["Y"], expected, rtol=1e-12, atol=1e-12)
        deviation = X.std(axis=axis)
        assert np.all(deviation >= 1), deviation  # never a zero or tiny variance
        assert np.allclose(deviation * 2, np.round(deviation * 2)), deviation  # a multiple of 0.5
        assert np.allclose(X.mean(axis=axis) * 4, np.round(X.mean(axis=axis) * 4))  # a multiple of 0.25
        normalized = (X - X.mean(axis=axis, keepdims=True)) / X.std(axis=axis, keepdims=True)
        first, second = normalized.T if kind == "batch" else normalized
        assert not np.allclose(first, second)  # the second group is not the first one's work again
        assert np.all(X == np.round(X))
        graph = tomllib.loads(generated.text)["graph"]
        if decomposed:
            number = 1 if kind == "batch" else 2  # the format's axes count from 1
            assert graph["mu"] == f"mean(X, {number})" and graph["v"] == f"var(X, {number})", graph
        else:
            assert graph["Y"] == f"{kind}norm(X, gamma, beta)", graph


@pytest.mark.parametrize(
    "kind, options, message",
    [
        ("pool", {"size": 4}, "size must be a whole number from 2 to 3"),
        ("pool", {"stride": 2}, "'stride' is not an option of pool exercises"),
        ("norm", {"kind": "bach"}, "did you mean 'batch'"),
        ("norm", {"decomposed": "yes"}, "decomposed is on \\(True\\) or off \\(False\\)"),
        ("norm", {"size": 3}, "'size' is not an option of norm exercises"),
    ],
)
def test_bad_options_are_refused_with_a_clear_message(kind, options, message):
    with pytest.raises(ValueError, match=message):
        generate(kind, 1, **options)


@pytest.mark.parametrize(
    "argv, message",
    [
        (["pool", "--size", "5"], "size must be a whole number from 2 to 3, not 5"),
        (["norm", "--kind", "group"], "unknown kind 'group': choose from batch, layer"),
        (["rnn", "--decomposed"], "--decomposed is not an option of rnn exercises"),
        (["pool", "--kind", "layer"], "--kind is not an option of pool exercises"),
    ],
)
def test_the_command_refuses_bad_options_with_exit_2(argv, message, capsys):
    assert main(["generate", *argv, "--seed", "1"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and message in err and "Traceback" not in err


@pytest.mark.parametrize(
    "argv, kind, options",
    [
        (["pool", "--size", "3"], "pool", {"size": 3}),
        (["norm", "--kind", "layer", "--decomposed"], "norm", {"kind": "layer", "decomposed": True}),
        (["norm"], "norm", {}),
    ],
)
def test_tutor_generate_prints_pool_and_norm_and_their_source_runs_as_typed(argv, kind, options, capsys, tmp_path):
    assert main(["generate", *argv, "--seed", "17"]) == 0
    out, err = capsys.readouterr()
    generated = generate(kind, 17, **options)
    assert out == generated.text and err == ""
    command = generated.exercise.source.split("generator: ")[1]
    assert main(shlex.split(command)[1:]) == 0
    assert capsys.readouterr().out == generated.text
    path = tmp_path / "fresh.toml"
    path.write_text(out, encoding="utf-8")
    assert main(["validate", str(path)]) == 0


def solved(inputs: str, graph: str):
    """A small exercise whose only parameter is g, so that no earlier check (a zero gradient of X) decides."""
    text = f'title = "t"\ndescription = "d"\nparams = ["g"]\n[inputs]\n{inputs}\n[graph]\n{graph}\n'
    return solve(parse_exercise(text, None, "t"))


@pytest.mark.parametrize(
    "inputs, graph, problem",
    [
        (
            "X = [[1, 3, 0, 2], [3, 2, 1, 1], [0, 0, 5, 4], [1, 2, 3, 4]]\ng = [[1, 2], [3, 4]]",
            'L = "sum(g*maxpool(X, 2))"',
            "has a tie",
        ),
        (
            "X = [[1, 2.95], [3, 1]]\ng = 2",
            'L = "g*sum(maxpool(X, 2))"',
            "has a tie",
        ),  # a runner-up 0.05 below  # a runner-up 0.05 below
        (
            "X = [[1, 2], [1, 3], [1, 4]]\nC = [[1, 2], [3, 1], [2, 2]]\ng = [1, 2]",
            'L = "sum(C*batchnorm(X, 1, g))"',
            "zero variance",
        ),
        (
            "X = [[1, 1.02], [3, 4]]\nC = [[1, 2], [3, 1]]\ng = [1, 2]",
            'L = "sum(C*layernorm(X, 1, g))"',
            "zero variance",
        ),
    ],
)
def test_a_pool_tie_or_a_tiny_variance_makes_any_draft_degenerate(inputs, graph, problem):
    """The generator's final check, which "a new one like this" applies too, whatever made the numbers."""
    assert problem in degeneracy(solved(inputs, graph))


@pytest.mark.parametrize("name", ["maxpool-2x2", "batchnorm-whole", "batchnorm-decomposed"])
def test_new_numbers_for_the_catalog_pooling_and_norm_exercises_are_never_tied_or_flat(name):
    for seed in range(3):
        solution = solve(generate_like(resolve_exercise(name), seed).exercise)
        # (maxpool-2x2's X has zeros in its gradient on purpose: that check is not held against new numbers)
        if name == "maxpool-2x2":
            for _, _, window in windows(solution.values["X"], 2):
                largest, runner_up = np.sort(window, axis=None)[::-1][:2]
                assert round(largest - runner_up, 9) >= 0.1, window
        else:
            x = solution.values["X" if name == "batchnorm-whole" else "x"]
            assert degeneracy(solution) is None and np.all(x.std(axis=0) >= 0.1), x
