"""Where a 2x2 kernel's windows fall on a square input, for a stride and a zero padding: `tutor generate
conv` refuses a setting that leaves an input row under no window, and sizes the upstream gradient G."""

from __future__ import annotations

KERNEL = 2  # a 2x2 kernel, as in the catalog: four products per window


def conv_output_size(size: int, stride: int, padding: int) -> int:
    return (size + 2 * padding - KERNEL) // stride + 1


def uncovered_rows(size: int, stride: int, padding: int) -> list[int]:
    """The rows (and so columns) of the input, from 1, that no window of the kernel reaches."""
    reached = {
        window * stride + offset - padding
        for window in range(conv_output_size(size, stride, padding))
        for offset in range(KERNEL)
    }
    return [row + 1 for row in range(size) if row not in reached]
