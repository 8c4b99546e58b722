"""Scalar expression graphs, staged as in lecture notes: one operation per node, the output named L.

The nodes on the longest path form a spine, one per level of depth; a binary node takes its second
operand from an input, from an earlier node (fan-out: that node's gradient then sums two paths) or
from a small side node of two inputs, which never lengthens the longest path. Each node's value is
computed as it is drawn, so only operations that suit it are chosen (no log of a negative number,
no saturated sigmoid, no division by almost zero, nothing huge).
"""

from __future__ import annotations

import math
import operator
import random
from dataclasses import dataclass

import numpy as np

from ..engine.operations import apply
from ..exercise.operations import OPERATION_TABLE
from .numbers import draw_hundredths, hundredths_text, paragraph, spoken_list, toml_list, toml_string, value_of
from .options import BINARY_FUNCTIONS, CURVED_FUNCTIONS, SOURCE_PREFIX, command_line
from .result import MAX_ATTEMPTS, GeneratedExercise, exhausted, sound

VARIABLE_NAMES = (("x", "y", "z", "w"), ("a", "b", "c", "d"))
NODE_NAMES = ("q", "r", "s", "t", "u", "v", "p", "m", "n", "k", "g", "h")
OUTPUT = "L"
INPUT_LIMIT = 200  # hundredths: inputs lie in [-2, 2]
SMALLEST_VALUE, LARGEST_VALUE = 0.05, 50.0  # every node's |value|: not (almost) 0, and workable by hand
BINARY_CHANCE = 0.55
SIDE_NODE_CHANCE = 0.2
NODE_FAN_OUT_CHANCE = 0.3
DIFFICULTY = {2: 1, 3: 2, 4: 3, 5: 3, 6: 4}
FUNCTION_TAGS = {"+": "add", "-": "subtract", "*": "multiply", "/": "divide", "^2": "square"}


@dataclass(frozen=True)
class _Node:
    name: str
    function: str
    operands: tuple[str, ...]
    value: float

    @property
    def text(self) -> str:
        if self.function in BINARY_FUNCTIONS:
            left, right = self.operands
            return f"{left} {self.function} {right}" if self.function in "+-" else f"{left}{self.function}{right}"
        if self.function == "^2":
            return f"{self.operands[0]}^2"
        return f"{self.function}({', '.join((self.operands[0], *OPERATION_TABLE[self.function].generator_args))})"


_ARITHMETIC = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv}


def _apply(function: str, arguments: list[float]) -> float | None:
    """The node's value, or None where the operation does not suit its arguments."""
    a = arguments[0]
    if function in BINARY_FUNCTIONS:
        b = arguments[1]
        if function == "/" and abs(b) < 0.5:
            return None
        value = _ARITHMETIC[function](a, b)
    elif function == "exp":
        if abs(a) > 3:
            return None
        value = math.exp(a)
    elif function == "log":
        if a < 0.2:
            return None
        value = math.log(a)
    elif function in OPERATION_TABLE:  # an activation, computed by the engine
        spec = OPERATION_TABLE[function]
        # a margin inside the saturation limit (checks.SATURATED); a dead ReLU would cut every path through it
        if (spec.saturates and abs(a) > 3.5) or (spec.dead_below_zero and a < 0.1):
            return None
        extra = [np.asarray(float(text)) for text in spec.generator_args]
        value = float(apply(function, [np.asarray(a), *extra])[0])
    else:  # "^2"
        value = a * a
    return value if SMALLEST_VALUE <= abs(value) <= LARGEST_VALUE else None


