"""Issue 15: the skills each step exercises, the learner model (knowledge tracing), its store, `tutor check
--record`, `tutor progress` and the class report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tutor.engine import solve
from tutor.engine.formatting import format_value
from tutor.exercise import resolve_exercise
from tutor.exercise.skills import Skill
from tutor.grading import Quantity, QuantityKind, asked_quantities
from tutor.grading.diagnosis.labels import TABLE
from tutor.grading.quantities import expected_value
from tutor.grading.skills import label_skill, step_skills
from tutor.session import ProgressStore, Session
from tutor.session.learner import (
    MASTERED,
    PARAMETERS,
    LearnerModel,
    Observation,
    bkt_update,
    observations,
    step_activation,
)
from tutor.session.learners import LearnerStore, catalog_skills, catalog_step_activations, session_id
from tutor_testing import tutor_command

FAN_OUT_EXERCISES = ("fan-out-xy-plus-x", "jacobian-df", "cs231n-staged-fanout")


def skills_of(name: str, step: str) -> tuple[str, ...]:
    solution = solve(resolve_exercise(name))
    return tuple(str(skill) for skill in step_skills(solution, Quantity.parse(step)))


# -- the tagging, skill by skill -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("exercise", "step", "expected"),
    [
        ("fan-out-xy-plus-x", "value.p", ("forward",)),  # a forward step
        ("fan-out-xy-plus-x", "local.p.x", ("local-derivative",)),  # the derivative of x·y by x
        ("fan-out-xy-plus-x", "grad.y", ("chain-rule",)),  # one path: the chain rule alone
        ("fan-out-xy-plus-x", "grad.x", ("chain-rule", "fan-out", "loss-derivative")),  # x feeds p and f
        ("fan-out-xy-plus-x", "local.f.x", ("local-derivative", "loss-derivative")),  # the output's own
        ("sigmoid-neuron-mse", "local.yhat.z", ("local-derivative", "activation-derivative")),  # σ′
        ("sigmoid-neuron-mse", "grad.z", ("chain-rule", "activation-derivative")),
        ("sigmoid-neuron-mse", "grad.yhat", ("chain-rule", "loss-derivative")),  # dL/dŷ
        ("mlp-relu-matrix", "grad.W1", ("chain-rule", "matrix-shapes")),  # a matrix's gradient
        ("mlp-relu-matrix", "update.W1", ("matrix-shapes", "update-rule")),
        ("mlp-relu-matrix", "after.L", ("forward", "update-rule")),  # the loss after the step
        ("batch-mean-linear", "value.J", ("forward", "batch")),  # the mean over the samples
        ("batch-mean-linear", "grad.w", ("chain-rule", "batch")),  # shared by the samples: summed, not fan-out
        ("batch-mean-linear", "grad.yhat#2", ("chain-rule", "loss-derivative")),  # a sample's loss, not the total
        ("batch-mean-linear", "update.b", ("update-rule",)),
        ("xor-mlp", "grad.W1", ("chain-rule", "matrix-shapes", "batch")),  # the four XOR rows are the samples
        ("xor-mlp", "local.L.yhat", ("local-derivative", "loss-derivative", "matrix-shapes", "batch")),
        ("l2-loss", "local.C.v", ("local-derivative", "loss-derivative", "matrix-shapes")),  # a mean of one vector
    ],
)
def test_each_step_is_tagged_with_the_skills_it_exercises(exercise, step, expected):
    assert skills_of(exercise, step) == expected


def test_every_skill_is_exercised_by_some_catalog_exercise():
    exercised = set().union(*(skills for _, _, skills in catalog_skills()))
    assert exercised == set(Skill)


def test_each_diagnosis_label_names_the_skill_it_reveals_and_the_docs_list_the_map():
    docs = (Path(__file__).parent.parent / "docs" / "diagnoses.md").read_text(encoding="utf-8")
    assert label_skill("one_path_only") == Skill.FAN_OUT
    assert label_skill("activation_not_derivative") == Skill.ACTIVATION_DERIVATIVE
    assert label_skill("transposed") == Skill.MATRIX_SHAPES
    assert label_skill("rounding") is None and label_skill(None) is None
    for label in TABLE:
        assert f"| `{label.name}` | {label.skill or '(a slip: no skill)'} |" in docs


# -- knowledge tracing: the update rule ---------------------------------------------------------


def test_a_right_answer_raises_mastery_by_bayes_rule_then_the_chance_to_learn():
    prior = PARAMETERS.prior
    known = prior * (1 - PARAMETERS.slip) / (prior * (1 - PARAMETERS.slip) + (1 - prior) * PARAMETERS.guess)
    assert bkt_update(prior, True) == pytest.approx(known + (1 - known) * PARAMETERS.learn)
    assert bkt_update(prior, True) > prior


def test_a_wrong_answer_lowers_mastery_and_three_right_ones_in_a_row_reach_mastery():
    assert bkt_update(PARAMETERS.prior, False) < PARAMETERS.prior
    mastery = PARAMETERS.prior
    for _ in range(2):
        mastery = bkt_update(mastery, True)
    assert mastery < MASTERED <= bkt_update(mastery, True)


def test_the_model_counts_each_step_once_and_keeps_the_last_mistakes():
    model = LearnerModel("Ada")
    wrong = Observation("s1", "grad.x", 1.0, (Skill.FAN_OUT,), False, "wrong", "one_path_only")
    assert model.observe(wrong)
    assert not model.observe(wrong)  # the same step of the same session again: no new evidence
    state = model.skills[Skill.FAN_OUT]
    assert state.attempts == 1 and state.mistakes == ["one_path_only"]
    assert state.mastery == pytest.approx(bkt_update(PARAMETERS.prior, False))
    assert model.weakest() == Skill.FAN_OUT
    assert LearnerModel.from_json(json.loads(json.dumps(model.to_json()))) == model


def _practice(store: ProgressStore | None, name: str = "fan-out-xy-plus-x") -> Session:
    return Session(resolve_exercise(name), store=store)


def _replayed(session: Session) -> Session:
    fresh = Session(session.exercise, mode=session.mode)
    fresh.replay(session.events)
    return fresh


def test_only_the_first_action_on_a_step_is_evidence_and_a_hint_first_counts_as_wrong():
    session = _practice(None)
    session.answer("-7")  # value.p: wrong first, then right: only the wrong one counts
    session.answer("-6")
    session.hint()  # value.f: a hint before any answer
    session.answer("-3")
    found = {observation.step: observation for observation in observations(_replayed(session), "s")}
    assert set(found) == {"value.p", "value.f"}
    assert not found["value.p"].correct and not found["value.f"].correct
    assert found["value.f"].how == "a hint before any answer"


def test_a_diagnosed_mistake_is_evidence_against_its_skill_only_and_a_right_step_for_all_its_skills():
    session = _practice(None)
    for text in ("-6", "-3", "1", "1", "3", "3", "-2", "1"):  # right up to ∂f/∂x (direct edge)
        session.answer(text)
    assert str(session.step.quantity) == "grad.x"
    session.answer("-2")  # only the path through p: y
    found = {observation.step: observation for observation in observations(_replayed(session), "s")}
    assert found["grad.x"].skills == (Skill.FAN_OUT,) and found["grad.x"].mistake == "one_path_only"
    assert found["grad.p"].skills == (Skill.CHAIN_RULE, Skill.LOSS_DERIVATIVE) and found["grad.p"].correct


# -- the store: per learner, across restarts, rebuilt from the sessions ---------------------------


def test_the_model_is_kept_beside_the_sessions_and_rebuilt_the_same_when_deleted_or_damaged(tmp_path):
    store = ProgressStore(tmp_path)
    session = _practice(store)
    session.answer("-6")
    session.answer("-4")  # f is -3
    learners = LearnerStore(store)
    model = learners.model(store.learner_name())
    model_file = learners.model_file(store.learner_name())
    assert model_file.parent.parent == tmp_path / "learners"
    assert model.skills[Skill.FORWARD].attempts == 2
    again = LearnerStore(ProgressStore(tmp_path)).model(store.learner_name())  # a restart: read, not recounted
    assert again == model
    model_file.unlink()
    assert LearnerStore(store).model(store.learner_name()) == model
    model_file.write_text("{not json", encoding="utf-8")
    assert LearnerStore(store).model(store.learner_name()) == model
    assert json.loads(model_file.read_text(encoding="utf-8"))["skills"]["forward"]["attempts"] == 2


def test_a_session_that_grows_adds_only_its_new_steps(tmp_path):
    store = ProgressStore(tmp_path)
    session = _practice(store)
    session.answer("-6")
    learners = LearnerStore(store)
    assert learners.model(store.learner_name()).skills[Skill.FORWARD].attempts == 1
    session.answer("-3")
    assert learners.model(store.learner_name()).skills[Skill.FORWARD].attempts == 2


def test_the_model_without_a_session_is_the_model_before_it_resumed_or_not(tmp_path):
    """What an exercise's summary compares with: the model as if the session had not been worked, though the saved
    model has already counted its earlier answers (a resumed session)."""
    store = ProgressStore(tmp_path)
    learner = store.learner_name()
    learners = LearnerStore(store)
    earlier = _practice(store, "cs231n-add-multiply")
    earlier.answer("-6")  # wrong: the model has other evidence than the session below
    before = learners.model(learner).to_json()
    session = _practice(store)
    this_session = session_id(session.progress_file, session.events)
    assert learners.model_without(learner, this_session).to_json() == before  # fresh: the model as it is
    session.answer("-6")
    session.answer("-3")
    session.close()
    assert learners.model(learner).skills[Skill.FORWARD].attempts == 3  # the saved model counts this session
    resumed = _practice(store)  # the window opened again on the same exercise: the same session goes on
    assert session_id(resumed.progress_file, resumed.events) == this_session
    assert learners.model_without(learner, this_session).to_json() == before
    assert learners.model(learner).skills[Skill.FORWARD].attempts == 3  # and the saved model is left whole


def test_sessions_of_another_learner_do_not_count(tmp_path):
    store = ProgressStore(tmp_path)
    store.save_learner("Ada")
    _practice(store).answer("-6")
    store.save_learner("Grace")
    graces = _practice(store, "relu-positive")
    assert graces.answer(format_value(expected_value(graces.solution, graces.step.quantity), 6)).correct
    learners = LearnerStore(store)
    ada = learners.model("Ada")
    grace = learners.model("Grace")
    assert ada.skills[Skill.FORWARD].attempts == 1 and ada.skills[Skill.FORWARD].mastery > PARAMETERS.prior
    assert grace.skills[Skill.FORWARD].attempts == 1 and sum(state.attempts for state in grace.skills.values()) == 1


# -- through the CLI: tutor check --record, tutor progress ---------------------------------------


def one_path_answers(name: str, folder: Path) -> Path:
    """An answers file right on every step but the gradients at fan-out, which sum only the first path."""
    solution = solve(resolve_exercise(name))
    tables: dict[str, dict] = {}
    for quantity in asked_quantities(solution):
        if Skill.FAN_OUT in step_skills(solution, quantity):
            consumer = solution.graph.consumers[quantity.name][0]
            value = solution.grads[consumer] * solution.local_derivative(consumer, quantity.name).value
        else:
            value = expected_value(solution, quantity)
        text = format_value(value, 6)
        if quantity.kind == QuantityKind.LOCAL:
            tables.setdefault(f"local.{quantity.name}", {})[quantity.source] = text
        else:
            tables.setdefault(str(quantity.kind), {})[quantity.name] = text
    lines = []
    for table, answers in tables.items():
        lines.append(f"[{table}]")
        lines += [f'"{key}" = "{text}"' for key, text in answers.items()]
    path = folder / f"{name}.answers.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_three_fan_out_exercises_with_one_path_summed_make_fan_out_the_weakest_and_next_a_fresh_fan_out(tmp_path):
    for name in FAN_OUT_EXERCISES:
        answers = one_path_answers(name, tmp_path)
        checked = tutor_command("check", name, answers, "--record", "--learner", "Ada", "--json", home=tmp_path)
        assert checked.returncode == 1, checked.stderr  # the fan-out steps are wrong
        report = json.loads(checked.stdout)
        wrong = [item for item in report["items"] if item["verdict"] != "correct"]
        assert wrong and {item["diagnosis"] for item in wrong} == {"one_path_only"}
        assert Path(report["recorded"]).is_file()
    progress = tutor_command("progress", "--learner", "Ada", "--json", home=tmp_path)
    assert progress.returncode == 0, progress.stderr
    result = json.loads(progress.stdout)
    skills = result["skills"]
    assert result["learner"] == "Ada" and set(skills) == {str(skill) for skill in Skill}
    lowest = min(skills, key=lambda skill: skills[skill]["mastery"])
    assert lowest == "fan-out" and skills["fan-out"]["attempts"] >= 3
    assert all(skills[skill]["mastery"] > skills["fan-out"]["mastery"] for skill in skills if skill != "fan-out")
    assert skills["fan-out"]["mistakes"][-1] == "one_path_only"
    advice = result["next"]
    assert advice["skill"] == "fan-out" and advice["exercise"] not in FAN_OUT_EXERCISES and "fan-out" in advice["why"]
    solution = solve(resolve_exercise(advice["exercise"]))
    assert any(Skill.FAN_OUT in step_skills(solution, quantity) for quantity in asked_quantities(solution))
    assert tutor_command("solve", advice["exercise"], home=tmp_path).returncode == 0

    # a restart, and a deleted model file: the same figures, rebuilt from the recorded attempts
    model_file = LearnerStore(ProgressStore(tmp_path)).model_file("Ada")
    model_file.unlink()
    rebuilt = tutor_command("progress", "--learner", "Ada", "--json", home=tmp_path)
    assert json.loads(rebuilt.stdout) == result and model_file.is_file()


def right_answers(name: str, folder: Path) -> Path:
    """An answers file right on every step (formula questions aside: none in the exercises used here)."""
    solution = solve(resolve_exercise(name))
    lines = []
    for quantity in asked_quantities(solution):
        text = format_value(expected_value(solution, quantity), 6)
        if quantity.kind == QuantityKind.LOCAL:
            lines += [f'[local."{quantity.name}"]', f'"{quantity.source}" = "{text}"']
        else:
            lines += [f"[{quantity.kind}]", f'"{quantity.name}" = "{text}"']
    path = folder / f"{name}.right.toml"
    path.write_text("\n".join(_merged_tables(lines)) + "\n", encoding="utf-8")
    return path


def _merged_tables(lines: list[str]) -> list[str]:
    """TOML allows a table once: the lines of each table gathered under one header."""
    tables: dict[str, list[str]] = {}
    for header, line in zip(lines[::2], lines[1::2]):
        tables.setdefault(header, []).append(line)
    return [line for header, rows in tables.items() for line in (header, *rows)]


def test_an_exam_is_evidence_once_submitted_each_answered_step_as_graded(tmp_path):
    session = Session(resolve_exercise("fan-out-xy-plus-x"), mode="exam")
    session.answer("-6")
    session.answer("-4")  # f: wrong, graded only at submission
    assert observations(_replayed(session), "exam") == []
    session.submit()
    found = observations(_replayed(session), "exam")
    assert [(observation.step, observation.correct) for observation in found] == [
        ("value.p", True),
        ("value.f", False),
    ]


def test_check_record_in_exam_mode_feeds_the_model_of_the_remembered_learner(tmp_path):
    store = ProgressStore(tmp_path)
    store.save_learner("Grace")
    answers = right_answers("fan-out-xy-plus-x", tmp_path)
    checked = tutor_command("check", "fan-out-xy-plus-x", answers, "--mode", "exam", "--record", home=tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert "Recorded as an attempt of Grace" in checked.stdout
    model = LearnerStore(store).model("Grace")
    assert model.skills[Skill.FAN_OUT].attempts == 1 and model.skills[Skill.FAN_OUT].mastery > PARAMETERS.prior
    shown = tutor_command("progress", home=tmp_path, columns=120)
    assert shown.returncode == 0 and "Skills of Grace" in shown.stdout
    assert "Practise next:" in shown.stdout and "tutor run " in shown.stdout
    assert "activation-derivative (the derivative of an activation" in shown.stdout  # the first never answered
    assert "not practised yet" in shown.stdout


def test_progress_options_that_do_not_go_together_are_refused_with_a_message(tmp_path):
    alone = tutor_command("progress", "--csv", tmp_path / "x.csv", home=tmp_path)
    assert alone.returncode == 2 and "--csv goes with --class" in alone.stderr
    both = tutor_command("progress", "--learner", "Ada", "--class", tmp_path / "t.json", home=tmp_path)
    assert both.returncode == 2 and "do not go together" in both.stderr


# -- the class report -----------------------------------------------------------------------------


def test_the_class_report_gives_per_skill_the_share_below_mastery_and_the_common_mistakes(tmp_path):
    transcripts = []
    for learner, make in (("Ada", one_path_answers), ("Grace", right_answers)):
        for name in FAN_OUT_EXERCISES:
            transcript = tmp_path / f"{learner}-{name}.json"
            tutor_command(
                "check", name, make(name, tmp_path), "--learner", learner, "--transcript", transcript, home=tmp_path
            )
            transcripts.append(transcript)
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    csv_file = tmp_path / "class.csv"
    arguments = ("progress", "--class", *transcripts, tmp_path / "broken.json", "--csv", csv_file)
    report = tutor_command(*arguments, "--json", home=tmp_path)
    assert report.returncode == 0, report.stderr
    assert "broken.json" in report.stderr  # reported, and the others still counted
    result = json.loads(report.stdout)
    assert result["learners"] == ["Ada", "Grace"]
    fan_out = result["skills"]["fan-out"]
    assert fan_out == {"learners_with_answers": 2, "below_mastery": 1, "share_below_mastery": 0.5}
    assert result["skills"]["batch"] == {"learners_with_answers": 0, "below_mastery": 2, "share_below_mastery": 1.0}
    assert result["skills"]["forward"]["below_mastery"] == 0
    assert result["mistakes"] == [{"label": "one_path_only", "count": 5, "skill": "fan-out"}]
    rows = csv_file.read_text(encoding="utf-8").splitlines()
    assert rows[0] == "section,name,learners_with_answers,below_mastery,share_below_mastery,count"
    assert "skill,fan-out,2,1,0.5," in rows and "mistake,one_path_only,,,,5" in rows
    shown = tutor_command(*arguments, home=tmp_path, columns=120)
    fan_out_line = next(line for line in shown.stdout.splitlines() if "fan-out" in line and "%" in line)
    assert "█" * 10 + "░" * 10 in fan_out_line and "50%" in fan_out_line
    assert "one_path_only" in shown.stdout and "5" in shown.stdout


def test_when_every_catalog_exercise_of_the_skill_is_worked_next_is_a_freshly_generated_one(tmp_path):
    store = ProgressStore(tmp_path)
    learners = LearnerStore(store)
    fan_out = [name for _, name, skills in catalog_skills() if Skill.FAN_OUT in skills]
    for name in fan_out:
        learners.record(Session(resolve_exercise(name)), "Ada")  # handed in: worked, though blank
    model = LearnerModel("Ada")
    model.observe(Observation("s", "grad.x", 1.0, (Skill.FAN_OUT,), False, "wrong", "one_path_only"))
    advice = learners.recommend("Ada", model)
    path = Path(advice.exercise)
    assert advice.skill == Skill.FAN_OUT and path.parent == tmp_path / "generated" and path.is_file()
    solution = solve(resolve_exercise(advice.exercise))
    assert any(Skill.FAN_OUT in step_skills(solution, quantity) for quantity in asked_quantities(solution))
    assert tutor_command("solve", path, home=tmp_path).returncode == 0
    learners.record(Session(resolve_exercise(advice.exercise)), "Ada")
    assert learners.recommend("Ada", model).exercise not in (advice.exercise, *fan_out)  # the next seed


@pytest.mark.parametrize("skill", list(Skill))
def test_the_generators_exercise_for_a_skill_has_a_step_tagged_with_it(skill):
    from tutor.generate.skills import generate_for_skill

    for seed in (1, 2):
        solution = solve(generate_for_skill(skill, seed).exercise)
        assert any(skill in step_skills(solution, quantity) for quantity in asked_quantities(solution))


def test_a_damaged_attempt_or_progress_file_is_left_out_and_the_rest_still_counts(tmp_path):
    answers = right_answers("fan-out-xy-plus-x", tmp_path)
    tutor_command("check", "fan-out-xy-plus-x", answers, "--record", "--learner", "Ada", home=tmp_path)
    attempts = LearnerStore(ProgressStore(tmp_path)).folder("Ada") / "attempts"
    (attempts / "damaged.json").write_text('{"format": "backprop-tutor-progress", "events": 3}', encoding="utf-8")
    (attempts / "nested.json").write_text("[" * 5000 + "]" * 5000, encoding="utf-8")
    (tmp_path / "progress").mkdir(exist_ok=True)
    (tmp_path / "progress" / "cut.json").write_text('{"format": "backprop-tu', encoding="utf-8")
    shown = tutor_command("progress", "--learner", "Ada", "--json", home=tmp_path)
    assert shown.returncode == 0 and "Traceback" not in shown.stderr
    assert json.loads(shown.stdout)["skills"]["fan-out"]["attempts"] == 1


def test_a_submitted_exam_in_the_tutor_feeds_the_model_and_an_open_one_does_not_yet(tmp_path):
    store = ProgressStore(tmp_path)
    exam = Session(resolve_exercise("fan-out-xy-plus-x"), mode="exam", store=store)
    exam.answer("-6")
    learners = LearnerStore(store)
    assert learners.model(store.learner_name()).skills[Skill.FORWARD].attempts == 0
    exam.submit()
    forward = learners.model(store.learner_name()).skills[Skill.FORWARD]
    assert forward.attempts == 1 and forward.mastery > PARAMETERS.prior


# -- the activation that was missed: remembered, recommended, shown -------------------------------


def test_a_step_names_the_activation_it_differentiates_and_a_wrong_one_is_remembered_most_recent_first():
    solution = solve(resolve_exercise("sigmoid-neuron-mse"))
    assert step_activation(solution, Quantity.parse("local.yhat.z")) == "sigmoid"
    assert step_activation(solution, Quantity.parse("grad.z")) == "sigmoid"  # yhat = σ(z) uses z
    assert step_activation(solution, Quantity.parse("grad.yhat")) is None  # the loss's, no activation
    model = LearnerModel("Ada")
    for number, activation in enumerate(("tanh", "sigmoid", "tanh", None)):
        model.observe(
            Observation("s", f"grad.z{number}", 1.0, (Skill.ACTIVATION_DERIVATIVE,), False, "w", None, activation)
        )
    model.observe(Observation("s", "grad.r", 2.0, (Skill.ACTIVATION_DERIVATIVE,), True, "right", None, "relu"))
    assert model.skills[Skill.ACTIVATION_DERIVATIVE].missed_activations == ["tanh", "sigmoid"]  # a right relu: none
    assert model.skills[Skill.FORWARD].missed_activations == []
    assert LearnerModel.from_json(json.loads(json.dumps(model.to_json()))) == model
    damaged = model.to_json()
    damaged["skills"]["activation-derivative"]["missed_activations"] = ["print"]
    with pytest.raises(ValueError):
        LearnerModel.from_json(damaged)


TANH_EXERCISES = [name for _, name, _ in catalog_skills() if "tanh" in catalog_step_activations(name)]


def tanh_wrong_answers(name: str, folder: Path) -> Path:
    """An answers file right on every step but those of tanh′, answered with a number no slip explains."""
    solution = solve(resolve_exercise(name))
    tables: dict[str, dict] = {}
    for quantity in asked_quantities(solution):
        value = expected_value(solution, quantity)
        if step_activation(solution, quantity) == "tanh" and Skill.ACTIVATION_DERIVATIVE in step_skills(
            solution, quantity
        ):
            value = value * 0 + 7.31
        table = f'local."{quantity.name}"' if quantity.kind == QuantityKind.LOCAL else str(quantity.kind)
        key = quantity.source if quantity.kind == QuantityKind.LOCAL else quantity.name
        tables.setdefault(table, {})[key] = format_value(value, 6)
    lines = []
    for table, answers in tables.items():
        lines += [f"[{table}]", *(f'"{key}" = "{text}"' for key, text in answers.items())]
    path = folder / f"{name}.answers.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _asks_tanh_derivative(exercise: str) -> bool:
    solution = solve(resolve_exercise(exercise))
    return any(
        Skill.ACTIVATION_DERIVATIVE in step_skills(solution, quantity) and step_activation(solution, quantity) == "tanh"
        for quantity in asked_quantities(solution)
    )


def test_tanh_derivative_missed_in_two_exercises_sends_next_to_tanh_from_the_catalog_then_generated(tmp_path):
    assert len(TANH_EXERCISES) >= 3
    missed_in = TANH_EXERCISES[:2]
    for name in missed_in:
        checked = tutor_command(
            "check", name, tanh_wrong_answers(name, tmp_path), "--record", "--learner", "Ada", home=tmp_path
        )
        assert checked.returncode == 1, checked.stderr
    progress = tutor_command("progress", "--learner", "Ada", "--json", home=tmp_path)
    assert progress.returncode == 0, progress.stderr
    result = json.loads(progress.stdout)
    assert result["skills"]["activation-derivative"]["missed_activations"] == ["tanh"]
    assert all(
        result["skills"][str(skill)]["missed_activations"] == []
        for skill in Skill
        if skill != Skill.ACTIVATION_DERIVATIVE
    )
    assert set(result["skills"]["fan-out"]) == {"mastery", "attempts", "mastered", "mistakes", "missed_activations"}
    advice = result["next"]
    assert advice["skill"] == "activation-derivative" and advice["why"].startswith("tanh′ was your last slip: ")
    assert advice["exercise"] in TANH_EXERCISES[2:] and _asks_tanh_derivative(advice["exercise"])
    text = tutor_command("progress", "--learner", "Ada", home=tmp_path).stdout
    assert [line for line in text.splitlines() if "activation-derivative" in line and "missed: tanh′" in line]

    # a deleted model file: rebuilt from the attempts, the missed activation with it
    learners = LearnerStore(ProgressStore(tmp_path))
    saved = json.loads(learners.model_file("Ada").read_text(encoding="utf-8"))
    assert saved["skills"]["activation-derivative"]["missed_activations"] == ["tanh"]
    learners.model_file("Ada").unlink()
    assert json.loads(tutor_command("progress", "--learner", "Ada", "--json", home=tmp_path).stdout) == result

    # every catalog exercise with tanh′ worked: a fresh one generated with tanh
    for name in TANH_EXERCISES[2:]:
        learners.record(Session(resolve_exercise(name)), "Ada")  # handed in blank: worked, no evidence
    advice = learners.recommend("Ada")
    path = Path(advice.exercise)
    assert advice.skill == Skill.ACTIVATION_DERIVATIVE and path.parent == tmp_path / "generated"
    assert "a fresh exercise with tanh" in advice.why and _asks_tanh_derivative(advice.exercise)
    assert tutor_command("solve", path, home=tmp_path).returncode == 0


def test_a_model_file_of_the_version_before_missed_activations_is_rebuilt(tmp_path):
    store = ProgressStore(tmp_path)
    session = _practice(store, "micrograd-tanh-neuron")
    session.hint()  # the first step: evidence, so the model has something to rebuild
    learners = LearnerStore(store)
    model = learners.model(store.learner_name())
    model_file = learners.model_file(store.learner_name())
    older = json.loads(model_file.read_text(encoding="utf-8"))
    older["version"] = 1
    for state in older["skills"].values():
        del state["missed_activations"]
    model_file.write_text(json.dumps(older), encoding="utf-8")
    assert LearnerStore(store).model(store.learner_name()) == model
    saved = json.loads(model_file.read_text(encoding="utf-8"))
    assert saved["version"] == 2 and saved["skills"]["activation-derivative"]["missed_activations"] == []
