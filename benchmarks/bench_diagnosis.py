"""How long diagnosing a wrong answer takes, on every step of every catalog exercise. Prints figures; asserts nothing.

Each step gets three wrong answers (×1.37 + 0.1, the sign flipped, halved), timed one call at a time on a fresh
solution, so the first calls that build a step's candidate mistakes are counted. The target is a mean and a median
under 20 ms a call, and no call over 0.2 s (the learner waits for it after pressing Enter).

Run:  python benchmarks/bench_diagnosis.py
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from tutor.engine import solve
from tutor.exercise import catalog_names, resolve_exercise
from tutor.grading import Checker, asked_quantities
from tutor.grading.diagnosis import diagnose

MEAN_TARGET = MEDIAN_TARGET = 0.020  # seconds a call
SLOWEST_TARGET = 0.2


def main() -> None:
    durations = []
    slowest = (0.0, "")
    for name in catalog_names():
        solution = solve(resolve_exercise(name))
        checker = Checker(solution)
        for quantity in asked_quantities(solution):
            expected = np.asarray(checker.expected(quantity), dtype=np.float64)
            for wrong in (expected * 1.37 + 0.1, -expected, expected / 2):
                start = time.perf_counter()
                diagnose(solution, quantity, wrong, solution.exercise.tolerance)
                duration = time.perf_counter() - start
                durations.append(duration)
                slowest = max(slowest, (duration, f"{name} {quantity}"))
    mean, median = statistics.mean(durations), statistics.median(durations)
    print(f"{len(durations)} diagnoses over {len(catalog_names())} catalog exercises")
    print(
        f"mean    {mean * 1000:7.2f} ms  (target < {MEAN_TARGET * 1000:.0f} ms: {'met' if mean < MEAN_TARGET else 'MISSED'})"
    )
    print(
        f"median  {median * 1000:7.2f} ms  (target < {MEDIAN_TARGET * 1000:.0f} ms: "
        f"{'met' if median < MEDIAN_TARGET else 'MISSED'})"
    )
    print(
        f"slowest {slowest[0] * 1000:7.2f} ms  ({slowest[1]}; target < {SLOWEST_TARGET * 1000:.0f} ms: "
        f"{'met' if slowest[0] < SLOWEST_TARGET else 'MISSED'})"
    )


if __name__ == "__main__":
    main()
