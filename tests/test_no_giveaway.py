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
from tutor.engine.formatting import format_value, to_nested_list
from tutor.exercise import catalog_names, resolve_exercise
from tutor.exercise.expression import Call, to_text
from tutor.grading import Checker, asked_quantities, read_answer
from tutor.grading.comparison import change_base
from tutor.grading.diagnosis import diagnose_strictly
from tutor.grading.diagnosis.answer import WrongAnswer
from tutor.grading.diagnosis.context import context_of
from tutor.grading.diagnosis.numbers import round_significant
from tutor.grading.diagnosis.passes import candidates
from tutor.grading.explain import right_value_text
from tutor.grading.pointer import pointer
from tutor.grading.quantities import Quantity, QuantityKind
from tutor.session import EXAM, ProgressStore, Session
from tutor.session.transcript import EXPORT_FOLDER, build_transcript, export_all, read_key, to_html, to_markdown
from tutor.tui.app import TutorApp
from tutor_testing import FakeClock, paste_answer, right_answer, run, tutor_command

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
    rounded, number = round_significant(elements, figures_of(token)), float(token)
    # np.isclose(rtol=1e-9, atol=0) written out: it costs several times more, and this runs for every number printed
    return bool(((np.abs(rounded - number) <= 1e-9 * abs(number)) & (elements != 0)).any())


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


def written_in(exercise) -> list[str]:
    """What the exercise itself writes for the learner to read: its inputs' numbers and its graph's expressions."""
    return [
        *(spec.text for spec in exercise.written_inputs.values()),
        *(to_text(node.expression) for node in exercise.written_nodes),
    ]


def operation_at(solution, name: str) -> str:
    """The operation that makes node ``name`` (``=`` for a plain name or number, ``input`` for an input)."""
    node = solution.graph.nodes.get(name)
    if node is None:
        return "input"
    return node.expression.function if isinstance(node.expression, Call) else type(node.expression).__name__


def where(solution, quantity: Quantity) -> tuple:
    """What, besides its label, shapes the words of a step's diagnosis: a tensor or a number, and the operations
    around the step: for a gradient dL/dx the ones consuming x (it sums over them), else the one making the node
    and, for a local derivative, the one making its input."""
    tensor = np.ndim(solution.values.get(quantity.name, 0)) > 0
    if quantity.kind == QuantityKind.GRAD:
        consumers = solution.graph.consumers.get(quantity.name, [])
        return tensor, tuple(sorted({operation_at(solution, consumer) for consumer in consumers}))
    return tensor, operation_at(solution, quantity.name), quantity.source and operation_at(solution, quantity.source)


def catalog_candidates():
    """(exercise, quantity, the candidate wrong answer) for every candidate mistake of every asked step: one per
    kind of step, label and operations around the step (``where``), the first met in the catalog's order. Every
    label is tried on every kind of step and operation it applies to; more steps of the same kind would repeat
    the same words with other numbers (diagnosing each of the catalog's 9,883 took 20 s)."""
    tried = set()
    for name in catalog_names():
        solution = solve(resolve_exercise(name))
        checker = Checker(solution)
        context = context_of(solution)
        for quantity in asked_quantities(solution):
            if quantity.kind == QuantityKind.FORMULA:
                continue
            tolerance, base = checker.tolerance(quantity), change_base(checker.solution, quantity)
            expected = np.asarray(checker.expected(quantity), dtype=np.float64)
            answer = WrongAnswer(context, quantity, expected * 1.37, tolerance, (), base)
            # an undiagnosed factor and two roundings (the pointer's words), then each label's first candidate
            by_label: dict[str, np.ndarray] = {
                "times 1.37": expected * 1.37,
                "1 figure": round_significant(expected, 1),
                "2 figures": round_significant(expected, 2),
            }
            if expected.size > 1:  # a tensor with one entry off, its others right
                by_label["one entry"] = one_off = expected.copy()
                one_off.flat[0] += 0.5
            for candidate in candidates(answer):
                array = np.asarray(candidate.array, dtype=np.float64)
                if candidate.label not in by_label and array.size == expected.size:
                    by_label[candidate.label] = array
            for label, array in by_label.items():
                key = (quantity.kind, label, where(solution, quantity))
                if key not in tried and array.size == expected.size and np.all(np.isfinite(array)):
                    tried.add(key)
                    yield name, solution, quantity, tolerance, base, expected, array.reshape(expected.shape)


def test_no_diagnosis_of_any_candidate_mistake_states_the_right_value():
    """...nor the pointer that an answer no diagnosis explains gets instead."""
    diagnosed, pointed, leaks = set(), 0, []
    for name, solution, quantity, tolerance, base, expected, array in catalog_candidates():
        found = diagnose_strictly(solution, quantity, array, tolerance, (), base)
        if found is None:
            label, text = None, pointer(solution, quantity, array, {}, {})
            pointed += bool(text)
        else:
            label, text = found.label, found.explanation
            diagnosed.add((quantity.kind, label))
        leaked = states_right_value(text, expected, array, " ".join(written_in(solution.exercise)))
        if leaked:
            leaks.append((name, str(quantity), label, leaked, text))
    assert len(diagnosed) > 60 and pointed > 100  # every kind of step, most labels
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


# -- exports of an exam: no right value before submission (issue 14) -----------------------------------------


