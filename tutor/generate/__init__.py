"""Fresh exercises: scalar expression graphs and MLPs with nice numbers, never degenerate ones.

The same kind, seed and options give byte-identical text on every machine: every draw comes from
one ``random.Random(seed)``, numbers are whole counts of hundredths written without float
formatting, and the checks that reject a draft keep margins, so the last bits in which platforms'
exp and log may differ never tip a decision. See docs/generate.md.
"""

from __future__ import annotations

import random
import secrets

from ..exercise import Exercise
from .expression import generate_expression
from .like import expression_options, is_network, network_options
from .network import generate_network
from .options import KINDS, check_options, parse_command_line
from .result import GeneratedExercise

__all__ = ["KINDS", "GeneratedExercise", "draw_seed", "generate", "generate_like"]

DRAWN_SEEDS = 1_000_000  # a seed drawn for the learner is short enough to type again


def draw_seed() -> int:
    """A seed for a new exercise when none is given (`tutor generate`, "new one like this")."""
    return secrets.randbelow(DRAWN_SEEDS)


def generate(kind: str, seed: int, **options) -> GeneratedExercise:
    """A new exercise of ``kind`` ("expression" or "mlp"); ValueError with a clear message for bad options.

    expression: depth (2-6, default 3), variables (1-4, default 2 or 3), functions (from + - * / ^2
    sigmoid tanh exp log relu, default all), ask. mlp: shape (2-4 layer sizes of 1-6, default 2,3,1),
    activation (sigmoid, tanh, relu, leaky_relu), loss (mse, cross_entropy, binary_cross_entropy),
    samples (1 for one sample x, 2-6 for a batch X), dataset (xor or iris), ask. Each option may be a
    value or its command-line text ("2,3,1").
    """
    checked = check_options(kind, seed, options)
    rng = random.Random(seed)
    if kind == "expression":
        return generate_expression(rng, seed, checked)
    return generate_network(rng, seed, checked)


def generate_like(exercise: Exercise, seed: int) -> GeneratedExercise:
    """"Practice a new one like this": a new exercise of the same kind and shape as ``exercise``.

    The inference rule:

    - a generated exercise (its source holds the `tutor generate` command) gives the same kind and
      options again, with the new seed;
    - a network-like exercise (tagged "network" or "mlp", or using the matrix product @) gives an MLP:
      the shape from its weights, taken in the order the graph uses them (in each product the
      parameter that is a matrix, else a vector: W @ v is out×in, v @ W is in×out, a vector has one
      output; a v written [1, ...] carries the bias, so one input fewer), or 2-3-1 when no product
      names them; the activation is the first of sigmoid, tanh, relu, leaky_relu the graph calls
      (else sigmoid); the loss is cross-entropy with a softmax or log_softmax (or a "cross-entropy"
      tag) and more than one output, binary cross-entropy with one of those or a log and one output,
      else mse; a [batch] of n samples, or an input matrix of n samples multiplied first (X in
      X @ W1, not a parameter), gives a batch of n; a [training] table on the xor or iris dataset,
      when the shape fits it, keeps that dataset (2-4 of its rows);
    - any other exercise gives an expression graph: the depth is the longest chain of its nodes
      (held to 2-6), the variables as many as its inputs (held to 1-3), the functions its own in the
      generator's terms (+ for add, sum and mean; - for subtract and negate; ^2 for a power; relu for
      max, min, abs and leaky_relu; exp, / and + for softmax), adding * when none of them curves
      (sums alone have gradients of 1), + when several inputs need combining, ^2 when a single input
      has no curved function of one argument (sigmoid, tanh, exp, log or ^2) to go through.

    When the inferred options admit no sound exercise, the kind's defaults are used.
    """
    command = parse_command_line(exercise.source)
    if command is not None:
        kind, _, options = command
        try:
            return generate(kind, seed, **options)
        except ValueError:
            pass  # the command in the source was edited into something unusable: infer as for any exercise
    kind, options = ("mlp", network_options(exercise)) if is_network(exercise) else ("expression", expression_options(exercise))
    try:
        return generate(kind, seed, **options)
    except ValueError:
        return generate(kind, seed)
