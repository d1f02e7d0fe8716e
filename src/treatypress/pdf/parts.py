"""One part of the book laid out and written by WeasyPrint in a worker process (issue 12).

A part is a run of whole chapters that starts on a right-hand page. Everything the join needs
comes back as plain data (picklable): the part's PDF, where each anchor landed, the internal
links whose target lies in another part, the bookmarks, and what the footnote and typography
checks found on the part's pages.

WeasyPrint leaves out a link whose anchor is not in the document it writes. So that a link into
another part is written (and, in a tagged PDF, tagged) exactly as every other link, each such
target is given a stand-in anchor on the part's first page while the PDF is written; the join
(``pdf/join.py``) drops the stand-ins and keeps the links, now leading to the real anchors.

WeasyPrint keeps one document in one process (Kozea/WeasyPrint#1060), so the parts are
separate documents; ``pdf/join.py`` makes them one PDF again.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

import weasyprint
from weasyprint.text.fonts import FontConfiguration

from ..diagnostics import Diagnostic
from ..pagelist import page_starts
from ..styles import Styles
from .fitting import fit_pages
from .footnotes import FootnoteProblem
from .laidout import counting_layouts
from .notelinks import link_notes
from .tagging import richer_tags
from .typography import TypographyProblem, check_typography

SCALE = 0.75  # PDF points per CSS pixel, as WeasyPrint writes them


@dataclass(frozen=True)
class PartSpec:
    """What a worker lays out."""

    html: str  # a complete print HTML document holding only this part's sections
    stylesheets: tuple[str, ...]  # CSS text given after the document's own (page size, overrides)
    root: Path  # the book folder: the only place WeasyPrint may read from
    expected_notes: tuple[str, ...]  # ids of the footnotes this part must place
    note_calls: tuple[tuple[str, str], ...]  # (note id, call id) of those notes, linked both ways
    drop_last: int  # pages to drop at the end: the sentinel page that made WeasyPrint add a blank verso
    pdf_variant: str | None  # WeasyPrint's pdf_variant
    identifier: bytes  # pdf_identifier: the same for every part, the join keeps the first part's /ID


@dataclass(frozen=True)
class CrossLink:
    """An internal link whose target lies in another part (its anchor in the part is a stand-in)."""

    page: int  # page index within the part
    target: str  # the anchor name


@dataclass(frozen=True)
class Bookmark:
    label: str
    page: int  # page index within the part
    x: float
    y: float
    children: tuple[Bookmark, ...]
    open: bool


@dataclass(frozen=True)
class PartLayout:
    """A laid-out, written part and where everything in it landed."""

    pdf: bytes
    pages: int  # pages kept (the sentinel's dropped)
    anchors: dict[str, int]  # anchor -> page index within the part (first page it is on)
    blank: tuple[bool, ...]  # per kept page: a blank page WeasyPrint inserted before a right-hand opening
    links: tuple[CrossLink, ...]
    bookmarks: tuple[Bookmark, ...]
    footnote_problems: tuple[FootnoteProblem, ...]
    typography: tuple[TypographyProblem, ...]  # pages numbered within the part, from 1
    refused: tuple[Diagnostic, ...]  # what the safe fetcher refused
    layouts: int  # full layouts of this part: 1 unless a footnote was repaired
    inputs: dict[str, str]  # every file WeasyPrint looked for -> SHA-256 of its content ("" if missing)
    pages_laid_out: int  # pages WeasyPrint laid out for this part, each repagination counted
    # where each page begins in the screen editions (``pagelist.PageStart`` without the folio:
    # part, offset, float key), for every page laid out, the dropped sentinel's included
    starts: tuple[tuple[str, int, str], ...]


def lay_out_part(spec: PartSpec) -> PartLayout:
    """Run in a worker: lay out, check and write one part."""
    fonts = FontConfiguration()
    source, fetcher = Styles(spec.root).weasyprint_html(spec.html)
    profiles: dict[str, Any] = {}  # the press variant's CMYK @color-profile, as in a one-process layout
    sheets = [weasyprint.CSS(string=css, font_config=fonts, color_profiles=profiles) for css in spec.stylesheets]
    with counting_layouts() as count:
        result, layouts = fit_pages(
            source, sheets, list(spec.expected_notes), font_config=fonts, pdf_tags=False, color_profiles=profiles
        )
    full = result.document
    kept = full.pages[: len(full.pages) - spec.drop_last]
    document = full.copy(kept)
    link_notes(document.pages, dict(spec.note_calls))
    anchors: dict[str, int] = {}
    for number, page in enumerate(kept):
        for name in page.anchors:
            anchors.setdefault(name, number)
    links = tuple(_cross_links(kept, anchors))
    # checked with the sentinel's page, as the whole book has a page after the part's last one
    typography = tuple(found for found in check_typography(full) if found.page <= len(kept))
    starts = page_starts(full.pages, [str(i) for i in range(len(full.pages))]).starts
    bookmarks = tuple(_bookmarks(document.make_bookmark_tree(SCALE, transform_pages=True)))
    buffer = BytesIO()
    stand_ins = kept[0].anchors
    for link in links:
        stand_ins.setdefault(link.target, (0, 0, 0, 0))  # (x, y, width, height), as WeasyPrint's
    try:
        # the tags are completed as in a one-process build (a warning, if any, is the parent's)
        with richer_tags():
            document.write_pdf(
                buffer,
                pdf_variant=spec.pdf_variant,
                pdf_identifier=spec.identifier,
                custom_metadata=True,
                pdf_tags=False,
                uncompressed_pdf=False,
            )
    finally:
        for link in links:
            stand_ins.pop(link.target, None)
    return PartLayout(
        buffer.getvalue(),
        len(kept),
        anchors,
        tuple(bool(page._page_box.page_type.blank) for page in kept),
        links,
        bookmarks,
        result.problems,
        typography,
        tuple(fetcher.refused),
        layouts,
        dict(fetcher.read),
        count.pages,
        tuple((start.part, start.offset, start.float_key) for start in starts),
    )


def _cross_links(pages: list[Any], anchors: dict[str, int]) -> list[CrossLink]:
    return [
        CrossLink(number, target)
        for number, page in enumerate(pages)
        for link_type, target, _rect, _box in page.links
        if link_type == "internal" and target not in anchors
    ]


def _bookmarks(tree: list[Any]) -> list[Bookmark]:
    return [
        Bookmark(label, page, x, y, tuple(_bookmarks(children)), state == "open")
        for label, (page, x, y), children, state in tree
    ]
