"""What makes a generated exercise unfit to be worked by hand, judged on the engine's own solution.

The drafts are steered away from trouble as they are built (see expression.py and network.py);
this is the final word, on exactly the numbers the learner will see.
"""

from __future__ import annotations

import numpy as np

from ..engine import Evaluated, Solution
from ..engine.derivatives import Normalization, Route
from ..exercise.expression import Call
from ..exercise.operations import OPERATION_TABLE

LIMIT = 1e4  # a value or gradient beyond this is no hand calculation
MASKED = -1e8  # a value this negative stands for -inf (attention's mask, written -1e9): copied, not calculated
SATURATED = 4.0  # |z| beyond this flattens a sigmoid or tanh: σ'(4) ≈ 0.018, and less beyond
MIN_GRADIENT = 1e-4  # a parameter's gradient element below this reads as 0 to a learner's 3-4 digits
MIN_OUTPUT = 1e-2  # an output (a loss) this close to 0 leaves nothing to learn
MIN_DENOMINATOR = 0.1  # also the least standard deviation a batch or layer norm may divide by
POOL_MARGIN = 0.1  # a pool window's runner-up closer than this to its maximum: a tie, or as good as one
MIN_LOSS_DROP = 1e-3  # an update step must lower the loss by at least this share


def degeneracy(solution: Solution) -> str | None:
    """Why the solved exercise is degenerate, or None when it is fit to work by hand."""
    exercise = solution.exercise
    for table, what in (
        (solution.values, "value"),
        (solution.grads, "gradient"),
        (solution.after_values, "value after the update"),
    ):
        for name, value in table.items():
            if not np.all(np.isfinite(value)) or np.any(np.abs(value[value > MASKED]) > LIMIT):
                return f"the {what} of {name} is huge or not a number"
    # an operation's trouble first: it is often the cause of a zero gradient (a dead ReLU, the losers of a pool)
    for name, evaluated in solution.evaluated.items():
        problem = _operation_problem(evaluated)
        if problem:
            return f"node {name}: {problem}"
    for param in exercise.params:
        if np.any(np.abs(solution.grads[param]) < MIN_GRADIENT):
            return f"the gradient of {param} is (nearly) zero"
    output = solution.values[exercise.output]
    if np.all(np.abs(output) < MIN_OUTPUT):
        return "the output is (nearly) zero"
    gradients = [solution.grads[name] for name in exercise.inputs]
    if all(np.all(np.isin(np.round(gradient, 9), (-1.0, 0.0, 1.0))) for gradient in gradients):
        return "every gradient is 0, 1 or -1"
    if solution.after_values and not (
        solution.after_values[exercise.output] < solution.values[exercise.output] * (1 - MIN_LOSS_DROP)
    ):
        return "the update step does not lower the loss"
    return None


def _operation_problem(evaluated: Evaluated) -> str | None:
    expression = evaluated.expression
    if isinstance(expression, Call):
        spec = OPERATION_TABLE[expression.function]
        if spec.saturates and np.any(np.abs(evaluated.children[0].value) > SATURATED):
            return f"{expression.function} is saturated"
        if spec.dead_below_zero and np.all(evaluated.children[0].value <= 0):
            return f"{expression.function} is dead for every unit"
        if expression.function == "divide" and np.any(np.abs(evaluated.children[1].value) < MIN_DENOMINATOR):
            return "divides by (nearly) zero"
    for derivative in evaluated.derivatives:
        if isinstance(derivative, Route) and _pool_tie(evaluated.children[0].value, evaluated.value, derivative):
            return "a pool window has a tie: its maximum is not clear"
        if isinstance(derivative, Normalization) and np.any(derivative.inverse_std > 1 / MIN_DENOMINATOR):
            return "normalizes a column or row of (nearly) zero variance"
    for child in evaluated.children:
        problem = _operation_problem(child)
        if problem:
            return problem
    return None


def _pool_tie(X: np.ndarray, pooled: np.ndarray, route: Route) -> bool:
    """Whether an element of X that is not its window's maximum comes within POOL_MARGIN of it."""
    window_maxima = np.repeat(np.repeat(pooled, route.size, axis=-2), route.size, axis=-1)
    return bool(np.any(np.round(window_maxima - X, 9)[route.chosen == 0] < POOL_MARGIN))  # 0.3 − 0.2 is 0.0999…
