"""Every operation the tutor knows: its forward value and its local derivatives, side by side.

What each operation is called, takes and means is the table's (tutor/exercise/operations.py); here each
function takes float64 arrays and returns ``(value, [local derivative for each argument])``.
Reading down this file is reading the table of derivatives every backprop course starts with.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ..exercise.operations import OPERATION_TABLE, OperationSpec
from ..exercise.shapes import describe_shape
from .derivatives import (
    ConvInput,
    ConvKernel,
    Elementwise,
    Jacobian,
    LocalDerivative,
    LogSoftmax,
    MatmulLeft,
    MatmulRight,
    Normalization,
    Reduction,
    Route,
    Select,
    Softmax,
    Transpose,
)


class EvaluationError(ValueError):
    """A value that cannot be computed: a shape mismatch, log of a negative number, an overflow."""


@dataclass(frozen=True)
class Operation:
    """An operation of the table (tutor/exercise/operations.py) with its computation."""

    spec: OperationSpec
    compute: Callable[..., tuple[np.ndarray, list[LocalDerivative]]]
    # For functions whose derivative textbooks write with the output (σ' = σ(1 − σ)): the local
    # derivative from the output alone, so a learner's own rounded ŷ can be carried forward.
    from_output: Callable[[np.ndarray], LocalDerivative] | None = None

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def elementwise(self) -> bool:
        return self.spec.elementwise

    @property
    def rule(self) -> str:
        """The derivative in words, for solutions and hints."""
        return self.spec.rule


OPERATIONS: dict[str, Operation] = {}


def operation(name: str, from_output: Callable[[np.ndarray], LocalDerivative] | None = None):
    """Register the computation of an operation of the table, under the table's name."""

    def register(compute):
        OPERATIONS[name] = Operation(OPERATION_TABLE[name], compute, from_output)
        return compute

    return register


# -- arithmetic ---------------------------------------------------------------------------------


@operation("add")
def add(a, b):
    return a + b, [Elementwise(1.0), Elementwise(1.0)]


@operation("subtract")
def subtract(a, b):
    return a - b, [Elementwise(1.0), Elementwise(-1.0)]


@operation("multiply")
def multiply(a, b):
    return a * b, [Elementwise(b), Elementwise(a)]


@operation("divide")
def divide(a, b):
    if np.any(b == 0):
        raise EvaluationError("division by zero")
    return a / b, [Elementwise(1 / b), Elementwise(-a / b**2)]


@operation("negate")
def negate(a):
    return -a, [Elementwise(-1.0)]


@operation("power")
def power(a, p):
    if np.any((a < 0) & (p != np.round(p))):
        raise EvaluationError("a negative number raised to a fractional power")
    if np.any((a == 0) & (p < 0)):
        raise EvaluationError("zero raised to a negative power")
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        value = a**p
        by_base = np.where(p == 0, 0.0, p * a ** np.where(p == 0, 1.0, p - 1))
        # ln a exists only for a > 0; the exponent's derivative is taken as 0 elsewhere
        by_exponent = np.where(a > 0, value * np.log(np.where(a > 0, a, 1.0)), 0.0)
    return value, [Elementwise(by_base), Elementwise(by_exponent)]


@operation("matmul")
def matmul(a, b):
    if a.ndim == 0 or b.ndim == 0 or a.ndim > 2 or b.ndim > 2:
        raise EvaluationError(
            f"@ multiplies vectors and matrices, not {describe_shape(a.shape)} and "
            f"{describe_shape(b.shape)} (use * for numbers)"
        )
    if a.shape[-1] != b.shape[0]:
        raise EvaluationError(
            f"{describe_shape(a.shape)} @ {describe_shape(b.shape)}: the inner sizes "
            f"{a.shape[-1]} and {b.shape[0]} differ"
        )
    return a @ b, [MatmulLeft(b), MatmulRight(a)]


# -- activations --------------------------------------------------------------------------------


def sigmoid_slope(s):
    return Elementwise(s * (1 - s))


@operation("sigmoid", from_output=sigmoid_slope)
def sigmoid(z):
    e = np.exp(-np.abs(z))  # never overflows, whatever the sign of z
    s = np.where(z >= 0, 1 / (1 + e), e / (1 + e))
    return s, [sigmoid_slope(s)]


def tanh_slope(t):
    return Elementwise(1 - t**2)


@operation("tanh", from_output=tanh_slope)
def tanh(z):
    t = np.tanh(z)
    return t, [tanh_slope(t)]


