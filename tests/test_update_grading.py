"""Issue 17: updates judged on the change, and error carried forward from the learner's own answers,
right or wrong, on Matt Mazur's 2-2-2 network (tests/exercises/mazur-2-2-2.toml).

The learner's numbers below are computed here from Mazur's formulas, independently of the engine.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from tutor.engine import solve
from tutor.exercise import load_exercise, parse_exercise, resolve_exercise
from tutor.exercise.model import Tolerance
from tutor.grading import Checker, Quantity
from tutor.session import Session
from tutor.session.modes import EXAM, PRACTICE
from tutor_testing import no_traceback, tutor_command

MAZUR = Path(__file__).resolve().parent / "exercises" / "mazur-2-2-2.toml"
RATE = 0.5
WEIGHTS = {"w1": 0.15, "w2": 0.20, "w3": 0.25, "w4": 0.30, "w5": 0.40, "w6": 0.45, "w7": 0.50, "w8": 0.55}


def sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def forward(w: dict[str, float]) -> dict[str, float]:
    """Mazur's forward pass, written out by hand."""
    i1, i2, b1, b2 = 0.05, 0.10, 0.35, 0.60
    v = {"net_h1": w["w1"] * i1 + w["w2"] * i2 + b1, "net_h2": w["w3"] * i1 + w["w4"] * i2 + b1}
    v["out_h1"], v["out_h2"] = sigmoid(v["net_h1"]), sigmoid(v["net_h2"])
    v["net_o1"] = w["w5"] * v["out_h1"] + w["w6"] * v["out_h2"] + b2
    v["net_o2"] = w["w7"] * v["out_h1"] + w["w8"] * v["out_h2"] + b2
    v["out_o1"], v["out_o2"] = sigmoid(v["net_o1"]), sigmoid(v["net_o2"])
    v["E"] = 0.5 * (0.01 - v["out_o1"]) ** 2 + 0.5 * (0.99 - v["out_o2"]) ** 2
    return v


VALUES = forward(WEIGHTS)


def typed(number: float) -> str:
    return f"{number:.6g}"


def doubled_chain() -> dict[str, float]:
    """A learner who doubles dE/dout_o1 (forgets the ½) and then works every later step right from it."""
    v = VALUES
    chain = {"grad.out_o1": 2 * (v["out_o1"] - 0.01)}
    chain["grad.net_o1"] = chain["grad.out_o1"] * v["out_o1"] * (1 - v["out_o1"])
    chain["grad.w5"] = chain["grad.net_o1"] * v["out_h1"]
    chain["grad.w6"] = chain["grad.net_o1"] * v["out_h2"]
    chain["update.w5"] = WEIGHTS["w5"] - RATE * chain["grad.w5"]
    chain["update.w6"] = WEIGHTS["w6"] - RATE * chain["grad.w6"]
    return chain


@pytest.fixture(scope="module")
def mazur():
    return solve(load_exercise(MAZUR))


def right_gradient(name: str) -> float:
    """dE/dw by hand, for the update tests."""
    v = VALUES
    d_o1 = (v["out_o1"] - 0.01) * v["out_o1"] * (1 - v["out_o1"])
    d_o2 = (v["out_o2"] - 0.99) * v["out_o2"] * (1 - v["out_o2"])
    d_h1 = (d_o1 * WEIGHTS["w5"] + d_o2 * WEIGHTS["w7"]) * v["out_h1"] * (1 - v["out_h1"])
    d_h2 = (d_o1 * WEIGHTS["w6"] + d_o2 * WEIGHTS["w8"]) * v["out_h2"] * (1 - v["out_h2"])
    return {
        "w1": d_h1 * 0.05,
        "w2": d_h1 * 0.10,
        "w3": d_h2 * 0.05,
        "w4": d_h2 * 0.10,
        "w5": d_o1 * v["out_h1"],
        "w6": d_o1 * v["out_h2"],
        "w7": d_o2 * v["out_h1"],
        "w8": d_o2 * v["out_h2"],
    }[name]


def check(checker: Checker, quantity: str, text: str):
    return checker.check(Quantity.parse(quantity), text)


# -- the exercise is Mazur's ---------------------------------------------------------------------------


def test_the_exercise_gives_mazurs_published_numbers(mazur):
    assert float(mazur.values["E"]) == pytest.approx(0.298371109, abs=1e-9)
    assert float(mazur.values["out_o1"]) == pytest.approx(0.75136507, abs=1e-8)
    assert float(mazur.updated["w5"]) == pytest.approx(0.35891648, abs=1e-8)
    assert float(mazur.updated["w1"]) == pytest.approx(0.149780716, abs=1e-9)
    # Mazur's 0.291027924 was computed from his rounded intermediate values: the exact one is 1.5e-7 away
    assert float(mazur.after_values["E"]) == pytest.approx(0.291027924, abs=2e-7)


# -- an update is judged on the change -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["w1", "w4", "w5", "w8"])
def test_the_right_update_is_accepted_with_its_change_to_three_figures(mazur, name):
    new = WEIGHTS[name] - RATE * right_gradient(name)
    assert check(Checker(mazur), f"update.{name}", typed(new)).correct
    assert check(Checker(mazur), f"update.{name}", f"{WEIGHTS[name]} - {RATE}*{right_gradient(name):.4g}").correct


@pytest.mark.parametrize("name", ["w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8"])
def test_copying_the_old_weight_is_wrong(mazur, name):
    verdict = check(Checker(mazur), f"update.{name}", typed(WEIGHTS[name]))
    assert not verdict.correct
    assert verdict.diagnosis == "neighbour_value" and f"That is {name} before the update" in verdict.message
    assert "The right value" not in verdict.message  # only where answers are revealed
    right = verdict.revealed_message.rsplit("The right value is ", 1)[1].rstrip(".")  # with the figures it needs
    assert check(Checker(mazur), f"update.{name}", right).correct, right


@pytest.mark.parametrize("name", ["w1", "w5"])
def test_a_wrong_sign_is_wrong_and_named(mazur, name):
    verdict = check(Checker(mazur), f"update.{name}", typed(WEIGHTS[name] + RATE * right_gradient(name)))
    assert not verdict.correct
    assert verdict.diagnosis == "sign"


@pytest.mark.parametrize("name", ["w1", "w5"])
def test_a_missing_learning_rate_is_wrong_and_named(mazur, name):
    verdict = check(Checker(mazur), f"update.{name}", typed(WEIGHTS[name] - right_gradient(name)))
    assert not verdict.correct
    assert verdict.diagnosis == "learning_rate_missing"


def test_a_doubled_learning_rate_is_wrong(make_solution):
    # with η = 0.5 a doubled rate is the missing one; with η = 0.25 the two differ
    solution = make_solution(MAZUR.read_text(encoding="utf-8").replace("learning_rate = 0.5", "learning_rate = 0.25"))
    for name in ("w1", "w5"):
        gradient = right_gradient(name)
        assert check(Checker(solution), f"update.{name}", typed(WEIGHTS[name] - 0.25 * gradient)).correct
        assert not check(Checker(solution), f"update.{name}", typed(WEIGHTS[name] - 0.5 * gradient)).correct
        assert not check(Checker(solution), f"update.{name}", typed(WEIGHTS[name] - gradient)).correct
        # named, once the learner's own gradient is right (a doubled gradient would make the same number)
        checker = Checker(solution)
        assert check(checker, f"grad.{name}", typed(gradient)).correct
        doubled = check(checker, f"update.{name}", typed(WEIGHTS[name] - 0.5 * gradient))
        assert doubled.diagnosis == "learning_rate_twice" and "(2η)" in doubled.message


