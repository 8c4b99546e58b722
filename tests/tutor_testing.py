"""Helpers shared by several test modules: finite differences, a small network, Pilot and tmux steps."""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import functools
import io
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from unittest import mock

import numpy as np
from textual.widgets import Footer, Input, Static
from textual.widgets._footer import FooterKey

from tutor.cli.main import main
from tutor.engine.formatting import format_value
from tutor.engine.graph import Solution
from tutor.exercise import to_text
from tutor.grading import Quantity

# -- finite differences ---------------------------------------------------------------------------

STEP = 1e-6
RTOL = 1e-5
ATOL = 1e-7


def central_differences(function, x: np.ndarray, step: float = STEP) -> np.ndarray:
    """d function(x) / dx, one element of x at a time: shape function(x).shape + x.shape."""
    x = np.array(x, dtype=np.float64, copy=True)
    result = None
    for position in np.ndindex(*x.shape):
        outputs = []
        for sign in (+1, -1):
            moved = x.copy()
            moved[position] += sign * step
            outputs.append(np.asarray(function(moved), dtype=np.float64))
        difference = (outputs[0] - outputs[1]) / (2 * step)
        # the shape of function(x) from the first difference: calling it once more only for that was a third of the
        # calls for a number
        if result is None:
            result = np.zeros(difference.shape + x.shape)
        result[(Ellipsis, *position)] = difference
    assert result is not None, "no element to move"
    return result


def numeric_gradient(solution: Solution, name: str, step: float = STEP) -> np.ndarray:
    """d(output)/d(name) by central differences of the forward pass, shape output.shape + name.shape."""
    graph = solution.graph

    def output(moved: np.ndarray) -> np.ndarray:
        return graph.forward({**graph.inputs, name: moved})[0][solution.output]

    return central_differences(output, graph.inputs[name], step)


# -- a small network with an update step (seed 002's shape) --------------------------------------

NETWORK = """
    title = "3-2-1 sigmoid network"
    params = ["W2", "b2", "W3", "b3"]
    [inputs]
    x = [0.8, 0.7, 0.1]
    W2 = [[0.2, 0.3, 0.4], [-0.2, 0.1, 0.5]]
    b2 = [-0.2, -0.2]
    W3 = [-0.3, 0.1]
    b3 = -0.2
    y = 0.9
    [graph]
    z2 = "W2 @ x + b2"
    a2 = "sigmoid(z2)"
    z3 = "W3 @ a2 + b3"
    a3 = "sigmoid(z3)"
    L = "(y - a3)^2"
    [update]
    learning_rate = 0.5
"""

# -- the tutor driven with Pilot ------------------------------------------------------------------


def run(coroutine):
    return asyncio.run(coroutine)


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


class FakeClock:
    """A clock that moves 1.5 s per reading, so every time stamp is distinct and known."""

    def __init__(self, start: float = 1_700_000_000.0):
        self.now = start

    def __call__(self) -> float:
        self.now += 1.5
        return self.now


def right_answer(session) -> str:
    quantity = session.step.quantity
    if quantity.kind == "formula":
        return to_text(next(item for item in session.exercise.questions if item.id == quantity.name).answer)
    return format_value(session.checker.expected(quantity), 6)


async def footer_keys(pilot) -> dict:
    """The Footer's keys by key, once laid out: the Footer composes them after the first frame, and a busy
    machine can take a few more (a key of no size yet, clicked, is a click at the screen's corner)."""
    seen: set[str] = set()
    for _ in range(100):
        keys = {key.key: key for key in pilot.app.screen.query_one(Footer).query(FooterKey)}
        if keys and set(keys) == seen and all(key.region.width for key in keys.values()):
            break  # the same keys as a frame ago, each laid out
        seen = set(keys)
        await pilot.pause()
    return keys


