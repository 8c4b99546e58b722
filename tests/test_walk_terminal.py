"""A whole exercise per seed homework, and the tensor exercises of issue 16 that the issue names (a
convolution, batch norm), in a real 80x24 terminal: before each answer, the numbers the step needs are
on the screen (capture-pane); then the right answer is typed, up to the summary."""

from __future__ import annotations

import os
import uuid

import pytest

from tutor.exercise import resolve_exercise
from tutor.session import Session
from tutor_testing import TMUX, capture, needed_tokens, right_answer, start_tutor, tmux, wait_for, wait_for_all

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


def test_the_walks_cover_every_seed_homework():
    for seed, name in ONE_PER_SEED.items():
        assert f"Seed homework {seed}" in resolve_exercise(name).source


@pytest.mark.parametrize("name", [*ONE_PER_SEED.values(), *TENSOR_WALKS])
def test_walk_an_exercise_to_the_summary_in_a_real_terminal(tmp_path, name):
    session = f"tutor-walk-{uuid.uuid4().hex[:8]}"
    start_tutor(session, "run", name, "--learner", "Tester", home=tmp_path)
    walk = Session(resolve_exercise(name))  # the same walk, headless: which step comes next and its answer
    total = len(walk.steps)
    typed: dict[str, str] = {}
    try:
        while not walk.finished:
            # the step and every number it needs, on one screen (a busy machine may draw the step line first)
            wait_for_all(session, [f"step {walk.index + 1} of {total}", *needed_tokens(walk, typed)])
            answer = right_answer(walk)
            typed[str(walk.step.quantity)] = answer
            # pasted whole, then Enter, in one tmux call ("--": an answer may start with a minus)
            tmux("send-keys", "-t", session, "-l", "--", answer, ";", "send-keys", "-t", session, "Enter")
            assert walk.answer(answer).correct
        screen = wait_for(session, "Finished:")
        assert f"Score: {total} of {total} (100%)" in screen
    except AssertionError:
        print(capture(session))
        raise
    finally:
        tmux("kill-session", "-t", session, check=False)
