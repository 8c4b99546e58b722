"""Issue 17, checked as an outside teaching assistant would: exercises written from docs/exercise-format.md alone
(tests/exercises/course/), answers files of the kinds a class hands in, and the verdicts, credits, diagnoses and
score lines a careful TA would give. Every right number is computed here by hand with NumPy, not by the engine.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import numpy as np

from tutor.engine import solve
from tutor.exercise import load_exercise, parse_exercise
from tutor.grading import Checker, Quantity
from tutor.session import ProgressStore, Session
from tutor.session.modes import EXAM
from tutor.tui.app import TutorApp
from tutor.tui.screens.report import ExamReportScreen
from tutor_testing import paste_answer, right_answer, run, text_of, tutor_command

COURSE = Path(__file__).resolve().parent / "exercises" / "course"


def exercise(text: str):
    return solve(parse_exercise(textwrap.dedent(text)))


def one_node(value: float):
    """An exercise whose one step, value.p, has the right value ``value``."""
    return exercise(f"""
        title = "one value"
        [inputs]
        a = {value!r}
        [graph]
        p = "a*1"
    """)


def rounding_message(value: float, typed: str) -> str:
    verdict = Checker(one_node(value)).check(Quantity.parse("value.p"), typed)
    assert not verdict.correct and verdict.diagnosis == "rounding", verdict.message
    return verdict.message


def test_rounding_is_read_at_the_figures_written_and_never_asks_for_the_figures_given():
    # issue 17 item 8: 0.100 for 0.10098 is cut off after 3 figures (rounded, 0.101 is right), not "rounded to 3"
    message = rounding_message(0.10098, "0.100")
    assert "cut off after 3 significant figures" in message and "keep at least 3" not in message
    assert "round the last figure" in message
    # 0.100 for 0.104: two figures, then a zero written rather than worked out
    message = rounding_message(0.104, "0.100")
    assert "rounded to 2 significant figures, with zeros written up to 3" in message
    assert "keep at least 3" not in message
    # too few figures, rounded or cut off: how many are needed, which is more than were given
    assert "rounded to 1 significant figure" in rounding_message(0.104, "0.1")
    assert "keep at least 3 significant figures" in rounding_message(0.104, "0.1")
    assert "keep at least 3 significant figures, rounding the last one" in rounding_message(0.1068, "0.10")
    assert "cut off after 2 significant figures" in rounding_message(0.1098, "0.10")  # 0.11 would do


# -- Mazur's 2-2-2 network with η = 0.3 and both biases learned (tests/exercises/course/mazur-lr03-biases.toml) --
MAZUR = COURSE / "mazur-lr03-biases.toml"
RATE = 0.3
PARAMS = {"w1": 0.15, "w2": 0.20, "w3": 0.25, "w4": 0.30, "b1": 0.35, "w5": 0.40, "w6": 0.45, "w7": 0.50, "w8": 0.55}
PARAMS["b2"] = 0.60


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def mazur_forward(p: dict) -> dict:
    v = {"h1": p["w1"] * 0.05 + p["w2"] * 0.10 + p["b1"], "h2": p["w3"] * 0.05 + p["w4"] * 0.10 + p["b1"]}
    v["a1"], v["a2"] = sigmoid(v["h1"]), sigmoid(v["h2"])
    v["o1"] = p["w5"] * v["a1"] + p["w6"] * v["a2"] + p["b2"]
    v["o2"] = p["w7"] * v["a1"] + p["w8"] * v["a2"] + p["b2"]
    v["y1"], v["y2"] = sigmoid(v["o1"]), sigmoid(v["o2"])
    v["E"] = 0.5 * (0.01 - v["y1"]) ** 2 + 0.5 * (0.99 - v["y2"]) ** 2
    return v


def mazur_backward(v: dict, dE_dy1: float) -> dict:
    """Every gradient by hand from dE/dy1 (the learner's, which may be wrong) and the right dE/dy2."""
    g = {"y1": dE_dy1, "y2": v["y2"] - 0.99}
    g["o1"], g["o2"] = g["y1"] * v["y1"] * (1 - v["y1"]), g["y2"] * v["y2"] * (1 - v["y2"])
    g.update(w5=g["o1"] * v["a1"], w6=g["o1"] * v["a2"], w7=g["o2"] * v["a1"], w8=g["o2"] * v["a2"])
    g["b2"] = g["o1"] + g["o2"]
    g["a1"] = g["o1"] * PARAMS["w5"] + g["o2"] * PARAMS["w7"]
    g["a2"] = g["o1"] * PARAMS["w6"] + g["o2"] * PARAMS["w8"]
    g["h1"], g["h2"] = g["a1"] * v["a1"] * (1 - v["a1"]), g["a2"] * v["a2"] * (1 - v["a2"])
    g.update(w1=g["h1"] * 0.05, w2=g["h1"] * 0.10, w3=g["h2"] * 0.05, w4=g["h2"] * 0.10, b1=g["h1"] + g["h2"])
    return g


VALUES = mazur_forward(PARAMS)
GRADS = mazur_backward(VALUES, VALUES["y1"] - 0.01)
NEW = {name: PARAMS[name] - RATE * GRADS[name] for name in PARAMS}
AFTER = mazur_forward(NEW)


def answers_file(path: Path, tables: dict[str, dict[str, float | str]]) -> Path:
    lines = []
    for table, answers in tables.items():
        lines.append(f"[{table}]")
        lines += [
            f'"{name}" = "{typed if isinstance(typed, str) else f"{typed:.7g}"}"' for name, typed in answers.items()
        ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def check(exercise: Path, answers: Path, *options: str) -> tuple[int, dict]:
    result = tutor_command("check", exercise, answers, "--json", *options)
    assert not result.stderr, result.stderr
    return result.returncode, json.loads(result.stdout)


def items(report: dict) -> dict[str, dict]:
    return {item["quantity"]: item for item in report["items"]}


def test_the_course_exercises_are_valid_and_give_the_numbers_worked_by_hand():
    result = tutor_command("validate", *sorted(COURSE.glob("*.toml")))
    assert result.returncode == 0 and "warning" not in result.stdout, result.stdout
    solution = solve(load_exercise(MAZUR))
    for name, value in VALUES.items():
        assert np.isclose(solution.values[name], value, rtol=1e-12)
    for name, value in GRADS.items():
        assert np.isclose(solution.grads[name], value, rtol=1e-12)
    for name, value in NEW.items():
        assert np.isclose(solution.updated[name], value, rtol=1e-12)
    for name, value in AFTER.items():
        assert np.isclose(solution.after_values[name], value, rtol=1e-12)


def test_an_update_that_was_not_done_is_wrong_for_every_weight_and_bias(tmp_path):
    kinds = {
        "old values": {name: PARAMS[name] for name in PARAMS},
        "wrong sign": {name: PARAMS[name] + RATE * GRADS[name] for name in PARAMS},
        "learning rate missing": {name: PARAMS[name] - GRADS[name] for name in PARAMS},
        "learning rate doubled": {name: PARAMS[name] - 2 * RATE * GRADS[name] for name in PARAMS},
    }
    for kind, updates in kinds.items():
        code, report = check(MAZUR, answers_file(tmp_path / "answers.toml", {"update": updates}), "--mode", "exam")
        assert code == 1
        assert all(item["verdict"] == "wrong" and item["credit"] == 0 for item in report["items"]), kind
        assert report["score"]["line"] == "0 of 10 answered right; 0 of the exercise's 78 steps", kind
    code, report = check(MAZUR, answers_file(tmp_path / "answers.toml", {"update": NEW, "after": AFTER}))
    assert all(item["verdict"] == "correct" and not item["carried_forward"] for item in report["items"])
    assert (code, report["score"]["line"]) == (1, "19 of 19 answered right; 19 of the exercise's 78 steps")


def doubled_slip() -> dict[str, dict[str, float]]:
    """A student who doubles dE/dy1 (the ½ of E left out) and works every later step right from it."""
    own = mazur_backward(VALUES, 2 * (VALUES["y1"] - 0.01))
    names = ["y1", "o1", "w5", "w6", "b2", "a1", "a2", "h1", "h2", "w1", "b1"]
    return {
        "value": dict(VALUES),
        "grad": {name: own[name] for name in names},
        "update": {name: PARAMS[name] - RATE * own[name] for name in ("w5", "w6", "b2", "w1", "b1")},
    }


def test_one_doubled_gradient_costs_that_step_only_in_check_practice_and_exam(tmp_path):
    answers = answers_file(tmp_path / "slip.toml", doubled_slip())
    lines = set()
    for mode in ("practice", "exam"):
        code, report = check(MAZUR, answers, "--mode", mode)
        graded = items(report)
        assert graded["grad.y1"]["verdict"] == "wrong" and graded["grad.y1"]["diagnosis"] == "extra_factor_2"
        later = [name for name in graded if name != "grad.y1" and not name.startswith("value.")]
        assert all(graded[name]["verdict"] == "correct" and graded[name]["carried_forward"] for name in later), mode
        assert all(graded[name]["credit"] == 1 for name in later)
        lines.add((code, report["score"]["line"]))
    assert lines == {(1, "24 of 25 answered right; 24 of the exercise's 78 steps")}


def test_an_update_slip_made_with_the_students_own_gradient_is_named(tmp_path):
    # after the doubled dE/dy1, the student's dE/dw5 and dE/dw6 are twice the right ones: their update's slips are
    # read against their own gradient, never against the right one they never had (issue 17 item 3)
    slip = doubled_slip()
    own = slip["grad"]
    slip["update"] = {"w5": PARAMS["w5"] - own["w5"], "w6": PARAMS["w6"] + RATE * own["w6"]}
    for mode in ("practice", "exam"):
        _, report = check(MAZUR, answers_file(tmp_path / "slip.toml", slip), "--mode", mode)
        w5, w6 = items(report)["update.w5"], items(report)["update.w6"]
        assert (w5["verdict"], w5["diagnosis"]) == ("wrong", "learning_rate_missing")
        assert "with your own dE/dw5" in w5["message"]
        assert (w6["verdict"], w6["diagnosis"]) == ("wrong", "sign")
        assert "with your own dE/dw6" in w6["message"]


# -- a layer of two sigmoid units (tests/exercises/course/sigmoid-layer-vector.toml): partial credit in exams --
LAYER = COURSE / "sigmoid-layer-vector.toml"


def layer_answers() -> dict[str, dict[str, str]]:
    """A student whose a[2] is wrong (0.5), who works every gradient right from it, then copies the old W[1, 1]
    into the new W and the old b[2] into the new b: worked by hand from their own numbers."""
    x, W, b, y = np.array([0.5, -1.0]), np.array([[0.2, -0.3], [0.4, 0.1]]), np.array([0.1, -0.2]), np.array([1, 0])
    z = W @ x + b
    a = np.array([sigmoid(z[0]), 0.5])
    grad_a = 2 * (a - y)
    grad_z = grad_a * a * (1 - a)
    grad_W = np.outer(grad_z, x)
    new_W, new_b = W - 0.5 * grad_W, b - 0.5 * grad_z
    new_W[0, 0], new_b[1] = W[0, 0], b[1]

    def text(array) -> str:
        return json.dumps(np.asarray(array).tolist())

    return {
        "value": {"z": text(z), "a": text(a), "L": text(np.sum((a - y) ** 2))},
        "grad": {"a": text(grad_a), "z": text(grad_z), "W": text(grad_W), "b": text(grad_z)},
        "update": {"W": text(new_W), "b": text(new_b)},
    }


def test_an_exam_gives_element_credit_for_elements_right_from_the_students_own_answers(tmp_path):
    answers = answers_file(tmp_path / "layer.toml", layer_answers())
    # a[2] is one element of two; the new W has three of four elements right, two of them only from the student's
    # own gradient (their a[2] changed the second row); the new b one of two: 0.5 + 0.75 + 0.5 lost of 9
    expected_credits = {"value.a": 0.5, "update.W": 0.75, "update.b": 0.5}
    code, report = check(LAYER, answers, "--mode", "exam")
    credits = {name: item["credit"] for name, item in items(report).items()}
    assert {name: credit for name, credit in credits.items() if credit < 1} == expected_credits
    assert (
        "1 of 4 elements are off, counting those right from your earlier answers"
        in items(report)["update.W"]["message"]
    )
    assert (code, report["score"]["line"]) == (1, "6 of 9 answered right; 7.75 of the exercise's 19 steps")
    # the same answers in an exam session, typed last step first as a student going back over it: the same credits
    session = Session(load_exercise(LAYER), mode=EXAM)
    positions = {str(step.quantity): index for index, step in enumerate(session.steps)}
    for kind, typed in reversed(layer_answers().items()):
        for name, text in reversed(typed.items()):
            session.go_to(positions[f"{kind}.{name}"])
            session.answer(text)
    graded = {str(item.step.quantity): item.credit for item in session.submit() if item.answer}
    assert graded == credits and session.summary().score == 7.75
    # at half credit for error carried forward, the two elements of W right only from the student's numbers: half
    halved = tmp_path / "layer-half.toml"
    halved.write_text("carried_forward_credit = 0.5\n" + LAYER.read_text(encoding="utf-8"), encoding="utf-8")
    _, report = check(halved, answers, "--mode", "exam")
    assert items(report)["update.W"]["credit"] == 0.25 + 0.5 * 0.5


def test_the_order_of_the_tables_in_an_answers_file_does_not_change_a_grade(tmp_path):
    # the new weights listed before the gradients they come from are still graded from the student's own gradients
    slip = doubled_slip()
    in_order = answers_file(tmp_path / "in-order.toml", slip)
    update_first = answers_file(tmp_path / "update-first.toml", {"update": slip["update"], **slip})
    for mode in ("practice", "exam"):
        _, graded = check(MAZUR, in_order, "--mode", mode)
        _, reordered = check(MAZUR, update_first, "--mode", mode)
        assert reordered["score"] == graded["score"]
        assert [item["quantity"] for item in reordered["items"]][:5] == [f"update.{name}" for name in slip["update"]]
        assert items(reordered) == items(graded)


def test_an_answer_rounded_to_the_figures_written_is_not_blamed_on_a_slip_that_lands_as_near(tmp_path):
    # dE/do1 = 0.1385 written 0.14: the value of y1 used for dE/dy1 gives 0.1406, also 0.14 at two figures; the
    # student may well have done it right, so the diagnosis is the rounding, never the slip
    rounded = {"value": {"y1": "0.75"}, "grad": {"y1": "0.74", "o1": "0.14"}}
    _, report = check(MAZUR, answers_file(tmp_path / "rounded.toml", rounded))
    verdict = items(report)["grad.o1"]
    assert (verdict["verdict"], verdict["diagnosis"]) == ("wrong", "rounding")
    assert "rounded to 2 significant figures" in verdict["message"]


# -- a tanh neuron with [points], per-kind tolerance and carried_forward_credit = 0.5 (tanh-bias-update.toml) --
TANH = COURSE / "tanh-bias-update.toml"


def test_points_tolerance_per_kind_and_half_credit_for_error_carried_forward(tmp_path):
    x, w, b, y, rate = 1.5, -0.4, 0.2, 0.5, 0.1
    z = w * x + b
    a = np.tanh(z)
    grad_z = 2 * (a - y) * (1 - a**2)
    new_w_wrong_sign, new_b = w + rate * grad_z * x, b - rate * grad_z
    after_z = new_w_wrong_sign * x + new_b  # the student's forward pass from their own new w
    after_a = np.tanh(after_z)
    answers = {
        # values within [tolerance] relative = 0.01 (a is 0.65% off), never within the default 0.5%
        "value": {"z": z, "a": a * 1.0065, "L": (a - y) ** 2},
        "grad": {"w": grad_z * x, "b": grad_z},
        # the new b 1.8% off its change: within [tolerance.update] relative = 0.02
        "update": {"w": new_w_wrong_sign, "b": b - rate * grad_z * 1.018},
        "after": {"z": after_z, "a": after_a, "L": (after_a - y) ** 2},
    }
    for mode in ("practice", "exam"):
        _, report = check(TANH, answers_file(tmp_path / "tanh.toml", answers), "--mode", mode)
        graded = items(report)
        assert (graded["update.w"]["diagnosis"], graded["update.w"]["credit"]) == ("sign", 0)
        assert "your own" not in graded["update.w"]["message"]  # their dL/dw was the right one
        assert all(graded[f"after.{name}"]["carried_forward"] for name in ("z", "a", "L"))
        assert all(graded[f"after.{name}"]["credit"] == 0.5 for name in ("z", "a", "L"))
        # [points]: value 0.5 each, grad.w 2, update 3 each, the rest 1: 1.5 + 2 + 1 + 3 + 3 × 0.5 of 23.5
        assert report["score"]["line"] == "9 of 10 answered right; 9 of 23.5 points over the exercise's 20 steps"


def test_a_value_the_update_leaves_as_it_was_is_judged_on_its_value(tmp_path):
    # only the output weights updated: the hidden layer after the update is the hidden layer before it, so 4 or 5
    # figures of it are right (it had to be typed to 1e-6 as a change of 0); the outputs, which move, are judged on
    # their change, so copying their old value stays wrong
    top = tmp_path / "top.toml"
    top.write_text(
        MAZUR.read_text(encoding="utf-8").replace(
            "learning_rate = 0.3", 'learning_rate = 0.3\nparams = ["w5", "w6", "w7", "w8"]'
        ),
        encoding="utf-8",
    )
    after = mazur_forward({**PARAMS, **{name: NEW[name] for name in ("w5", "w6", "w7", "w8")}})
    assert after["a1"] == VALUES["a1"] and after["y1"] != VALUES["y1"]
    answers = {"after": {"a1": "0.5933", "a2": "0.59688", "y1": f"{after['y1']:.6g}", "y2": f"{VALUES['y2']:.6g}"}}
    code, report = check(top, answers_file(tmp_path / "after.toml", answers))
    verdicts = {name: item["verdict"] for name, item in items(report).items()}
    assert verdicts == {"after.a1": "correct", "after.a2": "correct", "after.y1": "correct", "after.y2": "wrong"}


def test_the_tui_exam_carries_a_doubled_gradient_forward_at_the_files_half_credit(tmp_path):
    # the one TUI test here: the same grading on screen, the student typing every step with one slip (dL/da
    # doubled) and the chain worked right from it; the report credits each carried step 0.5 (carried_forward_credit)
    x, w, b, y, rate = 1.5, -0.4, 0.2, 0.5, 0.1
    a = np.tanh(w * x + b)
    doubled = 2 * 2 * (a - y)
    grad_z = doubled * (1 - a**2)
    slip = {"grad.a": doubled, "grad.z": grad_z, "grad.w": grad_z * x, "update.w": w - rate * grad_z * x}

    async def scenario():
        app = TutorApp(str(TANH), mode=EXAM, store=ProgressStore(tmp_path))
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            session = app.screen.session
            while session.first_open() is not None:
                quantity = str(session.step.quantity)
                await paste_answer(pilot, f"{slip[quantity]:.7g}" if quantity in slip else right_answer(session))
            await pilot.press("f9")  # nothing blank: submitted at once
            await pilot.pause()
            assert isinstance(app.screen, ExamReportScreen)
            rows = {str(item.step.quantity): item.credit for item in session.exam_report}
            assert rows["grad.a"] == 0 and all(rows[name] == 0.5 for name in ("grad.z", "grad.w", "update.w"))
            # 23.5 points, less grad.a's 1, half of grad.z's 1, grad.w's 2 and update.w's 3
            assert "Exam score: 19.5 of 23.5" in text_of(app.screen, "#report-score")

    run(scenario())


# -- an update written in the graph (tests/exercises/course/momentum-step-in-graph.toml) --
MOMENTUM = COURSE / "momentum-step-in-graph.toml"


def test_an_update_written_in_the_graph_is_judged_on_its_change(tmp_path):
    # w_new = w - lr*v is a small change of the given w: 0.8 for 0.79632 is 0.46% off, within 0.5% of the value
    w, lr, v = 0.8, 0.01, 0.9 * 0.02 + 0.35
    w_new = w - lr * v
    typed = {"copied w": w, "wrong sign": w + lr * v, "learning rate missing": w - v, "4 figures": 0.7963}
    for kind, answer in typed.items():
        _, report = check(MOMENTUM, answers_file(tmp_path / "a.toml", {"value": {"v": v, "w_new": answer}}))
        assert items(report)["value.w_new"]["verdict"] == "wrong", kind
    _, report = check(MOMENTUM, answers_file(tmp_path / "a.toml", {"value": {"v": v, "w_new": f"{w_new:.5g}"}}))
    assert items(report)["value.w_new"]["verdict"] == "correct"
    # from the student's own wrong velocity, the change they made is right: carried forward
    _, report = check(MOMENTUM, answers_file(tmp_path / "a.toml", {"value": {"v": 0.386, "w_new": w - lr * 0.386}}))
    assert items(report)["value.w_new"]["carried_forward"]
    # the value tutor solve shows is the one graded right
    assert f"{w_new:.5g}" in tutor_command("solve", MOMENTUM).stdout


def test_a_later_slip_is_never_blamed_on_an_upstream_slip_the_student_did_not_make(tmp_path):
    # after the doubled dE/dy1, dE/da1 from the student's own dE/do1 along one path only (w5) happens to equal what a
    # sum for a product at y1 would give; their dE/dy1 and dE/do1 say they made no such slip at y1
    own = doubled_slip()["grad"]
    answers = {"grad": {"y1": own["y1"], "o1": own["o1"], "a1": own["o1"] * PARAMS["w5"]}}
    _, report = check(MAZUR, answers_file(tmp_path / "a.toml", answers))
    verdict = items(report)["grad.a1"]
    assert verdict["verdict"] == "wrong" and "The slip is at y1" not in verdict["message"]
    # named for what it is: a path left out, of the student's own upstream gradient
    assert verdict["diagnosis"] == "one_path_only" and "(With your own dE/do1.)" in verdict["message"]


def test_the_slips_made_at_a_step_are_read_against_the_students_own_upstream_gradient(tmp_path):
    own = doubled_slip()["grad"]
    y1 = VALUES["y1"]
    slips = {
        "activation_not_derivative": {"y1": own["y1"], "o1": own["y1"] * y1},  # σ for σ′, of their own dE/dy1
        "upstream_only": {"y1": own["y1"], "o1": own["o1"], "w5": own["o1"]},  # ∂o1/∂w5 left out
    }
    for label, answers in slips.items():
        _, report = check(MAZUR, answers_file(tmp_path / "a.toml", {"grad": answers}))
        last = report["items"][-1]
        assert (last["verdict"], last["diagnosis"]) == ("wrong", label)
        assert "(With your own dE/d" in last["message"]


# -- a ReLU unit on a batch of two (tests/exercises/course/relu-batch-mean.toml) --
BATCH = COURSE / "relu-batch-mean.toml"


def test_a_batch_carries_a_wrong_share_of_the_mean_forward_through_the_copies_and_the_update(tmp_path):
    # the student forgets the 1/2 of the mean for sample 1 only (dJ/dl#1 = 1), then works everything from it
    samples = [(1.0, 0.5, 1.0), (2.0, -1.0, 2.5)]
    w1, w2, b, rate = 0.8, -0.5, 0.1, 0.05
    z = [w1 * x1 + w2 * x2 + b for x1, x2, _ in samples]  # both positive: the ReLU passes them
    grad_l = [1.0, 0.5]
    grad_z = [grad_l[k] * 2 * (z[k] - samples[k][2]) for k in range(2)]
    own = {
        "w1": sum(g * x1 for g, (x1, _, _) in zip(grad_z, samples)),
        "w2": sum(g * x2 for g, (_, x2, _) in zip(grad_z, samples)),
        "b": sum(grad_z),
    }
    answers = {
        "grad": {"l#1": 1, "r#1": grad_z[0], "z#1": grad_z[0], "l#2": 0.5, "r#2": grad_z[1], "z#2": grad_z[1]},
        "update": {"w1": w1 - rate * own["w1"], "w2": w2 - rate * own["w2"], "b": b - rate * own["b"]},
    }
    answers["grad"].update({"w1": own["w1"], "w2": -own["w2"], "b": own["b"]})  # and a sign slip in dJ/dw2
    for mode in ("practice", "exam"):
        _, report = check(BATCH, answers_file(tmp_path / "batch.toml", answers), "--mode", mode)
        graded = items(report)
        assert (graded["grad.l#1"]["verdict"], graded["grad.l#1"]["diagnosis"]) == ("wrong", "mean_vs_sum")
        assert (graded["grad.w2"]["verdict"], graded["grad.w2"]["diagnosis"]) == ("wrong", "sign")
        carried = ["grad.r#1", "grad.z#1", "grad.w1", "grad.b", "update.w1", "update.b"]
        assert all(graded[name]["verdict"] == "correct" and graded[name]["carried_forward"] for name in carried)
        # the new w2 is worked from a dJ/dw2 the student did not write (theirs without the sign slip): their value of
        # a step is the one they typed, so it is wrong
        assert graded["update.w2"]["verdict"] == "wrong"


def test_a_mask_added_to_a_score_is_judged_on_its_value_not_on_the_change():
    # S = score + M with M = -1e9 (an attention mask): S is within 0.5% of M, but a change of 1.77 in 1e9 is not an
    # update: -1e9 is right for S, as the mask's own value is
    masked = exercise("""
        title = "a masked score"
        [inputs]
        score = 1.7678
        M = -1e9
        [graph]
        S = "score + M"
    """)
    assert Checker(masked).check(Quantity.parse("value.S"), "-1e9").correct


def test_the_score_line_gives_points_whenever_steps_are_weighted_even_when_they_add_up_to_the_steps(tmp_path):
    weighted = tmp_path / "weighted.toml"
    weighted.write_text(
        'title = "weighted"\nask = ["values"]\n[inputs]\nx = 1.5\n[graph]\nz = "x*2"\nL = "z^2"\n'
        '[points]\n"value.z" = 0.5\n"value.L" = 1.5\n',
        encoding="utf-8",
    )
    code, report = check(weighted, answers_file(tmp_path / "a.toml", {"value": {"z": 3, "L": 8}}))
    # 0.5 of 2 points, not "0.5 of the exercise's 2 steps" (which reads as half a step of two)
    assert (code, report["score"]["line"]) == (1, "1 of 2 answered right; 0.5 of 2 points over the exercise's 2 steps")
