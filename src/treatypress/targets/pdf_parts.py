"""Both cores for the PDF (issue 12): lay the book out in parts at once, then join them.

WeasyPrint lays one document out in one process, so the book is cut at chapter openings (every
chapter starts on a right-hand page, so a cut changes no page's side) into parts that worker
processes lay out, check and write at the same time:

* **pass 1**, in parallel: the front part (half-title to the front chapters, with the contents)
  and the body parts. A body part's layout does not depend on where it starts, except for its
  folios: the first body part starts at arabic 1 by itself, and the later ones are laid out
  without folios. A part that ends on a right-hand page gets the blank verso WeasyPrint would
  have inserted, from a sentinel copy of the next part's opening that is then dropped.
* **pass 2**, in parallel, once the page counts are known: the front part again with the real
  contents numbers (they sit in a fixed gutter, so the front part's pages cannot change; this is
  checked), the index with the real locators, and for each later body part a page of folios per
  page, set by WeasyPrint with the book's own ``@page`` rules.
* **join** (``pdf/join.py``): pages, folio overlays, named destinations, the links between
  parts, the outline, the page labels and, for the tagged (accessible) variant, one structure
  tree; for the press variant, ``pdf/press.py`` then finishes the joined PDF as it finishes a
  one-process one (marks, boxes, output intent, no links).

What makes the joined PDF equal to a one-process layout is checked by the tests against one
(folios, running heads, contents, index, links, outline, labels, the structure tree, the press
boxes and output intent). Cases it cannot prove equal are laid out in one process: a book whose
own styles replace the print layout or CSS or number pages themselves, and a book with fewer
than two body chapters; a join that meets a structure tree it cannot merge also falls back.
"""

from __future__ import annotations

import multiprocessing
import os
import re
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from html import escape
from typing import Any

from ..cache import Cache
from ..config import SETTINGS_FILE
from ..diagnostics import Diagnostic, Location, error, has_errors, warning
from ..pagelist import PageStart, PrintPages
from ..pdf.footnotes import layout_patch_warnings
from ..pdf.join import JoinError, JoinPart, join
from ..pdf.pagelabels import LabelRange
from ..pdf.pagemap import PageMap
from ..pdf.parts import Bookmark, PartLayout, PartSpec, lay_out_part
from ..pdf.tagging import GAP, gap_warning
from ..pdf.typography import TypographyProblem
from ..resolve import ResolvedBook
from ..resolve.model import note_location
from ..styles import Styles
from . import Artifact
from .pdf import (
    TYPOGRAPHY_HINTS,
    VARIANTS,
    PrintSource,
    _folio,  # the folio a one-process layout prints on a page
    finished_pdf,
    index_html,
    page_rules,
    print_html,
    print_source,
    stylesheets,
)

#: Below this much Markdown (about 15 A5 pages of the default styles) one process is as fast:
#: starting the workers, the second contents layout and the join cost about what a second core
#: saves. Measured on an idle 2-core machine, 2026-12-02: the 20,000-character test book 3.2 s in
#: one process, 2.8-3.0 s in two; the 46,000-character default book 8.4 s, 5.6 s in two.
PARALLEL_MIN_CHARS = 30_000

#: About 55 A5 pages of Markdown: a part of a long book.
PART_CHARS = 100_000

_FOLIO_OFF = (
    "@page :left { @bottom-left { content: none !important; } } "
    "@page :right { @bottom-right { content: none !important; } }"
)
# WeasyPrint gives stylesheets passed to render() the user origin: !important to win over the book's
_TOC_NUMBERS = "nav.toc li[data-page]::after { content: attr(data-page) !important; }"
_CHAPTER_OPENING = re.compile(r'<section class="(chapter [^"]*)"')


@dataclass(frozen=True)
class PartsBuild:
    """The PDF made in parts, and where everything landed (for the EPUB)."""

    artifact: Artifact | None
    problems: tuple[Diagnostic, ...]
    page_map: PageMap
    print_pages: PrintPages | None  # where the joined PDF's pages begin, for the screen editions
    pages: int
    parts: int  # body parts
    laid_out: int  # WeasyPrint layouts made (parts, contents, index, folio pages)
    pages_laid_out: int  # pages WeasyPrint laid out in this build (not the cached parts, nor folio pages)
    reused: int  # layouts taken from the build cache instead


