"""Words, shapes and the author's own hints, for the first rungs of every ladder."""

from __future__ import annotations

import re

import numpy as np

from ...engine.formatting import format_value
from ...engine.graph import Solution
from ...exercise.expression import Call, Index, Node, names_in
from ...exercise.operations import OPERATION_TABLE
from ...exercise.shapes import describe_shape
from ..quantities import Quantity, QuantityKind, asked_quantities

# -- the author's hints ----------------------------------------------------------------------------


def _base(solution: Solution, name: str) -> str:
    exercise = solution.exercise
    spec = exercise.inputs.get(name)
    if spec is not None and spec.base:
        return spec.base
    for node in exercise.nodes:
        if node.name == name and node.base:
            return node.base
    return name.split("#", 1)[0]


def author_hints(solution: Solution, quantity: Quantity) -> list[str]:
    """The author's [hints] for a name, whole and in the file's order, on one step of that name only.

    A node's hints go on its value step, or on its gradient step when they speak of derivatives (a
    hint about ∂L/∂p would give the backward pass away in the forward pass); the output's, whose
    gradient is 1 and never a step, on its first local derivative asked instead; an input's, which has
    no value step, on its gradient step; a question's on the question. Never on another name's step
    (∂L/∂p is a step of L), nor on an update or the forward pass after it.
    """
    hints = list(solution.exercise.hints.get(_base(solution, quantity.name), ()))
    if quantity.kind == QuantityKind.FORMULA:
        return hints
    on_gradient_step = quantity.name not in solution.graph.nodes or any(_about_derivatives(hint) for hint in hints)
    if quantity.kind == QuantityKind.LOCAL:
        if not (hints and on_gradient_step and quantity.name == solution.output):
            return []
        locals_asked = (asked for asked in asked_quantities(solution) if asked.kind == QuantityKind.LOCAL)
        return hints if next(asked for asked in locals_asked if asked.name == quantity.name) == quantity else []
    if quantity.kind not in (QuantityKind.VALUE, QuantityKind.GRAD):
        return []
    return hints if (quantity.kind == QuantityKind.GRAD) == on_gradient_step else []


def _about_derivatives(text: str) -> bool:
    return any(mark in text for mark in ("∂", "δ", "gradient", "derivative", "′")) or bool(
        re.search(r"\bd\w+/d\w+|\w'\(", text)
    )  # dL/dz, σ'(z)


# -- words and shapes --------------------------------------------------------------------------------


def shape_note(solution: Solution, names, values=None) -> str:
    """ "W2 is a 2x3 matrix, x is a vector of 3", or "" when everything is a number."""
    values = solution.values if values is None else values
    shaped = [
        f"{name} is {describe_shape(np.shape(values[name]))}"
        for name in names
        if name in values and np.ndim(values[name])
    ]
    return ("Shapes: " + "; ".join(shaped) + ".") if shaped else ""


def operation_words(expression: Node) -> str:
    if isinstance(expression, Call):
        return OPERATION_TABLE[expression.function].words
    if isinstance(expression, Index):
        return "picking one element"
    return "a copy"


def rules_on_the_way(expression: Node, source: str) -> list[str]:
    """The derivative rules of the operations between the node's root and ``source``."""
    rules: list[str] = []

    def visit(node: Node) -> None:
        if isinstance(node, Call):
            if any(name.id == source for name in names_in(node)):
                rules.append(OPERATION_TABLE[node.function].rule)
                for argument in node.args:
                    visit(argument)
        elif isinstance(node, Index):
            if any(name.id == source for name in names_in(node)):
                rules.append("∂z[i]/∂z: 1 for the chosen element, 0 for the others")
                visit(node.target)

    visit(expression)
    return list(dict.fromkeys(rules))


def number_text(value) -> str:
    """A value for a formula: negative numbers in brackets."""
    text = format_value(value)
    return f"({text})" if text.startswith("-") else text
