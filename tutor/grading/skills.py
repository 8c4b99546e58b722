"""Which skills a step exercises (issue 15): the one tagging rule the learner model, the class report and the
generator's targets read. A step is tagged from its kind of quantity, the operations at its node (the operations
table's activation flag) and the graph around it (fan-out, the loss, batch samples, shapes).

| kind   | always            | and when                                                                        |
| value  | forward           | matrix-shapes (not a single number), batch (the batch's total)                  |
| local  | local-derivative  | activation-derivative (through an activation), loss-derivative (of the loss),   |
|        |                   | matrix-shapes, batch (of the batch's total)                                     |
| grad   | chain-rule        | fan-out (used twice in one sample), activation-derivative, loss-derivative      |
|        |                   | (through an activation or the loss at a consumer), matrix-shapes, batch         |
|        |                   | (shared by the samples, or a sample's loss)                                     |
| update | update-rule       | matrix-shapes                                                                   |
| after  | forward, update-rule | matrix-shapes                                                                |
| formula| chain-rule        |                                                                                 |
"""

from __future__ import annotations

import numpy as np

from ..engine.graph import Solution
from ..exercise.expression import calls_in, uses
from ..exercise.operations import OPERATION_TABLE
from ..exercise.skills import Skill
from .diagnosis.labels import LABEL
from .quantities import Quantity, QuantityKind, expected_value

BASE_SKILL: dict[QuantityKind, tuple[Skill, ...]] = {
    QuantityKind.VALUE: (Skill.FORWARD,),
    QuantityKind.LOCAL: (Skill.LOCAL_DERIVATIVE,),
    QuantityKind.GRAD: (Skill.CHAIN_RULE,),
    QuantityKind.UPDATE: (Skill.UPDATE_RULE,),
    QuantityKind.AFTER: (Skill.FORWARD, Skill.UPDATE_RULE),
    QuantityKind.FORMULA: (Skill.CHAIN_RULE,),
}


def step_skills(solution: Solution, quantity: Quantity) -> tuple[Skill, ...]:
    """The skills a step exercises, in the order of the Skill table."""
    kind = quantity.kind
    skills = set(BASE_SKILL[kind])
    if kind != QuantityKind.FORMULA and np.ndim(expected_value(solution, quantity)) > 0:
        skills.add(Skill.MATRIX_SHAPES)
    if kind == QuantityKind.LOCAL:
        node, source = quantity.edge
        if _through_activation(solution, node, source):
            skills.add(Skill.ACTIVATION_DERIVATIVE)
        if node in loss_nodes(solution):
            skills.add(Skill.LOSS_DERIVATIVE)
    if kind == QuantityKind.GRAD:
        consumers = solution.graph.consumers.get(quantity.name, [])
        if _fans_out(solution, consumers):
            skills.add(Skill.FAN_OUT)
        if any(_through_activation(solution, consumer, quantity.name) for consumer in consumers):
            skills.add(Skill.ACTIVATION_DERIVATIVE)
        if set(consumers) & loss_nodes(solution):
            skills.add(Skill.LOSS_DERIVATIVE)
    if _batch_step(solution, quantity):
        skills.add(Skill.BATCH)
    return tuple(skill for skill in Skill if skill in skills)


def label_skill(label: str | None) -> Skill | None:
    """The skill a diagnosed mistake reveals a gap in (None for a slip of arithmetic or rounding, or no label)."""
    found = LABEL.get(label) if label else None
    return found.skill if found is not None else None


def loss_nodes(solution: Solution) -> set[str]:
    """The nodes whose derivatives are the loss's: the output (every exercise differentiates its output, the
    loss of a training exercise), or for a batch each sample's loss (the total's own are the batch's)."""
    exercise = solution.exercise
    if exercise.batch is None:
        return {exercise.output}
    return {name for name, node in solution.graph.nodes.items() if node.base == exercise.batch.sample_output}


def _through_activation(solution: Solution, node: str, source: str) -> bool:
    """Whether ``node`` applies an activation (a function the operations table flags) to an expression of ``source``."""
    spec = solution.graph.nodes.get(node)
    if spec is None:
        return False
    return any(
        OPERATION_TABLE[call.function].activation and any(uses(argument, source) for argument in call.args)
        for call in calls_in(spec.expression)
    )


def _fans_out(solution: Solution, consumers: list[str]) -> bool:
    """More than one consumer within one sample (a parameter shared by a batch's samples is the batch's sum)."""
    samples = [solution.graph.nodes[consumer].sample for consumer in consumers]
    return len(samples) != len(set(samples))


def _batch_step(solution: Solution, quantity: Quantity) -> bool:
    """A step of a batch's own work: the total over the samples and its local derivatives, a sample's loss
    gradient (the share of the total), or the gradient of a name the samples share (summed over them)."""
    batch = solution.exercise.batch
    if batch is None or quantity.kind not in (QuantityKind.VALUE, QuantityKind.LOCAL, QuantityKind.GRAD):
        return False
    if quantity.kind != QuantityKind.GRAD:
        return quantity.name == batch.output
    consumers = solution.graph.consumers.get(quantity.name, [])
    return batch.output in consumers or len({solution.graph.nodes[consumer].sample for consumer in consumers}) > 1
