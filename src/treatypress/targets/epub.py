"""The EPUB 3: one XHTML file per chapter, nav with contents and landmarks, notes as asides,
the index with links to the exact place of each mark (labelled with the printed page).

With the print layout of the same run it also carries the print edition's pages: a page-break
marker where each PDF page begins and a ``page-list`` nav. Without one, neither (and the index
is labelled with section titles). Fonts are cut down to the characters the book uses; the cover
is the author's image or one drawn from the title page.
"""

from __future__ import annotations

import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from markupsafe import Markup

from ..config import BookConfig
from ..index import PageRef, render_linked
from ..pagelist import PageStart, PrintPages, insert_markers, marker
from ..pdf.pagemap import PageMap, page_refs
from ..render import book_context, environment, render, render_chapters
from ..resolve import ResolvedBook
from ..styles import Styles
from . import Artifact
from .archive import EPUB_MIMETYPE, reproducible_zip
from .base import Built, PrintUse, Target, Work
from .cover import make_cover
from .fontsubset import subset_font, used_characters
from .links import live_links

CONTAINER = """<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>
"""
MEDIA_TYPES = {
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".css": "text/css",
    ".xhtml": "application/xhtml+xml",
}
MATTER = {"front": "frontmatter", "body": "bodymatter", "back": "backmatter"}


class EpubTarget(Target):
    name: ClassVar[str] = "epub"

    def print_use(self, config: BookConfig) -> PrintUse:
        # [epub] print_page_numbers: the index's locators and the page list follow the print
        # edition when the build makes it (auto), always (always), or never (never)
        return {"auto": PrintUse.IF_MADE, "always": PrintUse.REQUIRED}.get(
            config.epub.print_page_numbers, PrintUse.NONE
        )

    def build(self, work: Work) -> Built:
        edition = work.print_edition
        with work.stages.stage(self.name):
            artifact = build_epub(
                work.book, edition.page_map if edition else None, edition.print_pages if edition else None
            )
        return Built((artifact,), ())


@dataclass(frozen=True)
class ManifestItem:
    id: str
    href: str  # relative to OEBPS/
    media_type: str
    properties: str = ""


def build_epub(book: ResolvedBook, layout: PageMap | None, pages: PrintPages | None = None) -> Artifact:
    """``layout``: where the PDF's body put everything, if it was laid out in this run (index
    locators get printed page numbers); ``pages``: where the final PDF's pages begin (page-break
    markers and a page list)."""
    styles = Styles(book.config.root)
    env = environment(styles)
    starts = pages.starts if pages else ()
    placed: list[tuple[str, str]] = []  # (file, label) of each marker written, in page order

    def marks(part: str, html: str, file: str) -> str:
        mine = [s for s in starts if s.part == part]
        placed.extend((file, s.label) for s in mine)
        return insert_markers(html, mine, xhtml=True)

    context = book_context(book) | _metadata(book, pages)
    files: dict[str, bytes] = {}
    images: dict[Path, str] = {}

    def asset_url(path: Path) -> str:
        name = images.setdefault(path, f"images/{len(images) + 1:03d}-{path.name}")
        return f"../{name}"

    def href(anchor: str) -> str:
        chapter = book.anchor_chapter.get(anchor)
        return f"{book.chapters[chapter].id}.xhtml#{anchor}" if chapter is not None else f"#{anchor}"

    chapters = render_chapters(book, "epub", asset_url, href)
    cover = make_cover(book.config.book, book.config.root, styles.fonts())
    files[f"OEBPS/images/{cover.name}"] = cover.data
    files["OEBPS/text/cover.xhtml"] = render(env, "epub/cover.xhtml.j2", **context, cover=cover).encode()
    spine: list[str] = ["cover.xhtml", "titlepage.xhtml", "nav.xhtml"]
    title_marks = [s for s in starts if s.part == "titlepage"]
    imprint_marks = [s for s in starts if s.part == "imprint"]
    placed.extend(("titlepage.xhtml", s.label) for s in title_marks + imprint_marks)
    title_html = render(
        env,
        "epub/titlepage.html.j2",
        **context,
        title_marks=_markers(title_marks),
        imprint_marks=_markers(imprint_marks),
    )
    files["OEBPS/text/titlepage.xhtml"] = _page(env, context, "Title page", "frontmatter", title_html)
    contents_marks = [s for s in starts if s.part == "contents"]
    placed.extend(("nav.xhtml", s.label) for s in contents_marks)
    for rendered in chapters:
        chapter = rendered.chapter
        body = marks(chapter.id, live_links(_local_links(rendered.html.body, rendered.file)), rendered.file)
        notes = [(note, Markup(live_links(_local_links(html, rendered.file)))) for note, html in rendered.html.notes]
        heading = next((h.id for h in chapter.headings if h.level == 1), "")
        files[f"OEBPS/text/{rendered.file}"] = (
            render(
                env,
                "epub/chapter.xhtml.j2",
                lang=chapter.lang,
                title=chapter.title,
                id=chapter.id,
                matter=MATTER[chapter.kind],
                section_type="chapter" if chapter.kind == "body" else "",
                role="doc-chapter" if chapter.kind == "body" else "",
                heading=heading,
                body=Markup(body),
                notes=notes,
            )
            .replace(' epub:type=""', "")
            .replace(' role=""', "")
            .encode()
        )
        spine.append(rendered.file)
    toc = [
        {
            "href": f"{c.chapter.id}.xhtml",
            "title": c.chapter.title,
            "children": [
                {"href": f"{c.chapter.id}.xhtml#{h.id}", "title": h.text} for h in c.chapter.headings if h.level == 2
            ],
        }
        for c in chapters
    ]
    landmarks = [{"type": "toc", "href": "nav.xhtml#toc", "title": "Contents"}]
    first_body = next((c for c in chapters if c.chapter.kind == "body"), None)
    if first_body:
        landmarks.append({"type": "bodymatter", "href": first_body.file, "title": "Start of text"})
    if book.bibliography:
        bib = marks(
            "bibliography", live_links(render(env, "epub/bibliography.html.j2", **context)), "bibliography.xhtml"
        )
        files["OEBPS/text/bibliography.xhtml"] = _page(env, context, book.bibliography_title, "backmatter", bib)
        spine.append("bibliography.xhtml")
        toc.append({"href": "bibliography.xhtml", "title": book.bibliography_title, "children": []})
        landmarks.append({"type": "bibliography", "href": "bibliography.xhtml", "title": book.bibliography_title})
    refs: dict[str, PageRef] | None = None
    if layout is not None:
        refs = page_refs(layout, [a for m in book.marks for a in (m.anchor, m.end_anchor) if a])
    for index in book.indexes:
        if not index.groups:
            continue
        name = f"index-{index.name}.xhtml"
        html = Markup(marks(f"index-{index.name}", render_linked(index, refs, href), name))
        files[f"OEBPS/text/{name}"] = _page(env, context, index.title, "backmatter", html)
        spine.append(name)
        toc.append({"href": name, "title": index.title, "children": []})
        landmarks.append({"type": "index", "href": name, "title": index.title})
    landmarks.insert(0, {"type": "cover", "href": "cover.xhtml", "title": "Cover"})
    page_list = [{"href": f"{file}#page-{label}", "label": label} for file, label in _in_page_order(placed, starts)]
    nav = render(
        env,
        "epub/nav.xhtml.j2",
        **context,
        toc=toc,
        landmarks=landmarks,
        page_list=page_list,
        contents_marks=_markers(contents_marks),
    )
    files["OEBPS/text/nav.xhtml"] = nav.encode()
    files["OEBPS/css/epub.css"] = _css(styles)
    characters = used_characters(data.decode() for name, data in files.items() if name.endswith(".xhtml"))
    for font in styles.fonts():
        files[f"OEBPS/fonts/{font.name}"] = subset_font(font, characters)
    for path, name in images.items():
        files[f"OEBPS/{name}"] = path.read_bytes()
    manifest = _manifest(files, cover=f"images/{cover.name}")
    spine_ids = [_item_id(f"text/{name}") for name in spine]
    opf = render(env, "epub/package.opf.j2", **context, manifest=manifest, spine=spine_ids)
    files["OEBPS/content.opf"] = opf.encode()
    files["META-INF/container.xml"] = CONTAINER.encode()
    return Artifact(f"{book.config.slug}.epub", reproducible_zip(files, first=("mimetype", EPUB_MIMETYPE)))


