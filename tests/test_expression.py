"""The expression parser shared by exercise files and typed answers (tutor/exercise/expression.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tutor.exercise.expression import (
    MAX_DEPTH,
    Call,
    ExpressionError,
    Index,
    Name,
    Number,
    check_calls,
    names_in,
    parse,
    substitute,
    to_text,
)
from tutor.exercise.operations import OPERATION_TABLE, function_table_markdown

# -- small builders: positions are not part of equality, so these compare with parsed trees ----


def num(text: str) -> Number:
    return Number(float(text), text)


def name(identifier: str) -> Name:
    return Name(identifier)


def call(function: str, *args) -> Call:
    return Call(function, tuple(args))


def parse_error(text: str, **kwargs) -> ExpressionError:
    with pytest.raises(ExpressionError) as caught:
        parse(text, **kwargs)
    return caught.value


# -- precedence and associativity ---------------------------------------------------------------


def test_unary_minus_binds_looser_than_power():
    assert parse("-x^2") == call("negate", call("power", name("x"), num("2")))


def test_unary_minus_of_a_number_power_is_still_minus_of_the_power():
    # -2^2 is -(2^2) = -4, not (-2)^2
    assert parse("-2^2") == call("negate", call("power", num("2"), num("2")))


def test_power_is_right_associative():
    assert parse("2^3^2") == call("power", num("2"), call("power", num("3"), num("2")))
    assert parse("2^3^2") == parse("2^(3^2)")
    assert parse("2^3^2") != parse("(2^3)^2")


def test_power_takes_a_negative_exponent():
    assert parse("2^-1") == call("power", num("2"), Number(-1.0, "-1"))
    assert parse("2^-x") == call("power", num("2"), call("negate", name("x")))


def test_double_star_is_power():
    assert parse("x**2") == parse("x^2")
    assert parse("2**3**2") == parse("2^(3^2)")


def test_subtraction_is_left_associative():
    assert parse("a-b-c") == call("subtract", call("subtract", name("a"), name("b")), name("c"))


def test_division_is_left_associative():
    assert parse("a/b/c") == call("divide", call("divide", name("a"), name("b")), name("c"))


def test_matmul_has_the_same_level_as_times_and_groups_left():
    assert parse("A@x*c") == call("multiply", call("matmul", name("A"), name("x")), name("c"))
    assert parse("c*A@x") == call("matmul", call("multiply", name("c"), name("A")), name("x"))
    assert parse("A@B/c") == call("divide", call("matmul", name("A"), name("B")), name("c"))


def test_times_binds_tighter_than_plus():
    assert parse("w1*x1 + b") == call("add", call("multiply", name("w1"), name("x1")), name("b"))
    assert parse("b + w1*x1") == call("add", name("b"), call("multiply", name("w1"), name("x1")))


def test_minus_in_a_product_operand():
    assert parse("a*-b") == call("multiply", name("a"), call("negate", name("b")))
    assert parse("-a*b") == call("multiply", call("negate", name("a")), name("b"))


def test_unary_plus_is_dropped():
    assert parse("+x") == name("x")
    assert parse("2*+3") == call("multiply", num("2"), num("3"))


def test_minus_number_stays_a_number():
    assert parse("-3") == Number(-3.0, "-3")
    assert parse("(-3)^2") == call("power", Number(-3.0, "-3"), num("2"))


def test_function_calls():
    assert parse("sigmoid(w*x + b)") == call("sigmoid", call("add", call("multiply", name("w"), name("x")), name("b")))
    assert parse("max(a, 0)") == call("max", name("a"), num("0"))
    assert parse("leaky_relu(z, 0.01)") == call("leaky_relu", name("z"), num("0.01"))


def test_numbers_in_all_written_forms():
    for text, value in [("2", 2.0), ("0.5", 0.5), (".5", 0.5), ("5.", 5.0), ("1e-3", 1e-3), ("2.5E+2", 250.0)]:
        node = parse(text)
        assert isinstance(node, Number)
        assert node.value == value
        assert node.text == text


# -- indexing and literals ----------------------------------------------------------------------


def test_index_one_and_two_positions():
    assert parse("v[1]") == Index(name("v"), (1,))
    assert parse("W[1, 2]") == Index(name("W"), (1, 2))
    assert parse("W[2,3]") == Index(name("W"), (2, 3))


def test_a_colon_index_takes_a_whole_row_or_column_and_reads_back():
    assert parse("E[2, :]") == Index(name("E"), (2, None))
    assert parse("W[:, 3]") == Index(name("W"), (None, 3))
    assert to_text(parse("E[2,:]")) == "E[2, :]"
    assert "unexpected ':'" in parse_error("a : b").message


def test_index_binds_tighter_than_power_and_minus():
    assert parse("-x[2]^2") == call("negate", call("power", Index(name("x"), (2,)), num("2")))


def test_index_of_a_bracketed_expression_and_chained_indices():
    assert parse("(a + b)[1]") == Index(call("add", name("a"), name("b")), (1,))
    assert parse("G[1][2]") == Index(Index(name("G"), (1,)), (2,))


def test_vector_and_matrix_literals():
    assert parse("[1, 2, 3]") == call("stack", num("1"), num("2"), num("3"))
    assert parse("[[1, 2], [3, 4]]") == call(
        "stack", call("stack", num("1"), num("2")), call("stack", num("3"), num("4"))
    )
    assert parse("[x, x^2]") == call("stack", name("x"), call("power", name("x"), num("2")))
    assert parse("[-1, 2]") == call("stack", Number(-1.0, "-1"), num("2"))


def test_unicode_minus_times_and_division_signs():
    assert parse("a \u2212 b") == parse("a - b")  # minus sign
    assert parse("\u22123") == Number(-3.0, "-3")
    assert parse("a \u00d7 b") == parse("a*b")  # multiplication sign
    assert parse("a \u00f7 b") == parse("a/b")  # division sign
    assert parse("a \u00b7 b") == parse("a*b")  # middle dot
    assert parse("a \u2013 b") == parse("a - b")  # en dash


# -- to_text ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, written",
    [
        ("w1*x1+b", "w1*x1 + b"),
        ("(yhat-y)^2", "(yhat - y)^2"),
        ("-x^2", "-x^2"),
        ("(-x)^2", "(-x)^2"),
        ("(-3)^2", "(-3)^2"),
        ("2^-1", "2^(-1)"),
        ("2^3^2", "2^3^2"),
        ("(2^3)^2", "(2^3)^2"),
        ("a-(b-c)", "a - (b - c)"),
        ("a-b-c", "a - b - c"),
        ("a/(b*c)", "a/(b*c)"),
        ("sigmoid( z )", "sigmoid(z)"),
        ("[1,2]", "[1, 2]"),
        ("W[1,2]", "W[1, 2]"),
        ("x**2", "x^2"),
    ],
)
def test_to_text_writes_tidy_text(text, written):
    assert to_text(parse(text)) == written


ROUND_TRIPS = [
    "w1*x1 + b",
    "(yhat - y)^2",
    "-x^2",
    "(-x)^2",
    "(-3)^2",
    "-3^2",
    "-(3^2)",
    "2^-1",
    "2^-x",
    "2^(-3)^2",
    "2^3^2",
    "(2^3)^2",
    "a-b-c",
    "a-(b-c)",
    "a/b/c",
    "a/(b/c)",
    "a*(b/c)",
    "(a*b)/c",
    "A@x*c",
    "A@(x*c)",
    "c*(A@x)",
    "a - -b",
    "a*-b",
    "--3",
    "-(-3)",
    "-(a+b)",
    "-(a*b)",
    "(-a)*b",
    "(a+b)*(c-d)",
    "sigmoid(w*x + b)",
    "max(a, -b)",
    "leaky_relu(z, 0.01)",
    "sum(W @ x + b)",
    "softmax([1, 2, 3])",
    "[1, 2, 3]",
    "[[1, 2], [3, 4]]",
    "[x, x^2]",
    "[G[1]^2 + 2*G[2], 3*G[1] + 4*G[2]^2]",
    "v[1]",
    "W[1, 2]",
    "(a + b)[1]",
    "(-3)[1]",
    "x[1]^2",
    "-x[1]",
    "(x^2)[1]",
    "exp(-x)",
    "1/(1 + exp(-z))",
    "1e-3*x",
    ".5*x",
    "2.*x",
    "(1 - t^2)*g",
    "a - b + c - d",
    "a + (b + c)",
    "(a + b) + c",
]


@pytest.mark.parametrize("text", ROUND_TRIPS)
def test_to_text_round_trips(text):
    tree = parse(text)
    written = to_text(tree)
    assert parse(written) == tree, written
    assert to_text(parse(written)) == written  # writing is stable


def test_negative_number_base_keeps_its_brackets():
    written = to_text(parse("(-3)^2"))
    assert written == "(-3)^2"
    # without the brackets it would mean -(3^2)
    assert parse(written) != parse("-3^2")


# -- names_in and substitute --------------------------------------------------------------------


def test_names_in_reading_order_skips_function_names():
    found = names_in(parse("sigmoid(w1*x1 + b) + w1"))
    assert [found_name.id for found_name in found] == ["w1", "x1", "b", "w1"]


def test_names_in_indexed_target():
    assert [found.id for found in names_in(parse("W[1, 2]*x[1]"))] == ["W", "x"]


def test_substitute_replaces_names_and_leaves_the_original_alone():
    tree = parse("w*x + b")
    replaced = substitute(tree, {"x": Name("x#1"), "b": Number(0.5, "0.5")})
    assert to_text(replaced) == "w*x#1 + 0.5"
    assert to_text(tree) == "w*x + b"


# -- errors: message and position ---------------------------------------------------------------


def test_unclosed_bracket_points_at_the_opening_bracket():
    error = parse_error("sigmoid(z + 1")
    assert "never closed" in error.message
    assert "')'" in error.message
    assert (error.start, error.end) == (7, 8)


def test_unclosed_parenthesis_group():
    error = parse_error("2*(a + b")
    assert "'(' at position 3 is never closed" in error.message
    assert error.start == 2


def test_unclosed_square_bracket():
    error = parse_error("[1, 2")
    assert "never closed" in error.message and "']'" in error.message
    assert error.start == 0


def test_stray_closing_bracket():
    error = parse_error("a + b)")
    assert error.message == "')' has no matching opening bracket"
    assert (error.start, error.end) == (5, 6)


def test_stray_closing_bracket_at_the_start():
    error = parse_error(")")
    assert "no matching opening bracket" in error.message
    assert error.start == 0


@pytest.mark.parametrize("text", ["", "   ", "\t\n"])
def test_empty_input(text):
    error = parse_error(text)
    assert error.message == "the expression is empty"


def test_two_decimal_points():
    error = parse_error("1.2.3")
    assert "two decimal points" in error.message
    assert "'1.2.'" in error.message
    assert error.start == 0


def test_implicit_multiplication_suggests_the_star():
    error = parse_error("2x")
    assert "missing operator" in error.message
    assert "2*x" in error.message
    assert (error.start, error.end) == (0, 2)


def test_implicit_multiplication_with_a_longer_name():
    error = parse_error("1 + 3w1")
    assert "3*w1" in error.message
    assert (error.start, error.end) == (4, 7)


def test_implicit_multiplication_of_two_names():
    error = parse_error("a b")
    assert "missing operator" in error.message
    assert (error.start, error.end) == (2, 3)


def test_implicit_multiplication_before_a_bracket():
    error = parse_error("2(a + b)")
    assert "missing operator before '('" in error.message
    assert error.start == 1


@pytest.mark.parametrize(
    "text, char, position", [("3 $ 4", "$", 2), ("a % b", "%", 2), ("x;", ";", 1), ("a = b", "=", 2), ("1 + é", "é", 4)]
)
def test_unknown_character(text, char, position):
    error = parse_error(text)
    assert error.message == f"unexpected character '{char}'"
    assert (error.start, error.end) == (position, position + 1)


def test_index_zero_says_indices_start_at_one():
    error = parse_error("x[0]")
    assert "indices start at 1" in error.message
    assert (error.start, error.end) == (2, 3)


def test_index_zero_in_the_second_position():
    error = parse_error("W[1, 0]")
    assert "indices start at 1" in error.message
    assert error.start == 5


@pytest.mark.parametrize("text", ["x[1.5]", "x[i]", "x[-1]", "x[]"])
def test_index_must_be_a_whole_number(text):
    error = parse_error(text)
    assert "an index must be a whole number" in error.message


def test_too_long():
    error = parse_error("1+" * 1000 + "1")
    assert "too long" in error.message
    assert "2,001 characters" in error.message
    assert "2,000" in error.message


def test_length_limit_is_configurable():
    assert parse("1+1", max_length=3) == call("add", num("1"), num("1"))
    assert "the limit is 2" in parse_error("1+1", max_length=2).message


def test_too_deeply_nested_brackets_is_refused_quickly():
    error = parse_error("(((((" * 100)
    assert "nested too deeply" in error.message
    assert str(MAX_DEPTH) in error.message


def test_deeply_nested_but_closed_expression_is_refused():
    text = "(" * (MAX_DEPTH + 5) + "1" + ")" * (MAX_DEPTH + 5)
    assert "nested too deeply" in parse_error(text).message


def test_nesting_just_under_the_limit_is_fine():
    depth = MAX_DEPTH - 1
    assert parse("(" * depth + "1" + ")" * depth) == num("1")


@pytest.mark.parametrize(
    "text", ["-" * 100 + "1", "2^" * 100 + "2", "sigmoid(" * 100 + "1" + ")" * 100, "[" * 100 + "1" + "]" * 100]
)
def test_every_kind_of_nesting_is_bounded(text):
    assert "nested too deeply" in parse_error(text).message


def test_huge_number_literal_is_refused():
    error = parse_error("9" * 400)
    assert "too large" in error.message
    assert len(error.message) < 80  # the number is clipped in the message


def test_expression_ends_too_early():
    error = parse_error("a +")
    assert "ends too early" in error.message


def test_empty_parentheses_and_empty_list():
    assert parse_error("()").message == "empty parentheses"
    assert "empty list" in parse_error("[]").message


def test_missing_value_after_comma():
    error = parse_error("[1, 2,]")
    assert "missing after ','" in error.message
    assert error.start == 6


def test_expression_error_is_a_value_error_with_the_message():
    error = parse_error("2x")
    assert isinstance(error, ValueError)
    assert str(error) == error.message


# -- superscript exponents ---------------------------------------------------------------------------


def test_an_error_after_superscripts_points_into_what_was_typed():
    # found by test_properties once its filters were gone: '²²²$' said column 6 of a 4-character answer
    error = parse_error("²²²$")
    assert error.start == 3 and "'$'" in error.message


def test_superscripts_read_as_powers():
    assert parse("x²") == parse("x^2")
    assert parse("z³ + 1") == parse("z^3 + 1")
    assert parse("6.195·10⁻³") == parse("6.195*10^-3")
    assert parse("x¹⁰") == parse("x^10")
    assert parse("0.5²") == parse("0.5^2") and parse("2³") == parse("2^3")
    with pytest.raises(ExpressionError):
        parse("²")
    with pytest.raises(ExpressionError, match="superscript digits"):
        parse("10⁻")


@pytest.mark.parametrize("text", ["add(1)", "power(2)", "matmul(a)"])
def test_operator_names_are_not_callable_as_functions(text):
    with pytest.raises(ExpressionError, match="not a function"):
        parse(text)


# -- the table of operations ----------------------------------------------------------------------------


def test_the_table_of_operations_and_the_parser_need_no_numpy():
    probe = "import sys, tutor.exercise.operations, tutor.exercise.expression; print('numpy' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout == "False\n"


def test_the_docs_function_table_is_the_table_of_operations():
    docs = (Path(__file__).parents[1] / "docs" / "exercise-format.md").read_text(encoding="utf-8")
    assert function_table_markdown() in docs


@pytest.mark.parametrize(
    "spec", [spec for spec in OPERATION_TABLE.values() if not spec.operator], ids=lambda spec: spec.name
)
def test_every_function_of_the_table_parses_with_its_arguments_only(spec):
    # a setting (a stride, an axis) is a whole number in the expression; any other argument may be a name
    arguments = ", ".join("2" if param in spec.settings else param for param in spec.params)
    assert parse(f"{spec.name}({arguments})") == call(
        spec.name, *(num("2") if param in spec.settings else name(param) for param in spec.params)
    )
    assert check_calls(parse(f"{spec.name}({arguments})")) == []
    wanted = (
        "one argument"
        if spec.arity == 1
        else f"{spec.arity} arguments"
        if not spec.optional
        else f"{spec.fewest} to {spec.arity} arguments"
    )
    assert check_calls(parse(f"{spec.name}({arguments}, extra)")) == [
        f"{spec.name} takes {wanted}, not {len(spec.params) + 1}"
    ]
    if spec.optional:
        assert check_calls(parse(f"{spec.name}({', '.join(spec.params[: spec.fewest])})")) == []


@pytest.mark.parametrize(
    "text", ["mean(X, k)", "mean(X, 1.5)", "mean(X, -1)", "sum(X, axis)", "conv2d(X, K, 1, 1e300)"]
)
def test_a_setting_such_as_an_axis_or_a_stride_must_be_a_whole_number_in_the_expression(text):
    (problem,) = check_calls(parse(text))
    assert "must be a whole number from 0 to 1,000 written in the expression (like 2)" in problem


@pytest.mark.parametrize(
    "spec", [spec for spec in OPERATION_TABLE.values() if spec.operator], ids=lambda spec: spec.name
)
def test_an_operator_of_the_table_is_not_callable_by_its_name(spec):
    assert "is not a function" in parse_error(f"{spec.name}(a)").message
