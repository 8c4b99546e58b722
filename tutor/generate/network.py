"""Multilayer perceptrons written with matrices and `@`, as the catalog writes networks.

One sample is a vector x and each layer is ``z = W @ x + b`` with W of size out×in (one row per
unit); a batch is a matrix X with one sample per row and each layer is ``z = X @ W + b`` with W of
size in×out (one column per unit), the loss the mean over the samples. The weights are drawn unit
by unit while the forward pass is computed, and each unit's bias is chosen so that its
pre-activation suits its activation (no saturated sigmoid, no dead ReLU), so almost every draft is
sound; the engine's solution has the final word (checks.py).
"""

from __future__ import annotations

import random

import numpy as np

from ..engine import Solution
from ..engine.operations import apply
from ..exercise import ExerciseFileError
from ..exercise.operations import OPERATION_TABLE
from .checks import MIN_LOSS_DROP
from .datasets import DATASETS, IRIS, Dataset, DatasetRow
from .numbers import array_text, draw_hundredths, paragraph, spoken_list, toml_list, toml_string, value_of
from .options import SOURCE_PREFIX, command_line
from .result import MAX_ATTEMPTS, GeneratedExercise, exhausted, judged, load_and_solve, sound

INPUT_LIMIT = 200  # hundredths: features in [-2, 2]
WEIGHT_LIMIT = 100  # weights in [-1, 1]
SMALL_WEIGHT_LIMIT = 30  # for iris, whose features reach 7.9 cm: small weights keep the sigmoids unsaturated
BIASES = tuple(count for count in range(-50, 51, 10) if count)  # -0.5 ... 0.5, never 0
TARGET_LIMIT = 150
UNIT_TRIES = 30
LEARNING_RATES = ("1", "0.5", "0.1", "0.05", "0.01")  # the largest that lowers the loss is written
# |z| allowed before a hidden activation: inside the saturation limit, away from the kink of a ReLU
SATURATING_PRE_ACTIVATION, PRE_ACTIVATION = (0.1, 3.0), (0.1, 5.0)
OUTPUT_PRE_ACTIVATION = {"mse": (0.0, 5.0), "binary_cross_entropy": (0.1, 3.0), "cross_entropy": (0.0, 3.0)}
LOSS_WORDS = {
    "mse": "the squared error",
    "binary_cross_entropy": "a sigmoid output and the log loss",
    "cross_entropy": "a softmax output and the cross-entropy",
}
LOSS_TAGS = {"mse": "mse", "binary_cross_entropy": "log-loss", "cross_entropy": "cross-entropy"}


def _activate(activation: str, z: float) -> float:
    """The activation's value, by the engine, with the numbers the generator writes for its other parameters."""
    arguments = [np.asarray(z), *(np.asarray(float(text)) for text in OPERATION_TABLE[activation].generator_args)]
    return float(apply(activation, arguments)[0])


