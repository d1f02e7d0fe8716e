"""Raw HTML in a chapter: an allow-list, enforced by nh3 (ammonia), every refusal located.

The policy (README, "Raw HTML"): an author may write the inline and block elements below with
the attributes below; links may go to ``http:``, ``https:``, ``mailto:`` or a ``#fragment``.
Anything else — ``<script>``, ``<style>``, ``<iframe>``, ``<img>`` (use Markdown's image syntax,
which is checked and packaged), an ``on*=`` handler, a ``style`` attribute, a ``javascript:``
URL — is an error at its line, so nothing is silently dropped from the book and nothing unsafe
reaches the web edition or the EPUB. Comments are allowed and left out of every edition; an
unclosed ``<!--`` (which would swallow the rest of the chapter) is an error.

nh3 decides what is allowed: each tag is handed to it with the allow-list, and what it keeps is
what is written (as XHTML, so the EPUB stays well formed); what it removed is reported. The
elements must be balanced: an inline element closes in its paragraph, a block element in its
chapter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser

import nh3

from ..config import language_tag

INLINE = frozenset(
    {
        "a",
        "abbr",
        "b",
        "bdi",
        "bdo",
        "br",
        "cite",
        "code",
        "del",
        "dfn",
        "em",
        "i",
        "ins",
        "kbd",
        "mark",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "time",
        "u",
        "var",
        "wbr",
    }
)
BLOCK = frozenset(
    {
        "address",
        "blockquote",
        "caption",
        "col",
        "colgroup",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "hr",
        "li",
        "ol",
        "p",
        "pre",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    }
)
ALLOWED = INLINE | BLOCK
GLOBAL_ATTRIBUTES = frozenset({"id", "class", "lang", "dir", "title"})
ATTRIBUTES: dict[str, frozenset[str]] = {
    "a": frozenset({"href"}),
    "ol": frozenset({"start", "reversed", "type"}),
    "li": frozenset({"value"}),
    "td": frozenset({"colspan", "rowspan", "headers"}),
    "th": frozenset({"colspan", "rowspan", "headers", "scope"}),
    "col": frozenset({"span"}),
    "colgroup": frozenset({"span"}),
    "time": frozenset({"datetime"}),
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
VOID = frozenset({"br", "col", "hr", "wbr"})
MAX_DEPTH = 16  # raw elements open inside one another


@dataclass(frozen=True)
class Refusal:
    """Something the policy refused, at a line of the chapter (0-based, as token maps count)."""

    line: int
    needle: str  # text to find on the line, for the column
    code: str
    message: str
    hint: str


@dataclass
class Balance:
    """Raw elements still open: block ones across the chapter, inline ones in their paragraph.

    ``depth`` is how deep in Markdown's own elements (emphasis, links; lists, quotes) the next
    raw tag sits: a raw element must close at the depth it opened, or the two would cross
    (``<span>*a</span>*`` would give ``<span><em>a</span></em>``, which no XHTML reader takes).
    """

    open: list[tuple[str, int, int]] = field(default_factory=list)  # (tag, line, depth)
    depth: int = 0


def _nh3(tag: str, attrs: list[tuple[str, str | None]]) -> tuple[bool, dict[str, str]]:
    """What nh3 keeps of one start tag: whether the element stays, and its attributes."""
    source = f"<{tag}" + "".join(f' {name}="{escape(value or "", quote=True)}"' for name, value in attrs) + ">"
    if tag not in VOID:
        source += f"</{tag}>"
    attributes = {name: set(GLOBAL_ATTRIBUTES | ATTRIBUTES.get(name, frozenset())) for name in ALLOWED}
    cleaned = nh3.clean(
        source,
        tags=set(ALLOWED),
        attributes=attributes,
        url_schemes=set(URL_SCHEMES),
        link_rel=None,
        strip_comments=True,
        clean_content_tags={"script", "style"},
    )
    reader = _Events()
    reader.feed(cleaned)
    reader.close()
    starts = [e for e in reader.events if e[0] == "start"]
    if not starts or starts[0][1] != tag:
        return False, {}
    return True, {name: value or "" for name, value in starts[0][2]}


class _Events(HTMLParser):
    """The standard library's HTML tokenizer, kept as a list of events."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple[str, str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append(("start", tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append(("start", tag, attrs))
        if tag not in VOID:
            self.events.append(("end", tag, []))

    def handle_endtag(self, tag: str) -> None:
        self.events.append(("end", tag, []))

    def handle_data(self, data: str) -> None:
        self.events.append(("data", data, []))

    def handle_comment(self, data: str) -> None:
        self.events.append(("comment", data, []))

    def handle_decl(self, decl: str) -> None:
        self.events.append(("other", f"<!{decl}>", []))

    def handle_pi(self, data: str) -> None:
        self.events.append(("other", f"<?{data}>", []))

    def unknown_decl(self, data: str) -> None:
        self.events.append(("other", f"<![{data}]>", []))