async def settled(pilot) -> None:
    """Once the learner model is on the screen: the catalog, the summary and an opening exercise read it in a thread
    that starts once the screen is drawn, and its result comes back as a message."""
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def paste_answer(pilot, text: str) -> None:
    """Put the answer in the field at once, then Enter: the same path as typing, without a key press per character."""
    field = pilot.app.screen.query_one("#answer", Input)
    field.value = text
    await pilot.press("enter")
    await pilot.pause()


# -- what a step needs, by the chain rule's own definition (the given panel must show it) -------------


def tokens(text: str) -> list[str]:
    """The numbers of a typed or written value: "[[0.2, 0.3], [-4/5, 1]]" -> 0.2, 0.3, -4/5, 1."""
    return [token for token in re.split(r"[\[\],\s]+", text) if token]


def needed_tokens(session, typed: dict[str, str]) -> list[str]:
    """What the current step is worked from, by the chain rule's own definition, as the test typed it."""
    solution = session.solution
    graph = solution.graph
    quantity = session.step.quantity

    def written_or_typed(key: Quantity) -> list[str]:
        if key.kind in ("value", "after") and key.name in solution.exercise.inputs:
            return tokens(solution.exercise.inputs[key.name].text)
        if key.kind == "grad" and key.name == solution.output:
            return ["1"]
        return tokens(typed[str(key)])

    def new(name: str) -> Quantity:
        return Quantity("update" if name in solution.updated else "after", name)

    if quantity.kind in ("value", "local"):
        return [
            token for parent in graph.parents[quantity.name] for token in written_or_typed(Quantity("value", parent))
        ]
    if quantity.kind == "after":
        return [token for parent in graph.parents[quantity.name] for token in written_or_typed(new(parent))]
    if quantity.kind == "update":
        return written_or_typed(Quantity("value", quantity.name)) + written_or_typed(Quantity("grad", quantity.name))
    if quantity.kind == "grad":
        found = []
        for consumer in solution.chain_terms(quantity.name):
            found += written_or_typed(Quantity("grad", consumer))
            local = str(Quantity("local", consumer, quantity.name))
            if local in typed:
                found += tokens(typed[local])
        return found
    return []


# -- the tutor command, in this process or as a real one ------------------------------------------

REPO = Path(__file__).resolve().parents[1]
TUTOR = Path(sys.executable).with_name("tutor")  # the installed console script


def tutor_command(*args, home: Path | None = None, cwd: Path = REPO, columns: int = 200) -> subprocess.CompletedProcess:
    """``tutor ARGS`` as main(argv) in this process, what it prints captured, as a terminal ``columns`` wide
    (NO_COLOR, and BACKPROP_TUTOR_HOME=home when given): what a command does, without starting a Python
    for it. What only a real process shows (the console script, a closed pipe, imports, warnings at startup)
    is tested with subprocess."""
    from tutor.cli.commands import console

    stdout, stderr = io.StringIO(), io.StringIO()
    environment = {"COLUMNS": str(columns), "NO_COLOR": "1"}
    if home is not None:
        environment["BACKPROP_TUTOR_HOME"] = str(home)
    with (
        # Rich fixes the width it found in COLUMNS when the console is made (maybe in an earlier call):
        # this call's width, and the console as it was afterwards for tests that call main() themselves
        mock.patch.object(console, "_width", columns),
        mock.patch.dict(os.environ, environment),
        contextlib.chdir(cwd),
        contextlib.redirect_stdout(stdout),
        contextlib.redirect_stderr(stderr),
    ):
        try:
            code = main([str(arg) for arg in args])
        except SystemExit as exit:  # argparse: --help, --version and usage errors (always a number or None)
            code = exit.code or 0
    return subprocess.CompletedProcess(["tutor", *map(str, args)], code, stdout.getvalue(), stderr.getvalue())