def unsafe_reason(book: ResolvedBook, variant: str) -> str | None:
    """Why this book must be laid out in one process, or None if parts give the same PDF."""
    styles = Styles(book.config.root)
    for name in ("layouts/print.html.j2", "layouts/print-index.html.j2", "css/print.css"):
        if styles.optional(name):
            return f"the book's own styles/{name} may number pages in ways a part cannot know"
    extra = styles.optional("css/book.css")
    if extra and re.search(r"counter\(\s*pages?\b|target-(counter|text)", extra.read_text(encoding="utf-8")):
        return "styles/css/book.css refers to page numbers"
    if sum(1 for chapter in book.chapters if chapter.kind == "body") < 2:
        return "fewer than two body chapters"
    return None


def auto_jobs(book: ResolvedBook) -> int:
    """Workers for this book: one for a short book, else every core this process may use."""
    size = sum(len(chapter.parsed.source.text) for chapter in book.chapters)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return 1 if size < PARALLEL_MIN_CHARS else min(cores, 4)


def build_in_parts(book: ResolvedBook, variant: str, jobs: int, cache: Cache | None = None) -> PartsBuild:
    styles = Styles(book.config.root)
    printed = print_source(book)
    groups = _split(printed, _part_count(book, jobs))
    page = page_rules(book, variant)
    identifier = book.config.identifier.encode()
    pdf_variant = VARIANTS[variant]
    front_chapters = [c for c in printed.chapters if c["kind"] == "front"]

    def front_spec(numbers: dict[str, str] | None) -> PartSpec:
        """The front matter, its contents page without numbers (first pass) or with them."""
        html = _front_html(book, styles, printed, front_chapters, groups[0][0], numbers)
        return PartSpec(
            html,
            (page, _TOC_NUMBERS),
            book.config.root,
            _notes(book, front_chapters),
            _calls(book, front_chapters),
            1,
            pdf_variant,
            identifier,
        )

    specs = [front_spec(None)]
    for number, group in enumerate(groups):
        last = number == len(groups) - 1
        html = _body_html(book, styles, printed, group, last, None if last else groups[number + 1][0])
        specs.append(
            PartSpec(
                html,
                (page,) if number == 0 else (page, _FOLIO_OFF),
                book.config.root,
                _notes(book, group),
                _calls(book, group),
                0 if last else 1,
                pdf_variant,
                identifier,
            )
        )
    with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork")) as pool:
        layouts = _Layouts(pool, cache or Cache(None))
        # the biggest parts first, so the small front part fills in behind them
        order = sorted(range(len(specs)), key=lambda i: -len(specs[i].html))
        futures = {i: layouts.submit(specs[i]) for i in order}
        first = [futures[i].result() for i in range(len(specs))]
        front, body = first[0], first[1:]
        starts = [front.pages]
        for part in body[:-1]:
            starts.append(starts[-1] + part.pages)
        body_start = starts[0]
        anchors: dict[str, int] = {}
        for part, start in zip(first, [0, *starts], strict=True):
            for name, index in part.anchors.items():
                anchors.setdefault(name, start + index)
        total = starts[-1] + body[-1].pages
        labels = tuple(_folio(i, body_start) for i in range(total))
        page_map = PageMap(labels, anchors, body_start)
        numbers = {
            entry["id"]: labels[anchors[f"section-{entry['id']}"]]
            for entry in printed.toc
            if entry["kind"] != "front" and f"section-{entry['id']}" in anchors
        }
        numbers.update(
            {
                entry["id"]: labels[anchors[entry["id"]]]
                for entry in printed.toc
                if entry["id"] in anchors and entry["id"] not in numbers and entry["kind"] != "front"
            }
        )
        second: dict[str, Any] = {}
        second["front"] = layouts.submit(front_spec(numbers))
        indexes = [ix for ix in book.indexes if ix.groups]
        index_start = min(anchors[f"index-{ix.name}"] for ix in indexes) if indexes else total
        if indexes:
            refs = page_map.refs([a for m in book.marks for a in (m.anchor, m.end_anchor) if a])
            html = index_html(book, styles, refs, int(labels[index_start]))
            second["index"] = layouts.submit(
                PartSpec(html, (page,), book.config.root, (), (), 0, pdf_variant, identifier)
            )
        kept = [part.pages for part in body]
        kept[-1] = index_start - starts[-1]
        for number in range(1, len(body)):
            html = _folio_html(book, styles, body[number].blank[: kept[number]], starts[number] - body_start + 1)
            second[f"folios-{number}"] = layouts.submit(
                PartSpec(html, (page,), book.config.root, (), (), 0, None, identifier), book_pages=False
            )
        done = {name: future.result() for name, future in second.items()}
    front_again: PartLayout = done["front"]
    placed = [(front_again, 0), *zip(body, starts, strict=True)]
    if indexes:
        placed.append((done["index"], index_start))
    problems = _problems(
        book, placed, labels, index_start, done["index"].pages if indexes else 0, tagged=variant == "accessible"
    )
    if front_again.pages != front.pages or front_again.anchors != front.anchors:
        raise PartsDiffer("the contents page changed length once its numbers were known")
    if has_errors(problems):
        return PartsBuild(
            None, problems, page_map, None, total, len(body), layouts.laid_out, layouts.pages(), layouts.reused
        )
    join_parts = [JoinPart(front_again.pdf, front_again.pages, None, front_again.links)]
    for number, part in enumerate(body):
        overlay = done[f"folios-{number}"].pdf if number else None
        join_parts.append(JoinPart(part.pdf, kept[number], overlay, part.links))
    outline = list(_shift(front_again.bookmarks, 0, front_again.pages))
    for part, start, count in zip(body, starts, kept, strict=True):
        outline.extend(_shift(part.bookmarks, start, count))
    pages = index_start
    if indexes:
        index = done["index"]
        join_parts.append(JoinPart(index.pdf, index.pages, None, index.links))
        outline.extend(_shift(index.bookmarks, index_start, index.pages))
        pages += index.pages
    folios = list(labels[:index_start])
    if indexes:
        folios += [str(int(labels[index_start]) + i) for i in range(done["index"].pages)]
    starts_in_book = _print_pages(
        [
            (front_again, front_again.pages),
            *zip(body, kept, strict=True),
            *([(done["index"], done["index"].pages)] if indexes else []),
        ],
        folios,
    )
    ranges = [LabelRange(0, "r", 1), LabelRange(body_start, "D", 1)]
    try:
        data = join(join_parts, outline, ranges)  # parts start at chapter openings: their bookmarks follow on
    except JoinError as failed:
        raise PartsDiffer(str(failed)) from failed
    return PartsBuild(
        finished_pdf(book, variant, data),  # every part has the output intent; the marks are the whole PDF's
        problems,
        page_map,
        starts_in_book,
        pages,
        len(body),
        layouts.laid_out,
        layouts.pages(),
        layouts.reused,
    )


