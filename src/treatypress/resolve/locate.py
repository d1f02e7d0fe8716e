"""Turn a token back into ``file:line:col`` for messages."""

from __future__ import annotations

from markdown_it.token import Token

from ..diagnostics import Location


def locate(rel: str, text: str, block: Token | None, needle: str = "") -> Location:
    """The line of ``block`` and, when ``needle`` is found on its lines, its column."""
    if block is None or not block.map:
        return Location(rel)
    first, last = block.map
    lines = text.splitlines()
    if needle:
        for number in range(first, min(last, len(lines))):
            col = lines[number].find(needle)
            if col >= 0:
                return Location(rel, number + 1, col + 1)
    return Location(rel, first + 1, 1)
