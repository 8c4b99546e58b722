"""Candidate mistakes for a gradient and for a local derivative: slips of a derivative rule carried down the
chain, slips of the chain rule, 0 for an activation, and the whole gradient given for a local derivative."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

from ...engine.formatting import format_value
from ...exercise.expression import to_text
from ..explain import gradient_label
from ..quantities import QuantityKind
from .answer import Candidate, WrongAnswer
from .chain_rule import Mutation
from .labels import LABEL, PRIORITY
from .numbers import elements, same_shape
from .whole_answer import generic_candidates, neighbour_candidates


def grad_candidates(answer: WrongAnswer) -> Iterator[Candidate]:
    name = answer.quantity.name
    if name == answer.solution.output:
        yield from generic_candidates(answer)
        return
    # a sigmoid or tanh taken apart, starting at this very node: its slips said from here
    for mutation in answer.context.decomposed_mutations(name):
        yield Candidate(
            mutation.label,
            mutation.grads[name],
            answer.say(f"Your {answer.label_text} is what you get when {mutation.detail}."),
        )
    mutations = answer.grad_mutations(name)
    # slips of a derivative rule first: they explain the most
    for mutation, direct in mutations:
        if LABEL[mutation.label].rule:
            yield grad_mutation_candidate(answer, mutation, direct)
    yield from zero_for_activation_candidates(answer)
    yield from generic_candidates(answer, factors=False)
    # then slips of the chain rule itself, the nearest first
    yield from direct_grad_candidates(answer)
    chain = [(mutation, direct) for mutation, direct in mutations if not LABEL[mutation.label].rule]
    chain.sort(key=lambda item: (not item[1], answer.distance(item[0].node), PRIORITY[item[0].label]))
    for mutation, direct in chain:
        yield grad_mutation_candidate(answer, mutation, direct)
    yield from generic_candidates(answer, whole=False)
    yield from neighbour_candidates(answer)


def grad_mutation_candidate(answer: WrongAnswer, mutation: Mutation, direct: bool) -> Candidate:
    array = answer.context.grad_with(answer.quantity.name, mutation)
    if not direct and mutation.label != "sign" and np.allclose(array, -answer.expected, rtol=1e-9, atol=1e-15):
        # a sign slip further down the chain: the learner sees a sign error, say so
        detail = mutation.detail

        def explain() -> str:
            return (
                f"The size of your {answer.label_text} is right but the sign is wrong. "
                f"The minus sign is lost, for example, when {detail} (at {mutation.node})."
            )

        return Candidate("sign", array, explain)
    return Candidate(mutation.label, array, answer.mutation_text(mutation, direct))


def direct_grad_candidates(answer: WrongAnswer) -> Iterator[Candidate]:
    context, name = answer.context, answer.quantity.name
    consumers = context.consumers[name]
    yield from bias_not_summed_candidates(answer)
    added = context.added_not_multiplied(name)
    if added is not None:
        summed, detail = added
        yield Candidate(
            "added_not_multiplied",
            summed,
            answer.say(f"Your {answer.label_text} is what you get when {detail}: the chain rule multiplies them."),
        )
    # the local derivative alone (without the upstream gradient)
    total = None
    for consumer in consumers:
        local = answer.solution.local_derivative(consumer, name)
        if local.value.shape == answer.expected.shape[len(context.lead) :] and context.lead == ():
            total = local.value if total is None else total + local.value
        else:
            total = None
            break
    if total is not None and consumers:
        # named, not valued: the upstream number times the learner's would be the answer
        upstream = ", ".join(gradient_label(answer.solution, c) for c in consumers)
        locals_ = " + ".join(f"∂{c}/∂{name}" for c in consumers)
        yield Candidate(
            "local_only",
            total,
            answer.say(
                f"That is the local derivative {locals_} = {format_value(total)} alone: multiply it by the upstream "
                f"gradient ({upstream})."
            ),
        )
    # the upstream gradient alone
    total = None
    for consumer in consumers:
        gradient = answer.solution.grads[consumer]
        if gradient.shape == answer.expected.shape:
            total = gradient if total is None else total + gradient
        else:
            total = None
            break
    if total is not None and consumers:
        yield Candidate(
            "upstream_only",
            total,
            answer.say(
                f"That is the upstream gradient {' + '.join(gradient_label(answer.solution, c) for c in consumers)} = "
                f"{format_value(total)} alone: multiply it by the local derivative "
                f"{' + '.join(f'∂{c}/∂{name}' for c in consumers)}."
            ),
        )


def bias_not_summed_candidates(answer: WrongAnswer) -> Iterator[Candidate]:
    """A bias broadcast over the rows of a batch (Z = X·W + b): its gradient is the sum of the rows of dL/dZ; one
    row of them, or their mean, is the slip."""
    context, name = answer.context, answer.quantity.name
    shape = np.shape(context.values[name])
    for consumer in context.consumers[name]:
        upstream = np.asarray(context.grads[consumer], dtype=np.float64)
        if context.lead != () or upstream.ndim != len(shape) + 1 or upstream.shape[1:] != shape:
            continue
        rows = upstream.shape[0]
        if rows < 2 or not np.allclose(context.contribution(consumer, name), upstream.sum(axis=0), rtol=1e-9):
            continue
        upstream_name = gradient_label(answer.solution, consumer)
        where = f"{name} is added to every row of {consumer} (broadcast over the {rows} samples)"
        for row in range(rows):
            yield Candidate(
                "bias_not_summed",
                upstream[row],
                answer.say(
                    f"That is row {row + 1} of {upstream_name} only: {where}, so {answer.label_text} sums the rows "
                    f"of {upstream_name}."
                ),
            )
        yield Candidate(
            "bias_not_summed",
            upstream.mean(axis=0),
            answer.say(
                f"That is the mean of the rows of {upstream_name}: {where}, so {answer.label_text} is their sum, "
                "not their mean."
            ),
        )


def zero_for_activation_candidates(answer: WrongAnswer) -> Iterator[Candidate]:
    """0 where the answer (or the local derivative on the way) is an activation's value."""
    context, quantity = answer.context, answer.quantity
    elements = context.activation_elements
    if not elements.size:
        return
    tolerance = answer.tolerance
    expected = answer.expected

    def is_activation(array: np.ndarray) -> np.ndarray:
        array = np.asarray(array, dtype=np.float64)
        flags = np.zeros(array.shape, dtype=bool)
        for value in elements:
            flags |= (np.abs(array - value) <= np.maximum(tolerance.relative * abs(value), tolerance.absolute)) & (
                array != 0
            )
        return flags

    if quantity.kind == QuantityKind.LOCAL:
        flags = is_activation(expected)
        if np.any(flags):
            yield Candidate("zero_for_activation", np.where(flags, 0.0, expected), zero_text(answer, flags), mix=True)
        return
    if quantity.kind != QuantityKind.GRAD:
        return
    name = quantity.name
    edges = {}
    for consumer in context.consumers[name]:
        local = answer.solution.local_derivative(consumer, name)
        flags = is_activation(local.value)
        if np.any(flags):
            if local.elementwise:
                keep = np.where(np.ravel(flags), 0.0, 1.0)
                size = keep.size
                jacobian = (local.jacobian.reshape(size, size) * keep[:, None]).reshape(local.jacobian.shape)
            else:
                jacobian = np.where(flags, 0.0, local.jacobian)
            edges[(consumer, name)] = jacobian
    if edges:
        mutation = Mutation("zero_for_activation", name, "", edges=edges)
        consumer = next(iter(edges))[0]
        activation = activation_named(answer, answer.solution.local_derivative(consumer, name).value)
        yield Candidate(
            "zero_for_activation",
            context.grad_with(name, mutation),
            answer.say(
                f"∂{consumer}/∂{name} is not 0: it is {activation}, so "
                f"{answer.label_text} is {gradient_label(answer.solution, consumer)} times it."
            ),
            mix=True,
        )


