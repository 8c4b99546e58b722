"""Every file the program writes goes through tutor/session/saving.py: atomic for regular files and new
paths, an existing file's mode kept, a symbolic link written through to its target (the link stays), a
device, FIFO or folder refused with a message naming it (issue 13, item 3). The reproductions run `tutor`
in-process, those writing into a FIFO as a process of their own: an open that blocked would fail at its timeout
instead of hanging the run. The machine's tests run as root, so a device is made with mknod in the test folder
(never /dev/full itself)."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest

from tutor.exercise import resolve_exercise
from tutor.session import ProgressStore, Session
from tutor.session.saving import SaveError, save_bytes, save_csv, save_text
from tutor_testing import tutor_command, tutor_process

SEED_001 = "sigmoid-neuron-mse"
ANSWERS = '[value]\np1 = "0.8"\n'


def refused(result: subprocess.CompletedProcess, path: Path, why: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    assert f"cannot save {path}" in result.stderr and why in result.stderr, result.stderr


@pytest.fixture
def answers(tmp_path: Path) -> Path:
    path = tmp_path / "answers.toml"
    path.write_text(ANSWERS, encoding="utf-8")
    return path


# -- the helper ------------------------------------------------------------------------------------


def test_a_new_path_gets_the_umask_mode_and_its_folders(tmp_path: Path):
    target = tmp_path / "new" / "folder" / "file.txt"
    save_text(target, "é\n")
    assert target.read_bytes() == "é\n".encode()
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask
    assert [path.name for path in target.parent.iterdir()] == ["file.txt"]  # no temporary file left


def test_an_existing_file_keeps_its_mode_and_is_replaced_whole(tmp_path: Path):
    target = tmp_path / "private.json"
    target.write_text("old, and longer than the new text")
    target.chmod(0o600)
    save_text(target, "new")
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_symbolic_link_is_written_through_and_stays_a_link(tmp_path: Path):
    real = tmp_path / "real.md"
    real.write_text("old")
    real.chmod(0o640)
    link = tmp_path / "link.md"
    link.symlink_to(real)
    save_text(link, "new")
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text() == "new" and stat.S_IMODE(real.stat().st_mode) == 0o640


def test_a_dangling_link_makes_its_target(tmp_path: Path):
    link = tmp_path / "link.md"
    link.symlink_to(tmp_path / "later" / "target.md")
    save_text(link, "made")
    assert link.is_symlink() and (tmp_path / "later" / "target.md").read_text() == "made"


@pytest.mark.parametrize("kind", ["folder", "fifo", "device", "socket"])
def test_what_is_not_a_regular_file_is_refused_and_left_as_it_was(tmp_path: Path, kind: str):
    target = tmp_path / "target"
    if kind == "folder":
        target.mkdir()
    elif kind == "fifo":
        os.mkfifo(target)
    elif kind == "device":
        os.mknod(target, stat.S_IFCHR | 0o666, os.makedev(1, 7))  # /dev/full's numbers
    else:
        import socket

        listener = socket.socket(socket.AF_UNIX)
        listener.bind(str(target))
        listener.close()
    before = target.lstat()
    with pytest.raises(SaveError, match=f"cannot save {target}: it is"):
        save_bytes(target, b"data")
    after = target.lstat()
    assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino)
    assert [path.name for path in tmp_path.iterdir()] == ["target"]


def test_a_link_to_a_device_is_refused_naming_both(tmp_path: Path):
    device = tmp_path / "full"
    os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 7))
    link = tmp_path / "out.json"
    link.symlink_to(device)
    with pytest.raises(SaveError, match=f"{link} \\(a link to {device}\\): it is a device"):
        save_text(link, "x")
    assert stat.S_ISCHR(device.lstat().st_mode) and link.is_symlink()


def test_a_folder_that_cannot_be_made_is_said(tmp_path: Path):
    (tmp_path / "home").write_text("a file where a folder should be")
    with pytest.raises(SaveError, match="cannot make the folder .*home/progress: not a directory"):
        save_text(tmp_path / "home" / "progress" / "x.json", "x")


def test_csv_rows(tmp_path: Path):
    save_csv(tmp_path / "t.csv", [["learner", "points"], ["Ada, L", 3]])
    assert (tmp_path / "t.csv").read_bytes() == b'learner,points\r\n"Ada, L",3\r\n'


def test_progress_and_settings_go_through_the_same_helper(tmp_path: Path):
    """A progress file made private by its owner stays private after the next answer."""
    store = ProgressStore(tmp_path)
    session = Session(resolve_exercise(SEED_001), store=store)
    session.answer("0.8")
    progress = session.progress_file
    assert progress is not None
    progress.chmod(0o600)
    session.answer("0.1")
    assert stat.S_IMODE(progress.stat().st_mode) == 0o600
    store.settings_file.parent.mkdir(parents=True, exist_ok=True)
    real = tmp_path / "elsewhere.json"
    real.write_text("{}")
    store.settings_file.symlink_to(real)
    store.save_learner("Ada")
    assert store.settings_file.is_symlink() and '"Ada"' in real.read_text()


# -- the reproductions, with the program -----------------------------------------------------------


def test_check_transcript_into_a_device_is_refused(tmp_path: Path, answers: Path):
    device = tmp_path / "full"
    os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 7))
    result = tutor_command("check", SEED_001, answers, "--transcript", device, home=tmp_path / "home")
    refused(result, device, "it is a device, not a file")
    assert stat.S_ISCHR(device.lstat().st_mode)


def test_check_transcript_into_a_fifo_is_refused_without_blocking(tmp_path: Path, answers: Path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    result = tutor_process("check", SEED_001, answers, "--transcript", fifo, home=tmp_path / "home")
    refused(result, fifo, "named pipe (FIFO)")
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_check_transcript_keeps_a_private_files_mode(tmp_path: Path, answers: Path):
    private = tmp_path / "mine.json"
    private.write_text("{}")
    private.chmod(0o600)
    result = tutor_command("check", SEED_001, answers, "--transcript", private, home=tmp_path / "home")
    assert result.returncode == 1, result.stderr  # some steps unanswered
    assert '"backprop-tutor-transcript"' in private.read_text()
    assert stat.S_IMODE(private.stat().st_mode) == 0o600


def test_export_through_a_link_writes_its_target(tmp_path: Path):
    home = tmp_path / "home"
    Session(resolve_exercise(SEED_001), store=ProgressStore(home)).answer("0.8")
    real = tmp_path / "real.md"
    real.write_text("old")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    result = tutor_command("export", SEED_001, "-o", link, home=home)
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and real.read_text().startswith("# Sigmoid neuron")


def test_grade_csv_into_a_folder_is_refused(tmp_path: Path, answers: Path):
    transcript = tmp_path / "t.json"
    assert tutor_command("check", SEED_001, answers, "--transcript", transcript, home=tmp_path / "home").returncode == 1
    folder = tmp_path / "results"
    folder.mkdir()
    result = tutor_command("grade", transcript, "--csv", folder, home=tmp_path / "home")
    refused(result, folder, "it is a folder")


def test_gradescope_archive_into_a_fifo_is_refused(tmp_path: Path):
    fifo = tmp_path / "autograder.zip"
    os.mkfifo(fifo)
    result = tutor_process("gradescope", SEED_001, "-o", fifo, home=tmp_path / "home")
    refused(result, fifo, "named pipe (FIFO)")


def test_the_tests_never_touch_the_learners_own_data(tmp_path_factory):
    """conftest's session fixture points every test, and every program a test starts, at a folder of this run."""
    home = Path(os.environ["BACKPROP_TUTOR_HOME"])
    assert home.is_relative_to(tmp_path_factory.getbasetemp())
    assert ProgressStore().root.parent.resolve() == home.resolve()
