"""Every built-in exercise: it loads, `tutor validate` accepts it, and its solution is right.

"Right" is checked independently of the engine's own chain rule: every input's gradient against
central finite differences of the forward pass, and the gradient-descent step (if any) against
``values - learning_rate * grads`` followed by a fresh forward pass.

The catalog screen reads only each file's title, tags, difficulty and size (the same as the loader's),
lists a broken file and says what is wrong when it is opened, and shows every name whole at 80 columns.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
from textual.widgets import DataTable

from tutor.engine import solve
from tutor.exercise import catalog_folder, catalog_names, load_exercise, resolve_exercise
from tutor.exercise.metadata import ExerciseMetadata, read_metadata
from tutor.session import ProgressStore, Session
from tutor.session import catalog as session_catalog
from tutor.session.catalog import UNREADABLE
from tutor.tui.app import TutorApp
from tutor.tui.screens.catalog import CatalogScreen
from tutor_testing import ATOL, RTOL, no_traceback, numeric_gradient, right_answer, run, tutor_command

NAMES = catalog_names()


def test_there_are_at_least_25_catalog_exercises():
    assert len(NAMES) >= 25, NAMES


def test_catalog_names_are_the_files_of_the_catalog_folder():
    assert NAMES == sorted(path.stem for path in catalog_folder().glob("*.toml"))
    assert len(set(NAMES)) == len(NAMES)


@pytest.fixture(scope="module")
def validation() -> dict[str, dict]:
    """`tutor validate --json` on every catalog file, run once."""
    files = [catalog_folder() / f"{name}.toml" for name in NAMES]
    result = tutor_command("validate", "--json", *files)
    no_traceback(result)
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


# -- beyond the MLP (issue 16): convolution, pooling, normalization, attention, recurrence ---------------------------

TENSOR_TOPICS = {  # a tag -> the issue's words for it
    "convolution": "convolution forward and backward, with stride 2 and padding 1, and a conv chain",
    "pooling": "max pooling",
    "batch-norm": "batch norm decomposed and whole",
    "layer-norm": "layer norm",
    "attention": "single-head attention with a causal mask",
    "rnn": "a two-step tanh RNN",
    "lstm": "an LSTM or GRU cell step",
    "residual": "a residual block",
}
TENSOR_NAMES = [name for name in NAMES if "tensor" in resolve_exercise(name).tags]


def test_at_least_twelve_tensor_exercises_cover_every_topic_of_the_issue():
    assert len(TENSOR_NAMES) >= 12, TENSOR_NAMES
    tags = {tag for name in TENSOR_NAMES for tag in resolve_exercise(name).tags}
    assert set(TENSOR_TOPICS) <= tags, set(TENSOR_TOPICS) - tags
    for tag, count in (("convolution", 3), ("batch-norm", 2)):
        assert sum(tag in resolve_exercise(name).tags for name in TENSOR_NAMES) >= count, tag


@pytest.mark.parametrize("name", TENSOR_NAMES)
def test_a_tensor_exercise_has_numbers_to_write_by_hand_and_hints(name):
    exercise = resolve_exercise(name)
    assert exercise.hints, "no hints"
    solution = solve(exercise)
    for input_name, value in solution.graph.inputs.items():
        finite = value[value > -1e8]  # -1e9 is a mask's -inf: copied from the inputs, never calculated
        assert np.allclose(finite * 10, np.round(finite * 10)), (input_name, value)  # whole or one decimal
    for step_name, value in [*solution.values.items(), *solution.grads.items()]:
        finite = value[np.abs(value) < 1e8]
        assert np.all(np.abs(finite) < 100), (step_name, value)  # hand-sized, not a power-of-ten puzzle
        tiny = finite[(finite != 0) & (np.abs(finite) < 1e-3)]
        assert tiny.size == 0, (step_name, value)  # nothing that reads as 0 to a learner's 3-4 digits
    assert 4 <= len(Session(exercise).steps) <= 40


def test_the_catalog_convolution_names_an_unflipped_kernel():
    exercise = resolve_exercise("conv2d-forward-backward")
    session, solution = Session(exercise), solve(exercise)
    while str(session.step.quantity) != "grad.X":
        session.answer(right_answer(session))
    upstream = np.pad(solution.values["G"], 1)
    kernel = solution.values["K"]
    unflipped = [[float(np.sum(upstream[i : i + 2, j : j + 2] * kernel)) for j in range(3)] for i in range(3)]
    verdict = session.answer(str(unflipped))
    assert not verdict.correct and verdict.diagnosis == "kernel_not_flipped", verdict.message


# -- the catalog screen: what it reads of each file, and what it shows ----------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_the_catalog_reads_the_title_tags_difficulty_and_size_the_loader_finds(name):
    path = catalog_folder() / f"{name}.toml"
    exercise = load_exercise(path, name)
    assert read_metadata(path) == ExerciseMetadata(exercise.title, exercise.tags, exercise.difficulty, exercise.size)


def test_batch_sizes_count_every_sample_copy():
    """The light reader's size is not just [inputs] plus [graph]: a batch copies its nodes per sample."""
    batches = [name for name in NAMES if resolve_exercise(name).batch is not None]
    assert batches
    for name in batches:
        exercise = resolve_exercise(name)
        assert (
            read_metadata(exercise.path).size
            == exercise.size
            > len(exercise.written_inputs) + len(exercise.written_nodes)
        )


