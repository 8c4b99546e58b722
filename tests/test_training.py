"""Training (tutor/training, tutor/exercise/datasets.py, [training], `tutor train`).

The loss must really fall on the shipped datasets, the seed 002 update must match a plain NumPy
computation with the correct gradients, the batch reverse pass must match finite differences, and
every bad input must be reported with its file and line.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import numpy as np
import pytest

from tutor.cli.main import main
from tutor.engine import solve
from tutor.engine.derivatives import Jacobian
from tutor.engine.graph import Evaluated, Graph, reverse_pass
from tutor.exercise import ExerciseFileError, load_exercise, parse_exercise, resolve_exercise
from tutor.exercise.datasets import load_dataset, parse_dataset, shipped_names
from tutor.training import (
    DEFAULT_LEARNING_RATE,
    DEFAULT_STEPS,
    Trainer,
    TrainingError,
    default_dataset,
    default_learning_rate,
    default_steps,
    train,
)

QUADRATIC = """
title = "A quadratic that a large step makes diverge"
params = ["w"]
[inputs]
w = 1
x = 3
y = 0
[graph]
L = "(w*x - y)^2"
"""


def exercise_from(text: str, tmp_path: Path | None = None, name: str = "inline"):
    text = textwrap.dedent(text).lstrip("\n")
    if tmp_path is None:
        return parse_exercise(text, None, name)
    path = tmp_path / f"{name}.toml"
    path.write_text(text)
    return load_exercise(path)


def line_of(text: str, fragment: str) -> int:
    """The line (1-based) of ``text``, exactly as parsed, on which ``fragment`` first appears."""
    return next(number for number, line in enumerate(text.splitlines(), start=1) if fragment in line)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


# -- the seed 002 update ------------------------------------------------------------------------------


def test_seed_002_update_uses_the_correct_gradients_not_the_students_halved_ones():
    exercise = resolve_exercise("network-3-2-1-sigmoid")
    x, y, rate = np.array([0.8, 0.7, 0.1]), 0.9, 1.0
    start = {
        "W2": np.array([[0.2, 0.3, 0.4], [-0.2, 0.1, 0.5]]),
        "b2": np.array([-0.2, -0.2]),
        "W3": np.array([-0.3, 0.1]),
        "b3": np.array(-0.2),
    }

    def forward(W2, b2, W3, b3):
        a2 = sigmoid(W2 @ x + b2)
        a3 = sigmoid(W3 @ a2 + b3)
        return a2, a3, (y - a3) ** 2

    def updated(factor: float) -> dict:
        a2, a3, _ = forward(**start)
        delta3 = factor * (a3 - y) * a3 * (1 - a3)  # factor 2 is d(y - a3)²/da3; the student wrote 1
        delta2 = start["W3"] * delta3 * a2 * (1 - a2)
        grads = {"W2": np.outer(delta2, x), "b2": delta2, "W3": delta3 * a2, "b3": delta3}
        return {name: start[name] - rate * grads[name] for name in start}

    loss_before = forward(**start)[2]
    correct = updated(2.0)
    loss_after = forward(**correct)[2]
    # The student's halved gradients give the sheet's 0.1903; the correct ones give 0.1539.
    assert forward(**updated(1.0))[2] == pytest.approx(0.1903, abs=5e-5)
    assert loss_before == pytest.approx(0.2304, abs=5e-4)
    assert loss_after == pytest.approx(0.1539, abs=5e-5)

    solution = solve(exercise)
    assert exercise.update.learning_rate == rate
    for name, value in correct.items():
        assert np.allclose(solution.updated[name], value, rtol=1e-12, atol=1e-15), name
    assert float(solution.after_values["L"]) == pytest.approx(loss_after, rel=1e-12)
    history = train(exercise, steps=1)
    assert [step.step for step in history] == [0, 1]
    assert [step.loss for step in history] == pytest.approx([loss_before, loss_after], rel=1e-12)
    assert history[1].loss < history[0].loss


# -- real training runs ------------------------------------------------------------------------------


def default_run(name: str):
    """Training as `tutor train NAME` does by default: the file's dataset, rate and number of steps."""
    exercise = resolve_exercise(name)
    trainer = Trainer(exercise, dataset=default_dataset(exercise))
    return trainer, list(trainer.steps(default_steps(exercise)))


