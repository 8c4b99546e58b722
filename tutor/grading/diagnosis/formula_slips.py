"""The slips of a derivation typed as a formula: the right formula with one slip made in it each, in the order
they are tried (the most specific first).

Each slip is the sign, a factor left out or added (the 2 of a square, the 1/N of a mean, the inner derivative of the
chain rule), one variable for another, a matrix product in the wrong order, a term of a sum left out, σ for σ′, + for
− in an update, the learning rate missing or applied twice. The explanations point at the slip and never write the
right formula.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ...engine.formatting import format_number, listing
from ...exercise.expression import Call, Name, Node, Number, names_in, substitute
from ...exercise.model import QuestionSpec
from ...exercise.operations import OPERATION_TABLE
from .formula_paths import Path, replace_at, subtree_at, subtrees, variants, written_number

# How formulas name a learning rate: an update rule is p − (one of these)·(gradient)
LEARNING_RATE_NAMES = frozenset({"alpha", "eta", "lr", "learning_rate"})

ONE = Number(1.0, "1")


@dataclass(frozen=True)
class FormulaSlip:
    label: str  # one of the labels of .labels
    formula: Node  # the right formula with the slip made in it
    explanation: str  # what the slip is, without the right formula


def formula_slips(question: QuestionSpec) -> Iterator[FormulaSlip]:
    """The right formula with one slip each, the most specific slips first."""
    right = question.answer
    update = _update_rule(right)
    if update is not None:
        yield from _update_slips(right, *update)
    yield FormulaSlip(
        "sign",
        Call("negate", (right,)),
        "Your formula has the right size but the wrong sign: look for a lost minus sign (the derivative of −u is "
        "−u′, and ∂(a − b)/∂b = −1).",
    )
    yield from _activation_slips(right)
    yield from _dropped_factors(right, question, update)
    yield from _extra_factors(right, question)
    yield from _wrong_variables(right, question)
    yield from _transposed(right)
    yield from _dropped_terms(right)
    yield from _term_signs(right)
    yield from _brackets_lost(right)
    yield from _inverted_factors(right)


# -- the families of slips ---------------------------------------------------------------------------------


def _update_rule(right: Node) -> tuple[Node, Path] | None:
    """For an update rule p − η·g: the parameter p and the path of η's name; None for any other formula."""
    if not (isinstance(right, Call) and right.function == "subtract"):
        return None
    parameter, step = right.args
    for path, node in subtrees(step):
        if isinstance(node, Name) and node.id in LEARNING_RATE_NAMES:
            return parameter, (1, *path)
    return None


def _update_slips(right: Node, parameter: Node, rate_path: Path) -> Iterator[FormulaSlip]:
    step = subtree_at(right, (1,))
    rate = subtree_at(right, rate_path)
    assert isinstance(rate, Name)  # _update_rule found it by its name
    yield FormulaSlip(
        "sign",
        Call("add", (parameter, step)),
        "Your update adds the step instead of subtracting it: gradient descent moves against the gradient.",
    )
    yield FormulaSlip("learning_rate_missing", replace_at(right, rate_path, ONE), "Your update has no learning rate.")
    for doubled, how in (
        (Call("multiply", (rate, rate)), "squared"),
        (Call("multiply", (Number(2.0, "2"), rate)), "doubled"),
    ):
        yield FormulaSlip(
            "learning_rate_twice",
            replace_at(right, rate_path, doubled),
            f"Your update applies the learning rate twice ({rate.id} {how}): it multiplies the gradient once.",
        )
    for only_step in (step, Call("negate", (step,))):
        yield FormulaSlip(
            "update_step_only",
            only_step,
            "Your formula is only the step: the new value is the old one plus that step.",
        )
    yield FormulaSlip(
        "neighbour_value", parameter, "Your formula is the value before the update: the step is not done."
    )


