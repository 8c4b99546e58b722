"""The one way the program writes a file: progress, settings, transcripts, exports, CSV, Gradescope, archives.

A save never replaces what it should not:

- a new path, or a regular file, is written atomically: a temporary file in the same folder, flushed to
  disk, then renamed over the target, so a reader sees the old content or the new, never half of one;
- an existing file keeps its mode (a 0600 file stays 0600) and, where the program may, its owner;
- a symbolic link is followed and its target is written, the link stays (the target is then judged as above);
- a device (``/dev/full``), a FIFO, a socket or a folder is refused, and so is a file the user may not write.

Every failure is a ``SaveError`` whose message names the path and says why, for the learner to read.
"""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path


class SaveError(Exception):
    """A file that could not be saved; the message names it and says why, in words."""


def save_json(path: Path, data: object) -> None:
    save_text(path, json.dumps(data, ensure_ascii=False, indent=1))


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet opening a CSV reads as a formula


def save_csv(path: Path, rows: Iterable[Sequence[object]]) -> None:
    """CSV whose text cells are never formulas to a spreadsheet (a learner named '=HYPERLINK(...)' is shown
    as typed, led by a quote, as OWASP advises); numbers are written as numbers."""
    text = io.StringIO()
    csv.writer(text).writerows(
        [f"'{cell}" if isinstance(cell, str) and cell.startswith(FORMULA_STARTS) else cell for cell in row]
        for row in rows
    )
    save_text(path, text.getvalue())


def save_text(path: Path, text: str) -> None:
    save_bytes(path, text.encode("utf-8"))


def save_bytes(path: Path, data: bytes) -> None:
    target = _target(Path(path))
    try:
        existing: os.stat_result | None = os.stat(target)
    except (FileNotFoundError, NotADirectoryError):  # a new path; its folder is made, or said why not, below
        existing = None
    except OSError as error:
        raise SaveError(f"cannot save {path}: {_reason(error)}") from None
    if existing is not None:
        _check_replaceable(path, target, existing)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise SaveError(f"cannot save {path}: cannot make the folder {target.parent}: a file has its name") from None
    except OSError as error:
        raise SaveError(f"cannot save {path}: cannot make the folder {target.parent}: {_reason(error)}") from None
    try:
        descriptor, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as error:
        raise SaveError(f"cannot save {path}: {_reason(error)}") from None
    try:
        try:
            _keep_owner_and_mode(descriptor, existing)
            view = memoryview(data)
            while view:
                view = view[os.write(descriptor, view) :]
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        os.replace(temporary, target)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise SaveError(f"cannot save {path}: {_reason(error)}") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _target(path: Path) -> Path:
    """The file a save writes: a symbolic link's final target (the link is kept), else the path itself."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def _check_replaceable(path: Path, target: Path, existing: os.stat_result) -> None:
    shown = f"{path}" if target == path else f"{path} (a link to {target})"
    mode = existing.st_mode
    if stat.S_ISDIR(mode):
        raise SaveError(f"cannot save {shown}: it is a folder; give a file name")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        raise SaveError(f"cannot save {shown}: it is a device, not a file; give a file name")
    if stat.S_ISFIFO(mode):
        raise SaveError(f"cannot save {shown}: it is a named pipe (FIFO), not a file; give a file name")
    if not stat.S_ISREG(mode):
        raise SaveError(f"cannot save {shown}: it is not a regular file; give a file name")
    if not os.access(target, os.W_OK):
        raise SaveError(f"cannot save {shown}: the file is read-only")


def _keep_owner_and_mode(descriptor: int, existing: os.stat_result | None) -> None:
    """The new file gets the old one's permissions (mkstemp makes it 0600), or the umask's for a new path."""
    if existing is None:
        os.fchmod(descriptor, 0o666 & ~_UMASK)
        return
    if (existing.st_uid, existing.st_gid) != (os.geteuid(), os.getegid()):
        try:
            os.fchown(descriptor, existing.st_uid, existing.st_gid)
        except PermissionError:
            pass  # only root may give a file away: the saver then owns the new one
    os.fchmod(descriptor, stat.S_IMODE(existing.st_mode))


def _reason(error: OSError) -> str:
    return error.strerror.lower() if error.strerror else str(error)


def _read_umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


# Read once: setting it, the only way to read it, briefly changes it for every thread of the program.
_UMASK = _read_umask()
