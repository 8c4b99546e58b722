"""TUI speed: launch to the first interactive frame, and Enter to the updated screen.

    python benchmarks/bench_tui.py [--instructions] [--launch-only]

(a) Launch: the installed `tutor run sigmoid-neuron-mse`, `tutor` (which opens on the catalog) and
    a bare Textual app with a Footer are each started in a real terminal (tmux) and timed until
    their first screen is readable; target: under 1.5 times the bare app, measured in the same run.
    Replicas in plain Textual (the same widgets, bindings and stylesheet, no tutor code) set the
    floor our own dependencies allow: the exercise screen's layout, that layout with NumPy
    imported, and the catalog with the same columns and rows. Targets: `tutor run` at most 1.2
    times the exercise screen with NumPy, `tutor` at most 1.2 times the catalog replica.
    --instructions also counts, with valgrind, the instructions each program executes up to its
    first frame (for the catalogs: with their rows): exact where the wall clock on a shared
    machine varies by a third from run to run.
(b) Enter: on the largest catalog exercise, the time from pressing Enter on an answer to the
    next step's prompt being on the screen (real terminal, tmux; includes tmux's own polling);
    target: under 50 ms.
Figures are printed; nothing here is asserted by the test suite.
"""

from __future__ import annotations

import argparse
import compileall
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
from pathlib import Path

