"""Text from an exercise file, a learner or a transcript, made safe to show: the one helper for it.

No NumPy and no Textual here: the catalog, the CLI, transcripts and the TUI all use it.
"""

from __future__ import annotations

import json


def visible(text: str, keep: str = "\n") -> str:
    """Control and other invisible characters written as escapes (\\x1b, \\t, \\u202e), so a terminal shows
    them instead of obeying them; the characters in ``keep`` (a line break) stay as they are."""
    return "".join(
        character
        if character.isprintable() or character in keep
        else character.encode("unicode_escape").decode("ascii")
        for character in text
    )


def visible_json(text: str) -> str:
    """JSON text (from json.dumps) with each invisible character as its JSON escape (\\u202e, \\u009b): still
    valid JSON that reads back the same, and safe to print to a terminal."""
    return "".join(
        character if character.isprintable() or character == "\n" else json.dumps(character)[1:-1] for character in text
    )
