"""The wait every Pilot test makes after a key press or a pause (tests/pilot_waits.py, installed by conftest.py):
it ends only once the app has done what the key started, whatever that work waits on, and it does end while
timers that never stop (a cursor's blink, a clock) keep running."""

from __future__ import annotations

import time

import pilot_waits
from textual.app import App, ComposeResult
from textual.message import Message
from textual.widgets import Input, Static
from textual.worker import Worker, WorkerState

from tutor_testing import run


class Relay(Message):
    def __init__(self, hops_left: int) -> None:
        super().__init__()
        self.hops_left = hops_left


class Echo(Static):
    """Sends each relay back to the app: a message between two pumps waits a turn of the event loop each time
    (one pump's own messages are handled without yielding)."""

    def on_relay(self, message: Relay) -> None:
        message.stop()
        self.app.post_message(Relay(message.hops_left - 1))


class Busy(App):
    """Each key starts work of one kind, and the work writes what it did in #out when it is done."""

    BINDINGS = [("f2", "thread"), ("f3", "delayed"), ("f4", "relay"), ("f5", "mount")]

    def compose(self) -> ComposeResult:
        yield Input(id="field")  # its cursor blinks: a timer that never ends
        yield Static("", id="out")
        yield Echo(id="echo")

    def on_mount(self) -> None:
        self.set_interval(0.01, lambda: None)  # a clock ticking every 10 ms

    def write(self, text: str) -> None:
        self.query_one("#out", Static).update(text)

    def action_thread(self) -> None:
        def sleep_then_answer() -> str:
            time.sleep(0.1)  # no CPU used: a wait that watches the clock sees an idle process after 20 ms
            return "from the thread"

        self.run_worker(sleep_then_answer, thread=True)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.SUCCESS:
            self.write(event.worker.result)

    def action_delayed(self) -> None:
        self.set_timer(0.1, lambda: self.write("the timer fired"))

    def action_relay(self) -> None:
        self.post_message(Relay(20))

    def on_relay(self, message: Relay) -> None:
        if message.hops_left:
            self.query_one(Echo).post_message(Relay(message.hops_left))
        else:
            self.write("relayed 20 times")

    async def action_mount(self) -> None:
        await self.mount(Static("mounted", id="new"))
        self.call_after_refresh(self.write, "mounted and refreshed")


def after(key: str) -> tuple[str, int]:
    """What #out says once the key's press returns, and how many waits gave up meanwhile."""

    async def scenario():
        app = Busy()
        gave_up = pilot_waits.gave_up
        async with app.run_test(size=(40, 10)) as pilot:
            await pilot.press(key)
            text = str(app.query_one("#out", Static).content)
            return text, pilot_waits.gave_up - gave_up

    return run(scenario())


def test_a_press_waits_for_a_worker_thread_that_uses_no_cpu():
    assert after("f2") == ("from the thread", 0)


def test_a_press_waits_for_a_short_timer_the_key_set():
    assert after("f3") == ("the timer fired", 0)


def test_a_press_waits_for_messages_that_post_more_messages():
    assert after("f4") == ("relayed 20 times", 0)


def test_a_press_waits_for_a_mount_and_what_runs_after_the_refresh():
    assert after("f5") == ("mounted and refreshed", 0)


def test_a_resize_is_waited_for_past_textuals_debounce():
    async def scenario():
        app = Busy()
        async with app.run_test(size=(40, 10)) as pilot:
            await pilot.resize_terminal(70, 12)
            return app.screen.size.width, app.query_one("#out", Static).size.width

    assert run(scenario()) == (70, 70)


def test_the_waits_end_while_the_blink_and_the_clock_keep_ticking():
    async def scenario():
        app = Busy()
        gave_up = pilot_waits.gave_up
        async with app.run_test(size=(40, 10)) as pilot:
            for _ in range(5):
                await pilot.press("x")
                await pilot.pause()
            return app.query_one("#field", Input).value, pilot_waits.gave_up - gave_up

    assert run(scenario()) == ("xxxxx", 0)
