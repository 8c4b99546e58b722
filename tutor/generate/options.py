"""The options of each kind of generated exercise: checked, completed with their defaults, and written
as the command line that makes the same exercise again (the generated file's ``source``).

Every option may be given as a value (``shape=(2, 3, 1)``) or as the text typed on the command line
(``shape="2,3,1"``), so the command, the API and a regenerated ``source`` all read the same way.
"""

from __future__ import annotations

import difflib
import shlex

from ..exercise.model import ASK_CHOICES
from ..exercise.operations import ACTIVATIONS, OPERATION_TABLE
from .datasets import DATASETS
from .windows import uncovered_rows

KINDS = ("expression", "mlp", "conv", "attention", "rnn", "pool", "norm")
OPTIONS = {
    "expression": ("depth", "variables", "functions", "fan_out", "ask"),
    "mlp": ("shape", "activation", "loss", "samples", "dataset", "ask"),
    "conv": ("size", "stride", "padding", "ask"),
    "attention": ("mask", "ask"),
    "rnn": ("steps", "hidden", "ask"),
    "pool": ("size", "ask"),
    "norm": ("kind", "decomposed", "ask"),
}

FUNCTIONS = ("+", "-", "*", "/", "^2", "sigmoid", "tanh", "exp", "log", "relu")  # the default: all of these
# ... and the table's other activations when asked for (not by default: a seed keeps making the same exercise)
MORE_FUNCTIONS = tuple(name for name in ACTIVATIONS if name not in FUNCTIONS)
BINARY_FUNCTIONS = ("+", "-", "*", "/")
FUNCTION_WORDS = {"add": "+", "subtract": "-", "multiply": "*", "divide": "/", "square": "^2", "**2": "^2"}
# Without one of these, every gradient of a graph is 1 or -1 (sums, differences and live ReLUs pass
# gradients on unchanged): nothing left to work out.
CURVED_FUNCTIONS = ("*", "/", "^2", "sigmoid", "tanh", "exp", "log") + tuple(
    name for name in MORE_FUNCTIONS if not OPERATION_TABLE[name].piecewise_linear
)
DEPTHS = range(2, 7)
VARIABLE_COUNTS = range(1, 5)
DEFAULT_DEPTH = 3

LOSSES = ("mse", "cross_entropy", "binary_cross_entropy")
LOSS_WORDS = {"ce": "cross_entropy", "bce": "binary_cross_entropy", "log_loss": "binary_cross_entropy"}
LAYER_SIZES = range(1, 7)
LAYER_COUNTS = range(2, 5)  # entries of a shape: the input size, up to two hidden layers, the output size
SAMPLE_COUNTS = range(1, 7)
DEFAULT_SHAPE = (2, 3, 1)

FLAGS = ("fan_out", "decomposed")  # options that are on or off: written as a bare --fan-out when on, left out when off
CONV_SIZES = range(3, 5)  # the input is 3x3 or 4x4: one window more would be no longer work by hand
STRIDES = range(1, 3)
PADDINGS = range(0, 2)
MASKS = ("causal", "none")
RNN_STEPS = range(2, 4)
HIDDEN_SIZES = range(1, 3)
POOL_SIZES = range(2, 4)  # 2x2 or 3x3 windows, over a 4x4 or 6x6 input
NORM_KINDS = ("batch", "layer")

MAX_SEED = 2**32 - 1
SOURCE_PREFIX = "backprop-tutor's generator: "
COMMAND = "tutor generate"


