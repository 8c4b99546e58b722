"""Why is a wrong answer wrong? Plausible mistakes, derived from the graph, tested one by one.

For the step being checked the module builds a list of *candidate wrong answers*, each the number a
learner gets by making one specific, named mistake, and tests the learner's answer against each
with the checker's own tolerance (:func:`tutor.grading.checker.compare`). The first match, in an
order that puts the most specific explanation first, is reported as a :class:`Diagnosis`: a stable
label (see :mod:`.labels` and docs/diagnoses.md) and one to three sentences in plain words.

Nothing here is written per exercise. The candidates come from:

The package: :mod:`.labels` (the label table), :mod:`.context` (the graph and every slip at every node,
once per solution), :mod:`.operation_slips` (the slips of each operation's derivative rule), :mod:`.answer`
(the answer being diagnosed), one module of candidate generators per family (:mod:`.gradients`,
:mod:`.values`, :mod:`.whole_answer`, :mod:`.own_numbers`), :mod:`.rounding` and :mod:`.passes`.

* **mutated derivative rules**: every operation inside every node is visited, and its local
  derivative is replaced by the usual slips (``(a − y)²`` differentiated without its 2, ``σ(z)``
  for ``σ(z)(1 − σ(z))``, ``−1/b²`` for ``−a/b²``, a lost minus sign, the own factor of a product
  for the other one, an untransposed matrix, 1 for the 1/N of a mean...). The slip is then carried
  down the chain with the true derivatives everywhere else, so a gradient *below* the slip is
  recognised too: with the factor 2 of the squared error missing, every later gradient is half;
* **mistakes in the chain rule itself**: a path left out at a node with fan-out, the local
  derivative without the upstream gradient or the other way round, the value of a node used where
  its gradient belongs (000's "multiplied by the output value");
* **mistakes about the answer as a whole**: the wrong sign, a slipped decimal point, a factor 2 or
  N, a transposed matrix, a neighbour's value, 0 for an activation value, rounding.

Candidates that coincide with the right answer are skipped, so a correct answer never gets a
diagnosis. A second, looser pass (5 %) lets a structural mistake be recognised through the
learner's own rounding (002's weight gradients: half size *and* rounded to two figures).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ...engine.graph import Solution
from ...engine.operations import EvaluationError
from ...exercise.errors import ExerciseFileError
from ...exercise.model import Tolerance
from ..quantities import Quantity, QuantityKind
from .answer import LearnerNumbers, WrongAnswer
from .context import context_of
from .labels import LABELS, Diagnosis
from .passes import first_match

# What an unforeseen graph can make a diagnosis raise; grading goes on without one.
DIAGNOSIS_ERRORS = (
    EvaluationError,
    ExerciseFileError,
    FloatingPointError,
    ValueError,
    KeyError,
    IndexError,
    RecursionError,
    TypeError,
)


def diagnose(
    solution: Solution,
    quantity: Quantity,
    value: np.ndarray,
    tolerance: Tolerance,
    carried: Sequence[np.ndarray] = (),
    base: np.ndarray | None = None,
    figures: int | None = None,
    learner: LearnerNumbers | None = None,
) -> Diagnosis | None:
    """The most likely mistake behind a wrong answer ``value`` to ``quantity``, or None; never raises.

    ``carried`` is the answer recomputed from the learner's latest earlier answers, right or wrong, as the
    checker computed it (error carried forward): candidates are built from it too, and an answer that is right
    from it is not diagnosed. ``base`` is the number a step changes (an update's old parameter): answers are
    then compared on the change, as the checker does. ``figures`` is the number of significant figures the
    learner wrote, when the text shows it ("0.30": 2). ``learner`` holds the learner's own earlier answers (node
    values and gradients, right or wrong): a slip they did not make there is not named (an update is not blamed on
    a gradient they answered), and rounding too early is recomputed from the numbers they used.
    """
    try:
        return diagnose_strictly(solution, quantity, value, tolerance, carried, base, figures, learner)
    except DIAGNOSIS_ERRORS:
        return None  # a diagnosis is a courtesy: never let it break grading


def diagnose_strictly(
    solution: Solution,
    quantity: Quantity,
    value: np.ndarray,
    tolerance: Tolerance,
    carried: Sequence[np.ndarray] = (),
    base: np.ndarray | None = None,
    figures: int | None = None,
    learner: LearnerNumbers | None = None,
) -> Diagnosis | None:
    """:func:`diagnose`, letting an error inside the diagnosis through (the tests want to see it)."""
    if quantity.kind == QuantityKind.FORMULA:
        return None  # a formula is diagnosed from its expression, not a number: formulas.diagnose_formula
    try:
        value = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    if not np.all(np.isfinite(value)):
        return None
    answer = WrongAnswer(context_of(solution), quantity, value, tolerance, carried, base, figures, learner)
    return first_match(answer)


__all__ = ["LABELS", "Diagnosis", "LearnerNumbers", "diagnose", "diagnose_strictly"]
