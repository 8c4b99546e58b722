"""The steps of a walk through an exercise, each with the prompt a learner reads."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..engine.formatting import format_value
from ..engine.graph import Solution
from ..exercise.shapes import describe_shape
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
    example: str = ""  # an answer of the right shape whose numbers are none of the exercise's

    @property
    def shape_text(self) -> str:
        return describe_shape(self.shape)

    @property
    def answer_format(self) -> str:
        """How to type an answer of this shape."""
        if self.quantity.kind == "formula":
            return f"a formula in {', '.join(self.variables)}" if self.variables else "a formula"
        if len(self.shape) == 0:
            return f"a number, like {self.example}"
        if len(self.shape) == 1:
            return f"a vector of {self.shape[0]}, like {self.example}"
        if len(self.shape) == 2:
            return f"a {self.shape[0]}x{self.shape[1]} matrix, as rows: {self.example}"
        return describe_shape(self.shape)


# Example numbers: one decimal, spread over -4.8..4.8 in a jumbled order (37 steps round 97), no integers.
EXAMPLE_NUMBERS = [number for number in (((k * 37) % 97 - 48) / 10 for k in range(1, 97)) if number != int(number)]
EXAMPLE_FRACTIONS = [(7, 3), (5, 7), (11, 6), (13, 9), (9, 7), (17, 6), (19, 7)]


def exercise_numbers(solution: Solution, asked: list[Quantity]) -> np.ndarray:
    """Every number of the exercise and its solution: inputs, values, gradients, updates, and the local
    derivatives asked (one not asked can be a Jacobian of millions of numbers, and is no answer)."""
    arrays = [
        *solution.values.values(),
        *solution.grads.values(),
        *solution.updated.values(),
        *solution.after_values.values(),
    ]
    for quantity in asked:
        if quantity.kind == "local" and quantity.source is not None:
            arrays.append(solution.local_derivative(quantity.name, quantity.source).value)
    # each number once: a 500x500 matrix of digits is ten numbers to keep examples away from, not 250,000
    # (a derivation-only exercise has no numbers at all)
    return np.unique(
        np.concatenate([np.ravel(np.asarray(array, dtype=np.float64)) for array in arrays] or [np.zeros(0)])
    )


def far_from(candidate: float, numbers: np.ndarray) -> bool:
    """Not any of ``numbers``, not even rounded: an example must never be an answer."""
    return bool(np.all(np.abs(numbers - candidate) > np.maximum(0.05 * np.abs(numbers), 0.02)))


def example_answer(shape: tuple, numbers: np.ndarray) -> str:
    """How an answer of ``shape`` is typed, with numbers that are none of the exercise's."""
    # More cells than example numbers repeat them; an exercise of so many numbers that none is far from
    # them all gets the examples as they are (they only show the format)
    usable = [number for number in EXAMPLE_NUMBERS if far_from(number, numbers)] or EXAMPLE_NUMBERS
    if len(shape) == 0:
        fraction = next((f"{top}/{bottom}" for top, bottom in EXAMPLE_FRACTIONS if far_from(top / bottom, numbers)), "")
        return f"{usable[0]} or {fraction}" if fraction else f"{usable[0]}"
    return format_value(np.resize(np.array(usable), shape))


def build_steps(solution: Solution) -> list[Step]:
    asked = asked_quantities(solution)
    numbers = exercise_numbers(solution, asked)
    examples: dict[tuple, str] = {}  # one per shape: looking through every number of a big exercise takes a while
    return [make_step(solution, quantity, numbers, examples) for quantity in asked]


def make_step(solution: Solution, quantity: Quantity, numbers: np.ndarray, examples: dict[tuple, str]) -> Step:
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
        prompt = f"{lead} {name} = {solution.describe(name)}{sample}"
    elif quantity.kind == "local":
        source = quantity.source or ""  # a local step always names its input
        local = solution.local_derivative(name, source)
        expected = local.value
        how = " (elementwise: one number per element)" if local.elementwise else ""
        prompt = f"the local derivative ∂{name}/∂{source}, where {name} = {solution.describe(name)}{sample}{how}"
    elif quantity.kind == "grad":
        expected = solution.grads[name]
        prompt = chain_rule(solution, name).symbolic + sample
    else:
        expected = solution.updated[name]
        update = solution.exercise.update
        assert update is not None, "an update step comes only from [update]"
        rate = format_value(update.learning_rate)
        prompt = f"the new {name} = {name} − {rate}·d{solution.output}/d{name}"
    shape = np.shape(expected)
    if shape not in examples:
        examples[shape] = example_answer(shape, numbers)
    return Step(quantity, PHASES[quantity.kind], prompt, shape, name, example=examples[shape])
