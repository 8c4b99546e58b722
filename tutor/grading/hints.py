"""A ladder of hints for every step, generated from the graph: from a pointer to the worked answer.

The rungs, from general to specific:

0. the exercise author's own hints for the name (``[hints]`` in the exercise file), if any;
1. what the step depends on and which rule applies (the operations' ``rule`` text; "sum over
   paths" for a gradient with fan-out), with the shapes when they are not numbers;
2. the symbolic formula for this step: ``dL/dz = dL/dyhat · yhat(1 − yhat)``;
3. the same formula with this exercise's numbers in it;
4. the answer and how it is computed (:func:`tutor.grading.explain.worked_answer`).

Nothing is written per exercise: the formulas come from the nodes' expressions and a small
symbolic differentiation of them (elementwise operations; matrix products get their transposes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ..engine.formatting import format_number, format_value
from ..engine.graph import Solution
from ..engine.operations import OPERATIONS
from ..exercise.expression import FUNCTIONS, Call, Index, Name, Node, Number, calls_in, names_in, substitute, to_text
from ..exercise.shapes import describe_shape
from .explain import forward_rule, worked_answer
from .quantities import Quantity

OPERATION_WORDS = {
    "add": "a sum",
    "subtract": "a difference",
    "multiply": "a product",
    "divide": "a quotient",
    "negate": "a negation",
    "power": "a power",
    "matmul": "a matrix product",
    "sigmoid": "the sigmoid",
    "tanh": "tanh",
    "relu": "ReLU",
    "leaky_relu": "leaky ReLU",
    "exp": "the exponential",
    "log": "the natural logarithm",
    "sqrt": "the square root",
    "abs": "the absolute value",
    "max": "a maximum",
    "min": "a minimum",
    "sum": "a sum of elements",
    "mean": "a mean",
    "softmax": "softmax",
    "transpose": "a transpose",
    "stack": "a vector built from its elements",
}
FUNCTION_FORMULAS = {
    "sigmoid": "σ(z) = 1/(1 + e^(−z))",
    "tanh": "tanh(z) = (eᶻ − e⁻ᶻ)/(eᶻ + e⁻ᶻ)",
    "relu": "relu(z) = max(0, z)",
    "leaky_relu": "leaky_relu(z, α) = z if z > 0, else α·z",
    "softmax": "softmax(z)ᵢ = e^(zᵢ) / Σⱼ e^(zⱼ)",
    "mean": "mean(z) = (z₁ + … + zₙ)/n",
    "sum": "sum(z) = z₁ + … + zₙ",
}


def hint_ladder(solution: Solution, quantity: Quantity) -> list[str]:
    """The hints for one step, from general to specific; the last one is the answer."""
    ladder = _author_hints(solution, quantity)
    kind = quantity.kind
    if kind in ("value", "after"):
        ladder += _value_hints(solution, quantity)
    elif kind == "local":
        ladder += _local_hints(solution, quantity)
    elif kind == "grad":
        ladder += _grad_hints(solution, quantity)
    elif kind == "formula":
        ladder += _formula_hints(solution, quantity)
    else:
        ladder += _update_hints(solution, quantity)
    return [rung for rung in dict.fromkeys(rung.strip() for rung in ladder) if rung]


def _formula_hints(solution: Solution, quantity: Quantity) -> list[str]:
    asked = next(item for item in solution.exercise.questions if item.id == quantity.name)
    names = ", ".join(sorted(asked.variables)) or "no variables"
    functions = sorted({call.function for call in calls_in(asked.answer) if call.function in FUNCTIONS})
    uses = f" The answer can be written with {', '.join(functions)}." if functions else ""
    rules = [OPERATIONS[call.function].rule for call in calls_in(asked.answer) if call.function in FUNCTIONS]
    return [
        f"Type a formula in {names}, not a number: it is checked at many values of {names}.{uses}",
        "Split the function into simple steps (a computation graph), write each step's local derivative and "
        "multiply along the path (sum over paths)."
        + (f" Rules that help: {'; '.join(dict.fromkeys(rules))}." if rules else ""),
        worked_answer(solution, quantity),
    ]


# -- the author's hints ----------------------------------------------------------------------------


def _base(solution: Solution, name: str) -> str:
    exercise = solution.exercise
    spec = exercise.inputs.get(name)
    if spec is not None and spec.base:
        return spec.base
    for node in exercise.nodes:
        if node.name == name and node.base:
            return node.base
    return name.split("#", 1)[0]


def _author_hints(solution: Solution, quantity: Quantity) -> list[str]:
    """The author's [hints] for a name, whole and in the file's order, on one step of that name only.

    A node's hints go on its value step, or on its gradient step when they speak of derivatives (a
    hint about ∂L/∂p would give the backward pass away in the forward pass); an input's, which has no
    value step, on its gradient step; a question's on the question. Never on another name's step
    (∂L/∂p is a step of L), nor on an update or the forward pass after it.
    """
    hints = list(solution.exercise.hints.get(_base(solution, quantity.name), ()))
    if quantity.kind == "formula":
        return hints
    if quantity.kind not in ("value", "grad"):
        return []
    on_gradient_step = quantity.name not in solution.graph.nodes or any(_about_derivatives(hint) for hint in hints)
    return hints if (quantity.kind == "grad") == on_gradient_step else []


def _about_derivatives(text: str) -> bool:
    return any(mark in text for mark in ("∂", "δ", "gradient", "derivative", "′")) or bool(
        re.search(r"\bd\w+/d\w+|\w'\(", text)
    )  # dL/dz, σ'(z)


# -- words and shapes --------------------------------------------------------------------------------


def _listing(names) -> str:
    names = list(names)
    if not names:
        return "nothing"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _shape_note(solution: Solution, names, values=None) -> str:
    """ "W2 is a 2x3 matrix, x is a vector of 3", or "" when everything is a number."""
    values = solution.values if values is None else values
    shaped = [
        f"{name} is {describe_shape(np.shape(values[name]))}"
        for name in names
        if name in values and np.ndim(values[name])
    ]
    return ("Shapes: " + "; ".join(shaped) + ".") if shaped else ""


def _operation_words(expression: Node) -> str:
    if isinstance(expression, Call):
        return OPERATION_WORDS.get(expression.function, expression.function)
    if isinstance(expression, Index):
        return "picking one element"
    return "a copy"


def _rules_on_the_way(expression: Node, source: str) -> list[str]:
    """The derivative rules of the operations between the node's root and ``source``."""
    rules: list[str] = []

    def visit(node: Node) -> None:
        if isinstance(node, Call):
            if any(name.id == source for name in names_in(node)):
                operation = OPERATIONS.get(node.function)
                if operation is not None:
                    rules.append(operation.rule)
                for argument in node.args:
                    visit(argument)
        elif isinstance(node, Index):
            if any(name.id == source for name in names_in(node)):
                rules.append("∂z[i]/∂z: 1 for the chosen element, 0 for the others")
                visit(node.target)

    visit(expression)
    return list(dict.fromkeys(rules))


