"""The printed index of a real book, read back from the PDF: every locator is a page on which the
marked text really stands; consecutive pages are merged into ranges."""

from __future__ import annotations

import re

from conftest import Built, page_texts
from pypdf import PdfReader

# heading as printed -> the text its marks cover in the small book
MARKED = {
    "Kaunas": "Kaunas",
    "Vilnius": "Vilnius",
    "Łossowski": "Łossowski",
    "river Neris": "river Neris",
    "Żeligowski, Lucjan": "Żeligowski",
    "Polish–Soviet War": "A marked passage about the war",
}


def _pages(locators: str) -> list[int]:
    pages: list[int] = []
    for part in locators.split(", "):
        first, _, last = part.partition("–")
        pages.extend(range(int(first), int(last or first) + 1))
    return pages


def test_every_printed_locator_is_a_page_with_the_marked_text(small_book: Built) -> None:
    pdf = small_book.file(".pdf")
    texts = page_texts(pdf)
    labels = PdfReader(pdf).page_labels
    index_text = next(t for t in reversed(texts) if t.lstrip().startswith("Index"))
    # a marked word may be hyphenated at a line end ("Łos-" / "sowski"): join it again
    flat = [re.sub(r"\s+", " ", re.sub(r"\u2010\n", "", t)) for t in texts]
    for heading, marked in MARKED.items():
        match = re.search(re.escape(heading) + r", ((?:\d+(?:–\d+)?(?:, (?=\d))?)+)", index_text)
        assert match, f"{heading} is not in the index"
        pages = _pages(match[1])
        assert pages == sorted(set(pages)), f"{heading}: locators out of order or repeated"
        for folio in pages:
            assert marked in flat[labels.index(str(folio))], f"{heading}: '{marked}' is not on page {folio}"
    assert re.search(r"Kaunas, 1–5, 7–11", index_text)  # consecutive pages merged into ranges
    assert "Wilno. See Vilnius" in re.sub(r"\s+", " ", index_text)


def test_index_groups_follow_english_collation(small_book: Built) -> None:
    texts = page_texts(small_book.file(".pdf"))
    index_text = next(t for t in reversed(texts) if t.lstrip().startswith("Index"))
    letters = re.findall(r"^\s*([A-ZŁŻ])\s*(?:\s{2,}([A-ZŁŻ]))?\s*$", index_text, re.M)
    found = sorted({letter for pair in letters for letter in pair if letter})
    assert found == ["K", "L", "P", "R", "V", "W", "Z"]  # Łossowski files under L, Żeligowski under Z
