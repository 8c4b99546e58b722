"""Each learner's model (tutor/session/learner.py), kept beside the sessions it is computed from.

Under the tutor's data folder, ``learners/NAME-HASH/`` holds a learner's ``model.json`` and ``attempts/``: the
answers files `tutor check --record` graded for them, saved as sessions. A learner's sessions are those attempts
and the progress files of the tutor's windows that name them (a progress file written before the learner model
names nobody: it is the stored learner's). The model is a cache: reading it first observes every session saved
or grown since it was written, and a model file that is missing, unreadable or of other parameters is rebuilt
from all the sessions. It is saved atomically (tutor/session/saving.py).
"""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..engine.graph import Solution
from ..exercise import ExerciseFileError, catalog_folder, catalog_names, load_exercise
from ..exercise.operations import OPERATION_TABLE
from ..exercise.reading import read_json
from ..exercise.skills import SKILL_WORDS, Skill
from ..grading import asked_quantities
from ..grading.skills import step_skills
from .learner import LearnerModel, Observation, observations, step_activation
from .saving import SaveError, save_json
from .session import Session, SessionError
from .store import (
    PROGRESS_VERSION,
    ProgressStore,
    exercise_key,
    same_exercise,
    saved_exercise,
    saved_sessions,
)

MODEL_FORMAT = "backprop-tutor-learner-model"
MODEL_VERSION = 2  # 2: activation-derivative remembers the missed activations


def learner_folder_name(learner: str) -> str:
    """A file name for any learner's name: its letters and digits, and a short hash that keeps names apart."""
    readable = re.sub(r"[^A-Za-z0-9_-]+", "-", learner).strip("-")[:40] or "learner"
    return f"{readable}-{hashlib.sha256(learner.encode('utf-8')).hexdigest()[:8]}"


def session_id(progress_file: Path, events: list[dict]) -> str:
    """How the model names a saved session: its file's name and its start (a session started afresh in the same
    file is another)."""
    return f"{progress_file.name}@{events[0].get('time', 0)}"


@dataclass(frozen=True)
class SavedSession:
    id: str  # the file's name and the session's start: a session started afresh in the same file is another
    data: dict
    recorded: bool  # an answers file recorded with `tutor check --record` (always worked to the end)

    @property
    def exercise_key(self) -> str:
        path = self.data.get("exercise_path")
        return exercise_key(str(self.data["exercise"]), Path(path) if isinstance(path, str) else None)

    @property
    def worked(self) -> bool:
        """Finished: every step done, an exam submitted, or answers handed in."""
        return self.recorded or bool(self.data.get("finished"))


@dataclass(frozen=True)
class Recommendation:
    skill: Skill
    exercise: str  # a catalog name, or the path of a generated exercise file
    why: str


