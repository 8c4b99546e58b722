"""tutor progress: a learner's mastery per skill and what to practise next; with --class, a class's report."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from rich.table import Table
from rich.text import Text

from ..exercise import ExerciseFileError
from ..exercise.reading import read_json
from ..exercise.shown import visible, visible_json
from ..exercise.skills import Skill
from ..grading.diagnosis.labels import LABEL
from ..grading.skills import label_skill
from ..session import ProgressStore
from ..session.learner import MASTERED, LearnerModel, diagnosed_mistakes, observations
from ..session.learners import LearnerStore
from ..session.saving import save_csv
from ..session.transcript import TranscriptError, check_transcript, replayed_transcript
from .commands import console, plain
from .exit_codes import EXIT_OK, EXIT_UNUSABLE
from .transcripts import TeacherExercises

BAR_WIDTH = 20


def bar(share: float) -> str:
    """A share from 0 to 1 as a bar of BAR_WIDTH cells: ██████░░░░."""
    filled = round(max(0.0, min(1.0, share)) * BAR_WIDTH)
    return "█" * filled + "░" * (BAR_WIDTH - filled)


def command_progress(arguments: argparse.Namespace) -> int:
    if arguments.transcripts:
        return _class_report(arguments)
    store = ProgressStore()
    learner = arguments.learner or store.learner_name()
    learners = LearnerStore(store)
    model = learners.model(learner)
    if learners.save_problem:
        print(visible(f"tutor progress: {learners.save_problem}"), file=sys.stderr)
    advice = learners.recommend(learner, model)
    skills = {
        str(skill): {
            "mastery": round(state.mastery, 3),
            "attempts": state.attempts,
            "mastered": state.mastered,
            "mistakes": state.mistakes,
            "missed_activations": state.missed_activations,
        }
        for skill, state in model.skills.items()
    }
    next_step = {"skill": str(advice.skill), "exercise": advice.exercise, "why": advice.why}
    if arguments.json:
        print(
            visible_json(
                json.dumps({"learner": learner, "skills": skills, "next": next_step}, indent=2, ensure_ascii=False)
            )
        )
        return EXIT_OK
    table = Table(title=Text.assemble("Skills of ", plain(learner)), title_justify="left")
    for column in ("skill", "mastery", "", "answered steps", "last mistakes"):
        table.add_column(column)
    for skill, state in model.skills.items():
        mistakes = ", ".join(
            f"{label} ×{count}" if count > 1 else label for label, count in Counter(state.mistakes).items()
        )
        if state.missed_activations:  # as the JSON's missed_activations: the derivatives last got wrong
            mistakes += (
                f"{'; ' if mistakes else ''}missed: {', '.join(f'{name}′' for name in state.missed_activations)}"
            )
        table.add_row(
            skill,
            Text(bar(state.mastery), style="green" if state.mastered else "yellow"),
            f"{state.mastery:.2f}",
            str(state.attempts),
            plain(mistakes),
        )
    console.print(table)
    console.print(f"A skill is mastered from {MASTERED:.2f} on (docs/learner-model.md).")
    console.print(Text.assemble("Practise next: ", plain(advice.why), "."))
    console.print(Text.assemble("  tutor run ", plain(advice.exercise, "bold")), soft_wrap=True)
    return EXIT_OK


@dataclass(frozen=True)
class ClassReport:
    learners: list[str]
    below: dict[Skill, list[str]]  # the learners below mastery (one who never answered a step of it is)
    observed: dict[Skill, list[str]]  # the learners who answered a step of the skill
    mistakes: Counter[str]  # diagnosis label -> how many wrong answers had it

    def share_below(self, skill: Skill) -> float:
        return len(self.below[skill]) / len(self.learners)


def class_report(paths: list[Path], exercises: TeacherExercises) -> tuple[ClassReport, list[str]]:
    """Every learner's model from their transcripts, and the mistakes of the whole class; and why each
    transcript that could not be used could not. A session exported twice counts once."""
    models: dict[str, LearnerModel] = {}
    mistakes: Counter[str] = Counter()
    evidence = []
    seen: set[tuple[str, str, float]] = set()
    problems = []
    for path in paths:
        try:
            transcript = check_transcript(read_json(path, "transcripts"))
            session = replayed_transcript(transcript, exercises.find(transcript))
        except (ExerciseFileError, TranscriptError) as error:
            problems.append(f"{path}: {error}")
            continue
        learner = str(transcript.get("learner") or "unknown")
        started = float(session.events[0]["time"]) if session.events else 0.0
        if (learner, session.exercise.name, started) in seen:
            continue
        seen.add((learner, session.exercise.name, started))
        models.setdefault(learner, LearnerModel(learner))
        mistakes.update(diagnosed_mistakes(session))
        evidence += [(learner, found) for found in observations(session, f"{session.exercise.name}@{started}")]
    for learner, found in sorted(evidence, key=lambda pair: pair[1].time):
        models[learner].observe(found)
    observed = {skill: [name for name, model in models.items() if model.skills[skill].attempts] for skill in Skill}
    below = {skill: [name for name, model in models.items() if not model.skills[skill].mastered] for skill in Skill}
    return ClassReport(sorted(models), below, observed, mistakes), problems


def _class_report(arguments: argparse.Namespace) -> int:
    report, problems = class_report(arguments.transcripts, TeacherExercises())
    for problem in problems:
        print(visible(problem), file=sys.stderr)
    if not report.learners:
        return EXIT_UNUSABLE
    skills = {
        str(skill): {
            "learners_with_answers": len(report.observed[skill]),
            "below_mastery": len(report.below[skill]),
            "share_below_mastery": round(report.share_below(skill), 3),
        }
        for skill in Skill
    }
    mistakes = [
        {"label": label, "count": count, "skill": _skill_name(label)} for label, count in report.mistakes.most_common()
    ]
    if arguments.csv:
        header: list[object] = [
            "section",
            "name",
            "learners_with_answers",
            "below_mastery",
            "share_below_mastery",
            "count",
        ]
        rows: list[list[object]] = [header]
        rows += [
            ["skill", name, row["learners_with_answers"], row["below_mastery"], row["share_below_mastery"], ""]
            for name, row in skills.items()
        ]
        rows += [["mistake", row["label"], "", "", "", row["count"]] for row in mistakes]
        save_csv(arguments.csv, rows)
    if arguments.json:
        report_json = {"learners": report.learners, "skills": skills, "mistakes": mistakes, "problems": problems}
        print(visible_json(json.dumps(report_json, indent=2, ensure_ascii=False)))
        return EXIT_OK
    table = Table(title=f"Skills of a class of {len(report.learners)}", title_justify="left")
    for column in ("skill", "below mastery", "", "learners with answers"):
        table.add_column(column)
    for skill in Skill:
        share = report.share_below(skill)
        table.add_row(skill, Text(bar(share), style="red"), f"{100 * share:.0f}%", str(len(report.observed[skill])))
    console.print(table)
    if report.mistakes:
        most = max(report.mistakes.values())
        common = Table(title="The most common diagnosed mistakes", title_justify="left")
        for column in ("mistake", "count", "", "skill", "meaning"):
            common.add_column(column)
        for label, count in report.mistakes.most_common():
            common.add_row(
                label,
                str(count),
                Text(bar(count / most), style="red"),
                _skill_name(label) or "(a slip)",
                LABEL[label].meaning,
            )
        console.print(common)
    if arguments.csv:
        console.print(plain(f"Wrote {arguments.csv}"))
    return EXIT_OK


def _skill_name(label: str) -> str | None:
    skill = label_skill(label)
    return str(skill) if skill is not None else None
