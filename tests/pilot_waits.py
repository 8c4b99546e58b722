"""What a Pilot test waits for after each key press and pause: the app has nothing left to do.

Textual's own wait (`textual._wait.wait_for_idle`) guesses that from the clock: it sleeps in 20 ms slices until one
passes with under 1 ms of the process's CPU time. That costs at least 40 ms a key press (two waits), some 25 s of
sleep in a run of the suite, and on a loaded machine it can guess wrong: a worker the scheduler has set aside uses
no CPU either, and looks idle with its messages still queued. This wait reads the app's own state instead: every
message queue empty, no call waiting for its turn, the current screen refreshed, no worker running and no short
one-shot timer (the resize debounce, a palette search) still to fire. Periodic timers (the cursor's blink, a
clock) never end, so they are not waited for, as Textual's wait would not either once the app is quiet.

It reads private attributes of Textual 8.2.8 (pyproject pins that version); `check_textual_internals` fails loudly
when they are gone, so an upgrade cannot turn this wait into one that returns at once.
"""

from __future__ import annotations

import asyncio
from time import monotonic

import textual.app
import textual.pilot
from textual._context import active_app
from textual._wait import wait_for_idle as wait_by_the_clock
from textual.app import App
from textual.message_pump import MessagePump
from textual.timer import Timer
from textual.worker import WorkerState

# a quiet state must hold over this many turns of the event loop: a task woken by another's last message (a
# parent awaiting its children's mounts) runs one turn later and may have more to do
QUIET_TURNS = 5
# one-shot timers at most this long are work still to come (Textual's debounces are 1/120 s to 0.5 s); a toast's
# timeout of seconds is not
SHORT_TIMER_SECONDS = 1.0
# while a worker thread or a timer runs, look again this often (a turn of the loop would only spin)
POLL_SECONDS = 0.001

SCREEN_REFRESH_FLAGS = ("_layout_required", "_scroll_required", "_repaint_required", "_recompose_required")

gave_up = 0  # waits that ended at their time limit with the app still busy (a test may assert none did)


def pending_timer(timer: Timer) -> bool:
    one_shot = timer._repeat == 0
    return (
        one_shot
        and timer._interval <= SHORT_TIMER_SECONDS
        and timer._task is not None
        and not timer._task.done()
        and timer._active.is_set()
    )


def what_is_pending(app: App) -> str | None:
    """What the app still has to do, or None when it has nothing."""
    pumps: list[MessagePump] = [app, *app._registry]
    for pump in pumps:
        queue = pump.__dict__.get("_message_queue")  # a cached property: a pump never posted to has none
        if queue is not None and not queue.empty():
            return "messages"
        if pump._next_callbacks:
            return "callbacks"
        if pump._timers and any(pending_timer(timer) for timer in list(pump._timers)):  # most pumps have none
            return "timer"
    screen = app.screen
    if screen._dirty_widgets or screen._callbacks or any(getattr(screen, flag) for flag in SCREEN_REFRESH_FLAGS):
        return "refresh"
    if any(worker.state in (WorkerState.PENDING, WorkerState.RUNNING) for worker in app.workers):
        return "worker"
    return None


async def wait_until_quiet(min_sleep: float = 0, max_sleep: float = 1) -> None:
    """Textual's `wait_for_idle`, with its signature, ended by the app's state instead of the clock."""
    global gave_up
    app = active_app.get(None)
    if app is None or not app.is_running or not app._screen_stack:
        await wait_by_the_clock(min_sleep, max_sleep)  # before the first screen or after the exit: nothing to read
        return
    start = monotonic()
    quiet = 0
    while quiet < QUIET_TURNS:
        if monotonic() - start >= max_sleep:
            gave_up += 1
            return
        pending = what_is_pending(app)
        if pending is None:
            quiet += 1
            await asyncio.sleep(0)
            continue
        quiet = 0
        if pending == "refresh" and screen_may_refresh(app):
            app.screen._on_timer_update()  # what the screen's 60 Hz timer would do at its next tick (Pilot's pause does it too)
        await asyncio.sleep(POLL_SECONDS if pending in ("timer", "worker") else 0)


def screen_may_refresh(app: App) -> bool:
    return not app._batch_count and app.screen.is_current


def check_textual_internals() -> None:
    """The names this wait replaces or reads without a default: renamed in a later Textual, the first would leave
    Textual's wait in place and the second would read every queue as empty. (The other private names it reads fail
    with an AttributeError in the first Pilot test.)"""
    missing = [
        f"{module.__name__}.wait_for_idle"
        for module in (textual.app, textual.pilot)
        if not hasattr(module, "wait_for_idle")
    ]
    if "_message_queue" not in vars(MessagePump):
        missing.append("MessagePump._message_queue")
    if missing:
        raise RuntimeError(f"tests/pilot_waits.py reads {', '.join(missing)}, which this Textual no longer has")


def install() -> None:
    """Every Pilot wait in this process (key presses, pauses, exits) becomes `wait_until_quiet`."""
    check_textual_internals()
    textual.app.wait_for_idle = wait_until_quiet
    textual.pilot.wait_for_idle = wait_until_quiet