def sanitise(html: str, line: int, balance: Balance, refusals: list[Refusal]) -> str:
    """One raw HTML token: the XHTML to write in its place; refusals are appended."""
    stripped = html.lstrip()
    if stripped.startswith("<!--") and "-->" not in stripped:
        refusals.append(
            Refusal(
                line,
                "<!--",
                "html-comment-unclosed",
                "this comment is never closed ('-->'), so it would hide the rest of the chapter",
                "close it with '-->'",
            )
        )
        return ""
    reader = _Events()
    reader.feed(html)
    reader.close()
    out: list[str] = []
    for kind, value, attrs in reader.events:
        if kind == "data":
            out.append(escape(value, quote=False))
        elif kind == "comment":
            continue  # a note to self: in no edition
        elif kind == "other":
            refusals.append(
                Refusal(
                    line,
                    value[:2],
                    "html-disallowed",
                    f"raw HTML {value[:30]!r} is not allowed",
                    "delete it; only elements and comments may be written as raw HTML",
                )
            )
        elif kind == "start":
            out.append(_start(value, attrs, line, balance, refusals))
        else:
            out.append(_end(value, line, balance, refusals))
    return "".join(out)


def _start(tag: str, attrs: list[tuple[str, str | None]], line: int, balance: Balance, refusals: list[Refusal]) -> str:
    kept, kept_attrs = _nh3(tag, attrs) if tag in ALLOWED else (False, {})
    if not kept:
        hint = (
            'use Markdown\'s image syntax ![caption](file){alt="..."}, which is checked and packaged'
            if tag in ("img", "picture", "svg")
            else "allowed elements: " + ", ".join(sorted(ALLOWED))
        )
        refusals.append(Refusal(line, f"<{tag}", "html-disallowed", f"raw HTML <{tag}> is not allowed", hint))
        return ""
    for name, value in attrs:
        if name not in kept_attrs:
            allowed = sorted(GLOBAL_ATTRIBUTES | ATTRIBUTES.get(tag, frozenset()))
            if name == "href":
                what, hint = (
                    f"the link href={value!r} on <{tag}> is not allowed",
                    "links go to http:, https:, mailto: or a #fragment",
                )
            else:
                what, hint = (
                    f"the attribute {name}= on <{tag}> is not allowed",
                    f"allowed on <{tag}>: {', '.join(allowed)}"
                    + ("; style the class in styles/css/book.css" if name == "style" else ""),
                )
            refusals.append(Refusal(line, name, "html-attribute", what, hint))
    wrong_lang = language_tag(kept_attrs["lang"]) if "lang" in kept_attrs else None
    if wrong_lang:  # the same check as a span's {lang=...} and [book] language
        refusals.append(Refusal(line, "lang=", "lang-invalid", wrong_lang, ""))
    written = "".join(f' {name}="{escape(value, quote=True)}"' for name, value in kept_attrs.items())
    if tag in VOID:
        return f"<{tag}{written}/>"
    balance.open.append((tag, line, balance.depth))
    if len(balance.open) > MAX_DEPTH:
        refusals.append(
            Refusal(
                line,
                f"<{tag}",
                "markdown-too-deep",
                f"raw HTML elements nest more than {MAX_DEPTH} deep",
                "flatten the markup",
            )
        )
    return f"<{tag}{written}>"


def _end(tag: str, line: int, balance: Balance, refusals: list[Refusal]) -> str:
    if tag in VOID:
        return ""
    if balance.open and balance.open[-1][0] == tag and balance.open[-1][2] != balance.depth:
        refusals.append(
            Refusal(
                line,
                f"</{tag}",
                "html-unclosed",
                f"raw HTML </{tag}> closes across Markdown "
                f"emphasis, a link, a list or a quote opened after its <{tag}>",
                "keep Markdown markup wholly inside or wholly outside the raw element",
            )
        )
        balance.open.pop()
        return ""
    if not balance.open or balance.open[-1][0] != tag:
        expected = f"</{balance.open[-1][0]}> was expected" if balance.open else "nothing is open"
        refusals.append(
            Refusal(
                line,
                f"</{tag}",
                "html-unclosed",
                f"raw HTML </{tag}> closes nothing: {expected}",
                "open and close raw HTML elements in the same paragraph (inline) or chapter (block)",
            )
        )
        return ""
    balance.open.pop()
    return f"</{tag}>"


def unclosed(balance: Balance, refusals: list[Refusal]) -> None:
    """Report the elements still open where they had to be closed, and forget them."""
    for tag, line, _ in balance.open:
        refusals.append(
            Refusal(
                line,
                f"<{tag}",
                "html-unclosed",
                f"raw HTML <{tag}> is never closed",
                f"close it with </{tag}>: inline elements in their paragraph, block ones in the chapter",
            )
        )
    balance.open.clear()
