"""What the graph looks like to a diagnosis, computed once per solution: where the squares and activations
are, and every slip (a :class:`Mutation`) at every node with the gradients it leads to (which nodes lie downstream of
which, and the chain rule run with a slip, are :class:`.chain_rule.ChainRule`'s)."""

from __future__ import annotations

import weakref
from collections.abc import Iterator

import numpy as np

from ...engine.derivatives import Elementwise
from ...engine.formatting import listing
from ...engine.graph import Evaluated, Solution, evaluate
from ...engine.operations import EvaluationError
from ...engine.slips import has_square
from ...exercise.expression import Call, Name, Node, Number, names_in, to_text
from ...exercise.operations import ACTIVATIONS
from ..explain import gradient_label
from .chain_rule import DROP, ChainRule, Mutation
from .operation_slips import operation_slips
from .recurrence import recurrence_steps

# whose argument is a pre-activation: the table's activations, and softmax over a layer's scores
PRE_ACTIVATION_OF = frozenset(ACTIVATIONS) | {"softmax"}


def context_of(solution: Solution) -> Context:
    """The solution's context, built at its first wrong answer and kept as long as the solution lives."""
    context = _CONTEXTS.get(solution)
    if context is None:
        context = _CONTEXTS[solution] = Context(solution)
    return context


