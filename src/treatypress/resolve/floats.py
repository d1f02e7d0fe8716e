"""Figure and table numbers, in reading order through the whole book.

A figure is an image alone in its paragraph with a caption; a table is a pipe table. Both are
numbered whether or not they have an id (the caption shows "Figure 3." either way); those with
an id (``{#fig-x}`` on the image, ``Table: caption {#tbl-x}``) can be referred to with an empty
link, ``[](#fig-x)`` ("figure 3"), or a link whose text is the word to use, ``[Figure](#fig-x)``
("Figure 3"). The text then names the figure by its number, never by where it sits ("below"),
which the page layout may change (figures float to the next page, pdf/pagefit.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from markdown_it.token import Token

from .decisions import decide, decided
from .model import FloatNumber
from .state import ResolveState
from .walk import main_tokens


def number_floats(state: ResolveState) -> None:
    """Each figure's image and each table_open token gets its number; those with an id are
    also listed by id, for the cross-references the render stage writes."""
    counters = {"figure": 0, "table": 0}
    for chapter in state.chapters:
        tokens = main_tokens(chapter.parsed.tokens)
        for index, token in enumerate(tokens):
            found = None
            if token.type == "table_open":
                found, ident, numbered = "table", token.meta.get("id"), token
            elif token.type == "paragraph_open" and (image := figure_image(tokens, index)) is not None:
                found, ident, numbered = "figure", image.attrGet("id"), image
            if found is None:
                continue
            counters[found] += 1
            number = FloatNumber(found, counters[found])
            decide(numbered, replace(decided(numbered), float_number=number))
            if ident:
                state.floats[str(ident)] = number


def figure_image(tokens: Sequence[Token], index: int) -> Token | None:
    """The image of a figure paragraph (an image alone in its paragraph, with a caption)."""
    inline = tokens[index + 1] if index + 1 < len(tokens) else None
    children = inline.children if inline is not None and inline.type == "inline" else None
    if children and len(children) == 1 and children[0].type == "image" and children[0].children:
        return children[0]
    return None