RUNS = 5
EXERCISE = "sigmoid-neuron-mse"
FIRST_PROMPT = "the value of p1"
# Each reference app leaves at its first frame when counting instructions (valgrind counts until exit).
LEAVE_AT_FIRST_FRAME = textwrap.dedent("""
    def leave_at_first_frame(screen):
        if os.environ.get("BENCH_LEAVE_AT_FIRST_FRAME"):
            screen.call_after_refresh(os._exit, 0)
""")
BARE_APP = textwrap.dedent("""
    import os
    from textual.app import App
    from textual.widgets import Footer, Static
    {leave}
    class Bare(App):
        BINDINGS = [("f2", "bell", "Bell")]

        def compose(self):
            yield Static("bare app ready")
            yield Footer()

        def on_mount(self):
            leave_at_first_frame(self.screen)

    Bare().run()
""")
# tutor/tui/screens/exercise.py's compose, bindings and stylesheet, with fixed texts for the session's.
SCREEN_ONLY_APP = textwrap.dedent("""
    import os
    {numpy}
    from textual.app import App
    from textual.binding import Binding
    from rich.text import Text
    from textual.containers import Horizontal, Vertical, VerticalScroll
    from textual.screen import Screen
    from textual.scroll_view import ScrollView
    from textual.widgets import Footer, Header, Input, ProgressBar, Static
    {leave}
    class Graph(ScrollView, can_focus=True):
        COMPONENT_CLASSES = {{f"graph--{{name}}" for name in
                             ("node", "input", "current", "edge", "label", "value", "grad", "unknown")}}

    class Exercise(Screen):
        BINDINGS = [Binding("ctrl+q", "app.quit", "Quit", key_display="^q"), Binding("f1", "app.help", "Help"),
                    Binding("f2", "hint", "Hint"), Binding("f3", "reveal", "Reveal"),
                    Binding("pageup", "previous", "Previous step", key_display="PgUp", priority=True),
                    Binding("pagedown", "next", "Next step", key_display="PgDn", priority=True),
                    Binding("f6", "export", "Export"), Binding("f7", "inspect", "Inspect"),
                    Binding("f9", "submit", "Submit"), Binding("escape", "back", "Back"),
                    Binding("up", "scroll(0, -2)", "Graph up", show=False),
                    Binding("down", "scroll(0, 2)", "Graph down", show=False),
                    Binding("alt+left", "scroll(-8, 0)", "Graph left", show=False),
                    Binding("alt+right", "scroll(8, 0)", "Graph right", show=False)]

        def compose(self):
            yield Header()
            yield Graph(id="graph")
            with Vertical(id="step-panel"):
                yield Static("{prompt} = w1*x1 + w2*x2", id="prompt", markup=False)
                with VerticalScroll(id="given"):
                    yield Static(Text("w1 (given) = 4/5    x1 (given) = 1\\nw2 (given) = 7/5    x2 (given) = 1",
                                      no_wrap=True, overflow="ignore"), id="given-body", markup=False)
                with Horizontal(id="answer-row"):
                    yield Static("Your answer ›", id="answer-label")
                    yield Input(placeholder="a number, like -1.1 or 5/7", id="answer", compact=True)
                yield Static(id="preview", markup=False)
                yield Static(id="feedback", markup=False)
                yield Static(id="hints", markup=False)
            with Horizontal(id="status"):
                yield ProgressBar(total=12, show_eta=False, id="progress")
                yield Static("Forward pass · step 1 of 12", id="phase", markup=False)
                yield Static("score 0/12", id="score")
            yield Footer(compact=True)

        def on_mount(self):
            self.query_one(Input).focus()
            leave_at_first_frame(self)

    class ScreenOnly(App):
        CSS_PATH = {stylesheet!r}
        BINDINGS = [Binding("f1", "help", "Help"), Binding("ctrl+q", "quit", "Quit", key_display="^q")]

        def on_mount(self):
            self.push_screen(Exercise())

    ScreenOnly().run()
""")
# tutor/tui/screens/catalog.py's compose, bindings and stylesheet, with the rows `tutor` shows a new learner.
CATALOG_ONLY_APP = textwrap.dedent("""
    import os
    from rich.text import Text
    from textual.app import App
    from textual.binding import Binding
    from textual.screen import Screen
    from textual.widgets import DataTable, Footer, Header, Input, Static
    {leave}
    COLUMNS = {columns!r}
    ROWS = {rows!r}

    class Catalog(Screen):
        BINDINGS = [Binding("enter", "practice", "Practice", priority=True), Binding("f8", "exam", "Exam"),
                    Binding("f4", "new_like", "New one", tooltip="Practise a freshly generated exercise like this one"),
                    Binding("f5", "train", "Train", tooltip="Run gradient descent on this exercise and plot the loss"),
                    Binding("down", "cursor(1)", "Down", show=False, priority=True),
                    Binding("up", "cursor(-1)", "Up", show=False, priority=True),
                    Binding("escape", "clear_filter", "Clear", tooltip="Clear the filter")]

        def compose(self):
            yield Header()
            yield Static("Pick an exercise: type to filter, ↑/↓ to choose, Enter to start. F1 for help.",
                         id="catalog-intro")
            yield Input(placeholder="filter by name, title or tag", id="filter")
            yield DataTable(id="exercises", cursor_type="row", zebra_stripes=True)
            yield Footer(compact=True)

        def on_mount(self):
            self.title = "backprop-tutor"
            self.sub_title = "catalog"
            self.query_one(DataTable).add_columns(*COLUMNS)
            self.query_one(Input).focus()

        def on_screen_resume(self):
            table = self.query_one(DataTable)
            table.clear()
            for key, cells in ROWS:
                table.add_row(*(Text(cell) for cell in cells), key=key)
            leave_at_first_frame(self)

    class CatalogOnly(App):
        CSS_PATH = {stylesheet!r}
        BINDINGS = [Binding("f1", "help", "Help"), Binding("ctrl+q", "quit", "Quit", key_display="^q")]

        def on_mount(self):
            self.push_screen(Catalog())

    CatalogOnly().run()
""")
# `tutor ...`, leaving at the first frame of its first screen; the hook patches the screen as it is imported:
# its {method} (on_mount, or the catalog's reload, which fills its rows) asks to leave after the next refresh.
TUTOR_AT_FIRST_FRAME = textwrap.dedent("""
    import functools, importlib.abc, importlib.machinery, os, sys

    class LeaveAtFirstFrame(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path, target=None):
            if name != "tutor.tui.screens.{module}":
                return None
            spec = importlib.machinery.PathFinder.find_spec(name, path)
            execute = spec.loader.exec_module

            def exec_module(module):
                execute(module)
                original = module.{screen}.{method}

                # wraps: Textual passes a handler the event only when its signature takes one
                @functools.wraps(original)
                def patched(screen, *arguments):
                    original(screen, *arguments)
                    screen.call_after_refresh(os._exit, 0)

                module.{screen}.{method} = patched

            spec.loader.exec_module = exec_module
            return spec

    sys.meta_path.insert(0, LeaveAtFirstFrame())
    from tutor.cli.main import main
    main({arguments!r})
""")


