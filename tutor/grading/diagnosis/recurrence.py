"""Backpropagation through time: the steps of a recurrence, for the slip of counting only the last one.

A recurrence repeats one expression at each step with the same weights (h2 = tanh(Wx@x2 + Wh@h1) after
h1 = tanh(Wx@x1 + Wh@h0)): a shared weight's gradient is the sum of every step's contribution, and the
classic slip keeps only the last step's. This finds the steps that share a name; the context turns them
into the mutation that drops every earlier step (kept apart from the generic fan-out slips of context.py).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from ...exercise.expression import Name, Node, names_in, substitute, to_text


def step_shape(expression: Node, shared: str) -> str:
    """The expression with every name but the shared one blanked out: equal at each step of a recurrence."""
    others = {found.id: Name("_") for found in names_in(expression) if found.id != shared}
    return to_text(substitute(expression, others))


def recurrence_steps(
    shared: str, consumers: list[str], expressions: Mapping[str, Node], reach: Mapping[str, set[str]]
) -> Iterator[list[str]]:
    """Each run of two or more nodes that use ``shared`` in the same expression, one after the other (each step
    reaching the next), in the graph's order: the steps of a recurrence sharing that weight."""
    groups: dict[str, list[str]] = {}
    for consumer in consumers:
        if consumer in expressions:
            groups.setdefault(step_shape(expressions[consumer], shared), []).append(consumer)
    for steps in groups.values():
        if len(steps) >= 2 and all(later in reach[earlier] for earlier, later in zip(steps, steps[1:])):
            yield steps


__all__ = ["recurrence_steps", "step_shape"]
