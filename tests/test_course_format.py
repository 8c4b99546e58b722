"""What a course needs from the exercise format: single steps in `ask`, `[points]`, `[exam]`,
derivation-only exercises, `tutor show --steps`, questions in `show`/`solve`, and `tutor validate`'s
warning about a loss that rises after `[update]`."""

from __future__ import annotations

import json
import textwrap

import pytest

from tutor.cli.main import build_parser, main
from tutor.engine import solve
from tutor.exercise import ExerciseFileError, load_exercise, parse_exercise, resolve_exercise
from tutor.grading import asked_quantities
from tutor.session import EXAM, ProgressStore, Session
from tutor.session.transcript import build_transcript, regrade
from tutor.tui.app import TutorApp
from tutor_testing import right_answer, run, tutor_command

NEURON = """
    title = "Sigmoid neuron"
    params = ["w", "b"]
    {ask}
    [inputs]
    x = 2
    w = "4/5"
    b = -0.2
    y = 1

    [graph]
    z = "w*x + b"
    yhat = "sigmoid(z)"
    L = "(yhat - y)^2"
    {rest}
"""


def neuron(ask: str = "", rest: str = "", name: str = "neuron"):
    return parse_exercise(textwrap.dedent(NEURON.format(ask=ask, rest=rest)), None, name)


