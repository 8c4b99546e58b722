"""Problems found in an exercise file, each with the file and line it comes from."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .shown import visible


@dataclass(frozen=True)
class Problem:
    path: Path | None
    line: int | None
    message: str
    name: str | None = None  # the input or node the problem is about, as the solved graph names it (z#2)

    def __str__(self) -> str:
        """The file, line and message, as text to print: a name or expression from the file quoted in the
        message shows its control characters (\\x1b) instead of sending them to the terminal."""
        where = str(self.path) if self.path is not None else "<exercise>"
        if self.line is not None:
            where += f":{self.line}"
        return visible(f"{where}: {self.message}")


class ExerciseFileError(Exception):
    """An exercise that cannot be used; ``problems`` lists every reason found."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems
