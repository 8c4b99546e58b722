"""Whether a number is within the tolerance of another: the one comparison the checker and the diagnosis share."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from ..engine.operations import describe_shape
from ..exercise.model import Tolerance


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
    if np.all(close):
        return Comparison(True, fraction=1.0, close=close)
    if value.ndim:
        wrong = int(np.size(close) - np.count_nonzero(close))
        return Comparison(False, f"{wrong} of {close.size} elements are off", fraction, close)
    return Comparison(False, "", fraction, close)
