"""The web edition: one page, working note links, contents, the book's fonts."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from conftest import Built


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.hrefs: list[str] = []
        self.sources: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        if tag == "a" and values.get("href"):
            self.hrefs.append(str(values["href"]))
        if tag in ("img", "link") and (values.get("src") or values.get("href")):
            self.sources.append(str(values.get("src") or values.get("href")))


def test_every_link_in_the_web_edition_resolves(small_book: Built) -> None:
    page = small_book.file(".html")
    parser = _Ids()
    parser.feed(page.read_text(encoding="utf-8"))
    internal = [h[1:] for h in parser.hrefs if h.startswith("#")]
    assert len(internal) > 40
    assert [h for h in internal if h not in parser.ids] == []
    for source in parser.sources:
        assert (page.parent / source).is_file(), source


def test_notes_contents_and_fonts(small_book: Built) -> None:
    page = small_book.file(".html")
    html = page.read_text(encoding="utf-8")
    assert html.count('role="doc-noteref"') == html.count('role="doc-footnote"') == 20
    assert re.search(r'<nav class="toc"[^>]*>.*Preface.*The First Chapter: Rivers', html, re.S)
    css = (page.parent / "small-book-assets/book.css").read_text(encoding="utf-8")
    fonts = re.findall(r"url\((fonts/[^)]+)\)", css)
    assert len(fonts) == 4
    for font in fonts:
        assert (page.parent / "small-book-assets" / font).is_file()
