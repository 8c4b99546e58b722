"""The exam report: score, and for every item the answer given, the right value and why.

The rows are the transcript's items (tutor/session/transcript.py), so the report and an exported
transcript count and explain the same. The "why" column takes the width the other columns leave and
its text wraps, each row as tall as it needs: nothing is cut at 80 columns.
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.widgets import DataTable, Header, Static

from ...exercise.shown import visible
from ...session.transcript import as_typed, exam_counts, step_items, why
from ..actions import bindings
from ..widgets.keys_footer import KeysFooter
from .session_screen import SessionScreen

MARKS = {"correct": "✓ right", "wrong": "✗ wrong", "unanswered": "– blank"}
# Longer labels ("z3 after the update"), answers and right values (vectors, matrices) wrap in their
# column: at 80 columns the why column keeps at least 19.
CAPPED_WIDTHS = {0: 10, 1: 12, 3: 12}
WHY_MIN_WIDTH = 16  # on a narrower screen the table scrolls sideways rather than squeeze it further


class ExamReportScreen(SessionScreen):
    BINDINGS = bindings("export", "catalog")

    def compose(self) -> ComposeResult:
        summary = self.session.summary()
        self.items = step_items(self.session)
        yield Header()
        yield Static(
            f"Exam score: {summary.score:g} of {summary.max_score:g} ({summary.percent:.0f}%) — "
            f"{exam_counts(self.items)}",
            id="report-score",
        )
        yield DataTable(id="report", cursor_type="row", zebra_stripes=True)
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        self.title = visible(self.session.exercise.title)
        self.sub_title = "exam report"
        self.query_one("#report", DataTable).focus()

    def on_resize(self, event: events.Resize) -> None:
        self.fill_table(event.size.width)

    def fill_table(self, width: int) -> None:
        """The columns sized for this width (the why column gets the rest), and the rows again."""
        table = self.query_one("#report", DataTable)
        rows = [
            [
                Text(item["label"]),
                Text(as_typed(item["answer"])),
                Text(MARKS[item["verdict"]]),
                Text(item["right_value"]),
                Text(f"{item['credit']:.2g}"),
                Text(why(item)),
            ]
            for item in self.items
        ]
        headers = ["step", "your answer", "verdict", "right value", "credit", "why"]
        widths = [max(len(header), *(row[column].cell_len for row in rows)) for column, header in enumerate(headers)]
        for column, cap in CAPPED_WIDTHS.items():
            widths[column] = min(widths[column], max(cap, len(headers[column])))
        room = width - table.styles.scrollbar_size_vertical - 2 * table.cell_padding * len(headers)
        widths[-1] = max(WHY_MIN_WIDTH, room - sum(widths[:-1]))
        cursor = table.cursor_coordinate
        table.clear(columns=True)
        for header, column_width in zip(headers, widths):
            table.add_column(header, width=column_width)
        for row in rows:
            table.add_row(*row, height=None)
        table.move_cursor(row=cursor.row)
