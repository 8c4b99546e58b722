"""What the current step needs: every number it is worked from, as the learner has them.

Inputs are shown as written in the exercise file (4/5 stays 4/5); a computed quantity is shown as
the learner answered it (their own, possibly rounded, number) or as it was revealed, and one they
have not found yet is named with its step, never with its value. Everything here is plain text, so
the same panel can be drawn by the TUI and checked by a test without a screen.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..engine.formatting import format_number, format_value
from ..engine.operations import EvaluationError
from ..exercise.expression import Call, to_text
from ..exercise.shapes import describe_shape
from ..exercise.shown import visible
from ..grading import Quantity, QuantityKind, read_answer
from ..grading.answer import UnreadableAnswer
from ..grading.quantities import learning_rate
from .convolution import convolutions, step_convolution_text
from .modes import EXAM
from .session import CORRECT, REVEALED

GIVEN, YOURS, REVEALED_BY_TUTOR, NOT_ASKED, NOT_FOUND = "given", "yours", "revealed", "not asked", "not found"
GAP = "   "  # between blocks side by side
DIGITS = 6  # a learner's number is shown as read, to this many significant figures
PANEL_ROWS = 9  # the most rows the TUI's given panel has (tutor.tcss, #given max-height)


@dataclass(frozen=True)
class Operand:
    """One number (or vector, or matrix) a step needs."""

    label: str  # "W2", "dL/dz3", "∂a3/∂z3", "new W2", "learning rate"
    origin: str  # GIVEN, YOURS, REVEALED_BY_TUTOR, NOT_ASKED or NOT_FOUND
    cells: list | str | None  # nested lists of element texts, one text, or None when not found yet
    step: int | None = None  # the 1-based step where the learner finds it

    @property
    def note(self) -> str:
        if self.origin == NOT_FOUND:
            return f"not found yet: step {self.step}"
        if self.origin == YOURS:
            return f"yours, step {self.step}"
        if self.origin == REVEALED_BY_TUTOR:
            return f"revealed, step {self.step}"
        return self.origin

    def lines(self) -> list[str]:
        """The operand as a block of text: a scalar on one line, a vector or matrix as a labelled grid."""
        heading = f"{self.label} ({self.note})"
        if self.cells is None:
            return [heading]
        if isinstance(self.cells, str):
            return [f"{self.label} = {self.cells} ({self.note})"]
        return [heading, *grid(self.cells)]


def grid(cells: list) -> list[str]:
    """A vector as one row under its element numbers; a matrix with row and column numbers."""
    rows = cells if cells and isinstance(cells[0], list) else None
    if rows is None:
        columns = [[str(number), text] for number, text in enumerate(cells, start=1)]
        widths = [max(map(len, column)) for column in columns]
        return ["  ".join(text.rjust(width) for text, width in zip(row, widths)).rstrip() for row in zip(*columns)]
    labels = [""] + [f"r{number}" for number in range(1, len(rows) + 1)]
    table = [[f"c{number}" for number in range(1, len(rows[0]) + 1)], *rows]
    widths = [max(len(row[column]) for row in table) for column in range(len(table[0]))]
    label_width = max(map(len, labels))
    return [
        label.ljust(label_width) + "  " + "  ".join(text.rjust(width) for text, width in zip(row, widths))
        for label, row in zip(labels, table)
    ]


def pack(blocks: list[list[str]], width: int) -> str:
    """Blocks side by side while they fit in ``width``, then on the next band."""
    bands: list[list[list[str]]] = [[]]
    used = 0
    for block in blocks:
        block_width = max(map(len, block))
        if bands[-1] and used + len(GAP) + block_width > width:
            bands.append([])
            used = 0
        used += (len(GAP) if bands[-1] else 0) + block_width
        bands[-1].append(block)
    lines = []
    for band in bands:
        height = max(map(len, band), default=0)
        for row in range(height):
            parts = [(block[row] if row < len(block) else "").ljust(max(map(len, block))) for block in band]
            lines.append(GAP.join(parts).rstrip())
    return "\n".join(lines)


def needed_operands(session) -> list[Operand]:
    """Every number the current step is worked from, in the order of its formula."""
    quantity = session.step.quantity
    solution = session.solution
    name = quantity.name
    graph = solution.graph
    if quantity.kind == QuantityKind.VALUE:
        return [_value(session, Quantity(QuantityKind.VALUE, parent)) for parent in graph.parents[name]]
    if quantity.kind == QuantityKind.AFTER:
        return [_value(session, _after_quantity(solution, parent)) for parent in graph.parents[name]]
    if quantity.kind == QuantityKind.LOCAL:
        operands = [_value(session, Quantity(QuantityKind.VALUE, parent)) for parent in graph.parents[name]]
        if _is_unary(graph, name):
            operands.append(_value(session, Quantity(QuantityKind.VALUE, name)))
        return operands
    if quantity.kind == QuantityKind.GRAD:
        operands = []
        for consumer in solution.chain_terms(name):
            operands.append(_value(session, Quantity(QuantityKind.GRAD, consumer)))
            local = Quantity(QuantityKind.LOCAL, consumer, name)
            if any(step.quantity == local for step in session.steps):
                operands.append(_value(session, local))
            else:  # not asked (dz/dW is not a matrix): the chain rule uses z's other operands, as in δ·xᵀ
                operands += [
                    _value(session, Quantity(QuantityKind.VALUE, parent))
                    for parent in graph.parents[consumer]
                    if parent != name and _local_depends_on(solution, consumer, name, parent)
                ]
                if _is_unary(graph, consumer):
                    operands.append(_value(session, Quantity(QuantityKind.VALUE, consumer)))
        return operands
    if quantity.kind == QuantityKind.UPDATE:
        rate = learning_rate(solution)
        return [
            _value(session, Quantity(QuantityKind.VALUE, name)),
            _value(session, Quantity(QuantityKind.GRAD, name)),
            Operand("learning rate", GIVEN, format_number(rate, DIGITS)),
        ]
    return []  # a derivation is worked from its formula, not from numbers


def given_text(session, width: int) -> str:
    """The operands of the current step as plain text, packed into ``width`` columns; under them, for a step
    through a convolution, which kernel entries touch which input entries."""
    operands = needed_operands(session)
    if not operands:
        return ""
    text = pack([operand.lines() for operand in operands], width)
    convolution = step_convolution_text(session, width)
    # the map only when the panel shows it whole with the numbers (else `tutor solve` has it): the numbers come first
    if convolution and text.count("\n") + convolution.count("\n") + 2 <= PANEL_ROWS:
        text += "\n" + convolution
    return visible(text)


def _is_unary(graph, name: str) -> bool:
    """sigmoid(z), tanh(z), exp(z): their derivatives are most easily worked from the node's own value."""
    expression = graph.nodes[name].expression
    return isinstance(expression, Call) and len(expression.args) == 1


