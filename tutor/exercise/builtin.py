"""The built-in exercises (the catalog's files, shipped as the package tutor.catalog), and turning "a catalog
name or a path" into an exercise."""

from __future__ import annotations

from pathlib import Path

from .errors import ExerciseFileError, Problem
from .loader import load_exercise
from .model import Exercise
from .packaged import packaged_folder
from .suggestion import suggestion


def catalog_folder() -> Path:
    return packaged_folder("tutor.catalog", "exercises")


def catalog_names() -> list[str]:
    return sorted(path.stem for path in catalog_folder().glob("*.toml"))


def exercise_path(reference: str) -> Path:
    """The file for a catalog name (``sigmoid-neuron``) or a path (``my.toml``, ``dir/file``): a path ends in
    .toml or has a folder in it, so a file or folder of a catalog name in the current folder never hides it."""
    if reference.endswith(".toml") or "/" in reference or "\\" in reference:
        return Path(reference)
    path = catalog_folder() / f"{reference}.toml"
    if not path.exists():
        raise ExerciseFileError(
            [
                Problem(
                    None,
                    None,
                    f"'{reference}' is not a catalog exercise or a .toml file"
                    f"{suggestion(reference, catalog_names())}; `tutor list` shows the catalog",
                )
            ]
        )
    return path


def resolve_exercise(reference: str) -> Exercise:
    path = exercise_path(reference)
    return load_exercise(path, name=path.stem)
