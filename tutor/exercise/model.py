"""What an exercise file says, once read and checked (no numbers are computed here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .errors import Problem
from .expression import Node

ASK_CHOICES = ("values", "local_derivatives", "gradients", "parameter_gradients")
DEFAULT_ASK = ("values", "local_derivatives", "gradients")
# The kinds of step, as the first part of a step name (value.z, local.z.w1, grad.w1, update.w1,
# after.z, formula.q1); in [points] each kind is also a group: every step of that kind.
STEP_KINDS = ("value", "local", "grad", "update", "after", "formula")
SAMPLE_SEPARATOR = "#"  # z#2 is node z of batch sample 2


@dataclass(frozen=True)
class Tolerance:
    """How close a typed answer must be: see docs/exercise-format.md, "How answers are checked"."""

    relative: float = 0.005
    absolute: float = 1e-6


TOLERANCE_KINDS = ("value", "local", "grad", "update", "after")  # the steps a [tolerance.KIND] table can tune


@dataclass(frozen=True)
class InputSpec:
    name: str
    # A number or constant expression, or nested lists of them (a vector, a matrix).
    value: Node | list
    text: str  # as written in the file, for display
    line: int | None = None
    sample: int | None = None  # the batch sample this copy belongs to
    base: str = ""  # the name as written (without #k)


@dataclass(frozen=True)
class NodeSpec:
    name: str
    expression: Node
    text: str
    line: int | None = None
    sample: int | None = None
    base: str = ""


@dataclass(frozen=True)
class QuestionSpec:
    """A derivation: the learner types a formula, checked against ``answer`` at random points."""

    id: str
    prompt: str
    answer: Node
    text: str  # the reference formula as written
    variables: dict[str, tuple[float, float]]  # name -> the interval its random values come from
    line: int | None = None


DEFAULT_DOMAIN = (-3.0, 3.0)


@dataclass(frozen=True)
class UpdateSpec:
    learning_rate: float
    params: tuple[str, ...]
    line: int | None = None  # of the [update] header


@dataclass(frozen=True)
class ExamSettings:
    """[exam]: how `tutor exam` runs this exercise unless its command line says otherwise."""

    time_limit: float | None = None  # minutes
    feedback: bool | None = None  # say right or wrong after each answer


MAX_TRAINING_STEPS = 1_000_000


@dataclass(frozen=True)
class TrainingSpec:
    """[training]: gradient descent over many steps, on a dataset or on the exercise's own numbers."""

    dataset: str | None = None  # a shipped dataset's name or a CSV file, relative to the exercise file
    features: str | None = None  # the input that receives the dataset's feature matrix
    targets: str | None = None  # the input that receives the dataset's targets
    accuracy: str | None = None  # the node whose rows are the predictions
    learning_rate: float | None = None
    steps: int | None = None
    line: int | None = None  # of the [training] header
    dataset_line: int | None = None


@dataclass(frozen=True)
class BatchSpec:
    samples: tuple[dict[str, tuple[Node | list, str]], ...]  # each sample's inputs: (value, text as written)
    reduce: str  # "sum" or "mean"
    output: str  # the total node
    sample_output: str  # each sample's output (the written graph's output)


@dataclass(frozen=True)
class Exercise:
    name: str
    path: Path | None
    title: str
    description: str
    source: str
    tags: tuple[str, ...]
    difficulty: int
    # The graph the tutor solves: for a batch, one copy of every node per sample plus the total.
    inputs: dict[str, InputSpec]
    nodes: tuple[NodeSpec, ...]
    output: str
    params: tuple[str, ...]
    ask: tuple[str, ...]
    hints: dict[str, tuple[str, ...]] = field(default_factory=dict)
    tolerance: Tolerance = Tolerance()
    kind_tolerances: dict[str, Tolerance] = field(default_factory=dict)  # [tolerance.update] and the like
    step_tolerances: dict[str, Tolerance] = field(default_factory=dict)  # [tolerance."grad.w1"]: one step's own
    carried_forward_credit: float = 1.0  # the share of a step's credit earned by error carried forward
    update: UpdateSpec | None = None
    batch: BatchSpec | None = None
    questions: tuple[QuestionSpec, ...] = ()
    training: TrainingSpec | None = None
    # The graph as written in the file (the same as inputs/nodes unless there is a batch).
    written_inputs: dict[str, InputSpec] = field(default_factory=dict)
    written_nodes: tuple[NodeSpec, ...] = ()
    # [points]: a step name (grad.w1) or a kind of step (grad) -> its points; every other step is worth 1
    points: dict[str, float] = field(default_factory=dict)
    points_line: int | None = None
    exam: ExamSettings = ExamSettings()

    @property
    def size(self) -> int:
        """The number of named quantities: inputs plus nodes of the solved graph."""
        return len(self.inputs) + len(self.nodes)

    def tolerance_for(self, kind: str, step: str | None = None) -> Tolerance:
        """The tolerance of a step (``step`` its name, grad.w1): its own [tolerance."grad.w1"] table, else its
        kind's [tolerance.KIND], else [tolerance]'s."""
        if step is not None and step in self.step_tolerances:
            return self.step_tolerances[step]
        return self.kind_tolerances.get(kind, self.tolerance)

    def node(self, name: str) -> NodeSpec:
        for node in self.nodes:
            if node.name == name:
                return node
        raise KeyError(name)

    def problem_about(self, name: str, message: str) -> Problem:
        """A problem with one input or node (a batch copy too), at the line of the file the loader read it from."""
        return Problem(self.path, self.line_of(name), message, name)

    def line_of(self, name: str) -> int | None:
        if name in self.inputs:
            return self.inputs[name].line
        for node in self.nodes:
            if node.name == name:
                return node.line
        return None
