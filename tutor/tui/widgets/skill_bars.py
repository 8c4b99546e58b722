"""The learner's skills at a glance: each skill's name and a small bar of its mastery, as many to a line as fit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widget import Widget

from ...exercise.shown import visible
from ...exercise.skills import Skill

if TYPE_CHECKING:
    from ...session.learner import LearnerModel

BAR_CELLS = 4
EIGHTHS = " ▏▎▍▌▋▊▉"  # a cell filled by 0 to 7 eighths; a whole cell is █
GAP = "  "
UNREAD = "·" * BAR_CELLS


def bar(mastery: float) -> str:
    """A bar of BAR_CELLS cells, filled in eighths of a cell (32 levels), the rest shaded."""
    eighths = round(max(0.0, min(1.0, mastery)) * BAR_CELLS * 8)
    whole, part = divmod(eighths, 8)
    text = "█" * whole + (EIGHTHS[part] if part else "")
    return text + "░" * (BAR_CELLS - len(text))


class SkillBars(Widget):
    """Nine small bars, one per skill; the model is read off the screen's thread, so it comes later (``show``)."""

    DEFAULT_CSS = "SkillBars { height: auto; padding: 0 1; }"

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.model: LearnerModel | None = None
        self.problem: str | None = None  # why the model could not be read

    def show(self, model: LearnerModel) -> None:
        self.model, self.problem = model, None
        self.refresh(layout=True)

    def show_problem(self, problem: str) -> None:
        self.model, self.problem = None, problem
        self.refresh(layout=True)

    def items(self) -> list[Text]:
        if self.problem is not None:
            return [Text(visible(self.problem), style="dim")]
        items = []
        for skill in Skill:
            item = Text(f"{skill} ", style="dim")
            if self.model is None:  # still being read: the same width, so nothing below moves when it comes
                item.append(UNREAD, style="dim")
            else:
                state = self.model.skills[skill]
                # colour is never the only carrier of meaning: a mastered skill's bar is full
                item.append(bar(state.mastery), style="green" if state.mastered else "yellow")
            items.append(item)
        return items

    def lines(self, width: int) -> list[Text]:
        """The items laid out in lines of at most ``width`` cells, never breaking one."""
        lines: list[Text] = []
        for item in self.items():
            if lines and lines[-1].cell_len + len(GAP) + item.cell_len <= width:
                lines[-1].append(GAP)
                lines[-1].append_text(item)
            else:
                lines.append(item.copy())
        return lines

    def get_content_height(self, container, viewport, width: int) -> int:
        return len(self.lines(width))

    def render(self) -> Text:
        return Text("\n").join(self.lines(self.content_size.width))