def catalog_rows() -> list[tuple[str, tuple[str, ...]]]:
    """The catalog's rows for a learner with no progress yet (what `tutor` shows in the benchmark's fresh home)."""
    from tutor.session.catalog import catalog_entries
    from tutor.tui.screens.catalog import row_cells

    return [(entry.name, tuple(str(cell) for cell in row_cells(entry))) for entry in catalog_entries(None)]


def write_apps(folder: Path) -> dict[str, list[str]]:
    """The programs of (a), as command lines; the reference apps are written into ``folder``."""
    import tutor.tui
    from tutor.tui.screens.catalog import COLUMNS

    stylesheet = str(Path(tutor.tui.__file__).with_name("tutor.tcss"))
    texts = {
        "bare": BARE_APP.format(leave=LEAVE_AT_FIRST_FRAME),
        "screen": SCREEN_ONLY_APP.format(
            leave=LEAVE_AT_FIRST_FRAME, numpy="", prompt=FIRST_PROMPT, stylesheet=stylesheet
        ),
        "screen+numpy": SCREEN_ONLY_APP.format(
            leave=LEAVE_AT_FIRST_FRAME, numpy="import numpy", prompt=FIRST_PROMPT, stylesheet=stylesheet
        ),
        "catalog-replica": CATALOG_ONLY_APP.format(
            leave=LEAVE_AT_FIRST_FRAME, columns=COLUMNS, rows=catalog_rows(), stylesheet=stylesheet
        ),
    }
    commands = {}
    for name, text in texts.items():
        script = folder / f"{name.replace('+', '_').replace('-', '_')}.py"
        script.write_text(text)
        commands[name] = [sys.executable, str(script)]
    tutor = str(Path(sys.executable).with_name("tutor"))
    commands["tutor"] = [tutor, "run", EXERCISE]
    commands["catalog"] = [tutor]
    return commands


LABELS = {
    "bare": "bare Textual app with a Footer",
    "screen": "the exercise screen, plain Textual",
    "screen+numpy": "the same, with numpy imported",
    "catalog-replica": "the catalog, plain Textual, same rows",
    "tutor": f"tutor run {EXERCISE}",
    "catalog": "tutor (opens on the catalog)",
}
# the tutor's first screens: module, class, and the method after which its first frame is complete
FIRST_SCREENS = {"tutor": ("exercise", "ExerciseScreen", "on_mount"), "catalog": ("catalog", "CatalogScreen", "reload")}
# each of the tutor's programs against its replica in plain Textual; target: at most 1.2 times
REPLICAS = {"tutor": "screen+numpy", "catalog": "catalog-replica"}
REPLICA_TARGET = 1.2


def markers() -> dict[str, str]:
    """What each program shows once its first frame is drawn: for the catalogs, the name in their first row."""
    first_row = catalog_rows()[0][0]
    return {
        "bare": "bare app ready",
        "screen": FIRST_PROMPT,
        "screen+numpy": FIRST_PROMPT,
        "tutor": FIRST_PROMPT,
        "catalog-replica": first_row,
        "catalog": first_row,
    }