def half_done_exam(name: str, store: ProgressStore | None = None, submit: bool = False) -> Session:
    """An exam with its first steps answered, one of them wrong (1.37 times the right value), the rest blank."""
    session = Session(resolve_exercise(name), mode=EXAM, store=store, clock=FakeClock())
    for index in range(4):
        expected = np.asarray(session.checker.expected(session.step.quantity), dtype=np.float64)
        session.answer(right_answer(session) if index != 2 else format_value(expected * 1.37, 6))
    if submit:
        session.submit()
    return session


def exam_leaks(session: Session, text: str) -> list[tuple[str, list[str]]]:
    """Every step's right value found in an exported ``text``, in any rounding, by the leak-finder above; the
    numbers the exercise gives (inputs, its graph's constants) and the learner typed are theirs, not leaks, and an
    HTML page's stylesheet (its 0.25rem) is no content."""
    text = re.sub(r"<style>.*?</style>", "", text, flags=re.DOTALL)
    theirs = [*written_in(session.exercise), *(state.answer for state in session.states)]
    own = np.asarray([float(token) for part in theirs for token in NUMBER.findall(part)] or [np.nan])
    leaks = []
    for step in session.steps:
        if step.quantity.kind == QuantityKind.FORMULA:
            continue
        found = leaked_numbers(text, np.asarray(session.checker.expected(step.quantity), dtype=np.float64), own)
        if found:
            leaks.append((str(step.quantity), found))
    return leaks


@pytest.mark.parametrize("name", ["sigmoid-neuron-mse", "network-3-2-1-sigmoid"])
@pytest.mark.parametrize("form", ["json", "md", "html"])
def test_an_unsubmitted_exams_export_carries_no_right_value(tmp_path, name, form):
    session = half_done_exam(name, ProgressStore(tmp_path))
    result = tutor_command("export", session.progress_file, "--format", form, home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert not exam_leaks(session, result.stdout)
    if form == "json":
        transcript = json.loads(result.stdout)
        assert transcript["final"] is None and "withheld" in transcript
        assert all(item["expected"] is None and item["right_value"] is None for item in transcript["items"])
    else:
        assert "withheld until the exam is submitted" in result.stdout


def test_the_leak_finder_finds_the_right_values_in_a_submitted_exams_export():
    """The check above can fail: once submitted, the same exam's files state every right value."""
    session = half_done_exam("sigmoid-neuron-mse", submit=True)
    transcript = build_transcript(session, "ada")
    for text in (json.dumps(transcript), to_markdown(transcript, session.solution)):
        leaked = dict(exam_leaks(session, text))
        assert len(leaked) > len(session.steps) // 2 and "grad.z" in leaked


@pytest.mark.parametrize("mode", ["exam", "practice"])
def test_a_submitted_exam_and_a_practice_transcript_keep_every_right_value(mode):
    if mode == EXAM:
        session = half_done_exam("network-3-2-1-sigmoid", submit=True)
    else:
        session = Session(resolve_exercise("network-3-2-1-sigmoid"), clock=FakeClock())
        session.answer(right_answer(session))
    transcript = build_transcript(session, "ada")
    assert "withheld" not in transcript
    solution = session.solution
    for step, item in zip(session.steps, transcript["items"]):
        expected = session.checker.expected(step.quantity)
        assert item["expected"] == to_nested_list(expected)
        assert item["right_value"] == right_value_text(solution, step.quantity, expected)
    assert transcript["final"]["L"] == {"value": to_nested_list(solution.values["L"]), "grad": 1.0}
    assert "withheld" not in to_markdown(transcript, solution) + to_html(transcript, solution)


def test_f6_on_an_unsubmitted_exam_signs_what_it_writes_and_tutor_grade_regrades_it(tmp_path):
    """F6 writes what export_all writes; the signature covers the transcript as written, so it verifies, and the
    re-grade (which needs only the typed answers) finds nothing edited: nothing is graded before submission."""
    key_file = tmp_path / "exam.key"
    key_file.write_text("k" * 32 + "\n", encoding="utf-8")
    session = half_done_exam("sigmoid-neuron-mse")
    written = export_all(session, tmp_path, learner="ada", key=read_key(key_file))
    for path in written:
        assert not exam_leaks(session, path.read_text(encoding="utf-8")), path.name
    (json_file,) = [path for path in written if path.suffix == ".json"]
    result = tutor_command("grade", json_file, "--key", key_file, "--json", home=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    (graded,) = json.loads(result.stdout)["results"]
    assert not graded["tampered"] and graded["points"] == 0 and graded["answered"] == 4
    assert not exam_leaks(session, result.stdout)


def test_f6_mid_exam_in_the_tutor_saves_files_without_a_right_value(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # F6 saves in the current directory

    async def scenario():
        # a known clock: the transcript's seconds from the real one could be a right value (1.0 s is dL/db3)
        app = TutorApp("network-3-2-1-sigmoid", mode=EXAM, store=ProgressStore(tmp_path / "home"), clock=FakeClock())
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            session = app.screen.session
            await paste_answer(pilot, right_answer(session))
            await paste_answer(pilot, "0.5")
            await pilot.press("f6")
            await pilot.pause()
            written = sorted((tmp_path / EXPORT_FOLDER).iterdir())
            assert [path.suffix for path in written] == [".html", ".json", ".md"]
            for path in written:
                assert not exam_leaks(session, path.read_text(encoding="utf-8")), path.name
            assert json.loads(written[1].read_text(encoding="utf-8"))["final"] is None

    run(scenario())
