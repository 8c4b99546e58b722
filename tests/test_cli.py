"""The `tutor` command: output, JSON schemas, exit codes, error messages. Run in this process
(tutor_command); as a real process where only one shows it: the console script, a closed pipe, warnings.

Exit codes (tutor/cli/main.py): 0 success / all answers correct, 1 some answer wrong, 2 unusable
input. No error path may show a Python traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

from tutor.engine import solve
from tutor.engine.formatting import format_number, format_value
from tutor.exercise import catalog_names, resolve_exercise
from tutor_testing import REPO, TUTOR, no_traceback, tutor_command, tutor_process

SEEDS = REPO / "tests" / "seed_answers"

SEED_001 = "sigmoid-neuron-mse"
SEED_002 = "network-3-2-1-sigmoid"


def correct_answers_text(name: str, digits: int = 6) -> str:
    """An answers file with every asked value and gradient right, as a learner would type them."""
    solution = solve(resolve_exercise(name))
    lines = ["[value]"]
    lines += [f'"{node}" = "{format_value(solution.values[node], digits)}"' for node in solution.graph.nodes]
    lines += ["[grad]"]
    lines += [f'"{name_}" = "{format_value(solution.grads[name_], digits)}"' for name_ in solution.names]
    return "\n".join(lines) + "\n"


# -- tutor list ----------------------------------------------------------------------------------


def test_list_human_names_every_catalog_exercise():
    result = tutor_command("list")
    no_traceback(result)
    assert result.returncode == 0
    for name in catalog_names():
        assert name in result.stdout
    for column in ("name", "title", "tags", "difficulty", "size"):
        assert column in result.stdout


def test_list_json_schema():
    result = tutor_command("list", "--json")
    assert result.returncode == 0
    rows = json.loads(result.stdout)
    assert isinstance(rows, list)
    assert [row["name"] for row in rows] == catalog_names()
    for row in rows:
        assert set(row) == {"name", "title", "tags", "difficulty", "size"}
        assert isinstance(row["title"], str) and row["title"]
        assert isinstance(row["tags"], list) and all(isinstance(tag, str) for tag in row["tags"])
        assert isinstance(row["difficulty"], int) and 1 <= row["difficulty"] <= 5
        exercise = resolve_exercise(row["name"])
        assert row["size"] == exercise.size == len(exercise.inputs) + len(exercise.nodes)
        assert row["title"] == exercise.title


def test_console_script_is_installed_and_agrees_with_the_module():
    if not TUTOR.exists():
        pytest.skip(f"no console script beside {sys.executable}")
    # one process: the real command prints run's help, as main() does in-process (each command's output is
    # tested in-process)
    helped = tutor_process("run", "--help", script=True)
    assert helped.returncode == 0, helped.stderr
    assert "EXERCISE" in helped.stdout and "--learner NAME" in helped.stdout and "Examples:" in helped.stdout
    assert helped.stdout == tutor_command("run", "--help").stdout
    version = tutor_command("--version")
    assert version.returncode == 0 and "backprop-tutor" in version.stdout


# -- tutor show: what the learner is given, never the answers ------------------------------------


def _answer_texts(name: str) -> set[str]:
    """Every gradient (and non-input value) at 3 and 4 significant figures, unless it is also an input."""
    solution = solve(resolve_exercise(name))
    inputs = {format_number(v, d) for value in solution.graph.inputs.values() for v in np.ravel(value) for d in (3, 4)}
    numbers = [v for grad in solution.grads.values() for v in np.ravel(grad)]
    numbers += [v for node in solution.graph.nodes for v in np.ravel(solution.values[node])]
    texts = set()
    for number in numbers:
        if float(number).is_integer():
            continue
        for digits in (3, 4):
            text = format_number(number, digits)
            if len(text.lstrip("-0.")) >= 2 and text not in inputs:
                texts.add(text)
    return texts


@pytest.mark.parametrize("name", [SEED_001, SEED_002, "net-2-3-1-batch", "jacobian-chain-fog"])
def test_show_gives_no_answers(name):
    human = tutor_command("show", name)
    machine = tutor_command("show", name, "--json")
    assert human.returncode == 0 and machine.returncode == 0
    given = json.loads(machine.stdout)
    assert set(given["inputs"]) == set(resolve_exercise(name).written_inputs)
    assert "nodes" not in given and "edges" not in given

    def keys(data):
        if isinstance(data, dict):
            return set(data) | set().union(*(keys(value) for value in data.values()))
        if isinstance(data, list):
            return set().union(*(keys(value) for value in data))
        return set()

    assert not keys(given) & {"grad", "grads", "value", "values", "local", "after", "updated"}
    for text in _answer_texts(name):
        assert text not in human.stdout, f"the answer {text} appears in `tutor show {name}`"
        assert text not in machine.stdout, f"the answer {text} appears in `tutor show {name} --json`"


def test_show_seed_001_specific_numbers_are_absent():
    output = tutor_command("show", SEED_001).stdout
    assert "Sigmoid neuron with squared error" in output
    for answer in ("0.0062", "0.006195", "0.1146", "0.9427", "0.05404", "0.003286", "0.004956", "0.008674"):
        assert answer not in output
    for given in ("4/5", "7/5", "3/5"):  # the inputs are shown as written
        assert given in output


# -- tutor solve --json ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", [SEED_001, SEED_002, "net-2-3-1-batch", "jacobian-chain-fog", "mlp-relu-matrix"])
def test_solve_json_schema_and_numbers(name):
    result = tutor_command("solve", name, "--json")
    no_traceback(result)
    assert result.returncode == 0
    data = json.loads(result.stdout)
    solution = solve(resolve_exercise(name))
    assert data["output"] == solution.output
    assert set(data["nodes"]) == set(solution.names)
    for input_name in solution.graph.inputs:  # inputs are included among the nodes
        assert input_name in data["nodes"]
    for node_name, entry in data["nodes"].items():
        assert {"value", "grad"} <= set(entry)
        for key, expected in (("value", solution.values[node_name]), ("grad", solution.grads[node_name])):
            if np.ndim(expected) == 0:
                assert isinstance(entry[key], float), (node_name, key)
            else:
                assert isinstance(entry[key], list), (node_name, key)
            assert np.shape(entry[key]) == np.shape(expected), (node_name, key)
            assert np.allclose(np.asarray(entry[key], dtype=float), expected, rtol=1e-12, atol=0), (node_name, key)
    assert isinstance(data["edges"], list)
    assert {(edge["from"], edge["to"]) for edge in data["edges"]} == set(solution.edges)
    for edge in data["edges"]:
        assert {"from", "to", "local"} <= set(edge)
        local = solution.local_derivative(edge["to"], edge["from"]).value
        assert np.allclose(np.asarray(edge["local"], dtype=float), local, rtol=1e-12, atol=0)


def test_solve_json_seed_001_by_hand():
    data = json.loads(tutor_command("solve", SEED_001, "--json").stdout)
    nodes = data["nodes"]
    assert nodes["z"]["value"] == pytest.approx(2.8)
    yhat = 1 / (1 + np.exp(-2.8))
    assert nodes["yhat"]["value"] == pytest.approx(yhat)
    assert nodes["yhat"]["grad"] == pytest.approx(2 * (yhat - 1))
    assert nodes["z"]["grad"] == pytest.approx(2 * (yhat - 1) * yhat * (1 - yhat))
    assert nodes["w1"]["grad"] == pytest.approx(-0.0061954, rel=1e-4)


def test_solve_json_update_and_after():
    data = json.loads(tutor_command("solve", SEED_002, "--json").stdout)
    solution = solve(resolve_exercise(SEED_002))
    assert set(data["update"]["params"]) == {"W2", "b2", "W3", "b3"}
    assert np.allclose(data["update"]["params"]["W2"], solution.updated["W2"])
    assert data["after"]["L"] == pytest.approx(0.153877, rel=1e-5)


def test_solve_human_shows_the_worked_solution():
    result = tutor_command("solve", SEED_001)
    assert result.returncode == 0
    for heading in ("Forward pass", "Local derivatives", "Backward pass"):
        assert heading in result.stdout
    assert "-0.006195" in result.stdout and "0.9427" in result.stdout


# -- tutor check ----------------------------------------------------------------------------------


def test_check_all_correct_exits_0():
    result = tutor_command("check", SEED_001, SEEDS / f"{SEED_001}.correct.toml")  # every step, local derivatives too
    no_traceback(result)
    assert result.returncode == 0, result.stdout
    assert "Score: 25 of 25 answered right; 25 of the exercise's 25 steps" in result.stdout


def test_check_of_half_done_work_says_so_and_exits_1(tmp_path):
    """Every value and gradient right but no local derivative: 15 of the 25 steps, not a full score."""
    answers = tmp_path / "answers.toml"
    answers.write_text(correct_answers_text(SEED_001), encoding="utf-8")
    result = tutor_command("check", SEED_001, answers)
    no_traceback(result)
    assert result.returncode == 1, result.stdout
    assert "Score: 15 of 15 answered right; 15 of the exercise's 25 steps" in result.stdout


def test_check_one_wrong_exits_1(tmp_path):
    answers = tmp_path / "answers.toml"
    answers.write_text('[value]\nz = "14/5"\n[grad]\nz = "-0.06"\n', encoding="utf-8")
    result = tutor_command("check", SEED_001, answers)
    no_traceback(result)
    assert result.returncode == 1
    assert "1 of 2 answered right" in result.stdout
    assert "right value" not in result.stdout and "-0.006195" not in result.stdout  # not asked for: not stated
    revealed = tutor_command("check", SEED_001, answers, "--reveal")
    assert "right value" in revealed.stdout and "-0.006195" in revealed.stdout and revealed.returncode == 1


def test_check_json_items(tmp_path):
    answers = tmp_path / "answers.toml"
    answers.write_text(
        '[value]\nz = "14/5"\nyhat = "0,94"\n[grad]\nz = "-0.06"\n[local.yhat]\nz = "0.054"\n', encoding="utf-8"
    )
    result = tutor_command("check", SEED_001, answers, "--json", "--reveal")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["score"]["correct"] == 3 and data["score"]["total"] == 4  # of the answered steps
    assert [item["quantity"] for item in data["items"]] == ["value.z", "value.yhat", "grad.z", "local.yhat.z"]
    for item in data["items"]:
        assert {"quantity", "answer", "verdict", "expected", "message"} <= set(item)
        assert item["verdict"] in ("correct", "wrong")
        assert isinstance(item["message"], str) and item["message"]
    by_quantity = {item["quantity"]: item for item in data["items"]}
    assert by_quantity["grad.z"]["verdict"] == "wrong"
    assert by_quantity["grad.z"]["answer"] == "-0.06"
    assert by_quantity["grad.z"]["expected"] == pytest.approx(-0.0061954, rel=1e-4)
    assert by_quantity["grad.z"]["message"].endswith("The right value is -0.006195.")
    assert by_quantity["value.yhat"]["verdict"] == "correct"
    # without --reveal: the same verdicts, and neither the expected field nor the value in a message
    unrevealed = json.loads(tutor_command("check", SEED_001, answers, "--json").stdout)["items"]
    assert [item["verdict"] for item in unrevealed] == [item["verdict"] for item in data["items"]]
    assert all("expected" not in item and "-0.006195" not in item["message"] for item in unrevealed)


def test_check_unreadable_answer_is_wrong_not_a_crash(tmp_path):
    answers = tmp_path / "answers.toml"
    answers.write_text('[value]\nz = "2x"\n', encoding="utf-8")
    result = tutor_command("check", SEED_001, answers, "--json")
    no_traceback(result)
    assert result.returncode == 1
    item = json.loads(result.stdout)["items"][0]
    assert item["readable"] is False and "2*x" in item["message"]


UNUSABLE_ANSWERS = {
    "malformed-toml": ('[value]\nz = "2.8"\nz = "3"\n', 3, "not valid TOML"),
    "unclosed-string": ('[value]\nz = "2.8\n', 2, "not valid TOML"),
    "unknown-quantity": ('[value]\nz = "2.8"\n[grad]\nzz = "1"\n', 4, "grad.zz"),
    "unknown-node-value": ('[value]\nq = "1"\n', 2, "value.q"),
    "unknown-table": ('[values]\nz = "2.8"\n', 1, "[values]"),
    "not-text": ("[value]\nz = true\n", 2, "text in quotes"),
    "update-without-update": ('[update]\nw1 = "0.8"\n', 2, "update.w1"),
    # keys inside inline tables are reported at the line of the table
    "inline-table-unknown-node": ('# answers\n\ngrad = { w1 = "1", zz = "2" }\n[value]\np1 = "0.8"\n', 3, "grad.zz"),
    "inline-local-unknown-edge": ('[local]\np1 = { w1 = "0.1" }\nyhat = { q = "1" }\n', 3, "local.yhat.q"),
}


@pytest.mark.parametrize("case", sorted(UNUSABLE_ANSWERS))
def test_check_unusable_answers_exit_2_with_file_and_line(case, tmp_path):
    text, line, words = UNUSABLE_ANSWERS[case]
    answers = tmp_path / f"{case}.toml"
    answers.write_text(text, encoding="utf-8")
    result = tutor_command("check", SEED_001, answers)
    no_traceback(result)
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"{answers}:{line}:" in result.stderr
    assert words in result.stderr


def test_check_unusable_answers_json_names_the_file_and_line(tmp_path):
    answers = tmp_path / "answers.toml"
    answers.write_text('[value]\nz = "2.8"\n[grad]\nzz = "1"\n', encoding="utf-8")
    result = tutor_command("check", SEED_001, answers, "--json")
    assert result.returncode == 2
    data = json.loads(result.stdout)
    assert data["error"] == "unusable input"
    assert data["problems"][0]["file"] == str(answers) and data["problems"][0]["line"] == 4
    assert "did you mean 'grad.z'" in data["problems"][0]["message"]


def test_check_missing_exercise_exits_2(tmp_path):
    answers = tmp_path / "answers.toml"
    answers.write_text('[value]\nz = "2.8"\n', encoding="utf-8")
    result = tutor_command("check", "sigmoid-neuron-mes", answers)
    no_traceback(result)
    assert result.returncode == 2
    assert "sigmoid-neuron-mes" in result.stderr and "did you mean 'sigmoid-neuron-mse'" in result.stderr
    missing_file = tutor_command("check", tmp_path / "nowhere.toml", answers)
    assert missing_file.returncode == 2 and "no such file" in missing_file.stderr


def test_check_missing_or_empty_answers_file_exits_2(tmp_path):
    missing = tutor_command("check", SEED_001, tmp_path / "missing.toml")
    no_traceback(missing)
    assert missing.returncode == 2 and "no such file" in missing.stderr
    empty = tmp_path / "empty.toml"
    empty.write_text("", encoding="utf-8")
    result = tutor_command("check", SEED_001, empty)
    no_traceback(result)
    assert result.returncode == 2 and "no answers" in result.stderr
    folder = tutor_command("check", SEED_001, tmp_path)
    no_traceback(folder)
    assert folder.returncode == 2


# -- tutor validate -------------------------------------------------------------------------------

BROKEN = """title = "Broken"
titel = "typo"
[inputs]
x = 1
[graph]
y = "sigmoid(zz)"
z = "y +* 2"
"""

GOOD = """title = "Good"
[inputs]
x = 1
w = "4/5"
[graph]
y = "sigmoid(w*x)"
"""


def test_validate_broken_file_lists_every_problem_with_file_and_line(tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text(BROKEN, encoding="utf-8")
    result = tutor_command("validate", broken)
    no_traceback(result)
    assert result.returncode == 2
    assert f"{broken}:2: unknown field 'titel' (did you mean 'title'?)" in result.stdout
    assert f"{broken}:6: node 'y' uses 'zz', which is not defined" in result.stdout
    assert f"{broken}:7:" in result.stdout


def test_validate_good_files_exit_0(tmp_path):
    good = tmp_path / "good.toml"
    good.write_text(GOOD, encoding="utf-8")
    result = tutor_command("validate", good, REPO / "exercises" / f"{SEED_001}.toml")
    no_traceback(result)
    assert result.returncode == 0
    assert "2 of 2 files are valid" in result.stdout


def test_validate_mixed_files_exit_2_and_json(tmp_path):
    good, broken = tmp_path / "good.toml", tmp_path / "broken.toml"
    good.write_text(GOOD, encoding="utf-8")
    broken.write_text(BROKEN, encoding="utf-8")
    result = tutor_command("validate", good, broken)
    assert result.returncode == 2
    assert "1 of 2 files are valid" in result.stdout
    machine = tutor_command("validate", "--json", good, broken)
    assert machine.returncode == 2
    data = json.loads(machine.stdout)
    assert [item["ok"] for item in data] == [True, False]
    assert {problem["line"] for problem in data[1]["problems"]} >= {2, 6, 7}


def test_validate_reports_numeric_problems_at_the_node_line(tmp_path):
    bad = tmp_path / "log.toml"
    bad.write_text('title = "t"\n[inputs]\nx = 1\n[graph]\ny = "log(x - 1)"\n', encoding="utf-8")
    result = tutor_command("validate", bad)
    assert result.returncode == 2
    assert f"{bad}:5:" in result.stdout and "log of a non-positive number" in result.stdout


def test_validate_lists_unknown_function_together_with_undefined_name(tmp_path):
    broken = tmp_path / "two.toml"
    broken.write_text('title = "t"\n[inputs]\nx = 1\n[graph]\ny = "sigmoid(zz)"\nq = "foo(x)"\n', encoding="utf-8")
    result = tutor_command("validate", broken)
    assert result.returncode == 2
    assert f"{broken}:5:" in result.stdout  # 'zz' is not defined: reported
    assert f"{broken}:6:" in result.stdout  # unknown function 'foo': reported only once line 5 is fixed


# -- no traceback on any error path ---------------------------------------------------------------

ERROR_INVOCATIONS = {
    "unknown-command": (["frobnicate"], 2),
    "solve-without-exercise": (["solve"], 2),
    "show-unknown-exercise": (["show", "no-such-exercise"], 2),
    "solve-unknown-exercise-json": (["solve", "no-such-exercise", "--json"], 2),
    "solve-missing-file": (["solve", "missing/nowhere.toml"], 2),
    "show-a-folder": (["show", "tests/"], 2),
    "validate-missing-file": (["validate", "nowhere.toml"], 2),
    "validate-folder": (["validate", "tests"], 2),
    "check-missing-everything": (["check", "nowhere.toml", "nowhere-answers.toml"], 2),
    "run-unknown-exercise": (["run", "no-such-exercise"], 2),
}


@pytest.mark.parametrize("case", sorted(ERROR_INVOCATIONS))
def test_error_paths_print_no_traceback(case):
    args, code = ERROR_INVOCATIONS[case]
    result = tutor_command(*args)
    no_traceback(result)
    assert result.returncode == code
    assert (result.stdout + result.stderr).strip()  # says something


def test_non_utf8_and_binary_files_are_refused_cleanly(tmp_path):
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"\xff\xfe\x00title = 1\n")
    for args in (["validate", binary], ["solve", binary], ["check", SEED_001, binary]):
        result = tutor_command(*args)
        no_traceback(result)
        assert result.returncode == 2


# Each way a command writes: Rich's console (`tutor list` prints through it too) and print() for JSON
@pytest.mark.parametrize("args", [["solve", "net-2-3-1-batch"], ["solve", "net-2-3-1-batch", "--json"]], ids=" ".join)
def test_closed_pipe_exits_0(args):
    process = subprocess.Popen(
        [sys.executable, "-m", "tutor.cli.main", *args],
        cwd=REPO,
        env={**os.environ, "COLUMNS": "200", "NO_COLOR": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    process.stdout.close()  # the reader left, like `tutor solve x | head -0`
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=60) == 0
    assert "Traceback" not in stderr


# -- the seed students' homework --------------------------------------------------------------------

CORRECT_FILES = sorted(SEEDS.glob("*.correct.toml"))
STUDENT_FILES = sorted(SEEDS.glob("*.student.toml"))


def test_seed_answer_files_exist():
    assert CORRECT_FILES and STUDENT_FILES
    assert {path.name.split(".")[0] for path in CORRECT_FILES} <= set(catalog_names())
    assert {path.name.split(".")[0] for path in STUDENT_FILES} <= set(catalog_names())


@pytest.mark.parametrize("path", CORRECT_FILES, ids=lambda path: path.name)
def test_seed_correct_answers_are_all_correct(path):
    name = path.name.split(".")[0]
    result = tutor_command("check", name, path.relative_to(REPO), "--json")
    no_traceback(result)
    data = json.loads(result.stdout)
    wrong = [item for item in data["items"] if item["verdict"] != "correct"]
    assert not wrong, wrong
    score = data["score"]
    assert score["answered_right"] == score["answered"]
    assert result.returncode == (0 if score["answered"] == score["steps"] else 1)  # 0 only for every step


def check_json(name: str, answers: Path, *options: str) -> dict[str, dict]:
    result = tutor_command("check", name, answers, "--json", *options)
    no_traceback(result)
    assert result.returncode in (0, 1), result.stderr
    data = json.loads(result.stdout)
    return data


def test_seed_001_student_factor_of_ten():
    data = check_json(SEED_001, SEEDS / f"{SEED_001}.student.toml", "--reveal")
    items = {item["quantity"]: item for item in data["items"]}
    assert items["grad.z"]["answer"] == "-0,06"
    assert items["grad.z"]["verdict"] == "wrong"  # the factor of ten: the true value is about -0.0062
    assert items["grad.z"]["expected"] == pytest.approx(-0.00619538, rel=1e-5)
    for right in ("value.z", "value.yhat", "grad.yhat"):
        assert items[right]["verdict"] == "correct", items[right]
    assert items["value.z"]["answer"] == "14/5"
    # -0,12 is 2(0.94 - 1) from the student's own rounded yhat: accepted, carried forward
    assert items["grad.yhat"]["carried_forward"] is True
    assert items["grad.yhat"]["expected"] == pytest.approx(-0.114648, rel=1e-5)


def test_seed_002_student_missing_factor_two():
    data = check_json(SEED_002, SEEDS / f"{SEED_002}.student.toml", "--reveal")
    items = {item["quantity"]: item for item in data["items"]}
    delta = items["grad.z3"]
    assert delta["answer"] == "-0.117" and delta["verdict"] == "wrong"
    assert delta["expected"] == pytest.approx(-0.233766, rel=1e-5)
    assert float(delta["answer"]) == pytest.approx(delta["expected"] / 2, rel=0.005)  # exactly half: no factor 2
    # error carried forward (issue 17): worked right from the student's own half-size δ3, right; rounded
    # further than 0.5% even from their numbers, wrong
    for quantity in ("grad.b3", "grad.b2", "grad.W2"):
        assert items[quantity]["verdict"] == "correct" and items[quantity]["carried_forward"], quantity
    for quantity in ("grad.W3", "grad.a2", "grad.z2"):
        assert items[quantity]["verdict"] == "wrong", quantity
    for quantity in ("value.z2", "value.a2", "value.z3", "value.a3", "value.L", "local.a2.z2"):
        assert items[quantity]["verdict"] == "correct", quantity


def parse_expected() -> dict[str, dict]:
    """tests/seed_answers/EXPECTED.md: per student file, the expected score and each row's verdict."""
    text = (SEEDS / "EXPECTED.md").read_text(encoding="utf-8")
    sections = {}
    for block in re.split(r"^## ", text, flags=re.M)[1:]:
        heading = block.splitlines()[0].strip()
        if not heading.endswith(".student.toml"):
            continue
        score = re.search(r"Expected score: \*\*(\d+) of (\d+) correct\*\*", block)
        rows = []
        for line in block.splitlines():
            if not line.startswith("| `"):
                continue
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            quantity = cells[0].strip("`")
            verdict_cell = cells[5]
            rows.append((quantity, verdict_cell.replace("*", "").split()[0], "(ECF)" in verdict_cell))
        sections[heading] = {"score": (int(score.group(1)), int(score.group(2))) if score else None, "rows": rows}
    return sections


