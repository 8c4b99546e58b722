"""The passes of a diagnosis: every candidate mistake of the step's kind tested against the answer, then
rounding, then a looser pass for answers written with few figures."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

from ...exercise.model import Tolerance
from ..comparison import compare
from ..quantities import QuantityKind
from .answer import Candidate, WrongAnswer
from .entries import entry_computation, entry_name, one_entry, wrong_entry
from .gradients import grad_candidates, local_candidates
from .labels import FAR, LABEL, LOOSE_FIGURES, LOOSE_RELATIVE, Diagnosis
from .numbers import close_elements, same_shape
from .own_numbers import learner_candidates, right_from_own_numbers
from .rounding import rounded_answer, rounded_as_written, rounded_early, rounding_reaches
from .values import after_candidates, update_candidates, value_candidates


def first_match(answer: WrongAnswer) -> Diagnosis | None:
    """The first candidate mistake that gives the answer; else rounding; else, for an answer of few figures, a
    candidate that scales or flips the whole answer seen through the learner's own rounding (the loose pass)."""
    expected, value, tolerance, base = answer.expected, answer.value, answer.tolerance, answer.base
    if compare(value, expected, tolerance, base=base).matches:
        return None
    if right_from_own_numbers(answer):
        return None  # right from the learner's own earlier answers: no slip of theirs to name
    if answer.quantity.kind == QuantityKind.LOCAL:
        local = answer.solution.local_derivative(*answer.quantity.edge)
        if compare(value, local.jacobian, tolerance).matches:
            return None
    shaped = same_shape(value, expected)
    if shaped is not None and base is None and rounded_as_written(answer, shaped):
        # the right value rounded to the figures the learner wrote: a slip that lands as near (the value of y1 for
        # dE/dy1, a percent away) must not take the blame for rounding
        return rounded_answer(answer, shaped)
    if (
        shaped is not None
        and base is None
        and rounding_reaches(answer, shaped, 2)
        and rounded_answer(answer, shaped) is None
    ):
        # rounding too early, from the learner's own rounded numbers, before any slip of a rule: a slip that moves
        # the answer by a percent or two (σ′ at a3 instead of z3) must not take the blame for rounding
        early = rounded_early(answer, shaped, early_figures=(2,))
        if early is not None:
            return early
    seen: list[Candidate] = []
    for candidate in candidates(answer):
        array = np.asarray(candidate.array, dtype=np.float64)
        if array.shape != expected.shape:
            if np.squeeze(array).shape != np.squeeze(expected).shape:
                if candidate.label in ("transposed", "outer_product_order") and array.shape == value.shape:
                    if compare(value, array, tolerance).matches:
                        return Diagnosis(candidate.label, candidate.explain())
                continue
            array = array.reshape(expected.shape)
        if not np.isfinite(array).all() or compare(array, expected, tolerance, base=base).matches:
            continue
        candidate.array = array
        seen.append(candidate)
        if shaped is None:
            continue
        if compare(shaped, array, tolerance, base=base).matches:
            return Diagnosis(candidate.label, with_entry_alternative(answer, shaped, candidate))
        if candidate.mix and mixed(answer, shaped, array, tolerance):
            return Diagnosis(candidate.label, candidate.explain())
    if shaped is None:
        return None
    # the answer itself rounded, or intermediates rounded to 1 figure: only once no slip explains it
    rounded = rounded_answer(answer, shaped) or rounded_early(answer, shaped, early_figures=(1,))
    if rounded is not None:
        return rounded
    if answer.figures_written(shaped) > LOOSE_FIGURES:
        return one_entry(answer, shaped)  # a full-precision answer is not a rounded one: no second pass
    loose = Tolerance(max(LOOSE_RELATIVE, tolerance.relative), tolerance.absolute)
    right_elements = close_elements(shaped, expected, tolerance, base)
    for candidate in seen:
        if not LABEL[candidate.label].loose:
            continue
        array = candidate.array
        far = np.abs(array - expected) > FAR * np.maximum(np.abs(expected), np.abs(array))
        wrong = ~right_elements
        if not np.all(far[wrong]):
            continue
        near = close_elements(shaped, array, loose, base)
        if candidate.mix:
            ok = np.all(near | right_elements) and np.any(near & wrong)
        else:
            ok = np.all(near)
        if ok:
            return Diagnosis(candidate.label, candidate.explain() + " (Your numbers also carry some rounding.)")
    return one_entry(answer, shaped)


def with_entry_alternative(answer: WrongAnswer, value: np.ndarray, candidate: Candidate) -> str:
    """The candidate's explanation; where it is a plain factor seen in one entry only, a slip in that entry alone
    (8x³ for 8x² at x = 2) fits as well: say both."""
    text = candidate.explain()
    if not LABEL[candidate.label].entry_alternative:
        return text
    position = wrong_entry(answer, value)
    if position is None:
        return text
    return f"{text} Or else {entry_name(position)} alone has a slip. {entry_computation(answer, position)}"


def mixed(answer: WrongAnswer, value: np.ndarray, array: np.ndarray, tolerance: Tolerance) -> bool:
    """Some elements are the candidate's, the others right (a sign lost in one element only)."""
    if value.ndim == 0:
        return False
    right = close_elements(value, answer.expected, tolerance, answer.base)
    near = close_elements(value, array, tolerance, answer.base)
    return bool(np.all(right | near) and np.any(near & ~right))


def candidates(answer: WrongAnswer) -> Iterator[Candidate]:
    """The candidate mistakes of the step's kind, most specific first, then those from the learner's own numbers."""
    yield from CANDIDATES[answer.quantity.kind](answer)
    yield from learner_candidates(answer)


# The candidate generators of each kind of step (a formula's slips are formulas, compared in formulas.py).
CANDIDATES: dict[QuantityKind, Callable[[WrongAnswer], Iterator[Candidate]]] = {
    QuantityKind.VALUE: value_candidates,
    QuantityKind.LOCAL: local_candidates,
    QuantityKind.GRAD: grad_candidates,
    QuantityKind.UPDATE: update_candidates,
    QuantityKind.AFTER: after_candidates,
}