class _Draft:
    """One attempt at a graph; ``build`` returns False when the draws lead nowhere."""

    def __init__(self, rng: random.Random, depth: int, variables: int, functions: tuple[str, ...], fan_out: bool):
        self.rng = rng
        self.depth = depth
        self.fan_out = fan_out  # at least one value must feed two nodes
        self.binary = [function for function in functions if function in BINARY_FUNCTIONS]
        self.unary = [function for function in functions if function not in BINARY_FUNCTIONS]
        self.variables = rng.choice(VARIABLE_NAMES)[:variables]
        self.inputs = {name: draw_hundredths(rng, INPUT_LIMIT) for name in self.variables}
        self.values = {name: value_of(count) for name, count in self.inputs.items()}
        self.unused = list(self.variables)
        self.node_names = iter(NODE_NAMES)
        self.nodes: list[_Node] = []

    def build(self) -> bool:
        previous = None
        for level in range(1, self.depth + 1):
            later = self.depth - level  # each later level can still bring in two unused inputs
            takes_now = 1 if previous is None else 0  # a function at level 1 uses an input too
            must_combine = len(self.unused) - takes_now > 2 * later
            combine = bool(self.binary) and (not self.unary or must_combine or self.rng.random() < BINARY_CHANCE)
            if previous is None:
                combine = combine and len(self.variables) >= 2
                first = self.pick_variable()
                operands = (first, self.pick_variable(avoid=first)) if combine else (first,)
            elif combine:
                other = self.second_operand(previous, must_side_node=len(self.unused) > 1 + 2 * later)
                if other is None:
                    return False
                operands = (previous, other)
            else:
                operands = (previous,)
            name = OUTPUT if level == self.depth else next(self.node_names)
            node = self.node(name, self.binary if combine else self.unary, operands)
            if node is None:
                return False
            previous = node.name
        curved = any(node.function in CURVED_FUNCTIONS for node in self.nodes)
        return not self.unused and curved and (not self.fan_out or bool(self.shared()))

    def consumers(self) -> dict[str, list[str]]:
        """The nodes each input or node feeds, in order."""
        consumers: dict[str, list[str]] = {}
        for node in self.nodes:
            for operand in dict.fromkeys(node.operands):
                consumers.setdefault(operand, []).append(node.name)
        return consumers

    def shared(self) -> list[str]:
        """The inputs and nodes that feed two nodes or more: their gradients add up several paths."""
        consumers = self.consumers()
        return [
            name for name in [*self.variables, *(node.name for node in self.nodes)] if len(consumers.get(name, ())) > 1
        ]

    def pick_variable(self, avoid: str | None = None) -> str:
        """An input not used yet if there is one, else any (its second use is a fan-out)."""
        candidates = [name for name in self.unused if name != avoid] or [
            name for name in self.variables if name != avoid
        ]
        chosen = self.rng.choice(candidates)
        if chosen in self.unused:
            self.unused.remove(chosen)
        return chosen

    def second_operand(self, previous: str, must_side_node: bool) -> str | None:
        two_inputs = len(self.variables) >= 2
        if must_side_node or (two_inputs and self.rng.random() < SIDE_NODE_CHANCE):
            return self.side_node()
        if self.unused:
            return self.pick_variable()
        earlier = [node.name for node in self.nodes if node.name != previous]
        if earlier and self.rng.random() < NODE_FAN_OUT_CHANCE:
            return self.rng.choice(earlier)
        return self.pick_variable()

    def side_node(self) -> str | None:
        first = self.pick_variable()
        node = self.node(next(self.node_names), self.binary, (first, self.pick_variable(avoid=first)))
        return node.name if node else None

    def node(self, name: str, functions: list[str], operands: tuple[str, ...]) -> _Node | None:
        """The first of the functions, in a random order, that suits the operands' values."""
        order = list(functions)
        self.rng.shuffle(order)
        arrangements = [operands, operands[::-1]] if len(operands) == 2 else [operands]
        if self.rng.random() < 0.5:
            arrangements.reverse()
        for function in order:
            for arranged in arrangements:
                value = _apply(function, [self.values[operand] for operand in arranged])
                if value is not None:
                    node = _Node(name, function, arranged, value)
                    self.nodes.append(node)
                    self.values[name] = value
                    return node
        return None


def generate_expression(rng: random.Random, seed: int, options: dict) -> GeneratedExercise:
    depth, functions = options["depth"], options["functions"]
    drawn = rng.choice((2, 3))  # drawn even when given, so giving the drawn count changes nothing
    combines = any(function in BINARY_FUNCTIONS for function in functions)
    variables = options["variables"] or (drawn if combines else 1)
    resolved = {**options, "variables": variables}
    fan_out = "-fan-out" if options["fan_out"] else ""
    name = f"generated-expression-depth-{depth}{fan_out}-seed-{seed}"
    for _ in range(MAX_ATTEMPTS):
        draft = _Draft(rng, depth, variables, functions, options["fan_out"])
        if not draft.build():
            continue
        found = sound(_render(draft, command_line("expression", seed, resolved), options["ask"]), name)
        if found is not None:
            return found[0]
    raise exhausted("expression", "allow more functions, or choose a smaller depth")


def _render(draft: _Draft, command: str, ask: tuple[str, ...] | None) -> str:
    nodes = draft.nodes
    functions = list(dict.fromkeys(node.function for node in nodes))  # in order of first use
    consumers = draft.consumers()
    shared = draft.shared()
    width = max(len(node.name) for node in nodes)
    listing = "\n".join(f"    {node.name.ljust(width)} = {node.text}" for node in nodes)
    given = ", ".join(f"{name} = {hundredths_text(count)}" for name, count in draft.inputs.items())
    description = [
        paragraph(
            f"A computation graph made up for practice, computed in small stages: {len(draft.variables)} "
            f"input{'s' if len(draft.variables) > 1 else ''}, {len(nodes)} nodes, and the longest chain of "
            f"nodes from an input to {OUTPUT} is {draft.depth} long."
        ),
        "",
        listing,
        "",
        paragraph(
            f"With **{given}**: do the forward pass, then backpropagate, edge by edge, to the gradient of "
            f"{OUTPUT} with respect to every node and input."
        ),
    ]
    if shared:
        said = "; ".join(f"{name} feeds {spoken_list(consumers[name])}" for name in shared)
        description += ["", paragraph(f"Fan-out: {said}. A gradient adds up the paths.")]
    description += ["", paragraph(f"Made by `{command}`: the same command makes the same exercise.")]
    tags = ["generated", "chain-rule", *(FUNCTION_TAGS.get(function, function) for function in functions)]
    if shared:
        tags.append("fan-out")
    lines = [
        f"title = {toml_string(f'Generated graph of depth {draft.depth}: ' + ', '.join(functions))}",
        "description = '''",
        *description,
        "'''",
        f"source = {toml_string(SOURCE_PREFIX + command)}",
        f"tags = {toml_list(tags)}",
        f"difficulty = {DIFFICULTY[draft.depth]}",
        f"params = {toml_list(draft.variables)}",
    ]
    if ask is not None:
        lines.append(f"ask = {toml_list(ask)}")
    lines += ["", "[inputs]", *(f"{name} = {hundredths_text(count)}" for name, count in draft.inputs.items())]
    lines += ["", "[graph]", *(f"{node.name} = {toml_string(node.text)}" for node in nodes)]
    return "\n".join(lines) + "\n"
