"""A CNN's and a transformer's layers between the weights: max pooling, and batch or layer normalization.

pool draws whole numbers into maxpool(X, size) followed by a dense layer without bias and a squared
error, so that every window gets a gradient of its own to route; no window has a tie (its maximum
beats the runner-up by at least 1). norm draws a 4x2 batch (batch norm, column by column) or two
rows of four features (layer norm, row by row) whose every normalized column or row has a mean
that is a multiple of 0.25 and a standard deviation that is a multiple of 0.5 and at least 1: never
a zero or tiny variance. Both decisions are taken on whole numbers, so no float rounding can tip
them.
"""

from __future__ import annotations

import math
import random
from fractions import Fraction

from .numbers import array_text, paragraph
from .options import command_line
from .result import GeneratedExercise
from .tensors import exercise_text, first_sound, nonzero_multiple, whole_number

# -- pool ----------------------------------------------------------------------------------------------------------

POOLED = 2  # the pooled map is 2x2, whatever the window: four windows to route
POOL_LIMIT = 5  # X holds whole numbers from -5 to 5
MAX_ERROR = 3  # |z - y| from 1 to 3: the squared error's gradient stays a small whole number


def _window(rng: random.Random, size: int) -> list[list[int]]:
    """A size x size window of whole numbers whose maximum is unique: a tie would make the routing arbitrary."""
    while True:
        window = [[rng.randint(-POOL_LIMIT, POOL_LIMIT) for _ in range(size)] for _ in range(size)]
        entries = sorted((entry for row in window for entry in row), reverse=True)
        if entries[0] > entries[1]:
            return window


