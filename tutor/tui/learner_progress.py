"""The learner model and what to practise next, as the screens show them (tutor/session/learners.py decides both).

Reading the model replays the sessions it has not seen with the engine, so the screens call these in a worker
thread, and the catalog is drawn before NumPy is loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..exercise.shown import visible
from ..session.modes import PRACTICE
from ..session.saving import SaveError
from .messages import OpenExercise

if TYPE_CHECKING:
    from textual.screen import Screen

    from ..session import ProgressStore
    from ..session.learner import LearnerModel
    from ..session.learners import Recommendation


@dataclass(frozen=True)
class LearnerProgress:
    learner: str
    model: LearnerModel
    next: Recommendation | None
    no_next: str = ""  # why there is no next exercise: the fresh one could not be made or saved


def read_model_without(store: ProgressStore, progress_file: Path, events: list[dict]) -> tuple[str, LearnerModel]:
    """The learner's name and their model without the session saved in ``progress_file`` that starts with
    ``events`` (a summary's "before"). In the worker thread: the model's modules are imported here, not before."""
    from ..session.learners import LearnerStore, session_id

    learner = store.learner_name()
    return learner, LearnerStore(store).model_without(learner, session_id(progress_file, events))


def read_progress(store: ProgressStore) -> LearnerProgress:
    """The learner's model and the exercise it recommends next."""
    from ..session.learners import LearnerStore

    learners = LearnerStore(store)
    learner = store.learner_name()
    model = learners.model(learner)
    try:
        return LearnerProgress(learner, model, learners.recommend(learner, model))
    except (ValueError, SaveError) as error:  # the skills are still worth showing
        return LearnerProgress(learner, model, None, str(error))


def next_words(progress: LearnerProgress) -> str:
    """The next exercise as the learner knows it (a catalog name, or a generated file's name) and its skill."""
    if progress.next is None:
        return f"none for now ({progress.no_next})"
    skill = progress.next.skill
    name = Path(progress.next.exercise).name.removesuffix(".toml")
    return f"{name} for {skill}, mastery {progress.model.skills[skill].mastery:.2f}"


def practise_next(screen: Screen, progress: LearnerProgress | None) -> None:
    """F2 (Practise next) on a screen that shows the recommendation: open it, or say why there is none yet."""
    if progress is None:
        screen.notify("Your skills are still being read from your sessions: try again in a moment.", timeout=4)
    elif progress.next is None:
        screen.notify(visible(f"No next exercise: {progress.no_next}"), severity="warning", markup=False)
    else:
        screen.post_message(OpenExercise(progress.next.exercise, PRACTICE))
