"""A learner's walk through an exercise, independent of any screen."""

from .session import CORRECT, EXAM, OPEN, PRACTICE, REVEALED, ExamItem, Session, SessionError, StepState, Summary
from .steps import Step, build_steps
from .store import ProgressStore, data_dir

__all__ = ["CORRECT", "EXAM", "OPEN", "PRACTICE", "REVEALED", "ExamItem", "ProgressStore", "Session", "SessionError",
           "Step", "StepState", "Summary", "build_steps", "data_dir"]