class LearnerStore:
    def __init__(self, store: ProgressStore | None = None):
        self.store = store or ProgressStore()
        self.root = self.store.root.parent / "learners"
        self.save_problem: str | None = None  # why the model could not be saved last time, in words

    def folder(self, learner: str) -> Path:
        return self.root / learner_folder_name(learner)

    def model_file(self, learner: str) -> Path:
        return self.folder(learner) / "model.json"

    def record(self, session: Session, learner: str) -> Path:
        """Keep a graded answers file (a session typed by `tutor check`) as an attempt of the learner; SaveError
        when it cannot be saved."""
        started = time.strftime("%Y%m%d-%H%M%S", time.gmtime(session.started))
        key = exercise_key(session.exercise.name, session.exercise.path)
        folder = self.folder(learner) / "attempts"
        path = folder / f"{key}.{session.mode}.{started}.json"
        number = 1
        while path.exists():  # two recorded in one second
            number += 1
            path = folder / f"{key}.{session.mode}.{started}-{number}.json"
        save_json(path, {**session.progress_data(), "learner": learner})
        return path

    def sessions(self, learner: str) -> list[SavedSession]:
        """The learner's saved sessions: their recorded attempts, and the tutor's progress files that are theirs."""
        found = []
        stored_learner = self.store.learner_name()
        for recorded, folder in ((False, self.store.root), (True, self.folder(learner) / "attempts")):
            try:
                usable, _ = saved_sessions(folder)  # an unusable file is reported by `tutor sessions`
            except ExerciseFileError:
                continue
            for path, data in usable:
                if not data["events"] or (data.get("learner") or stored_learner) != learner:
                    continue
                found.append(SavedSession(session_id(path, data["events"]), data, recorded))
        return found

    def model(self, learner: str) -> LearnerModel:
        """The learner's model, brought up to date with their sessions and saved (a failed save is kept in
        ``save_problem``; the model is still right)."""
        model, seen = self._load(learner)
        before = dict(seen)
        self._observe_sessions(learner, model, seen)
        if seen != before or not self.model_file(learner).exists():  # saved once per change of the sessions
            try:
                save_json(
                    self.model_file(learner),
                    {"format": MODEL_FORMAT, "version": MODEL_VERSION, **model.to_json(), "sessions": seen},
                )
                self.save_problem = None
            except SaveError as error:
                self.save_problem = str(error)
        return model

    def model_without(self, learner: str, session: str) -> LearnerModel:
        """The learner's model as if they had not worked the session named ``session`` (``session_id``): what an
        exercise's summary compares with, so that it says what the whole session changed, resumed or not. The
        model brought up to date when it holds nothing of that session yet, else rebuilt from their other sessions
        (not saved: the saved model counts every session)."""
        model = self.model(learner)
        if all(counted != session for counted, _ in model.counted):
            return model
        model = LearnerModel(learner)
        self._observe_sessions(learner, model, {}, without=session)
        return model

    def _observe_sessions(
        self, learner: str, model: LearnerModel, seen: dict[str, int], without: str | None = None
    ) -> None:
        """Give the model the evidence of the learner's sessions it has not seen whole (but the one named
        ``without``), in the order it happened; ``seen`` (each session's number of events) is kept up to date."""
        evidence: list[Observation] = []
        for saved in self.sessions(learner):
            events = len(saved.data["events"])
            if saved.id == without or seen.get(saved.id) == events:
                continue
            replayed = _replayed(saved.data)
            if replayed is not None:
                seen[saved.id] = events
                evidence += observations(replayed, saved.id)
        evidence.sort(key=lambda observation: observation.time)
        for observation in evidence:
            model.observe(observation)

    def _load(self, learner: str) -> tuple[LearnerModel, dict[str, int]]:
        """The saved model and the sessions it has seen (their number of events); a new one when there is none
        that can be used."""
        try:
            data = read_json(self.model_file(learner), "learner models")
            if not isinstance(data, dict) or data.get("format") != MODEL_FORMAT or data.get("version") != MODEL_VERSION:
                raise ValueError("not a learner model of this version")
            model = LearnerModel.from_json(data)
            seen = {str(key): int(value) for key, value in data["sessions"].items()}
            if model.learner != learner:
                raise ValueError("another learner's model")
        except (ExerciseFileError, ValueError, KeyError, TypeError, AttributeError):
            return LearnerModel(learner), {}
        return model, seen

    def recommend(self, learner: str, model: LearnerModel | None = None) -> Recommendation:
        """What to practise next: the weakest skill, in the easiest catalog exercise that exercises it and that
        the learner has not worked; when they have worked them all, a freshly generated one. For
        activation-derivative, the activation last missed comes first: a catalog exercise with it, else one
        generated with it."""
        model = model or self.model(learner)
        skill = model.weakest()
        state = model.skills[skill]
        worked = {saved.exercise_key for saved in self.sessions(learner) if saved.worked}
        why = (
            f"{skill} ({SKILL_WORDS[skill]}) is your weakest skill: mastery {state.mastery:.2f} "
            f"from {state.attempts} answered step{'' if state.attempts == 1 else 's'}"
            if state.attempts
            else f"{skill} ({SKILL_WORDS[skill]}) is a skill you have not practised yet"
        )
        unworked = [
            name
            for name in catalog_exercises_with(skill)
            if exercise_key(name, catalog_folder() / f"{name}.toml") not in worked
        ]
        missed = (
            state.missed_activations[0] if skill == Skill.ACTIVATION_DERIVATIVE and state.missed_activations else None
        )
        if missed is not None:
            why = f"{OPERATION_TABLE[missed].shown_as}′ was your last slip: {why}"
            with_missed = [name for name in unworked if missed in catalog_step_activations(name)]
            if with_missed:
                return Recommendation(skill, with_missed[0], f"{why}; an exercise with {missed}")
            generated = self._generated(skill, worked, missed)  # a hidden layer of any activation of the table
            return Recommendation(skill, str(generated), f"{why}; a fresh exercise with {missed}")
        if unworked:
            return Recommendation(skill, unworked[0], why)
        return Recommendation(skill, str(self._generated(skill, worked)), f"{why}; a fresh exercise for it")

    def _generated(self, skill: Skill, worked: set[str], activation: str | None = None) -> Path:
        """A generated exercise for the skill, saved under the tutor's data folder (`tutor run PATH` opens it):
        the first seed whose exercise the learner has not worked."""
        from ..generate.skills import generate_for_skill  # the generator only when the catalog is used up

        seed = 1
        while True:
            generated = generate_for_skill(skill, seed, activation)
            if exercise_key(generated.name, self.store.generated_path(generated.name)) not in worked:
                return self.store.save_generated(generated.name, generated.text)
            seed += 1


def catalog_exercises_with(skill: Skill) -> list[str]:
    """The catalog exercises with a step that exercises the skill, easiest first (then by name)."""
    return [name for difficulty, name, skills in catalog_skills() if skill in skills]


@cache
def catalog_skills() -> list[tuple[int, str, frozenset[Skill]]]:
    """Each catalog exercise's difficulty, name and the skills its steps exercise, easiest first."""
    found = []
    for name in catalog_names():
        solution = _catalog_solution(name)
        skills = frozenset(skill for step in asked_quantities(solution) for skill in step_skills(solution, step))
        found.append((solution.exercise.difficulty, name, skills))
    return sorted(found)


@cache
def catalog_step_activations(name: str) -> frozenset[str]:
    """The activations whose derivatives a catalog exercise's steps of activation-derivative ask for."""
    solution = _catalog_solution(name)
    return frozenset(
        activation
        for step in asked_quantities(solution)
        if Skill.ACTIVATION_DERIVATIVE in step_skills(solution, step)
        and (activation := step_activation(solution, step)) is not None
    )


@cache
def _catalog_solution(name: str) -> Solution:
    from ..engine import solve  # noqa: PLC0415 - the engine only when a recommendation is asked for

    return solve(load_exercise(catalog_folder() / f"{name}.toml", name))


def _replayed(data: dict) -> Session | None:
    """A saved session replayed on its exercise; None when the exercise cannot be found, has changed since, or
    its events do not fit it (the session then counts for nothing, and is tried again next time)."""
    if not isinstance(data.get("version"), int) or data["version"] > PROGRESS_VERSION:
        return None
    try:
        exercise = saved_exercise(data)
        stored = data.get("exercise_fingerprint")
        if (
            exercise.path is not None
            and isinstance(stored, str)
            and stored
            and not same_exercise(stored, exercise.path)
        ):
            return None
        session = Session(exercise, mode=str(data["mode"]))
        session.replay(data["events"])
    except (ExerciseFileError, KeyError, TypeError, ValueError, SessionError):
        return None
    return session