@operation("relu")
def relu(z):
    return np.maximum(z, 0.0), [Elementwise((z > 0).astype(np.float64))]


@operation("leaky_relu")
def leaky_relu(z, alpha):
    positive = z > 0
    return np.where(positive, z, alpha * z), [
        Elementwise(np.where(positive, 1.0, alpha)),
        Elementwise(np.where(positive, 0.0, z)),
    ]


@operation("softplus")
def softplus(z):
    # ln(1 + eᶻ) as logaddexp(0, z): no overflow for large z, no log(1) rounding for very negative z
    return np.logaddexp(0.0, z), [Elementwise(sigmoid(z)[0])]


@operation("silu")
def silu(z):
    s = sigmoid(z)[0]
    return z * s, [Elementwise(s * (1 + z * (1 - s)))]


_erf = np.vectorize(math.erf, otypes=[np.float64])  # NumPy has no erf; math's is exact to a few ulp


@operation("gelu")
def gelu(z):
    normal_cdf = 0.5 * (1 + _erf(z / math.sqrt(2)))  # Φ(z)
    normal_pdf = np.exp(-(z**2) / 2) / math.sqrt(2 * math.pi)  # φ(z)
    return z * normal_cdf, [Elementwise(normal_cdf + z * normal_pdf)]


@operation("elu")
def elu(z, alpha):
    positive = z > 0
    below = np.expm1(np.minimum(z, 0.0))  # eᶻ − 1 where z ≤ 0, never e to a large z
    return np.where(positive, z, alpha * below), [
        Elementwise(np.where(positive, 1.0, alpha * (below + 1))),
        Elementwise(np.where(positive, 0.0, below)),
    ]


def _row_shifted(z: np.ndarray, function: str) -> np.ndarray:
    """z minus each row's largest element: exp of it cannot overflow, and softmax is unchanged by the shift."""
    if z.ndim not in (1, 2):
        raise EvaluationError(
            f"{function} takes a vector, or a matrix (one {function} per row), not {describe_shape(z.shape)}"
        )
    return z - z.max(axis=-1, keepdims=True)


@operation("softmax", from_output=Softmax)
def softmax(z):
    e = np.exp(_row_shifted(z, "softmax"))
    s = e / e.sum(axis=-1, keepdims=True)
    return s, [Softmax(s)]


@operation("log_softmax")
def log_softmax(z):
    shifted = _row_shifted(z, "log_softmax")
    # log Σ exp of the shifted row is between 0 and log k: never log 0, never an overflow
    value = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    return value, [LogSoftmax(np.exp(value))]


# -- elementary functions -----------------------------------------------------------------------


@operation("exp", from_output=Elementwise)
def exp(z):
    with np.errstate(over="ignore"):
        value = np.exp(z)
    return value, [Elementwise(value)]


@operation("log")
def log(z):
    if np.any(z <= 0):
        raise EvaluationError(f"log of a non-positive number ({_first(z[z <= 0] if z.ndim else z)})")
    return np.log(z), [Elementwise(1 / z)]


@operation("sqrt")
def sqrt(z):
    if np.any(z < 0):
        raise EvaluationError(f"square root of a negative number ({_first(z[z < 0] if z.ndim else z)})")
    root = np.sqrt(z)
    with np.errstate(divide="ignore"):
        return root, [Elementwise(0.5 / root)]


@operation("abs")
def absolute(z):
    return np.abs(z), [Elementwise(np.sign(z))]


@operation("max")
def maximum(a, b):
    first = a >= b
    return np.where(first, a, b), [Elementwise(first.astype(np.float64)), Elementwise((~first).astype(np.float64))]


@operation("min")
def minimum(a, b):
    first = a <= b
    return np.where(first, a, b), [Elementwise(first.astype(np.float64)), Elementwise((~first).astype(np.float64))]


# -- reductions and reshaping -------------------------------------------------------------------


def _settings(*given) -> list[LocalDerivative]:
    """The local derivatives of whole-number settings (a stride, an axis): nothing flows back to them."""
    return [Elementwise(0.0) for setting in given if setting is not None]


def _axis(z: np.ndarray, axis: np.ndarray, function: str) -> int:
    """The 0-based NumPy axis of a 1-based axis argument (1: down the columns, 2: along the rows)."""
    number = int(axis)
    if not 1 <= number <= z.ndim:
        axes = "1 (down the columns) and 2 (along the rows)" if z.ndim == 2 else "1" if z.ndim == 1 else "none"
        raise EvaluationError(f"{function} along axis {number}: {describe_shape(z.shape)} has axes {axes}")
    return number - 1


