"""Fresh exercises: scalar expression graphs, MLPs, convolutions, attention, RNNs, max pooling and batch or
layer normalization with nice numbers, never degenerate ones.

The same kind, seed and options give byte-identical text on every machine: every draw comes from
one ``random.Random(seed)``, numbers are whole counts of hundredths written without float
formatting, and the checks that reject a draft keep margins, so the last bits in which platforms'
exp and log may differ never tip a decision. See docs/generate.md.
"""

from __future__ import annotations

import random
import secrets

from .expression import generate_expression
from .layers import generate_norm, generate_pool
from .like import generate_like
from .network import generate_network
from .options import KINDS, check_options
from .result import GeneratedExercise
from .tensors import generate_attention, generate_conv, generate_rnn

__all__ = ["KINDS", "GeneratedExercise", "draw_seed", "generate", "generate_like"]

DRAWN_SEEDS = 1_000_000  # a seed drawn for the learner is short enough to type again


def draw_seed() -> int:
    """A seed for a new exercise when none is given (`tutor generate`, "new one like this")."""
    return secrets.randbelow(DRAWN_SEEDS)


def generate(kind: str, seed: int, /, **options) -> GeneratedExercise:
    """A new exercise of ``kind`` (one of KINDS); ValueError with a clear message for bad options.

    expression: depth (2-6, default 3), variables (1-4, default 2 or 3), functions (from + - * / ^2
    sigmoid tanh exp log relu, default all, and the table's other activations), ask. mlp: shape (2-4
    layer sizes of 1-6, default 2,3,1), activation (an activation of the table of operations, default
    sigmoid), loss (mse, cross_entropy, binary_cross_entropy), samples (1 for one sample x, 2-6 for a
    batch X), dataset (xor or iris), ask. conv: size (3 or 4), stride (1 or 2), padding (0 or 1), ask.
    attention: mask (causal or none), ask. rnn: steps (2 or 3), hidden (1 or 2), ask.
    pool: size (2 or 3), ask. norm: kind (batch or layer), decomposed (True or False), ask. Each option may be a
    value or its command-line text ("2,3,1").
    """
    checked = check_options(kind, seed, options)
    makers = {
        "expression": generate_expression,
        "mlp": generate_network,
        "conv": generate_conv,
        "attention": generate_attention,
        "rnn": generate_rnn,
        "pool": generate_pool,
        "norm": generate_norm,
    }
    return makers[kind](random.Random(seed), seed, checked)
