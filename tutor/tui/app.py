"""The Textual application: it renders a session and forwards key presses; no teaching logic."""

from __future__ import annotations

import gc
import json
import sys
import time
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on
from textual.app import App, SystemCommand
from textual.screen import Screen

from ..exercise import Exercise, ExerciseFileError, resolve_exercise
from ..exercise.shown import visible
from ..session import EXAM, ProgressStore
from ..session.saving import SaveError
from . import messages
from .actions import bindings

# The exercise's screens, the engine and NumPy are imported when an exercise is first opened
# (start_session, show_results): `tutor` shows its catalog without them; the help
# screens when they are first shown.
if TYPE_CHECKING:
    from textual.worker import Worker

    from ..session import Session
    from ..session.learner import LearnerModel


def unfinished(progress: Path) -> bool:
    """A saved exam that was not submitted (the program was closed, or killed, mid-exam)."""
    try:
        return not json.loads(progress.read_text(encoding="utf-8")).get("finished", False)
    except (OSError, ValueError, AttributeError):
        return False


class TutorApp(App[None]):
    CSS_PATH = "tutor.tcss"
    TITLE = "backprop-tutor"
    # Name before Help: at 80 columns the catalog's Footer has room for one of them, and the catalog
    # says "F1 for help" in its first line.
    BINDINGS = bindings("learner", "help", "quit", on_app=True)

    def __init__(
        self,
        exercise: str | Exercise | None = None,
        mode: str = "practice",
        store: ProgressStore | None = None,
        light: bool = False,
        exam_feedback: bool | None = None,
        time_limit: float | None = None,
        clock: Callable[[], float] = time.time,
        learner: str | None = None,
        ask_learner: bool = False,
        signing_key: bytes | None = None,
    ):
        """``learner``: a name to use and remember (`--learner`); ``ask_learner``: ask for one when none is
        stored (the program does; tests that are not about the name leave it off)."""
        super().__init__()
        self.clock = clock  # a fixed clock makes snapshot tests reproducible
        self.initial_exercise = exercise
        self.initial_mode = mode
        self.store = store if store is not None else ProgressStore()
        # an exam's settings from the command line; None: the exercise's [exam] table decides
        self.exam_feedback = exam_feedback
        self.time_limit = time_limit
        self.given_learner = learner
        self.ask_learner = ask_learner
        self.signing_key = signing_key  # `tutor exam --key`: the transcripts F6 saves are signed with it
        self.save_problem: str | None = None  # why the progress could not be saved, as last said to the learner
        # reads the learner and their model without the current practice session (in a thread: opening waits for
        # no file); the summary says what the whole session changed, resumed or not
        self.model_before: Worker[tuple[str, LearnerModel]] | None = None
        if light:
            self.theme = "textual-light"

    def on_mount(self) -> None:
        self.call_after_refresh(gc.enable)  # `tutor` starts with it off (see cli/main.py)
        if self.initial_exercise is not None:
            self.open_exercise(self.initial_exercise, self.initial_mode)  # the catalog comes on Escape
        else:
            self.back_to_catalog()
        if self.given_learner is not None:
            self.remember_learner(self.given_learner, announce=False)
        elif self.ask_learner and self.store.stored_learner() is None:
            self.change_learner(first_use=True)  # over the first screen, so it is what the learner sees first

    # -- the learner's name --------------------------------------------------------------------
    def action_change_learner(self) -> None:
        self.change_learner()

    def change_learner(self, first_use: bool = False) -> None:
        from .screens.learner import LearnerScreen  # asked once: not imported on every start

        current = self.store.learner_name()

        def chosen(name: str | None) -> None:
            if name is not None:
                self.remember_learner(name, announce=True)
            elif first_use:
                self.remember_learner(current, announce=False)  # skipped: the login name, and no asking again

        self.push_screen(LearnerScreen(current, first_use=first_use), chosen)

    def remember_learner(self, name: str, announce: bool) -> None:
        try:
            self.store.save_learner(name)
        except (SaveError, ValueError) as error:
            self.notify(f"Could not remember your name: {error}", severity="warning", timeout=10, markup=False)
            return
        if announce:
            self.notify(f"Transcripts will name you {name}.", timeout=5, markup=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "change_learner":  # a Footer key in the catalog; a command in the palette everywhere
            # Not importing the catalog to ask (`tutor run` starts without it): unloaded, it cannot be on screen.
            catalog = sys.modules.get(f"{__package__}.screens.catalog")
            return catalog is not None and isinstance(self.screen, catalog.CatalogScreen)
        return True

    # -- navigation used by the screens ------------------------------------------------------
    def loaded(self, reference: str | Exercise) -> Exercise | None:
        """The exercise, loaded when given as a name or path; None (and a notice) when it cannot be."""
        if isinstance(reference, Exercise):
            return reference
        try:
            return resolve_exercise(reference)
        except ExerciseFileError as error:
            self.notify(
                visible(str(error)), title="This exercise cannot be opened", severity="error", timeout=15, markup=False
            )
            return None

    def open_exercise(self, reference: str | Exercise, mode: str = "practice") -> None:
        """Open an exercise, given loaded or as a catalog name or file path."""
        exercise = self.loaded(reference)
        if exercise is None:
            return
        progress = self.store.path_for(exercise.name, exercise.path, mode)
        if mode == EXAM and unfinished(progress):
            from ..session import OpenElsewhere, ProgressLock, lock_label

            try:  # before asking whether to resume: the answer would not be used
                ProgressLock(progress).ensure_free(lock_label(exercise.title, mode))
            except OpenElsewhere as error:
                self.refuse_open_elsewhere(error)
                return

            def chosen(resume: bool | None) -> None:
                if resume is None:
                    if len(self.screen_stack) <= 1:  # opened straight into the prompt: go to the catalog
                        self.back_to_catalog()
                    return
                if not resume:
                    self.store.set_aside(progress, "you started the exam over")
                self.start_session(exercise, mode)

            from .screens.help import ResumeExamScreen

            self.push_screen(ResumeExamScreen(exercise.title), chosen)
            return
        self.start_session(exercise, mode)

    def start_session(self, exercise: Exercise, mode: str) -> None:
        from ..session import OpenElsewhere, Session
        from .screens.exercise import ExerciseScreen

        try:
            feedback = self.exam_feedback if self.exam_feedback is not None else bool(exercise.exam.feedback)
            minutes = exercise.exam.time_limit
            time_limit = self.time_limit if self.time_limit is not None else minutes * 60 if minutes else None
            session = Session(
                exercise,
                mode=mode,
                store=self.store,
                clock=self.clock,
                exam_feedback=feedback,
                time_limit=time_limit if mode == EXAM else None,
                on_save=self.progress_saved,
                exclusive=True,  # one window per exercise: a second one would overwrite the first one's answers
            )
        except ExerciseFileError as error:
            self.notify(
                visible(str(error)), title="This exercise cannot be opened", severity="error", timeout=15, markup=False
            )
            return
        except OpenElsewhere as error:
            self.refuse_open_elsewhere(error)
            return
        self.model_before = None
        self.push_screen(ExerciseScreen(session))
        if mode != EXAM and not session.finished:
            self.call_after_refresh(self.read_model_before, session)
        if session.finished:
            self.show_results(session)

    def read_model_before(self, session: Session) -> None:
        """Once the exercise is drawn: the learner's model before any of the session's answers, in a thread."""
        from .learner_progress import read_model_without

        if session.progress_file is None:  # kept nowhere: it feeds no model, and the summary shows none
            return
        read = partial(read_model_without, self.store, session.progress_file, list(session.events[:1]))
        self.model_before = self.run_worker(read, thread=True, exit_on_error=False)

    def refuse_open_elsewhere(self, error: Exception) -> None:
        if len(self.screen_stack) <= 1:  # `tutor run` opened straight into it: the catalog instead
            self.back_to_catalog()
        # once the catalog is shown: a notice raised before it would be left on the screen below
        self.call_after_refresh(
            self.notify, str(error), title="Open in another window", severity="warning", timeout=15, markup=False
        )

    # -- what the screens ask (tutor/tui/messages.py) ----------------------------------------
    @on(messages.OpenExercise)
    def exercise_asked(self, message: messages.OpenExercise) -> None:
        self.open_exercise(message.exercise, message.mode)

    @on(messages.PracticeNewLike)
    def new_like_asked(self, message: messages.PracticeNewLike) -> None:
        exercise = self.loaded(message.exercise)
        if exercise is not None:
            self.practice_new_like(exercise)

    @on(messages.OpenTraining)
    def training_asked(self, message: messages.OpenTraining) -> None:
        exercise = self.loaded(message.exercise)
        if exercise is not None:
            self.open_training(exercise)

    @on(messages.SessionFinished)
    def session_finished(self, message: messages.SessionFinished) -> None:
        self.show_results(message.session)

    @on(messages.ExportTranscript)
    def export_asked(self, message: messages.ExportTranscript) -> None:
        self.export_transcript(message.session)

    def progress_saved(self, problem: str | None) -> None:
        """After each save of the progress: a failure is said (once, until it changes), and so is the first save
        that works again; the session keeps every answer and writes them all at the next one."""
        if problem == self.save_problem:
            return
        self.save_problem = problem
        if problem is not None:
            self.notify(
                f"Your progress is not saved: {problem}. Your answers are kept while the tutor is open, "
                "and saving is tried again after your next answer.",
                title="Not saved",
                severity="error",
                timeout=20,
                markup=False,
            )
        else:
            self.notify("Your progress is saved again.", timeout=5)

    def export_transcript(self, session: Session) -> None:
        """Save the transcript in a folder of the current directory, where a learner looks for it (not
        in the hidden data folder); the notice names the folder once, then one file per line."""
        from ..session.transcript import EXPORT_FOLDER, export_all  # imported on the first export: a faster start

        folder = Path.cwd() / EXPORT_FOLDER
        try:
            written = export_all(session, folder, key=self.signing_key)
        except SaveError as error:
            self.notify(
                f"Could not save the transcript: {error}",
                severity="error",
                timeout=10,
                markup=False,
            )
            return
        # relative to the current directory: a line short enough never to be wrapped in the middle of a name
        self.notify(
            "\n".join([f"in ./{EXPORT_FOLDER}/", *(path.name for path in written)]),
            title="Transcript saved",
            timeout=10,
            markup=False,
        )

    def action_back_to_catalog(self) -> None:
        self.back_to_catalog()

    def back_to_catalog(self) -> None:
        from .screens.catalog import CatalogScreen  # `tutor run` may never need it: imported on first use

        while len(self.screen_stack) > 2:
            self.pop_screen()
        if isinstance(self.screen, CatalogScreen):
            return
        if len(self.screen_stack) > 1:
            self.switch_screen(CatalogScreen(self.store))  # opened by `tutor run`: the catalog takes its place
        else:
            self.push_screen(CatalogScreen(self.store))

    def open_training(self, exercise: Exercise) -> None:
        from ..training import Trainer, TrainingError
        from .screens.training import TrainingScreen

        try:
            Trainer(exercise)  # an exercise that cannot be trained is said so here, not after F5
        except (ExerciseFileError, TrainingError) as error:
            self.notify(
                visible(str(error)),
                title="This exercise cannot be trained",
                severity="warning",
                timeout=10,
                markup=False,
            )
            return
        self.push_screen(TrainingScreen(exercise))

    def practice_new_like(self, exercise: Exercise) -> None:
        """Generate a fresh exercise of the same kind, save it beside the progress files and open it."""
        from ..generate import draw_seed, generate_like

        try:
            generated = generate_like(exercise, draw_seed())
        except ValueError as error:
            self.notify(
                visible(str(error)), title="No new exercise like this one", severity="warning", timeout=8, markup=False
            )
            return
        try:
            path = self.store.save_generated(generated.name, generated.text)
        except SaveError as error:
            self.notify(f"Could not save the new exercise: {error}", severity="error", timeout=10, markup=False)
            return
        self.notify(f"A new exercise like this one: {path}", timeout=6)
        self.open_exercise(str(path))

    def show_results(self, session: Session) -> None:
        """A finished session: the summary of a practice, the report of an exam."""
        self.show_exam_report(session) if session.mode == EXAM else self.show_summary(session)

    def show_summary(self, session: Session) -> None:
        from .screens.summary import SummaryScreen

        self.push_screen(SummaryScreen(session, self.model_before))

    def show_exam_report(self, session: Session) -> None:
        from .screens.report import ExamReportScreen

        self.push_screen(ExamReportScreen(session))

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            session = getattr(self.screen, "session", None)
            self.push_screen(HelpScreen(session.exercise if session is not None else None))

    # -- every key binding is also a command in the palette ----------------------------------
    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        seen = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            if not binding.description or binding.description in seen or not active.enabled:
                continue
            seen.add(binding.description)
            # run on the node that binds it, as its key does
            run = partial(self.run_action, binding.action, active.node)
            yield SystemCommand(binding.description, f"Key: {self.get_key_display(binding)}", run)
        if "Name" not in seen:  # the Name key is shown in the catalog only
            yield SystemCommand("Name", "Your name on the transcripts you save", self.change_learner)
