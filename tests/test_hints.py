"""Hint ladders: generated for every step of every catalog exercise, from a pointer to the answer,
with the author's own hints first."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

from tutor.engine import solve
from tutor.engine.formatting import format_value
from tutor.exercise import catalog_names, parse_exercise, resolve_exercise
from tutor.exercise.expression import to_text
from tutor.grading import Checker, Quantity, asked_quantities
from tutor.grading.explain import format_changed
from tutor.grading.hints import hint_ladder
from tutor_testing import NETWORK


def exercise(text: str):
    return solve(parse_exercise(textwrap.dedent(text)))


def ladder(solution, quantity: str) -> list[str]:
    return hint_ladder(solution, Quantity.parse(quantity))


@pytest.mark.parametrize("name", catalog_names())
def test_every_step_of_every_catalog_exercise_has_a_ladder_ending_in_the_answer(name):
    solution = solve(resolve_exercise(name))
    checker = Checker(solution)
    for quantity in asked_quantities(solution):
        rungs = hint_ladder(solution, quantity)
        assert len(rungs) >= 3, (quantity, rungs)
        assert all(isinstance(rung, str) and rung.strip() for rung in rungs)
        assert len(set(rungs)) == len(rungs), "no rung twice"
        if quantity.kind == "formula":  # the answer to a derivation is its formula
            asked = next(item for item in solution.exercise.questions if item.id == quantity.name)
            answer = to_text(asked.answer)
        elif quantity.kind in ("update", "after"):  # with the figures that show the change
            answer = format_changed(checker.expected(quantity), solution.values[quantity.name])
        else:
            answer = format_value(checker.expected(quantity))
        assert answer in rungs[-1], (quantity, answer, rungs[-1])
        assert not any(rung == rungs[-1] for rung in rungs[:-1])


NEURON = """
    title = "Sigmoid neuron with squared error"
    [inputs]
    x1 = 1
    w1 = "4/5"
    b0 = "3/5"
    y = 1
    [graph]
    z = "w1*x1 + b0"
    yhat = "sigmoid(z)"
    L = "(yhat - y)^2"
    [hints]
    z = ["∂ŷ/∂z = σ(z)(1 − σ(z)): reuse ŷ.", "About −0.2 times about 0.2."]
    yhat = "Remember the 2 of the square."
