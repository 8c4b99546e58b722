"""Issue 15 in the tutor: the catalog's skill bars and "Practise next", the summary's change in the learner model
and its next exercise, and `tutor practice`. What the screens show is compared with what the learner model
(tutor/session/learners.py) says, read by the test itself."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Static

from tutor.exercise import resolve_exercise
from tutor.exercise.skills import Skill
from tutor.generate.skills import generate_for_skill
from tutor.session import ProgressStore, Session
from tutor.session import learners as learners_module
from tutor.session.learners import LearnerStore
from tutor.session.saving import SaveError
from tutor.tui.app import TutorApp
from tutor.tui.screens.catalog import CatalogScreen
from tutor.tui.screens.exercise import ExerciseScreen
from tutor.tui.screens.summary import SummaryScreen
from tutor.tui.widgets.skill_bars import SkillBars, bar
from tutor_testing import paste_answer, right_answer, run, settled, start_tutor, tmux, wait_until

LEARNER = "Ada Lovelace"


def worked_right(store: ProgressStore, name: str) -> None:
    """Every step of a catalog exercise answered right at the first try, through the session (no screen)."""
    session = Session(resolve_exercise(name), store=store)
    while not session.finished:
        assert session.answer(right_answer(session)).correct


def test_a_bar_is_four_cells_filled_in_eighths():
    assert [bar(mastery) for mastery in (0.0, 0.3, 0.5, 0.99, 1.0)] == ["░░░░", "█▎░░", "██░░", "████", "████"]
    assert bar(0.55) == "██▎░"  # 17.6 eighths: 18, two whole cells and a quarter


def test_the_catalog_shows_each_skill_and_practise_next_opens_the_recommended_exercise(tmp_path):
    store = ProgressStore(tmp_path)
    store.save_learner(LEARNER)
    worked_right(store, "cs231n-add-multiply")  # forward, local derivatives, chain rule: right every time
    learners = LearnerStore(store)
    model = learners.model(LEARNER)
    recommended = learners.recommend(LEARNER, model)
    assert model.skills[Skill.FORWARD].mastery > model.skills[recommended.skill].mastery

    async def scenario():
        app = TutorApp(store=store)
        async with app.run_test(size=(80, 24)) as pilot:
            await settled(pilot)
            screen = app.screen
            assert isinstance(screen, CatalogScreen)
            bars = screen.query_one(SkillBars)
            shown = "\n".join(line.plain for line in bars.lines(bars.content_size.width))
            for skill in Skill:
                assert f"{skill} {bar(model.skills[skill].mastery)}" in shown
            entry = str(screen.query_one("#practise-next", Static).render())
            assert f"Practise next (F2): {recommended.exercise} for {recommended.skill}" in entry
            # compact enough for 80×24: the bars take three lines, and the table still shows a dozen rows
            assert bars.region.height <= 3 and screen.query_one(DataTable).region.height >= 13

            await pilot.press("f2")
            await pilot.pause()
            assert isinstance(app.screen, ExerciseScreen)
            assert app.screen.session.exercise.name == recommended.exercise
            await pilot.press("escape")
            await settled(pilot)
            await pilot.click("#practise-next")  # the entry itself, clicked
            await pilot.pause()
            assert isinstance(app.screen, ExerciseScreen)
            assert app.screen.session.exercise.name == recommended.exercise

    run(scenario())


def test_when_the_catalog_has_no_exercise_left_for_the_skill_practise_next_opens_a_generated_one(tmp_path, monkeypatch):
    """The recommendation is then a file the generator made for the skill: shown by its name, opened from its path."""
    monkeypatch.setattr(learners_module, "catalog_exercises_with", lambda skill: [])  # as if every one were worked
    store = ProgressStore(tmp_path)
    store.save_learner(LEARNER)

    async def scenario():
        app = TutorApp(store=store)
        async with app.run_test(size=(100, 30)) as pilot:
            await settled(pilot)
            recommended = app.screen.progress.next
            path = Path(recommended.exercise)
            assert path.is_file() and path.name == f"{generate_for_skill(recommended.skill, 1).name}.toml"
            entry = str(app.screen.query_one("#practise-next", Static).render())
            assert f"Practise next (F2): {path.stem} for {recommended.skill}" in entry
            await pilot.press("f2")
            await pilot.pause()
            assert isinstance(app.screen, ExerciseScreen)
            assert app.screen.session.exercise.path == path

    run(scenario())


def test_when_no_next_exercise_can_be_made_the_skills_are_still_shown_and_f2_says_why(tmp_path, monkeypatch):
    def unsaved(*_):
        raise SaveError("cannot save the fresh exercise: the disk is full")

    monkeypatch.setattr(LearnerStore, "recommend", unsaved)

    async def scenario():
        app = TutorApp(store=ProgressStore(tmp_path))
        async with app.run_test(size=(100, 30)) as pilot:
            await settled(pilot)
            bars = app.screen.query_one(SkillBars)
            assert all(str(skill) in line.plain for skill, line in zip(Skill, bars.items()))
            entry = str(app.screen.query_one("#practise-next", Static).render())
            assert "Practise next (F2): none for now (cannot save the fresh exercise: the disk is full)" in entry
            await pilot.press("f2")
            await pilot.pause()
            assert isinstance(app.screen, CatalogScreen)
            assert [notice.message for notice in app._notifications] == [
                "No next exercise: cannot save the fresh exercise: the disk is full"
            ]

    run(scenario())


def test_the_summary_says_what_changed_in_the_skills_and_offers_the_next_exercise(tmp_path):
    store = ProgressStore(tmp_path)
    store.save_learner(LEARNER)
    before = LearnerStore(store).model(LEARNER)

    async def scenario():
        app = TutorApp("cs231n-add-multiply", store=store)
        async with app.run_test(size=(80, 24)) as pilot:
            await settled(pilot)  # the model as the exercise opens, read in a thread: before any answer
            screen = app.screen
            session = screen.session
            while session.first_open() != len(session.steps) - 1:  # on the session the screen shows
                session.answer(right_answer(session))
            screen.sync()
            await paste_answer(pilot, right_answer(session))  # the last one opens the summary
            await settled(pilot)
            assert isinstance(app.screen, SummaryScreen)
            learners = LearnerStore(store)
            after = learners.model(LEARNER)
            recommended = learners.recommend(LEARNER, after)
            said = str(app.screen.query_one("#summary-model", Static).render())
            changed = [skill for skill in Skill if after.skills[skill].attempts > before.skills[skill].attempts]
            assert Skill.FORWARD in changed and Skill.FAN_OUT not in changed
            for skill in changed:
                assert f"{skill} {before.skills[skill].mastery:.2f} → {after.skills[skill].mastery:.2f}" in said
            assert str(Skill.FAN_OUT) not in said.split("Next:")[0]  # an unchanged skill is not listed
            assert f"Next: {recommended.exercise} for {recommended.skill}, mastery" in said

            await pilot.press("f2")
            await pilot.pause()
            assert isinstance(app.screen, ExerciseScreen)
            assert app.screen.session.exercise.name == recommended.exercise

    run(scenario())


def test_the_summary_after_a_resumed_session_says_what_the_whole_exercise_changed(tmp_path):
    """Half the exercise answered in an earlier window (counted by the saved model since), the rest in this one:
    the summary compares with the model without the session, so the skills the first half moved are listed too."""
    store = ProgressStore(tmp_path)
    store.save_learner(LEARNER)
    learners = LearnerStore(store)
    before = learners.model(LEARNER)
    earlier = Session(resolve_exercise("cs231n-add-multiply"), store=store)
    for _ in range(len(earlier.steps) - 1):
        assert earlier.answer(right_answer(earlier)).correct
    earlier.close()
    resumed_at = learners.model(LEARNER)  # what the window reads as it opens: the first half is counted

    async def scenario():
        app = TutorApp("cs231n-add-multiply", store=store)
        async with app.run_test(size=(80, 24)) as pilot:
            await settled(pilot)
            await paste_answer(pilot, right_answer(app.screen.session))  # the last step
            await settled(pilot)
            assert isinstance(app.screen, SummaryScreen)
            after = LearnerStore(store).model(LEARNER)
            said = str(app.screen.query_one("#summary-model", Static).render()).split("Next:")[0]
            changed = [skill for skill in Skill if after.skills[skill].attempts > before.skills[skill].attempts]
            # the forward pass was all answered before the window opened: only the whole exercise's change shows it
            assert Skill.FORWARD in changed and after.skills[Skill.FORWARD] == resumed_at.skills[Skill.FORWARD]
            for skill in changed:
                assert f"{skill} {before.skills[skill].mastery:.2f} → {after.skills[skill].mastery:.2f}" in said
            assert str(Skill.FAN_OUT) not in said

    run(scenario())


def test_tutor_practice_opens_the_recommended_exercise_in_a_real_terminal(tmp_path):
    store = ProgressStore(tmp_path)
    store.save_learner(LEARNER)
    worked_right(store, "cs231n-add-multiply")
    recommended = LearnerStore(store).recommend(LEARNER)
    title = resolve_exercise(recommended.exercise).title
    session = f"practice-{tmp_path.name}"

    def opened(screen: str) -> str:  # the exercise's title in the header, over its graph, in practice
        return "" if title[:30] in screen and "practice" in screen.splitlines()[0] else f"{title} in practice"

    start_tutor(session, "practice", home=tmp_path, size=(100, 30))
    try:
        wait_until(session, opened)
    finally:
        tmux("kill-session", "-t", session, check=False)
