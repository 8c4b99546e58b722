"""How fast `tutor train` runs: our engine against PyTorch on the same small MLP. Prints figures; asserts nothing.

The network is 4-16-3 on the 150 iris flowers, full batch, float64, with the loss of the catalog
exercise iris-mlp:

    Z1 = X @ W1 + b1,  H = sigmoid(Z1),  Z2 = H @ W2 + b2,  L = -3 * mean(Y * log_softmax(Z2))

Both start from the same weights (drawn once from a fixed seed) and take the same plain
gradient-descent steps, so their final losses must agree to rounding. Where PyTorch is installed
(optional, never required) the script prints the time per step of each and the ratio; a
hand-written NumPy loop is timed too, as the floor for any NumPy engine.

Run:  python benchmarks/bench_train.py [--steps 500] [--hidden 16] [--lr 0.2]
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

from tutor.exercise import parse_exercise
from tutor.exercise.datasets import load_dataset
from tutor.training import Trainer

LOSS = "-3 * mean(Y * log_softmax(Z2))"


def initial_weights(hidden: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(2024)
    return {
        "W1": rng.normal(0, 0.5, (4, hidden)),
        "b1": np.zeros(hidden),
        "W2": rng.normal(0, 0.5, (hidden, 3)),
        "b2": np.zeros(3),
    }


def toml_value(value: np.ndarray) -> str:
    """repr() of each float, so the exercise file holds exactly the same weights."""
    if value.ndim == 0:
        return repr(float(value))
    return "[" + ", ".join(toml_value(item) for item in value) + "]"


def exercise_text(weights: dict[str, np.ndarray]) -> str:
    inputs = "\n".join(f"{name} = {toml_value(value)}" for name, value in weights.items())
    return f'''title = "iris 4-{weights["W1"].shape[1]}-3 benchmark"
params = ["W1", "b1", "W2", "b2"]
[inputs]
X = [[5.1, 3.5, 1.4, 0.2], [7.0, 3.2, 4.7, 1.4]]
Y = [[1, 0, 0], [0, 1, 0]]
{inputs}
[graph]
Z1 = "X @ W1 + b1"
H = "sigmoid(Z1)"
Z2 = "H @ W2 + b2"
L = "{LOSS}"
[training]
dataset = "iris"
features = "X"
targets = "Y"
'''


def run_engine(weights, steps: int, rate: float) -> tuple[float, float]:
    trainer = Trainer(parse_exercise(exercise_text(weights), None, "bench"), learning_rate=rate, dataset="iris")
    start = time.perf_counter()
    history = list(trainer.steps(steps))
    return (time.perf_counter() - start) / steps, history[-1].loss


def run_numpy(weights, features, targets, steps: int, rate: float) -> tuple[float, float]:
    W1, b1, W2, b2 = (weights[name].copy() for name in ("W1", "b1", "W2", "b2"))
    rows = len(features)

    def forward():
        H = 1 / (1 + np.exp(-(features @ W1 + b1)))
        Z2 = H @ W2 + b2
        shifted = Z2 - Z2.max(axis=1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        return H, log_p, -3 * np.mean(targets * log_p)

    start = time.perf_counter()
    for _ in range(steps):
        H, log_p, _ = forward()
        dZ2 = (np.exp(log_p) - targets) / rows
        dZ1 = dZ2 @ W2.T * H * (1 - H)
        W2 -= rate * H.T @ dZ2
        b2 -= rate * dZ2.sum(axis=0)
        W1 -= rate * features.T @ dZ1
        b1 -= rate * dZ1.sum(axis=0)
    seconds = (time.perf_counter() - start) / steps
    return seconds, float(forward()[2])


def run_torch(torch, weights, features, targets, steps: int, rate: float) -> tuple[float, float]:
    X, Y = torch.tensor(features), torch.tensor(targets)
    params = {name: torch.tensor(value, requires_grad=True) for name, value in weights.items()}

    def loss():
        H = torch.sigmoid(X @ params["W1"] + params["b1"])
        Z2 = H @ params["W2"] + params["b2"]
        return -3 * torch.mean(Y * torch.log_softmax(Z2, dim=1))

    start = time.perf_counter()
    for _ in range(steps):
        value = loss()
        value.backward()
        with torch.no_grad():
            for param in params.values():
                param -= rate * param.grad
                param.grad.zero_()
    seconds = (time.perf_counter() - start) / steps
    with torch.no_grad():
        return seconds, float(loss())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=500)
    parser.add_argument("--hidden", type=int, default=16)
    parser.add_argument("--lr", type=float, default=0.2)
    arguments = parser.parse_args()
    steps, rate = arguments.steps, arguments.lr
    weights = initial_weights(arguments.hidden)
    iris = load_dataset("iris")
    print(f"Python {sys.version.split()[0]}, NumPy {np.__version__}")
    print(f"iris 4-{arguments.hidden}-3, {iris.rows} rows full batch, float64, {steps} steps, learning rate {rate:g}")

    engine_step, engine_loss = run_engine(weights, steps, rate)
    print(f"  our engine (tutor train): {1e3 * engine_step:8.3f} ms/step   final loss {engine_loss:.12f}")
    numpy_step, numpy_loss = run_numpy(weights, iris.features, iris.targets, steps, rate)
    print(
        f"  hand-written NumPy:       {1e3 * numpy_step:8.3f} ms/step   final loss {numpy_loss:.12f}"
        f"   (engine / NumPy = {engine_step / numpy_step:.1f}x)"
    )
    try:
        import torch
    except ImportError:
        print("  PyTorch not installed: ratio skipped")
        return
    torch.set_num_threads(1)  # a 150x16 problem: threads only add overhead, and the engine uses one
    torch_step, torch_loss = run_torch(torch, weights, iris.features, iris.targets, steps, rate)
    print(f"  PyTorch {torch.__version__} (float64):  {1e3 * torch_step:8.3f} ms/step   final loss {torch_loss:.12f}")
    print(
        f"  ratio engine / PyTorch: {engine_step / torch_step:.2f}x per step; "
        f"final losses differ by {abs(engine_loss - torch_loss):.2e}"
    )


if __name__ == "__main__":
    main()