def _reduced(z, axis, function: str, reduce, weights) -> tuple[np.ndarray, list[LocalDerivative]]:
    """np.sum, np.mean or np.var of all of z (a number), or along one axis kept with size 1 (so the result
    broadcasts back against z); ``weights(along)`` is ∂out/∂z, of z's shape."""
    if axis is None:
        return reduce(z), [Jacobian(weights(None))]
    along = _axis(z, axis, function)
    return reduce(z, axis=along, keepdims=True), [Reduction(weights(along)), *_settings(axis)]


def _count(z: np.ndarray, along: int | None) -> int:
    """How many elements each result of a reduction takes in."""
    return z.size if along is None else z.shape[along]


@operation("sum")
def total(z, axis=None):
    return _reduced(z, axis, "sum", np.sum, lambda along: np.ones_like(z))


@operation("mean")
def mean(z, axis=None):
    return _reduced(z, axis, "mean", np.mean, lambda along: np.full_like(z, 1 / _count(z, along)))


@operation("var")
def variance(z, axis=None):
    return _reduced(
        z, axis, "var", np.var, lambda along: 2 * (z - np.mean(z, axis=along, keepdims=True)) / _count(z, along)
    )


# -- tensor operations: images, pooling, normalization ------------------------------------------


@operation("conv2d")
def conv2d(X, K, stride=None, padding=None):
    step = 1 if stride is None else int(stride)
    pad = 0 if padding is None else int(padding)
    if X.ndim != 2 or K.ndim != 2:
        raise EvaluationError(
            f"conv2d takes a matrix and a kernel matrix, not {describe_shape(X.shape)} and {describe_shape(K.shape)}"
        )
    if step < 1:
        raise EvaluationError("conv2d's stride is at least 1")
    if pad >= min(K.shape):
        raise EvaluationError(
            f"conv2d's padding is less than the kernel's side ({min(K.shape)}): more only adds outputs of zeros"
        )
    padded = np.pad(X, pad)
    if K.shape[0] > padded.shape[0] or K.shape[1] > padded.shape[1]:
        raise EvaluationError(
            f"the kernel, {describe_shape(K.shape)}, is larger than X, {describe_shape(X.shape)}"
            + (f" padded by {pad}" if pad else "")
        )
    windows = sliding_window_view(padded, K.shape)[::step, ::step]
    value = np.einsum("ijab,ab->ij", windows, K)
    return value, [ConvInput(K, step, pad), ConvKernel(windows), *_settings(stride, padding)]


@operation("maxpool")
def maxpool(X, size):
    side = int(size)
    if X.ndim != 2:
        raise EvaluationError(f"maxpool takes a matrix, not {describe_shape(X.shape)}")
    if side < 1 or X.shape[0] % side or X.shape[1] % side:
        raise EvaluationError(f"{describe_shape(X.shape)} does not split into {side}×{side} windows")
    rows, columns = X.shape[0] // side, X.shape[1] // side
    windows = X.reshape(rows, side, columns, side).swapaxes(1, 2).reshape(rows, columns, side * side)
    chosen = np.zeros_like(windows)
    # argmax gives the first largest element in reading order: the tie rule of the docs
    np.put_along_axis(chosen, windows.argmax(axis=-1)[..., None], 1.0, axis=-1)
    chosen = chosen.reshape(rows, columns, side, side).swapaxes(1, 2).reshape(X.shape)
    return windows.max(axis=-1), [Route(chosen, side), *_settings(size)]


NORMALIZATION_EPSILON = 1e-5  # the frameworks' default, added to the variance under the square root


def _normalized(X, gamma, beta, axis: int, function: str) -> tuple[np.ndarray, list[LocalDerivative]]:
    features = X.shape[-1]
    for name, parameter in (("gamma", gamma), ("beta", beta)):
        if parameter.ndim > 1 or (parameter.ndim == 1 and parameter.shape[0] != features):
            raise EvaluationError(
                f"{function}'s {name} is one number per column of X ({features}), or one number, "
                f"not {describe_shape(parameter.shape)}"
            )
    centred = X - X.mean(axis=axis, keepdims=True)
    inverse_std = 1 / np.sqrt(np.mean(centred**2, axis=axis, keepdims=True) + NORMALIZATION_EPSILON)
    xhat = centred * inverse_std
    return gamma * xhat + beta, [Normalization(xhat, inverse_std, gamma, axis), Elementwise(xhat), Elementwise(1.0)]


@operation("batchnorm")
def batchnorm(X, gamma, beta):
    if X.ndim != 2:
        raise EvaluationError(
            f"batchnorm takes a matrix, one row per sample of the batch (one feature: a column), "
            f"not {describe_shape(X.shape)}"
        )
    return _normalized(X, gamma, beta, -2, "batchnorm")  # over the rows; -2 also with a Jacobian's leading axes


@operation("layernorm")
def layernorm(X, gamma, beta):
    if X.ndim not in (1, 2):
        raise EvaluationError(
            f"layernorm takes a vector or a matrix (one row per sample), not {describe_shape(X.shape)}"
        )
    return _normalized(X, gamma, beta, -1, "layernorm")


@operation("transpose")
def transpose(z):
    if z.ndim < 2:
        return z, [Elementwise(1.0)]
    return z.T, [Transpose()]


@operation("stack")
def stack(*elements):
    shapes = {element.shape for element in elements}
    if len(shapes) > 1:
        raise EvaluationError(
            "the elements of [...] have different shapes: "
            + ", ".join(describe_shape(element.shape) for element in elements)
        )
    value = np.stack(elements)
    size = elements[0].size
    derivatives = []
    for position in range(len(elements)):
        selector = np.zeros((value.size, size))
        selector[position * size : (position + 1) * size] = np.eye(size)
        derivatives.append(Jacobian(selector.reshape(value.shape + elements[0].shape)))
    return value, derivatives


def index(z: np.ndarray, indices: tuple[int | None, ...]) -> tuple[np.ndarray, list[LocalDerivative]]:
    """``z[i, j]`` with 1-based indices, None for ``:`` (E[i, :] is row i, an embedding's lookup): the gradient
    lands on the chosen elements only."""
    if len(indices) > z.ndim:
        raise EvaluationError(f"{describe_shape(z.shape)} cannot take {len(indices)} indices")
    for axis, position in enumerate(indices):
        if position is not None and position > z.shape[axis]:
            raise EvaluationError(
                f"index {position} is past the end: {describe_shape(z.shape)} has {z.shape[axis]} "
                f"{'rows' if z.ndim == 2 and axis == 0 else 'elements' if z.ndim == 1 else 'columns'}"
            )
    chosen = tuple(slice(None) if position is None else position - 1 for position in indices)
    chosen += (slice(None),) * (z.ndim - len(chosen))  # W[2] is W[2, :]
    return np.array(z[chosen], dtype=np.float64), [Select(chosen)]


_missing = set(OPERATION_TABLE) ^ set(OPERATIONS)
if _missing:  # a new operation needs both its table entry and its computation
    raise ImportError(f"the engine and the table of operations disagree about {sorted(_missing)}")


def strict_errors() -> np.errstate:
    """NumPy's errors as an operation needs them: underflow to 0 is harmless (sigmoid of a large number); overflow
    and 0/0 are not."""
    return np.errstate(over="raise", divide="raise", invalid="raise", under="ignore")


def apply(name: str, args: list[np.ndarray]) -> tuple[np.ndarray, list[LocalDerivative]]:
    """Run one operation, turning NumPy's complaints into messages a learner can act on."""
    with strict_errors():
        return apply_strictly(name, args)


def apply_strictly(name: str, args: list[np.ndarray]) -> tuple[np.ndarray, list[LocalDerivative]]:
    """apply, for a caller that holds strict_errors(): a forward pass enters it once for all its
    operations (entering it costs as much as the rest of an operation on numbers)."""
    operation_ = OPERATIONS[name]
    try:
        value, derivatives = operation_.compute(*args)
    except FloatingPointError as error:
        raise EvaluationError(f"{name} overflows or is undefined here ({error})") from None
    except ValueError as error:
        if isinstance(error, EvaluationError):
            raise
        shapes = " and ".join(describe_shape(arg.shape) for arg in args)
        raise EvaluationError(f"cannot combine {shapes} in {name}: their shapes do not match") from None
    value = np.asarray(value, dtype=np.float64)
    # on every operation: a number (most values) is tested by math.isfinite, 20 times faster than through NumPy
    if not (math.isfinite(value) if value.ndim == 0 else np.isfinite(value).all()):
        raise EvaluationError(f"{name} gives a result too large to represent")
    return value, derivatives


def _first(values) -> str:
    return f"{float(np.ravel(values)[0]):.6g}"
