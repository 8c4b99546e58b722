"""Hostile input for the tutor command (issue 13): each case a command line, the files it runs among, the exit
code and a message it must give. tests/test_hostile.py runs them all; benchmarks/bench_limits.py runs them as
real processes and measures their time and peak memory.

Every case runs in a fresh folder (the current directory), with BACKPROP_TUTOR_HOME=home there unless the case
names another. Whatever the case, the output must hold no traceback, no "internal error" and no raw control
character (a terminal would obey it).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

# Text a file or a learner may carry, and how the tutor must show it: escapes for what a terminal would obey,
# markup-like text as itself.
PAYLOADS = {
    "csi-clear-screen": ("\x1b[2J", "\\x1b[2J"),
    "osc-window-title": ("\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07"),
    "rtl-override": ("ab\u202ecd", "ab\\u202ecd"),
    "bidi-isolate": ("ab\u2066cd", "ab\\u2066cd"),
    "bell": ("ab\x07cd", "ab\\x07cd"),
    "backspace": ("ab\x08cd", "ab\\x08cd"),
    "c1-csi": ("ab\x9bcd", "ab\\x9bcd"),
    "markup-close": ("x [/] y", "x [/] y"),
    "markup-style": ("[bold red]2.8", "[bold red]2.8"),
    "markup-tag": ("see [W1] here", "see [W1] here"),
}

CATALOG_EXERCISE = "sigmoid-neuron-mse"


@dataclass(frozen=True)
class Case:
    name: str
    argv: tuple[str, ...]
    code: int
    shows: str  # in the output (stdout and stderr), spaces, line breaks and table borders aside
    files: dict[str, bytes] = field(default_factory=dict)  # relative path -> content ("dir/" for a folder)
    fifos: tuple[str, ...] = ()
    links: dict[str, str] = field(default_factory=dict)  # relative path -> target
    sparse: dict[str, int] = field(default_factory=dict)  # relative path -> size, written as a hole
    home: str = "home"  # BACKPROP_TUTOR_HOME, relative to the folder


def toml_string(text: str) -> str:
    """A TOML basic string holding ``text``: JSON's escapes (\\u001b) are TOML's too."""
    return json.dumps(text)


def exercise(title: str = "t", graph: str = 'z = "a*b"', top: str = "", tail: str = "") -> bytes:
    return f"title = {toml_string(title)}\n{top}\n[inputs]\na = 2\nb = 3\n[graph]\n{graph}\n{tail}".encode()


def nested(opening: str, closing: str, depth: int, inner: str = "1") -> str:
    return opening * depth + inner + closing * depth


def batch_exercise(samples: int, nodes: int = 2) -> bytes:
    graph = "\n".join(f'n{index + 1} = "n{index}*w"' for index in range(nodes))
    rows = ", ".join(f"{{n0 = {index}}}" for index in range(samples))
    return f'title = "b"\n[inputs]\nw = 2\n[graph]\n{graph}\n[batch]\nsamples = [{rows}]\n'.encode()


def chain_exercise(nodes: int) -> bytes:
    graph = "\n".join(f'n{index + 1} = "n{index}*2"' for index in range(nodes))
    return f'title = "c"\n[inputs]\nn0 = 1\n[graph]\n{graph}\n'.encode()


@cache
def transcript_of_catalog_exercise() -> dict:
    """A real transcript of the catalog exercise, two answers typed (one right, one wrong), from `tutor check`."""
    import contextlib
    import io
    import tempfile

    from tutor.cli.main import main

    with tempfile.TemporaryDirectory() as folder, contextlib.redirect_stdout(io.StringIO()):
        answers = Path(folder) / "answers.toml"
        answers.write_text('[value]\np1 = "0.8"\np2 = "3"\n', encoding="utf-8")
        written = Path(folder) / "t.json"
        main(["check", CATALOG_EXERCISE, str(answers), "--transcript", str(written), "--learner", "Ada"])
        return json.loads(written.read_text(encoding="utf-8"))


def transcript(**changes) -> bytes:
    data = json.loads(json.dumps(transcript_of_catalog_exercise()))
    exercise_changes = changes.pop("exercise", {})
    data["exercise"].update(exercise_changes)
    data.update(changes)
    return json.dumps(data).encode()


def progress(exercise_text: bytes | None = None, **changes) -> bytes:
    """A saved session, as `tutor run` writes it, of the catalog exercise or of ``exercise_text``, with
    ``changes``."""
    from tutor.exercise import parse_exercise, resolve_exercise
    from tutor.session import Session

    worked = parse_exercise(exercise_text.decode(), None, "x") if exercise_text else resolve_exercise(CATALOG_EXERCISE)
    data = Session(worked).progress_data()
    data.update(changes)
    return json.dumps(data).encode()


GOOD_ANSWERS = b'[value]\np1 = "0.8"\n'
ASSIGNMENT = f'[assignment]\ntitle = "hw"\n[[exercise]]\nname = "{CATALOG_EXERCISE}"\n'.encode()


def text_cases() -> list[Case]:
    """Every payload in every place a file's or learner's text is shown or echoed."""
    cases = []
    for label, (raw, shown) in PAYLOADS.items():
        titled = {"x.toml": exercise(title=raw)}
        cases += [
            Case(f"show-title-{label}", ("show", "x.toml"), 0, shown, titled),
            Case(f"solve-title-{label}", ("solve", "x.toml"), 0, shown, titled),
            Case(f"show-json-title-{label}", ("show", "x.toml", "--json"), 0, json.dumps(raw)[1:-1], titled),
            Case(
                f"check-title-{label}",
                ("check", "x.toml", "a.toml"),
                1,
                shown,
                {**titled, "a.toml": b'[value]\nz = "6"\n'},
            ),
            Case(
                f"show-description-{label}",
                ("show", "x.toml"),
                0,
                shown,
                {"x.toml": exercise(top=f"description = {toml_string(raw)}")},
            ),
            Case(
                f"show-source-{label}",
                ("show", "x.toml"),
                0,
                shown,
                {"x.toml": exercise(top=f"source = {toml_string(raw)}")},
            ),
            Case(
                f"validate-node-name-{label}",
                ("validate", "x.toml"),
                2,
                shown,
                {"x.toml": exercise(graph=f'z = "a*b"\n{toml_string("n" + raw)} = "a"')},
            ),
            Case(
                f"validate-unknown-field-{label}",
                ("validate", "x.toml"),
                2,
                shown,
                {"x.toml": exercise(top=f"{toml_string('f' + raw)} = 1")},
            ),
            Case(
                f"validate-output-{label}",
                ("validate", "x.toml"),
                2,
                shown,
                {"x.toml": exercise(top=f"output = {toml_string(raw)}")},
            ),
            Case(
                f"validate-expression-{label}",
                ("validate", "x.toml"),
                2,
                shown,
                {"x.toml": exercise(graph=f"z = {toml_string('a*b' + raw)}")},
            ),
            Case(
                f"check-answer-{label}",
                ("check", CATALOG_EXERCISE, "a.toml"),
                1,
                shown,
                {"a.toml": f"[value]\np1 = {toml_string(raw)}\n".encode()},
            ),
            Case(f"grade-learner-{label}", ("grade", "t.json"), 0, shown, {"t.json": transcript(learner=raw)}),
            Case(f"unknown-catalog-name-{label}", ("show", "nope" + raw), 2, shown),
            Case(
                f"generate-output-name-{label}",
                ("generate", "expression", "--seed", "1", "-o", f"g{raw}.toml"),
                0,
                f"Wrote g{shown}.toml",
            ),
        ]
    return cases


NOT_REGULAR = "is not a regular file (a device, FIFO or socket)"
TOO_DEEP = "nested more than 32 deep"


def limit_cases() -> list[Case]:
    """Files that are too big, too deep, endless or not files at all: each refused with its reason."""
    fifo = {"fifos": ("fifo.toml",)}
    cases = [
        *(
            Case(f"{command}-dev-zero", (command, "/dev/zero"), 2, f"/dev/zero: {NOT_REGULAR}")
            for command in ("validate", "show", "solve", "train", "run", "exam")
        ),
        *(
            Case(
                f"train-dataset-{label}", ("train", "xor-mlp", "--dataset", path), 2, "or a CSV file: no file", **given
            )
            for label, path, given in (("dev-zero", "/dev/zero", {}), ("fifo", "fifo.csv", fifo))
        ),
        # an empty name used to train on the exercise's own numbers without a word
        Case("train-dataset-empty", ("train", "xor-mlp", "--dataset", ""), 2, "give a shipped dataset (xor, iris)"),
        *(
            Case(f"exam-time-limit-{minutes}", ("exam", CATALOG_EXERCISE, "--time-limit", minutes), 2, "more than 0")
            for minutes in ("-5", "nan", "inf", "0", "20000")
        ),
        Case("check-dev-zero-exercise", ("check", "/dev/zero", "a.toml"), 2, NOT_REGULAR, {"a.toml": GOOD_ANSWERS}),
        Case("check-dev-zero-answers", ("check", CATALOG_EXERCISE, "/dev/zero"), 2, f"/dev/zero: {NOT_REGULAR}"),
        *(
            Case(f"{command}-fifo", (command, "fifo.toml"), 2, f"fifo.toml: {NOT_REGULAR}", **fifo)
            for command in ("validate", "show", "solve", "run")
        ),
        Case("check-fifo-answers", ("check", CATALOG_EXERCISE, "fifo.toml"), 2, f"fifo.toml: {NOT_REGULAR}", **fifo),
        Case("validate-link-to-dev-zero", ("validate", "zero.toml"), 2, NOT_REGULAR, links={"zero.toml": "/dev/zero"}),
        Case("validate-folder", ("validate", "folder.toml"), 2, "folder.toml: is a folder", {"folder.toml/": b""}),
        Case(
            "validate-file-over-1-mb",
            ("validate", "big.toml"),
            2,
            "exercise files are limited to 1 MB",
            sparse={"big.toml": 50_000_000},
        ),
        Case(
            "check-answers-over-1-mb",
            ("check", CATALOG_EXERCISE, "big.toml"),
            2,
            "answers files are limited to 1 MB",
            sparse={"big.toml": 2_000_000},
        ),
        Case("validate-bom", ("validate", "bom.toml"), 0, "ok bom.toml", {"bom.toml": b"\xef\xbb\xbf" + exercise()}),
        Case(  # each exercise of an assignment is loaded: thousands are refused by their count first
            "validate-assignment-of-5000-exercises",
            ("validate", "hw.toml"),
            2,
            "the assignment lists 5,000 exercises; the limit is 100",
            {
                "hw.toml": b'[assignment]\ntitle = "hw"\n' + b'[[exercise]]\npath = "x.toml"\n' * 5000,
                "x.toml": exercise(),
            },
        ),
        Case(
            "check-bom-answers",
            ("check", CATALOG_EXERCISE, "a.toml"),
            1,
            "1 of 1",
            {"a.toml": b"\xef\xbb\xbf" + GOOD_ANSWERS},
        ),
        Case(
            "validate-latin-1",
            ("validate", "l.toml"),
            2,
            "l.toml:1: is not UTF-8 text",
            {"l.toml": b'title = "J\xf6rg"'},
        ),
        Case(
            "validate-5000-nested-arrays",
            ("validate", "n.toml"),
            2,
            TOO_DEEP,
            {"n.toml": exercise(tail=f"[hints]\nz = {nested('[', ']', 5000)}")},
        ),
        Case(
            "validate-3000-nested-inline-tables",
            ("validate", "n.toml"),
            2,
            TOO_DEEP,
            {"n.toml": exercise(tail=f"[hints]\nz = {nested('{a = ', '}', 3000)}")},
        ),
        Case(
            "validate-33-nested-arrays",
            ("validate", "n.toml"),
            2,
            TOO_DEEP,
            {"n.toml": exercise(tail=f"[hints]\nz = {nested('[', ']', 33)}")},
        ),
        Case(
            "validate-array-of-10001",
            ("validate", "n.toml"),
            2,
            "an array has 10,001 elements; the limit is 10,000",
            {"n.toml": exercise(tail=f"[hints]\nz = [{', '.join(['1'] * 10_001)}]")},
        ),
        Case(
            "check-answers-nested",
            ("check", CATALOG_EXERCISE, "a.toml"),
            2,
            TOO_DEEP,
            {"a.toml": f"[value]\np1 = {nested('[', ']', 5000)}\n".encode()},
        ),
        Case(
            "validate-batch-101",
            ("validate", "b.toml"),
            2,
            "[batch] has 101 samples; the limit is 100",
            {"b.toml": batch_exercise(101)},
        ),
        Case(
            "validate-batch-500",
            ("validate", "b.toml"),
            2,
            "[batch] has 500 samples; the limit is 100",
            {"b.toml": batch_exercise(500)},
        ),
        Case("solve-batch-500", ("solve", "b.toml"), 2, "the limit is 100", {"b.toml": batch_exercise(500)}),
        Case("validate-batch-100", ("validate", "b.toml"), 0, "ok b.toml", {"b.toml": batch_exercise(100, nodes=1)}),
        Case(
            "validate-chain-2000-batch-200",
            ("validate", "b.toml"),
            2,
            "the limit is 100",
            {"b.toml": batch_exercise(200, nodes=2000)},
        ),
        Case(
            "validate-chain-2000-batch-10",
            ("validate", "b.toml"),
            2,
            "[batch] makes 20,001 nodes (2,000 per sample for 10 samples, and the total); the limit is 5,000",
            {"b.toml": batch_exercise(10, nodes=2000)},
        ),
        Case(
            "validate-graph-5001",
            ("validate", "c.toml"),
            2,
            "[graph] has 5,001 nodes; the limit is 5,000",
            {"c.toml": chain_exercise(5001)},
        ),
    ]
    return cases


def transcript_cases() -> list[Case]:
    """`tutor grade`: every usable transcript graded, every other one named with why."""
    good = {"good.json": transcript()}
    zero_path = transcript(exercise={"name": "mine", "path": "/dev/zero", "fingerprint": ""})
    events = transcript_of_catalog_exercise()["events"]
    return [
        Case(
            "grade-exercise-path-dev-zero",
            ("grade", "z.json"),
            2,
            f"z.json: its exercise /dev/zero: {NOT_REGULAR}",
            {"z.json": zero_path},
        ),
        Case("grade-good-and-dev-zero-path", ("grade", "good.json", "z.json"), 1, "Ada", {**good, "z.json": zero_path}),
        Case(
            "grade-5001-events",
            ("grade", "good.json", "e.json"),
            1,
            "e.json: the transcript has 5,001 events; the limit is 5,000",
            {**good, "e.json": transcript(events=[events[0]] * 5001)},
        ),
        Case(
            "grade-20000-events",
            ("grade", "e.json"),
            2,
            "e.json: an array has 20,000 elements; the limit is 10,000",
            {"e.json": transcript(events=[events[0]] * 20_000)},
        ),
        Case(
            "grade-nested-json",
            ("grade", "good.json", "n.json"),
            1,
            f"n.json: is {TOO_DEEP}",
            {**good, "n.json": nested("[", "]", 100_000).encode()},
        ),
        Case(
            "grade-shallow-nesting-over-limit",
            ("grade", "n.json"),
            2,
            TOO_DEEP,
            {"n.json": nested("[", "]", 40).encode()},
        ),
        Case(
            "grade-markup-learner-and-good",
            ("grade", "good.json", "m.json"),
            0,
            "[/]",
            {**good, "m.json": transcript(learner="[/]")},
        ),
        Case(
            "grade-batch-500-exercise",
            ("grade", "good.json", "b.json"),
            1,
            "b.json: its exercise",
            {
                **good,
                "b.toml": batch_exercise(500),
                "b.json": transcript(exercise={"name": "b", "path": "b.toml", "fingerprint": ""}),
            },
        ),
        Case(
            "grade-truncated",
            ("grade", "good.json", "cut.json"),
            1,
            "cut.json: is damaged",
            {**good, "cut.json": transcript()[:500]},
        ),
        Case("grade-dev-zero", ("grade", "good.json", "/dev/zero"), 1, f"/dev/zero: {NOT_REGULAR}", good),
        Case("grade-fifo", ("grade", "good.json", "f.json"), 1, f"f.json: {NOT_REGULAR}", good, fifos=("f.json",)),
        Case(
            "grade-over-20-mb",
            ("grade", "good.json", "big.json"),
            1,
            "transcripts are limited to 20 MB",
            good,
            sparse={"big.json": 30_000_000},
        ),
        Case(
            "grade-not-an-object",
            ("grade", "good.json", "l.json"),
            1,
            "l.json: this is not a backprop-tutor transcript",
            {**good, "l.json": b"[1, 2]"},
        ),
        Case(
            "grade-exercise-not-a-table",
            ("grade", "good.json", "x.json"),
            1,
            "x.json: the transcript is damaged",
            {**good, "x.json": json.dumps({**json.loads(transcript()), "exercise": ["x"]}).encode()},
        ),
        Case(
            "grade-exercise-fields-not-text",
            ("grade", "good.json", "x.json"),
            1,
            "x.json: the transcript does not name its exercise",
            {**good, "x.json": transcript(exercise={"name": ["x"], "path": 5, "fingerprint": {}})},
        ),
        *(
            Case(
                f"grade-assignment-{label}",
                ("grade", "--assignment", "hw.toml", "good.json", "bad.json"),
                1,
                shows,
                {**good, "hw.toml": ASSIGNMENT, "bad.json": bad},
            )
            for label, shows, bad in (
                ("nested-json", f"bad.json: is {TOO_DEEP}", nested("[", "]", 100_000).encode()),
                (  # neither a name nor a fingerprint to find it by (a fingerprint alone would find it)
                    "exercise-name-list",
                    "bad.json: the transcript does not name its exercise",
                    transcript(exercise={"name": ["x"], "fingerprint": ""}),
                ),
                ("not-json", "bad.json: is damaged", b"{oops"),
            )
        ),
        Case(
            "grade-assignment-roster-dev-zero",
            ("grade", "--assignment", "hw.toml", "--roster", "/dev/zero", "good.json"),
            2,
            f"/dev/zero: {NOT_REGULAR}",
            {**good, "hw.toml": ASSIGNMENT},
        ),
        Case(
            "grade-assignment-dev-zero",
            ("grade", "--assignment", "hw.toml", "good.json", "/dev/zero"),
            1,
            f"/dev/zero: {NOT_REGULAR}",
            {**good, "hw.toml": ASSIGNMENT},
        ),
        Case(
            "grade-gradescope-into-folder",
            ("grade", "good.json", "--gradescope", "out"),
            2,
            "out",
            {**good, "out/": b""},
        ),
        Case(
            "grade-csv-dev-full",
            ("grade", "good.json", "--csv", "/dev/full"),
            2,
            "cannot save /dev/full: it is a device, not a file",
            good,
        ),
    ]


def session_cases() -> list[Case]:
    """`tutor sessions` and `tutor export`: the good sessions listed, the bad ones named."""
    folder = "home/progress/"
    good = {folder + "good.json": progress()}
    cases = []
    for label, damage in {
        "events-not-events": {"events": [1, 2]},
        "score-text": {"score": "x"},
        "exercise-list": {"exercise": ["x"]},
        "done-text": {"done": "3"},
        "event-time-text": {"events": [{"time": "noon", "type": "start"}]},
    }.items():
        cases.append(
            Case(
                f"sessions-{label}",
                ("sessions",),
                0,
                "bad.json: is damaged",
                {**good, folder + "bad.json": progress(**damage)},
            )
        )
    cases += [
        Case(
            "sessions-lists-good-beside-bad",
            ("sessions",),
            0,
            CATALOG_EXERCISE,
            {**good, folder + "bad.json": progress(score="x")},
        ),
        Case("sessions-garbage", ("sessions",), 0, "g.json: is damaged", {**good, folder + "g.json": b"\x00garbage"}),
        Case(
            "sessions-nested",
            ("sessions",),
            0,
            f"n.json: is {TOO_DEEP}",
            {**good, folder + "n.json": nested("[", "]", 50_000).encode()},
        ),
        Case("sessions-folder-named-json", ("sessions",), 0, "d.json: is a folder", {**good, folder + "d.json/": b""}),
        Case(
            "sessions-not-a-progress-file",
            ("sessions",),
            0,
            "o.json: is not a backprop-tutor progress file",
            {**good, folder + "o.json": b"{}"},
        ),
        Case(
            "sessions-home-is-a-file",
            ("sessions",),
            2,
            "the sessions folder cannot be read",
            {"homefile": b"x"},
            home="homefile",
        ),
        Case("sessions-none", ("sessions",), 0, "No saved sessions yet"),
        Case(
            "export-exercise-path-dev-zero",
            ("export", "p.json"),
            2,
            f"/dev/zero: {NOT_REGULAR}",
            {"p.json": progress(exercise="mine", exercise_path="/dev/zero")},
        ),
        Case(
            "export-damaged-progress",
            ("export", "p.json"),
            2,
            "p.json: is damaged",
            {"p.json": progress(events=[1, 2])},
        ),
        Case(
            "export-nested-progress", ("export", "p.json"), 2, TOO_DEEP, {"p.json": nested("[", "]", 50_000).encode()}
        ),
        Case("export-to-stdout", ("export", "p.json", "-o", "-"), 0, "# ", {"p.json": progress()}),
        Case(
            "export-json-to-stdout",
            ("export", "p.json", "--format", "json", "-o", "-"),
            0,
            '"format": "backprop-tutor-transcript"',
            {"p.json": progress()},
        ),
        *(
            Case(
                f"export-{form}-to-stdout-{label}",
                ("export", "p.json", "--format", form),
                0,
                shown if form == "md" else json.dumps(raw)[1:-1],  # JSON writes \u001b itself
                {"p.json": progress(exercise(title=raw), exercise_path="x.toml"), "x.toml": exercise(title=raw)},
            )
            for form in ("md", "json")
            for label, (raw, shown) in PAYLOADS.items()
            if label in ("csi-clear-screen", "rtl-override", "markup-close")
        ),
        Case("export-into-folder", ("export", "p.json", "-o", "out"), 2, "out", {"p.json": progress(), "out/": b""}),
        Case(
            "export-to-empty-name",
            ("export", "p.json", "-o", ""),
            2,
            "cannot save .: it is a folder; give a file name",
            {"p.json": progress()},
        ),
        Case(
            "check-transcript-into-read-only-folder",
            ("check", CATALOG_EXERCISE, "a.toml", "--transcript", "/sys/t.json"),
            2,
            "cannot save /sys/t.json: permission denied",
            {"a.toml": GOOD_ANSWERS},
        ),
        Case("catalog-name-beside-folder", ("show", "xor-mlp"), 0, "XOR", {"xor-mlp/": b""}),
        Case(
            "catalog-name-beside-file", ("show", CATALOG_EXERCISE), 0, "Sigmoid neuron", {CATALOG_EXERCISE: b"not toml"}
        ),
        Case("generate-to-stdout", ("generate", "expression", "--seed", "1", "-o", "-"), 0, "[graph]"),
    ]
    return cases


def all_cases() -> list[Case]:
    return [*text_cases(), *limit_cases(), *transcript_cases(), *session_cases()]


def lay_out(case: Case, folder: Path) -> dict[str, str]:
    """Write the case's files into ``folder``; return the environment changes it runs with."""
    for name, content in case.files.items():
        path = folder / name
        if name.endswith("/"):
            path.mkdir(parents=True, exist_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    for name in case.fifos:
        os.mkfifo(folder / name)
    for name, target in case.links.items():
        (folder / name).symlink_to(target)
    for name, size in case.sparse.items():
        with open(folder / name, "wb") as handle:
            handle.truncate(size)
    return {"BACKPROP_TUTOR_HOME": str(folder / case.home)}


def squeezed(text: str) -> str:
    """Output with spaces, line breaks and table borders taken out: a table may wrap a long cell."""
    return "".join(character for character in text if character not in " \n│┃")


def output_problems(case: Case, code: int, output: str) -> list[str]:
    """What is wrong with a run of ``case``: nothing, when it ended as it should."""
    problems = []
    if code != case.code:
        problems.append(f"exit code {code}, expected {case.code}")
    if squeezed(case.shows) not in squeezed(output):
        problems.append(f"{case.shows!r} is not in the output")
    for banned in ("Traceback", "internal error"):
        if banned in output:
            problems.append(f"{banned!r} in the output")
    raw = sorted({character for character in output if not character.isprintable() and character != "\n"})
    if raw:
        problems.append(f"raw control characters in the output: {raw!r}")
    return problems
