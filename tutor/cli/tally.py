"""One score line for `tutor check` and `tutor grade`, taken from a transcript, so the learner and the
teacher read the same numbers: "6 of 7 answered right; 6 of the exercise's 12 steps"."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Tally:
    answered: int  # steps with at least one answer typed (readable or not)
    answered_right: int  # steps graded right
    points: float  # the session's score (docs/scoring.md): exam answers may earn part of a point
    steps: int  # every step the exercise asks
    max_points: float  # the most the steps can earn: the number of steps unless the exercise has [points]
    weighted: bool = False  # some step is worth other than 1 point ([points]), even if they add up to the steps

    @classmethod
    def of(cls, transcript: dict) -> Tally:
        answered = {event.get("step") for event in transcript["events"] if event.get("type") == "answer"}
        items = transcript["items"]
        return cls(
            answered=sum(item["quantity"] in answered for item in items),
            answered_right=sum(item["verdict"] == "correct" for item in items),
            points=transcript["score"]["points"],
            steps=len(items),
            max_points=transcript["score"].get("max", len(items)),
            weighted=any(item.get("points", 1) != 1 for item in items),
        )

    @property
    def complete(self) -> bool:
        """Every step answered and right: what exit status 0 means."""
        return self.answered_right == self.steps

    def line(self) -> str:
        answered = f"{self.answered_right} of {self.answered} answered right; "
        if not self.weighted:
            return answered + f"{self.points:g} of the exercise's {self.steps} steps"
        return answered + f"{self.points:g} of {self.max_points:g} points over the exercise's {self.steps} steps"

    def fields(self) -> dict:
        return {
            "answered": self.answered,
            "answered_right": self.answered_right,
            "points": self.points,
            "steps": self.steps,
            "line": self.line(),
        }
