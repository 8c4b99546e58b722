"""Candidate mistakes for a value, an update and a value after the update: the pre-activation for the
activation, the step alone, the step added, no learning rate, a gradient with a slip in it."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

from ...engine.formatting import format_number, format_value
from ...engine.graph import Values, evaluate
from ...engine.operations import EvaluationError
from ...engine.slips import has_square
from ...exercise.expression import Call, Index, Node, Number, to_text
from ..comparison import compare
from ..explain import gradient_label
from ..quantities import learning_rate
from .answer import Candidate, WrongAnswer
from .chain_rule import Mutation
from .context import activation_argument
from .labels import LABEL, PRIORITY
from .numbers import times
from .whole_answer import generic_candidates, neighbour_candidates, transposed_candidates

MAX_AFTER_MUTATIONS = 12  # the forward pass is redone for each: only the likeliest slips


def value_candidates(answer: WrongAnswer, values: Values | None = None) -> Iterator[Candidate]:
    context, quantity, solution = answer.context, answer.quantity, answer.solution
    graph = solution.graph
    name = quantity.name
    values = solution.values if values is None else values
    expression = graph.nodes[name].expression
    argument = activation_argument(expression)
    if argument is not None:
        pre = evaluate(argument, values).value
        yield Candidate(
            "pre_activation",
            pre,
            answer.say(
                f"That is {to_text(argument)} = {format_value(pre)}, the value before the activation; {name} = "
                f"{to_text(expression)} applies the activation to it."
            ),
        )
    for parent in graph.parents[name]:
        swaps = []
        if parent in context.activation_of:
            swaps.append(
                (
                    context.activation_of[parent],
                    f"{context.activation_of[parent]} (before the activation) was used where {parent} belongs",
                )
            )
        if parent in context.pre_activation_of:
            swaps.append(
                (
                    context.pre_activation_of[parent],
                    f"the activation {context.pre_activation_of[parent]} was used where {parent} belongs",
                )
            )
        for replacement, how in swaps:
            try:
                swapped = evaluate(expression, {**values, parent: values[replacement]}).value
            except EvaluationError:
                continue
            yield Candidate(
                "pre_activation",
                swapped,
                answer.say(f"Your {answer.label_text} is what you get when {how} in {name} = {to_text(expression)}."),
            )
    yield from square_forgotten_candidates(answer, expression, values)
    yield from generic_candidates(answer)
    yield from neighbour_candidates(answer)


def square_forgotten_candidates(answer: WrongAnswer, expression: Node, values: Values) -> Iterator[Candidate]:
    """The node computed with its square left out: (ŷ − y) for (ŷ − y)²."""
    if not has_square(expression):
        return
    try:
        unsquared = evaluate(without_squares(expression), values).value
    except EvaluationError:
        return
    name = answer.quantity.name

    def explain() -> str:
        text = (
            f"Your {answer.label_text} is what you get when the square in {name} = {to_text(expression)} is left "
            "out: square the difference before going on."
        )
        if np.any(answer.value < 0):
            text += " A square cannot be negative."
        return text

    yield Candidate("square_forgotten", unsquared, explain)
    if np.any(unsquared < 0):  # the difference written the other way round: (y − ŷ) for (ŷ − y)
        yield Candidate("square_forgotten", np.abs(unsquared), explain)


def without_squares(expression: Node) -> Node:
    """The expression with every square (x^2) replaced by its base."""
    if isinstance(expression, Call):
        args = tuple(without_squares(argument) for argument in expression.args)
        if expression.function == "power" and isinstance(args[1], Number) and args[1].value == 2:
            return args[0]
        return Call(expression.function, args, expression.start, expression.end)
    if isinstance(expression, Index):
        return Index(without_squares(expression.target), expression.indices, expression.start, expression.end)
    return expression


def update_candidates(answer: WrongAnswer) -> Iterator[Candidate]:
    context, quantity, solution = answer.context, answer.quantity, answer.solution
    name = quantity.name
    rate = learning_rate(solution)
    old, gradient = solution.values[name], solution.grads[name]
    gradient_name = gradient_label(answer.solution, name)
    rule = f"new {name} = {name} − η·{gradient_name}"
    yield Candidate(
        "neighbour_value",
        old,
        answer.say(f"That is {name} before the update ({format_value(old)}): {rule}."),
    )
    yield from own_gradient_candidates(answer, rule)
    yield Candidate(
        "sign",
        old + rate * gradient,
        answer.say(f"Gradient descent subtracts the step: {rule}; your answer adds it."),
    )
    yield Candidate(
        "update_step_only",
        -rate * gradient,
        answer.say(
            f"That is only the step −η·{gradient_name} = {format_value(-rate * gradient)}: add it to {name} = "
            f"{format_value(old)}."
        ),
    )
    yield Candidate(
        "update_step_only",
        rate * gradient,
        answer.say(f"That is only η·{gradient_name} = {format_value(rate * gradient)}: {rule}."),
    )
    if rate != 1:
        yield Candidate(
            "learning_rate_missing",
            old - gradient,
            answer.say(f"The learning rate η = {format_number(rate)} is missing: {rule}."),
        )
    mutations = answer.grad_mutations(name)
    if rate != 1:
        yield learning_rate_twice(answer, mutations)
    for exponent in (1, -1, 2, -2):
        factor = 10.0**exponent
        yield Candidate(
            "power_of_ten",
            old - rate * gradient * factor,
            answer.say(
                f"Your step −η·{gradient_name} is {times(factor)} what it should be: a decimal point has slipped."
            ),
        )
    if name not in answer.learner_grads:  # a gradient the learner gave is theirs: never blame the update on it
        for mutation, _ in mutations:
            wrong = context.grad_with(name, mutation)
            yield Candidate(mutation.label, old - rate * wrong, update_text(answer, mutation))
    # after the slips of the gradient, which a doubled step matches as well (a square's 2 counted twice)
    yield Candidate(
        "learning_rate_twice",
        old - 2 * rate * gradient,
        answer.say(f"Your step is twice −η·{gradient_name}: the learning rate is counted twice (2η); {rule}."),
    )
    yield from transposed_candidates(answer, answer.expected)


def own_gradient_candidates(answer: WrongAnswer, rule: str) -> Iterator[Candidate]:
    """The update's own slips made with the learner's gradient (as they gave it, or as their earlier answers imply),
    where it is not the right one: a doubled dE/dout_o1 then a missing learning rate is the learning rate's slip,
    named before any reading against the right gradient, which the learner never had."""
    name = answer.quantity.name
    rate = learning_rate(answer.solution)
    old = answer.solution.values[name]
    yours = f"(with your own {gradient_label(answer.solution, name)})"
    right_gradient = answer.solution.grads[name]
    for own in answer.own_numbers:
        gradient = (old - own) / rate
        if compare(gradient, right_gradient, answer.tolerance).matches:
            continue  # the right gradient, rounded: the readings against the right one say the same
        yield Candidate(
            "sign",
            old + rate * gradient,
            answer.say(f"Gradient descent subtracts the step: {rule}; your answer adds it {yours}."),
        )
        yield Candidate(
            "update_step_only",
            -rate * gradient,
            answer.say(f"That is only the step {yours}: add it to {name} = {format_value(old)}."),
        )
        if rate != 1:
            yield Candidate(
                "learning_rate_missing",
                old - gradient,
                answer.say(f"The learning rate η = {format_number(rate)} is missing {yours}: {rule}."),
            )
            yield Candidate(
                "learning_rate_twice",
                old - rate * rate * gradient,
                answer.say(f"The learning rate η = {format_number(rate)} is applied twice {yours}: {rule}."),
            )


def learning_rate_twice(answer: WrongAnswer, mutations: list[tuple[Mutation, bool]]) -> Candidate:
    """p − η²·dL/dp. Where a slip in a gradient the learner has not given makes the same update, that slip is named
    first and the learning rate is offered as the other reading; a slipped decimal point (η = 0.1) likewise."""
    context, solution, name = answer.context, answer.solution, answer.quantity.name
    rate = learning_rate(solution)
    old, gradient = solution.values[name], solution.grads[name]
    twice = old - rate * rate * gradient
    gradient_name = gradient_label(solution, name)
    reading = (
        f"the learning rate η = {format_number(rate)} is applied twice: η²·{gradient_name} instead of "
        f"η·{gradient_name} (new {name} = {name} − η·{gradient_name})"
    )
    if name not in answer.learner_grads:
        for mutation, _ in mutations:
            wrong = context.grad_with(name, mutation)
            if compare(old - rate * wrong, twice, answer.tolerance, base=old).matches:  # judged on the change
                return Candidate(mutation.label, twice, or_else(update_text(answer, mutation), reading))
    if any(np.isclose(rate, 10.0**exponent) for exponent in (-1, -2)):
        return Candidate(
            "learning_rate_twice",
            twice,
            answer.say(f"Either {reading}, or a decimal point has slipped in the step."),
        )
    return Candidate("learning_rate_twice", twice, answer.say(f"Your step: {reading}."))


def or_else(explain: Callable[[], str], reading: str) -> Callable[[], str]:
    return lambda: f"{explain()} Or else {reading}."


def update_text(answer: WrongAnswer, mutation: Mutation) -> Callable[[], str]:
    def explain() -> str:
        name = answer.quantity.name
        return (
            f"Your update uses a {gradient_label(answer.solution, name)} with a slip in it: the gradient you get "
            f"when {mutation.detail}."
        )

    return explain


def after_candidates(answer: WrongAnswer) -> Iterator[Candidate]:
    context, solution, quantity = answer.context, answer.solution, answer.quantity
    name = quantity.name
    after = solution.after_values
    yield from value_candidates(answer, after)
    yield Candidate(
        "neighbour_value",
        solution.values[name],
        answer.say(
            f"That is {name} before the update ({format_value(solution.values[name])}): do the forward pass again "
            f"with the new parameters."
        ),
    )
    # the forward pass from parameters updated with a mistaken gradient (the same slip for all)
    seen: set[int] = set()
    mutations = []
    for param in solution.updated:
        for mutation, _ in answer.grad_mutations(param):
            if id(mutation) not in seen and LABEL[mutation.label].rule:
                seen.add(id(mutation))
                mutations.append(mutation)
    mutations.sort(key=lambda m: PRIORITY[m.label])
    for mutation in mutations[:MAX_AFTER_MUTATIONS]:
        values = context.after_with(mutation)
        if values is not None and name in values:
            yield Candidate(mutation.label, values[name], after_text(answer, mutation))


def after_text(answer: WrongAnswer, mutation: Mutation) -> Callable[[], str]:
    def explain() -> str:
        return (
            f"Your {answer.label_text} follows from parameters updated with gradients computed when {mutation.detail}."
        )

    return explain
