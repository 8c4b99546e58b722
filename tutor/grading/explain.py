"""How each right answer comes about, in the notation of the lecture notes."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..engine.formatting import format_value
from ..engine.graph import Solution
from ..engine.operations import OPERATIONS
from ..exercise.expression import Node, Number, calls_in, substitute, to_text
from .comparison import change_base
from .quantities import Quantity, QuantityKind, expected_value, learning_rate, question


@dataclass(frozen=True)
class ChainRule:
    symbolic: str  # dL/dz = dL/dyhat · ∂yhat/∂z
    numeric: str  # = (-0.1146)(0.05404) = -0.006195, or "" when the factors are not numbers
    result: str


def gradient_label(solution: Solution, name: str) -> str:
    """d(output)/d(name), as people read it."""
    return Quantity(QuantityKind.GRAD, name).label(solution.output)


def chain_rule(solution: Solution, name: str) -> ChainRule:
    """The gradient of ``name`` as the sum, over the edges leaving it, of upstream × local."""
    label = gradient_label(solution, name)
    result = format_value(solution.grads[name])
    if name == solution.output:
        return ChainRule(f"{label} = 1", "", result)
    consumers = solution.chain_terms(name)
    if not consumers:
        return ChainRule(f"{label} = 0 (the output does not depend on {name})", "", result)
    symbolic = " + ".join(f"{gradient_label(solution, consumer)} · ∂{consumer}/∂{name}" for consumer in consumers)
    factors = [(solution.grads[consumer], solution.local_derivative(consumer, name)) for consumer in consumers]
    numeric = ""
    # numbers only: a Jacobian is neither written out here nor built (a softmax's has n² elements)
    if all(np.ndim(upstream) == 0 and local.ndim == 0 for upstream, local in factors):
        numeric = " + ".join(f"({format_value(upstream)})({format_value(local.value)})" for upstream, local in factors)
    return ChainRule(f"{label} = {symbolic}", numeric, result)


@dataclass(frozen=True)
class ForwardRule:
    symbolic: str  # z = w1*x1 + b
    numeric: str  # = 0.8*1 + 0.6, or "" when an input is not a number
    result: str


def forward_rule(solution: Solution, name: str, values: dict | None = None) -> ForwardRule:
    """A node's formula, then the same formula with this exercise's numbers in it."""
    values = solution.values if values is None else values
    expression = solution.graph.nodes[name].expression
    used = solution.graph.parents[name]
    numeric = ""
    if all(np.ndim(values[parent]) == 0 for parent in used):
        numbers: dict[str, Node] = {
            parent: Number(float(values[parent]), format_value(values[parent])) for parent in used
        }
        numeric = "= " + to_text(substitute(expression, numbers))
    # the exercise's own value as shown everywhere (with the figures a small change of a number before it needs)
    result = right_value_text(solution, Quantity(QuantityKind.VALUE, name)) if values is solution.values else None
    return ForwardRule(f"{name} = {to_text(expression)}", numeric, result or format_value(values[name]))


def format_changed(new, old, digits: int = 4) -> str:
    """A new value with enough figures that its change from ``old`` shows ``digits`` of its own, element by
    element: an update is judged on its change, so w1 = 0.15 becomes 0.1497807 (a change of -0.0002193),
    not 0.1498."""
    new = np.asarray(new, dtype=np.float64)
    old = np.broadcast_to(np.asarray(old, dtype=np.float64), new.shape)
    if new.ndim:
        return "[" + ", ".join(format_changed(item, before, digits) for item, before in zip(new, old)) + "]"
    change = abs(float(new) - float(old))
    extra = math.ceil(math.log10(abs(float(new)) / change)) if 0 < change < abs(float(new)) else 0
    return format_value(new, digits + min(extra, 12))


def right_value_text(solution: Solution, quantity: Quantity, expected=None) -> str:
    """A step's right value as shown to people: an update, a value after it and a node that adds a little to a
    number before it with enough figures for their change (they are judged on it), so that typing the value shown
    is always right."""
    if expected is None:
        expected = expected_value(solution, quantity)
    if quantity.kind == QuantityKind.UPDATE:
        return format_changed(expected, solution.graph.inputs[quantity.name])
    if quantity.kind == QuantityKind.AFTER:
        return format_changed(expected, solution.values[quantity.name])
    base = change_base(solution, quantity)  # a node that adds a little to a number before it
    return format_value(expected) if base is None else format_changed(expected, base)


def worked_answer(solution: Solution, quantity) -> str:
    """The right answer to one step and how it comes about, for "reveal" and for reports."""
    name = quantity.name
    if quantity.kind == QuantityKind.VALUE:
        rule = forward_rule(solution, name)
        return f"{rule.symbolic} {rule.numeric} = {rule.result}".replace("  ", " ")
    if quantity.kind == QuantityKind.AFTER:
        updated = {**solution.graph.inputs, **solution.updated, **solution.after_values}
        rule = forward_rule(solution, name, updated)
        result = format_changed(solution.after_values[name], solution.values[name])
        return f"{rule.symbolic} {rule.numeric} = {result} (with the updated parameters)".replace("  ", " ")
    if quantity.kind == QuantityKind.GRAD:
        chain = chain_rule(solution, name)
        numbers = f" = {chain.numeric}" if chain.numeric else ""
        return f"{chain.symbolic}{numbers} = {chain.result}"
    if quantity.kind == QuantityKind.FORMULA:
        asked = question(solution, quantity)
        return f"{asked.prompt} Answer: {to_text(asked.answer)}"
    if quantity.kind == QuantityKind.LOCAL:
        local = solution.local_derivative(name, quantity.source)
        expression = solution.graph.nodes[name].expression
        rules = [OPERATIONS[call.function].rule for call in calls_in(expression) if call.function in OPERATIONS]
        how = f" (using {'; '.join(dict.fromkeys(rules))})" if rules else ""
        kind = "elementwise " if local.elementwise else ""
        return f"∂{name}/∂{quantity.source} = {kind}{format_value(local.value)}{how}"
    rate = learning_rate(solution)
    return (
        f"new {name} = {name} − {format_value(rate)}·{gradient_label(solution, name)} = {format_value(solution.values[name])}"
        f" − {format_value(rate)}·({format_value(solution.grads[name])}) = "
        f"{format_changed(solution.updated[name], solution.values[name])}"
    )
