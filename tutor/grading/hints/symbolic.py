"""A small symbolic derivative, for the formula rungs: ∂(expression)/∂source as text.

Sums, products, quotients and powers are the rules of algebra below; every function is differentiated
with its templates in the table of operations (tutor/exercise/operations.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...engine.formatting import format_number
from ...engine.graph import Solution, evaluate
from ...exercise.expression import Index, Name, Node, Number, elementwise_in, names_in, substitute, to_text, uses
from ...exercise.operations import OPERATION_TABLE, OperationSpec


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


def wrap(text: str) -> str:
    if text.startswith("[") and text.endswith("]"):
        return text  # a vector or matrix of numbers reads as one thing already
    return f"({text})" if not _simple(text.lstrip("−-")) and not (text.startswith("(") and text.endswith(")")) else text


def is_sum(text: str) -> bool:
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
            b_text = wrap(self.text_of(b))
            first = _divide(d(a), b_text)
            second = _negate(_divide(_multiply(self.factor(a), d(b)), f"{b_text}²"))
            return _add(first, second)
        if function == "power":
            base, exponent = args
            if not isinstance(exponent, Number):
                raise _Unsupported
            p = exponent.value
            base_text = wrap(self.text_of(base))
            if p - 1 == 0:
                factor = _const(1.0)
            elif p - 1 == 1:
                factor = _atom(base_text)
            else:
                factor = _atom(f"{base_text}^{format_number(p - 1)}")
            return _multiply(_multiply(_const(p), factor), d(base))
        spec = OPERATION_TABLE[function]
        if spec.derivatives:
            return self.through_function(spec, args, root)
        if function in ("max", "min"):
            a, b = args
            relation = "≥" if function == "max" else "≤"
            if uses(a, self.source) and not uses(b, self.source):
                condition = (
                    f"{self.text_of(a)} > 0"
                    if isinstance(b, Number) and b.value == 0 and function == "max"
                    else f"{self.text_of(a)} {relation} {self.text_of(b)}"
                )
                return _multiply(_atom(f"(1 if {condition}, else 0)"), d(a))
            if uses(b, self.source) and not uses(a, self.source):
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
            if len(args) > 1 or not elementwise_in(argument, self.source):  # along an axis: said in words
                raise _Unsupported
            inner = d(argument)
            if function == "sum":
                return inner
            count = int(np.size(evaluate(argument, self.values).value))
            return _divide_count(inner, count)
        if function == "matmul":
            a, b = args
            try:
                a_rank, b_rank = np.ndim(value_of(a, self.values)), np.ndim(value_of(b, self.values))
            except KeyError:
                raise _Unsupported from None
            if isinstance(b, Name) and b.id == self.source and not uses(a, self.source) and b_rank == 1:
                return _atom(wrap(self.text_of(a)))  # ∂(A@x)/∂x = A, ∂(a·b)/∂b = a
            if isinstance(a, Name) and a.id == self.source and not uses(b, self.source) and a_rank == 1:
                # ∂(a·b)/∂a = b for a dot product; ∂(x@W)/∂x = Wᵀ
                return _atom(wrap(self.text_of(b)) + ("ᵀ" if b_rank == 2 else ""))
        raise _Unsupported

    def through_function(self, spec: OperationSpec, args: tuple[Node, ...], root: bool) -> list[_Term]:
        """The chain rule through a function: its table template for each argument times that argument's derivative."""
        fields = {}
        for param, argument in zip(spec.params, args):
            text = self.text_of(argument)
            fields[param + "_bare"] = _unwrap(text)  # σ(-0.6), not σ((-0.6))
            fields[param] = wrap(text)
        if root and isinstance(args[0], Name):
            value = self.render(self.node)  # the node's own name (or number): ŷ(1 − ŷ)
        else:
            value = f"{spec.shown_as}({', '.join(_unwrap(self.text_of(argument)) for argument in args)})"
        fields["out"], fields["out_bare"] = wrap(value), value
        pieces = []
        for template, argument in zip(spec.derivatives, args):
            inner = self.derivative(argument)
            local = template.format_map(fields)
            # a template 1/… divides the chain: 2/(w·x) rather than 1/(w·x)·2
            pieces.append(_divide(inner, local[2:]) if local.startswith("1/") else _multiply(_atom(local), inner))
        terms = pieces[0]
        for piece in pieces[1:]:
            terms = _add(terms, piece)
        return terms

    def factor(self, expression: Node) -> list[_Term]:
        if isinstance(expression, Number):
            return _const(expression.value)
        return _atom(wrap(self.text_of(expression)))


def _divide_count(terms: list[_Term], count: int) -> list[_Term]:
    result = []
    for term in terms:
        if count and float(term.coefficient / count).is_integer():
            result.append(_Term(term.coefficient / count, term.factors, term.divisors))
        else:
            result.append(_Term(term.coefficient, term.factors, term.divisors + (str(count),)))
    return result


def local_formula(solution: Solution, node: str, source: str, render) -> str | None:
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


def value_of(expression: Node, values) -> np.ndarray:
    if isinstance(expression, Name):
        return values[expression.id]
    if isinstance(expression, Number):
        return np.asarray(expression.value)
    raise KeyError("not a plain name")