class _Layouts:
    """Hands specs to the worker pool, unless the build cache already holds their layout."""

    def __init__(self, pool: ProcessPoolExecutor, cache: Cache) -> None:
        self.pool = pool
        self.cache = cache
        self.laid_out = 0  # parts actually laid out (the rest came from the cache)
        self.reused = 0
        self.made: list[Future[PartLayout]] = []  # the layouts made in this build

    def submit(self, spec: PartSpec, book_pages: bool = True) -> Future[PartLayout]:
        """``book_pages``: the part lays out pages of the book (not the folio pages drawn over them)."""
        key = self.cache.key("part", spec)
        cached = self.cache.get("parts", key)
        if isinstance(cached, PartLayout):
            self.reused += 1
            done: Future[PartLayout] = Future()
            done.set_result(cached)
            return done
        self.laid_out += 1
        future = self.pool.submit(lay_out_part, spec)
        if book_pages:
            self.made.append(future)
        future.add_done_callback(lambda made: self._store(key, made))
        return future

    def pages(self) -> int:
        return sum(future.result().pages_laid_out for future in self.made)

    def _store(self, key: str, made: Future[PartLayout]) -> None:
        if made.exception() is None:
            layout = made.result()
            self.cache.put("parts", key, layout, layout.inputs)


class PartsDiffer(Exception):
    """A part came out differently from what the plan assumed: lay the book out in one process."""


