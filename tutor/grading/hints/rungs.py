"""The rungs for each kind of step: a value, a local derivative, a gradient, an update, a formula."""

from __future__ import annotations

import numpy as np

from ...engine.formatting import format_number, format_value, listing
from ...engine.graph import Solution
from ...exercise.expression import Call, Name, Node, Number, calls_in, names_in, substitute, to_text, uses
from ...exercise.operations import FUNCTIONS, OPERATION_TABLE
from ...exercise.shapes import describe_shape
from ..explain import forward_rule, worked_answer
from ..quantities import Quantity
from .symbolic import is_sum, local_formula, value_of, wrap
from .words import number_text, operation_words, rules_on_the_way, shape_note


def formula_hints(solution: Solution, quantity: Quantity) -> list[str]:
    asked = next(item for item in solution.exercise.questions if item.id == quantity.name)
    names = ", ".join(sorted(asked.variables)) or "no variables"
    functions = sorted({call.function for call in calls_in(asked.answer) if call.function in FUNCTIONS})
    uses = f" The answer can be written with {', '.join(functions)}." if functions else ""
    rules = [OPERATION_TABLE[call.function].rule for call in calls_in(asked.answer) if call.function in FUNCTIONS]
    outlines = [outline for depth in (1, 2) if (outline := formula_outline(asked.answer, depth, asked.variables))]
    return [
        f"Type a formula in {names}, not a number: it is checked at many values of {names}.{uses}",
        "Split the function into simple steps (a computation graph), write each step's local derivative and "
        "multiply along the path (sum over paths)."
        + (f" Rules that help: {'; '.join(dict.fromkeys(rules))}." if rules else ""),
        *outlines,
        worked_answer(solution, quantity),
    ]


_KINDS = {
    "add": "a sum",
    "subtract": "a difference",
    "multiply": "a product",
    "divide": "a quotient",
    "power": "a power",
    "negate": "a negative",
    "matmul": "a matrix product",
}


def formula_outline(answer: Node, depth: int, variables) -> str:
    """The answer's shape down to ``depth`` operations, the parts below it named A, B, ... and described ("which
    chain", then "which factor"): "A − y, where A is the sigmoid of something in z". "" when nothing is left to hide.
    """
    letters = iter(letter for letter in "ABCDEFGHJKMNPQRSTUV" if letter not in variables)
    parts: list[str] = []

    def hide(node: Node, level: int, parent: str = "") -> Node:
        if not isinstance(node, Call):
            return node
        if node.function == parent and node.function in ("add", "multiply"):
            level -= 1  # a*b*c is one product of three factors, not a product inside a product
        if level < depth:
            return Call(node.function, tuple(hide(argument, level + 1, node.function) for argument in node.args))
        letter = next(letters, "…")
        parts.append(f"{letter} is {_kind(node)}")
        return Name(letter)

    shown = to_text(hide(answer, 0))
    if not parts:
        return ""
    return f"The answer has the form {shown}, where {listing(parts)}."


def _kind(node: Call) -> str:
    names = sorted({name.id for name in names_in(node)})
    inside = f" in {listing(names)}" if names else " of numbers"
    if node.function in _KINDS:
        return _KINDS[node.function] + inside
    words = OPERATION_TABLE[node.function].words if node.function in OPERATION_TABLE else node.function
    return f"{words} of something{inside}"


def value_hints(solution: Solution, quantity: Quantity) -> list[str]:
    name = quantity.name
    after = quantity.kind == "after"
    values = {**solution.graph.inputs, **solution.updated, **solution.after_values} if after else solution.values
    expression = solution.graph.nodes[name].expression
    parents = solution.graph.parents[name]
    formula = f"{name} = {to_text(expression)}"
    prefix = ""
    if after:
        prefix = f"After the update, do the forward pass again with the new {listing(list(solution.updated))}. "
    first = (
        f"{prefix}{name} depends on {listing(parents)}: take {'its value' if len(parents) == 1 else 'their values'} "
        f"from {'the steps before' if not after else 'the new parameters and the nodes before'}, then work out "
        f"{operation_words(expression)}."
    )
    shape = shape_note(solution, [*parents, name], values)
    functions = [
        OPERATION_TABLE[call.function].formula
        for call in calls_in(expression)
        if OPERATION_TABLE[call.function].formula
    ]
    second = formula + (f", where {'; '.join(dict.fromkeys(functions))}" if functions else "") + "."
    rule = forward_rule(solution, name, values)
    if rule.numeric:
        third = f"{name} = {rule.numeric.removeprefix('= ')} with this exercise's numbers."
    else:
        third = (
            "With this exercise's numbers: "
            + ", ".join(f"{parent} = {format_value(values[parent])}" for parent in parents)
            + "."
        )
    return [first + (" " + shape if shape else ""), second, third, worked_answer(solution, quantity)]


