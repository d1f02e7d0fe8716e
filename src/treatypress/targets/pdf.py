"""The PDF: WeasyPrint lays the book out once; the index is set afterwards with real page numbers.

The body (front matter, chapters, bibliography) is laid out in one pass. Each index is back
matter: after that pass we read which page every index mark landed on
(``Document.pages[i].anchors``), lay out the index alone with literal numbers, and put its
pages in place of the blank placeholder page the body reserved for it (so the contents page
already points at the right folio). The body is laid out again only to mend float gaps and
short chapter ends (``pdf/pagefit.py``), when a book has them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from io import BytesIO
from typing import Any

import weasyprint
from markupsafe import Markup
from weasyprint.text.fonts import FontConfiguration

from ..config import SETTINGS_FILE
from ..diagnostics import Diagnostic, Location, error, warning
from ..index import PageRef, render_print
from ..pagelist import PrintPages, page_starts
from ..pdf.fitting import fit_pages
from ..pdf.footnotes import FootnoteProblem, layout_patch_warnings
from ..pdf.notelinks import link_notes
from ..pdf.pagelabels import LabelRange, add_page_labels
from ..pdf.pagemap import PageMap
from ..pdf.press import finish_press
from ..pdf.printtext import print_text
from ..pdf.tagging import richer_tags
from ..pdf.typography import check_typography
from ..render import book_context, environment, render, render_chapters
from ..resolve import ResolvedBook
from ..resolve.model import note_location
from ..styles import Styles
from . import Artifact
from .links import link_urls

# How an author mends each page fault (README, "When the pages need a hand").
TYPOGRAPHY_HINTS = {
    "overfull-line": "rephrase, or add a hyphenation point (&shy;) to the long word",
    "stranded-heading": "shorten the text before the heading by a line, or put '::: {.new-page}' around "
    "the heading and what follows it",
    "short-page": "lengthen or shorten the chapter's last paragraphs by a line or two, or put "
    "'::: {.keep-together}' around its last paragraphs so they move over as one",
    "float-gap": "neither the text after the figure or table nor the text before it could fill the hole (a "
    "chapter opening or another float is in the way): move it a paragraph or two earlier or later "
    "in the manuscript, and call it by its number, not 'below'",
}
VARIANTS = {"plain": None, "accessible": "pdf/ua-1", "press": "pdf/x-4"}


@dataclass(frozen=True)
class PrintLayout:
    """The laid-out book as a reader will get it, and where everything landed."""

    document: weasyprint.Document
    labels: tuple[str, ...]  # the printed folio of each physical page ("" on unnumbered pages)
    anchors: dict[str, int]  # element id -> physical page index (0-based)
    body_start: int  # physical index of arabic page 1
    fetcher_problems: tuple[Diagnostic, ...]
    footnote_problems: tuple[FootnoteProblem, ...]  # what the check found after any repair
    layouts: int  # full layout passes made: 1 unless a footnote had to be repaired

    @property
    def page_map(self) -> PageMap:
        """What the e-book may take from this layout, without WeasyPrint's objects."""
        return PageMap(self.labels, self.anchors, self.body_start)


def stylesheets(styles: Styles) -> list[str]:
    sheets = styles.urls(["css/fonts.css", "css/print.css", "css/footnotes.css"])
    extra = styles.optional("css/book.css")
    if extra:
        sheets.append(extra.resolve().as_uri())
    return sheets


def page_rules(book: ResolvedBook, variant: str) -> str:
    """The page size, and for the press: the bleed, a CMYK output intent and CMYK black text
    (the crop marks are drawn afterwards, outside the bleed: ``pdf/press.py``)."""
    pdf = book.config.pdf
    # A user stylesheet's !important beats every author rule: the setting (book.toml or flag)
    # wins over an @page size in styles/css/book.css, which the styles check warns about.
    rules = f"@page {{ size: {book.config.page_size} !important; }}"
    if variant == "press":
        icc = Styles(book.config.root).path("icc/default_cmyk.icc").resolve().as_uri()
        # marks: none: WeasyPrint would draw them inside the bleed; pdf/press.py draws them outside
        rules = (
            f"@page {{ size: {book.config.page_size} !important; bleed: {pdf.bleed} !important; "
            "marks: none !important; }"
            f"@color-profile device-cmyk {{ src: url({icc}); components: cyan, magenta, yellow, black; }}"
            "html { color: device-cmyk(0 0 0 1); }"
        )
    return rules


