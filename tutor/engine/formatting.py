"""Numbers as people write them (4 significant figures, vectors in [..], matrices as [[..], ..]), and lists of names."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

NOISE = 1e-12  # floating-point noise: a value this close to a simple number is that number
SIMPLE_DECIMALS = 6  # a simple number: an integer or a decimal of at most this many places


def without_noise(value: float) -> float:
    """The simple number (0, an integer, a short decimal) within NOISE of ``value``, else ``value``:
    -2.22e-16 is 0 and 0.30000000000000004 is 0.3 in every message."""
    for decimals in range(SIMPLE_DECIMALS + 1):
        simple = round(value, decimals)
        if abs(value - simple) <= NOISE:
            return simple + 0.0  # + 0.0: -0.0 prints as 0
    return value


def format_number(value: float, digits: int = 4) -> str:
    value = without_noise(float(value))
    if value == 0:
        return "0"
    text = f"{value:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return f"{mantissa}e{int(exponent)}"
    return text


def format_value(value, digits: int = 4) -> str:
    array = np.asarray(value, dtype=np.float64)
    if array.ndim == 0:
        return format_number(float(array), digits)
    return "[" + ", ".join(format_value(item, digits) for item in array) + "]"


def to_nested_list(value):
    """A float, or nested lists of floats: how arrays travel in JSON."""
    array = np.asarray(value, dtype=np.float64)
    return float(array) if array.ndim == 0 else array.tolist()


def listing(names: Iterable[str]) -> str:
    """Names as a sentence lists them: "a", "a and b", "a, b and c"."""
    names = list(names)
    if not names:
        return "nothing"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
