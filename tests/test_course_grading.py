"""Issue 17, checked as an outside teaching assistant would: exercises written from docs/exercise-format.md alone
(tests/exercises/course/), answers files of the kinds a class hands in, and the verdicts, credits, diagnoses and
score lines a careful TA would give. Every right number is computed here by hand with NumPy, not by the engine.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from tutor.engine import solve
from tutor.exercise import parse_exercise
from tutor.grading import Checker, Quantity


def exercise(text: str):
    return solve(parse_exercise(textwrap.dedent(text)))


def one_node(value: float):
    """An exercise whose one step, value.p, has the right value ``value``."""
    return exercise(f"""
        title = "one value"
        [inputs]
        a = {value!r}
        [graph]
        p = "a*1"
    """)


def rounding_message(value: float, typed: str) -> str:
    verdict = Checker(one_node(value)).check(Quantity.parse("value.p"), typed)
    assert not verdict.correct and verdict.diagnosis == "rounding", verdict.message
    return verdict.message


def test_rounding_is_read_at_the_figures_written_and_never_asks_for_the_figures_given():
    # issue 17 item 8: 0.100 for 0.10098 is cut off after 3 figures (rounded, 0.101 is right), not "rounded to 3"
    message = rounding_message(0.10098, "0.100")
    assert "cut off after 3 significant figures" in message and "keep at least 3" not in message
    assert "round the last figure" in message
    # 0.100 for 0.104: two figures, then a zero written rather than worked out
    message = rounding_message(0.104, "0.100")
    assert "rounded to 2 significant figures, with zeros written up to 3" in message
    assert "keep at least 3" not in message
    # too few figures, rounded or cut off: how many are needed, which is more than were given
    assert "rounded to 1 significant figure" in rounding_message(0.104, "0.1")
    assert "keep at least 3 significant figures" in rounding_message(0.104, "0.1")
    assert "keep at least 3 significant figures, rounding the last one" in rounding_message(0.1068, "0.10")
    assert "cut off after 2 significant figures" in rounding_message(0.1098, "0.10")  # 0.11 would do
