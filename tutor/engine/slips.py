"""Each operation's typical slips: the wrong local derivatives learners write, with the words that name them.

Diagnosis (tutor/grading/diagnosis.py) puts each slip in place of the true local derivative at one
operation inside a node and carries it down the chain; the labels are its stable labels
(docs/diagnoses.md). Keyed by the names of the table of operations (tutor/exercise/operations.py):
an operation without slips here is only checked for the slips of the chain rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from ..exercise.expression import Call, Index, Node, Number, to_text
from ..exercise.operations import OPERATION_TABLE
from .derivatives import (
    ConvInput,
    Elementwise,
    Jacobian,
    LocalDerivative,
    MatmulLeft,
    MatmulRight,
    Normalization,
    Reduction,
    Route,
)
from .formatting import format_number
from .operations import OPERATIONS


@dataclass(frozen=True)
class SlipSite:
    """One operation inside a node, with its arguments' values and texts, as diagnosis visits it."""

    expression: Call
    values: list[np.ndarray]  # of its arguments
    output: np.ndarray
    texts: list[str]  # its arguments as written
    node: str
    expression_text: str  # the whole node: "L = (yhat - y)^2"
    at_root: bool  # the operation is the node's whole expression
    batch_mean: bool  # the node is the output of a batch averaged over its samples

    @property
    def text(self) -> str:
        return to_text(self.expression)

    def shown(self) -> str:
        """The operation's value in words: the node's name at the root, else f(argument)."""
        return (
            self.node
            if self.at_root
            else f"{OPERATION_TABLE[self.expression.function].shown_as}({', '.join(self.texts)})"
        )


class Slip(NamedTuple):
    argument: int  # whose local derivative is replaced
    label: str
    derivative: LocalDerivative
    detail: str


SLIPS: dict[str, Callable[[SlipSite], Iterator[Slip]]] = {}


def slips(name: str):
    """Register the slips of an operation of the table."""

    def register(function: Callable[[SlipSite], Iterator[Slip]]):
        assert name in OPERATION_TABLE, name  # slips of an operation the table does not know are never tried
        SLIPS[name] = function
        return function

    return register


def site_slips(site: SlipSite) -> Iterator[Slip]:
    """The slips of the operation at ``site`` (none for an operation without any)."""
    found = SLIPS.get(site.expression.function)
    if found is not None:
        with np.errstate(all="ignore"):
            yield from found(site)


# -- arithmetic ---------------------------------------------------------------------------------------


@slips("power")
def _power(site: SlipSite) -> Iterator[Slip]:
    exponent = site.expression.args[1]
    if isinstance(exponent, Number) and exponent.value == 2:
        base = site.values[0]
        where = site.expression_text
        yield Slip(0, "missing_factor_2", Elementwise(base), f"the factor 2 from the square in {where} is missing")
        yield Slip(
            0, "extra_factor_2", Elementwise(4 * base), f"the factor 2 from the square in {where} is counted twice"
        )
    elif isinstance(exponent, Number) and exponent.value not in (0, 1) and float(exponent.value).is_integer():
        n = format_number(exponent.value)
        yield Slip(
            0,
            "lost_constant_factor",
            Elementwise(site.values[0] ** (exponent.value - 1)),
            f"the factor {n} of the power rule is lost in ∂({site.text})/∂{wrap(site.texts[0])} "
            f"({wrap(site.texts[0])}^{format_number(exponent.value - 1)} instead of {n}·{wrap(site.texts[0])}"
            f"^{format_number(exponent.value - 1)}) in {site.expression_text}",
        )


@slips("multiply")
def _multiply(site: SlipSite) -> Iterator[Slip]:
    args, texts = site.expression.args, site.texts
    for index in (0, 1):
        other = args[1 - index]
        if isinstance(other, Number) and other.value == 0.5 and has_square(args[index]):
            yield Slip(
                index,
                "extra_factor_2",
                Elementwise(1.0),
                f"the 1/2 in {site.expression_text} is left out (it is there to cancel the 2 of the square)",
            )
    for index in (0, 1):
        constant = args[1 - index]
        if (
            isinstance(constant, Number)
            and constant.value not in (0, 1, -1, 0.5)
            and not isinstance(args[index], Number)
        ):
            yield Slip(
                index,
                "lost_constant_factor",
                Elementwise(1.0),
                f"the constant factor {format_number(constant.value)} of {site.text} is lost in its derivative "
                f"(in {site.expression_text})",
            )
    for index in (0, 1):
        mask = site.values[1 - index]
        if np.ndim(mask) > 0 and np.all((mask == 0) | (mask == 1)) and np.any(mask == 0):
            yield Slip(
                index,
                "mask_ignored",
                Elementwise(1.0),
                f"the 0/1 mask {texts[1 - index]} is left out of ∂({site.text})/∂{wrap(texts[index])}: where it is 0 "
                f"(a dropped unit), no gradient flows back (in {site.expression_text})",
            )
    for index in (0, 1):
        if isinstance(args[index], Number):
            continue
        yield Slip(
            index,
            "neighbour_value",
            Elementwise(site.values[index]),
            f"∂({site.text})/∂{wrap(texts[index])} is taken as {texts[index]} itself instead of "
            f"the other factor {texts[1 - index]}",
        )


