"""How fast and how small the tensor operations solve (issue 16). Prints figures; asserts nothing.

A 32x32 image convolved with a 3x3 kernel, then relu, 2x2 max pooling, batch norm over the pooled rows and a
mean squared error: solve() (the forward and the backward pass) timed as CPU time (time.process_time, the best
of --runs runs) and as wall time, and its peak of Python allocations (tracemalloc, NumPy's arrays included).
Targets (the issue's): under 50 ms and 100 MB. Then the same with every local derivative the learner could be
asked for built (∂Z/∂X alone is a 30x30x32x32 Jacobian), which solve() never does.

Run:  python benchmarks/bench_tensors.py [--runs 20]
"""

from __future__ import annotations

import argparse
import time
import tracemalloc

import numpy as np

from tutor.engine import solve
from tutor.exercise import parse_exercise

TIME_TARGET = 0.050  # seconds
MEMORY_TARGET = 100 * 2**20  # bytes


def exercise_text(size: int = 32, kernel: int = 3) -> str:
    rng = np.random.default_rng(16)
    image = np.round(rng.normal(size=(size, size)), 2).tolist()
    weights = np.round(rng.normal(size=(kernel, kernel)), 2).tolist()
    pooled = (size - kernel + 1) // 2
    target = np.round(rng.normal(size=(pooled, pooled)), 2).tolist()
    return f"""
title = "{size}x{size} convolution with a {kernel}x{kernel} kernel"
[inputs]
X = {image}
K = {weights}
gamma = 1.5
beta = 0.1
T = {target}
[graph]
Z = "conv2d(X, K)"
A = "relu(Z)"
P = "maxpool(A, 2)"
B = "batchnorm(P, gamma, beta)"
L = "mean((B - T)^2)"
"""


def measure(function, runs: int) -> tuple[float, float, int]:
    """(best CPU seconds, best wall seconds, peak traced bytes) of ``function()``."""
    cpu, wall = [], []
    for _ in range(runs):
        started_cpu, started_wall = time.process_time(), time.perf_counter()
        function()
        cpu.append(time.process_time() - started_cpu)
        wall.append(time.perf_counter() - started_wall)
    tracemalloc.start()
    function()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return min(cpu), min(wall), peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20)
    runs = parser.parse_args().runs
    exercise = parse_exercise(exercise_text(), name="conv-32")
    solve(exercise)  # imports and NumPy's first calls, not timed

    text = exercise_text()

    def every_local_derivative() -> int:
        solution = solve(exercise)
        return sum(solution.local_derivative(node, source).value.size for source, node in solution.edges)

    print(f"{'what':<52} {'cpu ms':>8} {'wall ms':>8} {'peak MB':>8}  target: {TIME_TARGET * 1000:.0f} ms, 100 MB")
    for what, function, targeted in (
        ("solve(): 32x32 conv 3x3, relu, pool, batch norm", lambda: solve(exercise), True),
        ("the file's text loaded (parse_exercise) and solved", lambda: solve(parse_exercise(text, name="c")), True),
        ("solved, and every local derivative built", every_local_derivative, False),
    ):
        cpu, wall, peak = measure(function, runs)
        verdict = ("PASS" if cpu < TIME_TARGET and peak < MEMORY_TARGET else "over target") if targeted else "-"
        print(f"{what:<52} {cpu * 1000:8.1f} {wall * 1000:8.1f} {peak / 2**20:8.1f}  {verdict}")


if __name__ == "__main__":
    main()