def _activation_slips(right: Node) -> Iterator[FormulaSlip]:
    """σ(u) where σ′(u) belongs (a derivative written with the function's value), and u where σ(u) belongs."""
    for path, node in subtrees(right):
        value = _written_with_its_value(node)
        if value is not None:
            words = _words(value) + " itself" if _words(value) else "the function's value"
            for formula in variants(right, path, value):
                yield FormulaSlip(
                    "activation_not_derivative", formula, f"Your formula has {words} where its derivative belongs."
                )
    for path, node in subtrees(right):
        if isinstance(node, Call) and _words(node):
            words = _words(node)
            for formula in variants(right, path, node.args[0]):
                yield FormulaSlip(
                    "pre_activation", formula, f"Your formula uses the input of {words} where {words} of it belongs."
                )


def _words(node: Node) -> str:
    """An activation's words ("the sigmoid"), or "" for any other node."""
    if isinstance(node, Call) and node.function in OPERATION_TABLE and OPERATION_TABLE[node.function].activation:
        return OPERATION_TABLE[node.function].words
    return ""


def _dropped_factors(right: Node, question: QuestionSpec, update: tuple[Node, Path] | None) -> Iterator[FormulaSlip]:
    """One factor of a product (or a quotient's numerator or divisor, or a square's second factor) left out."""
    rate_path = update[1] if update else None
    square = _has_square(question)
    for path, node in subtrees(right):
        if not isinstance(node, Call):
            continue
        a = node.args[0]
        # (the factor left out, what the node becomes without it, where the factor is, whether it divides)
        if node.function == "multiply":
            drops = [(node.args[1], a, (*path, 1), False), (a, node.args[1], (*path, 0), False)]
        elif node.function == "divide":
            drops = [(node.args[1], a, (*path, 1), True), (a, Call("divide", (ONE, node.args[1])), (*path, 0), False)]
        elif node.function == "negate" and isinstance(a, Name):
            drops = [(a, Call("negate", (ONE,)), (*path, 0), False)]  # -y/a written -1/a
        elif node.function == "power" and written_number(node.args[1]) == 2:
            yield FormulaSlip(
                "missing_factor",
                replace_at(right, path, a),
                "Your formula misses a square: one factor of a product of a term with itself is left out.",
            )
            continue
        else:
            continue
        for dropped, without, dropped_path, divisor in drops:
            if written_number(dropped) == 1 or dropped_path == rate_path:
                continue  # 1/b has no factor 1 to leave out; the learning rate has the update's own slips
            for formula in variants(right, path, without):
                yield _dropped(formula, dropped, divisor, square)


def _dropped(formula: Node, dropped: Node, divisor: bool, square: bool) -> FormulaSlip:
    """The slip of leaving ``dropped`` out, named by what it was: the 2 of a square, the N of a mean, a constant, or
    a factor with variables (an inner derivative)."""
    value = written_number(dropped)
    if value == 2 and not divisor and square:
        return FormulaSlip(
            "missing_factor_2", formula, "Your formula misses the factor 2 from the derivative of a square."
        )
    if value == 2 and not divisor:
        return FormulaSlip("factor_of_two", formula, "Your formula is half the right one: a factor 2 is missing.")
    if value is not None and value >= 3 and float(value).is_integer() and divisor:
        return FormulaSlip(
            "mean_vs_sum",
            formula,
            f"Your formula misses the 1/N of a mean (here N = {format_number(value)}): a mean divides by the count.",
        )
    if value is not None:
        return FormulaSlip("missing_factor", formula, "Your formula misses a constant factor.")
    where = "divisor" if divisor else "factor"
    return FormulaSlip(
        "missing_factor",
        formula,
        f"Your formula misses a {where} in {_names(dropped)}: check that each step of the chain rule contributes its factor "
        "(the derivative of every inner function on the way).",
    )


