"""The few real rows of the shipped datasets that a generated exercise puts in front of the learner.

Only these rows are needed to write the exercise (the learner works them by hand); the [training]
table names the dataset, and training reads the whole of it from the shipped file.
"""

from __future__ import annotations

from dataclasses import dataclass


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
    rows: tuple[DatasetRow, ...]
    default_shape: tuple[int, ...]
    default_loss: str
    default_samples: int
    learning_rate: str  # for the [training] table, written as is
    steps: int
    description: str

    def target_row(self, row: DatasetRow) -> list[int]:
        """The row of Y, in hundredths: the 0/1 target, or the class one-hot."""
        if self.outputs == 1:
            return [row.target * 100]
        return [100 if index == row.target else 0 for index in range(self.outputs)]


XOR = Dataset(
    name="xor", features=2, outputs=1,
    rows=(DatasetRow(1, (0, 0), 0, "0"), DatasetRow(2, (0, 100), 1, "1"), DatasetRow(3, (100, 0), 1, "1"),
          DatasetRow(4, (100, 100), 0, "0")),
    default_shape=(2, 3, 1), default_loss="binary_cross_entropy", default_samples=4, learning_rate="1", steps=2000,
    description="XOR: the output is 1 when exactly one of the two inputs is 1. No straight line separates the "
                "classes, so the network needs its hidden layer.",
)

# Rows 1-2 are setosa, 51-52 versicolor, 101-102 virginica (Fisher's iris data, UCI order).
IRIS = Dataset(
    name="iris", features=4, outputs=3,
    rows=(DatasetRow(1, (510, 350, 140, 20), 0, "setosa"), DatasetRow(2, (490, 300, 140, 20), 0, "setosa"),
          DatasetRow(51, (700, 320, 470, 140), 1, "versicolor"), DatasetRow(52, (640, 320, 450, 150), 1, "versicolor"),
          DatasetRow(101, (630, 330, 600, 250), 2, "virginica"), DatasetRow(102, (580, 270, 510, 190), 2, "virginica")),
    default_shape=(4, 3, 3), default_loss="cross_entropy", default_samples=3, learning_rate="0.5", steps=500,
    description="Fisher's iris flowers: sepal length, sepal width, petal length and petal width in cm; the class is "
                "setosa, versicolor or virginica.",
)

DATASETS = {dataset.name: dataset for dataset in (XOR, IRIS)}
