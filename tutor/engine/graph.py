"""The computation graph of an exercise: forward values, local derivatives, reverse-mode gradients.

Each node of an exercise is a small expression (``w1*x1 + b``). Evaluating it keeps, for every
operation inside, its value and its local derivatives (see ``operations.py``); the backward pass
then walks the nodes from the output back to the inputs, and inside each node from its root back
to the names it uses, multiplying each upstream gradient by each local derivative and adding up
the contributions of every path: the chain rule, and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ..exercise.errors import ExerciseFileError
from ..exercise.expression import Call, Index, Name, Node, Number, elementwise_in, names_in, to_text, uses
from ..exercise.model import Exercise, InputSpec, NodeSpec
from ..exercise.shapes import describe_shape
from .derivatives import LocalDerivative
from .operations import OPERATIONS, EvaluationError, apply_strictly, index, strict_errors
from .scalar import How, local_gradients, scalar_pass

Values = dict[str, np.ndarray]

# The numbers in all the gradients of a vector output (Jacobians) at most: 160 MB of float64.
MAX_JACOBIAN_NUMBERS = 20_000_000


@dataclass
class Evaluated:
    """One operation of an expression, evaluated: its value and its local derivatives."""

    expression: Node
    value: np.ndarray
    children: tuple[Evaluated, ...] = ()
    derivatives: tuple[LocalDerivative, ...] = ()


def evaluate(expression: Node, values: Values) -> Evaluated:
    with strict_errors():
        return _evaluate_strictly(expression, values)


def _evaluate_strictly(expression: Node, values: Values) -> Evaluated:
    """evaluate, inside strict_errors()."""
    if isinstance(expression, Number):
        return Evaluated(expression, np.asarray(expression.value, dtype=np.float64))
    if isinstance(expression, Name):
        try:
            return Evaluated(expression, values[expression.id])
        except KeyError:
            raise EvaluationError(f"unknown name '{expression.id}'") from None
    if isinstance(expression, Index):
        target = _evaluate_strictly(expression.target, values)
        value, derivatives = index(target.value, expression.indices)
        return Evaluated(expression, value, (target,), tuple(derivatives))
    children = tuple(_evaluate_strictly(argument, values) for argument in expression.args)
    value, derivatives = apply_strictly(expression.function, [child.value for child in children])
    return Evaluated(expression, value, children, tuple(derivatives))


def backpropagate(evaluated: Evaluated, upstream: np.ndarray, gradients: Values, only: str | None = None) -> None:
    """Add upstream·(∂evaluated/∂name) to ``gradients[name]`` for every name used (or just ``only``).

    NumPy's warnings are silenced (they would reach the learner's terminal): a sum that overflows or is undefined
    (∞ − ∞ where sqrt's slope at 0 is reached twice) is left to the caller, and Solution._backward refuses such a
    gradient with a message naming it."""
    with np.errstate(over="ignore", invalid="ignore"):
        _backpropagate_quietly(evaluated, upstream, gradients, only)


def _backpropagate_quietly(evaluated: Evaluated, upstream: np.ndarray, gradients: Values, only: str | None) -> None:
    """backpropagate, inside its np.errstate."""
    expression = evaluated.expression
    if isinstance(expression, Name):
        if only is None or expression.id == only:
            name = expression.id
            gradients[name] = gradients[name] + upstream if name in gradients else upstream
        return
    for child, derivative in zip(evaluated.children, evaluated.derivatives):
        if only is not None and not uses(child.expression, only):
            continue
        if isinstance(child.expression, Number):
            continue
        _backpropagate_quietly(
            child, derivative.chain(upstream, child.value.shape, evaluated.value.shape), gradients, only
        )


def reverse_pass(values: Values, evaluated: dict[str, Evaluated], output: str, names: Iterable[str]) -> Values:
    """d(output)/d(name) for each of ``names`` (zero where the output does not depend on the name).

    ``evaluated`` holds the nodes in evaluation order (``Graph.forward``); walking them backwards
    means every node's gradient is complete before it is passed on to the names the node uses.
    For a vector output each gradient is a Jacobian, one leading axis per element of the output.
    """
    lead = values[output].shape
    grads: Values = {output: np.eye(values[output].size).reshape(lead + lead) if lead else np.asarray(1.0)}
    with np.errstate(over="ignore", invalid="ignore"):  # as backpropagate, entered once for the whole pass
        for name in reversed(list(evaluated)):
            if name in grads:
                _backpropagate_quietly(evaluated[name], grads[name], grads, None)
    return {name: grads[name] if name in grads else np.zeros(lead + values[name].shape) for name in names}


def evaluate_input(spec: InputSpec) -> np.ndarray:
    """An input's number, fraction or list of them, as a float64 array."""

    def value_of(item):  # nested lists of floats, made an array once: a 500x500 matrix is 250,000 numbers
        if isinstance(item, list):
            return [value_of(element) for element in item]
        if isinstance(item, Number):
            return item.value
        return float(evaluate(item, {}).value)  # a constant expression, such as "1/3"

    return np.asarray(value_of(spec.value), dtype=np.float64)


class LocalValue:
    """A local derivative as the learner is asked for it, worked out when first read.

    ``elementwise`` is true when the node is elementwise in that input: the value is then the
    vector (or matrix) of ∂zᵢ/∂xᵢ, and the diagonal Jacobian is built only if something reads
    ``jacobian``. Otherwise the value is the Jacobian itself, of shape node shape + input shape:
    it can be large (a softmax of n elements: n²), so nothing builds it unless it is read.
    """

    def __init__(self, elementwise: bool, shape: tuple, build: Callable[[], np.ndarray]):
        self.elementwise = elementwise
        self.shape = shape  # the value's, known without building it
        self._build = build

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @cached_property
    def value(self) -> np.ndarray:
        return self._build()

    @cached_property
    def jacobian(self) -> np.ndarray:
        if not self.elementwise:
            return self.value
        diagonal = self.value
        matrix = np.zeros((diagonal.size, diagonal.size))
        matrix.flat[:: diagonal.size + 1] = np.ravel(diagonal)
        return matrix.reshape(diagonal.shape + diagonal.shape)


class Graph:
    """An exercise's nodes, ready to evaluate with any values for its inputs."""

    def __init__(self, exercise: Exercise):
        self.exercise = exercise
        self.nodes: dict[str, NodeSpec] = {node.name: node for node in exercise.nodes}
        self.output = exercise.output
        problems = []
        self.inputs: Values = {}
        for name, spec in exercise.inputs.items():
            try:
                self.inputs[name] = evaluate_input(spec)
            except EvaluationError as error:
                problems.append(exercise.problem_about(name, f"input '{spec.base}' = {spec.text}: {error}"))
        if problems:
            raise ExerciseFileError(problems)

    # The edges are worked out when first asked for: solving does not need them.
    @cached_property
    def parents(self) -> dict[str, list[str]]:
        """The distinct names each node uses, in reading order: the edges into it."""
        return {
            name: list(dict.fromkeys(found.id for found in names_in(node.expression)))
            for name, node in self.nodes.items()
        }

    @cached_property
    def consumers(self) -> dict[str, list[str]]:
        """The nodes that use each name, in the graph's order: the edges out of it."""
        consumers: dict[str, list[str]] = {name: [] for name in self.names}
        for node, parents in self.parents.items():
            for parent in parents:
                consumers[parent].append(node)
        return consumers

    @property
    def names(self) -> list[str]:
        return [*self.inputs, *self.nodes]

    def evaluate_node(self, name: str, values: Values) -> Evaluated:
        return evaluate(self.nodes[name].expression, values)

    def forward(self, inputs: Values) -> tuple[Values, dict[str, Evaluated]]:
        """Every value, from the given inputs; a problem is reported at its node's line."""
        values: Values = dict(inputs)
        evaluated: dict[str, Evaluated] = {}
        with strict_errors():  # once for the whole pass
            for name, node in self.nodes.items():
                try:
                    evaluated[name] = result = _evaluate_strictly(node.expression, values)
                except EvaluationError as error:
                    sample = f" (sample {node.sample})" if node.sample else ""
                    raise ExerciseFileError(
                        [self.exercise.problem_about(name, f"node '{node.base}'{sample} = \"{node.text}\": {error}")]
                    ) from None
                values[name] = result.value
        return values, evaluated

    def local_derivative(self, node: str, source: str, evaluated: Evaluated) -> LocalValue:
        """∂node/∂source, holding the node's other inputs fixed."""
        value = evaluated.value
        source_shape = self.exercise_shape(source, evaluated)
        elementwise = bool(value.ndim) and value.shape == source_shape
        elementwise = elementwise and elementwise_in(self.nodes[node].expression, source)

        def build() -> np.ndarray:
            # ones passed back give the diagonal ∂zᵢ/∂xᵢ of an elementwise node; the identity gives every ∂zᵢ/∂xⱼ
            lead = () if elementwise else value.shape
            upstream = np.ones(value.shape) if elementwise else np.eye(value.size).reshape(lead + value.shape)
            gradients: Values = {}
            backpropagate(evaluated, upstream, gradients, only=source)
            return gradients.get(source, np.zeros(lead + source_shape))

        return LocalValue(elementwise, value.shape if elementwise else value.shape + source_shape, build)

    def local_derivative_from_output(self, node: str, source: str, output: np.ndarray) -> LocalValue | None:
        """∂node/∂source written with the node's own value (σ(1 − σ) from ŷ), where the rule allows."""
        expression = self.nodes[node].expression
        if not (
            isinstance(expression, Call)
            and len(expression.args) == 1
            and isinstance(expression.args[0], Name)
            and expression.args[0].id == source
        ):
            return None
        rule = OPERATIONS[expression.function].from_output
        if rule is None:
            return None
        output = np.asarray(output, dtype=np.float64)
        derivative = rule(output)
        if OPERATIONS[expression.function].elementwise and output.ndim:
            return LocalValue(
                True, output.shape, lambda: derivative.chain(np.ones(output.shape), output.shape, output.shape)
            )
        return LocalValue(False, output.shape * 2, lambda: derivative.jacobian(output.shape, output.shape))

    def exercise_shape(self, name: str, evaluated: Evaluated) -> tuple:
        for found in _find_names(evaluated, name):
            return found.value.shape
        return ()


class Solution:
    """Every correct number of an exercise."""

    def __init__(self, exercise: Exercise):
        self.exercise = exercise
        self.graph = graph = Graph(exercise)
        self.output = exercise.output
        expressions = {name: node.expression for name, node in graph.nodes.items()}
        # a derivation-only exercise has no graph, so nothing to differentiate
        scalar = scalar_pass(expressions, graph.inputs, self.output) if expressions else None
        self._evaluated: dict[str, Evaluated] | None = None
        self._hows: dict[str, How] | None = None  # how the scalar pass made each node
        if scalar is not None:
            self.values = {name: np.asarray(value) for name, value in scalar.values.items()}
            self.grads = {name: np.asarray(gradient) for name, gradient in scalar.grads.items()}
            self._hows = scalar.hows
        else:
            self.values, self._evaluated = graph.forward(graph.inputs)
            self._check_jacobian_size()
            self.grads = self._backward() if graph.nodes else {}
        self._locals: dict[tuple[str, str], LocalValue] = {}
        self.updated: Values = {}
        self.after_values: Values = {}
        if exercise.update is not None:
            output = self.values[self.output]
            if output.ndim:
                raise ExerciseFileError(
                    [
                        exercise.problem_about(
                            self.output,
                            f"[update] needs a loss that is a single number, but '{self.output}' is "
                            f"{describe_shape(output.shape)}: wrap it in sum(...)",
                        )
                    ]
                )
            rate = exercise.update.learning_rate
            self.updated = {name: self.values[name] - rate * self.grads[name] for name in exercise.update.params}
            self.after_values, _ = graph.forward({**graph.inputs, **self.updated})

    @property
    def evaluated(self) -> dict[str, Evaluated]:
        """Every node's operations with their local derivatives, built when first needed (the scalar pass keeps none)."""
        if self._evaluated is None:
            _, self._evaluated = self.graph.forward(self.graph.inputs)
        return self._evaluated

    def _check_jacobian_size(self) -> None:
        """A vector output makes every gradient a Jacobian, one row per element of the output: refuse ones too
        big to work with (an output of 20,000 elements and an input of as many: 400 million numbers)."""
        output = self.values.get(self.output, np.zeros(()))
        numbers = output.size * sum(value.size for value in self.values.values())
        if output.ndim and numbers > MAX_JACOBIAN_NUMBERS:
            raise ExerciseFileError(
                [
                    self.exercise.problem_about(
                        self.output,
                        f"the output '{self.output}' is {describe_shape(output.shape)}, so every gradient is a "
                        f"Jacobian with a row per element: {numbers:,} numbers, more than the {MAX_JACOBIAN_NUMBERS:,} "
                        "an exercise may have; make the output a number (a loss, or sum(...))",
                    )
                ]
            )

    def _backward(self) -> Values:
        grads = reverse_pass(self.values, self.evaluated, self.output, self.graph.names)
        for name, grad in grads.items():
            if not np.isfinite(grad).all():
                raise ExerciseFileError(
                    [
                        self.exercise.problem_about(
                            name,
                            f"the gradient of '{name}' is infinite or undefined (a derivative "
                            "such as sqrt's at 0 blows up): choose other numbers",
                        )
                    ]
                )
        return grads

    @property
    def names(self) -> list[str]:
        return self.graph.names

    @property
    def edges(self) -> list[tuple[str, str]]:
        """(source, node) for every name each node uses."""
        return [(parent, node) for node, parents in self.graph.parents.items() for parent in parents]

    def local_derivative(self, node: str, source: str) -> LocalValue:
        key = (node, source)
        if key not in self._locals:
            if self._hows is not None:  # a number: read off the scalar pass, the same number as the NumPy pass's
                how = self._hows[node]
                self._locals[key] = LocalValue(False, (), lambda: np.asarray(local_gradients(how).get(source, 0.0)))
            else:
                self._locals[key] = self.graph.local_derivative(node, source, self.evaluated[node])
        return self._locals[key]

    def chain_terms(self, name: str) -> list[str]:
        """The nodes through which ``name`` reaches the output: grad(name) = Σ grad(c)·∂c/∂name."""
        return [consumer for consumer in self.graph.consumers.get(name, []) if consumer in self.graph.nodes]

    def is_output(self, name: str) -> bool:
        return name == self.output

    def describe(self, name: str) -> str:
        node = self.graph.nodes.get(name)
        return to_text(node.expression) if node else "input"


def solve(exercise: Exercise) -> Solution:
    """Compute every value, local derivative and gradient; problems raise :class:`ExerciseFileError`."""
    return Solution(exercise)


def _find_names(evaluated: Evaluated, name: str):
    if isinstance(evaluated.expression, Name) and evaluated.expression.id == name:
        yield evaluated
    for child in evaluated.children:
        yield from _find_names(child, name)


__all__ = ["Evaluated", "Graph", "LocalValue", "Solution", "evaluate", "reverse_pass", "solve"]
