"""Formula questions: derivations typed as expressions, checked at random points."""

from __future__ import annotations

from textwrap import dedent

import pytest

from tutor.engine import solve
from tutor.exercise import ExerciseFileError, parse_exercise, resolve_exercise
from tutor.exercise.expression import to_text
from tutor.grading import Checker, Quantity, asked_quantities
from tutor.grading.formula import sample_points
from tutor.session import Session

SIGMOID = dedent("""
    title = "Sigmoid slope"
    [inputs]
    x = 0.5
    [graph]
    f = "sigmoid(x)"
    [[questions]]
    id = "slope"
    prompt = "Write the derivative of sigmoid(x)."
    answer = "sigmoid(x)*(1 - sigmoid(x))"
    variables = { x = [-4, 4] }
""")


def check(text: str, exercise_text: str = SIGMOID, question: str = "slope"):
    return Checker(solve(parse_exercise(exercise_text))).check(Quantity("formula", question), text)


@pytest.mark.parametrize(
    "answer",
    [
        "sigmoid(x)*(1 - sigmoid(x))",
        "exp(-x)/(1 + exp(-x))^2",
        "sigmoid(x) - sigmoid(x)^2",
        "1/(1+exp(-x)) * (1 - 1/(1+exp(-x)))",
    ],
)
def test_equivalent_formulas_are_right(answer):
    verdict = check(answer)
    assert verdict.correct, verdict.message


@pytest.mark.parametrize("answer", ["sigmoid(x)", "sigmoid(x)*(1 + sigmoid(x))", "0.235", "exp(-x)/(1 + exp(-x))"])
def test_different_formulas_are_wrong_with_a_counter_example(answer):
    verdict = check(answer)
    assert not verdict.correct and verdict.readable
    assert "your formula gives" in verdict.message and "the right one gives" in verdict.message


def test_a_formula_right_only_at_the_exercise_value_is_still_wrong():
    # sigmoid(0.5)*(1 - sigmoid(0.5)) as a number: equal at x = 0.5, not elsewhere
    assert not check("0.2350037122015945").correct


def test_unknown_names_are_explained_and_not_counted():
    verdict = check("sigmoid(y)")
    assert not verdict.readable
    assert "unknown name 'y'" in verdict.message and "x" in verdict.message


def test_points_include_the_exercise_values_and_are_reproducible():
    solution = solve(parse_exercise(SIGMOID))
    question = solution.exercise.questions[0]
    points = sample_points(question, solution)
    assert float(points[0]["x"]) == 0.5  # the exercise's own value first
    assert all(-4 <= float(point["x"]) <= 4 for point in points[1:])
    assert [float(p["x"]) for p in points] == [float(p["x"]) for p in sample_points(question, solution)]


def test_points_where_the_reference_is_undefined_are_skipped():
    text = (
        SIGMOID.replace('answer = "sigmoid(x)*(1 - sigmoid(x))"', 'answer = "1/x"')
        .replace("x = [-4, 4]", "x = [-1, 1]")
        .replace('f = "sigmoid(x)"', 'f = "log(x)"')
    )
    assert check("x^-1", text).correct


@pytest.mark.parametrize(
    "change, message",
    [
        ('answer = "sigmoid(x)*(1 - sigmoid(x))"', "'answer' is missing"),
        ('prompt = "Write the derivative of sigmoid(x)."', "'prompt' is missing"),
        ("x = [-4, 4]", "[low, high]"),
    ],
)
def test_bad_questions_are_reported_with_their_line(change, message):
    replacement = {"x = [-4, 4]": "x = [4, -4]"}.get(change, "")
    with pytest.raises(ExerciseFileError) as caught:
        parse_exercise(SIGMOID.replace(change, replacement))
    problem = caught.value.problems[0]
    assert message in problem.message and problem.line == 7  # the [[questions]] line


def test_catalog_derivations_from_the_seeds_accept_their_own_formula():
    expected = {
        "sigmoid-decomposed": "sigmoid_slope",
        "tanh-decomposed": "tanh_slope",
        "softmax-decomposed": "softmax_other",
        "cross-entropy-loss": "cross_entropy_slope",
        "binary-classifier-logloss": "logloss_delta",
        "linear-network-3-2-1": "half_squared_error_slope",
    }
    for name, question_id in expected.items():
        solution = solve(resolve_exercise(name))
        quantities = [q for q in asked_quantities(solution) if q.kind == "formula"]
        assert Quantity("formula", question_id) in quantities
        question = next(q for q in solution.exercise.questions if q.id == question_id)
        assert Checker(solution).check(Quantity("formula", question_id), to_text(question.answer)).correct


def test_the_textbook_forms_of_the_seed_derivations():
    sigmoid = Checker(solve(resolve_exercise("sigmoid-decomposed")))
    assert sigmoid.check(Quantity("formula", "sigmoid_slope"), "exp(-x)/(1+exp(-x))^2").correct  # quotient rule
    tanh = Checker(solve(resolve_exercise("tanh-decomposed")))
    assert tanh.check(Quantity("formula", "tanh_slope"), "4/(exp(x) + exp(-x))^2").correct  # the seed's other form
    assert not tanh.check(Quantity("formula", "tanh_slope"), "1/(exp(x) + exp(-x))^2").correct  # the seed's slip


def test_a_session_walks_formula_steps():
    session = Session(resolve_exercise("sigmoid-decomposed"))
    index = next(i for i, step in enumerate(session.steps) if step.quantity.kind == "formula")
    session.go_to(index)
    assert session.step.phase == "Derivation" and "formula in x" in session.step.answer_format
    assert session.preview("sigmoid(x)*(1-sigmoid(x))").startswith("Read as")
    assert session.answer("sigmoid(x)*(1-sigmoid(x))").correct
