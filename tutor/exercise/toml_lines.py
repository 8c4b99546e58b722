"""Find the line of each key in a TOML file.

``tomllib`` reports syntax errors with a line but forgets where valid keys were. Our messages
("line 12: node 'yhat' uses 'zz'") need those lines, so this scans the text once. It only has to
be right for files that ``tomllib`` already accepted, which keeps it simple.
"""

from __future__ import annotations

import re

_TABLE_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"""\s*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*=""")
_KEY_PART = re.compile(r"""[A-Za-z0-9_-]+|"([^"]*)"|'([^']*)'""")


def _split_key(text: str) -> tuple[str, ...]:
    parts = []
    for match in _KEY_PART.finditer(text):
        quoted = match.group(1) if match.group(1) is not None else match.group(2)
        parts.append(quoted if quoted is not None else match.group())
    return tuple(parts)


def _string_end(line: str, start: int) -> int:
    """The index just past the quoted string that opens at ``start``."""
    quote = line[start]
    index = start + 1
    while index < len(line):
        if line[index] == "\\" and quote == '"':
            index += 2
            continue
        if line[index] == quote:
            return index + 1
        index += 1
    return index


def _inline_table_keys(text: str) -> list[tuple[str, ...]]:
    """The key paths inside the inline tables of one line, relative to the key they are the value of:
    ``{ z = "1", local = { z = { w1 = "2" } } }`` gives (z,), (local,), (local, z), (local, z, w1).
    Tables inside arrays are left out (their place is an index, see key_lines)."""
    found: list[tuple[str, ...]] = []
    open_brackets: list[tuple[str, tuple[str, ...] | None]] = []  # "{" or "[", and the key path it opened
    last_key: tuple[str, ...] | None = ()
    index = 0
    while index < len(text):
        char = text[index]
        if char in "\"'":
            index = _string_end(text, index)
            continue
        if char == "#":
            break
        if char in "{[":
            inside_array = bool(open_brackets) and open_brackets[-1][0] == "["
            open_brackets.append((char, None if char == "[" or inside_array else last_key))
        elif char in "]}" and open_brackets:
            open_brackets.pop()
        if char in "{," and open_brackets and open_brackets[-1][0] == "{" and open_brackets[-1][1] is not None:
            key = _KEY.match(text, index + 1)
            if key:
                last_key = open_brackets[-1][1] + _split_key(key.group(1))
                found.append(last_key)
                index = key.end()
                continue
        index += 1
    return found


def _bracket_change(line: str) -> int:
    """How much the line changes the [ ] / { } depth, ignoring strings and comments."""
    if not any(char in line for char in "\"'#"):  # most lines (rows of numbers): no string or comment to skip
        return line.count("[") + line.count("{") - line.count("]") - line.count("}")
    depth = 0
    index = 0
    while index < len(line):
        char = line[index]
        if char in "\"'":
            index = _string_end(line, index)
            continue
        if char == "#":
            break
        if char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
        index += 1
    return depth


def key_lines(text: str) -> dict[tuple, int]:
    """Map each key path to its 1-based line.

    ``("title",)`` for a top-level key, ``("graph", "z")`` for a key in a table, and
    ``("batch", "samples", 2)`` for the third inline table of a multi-line array.
    """
    lines: dict[tuple, int] = {}
    table: tuple[str, ...] = ()
    depth = 0
    open_key: tuple[str, ...] = ()
    element = 0
    in_multiline_string: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if in_multiline_string:
            if line.count(in_multiline_string) % 2 == 1:
                in_multiline_string = None
            continue
        if depth > 0:
            stripped = line.lstrip()
            if stripped.startswith("{") and depth == 1:
                lines.setdefault(open_key + (element,), number)
                element += 1
            depth += _bracket_change(line)
            continue
        header = _TABLE_HEADER.match(line)
        if header and not _KEY.match(line):
            table = _split_key(header.group(1))
            lines.setdefault(table, number)
            continue
        key = _KEY.match(line)
        if not key:
            continue
        path = table + _split_key(key.group(1))
        lines.setdefault(path, number)
        rest = line[key.end() :]
        if "{" in rest:
            for inner in _inline_table_keys(rest):
                lines.setdefault(path + inner, number)
        for marker in ('"""', "'''"):
            if rest.count(marker) % 2 == 1:
                in_multiline_string = marker
        if in_multiline_string is None:
            depth = _bracket_change(rest)
            if depth > 0:
                open_key = path
                element = 0
                # inline tables that open on the key's own line: "samples = [ {x = 1},"
                if rest.strip().startswith("[") and rest.strip()[1:].lstrip().startswith("{"):
                    lines.setdefault(open_key + (0,), number)
                    element = 1
            depth = max(depth, 0)
    return lines
