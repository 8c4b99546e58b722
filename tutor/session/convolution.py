"""Which kernel entries touch which input entries in a convolution: the structure behind ∂Z/∂X and ∂Z/∂K.

Z[i,j] = Σ X[s·i + a − p, s·j + b − p]·K[a, b] over the kernel's entries (stride s, padding p). The text
lists, for each output entry, the input entries and kernel entries it multiplies (`tutor solve`: ∂Z/∂X and
∂Z/∂K, Jacobians of four axes, are never steps); for each input entry, the (output, kernel) pairs it feeds
(the terms of dL/dX); for each kernel entry, the (output, input) pairs it meets (the terms of dL/dK). Rows and columns count from 1, as in the given
panel's grids, and an entry of the zero padding is written 0. Everything here is plain text: the TUI's given
panel and inspector (F7) and `tutor solve` show the same lines; `tutor solve --json` gives the products.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..engine.derivatives import ConvInput
from ..exercise.expression import Name, to_text
from ..grading import QuantityKind

PADDING = "0"  # how an entry of the zero padding is written in a product
ENTRY_GAP_WIDTH = 3  # between entries on one line


@dataclass(frozen=True)
class Touch:
    """One product of a convolution: output[output] takes input[input]·kernel[kernel] (0-based indices).

    ``input`` is None where the kernel sits on the zero padding."""

    output: tuple[int, int]
    input: tuple[int, int] | None
    kernel: tuple[int, int]


def touches(input_shape: tuple[int, int], kernel_shape: tuple[int, int], stride: int, padding: int) -> list[Touch]:
    """Every product of conv2d(X, K, stride, padding), output by output, kernel entries in reading order."""
    rows, columns = input_shape
    kernel_rows, kernel_columns = kernel_shape
    output_rows = (rows + 2 * padding - kernel_rows) // stride + 1
    output_columns = (columns + 2 * padding - kernel_columns) // stride + 1
    found = []
    for i in range(output_rows):
        for j in range(output_columns):
            for a in range(kernel_rows):
                for b in range(kernel_columns):
                    u, v = stride * i + a - padding, stride * j + b - padding
                    inside = 0 <= u < rows and 0 <= v < columns
                    found.append(Touch((i, j), (u, v) if inside else None, (a, b)))
    return found


@dataclass(frozen=True)
class Convolution:
    """One conv2d in an exercise: its output's, input's and kernel's names, shapes and settings."""

    output: str
    input: str
    kernel: str
    input_shape: tuple[int, int]
    kernel_shape: tuple[int, int]
    stride: int
    padding: int

    def touches(self) -> list[Touch]:
        return touches(self.input_shape, self.kernel_shape, self.stride, self.padding)

    def settings(self) -> str:
        padded = f" ({PADDING}: padding)" if self.padding else ""
        return f"stride {self.stride}, padding {self.padding}{padded}"

    def by_output(self, width: int) -> tuple[str, ...]:
        """Z11 = X11·K11 + ...: each output entry's window and the kernel entries it multiplies, a line each."""
        lines = [f"{self.output} = conv2d({self.input}, {self.kernel}), {self.settings()}"]
        for position, group in _grouped(self.touches(), lambda touch: touch.output).items():
            terms = [f"{self._input(touch.input)}·{self._entry(self.kernel, touch.kernel)}" for touch in group]
            lines += _wrapped(f"{self._entry(self.output, position)} = ", terms, " + ", width)
        return tuple(lines)

    def by_input(self, width: int) -> tuple[str, ...]:
        """X22 → Z11·K22 ...: the outputs each input entry feeds and the kernel entry it meets in each (the
        terms of its gradient), packed several to a line."""
        real = [touch for touch in self.touches() if touch.input is not None]
        entries = [
            self._listed(
                position,
                [f"{self._entry(self.output, t.output)}·{self._entry(self.kernel, t.kernel)}" for t in group],
                width,
            )
            for position, group in sorted(_grouped(real, lambda touch: touch.input).items())
        ]
        reached = {touch.input for touch in real}
        unreached = [
            self._entry(self.input, position) for position in _positions(self.input_shape) if position not in reached
        ]
        if unreached:
            entries.append(_wrapped("no output from ", unreached, ", ", width))
        heading = f"{self.input} entry → {self.output} entry it feeds · {self.kernel} entry met; {self.settings()}"
        return (heading, *_flowed(entries, width))

    def by_kernel(self, width: int) -> tuple[str, ...]:
        """K11 → Z11·X11 ...: the outputs each kernel entry feeds and the input entry it meets in each (the
        terms of its gradient), packed several to a line."""
        entries = [
            self._listed(
                position,
                [f"{self._entry(self.output, t.output)}·{self._input(t.input)}" for t in group],
                width,
                self.kernel,
            )
            for position, group in sorted(_grouped(self.touches(), lambda touch: touch.kernel).items())
        ]
        heading = f"{self.kernel} entry → {self.output} entry it feeds · {self.input} entry met; {self.settings()}"
        return (heading, *_flowed(entries, width))

    def views_of(self, name: str, width: int) -> tuple[str, ...]:
        """The view about ``name``: each output entry's products, or the terms of an input's or kernel's gradient."""
        if name == self.output:
            return self.by_output(width)
        if name == self.input:
            return self.by_input(width)
        return self.by_kernel(width) if name == self.kernel else ()

    def as_json(self) -> dict:
        """`tutor solve --json`: names, settings and every product, rows and columns counted from 1."""

        def entry(position: tuple[int, int] | None) -> list[int] | None:
            return None if position is None else [position[0] + 1, position[1] + 1]

        return {
            "output": self.output,
            "input": self.input,
            "kernel": self.kernel,
            "stride": self.stride,
            "padding": self.padding,
            "products": [
                {"output": entry(touch.output), "input": entry(touch.input), "kernel": entry(touch.kernel)}
                for touch in self.touches()
            ],
        }

    def _listed(self, position: tuple[int, int], pairs: list[str], width: int, name: str | None = None) -> list[str]:
        return _wrapped(f"{self._entry(name or self.input, position)} → ", pairs, " ", width)

    def _input(self, position: tuple[int, int] | None) -> str:
        return PADDING if position is None else self._entry(self.input, position)

    def _entry(self, name: str, position: tuple[int, int]) -> str:
        """X23 as the exercises write it, or X[2,3] when a name ends in a digit or a side passes 9."""
        row, column = position[0] + 1, position[1] + 1
        sides = [*self.input_shape, *self.kernel_shape]
        if name[-1:].isdigit() or max(sides) > 9 or not name.isidentifier():
            return f"{name}[{row},{column}]"
        return f"{name}{row}{column}"


