"""Read an exercise file, check everything that can be checked without computing, build an Exercise.

Every problem found is collected (``tutor validate`` lists them all) and reported with the file
and line. Checks that need numbers (shapes, log of a negative number, ...) happen when the engine
first evaluates the exercise and are reported the same way.
"""

from __future__ import annotations

import math
import re
import tomllib
from pathlib import Path

from .datasets import find_dataset
from .errors import ExerciseFileError, Problem
from .expression import (
    FUNCTIONS,
    Call,
    ExpressionError,
    Name,
    Node,
    Number,
    check_calls,
    names_in,
    parse,
    substitute,
    to_text,
)
from .model import (
    ASK_CHOICES,
    DEFAULT_ASK,
    DEFAULT_DOMAIN,
    MAX_TRAINING_STEPS,
    SAMPLE_SEPARATOR,
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
from .suggestion import suggestion
from .toml_lines import key_lines

MAX_FILE_BYTES = 1_000_000
MAX_NODES = 5_000
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_TOLERANCE_FIELDS = ("relative", "absolute")
TOP_LEVEL_KEYS = (
    "title",
    "description",
    "source",
    "tags",
    "difficulty",
    "output",
    "params",
    "ask",
    "inputs",
    "graph",
    "hints",
    "tolerance",
    "carried_forward_credit",
    "update",
    "batch",
    "questions",
    "training",
    "points",
    "exam",
)
TRAINING_KEYS = ("dataset", "features", "targets", "accuracy", "learning_rate", "steps")
EXAM_KEYS = ("time_limit", "feedback")
MAX_EXAM_MINUTES = 7 * 24 * 60
# Fields that only make sense with a [graph]: a derivation-only exercise (only [[questions]]) has none.
GRAPH_FIELDS = ("output", "ask", "update", "training", "batch")


def load_exercise(path: str | Path, name: str | None = None) -> Exercise:
    """Load and check one exercise file; raise :class:`ExerciseFileError` listing every problem."""
    path = Path(path)
    text = read_exercise_text(path)
    return parse_exercise(text, path, name or path.stem)


def read_exercise_text(path: Path) -> str:
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise ExerciseFileError([Problem(path, None, "is a folder, not an exercise file")])
        if size > MAX_FILE_BYTES:
            raise ExerciseFileError(
                [
                    Problem(
                        path,
                        None,
                        f"the file is {size / 1e6:.1f} MB; exercise files are limited to {MAX_FILE_BYTES // 1_000_000} MB",
                    )
                ]
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise ExerciseFileError([Problem(path, None, "no such file")]) from None
    except OSError as error:
        raise ExerciseFileError([Problem(path, None, f"cannot be read: {error.strerror}")]) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ExerciseFileError([Problem(path, line, "is not UTF-8 text")]) from None


def parse_toml(text: str, path: Path | None) -> dict:
    """The TOML document, or an ExerciseFileError at the line of the syntax error."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        match = re.search(r"\(at line (\d+), column (\d+)\)", message)
        line = int(match.group(1)) if match else None
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", message)
        if match:
            message += f" (column {match.group(2)})"
        raise ExerciseFileError([Problem(path, line, f"this is not valid TOML: {message}")]) from None


def parse_exercise(text: str, path: Path | None = None, name: str = "exercise") -> Exercise:
    document = parse_toml(text, path)
    builder = _Builder(document, key_lines(text), path, name)
    builder.question_lines = [
        number for number, line in enumerate(text.splitlines(), start=1) if line.strip().startswith("[[questions]]")
    ]
    return builder.build()


class _Builder:
    def __init__(self, document: dict, lines: dict[tuple, int], path: Path | None, name: str):
        self.document = document
        self.lines = lines
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

    # -- fields ------------------------------------------------------------------------------
    def string(self, key: str, required: bool = False, default: str = "") -> str:
        value = self.document.get(key)
        if value is None:
            if required:
                self.problems.append(Problem(self.path, None, f"'{key}' is missing: every exercise needs a {key}"))
            return default
        if not isinstance(value, str):
            self.problem((key,), f"'{key}' must be text in quotes, not {_kind(value)}")
            return default
        if required and not value.strip():
            self.problem((key,), f"'{key}' is empty")
        return value

    def name_list(self, key: tuple, value, what: str) -> list[str]:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.problem(key, f'{what} must be a list of names in quotes, like ["w1", "b"]')
            return []
        return value

    def build(self) -> Exercise:
        document = self.document
        for key in document:
            if key not in TOP_LEVEL_KEYS:
                self.problem((key,), f"unknown field '{key}'{suggestion(key, TOP_LEVEL_KEYS)}")
        title = self.string("title", required=True)
        description = self.string("description")
        source = self.string("source")
        tags = self.name_list(("tags",), document.get("tags", []), "'tags'")
        difficulty = document.get("difficulty", 2)
        if isinstance(difficulty, bool) or not isinstance(difficulty, int) or not 1 <= difficulty <= 5:
            self.problem(("difficulty",), "'difficulty' must be a whole number from 1 (first steps) to 5 (exam-hard)")
            difficulty = 2

        # a derivation-only exercise: [[questions]] and no [graph] (its [inputs] are optional)
        derivation_only = "graph" not in document and bool(document.get("questions"))
        if derivation_only:
            for key in GRAPH_FIELDS:
                if key in document:
                    self.problem((key,), f"'{key}' needs a [graph]: this exercise has only [[questions]]")
        inputs = self.inputs(required=not derivation_only)
        nodes = self.graph(inputs) if not derivation_only else []
        node_names = [node.name for node in nodes]
        known = list(inputs) + node_names

        output = document.get("output", node_names[-1] if node_names else "")
        if not isinstance(output, str):
            self.problem(("output",), "'output' must be the name of a node, in quotes")
        elif node_names and output not in node_names:
            where = (
                " is an input, not a node"
                if output in inputs
                else f" is not a node of [graph]{suggestion(output, node_names)}"
            )
            self.problem(("output",), f"output '{output}'{where}")

        params = self.name_list(("params",), document.get("params", list(inputs)), "'params'")
        for param in params:
            if param not in inputs:
                self.problem(("params",), f"parameter '{param}' is not an input{suggestion(param, inputs)}")

        ask = self.name_list(("ask",), document.get("ask", [] if derivation_only else list(DEFAULT_ASK)), "'ask'")
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
        tolerance, kind_tolerances = self.tolerance()
        carried_forward_credit = self.carried_forward_credit()
        update = self.update(params)
        training = self.training(inputs, node_names)
        points = self.points()
        exam = self.exam()
        written_inputs, written_nodes = inputs, nodes
        batch = self.batch(inputs, nodes, output if isinstance(output, str) else "")
        if batch is not None and not self.problems:
            inputs, nodes, output = _expand_batch(inputs, nodes, batch, self.line("batch"))
        if not self.problems:
            steps = _StepNames(inputs, nodes, output, update, questions)
            for item in ask:
                if "." in item:
                    self.step_name_problem(("ask",), item, steps, "'ask'")
            for step, (_, key) in points.items():
                if "." in step:
                    self.step_name_problem(key, step, steps, "[points]")

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
        if not isinstance(value, dict):
            self.problem((key,), f"'{key}' must be a table: write [{key}] on a line of its own")
            return {}
        return value

    def check_name(self, key: tuple, name: str, what: str) -> bool:
        if not _NAME.match(name):
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
        self.problem(key, f"input '{name}' must be a number, a fraction in quotes, or a list; not {_kind(raw)}")
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
            where = Problem(self.path, line, "")
            allowed = ("id", "prompt", "answer", "variables")

            def problem(message: str, where=where, index=index) -> None:
                self.problems.append(Problem(where.path, where.line, f"question {index}: {message}"))

            for field in item:
                if field not in allowed:
                    problem(f"unknown field '{field}'{suggestion(field, allowed)}")
            question_id = item.get("id", f"q{index}")
            if not isinstance(question_id, str) or not _NAME.match(question_id):
                problem("'id' must be a name, like \"sigmoid_slope\"")
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
            if not isinstance(declared, dict):
                problem("'variables' must be a table of name = [low, high]")
                continue
            variables: dict[str, tuple[float, float]] = {}
            for name, interval in declared.items():
                bounds = interval if isinstance(interval, list) else None
                numbers = [_finite(bound) for bound in bounds] if bounds is not None else []
                if len(numbers) != 2 or None in numbers or numbers[0] >= numbers[1]:
                    problem(f"the interval of '{name}' must be [low, high] with low < high")
                    continue
                variables[name] = (numbers[0], numbers[1])
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

    def tolerance(self) -> tuple[Tolerance, dict[str, Tolerance]]:
        """[tolerance]'s relative and absolute, and a [tolerance.KIND] table per kind of step that has its own
        (a field it leaves out is [tolerance]'s)."""
        table = self.table("tolerance")
        default = Tolerance(
            **self.tolerance_fields(
                ("tolerance",), {key: value for key, value in table.items() if key not in TOLERANCE_KINDS}
            )
        )
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
            values = self.tolerance_fields(("tolerance", kind), table[kind])
            by_kind[kind] = Tolerance(**{name: values.get(name, getattr(default, name)) for name in _TOLERANCE_FIELDS})
        return default, by_kind

    def tolerance_fields(self, key: tuple, table: dict) -> dict[str, float]:
        values = {}
        for name, value in table.items():
            if name not in _TOLERANCE_FIELDS:
                choices = [*_TOLERANCE_FIELDS, *TOLERANCE_KINDS] if len(key) == 1 else list(_TOLERANCE_FIELDS)
                self.problem((*key, name), f"unknown tolerance '{name}'{suggestion(name, choices)}")
            elif _finite(value) is None or not 0 <= _finite(value) < 1:
                self.problem((*key, name), f"tolerance '{name}' must be a number from 0 up to (not including) 1")
            else:
                values[name] = float(value)
        return values

    def carried_forward_credit(self) -> float:
        value = self.document.get("carried_forward_credit", 1.0)
        if _finite(value) is None or not 0 <= _finite(value) <= 1:
            self.problem(
                ("carried_forward_credit",),
                "'carried_forward_credit' must be a number from 0 to 1 "
                "(the share of a step's credit for error carried forward)",
            )
            return 1.0
        return float(value)

    def update(self, params: list[str]) -> UpdateSpec | None:
        if "update" not in self.document:
            return None
        if "params" not in self.document:
            self.problem(
                ("update",),
                '[update] needs to know which inputs are learned: add params = ["w", "b"] at the top of the file',
            )
        table = self.table("update")
        for key in table:
            if key not in ("learning_rate", "params"):
                self.problem(
                    ("update", key), f"unknown field '{key}' in [update]{suggestion(key, ['learning_rate', 'params'])}"
                )
        rate = _finite(table.get("learning_rate"))
        if rate is None or rate <= 0:
            self.problem(
                ("update", "learning_rate") if "learning_rate" in table else ("update",),
                "[update] needs a positive learning_rate, like learning_rate = 0.1",
            )
            rate = 1.0
        updated = self.name_list(("update", "params"), table.get("params", params), "'params' in [update]")
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
        found: dict[str, tuple[float, tuple]] = {}

        def read(path: tuple[str, ...], value) -> None:
            key = ("points", *path)
            step = ".".join(path)
            if isinstance(value, dict) and value:
                for name, inner in value.items():
                    read((*path, name), inner)
            elif _finite(value) is None or value < 0:
                self.problem(key, f"the points of '{step}' must be a number, 0 or more, like {step} = 2")
            elif "." not in step and step not in STEP_KINDS:
                self.problem(
                    key,
                    f"[points] names '{step}', which is not a kind of step"
                    f"{suggestion(step, STEP_KINDS)}; use {', '.join(STEP_KINDS)} "
                    'or a step name like "grad.w1"',
                )
            else:
                found[step] = (value, key)

        for name, value in self.table("points").items():
            read((name,), value)
        return found

    def step_name_problem(self, key: tuple, step: str, steps: _StepNames, where: str) -> None:
        message = steps.problem(step)
        if message:
            self.problem(key, f"{where} names the step '{step}': {message}")

    def exam(self) -> ExamSettings:
        table = self.table("exam")
        for key in table:
            if key not in EXAM_KEYS:
                self.problem(("exam", key), f"unknown field '{key}' in [exam]{suggestion(key, EXAM_KEYS)}")
        return exam_settings(table, "[exam]", lambda key, message: self.problem(("exam", key), message))

    def training(self, inputs: dict[str, InputSpec], node_names: list[str]) -> TrainingSpec | None:
        if "training" not in self.document:
            return None
        table = self.table("training")
        for key in table:
            if key not in TRAINING_KEYS:
                self.problem(("training", key), f"unknown field '{key}' in [training]{suggestion(key, TRAINING_KEYS)}")

        def text(key: str, what: str) -> str | None:
            value = table.get(key)
            if value is not None and (not isinstance(value, str) or not value.strip()):
                self.problem(("training", key), f"'{key}' in [training] must be {what}, in quotes")
                return None
            return value

        dataset = text("dataset", 'a shipped dataset (like "iris") or the path of a CSV file')
        features, targets = text("features", "the name of an input"), text("targets", "the name of an input")
        accuracy = text("accuracy", "the name of a node")
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
        rate = table.get("learning_rate")
        if rate is not None and (_finite(rate) is None or rate <= 0):
            self.problem(("training", "learning_rate"), "'learning_rate' in [training] must be a positive number")
            rate = None
        steps = table.get("steps")
        if steps is not None and (
            isinstance(steps, bool) or not isinstance(steps, int) or not 1 <= steps <= MAX_TRAINING_STEPS
        ):
            self.problem(
                ("training", "steps"), f"'steps' in [training] must be a whole number from 1 to {MAX_TRAINING_STEPS:,}"
            )
            steps = None
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
        allowed = ("samples", "reduce", "output")
        for key in table:
            if key not in allowed:
                self.problem(("batch", key), f"unknown field '{key}' in [batch]{suggestion(key, allowed)}")
        reduce = table.get("reduce", "sum")
        if reduce not in ("sum", "mean"):
            self.problem(("batch", "reduce"), '\'reduce\' in [batch] must be "sum" or "mean"')
        total = table.get("output", "total")
        if not isinstance(total, str) or not _NAME.match(total):
            self.problem(("batch", "output"), "'output' in [batch] must be a name in quotes, like \"E\"")
            total = "total"
        elif total in inputs or total in {node.name for node in nodes}:
            self.problem(("batch", "output"), f"the batch total '{total}' has the name of an input or node")
        samples = table.get("samples")
        if not isinstance(samples, list) or not samples or not all(isinstance(sample, dict) for sample in samples):
            self.problem(
                ("batch", "samples") if "samples" in table else ("batch",),
                "[batch] needs samples = [ {x = 1, y = 2}, ... ]: a list of at least one sample",
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


def exam_settings(table: dict, where: str, problem) -> ExamSettings:
    """time_limit and feedback from a table ([exam], or an assignment's [[exercise]]); ``problem(key, message)``
    reports a bad value."""
    minutes = table.get("time_limit")
    if minutes is not None and (_finite(minutes) is None or not 0 < minutes <= MAX_EXAM_MINUTES):
        problem(
            "time_limit",
            f"'time_limit' in {where} must be a number of minutes, more than 0 "
            f"and at most {MAX_EXAM_MINUTES:,} (a week)",
        )
        minutes = None
    feedback = table.get("feedback")
    if feedback is not None and not isinstance(feedback, bool):
        problem("feedback", f"'feedback' in {where} must be true or false, without quotes")
        feedback = None
    return ExamSettings(None if minutes is None else float(minutes), feedback)


class _StepNames:
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


def sample_name(name: str, sample: int) -> str:
    return f"{name}{SAMPLE_SEPARATOR}{sample}"


def _expand_batch(
    inputs: dict[str, InputSpec], nodes: list[NodeSpec], batch: BatchSpec, batch_line: int | None
) -> tuple[dict[str, InputSpec], list[NodeSpec], str]:
    """One copy of every node per sample (z#1, z#2, ...), sharing the inputs that are not per sample."""
    expanded_inputs = dict(inputs)
    expanded_nodes: list[NodeSpec] = []
    for index, sample in enumerate(batch.samples, start=1):
        mapping = {name: sample_name(name, index) for name in [*sample, *(node.name for node in nodes)]}
        copies = {name: Name(copy) for name, copy in mapping.items()}
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


def _finite(value) -> float | None:
    """A TOML number as a finite float, or None (text, true/false, nan, inf, or too large)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _input_text(raw) -> str:
    if isinstance(raw, list):
        return "[" + ", ".join(_input_text(item) for item in raw) + "]"
    return str(raw)


def _kind(value) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
