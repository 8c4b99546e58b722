"""Reading what a learner typed (tutor/grading/answer.py)."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from tutor.grading.answer import MAX_ANSWER_LENGTH, ReadAnswer, UnreadableAnswer, read_answer

DECIMAL_COMMA_NOTE = "read the comma as a decimal point"


def refused(text: str) -> str:
    """The message for an answer that cannot be read."""
    with pytest.raises(UnreadableAnswer) as caught:
        read_answer(text)
    message = str(caught.value)
    assert message  # never an empty explanation
    return message


# -- accepted forms -----------------------------------------------------------------------------


def test_plain_number():
    answer = read_answer("-0.12")
    assert isinstance(answer, ReadAnswer)
    assert answer.text == "-0.12"
    assert answer.value.shape == ()
    assert answer.value.dtype == np.float64
    assert float(answer.value) == -0.12
    assert answer.read_as == "-0.12"
    assert answer.notes == ()
    assert answer.exact is None


def test_scientific_notation():
    answer = read_answer("1e-3")
    assert float(answer.value) == 0.001
    assert answer.read_as == "0.001"
    assert answer.exact is None


def test_surrounding_spaces_are_ignored():
    assert float(read_answer("  2.5 \n").value) == 2.5


def test_unicode_minus():
    answer = read_answer("\u22120.12")
    assert float(answer.value) == -0.12
    assert answer.read_as == "-0.12"
    assert answer.notes == ()


def test_decimal_comma_in_a_single_number():
    answer = read_answer("0,94")
    assert float(answer.value) == 0.94
    assert answer.read_as == "0.94"
    assert answer.notes == (DECIMAL_COMMA_NOTE,)


def test_decimal_comma_with_a_unicode_minus():
    answer = read_answer("\u22120,12")
    assert float(answer.value) == -0.12
    assert answer.notes == (DECIMAL_COMMA_NOTE,)


def test_decimal_comma_is_not_used_inside_brackets():
    answer = read_answer("[0,5]")
    np.testing.assert_array_equal(answer.value, [0.0, 5.0])
    assert answer.notes == ()


def test_decimal_comma_is_not_used_inside_a_function_call():
    # max(0,5) is max(0, 5), not max(0.5)
    answer = read_answer("max(0,5)")
    assert float(answer.value) == 5.0
    assert answer.notes == ()
    # and a call with a comma that would become a decimal point is read as arguments
    assert "takes 2 arguments, not 3" in refused("max(0,5, 1)")


def test_fraction_is_exact():
    answer = read_answer("14/5")
    assert float(answer.value) == 2.8
    assert answer.exact == Fraction(14, 5)
    assert answer.read_as == "14/5 = 2.8"


def test_negative_fraction_is_exact():
    assert read_answer("-14/5").exact == Fraction(-14, 5)
    assert read_answer("\u221214/5").exact == Fraction(-14, 5)
    assert read_answer(" 14 / 5 ").exact == Fraction(14, 5)


def test_only_a_fraction_of_two_whole_numbers_claims_exactness():
    for text in ["2.8", "1.4/0.5", "(14/5)", "28/10*1", "1e1/5", "14/5 + 0"]:
        assert read_answer(text).exact is None, text


def test_fraction_that_is_not_in_lowest_terms():
    answer = read_answer("28/10")
    assert answer.exact == Fraction(14, 5)


def test_arithmetic_says_the_expression_and_the_value():
    answer = read_answer("2*(0.94-1)")
    assert math.isclose(float(answer.value), -0.12)
    assert answer.read_as == "2*(0.94 - 1) = -0.12"
    assert answer.exact is None


def test_function_call():
    answer = read_answer("sigmoid(2.8)")
    assert math.isclose(float(answer.value), 1 / (1 + math.exp(-2.8)), rel_tol=1e-12)
    assert answer.read_as == "sigmoid(2.8) = 0.942676"


def test_unicode_times():
    answer = read_answer("0.94\u00d7(1\u22120.94)")
    assert math.isclose(float(answer.value), 0.94 * 0.06)


def test_vector():
    answer = read_answer("[0.21, -0.24]")
    assert answer.value.shape == (2,)
    np.testing.assert_array_equal(answer.value, [0.21, -0.24])
    assert answer.read_as == "[0.21, -0.24]"
    assert answer.exact is None


def test_matrix():
    answer = read_answer("[[1, 2], [3, 4]]")
    assert answer.value.shape == (2, 2)
    np.testing.assert_array_equal(answer.value, [[1, 2], [3, 4]])
    assert answer.read_as == "[[1, 2], [3, 4]]"


def test_vector_with_arithmetic_inside():
    answer = read_answer("[1/2, 2*0.5]")
    np.testing.assert_array_equal(answer.value, [0.5, 1.0])
    assert answer.read_as == "[1/2, 2*0.5] = [0.5, 1]"


def test_value_is_always_a_float64_array():
    for text in ["3", "[1, 2]", "[[1, 2]]", "14/5"]:
        assert read_answer(text).value.dtype == np.float64


def test_answer_near_the_length_limit_is_read():
    text = "[" + ", ".join(["1"] * 330) + "]"
    assert len(text) <= MAX_ANSWER_LENGTH
    answer = read_answer(text)
    assert answer.value.shape == (330,)
    assert float(answer.value.sum()) == 330.0


# -- refusals -----------------------------------------------------------------------------------


def test_empty_answer():
    assert "empty" in refused("")
    assert "empty" in refused("   ")


def test_tower_of_powers_is_refused_quickly():
    message = refused("9^9^9^9")
    assert "cannot be computed" in message
    assert "too large" in message


def test_overflowing_literal_is_refused():
    assert "too large" in refused("1e100000000")


def test_huge_integer_literal_is_refused():
    message = refused("9" * 999)
    assert "too large" in message
    assert len(message) < 100  # does not echo the 999 digits back


def test_overlong_answer_is_refused_before_parsing():
    message = refused("1" * 10000)
    assert "10,000 characters" in message
    assert f"{MAX_ANSWER_LENGTH:,}" in message


def test_exp_overflow_is_refused():
    assert "too large" in refused("exp(1000)")


def test_a_name_asks_for_its_value():
    message = refused("yhat")
    assert "'yhat'" in message
    assert "type its value" in message


def test_a_name_inside_arithmetic_asks_for_its_value():
    assert "'z'" in refused("2*z")


def test_unknown_function_with_did_you_mean():
    message = refused("sigmod(2.8)")
    assert "unknown function 'sigmod'" in message
    assert "did you mean 'sigmoid'" in message


def test_wrong_number_of_arguments():
    assert "sigmoid takes one argument, not 2" in refused("sigmoid(1, 2)")


def test_list_without_brackets_suggests_brackets():
    message = refused("1, 2")
    assert "brackets" in message
    assert "[0.21, -0.24]" in message


def test_list_without_brackets_in_other_spellings():
    for text in ["1, 2, 3", "0.21, -0.24", "0,5, 1"]:
        assert "put it in brackets" in refused(text), text


def test_log_of_a_negative_number():
    message = refused("log(-1)")
    assert "cannot be computed" in message
    assert "log of a non-positive number" in message


def test_division_by_zero():
    assert "division by zero" in refused("1/0")
    assert "division by zero" in refused("14/0")


def test_mixed_shapes_in_brackets():
    message = refused("[1, [2]]")
    assert "different shapes" in message
    assert "a number" in message and "a vector of 1" in message


def test_ragged_matrix():
    assert "different shapes" in refused("[[1, 2], [3]]")


def test_parse_errors_are_passed_on():
    assert "2*x" in refused("2x")  # the suggestion survives; then the name x is not a value anyway
    assert "no matching opening bracket" in refused("1)")
    assert "never closed" in refused("(1")


def test_deep_nesting_is_refused_quickly():
    assert "nested too deeply" in refused("(" * 500)


# -- known bugs -----------------------------------------------------------------------------------


def test_superscript_square_is_unreadable_not_a_crash():
    with pytest.raises(UnreadableAnswer):
        read_answer("x²")


def test_long_flat_sum_under_the_length_limit_is_read_or_refused_cleanly():
    text = "+".join(["1"] * 500)
    assert len(text) < MAX_ANSWER_LENGTH
    try:
        answer = read_answer(text)
    except UnreadableAnswer:
        return
    assert float(answer.value) == 500.0


def test_several_commas_without_brackets_suggest_brackets():
    assert "brackets" in refused("1,2,3")


@pytest.mark.parametrize("text", ["[0.21 -0.24]", "[[1 -2], [3, 4]]", "[1e-3 +2]"])
def test_numpys_space_separated_elements_are_refused_as_ambiguous_never_subtracted(text):
    # [0.21 -0.24] used to be read as [-0.03] and counted as a wrong try
    with pytest.raises(UnreadableAnswer, match="separate elements with commas"):
        read_answer(text)


@pytest.mark.parametrize(
    "text, value",
    [("[0.21 - 0.24]", [-0.03]), ("[0.21-0.24]", [-0.03]), ("[0.5, 2*(1 -0.5)]", [0.5, 1.0]), ("2 -1", 1.0)],
)
def test_a_subtraction_written_one_way_is_still_a_subtraction(text, value):
    assert np.allclose(read_answer(text).value, value)


# -- every form a learner writes (issue 14, item 5) ----------------------------------------------------------


@pytest.mark.parametrize(
    "text, value",
    [
        ("(0.21, -0.24)", [0.21, -0.24]),  # a vector in parentheses, as textbooks write it
        ("(0.21,-0.24)", [0.21, -0.24]),
        ("[0.21; -0.24]", [0.21, -0.24]),  # a column: one number per row
        ("[\u22120.21; \u22120.24]", [-0.21, -0.24]),  # with Unicode minus signs
        ("[1, 2; 3, 4]", [[1, 2], [3, 4]]),  # MATLAB's rows
        ("[[1, 2]; [3, 4]]", [[1, 2], [3, 4]]),
        ("((1, 2), (3, 4))", [[1, 2], [3, 4]]),
        ("\u2248 -0.006195", -0.006195),  # ≈: the learner says it is rounded
        ("\u2248\u22120.5", -0.5),
        ("~0.5", 0.5),
        ("-6.195\u00b710\u207b\u00b3", -0.006195),  # -6.195·10⁻³
        ("6.195\u00d710\u207b\u00b3", 0.006195),  # 6.195×10⁻³
        ("\u22120.5", -0.5),  # U+2212
        ("1e-3", 0.001),
        ("2*(0,94 - 1)", -0.12),  # a decimal comma inside parentheses stays a decimal comma
        ("max(1, 2)", 2.0),  # a function's arguments are not a vector
        ("(0.21 - 0.24)", -0.03),  # parentheses without a comma group a sum
    ],
)
def test_the_forms_learners_write_are_read_as_they_mean(text, value):
    answer = read_answer(text)
    assert answer.value.shape == np.shape(value), answer.read_as
    assert np.allclose(answer.value, value), answer.read_as


@pytest.mark.parametrize("text", ["(1,2)", "(0,5)", "(-1,25)"])
def test_a_pair_in_parentheses_that_could_be_a_decimal_comma_is_refused_with_both_readings(text):
    message = refused(text)
    assert "could be a vector or a number with a decimal comma" in message
    assert "[1, 2]" in message and "1.2" in message


def test_rows_of_different_lengths_are_refused_with_the_shapes():
    assert "different shapes" in refused("[1, 2; 3]")


def test_the_figures_written_after_an_approximately_sign_are_counted():
    assert read_answer("\u2248 0.30").figures == 2


# -- numbers in messages: no floating-point noise -------------------------------------------------------------


@pytest.mark.parametrize(
    "value, digits, shown",
    [
        (-2.220446049250313e-16, 4, "0"),
        (0.1 + 0.2, 6, "0.3"),
        (3.0000000000004, 4, "3"),
        (-0.5 + 1e-15, 6, "-0.5"),
        (0.006195, 4, "0.006195"),  # a real number keeps its figures
        (1e-7, 4, "1e-7"),  # a small real number is not noise
        (0.1497807, 7, "0.1497807"),
    ],
)
def test_values_within_noise_of_a_simple_number_print_as_it(value, digits, shown):
    from tutor.engine.formatting import format_number

    assert format_number(value, digits) == shown


def test_a_vector_with_noise_prints_its_simple_elements():
    from tutor.engine.formatting import format_value

    assert format_value(np.array([1 - 1e-15, 2.2e-16, -0.25]), 6) == "[1, 0, -0.25]"


def test_an_answer_of_noise_is_read_back_without_it():
    assert read_answer("0.1 + 0.2").read_as == "0.1 + 0.2 = 0.3"
    assert read_answer("1 - 3*(1/3)").read_as.endswith("= 0")


@pytest.mark.parametrize(
    "text, shape, value",
    [
        ("[0.21 -0.24]", (2,), [0.21, -0.24]),
        ("[0.21 0.5]", (2,), [0.21, 0.5]),
        ("[0.21 -0.24]", (2, 1), [0.21, -0.24]),  # a column
        ("[[1 -2] [3 4]]", (2, 2), [[1, -2], [3, 4]]),
    ],
)
def test_numpys_space_separated_elements_are_elements_when_that_is_the_shape_asked(text, shape, value):
    answer = read_answer(text, shape)
    assert np.allclose(answer.value, value) and np.squeeze(answer.value).shape == np.squeeze(np.zeros(shape)).shape
    assert "read the spaces as separating elements" in answer.notes


@pytest.mark.parametrize("text, shape", [("[0.21 -0.24]", (3,)), ("[0.21 -0.24]", ()), ("[[1 -2] [3 4]]", (2,))])
def test_numpys_space_separated_elements_of_another_shape_are_still_refused_never_subtracted(text, shape):
    with pytest.raises(UnreadableAnswer, match="separate elements with commas"):
        read_answer(text, shape)


def test_positive_elements_separated_by_spaces_are_told_to_use_commas():
    assert "separate elements with commas" in refused("[0.21 0.5]")
