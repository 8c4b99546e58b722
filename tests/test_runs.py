"""Training runs as the training screen starts them: the exercise as written, or a network variant."""

from __future__ import annotations

import numpy as np
import pytest

from tutor.exercise import ExerciseFileError, parse_exercise, resolve_exercise
from tutor.training.runs import RunSettings, can_vary_network, read_settings, start_run


def test_a_run_as_written_trains_the_exercise_on_its_dataset_or_its_own_numbers():
    exercise = resolve_exercise("iris-mlp")
    on_dataset = start_run(exercise, RunSettings(0.2, 5, dataset=True))
    on_own_rows = start_run(exercise, RunSettings(0.2, 5, dataset=False))
    assert on_dataset.dataset is not None and on_dataset.dataset.rows == 150
    assert on_own_rows.dataset is None
    losses = [step.loss for step in on_dataset.steps(5)]
    assert len(losses) == 6 and losses[-1] < losses[0]
    assert RunSettings(0.2, 5, dataset=True).label(exercise) == "rate 0.2 · 5 steps · as written · iris"


@pytest.mark.parametrize("hidden, activation", [(2, None), (None, "tanh"), (6, "relu")])
def test_a_variant_is_a_network_of_the_chosen_shape_for_the_same_dataset(hidden, activation):
    exercise = resolve_exercise("iris-mlp")
    trainer = start_run(exercise, RunSettings(0.2, 20, dataset=True, hidden=hidden, activation=activation))
    first_weights = next(value for name, value in trainer.values.items() if np.ndim(value) == 2)
    assert first_weights.shape == (4, hidden or 4)  # 4 iris measurements in, the chosen hidden size out
    text = " ".join(node.text for node in trainer.exercise.nodes)
    assert (activation or "sigmoid") in text
    losses = [step.loss for step in trainer.steps(20)]
    assert losses[-1] < losses[0]
    assert trainer.has_accuracy


def test_only_an_exercise_with_a_dataset_can_vary_its_network():
    exercise = resolve_exercise("network-3-2-1-sigmoid")
    assert not can_vary_network(exercise)
    start_run(exercise, RunSettings(1.0, 1))  # as written is fine
    with pytest.raises(ExerciseFileError, match="another hidden size or activation"):
        start_run(exercise, RunSettings(1.0, 1, hidden=3))


def test_settings_are_read_from_the_fields_as_typed():
    settings = read_settings(" 0.5 ", "200", dataset=True, hidden="3", activation="tanh")
    assert settings == RunSettings(0.5, 200, dataset=True, hidden=3, activation="tanh")
    assert read_settings("1e-2", "1").hidden is None


@pytest.mark.parametrize(
    "fields, words",
    [
        (("abc", "10"), "learning rate 'abc' is not a number"),
        (("0", "10"), "learning rate must be a positive number"),
        (("inf", "10"), "learning rate must be a positive number"),
        (("nan", "10"), "learning rate must be a positive number"),
        (("1", "0"), "whole number from 1 to 1,000,000"),
        (("1", "2.5"), "whole number from 1 to 1,000,000"),
        (("1", "10", "7"), "hidden size must be a whole number from 1 to 6"),
        (("1", "10", "-2"), "hidden size must be a whole number from 1 to 6"),
    ],
)
def test_a_wrong_field_is_named_in_the_message(fields, words):
    rate, steps, *hidden = fields
    with pytest.raises(ValueError, match=words):
        read_settings(rate, steps, hidden=hidden[0] if hidden else "")


def test_a_training_table_without_a_dataset_trains_as_written_and_offers_no_variant():
    exercise = parse_exercise(
        """
title = "One weight"
[inputs]
w = 0.5
x = 2
[graph]
L = "(w*x - 3)^2"
[training]
steps = 10
learning_rate = 0.1
"""
    )
    assert not can_vary_network(exercise)
    losses = [step.loss for step in start_run(exercise, RunSettings(0.1, 3, dataset=True)).steps(3)]
    assert len(losses) == 4 and losses[-1] < losses[0]  # "dataset" asked for, but there is none: its own numbers
    with pytest.raises(ExerciseFileError, match="another hidden size or activation"):
        start_run(exercise, RunSettings(0.1, 3, hidden=2))
