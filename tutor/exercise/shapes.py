"""Shapes in words, for every message that names one (the engine's errors, the checker's, the CLI's)."""

from __future__ import annotations


def describe_shape(shape: tuple[int, ...]) -> str:
    """``()`` -> "a number", ``(3,)`` -> "a vector of 3", ``(2, 3)`` -> "a 2x3 matrix"."""
    if len(shape) == 0:
        return "a number"
    if len(shape) == 1:
        return f"a vector of {shape[0]}"
    if len(shape) == 2:
        return f"a {shape[0]}x{shape[1]} matrix"
    return "an array of shape " + "x".join(map(str, shape))