def test_a_new_weight_rounded_so_far_that_the_change_is_lost_is_wrong_and_said_so(mazur):
    # 0.1498 is w1 to 4 figures, but its change -0.0002 is 9% off the right -0.000219
    verdict = check(Checker(mazur), "update.w1", "0.1498")
    assert not verdict.correct
    assert verdict.diagnosis == "rounding"
    assert "keep at least 5 significant figures" in verdict.message
    assert check(Checker(mazur), "update.w1", "0.14978").correct


def test_after_values_that_hardly_change_are_judged_on_the_change(mazur):
    after = forward({name: WEIGHTS[name] - RATE * right_gradient(name) for name in WEIGHTS})
    # net_h1 moves by 1.6e-5: the value before the update is not the value after it
    assert not check(Checker(mazur), "after.net_h1", typed(VALUES["net_h1"])).correct
    assert check(Checker(mazur), "after.net_h1", f"{after['net_h1']:.8g}").correct
    # E moves by 2.5%: judged on its value, 3 figures are enough
    assert check(Checker(mazur), "after.E", f"{after['E']:.3g}").correct
    assert not check(Checker(mazur), "after.E", typed(VALUES["E"])).correct


def test_a_tolerance_per_kind_of_step(make_solution):
    text = MAZUR.read_text(encoding="utf-8") + "\n[tolerance]\nrelative = 0.01\n[tolerance.update]\nrelative = 0.1\n"
    solution = make_solution(text)
    assert solution.exercise.tolerance_for("update").relative == 0.1
    assert solution.exercise.tolerance_for("value").relative == 0.01
    assert solution.exercise.tolerance_for("update").absolute == 1e-6  # [tolerance]'s, as it is not set
    # 0.1498 changes w1 by 9% of the right change: within 10%
    assert check(Checker(solution), "update.w1", "0.1498").correct


def test_a_tolerance_of_one_step_of_its_own(make_solution, tmp_path):
    text = MAZUR.read_text(encoding="utf-8") + (
        '\n[tolerance.update]\nrelative = 0.1\n[tolerance."update.w1"]\nabsolute = 0.001\n[tolerance."grad.w5"]\n'
        "relative = 0.2\n"
    )
    solution = make_solution(text)
    exercise = solution.exercise
    assert exercise.tolerance_for("update", "update.w1") == Tolerance(0.1, 0.001)  # relative: its kind's
    assert exercise.tolerance_for("update", "update.w2") == Tolerance(0.1, 1e-6)
    assert exercise.tolerance_for("grad", "grad.w5").relative == 0.2
    assert exercise.tolerance_for("grad", "grad.w6").relative == Tolerance().relative
    w5 = float(solution.grads["w5"])
    assert check(Checker(solution), "grad.w5", f"{w5 * 1.15:.6f}").correct  # 15% off: within its own 20%
    assert not check(Checker(solution), "grad.w6", f"{float(solution.grads['w6']) * 1.15:.6f}").correct
    for bad, message in (
        ('[tolerance."grad.nope"]\nrelative = 0.1\n', "[tolerance] names the step 'grad.nope'"),
        ('[tolerance."grad.w5"]\nrelative = 2\n', "relative"),
        ('[tolerance]\n"grad.w5" = 0.1\n', 'like [tolerance."grad.w5"] with relative = 0.01'),
    ):
        path = tmp_path / "bad.toml"
        path.write_text(MAZUR.read_text(encoding="utf-8") + "\n" + bad, encoding="utf-8")
        result = tutor_command("validate", path)
        assert result.returncode == 2 and message in result.stdout + result.stderr, result.stdout + result.stderr


# -- error carried forward from a doubled dE/dout_o1 ------------------------------------------------------

CHAIN_STEPS = ["grad.net_o1", "grad.w5", "grad.w6", "update.w5", "update.w6"]


