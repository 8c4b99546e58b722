"""What a step needs, without a screen: the given panel's numbers, the inspector's facts, the answer
examples that give nothing away, and why a right answer earned less than a point."""

from __future__ import annotations

import numpy as np
import pytest

from tutor.engine.formatting import format_value
from tutor.exercise import catalog_names, resolve_exercise
from tutor.exercise.shown import visible
from tutor.grading import Checker, read_answer
from tutor.session import EXAM, Session
from tutor.session.given import given_text, grid, needed_operands, node_details, pack
from tutor.session.scoring import practice_credit_reason
from tutor.session.steps import EXAMPLE_NUMBERS, example_answer, exercise_numbers, far_from

NETWORK = "network-3-2-1-sigmoid"


def go_to(session: Session, quantity: str) -> None:
    session.go_to(next(index for index, step in enumerate(session.steps) if str(step.quantity) == quantity))


def answer_right_until(session: Session, quantity: str) -> None:
    while str(session.step.quantity) != quantity:
        session.answer(format_value(session.checker.expected(session.step.quantity), 6))


def test_a_matrix_step_shows_its_inputs_in_full_as_labelled_grids():
    session = Session(resolve_exercise(NETWORK))
    text = given_text(session, 76)
    lines = text.splitlines()
    assert lines[0].split() == ["W2", "(given)", "x", "(given)", "b2", "(given)"]
    assert lines[1].split() == ["c1", "c2", "c3", "1", "2", "3", "1", "2"]
    assert lines[2].split() == ["r1", "0.2", "0.3", "0.4", "0.8", "0.7", "0.1", "-0.2", "-0.2"]
    assert lines[3].split() == ["r2", "-0.2", "0.1", "0.5"]
    assert "…" not in text


def test_inputs_are_shown_as_written_in_the_file():
    session = Session(resolve_exercise("sigmoid-neuron-mse"))
    assert given_text(session, 76) == "w1 = 4/5 (given)   x1 = 1 (given)"


def test_computed_operands_are_the_learners_own_rounded_answers_marked_as_theirs():
    session = Session(resolve_exercise(NETWORK))
    session.answer("[0.21, -0.24]")
    verdict = session.answer("[0.552, 0.44]")  # rounded to 3 figures: right
    assert verdict.correct
    text = given_text(session, 76)  # z3 = W3@a2 + b3
    assert "a2 (yours, step 2)" in text
    assert "0.552" in text and "0.44" in text
    assert "0.5523" not in text and "0.4403" not in text  # never the exact values


def test_an_operand_not_found_yet_names_its_step_and_not_its_value():
    session = Session(resolve_exercise(NETWORK))
    go_to(session, "value.a2")  # PageDown past z2 without answering it
    text = given_text(session, 76)
    assert text == "z2 (not found yet: step 1)"
    exact = session.solution.values["z2"]
    assert format_value(exact[0]) not in text


def test_a_gradient_step_shows_the_downstream_gradient_and_local_derivative():
    session = Session(resolve_exercise(NETWORK))
    answer_right_until(session, "grad.z3")
    labels = [operand.label for operand in needed_operands(session)]
    assert labels == ["dL/da3", "∂a3/∂z3"]
    assert all(operand.origin == "yours" for operand in needed_operands(session))


def test_a_gradient_whose_local_derivative_is_not_asked_shows_what_the_chain_rule_multiplies():
    session = Session(resolve_exercise(NETWORK))
    answer_right_until(session, "grad.W2")  # ∂z2/∂W2 is not a matrix: not asked; dL/dW2 = δ2 xᵀ
    assert [operand.label for operand in needed_operands(session)] == ["dL/dz2", "x"]  # not W2 nor b2


def test_a_bias_gradient_needs_only_the_gradient_downstream():
    session = Session(resolve_exercise("iris-mlp"))
    answer_right_until(session, "grad.b2")  # Z2 = H @ W2 + b2: dL/db2 sums dL/dZ2 over the rows
    assert [operand.label for operand in needed_operands(session)] == ["dL/dZ2"]


def test_an_update_step_shows_the_old_parameter_its_gradient_and_the_rate():
    session = Session(resolve_exercise(NETWORK))
    answer_right_until(session, "update.b2")
    operands = needed_operands(session)
    assert [(operand.label, operand.origin) for operand in operands] == [
        ("b2", "given"),
        ("dL/db2", "yours"),
        ("learning rate", "given"),
    ]
    text = given_text(session, 76)
    grad = session.solution.grads["b2"]
    assert all(format_value(element, 6) in text for element in grad)
    assert "learning rate = 1 (given)" in text


def test_after_the_update_the_new_parameters_are_the_operands():
    session = Session(resolve_exercise(NETWORK))
    answer_right_until(session, "after.z2")
    labels = [operand.label for operand in needed_operands(session)]
    assert labels == ["new W2", "x", "new b2"]