def compile_package() -> None:
    """Write the package's bytecode, as `pip install` does: a checkout run with PYTHONDONTWRITEBYTECODE
    would otherwise compile every tutor module again at each launch (about 40 ms)."""
    import tutor

    compileall.compile_dir(str(Path(tutor.__file__).parent), quiet=1)


def start_in_tmux(command: list[str]) -> str:
    """A new 100x30 tmux session running ``command``; its name. Tried again when it fails: a tmux server
    whose last session has just been killed may still be exiting, and refuses the new one."""
    session = f"bench-{uuid.uuid4().hex[:8]}"
    for _attempt in range(3):
        started = subprocess.run(
            ["tmux", "new-session", "-d", "-s", session, "-x", "100", "-y", "30", shlex.join(command)],
            capture_output=True,
            text=True,
        )
        if started.returncode == 0:
            return session
        time.sleep(0.2)
    raise RuntimeError(f"tmux could not start {shlex.join(command)}: {started.stderr.strip()}")


def time_until_visible(command: list[str], marker: str, home: str) -> float:
    start = time.perf_counter()
    session = start_in_tmux(["env", f"BACKPROP_TUTOR_HOME={home}", *command])
    try:
        return wait_for(session, marker, timeout=30.0) - start
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)


def count_instructions(name: str, command: list[str], home: str) -> int:
    """Instructions executed up to the first frame (valgrind), in a tmux terminal like the timings."""
    log = Path(home) / f"valgrind-{uuid.uuid4().hex[:8]}.log"
    if name in FIRST_SCREENS:
        module, screen, method = FIRST_SCREENS[name]
        script = Path(home) / f"{name}_at_first_frame.py"
        script.write_text(
            TUTOR_AT_FIRST_FRAME.format(module=module, screen=screen, method=method, arguments=command[1:])
        )
        command = [sys.executable, str(script)]
    session = start_in_tmux(
        [
            "env",
            f"BACKPROP_TUTOR_HOME={home}",
            "BENCH_LEAVE_AT_FIRST_FRAME=1",
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            f"--log-file={log}",
            *command,
        ]
    )
    while subprocess.run(["tmux", "has-session", "-t", session], capture_output=True).returncode == 0:
        time.sleep(0.5)
    found = re.search(r"Collected : (\d+)", log.read_text())
    if found is None:
        raise RuntimeError(f"valgrind did not finish {' '.join(command)}: see {log}")
    return int(found.group(1))


def launch_times(instructions: bool) -> None:
    if shutil.which("tmux") is None:
        print("(a) skipped: tmux is not installed (apt-get install tmux)")
        return
    compile_package()
    from tutor.session import ProgressStore

    with tempfile.TemporaryDirectory() as home:
        ProgressStore(Path(home)).save_learner("bench")  # a name is stored: the first screen, not the name prompt
        commands = write_apps(Path(home))
        marker = markers()
        runs: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(RUNS):  # interleaved, so all see the same machine load
            for name, command in commands.items():
                runs[name].append(time_until_visible(command, marker[name], home))
        bare = statistics.median(runs["bare"])
        print(f"(a) launch to first interactive frame, median of {RUNS}, and the ratio to the bare app")
        for name, times in runs.items():
            median = statistics.median(times)
            print(
                f"  {LABELS[name] + ':':40} {median:.3f} s  x{median / bare:.2f}  "
                f"({', '.join(f'{t:.3f}' for t in times)})"
            )
        for name in FIRST_SCREENS:
            ratio = statistics.median(runs[name]) / bare
            print(f"  {LABELS[name]} / bare {ratio:.2f} (target < 1.5): {'PASS' if ratio < 1.5 else 'OVER TARGET'}")
        print_replica_ratios({name: statistics.median(times) for name, times in runs.items()}, "wall clock")
        if not instructions:
            return
        if shutil.which("valgrind") is None:
            print("  instruction counts skipped: valgrind is not installed (apt-get install valgrind)")
            return
        counts = {name: count_instructions(name, command, home) for name, command in commands.items()}
        print("  instructions executed up to the first frame (valgrind), and the ratio to the bare app")
        for name, count in counts.items():
            print(f"  {LABELS[name] + ':':40} {count / 1e6:7.0f} M  x{count / counts['bare']:.2f}")
        print_replica_ratios(counts, "instructions")


