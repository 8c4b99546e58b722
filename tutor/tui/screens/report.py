"""The exam report: score, and for every item the answer given, the right value and why."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static

from ...engine.formatting import format_value
from .session_screen import EXPORT, SessionScreen


class ExamReportScreen(SessionScreen):
    BINDINGS = [EXPORT, Binding("escape", "app.back_to_catalog", "Catalog", id="report-catalog")]

    def compose(self) -> ComposeResult:
        summary = self.session.summary()
        yield Header()
        yield Static(f"Exam score: {summary.score:g} of {summary.max_score:g} ({summary.percent:.0f}%)",
                     id="report-score")
        yield DataTable(id="report", cursor_type="row", zebra_stripes=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.title = self.session.exercise.title
        self.sub_title = "exam report"
        table = self.query_one("#report", DataTable)
        table.add_columns("step", "your answer", "verdict", "right value", "credit", "why")
        output = self.session.solution.output
        for item in self.session.exam_report:
            verdict = item.verdict
            if verdict is None:
                mark, why = "– blank", ""
            else:
                mark = "✓ right" if verdict.correct else "✗ wrong"
                why = "" if verdict.correct and not verdict.carried_forward else verdict.message
            table.add_row(item.step.quantity.label(output), item.answer or "", mark,
                          format_value(item.verdict.expected if verdict else self.session.checker.expected(
                              item.step.quantity)), f"{item.credit:.2g}", why)
        table.focus()