def _number(value) -> str:
    """A value for a formula: negative numbers in brackets."""
    text = format_value(value)
    return f"({text})" if text.startswith("-") else text


# -- a small symbolic derivative, for the formula rungs --------------------------------------------


@dataclass(frozen=True)
class _Term:
    coefficient: float
    factors: tuple[str, ...] = ()
    divisors: tuple[str, ...] = ()


class _Unsupported(Exception):
    """An operation the text derivative does not cover: the hint falls back to the rule in words."""


def _const(value: float) -> list[_Term]:
    return [] if value == 0 else [_Term(float(value))]


def _atom(text: str) -> list[_Term]:
    return [_Term(1.0, (text,))]


def _add(a: list[_Term], b: list[_Term]) -> list[_Term]:
    merged: dict[tuple, float] = {}
    for term in a + b:
        key = (term.factors, term.divisors)
        merged[key] = merged.get(key, 0.0) + term.coefficient
    return [
        _Term(coefficient, factors, divisors) for (factors, divisors), coefficient in merged.items() if coefficient != 0
    ]


def _negate(a: list[_Term]) -> list[_Term]:
    return [_Term(-term.coefficient, term.factors, term.divisors) for term in a]


def _multiply(a: list[_Term], b: list[_Term]) -> list[_Term]:
    if not a or not b:
        return []
    if len(a) > 1:
        a = _atom(f"({_text(a)})")
    if len(b) > 1:
        b = _atom(f"({_text(b)})")
    x, y = a[0], b[0]
    return [_Term(x.coefficient * y.coefficient, x.factors + y.factors, x.divisors + y.divisors)]


