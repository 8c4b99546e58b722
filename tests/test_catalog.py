"""Every built-in exercise: it loads, `tutor validate` accepts it, and its solution is right.

"Right" is checked independently of the engine's own chain rule: every input's gradient against
central finite differences of the forward pass, and the gradient-descent step (if any) against
``values - learning_rate * grads`` followed by a fresh forward pass.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tutor.engine import solve
from tutor.exercise import catalog_folder, catalog_names, resolve_exercise

from tutor_testing import ATOL, RTOL, numeric_gradient

REPO = Path(__file__).resolve().parents[1]
NAMES = catalog_names()


def test_there_are_at_least_25_catalog_exercises():
    assert len(NAMES) >= 25, NAMES


def test_catalog_names_are_the_files_of_the_catalog_folder():
    assert NAMES == sorted(path.stem for path in catalog_folder().glob("*.toml"))
    assert len(set(NAMES)) == len(NAMES)


@pytest.fixture(scope="module")
def validation() -> dict[str, dict]:
    """`tutor validate --json` on every catalog file, run once as a real subprocess."""
    files = [str(catalog_folder() / f"{name}.toml") for name in NAMES]
    result = subprocess.run([sys.executable, "-m", "tutor.cli.main", "validate", "--json", *files],
                            cwd=REPO, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in result.stderr
    assert result.returncode == 0, result.stdout + result.stderr
    return {Path(item["file"]).stem: item for item in json.loads(result.stdout)}


@pytest.mark.parametrize("name", NAMES)
def test_loads_with_title_description_tags_and_source(name):
    exercise = resolve_exercise(name)
    assert exercise.name == name
    assert exercise.title.strip(), "no title"
    assert exercise.description.strip(), "no description"
    assert exercise.tags and all(tag.strip() for tag in exercise.tags), "no tags"
    assert exercise.source.strip(), "no source"
    assert 1 <= exercise.difficulty <= 5


@pytest.mark.parametrize("name", NAMES)
def test_validate_accepts_it(name, validation):
    assert validation[name]["ok"], validation[name]["problems"]
    assert validation[name]["problems"] == []


@pytest.mark.parametrize("name", NAMES)
def test_every_input_gradient_matches_finite_differences(name):
    solution = solve(resolve_exercise(name))
    for value in [*solution.values.values(), *solution.grads.values()]:
        assert value.dtype == np.float64 and np.all(np.isfinite(value))
    for input_name in solution.graph.inputs:
        analytic = solution.grads[input_name]
        numeric = numeric_gradient(solution, input_name)
        assert analytic.shape == numeric.shape, (input_name, analytic.shape, numeric.shape)
        assert np.allclose(analytic, numeric, rtol=RTOL, atol=ATOL), (input_name, analytic, numeric)


@pytest.mark.parametrize("name", NAMES)
def test_update_step_and_forward_pass_after_it(name):
    exercise = resolve_exercise(name)
    solution = solve(exercise)
    if exercise.update is None:
        assert solution.updated == {} and solution.after_values == {}
        return
    rate = exercise.update.learning_rate
    assert set(solution.updated) == set(exercise.update.params)
    for param in exercise.update.params:
        expected = solution.values[param] - rate * solution.grads[param]
        assert solution.updated[param].shape == solution.values[param].shape
        assert np.allclose(solution.updated[param], expected, rtol=1e-14, atol=1e-15), param
    fresh = {key: np.array(value, copy=True) for key, value in solution.graph.inputs.items()}
    fresh.update({param: np.array(value, copy=True) for param, value in solution.updated.items()})
    after, _ = solution.graph.forward(fresh)
    for node in solution.graph.nodes:
        assert np.allclose(solution.after_values[node], after[node], rtol=1e-14, atol=1e-15), node
    # a gradient step with a sensible learning rate lowers a scalar loss
    assert float(solution.after_values[solution.output]) < float(solution.values[solution.output])


@pytest.mark.parametrize("name", NAMES)
def test_the_asked_output_is_a_node(name):
    exercise = resolve_exercise(name)
    assert exercise.output in {node.name for node in exercise.nodes}
