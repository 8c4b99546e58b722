"""Checking typed answers: reading them, tolerance, shapes, error carried forward."""

from .answer import ReadAnswer, UnreadableAnswer, read_answer
from .checker import CORRECT, WRONG, Checker, Verdict
from .comparison import Comparison, compare
from .quantities import KINDS, Quantity, QuantityKind, asked_quantities, exists

__all__ = [
    "CORRECT",
    "KINDS",
    "WRONG",
    "Checker",
    "Comparison",
    "Quantity",
    "QuantityKind",
    "ReadAnswer",
    "UnreadableAnswer",
    "Verdict",
    "asked_quantities",
    "compare",
    "exists",
    "read_answer",
]
