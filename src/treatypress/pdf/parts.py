"""One part of the book laid out and written by WeasyPrint in a worker process (issue 12).

A part is a run of whole chapters that starts on a right-hand page. Everything the join needs
comes back as plain data (picklable): the part's PDF, where each anchor landed, the internal
links WeasyPrint had to drop because their target lies in another part, the bookmarks, and
what the footnote and typography checks found on the part's pages.

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
from ..styles import Styles
from .footnotes import FootnoteProblem, render_with_footnote_repair
from .laidout import counting_layouts
from .pagefit import find_faults, mend
from .pages import page_contents
from .typography import TypographyProblem, check_typography

SCALE = 0.75  # PDF points per CSS pixel, as WeasyPrint writes them
FIT_PASSES = 2  # as targets/pdf.py: layouts spent at most on mending float gaps and short pages


@dataclass(frozen=True)
class PartSpec:
    """What a worker lays out."""

    html: str  # a complete print HTML document holding only this part's sections
    stylesheets: tuple[str, ...]  # CSS text given after the document's own (page size, overrides)
    root: Path  # the book folder: the only place WeasyPrint may read from
    expected_notes: tuple[str, ...]  # ids of the footnotes this part must place
    drop_last: int  # pages to drop at the end: the sentinel page that made WeasyPrint add a blank verso
    pdf_variant: str | None  # WeasyPrint's pdf_variant
    identifier: bytes  # pdf_identifier: the same for every part, the join keeps the first part's /ID


@dataclass(frozen=True)
class CrossLink:
    """An internal link whose target lies in another part: the join adds it back."""

    page: int  # page index within the part
    target: str  # the anchor name
    rect: tuple[float, float, float, float]  # in PDF points, as WeasyPrint's own link annotations


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


def lay_out_part(spec: PartSpec) -> PartLayout:
    """Run in a worker: lay out, check and write one part."""
    fonts = FontConfiguration()
    source, fetcher = Styles(spec.root).weasyprint_html(spec.html)
    sheets = [weasyprint.CSS(string=css, font_config=fonts) for css in spec.stylesheets]
    expected = list(spec.expected_notes)
    with counting_layouts() as count:
        result = render_with_footnote_repair(source, sheets, expected=expected, font_config=fonts, pdf_tags=False)
        layouts = result.layouts
        for _ in range(FIT_PASSES):  # float gaps and short chapter ends, mended as in a one-process layout
            pages = page_contents(result.document)
            if not mend(pages, find_faults(pages), source.etree_element):
                break
            result = render_with_footnote_repair(source, sheets, expected=expected, font_config=fonts,
                                                 pdf_tags=False)
            layouts += result.layouts
    full = result.document
    kept = full.pages[:len(full.pages) - spec.drop_last]
    document = full.copy(kept)
    anchors: dict[str, int] = {}
    for number, page in enumerate(kept):
        for name in page.anchors:
            anchors.setdefault(name, number)
    links = tuple(_cross_links(kept, anchors))
    # checked with the sentinel's page, as the whole book has a page after the part's last one
    typography = tuple(found for found in check_typography(full) if found.page <= len(kept))
    buffer = BytesIO()
    document.write_pdf(buffer, pdf_variant=spec.pdf_variant, pdf_identifier=spec.identifier, pdf_tags=False,
                       uncompressed_pdf=False)
    return PartLayout(buffer.getvalue(), len(kept), anchors,
                      tuple(bool(page._page_box.page_type.blank) for page in kept), links,
                      tuple(_bookmarks(document.make_bookmark_tree(SCALE, transform_pages=True))),
                      result.problems, typography, tuple(fetcher.refused), layouts, dict(fetcher.read),
                      count.pages)


def _cross_links(pages: list[Any], anchors: dict[str, int]) -> list[CrossLink]:
    found = []
    for number, page in enumerate(pages):
        height = page.height * SCALE
        for link_type, target, rect, _box in page.links:
            if link_type == "internal" and target not in anchors:
                x1, y1, x2, y2 = rect
                found.append(CrossLink(number, target, (x1 * SCALE, height - y1 * SCALE,
                                                        x2 * SCALE, height - y2 * SCALE)))
    return found


def _bookmarks(tree: list[Any]) -> list[Bookmark]:
    return [Bookmark(label, page, x, y, tuple(_bookmarks(children)), state == "open")
            for label, (page, x, y), children, state in tree]
