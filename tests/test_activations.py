"""Each activation added to the table of operations gets what tanh has: hints with its formulas, its slips
recognised by diagnosis, generated networks and the docs (its finite-difference cases are in test_engine.py)."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

from tutor.engine import OPERATIONS, solve
from tutor.exercise import parse_exercise
from tutor.exercise.operations import OPERATION_TABLE
from tutor.generate import generate
from tutor.grading import Quantity
from tutor.grading.diagnosis import diagnose
from tutor.grading.hints import hint_ladder

# activation: (its call on z, the hint's ∂h/∂z for h = that call, the same with the numbers (z = -0.6),
# ∂g/∂w for g = the activation of w*x)
ADDED = {
    "softplus": ("softplus(z)", "σ(z)", "σ(-0.6)", "σ(w*x)·x"),
    "silu": ("silu(z)", "σ(z)(1 + z(1 − σ(z)))", "σ(-0.6)(1 + (-0.6)(1 − σ(-0.6)))", "σ(w*x)(1 + (w*x)(1 − σ(w*x)))·x"),
    "gelu": ("gelu(z)", "Φ(z) + z·φ(z)", "Φ(-0.6) + (-0.6)·φ(-0.6)", "(Φ(w*x) + (w*x)·φ(w*x))·x"),
    "elu": (
        "elu(z, 0.5)",
        "1 if z > 0, else 0.5·e^z",
        "1 if -0.6 > 0, else 0.5·e^(-0.6)",
        "(1 if w*x > 0, else 0.5·e^(w*x))·x",
    ),
}
Z, W, X = -0.6, 0.9, 1.5  # z below 0: the side where the activations differ from the identity


def network(call: str):
    return solve(
        parse_exercise(
            textwrap.dedent(f"""
                title = "{call}"
                [inputs]
                z = {Z}
                w = {W}
                x = {X}
                [graph]
                h = "{call}"
                g = "{call.replace("(z", "(w*x")}"
                L = "(h - 0.2)^2 + g"
            """)
        )
    )


def ladder(solution, quantity: str) -> list[str]:
    return hint_ladder(solution, Quantity.parse(quantity))


def label(solution, quantity: str, answer) -> str | None:
    found = diagnose(
        solution, Quantity.parse(quantity), np.asarray(answer, dtype=np.float64), solution.exercise.tolerance
    )
    return found.label if found else None


@pytest.mark.parametrize("name", ADDED)
def test_the_hints_give_its_formula_its_derivative_and_the_chain_through_it(name):
    call, local, numeric, chained = ADDED[name]
    solution = network(call)
    spec = OPERATION_TABLE[name]
    value = ladder(solution, "value.h")
    assert spec.words in value[0] and spec.formula in value[1]
    rungs = ladder(solution, "local.h.z")
    assert spec.rule in rungs[0]
    assert rungs[1] == f"∂h/∂z = {local}"
    assert rungs[2] == f"∂h/∂z = {numeric} with this exercise's numbers."
    assert ladder(solution, "local.g.w")[1] == f"∂g/∂w = {chained}"


@pytest.mark.parametrize("name", ADDED)
def test_diagnosis_knows_its_value_for_its_derivative_and_its_derivative_at_its_value(name):
    solution = network(ADDED[name][0])
    h = solution.values["h"]
    assert label(solution, "local.h.z", h) == "activation_not_derivative"
    extra = [np.asarray(argument.value) for argument in solution.exercise.nodes[0].expression.args[1:]]
    _, at_output = OPERATIONS[name].compute(h, *extra)
    assert label(solution, "local.h.z", at_output[0].values) == "pre_activation"


@pytest.mark.parametrize("name", ADDED)
@pytest.mark.parametrize("seed", range(3))
def test_the_generator_builds_networks_with_it(name, seed):
    generated = generate("mlp", seed, activation=name)
    assert f'h1 = "{name}(z1' in generated.text
    solution = solve(generated.exercise)
    assert solution.after_values["L"] < solution.values["L"]


@pytest.mark.parametrize("name", ADDED)
@pytest.mark.parametrize("seed", range(3))
def test_the_expression_generator_uses_it_when_asked(name, seed):
    generated = generate("expression", seed, functions=name, variables=1, depth=2)
    assert f'L = "{name}(' in generated.text
    assert f"--functions {name}" in generated.text  # the command that makes it again
    solve(generated.exercise)


# Known values: Φ(1) = 0.8413447460685429 (the normal table), σ(1) = 0.7310585786300049, ln 2.
# elu(z, 1) = e^z − 1 below 0: 1/e − 1 at −1.
REFERENCE = {
    "softplus": [((0.0,), 0.6931471805599453), ((800.0,), 800.0), ((-800.0,), 0.0)],
    "silu": [((1.0,), 0.7310585786300049), ((-1.0,), -0.2689414213699951)],
    "gelu": [((1.0,), 0.8413447460685429), ((-1.0,), -0.15865525393145707), ((-40.0,), 0.0)],
    "elu": [((-1.0, 1.0), -0.6321205588285577), ((2.0, 1.0), 2.0), ((-800.0, 0.5), -0.5), ((800.0, 0.5), 800.0)],
}


@pytest.mark.parametrize("name", REFERENCE)
def test_values_match_the_reference_values_even_far_from_zero(name):
    for arguments, expected in REFERENCE[name]:
        value, _ = OPERATIONS[name].compute(*map(np.asarray, arguments))
        assert value == pytest.approx(expected, rel=1e-12, abs=1e-300), (arguments, value)
