"""Where the print edition's pages begin, carried into the e-book and the web edition.

The PDF's layout tells, for every printed page, which part of the book it begins in (a chapter,
the bibliography, an index, the title or imprint page, the contents) and how many letters and
digits of that part come before the page's first line or image. The screen editions are written
from the same tokens, so counting the same letters and digits in their HTML finds the same place,
whatever the markup around it: that is where a page-break marker goes (EPUB 3 ``pagebreak``,
DPUB-ARIA ``doc-pagebreak``), labelled with the printed folio.

Only letters and digits are counted: whitespace collapses differently, hyphenation adds a
hyphen at a line's end, and generated content (note calls, list markers, counters) exists in
print only, while the screens' note numbers and extra index links are skipped by class. Figures
and tables are not counted either: print may move them down to fill a page (``pdf/pagefit.py``),
so only the running text is in the same order everywhere. A page that begins with a figure or
table begins, on screens, where its running text does, or at a figure or table standing there.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from html import escape, unescape
from typing import Any

# Print sections that are not chapters, by class, and the part they stand for on screens.
FRONT_PARTS = {"half-title": "titlepage", "title-page": "titlepage", "imprint": "imprint", "toc": "contents"}
# Screen-only text that print does not have: note numbers and the index's extra mention links.
SKIPPED_CLASSES = ("noteref", "noteref-sep", "index-locator-more")
# A page-break marker may not stand directly inside these (their content models forbid a span).
NO_PHRASING = {"ul", "ol", "table", "thead", "tbody", "tfoot", "tr", "dl", "colgroup", "select", "hgroup"}
FLOATS = {"figure", "table"}  # and <div class="table">, the wrapper that keeps a caption with its table
VOID = {"img", "br", "hr", "wbr", "col", "meta", "link", "input", "source"}


@dataclass(frozen=True)
class PageStart:
    """One printed page: its folio, and where it begins in the screen editions."""

    label: str  # the printed folio, "iv" or "27"
    part: str  # a chapter id, "bibliography", "index-<name>", "titlepage", "imprint" or "contents"
    offset: int  # letters and digits of that part before the page's first line or image
    float_key: str = ""  # when a figure or table opens the page: its first letters (see _key)


@dataclass(frozen=True)
class PrintPages:
    """What the screen editions know about the print edition laid out in the same run."""

    starts: tuple[PageStart, ...]  # every page of the PDF, in order


def _count(text: str) -> int:
    return sum(1 for char in text if char.isalnum())


def page_starts(pages: Sequence[Any], labels: Sequence[str]) -> PrintPages:
    """Read where each WeasyPrint page begins; ``labels[i]`` is page i's printed folio.

    A page with no text or image of its own (a blank verso, a page holding only a float) starts
    where the next page with content starts, so every folio is in the page list.
    """
    counts: dict[str, int] = {}
    starts: list[PageStart] = []
    pending: list[str] = []
    for page, label in zip(pages, labels):
        root = page._page_box.children[0]  # the main flow; notes and margins are its siblings
        first: tuple[str, int, str] | None = None
        for part, text, is_image, floating in _contents(root, None, ""):
            if first is None and (is_image or text.strip()):
                first = (part, counts.get(part, 0), floating)
            if not floating:
                counts[part] = counts.get(part, 0) + _count(text)
        if first is None:
            pending.append(label)
            continue
        starts.extend(PageStart(waiting, *first) for waiting in pending)
        pending.clear()
        starts.append(PageStart(label, *first))
    if pending and starts:  # blank pages at the end: after the last content
        last = starts[-1]
        starts.extend(PageStart(label, last.part, counts.get(last.part, 0), last.float_key) for label in pending)
    return PrintPages(tuple(starts))


def _key(text: str) -> str:
    """What tells one figure or table from another, in print and on screens: its first letters."""
    return "".join(c for c in text if c.isalnum())[:24].lower()


def _contents(box: Any, part: str | None, floating: str) -> Iterator[tuple[str, str, bool, str]]:
    """(part, text, is image, the key of the figure or table it is in, or "") for the text and
    images of a laid-out box, in reading order."""
    from weasyprint.formatting_structure import boxes

    tag = box.element_tag or ""
    if "::" in tag:  # generated content (note calls, markers, counters): print only
        return
    element = box.element
    if tag in ("section", "nav") and element is not None and box.style["display"] != "inline":
        ident = element.get("id") or ""
        classes = (element.get("class") or "").split()
        if ident.startswith("section-"):
            part = ident.removeprefix("section-")
        elif ident.startswith("index-"):
            part = ident
        else:
            part = next((FRONT_PARTS[c] for c in classes if c in FRONT_PARTS), part)
    if part is None:
        part = ""
    if not floating and element is not None and _floats(tag, f'class="{element.get("class") or ""}"'):
        floating = _key("".join(element.itertext())) or "-"
    if isinstance(box, boxes.TextBox):
        yield part, box.text, False, floating
    elif isinstance(box, (boxes.ReplacedBox, boxes.InlineReplacedBox)):
        yield part, "", True, floating
    elif isinstance(box, boxes.ParentBox):
        for child in box.children:
            yield from _contents(child, part, floating)


# --- the markers in the screen editions ---------------------------------------------------

_TOKEN = re.compile(r"<[^>]*>|[^<]+")
_TAG = re.compile(r"<(/?)([A-Za-z][\w:-]*)([^>]*?)(/?)>")
_CHAR = re.compile(r"&[#\w]+;|.", re.DOTALL)
BLOCK = {
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "td",
    "th",
    "figure",
    "figcaption",
    "div",
    "section",
    "blockquote",
    "dt",
    "dd",
    "caption",
    "aside",
    "ul",
    "ol",
    "table",
    "tr",
    "dl",
    "nav",
}


def marker(label: str, xhtml: bool) -> str:
    """An empty, labelled page-break marker; the id is what the page list links to."""
    epub = ' epub:type="pagebreak"' if xhtml else ""
    return (
        f'<span id="page-{escape(label)}" class="pagebreak"{epub} role="doc-pagebreak" '
        f'aria-label="{escape(label)}"></span>'
    )


def insert_markers(html: str, starts: Sequence[PageStart], xhtml: bool) -> str:
    """Put a marker for each page start (offsets within this fragment's part) into ``html``."""
    if not starts:
        return html
    tokens = _TOKEN.findall(html)
    wanted = sorted(starts, key=lambda s: s.offset)
    places: dict[int, list[str]] = {}  # token index (insert before) -> labels
    splits: dict[int, dict[int, list[str]]] = {}  # text token index -> {char offset: labels}
    count = 0
    stack: list[tuple[str, bool]] = []  # (tag, skipped)
    position = 0  # token index being scanned
    previous: tuple[int, tuple[int, int | None], bool] | None = None  # the last start's offset, place, at a float
    for start in wanted:
        if previous is not None and previous[0] == start.offset and not previous[2]:
            place = previous[1]  # the same place: a blank page, or a page holding only a moved figure
        else:
            count, position, stack, place, at_float = _find(
                tokens, start.offset, start.float_key, count, position, stack
            )
            previous = (start.offset, place, at_float)
        if place[1] is None:
            places.setdefault(place[0], []).append(start.label)
        else:
            splits.setdefault(place[0], {}).setdefault(place[1], []).append(start.label)
    out = []
    for index, token in enumerate(tokens):
        for label in places.get(index, []):
            out.append(marker(label, xhtml))
        if index in splits:
            pieces = _CHAR.findall(token)
            cut = splits[index]
            out.append(
                "".join(
                    "".join(marker(label, xhtml) for label in cut.get(i, [])) + piece for i, piece in enumerate(pieces)
                )
            )
        else:
            out.append(token)
    for label in places.get(len(tokens), []):
        out.append(marker(label, xhtml))
    return "".join(out)


def _classes(attrs: str) -> list[str]:
    match = re.search(r'class="([^"]*)"', attrs)
    return match[1].split() if match else []


def _skipped(attrs: str) -> bool:
    return any(c in SKIPPED_CLASSES for c in _classes(attrs))


def _floats(name: str, attrs: str) -> bool:
    return name in FLOATS or (name == "div" and "table" in _classes(attrs))


def _float_end(tokens: list[str], index: int) -> tuple[int, str]:
    """The index after the figure or table opening at ``index``, and its key."""
    name = _TAG.fullmatch(tokens[index])[2].lower()  # type: ignore[index]
    depth, text = 0, []
    for end in range(index, len(tokens)):
        tag = _TAG.fullmatch(tokens[end]) if tokens[end].startswith("<") else None
        if tag is None:
            text.append(unescape(tokens[end]))
        elif tag[2].lower() == name and not tag[4]:
            depth += -1 if tag[1] else 1
            if depth == 0:
                return end + 1, _key("".join(text))
    return len(tokens), _key("".join(text))


def _find(
    tokens: list[str], offset: int, float_key: str, count: int, position: int, stack: list[tuple[str, bool]]
) -> tuple[int, int, list[tuple[str, bool]], tuple[int, int | None], bool]:
    """Scan from ``position`` (``count`` letters and digits seen) to the first content after the
    ``offset``-th letter or digit; return the new state and where the marker goes: before a token
    (char None) or before a character of a text token. A figure or table is that content only if
    it is the one that opens the page in print (``float_key``); others there were moved by print
    to another page and are passed over."""
    stack = list(stack)
    phase = "count" if count < offset else "gap"
    if offset == 0 and count == 0:
        phase = "gap"
    candidate: tuple[int, int | None] | None = None  # earliest place in the current gap
    index = position
    while index < len(tokens):
        token = tokens[index]
        tag = _TAG.fullmatch(token) if token.startswith("<") else None
        if tag:
            closing, name, attrs, selfclose = tag[1] == "/", tag[2].lower(), tag[3], tag[4] == "/"
            skipped = any(s for _, s in stack)
            if name == "img" and not skipped and phase == "gap":
                return count, index, stack, candidate or (index, None), False
            if phase == "tail" and (name in BLOCK or name == "img" or name == "br"):
                phase = "gap"
            if phase == "gap" and not skipped and not closing and _floats(name, attrs):
                after, key = _float_end(tokens, index)
                if float_key and key == float_key:
                    return count, index, stack, candidate or (index, None), True
                index, candidate = after, None
                continue
            if phase == "gap" and not skipped:
                parent = stack[-1][0] if stack else ""
                if closing:
                    candidate = None  # after a closing tag: the place moves past it
                elif candidate is None and parent not in NO_PHRASING:
                    candidate = (index, None)
            if closing:
                while stack:
                    if stack.pop()[0] == name:
                        break
            elif not selfclose and name not in VOID:
                stack.append((name, _skipped(attrs) or _floats(name, attrs)))  # neither is counted
            index += 1
            continue
        if any(s for _, s in stack):
            index += 1
            continue
        at_start = count  # a marker found in this token leaves the scan at the token's start
        pieces = _CHAR.findall(token)
        for i, piece in enumerate(pieces):
            char = unescape(piece)
            if phase == "count":
                if char.isalnum():
                    count += 1
                    if count >= offset:
                        phase = "tail"
            elif phase == "tail":
                if char.isspace():
                    phase = "gap"
                    candidate = None
                elif char.isalnum():
                    count += 1
            else:  # gap: the first visible character is the page's first content
                if char.isspace():
                    continue
                return at_start, index, stack, candidate or (index, i or None), False
        index += 1
    return count, len(tokens), stack, candidate or (len(tokens), None), False
