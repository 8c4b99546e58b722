""" "Practice a new one like this": the same exercise with fresh nice numbers (see generate_like).

Everything but the numbers is kept: the graph (the same nodes, operations and shapes), the loss, the
parameters, what is asked, the update and the batch settings, the training table. Each number of
[inputs] and of a batch's samples is drawn again in the manner of the one it replaces, and the draft is
judged on the engine's own solution as every generated exercise is (checks.py), until one is sound.
"""

from __future__ import annotations

import random
import re
import tomllib

import numpy as np

from ..engine import solve
from ..exercise import Exercise, ExerciseFileError
from ..exercise.batch import sample_name
from ..exercise.reading import read_text
from .checks import degeneracy
from .numbers import array_text, draw_hundredths, toml_list, toml_string
from .result import MAX_ATTEMPTS, GeneratedExercise, load_and_solve

WEIGHT_LIMIT = 100  # hundredths: a parameter is drawn in [-1, 1], never 0
SOURCE_PREFIX = "new numbers for "  # the source line of a renumbered exercise: "new numbers for NAME, seed N"
NAME_SUFFIX = re.compile(r"-like-seed-\d+$")
# a hint with a decimal number or a fraction in it speaks of the old numbers ("about -0.11"): left out
NUMERIC_HINT = re.compile(r"\d[.,]\d|\d\s*/\s*\d")


def generate_like(exercise: Exercise, seed: int) -> GeneratedExercise:
    """A new exercise like ``exercise``: its own file with fresh numbers, the structure unchanged.

    A declared parameter becomes a nonzero multiple of 0.1 (sometimes 0.05) in [-1, 1]. Any other number
    keeps its kind: 0/1 labels stay labels (a one-hot row stays one-hot, with the 1 drawn again; a lone 0
    or 1 is kept), a row of probabilities stays one (multiples of 0.05 summing to 1), a number in (0, 1)
    stays in it, a whole number stays whole, and otherwise a number keeps its sign and is at most as
    large as the largest of its input (at least 1); zeros stay zero. The inputs that a [training] table
    fills from a dataset keep their rows. The numbers are drawn again until they differ from the old
    ones and the solved exercise passes the generator's checks (checks.py), or fails them only as the
    exercise itself does (relu-negative's ReLU is dead on purpose: the new one's may be too). Hints
    that quote numbers are left out, the others kept; the title and description say what the exercise
    is a new version of.

    ValueError, with a message, when the exercise has no file to read or no sound numbers were found.
    """
    if exercise.path is None:
        raise ValueError("this exercise has no file to make a new one from")
    try:
        document = tomllib.loads(read_text(exercise.path))
        solution = solve(exercise)
    except (ExerciseFileError, tomllib.TOMLDecodeError) as error:
        raise ValueError(f"the exercise cannot be read again: {error}") from None
    base = NAME_SUFFIX.sub("", exercise.name)
    name = f"{base}-like-seed-{seed}"
    kept = {exercise.training.features, exercise.training.targets} if exercise.training else set()
    weights = set(document.get("params", ()))  # declared ones: without a params line every input is one
    inputs = document.get("inputs", {})
    samples = document.get("batch", {}).get("samples", [])
    # a trait the exercise has on purpose (a dead ReLU, the gate that gets no gradient) is kept, not refused
    by_design = degeneracy(solution)
    rng = random.Random(seed)
    for _ in range(MAX_ATTEMPTS):
        new_inputs = {
            key: _Raw(array_text(_renumber(rng, solution.graph.inputs[key], key in weights)))
            if key not in kept
            else value
            for key, value in inputs.items()
        }
        new_samples = [
            {
                key: _Raw(array_text(_renumber(rng, solution.graph.inputs[sample_name(key, index)], False)))
                for key in sample
            }
            for index, sample in enumerate(samples, start=1)
        ]
        text = _document_text(_renamed(document, exercise, base, seed, new_inputs, new_samples))
        generated, new_solution = load_and_solve(text, name)
        if new_solution is None or degeneracy(new_solution) not in (None, by_design):
            continue
        old = solution.graph.inputs
        if any(not np.array_equal(value, old[key]) for key, value in new_solution.graph.inputs.items()):
            return generated  # new numbers: not all drawn the same as before
    raise ValueError(f"no new numbers fit to work by hand were found for this exercise in {MAX_ATTEMPTS} tries")


def _renamed(document: dict, exercise: Exercise, base: str, seed: int, inputs: dict, samples: list) -> dict:
    """The document with the new numbers, and a title, description, source and hints that fit them."""
    result = dict(document)
    title = str(document.get("title", base)).removesuffix(" (new numbers)")
    result["title"] = f"{title} (new numbers)"
    graph = "\n".join(f"    {node.name} = {node.text}" for node in exercise.written_nodes)
    result["description"] = (
        f'"{title}" again, with new numbers: the same graph and the same steps.\n\n'
        f"{graph}\n\nThe numbers are in the exercise's inputs (`tutor show`).\n"
    )
    result["source"] = f"{SOURCE_PREFIX}{base}, seed {seed}"
    if "inputs" in document:
        result["inputs"] = inputs
    if samples:
        result["batch"] = {**document["batch"], "samples": samples}
    hints = {}
    for key, hint in document.get("hints", {}).items():
        texts = [hint] if isinstance(hint, str) else list(hint)
        texts = [text for text in texts if not NUMERIC_HINT.search(text)]
        if texts:
            hints[key] = texts[0] if len(texts) == 1 else texts
    result.pop("hints", None)
    if hints:
        result["hints"] = hints
    return result


