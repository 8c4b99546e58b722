"""The one expression parser, shared by exercise files and typed answers.

It turns text such as ``w1*x1 + b``, ``sigmoid(2.8)`` or ``[[1, 2], [3, 4]]`` into a small tree.
Nothing is ever handed to Python's ``eval``: the grammar is our own and deliberately tiny.
Length and nesting depth are bounded so that hostile input is refused quickly.

Grammar (lowest precedence first)::

    sum      := product (("+" | "-") product)*
    product  := unary (("*" | "/" | "@") unary)*
    unary    := ("-" | "+") unary | power
    power    := postfix (("^" | "**") unary)?          right-associative, so 2^3^2 = 2^9
    postfix  := primary ("[" index ("," index)* "]")*   index := integer (1-based) | ":" (the whole axis)
    primary  := number | name | name "(" arguments ")" | "(" sum ")" | "[" elements "]"

Operators become :class:`Call` nodes named after the operation (``add``, ``multiply``, ...), so
the engine sees one kind of node for ``a*b`` and for ``sigmoid(a)``.
"""

from __future__ import annotations

import difflib
import functools
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from .operations import FUNCTIONS, OPERATION_TABLE, OPERATORS

MAX_DEPTH = 60
DEFAULT_MAX_LENGTH = 2000

MAX_SETTING = 1000  # a stride, padding, pooling size or axis: more is never meant, and padding allocates it

MAX_TREE_DEPTH = 200  # operations inside operations; keeps evaluation well within Python's stack

# The operators' symbols come from the table of operations, as its functions and their arguments do.
BINARY_OPERATORS = {
    spec.symbol: spec.name for spec in OPERATION_TABLE.values() if spec.operator and len(spec.params) == 2
}
# How each operation is written back as text, for prompts and solutions.
OPERATOR_SYMBOLS = {name: symbol for symbol, name in BINARY_OPERATORS.items()}

# Characters people type from textbooks and phones, read as their ASCII meaning.
_LOOKALIKES = str.maketrans(
    {
        "\u2212": "-",
        "\u2013": "-",
        "\u00d7": "*",
        "\u00b7": "*",
        "\u22c5": "*",
        "\u00f7": "/",
    }
)
# Superscript exponents (x², 10⁻³) are read as ^ and the number by the tokenizer, where the
# positions of what was typed are known: normalise() keeps every character in its place.
_SUPERSCRIPT_DIGITS = {superscript: str(digit) for digit, superscript in enumerate("⁰¹²³⁴⁵⁶⁷⁸⁹")}
_SUPERSCRIPT_MINUS = "⁻"

