"""Training: many steps of gradient descent on an exercise or a dataset, for `tutor train` and the tutor."""

from .trainer import (
    DEFAULT_LEARNING_RATE,
    DEFAULT_STEPS,
    Trainer,
    TrainingError,
    TrainingStep,
    default_dataset,
    default_learning_rate,
    default_steps,
    train,
)

__all__ = [
    "DEFAULT_LEARNING_RATE",
    "DEFAULT_STEPS",
    "Trainer",
    "TrainingError",
    "TrainingStep",
    "default_dataset",
    "default_learning_rate",
    "default_steps",
    "train",
]
