"""One wrong answer being diagnosed, and the candidate mistakes it is tested against."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from ...exercise.model import Tolerance
from ..comparison import compare
from ..quantities import Quantity, QuantityKind, expected_value
from .chain_rule import Mutation
from .context import Context
from .labels import LABEL, PRIORITY
from .numbers import significant_figures


class LearnerNumbers(Protocol):
    """The learner's own earlier answers, right or wrong (the checker's view of them)."""

    @property
    def values(self) -> Mapping[str, np.ndarray]: ...

    @property
    def grads(self) -> Mapping[str, np.ndarray]: ...


@dataclass
class Candidate:
    label: str
    array: np.ndarray
    explain: Callable[[], str]  # composed only for the candidate that matches
    mix: bool = False  # may match element by element, the other elements being right


class WrongAnswer:
    """What every candidate generator needs to know about the answer: the step, the right value (never stated
    in an explanation: only a reveal gives it), the tolerance, and the answer recomputed from the learner's own earlier answers."""

    def __init__(
        self,
        context: Context,
        quantity: Quantity,
        value: np.ndarray,
        tolerance: Tolerance,
        carried: Sequence[np.ndarray] = (),
        base: np.ndarray | None = None,
        figures: int | None = None,
        learner: LearnerNumbers | None = None,
    ):
        self.context = context
        self._figures: dict[bytes, int] = {}
        self.learner_values: Mapping[str, np.ndarray] = learner.values if learner is not None else {}
        self.learner_grads: Mapping[str, np.ndarray] = learner.grads if learner is not None else {}
        self.base = base
        self.figures = figures
        self.solution = context.solution
        self.quantity = quantity
        self.tolerance = tolerance
        self.expected = np.asarray(expected_value(self.solution, quantity), dtype=np.float64)
        self.value = self._as_answer(value)
        # the answer recomputed from the learner's own earlier answers, where that differs from the right one
        self.own_numbers = [
            own
            for own in (np.asarray(array, dtype=np.float64) for array in carried)
            if own.shape == self.expected.shape and not np.allclose(own, self.expected, rtol=1e-12, atol=0)
        ]
        self.label_text = quantity.label(self.solution.output)

    def _as_answer(self, value: np.ndarray) -> np.ndarray:
        """An elementwise local derivative may be typed as its (diagonal) Jacobian: read the diagonal."""
        if self.quantity.kind == QuantityKind.LOCAL:
            local = self.solution.local_derivative(*self.quantity.edge)
            if local.elementwise and value.size == local.jacobian.size and value.size != self.expected.size:
                square = value.reshape(self.expected.size, self.expected.size)
                if np.allclose(square - np.diag(np.diag(square)), 0):
                    return np.diag(square).reshape(self.expected.shape)
        return value

    def say(self, text: str) -> Callable[[], str]:
        return lambda: text

    def mutation_text(self, mutation: Mutation, direct: bool) -> Callable[[], str]:
        def explain() -> str:
            text = f"Your {self.label_text} is what you get when {mutation.detail}."
            if not direct:
                text += f" The slip is at {mutation.node} and is carried down the chain to {self.quantity.name}."
                if mutation.label == "missing_factor_2":
                    text += " Every gradient below that step comes out half size."
            return text

        return explain

    def grad_mutations(self, name: str) -> list[tuple[Mutation, bool]]:
        """Mutations that change d(output)/d(name), nearest first, then by label priority."""
        context = self.context
        found = []
        region = [name] + sorted(context.reach[name], key=context.names.index)
        for distance, node in enumerate(region):
            for mutation in context.mutations(node):
                if mutation.node not in context.reach[name] and mutation.node != name:
                    continue
                if not context.affects(mutation, name) or name in mutation.grads:
                    continue
                if self.contradicts_accepted(mutation):
                    continue
                direct = mutation.node in context.consumers[name] or any(
                    source == name for (_, source) in mutation.edges
                )
                if not direct and self.contradicts_given(mutation):
                    continue
                found.append((PRIORITY[mutation.label], 0 if direct else 1, distance, mutation, direct))
        found.sort(key=lambda item: item[:3])
        unique, keys = [], set()
        for *_, mutation, direct in found:
            key = id(mutation)
            if key not in keys:
                keys.add(key)
                unique.append((mutation, direct))
        return unique

    def contradicts_given(self, mutation: Mutation) -> bool:
        """Whether a slip upstream ("carried down the chain") would have changed a gradient the learner gave into
        something else than they gave: then it is not theirs (a doubled dE/dy1 is not a sum at y1)."""
        context = self.context
        for consumer in context.consumers.get(self.quantity.name, ()):
            own = self.learner_grads.get(consumer)
            if own is None or not context.affects(mutation, consumer):
                continue
            slipped = context.grad_with(consumer, mutation)
            if np.shape(own) != np.shape(slipped) or not compare(own, slipped, self.tolerance).matches:
                return True
        return False

    def contradicts_accepted(self, mutation: Mutation) -> bool:
        """Whether the mutation is a slip of a derivative rule that changes an upstream gradient the learner has
        already given right (the slip cannot be theirs there: their later step is not blamed on it). A slip of the
        chain rule (a value used for a gradient) is made at the step itself, whatever was answered before."""
        if not LABEL[mutation.label].rule:
            return False
        return any(self.context.affects(mutation, consumer) for consumer in self.consumers_given_right())

    def consumers_given_right(self) -> Iterator[str]:
        """The consumers of this step's node whose gradient the learner has already given right."""
        context = self.context
        for consumer in context.consumers.get(self.quantity.name, ()):
            own = self.learner_grads.get(consumer)
            right = context.grads[consumer]
            if own is not None and np.shape(own) == np.shape(right):
                if np.allclose(own, right, rtol=self.tolerance.relative, atol=0):
                    yield consumer

    def distance(self, node: str) -> int:
        names = self.context.names
        return names.index(node) if node in names else 0

    def figures_written(self, value: np.ndarray) -> int:
        if self.figures is not None:
            return self.figures
        key = value.tobytes()  # asked several times of the same answer: counted once
        if key not in self._figures:
            self._figures[key] = significant_figures(value)
        return self._figures[key]
