"""Heading ids: explicit ``{#id}`` kept, others made the way Pandoc's auto_identifiers does.

Ids must be unique in the whole book (the web edition is one page); a repeated explicit id
is an error naming both places, a repeated automatic id gets ``-1``, ``-2`` as in Pandoc.
"""

from __future__ import annotations

import re
import unicodedata

from markdown_it.token import Token

from ..diagnostics import Diagnostic, Location, error


def plain_text(inline: Token) -> str:
    """The text a reader sees in an inline token, without notes, citations or markup."""
    parts: list[str] = []
    for child in inline.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return re.sub(r"\s+", " ", "".join(parts)).strip()


def auto_id(text: str) -> str:
    kept = "".join(c for c in text if c.isalnum() or c in "_-. " or unicodedata.category(c) == "Zs")
    kept = re.sub(r"\s+", "-", kept.strip()).lower()
    kept = re.sub(r"^[^a-z\u00c0-\uffff]+", "", kept)  # ids may not start with a digit or mark
    return kept or "section"


class IdRegistry:
    """Hands out book-wide unique ids and remembers where each explicit one was written."""

    def __init__(self) -> None:
        self.seen: dict[str, Location] = {}

    def explicit(self, wanted: str, where: Location) -> tuple[str, Diagnostic | None]:
        if wanted in self.seen:
            first = self.seen[wanted]
            return wanted, error(
                "duplicate-id",
                f"the id '#{wanted}' is used twice (first at {first})",
                where,
                "give each heading its own {#id}",
            )
        self.seen[wanted] = where
        return wanted, None

    def automatic(self, text: str, where: Location) -> str:
        base = auto_id(text)
        candidate, counter = base, 0
        while candidate in self.seen:
            counter += 1
            candidate = f"{base}-{counter}"
        self.seen[candidate] = where
        return candidate

    def reserve(self, wanted: str, where: Location) -> str:
        """An id the tool itself makes (notes, index anchors): unique by construction."""
        self.seen[wanted] = where
        return wanted
