"""Handouts: each ``manuscript/handouts/*.md`` becomes a stand-alone A4 (or Letter) PDF.

A handout is resolved on its own, so its first citation of a work is a full note even if the
book cited the work before; its front matter ``pages`` is a hard limit, checked on the real
layout.
"""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO
from pathlib import Path

import weasyprint
from markupsafe import Markup
from weasyprint.text.fonts import FontConfiguration

from ..config import BookConfig
from ..diagnostics import Diagnostic, Location, error, has_errors
from ..manuscript import ChapterSource
from ..markdown import parse_chapter
from ..pdf.footnotes import render_with_footnote_repair
from ..pdf.tagging import richer_tags
from ..render import book_context, environment, render, render_chapters
from ..resolve import resolve
from ..styles import Styles
from . import Artifact

PAPER = {"A4": "210mm 297mm", "Letter": "8.5in 11in"}


def build_handouts(config: BookConfig, sources: Sequence[ChapterSource], fonts: FontConfiguration | None = None
                   ) -> tuple[list[Artifact], tuple[Diagnostic, ...]]:
    """``fonts``: the book's font set-up, so the fonts the book loaded are not loaded again."""
    artifacts: list[Artifact] = []
    problems: list[Diagnostic] = []
    fonts = fonts or FontConfiguration()
    for source in sources:
        artifact, found = _handout(config, source, fonts)
        problems.extend(found)
        if artifact:
            artifacts.append(artifact)
    return artifacts, tuple(problems)


def _handout(config: BookConfig, source: ChapterSource, fonts: FontConfiguration
             ) -> tuple[Artifact | None, tuple[Diagnostic, ...]]:
    book, problems = resolve(config, [parse_chapter(source, config.book.language)])
    problems = _own_problems(problems, config.citations.bibliography)
    if book is None or has_errors(problems):
        return None, problems
    styles = Styles(config.root)
    (chapter,) = render_chapters(book, "print", lambda path: path.as_uri(), lambda anchor: f"#{anchor}")
    paper = str(source.meta.get("paper") or config.handouts.paper)
    if paper not in PAPER:
        return None, (*problems, error("handout-paper", f"paper '{paper}' is not A4 or Letter", Location(source.rel, 2)))
    sheets = styles.urls(["css/fonts.css", "css/handout.css", "css/footnotes.css"])
    html = render(environment(styles), "handout.html.j2", **book_context(book), stylesheets=sheets,
                  title=chapter.chapter.title, lang=chapter.chapter.lang, body=Markup(chapter.html.body))
    document_source, fetcher = styles.weasyprint_html(html)
    result = render_with_footnote_repair(
        document_source, [weasyprint.CSS(string=f"@page {{ size: {PAPER[paper]}; }}")],
        expected=[note.id for note in chapter.chapter.notes], font_config=fonts, pdf_tags=True)
    document = result.document
    found: list[Diagnostic] = list(fetcher.refused)
    found.extend(error("footnote-misplaced", p.message, Location(source.rel)) for p in result.problems)
    limit = source.meta.get("pages")
    if isinstance(limit, int) and len(document.pages) > limit:
        overflow = _overflow(document, limit)
        found.append(error("handout-overflow", f"the handout takes {len(document.pages)} pages but its front "
                           f"matter allows {limit}; it overflows from {overflow!r}", Location(source.rel, 2),
                           "shorten the text or raise 'pages' in the front matter"))
    if found:
        return None, (*problems, *found)
    buffer = BytesIO()
    with richer_tags():
        document.write_pdf(buffer, pdf_variant="pdf/ua-1", pdf_identifier=f"{config.identifier}/{source.rel}".encode())
    return Artifact(f"handouts/{Path(source.rel).stem}.pdf", buffer.getvalue()), problems


def _own_problems(problems: tuple[Diagnostic, ...], bibliography: str) -> tuple[Diagnostic, ...]:
    """A handout reports what is wrong in it; the bibliography file's own problems (uncited
    entries, missing fields) and unlocated ones were already reported by the book."""
    return tuple(p for p in problems if p.code == "cite-unknown"
                 or (p.location is not None and p.location.path != bibliography))


def _overflow(document: weasyprint.Document, limit: int) -> str:
    """The first words set past the page limit, so the author knows where to cut."""
    words: list[str] = []

    def walk(box: object) -> None:
        text = getattr(box, "text", None)
        if isinstance(text, str) and text.strip():
            words.extend(text.split())
        for child in getattr(box, "children", ()) or ():
            if len(words) < 8:
                walk(child)

    walk(document.pages[limit]._page_box)
    return " ".join(words[:8])
