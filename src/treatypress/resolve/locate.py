"""Turn a token back into ``file:line:col`` for messages."""

from __future__ import annotations

import functools

from markdown_it.token import Token

from ..diagnostics import Location


def locate(rel: str, text: str, block: Token | None, needle: str = "", nth: int = 0) -> Location:
    """The line of ``block`` and, when ``needle`` is found on its lines, the column of its
    ``nth`` occurrence there (0: the first)."""
    if block is None or not block.map:
        return Location(rel)
    first, last = block.map
    lines = _lines(text)
    if needle:
        for number in range(first, min(last, len(lines))):
            col = lines[number].find(needle)
            while col >= 0 and nth > 0:
                nth -= 1
                col = lines[number].find(needle, col + 1)
            if col >= 0:
                return Location(rel, number + 1, col + 1)
    return Location(rel, first + 1, 1)


@functools.lru_cache(maxsize=4)
def _lines(text: str) -> tuple[str, ...]:
    """A chapter's lines, split once: splitting per call made resolve quadratic in the chapter's
    length (10 s of a 2 MB chapter's build). The key costs nothing: a str caches its hash."""
    return tuple(text.splitlines())
