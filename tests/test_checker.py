"""Deciding whether an answer is right (tutor/grading/checker.py)."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from tutor.engine import solve
from tutor.exercise import Tolerance, resolve_exercise
from tutor.grading.answer import read_answer
from tutor.grading.checker import CORRECT, WRONG, Checker, compare
from tutor.grading.diagnosis.passes import CANDIDATES
from tutor.grading.quantities import SPECS, Quantity, QuantityKind, asked_quantities
from tutor.session.steps import PROMPTS

DEFAULT = Tolerance()


def matches(text: str, expected, tolerance: Tolerance = DEFAULT) -> bool:
    answer = read_answer(text)
    return compare(answer.value, np.asarray(expected, dtype=np.float64), tolerance, answer.exact).matches


def check(checker: Checker, quantity: str, text: str):
    return checker.check(Quantity.parse(quantity), text)


# -- tolerance ----------------------------------------------------------------------------------


def test_default_tolerance_is_half_a_percent_with_a_small_floor():
    assert DEFAULT.relative == 0.005
    assert DEFAULT.absolute == 1e-6


@pytest.mark.parametrize("expected", [2.8, -0.1146, 1234.5, 3e-4])
def test_within_half_a_percent_passes(expected):
    assert compare(np.asarray(expected * 1.0049), np.asarray(expected), DEFAULT).matches
    assert compare(np.asarray(expected * 0.9951), np.asarray(expected), DEFAULT).matches


@pytest.mark.parametrize("expected", [2.8, -0.1146, 1234.5, 3e-4])
def test_six_tenths_of_a_percent_fails(expected):
    assert not compare(np.asarray(expected * 1.006), np.asarray(expected), DEFAULT).matches
    assert not compare(np.asarray(expected * 0.994), np.asarray(expected), DEFAULT).matches


def test_three_significant_figures_are_enough():
    assert matches("-0.115", -0.11464835179773747)
    assert matches("0.0540", 0.054038114756384294)
    assert matches("-0.00620", -0.006195380791076455)
    assert not matches("-0.11", -0.11464835179773747)  # two figures are not


def test_wrong_sign_fails():
    assert not matches("0.1146", -0.1146)


def test_absolute_floor_near_zero():
    assert compare(np.asarray(1e-7), np.asarray(0.0), DEFAULT).matches
    assert compare(np.asarray(-1e-7), np.asarray(0.0), DEFAULT).matches
    assert not compare(np.asarray(1e-3), np.asarray(0.0), DEFAULT).matches
    assert matches("0", 0.0)
    assert matches("1e-7", 0.0)
    assert not matches("1e-3", 0.0)


def test_relative_tolerance_applies_per_element():
    expected = np.asarray([1.0, 100.0])
    assert compare(np.asarray([1.0049, 100.49]), expected, DEFAULT).matches
    # 0.4 is within 0.5% of the big element's scale but not of the small element
    result = compare(np.asarray([1.4, 100.0]), expected, DEFAULT)
    assert not result.matches
    assert result.reason == "1 of 2 elements are off"
    assert result.fraction == 0.5


def test_custom_tolerance():
    loose = Tolerance(relative=0.05, absolute=0.01)
    assert compare(np.asarray(1.04), np.asarray(1.0), loose).matches
    assert not compare(np.asarray(1.06), np.asarray(1.0), loose).matches
    assert compare(np.asarray(0.009), np.asarray(0.0), loose).matches


def test_scalar_wrong_has_no_reason_but_a_verdict():
    result = compare(np.asarray(3.0), np.asarray(2.8), DEFAULT)
    assert result.matches is False
    assert result.reason == ""


# -- shapes -------------------------------------------------------------------------------------


def test_shape_mismatch_names_both_shapes():
    result = compare(np.ones((3, 2)), np.ones((2, 3)), DEFAULT)
    assert not result.matches
    assert result.reason == "a 2x3 matrix expected, got a 3x2 matrix"


def test_vector_length_mismatch():
    result = compare(np.ones(3), np.ones(2), DEFAULT)
    assert result.reason == "a vector of 2 expected, got a vector of 3"


def test_number_for_a_vector():
    result = compare(np.asarray(1.0), np.ones(2), DEFAULT)
    assert result.reason == "a vector of 2 expected, got a number"


def test_row_matrix_for_a_vector_is_the_same_numbers():
    assert compare(np.asarray([[1.0, 2.0]]), np.asarray([1.0, 2.0]), DEFAULT).matches
    assert compare(np.asarray([1.0, 2.0]), np.asarray([[1.0, 2.0]]), DEFAULT).matches
    assert compare(np.asarray([[1.0], [2.0]]), np.asarray([1.0, 2.0]), DEFAULT).matches
    assert compare(np.asarray(0.5), np.asarray([0.5]), DEFAULT).matches
    assert not compare(np.asarray([[1.0, 2.5]]), np.asarray([1.0, 2.0]), DEFAULT).matches


def test_transposed_matrix_is_not_accepted_even_with_the_same_numbers():
    expected = np.asarray([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert not compare(expected.T, expected, DEFAULT).matches


def test_checker_message_for_a_shape_mismatch(make_solution):
    solution = make_solution("""
        title = "shapes"
        [inputs]
        W = [[1, 2, 3], [4, 5, 6]]
        x = [1, 1, 1]
        [graph]
        z = "W*2"
        L = "sum(z @ x)"
    """)
    verdict = check(Checker(solution), "value.z", "[[2, 8], [4, 10], [6, 12]]")
    assert verdict.verdict == WRONG
    assert verdict.readable
    assert "a 2x3 matrix expected, got a 3x2 matrix" in verdict.message
    assert verdict.read_as == "[[2, 8], [4, 10], [6, 12]]"
    right = check(Checker(solution), "value.z", "[[2, 4, 6], [8, 10, 12]]")
    assert right.verdict == CORRECT


# -- exact fractions ----------------------------------------------------------------------------


def test_exact_fraction_equal_to_the_right_value():
    assert matches("14/5", 2.8)
    assert matches("28/10", 2.8)
    assert matches("14/5", 0.8 + 1.4 + 0.6)  # 2.8000000000000003 as the engine computes it
    assert matches("1/3", 1 / 3)
    assert matches("-2/3", -2 / 3)


def test_exact_fraction_not_equal_is_wrong_with_a_reason():
    answer = read_answer("13/5")
    result = compare(answer.value, np.asarray(2.8), DEFAULT, answer.exact)
    assert not result.matches
    assert result.reason == "the fraction 13/5 is not exactly right (a fraction must be exact)"  # never the right one


def test_a_fraction_claims_exactness_even_within_tolerance():
    assert not matches("1001/1000", 1.0)
    assert matches("1.001", 1.0)  # the same number typed as a decimal is within 0.5%
    assert matches("2.807", 2.8)  # 0.25% off: right as a decimal...
    assert not matches("2807/1000", 2.8)  # ...but as a fraction it claims to be exactly 2807/1000


def test_fraction_for_a_vector_falls_back_to_tolerance():
    # exactness is only claimed for a single number
    answer = read_answer("1/3")
    assert compare(answer.value, np.asarray([0.3334]), DEFAULT, answer.exact).matches


@pytest.mark.parametrize(
    "text, expected",
    [
        ("46/125", math.exp(-1)),  # 0.368 for 0.367879...
        ("16/21", math.tanh(1)),  # 0.76190 for 0.761594...
        ("707/1000", math.sqrt(2) / 2),
        ("22/7", math.pi),
        ("33/35", 1 / (1 + math.exp(-2.8))),  # the seed exercise's yhat
        ("26/15", math.sqrt(3)),
    ],
)
def test_fraction_for_an_irrational_value_falls_back_to_tolerance(text, expected):
    assert matches(text, expected)


# -- error carried forward on seed homework 001 -------------------------------------------------


def test_seed_exercise_numbers(seed_solution):
    assert math.isclose(float(seed_solution.values["z"]), 2.8)
    assert math.isclose(float(seed_solution.values["yhat"]), 0.9426758241011313)
    assert math.isclose(float(seed_solution.grads["yhat"]), -0.11464835179773747)
    assert math.isclose(float(seed_solution.grads["z"]), -0.006195380791076455)


def test_error_carried_forward_on_the_seed_exercise(seed_solution):
    checker = Checker(seed_solution)

    z = check(checker, "value.z", "14/5")
    assert z.verdict == CORRECT and not z.carried_forward
    assert z.read_as == "14/5 = 2.8"

    yhat = check(checker, "value.yhat", "0,94")
    assert yhat.verdict == CORRECT and not yhat.carried_forward
    assert yhat.notes == ("read the comma as a decimal point",)

    # 2(0.94 - 1) = -0.12; the exact -0.1146 is 4.7% away, so only the learner's own yhat makes it right
    grad_yhat = check(checker, "grad.yhat", "-0,12")
    assert grad_yhat.verdict == CORRECT
    assert grad_yhat.carried_forward is True
    assert "graded using your earlier answers" in grad_yhat.message
    assert "-0.1146" not in grad_yhat.message  # the exact value only where answers are revealed
    assert grad_yhat.revealed_message == "Correct, graded using your earlier answers (with exact values it is -0.1146)."

    # -0.06 is neither the exact -0.0062 nor -0.12 * 0.94 * 0.06 = -0.00677
    grad_z = check(checker, "grad.z", "-0.06")
    assert grad_z.verdict == WRONG
    assert grad_z.carried_forward is False
    assert grad_z.readable

    # from their yhat: 0.94 * (1 - 0.94) = 0.0564 (exact: 0.05404, 4.4% away)
    local = check(checker, "local.yhat.z", "0.0564")
    assert local.verdict == CORRECT
    assert local.carried_forward is True

    # and now their grad.yhat times their local derivative
    grad_z = check(checker, "grad.z", "-0.12*0.0564")
    assert grad_z.verdict == CORRECT
    assert grad_z.carried_forward is True


def test_exact_answers_are_not_marked_carried_forward(seed_solution):
    checker = Checker(seed_solution)
    assert check(checker, "value.yhat", "0.9427").carried_forward is False
    verdict = check(checker, "grad.yhat", "-0.1146")
    assert verdict.verdict == CORRECT
    assert verdict.carried_forward is False
    assert verdict.message == "Correct."


def test_without_earlier_answers_a_rounded_downstream_value_is_wrong(seed_solution):
    # the same -0.12 with no accepted yhat of 0.94 is just wrong
    verdict = check(Checker(seed_solution), "grad.yhat", "-0.12")
    assert verdict.verdict == WRONG
    assert verdict.carried_forward is False


def test_a_wrong_answer_is_carried_forward(seed_solution):
    # Numbas-style: later steps are graded from the learner's own answers, right or wrong
    checker = Checker(seed_solution)
    assert check(checker, "value.yhat", "0.5").verdict == WRONG
    verdict = check(checker, "grad.yhat", "-1")  # 2(0.5 - 1), from the wrong 0.5
    assert verdict.verdict == CORRECT and verdict.carried_forward
    local = check(checker, "local.yhat.z", "0.25")  # 0.5 * (1 - 0.5)
    assert local.verdict == CORRECT and local.carried_forward
    assert check(checker, "grad.yhat", "-0.5").verdict == WRONG  # consistent with nothing they wrote


def test_a_wrong_gradient_is_carried_into_the_next(seed_solution):
    checker = Checker(seed_solution)
    assert check(checker, "grad.yhat", "-0.5").verdict == WRONG
    verdict = check(checker, "grad.z", "-0.5*0.05404")
    assert verdict.verdict == CORRECT and verdict.carried_forward


def test_the_latest_answer_is_the_learners_value(seed_solution):
    checker = Checker(seed_solution)
    assert check(checker, "value.yhat", "0.5").verdict == WRONG
    assert check(checker, "value.yhat", "0.9427").verdict == CORRECT  # corrected: the 0.5 no longer counts
    assert check(checker, "grad.yhat", "-1").verdict == WRONG


def test_a_revealed_step_carries_its_right_value(seed_solution):
    checker = Checker(seed_solution)
    assert check(checker, "value.yhat", "0.5").verdict == WRONG
    checker.reveal(Quantity.parse("value.yhat"))
    assert check(checker, "grad.yhat", "-1").verdict == WRONG
    assert check(checker, "grad.yhat", "-0.1146").verdict == CORRECT


def test_an_answer_of_the_wrong_shape_stands_for_nothing(seed_solution):
    checker = Checker(seed_solution)
    assert check(checker, "value.yhat", "0.5").verdict == WRONG
    assert check(checker, "value.yhat", "[0.5, 0.5]").verdict == WRONG  # latest, but cannot be a number
    assert check(checker, "grad.yhat", "-1").verdict == WRONG  # so the true yhat is used
    assert check(checker, "grad.yhat", "-0.1146").verdict == CORRECT


def test_carried_forward_follows_a_chain_through_inputs(seed_solution):
    checker = Checker(seed_solution)
    assert check(checker, "value.yhat", "0.94").verdict == CORRECT
    assert check(checker, "grad.yhat", "-0.12").carried_forward
    assert check(checker, "local.yhat.z", "0.0564").carried_forward
    assert check(checker, "grad.z", "-0.00677").carried_forward
    # z = p1 + p2 + b0: dL/db0 = dL/dz, their -0.00677 is carried on
    verdict = check(checker, "grad.b0", "-0.00677")
    assert verdict.verdict == CORRECT
    assert verdict.carried_forward


def test_unreadable_answer(seed_solution):
    checker = Checker(seed_solution)
    for text in ["yhat", "", "2x", "sigmod(1)"]:
        verdict = check(checker, "value.z", text)
        assert verdict.readable is False, text
        assert verdict.verdict == WRONG
        assert verdict.message.startswith("I could not read that: ")
    assert "type its value" in check(checker, "value.z", "yhat").message


def test_unreadable_answer_changes_nothing(seed_solution):
    checker = Checker(seed_solution)
    check(checker, "value.yhat", "0.94 0.95")
    assert check(checker, "grad.yhat", "-0.12").verdict == WRONG


def test_verdict_carries_the_expected_value(seed_solution):
    verdict = check(Checker(seed_solution), "grad.z", "1")
    np.testing.assert_allclose(verdict.expected, seed_solution.grads["z"])
    assert verdict.read_as == "1"
    assert verdict.message.startswith("Not right (read as 1). Where to look: dL/dz = dL/dyhat · ∂yhat/∂z")


def test_every_asked_quantity_accepts_its_own_exact_value(seed_solution):
    checker = Checker(seed_solution)
    quantities = asked_quantities(seed_solution)
    assert len(quantities) == 25
    for quantity in quantities:
        expected = checker.expected(quantity)
        verdict = checker.check(quantity, repr(float(expected)))
        assert verdict.verdict == CORRECT, str(quantity)
        assert not verdict.carried_forward


# -- local derivatives of elementwise and non-elementwise nodes ----------------------------------

VECTOR_SIGMOID = """
    title = "vector sigmoid"
    [inputs]
    z = [0.5, -1.0]
    [graph]
    yhat = "sigmoid(z)"
    L = "sum(yhat)"