SMALL = """title = "{title}"
tags = ["small"]
difficulty = 3
[inputs]
x = 2
[graph]
y = "x*x"
"""


def test_an_unchanged_file_is_not_read_again_and_a_changed_one_is(tmp_path):
    path = tmp_path / "small.toml"
    path.write_text(SMALL.format(title="First"), encoding="utf-8")
    first = read_metadata(path)
    assert first == ExerciseMetadata("First", ("small",), 3, 2)
    assert read_metadata(path) is first
    path.write_text(SMALL.format(title="Second"), encoding="utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000_000))  # a later modification time
    assert read_metadata(path) == ExerciseMetadata("Second", ("small",), 3, 2)


def test_a_file_that_is_not_toml_has_no_metadata(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text('title = "unterminated\n', encoding="utf-8")
    assert read_metadata(path) is None
    assert read_metadata(tmp_path / "missing.toml") is None


@pytest.fixture
def catalog_of(monkeypatch, tmp_path):
    """A catalog of the given files (name -> text) in place of the built-in one."""

    def make(files: dict[str, str]) -> Path:
        folder = tmp_path / "exercises"
        folder.mkdir()
        for name, text in files.items():
            (folder / f"{name}.toml").write_text(text, encoding="utf-8")
        monkeypatch.setattr(session_catalog, "catalog_folder", lambda: folder)
        monkeypatch.setattr(session_catalog, "catalog_names", lambda: sorted(files))
        return folder

    return make


def test_a_broken_file_is_listed_and_says_what_is_wrong_by_name_and_line_when_opened(catalog_of, tmp_path):
    folder = catalog_of(
        {
            "good": SMALL.format(title="A good one"),
            "bad-graph": SMALL.format(title="A bad graph").replace('"x*x"', '"x*"'),
            "not-toml": 'title = "unterminated\n',
        }
    )

    async def scenario():
        app = TutorApp(store=ProgressStore(tmp_path / "home"))
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            screen = app.screen
            assert [entry.title for entry in screen.entries] == ["A bad graph", "A good one", UNREADABLE.title]
            for name, line in [("bad-graph", 7), ("not-toml", 1)]:
                table = screen.query_one("#exercises", DataTable)
                table.move_cursor(row=table.get_row_index(name))
                await pilot.press("enter")
                await pilot.pause()
                assert isinstance(app.screen, CatalogScreen)  # nothing opened
                message = list(app._notifications)[-1].message
                assert f"{folder / name}.toml:{line}:" in message, message
            table.move_cursor(row=table.get_row_index("good"))
            await pilot.press("enter")
            await pilot.pause()
            assert not isinstance(app.screen, CatalogScreen)

    run(scenario())


def test_at_80_columns_every_visible_row_shows_its_whole_name_and_the_filter_matches_names(tmp_path):
    """One app for both (a start-up costs a second): every row whole, page by page; then typing filters by name."""

    async def scenario():
        app = TutorApp(store=ProgressStore(tmp_path))
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            table = app.screen.query_one("#exercises", DataTable)
            visible_width = table.scrollable_content_region.width
            assert visible_width <= 80
            checked, first = set(), -1
            while len(checked) < table.row_count:  # page by page, to the last row
                assert round(table.scroll_y) > first, "the table did not scroll"
                first = round(table.scroll_y)
                shown_rows = min(table.scrollable_content_region.height - 1, table.row_count - first)
                assert shown_rows > 10
                for line in range(1, shown_rows + 1):  # line 0 is the header
                    name = table.ordered_rows[first + line - 1].key.value
                    text = table.render_line(line).text[:visible_width]
                    assert f" {name} " in text, (name, text)
                    checked.add(name)
                table.move_cursor(row=min(table.row_count - 1, first + shown_rows + shown_rows - 1))
                await pilot.pause()
            assert checked == set(NAMES)
            await pilot.press(*"cs231n")  # in names only: no title or tag says cs231n
            await pilot.pause()
            shown = [row.key.value for row in table.ordered_rows]
            assert set(shown) == {name for name in NAMES if "cs231n" in name}
            assert not any("cs231n" in resolve_exercise(name).title.lower() for name in shown)

    run(scenario())


def test_titles_are_shown_as_text_and_the_title_column_follows_the_width(catalog_of, tmp_path):
    catalog_of({"odd": SMALL.format(title=r"[b]not bold[/b] \u001b[31m"), "plain": SMALL.format(title="Plain " * 20)})

    async def scenario():
        app = TutorApp(store=ProgressStore(tmp_path / "home"))
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            table = app.screen.query_one("#exercises", DataTable)
            assert table.get_cell("odd", "title").plain == "[b]not bold[/b] \\x1b[31m"  # no markup, ESC made visible
            assert "[b]not bold[/b] \\x1b[31m" in table.render_line(1 + table.get_row_index("odd")).text
            narrow = table.columns["title"].width
            assert narrow < 80 - len("plain")
            await pilot.resize_terminal(140, 24)
            await pilot.pause()
            assert table.columns["title"].width > narrow + 50

    run(scenario())
