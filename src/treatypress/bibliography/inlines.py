"""Pandoc JSON inlines -> our inline HTML, and plain text -> Pandoc inlines (for affixes).

Only what citeproc produces is expected; anything else keeps its text. Links: a URL or DOI
becomes ``<a class="url" href="...">`` (http, https and doi targets only; the print, EPUB and
web styles know the class), a link to a bibliography entry (``#ref-KEY``, from Pandoc's
``link-citations``) becomes ``<a class="cite" href="#ref-KEY">`` when ``cite_links`` is on and
plain text otherwise.
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

Inline = dict[str, Any]

_TAGS = {"Emph": "i", "Strong": "b", "Superscript": "sup", "Subscript": "sub", "Strikeout": "s"}
_QUOTES = {"DoubleQuote": ("\u201c", "\u201d"), "SingleQuote": ("\u2018", "\u2019")}
_URL = re.compile(r"(?i)^(?:https?://|doi:)")


def to_html(inlines: list[Inline], *, cite_links: bool = False, targets: frozenset[str] = frozenset()) -> str:
    """The inlines as escaped inline HTML; with ``cite_links``, a citation links to its entry
    when the entry's id is in ``targets`` (an entry the style leaves out has no element)."""
    return "".join(_inline(i, targets if cite_links else None, False) for i in inlines)


def plain(inlines: list[Inline]) -> str:
    """The text of the inlines, without markup."""
    text = re.sub(r"<[^>]+>", "", "".join(_inline(i, None, False) for i in inlines))
    return text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")


def _all(inlines: list[Inline], cite_links: frozenset[str] | None, in_link: bool) -> str:
    return "".join(_inline(i, cite_links, in_link) for i in inlines)


def _inline(node: Inline, cite_links: frozenset[str] | None, in_link: bool) -> str:
    kind: str = node["t"]
    content: Any = node.get("c")
    if kind == "Str":
        return escape(content, quote=False)
    if kind in ("Space", "SoftBreak"):
        return " "
    if kind == "LineBreak":
        return "<br/>"
    if kind in _TAGS:
        return f"<{_TAGS[kind]}>{_all(content, cite_links, in_link)}</{_TAGS[kind]}>"
    if kind == "SmallCaps":
        return f'<span class="smallcaps">{_all(content, cite_links, in_link)}</span>'
    if kind == "Underline":
        return f"<u>{_all(content, cite_links, in_link)}</u>"
    if kind == "Quoted":
        opening, closing = _QUOTES[content[0]["t"]]
        return opening + _all(content[1], cite_links, in_link) + closing
    if kind in ("Code", "Math", "RawInline"):
        return escape(content[1], quote=False)
    if kind == "Span":
        return _all(content[1], cite_links, in_link)
    if kind == "Link":
        return _link(content, cite_links, in_link)
    if kind in ("Note", "Cite"):  # not expected inside formatted citations
        return ""
    return ""


def _link(content: list[Any], cite_links: frozenset[str] | None, in_link: bool) -> str:
    inner, (target, _title) = content[1], content[2]
    if target.startswith("#ref-"):
        if cite_links is None or target[5:] not in cite_links or in_link:
            return _all(inner, cite_links, in_link)
        # links do not nest: the citation's link stops around a URL it holds
        out: list[str] = []
        run: list[Inline] = []
        for node in inner + [{"t": "Link", "c": [None, [], ["", ""]]}]:
            if node["t"] == "Link" or _has_url([node]):
                if run:
                    out.append(f'<a class="cite" href="{escape(target)}">{_all(run, cite_links, True)}</a>')
                    run = []
                out.append(_inline(node, cite_links, False))
            else:
                run.append(node)
        return "".join(out)
    if _URL.match(target) and not in_link:
        href = "https://doi.org/" + target[4:] if target.lower().startswith("doi:") else target
        return f'<a class="url" href="{escape(href)}">{_all(inner, cite_links, True)}</a>'
    return _all(inner, cite_links, in_link)


def _has_url(inlines: list[Inline]) -> bool:
    for node in inlines:
        if node["t"] == "Link" and not node["c"][2][0].startswith("#ref-"):
            return True
        content = node.get("c")
        if isinstance(content, list) and content and isinstance(content[-1], list):
            children = [c for c in content[-1] if isinstance(c, dict) and "t" in c]
            if children and _has_url(children):
                return True
    return False


def from_text(text: str) -> list[Inline]:
    """An affix as Pandoc's markdown reader (with ``smart``) would read it: words and spaces,
    straight quotes as quoted text, ``--``/``---`` as dashes, ``'`` as an apostrophe, ``*x*``
    and ``_x_`` as emphasis."""
    out: list[Inline] = []
    pattern = re.compile(r'"(?P<dq>[^"]+)"|\*(?P<em>[^*]+)\*|(?<!\w)_(?P<em2>[^_]+)_(?!\w)')
    pos = 0
    for match in pattern.finditer(text):
        out += _words(text[pos : match.start()])
        if match.group("dq") is not None:
            out.append({"t": "Quoted", "c": [{"t": "DoubleQuote"}, from_text(match.group("dq"))]})
        else:
            out.append({"t": "Emph", "c": from_text(match.group("em") or match.group("em2"))})
        pos = match.end()
    out += _words(text[pos:])
    return out


def _words(text: str) -> list[Inline]:
    text = text.replace("---", "\u2014").replace("--", "\u2013").replace("'", "\u2019")
    out: list[Inline] = []
    for piece in re.split(r"(\s+)", text):
        if not piece:
            continue
        out.append({"t": "Space"} if piece.isspace() else {"t": "Str", "c": piece})
    return out
