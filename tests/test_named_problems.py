"""A problem the engine finds while solving names the input or node it is about, and the loader's line of it."""

from __future__ import annotations

import pytest

from tutor.engine import solve
from tutor.exercise import ExerciseFileError, parse_exercise

NODE_FAILS = """title = "log of a negative number"
[inputs]
x = -2
[graph]
z = "x + 1"
L = "log(z)"
"""

BATCH_SAMPLE_FAILS = """title = "the second sample takes the log of a negative number"
[inputs]
w = 1
[graph]
z = "w * x"
L = "log(z)"
[batch]
samples = [{ x = 2 }, { x = -3 }]
"""

GRADIENT_UNDEFINED = """title = "sqrt at 0"
[inputs]
x = 0
[graph]
L = "sqrt(x)"
"""


def problem_of(text: str):
    with pytest.raises(ExerciseFileError) as raised:
        solve(parse_exercise(text))
    [problem] = raised.value.problems
    return problem


def test_a_node_that_cannot_be_computed_is_named_and_found_at_its_line():
    problem = problem_of(NODE_FAILS)
    assert (problem.name, problem.line) == ("L", 6)
    assert problem.message.startswith("node 'L' = \"log(z)\": ")


def test_a_batch_copy_is_named_as_solved_and_found_at_the_line_of_the_node_it_copies():
    problem = problem_of(BATCH_SAMPLE_FAILS)
    assert (problem.name, problem.line) == ("L#2", 6)
    assert problem.message.startswith("node 'L' (sample 2) = \"log(z)\": ")


def test_an_undefined_gradient_is_named_and_found_at_the_line_of_its_input():
    problem = problem_of(GRADIENT_UNDEFINED)
    assert (problem.name, problem.line) == ("x", 3)
    assert "the gradient of 'x' is infinite or undefined" in problem.message
