"""The quantities a learner can be asked for, and their names (``value.z``, ``grad.w1``, ``local.z.w1``)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from ..engine.graph import MAX_JACOBIAN_NUMBERS, Solution
from ..engine.operations import describe_shape
from ..exercise.errors import ExerciseFileError, Problem
from ..exercise.model import QuestionSpec
from .formula import reference_value


class QuantityKind(StrEnum):
    """What a step asks for. A StrEnum: a kind is its name in answers files, transcripts and [points]."""

    VALUE = "value"
    LOCAL = "local"
    GRAD = "grad"
    UPDATE = "update"
    AFTER = "after"
    FORMULA = "formula"


KINDS = tuple(QuantityKind)


@dataclass(frozen=True)
class Quantity:
    kind: QuantityKind
    name: str  # the node or input
    source: str | None = None  # for a local derivative ∂name/∂source

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", QuantityKind(self.kind))  # "grad" read from a file becomes GRAD

    def __str__(self) -> str:
        return f"{self.kind}.{self.name}" + (f".{self.source}" if self.source else "")

    @classmethod
    def parse(cls, text: str) -> Quantity:
        parts = text.split(".")
        if parts[0] == QuantityKind.LOCAL and len(parts) == 3:
            return cls(QuantityKind.LOCAL, parts[1], parts[2])
        if parts[0] in KINDS and parts[0] != QuantityKind.LOCAL and len(parts) == 2:
            return cls(QuantityKind(parts[0]), parts[1])
        raise ValueError(
            f"'{text}' is not a quantity: write value.NAME, grad.NAME, local.NODE.INPUT, "
            "update.NAME, after.NAME or formula.ID"
        )

    @property
    def edge(self) -> tuple[str, str]:
        """(node, input) of a local derivative ∂node/∂input."""
        if self.source is None:
            raise ValueError(f"{self} is not a local derivative")
        return self.name, self.source

    def label(self, output: str) -> str:
        """How the quantity reads in prose: "z", "dL/dz", "∂z/∂w1", "new w1", "z after the update"."""
        return SPECS[self.kind].label(self, output)


@dataclass(frozen=True)
class KindSpec:
    """Everything that differs between the kinds of quantity, in one place."""

    phase: str  # the part of the walk a step of this kind belongs to
    label: Callable[[Quantity, str], str]  # the quantity in prose, given the name of the output
    expected: Callable[[Solution, Quantity], np.ndarray]  # the right answer, from the solution
    exists: Callable[[Solution, Quantity], bool]  # whether the exercise has such a quantity (asked or not)


SPECS: dict[QuantityKind, KindSpec] = {
    QuantityKind.VALUE: KindSpec(
        "Forward pass",
        lambda quantity, output: quantity.name,
        lambda solution, quantity: solution.values[quantity.name],
        lambda solution, quantity: quantity.name in solution.graph.nodes,
    ),
    QuantityKind.LOCAL: KindSpec(
        "Backward pass",
        lambda quantity, output: f"∂{quantity.name}/∂{quantity.source}",
        lambda solution, quantity: solution.local_derivative(*quantity.edge).value,
        lambda solution, quantity: quantity.source in solution.graph.parents.get(quantity.name, []),
    ),
    QuantityKind.GRAD: KindSpec(
        "Backward pass",
        lambda quantity, output: f"d{output}/d{quantity.name}",
        lambda solution, quantity: solution.grads[quantity.name],
        lambda solution, quantity: quantity.name in solution.graph.names,
    ),
    QuantityKind.UPDATE: KindSpec(
        "Gradient-descent step",
        lambda quantity, output: f"new {quantity.name}",
        lambda solution, quantity: solution.updated[quantity.name],
        lambda solution, quantity: quantity.name in solution.updated,
    ),
    QuantityKind.AFTER: KindSpec(
        "Forward pass after the update",
        lambda quantity, output: f"{quantity.name} after the update",
        lambda solution, quantity: solution.after_values[quantity.name],
        lambda solution, quantity: bool(solution.after_values) and quantity.name in solution.graph.nodes,
    ),
    QuantityKind.FORMULA: KindSpec(
        "Derivation",
        lambda quantity, output: f"formula {quantity.name}",
        lambda solution, quantity: reference_value(question(solution, quantity), solution),
        lambda solution, quantity: find_question(solution, quantity.name) is not None,
    ),
}


def learning_rate(solution: Solution) -> float:
    """The learning rate of the exercise's update step (asked only of an exercise that has one)."""
    update = solution.exercise.update
    if update is None:
        raise ValueError("the exercise has no update step")
    return update.learning_rate


def exists(solution: Solution, quantity: Quantity) -> bool:
    """Whether this exercise has such a quantity at all (asked or not)."""
    return SPECS[quantity.kind].exists(solution, quantity)


