"""Whether a number is within the tolerance of another: the one comparison the checker and the diagnosis share."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from ..engine.graph import Solution
from ..engine.operations import describe_shape
from ..exercise.expression import Call, Name
from ..exercise.model import Tolerance
from .quantities import Quantity, QuantityKind


@dataclass(frozen=True)
class Comparison:
    matches: bool
    reason: str = ""  # why not, when it does not
    fraction: float = 0.0  # the share of elements within tolerance
    close: np.ndarray | None = None  # which elements are within tolerance, where they were compared one by one


def compare(
    value: np.ndarray,
    expected: np.ndarray,
    tolerance: Tolerance,
    exact: Fraction | None = None,
    base: np.ndarray | None = None,
) -> Comparison:
    """Elementwise: |answer - expected| <= max(relative·|expected|, absolute); with a ``base`` (the
    number before a change) relative to the change instead: max(relative·|expected - base|, absolute)."""
    value = np.asarray(value, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    if value.shape != expected.shape:
        if np.squeeze(value).shape != np.squeeze(expected).shape:
            return Comparison(False, f"{describe_shape(expected.shape)} expected, got {describe_shape(value.shape)}")
        value = value.reshape(expected.shape)  # [[1, 2]] for [1, 2], or 0.5 for [0.5]: same numbers
    if exact is not None and expected.ndim == 0:
        # only a fraction with a small denominator counts as exact; irrational values never get this close
        simple = Fraction(float(expected)).limit_denominator(10_000)
        if abs(float(simple) - float(expected)) <= 1e-12 * max(1.0, abs(float(expected))):
            return Comparison(
                exact == simple,
                "" if exact == simple else f"the fraction {exact} is not exactly right (a fraction must be exact)",
                float(exact == simple),
            )
    scale = np.abs(expected if base is None else expected - np.asarray(base, dtype=np.float64))
    close = np.abs(value - expected) <= np.maximum(tolerance.relative * scale, tolerance.absolute)
    fraction = float(np.count_nonzero(close)) / close.size
    if close.all():
        return Comparison(True, fraction=1.0, close=close)
    if value.ndim:
        wrong = int(np.size(close) - np.count_nonzero(close))
        return Comparison(False, f"{wrong} of {close.size} elements are off", fraction, close)
    return Comparison(False, "", fraction, close)


SMALLEST_CHANGE = 1e-6  # a change below this share of the value is judged on the value


def change_base(solution: Solution, quantity: Quantity) -> np.ndarray | None:
    """For a step that is a small change of a given number, that number (the answer is judged on the change,
    docs/scoring.md); None for the others.

    An update changes the parameter's given value. A value after the update, and the value of a node that adds to
    or subtracts from a number before it (``w_new = "w - lr*g"`` written in the graph), is judged on its change
    from that number in the elements where the two are so close that copying the number would pass as the answer,
    and on its value in the others (those that do not change at all too).
    """
    if quantity.kind == QuantityKind.UPDATE:
        return solution.values[quantity.name]
    tolerance = solution.exercise.tolerance_for(quantity.kind, str(quantity))
    if quantity.kind == QuantityKind.AFTER:
        return small_change(solution.after_values[quantity.name], solution.values[quantity.name], tolerance)
    if quantity.kind != QuantityKind.VALUE:
        return None
    expression = solution.graph.nodes[quantity.name].expression
    if not isinstance(expression, Call) or expression.function not in ("add", "subtract"):
        return None
    changed = expression.args if expression.function == "add" else expression.args[:1]  # p + d, d + p, p - d
    for operand in changed:
        if isinstance(operand, Name):
            base = small_change(solution.values[quantity.name], solution.values[operand.id], tolerance)
            if base is not None:
                return base
    return None


def small_change(new, old, tolerance: Tolerance) -> np.ndarray | None:
    """``old`` where ``new`` is a change of it small enough that ``old`` would pass for ``new``, 0 elsewhere; None
    when no element is such a change. An element that changes by less than a millionth of itself is judged on its
    value: no one shows such a change by hand (an attention mask's -1e9 plus a score of 1.77), and an element that
    does not change at all would leave no room for rounding."""
    new, old = np.asarray(new, dtype=np.float64), np.asarray(old, dtype=np.float64)
    if new.shape != old.shape:
        return None
    change = np.abs(new - old)
    close = (change > SMALLEST_CHANGE * np.abs(new)) & (
        change <= np.maximum(tolerance.relative * np.abs(new), tolerance.absolute)
    )
    return np.where(close, old, 0.0) if np.any(close) else None
