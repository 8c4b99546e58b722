"""The headless commands never import Textual (tutor/cli/main.py: "so they start fast").

The commands run one after another in one fresh interpreter through ``tutor.cli.main.main``; after each,
no module named ``textual`` or ``textual.*`` may be in ``sys.modules`` (a module stays imported, so one
command importing Textual fails it and every command after it). A second check reads ``-X importtime`` of
the real command line, which lists every module imported, the entry point's included.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tutor.generate import KINDS

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "tests" / "seed_answers"
NAME = "sigmoid-neuron-mse"

PROBE = """
import json, sys
from tutor.cli.main import main
reports = {}
for command, argv in json.loads(sys.argv[1]).items():
    try:
        code = main(argv)
    except SystemExit as exit_:
        code = exit_.code
    loaded = sorted(name for name in sys.modules if name == "textual" or name.startswith("textual."))
    reports[command] = {"code": code, "textual": loaded}
print("\\n@@HYGIENE@@" + json.dumps(reports))
"""

COMMANDS = {
    "list": ["list"],
    "list-json": ["list", "--json"],
    "show": ["show", NAME],
    "show-json": ["show", NAME, "--json"],
    "solve": ["solve", NAME],
    "solve-json": ["solve", NAME, "--json"],
    "check": ["check", NAME, str(SEEDS / f"{NAME}.student.toml")],
    "check-json": ["check", NAME, str(SEEDS / f"{NAME}.correct.toml"), "--json"],
    "validate": ["validate", str(REPO / "exercises" / f"{NAME}.toml")],
    "validate-broken": ["validate", "no-such-file.toml"],
    "version": ["--version"],
    "train": ["train", "xor-mlp", "--steps", "3"],
    "train-json": ["train", "xor-mlp", "--steps", "3", "--json"],
    "train-dataset": ["train", "iris-mlp", "--steps", "2", "--dataset", "iris"],
    "generate-mlp-xor": ["generate", "mlp", "--seed", "1", "--dataset", "xor"],
    **{f"generate-{kind}": ["generate", kind, "--seed", "1"] for kind in KINDS},  # every kind the generator has
    "progress-json": ["progress", "--json"],
    "check-record": ["check", NAME, str(SEEDS / f"{NAME}.correct.toml"), "--record", "--learner", "Hygiene"],
}
EXPECTED_CODES = {"check": 1, "validate-broken": 2}


def probe_reports() -> dict:
    """Every command of COMMANDS, in one interpreter (one start-up, not one per command): its code and the
    Textual modules imported once it has run."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(COMMANDS)], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert "Traceback" not in result.stderr, result.stderr
    marker = result.stdout.rindex("@@HYGIENE@@")
    return json.loads(result.stdout[marker + len("@@HYGIENE@@") :])


def test_headless_commands_do_not_import_textual():
    """One test for every command of the probe, not one per command: under xdist, each worker that ran one of them
    started the probe's interpreter again."""
    reports = probe_reports()
    assert {command: report["code"] for command, report in reports.items()} == {
        command: EXPECTED_CODES.get(command, 0) for command in COMMANDS
    }
    imported = {
        f"tutor {' '.join(COMMANDS[command])}": report["textual"]
        for command, report in reports.items()
        if report["textual"]
    }
    assert imported == {}, f"these commands (or one before each) imported Textual: {imported}"


# The entry point's imports are the same for every command, and the probe above checks each command's own (train's
# three included) after it ran: one real command line, not one process per command
def test_importtime_of_the_real_command_shows_no_textual():
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "tutor.cli.main", *COMMANDS["check"]],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == EXPECTED_CODES["check"], result.stderr[-2000:]
    imported = [
        line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")
    ]
    assert "tutor.cli.commands" in imported  # the probe really saw the command's imports
    textual = [name for name in imported if name == "textual" or name.startswith("textual.")]
    assert textual == []


TUI_PROBE = """
import asyncio, json, sys, tempfile
from pathlib import Path
from tutor.session import ProgressStore
from tutor.tui.app import TutorApp
from tutor.tui.screens.catalog import CatalogScreen

DEFERRED = ["tutor.tui.screens.help", "tutor.tui.screens.confirm", "tutor.tui.screens.inspect"]

# whether NumPy was loaded when the catalog's rows were first shown (the skill bars come after, from a thread)
numpy_when_shown = []
reload = CatalogScreen.reload
def recording_reload(screen):
    reload(screen)
    numpy_when_shown.append("numpy" in sys.modules)
CatalogScreen.reload = recording_reload

async def main():
    report = {}
    # `tutor`: the catalog, then the exercise under its cursor
    app = TutorApp(store=ProgressStore(Path(tempfile.mkdtemp())))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        rows = app.screen.query_one("#exercises").row_count
        before = numpy_when_shown[0]
        app.screen.action_practice()  # the exercise under the cursor
        await pilot.pause()
        textual = any(name == "textual" or name.startswith("textual.") for name in sys.modules)  # as PROBE asks
        report["catalog"] = {"catalog": isinstance(app.screen_stack[1], CatalogScreen), "rows": rows,
                             "textual_with_the_tui": textual,
                             "numpy_with_the_catalog": before,
                             "numpy_with_an_exercise": "numpy" in sys.modules,
                             "opened": type(app.screen).__name__}
    # then `tutor run`, in the same interpreter: a module the catalog or an exercise opened from it imported
    # stays imported, so none of DEFERRED loaded here means neither way loads it before it is needed
    app = TutorApp("sigmoid-neuron-mse", store=ProgressStore(Path(tempfile.mkdtemp())))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        shown = type(app.screen).__name__
        before = [name for name in DEFERRED if name in sys.modules]
        await pilot.press("f1")
        await pilot.pause()
        report["exercise"] = {"shown": shown, "loaded_before": before, "help": type(app.screen).__name__}
    print("@@TUI@@" + json.dumps(report))

asyncio.run(main())
"""


def tui_probe_report() -> dict:
    """The catalog and then `tutor run`, in one interpreter (one start-up, not one per screen)."""
    result = subprocess.run([sys.executable, "-c", TUI_PROBE], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert "Traceback" not in result.stderr, result.stderr
    return json.loads(result.stdout[result.stdout.rindex("@@TUI@@") + len("@@TUI@@") :])


def test_the_tui_opens_without_what_it_needs_only_later():
    """`tutor` shows its catalog without the engine (a faster start: the learner model's skill bars, which need
    it, are read in a thread once the rows are shown); opening an exercise brings it in. The TUI does bring Textual
    in: the hygiene probe's check is not vacuous. `tutor run` draws its first screen without the help, confirm and
    inspect screens (a faster start); F1 still brings the help in. One test for the one probe: under xdist, two
    tests on two workers would each start it."""
    report = tui_probe_report()
    catalog = report["catalog"]
    assert catalog == {
        "catalog": True,
        "rows": catalog["rows"],
        "textual_with_the_tui": True,
        "numpy_with_the_catalog": False,
        "numpy_with_an_exercise": True,
        "opened": "ExerciseScreen",
    }
    assert catalog["rows"] > 30
    assert report["exercise"] == {"shown": "ExerciseScreen", "loaded_before": [], "help": "HelpScreen"}


def test_every_package_of_tutor_is_listed_for_the_wheel():
    """pyproject.toml lists the packages by name: a new one missing from the list works in an editable
    checkout and is absent from `pip install .`."""
    import tomllib

    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(init.parent.relative_to(REPO).parts) for init in (REPO / "tutor").rglob("__init__.py")}
    assert found - listed == set()
