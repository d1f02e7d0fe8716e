"""The web edition: one HTML page with the book's fonts, notes after each chapter, the index."""

from __future__ import annotations

import re
from pathlib import Path

from markupsafe import Markup

from ..index import render_linked
from ..render import book_context, environment, render, render_chapters
from ..resolve import ResolvedBook
from ..styles import Styles
from . import Artifact

_EPUB_TYPE = re.compile(r' epub:type="[^"]*"')


def build_web(book: ResolvedBook, page_labels: dict[str, object] | None = None) -> list[Artifact]:
    styles = Styles(book.config.root)
    env = environment(styles)
    slug = book.config.slug
    assets = f"{slug}-assets"
    images: dict[Path, str] = {}

    def asset_url(path: Path) -> str:
        return f"{assets}/" + images.setdefault(path, f"images/{len(images) + 1:03d}-{path.name}")

    chapters = render_chapters(book, "web", asset_url, lambda anchor: f"#{anchor}")
    index_html = [Markup(_EPUB_TYPE.sub("", render_linked(ix, None, lambda a: f"#{a}")))
                  for ix in book.indexes if ix.groups]
    html = render(env, "web.html.j2", **book_context(book), assets=assets, index_html=index_html,
                  chapters=[{"id": c.chapter.id, "kind": c.chapter.kind, "lang": c.chapter.lang,
                             "title": c.chapter.title, "body": Markup(c.html.body),
                             "headings": [h for h in c.chapter.headings if h.level == 2],
                             "notes": [(note, Markup(body)) for note, body in c.html.notes]} for c in chapters])
    artifacts = [Artifact(f"{slug}.html", html.encode())]
    css = styles.path("css/fonts.css").read_text(encoding="utf-8").replace("../fonts/", "fonts/")
    css += "\n" + styles.path("css/web.css").read_text(encoding="utf-8")
    artifacts.append(Artifact(f"{assets}/book.css", css.encode()))
    artifacts.extend(Artifact(f"{assets}/fonts/{font.name}", font.read_bytes()) for font in styles.fonts())
    artifacts.extend(Artifact(f"{assets}/{name}", path.read_bytes()) for path, name in images.items())
    return artifacts
