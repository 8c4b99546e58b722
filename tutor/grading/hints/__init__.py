"""A ladder of hints for every step, generated from the graph: from a pointer to the worked answer.

The rungs, from general to specific:

0. the exercise author's own hints for the name (``[hints]`` in the exercise file), if any;
1. what the step depends on and which rule applies (the operations' ``rule`` text; "sum over
   paths" for a gradient with fan-out), with the shapes when they are not numbers;
2. the symbolic formula for this step: ``dL/dz = dL/dyhat · yhat(1 − yhat)``;
3. the same formula with this exercise's numbers in it;
4. the answer and how it is computed (:func:`tutor.grading.explain.worked_answer`).

A formula question has its own middle rungs: the rules that help, then the answer's outline with its parts
hidden (``A − y, where A is the sigmoid of something in z``), then the outline one level deeper.

Nothing is written per exercise: the formulas come from the nodes' expressions and a small
symbolic differentiation of them (elementwise operations; matrix products get their transposes),
both read from the table of operations (tutor/exercise/operations.py). The modules: words.py (the
author's hints, words and shapes), symbolic.py (the derivative as text), rungs.py (each kind of step).
"""

from __future__ import annotations

from ...engine.graph import Solution
from ..quantities import Quantity
from .rungs import formula_hints, grad_hints, local_hints, update_hints, value_hints
from .words import author_hints


def hint_ladder(solution: Solution, quantity: Quantity) -> list[str]:
    """The hints for one step, from general to specific; the last one is the answer."""
    ladder = author_hints(solution, quantity)
    kind = quantity.kind
    if kind in ("value", "after"):
        ladder += value_hints(solution, quantity)
    elif kind == "local":
        ladder += local_hints(solution, quantity)
    elif kind == "grad":
        ladder += grad_hints(solution, quantity)
    elif kind == "formula":
        ladder += formula_hints(solution, quantity)
    else:
        ladder += update_hints(solution, quantity)
    return [rung for rung in dict.fromkeys(rung.strip() for rung in ladder) if rung]


__all__ = ["hint_ladder"]