def local_hints(solution: Solution, quantity: Quantity) -> list[str]:
    node, source = quantity.name, quantity.source
    assert source is not None  # a local step always names the input it is taken by
    graph = solution.graph
    expression = graph.nodes[node].expression
    others = [parent for parent in graph.parents[node] if parent != source]
    local = solution.local_derivative(node, source)
    rules = rules_on_the_way(expression, source)
    label = f"∂{node}/∂{source}"
    first = f"{label}: how {node} = {to_text(expression)} changes when only {source} moves"
    first += f" ({listing(others)} held fixed)." if others else "."
    if rules:
        first += " Rule: " + "; ".join(rules) + "."
    if np.ndim(local.value):
        if local.elementwise:
            first += (
                f" {node} is elementwise in {source}, so the answer has one number per element "
                f"({describe_shape(np.shape(local.value))})."
            )
        elif np.ndim(solution.values[node]) == 0:
            first += (
                f" {node} is a number, so the answer has one number per element of {source} "
                f"({describe_shape(np.shape(local.value))})."
            )
        else:
            first += (
                f" The answer is a Jacobian, {describe_shape(np.shape(local.value))}: one row per element of "
                f"{node}, one column per element of {source}."
            )
    symbolic = local_formula(solution, node, source, lambda name: name)
    if symbolic is not None:
        second = f"{label} = {symbolic}"
        numeric = local_formula(solution, node, source, lambda name: number_text(solution.values[name]))
        third = (
            f"{label} = {numeric} with this exercise's numbers."
            if numeric and numeric != symbolic
            else (f"{label} = {symbolic}: it does not depend on the numbers of this exercise.")
        )
    else:
        second = (
            f"{label} is not a single formula here: differentiate {node} = {to_text(expression)} element by "
            f"element, ∂{node}ᵢ/∂{source}ⱼ, using the rule{'s' if len(rules) != 1 else ''} above."
        )
        third = (
            "With this exercise's numbers: "
            + ", ".join(f"{name} = {format_value(solution.values[name])}" for name in graph.parents[node])
            + "."
        )
    return [first, second, third, worked_answer(solution, quantity)]


def grad_hints(solution: Solution, quantity: Quantity) -> list[str]:
    name = quantity.name
    output = solution.output
    label = f"d{output}/d{name}"
    result = format_value(solution.grads[name])
    lead = np.shape(solution.values[output])
    jacobian_note = (
        (f" {output} is {describe_shape(lead)}, so every gradient here is a Jacobian: one row per element of {output}.")
        if lead
        else ""
    )
    if name == output:
        return [
            f"{name} is the output: the backward pass starts here.{jacobian_note}",
            f"{label} = 1 ({output} changes exactly as fast as itself)"
            + (" (the identity matrix)" if lead else "")
            + ".",
            f"{label} = {result}",
        ]
    consumers = solution.chain_terms(name)
    if not consumers:
        return [
            f"{output} does not depend on {name}: no path leads from {name} to {output}.",
            f"{label} = 0",
            f"{label} = {result}",
        ]
    shape = ""
    if np.ndim(solution.values[name]):
        shape = f" {label} has the shape of {name}: {describe_shape(np.shape(solution.values[name]))}."
    if len(consumers) == 1:
        consumer = consumers[0]
        expression = solution.graph.nodes[consumer].expression
        rules = rules_on_the_way(expression, name)
        first = (
            f"{name} is used by {consumer} = {to_text(expression)}. Chain rule: {label} = d{output}/d{consumer} · "
            f"∂{consumer}/∂{name}, the upstream gradient times the local derivative."
        )
        if rules:
            first += " Rule: " + "; ".join(rules) + "."
    else:
        first = (
            f"{name} is used by {len(consumers)} nodes ({listing(consumers)}): sum over paths, one term "
            f"d{output}/d(node) · ∂(node)/∂{name} for each of them."
        )
    first += shape + jacobian_note
    symbolic = " + ".join(_chain_term(solution, consumer, name, numbers=False) for consumer in consumers)
    numeric = " + ".join(_chain_term(solution, consumer, name, numbers=True) for consumer in consumers)
    second = _outer_note(f"{label} = {symbolic}".replace("+ −", "− "))
    third = _outer_note(f"{label} = {numeric}".replace("+ −", "− ")) + " with this exercise's numbers."
    return [first, second, third, worked_answer(solution, quantity)]