def _metadata(book: ResolvedBook, pages: PrintPages | None) -> dict[str, object]:
    """What the package document says beyond the title page: the date and the print pages."""
    settings = book.config.book
    year = re.search(r"\b\d{4}(-\d{2}(-\d{2})?)?\b", settings.date)
    source = f"{settings.title}, print edition"
    if settings.isbn:
        from ..isbn import isbn_digits

        source = f"urn:isbn:{isbn_digits(settings.isbn)}"
    return {"dc_date": year.group() if year else "", "print_pages": bool(pages and pages.starts), "page_source": source}


def _markers(starts: list[PageStart]) -> Markup:
    return Markup("".join(marker(s.label, xhtml=True) for s in starts))


def _in_page_order(placed: list[tuple[str, str]], starts: tuple[PageStart, ...]) -> list[tuple[str, str]]:
    """The markers written, in the order of the printed pages (the page list's order)."""
    where = {label: file for file, label in placed}
    return [(where[s.label], s.label) for s in starts if s.label in where]


def _page(env: object, context: dict[str, object], title: str, matter: str, body: str) -> bytes:
    from jinja2 import Environment

    assert isinstance(env, Environment)
    return render(env, "epub/page.xhtml.j2", **context, title=title, matter=matter, body=Markup(body)).encode()


def _local_links(html: str, own_file: str) -> str:
    """Citations link to the bibliography file; links into the same file stay fragments."""
    html = html.replace('href="#ref-', 'href="bibliography.xhtml#ref-')
    return html.replace(f'href="{own_file}#', 'href="#')


def _css(styles: Styles) -> bytes:
    fonts = styles.path("css/fonts.css").read_text(encoding="utf-8")
    parts = [fonts, styles.path("css/epub.css").read_text(encoding="utf-8")]
    extra = styles.optional("css/book-epub.css")
    if extra:
        parts.append(extra.read_text(encoding="utf-8"))
    return "\n".join(parts).encode()


def _item_id(href: str) -> str:
    return "x-" + re.sub(r"[^A-Za-z0-9_.-]", "-", href)


def _manifest(files: dict[str, bytes], cover: str) -> list[ManifestItem]:
    items = []
    for name in sorted(files):
        href = name.removeprefix("OEBPS/")
        suffix = Path(href).suffix.lower()
        media = MEDIA_TYPES.get(suffix) or mimetypes.guess_type(href)[0] or "application/octet-stream"
        properties = ["nav"] if href == "text/nav.xhtml" else ["cover-image"] if href == cover else []
        if suffix == ".xhtml" and b"<svg" in files[name]:
            properties.append("svg")
        items.append(ManifestItem(_item_id(href), href, media, " ".join(properties)))
    return items
