"""Pandoc citation syntax as a markdown-it-py inline rule: ``[see @a, p. 3; @b]``, ``@a [p. 3]``.

Each citation group becomes one ``citation`` token: ``meta["citation"]`` is a
:class:`~treatypress.bibliography.types.Citation`, ``content`` the source text.

Positions: the rule knows the offset of ``@`` inside the inline content; a wrapper around the
core ``inline`` rule tells it which block is being parsed, and the block's ``map`` plus the full
source give the file line and column. Exact for paragraphs, headings, list items, block quotes,
tables and footnote bodies (their prefixes are found on the source line). Inside an inline note
``^[...]`` the note's text is located in its block by search, which is exact unless the same
note text occurs twice in one paragraph (then the first is used).
"""

from __future__ import annotations

import re
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from treatypress.bibliography.types import Citation, CiteItem

# Pandoc: a key starts with a letter, digit or "_" and may contain single internal
# punctuation from :.#$%&-+?<>~/ ; "@{...}" allows anything but braces.
_KEY = r"(?:\{(?P<bkey>[^{}]+)\}|(?P<key>\w(?:\w|[:.#$%&\-+?<>~/](?=\w))*))"
_KEY_RE = re.compile(r"@" + _KEY)
_ITEM_RE = re.compile(r"(?P<prefix>.*?)(?:^|(?<=[\s(\[]))(?P<minus>-?)@" + _KEY + r"(?P<suffix>.*)", re.S)

# CSL locator labels and the terms Pandoc (en-US) accepts for them, longest first.
_LABELS: dict[str, str] = {}
for _label, _terms in {
    "book": "book books bk. bks.",
    "chapter": "chapter chapters chap. chaps. ch. chs.",
    "column": "column columns col. cols.",
    "figure": "figure figures fig. figs.",
    "folio": "folio folios fol. fols.",
    # Pandoc reads "no." as the en-US locale's short term for "issue"; "number" is no label
    "issue": "issue issues no. nos.",
    "line": "line lines l. ll.",
    "note": "note notes n. nn.",
    "opus": "opus opera op. opp.",
    "page": "page pages p. pp.",
    "paragraph": "paragraph paragraphs para. paras. ¶ ¶¶",
    "part": "part parts pt. pts.",
    "section": "section sections sec. secs. § §§",
    "sub-verbo": "sub verbo s.v. s.vv.",
    "verse": "verse verses v. vv.",
    "volume": "volume volumes vol. vols.",
}.items():
    for _term in _terms.split(" "):
        _LABELS[_term] = _label
_LABELS["sub verbo"] = "sub-verbo"
_LABELS.pop("sub", None)
_LABELS.pop("verbo", None)
_LABEL_ALT = "|".join(re.escape(t) for t in sorted(_LABELS, key=len, reverse=True))
# as in Pandoc: "213 & 235" is page 213 followed by "& 235" (only ranges and lists with "," count)
_LOC_VALUE = r"[\divxlcdmIVXLCDM]+[a-z]?(?:\s*(?:[-–—]|,)\s*[\divxlcdmIVXLCDM]+[a-z]?)*"
_LOCATOR_RE = re.compile(
    rf"^,?\s*(?:\{{(?P<braced>[^{{}}]*)\}}|(?:(?P<label>{_LABEL_ALT})(?![\w])\s*)?(?P<value>{_LOC_VALUE}))"
    r"(?P<rest>(?=[\s,;.)]|$).*)$",
    re.S,
)


def citations_plugin(md: MarkdownIt) -> None:
    """Add Pandoc citations. Put it after footnote_plugin and attrs_plugin when those are used."""
    md.inline.ruler.before("link", "citation_bracketed", _bracketed)
    md.inline.ruler.before("link", "citation_in_text", _in_text)
    md.core.ruler.at("inline", _inline_with_locations)
    md.add_render_rule("citation", render_citation)


def _inline_with_locations(state: StateCore) -> None:
    """markdown-it-py's core ``inline`` rule, telling inline rules which block they parse."""
    lines = state.src.split("\n")
    for token in state.tokens:
        if token.type == "inline":
            if token.children is None:
                token.children = []
            state.env["citation_block"] = (token.content, token.map, lines)
            state.md.inline.parse(token.content, state.md, state.env, token.children)
    state.env.pop("citation_block", None)


def _position(state: StateInline, offset: int) -> tuple[int, int]:
    """1-based (line, col) in the file of ``offset`` in ``state.src``; (0, 0) when unknown."""
    block = state.env.get("citation_block") if isinstance(state.env, dict) else None
    if not block:
        return 0, 0
    content, line_map, lines = block
    base = content.find(state.src) if state.src != content else 0
    if base < 0 or not line_map:
        return 0, 0
    offset += base
    before = content[:offset]
    row = before.count("\n")
    line_no = line_map[0] + row
    content_line = content.split("\n")[row]
    in_line = offset - (before.rfind("\n") + 1)
    source_line = lines[line_no] if line_no < len(lines) else ""
    start = source_line.find(content_line) if content_line else -1
    if start < 0:  # content was altered (tabs, escapes): fall back to the offset in the line
        start = len(source_line) - len(source_line.lstrip())
    return line_no + 1, start + in_line + 1


