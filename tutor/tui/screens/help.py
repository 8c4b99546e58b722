"""F1: how to use the tutor, and how to type answers."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ...exercise.model import Exercise
from ...exercise.shown import visible
from ..actions import bindings, key_hints, key_table
from ..widgets.keys_footer import KeysFooter

HELP = f"""\
# How the tutor works

You work an exercise **step by step**: first the *forward pass* (the value of each node), then the
*backward pass* from the output (gradient 1): the local derivative on each edge, then each node's
gradient, which is the **sum over every path** from the node to the output.

## Keys (they work while you type)

{key_table()}

## Typing answers

- numbers: `-0.12`, `1e-3`, `0,94` (a decimal comma is fine in a single number)
- fractions and arithmetic: `14/5`, `2*(0.94 - 1)`, `sigmoid(2.8)`, `exp(-1)`
- vectors: `[0.21, -0.24]`; matrices as rows: `[[1, 2], [3, 4]]`

Answers rounded to 3 significant figures are right. If an earlier answer of yours was rounded,
later answers worked from it are accepted too ("graded using your earlier answers").
An answer the tutor cannot read is explained and does not count as a try.

In the graph, the current node has a double border; `= ?` is a value still to find and `∇` a gradient.
Under the question, the numbers the step needs are shown in full: the given ones as written in the
exercise, your own earlier answers as you typed them (marked "yours"), and any you have not found
yet with the step where you find them.

## Training

F5 opens the training screen: choose a learning rate and a number of steps and press F5 to run
gradient descent; the loss (and the accuracy, when the data has labels) is plotted as it trains.
Each run keeps its panel, so you can compare learning rates and, for exercises with a dataset,
hidden sizes and activations side by side. F4 stops the runs, F8 clears them.
"""


def given_numbers(exercise: Exercise) -> str:
    """The exercise's numbers and graph as written in its file, for "with the numbers below"."""
    inputs = exercise.written_inputs or exercise.inputs
    nodes = exercise.written_nodes or exercise.nodes
    lines = [f"{spec.base or spec.name} = {spec.text}" for spec in inputs.values()]
    lines += [f"{node.base or node.name} = {node.text}" for node in nodes]
    if exercise.update is not None:
        lines.append(f"learning rate = {exercise.update.learning_rate:g}")
    if exercise.batch is not None:
        lines += [
            f"sample {number}: " + ", ".join(f"{name} = {text}" for name, (_, text) in sample.items())
            for number, sample in enumerate(exercise.batch.samples, start=1)
        ]
    body = visible("\n".join(lines)).replace("```", "` ` `")
    return f"## Given: the numbers and the graph\n\n```text\n{body}\n```"


class HelpScreen(ModalScreen[None]):
    """The exercise's own description (when one is open), then how the tutor works."""

    BINDINGS = bindings("close-help")

    def __init__(self, exercise: Exercise | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.text = HELP
        if exercise is not None:
            source = f"\n\n*Source: {exercise.source}*" if exercise.source else ""
            self.text = (
                f"# {exercise.title}\n\n{exercise.description or 'No description.'}{source}\n\n"
                f"{given_numbers(exercise)}\n\n---\n\n{HELP}"
            )

    def compose(self) -> ComposeResult:
        from textual.widgets import Markdown  # with its highlighter it is slow to import: only when asked

        with VerticalScroll(id="help-panel"):
            yield Markdown(self.text)


class ResumeExamScreen(ModalScreen[bool | None]):
    """Reopening an exam that was not submitted: carry on, or start over (the old answers are kept)."""

    BINDINGS = bindings("resume-exam", "restart-exam", "cancel-exam")

    def __init__(self, title: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.exercise_title = title

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="resume-panel"):
            keys = key_hints(
                ("resume-exam", "resume where you stopped"),
                ("restart-exam", "start over (your old answers are kept in a file)"),
                ("cancel-exam", "back to the catalog"),
            )
            yield Static(Text(f"You have an exam in progress on “{visible(self.exercise_title)}”.\n\n{keys}"))
        yield KeysFooter(compact=True)

    def action_resume(self) -> None:
        self.dismiss(True)

    def action_restart(self) -> None:
        self.dismiss(False)

    def action_cancel(self) -> None:
        self.dismiss(None)