def _grouped(found: list[Touch], key) -> dict:
    groups: dict = {}
    for touch in found:
        groups.setdefault(key(touch), []).append(touch)
    return groups


def _positions(shape: tuple[int, int]) -> list[tuple[int, int]]:
    return [(u, v) for u in range(shape[0]) for v in range(shape[1])]


def _wrapped(lead: str, terms: list[str], separator: str, width: int) -> list[str]:
    """lead + terms joined by separator, continued under the first term when a line would pass ``width``."""
    lines = [lead + terms[0]]
    for index, term in enumerate(terms[1:], start=2):
        room = len(separator.rstrip()) if index < len(terms) else 0  # for the separator ending a line, if one follows
        if len(lines[-1]) + len(separator) + len(term) + room > width:
            lines[-1] += separator.rstrip()
            lines.append(" " * len(lead) + term)
        else:
            lines[-1] += separator + term
    return lines


def _flowed(entries: list[list[str]], width: int) -> list[str]:
    """Entries of one line side by side, a gap apart, while they fit in ``width``; a longer one on its own lines."""
    lines: list[str] = []
    joinable = False  # whether the last line is a one-line entry's
    for entry in entries:
        if len(entry) == 1 and joinable and len(lines[-1]) + ENTRY_GAP_WIDTH + len(entry[0]) <= width:
            lines[-1] += " " * ENTRY_GAP_WIDTH + entry[0]
        else:
            lines += entry
        joinable = len(entry) == 1
    return lines


def convolutions(solution) -> list[Convolution]:
    """Every conv2d of an exercise's nodes, in the graph's order."""
    found = []
    for name in solution.graph.nodes:
        top = solution.evaluated[name]
        for evaluated in _operations(top):
            derivative = next((item for item in evaluated.derivatives if isinstance(item, ConvInput)), None)
            if derivative is None:
                continue
            image, kernel = evaluated.children[:2]
            found.append(
                Convolution(
                    output=name if evaluated is top else f"({to_text(evaluated.expression)})",
                    input=_label(image.expression),
                    kernel=_label(kernel.expression),
                    input_shape=image.value.shape,
                    kernel_shape=kernel.value.shape,
                    stride=derivative.stride,
                    padding=derivative.padding,
                )
            )
    return found


def step_convolution_text(session, width: int) -> str:
    """For a gradient that flows back through a conv2d, which kernel entries touch which input entries; "" for
    any other step."""
    quantity = session.step.quantity
    # ∂Z/∂X and ∂Z/∂K are never steps (Jacobians of four axes cannot be typed): the gradients are where it helps.
    # Only a matrix goes into a conv2d: other steps never walk the operations (a number exercise keeps none).
    if quantity.kind != QuantityKind.GRAD or np.ndim(session.solution.values[quantity.name]) != 2:
        return ""
    return "\n".join(
        _gradient_text(convolution, quantity.name == convolution.kernel, width)
        for convolution in convolutions(session.solution)
        if quantity.name in (convolution.input, convolution.kernel)
    )


@lru_cache(maxsize=16)  # the given panel asks again at each redraw, and a 32x32 image has 8,100 products
def _gradient_text(convolution: Convolution, of_kernel: bool, width: int) -> str:
    return "\n".join(convolution.by_kernel(width) if of_kernel else convolution.by_input(width))


def _operations(evaluated):
    yield evaluated
    for child in evaluated.children:
        yield from _operations(child)


def _label(expression) -> str:
    return expression.id if isinstance(expression, Name) else f"({to_text(expression)})"
