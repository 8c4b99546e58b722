"""The forward and backward pass of an exercise made of numbers only, with Python floats.

Most exercises are scalar graphs (``z = w1*x1 + b``), where a NumPy array per operation costs far
more than the arithmetic. This pass gives the same float64 values and gradients as graph.py's,
bit for bit: it adds up the chain rule's terms in the same order, computes the common operations
with the same formulas (NumPy's ufuncs for exp and tanh), and runs every other operation through
its own NumPy rule in operations.py. Anything else (a vector, a number that is not finite, an
operation that fails) returns None, and graph.py's pass then gives the answer or the error message.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from ..exercise.expression import Call, Name, Node, Number
from .derivatives import Elementwise
from .operations import EvaluationError, apply

# (value, local derivatives) of an operation, for float arguments
ScalarRule = Callable[..., tuple[float, tuple[float, ...]]]
# How a value was made, for the backward pass: the name it reads, None for a constant, or for an
# operation ((how operand 1 was made, ∂value/∂operand 1), (how operand 2 was made, ...), ...).
How = str | None | tuple


def _sigmoid(z: float) -> tuple[float, tuple[float, ...]]:
    e = float(np.exp(-abs(z)))  # as operations.sigmoid: never overflows
    s = 1 / (1 + e) if z >= 0 else e / (1 + e)
    return s, (s * (1 - s),)


def _tanh(z: float) -> tuple[float, tuple[float, ...]]:
    t = float(np.tanh(z))
    return t, (1 - t**2,)


def _exp(z: float) -> tuple[float, tuple[float, ...]]:
    value = float(np.exp(z))
    return value, (value,)


# The operations of a typical scalar graph; the formulas are operations.py's, written for floats.
SCALAR_RULES: dict[str, ScalarRule] = {
    "add": lambda a, b: (a + b, (1.0, 1.0)),
    "subtract": lambda a, b: (a - b, (1.0, -1.0)),
    "multiply": lambda a, b: (a * b, (b, a)),
    "negate": lambda a: (-a, (-1.0,)),
    "sigmoid": _sigmoid,
    "tanh": _tanh,
    "exp": _exp,
}


class NotScalar(Exception):
    """This graph, or these numbers, need graph.py's NumPy pass."""


class ScalarSolution(NamedTuple):
    values: dict[str, float]  # every input and node
    grads: dict[str, float]  # of the output, with respect to every input and node
    hows: dict[str, How]  # how each node was made: its local derivatives (local_gradients)


def scalar_pass(nodes: dict[str, Node], inputs: dict[str, np.ndarray], output: str) -> ScalarSolution | None:
    """Values and gradients for every input and node, or None when the pass does not apply."""
    if any(value.ndim for value in inputs.values()):
        return None
    values = {name: float(value) for name, value in inputs.items()}
    hows: dict[str, How] = {}
    try:
        with np.errstate(all="ignore"):  # a number that is not finite is caught below, and left to graph.py
            for name, expression in nodes.items():
                values[name], hows[name] = _forward(expression, values)
    except (NotScalar, EvaluationError, ArithmeticError, KeyError):
        return None
    # the same order as graph.reverse_pass: every node's gradient is complete before it is passed on
    grads = {output: 1.0}
    for name in reversed(hows):
        if name in grads:
            _backward(((hows[name], 1.0),), grads[name], grads)
    if not all(math.isfinite(gradient) for gradient in grads.values()):
        return None
    return ScalarSolution(values, {name: grads.get(name, 0.0) for name in values}, hows)


def local_gradients(how: How) -> dict[str, float]:
    """∂node/∂name for each name a node reads, from how the node was made: the chain rule inside one node."""
    grads: dict[str, float] = {}
    _backward(((how, 1.0),), 1.0, grads)
    return grads


def _forward(expression: Node, values: dict[str, float]) -> tuple[float, How]:
    """The value of ``expression`` and how it was made."""
    if isinstance(expression, Call):
        rule = SCALAR_RULES.get(expression.function)
        # The float rules' derivatives are finite wherever their value is (constants, operands, s(1 - s)),
        # so only the value is checked. One and two operands are spelled out: a solve spends its time here.
        if len(expression.args) == 2:
            left, left_how = _forward(expression.args[0], values)
            right, right_how = _forward(expression.args[1], values)
            if rule is None:
                value, (by_left, by_right) = _numpy_rule(expression.function, [left, right])
            else:
                value, (by_left, by_right) = rule(left, right)
            if not math.isfinite(value):
                raise NotScalar
            return value, ((left_how, by_left), (right_how, by_right))
        if len(expression.args) == 1:
            operand, how = _forward(expression.args[0], values)
            value, (slope,) = rule(operand) if rule else _numpy_rule(expression.function, [operand])
            if not math.isfinite(value):
                raise NotScalar
            return value, ((how, slope),)
        raise NotScalar  # [a, b, c] and any operation of three operands: graph.py's pass
    if isinstance(expression, Name):
        return values[expression.id], expression.id
    if isinstance(expression, Number):
        return float(expression.value), None
    raise NotScalar  # an index: a number has no elements


def _numpy_rule(function: str, arguments: list[float]) -> tuple[float, tuple[float, ...]]:
    """An operation without a float rule, through its NumPy rule: the same numbers by construction."""
    value, derivatives = apply(function, [np.asarray(argument) for argument in arguments])
    slopes = [derivative.values for derivative in derivatives if isinstance(derivative, Elementwise)]
    if value.ndim or len(slopes) < len(derivatives) or any(slope.ndim for slope in slopes):
        raise NotScalar  # a vector ([a, b]) or a derivative that is not one number
    if not all(np.isfinite(slopes)):
        raise NotScalar  # an infinite slope (sqrt at 0): graph.py's pass explains it
    return float(value), tuple(float(slope) for slope in slopes)


def _backward(operands: tuple, upstream: float, grads: dict[str, float]) -> None:
    """As graph.backpropagate with Elementwise derivatives: upstream times each local derivative, no gradient
    where none arrives, added to a name's gradient in reading order."""
    for how, derivative in operands:
        if how is None:
            continue
        contribution = 0.0 if upstream == 0 else upstream * derivative
        if type(how) is str:
            grads[how] = grads[how] + contribution if how in grads else contribution
        else:
            _backward(how, contribution, grads)
