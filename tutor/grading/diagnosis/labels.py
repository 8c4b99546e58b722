"""The labels of a diagnosis: one table with each label's meaning, priority, looseness and kind of slip."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Label:
    name: str  # stable: counted by teachers in `tutor check --json` and in transcripts (docs/diagnoses.md)
    meaning: str  # one line
    loose: bool = False  # a mistake that scales or flips the whole answer: also seen through the learner's rounding
    rule: bool = False  # a slip of a derivative rule (tried before the slips of the chain rule)


# In priority order: when two slips at a node give the same number, the earlier label (the more specific) wins.
TABLE = (
    Label(
        "missing_factor_2",
        "half the right value: the factor 2 from the derivative of a square is missing "
        "(also recognised in every gradient further down the chain)",
        loose=True,
        rule=True,
    ),
    Label(
        "extra_factor_2",
        "twice the right value: the 2 of a square counted twice, or the 1/2 in front of it ignored",
        loose=True,
        rule=True,
    ),
    Label(
        "mean_vs_sum",
        "off by the factor N: the 1/N of a mean left out, or a sum divided by N as if it were a mean",
        loose=True,
        rule=True,
    ),
    Label(
        "activation_not_derivative",
        "the activation used instead of its derivative: σ(z) for σ(z)(1 − σ(z)), "
        "tanh for 1 − tanh², the ReLU value for its 0/1 mask",
        loose=True,
        rule=True,
    ),
    Label(
        "pre_activation",
        "the pre-activation z used where the activation σ(z) belongs, or the other way round",
        loose=True,
        rule=True,
    ),
    Label(
        "division_derivative",
        "a slip in ∂(a/b)/∂b = −a/b²: written −1/b², a/b² or −a/b",
        loose=True,
        rule=True,
    ),
    Label(
        "kernel_not_flipped",
        "a convolution's ∂L/∂X worked with the kernel as it is: the upstream gradient cross-correlated with K "
        "where its full convolution with K (the kernel flipped by 180°) belongs",
        rule=True,
    ),
    Label(
        "pool_not_routed",
        "max pooling's gradient sent to every element of its window, or shared among them, instead of to the "
        "window's largest element only",
        rule=True,
    ),
    Label(
        "normalization_constants",
        "batch or layer norm differentiated with its mean or variance taken as constants: the paths back to X "
        "through the mean or the variance left out",
        rule=True,
    ),
    Label(
        "softmax_diagonal",
        "softmax's Jacobian diag(s) − s·sᵀ replaced by its diagonal s(1 − s), the sigmoid's elementwise rule "
        "(attention's classic slip)",
        rule=True,
    ),
    Label("zero_for_activation", "0 written where the derivative is an activation's value (∂(o·v)/∂v = o)"),
    Label(
        "sign",
        "the right size with the wrong sign (a lost minus sign, or a step added instead of subtracted)",
        loose=True,
        rule=True,
    ),
    Label(
        "transposed",
        "the transpose of the right matrix, or a matrix used without its transpose",
        loose=True,
        rule=True,
    ),
    Label(
        "last_step_only",
        "in a recurrence, the gradient of a weight shared by the steps taken from the last step only: "
        "the earlier steps' contributions (backpropagation through time) left out",
    ),
    Label("one_path_only", "at a node with fan-out, only some of the paths to the output summed"),
    Label("upstream_only", "the upstream gradient without the local derivative"),
    Label("local_only", "the local derivative without the upstream gradient"),
    Label("value_as_gradient", "multiplied by a node's value (often the output's) where its gradient belongs"),
    Label(
        "neighbour_value",
        "the value of a neighbouring node or input instead of the right one "
        "(for a product, the own factor instead of the other one)",
    ),
    Label("power_of_ten", "off by a factor of 10, 100 or 1000: a slipped decimal point", loose=True),
    Label("factor_of_two", "half or twice the right value, with no square in the graph to explain it", loose=True),
    Label("gradient_not_local", "the gradient dL/d(input) given where only the local derivative was asked"),
    Label(
        "outer_product_order",
        "a weight gradient written x·δᵀ instead of δ·xᵀ: the outer product in the wrong order",
        loose=True,
    ),
    Label("update_step_only", "only the step −η·dL/dp written, not the new value p − η·dL/dp", loose=True),
    Label("learning_rate_missing", "the update p − dL/dp without the learning rate η", loose=True),
    Label(
        "rounding",
        "right up to rounding: the answer, or the intermediate values it was computed from, rounded too coarsely",
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