def _local_depends_on(solution, node: str, source: str, parent: str) -> bool:
    """Whether ∂node/∂source changes with ``parent``: dZ/dW of Z = H @ W + b needs H, not b."""
    moved = dict(solution.values)
    moved[parent] = np.asarray(solution.values[parent]) * 1.5 + 0.7  # any other point will do
    try:
        jacobian = solution.graph.local_derivative(node, source, solution.graph.evaluate_node(node, moved)).jacobian
    except EvaluationError:  # undefined there (log of a negative): keep the operand, to be safe
        return True
    return not np.allclose(jacobian, solution.local_derivative(node, source).jacobian)


def _after_quantity(solution, name: str) -> Quantity:
    if name in solution.updated:
        return Quantity(QuantityKind.UPDATE, name)
    if name in solution.graph.nodes:
        return Quantity(QuantityKind.AFTER, name)
    return Quantity(QuantityKind.VALUE, name)  # an input the update leaves alone


def _value(session, quantity: Quantity) -> Operand:
    """One operand: as given, as the learner has it, or the step where they will find it."""
    solution = session.solution
    label = quantity.label(solution.output)
    if quantity.kind == QuantityKind.VALUE and quantity.name in solution.exercise.inputs:
        return Operand(label, GIVEN, _written(solution.exercise.inputs[quantity.name].value))
    if quantity.kind == QuantityKind.GRAD and quantity.name == solution.output:
        return Operand(label, GIVEN, "1")
    position = next((index for index, step in enumerate(session.steps) if step.quantity == quantity), None)
    if position is None:  # not asked in this exercise: part of what is given
        return Operand(label, NOT_ASKED, _cells(_true_value(solution, quantity)))
    state = session.states[position]
    if session.mode == EXAM:
        if not state.answer:
            return Operand(label, NOT_FOUND, None, position + 1)
        return Operand(label, YOURS, _typed(state.answer), position + 1)
    if state.status == REVEALED:
        return Operand(label, REVEALED_BY_TUTOR, _cells(_true_value(solution, quantity)), position + 1)
    if state.status == CORRECT:
        return Operand(label, YOURS, _typed(state.answer), position + 1)
    return Operand(label, NOT_FOUND, None, position + 1)


def _true_value(solution, quantity: Quantity) -> np.ndarray:
    from ..grading.quantities import expected_value

    return expected_value(solution, quantity)


def _typed(text: str) -> list | str:
    try:
        return _cells(read_answer(text).value)
    except UnreadableAnswer:  # saved answers were readable when typed; this is only a safeguard
        return text


def _cells(value) -> list | str:
    array = np.asarray(value, dtype=np.float64)
    if array.ndim == 0:
        return format_number(float(array), DIGITS)
    if array.ndim > 2:
        return format_value(array, DIGITS)
    return [_cells(item) for item in array]


def _written(value) -> list | str:
    """An input's elements as written in the file."""
    if isinstance(value, list):
        return [_written(item) for item in value]
    return to_text(value)


def node_details(session, name: str, width: int = 60) -> str:
    """What the learner knows about one node, for the inspector: never a step they have not done. For a
    convolution's output, input or kernel, then which entries meet which (structure only, no number)."""
    solution = session.solution
    graph = solution.graph
    node = graph.nodes.get(name)
    shape = describe_shape(np.shape(solution.values[name]))
    lines = [
        f"{name} = {to_text(node.expression)}" if node is not None else f"{name}: given in the exercise",
        f"shape: {shape}",
        "",
    ]
    operands = [_value(session, Quantity(QuantityKind.VALUE, name)), _value(session, Quantity(QuantityKind.GRAD, name))]
    if name in solution.updated:
        operands.append(_value(session, Quantity(QuantityKind.UPDATE, name)))
    elif solution.after_values and node is not None:
        operands.append(_value(session, Quantity(QuantityKind.AFTER, name)))
    for operand in operands:
        if operand.origin == NOT_ASKED and operand is not operands[0]:  # a gradient not asked may give one away
            operand = Operand(operand.label, NOT_ASKED, None)
        lines += [*operand.lines(), ""]
    for convolution in convolutions(solution) if np.ndim(solution.values[name]) == 2 else []:
        lines += [*convolution.views_of(name, width), ""]
    return visible("\n".join(lines).rstrip())
