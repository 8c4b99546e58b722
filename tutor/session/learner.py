"""A learner model: how likely the learner is to have mastered each skill, from every step they answered.

Bayesian knowledge tracing (Corbett & Anderson 1995), one independent model per skill of
tutor/exercise/skills.py; the choices, the parameters and their sources are in docs/learner-model.md.
Only the first action on each step is evidence: the first answer (right, or wrong), or a hint or reveal asked
before any answer (wrong). A wrong answer whose diagnosis names a skill is evidence against that skill only;
one diagnosed as a slip of arithmetic or rounding is no evidence. An exam's steps are observed as graded when
it is submitted. A wrong step of activation-derivative also remembers which activation it was, for the next exercise. This module holds no files: tutor/session/learners.py stores and refreshes the model.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from ..engine.graph import Solution
from ..exercise.expression import calls_in, uses
from ..exercise.operations import ACTIVATIONS, OPERATION_TABLE
from ..exercise.skills import Skill
from ..grading.checker import CORRECT, Verdict
from ..grading.quantities import Quantity, QuantityKind
from ..grading.skills import label_skill, step_skills
from .modes import EXAM
from .session import Session

MASTERED = 0.95  # a skill counts as mastered from this probability on (Corbett & Anderson 1995)
MISTAKES_KEPT = 5  # the last diagnosed mistakes kept per skill (and the last missed activations)


@dataclass(frozen=True)
class Parameters:
    """The four parameters of knowledge tracing, the same for every skill (docs/learner-model.md)."""

    prior: float = 0.3  # P(L0): mastered before any practice
    learn: float = 0.15  # P(T): learned at a step, when not mastered before it
    guess: float = 0.2  # P(G): right without mastery
    slip: float = 0.1  # P(S): wrong despite mastery


PARAMETERS = Parameters()


def bkt_update(mastery: float, correct: bool, parameters: Parameters = PARAMETERS) -> float:
    """The probability of mastery after one observed step: Bayes' rule on the answer, then the chance to learn."""
    guess, slip = parameters.guess, parameters.slip
    if correct:
        known = mastery * (1 - slip) / (mastery * (1 - slip) + (1 - mastery) * guess)
    else:
        known = mastery * slip / (mastery * slip + (1 - mastery) * (1 - guess))
    return known + (1 - known) * parameters.learn


# How a step was first met, in words: what the evidence was (for a summary of what changed in the model)
FIRST_TRY, CARRIED_FORWARD, WRONG, HINT, REVEALED, GRADED = (
    "right at the first try",
    "right from the learner's own earlier numbers",
    "wrong at the first try",
    "a hint before any answer",
    "the answer shown before any answer",
    "graded in an exam",
)


@dataclass(frozen=True)
class Observation:
    """One step's evidence about some skills."""

    session: str  # which session (tutor/session/learners.py names them)
    step: str  # the step's quantity, "grad.x"
    time: float  # when (orders the evidence of every session)
    skills: tuple[Skill, ...]
    correct: bool
    how: str  # one of the words above
    mistake: str | None = None  # the diagnosis label of a wrong answer
    activation: str | None = None  # the activation whose derivative the step asks for (step_activation)


def observations(session: Session, session_id: str) -> list[Observation]:
    """The evidence of a session whose events have been replayed (Session.replay): per step, its first action."""
    solution = session.solution
    skills = {str(step.quantity): step_skills(solution, step.quantity) for step in session.steps}
    activations = {
        str(step.quantity): step_activation(solution, step.quantity)
        for step in session.steps
        if Skill.ACTIVATION_DERIVATIVE in skills[str(step.quantity)]
    }
    if session.mode == EXAM:
        if not session.submitted:
            return []
        when = max(float(event["time"]) for event in session.events if event.get("type") == "submit")
        graded = [
            _of_answer(
                session_id,
                str(item.step.quantity),
                when,
                skills[str(item.step.quantity)],
                _Outcome.of(verdict),
                GRADED,
                activations.get(str(item.step.quantity)),
            )
            for item in session.exam_report
            if (verdict := item.verdict) is not None and verdict.readable
        ]
        return [observation for observation in graded if observation is not None]
    first_times: dict[str, float] = {}  # the saved time of each step's first action
    for event in session.events:
        if event.get("type") in ("answer", "hint", "reveal") and event.get("readable", True):
            first_times.setdefault(str(event.get("step")), float(event["time"]))
    found: list[Observation] = []
    seen: set[str] = set()
    for event, outcome in _regraded_actions(session):
        step = str(event["step"])
        if step in seen or step not in skills:
            continue
        seen.add(step)
        when = first_times.get(step, session.started)
        if event["type"] == "hint":
            found.append(Observation(session_id, step, when, skills[step], False, HINT, None, activations.get(step)))
        elif event["type"] == "reveal":
            found.append(
                Observation(session_id, step, when, skills[step], False, REVEALED, None, activations.get(step))
            )
        elif outcome is not None:
            observed = _of_answer(session_id, step, when, skills[step], outcome, FIRST_TRY, activations.get(step))
            if observed is not None:
                found.append(observed)
    return found


def step_activation(solution: Solution, quantity: Quantity) -> str | None:
    """The activation (its name in the operations table) whose derivative a step of activation-derivative asks
    for: the one a node applies to the step's input (a local derivative) or to the step's name (a gradient). None
    for an activation taken apart into nodes (exp, add, divide), whose graph names no activation."""
    if quantity.kind == QuantityKind.LOCAL:
        edges = [quantity.edge]
    elif quantity.kind == QuantityKind.GRAD:
        edges = [(consumer, quantity.name) for consumer in solution.graph.consumers.get(quantity.name, [])]
    else:
        return None
    for node, source in edges:
        spec = solution.graph.nodes.get(node)
        for call in calls_in(spec.expression) if spec is not None else []:
            if OPERATION_TABLE[call.function].activation and any(uses(argument, source) for argument in call.args):
                return call.function
    return None