_DIGITS = "0123456789"
_NUMBER = re.compile(r"(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class ExpressionError(ValueError):
    """Text that is not a valid expression; ``start``/``end`` locate the problem (0-based)."""

    def __init__(self, message: str, start: int = 0, end: int | None = None):
        super().__init__(message)
        self.message = message
        self.start = start
        self.end = start + 1 if end is None else end


@dataclass(frozen=True)
class Number:
    value: float
    text: str
    start: int = field(default=0, compare=False)
    end: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Name:
    id: str
    start: int = field(default=0, compare=False)
    end: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Call:
    """An operation applied to arguments: operators, functions and ``[a, b]`` (``stack``)."""

    function: str
    args: tuple[Node, ...]
    start: int = field(default=0, compare=False)
    end: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Index:
    """``target[i]``, ``target[i, j]`` or ``target[i, :]``: 1-based constant indices, None for ``:`` (a whole axis)."""

    target: Node
    indices: tuple[int | None, ...]
    start: int = field(default=0, compare=False)
    end: int = field(default=0, compare=False)


Node = Number | Name | Call | Index


@dataclass(frozen=True)
class Token:
    kind: str  # "number", "name", "op", "end"
    text: str
    start: int
    end: int


def normalise(text: str) -> str:
    """Read Unicode minus, times and division signs as -, * and /, one character for one."""
    return text.translate(_LOOKALIKES)


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    position = 0
    length = len(text)
    while position < length:
        char = text[position]
        if char.isspace():
            position += 1
            continue
        if char in _DIGITS or (char == "." and position + 1 < length and text[position + 1] in _DIGITS):
            match = _NUMBER.match(text, position)
            assert match is not None
            end = match.end()
            if end < length and text[end] not in _SUPERSCRIPT_DIGITS and (text[end].isalnum() or text[end] in "._"):
                if text[end] == "." or text[end].isdigit():
                    raise ExpressionError(
                        f"'{text[position : end + 1]}' is not a number (two decimal points?)", position, end + 1
                    )
                name = _NAME.match(text, end)
                word = name.group() if name else text[end]
                raise ExpressionError(
                    f"missing operator between {match.group()} and {word}: write {match.group()}*{word}",
                    position,
                    end + len(word),
                )
            tokens.append(Token("number", match.group(), position, end))
            position = end
            continue
        if char.isascii() and (char.isalpha() or char == "_"):
            match = _NAME.match(text, position)
            assert match is not None  # a letter or _ always starts a name
            tokens.append(Token("name", match.group(), position, match.end()))
            position = match.end()
            continue
        if char in _SUPERSCRIPT_DIGITS or char == _SUPERSCRIPT_MINUS:
            position = _superscript_exponent(text, position, tokens)
            continue
        if text.startswith("**", position):
            tokens.append(Token("op", "^", position, position + 2))
            position += 2
            continue
        if char in "+-*/@^()[],:":
            tokens.append(Token("op", char, position, position + 1))
            position += 1
            continue
        raise ExpressionError(f"unexpected character '{char}'", position)
    tokens.append(Token("end", "", length, length))
    return tokens


def _superscript_exponent(text: str, position: int, tokens: list[Token]) -> int:
    """x²: the tokens of ^2 (^-3 for ⁻³), each at the characters typed; returns the position after them."""
    tokens.append(Token("op", "^", position, position + 1))
    if text[position] == _SUPERSCRIPT_MINUS:
        tokens.append(Token("op", "-", position, position + 1))
        position += 1
    end = position
    while end < len(text) and text[end] in _SUPERSCRIPT_DIGITS:
        end += 1
    if end == position:
        raise ExpressionError("a superscript minus needs superscript digits after it, like 10⁻³", position)
    tokens.append(Token("number", "".join(_SUPERSCRIPT_DIGITS[char] for char in text[position:end]), position, end))
    return end


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.tokens = tokenize(text)
        self.position = 0
        self.depth = 0

    # -- helpers -----------------------------------------------------------------------------
    @property
    def current(self) -> Token:
        return self.tokens[self.position]

    def advance(self) -> Token:
        token = self.tokens[self.position]
        self.position += 1
        return token

    def at(self, text: str) -> bool:
        return self.current.kind == "op" and self.current.text == text

    def expect(self, text: str, opened: Token | None = None) -> Token:
        if self.at(text):
            return self.advance()
        if opened is not None and self.current.kind == "end":
            raise ExpressionError(
                f"'{opened.text}' at position {opened.start + 1} is never closed: add '{text}'",
                opened.start,
                opened.end,
            )
        raise ExpressionError(
            f"expected '{text}' but found {self.describe(self.current)}", self.current.start, self.current.end
        )

    @staticmethod
    def describe(token: Token) -> str:
        return "the end of the expression" if token.kind == "end" else f"'{token.text}'"

    def enter(self, token: Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError(
                f"the expression is nested too deeply (more than {MAX_DEPTH} levels)", token.start, token.end
            )

    # -- grammar -----------------------------------------------------------------------------
    def parse(self) -> Node:
        if self.current.kind == "end":
            raise ExpressionError("the expression is empty", 0, 0)
        node = self.sum()
        if self.current.kind != "end":
            token = self.current
            if token.kind in ("number", "name") or token.text in "([":
                raise ExpressionError(f"missing operator before {self.describe(token)}", token.start, token.end)
            if token.text in ")]":
                raise ExpressionError(f"'{token.text}' has no matching opening bracket", token.start, token.end)
            raise ExpressionError(f"unexpected {self.describe(token)}", token.start, token.end)
        return node

    def sum(self) -> Node:
        node = self.product()
        while self.at("+") or self.at("-"):
            operator = self.advance()
            right = self.product()
            node = Call(BINARY_OPERATORS[operator.text], (node, right), node.start, right.end)
        return node

    def product(self) -> Node:
        node = self.unary()
        while self.at("*") or self.at("/") or self.at("@"):
            operator = self.advance()
            right = self.unary()
            node = Call(BINARY_OPERATORS[operator.text], (node, right), node.start, right.end)
        return node

    def unary(self) -> Node:
        if self.at("-") or self.at("+"):
            sign = self.advance()
            self.enter(sign)
            operand = self.unary()
            self.depth -= 1
            if sign.text == "+":
                return operand
            if isinstance(operand, Number):  # keep -3 a plain number, so it reads back as "-3"
                return Number(-operand.value, "-" + operand.text, sign.start, operand.end)
            return Call("negate", (operand,), sign.start, operand.end)
        return self.power()

    def power(self) -> Node:
        base = self.postfix()
        if self.at("^"):
            operator = self.advance()
            self.enter(operator)
            exponent = self.unary()
            self.depth -= 1
            return Call("power", (base, exponent), base.start, exponent.end)
        return base

    def postfix(self) -> Node:
        node = self.primary()
        while self.at("["):
            opened = self.advance()
            indices = [self.index(opened)]
            while self.at(","):
                self.advance()
                indices.append(self.index(opened))
            closing = self.expect("]", opened)
            node = Index(node, tuple(indices), node.start, closing.end)
        return node

    def index(self, opened: Token) -> int | None:
        token = self.current
        if self.at(":"):  # E[2, :], a row: the whole of that axis
            self.advance()
            return None
        if token.kind != "number" or not token.text.isdigit():
            raise ExpressionError(
                f"an index must be a whole number like 1 or 2, or : for a whole row or column, not "
                f"{self.describe(token)}",
                token.start,
                token.end,
            )
        self.advance()
        value = int(token.text)
        if value < 1:
            raise ExpressionError("indices start at 1, as in x_1", token.start, token.end)
        return value

    def primary(self) -> Node:
        token = self.current
        if token.kind == "number":
            self.advance()
            value = float(token.text)
            if not math.isfinite(value):
                raise ExpressionError(f"the number {token.text[:20]} is too large", token.start, token.end)
            return Number(value, token.text, token.start, token.end)
        if token.kind == "name":
            self.advance()
            if self.at("("):
                return self.call(token)
            return Name(token.text, token.start, token.end)
        if self.at("("):
            opened = self.advance()
            self.enter(opened)
            if self.at(")"):
                raise ExpressionError("empty parentheses", opened.start, self.current.end)
            node = self.sum()
            self.expect(")", opened)
            self.depth -= 1
            return node
        if self.at("["):
            opened = self.advance()
            self.enter(opened)
            elements = self.arguments(opened, "]")
            closing = self.expect("]", opened)
            self.depth -= 1
            if not elements:
                raise ExpressionError("an empty list [] has no value", opened.start, closing.end)
            return Call("stack", tuple(elements), opened.start, closing.end)
        if token.kind == "end":
            raise ExpressionError("the expression ends too early: a number or name is missing", token.start, token.end)
        if token.text in ")]":
            raise ExpressionError(f"'{token.text}' has no matching opening bracket", token.start, token.end)
        raise ExpressionError(f"expected a number or a name but found '{token.text}'", token.start, token.end)

    def call(self, name: Token) -> Node:
        if name.text in OPERATORS:
            raise ExpressionError(
                f"'{name.text}' is not a function: write it with its symbol (+ - * / ^ @ or [...])",
                name.start,
                name.end,
            )
        opened = self.advance()
        self.enter(opened)
        args = self.arguments(opened, ")")
        closing = self.expect(")", opened)
        self.depth -= 1
        return Call(name.text, tuple(args), name.start, closing.end)

    def arguments(self, opened: Token, closing: str) -> list[Node]:
        args: list[Node] = []
        if self.at(closing):
            return args
        args.append(self.sum())
        while self.at(","):
            self.advance()
            if self.at(closing):
                raise ExpressionError(
                    f"a value is missing after ',' before '{closing}'", self.current.start, self.current.end
                )
            args.append(self.sum())
        return args


@functools.lru_cache(maxsize=1024)
def parse(text: str, max_length: int = DEFAULT_MAX_LENGTH) -> Node:
    """Parse ``text`` into a tree; raise :class:`ExpressionError` with a friendly message.

    The trees are immutable, so a text is parsed once: the same texts come back (an exercise loaded by each
    command or screen, a generator's drafts, answers checked again), and a parse takes 30-150 µs."""
    if len(text) > max_length:
        raise ExpressionError(
            f"the expression is too long ({len(text):,} characters; the limit is {max_length:,})", 0, 0
        )
    tree = _Parser(normalise(text)).parse()
    if tree_depth(tree) > MAX_TREE_DEPTH:
        raise ExpressionError(
            f"the expression chains more than {MAX_TREE_DEPTH} operations: split it into several nodes", 0, 0
        )
    return tree


def tree_depth(node: Node) -> int:
    """How many operations deep the tree goes (a flat sum of n terms is n - 1 deep)."""
    deepest = 0
    stack: list[tuple[Node, int]] = [(node, 0)]
    while stack:
        current, depth = stack.pop()
        deepest = max(deepest, depth)
        if isinstance(current, Call):
            stack.extend((argument, depth + 1) for argument in current.args)
        elif isinstance(current, Index):
            stack.append((current.target, depth + 1))
    return deepest


def check_calls(node: Node) -> list[str]:
    """Unknown functions and wrong numbers of arguments, with a "did you mean" where it helps."""
    problems = []
    for call in calls_in(node):
        if call.function in OPERATORS:
            continue
        arity = FUNCTIONS.get(call.function)
        if arity is None:
            close = difflib.get_close_matches(call.function, list(FUNCTIONS), n=1, cutoff=0.6)
            problems.append(f"unknown function '{call.function}'" + (f" (did you mean '{close[0]}'?)" if close else ""))
        else:
            spec = OPERATION_TABLE[call.function]
            if not spec.fewest <= len(call.args) <= arity:
                wanted = (
                    "one argument"
                    if arity == 1
                    else f"{arity} arguments"
                    if spec.fewest == arity
                    else f"{spec.fewest} to {arity} arguments"
                )
                problems.append(f"{call.function} takes {wanted}, not {len(call.args)}")
                continue
            for param, argument in zip(spec.params, call.args):
                if param in spec.settings and not (
                    isinstance(argument, Number) and 0 <= argument.value <= MAX_SETTING and argument.value.is_integer()
                ):
                    problems.append(
                        f"the {param} of {call.function} must be a whole number from 0 to {MAX_SETTING:,} written "
                        f"in the expression (like 2), not {to_text(argument)}"
                    )
    return problems


def names_in(node: Node) -> list[Name]:
    """Every name the expression refers to (not function names), in reading order."""
    found: list[Name] = []
    stack: list[Node] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, Name):
            found.append(current)
        elif isinstance(current, Call):
            stack.extend(reversed(current.args))
        elif isinstance(current, Index):
            stack.append(current.target)
    return found


def uses(node: Node, name: str) -> bool:
    """Whether the expression refers to ``name``."""
    return any(found.id == name for found in names_in(node))


def elementwise_in(node: Node, name: str) -> bool:
    """Whether every operation between ``name`` and the root is elementwise (an index of it is not)."""
    if isinstance(node, (Name, Number)):
        return True
    if isinstance(node, Index):
        return not uses(node.target, name)
    relevant = [argument for argument in node.args if uses(argument, name)]
    if relevant and not OPERATION_TABLE[node.function].elementwise:
        return False
    return all(elementwise_in(argument, name) for argument in relevant)


def calls_in(node: Node) -> list[Call]:
    """Every operation or function call in the expression, in reading order."""
    found: list[Call] = []
    stack: list[Node] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, Call):
            found.append(current)
            stack.extend(reversed(current.args))
        elif isinstance(current, Index):
            stack.append(current.target)
    return found


