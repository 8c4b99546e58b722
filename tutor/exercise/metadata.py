"""What the catalog shows of an exercise file (title, tags, difficulty, size), read without checking the rest.

Loading an exercise (loader.py) checks every field and parses every expression: the catalog would
pay that for each of its files before its first frame. It reads only these four fields here, and
an exercise is checked when it is opened, where a broken file is reported by name and line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import ExerciseFileError
from .reading import parse_toml_text, read_text
from .schema import TOP_LEVEL

DEFAULT_DIFFICULTY: int = TOP_LEVEL.default("difficulty")  # for a file that gives none (or none it accepts)


@dataclass(frozen=True)
class ExerciseMetadata:
    title: str
    tags: tuple[str, ...]
    difficulty: int
    size: int  # as Exercise.size: inputs plus nodes of the solved graph, batch copies included


# path -> (modification time and size of the file when read, what was read): the catalog reads its
# files again each time it is shown, and an unchanged file need not be parsed again.
_read: dict[Path, tuple[tuple[int, int], ExerciseMetadata | None]] = {}


def read_metadata(path: Path) -> ExerciseMetadata | None:
    """The catalog's fields of an exercise file; None when it is not readable TOML (loading it says why)."""
    try:
        status = path.stat()
    except OSError:
        return None
    stamp = (status.st_mtime_ns, status.st_size)
    known = _read.get(path)
    if known is not None and known[0] == stamp:
        return known[1]
    try:
        document = parse_toml_text(read_text(path))
    except (ExerciseFileError, ValueError):  # TOMLDecodeError and the limits of reading.py
        metadata = None
    else:
        metadata = _metadata(document, path.stem)
    _read[path] = (stamp, metadata)
    return metadata


def _metadata(document: dict, name: str) -> ExerciseMetadata:
    title = document.get("title")
    title = title.strip() if isinstance(title, str) and title.strip() else name
    tags = document.get("tags", [])
    tags = [tags] if isinstance(tags, str) else tags
    tags = tuple(tag for tag in tags if isinstance(tag, str)) if isinstance(tags, list) else ()
    difficulty = document.get("difficulty", DEFAULT_DIFFICULTY)
    if isinstance(difficulty, bool) or not isinstance(difficulty, int) or not 1 <= difficulty <= 5:
        difficulty = DEFAULT_DIFFICULTY
    return ExerciseMetadata(title, tags, difficulty, _size(document))


def _size(document: dict) -> int:
    """Inputs plus nodes; with a [batch], one copy of every node and sample input per sample, plus the total."""
    inputs, graph, batch = (document.get(key) for key in ("inputs", "graph", "batch"))
    inputs = len(inputs) if isinstance(inputs, dict) else 0
    nodes = len(graph) if isinstance(graph, dict) else 0
    samples = batch.get("samples") if isinstance(batch, dict) else None
    if not isinstance(samples, list) or not samples or not isinstance(samples[0], dict):
        return inputs + nodes
    return inputs + len(samples) * (len(samples[0]) + nodes) + 1
