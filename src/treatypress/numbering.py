"""Figure and table numbers, in reading order through the whole book, and what a
cross-reference to one prints.

A figure is an image alone in its paragraph with a caption; a table is a pipe table. Both are
numbered whether or not they have an id (the caption shows "Figure 3." either way); those with
an id (``{#fig-x}`` on the image, ``Table: caption {#tbl-x}``) can be referred to with an empty
link, ``[](#fig-x)`` ("figure 3"), or a link whose text is the word to use, ``[Figure](#fig-x)``
("Figure 3"). The text then names the figure by its number, never by where it sits ("below"),
which the page layout may change (figures float to the next page, pdf/pagefit.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from markdown_it.token import Token

from .resolve.walk import main_tokens


@dataclass(frozen=True)
class FloatNumber:
    kind: str  # "figure" or "table"
    number: int

    @property
    def caption_label(self) -> str:
        return f"{self.kind.capitalize()} {self.number}."

    def reference(self, word: str = "") -> str:
        """What a reference prints: "figure 3", or the author's own word before the number."""
        return f"{word or self.kind} {self.number}"


@dataclass(frozen=True)
class FloatNumbers:
    by_token: dict[int, FloatNumber]  # id() of a figure's image token or a table_open token
    by_id: dict[str, FloatNumber]  # element id -> number


def number_floats(token_lists: Iterable[list[Token]]) -> FloatNumbers:
    counters = {"figure": 0, "table": 0}
    by_token: dict[int, FloatNumber] = {}
    by_id: dict[str, FloatNumber] = {}
    for tokens in token_lists:
        for index, token in enumerate(tokens):
            found = None
            if token.type == "table_open":
                found, ident = "table", token.meta.get("id")
            elif token.type == "paragraph_open" and (image := figure_image(tokens, index)) is not None:
                found, ident, token = "figure", image.attrGet("id"), image
            if found is None:
                continue
            counters[found] += 1
            number = FloatNumber(found, counters[found])
            by_token[id(token)] = number
            if ident:
                by_id[str(ident)] = number
    return FloatNumbers(by_token, by_id)


def book_floats(chapters: Iterable[object]) -> FloatNumbers:
    return number_floats(main_tokens(chapter.parsed.tokens) for chapter in chapters)  # type: ignore[attr-defined]


def figure_image(tokens: list[Token], index: int) -> Token | None:
    """The image of a figure paragraph (an image alone in its paragraph, with a caption)."""
    inline = tokens[index + 1] if index + 1 < len(tokens) else None
    children = inline.children if inline is not None and inline.type == "inline" else None
    if children and len(children) == 1 and children[0].type == "image" and children[0].children:
        return children[0]
    return None
