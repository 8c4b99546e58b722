"""The learner's own numbers: the answer recomputed from their earlier answers (as the checker carried it
forward), and the structural mistakes applied to it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace

import numpy as np

from ...engine.formatting import format_value
from ..comparison import compare
from ..explain import gradient_label
from ..quantities import QuantityKind
from .answer import Candidate, WrongAnswer
from .numbers import same_shape, times


def right_from_own_numbers(answer: WrongAnswer) -> bool:
    """Right from the learner's own earlier answers (error carried forward): no slip of theirs to name."""
    shaped = same_shape(answer.value, answer.expected)
    return shaped is not None and any(
        compare(shaped, own, answer.tolerance, base=answer.base).matches for own in answer.own_numbers
    )


def learner_candidates(answer: WrongAnswer) -> Iterator[Candidate]:
    """The same structural mistakes, applied to the answer recomputed from the learner's numbers."""
    if answer.quantity.kind == QuantityKind.GRAD:
        yield from own_upstream_slips(answer)
    for own in answer.own_numbers:
        if compare(own, answer.expected, answer.tolerance, base=answer.base).matches:
            continue  # the learner's numbers give the right value: printing it would hand it over
        text = format_value(own)
        yield Candidate(
            "sign",
            -own,
            answer.say(f"From your own earlier answers {answer.label_text} is {text}: your answer has the wrong sign."),
            mix=True,
        )
        for exponent in (1, -1, 2, -2):
            factor = 10.0**exponent
            yield Candidate(
                "power_of_ten",
                own * factor,
                answer.say(
                    f"From your own earlier answers {answer.label_text} is {text}: your answer is {times(factor)} "
                    "that, a decimal point has slipped."
                ),
                mix=True,
            )
        square = (
            answer.context.square_involved(answer.quantity.name) if answer.quantity.kind == QuantityKind.GRAD else None
        )
        if square is not None:
            yield Candidate(
                "missing_factor_2",
                own / 2,
                answer.say(
                    f"From your own earlier answers {answer.label_text} is {text}: your answer is half that, the factor 2 "
                    f"from the square in {square} is missing."
                ),
            )


def own_upstream_slips(answer: WrongAnswer) -> Iterator[Candidate]:
    """The slips made at this step (a path left out, a local derivative left out, ...) applied to the upstream
    gradients the learner gave, where they are not the right ones: after a doubled dE/dy1, dE/da1 along one path of
    their own dE/do1 is a path left out, not a mystery."""
    name, context = answer.quantity.name, answer.context
    given = {
        consumer: np.asarray(own, dtype=np.float64)
        for consumer in context.consumers.get(name, ())
        if (own := answer.learner_grads.get(consumer)) is not None
        and np.shape(own) == np.shape(context.grads[consumer])
        and not compare(own, context.grads[consumer], answer.tolerance).matches
    }
    if not given:
        return
    yours = ", ".join(f"your own {gradient_label(answer.solution, consumer)}" for consumer in given)
    for mutation, direct in answer.grad_mutations(name):
        if not direct or mutation.grads:
            continue  # a slip upstream, or a gradient replaced: the learner's own upstream numbers already say
        yield Candidate(
            mutation.label,
            context.grad_with(name, replace(mutation, grads=given)),
            with_own_upstream(answer.mutation_text(mutation, direct), yours),
        )


def with_own_upstream(explain: Callable[[], str], yours: str) -> Callable[[], str]:
    return lambda: f"{explain()} (With {yours}.)"
