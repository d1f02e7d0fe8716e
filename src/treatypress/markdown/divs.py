"""Pandoc fenced divs: ``::: {#id .class key=value}`` ... ``:::`` (also ``::: name``).

Built on mdit-py-plugins' container plugin, which already handles nesting and fence length;
this module only turns the fence's info string into attributes, the way Pandoc reads it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.attrs.parse import ParseError, parse
from mdit_py_plugins.container import container_plugin

DIV_OPEN = "container_div_open"
DIV_CLOSE = "container_div_close"


def fenced_divs_plugin(md: MarkdownIt) -> None:
    container_plugin(md, "div", marker=":", validate=_valid, render=_render)


def _valid(params: str, markup: str) -> bool:
    return len(markup) >= 3


def div_attrs(token: Token) -> dict[str, Any]:
    """The attributes of a div from its fence line: ``{...}`` or a bare class name."""
    info = token.info.strip()
    if not info:
        return {}
    if info.startswith("{"):
        try:
            return dict(parse(info)[1])
        except ParseError:
            return {}
    return {"class": info.split()[0]}


def _render(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    if token.nesting == 1:
        attrs = div_attrs(token)
        text = "".join(f' {k}="{_escape(str(v))}"' for k, v in attrs.items() if k in ("id", "class", "lang"))
        return f"<div{text}>\n"
    return "</div>\n"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
