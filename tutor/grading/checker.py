"""Decide whether an answer is right: tolerance, shapes, exact fractions, error carried forward.

One :class:`Checker` follows one learner through one exercise. It remembers the learner's latest
readable answer to every step, right or wrong (and the right value of a revealed step), so a later
answer that is wrong against the exact value but right when recomputed from the learner's own
earlier answers is accepted too ("graded using your earlier answers", error carried forward).

An update step, a value after the update that hardly differs from the value before it, and a node that adds a
little to a number before it, is a small change of a given number: it is judged on that change (docs/scoring.md),
so copying the old number, a wrong sign or a missing learning rate is never within the tolerance.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..engine.derivatives import chain_product
from ..engine.formatting import format_value
from ..engine.graph import LocalValue, Solution, Values
from ..engine.operations import EvaluationError
from ..exercise.errors import ExerciseFileError
from ..exercise.model import Tolerance
from .answer import ReadAnswer, UnreadableAnswer, read_answer
from .comparison import Comparison, change_base, compare
from .explain import format_changed
from .formula import formula_matches, read_formula
from .quantities import Quantity, QuantityKind, expected_value, learning_rate, question

CORRECT = "correct"
WRONG = "wrong"


@dataclass(frozen=True)
class Verdict:
    quantity: Quantity
    answer: str
    verdict: str  # CORRECT or WRONG
    expected: np.ndarray
    message: str
    readable: bool = True
    read_as: str = ""
    notes: tuple[str, ...] = ()
    carried_forward: bool = False  # right only when recomputed from the learner's earlier answers
    # the right value as shown (an update with the figures its change needs); never in ``message``: only the
    # paths that reveal it add it (revealed_message)
    exact_text: str = ""
    diagnosis: str | None = None  # a stable label for the likely mistake (docs/diagnoses.md)
    element_fraction: float = 0.0  # the share of elements that are right (partial credit in exams)
    # the share of the other elements that are right from the learner's own earlier answers (error carried forward
    # element by element: partial credit in exams, at the exercise's carried_forward_credit)
    carried_fraction: float = 0.0

    @property
    def correct(self) -> bool:
        return self.verdict == CORRECT

    @property
    def exact_note(self) -> str:
        """ "(with exact values it is -0.1146)" for an answer right from the learner's own numbers, else ""."""
        return exact_note(self.exact_text) if self.carried_forward else ""

    @property
    def revealed_message(self) -> str:
        """The message with the right value added, for the paths that show it: a reveal, `tutor check --reveal`,
        the exam report after submission, transcripts and teachers' re-grades (docs/scoring.md)."""
        if self.carried_forward:
            return f"{self.message.removesuffix('.')} {self.exact_note}."
        if self.correct or not self.exact_text:
            return self.message
        return f"{self.message} The right value is {self.exact_text}."


def exact_note(exact_text: str) -> str:
    return f"(with exact values it is {exact_text})"


@dataclass
class LearnerView:
    """The learner's latest readable answers, right or wrong, falling back to the true numbers where they gave
    none."""

    values: Values = field(default_factory=dict)
    grads: Values = field(default_factory=dict)
    locals: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)  # full Jacobians
    updated: Values = field(default_factory=dict)
    after: Values = field(default_factory=dict)

    def remember(self, quantity: Quantity, value: np.ndarray) -> None:
        if quantity.kind == QuantityKind.VALUE:
            self.values[quantity.name] = value
        elif quantity.kind == QuantityKind.GRAD:
            self.grads[quantity.name] = value
        elif quantity.kind == QuantityKind.UPDATE:
            self.updated[quantity.name] = value
        elif quantity.kind == QuantityKind.AFTER:
            self.after[quantity.name] = value
        else:
            self.locals[quantity.edge] = value

    def forget(self, quantity: Quantity) -> None:
        """The learner's latest answer cannot stand for the quantity (the wrong shape): use the true number."""
        table = {
            QuantityKind.VALUE: self.values,
            QuantityKind.GRAD: self.grads,
            QuantityKind.UPDATE: self.updated,
            QuantityKind.AFTER: self.after,
        }
        if quantity.kind in table:
            table[quantity.kind].pop(quantity.name, None)
        else:
            self.locals.pop(quantity.edge, None)


