"""The steps of a walk through an exercise, each with the prompt a learner reads."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..engine.formatting import format_value
from ..engine.graph import Solution
from ..exercise.expression import to_text
from ..exercise.shapes import describe_shape
from ..grading import Quantity, QuantityKind, asked_quantities
from ..grading.explain import chain_rule, gradient_label
from ..grading.quantities import SPECS, expected_value, learning_rate, question


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
        if self.quantity.kind == QuantityKind.FORMULA:
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
        if quantity.kind == QuantityKind.LOCAL and quantity.source is not None:
            arrays.append(solution.local_derivative(quantity.name, quantity.source).value)
    # each number once: a 500x500 matrix of digits is ten numbers to keep examples away from, not 250,000
    # (a derivation-only exercise has no numbers at all). Sorted and deduplicated by hand: np.unique imports
    # numpy.ma: about 27 M instructions of `tutor run`'s launch (benchmarks/bench_tui.py).
    numbers = np.sort(
        np.concatenate([np.ravel(np.asarray(array, dtype=np.float64)) for array in arrays] or [np.zeros(0)])
    )
    return numbers[np.concatenate(([True], numbers[1:] != numbers[:-1]))] if numbers.size else numbers


def far_from(candidate: float, numbers: np.ndarray) -> bool:
    """Not any of ``numbers``, not even rounded: an example must never be an answer."""
    return bool((np.abs(numbers - candidate) > np.maximum(0.05 * np.abs(numbers), 0.02)).all())


def example_answer(shape: tuple, numbers: np.ndarray) -> str:
    """How an answer of ``shape`` is typed, with numbers that are none of the exercise's."""
    # Only as many example numbers as the answer has cells are looked for (one for a number): the search was half
    # of building a session's steps. More cells than example numbers repeat them; an exercise of so many numbers
    # that none is far from them all gets the examples as they are (they only show the format)
    found = (number for number in EXAMPLE_NUMBERS if far_from(number, numbers))
    usable = list(itertools.islice(found, math.prod(shape))) or EXAMPLE_NUMBERS
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
    if quantity.kind == QuantityKind.FORMULA:
        asked = question(solution, quantity)
        return Step(quantity, SPECS[QuantityKind.FORMULA].phase, asked.prompt, (), "", tuple(sorted(asked.variables)))
    prompt = PROMPTS[quantity.kind](solution, quantity, sample)
    shape = np.shape(expected_value(solution, quantity))
    if shape not in examples:
        examples[shape] = example_answer(shape, numbers)
    return Step(quantity, SPECS[quantity.kind].phase, prompt, shape, name, example=examples[shape])


def _defined(solution: Solution, name: str) -> str:
    """A node with its definition: "z = w1*x1 + b"."""
    return f"{name} = {to_text(solution.graph.nodes[name].expression)}"


def _local_prompt(solution: Solution, quantity: Quantity, sample: str) -> str:
    how = " (elementwise: one number per element)" if solution.local_derivative(*quantity.edge).elementwise else ""
    where = _defined(solution, quantity.name)
    return f"the local derivative {quantity.label(solution.output)}, where {where}{sample}{how}"


def _update_prompt(solution: Solution, quantity: Quantity, sample: str) -> str:
    name, rate = quantity.name, format_value(learning_rate(solution))
    return f"the new {name} = {name} − {rate}·{gradient_label(solution, name)}"


# What a step of each kind asks, given the sample it belongs to (" (sample 2)", or ""); a formula asks its question.
PROMPTS: dict[QuantityKind, Callable[[Solution, Quantity, str], str]] = {
    QuantityKind.VALUE: lambda solution, quantity, sample: f"the value of {_defined(solution, quantity.name)}{sample}",
    QuantityKind.AFTER: lambda solution, quantity, sample: (
        f"the new value of {_defined(solution, quantity.name)}{sample}"
    ),
    QuantityKind.LOCAL: _local_prompt,
    QuantityKind.GRAD: lambda solution, quantity, sample: chain_rule(solution, quantity.name).symbolic + sample,
    QuantityKind.UPDATE: _update_prompt,
}
