"""docs/exercise-format.md documents the fields that tutor/exercise/schema.py declares, no more and no fewer."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tutor.exercise import parse_exercise
from tutor.exercise.errors import ExerciseFileError
from tutor.exercise.schema import BATCH, EXAM, QUESTION, TOP_LEVEL, TRAINING, UPDATE, Table

DOCS = (Path(__file__).resolve().parents[1] / "docs" / "exercise-format.md").read_text(encoding="utf-8")


def section(heading: str) -> str:
    """The text under a '## ' heading, up to the next one."""
    start = DOCS.index(f"\n## {heading}\n")
    end = DOCS.find("\n## ", start + 1)
    return DOCS[start : end if end != -1 else None]


def table_rows(text: str) -> dict[str, list[str]]:
    """A Markdown table's rows by the fields named in their first cell (`a`, `b` names two)."""
    rows = {}
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and not set(cells[0]) <= set("-: "):
            for name in re.findall(r"`([a-z_]+)`", cells[0]):
                rows[name] = cells
    return rows


def test_the_top_level_table_lists_every_top_level_field_that_is_not_a_table():
    rows = table_rows(section("Top-level fields"))
    assert set(rows) == {field.name for field in TOP_LEVEL.fields if not field.is_table}
    for name, cells in rows.items():
        assert (cells[1] == "yes") == TOP_LEVEL.field(name).required, name


@pytest.mark.parametrize("name", ["difficulty", "carried_forward_credit"])
def test_the_documented_default_is_the_schema_default(name):
    assert f"Default {TOP_LEVEL.default(name):g}." in table_rows(section("Top-level fields"))[name][2]


def test_every_table_of_the_schema_has_its_section():
    """A heading, or a paragraph in bold, that starts with the table's header."""
    headings = re.findall(r"^(?:## |\*\*)`(\[\[?[a-z_]+\]\]?)`", DOCS, re.MULTILINE)
    tables = [field for field in TOP_LEVEL.fields if field.is_table]
    assert set(headings) == {
        f"[[{field.name}]]" if field.name == "questions" else f"[{field.name}]" for field in tables
    }


def test_the_training_table_lists_the_training_fields():
    rows = table_rows(section("`[training]`: gradient descent on a dataset (optional)"))
    assert set(rows) == set(TRAINING.names)


@pytest.mark.parametrize(
    ("table", "heading"),
    [
        (EXAM, "`[exam]`: settings for `tutor exam` (optional)"),
        (UPDATE, "`[update]`: one step of gradient descent (optional)"),
        (BATCH, "`[batch]`: several samples (optional)"),
        (QUESTION, "`[[questions]]`: derivations (optional)"),
    ],
)
def test_the_example_of_a_table_shows_each_of_its_fields(table: Table, heading: str):
    example = section(heading).split("```toml", 1)[1].split("```", 1)[0]
    assert set(re.findall(r"^\s*([a-z_]+) =", example, re.MULTILINE)) >= set(table.names)


@pytest.mark.parametrize(
    ("table", "typo", "field"),
    [
        ("", "dificulty", "difficulty"),
        ("[training]", "step", "steps"),
        ("[exam]", "feedbak", "feedback"),
        ("[update]", "learnin_rate", "learning_rate"),
        ("[batch]", "reduc", "reduce"),
    ],
)
def test_a_misspelt_field_of_any_table_is_named_with_the_field_it_may_be_a_typo_of(table, typo, field):
    exercise = 'title = "t"\nparams = ["w"]\n[inputs]\nw = 1\n[graph]\nL = "w^2"\n'
    text = f"{exercise}{table}\n{typo} = 1\n" if table else f"{typo} = 1\n{exercise}"
    with pytest.raises(ExerciseFileError) as raised:
        parse_exercise(text)
    where = f" in {table}" if table else ""
    line = 8 if table else 1
    expected = (line, f"unknown field '{typo}'{where} (did you mean '{field}'?)")
    assert expected in [(problem.line, problem.message) for problem in raised.value.problems]