"""


@pytest.fixture(scope="module")
def neuron():
    return exercise(NEURON)


def test_the_ladder_for_a_gradient_goes_from_the_rule_to_the_numbers(neuron):
    rungs = ladder(neuron, "grad.z")
    assert rungs[:2] == ["∂ŷ/∂z = σ(z)(1 − σ(z)): reuse ŷ.", "About −0.2 times about 0.2."]  # the author's first
    generated = rungs[2:]
    assert "yhat = sigmoid(z)" in generated[0] and "σ(z)(1 − σ(z))" in generated[0]  # dependency and rule
    assert generated[1] == "dL/dz = dL/dyhat · yhat(1 − yhat)"  # the formula
    yhat = format_value(neuron.values["yhat"])
    assert format_value(neuron.grads["yhat"]) in generated[2] and yhat in generated[2]  # with the numbers
    assert format_value(neuron.grads["z"]) in generated[3]  # the answer
    assert format_value(neuron.grads["z"]) not in " ".join(rungs[:-1])  # ... only at the end


def test_the_ladder_for_a_local_derivative(neuron):
    rungs = ladder(neuron, "local.yhat.z")
    assert not any(rung.startswith("∂ŷ/∂z") for rung in rungs)  # z's hints are for dL/dz, a step of z's own
    assert "∂yhat/∂z = yhat(1 − yhat)" in rungs
    assert any("∂L/∂yhat = 2·(yhat - y)" == rung for rung in ladder(neuron, "local.L.yhat"))
    assert format_value(neuron.local_derivative("yhat", "z").value) in rungs[-1]


def test_a_product_gives_the_other_factor(neuron):
    rungs = ladder(neuron, "local.z.w1")
    assert "∂z/∂w1 = x1" in rungs
    assert "w1*x1 + b0" in rungs[0] and "∂(a·b)/∂a = b" in rungs[0]


def test_the_ladder_for_a_forward_value_skips_hints_about_derivatives(neuron):
    rungs = ladder(neuron, "value.z")
    assert not any("∂" in rung for rung in rungs)  # the author's hints for z are about the backward pass
    assert "z depends on w1, x1 and b0" in rungs[0]
    assert rungs[1].startswith("z = w1*x1 + b0")
    assert "0.8*1 + 0.6" in rungs[2]
    assert rungs[-1].endswith("= 1.4")


def test_fan_out_says_sum_over_paths():
    fan = exercise("""
        title = "fan-out"
        [inputs]
        x = 3
        y = -4
        [graph]
        p = "x*y"
        f = "p + x"
    """)
    rungs = ladder(fan, "grad.x")
    assert "sum over paths" in rungs[0] and "p and f" in rungs[0]
    assert rungs[1] == "df/dx = df/dp · y + 1"  # df/df · ∂f/∂x, with df/df = 1
    assert rungs[-1].endswith("= -3")


def test_vectors_and_matrices_get_shapes_and_matrix_formulas():
    network = exercise(NETWORK)
    rungs = ladder(network, "grad.W2")
    assert "2x3 matrix" in rungs[0]
    assert rungs[1] == "dL/dW2 = dL/dz2 · xᵀ (an outer product)"
    rungs = ladder(network, "grad.x")
    assert rungs[1] == "dL/dx = W2ᵀ · dL/dz2"
    rungs = ladder(network, "grad.z2")
    assert rungs[1] == "dL/dz2 = dL/da2 ⊙ a2(1 − a2)"
    rungs = ladder(network, "local.z2.x")
    assert "Jacobian" in rungs[0] and "∂z2/∂x = W2" in rungs


def test_update_and_after_the_update():
    network = exercise(NETWORK)
    rungs = ladder(network, "update.W3")
    assert "η = 0.5" in rungs[0]
    assert rungs[1] == "new W3 = W3 − η·dL/dW3 = W3 − 0.5·dL/dW3"
    assert format_changed(network.updated["W3"], network.values["W3"]) in rungs[-1]
    rungs = ladder(network, "after.L")
    assert "new W2, b2, W3 and b3" in rungs[0]
    assert format_changed(network.after_values["L"], network.values["L"]) in rungs[-1]


def test_batch_copies_use_the_authors_hints_of_the_base_name():
    batch = exercise("""
        title = "batch"
        [inputs]
        w = 2
        b = 1
        [graph]
        yhat = "w*x + b"
        L = "(yhat - y)^2"
        [batch]
        reduce = "mean"
        output = "J"
        samples = [ { x = 1, y = 2 }, { x = 2, y = 3 } ]
        [hints]
        yhat = "∂L/∂ŷ = 2(ŷ − y) for each sample."
        w = "Add the samples' contributions."
    """)
    assert ladder(batch, "grad.yhat#2")[0] == "∂L/∂ŷ = 2(ŷ − y) for each sample."
    rungs = ladder(batch, "grad.w")
    assert rungs[0] == "Add the samples' contributions."
    assert "sum over paths" in rungs[1] and "yhat#1 and yhat#2" in rungs[1]
    assert format_value(batch.grads["w"]) in rungs[-1]
    assert "1/2" in " ".join(ladder(batch, "local.J.L#1"))


def test_the_output_and_an_unused_input():
    graph = exercise("""
        title = "unused"
        ask = ["gradients"]
        [inputs]
        a = 2
        unused = 5
        [graph]
        f = "a^2"
    """)
    assert ladder(graph, "grad.f")[-1] == "df/df = 1"
    rungs = ladder(graph, "grad.unused")
    assert "does not depend on unused" in rungs[0] and rungs[-1] == "df/dunused = 0"


def test_a_jacobian_exercise():
    solution = solve(resolve_exercise("jacobian-chain-fog"))
    rungs = ladder(solution, "grad.x")
    assert any("Jacobian" in rung for rung in rungs)
    assert format_value(solution.grads["x"]) in rungs[-1]
    assert np.allclose(solution.grads["x"], [12, 131])


AUTHOR_HINTS = """
    title = "author hints"
    [inputs]
    x = 3
    w = 2
    [graph]
    p = "w*x"
    L = "p^2"
    [hints]
    p = ["First: p multiplies the weight by the input.", "Second: 2 times 3."]
    L = "Square p."
    w = "Add up the one path from L."