@dataclass(frozen=True)
class _Outcome:
    """What an observation reads of a graded answer."""

    correct: bool
    carried_forward: bool
    diagnosis: str | None

    @classmethod
    def of(cls, verdict: Verdict) -> _Outcome:
        return cls(verdict.correct, verdict.carried_forward, verdict.diagnosis)


def _regraded_actions(session: Session) -> list[tuple[dict, _Outcome | None]]:
    """The replayed actions in order (readable answers, hints, reveals), each answer with its recomputed outcome:
    the replay's own events (a saved verdict is never trusted)."""
    actions: list[tuple[dict, _Outcome | None]] = []
    for event in getattr(session, "regraded_events", []):  # only a replayed session has them
        if event["type"] in ("hint", "reveal"):
            actions.append((event, None))
        elif event["type"] == "answer" and event["readable"] and event["verdict"] is not None:
            outcome = _Outcome(event["verdict"] == CORRECT, bool(event["carried_forward"]), event["diagnosis"])
            actions.append((event, outcome))
    return actions


def _of_answer(
    session_id: str,
    step: str,
    when: float,
    skills: tuple[Skill, ...],
    outcome: _Outcome,
    how_right: str,
    activation: str | None,
) -> Observation | None:
    if outcome.correct:
        how = CARRIED_FORWARD if outcome.carried_forward else how_right
        return Observation(session_id, step, when, skills, True, how, None, activation)
    if outcome.diagnosis:
        revealed = label_skill(outcome.diagnosis)
        if revealed is None:
            return None  # a slip of arithmetic or rounding says nothing about a skill
        return Observation(session_id, step, when, (revealed,), False, WRONG, outcome.diagnosis, activation)
    return Observation(session_id, step, when, skills, False, WRONG, None, activation)


def diagnosed_mistakes(session: Session) -> list[str]:
    """The diagnosis label of every wrong answer of a replayed session (an exam's as graded), retries included."""
    if session.mode == EXAM:
        return [item.verdict.diagnosis for item in session.exam_report if item.verdict and item.verdict.diagnosis]
    return [outcome.diagnosis for _, outcome in _regraded_actions(session) if outcome and outcome.diagnosis]


@dataclass
class SkillState:
    mastery: float = PARAMETERS.prior
    attempts: int = 0  # the answered steps behind the mastery
    mistakes: list[str] = field(default_factory=list)  # the last diagnosed mistakes, oldest first
    # activation-derivative's: the activations of its last wrong steps, most recent first, each once
    missed_activations: list[str] = field(default_factory=list)

    @property
    def mastered(self) -> bool:
        return self.mastery >= MASTERED


@dataclass
class LearnerModel:
    learner: str
    skills: dict[Skill, SkillState] = field(default_factory=lambda: {skill: SkillState() for skill in Skill})
    counted: set[tuple[str, str]] = field(default_factory=set)  # (session, step): each step's evidence once

    def observe(self, observation: Observation) -> bool:
        """Update the skills with one step's evidence; False when that step was counted already."""
        key = (observation.session, observation.step)
        if key in self.counted:
            return False
        self.counted.add(key)
        for skill in observation.skills:
            state = self.skills[skill]
            state.mastery = bkt_update(state.mastery, observation.correct)
            state.attempts += 1
            if observation.mistake:
                state.mistakes = [*state.mistakes, observation.mistake][-MISTAKES_KEPT:]
            if skill == Skill.ACTIVATION_DERIVATIVE and not observation.correct and observation.activation:
                earlier = [name for name in state.missed_activations if name != observation.activation]
                state.missed_activations = [observation.activation, *earlier][:MISTAKES_KEPT]
        return True

    def weakest(self) -> Skill:
        """The skill to practise next: the lowest mastery (ties: the earlier skill in the table)."""
        order = list(Skill)
        return min(Skill, key=lambda skill: (self.skills[skill].mastery, order.index(skill)))

    def to_json(self) -> dict:
        return {
            "learner": self.learner,
            "parameters": asdict(PARAMETERS),
            "skills": {str(skill): asdict(state) for skill, state in self.skills.items()},
            "counted": sorted([session, step] for session, step in self.counted),
        }

    @classmethod
    def from_json(cls, data: dict) -> LearnerModel:
        """ValueError (or KeyError, TypeError) when the data is not a model of these parameters: rebuild it."""
        if data["parameters"] != asdict(PARAMETERS):
            raise ValueError("the model was computed with other parameters")
        skills = {}
        for skill in Skill:
            state = data["skills"][str(skill)]
            mastery, attempts, mistakes = float(state["mastery"]), int(state["attempts"]), list(state["mistakes"])
            missed = list(state["missed_activations"])
            if (
                not 0 <= mastery <= 1
                or attempts < 0
                or not all(isinstance(name, str) for name in mistakes + missed)
                or not set(missed) <= set(ACTIVATIONS)
            ):
                raise ValueError(f"the skill {skill} is damaged")
            skills[skill] = SkillState(mastery, attempts, mistakes, missed)
        counted = {(str(session), str(step)) for session, step in data["counted"]}
        return cls(str(data["learner"]), skills, counted)
