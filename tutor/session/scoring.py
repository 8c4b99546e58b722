"""How steps turn into points. Documented for learners and teachers in docs/scoring.md."""

from __future__ import annotations

from ..grading import Verdict

PENALTY_PER_WRONG_TRY = 0.25
PENALTY_PER_HINT = 0.25
MINIMUM_FOR_CORRECT = 0.25


def practice_credit(correct: bool, wrong_attempts: int, hints: int) -> float:
    """1 for a step right first time; 0.25 less per wrong try and per hint, never below 0.25 once
    right; 0 for a revealed or unfinished step. Unreadable answers are not tries."""
    if not correct:
        return 0.0
    return max(MINIMUM_FOR_CORRECT, 1.0 - PENALTY_PER_WRONG_TRY * wrong_attempts - PENALTY_PER_HINT * hints)


def exam_credit(verdict: Verdict | None) -> float:
    """1 for a right answer (error carried forward included); for a vector or matrix answer of the
    right shape, the share of its elements that are right; 0 for a blank or unreadable one."""
    if verdict is None or not verdict.readable:
        return 0.0
    return 1.0 if verdict.correct else verdict.element_fraction


def practice_credit_reason(wrong_attempts: int, hints: int) -> str:
    """Why a right answer earned less than 1 point ("one wrong try before, one hint"), or "" if it did not."""
    counts = {1: "one", 2: "two", 3: "three"}
    reasons = []
    if wrong_attempts:
        reasons.append(f"{counts.get(wrong_attempts, wrong_attempts)} wrong "
                       f"{'try' if wrong_attempts == 1 else 'tries'} before")
    if hints:
        reasons.append(f"{counts.get(hints, hints)} {'hint' if hints == 1 else 'hints'}")
    return ", ".join(reasons)
