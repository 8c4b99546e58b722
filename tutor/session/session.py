"""A learner's walk through one exercise: steps, attempts, hints, reveals, score, autosave.

Everything a learner can do in the TUI is a method here, so a test can do it without a screen.
The session keeps a list of events (step shown, answer typed and how it was read, verdict, hint,
reveal, each with a time stamp). The events are what is saved, after every action, atomically;
resuming replays them through a fresh checker, so a saved verdict is never trusted, only re-derived.

Practice mode: feedback after every answer, retries, hints, reveal.
Exam mode: no hints and no reveal; answers may be changed until the exam is submitted, and are
graded all together then (optionally with right/wrong, but not the answer, after each one).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..engine.graph import Solution, solve
from ..exercise.model import Exercise
from ..grading import Checker, QuantityKind, Verdict, read_answer
from ..grading.answer import UnreadableAnswer
from ..grading.formula import read_formula
from ..grading.quantities import question
from .modes import EXAM, PRACTICE
from .saving import SaveError
from .scoring import carried_forward_share, exam_credit, practice_credit, practice_credit_reason, step_points
from .steps import Step, build_steps
from .store import PROGRESS_FORMAT, PROGRESS_VERSION, ProgressLock, ProgressStore, exercise_fingerprint, lock_label

OPEN, CORRECT, REVEALED = "open", "correct", "revealed"
IDLE_CAP_SECONDS = 300  # a gap longer than this between actions is a break, not work


class SessionError(Exception):
    """An action that is not possible now (a hint in an exam, an answer after submitting)."""


@dataclass
class StepState:
    status: str = OPEN
    wrong_attempts: int = 0
    hints_shown: int = 0
    answer: str = ""  # the last readable answer typed
    verdict: Verdict | None = None

    @property
    def done(self) -> bool:
        return self.status != OPEN


@dataclass(frozen=True)
class Summary:
    total: int
    first_try: int  # right at the first attempt with no hint
    after_retries: int  # right after wrong attempts, no hint
    hinted: int  # right after at least one hint
    revealed: int
    open: int
    score: float  # points, see scoring.py
    seconds: float
    max_score: float  # the points of every step: the number of steps unless the exercise has [points]

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.max_score if self.max_score else 0.0


@dataclass(frozen=True)
class ExamItem:
    step: Step
    answer: str
    verdict: Verdict | None  # None when left blank
    credit: float


@dataclass
class Session:
    exercise: Exercise
    mode: str = PRACTICE
    store: ProgressStore | None = None
    clock: Callable[[], float] = time.time
    exam_feedback: bool = False  # exam: say right/wrong (never the answer) after each answer
    time_limit: float | None = None  # exam: seconds allowed
    # told after every save of the progress: why it failed (naming the file), or None when it worked
    on_save: Callable[[str | None], None] | None = None
    # be the one writer of the progress file until close() (the tutor's windows): OpenElsewhere when another is
    exclusive: bool = False
    solution: Solution = field(init=False)
    steps: list[Step] = field(init=False)
    states: list[StepState] = field(init=False)
    events: list[dict] = field(init=False, default_factory=list)
    index: int = field(init=False, default=0)
    notice: str | None = field(init=False, default=None)  # a message for the learner (progress set aside)
    save_problem: str | None = field(init=False, default=None)  # why the last save failed; None once one works
    submitted: bool = field(init=False, default=False)
    exam_report: list[ExamItem] = field(init=False, default_factory=list)

    def __post_init__(self):
        if self.mode not in (PRACTICE, EXAM):
            raise ValueError(f"unknown mode {self.mode!r}")
        self.solution = solve(self.exercise)
        self.checker = Checker(self.solution)
        self.steps = build_steps(self.solution)
        self.states = [StepState() for _ in self.steps]
        self.started = self.clock()
        self._replaying = False
        self._lock: ProgressLock | None = None
        # the file as it was when the session began: read once, not at every save
        self.fingerprint = exercise_fingerprint(self.exercise.path)
        self.progress_file: Path | None = None
        if self.store is not None:
            self.progress_file = self.store.path_for(self.exercise.name, self.exercise.path, self.mode)
            if self.exclusive:
                self._hold(self.progress_file)  # before reading: what is read is then what the last writer left
            self._resume(self.store, self.progress_file)
        if not self.events:
            self._record(
                {"type": "start", "mode": self.mode, "exam_feedback": self.exam_feedback, "time_limit": self.time_limit}
            )
            self._show()

    # -- where we are ------------------------------------------------------------------------
    @property
    def step(self) -> Step:
        return self.steps[self.index]

    @property
    def state(self) -> StepState:
        return self.states[self.index]

    @property
    def finished(self) -> bool:
        if self.mode == EXAM:
            return self.submitted
        return all(state.done for state in self.states)

    @property
    def done_count(self) -> int:
        if self.mode == EXAM:
            return sum(bool(state.answer) for state in self.states)
        return sum(state.done for state in self.states)

    @property
    def blank_count(self) -> int:
        """The steps not answered yet: left blank in an exam, still open in practice."""
        return len(self.steps) - self.done_count

    def go_to(self, index: int, save: bool = True) -> None:
        if not 0 <= index < len(self.steps):
            raise SessionError(f"there is no step {index + 1}")
        if index != self.index:
            self.index = index
            self._show()
            if save:
                self._save()

    def next_step(self) -> None:
        if self.index + 1 < len(self.steps):
            self.go_to(self.index + 1)

    def previous_step(self) -> None:
        if self.index > 0:
            self.go_to(self.index - 1)

    def first_open(self) -> int | None:
        for offset in range(len(self.steps)):
            candidate = (self.index + offset) % len(self.steps)
            state = self.states[candidate]
            if (self.mode == PRACTICE and not state.done) or (self.mode == EXAM and not state.answer):
                return candidate
        return None

    # -- what a learner does -----------------------------------------------------------------
    def preview(self, text: str) -> str:
        """How the text typed so far would be read, for the live line under the answer field."""
        if not text.strip():
            return ""
        try:
            if self.step.quantity.kind == QuantityKind.FORMULA:
                asked = question(self.solution, self.step.quantity)
                return f"Read as {read_formula(text, asked).read_as}"
            answer = read_answer(text, np.shape(self.checker.expected(self.step.quantity)))
        except UnreadableAnswer as error:
            return f"Cannot read this yet: {error}"
        notes = "".join(f" ({note})" for note in answer.notes)
        return f"Read as {answer.read_as}{notes}"

    def answer(self, text: str) -> Verdict:
        if self.submitted:
            raise SessionError("the exam has been submitted")
        if self.mode == PRACTICE and self.state.done:
            raise SessionError("this step is already done: move on to the next one")
        step, state = self.step, self.state
        if self.mode == EXAM:
            verdict = self._exam_answer(step, state, text)
        else:
            verdict = self.checker.check(step.quantity, text)
            if verdict.readable:
                state.answer = text
                state.verdict = verdict
                if verdict.correct:
                    state.status = CORRECT
                else:
                    state.wrong_attempts += 1
        self._record(
            {
                "type": "answer",
                "step": str(step.quantity),
                "text": text,
                "read_as": verdict.read_as,
                "readable": verdict.readable,
                "verdict": verdict.verdict if self._reveals_verdicts() and verdict.readable else None,
                "message": verdict.message if self._reveals_verdicts() or not verdict.readable else "",
                "carried_forward": verdict.carried_forward if self._reveals_verdicts() else False,
                "diagnosis": verdict.diagnosis if self._reveals_verdicts() else None,
            }
        )
        if verdict.readable and (self.mode == EXAM or verdict.correct):
            following = self.first_open()
            if following is not None:
                self.go_to(following, save=False)
        self._save()  # once, with the answer and the move to the next step
        return verdict

    def _exam_answer(self, step: Step, state: StepState, text: str) -> Verdict:
        verdict = Checker(self.solution).check(step.quantity, text)  # read only: grading waits for submit
        if verdict.readable:
            state.answer = text
            if self.exam_feedback:
                graded = self._grade_exam()[self.index].verdict
                state.verdict = graded
                return graded if graded is not None else verdict
        return verdict

    def _reveals_verdicts(self) -> bool:
        return self.mode == PRACTICE or self.exam_feedback

    def hint(self) -> str | None:
        """The next rung of the hint ladder, or None when every rung has been shown. The last rung is the worked
        answer: showing it reveals the step (credit 0, as F3), so the value is never had for a hint's 0.25."""
        if self.mode == EXAM:
            raise SessionError("hints are not available in an exam")
        ladder = self.hint_ladder()
        state = self.state
        if state.done or state.hints_shown >= len(ladder):
            return None
        state.hints_shown += 1
        if state.hints_shown == len(ladder):
            self._mark_revealed()  # replayed from this same hint event: a re-grade agrees
        self._record({"type": "hint", "step": str(self.step.quantity), "level": state.hints_shown})
        self._save()
        return ladder[state.hints_shown - 1]

    def hint_ladder(self) -> list[str]:
        from ..grading.hints import hint_ladder  # imported on the first hint: a faster start

        return hint_ladder(self.solution, self.step.quantity)

    def hints_shown(self) -> list[str]:
        shown = self.state.hints_shown
        return self.hint_ladder()[:shown] if shown else []

    def reveal(self) -> str:
        """Show the answer and how it is computed; the step counts as revealed."""
        if self.mode == EXAM:
            raise SessionError("the answers are not shown during an exam")
        text = self.worked_answer()
        if not self.state.done:
            self._mark_revealed()
            self._record({"type": "reveal", "step": str(self.step.quantity)})
            self._save()
        return text

    def _mark_revealed(self) -> None:
        self.state.status = REVEALED
        self.checker.reveal(self.step.quantity)  # later steps build on the revealed value

    def worked_answer(self) -> str:
        from ..grading.explain import worked_answer  # imported on the first reveal: a faster start

        return worked_answer(self.solution, self.step.quantity)

    def submit(self) -> list[ExamItem]:
        if self.mode != EXAM:
            raise SessionError("only an exam is submitted")
        if not self.submitted:
            self.exam_report = self._grade_exam()
            for item, state in zip(self.exam_report, self.states):
                state.verdict = item.verdict
            self.submitted = True
            self._record({"type": "submit"})
            self._save()
        return self.exam_report

    def _grade_exam(self) -> list[ExamItem]:
        """Grade every answer in step order with one checker, so error carried forward applies."""
        checker = Checker(self.solution)
        items = []
        for step, state in zip(self.steps, self.states):
            if not state.answer:
                items.append(ExamItem(step, "", None, 0.0))
                continue
            verdict = checker.check(step.quantity, state.answer)
            items.append(
                ExamItem(step, state.answer, verdict, exam_credit(verdict, self.exercise.carried_forward_credit))
            )
        return items

    def time_left(self) -> float | None:
        if self.time_limit is None:
            return None
        return max(0.0, self.time_limit - (self.clock() - self.started))

    # -- results -----------------------------------------------------------------------------
    def summary(self) -> Summary:
        first_try = after_retries = hinted = revealed = open_ = 0
        score = 0.0
        points = [step_points(self.exercise, step.quantity) for step in self.steps]
        for index, state in enumerate(self.states):
            if self.mode == EXAM:
                if self.submitted:
                    score += self.exam_report[index].credit * points[index]
                continue
            if state.status == REVEALED:
                revealed += 1
            elif state.status == OPEN:
                open_ += 1
            elif state.hints_shown:
                hinted += 1
            elif state.wrong_attempts:
                after_retries += 1
            else:
                first_try += 1
            score += self.practice_credit(state) * points[index]
        if self.mode == EXAM:
            first_try = sum(item.verdict is not None and item.verdict.correct for item in self.exam_report)
            open_ = len(self.steps) - first_try
        return Summary(
            len(self.steps),
            first_try,
            after_retries,
            hinted,
            revealed,
            open_,
            round(score, 4),
            self.working_seconds(),
            sum(points),
        )

    def practice_credit(self, state: StepState) -> float:
        """The credit of one step in practice mode (docs/scoring.md)."""
        return practice_credit(
            state.status == CORRECT,
            state.wrong_attempts,
            state.hints_shown,
            carried_forward_share(state.verdict, self.exercise.carried_forward_credit),
        )

    def credit_note(self, index: int) -> str:
        """Why a right step earned less than its points, in words ("0.75 of 1 point, one wrong try before"),
        or "" when it earned them all (practice mode)."""
        state = self.states[index]
        if state.status != CORRECT:
            return ""
        reasons = [practice_credit_reason(state.wrong_attempts, state.hints_shown)]
        if carried_forward_share(state.verdict, self.exercise.carried_forward_credit) < 1:
            reasons.append("worked from your own earlier answers")
        reason = ", ".join(filter(None, reasons))
        if not reason:
            return ""
        points = step_points(self.exercise, self.steps[index].quantity)
        return f"{self.practice_credit(state) * points:g} of {points:g} point{'' if points == 1 else 's'}, {reason}"

    def verdict_message(self, index: int) -> str:
        """The step's verdict in words; a right answer that earned less than its points says so instead
        ("Correct: 0.75 of 1 point, one hint."); "" before any verdict."""
        verdict = self.states[index].verdict
        if verdict is None:
            return ""
        note = self.credit_note(index)
        if not note:
            return verdict.message
        return f"Correct: {note}."  # without the exact value: it may give away an earlier step still open

    def working_seconds(self) -> float:
        """The gaps between events, each capped, up to the event that finished the session (the last
        step done, or the submission): going back over the steps afterwards is reviewing, not work."""
        times = [event["time"] for event in self.events]
        if self.finished:
            # once finished, only step changes ("shown") can follow: the finishing event is the last other one
            last = max(position for position, event in enumerate(self.events) if event["type"] != "shown")
            times = times[: last + 1]
        return float(sum(min(later - earlier, IDLE_CAP_SECONDS) for earlier, later in zip(times, times[1:])))

    # -- events, saving and resuming ---------------------------------------------------------
    def _show(self) -> None:
        self._record({"type": "shown", "step": str(self.step.quantity), "index": self.index})

    def _record(self, event: dict) -> None:
        if self._replaying:  # the saved event stays; the recomputed one is kept to compare (tutor grade)
            self.regraded_events.append(event)
        else:
            self.events.append({"time": self.clock(), **event})

    def progress_data(self) -> dict:
        summary = self.summary()
        return {
            "format": PROGRESS_FORMAT,
            "version": PROGRESS_VERSION,
            "exercise": self.exercise.name,
            "title": self.exercise.title,
            "exercise_path": str(self.exercise.path.resolve()) if self.exercise.path else None,  # from any folder
            "exercise_fingerprint": self.fingerprint,
            "learner": self.store.learner_name() if self.store is not None else None,  # whose model it feeds
            "mode": self.mode,
            "steps": len(self.steps),
            "done": self.done_count,
            "finished": self.finished,
            "score": summary.score,
            "events": self.events,
        }

    def _save(self) -> None:
        """Write every event so far. A failure (a read-only folder, a full disk) loses nothing: the events stay
        in memory and the next save writes them all again."""
        if self.store is None or self.progress_file is None or self._replaying:
            return
        try:
            self.store.save(self.progress_file, self.progress_data())
        except SaveError as error:
            self.save_problem = str(error)
        else:
            self.save_problem = None
        if self.on_save is not None:
            self.on_save(self.save_problem)

    def _hold(self, progress_file: Path) -> None:
        lock = ProgressLock(progress_file)
        try:
            lock.acquire(lock_label(self.exercise.title, self.mode))
        except OSError:
            return  # a folder that cannot be used: no other window can save there either, and saving says why
        self._lock = lock

    def close(self) -> None:
        """Done with the session (its window closed): another window may now work on the exercise."""
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def _resume(self, store: ProgressStore, progress_file: Path) -> None:
        data, self.notice = store.load(progress_file, self.exercise.path)
        if data is None:
            return
        try:
            self.replay(data["events"])
        except (KeyError, TypeError, ValueError, SessionError):
            self._reset()
            self.notice = store.set_aside(progress_file, "its history does not fit this exercise")

    def _reset(self) -> None:
        self.checker = Checker(self.solution)
        self.states = [StepState() for _ in self.steps]
        self.events = []
        self.index = 0
        self.submitted = False

    def replay(self, events: list[dict]) -> None:
        """Redo every saved action through a fresh checker; verdicts are recomputed, not trusted."""
        positions = {str(step.quantity): index for index, step in enumerate(self.steps)}
        self.regraded_events: list[dict] = []
        self._replaying = True
        try:
            for event in events:
                kind = event["type"]
                if kind == "start":
                    self.exam_feedback = bool(event.get("exam_feedback", self.exam_feedback))
                if kind in ("answer", "hint", "reveal", "shown"):
                    self.index = positions[event["step"]]
                if kind == "answer":
                    if self.mode == PRACTICE and self.state.done:
                        continue
                    self.answer(str(event["text"]))
                elif kind == "hint":
                    self.hint()
                elif kind == "reveal":
                    self.reveal()
                elif kind == "submit":
                    self.submit()
        finally:
            self._replaying = False
        self.events = [dict(event) for event in events]
        self.started = float(events[0]["time"]) if events else self.started
        if not self.finished:
            following = self.first_open()
            self.index = following if following is not None else self.index
