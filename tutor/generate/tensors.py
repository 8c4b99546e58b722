"""Beyond the MLP: a convolution, scaled dot-product attention and a tanh RNN unrolled in time.

Each kind draws small numbers (whole numbers for a convolution, halves for attention, tenths for a
recurrence) into the graph of the catalog's exercise of that kind (conv2d-forward-backward,
attention-causal-mask, rnn-two-steps-bptt with its inputs and state as inputs), and keeps a draft only
if the engine's solution is fit to work by hand (checks.py) and the kind's own trouble is absent: an
input row that no window reaches (refused with the options), an attention row that puts (nearly) all
its weight on one token, a tanh saturated or nearly the identity.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable

import numpy as np

from .numbers import array_text, paragraph, toml_list, toml_string, value_of
from .options import SOURCE_PREFIX, command_line
from .result import MAX_ATTEMPTS, GeneratedExercise, exhausted, sound
from .windows import KERNEL, conv_output_size

MASKED = "-1e9"  # the stand-in for -inf (checks.MASKED): e^(-1e9) is exactly 0, and an input must be finite
ATTENTION_WEIGHTS = (0.1, 0.9)  # a softmax row outside this is all but one-hot: its gradient vanishes
RNN_PRE_ACTIVATION = (0.1, 2.5)  # |a| into tanh: away from 0 (tanh is then linear) and from saturation
MIN_ERROR = 0.2  # |yhat - y|: a target too close to the prediction leaves no gradient


def whole_number(rng: random.Random, limit: int, allow_zero: bool = True) -> int:
    """A whole number in [-limit, limit], as hundredths (the generator's unit)."""
    choices = [number for number in range(-limit, limit + 1) if number or allow_zero]
    return 100 * rng.choice(choices)


def nonzero_multiple(rng: random.Random, step: int, limit: int) -> int:
    """A nonzero multiple of ``step`` hundredths in [-limit, limit] hundredths."""
    return step * rng.choice([count for count in range(-(limit // step), limit // step + 1) if count])


def exercise_text(
    title: str,
    description: list[str],
    command: str,
    tags: list[str],
    difficulty: int,
    params: list[str],
    ask: tuple[str, ...] | list[str],
    inputs: list[tuple[str, str]],
    nodes: list[tuple[str, str]],
) -> str:
    lines = [
        f"title = {toml_string(title)}",
        "description = '''",
        *description,
        "",
        paragraph(f"Made by `{command}`: the same command makes the same exercise."),
        "'''",
        f"source = {toml_string(SOURCE_PREFIX + command)}",
        f"tags = {toml_list(tags)}",
        f"difficulty = {difficulty}",
        f"params = {toml_list(params)}",
        f"ask = {toml_list(ask)}",
        "",
        "[inputs]",
        *(f"{name} = {text}" for name, text in inputs),
        "",
        "[graph]",
        *(f"{name} = {toml_string(text)}" for name, text in nodes),
    ]
    return "\n".join(lines) + "\n"


def first_sound(kind: str, name: str, drafts: Callable[[], str | None], advice: str) -> GeneratedExercise:
    for _ in range(MAX_ATTEMPTS):
        text = drafts()
        if text is None:
            continue
        found = sound(text, name)
        if found is not None:
            return found[0]
    raise exhausted(kind, advice)


# -- conv ----------------------------------------------------------------------------------------------------------


def generate_conv(rng: random.Random, seed: int, options: dict) -> GeneratedExercise:
    size, stride, padding = options["size"], options["stride"], options["padding"]
    out = conv_output_size(size, stride, padding)
    name = f"generated-conv-{size}x{size}-stride-{stride}-padding-{padding}-seed-{seed}"
    command = command_line("conv", seed, options)
    convolution = "conv2d(X, K)" if (stride, padding) == (1, 0) else f"conv2d(X, K, {stride}, {padding})"
    nodes = [("Y", convolution), ("L", "sum(G*Y)")]
    settings = f"stride {stride}" + (f" and padding {padding} (a border of zeros)" if padding else ", no padding")
    description = [
        paragraph(
            f"A convolution as the frameworks compute it (a cross-correlation: one channel, one filter): the "
            f"{KERNEL}x{KERNEL} kernel K slides over the {size}x{size} input X with {settings}, and each of the "
            f"{out}x{out} outputs is the sum of the products of K with the entries of X under it. G is the "
            "gradient ∂L/∂Y from the layer above."
        ),
        "",
        f"    Y = {convolution}",
        "    L = Σ G·Y",
        "",
        paragraph(
            "Work the forward pass, then ∂L/∂K (each kernel entry meets every input entry it multiplied, "
            "weighted by that output's gradient) and ∂L/∂X (each input entry collects G times the kernel "
            "entry it sat under, in every window that reached it: a full convolution with the flipped kernel)."
        ),
    ]

    def draft() -> str:
        X = [[whole_number(rng, 3) for _ in range(size)] for _ in range(size)]
        K = [[whole_number(rng, 2, allow_zero=False) for _ in range(KERNEL)] for _ in range(KERNEL)]
        G = [[whole_number(rng, 2, allow_zero=False) for _ in range(out)] for _ in range(out)]
        return exercise_text(
            f"Generated convolution: {size}x{size} input, {KERNEL}x{KERNEL} kernel, stride {stride}, padding {padding}",
            description,
            command,
            ["generated", "convolution", "cnn", "tensor"],
            3,
            ["X", "K"],
            options["ask"] or ("values", "parameter_gradients"),
            [("X", array_text(X)), ("K", array_text(K)), ("G", array_text(G))],
            nodes,
        )

    return first_sound("conv", name, draft, "try another seed")


# -- attention -----------------------------------------------------------------------------------------------------

TOKENS = DIMENSION = 2


def generate_attention(rng: random.Random, seed: int, options: dict) -> GeneratedExercise:
    causal = options["mask"] == "causal"
    name = f"generated-attention-{options['mask']}-seed-{seed}"
    command = command_line("attention", seed, options)
    scores = "T/sqrt(2) + M" if causal else "T/sqrt(2)"
    nodes = [("T", "Q @ transpose(K)"), ("S", scores), ("A", "softmax(S)"), ("O", "A @ V"), ("L", "sum(G*O)")]
    mask_words = (
        f" M is the causal mask: the first token may not look at the second, and −∞ is written {MASKED}, "
        "as implementations do (e to that power is exactly 0)."
        if causal
        else ""
    )
    description = [
        paragraph(
            f"One head of self-attention over {TOKENS} tokens with d = {DIMENSION}: queries Q, keys K and values "
            f"V, one row per token, and G the gradient ∂L/∂O from the layer above.{mask_words}"
        ),
        "",
        "    T = Q·Kᵀ",
        f"    S = {scores.replace('T/sqrt(2)', 'T/√2')}",
        "    A = softmax(S)                   row by row",
        "    O = A·V",
        "    L = Σ G·O",
        "",
        paragraph(
            "Going back, each row of A goes through the softmax Jacobian diag(a) − a·aᵀ, not the elementwise "
            "a(1 − a)." + (" The first row of A cannot change, so the first query gets no gradient." if causal else "")
        ),
    ]
    params = ["K", "V"] if causal else ["Q", "K", "V"]  # a masked row's query has a zero gradient on purpose
    ask = options["ask"] or (
        ("values", "parameter_gradients", "grad.Q") if causal else ("values", "parameter_gradients")
    )

    def draft() -> str | None:
        Q, K, V = (
            [[nonzero_multiple(rng, 50, 200) for _ in range(DIMENSION)] for _ in range(TOKENS)] for _ in range(3)
        )
        G = [[whole_number(rng, 2, allow_zero=False) for _ in range(DIMENSION)] for _ in range(TOKENS)]
        low, high = ATTENTION_WEIGHTS
        for row in range(1 if causal else 0, TOKENS):
            raw = [sum(value_of(q) * value_of(k) for q, k in zip(Q[row], K[column])) for column in range(TOKENS)]
            weight = 1 / (1 + math.exp((raw[1] - raw[0]) / math.sqrt(DIMENSION)))
            if not low <= weight <= high:
                return None
        inputs = [("Q", array_text(Q)), ("K", array_text(K)), ("V", array_text(V))]
        if causal:
            inputs.append(("M", f"[[0, {MASKED}], [0, 0]]"))
        inputs.append(("G", array_text(G)))
        title = "Generated attention: 2 tokens, d = 2" + (", causal mask" if causal else "")
        tags = ["generated", "attention", "transformer", "softmax", "tensor", *(["mask"] if causal else [])]
        return exercise_text(title, description, command, tags, 5, params, ask, inputs, nodes)

    return first_sound("attention", name, draft, "try another seed")


# -- rnn -----------------------------------------------------------------------------------------------------------


def generate_rnn(rng: random.Random, seed: int, options: dict) -> GeneratedExercise:
    steps, hidden = options["steps"], options["hidden"]
    name = f"generated-rnn-{steps}-steps-{hidden}-hidden-seed-{seed}"
    command = command_line("rnn", seed, options)
    vector = hidden > 1
    recurrence = "Wh @ " if vector else "Wh*"
    nodes = []
    for step in range(1, steps + 1):
        nodes += [(f"a{step}", f"Wx*x{step} + {recurrence}h{step - 1} + b"), (f"h{step}", f"tanh(a{step})")]
    nodes += [("yhat", f"v @ h{steps}" if vector else f"v*h{steps}"), ("L", "(yhat - y)^2")]
    width = max(len(node) for node, _ in nodes)
    shapes = (
        f"The hidden state has {hidden} units: Wx, b, v and h0 are vectors of {hidden}, Wh is {hidden}×{hidden}."
        if vector
        else "The hidden state is one number, and so is every weight."
    )
    description = [
        paragraph(
            f"A vanilla RNN reads one number x_t at each of {steps} steps with the same weights Wx, Wh and b, "
            f"and the last hidden state is read out by v. {shapes}"
        ),
        "",
        *(f"    {node.ljust(width)} = {text}" for node, text in nodes),
        "",
        paragraph(
            "Backpropagation through time: the gradient goes back from each a_t into h_(t−1) through Wh, and "
            "because Wx, Wh and b are used at every step their gradients are the sum of every step's "
            "contribution."
        ),
    ]

    def draw(limit: int) -> list[int]:
        return [nonzero_multiple(rng, 10, limit) for _ in range(hidden)]

    def written(counts: list) -> str:
        """A vector or matrix of hundredths as TOML; with one hidden unit, the number it holds."""
        return array_text(counts if vector else np.ravel(counts).tolist()[0])

    def draft() -> str | None:
        xs = [nonzero_multiple(rng, 10, 100) for _ in range(steps)]
        h0, Wx, b, v = draw(100), draw(100), draw(50), draw(100)
        Wh = [draw(100) for _ in range(hidden)]
        state = [value_of(count) for count in h0]
        low, high = RNN_PRE_ACTIVATION
        for x in xs:
            pre = [
                value_of(Wx[unit]) * value_of(x)
                + sum(value_of(weight) * h for weight, h in zip(Wh[unit], state))
                + value_of(b[unit])
                for unit in range(hidden)
            ]
            if not all(low <= abs(value) <= high for value in pre):
                return None
            state = [math.tanh(value) for value in pre]
        prediction = sum(value_of(weight) * h for weight, h in zip(v, state))
        targets = [count for count in range(-100, 101, 10) if abs(value_of(count) - prediction) >= MIN_ERROR]
        inputs = [(f"x{step}", array_text(x)) for step, x in enumerate(xs, start=1)]
        inputs += [("h0", written(h0)), ("Wx", written(Wx)), ("Wh", written(Wh)), ("b", written(b))]
        inputs += [("v", written(v)), ("y", array_text(rng.choice(targets)))]
        title = f"Generated tanh RNN: {steps} steps, {hidden} hidden unit{'s' if vector else ''}"
        tags = ["generated", "rnn", "bptt", "tanh", "recurrent", "tensor"]
        ask = options["ask"] or ("values", "local_derivatives", "parameter_gradients")
        return exercise_text(title, description, command, tags, 5, ["Wx", "Wh", "b", "v"], ask, inputs, nodes)

    return first_sound("rnn", name, draft, "try another seed")