EXPECTED = parse_expected() if (SEEDS / "EXPECTED.md").exists() else {}


def test_expected_md_covers_every_student_file():
    assert set(EXPECTED) == {path.name for path in STUDENT_FILES}


@pytest.mark.parametrize("file_name", sorted(EXPECTED))
def test_student_verdicts_match_expected_md(file_name):
    expected = EXPECTED[file_name]
    name = file_name.split(".")[0]
    data = check_json(name, SEEDS / file_name)
    items = {item["quantity"]: item for item in data["items"]}
    assert [quantity for quantity, _, _ in expected["rows"]] == [item["quantity"] for item in data["items"]]
    for quantity, verdict, carried in expected["rows"]:
        assert items[quantity]["verdict"] == verdict, (quantity, items[quantity])
        if carried:
            assert items[quantity]["carried_forward"] is True, quantity
        if verdict == "correct" and not carried:
            assert items[quantity]["carried_forward"] is False, quantity
    every = data["items"]  # EXPECTED.md counts every answer on the sheet; the score only the steps asked
    assert expected["score"] == (sum(item["verdict"] == "correct" for item in every), len(every))
    counted = [item for item in every if item["asked"]]
    assert (data["score"]["correct"], data["score"]["total"]) == (
        sum(item["verdict"] == "correct" for item in counted),
        len(counted),
    )


