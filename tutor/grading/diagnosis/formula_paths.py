"""Places in a formula's tree, by path: every subtree, the one at a path, and the formula with one of them
replaced. The slips of a formula answer (formula_slips.py) are made with them."""

from __future__ import annotations

from collections.abc import Iterator

from ...exercise.expression import Call, Node, Number

Path = tuple[int, ...]  # the argument indices from the root to a subtree


def subtrees(node: Node, path: Path = ()) -> Iterator[tuple[Path, Node]]:
    """Every subtree with its path, the root first: an operation's arguments are entered, an index's target is not."""
    yield path, node
    if isinstance(node, Call):
        for index, argument in enumerate(node.args):
            yield from subtrees(argument, (*path, index))


def subtree_at(node: Node, path: Path) -> Node:
    for index in path:
        assert isinstance(node, Call)
        node = node.args[index]
    return node


def replace_at(node: Node, path: Path, new: Node) -> Node:
    """A copy of the tree with the subtree at ``path`` replaced by ``new``."""
    if not path:
        return new
    assert isinstance(node, Call)
    index = path[0]
    args = list(node.args)
    args[index] = replace_at(args[index], path[1:], new)
    return Call(node.function, tuple(args))


def variants(right: Node, path: Path, new: Node) -> list[Node]:
    """The subtree at ``path`` replaced by ``new`` wherever it occurs (a learner makes a slip the same way each
    time), then at ``path`` only."""
    old = subtree_at(right, path)
    everywhere = _replace_equal(right, old, new)
    single = replace_at(right, path, new)
    return [everywhere, single] if everywhere != single else [single]


def _replace_equal(node: Node, old: Node, new: Node) -> Node:
    if node == old:
        return new
    if isinstance(node, Call):
        return Call(node.function, tuple(_replace_equal(argument, old, new) for argument in node.args))
    return node


def written_number(node: Node) -> float | None:
    """The value of a number written as one (2, 0.5), else None."""
    if isinstance(node, Number):
        return float(node.value)
    return None
