"""Candidate mistakes for a value, an update and a value after the update: the pre-activation for the
activation, the step alone, the step added, no learning rate, a gradient with a slip in it."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from ...engine.formatting import format_number, format_value
from ...engine.graph import Values, evaluate
from ...engine.operations import EvaluationError
from ...exercise.expression import to_text
from ..explain import gradient_label
from ..quantities import learning_rate
from .answer import Candidate, WrongAnswer
from .context import Mutation, activation_argument
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
    yield from generic_candidates(answer)
    yield from neighbour_candidates(answer)


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
    for exponent in (1, -1, 2, -2):
        factor = 10.0**exponent
        yield Candidate(
            "power_of_ten",
            old - rate * gradient * factor,
            answer.say(
                f"Your step −η·{gradient_name} is {times(factor)} what it should be: a decimal point has slipped."
            ),
        )
    for mutation, _ in answer.grad_mutations(name):
        wrong = context.grad_with(name, mutation)
        yield Candidate(mutation.label, old - rate * wrong, update_text(answer, mutation))
    yield from transposed_candidates(answer, answer.expected)


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
