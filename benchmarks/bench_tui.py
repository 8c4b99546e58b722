"""TUI speed: launch to the first interactive frame, and Enter to the updated screen.

    python benchmarks/bench_tui.py

(a) Launch: the installed `tutor run sigmoid-neuron-mse` and a bare Textual app with a Footer are
    each started in a real terminal (tmux) and timed until their first screen is readable;
    target: the tutor under 1.5 times the bare app, measured in the same run.
(b) Enter: on the largest catalog exercise, the time from pressing Enter on an answer to the
    screen being updated (Pilot, headless); target: under 50 ms.
Figures are printed; nothing here is asserted by the test suite.
"""

from __future__ import annotations

import asyncio
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
BARE_APP = textwrap.dedent("""
    from textual.app import App
    from textual.widgets import Footer, Static

    class Bare(App):
        BINDINGS = [("f2", "bell", "Bell")]

        def compose(self):
            yield Static("bare app ready")
            yield Footer()

    Bare().run()
""")


def time_until_visible(command: str, marker: str, timeout: float = 30.0) -> float:
    session = f"bench-{uuid.uuid4().hex[:8]}"
    start = time.perf_counter()
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "100", "-y", "30", command], check=True)
    try:
        while time.perf_counter() - start < timeout:
            screen = subprocess.run(["tmux", "capture-pane", "-t", session, "-p"], capture_output=True,
                                    text=True).stdout
            if marker in screen:
                return time.perf_counter() - start
            time.sleep(0.005)
        raise RuntimeError(f"{marker!r} never appeared for {command}")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)


def launch_times() -> None:
    if shutil.which("tmux") is None:
        print("(a) skipped: tmux is not installed (apt-get install tmux)")
        return
    tutor = Path(sys.executable).with_name("tutor")
    with tempfile.TemporaryDirectory() as home:
        bare = Path(home) / "bare.py"
        bare.write_text(BARE_APP)
        tutor_runs, bare_runs = [], []
        for _ in range(RUNS):  # interleaved, so both see the same machine load
            bare_runs.append(time_until_visible(f"{sys.executable} {bare}", "bare app ready"))
            tutor_runs.append(time_until_visible(f"env BACKPROP_TUTOR_HOME={home} {tutor} run sigmoid-neuron-mse",
                                                 "the value of p1"))
    bare_median, tutor_median = statistics.median(bare_runs), statistics.median(tutor_runs)
    ratio = tutor_median / bare_median
    print("(a) launch to first interactive frame, median of", RUNS)
    print(f"  bare Textual app with a Footer: {bare_median:.3f} s  ({', '.join(f'{t:.3f}' for t in bare_runs)})")
    print(f"  tutor run sigmoid-neuron-mse:  {tutor_median:.3f} s  ({', '.join(f'{t:.3f}' for t in tutor_runs)})")
    print(f"  ratio {ratio:.2f} (target < 1.5): {'PASS' if ratio < 1.5 else 'OVER TARGET'}")


def largest_exercise() -> str:
    from tutor.exercise import catalog_names, resolve_exercise

    return max(catalog_names(), key=lambda name: resolve_exercise(name).size)


async def enter_times(name: str) -> list[float]:
    from textual.widgets import Input

    from tutor.engine.formatting import format_value
    from tutor.session import ProgressStore
    from tutor.tui.app import TutorApp

    with tempfile.TemporaryDirectory() as home:
        app = TutorApp(name, store=ProgressStore(Path(home)))
        timings = []
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            screen = app.screen
            for _ in range(20):
                session = screen.session
                if session.finished:
                    break
                screen.query_one("#answer", Input).value = format_value(
                    session.checker.expected(session.step.quantity), 6)
                start = time.perf_counter()
                await pilot.press("enter")
                await pilot.pause()
                timings.append(time.perf_counter() - start)
    return timings


def main() -> None:
    launch_times()
    name = largest_exercise()
    timings = asyncio.run(enter_times(name))
    median = statistics.median(timings)
    print(f"(b) Enter to updated screen on the largest catalog exercise ({name}), {len(timings)} answers")
    print(f"  median {median * 1000:.1f} ms, max {max(timings) * 1000:.1f} ms (target < 50 ms): "
          f"{'PASS' if median < 0.05 else 'OVER TARGET'}")


if __name__ == "__main__":
    main()
