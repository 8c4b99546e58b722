"""The headless commands: Rich tables for people, ``--json`` for tools."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..engine import solve
from ..engine.formatting import format_value, to_nested_list
from ..engine.graph import Solution
from ..exercise import (
    ExerciseFileError,
    Problem,
    catalog_folder,
    catalog_names,
    load_exercise,
    resolve_exercise,
    to_text,
)
from ..exercise.assignment import is_assignment, load_assignment
from ..exercise.model import ExamSettings, Exercise
from ..exercise.shapes import describe_shape
from ..exercise.shown import visible, visible_json
from ..grading import Quantity, QuantityKind, asked_quantities, quantities
from ..grading.explain import chain_rule, forward_rule, gradient_label, right_value_text
from ..grading.hints import author_hints
from ..grading.quantities import learning_rate
from ..session.convolution import convolutions
from .answers import read_answers_file, type_answers
from .exit_codes import EXIT_OK, EXIT_UNUSABLE, EXIT_WRONG
from .tally import Tally


class _Console(Console):
    def on_broken_pipe(self) -> None:
        """`tutor solve x | head`: the reader has gone; that is not an error (Rich would exit 1)."""
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise SystemExit(0)


console = _Console(highlight=False)


def _print_json(data) -> None:
    """JSON for tools, readable (σ stays σ); an invisible character such as \u202e is written as its JSON escape."""
    print(visible_json(json.dumps(data, indent=2, ensure_ascii=False)))


def plain(text: str, style: str = "") -> Text:
    """Text from a file, shown as itself: never read as markup, control characters made visible (\\x1b)."""
    return Text(visible(text, keep="\n\t"), style=style)


# -- tutor list ---------------------------------------------------------------------------------


def command_list(arguments: argparse.Namespace) -> int:
    rows: list[dict[str, Any]] = []
    for name in catalog_names():
        exercise = load_exercise(catalog_folder() / f"{name}.toml", name)
        rows.append(
            {
                "name": name,
                "title": exercise.title,
                "tags": list(exercise.tags),
                "difficulty": exercise.difficulty,
                "size": exercise.size,
            }
        )
    if arguments.json:
        _print_json(rows)
        return EXIT_OK
    # A name is what `tutor run` takes: never cut or wrapped. The other columns wrap (a tag too long
    # for its column folds rather than losing its end), and the light box leaves them more room.
    table = Table(title="Built-in exercises", title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("name", no_wrap=True, min_width=max(len(row["name"]) for row in rows))
    table.add_column("title", overflow="fold", ratio=3)
    table.add_column("tags", overflow="fold", ratio=2)
    table.add_column("difficulty", justify="right", overflow="fold")
    table.add_column("size", justify="right")
    for row in rows:
        table.add_row(
            row["name"], plain(row["title"]), plain(", ".join(row["tags"])), "★" * row["difficulty"], str(row["size"])
        )
    console.print(table)
    console.print(
        "Size is the number of inputs and nodes. Work one with [bold]tutor run NAME[/]; "
        "see its graph with [bold]tutor show NAME[/]."
    )
    return EXIT_OK


# -- tutor show ---------------------------------------------------------------------------------


def _given(exercise: Exercise) -> dict[str, Any]:
    return {
        "name": exercise.name,
        "title": exercise.title,
        "description": exercise.description,
        "source": exercise.source,
        "tags": list(exercise.tags),
        "difficulty": exercise.difficulty,
        "inputs": {name: spec.text for name, spec in exercise.written_inputs.items()},
        "graph": {node.name: to_text(node.expression) for node in exercise.written_nodes},
        "output": exercise.batch.sample_output if exercise.batch else exercise.output,
        "params": list(exercise.params),
        "ask": list(exercise.ask),
        "questions": [
            {"id": question.id, "prompt": question.prompt, "variables": sorted(question.variables)}
            for question in exercise.questions
        ],
    }


def command_show(arguments: argparse.Namespace) -> int:
    exercise = resolve_exercise(arguments.exercise)
    solution = solve(exercise)  # also proves the exercise can be worked
    given = _given(exercise)
    if exercise.batch:
        given["batch"] = {
            "reduce": exercise.batch.reduce,
            "output": exercise.batch.output,
            "samples": [{name: text for name, (_, text) in sample.items()} for sample in exercise.batch.samples],
        }
    if exercise.update:
        given["update"] = {"learning_rate": exercise.update.learning_rate, "params": list(exercise.update.params)}
    if exercise.points:
        given["points"] = dict(exercise.points)
    if exercise.exam != ExamSettings():
        given["exam"] = {"time_limit": exercise.exam.time_limit, "feedback": exercise.exam.feedback}
    steps = asked_quantities(solution)
    given["steps"] = len(steps)
    if arguments.steps:  # the names an answers file uses, for a teacher writing one
        if arguments.json:
            _print_json([str(step) for step in steps])
        else:
            for step in steps:
                print(step)
        return EXIT_OK
    if arguments.json:
        _print_json(given)
        return EXIT_OK
    console.print(
        Text.assemble(
            plain(exercise.title, "bold"), "  ", (f"({exercise.name}, difficulty {exercise.difficulty}/5)", "dim")
        )
    )
    if exercise.description:
        from rich.markdown import Markdown  # only `show` needs it: keep the other commands quick to start

        console.print(Markdown(visible(exercise.description)))  # Markdown, never Rich markup
    if exercise.source:
        console.print(Text.assemble(("Source: ", "dim"), plain(exercise.source, "dim")))
    if exercise.written_inputs:
        inputs = Table(title="Given", title_justify="left")
        inputs.add_column("input")
        inputs.add_column("value")
        inputs.add_column("shape")
        for name, spec in exercise.written_inputs.items():
            inputs.add_row(name, plain(spec.text), describe_shape(solution.values[name].shape))
        console.print(inputs)
    if exercise.batch:
        samples = Table(
            title=f"Samples ({exercise.batch.reduce} of {exercise.batch.sample_output} over the samples "
            f"is {exercise.batch.output})",
            title_justify="left",
        )
        samples.add_column("sample")
        keys = list(exercise.batch.samples[0])
        for key in keys:
            samples.add_column(key)
        for index, sample in enumerate(exercise.batch.samples, start=1):
            samples.add_row(str(index), *(plain(sample[key][1]) for key in keys))
        console.print(samples)
    if exercise.written_nodes:
        graph = Table(title="Graph (in evaluation order)", title_justify="left")
        graph.add_column("node")
        graph.add_column("expression")
        for node in exercise.written_nodes:
            graph.add_row(node.name, to_text(node.expression))
        console.print(graph)
    if exercise.questions:
        _print_questions(exercise, with_answers=False)
    loss = exercise.output  # for a batch: the total over the samples
    asked = {
        "values": "the value of every node",
        "local_derivatives": "the local derivative on every edge",
        "gradients": f"the gradient of {loss} with respect to every node and input",
        "parameter_gradients": f"the gradient of {loss} with respect to the parameters ({', '.join(exercise.params)})",
    }
    work = [asked[item] for item in exercise.ask if item in asked]
    single = [step.label(loss) for step in steps if str(step) in exercise.ask]
    if single:
        work.append(", ".join(single))
    if exercise.update:
        work.append(
            f"then a gradient-descent step with learning rate {exercise.update.learning_rate:g} and the "
            "forward pass with the new values"
        )
    if exercise.questions:
        work.append("the formulas asked above")
    console.print("You work out: " + "; ".join(work) + f". ({given['steps']} steps)", markup=False)
    return EXIT_OK


def _print_questions(exercise: Exercise, with_answers: bool) -> None:
    """The [[questions]] of an exercise: what is asked, and with the answers, the reference formula."""
    console.print(Text("Derivations", style="italic"))
    for question in exercise.questions:
        variables = f" (in {', '.join(sorted(question.variables))})" if question.variables else ""
        console.print(Text.assemble("  ", (question.id, "bold"), variables, ": ", plain(question.prompt)))
        if with_answers:
            console.print(Text.assemble("    reference formula: ", to_text(question.answer)))


# -- tutor solve --------------------------------------------------------------------------------


def solution_json(solution: Solution) -> dict:
    exercise = solution.exercise
    nodes = {}
    for name in solution.names if solution.graph.nodes else []:  # a derivation-only exercise has no graph
        kind = "input" if name in solution.graph.inputs else "node"
        entry = {
            "kind": kind,
            "value": to_nested_list(solution.values[name]),
            "grad": to_nested_list(solution.grads[name]),
        }
        if kind == "node":
            entry["expression"] = to_text(solution.graph.nodes[name].expression)
        entry["chain_rule"] = chain_rule(solution, name).symbolic
        nodes[name] = entry
    edges = []
    for source, node in solution.edges:
        local = solution.local_derivative(node, source)
        edges.append(
            {"from": source, "to": node, "local": to_nested_list(local.value), "elementwise": local.elementwise}
        )
    data = {
        "exercise": exercise.name,
        "title": exercise.title,
        "output": solution.output,
        "nodes": nodes,
        "edges": edges,
        "questions": [
            {"id": question.id, "prompt": question.prompt, "answer": to_text(question.answer)}
            for question in exercise.questions
        ],
    }
    if found := convolutions(solution):
        data["convolutions"] = [convolution.as_json() for convolution in found]
    if solution.updated and exercise.update:
        data["update"] = {
            "learning_rate": learning_rate(solution),
            "params": {name: to_nested_list(value) for name, value in solution.updated.items()},
        }
        data["after"] = {name: to_nested_list(solution.after_values[name]) for name in solution.graph.nodes}
    return data


def command_solve(arguments: argparse.Namespace) -> int:
    solution = solve(resolve_exercise(arguments.exercise))
    if arguments.json:
        _print_json(solution_json(solution))
        return EXIT_OK
    exercise = solution.exercise
    console.print(Text.assemble(plain(exercise.title, "bold"), "  ", ("worked solution", "dim")))
    if exercise.questions:
        _print_questions(exercise, with_answers=True)
    if not solution.graph.nodes:
        return EXIT_OK
    forward = Table(title="Forward pass", title_justify="left")
    forward.add_column("node")
    forward.add_column("formula")
    forward.add_column("with numbers")
    forward.add_column("value", justify="right")
    for name in solution.graph.nodes:
        rule = forward_rule(solution, name)
        forward.add_row(name, rule.symbolic, rule.numeric, rule.result)
    console.print(forward)
    local = Table(title="Local derivatives (one per edge)", title_justify="left")
    local.add_column("edge")
    local.add_column("value", justify="right")
    for source, node in solution.edges:
        derivative = solution.local_derivative(node, source)
        note = " (elementwise)" if derivative.elementwise else ""
        local.add_row(f"∂{node}/∂{source}{note}", format_value(derivative.value))
    console.print(local)
    for convolution in convolutions(solution):
        console.print(Text("Which kernel entries touch which input entries", style="italic"))
        for view in (convolution.by_output, convolution.by_input, convolution.by_kernel):
            console.print(plain("\n".join(view(console.width))), no_wrap=True, overflow="ignore")
    backward = Table(title=f"Backward pass: gradients of {solution.output}", title_justify="left")
    backward.add_column("chain rule")
    backward.add_column("with numbers")
    backward.add_column("gradient", justify="right")
    for name in [*reversed(solution.graph.nodes), *reversed(solution.graph.inputs)]:
        chain = chain_rule(solution, name)
        backward.add_row(chain.symbolic, chain.numeric, chain.result)
    console.print(backward)
    if solution.updated:
        rate = learning_rate(solution)
        update = Table(title=f"Gradient-descent step (learning rate {rate:g})", title_justify="left")
        update.add_column("parameter")
        update.add_column("new value", justify="right")
        for name, value in solution.updated.items():
            update.add_row(
                f"{name} - {rate:g}·{gradient_label(solution, name)}",
                right_value_text(solution, Quantity(QuantityKind.UPDATE, name), value),
            )
        console.print(update)
        after = Table(title="Forward pass with the new values", title_justify="left")
        after.add_column("node")
        after.add_column("before", justify="right")
        after.add_column("after", justify="right")
        for name in solution.graph.nodes:
            after.add_row(
                name,
                format_value(solution.values[name]),
                right_value_text(solution, Quantity(QuantityKind.AFTER, name), solution.after_values[name]),
            )
        console.print(after)
    return EXIT_OK


# -- tutor hint ---------------------------------------------------------------------------------


def command_hint(arguments: argparse.Namespace) -> int:
    """One rung of a step's hint ladder, the same ladder F2 climbs in the tutor, for working on paper."""
    from ..exercise.suggestion import suggestion
    from ..grading.hints import hint_ladder  # loaded only by hint

    exercise = resolve_exercise(arguments.exercise)
    solution = solve(exercise)
    steps = [str(quantity) for quantity in asked_quantities(solution)]

    def refuse(message: str) -> ExerciseFileError:
        return ExerciseFileError([Problem(exercise.path, None, message)])

    try:
        quantity = Quantity.parse(arguments.quantity)
    except ValueError as error:
        raise refuse(str(error)) from None
    if str(quantity) not in steps:
        raise refuse(
            f"'{arguments.quantity}' is not a step of this exercise{suggestion(str(quantity), steps)}; "
            "`tutor show EXERCISE --steps` lists them"
        )
    ladder = hint_ladder(solution, quantity)
    if not 1 <= arguments.rung <= len(ladder):
        raise refuse(f"--rung {arguments.rung}: {quantity} has hints 1 to {len(ladder)} (the last is the answer)")
    text = ladder[arguments.rung - 1]
    last = arguments.rung == len(ladder)
    if arguments.json:
        _print_json(
            {
                "exercise": exercise.name,
                "quantity": str(quantity),
                "label": quantity.label(solution.output),
                "rung": arguments.rung,
                "rungs": len(ladder),
                "answer": last,  # the last rung is the worked answer
                "hint": text,
            }
        )
        return EXIT_OK
    label = quantity.label(solution.output)
    console.print(Text.assemble((f"Hint {arguments.rung} of {len(ladder)} for ", "bold"), plain(label, "bold")))
    console.print(plain(text))
    if last:
        console.print("(This last rung is the answer.)", style="dim")
    else:
        console.print(plain(f"--rung {arguments.rung + 1} for a more specific one."), style="dim")
    return EXIT_OK


