"""Issue 14: a wrong answer is never handed its right value unasked. Every candidate mistake the diagnosis knows,
on every catalog exercise, gets a message that describes the slip without stating the right value in any printed
form; the seed students' answers through `tutor check --json` likewise, unless `--reveal` asks for it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from tutor.engine import solve
from tutor.exercise import catalog_names, resolve_exercise
from tutor.exercise.expression import to_text
from tutor.grading import Checker, asked_quantities, read_answer
from tutor.grading.diagnosis import diagnose_strictly
from tutor.grading.diagnosis.answer import WrongAnswer
from tutor.grading.diagnosis.context import context_of
from tutor.grading.diagnosis.numbers import round_significant
from tutor.grading.diagnosis.passes import candidates
from tutor.grading.pointer import pointer
from tutor.grading.quantities import Quantity, QuantityKind
from tutor_testing import tutor_command

SEEDS = Path(__file__).resolve().parent / "seed_answers"
NUMBER = re.compile(r"(?<![\w#.])[-−]?(\d+(?:\.\d+)?(?:e[-+]?\d+)?)")


def figures_of(token: str) -> int:
    mantissa = token.lower().split("e")[0]
    digits = mantissa.replace(".", "").lstrip("0")
    return len(digits if "." in mantissa else digits.rstrip("0")) or 1


def leaked_numbers(message: str, right: np.ndarray, typed: np.ndarray) -> list[str]:
    """The numbers in ``message`` that are an element of the right value, rounded to the figures printed (at
    least 2: a "factor 2" is not a leak), and not simply the learner's own answer repeated back."""
    right_elements = np.abs(np.ravel(np.asarray(right, dtype=np.float64)))
    typed_elements = np.abs(np.ravel(np.asarray(typed, dtype=np.float64)))
    found = []
    for match in NUMBER.finditer(message):
        token = match.group(1)
        if figures_of(token) >= 2 and printed(token, right_elements) and not printed(token, typed_elements):
            found.append(token)
    return found


def printed(token: str, elements: np.ndarray) -> bool:
    """Whether ``token`` is one of ``elements`` rounded to the figures it has."""
    rounded = round_significant(elements, figures_of(token))
    return bool(np.any(np.isclose(rounded, float(token), rtol=1e-9, atol=0) & (elements != 0)))


def states_right_value(message: str, right: np.ndarray, typed: np.ndarray, written: str = "") -> list[str]:
    """The phrases and numbers of ``message`` that give the right value away; a number the exercise itself writes
    in its graph (``written``: a constant factor quoted with its expression, as in "Wx*1.5") gives nothing away."""
    phrases = [phrase for phrase in ("right value is", "with exact values it is") if phrase in message]
    own = {match.group(1) for match in NUMBER.finditer(written)}
    return phrases + [number for number in leaked_numbers(message, right, typed) if number not in own]


def test_the_leak_finder_finds_a_leak():
    """The check below can fail: it sees the right value printed in any rounding, not the learner's own number."""
    right, typed = np.asarray(-0.0061954), np.asarray(-0.06)
    assert states_right_value("Not right. The right value is -0.006195.", right, typed)
    assert leaked_numbers("Your dL/dz is 10 times −0.0062", right, typed) == ["0.0062"]
    assert not leaked_numbers("Not right (read as -0.06): a factor 2 or 10 times what it should be.", right, typed)
    assert leaked_numbers("[0.5523, 0.44]", np.asarray([0.55228, 0.1]), np.asarray([1.0, 0.44])) == ["0.5523"]
    assert states_right_value("∂a/∂w = 1.5", np.asarray(1.5), np.asarray(1.0))
    assert not states_right_value("the factor 1.5 of w*1.5 is lost", np.asarray(1.5), np.asarray(1.0), "a = w*1.5")


def written_in(solution) -> str:
    """The exercise's graph as the learner reads it: every node's expression."""
    return " ".join(to_text(node.expression) for node in solution.graph.nodes.values())


def catalog_candidates():
    """(exercise, quantity, the candidate wrong answer) for every candidate mistake of every asked step."""
    for name in catalog_names():
        solution = solve(resolve_exercise(name))
        checker = Checker(solution)
        context = context_of(solution)
        for quantity in asked_quantities(solution):
            if quantity.kind == QuantityKind.FORMULA:
                continue
            tolerance, base = checker.tolerance(quantity), checker.change_base(quantity)
            expected = np.asarray(checker.expected(quantity), dtype=np.float64)
            answer = WrongAnswer(context, quantity, expected * 1.37, tolerance, (), base)
            arrays = [expected * 1.37, round_significant(expected, 1), round_significant(expected, 2)]
            by_label: dict[str, np.ndarray] = {}  # one per label: every explanation of a step, in reasonable time
            for candidate in candidates(answer):
                array = np.asarray(candidate.array, dtype=np.float64)
                if candidate.label not in by_label and array.size == expected.size:
                    by_label[candidate.label] = array
            arrays += by_label.values()
            for array in arrays:
                if array.size == expected.size and np.all(np.isfinite(array)):
                    yield name, solution, quantity, tolerance, base, expected, array.reshape(expected.shape)


