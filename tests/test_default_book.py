"""The default booklet keeps what issue 3 promises: counted on the built EPUB, PDF and handouts,
so that citations, notes or index entries cannot silently drop."""

from __future__ import annotations

import re
import zipfile
from xml.etree import ElementTree

from pypdf import PdfReader

from conftest import Built

X = "{http://www.w3.org/1999/xhtml}"
TYPE = "{http://www.idpf.org/2007/ops}type"
PROSE = ("foreword", "names", "independence", "offer", "talks", "treaty", "summer", "suwalki", "legacy")


def _documents(built: Built) -> dict[str, ElementTree.Element]:
    with zipfile.ZipFile(built.file(".epub")) as archive:
        return {name.rsplit("/", 1)[1][:-6]: ElementTree.fromstring(archive.read(name))
                for name in archive.namelist() if name.endswith(".xhtml")}


def _text(element: ElementTree.Element) -> str:
    return "".join(element.itertext())


def test_the_default_book_builds_without_warnings(default_book: Built) -> None:
    assert [d.format() for d in default_book.result.diagnostics] == []


def test_words_chapters_figure_and_table(default_book: Built) -> None:
    docs = _documents(default_book)
    assert all(name in docs for name in PROSE)
    words = 0
    for name in PROSE:
        body = docs[name].find(f"{X}body/{X}section")
        assert body is not None
        words += len(re.findall(r"\w+(?:[’'-]\w+)*", _text(body)))
    assert 4000 <= words <= 5500
    body_chapters = [d for d in docs.values() if d.find(f"{X}body").get(TYPE) == "bodymatter"]  # type: ignore[union-attr]
    assert 6 <= len(body_chapters) <= 8
    figures = [f for d in docs.values() for f in d.iter(f"{X}figure")]
    assert len(figures) == 1
    image = figures[0].find(f"{X}img")
    assert image is not None and len(image.get("alt", "")) > 40 and figures[0].find(f"{X}figcaption") is not None
    tables = [t for d in docs.values() for t in d.iter(f"{X}table")]
    assert len(tables) == 1 and tables[0].find(f"{X}caption") is not None


def test_citations_notes_and_languages(default_book: Built) -> None:
    docs = _documents(default_book)
    cites = [a.get("href", "") for d in docs.values() for a in d.iter(f"{X}a") if a.get("class") == "cite"]
    assert len(cites) >= 30
    assert len(set(cites)) >= 15
    discursive = [a for d in docs.values() for a in d.iter(f"{X}aside") if a.get("class") == "note"]
    assert len(discursive) >= 12
    languages = {s.get("lang") for d in docs.values() for s in d.iter(f"{X}span")}
    assert {"lt", "pl", "be", "ru"} <= languages
    bibliography = docs["bibliography"]
    assert len([p for p in bibliography.iter(f"{X}p") if p.get("class") == "csl-entry"]) >= 20


def test_index_has_eighty_entries_with_sub_entries_and_cross_references(default_book: Built) -> None:
    index = _documents(default_book)["index-general"]
    lists = [ul for ul in index.iter(f"{X}ul") if ul.get(TYPE) == "index-entry-list"]
    top = [li for ul in lists for li in ul if li.get(TYPE) == "index-entry"
           and not any(li in list(other) for other in lists if other is not ul)]
    headings = {_text(li.find(f"{X}span")).strip() for li in top if li.find(f"{X}span") is not None}  # type: ignore[arg-type]
    assert len(headings) >= 80
    vilnius = next(li for li in top if _text(li).startswith("Vilnius"))
    assert len(list(vilnius.iter(f"{X}li"))) >= 4  # sub-entries: seized, entered, handed over, taken
    text = _text(index)
    assert re.search(r"Wilno\W+see\W+Vilnius", text, re.I)


def test_handouts_are_single_a4_pages(default_book: Built) -> None:
    handouts = sorted(p for p in default_book.result.written if p.parent.name == "handouts")
    assert [p.name for p in handouts] == ["timeline.pdf", "treaty-at-a-glance.pdf"]
    for path in handouts:
        reader = PdfReader(path)
        assert len(reader.pages) == 1
        box = reader.pages[0].mediabox
        assert (round(float(box.width)), round(float(box.height))) == (595, 842)
