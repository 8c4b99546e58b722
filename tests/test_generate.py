"""`tutor generate` and tutor.generate: fresh exercises that load, solve, and can be worked by hand.

The properties check the generated exercises with their own code, not the generator's checks
(tutor/generate/checks.py): a bug there cannot hide a degenerate exercise here.
"""

from __future__ import annotations

import dataclasses
import json
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tutor.cli.main import main
from tutor.engine import Solution, solve
from tutor.exercise import catalog_names, load_exercise, parse_exercise, resolve_exercise
from tutor.exercise.expression import Call, names_in
from tutor.exercise.skills import Skill
from tutor.generate import KINDS, GeneratedExercise, generate, generate_like
from tutor.generate.checks import degeneracy
from tutor.generate.options import (
    ACTIVATIONS,
    BINARY_FUNCTIONS,
    CURVED_FUNCTIONS,
    FUNCTIONS,
    LOSSES,
    MAX_SEED,
    parse_command_line,
)
from tutor.generate.skills import generate_for_skill
from tutor.grading import asked_quantities

REPO = Path(__file__).resolve().parents[1]
# derandomized so every run checks the same generated exercises
PROPERTY = settings(deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow])
SATURATED = 4.0  # |z| into a sigmoid or tanh beyond this: the issue's definition of saturated
NON_ZERO = 1e-6  # the checker's default absolute tolerance: below it a gradient reads as 0


# -- what every generated exercise must be ---------------------------------------------------------


def walk(evaluated):
    yield evaluated
    for child in evaluated.children:
        yield from walk(child)


def assert_workable(generated: GeneratedExercise) -> tuple[Solution, dict]:
    """The solution and the TOML document, for a test to check more of them."""
    exercise = parse_exercise(generated.text, None, generated.name)  # the text loads on its own
    assert exercise == generated.exercise
    solution = solve(exercise)
    asked_quantities(solution)  # what `tutor validate` does after solving
    for table in (solution.values, solution.grads, solution.after_values):
        for name, value in table.items():
            assert np.all(np.isfinite(value)), name
    for param in exercise.params:
        assert np.all(np.abs(solution.grads[param]) > NON_ZERO), f"a zero in the gradient of {param}"
    for evaluated in solution.evaluated.values():
        for operation in walk(evaluated):
            if isinstance(operation.expression, Call) and operation.expression.function in ("sigmoid", "tanh"):
                assert np.all(np.abs(operation.children[0].value) <= SATURATED), "a saturated activation"
            if isinstance(operation.expression, Call) and operation.expression.function == "relu":
                assert np.any(operation.children[0].value > 0), "a ReLU dead for every unit"
    document = tomllib.loads(generated.text)
    for name, value in document["inputs"].items():
        for number in np.ravel(value):
            assert abs(number * 100 - round(number * 100)) < 1e-9, f"{name} has more than two decimals: {number}"
    assert set(generated.name) <= set("abcdefghijklmnopqrstuvwxyz0123456789-")
    return solution, document


def assert_generated(generated: GeneratedExercise) -> tuple[Solution, dict]:
    """Workable, and named after the command in its source."""
    checked = assert_workable(generated)
    kind, seed, options = parse_command_line(generated.exercise.source)
    assert f"seed-{seed}" in generated.name and f"generated-{kind}" in generated.name
    return checked


def longest_chain(exercise) -> int:
    depth: dict[str, int] = {}
    for node in exercise.written_nodes:
        depth[node.name] = 1 + max((depth.get(name.id, 0) for name in names_in(node.expression)), default=0)
    return max(depth.values())


# -- the properties: 650 generated exercises --------------------------------------------------------