def answers_file(path: Path) -> Path:
    chain = doubled_chain()
    lines = ["[value]"] + [f'{name} = "{typed(value)}"' for name, value in VALUES.items()]
    lines += ["[grad]"] + [
        f'{quantity.split(".")[1]} = "{typed(chain[quantity])}"'
        for quantity in ("grad.out_o1", "grad.net_o1", "grad.w5", "grad.w6")
    ]
    lines += ["[update]"] + [
        f'{quantity.split(".")[1]} = "{typed(chain[quantity])}"' for quantity in ("update.w5", "update.w6")
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_tutor_check_carries_a_doubled_gradient_forward(tmp_path):
    answers = answers_file(tmp_path / "answers.toml")
    result = tutor_command("check", MAZUR, answers, "--json")
    no_traceback(result)
    items = {item["quantity"]: item for item in json.loads(result.stdout)["items"]}
    assert items["grad.out_o1"]["verdict"] == "wrong"
    assert items["grad.out_o1"]["diagnosis"] == "extra_factor_2"
    for quantity in CHAIN_STEPS:
        assert items[quantity]["verdict"] == "correct", quantity
        assert items[quantity]["carried_forward"], quantity
        assert items[quantity]["diagnosis"] is None, quantity
    assert all(items[f"value.{name}"]["verdict"] == "correct" for name in VALUES)


def test_the_new_w5_from_a_doubled_gradient_is_not_blamed_on_the_learning_rate(mazur):
    chain = doubled_chain()
    checker = Checker(mazur)
    for quantity in ("grad.out_o1", "grad.net_o1", "grad.w5"):
        check(checker, quantity, typed(chain[quantity]))
    verdict = check(checker, "update.w5", typed(chain["update.w5"]))
    assert verdict.correct and verdict.carried_forward and verdict.diagnosis is None
    # without the learner's own gradients the same number is the update without η (η = 0.5 and a doubled
    # gradient cancel): only then is that the diagnosis
    assert check(Checker(mazur), "update.w5", typed(chain["update.w5"])).diagnosis == "learning_rate_missing"


def exam_with_doubled_chain(exercise) -> Session:
    session = Session(exercise, mode=EXAM)
    chain = doubled_chain()
    typed_answers = {f"value.{name}": typed(value) for name, value in VALUES.items()}
    typed_answers.update({quantity: typed(value) for quantity, value in chain.items()})
    positions = {str(step.quantity): index for index, step in enumerate(session.steps)}
    for quantity, text in typed_answers.items():
        session.go_to(positions[quantity])
        session.answer(text)
    session.submit()
    return session


def test_an_exam_carries_a_doubled_gradient_forward_with_full_credit_by_default():
    session = exam_with_doubled_chain(load_exercise(MAZUR))
    report = {str(item.step.quantity): item for item in session.exam_report}
    assert report["grad.out_o1"].credit == 0
    for quantity in CHAIN_STEPS:
        assert report[quantity].verdict.carried_forward, quantity
        assert report[quantity].credit == 1.0, quantity
    assert report["update.w5"].verdict.diagnosis is None


def test_carried_forward_credit_is_a_file_setting_in_exams_and_practice():
    text = "carried_forward_credit = 0.5\n" + MAZUR.read_text(encoding="utf-8")
    exercise = parse_exercise(text, MAZUR, "mazur-half")
    assert exercise.carried_forward_credit == 0.5
    exam = exam_with_doubled_chain(exercise)
    report = {str(item.step.quantity): item for item in exam.exam_report}
    assert [report[quantity].credit for quantity in CHAIN_STEPS] == [0.5] * len(CHAIN_STEPS)
    assert report["value.E"].credit == 1.0  # right against the exact value: full credit

    practice = Session(exercise, mode=PRACTICE)
    positions = {str(step.quantity): index for index, step in enumerate(practice.steps)}
    chain = doubled_chain()
    practice.go_to(positions["grad.out_o1"])
    assert not practice.answer(typed(chain["grad.out_o1"])).correct  # a wrong try, left unfinished
    practice.go_to(positions["grad.net_o1"])
    assert practice.answer(typed(chain["grad.net_o1"])).carried_forward
    assert practice.practice_credit(practice.states[positions["grad.net_o1"]]) == 0.5
    assert practice.practice_credit(practice.states[positions["grad.out_o1"]]) == 0.0


def test_practice_after_a_correction_and_after_a_reveal_uses_the_right_value(mazur):
    session = Session(load_exercise(MAZUR), mode=PRACTICE)
    positions = {str(step.quantity): index for index, step in enumerate(session.steps)}
    chain = doubled_chain()
    session.go_to(positions["grad.out_o1"])
    session.answer(typed(chain["grad.out_o1"]))
    session.reveal()  # the revealed right value stands for the learner's from now on
    session.go_to(positions["grad.net_o1"])
    assert not session.answer(typed(chain["grad.net_o1"])).correct
    right = VALUES["out_o1"] - 0.01
    assert session.answer(typed(right * VALUES["out_o1"] * (1 - VALUES["out_o1"]))).correct


@pytest.mark.parametrize(
    "table, message",
    [
        ("[tolerance.update]\nrelativ = 0.1\n", "unknown tolerance 'relativ' (did you mean 'relative'?)"),
        ("[tolerance]\nupdat = 0.1\n", "unknown tolerance 'updat' (did you mean 'update'?)"),
        ("[tolerance]\nupdate = 0.1\n", "the tolerance of update steps must be a table"),
        ("[tolerance.grad]\nabsolute = 2\n", "tolerance 'absolute' must be a number from 0 up to (not including) 1"),
    ],
)
def test_bad_tolerance_tables_are_reported_at_their_line(tmp_path, table, message):
    from tutor.exercise import ExerciseFileError

    text = MAZUR.read_text(encoding="utf-8") + table
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ExerciseFileError) as raised:
        load_exercise(path)
    problem = raised.value.problems[0]
    assert message in problem.message
    assert problem.line == len(text.splitlines())


