"""Index marks: which attributes make which mark, and the problems they report."""

from __future__ import annotations

import pytest

from treatypress.diagnostics import Location, Severity
from treatypress.index import IndexMark, parse_mark

AT = Location("manuscript/01-vilnius.md", 12, 3)


def parse(attrs: dict[str, str], text: str = "text", end: str | None = None) -> tuple[IndexMark | None, list[str]]:
    mark, problems = parse_mark(attrs, text, "idx-1", end, AT)
    return mark, [d.format() for d in problems]


def test_class_idx_uses_the_marked_text_with_whitespace_collapsed() -> None:
    mark, problems = parse({"class": "idx"}, "  Vilnius\n  old town ")
    assert problems == []
    assert mark is not None
    assert mark.heading == ("Vilnius old town",)
    assert mark.index == "general"
    assert (mark.anchor, mark.end_anchor, mark.location) == ("idx-1", None, AT)


def test_not_a_mark() -> None:
    assert parse({"class": "smallcaps"}) == (None, [])


def test_idx_with_sub_entries_sort_and_index() -> None:
    mark, _ = parse({"idx": "Vilnius ! seized by Poland (1919)", "index": "places", "sort": "Wilno"})
    assert mark is not None
    assert mark.heading == ("Vilnius", "seized by Poland (1919)")
    assert mark.sort == (None, "Wilno")  # one sort key: the last level
    assert mark.index == "places"


def test_sort_key_per_level() -> None:
    mark, _ = parse({"idx": "Żeligowski!mutiny", "sort": "Zeligowski!"})
    assert mark is not None and mark.sort == ("Zeligowski", None)


def test_sort_key_with_wrong_number_of_levels_is_an_error() -> None:
    mark, problems = parse({"idx": "A!b!c", "sort": "a!b"})
    assert mark is None
    assert problems == [
        "manuscript/01-vilnius.md:12:3: error [index-sort-levels] sort key 'a!b' has 2 levels but heading "
        "'A!b!c' has 3\n  hint: give one sort key (for the last level) or one per level, separated by '!'"
    ]


def test_more_than_three_levels_is_an_error() -> None:
    mark, problems = parse({"idx": "a!b!c!d"})
    assert mark is None
    assert problems[0].startswith(
        "manuscript/01-vilnius.md:12:3: error [index-too-deep] index heading 'a!b!c!d' has 4 levels; at most 3 are allowed"
    )


@pytest.mark.parametrize("attrs,text", [({"class": "idx"}, "  "), ({"idx": ""}, "x"), ({"idx": "Vilnius!!x"}, "x")])
def test_empty_heading_is_a_warning(attrs: dict[str, str], text: str) -> None:
    mark, problems = parse_mark(attrs, text, "idx-1", None, AT)
    assert mark is None
    assert [(d.severity, d.code, d.location) for d in problems] == [(Severity.WARNING, "index-empty", AT)]


def test_empty_heading_message() -> None:
    assert parse({"class": "idx"}, "")[1] == [
        "manuscript/01-vilnius.md:12:3: warning [index-empty] index mark has an empty heading: ''\n"
        '  hint: give the span some text or write idx="Heading"'
    ]


def test_empty_span_with_see_marks_no_page() -> None:
    mark, _ = parse({"idx": "Wilno", "see": "Vilnius"}, "")
    assert mark is not None
    assert mark.anchor is None and mark.see == (("Vilnius",),)


def test_non_empty_span_with_see_also_marks_its_page_and_splits_targets() -> None:
    mark, _ = parse({"idx": "Kaunas", "seealso": "Kovno; Lithuania!capital"}, "Kaunas")
    assert mark is not None
    assert mark.anchor == "idx-1"
    assert mark.see_also == (("Kovno",), ("Lithuania", "capital"))


def test_empty_span_without_cross_reference_still_marks_its_page() -> None:
    mark, _ = parse({"idx": "Vilnius"}, "")
    assert mark is not None and mark.anchor == "idx-1"


def test_fenced_div_is_a_passage() -> None:
    mark, _ = parse({"idx": "Polish–Soviet War"}, "", end="idx-1-end")
    assert mark is not None and (mark.anchor, mark.end_anchor) == ("idx-1", "idx-1-end")


def test_fenced_div_needs_idx() -> None:
    mark, problems = parse({"class": "idx"}, "a long passage", end="idx-1-end")
    assert mark is None and problems[0].startswith("manuscript/01-vilnius.md:12:3: error [index-div-heading]")