def asked_quantities(solution: Solution) -> list[Quantity]:
    """What the exercise asks, in the order a learner works it.

    The forward pass in evaluation order; then the backward pass from the output: for each node,
    the local derivatives on the edges that leave it, then its gradient (the sum over those
    edges); then the update of each parameter and the forward pass with the new values; then the
    questions. ``ask`` chooses groups of steps ("values", ...) and single steps ("grad.w1"); the
    update steps are all asked unless ``ask`` names some of them.
    """
    exercise = solution.exercise
    groups = {item for item in exercise.ask if "." not in item}
    singles = [Quantity.parse(item) for item in exercise.ask if "." in item]
    if "local_derivatives" in groups:
        _check_local_derivatives(solution)
    quantities = _grouped_steps(solution, groups)
    if singles:
        _check_single_steps(solution, singles)
        chosen = set(quantities) | set(singles)
        quantities = [
            quantity for quantity in _backward_order(solution, set(exercise.params), True, True) if quantity in chosen
        ]
    if solution.updated:
        update_steps = [Quantity(QuantityKind.UPDATE, name) for name in solution.updated]
        update_steps += [Quantity(QuantityKind.AFTER, name) for name in solution.graph.nodes]
        named = [quantity for quantity in singles if quantity.kind in (QuantityKind.UPDATE, QuantityKind.AFTER)]
        quantities += [quantity for quantity in update_steps if not named or quantity in named]
    quantities += [Quantity(QuantityKind.FORMULA, question.id) for question in exercise.questions]
    return quantities


def _grouped_steps(solution: Solution, ask: set[str]) -> list[Quantity]:
    """The forward and backward steps of the groups in ``ask`` (values, local_derivatives, ...)."""
    if "gradients" in ask or "parameter_gradients" in ask:
        return _backward_order(
            solution, set(solution.exercise.params), "gradients" in ask, "local_derivatives" in ask, "values" in ask
        )
    quantities = [Quantity(QuantityKind.VALUE, name) for name in solution.graph.nodes] if "values" in ask else []
    if "local_derivatives" in ask:
        quantities += [
            Quantity(QuantityKind.LOCAL, node, source)
            for source, node in solution.edges
            if solution.local_derivative(node, source).ndim <= 2
        ]
    return quantities


def _backward_order(
    solution: Solution, params: set[str], all_gradients: bool, local_derivatives: bool, values: bool = True
) -> list[Quantity]:
    """Values, then the backward pass: each node's local derivatives on the edges that leave it and
    its gradient, down to the inputs (every input, or only the parameters)."""
    graph = solution.graph
    quantities = [Quantity(QuantityKind.VALUE, name) for name in graph.nodes] if values else []
    wanted_inputs = [name for name in graph.inputs if all_gradients or _base(solution, name) in params]
    backward_order = [name for name in reversed(graph.nodes) if name != solution.output]
    backward_order += list(reversed(wanted_inputs))
    for name in backward_order:
        if local_derivatives:
            for consumer in graph.consumers[name]:
                if solution.local_derivative(consumer, name).ndim <= 2:
                    quantities.append(Quantity(QuantityKind.LOCAL, consumer, name))
        quantities.append(Quantity(QuantityKind.GRAD, name))
    return quantities


def find_question(solution: Solution, question_id: str) -> QuestionSpec | None:
    """The exercise's question with this id, or None."""
    return next((item for item in solution.exercise.questions if item.id == question_id), None)


def question(solution: Solution, quantity: Quantity) -> QuestionSpec:
    """The question a formula step asks."""
    found = find_question(solution, quantity.name)
    if found is None:
        raise KeyError(f"the exercise has no question '{quantity.name}'")
    return found


def expected_value(solution: Solution, quantity: Quantity) -> np.ndarray:
    """The right answer to a step, from the solution."""
    return SPECS[quantity.kind].expected(solution, quantity)


def _check_local_derivatives(solution: Solution) -> None:
    """A local derivative that is infinite (sqrt at 0) could never be answered, nor one too big to work
    with (a softmax's of 15,000 elements has 225 million numbers): refuse the exercise."""
    exercise = solution.exercise
    for source, node in solution.edges:
        local = solution.local_derivative(node, source)
        if local.ndim > 2:
            continue  # never asked, so never built (∂(W@v)/∂W of a 500x500 W is 1 GB)
        size = math.prod(local.shape)
        if size > MAX_JACOBIAN_NUMBERS:
            message = (
                f"the local derivative ∂{node}/∂{source} is {describe_shape(local.shape)}: {size:,} numbers, more "
                f"than the {MAX_JACOBIAN_NUMBERS:,} an exercise may have; leave it out of 'ask' (ask = "
                '["values", "gradients"]) or use fewer elements'
            )
        elif not np.all(np.isfinite(local.value)):
            message = f"the local derivative ∂{node}/∂{source} is infinite at these numbers (sqrt at 0?): choose other numbers"
        else:
            continue
        raise ExerciseFileError([Problem(exercise.path, exercise.line_of(node), message)])


def _check_single_steps(solution: Solution, steps: list[Quantity]) -> None:
    """A single step named in ``ask`` must exist and be typeable (a Jacobian of more than two axes is not)."""
    exercise = solution.exercise
    for quantity in steps:
        if not exists(solution, quantity):
            raise ExerciseFileError(
                [Problem(exercise.path, None, f"'ask' names the step '{quantity}', which this exercise does not have")]
            )
        if quantity.kind == QuantityKind.LOCAL and solution.local_derivative(*quantity.edge).ndim > 2:
            raise ExerciseFileError(
                [
                    Problem(
                        exercise.path,
                        exercise.line_of(quantity.name),
                        f"'ask' names the step '{quantity}', a Jacobian of more than two axes: "
                        "it cannot be typed as a vector or matrix",
                    )
                ]
            )


def _base(solution: Solution, name: str) -> str:
    spec = solution.exercise.inputs.get(name)
    return spec.base if spec is not None else name
