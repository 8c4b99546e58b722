"""TUI speed: launch to the first interactive frame, and Enter to the updated screen.

    python benchmarks/bench_tui.py

(a) Launch: the installed `tutor run sigmoid-neuron-mse` and a bare Textual app with a Footer are
    each started in a real terminal (tmux) and timed until their first screen is readable;
    target: the tutor under 1.5 times the bare app, measured in the same run.
(b) Enter: on the largest catalog exercise, the time from pressing Enter on an answer to the
    next step's prompt being on the screen (real terminal, tmux; includes tmux's own polling);
    target: under 50 ms.
Figures are printed; nothing here is asserted by the test suite.
"""

from __future__ import annotations

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


def time_until_visible(command: str, marker: str) -> float:
    session = f"bench-{uuid.uuid4().hex[:8]}"
    start = time.perf_counter()
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "100", "-y", "30", command], check=True)
    try:
        return wait_for(session, marker, timeout=30.0) - start
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


def enter_times(name: str, answers: int = 20) -> list[float]:
    """Type each right answer, then time Enter until the next step's prompt is on the screen.

    Measured in a real terminal (tmux) because that is what a learner sees; Textual's Pilot adds
    about 100 ms of its own waiting to every key press, even in an empty app.
    """
    from tutor.engine.formatting import format_value
    from tutor.exercise import resolve_exercise
    from tutor.session import ProgressStore, Session

    tutor = Path(sys.executable).with_name("tutor")
    session_name = f"bench-{uuid.uuid4().hex[:8]}"
    with tempfile.TemporaryDirectory() as home, tempfile.TemporaryDirectory() as shadow_home:
        shadow = Session(resolve_exercise(name), store=ProgressStore(Path(shadow_home)))  # knows each next answer
        subprocess.run(["tmux", "new-session", "-d", "-s", session_name, "-x", "100", "-y", "30",
                        f"env BACKPROP_TUTOR_HOME={home} {tutor} run {name}"], check=True)
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
        if marker in subprocess.run(["tmux", "capture-pane", "-t", session, "-p"], capture_output=True,
                                    text=True).stdout:
            return time.perf_counter()
        time.sleep(0.002)
    raise RuntimeError(f"{marker!r} never appeared")


def main() -> None:
    launch_times()
    if shutil.which("tmux") is None:
        print("(b) skipped: tmux is not installed (apt-get install tmux)")
        return
    name = largest_exercise()
    timings = enter_times(name)
    median = statistics.median(timings)
    print(f"(b) Enter to updated screen on the largest catalog exercise ({name}), {len(timings)} answers")
    print(f"  median {median * 1000:.1f} ms, max {max(timings) * 1000:.1f} ms (target < 50 ms): "
          f"{'PASS' if median < 0.05 else 'OVER TARGET'}")


if __name__ == "__main__":
    main()
