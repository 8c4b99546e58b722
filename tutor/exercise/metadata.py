"""What the catalog shows of an exercise file (title, tags, difficulty, size), read without checking the rest.

Loading an exercise (loader.py) checks every field and parses every expression: the catalog would
pay that for each of its files before its first frame. It reads only these four fields here, and
an exercise is checked when it is opened, where a broken file is reported by name and line.

Even these four fields cost a TOML parse of every file, the largest part of the catalog's start-up
after Textual's own; so a folder may carry them ready in an index (the built-in catalog does:
exercises/index.json, rewritten with `python -m tutor.exercise.metadata exercises`). An entry is
used only while its file has the byte size it had when the index was written.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

from .errors import ExerciseFileError
from .reading import parse_toml_text, read_text
from .schema import TOP_LEVEL

DEFAULT_DIFFICULTY: int = TOP_LEVEL.default("difficulty")  # for a file that gives none (or none it accepts)
INDEX_FILE = "index.json"


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
    indexed = _index(path.parent).get(path.stem)
    if indexed is not None and indexed[0] == status.st_size:
        metadata: ExerciseMetadata | None = indexed[1]
    else:
        metadata = _parsed_metadata(path)
    _read[path] = (stamp, metadata)
    return metadata


def _parsed_metadata(path: Path) -> ExerciseMetadata | None:
    try:
        document = parse_toml_text(read_text(path))
    except (ExerciseFileError, ValueError):  # TOMLDecodeError and the limits of reading.py
        return None
    return _metadata(document, path.stem)


@cache  # a folder's index is read once a run; an entry whose file changed size is not used
def _index(folder: Path) -> dict[str, tuple[int, ExerciseMetadata]]:
    """name -> (the file's size in bytes when indexed, its metadata); empty for a folder without a usable index."""
    try:
        entries = json.loads((folder / INDEX_FILE).read_text(encoding="utf-8"))
        return {
            name: (
                entry["bytes"],
                ExerciseMetadata(entry["title"], tuple(entry["tags"]), entry["difficulty"], entry["size"]),
            )
            for name, entry in entries.items()
        }
    except (OSError, ValueError, TypeError, KeyError, AttributeError):  # no index, or not one this code wrote
        return {}


def index_text(folder: Path) -> str:
    """The index of a folder's readable exercise files, as `python -m tutor.exercise.metadata FOLDER` writes it."""
    entries = {}
    for path in sorted(folder.glob("*.toml")):
        metadata = _parsed_metadata(path)
        if metadata is not None:  # an unreadable file is read (and reported) each time instead
            entries[path.stem] = {"bytes": path.stat().st_size, **asdict(metadata)}
    lines = (f"{json.dumps(name)}: {json.dumps(entry, ensure_ascii=False)}" for name, entry in entries.items())
    return "{\n" + ",\n".join(lines) + "\n}\n"  # an exercise a line: a change to one is a one-line diff


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


if __name__ == "__main__":  # after changing a built-in exercise: python -m tutor.exercise.metadata exercises
    for argument in sys.argv[1:]:
        (Path(argument) / INDEX_FILE).write_text(index_text(Path(argument)), encoding="utf-8")
