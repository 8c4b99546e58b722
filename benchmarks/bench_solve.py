"""How fast the engine solves, and how fast the `tutor` command starts. Prints figures; asserts nothing.

(a) solve() -- forward and backward pass -- on generated scalar graphs of 10 to 100,000 nodes, where
    every node uses the two nodes before it:

        n_i = sigmoid(n_{i-1})*0.5 + n_{i-2}*0.3

    Graphs of up to MAX_NODES (tutor/exercise/loader.py, 5,000) nodes are loaded from generated TOML
    text with parse_exercise; larger ones exceed that limit for files and are built directly as an
    Exercise of NodeSpecs (each expression still parsed by the real parser). Loading is timed
    separately from solving. Growth counts as linear when the time per node at 100,000 nodes is within
    3x of the time per node at 1,000. Beside it, the peer: the same chain in a pure-Python scalar
    autograd (micrograd's design, below), run in turn with ours; target: ours no slower at 100 and
    1,000 nodes. CPU times (time.process_time), the best of several runs.

(b) The cold-start wall time of `tutor solve sigmoid-neuron-mse --json` as a fresh process: the median
    of 5 runs (after one untimed warm-up run that fills the OS file cache), against a 0.35 s target.

Run:  python benchmarks/bench_solve.py [--sizes 10 100 1000 10000 100000] [--runs 5]
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from tutor.engine import solve
from tutor.exercise import ExerciseFileError, parse, parse_exercise
from tutor.exercise.expression import Number
from tutor.exercise.loader import MAX_NODES
from tutor.exercise.model import DEFAULT_ASK, Exercise, InputSpec, NodeSpec

REPO = Path(__file__).resolve().parents[1]
COLD_START_TARGET = 0.35  # seconds
LINEAR_FACTOR = 3.0
INPUTS = {"n0": 0.5, "n1": -0.25}


def node_expressions(count: int) -> list[tuple[str, str]]:
    """(name, expression) for nodes n2 .. n{count+1}; each uses the two names before it."""
    return [(f"n{i}", f"sigmoid(n{i - 1})*0.5 + n{i - 2}*0.3") for i in range(2, count + 2)]


def exercise_text(count: int) -> str:
    lines = ['title = "generated chain"', "[inputs]"]
    lines += [f"{name} = {value}" for name, value in INPUTS.items()]
    lines.append("[graph]")
    lines += [f'{name} = "{expression}"' for name, expression in node_expressions(count)]
    return "\n".join(lines) + "\n"


def build_exercise(count: int) -> Exercise:
    """The same graph, built without a file (and so without the loader's MAX_NODES limit)."""
    inputs = {
        name: InputSpec(name, Number(value, str(value)), str(value), line, base=name)
        for line, (name, value) in enumerate(INPUTS.items(), start=3)
    }
    nodes = tuple(
        NodeSpec(name, parse(expression), expression, line, base=name)
        for line, (name, expression) in enumerate(node_expressions(count), start=len(INPUTS) + 4)
    )
    return Exercise(
        name=f"chain-{count}",
        path=None,
        title="generated chain",
        description="",
        source="",
        tags=(),
        difficulty=2,
        inputs=inputs,
        nodes=nodes,
        output=nodes[-1].name,
        params=tuple(inputs),
        ask=DEFAULT_ASK,
        written_inputs=inputs,
        written_nodes=nodes,
    )


# -- the peer: a pure-Python scalar autograd, micrograd's design, written for this benchmark ---------------


class Value:
    """A number that remembers how it was made: its operands and a closure that passes its gradient back."""

    __slots__ = ("data", "grad", "_backward", "_operands")

    def __init__(self, data: float, operands: tuple[Value, ...] = ()):
        self.data = data
        self.grad = 0.0
        self._backward = _nothing
        self._operands = operands

    def __add__(self, other: Value | float) -> Value:
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other))

        def backward() -> None:
            self.grad += out.grad
            other.grad += out.grad

        out._backward = backward
        return out

    def __mul__(self, other: Value | float) -> Value:
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other))

        def backward() -> None:
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = backward
        return out

    def sigmoid(self) -> Value:
        s = 1 / (1 + math.exp(-self.data))
        out = Value(s, (self,))

        def backward() -> None:
            self.grad += s * (1 - s) * out.grad

        out._backward = backward
        return out

    def backward(self) -> None:
        """Every gradient of this value, in reverse topological order (a loop, not recursion: 100,000 nodes)."""
        order: list[Value] = []
        seen: set[int] = set()
        stack: list[tuple[Value, bool]] = [(self, False)]
        while stack:
            value, operands_done = stack.pop()
            if operands_done:
                order.append(value)
            elif id(value) not in seen:
                seen.add(id(value))
                stack.append((value, True))
                stack.extend((operand, False) for operand in value._operands)
        self.grad = 1.0
        for value in reversed(order):
            value._backward()


