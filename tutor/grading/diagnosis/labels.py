"""The labels of a diagnosis: one table with each label's meaning, priority, looseness and kind of slip."""

from __future__ import annotations

from dataclasses import dataclass

from ...exercise.skills import Skill


@dataclass(frozen=True)
class Label:
    name: str  # stable: counted by teachers in `tutor check --json` and in transcripts (docs/diagnoses.md)
    meaning: str  # one line
    skill: Skill | None  # the skill it reveals a gap in (docs/diagnoses.md); None for a slip of arithmetic or rounding
    loose: bool = False  # a mistake that scales or flips the whole answer: also seen through the learner's rounding
    rule: bool = False  # a slip of a derivative rule (tried before the slips of the chain rule)
    # a plain factor (2) that, in one entry only, a slip of that entry alone gives as easily: both are said
    entry_alternative: bool = False


# In priority order: when two slips at a node give the same number, the earlier label (the more specific) wins.
TABLE = (
    Label(
        "missing_factor_2",
        "half the right value: the factor 2 from the derivative of a square is missing "
        "(also recognised in every gradient further down the chain)",
        skill=Skill.LOCAL_DERIVATIVE,
        loose=True,
        rule=True,
        entry_alternative=True,
    ),
    Label(
        "extra_factor_2",
        "twice the right value: the 2 of a square counted twice, or the 1/2 in front of it ignored",
        skill=Skill.LOCAL_DERIVATIVE,
        loose=True,
        rule=True,
        entry_alternative=True,
    ),
    Label(
        "mean_vs_sum",
        "off by the factor N: the 1/N of a mean left out, or a sum divided by N as if it were a mean",
        skill=Skill.BATCH,
        loose=True,
        rule=True,
    ),
    Label(
        "activation_not_derivative",
        "the activation used instead of its derivative: σ(z) for σ(z)(1 − σ(z)), "
        "tanh for 1 − tanh², the ReLU value for its 0/1 mask",
        skill=Skill.ACTIVATION_DERIVATIVE,
        loose=True,
        rule=True,
    ),
    Label(
        "pre_activation",
        "the pre-activation z used where the activation σ(z) belongs, or the other way round",
        skill=Skill.ACTIVATION_DERIVATIVE,
        loose=True,
        rule=True,
    ),
    Label(
        "division_derivative",
        "a slip in ∂(a/b)/∂b = −a/b²: written −1/b², a/b² or −a/b",
        skill=Skill.LOCAL_DERIVATIVE,
        loose=True,
        rule=True,
    ),
    Label(
        "tanh_not_squared",
        "tanh′ written as 1 − tanh instead of 1 − tanh² (the square left out)",
        skill=Skill.ACTIVATION_DERIVATIVE,
        loose=True,
        rule=True,
    ),
    Label(
        "relu_mask_ignored",
        "ReLU′ taken as 1 at an input that is not positive, where the 0/1 mask is 0",
        skill=Skill.ACTIVATION_DERIVATIVE,
        rule=True,
    ),
    Label(
        "mask_ignored",
        "a 0/1 mask (dropout's) left out of a local derivative: a unit the mask drops passes gradient back",
        skill=Skill.LOCAL_DERIVATIVE,
        rule=True,
    ),
    Label(
        "lost_constant_factor",
        "a constant factor lost or added: the n of xⁿ, a constant multiplier, the 4 of a decomposed tanh",
        skill=Skill.LOCAL_DERIVATIVE,
        loose=True,
        rule=True,
    ),
    Label(
        "kernel_not_flipped",
        "a convolution's ∂L/∂X worked with the kernel as it is: the upstream gradient cross-correlated with K "
        "where its full convolution with K (the kernel flipped by 180°) belongs",
        skill=Skill.LOCAL_DERIVATIVE,
        rule=True,
    ),
    Label(
        "pool_not_routed",
        "max pooling's gradient sent to every element of its window, or shared among them, instead of to the "
        "window's largest element only",
        skill=Skill.LOCAL_DERIVATIVE,
        rule=True,
    ),
    Label(
        "normalization_constants",
        "batch or layer norm differentiated with its mean or variance taken as constants: the paths back to X "
        "through the mean or the variance left out",
        skill=Skill.FAN_OUT,
        rule=True,
    ),
    Label(
        "softmax_diagonal",
        "softmax's Jacobian diag(s) − s·sᵀ replaced by its diagonal s(1 − s), the sigmoid's elementwise rule "
        "(attention's classic slip)",
        skill=Skill.LOCAL_DERIVATIVE,
        rule=True,
    ),
    Label(
        "zero_for_activation",
        "0 written where the derivative is an activation's value (∂(o·v)/∂v = o)",
        skill=Skill.LOCAL_DERIVATIVE,
    ),
    Label(
        "sign",
        "the right size with the wrong sign (a lost minus sign, or a step added instead of subtracted)",
        skill=Skill.LOCAL_DERIVATIVE,
        loose=True,
        rule=True,
    ),
    Label(
        "transposed",
        "the transpose of the right matrix, or a matrix used without its transpose",
        skill=Skill.MATRIX_SHAPES,
        loose=True,
        rule=True,
    ),
    Label(
        "added_not_multiplied",
        "the chain rule's product written as a sum: upstream gradient + local derivative",
        skill=Skill.CHAIN_RULE,
    ),
    Label(
        "bias_not_summed",
        "a broadcast bias's gradient not summed over the rows of a batch (one row, or the mean)",
        skill=Skill.BATCH,
    ),
    Label(
        "last_step_only",
        "in a recurrence, the gradient of a weight shared by the steps taken from the last step only: "
        "the earlier steps' contributions (backpropagation through time) left out",
        skill=Skill.FAN_OUT,
    ),
    Label("one_path_only", "at a node with fan-out, only some of the paths to the output summed", skill=Skill.FAN_OUT),
    Label("upstream_only", "the upstream gradient without the local derivative", skill=Skill.CHAIN_RULE),
    Label("local_only", "the local derivative without the upstream gradient", skill=Skill.CHAIN_RULE),
    Label(
        "value_as_gradient",
        "multiplied by a node's value (often the output's) where its gradient belongs",
        skill=Skill.CHAIN_RULE,
    ),
    Label(
        "neighbour_value",
        "the value of a neighbouring node or input instead of the right one "
        "(for a product, the own factor instead of the other one)",
        skill=Skill.LOCAL_DERIVATIVE,
    ),
    Label("power_of_ten", "off by a factor of 10, 100 or 1000: a slipped decimal point", skill=None, loose=True),
    Label(
        "factor_of_two",
        "half or twice the right value, with no square in the graph to explain it",
        skill=None,
        loose=True,
        entry_alternative=True,
    ),
    Label(
        "gradient_not_local",
        "the gradient dL/d(input) given where only the local derivative was asked",
        skill=Skill.LOCAL_DERIVATIVE,
    ),
    Label(
        "outer_product_order",
        "a weight gradient written x·δᵀ instead of δ·xᵀ: the outer product in the wrong order",
        skill=Skill.MATRIX_SHAPES,
        loose=True,
    ),
    Label(
        "learning_rate_twice",
        "the learning rate applied twice: p − η²·dL/dp (in a formula also 2η)",
        skill=Skill.UPDATE_RULE,
        loose=True,
    ),
    Label(
        "update_step_only",
        "only the step −η·dL/dp written, not the new value p − η·dL/dp",
        skill=Skill.UPDATE_RULE,
        loose=True,
    ),
    Label(
        "learning_rate_missing", "the update p − dL/dp without the learning rate η", skill=Skill.UPDATE_RULE, loose=True
    ),
    # the slips of a derivation typed as a formula (formula_slips.py), each found by comparing formulas at test points
    Label(
        "missing_factor",
        "a formula with a factor of a product left out: an inner derivative of the chain rule, a constant or a square",
        skill=Skill.CHAIN_RULE,
    ),
    Label(
        "extra_factor",
        "a formula with a factor too many: one counted twice, or an extra variable",
        skill=Skill.LOCAL_DERIVATIVE,
    ),
    Label(
        "wrong_variable",
        "a formula with one variable where another belongs, or two swapped",
        skill=Skill.LOCAL_DERIVATIVE,
    ),
    Label(
        "inverted_factor",
        "a formula with a factor multiplied where it divides, or divided where it multiplies: −y·a for −y/a",
        skill=Skill.LOCAL_DERIVATIVE,
    ),
    Label(
        "missing_term",
        "a formula with one term of a sum left out (a path of the chain rule, or part of one)",
        skill=Skill.CHAIN_RULE,
    ),
    Label(
        "square_forgotten",
        "a square left out in the forward pass: (ŷ − y) for (ŷ − y)², which cannot be negative",
        skill=Skill.FORWARD,
        loose=True,
    ),
    Label(
        "one_entry",
        "one entry of a vector or matrix wrong, the others right: that entry's computation has a slip",
        skill=None,
    ),
    Label(
        "rounding",
        "right up to rounding: the answer, or the intermediate values it was computed from, rounded too coarsely",
        skill=None,
    ),
)
LABEL = {label.name: label for label in TABLE}
PRIORITY = {label.name: position for position, label in enumerate(TABLE)}
LABELS: dict[str, str] = {label.name: label.meaning for label in TABLE}  # label -> meaning, as documented


@dataclass(frozen=True)
class Diagnosis:
    label: str  # one of LABELS
    explanation: str  # plain words for the learner, with the exercise's names and numbers


LOOSE_RELATIVE = 0.05  # the second pass: a structural mistake seen through the learner's own rounding
LOOSE_FIGURES = 3  # ... only for answers written with at most this many significant figures
FAR = 0.2  # in that pass a candidate must differ from the right answer by more than this (relative)
