"""Read what a learner typed: a number, a fraction, arithmetic, a vector or a matrix.

The text goes through the same parser as exercise files (never ``eval``), and the result is said
back ("read as -0.12") so a learner sees how the tutor understood them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from ..engine.formatting import format_value
from ..engine.graph import evaluate
from ..engine.operations import EvaluationError
from ..exercise.expression import Call, ExpressionError, Number, check_calls, names_in, normalise, parse, to_text

MAX_ANSWER_LENGTH = 1000
_DECIMAL_COMMA = re.compile(r"(?<=\d),(?=\d)")
_FUNCTION_CALL = re.compile(r"[A-Za-z_]\w*\s*\(")
_FRACTION = re.compile(r"^\s*(-?)\s*(\d{1,30})\s*/\s*(\d{1,30})\s*$")
_DECIMAL = re.compile(r"^[+-]?(\d*)(\.(\d*))?(?:[eE][+-]?\d+)?$")
# NumPy prints [0.21 -0.24]: a space before a sign and none after it, between two numbers, reads as a
# subtraction that nobody meant
_SPACED_SIGN = re.compile(r"[\d.)]\s+[-+](?=[\d.])")
# NumPy's printed arrays: elements separated by spaces ([0.21 -0.24]), rows by "] [" ([[1 2] [3 4]])
_NUMPY_SEPARATOR = re.compile(r"(?<=[\d.])\s+(?=[-+]?[\d.])")
_NUMPY_ROWS = re.compile(r"\]\s+\[")
# "≈ -0.006195" or "~0.5": the learner says the value is rounded, which the tolerance allows for anyway
_APPROXIMATELY = re.compile(r"^\s*[≈~]\s*")
# (1,2) alone: the vector [1, 2] or the number 1.2 with a decimal comma
_PAIR_OR_DECIMAL = re.compile(r"^\(\s*[-+]?\d+,\d+\s*\)$")


class UnreadableAnswer(ValueError):
    """Typed text that is not an answer; the message says why, in words a learner can act on."""


@dataclass(frozen=True)
class ReadAnswer:
    text: str
    value: np.ndarray
    read_as: str  # how it was understood, e.g. "2*(0.94 - 1) = -0.12"
    notes: tuple[str, ...] = ()
    exact: Fraction | None = None  # set when typed as a fraction of whole numbers, which claims exactness
    figures: int | None = None  # the significant figures written, for one decimal number ("0.30": 2)


def read_answer(text: str, shape: tuple[int, ...] | None = None) -> ReadAnswer:
    """The answer typed; ``shape`` (the one asked, when known) settles NumPy's [0.21 -0.24]: two elements when
    that is the shape asked, refused as ambiguous otherwise."""
    if len(text) > MAX_ANSWER_LENGTH:
        raise UnreadableAnswer(
            f"that answer is {len(text):,} characters long; answers are limited to {MAX_ANSWER_LENGTH:,}"
        )
    if not text.strip():
        raise UnreadableAnswer("the answer is empty: type a number, like -0.12")
    notes = []
    cleaned = _APPROXIMATELY.sub("", normalise(text.strip()))
    if _PAIR_OR_DECIMAL.match(cleaned):
        raise UnreadableAnswer(
            f"'{text.strip()}' could be a vector or a number with a decimal comma: type a vector in brackets, "
            "like [1, 2], or the number with a decimal point, like 1.2"
        )
    # one comma between digits, outside brackets and calls, is a decimal comma: 0,94 or 2*(0,94 - 1)
    if (
        cleaned.count(",") == 1
        and "[" not in cleaned
        and not _FUNCTION_CALL.search(cleaned)
        and _DECIMAL_COMMA.search(cleaned)
    ):
        cleaned = _DECIMAL_COMMA.sub(".", cleaned)
        notes.append("read the comma as a decimal point")
    cleaned = as_brackets(cleaned)
    for spaced in _SPACED_SIGN.finditer(cleaned):
        before = cleaned[: spaced.start()]
        in_brackets = before.count("[") > before.count("]") and before.count("(") == before.count(")")
        if in_brackets:  # between a vector's elements, not inside a parenthesised sum
            if shape is not None:
                elements = _elements_as_numpy_prints_them(text, shape)
                if elements is not None:
                    return elements
            raise UnreadableAnswer(
                f"'{text.strip()}' could be elements or a subtraction: separate elements with commas, like "
                "[0.21, -0.24] (a subtraction takes spaces on both sides of the sign, or none)"
            )
    try:
        expression = parse(cleaned, max_length=MAX_ANSWER_LENGTH)
    except ExpressionError as error:
        elements = _elements_as_numpy_prints_them(text, shape) if shape is not None else None
        if elements is not None:
            return elements  # [0.21 0.5]: the elements of the shape asked, separated by spaces
        raise UnreadableAnswer(_explain(cleaned, error)) from None
    names = names_in(expression)
    if names:
        raise UnreadableAnswer(f"'{names[0].id}' is a name, not a number: type its value instead")
    problems = check_calls(expression)
    if problems:
        raise UnreadableAnswer(problems[0])
    try:
        value = evaluate(expression, {}).value
    except EvaluationError as error:
        raise UnreadableAnswer(f"that cannot be computed: {error}") from None
    shown = to_text(expression)
    formatted = format_value(value, 6)
    read_as = formatted if isinstance(expression, Number) or shown == formatted else f"{shown} = {formatted}"
    if isinstance(expression, Call) and expression.function == "stack" and _all_numbers(expression):
        read_as = formatted
    exact = None
    match = _FRACTION.match(cleaned)
    if match and int(match.group(3)) != 0:
        exact = Fraction(int(match.group(2)), int(match.group(3))) * (-1 if match.group(1) else 1)
    return ReadAnswer(text, value, read_as, tuple(notes), exact, written_figures(cleaned))


def _elements_as_numpy_prints_them(text: str, shape: tuple[int, ...]) -> ReadAnswer | None:
    """[0.21 -0.24] read with its spaces separating elements, when that gives the shape asked; else None."""
    separated = _NUMPY_SEPARATOR.sub(", ", _NUMPY_ROWS.sub("], [", normalise(text.strip())))
    try:
        answer = read_answer(separated)
    except UnreadableAnswer:
        return None
    if np.squeeze(answer.value).shape != tuple(dim for dim in shape if dim != 1):
        return None
    return ReadAnswer(text, answer.value, answer.read_as, (*answer.notes, "read the spaces as separating elements"))


def as_brackets(text: str) -> str:
    """Vectors and matrices as learners write them, in the parser's brackets: (0.21, -0.24) is [0.21, -0.24];
    a semicolon starts a row, so [0.21; -0.24] is a column (a vector here) and [1, 2; 3, 4] a matrix."""
    characters = list(text)
    openings: list[tuple[int, bool]] = []  # each open bracket's position, and whether it is a function call's
    separators: dict[int, list[int]] = {}  # open bracket -> the positions of its own commas and semicolons
    for position, char in enumerate(text):
        if char in "([":
            call = char == "(" and _name_ends_at(text, position)
            openings.append((position, call))
            separators[position] = []
        elif char in ",;" and openings:
            separators[openings[-1][0]].append(position)
        elif char in ")]" and openings:
            opened, call = openings.pop()
            found = separators.pop(opened)
            if call or not found:
                continue
            characters[opened], characters[position] = "[", "]"
            semicolons = [at for at in found if text[at] == ";"]
            if semicolons and len(semicolons) < len(found):  # rows of several numbers: each row in brackets
                characters[opened] = "[["
                characters[position] = "]]"
                for at in semicolons:
                    characters[at] = "], ["
            else:  # one number per row (a column), or rows already in brackets
                for at in semicolons:
                    characters[at] = ","
    return "".join(characters)


def _name_ends_at(text: str, position: int) -> bool:
    """Whether a name (sigmoid, max) ends just before ``position``, spaces aside: its "(" opens a function call."""
    end = position
    while end > 0 and text[end - 1].isspace():
        end -= 1
    start = end
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
        start -= 1
    return start < end and (text[start].isalpha() or text[start] == "_")


def written_figures(text: str) -> int | None:
    """The significant figures of one decimal number as written: "0.30" has 2, "0.0031" 2, "2.50e-3" 3.
    None for anything else, and for a whole number ending in zeros ("300": 1, 2 or 3)."""
    match = _DECIMAL.match(text.replace(" ", ""))
    if match is None or not (match.group(1) or match.group(3)):
        return None
    whole, fraction = match.group(1), match.group(3) or ""
    if match.group(2) is None and whole.rstrip("0") != whole:
        return None
    digits = (whole + fraction).lstrip("0")
    return len(digits) if digits else None


def _all_numbers(expression) -> bool:
    if isinstance(expression, Number):
        return True
    return (
        isinstance(expression, Call)
        and expression.function == "stack"
        and all(_all_numbers(argument) for argument in expression.args)
    )


def _explain(text: str, error: ExpressionError) -> str:
    message = error.message
    if "," in text and "[" not in text and ("unexpected ','" in message or "found ','" in message):
        return "to type a vector, put it in brackets, like [0.21, -0.24]"
    if "[" in text and _NUMPY_SEPARATOR.search(text) and "found" in message:
        return f"{message}: separate elements with commas, like [0.21, 0.5]"
    return message
