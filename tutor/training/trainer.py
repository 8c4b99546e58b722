"""Gradient descent over many steps, on a dataset or on the exercise's own numbers (no Textual here).

Each step is the update the tutor teaches by hand, p ← p − learning_rate · dL/dp, with the
gradients from the same reverse pass as the worked solution; the forward and the backward pass run
on the whole batch at once (a dataset's n rows are one n x d matrix).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from ..engine.graph import Graph, Values, reverse_pass
from ..exercise.datasets import LoadedDataset, load_dataset
from ..exercise.errors import ExerciseFileError, Problem
from ..exercise.model import MAX_TRAINING_STEPS, Exercise, TrainingSpec
from ..exercise.shapes import describe_shape
from ..exercise.suggestion import suggestion

DEFAULT_LEARNING_RATE = 0.1
DEFAULT_STEPS = 100


class TrainingError(Exception):
    """Training that cannot go on (it diverged), or a setting that cannot be used."""


@dataclass(frozen=True)
class TrainingStep:
    step: int  # 0 = before any update
    loss: float
    accuracy: float | None  # None when the exercise has no [training].accuracy node


def default_steps(exercise: Exercise) -> int:
    """[training].steps, else 100."""
    if exercise.training is not None and exercise.training.steps is not None:
        return exercise.training.steps
    return DEFAULT_STEPS


def default_learning_rate(exercise: Exercise) -> float:
    """[training].learning_rate, else [update].learning_rate, else 0.1."""
    if exercise.training is not None and exercise.training.learning_rate is not None:
        return exercise.training.learning_rate
    return exercise.update.learning_rate if exercise.update is not None else DEFAULT_LEARNING_RATE


def default_dataset(exercise: Exercise) -> str | None:
    """[training].dataset, what `tutor train` trains on unless told otherwise; None: the exercise's own numbers."""
    return exercise.training.dataset if exercise.training is not None else None