def page_css(book: ResolvedBook, variant: str, profiles: dict[str, Any]) -> weasyprint.CSS:
    """``page_rules`` for WeasyPrint; ``profiles`` collects the ``@color-profile`` for
    ``render(color_profiles=...)``."""
    return weasyprint.CSS(string=page_rules(book, variant), color_profiles=profiles)


@dataclass(frozen=True)
class PrintSource:
    """The print edition's pieces before they become one HTML document (or several parts)."""

    toc: list[dict[str, str]]
    chapters: list[dict[str, Any]]  # as print.html.j2 takes them, in reading order
    placeholders: list[dict[str, str]]  # one blank page reserved for each index
    first_body: str | None  # id of the first body chapter, where arabic page 1 is


def print_source(book: ResolvedBook) -> PrintSource:
    chapters = render_chapters(book, "print", lambda path: path.as_uri(), lambda anchor: f"#{anchor}")
    first_body = next((c.chapter.id for c in chapters if c.chapter.kind == "body"), None)
    toc = [{"kind": c.chapter.kind, "id": c.chapter.id, "title": c.chapter.title} for c in chapters]
    if book.bibliography:
        toc.append({"kind": "back", "id": "bibliography", "title": book.bibliography_title})
    placeholders = [{"id": f"index-{ix.name}", "title": ix.title} for ix in book.indexes if ix.groups]
    toc.extend({"kind": "back", "id": p["id"], "title": p["title"]} for p in placeholders)
    return PrintSource(
        toc,
        [
            {
                "id": c.chapter.id,
                "kind": c.chapter.kind,
                "lang": c.chapter.lang,
                "short_title": c.chapter.short_title,
                "source": c.chapter.parsed.source.rel,
                "first_body": c.chapter.id == first_body,
                "body": Markup(link_urls(c.html.body)),
            }
            for c in chapters
        ],
        placeholders,
        first_body,
    )


def print_html(
    book: ResolvedBook,
    styles: Styles,
    source: PrintSource,
    chapters: list[dict[str, Any]],
    bibliography: bool = True,
    placeholders: bool = True,
) -> str:
    """The print HTML of ``chapters`` (all of them for the whole book, a run of them for a part),
    with the printed page's line-breaking hints (``print_text``)."""
    context = book_context(book)  # URLs and DOIs are live links in every edition
    context["bibliography"] = (
        [(key, Markup(link_urls(html))) for key, html in context["bibliography"]] if bibliography else []
    )
    html = render(
        environment(styles),
        "print.html.j2",
        **context,
        stylesheets=stylesheets(styles),
        toc=source.toc,
        index_placeholders=source.placeholders if placeholders else [],
        chapters=chapters,
    )
    if book.config.pdf.hyphenate:
        html = html.replace("<html ", '<html data-hyphenate="" ', 1)
    return print_text(html)


def lay_out(book: ResolvedBook, variant: str, fonts: FontConfiguration) -> PrintLayout:
    styles = Styles(book.config.root)
    printed = print_source(book)
    first_body = printed.first_body
    source, fetcher = styles.weasyprint_html(print_html(book, styles, printed, printed.chapters))
    expected = [note.id for chapter in book.chapters for note in chapter.notes]
    profiles: dict[str, Any] = {}
    sheets = [page_css(book, variant, profiles)]
    result, layouts = fit_pages(
        source, sheets, expected, pdf_tags=variant == "accessible", font_config=fonts, color_profiles=profiles
    )
    document = result.document
    anchors: dict[str, int] = {}
    for number, page in enumerate(document.pages):
        for name in page.anchors:  # a box split over pages repeats its id: keep the first page
            anchors.setdefault(name, number)
    body_start = anchors.get(f"section-{first_body}", 0) if first_body else 0
    labels = tuple(_folio(i, body_start) for i in range(len(document.pages)))
    return PrintLayout(document, labels, anchors, body_start, tuple(fetcher.refused), result.problems, layouts)


def _folio(index: int, body_start: int) -> str:
    if index < body_start:
        return _roman(index + 1)
    return str(index - body_start + 1)


def _roman(number: int) -> str:
    values = (
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    )
    out = ""
    for value, letters in values:
        while number >= value:
            out += letters
            number -= value
    return out


