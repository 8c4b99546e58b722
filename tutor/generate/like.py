"""Reading an exercise's kind and shape, for "practice a new one like this" (see generate_like)."""

from __future__ import annotations

from ..exercise import Exercise
from ..exercise.expression import Call, Name, Number, calls_in, names_in
from .datasets import DATASETS
from .options import (ACTIVATIONS, BINARY_FUNCTIONS, CURVED_FUNCTIONS, DEFAULT_SHAPE, DEPTHS, LAYER_COUNTS, LAYER_SIZES,
                      SAMPLE_COUNTS)

NETWORK_TAGS = ("network", "mlp")
# The exercise's operations in the generator's terms; piecewise-linear ones become relu.
FUNCTION_EQUIVALENTS = {
    "add": ("+",), "sum": ("+",), "mean": ("+",), "subtract": ("-",), "negate": ("-",), "multiply": ("*",),
    "divide": ("/",), "power": ("^2",), "sigmoid": ("sigmoid",), "tanh": ("tanh",), "exp": ("exp",),
    "log": ("log",), "relu": ("relu",), "leaky_relu": ("relu",), "max": ("relu",), "min": ("relu",),
    "abs": ("relu",), "softmax": ("exp", "/", "+"), "log_softmax": ("exp", "log", "-"),
}


def is_network(exercise: Exercise) -> bool:
    return (any(tag in NETWORK_TAGS for tag in exercise.tags)
            or any(call.function == "matmul" for node in exercise.written_nodes for call in calls_in(node.expression)))


def network_options(exercise: Exercise) -> dict:
    calls = [call for node in exercise.written_nodes for call in calls_in(node.expression)]
    functions = [call.function for call in calls]
    shape = _layer_shape(exercise, calls) or DEFAULT_SHAPE
    activation = next((function for function in functions if function in ACTIVATIONS), "sigmoid")
    outputs = shape[-1]
    if "softmax" in functions or "log_softmax" in functions or "cross-entropy" in exercise.tags:
        loss = "cross_entropy" if outputs > 1 else "binary_cross_entropy"
    elif "log" in functions:
        loss = "binary_cross_entropy" if outputs == 1 else "cross_entropy"
    else:
        loss = "mse"
    samples = len(exercise.batch.samples) if exercise.batch else _batch_rows(exercise, calls)
    options = {"shape": shape, "activation": activation, "loss": loss,
               "samples": min(max(samples, SAMPLE_COUNTS.start), SAMPLE_COUNTS.stop - 1)}
    dataset = DATASETS.get(exercise.training.dataset or "") if exercise.training else None
    if dataset is not None and (shape[0], outputs) == (dataset.features, dataset.outputs):
        options.update(dataset=dataset.name, samples=min(max(samples, 2), 4))
    return options


def _layer_shape(exercise: Exercise, calls: list[Call]) -> tuple[int, ...] | None:
    """Layer sizes from the weights of the matrix products, in the order the graph first uses them.

    In each product the weight is a parameter, a matrix rather than a vector: W @ v makes W
    out×in, v @ W makes it in×out, and a weight vector is a layer with one output. When v is
    written [1, ...], the bias is folded into W (as in seed 004) and the layer has one input fewer.
    """
    inputs = exercise.written_inputs
    written = {node.name: node.expression for node in exercise.written_nodes}
    layers: list[tuple[int, int]] = []
    seen: set[str] = set()
    for call in calls:
        if call.function != "matmul":
            continue
        weights = [(position, argument.id, _size(inputs[argument.id].value)) for position, argument in enumerate(call.args)
                   if isinstance(argument, Name) and argument.id in inputs and argument.id in exercise.params
                   and argument.id not in seen]
        if not weights:
            continue
        position, name, size = max(weights, key=lambda weight: len(weight[2]))  # the first matrix, else the first vector
        bias = 1 if _starts_with_one(call.args[1 - position], written) else 0
        if len(size) == 2:
            fan_in, fan_out = (size[1], size[0]) if position == 0 else (size[0], size[1])
            layers.append((fan_in - bias, fan_out))
        elif len(size) == 1:
            layers.append((size[0] - bias, 1))
        seen.add(name)
    if not layers:
        return None
    shape = [layers[0][0], *(fan_out for _, fan_out in layers)][: LAYER_COUNTS.stop - 1]
    return tuple(min(max(size, LAYER_SIZES.start), LAYER_SIZES.stop - 1) for size in shape)


def _starts_with_one(expression, written: dict) -> bool:
    """``[1, ...]``, written in place or as a node of its own: a constant 1 that carries the bias."""
    if isinstance(expression, Name) and expression.id in written:
        expression = written[expression.id]
    return (isinstance(expression, Call) and expression.function == "stack" and bool(expression.args)
            and isinstance(expression.args[0], Number) and expression.args[0].value == 1)


def _batch_rows(exercise: Exercise, calls: list[Call]) -> int:
    """The rows of a matrix of samples (X in X @ W1, an input that is not a parameter), else 1."""
    inputs = exercise.written_inputs
    for call in calls:
        data = call.args[0] if call.function == "matmul" else None
        if isinstance(data, Name) and data.id in inputs and data.id not in exercise.params:
            size = _size(inputs[data.id].value)
            return size[0] if len(size) == 2 else 1
    return 1


def _size(value) -> tuple[int, ...]:
    if isinstance(value, list):
        return (len(value), *_size(value[0]))
    return ()


def expression_options(exercise: Exercise) -> dict:
    """Depth: the longest chain of written nodes; functions: the exercise's, in the generator's terms."""
    depth_of: dict[str, int] = {}
    for node in exercise.written_nodes:
        depth_of[node.name] = 1 + max((depth_of.get(name.id, 0) for name in names_in(node.expression)), default=0)
    depth = min(max(max(depth_of.values(), default=0), DEPTHS.start), DEPTHS.stop - 1)
    used = [call.function for node in exercise.written_nodes for call in calls_in(node.expression)]
    functions = {equivalent for function in used for equivalent in FUNCTION_EQUIVALENTS.get(function, ())}
    variables = min(max(len(exercise.written_inputs), 1), 3)
    if not functions & set(CURVED_FUNCTIONS):
        functions.add("*")  # sums alone have gradients of 1 only
    if variables > 1 and not functions & set(BINARY_FUNCTIONS):
        functions.add("+")
    if variables == 1 and not functions & (set(CURVED_FUNCTIONS) - set(BINARY_FUNCTIONS)):
        functions.add("^2")  # relu of one input is that input: something must curve it
    return {"depth": depth, "variables": variables, "functions": tuple(sorted(functions))}
