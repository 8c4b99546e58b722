"""How each right answer comes about, in the notation of the lecture notes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..engine.formatting import format_value
from ..engine.graph import Solution
from ..exercise.expression import Number, substitute, to_text


@dataclass(frozen=True)
class ChainRule:
    symbolic: str  # dL/dz = dL/dyhat · ∂yhat/∂z
    numeric: str  # = (-0.1146)(0.05404) = -0.006195, or "" when the factors are not numbers
    result: str


def gradient_label(solution: Solution, name: str) -> str:
    return f"d{solution.output}/d{name}"


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
    factors = [(solution.grads[consumer], solution.local_derivative(consumer, name).value) for consumer in consumers]
    numeric = ""
    if all(np.ndim(upstream) == 0 and np.ndim(local) == 0 for upstream, local in factors):
        numeric = " + ".join(f"({format_value(upstream)})({format_value(local)})" for upstream, local in factors)
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
        numbers = {parent: Number(float(values[parent]), format_value(values[parent])) for parent in used}
        numeric = "= " + to_text(substitute(expression, numbers))
    return ForwardRule(f"{name} = {to_text(expression)}", numeric, format_value(values[name]))
