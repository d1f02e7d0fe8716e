"""The web edition: one HTML page with the book's fonts (cut down to the characters it uses),
notes after each chapter that pop up beside their call on wide screens, and the index.

Index locators are the printed page numbers when the PDF was laid out in the same run (with a
marker in the margin where each printed page begins); otherwise they are section numbers, and
each chapter and section heading shows its number ("§12") so a locator can be followed by eye.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from markupsafe import Markup

from ..config import BookConfig
from ..index import PageRef, render_linked
from ..pagelist import PageStart, PrintPages, insert_markers, marker
from ..pdf.pagemap import PageMap, page_refs
from ..render import book_context, environment, render, render_chapters
from ..resolve import Note, ResolvedBook
from ..styles import BUILTIN, Styles
from . import Artifact
from .base import Built, PrintUse, Target, Work
from .fontsubset import subset_font, used_characters
from .links import live_links

_EPUB_TYPE = re.compile(r' epub:type="[^"]*"')
_HEADING_OR_ID = re.compile(r'<h[12]\b[^>]*>|\bid="([^"]+)"')


class WebTarget(Target):
    name: ClassVar[str] = "html"

    def print_use(self, config: BookConfig) -> PrintUse:
        return PrintUse.IF_MADE  # printed pages in the index when the PDF is made, else § numbers

    def build(self, work: Work) -> Built:
        edition = work.print_edition
        with work.stages.stage(self.name):
            files = build_web(
                work.book, edition.page_map if edition else None, edition.print_pages if edition else None
            )
        return Built(tuple(files), ())


def build_web(book: ResolvedBook, layout: PageMap | None = None, pages: PrintPages | None = None) -> list[Artifact]:
    styles = Styles(book.config.root)
    env = environment(styles)
    slug = book.config.slug
    assets = f"{slug}-assets"
    images: dict[Path, str] = {}
    starts = pages.starts if pages else ()

    def asset_url(path: Path) -> str:
        return f"{assets}/" + images.setdefault(path, f"images/{len(images) + 1:03d}-{path.name}")

    def marks(part: str, html: str) -> str:
        return insert_markers(html, [s for s in starts if s.part == part], xhtml=False)

    chapters = render_chapters(book, "web", asset_url, lambda anchor: f"#{anchor}")
    bodies = [live_links(c.html.body) for c in chapters]
    anchors = [a for m in book.marks for a in (m.anchor, m.end_anchor) if a]
    if layout is not None:
        refs = page_refs(layout, anchors)
    else:
        bodies, refs = _section_numbers(bodies, set(anchors), [c.html.notes for c in chapters])
    bodies = [marks(c.chapter.id, body) for c, body in zip(chapters, bodies)]
    index_html = [
        Markup(marks(f"index-{ix.name}", _EPUB_TYPE.sub("", render_linked(ix, refs, lambda a: f"#{a}"))))
        for ix in book.indexes
        if ix.groups
    ]
    context = book_context(book)
    context["bibliography"] = [(key, Markup(live_links(html))) for key, html in context["bibliography"]]
    html = render(
        env,
        "web.html.j2",
        **context,
        assets=assets,
        index_html=index_html,
        front_marks=_markers([s for s in starts if s.part in ("titlepage", "imprint")]),
        contents_marks=_markers([s for s in starts if s.part == "contents"]),
        chapters=[
            {
                "id": c.chapter.id,
                "kind": c.chapter.kind,
                "lang": c.chapter.lang,
                "title": c.chapter.title,
                "body": Markup(body),
                "headings": [h for h in c.chapter.headings if h.level == 2],
                "notes": [(note, Markup(live_links(note_html))) for note, note_html in c.html.notes],
            }
            for c, body in zip(chapters, bodies)
        ],
    )
    if starts:  # the bibliography's markers go where its text is, like the chapters'
        html = _bibliography_marks(html, [s for s in starts if s.part == "bibliography"])
    artifacts = [Artifact(f"{slug}.html", html.encode())]
    css = styles.path("css/fonts.css").read_text(encoding="utf-8").replace("../fonts/", "fonts/")
    css += "\n" + styles.path("css/web.css").read_text(encoding="utf-8")
    extra = styles.optional("css/book.css")  # the book's own CSS applies to every edition
    if extra:
        css += "\n/* styles/css/book.css */\n" + extra.read_text(encoding="utf-8")
    artifacts.append(Artifact(f"{assets}/book.css", css.encode()))
    artifacts.append(Artifact(f"{assets}/notes.js", (BUILTIN / "js" / "notes.js").read_bytes()))
    characters = used_characters([html])
    artifacts.extend(Artifact(f"{assets}/fonts/{font.name}", subset_font(font, characters)) for font in styles.fonts())
    artifacts.extend(Artifact(f"{assets}/{name}", path.read_bytes()) for path, name in images.items())
    return artifacts


def _markers(starts: list[PageStart]) -> Markup:
    return Markup("".join(marker(s.label, xhtml=False) for s in starts))


def _bibliography_marks(html: str, starts: list[PageStart]) -> str:
    begin = html.find('<section class="chapter back bibliography"')
    end = html.find("</section>", begin)
    if begin < 0 or end < 0:
        return html
    return html[:begin] + insert_markers(html[begin:end], starts, xhtml=False) + html[end:]


def _section_numbers(
    bodies: list[str], anchors: set[str], notes: Sequence[Sequence[tuple[Note, str]]] = ()
) -> tuple[list[str], dict[str, PageRef]]:
    """Without a PDF: number the chapter and section headings in reading order (shown in each
    heading as "§n") and label each index mark with the number of the section it is in (a mark
    in a note: the section of the note's call)."""
    refs: dict[str, PageRef] = {}
    section_of: dict[str, int] = {}  # every id in the bodies -> its section
    number = 0
    out = []
    for body in bodies:

        def visit(match: re.Match[str]) -> str:
            nonlocal number
            if match[0].startswith("<h"):
                number += 1
                inner = re.search(r'\bid="([^"]+)"', match[0])
                if inner and inner[1] in anchors:
                    refs[inner[1]] = PageRef(number, f"§{number}")
                return f'{match[0]}<span class="section-number">§{number}</span> '
            section_of[match[1]] = max(number, 1)
            if match[1] in anchors:
                refs[match[1]] = PageRef(max(number, 1), f"§{max(number, 1)}")
            return match[0]

        out.append(_HEADING_OR_ID.sub(visit, body))
    for chapter_notes in notes:
        for note, html in chapter_notes:
            at = section_of.get(note.ref_id, 1)
            for found in re.finditer(r'\bid="([^"]+)"', html):
                if found[1] in anchors and found[1] not in refs:
                    refs[found[1]] = PageRef(at, f"§{at}")
    return out, refs