"""


def test_a_nodes_hints_are_on_its_value_step_only_first_hint_first():
    solution = exercise(AUTHOR_HINTS)
    assert ladder(solution, "value.p")[:2] == ["First: p multiplies the weight by the input.", "Second: 2 times 3."]
    for other in ("grad.p", "local.L.p", "local.p.w", "value.L", "grad.w"):
        assert not any(rung.startswith(("First:", "Second:")) for rung in ladder(solution, other)), other
    assert ladder(solution, "value.L")[0] == "Square p."


def test_an_inputs_hints_are_on_its_gradient_step_only():
    solution = exercise(AUTHOR_HINTS)
    assert ladder(solution, "grad.w")[0] == "Add up the one path from L."
    assert not any("one path" in rung for rung in ladder(solution, "local.p.w"))


def test_a_list_about_derivatives_goes_whole_to_the_gradient_step():
    solution = exercise(AUTHOR_HINTS.replace('"Second: 2 times 3."', '"Second: dL/dp = 2p."'))
    assert ladder(solution, "grad.p")[:2] == ["First: p multiplies the weight by the input.", "Second: dL/dp = 2p."]
    assert not any(rung.startswith(("First:", "Second:")) for rung in ladder(solution, "value.p"))


def test_the_outputs_hints_about_derivatives_go_on_its_first_local_derivative():
    # the output's gradient is 1 and never a step: its hints about derivatives would otherwise never show
    solution = exercise(AUTHOR_HINTS.replace('L = "Square p."', 'L = "∂L/∂p = 2p: the power rule."'))
    assert ladder(solution, "local.L.p")[0] == "∂L/∂p = 2p: the power rule."
    for other in ("value.L", "value.p", "grad.p", "local.p.w"):
        assert not any("power rule" in rung for rung in ladder(solution, other)), other
    for name in ("l1-loss", "leaky-relu-decomposed"):  # the catalog's two such hints, never shown before
        catalog = solve(resolve_exercise(name))
        hint = catalog.exercise.hints[catalog.output][0]
        shown = [str(quantity) for quantity in asked_quantities(catalog) if hint in hint_ladder(catalog, quantity)]
        assert shown == [f"local.{catalog.output}.{'v' if name == 'l1-loss' else 'c'}"]


DERIVATION = """
    title = "A neuron's derivative"
    [[questions]]
    id = "neuron"
    prompt = "For a = sigmoid(w*x + b), write da/dw as a formula in w, x and b."
    answer = "sigmoid(w*x + b)*(1 - sigmoid(w*x + b))*x"
    variables = { w = [-2, 2], x = [-2, 2], b = [-1, 1] }
"""


def test_a_formula_ladder_climbs_through_the_answers_outline_before_the_answer():
    rungs = ladder(exercise(DERIVATION), "formula.neuron")
    answer = "sigmoid(w*x + b)*(1 - sigmoid(w*x + b))*x"
    assert answer in rungs[-1] and not any(answer in rung for rung in rungs[:-1])
    assert "∂σ(z)/∂z" in rungs[1]  # which derivative
    assert rungs[2] == (  # which chain: the factors, each hidden
        "The answer has the form A*B*x, where A is the sigmoid of something in b, w and x and B is a difference in "
        "b, w and x."
    )
    assert rungs[3] == (  # which factor: one level deeper
        "The answer has the form sigmoid(A)*(1 - B)*x, where A is a sum in b, w and x and B is the sigmoid of "
        "something in b, w and x."
    )
    assert len(rungs) == 5


def test_a_formula_with_nothing_to_outline_goes_from_the_rules_to_the_answer():
    rungs = ladder(solve(resolve_exercise("linear-network-3-2-1")), "formula.half_squared_error_slope")
    assert not any("has the form" in rung for rung in rungs)
    assert rungs[-1].endswith("Answer: yhat - y")