def _part_count(book: ResolvedBook, jobs: int) -> int:
    """At least one body part per worker; more for a long book, so that a rebuild after an edit
    lays out again only the part that changed (the others come from the build cache)."""
    size = sum(len(chapter.parsed.source.text) for chapter in book.chapters)
    return max(jobs, round(size / PART_CHARS))


def _notes(book: ResolvedBook, chapters: Sequence[dict[str, Any]]) -> tuple[str, ...]:
    wanted = {c["id"] for c in chapters}
    return tuple(note.id for chapter in book.chapters if chapter.id in wanted for note in chapter.notes)


def _calls(book: ResolvedBook, chapters: Sequence[dict[str, Any]]) -> tuple[tuple[str, str], ...]:
    wanted = {c["id"] for c in chapters}
    return tuple((note.id, note.ref_id) for chapter in book.chapters if chapter.id in wanted for note in chapter.notes)


def _split(printed: PrintSource, jobs: int) -> list[list[dict[str, Any]]]:
    """The body and back chapters in ``jobs`` runs of about equal size (bibliography in the last)."""
    chapters = [c for c in printed.chapters if c["kind"] != "front"]
    sizes = [len(c["body"]) for c in chapters]
    total = sum(sizes)
    groups: list[list[dict[str, Any]]] = [[]]
    done = 0
    for chapter, size in zip(chapters, sizes, strict=True):
        target = total * len(groups) / jobs
        if groups[-1] and len(groups) < jobs and done + size / 2 > target:
            groups.append([])
        groups[-1].append(chapter)
        done += size
    return groups


def _front_html(
    book: ResolvedBook,
    styles: Styles,
    printed: PrintSource,
    chapters: list[dict[str, Any]],
    next_opening: dict[str, Any],
    numbers: dict[str, str] | None,
) -> str:
    """Half-title to the last front chapter; contents numbers outside it as literal text
    (placeholders in pass 1: they sit in a fixed gutter and change no line)."""
    html = print_html(book, styles, printed, chapters, bibliography=False, placeholders=False)
    for entry in printed.toc:
        if entry["kind"] != "front":
            number = (numbers or {}).get(entry["id"], "0")
            html = html.replace(
                f'data-ref="#{escape(entry["id"])}"',
                f'data-ref="#{escape(entry["id"])}" data-page="{escape(number)}"',
                1,
            )
    return _with_sentinel(html, next_opening)


def _body_html(
    book: ResolvedBook,
    styles: Styles,
    printed: PrintSource,
    chapters: list[dict[str, Any]],
    last: bool,
    next_opening: dict[str, Any] | None,
) -> str:
    html = print_html(book, styles, printed, chapters, bibliography=last, placeholders=last)
    start = html.index('<section class="half-title"')
    end = html.index("</nav>", start) + len("</nav>")
    html = html[:start] + html[end:]
    return html if next_opening is None else _with_sentinel(html, next_opening)


def _with_sentinel(html: str, opening: dict[str, Any]) -> str:
    """End the part with an empty copy of the next part's opening section: WeasyPrint then adds
    the blank verso the whole book would have here; the sentinel's own page is dropped."""
    classes = f"chapter {opening['kind']}" + (" first-body" if opening["first_body"] else "")
    cut = html.rindex("</body>")
    # A line of text: the page checks exempt the document's last page with text, which in the
    # whole book is not the end of this part
    return html[:cut] + f'<section class="{classes}"><p>&#8203;</p></section>\n' + html[cut:]


