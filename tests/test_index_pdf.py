"""End to end in a real layout: WeasyPrint places the anchors, pypdf reads the PDF back.

No part of the book pipeline is needed: a small hand-written HTML document with marks spread
over several pages, the index laid out on its own and its pages joined after the body's (the
body is laid out once), then every printed locator is checked against the text of its page.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

weasyprint = pytest.importorskip("weasyprint")
pypdf = pytest.importorskip("pypdf")

from treatypress.diagnostics import Location  # noqa: E402
from treatypress.index import (  # noqa: E402
    anchors_of,
    build_indexes,
    parse_mark,
    render_print,
)
from treatypress.pdf.pagemap import PageMap  # noqa: E402

FONTS = Path(__file__).parents[1] / "src" / "treatypress" / "styles" / "fonts"
CSS = """
@font-face { font-family: Charis; src: url(CharisSIL-Regular.ttf); }
@font-face { font-family: Charis; font-style: italic; src: url(CharisSIL-Italic.ttf); }
@page { size: A6; margin: 15mm 12mm; @bottom-center { content: counter(page); } }
body { font-family: Charis; font-size: 10pt; }
.index { columns: 2; } .index-entries { list-style: none; padding: 0; }
.index-subentries { padding-left: 1em; }
"""
FILLER = "<p>" + "The commission met again without result. " * 12 + "</p>"

# (page number wanted, marked text, idx heading or None for .idx)
POINTS = [
    (1, "Vilnius", None),
    (1, "Vilnius", None),
    (2, "Vilnius", None),
    (3, "Vilnius", None),
    (2, "Kaunas", None),
    (5, "Kaunas", None),
    (4, "Suwałki", "Suwałki"),
    (5, "Żeligowski", "Żeligowski"),
]


def body_html() -> tuple[str, list[tuple[dict[str, str], str, str, str | None]]]:
    marks: list[tuple[dict[str, str], str, str, str | None]] = []
    pages: dict[int, list[str]] = {n: [] for n in range(1, 7)}
    for n, (page, text, idx) in enumerate(POINTS, 1):
        attrs = {"idx": idx} if idx else {"class": "idx"}
        marks.append((attrs, text, f"idx-{n}", None))
        pages[page].append(f'<p>At this point <span id="idx-{n}">{text}</span> matters.</p>')
    # a passage from page 3 to page 5, as a fenced div would give it: an anchor at each end
    marks.append(({"idx": "Polish–Soviet War"}, "", "idx-war", "idx-war-end"))
    pages[3].append('<div><span id="idx-war"></span><p>Passage begins: fighting resumed.</p>')
    pages[4].append("<p>The war went on.</p>")
    pages[5].append('<p>Passage ends: ceasefire.</p><span id="idx-war-end"></span></div>')
    chunks = [f'<section style="break-before: page">{"".join(pages[n])}{FILLER}</section>' for n in pages]
    chunks[0] = chunks[0].replace(' style="break-before: page"', "")
    return f"<html lang='en'><body>{''.join(chunks)}</body></html>", marks


def test_printed_locators_are_the_pages_where_the_marks_landed() -> None:
    html, raw = body_html()
    marks = []
    for attrs, text, anchor, end in raw:
        mark, problems = parse_mark(attrs, text, anchor, end, Location("fixture.html", 1))
        assert problems == () and mark is not None
        marks.append(mark)
    (index,), problems = build_indexes(marks, "en")
    assert problems == ()

    stylesheet = weasyprint.CSS(string=CSS, base_url=f"{FONTS}/")
    body = weasyprint.HTML(string=html, base_url=str(FONTS)).render(stylesheets=[stylesheet])
    anchors: dict[str, int] = {}
    for number, page in enumerate(body.pages):  # as the PDF target does: an id's first page
        for name in page.anchors:
            anchors.setdefault(name, number)
    pages = PageMap(tuple(str(i + 1) for i in range(len(body.pages))), anchors, 0).refs(anchors_of(marks))
    assert set(pages) == anchors_of(marks)

    index_html = render_print(index, pages)
    back = weasyprint.HTML(string=f"<html lang='en'><body>{index_html}</body></html>").render(stylesheets=[stylesheet])
    book = body.copy(body.pages + back.pages)  # body laid out once; index pages joined after it
    pdf = pypdf.PdfReader(io.BytesIO(book.write_pdf()))
    texts = [page.extract_text() for page in pdf.pages]
    index_text = re.sub(r"\s+", " ", " ".join(texts[len(body.pages) :]))  # columns break lines

    lines = re.findall(r'<span class="index-term">(.*?)</span>, <span class="index-locators">(.*?)</span>', index_html)
    assert dict(lines) == {
        "Kaunas": "2, 5",
        "Polish–Soviet War": "3–5",
        "Suwałki": "4",
        "Vilnius": "1–3",
        "Żeligowski": "5",
    }
    for term, numbers in lines:
        assert f"{term}, {numbers}" in index_text
        for locator in numbers.split(", "):
            first, _, last = locator.partition("–")
            for folio in {first, last or first}:
                page_text = texts[int(folio) - 1]
                wanted = "Passage" if term == "Polish–Soviet War" else term
                assert wanted in page_text, f"{term!r} not on page {folio}"
    # every single mark is on the page the index claims for it (not merely somewhere in a range)
    for n, (page, text, _) in enumerate(POINTS, 1):
        assert pages[f"idx-{n}"].number == page
        assert text in texts[page - 1]
    assert "Passage begins" in texts[pages["idx-war"].number - 1]
    assert "Passage ends" in texts[pages["idx-war-end"].number - 1]
