"""One entry of a vector or matrix wrong, the others right: which entry, and how that entry is computed."""

from __future__ import annotations

import numpy as np

from ...engine.formatting import format_number
from ...exercise.expression import Call, Name, to_text
from ..explain import gradient_label
from ..quantities import QuantityKind, learning_rate
from .answer import WrongAnswer
from .labels import Diagnosis
from .numbers import close_elements

MAX_TERMS = 6  # an entry's sum written out in full only up to this many terms


def wrong_entry(answer: WrongAnswer, value: np.ndarray) -> tuple[int, ...] | None:
    """The position of the one wrong entry of a vector or matrix answer whose other entries are right, or None."""
    if answer.expected.size < 2:
        return None
    wrong = ~close_elements(value, answer.expected, answer.tolerance, answer.base)
    if np.count_nonzero(wrong) != 1:
        return None
    return tuple(int(index) for index in np.argwhere(wrong)[0])


def one_entry(answer: WrongAnswer, value: np.ndarray) -> Diagnosis | None:
    """A pointer to the one wrong entry, with that entry's computation."""
    position = wrong_entry(answer, value)
    if position is None:
        return None
    return Diagnosis(
        "one_entry",
        f"{entry_name(position).capitalize()} of your {answer.label_text} is off; the others are right. "
        f"{entry_computation(answer, position)}",
    )


def entry_name(position: tuple[int, ...]) -> str:
    return (
        f"entry ({', '.join(str(index + 1) for index in position)})"
        if len(position) > 1
        else (f"entry {position[0] + 1}")
    )


def subscript(name: str, position: tuple[int, ...]) -> str:
    """``W[2, 1]``: an entry of a named array, 1-based as the exercise files write it."""
    return f"{name}[{', '.join(str(index + 1) for index in position)}]" if position else name


def entry_computation(answer: WrongAnswer, position: tuple[int, ...]) -> str:
    """How the entry at ``position`` is computed, in the exercise's names and numbers (never its value)."""
    quantity, solution, context = answer.quantity, answer.solution, answer.context
    name = quantity.name
    if quantity.kind == QuantityKind.GRAD:
        lead = len(context.lead)
        out_position, own_position = position[:lead], position[lead:]
        terms = []
        for consumer in context.consumers[name]:
            upstream = np.asarray(context.grads[consumer], dtype=np.float64)[out_position]
            jacobian = context.jacobian(consumer, name)
            rank = np.ndim(context.values[consumer])
            for index in np.ndindex(*np.shape(context.values[consumer])):
                local = float(jacobian[index + own_position]) if rank else float(jacobian[own_position])
                factor = float(upstream[index])
                if local != 0 and factor != 0:
                    # symbols only: with an upstream factor of ±1 the numbers would be the right value itself
                    terms.append(
                        f"{subscript(gradient_label(solution, consumer), out_position + index)}"
                        f" · ∂{subscript(consumer, index)}/∂{subscript(name, own_position)}"
                    )
        if not terms or len(terms) > MAX_TERMS:
            return f"Follow every path from {subscript(name, own_position)} to the output: recompute that entry."
        return f"It is {' + '.join(terms)}: recompute that entry."
    if quantity.kind == QuantityKind.LOCAL:
        node, source = quantity.edge
        shape = np.shape(context.values[node])
        node_position, source_position = position[: len(shape)], position[len(shape) :]
        expression = solution.graph.nodes[node].expression
        element = ""
        if node_position and isinstance(expression, Call) and expression.function == "stack":
            element = f" ({subscript(node, node_position)} = {to_text(expression.args[node_position[0]])})"
        return (
            f"It is ∂{subscript(node, node_position)}/∂{subscript(source, source_position)}{element}, taken at "
            "the forward pass's values: recompute that entry."
        )
    if quantity.kind == QuantityKind.UPDATE:
        gradient = gradient_label(solution, name)
        return (
            f"It is {subscript(name, position)} − η·{subscript(gradient, position)} with η = "
            f"{format_number(learning_rate(solution))}: recompute that entry."
        )
    stacked = solution.graph.nodes[name].expression if name in solution.graph.nodes else Name(name)
    if isinstance(stacked, Call) and stacked.function == "stack" and len(position) == 1:
        return f"It is {to_text(stacked.args[position[0]])}: recompute that entry."
    return "Recompute that entry."
