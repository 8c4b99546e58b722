"""Training runs to compare side by side: what each run changes, and the trainer that runs it.

A run trains the exercise as written, or a variant of its network (another hidden size or
activation) built by the generator for the same dataset, so runs differ only in what was chosen.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..engine.graph import evaluate_input
from ..exercise.errors import ExerciseFileError, Problem
from ..exercise.model import MAX_TRAINING_STEPS, Exercise
from ..generate import generate
from ..generate.options import ACTIVATIONS  # variants are built by the generator: its activations and sizes
from ..generate.options import LAYER_SIZES as HIDDEN_SIZES
from .trainer import Trainer

DEFAULT_HIDDEN = 4
VARIANT_SEED = 0  # every variant starts from the same kind of small random weights


@dataclass(frozen=True)
class RunSettings:
    learning_rate: float
    steps: int
    dataset: bool = False  # train on the exercise's [training] dataset rather than its own numbers
    hidden: int | None = None  # None: the network as written
    activation: str | None = None

    @property
    def is_variant(self) -> bool:
        return self.hidden is not None or self.activation is not None

    def label(self, exercise: Exercise) -> str:
        data = exercise.training.dataset if self.dataset and exercise.training else "its own numbers"
        network = "as written"
        if self.is_variant:
            network = f"hidden {self.hidden or DEFAULT_HIDDEN}, {self.activation or ACTIVATIONS[0]}"
        return f"rate {self.learning_rate:g} · {self.steps} steps · {network} · {data}"


def read_settings(
    rate: str, steps: str, dataset: bool = False, hidden: str = "", activation: str | None = None
) -> RunSettings:
    """A run from the fields as typed; a ValueError says which field is wrong and why."""
    rate, steps, hidden = rate.strip(), steps.strip(), hidden.strip()
    try:
        learning_rate = float(rate)
    except ValueError:
        raise ValueError(f"the learning rate '{rate}' is not a number") from None
    if not 0 < learning_rate < float("inf"):
        raise ValueError("the learning rate must be a positive number")
    if not steps.isdecimal() or not 1 <= int(steps) <= MAX_TRAINING_STEPS:
        raise ValueError(f"the number of steps must be a whole number from 1 to {MAX_TRAINING_STEPS:,}")
    if hidden and (not hidden.isdecimal() or int(hidden) not in HIDDEN_SIZES):
        raise ValueError(f"the hidden size must be a whole number from {HIDDEN_SIZES.start} to {HIDDEN_SIZES.stop - 1}")
    return RunSettings(
        learning_rate, int(steps), dataset=dataset, hidden=int(hidden) if hidden else None, activation=activation
    )


def training_dataset(exercise: Exercise) -> str | None:
    """The dataset named in [training], if any (a [training] table may set only the rate and steps)."""
    return exercise.training.dataset if exercise.training is not None else None


def can_vary_network(exercise: Exercise) -> bool:
    """Variants need a dataset, which fixes the numbers of inputs and outputs of the network."""
    return training_dataset(exercise) is not None


def start_run(exercise: Exercise, settings: RunSettings) -> Trainer:
    """The trainer for one run; a problem (no such dataset, a variant of a graph that is not a network)
    raises ExerciseFileError with a message for the learner."""
    if not settings.is_variant:
        return Trainer(
            exercise,
            learning_rate=settings.learning_rate,
            dataset=training_dataset(exercise) if settings.dataset else None,
        )
    if not can_vary_network(exercise):
        raise ExerciseFileError(
            [
                Problem(
                    exercise.path,
                    None,
                    "only an exercise with a [training] dataset can be trained with another hidden size or activation",
                )
            ]
        )
    training = exercise.training
    # the loader refuses a dataset without the inputs that receive it
    assert training is not None and training.features is not None and training.targets is not None
    features, targets = exercise.inputs[training.features], exercise.inputs[training.targets]
    variant = generate(
        "mlp",
        VARIANT_SEED,
        shape=(_columns(features), settings.hidden or DEFAULT_HIDDEN, _columns(targets)),
        activation=settings.activation or ACTIVATIONS[0],
        dataset=training.dataset,
    )
    return Trainer(
        variant.exercise, learning_rate=settings.learning_rate, dataset=training.dataset if settings.dataset else None
    )


def _columns(spec) -> int:
    """The columns of a features or targets input: its rows are samples."""
    value = evaluate_input(spec)
    return value.shape[1] if value.ndim == 2 else 1


__all__ = ["ACTIVATIONS", "HIDDEN_SIZES", "RunSettings", "can_vary_network", "read_settings", "start_run"]
