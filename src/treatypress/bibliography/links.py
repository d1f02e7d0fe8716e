"""Screen citations link each cite to its bibliography entry (``<a class="cite" href="#ref-KEY">``).

Pandoc's own ``link-citations`` is not used: its link ends before the note's closing period, which
then stays outside the closing quote (`“Title”.` instead of `“Title.”`), so print and screen
would differ from Pandoc's book. The formatted citation is split at the style's citation
delimiter instead ("; "), one part per cite; a citation whose parts do not match its cites is
linked to its first work. Links do not nest: a cite's link stops around a URL it holds, and
opening and closing punctuation stay outside.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape

_URL_LINK = re.compile(r'(<a class="url" href="[^"]*">.*?</a>)', re.DOTALL)
_EDGES = re.compile(r"^([\s(\[]*)(.*?)([\s.,;:)\]]*)$", re.DOTALL)


def link_cites(html: str, keys: Sequence[str], delimiter: str, targets: frozenset[str]) -> str:
    """``html`` with each cite's text linked to its entry, when the entry exists."""
    if not html or not keys:
        return html
    parts = _split(html, delimiter)
    if len(parts) != len(keys):
        parts, keys = [html], keys[:1]
    return delimiter.join(_link(part, key, targets) for part, key in zip(parts, keys))


def _split(html: str, delimiter: str) -> list[str]:
    """Split at ``delimiter`` outside tags and elements (a title may hold "; ")."""
    if not delimiter:
        return [html]
    parts: list[str] = []
    depth, start, i = 0, 0, 0
    while i < len(html):
        if html.startswith("</", i):
            depth -= 1
            i = html.index(">", i) + 1
            continue
        if html.startswith("<", i):
            end = html.index(">", i)
            if html[end - 1] != "/":
                depth += 1
            i = end + 1
            continue
        if depth == 0 and html.startswith(delimiter, i):
            parts.append(html[start:i])
            i += len(delimiter)
            start = i
            continue
        i += 1
    parts.append(html[start:])
    return parts


def _link(part: str, key: str, targets: frozenset[str]) -> str:
    if key not in targets:
        return part
    out = []
    for piece in _URL_LINK.split(part):
        if piece.startswith('<a class="url"'):
            out.append(piece)
            continue
        edges = _EDGES.match(piece)
        assert edges is not None  # the pattern matches any text
        before, text, after = edges.groups()
        if text.strip():
            text = f'<a class="cite" href="#ref-{escape(key)}">{text}</a>'
        out.append(before + text + after)
    return "".join(out)