def test_no_diagnosis_of_any_candidate_mistake_states_the_right_value():
    """...nor the pointer that an answer no diagnosis explains gets instead."""
    diagnosed, pointed, leaks = 0, 0, []
    for name, solution, quantity, tolerance, base, expected, array in catalog_candidates():
        found = diagnose_strictly(solution, quantity, array, tolerance, (), base)
        if found is None:
            label, text = None, pointer(solution, quantity, array, {}, {})
            pointed += bool(text)
        else:
            label, text = found.label, found.explanation
            diagnosed += 1
        leaked = states_right_value(text, expected, array, written_in(solution))
        if leaked:
            leaks.append((name, str(quantity), label, leaked, text))
    assert diagnosed > 1000 and pointed > 100  # every exercise, every kind of step, most labels
    assert not leaks, "\n".join(map(str, leaks[:20]))


@pytest.mark.parametrize("student", sorted(SEEDS.glob("*.student.toml")), ids=lambda path: path.stem)
def test_tutor_check_states_right_values_only_with_reveal(student):
    name = student.name.removesuffix(".student.toml")
    plain = json.loads(tutor_command("check", name, student, "--json").stdout)["items"]
    revealed = json.loads(tutor_command("check", name, student, "--json", "--reveal").stdout)["items"]
    assert [item["verdict"] for item in plain] == [item["verdict"] for item in revealed]
    for item, shown in zip(plain, revealed):
        assert "expected" not in item
        if item["quantity"].startswith("formula.") or not item["readable"]:
            continue
        typed = np.asarray(read_answer(item["answer"]).value, dtype=np.float64)
        assert not states_right_value(item["message"], np.asarray(shown["expected"]), typed), item
        if item["verdict"] == "wrong":
            assert "The right value is" in shown["message"] and item["message"] in shown["message"]


def answered(name: str, answers: dict[str, str]) -> tuple[Checker, dict]:
    solution = solve(resolve_exercise(name))
    checker = Checker(solution)
    verdicts = {quantity: checker.check(Quantity.parse(quantity), text) for quantity, text in answers.items()}
    return checker, verdicts


def test_an_undiagnosed_gradient_points_at_the_factor_that_disagrees_with_the_learners_own_numbers():
    # dL/dz = -0.0085: no known slip gives it (the right value is -0.006195)
    checker, verdicts = answered(
        "sigmoid-neuron-mse", {"value.z": "2.8", "value.yhat": "0.9427", "grad.yhat": "-0.1146", "grad.z": "-0.0085"}
    )
    verdict = verdicts["grad.z"]
    assert not verdict.correct and verdict.diagnosis is None
    assert "Where to look: dL/dz = dL/dyhat · ∂yhat/∂z = dL/dyhat · yhat(1 − yhat)." in verdict.message
    # their dL/dyhat is right: the product would be the right value, so the local factor is named instead
    assert "Your answer is not your dL/dyhat times ∂yhat/∂z: re-check ∂yhat/∂z." in verdict.message
    assert not states_right_value(verdict.message, checker.expected(verdict.quantity), np.asarray(-0.0085))
    # with their own local derivative too, it is the product itself
    checker, verdicts = answered(
        "sigmoid-neuron-mse", {"grad.yhat": "-0.1146", "local.yhat.z": "0.05404", "grad.z": "-0.0085"}
    )
    assert "Your answer is not your dL/dyhat times your ∂yhat/∂z: redo the product." in verdicts["grad.z"].message


def test_an_undiagnosed_value_local_and_update_say_their_rule():
    _, verdicts = answered("sigmoid-neuron-mse", {"value.z": "3.37", "local.yhat.z": "0.0871"})
    assert (
        "Where to look: z = p1 + p2 + b0; recompute it from your values of p1, p2, b0." in verdicts["value.z"].message
    )
    assert "Where to look: ∂yhat/∂z = yhat(1 − yhat)" in verdicts["local.yhat.z"].message
    _, verdicts = answered("network-3-2-1-sigmoid", {"update.b3": "0.5"})
    assert "Where to look: new b3 = b3 − η·dL/db3 with η = 1" in verdicts["update.b3"].message
