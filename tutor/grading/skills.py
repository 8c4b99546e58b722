"""Which skills a step exercises (issue 15): the one tagging rule the learner model, the class report and the
generator's targets read. A step is tagged from its kind of quantity (BASE_SKILL), the operations at its node (the
operations table's activation and reduces flags) and the graph around it (fan-out, the loss, batch samples,
shapes); docs/learner-model.md has the rule as a table.
"""

from __future__ import annotations

import numpy as np

from ..engine.graph import Solution
from ..exercise.expression import calls_in, names_in, uses
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
    """A step of a batch's own work. With a [batch] table: the total over the samples and its local derivatives,
    a sample's loss gradient (its share of the total), or the gradient of a name the samples share (summed over
    them). With the samples as the rows of a matrix: the loss's mean or sum over them (its local derivatives,
    the gradients of what it uses) and the parameters' gradients (summed over the rows)."""
    batch = solution.exercise.batch
    kind = quantity.kind
    if batch is not None:
        if kind != QuantityKind.GRAD:
            return kind in (QuantityKind.VALUE, QuantityKind.LOCAL) and quantity.name == batch.output
        consumers = solution.graph.consumers.get(quantity.name, [])
        return batch.output in consumers or len({solution.graph.nodes[consumer].sample for consumer in consumers}) > 1
    if not _rows_are_samples(solution):
        return False
    if kind == QuantityKind.LOCAL:
        return quantity.name == solution.output
    if kind == QuantityKind.GRAD:
        consumers = solution.graph.consumers.get(quantity.name, [])
        return quantity.name in solution.exercise.params or solution.output in consumers
    return False


def _rows_are_samples(solution: Solution) -> bool:
    """A batch written as matrices (`tutor generate mlp --samples N`): the loss is a mean or sum (an operation
    that reduces, in the operations table) over a matrix of more than one row, a row per sample."""
    spec = solution.graph.nodes.get(solution.output)
    if spec is None:
        return False
    return any(
        OPERATION_TABLE[call.function].reduces
        and any(np.ndim(value := solution.values[found.id]) == 2 and np.shape(value)[0] > 1 for found in names_in(call))
        for call in calls_in(spec.expression)
    )