@pytest.fixture(scope="module")
def xor_run():
    return default_run("xor-mlp")


@pytest.fixture(scope="module")
def iris_run():
    return default_run("iris-mlp")


def test_xor_loss_falls_and_all_four_rows_become_right(xor_run):
    trainer, history = xor_run
    assert trainer.dataset.name == "xor" and trainer.dataset.rows == 4
    assert len(history) == default_steps(trainer.exercise) + 1
    assert history[0].accuracy < 1.0
    assert history[-1].loss < history[0].loss / 10
    assert history[-1].accuracy == 1.0
    predictions = sigmoid(
        sigmoid(trainer.dataset.features @ trainer.values["W1"] + trainer.values["b1"]) @ trainer.values["W2"]
        + trainer.values["b2"]
    )
    assert np.array_equal(predictions > 0.5, trainer.dataset.targets > 0.5)  # checked outside the engine too


def test_iris_loss_falls_and_more_than_90_percent_are_classified_right(iris_run):
    trainer, history = iris_run
    assert trainer.dataset.rows == 150 and trainer.dataset.target_names == ("setosa", "versicolor", "virginica")
    assert history[-1].loss < history[0].loss / 5
    assert history[-1].accuracy > 0.9
    scores = (
        sigmoid(trainer.dataset.features @ trainer.values["W1"] + trainer.values["b1"]) @ trainer.values["W2"]
        + trainer.values["b2"]
    )
    assert np.mean(scores.argmax(axis=1) == trainer.dataset.targets.argmax(axis=1)) == history[-1].accuracy


def test_the_first_step_is_the_loss_of_the_exercise_itself_when_the_dataset_is_its_own_rows(xor_run):
    _, history = xor_run
    assert history[0].loss == pytest.approx(float(solve(resolve_exercise("xor-mlp")).values["L"]), rel=1e-14)


# -- the reverse pass on a whole batch -----------------------------------------------------------------


