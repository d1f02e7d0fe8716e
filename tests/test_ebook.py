"""The e-book against the best: the print edition's pages inside, Ace by DAISY clean, a cover,
small fonts that still cover every character, and accessibility metadata that says so."""

from __future__ import annotations

import io
import re
import zipfile
from html import unescape
from typing import Any
from xml.etree import ElementTree

import pytest
from conftest import Built, EpubChecks, page_texts
from fontTools.ttLib import TTFont
from PIL import Image
from pypdf import PdfReader
from test_epub_book import EPUB_TYPE, NS

ROLE_PAGEBREAK = "doc-pagebreak"


def _zip(built: Built) -> zipfile.ZipFile:
    return zipfile.ZipFile(built.file(".epub"))


def _xml(built: Built, name: str) -> ElementTree.Element:
    with _zip(built) as archive:
        return ElementTree.fromstring(archive.read(name))


def _metas(built: Built) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for meta in _xml(built, "OEBPS/content.opf").iter(f"{{{NS['opf']}}}meta"):
        found.setdefault(meta.get("property", ""), []).append(meta.text or "")
    return found


def _page_list(built: Built) -> list[tuple[str, str]]:
    nav = _xml(built, "OEBPS/text/nav.xhtml")
    lists = [n for n in nav.iter(f"{{{NS['x']}}}nav") if n.get(EPUB_TYPE) == "page-list"]
    if not lists:
        return []
    return [(a.get("href", ""), a.text or "") for a in lists[0].iter(f"{{{NS['x']}}}a")]


def _words_after_markers(built: Built) -> dict[str, tuple[bool, list[str]]]:
    """label -> (an image comes first, the first words after its page-break marker), note
    numbers left out."""
    words: dict[str, tuple[bool, list[str]]] = {}
    with _zip(built) as archive:
        for name in archive.namelist():
            if not name.endswith(".xhtml"):
                continue
            text = archive.read(name).decode()
            text = re.sub(r'<a class="noteref"[^>]*>[^<]*</a>|<span class="noteref-sep">,</span>', "", text)
            for match in re.finditer(r'<span id="page-([^"]+)"[^>]*></span>', text):
                following = text[match.end() : match.end() + 3000]
                image = bool(re.match(r"\s*(<figure[^>]*>\s*)?<img", following))
                after = unescape(re.sub(r"<[^>]+>", " ", following))
                words[match[1]] = image, re.findall(r"\w+", after)[:4]
    return words


def _words(text: str) -> list[str]:
    """Words, a note call that pdftotext glues to its word ("Senn7") taken off."""
    return [re.sub(r"(?<=[^\W\d])\d+$", "", word) for word in re.findall(r"\w+", text)]


# --- the print edition's pages ---------------------------------------------------------------


def test_every_pdf_page_is_in_the_page_list_in_order_with_its_folio(default_book: Built) -> None:
    labels = PdfReader(default_book.file(".pdf")).page_labels
    pages = _page_list(default_book)
    assert [label for _, label in pages] == labels
    assert labels[0] == "i" and "1" in labels  # roman front matter, arabic body
    with _zip(default_book) as archive:
        for href, label in pages:
            file, _, ident = href.partition("#")
            page = ElementTree.fromstring(archive.read(f"OEBPS/text/{file}"))
            (marker,) = [e for e in page.iter() if e.get("id") == ident]
            assert marker.get(EPUB_TYPE) == "pagebreak" and marker.get("role") == ROLE_PAGEBREAK
            assert marker.get("aria-label") == label and not (marker.text or "").strip()


def test_each_marker_stands_where_its_printed_page_begins(default_book: Built) -> None:
    """The words after each body page's marker open that page in the PDF (pdftotext), or follow
    a word hyphenated across the break (the marker then goes after that word)."""
    labels = PdfReader(default_book.file(".pdf")).page_labels
    texts = page_texts(default_book.file(".pdf"))
    after = _words_after_markers(default_book)
    with _zip(default_book) as archive:
        captions = [
            w[:4]
            for n in archive.namelist()
            if n.endswith(".xhtml")
            for c in re.findall(r"<figcaption>(.*?)</figcaption>", archive.read(n).decode(), re.S)
            if (w := _words(re.sub(r"<[^>]+>", "", c)))
        ]
    checked = 0
    for label, text in zip(labels, texts):
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if not label.isdigit() or len(lines) < 3:
            continue
        # the page's first lines, a word hyphenated at a line's end joined again
        tokens = _words(" ".join(lines[:4]).replace("\u2010 ", ""))
        image, words = after[label][0], after[label][1][:3]
        assert len(words) == 3, label
        if image:  # a figure opens the page: its caption is on the page, under it
            page_tokens = _words(text.replace("\u2010\n", ""))
            assert any(page_tokens[i : i + 3] == words for i in range(len(page_tokens))), (label, words)
            checked += 1
            continue
        # within the running head's length (and the hyphenated word's) from the top
        # (two words: the index's second column shares the first column's lines in pdftotext)
        openings = [tokens[i : i + 2] for i in range(min(len(tokens), 10))]
        page_tokens = _words(text)
        has_figure = any(page_tokens[i : i + len(c)] == c for c in captions for i in range(len(page_tokens)))
        if words[:2] not in openings and has_figure:
            # print moved a figure to the top of this page (a float gap mended): the marker is
            # where the page's text goes on, after the figure's own words, or on the next page
            # when the figure fills this one
            following = _words(texts[labels.index(label) + 1])[:10]
            openings = [page_tokens[i : i + 2] for i in range(min(len(page_tokens), 120))]
            openings += [following[i : i + 2] for i in range(len(following))]
        # (in the two-column index pdftotext may also interleave the columns' first lines)
        interleaved = all(word in tokens[:12] for word in words[:2])
        assert words[:2] in openings or interleaved, (label, words, lines[:3])
        checked += 1
    assert checked > 30