def run_autograder(root: Path, installed: Path | None = None) -> dict:
    """An autograder archive unpacked in ``root``/source, run as Gradescope runs it (AUTOGRADER_ROOT=root, this
    Python; ``installed``, a folder where its wheel is unpacked, first on the path): the results.json it wrote."""
    environment = {**os.environ, "AUTOGRADER_ROOT": str(root), "TUTOR_PYTHON": sys.executable}
    if installed is not None:
        environment["PYTHONPATH"] = str(installed)
    result = subprocess.run(
        ["bash", str(root / "source" / "run_autograder")],
        cwd=root,
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    return json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))


def tutor_process(
    *args, home: Path | None = None, cwd: Path = REPO, columns: int = 200, script: bool = False
) -> subprocess.CompletedProcess:
    """``tutor ARGS`` as a real process (the installed console script when ``script``), for what only a
    process shows; everything else goes through :func:`tutor_command`."""
    command = [str(TUTOR)] if script else [sys.executable, "-m", "tutor.cli.main"]
    environment = {**os.environ, "COLUMNS": str(columns), "NO_COLOR": "1"}
    if home is not None:
        environment["BACKPROP_TUTOR_HOME"] = str(home)
    return subprocess.run(
        [*command, *map(str, args)], cwd=cwd, capture_output=True, text=True, env=environment, timeout=60
    )


def no_traceback(result: subprocess.CompletedProcess) -> None:
    """Whatever went wrong, the user was told in words, not shown a Python traceback."""
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    assert "internal error" not in result.stdout + result.stderr, result.stderr


# -- the installed program in a real terminal -----------------------------------------------------

TMUX = shutil.which("tmux")
# A tmux server of this test run's own: another tmux on the machine (a second test run, a benchmark)
# starting or stopping its server on the default socket cannot take our sessions with it.
TMUX_SOCKET = Path(tempfile.gettempdir()) / f"backprop-tutor-tests-{os.getpid()}.sock"
atexit.register(TMUX_SOCKET.unlink, missing_ok=True)  # tmux leaves the socket file behind
# A pane whose program ended stays on screen, so a test that fails shows what the program printed last. The server
# stays up between sessions (exit-empty off): one that exits with the last session can still be going away when the
# next test starts a session, which then fails on a loaded machine. It is stopped when the run ends.
TMUX_CONFIG = Path(tempfile.gettempdir()) / f"backprop-tutor-tests-{os.getpid()}.tmux.conf"
TMUX_CONFIG.write_text("set-option -g remain-on-exit on\nset-option -s exit-empty off\n")
atexit.register(TMUX_CONFIG.unlink, missing_ok=True)


def tmux(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [TMUX, "-f", str(TMUX_CONFIG), "-S", str(TMUX_SOCKET), *args], capture_output=True, text=True, check=check
    )


if TMUX is not None:
    atexit.register(tmux, "kill-server", check=False)  # registered last, so it runs before the files are removed


def program_ended(session: str) -> bool:
    """Whether the program in the session's pane has exited (its pane stays, showing its last output)."""
    shown = tmux("display-message", "-p", "-t", session, "#{pane_dead}", check=False)
    return shown.returncode != 0 or shown.stdout.strip() == "1"


def start_tutor(
    session: str,
    *args: object,
    home: Path,
    size: tuple[int, int] = (80, 24),
    env: str = "",
    before: str = "",
    cwd: Path | None = None,
) -> int:
    """`tutor ARGS` in a new tmux session of ``size``, as the pane's own process (exec), in a UTF-8 256-colour
    terminal with BACKPROP_TUTOR_HOME=home (``env``: more variables; ``before``: a shell command first, like
    `ulimit -f 0`). Returns the tutor's process id."""
    command = (
        f"exec env BACKPROP_TUTOR_HOME={shlex.quote(str(home))} TERM=xterm-256color LANG=C.UTF-8 {env} "
        f"{TUTOR} {shlex.join(map(str, args))}"
    )
    width, height = size
    where = ["-c", str(cwd)] if cwd is not None else []
    tmux(
        "new-session",
        "-d",
        "-s",
        session,
        "-x",
        str(width),
        "-y",
        str(height),
        *where,
        f"{before}; {command}" if before else command,
    )
    return int(tmux("list-panes", "-t", session, "-F", "#{pane_pid}").stdout.split()[0])


