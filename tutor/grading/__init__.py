"""Checking typed answers: reading them, tolerance, shapes, error carried forward."""

from .answer import ReadAnswer, UnreadableAnswer, read_answer
from .checker import CORRECT, WRONG, Checker, Comparison, Verdict, compare
from .quantities import KINDS, Quantity, asked_quantities, exists

__all__ = [
    "CORRECT",
    "KINDS",
    "WRONG",
    "Checker",
    "Comparison",
    "Quantity",
    "ReadAnswer",
    "UnreadableAnswer",
    "Verdict",
    "asked_quantities",
    "compare",
    "exists",
    "read_answer",
]
