"""The ``tutor`` command. Headless commands never import Textual, so they start fast.

Exit codes: 0 success (all answers correct), 1 some answer wrong, 2 unusable input.
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import math
import os
import sys
from collections.abc import Callable
from pathlib import Path

from .. import __version__
from .exit_codes import EXIT_OK, EXIT_UNUSABLE, EXIT_WRONG

EXERCISE_HELP = "a catalog name from `tutor list` or the path of a .toml file (see the examples)"
LEARNER_HELP = "your name in the transcripts; remembered for next time (the tutor asks on first use otherwise)"
LEARNER_MODEL_HELP = "whose progress (default: the name the tutor remembers, else your user name)"


def minutes_argument(text: str) -> float:
    """--time-limit MINUTES: more than 0 and at most a week, as in an exercise's [exam]; else argparse's message."""
    from ..exercise.schema import MAX_EXAM_MINUTES

    try:
        minutes = float(text)
    except ValueError:
        minutes = math.nan
    if not 0 < minutes <= MAX_EXAM_MINUTES:  # also false for nan
        raise argparse.ArgumentTypeError(f"must be a number of minutes, more than 0 and at most {MAX_EXAM_MINUTES:,}")
    return minutes


def learner_argument(text: str) -> str:
    """--learner NAME: a name a person could have, else argparse's clear message (exit 2)."""
    from ..session.store import checked_learner

    try:
        return checked_learner(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def dataset_argument(text: str) -> str:
    """--dataset NAME|FILE: not empty (an empty name would quietly mean the exercise's own numbers)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("give a shipped dataset (xor, iris) or the path of a CSV file")
    return text


KEY_ENVIRONMENT = "BACKPROP_TUTOR_KEY_FILE"


def key_argument(text: str) -> bytes:
    """--key FILE: the teacher's key, read once; argparse's clear message (exit 2) when it cannot be one."""
    from ..session.transcript import read_key

    try:
        return read_key(Path(text))
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def add_key_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--key",
        metavar="FILE",
        type=key_argument,
        default=os.environ.get(KEY_ENVIRONMENT) or None,  # argparse reads a default string through the type
        help=f"{what} (default: the file named by ${KEY_ENVIRONMENT}); see docs/transcript-format.md",
    )


def _command(commands, name: str, summary: str, examples: str, **options) -> argparse.ArgumentParser:
    """A subcommand whose --help starts with what it does and ends with example command lines."""
    return commands.add_parser(
        name,
        help=summary,
        description=summary[0].upper() + summary[1:] + ".",
        epilog="Examples:\n" + examples,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        **options,
    )


def build_parser() -> argparse.ArgumentParser:
    from ..exercise.skills import Skill

    parser = argparse.ArgumentParser(
        prog="tutor",
        description="Learn backpropagation by working it out by hand, node by node.",
        epilog="EXERCISE is a catalog name (see `tutor list`) or the path of a .toml file.\n"
        "`tutor COMMAND --help` explains a command, with examples.\n\n"
        "Examples:\n"
        "  tutor                           the catalog of built-in exercises\n"
        "  tutor run sigmoid-neuron-mse    work one exercise",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"backprop-tutor {__version__}")
    parser.add_argument("--light", action="store_true", help="use the light theme")
    # `tutor run X --light` as well as `tutor --light run X`: SUPPRESS keeps the subcommand's
    # default from overwriting a --light given before it.
    theme = argparse.ArgumentParser(add_help=False)
    theme.add_argument("--light", action="store_true", default=argparse.SUPPRESS, help="use the light theme")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = _command(
        commands,
        "run",
        "work an exercise in the tutor (practice: hints, reveal, retries)",
        "  tutor run sigmoid-neuron-mse                      a built-in exercise\n"
        '  tutor run my-graph.toml --learner "Ada Lovelace"  your own file, your name in its transcripts\n',
        parents=[theme],
    )
    run.add_argument("exercise", metavar="EXERCISE", help=EXERCISE_HELP)
    run.add_argument("--learner", metavar="NAME", type=learner_argument, help=LEARNER_HELP)

    practice = _command(
        commands,
        "practice",
        'work the exercise recommended for your weakest skill: the catalog\'s "Practise next"',
        "  tutor practice                 the next exercise for you\n"
        "  tutor practice --learner Ada   the next exercise for Ada, who is remembered as the learner\n",
        parents=[theme],
    )
    practice.add_argument("--learner", metavar="NAME", type=learner_argument, help=LEARNER_HELP)

    exam = _command(
        commands,
        "exam",
        "work an exercise as a self-graded exam: no hints, graded at the end",
        "  tutor exam network-3-2-1-sigmoid --time-limit 30        30 minutes, then it is submitted\n"
        "  tutor exam sigmoid-neuron-mse --feedback --learner Ada  right or wrong after each answer\n",
        parents=[theme],
    )
    exam.add_argument("exercise", metavar="EXERCISE", help=EXERCISE_HELP)
    exam.add_argument(
        "--feedback",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="say right or wrong (never the answer) after each answer (default: the exercise's [exam])",
    )
    exam.add_argument(
        "--time-limit",
        type=minutes_argument,
        metavar="MINUTES",
        help="a countdown; the exam is submitted at zero (default: the exercise's [exam])",
    )
    exam.add_argument("--learner", metavar="NAME", type=learner_argument, help=LEARNER_HELP)
    add_key_option(exam, "sign the transcripts saved with F6 with the teacher's key, for `tutor grade --key`")

    listing = _command(
        commands,
        "list",
        "the built-in exercises: name, title, tags, difficulty, size",
        "  tutor list           a table; the names are what `tutor run` takes\n"
        "  tutor list --json    the same for tools\n",
    )
    listing.add_argument("--json", action="store_true", help="print JSON for tools")

    show = _command(
        commands,
        "show",
        "what the learner is given: inputs and graph, no answers",
        "  tutor show sigmoid-neuron-mse\n  tutor show my-graph.toml --json\n",
    )
    show.add_argument("exercise", metavar="EXERCISE", help=EXERCISE_HELP)
    show.add_argument("--json", action="store_true", help="print JSON for tools")
    show.add_argument(
        "--steps",
        action="store_true",
        help="list the step names an answers file uses (value.z, grad.w1, ...), one per line",
    )

    solve = _command(
        commands,
        "solve",
        "the worked solution: every value, local derivative and gradient",
        "  tutor solve sigmoid-neuron-mse\n  tutor solve network-3-2-1-sigmoid --json\n",
    )
    solve.add_argument("exercise", metavar="EXERCISE", help=EXERCISE_HELP)
    solve.add_argument("--json", action="store_true", help="print JSON for tools")

    hint = _command(
        commands,
        "hint",
        "one rung of a step's hint ladder, as the tutor's F2 shows it (the last rung is the answer)",
        "  tutor hint sigmoid-neuron-mse grad.z\n"
        "  tutor hint sigmoid-neuron-mse local.yhat.z --rung 2\n"
        "  tutor hint network-3-2-1-sigmoid update.W3 --rung 3 --json\n",
    )
    hint.add_argument("exercise", metavar="EXERCISE", help=EXERCISE_HELP)
    hint.add_argument(
        "quantity",
        metavar="QUANTITY",
        help="the step, named as in answers files: value.z, grad.w1, local.z.w1, update.w1, after.L, formula.ID "
        "(`tutor show EXERCISE --steps` lists them)",
    )
    hint.add_argument(
        "--rung", type=int, default=1, metavar="N", help="which hint, from 1 (the most general, default) to the last"
    )
    hint.add_argument("--json", action="store_true", help="print JSON for tools")

    check = _command(
        commands,
        "check",
        "grade a file of typed answers (exit 0 all correct, 1 any wrong, 2 unusable)",
        "  tutor check sigmoid-neuron-mse answers.toml\n"
        '  tutor check sigmoid-neuron-mse answers.toml --transcript ada.json --learner "Ada Lovelace"\n'
        "  tutor check sigmoid-neuron-mse answers.toml --reveal\n",
    )
    check.add_argument("exercise", metavar="EXERCISE", help=EXERCISE_HELP)
    check.add_argument(
        "answers",
        metavar="ANSWERS",
        type=Path,
        help="TOML with [value] and [grad] tables of typed answers (also [local.NODE], [update], "
        "[after]); for an assignment, a folder with one NAME.toml per exercise",
    )
    check.add_argument("--json", action="store_true", help="print JSON for tools")
    check.add_argument(
        "--transcript",
        type=Path,
        metavar="FILE",
        help="also write a JSON transcript (.md or .html by the file's extension)",
    )
    check.add_argument(
        "--learner",
        metavar="NAME",
        type=learner_argument,
        help="the learner's name in the transcript and of a --record attempt (default: the name the tutor "
        "remembers, else your user name)",
    )
    check.add_argument(
        "--mode",
        choices=("practice", "exam"),
        default="practice",
        help="score as practice (one try each, default) or as an exam (partial credit per element)",
    )
    check.add_argument(
        "--reveal",
        action="store_true",
        help="also state the right value of every answer (without it, a wrong answer gets what is wrong and where "
        "to look, never the right value)",
    )
    check.add_argument(
        "--record",
        action="store_true",
        help="keep the graded answers as an attempt of the learner (--learner, else the remembered name): "
        "`tutor progress` counts them",
    )

    progress = _command(
        commands,
        "progress",
        "your mastery of each skill and what to practise next; with --class, a class's report (for teachers)",
        "  tutor progress                       your skills, and the exercise to work next\n"
        "  tutor progress --learner Ada --json\n"
        "  tutor progress --class submissions/*.json --csv class.csv\n",
    )
    progress.add_argument("--learner", metavar="NAME", type=learner_argument, help=LEARNER_MODEL_HELP)
    progress.add_argument("--json", action="store_true", help="print JSON for tools")
    progress.add_argument(
        "--class",
        dest="transcripts",
        metavar="TRANSCRIPT",
        nargs="+",
        type=Path,
        help="JSON transcripts of a class: per skill the share of learners below mastery, the common mistakes",
    )
    progress.add_argument("--csv", type=Path, metavar="FILE", help="with --class: also write the report as CSV")

    sessions = _command(
        commands,
        "sessions",
        "the saved sessions (practice and exams)",
        "  tutor sessions           the exercise, mode, progress, score and file of each\n  tutor sessions --json\n",
    )
    sessions.add_argument("--json", action="store_true", help="print JSON for tools")

    export = _command(
        commands,
        "export",
        "a session's transcript as Markdown, JSON or HTML",
        "  tutor export sigmoid-neuron-mse                      the latest session, as Markdown\n"
        "  tutor export sigmoid-neuron-mse --mode exam --format html -o exam.html\n",
    )
    export.add_argument(
        "session",
        metavar="SESSION",
        help="a saved session's file (see `tutor sessions`), or an exercise name (its latest)",
    )
    export.add_argument(
        "--mode",
        choices=("practice", "exam"),
        help="with an exercise name: its latest session in this mode (default: of either)",
    )
    export.add_argument(
        "--format",
        choices=("md", "json", "html"),
        default="md",
        help="md (default) and html to read, json for `tutor grade`",
    )
    export.add_argument(
        "-o", "--output", type=Path, metavar="FILE", help="write to FILE instead of printing (- prints)"
    )
    export.add_argument(
        "--learner",
        metavar="NAME",
        type=learner_argument,
        help="the learner's name in the transcript (default: the name the tutor remembers, else your user name)",
    )

    grade = _command(
        commands,
        "grade",
        "re-grade transcripts and collect the results (for teachers)",
        "  tutor grade submissions/*.json\n"
        "  tutor grade submissions/*.json --csv results.csv --gradescope results.json\n",
    )
    grade.add_argument(
        "transcripts",
        metavar="TRANSCRIPT",
        nargs="+",
        type=Path,
        help="JSON transcripts (`tutor export --format json`, or the F6 key in the tutor)",
    )
    grade.add_argument("--csv", type=Path, metavar="FILE", help="write a table of results as CSV")
    grade.add_argument(
        "--gradescope",
        type=Path,
        metavar="PATH",
        help="write Gradescope's results.json: PATH for one learner, PATH/LEARNER/results.json for several",
    )
    grade.add_argument("--json", action="store_true", help="print JSON for tools")
    grade.add_argument(
        "--assignment",
        type=Path,
        metavar="FILE",
        help="grade an assignment: one grade per student, weighted by the exercises' points",
    )
    grade.add_argument(
        "--roster",
        type=Path,
        metavar="CSV",
        help="with --assignment: the students (a 'learner' column); missing ones are listed",
    )
    grade.add_argument(
        "--exercises",
        type=Path,
        metavar="DIR",
        action="append",
        help="grade against the teacher's exercises in DIR (by fingerprint, else name); repeatable",
    )
    grade.add_argument(
        "--exercise",
        type=Path,
        metavar="FILE",
        action="append",
        help="grade against this teacher's exercise file; repeatable",
    )
    add_key_option(grade, "check each transcript's signature with the teacher's key: any edit is reported")
    grade.add_argument(
        "--best",
        action="store_true",
        help="a learner's repeated transcripts of an exercise: count the best (default: the latest)",
    )

    gradescope = _command(
        commands,
        "gradescope",
        "build a Gradescope autograder archive for exercises",
        "  tutor gradescope sigmoid-neuron-mse network-3-2-1-sigmoid -o autograder.zip\n"
        "  tutor gradescope midterm.toml --mode exam --package dist/backprop_tutor-0.1.0-py3-none-any.whl\n"
        "  tutor gradescope homework-3.toml -o autograder.zip      an assignment: each exercise worth its points\n",
    )
    gradescope.add_argument(
        "exercises",
        metavar="EXERCISE",
        nargs="+",
        help="the exercises a submission is graded against, each "
        + EXERCISE_HELP
        + "; or one assignment file: its exercises, each worth its points",
    )
    gradescope.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="FILE",
        default=Path("autograder.zip"),
        help="the archive to write (default autograder.zip)",
    )
    gradescope.add_argument(
        "--mode",
        choices=("practice", "exam"),
        default="practice",
        help="how a submitted answers file is scored (transcripts keep their own mode)",
    )
    gradescope.add_argument(
        "--best",
        action="store_true",
        help="of several transcripts of an exercise submitted, count the best (default: latest)",
    )
    gradescope.add_argument(
        "--package",
        type=Path,
        metavar="FILE",
        help="bundle this wheel or sdist of backprop-tutor and install it (default: a wheel of this tutor)",
    )
    gradescope.add_argument(
        "--requirement", metavar="SPEC", help="install this from PyPI instead (default: a wheel of this tutor, bundled)"
    )

    train = _command(
        commands,
        "train",
        "run gradient descent on an exercise and print the loss after every step",
        "  tutor train xor-mlp                         1,000 steps on XOR\n"
        "  tutor train iris-mlp --steps 200 --lr 0.1\n"
        "  tutor train network-3-2-1-sigmoid --steps 1 --json\n",
    )
    train.add_argument("exercise", metavar="EXERCISE", help=EXERCISE_HELP)
    train.add_argument("--steps", type=int, metavar="N", help="how many updates (default: the exercise's, else 100)")
    train.add_argument("--lr", type=float, metavar="X", help="the learning rate (default: the exercise's)")
    train.add_argument("--params", metavar="NAME,NAME...", help="the parameters to train (default: the exercise's)")
    train.add_argument(
        "--dataset",
        type=dataset_argument,
        metavar="NAME|FILE",
        help="train on a dataset (xor, iris or a CSV file) instead of the exercise's own numbers",
    )
    train.add_argument("--json", action="store_true", help="print JSON for tools")

    generate = _command(
        commands,
        "generate",
        "write a fresh exercise: an expression graph, an MLP, a convolution, attention, an RNN, max pooling, batch or "
        "layer norm, or one that practises a skill",
        "  tutor generate expression --seed 7 --depth 4 -o mine.toml\n"
        "  tutor generate mlp --shape 2,3,1 --dataset xor --seed 7\n"
        "  tutor generate conv --stride 2 --padding 1\n"
        "  tutor generate pool --size 2\n"
        "  tutor generate norm --kind batch --decomposed\n"
        "  tutor generate --skill fan-out --seed 7\n",
    )
    generate.add_argument(
        "generator",  # not "kind": norm's --kind is an option of its own
        nargs="?",
        choices=("expression", "mlp", "conv", "attention", "rnn", "pool", "norm"),  # tutor.generate's KINDS
        metavar="KIND",
        help="expression, mlp, conv, attention, rnn, pool or norm (or give --skill)",
    )
    generate.add_argument(
        "--skill",
        metavar="SKILL",
        help=f"instead of KIND: an exercise that practises SKILL, one of {', '.join(Skill)} "
        "(takes --seed, --activation, -o and --force)",
    )
    generate.add_argument("--seed", type=int, help="the same seed gives the same exercise on every machine")
    generate.add_argument(
        "-o", "--output", type=Path, metavar="FILE", help="write to FILE instead of printing (- prints)"
    )
    generate.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    generate.add_argument(
        "--depth", type=int, metavar="N", help="expression: the longest chain of nodes, 2 to 6 (default 3)"
    )
    generate.add_argument(
        "--variables", type=int, metavar="N", help="expression: how many inputs, 1 to 4 (default 2 or 3)"
    )
    generate.add_argument(
        "--functions",
        metavar="F,F...",
        help="expression: the operations to use, from + - * / ^2 sigmoid tanh exp log relu (default all) "
        "and the other activations of docs/exercise-format.md",
    )
    generate.add_argument(
        "--fan-out",
        action="store_true",
        default=None,  # None when not given, so that mlp can refuse it like the other expression options
        help="expression: at least one value feeds two nodes, so its gradient adds up two paths",
    )
    generate.add_argument(
        "--shape", metavar="D,H,...,K", help="mlp: layer sizes from input to output, 1 to 6 each (default 2,3,1)"
    )
    generate.add_argument(
        "--activation",
        metavar="NAME",
        help="mlp: sigmoid (default), tanh, relu, leaky_relu or another activation of docs/exercise-format.md",
    )
    generate.add_argument(
        "--loss",
        metavar="NAME",
        help="mlp: mse (default), cross_entropy (softmax, 2+ outputs) or binary_cross_entropy (1 output)",
    )
    generate.add_argument(
        "--samples", type=int, metavar="N", help="mlp: 1 (default) for one sample x, 2 to 6 for a batch X"
    )
    generate.add_argument(
        "--dataset", metavar="NAME", help="mlp: show real rows of xor or iris and add a [training] table"
    )
    generate.add_argument(
        "--size",
        type=int,
        metavar="N",
        help="conv: the input is NxN, 3 (default) or 4; pool: the windows are NxN, 2 (default) or 3",
    )
    generate.add_argument("--stride", type=int, metavar="N", help="conv: the kernel's step, 1 (default) or 2")
    generate.add_argument(
        "--padding", type=int, metavar="N", help="conv: a border of N zeros around the input, 0 (default) or 1"
    )
    generate.add_argument("--mask", metavar="NAME", help="attention: causal (default) or none")
    generate.add_argument("--steps", type=int, metavar="N", help="rnn: the steps unrolled in time, 2 (default) or 3")
    generate.add_argument("--hidden", type=int, metavar="N", help="rnn: hidden units, 1 or 2 (default)")
    generate.add_argument(
        "--kind", metavar="NAME", help="norm: batch (default, column by column) or layer (row by row)"
    )
    generate.add_argument(
        "--decomposed",
        action="store_true",
        default=None,  # None when not given, so that other kinds can refuse it
        help="norm: mean, var, sqrt and divide nodes instead of one batchnorm or layernorm node",
    )
    generate.add_argument(
        "--ask",
        metavar="WHAT,...",
        help="what the learner works out: values, local_derivatives, gradients, parameter_gradients",
    )

    validate = _command(
        commands,
        "validate",
        "check exercise files, listing every problem with its line",
        "  tutor validate my-graph.toml\n  tutor validate exercises/*.toml --json\n",
    )
    validate.add_argument("files", metavar="FILE", nargs="+", type=Path, help="exercise or assignment files (.toml)")
    validate.add_argument("--json", action="store_true", help="print JSON for tools")
    return parser


@functools.lru_cache(maxsize=4)
def _parser(key_default: str | None) -> argparse.ArgumentParser:
    """build_parser(), built once per process for each default of --key (the one default it reads from the
    environment): it takes about 10 ms, and tests and the autograder call main() many times."""
    return build_parser()


def main(argv: list[str] | None = None) -> int:
    parser = _parser(os.environ.get(KEY_ENVIRONMENT) or None)
    arguments = parser.parse_args(argv)
    try:
        return _dispatch(parser, arguments)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `tutor solve x | head`: the reader left, nothing more to say
        sys.stderr.close()
        return EXIT_OK
    except OSError as error:  # a file the command writes or reads that the system refuses: say which, and why
        from ..exercise.shown import visible

        file = error.filename2 if error.filename2 is not None else error.filename  # os.replace: the destination
        where = f"{file}: " if file is not None else ""
        print(visible(f"tutor: {where}{error.strerror or error}"), file=sys.stderr)
        return EXIT_UNUSABLE
    except Exception as error:  # noqa: BLE001 - the promise is: no traceback ever reaches a user
        from ..exercise.shown import visible

        print(
            visible(
                f"tutor: internal error: {type(error).__name__}: {error}. Please report this with the command you ran."
            ),
            file=sys.stderr,
        )
        return EXIT_UNUSABLE


def _dispatch(parser: argparse.ArgumentParser, arguments: argparse.Namespace) -> int:
    from ..exercise import ExerciseFileError
    from ..session.saving import SaveError

    if arguments.command in (None, "run", "exam", "practice"):
        return _tutor(arguments)
    if arguments.command == "grade" and arguments.roster and not arguments.assignment:
        parser.error("--roster goes with --assignment FILE")
    if arguments.command == "grade" and arguments.assignment and (arguments.exercises or arguments.exercise):
        parser.error("--exercises and --exercise do not go with --assignment: its own exercises grade its transcripts")
    if arguments.command == "progress" and arguments.csv and not arguments.transcripts:
        parser.error("--csv goes with --class TRANSCRIPT...")
    if arguments.command == "progress" and arguments.learner and arguments.transcripts:
        parser.error("--learner and --class do not go together: a class's transcripts name their learners")
    if arguments.command == "check" and arguments.record and _for_assignment(arguments):
        parser.error("--record records one exercise's answers file: check each exercise of the assignment")
    if getattr(arguments, "output", None) == Path("-") and arguments.command in ("export", "generate"):
        arguments.output = None  # `-o -`: standard output, as without -o
    handler = _handler(arguments)
    try:
        return handler(arguments)
    except SaveError as error:  # the message names the file and says why
        print(f"tutor {arguments.command}: {error}", file=sys.stderr)
        return EXIT_UNUSABLE
    except ExerciseFileError as error:
        if getattr(arguments, "json", False):
            print(
                json.dumps(
                    {
                        "error": "unusable input",
                        "problems": [
                            {
                                "file": str(problem.path) if problem.path else None,
                                "line": problem.line,
                                "message": problem.message,
                            }
                            for problem in error.problems
                        ],
                    },
                    indent=2,
                )
            )
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return EXIT_UNUSABLE


def _handler(arguments: argparse.Namespace) -> Callable[[argparse.Namespace], int]:
    """The command's function, from the one module of tutor/cli/ it needs: the others are never imported, so that
    each command starts fast."""
    name = f"command_{arguments.command}"
    if _for_assignment(arguments):
        from . import assignment

        return getattr(assignment, name + "_assignment")
    if arguments.command in ("sessions", "export", "grade"):
        from . import transcripts

        return getattr(transcripts, name)
    if arguments.command == "progress":
        from . import progress

        return getattr(progress, name)
    if arguments.command == "train":
        from . import training

        return getattr(training, name)
    if arguments.command == "generate":
        from . import generating

        return getattr(generating, name)
    if arguments.command == "gradescope":
        from . import gradescope

        return getattr(gradescope, name)
    from . import commands

    return getattr(commands, name)


def _for_assignment(arguments: argparse.Namespace) -> bool:
    """`tutor check ASSIGNMENT FOLDER` and `tutor grade --assignment FILE` (docs/assignments.md)."""
    from ..exercise.assignment import is_assignment

    if arguments.command == "grade":
        return arguments.assignment is not None
    return arguments.command == "check" and is_assignment(arguments.exercise)


def _tutor(arguments: argparse.Namespace) -> int:
    """Open the Textual tutor: the catalog, or one exercise. Textual is imported only here."""
    from ..exercise import ExerciseFileError, resolve_exercise
    from ..exercise.assignment import is_assignment
    from ..exercise.shown import visible

    reference = getattr(arguments, "exercise", None)
    if arguments.command == "practice":
        reference = _recommended(arguments.learner)
    exercise = None
    if reference is not None:
        try:  # a bad file is reported here, before the screen takes over
            if is_assignment(reference):  # its first exercise not finished yet
                from .assignment import next_exercise

                mode = "exam" if arguments.command == "exam" else "practice"
                assignment, exercise = next_exercise(reference, mode)
                if exercise is None:
                    print(
                        visible(
                            f"Every exercise of '{assignment.title}' is finished in {mode} mode: "
                            "`tutor sessions` lists them."
                        )
                    )
                    return EXIT_OK
            else:
                exercise = resolve_exercise(reference)
        except ExerciseFileError as error:
            for problem in error.problems:
                print(problem, file=sys.stderr)
            return EXIT_UNUSABLE
    # Starting allocates many objects that live as long as the program: collecting garbage among them
    # only delays the first screen (by about a tenth). The app turns the collector back on once it is shown.
    gc.disable()
    from ..tui.app import TutorApp

    minutes = getattr(arguments, "time_limit", None)  # None: the exercise's [exam] settings decide
    app = TutorApp(
        exercise,
        mode="exam" if arguments.command == "exam" else "practice",
        light=arguments.light,
        exam_feedback=getattr(arguments, "feedback", None),
        time_limit=minutes * 60 if minutes else None,
        learner=getattr(arguments, "learner", None),
        ask_learner=True,
        signing_key=getattr(arguments, "key", None),
    )
    app.run()
    if app.save_problem is not None:  # said in the tutor too; said again where it stays after the screen is gone
        from ..exercise.shown import visible

        print(visible(f"tutor: your latest answers are not saved: {app.save_problem}"), file=sys.stderr)
        return EXIT_WRONG
    return EXIT_OK


def _recommended(learner: str | None) -> str:
    """The catalog name or file of the exercise the learner model recommends to the learner (or the stored one)."""
    from ..session import ProgressStore
    from ..session.learners import LearnerStore

    store = ProgressStore()
    return LearnerStore(store).recommend(learner or store.learner_name()).exercise


if __name__ == "__main__":
    sys.exit(main())