class ControlClient:
    """One tmux client in control mode (tmux -C), kept for the run and attached to a session of its own: a command
    is a line written to it and its output read back between %begin and %end, where a tmux process started per
    screen read cost about 3 ms of CPU (some 1,600 of them in the walks of test_walk_terminal)."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [TMUX, "-f", str(TMUX_CONFIG), "-S", str(TMUX_SOCKET), "-C", "new-session", "-s", f"control-{os.getpid()}"]
            + ["cat"],  # a program in its pane that prints nothing: no output notifications to read past
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            errors="replace",
        )
        atexit.register(self.close)  # before the server is stopped (atexit runs the last registered first)
        self.output_of_command()  # new-session's own

    def run(self, *args: str) -> str:
        """What the tmux command prints; fails with tmux's message when it refuses it."""
        assert self.process.stdin is not None
        self.process.stdin.write(shlex.join(args) + "\n")
        self.process.stdin.flush()
        return self.output_of_command()

    def output_of_command(self) -> str:
        """The next command's output: the lines between %begin and %end (notifications come only outside them)."""
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if line.startswith("%begin"):
                break
        else:
            raise AssertionError("the tmux control client ended")
        lines = []
        for line in self.process.stdout:
            if line.startswith(("%end", "%error")):
                assert line.startswith("%end"), "".join(lines)
                return "".join(lines)
            lines.append(line)
        raise AssertionError("the tmux control client ended")

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()  # the client detaches and exits
        self.process.wait(timeout=10)


@functools.cache
def control_client() -> ControlClient:
    return ControlClient()


def capture(session: str) -> str:
    return control_client().run("capture-pane", "-t", session, "-p")


# A capture-pane through the control client takes well under a millisecond: polling often costs little, and a test
# waits no longer than the screen (a walk answers some 70 steps, each waiting half a poll on average)
POLL_SECONDS = 0.02


def wait_until(session: str, missing: Callable[[str], str], timeout: float = 30.0) -> str:
    """The screen once ``missing(screen)`` finds nothing missing (""); fails with what it says is missing and the
    last screen after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        screen = capture(session)
        absent = missing(screen)
        if not absent or time.monotonic() > deadline:
            break
        time.sleep(POLL_SECONDS)
    assert not absent, f"{absent} did not appear on the screen:\n{screen}"
    return screen


def wait_for_all(session: str, texts: list[str], timeout: float = 30.0) -> str:
    """The screen once every one of ``texts`` is on it at once; fails naming those missing, with the last screen,
    after ``timeout`` seconds."""

    def not_shown(screen: str) -> str:
        absent = [text for text in texts if text not in screen]
        return repr(absent) if absent else ""

    return wait_until(session, not_shown, timeout)


def wait_for(session: str, text: str, timeout: float = 30.0) -> str:
    """The screen once ``text`` is on it; fails with the last screen after ``timeout`` seconds."""
    return wait_for_all(session, [text], timeout)


def paste_in_terminal(session: str, text: str, submit: bool = True) -> None:
    """``text`` pasted into the focused field at once (bracketed paste: one event, not a key press per character),
    then Enter unless not ``submit``, in one tmux call."""
    enter = [";", "send-keys", "-t", session, "Enter"] if submit else []
    tmux(
        "set-buffer", "-b", "answer", "--", text, ";", "paste-buffer", "-p", "-d", "-b", "answer", "-t", session, *enter
    )


def wait_until_ended(session: str, timeout: float = 20.0) -> None:
    """Until the program in the session's pane has exited; fails with its last screen after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not program_ended(session) and time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
    assert program_ended(session), capture(session)