@st.composite
def expression_options(draw) -> dict:
    chosen = set(draw(st.lists(st.sampled_from(FUNCTIONS), max_size=len(FUNCTIONS))))
    chosen.add(draw(st.sampled_from(BINARY_FUNCTIONS)))
    chosen.add(draw(st.sampled_from(CURVED_FUNCTIONS)))
    can_start_alone = any(function in CURVED_FUNCTIONS and function not in BINARY_FUNCTIONS for function in chosen)
    depth = draw(st.integers(2, 6))
    most = 4 if depth > 2 or chosen & {"*", "/"} else 3  # 4 inputs at depth 2 need * or / (see the bad options)
    variables = draw(st.one_of(st.none(), st.integers(1 if can_start_alone else 2, most)))
    # a shuffled order: the options are read the same whatever order they are typed in
    return {"depth": depth, "variables": variables, "functions": draw(st.permutations(sorted(chosen)))}


# 150 expressions: without the generator's final check (checks.degeneracy) 1 in 20 fails
@given(seed=st.integers(0, MAX_SEED), options=expression_options())
@settings(PROPERTY, max_examples=150)
def test_generated_expressions_are_workable(seed, options):
    generated = generate("expression", seed, **options)
    assert_generated(generated)
    exercise = generated.exercise
    assert longest_chain(exercise) == options["depth"]
    assert exercise.output == "L"
    assert exercise.params == tuple(exercise.inputs)
    if options["variables"]:
        assert len(exercise.inputs) == options["variables"]
    used = {call.function for node in exercise.written_nodes for call in _calls(node.expression)}
    allowed = {"+": "add", "-": "subtract", "*": "multiply", "/": "divide", "^2": "power"}
    assert used <= {allowed.get(function, function) for function in options["functions"]}


def _calls(expression):
    if isinstance(expression, Call):
        yield expression
        for argument in expression.args:
            yield from _calls(argument)


@st.composite
def mlp_options(draw) -> dict:
    dataset = draw(st.sampled_from([None, None, None, "xor", "iris"]))
    loss = draw(st.sampled_from(LOSSES))
    hidden = draw(st.lists(st.integers(1, 6), max_size=2))
    if dataset == "xor":
        inputs, outputs, loss = 2, 1, draw(st.sampled_from(["mse", "binary_cross_entropy"]))
    elif dataset == "iris":
        inputs, outputs, loss = 4, 3, draw(st.sampled_from(["mse", "cross_entropy"]))
    else:
        inputs = draw(st.integers(1, 6))
        outputs = {"binary_cross_entropy": 1, "cross_entropy": draw(st.integers(2, 6))}.get(
            loss, draw(st.integers(1, 6))
        )
    samples = draw(st.integers(2, 4)) if dataset else draw(st.integers(1, 6))
    return {
        "shape": (inputs, *hidden, outputs),
        "activation": draw(st.sampled_from(ACTIVATIONS)),
        "loss": loss,
        "samples": samples,
        "dataset": dataset,
    }


# 500 networks: without the generator's final check (checks.degeneracy) about 1 in 70 fails, and fewer miss it
@given(seed=st.integers(0, MAX_SEED), options=mlp_options())
@settings(PROPERTY, max_examples=500)
def test_generated_networks_are_workable(seed, options):
    generated = generate("mlp", seed, **options)
    solution, document = assert_generated(generated)
    exercise = generated.exercise
    layers = len(options["shape"]) - 1
    assert exercise.params == tuple(name for layer in range(1, layers + 1) for name in (f"W{layer}", f"b{layer}"))
    assert "@" in generated.text
    inputs = {name: np.asarray(document["inputs"][name], dtype=float) for name in exercise.params}
    for layer in range(1, layers + 1):
        weights = inputs[f"W{layer}"]
        assert np.all(weights != 0), "a zero weight"
        units = weights.T if options["samples"] > 1 else weights  # one column per unit in a batch, else one row
        if units.ndim == 2:
            assert len({tuple(unit) for unit in units}) == len(units), "two units with the same weights"
    assert exercise.update is not None
    assert solution.after_values["L"] < solution.values["L"], "the update step does not lower the loss"
    rows = options["samples"] if options["samples"] > 1 else None
    features = solution.values["X" if rows else "x"]
    assert features.shape == ((rows, options["shape"][0]) if rows else (options["shape"][0],))


