"""The ``tutor`` command. Headless commands never import Textual, so they start fast.

Exit codes: 0 success (all answers correct), 1 some answer wrong, 2 unusable input.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .. import __version__

EXIT_OK, EXIT_WRONG, EXIT_UNUSABLE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tutor",
        description="Learn backpropagation by working it out by hand, node by node.",
        epilog="EXERCISE is a catalog name (see `tutor list`) or the path of a .toml file.",
    )
    parser.add_argument("--version", action="version", version=f"backprop-tutor {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    listing = commands.add_parser("list", help="the built-in exercises")
    listing.add_argument("--json", action="store_true", help="print JSON for tools")

    show = commands.add_parser("show", help="what the learner is given: inputs and graph, no answers")
    show.add_argument("exercise", metavar="EXERCISE")
    show.add_argument("--json", action="store_true", help="print JSON for tools")

    solve = commands.add_parser("solve", help="the worked solution: every value, local derivative and gradient")
    solve.add_argument("exercise", metavar="EXERCISE")
    solve.add_argument("--json", action="store_true", help="print JSON for tools")

    check = commands.add_parser("check", help="grade a file of typed answers")
    check.add_argument("exercise", metavar="EXERCISE")
    check.add_argument("answers", metavar="ANSWERS", type=Path,
                       help="TOML with [value] and [grad] tables of typed answers (also [local.NODE], [update], [after])")
    check.add_argument("--json", action="store_true", help="print JSON for tools")

    validate = commands.add_parser("validate", help="check exercise files, listing every problem with its line")
    validate.add_argument("files", metavar="FILE", nargs="+", type=Path)
    validate.add_argument("--json", action="store_true", help="print JSON for tools")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    arguments = parser.parse_args(argv)
    try:
        return _dispatch(parser, arguments)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `tutor solve x | head`: the reader left, nothing more to say
        sys.stderr.close()
        return EXIT_OK
    except Exception as error:  # noqa: BLE001 - the promise is: no traceback ever reaches a user
        print(f"tutor: internal error: {type(error).__name__}: {error}. Please report this with the command you ran.",
              file=sys.stderr)
        return EXIT_UNUSABLE


def _dispatch(parser: argparse.ArgumentParser, arguments: argparse.Namespace) -> int:
    from ..exercise import ExerciseFileError
    from . import commands

    if arguments.command is None:
        parser.print_help()
        return EXIT_OK
    handler = getattr(commands, f"command_{arguments.command}")
    try:
        return handler(arguments)
    except ExerciseFileError as error:
        if getattr(arguments, "json", False):
            print(json.dumps({"error": "unusable input", "problems": [
                {"file": str(problem.path) if problem.path else None, "line": problem.line, "message": problem.message}
                for problem in error.problems]}, indent=2))
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return EXIT_UNUSABLE


if __name__ == "__main__":
    sys.exit(main())
