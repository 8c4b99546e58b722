"""The built-in exercises, and turning "a catalog name or a path" into an exercise."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from .errors import ExerciseFileError, Problem
from .loader import load_exercise, suggestion
from .model import Exercise


def catalog_folder() -> Path:
    try:
        return Path(str(files("tutor.catalog")))
    except ModuleNotFoundError:  # a source checkout run without installing: the folder is right there
        return Path(__file__).resolve().parents[2] / "exercises"


def catalog_names() -> list[str]:
    return sorted(path.stem for path in catalog_folder().glob("*.toml"))


def exercise_path(reference: str) -> Path:
    """The file for a catalog name (``sigmoid-neuron``) or a path (``my.toml``)."""
    candidate = Path(reference)
    if reference.endswith(".toml") or candidate.exists() or "/" in reference or "\\" in reference:
        return candidate
    path = catalog_folder() / f"{reference}.toml"
    if not path.exists():
        raise ExerciseFileError([Problem(None, None, f"'{reference}' is not a catalog exercise or a .toml file"
                                                     f"{suggestion(reference, catalog_names())}; `tutor list` shows the catalog")])
    return path


def resolve_exercise(reference: str) -> Exercise:
    path = exercise_path(reference)
    return load_exercise(path, name=path.stem)