class _Draft:
    """One attempt at a network: data, then weights and biases layer by layer, then targets."""

    def __init__(self, rng: random.Random, options: dict):
        self.rng = rng
        self.shape: tuple[int, ...] = options["shape"]
        self.activation: str = options["activation"]
        self.loss: str = options["loss"]
        self.samples: int = options["samples"]
        self.dataset: Dataset | None = DATASETS.get(options["dataset"] or "")
        self.rows: list[DatasetRow] = []
        self.features: list[list[int]] = []  # n×d hundredths
        self.layers: list[tuple[list[list[int]], list[int]]] = []  # (weights out×in, biases) in hundredths
        self.targets: list[list[int]] = []  # n×k hundredths

    def build(self) -> bool:
        if self.dataset is not None:
            self.rows = self.dataset_rows()
            if not self.rows:
                return False
            self.features = [list(row.features) for row in self.rows]
        else:
            self.features = [
                [draw_hundredths(self.rng, INPUT_LIMIT) for _ in range(self.shape[0])] for _ in range(self.samples)
            ]
        activations = [[value_of(count) for count in row] for row in self.features]
        last = len(self.shape) - 1
        for layer, (fan_in, fan_out) in enumerate(zip(self.shape, self.shape[1:]), start=1):
            spec = OPERATION_TABLE[self.activation]
            hidden = SATURATING_PRE_ACTIVATION if spec.saturates else PRE_ACTIVATION
            limits = OUTPUT_PRE_ACTIVATION[self.loss] if layer == last else hidden
            weight_limit = SMALL_WEIGHT_LIMIT if self.dataset is IRIS and layer == 1 else WEIGHT_LIMIT
            weights: list[list[int]] = []
            biases: list[int] = []
            columns: list[list[float]] = []
            needs_live_units = layer < last and spec.dead_below_zero
            for _ in range(fan_out):
                unit = self.unit(activations, fan_in, weights, weight_limit, limits, needs_live_units)
                if unit is None:
                    return False
                weights.append(unit[0])
                biases.append(unit[1])
                columns.append(unit[2])
            self.layers.append((weights, biases))
            outputs = [list(row) for row in zip(*columns)]
            activations = (
                outputs if layer == last else [[_activate(self.activation, z) for z in row] for row in outputs]
            )
        return self.draw_targets(activations)

    def dataset_rows(self) -> list[DatasetRow]:
        """Rows that show every feature and more than one class (else some gradients are 0)."""
        dataset = self.dataset
        assert dataset is not None  # asked for only when the network is drawn on a dataset
        for _ in range(UNIT_TRIES):
            chosen = [dataset.rows[index] for index in sorted(self.rng.sample(range(len(dataset.rows)), self.samples))]
            classes = {row.target for row in chosen}
            every_feature = all(any(row.features[column] for row in chosen) for column in range(dataset.features))
            if every_feature and len(classes) == min(self.samples, max(dataset.outputs, 2)):
                return chosen
        return []

    def unit(
        self,
        inputs: list[list[float]],
        fan_in: int,
        others: list[list[int]],
        weight_limit: int,
        limits: tuple[float, float],
        needs_live_units: bool,
    ) -> tuple[list[int], int, list[float]] | None:
        """A unit's weights, bias and pre-activation per sample, with every |z| within the limits."""
        low, high = limits
        for _ in range(UNIT_TRIES):
            weights = [draw_hundredths(self.rng, weight_limit) for _ in range(fan_in)]
            if weights in others:  # two units with the same weights would stay the same forever
                continue
            sums = [sum(value_of(weight) * value for weight, value in zip(weights, row)) for row in inputs]
            biases = list(BIASES)
            self.rng.shuffle(biases)
            for bias in biases:
                z = [total + value_of(bias) for total in sums]
                # alive on more than half the samples: any two ReLU units then share a sample where both pass
                # a gradient, so no weight between them is left with none
                if all(low <= abs(value) <= high for value in z) and (
                    not needs_live_units or 2 * sum(value > 0 for value in z) > len(z)
                ):
                    return weights, bias, z
        return None

    def draw_targets(self, predictions: list[list[float]]) -> bool:
        outputs = self.shape[-1]
        if self.dataset is not None:
            self.targets = [self.dataset.target_row(row) for row in self.rows]
        elif self.loss == "cross_entropy":
            self.targets = [
                [100 if index == label else 0 for index in range(outputs)]
                for label in (self.rng.randrange(outputs) for _ in range(self.samples))
            ]
        elif self.loss == "binary_cross_entropy":
            self.targets = [[100 * self.rng.randint(0, 1)] for _ in range(self.samples)]
        else:
            for row in predictions:
                targets = []
                for prediction in row:
                    for _ in range(UNIT_TRIES):  # a target too close to the prediction leaves no gradient
                        target = draw_hundredths(self.rng, TARGET_LIMIT, allow_zero=True)
                        if abs(value_of(target) - prediction) >= 0.2:
                            break
                    else:
                        return False
                    targets.append(target)
                self.targets.append(targets)
        return True


def generate_network(rng: random.Random, seed: int, options: dict) -> GeneratedExercise:
    name = _name(seed, options)
    command = command_line("mlp", seed, options)
    for _ in range(MAX_ATTEMPTS):
        draft = _Draft(rng, options)
        if not draft.build():
            continue
        # written first with the largest learning rate, the one most drafts get: those are loaded and solved once
        # (the values and gradients the rate is chosen from do not depend on it)
        largest = LEARNING_RATES[0]
        generated, solution = load_and_solve(_render(draft, command, options, learning_rate=largest), name)
        solved_at_largest = solution is not None
        if not solved_at_largest:  # perhaps only the step at that rate overflows
            _, solution = load_and_solve(_render(draft, command, options, learning_rate=None), name)
        rate = _learning_rate(solution) if solution is not None else None
        if rate is None:
            continue
        if rate == largest and solved_at_largest:
            found = judged(generated, solution)
        else:
            found = sound(_render(draft, command, options, learning_rate=rate), name)
        if found is not None:
            return found[0]
    raise exhausted("mlp", "choose smaller layers or fewer samples")