def _nothing() -> None:
    pass


def peer_solve(count: int) -> list[Value]:
    """The benchmark's chain in the peer: the forward pass builds the graph, then one backward pass."""
    nodes = [Value(value) for value in INPUTS.values()]
    for _ in range(count):
        nodes.append(nodes[-1].sigmoid() * 0.5 + nodes[-2] * 0.3)
    nodes[-1].backward()
    return nodes


def timed(function, repeat: int):
    """(best time, last result) over ``repeat`` calls."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def best_of_alternating(first, second, repeat: int) -> tuple[float, float, object, object]:
    """Best CPU times of two functions run in turn ``repeat`` times, so that both see the same machine load.

    CPU time (time.process_time), not wall time: on a shared machine the wall time also counts the time
    this process waits for a CPU, which varies by several times from run to run."""
    best_first = best_second = float("inf")
    result_first = result_second = None
    for _ in range(repeat):
        start = time.process_time()
        result_first = first()
        middle = time.process_time()
        result_second = second()
        best_first = min(best_first, middle - start)
        best_second = min(best_second, time.process_time() - middle)
    return best_first, best_second, result_first, result_second


def bench_sizes(sizes: list[int]) -> None:
    print(
        f"(a) solve() on generated chains  n_i = sigmoid(n_(i-1))*0.5 + n_(i-2)*0.3  (file limit MAX_NODES = "
        f"{MAX_NODES:,})"
    )
    print("    beside the peer: the same chain in a pure-Python scalar autograd (micrograd's design), same process")
    print(
        f"{'nodes':>9}  {'built by':<16} {'load s':>9} {'solve cpu s':>11} {'solve us/node':>14} {'peer us/node':>13} "
        f"{'ours/peer':>10}"
    )
    per_node: dict[int, float] = {}
    ratios: dict[int, float] = {}
    refused: list[tuple[int, str]] = []
    for count in sizes:
        repeat = max(3, min(20, 20_000 // count))
        if count <= MAX_NODES:
            how = "parse_exercise"
            text = exercise_text(count)
            load, exercise = timed(lambda text=text, count=count: parse_exercise(text, name=f"chain-{count}"), repeat)
        else:
            how = "Exercise()"
            try:
                parse_exercise(exercise_text(count), name=f"chain-{count}")
                refused.append((count, "(accepted by the loader)"))
            except ExerciseFileError as error:
                refused.append((count, error.problems[0].message))
            load, exercise = timed(lambda count=count: build_exercise(count), 1)
        seconds, peer_seconds, solution, peer = best_of_alternating(
            lambda exercise=exercise: solve(exercise), lambda count=count: peer_solve(count), repeat
        )
        per_node[count] = seconds / count
        ratios[count] = seconds / peer_seconds
        if not all(np.isfinite(gradient).all() for gradient in solution.grads.values()):
            print(f"  warning: a gradient of the {count:,}-node graph is not finite")
        # the peer writes sigmoid another way (1/(1 + e^-z)): its gradients agree to rounding, not bit for bit
        ours, theirs = float(solution.grads["n0"]), peer[0].grad
        if not math.isclose(ours, theirs, rel_tol=1e-9, abs_tol=1e-300):
            print(f"  warning: d/dn0 is {ours!r} here and {theirs!r} in the peer")
        print(
            f"{count:>9,}  {how:<16} {load:>9.4f} {seconds:>11.4f} {1e6 * seconds / count:>14.2f} "
            f"{1e6 * peer_seconds / count:>13.2f} {ratios[count]:>10.2f}"
        )
    for count, message in refused:
        print(f"  note: {count:,} nodes from a file: {message}; built programmatically instead")
    for count in (100, 1000):
        if count in ratios:
            verdict = "PASS" if ratios[count] <= 1 else "slower than the peer"
            print(f"  at {count:,} nodes solve takes {ratios[count]:.2f}x the peer's time (target <= 1): {verdict}")
    if 1000 in per_node and 100_000 in per_node:
        ratio = per_node[100_000] / per_node[1000]
        verdict = "linear" if ratio <= LINEAR_FACTOR else "NOT linear"
        print(
            f"  per-node time at 100,000 / at 1,000 = {ratio:.2f}  -> growth is {verdict} (within {LINEAR_FACTOR:g}x)"
        )
    elif len(per_node) >= 2:
        small, large = min(per_node), max(per_node)
        print(f"  per-node time at {large:,} / at {small:,} = {per_node[large] / per_node[small]:.2f}")


def bench_cold_start(runs: int) -> None:
    script = Path(sys.executable).with_name("tutor")
    if not script.exists():
        found = shutil.which("tutor")
        script = Path(found) if found else None
    command = [str(script)] if script else [sys.executable, "-m", "tutor.cli.main"]
    command += ["solve", "sigmoid-neuron-mse", "--json"]
    print(f"\n(b) cold start: {' '.join(command)}")
    warm_up = subprocess.run(command, cwd=REPO, capture_output=True)  # fills the OS file cache, not timed
    if warm_up.returncode != 0:
        print(f"  the command failed (exit {warm_up.returncode}): {warm_up.stderr.decode().strip()[-300:]}")
        return
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = subprocess.run(command, cwd=REPO, capture_output=True)
        times.append(time.perf_counter() - start)
        if result.returncode != 0:
            print(f"  the command failed (exit {result.returncode}): {result.stderr.decode()[-300:]}")
            return
    median = statistics.median(times)
    verdict = "PASS" if median < COLD_START_TARGET else "over target"
    print(f"  runs: {', '.join(f'{t:.3f}' for t in times)} s")
    print(f"  median of {runs}: {median:.3f} s (target < {COLD_START_TARGET} s): {verdict}")
    # context, measured the same way: what the interpreter and the heaviest imports cost on this machine
    for label, code in (
        ("python -c pass", "pass"),
        ("python -c 'import numpy'", "import numpy"),
        ("python -c 'import numpy, rich.markdown'", "import numpy, rich.markdown"),
    ):
        baseline = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], capture_output=True)
            baseline.append(time.perf_counter() - start)
        print(f"  for comparison, {label}: median {statistics.median(baseline):.3f} s")
    try:
        load = Path("/proc/loadavg").read_text().split()[0]
        print(f"  load average (1 min) while measuring: {load} on {os.cpu_count()} CPUs")
    except OSError:
        pass


# -- (c) memory: small files with big arrays -------------------------------------------------------------

MEMORY_CAP = 3 * 1024**3  # bytes of address space per case: a case that needs more fails instead of swapping
MEMORY_TIMEOUT = 120  # seconds per case


def big_array_cases() -> dict[str, str]:
    """Exercise texts of well under a megabyte whose arrays are large (issue 13's reproductions, and losses)."""
    ones = "[" + ", ".join(["1"] * 20_000) + "]"
    ramp = "[" + ", ".join(f"{(k % 97) / 97:.3f}" for k in range(15_000)) + "]"
    rows = ("[" + ", ".join(str((r * 7 + c) % 10) for c in range(500)) + "]" for r in range(500))
    matrix = "[" + ", ".join(rows) + "]"
    vector = "[" + ", ".join(f"{(k % 11) / 11:.2f}" for k in range(500)) + "]"
    head = 'title = "big arrays"\n[inputs]\n'
    no_locals = 'title = "big arrays"\nask = ["values", "gradients"]\n[inputs]\n'  # no local-derivative steps
    return {
        "z = v*2, v of 20,000": head + f'v = {ones}\n[graph]\nz = "v*2"\n',
        "L = sum(v*2), v of 20,000": head + f'v = {ones}\n[graph]\nz = "v*2"\nL = "sum(z)"\n',
        "s = softmax(v), v of 15,000": head + f'v = {ramp}\n[graph]\ns = "softmax(v)"\n',
        "L = sum(softmax(v)*v), 15,000": head + f'v = {ramp}\n[graph]\ns = "softmax(v)"\nL = "sum(s*v)"\n',
        "softmax loss, locals not asked": no_locals + f'v = {ramp}\n[graph]\ns = "softmax(v)"\nL = "sum(s*v)"\n',
        "z = W @ v, W 500x500": head + f'W = {matrix}\nv = {vector}\n[graph]\nz = "W @ v"\n',
        "L = sum(W @ v), W 500x500": head + f'W = {matrix}\nv = {vector}\n[graph]\nz = "W @ v"\nL = "sum(z)"\n',
        "W @ v loss, locals not asked": no_locals + f'W = {matrix}\nv = {vector}\n[graph]\nz = "W @ v"\nL = "sum(z)"\n',
        "chain of 4,999 nodes": exercise_text(4_999),
    }


MEMORY_CHILD = """
import resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, ({cap}, {cap}))
from tutor.engine import solve
from tutor.exercise import parse_exercise
from tutor.grading import asked_quantities
from tutor.session.steps import build_steps
text = sys.stdin.read()
times = []
try:
    start = time.perf_counter()
    exercise = parse_exercise(text, name="big")
    times.append(time.perf_counter() - start)
    solution = solve(exercise)
    asked_quantities(solution)
    times.append(time.perf_counter() - start)
    build_steps(solution)
    times.append(time.perf_counter() - start)
    outcome = "ok"
except MemoryError:
    outcome = "MemoryError"
except Exception as error:
    outcome = type(error).__name__ + ": " + str(error)[:60]
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(" ".join(f"{{t:.2f}}" for t in times + [float("nan")] * (3 - len(times))), f"{{peak:.0f}}", outcome)
"""


def bench_memory() -> None:
    print(
        f"\n(c) big arrays in small files: each case in a fresh process, address space capped at {MEMORY_CAP >> 30} GB"
    )
    print("    load = parse; validate = load + solve + the asked steps (what tutor validate does);")
    print("    session = validate + every step's prompt and example (what tutor run does before its first frame)")
    print(f"{'case':<31} {'file KB':>8} {'load s':>7} {'validate s':>11} {'session s':>10} {'peak MB':>8}  outcome")
    for label, text in big_array_cases().items():
        try:
            result = subprocess.run(
                [sys.executable, "-c", MEMORY_CHILD.format(cap=MEMORY_CAP)],
                input=text,
                capture_output=True,
                text=True,
                timeout=MEMORY_TIMEOUT,
            )
        except subprocess.TimeoutExpired:
            print(f"{label:<31} {len(text) / 1024:>8.0f}  over {MEMORY_TIMEOUT} s: stopped")
            continue
        if result.returncode != 0:
            print(f"{label:<31} {len(text) / 1024:>8.0f}  the process failed: {result.stderr.strip()[-200:]}")
            continue
        load, validate, session, peak, outcome = result.stdout.split(maxsplit=4)
        print(
            f"{label:<31} {len(text) / 1024:>8.0f} {load:>7} {validate:>11} {session:>10} {peak:>8}  {outcome.strip()}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1_000, 10_000, 100_000])
    parser.add_argument("--runs", type=int, default=5, help="cold-start runs (the median is reported)")
    parser.add_argument("--only", choices=["sizes", "cold-start", "memory"], help="run one part only")
    arguments = parser.parse_args()
    print(f"Python {sys.version.split()[0]}, NumPy {np.__version__}")
    if arguments.only in (None, "sizes"):
        bench_sizes(arguments.sizes)
    if arguments.only in (None, "cold-start"):
        bench_cold_start(arguments.runs)
    if arguments.only in (None, "memory"):
        bench_memory()


if __name__ == "__main__":
    main()
