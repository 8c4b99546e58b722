"""`tutor generate`: a fresh exercise (tutor/generate), printed or written to a file."""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from ..exercise.shown import visible
from ..generate import draw_seed, generate
from ..generate.options import KINDS, OPTIONS
from ..generate.skills import generate_for_skill
from ..session.saving import save_text
from .exit_codes import EXIT_OK, EXIT_UNUSABLE

SKILL_OPTIONS = ("activation",)  # with --skill, the generator chooses every other option


def command_generate(arguments: argparse.Namespace) -> int:
    kind = arguments.generator
    if (kind is None) == (arguments.skill is None):
        kinds = f"{', '.join(KINDS[:-1])} or {KINDS[-1]}"
        return _refuse(
            f"give a KIND ({kinds}) or --skill SKILL, not both" if kind else f"give a KIND ({kinds}) or --skill SKILL"
        )
    allowed = SKILL_OPTIONS if kind is None else OPTIONS[kind]
    options = {}
    for name in dict.fromkeys(name for names in OPTIONS.values() for name in names):
        value = getattr(arguments, name)
        if value is None:
            continue
        if name not in allowed:
            what = "--skill" if kind is None else f"{kind} exercises"
            others = ", ".join(f"--{option}".replace("_", "-") for option in allowed)
            return _refuse(f"--{name.replace('_', '-')} is not an option of {what}; they take {others}")
        options[name] = value
    drawn = arguments.seed is None
    seed = draw_seed() if drawn else arguments.seed
    try:
        if kind is None:
            generated = generate_for_skill(arguments.skill, seed, **options)
        else:
            generated = generate(kind, seed, **options)
    except ValueError as error:
        return _refuse(str(error))
    if arguments.output is None:
        sys.stdout.write(generated.text)
        if drawn:
            print(f"Seed {seed}: add --seed {seed} to make this exercise again.", file=sys.stderr)
        return EXIT_OK
    path: Path = arguments.output
    if path.exists() and not arguments.force:
        return _refuse(f"{path} already exists: choose another file, or add --force to overwrite it")
    save_text(path, generated.text)
    print(visible(f"Wrote {path}: {generated.exercise.title} (seed {seed}; the file's source line makes it again)."))
    print(visible(f"Work it with: tutor run {shlex.quote(str(path))}"))
    return EXIT_OK


def _refuse(message: str) -> int:
    print(visible(f"tutor generate: {message}"), file=sys.stderr)
    return EXIT_UNUSABLE
