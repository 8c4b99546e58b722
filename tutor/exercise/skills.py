"""The skills a step of backpropagation exercises: the learner model tracks mastery per skill.

One table: the step tagging (grading), the diagnosis labels' skill map, the learner model (session), the
generator's skill targets and the docs all read these names.
"""

from __future__ import annotations

from enum import StrEnum


class Skill(StrEnum):
    """A skill's name is how it is written in `tutor progress --json`, the progress store and the docs."""

    FORWARD = "forward"
    LOCAL_DERIVATIVE = "local-derivative"
    CHAIN_RULE = "chain-rule"
    FAN_OUT = "fan-out"
    ACTIVATION_DERIVATIVE = "activation-derivative"
    LOSS_DERIVATIVE = "loss-derivative"
    MATRIX_SHAPES = "matrix-shapes"
    BATCH = "batch"
    UPDATE_RULE = "update-rule"


SKILL_WORDS: dict[Skill, str] = {
    Skill.FORWARD: "computing a node's value from its operands",
    Skill.LOCAL_DERIVATIVE: "the derivative of one operation with respect to one of its operands",
    Skill.CHAIN_RULE: "multiplying the upstream gradient by the local derivative",
    Skill.FAN_OUT: "summing the gradients of every path when a value is used more than once",
    Skill.ACTIVATION_DERIVATIVE: "the derivative of an activation (σ′, tanh′, ReLU′ …) at the right input",
    Skill.LOSS_DERIVATIVE: "the derivative of the loss with respect to the prediction",
    Skill.MATRIX_SHAPES: "gradients of matrices and vectors: transposes, outer products, shapes",
    Skill.BATCH: "summing or averaging gradients over the samples of a batch",
    Skill.UPDATE_RULE: "a gradient-descent step: parameter minus learning rate times gradient",
}
assert set(SKILL_WORDS) == set(Skill), "every skill has its words"
