"""The installed program in a real terminal: tmux runs `tutor run`, send-keys types, capture-pane reads."""

from __future__ import annotations

import os
import re
import sys
import uuid

import pytest

from tutor.session import ProgressStore
from tutor_testing import TMUX, TUTOR, start_tutor, tmux, wait_for, wait_for_all, wait_until_ended

if os.environ.get("CI"):
    assert TMUX, ".ci/run installs tmux: this test must run in CI"
pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed (apt-get install tmux)")


def test_right_and_wrong_answers_in_a_real_terminal(tmp_path):
    """In colour (256 colours: COLORTERM empty); test_no_color_... is the same wrong answer with NO_COLOR."""
    assert TUTOR.exists(), f"the console script should be installed beside {sys.executable}"
    session = f"tutor-test-{uuid.uuid4().hex[:8]}"
    ProgressStore(tmp_path).save_learner("Tester")  # a name is stored: no first-use prompt
    start_tutor(session, "run", "sigmoid-neuron-mse", home=tmp_path, env="COLORTERM=")
    try:
        wait_for(session, "the value of p1")
        tmux("send-keys", "-t", session, "0.8", "Enter")
        wait_for_all(session, ["Correct", "the value of p2"])
        tmux("send-keys", "-t", session, "7", "Enter")
        screen = wait_for(session, "✗ Not right (read as 7)")  # in words, not only in colour
        assert "Hint" in screen.splitlines()[-1]  # the footer lists the keys
        assert colours_on_screen(session) - GREYS, "without NO_COLOR, the screen has colours besides greys"
        tmux("send-keys", "-t", session, "C-q")
        wait_until_ended(session, timeout=10)
        progress = list((tmp_path / "progress").glob("*.json"))
        assert len(progress) == 1 and '"text": "7"' in progress[0].read_text()
    finally:
        tmux("kill-session", "-t", session, check=False)


def test_train_xor_from_the_catalog_in_a_real_terminal(tmp_path):
    session = f"tutor-test-{uuid.uuid4().hex[:8]}"
    ProgressStore(tmp_path).save_learner("Tester")  # a name is stored: no first-use prompt
    start_tutor(session, home=tmp_path)
    try:
        wait_for(session, "Pick an exercise")
        tmux("send-keys", "-t", session, "xor")
        wait_for(session, "XOR")
        tmux("send-keys", "-t", session, "F5")
        wait_for(session, "F5 runs gradient descent")
        tmux("send-keys", "-t", session, "F5")
        # 1,000 steps on XOR from the exercise's own weights
        screen = wait_for_all(session, ["finished", "Run 1: rate 2", "accuracy 100%", "loss 0.00309"], timeout=60)
        assert any(0x2800 < ord(character) <= 0x28FF for character in screen)  # the curves, in braille dots
    finally:
        tmux("kill-session", "-t", session, check=False)


GREYS = {16, 231, *range(232, 256)}  # black, white and the grey ramp of the 256 colours


def colours_on_screen(session: str) -> set[int]:
    """The 256-colour indices of the screen's foreground and background codes (capture-pane -e)."""
    screen = tmux("capture-pane", "-t", session, "-p", "-e").stdout
    found = set()
    for codes in re.findall(r"\x1b\[([0-9;]*)m", screen):
        parts = codes.split(";")
        for position, part in enumerate(parts[:-2]):
            if part in ("38", "48") and parts[position + 1] == "5":
                found.add(int(parts[position + 2]))
    return found


def test_no_color_draws_in_greys_only_and_still_says_what_is_wrong(tmp_path):
    """The same wrong answer as test_right_and_wrong_..., which checks that without NO_COLOR there are colours."""
    session = f"tutor-test-{uuid.uuid4().hex[:8]}"
    # 256 colours (COLORTERM empty), so that every colour is an index to tell greys by
    ProgressStore(tmp_path).save_learner("Tester")  # a name is stored: no first-use prompt
    start_tutor(session, "run", "sigmoid-neuron-mse", home=tmp_path, env="COLORTERM= NO_COLOR=1")
    try:
        wait_for(session, "the value of p1")
        tmux("send-keys", "-t", session, "7", "Enter")
        assert "✗ Not right (read as 7)" in wait_for(session, "Not right")  # in words, not only in colour
        colours = colours_on_screen(session)
        assert colours, "capture-pane -e should show the colour codes"
        assert colours <= GREYS, sorted(colours - GREYS)
    finally:
        tmux("kill-session", "-t", session, check=False)
