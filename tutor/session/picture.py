"""What the graph view shows at this point of a session: which values, gradients and local
derivatives the learner has already found, and which node the current step is about.

In an exam nothing is checked before the exam is submitted: a step the learner has answered shows
the learner's own text, marked as theirs (≟), and a step not yet answered shows "?", never the value.
"""

from __future__ import annotations

import numpy

from ..drawing import NodeBox, Picture
from ..drawing.canvas import YOURS, clip
from ..engine.formatting import format_value
from ..exercise.expression import Call, Index, Name, Number
from ..exercise.shown import visible
from ..grading import Quantity, QuantityKind

SYMBOLS = {
    "add": "+",
    "subtract": "−",
    "multiply": "×",
    "divide": "÷",
    "power": "^",
    "matmul": "@",
    "negate": "−",
    "sigmoid": "σ",
    "stack": "[ ]",
}
LABEL_WIDTH = 9


def operation_symbol(expression) -> str:
    if isinstance(expression, Call):
        return SYMBOLS.get(expression.function, expression.function)
    if isinstance(expression, Index):
        return "[i]"
    if isinstance(expression, (Name, Number)):
        return "="
    return ""


def _short(value) -> str:
    return clip(format_value(value, 3), LABEL_WIDTH)


def session_picture(session) -> Picture:
    solution = session.solution
    graph = solution.graph
    exam = session.mode == "exam"
    done = {str(step.quantity) for step, state in zip(session.steps, session.states) if state.done and not exam}
    # an exam's answers, not checked yet: the learner's own text
    yours = {
        str(step.quantity): visible(state.answer, keep="")
        for step, state in zip(session.steps, session.states)
        if exam and state.answer
    }
    asked = {str(step.quantity) for step in session.steps}
    step = session.step
    after_phase = step.quantity.kind in (QuantityKind.AFTER, QuantityKind.UPDATE)
    backward = (
        step.quantity.kind in (QuantityKind.LOCAL, QuantityKind.GRAD)
        or after_phase
        or any(key.startswith(("grad.", "local.")) for key in [*done, *yours])
    )
    all_grads_done = all(key in done for key in asked if key.startswith("grad."))

    def value_known(name: str) -> bool:
        if name in graph.inputs:
            return True
        key = f"value.{name}"
        return key in done or key not in asked

    def grad_known(name: str) -> bool:
        key = f"grad.{name}"
        if name == solution.output and not (exam and key in asked):
            return backward
        return key in done or (key not in asked and all_grads_done and backward)

    boxes = {}
    for name in graph.names:
        node = graph.nodes.get(name)
        if after_phase and name in solution.updated:
            value_key, true_value = f"update.{name}", solution.updated[name]
        elif after_phase and node is not None:
            value_key, true_value = f"after.{name}", solution.after_values[name]
        else:
            value_key, true_value = f"value.{name}", solution.values[name]
        if value_key in yours:
            value = yours[value_key]
        elif value_key in done or (value_key.startswith("value.") and value_known(name)):
            value = format_value(true_value, 3)
        else:
            value = None
        grad_key = f"grad.{name}"
        grad = yours.get(grad_key) or (format_value(solution.grads[name], 3) if grad_known(name) else None)
        boxes[name] = NodeBox(
            name=name,
            operation="" if node is None else operation_symbol(node.expression),
            value=value,
            grad=grad,
            current=name == step.node,
            is_input=node is None,
            shape=numpy.shape(true_value),
            grad_shape=numpy.shape(solution.grads[name]),
            value_is_yours=value_key in yours,
            grad_is_yours=grad_key in yours,
        )
    labels = {}
    locals_asked = any(key.startswith("local.") for key in asked)
    for source, target in solution.edges:
        key = str(Quantity(QuantityKind.LOCAL, target, source))
        # without local-derivative steps, the labels follow the gradients (never in an exam: they give them away)
        follows = not exam and not locals_asked and backward and (target == solution.output or grad_known(target))
        if key in yours:
            labels[(source, target)] = YOURS + clip(yours[key], LABEL_WIDTH - 1)
        elif key in done or follows:
            labels[(source, target)] = _short(solution.local_derivative(target, source).value)
    return Picture(boxes, list(graph.inputs), list(graph.nodes), solution.edges, labels, show_grads=backward)
