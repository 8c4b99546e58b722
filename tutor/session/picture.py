"""What the graph view shows at this point of a session: which values, gradients and local
derivatives the learner has already found, and which node the current step is about."""

from __future__ import annotations

from ..drawing import NodeBox, Picture
from ..engine.formatting import format_value
from ..exercise.expression import Call, Index, Name, Number
from ..grading import Quantity

SYMBOLS = {"add": "+", "subtract": "−", "multiply": "×", "divide": "÷", "power": "^", "matmul": "@",
           "negate": "−", "sigmoid": "σ", "stack": "[ ]"}
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
    text = format_value(value, 3)
    return text if len(text) <= LABEL_WIDTH else text[: LABEL_WIDTH - 1] + "…"


def session_picture(session) -> Picture:
    solution = session.solution
    graph = solution.graph
    done = {str(step.quantity) for step, state in zip(session.steps, session.states) if _known(session, state)}
    asked = {str(step.quantity) for step in session.steps}
    step = session.step
    after_phase = step.quantity.kind in ("after", "update")
    backward = step.quantity.kind in ("local", "grad") or after_phase or any(
        key.startswith(("grad.", "local.")) for key in done)
    all_grads_done = all(key in done for key in asked if key.startswith("grad."))

    def value_known(name: str) -> bool:
        if name in graph.inputs:
            return True
        key = f"value.{name}"
        return key in done or key not in asked

    def grad_known(name: str) -> bool:
        key = f"grad.{name}"
        if name == solution.output:
            return backward
        return key in done or (key not in asked and all_grads_done and backward)

    boxes = {}
    for name in graph.names:
        node = graph.nodes.get(name)
        if after_phase and name in solution.updated:
            value = _short(solution.updated[name]) if f"update.{name}" in done else "?"
        elif after_phase and node is not None:
            value = _short(solution.after_values[name]) if f"after.{name}" in done else "?"
        else:
            value = _short(solution.values[name]) if value_known(name) else None
        boxes[name] = NodeBox(
            name=name,
            operation="" if node is None else operation_symbol(node.expression),
            value=None if value == "?" else value,
            grad=_short(solution.grads[name]) if grad_known(name) else None,
            current=name == step.node,
            is_input=node is None,
        )
    labels = {}
    locals_asked = any(key.startswith("local.") for key in asked)
    for source, target in solution.edges:
        key = str(Quantity("local", target, source))
        if key in done or (not locals_asked and grad_known(target) and backward and target != solution.output
                           or not locals_asked and target == solution.output and backward):
            labels[(source, target)] = _short(solution.local_derivative(target, source).value)
    return Picture(boxes, list(graph.inputs), list(graph.nodes), solution.edges, labels, show_grads=backward)


def _known(session, state) -> bool:
    if session.mode == "exam":
        return False  # an exam shows no answers in the graph
    return state.done
