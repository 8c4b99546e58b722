"""Derivations: a wrong ``[formula]`` answer diagnosed by the same idea as a number, symbolically.

The learner's formula is compared with each of the right formula's slips (formula_slips.py) at the question's test
points (those it was graded at); the first that agrees at every point names the mistake. A formula that is the right
one times a constant is named last.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ...engine.formatting import format_number
from ...engine.graph import Solution, evaluate
from ...engine.operations import EvaluationError
from ...exercise.expression import Call, Index, Node, calls_in
from ...exercise.model import QuestionSpec
from ...exercise.operations import OPERATION_TABLE
from ..formula import ABSOLUTE, RELATIVE, sample_points
from .formula_paths import subtrees
from .formula_slips import formula_slips
from .labels import Diagnosis

# Operations evaluated (at all test points at once) before the search gives up: a long formula has many slips, and
# a learner waits for the verdict. The usual derivations need a tenth of it.
MAX_WORK = 4000


def diagnose_formula(solution: Solution, question: QuestionSpec, answer: Node) -> Diagnosis | None:
    """The slip that turns the right formula into the learner's, or None; never raises."""
    try:
        return diagnose_formula_strictly(solution, question, answer)
    except (EvaluationError, ValueError, TypeError, KeyError, IndexError, RecursionError, FloatingPointError):
        return None  # a diagnosis is a courtesy: never let it break grading


def diagnose_formula_strictly(solution: Solution, question: QuestionSpec, answer: Node) -> Diagnosis | None:
    """:func:`diagnose_formula`, letting an error inside it through (the tests want to see it)."""
    points = _defined_points(question, solution)
    if not points:
        return None
    reference = [value for _, value in points]
    learner = _values_at(answer, points)
    if _agree(learner, reference):
        return None  # right: nothing to diagnose
    work = 0
    for slip in formula_slips(question):
        work += 1 + len(calls_in(slip.formula))
        if work > MAX_WORK:
            break
        candidate = _values_at(slip.formula, points)
        if _agree(candidate, reference):
            continue  # this "slip" changes nothing (a*b for b*a)
        if _agree(learner, candidate):
            return Diagnosis(slip.label, slip.explanation)
    return _constant_factor(learner, reference)


def _constant_factor(learner: Sequence[np.ndarray | None], reference: Sequence[np.ndarray]) -> Diagnosis | None:
    """A formula that is the right one times a constant other than ±1 (seed 002's tanh′ without its factor 4)."""
    ratios = []
    for mine, right in zip(learner, reference):
        if mine is None or np.shape(mine) != np.shape(right):
            return None
        if np.all(np.abs(right) > ABSOLUTE):
            ratios.append(np.ravel(mine / right))
    if len(ratios) < 2:
        return None
    every = np.concatenate(ratios)
    factor = float(every[0])
    if not np.allclose(every, factor, rtol=RELATIVE, atol=0) or factor <= 0 or np.isclose(factor, 1):
        return None  # not one constant, or a sign as well (two slips)
    if factor < 1:
        return Diagnosis(
            "missing_factor",
            f"Your formula is the right one divided by {format_number(1 / factor)}: a constant factor is lost.",
        )
    return Diagnosis(
        "extra_factor", f"Your formula is {format_number(factor)} times the right one: a constant factor too many."
    )


# -- comparing formulas at the test points -----------------------------------------------------------------


def _defined_points(question: QuestionSpec, solution: Solution) -> list[tuple[dict[str, np.ndarray], np.ndarray]]:
    """The test points where the right formula is defined, with its value there."""
    points = sample_points(question, solution)
    values = _values_at(question.answer, [(point, None) for point in points])
    return [(point, value) for point, value in zip(points, values) if value is not None]


def _values_at(formula: Node, points) -> list[np.ndarray | None]:
    """The formula's value at each test point, None where it is undefined: every point in one evaluation when all
    its operations are elementwise (the variables are numbers, so each point is one element), else one by one."""
    if _elementwise(formula):
        try:
            value = evaluate(formula, _stacked([point for point, _ in points])).value
        except EvaluationError:
            pass  # undefined at some point: find which, one by one
        else:
            return list(np.broadcast_to(value, (len(points),)))
    values: list[np.ndarray | None] = []
    for point, _ in points:
        try:
            values.append(evaluate(formula, point).value)
        except EvaluationError:
            values.append(None)  # undefined here
    return values


def _agree(first: Sequence[np.ndarray | None], second: Sequence[np.ndarray | None]) -> bool:
    """Equal to the formulas' tolerance at every point, and undefined at the same points."""
    for a, b in zip(first, second):
        if a is None or b is None:
            if a is not b:
                return False
            continue
        if np.shape(a) != np.shape(b) or not np.allclose(a, b, rtol=RELATIVE, atol=ABSOLUTE):
            return False
    return True


def _elementwise(formula: Node) -> bool:
    return all(
        not isinstance(node, Index) and (not isinstance(node, Call) or OPERATION_TABLE[node.function].elementwise)
        for _, node in subtrees(formula)
    )


def _stacked(points: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """The test points as one vector per variable."""
    return {name: np.array([float(point[name]) for point in points]) for name in points[0]}
