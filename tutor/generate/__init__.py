"""Fresh exercises: scalar expression graphs and MLPs with nice numbers, never degenerate ones.

The same kind, seed and options give byte-identical text on every machine: every draw comes from
one ``random.Random(seed)``, numbers are whole counts of hundredths written without float
formatting, and the checks that reject a draft keep margins, so the last bits in which platforms'
exp and log may differ never tip a decision. See docs/generate.md.
"""

from __future__ import annotations

import random
import secrets

from .expression import generate_expression
from .like import generate_like
from .network import generate_network
from .options import KINDS, check_options
from .result import GeneratedExercise

__all__ = ["KINDS", "GeneratedExercise", "draw_seed", "generate", "generate_like"]

DRAWN_SEEDS = 1_000_000  # a seed drawn for the learner is short enough to type again


def draw_seed() -> int:
    """A seed for a new exercise when none is given (`tutor generate`, "new one like this")."""
    return secrets.randbelow(DRAWN_SEEDS)


def generate(kind: str, seed: int, **options) -> GeneratedExercise:
    """A new exercise of ``kind`` ("expression" or "mlp"); ValueError with a clear message for bad options.

    expression: depth (2-6, default 3), variables (1-4, default 2 or 3), functions (from + - * / ^2
    sigmoid tanh exp log relu, default all, and the table's other activations), ask. mlp: shape (2-4
    layer sizes of 1-6, default 2,3,1), activation (an activation of the table of operations, default
    sigmoid), loss (mse, cross_entropy, binary_cross_entropy), samples (1 for one sample x, 2-6 for a
    batch X), dataset (xor or iris), ask. Each option may be a value or its command-line text ("2,3,1").
    """
    checked = check_options(kind, seed, options)
    rng = random.Random(seed)
    if kind == "expression":
        return generate_expression(rng, seed, checked)
    return generate_network(rng, seed, checked)