@pytest.mark.parametrize("value", ["2", "-0.5", '"half"', "true"])
def test_a_bad_carried_forward_credit_is_reported_at_its_line(tmp_path, value):
    from tutor.exercise import ExerciseFileError

    path = tmp_path / "bad.toml"
    path.write_text(f"carried_forward_credit = {value}\n" + MAZUR.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(ExerciseFileError) as raised:
        load_exercise(path)
    assert raised.value.problems[0].line == 1
    assert "'carried_forward_credit' must be a number from 0 to 1" in raised.value.problems[0].message


def test_a_revealed_update_shows_the_figures_its_change_needs_and_they_are_accepted(mazur):
    from tutor.grading.explain import worked_answer

    for name in ("w1", "w5"):
        shown = worked_answer(mazur, Quantity.parse(f"update.{name}")).rsplit("= ", 1)[1]
        assert check(Checker(mazur), f"update.{name}", shown).correct, shown
    assert worked_answer(mazur, Quantity.parse("update.w1")).endswith("= 0.1497807")


def test_the_right_values_shown_for_updates_are_graded_right_when_typed():
    """solve, check, the report and transcripts show an update with the figures its change needs."""
    from tutor.grading import Checker, asked_quantities
    from tutor.grading.explain import right_value_text

    solution = solve(load_exercise(MAZUR))
    for quantity in asked_quantities(solution):
        if quantity.kind in ("update", "after"):
            shown = right_value_text(solution, quantity)
            assert Checker(solution).check(quantity, shown).correct, (quantity, shown)


def test_a_masked_score_is_judged_on_its_value_not_its_change_from_the_mask():
    # S = T/sqrt(2) + M with M = -1e9 at the masked entry: -1e9 + 0.71 is -1e9 as a learner types it (the exercise's
    # hint says "about -10⁹"); the mask stands for -∞ and is copied, never calculated
    solution = solve(resolve_exercise("attention-causal-mask"))
    typed = "[[0.7071, -1e9], [1.061, 1.414]]"
    assert Checker(solution).check(Quantity.parse("value.S"), typed).correct
    assert not Checker(solution).check(Quantity.parse("value.S"), "[[0.7071, -1e9], [1.061, 1.5]]").correct
    assert "-1e9" in tutor_command("solve", "attention-causal-mask").stdout
