"""Live links in every edition: URLs and DOIs, and in the PDF note calls <-> notes and index
locators -> the pages of their marks."""

from __future__ import annotations

import re
import zipfile
from html import unescape
from urllib.parse import unquote

import pikepdf
from conftest import Built

from treatypress.targets.links import break_urls, link_urls

URL = re.compile(r"https?://[^\s<>\"]+[^\s<>\".,;:)]")


def _annotations(built: Built) -> list[tuple[int, str, str]]:
    """(page index, "uri" or "dest", target) for every link annotation in the PDF."""
    found = []
    with pikepdf.open(built.file(".pdf")) as pdf:
        for number, page in enumerate(pdf.pages):
            for annot in page.get("/Annots", []):
                if "/A" in annot:
                    found.append((number, "uri", str(annot.A.URI)))
                elif "/Dest" in annot:
                    found.append((number, "dest", str(annot.Dest)))
    return found


def test_every_url_in_the_pdf_is_a_link(default_book: Built) -> None:
    with pikepdf.open(default_book.file(".pdf")) as pdf:
        assert "/Dests" in pdf.Root.Names or "/Dests" in pdf.Root
    # WeasyPrint writes an IRI percent-encoded, as a URI must be
    uris = {unquote(target) for _, kind, target in _annotations(default_book) if kind == "uri"}
    html = default_book.file(".html").read_text(encoding="utf-8")
    urls = {unescape(u) for u in URL.findall(re.sub(r"<wbr>|<wbr/>", "", html))}
    assert urls and urls <= uris, urls - uris
    assert "https://doi.org/10.2307/3000451" in uris


def test_note_calls_and_notes_link_to_each_other_in_the_pdf(default_book: Built) -> None:
    dests = [target for _, kind, target in _annotations(default_book) if kind == "dest"]
    notes = [t for t in dests if t.startswith("fn-")]
    calls = [t for t in dests if t.startswith("fnref-")]
    html = default_book.file(".html").read_text(encoding="utf-8")
    expected = set(re.findall(r'<aside id="(fn-[^"]+)"', html))
    assert set(notes) == expected  # a note split over two pages may carry its marker's link twice
    assert set(calls) == {n.replace("fn-", "fnref-", 1) for n in expected}


def test_index_locators_link_to_their_marks_in_the_pdf(default_book: Built) -> None:
    links = _annotations(default_book)
    with pikepdf.open(default_book.file(".pdf")) as pdf:
        count = len(pdf.pages)
    index_pages = range(count - 3, count)
    targets = [t for page, kind, t in links if page in index_pages and kind == "dest"]
    assert len(targets) > 100 and all(re.fullmatch(r"ix\d+(-end)?", t) for t in targets), targets[:10]


def test_urls_are_links_on_screens_and_break_after_slashes(default_book: Built) -> None:
    html = default_book.file(".html").read_text(encoding="utf-8")
    with zipfile.ZipFile(default_book.file(".epub")) as archive:
        epub = "".join(archive.read(n).decode() for n in archive.namelist() if n.endswith(".xhtml"))
    for text in (html, epub):
        links = re.findall(r'<a class="url" href="([^"]+)">(.*?)</a>', text)
        assert links
        for href, shown in links:
            assert unescape(re.sub(r"<wbr/?>", "", shown)) == unescape(href)
            assert "/<wbr/>" in shown
        bare = URL.findall(re.sub(r"<[^>]+>", " ", re.sub(r'<a class="url"[^>]*>.*?</a>', "", text)))
        assert bare == []


def test_link_helpers() -> None:
    cite = '<a class="cite" id="c" href="#ref-p">P., http://b.lt/s/4976.</a>'
    assert link_urls(cite) == (
        '<a class="cite" id="c" href="#ref-p">P., </a><a class="url" href="http://b.lt/s/4976">http://b.lt/s/4976</a>.'
    )
    assert link_urls("see https://a.org/x/y.") == 'see <a class="url" href="https://a.org/x/y">https://a.org/x/y</a>.'
    linked = '<a class="url" href="https://a.org/b">https://a.org/b</a>'
    assert link_urls(linked) == linked  # already a link
    assert break_urls(linked) == '<a class="url" href="https://a.org/b">https://<wbr/>a.org/<wbr/>b</a>'