def _chain_term(solution: Solution, consumer: str, name: str, numbers: bool) -> str:
    """One path's term: the upstream gradient times the local derivative, as the lecture writes it."""
    output = solution.output
    values = solution.values
    lead = np.shape(values[output])
    starts = consumer == output and not lead  # d(output)/d(output) = 1: leave it out
    up = "" if starts else (number_text(solution.grads[consumer]) if numbers else f"d{output}/d{consumer}")

    def render(item: str) -> str:
        return number_text(values[item]) if numbers else item

    def times(factor: str, operator: str = " · ") -> str:
        if not up:
            return factor
        return f"{up}{operator}{f'({factor})' if is_sum(factor) or ' if ' in factor else factor}"

    expression = solution.graph.nodes[consumer].expression
    matrix = matmul_term(expression, name, up or "1", render, values)
    if matrix is not None:
        return matrix
    local = solution.local_derivative(consumer, name)
    symbolic = local_formula(solution, consumer, name, lambda item: item)
    operator = " ⊙ " if local.elementwise and np.ndim(local.value) else " · "
    if symbolic is None or (not local.elementwise and np.ndim(local.value) and np.ndim(values[consumer])):
        if numbers:
            return times(format_value(local.value), operator)
        return times(f"∂{consumer}/∂{name}", operator)
    if symbolic in ("1", "−1") and up:
        return up if symbolic == "1" else f"−{up}"
    if numbers:
        all_scalar = np.ndim(values[consumer]) == 0 and np.ndim(values[name]) == 0 and not lead
        formula = local_formula(solution, consumer, name, render) if all_scalar else format_value(local.value)
        return times(formula or format_value(local.value), operator)
    return times(symbolic, operator)


def _outer_note(text: str) -> str:
    note = " (an outer product)"
    count = text.count(note)
    if count > 1:
        return text.replace(note, "") + " (each term an outer product)"
    return text


def matmul_term(expression: Node, name: str, up: str, render, values) -> str | None:
    """dL/dW = δ·xᵀ, dL/dx = Wᵀ·δ and their cousins, for a matrix product inside sums."""
    sign = ""
    node = expression
    while isinstance(node, Call) and node.function in ("add", "subtract"):
        left, right = node.args
        if uses(left, name) and not uses(right, name):
            node = left
        elif uses(right, name) and not uses(left, name):
            if node.function == "subtract":
                sign = "" if sign else "−"
            node = right
        else:
            return None
    if not (isinstance(node, Call) and node.function == "matmul"):
        return None
    a, b = node.args
    try:
        a_shape = np.shape(value_of(a, values))
        b_shape = np.shape(value_of(b, values))
    except KeyError:
        return None

    def text(expression_: Node) -> str:
        replacements = {found.id: Number(0.0, render(found.id)) for found in names_in(expression_)}
        return wrap(to_text(substitute(expression_, replacements)))

    if isinstance(a, Name) and a.id == name and not uses(b, name):
        if len(a_shape) == 2 and len(b_shape) == 1:
            return f"{sign}{up} · {text(b)}ᵀ (an outer product)"
        if len(a_shape) == 1 and len(b_shape) == 1:
            return f"{sign}{up} · {text(b)}"
        if len(a_shape) == 1 and len(b_shape) == 2:
            return f"{sign}{text(b)} · {up}"
        return f"{sign}{up} · {text(b)}ᵀ"
    if isinstance(b, Name) and b.id == name and not uses(a, name):
        if len(a_shape) == 2 and len(b_shape) == 1:
            return f"{sign}{text(a)}ᵀ · {up}"
        if len(a_shape) == 1 and len(b_shape) == 1:
            return f"{sign}{up} · {text(a)}"
        if len(a_shape) == 1 and len(b_shape) == 2:
            return f"{sign}{text(a)} ⊗ {up} (an outer product)"
        return f"{sign}{text(a)}ᵀ · {up}"
    return None


def update_hints(solution: Solution, quantity: Quantity) -> list[str]:
    name = quantity.name
    output = solution.output
    update = solution.exercise.update
    assert update is not None  # update steps come only from an [update] table
    rate = update.learning_rate
    rate_text = format_number(rate)
    shape = shape_note(solution, [name])
    first = (
        f"Gradient descent moves {name} a small step against its gradient, downhill on {output}: subtract "
        f"the learning rate η = {rate_text} times d{output}/d{name}." + (" " + shape if shape else "")
    )
    second = f"new {name} = {name} − η·d{output}/d{name} = {name} − {rate_text}·d{output}/d{name}"
    third = (
        f"new {name} = {format_value(solution.values[name])} − {rate_text}·{number_text(solution.grads[name])} with "
        "this exercise's numbers."
    )
    return [first, second, third, worked_answer(solution, quantity)]
