"""The usual slips of a derivative rule at one operation, as the diagnosis visits the operations of a node: each
operation's own slips live beside its rule in the engine (tutor/engine/slips.py); this reads them for one site."""

from __future__ import annotations

from collections.abc import Iterator
from typing import cast

from ...engine.graph import Evaluated
from ...engine.slips import Slip, SlipSite, site_slips
from ...exercise.expression import Call, to_text
from ...exercise.model import BatchSpec


def operation_slips(
    node: str, site: Evaluated, expression_text: str, batch: BatchSpec | None, root: Evaluated
) -> Iterator[Slip]:
    """(argument, label, new local derivative, detail) for the usual slips at one operation ``site`` inside
    ``node`` (``root``: the node's whole evaluated expression; ``batch``: the exercise's batch, if any)."""
    expression = cast(Call, site.expression)  # every site is a call
    yield from site_slips(
        SlipSite(
            expression,
            [child.value for child in site.children],
            site.value,
            [to_text(argument) for argument in expression.args],
            node,
            expression_text,
            site is root,
            batch is not None and node == batch.output and batch.reduce == "mean",
        )
    )
