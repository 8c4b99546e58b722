"""Loading and checking exercise files (tutor/exercise/loader.py), with problems reported by line."""

from __future__ import annotations

import pathlib
import textwrap

import pytest

from tutor.engine import solve
from tutor.exercise import ExerciseFileError, load_exercise, parse_exercise
from tutor.exercise.errors import Problem
from tutor.exercise.reading import MAX_FILE_BYTES
from tutor.exercise.toml_lines import key_lines


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def problems_of(text: str, path=None) -> list[Problem]:
    with pytest.raises(ExerciseFileError) as caught:
        parse_exercise(dedent(text), path, "broken")
    assert caught.value.problems, "an ExerciseFileError must list at least one problem"
    return caught.value.problems


def only_problem(text: str) -> Problem:
    problems = problems_of(text)
    assert len(problems) == 1, [str(problem) for problem in problems]
    return problems[0]


def solve_problems(text: str) -> list[Problem]:
    exercise = parse_exercise(dedent(text), None, "numbers")  # loads fine: the trouble is in the numbers
    with pytest.raises(ExerciseFileError) as caught:
        solve(exercise)
    return caught.value.problems


GOOD = """
    title = "Sigmoid neuron"
    description = "Work it out."
    tags = ["sigmoid"]
    difficulty = 3
    params = ["w", "b"]

    [inputs]
    x = 2
    w = "4/5"
    b = -0.2
    y = 1

    [graph]
    z = "w*x + b"
    yhat = "sigmoid(z)"
    L = "(yhat - y)^2"

    [hints]
    z = "add up the weighted input and the bias"
"""


# -- a good file --------------------------------------------------------------------------------


def test_good_file_loads_with_lines_and_defaults():
    exercise = parse_exercise(dedent(GOOD), None, "good")
    assert exercise.name == "good"
    assert exercise.title == "Sigmoid neuron"
    assert exercise.difficulty == 3
    assert exercise.tags == ("sigmoid",)
    assert exercise.params == ("w", "b")
    assert exercise.output == "L"
    assert exercise.ask == ("values", "local_derivatives", "gradients")
    assert [node.name for node in exercise.nodes] == ["z", "yhat", "L"]
    assert list(exercise.inputs) == ["x", "w", "b", "y"]
    assert exercise.line_of("x") == 8
    assert exercise.line_of("z") == 14
    assert exercise.line_of("L") == 16
    assert exercise.hints == {"z": ("add up the weighted input and the bias",)}
    assert exercise.tolerance.relative == 0.005
    solution = solve(exercise)
    assert float(solution.values["z"]) == pytest.approx(1.4)


def test_load_exercise_from_a_file(tmp_path):
    path = tmp_path / "neuron.toml"
    path.write_text(dedent(GOOD), encoding="utf-8")
    exercise = load_exercise(path)
    assert exercise.name == "neuron"
    assert exercise.path == path


# -- malformed TOML -----------------------------------------------------------------------------


def test_malformed_toml_gives_the_line_from_tomllib():
    problem = only_problem("""
        title = "t"
        [inputs]
        x = 1
        [graph]
        z = "x*2
    """)
    assert problem.line == 5
    assert problem.message.startswith("this is not valid TOML: ")
    assert "(column " in problem.message
    assert "at line" not in problem.message  # the line is in problem.line, not repeated


def test_malformed_toml_duplicate_key():
    problem = only_problem("""
        title = "t"
        [inputs]
        x = 1
        x = 2
    """)
    assert problem.line == 4
    assert "not valid TOML" in problem.message
    assert "'x' is given twice in its table: each key once" in problem.message
    table = only_problem("""
        title = "t"
        [inputs]
        x = 1
        [inputs]
        y = 2
    """)
    assert "[inputs] is declared twice: write all of its keys under one [inputs]" in table.message