@slips("subtract")
def _subtract(site: SlipSite) -> Iterator[Slip]:
    yield Slip(1, "sign", Elementwise(1.0), f"the minus sign of ∂({site.text})/∂{wrap(site.texts[1])} = −1 is lost")


@slips("negate")
def _negate(site: SlipSite) -> Iterator[Slip]:
    yield Slip(0, "sign", Elementwise(1.0), f"the minus sign of {site.text} is lost")


@slips("divide")
def _divide(site: SlipSite) -> Iterator[Slip]:
    a, b = site.values
    top, bottom = (wrap(text) for text in site.texts)
    by_bottom = f"∂({site.text})/∂{bottom} is written"
    yield Slip(
        1, "division_derivative", Elementwise(-1 / b**2), f"{by_bottom} −1/{bottom}² instead of −{top}/{bottom}²"
    )
    yield Slip(
        1,
        "division_derivative",
        Elementwise(a / b**2),
        f"{by_bottom} {top}/{bottom}², without the minus sign of −{top}/{bottom}²",
    )
    yield Slip(
        1,
        "division_derivative",
        Elementwise(-a / b),
        f"{by_bottom} −{top}/{bottom} instead of −{top}/{bottom}² (the square is missing)",
    )
    divisor = site.expression.args[1]
    if isinstance(divisor, Number) and divisor.value not in (0, 1, -1) and not site.batch_mean:
        yield Slip(
            0,
            "lost_constant_factor",
            Elementwise(1.0),
            f"the constant divisor {format_number(divisor.value)} of {site.text} is lost in its derivative "
            f"(in {site.expression_text})",
        )
    if site.batch_mean and isinstance(site.expression.args[1], Number):
        count = format_number(float(site.values[1]))
        yield Slip(
            0,
            "mean_vs_sum",
            Elementwise(1.0),
            f"the 1/{count} of the batch mean {site.node} (over {count} samples) is left out",
        )


@slips("matmul")
def _matmul(site: SlipSite) -> Iterator[Slip]:
    left, right = site.values
    texts = site.texts
    if left.ndim == 2 and left.shape[0] == left.shape[1] and not np.allclose(left, left.T):
        yield Slip(
            1,
            "transposed",
            MatmulRight(left.T),
            f"{texts[0]} is used without transposing it in ∂({site.text})/∂{texts[1]} (it takes {texts[0]}ᵀ)",
        )
    if right.ndim == 2 and right.shape[0] == right.shape[1] and not np.allclose(right, right.T):
        yield Slip(
            0,
            "transposed",
            MatmulLeft(right.T),
            f"{texts[1]} is used without transposing it in ∂({site.text})/∂{texts[0]} (it takes {texts[1]}ᵀ)",
        )


# -- activations ----------------------------------------------------------------------------------------


@slips("sigmoid")
def _sigmoid(site: SlipSite) -> Iterator[Slip]:
    name, u, s = site.shown(), site.values[0], site.output
    yield Slip(
        0,
        "activation_not_derivative",
        Elementwise(s),
        f"{name} itself is used instead of its derivative {name}(1 − {name})",
    )
    argument = wrap(site.texts[0])
    yield Slip(
        0,
        "pre_activation",
        Elementwise(u * (1 - u)),
        f"the derivative of the sigmoid is written with {site.texts[0]} instead of {name}: "
        f"{argument}(1 − {argument}) instead of {name}(1 − {name})",
    )
    again = 1 / (1 + np.exp(-s))
    yield Slip(
        0,
        "pre_activation",
        Elementwise(again * (1 - again)),
        f"σ′ is evaluated at {name} instead of at {site.texts[0]}",
    )