# -- tutor check --------------------------------------------------------------------------------


def command_check(arguments: argparse.Namespace, exercise: Exercise | None = None) -> int:
    """`tutor check`; ``exercise`` when it is loaded already (an assignment's, with its settings and points)."""
    from ..session.transcript import build_transcript, write_transcript  # loaded only by check

    solution = solve(exercise if exercise is not None else resolve_exercise(arguments.exercise))
    answers = read_answers_file(arguments.answers, solution)
    if not answers:
        raise ExerciseFileError(
            [Problem(arguments.answers, None, "the answers file has no answers: add a [value] or [grad] table")]
        )
    typed = type_answers(solution, answers, arguments.mode)
    transcript = build_transcript(typed.session, arguments.learner)
    transcript["origin"] = f"tutor check {arguments.answers}"
    if arguments.transcript:
        form = {".md": "md", ".html": "html", ".htm": "html"}.get(arguments.transcript.suffix.lower(), "json")
        write_transcript(transcript, solution, form, arguments.transcript)
    recorded = _record(typed.session, arguments.learner) if arguments.record else None
    tally = Tally.of(transcript)
    credits = {item["quantity"]: item["credit"] for item in transcript["items"]}
    if arguments.json:
        _print_json(
            {
                "exercise": solution.exercise.name,
                "mode": arguments.mode,
                **({"recorded": str(recorded)} if recorded else {}),
                "score": {"correct": tally.answered_right, "total": tally.answered, **tally.fields()},
                "items": [
                    {
                        **_verdict_json(solution, verdict, arguments.reveal),
                        "asked": asked,
                        "credit": credits[str(verdict.quantity)] if asked else 0,
                    }
                    for verdict, asked in zip(typed.verdicts, typed.asked)
                ],
            }
        )
    else:
        title = Text.assemble(plain(solution.exercise.title), ": your answers")
        console.print(_verdict_table(solution, title, typed.of(asked=True), arguments.reveal))
        if not all(typed.asked):
            console.print(
                _verdict_table(
                    solution, Text("Not asked by this exercise (not counted)"), typed.of(asked=False), arguments.reveal
                )
            )
        console.print(f"Score: [bold]{tally.line()}[/]" + (" (as an exam)" if arguments.mode == "exam" else ""))
        if arguments.transcript:
            console.print(plain(f"Transcript written to {arguments.transcript}{whose(transcript, arguments.learner)}"))
        if recorded:
            console.print(
                plain(f"Recorded as an attempt of {transcript['learner']} (`tutor progress`): {recorded}"),
                soft_wrap=True,
            )
    return EXIT_OK if tally.complete else EXIT_WRONG