def test_problem_prints_as_file_colon_line(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('title = "t"\n[inputs]\nx = \n', encoding="utf-8")
    with pytest.raises(ExerciseFileError) as caught:
        load_exercise(path)
    assert str(caught.value.problems[0]).startswith(f"{path}:3: this is not valid TOML")
    assert str(caught.value) == "\n".join(str(problem) for problem in caught.value.problems)


# -- top-level fields ---------------------------------------------------------------------------


def test_unknown_top_level_field_with_did_you_mean():
    problem = only_problem("""
        title = "t"
        difficullty = 3
        [inputs]
        x = 1
        [graph]
        z = "x*2"
    """)
    assert problem.line == 2
    assert problem.message == "unknown field 'difficullty' (did you mean 'difficulty'?)"


def test_unknown_top_level_field_without_a_close_match():
    problem = only_problem("""
        title = "t"
        colour = "blue"
        [inputs]
        x = 1
        [graph]
        z = "x*2"
    """)
    assert problem.message == "unknown field 'colour'"
    assert problem.line == 2


def test_unknown_table_with_did_you_mean():
    problem = only_problem("""
        title = "t"
        [inputs]
        x = 1
        [graph]
        z = "x*2"
        [hint]
        z = "hi"
    """)
    assert problem.line == 6
    assert "unknown field 'hint'" in problem.message
    assert "did you mean 'hints'" in problem.message


def test_missing_title():
    problem = only_problem("""
        [inputs]
        x = 1
        [graph]
        z = "x*2"
    """)
    assert problem.message == "'title' is missing: every exercise needs a title"


def test_empty_title():
    problem = only_problem("""
        title = "  "
        [inputs]
        x = 1
        [graph]
        z = "x*2"
    """)
    assert problem.line == 1
    assert "'title' is empty" in problem.message


def test_title_that_is_not_text():
    problem = only_problem("""
        title = 3
        [inputs]
        x = 1
        [graph]
        z = "x*2"
    """)
    assert problem.line == 1
    assert "must be text in quotes" in problem.message


@pytest.mark.parametrize("value", ["0", "6", "2.5", "true", '"easy"'])
def test_bad_difficulty(value):
    problem = only_problem(f"""
        title = "t"
        difficulty = {value}
        [inputs]
        x = 1
        [graph]
        z = "x*2"
    """)
    assert problem.line == 2
    assert "from 1 (first steps) to 5" in problem.message


def test_bad_ask_with_did_you_mean():
    problem = only_problem("""
        title = "t"
        ask = ["gradient"]
        [inputs]
        x = 1
        [graph]
        z = "x*2"
    """)
    assert problem.line == 2
    assert "'ask' cannot include 'gradient'" in problem.message
    assert "did you mean 'gradients'" in problem.message


def test_output_that_is_not_a_node():
    problem = only_problem("""
        title = "t"
        output = "LL"
        [inputs]
        x = 1
        [graph]
        L = "x*2"
    """)
    assert problem.line == 2
    assert "output 'LL' is not a node of [graph] (did you mean 'L'?)" == problem.message


def test_param_that_is_not_an_input():
    problem = only_problem("""
        title = "t"
        params = ["ww"]
        [inputs]
        w = 1
        [graph]
        L = "w*2"
    """)
    assert problem.line == 2
    assert problem.message == "parameter 'ww' is not an input (did you mean 'w'?)"


# -- [inputs] -----------------------------------------------------------------------------------


@pytest.mark.parametrize("value, shown", [("nan", "nan"), ("inf", "inf"), ("-inf", "-inf"), ("+nan", "nan")])
def test_nan_or_inf_input(value, shown):
    problems = problems_of(f"""
        title = "t"
        [inputs]
        x = 1
        y = {value}
        [graph]
        z = "x*2"
    """)
    assert [(problem.line, problem.message) for problem in problems] == [
        (4, f"input 'y' is {shown}, not a finite number")
    ]


def test_nan_inside_a_vector():
    problem = only_problem("""
        title = "t"
        [inputs]
        x = 1
        v = [1, nan]
        [graph]
        z = "x*2"
    """)
    assert problem.line == 4
    assert "input 'v' is nan, not a finite number" in problem.message


def test_ragged_matrix_rows():
    problem = only_problem("""
        title = "t"
        [inputs]
        x = 1
        W = [[1, 2, 3], [4, 5]]
        [graph]
        z = "x*2"
    """)
    assert problem.line == 4
    assert problem.message == "the rows of matrix 'W' have different lengths (3, 2)"


def test_mixed_numbers_and_lists():
    problem = only_problem("""
        title = "t"
        [inputs]
        x = 1
        W = [1, [2, 3]]
        [graph]
        z = "x*2"
    """)
    assert problem.line == 4
    assert "mixes numbers and lists" in problem.message


def test_lists_nested_three_deep():
    problem = only_problem("""
        title = "t"
        [inputs]
        x = 1
        T = [[[1]]]
        [graph]
        z = "x*2"
    """)
    assert problem.line == 4
    assert "nests lists more than two deep" in problem.message


def test_input_that_is_a_name_expression():
    problem = only_problem("""
        title = "t"
        [inputs]
        x = 1
        w = "2*x"
        [graph]
        z = "x*2"
    """)
    assert problem.line == 4
    assert "uses the name 'x'" in problem.message
    assert "put computations in [graph]" in problem.message


def test_input_string_that_does_not_parse_points_at_the_problem():
    problem = only_problem("""
        title = "t"
        [inputs]
        x = 1
        w = "4//5"
        [graph]
        z = "x*2"
    """)
    assert problem.line == 4
    assert problem.message.startswith("input 'w' = \"4//5\": ")
    assert "at '/'" in problem.message


def test_bad_input_name():
    problem = only_problem("""
        title = "t"
        [inputs]
        x = 1
        "2w" = 3
        [graph]
        z = "x*2"
    """)
    assert problem.line == 4
    assert "input name '2w' is not allowed" in problem.message


def test_boolean_and_table_inputs():
    problems = problems_of("""
        title = "t"
        [inputs]
        x = 1
        flag = true
        t = {a = 1}
        [graph]
        z = "x*2"
    """)
    assert [(problem.line, problem.message) for problem in problems] == [
        (4, "input 'flag' is true/false, not a number"),
        (5, "input 't' must be a number, a fraction in quotes, or a list; not a table"),
    ]


def test_empty_inputs_and_missing_inputs():
    problem = only_problem("""
        title = "t"
        [inputs]
        [graph]
        z = "2"
    """)
    assert problem.line == 2
    assert "[inputs] is empty" in problem.message
    missing = only_problem("""
        title = "t"
        [graph]
        z = "2"
    """)
    assert missing.message == "[inputs] is missing"


# -- [graph] ------------------------------------------------------------------------------------


def test_empty_graph():
    problem = only_problem("""
        title = "t"
        [inputs]
        x = 1
        [graph]
    """)
    assert problem.line == 4
    assert problem.message.startswith("[graph] is empty")


def test_missing_graph():
    problem = only_problem("""
        title = "t"
        [inputs]
        x = 1
    """)
    assert problem.message == "[graph] is missing"


def test_unknown_name_in_an_expression_with_did_you_mean():
    problem = only_problem("""
        title = "t"
        [inputs]
        x = 1
        [graph]
        z = "x*2"
        yhat = "sigmoid(zz)"
    """)
    assert problem.line == 6
    assert problem.message == "node 'yhat' uses 'zz', which is not defined (did you mean 'z'?)"


def test_node_used_before_it_is_defined_names_the_line():
    problem = only_problem("""
        title = "t"
        [inputs]
        x = 1
        [graph]
        z = "y*2"
        y = "x + 1"
    """)
    assert problem.line == 5
    assert "node 'z' uses 'y' before it is defined (line 6)" in problem.message
    assert "evaluation order" in problem.message


def test_node_that_uses_itself():
    problem = only_problem("""
        title = "t"
        [inputs]
        x = 1
        [graph]
        z = "z + x"
    """)
    assert problem.line == 5
    assert "uses itself" in problem.message


def test_node_with_the_name_of_an_input():
    problem = only_problem("""
        title = "t"
        [inputs]
        x = 1
        [graph]
        x = "2"
    """)
    assert "both an input and a node" in problem.message


def test_expression_error_in_a_node():
    problem = only_problem("""
        title = "t"
        [inputs]
        x = 1
        [graph]
        z = "2x + 1"
    """)
    assert problem.line == 5
    assert problem.message.startswith("node 'z' = \"2x + 1\": ")
    assert "write 2*x" in problem.message


def test_node_that_is_not_a_string():
    problem = only_problem("""
        title = "t"
        [inputs]
        x = 1
        [graph]
        z = 3
    """)
    assert problem.line == 5
    assert 'must be an expression in quotes, like z = "w*x + b"' in problem.message


def test_unknown_function_is_reported_with_the_node_line():
    problems = problems_of("""
        title = "t"
        [inputs]
        x = 1
        [graph]
        z = "x*2"
        yhat = "sigmod(z)"
    """)
    assert [(problem.line, problem.message) for problem in problems] == [
        (6, "node 'yhat' = \"sigmod(z)\": unknown function 'sigmod' (did you mean 'sigmoid'?)")
    ]


def test_wrong_number_of_arguments():
    problems = problems_of("""
        title = "t"
        [inputs]
        x = 1
        [graph]
        z = "max(x)"
    """)
    assert problems[0].line == 5
    assert "max takes 2 arguments, not 1" in problems[0].message


def test_shape_mismatch_is_reported_with_the_node_line():
    problems = solve_problems("""
        title = "t"
        [inputs]
        x = [1, 2]
        W = [[1, 2, 3], [4, 5, 6]]
        [graph]
        z = "W @ x"
        L = "sum(z)"
    """)
    assert len(problems) == 1
    assert problems[0].line == 6
    assert problems[0].message == ("node 'z' = \"W @ x\": a 2x3 matrix @ a vector of 2: the inner sizes 3 and 2 differ")


def test_elementwise_shape_mismatch():
    problems = solve_problems("""
        title = "t"
        [inputs]
        x = [1, 2]
        y = [1, 2, 3]
        [graph]
        z = "x + y"
    """)
    assert problems[0].line == 6
    assert "cannot combine a vector of 2 and a vector of 3 in add" in problems[0].message


def test_log_of_a_non_positive_number():
    problems = solve_problems("""
        title = "t"
        [inputs]
        x = 1
        [graph]
        z = "x - 1"
        L = "log(z)"
    """)
    assert problems[0].line == 6
    assert problems[0].message == "node 'L' = \"log(z)\": log of a non-positive number (0)"


def test_log_of_a_negative_input_in_a_vector():
    problems = solve_problems("""
        title = "t"
        [inputs]
        x = [2, -3]
        [graph]
        L = "sum(log(x))"
    """)
    assert problems[0].line == 5
    assert "log of a non-positive number (-3)" in problems[0].message


def test_index_past_the_end():
    problems = solve_problems("""
        title = "t"
        [inputs]
        x = [1, 2]
        [graph]
        z = "x[3]"
    """)
    assert problems[0].line == 5
    assert "index 3 is past the end" in problems[0].message


def test_input_expression_that_cannot_be_computed():
    problems = solve_problems("""
        title = "t"
        [inputs]
        x = "1/0"
        [graph]
        z = "x*2"
    """)
    assert problems[0].line == 3
    assert "division by zero" in problems[0].message


def test_infinite_gradient():
    problems = solve_problems("""
        title = "t"
        [inputs]
        x = 0
        [graph]
        z = "sqrt(x)"
    """)
    assert problems[0].line == 3
    assert "the gradient of 'x' is infinite or undefined" in problems[0].message


# -- [hints], [tolerance], [update], [batch] ----------------------------------------------------


def test_hint_for_an_unknown_name():
    problem = only_problem("""
        title = "t"
        [inputs]
        x = 1
        [graph]
        yhat = "x*2"
        [hints]
        yhta = "remember the chain rule"
    """)
    assert problem.line == 7
    assert problem.message == "hint for 'yhta', which is not an input or node (did you mean 'yhat'?)"


def test_hint_that_is_not_text():
    problem = only_problem("""
        title = "t"
        [inputs]
        x = 1
        [graph]
        z = "x*2"
        [hints]
        z = 3
    """)
    assert problem.line == 7
    assert "must be text" in problem.message


def test_bad_tolerance():
    problems = problems_of("""
        title = "t"
        [inputs]
        x = 1
        [graph]
        z = "x*2"
        [tolerance]
        relative = 1.5
        absolut = 1e-6
    """)
    assert [(problem.line, problem.message) for problem in problems] == [
        (7, "tolerance 'relative' must be a number from 0 up to (not including) 1"),
        (8, "unknown tolerance 'absolut' (did you mean 'absolute'?)"),
    ]


def test_custom_tolerance_is_read():
    exercise = parse_exercise(
        dedent("""
        title = "t"
        [inputs]
        x = 1
        [graph]
        z = "x*2"
        [tolerance]
        relative = 0.01
    """),
        None,
        "t",
    )
    assert exercise.tolerance.relative == 0.01
    assert exercise.tolerance.absolute == 1e-6


def test_update_without_params():
    problem = only_problem("""
        title = "t"
        [inputs]
        x = 1
        w = 2
        [graph]
        z = "x*w"
        [update]
        learning_rate = 0.1
    """)
    assert problem.line == 7
    assert "[update] needs to know which inputs are learned" in problem.message
    assert "params = " in problem.message


def test_update_with_a_bad_learning_rate():
    problem = only_problem("""
        title = "t"
        params = ["w"]
        [inputs]
        x = 1
        w = 2
        [graph]
        z = "x*w"
        [update]
        learning_rate = -1
    """)
    assert problem.line == 9
    assert "positive learning_rate" in problem.message


def test_update_of_a_vector_loss_is_refused_by_the_engine():
    problems = solve_problems("""
        title = "t"
        params = ["w"]
        [inputs]
        w = [1, 2]
        [graph]
        z = "w*2"
        [update]
        learning_rate = 1
    """)
    assert problems[0].line == 6
    assert "wrap it in sum(...)" in problems[0].message


def test_batch_samples_with_different_keys():
    problem = only_problem("""
        title = "t"
        [inputs]
        w = 2
        [graph]
        z = "x*w"
        L = "(z - y)^2"
        [batch]
        samples = [
          { x = 1, y = 2 },
          { x = 1, t = 3 },
        ]
    """)
    assert problem.line == 10
    assert problem.message == ("sample 2 has the names t, x; sample 1 has x, y: every sample must give the same names")


def test_batch_sample_that_repeats_an_input():
    problem = only_problem("""
        title = "t"
        [inputs]
        w = 2
        x = 1
        [graph]
        z = "x*w"
        [batch]
        samples = [{ x = 1 }]
    """)
    assert problem.line == 8
    assert "leave per-sample inputs out of [inputs]" in problem.message


def test_batch_without_samples():
    problem = only_problem("""
        title = "t"
        [inputs]
        w = 2
        [graph]
        z = "w*2"
        [batch]
        reduce = "mean"
    """)
    assert problem.line == 6
    assert "[batch] needs samples" in problem.message


def test_batch_with_a_bad_reduce():
    problem = only_problem("""
        title = "t"
        [inputs]
        w = 2
        [graph]
        z = "x*w"
        [batch]
        reduce = "max"
        samples = [{ x = 1 }]
    """)
    assert problem.line == 7
    assert '\'reduce\' in [batch] must be "sum" or "mean"' == problem.message


def test_good_batch_expands_per_sample_nodes():
    exercise = parse_exercise(
        dedent("""
        title = "t"
        [inputs]
        w = 2
        [graph]
        z = "x*w"
        L = "(z - y)^2"
        [batch]
        reduce = "mean"
        output = "E"
        samples = [
          { x = 1, y = 2 },
          { x = 3, y = 5 },
        ]
    """),
        None,
        "t",
    )
    assert exercise.output == "E"
    assert [node.name for node in exercise.nodes] == ["z#1", "L#1", "z#2", "L#2", "E"]
    solution = solve(exercise)
    # E = ((2-2)^2 + (6-5)^2) / 2 = 0.5; dE/dw = (2*(2-2)*1 + 2*(6-5)*3) / 2 = 3
    assert float(solution.values["E"]) == pytest.approx(0.5)
    assert float(solution.grads["w"]) == pytest.approx(3.0)


# -- several problems, all listed ---------------------------------------------------------------


def test_several_problems_are_all_listed_in_file_order():
    problems = problems_of("""
        title = "t"
        colour = 1
        [inputs]
        x = 1
        v = nan
        [graph]
        z = "q*2"
        yhat = "sigmoid(zz)"
        [hints]
        w = "x"
    """)
    lines = [problem.line for problem in problems]
    messages = [problem.message for problem in problems]
    assert (2, "unknown field 'colour'") in zip(lines, messages)
    assert (5, "input 'v' is nan, not a finite number") in zip(lines, messages)
    assert (7, "node 'z' uses 'q', which is not defined") in zip(lines, messages)
    assert (8, "node 'yhat' uses 'zz', which is not defined (did you mean 'z'?)") in zip(lines, messages)
    assert (10, "hint for 'w', which is not an input or node") in zip(lines, messages)
    assert len(problems) == 5


def test_error_message_lists_every_problem(tmp_path):
    path = tmp_path / "two.toml"
    path.write_text('title = "t"\ncolor = 1\n[inputs]\nx = 1\n[graph]\nz = "y"\n', encoding="utf-8")
    with pytest.raises(ExerciseFileError) as caught:
        load_exercise(path)
    text = str(caught.value)
    assert f"{path}:2: unknown field 'color'" in text
    assert f"{path}:6: node 'z' uses 'y', which is not defined" in text


# -- files --------------------------------------------------------------------------------------


def test_huge_file_is_refused_without_reading_it(tmp_path, monkeypatch):
    path = tmp_path / "huge.toml"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # 50 MB by its size alone (a sparse file): never read, so never written
    assert path.stat().st_size == 50 * 1024 * 1024

    def no_reading(*args, **kwargs):
        raise AssertionError("the huge file was read")

    monkeypatch.setattr(pathlib.Path, "read_bytes", no_reading)
    monkeypatch.setattr(pathlib.Path, "read_text", no_reading)
    with pytest.raises(ExerciseFileError) as caught:
        load_exercise(path)
    [problem] = caught.value.problems
    assert problem.path == path
    assert "52.4 MB" in problem.message
    assert f"limited to {MAX_FILE_BYTES // 1_000_000} MB" in problem.message


def test_file_just_over_the_limit_is_refused(tmp_path):
    path = tmp_path / "big.toml"
    path.write_bytes(b"#" * (MAX_FILE_BYTES + 1))
    with pytest.raises(ExerciseFileError) as caught:
        load_exercise(path)
    assert "MB" in caught.value.problems[0].message


def test_non_utf8_bytes_give_the_line(tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes('title = "t"\n[inputs]\nx = 1\n# caf\u00e9\n[graph]\nz = "x"\n'.encode("latin-1"))
    with pytest.raises(ExerciseFileError) as caught:
        load_exercise(path)
    [problem] = caught.value.problems
    assert problem.line == 4
    assert problem.message == "is not UTF-8 text"


def test_missing_file(tmp_path):
    with pytest.raises(ExerciseFileError) as caught:
        load_exercise(tmp_path / "nope.toml")
    assert caught.value.problems[0].message == "no such file"


def test_folder_instead_of_a_file(tmp_path):
    with pytest.raises(ExerciseFileError) as caught:
        load_exercise(tmp_path)
    assert "is a folder" in caught.value.problems[0].message


# -- known bugs -----------------------------------------------------------------------------------


def test_unknown_function_in_an_input_is_a_problem_not_a_crash():
    problems = problems_of("""
        title = "t"
        [inputs]
        x = "sigmod(1)"
        [graph]
        z = "x*2"
    """)
    assert problems[0].line == 3
    assert "unknown function 'sigmod'" in problems[0].message


def test_wrong_arity_in_an_input_is_a_problem_not_a_crash():
    problems = problems_of("""
        title = "t"
        [inputs]
        x = "add(1)"
        [graph]
        z = "x*2"
    """)
    assert problems[0].line == 3


def test_a_superscript_in_a_node_reads_as_a_power():
    exercise = parse_exercise('title = "t"\n[inputs]\nx = 3\n[graph]\nz = "x²"\n', None, "superscript")
    assert float(solve(exercise).values["z"]) == 9.0


def test_long_flat_sum_in_a_node_is_solved_or_refused_cleanly():
    expression = "+".join(["x"] * 1000)
    assert len(expression) < 2000
    try:
        exercise = parse_exercise(f'title = "t"\n[inputs]\nx = 1\n[graph]\nz = "{expression}"\n', None, "long")
        solution = solve(exercise)
    except ExerciseFileError as error:
        assert "split it into several nodes" in str(error)
        return
    assert float(solution.values["z"]) == 1000.0


def test_a_name_that_is_a_function_name_is_refused():
    problems = problems_of("""
        title = "t"
        [inputs]
        sigmoid = 1
        [graph]
        z = "sigmoid*2"
    """)
    assert problems[0].line == 3


def test_a_refused_input_is_not_also_reported_as_undefined():
    problems = problems_of("""
        title = "t"
        [inputs]
        x = nan
        [graph]
        z = "x*2"
    """)
    assert [problem.line for problem in problems] == [3]


def test_each_problem_is_listed_once():
    problems = problems_of("""
        title = "t"
        inputs = 4
        [graph]
        z = "2"
    """)
    messages = [problem.message for problem in problems]
    assert len(messages) == len(set(messages)), messages
    assert not any("is empty" in message for message in messages), messages


def test_an_infinite_asked_local_derivative_is_refused():
    from tutor.grading import asked_quantities

    solution = solve(
        parse_exercise(
            dedent("""
        title = "t"
        [inputs]
        x = 0
        [graph]
        L = "sqrt(x)"
        q = "x*x + x"
    """),
            None,
            "numbers",
        )
    )
    with pytest.raises(ExerciseFileError) as caught:
        asked_quantities(solution)  # what tutor validate and every session build on
    assert caught.value.problems[0].line == 5
    assert "infinite" in caught.value.problems[0].message


def test_huge_integer_learning_rate_is_a_problem_not_a_crash():
    text = (
        'title = "t"\nparams = ["w"]\n[inputs]\nw = 2\n[graph]\nL = "w*w"\n[update]\n'
        "learning_rate = 1" + "0" * 400 + "\n"
    )
    with pytest.raises(ExerciseFileError) as caught:
        parse_exercise(text, None, "huge-rate")
    assert caught.value.problems[0].line == 8


def test_key_lines_finds_keys_inside_one_line_inline_tables():
    text = textwrap.dedent("""\
        title = "t"
        value = { z = "2.8", "p.1" = '0.8, {x = 1}' }
        [local]
        z = { w1 = { inner = "1" }, b = "2" }  # a comment = { c = 3 }
        [batch]
        samples = [ { x = 1 }, { x = 2 } ]
    """)
    lines = key_lines(text)
    assert {path: line for path, line in lines.items() if line in (2, 4)} == {
        ("value",): 2,
        ("value", "z"): 2,
        ("value", "p.1"): 2,
        ("local", "z"): 4,
        ("local", "z", "w1"): 4,
        ("local", "z", "w1", "inner"): 4,
        ("local", "z", "b"): 4,
    }
    assert ("value", "x") not in lines and ("local", "z", "c") not in lines  # in a string, in a comment
    assert ("batch", "samples", "x") not in lines  # tables in an array have an index for a place, not keys


# -- the course fields: single steps in ask, [points], [exam], derivation-only ------------------


def test_a_single_step_in_ask_that_does_not_exist_is_named_with_its_line():
    problems = problems_of("""
        title = "t"
        ask = ["values", "grad.ww", "lokal.z.x", "local.L.x"]
        [inputs]
        x = 1
        w = 2
        [graph]
        z = "w*x"
        L = "z^2"
    """)
    assert [(problem.line, problem.message) for problem in problems] == [
        (2, "'ask' names the step 'grad.ww': 'ww' is not an input or node (did you mean 'w'?)"),
        (
            2,
            "'ask' names the step 'lokal.z.x': 'lokal' is not a kind of step (did you mean 'local'?); "
            "use value, local, grad, update, after, formula",
        ),
        (2, "'ask' names the step 'local.L.x': node 'L' does not use 'x'"),
    ]


def test_points_for_an_unknown_kind_a_negative_number_or_a_missing_step():
    problems = problems_of("""
        title = "t"
        [inputs]
        x = 1
        [graph]
        z = "x*2"
        [points]
        gradient = 2
        "value.z" = -1
    """)
    assert [problem.line for problem in problems] == [7, 8]
    assert "[points] names 'gradient', which is not a kind of step (did you mean 'grad'?)" in problems[0].message
    assert problems[1].message == "the points of 'value.z' must be a number, 0 or more, like value.z = 2"
    missing = only_problem("""
        title = "t"
        [inputs]
        x = 1
        [graph]
        z = "x*2"
        [points.value]
        zz = 2
    """)
    assert (missing.line, missing.message) == (
        7,
        "[points] names the step 'value.zz': 'zz' is not a node of [graph] (did you mean 'z'?)",
    )


def test_exam_settings_are_checked_with_their_lines():
    problems = problems_of("""
        title = "t"
        [inputs]
        x = 1
        [graph]
        z = "x*2"
        [exam]
        time_limt = 10
        time_limit = -5
        feedback = "yes"
    """)
    assert [(problem.line, problem.message) for problem in problems] == [
        (7, "unknown field 'time_limt' in [exam] (did you mean 'time_limit'?)"),
        (8, "'time_limit' in [exam] must be a number of minutes, more than 0 and at most 10,080 (a week)"),
        (9, "'feedback' in [exam] must be true or false, without quotes"),
    ]


def test_exam_points_and_single_steps_are_read():
    exercise = parse_exercise(
        dedent("""
        title = "t"
        ask = ["values", "grad.x"]
        [inputs]
        x = 1
        [graph]
        z = "x*2"
        [points]
        value = 0.5
        grad.x = 3
        [exam]
        time_limit = 20
        feedback = true
    """)
    )
    assert exercise.ask == ("values", "grad.x")
    assert exercise.points == {"value": 0.5, "grad.x": 3}
    assert (exercise.exam.time_limit, exercise.exam.feedback) == (20.0, True)


def test_a_derivation_only_exercise_needs_no_graph_but_refuses_graph_fields():
    exercise = parse_exercise(
        dedent("""
        title = "Derivative of the sigmoid"
        [[questions]]
        prompt = "dσ/dx?"
        answer = "sigmoid(x)*(1 - sigmoid(x))"
    """)
    )
    assert exercise.nodes == () and exercise.inputs == {} and exercise.ask == ()
    problems = problems_of("""
        title = "t"
        ask = ["values"]
        [update]
        learning_rate = 1
        [[questions]]
        prompt = "p"
        answer = "x"
    """)
    assert (problems[0].line, problems[0].message) == (2, "'ask' needs a [graph]: this exercise has only [[questions]]")
    assert (problems[1].line, problems[1].message) == (
        3,
        "'update' needs a [graph]: this exercise has only [[questions]]",
    )
    assert only_problem('title = "t"\n[inputs]\nx = 1\n').message == "[graph] is missing"
