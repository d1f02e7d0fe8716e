"""Both renderers: page merging and ranges, see/see also, nesting, EPUB Indexes markup."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from treatypress.diagnostics import Location
from treatypress.index import (
    Index,
    IndexMark,
    MissingAnchorError,
    PageRef,
    build_indexes,
    parse_mark,
    render_linked,
    render_print,
)

EPUB = "http://www.idpf.org/2007/ops"


def book(*specs: tuple[dict[str, str], str] | tuple[dict[str, str], str, str]) -> Index:
    marks: list[IndexMark] = []
    for n, spec in enumerate(specs, 1):
        attrs, text = spec[0], spec[1]
        end = spec[2] if len(spec) == 3 else None
        mark, _ = parse_mark(attrs, text, f"m{n}", end, Location("manuscript/01.md", n), section=f"§{n}")
        assert mark is not None
        marks.append(mark)
    indexes, _ = build_indexes(marks, "en")
    return indexes[0]


def p(*numbers: int) -> dict[str, PageRef]:
    return {f"m{i}": PageRef(n, str(n)) for i, n in enumerate(numbers, 1)}


def entries_text(html: str) -> list[str]:
    """Each entry line as plain text, tags stripped."""
    lines = re.findall(r"<li[^>]*>(.*?)(?=<ul|</li>)", html, re.S)
    return [re.sub(r"<[^>]+>", "", line).strip() for line in lines]


def test_same_page_once_consecutive_pages_a_range_sorted_by_page() -> None:
    index = book(*[({"idx": "Vilnius"}, "x")] * 6)
    html = render_print(index, p(12, 7, 7, 8, 9, 3))
    assert entries_text(html) == ["Vilnius, 3, 7–9, 12"]


def test_passage_gives_first_and_last_page_and_swallows_marks_inside() -> None:
    index = book(({"idx": "Polish–Soviet War"}, "", "m1-end"), ({"idx": "Polish–Soviet War"}, "x"))
    pages = {"m1": PageRef(10, "10"), "m1-end": PageRef(14, "14"), "m2": PageRef(12, "12")}
    assert entries_text(render_print(index, pages)) == ["Polish–Soviet War, 10–14"]


def test_passage_on_one_page_is_one_number() -> None:
    index = book(({"idx": "Armistice"}, "", "m1-end"))
    assert entries_text(render_print(index, {"m1": PageRef(5, "5"), "m1-end": PageRef(5, "5")})) == ["Armistice, 5"]


def test_roman_and_arabic_folios_do_not_make_a_range() -> None:
    index = book(({"idx": "Preface"}, "x"), ({"idx": "Preface"}, "x"))
    html = render_print(index, {"m1": PageRef(4, "iv"), "m2": PageRef(5, "1")})
    assert entries_text(html) == ["Preface, iv, 1"]


def test_see_and_see_also_chicago_style_with_sub_entries() -> None:
    index = book(
        ({"idx": "Wilno", "see": "Vilnius"}, ""),
        ({"idx": "Kaunas", "seealso": "Kovno"}, "x"),
        ({"idx": "Kaunas"}, "x"),
        ({"idx": "Kovno"}, "x"),
        ({"idx": "Vilnius!seized by Poland (1919)", "seealso": "Żeligowski"}, "x"),
        ({"idx": "Żeligowski"}, "x"),
    )
    html = render_print(index, p(0, 12, 15, 3, 7, 8))
    assert '<span class="index-xref index-see">. <i>See</i> Vilnius</span>' in html
    assert entries_text(html) == [
        "Kaunas, 12, 15. See also Kovno",
        "Kovno, 3",
        "Vilnius",
        "seized by Poland (1919), 7 (see also Żeligowski)",
        "Wilno. See Vilnius",
        "Żeligowski, 8",
    ]
    assert '<ul class="index-entries index-subentries">\n<li class="index-entry index-level-2">' in html


def test_letter_groups_and_escaping() -> None:
    index = book(({"idx": "AT&T <lobby>"}, "x"), ({"idx": "Łossowski"}, "x"))
    html = render_print(index, p(1, 2))
    assert re.findall(r'<h2 class="index-letter">(.*?)</h2>', html) == ["A", "L"]
    assert "AT&amp;T &lt;lobby&gt;" in html
    ET.fromstring(html)  # well-formed


def test_missing_anchor_is_a_clear_error() -> None:
    index = book(({"idx": "Vilnius"}, "x"))
    with pytest.raises(MissingAnchorError, match=r"index anchor 'm1' \(marked at manuscript/01.md:1\) has no page"):
        render_print(index, {})


def linked(index: Index, pages: dict[str, PageRef] | None) -> ET.Element:
    html = render_linked(index, pages, lambda a: f"ch1.xhtml#{a}")
    return ET.fromstring(f'<div xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="{EPUB}">{html}</div>')


def types(el: ET.Element) -> str:
    return el.get(f"{{{EPUB}}}type", "")


def test_linked_structure_follows_epub_indexes() -> None:
    index = book(
        ({"idx": "Kaunas", "seealso": "Kovno"}, "x"), ({"idx": "Kovno"}, "x"), ({"idx": "Wilno", "see": "Kovno"}, "")
    )
    root = linked(index, p(12, 3))
    (section,) = root
    assert types(section) == "index"
    groups = [c for c in section if types(c) == "index-group"]
    assert [g.find("{http://www.w3.org/1999/xhtml}h2").text for g in groups] == ["K", "W"]  # type: ignore[union-attr]
    entry = groups[0].find("*/{http://www.w3.org/1999/xhtml}li")
    assert entry is not None and types(entry) == "index-entry"
    assert [types(c) for c in entry] == ["index-term", "index-locator", "index-xref-related"]
    xref = entry[2]
    target = xref.find("{http://www.w3.org/1999/xhtml}a")
    assert target is not None and types(target) == "index-term"
    ids = {el.get("id") for el in root.iter() if el.get("id")}
    assert target.get("href", "#")[1:] in ids  # "see also Kovno" links to the Kovno entry


def test_linked_labels_with_print_pages_one_visible_number_per_run_plus_small_links() -> None:
    index = book(*[({"idx": "Vilnius"}, "x")] * 4)
    html = render_linked(index, p(23, 23, 24, 30), lambda a: f"ch1.xhtml#{a}")
    assert entries_text(html) == ["Vilnius, 23–242, 30"]  # "23–24" with a superscript 2, then 30
    assert (
        '<span epub:type="index-locator-range" class="index-locator-range">'
        '<a epub:type="index-locator" href="ch1.xhtml#m1">23</a>–<a epub:type="index-locator" href="ch1.xhtml#m3">24</a>'
        '</span><a epub:type="index-locator" class="index-locator-more" href="ch1.xhtml#m2" title="23–24, mention 2">'
        "<sup>2</sup></a>"
    ) in html
    hrefs = re.findall(r'href="ch1\.xhtml#(m\d)"', html)
    assert sorted(hrefs) == ["m1", "m2", "m3", "m4"]  # every mark has its own link


def test_linked_without_pages_labels_by_section() -> None:
    index = book(({"idx": "Vilnius"}, "x"), ({"idx": "Vilnius"}, "x"))
    html = render_linked(index, None, lambda a: f"#{a}")
    assert entries_text(html) == ["Vilnius, §1, §2"]