@slips("tanh")
def _tanh(site: SlipSite) -> Iterator[Slip]:
    name, u, t = site.shown(), site.values[0], site.output
    yield Slip(
        0, "activation_not_derivative", Elementwise(t), f"{name} itself is used instead of its derivative 1 − {name}²"
    )
    yield Slip(
        0,
        "tanh_not_squared",
        Elementwise(1 - t),
        f"tanh′ is written 1 − {name} instead of 1 − {name}² (the square is left out)",
    )
    yield Slip(
        0,
        "pre_activation",
        Elementwise(1 - u**2),
        f"the derivative of tanh is written with {site.texts[0]} instead of {name}",
    )
    yield Slip(
        0,
        "pre_activation",
        Elementwise(1 - np.tanh(t) ** 2),
        f"tanh′ is evaluated at {name} instead of at {site.texts[0]}",
    )


def _mask_slip(site: SlipSite) -> Iterator[Slip]:
    yield Slip(
        0,
        "activation_not_derivative",
        Elementwise(site.output),
        f"the value {site.expression.function}({site.texts[0]}) is used instead of its derivative, the 0/1 mask",
    )
    yield from _mask_ignored(site, 0)


def _entries(where: np.ndarray) -> str:
    """Which entries of a vector or matrix (1-based, as " (entries 1; 3)"); nothing for a number. No values: a forward
    value here can be an entry of the very answer asked (a value after an update the mask kept unchanged)."""
    if where.ndim == 0:
        return ""
    positions = [", ".join(str(i + 1) for i in index) for index in np.argwhere(where)]
    return f" (entr{'y' if len(positions) == 1 else 'ies'} {'; '.join(positions)})"


def _mask_ignored(site: SlipSite, index: int) -> Iterator[Slip]:
    """ReLU′ taken as 1 where the input is not positive (the mask's 0 ignored)."""
    inputs = np.asarray(site.values[index], dtype=np.float64)
    if np.any(inputs <= 0):
        yield Slip(
            index,
            "relu_mask_ignored",
            Elementwise(np.ones_like(inputs)),
            f"the slope of {site.text} is taken as 1 where {site.texts[index]} is not positive{_entries(inputs <= 0)} "
            "(there the 0/1 mask is 0)",
        )


slips("relu")(_mask_slip)
slips("leaky_relu")(_mask_slip)


def activation_slips(site: SlipSite) -> Iterator[Slip]:
    """Any activation's two slips: its value for its derivative, and its derivative taken at its value."""
    spec = OPERATION_TABLE[site.expression.function]
    name = site.shown()
    fields = {"out": wrap(name), "out_bare": name}
    for param, text in zip(spec.params, site.texts):
        fields[param], fields[param + "_bare"] = wrap(text), text
    slope = spec.derivatives[0].format_map(fields)
    yield Slip(
        0,
        "activation_not_derivative",
        Elementwise(site.output),
        f"{name} itself is used instead of its derivative {slope}",
    )
    _, at_output = OPERATIONS[spec.name].compute(site.output, *site.values[1:])
    yield Slip(0, "pre_activation", at_output[0], f"{spec.name}′ is evaluated at {name} instead of at {site.texts[0]}")


slips("softplus")(activation_slips)
slips("silu")(activation_slips)
slips("gelu")(activation_slips)
slips("elu")(activation_slips)


@slips("max")
def _max(site: SlipSite) -> Iterator[Slip]:
    args = site.expression.args
    if any(isinstance(argument, Number) and argument.value == 0 for argument in args):  # relu written as max(0, z)
        index = 1 if isinstance(args[0], Number) else 0
        yield Slip(
            index,
            "activation_not_derivative",
            Elementwise(site.output),
            f"the value {site.text} is used instead of its derivative, the 0/1 mask "
            f"(1 where {site.texts[index]} > 0, else 0)",
        )
        yield from _mask_ignored(site, index)


# -- reductions -------------------------------------------------------------------------------------------


def _reduction_slip(site: SlipSite, weights: np.ndarray) -> LocalDerivative:
    """A reduction's local derivative with other weights (∂out/∂z, of z's shape): of all of z, or along an axis."""
    return Jacobian(weights) if len(site.values) == 1 else Reduction(weights)


def _count(site: SlipSite) -> int:
    """How many elements each result of the reduction takes in."""
    return np.size(site.values[0]) // np.size(site.output)


@slips("mean")
def _mean(site: SlipSite) -> Iterator[Slip]:
    count = _count(site)
    yield Slip(
        0,
        "mean_vs_sum",
        _reduction_slip(site, np.ones_like(site.values[0])),
        f"the 1/{count} of the mean {site.text} (over {count} elements) is left out",
    )