def write(tmp_path, text: str, name: str = "course.toml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def step_names(exercise) -> list[str]:
    return [str(quantity) for quantity in asked_quantities(solve(exercise))]


# -- ask: single steps ---------------------------------------------------------------------------


def test_ask_can_list_single_steps_alone_or_with_groups():
    assert step_names(neuron('ask = ["grad.w", "local.yhat.z"]')) == ["local.yhat.z", "grad.w"]
    assert step_names(neuron('ask = ["values", "grad.b"]')) == ["value.z", "value.yhat", "value.L", "grad.b"]


def test_the_gradient_of_the_output_itself_cannot_be_asked():
    with pytest.raises(ExerciseFileError) as caught:
        neuron('ask = ["grad.L"]')
    assert [(problem.line, problem.message) for problem in caught.value.problems] == [
        (
            4,
            "'ask' names the step 'grad.L': the gradient of the output with respect to itself is always 1, "
            "so it is never asked",
        )
    ]


def test_naming_one_update_step_asks_only_that_one():
    update = "[update]\nlearning_rate = 1"
    everything = step_names(neuron('ask = ["grad.w"]', update))
    assert everything == ["grad.w", "update.w", "update.b", "after.z", "after.yhat", "after.L"]
    assert step_names(neuron('ask = ["grad.w", "update.w", "after.L"]', update)) == ["grad.w", "update.w", "after.L"]


def test_groups_alone_ask_what_they_always_asked():
    exercise = resolve_exercise("sigmoid-neuron-mse")
    assert "." not in "".join(exercise.ask)
    names = step_names(exercise)
    assert names[0].startswith("value.") and names[-1].startswith(("grad.", "after.", "formula."))
    assert len(names) == len(Session(exercise).steps) == 25  # the seed exercise of docs/scoring.md


# -- [points] --------------------------------------------------------------------------------------


def test_points_weight_each_step_in_practice():
    exercise = neuron('ask = ["values", "grad.w"]', '[points]\nvalue = 0.5\n"grad.w" = 3')
    session = Session(exercise)
    assert session.summary().max_score == 3 * 0.5 + 3
    session.answer("1.4")  # value.z right first time: 0.5
    session.answer("0")  # value.yhat wrong once...
    session.answer(right_answer(session))  # ...then right: 0.75 of 0.5
    session.answer(right_answer(session))  # value.L: 0.5
    session.hint()
    session.answer(right_answer(session))  # grad.w after a hint: 0.75 of 3
    summary = session.summary()
    assert summary.total == 4
    assert summary.score == 0.5 + 0.375 + 0.5 + 2.25
    assert summary.percent == 100 * summary.score / 4.5


def test_points_weight_partial_credit_in_an_exam():
    exercise = neuron('ask = ["values"]', '[points]\n"value.L" = 2')
    session = Session(exercise, mode=EXAM)
    session.answer("1.4")
    session.answer("0.5")  # value.yhat wrong
    session.answer(right_answer(session))
    session.submit()
    summary = session.summary()
    assert (summary.score, summary.max_score) == (3, 4)


def test_without_points_every_step_is_worth_one():
    session = Session(resolve_exercise("sigmoid-neuron-mse"))
    session.answer(right_answer(session))
    session.answer("12345")
    summary = session.summary()
    assert summary.max_score == summary.total == len(session.steps)
    assert summary.score == 1.0
    assert isinstance(summary.max_score, int)  # a transcript's "max" stays a whole number


def test_a_transcript_carries_the_points_and_regrades_clean(tmp_path):
    path = write(tmp_path, textwrap.dedent(NEURON.format(ask='ask = ["values"]', rest="[points]\nvalue = 2")))
    exercise = load_exercise(path)
    session = Session(exercise)
    session.answer("1.4")
    transcript = build_transcript(session, "ada")
    assert transcript["score"]["max"] == 6 and transcript["score"]["points"] == 2
    assert [item["points"] for item in transcript["items"]] == [2, 2, 2]
    fresh, differences = regrade(json.loads(json.dumps(transcript)), exercise)
    assert differences == [] and fresh["score"]["points"] == 2
    transcript["score"]["points"] = 6
    assert regrade(transcript, exercise)[1] == ["score: stored points 6, re-graded 2.0"]


# -- [exam] ----------------------------------------------------------------------------------------


def test_exam_settings_from_the_file_unless_the_command_line_says_otherwise(tmp_path):
    exercise = neuron(rest="[exam]\ntime_limit = 20\nfeedback = true")

    async def open_exam(**options) -> Session:
        app = TutorApp(exercise, mode=EXAM, store=ProgressStore(tmp_path), **options)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            session = app.screen.session
            await app.action_quit()
        return session

    from_file = run(open_exam())
    assert (from_file.time_limit, from_file.exam_feedback) == (20 * 60, True)
    overridden = run(open_exam(exam_feedback=False, time_limit=300))
    assert (overridden.time_limit, overridden.exam_feedback) == (300, False)


def test_exam_command_line_feedback_is_unset_unless_given():
    parser = build_parser()
    assert parser.parse_args(["exam", "x"]).feedback is None
    assert parser.parse_args(["exam", "x", "--feedback"]).feedback is True
    assert parser.parse_args(["exam", "x", "--no-feedback"]).feedback is False


# -- derivation-only, show, solve -------------------------------------------------------------------

DERIVATION = """
    title = "Derivatives to know"

    [[questions]]
    id = "sigmoid_slope"
    prompt = "Write dσ/dx in terms of σ (type sigmoid(x))."
    answer = "sigmoid(x)*(1 - sigmoid(x))"

    [[questions]]
    prompt = "The derivative of x^3 [bold]in x[/bold]."
    answer = "3*x^2"
"""


def test_a_derivation_only_exercise_is_worked_like_any_other(tmp_path):
    session = Session(load_exercise(write(tmp_path, DERIVATION)))
    assert [str(step.quantity) for step in session.steps] == ["formula.sigmoid_slope", "formula.q2"]
    assert session.answer("exp(-x)/(1 + exp(-x))^2").correct
    assert not session.answer("3*x").correct
    assert session.answer("x^2*3").correct
    assert session.finished and session.summary().score == 1.75


def test_show_and_solve_include_the_questions(tmp_path, capsys):
    path = write(tmp_path, DERIVATION)
    assert main(["show", str(path)]) == 0
    shown = capsys.readouterr().out
    assert "Write dσ/dx in terms of σ" in shown and "[bold]in x[/bold]" in shown  # a prompt is text, not markup
    assert "sigmoid(x)*(1 - sigmoid(x))" not in shown  # show gives no answers
    assert main(["solve", str(path)]) == 0
    solved = capsys.readouterr().out
    assert "sigmoid(x)*(1 - sigmoid(x))" in solved and "3*x^2" in solved
    assert main(["show", str(path), "--json"]) == 0
    assert [question["id"] for question in json.loads(capsys.readouterr().out)["questions"]] == ["sigmoid_slope", "q2"]
    assert main(["solve", str(path), "--json"]) == 0
    assert [question["answer"] for question in json.loads(capsys.readouterr().out)["questions"]] == [
        "sigmoid(x)*(1 - sigmoid(x))",
        "3*x^2",
    ]


def test_show_steps_lists_the_step_names_an_answers_file_uses(capsys):
    assert main(["show", "sigmoid-neuron-mse", "--steps"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == step_names(resolve_exercise("sigmoid-neuron-mse"))
    assert main(["show", "sigmoid-neuron-mse", "--steps", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == lines
    assert main(["show", "sigmoid-neuron-mse", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["steps"] == len(lines)


# -- tutor validate: a loss that rises after [update] -------------------------------------------------

LINE = """
    title = "One weight, squared error"
    params = ["w"]

    [inputs]
    x = 2
    w = 0.8
    y = 1

    [graph]
    z = "w*x"
    L = "(z - y)^2"

    [update]
    learning_rate = {rate}
"""


def test_validate_warns_when_the_loss_rises_after_the_update(tmp_path, capsys):
    rising = write(tmp_path, LINE.format(rate=1), "rising.toml")  # w = 0.8 - 1*2.4 overshoots: L from 0.36 to 17.64
    falling = write(tmp_path, LINE.format(rate=0.1), "falling.toml")
    # 400 columns: a path is never wrapped, however long the test run's tmp_path
    validated = tutor_command("validate", rising, falling, columns=400)
    assert validated.returncode == 0  # a warning, not an error
    out = validated.stdout
    assert (
        f"{rising}:13: warning: the loss L rises after the [update] step, from 0.36 to 17.64: the learning rate 1 "
        "may be too large"
    ) in out
    assert "falling.toml" in out and out.count("warning") == 1
    assert main(["validate", str(rising), str(falling), "--json"]) == 0
    results = json.loads(capsys.readouterr().out)
    assert [result["ok"] for result in results] == [True, True]
    assert [len(result["warnings"]) for result in results] == [1, 0]
    assert results[0]["warnings"][0]["line"] == 13


def test_a_derivation_only_exercise_opens_in_the_tutor_and_finishes(tmp_path):
    from tutor.tui.screens.exercise import ExerciseScreen
    from tutor.tui.screens.summary import SummaryScreen

    exercise = load_exercise(write(tmp_path, DERIVATION))

    async def scenario():
        app = TutorApp(exercise, store=ProgressStore(tmp_path))
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, ExerciseScreen)
            for formula in ("sigmoid(x)*(1 - sigmoid(x))", "3*x^2"):
                app.screen.query_one("#answer").value = formula
                await pilot.press("enter")
                await pilot.pause()
            assert isinstance(app.screen, SummaryScreen)
            assert app.screen.session.summary().score == 2

    run(scenario())


def test_validate_warns_about_points_for_steps_that_are_not_asked(tmp_path, capsys):
    points = '[points]\nvalue = 2\ngrad = 3\n"local.L.yhat" = 2'
    path = write(tmp_path, NEURON.format(ask='ask = ["values"]', rest=points))
    assert main(["validate", str(path)]) == 0
    out = capsys.readouterr().out
    line = [text.strip() for text in path.read_text().splitlines()].index("[points]") + 1
    assert out.count("warning") == 2
    assert (
        f"{path}:{line}: warning: [points] gives points to steps of the kind 'grad', but the exercise does not "
        "ask for any: see `tutor show --steps`"
    ) in out
    assert "points to the step 'local.L.yhat'" in out and "'value'" not in out
