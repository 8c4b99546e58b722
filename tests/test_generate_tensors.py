"""`tutor generate conv`, `attention` and `rnn`: fresh exercises beyond the MLP that load, solve to the
finite differences, and can be worked by hand (checked here with this file's own code, not the
generator's checks). The given panel at 80x24 is checked here for pool and norm too."""

from __future__ import annotations

import tomllib

import numpy as np
import pytest
from rich.cells import cell_len
from test_generate import assert_workable
from test_given_tui import given_panel_size  # noqa: F401 (a fixture: the given panel's size at 80x24)

from tutor.cli.main import main
from tutor.engine import solve
from tutor.exercise import resolve_exercise
from tutor.generate import generate
from tutor.session import Session
from tutor.session.given import given_text
from tutor_testing import ATOL, RTOL, needed_tokens, numeric_gradient, right_answer

CONV_SETTINGS = [(3, 1, 0), (3, 2, 1), (3, 1, 1), (4, 1, 0), (4, 2, 0), (4, 2, 1)]  # (size, stride, padding)


def cross_correlation(X: np.ndarray, K: np.ndarray, stride: int, padding: int) -> np.ndarray:
    """conv2d as the frameworks compute it, straight from its definition: the reference for the graphs."""
    padded = np.pad(X, padding)
    k = K.shape[0]
    out = (padded.shape[0] - k) // stride + 1
    return np.array(
        [
            [np.sum(padded[i * stride : i * stride + k, j * stride : j * stride + k] * K) for j in range(out)]
            for i in range(out)
        ]
    )


def assert_matches_finite_differences(solution) -> None:
    for name in solution.graph.inputs:
        numeric = numeric_gradient(solution, name)
        assert np.allclose(solution.grads[name], numeric, rtol=RTOL, atol=ATOL), (name, solution.grads[name], numeric)


@pytest.mark.parametrize("size, stride, padding", CONV_SETTINGS)
def test_generated_convolutions_compute_conv2d_and_are_workable(size, stride, padding):
    for seed in range(5):
        generated = generate("conv", seed, size=size, stride=stride, padding=padding)
        assert_workable(generated)
        solution = solve(generated.exercise)
        X, K = solution.values["X"], solution.values["K"]
        assert np.array_equal(solution.values["Y"], cross_correlation(X, K, stride, padding))
        assert_matches_finite_differences(solution)
        inputs = tomllib.loads(generated.text)["inputs"]
        assert all(float(number).is_integer() for name in "XKG" for number in np.ravel(inputs[name]))


@pytest.mark.parametrize(
    "name, stride, padding", [("conv2d-forward-backward", 1, 0), ("conv2d-stride2-padding1", 2, 1)]
)
def test_the_catalog_convolutions_compute_conv2d(name, stride, padding):
    solution = solve(resolve_exercise(name))
    X, K = solution.values["X"], solution.values["K"]
    assert np.array_equal(solution.values["Y"], cross_correlation(X, K, stride, padding))
    # dL/dX is the full convolution of G with the flipped kernel (stride 1), the identity the exercise teaches
    if stride == 1:
        G = solution.values["G"]
        assert np.array_equal(solution.grads["X"], cross_correlation(G, np.flip(K), 1, K.shape[0] - 1))


@pytest.mark.parametrize("mask", ["causal", "none"])
def test_generated_attention_is_workable_and_never_one_hot(mask):
    for seed in range(10):
        generated = generate("attention", seed, mask=mask)
        assert_workable(generated)
        solution = solve(generated.exercise)
        assert_matches_finite_differences(solution)
        weights = solution.values["A"]
        assert np.allclose(weights.sum(axis=1), 1)
        free_rows = weights[1:] if mask == "causal" else weights
        assert np.all((free_rows >= 0.1) & (free_rows <= 0.9)), weights  # no row all but one-hot
        if mask == "causal":
            assert weights[0].tolist() == [1.0, 0.0]  # the first token sees only itself
            assert np.all(solution.grads["Q"][0] == 0)  # so its query has no gradient: asked, not a parameter
            assert "grad.Q" in generated.exercise.ask and "Q" not in generated.exercise.params
        inputs = tomllib.loads(generated.text)["inputs"]
        assert all((number * 2).is_integer() for name in "QKV" for number in np.ravel(inputs[name]))


