"""Transcript integrity made honest (issue 13, item 10). Without a key a re-grade catches what it documents
(changed verdicts, credits, scores, another exercise), reports a blank or missing fingerprint, and takes a
title-only edit of the exercise file for the same exercise. With a teacher's key (`tutor exam --key`,
`tutor grade --key`) every edit is caught, including those a re-grade cannot see: an answer changed
consistently everywhere, an added right answer, a deleted wrong try, the learner's name, the times."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from unittest import mock

import pytest

from tutor.exercise import catalog_folder, load_exercise, resolve_exercise
from tutor.session import EXAM, ProgressStore, Session
from tutor.session.store import exercise_fingerprint, file_fingerprint
from tutor.session.transcript import build_transcript, regrade, sign
from tutor.tui.app import TutorApp
from tutor_testing import right_answer, run, tutor_command

REPO = Path(__file__).resolve().parents[1]
SEED_001 = "sigmoid-neuron-mse"
KEY = b"a teacher's key of 32 bytes, ok."


def tutor(home: Path, *args, environment: dict | None = None) -> subprocess.CompletedProcess:
    """``tutor ARGS`` in this process (what is detected is behaviour, not the process), with the data folder
    ``home`` and no key file from the caller's environment unless ``environment`` gives one."""
    with mock.patch.dict(os.environ):
        os.environ.pop("BACKPROP_TUTOR_KEY_FILE", None)
        os.environ.update(environment or {})
        return tutor_command(*args, home=home, columns=250)


@pytest.fixture
def exercise_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "teacher" / f"{SEED_001}.toml"
    copy.parent.mkdir()
    shutil.copy(catalog_folder() / f"{SEED_001}.toml", copy)
    return copy


def worked(exercise_path: Path, learner: str = "ada") -> dict:
    """A practice transcript: a wrong try on the first step, then four right answers."""
    session = Session(load_exercise(exercise_path))
    session.answer("12345")
    for _ in range(4):
        session.answer(right_answer(session))
    return build_transcript(session, learner)


def write(path: Path, transcript: dict) -> Path:
    path.write_text(json.dumps(transcript, indent=2), encoding="utf-8")
    return path


# -- what the fingerprint is -----------------------------------------------------------------------


def test_a_title_or_description_edit_keeps_the_fingerprint_and_a_number_changes_it(exercise_copy: Path):
    before = exercise_fingerprint(exercise_copy)
    text = exercise_copy.read_text(encoding="utf-8")
    exercise_copy.write_text(text.replace('title = "Sigmoid neuron', 'title = "The sigmoid neuron'), encoding="utf-8")
    assert exercise_fingerprint(exercise_copy) == before != file_fingerprint(exercise_copy)
    exercise_copy.write_text(text.replace('w1 = "4/5"', 'w1 = "3/5"'), encoding="utf-8")
    assert exercise_fingerprint(exercise_copy) != before


def test_a_title_only_edit_is_not_reported_as_an_edit(tmp_path: Path, exercise_copy: Path):
    transcript = write(tmp_path / "ada.json", worked(exercise_copy))
    text = exercise_copy.read_text(encoding="utf-8")
    exercise_copy.write_text(text.replace('title = "Sigmoid neuron', 'title = "Neuron'), encoding="utf-8")
    result = tutor(tmp_path, "grade", transcript, "--exercise", exercise_copy)
    assert result.returncode == 0 and "EDITED" not in result.stdout, result.stdout + result.stderr
    exercise_copy.write_text(text.replace("y = 1", "y = 0"), encoding="utf-8")
    result = tutor(tmp_path, "grade", transcript, "--exercise", exercise_copy)
    assert result.returncode == 1 and "the exercise file differs" in result.stdout, result.stdout


@pytest.mark.parametrize("edit", ["blank", "deleted"])
def test_a_blank_or_deleted_fingerprint_is_reported(tmp_path: Path, exercise_copy: Path, edit: str):
    transcript = worked(exercise_copy)
    if edit == "blank":
        transcript["exercise"]["fingerprint"] = ""
    else:
        del transcript["exercise"]["fingerprint"]
    _, differences = regrade(transcript, load_exercise(exercise_copy))
    assert differences == ["the exercise's fingerprint is missing: which exercise was worked on cannot be checked"]
    result = tutor(tmp_path, "grade", write(tmp_path / "t.json", transcript), "--exercise", exercise_copy)
    assert result.returncode == 1 and "fingerprint is missing" in result.stdout


def test_progress_saved_with_the_older_fingerprint_still_resumes(tmp_path: Path):
    exercise = resolve_exercise(SEED_001)
    first = Session(exercise, store=ProgressStore(tmp_path))
    first.answer("0.8")
    assert first.progress_file is not None
    data = json.loads(first.progress_file.read_text(encoding="utf-8"))
    data["exercise_fingerprint"] = file_fingerprint(exercise.path)  # as an older tutor wrote it
    first.progress_file.write_text(json.dumps(data), encoding="utf-8")
    again = Session(exercise, store=ProgressStore(tmp_path))
    assert again.notice is None and again.states[0].answer == "0.8"


