"""A generated exercise, and the one step every kind ends with: load the text and judge the solution."""

from __future__ import annotations

from dataclasses import dataclass

from ..engine import Solution, solve
from ..exercise import Exercise, ExerciseFileError, parse_exercise
from .checks import degeneracy

MAX_ATTEMPTS = 300  # drafts tried per exercise; the steered drafts rarely need more than a few


@dataclass(frozen=True)
class GeneratedExercise:
    text: str  # the TOML file's text, a valid exercise
    name: str  # a file-name-safe name, e.g. "generated-mlp-2-3-1-sigmoid-seed-42"
    exercise: Exercise  # the text parsed by tutor.exercise.parse_exercise, so it is proven to load


def load_and_solve(text: str, name: str) -> tuple[GeneratedExercise, Solution | None]:
    """The text loaded (a text that does not load is a bug: its error is raised) and its solution, or
    None when the numbers cannot be computed (log of a negative number, an overflow)."""
    exercise = parse_exercise(text, None, name)
    try:
        solution = solve(exercise)
    except ExerciseFileError:
        return GeneratedExercise(text, name, exercise), None
    return GeneratedExercise(text, name, exercise), solution


def sound(text: str, name: str) -> tuple[GeneratedExercise, Solution] | None:
    """The exercise and its solution when it is fit to work by hand, else None."""
    return judged(*load_and_solve(text, name))


def judged(generated: GeneratedExercise, solution: Solution | None) -> tuple[GeneratedExercise, Solution] | None:
    """The exercise and its solution (from load_and_solve) when it is fit to work by hand, else None."""
    if solution is None or degeneracy(solution) is not None:
        return None
    return generated, solution


def exhausted(kind: str, advice: str) -> ValueError:
    return ValueError(
        f"no {kind} exercise fit to work by hand was found with these options in {MAX_ATTEMPTS} tries: {advice}"
    )