def _extra_factors(right: Node, question: QuestionSpec) -> Iterator[FormulaSlip]:
    square = _has_square(question)
    yield FormulaSlip(
        "extra_factor_2" if square else "factor_of_two",
        Call("multiply", (Number(2.0, "2"), right)),
        "Your formula is twice the right one: the 2 of a square counted twice, or a ½ in front of it ignored."
        if square
        else "Your formula is twice the right one.",
    )
    yield FormulaSlip(
        "missing_factor_2" if square else "factor_of_two",
        Call("divide", (right, Number(2.0, "2"))),
        "Your formula is half the right one: the factor 2 from the derivative of a square is missing."
        if square
        else "Your formula is half the right one.",
    )
    for _, node in subtrees(right):
        if isinstance(node, Call) and node.function == "divide":
            count = written_number(node.args[1])
            if count is not None and count >= 3 and float(count).is_integer():
                yield FormulaSlip(
                    "mean_vs_sum",
                    Call("divide", (right, node.args[1])),
                    f"Your formula divides by N = {format_number(count)} once too often.",
                )
    factors = [node for _, node in subtrees(right) if _is_factor(right, node)]
    for factor in factors:
        yield FormulaSlip(
            "extra_factor",
            Call("multiply", (right, factor)),
            f"Your formula has one factor in {_names(factor)} too many: it is counted twice.",
        )
    for variable in sorted(question.variables):
        yield FormulaSlip(
            "extra_factor",
            Call("multiply", (right, Name(variable))),
            f"Your formula has an extra factor {variable}.",
        )


def _wrong_variables(right: Node, question: QuestionSpec) -> Iterator[FormulaSlip]:
    """One variable for another: everywhere, in one place, or two swapped."""
    variables = sorted(question.variables)
    used = sorted({name.id for name in names_in(right)})
    for old in used:
        for new in variables:
            if new != old:
                where = "another variable" if isinstance(right, Name) else old  # a lone name would be the answer
                yield FormulaSlip(
                    "wrong_variable",
                    substitute(right, {old: Name(new)}),
                    f"Your formula uses {new} where {where} belongs.",
                )
    for path, node in subtrees(right):
        if isinstance(node, Name) and sum(name.id == node.id for name in names_in(right)) > 1:
            for new in variables:
                if new != node.id:
                    yield FormulaSlip(
                        "wrong_variable",
                        replace_at(right, path, Name(new)),
                        f"Your formula uses {new} in one place where {node.id} belongs.",
                    )
    for index, old in enumerate(used):
        for new in used[index + 1 :]:
            yield FormulaSlip(
                "wrong_variable",
                substitute(right, {old: Name(new), new: Name(old)}),
                f"Your formula swaps {old} and {new}.",
            )


def _transposed(right: Node) -> Iterator[FormulaSlip]:
    for path, node in subtrees(right):
        if isinstance(node, Call) and node.function == "matmul":
            yield FormulaSlip(
                "transposed",
                replace_at(right, path, Call("matmul", (node.args[1], node.args[0]))),
                "Your formula multiplies two matrices in the wrong order.",
            )
        elif isinstance(node, Call) and node.function == "transpose":
            yield FormulaSlip(
                "transposed", replace_at(right, path, node.args[0]), "Your formula leaves out a transpose."
            )


def _dropped_terms(right: Node) -> Iterator[FormulaSlip]:
    for path, node in subtrees(right):
        if isinstance(node, Call) and node.function in ("add", "subtract"):
            second = node.args[1] if node.function == "add" else Call("negate", (node.args[1],))
            for formula in (*variants(right, path, node.args[0]), *variants(right, path, second)):
                yield FormulaSlip(
                    "missing_term",
                    formula,
                    "Your formula leaves out one term of a sum: a path of the chain rule (sum over paths), or a "
                    "part of the derivative of a sum.",
                )


def _term_signs(right: Node) -> Iterator[FormulaSlip]:
    for path, node in subtrees(right):
        if isinstance(node, Call) and node.function in ("add", "subtract"):
            other = "subtract" if node.function == "add" else "add"
            yield FormulaSlip(
                "sign",
                replace_at(right, path, Call(other, node.args)),
                "Your formula has one term with the wrong sign: look for a lost minus sign.",
            )
            if node.function == "subtract":
                yield FormulaSlip(
                    "sign",
                    replace_at(right, path, Call("subtract", (node.args[1], node.args[0]))),
                    "Your formula has a difference the wrong way round.",
                )
        elif isinstance(node, Call) and node.function == "negate" and path:
            yield FormulaSlip(
                "sign", replace_at(right, path, node.args[0]), "Your formula has lost a minus sign inside it."
            )


