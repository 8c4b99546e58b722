"""Read an exercise file, check everything that can be checked without computing, build an Exercise.

Every problem found is collected (``tutor validate`` lists them all) and reported with the file
and line. Checks that need numbers (shapes, log of a negative number, ...) happen when the engine
first evaluates the exercise and are reported the same way.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Callable
from pathlib import Path

from .batch import expand_batch
from .datasets import find_dataset
from .errors import ExerciseFileError, Problem
from .expression import (
    FUNCTIONS,
    ExpressionError,
    Node,
    Number,
    check_calls,
    names_in,
    parse,
)
from .model import (
    ASK_CHOICES,
    DEFAULT_DOMAIN,
    STEP_KINDS,
    TOLERANCE_KINDS,
    BatchSpec,
    ExamSettings,
    Exercise,
    InputSpec,
    NodeSpec,
    QuestionSpec,
    Tolerance,
    TrainingSpec,
    UpdateSpec,
)
from .reading import parse_toml_text, read_text
from .schema import (
    BATCH,
    EXAM,
    KIND_TOLERANCE,
    NAME,
    QUESTION,
    TOLERANCE,
    TOP_LEVEL,
    TRAINING,
    UPDATE,
    Table,
    finite,
    kind_of,
)
from .suggestion import suggestion
from .toml_lines import key_lines

MAX_NODES = 5_000  # in [graph], and after [batch] copies it per sample
MAX_SAMPLES = 100  # in [batch]: each is worked by hand; the catalog has 3


def load_exercise(path: str | Path, name: str | None = None) -> Exercise:
    """Load and check one exercise file; raise :class:`ExerciseFileError` listing every problem."""
    path = Path(path)
    text = read_text(path)
    return parse_exercise(text, path, name or path.stem)


def _toml_words(message: str, text: str, line: int | None) -> str:
    """tomllib's message, in the words of the mistakes a teacher or learner makes most: a key or table twice."""
    table = re.fullmatch(r"Cannot declare \((.*)\) twice", message)
    if table:
        name = ".".join(part.strip().strip("'\"") for part in table.group(1).split(",") if part.strip())
        return f"[{name}] is declared twice: write all of its keys under one [{name}]"
    if message == "Cannot overwrite a value" and line is not None:
        key = text.splitlines()[line - 1].split("=", 1)[0].strip() if line <= len(text.splitlines()) else ""
        if key:
            return f"'{key}' is given twice in its table: each key once (the second would replace the first)"
    return message