def test_in_an_exam_the_operands_are_what_the_learner_typed_right_or_wrong():
    session = Session(resolve_exercise("sigmoid-neuron-mse"), mode=EXAM)
    session.answer("0.7")  # p1 = w1*x1 is 0.8: wrong, but it is the learner's
    session.go_to(2)  # z = p1 + p2 + b0, with p2 left blank
    text = given_text(session, 76)
    assert "p1 = 0.7 (yours, step 1)" in text
    assert "p2 (not found yet: step 2)" in text


def test_the_inspector_shows_only_what_the_learner_knows():
    session = Session(resolve_exercise(NETWORK))
    session.answer("[0.21, -0.24]")
    z2 = node_details(session, "z2")
    assert z2.startswith("z2 = W2@x + b2\nshape: a vector of 2")
    assert "z2 (yours, step 1)" in z2 and "dL/dz2 (not found yet: step 13)" in z2
    a3 = node_details(session, "a3")
    assert "a3 (not found yet: step 4)" in a3
    assert format_value(session.solution.values["a3"]) not in a3
    assert "0.2  0.3  0.4" in node_details(session, "W2")


def test_the_inspector_never_shows_a_gradient_that_is_not_asked():
    session = Session(resolve_exercise("xor-mlp"))  # parameter gradients only: not dL/dX
    assert not any(str(step.quantity) == "grad.X" for step in session.steps)
    details = node_details(session, "X")
    assert "dL/dX (not asked)" in details
    assert details.index("dL/dX (not asked)") == len(details) - len("dL/dX (not asked)")  # no numbers after it


@pytest.mark.parametrize("name", catalog_names())
def test_answer_examples_have_the_shape_asked_and_none_of_the_exercises_numbers(name):
    session = Session(resolve_exercise(name))
    numbers = exercise_numbers(session.solution, [step.quantity for step in session.steps])
    graded = set()
    for step in session.steps:
        if step.quantity.kind == "formula":
            continue
        examples = [step.example] if step.shape else step.example.split(" or ")
        for example in examples:
            value = read_answer(example).value
            assert np.shape(value) == step.shape, (step.quantity, example)
            distance = np.abs(numbers[:, None] - np.ravel(value)[None, :])
            closest = np.min(distance / np.maximum(np.abs(numbers), 1)[:, None])
            assert closest > 0.01, (step.quantity, example)  # not even a rounded form of any number
            # graded wrong, once per kind and shape of step (grading a wrong answer diagnoses it: most of the time
            # of this test); a fresh checker: one that remembered the examples typed for earlier steps would carry
            # them forward
            if (step.quantity.kind, step.shape) not in graded:
                graded.add((step.quantity.kind, step.shape))
                assert not Checker(session.solution).check(step.quantity, example).correct, (step.quantity, example)
        assert step.example in step.answer_format


def test_the_examples_avoid_numbers_close_to_an_answer():
    numbers = np.array([-1.1, 2.61])
    assert not far_from(-1.1, numbers) and not far_from(2.6, numbers) and far_from(-3.4, numbers)


def test_an_example_longer_than_the_example_numbers_repeats_them():
    """A vector of 150 (there are fewer example numbers): it used to stop with StopIteration."""
    numbers = np.array([0.5, -1.25])
    value = read_answer(example_answer((150,), numbers)).value
    assert (
        len(EXAMPLE_NUMBERS) < 150 and np.shape(value) == (150,) and all(far_from(number, numbers) for number in value)
    )
    everywhere = np.array(EXAMPLE_NUMBERS)  # no example number is far from these: the format is still shown
    assert np.shape(read_answer(example_answer((2, 3), everywhere)).value) == (2, 3)
    assert read_answer(example_answer((), everywhere)).value.shape == ()


def test_why_a_right_answer_earned_less_than_a_point():
    assert practice_credit_reason(0, 0) == ""
    assert practice_credit_reason(1, 0) == "one wrong try before"
    assert practice_credit_reason(2, 1) == "two wrong tries before, one hint"
    assert practice_credit_reason(0, 2) == "two hints"


def test_blocks_are_packed_side_by_side_while_they_fit():
    assert pack([["a", "bb"], ["ccc"]], 20) == "a    ccc\nbb"
    assert pack([["a", "bb"], ["ccc"]], 5) == "a\nbb\nccc"
    assert grid(["1", "-2.5"]) == ["1     2", "1  -2.5"]
    assert grid([["1", "2"], ["3", "40"]]) == ["    c1  c2", "r1   1   2", "r2   3  40"]


def test_control_characters_are_made_visible():
    assert visible("a\x1b[31mb\x07\x7f\nc\u202e") == "a\\x1b[31mb\\x07\\x7f\nc\\u202e"


def test_the_help_lists_the_numbers_the_description_speaks_of():
    from tutor.tui.screens.help import given_numbers

    text = given_numbers(resolve_exercise("mlp-relu-matrix"))  # "With the numbers below: ..."
    assert "W1 = [[0.5, -0.3], [0.2, 0.8], [-0.6, 0.1]]" in text and "learning rate = 0.1" in text
    batch = given_numbers(resolve_exercise("net-2-3-1-batch"))
    assert "sample 2: x10 = 1, x11 = 3, y = 5" in batch
