"""Datasets for training: the shipped ones (``xor``, ``iris``) and CSV files, read as float64 matrices.

A dataset is a CSV file, one row per line:

- blank lines and lines starting with ``#`` are skipped;
- the first other line is the header, one name per column;
- the **last column is the target**, unless a comment line ``# targets: name, name`` above the
  header names the target columns; every other column is a feature, in the file's order;
- features are numbers. A target column whose first value is a number holds numbers; otherwise it
  holds class names and is one-hot encoded: one target column per class, the classes in order of
  first appearance (their names are kept in ``target_names``).

Every problem is reported with the file and line, like a problem in an exercise file.
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ExerciseFileError, Problem
from .packaged import packaged_folder
from .reading import read_text
from .suggestion import suggestion

if TYPE_CHECKING:
    import numpy as np

MAX_DATASET_BYTES = 10_000_000
MAX_PROBLEMS = 20  # a file with a thousand bad rows is described by its first few
_TARGETS_COMMENT = re.compile(r"^#\s*targets\s*:(.*)$", re.IGNORECASE)


@dataclass(frozen=True)
class LoadedDataset:
    """A dataset file, read: its features and targets as float64 matrices, one row per sample."""

    name: str
    path: Path
    feature_names: tuple[str, ...]
    target_names: tuple[str, ...]  # a numeric target column's name, or the class of each one-hot column
    features: np.ndarray  # rows x features, float64
    targets: np.ndarray  # rows x target columns, float64

    @property
    def rows(self) -> int:
        return self.features.shape[0]


def shipped_folder() -> Path:
    return packaged_folder("tutor.datasets", "datasets")


def shipped_names() -> list[str]:
    return sorted(path.stem for path in shipped_folder().glob("*.csv"))


def find_dataset(
    reference: str | Path, relative_to: Path | None = None, cited_at: tuple[Path | None, int | None] | None = None
) -> Path:
    """The file of a shipped dataset's name (``iris``) or of a CSV path (relative to ``relative_to``).

    A reference that is neither is reported where it was written: ``cited_at`` is (file, line),
    such as an exercise file's ``dataset =`` line; without it, at the path that was tried.
    """
    text = str(reference)
    is_plain_name = not text.lower().endswith(".csv") and "/" not in text and "\\" not in text
    if is_plain_name and (shipped_folder() / f"{text}.csv").is_file():
        return shipped_folder() / f"{text}.csv"
    path = Path(text)
    if not path.is_absolute() and relative_to is not None:
        path = relative_to / path
    if path.is_file():
        return path
    shipped = shipped_names()
    hint = suggestion(text, shipped) if is_plain_name else ""
    where, line = cited_at if cited_at is not None else (path, None)
    raise ExerciseFileError(
        [
            Problem(
                where,
                line,
                f"dataset '{text}' is not a shipped dataset ({', '.join(shipped)}) or a CSV file{hint}: no file {path}",
            )
        ]
    )


def load_dataset(
    reference: str | Path, relative_to: Path | None = None, cited_at: tuple[Path | None, int | None] | None = None
) -> LoadedDataset:
    path = find_dataset(reference, relative_to, cited_at)
    text = read_text(path, "datasets", MAX_DATASET_BYTES)
    return parse_dataset(text, path, path.stem)


def parse_dataset(text: str, path: Path, name: str) -> LoadedDataset:
    problems: list[Problem] = []

    def problem(line: int | None, message: str) -> None:
        problems.append(Problem(path, line, message))

    targets_comment: tuple[int, list[str]] | None = None
    header: list[str] | None = None
    header_line = 0
    rows: list[tuple[int, list[str]]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            match = _TARGETS_COMMENT.match(stripped)
            if match and header is None:
                targets_comment = (number, [column.strip() for column in match.group(1).split(",") if column.strip()])
            continue
        cells = [cell.strip() for cell in next(csv.reader([line]))]
        if header is None:
            header, header_line = cells, number
        elif len(cells) != len(header):
            problem(
                number,
                f"this row has {len(cells)} values, but the header (line {header_line}) names {len(header)} columns",
            )
        else:
            rows.append((number, cells))
    if header is None:
        raise ExerciseFileError([Problem(path, None, "is empty: a dataset needs a header row and data rows")])
    _check_header(header, header_line, problem)
    if not rows and not problems:
        problem(header_line, "there are no data rows after the header")
    if problems:
        raise ExerciseFileError(problems[:MAX_PROBLEMS])

    target_columns = _target_columns(header, header_line, targets_comment, problem)
    if problems:
        raise ExerciseFileError(problems)
    import numpy as np  # here: the loader finds datasets (find_dataset) without NumPy, so `tutor` starts faster

    feature_columns = [column for column in range(len(header)) if column not in target_columns]
    features = np.array(
        [
            [_number_or_problem(cells[column], header[column], number, problem) for column in feature_columns]
            for number, cells in rows
        ],
        dtype=np.float64,
    )
    target_blocks, target_names = [], []
    for column in target_columns:
        block, names = _target_block(column, header[column], rows, problem)
        target_blocks.append(block)
        target_names += names
    if problems:
        raise ExerciseFileError(problems[:MAX_PROBLEMS])
    return LoadedDataset(
        name,
        path,
        tuple(header[column] for column in feature_columns),
        tuple(target_names),
        features,
        np.concatenate([np.array(block, dtype=np.float64) for block in target_blocks], axis=1),
    )


def _check_header(header: list[str], line: int, problem) -> None:
    if len(header) < 2:
        problem(line, "the header names one column; a dataset needs at least one feature and one target column")
    for position, column in enumerate(header, start=1):
        if not column:
            problem(line, f"column {position} of the header has no name")
        elif header.index(column) != position - 1:
            problem(line, f"the header names '{column}' twice")


def _target_columns(header: list[str], header_line: int, comment: tuple[int, list[str]] | None, problem) -> list[int]:
    """The last column, or the columns a ``# targets:`` comment names (in the header's order)."""
    if comment is None:
        return [len(header) - 1]
    line, names = comment
    if not names:
        problem(line, "'# targets:' names no column; write '# targets: name, name'")
    for column in names:
        if column not in header:
            problem(
                line,
                f"'# targets:' names '{column}', which is not a column of the header (line {header_line})"
                f"{suggestion(column, header)}",
            )
    if names and set(names) >= set(header):
        problem(line, "'# targets:' names every column: at least one column must be a feature")
    return [position for position, column in enumerate(header) if column in names]


def _target_block(
    column: int, name: str, rows: list[tuple[int, list[str]]], problem
) -> tuple[list[list[float]], list[str]]:
    """A numeric target column as it is, or a column of class names one-hot encoded (rows of numbers)."""
    values = [cells[column] for _, cells in rows]
    if _number(values[0]) is not None:
        return [[_number_or_problem(value, name, number, problem)] for (number, _), value in zip(rows, values)], [name]
    classes = list(dict.fromkeys(values))
    for (number, _), value in zip(rows, values):
        if not value:
            problem(number, f"column '{name}' holds class names, but this row leaves it empty")
    return [[float(value == label) for label in classes] for value in values], classes


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _number_or_problem(text: str, column: str, line: int, problem) -> float:
    value = _number(text)
    if value is None:
        problem(line, f"column '{column}' holds '{text}', which is not a (finite) number")
        return math.nan
    return value
