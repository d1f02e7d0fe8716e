"""Filing order and letter groups come from ICU/CLDR for the book's language."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from treatypress.diagnostics import Location
from treatypress.index import GroupKind, IndexMark, build_indexes

FIXTURES = Path(__file__).parent / "fixtures" / "index"


def expected(name: str) -> list[tuple[str, str]]:
    lines = (FIXTURES / name).read_text(encoding="utf-8").splitlines()
    return [tuple(line.split("\t")) for line in lines if line and not line.startswith("#")]  # type: ignore[misc]


def mark(heading: str, n: int, sort: str | None = None) -> IndexMark:
    return IndexMark("general", (heading,), (sort,), f"a{n}", None, (), (), Location("ch.md", n))


def filed(language: str, headings: list[str], **kwargs: object) -> list[tuple[str, str]]:
    indexes, problems = build_indexes([mark(h, n) for n, h in enumerate(headings, 1)], language, **kwargs)  # type: ignore[arg-type]
    assert problems == ()
    return [(g.label, e.heading) for g in indexes[0].groups for e in g.entries]


@pytest.mark.parametrize("language,fixture", [("en", "order-en.txt"), ("lt", "order-lt.txt")])
def test_order_and_groups(language: str, fixture: str) -> None:
    want = expected(fixture)
    headings = [h for _, h in want]
    random.Random(5).shuffle(headings)
    assert filed(language, headings) == want


def test_symbols_group_comes_first_and_is_marked() -> None:
    indexes, _ = build_indexes([mark("Vilnius", 1), mark("§ 5 of the treaty", 2), mark("1920", 3)], "en")
    first = indexes[0].groups[0]
    assert (first.kind, first.label) == (GroupKind.SYMBOLS, "Symbols and Numbers")
    assert [e.heading for e in first.entries] == ["§ 5 of the treaty", "1920"]


def test_symbols_label_is_a_setting() -> None:
    indexes, _ = build_indexes([mark("1920", 1)], "lt", symbols_label="Simboliai ir skaičiai")
    assert indexes[0].groups[0].label == "Simboliai ir skaičiai"


def test_script_order_puts_cyrillic_first() -> None:
    got = filed("lt", ["Vilnius", "Москва", "Kaunas"], script_order=("Cyrl", "Latn"))
    assert got == [("М", "Москва"), ("K", "Kaunas"), ("V", "Vilnius")]


def test_other_scripts_get_cldr_letters_greek_after_latin_cyrillic_after_greek() -> None:
    got = filed("en", ["Ёлкин", "Ωmega", "Athens"])
    assert got == [("A", "Athens"), ("Ω", "Ωmega"), ("Е", "Ёлкин")]


def test_sort_key_override_files_by_it() -> None:
    indexes, _ = build_indexes([mark("Żeligowski", 1, sort="Aaa"), mark("Bern", 2)], "en")
    assert [(g.label, [e.heading for e in g.entries]) for g in indexes[0].groups] == [
        ("A", ["Żeligowski"]),
        ("B", ["Bern"]),
    ]