def _divide(a: list[_Term], divisor: str) -> list[_Term]:
    return [_Term(term.coefficient, term.factors, term.divisors + (divisor,)) for term in a]


def _term_text(term: _Term) -> str:
    coefficient = term.coefficient
    factors = list(term.factors)
    sign = "−" if coefficient < 0 else ""
    magnitude = abs(coefficient)
    if magnitude != 1 or not factors:
        factors.insert(0, format_number(magnitude))
    text = "·".join(factors)
    if term.divisors:
        divisors = "·".join(term.divisors)
        text += f"/{divisors}" if len(term.divisors) == 1 and _simple(divisors) else f"/({divisors})"
    return sign + text


def _simple(text: str) -> bool:
    if text.startswith("[") and text.endswith("]"):
        return True
    return not any(symbol in text for symbol in " +-·*/")


def _text(terms: list[_Term]) -> str:
    if not terms:
        return "0"
    text = ""
    for index, term in enumerate(terms):
        piece = _term_text(term)
        if index == 0:
            text = piece
        elif piece.startswith("−"):
            text += " − " + piece[1:]
        else:
            text += " + " + piece
    return text


def _wrap(text: str) -> str:
    if text.startswith("[") and text.endswith("]"):
        return text  # a vector or matrix of numbers reads as one thing already
    return f"({text})" if not _simple(text.lstrip("−-")) and not (text.startswith("(") and text.endswith(")")) else text


def _is_sum(text: str) -> bool:
    """Whether the text has a + or − outside brackets (it needs brackets as a factor)."""
    depth = 0
    for index, char in enumerate(text):
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif depth == 0 and index > 0 and char in "+-−" and text[index - 1] == " ":
            return True
    return text.startswith(("−", "-"))


