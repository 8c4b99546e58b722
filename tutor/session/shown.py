"""Text from an exercise file, a learner or a transcript, made safe to show (no NumPy: the catalog uses it)."""

from __future__ import annotations


def visible(text: str) -> str:
    """Control characters shown as symbols (^[ for escape), never acted on by the terminal."""
    return "".join(f"^{chr(ord(char) + 64)}" if ord(char) < 32 and char != "\n" else
                   "^?" if char == "\x7f" else char for char in text)
