"""Numbers as a learner writes them: shapes, closeness, significant figures, and factors in words."""

from __future__ import annotations

import math

import numpy as np

from ...engine.formatting import format_number
from ...exercise.model import Tolerance


def same_shape(value: np.ndarray, target: np.ndarray) -> np.ndarray | None:
    if value.shape == target.shape:
        return value
    if np.squeeze(value).shape == np.squeeze(target).shape:
        return value.reshape(target.shape)
    return None


def close_elements(
    value: np.ndarray, target: np.ndarray, tolerance: Tolerance, base: np.ndarray | None = None
) -> np.ndarray:
    scale = np.abs(target if base is None else target - base)
    allowed = np.maximum(tolerance.relative * scale, tolerance.absolute)
    return np.abs(value - target) <= allowed


def round_significant(array: np.ndarray, figures: int, cut: bool = False) -> np.ndarray:
    """``array`` rounded (or, with ``cut``, cut off) to ``figures`` significant figures."""
    array = np.asarray(array, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        magnitude = np.where(array == 0, 0, np.floor(np.log10(np.abs(np.where(array == 0, 1, array)))))
    scale = 10.0 ** (figures - 1 - magnitude)
    return (np.trunc(array * scale + np.sign(array) * 1e-9) if cut else np.round(array * scale)) / scale


def significant_figures(value: np.ndarray) -> int:
    """How many significant figures the learner wrote (at most 7)."""
    most = 1
    for element in np.ravel(value):
        if element == 0:
            continue
        for figures in range(1, 8):
            if abs(round_significant(element, figures) - element) <= 1e-9 * abs(element):
                most = max(most, figures)
                break
        else:
            return 8
    return most


def times(factor: float) -> str:
    words = {
        10: "10 times",
        100: "100 times",
        1000: "1000 times",
        0.1: "a tenth of",
        0.01: "a hundredth of",
        0.001: "a thousandth of",
        2: "twice",
        0.5: "half",
    }
    for key, word in words.items():
        if math.isclose(factor, key, rel_tol=1e-9):
            return word
    if 0 < factor < 1 and math.isclose(1 / factor, round(1 / factor), rel_tol=1e-9):
        return f"1/{round(1 / factor)} of"  # a mean's 1/N, not 0.3333 (which may be the very answer)
    return f"{format_number(factor)} times"


def elements(mask: np.ndarray) -> str:
    positions = [", ".join(str(i + 1) for i in index) for index in zip(*np.nonzero(mask))]
    if len(positions) == 1:
        return f"element {positions[0]}"
    return "elements " + "; ".join(positions)