def _learning_rate(solution: Solution) -> str | None:
    """The largest of LEARNING_RATES whose step lowers the loss clearly."""
    graph, output = solution.graph, solution.output
    params = solution.exercise.params
    for text in LEARNING_RATES:
        rate = float(text)
        stepped = {name: solution.values[name] - rate * solution.grads[name] for name in params}
        try:
            after, _ = graph.forward({**graph.inputs, **stepped})
        except ExerciseFileError:
            continue
        if after[output] < solution.values[output] * (1 - MIN_LOSS_DROP):
            return text
    return None


def _name(seed: int, options: dict) -> str:
    parts = ["generated-mlp", *map(str, options["shape"]), options["activation"].replace("_", "-")]
    if options["loss"] != "mse":
        parts.append(LOSS_TAGS[options["loss"]])
    if options["dataset"]:
        parts.append(options["dataset"])
    elif options["samples"] > 1:
        parts.append(f"batch-{options['samples']}")
    return "-".join([*parts, "seed", str(seed)])


def _activation_text(activation: str, argument: str) -> str:
    return f"{activation}({', '.join((argument, *OPERATION_TABLE[activation].generator_args))})"


def _graph(draft: _Draft) -> list[tuple[str, str]]:
    """The nodes, (name, expression), for one sample or for a batch."""
    batch = draft.samples > 1
    last = len(draft.shape) - 1
    outputs = draft.shape[-1]
    target = "Y" if batch else "y"
    previous = "X" if batch else "x"
    nodes = []
    for layer in range(1, last + 1):
        affine = f"{previous} @ W{layer} + b{layer}" if batch else f"W{layer} @ {previous} + b{layer}"
        if layer < last:
            nodes += [(f"z{layer}", affine), (f"h{layer}", _activation_text(draft.activation, f"z{layer}"))]
            previous = f"h{layer}"
        elif draft.loss == "mse":
            nodes.append(("yhat", affine))
        else:
            nodes.append((f"z{layer}", affine))
    if draft.loss == "mse":
        nodes.append(("L", f"(yhat - {target})^2" if outputs == 1 and not batch else f"mean((yhat - {target})^2)"))
    elif draft.loss == "binary_cross_entropy":
        log_likelihood = f"{target}*log(yhat) + (1 - {target})*log(1 - yhat)"
        nodes += [("yhat", f"sigmoid(z{last})"), ("L", f"-mean({log_likelihood})" if batch else f"-({log_likelihood})")]
    elif batch:  # softmax works row by row; @ ones sums each row into that sample's cross-entropy
        ones = "[" + ", ".join(["1"] * outputs) + "]"
        nodes += [("yhat", f"softmax(z{last})"), ("nll", f"-(Y*log(yhat)) @ {ones}"), ("L", "mean(nll)")]
    else:
        nodes += [("yhat", f"softmax(z{last})"), ("L", "-sum(y*log(yhat))")]
    return nodes


def _inputs(draft: _Draft) -> list[tuple[str, str]]:
    batch = draft.samples > 1
    single_output = draft.shape[-1] == 1 and not batch  # written as a vector and a number, so yhat is a number
    rows = [("X", array_text(draft.features))] if batch else [("x", array_text(draft.features[0]))]
    for layer, (weights, biases) in enumerate(draft.layers, start=1):
        last = layer == len(draft.layers)
        written: list[list[int]] | list[int]
        bias: list[int] | int
        if batch:
            written, bias = [list(column) for column in zip(*weights)], biases
        elif last and single_output:
            written, bias = weights[0], biases[0]
        else:
            written, bias = weights, biases
        rows += [(f"W{layer}", array_text(written)), (f"b{layer}", array_text(bias))]
    if batch:
        rows.append(("Y", array_text(draft.targets)))
    else:
        rows.append(("y", array_text(draft.targets[0][0] if single_output else draft.targets[0])))
    return rows


