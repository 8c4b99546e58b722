"""Issue 13: hostile input never crashes the tutor command and text is never markup. Each case of
tests/hostile_cases.py runs `tutor` in-process in its own folder: its exit code, its message, and an output
without a traceback, "internal error" or a raw control character (benchmarks/bench_limits.py times them)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from hostile_cases import CATALOG_EXERCISE, PAYLOADS, all_cases, lay_out, output_problems

from tutor.cli.main import main
from tutor.exercise.shown import visible, visible_json
from tutor_testing import tutor_command

CASES = all_cases()


def test_the_suite_has_at_least_150_cases():
    assert len(CASES) >= 150
    assert len({case.name for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_hostile_input(case, tmp_path, monkeypatch, capsys):
    for name, value in lay_out(case, tmp_path).items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)
    try:
        code = main(list(case.argv))
    except SystemExit as exit:  # argparse's own refusals
        code = exit.code if isinstance(exit.code, int) else 2
    captured = capsys.readouterr()
    output = captured.out + captured.err
    assert output_problems(case, code, output) == [], output


# The reproductions of issue 13 where the process itself is at stake, run as the real program in a process of its
# own: a FIFO and an endless device read with stdin closed, nesting against a real process's own stack, control
# characters and markup reaching a real pipe, a full disk, a transcript on a real stdout. The other reproductions
# (the rest of the 34 of issue 13) run in-process in test_hostile_input above with the same checks, and as real
# processes in benchmarks/bench_limits.py, which also measures their time and memory.
REPRODUCTIONS = [
    "validate-dev-zero",
    "validate-fifo",
    "validate-5000-nested-arrays",
    "grade-nested-json",
    "check-answer-markup-close",
    "show-description-csi-clear-screen",
    "grade-learner-csi-clear-screen",
    "grade-csv-dev-full",
    "export-to-stdout",
]
BY_NAME = {case.name: case for case in CASES}


@pytest.mark.parametrize("name", REPRODUCTIONS)
def test_reproduction_in_a_real_process(name, tmp_path):
    case = BY_NAME[name]
    environment = {**os.environ, **lay_out(case, tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "tutor.cli.main", *case.argv],
        cwd=tmp_path,
        env=environment,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert output_problems(case, result.returncode, result.stdout + result.stderr) == [], result.stderr


def test_a_markup_learner_from_check_does_not_stop_grading_the_others(tmp_path):
    """`tutor check --learner "[/]"` wrote a transcript that crashed the teacher's `tutor grade` (MarkupError)."""
    (tmp_path / "a.toml").write_text('[value]\np1 = "0.8"\n', encoding="utf-8")

    home = tmp_path / "home"
    for learner, file in (("[/]", "markup.json"), ("Ada", "ada.json")):
        checked = tutor_command(
            "check", CATALOG_EXERCISE, "a.toml", "--learner", learner, "--transcript", file, home=home, cwd=tmp_path
        )
        assert checked.returncode == 1
    result = tutor_command("grade", "markup.json", "ada.json", home=home, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "[/]: 1 of 25 points" in result.stdout and "Ada: 1 of 25 points" in result.stdout


BIDI_AND_CONTROL = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c\x1b\x9b\x07\x7f"


@pytest.mark.parametrize("character", BIDI_AND_CONTROL)
def test_visible_writes_bidi_overrides_and_control_characters_as_escapes(character):
    shown = visible(f"a{character}b")
    assert character not in shown and shown.isprintable()
    assert shown == "a" + character.encode("unicode_escape").decode("ascii") + "b"


def test_visible_json_is_printable_json_that_reads_back_the_same():
    data = {label: raw for label, (raw, _) in PAYLOADS.items()} | {"bidi": BIDI_AND_CONTROL, "greek": "σ′(z)"}
    text = visible_json(json.dumps(data, indent=2, ensure_ascii=False))
    assert all(character.isprintable() or character == "\n" for character in text)
    assert json.loads(text) == data
    assert "σ′(z)" in text  # readable characters stay as they are