def build_pdf(
    book: ResolvedBook, layout: PrintLayout, variant: str, fonts: FontConfiguration
) -> tuple[Artifact | None, tuple[Diagnostic, ...], PrintPages | None]:
    """The PDF, its problems, and where its pages begin (for the e-book's page list)."""
    problems: list[Diagnostic] = list(layout.fetcher_problems)
    notes = {note.id: note for chapter in book.chapters for note in chapter.notes}
    for problem in layout.footnote_problems:
        problems.append(
            error(
                "footnote-misplaced",
                problem.message,
                note_location(notes, problem.note_id, SETTINGS_FILE),
                "shorten the note or rephrase the paragraph around its call",
            )
        )
    pages = list(layout.document.pages)
    labels = list(layout.labels)
    index_pages, refused = _index_pages(book, layout, variant, fonts)
    problems.extend(refused)
    problems = list(dict.fromkeys(problems))  # the body and the index ask for the same files: once
    if index_pages is not None:
        start = index_start(book, layout)
        pages = pages[:start] + list(index_pages.pages)
        labels = labels[:start] + [str(int(labels[start]) + i) for i in range(len(index_pages.pages))]
    if problems:
        return None, tuple(problems), None
    document = layout.document.copy(pages)
    link_notes(document.pages, {note.id: note.ref_id for chapter in book.chapters for note in chapter.notes})
    for found in check_typography(document):
        where = Location(found.source, found.line) if found.source else None
        problems.append(
            warning(
                f"typography-{found.kind}",
                f"{found.message} (folio {labels[found.page - 1]})",
                where,
                TYPOGRAPHY_HINTS[found.kind],
            )
        )
    buffer = BytesIO()
    identifier = book.config.identifier.encode()
    tagged = variant == "accessible"
    with richer_tags() as tag_gaps:
        document.write_pdf(
            buffer,
            pdf_variant=VARIANTS[variant],
            pdf_identifier=identifier,
            custom_metadata=True,
            pdf_tags=tagged,
            uncompressed_pdf=False,
        )
    if tagged:
        problems.extend(tag_gaps)
    problems.extend(layout_patch_warnings())
    ranges = [LabelRange(0, "r", 1)]
    if layout.body_start:
        ranges.append(LabelRange(layout.body_start, "D", 1))
    data = add_page_labels(buffer.getvalue(), ranges if layout.body_start else [LabelRange(0, "D", 1)])
    return finished_pdf(book, variant, data), tuple(problems), page_starts(pages, labels)


def finished_pdf(book: ResolvedBook, variant: str, data: bytes) -> Artifact:
    """The whole PDF, laid out in one process or joined from parts, finished and named: the press
    variant gets its marks and output intent here, once, on the whole file."""
    if variant == "press":
        data = finish_press(data, marks=book.config.pdf.marks)
    suffix = "" if variant in ("accessible", "plain") else f"-{variant}"
    return Artifact(f"{book.config.slug}{suffix}.pdf", data)


def index_html(book: ResolvedBook, styles: Styles, refs: dict[str, PageRef], first_page: int) -> str:
    """The indexes as their own print document, with literal page numbers from ``refs``."""
    indexes = [ix for ix in book.indexes if ix.groups]
    return print_text(
        render(
            environment(styles),
            "print-index.html.j2",
            **book_context(book),
            stylesheets=stylesheets(styles),
            first_page=first_page,
            index_sections=[
                {"id": f"index-{ix.name}", "title": ix.title, "html": Markup(render_print(ix, refs, _anchor_link))}
                for ix in indexes
            ],
        )
    )


def _anchor_link(anchor: str) -> str:
    return f"#{anchor}"  # an index locator links to its mark, on its page


def index_start(book: ResolvedBook, layout: PrintLayout) -> int:
    """The physical page of the first placeholder the body reserved for an index."""
    return min(layout.anchors[f"index-{ix.name}"] for ix in book.indexes if ix.groups)


def _index_pages(
    book: ResolvedBook, layout: PrintLayout, variant: str, fonts: FontConfiguration
) -> tuple[weasyprint.Document | None, tuple[Diagnostic, ...]]:
    indexes = [ix for ix in book.indexes if ix.groups]
    if not indexes:
        return None, ()
    styles = Styles(book.config.root)
    refs = layout.page_map.refs([a for m in book.marks for a in (m.anchor, m.end_anchor) if a])
    start = index_start(book, layout)
    source, fetcher = styles.weasyprint_html(index_html(book, styles, refs, int(layout.labels[start])))
    logging.getLogger("weasyprint").debug("laying out the index")
    profiles: dict[str, Any] = {}
    document = source.render(
        stylesheets=[page_css(book, variant, profiles)],
        font_config=fonts,
        pdf_tags=variant == "accessible",
        color_profiles=profiles,
    )
    return document, tuple(fetcher.refused)
