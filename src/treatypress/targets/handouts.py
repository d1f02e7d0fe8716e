"""Handouts: each ``manuscript/handouts/*.md`` becomes a stand-alone A4 (or Letter) PDF.

A handout was resolved on its own in the resolve stage (``resolve/handouts.py``); here it is
laid out, and its front matter ``pages`` is a hard limit, checked on the real layout.

A4 is too wide for one column of comfortable reading (106 characters a line at 10 pt), so a
handout is set in two columns of about 55 characters, and its notes follow the text in the
same columns: on a one-page sheet they are as close as page footnotes would be. The notes are
therefore written as the screen targets write them (numbered, linked both ways), not as page
floats, which WeasyPrint 70 cannot set in columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO
from pathlib import Path
from typing import ClassVar

import weasyprint
from markupsafe import Markup
from weasyprint.text.fonts import FontConfiguration

from ..config import BookConfig
from ..diagnostics import Diagnostic, Location, error
from ..pdf.printtext import print_text
from ..pdf.tagging import richer_tags
from ..render import book_context, environment, render, render_chapters
from ..resolve.handouts import ResolvedHandout
from ..styles import Styles
from . import Artifact
from .base import Built, Target, Work

PAPER = {"A4": "210mm 297mm", "Letter": "8.5in 11in"}


class HandoutsTarget(Target):
    name: ClassVar[str] = "handouts"
    needs_handouts: ClassVar[bool] = True
    lays_out_pages: ClassVar[bool] = True

    def build(self, work: Work) -> Built:
        if not work.handouts:
            return Built((), ())  # no stage, no font set-up, for a book without handouts
        with work.stages.stage(self.name):
            sheets, found = build_handouts(work.config, work.handouts, work.fonts.get())
        return Built(tuple(sheets), found)


def build_handouts(
    config: BookConfig, handouts: Sequence[ResolvedHandout], fonts: FontConfiguration | None = None
) -> tuple[list[Artifact], tuple[Diagnostic, ...]]:
    """``fonts``: the book's font set-up, so the fonts the book loaded are not loaded again."""
    artifacts: list[Artifact] = []
    problems: list[Diagnostic] = []
    fonts = fonts or FontConfiguration()
    for handout in handouts:
        artifact, found = _handout(config, handout, fonts)
        problems.extend(found)
        if artifact:
            artifacts.append(artifact)
    return artifacts, tuple(dict.fromkeys(problems))  # a warning about WeasyPrint itself: once, not per handout


def _handout(
    config: BookConfig, handout: ResolvedHandout, fonts: FontConfiguration
) -> tuple[Artifact | None, tuple[Diagnostic, ...]]:
    book, paper = handout.book, handout.paper
    styles = Styles(config.root)
    (chapter,) = render_chapters(book, "web", lambda path: path.as_uri(), lambda anchor: f"#{anchor}")
    source = chapter.chapter.parsed.source
    sheets = styles.urls(["css/fonts.css", "css/handout.css"])
    html = render(
        environment(styles),
        "handout.html.j2",
        **book_context(book),
        stylesheets=sheets,
        title=chapter.chapter.title,
        lang=chapter.chapter.lang,
        body=Markup(chapter.html.body),
        notes=[(note, Markup(body)) for note, body in chapter.html.notes],
    )
    document_source, fetcher = styles.weasyprint_html(print_text(html))
    document = document_source.render(
        stylesheets=[weasyprint.CSS(string=f"@page {{ size: {PAPER[paper]}; }}")], font_config=fonts, pdf_tags=True
    )
    found: list[Diagnostic] = list(dict.fromkeys(fetcher.refused))
    limit = source.meta.get("pages")
    if isinstance(limit, int) and len(document.pages) > limit:
        overflow = _overflow(document, limit)
        found.append(
            error(
                "handout-overflow",
                f"the handout takes {len(document.pages)} pages but its front "
                f"matter allows {limit}; it overflows from {overflow!r}",
                Location(source.rel, 2),
                "shorten the text or raise 'pages' in the front matter",
            )
        )
    if found:
        return None, tuple(found)
    buffer = BytesIO()
    with richer_tags() as tag_gaps:
        document.write_pdf(buffer, pdf_variant="pdf/ua-1", pdf_identifier=f"{config.identifier}/{source.rel}".encode())
    return Artifact(f"handouts/{Path(source.rel).stem}.pdf", buffer.getvalue()), tag_gaps


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