class Trainer:
    """Gradient descent on one exercise; ``steps()`` hands out the loss after every update.

    The learning rate is the one given, else ``default_learning_rate``. The parameters are the ones
    given, else [update].params, else the exercise's params (without the inputs that receive a
    dataset). Without a dataset the exercise trains on its own numbers; a dataset (a shipped name,
    or a CSV file relative to the exercise file, like [training].dataset; ``default_dataset`` gives
    the file's own) replaces the [training] features and targets inputs with its whole matrices.
    """

    def __init__(
        self,
        exercise: Exercise,
        learning_rate: float | None = None,
        params: Sequence[str] | None = None,
        dataset: str | Path | None = None,
    ):
        self.exercise = exercise
        self.graph = Graph(exercise)
        self.output = exercise.output
        self._spec = exercise.training or TrainingSpec()
        self.learning_rate = self._resolve_learning_rate(learning_rate)
        self.dataset: LoadedDataset | None = self._load_dataset(dataset)
        self._inputs: Values = {**self.graph.inputs, **self._dataset_inputs()}
        self.params: tuple[str, ...] = self._resolve_params(params)
        self.values: Values = {name: self._inputs[name] for name in self.params}
        self._started = False
        try:
            values, evaluated = self.graph.forward({**self._inputs, **self.values})
        except ExerciseFileError as error:
            raise self._with_dataset_note(error) from None
        self._check_shapes(values)
        self._latest, self._grads = self._measure(0, values, evaluated)

    # -- stepping ----------------------------------------------------------------------------
    def steps(self, count: int) -> Iterator[TrainingStep]:
        """The loss before any update (on the first call only), then after each of ``count`` updates."""
        if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= MAX_TRAINING_STEPS:
            raise TrainingError(
                f"the number of steps must be a whole number from 0 to {MAX_TRAINING_STEPS:,}, not {count}"
            )
        if not self._started:
            self._started = True
            yield self._latest
        for _ in range(count):
            self._update()
            yield self._latest

    def _update(self) -> None:
        step = self._latest.step + 1
        with np.errstate(over="ignore", invalid="ignore"):
            updated = {name: self.values[name] - self.learning_rate * self._grads[name] for name in self.params}
        for name, value in updated.items():
            if not np.all(np.isfinite(value)):
                raise TrainingError(self._diverged(step, f"the new value of '{name}' is too large to represent"))
        try:
            values, evaluated = self.graph.forward({**self._inputs, **updated})
            latest, grads = self._measure(step, values, evaluated)
        except ExerciseFileError as error:
            raise TrainingError(self._diverged(step, error.problems[0].message)) from None
        if not math.isfinite(latest.loss):
            raise TrainingError(self._diverged(step, f"the loss is {latest.loss}"))
        for name, gradient in grads.items():
            if not np.all(np.isfinite(gradient)):
                raise TrainingError(self._diverged(step, f"the gradient of '{name}' is infinite or undefined"))
        self.values.update(updated)
        self._latest, self._grads = latest, grads

    def _measure(self, step: int, values: Values, evaluated) -> tuple[TrainingStep, Values]:
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # _update refuses infinite gradients
            grads = reverse_pass(values, evaluated, self.output, self.params)
        return TrainingStep(step, float(values[self.output]), self._accuracy(values)), grads

    def _accuracy(self, values: Values) -> float | None:
        """The share of rows predicted right: the largest column per row, or above 0.5 for one column."""
        if self._spec.accuracy is None or self._spec.targets is None:  # the loader refuses accuracy without targets
            return None
        assert self._spec.targets is not None  # the loader refuses accuracy without targets
        targets, predictions = _as_rows(values[self._spec.targets]), _as_rows(values[self._spec.accuracy])
        if targets.shape[1] > 1:
            right = predictions.argmax(axis=1) == targets.argmax(axis=1)
        else:
            right = (predictions[:, 0] > 0.5) == (targets[:, 0] > 0.5)
        return float(np.mean(right))

    def _diverged(self, step: int, reason: str) -> str:
        return (
            f"training diverged at step {step} with learning rate {self.learning_rate:g}: {reason}. "
            "Try a smaller learning rate."
        )

    # -- settings ----------------------------------------------------------------------------
    def _problem(self, line: int | None, message: str) -> ExerciseFileError:
        return ExerciseFileError([Problem(self.exercise.path, line, message)])

    @property
    def has_accuracy(self) -> bool:
        return self._spec.accuracy is not None

    def _resolve_learning_rate(self, requested: float | None) -> float:
        rate = default_learning_rate(self.exercise) if requested is None else requested
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not math.isfinite(rate) or rate <= 0:
            raise TrainingError(f"the learning rate must be a positive number, not {rate}")
        return float(rate)

    def _resolve_params(self, requested: Sequence[str] | None) -> tuple[str, ...]:
        data_inputs = {
            name: role
            for name, role in ((self._spec.features, "features"), (self._spec.targets, "targets"))
            if name is not None
        }
        if requested is not None:
            names = list(dict.fromkeys(requested))
        elif self.exercise.update is not None:
            names = list(self.exercise.update.params)
        else:
            names = [name for name in self.exercise.params if name not in data_inputs]
        for name in names:
            if name not in self.graph.inputs:
                raise self._problem(
                    None,
                    f"cannot train '{name}': it is not an input of the exercise"
                    f"{suggestion(name, self.graph.inputs)}; the inputs are "
                    f"{', '.join(self.graph.inputs)}",
                )
            if name in data_inputs:
                raise self._problem(
                    None,
                    f"cannot train '{name}': it holds the {data_inputs[name]} of the data "
                    "([training]), not a parameter",
                )
        if not names:
            raise self._problem(None, "there are no parameters to train")
        return tuple(names)

    def _load_dataset(self, requested: str | Path | None) -> LoadedDataset | None:
        spec, exercise = self._spec, self.exercise
        if requested is None:
            return None
        if spec.features is None or spec.targets is None:
            raise self._problem(
                spec.line,
                "training on a dataset needs a [training] table naming the inputs that "
                'receive it, like features = "X" and targets = "Y" (see '
                "docs/exercise-format.md)",
            )
        if exercise.batch is not None:
            raise self._problem(
                exercise.line_of(exercise.output),
                "training on a dataset needs an exercise without "
                "[batch]: write the graph for a matrix of samples "
                "(like Z = X @ W + b) instead",
            )
        folder = exercise.path.parent if exercise.path is not None else None
        cited_at = (exercise.path, spec.dataset_line) if str(requested) == spec.dataset else None
        return load_dataset(requested, folder, cited_at)

    def _dataset_inputs(self) -> Values:
        """The dataset's matrices for the features and targets inputs, when their columns fit."""
        dataset = self.dataset
        if dataset is None:
            return {}
        # _load_dataset refused a dataset without both names
        assert self._spec.features is not None and self._spec.targets is not None
        found: Values = {}
        problems = []
        for role, name, matrix, columns in (
            ("feature", self._spec.features, dataset.features, dataset.feature_names),
            ("target", self._spec.targets, dataset.targets, dataset.target_names),
        ):
            if name is None:  # the loader refuses a dataset without both inputs named
                continue
            given = self.graph.inputs[name]
            count = matrix.shape[1]
            if given.ndim == 2 and given.shape[1] == count:
                found[name] = matrix
            elif given.ndim == 1 and count == 1:
                found[name] = matrix[:, 0]
            else:
                problems.append(
                    Problem(
                        self.exercise.path,
                        self.exercise.line_of(name),
                        f"the dataset '{dataset.name}' has {count} {role} column{'s' if count > 1 else ''} "
                        f"({', '.join(columns)}), so input '{name}' must be a matrix with {count} column"
                        f"{'s' if count > 1 else ''}, one row per sample; it is {describe_shape(given.shape)}",
                    )
                )
        if problems:
            raise ExerciseFileError(problems)
        return found

    def _with_dataset_note(self, error: ExerciseFileError) -> ExerciseFileError:
        if self.dataset is None:
            return error
        note = (
            f" (training on the dataset '{self.dataset.name}': {self.dataset.rows} rows in "
            f"'{self._spec.features}' and '{self._spec.targets}')"
        )
        return ExerciseFileError([replace(problem, message=problem.message + note) for problem in error.problems])

    def _check_shapes(self, values: Values) -> None:
        loss = values[self.output]
        if loss.ndim:
            raise self._problem(
                self.exercise.line_of(self.output),
                f"training needs a loss that is a single number, but '{self.output}' is "
                f"{describe_shape(loss.shape)}: wrap it in sum(...) or mean(...)",
            )
        node, targets_name = self._spec.accuracy, self._spec.targets
        if node is not None and targets_name is not None:
            predictions, targets = values[node], values[targets_name]
            if _as_rows(predictions).shape != _as_rows(targets).shape:
                raise self._problem(
                    self.exercise.line_of(node),
                    f"the accuracy node '{node}' is {describe_shape(predictions.shape)}, but the "
                    f"targets '{targets_name}' are {describe_shape(targets.shape)}: it needs one row "
                    "of predictions per row of targets",
                )


def _as_rows(targets: np.ndarray) -> np.ndarray:
    """Targets as a matrix with one row per sample: a vector is one target per row, a number one row."""
    return targets.reshape(len(targets) if targets.ndim else 1, -1)


def train(
    exercise: Exercise,
    steps: int | None = None,
    learning_rate: float | None = None,
    params: Sequence[str] | None = None,
    dataset: str | Path | None = None,
) -> list[TrainingStep]:
    """The loss before any update and after each of ``steps`` updates (default: [training].steps, else 100).

    Like ``Trainer``, without a dataset this trains on the exercise's own numbers.
    """
    trainer = Trainer(exercise, learning_rate, params, dataset)
    return list(trainer.steps(default_steps(exercise) if steps is None else steps))
