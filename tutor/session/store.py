"""Where a learner's progress lives, and how it is written so that a crash never loses it.

Every save goes through tutor/session/saving.py: a temporary file beside the real one, flushed to
disk, renamed over the old file: a reader sees either the old progress or the new, never half of one.
"""

from __future__ import annotations

import fcntl
import functools
import getpass
import hashlib
import json
import os
import time
import tomllib
import unicodedata
from pathlib import Path

from ..exercise import ExerciseFileError, Problem, catalog_folder, catalog_names, load_exercise, resolve_exercise
from ..exercise.model import Exercise
from ..exercise.reading import read_json
from .saving import save_json, save_text

PROGRESS_FORMAT = "backprop-tutor-progress"
PROGRESS_VERSION = 1
LEARNER_MAX_LENGTH = 60


def data_dir() -> Path:
    """``$BACKPROP_TUTOR_HOME``, else ``$XDG_DATA_HOME/backprop-tutor``, else ``~/.local/share/backprop-tutor``."""
    override = os.environ.get("BACKPROP_TUTOR_HOME")
    if override:
        return Path(override)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "backprop-tutor"


class OpenElsewhere(Exception):
    """The exercise's progress file has a writer already: another window works on it."""


def lock_label(title: str, mode: str) -> str:
    """How a locked exercise is named to the second window: "'Sigmoid neuron' (exam)"."""
    return f"'{title}' ({mode})"


