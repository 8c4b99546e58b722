"""Exercise files: the safe expression parser, loading and checking, the built-in catalog."""

from .builtin import catalog_folder, catalog_names, exercise_path, resolve_exercise
from .errors import ExerciseFileError, Problem
from .expression import ExpressionError, parse, to_text
from .loader import load_exercise, parse_exercise
from .model import Exercise, InputSpec, NodeSpec, Tolerance

__all__ = [
    "Exercise",
    "ExerciseFileError",
    "ExpressionError",
    "InputSpec",
    "NodeSpec",
    "Problem",
    "Tolerance",
    "catalog_folder",
    "catalog_names",
    "exercise_path",
    "load_exercise",
    "parse",
    "parse_exercise",
    "resolve_exercise",
    "to_text",
]
