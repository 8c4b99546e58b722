"""Where to look, for a wrong answer no diagnosis explains: the step's rule in symbols and, from the learner's own
earlier answers, which factor the answer does not agree with. Never the right value: when the learner's earlier
answers are right, their product *is* the right value, so a factor is named, never a product printed."""

from __future__ import annotations

import numpy as np

from ..engine.graph import Solution
from ..exercise.expression import to_text
from .comparison import compare
from .explain import gradient_label
from .hints.symbolic import is_sum, local_formula
from .quantities import Quantity, QuantityKind, learning_rate


def pointer(
    solution: Solution,
    quantity: Quantity,
    value: np.ndarray,
    own_grads: dict,
    own_locals: dict,
) -> str:
    """One or two sentences that say where to look; "" for a step with nothing to point at (a formula).

    ``own_grads`` and ``own_locals`` are the learner's own answers (gradients by name, full Jacobians by edge)."""
    kind, name = quantity.kind, quantity.name
    if kind == QuantityKind.GRAD:
        return _gradient_pointer(solution, name, np.asarray(value, dtype=np.float64), own_grads, own_locals)
    if kind in (QuantityKind.VALUE, QuantityKind.AFTER):
        expression = solution.graph.nodes[name].expression
        parents = solution.graph.parents[name]
        when = " with the updated parameters" if kind == QuantityKind.AFTER else ""
        return (
            f"Where to look: {name} = {to_text(expression)}{when}; recompute it from "
            f"{'your value' if len(parents) == 1 else 'your values'} of {', '.join(parents)}."
        )
    if kind == QuantityKind.LOCAL:
        node, source = quantity.edge
        formula = local_formula(solution, node, source, lambda item: item)
        rule = f" = {formula}" if formula and not _is_number(formula) else ""  # a constant rule is the answer
        return (
            f"Where to look: ∂{node}/∂{source}{rule}, from {node} = {to_text(solution.graph.nodes[node].expression)} "
            f"with every input but {source} held fixed."
        )
    if kind == QuantityKind.UPDATE:
        gradient = gradient_label(solution, name)
        return (
            f"Where to look: new {name} = {name} − η·{gradient} with η = {learning_rate(solution):g}; check the "
            f"step η·{gradient} and that it is subtracted."
        )
    return ""


def _gradient_pointer(solution: Solution, name: str, value: np.ndarray, own_grads: dict, own_locals: dict) -> str:
    label = gradient_label(solution, name)
    consumers = solution.chain_terms(name)
    if name == solution.output or not consumers:
        return ""

    def term(consumer: str) -> str:
        upstream, local = gradient_label(solution, consumer), f"∂{consumer}/∂{name}"
        formula = local_formula(solution, consumer, name, lambda item: item) if len(consumers) == 1 else None
        if formula is None:
            return f"{upstream} · {local}"
        return f"{upstream} · {local} = {upstream} · {f'({formula})' if is_sum(formula) else formula}"

    rule = f"{label} = " + " + ".join(term(consumer) for consumer in consumers)
    if len(consumers) > 1:
        return f"Where to look: {rule}, one term per path from {name} to the output; re-check each term."
    (consumer,) = consumers
    upstream, local = gradient_label(solution, consumer), f"∂{consumer}/∂{name}"
    yours_upstream = own_grads.get(consumer)
    yours_local = own_locals.get((consumer, name))
    scalar = value.ndim == 0 and np.ndim(solution.grads[consumer]) == 0
    if scalar and yours_upstream is not None and yours_local is not None:
        return f"Where to look: {rule}. Your answer is not your {upstream} times your {local}: redo the product."
    if scalar and yours_upstream is not None and float(yours_upstream) != 0:
        implied = value / float(yours_upstream)  # the local derivative the answer implies, from the learner's own
        true_local = np.asarray(solution.local_derivative(consumer, name).value, dtype=np.float64)
        if not compare(implied, true_local, solution.exercise.tolerance_for(QuantityKind.LOCAL)).matches:
            return f"Where to look: {rule}. Your answer is not your {upstream} times {local}: re-check {local}."
    if scalar and yours_local is not None:
        return f"Where to look: {rule}. Your answer is not {upstream} times your {local}: re-check {upstream}."
    return f"Where to look: {rule}; re-check {upstream} and {local}."


def _is_number(text: str) -> bool:
    try:
        float(text.replace("−", "-"))
    except ValueError:
        return False
    return True