def _renumber(rng: random.Random, value, is_param: bool):
    """Hundredths in the manner of ``value`` (see generate_like), as nested lists like the value."""
    array = np.asarray(value, dtype=np.float64)
    flat = array.ravel()
    if is_param:
        counts = [draw_hundredths(rng, WEIGHT_LIMIT) for _ in flat]
    elif flat.size > 1 and np.all(np.isin(flat, (0.0, 1.0))):
        counts = _labels(rng, array)
    elif flat.size == 1 and flat[0] in (0.0, 1.0):
        counts = [int(flat[0]) * 100]  # a lone 0 or 1 (x = 1, a target y = 1) says what it is: kept
    elif array.ndim and array.shape[-1] > 1 and np.all((flat > 0) & (flat < 1)) and np.allclose(array.sum(axis=-1), 1):
        counts = _distributions(rng, array)
    else:
        largest = max(float(np.max(np.abs(flat))) if flat.size else 1.0, 1.0)
        whole = bool(np.all(flat == np.round(flat)))
        unit = all(0 < number < 1 for number in flat)
        counts = [_like(rng, float(number), largest, whole, unit) for number in flat]
    return np.array(counts, dtype=np.int64).reshape(array.shape).tolist()


def _labels(rng: random.Random, array: np.ndarray) -> list[int]:
    """0/1 labels drawn again: a one-hot row (or vector) keeps a single 1, anywhere in it."""
    rows = array.reshape(-1, array.shape[-1]) if array.ndim else array.reshape(1, 1)
    if array.ndim and np.all(rows.sum(axis=1) == 1) and rows.shape[1] > 1:
        counts = []
        for _ in rows:
            hot = rng.randrange(rows.shape[1])
            counts += [100 if column == hot else 0 for column in range(rows.shape[1])]
        return counts
    return [100 * rng.randint(0, 1) for _ in range(rows.size)]


def _distributions(rng: random.Random, array: np.ndarray) -> list[int]:
    """Rows of probabilities drawn again: each a multiple of 0.05, none 0, summing to 1."""
    size = array.shape[-1]
    counts = []
    for _ in range(array.size // size):
        cuts = sorted(rng.sample(range(1, 20), size - 1))
        counts += [5 * (high - low) for low, high in zip([0, *cuts], [*cuts, 20])]
    return counts


def _like(rng: random.Random, number: float, largest: float, whole: bool, unit: bool) -> int:
    if number == 0:
        return 0
    if unit:
        return rng.randint(1, 19) * 5  # (0, 1) in steps of 0.05
    if whole:
        size = rng.randint(1, max(int(largest), 1)) * 100
    else:
        size = abs(draw_hundredths(rng, int(round(largest * 100))))
    return size if number > 0 else -size


class _Raw(str):
    """A value already written as TOML (the numbers, exact as the generator writes them)."""


BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _document_text(document: dict) -> str:
    """A TOML document: the top-level keys, then each table ([name]), then arrays of tables ([[name]])."""
    lines = [
        f"{_key(key)} = {_value(value)}"
        for key, value in document.items()
        if not _is_table(value) and not _is_table_array(value)
    ]
    for key, value in document.items():
        if _is_table(value):
            lines += ["", f"[{_key(key)}]"] + [f"{_key(inner)} = {_value(item)}" for inner, item in value.items()]
    for key, value in document.items():
        if _is_table_array(value):
            for table in value:
                lines += ["", f"[[{_key(key)}]]"] + [f"{_key(inner)} = {_value(item)}" for inner, item in table.items()]
    return "\n".join(lines) + "\n"


def _is_table(value) -> bool:
    return isinstance(value, dict)


def _is_table_array(value) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(item, dict) for item in value)
        and not any(isinstance(item, _Raw) for item in value)
    )


def _key(key: str) -> str:
    return key if BARE_KEY.match(key) else toml_string(key)


def _value(value) -> str:
    if isinstance(value, _Raw):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        lines = value.split("\n")
        if len(lines) > 2 and "'''" not in value and all(line.isprintable() for line in lines):
            return "'''\n" + value + "'''"  # prose on lines of its own, as the catalog's files write it
        return toml_string(value)
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(key)} = {_value(item)}" for key, item in value.items()) + " }"
    if value and all(isinstance(item, dict) for item in value):
        return "[\n" + "".join(f"  {_value(item)},\n" for item in value) + "]"  # a batch's samples, one a line
    if value and all(isinstance(item, str) and not isinstance(item, _Raw) for item in value):
        return toml_list(value)
    return "[" + ", ".join(_value(item) for item in value) + "]"
