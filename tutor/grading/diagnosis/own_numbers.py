"""The learner's own numbers: the answer recomputed from their earlier answers (as the checker carried it
forward), and the structural mistakes applied to it."""

from __future__ import annotations

from collections.abc import Iterator

from ...engine.formatting import format_value
from ..comparison import compare
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