def zero_text(answer: WrongAnswer, flags: np.ndarray) -> Callable[[], str]:
    def explain() -> str:
        quantity, expected = answer.quantity, answer.expected
        node_text = f"{quantity.name} = {to_text(answer.solution.graph.nodes[quantity.name].expression)}"
        if expected.ndim == 0:
            return (
                f"{answer.label_text} is not 0: {node_text}, so {answer.label_text} is "
                f"{activation_named(answer, expected)}."
            )
        shaped = same_shape(answer.value, expected)
        zeroed = flags & (np.abs(shaped) <= answer.tolerance.absolute) if shaped is not None else flags
        if not np.any(zeroed):
            zeroed = flags
        return (
            f"{elements(zeroed).capitalize()} of {answer.label_text} {'is' if np.sum(zeroed) == 1 else 'are'}"
            f" not 0 but the value of an activation ({node_text})."
        )

    return explain


def activation_named(answer: WrongAnswer, array: np.ndarray) -> str:
    """The activation node whose value ``array`` is, by name only: its value would hand over the answer."""
    array = np.asarray(array, dtype=np.float64)
    for node in answer.context.activation_nodes:
        if np.shape(answer.solution.values[node]) == array.shape and np.allclose(
            answer.solution.values[node], array, rtol=1e-9
        ):
            return f"the value of the activation {node}"
    return "the value of an activation"


def local_candidates(answer: WrongAnswer) -> Iterator[Candidate]:
    context, quantity = answer.context, answer.quantity
    node, source = quantity.edge
    mutations = [m for m in context.mutations(node) if (node, source) in m.locals]
    mutations.sort(key=lambda m: PRIORITY[m.label])
    for mutation in mutations:
        if LABEL[mutation.label].rule:
            yield Candidate(mutation.label, mutation.locals[(node, source)].value, answer.mutation_text(mutation, True))
    yield from zero_for_activation_candidates(answer)
    yield from generic_candidates(answer, factors=False)
    for mutation in mutations:
        if not LABEL[mutation.label].rule:
            yield Candidate(mutation.label, mutation.locals[(node, source)].value, answer.mutation_text(mutation, True))
    # the whole gradient given where the local derivative was asked
    if context.lead == ():
        contribution = context.contribution(node, source)
        gradient = answer.solution.grads[source]
        for array, what in (
            (contribution, f"{gradient_label(answer.solution, node)} · {answer.label_text}"),
            (gradient, f"the gradient {gradient_label(answer.solution, source)}"),
        ):
            if np.shape(array) == answer.expected.shape:
                yield Candidate(
                    "gradient_not_local",
                    array,
                    answer.say(
                        f"That is {what} ({format_value(array)}): asked is only the local derivative "
                        f"{answer.label_text}, without the upstream gradient."
                    ),
                )
    yield from generic_candidates(answer, whole=False)
    yield from neighbour_candidates(answer)
