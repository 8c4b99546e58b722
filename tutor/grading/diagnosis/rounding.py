"""Rounding: the answer rounded (or cut off) too coarsely, or computed from intermediate values rounded too early."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ...engine.derivatives import chain_product
from ...engine.formatting import format_number, format_value
from ...engine.graph import Values
from ..comparison import compare
from ..quantities import QuantityKind, learning_rate
from .answer import WrongAnswer
from .labels import Diagnosis
from .numbers import round_significant

# how far from the right answer "rounded intermediates" may lead, by the figures they were rounded to
ROUNDING_WINDOWS = {2: 0.10, 1: 0.5}


def rounded_answer(answer: WrongAnswer, value: np.ndarray) -> Diagnosis | None:
    """The answer itself rounded (or cut off) too coarsely: read at the most figures that explain it, so "0.30" is
    0.2963 rounded to 2 figures and "0.100" is 0.10098 cut off after 3 (not rounded to 1)."""
    expected = answer.expected
    figures = answer.figures_written(value)
    # a step judged on its change (an update) is rounded too coarsely at any number of figures that hides it
    most = min(figures, 3 if answer.base is None else 7)
    for digits in range(most, 0, -1):
        for cut in (False, True):
            rounded = round_significant(expected, digits, cut)
            if (
                np.allclose(rounded, value, rtol=1e-9, atol=0)
                and not compare(rounded, expected, answer.tolerance, base=answer.base).matches
            ):
                return Diagnosis("rounding", rounding_text(answer, value, digits, cut, figures))
    return None


def rounded_as_written(answer: WrongAnswer, value: np.ndarray) -> bool:
    """The answer is exactly the right value rounded to the significant figures it is written with."""
    return bool(
        np.allclose(round_significant(answer.expected, answer.figures_written(value)), value, rtol=1e-9, atol=0)
    )


def rounding_text(answer: WrongAnswer, value: np.ndarray, digits: int, cut: bool, figures: int) -> str:
    """What went wrong and what to do, never telling a learner to keep the figures they already kept."""
    how = f"cut off after {digits}" if cut else f"rounded to {digits}"
    how += f" significant figure{'s' if digits > 1 else ''}"
    if figures > digits:  # "0.100" for 0.104: the figures after the first are zeros written, not worked out
        how += f", with zeros written up to {figures} figures"
    off = f"more than {format_number(answer.tolerance.relative * 100)}% off"
    if answer.quantity.kind == QuantityKind.UPDATE:  # from the given parameter
        off = f"a change of {format_value(value - answer.base, 3)} from {format_value(answer.base)}, {off} the right change"
    elif answer.base is not None:  # a value after the update: its value before is all but the answer
        off = f"a change {off} the right change"
    needed = figures_needed(answer)
    if figures > digits:
        advice = f"work out at least {needed} significant figures instead of writing zeros"
    elif needed > figures:
        advice = f"keep at least {needed} significant figures" + (", rounding the last one" if cut else "")
    else:  # as many figures as needed, cut off instead of rounded
        advice = "round the last figure instead of cutting it off"
    return f"Your {answer.label_text} is the right value {how}, which is {off}: {advice}."


def rounded_early(answer: WrongAnswer, value: np.ndarray, early_figures: tuple[int, ...]) -> Diagnosis | None:
    """The answer computed from intermediate values rounded too early."""
    expected = answer.expected
    figures = answer.figures_written(value)
    for digits in early_figures:
        if not rounding_reaches(answer, value, digits):
            continue
        for candidate in rounded_recomputations(answer, digits):
            candidate = np.asarray(candidate, dtype=np.float64)
            if candidate.shape != expected.shape:
                continue
            matches = compare(value, candidate, answer.tolerance, base=answer.base).matches
            if not matches and figures <= 3:
                matches = np.allclose(round_significant(candidate, figures), value, rtol=1e-9, atol=0)
            if matches:
                return Diagnosis(
                    "rounding",
                    (
                        f"Your {answer.label_text} is what you get from intermediate values rounded to {digits} "
                        f"significant figure{'s' if digits > 1 else ''}: rounding too early lets the error grow along "
                        f"the chain. Keep 3 or 4 figures in intermediate results (an answer computed from your own "
                        f"earlier accepted answers is accepted)."
                    ),
                )
    return None


def rounding_reaches(answer: WrongAnswer, value: np.ndarray, digits: int) -> bool:
    """Whether intermediates rounded to ``digits`` figures could lead from the right answer to ``value``."""
    window = ROUNDING_WINDOWS[digits] * np.abs(answer.expected) + answer.tolerance.absolute
    return bool(np.all(np.abs(value - answer.expected) <= window))


def figures_needed(answer: WrongAnswer) -> int:
    """The fewest significant figures of the right value that are within the tolerance."""
    for digits in range(1, 16):
        if compare(
            round_significant(answer.expected, digits), answer.expected, answer.tolerance, base=answer.base
        ).matches:
            return digits
    return 16


def rounded_recomputations(answer: WrongAnswer, digits: int) -> Iterator[np.ndarray]:
    """The step computed from the numbers it needs rounded to ``digits`` significant figures."""
    solution, quantity = answer.solution, answer.quantity
    graph = solution.graph
    name = quantity.name
    kind = quantity.kind

    def rounded(values: Values, names: list[str]) -> Values:
        return {**values, **{n: round_significant(values[n], digits) for n in names}}

    if kind in (QuantityKind.VALUE, QuantityKind.AFTER):
        values = solution.values if kind == QuantityKind.VALUE else {**solution.after_values}
        yield graph.evaluate_node(name, rounded(values, graph.parents[name])).value
    elif kind == QuantityKind.LOCAL:
        values = rounded(solution.values, graph.parents[name])
        source = quantity.edge[1]
        yield graph.local_derivative(name, source, graph.evaluate_node(name, values)).value
        from_output = graph.local_derivative_from_output(name, source, round_significant(solution.values[name], digits))
        if from_output is not None:
            yield from_output.value
    elif kind == QuantityKind.GRAD:
        consumers = answer.context.consumers[name]
        if not consumers:
            return
        totals: list[np.ndarray] = []
        for consumer in consumers:
            rank = np.ndim(solution.values[consumer])
            # the numbers rounded, and the learner's own upstream gradient and value of the consumer where given
            upstreams = [round_significant(solution.grads[consumer], digits)]
            outputs = [round_significant(solution.values[consumer], digits)]
            for own_numbers, found, right in (
                (answer.learner_grads, upstreams, solution.grads[consumer]),
                (answer.learner_values, outputs, solution.values[consumer]),
            ):
                own = own_numbers.get(consumer)
                if own is not None and np.shape(own) == np.shape(right):
                    found.insert(0, np.asarray(own, dtype=np.float64))
            values = rounded(solution.values, graph.parents[consumer])
            local = graph.local_derivative(consumer, name, graph.evaluate_node(consumer, values)).jacobian
            exact = answer.context.jacobian(consumer, name)
            terms: list[np.ndarray] = []
            for upstream in upstreams:
                for output in outputs:
                    from_output = graph.local_derivative_from_output(consumer, name, output)
                    own = from_output.jacobian if from_output is not None else local
                    terms += [
                        chain_product(upstream, local, rank),
                        chain_product(upstream, own, rank),
                        chain_product(upstream, exact, rank),
                        chain_product(upstream, round_significant(own, digits), rank),  # the local rounded
                    ]
            totals = [total + term for total, term in zip(totals, terms)] if totals else list(terms)
        yield from totals
    elif kind == QuantityKind.UPDATE:
        rate = learning_rate(solution)
        yield solution.values[name] - rate * round_significant(solution.grads[name], digits)
