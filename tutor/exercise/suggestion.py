"""The "did you mean" of every message about a misspelt name: fields, nodes, datasets, catalog exercises, steps."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def suggestion(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'close'?)`` for the choice closest to ``word``, or "" when none is close."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
