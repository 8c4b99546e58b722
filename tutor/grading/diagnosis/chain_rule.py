"""The chain rule as a diagnosis runs it: which nodes lie downstream of which, and the gradient of any node with a
slip (a :class:`Mutation`) in place of the true local derivatives or gradients, and the update made with it."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ...engine.derivatives import chain_product
from ...engine.graph import LocalValue, Solution, Values
from ...engine.operations import EvaluationError
from ...exercise.errors import ExerciseFileError
from ..quantities import learning_rate

DROP = None  # an edge left out of the sum over paths


@dataclass
class Mutation:
    """One slip at one place: new Jacobians for some edges, or a replaced gradient at some nodes."""

    label: str
    node: str  # where the slip happens
    detail: str  # reads after "when ...": "the factor 2 from the square in L = (y - a3)^2 is missing"
    edges: dict = field(default_factory=dict)  # (node, source) -> Jacobian, or DROP
    locals: dict[tuple[str, str], LocalValue] = field(default_factory=dict)  # for local-derivative steps
    grads: dict = field(default_factory=dict)  # node -> replaced gradient


class ChainRule:
    """A solution's gradients, edge by edge, computed again only where a mutation changes them
    (:class:`.context.Context` adds where the slips are)."""

    def __init__(self, solution: Solution):
        self.solution = solution
        graph = solution.graph
        self.graph = graph
        self.values = solution.values
        self.grads = solution.grads
        self.output = solution.output
        self.lead = np.shape(solution.values[solution.output])
        self.names = graph.names
        self.consumers = {name: solution.chain_terms(name) for name in graph.names}
        self.reach: dict[str, set[str]] = {}
        for name in reversed(graph.names):
            downstream: set[str] = set()
            for consumer in self.consumers[name]:
                downstream.add(consumer)
                downstream |= self.reach[consumer]
            self.reach[name] = downstream
        self._jacobians: dict = {}
        self._contributions: dict = {}
        self._after: dict[int, dict | None] = {}

    # -- the exact chain rule, edge by edge ---------------------------------------------------
    def jacobian(self, node: str, source: str) -> np.ndarray:
        key = (node, source)
        if key not in self._jacobians:
            self._jacobians[key] = self.solution.local_derivative(node, source).jacobian
        return self._jacobians[key]

    def contribution(self, node: str, source: str) -> np.ndarray:
        """d(output)/d(node) · ∂node/∂source: one path's share of the source's gradient."""
        key = (node, source)
        if key not in self._contributions:
            self._contributions[key] = chain_product(
                self.grads[node], self.jacobian(node, source), np.ndim(self.values[node])
            )
        return self._contributions[key]

    def grad_with(self, name: str, mutation: Mutation) -> np.ndarray:
        """d(output)/d(name) with the mutation's edges and gradients in place of the true ones."""
        edges, replaced = mutation.edges, mutation.grads
        targets = {source for (_, source) in edges} | set(replaced)
        reach = self.reach
        memo: dict[str, np.ndarray] = {}

        def touched(node: str) -> bool:
            return node in targets or not targets.isdisjoint(reach[node])

        def grad(node: str) -> np.ndarray:
            if node in replaced:
                return replaced[node]
            if node in memo:
                return memo[node]
            if not touched(node):
                return self.grads[node]
            total = np.zeros(self.lead + np.shape(self.values[node]))
            for consumer in self.consumers[node]:
                key = (consumer, node)
                rank = np.ndim(self.values[consumer])
                if key in edges:
                    if edges[key] is DROP:
                        continue
                    total = total + chain_product(grad(consumer), edges[key], rank)
                elif touched(consumer):
                    total = total + chain_product(grad(consumer), self.jacobian(consumer, node), rank)
                else:
                    total = total + self.contribution(consumer, node)
            memo[node] = total
            return total

        return grad(name)

    def affects(self, mutation: Mutation, name: str) -> bool:
        """Whether the mutation changes the gradient of ``name``."""
        targets = {source for (_, source) in mutation.edges} | set(mutation.grads)
        return name in targets or not targets.isdisjoint(self.reach[name])

    def after_with(self, mutation: Mutation) -> dict | None:
        """The forward pass after an update made with the mutation's gradients (cached)."""
        key = id(mutation)
        if key not in self._after:
            solution, graph = self.solution, self.graph
            rate = learning_rate(solution)
            values = dict(graph.inputs)
            for param in solution.updated:
                grad = self.grad_with(param, mutation) if self.affects(mutation, param) else self.grads[param]
                values[param] = self.values[param] - rate * grad
            after: Values | None
            try:
                after, _ = graph.forward(values)
            except (EvaluationError, ExerciseFileError):
                after = None
            self._after[key] = after
        return self._after[key]
