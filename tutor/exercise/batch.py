"""A [batch] exercise as the tutor solves it: one copy of the written graph per sample, and their total."""

from __future__ import annotations

from .expression import Call, Name, Node, Number, substitute, to_text
from .model import SAMPLE_SEPARATOR, BatchSpec, InputSpec, NodeSpec


def sample_name(name: str, sample: int) -> str:
    return f"{name}{SAMPLE_SEPARATOR}{sample}"


def expand_batch(
    inputs: dict[str, InputSpec], nodes: list[NodeSpec], batch: BatchSpec, batch_line: int | None
) -> tuple[dict[str, InputSpec], list[NodeSpec], str]:
    """One copy of every node per sample (z#1, z#2, ...), sharing the inputs that are not per sample."""
    expanded_inputs = dict(inputs)
    expanded_nodes: list[NodeSpec] = []
    for index, sample in enumerate(batch.samples, start=1):
        mapping = {name: sample_name(name, index) for name in [*sample, *(node.name for node in nodes)]}
        copies: dict[str, Node] = {name: Name(copy) for name, copy in mapping.items()}
        for name, (value, text) in sample.items():
            expanded_inputs[mapping[name]] = InputSpec(mapping[name], value, text, batch_line, index, name)
        for node in nodes:
            expanded_nodes.append(
                NodeSpec(
                    mapping[node.name], substitute(node.expression, copies), node.text, node.line, index, node.name
                )
            )
    total: Node = Name(sample_name(batch.sample_output, 1))
    for index in range(2, len(batch.samples) + 1):
        total = Call("add", (total, Name(sample_name(batch.sample_output, index))))
    if batch.reduce == "mean":
        count = len(batch.samples)
        total = Call("divide", (total, Number(float(count), str(count))))
    expanded_nodes.append(NodeSpec(batch.output, total, to_text(total), batch_line, None, batch.output))
    return expanded_inputs, expanded_nodes, batch.output
