"""The back-of-book index: marks in, sorted and grouped indexes out, rendered for print or EPUB.

Typical use (the Markdown stage makes the marks, the PDF target knows the pages)::

    mark, problems = parse_mark(attrs, text, anchor, end_anchor, location)
    indexes, problems = build_indexes(marks, "lt", [IndexDef("general", "Rodyklė")])
    pages = layout.page_map.refs(anchors_of(marks))  # where the print layout put each anchor
    html = render_print(indexes[0], pages)  # PDF
    xhtml = render_linked(indexes[0], pages, href)  # EPUB (pages=None for the web edition)
"""

from collections.abc import Iterable

from treatypress.index.build import SYMBOLS_LABEL, build_indexes
from treatypress.index.collate import Collation, collation
from treatypress.index.marks import is_index_mark, parse_mark
from treatypress.index.model import (
    DEFAULT_INDEX_DEFS,
    CrossRef,
    GroupKind,
    Heading,
    Index,
    IndexDef,
    IndexEntry,
    IndexMark,
    LetterGroup,
    Locator,
    PageRef,
)
from treatypress.index.render import render_linked, render_print
from treatypress.index.runs import MissingAnchorError, PageRun, page_runs

__all__ = [
    "DEFAULT_INDEX_DEFS",
    "SYMBOLS_LABEL",
    "Collation",
    "CrossRef",
    "GroupKind",
    "Heading",
    "Index",
    "IndexDef",
    "IndexEntry",
    "IndexMark",
    "LetterGroup",
    "Locator",
    "MissingAnchorError",
    "PageRef",
    "PageRun",
    "anchors_of",
    "build_indexes",
    "collation",
    "is_index_mark",
    "page_runs",
    "parse_mark",
    "render_linked",
    "render_print",
]


def anchors_of(marks: Iterable[IndexMark]) -> set[str]:
    """Every anchor the marks need a page for (starts and passage ends)."""
    found: set[str] = set()
    for mark in marks:
        if mark.anchor:
            found.add(mark.anchor)
        if mark.end_anchor:
            found.add(mark.end_anchor)
    return found