class _Symbolic:
    """∂(expression)/∂source as text, with names written by ``render`` (names, or their numbers)."""

    def __init__(self, node: str, source: str, render, values):
        self.node = node
        self.source = source
        self.render = render
        self.values = values

    def text_of(self, expression: Node) -> str:
        replacements = {name.id: Number(0.0, self.render(name.id)) for name in names_in(expression)}
        return to_text(substitute(expression, replacements))

    def derivative(self, expression: Node, root: bool = False) -> list[_Term]:
        if isinstance(expression, Number):
            return []
        if isinstance(expression, Name):
            return _const(1.0) if expression.id == self.source else []
        if not any(name.id == self.source for name in names_in(expression)):
            return []
        if isinstance(expression, Index):
            raise _Unsupported
        function, args = expression.function, expression.args
        d = self.derivative
        if function == "add":
            return _add(d(args[0]), d(args[1]))
        if function == "subtract":
            return _add(d(args[0]), _negate(d(args[1])))
        if function == "negate":
            return _negate(d(args[0]))
        if function == "multiply":
            return _add(_multiply(d(args[0]), self.factor(args[1])), _multiply(self.factor(args[0]), d(args[1])))
        if function == "divide":
            a, b = args
            b_text = _wrap(self.text_of(b))
            first = _divide(d(a), b_text)
            second = _negate(_divide(_multiply(self.factor(a), d(b)), f"{b_text}²"))
            return _add(first, second)
        if function == "power":
            base, exponent = args
            if not isinstance(exponent, Number):
                raise _Unsupported
            p = exponent.value
            base_text = _wrap(self.text_of(base))
            if p - 1 == 0:
                factor = _const(1.0)
            elif p - 1 == 1:
                factor = _atom(base_text)
            else:
                factor = _atom(f"{base_text}^{format_number(p - 1)}")
            return _multiply(_multiply(_const(p), factor), d(base))
        if function in ("sigmoid", "tanh", "exp"):
            argument = args[0]
            if root and isinstance(argument, Name):
                value = self.render(self.node)
            else:
                symbol = {"sigmoid": "σ", "tanh": "tanh", "exp": "exp"}[function]
                value = f"{symbol}({self.text_of(argument)})"
            slope = {"sigmoid": f"{_wrap(value)}(1 − {_wrap(value)})", "tanh": f"(1 − {_wrap(value)}²)", "exp": value}[
                function
            ]
            return _multiply(_atom(slope), d(argument))
        if function == "relu":
            return _multiply(_atom(f"(1 if {self.text_of(args[0])} > 0, else 0)"), d(args[0]))
        if function == "log":
            return _divide(d(args[0]), _wrap(self.text_of(args[0])))
        if function == "sqrt":
            return _divide(d(args[0]), f"(2√{_wrap(self.text_of(args[0]))})")
        if function == "abs":
            return _multiply(_atom(f"sign({self.text_of(args[0])})"), d(args[0]))
        if function in ("max", "min"):
            a, b = args
            relation = "≥" if function == "max" else "≤"
            if _uses(a, self.source) and not _uses(b, self.source):
                condition = (
                    f"{self.text_of(a)} > 0"
                    if isinstance(b, Number) and b.value == 0 and function == "max"
                    else f"{self.text_of(a)} {relation} {self.text_of(b)}"
                )
                return _multiply(_atom(f"(1 if {condition}, else 0)"), d(a))
            if _uses(b, self.source) and not _uses(a, self.source):
                strict = "<" if function == "max" else ">"
                condition = (
                    f"{self.text_of(b)} > 0"
                    if isinstance(a, Number) and a.value == 0 and function == "max"
                    else f"{self.text_of(a)} {strict} {self.text_of(b)}"
                )
                return _multiply(_atom(f"(1 if {condition}, else 0)"), d(b))
            raise _Unsupported
        if function in ("sum", "mean"):
            # d(Σ uᵢ)/d(sourceᵢ) element by element: only when u is elementwise in the source
            argument = args[0]
            if not _elementwise_path(argument, self.source):
                raise _Unsupported
            inner = d(argument)
            if function == "sum":
                return inner
            count = int(np.size(_evaluate_size(argument, self.values)))
            return _divide_count(inner, count)
        if function == "matmul":
            a, b = args
            try:
                a_rank, b_rank = np.ndim(_value_of(a, self.values)), np.ndim(_value_of(b, self.values))
            except KeyError:
                raise _Unsupported from None
            if isinstance(b, Name) and b.id == self.source and not _uses(a, self.source) and b_rank == 1:
                return _atom(_wrap(self.text_of(a)))  # ∂(A@x)/∂x = A, ∂(a·b)/∂b = a
            if isinstance(a, Name) and a.id == self.source and not _uses(b, self.source) and a_rank == 1:
                # ∂(a·b)/∂a = b for a dot product; ∂(x@W)/∂x = Wᵀ
                return _atom(_wrap(self.text_of(b)) + ("ᵀ" if b_rank == 2 else ""))
        raise _Unsupported

    def factor(self, expression: Node) -> list[_Term]:
        if isinstance(expression, Number):
            return _const(expression.value)
        return _atom(_wrap(self.text_of(expression)))


def _elementwise_path(expression: Node, name: str) -> bool:
    if isinstance(expression, (Name, Number)):
        return True
    if isinstance(expression, Index):
        return not _uses(expression, name)
    operation = OPERATIONS.get(expression.function)
    relevant = [argument for argument in expression.args if _uses(argument, name)]
    if relevant and (operation is None or not operation.elementwise):
        return False
    return all(_elementwise_path(argument, name) for argument in relevant)


def _evaluate_size(expression: Node, values) -> np.ndarray:
    from ..engine.graph import evaluate

    return evaluate(expression, values).value