def substitute(node: Node, replacements: Mapping[str, Node]) -> Node:
    """A copy of the tree with names replaced: by other names (each batch sample gets its own
    nodes) or by numbers (a formula with this exercise's numbers in it)."""
    if isinstance(node, Name):
        return replacements.get(node.id, node)
    if isinstance(node, Call):
        return Call(node.function, tuple(substitute(arg, replacements) for arg in node.args), node.start, node.end)
    if isinstance(node, Index):
        return Index(substitute(node.target, replacements), node.indices, node.start, node.end)
    return node


_PRECEDENCE = {"add": 1, "subtract": 1, "multiply": 2, "divide": 2, "matmul": 2, "negate": 3, "power": 4}


def to_text(node: Node) -> str:
    """Write a tree back as tidy text: ``w1*x1 + b``, ``sigmoid(z)``, ``(yhat - y)^2``."""
    return _to_text(node, 0)


def _to_text(node: Node, parent_precedence: int) -> str:
    if isinstance(node, Number):
        # a negative number is its own token, but (-3)^2 still needs its brackets
        return f"({node.text})" if node.text.startswith("-") and parent_precedence >= 3 else node.text
    if isinstance(node, Name):
        return node.id
    if isinstance(node, Index):
        return (
            f"{_to_text(node.target, 5)}[{', '.join(':' if index is None else str(index) for index in node.indices)}]"
        )
    precedence = _PRECEDENCE.get(node.function)
    if node.function == "stack":
        return "[" + ", ".join(_to_text(arg, 0) for arg in node.args) + "]"
    if precedence is None:
        return f"{node.function}(" + ", ".join(_to_text(arg, 0) for arg in node.args) + ")"
    if node.function == "negate":
        text = "-" + _to_text(node.args[0], precedence)
    elif node.function == "power":
        # right-associative: the base needs brackets at equal precedence, the exponent does not
        text = f"{_to_text(node.args[0], precedence + 1)}^{_to_text(node.args[1], precedence)}"
    else:
        symbol = OPERATOR_SYMBOLS[node.function]
        left = _to_text(node.args[0], precedence)
        right = _to_text(node.args[1], precedence + 1)
        text = f"{left} {symbol} {right}" if precedence == 1 else f"{left}{symbol}{right}"
    return (
        f"({text})" if precedence < parent_precedence or (node.function == "negate" and parent_precedence > 3) else text
    )