class ProgressLock:
    """One writer per progress file: the window that works an exercise holds this lock, and a second window on
    the same exercise is refused rather than left to overwrite the first one's answers with its own. It is an
    advisory lock on FILE.lock beside the progress file; the system lets go of it when the program ends,
    however it ends, so a crash never leaves an exercise locked."""

    def __init__(self, file: Path):
        self.path = file.with_name(f"{file.name}.lock")
        self._descriptor: int | None = None

    def acquire(self, what: str) -> None:
        """OpenElsewhere, naming ``what`` and the other program, when it is held; OSError when the folder
        cannot be used (saving then says why)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o666)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(descriptor, 32).decode("ascii", "replace").strip()
            os.close(descriptor)
            program = f" (process {holder})" if holder.isdigit() else ""
            raise OpenElsewhere(
                f"{what} is open in another tutor window{program}: work on it there, or close it there and "
                "open it again here. One window at a time keeps every answer."
            ) from None
        os.ftruncate(descriptor, 0)
        os.write(descriptor, str(os.getpid()).encode("ascii"))
        self._descriptor = descriptor

    def ensure_free(self, what: str) -> None:
        """OpenElsewhere when another window holds the lock now (before asking the learner anything about the
        exercise); holds nothing afterwards."""
        try:
            self.acquire(what)
        except OSError:
            return  # a folder that cannot be used: opening it says why
        self.release()

    def release(self) -> None:
        if self._descriptor is not None:
            os.close(self._descriptor)  # closing lets go of the lock
            self._descriptor = None


def exercise_key(name: str, path: Path | None) -> str:
    """A file name for an exercise's progress: its name plus a short hash of where it lives.

    A built-in exercise is known by its name alone, wherever the package is installed, so progress
    survives a reinstall and the source checkout and the installed program share it."""
    if path is None or path.resolve().parent == catalog_folder():
        where = f"catalog:{name}"
    else:
        where = str(path.resolve())
    return f"{name}-{hashlib.sha256(where.encode()).hexdigest()[:8]}"


# What the learner reads but is not graded on: editing these is not a new exercise.
PRESENTATION_KEYS = ("title", "description", "source", "tags", "difficulty")


def exercise_fingerprint(path: Path | None) -> str:
    """Changes when what is graded changes (the graph, the numbers, the questions, tolerances, points...), so
    stale progress is not replayed onto new numbers and a re-grade can tell another exercise; a new title,
    description, source, tags or difficulty is the same exercise. SHA-256 of the file's TOML without those
    keys, in a canonical JSON form ("" when there is no file, or it cannot be read)."""
    if path is None:
        return ""
    try:
        return _fingerprint_of(path.read_bytes())
    except OSError:
        return ""


@functools.lru_cache(maxsize=64)  # the whole catalog (48 exercises): a cycle through it must not evict every entry
def _fingerprint_of(content: bytes) -> str:
    """exercise_fingerprint of a file's bytes, kept: every session of the same exercise reads the same file."""
    try:
        document = tomllib.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return ""
    graded = {key: value for key, value in document.items() if key not in PRESENTATION_KEYS}
    canonical = json.dumps(graded, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def file_fingerprint(path: Path | None) -> str:
    """SHA-256 of the file's bytes: the fingerprint that progress files and transcripts written before the
    one above carry, still accepted for them."""
    if path is None:
        return ""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def same_exercise(stored: str, path: Path | None) -> bool:
    """Whether a stored fingerprint (of either kind) is this exercise file's."""
    return bool(stored) and stored in (exercise_fingerprint(path), file_fingerprint(path))


def login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "learner"


def checked_learner(name: str) -> str:
    """The name without surrounding spaces; ValueError, in words, when it cannot be a learner's name."""
    name = name.strip()
    if not name:
        raise ValueError("the learner's name is empty")
    if len(name) > LEARNER_MAX_LENGTH:
        raise ValueError(f"the learner's name is longer than {LEARNER_MAX_LENGTH} characters")
    if any(unicodedata.category(character) in ("Cc", "Cf", "Zl", "Zp") for character in name):
        raise ValueError("the learner's name contains a control character")
    return name


class ProgressStore:
    """One JSON file per exercise and mode under ``data_dir()/progress``, and the learner's settings beside them."""

    def __init__(self, root: Path | None = None):
        self.root = (root or data_dir()) / "progress"
        self.settings_file = self.root.parent / "settings.json"

    def settings(self) -> dict:
        """The saved settings; none when the file is missing or unreadable (the defaults then apply)."""
        try:
            data = json.loads(self.settings_file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def stored_learner(self) -> str | None:
        """The name the learner gave, if any (a name edited into the file by hand is checked too)."""
        name = self.settings().get("learner")
        try:
            return checked_learner(name) if isinstance(name, str) else None
        except ValueError:
            return None

    def learner_name(self) -> str:
        """The one place that decides the name in transcripts: the stored one, else the login name."""
        return self.stored_learner() or login_name()

    def save_learner(self, name: str) -> str:
        """Remember the learner's name (ValueError when it cannot be one); return it as stored."""
        name = checked_learner(name)
        save_json(self.settings_file, {**self.settings(), "learner": name})
        return name

    def path_for(self, name: str, path: Path | None, mode: str) -> Path:
        suffix = "" if mode == "practice" else f".{mode}"
        return self.root / f"{exercise_key(name, path)}{suffix}.json"

    def save(self, file: Path, data: dict) -> None:
        save_json(file, data)

    def generated_path(self, name: str) -> Path:
        return self.root.parent / "generated" / f"{name}.toml"

    def save_generated(self, name: str, text: str) -> Path:
        """A generated exercise, kept in the data directory so that it and its progress can be reopened."""
        path = self.generated_path(name)
        save_text(path, text)
        return path

    def load(self, file: Path, exercise: Path | None) -> tuple[dict | None, str | None]:
        """The saved progress, or None and a message when the file had to be set aside or cannot be read."""
        try:
            raw = file.read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return None, None
        except (PermissionError, IsADirectoryError) as error:  # kept as it is: never set aside what cannot be read
            return None, f"Your saved progress in {file} cannot be read ({error.strerror}); starting afresh."
        except OSError:
            return None, self.set_aside(file, "it is damaged and cannot be read")
        try:
            data = json.loads(raw.decode("utf-8"))
            if not isinstance(data, dict) or data.get("format") != PROGRESS_FORMAT:
                return None, self.set_aside(file, "it is not a backprop-tutor progress file")
            if not isinstance(data.get("version"), int) or data["version"] > PROGRESS_VERSION:
                return None, self.set_aside(file, "it was written by a newer version of backprop-tutor")
            if not isinstance(data.get("events"), list):
                return None, self.set_aside(file, "it is damaged (no list of events)")
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):  # RecursionError: nested JSON
            return None, self.set_aside(file, "it is damaged and cannot be read")
        stored = data.get("exercise_fingerprint")
        if exercise is not None and isinstance(stored, str) and stored and not same_exercise(stored, exercise):
            return None, self.set_aside(file, "the exercise has changed since you worked on it")
        return data, None

    def set_aside(self, file: Path, why: str) -> str:
        kept = file.with_name(f"{file.stem}.set-aside-{time.strftime('%Y%m%d-%H%M%S')}.json")
        try:
            os.replace(file, kept)
        except OSError:
            return f"Your saved progress could not be used because {why}; starting afresh."
        return f"Your saved progress could not be used because {why}. It is kept in {kept}; starting afresh."


def saved_sessions(folder: Path) -> tuple[list[tuple[Path, dict]], list[str]]:
    """The usable progress files in a folder (the progress store's, a learner's recorded attempts), and why each
    other file there cannot be used."""
    found, unusable = [], []
    try:
        paths = sorted(path for path in folder.iterdir() if path.suffix == ".json")
    except FileNotFoundError:  # nothing saved yet
        return [], []
    except OSError as error:
        message = f"the sessions folder cannot be read: {error.strerror}"
        raise ExerciseFileError([Problem(folder, None, message)]) from None
    for path in paths:
        if ".set-aside-" in path.name:
            continue
        try:
            data = read_json(path, "saved sessions")
            why = session_problem(data)
        except ExerciseFileError as error:
            why = "; ".join(problem.message for problem in error.problems)
        if why is None and isinstance(data, dict):
            found.append((path, data))
        else:
            unusable.append(f"{path}: {why}")
    return found, unusable


def session_problem(data: object) -> str | None:
    """Why a progress file's JSON cannot be listed or exported, else None."""
    if not isinstance(data, dict) or data.get("format") != PROGRESS_FORMAT:
        return "is not a backprop-tutor progress file"
    for key, kinds in (("exercise", str), ("mode", str), ("done", int), ("steps", int), ("score", (int, float))):
        if isinstance(data.get(key), bool) or not isinstance(data.get(key), kinds):
            return f"is damaged: '{key}' is missing or malformed"
    events = data.get("events")
    if not isinstance(events, list) or not all(
        isinstance(event, dict) and isinstance(event.get("time", 0), (int, float)) for event in events
    ):
        return "is damaged: 'events' is not a list of events"
    return None


def saved_exercise(data: dict) -> Exercise:
    """The exercise a progress file was saved from: its file, else the catalog exercise of its name."""
    exercise_path = data.get("exercise_path")
    if exercise_path and Path(exercise_path).exists():
        return load_exercise(Path(exercise_path))
    name = str(data.get("exercise"))
    if name in catalog_names():
        return resolve_exercise(name)
    raise ExerciseFileError(
        [
            Problem(
                None,
                None,
                f"the exercise file of the session '{name}' ({exercise_path}) is "
                f"not found from this folder: give its path, `tutor export "
                f"PATH/{name}.toml`",
            )
        ]
    )