def test_batch_of_150_rows_matches_numpy_and_finite_differences_without_big_jacobians():
    exercise = resolve_exercise("iris-mlp")
    iris = load_dataset("iris")
    graph = Graph(exercise)
    inputs = {**graph.inputs, "X": iris.features, "Y": iris.targets}
    values, evaluated = graph.forward(inputs)
    params = ["W1", "b1", "W2", "b2"]
    grads = reverse_pass(values, evaluated, "L", params)

    X, Y, n = iris.features, iris.targets, 150
    H = sigmoid(X @ inputs["W1"] + inputs["b1"])
    Z2 = H @ inputs["W2"] + inputs["b2"]
    P = np.exp(Z2 - Z2.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    assert float(values["L"]) == pytest.approx(-np.mean(np.sum(Y * np.log(P), axis=1)), rel=1e-13)
    dZ2 = (P - Y) / n
    dZ1 = dZ2 @ inputs["W2"].T * H * (1 - H)
    expected = {"W2": H.T @ dZ2, "b2": dZ2.sum(axis=0), "W1": X.T @ dZ1, "b1": dZ1.sum(axis=0)}
    for name in params:
        assert grads[name].dtype == np.float64
        assert np.allclose(grads[name], expected[name], rtol=1e-10, atol=1e-14), name

    step = 1e-6
    for name, position in (("W1", (2, 1)), ("b1", (0,)), ("W2", (1, 2)), ("b2", (2,))):
        moved = [inputs[name].copy(), inputs[name].copy()]
        moved[0][position] += step
        moved[1][position] -= step
        plus, minus = (float(graph.forward({**inputs, name: value})[0]["L"]) for value in moved)
        assert grads[name][position] == pytest.approx((plus - minus) / (2 * step), rel=1e-6, abs=1e-9), name

    largest_input = max(value.size for value in inputs.values())

    def jacobian_sizes(node: Evaluated):
        for derivative in node.derivatives:
            if isinstance(derivative, Jacobian):
                yield derivative.matrix.size
        for child in node.children:
            yield from jacobian_sizes(child)

    sizes = [size for node in evaluated.values() for size in jacobian_sizes(node)]
    assert max(sizes, default=0) <= largest_input  # no (n·k)² Jacobian anywhere in a batch


# -- steps() and the defaults ------------------------------------------------------------------------


def test_steps_resume_where_they_stopped():
    exercise = resolve_exercise("xor-mlp")
    whole = train(exercise, steps=7)
    trainer = Trainer(exercise)
    first = list(trainer.steps(3))
    partly = trainer.steps(10)
    pulled = [next(partly), next(partly)]  # a screen pulls two steps, then asks again later
    rest = list(trainer.steps(2))
    assert [step.step for step in first + pulled + rest] == list(range(8))
    assert [step.loss for step in first + pulled + rest] == [step.loss for step in whole]
    assert list(trainer.steps(0)) == []
    assert not np.array_equal(trainer.values["W1"], trainer.graph.inputs["W1"])


def test_defaults_come_from_update_then_training_then_the_built_in_ones():
    seed = Trainer(resolve_exercise("network-3-2-1-sigmoid"))
    assert seed.learning_rate == 1.0 and seed.params == ("W2", "b2", "W3", "b3") and seed.dataset is None
    assert default_steps(seed.exercise) == DEFAULT_STEPS == 100 and default_dataset(seed.exercise) is None
    assert not seed.has_accuracy

    xor = Trainer(resolve_exercise("xor-mlp"))
    assert xor.learning_rate == default_learning_rate(xor.exercise) == 2.0 and xor.params == ("W1", "b1", "W2", "b2")
    assert default_steps(xor.exercise) == 1000 and default_dataset(xor.exercise) == "xor"
    assert xor.dataset is None and xor.has_accuracy  # no dataset asked for: the exercise's own four rows

    plain = Trainer(exercise_from(QUADRATIC.replace('params = ["w"]\n', "")))
    assert plain.learning_rate == DEFAULT_LEARNING_RATE == 0.1
    assert plain.params == ("w", "x", "y")  # no params field: every input

    both = exercise_from(QUADRATIC + "[update]\nlearning_rate = 0.05\n[training]\nlearning_rate = 0.01\nsteps = 7\n")
    assert Trainer(both).learning_rate == 0.01 and default_steps(both) == 7
    assert len(train(both, steps=None)) == 8
    assert Trainer(both, learning_rate=0.02).learning_rate == 0.02

    data_inputs = exercise_from("""
        title = "no params field: the data inputs are not trained"
        [inputs]
        X = [[1, 2], [3, 4]]
        Y = [[1], [0]]
        w = [[0.1], [0.2]]
        [graph]
        L = "mean((X @ w - Y)^2)"
        [training]
        features = "X"
        targets = "Y"
    """)
    assert Trainer(data_inputs).params == ("w",)


def test_only_the_chosen_params_move():
    exercise = resolve_exercise("xor-mlp")
    trainer = Trainer(exercise, learning_rate=0.5, params=["W2", "b2"])
    list(trainer.steps(5))
    assert set(trainer.values) == {"W2", "b2"}
    assert not np.array_equal(trainer.values["W2"], trainer.graph.inputs["W2"])
    full = train(exercise, 5, learning_rate=0.5)
    assert [step.loss for step in train(exercise, 5, learning_rate=0.5, params=["W2", "b2"])] != [
        step.loss for step in full
    ]


def test_divergence_stops_with_a_clear_message_after_the_steps_it_managed():
    trainer = Trainer(exercise_from(QUADRATIC), learning_rate=1)
    seen = []
    with pytest.raises(TrainingError) as caught:
        for step in trainer.steps(1000):
            seen.append(step)
    message = str(caught.value)
    assert "diverged at step" in message and "learning rate 1" in message and "smaller learning rate" in message
    assert len(seen) > 10 and all(np.isfinite(step.loss) for step in seen)
    assert seen[-1].loss > seen[0].loss * 1e100
    assert f"at step {seen[-1].step + 1}" in message
    assert np.isfinite(trainer.values["w"])  # the last good values are kept


@pytest.mark.parametrize("rate", [0, -1, float("nan"), float("inf")])
def test_a_learning_rate_that_is_not_positive_is_refused(rate):
    with pytest.raises(TrainingError, match="positive number"):
        Trainer(exercise_from(QUADRATIC), learning_rate=rate)


@pytest.mark.parametrize("count", [-1, 1.5, True])
def test_a_bad_number_of_steps_is_refused(count):
    with pytest.raises(TrainingError, match="whole number"):
        list(Trainer(exercise_from(QUADRATIC)).steps(count))


# -- what the trainer refuses --------------------------------------------------------------------------


def test_unknown_params_are_refused_with_a_suggestion():
    with pytest.raises(ExerciseFileError) as caught:
        Trainer(resolve_exercise("xor-mlp"), params=["W1", "b_1"])
    assert "cannot train 'b_1'" in str(caught.value) and "did you mean 'b1'" in str(caught.value)
    with pytest.raises(ExerciseFileError, match="holds the features"):
        Trainer(resolve_exercise("xor-mlp"), params=["X"])


def test_a_loss_that_is_not_a_number_is_refused_at_its_line():
    exercise = resolve_exercise("jacobian-df")
    with pytest.raises(ExerciseFileError) as caught:
        Trainer(exercise)
    problem = caught.value.problems[0]
    assert problem.line == exercise.line_of(exercise.output)
    assert "single number" in problem.message


def test_a_dataset_whose_columns_do_not_fit_is_refused_at_the_inputs_lines():
    exercise = resolve_exercise("xor-mlp")
    with pytest.raises(ExerciseFileError) as caught:
        Trainer(exercise, dataset="iris")
    lines = {problem.line for problem in caught.value.problems}
    assert lines == {exercise.line_of("X"), exercise.line_of("Y")}
    assert "4 feature columns" in str(caught.value) and "3 target columns" in str(caught.value)


def test_a_dataset_without_training_table_is_refused():
    with pytest.raises(ExerciseFileError, match=r"needs a \[training\] table"):
        Trainer(resolve_exercise("network-3-2-1-sigmoid"), dataset="xor")


def test_a_csv_dataset_next_to_the_exercise(tmp_path):
    (tmp_path / "line.csv").write_text("# y = 2x + 1\nx,y\n0,1\n1,3\n2,5\n3,7\n")
    exercise = exercise_from(
        """
        title = "a line"
        params = ["w", "b"]
        [inputs]
        X = [[0], [1]]
        Y = [1, 3]
        w = [0.5]
        b = 0
        [graph]
        L = "mean((X @ w + b - Y)^2)"
        [training]
        dataset = "line.csv"
        features = "X"
        targets = "Y"
        learning_rate = 0.1
        steps = 500
    """,
        tmp_path,
    )
    trainer = Trainer(exercise, dataset=default_dataset(exercise))
    history = list(trainer.steps(default_steps(exercise)))
    assert trainer.dataset.rows == 4 and history[-1].loss < 1e-4
    assert trainer.values["w"] == pytest.approx([2.0], abs=0.02) and trainer.values["b"] == pytest.approx(1.0, abs=0.05)


# -- dataset files -------------------------------------------------------------------------------------


def test_the_shipped_datasets():
    assert shipped_names() == ["iris", "xor"]
    iris = load_dataset("iris")
    assert iris.features.shape == (150, 4) and iris.targets.shape == (150, 3)
    assert iris.features.dtype == np.float64 and iris.targets.dtype == np.float64
    assert iris.feature_names == ("sepal_length", "sepal_width", "petal_length", "petal_width")
    assert iris.targets.sum(axis=0).tolist() == [50, 50, 50] and np.all(iris.targets.sum(axis=1) == 1)
    assert iris.features[0].tolist() == [5.1, 3.5, 1.4, 0.2]
    # Fisher's values for samples 35 and 38, not the two UCI typos
    assert iris.features[34].tolist() == [4.9, 3.1, 1.5, 0.2] and iris.features[37].tolist() == [4.9, 3.6, 1.4, 0.1]
    assert np.allclose(iris.features.mean(axis=0), [5.843333, 3.057333, 3.758, 1.199333], atol=1e-6)
    xor = load_dataset("xor")
    assert xor.features.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]] and xor.targets.tolist() == [[0], [1], [1], [0]]