# -- what only a key catches -----------------------------------------------------------------------


def consistent_answer_change(transcript: dict) -> None:
    """The first right answer replaced by another right spelling, in its event and its item alike."""
    event = next(e for e in transcript["events"] if e["type"] == "answer" and e["verdict"] == "correct")
    item = next(i for i in transcript["items"] if i["quantity"] == event["step"])
    event["text"] = item["answer"] = f"{event['text']} + 0"
    event["read_as"] = item["read_as"] = f"{event['read_as']} + 0"


def added_right_answer(transcript: dict) -> None:
    """A right answer to the next open step, added with its verdict, item and score: as a re-grade finds it."""
    exercise = resolve_exercise(SEED_001)
    session = Session(exercise)
    session.replay(transcript["events"])
    session.answer(right_answer(session))
    fresh = build_transcript(session, transcript["learner"])
    transcript.update(events=session.events, items=fresh["items"], score=fresh["score"], final=fresh["final"])


def deleted_wrong_try(transcript: dict) -> None:
    wrong = next(e for e in transcript["events"] if e["type"] == "answer" and e["verdict"] == "wrong")
    transcript["events"].remove(wrong)
    session = Session(resolve_exercise(SEED_001))
    session.replay(transcript["events"])
    fresh = build_transcript(session, transcript["learner"])
    transcript.update(items=fresh["items"], score=fresh["score"])


EDITS = {
    "answer changed consistently": consistent_answer_change,
    "added right answer": added_right_answer,
    "deleted wrong try": deleted_wrong_try,
    "learner": lambda transcript: transcript.update(learner="bob"),
    "times": lambda transcript: [event.update(time=event["time"] - 3600) for event in transcript["events"]],
}


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_without_a_key_these_edits_pass_and_with_one_they_are_caught(tmp_path: Path, edit: str):
    signed = sign(worked(catalog_folder() / f"{SEED_001}.toml"), KEY)
    key_file = tmp_path / "teacher.key"
    key_file.write_bytes(KEY + b"\n")
    original = write(tmp_path / "original.json", signed)
    edited = json.loads(json.dumps(signed))
    EDITS[edit](edited)
    assert edited != signed
    _, differences = regrade(edited, resolve_exercise(SEED_001))
    assert differences == [], "a re-grade without the key cannot see this edit (the docs say so)"
    edited_file = write(tmp_path / "edited.json", edited)
    result = tutor(tmp_path, "grade", original, edited_file, "--key", key_file, "--json")
    assert result.returncode == 1, result.stderr
    results = {Path(row["file"]).name: row for row in json.loads(result.stdout)["results"]}
    assert results["original.json"]["tampered"] is False
    assert results["edited.json"]["differences"] == [
        "signature: its signature does not match: it was changed after it was written, or signed with another key"
    ]


def test_with_a_key_an_unsigned_transcript_is_reported(tmp_path: Path):
    key_file = tmp_path / "teacher.key"
    key_file.write_bytes(KEY)
    unsigned = write(tmp_path / "t.json", worked(catalog_folder() / f"{SEED_001}.toml"))
    result = tutor(tmp_path, "grade", unsigned, environment={"BACKPROP_TUTOR_KEY_FILE": str(key_file)})
    assert result.returncode == 1 and "signature: it is not signed" in result.stdout, result.stdout + result.stderr


def test_a_key_too_short_or_missing_is_a_clear_message(tmp_path: Path):
    short = tmp_path / "short.key"
    short.write_bytes(b"secret\n")
    result = tutor(tmp_path, "grade", "x.json", "--key", short)
    assert result.returncode == 2 and "holds 6 bytes; a key needs at least 16" in result.stderr
    result = tutor(tmp_path, "exam", SEED_001, "--key", tmp_path / "none.key")
    assert result.returncode == 2 and "none.key cannot be read" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_exam_taken_with_the_key_saves_signed_transcripts_that_grade_clean(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    async def scenario():
        app = TutorApp(SEED_001, mode=EXAM, store=ProgressStore(tmp_path / "home"), signing_key=KEY)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            session = app.screen.session
            for _ in range(3):  # on the session the screen shows: what F6 saves and signs is what is tested
                session.answer(right_answer(session))
            app.screen.sync()
            await pilot.press("f9", "f9", "f6")
            await pilot.pause()

    run(scenario())
    (saved,) = (tmp_path / "backprop-tutor-transcripts").glob("*.json")
    assert json.loads(saved.read_text(encoding="utf-8"))["signature"]["algorithm"] == "hmac-sha256"
    key_file = tmp_path / "teacher.key"
    key_file.write_bytes(KEY)
    result = tutor(tmp_path, "grade", saved, "--key", key_file)
    assert result.returncode == 0 and "ok" in result.stdout, result.stdout + result.stderr
