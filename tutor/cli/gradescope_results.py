"""Gradescope's results.json, from re-graded transcripts: written by `tutor grade --gradescope PATH` and by the
autograder (gradescope.py), which grades a submission with `tutor grade`'s own functions (transcripts.py)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from ..exercise import ExerciseFileError, Problem
from ..session.saving import save_text


def gradescope_results(
    results: list[dict], notes: Sequence[str] = (), points: Mapping[str, float] | None = None
) -> dict:
    """Gradescope's results.json for one learner: one test per step, worth its points (1 unless the exercise
    has [points]), scored with its credit; with ``points`` (an assignment's), each exercise's steps are scaled
    to be worth together what the exercise is worth in the assignment."""
    tests = []
    total = 0.0  # summed unrounded, then rounded once: an exercise worth 10 over 7 steps totals 10
    for result in results:
        scale = points[result["exercise"]] / result["max"] if points and result["max"] else 1
        for item in result["items"]:
            worth = item.get("points", 1) * scale
            total += item["credit"] * worth
            tests.append(
                {
                    "name": f"{result['exercise']}: {item['label']}",
                    "score": round(item["credit"] * worth, 4),
                    "max_score": round(worth, 4),
                    "output": f"Your answer: {item['answer'] or '(none)'} — {item['message'] or item['verdict']}",
                    "visibility": "visible",
                }
            )
        if result["tampered"]:
            tests.append(
                {
                    "name": f"{result['exercise']}: transcript integrity",
                    "score": 0,
                    "max_score": 0,
                    "output": "The transcript was edited: " + "; ".join(result["differences"]),
                    "visibility": "visible",
                }
            )
    lines = [f"{result['exercise']}: {result['line']}" for result in results]
    return {
        "score": round(total, 4),
        "tests": tests,
        "output": "\n".join([*lines, *notes, "Re-graded from the typed answers by backprop-tutor."]),
    }


FOLDER_NAME_BYTES = 100  # file systems allow 255 bytes a name; room is left for the '_'s that part two alike


def folder_name(learner: str) -> str:
    """A learner's name as one safe folder name: no separators, no '..', nothing hidden, not too long."""
    safe = re.sub(r"[^\w@+-]+", "_", learner).strip("_")
    return safe.encode()[:FOLDER_NAME_BYTES].decode(errors="ignore") or "learner"


def write_gradescope(results: list[dict], path: Path) -> list[Path]:
    """One learner: PATH is their results.json. Several: PATH/LEARNER/results.json each, never one file
    for several learners. Returns the files written."""
    learners = list(dict.fromkeys(result["learner"] for result in results))
    if not learners:
        return []
    if len(learners) == 1:
        save_text(path, json.dumps(gradescope_results(results), indent=2))
        return [path]
    if path.is_file():
        raise ExerciseFileError(
            [
                Problem(
                    path,
                    None,
                    f"is a file, and there are {len(learners)} learners: give a "
                    "folder for --gradescope, each learner gets FOLDER/LEARNER/"
                    "results.json",
                )
            ]
        )
    taken: set[str] = set()
    written = []
    for learner in learners:
        folder = folder_name(learner)
        while folder.casefold() in taken:  # two names that read the same as folders (on macOS, in any case)
            folder += "_"
        taken.add(folder.casefold())
        target = path / folder / "results.json"
        mine = [result for result in results if result["learner"] == learner]
        save_text(target, json.dumps(gradescope_results(mine), indent=2))
        written.append(target)
    return written