def _divide_count(terms: list[_Term], count: int) -> list[_Term]:
    result = []
    for term in terms:
        if count and float(term.coefficient / count).is_integer():
            result.append(_Term(term.coefficient / count, term.factors, term.divisors))
        else:
            result.append(_Term(term.coefficient, term.factors, term.divisors + (str(count),)))
    return result


def _uses(expression: Node, name: str) -> bool:
    return any(found.id == name for found in names_in(expression))


def _local_formula(solution: Solution, node: str, source: str, render) -> str | None:
    """∂node/∂source as a formula, or None when it is not elementwise text (a Jacobian, an index)."""
    try:
        terms = _Symbolic(node, source, render, solution.values).derivative(
            solution.graph.nodes[node].expression, root=True
        )
    except _Unsupported:
        return None
    return _unwrap(_text(terms))


def _unwrap(text: str) -> str:
    """ "(y - yhat)" -> "y - yhat": brackets around the whole formula say nothing."""
    if not (text.startswith("(") and text.endswith(")")):
        return text
    depth = 0
    for index, char in enumerate(text):
        depth += char == "("
        depth -= char == ")"
        if depth == 0 and index < len(text) - 1:
            return text
    return text[1:-1]


# -- rungs for each kind of step ------------------------------------------------------------------------