def print_replica_ratios(figures: dict[str, float], unit: str) -> None:
    for name, replica in REPLICAS.items():
        ratio = figures[name] / figures[replica]
        print(
            f"  {LABELS[name]} / {LABELS[replica]}, {unit}: {ratio:.2f} (target <= {REPLICA_TARGET}): "
            f"{'PASS' if ratio <= REPLICA_TARGET else 'OVER TARGET'}"
        )


def largest_exercise() -> str:
    from tutor.exercise import catalog_names, resolve_exercise

    return max(catalog_names(), key=lambda name: resolve_exercise(name).size)


def enter_times(name: str, answers: int = 20) -> list[float]:
    """Type each right answer, then time Enter until the next step's prompt is on the screen.

    Measured in a real terminal (tmux) because that is what a learner sees; Textual's Pilot adds
    about 100 ms of its own waiting to every key press, even in an empty app.
    """
    from tutor.engine.formatting import format_value
    from tutor.exercise import resolve_exercise
    from tutor.session import ProgressStore, Session

    tutor = Path(sys.executable).with_name("tutor")
    with tempfile.TemporaryDirectory() as home, tempfile.TemporaryDirectory() as shadow_home:
        shadow = Session(resolve_exercise(name), store=ProgressStore(Path(shadow_home)))  # knows each next answer
        session_name = start_in_tmux(
            ["env", f"BACKPROP_TUTOR_HOME={home}", str(tutor), "run", name, "--learner", "bench"]
        )
        try:
            wait_for(session_name, "step 1 of")
            timings = []
            for number in range(1, min(answers, len(shadow.steps) - 1) + 1):
                answer = format_value(shadow.checker.expected(shadow.step.quantity), 6)
                shadow.answer(answer)
                subprocess.run(["tmux", "send-keys", "-t", session_name, "-l", answer], check=True)
                wait_for(session_name, f"› {answer}")
                time.sleep(0.05)  # let the typing settle: only Enter is timed
                start = time.perf_counter()
                subprocess.run(["tmux", "send-keys", "-t", session_name, "Enter"], check=True)
                timings.append(wait_for(session_name, f"step {number + 1} of") - start)
            return timings
        finally:
            subprocess.run(["tmux", "kill-session", "-t", session_name], capture_output=True)


def wait_for(session: str, marker: str, timeout: float = 10.0) -> float:
    """The moment ``marker`` is on the tmux screen."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if (
            marker
            in subprocess.run(["tmux", "capture-pane", "-t", session, "-p"], capture_output=True, text=True).stdout
        ):
            return time.perf_counter()
        time.sleep(0.002)
    raise RuntimeError(f"{marker!r} never appeared")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="also count the instructions up to the first frame with valgrind (slow: ~2 min)",
    )
    parser.add_argument("--launch-only", action="store_true", help="only (a), the launch")
    options = parser.parse_args()
    launch_times(options.instructions)
    if options.launch_only:
        return
    if shutil.which("tmux") is None:
        print("(b) skipped: tmux is not installed (apt-get install tmux)")
        return
    name = largest_exercise()
    timings = enter_times(name)
    median = statistics.median(timings)
    print(f"(b) Enter to updated screen on the largest catalog exercise ({name}), {len(timings)} answers")
    print(
        f"  median {median * 1000:.1f} ms, max {max(timings) * 1000:.1f} ms (target < 50 ms): "
        f"{'PASS' if median < 0.05 else 'OVER TARGET'}"
    )


if __name__ == "__main__":
    main()
