"""Candidate mistakes about the answer as a whole: the sign, a decimal point, a factor 2 or N, a transposed
matrix, a neighbour's value."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import cast

import numpy as np

from ...engine.formatting import format_value
from ...exercise.expression import Call, Name, calls_in, to_text
from ..quantities import Quantity, QuantityKind
from .answer import Candidate, WrongAnswer
from .context import sites
from .entries import entry_computation, entry_name, wrong_entry
from .numbers import close_elements, elements, same_shape, times


def generic_candidates(answer: WrongAnswer, whole: bool = True, factors: bool = True) -> Iterator[Candidate]:
    """Mistakes about the answer as a whole: ``whole`` the sign, transpose and decimal point,
    ``factors`` a factor 2 or N."""
    context, quantity, expected = answer.context, answer.quantity, answer.expected
    name, label = quantity.name, answer.label_text
    kind = quantity.kind
    if whole:
        yield from transposed_candidates(answer, expected)
        yield Candidate("sign", -expected, sign_text(answer), mix=True)
        for exponent in (1, -1, 2, -2, 3, -3):
            factor = 10.0**exponent
            yield Candidate("power_of_ten", expected * factor, power_of_ten_text(answer, factor), mix=True)
    if not factors:
        return
    square = None
    if kind == QuantityKind.GRAD and name != answer.solution.output:
        square = context.square_involved(name)
        # the learner's own right gradient further down already carries the square's 2: a factor 2 lost or
        # doubled is elsewhere (dL/dh half size after a right dL/dd, where d = h*m/0.5)
        if any(square in context.reach[consumer] for consumer in answer.consumers_given_right()):
            square = None
    elif kind == QuantityKind.LOCAL and quantity.name in context.square_nodes:
        square = quantity.name
    if square is not None:
        text = f"{square} = {to_text(answer.solution.graph.nodes[square].expression)}"
        yield Candidate(
            "missing_factor_2",
            expected / 2,
            answer.say(
                f"Your {label} is half what it should be: the factor 2 from the derivative of the square in "
                f"{text} is missing somewhere on the way."
            ),
        )
        yield Candidate(
            "extra_factor_2",
            expected * 2,
            answer.say(
                f"Your {label} is twice what it should be: the factor 2 from the square in {text} is counted "
                "twice (or a 1/2 in front of it is left out)."
            ),
        )
    else:
        where = "somewhere"
        consumers = context.consumers.get(name, [])
        if kind == QuantityKind.GRAD and len(consumers) == 1 and list(answer.consumers_given_right()) == consumers:
            # the upstream gradient they gave is right: the slip is in the one local derivative left
            (consumer,) = consumers
            local = Quantity(QuantityKind.LOCAL, consumer, name).label(answer.solution.output)
            where = f"in {local} ({consumer} = {to_text(answer.solution.graph.nodes[consumer].expression)})"
        for factor in (0.5, 2.0):
            yield Candidate(
                "factor_of_two",
                expected * factor,
                answer.say(
                    f"Your {label} is {times(factor)} what it should be: a factor 2 was "
                    f"{'dropped' if factor == 0.5 else 'added'} {where}."
                ),
            )
    for count, where in counts(answer):
        for factor, how in (
            (count, f"the 1/{count} of {where} is left out"),
            (1 / count, f"{where} is divided by {count} as if it were a mean"),
        ):
            yield Candidate(
                "mean_vs_sum",
                expected * factor,
                answer.say(f"Your {label} is {times(factor)} what it should be: {how}."),
            )


def power_of_ten_text(answer: WrongAnswer, factor: float) -> Callable[[], str]:
    def explain() -> str:
        label = answer.label_text
        shaped = same_shape(answer.value, answer.expected)
        position = wrong_entry(answer, shaped) if shaped is not None else None
        if position is not None:
            # one entry slipped: point at it and at how it is computed
            return (
                f"{entry_name(position).capitalize()} of your {label} is {times(factor)} the right one, the others "
                f"are right: a decimal point has slipped. {entry_computation(answer, position)}"
            )
        return (
            f"Your {label} is {times(factor)} what it should be: a decimal point has slipped. "
            "Count the zeros after the point in each factor."
        )

    return explain


def sign_text(answer: WrongAnswer) -> Callable[[], str]:
    def explain() -> str:
        shaped = same_shape(answer.value, answer.expected)
        right = (
            close_elements(shaped, answer.expected, answer.tolerance, answer.base)
            if shaped is not None and answer.expected.ndim
            else None
        )
        which = ""
        if right is not None and np.any(right):
            which = f" ({elements(~right)})"
        text = f"The size of your {answer.label_text} is right but the sign is wrong{which}."
        if minus_signs(answer):
            return text + " Check each minus sign along the chain (∂(a − b)/∂b = −1)."
        return text + " Check the sign of each factor you multiplied."

    return explain


def minus_signs(answer: WrongAnswer) -> bool:
    """Whether a difference or a negation lies on the way (where a lost minus sign is likely)."""
    quantity, graph = answer.quantity, answer.solution.graph
    region = (
        set(answer.context.reach.get(quantity.name, ()))
        if quantity.kind in (QuantityKind.GRAD, QuantityKind.UPDATE)
        else set()
    )
    region.add(quantity.name)
    return any(
        call.function in ("subtract", "negate", "divide")
        for node in region
        if node in graph.nodes
        for call in calls_in(graph.nodes[node].expression)
    )


def counts(answer: WrongAnswer) -> list[tuple[int, str]]:
    """The N of every mean or sum on the way to the output."""
    context, quantity = answer.context, answer.quantity
    graph = answer.solution.graph
    if quantity.kind == QuantityKind.GRAD:
        region = context.reach[quantity.name]
    elif quantity.kind in (QuantityKind.VALUE, QuantityKind.AFTER):
        region = {quantity.name}
    elif quantity.kind == QuantityKind.LOCAL:
        region = {quantity.name}
    else:
        region = context.reach.get(quantity.name, set())
    found: dict[int, str] = {}
    for node in graph.nodes:
        if node not in region:
            continue
        for site in sites(answer.solution.evaluated[node]):
            function = cast(Call, site.expression).function  # every site is a call
            count = np.size(site.children[0].value) // np.size(site.value)  # the elements in each result
            if function in ("mean", "sum") and count > 1:
                found.setdefault(int(count), f"{to_text(site.expression)} in {node}")
    batch = context.batch
    if batch is not None and batch.output in region and len(batch.samples) > 1:
        found.setdefault(len(batch.samples), f"the batch total {batch.output} ({batch.reduce} over the samples)")
    return [(count, where) for count, where in found.items() if count > 1]


def transposed_candidates(answer: WrongAnswer, expected: np.ndarray) -> Iterator[Candidate]:
    if expected.ndim != 2 or np.allclose(expected, expected.T if expected.shape[0] == expected.shape[1] else 0):
        return
    label = "outer_product_order" if is_outer_product(answer) else "transposed"
    if label == "outer_product_order":
        text = (
            f"Your {answer.label_text} is the right matrix transposed: the outer product is in the wrong "
            f"order. It has the shape of {answer.quantity.name}: (upstream gradient) times (input)ᵀ, one row "
            f"per output."
        )
    else:
        text = f"Your {answer.label_text} is the right matrix transposed: check which index is the row."
    yield Candidate(label, expected.T, answer.say(text))


def is_outer_product(answer: WrongAnswer) -> bool:
    quantity = answer.quantity
    if quantity.kind != QuantityKind.GRAD:
        return False
    for consumer in answer.context.consumers[quantity.name]:
        for site in sites(answer.solution.evaluated[consumer]):
            if cast(Call, site.expression).function != "matmul":  # every site is a call
                continue
            left, right = site.children
            if isinstance(left.expression, Name) and left.expression.id == quantity.name and right.value.ndim == 1:
                return True
            if isinstance(right.expression, Name) and right.expression.id == quantity.name and left.value.ndim == 1:
                return True
    return False


def neighbour_candidates(answer: WrongAnswer) -> Iterator[Candidate]:
    """The value of a neighbouring node or input, as is."""
    quantity, solution = answer.quantity, answer.solution
    graph = solution.graph
    name = quantity.name
    neighbours: list[str] = []
    if quantity.kind == QuantityKind.LOCAL:
        source = quantity.edge[1]
        neighbours += [source, name] + [p for p in graph.parents[name] if p != source]
    else:
        neighbours.append(name)
        if name in graph.nodes:
            neighbours += graph.parents[name]
        neighbours += answer.context.consumers.get(name, [])
        if quantity.kind in (QuantityKind.VALUE, QuantityKind.AFTER) and name in graph.nodes:
            order = list(graph.nodes)
            position = order.index(name)
            neighbours += order[max(0, position - 1) : position] + order[position + 1 : position + 2]
    values = solution.after_values if quantity.kind == QuantityKind.AFTER else solution.values
    for neighbour in dict.fromkeys(neighbours):
        if quantity.kind in (QuantityKind.VALUE, QuantityKind.AFTER) and neighbour == name:
            continue
        if neighbour not in values:
            continue
        yield Candidate(
            "neighbour_value",
            values[neighbour],
            answer.say(
                f"That is the value of {neighbour} ({format_value(values[neighbour])}), not {answer.label_text}."
            ),
        )