def test_class_names_are_one_hot_in_order_of_first_appearance(tmp_path):
    dataset = parse_dataset("# pets\na,b,label\n1,2,cat\n\n3,4,dog\n5,6,cat\n", tmp_path / "pets.csv", "pets")
    assert dataset.target_names == ("cat", "dog")
    assert dataset.targets.tolist() == [[1, 0], [0, 1], [1, 0]]
    assert dataset.features.tolist() == [[1, 2], [3, 4], [5, 6]]


def test_a_targets_comment_chooses_the_target_columns(tmp_path):
    dataset = parse_dataset("# targets: y1, y2\ny1,a,y2\n1,2,3\n4,5,6\n", tmp_path / "two.csv", "two")
    assert dataset.feature_names == ("a",) and dataset.target_names == ("y1", "y2")
    assert dataset.features.tolist() == [[2], [5]] and dataset.targets.tolist() == [[1, 3], [4, 6]]


@pytest.mark.parametrize(
    "text, line, fragment",
    [
        ("a,b,y\n1,2,0\n1,2\n", 3, "this row has 2 values, but the header (line 1) names 3 columns"),
        ("a,b,y\n1,2,0\n1,x,1\n", 3, "column 'b' holds 'x', which is not a (finite) number"),
        ("a,y\n1,0\n2,nan\n", 3, "column 'y' holds 'nan'"),
        ("# targets: z\na,y\n1,0\n", 1, "'# targets:' names 'z', which is not a column"),
        ("a,a,y\n1,2,3\n", 1, "the header names 'a' twice"),
        ("y\n1\n", 1, "at least one feature"),
        ("a,y\n", 1, "no data rows"),
        ("\n\na,label\n1,cat\n2,\n", 5, "leaves it empty"),
    ],
)
def test_problems_in_a_csv_name_the_file_and_line(tmp_path, text, line, fragment):
    path = tmp_path / "data.csv"
    path.write_text(text)
    with pytest.raises(ExerciseFileError) as caught:
        load_dataset(path)
    problem = caught.value.problems[0]
    assert problem.path == path and problem.line == line, str(caught.value)
    assert fragment in problem.message
    assert str(problem).startswith(f"{path}:{line}: ")