def _closing_bracket(src: str, start: int, end: int) -> int:
    """Index of the "]" matching the "[" at ``start``, skipping escapes; -1 when none."""
    depth = 0
    pos = start
    while pos < end:
        char = src[pos]
        if char == "\\":
            pos += 2
            continue
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                return pos
        pos += 1
    return -1


def _split_items(text: str) -> list[tuple[int, str]]:
    """Split a group at top-level ";" (not inside brackets or braces); keep each part's offset."""
    parts: list[tuple[int, str]] = []
    depth = 0
    begin = 0
    for i, char in enumerate(text):
        if char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
        elif char == ";" and depth == 0:
            parts.append((begin, text[begin:i]))
            begin = i + 1
    parts.append((begin, text[begin:]))
    return parts


def _locator(suffix: str) -> tuple[str, str, str]:
    """Split a suffix into (locator, label, rest); a bare number is a page, as in Pandoc.

    Pandoc takes a locator only right after the key's comma (``@a, p. 3``), or as the
    whole start of an in-text suffix (``@a [p. 3]``, passed here as ``", p. 3"``).
    """
    match = _LOCATOR_RE.match(suffix) if suffix.lstrip().startswith(",") else None
    if not match:
        return "", "page", suffix.strip()
    label = _LABELS.get(match.group("label") or "", "page")
    value = match.group("value")
    if match.group("braced") is not None:  # Pandoc: "{s.v. Vilnius}", label and all in braces
        inner = re.match(rf"\s*(?:(?P<label>{_LABEL_ALT})(?![\w])\s*)?(?P<value>.*)", match.group("braced"), re.S)
        assert inner is not None  # the pattern matches any text
        label, value = _LABELS.get(inner.group("label") or "", "page"), inner.group("value")
    return value.strip(), label, match.group("rest").strip()


def _item(part: str, part_offset: int, state: StateInline) -> CiteItem | None:
    match = _ITEM_RE.fullmatch(part)
    if not match:
        return None
    key = match.group("bkey") or match.group("key")
    locator, label, suffix = _locator(match.group("suffix"))
    line, col = _position(state, part_offset + match.start("minus") + len(match.group("minus")))
    return CiteItem(
        key=key.strip(),
        prefix=match.group("prefix").strip(),
        suffix=suffix,
        written_suffix=match.group("suffix").strip(),
        locator=locator,
        label=label,
        suppress_author=bool(match.group("minus")),
        line=line,
        col=col,
    )


def _bracketed(state: StateInline, silent: bool) -> bool:
    """``[prefix @key, locator suffix; ...]`` and ``[-@key]``."""
    start = state.pos
    if state.src[start] != "[" or (start + 1 < state.posMax and state.src[start + 1] == "^"):
        return False
    end = _closing_bracket(state.src, start, state.posMax)
    if end < 0 or "@" not in state.src[start:end]:
        return False
    if end + 1 < state.posMax and state.src[end + 1] in "({[":
        return False  # a link or a span with attributes, as in Pandoc: [@a](url), [@a]{.x}
    inner = state.src[start + 1 : end]
    items: list[CiteItem] = []
    for offset, part in _split_items(inner):
        item = _item(part, start + 1 + offset, state)
        if item is None:
            return False  # every part must cite a work, else it is ordinary bracketed text
        items.append(item)
    if not silent:
        _push(state, Citation(tuple(items), author_in_text=False), state.src[start : end + 1])
    state.pos = end + 1
    return True


def _in_text(state: StateInline, silent: bool) -> bool:
    """``@key`` (author in text), optionally followed by `` [locator, suffix]``."""
    start = state.pos
    src = state.src
    if src[start] != "@":
        return False
    if start > 0 and (src[start - 1].isalnum() or src[start - 1] in "_.-+"):
        return False  # an e-mail address or a word, not a citation
    match = _KEY_RE.match(src, start, state.posMax)
    if not match:
        return False
    key = match.group("bkey") or match.group("key")
    end = match.end()
    locator, label, suffix, inner = "", "page", "", ""
    bracket = re.match(r"[ \t]+\[", src[end : state.posMax])
    if bracket and "@" not in src[end : state.posMax].split("]", 1)[0]:
        close = _closing_bracket(src, end + bracket.end() - 1, state.posMax)
        if close > 0:
            inner = src[end + bracket.end() : close]
            locator, label, suffix = _locator(", " + inner.lstrip(", "))
            end = close + 1
    if not silent:
        line, col = _position(state, start)
        written = ", " + inner.strip().lstrip(", ") if locator or suffix else ""
        item = CiteItem(
            key.strip(), suffix=suffix, locator=locator, label=label, written_suffix=written, line=line, col=col
        )
        _push(state, Citation((item,), author_in_text=True), src[start:end])
    state.pos = end
    return True


def _push(state: StateInline, citation: Citation, source: str) -> Token:
    token = state.push("citation", "", 0)
    token.content = source
    token.meta = {"citation": citation}
    return token


def render_citation(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    """Fallback renderer (the resolve stage replaces citations with formatted notes)."""
    from html import escape

    return f'<span class="citation">{escape(tokens[idx].content)}</span>'
