"""The few real rows of the shipped datasets that a generated exercise puts in front of the learner.

Only these rows are needed to write the exercise (the learner works them by hand), read from the
shipped file like training reads all of it; the [training] table names the dataset.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from ..exercise.datasets import load_dataset


@dataclass(frozen=True)
class DatasetRow:
    number: int  # the row's number in the dataset's file (1-based), quoted in the description
    features: tuple[int, ...]  # in hundredths, like every generated number
    target: int  # the class index (0, 1, ...), or the 0/1 target of a single-output dataset
    label: str


@dataclass(frozen=True)
class Dataset:
    name: str
    features: int  # d: the width of the feature matrix X
    outputs: int  # k: 1 for a 0/1 target, else the number of classes (Y one-hot)
    row_numbers: tuple[int, ...]  # the rows offered to the learner, 1-based as in the file
    default_shape: tuple[int, ...]
    default_loss: str
    default_samples: int
    learning_rate: str  # for the [training] table, written as is
    steps: int
    description: str

    @cached_property
    def rows(self) -> tuple[DatasetRow, ...]:
        shipped = load_dataset(self.name)
        rows = []
        for number in self.row_numbers:
            features = tuple(round(float(value) * 100) for value in shipped.features[number - 1])  # 2-decimal data
            targets = shipped.targets[number - 1]
            if self.outputs == 1:
                target = int(targets[0])
                label = str(target)
            else:
                target = int(targets.argmax())
                label = shipped.target_names[target]
            rows.append(DatasetRow(number, features, target, label))
        return tuple(rows)

    def target_row(self, row: DatasetRow) -> list[int]:
        """The row of Y, in hundredths: the 0/1 target, or the class one-hot."""
        if self.outputs == 1:
            return [row.target * 100]
        return [100 if index == row.target else 0 for index in range(self.outputs)]


XOR = Dataset(
    name="xor",
    features=2,
    outputs=1,
    row_numbers=(1, 2, 3, 4),
    default_shape=(2, 3, 1),
    default_loss="binary_cross_entropy",
    default_samples=4,
    learning_rate="1",
    steps=2000,
    description="XOR: the output is 1 when exactly one of the two inputs is 1. No straight line separates the "
    "classes, so the network needs its hidden layer.",
)

# Rows 1-2 are setosa, 51-52 versicolor, 101-102 virginica (Fisher's iris data, UCI order).
IRIS = Dataset(
    name="iris",
    features=4,
    outputs=3,
    row_numbers=(1, 2, 51, 52, 101, 102),
    default_shape=(4, 3, 3),
    default_loss="cross_entropy",
    default_samples=3,
    learning_rate="0.5",
    steps=500,
    description="Fisher's iris flowers: sepal length, sepal width, petal length and petal width in cm; the class is "
    "setosa, versicolor or virginica.",
)

DATASETS = {dataset.name: dataset for dataset in (XOR, IRIS)}