def test_unreadable_or_missing_csv_files(tmp_path):
    (tmp_path / "latin.csv").write_bytes(b"a,y\n1,0\n2,caf\xe9\n")
    with pytest.raises(ExerciseFileError) as caught:
        load_dataset(tmp_path / "latin.csv")
    assert caught.value.problems[0].line == 3 and "not UTF-8" in str(caught.value)
    (tmp_path / "empty.csv").write_text("\n# nothing\n")
    with pytest.raises(ExerciseFileError, match="is empty"):
        load_dataset(tmp_path / "empty.csv")
    with pytest.raises(ExerciseFileError) as caught:
        load_dataset("irs")
    assert "not a shipped dataset (iris, xor)" in str(caught.value) and "did you mean 'iris'" in str(caught.value)
    with pytest.raises(ExerciseFileError, match="no file"):
        load_dataset("missing.csv", tmp_path)


# -- [training] in exercise files ----------------------------------------------------------------------

TRAINING_BASE = """
title = "t"
params = ["w"]
[inputs]
X = [[1, 2], [3, 4]]
Y = [[1], [0]]
w = [[0.1], [0.2]]
[graph]
Z = "X @ w"
L = "mean((Z - Y)^2)"
[training]
"""


@pytest.mark.parametrize(
    "training, fragment, key",
    [
        (
            'dataset = "xor"\nfeatures = "X"\ntargets = "Y"\nstpes = 10',
            "unknown field 'stpes' in [training] (did you mean 'steps'?)",
            "stpes",
        ),
        ('features = "Q"\ntargets = "Y"', "features 'Q' in [training] is not an input", "features"),
        (
            'features = "X"\ntargets = "Y"\naccuracy = "Zz"',
            "accuracy 'Zz' in [training] is not a node of [graph] (did you mean 'Z'?)",
            "accuracy",
        ),
        ("learning_rate = -1", "'learning_rate' in [training] must be a positive number", "learning_rate"),
        ("steps = 1.5", "'steps' in [training] must be a whole number from 1 to 1,000,000", "steps"),
        ("steps = 0", "'steps' in [training] must be a whole number", "steps"),
        ('features = "X"\ntargets = "X"', "features and targets are both 'X'", "targets"),
        ('features = 3\ntargets = "Y"', "'features' in [training] must be the name of an input", "features"),
        ('dataset = "xor"', "[training] trains on the dataset 'xor': name the inputs", "[training]"),
        ('features = "X"', "needs both features and targets, or neither", "[training]"),
        ('accuracy = "Z"', "name the targets input", "accuracy"),
        (
            'dataset = "irsi"\nfeatures = "X"\ntargets = "Y"',
            "dataset 'irsi' is not a shipped dataset (iris, xor) or a CSV file (did you mean 'iris'?)",
            "dataset",
        ),
    ],
)
def test_training_table_problems_are_reported_at_their_line(training, fragment, key):
    text = TRAINING_BASE + training + "\n"
    with pytest.raises(ExerciseFileError) as caught:
        parse_exercise(text, None, "broken")
    problems = [problem for problem in caught.value.problems if fragment in problem.message]
    assert problems, str(caught.value)
    assert problems[0].line == line_of(text, key)