# -- datasets ---------------------------------------------------------------------------------------

IRIS_ROWS = {
    (5.1, 3.5, 1.4, 0.2): 0,
    (4.9, 3.0, 1.4, 0.2): 0,
    (7.0, 3.2, 4.7, 1.4): 1,
    (6.4, 3.2, 4.5, 1.5): 1,
    (6.3, 3.3, 6.0, 2.5): 2,
    (5.8, 2.7, 5.1, 1.9): 2,
}
XOR_ROWS = {(0.0, 0.0): 0, (0.0, 1.0): 1, (1.0, 0.0): 1, (1.0, 1.0): 0}


@pytest.mark.parametrize("dataset, rows", [("xor", XOR_ROWS), ("iris", IRIS_ROWS)])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_dataset_network_shows_real_rows_and_says_how_to_train(dataset, rows, seed):
    generated = generate("mlp", seed, dataset=dataset)
    assert_generated(generated)
    training = tomllib.loads(generated.text)["training"]
    assert training["dataset"] == dataset
    assert (training["features"], training["targets"], training["accuracy"]) == ("X", "Y", "yhat")
    assert training["learning_rate"] > 0 and training["steps"] > 0
    assert generated.exercise.training is not None and generated.exercise.training.dataset == dataset
    solution = solve(generated.exercise)
    features, targets = solution.values["X"], solution.values["Y"]
    assert 2 <= len(features) <= 4
    for row, target in zip(features, targets):
        label = rows[tuple(row)]  # a real row of the dataset
        expected = [label] if dataset == "xor" else [1.0 if column == label else 0.0 for column in range(3)]
        assert list(target) == expected
    assert solution.values["yhat"].shape == targets.shape


def test_a_dataset_refuses_a_shape_it_does_not_fit():
    with pytest.raises(ValueError, match="4 features and 3 outputs"):
        generate("mlp", 1, dataset="iris", shape=(2, 3, 1))


# -- determinism ------------------------------------------------------------------------------------

EXPECTED_EXPRESSION = """\
title = "Generated graph of depth 2: /, +"
description = '''
A computation graph made up for practice, computed in small stages: 3 inputs, 2 nodes, and the
longest chain of nodes from an input to L is 2 long.

    q = z/y
    L = q + x

With **x = -0.1, y = 0.6, z = -0.4**: do the forward pass, then backpropagate, edge by edge, to the
gradient of L with respect to every node and input.

Made by `tutor generate expression --seed 2024 --depth 2 --variables 3 --functions
'+,-,*,/,^2,sigmoid,tanh,exp,log,relu'`: the same command makes the same exercise.
'''
source = "backprop-tutor's generator: tutor generate expression --seed 2024 --depth 2 --variables 3 --functions '+,-,*,/,^2,sigmoid,tanh,exp,log,relu'"
tags = ["generated", "chain-rule", "divide", "add"]
difficulty = 1
params = ["x", "y", "z"]

[inputs]
x = -0.1
y = 0.6
z = -0.4

[graph]
q = "z/y"
L = "q + x"
"""

EXPECTED_MLP = """\
title = "Generated 2-2-1 network: sigmoid hidden units, squared error, one sample"
description = '''
A network made up for practice: 2 inputs, hidden layer of 2 sigmoid units, 1 output with the squared
error; one sample.

    z1   = W1 @ x + b1
    h1   = sigmoid(z1)
    yhat = W2 @ h1 + b2
    L    = (yhat - y)^2

Each row of W is one unit: W1 is 2×2; W2 is a vector of 2 and b2 a number, so yhat is a number.

Do the forward pass, backpropagate to the gradient of the loss L with respect to every weight and
bias, then take one gradient-descent step with learning rate 0.5: the loss goes down.

Made by `tutor generate mlp --seed 2024 --shape 2,2,1 --activation sigmoid --loss mse --samples 1`:
the same command makes the same exercise.
'''
source = "backprop-tutor's generator: tutor generate mlp --seed 2024 --shape 2,2,1 --activation sigmoid --loss mse --samples 1"
tags = ["generated", "network", "mlp", "matrix", "sigmoid", "mse", "gradient-descent"]
difficulty = 3
params = ["W1", "b1", "W2", "b2"]

[inputs]
x = [1.7, 0.6]
W1 = [[-0.2, 1], [-0.4, 0.4]]
b1 = [-0.5, -0.1]
W2 = [-0.6, 0.2]
b2 = -0.4
y = -0.2

[graph]
z1 = "W1 @ x + b1"
h1 = "sigmoid(z1)"
yhat = "W2 @ h1 + b2"
L = "(yhat - y)^2"

[update]
learning_rate = 0.5
"""


