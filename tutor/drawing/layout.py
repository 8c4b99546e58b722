"""Where each node of a graph goes: layers left to right, order within layers (no Textual here).

A small Sugiyama-style layout: nodes are layered by their longest path from the inputs, each
input one layer before the first node that uses it; an edge that skips layers gets a dummy slot
in every layer it crosses; a few barycenter sweeps order each layer to limit crossings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

SWEEPS = 4


@dataclass
class Layout:
    layers: list[list[str]]  # slot names per layer, top to bottom; dummy slots look like "~source>target#k"
    layer_of: dict[str, int]
    # each edge as the chain of slots it passes through: [source, dummy..., target]
    routes: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    @staticmethod
    def is_dummy(slot: str) -> bool:
        return slot.startswith("~")


def layer_graph(nodes: list[str], inputs: list[str], edges: list[tuple[str, str]]) -> Layout:
    """``nodes`` in evaluation order; ``edges`` as (source, target) pairs. The same graph gets the same
    Layout, read only: every step of an exercise draws the same graph, at every size the view tries."""
    return _layer_graph(tuple(nodes), tuple(inputs), tuple(edges))


@lru_cache(maxsize=64)
def _layer_graph(nodes: tuple[str, ...], inputs: tuple[str, ...], edges: tuple[tuple[str, str], ...]) -> Layout:
    parents: dict[str, list[str]] = {name: [] for name in [*inputs, *nodes]}
    children: dict[str, list[str]] = {name: [] for name in [*inputs, *nodes]}
    for source, target in edges:
        parents[target].append(source)
        children[source].append(target)
    layer_of: dict[str, int] = {}
    for name in nodes:  # evaluation order is a topological order
        node_parents = [parent for parent in parents[name] if parent in layer_of or parent not in inputs]
        layer_of[name] = 1 + max((layer_of.get(parent, 0) for parent in node_parents), default=0)
    for name in inputs:
        consumers = [layer_of[child] for child in children[name] if child in layer_of]
        layer_of[name] = (min(consumers) - 1) if consumers else 0
    shift = min(layer_of.values(), default=0)
    layer_of = {name: layer - shift for name, layer in layer_of.items()}
    depth = max(layer_of.values(), default=0) + 1
    layers: list[list[str]] = [[] for _ in range(depth)]
    for name in [*inputs, *nodes]:
        layers[layer_of[name]].append(name)
    routes: dict[tuple[str, str], list[str]] = {}
    for source, target in edges:
        route = [source]
        for layer in range(layer_of[source] + 1, layer_of[target]):
            dummy = f"~{source}>{target}#{layer}"
            layers[layer].append(dummy)
            layer_of[dummy] = layer
            route.append(dummy)
        route.append(target)
        routes[(source, target)] = route
    _order(layers, routes)
    return Layout(layers, layer_of, routes)


def _order(layers: list[list[str]], routes: dict[tuple[str, str], list[str]]) -> None:
    """Barycenter sweeps: sort each layer by the mean position of its neighbours in the layer before
    (left-to-right sweeps) or after (right-to-left), keeping the current order on ties."""
    left: dict[str, list[str]] = {}
    right: dict[str, list[str]] = {}
    for route in routes.values():
        for a, b in zip(route, route[1:]):
            right.setdefault(a, []).append(b)
            left.setdefault(b, []).append(a)
    for sweep in range(SWEEPS):
        forward = sweep % 2 == 0
        indices = range(1, len(layers)) if forward else range(len(layers) - 2, -1, -1)
        for index in indices:
            neighbour_layer = layers[index - 1] if forward else layers[index + 1]
            position = {slot: rank for rank, slot in enumerate(neighbour_layer)}
            links = left if forward else right

            def barycenter(slot: str, current: int, position=position, links=links) -> float:
                known = [position[other] for other in links.get(slot, []) if other in position]
                return sum(known) / len(known) if known else float(current)

            layer = layers[index]
            keyed = sorted(((barycenter(slot, rank), rank, slot) for rank, slot in enumerate(layer)))
            layers[index] = [slot for _, _, slot in keyed]


def crossings(layout: Layout) -> int:
    """The number of edge crossings between adjacent layers (to test that ordering helps)."""
    position = {slot: rank for layer in layout.layers for rank, slot in enumerate(layer)}
    segments = [(a, b) for route in layout.routes.values() for a, b in zip(route, route[1:])]
    count = 0
    for index, (a1, b1) in enumerate(segments):
        for a2, b2 in segments[index + 1 :]:
            if layout.layer_of[a1] != layout.layer_of[a2]:
                continue
            if (position[a1] - position[a2]) * (position[b1] - position[b2]) < 0:
                count += 1
    return count
