"""What a screen asks of the app: each screen posts one of these, and TutorApp handles it (the screens
never call the app's own methods, so a screen needs no more of the app than Textual's API)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from ..exercise import Exercise
    from ..session import Session


class OpenExercise(Message):
    """Work an exercise, given loaded or as a catalog name or file path."""

    def __init__(self, exercise: str | Exercise, mode: str) -> None:
        super().__init__()
        self.exercise = exercise
        self.mode = mode


class PracticeNewLike(Message):
    """Generate a fresh exercise like this one and open it."""

    def __init__(self, exercise: str | Exercise) -> None:
        super().__init__()
        self.exercise = exercise


class OpenTraining(Message):
    """Train this exercise: the training screen."""

    def __init__(self, exercise: str | Exercise) -> None:
        super().__init__()
        self.exercise = exercise


class SessionFinished(Message):
    """Every step is done, or the exam submitted: the summary, or the exam report."""

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session


class ExportTranscript(Message):
    """Save the session's transcript."""

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