def whose(transcript: dict, given: str | None) -> str:
    """Whose a saved transcript says it is, for the learner to see before handing it in; their login name,
    when they never gave one, is said to be that (a teacher's roster rarely knows it)."""
    from ..session import ProgressStore

    if given is None and ProgressStore().stored_learner() is None:
        return f", as {transcript['learner']} (your login name: give your name or student ID with --learner NAME)"
    return f", as {transcript['learner']}"


def _record(session, learner: str | None) -> Path:
    """`tutor check --record`: the graded answers kept as an attempt of the learner, for their model."""
    from ..session import ProgressStore
    from ..session.learners import LearnerStore

    store = ProgressStore()
    return LearnerStore(store).record(session, learner or store.learner_name())


def _verdict_json(solution: Solution, verdict, reveal: bool) -> dict:
    """One answer's verdict; the right value (``expected``, and in ``message``) only when ``reveal``."""
    found = {
        "quantity": str(verdict.quantity),
        "answer": verdict.answer,
        "read_as": verdict.read_as,
        "verdict": verdict.verdict,
        "readable": verdict.readable,
        "carried_forward": verdict.carried_forward,
        "diagnosis": verdict.diagnosis,
        "message": verdict.revealed_message if reveal else verdict.message,
        "notes": list(verdict.notes),
    }
    if reveal:
        found["expected"] = (
            expected_text(solution, verdict)
            if verdict.quantity.kind == QuantityKind.FORMULA
            else to_nested_list(verdict.expected)
        )
    return found