def parse_toml(text: str, path: Path | None) -> dict:
    """The TOML document, or an ExerciseFileError at the line of the syntax error."""
    try:
        return parse_toml_text(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        match = re.search(r"\(at line (\d+), column (\d+)\)", message)
        line = int(match.group(1)) if match else None
        message = _toml_words(re.sub(r"\s*\(at line \d+, column \d+\)", "", message), text, line)
        if match:
            message += f" (column {match.group(2)})"
        raise ExerciseFileError([Problem(path, line, f"this is not valid TOML: {message}")]) from None
    except ValueError as error:  # a limit of tutor/exercise/reading.py
        raise ExerciseFileError([Problem(path, None, str(error))]) from None


def parse_exercise(text: str, path: Path | None = None, name: str = "exercise") -> Exercise:
    document = parse_toml(text, path)
    if isinstance(document.get("assignment"), dict):  # one problem that says what it is, not five about fields
        raise ExerciseFileError(
            [
                Problem(
                    path,
                    key_lines(text).get(("assignment",)),
                    "is an assignment (docs/assignments.md), not an exercise: give one of its exercises here; "
                    "tutor run, exam, check, validate and gradescope take an assignment",
                )
            ]
        )
    # tomllib keeps no lines, and key_lines() none for the items of an array of tables
    question_lines = [
        number for number, line in enumerate(text.splitlines(), start=1) if line.strip().startswith("[[questions]]")
    ]
    return _Builder(document, key_lines(text), question_lines, path, name).build()


class _Builder:
    def __init__(
        self, document: dict, lines: dict[tuple, int], question_lines: list[int], path: Path | None, name: str
    ):
        self.document = document
        self.lines = lines
        self.question_lines = question_lines
        self.path = path
        self.name = name
        self.problems: list[Problem] = []
        self.reported: set[str] = set()  # problems already said, so none is listed twice

    # -- reporting ---------------------------------------------------------------------------
    def line(self, *key) -> int | None:
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return None

    def problem(self, key: tuple, message: str) -> None:
        found = Problem(self.path, self.line(*key), message)
        if str(found) not in self.reported:
            self.reported.add(str(found))
            self.problems.append(found)

    def expression_problem(self, key: tuple, text: str, error: ExpressionError, what: str) -> None:
        pointer = (
            f" at '{text[error.start : error.end]}'"
            if 0 <= error.start < error.end <= len(text) and len(text) > 1
            else ""
        )
        self.problem(key, f'{what} "{_clip(text)}": {error.message}{pointer}')

    # -- fields (declared in schema.py) -------------------------------------------------------
    def check_fields(self, table: Table, given: dict, key: tuple = ()) -> None:
        """Report, at its line, every field of a table of the file that the schema does not know or whose value
        is of the wrong kind."""
        for name, value in given.items():
            message = table.check(name, value)
            if message is not None:
                self.problem((*key, name), message)

    @staticmethod
    def field(table: Table, given: dict, name: str, default: object = None):
        """The value of field ``name`` of a table (checked by check_fields); when absent or refused, ``default``
        or else the schema's."""
        if name in given and table.check(name, given[name]) is None:
            return given[name]
        return table.default(name) if default is None else default

    def string(self, name: str) -> str:
        value = self.field(TOP_LEVEL, self.document, name)
        if TOP_LEVEL.field(name).required:
            if name not in self.document:
                self.problems.append(Problem(self.path, None, f"'{name}' is missing: every exercise needs a {name}"))
            elif isinstance(self.document[name], str) and not value.strip():
                self.problem((name,), f"'{name}' is empty")
        return value

    def name_list(self, table: Table, given: dict, name: str, default: object = None) -> list[str]:
        """A list of names (one name alone is a list of one); none when the value is refused."""
        if name in given and table.check(name, given[name]) is not None:
            return []
        value = self.field(table, given, name, default)
        return [value] if isinstance(value, str) else list(value)

    def build(self) -> Exercise:
        document = self.document
        self.check_fields(TOP_LEVEL, document)
        title = self.string("title")
        description = self.string("description")
        source = self.string("source")
        tags = self.name_list(TOP_LEVEL, document, "tags")
        difficulty = self.field(TOP_LEVEL, document, "difficulty")

        # a derivation-only exercise: [[questions]] and no [graph] (its [inputs] are optional)
        derivation_only = "graph" not in document and bool(document.get("questions"))
        if derivation_only:
            for field in TOP_LEVEL.fields:
                if field.needs_graph and field.name in document:
                    self.problem((field.name,), f"'{field.name}' needs a [graph]: this exercise has only [[questions]]")
        inputs = self.inputs(required=not derivation_only)
        nodes = self.graph(inputs) if not derivation_only else []
        node_names = [node.name for node in nodes]
        known = list(inputs) + node_names

        output = self.field(TOP_LEVEL, document, "output", default=node_names[-1] if node_names else "")
        if node_names and output not in node_names:
            where = (
                " is an input, not a node"
                if output in inputs
                else f" is not a node of [graph]{suggestion(output, node_names)}"
            )
            self.problem(("output",), f"output '{output}'{where}")

        params = self.name_list(TOP_LEVEL, document, "params", default=list(inputs))
        for param in params:
            if param not in inputs:
                self.problem(("params",), f"parameter '{param}' is not an input{suggestion(param, inputs)}")

        ask = self.name_list(TOP_LEVEL, document, "ask", default=[] if derivation_only else None)
        for item in ask:
            if item not in ASK_CHOICES and "." not in item:
                self.problem(
                    ("ask",),
                    f"'ask' cannot include '{item}'{suggestion(item, ASK_CHOICES)}; "
                    f'choose from {", ".join(ASK_CHOICES)}, or name single steps like "grad.w1"',
                )
        if not ask and not derivation_only:
            self.problem(("ask",), "'ask' is empty: the learner would have nothing to do")

        questions = self.questions(set(known) | self.sample_input_names())
        hints = self.hints(known + sorted(self.sample_input_names()) + [question.id for question in questions])
        tolerance, kind_tolerances, step_tolerances = self.tolerance()
        carried_forward_credit = self.carried_forward_credit()
        update = self.update(params)
        training = self.training(inputs, node_names)
        points = self.points()
        exam = self.exam()
        written_inputs, written_nodes = inputs, nodes
        batch = self.batch(inputs, nodes, output)
        if batch is not None and not self.problems:
            inputs, nodes, output = expand_batch(inputs, nodes, batch, self.line("batch"))
        if not self.problems:
            steps = StepNames(inputs, nodes, output, update, questions)
            for item in ask:
                if "." in item:
                    self.step_name_problem(("ask",), item, steps, "'ask'")
            for step, (_, key) in points.items():
                if "." in step:
                    self.step_name_problem(("points", *key), step, steps, "[points]")
            for step in step_tolerances:
                self.step_name_problem(("tolerance", step), step, steps, "[tolerance]")

        if self.problems:
            raise ExerciseFileError(self.problems)
        return Exercise(
            name=self.name,
            path=self.path,
            title=title.strip(),
            description=description.strip(),
            source=source,
            tags=tuple(tags),
            difficulty=difficulty,
            inputs=inputs,
            nodes=tuple(nodes),
            output=output,
            params=tuple(params),
            ask=tuple(ask),
            hints=hints,
            tolerance=tolerance,
            kind_tolerances=kind_tolerances,
            step_tolerances=step_tolerances,
            carried_forward_credit=carried_forward_credit,
            update=update,
            batch=batch,
            questions=tuple(questions),
            training=training,
            written_inputs=written_inputs,
            written_nodes=tuple(written_nodes),
            points={step: value for step, (value, _) in points.items()},
            points_line=self.line("points"),
            exam=exam,
        )

    # -- tables ------------------------------------------------------------------------------
    def table(self, key: str, required: bool = False) -> dict:
        value = self.document.get(key)
        if value is None:
            if required:
                self.problems.append(Problem(self.path, None, f"[{key}] is missing"))
            return {}
        message = TOP_LEVEL.check(key, value)
        if message is not None:
            self.problem((key,), message)
            return {}
        return value

    def check_name(self, key: tuple, name: str, what: str) -> bool:
        if not NAME.match(name):
            self.problem(key, f"{what} name '{name}' is not allowed: use letters, digits and _, starting with a letter")
            return False
        if name in FUNCTIONS:
            self.problem(key, f"{what} name '{name}' is the name of a function: choose another name")
            return False
        return True

    def check_expression(self, key: tuple, text: str, expression: Node, what: str) -> bool:
        problems = check_calls(expression)
        for message in problems:
            self.problem(key, f'{what} "{_clip(text)}": {message}')
        return not problems

    def inputs(self, required: bool = True) -> dict[str, InputSpec]:
        table = self.table("inputs", required=required)
        if isinstance(self.document.get("inputs"), dict) and not table:
            self.problem(("inputs",), "[inputs] is empty: the graph needs at least one input to differentiate")
        inputs: dict[str, InputSpec] = {}
        for name, raw in table.items():
            key = ("inputs", name)
            if not self.check_name(key, name, "input"):
                continue
            value = self.input_value(key, raw, name)
            if value is not None:
                inputs[name] = InputSpec(name, value, _input_text(raw), self.line(*key), base=name)
        return inputs

    def input_value(self, key: tuple, raw, name: str, depth: int = 0):
        """A number, a constant expression in a string, or a rectangular nested list of them."""
        if isinstance(raw, bool):
            self.problem(key, f"input '{name}' is true/false, not a number")
            return None
        if isinstance(raw, (int, float)):
            if isinstance(raw, float) and not math.isfinite(raw):
                self.problem(key, f"input '{name}' is {raw}, not a finite number")
                return None
            if isinstance(raw, int) and abs(raw) > 10**300:
                self.problem(key, f"input '{name}' is too large")
                return None
            return Number(float(raw), str(raw))
        if isinstance(raw, str):
            try:
                expression = parse(raw)
            except ExpressionError as error:
                self.expression_problem(key, raw, error, f"input '{name}' =")
                return None
            if not self.check_expression(key, raw, expression, f"input '{name}' ="):
                return None
            used = names_in(expression)
            if used:
                self.problem(
                    key,
                    f"input '{name}' = \"{_clip(raw)}\" uses the name '{used[0].id}': inputs must be "
                    "numbers; put computations in [graph]",
                )
                return None
            return expression
        if isinstance(raw, list):
            if not raw:
                self.problem(key, f"input '{name}' is an empty list")
                return None
            if depth >= 1 and any(isinstance(item, list) for item in raw):
                self.problem(
                    key, f"input '{name}' nests lists more than two deep: only vectors and matrices are supported"
                )
                return None
            elements = [self.input_value(key, item, name, depth + 1) for item in raw]
            if any(element is None for element in elements):
                return None
            kinds = {isinstance(element, list) for element in elements}
            if len(kinds) > 1:
                self.problem(
                    key, f"input '{name}' mixes numbers and lists: a matrix is a list of rows, like [[1, 2], [3, 4]]"
                )
                return None
            if kinds == {True} and len({len(row) for row in elements}) > 1:
                lengths = ", ".join(str(len(row)) for row in elements)
                self.problem(key, f"the rows of matrix '{name}' have different lengths ({lengths})")
                return None
            return elements
        self.problem(key, f"input '{name}' must be a number, a fraction in quotes, or a list; not {kind_of(raw)}")
        return None

    def graph(self, inputs: dict[str, InputSpec]) -> list[NodeSpec]:
        table = self.table("graph", required=True)
        if "graph" in self.document and not table and isinstance(self.document.get("graph"), dict):
            self.problem(("graph",), '[graph] is empty: add at least one node, like z = "w*x + b"')
        if len(table) > MAX_NODES:
            self.problem(("graph",), f"[graph] has {len(table):,} nodes; the limit is {MAX_NODES:,}")
            return []
        nodes: list[NodeSpec] = []
        raw_inputs = set(self.document["inputs"]) if isinstance(self.document.get("inputs"), dict) else set()
        # an input whose value was refused is still defined: its problem is reported once, at its line
        defined = set(inputs) | raw_inputs | self.sample_input_names()
        later = set(table)
        for name, raw in table.items():
            key = ("graph", name)
            if not self.check_name(key, name, "node"):
                continue
            if name in raw_inputs:
                self.problem(key, f"'{name}' is both an input and a node: give them different names")
                continue
            if not isinstance(raw, str):
                self.problem(key, f"node '{name}' must be an expression in quotes, like {name} = \"w*x + b\"")
                continue
            try:
                expression = parse(raw)
            except ExpressionError as error:
                self.expression_problem(key, raw, error, f"node '{name}' =")
                continue
            self.check_expression(key, raw, expression, f"node '{name}' =")
            for used in names_in(expression):
                if used.id == name:
                    self.problem(key, f"node '{name}' uses itself: a graph cannot have cycles")
                elif used.id not in defined:
                    if used.id in later:
                        self.problem(
                            key,
                            f"node '{name}' uses '{used.id}' before it is defined (line "
                            f"{self.line('graph', used.id)}): list nodes in evaluation order",
                        )
                    else:
                        self.problem(
                            key,
                            f"node '{name}' uses '{used.id}', which is not defined"
                            f"{suggestion(used.id, defined | later)}",
                        )
            defined.add(name)
            nodes.append(NodeSpec(name, expression, raw, self.line(*key), base=name))
        return nodes

    def questions(self, known: set[str]) -> list[QuestionSpec]:
        """[[questions]]: derivations answered with a formula in named variables."""
        raw = self.document.get("questions", [])
        if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
            self.problem(("questions",), "questions must be written as [[questions]] tables")
            return []
        questions: list[QuestionSpec] = []
        for index, item in enumerate(raw, start=1):
            key = ("questions",)
            line = self.question_lines[index - 1] if index - 1 < len(self.question_lines) else self.line(*key)

            def problem(message: str, line=line, index=index) -> None:
                self.problems.append(Problem(self.path, line, f"question {index}: {message}"))

            for field, value in item.items():
                message = QUESTION.check(field, value, header="")
                if message is not None:
                    problem(message)
            question_id = item.get("id", f"q{index}")
            if QUESTION.check("id", question_id) is not None:
                continue
            if question_id in known or question_id in {question.id for question in questions}:
                problem(f"the id '{question_id}' is already the name of an input, node or question")
                continue
            prompt, text = item.get("prompt"), item.get("answer")
            if not isinstance(prompt, str) or not prompt.strip():
                problem("'prompt' is missing: the question the learner reads")
                continue
            if not isinstance(text, str):
                problem("'answer' is missing: the right formula, in quotes, like \"sigmoid(x)*(1 - sigmoid(x))\"")
                continue
            try:
                answer = parse(text)
            except ExpressionError as error:
                problem(f'answer "{_clip(text)}": {error.message}')
                continue
            calls = check_calls(answer)
            if calls:
                problem(f'answer "{_clip(text)}": {calls[0]}')
                continue
            declared = item.get("variables", {})
            if QUESTION.check("variables", declared) is not None:
                continue
            variables: dict[str, tuple[float, float]] = {}
            for name, interval in declared.items():
                bounds = interval if isinstance(interval, list) else None
                low, high = (
                    [finite(bound) for bound in bounds] if bounds is not None and len(bounds) == 2 else (None, None)
                )
                if low is None or high is None or low >= high:
                    problem(f"the interval of '{name}' must be [low, high] with low < high")
                    continue
                variables[name] = (low, high)
            for used in names_in(answer):
                if used.id not in variables:
                    variables[used.id] = DEFAULT_DOMAIN
            questions.append(QuestionSpec(question_id, prompt.strip(), answer, text, variables, line))
        return questions

    def sample_input_names(self) -> set[str]:
        batch = self.document.get("batch")
        samples = batch.get("samples") if isinstance(batch, dict) else None
        if isinstance(samples, list) and samples and isinstance(samples[0], dict):
            return set(samples[0])
        return set()

    def hints(self, known: list[str]) -> dict[str, tuple[str, ...]]:
        hints: dict[str, tuple[str, ...]] = {}
        for name, value in self.table("hints").items():
            key = ("hints", name)
            if name not in known:
                self.problem(key, f"hint for '{name}', which is not an input or node{suggestion(name, known)}")
                continue
            texts = [value] if isinstance(value, str) else value
            if (
                not isinstance(texts, list)
                or not texts
                or not all(isinstance(text, str) and text.strip() for text in texts)
            ):
                self.problem(key, f"the hints for '{name}' must be text, or a list of texts from general to specific")
                continue
            hints[name] = tuple(texts)
        return hints

    def tolerance(self) -> tuple[Tolerance, dict[str, Tolerance], dict[str, Tolerance]]:
        """[tolerance]'s relative and absolute, a [tolerance.KIND] table per kind of step that has its own (a field
        it leaves out is [tolerance]'s), and a [tolerance."grad.w1"] table per step that has its own (a field it
        leaves out is its kind's)."""
        table = self.table("tolerance")
        steps = {name: value for name, value in table.items() if "." in name}  # step names: checked once known
        self.check_fields(
            TOLERANCE, {name: value for name, value in table.items() if name not in steps}, ("tolerance",)
        )
        default = self.tolerance_fields(TOLERANCE, table, ("tolerance",), Tolerance())
        by_kind = {}
        for kind in TOLERANCE_KINDS:
            if kind not in table:
                continue
            if not isinstance(table[kind], dict):
                self.problem(
                    ("tolerance", kind),
                    f"the tolerance of {kind} steps must be a table, like "
                    f"[tolerance.{kind}] with relative = 0.01 on the next line",
                )
                continue
            self.check_fields(KIND_TOLERANCE, table[kind], ("tolerance", kind))
            by_kind[kind] = self.tolerance_fields(KIND_TOLERANCE, table[kind], ("tolerance", kind), default)
        by_step = {}
        for step, value in steps.items():
            if not isinstance(value, dict):
                self.problem(
                    ("tolerance", step),
                    f'the tolerance of {step} must be a table, like [tolerance."{step}"] with relative = 0.01 '
                    "on the next line",
                )
                continue
            self.check_fields(KIND_TOLERANCE, value, ("tolerance", step))
            kind = step.split(".")[0]
            by_step[step] = self.tolerance_fields(
                KIND_TOLERANCE, value, ("tolerance", step), by_kind.get(kind, default)
            )
        return default, by_kind, by_step

    def tolerance_fields(self, schema: Table, table: dict, key: tuple, fallback: Tolerance) -> Tolerance:
        """The tolerance a table gives, a field it leaves out (or gets wrong) being ``fallback``'s."""
        return Tolerance(
            float(self.field(schema, table, "relative", fallback.relative)),
            float(self.field(schema, table, "absolute", fallback.absolute)),
        )

    def carried_forward_credit(self) -> float:
        return float(self.field(TOP_LEVEL, self.document, "carried_forward_credit"))

    def update(self, params: list[str]) -> UpdateSpec | None:
        if "update" not in self.document:
            return None
        if "params" not in self.document:
            self.problem(
                ("update",),
                '[update] needs to know which inputs are learned: add params = ["w", "b"] at the top of the file',
            )
        table = self.table("update")
        self.check_fields(UPDATE, table, ("update",))
        rate = finite(table.get("learning_rate"))
        if rate is None or rate <= 0:
            self.problem(
                ("update", "learning_rate") if "learning_rate" in table else ("update",),
                "[update] needs a positive learning_rate, like learning_rate = 0.1",
            )
            rate = 1.0
        updated = self.name_list(UPDATE, table, "params", default=params)
        for param in updated:
            if param not in params:
                self.problem(
                    ("update", "params"), f"[update] names '{param}', which is not one of the exercise's params"
                )
        if not updated:
            self.problem(("update",), "[update] has no parameters to update")
        return UpdateSpec(float(rate), tuple(updated), self.line("update"))

    def points(self) -> dict[str, tuple[float, tuple]]:
        """[points]: a kind of step (grad = 2) or one step (grad.w1 = 3, "local.z.w1" = 2) -> its points,
        each with the key path of its line."""
        return read_points(self.table("points"), lambda path, message: self.problem(("points", *path), message))

    def step_name_problem(self, key: tuple, step: str, steps: StepNames, where: str) -> None:
        message = steps.problem(step)
        if message:
            self.problem(key, f"{where} names the step '{step}': {message}")

    def exam(self) -> ExamSettings:
        table = self.table("exam")
        self.check_fields(EXAM, table, ("exam",))
        return exam_settings(table)

    def training(self, inputs: dict[str, InputSpec], node_names: list[str]) -> TrainingSpec | None:
        if "training" not in self.document:
            return None
        table = self.table("training")
        self.check_fields(TRAINING, table, ("training",))
        dataset, features, targets, accuracy, rate, steps = (
            self.field(TRAINING, table, name) for name in TRAINING.names
        )
        sample_keys = self.sample_input_names()
        for key, name in (("features", features), ("targets", targets)):
            if name in sample_keys:
                self.problem(
                    ("training", key),
                    f"{key} '{name}' is a [batch] sample key, not a plain input: training "
                    f"feeds the whole {key} matrix to one input, so write the graph for a "
                    "matrix of samples (like Z = X @ W + b) instead of using [batch]",
                )
            elif name is not None and name not in inputs:
                self.problem(
                    ("training", key), f"{key} '{name}' in [training] is not an input{suggestion(name, inputs)}"
                )
        if features == targets and features is not None:
            self.problem(
                ("training", "targets"), f"features and targets are both '{features}': they must be two inputs"
            )
        if "features" not in table or "targets" not in table:
            if dataset is not None:
                self.problem(
                    ("training",),
                    f"[training] trains on the dataset '{dataset}': name the inputs that "
                    'receive it, like features = "X" and targets = "Y"',
                )
            elif "features" in table or "targets" in table:
                self.problem(("training",), "[training] needs both features and targets, or neither")
        if accuracy is not None:
            if accuracy not in node_names:
                self.problem(
                    ("training", "accuracy"),
                    f"accuracy '{accuracy}' in [training] is not a node of [graph]{suggestion(accuracy, node_names)}",
                )
            elif targets is None:
                self.problem(
                    ("training", "accuracy"),
                    "accuracy compares a node's rows with the targets: name the targets input in [training]",
                )
        if "batch" in self.document:
            for key in ("dataset", "accuracy"):
                if key in table:
                    self.problem(
                        ("training", key),
                        f"'{key}' in [training] needs an exercise without [batch]: write "
                        "the graph for a matrix of samples (like Z = X @ W + b) instead",
                    )
        if dataset is not None:
            try:
                find_dataset(
                    dataset, self.path.parent if self.path else None, (self.path, self.line("training", "dataset"))
                )
            except ExerciseFileError as error:
                self.problems.extend(error.problems)
        return TrainingSpec(
            dataset,
            features,
            targets,
            accuracy,
            None if rate is None else float(rate),
            steps,
            self.line("training"),
            self.line("training", "dataset"),
        )

    def batch(self, inputs: dict[str, InputSpec], nodes: list[NodeSpec], output: str) -> BatchSpec | None:
        if "batch" not in self.document:
            return None
        table = self.table("batch")
        self.check_fields(BATCH, table, ("batch",))
        reduce = self.field(BATCH, table, "reduce")
        total = self.field(BATCH, table, "output")
        if total in inputs or total in {node.name for node in nodes}:
            self.problem(("batch", "output"), f"the batch total '{total}' has the name of an input or node")
        samples = table.get("samples")
        if not isinstance(samples, list) or not samples or not all(isinstance(sample, dict) for sample in samples):
            self.problem(
                ("batch", "samples") if "samples" in table else ("batch",),
                "[batch] needs samples = [ {x = 1, y = 2}, ... ]: a list of at least one sample",
            )
            return None
        if len(samples) > MAX_SAMPLES:
            self.problem(("batch", "samples"), f"[batch] has {len(samples):,} samples; the limit is {MAX_SAMPLES}")
            return None
        if len(samples) * len(nodes) + 1 > MAX_NODES:  # every node copied per sample, and the total
            self.problem(
                ("batch", "samples"),
                f"[batch] makes {len(samples) * len(nodes) + 1:,} nodes ({len(nodes):,} per sample for "
                f"{len(samples):,} samples, and the total); the limit is {MAX_NODES:,}",
            )
            return None
        node_names = {node.name for node in nodes}
        first_keys = list(samples[0])
        parsed_samples = []
        for index, sample in enumerate(samples):
            key = ("batch", "samples", index)
            if sorted(sample) != sorted(first_keys):
                self.problem(
                    key,
                    f"sample {index + 1} has the names {', '.join(sorted(sample))}; sample 1 has "
                    f"{', '.join(sorted(first_keys))}: every sample must give the same names",
                )
                continue
            values = {}
            for name, raw in sample.items():
                if name in node_names:
                    self.problem(key, f"sample {index + 1} gives '{name}', which is a node of [graph], not an input")
                    continue
                if name in inputs:
                    self.problem(
                        key, f"'{name}' is in [inputs] and in the samples: leave per-sample inputs out of [inputs]"
                    )
                    continue
                if not self.check_name(key, name, "sample input"):
                    continue
                value = self.input_value(key, raw, name)
                if value is not None:
                    values[name] = (value, _input_text(raw))
            parsed_samples.append(values)
        if self.problems:
            return None
        return BatchSpec(tuple(parsed_samples), reduce, total, output)


def exam_settings(table: dict) -> ExamSettings:
    """time_limit and feedback from a table ([exam], or an assignment's [[exercise]]) whose fields are checked;
    a refused value is left out."""
    minutes = _Builder.field(EXAM, table, "time_limit")
    return ExamSettings(None if minutes is None else float(minutes), _Builder.field(EXAM, table, "feedback"))


def read_points(table: dict, problem: Callable[[tuple, str], None], where: str = "[points]") -> dict:
    """A table of points (an exercise's [points], an assignment's step_points): a kind of step (grad = 2) or one
    step (grad.w1 = 3, "local.z.w1" = 2) -> (its points, the key path of its line); ``problem`` gets the key path
    (inside the table) and the message of each entry that is not such a pair."""
    found: dict[str, tuple[float, tuple]] = {}

    def read(path: tuple[str, ...], value) -> None:
        step = ".".join(path)
        if isinstance(value, dict) and value:
            for name, inner in value.items():
                read((*path, name), inner)
        elif finite(value) is None or value < 0:
            problem(path, f"the points of '{step}' must be a number, 0 or more, like {step} = 2")
        elif "." not in step and step not in STEP_KINDS:
            problem(
                path,
                f"{where} names '{step}', which is not a kind of step"
                f"{suggestion(step, STEP_KINDS)}; use {', '.join(STEP_KINDS)} "
                'or a step name like "grad.w1"',
            )
        else:
            found[step] = (value, path)

    for name, value in table.items():
        read((name,), value)
    return found


class StepNames:
    """Which step names (value.z, local.z.w1, grad.w1, update.w1, after.z, formula.q1) an exercise has."""

    def __init__(
        self,
        inputs: dict[str, InputSpec],
        nodes: list[NodeSpec],
        output: str,
        update: UpdateSpec | None,
        questions: list[QuestionSpec],
    ):
        self.inputs = list(inputs)
        self.output = output
        self.nodes = {node.name: [name.id for name in names_in(node.expression)] for node in nodes}
        self.updated = list(update.params) if update else []
        self.questions = [question.id for question in questions]

    @classmethod
    def of(cls, exercise: Exercise) -> StepNames:
        return cls(exercise.inputs, list(exercise.nodes), exercise.output, exercise.update, list(exercise.questions))

    def problem(self, step: str) -> str | None:
        """None for a step of this exercise, else why not."""
        kind, *names = step.split(".")
        if kind not in STEP_KINDS:
            return f"'{kind}' is not a kind of step{suggestion(kind, STEP_KINDS)}; use {', '.join(STEP_KINDS)}"
        if len(names) != (2 if kind == "local" else 1):
            return "write it as local.NODE.INPUT" if kind == "local" else f"write it as {kind}.NAME"
        name = names[0]
        known = {
            "value": list(self.nodes),
            "after": list(self.nodes) if self.updated else [],
            "local": list(self.nodes),
            "grad": [*self.inputs, *self.nodes],
            "update": self.updated,
            "formula": self.questions,
        }[kind]
        if name not in known:
            what = {
                "value": "a node of [graph]",
                "after": "a node of [graph], with an [update]",
                "local": "a node of [graph]",
                "grad": "an input or node",
                "update": "a parameter updated by [update]",
                "formula": "the id of a question",
            }[kind]
            return f"'{name}' is not {what}{suggestion(name, known)}"
        if kind == "grad" and name == self.output:
            return "the gradient of the output with respect to itself is always 1, so it is never asked"
        if kind == "local" and names[1] not in self.nodes[name]:
            return f"node '{name}' does not use '{names[1]}'{suggestion(names[1], self.nodes[name])}"
        return None


def _input_text(raw) -> str:
    if isinstance(raw, list):
        return "[" + ", ".join(_input_text(item) for item in raw) + "]"
    return str(raw)


def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