@pytest.mark.parametrize(
    "inputs, graph",
    [
        ("x = [0, 4]", 'z = "sqrt(x)"\nL = "z[2]"'),  # an infinite slope no gradient flows through
        ("x = [0, 1]", 'L = "sum(sqrt(x) - sqrt(x))"'),  # ∞ − ∞ where two paths meet: a gradient refused
    ],
)
def test_no_python_warning_reaches_the_user(tmp_path, inputs, graph):
    exercise_file = tmp_path / "sqrt-zero.toml"
    exercise_file.write_text(f'title = "t"\n[inputs]\n{inputs}\n[graph]\n{graph}\n', encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")  # every warning kept, each one a real process would print on its stderr
        result = tutor_command("validate", exercise_file)
    no_traceback(result)
    assert result.returncode in (0, 2)
    assert [f"{warning.filename}: {warning.message}" for warning in caught] == []


@pytest.mark.parametrize(
    "argv, light",
    [
        (["--light", "run", "x"], True),
        (["run", "x", "--light"], True),
        (["--light", "exam", "x"], True),
        (["exam", "x", "--light"], True),
        (["--light"], True),
        (["run", "x"], False),
        ([], False),
    ],
)
def test_light_theme_is_taken_before_or_after_the_subcommand(argv, light):
    from tutor.cli.main import build_parser

    assert build_parser().parse_args(argv).light is light


# -- names are never cut, --help explains, the learner's name (issue 11) ------------------------


@pytest.mark.parametrize("columns", [60, 80])
def test_list_never_cuts_a_name(columns):
    result = tutor_command("list", columns=columns)
    no_traceback(result)
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= columns
    for name in catalog_names():  # whole, on one line, not the start of a longer word
        assert any(re.search(rf"(^|\s){re.escape(name)}(\s|$)", line) for line in lines), name
    assert "…" not in result.stdout  # titles and tags wrap rather than lose their ends


def test_sessions_never_cuts_a_path(tmp_path):
    from tutor.session import ProgressStore, Session

    home = tmp_path / ("a-data-folder-with-a-long-name-" * 3) / "backprop-tutor"
    session = Session(resolve_exercise(SEED_001), store=ProgressStore(home))
    session.answer("0.8")
    assert len(str(session.progress_file)) > 80
    result = tutor_command("sessions", home=home, columns=80)
    no_traceback(result)
    assert result.returncode == 0
    assert str(session.progress_file) in result.stdout
    assert SEED_001 in result.stdout and "practice" in result.stdout and f"1/{len(session.steps)}" in result.stdout


def subcommand_parsers() -> dict:
    from tutor.cli.main import build_parser

    parser = build_parser()
    commands = next(action for action in parser._actions if isinstance(action, argparse._SubParsersAction))
    return commands.choices


def test_every_subcommand_help_has_an_example_and_explains_its_arguments():
    parsers = subcommand_parsers()
    assert {
        "run",
        "exam",
        "list",
        "show",
        "solve",
        "check",
        "hint",
        "sessions",
        "export",
        "grade",
        "train",
        "generate",
        "validate",
    } <= set(parsers)
    for name, parser in parsers.items():
        text = parser.format_help()
        assert "Examples:\n  tutor " + name in text, name
        for action in parser._actions:
            assert action.help, f"tutor {name}: {action.option_strings or action.metavar} has no help"
            for word in action.option_strings or [action.metavar]:
                assert word in text, f"tutor {name} --help does not mention {word}"
        if any(action.metavar == "EXERCISE" for action in parser._actions):
            assert "catalog name from `tutor list`" in text and ".toml" in text, name


def test_help_examples_name_real_exercises():
    """An example that cannot be run teaches nothing: every catalog-looking name in one is in the catalog."""
    names = set(catalog_names())
    for parser in subcommand_parsers().values():
        examples = parser.format_help().split("Examples:\n", 1)[1]
        for line in examples.splitlines():
            words = line.split()
            if len(words) > 2 and words[1] in ("run", "exam", "show", "solve", "check", "hint", "train", "export"):
                assert words[2] in names or words[2].endswith(".toml"), line


@pytest.mark.parametrize("command", ["run", "exam"])
def test_run_and_exam_take_a_learner(command):
    from tutor.cli.main import build_parser

    assert build_parser().parse_args([command, SEED_001, "--learner", "  Ada Lovelace "]).learner == "Ada Lovelace"
    assert build_parser().parse_args([command, SEED_001]).learner is None


@pytest.mark.parametrize(
    "name, problem", [("", "empty"), ("Ada\x1b[31m", "control character"), ("x" * 61, "longer than 60")]
)
def test_an_unusable_learner_name_is_refused_clearly(name, problem, tmp_path):
    result = tutor_command(
        "check", SEED_001, SEEDS / f"{SEED_001}.correct.toml", "--learner", name, home=tmp_path, columns=80
    )
    no_traceback(result)
    assert result.returncode == 2
    assert "argument --learner: the learner's name" in result.stderr and problem in result.stderr


def test_check_and_export_name_the_stored_learner_unless_told(tmp_path):
    from tutor.session import ProgressStore

    ProgressStore(tmp_path).save_learner("Grace [b]Hopper")
    answers = SEEDS / f"{SEED_001}.correct.toml"
    told, stored = tmp_path / "told.json", tmp_path / "stored.json"
    assert tutor_command("check", SEED_001, answers, "--transcript", stored, home=tmp_path, columns=80).returncode == 0
    assert (
        tutor_command(
            "check", SEED_001, answers, "--transcript", told, "--learner", "Ada", home=tmp_path, columns=80
        ).returncode
        == 0
    )
    assert json.loads(stored.read_text(encoding="utf-8"))["learner"] == "Grace [b]Hopper"
    assert json.loads(told.read_text(encoding="utf-8"))["learner"] == "Ada"

    from tutor.session import Session

    Session(resolve_exercise(SEED_001), store=ProgressStore(tmp_path)).answer("0.8")
    exported = tutor_command("export", SEED_001, "--format", "json", home=tmp_path, columns=80)
    assert exported.returncode == 0, exported.stderr
    assert json.loads(exported.stdout)["learner"] == "Grace [b]Hopper"
    exported = tutor_command("export", SEED_001, "--format", "json", "--learner", "Ada", home=tmp_path, columns=80)
    assert json.loads(exported.stdout)["learner"] == "Ada"
