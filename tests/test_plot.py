"""The line chart as plain text: braille dots where the values are, labelled axes, a log scale."""

from __future__ import annotations

import math

from tutor.drawing.plot import BRAILLE_BASE, DOT_BITS, chart


def dots(lines: list[str]) -> set[tuple[int, int]]:
    """Every braille dot drawn, as (x, y) in dot units from the top left of the plot area."""
    found = set()
    for row, line in enumerate(lines[:-1]):
        plot = line.split("┤", 1)[-1] if "┤" in line else line.split("│", 1)[-1]
        for column, character in enumerate(plot):
            bits = ord(character) - BRAILLE_BASE
            if not 0 < bits < 256:
                continue
            for dot_x in range(2):
                for dot_y in range(4):
                    if bits & DOT_BITS[dot_x][dot_y]:
                        found.add((column * 2 + dot_x, row * 4 + dot_y))
    return found


def test_a_falling_curve_starts_top_left_and_ends_bottom_right():
    drawn = chart([4.0, 3.0, 2.0, 1.0], width=30, height=6)
    found = dots(drawn.lines)
    plot_width = len(drawn.lines[0].split("┤", 1)[1])
    assert (0, 0) in found  # the first value is the highest
    assert (plot_width * 2 - 1, 5 * 4 - 1) in found  # the last is the lowest, at the last step
    assert drawn.lines[0].startswith("4┤") and drawn.lines[4].startswith("1┤")
    assert drawn.lines[-1].endswith("step 3")
    assert not drawn.log_scale


def test_points_are_joined_so_a_steep_fall_is_a_line():
    drawn = chart([1.0, 0.0], width=20, height=5)
    found = dots(drawn.lines)
    columns_by_row = {y for _, y in found}
    assert columns_by_row == set(range(4 * 4))  # every dot row between the two points is crossed


def test_a_run_in_progress_fills_the_x_axis_from_the_left():
    drawn = chart([1.0, 0.5, 0.25], width=40, height=5, total_steps=100)
    found = dots(drawn.lines)
    assert max(x for x, _ in found) <= 2  # 2 of 100 steps: the first few dots only
    assert drawn.lines[-1].endswith("step 100")


def test_fixed_axis_for_an_accuracy():
    drawn = chart([0.5, 1.0], width=20, height=5, low=0.0, high=1.0)
    assert drawn.lines[0].startswith("1┤") and drawn.lines[3].startswith("0┤")
    found = dots(drawn.lines)
    assert min(y for _, y in found) == 0  # 100% touches the top
    assert (0, round(0.5 * 15)) in found  # 50% half way down 16 dot rows


def test_a_loss_falling_by_orders_of_magnitude_is_drawn_on_a_log_scale():
    losses = [10**-exponent for exponent in range(5)]
    drawn = chart(losses, width=30, height=6)
    assert drawn.log_scale and "log scale" in drawn.lines[-1]
    found = dots(drawn.lines)
    dots_across = len(drawn.lines[0].split("┤", 1)[1]) * 2
    # equal ratios are equal heights: each decade is a quarter of the 20 dot rows
    for step in range(5):
        assert (round(step / 4 * (dots_across - 1)), round(step / 4 * 19)) in found
    linear = chart(losses, width=30, height=6, log_scale=False)
    assert (round(1 / 4 * (dots_across - 1)), round(0.9 * 19)) in dots(linear.lines)


def test_non_finite_values_are_left_out_and_an_empty_chart_still_has_axes():
    drawn = chart([1.0, math.nan, math.inf, 0.5], width=20, height=4)
    assert all(len(line) <= 20 for line in drawn.lines)
    empty = chart([], width=20, height=4)
    assert dots(empty.lines) == set()
    assert empty.lines[-1].lstrip().startswith("└0")


def test_spans_cover_axis_and_curve_of_every_row():
    drawn = chart([1.0, 2.0], width=24, height=5)
    rows = {row for row, _, _, _ in drawn.spans}
    assert rows == set(range(len(drawn.lines)))
    assert {style for _, _, _, style in drawn.spans} == {"axis", "curve"}