def _verdict_table(solution: Solution, title: Text, verdicts: list, reveal: bool) -> Table:
    """The verdicts as a table; the "right value" column only when ``reveal``."""
    table = Table(title=title, title_justify="left")
    for column in ("quantity", "your answer", "verdict", "right value", "message"):
        if column != "right value" or reveal:
            table.add_column(column)
    for verdict in verdicts:
        mark = Text("✓ correct", style="green") if verdict.correct else Text("✗ wrong", style="red")
        message = (verdict.revealed_message if reveal else verdict.message) + "".join(
            f" ({note})" for note in verdict.notes
        )
        right = [
            expected_text(solution, verdict)
            if verdict.quantity.kind == QuantityKind.FORMULA
            else right_value_text(solution, verdict.quantity, verdict.expected)
        ]
        row = [
            verdict.quantity.label(solution.output),
            plain(verdict.answer),
            mark,
            *(right if reveal else []),
            plain(message),
        ]
        table.add_row(*row)
    return table


def expected_text(solution: Solution, verdict) -> str:
    """A formula question's right answer is its formula."""
    asked = quantities.question(solution, verdict.quantity)
    return to_text(asked.answer)


# -- tutor validate -----------------------------------------------------------------------------


def command_validate(arguments: argparse.Namespace) -> int:
    results: list[dict[str, Any]] = []
    for path in arguments.files:
        try:
            if is_assignment(str(path)):  # its own fields, then each of its exercises as one file
                solutions = [solve(item.exercise) for item in load_assignment(path).exercises]
            else:
                solutions = [solve(load_exercise(path))]
            for solution in solutions:
                asked_quantities(solution)
            warnings = [
                {"line": warning.line, "message": warning.message, "text": str(warning)}
                for solution in solutions
                for warning in _warnings(solution)
            ]
            results.append({"file": str(path), "ok": True, "problems": [], "warnings": warnings})
        except ExerciseFileError as error:
            results.append(
                {
                    "file": str(path),
                    "ok": False,
                    "problems": [
                        {"line": problem.line, "message": problem.message, "text": str(problem)}
                        for problem in error.problems
                    ],
                    "warnings": [],
                }
            )
    if arguments.json:
        _print_json(results)
    else:
        for result in results:
            if result["ok"]:
                console.print(Text.assemble(("ok", "green"), "  ", plain(result["file"])))
            for warning in result["warnings"]:
                print(warning["text"])
            for problem in result["problems"]:
                print(problem["text"])
        bad = sum(not result["ok"] for result in results)
        console.print(f"{len(results) - bad} of {len(results)} files are valid.")
    return EXIT_OK if all(result["ok"] for result in results) else EXIT_UNUSABLE