@pytest.mark.parametrize("steps, hidden", [(2, 1), (2, 2), (3, 1), (3, 2)])
def test_generated_rnns_are_workable_and_never_saturated(steps, hidden):
    for seed in range(5):
        generated = generate("rnn", seed, steps=steps, hidden=hidden)
        assert_workable(generated)
        solution = solve(generated.exercise)
        assert_matches_finite_differences(solution)
        for step in range(1, steps + 1):
            pre_activation = np.abs(solution.values[f"a{step}"])
            assert np.all((pre_activation >= 0.1) & (pre_activation <= 2.5)), (step, pre_activation)
        assert abs(float(solution.values["yhat"]) - float(solution.values["y"])) >= 0.2
        # the weights are shared by every step: each is used once per step, so its gradient adds them up
        for weight in ("Wx", "Wh", "b"):
            users = [target for source, target in solution.edges if source == weight]
            assert users == [f"a{step}" for step in range(1, steps + 1)]


@pytest.mark.parametrize(
    "kind, options, message",
    [
        ("conv", {"stride": 2}, "never reaches row and column 3 of the input"),
        ("conv", {"size": 5}, "size must be a whole number from 3 to 4"),
        ("conv", {"padding": 2}, "padding must be a whole number from 0 to 1"),
        ("conv", {"mask": "causal"}, "'mask' is not an option of conv exercises"),
        ("attention", {"mask": "causl"}, "did you mean 'causal'"),
        ("rnn", {"steps": 4}, "steps must be a whole number from 2 to 3"),
        ("rnn", {"hidden": 3}, "hidden must be a whole number from 1 to 2"),
    ],
)
def test_bad_options_are_refused_with_a_clear_message(kind, options, message):
    with pytest.raises(ValueError, match=message):
        generate(kind, 1, **options)


@pytest.mark.parametrize(
    "argv, options",
    [
        (["conv", "--stride", "2", "--padding", "1"], {"kind": "conv", "stride": 2, "padding": 1}),
        (["attention", "--mask", "none"], {"kind": "attention", "mask": "none"}),
        (["rnn", "--steps", "3", "--hidden", "1"], {"kind": "rnn", "steps": 3, "hidden": 1}),
    ],
)
def test_tutor_generate_prints_each_new_kind(argv, options, capsys):
    assert main(["generate", *argv, "--seed", "17"]) == 0
    out, err = capsys.readouterr()
    kind = options.pop("kind")
    assert out == generate(kind, 17, **options).text and err == ""


def test_a_command_line_option_of_another_kind_is_refused(capsys):
    assert main(["generate", "rnn", "--mask", "causal", "--seed", "1"]) == 2
    assert "--mask is not an option of rnn exercises" in capsys.readouterr().err


@pytest.mark.parametrize(
    "kind, options",
    [
        ("conv", {"size": 4, "stride": 1, "padding": 1}),  # the largest: a 5x5 output
        ("conv", {"size": 3, "stride": 2, "padding": 1}),
        ("attention", {"mask": "causal"}),
        ("rnn", {"steps": 3, "hidden": 2}),
        ("pool", {"size": 3}),  # the largest: a 6x6 input
        ("norm", {"kind": "batch", "decomposed": True}),
        ("norm", {"kind": "layer", "decomposed": True}),
        ("norm", {"kind": "layer", "ask": "values,local_derivatives,parameter_gradients"}),
    ],
)
def test_every_step_of_a_generated_exercise_gives_the_numbers_it_needs_whole_at_80x24(kind, options, request):
    width, rows = request.getfixturevalue("given_panel_size")  # measured on the real screen
    session = Session(generate(kind, 7, **options).exercise)
    typed: dict[str, str] = {}
    while not session.finished:
        needed, text = needed_tokens(session, typed), given_text(session, width)
        if needed:
            lines = text.splitlines()
            assert len(lines) <= rows and max(map(cell_len, lines)) <= width, (str(session.step.quantity), text)
            assert all(token in text for token in needed), (str(session.step.quantity), needed, text)
        typed[str(session.step.quantity)] = right_answer(session)
        assert session.answer(typed[str(session.step.quantity)]).correct
