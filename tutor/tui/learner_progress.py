"""The learner model and what to practise next, as the screens show them (tutor/session/learners.py decides both).

Reading the model replays the sessions it has not seen with the engine, so the screens call these in a worker
thread, and the catalog is drawn before NumPy is loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..session import ProgressStore
    from ..session.learner import LearnerModel
    from ..session.learners import Recommendation


@dataclass(frozen=True)
class LearnerProgress:
    learner: str
    model: LearnerModel
    next: Recommendation


def read_model(store: ProgressStore) -> tuple[str, LearnerModel]:
    """The learner's name and their model, brought up to date with their sessions."""
    from ..session.learners import LearnerStore

    learner = store.learner_name()
    return learner, LearnerStore(store).model(learner)


def read_progress(store: ProgressStore) -> LearnerProgress:
    """The learner's model and the exercise it recommends next."""
    from ..session.learners import LearnerStore

    learners = LearnerStore(store)
    learner = store.learner_name()
    model = learners.model(learner)
    return LearnerProgress(learner, model, learners.recommend(learner, model))


def shown_exercise(reference: str) -> str:
    """A recommended exercise as the learner knows it: a catalog name, or a generated file's name."""
    return Path(reference).name.removesuffix(".toml")
