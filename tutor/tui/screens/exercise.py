"""Working an exercise: the graph, the current step's prompt, the answer field, the feedback."""

from __future__ import annotations

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.reactive import var
from textual.widgets import Header, Input, ProgressBar, Static

from ...drawing import Picture
from ...exercise.shown import visible
from ...grading import Verdict
from ...session import EXAM, PRACTICE, REVEALED, SessionError
from ...session.picture import session_picture
from ..actions import bindings
from ..messages import SessionFinished
from ..widgets.given_panel import GivenPanel
from ..widgets.graph_view import GraphView
from ..widgets.keys_footer import KeysFooter
from .session_screen import SessionScreen


class ExerciseScreen(SessionScreen):
    # Function keys and page keys, so every action works while the answer field has focus; the app's Quit
    # and Help first, so that a narrow Footer cuts other keys, never these.
    BINDINGS = bindings(
        "quit",
        "help",
        "hint",
        "reveal",
        "previous-step",
        "next-step",
        "export",
        "inspect",
        "submit-exam",
        "back",
        "graph-up",
        "graph-down",
        "graph-left",
        "graph-right",
    )

    # The answer field has the focus from the start, not the graph (Textual's default: the first focusable widget)
    # and then the field: each focus change restyles the screen and composes the Footer again.
    AUTO_FOCUS = "#answer"

    # What the screen shows of the session: `sync` pulls it from the session after every action, and each
    # watcher updates its one widget (only when the value changed: an unchanged graph is not drawn again).
    # `var`, not `reactive`: the screen's own render shows none of them, so a change repaints only its widget,
    # never the whole screen.
    phase: var[str] = var("")
    prompt: var[str] = var("")
    preview: var[str] = var("")
    feedback: var[str] = var("")
    hints: var[tuple[str, ...]] = var(())
    picture: var[Picture | None] = var(None)
    done_count: var[int] = var(0)
    status: var[str] = var("")

    def compose(self) -> ComposeResult:
        yield Header()
        yield GraphView(id="graph")
        with Vertical(id="step-panel"):
            yield Static(id="prompt", markup=False)
            yield GivenPanel(id="given")
            with Horizontal(id="answer-row"):
                yield Static("Your answer ›", id="answer-label")
                yield Input(id="answer", compact=True, disabled=self.session.submitted)
            yield Static(id="preview", markup=False)
            yield Static(id="feedback", markup=False)
            yield Static(id="hints", markup=False)
        with Horizontal(id="status"):
            yield ProgressBar(total=len(self.session.steps), show_eta=False, id="progress")
            yield Static(id="phase", markup=False)  # here, not above the question: the given numbers need the row
            yield Static(id="score")
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        self.title = visible(self.session.exercise.title)  # the Header shows it as text
        self.sub_title = "exam" if self.session.mode == EXAM else "practice"
        if self.session.notice:
            self.notify(self.session.notice, severity="warning", timeout=10)
        self.sync()
        if self.focused is None:  # a submitted exam: its field is disabled, the arrow keys scroll the graph
            self.query_one("#graph", GraphView).focus()
        if self.session.time_limit is not None and not self.session.submitted:
            self.set_interval(1, self.tick)

    def on_unmount(self) -> None:
        self.session.close()  # the window is closed: another one may work on the exercise now

    def tick(self) -> None:
        """The exam countdown: shown beside the progress bar; at zero the exam is submitted."""
        left = self.session.time_left()
        if left is None or self.session.submitted:
            return
        if left <= 0:
            self.notify("Time is up: your answers have been submitted.", timeout=8)
            self.submit_exam()
            return
        self.status = self.status_text()

    # -- keeping the screen in step with the session -----------------------------------------
    def sync(self, feedback: str | None = None) -> None:
        """After an action: pull the session's state into the reactive attributes, and the answer field's;
        ``feedback``: what the action has to say, in place of the step's own verdict."""
        session = self.session
        step, state = session.step, session.state
        self.phase = f"{step.phase} · step {session.index + 1} of {len(session.steps)}"
        self.prompt = step.prompt
        self.query_one("#given", GivenPanel).show(session)  # it packs the numbers for its own width
        # The field is the learner's to edit, not a view of the session: set here, not watched.
        field = self.query_one("#answer", Input)
        reviewing = self.reviewing
        field.disabled = session.submitted  # a done step keeps the field: Enter moves on from it
        field.placeholder = "Enter: move on" if reviewing else step.answer_format
        if reviewing:
            field.value = state.answer if state.status != REVEALED else ""
            self.preview = ""
        else:
            field.value = state.answer if session.mode == EXAM else ""
            self.preview = session.preview(field.value)
            if self.focused not in (field, self.query_one("#graph")):
                field.focus()  # only when it moved: a focus change makes the Footer rebuild its keys
        if feedback is None:  # the step's own verdict (a review says what Enter does next)
            if reviewing:
                feedback = self.review_text()
            else:
                feedback = self.step_verdict_text(session.index) if session.mode == PRACTICE else ""
        self.feedback = feedback
        self.hints = tuple(session.hints_shown()) if session.mode == PRACTICE else ()
        self.picture = session_picture(session)
        self.done_count = session.done_count
        self.status = self.status_text()

    def watch_phase(self, text: str) -> None:
        self.query_one("#phase", Static).update(text)

    def watch_prompt(self, text: str) -> None:
        self.query_one("#prompt", Static).update(visible(text))

    def watch_preview(self, text: str) -> None:
        self.show_line("#preview", text)

    def watch_feedback(self, text: str) -> None:
        self.show_line("#feedback", text)

    def watch_hints(self, hints: tuple[str, ...]) -> None:
        self.show_line("#hints", "\n".join(f"Hint {number}: {hint}" for number, hint in enumerate(hints, start=1)))

    def show_line(self, selector: str, text: str) -> None:
        line = self.query_one(selector, Static)
        line.update(visible(text))
        line.display = bool(text)  # an empty line would only take room from the graph

    def watch_picture(self, picture: Picture | None) -> None:
        if picture is not None:
            self.query_one("#graph", GraphView).show(picture)

    def watch_done_count(self, done: int) -> None:
        self.query_one("#progress", ProgressBar).update(progress=done)

    def watch_status(self, text: str) -> None:
        self.query_one("#score", Static).update(text)

    def status_text(self) -> str:
        session = self.session
        if session.mode == PRACTICE:
            summary = session.summary()
            return f"score {summary.score:g}/{summary.max_score:g}"
        text = f"{session.done_count}/{len(session.steps)} answered"
        left = session.time_left()
        if left is not None:
            minutes, seconds = divmod(int(left), 60)
            text += f" · time left {minutes}:{seconds:02d}"
        return text

    @property
    def reviewing(self) -> bool:
        """A practice step already done (right or revealed): Enter moves on instead of checking."""
        return self.session.mode == PRACTICE and self.session.state.done

    def review_text(self) -> str:
        state = self.session.state
        if state.status == REVEALED:
            return f"Revealed: {self.session.worked_answer()} {self.next_key_text()}"
        return f"Done. {self.step_verdict_text(self.session.index)} {self.next_key_text()}"

    def next_key_text(self) -> str:
        """What Enter does on a done step: on to the next open one, or to the summary at the end."""
        following = self.session.first_open()
        if following is None:
            return "Every step is done: Enter for your summary."
        return f"Enter: on to step {following + 1}."

    def step_verdict_text(self, index: int) -> str:
        """A step's own verdict, with what a right answer earned ("✓ Correct: 0.75 of 1 point, one hint.")."""
        verdict = self.session.states[index].verdict
        return self.verdict_text(verdict, self.session.verdict_message(index)) if verdict is not None else ""

    @staticmethod
    def verdict_text(verdict: Verdict, message: str | None = None) -> str:
        """A verdict with its mark and the notes on how the answer was read; ``message`` in place of its own."""
        mark = "✓" if verdict.correct else "✗"
        text = f"{mark} {message or verdict.message}"
        if verdict.notes:
            text += " (" + "; ".join(verdict.notes) + ")"
        return text

    # -- what the learner does ---------------------------------------------------------------
    @on(Input.Changed, "#answer")
    def show_reading(self, event: Input.Changed) -> None:
        if not event.input.disabled and not self.reviewing:
            self.preview = self.session.preview(event.value)

    @on(Input.Submitted, "#answer")
    def submit_answer(self, event: Input.Submitted) -> None:
        if self.reviewing:
            self.action_next_open()
            return
        answered = self.session.index  # the session moves on to the next step when the answer is right
        try:
            verdict = self.session.answer(event.value)
        except SessionError as error:
            self.feedback = str(error)
            return
        self.sync(self.answer_feedback(verdict, answered))  # one pass: the field cleared, the line set, once
        if self.session.mode == PRACTICE and verdict.readable and verdict.correct and self.session.finished:
            self.post_message(SessionFinished(self.session))

    def answer_feedback(self, verdict: Verdict, answered: int) -> str | None:
        """What Enter on an answer to step ``answered`` says, or None for the step's own verdict (the last step
        answered right in practice: the summary follows)."""
        if self.session.mode == EXAM:
            if not verdict.readable or self.session.exam_feedback:
                return self.verdict_text(verdict)
            return f"Saved your answer to the previous step (read as {verdict.read_as})."
        if not verdict.readable:
            return f"✗ {verdict.message} (not counted as a try)"
        if not verdict.correct:
            return self.verdict_text(verdict) + " Try again, F2 for a hint, F3 to see the answer."
        if self.session.finished:
            return None
        return f"{self.step_verdict_text(answered)} On to step {self.session.index + 1}."

    def action_hint(self) -> None:
        try:
            hint = self.session.hint()
        except SessionError as error:
            self.feedback = str(error)
            return
        if hint is None:
            self.notify("No more hints for this step: F3 shows the answer.", timeout=4)
        self.hints = tuple(self.session.hints_shown())
        if hint is not None and self.session.state.done:  # the last rung, the answer, revealed the step
            self.sync()
            if self.session.finished:
                self.post_message(SessionFinished(self.session))

    def action_reveal(self) -> None:
        try:
            self.session.reveal()
        except SessionError as error:
            self.feedback = str(error)
            return
        self.sync()
        if self.session.finished:
            self.post_message(SessionFinished(self.session))

    def action_previous_step(self) -> None:
        self.session.previous_step()
        self.sync()

    def action_next_step(self) -> None:
        self.session.next_step()
        self.sync()

    def action_next_open(self) -> None:
        """From a done step: on to the next open one, or to the summary when none is left."""
        following = self.session.first_open()
        if following is None:
            self.post_message(SessionFinished(self.session))
            return
        self.session.go_to(following)
        self.sync()

    def action_submit_exam(self) -> None:
        """F9: with blank steps, ask first; with none, submit."""
        if self.session.mode != EXAM or self.session.submitted:
            return
        blank = self.session.blank_count
        if blank == 0:
            self.submit_exam()
            return

        def answered(submit: bool | None) -> None:
            if submit:
                self.submit_exam()

        from .confirm import ConfirmSubmitScreen  # imported when first asked: a faster start

        self.app.push_screen(ConfirmSubmitScreen(blank, len(self.session.steps)), answered)

    def submit_exam(self) -> None:
        self.session.submit()
        self.post_message(SessionFinished(self.session))

    def action_inspect(self, name: str | None = None) -> None:
        from .inspect import InspectScreen  # imported when first shown: a faster start

        def closed(_: None) -> None:
            self.query_one("#answer", Input).focus()  # a click focused the graph: Enter belongs to the answer

        self.app.push_screen(InspectScreen(self.session, name or self.session.step.node), closed)

    @on(events.Click, "#graph")
    def inspect_clicked_node(self, event: events.Click) -> None:
        graph = self.query_one("#graph", GraphView)
        offset = event.get_content_offset(graph)
        name = graph.node_at(offset) if offset is not None else None
        if name is not None:
            self.action_inspect(name)

    def action_scroll_graph(self, columns: int, rows: int) -> None:
        self.query_one("#graph", GraphView).scroll_relative(columns, rows, animate=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        exam = self.session.mode == EXAM
        if action in ("hint", "reveal") and exam:
            return False
        if action == "submit_exam" and not exam:
            return False
        return True
