"""The steps of a walk through an exercise, each with the prompt a learner reads."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..engine.formatting import format_value
from ..engine.graph import Solution
from ..engine.operations import describe_shape
from ..exercise.expression import to_text
from ..grading import Quantity, asked_quantities
from ..grading.explain import chain_rule

PHASES = {
    "value": "Forward pass",
    "local": "Backward pass",
    "grad": "Backward pass",
    "update": "Gradient-descent step",
    "after": "Forward pass after the update",
    "formula": "Derivation",
}


@dataclass(frozen=True)
class Step:
    quantity: Quantity
    phase: str
    prompt: str  # "the value of z = w1*x1 + b"
    shape: tuple  # the shape of the right answer
    node: str  # the graph node this step is about (highlighted in the graph view)
    variables: tuple[str, ...] = ()  # for a formula: the names it may use

    @property
    def shape_text(self) -> str:
        return describe_shape(self.shape)

    @property
    def answer_format(self) -> str:
        """How to type an answer of this shape."""
        if self.quantity.kind == "formula":
            return f"a formula in {', '.join(self.variables)}" if self.variables else "a formula"
        if len(self.shape) == 0:
            return "a number, like -0.12 or 14/5"
        if len(self.shape) == 1:
            return f"a vector of {self.shape[0]}, like [0.21, -0.24]"
        if len(self.shape) == 2:
            return f"a {self.shape[0]}x{self.shape[1]} matrix, as rows: [[1, 2], [3, 4]]"
        return describe_shape(self.shape)


def build_steps(solution: Solution) -> list[Step]:
    return [make_step(solution, quantity) for quantity in asked_quantities(solution)]


def make_step(solution: Solution, quantity: Quantity) -> Step:
    graph = solution.graph
    name = quantity.name
    node = graph.nodes.get(name)
    sample = ""
    if node is not None and node.sample:
        sample = f" (sample {node.sample})"
    elif name in solution.exercise.inputs and solution.exercise.inputs[name].sample:
        sample = f" (sample {solution.exercise.inputs[name].sample})"
    if quantity.kind == "formula":
        asked = next(item for item in solution.exercise.questions if item.id == name)
        return Step(quantity, PHASES["formula"], asked.prompt, (), "", tuple(sorted(asked.variables)))
    if quantity.kind in ("value", "after"):
        expected = solution.values[name] if quantity.kind == "value" else solution.after_values[name]
        lead = "the value of" if quantity.kind == "value" else "the new value of"
        prompt = f"{lead} {name} = {to_text(node.expression)}{sample}"
    elif quantity.kind == "local":
        local = solution.local_derivative(name, quantity.source)
        expected = local.value
        how = " (elementwise: one number per element)" if local.elementwise else ""
        prompt = f"the local derivative ∂{name}/∂{quantity.source}, where {name} = {to_text(node.expression)}{sample}{how}"
    elif quantity.kind == "grad":
        expected = solution.grads[name]
        prompt = chain_rule(solution, name).symbolic + sample
    else:
        expected = solution.updated[name]
        rate = format_value(solution.exercise.update.learning_rate)
        prompt = f"the new {name} = {name} − {rate}·d{solution.output}/d{name}"
    return Step(quantity, PHASES[quantity.kind], prompt, np.shape(expected), name)
