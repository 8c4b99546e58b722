"""A whole exercise per seed homework, and the tensor exercises of issue 16 that the issue names (a
convolution, batch norm), in a real 80x24 terminal: before each answer, the numbers the step needs are
on the screen (capture-pane); then the right answer is pasted, up to the summary. One tutor walks several
exercises in turn (`tutor run` the first, the catalog the next ones), as a learner would: one start-up each."""

from __future__ import annotations

import json
import os
import time
import uuid

import pytest

from tutor.exercise import resolve_exercise
from tutor.session import Session
from tutor.session.catalog import catalog_entries
from tutor_testing import (
    POLL_SECONDS,
    TMUX,
    capture,
    needed_tokens,
    paste_in_terminal,
    right_answer,
    start_tutor,
    tmux,
    wait_for,
    wait_for_all,
    wait_until,
)

if os.environ.get("CI"):
    assert TMUX, ".ci/run installs tmux: this test must run in CI"
pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed (apt-get install tmux)")

ONE_PER_SEED = {
    "000": "linear-regression-graph",
    "001": "sigmoid-neuron-mse",
    "002": "network-3-2-1-sigmoid",
    "003": "regression-net-mse",
    "004": "gradient-2x-plus-3y-squared",
}
TENSOR_WALKS = ["conv2d-forward-backward", "batchnorm-decomposed"]
# Two tutors of about 70 steps each, one per test worker: each walks its exercises in this order
WALKS = {
    "seeds-001-002-000": ["sigmoid-neuron-mse", "network-3-2-1-sigmoid", "linear-regression-graph"],
    "seeds-003-004-tensors": [
        "regression-net-mse",
        "batchnorm-decomposed",
        "gradient-2x-plus-3y-squared",
        "conv2d-forward-backward",
    ],
}
# A name with markup in it, given to `tutor run`: it reaches the transcript saved at the last summary (F6)
LEARNER = "Ada [b]Lovelace"
EMPTY_FILTER = "filter by name, title or tag"  # the catalog's filter field, empty, shows this
READING = "reading your sessions…"  # the catalog's Practise next line, until the learner model is read
# Seen at a step besides the numbers it needs, in the 80x24 view: the case, w2 was below the view at p2
SHOWN_AT_STEP = {("sigmoid-neuron-mse", "value.p2"): ["p2 × = ?", "w2 = 1.4", "x2 = 1", "▏^p palette"]}


def test_the_walks_cover_every_seed_homework():
    walked = [name for names in WALKS.values() for name in names]
    assert sorted(walked) == sorted([*ONE_PER_SEED.values(), *TENSOR_WALKS])
    for seed, name in ONE_PER_SEED.items():
        assert f"Seed homework {seed}" in resolve_exercise(name).source


def open_from_the_catalog(session: str, name: str) -> None:
    """Escape from a summary to the catalog, the filter emptied and the name typed: Enter once the
    filter shows the name and the table one row, that exercise's, the only one it matches (a filter still being
    applied would leave another row under the cursor)."""
    assert [entry.name for entry in catalog_entries(None) if entry.matches(name)] == [name]
    tmux("send-keys", "-t", session, "Escape")

    def settled(screen: str) -> str:
        # the learner model read, in a thread started once the catalog was drawn: its filter has the focus by then
        # (a name pasted as the catalog first shows could go nowhere)
        return "" if "Pick an exercise" in screen and READING not in screen else "the catalog, its sessions read"

    empty_the_filter(session, wait_until(session, settled))
    paste_in_terminal(session, name, submit=False)  # one change of the filter, not a new table per letter

    def filtered_to_it(screen: str) -> str:
        rows = [line for line in screen.splitlines() if line.startswith(" ★")]  # a row starts with its level
        return "" if filter_text(screen) == name and len(rows) == 1 else f"{name} in the filter (rows: {rows})"

    wait_until(session, filtered_to_it)
    tmux("send-keys", "-t", session, "Enter")


def empty_the_filter(session: str, screen: str) -> None:
    """Home, then Ctrl+K: the field emptied whatever it holds, the pair sent again only should the filter not show
    empty for 10 s (keys read before the filter had the focus are lost). Backspaces counted from the screen once
    left two letters behind on a loaded machine. The name is pasted only once the filter shows empty: a key bound to
    an action can still be waiting while text sent after it is inserted, so a second pair is sent only that late."""
    deadline = time.monotonic() + 30
    while EMPTY_FILTER not in screen:
        assert time.monotonic() < deadline, f"the catalog's filter was not emptied:\n{screen}"
        tmux("send-keys", "-t", session, "Home", "C-k")
        send_again = time.monotonic() + 10
        while EMPTY_FILTER not in (screen := capture(session)) and time.monotonic() < send_again:
            time.sleep(POLL_SECONDS)


def filter_text(screen: str) -> str:
    """What the catalog's filter field holds: the line under its top edge (▊▔▔…), between its side edges."""
    lines = screen.splitlines()
    field = next(lines[index + 1] for index, line in enumerate(lines[:-1]) if line.startswith("▊▔"))
    return field.strip("▊▎ ")


def walk_to_the_summary(session: str, name: str) -> None:
    """Every step of the exercise now open, each right answer pasted once the step and its numbers are on the
    screen, up to the summary with every step right."""
    walk = Session(resolve_exercise(name))  # the same walk, headless: which step comes next and its answer
    total = len(walk.steps)
    typed: dict[str, str] = {}
    while not walk.finished:
        quantity = str(walk.step.quantity)
        # the step and every number it needs, on one screen (a busy machine may draw the step line first)
        screen = wait_for_all(
            session,
            [
                f"step {walk.index + 1} of {total}",
                *needed_tokens(walk, typed),
                *SHOWN_AT_STEP.get((name, quantity), []),
            ],
        )
        if (name, quantity) in SHOWN_AT_STEP:
            footer = screen.splitlines()[-1]  # the Footer at 80 columns keeps quit and help beside the palette key
            assert "^q Quit" in footer and "f1 Help" in footer, footer
        answer = right_answer(walk)
        typed[quantity] = answer
        paste_in_terminal(session, answer)
        assert walk.answer(answer).correct
    wait_for_all(session, ["Finished:", resolve_exercise(name).title[:40], f"Score: {total} of {total} (100%)"])


@pytest.mark.parametrize("walks", WALKS)
def test_walk_exercises_to_the_summary_in_a_real_terminal(tmp_path, walks):
    session = f"tutor-walk-{uuid.uuid4().hex[:8]}"
    first, *others = WALKS[walks]
    start_tutor(session, "run", first, "--learner", LEARNER, home=tmp_path, cwd=tmp_path)
    try:
        walk_to_the_summary(session, first)
        for name in others:
            open_from_the_catalog(session, name)
            walk_to_the_summary(session, name)
        # at the last summary: the toast that names the files would cover numbers a step after it needs for 10 s
        tmux("send-keys", "-t", session, "F6")
        wait_for(session, "Transcript saved")
        [transcript] = (tmp_path / "backprop-tutor-transcripts").glob("*.json")  # F6 saves in the current folder
        assert json.loads(transcript.read_text(encoding="utf-8"))["learner"] == LEARNER
        assert json.loads((tmp_path / "settings.json").read_text(encoding="utf-8"))["learner"] == LEARNER
    except AssertionError:
        print(capture(session))
        raise
    finally:
        tmux("kill-session", "-t", session, check=False)