def _brackets_lost(right: Node) -> Iterator[FormulaSlip]:
    """A factor of a whole sum applied to one of its terms only: 2*(a − b) written 2*a − b, (a + b)/n as a + b/n."""
    for path, node in subtrees(right):
        if not (isinstance(node, Call) and node.function in ("multiply", "divide")):
            continue
        for side in (0, 1) if node.function == "multiply" else (0,):  # a divisor's sum is not a factor of terms
            total, factor = node.args[side], node.args[1 - side]
            if not (isinstance(total, Call) and total.function in ("add", "subtract")):
                continue
            value = written_number(factor)
            what = f"the factor {format_number(value)}" if value is not None else f"the factor in {_names(factor)}"
            if node.function == "divide":
                what = what.replace("factor", "divisor", 1)
            for term in (0, 1):
                terms = list(total.args)
                terms[term] = Call(node.function, (terms[term], factor) if side == 0 else (factor, terms[term]))
                yield FormulaSlip(
                    "missing_factor",
                    replace_at(right, path, Call(total.function, tuple(terms))),
                    f"Your formula applies {what} to one term of a sum only: it belongs to the whole sum (the "
                    "brackets around it are lost).",
                )


def _inverted_factors(right: Node) -> Iterator[FormulaSlip]:
    """A variable factor multiplied where it divides, or divided where it multiplies: −y·a for −y/a (the derivative
    of log a is 1/a, not a)."""
    for path, node in subtrees(right):
        if not isinstance(node, Call):
            continue
        if node.function == "divide" and names_in(node.args[1]):
            yield FormulaSlip(
                "inverted_factor",
                replace_at(right, path, Call("multiply", node.args)),
                f"Your formula multiplies by {_names(node.args[1])} where it divides by it (the derivative of "
                "log u is u′/u, of 1/u is −u′/u²).",
            )
        elif node.function == "multiply":
            for side in (0, 1):
                if names_in(node.args[side]):
                    yield FormulaSlip(
                        "inverted_factor",
                        replace_at(right, path, Call("divide", (node.args[1 - side], node.args[side]))),
                        f"Your formula divides by {_names(node.args[side])} where it multiplies by it.",
                    )


def _names(node: Node) -> str:
    """The variables of an expression, in words ("x", "w and x"): a factor is named by them, never written out."""
    return listing(sorted({name.id for name in names_in(node)}))


def _written_with_its_value(node: Node) -> Node | None:
    """s for a derivative written with the function's value s, as σ′ and softmax′ are (s·(1 − s), s − s²) and tanh′
    (1 − s²): the value a learner writes instead of the derivative; None for any other node."""
    if not isinstance(node, Call) or len(node.args) != 2:
        return None
    first, second = node.args
    if node.function == "multiply":
        for value, rest in ((first, second), (second, first)):
            if isinstance(rest, Call) and rest.function == "subtract" and written_number(rest.args[0]) == 1:
                if rest.args[1] == value:
                    return value
    if node.function == "subtract" and isinstance(second, Call) and second.function == "power":
        base, exponent = second.args
        if written_number(exponent) == 2 and (written_number(first) == 1 or first == base):
            return base
    return None


def _has_square(question: QuestionSpec) -> bool:
    """Whether the function differentiated has a square in it, as its prompt writes it (the answer's own squares,
    tanh′ = 1 − tanh², say nothing of a 2 that a derivative brings down)."""
    prompt = question.prompt.replace(" ", "")
    return "²" in prompt or "^2" in prompt or "**2" in prompt


def _is_factor(right: Node, node: Node) -> bool:
    """Whether ``node`` is an argument of a product in ``right`` (and uses a variable)."""
    return bool(names_in(node)) and any(
        isinstance(parent, Call) and parent.function == "multiply" and any(argument is node for argument in parent.args)
        for _, parent in subtrees(right)
    )