class Checker:
    def __init__(self, solution: Solution):
        self.solution = solution
        self.learner = LearnerView()

    def expected(self, quantity: Quantity) -> np.ndarray:
        return expected_value(self.solution, quantity)

    def tolerance(self, quantity: Quantity) -> Tolerance:
        return self.solution.exercise.tolerance_for(quantity.kind, str(quantity))

    def reveal(self, quantity: Quantity) -> None:
        """The right value of a revealed step stands for the learner's from now on."""
        value = (
            self._as_learner_value(quantity, self.expected(quantity)) if quantity.kind != QuantityKind.FORMULA else None
        )
        if value is not None:
            self.learner.remember(quantity, value)

    def check(self, quantity: Quantity, text: str) -> Verdict:
        """Grade one typed answer; a readable one, right or wrong, is remembered for error carried forward."""
        if quantity.kind == QuantityKind.FORMULA:
            return self.check_formula(quantity, text)
        expected = self.expected(quantity)
        try:
            answer = read_answer(text, np.shape(expected))
        except UnreadableAnswer as error:
            return Verdict(quantity, text, WRONG, expected, f"I could not read that: {error}", readable=False)
        return self.check_read(quantity, answer)

    def check_formula(self, quantity: Quantity, text: str) -> Verdict:
        asked = question(self.solution, quantity)
        expected = self.expected(quantity)
        try:
            formula = read_formula(text, asked)
        except UnreadableAnswer as error:
            return Verdict(quantity, text, WRONG, expected, f"I could not read that: {error}", readable=False)
        matches, where = formula_matches(formula.expression, asked, self.solution)
        if matches:
            return Verdict(
                quantity,
                text,
                CORRECT,
                expected,
                "Correct: your formula agrees with the right one.",
                read_as=formula.read_as,
                element_fraction=1.0,
            )
        from .diagnosis.formulas import diagnose_formula  # needed only once an answer is wrong: faster start

        found = diagnose_formula(self.solution, asked, formula.expression)
        message = f"Not right (read as {formula.read_as}): {where}." + (f" {found.explanation}" if found else "")
        return Verdict(
            quantity,
            text,
            WRONG,
            expected,
            message,
            read_as=formula.read_as,
            diagnosis=found.label if found else None,
        )

    def check_read(self, quantity: Quantity, answer: ReadAnswer) -> Verdict:
        verdict = self._grade(quantity, answer)
        # remembered after grading, right or wrong: later steps are carried forward from it
        value = self._as_learner_value(quantity, answer.value)
        if value is None:
            self.learner.forget(quantity)
        else:
            self.learner.remember(quantity, value)
        return verdict

    def _grade(self, quantity: Quantity, answer: ReadAnswer) -> Verdict:
        expected = self.expected(quantity)
        tolerance, base = self.tolerance(quantity), change_base(self.solution, quantity)
        candidates = [expected]
        if quantity.kind == QuantityKind.LOCAL and self.solution.local_derivative(*quantity.edge).elementwise:
            candidates.append(self.solution.local_derivative(*quantity.edge).jacobian)
        comparisons = [compare(answer.value, candidate, tolerance, answer.exact, base) for candidate in candidates]
        read = f"read as {answer.read_as}"
        right_text = format_value(expected) if base is None else format_changed(expected, base)
        if any(comparison.matches for comparison in comparisons):
            return Verdict(
                quantity,
                answer.text,
                CORRECT,
                expected,
                "Correct.",
                read_as=answer.read_as,
                notes=answer.notes,
                element_fraction=1.0,
            )
        # the right answer from the learner's earlier answers, where that differs from the exact one
        carried_values = [
            carried
            for carried in self.carried_forward(quantity)
            if not np.allclose(carried, expected, rtol=1e-12, atol=0)
        ]
        for carried in carried_values:
            if compare(answer.value, carried, tolerance, base=base).matches:
                return Verdict(
                    quantity,
                    answer.text,
                    CORRECT,
                    expected,
                    "Correct, graded using your earlier answers.",
                    read_as=answer.read_as,
                    notes=answer.notes,
                    carried_forward=True,
                    exact_text=right_text,
                    element_fraction=1.0,
                )
        # of the accepted forms, explain against the one whose shape the answer has
        reason = next(
            (comparison.reason for comparison in comparisons if "expected, got" not in comparison.reason),
            comparisons[0].reason,
        )
        element_fraction = max(comparison.fraction for comparison in comparisons)
        own_right = self._right_from_own_numbers(answer, comparisons[0], carried_values, tolerance, base)
        carried_fraction = 0.0
        if own_right is not None and comparisons[0].fraction + own_right.mean() > element_fraction:
            element_fraction, carried_fraction = comparisons[0].fraction, float(own_right.mean())
            wrong = own_right.size - int(np.count_nonzero(own_right | comparisons[0].close))
            reason = f"{wrong} of {own_right.size} elements are off, counting those right from your earlier answers"
        message = f"Not right ({read})" + (f": {reason}." if reason else ".")
        from .diagnosis import DIAGNOSIS_ERRORS, diagnose  # a large module, needed only once an answer is wrong

        found = diagnose(
            self.solution, quantity, answer.value, tolerance, carried_values, base, answer.figures, self.learner
        )
        if found is not None:
            message += f" {found.explanation}"
        elif answer.value.size == expected.size:
            from .pointer import pointer  # as the diagnosis: only once an answer is wrong

            try:
                where = pointer(self.solution, quantity, answer.value, self.learner.grads, self.learner.locals)
            except DIAGNOSIS_ERRORS:
                where = ""  # a pointer is a courtesy, as a diagnosis is: grading goes on without one
            message += f" {where}" if where else ""
        return Verdict(
            quantity,
            answer.text,
            WRONG,
            expected,
            message,
            read_as=answer.read_as,
            notes=answer.notes,
            exact_text=right_text,
            diagnosis=found.label if found else None,
            element_fraction=element_fraction,
            carried_fraction=carried_fraction,
        )

    def _right_from_own_numbers(
        self,
        answer: ReadAnswer,
        exact: Comparison,
        carried_values: list[np.ndarray],
        tolerance: Tolerance,
        base: np.ndarray | None,
    ) -> np.ndarray | None:
        """The elements of a vector or matrix answer that are wrong against the right value but right from the
        learner's own earlier answers (the most of any way they may have worked it), or None when there are none."""
        if exact.close is None or exact.close.ndim == 0:
            return None
        best = None
        for carried in carried_values:
            own = compare(answer.value, carried, tolerance, base=base).close
            if own is not None and own.shape == exact.close.shape:
                extra = own & ~exact.close
                if best is None or np.count_nonzero(extra) > np.count_nonzero(best):
                    best = extra
        return best if best is not None and np.any(best) else None

    def _as_learner_value(self, quantity: Quantity, value: np.ndarray) -> np.ndarray | None:
        """An answer in the form the learner view keeps (a local derivative as its full Jacobian), or None
        when its shape cannot stand for the quantity."""
        value = np.asarray(value, dtype=np.float64)
        if quantity.kind == QuantityKind.LOCAL:
            local = self.solution.local_derivative(*quantity.edge)
            if value.size == local.jacobian.size:
                return value.reshape(local.jacobian.shape)
            if local.elementwise and value.size == local.value.size:
                return np.diag(np.ravel(value)).reshape(local.jacobian.shape)
            return None
        expected = np.asarray(self.expected(quantity))
        if np.squeeze(value).shape != np.squeeze(expected).shape:
            return None
        return value.reshape(expected.shape)

    # -- error carried forward ---------------------------------------------------------------
    def carried_forward(self, quantity: Quantity) -> list[np.ndarray]:
        """The right answer recomputed from the learner's latest earlier answers, in the ways they may have."""
        self._implied_grads: Values = {}
        try:
            if quantity.kind == QuantityKind.VALUE:
                return [self._node_value(quantity.name, self._learner_values())]
            if quantity.kind == QuantityKind.LOCAL:
                return [local.value for local in self._learner_locals(*quantity.edge)]
            if quantity.kind == QuantityKind.GRAD:
                return self._learner_grad(quantity.name)
            if quantity.kind == QuantityKind.UPDATE:
                rate = learning_rate(self.solution)
                return [self.solution.values[quantity.name] - rate * self._grad_of(quantity.name)]
            after = {**self.solution.after_values, **self.learner.after}
            return [
                self._node_value(
                    quantity.name,
                    {**after, **self.solution.graph.inputs, **self.solution.updated, **self.learner.updated},
                )
            ]
        except (EvaluationError, ExerciseFileError, ValueError, RecursionError):
            return []  # the learner's numbers lead somewhere undefined: no second chance to offer

    def _learner_values(self) -> Values:
        return {**self.solution.values, **self.learner.values}

    def _node_value(self, name: str, values: Values) -> np.ndarray:
        return self.solution.graph.evaluate_node(name, values).value

    def _learner_locals(self, node: str, source: str) -> list[LocalValue]:
        """∂node/∂source from the learner's numbers: from their value of the node (ŷ(1 − ŷ)), or from
        their values of its inputs."""
        graph = self.solution.graph
        found = []
        if node in self.learner.values:
            from_output = graph.local_derivative_from_output(node, source, self.learner.values[node])
            if from_output is not None:
                found.append(from_output)
        found.append(graph.local_derivative(node, source, graph.evaluate_node(node, self._learner_values())))
        return found

    def _learner_jacobian(self, node: str, source: str) -> np.ndarray:
        if (node, source) in self.learner.locals:
            return self.learner.locals[(node, source)]
        return self._learner_locals(node, source)[0].jacobian

    def _grad_of(self, name: str) -> np.ndarray:
        """The learner's gradient: as they answered it, or else as their answers downstream imply."""
        if name in self.learner.grads or name == self.solution.output:
            return self.learner.grads.get(name, self.solution.grads[name])
        if name not in self._implied_grads:  # memoised: diamonds in the graph would repeat work
            carried = self._learner_grad(name)
            self._implied_grads[name] = carried[0] if carried else self.solution.grads[name]
        return self._implied_grads[name]

    def _learner_grad(self, name: str) -> list[np.ndarray]:
        """Σ over the edges leaving ``name``: the learner's upstream gradient times their local derivative."""
        total = None
        for consumer in self.solution.chain_terms(name):
            upstream = self._grad_of(consumer)
            node_rank = self.solution.values[consumer].ndim
            term = chain_product(upstream, self._learner_jacobian(consumer, name), node_rank)
            total = term if total is None else total + term
        return [] if total is None else [total]
