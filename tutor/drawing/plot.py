"""A line chart as text: a curve drawn with braille dots, with its axes labelled in numbers.

Each character cell holds 2x4 braille dots, so a 40-column plot has 80 points across. A curve
that falls over orders of magnitude (a loss) is drawn on a log scale, and the axis says so. Like
the graph drawing, the result is plain text plus style spans, so tests can read it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

BRAILLE_BASE = 0x2800
# the dot bit for (column within the cell, row within the cell), rows counted from the top
DOT_BITS = ((0x01, 0x02, 0x04, 0x40), (0x08, 0x10, 0x20, 0x80))
LOG_SCALE_RATIO = 50.0  # a curve spanning more than this factor is drawn on a log scale
MIN_WIDTH, MIN_HEIGHT = 12, 3


@dataclass
class Chart:
    lines: list[str]
    spans: list[tuple[int, int, int, str]]  # (row, start, end, style): "axis" or "curve"
    log_scale: bool


def axis_number(value: float) -> str:
    return f"{value:.3g}" if value != 0 else "0"


def chart(
    values: Sequence[float],
    width: int,
    height: int,
    total_steps: int | None = None,
    low: float | None = None,
    high: float | None = None,
    log_scale: bool | None = None,
) -> Chart:
    """Plot ``values`` (one per step, step 0 first) in a ``width`` x ``height`` box of characters.

    ``total_steps`` fixes the x axis (a run still in progress fills it from the left); ``low`` and
    ``high`` fix the y axis (0 and 1 for an accuracy). Non-finite values are left out.
    """
    points = [(step, float(value)) for step, value in enumerate(values) if math.isfinite(value)]
    last_step = max(total_steps or 0, len(values) - 1, 1)
    finite = [value for _, value in points]
    low = min(finite, default=0.0) if low is None else low
    high = max(finite, default=1.0) if high is None else high
    if log_scale is None:
        log_scale = low > 0 and high / low > LOG_SCALE_RATIO
    if high <= low:
        high = low + (abs(low) or 1.0)
    top_label, bottom_label = axis_number(high), axis_number(low)
    label_width = max(len(top_label), len(bottom_label))
    plot_width = max(width - label_width - 1, MIN_WIDTH)
    plot_height = max(height - 1, MIN_HEIGHT)  # the last row is the x axis

    def y_fraction(value: float) -> float:
        if log_scale:
            return (math.log(value) - math.log(low)) / (math.log(high) - math.log(low))
        return (value - low) / (high - low)

    dots_across, dots_down = plot_width * 2, plot_height * 4
    cells = [[0] * plot_width for _ in range(plot_height)]
    previous = None
    for step, value in points:
        if log_scale and value <= 0:
            continue
        x = round(step / last_step * (dots_across - 1))
        y = round((1 - min(max(y_fraction(value), 0.0), 1.0)) * (dots_down - 1))
        # join consecutive points so a steep fall is a line, not scattered dots
        for dot_x, dot_y in _segment(previous, (x, y)):
            cells[dot_y // 4][dot_x // 2] |= DOT_BITS[dot_x % 2][dot_y % 4]
        previous = (x, y)

    lines, spans = [], []
    for row, row_cells in enumerate(cells):
        label = top_label if row == 0 else bottom_label if row == plot_height - 1 else ""
        text = "".join(chr(BRAILLE_BASE + bits) if bits else " " for bits in row_cells)
        lines.append(f"{label:>{label_width}}┤{text}" if label else f"{'':>{label_width}}│{text}")
        spans.append((row, 0, label_width + 1, "axis"))
        spans.append((row, label_width + 1, label_width + 1 + plot_width, "curve"))
    first, last = "0", f"step {last_step}" + (" · log scale" if log_scale else "")
    axis = "└" + first + "─" * max(plot_width - len(first) - len(last), 1) + last
    lines.append(" " * label_width + axis)
    spans.append((plot_height, 0, len(lines[-1]), "axis"))
    return Chart(lines, spans, log_scale)


def _segment(start: tuple[int, int] | None, end: tuple[int, int]) -> list[tuple[int, int]]:
    """The dots from ``start`` to ``end`` (Bresenham), or just ``end`` when there is no start."""
    if start is None:
        return [end]
    (x0, y0), (x1, y1) = start, end
    dx, dy = abs(x1 - x0), -abs(y1 - y0)
    step_x, step_y = (1 if x1 > x0 else -1), (1 if y1 > y0 else -1)
    error = dx + dy
    dots = []
    while True:
        dots.append((x0, y0))
        if (x0, y0) == (x1, y1):
            return dots
        doubled = 2 * error
        if doubled >= dy:
            error += dy
            x0 += step_x
        if doubled <= dx:
            error += dx
            y0 += step_y