class Context(ChainRule):
    """The chain rule of one solution with where its squares and activations are and every slip at every node."""

    def __init__(self, solution: Solution):
        super().__init__(solution)
        graph = solution.graph
        exercise = solution.exercise
        self.batch = exercise.batch
        self.square_nodes = {name for name, node in graph.nodes.items() if has_square(node.expression)}
        # activation nodes a = act(u) with a named argument: a -> u
        self.activation_of: dict[str, str] = {}
        self.activation_nodes: set[str] = set()
        for name, node in graph.nodes.items():
            expression = node.expression
            argument = activation_argument(expression)
            if argument is not None:
                self.activation_nodes.add(name)
                if isinstance(argument, Name):
                    self.activation_of[name] = argument.id
        self.pre_activation_of = {u: a for a, u in self.activation_of.items()}
        elements = [np.ravel(self.values[name]) for name in self.activation_nodes]
        self.activation_elements = np.concatenate(elements) if elements else np.zeros(0)
        self._mutations: dict[str, list[Mutation]] = {}
        self._decomposed: dict[str, list[Mutation]] = {}

    # -- mutations inside a node --------------------------------------------------------------
    def mutations(self, node: str) -> list[Mutation]:
        """Every slip of a derivative rule inside ``node``, and every slip of the chain rule at it."""
        if node not in self._mutations:
            inside = list(self._site_mutations(node)) if node in self.graph.nodes else []
            self._mutations[node] = inside + list(self._chain_mutations(node))
        return self._mutations[node]

    def _site_mutations(self, node: str) -> Iterator[Mutation]:
        graph = self.graph
        root = self.solution.evaluated[node]
        parents = graph.parents[node]
        expression_text = f"{node} = {to_text(graph.nodes[node].expression)}"
        for site in sites(root):
            for argument, label, derivative, detail in operation_slips(node, site, expression_text, self.batch, root):
                child = site.children[argument]
                sources = [name for name in dict.fromkeys(n.id for n in names_in(child.expression)) if name in parents]
                if not sources:
                    continue
                derivatives = list(site.derivatives)
                derivatives[argument] = derivative
                mutated = _replace(
                    root, site, Evaluated(site.expression, site.value, site.children, tuple(derivatives))
                )
                yield self._edge_mutation(label, node, detail, mutated, sources)
        # a name used twice inside one node: one occurrence's path left out
        counts: dict[str, int] = {}
        for occurrence in names_in(graph.nodes[node].expression):
            counts[occurrence.id] = counts.get(occurrence.id, 0) + 1
        for name, count in counts.items():
            if count < 2:
                continue
            for site in sites(root):
                users = [
                    index
                    for index, child in enumerate(site.children)
                    if any(found.id == name for found in names_in(child.expression))
                ]
                if len(users) < 2:
                    continue
                for index in users:
                    derivatives = list(site.derivatives)
                    derivatives[index] = Elementwise(0.0)
                    mutated = _replace(
                        root, site, Evaluated(site.expression, site.value, site.children, tuple(derivatives))
                    )
                    kept = [to_text(site.children[other].expression) for other in users if other != index]
                    detail = (
                        f"{name} appears more than once in {expression_text} and only the path through "
                        f"{' and '.join(kept)} was counted"
                    )
                    yield self._edge_mutation("one_path_only", node, detail, mutated, [name])
        # the pre-activation used for the activation (or back): re-evaluate the node with the swap
        for parent in parents:
            swaps = []
            if parent in self.activation_of:
                pre = self.activation_of[parent]
                swaps.append(
                    (
                        pre,
                        f"{pre} (the value before the activation) was used where {parent} = "
                        f"{to_text(graph.nodes[parent].expression)} belongs in {expression_text}",
                    )
                )
            if parent in self.pre_activation_of and self.pre_activation_of[parent] not in (node,):
                post = self.pre_activation_of[parent]
                swaps.append(
                    (
                        post,
                        f"the activation {post} was used where the pre-activation {parent} belongs "
                        f"in {expression_text}",
                    )
                )
            for replacement, detail in swaps:
                try:
                    swapped = evaluate(graph.nodes[node].expression, {**self.values, parent: self.values[replacement]})
                except EvaluationError:
                    continue
                others = [other for other in parents if other != parent]
                if others:
                    yield self._edge_mutation("pre_activation", node, detail, swapped, others)

    def _edge_mutation(
        self, label: str, node: str, detail: str, mutated_root: Evaluated, sources: list[str]
    ) -> Mutation:
        mutation = Mutation(label, node, detail)
        for source in sources:
            local = self.graph.local_derivative(node, source, mutated_root)
            mutation.locals[(node, source)] = local
            mutation.edges[(node, source)] = local.jacobian
        return mutation

    def _chain_mutations(self, node: str) -> Iterator[Mutation]:
        """Slips of the chain rule at ``node``: paths left out, a local derivative or gradient missing."""
        values = self.values
        consumers = self.consumers[node]
        # fan-out: a path left out (and, with three or more, only one path kept)
        if len(consumers) >= 2:
            feeds = listing(consumers)
            for consumer in consumers:
                yield Mutation(
                    "one_path_only",
                    consumer,
                    f"{node} feeds {feeds} but the path through {consumer} is left out",
                    edges={(consumer, node): DROP},
                )
            if len(consumers) >= 3:
                for consumer in consumers:
                    edges = {(other, node): DROP for other in consumers if other != consumer}
                    yield Mutation(
                        "one_path_only",
                        consumer,
                        f"{node} feeds {feeds} but only the path through {consumer} is counted",
                        edges=edges,
                    )
        # a recurrence: only the last step's contribution to a weight the steps share (BPTT cut to one step)
        expressions = {name: spec.expression for name, spec in self.graph.nodes.items()}
        for steps in recurrence_steps(node, consumers, expressions, self.reach):
            *earlier, last = steps
            yield Mutation(
                "last_step_only",
                earlier[0],  # where the left-out paths start; listed before a fan-out slip that drops the same ones
                f"{node} is used at every step ({listing(steps)}) but only the last step's path, through {last}, "
                f"is counted",
                edges={(step, node): DROP for step in earlier},
            )
        # the local derivative left out on an edge (the upstream gradient passed on unchanged)
        for consumer in consumers:
            shape, source_shape = np.shape(values[consumer]), np.shape(values[node])
            if shape == source_shape:
                size = int(np.prod(shape, dtype=int))
                identity = np.eye(size).reshape(shape + shape)
            elif source_shape == ():
                identity = np.ones(shape)
            else:
                continue
            yield Mutation(
                "upstream_only",
                consumer,
                f"the local derivative ∂{consumer}/∂{node} is left out and {gradient_label(self.solution, consumer)} "
                f"is passed on unchanged",
                edges={(consumer, node): identity},
            )
        # a sigmoid or tanh taken apart into nodes: the slips of its derivative, from the node it starts at
        yield from self.decomposed_mutations(node)
        # the chain rule's product written as a sum (carried further down the chain)
        added = self.added_not_multiplied(node)
        if added is not None:
            total, detail = added
            yield Mutation("added_not_multiplied", node, detail, grads={node: total})
        # the gradient of this (scalar) node replaced: by 1 (the chain restarted), by its value
        if self.lead == () and np.ndim(values[node]) == 0 and node in self.graph.nodes:
            if node != self.output:
                yield Mutation(
                    "local_only",
                    node,
                    f"the chain is restarted at {node} with 1 instead of its gradient {gradient_label(self.solution, node)}",
                    grads={node: np.asarray(1.0)},
                )
            if float(values[node]) not in (0.0, 1.0):
                yield Mutation(
                    "value_as_gradient",
                    node,
                    # the value named, not printed: it may be the very answer (dC/dy = C for C = -y·log p)
                    f"the value of {node} is used where its gradient {gradient_label(self.solution, node)} belongs",
                    grads={node: np.asarray(values[node], dtype=np.float64) * np.ones_like(self.grads[node])},
                )

    def decomposed_mutations(self, node: str) -> list[Mutation]:
        """Where the nodes from ``node`` to a later node s compute s = σ(±node) or tanh(±node) (taken apart into
        exp, + and /) and every path from ``node`` to the output goes through s: the usual slips of that
        activation's derivative, as gradients of ``node`` (cached)."""
        if node in self._decomposed:
            return self._decomposed[node]
        found: list[Mutation] = []
        self._decomposed[node] = found
        if self.lead != ():
            return found
        value = np.asarray(self.values[node], dtype=np.float64)
        for later in sorted(self.reach[node], key=self.names.index):
            if self.activation_of.get(later) == node or np.shape(self.values[later]) != np.shape(value):
                continue
            out, upstream = np.asarray(self.values[later], dtype=np.float64), self.grads[later]
            for sign in (1.0, -1.0):
                argument = node if sign > 0 else f"−{node}"
                with np.errstate(all="ignore"):
                    shapes = {"σ": 1 / (1 + np.exp(-sign * value)), "tanh": np.tanh(sign * value)}
                for kind, expected in shapes.items():
                    if not np.allclose(out, expected, rtol=1e-9, atol=1e-12):
                        continue
                    slope = sign * (out * (1 - out) if kind == "σ" else 1 - out**2)
                    if not np.allclose(self.grads[node], upstream * slope, rtol=1e-9, atol=1e-15):
                        continue
                    what = f"the nodes from {node} to {later} compute {later} = {kind}({argument})"
                    right = f"{later}(1 − {later})" if kind == "σ" else f"1 − {later}²"
                    slips = [
                        (
                            "activation_not_derivative",
                            sign * out,
                            f"{what} and {kind} = {later} is used for its slope {right}",
                        ),
                    ]
                    if kind == "tanh":
                        slips += [
                            (
                                "tanh_not_squared",
                                sign * (1 - out),
                                f"{what} and its slope is taken as 1 − {later} instead of {right}",
                            ),
                            (
                                "lost_constant_factor",
                                slope / 4,
                                f"{what} and the 4 of its slope 4/(e^{node} + e^−{node})² = {right} is lost",
                            ),
                        ]
                    for label, wrong, detail in slips:
                        found.append(Mutation(label, later, detail, grads={node: upstream * wrong}))
        return found

    def added_not_multiplied(self, node: str) -> tuple[np.ndarray, str] | None:
        """d(output)/d(node) with the upstream gradient and the local derivative added instead of multiplied,
        and the words for it; None where the node has several consumers or the shapes differ."""
        consumers = self.consumers[node]
        if self.lead != () or len(consumers) != 1 or node == self.output:
            return None
        (consumer,) = consumers
        local = self.solution.local_derivative(consumer, node)
        upstream = self.grads[consumer]
        if not np.shape(local.value) == np.shape(upstream) == np.shape(self.values[node]):
            return None
        detail = (
            f"the upstream gradient {gradient_label(self.solution, consumer)} and the local derivative "
            f"∂{consumer}/∂{node} are added instead of multiplied"
        )
        return upstream + local.value, detail

    # -- helpers for explanations ---------------------------------------------------------------
    def square_involved(self, name: str) -> str | None:
        """A square node on the way from ``name`` to the output (its gradient carries the 2)."""
        for node in self.graph.nodes:
            if node in self.square_nodes and node in self.reach[name]:
                return node
        return None


def activation_argument(expression: Node) -> Node | None:
    """The argument of an activation (σ(u), max(0, u), ...), or None for any other expression."""
    if not isinstance(expression, Call):
        return None
    if expression.function in PRE_ACTIVATION_OF:
        return expression.args[0]
    if expression.function == "max" and len(expression.args) == 2:
        first, second = expression.args
        if isinstance(first, Number) and first.value == 0:
            return second
        if isinstance(second, Number) and second.value == 0:
            return first
    return None


def sites(evaluated: Evaluated) -> Iterator[Evaluated]:
    """Every operation inside an evaluated expression."""
    if isinstance(evaluated.expression, Call):
        yield evaluated
    for child in evaluated.children:
        yield from sites(child)


def _replace(root: Evaluated, target: Evaluated, replacement: Evaluated) -> Evaluated:
    if root is target:
        return replacement
    if not root.children:
        return root
    children = tuple(_replace(child, target, replacement) for child in root.children)
    if all(new is old for new, old in zip(children, root.children)):
        return root
    return Evaluated(root.expression, root.value, children, root.derivatives)


_CONTEXTS: weakref.WeakKeyDictionary[Solution, Context] = weakref.WeakKeyDictionary()