@slips("sum")
def _sum(site: SlipSite) -> Iterator[Slip]:
    count = _count(site)
    if count > 1:
        yield Slip(
            0,
            "mean_vs_sum",
            _reduction_slip(site, np.full_like(site.values[0], 1 / count)),
            f"the sum {site.text} is differentiated as if it were a mean (1/{count} instead of 1)",
        )
    rows = np.shape(site.values[0])[0] if np.ndim(site.values[0]) == 2 else 0
    if rows > 1 and rows != count:
        yield Slip(
            0,
            "mean_vs_sum",
            Jacobian(np.full_like(site.values[0], 1 / rows)),
            f"the sum {site.text} is divided by its number of rows, {rows}, as if it were a mean over the samples",
        )


@slips("var")
def _var(site: SlipSite) -> Iterator[Slip]:
    count, shape = _count(site), np.shape(site.output)
    _, (true, *_) = OPERATIONS["var"].compute(*site.values)
    slope = true.chain(np.ones(shape), site.values[0].shape, shape)  # 2(zᵢ − mean)/n
    yield Slip(
        0,
        "mean_vs_sum",
        _reduction_slip(site, slope * count),
        f"the 1/{count} of the variance {site.text} (a mean over {count} elements) is left out",
    )
    yield Slip(
        0,
        "missing_factor_2",
        _reduction_slip(site, slope / 2),
        f"the factor 2 from the square in the variance {site.text} is missing",
    )


# -- tensor operations ------------------------------------------------------------------------------------


@slips("conv2d")
def _conv2d(site: SlipSite) -> Iterator[Slip]:
    kernel = site.values[1]
    flipped = kernel[::-1, ::-1]
    if np.array_equal(kernel, flipped):
        return  # a kernel that is its own 180° rotation: the flip changes nothing
    stride = int(site.values[2]) if len(site.values) > 2 else 1
    padding = int(site.values[3]) if len(site.values) > 3 else 0
    yield Slip(
        0,
        "kernel_not_flipped",
        ConvInput(flipped, stride, padding),
        f"∂({site.text})/∂{wrap(site.texts[0])} is worked with the kernel {site.texts[1]} as it is, not flipped by 180°",
    )


@slips("maxpool")
def _maxpool(site: SlipSite) -> Iterator[Slip]:
    side = int(site.values[1])
    everywhere = np.ones_like(site.values[0])
    yield Slip(
        0,
        "pool_not_routed",
        Route(everywhere, side),
        f"the gradient of each {side}×{side} window of {site.text} is sent to every element of the window, "
        "not only to its largest",
    )
    yield Slip(
        0,
        "pool_not_routed",
        Route(everywhere / side**2, side),
        f"the gradient of each {side}×{side} window of {site.text} is shared equally among its elements "
        "(average pooling's rule), not sent to its largest",
    )


def _normalization(site: SlipSite) -> Iterator[Slip]:
    _, (true, *_) = OPERATIONS[site.expression.function].compute(*site.values)
    assert isinstance(true, Normalization)
    over = "batch" if site.expression.function == "batchnorm" else "row"
    for through_mean, through_variance, what in (
        (False, False, "mean and variance are"),
        (True, False, "variance is"),
        (False, True, "mean is"),
    ):
        yield Slip(
            0,
            "normalization_constants",
            Normalization(true.xhat, true.inverse_std, true.gamma, true.axis, through_mean, through_variance),
            f"the {over}'s {what} taken as constants in ∂({site.text})/∂{wrap(site.texts[0])}, leaving out "
            f"the paths back to {site.texts[0]} through {'them' if what.endswith('are') else 'it'}",
        )


slips("batchnorm")(_normalization)
slips("layernorm")(_normalization)


@slips("softmax")
def _softmax(site: SlipSite) -> Iterator[Slip]:
    s = site.output
    if np.size(s) > 1:
        yield Slip(
            0,
            "softmax_diagonal",
            Elementwise(s * (1 - s)),
            f"the softmax {site.shown()} is differentiated elementwise, s(1 − s) as for a sigmoid, leaving out "
            f"the −sᵢsⱼ between different elements of its Jacobian",
        )


# -- helpers ----------------------------------------------------------------------------------------------


def has_square(expression: Node) -> bool:
    """Whether the expression squares something (``(a - y)^2``): its derivative carries a 2."""
    if isinstance(expression, Call):
        if expression.function == "power" and isinstance(expression.args[1], Number) and expression.args[1].value == 2:
            return True
        return any(has_square(argument) for argument in expression.args)
    if isinstance(expression, Index):
        return has_square(expression.target)
    return False


def wrap(text: str) -> str:
    return f"({text})" if any(symbol in text for symbol in " +-*/@^") and not text.startswith("(") else text


__all__ = ["SLIPS", "Slip", "SlipSite", "has_square", "site_slips", "slips"]
