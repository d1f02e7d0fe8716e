"""Pandoc table captions: a paragraph ``Table: caption`` (or ``: caption``) right after a table.

The caption paragraph is removed from the stream and kept in ``table_open.meta["caption"]``
as its inline token, so the renderer can write a real ``<caption>``. A trailing ``{#tbl-id}``
(Pandoc's table attributes) gives the table an id to refer to: ``table_open.meta["id"]``.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

_CAPTION = re.compile(r"^(?:Table)?:\s+")
_ID = re.compile(r"\s*\{#([A-Za-z][\w:.-]*)\}\s*$")


def table_captions_plugin(md: MarkdownIt) -> None:
    md.core.ruler.after("smartquotes", "table_captions", _captions)  # the caption gets typographic quotes too


def _captions(state: StateCore) -> None:
    tokens = state.tokens
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type == "table_open":
            close = next(i for i in range(index, len(tokens)) if tokens[i].type == "table_close")
            after = tokens[close + 1 : close + 4]
            if len(after) == 3 and after[0].type == "paragraph_open" and _CAPTION.match(after[1].content):
                inline = after[1]
                first = inline.children[0] if inline.children else None
                if first is not None and first.type == "text":
                    first.content = _CAPTION.sub("", first.content, count=1)
                last = inline.children[-1] if inline.children else None
                found = _ID.search(last.content) if last is not None and last.type == "text" else None
                if found and last is not None:
                    last.content = last.content[: found.start()]
                    token.meta["id"] = found[1]
                token.meta["caption"] = inline
                del tokens[close + 1 : close + 4]
        index += 1