def test_pages_metadata_says_where_the_page_numbers_come_from(default_book: Built) -> None:
    metas = _metas(default_book)
    assert metas["pageBreakSource"] == ["The Moscow Peace Treaty of 1920, print edition"]
    assert {"printPageNumbers", "pageBreakMarkers", "pageNavigation", "index"} <= set(
        metas["schema:accessibilityFeature"]
    )


def test_without_a_pdf_in_the_run_there_are_no_print_pages(screen_only_book: Built) -> None:
    assert _page_list(screen_only_book) == []
    assert not _words_after_markers(screen_only_book)
    metas = _metas(screen_only_book)
    assert "pageBreakSource" not in metas
    assert "printPageNumbers" not in metas["schema:accessibilityFeature"]


# --- accessibility ---------------------------------------------------------------------------


def _violations(report: dict[str, Any]) -> list[str]:
    return [
        f"{doc['earl:testSubject']['url']}: {test['earl:test']['dct:title']} "
        f"({test['earl:test']['earl:impact']}) {test['earl:result'].get('html', '')[:120]}"
        for doc in report["assertions"]
        for test in doc["assertions"]
        if test["earl:result"]["earl:outcome"] == "fail"
    ]


@pytest.mark.parametrize("name", ["default_book", "small_book"])
def test_ace_by_daisy_finds_no_violation(name: str, request: pytest.FixtureRequest, ace_report: Any) -> None:
    built: Built = request.getfixturevalue(name)
    report = ace_report(built.file(".epub"))
    assert _violations(report) == []
    assert report["earl:result"]["earl:outcome"] == "pass"
    present = set(report["a11y-metadata"]["present"])
    assert {
        "schema:accessMode",
        "schema:accessibilityFeature",
        "schema:accessibilityHazard",
        "schema:accessibilitySummary",
        "schema:accessModeSufficient",
        "dcterms:conformsTo",
        "a11y:certifiedBy",
    } <= present


def test_accessibility_1_1_metadata(default_book: Built) -> None:
    metas = _metas(default_book)
    assert metas["dcterms:conformsTo"] == ["EPUB Accessibility 1.1 - WCAG 2.1 Level AA"]
    assert "page list" in metas["schema:accessibilitySummary"][0]
    assert metas["schema:accessibilityHazard"] == ["none"]


def test_sections_are_named_and_the_index_has_its_role(default_book: Built) -> None:
    foreword = _xml(default_book, "OEBPS/text/foreword.xhtml")
    section = next(s for s in foreword.iter(f"{{{NS['x']}}}section") if s.get("id") == "section-foreword")
    assert section.get("role") is None  # a named <section> is a region by itself
    labelled = section.get("aria-labelledby")
    assert labelled and any(h.get("id") == labelled for h in foreword.iter(f"{{{NS['x']}}}h1"))
    index = _xml(default_book, "OEBPS/text/index-general.xhtml")
    assert any(s.get(EPUB_TYPE) == "index" and s.get("role") == "doc-index" for s in index.iter())


# --- cover, date, size -----------------------------------------------------------------------


def test_the_cover_is_drawn_from_the_title_page(default_book: Built) -> None:
    opf = _xml(default_book, "OEBPS/content.opf")
    (cover,) = [i for i in opf.iter(f"{{{NS['opf']}}}item") if "cover-image" in (i.get("properties") or "")]
    assert cover.get("media-type") == "image/png"
    with _zip(default_book) as archive:
        image = Image.open(io.BytesIO(archive.read(f"OEBPS/{cover.get('href')}")))
        page = archive.read("OEBPS/text/cover.xhtml").decode()
    assert image.height >= 1600 and image.width < image.height
    assert 'alt="Cover: The Moscow Peace Treaty of 1920. Lithuania, Soviet Russia' in page
    spine = [i.get("idref") for i in opf.iter(f"{{{NS['opf']}}}itemref")]
    assert spine[0] == "x-text-cover.xhtml"


def test_date_from_the_settings(default_book: Built) -> None:
    opf = _xml(default_book, "OEBPS/content.opf")
    assert opf.findtext("opf:metadata/dc:date", namespaces=NS) == "2026"


def test_the_default_epub_is_small_and_its_fonts_cover_every_character(default_book: Built) -> None:
    path = default_book.file(".epub")
    assert path.stat().st_size <= 400_000, path.stat().st_size
    with _zip(default_book) as archive:
        text = "".join(
            unescape(re.sub(r"<[^>]+>", "", archive.read(n).decode().split("<body", 1)[1]))
            for n in archive.namelist()
            if n.endswith(".xhtml")
        )
        fonts = {n: TTFont(io.BytesIO(archive.read(n))) for n in archive.namelist() if n.endswith(".ttf")}
    assert len(fonts) == 4
    wanted = {c for c in text if not c.isspace() or c == "\u00a0"} - {"\u200b"}
    assert len(wanted) > 100
    for name, font in fonts.items():
        assert len(font.getGlyphOrder()) < 600, name  # subset: Charis SIL has thousands
        missing = sorted(c for c in wanted if ord(c) not in font.getBestCmap())
        assert missing == [], (name, missing)


# Last in the file: EPUBCheck was started on this EPUB in the background when the book was built,
# and has run while the tests above did.
def test_without_a_pdf_in_the_run_the_epub_passes_epubcheck(screen_only_book: Built, epubchecks: EpubChecks) -> None:
    assert epubchecks.problems(screen_only_book.file(".epub")) == []
