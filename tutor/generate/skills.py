"""A fresh exercise that exercises one skill: the learner model's "what to practise next" (issue 15).

Each skill is practised on the kind of exercise that needs it, made by the ordinary generators with
options drawn from the seed: the same skill, seed and activation give the same exercise, and its
source line is the plain `tutor generate expression|mlp ...` command that makes it again.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from ..exercise.skills import Skill
from . import generate
from .options import LOSSES, did_you_mean
from .result import GeneratedExercise

# the activations a network skill draws from when none is given: the lecture classics
ACTIVATIONS = ("sigmoid", "tanh", "relu")


def _forward(rng: random.Random) -> tuple[str, dict]:
    return "expression", {"depth": rng.choice((2, 3)), "ask": ("values",)}


def _local_derivative(rng: random.Random) -> tuple[str, dict]:
    return "expression", {"depth": 3, "ask": ("values", "local_derivatives")}


def _chain_rule(rng: random.Random) -> tuple[str, dict]:
    return "expression", {"depth": rng.choice((4, 5))}  # a long chain: many local derivatives to multiply


def _fan_out(rng: random.Random) -> tuple[str, dict]:
    return "expression", {"depth": rng.choice((3, 4)), "fan_out": True}


def _activation_derivative(rng: random.Random) -> tuple[str, dict]:
    return "mlp", {"shape": (2, rng.choice((2, 3)), 1)}


def _loss_derivative(rng: random.Random) -> tuple[str, dict]:
    loss = rng.choice(LOSSES)
    return "mlp", {"shape": (2, 2, 2 if loss == "cross_entropy" else 1), "loss": loss}


def _matrix_shapes(rng: random.Random) -> tuple[str, dict]:
    # no square weight matrix: a transpose or an outer product the wrong way round shows in the shape
    return "mlp", {"shape": rng.choice(((3, 2, 1), (2, 3, 2)))}


def _batch(rng: random.Random) -> tuple[str, dict]:
    return "mlp", {"shape": (2, 2, 1), "samples": rng.choice((2, 3))}


def _update_rule(rng: random.Random) -> tuple[str, dict]:
    # every generated network has an [update] table; asking only the parameters' gradients leads straight to it
    return "mlp", {"shape": (2, 2, 1), "ask": ("values", "parameter_gradients")}


SKILL_EXERCISES: dict[Skill, Callable[[random.Random], tuple[str, dict]]] = {
    Skill.FORWARD: _forward,
    Skill.LOCAL_DERIVATIVE: _local_derivative,
    Skill.CHAIN_RULE: _chain_rule,
    Skill.FAN_OUT: _fan_out,
    Skill.ACTIVATION_DERIVATIVE: _activation_derivative,
    Skill.LOSS_DERIVATIVE: _loss_derivative,
    Skill.MATRIX_SHAPES: _matrix_shapes,
    Skill.BATCH: _batch,
    Skill.UPDATE_RULE: _update_rule,
}
assert set(SKILL_EXERCISES) == set(Skill), "every skill has its exercise"


def skill_options(skill: Skill, seed: int, activation: str | None = None) -> tuple[str, dict]:
    """The kind and the options of the exercise that practises ``skill``; ValueError for a bad skill or activation.

    Every network has a hidden layer, of ``activation`` (drawn from sigmoid, tanh and relu when None);
    the skills practised on a scalar graph take no activation.
    """
    try:
        chosen = Skill(skill)
    except ValueError:
        raise ValueError(
            f"unknown skill {skill!r}{did_you_mean(str(skill), list(Skill))}: choose from {', '.join(Skill)}"
        ) from None
    rng = random.Random(seed)
    kind, options = SKILL_EXERCISES[chosen](rng)
    if kind == "mlp":
        options["activation"] = activation or rng.choice(ACTIVATIONS)
    elif activation is not None:
        raise ValueError(
            f"{chosen} is practised on a scalar graph, which takes no activation: "
            "an activation goes with activation-derivative, loss-derivative, matrix-shapes, batch or update-rule"
        )
    return kind, options


def generate_for_skill(skill: Skill, seed: int, activation: str | None = None) -> GeneratedExercise:
    """A fresh exercise that exercises ``skill``, with nice numbers; the same arguments give the same text.

    forward: a graph of depth 2-3 asking only the values; local-derivative: depth 3, the values and the
    local derivatives; chain-rule: a chain of depth 4-5; fan-out: a graph where a value feeds two nodes;
    activation-derivative: a network with a hidden layer of ``activation``; loss-derivative: a network
    with a loss drawn from mse, cross-entropy and the log loss; matrix-shapes: a network whose weight
    matrices are not square; batch: a batch of 2-3 samples; update-rule: a network whose steps lead to
    its gradient-descent step.
    """
    kind, options = skill_options(skill, seed, activation)
    return generate(kind, seed, **options)