def test_a_seed_gives_the_checked_in_text():
    """The same text on every machine and Python version: this is the text of one seed per kind."""
    assert generate("expression", 2024, depth=2).text == EXPECTED_EXPRESSION
    assert generate("mlp", 2024, shape="2,2,1").text == EXPECTED_MLP


def test_the_text_does_not_depend_on_the_hash_seed():
    probe = (
        "import json, sys; from tutor.generate import generate; "
        "print(json.dumps([generate('expression', 7, depth=4).text, generate('mlp', 7, shape=(3, 2, 2), "
        "loss='cross_entropy', samples=3).text]))"
    )
    texts = set()
    for hash_seed in ("1", "2"):
        result = subprocess.run(
            [sys.executable, "-c", probe],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=60,
            env={"PYTHONHASHSEED": hash_seed, "PATH": ""},
        )
        assert result.returncode == 0, result.stderr
        texts.add(result.stdout)
    assert len(texts) == 1
    assert json.loads(texts.pop()) == [
        generate("expression", 7, depth=4).text,
        generate("mlp", 7, shape=(3, 2, 2), loss="cross_entropy", samples=3).text,
    ]


@pytest.mark.parametrize("kind", KINDS)
def test_same_seed_same_text_other_seeds_other_texts(kind):
    assert generate(kind, 99).text == generate(kind, 99).text
    texts = {generate(kind, seed).text for seed in range(40)}
    assert len(texts) >= 38


@pytest.mark.parametrize("kind", KINDS)
def test_the_source_line_makes_the_same_exercise_again(kind):
    for seed in (3, 4, 5):
        generated = generate(kind, seed)
        again_kind, again_seed, options = parse_command_line(generated.exercise.source)
        assert (again_kind, again_seed) == (kind, seed)
        assert generate(again_kind, again_seed, **options).text == generated.text


@pytest.mark.parametrize(
    "kind, options",
    [
        ("expression", {"functions": "-,*", "depth": 4}),  # a value starting with "-" must not read as an option
        ("expression", {"fan_out": True, "depth": 2}),  # a flag without a value
        ("mlp", {"shape": "3,2,2", "loss": "cross_entropy", "samples": 2, "ask": "values,parameter_gradients"}),
        ("mlp", {"dataset": "iris", "activation": "tanh"}),
    ],
)
def test_the_source_line_is_a_command_that_runs_as_typed(kind, options, capsys):
    generated = generate(kind, 21, **options)
    command = generated.exercise.source.split("generator: ")[1]
    words = shlex.split(command)  # as a shell would split it
    assert words[:2] == ["tutor", "generate"]
    assert main(words[1:]) == 0
    assert capsys.readouterr().out == generated.text


def test_giving_the_drawn_number_of_variables_changes_nothing():
    generated = generate("expression", 12)
    assert generate("expression", 12, variables=len(generated.exercise.inputs)).text == generated.text


def test_a_fan_out_graph_has_a_value_that_feeds_two_nodes():
    for seed in range(60):
        exercise = generate("expression", seed, depth=seed % 5 + 2, fan_out=True).exercise
        assert shared_values(exercise), exercise.source


# -- an exercise that practises a skill ------------------------------------------------------------


def shared_values(exercise) -> list[str]:
    """The inputs and nodes that two or more nodes use."""
    uses = [name.id for node in exercise.written_nodes for name in dict.fromkeys(names_in(node.expression))]
    return sorted({name for name in uses if uses.count(name) > 1})


