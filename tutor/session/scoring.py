"""How steps turn into points. Documented for learners and teachers in docs/scoring.md."""

from __future__ import annotations

from ..exercise.model import Exercise
from ..grading import Quantity, Verdict

PENALTY_PER_WRONG_TRY = 0.25
PENALTY_PER_HINT = 0.25
MINIMUM_FOR_CORRECT = 0.25


def carried_forward_share(verdict: Verdict | None, carried_forward_credit: float) -> float:
    """The share of a step's credit its answer earns: the exercise's ``carried_forward_credit`` for an answer
    right only from the learner's own earlier answers (error carried forward), else all of it."""
    return carried_forward_credit if verdict is not None and verdict.carried_forward else 1.0


def practice_credit(correct: bool, wrong_attempts: int, hints: int, share: float = 1.0) -> float:
    """1 for a step right first time; 0.25 less per wrong try and per hint, never below 0.25 once
    right; 0 for a revealed or unfinished step. Unreadable answers are not tries. ``share`` scales
    the credit of a step right by error carried forward (:func:`carried_forward_share`)."""
    if not correct:
        return 0.0
    return share * max(MINIMUM_FOR_CORRECT, 1.0 - PENALTY_PER_WRONG_TRY * wrong_attempts - PENALTY_PER_HINT * hints)


def exam_credit(verdict: Verdict | None, carried_forward_credit: float = 1.0) -> float:
    """1 for a right answer (``carried_forward_credit`` when right by error carried forward); for a vector
    or matrix answer of the right shape, the share of its elements that are right, those right only from the
    learner's own earlier answers at ``carried_forward_credit``; 0 for a blank or unreadable one."""
    if verdict is None or not verdict.readable:
        return 0.0
    if verdict.correct:
        return carried_forward_share(verdict, carried_forward_credit)
    return verdict.element_fraction + carried_forward_credit * verdict.carried_fraction


def step_points(exercise: Exercise, quantity: Quantity) -> float:
    """What a step is worth: its own entry in [points], else its kind's (grad, value, ...), else 1."""
    return exercise.points.get(str(quantity), exercise.points.get(quantity.kind, 1))


def practice_credit_reason(wrong_attempts: int, hints: int) -> str:
    """Why a right answer earned less than 1 point ("one wrong try before, one hint"), or "" if it did not."""
    counts = {1: "one", 2: "two", 3: "three"}
    reasons = []
    if wrong_attempts:
        reasons.append(
            f"{counts.get(wrong_attempts, wrong_attempts)} wrong {'try' if wrong_attempts == 1 else 'tries'} before"
        )
    if hints:
        reasons.append(f"{counts.get(hints, hints)} {'hint' if hints == 1 else 'hints'}")
    return ", ".join(reasons)