"""


def _vector_slope(solution):
    s = solution.values["yhat"]
    return s * (1 - s)


def test_elementwise_local_derivative_as_a_vector(make_solution):
    solution = make_solution(VECTOR_SIGMOID)
    local = solution.local_derivative("yhat", "z")
    assert local.elementwise
    d = _vector_slope(solution)
    np.testing.assert_allclose(local.value, d)
    np.testing.assert_allclose(local.jacobian, np.diag(d))
    verdict = check(Checker(solution), "local.yhat.z", f"[{d[0]:.4f}, {d[1]:.4f}]")
    assert verdict.verdict == CORRECT


def test_elementwise_local_derivative_as_the_diagonal_jacobian(make_solution):
    solution = make_solution(VECTOR_SIGMOID)
    d = _vector_slope(solution)
    verdict = check(Checker(solution), "local.yhat.z", f"[[{d[0]:.4f}, 0], [0, {d[1]:.4f}]]")
    assert verdict.verdict == CORRECT


def test_elementwise_local_derivative_wrong_off_diagonal(make_solution):
    solution = make_solution(VECTOR_SIGMOID)
    d = _vector_slope(solution)
    verdict = check(Checker(solution), "local.yhat.z", f"[[{d[0]:.4f}, 0.1], [0, {d[1]:.4f}]]")
    assert verdict.verdict == WRONG


def test_elementwise_local_derivative_wrong_length(make_solution):
    solution = make_solution(VECTOR_SIGMOID)
    d = _vector_slope(solution)
    verdict = check(Checker(solution), "local.yhat.z", f"[{d[0]:.4f}, {d[1]:.4f}, 0]")
    assert verdict.verdict == WRONG
    assert "a vector of 2 expected, got a vector of 3" in verdict.message


def test_accepted_jacobian_is_carried_into_the_gradient(make_solution):
    solution = make_solution(VECTOR_SIGMOID)
    d = _vector_slope(solution)
    checker = Checker(solution)
    assert check(checker, "grad.yhat", "[1, 1]").verdict == CORRECT
    rounded = [0.236, 0.197]  # within 0.5% of d
    np.testing.assert_allclose(rounded, d, rtol=0.005)
    assert check(checker, "local.yhat.z", f"[[{rounded[0]}, 0], [0, {rounded[1]}]]").verdict == CORRECT
    # dL/dz = their Jacobian applied to dL/dyhat = their rounded numbers
    assert check(checker, "grad.z", f"[{rounded[0]}, {rounded[1]}]").verdict == CORRECT


def test_matrix_product_local_derivative_is_the_jacobian(make_solution):
    solution = make_solution("""
        title = "W @ x"
        [inputs]
        W = [[1, 2], [3, 4], [5, 6]]
        x = [0.5, -1]
        [graph]
        z = "W @ x"
        L = "sum(z)"
    """)
    local = solution.local_derivative("z", "x")
    assert not local.elementwise
    np.testing.assert_allclose(local.value, [[1, 2], [3, 4], [5, 6]])
    checker = Checker(solution)
    assert check(checker, "local.z.x", "[[1, 2], [3, 4], [5, 6]]").verdict == CORRECT
    # the vector of its diagonal is not a form of a non-elementwise derivative
    assert check(checker, "local.z.x", "[1, 4]").verdict == WRONG
    assert check(checker, "grad.x", "[9, 12]").verdict == CORRECT


def test_scalar_for_an_elementwise_matrix_derivative_is_wrong(make_solution):
    solution = make_solution("""
        title = "scale"
        [inputs]
        W = [[1, 2, 3], [4, 5, 6]]
        [graph]
        z = "W*2"
        L = "sum(z)"
    """)
    verdict = check(Checker(solution), "local.z.W", "2")
    assert verdict.verdict == WRONG
    assert "a 2x3 matrix expected, got a number" in verdict.message
    assert check(Checker(solution), "local.z.W", "[[2, 2, 2], [2, 2, 2]]").verdict == CORRECT


def test_wrong_jacobian_form_is_not_reported_as_a_shape_mismatch(make_solution):
    solution = make_solution(VECTOR_SIGMOID)
    d = _vector_slope(solution)
    verdict = check(Checker(solution), "local.yhat.z", f"[[{d[0]:.4f}, 0.1], [0, {d[1]:.4f}]]")
    assert verdict.verdict == WRONG
    assert "expected, got" not in verdict.message


# -- an update step -----------------------------------------------------------------------------


def test_update_and_after_values_carry_forward(make_solution):
    solution = make_solution("""
        title = "one step"
        params = ["w"]
        [inputs]
        w = 2
        x = 3
        [graph]
        L = "(w*x)^2"
        [update]
        learning_rate = 0.05
    """)
    # dL/dw = 2*w*x*x = 36; w_new = 2 - 0.05*36 = 0.2; L after = (0.2*3)^2 = 0.36
    assert math.isclose(float(solution.updated["w"]), 0.2)
    assert math.isclose(float(solution.after_values["L"]), 0.36)
    checker = Checker(solution)
    assert check(checker, "update.w", "0.2").verdict == CORRECT
    assert check(checker, "after.L", "0.36").verdict == CORRECT

    other = Checker(solution)
    assert check(other, "grad.w", "37").verdict == WRONG  # 2.8% off, and remembered as their gradient
    # 2 - 0.05*37 = 0.15: a change of -1.85 for -1.8, right only from their gradient
    verdict = check(other, "update.w", "0.15")
    assert verdict.verdict == CORRECT
    assert verdict.carried_forward
    # and (0.15*3)^2 = 0.2025 from their new w
    verdict = check(other, "after.L", "0.2025")
    assert verdict.verdict == CORRECT
    assert verdict.carried_forward
    assert check(Checker(solution), "update.w", "0.15").verdict == WRONG


def test_solution_fraction_survives_floating_point(make_solution):
    solution = make_solution("""
        title = "fractions"
        [inputs]
        a = "1/3"
        b = "1/6"
        [graph]
        c = "a + b"
    """)
    assert check(Checker(solution), "value.c", "1/2").verdict == CORRECT
    assert check(Checker(solution), "value.c", "501/1000").verdict == WRONG
    assert Fraction(float(solution.values["c"])).limit_denominator(100) == Fraction(1, 2)


# -- kinds of quantity as data ------------------------------------------------------------------


def test_a_kind_read_as_text_is_its_enum_member_and_still_reads_as_text():
    quantity = Quantity.parse("grad.w1")
    assert quantity.kind is QuantityKind.GRAD and quantity.kind == "grad"
    assert Quantity("grad", "w1") == quantity and str(quantity) == "grad.w1"
    with pytest.raises(ValueError):
        Quantity("gradient", "w1")


def test_every_kind_has_a_spec_a_prompt_and_its_candidate_mistakes():
    assert set(SPECS) == set(QuantityKind)
    assert set(PROMPTS) == set(CANDIDATES) == set(QuantityKind) - {QuantityKind.FORMULA}  # a formula asks its question


def test_labels_come_from_the_kind_spec():
    labels = [Quantity.parse(text).label("L") for text in ("value.z", "grad.z", "local.z.w1", "update.w1", "after.z")]
    assert labels == ["z", "dL/dz", "∂z/∂w1", "new w1", "z after the update"]
    assert Quantity.parse("local.z.w1").edge == ("z", "w1")
    with pytest.raises(ValueError):
        assert Quantity.parse("grad.z").edge


@pytest.mark.parametrize(
    "exercise, quantity, text",
    [
        ("network-3-2-1-sigmoid", "value.z2", "(0.21, -0.24)"),
        ("network-3-2-1-sigmoid", "value.z2", "[0.21; \u22120.24]"),
        ("sigmoid-neuron-mse", "grad.z", "\u2248 -0.006195"),
        ("sigmoid-neuron-mse", "grad.z", "-6.195\u00b710\u207b\u00b3"),
        ("sigmoid-neuron-mse", "grad.w1", "\u22126.195\u00d710\u207b\u00b3"),
    ],
)
def test_the_answer_forms_of_issue_14_are_right_answers(exercise, quantity, text):
    verdict = check(Checker(solve(resolve_exercise(exercise))), quantity, text)
    assert verdict.verdict == CORRECT, verdict.message


def test_numpys_printed_vector_is_right_where_a_vector_of_two_is_asked():
    checker = Checker(solve(resolve_exercise("network-3-2-1-sigmoid")))
    verdict = check(checker, "value.z2", "[0.21 -0.24]")
    assert verdict.verdict == CORRECT and "read the spaces as separating elements" in verdict.notes
    assert not check(checker, "value.z3", "[0.21 -0.24]").readable  # a number is asked: still ambiguous