def data_inputs(exercise, solution) -> dict[str, np.ndarray]:
    """The inputs that are not learned: a network's samples and targets."""
    return {name: solution.values[name] for name in exercise.inputs if name not in exercise.params}


def assert_practises(skill: Skill, exercise, activation: str | None) -> None:
    """What makes the exercise practise the skill, read from its graph, its numbers and its ask."""
    solution = solve(exercise)
    functions = {call.function for node in exercise.written_nodes for call in _calls(node.expression)}
    curved = functions & {"multiply", "divide", "power", "sigmoid", "tanh", "exp", "log"}
    if skill is Skill.FORWARD:
        assert exercise.ask == ("values",) and len(exercise.written_nodes) >= 2
    elif skill is Skill.LOCAL_DERIVATIVE:
        assert exercise.ask == ("values", "local_derivatives") and curved
    elif skill is Skill.CHAIN_RULE:
        assert "gradients" in exercise.ask and longest_chain(exercise) >= 4
    elif skill is Skill.FAN_OUT:
        assert "gradients" in exercise.ask and shared_values(exercise)
    else:  # a network: a hidden layer of the activation, a loss of the prediction and the targets
        hidden = [node for node in exercise.written_nodes if node.name.startswith("h")]
        hidden_functions = {call.function for node in hidden for call in _calls(node.expression)}
        assert hidden_functions == ({activation} if activation else hidden_functions & {"sigmoid", "tanh", "relu"})
        assert hidden_functions
        loss = exercise.node(exercise.output)
        # the loss compares the prediction with the targets (a batch's cross-entropy through each sample's nll)
        assert {name.id for name in names_in(loss.expression)} & (set(data_inputs(exercise, solution)) | {"nll"})
        weights = [solution.values[name] for name in exercise.params if solution.values[name].ndim == 2]
        if skill is Skill.MATRIX_SHAPES:
            assert weights and all(weight.shape[0] != weight.shape[1] for weight in weights)
        if skill is Skill.BATCH:
            assert any(value.ndim == 2 and value.shape[0] >= 2 for value in data_inputs(exercise, solution).values())
            assert "mean(" in loss.text
        if skill is Skill.LOSS_DERIVATIVE:
            assert "gradients" in exercise.ask
        if skill is Skill.UPDATE_RULE:
            assert exercise.update is not None and set(exercise.update.params) == set(exercise.params)
            assert solution.after_values[exercise.output] < solution.values[exercise.output]


@pytest.mark.parametrize("skill", list(Skill))
def test_an_exercise_for_each_skill_loads_solves_and_practises_it(skill):
    network = skill in (
        Skill.ACTIVATION_DERIVATIVE,
        Skill.LOSS_DERIVATIVE,
        Skill.MATRIX_SHAPES,
        Skill.BATCH,
        Skill.UPDATE_RULE,
    )
    activations = [None, "sigmoid", "tanh", "relu", "leaky_relu"] if network else [None]
    for seed in range(25):
        activation = activations[seed % len(activations)]
        generated = generate_for_skill(skill, seed, activation)
        assert_generated(generated)
        assert_practises(skill, generated.exercise, activation)
        if seed < 3:
            assert generate_for_skill(skill, seed, activation).text == generated.text  # the same seed, the same text
            kind, again_seed, options = parse_command_line(generated.exercise.source)
            assert generate(kind, again_seed, **options).text == generated.text  # its source line makes it again


def test_the_losses_and_the_activations_of_the_network_skills_vary_with_the_seed():
    exercises = [generate_for_skill(Skill.LOSS_DERIVATIVE, seed).exercise for seed in range(30)]
    assert {exercise.node(exercise.output).text.count("log") > 0 for exercise in exercises} == {True, False}
    assert len({exercise.title.split(": ")[1].split(" ")[0] for exercise in exercises}) == 3


