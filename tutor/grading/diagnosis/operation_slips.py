"""The usual slips of a derivative rule at one operation: the 2 of a square, σ for σ′, −1/b² for −a/b², a lost
minus sign, the own factor of a product, an untransposed matrix, the 1/N of a mean."""

from __future__ import annotations

from collections.abc import Iterator
from typing import cast

import numpy as np

from ...engine.derivatives import Elementwise, Jacobian, LocalDerivative, MatmulLeft, MatmulRight
from ...engine.formatting import format_number
from ...engine.graph import Evaluated
from ...exercise.expression import Call, Index, Node, Number, to_text
from ...exercise.model import BatchSpec


def operation_slips(
    node: str, site: Evaluated, expression_text: str, batch: BatchSpec | None, root: Evaluated
) -> Iterator[tuple[int, str, LocalDerivative, str]]:
    """(argument, label, new local derivative, detail) for the usual slips at one operation ``site`` inside
    ``node`` (``root``: the node's whole evaluated expression; ``batch``: the exercise's batch, if any)."""
    expression = cast(Call, site.expression)  # every site is a call
    function = expression.function
    values = [child.value for child in site.children]
    texts = [to_text(argument) for argument in expression.args]
    site_text = to_text(expression)
    output = site.value
    with np.errstate(all="ignore"):
        if function == "power" and isinstance(expression.args[1], Number) and expression.args[1].value == 2:
            base = values[0]
            yield (
                0,
                "missing_factor_2",
                Elementwise(base),
                f"the factor 2 from the square in {expression_text} is missing",
            )
            yield (
                0,
                "extra_factor_2",
                Elementwise(4 * base),
                f"the factor 2 from the square in {expression_text} is counted twice",
            )
        elif function == "multiply":
            for index in (0, 1):
                other = 1 - index
                if (
                    isinstance(factor := expression.args[other], Number)
                    and factor.value == 0.5
                    and has_square(expression.args[index])
                ):
                    yield (
                        index,
                        "extra_factor_2",
                        Elementwise(1.0),
                        (f"the 1/2 in {expression_text} is left out (it is there to cancel the 2 of the square)"),
                    )
            for index in (0, 1):
                if isinstance(expression.args[index], Number):
                    continue
                other = 1 - index
                yield (
                    index,
                    "neighbour_value",
                    Elementwise(values[index]),
                    (
                        f"∂({site_text})/∂{_wrap(texts[index])} is taken as {texts[index]} itself instead of "
                        f"the other factor {texts[other]}"
                    ),
                )
        elif function == "subtract":
            yield 1, "sign", Elementwise(1.0), f"the minus sign of ∂({site_text})/∂{_wrap(texts[1])} = −1 is lost"
        elif function == "negate":
            yield 0, "sign", Elementwise(1.0), f"the minus sign of {site_text} is lost"
        elif function == "divide":
            a, b = values
            yield (
                1,
                "division_derivative",
                Elementwise(-1 / b**2),
                (
                    f"∂({site_text})/∂{_wrap(texts[1])} is written −1/{_wrap(texts[1])}² instead of "
                    f"−{_wrap(texts[0])}/{_wrap(texts[1])}²"
                ),
            )
            yield (
                1,
                "division_derivative",
                Elementwise(a / b**2),
                (
                    f"∂({site_text})/∂{_wrap(texts[1])} is written {_wrap(texts[0])}/{_wrap(texts[1])}², "
                    f"without the minus sign of −{_wrap(texts[0])}/{_wrap(texts[1])}²"
                ),
            )
            yield (
                1,
                "division_derivative",
                Elementwise(-a / b),
                (
                    f"∂({site_text})/∂{_wrap(texts[1])} is written −{_wrap(texts[0])}/{_wrap(texts[1])} "
                    f"instead of −{_wrap(texts[0])}/{_wrap(texts[1])}² (the square is missing)"
                ),
            )
            if (
                batch is not None
                and node == batch.output
                and batch.reduce == "mean"
                and isinstance(expression.args[1], Number)
            ):
                samples = format_number(float(values[1]))
                yield (
                    0,
                    "mean_vs_sum",
                    Elementwise(1.0),
                    (f"the 1/{samples} of the batch mean {node} (over {samples} samples) is left out"),
                )
        elif function == "sigmoid":
            name = node if site is root else f"σ({texts[0]})"
            u = values[0]
            yield (
                0,
                "activation_not_derivative",
                Elementwise(output),
                (f"{name} itself is used instead of its derivative {_slope_text('sigmoid', name)}"),
            )
            yield (
                0,
                "pre_activation",
                Elementwise(u * (1 - u)),
                (
                    f"the derivative of the sigmoid is written with {texts[0]} instead of {name}: "
                    f"{_slope_text('sigmoid', _wrap(texts[0]))} instead of {_slope_text('sigmoid', name)}"
                ),
            )
            again = 1 / (1 + np.exp(-output))
            yield (
                0,
                "pre_activation",
                Elementwise(again * (1 - again)),
                (f"σ′ is evaluated at {name} instead of at {texts[0]}"),
            )
        elif function == "tanh":
            name = node if site is root else f"tanh({texts[0]})"
            u = values[0]
            yield (
                0,
                "activation_not_derivative",
                Elementwise(output),
                (f"{name} itself is used instead of its derivative {_slope_text('tanh', name)}"),
            )
            yield (
                0,
                "pre_activation",
                Elementwise(1 - u**2),
                (f"the derivative of tanh is written with {texts[0]} instead of {name}"),
            )
            yield (
                0,
                "pre_activation",
                Elementwise(1 - np.tanh(output) ** 2),
                (f"tanh′ is evaluated at {name} instead of at {texts[0]}"),
            )
        elif function in ("relu", "leaky_relu"):
            yield (
                0,
                "activation_not_derivative",
                Elementwise(output),
                (f"the value {function}({texts[0]}) is used instead of its derivative, the 0/1 mask"),
            )
        elif function == "max" and any(
            isinstance(argument, Number) and argument.value == 0 for argument in expression.args
        ):
            index = 1 if isinstance(expression.args[0], Number) else 0
            yield (
                index,
                "activation_not_derivative",
                Elementwise(output),
                (
                    f"the value {site_text} is used instead of its derivative, the 0/1 mask "
                    f"(1 where {texts[index]} > 0, else 0)"
                ),
            )
        elif function == "mean":
            count = np.size(values[0])
            yield (
                0,
                "mean_vs_sum",
                Jacobian(np.ones_like(values[0])),
                (f"the 1/{count} of the mean {site_text} (over {count} elements) is left out"),
            )
        elif function == "sum":
            count = np.size(values[0])
            if count > 1:
                yield (
                    0,
                    "mean_vs_sum",
                    Jacobian(np.full_like(values[0], 1 / count)),
                    (f"the sum {site_text} is differentiated as if it were a mean (1/{count} instead of 1)"),
                )
        elif function == "matmul":
            left, right = values
            if left.ndim == 2 and left.shape[0] == left.shape[1] and not np.allclose(left, left.T):
                yield (
                    1,
                    "transposed",
                    MatmulRight(left.T),
                    (f"{texts[0]} is used without transposing it in ∂({site_text})/∂{texts[1]} (it takes {texts[0]}ᵀ)"),
                )
            if right.ndim == 2 and right.shape[0] == right.shape[1] and not np.allclose(right, right.T):
                yield (
                    0,
                    "transposed",
                    MatmulLeft(right.T),
                    (f"{texts[1]} is used without transposing it in ∂({site_text})/∂{texts[0]} (it takes {texts[1]}ᵀ)"),
                )


def has_square(expression: Node) -> bool:
    """Whether the expression squares something (its derivative has a factor 2)."""
    if isinstance(expression, Call):
        if expression.function == "power" and isinstance(expression.args[1], Number) and expression.args[1].value == 2:
            return True
        return any(has_square(argument) for argument in expression.args)
    if isinstance(expression, Index):
        return has_square(expression.target)
    return False


def _wrap(text: str) -> str:
    return f"({text})" if any(symbol in text for symbol in " +-*/@^") and not text.startswith("(") else text


def _slope_text(function: str, name: str) -> str:
    return f"{name}(1 − {name})" if function == "sigmoid" else f"1 − {name}²"
