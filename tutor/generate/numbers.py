"""Nice numbers and the TOML text they are written in.

A number is kept as a whole count of hundredths (150 is 1.5), so it is exact, it prints as a short
decimal without any float formatting, and the text is the same on every machine.
"""

from __future__ import annotations

import json
import random
import textwrap

TWO_DECIMALS_CHANCE = 0.2  # the share of numbers with two decimals (multiples of 0.05) instead of one


def draw_hundredths(rng: random.Random, limit: int, allow_zero: bool = False) -> int:
    """A multiple of 0.1 (sometimes of 0.05) in [-limit, limit] hundredths, never 0 unless allowed."""
    step = 5 if rng.random() < TWO_DECIMALS_CHANCE else 10
    while True:
        count = rng.randint(-(limit // step), limit // step) * step
        if count or allow_zero:
            return count


def hundredths_text(count: int) -> str:
    """150 -> "1.5", -25 -> "-0.25", 200 -> "2": a TOML number with no trailing zeros."""
    sign = "-" if count < 0 else ""
    whole, part = divmod(abs(count), 100)
    return f"{sign}{whole}" if part == 0 else f"{sign}{whole}.{part:02d}".rstrip("0")


def value_of(count: int) -> float:
    return count / 100


def array_text(counts) -> str:
    """A number, a vector or a matrix of hundredths, as TOML."""
    if isinstance(counts, list):
        return "[" + ", ".join(array_text(item) for item in counts) + "]"
    return hundredths_text(counts)


def toml_string(text: str) -> str:
    """A TOML basic string: JSON's escapes (\\", \\\\, \\n, \\uXXXX) are all valid TOML."""
    return json.dumps(text, ensure_ascii=False)


def toml_list(items) -> str:
    return "[" + ", ".join(toml_string(item) for item in items) + "]"


def paragraph(text: str, width: int = 100) -> str:
    """Prose for a description, wrapped as the catalog's files are."""
    return textwrap.fill(text, width=width, break_long_words=False, break_on_hyphens=False)


def spoken_list(words) -> str:
    """["q", "r", "L"] -> "q, r and L"."""
    words = list(words)
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