def test_a_scalar_skill_refuses_an_activation_and_an_unknown_skill_says_which_are_known():
    with pytest.raises(ValueError, match="fan-out is practised on a scalar graph"):
        generate_for_skill(Skill.FAN_OUT, 1, "tanh")
    with pytest.raises(ValueError, match="unknown skill 'fanout' \\(did you mean 'fan-out'\\?\\): choose from forward"):
        generate_for_skill("fanout", 1)
    with pytest.raises(ValueError, match="did you mean 'sigmoid'"):
        generate_for_skill(Skill.BATCH, 1, "sigmod")


def test_generate_skill_prints_or_writes_the_exercise(tmp_path, capsys):
    assert main(["generate", "--skill", "batch", "--seed", "5", "--activation", "tanh"]) == 0
    assert capsys.readouterr().out == generate_for_skill(Skill.BATCH, 5, "tanh").text
    path = tmp_path / "fan.toml"
    assert main(["generate", "--skill", "fan-out", "--seed", "6", "-o", str(path)]) == 0
    assert path.read_text(encoding="utf-8") == generate_for_skill(Skill.FAN_OUT, 6).text
    assert f"tutor run {path}" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["generate"], "give a KIND (expression, mlp, conv, attention, rnn, pool or norm) or --skill SKILL"),
        (["generate", "mlp", "--skill", "batch"], "not both"),
        (["generate", "--skill", "batch", "--samples", "3"], "--samples is not an option of --skill"),
        (["generate", "--skill", "fan-out", "--activation", "relu"], "takes no activation"),
        (["generate", "--skill", "backprop"], "unknown skill 'backprop'"),
        (["generate", "mlp", "--fan-out"], "--fan-out is not an option of mlp exercises"),
    ],
)
def test_generate_skill_refuses_bad_options_with_exit_2(argv, message, capsys):
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("tutor generate: ") and message in err


# -- "practice a new one like this" -----------------------------------------------------------------


def structure(exercise, solution) -> dict:
    """Everything a new one like it keeps: the graph, the inputs' names and shapes, the settings."""
    return {
        "nodes": [(node.name, node.text) for node in exercise.written_nodes],
        "inputs": {name: np.shape(solution.graph.inputs[name]) for name in exercise.inputs},
        "output": exercise.output,
        "params": exercise.params,
        "ask": exercise.ask,
        "update": exercise.update and dataclasses.replace(exercise.update, line=None),
        "tolerance": exercise.tolerance,
        "kind_tolerances": exercise.kind_tolerances,
        "carried_forward_credit": exercise.carried_forward_credit,
        "points": exercise.points,
        "exam": exercise.exam,
        "training": exercise.training and dataclasses.replace(exercise.training, line=None, dataset_line=None),
        "batch": (exercise.batch.reduce, exercise.batch.output, len(exercise.batch.samples))
        if exercise.batch
        else None,
        "tags": exercise.tags,
        "difficulty": exercise.difficulty,
    }


@pytest.mark.parametrize("name", catalog_names())
def test_one_like_every_catalog_exercise_keeps_its_structure_with_new_numbers(name):
    exercise = resolve_exercise(name)
    generated = generate_like(exercise, 11)
    new = parse_exercise(generated.text, None, generated.name)  # the text loads on its own
    assert new == generated.exercise
    original, solution = solve(exercise), solve(new)  # and solves
    asked_quantities(solution)
    assert structure(new, solution) == structure(exercise, original)
    data = [
        name
        for name in exercise.inputs
        if not (exercise.training and name in (exercise.training.features, exercise.training.targets))
    ]
    assert any(not np.array_equal(solution.graph.inputs[name], original.graph.inputs[name]) for name in data)
    if degeneracy(solution) is None:
        assert_workable(generated)  # checked with this file's own code too, not only the generator's
    else:  # a trait the exercise has on purpose (a dead ReLU, a max gate's loser) may be kept, and only that
        assert degeneracy(solution) == degeneracy(original)