def _folio_html(book: ResolvedBook, styles: Styles, blank: Sequence[bool], first: int) -> str:
    """One empty page per page of a body part, so WeasyPrint sets its folios with the book's own
    ``@page`` rules; blank pages get none. Nothing else is drawn: no running head strings are set."""
    pages = "".join(f'<div class="{"b" if is_blank else "f"}"></div>' for is_blank in blank)
    sheets = "".join(f'<link rel="stylesheet" href="{escape(url)}"/>' for url in stylesheets(styles))
    return (
        f'<!DOCTYPE html><html lang="{escape(book.config.book.language)}"><head><meta charset="utf-8"/>'
        f"{sheets}<style>@page :first {{ counter-reset: page {first}; }} div.f {{ page: chapter; }} "
        "div.b { page: cover; } div + div { break-before: page; }</style></head>"
        f"<body>{pages}</body></html>"
    )


def _shift(marks: Sequence[Bookmark], start: int, kept: int) -> list[Bookmark]:
    return [
        Bookmark(m.label, start + m.page, m.x, m.y, tuple(_shift(m.children, start, kept)), m.open)
        for m in marks
        if m.page < kept
    ]


def _print_pages(parts: Sequence[tuple[PartLayout, int]], folios: Sequence[str]) -> PrintPages:
    """Where each page of the joined PDF begins, as ``pagelist.page_starts`` reads a one-process
    layout: a blank verso at a part's end begins where the next part does (in the part it took
    the start of the dropped sentinel, which stands for that)."""
    entries: list[tuple[str, int, str] | None] = []
    for part, kept in parts:
        own: list[tuple[str, int, str] | None] = list(part.starts[:kept])
        sentinel = part.starts[-1] if len(part.starts) > kept else None
        for number in range(len(own) - 1, -1, -1):
            if sentinel is None or own[number] != sentinel:
                break
            own[number] = None  # filled below, from the next part's first page
        entries.extend(own)
    filled: list[PageStart] = []
    following: tuple[str, int, str] | None = None
    for folio, entry in reversed(list(zip(folios, entries, strict=True))):
        following = entry or following
        assert following is not None
        filled.append(PageStart(folio, *following))
    return PrintPages(tuple(reversed(filled)))


def _in_book(found: TypographyProblem, start: int) -> TypographyProblem:
    """A part's finding with the page it has in the whole book (the part numbers its pages from 1,
    so that its cached layout does not depend on where it starts; the messages say "page N")."""
    page = found.page + start
    return replace(found, page=page, message=re.sub(rf"\bpage {found.page}\b", f"page {page}", found.message))


def _problems(
    book: ResolvedBook,
    placed: Sequence[tuple[PartLayout, int]],
    labels: Sequence[str],
    index_start: int,
    index_pages: int,
    tagged: bool,
) -> tuple[Diagnostic, ...]:
    """What ``build_pdf`` reports for a one-process layout, gathered from the parts (each with
    the physical index of its first page in the book)."""
    parts = [part for part, _ in placed]
    found: list[Diagnostic] = [refusal for part in parts for refusal in part.refused]
    notes = {note.id: note for chapter in book.chapters for note in chapter.notes}
    for part in parts:
        for problem in part.footnote_problems:
            found.append(
                error(
                    "footnote-misplaced",
                    problem.message,
                    note_location(notes, problem.note_id, SETTINGS_FILE),
                    "shorten the note or rephrase the paragraph around its call",
                )
            )
    found = list(dict.fromkeys(found))  # every part asks for the same files: once
    if found:
        return tuple(found)
    folios = list(labels[:index_start])
    if index_pages:
        folios += [str(int(labels[index_start]) + i) for i in range(index_pages)]
    typography = sorted(
        (_in_book(typo, start) for part, start in placed for typo in part.typography), key=lambda typo: typo.page
    )
    for typo in typography:
        where = Location(typo.source, typo.line) if typo.source else None
        found.append(
            warning(
                f"typography-{typo.kind}",
                f"{typo.message} (folio {folios[typo.page - 1]})",
                where,
                TYPOGRAPHY_HINTS[typo.kind],
            )
        )
    if tagged and GAP is not None:  # the workers' tags lack the same as a one-process build's
        found.append(gap_warning(GAP))
    found.extend(layout_patch_warnings())  # the parts' layouts ran with or without the workaround alike
    return tuple(found)
