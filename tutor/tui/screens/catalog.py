"""The catalog: every built-in exercise with the learner's progress, filtered by typing."""

from __future__ import annotations

from functools import partial

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Static
from textual.worker import Worker, WorkerState

from ...exercise.shown import visible
from ...session.catalog import CatalogEntry, catalog_entries
from ...session.modes import EXAM, PRACTICE
from ...session.store import ProgressStore
from ..actions import ACTIONS, bindings
from ..learner_progress import LearnerProgress, next_words, practise_next, read_progress
from ..messages import OpenExercise, OpenTraining, PracticeNewLike
from ..widgets.keys_footer import KeysFooter
from ..widgets.skill_bars import SkillBars

# The short columns first, then the name whole (`tutor run NAME` needs it), so all of them are on
# screen at 80 columns; the title takes what is left of the width and is cut, the tags come after.
COLUMNS = ("level", "your progress", "size", "name", "title", "tags")
TITLE_COLUMN = COLUMNS.index("title")
MIN_TITLE_WIDTH = 16
CELL_PADDING = 2  # DataTable's cell_padding, on each side of a column


def shown(text: str) -> Text:
    """Text from an exercise file as text: never read as markup, control characters made visible."""
    return Text(visible(text, keep=""), no_wrap=True, overflow="ellipsis", end="")


def row_cells(entry: CatalogEntry) -> tuple[Text, ...]:
    """The cells of an exercise's row, in the order of COLUMNS."""
    return tuple(
        shown(cell)
        for cell in (
            "★" * entry.difficulty,
            entry.progress_text,
            str(entry.size),
            entry.name,
            entry.title,
            ", ".join(entry.tags),
        )
    )


def title_width(rows: list[tuple[Text, ...]], table_width: int) -> int:
    """The title column's width: what the columns before it leave of the table, at most the longest title."""

    def width(column: int) -> int:
        return max([cell_len(COLUMNS[column]), *(row[column].cell_len for row in rows)])

    left = table_width - sum(width(column) + CELL_PADDING for column in range(TITLE_COLUMN)) - CELL_PADDING
    return max(MIN_TITLE_WIDTH, min(width(TITLE_COLUMN), left))


class PractiseNext(Static):
    """The entry above the catalog that opens the exercise recommended for the learner's weakest skill."""

    async def on_click(self) -> None:
        await self.screen.run_action("practise_next")


def practise_next_text(progress: LearnerProgress | None) -> Text:
    # one line, whatever comes: the table below never moves under the learner's mouse
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(f"▶ Practise next ({' / '.join(ACTIONS['practise-next'].key_names())}): ", style="bold")
    return text.append(visible(next_words(progress)) if progress else "reading your sessions…")


class CatalogScreen(Screen):
    BINDINGS = bindings(
        "practice", "practise-next", "exam", "new-like", "train", "cursor-down", "cursor-up", "clear-filter"
    )

    def __init__(self, store: ProgressStore, **kwargs) -> None:
        super().__init__(**kwargs)
        self.store = store  # the learner's progress, shown beside each exercise
        self.entries: list[CatalogEntry] = []
        self.laid_out_for = 0  # the screen width the columns were last laid out for
        self.progress: LearnerProgress | None = None  # the learner model and its recommendation, once read

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(
            "Pick an exercise: type to filter, ↑/↓ to choose, Enter to start. F1 for help.", id="catalog-intro"
        )
        yield SkillBars(id="skills")
        yield PractiseNext(practise_next_text(None), id="practise-next", markup=False)
        yield Input(placeholder="filter by name, title or tag", id="filter")
        yield DataTable(id="exercises", cursor_type="row", zebra_stripes=True)
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        self.title = "backprop-tutor"
        self.sub_title = "catalog"
        self.query_one("#filter", Input).focus()

    def on_screen_resume(self) -> None:
        self.reload()  # when first shown, and on coming back to the catalog: the progress may have changed
        # once the rows are drawn: the model replays sessions with the engine, which the catalog is drawn without
        self.call_after_refresh(
            self.run_worker, partial(read_progress, self.store), thread=True, exclusive=True, exit_on_error=False
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.SUCCESS:
            self.progress = event.worker.result
            assert self.progress is not None  # read_progress returns one
            self.query_one(SkillBars).show(self.progress.model)
            self.query_one(PractiseNext).update(practise_next_text(self.progress))
            self.query_one(PractiseNext).tooltip = visible(self.progress.next.why) if self.progress.next else None
        elif event.state == WorkerState.ERROR:
            self.query_one(SkillBars).show_problem(f"Your skills could not be read: {event.worker.error}")

    def reload(self) -> None:
        self.entries = catalog_entries(self.store)
        self.show(self.query_one("#filter", Input).value)

    def show(self, text: str) -> None:
        rows = {entry.name: row_cells(entry) for entry in self.entries}
        table = self.query_one("#exercises", DataTable)
        self.laid_out_for = self.app.size.width
        # laid out for every row, so the columns stay put while the filter changes; the table is as
        # wide as the screen, and its vertical scrollbar takes its share
        titles = title_width(list(rows.values()), self.laid_out_for - table.styles.scrollbar_size_vertical)
        table.clear(columns=True)
        for column, label in enumerate(COLUMNS):
            table.add_column(label, key=label, width=titles if column == TITLE_COLUMN else None)
        for entry in self.entries:
            if entry.matches(text):
                table.add_row(*rows[entry.name], key=entry.name)

    def on_resize(self) -> None:
        if self.entries and self.app.size.width != self.laid_out_for:
            self.show(self.query_one("#filter", Input).value)

    @on(Input.Changed, "#filter")
    def filter_changed(self, event: Input.Changed) -> None:
        self.show(event.value)

    def selected(self) -> CatalogEntry | None:
        table = self.query_one("#exercises", DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next(entry for entry in self.entries if entry.name == key)

    def action_cursor(self, delta: int) -> None:
        table = self.query_one("#exercises", DataTable)
        if table.row_count:
            table.move_cursor(row=max(0, min(table.row_count - 1, table.cursor_row + delta)))

    def action_practice(self) -> None:
        entry = self.selected()
        if entry is not None:
            self.post_message(OpenExercise(str(entry.path), PRACTICE))

    def action_practise_next(self) -> None:
        practise_next(self, self.progress)

    def action_exam(self) -> None:
        entry = self.selected()
        if entry is not None:
            self.post_message(OpenExercise(str(entry.path), EXAM))

    def action_new_like(self) -> None:
        entry = self.selected()
        if entry is not None:
            self.post_message(PracticeNewLike(str(entry.path)))

    def action_train(self) -> None:
        entry = self.selected()
        if entry is not None:
            self.post_message(OpenTraining(str(entry.path)))

    def action_clear_filter(self) -> None:
        self.query_one("#filter", Input).value = ""

    @on(DataTable.RowSelected)
    def row_chosen(self, event: DataTable.RowSelected) -> None:
        self.action_practice()
