"""Pandoc heading attributes: ``# Title {#id .class key=value}``.

markdown-it's attrs plugin reads ``{...}`` only after inline elements, so headings need this
small core rule: it moves a trailing attribute block of a heading onto its ``heading_open``.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from mdit_py_plugins.attrs.parse import ParseError, parse

_TRAILING = re.compile(r"\s*(\{[^{}]*\})\s*$")


def heading_attrs_plugin(md: MarkdownIt) -> None:
    md.core.ruler.after("inline", "heading_attrs", _heading_attrs)


def _heading_attrs(state: StateCore) -> None:
    tokens = state.tokens
    for index, token in enumerate(tokens[:-1]):
        if token.type != "heading_open":
            continue
        inline = tokens[index + 1]
        last = inline.children[-1] if inline.children else None
        if last is None or last.type != "text":
            continue
        match = _TRAILING.search(last.content)
        if not match:
            continue
        try:
            _, attrs = parse(match[1])
        except ParseError:
            continue  # not an attribute block: leave the braces as text, as Pandoc does
        last.content = last.content[: match.start()]
        inline.content = _TRAILING.sub("", inline.content)
        for key, value in attrs.items():
            token.attrs[key] = value