def test_the_issue_case_keeps_the_weights_and_the_squared_error():
    generated = generate_like(resolve_exercise("sigmoid-neuron-mse"), 4)
    document = tomllib.loads(generated.text)
    assert document["graph"] == {
        "p1": "w1*x1",
        "p2": "w2*x2",
        "z": "p1 + p2 + b0",
        "yhat": "sigmoid(z)",
        "L": "(yhat - y)^2",
    }
    assert document["params"] == ["w1", "w2", "b0"]
    assert all(-1 <= document["inputs"][name] <= 1 and document["inputs"][name] != 0 for name in ("w1", "w2", "b0"))
    assert (document["inputs"]["w1"], document["inputs"]["w2"], document["inputs"]["b0"]) != (0.8, 1.4, 0.6)


def test_labels_stay_labels_and_probabilities_stay_a_distribution():
    for seed in range(5):
        inputs = tomllib.loads(generate_like(resolve_exercise("cross-entropy-loss"), seed).text)["inputs"]
        assert sorted(inputs["y"]) == [0, 0, 1]  # one-hot
        assert all(0 < p < 1 for p in inputs["a"]) and abs(sum(inputs["a"]) - 1) < 1e-9
    dead = tomllib.loads(generate_like(resolve_exercise("relu-negative"), 3).text)["inputs"]["x"]
    assert dead < 0  # the exercise is about a dead ReLU: so is the new one


def test_a_new_one_like_a_new_one_is_named_after_the_first(tmp_path):
    first = generate_like(resolve_exercise("sigmoid-neuron-mse"), 5)
    assert generate_like(resolve_exercise("sigmoid-neuron-mse"), 5).text == first.text  # same seed, same file
    path = tmp_path / f"{first.name}.toml"
    path.write_text(first.text, encoding="utf-8")
    second = generate_like(load_exercise(path), 6)
    assert second.name == "sigmoid-neuron-mse-like-seed-6"
    assert second.exercise.title == "Sigmoid neuron with squared error (new numbers)"
    assert second.text != first.text


def test_an_exercise_without_a_file_is_refused_with_a_message():
    with pytest.raises(ValueError, match="no file"):
        generate_like(parse_exercise('title = "squared"\n[inputs]\nx = 2\n[graph]\ny = "x^2"\n'), 1)


# -- bad options ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind, options, message",
    [
        ("network", {}, "unknown kind 'network'"),
        ("expression", {"depth": 7}, "depth must be a whole number from 2 to 6"),
        ("expression", {"depth": True}, "depth must be a whole number"),
        ("expression", {"functions": "+,sigmod"}, "did you mean 'sigmoid'"),
        ("expression", {"functions": "+,-"}, "every gradient would be 1 or -1"),
        ("expression", {"functions": "sigmoid", "variables": 2}, "can only be combined with one of"),
        ("expression", {"functions": "*", "variables": 1}, "needs a curved function of it"),
        ("expression", {"functions": "+,/,relu", "variables": 1}, "needs a curved function of it"),
        ("expression", {"functions": "+,^2", "variables": 4, "depth": 2}, "allow * or /"),
        ("expression", {"shape": "2,3,1"}, "'shape' is not an option of expression exercises"),
        ("mlp", {"shape": "2,7,1"}, "each from 1 to 6"),
        ("mlp", {"shape": "2"}, "shape must be 2 to 4 layer sizes"),
        ("mlp", {"activation": "sigmod"}, "did you mean 'sigmoid'"),
        ("mlp", {"loss": "cross_entropy", "shape": "2,3,1"}, "2 or more outputs"),
        ("mlp", {"loss": "binary_cross_entropy", "shape": "2,3,2"}, "needs 1 output"),
        ("mlp", {"samples": 0}, "samples must be a whole number from 1 to 6"),
        ("mlp", {"dataset": "mnist"}, "unknown dataset 'mnist'"),
        ("mlp", {"dataset": "xor", "samples": 1}, "2 to 4"),
        ("mlp", {"ask": "values,answers"}, "ask cannot include 'answers'"),
    ],
)
def test_bad_options_are_refused_with_a_clear_message(kind, options, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace("*", r"\*")):
        generate(kind, 1, **options)


