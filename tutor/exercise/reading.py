"""Reading a file a user names (an exercise, answers, a transcript, a saved session) within documented limits.

Every limit ends in a Problem naming the file, quickly: a device or FIFO is refused by its kind before it is
opened (reading /dev/zero never ends, opening a FIFO waits for a writer), a file is read no further than its
limit, and a document nested too deeply or with too long an array is refused before anything walks it.
"""

from __future__ import annotations

import json
import os
import stat
import tomllib
from pathlib import Path

from .errors import ExerciseFileError, Problem

MAX_FILE_BYTES = 1_000_000  # an exercise or answers file; the catalog's largest is 5 kB
MAX_JSON_BYTES = 20_000_000  # a transcript or saved session
MAX_NESTING = 32  # arrays and tables inside each other; a 4-dimensional input needs 5
MAX_ARRAY_ITEMS = 10_000  # elements in one array (of numbers, samples, events, ...)


def _refused(path: Path, message: str) -> ExerciseFileError:
    return ExerciseFileError([Problem(path, None, message)])


def _too_large(size: int, what: str, limit: int) -> str:
    return f"the file is {size / 1e6:.1f} MB; {what} are limited to {limit / 1e6:g} MB"


def read_text(path: Path, what: str = "exercise files", limit: int = MAX_FILE_BYTES) -> str:
    """A regular file's UTF-8 text (a byte order mark dropped); ExerciseFileError with the reason otherwise.
    ``what`` names the kind of file in the message about its size."""
    try:
        status = os.stat(path)
        if stat.S_ISDIR(status.st_mode):
            raise _refused(path, "is a folder, not a file")
        if not stat.S_ISREG(status.st_mode):
            raise _refused(path, "is not a regular file (a device, FIFO or socket): give the path of a file")
        if status.st_size > limit:
            raise _refused(path, _too_large(status.st_size, what, limit))
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)  # a file still growing is read no further than its limit
    except FileNotFoundError:
        raise _refused(path, "no such file") from None
    except OSError as error:
        raise _refused(path, f"cannot be read: {error.strerror or error}") from None
    if len(data) > limit:
        raise _refused(path, _too_large(len(data), what, limit))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ExerciseFileError([Problem(path, line, "is not UTF-8 text")]) from None


def shape_problem(document: object) -> str | None:
    """Why a parsed document is too deep or has too long an array, else None; walked without recursion."""
    pending: list[tuple[object, int]] = [(document, 0)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict):
            children = list(value.values())
        elif isinstance(value, list):
            if len(value) > MAX_ARRAY_ITEMS:
                return f"an array has {len(value):,} elements; the limit is {MAX_ARRAY_ITEMS:,}"
            children = value
        else:
            continue
        if depth >= MAX_NESTING:
            return f"arrays and tables are nested more than {MAX_NESTING} deep"
        pending.extend((child, depth + 1) for child in children)
    return None


def parse_toml_text(text: str) -> dict:
    """tomllib's document, with the shape limits checked; ValueError with the reason (TOMLDecodeError is one)."""
    try:
        document = tomllib.loads(text)
    except RecursionError:
        raise ValueError(f"arrays and tables are nested more than {MAX_NESTING} deep") from None
    problem = shape_problem(document)
    if problem:
        raise ValueError(problem)
    return document


def read_json(path: Path, what: str) -> object:
    """A JSON file (``what``: transcripts, saved sessions) within the limits; ExerciseFileError with the reason."""
    text = read_text(path, what, MAX_JSON_BYTES)
    try:
        document = json.loads(text)
    except RecursionError:
        raise _refused(path, f"is nested more than {MAX_NESTING} deep") from None
    except json.JSONDecodeError as error:
        raise ExerciseFileError(
            [
                Problem(
                    path,
                    None,
                    f"is damaged: it is not valid JSON (line {error.lineno}: {error.msg}); it may have been cut short",
                )
            ]
        ) from None
    problem = shape_problem(document)
    if problem:
        raise _refused(path, problem)
    return document
