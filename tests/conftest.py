"""Shared fixtures: a data folder of the run's own for every test; exercises for the parser, answer, checker,
loader and property tests."""

from __future__ import annotations

import textwrap

import pytest

from tutor.engine import solve
from tutor.exercise import parse_exercise, resolve_exercise


def _exercise_from_text(text: str, name: str = "inline"):
    """Parse an exercise written inline (indentation removed)."""
    return parse_exercise(textwrap.dedent(text).lstrip("\n"), None, name)


def pytest_xdist_auto_num_workers(config):
    """`-n auto` (pyproject's addopts): one worker per core, but none when snapshots are being rewritten:
    a worker sees the snapshots of tests that ran in another as unused (syrupy does not share that)."""
    if config.getoption("--snapshot-update", default=False):
        return 0
    return None


@pytest.fixture(scope="session", autouse=True)
def data_folder_of_this_run(tmp_path_factory):
    """No test reads or writes the user's own saved sessions: BACKPROP_TUTOR_HOME is a folder of this run's
    (a test that looks at what was saved gives its own tmp_path). Programs the tests start inherit it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BACKPROP_TUTOR_HOME", str(tmp_path_factory.mktemp("home")))
        yield


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