@pytest.mark.parametrize("seed", [-1, MAX_SEED + 1, 1.5, "7"])
def test_bad_seeds_are_refused(seed):
    with pytest.raises(ValueError, match="the seed must be a whole number"):
        generate("expression", seed)


def test_options_that_admit_no_sound_exercise_say_so():
    with pytest.raises(ValueError, match="no expression exercise fit to work by hand"):
        generate("expression", 1, functions="log", depth=6)  # log(log(...)) of an input below 2 goes negative


# -- tutor generate ---------------------------------------------------------------------------------


def test_generate_prints_the_exercise(capsys):
    assert main(["generate", "expression", "--seed", "5", "--depth", "4", "--functions", "*,tanh"]) == 0
    out, err = capsys.readouterr()
    assert out == generate("expression", 5, depth=4, functions="*,tanh").text
    assert err == ""


def test_generate_without_a_seed_says_which_it_drew(capsys):
    assert main(["generate", "mlp", "--shape", "2,2,1"]) == 0
    out, err = capsys.readouterr()
    seed = int(err.split("--seed ")[1].split()[0])
    assert f"--seed {seed} " in tomllib.loads(out)["source"]
    assert out == generate("mlp", seed, shape="2,2,1").text


def test_generate_writes_a_file_and_refuses_to_overwrite_it(tmp_path, capsys):
    path = tmp_path / "fresh.toml"
    assert main(["generate", "mlp", "--seed", "8", "--samples", "3", "-o", str(path)]) == 0
    out, _ = capsys.readouterr()
    assert path.read_text(encoding="utf-8") == generate("mlp", 8, samples=3).text
    assert f"tutor run {path}" in out and "seed 8" in out
    assert main(["validate", str(path)]) == 0
    capsys.readouterr()

    assert main(["generate", "mlp", "--seed", "9", "-o", str(path)]) == 2
    out, err = capsys.readouterr()
    assert "already exists" in err and "--force" in err and out == ""
    assert path.read_text(encoding="utf-8") == generate("mlp", 8, samples=3).text

    assert main(["generate", "mlp", "--seed", "9", "-o", str(path), "--force"]) == 0
    assert path.read_text(encoding="utf-8") == generate("mlp", 9).text
    assert sorted(item.name for item in tmp_path.iterdir()) == ["fresh.toml"]  # no temporary file left behind


def test_generate_creates_missing_folders_and_reports_a_file_it_cannot_write(tmp_path, capsys):
    assert main(["generate", "expression", "--seed", "1", "-o", str(tmp_path / "new" / "x.toml")]) == 0
    assert (tmp_path / "new" / "x.toml").read_text(encoding="utf-8") == generate("expression", 1).text
    (tmp_path / "a-file").write_text("not a folder")
    assert main(["generate", "expression", "--seed", "1", "-o", str(tmp_path / "a-file" / "x.toml")]) == 2
    assert "cannot save" in (err := capsys.readouterr().err) and "a-file: a file has its name" in err


@pytest.mark.parametrize(
    "argv, message",
    [
        (["generate", "expression", "--depth", "9"], "depth must be a whole number from 2 to 6"),
        (["generate", "mlp", "--depth", "3"], "--depth is not an option of mlp exercises"),
        (["generate", "expression", "--shape", "2,3,1"], "--shape is not an option of expression exercises"),
        (["generate", "mlp", "--loss", "hinge"], "unknown loss 'hinge'"),
        (["generate", "mlp", "--seed", "-3"], "the seed must be a whole number"),
    ],
)
def test_generate_refuses_bad_options_with_exit_2(argv, message, capsys):
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("tutor generate: ") and message in err
    assert "Traceback" not in err


def test_generate_with_an_unreadable_number_is_an_argparse_error(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["generate", "expression", "--depth", "three"])
    assert exit_.value.code == 2
    assert "invalid int value" in capsys.readouterr().err