def test_training_with_batch_sample_keys_is_explained():
    text = textwrap.dedent("""
        title = "t"
        params = ["w"]
        [inputs]
        w = 0.5
        [graph]
        L = "(w*x - y)^2"
        [batch]
        samples = [{x = 1, y = 2}, {x = 2, y = 3}]
        [training]
        dataset = "xor"
        features = "x"
        targets = "y"
    """).lstrip("\n")
    with pytest.raises(ExerciseFileError) as caught:
        parse_exercise(text, None, "batch")
    messages = {problem.line: problem.message for problem in caught.value.problems}
    assert "is a [batch] sample key, not a plain input" in messages[line_of(text, "features")]
    assert "needs an exercise without [batch]" in messages[line_of(text, "dataset")]


def test_a_good_training_table_is_read():
    exercise = parse_exercise(
        TRAINING_BASE + 'dataset = "xor"\nfeatures = "X"\ntargets = "Y"\naccuracy = "Z"\n'
        "learning_rate = 0.5\nsteps = 20\n",
        None,
        "good",
    )
    training = exercise.training
    assert (training.dataset, training.features, training.targets, training.accuracy) == ("xor", "X", "Y", "Z")
    assert training.learning_rate == 0.5 and training.steps == 20
    assert training.dataset_line == line_of(TRAINING_BASE + 'dataset = "xor"', "dataset")
    assert parse_exercise(TRAINING_BASE.replace("[training]\n", ""), None, "none").training is None