def _render(draft: _Draft, command: str, options: dict, learning_rate: str | None) -> str:
    shape, batch, dataset = draft.shape, draft.samples > 1, draft.dataset
    shape_text = "-".join(map(str, shape))
    hidden = shape[1:-1]
    nodes = _graph(draft)
    params = [name for layer in range(1, len(shape)) for name in (f"W{layer}", f"b{layer}")]
    title = f"Generated {shape_text} network: "
    title += f"{draft.activation} hidden units, " if hidden else ""
    title += LOSS_WORDS[draft.loss].removeprefix("the ").removeprefix("a ")
    title += f", {dataset.name} rows" if dataset else (f", a batch of {draft.samples}" if batch else ", one sample")
    width = max(len(name) for name, _ in nodes)
    description = [
        paragraph(_summary(draft, hidden)),
        "",
        *(f"    {name.ljust(width)} = {text}" for name, text in nodes),
        "",
        paragraph(_shapes(draft)),
    ]
    if dataset is not None:
        numbers = spoken_list(str(row.number) for row in draft.rows)
        description += [
            "",
            paragraph(
                f"X holds rows {numbers} of the {dataset.name} dataset. {dataset.description} Y is "
                f"{'the target' if dataset.outputs == 1 else 'the class, one-hot'}. After the step by hand, `tutor train` "
                f"runs {dataset.steps} steps of gradient descent on the whole dataset."
            ),
        ]
    step = (
        f"one gradient-descent step with learning rate {learning_rate}"
        if learning_rate
        else "one gradient-descent step"
    )
    description += [
        "",
        paragraph(
            "Do the forward pass, backpropagate to the gradient of the loss L with respect to "
            f"every weight and bias, then take {step}: the loss goes down."
        ),
        "",
        paragraph(f"Made by `{command}`: the same command makes the same exercise."),
    ]
    tags = ["generated", "network", "mlp", "matrix"]
    tags += [draft.activation.replace("_", "-")] if hidden else []
    tags += [LOSS_TAGS[draft.loss], *(["batch"] if batch else []), "gradient-descent"]
    tags += [dataset.name] if dataset else []
    difficulty = min(5, 2 + bool(hidden) + batch + (len(hidden) > 1))
    lines = [
        f"title = {toml_string(title)}",
        "description = '''",
        *description,
        "'''",
        f"source = {toml_string(SOURCE_PREFIX + command)}",
        f"tags = {toml_list(tags)}",
        f"difficulty = {difficulty}",
        f"params = {toml_list(params)}",
    ]
    if options["ask"] is not None:
        lines.append(f"ask = {toml_list(options['ask'])}")
    lines += ["", "[inputs]", *(f"{name} = {text}" for name, text in _inputs(draft))]
    lines += ["", "[graph]", *(f"{name} = {toml_string(text)}" for name, text in nodes)]
    if learning_rate is not None:
        lines += ["", "[update]", f"learning_rate = {learning_rate}"]
    if dataset is not None:
        lines += [
            "",
            "[training]",
            f"dataset = {toml_string(dataset.name)}",
            'features = "X"',
            'targets = "Y"',
            'accuracy = "yhat"',
            f"learning_rate = {dataset.learning_rate}",
            f"steps = {dataset.steps}",
        ]
    return "\n".join(lines) + "\n"


def _summary(draft: _Draft, hidden: tuple[int, ...]) -> str:
    inputs, outputs = draft.shape[0], draft.shape[-1]
    layers = " and ".join(str(size) for size in hidden)
    middle = f", hidden layer{'s' if len(hidden) > 1 else ''} of {layers} {draft.activation} units" if hidden else ""
    sample = (
        f"a batch of {draft.samples} samples, and the loss is the mean over the samples"
        if draft.samples > 1
        else "one sample"
    )
    return (
        f"A network made up for practice: {inputs} input{'s' if inputs > 1 else ''}{middle}, {outputs} "
        f"output{'s' if outputs > 1 else ''} with {LOSS_WORDS[draft.loss]}; {sample}."
    )


def _shapes(draft: _Draft) -> str:
    """Where each number goes: the sizes of W and b, and how a batch is laid out."""
    batch = draft.samples > 1
    last = len(draft.shape) - 1
    parts = []
    for layer, (fan_in, fan_out) in enumerate(zip(draft.shape, draft.shape[1:]), start=1):
        if batch:
            parts.append(f"W{layer} is {fan_in}×{fan_out}")
        elif layer == last and fan_out == 1:
            parts.append(f"W{layer} is a vector of {fan_in} and b{layer} a number, so yhat is a number")
        else:
            parts.append(f"W{layer} is {fan_out}×{fan_in}")
    if batch:
        text = (
            f"Each row of X is one sample ({draft.samples}×{draft.shape[0]}) and each column of W one unit: "
            + "; ".join(parts)
            + ". Each bias is added to every row."
        )
        if draft.loss == "cross_entropy":
            text += (
                " The softmax works row by row, so each row of yhat is one sample's probabilities; the product "
                "with a vector of ones adds up each row, so nll is each sample's cross-entropy."
            )
        return text
    return "Each row of W is one unit: " + "; ".join(parts) + "."
