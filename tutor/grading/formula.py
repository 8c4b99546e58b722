"""Formula answers: a derivation typed as an expression in named variables.

A formula is right when it agrees with the reference at several random points of each variable's
interval and at the exercise's own values. Points where the reference itself is undefined (log of
a negative number) are skipped; the random points come from a fixed seed per question, so a
formula is graded the same way on every machine.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np

from ..engine.formatting import format_value
from ..engine.graph import Solution, evaluate
from ..engine.operations import EvaluationError
from ..exercise.expression import ExpressionError, Node, check_calls, names_in, normalise, parse, to_text
from ..exercise.model import QuestionSpec
from .answer import MAX_ANSWER_LENGTH, UnreadableAnswer

POINTS = 12
RELATIVE, ABSOLUTE = 1e-6, 1e-9  # a formula is exact: only floating-point noise is forgiven


@dataclass(frozen=True)
class ReadFormula:
    text: str
    expression: Node
    read_as: str


def read_formula(text: str, question: QuestionSpec) -> ReadFormula:
    if len(text) > MAX_ANSWER_LENGTH:
        raise UnreadableAnswer(
            f"that answer is {len(text):,} characters long; answers are limited to {MAX_ANSWER_LENGTH:,}"
        )
    if not text.strip():
        raise UnreadableAnswer("the answer is empty: type a formula, like " + to_text(question.answer))
    try:
        expression = parse(normalise(text.strip()), max_length=MAX_ANSWER_LENGTH)
    except ExpressionError as error:
        raise UnreadableAnswer(error.message) from None
    problems = check_calls(expression)
    if problems:
        raise UnreadableAnswer(problems[0])
    allowed = sorted(question.variables)
    for name in names_in(expression):
        if name.id not in question.variables:
            names = ", ".join(allowed) if allowed else "no names (it is a number)"
            raise UnreadableAnswer(f"unknown name '{name.id}': this formula can use {names}")
    return ReadFormula(text, expression, to_text(expression))


def sample_points(question: QuestionSpec, solution: Solution) -> list[dict[str, np.ndarray]]:
    """The exercise's own values (where the variables are its scalars), then seeded random points."""
    points = []
    known = {name: solution.values[name] for name in question.variables if name in solution.values}
    if len(known) == len(question.variables) and all(np.ndim(value) == 0 for value in known.values()):
        points.append(dict(known))
    generator = np.random.default_rng(zlib.crc32(question.id.encode()))
    for _ in range(POINTS):
        points.append(
            {name: np.asarray(generator.uniform(low, high)) for name, (low, high) in question.variables.items()}
        )
    return points


def formula_matches(answer: Node, question: QuestionSpec, solution: Solution) -> tuple[bool, str]:
    """Whether the formula agrees with the reference; if not, a point where they differ."""
    compared = 0
    for point in sample_points(question, solution):
        try:
            expected = evaluate(question.answer, point).value
        except EvaluationError:
            continue  # the reference is undefined here, so this point says nothing
        try:
            value = evaluate(answer, point).value
        except EvaluationError as error:
            return False, f"at {_describe(point)} your formula cannot be computed ({error})"
        if np.shape(value) != np.shape(expected) or not np.allclose(value, expected, rtol=RELATIVE, atol=ABSOLUTE):
            return False, (
                f"at {_describe(point)} your formula gives {_number(value)} but the right one gives {_number(expected)}"
            )
        compared += 1
    if compared == 0:
        return False, "the reference formula is undefined on every test point: the exercise needs other intervals"
    return True, ""


def reference_value(question: QuestionSpec, solution: Solution) -> np.ndarray:
    """The right formula's value at the first point where it is defined (for reports)."""
    for point in sample_points(question, solution):
        try:
            return evaluate(question.answer, point).value
        except EvaluationError:
            continue
    return np.asarray(np.nan)


def _describe(point: dict[str, np.ndarray]) -> str:
    return ", ".join(f"{name} = {_number(value)}" for name, value in point.items()) or "any point"


def _number(value) -> str:
    return format_value(value, 4)
