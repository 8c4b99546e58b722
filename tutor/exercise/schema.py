"""The fields of an exercise file, declared once: each table's fields, what their values are, their defaults.

The loader checks every table of a file against its :class:`Table` here (``unknown``: a misspelt field is an
error with a "did you mean"; ``problem``: a value of the wrong kind), then reads the values; the test of
docs/exercise-format.md checks the fields it documents against these tables.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from .model import DEFAULT_ASK, MAX_TRAINING_STEPS, TOLERANCE_KINDS, Tolerance
from .suggestion import suggestion

MAX_EXAM_MINUTES = 7 * 24 * 60
NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")  # of inputs, nodes, questions and the batch total


def finite(value: object) -> float | None:
    """A TOML number as a finite float, or None (text, true/false, nan, inf, or too large)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def kind_of(value: object) -> str:
    """A TOML value's kind, as a message names it."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


def _text(value: object) -> bool:
    return isinstance(value, str)


def _filled_text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _names(value: object) -> bool:
    """A name in quotes, or a list of them."""
    return isinstance(value, str) or (isinstance(value, list) and all(isinstance(item, str) for item in value))


def _table(value: object) -> bool:
    return isinstance(value, dict)


def _tables(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, dict) for item in value)


def _flag(value: object) -> bool:
    return isinstance(value, bool)


def _whole(low: int, high: int) -> Callable[[object], bool]:
    return lambda value: isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _number(accepts: Callable[[float], bool]) -> Callable[[object], bool]:
    def check(value: object) -> bool:
        number = finite(value)
        return number is not None and accepts(number)

    return check


NAMES_MUST = 'a list of names in quotes, like ["w1", "b"]'


@dataclass(frozen=True)
class Field:
    name: str
    accepts: Callable[[object], bool]
    # completes "'name' must be ..." ({kind}: the kind of the value given) when ``accepts`` refuses a value;
    # None when the loader words the message itself
    must: str | None
    default: Any = None  # None: absent unless given (a default that depends on the file is the loader's)
    required: bool = False
    needs_graph: bool = False  # refused in a derivation-only exercise, which has no [graph]
    is_table: bool = False  # a table of its own in the file ([inputs], [[questions]]), not a key = value line


def _table_field(name: str, needs_graph: bool = False) -> Field:
    return Field(name, _table, f"a table: write [{name}] on a line of its own", {}, False, needs_graph, True)


@dataclass(frozen=True)
class Table:
    """The fields one table of the file may have."""

    header: str  # "" for the top level, else how the file writes it: "[training]"
    fields: tuple[Field, ...]
    noun: str = "field"  # "unknown field 'x'" ("unknown tolerance 'x'" in [tolerance])

    # cached: the loader checks every key of every file against them (fields are fixed once a Table is made)
    @cached_property
    def names(self) -> tuple[str, ...]:
        return tuple(field.name for field in self.fields)

    @cached_property
    def _by_name(self) -> dict[str, Field]:
        return {field.name: field for field in self.fields}

    def field(self, name: str) -> Field:
        return self._by_name[name]

    def default(self, name: str) -> Any:
        return self.field(name).default

    def check(self, name: str, value: object, header: str | None = None) -> str | None:
        """Why ``name = value`` cannot be in this table (an unknown field, with the field it may be a typo of;
        a value of the wrong kind), or None. ``header`` names the table when it is not ``self.header``
        (an assignment's [[exercise]] takes [exam]'s fields)."""
        header = self.header if header is None else header
        where = f" in {header}" if header else ""
        if name not in self.names:
            return f"unknown {self.noun} '{name}'{where if self.noun == 'field' else ''}{suggestion(name, self.names)}"
        field = self.field(name)
        if field.must is None or field.accepts(value):
            return None
        must = field.must.format(kind=kind_of(value))
        return f"{self.noun} '{name}' must be {must}" if self.noun != "field" else f"'{name}'{where} must be {must}"


TOP_LEVEL = Table(
    "",
    (
        Field("title", _text, "text in quotes, not {kind}", "", required=True),
        Field("description", _text, "text in quotes, not {kind}", ""),
        Field("source", _text, "text in quotes, not {kind}", ""),
        Field("tags", _names, NAMES_MUST, []),
        Field("difficulty", _whole(1, 5), "a whole number from 1 (first steps) to 5 (exam-hard)", 2),
        Field("output", _text, "the name of a node, in quotes", needs_graph=True),  # default: the last node
        Field("params", _names, NAMES_MUST),  # default: every input
        Field("ask", _names, NAMES_MUST, list(DEFAULT_ASK), needs_graph=True),
        _table_field("inputs"),
        _table_field("graph"),
        _table_field("hints"),
        _table_field("tolerance"),
        Field(
            "carried_forward_credit",
            _number(lambda number: 0 <= number <= 1),
            "a number from 0 to 1 (the share of a step's credit for error carried forward)",
            1.0,
        ),
        _table_field("update", needs_graph=True),
        _table_field("batch", needs_graph=True),
        Field("questions", _tables, None, [], is_table=True),
        _table_field("training", needs_graph=True),
        _table_field("points"),
        _table_field("exam"),
    ),
)

TOLERANCE_MUST = "a number from 0 up to (not including) 1"
TOLERANCE_FIELDS = (
    Field("relative", _number(lambda number: 0 <= number < 1), TOLERANCE_MUST, Tolerance.relative),
    Field("absolute", _number(lambda number: 0 <= number < 1), TOLERANCE_MUST, Tolerance.absolute),
)
TOLERANCE = Table(
    "[tolerance]",
    (
        *TOLERANCE_FIELDS,
        *(Field(kind, _table, None, is_table=True) for kind in TOLERANCE_KINDS),
    ),
    noun="tolerance",
)
KIND_TOLERANCE = Table("[tolerance.KIND]", TOLERANCE_FIELDS, noun="tolerance")

UPDATE = Table(
    "[update]",
    (
        Field("learning_rate", _number(lambda number: number > 0), None, required=True),
        Field("params", _names, NAMES_MUST),  # default: the exercise's params
    ),
)

BATCH = Table(
    "[batch]",
    (
        Field("samples", _tables, None, required=True),
        Field("reduce", lambda value: value in ("sum", "mean"), '"sum" or "mean"', "sum"),
        Field(
            "output",
            lambda value: isinstance(value, str) and bool(NAME.match(value)),
            'a name in quotes, like "E"',
            "total",
        ),
    ),
)

QUESTION = Table(
    "[[questions]]",
    (
        Field(
            "id", lambda value: isinstance(value, str) and bool(NAME.match(value)), 'a name, like "sigmoid_slope"'
        ),  # default: q1, q2, ... in the file's order
        Field("prompt", _text, None, required=True),
        Field("answer", _text, None, required=True),
        Field("variables", _table, "a table of name = [low, high]", {}),
    ),
)

TRAINING = Table(
    "[training]",
    (
        Field("dataset", _filled_text, 'a shipped dataset (like "iris") or the path of a CSV file, in quotes'),
        Field("features", _filled_text, "the name of an input, in quotes"),
        Field("targets", _filled_text, "the name of an input, in quotes"),
        Field("accuracy", _filled_text, "the name of a node, in quotes"),
        Field("learning_rate", _number(lambda number: number > 0), "a positive number"),
        Field("steps", _whole(1, MAX_TRAINING_STEPS), f"a whole number from 1 to {MAX_TRAINING_STEPS:,}"),
    ),
)

EXAM = Table(
    "[exam]",
    (
        Field(
            "time_limit",
            _number(lambda minutes: 0 < minutes <= MAX_EXAM_MINUTES),
            f"a number of minutes, more than 0 and at most {MAX_EXAM_MINUTES:,} (a week)",
        ),
        Field("feedback", _flag, "true or false, without quotes"),
    ),
)

# Every table of an exercise file, by its name at the top level ("" is the top level itself).
TABLES = {"": TOP_LEVEL, "tolerance": TOLERANCE, "update": UPDATE, "batch": BATCH, "training": TRAINING, "exam": EXAM}
