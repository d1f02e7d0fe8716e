"""The EPUB as a reader's device gets it: package, navigation, notes, fonts, and EPUBCheck."""

from __future__ import annotations

import zipfile
from xml.etree import ElementTree

import pytest
from conftest import Built, EpubChecks

NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


@pytest.mark.parametrize("name", ["small_book", "default_book"])
def test_epubcheck_reports_no_errors_and_no_warnings(
    name: str, request: pytest.FixtureRequest, epubchecks: EpubChecks
) -> None:
    built: Built = request.getfixturevalue(name)
    assert epubchecks.problems(built.file(".epub")) == []


def test_archive_layout_is_reproducible(small_book: Built) -> None:
    with zipfile.ZipFile(small_book.file(".epub")) as archive:
        infos = archive.infolist()
        assert infos[0].filename == "mimetype" and infos[0].compress_type == zipfile.ZIP_STORED
        assert archive.read("mimetype") == b"application/epub+zip"
        names = [i.filename for i in infos[1:]]
        assert names == sorted(names)
        assert {i.date_time for i in infos} == {(2023, 11, 14, 22, 13, 20)}  # SOURCE_DATE_EPOCH


def _read(built: Built, name: str) -> ElementTree.Element:
    with zipfile.ZipFile(built.file(".epub")) as archive:
        return ElementTree.fromstring(archive.read(name))


def test_package_metadata(small_book: Built) -> None:
    opf = _read(small_book, "OEBPS/content.opf")
    meta = opf.find("opf:metadata", NS)
    assert meta is not None
    assert meta.findtext("dc:title", namespaces=NS) == "A Small Test Book: For the treatypress tests"
    assert [c.text for c in meta.findall("dc:creator", NS)] == ["Ada Tester", "Ben Checker"]
    assert meta.findtext("dc:language", namespaces=NS) == "en"
    identifier = meta.findtext("dc:identifier", namespaces=NS)
    assert identifier == "urn:treatypress:small-book"  # derived from the book, never random
    modified = [m.text for m in meta.findall("opf:meta", NS) if m.get("property") == "dcterms:modified"]
    assert modified == ["2023-11-14T22:13:20Z"]
    media = {i.get("href"): i.get("media-type") for i in opf.iter(f"{{{NS['opf']}}}item")}
    assert media["fonts/CharisSIL-Regular.ttf"] == "font/ttf"
    assert sum(1 for href in media if str(href).startswith("fonts/")) == 4
    assert media["text/first.xhtml"] == "application/xhtml+xml"


def test_one_file_per_chapter_and_navigation(small_book: Built) -> None:
    opf = _read(small_book, "OEBPS/content.opf")
    spine = [i.get("idref") for i in opf.iter(f"{{{NS['opf']}}}itemref")]
    assert spine == [
        "x-text-cover.xhtml",
        "x-text-titlepage.xhtml",
        "x-text-nav.xhtml",
        "x-text-preface.xhtml",
        "x-text-first.xhtml",
        "x-text-second.xhtml",
        "x-text-bibliography.xhtml",
        "x-text-index-general.xhtml",
    ]
    nav = _read(small_book, "OEBPS/text/nav.xhtml")
    navs = {n.get(EPUB_TYPE): n for n in nav.iter(f"{{{NS['x']}}}nav")}
    assert set(navs) == {"toc", "landmarks", "page-list"}  # the PDF was built in the same run
    toc = [a.text for a in navs["toc"].iter(f"{{{NS['x']}}}a")]
    assert toc[:3] == ["Preface", "The First Chapter: Rivers", "Section 1 of Rivers"]
    marks = {a.get(EPUB_TYPE) for a in navs["landmarks"].iter(f"{{{NS['x']}}}a")}
    assert {"cover", "toc", "bodymatter", "bibliography", "index"} <= marks


def test_notes_are_noterefs_and_asides_with_backlinks(small_book: Built) -> None:
    chapter = _read(small_book, "OEBPS/text/first.xhtml")
    refs = [a for a in chapter.iter(f"{{{NS['x']}}}a") if a.get(EPUB_TYPE) == "noteref"]
    asides = list(chapter.iter(f"{{{NS['x']}}}aside"))
    assert len(refs) == len(asides) > 5
    ids = {a.get("id") for a in asides}
    for ref in refs:
        assert ref.get("href", "").lstrip("#") in ids
        assert ref.get("role") == "doc-noteref"
    for aside in asides:
        assert aside.get(EPUB_TYPE) == "footnote" and aside.get("role") == "doc-footnote"
        back = aside.find("x:a", NS)
        assert back is not None and back.get("role") == "doc-backlink"


def test_citations_link_to_bibliography_entries(small_book: Built) -> None:
    chapter = _read(small_book, "OEBPS/text/first.xhtml")
    bibliography = _read(small_book, "OEBPS/text/bibliography.xhtml")
    entry_ids = {p.get("id") for p in bibliography.iter(f"{{{NS['x']}}}p")}
    links = [a.get("href") or "" for a in chapter.iter(f"{{{NS['x']}}}a") if "#ref-" in (a.get("href") or "")]
    assert links
    for link in links:
        assert link.startswith("bibliography.xhtml#") and link.split("#")[1] in entry_ids


def test_language_spans_carry_lang_and_xml_lang(small_book: Built) -> None:
    chapter = _read(small_book, "OEBPS/text/first.xhtml")
    spans = [s for s in chapter.iter(f"{{{NS['x']}}}span") if s.get("lang") == "lt"]
    assert spans and spans[0].get("{http://www.w3.org/XML/1998/namespace}lang") == "lt"
    assert spans[0].text == "Steigiamasis Seimas"