def check_options(kind: str, seed: int, options: dict) -> dict:
    """The options, checked and completed with their defaults; ValueError says what is wrong.

    An expression's ``variables`` stays None when not given: the generator draws 2 or 3.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind '{kind}'{did_you_mean(kind, KINDS)}: choose {' or '.join(KINDS)}")
    check_seed(seed)
    allowed = OPTIONS[kind]
    for name in options:
        if name not in allowed:
            raise ValueError(
                f"'{name}' is not an option of {kind} exercises{did_you_mean(name, allowed)}; "
                f"they take {', '.join(allowed)}"
            )
    given = {name: value for name, value in options.items() if value is not None}
    checks = {
        "expression": _expression_options,
        "mlp": _mlp_options,
        "conv": _conv_options,
        "attention": _attention_options,
        "rnn": _rnn_options,
        "pool": _pool_options,
        "norm": _norm_options,
    }
    return checks[kind](given)


def check_seed(seed) -> int:
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        raise ValueError(f"the seed must be a whole number from 0 to {MAX_SEED}, not {seed!r}")
    return seed


def _expression_options(given: dict) -> dict:
    depth = _whole(given.get("depth", DEFAULT_DEPTH), "depth", DEPTHS)
    variables = given.get("variables")
    if variables is not None:
        variables = _whole(variables, "variables", VARIABLE_COUNTS)
    functions = _functions(given.get("functions", FUNCTIONS))
    if not any(function in CURVED_FUNCTIONS for function in functions):
        raise ValueError(
            f"with only {' '.join(functions)} every gradient would be 1 or -1: allow one of "
            f"{' '.join(CURVED_FUNCTIONS)}"
        )
    combines = any(function in BINARY_FUNCTIONS for function in functions)
    if not combines and (variables or 1) > 1:
        raise ValueError(
            f"{variables} variables can only be combined with one of {' '.join(BINARY_FUNCTIONS)}: "
            "allow one, or use --variables 1"
        )
    if variables == 1 and not any(
        function in CURVED_FUNCTIONS and function not in BINARY_FUNCTIONS for function in functions
    ):
        # relu of a (live) input is the input itself, and x/x or x - x of it is a constant
        raise ValueError(
            "with one variable the graph needs a curved function of it: allow one of "
            f"{' '.join(f for f in CURVED_FUNCTIONS if f not in BINARY_FUNCTIONS)}"
        )
    # a function of one argument takes in at most one input, a node of two at most two (with a side node)
    curved_combinations = [function for function in functions if function in ("*", "/")]
    if (variables or 0) > 2 * depth - 1 and not curved_combinations:
        raise ValueError(
            f"at depth {depth}, {variables} variables leave room only for nodes that combine two, and "
            f"{' and '.join(f for f in functions if f in BINARY_FUNCTIONS)} alone give gradients of 1 "
            "or -1: allow * or /, or use fewer variables"
        )
    fan_out = _switch(given.get("fan_out", False), "fan_out")
    return {
        "depth": depth,
        "variables": variables,
        "functions": functions,
        "fan_out": fan_out,
        "ask": _ask(given.get("ask")),
    }


def _mlp_options(given: dict) -> dict:
    dataset_name = given.get("dataset")
    dataset = None
    if dataset_name is not None:
        dataset = DATASETS.get(dataset_name)
        if dataset is None:
            raise ValueError(
                f"unknown dataset '{dataset_name}'{did_you_mean(str(dataset_name), DATASETS)}: "
                f"choose {' or '.join(DATASETS)}"
            )
    shape = _shape(given.get("shape", dataset.default_shape if dataset else DEFAULT_SHAPE))
    activation = _choice(given.get("activation", "sigmoid"), "activation", ACTIVATIONS, {})
    loss = _choice(given.get("loss", dataset.default_loss if dataset else "mse"), "loss", LOSSES, LOSS_WORDS)
    samples = _whole(given.get("samples", dataset.default_samples if dataset else 1), "samples", SAMPLE_COUNTS)
    if dataset is not None:
        if shape[0] != dataset.features or shape[-1] != dataset.outputs:
            raise ValueError(
                f"the {dataset.name} dataset has {dataset.features} features and {dataset.outputs} "
                f"output{'s' if dataset.outputs > 1 else ''}: the shape must be "
                f"{dataset.features},...,{dataset.outputs}, like "
                f"{','.join(map(str, dataset.default_shape))}"
            )
        most = min(len(dataset.row_numbers), 4)
        if not 2 <= samples <= most:
            raise ValueError(
                f"with the {dataset.name} dataset, samples is how many of its rows the exercise shows: 2 to {most}"
            )
    outputs = shape[-1]
    if loss == "cross_entropy" and outputs < 2:
        raise ValueError(
            "cross_entropy is a softmax over 2 or more outputs, but the shape ends in 1: "
            "use binary_cross_entropy for one output"
        )
    if loss == "binary_cross_entropy" and outputs != 1:
        raise ValueError(
            f"binary_cross_entropy needs 1 output (a sigmoid), but the shape ends in {outputs}: "
            "use cross_entropy for several classes"
        )
    return {
        "shape": shape,
        "activation": activation,
        "loss": loss,
        "samples": samples,
        "dataset": dataset_name,
        "ask": _ask(given.get("ask")),
    }


def _conv_options(given: dict) -> dict:
    size = _whole(given.get("size", CONV_SIZES.start), "size", CONV_SIZES)
    stride = _whole(given.get("stride", STRIDES.start), "stride", STRIDES)
    padding = _whole(given.get("padding", PADDINGS.start), "padding", PADDINGS)
    missed = uncovered_rows(size, stride, padding)
    if missed:
        raise ValueError(
            f"with a {size}x{size} input, stride {stride} and padding {padding} the 2x2 kernel never reaches "
            f"row and column {missed[0]} of the input, whose gradient would be 0: change the size, the stride "
            "or the padding"
        )
    return {"size": size, "stride": stride, "padding": padding, "ask": _ask(given.get("ask"))}


def _attention_options(given: dict) -> dict:
    return {"mask": _choice(given.get("mask", MASKS[0]), "mask", MASKS, {}), "ask": _ask(given.get("ask"))}


def _rnn_options(given: dict) -> dict:
    steps = _whole(given.get("steps", RNN_STEPS.start), "steps", RNN_STEPS)
    hidden = _whole(given.get("hidden", HIDDEN_SIZES.stop - 1), "hidden", HIDDEN_SIZES)
    return {"steps": steps, "hidden": hidden, "ask": _ask(given.get("ask"))}


def _pool_options(given: dict) -> dict:
    return {"size": _whole(given.get("size", POOL_SIZES.start), "size", POOL_SIZES), "ask": _ask(given.get("ask"))}


def _norm_options(given: dict) -> dict:
    return {
        "kind": _choice(
            given.get("kind", NORM_KINDS[0]), "kind", NORM_KINDS, {"batchnorm": "batch", "layernorm": "layer"}
        ),
        "decomposed": _switch(given.get("decomposed", False), "decomposed"),
        "ask": _ask(given.get("ask")),
    }


def command_line(kind: str, seed: int, options: dict) -> str:
    """The `tutor generate` command that makes this exercise again, with every option spelt out."""
    parts = [COMMAND, kind, "--seed", str(seed)]
    for name in OPTIONS[kind]:
        value = options.get(name)
        if name in FLAGS:
            parts += [_flag(name)] if value else []
        elif value is not None:
            text = ",".join(map(str, value)) if isinstance(value, tuple) else str(value)
            # "--functions -,*" would read "-,*" as an option: such a value is joined on with "="
            parts += [f"--{name}={shlex.quote(text)}"] if text.startswith("-") else [f"--{name}", shlex.quote(text)]
    return " ".join(parts)


def parse_command_line(source: str) -> tuple[str, int, dict] | None:
    """(kind, seed, options) from a source naming the generator's command, or None if it names none."""
    start = source.find(COMMAND + " ")
    if start < 0:
        return None
    try:
        words = shlex.split(source[start + len(COMMAND) :])  # split into words only: nothing is run
    except ValueError:
        return None
    if not words or words[0] not in KINDS:
        return None
    kind, rest = words[0], words[1:]
    options: dict[str, str | bool] = {}
    while rest:
        flag = rest.pop(0)
        if flag.startswith("--") and flag[2:].replace("-", "_") in FLAGS:
            options[flag[2:].replace("-", "_")] = True
            continue
        if not flag.startswith("--") or ("=" not in flag and not rest):
            return None
        name, _, value = flag[2:].partition("=") if "=" in flag else (flag[2:], "", rest.pop(0))
        options[name] = value
    seed = options.pop("seed", None)
    if not isinstance(seed, str) or not seed.isdigit():
        return None
    return kind, int(seed), options


