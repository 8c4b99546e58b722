"""Why is a wrong answer wrong? Plausible mistakes, derived from the graph, tested one by one.

For the step being checked the module builds a list of *candidate wrong answers*, each the number a
learner gets by making one specific, named mistake, and tests the learner's answer against each
with the checker's own tolerance (:func:`tutor.grading.checker.compare`). The first match, in an
order that puts the most specific explanation first, is reported as a :class:`Diagnosis`: a stable
label (see :data:`LABELS` and docs/diagnoses.md) and one to three sentences in plain words.

Nothing here is written per exercise. The candidates come from:

* **mutated derivative rules**: every operation inside every node is visited, and its local
  derivative is replaced by the usual slips (``(a − y)²`` differentiated without its 2, ``σ(z)``
  for ``σ(z)(1 − σ(z))``, ``−1/b²`` for ``−a/b²``, a lost minus sign, the own factor of a product
  for the other one, an untransposed matrix, 1 for the 1/N of a mean...). The slip is then carried
  down the chain with the true derivatives everywhere else, so a gradient *below* the slip is
  recognised too: with the factor 2 of the squared error missing, every later gradient is half;
* **mistakes in the chain rule itself**: a path left out at a node with fan-out, the local
  derivative without the upstream gradient or the other way round, the value of a node used where
  its gradient belongs (000's "multiplied by the output value");
* **mistakes about the answer as a whole**: the wrong sign, a slipped decimal point, a factor 2 or
  N, a transposed matrix, a neighbour's value, 0 for an activation value, rounding.

Candidates that coincide with the right answer are skipped, so a correct answer never gets a
diagnosis. A second, looser pass (5 %) lets a structural mistake be recognised through the
learner's own rounding (002's weight gradients: half size *and* rounded to two figures).
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np

from ..engine.derivatives import Elementwise
from ..engine.formatting import format_number, format_value
from ..engine.graph import Evaluated, LocalValue, Solution, evaluate
from ..engine.operations import EvaluationError
from ..engine.slips import SlipSite, site_slips
from ..exercise.errors import ExerciseFileError
from ..exercise.expression import Call, Index, Name, Number, calls_in, names_in, to_text
from ..exercise.model import Tolerance
from .explain import format_changed
from .quantities import Quantity, expected_value

# Stable labels (counted by teachers in `tutor check --json` and in transcripts): label -> meaning.
LABELS: dict[str, str] = {
    "sign": "the right size with the wrong sign (a lost minus sign, or a step added instead of subtracted)",
    "power_of_ten": "off by a factor of 10, 100 or 1000: a slipped decimal point",
    "missing_factor_2": "half the right value: the factor 2 from the derivative of a square is missing "
    "(also recognised in every gradient further down the chain)",
    "extra_factor_2": "twice the right value: the 2 of a square counted twice, or the 1/2 in front of it ignored",
    "factor_of_two": "half or twice the right value, with no square in the graph to explain it",
    "mean_vs_sum": "off by the factor N: the 1/N of a mean left out, or a sum divided by N as if it were a mean",
    "activation_not_derivative": "the activation used instead of its derivative: σ(z) for σ(z)(1 − σ(z)), "
    "tanh for 1 − tanh², the ReLU value for its 0/1 mask",
    "pre_activation": "the pre-activation z used where the activation σ(z) belongs, or the other way round",
    "local_only": "the local derivative without the upstream gradient",
    "upstream_only": "the upstream gradient without the local derivative",
    "one_path_only": "at a node with fan-out, only some of the paths to the output summed",
    "neighbour_value": "the value of a neighbouring node or input instead of the right one "
    "(for a product, the own factor instead of the other one)",
    "value_as_gradient": "multiplied by a node's value (often the output's) where its gradient belongs",
    "gradient_not_local": "the gradient dL/d(input) given where only the local derivative was asked",
    "transposed": "the transpose of the right matrix, or a matrix used without its transpose",
    "outer_product_order": "a weight gradient written x·δᵀ instead of δ·xᵀ: the outer product in the wrong order",
    "division_derivative": "a slip in ∂(a/b)/∂b = −a/b²: written −1/b², a/b² or −a/b",
    "zero_for_activation": "0 written where the derivative is an activation's value (∂(o·v)/∂v = o)",
    "update_step_only": "only the step −η·dL/dp written, not the new value p − η·dL/dp",
    "learning_rate_missing": "the update p − dL/dp without the learning rate η",
    "rounding": "right up to rounding: the answer, or the intermediate values it was computed from, "
    "rounded too coarsely",
}


@dataclass(frozen=True)
class Diagnosis:
    label: str  # one of LABELS
    explanation: str  # plain words for the learner, with the exercise's names and numbers


LOOSE_RELATIVE = 0.05  # the second pass: a structural mistake seen through the learner's own rounding
LOOSE_FIGURES = 3  # ... only for answers written with at most this many significant figures
# ... and only for mistakes that scale or flip the answer as a whole (not a coincidence with a neighbour)
LOOSE_LABELS = {
    "sign",
    "power_of_ten",
    "missing_factor_2",
    "extra_factor_2",
    "factor_of_two",
    "mean_vs_sum",
    "activation_not_derivative",
    "pre_activation",
    "division_derivative",
    "transposed",
    "outer_product_order",
    "update_step_only",
    "learning_rate_missing",
}
FAR = 0.2  # in that pass a candidate must differ from the right answer by more than this (relative)
ROUNDING_WINDOW = 0.10
MAX_AFTER_MUTATIONS = 12  # the forward pass is redone for each: only the likeliest slips  # "rounded intermediates" must stay this close to the right answer

ACTIVATIONS = {"sigmoid": "σ", "tanh": "tanh", "relu": "relu", "leaky_relu": "leaky_relu", "softmax": "softmax"}

# Slips of a derivative rule (tried before the generic mistakes); the others are slips of the chain rule.
RULE_LABELS = {
    "missing_factor_2",
    "extra_factor_2",
    "mean_vs_sum",
    "activation_not_derivative",
    "pre_activation",
    "division_derivative",
    "sign",
    "transposed",
}
# Which explanation wins when two mistakes give the same number: the most specific first.
MUTATION_ORDER = (
    "missing_factor_2",
    "extra_factor_2",
    "mean_vs_sum",
    "activation_not_derivative",
    "pre_activation",
    "division_derivative",
    "zero_for_activation",
    "sign",
    "transposed",
    "one_path_only",
    "upstream_only",
    "local_only",
    "value_as_gradient",
    "neighbour_value",
)

_DROP = None  # an edge left out of the sum over paths
STRICT = False  # tests set this to see the errors a diagnosis would otherwise swallow


def diagnose(
    solution: Solution,
    quantity: Quantity,
    value: np.ndarray,
    tolerance: Tolerance,
    learner=None,
    base: np.ndarray | None = None,
    figures: int | None = None,
) -> Diagnosis | None:
    """The most likely mistake behind a wrong answer ``value`` to ``quantity``, or None.

    ``learner`` is an optional :class:`~tutor.grading.checker.LearnerView` (the learner's latest
    earlier answers, right or wrong), used for candidates built from the learner's own numbers; an
    answer that is right from those numbers is not diagnosed. ``base`` is the number a step changes
    (an update's old parameter): answers are then compared on the change, as the checker does.
    ``figures`` is the number of significant figures the learner wrote, when the text shows it ("0.30": 2).
    """
    if quantity.kind == "formula":
        return None  # a formula is checked at many points; its counter-example says more than a label
    try:
        value = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    if not np.all(np.isfinite(value)):
        return None
    try:
        context = _context(solution)
        return _Diagnoser(context, quantity, value, tolerance, learner, base, figures).run()
    except (
        EvaluationError,
        ExerciseFileError,
        FloatingPointError,
        ValueError,
        KeyError,
        IndexError,
        RecursionError,
        TypeError,
    ):
        if STRICT:
            raise
        return None  # a diagnosis is a courtesy: never let it break grading


# -- matching ---------------------------------------------------------------------------------------


def _compare():
    from .checker import compare  # late: the checker imports this module

    return compare


def _same_shape(value: np.ndarray, target: np.ndarray) -> np.ndarray | None:
    if value.shape == target.shape:
        return value
    if np.squeeze(value).shape == np.squeeze(target).shape:
        return value.reshape(target.shape)
    return None


def _close_elements(
    value: np.ndarray, target: np.ndarray, tolerance: Tolerance, base: np.ndarray | None = None
) -> np.ndarray:
    scale = np.abs(target if base is None else target - base)
    allowed = np.maximum(tolerance.relative * scale, tolerance.absolute)
    return np.abs(value - target) <= allowed


def _round_sig(array: np.ndarray, figures: int, cut: bool = False) -> np.ndarray:
    """``array`` rounded (or, with ``cut``, cut off) to ``figures`` significant figures."""
    array = np.asarray(array, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        magnitude = np.where(array == 0, 0, np.floor(np.log10(np.abs(np.where(array == 0, 1, array)))))
    scale = 10.0 ** (figures - 1 - magnitude)
    return (np.trunc(array * scale + np.sign(array) * 1e-9) if cut else np.round(array * scale)) / scale


def _figures(value: np.ndarray) -> int:
    """How many significant figures the learner wrote (at most 7)."""
    most = 1
    for element in np.ravel(value):
        if element == 0:
            continue
        for figures in range(1, 8):
            if abs(_round_sig(element, figures) - element) <= 1e-9 * abs(element):
                most = max(most, figures)
                break
        else:
            return 8
    return most


@dataclass
class _Candidate:
    label: str
    array: np.ndarray
    explain: Callable[[], str]
    mix: bool = False  # may match element by element, the other elements being right


# -- what the graph looks like, computed once per solution ----------------------------------------

_CONTEXTS: weakref.WeakKeyDictionary[Solution, _Context] = weakref.WeakKeyDictionary()


def _context(solution: Solution) -> _Context:
    context = _CONTEXTS.get(solution)
    if context is None:
        context = _CONTEXTS[solution] = _Context(solution)
    return context


@dataclass
class _Mutation:
    """One slip at one place: new Jacobians for some edges, or a replaced gradient at some nodes."""

    label: str
    node: str  # where the slip happens
    detail: str  # reads after "when ...": "the factor 2 from the square in L = (y - a3)^2 is missing"
    edges: dict = field(default_factory=dict)  # (node, source) -> Jacobian, or _DROP
    locals: dict[tuple[str, str], LocalValue] = field(default_factory=dict)  # for local-derivative steps
    grads: dict = field(default_factory=dict)  # node -> replaced gradient


class _Context:
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
        exercise = solution.exercise
        self.batch = exercise.batch
        self.square_nodes = {name for name, node in graph.nodes.items() if _has_square(node.expression)}
        # activation nodes a = act(u) with a named argument: a -> u
        self.activation_of: dict[str, str] = {}
        self.activation_nodes: set[str] = set()
        for name, node in graph.nodes.items():
            expression = node.expression
            argument = _activation_argument(expression)
            if argument is not None:
                self.activation_nodes.add(name)
                if isinstance(argument, Name):
                    self.activation_of[name] = argument.id
        self.pre_activation_of = {u: a for a, u in self.activation_of.items()}
        elements = [np.ravel(self.values[name]) for name in self.activation_nodes]
        self.activation_elements = np.concatenate(elements) if elements else np.zeros(0)
        self._jacobians: dict = {}
        self._contributions: dict = {}
        self._mutations: dict[str, list[_Mutation]] = {}
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
            self._contributions[key] = np.tensordot(
                self.grads[node], self.jacobian(node, source), axes=np.ndim(self.values[node])
            )
        return self._contributions[key]

    def grad_with(self, name: str, mutation: _Mutation) -> np.ndarray:
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
                    if edges[key] is _DROP:
                        continue
                    total = total + np.tensordot(grad(consumer), edges[key], axes=rank)
                elif touched(consumer):
                    total = total + np.tensordot(grad(consumer), self.jacobian(consumer, node), axes=rank)
                else:
                    total = total + self.contribution(consumer, node)
            memo[node] = total
            return total

        return grad(name)

    def affects(self, mutation: _Mutation, name: str) -> bool:
        """Whether the mutation changes the gradient of ``name``."""
        targets = {source for (_, source) in mutation.edges} | set(mutation.grads)
        return name in targets or not targets.isdisjoint(self.reach[name])

    # -- mutations inside a node --------------------------------------------------------------
    def mutations(self, node: str) -> list[_Mutation]:
        """Every slip of a derivative rule inside ``node``, and every slip of the chain rule at it."""
        if node not in self._mutations:
            inside = list(self._site_mutations(node)) if node in self.graph.nodes else []
            self._mutations[node] = inside + list(self._chain_mutations(node))
        return self._mutations[node]

    def _site_mutations(self, node: str) -> Iterator[_Mutation]:
        graph = self.graph
        root = self.solution.evaluated[node]
        parents = graph.parents[node]
        expression_text = f"{node} = {to_text(graph.nodes[node].expression)}"
        for site in _sites(root):
            for argument, label, derivative, detail in self._rules(node, site, expression_text):
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
        for name in names_in(graph.nodes[node].expression):
            counts[name.id] = counts.get(name.id, 0) + 1
        for name, count in counts.items():
            if count < 2:
                continue
            for site in _sites(root):
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

    def _edge_mutation(self, label, node, detail, mutated_root, sources) -> _Mutation:
        mutation = _Mutation(label, node, detail)
        for source in sources:
            local = self.graph.local_derivative(node, source, mutated_root)
            mutation.locals[(node, source)] = local
            mutation.edges[(node, source)] = local.jacobian
        return mutation

    def _rules(self, node: str, site: Evaluated, expression_text: str):
        """(argument, label, new local derivative, detail) for the usual slips at one operation (the engine's)."""
        expression = site.expression
        assert isinstance(expression, Call)  # _sites visits operations only
        batch = self.batch
        yield from site_slips(
            SlipSite(
                expression,
                [child.value for child in site.children],
                site.value,
                [to_text(argument) for argument in expression.args],
                node,
                expression_text,
                site is self.solution.evaluated[node],
                batch is not None and node == batch.output and batch.reduce == "mean",
            )
        )

    def _chain_mutations(self, node: str) -> Iterator[_Mutation]:
        """Slips of the chain rule at ``node``: paths left out, a local derivative or gradient missing."""
        values = self.values
        consumers = self.consumers[node]
        # fan-out: a path left out (and, with three or more, only one path kept)
        if len(consumers) >= 2:
            listing = _listing(consumers)
            for consumer in consumers:
                yield _Mutation(
                    "one_path_only",
                    consumer,
                    f"{node} feeds {listing} but the path through {consumer} is left out",
                    edges={(consumer, node): _DROP},
                )
            if len(consumers) >= 3:
                for consumer in consumers:
                    edges = {(other, node): _DROP for other in consumers if other != consumer}
                    yield _Mutation(
                        "one_path_only",
                        consumer,
                        f"{node} feeds {listing} but only the path through {consumer} is counted",
                        edges=edges,
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
            yield _Mutation(
                "upstream_only",
                consumer,
                f"the local derivative ∂{consumer}/∂{node} is left out and d{self.output}/d{consumer} "
                f"is passed on unchanged",
                edges={(consumer, node): identity},
            )
        # the gradient of this (scalar) node replaced: by 1 (the chain restarted), by its value
        if self.lead == () and np.ndim(values[node]) == 0 and node in self.graph.nodes:
            if node != self.output:
                yield _Mutation(
                    "local_only",
                    node,
                    f"the chain is restarted at {node} with 1 instead of its gradient "
                    f"d{self.output}/d{node} = {format_value(self.grads[node])}",
                    grads={node: np.asarray(1.0)},
                )
            if float(values[node]) not in (0.0, 1.0):
                yield _Mutation(
                    "value_as_gradient",
                    node,
                    f"the value {node} = {format_value(values[node])} is used where its gradient "
                    f"d{self.output}/d{node} = {format_value(self.grads[node])} belongs",
                    grads={node: np.asarray(values[node], dtype=np.float64) * np.ones_like(self.grads[node])},
                )

    def after_with(self, mutation: _Mutation) -> dict | None:
        """The forward pass after an update made with the mutation's gradients (cached)."""
        key = id(mutation)
        if key not in self._after:
            solution, graph = self.solution, self.graph
            rate = solution.exercise.update.learning_rate
            values = dict(graph.inputs)
            for param in solution.updated:
                grad = self.grad_with(param, mutation) if self.affects(mutation, param) else self.grads[param]
                values[param] = self.values[param] - rate * grad
            try:
                values, _ = graph.forward(values)
            except (EvaluationError, ExerciseFileError):
                values = None
            self._after[key] = values
        return self._after[key]

    # -- helpers for explanations ---------------------------------------------------------------
    def square_involved(self, name: str) -> str | None:
        """A square node on the way from ``name`` to the output (its gradient carries the 2)."""
        for node in self.graph.nodes:
            if node in self.square_nodes and node in self.reach[name]:
                return node
        return None


def _has_square(expression) -> bool:
    if isinstance(expression, Call):
        if expression.function == "power" and isinstance(expression.args[1], Number) and expression.args[1].value == 2:
            return True
        return any(_has_square(argument) for argument in expression.args)
    if isinstance(expression, Index):
        return _has_square(expression.target)
    return False


def _activation_argument(expression):
    if not isinstance(expression, Call):
        return None
    if expression.function in ACTIVATIONS:
        return expression.args[0]
    if expression.function == "max" and len(expression.args) == 2:
        first, second = expression.args
        if isinstance(first, Number) and first.value == 0:
            return second
        if isinstance(second, Number) and second.value == 0:
            return first
    return None


def _sites(evaluated: Evaluated) -> Iterator[Evaluated]:
    if isinstance(evaluated.expression, Call):
        yield evaluated
    for child in evaluated.children:
        yield from _sites(child)


def _replace(root: Evaluated, target: Evaluated, replacement: Evaluated) -> Evaluated:
    if root is target:
        return replacement
    if not root.children:
        return root
    children = tuple(_replace(child, target, replacement) for child in root.children)
    if all(new is old for new, old in zip(children, root.children)):
        return root
    return Evaluated(root.expression, root.value, children, root.derivatives)


def _listing(names) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _times(factor: float) -> str:
    words = {
        10: "10 times",
        100: "100 times",
        1000: "1000 times",
        0.1: "a tenth of",
        0.01: "a hundredth of",
        0.001: "a thousandth of",
        2: "twice",
        0.5: "half",
    }
    for key, word in words.items():
        if math.isclose(factor, key, rel_tol=1e-9):
            return word
    return f"{format_number(factor)} times"


def _elements(mask: np.ndarray) -> str:
    positions = [", ".join(str(i + 1) for i in index) for index in zip(*np.nonzero(mask))]
    if len(positions) == 1:
        return f"element {positions[0]}"
    return "elements " + "; ".join(positions)


# -- the diagnosis of one answer ----------------------------------------------------------------------


class _Diagnoser:
    def __init__(
        self,
        context: _Context,
        quantity: Quantity,
        value: np.ndarray,
        tolerance: Tolerance,
        learner,
        base: np.ndarray | None = None,
        figures: int | None = None,
    ):
        self.context = context
        self.base = base
        self.figures = figures
        self._own: list[np.ndarray] | None = None  # the answer from the learner's own numbers, computed once
        self.solution = context.solution
        self.quantity = quantity
        self.tolerance = tolerance
        self.learner = learner
        self.expected = np.asarray(expected_value(self.solution, quantity), dtype=np.float64)
        self.value = self._as_answer(value)
        output = self.solution.output
        self.label_text = quantity.label(output)
        # a step judged on its change is shown with the figures the change needs (0.1497807, not 0.1498)
        self.right = format_value(self.expected) if base is None else format_changed(self.expected, base)

    def _as_answer(self, value: np.ndarray) -> np.ndarray:
        """An elementwise local derivative may be typed as its (diagonal) Jacobian: read the diagonal."""
        if self.quantity.kind == "local":
            local = self.solution.local_derivative(self.quantity.name, self.quantity.source)
            if local.elementwise and value.size == local.jacobian.size and value.size != self.expected.size:
                square = value.reshape(self.expected.size, self.expected.size)
                if np.allclose(square - np.diag(np.diag(square)), 0):
                    return np.diag(square).reshape(self.expected.shape)
        return value

    # -- the passes --------------------------------------------------------------------------
    def run(self) -> Diagnosis | None:
        compare = _compare()
        expected, value, tolerance, base = self.expected, self.value, self.tolerance, self.base
        if compare(value, expected, tolerance, base=base).matches:
            return None
        if self._right_from_own_numbers():
            return None  # right from the learner's own earlier answers: no slip of theirs to name
        if self.quantity.kind == "local":
            local = self.solution.local_derivative(self.quantity.name, self.quantity.source)
            if compare(value, local.jacobian, tolerance).matches:
                return None
        shaped = _same_shape(value, expected)
        seen: list[_Candidate] = []
        for candidate in self._candidates():
            array = np.asarray(candidate.array, dtype=np.float64)
            if array.shape != expected.shape:
                if np.squeeze(array).shape != np.squeeze(expected).shape:
                    if candidate.label in ("transposed", "outer_product_order") and array.shape == value.shape:
                        if compare(value, array, tolerance).matches:
                            return Diagnosis(candidate.label, candidate.explain())
                    continue
                array = array.reshape(expected.shape)
            if not np.all(np.isfinite(array)) or compare(array, expected, tolerance, base=base).matches:
                continue
            candidate.array = array
            seen.append(candidate)
            if shaped is None:
                continue
            if compare(shaped, array, tolerance, base=base).matches:
                return Diagnosis(candidate.label, candidate.explain())
            if candidate.mix and self._mixed(shaped, array, tolerance):
                return Diagnosis(candidate.label, candidate.explain())
        if shaped is None:
            return None
        rounding = self._rounding(shaped)
        if rounding is not None:
            return rounding
        if self._figures_written(shaped) > LOOSE_FIGURES:
            return None  # a full-precision answer is not a rounded one: no second pass
        loose = Tolerance(max(LOOSE_RELATIVE, tolerance.relative), tolerance.absolute)
        right_elements = _close_elements(shaped, expected, tolerance, base)
        for candidate in seen:
            if candidate.label not in LOOSE_LABELS:
                continue
            array = candidate.array
            far = np.abs(array - expected) > FAR * np.maximum(np.abs(expected), np.abs(array))
            wrong = ~right_elements
            if not np.all(far[wrong]):
                continue
            near = _close_elements(shaped, array, loose, base)
            if candidate.mix:
                ok = np.all(near | right_elements) and np.any(near & wrong)
            else:
                ok = np.all(near)
            if ok:
                return Diagnosis(candidate.label, candidate.explain() + " (Your numbers also carry some rounding.)")
        return None

    def _mixed(self, value, array, tolerance) -> bool:
        if value.ndim == 0:
            return False
        right = _close_elements(value, self.expected, tolerance, self.base)
        near = _close_elements(value, array, tolerance, self.base)
        return bool(np.all(right | near) and np.any(near & ~right))

    # -- candidates, most specific first -------------------------------------------------------
    def _candidates(self) -> Iterator[_Candidate]:
        kind = self.quantity.kind
        if kind == "grad":
            yield from self._grad_candidates()
        elif kind == "local":
            yield from self._local_candidates()
        elif kind == "value":
            yield from self._value_candidates()
        elif kind == "update":
            yield from self._update_candidates()
        else:
            yield from self._after_candidates()
        yield from self._learner_candidates()

    def _say(self, text: str) -> Callable[[], str]:
        return lambda: text

    def _mutation_text(self, mutation: _Mutation, direct: bool) -> Callable[[], str]:
        def explain() -> str:
            text = f"Your {self.label_text} is what you get when {mutation.detail}."
            if not direct:
                text += f" The slip is at {mutation.node} and is carried down the chain to {self.quantity.name}."
                if mutation.label == "missing_factor_2":
                    text += " Every gradient below that step comes out half size."
            return text + f" The right value is {self.right}."

        return explain

    # gradients ----------------------------------------------------------------------------------
    def _grad_mutations(self, name: str) -> list[tuple[_Mutation, bool]]:
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
                direct = mutation.node in context.consumers[name] or any(
                    source == name for (_, source) in mutation.edges
                )
                found.append((MUTATION_ORDER.index(mutation.label), 0 if direct else 1, distance, mutation, direct))
        found.sort(key=lambda item: item[:3])
        unique, keys = [], set()
        for *_, mutation, direct in found:
            key = id(mutation)
            if key not in keys:
                keys.add(key)
                unique.append((mutation, direct))
        return unique

    def _grad_candidates(self) -> Iterator[_Candidate]:
        name = self.quantity.name
        if name == self.solution.output:
            yield from self._generic_candidates()
            return
        mutations = self._grad_mutations(name)
        # slips of a derivative rule first: they explain the most
        for mutation, direct in mutations:
            if mutation.label in RULE_LABELS:
                yield self._grad_mutation_candidate(mutation, direct)
        yield from self._zero_for_activation_candidates()
        yield from self._generic_candidates(factors=False)
        # then slips of the chain rule itself, the nearest first
        yield from self._direct_grad_candidates()
        chain = [(mutation, direct) for mutation, direct in mutations if mutation.label not in RULE_LABELS]
        chain.sort(key=lambda item: (not item[1], self._distance(item[0].node), MUTATION_ORDER.index(item[0].label)))
        for mutation, direct in chain:
            yield self._grad_mutation_candidate(mutation, direct)
        yield from self._generic_candidates(whole=False)
        yield from self._neighbour_candidates()

    def _distance(self, node: str) -> int:
        names = self.context.names
        return names.index(node) if node in names else 0

    def _grad_mutation_candidate(self, mutation: _Mutation, direct: bool) -> _Candidate:
        array = self.context.grad_with(self.quantity.name, mutation)
        if not direct and mutation.label != "sign" and np.allclose(array, -self.expected, rtol=1e-9, atol=1e-15):
            # a sign slip further down the chain: the learner sees a sign error, say so
            detail = mutation.detail

            def explain() -> str:
                return (
                    f"The size of your {self.label_text} is right but the sign is wrong: the right value is "
                    f"{self.right}. The minus sign is lost, for example, when {detail} (at {mutation.node})."
                )

            return _Candidate("sign", array, explain)
        return _Candidate(mutation.label, array, self._mutation_text(mutation, direct))

    def _direct_grad_candidates(self) -> Iterator[_Candidate]:
        context, name, output = self.context, self.quantity.name, self.solution.output
        consumers = context.consumers[name]
        # the local derivative alone (without the upstream gradient)
        total = None
        for consumer in consumers:
            local = self.solution.local_derivative(consumer, name)
            if local.value.shape == self.expected.shape[len(context.lead) :] and context.lead == ():
                total = local.value if total is None else total + local.value
            else:
                total = None
                break
        if total is not None and consumers:
            upstream = ", ".join(f"d{output}/d{c} = {format_value(self.solution.grads[c])}" for c in consumers)
            locals_ = " + ".join(f"∂{c}/∂{name}" for c in consumers)
            yield _Candidate(
                "local_only",
                total,
                self._say(
                    f"That is the local derivative {locals_} = {format_value(total)} alone: multiply it by the upstream "
                    f"gradient ({upstream}). The right value is {self.right}."
                ),
            )
        # the upstream gradient alone
        total = None
        for consumer in consumers:
            upstream = self.solution.grads[consumer]
            if upstream.shape == self.expected.shape:
                total = upstream if total is None else total + upstream
            else:
                total = None
                break
        if total is not None and consumers:
            yield _Candidate(
                "upstream_only",
                total,
                self._say(
                    f"That is the upstream gradient {' + '.join(f'd{output}/d{c}' for c in consumers)} = "
                    f"{format_value(total)} alone: multiply it by the local derivative "
                    f"{' + '.join(f'∂{c}/∂{name}' for c in consumers)}. The right value is {self.right}."
                ),
            )

    def _zero_for_activation_candidates(self) -> Iterator[_Candidate]:
        """0 where the answer (or the local derivative on the way) is an activation's value."""
        context, quantity = self.context, self.quantity
        elements = context.activation_elements
        if not elements.size:
            return
        tolerance = self.tolerance
        expected = self.expected

        def is_activation(array):
            array = np.asarray(array, dtype=np.float64)
            flags = np.zeros(array.shape, dtype=bool)
            for value in elements:
                flags |= (np.abs(array - value) <= np.maximum(tolerance.relative * abs(value), tolerance.absolute)) & (
                    array != 0
                )
            return flags

        if quantity.kind == "local":
            flags = is_activation(expected)
            if np.any(flags):
                yield _Candidate(
                    "zero_for_activation", np.where(flags, 0.0, expected), self._zero_text(flags), mix=True
                )
            return
        if quantity.kind != "grad":
            return
        name = quantity.name
        edges = {}
        for consumer in context.consumers[name]:
            local = self.solution.local_derivative(consumer, name)
            flags = is_activation(local.value)
            if np.any(flags):
                if local.elementwise:
                    keep = np.where(np.ravel(flags), 0.0, 1.0)
                    size = keep.size
                    jacobian = (local.jacobian.reshape(size, size) * keep[:, None]).reshape(local.jacobian.shape)
                else:
                    jacobian = np.where(flags, 0.0, local.jacobian)
                edges[(consumer, name)] = jacobian
        if edges:
            mutation = _Mutation("zero_for_activation", name, "", edges=edges)
            consumer = next(iter(edges))[0]
            activation = self._activation_named(self.solution.local_derivative(consumer, name).value)
            yield _Candidate(
                "zero_for_activation",
                context.grad_with(name, mutation),
                self._say(
                    f"∂{consumer}/∂{name} is not 0: it is {activation}, the value of an activation, so "
                    f"{self.label_text} is d{self.solution.output}/d{consumer} times it. The right value is {self.right}."
                ),
                mix=True,
            )

    def _zero_text(self, flags: np.ndarray) -> Callable[[], str]:
        def explain() -> str:
            quantity, expected = self.quantity, self.expected
            node_text = f"{quantity.name} = {to_text(self.solution.graph.nodes[quantity.name].expression)}"
            if expected.ndim == 0:
                return (
                    f"{self.label_text} is not 0: {node_text}, so {self.label_text} is "
                    f"{self._activation_named(expected)}, the value of an activation. The right value is {self.right}."
                )
            shaped = _same_shape(self.value, expected)
            zeroed = flags & (np.abs(shaped) <= self.tolerance.absolute) if shaped is not None else flags
            if not np.any(zeroed):
                zeroed = flags
            right = expected[zeroed]
            return (
                f"{_elements(zeroed).capitalize()} of {self.label_text} {'is' if right.size == 1 else 'are'}"
                f" not 0 but {format_value(right[0] if right.size == 1 else right)}, the value of an activation "
                f"({node_text}). "
                f"The right value is {self.right}."
            )

        return explain

    def _activation_named(self, array) -> str:
        array = np.asarray(array, dtype=np.float64)
        for node in self.context.activation_nodes:
            if np.shape(self.solution.values[node]) == array.shape and np.allclose(
                self.solution.values[node], array, rtol=1e-9
            ):
                return f"{node} = {format_value(array)}"
        return format_value(array)

    def _generic_candidates(self, whole: bool = True, factors: bool = True) -> Iterator[_Candidate]:
        """Mistakes about the answer as a whole: ``whole`` the sign, transpose and decimal point,
        ``factors`` a factor 2 or N."""
        context, quantity, expected = self.context, self.quantity, self.expected
        name, right, label = quantity.name, self.right, self.label_text
        kind = quantity.kind
        if whole:
            yield from self._transposed_candidates(expected)
            yield _Candidate("sign", -expected, self._sign_text(), mix=True)
            for exponent in (1, -1, 2, -2, 3, -3):
                factor = 10.0**exponent
                yield _Candidate(
                    "power_of_ten",
                    expected * factor,
                    self._say(
                        f"Your {label} is {_times(factor)} the right value {right}: a decimal point has slipped. "
                        "Count the zeros after the point in each factor."
                    ),
                    mix=True,
                )
        if not factors:
            return
        square = None
        if kind == "grad" and name != self.solution.output:
            square = context.square_involved(name)
        elif kind == "local" and quantity.name in context.square_nodes:
            square = quantity.name
        if square is not None:
            text = f"{square} = {to_text(self.solution.graph.nodes[square].expression)}"
            yield _Candidate(
                "missing_factor_2",
                expected / 2,
                self._say(
                    f"Your {label} is half the right value {right}: the factor 2 from the derivative of the square in "
                    f"{text} is missing somewhere on the way."
                ),
            )
            yield _Candidate(
                "extra_factor_2",
                expected * 2,
                self._say(
                    f"Your {label} is twice the right value {right}: the factor 2 from the square in {text} is counted "
                    "twice (or a 1/2 in front of it is left out)."
                ),
            )
        else:
            for factor in (0.5, 2.0):
                yield _Candidate(
                    "factor_of_two",
                    expected * factor,
                    self._say(
                        f"Your {label} is {_times(factor)} the right value {right}: a factor 2 was "
                        f"{'dropped' if factor == 0.5 else 'added'} somewhere."
                    ),
                )
        for count, where in self._counts():
            for factor, how in (
                (count, f"the 1/{count} of {where} is left out"),
                (1 / count, f"{where} is divided by {count} as if it were a mean"),
            ):
                yield _Candidate(
                    "mean_vs_sum",
                    expected * factor,
                    self._say(f"Your {label} is {_times(factor)} the right value {right}: {how}."),
                )

    def _sign_text(self) -> Callable[[], str]:
        def explain() -> str:
            right = (
                _close_elements(_same_shape(self.value, self.expected), self.expected, self.tolerance, self.base)
                if _same_shape(self.value, self.expected) is not None and self.expected.ndim
                else None
            )
            which = ""
            if right is not None and np.any(right):
                which = f" ({_elements(~right)})"
            text = f"The size of your {self.label_text} is right but the sign is wrong{which}: the right value is {self.right}."
            if self._minus_signs():
                return text + " Check each minus sign along the chain (∂(a − b)/∂b = −1)."
            return text + " Check the sign of each factor you multiplied."

        return explain

    def _minus_signs(self) -> bool:
        """Whether a difference or a negation lies on the way (where a lost minus sign is likely)."""
        quantity, graph = self.quantity, self.solution.graph
        region = set(self.context.reach.get(quantity.name, ())) if quantity.kind in ("grad", "update") else set()
        region.add(quantity.name)
        return any(
            call.function in ("subtract", "negate", "divide")
            for node in region
            if node in graph.nodes
            for call in calls_in(graph.nodes[node].expression)
        )

    def _counts(self) -> list[tuple[int, str]]:
        """The N of every mean or sum on the way to the output."""
        context, quantity = self.context, self.quantity
        graph = self.solution.graph
        if quantity.kind == "grad":
            region = context.reach[quantity.name]
        elif quantity.kind in ("value", "after"):
            region = {quantity.name}
        elif quantity.kind == "local":
            region = {quantity.name}
        else:
            region = context.reach.get(quantity.name, set())
        found: dict[int, str] = {}
        for node in graph.nodes:
            if node not in region:
                continue
            for site in _sites(self.solution.evaluated[node]):
                function = site.expression.function
                if function in ("mean", "sum") and np.size(site.children[0].value) > 1:
                    found.setdefault(int(np.size(site.children[0].value)), f"{to_text(site.expression)} in {node}")
        batch = context.batch
        if batch is not None and batch.output in region and len(batch.samples) > 1:
            found.setdefault(len(batch.samples), f"the batch total {batch.output} ({batch.reduce} over the samples)")
        return [(count, where) for count, where in found.items() if count > 1]

    def _transposed_candidates(self, expected: np.ndarray) -> Iterator[_Candidate]:
        if expected.ndim != 2 or np.allclose(expected, expected.T if expected.shape[0] == expected.shape[1] else 0):
            return
        label = "outer_product_order" if self._is_outer_product() else "transposed"
        if label == "outer_product_order":
            text = (
                f"Your {self.label_text} is the right matrix transposed: the outer product is in the wrong "
                f"order. It has the shape of {self.quantity.name}: (upstream gradient) times (input)ᵀ, one row "
                f"per output. The right value is {self.right}."
            )
        else:
            text = f"Your {self.label_text} is the transpose of the right matrix {self.right}."
        yield _Candidate(label, expected.T, self._say(text))

    def _is_outer_product(self) -> bool:
        quantity = self.quantity
        if quantity.kind != "grad":
            return False
        for consumer in self.context.consumers[quantity.name]:
            for site in _sites(self.solution.evaluated[consumer]):
                if site.expression.function != "matmul":
                    continue
                left, right = site.children
                if isinstance(left.expression, Name) and left.expression.id == quantity.name and right.value.ndim == 1:
                    return True
                if isinstance(right.expression, Name) and right.expression.id == quantity.name and left.value.ndim == 1:
                    return True
        return False

    def _neighbour_candidates(self) -> Iterator[_Candidate]:
        """The value of a neighbouring node or input, as is."""
        quantity, solution = self.quantity, self.solution
        graph = solution.graph
        name = quantity.name
        neighbours: list[str] = []
        if quantity.kind == "local":
            neighbours += [quantity.source, name] + [p for p in graph.parents[name] if p != quantity.source]
        else:
            neighbours.append(name)
            if name in graph.nodes:
                neighbours += graph.parents[name]
            neighbours += self.context.consumers.get(name, [])
            if quantity.kind in ("value", "after") and name in graph.nodes:
                order = list(graph.nodes)
                position = order.index(name)
                neighbours += order[max(0, position - 1) : position] + order[position + 1 : position + 2]
        values = solution.after_values if quantity.kind == "after" else solution.values
        for neighbour in dict.fromkeys(neighbours):
            if quantity.kind in ("value", "after") and neighbour == name:
                continue
            if neighbour not in values:
                continue
            yield _Candidate(
                "neighbour_value",
                values[neighbour],
                self._say(
                    f"That is the value of {neighbour} ({format_value(values[neighbour])}), not {self.label_text}. "
                    f"The right value is {self.right}."
                ),
            )

    # local derivatives --------------------------------------------------------------------------
    def _local_candidates(self) -> Iterator[_Candidate]:
        context, quantity = self.context, self.quantity
        node, source = quantity.name, quantity.source
        mutations = [m for m in context.mutations(node) if (node, source) in m.locals]
        mutations.sort(key=lambda m: MUTATION_ORDER.index(m.label))
        for mutation in mutations:
            if mutation.label in RULE_LABELS:
                yield _Candidate(
                    mutation.label, mutation.locals[(node, source)].value, self._mutation_text(mutation, True)
                )
        yield from self._zero_for_activation_candidates()
        yield from self._generic_candidates(factors=False)
        for mutation in mutations:
            if mutation.label not in RULE_LABELS:
                yield _Candidate(
                    mutation.label, mutation.locals[(node, source)].value, self._mutation_text(mutation, True)
                )
        # the whole gradient given where the local derivative was asked
        if context.lead == ():
            contribution = context.contribution(node, source)
            gradient = self.solution.grads[source]
            for array, what in (
                (contribution, f"d{self.solution.output}/d{node} · {self.label_text}"),
                (gradient, f"the gradient d{self.solution.output}/d{source}"),
            ):
                if np.shape(array) == self.expected.shape:
                    yield _Candidate(
                        "gradient_not_local",
                        array,
                        self._say(
                            f"That is {what} ({format_value(array)}): asked is only the local derivative "
                            f"{self.label_text}, without the upstream gradient. The right value is {self.right}."
                        ),
                    )
        yield from self._generic_candidates(whole=False)
        yield from self._neighbour_candidates()

    # values ---------------------------------------------------------------------------------------
    def _value_candidates(self, values: dict | None = None) -> Iterator[_Candidate]:
        context, quantity, solution = self.context, self.quantity, self.solution
        graph = solution.graph
        name = quantity.name
        values = solution.values if values is None else values
        expression = graph.nodes[name].expression
        argument = _activation_argument(expression)
        if argument is not None:
            pre = evaluate(argument, values).value
            yield _Candidate(
                "pre_activation",
                pre,
                self._say(
                    f"That is {to_text(argument)} = {format_value(pre)}, the value before the activation; {name} = "
                    f"{to_text(expression)} applies the activation to it. The right value is {self.right}."
                ),
            )
        for parent in graph.parents[name]:
            swaps = []
            if parent in context.activation_of:
                swaps.append(
                    (
                        context.activation_of[parent],
                        f"{context.activation_of[parent]} (before the activation) was used where {parent} belongs",
                    )
                )
            if parent in context.pre_activation_of:
                swaps.append(
                    (
                        context.pre_activation_of[parent],
                        f"the activation {context.pre_activation_of[parent]} was used where {parent} belongs",
                    )
                )
            for replacement, how in swaps:
                try:
                    swapped = evaluate(expression, {**values, parent: values[replacement]}).value
                except EvaluationError:
                    continue
                yield _Candidate(
                    "pre_activation",
                    swapped,
                    self._say(
                        f"Your {self.label_text} is what you get when {how} in {name} = {to_text(expression)}. "
                        f"The right value is {self.right}."
                    ),
                )
        yield from self._generic_candidates()
        yield from self._neighbour_candidates()

    # updates -------------------------------------------------------------------------------------
    def _update_candidates(self) -> Iterator[_Candidate]:
        context, quantity, solution = self.context, self.quantity, self.solution
        name = quantity.name
        rate = solution.exercise.update.learning_rate
        old, gradient = solution.values[name], solution.grads[name]
        output = solution.output
        rule = f"new {name} = {name} − η·d{output}/d{name}"
        yield _Candidate(
            "neighbour_value",
            old,
            self._say(
                f"That is {name} before the update ({format_value(old)}): {rule}. The right value is {self.right}."
            ),
        )
        yield _Candidate(
            "sign",
            old + rate * gradient,
            self._say(
                f"Gradient descent subtracts the step: {rule}; your answer adds it. The right value is {self.right}."
            ),
        )
        yield _Candidate(
            "update_step_only",
            -rate * gradient,
            self._say(
                f"That is only the step −η·d{output}/d{name} = {format_value(-rate * gradient)}: add it to {name} = "
                f"{format_value(old)}. The right value is {self.right}."
            ),
        )
        yield _Candidate(
            "update_step_only",
            rate * gradient,
            self._say(
                f"That is only η·d{output}/d{name} = {format_value(rate * gradient)}: {rule}. The right value is {self.right}."
            ),
        )
        if rate != 1:
            yield _Candidate(
                "learning_rate_missing",
                old - gradient,
                self._say(
                    f"The learning rate η = {format_number(rate)} is missing: {rule}. The right value is {self.right}."
                ),
            )
        for exponent in (1, -1, 2, -2):
            factor = 10.0**exponent
            yield _Candidate(
                "power_of_ten",
                old - rate * gradient * factor,
                self._say(
                    f"Your step is {_times(factor)} the right one, −η·d{output}/d{name} = {format_value(-rate * gradient)}: "
                    f"a decimal point has slipped. The right value is {self.right}."
                ),
            )
        for mutation, _ in self._grad_mutations(name):
            wrong = context.grad_with(name, mutation)
            yield _Candidate(mutation.label, old - rate * wrong, self._update_text(mutation, wrong))
        yield from self._transposed_candidates(self.expected)

    def _update_text(self, mutation: _Mutation, wrong: np.ndarray) -> Callable[[], str]:
        def explain() -> str:
            output, name = self.solution.output, self.quantity.name
            return (
                f"Your update uses d{output}/d{name} = {format_value(wrong)} instead of "
                f"{format_value(self.solution.grads[name])}: that gradient is what you get when {mutation.detail}. "
                f"The right new {name} is {self.right}."
            )

        return explain

    # the forward pass after the update ---------------------------------------------------------------
    def _after_candidates(self) -> Iterator[_Candidate]:
        context, solution, quantity = self.context, self.solution, self.quantity
        name = quantity.name
        after = solution.after_values
        yield from self._value_candidates(after)
        yield _Candidate(
            "neighbour_value",
            solution.values[name],
            self._say(
                f"That is {name} before the update ({format_value(solution.values[name])}): do the forward pass again "
                f"with the new parameters. The right value is {self.right}."
            ),
        )
        # the forward pass from parameters updated with a mistaken gradient (the same slip for all)
        seen: set[int] = set()
        mutations = []
        for param in solution.updated:
            for mutation, _ in self._grad_mutations(param):
                if id(mutation) not in seen and mutation.label in RULE_LABELS:
                    seen.add(id(mutation))
                    mutations.append(mutation)
        mutations.sort(key=lambda m: MUTATION_ORDER.index(m.label))
        for mutation in mutations[:MAX_AFTER_MUTATIONS]:
            values = context.after_with(mutation)
            if values is not None and name in values:
                yield _Candidate(mutation.label, values[name], self._after_text(mutation))

    def _after_text(self, mutation: _Mutation) -> Callable[[], str]:
        def explain() -> str:
            return (
                f"Your {self.label_text} follows from parameters updated with gradients computed when "
                f"{mutation.detail}. The right value is {self.right}."
            )

        return explain

    # the learner's own numbers ----------------------------------------------------------------------
    def _own_numbers(self) -> list[np.ndarray]:
        """The answer recomputed from the learner's own earlier answers, where that differs from the right one."""
        if self._own is None:
            self._own = []
            learner = self.learner
            if learner is None or not any(
                (learner.values, learner.grads, learner.locals, learner.updated, learner.after)
            ):
                return self._own
            try:
                from .checker import Checker

                checker = Checker(self.solution)
                checker.learner = learner
                carried = checker._carried_forward(self.quantity)
            except Exception:  # noqa: BLE001 - the checker's internals may change; no candidates then
                return self._own
            for own in carried:
                own = np.asarray(own, dtype=np.float64)
                if own.shape == self.expected.shape and not np.allclose(own, self.expected, rtol=1e-12, atol=0):
                    self._own.append(own)
        return self._own

    def _right_from_own_numbers(self) -> bool:
        shaped = _same_shape(self.value, self.expected)
        return shaped is not None and any(
            _compare()(shaped, own, self.tolerance, base=self.base).matches for own in self._own_numbers()
        )

    def _learner_candidates(self) -> Iterator[_Candidate]:
        """The same structural mistakes, applied to the answer recomputed from the learner's numbers."""
        for own in self._own_numbers():
            text = format_value(own)
            yield _Candidate(
                "sign",
                -own,
                self._say(
                    f"From your own earlier answers {self.label_text} is {text}: your answer has the wrong sign."
                ),
                mix=True,
            )
            for exponent in (1, -1, 2, -2):
                factor = 10.0**exponent
                yield _Candidate(
                    "power_of_ten",
                    own * factor,
                    self._say(
                        f"From your own earlier answers {self.label_text} is {text}: your answer is {_times(factor)} "
                        "that, a decimal point has slipped."
                    ),
                    mix=True,
                )
            square = self.context.square_involved(self.quantity.name) if self.quantity.kind == "grad" else None
            if square is not None:
                yield _Candidate(
                    "missing_factor_2",
                    own / 2,
                    self._say(
                        f"From your own earlier answers {self.label_text} is {text}: your answer is half that, the factor 2 "
                        f"from the square in {square} is missing."
                    ),
                )

    # rounding -----------------------------------------------------------------------------------------
    def _rounding(self, value: np.ndarray) -> Diagnosis | None:
        compare = _compare()
        expected = self.expected
        figures = self._figures_written(value)
        # the answer itself rounded too coarsely
        # a step judged on its change (an update) is rounded too coarsely at any number of figures that hides it
        for digits in range(1, 4 if self.base is None else 8):
            if digits > figures:
                break
            for cut in (False, True):
                rounded = _round_sig(expected, digits, cut)
                if (
                    np.allclose(rounded, value, rtol=1e-9, atol=0)
                    and not compare(rounded, expected, self.tolerance, base=self.base).matches
                ):
                    how = "cut off after" if cut else "rounded to"
                    shown = max(digits, figures)  # "0.30" is 0.3 rounded to 2 figures, as written
                    off = f"more than {format_number(self.tolerance.relative * 100)}% off"
                    if self.base is not None:
                        off = (
                            f"a change of {format_value(value - self.base, 3)} from {format_value(self.base)}, "
                            f"{off} the right change {format_value(expected - self.base, 3)}"
                        )
                    return Diagnosis(
                        "rounding",
                        (
                            f"Your {self.label_text} is the right value {format_value(expected, 6)} {how} {shown} "
                            f"significant figure{'s' if shown > 1 else ''}, which is {off}: keep at least "
                            f"{self._figures_needed()} significant figures."
                        ),
                    )
        # the answer computed from intermediate values rounded too early
        within = np.abs(value - expected) <= ROUNDING_WINDOW * np.abs(expected) + self.tolerance.absolute
        if not np.all(within):
            return None
        for digits in (2,):
            for candidate in self._rounded_recomputations(digits):
                candidate = np.asarray(candidate, dtype=np.float64)
                if candidate.shape != expected.shape:
                    continue
                matches = compare(value, candidate, self.tolerance, base=self.base).matches
                if not matches and figures <= 3:
                    matches = np.allclose(_round_sig(candidate, figures), value, rtol=1e-9, atol=0)
                if matches:
                    return Diagnosis(
                        "rounding",
                        (
                            f"Your {self.label_text} is what you get from intermediate values rounded to {digits} "
                            f"significant figure{'s' if digits > 1 else ''}: rounding too early lets the error grow along "
                            f"the chain. Keep 3 or 4 figures in intermediate results (an answer computed from your own "
                            f"earlier accepted answers is accepted). The right value is {self.right}."
                        ),
                    )
        return None

    def _figures_written(self, value: np.ndarray) -> int:
        return self.figures if self.figures is not None else _figures(value)

    def _figures_needed(self) -> int:
        """The fewest significant figures of the right value that are within the tolerance."""
        compare = _compare()
        for digits in range(1, 16):
            if compare(_round_sig(self.expected, digits), self.expected, self.tolerance, base=self.base).matches:
                return digits
        return 16

    def _rounded_recomputations(self, digits: int) -> Iterator[np.ndarray]:
        solution, quantity = self.solution, self.quantity
        graph = solution.graph
        name = quantity.name
        kind = quantity.kind

        def rounded(values: dict, names) -> dict:
            return {**values, **{n: _round_sig(values[n], digits) for n in names}}

        if kind in ("value", "after"):
            values = solution.values if kind == "value" else {**solution.after_values}
            yield graph.evaluate_node(name, rounded(values, graph.parents[name])).value
        elif kind == "local":
            values = rounded(solution.values, graph.parents[name])
            yield graph.local_derivative(name, quantity.source, graph.evaluate_node(name, values)).value
            from_output = graph.local_derivative_from_output(
                name, quantity.source, _round_sig(solution.values[name], digits)
            )
            if from_output is not None:
                yield from_output.value
        elif kind == "grad":
            consumers = self.context.consumers[name]
            if not consumers:
                return
            totals = [None, None, None]
            for consumer in consumers:
                rank = np.ndim(solution.values[consumer])
                upstream = _round_sig(solution.grads[consumer], digits)
                values = rounded(solution.values, graph.parents[consumer])
                local = graph.local_derivative(consumer, name, graph.evaluate_node(consumer, values)).jacobian
                from_output = graph.local_derivative_from_output(
                    consumer, name, _round_sig(solution.values[consumer], digits)
                )
                own = from_output.jacobian if from_output is not None else local
                exact = self.context.jacobian(consumer, name)
                terms = (
                    np.tensordot(upstream, local, axes=rank),
                    np.tensordot(upstream, own, axes=rank),
                    np.tensordot(upstream, exact, axes=rank),
                )
                totals = [term if total is None else total + term for total, term in zip(totals, terms)]
            yield from totals
        elif kind == "update":
            rate = solution.exercise.update.learning_rate
            yield solution.values[name] - rate * _round_sig(solution.grads[name], digits)


__all__ = ["LABELS", "Diagnosis", "diagnose"]