def _warnings(solution: Solution) -> list[Problem]:
    """What is allowed but probably a mistake: a hand-written [update] after which the loss rises, points for
    steps that are not asked, hints that no asked step shows."""
    exercise = solution.exercise
    warnings = []
    asked = [str(quantity) for quantity in asked_quantities(solution)]
    kinds = {name.split(".")[0] for name in asked}
    for key in exercise.points:
        if key not in (asked if "." in key else kinds):
            what = "the step" if "." in key else "steps of the kind"
            warnings.append(
                Problem(
                    exercise.path,
                    exercise.points_line,
                    f"warning: [points] gives points to {what} '{key}', but the exercise does not "
                    "ask for any: see `tutor show --steps`",
                )
            )
    hinted = {
        quantity.name.split("#", 1)[0] for quantity in asked_quantities(solution) if author_hints(solution, quantity)
    }
    for name in exercise.hints:
        if name not in hinted:
            warnings.append(
                Problem(
                    exercise.path,
                    None,
                    f"warning: the [hints] for '{name}' are never shown: the exercise asks no step of '{name}' that "
                    "takes them (a node's go on its value step, or on its gradient step when they speak of "
                    "derivatives; an input's on its gradient step)",
                )
            )
    if solution.updated and exercise.update is not None:
        before, after = float(solution.values[solution.output]), float(solution.after_values[solution.output])
        if after > before:
            warnings.append(
                Problem(
                    exercise.path,
                    exercise.update.line,
                    f"warning: the loss {solution.output} rises after the [update] step, from {format_value(before)} "
                    f"to {format_value(after)}: the learning rate {exercise.update.learning_rate:g} may be too large",
                )
            )
    return warnings