def _value_hints(solution: Solution, quantity: Quantity) -> list[str]:
    name = quantity.name
    after = quantity.kind == "after"
    values = {**solution.graph.inputs, **solution.updated, **solution.after_values} if after else solution.values
    expression = solution.graph.nodes[name].expression
    parents = solution.graph.parents[name]
    formula = f"{name} = {to_text(expression)}"
    prefix = ""
    if after:
        prefix = f"After the update, do the forward pass again with the new {_listing(list(solution.updated))}. "
    first = (
        f"{prefix}{name} depends on {_listing(parents)}: take {'its value' if len(parents) == 1 else 'their values'} "
        f"from {'the steps before' if not after else 'the new parameters and the nodes before'}, then work out "
        f"{_operation_words(expression)}."
    )
    shape = _shape_note(solution, [*parents, name], values)
    functions = [
        FUNCTION_FORMULAS[call.function] for call in calls_in(expression) if call.function in FUNCTION_FORMULAS
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


def _local_hints(solution: Solution, quantity: Quantity) -> list[str]:
    node, source = quantity.name, quantity.source
    graph = solution.graph
    expression = graph.nodes[node].expression
    others = [parent for parent in graph.parents[node] if parent != source]
    local = solution.local_derivative(node, source)
    rules = _rules_on_the_way(expression, source)
    label = f"∂{node}/∂{source}"
    first = f"{label}: how {node} = {to_text(expression)} changes when only {source} moves"
    first += f" ({_listing(others)} held fixed)." if others else "."
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
    symbolic = _local_formula(solution, node, source, lambda name: name)
    if symbolic is not None:
        second = f"{label} = {symbolic}"
        numeric = _local_formula(solution, node, source, lambda name: _number(solution.values[name]))
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


def _grad_hints(solution: Solution, quantity: Quantity) -> list[str]:
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
        rules = _rules_on_the_way(expression, name)
        first = (
            f"{name} is used by {consumer} = {to_text(expression)}. Chain rule: {label} = d{output}/d{consumer} · "
            f"∂{consumer}/∂{name}, the upstream gradient times the local derivative."
        )
        if rules:
            first += " Rule: " + "; ".join(rules) + "."
    else:
        first = (
            f"{name} is used by {len(consumers)} nodes ({_listing(consumers)}): sum over paths, one term "
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
    up = "" if starts else (_number(solution.grads[consumer]) if numbers else f"d{output}/d{consumer}")

    def render(item: str) -> str:
        return _number(values[item]) if numbers else item

    def times(factor: str, operator: str = " · ") -> str:
        if not up:
            return factor
        return f"{up}{operator}{f'({factor})' if _is_sum(factor) or ' if ' in factor else factor}"

    expression = solution.graph.nodes[consumer].expression
    matrix = _matmul_term(expression, name, up or "1", render, values)
    if matrix is not None:
        return matrix
    local = solution.local_derivative(consumer, name)
    symbolic = _local_formula(solution, consumer, name, lambda item: item)
    operator = " ⊙ " if local.elementwise and np.ndim(local.value) else " · "
    if symbolic is None or (not local.elementwise and np.ndim(local.value) and np.ndim(values[consumer])):
        if numbers:
            return times(format_value(local.value), operator)
        return times(f"∂{consumer}/∂{name}", operator)
    if symbolic in ("1", "−1") and up:
        return up if symbolic == "1" else f"−{up}"
    if numbers:
        all_scalar = np.ndim(values[consumer]) == 0 and np.ndim(values[name]) == 0 and not lead
        formula = _local_formula(solution, consumer, name, render) if all_scalar else format_value(local.value)
        return times(formula, operator)
    return times(symbolic, operator)


def _outer_note(text: str) -> str:
    note = " (an outer product)"
    count = text.count(note)
    if count > 1:
        return text.replace(note, "") + " (each term an outer product)"
    return text


def _matmul_term(expression: Node, name: str, up: str, render, values) -> str | None:
    """dL/dW = δ·xᵀ, dL/dx = Wᵀ·δ and their cousins, for a matrix product inside sums."""
    sign = ""
    node = expression
    while isinstance(node, Call) and node.function in ("add", "subtract"):
        left, right = node.args
        if _uses(left, name) and not _uses(right, name):
            node = left
        elif _uses(right, name) and not _uses(left, name):
            if node.function == "subtract":
                sign = "" if sign else "−"
            node = right
        else:
            return None
    if not (isinstance(node, Call) and node.function == "matmul"):
        return None
    a, b = node.args
    try:
        a_shape = np.shape(_value_of(a, values))
        b_shape = np.shape(_value_of(b, values))
    except KeyError:
        return None

    def text(expression_: Node) -> str:
        replacements = {found.id: Number(0.0, render(found.id)) for found in names_in(expression_)}
        return _wrap(to_text(substitute(expression_, replacements)))

    if isinstance(a, Name) and a.id == name and not _uses(b, name):
        if len(a_shape) == 2 and len(b_shape) == 1:
            return f"{sign}{up} · {text(b)}ᵀ (an outer product)"
        if len(a_shape) == 1 and len(b_shape) == 1:
            return f"{sign}{up} · {text(b)}"
        if len(a_shape) == 1 and len(b_shape) == 2:
            return f"{sign}{text(b)} · {up}"
        return f"{sign}{up} · {text(b)}ᵀ"
    if isinstance(b, Name) and b.id == name and not _uses(a, name):
        if len(a_shape) == 2 and len(b_shape) == 1:
            return f"{sign}{text(a)}ᵀ · {up}"
        if len(a_shape) == 1 and len(b_shape) == 1:
            return f"{sign}{up} · {text(a)}"
        if len(a_shape) == 1 and len(b_shape) == 2:
            return f"{sign}{text(a)} ⊗ {up} (an outer product)"
        return f"{sign}{text(a)}ᵀ · {up}"
    return None


def _value_of(expression: Node, values) -> np.ndarray:
    if isinstance(expression, Name):
        return values[expression.id]
    if isinstance(expression, Number):
        return np.asarray(expression.value)
    raise KeyError("not a plain name")


def _update_hints(solution: Solution, quantity: Quantity) -> list[str]:
    name = quantity.name
    output = solution.output
    rate = solution.exercise.update.learning_rate
    rate_text = format_number(rate)
    shape = _shape_note(solution, [name])
    first = (
        f"Gradient descent moves {name} a small step against its gradient, downhill on {output}: subtract "
        f"the learning rate η = {rate_text} times d{output}/d{name}." + (" " + shape if shape else "")
    )
    second = f"new {name} = {name} − η·d{output}/d{name} = {name} − {rate_text}·d{output}/d{name}"
    third = (
        f"new {name} = {format_value(solution.values[name])} − {rate_text}·{_number(solution.grads[name])} with "
        "this exercise's numbers."
    )
    return [first, second, third, worked_answer(solution, quantity)]


__all__ = ["hint_ladder"]