def generate_pool(rng: random.Random, seed: int, options: dict) -> GeneratedExercise:
    size = options["size"]
    side = POOLED * size
    name = f"generated-pool-{size}x{size}-seed-{seed}"
    command = command_line("pool", seed, options)
    nodes = [("P", f"maxpool(X, {size})"), ("z", "P @ w"), ("L", "sum((z - y)^2)")]
    description = [
        paragraph(
            f"Max pooling with {size}x{size} windows and stride {size} shrinks the {side}x{side} feature map X "
            f"to {POOLED}x{POOLED}: each entry of P is the largest of its window. A dense layer (no bias) "
            "reads P row by row with the weights w, and a squared error compares z with the target y."
        ),
        "",
        f"    P = maxpool(X, {size})",
        "    z = P·w",
        "    L = Σ (z − y)²",
        "",
        paragraph(
            "Going back, ∂L/∂P comes from the dense layer, and then pooling routes it: each window's gradient "
            "goes whole to the entry that was its maximum (no window has a tie), and every other entry gets 0. "
            "Sending it to every entry of the window, or a share to each as average pooling would, is the "
            "classic slip."
        ),
    ]

    def draft() -> str:
        windows = [[_window(rng, size) for _ in range(POOLED)] for _ in range(POOLED)]
        X = [
            [windows[row // size][column // size][row % size][column % size] for column in range(side)]
            for row in range(side)
        ]
        w = [whole_number(rng, 2, allow_zero=False) for _ in range(POOLED)]  # hundredths, as every drawn number
        pooled = [[max(entry for line in window for entry in line) for window in band] for band in windows]
        z = [sum(p * weight for p, weight in zip(row, w)) for row in pooled]
        y = [value + whole_number(rng, MAX_ERROR, allow_zero=False) for value in z]
        return exercise_text(
            f"Generated max pooling: {side}x{side} input, {size}x{size} windows, then a dense layer",
            description,
            command,
            ["generated", "pooling", "max-pool", "cnn", "tensor"],
            2,
            ["w"],  # not X: the entries that lose their window get a gradient of 0 on purpose
            options["ask"] or ("values", "parameter_gradients", "grad.P", "grad.X"),
            [
                ("X", array_text([[100 * entry for entry in row] for row in X])),
                ("w", array_text(w)),
                ("y", array_text(y)),
            ],
            nodes,
        )

    return first_sound("pool", name, draft, "try another seed")


# -- norm ----------------------------------------------------------------------------------------------------------

GROUP = 4  # the entries normalized together: a column of a 4x2 batch, or a row of four features
GROUPS = 2
NORM_LIMIT = 6  # X holds whole numbers from -6 to 6
MIN_SPREAD = 8  # √(Σ (4x − Σx)²) at least 8: a standard deviation of at least 1, never a tiny variance
NORM_AXES = {"batch": 1, "layer": 2}  # the axis the statistics run along: down each column, or along each row


def _spread(group: list[int]) -> int | None:
    """8σ for four whole numbers when σ (the biased standard deviation) is a multiple of 0.5, else None.

    With S their sum, 4x − S is 4 times a deviation, so Σ (4x − S)² = 64·var: whole numbers only.
    """
    squares = sum(deviation**2 for deviation in _deviations(group))
    root = math.isqrt(squares)
    return root if root * root == squares and root % 4 == 0 else None


def _deviations(group: list[int]) -> tuple[int, ...]:
    """4 times each entry's deviation from the mean: whole numbers."""
    return tuple(GROUP * entry - sum(group) for entry in group)


def _normalized(group: list[int]) -> tuple[Fraction, ...]:
    """x̂ (without ε), exactly: (4x − S)/4 over σ = spread/8."""
    spread = _spread(group)
    assert spread, "only a group of _normalizable_group is normalized"
    return tuple(Fraction(2 * deviation, spread) for deviation in _deviations(group))


def _normalizable_group(rng: random.Random) -> list[int]:
    """Four whole numbers with a nice mean and standard deviation, at least 1, and not two values twice each
    (x̂ would be ±1 everywhere: nothing to work out)."""
    while True:
        group = [rng.randint(-NORM_LIMIT, NORM_LIMIT) for _ in range(GROUP)]
        spread = _spread(group)
        deviations = {abs(deviation) for deviation in _deviations(group)}
        if spread is not None and spread >= MIN_SPREAD and len(deviations) > 1:
            return group


def generate_norm(rng: random.Random, seed: int, options: dict) -> GeneratedExercise:
    kind, decomposed = options["kind"], options["decomposed"]
    axis = NORM_AXES[kind]
    rows, columns = (GROUP, GROUPS) if kind == "batch" else (GROUPS, GROUP)
    name = f"generated-norm-{kind}-{'decomposed' if decomposed else 'whole'}-seed-{seed}"
    command = command_line("norm", seed, options)
    if decomposed:
        nodes = [
            ("mu", f"mean(X, {axis})"),
            ("D", "X - mu"),
            ("v", f"var(X, {axis})"),
            ("s", "sqrt(v + 0.00001)"),
            ("Xhat", "D/s"),
            ("Y", "gamma*Xhat + beta"),
        ]
    else:
        nodes = [("Y", f"{kind}norm(X, gamma, beta)")]
    nodes.append(("L", "sum(G*Y)"))
    over = (
        f"each column of the {rows}x{columns} batch X (a feature) is normalized over the {rows} rows (the samples)"
        if kind == "batch"
        else f"each row of X (a sample of {columns} features) is normalized over its own {columns} features"
    )
    width = max(len(node) for node, _ in nodes)
    paths = (
        "X reaches D directly and again through mu, and reaches Xhat again through v and s: every path adds to "
        "∂L/∂X. Treating the mean and the variance as constants is the classic slip; the 1/N of each mean "
        "is the other."
        if decomposed
        else f"Use the compact formula {'column' if kind == 'batch' else 'row'} by {'column' if kind == 'batch' else 'row'}, "
        "g the gradient of Y and N the count: ∂L/∂X = gamma/(N·σ)·(N·g − Σ g − x̂·Σ g·x̂); ∂L/∂beta = Σ g and "
        "∂L/∂gamma = Σ g·x̂ over the rows."
    )
    description = [
        paragraph(
            f"{'Batch' if kind == 'batch' else 'Layer'} normalization: {over}, with its mean and biased variance "
            "and ε = 10⁻⁵, then scaled and shifted by gamma and beta, one number per column. G is the gradient "
            "∂L/∂Y from the layer above. Every mean is a multiple of 0.25 and every standard deviation a "
            "multiple of 0.5."
        ),
        "",
        *(f"    {node.ljust(width)} = {text}" for node, text in nodes),
        "",
        paragraph(paths),
    ]

    def draft() -> str | None:
        groups = [_normalizable_group(rng) for _ in range(GROUPS)]
        if len({_normalized(group) for group in groups}) < GROUPS:
            return None  # two groups with the same x̂ would make the second a copy of the first's work
        X = [list(column) for column in zip(*groups)] if kind == "batch" else groups
        gamma = [nonzero_multiple(rng, 50, 200) for _ in range(columns)]
        beta = [50 * rng.randint(-2, 2) for _ in range(columns)]
        G = [[whole_number(rng, 2, allow_zero=False) for _ in range(columns)] for _ in range(rows)]
        title = f"Generated {kind} normalization{' node by node' if decomposed else ''}: a {rows}x{columns} X"
        tags = ["generated", f"{kind}-norm", "normalization", "tensor", *(["fan-out"] if decomposed else [])]
        return exercise_text(
            title,
            description,
            command,
            tags,
            4,
            ["X", "gamma", "beta"],
            options["ask"] or ("values", "parameter_gradients"),
            [
                ("X", array_text([[100 * entry for entry in row] for row in X])),
                ("gamma", array_text(gamma)),
                ("beta", array_text(beta)),
                ("G", array_text(G)),
            ],
            nodes,
        )

    return first_sound("norm", name, draft, "try another seed")
