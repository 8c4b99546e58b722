"""Answers files for ``tutor check``: TOML tables of typed answers, graded in the order a learner works the steps.

```toml
[value]
z = "14/5"
[grad]
z = "-0.0062"
[local.yhat]
z = "0.054"
```
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..engine.graph import Solution
from ..exercise.errors import ExerciseFileError, Problem
from ..exercise.loader import parse_toml
from ..exercise.reading import read_text
from ..exercise.suggestion import suggestion
from ..exercise.toml_lines import key_lines
from ..grading import KINDS, Checker, Quantity, QuantityKind, Verdict, asked_quantities, exists

if TYPE_CHECKING:
    from ..session import Session


@dataclass(frozen=True)
class TypedAnswer:
    quantity: Quantity
    text: str
    line: int | None


def read_answers_file(path: Path, solution: Solution) -> list[TypedAnswer]:
    """The typed answers in file order; every problem is reported with the file and line."""
    text = read_text(path, "answers files")
    document = parse_toml(text, path)
    lines = key_lines(text)
    answers: list[TypedAnswer] = []
    problems: list[Problem] = []

    def add(kind: str, name: str, value, key: tuple, source: str | None = None) -> None:
        line = lines.get(key)
        quantity = Quantity(QuantityKind(kind), name, source)
        if not exists(solution, quantity):
            problems.append(Problem(path, line, f"this exercise has no {quantity}{_nearest(solution, quantity)}"))
            return
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            problems.append(Problem(path, line, f'the answer for {quantity} must be text in quotes, like "-0.12"'))
            return
        answers.append(TypedAnswer(quantity, str(value), line))

    for kind, table in document.items():
        if kind not in KINDS:
            problems.append(
                Problem(
                    path,
                    lines.get((kind,)),
                    f"unknown table [{kind}]{suggestion(kind, KINDS)}; use {', '.join(f'[{k}]' for k in KINDS)}",
                )
            )
            continue
        if not isinstance(table, dict):
            problems.append(
                Problem(path, lines.get((kind,)), f"'{kind}' must be a table: write [{kind}] on its own line")
            )
            continue
        for name, value in table.items():
            if kind == QuantityKind.LOCAL:
                if not isinstance(value, dict):
                    problems.append(
                        Problem(
                            path,
                            lines.get((kind, name)),
                            f'write local derivatives as [local.{name}] then INPUT = "answer"',
                        )
                    )
                    continue
                for source, typed in value.items():
                    add(kind, name, typed, (kind, name, source), source)
            else:
                add(kind, name, value, (kind, name))
    if problems:
        raise ExerciseFileError(problems)
    return answers


def _nearest(solution: Solution, quantity: Quantity) -> str:
    everything = [str(item) for item in asked_quantities(solution)]
    everything += [f"grad.{name}" for name in solution.graph.names] + [f"value.{name}" for name in solution.graph.nodes]
    return suggestion(str(quantity), dict.fromkeys(everything))


@dataclass(frozen=True)
class TypedAnswers:
    session: Session  # the answers to asked steps, typed in; an exam is submitted
    verdicts: list[Verdict]  # every answer in the file's order; an exam's as graded at submission
    asked: list[bool]  # for each: a step of the exercise (counted), or a quantity it does not ask (never counted)

    def of(self, asked: bool) -> list[Verdict]:
        return [verdict for verdict, counted in zip(self.verdicts, self.asked) if counted == asked]


def type_answers(solution: Solution, answers: list[TypedAnswer], mode: str) -> TypedAnswers:
    """The answers typed into a fresh session of ``mode``, one try each, in the order a learner works the steps
    (whatever the file's order: an update listed before the gradients is still graded from the learner's own
    gradients), through the session's one checker, so error carried forward works as in a session; an exam is
    submitted at the end and earns partial credit as an exam does. The verdicts are listed in the file's order.
    `tutor grade` replays the same session from its transcript. An answer to a quantity the exercise does not ask
    is checked on its own checker, so it cannot change how the asked ones are graded."""
    from ..session import Session  # loaded only when answers are graded

    session = Session(solution.exercise, mode=mode)
    positions = {step.quantity: index for index, step in enumerate(session.steps)}
    asked = [answer.quantity in positions for answer in answers]
    aside = Checker(solution)
    verdicts: dict[int, Verdict] = {}
    in_step_order = sorted(range(len(answers)), key=lambda at: positions.get(answers[at].quantity, -1))
    for at in in_step_order:
        answer = answers[at]
        if asked[at]:
            session.go_to(positions[answer.quantity])
            verdicts[at] = session.answer(answer.text)
        else:
            verdicts[at] = aside.check(answer.quantity, answer.text)
    if mode == "exam":
        graded = {item.step.quantity: item.verdict for item in session.submit() if item.verdict is not None}
        verdicts = {
            at: graded.get(verdict.quantity, verdict) if asked[at] else verdict  # an unreadable one stays as read
            for at, verdict in verdicts.items()
        }
    return TypedAnswers(session, [verdicts[at] for at in range(len(answers))], asked)
