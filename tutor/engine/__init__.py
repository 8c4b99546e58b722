"""The NumPy engine: forward values, local derivatives and reverse-mode gradients (float64)."""

from .graph import Evaluated, Graph, LocalValue, Solution, evaluate, solve
from .operations import OPERATIONS, EvaluationError

__all__ = [
    "OPERATIONS",
    "Evaluated",
    "EvaluationError",
    "Graph",
    "LocalValue",
    "Solution",
    "evaluate",
    "solve",
]
