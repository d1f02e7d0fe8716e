"""Reading order over a chapter's tokens: text, with each footnote's body where its call is.

Both the note numbering and the citation order (first note, short note, ibid.) depend on
the order a reader meets things, and a note's citations are met at the note's call.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from markdown_it.token import Token

from ..markdown import ParsedChapter


@dataclass(frozen=True)
class Visit:
    token: Token  # an inline child token (or a block token for divs and headings)
    block: Token | None  # the inline block token holding it, for its line map
    in_note: int | None  # footnote plugin id when inside a footnote body
    position: int = 0  # the token's place among the block's children (0 for a block token)


def footnote_bodies(tokens: tuple[Token, ...]) -> dict[int, list[Token]]:
    """The block tokens of each footnote body, by the plugin's footnote id."""
    bodies: dict[int, list[Token]] = {}
    current: int | None = None
    for token in tokens:
        if token.type == "footnote_open":
            current = token.meta["id"]
            bodies[current] = []
        elif token.type == "footnote_close":
            current = None
        elif current is not None and token.type != "footnote_anchor":
            bodies[current].append(token)
    return bodies


def main_tokens(tokens: tuple[Token, ...]) -> list[Token]:
    """The chapter's tokens without the footnote block the plugin appends."""
    out: list[Token] = []
    inside = False
    for token in tokens:
        if token.type == "footnote_block_open":
            inside = True
        elif token.type == "footnote_block_close":
            inside = False
        elif not inside:
            out.append(token)
    return out


def reading_order(chapter: ParsedChapter) -> Iterator[Visit]:
    bodies = footnote_bodies(chapter.tokens)
    yield from _walk(main_tokens(chapter.tokens), bodies, None)


def _walk(blocks: list[Token], bodies: dict[int, list[Token]], in_note: int | None) -> Iterator[Visit]:
    for block in blocks:
        if block.type == "inline":
            for position, child in enumerate(block.children or ()):
                yield Visit(child, block, in_note, position)
                if child.type == "footnote_ref" and child.meta.get("subId", 0) == 0:
                    yield from _walk(bodies.get(child.meta["id"], []), bodies, child.meta["id"])
        else:
            yield Visit(block, None, in_note)
