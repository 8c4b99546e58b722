"""Every key of the tutor, written once (harlequin's shape: a table of actions by id, bound by the screens).

Each screen's BINDINGS name the ids it binds, in the order of its Footer; the help screen's key table
and the README's are made from the same entries, so a key changed here changes everywhere it is shown
(tests/test_keys.py keeps the README in step).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding, BindingType

STEPS = Binding.Group("Step")  # PgUp and PgDn share one Footer entry

# Key names as the key tables spell them, where capitalizing Textual's name is not enough.
KEY_NAMES = {"pageup": "PageUp", "pagedown": "PageDown"}


@dataclass(frozen=True)
class Action:
    """A key and what it does. ``help`` is its row in the key tables ("" leaves it out); consecutive
    entries with the same ``help`` share a row. ``action`` None: a key a widget handles itself
    (Enter in the answer field, Tab, Ctrl+P), in the key tables only."""

    keys: str  # Textual's key names, comma-separated
    action: str | None
    label: str = ""  # in the Footer and the command palette
    help: str = ""
    tooltip: str = ""
    show: bool = True
    priority: bool = False
    key_display: str | None = None
    group: Binding.Group | None = None

    def key_names(self) -> list[str]:
        return [
            "+".join(
                KEY_NAMES.get(part, part.upper() if part[1:].isdigit() else part.capitalize())
                for part in key.split("+")
            )
            for key in self.keys.split(",")
        ]


ACTIONS: dict[str, Action] = {
    # working a step (the exercise screen): function and page keys, so they work while you type
    "answer": Action(
        "enter", None, help="check your answer; on a step already done (or revealed), on to the next open step"
    ),
    "help": Action("f1", "app.help", "Help", help="this help: the exercise's description, its numbers, these keys"),
    "hint": Action(
        "f2", "hint", "Hint", help="a hint: press again for a more specific one; the last is the answer (as F3)"
    ),
    "reveal": Action(
        "f3",
        "reveal",
        "Reveal",
        tooltip="Show the answer; the step counts as revealed",
        help="show the answer and how it is computed (the step counts as revealed)",
    ),
    "previous-step": Action(
        "pageup",
        "previous_step",
        "Previous step",
        help="previous / next step (review what you did)",
        key_display="PgUp",
        group=STEPS,
        priority=True,
    ),
    "next-step": Action(
        "pagedown",
        "next_step",
        "Next step",
        help="previous / next step (review what you did)",
        key_display="PgDn",
        group=STEPS,
        priority=True,
    ),
    "export": Action(
        "f6",
        "export",
        "Save",
        tooltip="Save the transcript as Markdown, JSON and HTML",
        help="save the transcript (Markdown, JSON and HTML)",
    ),
    "inspect": Action(
        "f7",
        "inspect",
        "Inspect",
        tooltip="A node in full: its value and gradient, as far as you know them",
        help="the node in full (or click its box in the graph): expression, shape, value and gradient, "
        "as far as you have found them",
    ),
    # the answer field uses left and right (not up and down): the graph scrolls while you type
    "graph-up": Action("up", "scroll_graph(0, -2)", "Graph up", show=False, help="scroll the graph (while you type)"),
    "graph-down": Action(
        "down", "scroll_graph(0, 2)", "Graph down", show=False, help="scroll the graph (while you type)"
    ),
    "graph-left": Action(
        "alt+left", "scroll_graph(-8, 0)", "Graph left", show=False, help="scroll the graph (while you type)"
    ),
    "graph-right": Action(
        "alt+right", "scroll_graph(8, 0)", "Graph right", show=False, help="scroll the graph (while you type)"
    ),
    "focus": Action(
        "tab", None, help="move between the answer field and the graph (scroll the graph with the arrow keys)"
    ),
    "submit-exam": Action(
        "f9",
        "submit_exam",
        "Submit",
        tooltip="Submit the exam",
        help="(in an exam) submit your answers; with steps left blank it asks first",
    ),
    "back": Action(
        "escape",
        "app.back_to_catalog",
        "Back",
        tooltip="Back to the catalog",
        help="back to the catalog (your progress is saved after every answer)",
    ),
    # the catalog
    "practice": Action("enter", "practice", "Practice", priority=True),
    "practise-next": Action(
        "f2",
        "practise_next",
        "Next",
        show=False,  # the catalog's entry and the summary's line of keys name it: the Footer keeps room for Name
        tooltip="Practise the exercise the tutor recommends for your weakest skill",
        help="(in the catalog and at the end) practise next: the exercise recommended for your weakest skill "
        "(the bars above the catalog are your skills)",
    ),
    "exam": Action("f8", "exam", "Exam", help="(in the catalog) start the exercise as an exam"),
    "learner": Action(
        "f7",
        "app.change_learner",
        "Name",
        tooltip="Your name on the transcripts you save",
        help="(in the catalog) your name, as it goes on the transcripts you save",
    ),
    "new-like": Action(
        "f4",
        "new_like",
        "New one",
        tooltip="Practise a freshly generated exercise like this one",
        help="(in the catalog and at the end) practise a freshly generated exercise like this one",
    ),
    "train": Action(
        "f5",
        "train",
        "Train",
        tooltip="Run gradient descent on this exercise and plot the loss",
        help="(in the catalog and at the end) train it: many steps of gradient descent, the loss plotted live",
    ),
    "cursor-down": Action("down", "cursor(1)", "Down", show=False, priority=True),
    "cursor-up": Action("up", "cursor(-1)", "Up", show=False, priority=True),
    "clear-filter": Action("escape", "clear_filter", "Clear", tooltip="Clear the filter"),
    # the end of an exercise, and the exam report
    "catalog": Action("escape", "app.back_to_catalog", "Catalog"),
    "review": Action("f7", "review", "Review", tooltip="Go back over your steps"),
    # training
    "train-run": Action("f5", "run", "Run", tooltip="Start a run with these settings, beside the others"),
    "train-stop": Action("f4", "stop", "Stop", tooltip="Stop the runs still training"),
    "train-clear": Action("f8", "clear", "Clear runs"),
    "train-back": Action("escape", "back", "Back"),
    # the dialogs
    "close-help": Action("escape,f1", "dismiss", "Close"),
    "close-inspect": Action("escape,f7", "dismiss", "Close"),
    "resume-exam": Action("enter", "resume", "Resume", priority=True),
    "restart-exam": Action("f8", "restart", "Start over"),
    "cancel-exam": Action("escape", "cancel", "Cancel"),
    "confirm-submit": Action("f9", "submit", "Submit anyway", priority=True),
    "cancel-submit": Action("escape", "cancel", "Back to the exam"),
    "cancel-learner": Action("escape", "cancel", "Cancel"),
    # everywhere
    "commands": Action("ctrl+p", None, help="all commands"),
    "quit": Action("ctrl+q", "app.quit", "Quit", key_display="^q", help="quit"),
}


def bindings(*ids: str, on_app: bool = False) -> list[BindingType]:
    """The bindings of a screen, in the order of its Footer; ``on_app``: the app's own, where an "app."
    action is its own action (the Footer and the palette name it without the namespace)."""
    made: list[BindingType] = []
    for id in ids:
        entry = ACTIONS[id]
        if entry.action is None:
            raise ValueError(f"{id} is handled by a widget, not bound")
        made.append(
            Binding(
                entry.keys,
                entry.action.removeprefix("app.") if on_app else entry.action,
                entry.label,
                show=entry.show,
                key_display=entry.key_display,
                priority=entry.priority,
                tooltip=entry.tooltip,
                id=id,
                group=entry.group,
            )
        )
    return made


def key_hints(*hints: tuple[str, str]) -> str:
    """A screen's own line of keys, each action's key then what it does there:
    "Escape: back to the catalog · F7: review your steps"."""
    return " · ".join(f"{' / '.join(ACTIONS[id].key_names())}: {what}" for id, what in hints)


def key_table() -> str:
    """The keys as a Markdown table, for the help screen and the README."""
    rows: list[tuple[list[str], str]] = []
    for entry in ACTIONS.values():
        if not entry.help:
            continue
        if rows and rows[-1][1] == entry.help:
            rows[-1][0].extend(entry.key_names())
        else:
            rows.append((entry.key_names(), entry.help))
    lines = ["| key | action |", "| --- | --- |"]
    lines += [f"| {' / '.join(keys)} | {help} |" for keys, help in rows]
    return "\n".join(lines)