def _flag(name: str) -> str:
    """fan_out -> --fan-out, as argparse spells it."""
    return "--" + name.replace("_", "-")


def _whole(value, name: str, allowed: range) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value not in allowed:
        raise ValueError(f"{name} must be a whole number from {allowed.start} to {allowed.stop - 1}, not {value!r}")
    return value


def _switch(value, name: str) -> bool:
    """An option of FLAGS."""
    if not isinstance(value, bool):
        raise ValueError(f"{name} is on (True) or off (False), not {value!r}")
    return value


def _items(value, name: str) -> list:
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    try:
        return list(value)
    except TypeError:
        raise ValueError(f"{name} must be a list, like {_EXAMPLES[name]}, not {value!r}") from None


_EXAMPLES = {"functions": "+,*,sigmoid", "shape": "2,3,1", "ask": "values,gradients"}


def _functions(value) -> tuple[str, ...]:
    chosen = []
    for item in _items(value, "functions"):
        function = FUNCTION_WORDS.get(item, item) if isinstance(item, str) else item
        if function not in (*FUNCTIONS, *MORE_FUNCTIONS):
            raise ValueError(
                f"unknown function {item!r}"
                f"{did_you_mean(str(item), [*FUNCTIONS, *MORE_FUNCTIONS, *FUNCTION_WORDS])}: "
                f"choose from {' '.join((*FUNCTIONS, *MORE_FUNCTIONS))}"
            )
        chosen.append(function)
    if not chosen:
        raise ValueError(f"functions is empty: choose from {' '.join((*FUNCTIONS, *MORE_FUNCTIONS))}")
    # one order, whatever the typed one
    return tuple(function for function in (*FUNCTIONS, *MORE_FUNCTIONS) if function in chosen)


