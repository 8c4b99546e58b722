"""A whole exercise per seed homework, and the tensor exercises of issue 16 that the issue names (a
convolution, batch norm), in a real 80x24 terminal: before each answer, the numbers the step needs are
on the screen (capture-pane); then the right answer is typed, up to the summary."""

from __future__ import annotations

import os
import uuid

import pytest

from tutor.exercise import resolve_exercise
from tutor.session import Session
from tutor_testing import TMUX, capture, needed_tokens, right_answer, start_tutor, tmux, wait_for

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
            wait_for(session, f"step {walk.index + 1} of {total}")
            # the step counter may be painted a frame before the given panel: each number gets the usual wait
            for token in needed_tokens(walk, typed):
                wait_for(session, token)
            answer = right_answer(walk)
            typed[str(walk.step.quantity)] = answer
            tmux("send-keys", "-t", session, "-l", "--", answer)  # "--": an answer may start with a minus
            tmux("send-keys", "-t", session, "Enter")
            assert walk.answer(answer).correct
        screen = wait_for(session, "Finished:")
        assert f"Score: {total} of {total} (100%)" in screen
    except AssertionError:
        print(capture(session))
        raise
    finally:
        tmux("kill-session", "-t", session, check=False)
