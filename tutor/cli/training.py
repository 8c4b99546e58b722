"""`tutor train`: many steps of gradient descent, the loss (and accuracy) as a table and a sparkline."""

from __future__ import annotations

import argparse
import json
import sys

import numpy as np
from rich.table import Table

from ..engine.formatting import format_number, format_value
from ..exercise import resolve_exercise
from ..exercise.datasets import find_dataset
from ..exercise.shown import visible
from ..training import Trainer, TrainingError, TrainingStep, default_dataset, default_steps
from .commands import console, plain
from .exit_codes import EXIT_OK, EXIT_UNUSABLE

TABLE_ROWS = 11  # steps shown in the table, evenly spaced from the first to the last
SPARK_WIDTH = 40
SPARK_LEVELS = "▁▂▃▄▅▆▇█"


def command_train(arguments: argparse.Namespace) -> int:
    exercise = resolve_exercise(arguments.exercise)
    steps = default_steps(exercise) if arguments.steps is None else arguments.steps
    params = [name.strip() for name in arguments.params.split(",") if name.strip()] if arguments.params else None
    # --dataset is a shipped name or a path from the working folder; the file's own is relative to the file
    dataset = find_dataset(arguments.dataset).resolve() if arguments.dataset is not None else default_dataset(exercise)
    try:
        trainer = Trainer(exercise, learning_rate=arguments.lr, params=params, dataset=dataset)
    except TrainingError as error:
        return _refuse(arguments, str(error))
    history: list[TrainingStep] = []
    failure = None
    try:
        history.extend(trainer.steps(steps))
    except TrainingError as error:
        failure = str(error)
    if not history:  # refused before the first step: a bad --steps
        return _refuse(arguments, failure or "no training step could be run")
    if arguments.json:
        result = {
            "exercise": exercise.name,
            "learning_rate": trainer.learning_rate,
            "params": list(trainer.params),
            "steps": steps,
            "dataset": trainer.dataset.name if trainer.dataset else None,
            "losses": [step.loss for step in history],
            "accuracies": [step.accuracy for step in history] if history[0].accuracy is not None else None,
        }
        if failure:
            result["error"] = failure
        print(json.dumps(result, indent=2))
    else:
        _print_report(trainer, history)
    if failure:
        print(visible(f"tutor train: {failure}"), file=sys.stderr)
        return EXIT_UNUSABLE
    return EXIT_OK


def _refuse(arguments: argparse.Namespace, message: str) -> int:
    if arguments.json:
        print(json.dumps({"error": message}, indent=2))
    print(visible(f"tutor train: {message}"), file=sys.stderr)
    return EXIT_UNUSABLE


def _print_report(trainer: Trainer, history: list[TrainingStep]) -> None:
    exercise = trainer.exercise
    data = (
        f"the dataset '{trainer.dataset.name}' ({trainer.dataset.rows} rows)"
        if trainer.dataset
        else "the exercise's own numbers"
    )
    console.print(plain(exercise.title, "bold"))
    console.print(
        f"Gradient descent on {data}: learning rate {trainer.learning_rate:g}, "
        f"parameters {', '.join(trainer.params)}, loss '{trainer.output}'."
    )
    accuracies = [step.accuracy for step in history if step.accuracy is not None]
    with_accuracy = len(accuracies) == len(history)
    table = Table(
        title="Loss by step", title_justify="left", caption="step 0: before any update", caption_justify="left"
    )
    table.add_column("step", justify="right")
    table.add_column("loss", justify="right")
    if with_accuracy:
        table.add_column("accuracy", justify="right")
    for step in _shown(history):
        row = [str(step.step), format_number(step.loss, 6)]
        if step.accuracy is not None and with_accuracy:
            row.append(f"{100 * step.accuracy:.1f}%")
        table.add_row(*row)
    console.print(table)
    losses = [step.loss for step in history]
    console.print(f"loss  {sparkline(losses)}  {format_number(losses[0])} → {format_number(losses[-1])}")
    if with_accuracy:
        console.print(f"acc.  {sparkline(accuracies)}  {100 * accuracies[0]:.1f}% → {100 * accuracies[-1]:.1f}%")
    values = Table(title=f"Parameters after {history[-1].step} steps", title_justify="left")
    values.add_column("parameter")
    values.add_column("value", justify="right")
    for name, value in trainer.values.items():
        values.add_row(name, format_value(value))
    console.print(values)


def _shown(history: list[TrainingStep]) -> list[TrainingStep]:
    """A handful of evenly spaced steps, always the first and the last."""
    positions = np.linspace(0, len(history) - 1, min(TABLE_ROWS, len(history))).round().astype(int)
    return [history[position] for position in dict.fromkeys(positions.tolist())]


def sparkline(values: list[float], width: int = SPARK_WIDTH) -> str:
    """The values as a row of block characters (evenly sampled down to ``width``), lowest ▁, highest █."""
    sampled = np.asarray(values, dtype=np.float64)[
        np.linspace(0, len(values) - 1, min(width, len(values))).round().astype(int)
    ]
    low, high = sampled.min(), sampled.max()
    if high == low:
        return SPARK_LEVELS[0] * len(sampled)
    levels = ((sampled - low) / (high - low) * (len(SPARK_LEVELS) - 1)).round().astype(int)
    return "".join(SPARK_LEVELS[level] for level in levels)