def _shape(value) -> tuple[int, ...]:
    sizes = _items(value, "shape")
    problem = (
        f"shape must be {LAYER_COUNTS.start} to {LAYER_COUNTS.stop - 1} layer sizes from input to output, "
        f"each from {LAYER_SIZES.start} to {LAYER_SIZES.stop - 1}, like 2,3,1; not {value!r}"
    )
    if len(sizes) not in LAYER_COUNTS:
        raise ValueError(problem)
    shape = []
    for size in sizes:
        if isinstance(size, str) and size.isdigit():
            size = int(size)
        if isinstance(size, bool) or not isinstance(size, int) or size not in LAYER_SIZES:
            raise ValueError(problem)
        shape.append(size)
    return tuple(shape)


def _choice(value, name: str, choices: tuple[str, ...], aliases: dict[str, str]) -> str:
    word = value.strip().lower().replace("-", "_") if isinstance(value, str) else value
    word = aliases.get(word, word)
    if word not in choices:
        raise ValueError(
            f"unknown {name} {value!r}{did_you_mean(str(value), choices)}: choose from {', '.join(choices)}"
        )
    return word


def _ask(value) -> tuple[str, ...] | None:
    if value is None:
        return None
    items = _items(value, "ask")
    for item in items:
        if item not in ASK_CHOICES:
            raise ValueError(
                f"ask cannot include {item!r}{did_you_mean(str(item), ASK_CHOICES)}: choose from "
                f"{', '.join(ASK_CHOICES)}"
            )
    if not items:
        raise ValueError(f"ask is empty: choose from {', '.join(ASK_CHOICES)}")
    return tuple(choice for choice in ASK_CHOICES if choice in items)


def did_you_mean(word: str, choices) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
