"""One training run: its settings, its loss curve (and accuracy curve) and where it stands."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.reactive import reactive, var
from textual.widget import Widget
from textual.widgets import Static

from ...drawing.plot import Chart, chart
from ...engine.formatting import format_value
from ...training import TrainingStep


class ChartView(Widget):
    """A chart drawn to the widget's size; redrawn when the values or the size change."""

    DEFAULT_CSS = "ChartView { height: 1fr; min-height: 4; }"
    COMPONENT_CLASSES = {"chart--axis", "chart--curve"}

    values: reactive[tuple[float, ...]] = reactive(tuple)

    def __init__(self, total_steps: int, low: float | None = None, high: float | None = None, **kwargs):
        super().__init__(**kwargs)
        self.total_steps = total_steps
        self.low, self.high = low, high

    def drawn(self) -> Chart:
        return chart(
            self.values, self.size.width, self.size.height, total_steps=self.total_steps, low=self.low, high=self.high
        )

    def render(self) -> Text:
        drawing = self.drawn()
        styles = {name: self.get_component_rich_style(f"chart--{name}", partial=True) for name in ("axis", "curve")}
        text = Text("\n".join(drawing.lines), no_wrap=True, overflow="crop")
        offsets = [0]
        for line in drawing.lines:
            offsets.append(offsets[-1] + len(line) + 1)
        for row, start, end, style in drawing.spans:
            text.stylize(styles[style], offsets[row] + start, offsets[row] + end)
        return text


class RunPanel(Vertical):
    """The panels sit side by side, so runs are compared at a glance."""

    # `var`, not `reactive`: the panel itself draws none of them (its charts and status line do), so a new
    # frame's steps repaint those, not the whole panel.
    record: var[TrainingStep | None] = var(None)
    state: var[str] = var("running")  # running, finished, stopped, or what went wrong
    # Bound to the charts, so steps added before the panel has composed them still reach them.
    losses: var[tuple[float, ...]] = var(tuple)
    accuracies: var[tuple[float, ...]] = var(tuple)

    def __init__(self, number: int, label: str, total_steps: int, has_accuracy: bool, **kwargs):
        super().__init__(**kwargs)
        self.number = number
        self.label = label
        self.total_steps = total_steps
        self.has_accuracy = has_accuracy

    def compose(self) -> ComposeResult:
        yield Static(f"Run {self.number}: {self.label}", classes="run-title")
        yield Static("loss", classes="chart-title")
        yield ChartView(self.total_steps, classes="loss-chart").data_bind(values=RunPanel.losses)
        if self.has_accuracy:
            yield Static("accuracy", classes="chart-title")
            yield ChartView(self.total_steps, low=0.0, high=1.0, classes="accuracy-chart").data_bind(
                values=RunPanel.accuracies
            )
        yield Static(classes="run-status")

    def add(self, steps: list[TrainingStep]) -> None:
        if not steps:
            return
        self.losses += tuple(step.loss for step in steps)
        if self.has_accuracy:
            self.accuracies += tuple(step.accuracy for step in steps if step.accuracy is not None)
        self.record = steps[-1]

    def watch_record(self) -> None:
        self.show_status()

    def watch_state(self) -> None:
        self.show_status()

    def show_status(self) -> None:
        # Not `is_mounted`: that is still false in on_mount, and a short run can finish before it.
        status = next(self.query(".run-status").results(Static), None)
        if status is None:  # not composed yet; on_mount shows it
            return
        record = self.record
        parts = []
        if record is not None:
            parts.append(f"step {record.step}/{self.total_steps}")
            parts.append(f"loss {format_value(record.loss, 4)}")
            if self.losses and record.step:
                parts.append(f"(from {format_value(self.losses[0], 4)})")
            if record.accuracy is not None:
                parts.append(f"accuracy {record.accuracy:.0%}")
        parts.append(self.state)
        status.update(" · ".join(parts))

    def on_mount(self) -> None:
        self.show_status()
