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


# The reproductions of issue 13, run as the real program in a process of its own.
REPRODUCTIONS = [
    "validate-dev-zero",
    "check-dev-zero-answers",
    "validate-fifo",
    "grade-exercise-path-dev-zero",
    "export-exercise-path-dev-zero",
    "grade-20000-events",
    "validate-batch-500",
    "validate-5000-nested-arrays",
    "validate-3000-nested-inline-tables",
    "validate-chain-2000-batch-200",
    "grade-markup-learner-and-good",
    "check-answer-markup-close",
    "show-title-markup-close",
    "solve-title-markup-close",
    "show-description-csi-clear-screen",
    "validate-node-name-osc-window-title",
    "grade-learner-csi-clear-screen",
    "unknown-catalog-name-rtl-override",
    "generate-output-name-csi-clear-screen",
    "grade-nested-json",
    "grade-batch-500-exercise",
    "sessions-events-not-events",
    "sessions-score-text",
    "sessions-exercise-list",
    "sessions-garbage",
    "sessions-home-is-a-file",
    "export-into-folder",
    "export-to-empty-name",
    "check-transcript-into-read-only-folder",
    "grade-gradescope-into-folder",
    "grade-csv-dev-full",
    "validate-bom",
    "catalog-name-beside-folder",
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
    environment = {**os.environ, "BACKPROP_TUTOR_HOME": str(tmp_path / "home")}
    (tmp_path / "a.toml").write_text('[value]\np1 = "0.8"\n', encoding="utf-8")

    def tutor(*arguments: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "tutor.cli.main", *arguments],
            cwd=tmp_path,
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
        )

    for learner, file in (("[/]", "markup.json"), ("Ada", "ada.json")):
        assert tutor("check", CATALOG_EXERCISE, "a.toml", "--learner", learner, "--transcript", file).returncode == 1
    result = tutor("grade", "markup.json", "ada.json")
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