# -- tutor train ---------------------------------------------------------------------------------------


def test_train_json_lists_the_loss_before_and_after_every_step(capsys):
    assert main(["train", "xor-mlp", "--steps", "5", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result) == {"exercise", "learning_rate", "params", "steps", "dataset", "losses", "accuracies"}
    assert result["exercise"] == "xor-mlp" and result["dataset"] == "xor" and result["steps"] == 5
    assert result["learning_rate"] == 2 and result["params"] == ["W1", "b1", "W2", "b2"]
    assert len(result["losses"]) == 6 and len(result["accuracies"]) == 6
    assert result["losses"][0] == pytest.approx(float(solve(resolve_exercise("xor-mlp")).values["L"]), rel=1e-14)
    assert result["losses"] == pytest.approx(
        [step.loss for step in train(resolve_exercise("xor-mlp"), 5, dataset="xor")], rel=1e-14
    )


def test_train_with_the_default_settings_trains_on_the_files_dataset(capsys):
    assert main(["train", "xor-mlp", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["dataset"] == "xor" and result["steps"] == 1000 and len(result["losses"]) == 1001
    assert result["losses"][-1] < result["losses"][0] / 10 and result["accuracies"][-1] == 1.0


def test_train_dataset_option_reads_a_csv_from_the_working_folder(capsys, tmp_path, monkeypatch):
    (tmp_path / "rows.csv").write_text("a,b,y\n1,1,0\n0,1,1\n1,0,1\n0,0,0\n1,1,0\n")
    monkeypatch.chdir(tmp_path)
    assert main(["train", "xor-mlp", "--dataset", "rows.csv", "--steps", "2", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["dataset"] == "rows" and len(result["losses"]) == 3


def test_train_json_of_the_seed_002_exercise_with_options(capsys):
    assert main(["train", "network-3-2-1-sigmoid", "--steps", "3", "--lr", "0.5", "--params", "W3, b3", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["params"] == ["W3", "b3"] and result["learning_rate"] == 0.5
    assert result["dataset"] is None and result["accuracies"] is None
    assert len(result["losses"]) == 4 and result["losses"][-1] < result["losses"][0]


def test_train_prints_a_table_a_sparkline_and_the_parameters(capsys):
    assert main(["train", "iris-mlp", "--steps", "30"]) == 0
    out = capsys.readouterr().out
    assert "Loss by step" in out and "accuracy" in out and "iris" in out
    assert any(character in out for character in "▁▂▃▄▅▆▇█")
    assert "Parameters after 30 steps" in out and "W1" in out


def test_train_reports_bad_input_on_stderr_with_exit_2(capsys, tmp_path):
    assert main(["train", "xor-mlp", "--params", "W9"]) == 2
    assert "cannot train 'W9'" in capsys.readouterr().err
    assert main(["train", "xor-mlp", "--lr", "-1"]) == 2
    assert "positive number" in capsys.readouterr().err
    assert main(["train", "xor-mlp", "--steps", "-3"]) == 2
    assert "whole number" in capsys.readouterr().err
    assert main(["train", "xor-mlp", "--dataset", str(tmp_path / "none.csv")]) == 2
    assert "none.csv" in capsys.readouterr().err
    path = tmp_path / "quadratic.toml"
    path.write_text(QUADRATIC)
    assert main(["train", str(path), "--lr", "1", "--steps", "1000", "--json"]) == 2
    captured = capsys.readouterr()
    assert "diverged at step" in captured.err and "Traceback" not in captured.err
    result = json.loads(captured.out)
    assert "diverged" in result["error"] and len(result["losses"]) > 10
