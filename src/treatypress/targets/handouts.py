"""Handouts: each ``manuscript/handouts/*.md`` becomes a stand-alone A4 (or Letter) PDF.

A handout was resolved on its own in the resolve stage (``resolve/handouts.py``); here it is
laid out, and its front matter ``pages`` is a hard limit, checked on the real layout.
"""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO
from pathlib import Path

import weasyprint
from markupsafe import Markup
from weasyprint.text.fonts import FontConfiguration

from ..config import BookConfig
from ..diagnostics import Diagnostic, Location, error
from ..pdf.footnotes import render_with_footnote_repair
from ..pdf.tagging import richer_tags
from ..render import book_context, environment, render, render_chapters
from ..resolve.handouts import ResolvedHandout
from ..resolve.model import note_location
from ..styles import Styles
from . import Artifact

PAPER = {"A4": "210mm 297mm", "Letter": "8.5in 11in"}


def build_handouts(config: BookConfig, handouts: Sequence[ResolvedHandout]
                   ) -> tuple[list[Artifact], tuple[Diagnostic, ...]]:
    artifacts: list[Artifact] = []
    problems: list[Diagnostic] = []
    fonts = FontConfiguration()
    for handout in handouts:
        artifact, found = _handout(config, handout, fonts)
        problems.extend(found)
        if artifact:
            artifacts.append(artifact)
    return artifacts, tuple(problems)


def _handout(config: BookConfig, handout: ResolvedHandout, fonts: FontConfiguration
             ) -> tuple[Artifact | None, tuple[Diagnostic, ...]]:
    book, paper = handout.book, handout.paper
    styles = Styles(config.root)
    (chapter,) = render_chapters(book, "print", lambda path: path.as_uri(), lambda anchor: f"#{anchor}")
    source = chapter.chapter.parsed.source
    sheets = styles.urls(["css/fonts.css", "css/handout.css", "css/footnotes.css"])
    html = render(environment(styles), "handout.html.j2", **book_context(book), stylesheets=sheets,
                  title=chapter.chapter.title, lang=chapter.chapter.lang, body=Markup(chapter.html.body))
    document_source, fetcher = styles.weasyprint_html(html)
    result = render_with_footnote_repair(
        document_source, [weasyprint.CSS(string=f"@page {{ size: {PAPER[paper]}; }}")],
        expected=[note.id for note in chapter.chapter.notes], font_config=fonts, pdf_tags=True)
    document = result.document
    found: list[Diagnostic] = list(dict.fromkeys(fetcher.refused))
    notes = {note.id: note for note in chapter.chapter.notes}
    found.extend(error("footnote-misplaced", p.message, note_location(notes, p.note_id, source.rel))
                 for p in result.problems)
    limit = source.meta.get("pages")
    if isinstance(limit, int) and len(document.pages) > limit:
        overflow = _overflow(document, limit)
        found.append(error("handout-overflow", f"the handout takes {len(document.pages)} pages but its front "
                           f"matter allows {limit}; it overflows from {overflow!r}", Location(source.rel, 2),
                           "shorten the text or raise 'pages' in the front matter"))
    if found:
        return None, tuple(found)
    buffer = BytesIO()
    with richer_tags():
        document.write_pdf(buffer, pdf_variant="pdf/ua-1", pdf_identifier=f"{config.identifier}/{source.rel}".encode())
    return Artifact(f"handouts/{Path(source.rel).stem}.pdf", buffer.getvalue()), ()


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
