"""Shared fixtures: a data folder of the run's own for every test; exercises for the parser, answer, checker,
loader and property tests."""

from __future__ import annotations

import gc
import os
import sys
import textwrap

import pilot_waits
import pytest

from tutor.engine import solve
from tutor.exercise import parse_exercise, resolve_exercise

# Where PYTHONDONTWRITEBYTECODE is set (it is on these machines), every xdist worker would rewrite the test modules'
# asserts again and every tutor a test starts (under tmux, in a subprocess) would compile the package from source:
# about 0.4 s of CPU a process. Compiled files go to the git-ignored __pycache__ folders.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
sys.dont_write_bytecode = False

# Pilot's key presses and pauses wait until the app has nothing left to do, read from its state, not from the clock
pilot_waits.install()


def _exercise_from_text(text: str, name: str = "inline"):
    """Parse an exercise written inline (indentation removed)."""
    return parse_exercise(textwrap.dedent(text).lstrip("\n"), None, name)


def pytest_xdist_auto_num_workers(config):
    """`-n auto` (pyproject's addopts): one worker per core, but none when snapshots are being rewritten:
    a worker sees the snapshots of tests that ran in another as unused (syrupy does not share that)."""
    if config.getoption("--snapshot-update", default=False):
        return 0
    return None


# Files with tests that take seconds each (Pilot scenarios, the real program under tmux, Hypothesis), most costly first
SLOW_FILES = (
    "test_snapshots.py",
    "test_walk_terminal.py",
    "test_tui.py",
    "test_training_tui.py",
    "test_learner.py",
    "test_exam_flow.py",
    "test_integrity.py",
    "test_terminal.py",
    "test_two_windows.py",
    "test_keys.py",
    "test_generate.py",
    "test_no_giveaway.py",
    "test_properties.py",
    "test_given_tui.py",
    "test_drawing.py",
    "test_scalar_pass.py",
    "test_hostile_tui.py",
    "test_course_grading.py",
)


def pytest_collection_modifyitems(config, items):
    """Under xdist, each worker's share of the tests starts with its share of the slow ones: worksteal gives
    worker j the j-th contiguous slice of the collection and others steal from a slice's end, so a slow test
    left at the end of the run is a worker running alone while the other waits. Every worker collects the
    same order (xdist requires it)."""
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    if workers < 2:
        return
    rank = {name: index for index, name in enumerate(SLOW_FILES)}
    slow = sorted((item for item in items if item.path.name in rank), key=lambda item: rank[item.path.name])
    fast = [item for item in items if item.path.name not in rank]
    ordered, left = [], len(items)
    for worker in range(workers):
        share = left // (workers - worker)  # what worksteal's first schedule sends this worker
        left -= share
        mine = slow[worker::workers]
        taken = max(share - len(mine), 0)
        ordered += mine + fast[:taken]
        del fast[:taken]
    items[:] = ordered + fast


def pytest_collection_finish(session):
    """What collection built (modules, test items, Hypothesis strategies) lives for the whole run: frozen, the
    collector's full sweeps no longer go through it (a worker made some 25 of them, 8-9 s of CPU); and a larger first
    generation, since each Textual app leaves thousands of short-lived cycles. GC went from 11.5 to 5 s a worker."""
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session):
    """pytest's last look for unraisable exceptions collects all garbage five times over, after this: the heap a
    worker built in the run made that 1.6-1.9 s. One full collection here finds the same garbage (and its
    finalizers' exceptions); what is left is frozen, so the five go through only what those finalizers made."""
    gc.collect()
    gc.freeze()


@pytest.fixture(scope="session", autouse=True)
def data_folder_of_this_run(tmp_path_factory):
    """No test reads or writes the user's own saved sessions: BACKPROP_TUTOR_HOME is a folder of this run's
    (a test that looks at what was saved gives its own tmp_path). Programs the tests start inherit it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BACKPROP_TUTOR_HOME", str(tmp_path_factory.mktemp("home")))
        yield


@pytest.fixture(autouse=True)
def notifications_stay(monkeypatch):
    """A notification stays in the app's list for the test to read: on a loaded machine the seconds between an
    action and the assertion on what it said can outlast the toast's few seconds on screen."""
    from textual.notifications import Notification

    monkeypatch.setattr(Notification, "time_left", property(lambda notification: float(NOTIFICATIONS_STAY)))


NOTIFICATIONS_STAY = 3600  # seconds: longer than any test


@pytest.fixture
def make_exercise():
    """A function turning TOML text into an Exercise."""
    return _exercise_from_text


@pytest.fixture
def make_solution():
    """A function turning TOML text into a solved exercise."""
    return lambda text, name="inline": solve(_exercise_from_text(text, name))


@pytest.fixture(scope="session")
def seed_solution():
    """Seed homework 001 (catalog name sigmoid-neuron-mse), solved."""
    return solve(resolve_exercise("sigmoid-neuron-mse"))
