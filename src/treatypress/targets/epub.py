"""The EPUB 3: one XHTML file per chapter, nav with contents and landmarks, notes as asides,
the index with links to the exact place of each mark (labelled with the printed page)."""

from __future__ import annotations

import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from ..index import PageRef, render_linked
from ..pdf.pagemap import PageMap, page_refs
from ..render import book_context, environment, render, render_chapters
from ..resolve import ResolvedBook
from ..styles import Styles
from . import Artifact
from .archive import EPUB_MIMETYPE, reproducible_zip

CONTAINER = """<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>
"""
MEDIA_TYPES = {".ttf": "font/ttf", ".otf": "font/otf", ".woff": "font/woff", ".woff2": "font/woff2",
               ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
               ".gif": "image/gif", ".webp": "image/webp", ".css": "text/css",
               ".xhtml": "application/xhtml+xml"}
MATTER = {"front": "frontmatter", "body": "bodymatter", "back": "backmatter"}


@dataclass(frozen=True)
class ManifestItem:
    id: str
    href: str  # relative to OEBPS/
    media_type: str
    properties: str = ""


def build_epub(book: ResolvedBook, layout: PageMap | None) -> Artifact:
    styles = Styles(book.config.root)
    env = environment(styles)
    context = book_context(book)
    files: dict[str, bytes] = {}
    images: dict[Path, str] = {}

    def asset_url(path: Path) -> str:
        name = images.setdefault(path, f"images/{len(images) + 1:03d}-{path.name}")
        return f"../{name}"

    def href(anchor: str) -> str:
        chapter = book.anchor_chapter.get(anchor)
        return f"{book.chapters[chapter].id}.xhtml#{anchor}" if chapter is not None else f"#{anchor}"

    chapters = render_chapters(book, "epub", asset_url, href)
    spine: list[str] = ["titlepage.xhtml", "nav.xhtml"]
    title_html = render(env, "epub/titlepage.html.j2", **context)
    files["OEBPS/text/titlepage.xhtml"] = _page(env, context, "Title page", "frontmatter", title_html)
    for rendered in chapters:
        chapter = rendered.chapter
        body = _local_links(rendered.html.body, f"{chapter.id}.xhtml")
        notes = [(note, Markup(_local_links(html, f"{chapter.id}.xhtml"))) for note, html in rendered.html.notes]
        files[f"OEBPS/text/{rendered.file}"] = render(
            env, "epub/chapter.xhtml.j2", lang=chapter.lang, title=chapter.title, id=chapter.id,
            matter=MATTER[chapter.kind], section_type="chapter" if chapter.kind == "body" else "",
            role="doc-chapter" if chapter.kind == "body" else "region", body=Markup(body), notes=notes
        ).replace(' epub:type=""', "").encode()
        spine.append(rendered.file)
    toc = [{"href": f"{c.chapter.id}.xhtml", "title": c.chapter.title,
            "children": [{"href": f"{c.chapter.id}.xhtml#{h.id}", "title": h.text}
                         for h in c.chapter.headings if h.level == 2]} for c in chapters]
    landmarks = [{"type": "toc", "href": "nav.xhtml#toc", "title": "Contents"}]
    first_body = next((c for c in chapters if c.chapter.kind == "body"), None)
    if first_body:
        landmarks.append({"type": "bodymatter", "href": first_body.file, "title": "Start of text"})
    if book.bibliography:
        bib = render(env, "epub/bibliography.html.j2", **context)
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
        html = Markup(render_linked(index, refs, href))
        files[f"OEBPS/text/{name}"] = _page(env, context, index.title, "backmatter", html)
        spine.append(name)
        toc.append({"href": name, "title": index.title, "children": []})
        landmarks.append({"type": "index", "href": name, "title": index.title})
    nav = render(env, "epub/nav.xhtml.j2", **context, toc=toc, landmarks=landmarks)
    files["OEBPS/text/nav.xhtml"] = nav.encode()
    files["OEBPS/css/epub.css"] = _css(styles)
    for font in styles.fonts():
        files[f"OEBPS/fonts/{font.name}"] = font.read_bytes()
    for path, name in images.items():
        files[f"OEBPS/{name}"] = path.read_bytes()
    manifest = _manifest(files, index_files={f"text/index-{ix.name}.xhtml" for ix in book.indexes})
    spine_ids = [_item_id(f"text/{name}") for name in spine]
    opf = render(env, "epub/package.opf.j2", **context, manifest=manifest, spine=spine_ids)
    files["OEBPS/content.opf"] = opf.encode()
    files["META-INF/container.xml"] = CONTAINER.encode()
    return Artifact(f"{book.config.slug}.epub", reproducible_zip(files, first=("mimetype", EPUB_MIMETYPE)))


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


def _manifest(files: dict[str, bytes], index_files: set[str]) -> list[ManifestItem]:
    items = []
    for name in sorted(files):
        href = name.removeprefix("OEBPS/")
        suffix = Path(href).suffix.lower()
        media = MEDIA_TYPES.get(suffix) or mimetypes.guess_type(href)[0] or "application/octet-stream"
        properties = ["nav"] if href == "text/nav.xhtml" else []
        if suffix == ".xhtml" and b"<svg" in files[name]:
            properties.append("svg")
        items.append(ManifestItem(_item_id(href), href, media, " ".join(properties)))
    return items
