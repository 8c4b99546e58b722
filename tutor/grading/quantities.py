"""The quantities a learner can be asked for, and their names (``value.z``, ``grad.w1``, ``local.z.w1``)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..engine.graph import MAX_JACOBIAN_NUMBERS, Solution
from ..engine.operations import describe_shape
from ..exercise.errors import ExerciseFileError, Problem
from .formula import reference_value

KINDS = ("value", "local", "grad", "update", "after", "formula")


@dataclass(frozen=True)
class Quantity:
    kind: str  # one of KINDS
    name: str  # the node or input
    source: str | None = None  # for a local derivative ∂name/∂source

    def __str__(self) -> str:
        return f"{self.kind}.{self.name}" + (f".{self.source}" if self.source else "")

    @classmethod
    def parse(cls, text: str) -> Quantity:
        parts = text.split(".")
        if parts[0] == "local" and len(parts) == 3:
            return cls("local", parts[1], parts[2])
        if parts[0] in KINDS and parts[0] != "local" and len(parts) == 2:
            return cls(parts[0], parts[1])
        raise ValueError(
            f"'{text}' is not a quantity: write value.NAME, grad.NAME, local.NODE.INPUT, "
            "update.NAME, after.NAME or formula.ID"
        )

    def label(self, output: str) -> str:
        """How the quantity reads in prose: "z", "dL/dz", "∂z/∂w1", "new w1", "z after the update"."""
        if self.kind == "value":
            return self.name
        if self.kind == "grad":
            return f"d{output}/d{self.name}"
        if self.kind == "local":
            return f"∂{self.name}/∂{self.source}"
        if self.kind == "update":
            return f"new {self.name}"
        if self.kind == "formula":
            return f"formula {self.name}"
        return f"{self.name} after the update"


def exists(solution: Solution, quantity: Quantity) -> bool:
    """Whether this exercise has such a quantity at all (asked or not)."""
    graph = solution.graph
    if quantity.kind == "value":
        return quantity.name in graph.nodes
    if quantity.kind == "grad":
        return quantity.name in graph.names
    if quantity.kind == "local":
        return quantity.source in graph.parents.get(quantity.name, [])
    if quantity.kind == "update":
        return quantity.name in solution.updated
    if quantity.kind == "formula":
        return any(question.id == quantity.name for question in solution.exercise.questions)
    return bool(solution.after_values) and quantity.name in graph.nodes


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
        update_steps = [Quantity("update", name) for name in solution.updated]
        update_steps += [Quantity("after", name) for name in solution.graph.nodes]
        named = [quantity for quantity in singles if quantity.kind in ("update", "after")]
        quantities += [quantity for quantity in update_steps if not named or quantity in named]
    quantities += [Quantity("formula", question.id) for question in exercise.questions]
    return quantities


def _grouped_steps(solution: Solution, ask: set[str]) -> list[Quantity]:
    """The forward and backward steps of the groups in ``ask`` (values, local_derivatives, ...)."""
    if "gradients" in ask or "parameter_gradients" in ask:
        return _backward_order(
            solution, set(solution.exercise.params), "gradients" in ask, "local_derivatives" in ask, "values" in ask
        )
    quantities = [Quantity("value", name) for name in solution.graph.nodes] if "values" in ask else []
    if "local_derivatives" in ask:
        quantities += [
            Quantity("local", node, source)
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
    quantities = [Quantity("value", name) for name in graph.nodes] if values else []
    wanted_inputs = [name for name in graph.inputs if all_gradients or _base(solution, name) in params]
    backward_order = [name for name in reversed(graph.nodes) if name != solution.output]
    backward_order += list(reversed(wanted_inputs))
    for name in backward_order:
        if local_derivatives:
            for consumer in graph.consumers[name]:
                if solution.local_derivative(consumer, name).ndim <= 2:
                    quantities.append(Quantity("local", consumer, name))
        quantities.append(Quantity("grad", name))
    return quantities


def question(solution: Solution, quantity: Quantity):
    return next(item for item in solution.exercise.questions if item.id == quantity.name)


def expected_value(solution: Solution, quantity: Quantity) -> np.ndarray:
    """The right answer to a step, from the solution."""
    if quantity.kind == "value":
        return solution.values[quantity.name]
    if quantity.kind == "grad":
        return solution.grads[quantity.name]
    if quantity.kind == "local":
        return solution.local_derivative(quantity.name, quantity.source or "").value  # a local step names its input
    if quantity.kind == "update":
        return solution.updated[quantity.name]
    if quantity.kind == "formula":
        return reference_value(question(solution, quantity), solution)
    return solution.after_values[quantity.name]


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
        if quantity.kind == "local" and solution.local_derivative(quantity.name, quantity.source or "").ndim > 2:
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
