"""The catalog as a learner sees it: each exercise with their progress on it.

Only what the catalog shows is read from each file (tutor/exercise/metadata.py): an exercise is
checked in full when it is opened, and a broken one is reported then, by name and line."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..exercise import catalog_folder, catalog_names
from ..exercise.metadata import ExerciseMetadata, read_metadata
from .store import ProgressStore

# shown for a file that is not readable TOML; opening it reports the problem and its line
UNREADABLE = ExerciseMetadata("cannot be read: open it to see where it goes wrong", (), 0, 0)


@dataclass(frozen=True)
class CatalogEntry:
    name: str
    title: str
    tags: tuple[str, ...]
    difficulty: int  # 1 to 5; 0 for a file that cannot be read
    size: int
    path: Path
    status: str  # "not started", "in progress" or "done"
    done: int = 0
    steps: int = 0
    score: float = 0.0

    @property
    def progress_text(self) -> str:
        if self.status == "done":
            return f"done, {100 * self.score / self.steps:.0f}%" if self.steps else "done"
        if self.status == "in progress":
            return f"{self.done}/{self.steps} steps"
        return "not started"

    def matches(self, text: str) -> bool:
        haystack = " ".join([self.name, self.title, *self.tags]).lower()
        return all(word in haystack for word in text.lower().split())


def catalog_entries(store: ProgressStore | None) -> list[CatalogEntry]:
    entries = []
    for name in catalog_names():
        path = catalog_folder() / f"{name}.toml"
        metadata = read_metadata(path) or UNREADABLE
        status, done, steps, score = "not started", 0, 0, 0.0
        if store is not None:
            progress = store.path_for(name, path, "practice")
            try:
                data = json.loads(progress.read_text(encoding="utf-8"))
                done, steps, score = int(data.get("done", 0)), int(data.get("steps", 0)), float(data.get("score", 0))
                status = (
                    "done"
                    if data.get("finished")
                    else "in progress"
                    if done or len(data.get("events", [])) > 2
                    else status
                )
            except (OSError, ValueError, TypeError, AttributeError, RecursionError):  # RecursionError: nested JSON
                pass
        entries.append(
            CatalogEntry(
                name,
                metadata.title,
                metadata.tags,
                metadata.difficulty,
                metadata.size,
                path,
                status,
                done,
                steps,
                score,
            )
        )
    # easiest first; a file that cannot be read (difficulty 0) last
    return sorted(entries, key=lambda entry: (entry.difficulty == 0, entry.difficulty, entry.title.lower()))
