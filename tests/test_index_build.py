"""Merging spellings, cross-references and the build's diagnostics (messages pinned)."""

from __future__ import annotations

from treatypress.diagnostics import Location
from treatypress.index import IndexDef, IndexMark, build_indexes, parse_mark


def marks(*specs: tuple[dict[str, str], str, int]) -> list[IndexMark]:
    found = []
    for n, (attrs, text, line) in enumerate(specs, 1):
        mark, problems = parse_mark(attrs, text, f"a{n}", None, Location("manuscript/02-kaunas.md", line))
        assert problems == () and mark is not None
        found.append(mark)
    return found


def formatted(problems: tuple[object, ...]) -> list[str]:
    return [p.format() for p in problems]  # type: ignore[attr-defined]


def test_case_and_diacritics_do_not_split_and_the_most_frequent_spelling_wins() -> None:
    indexes, problems = build_indexes(
        marks(
            ({"idx": "Narusevicius"}, "x", 3),
            ({"idx": "Naruševičius"}, "x", 8),
            ({"idx": "naruševičius"}, "x", 9),
            ({"idx": "Naruševičius"}, "x", 11),
        ),
        "lt",
    )
    (entry,) = indexes[0].groups[0].entries
    assert entry.heading == "Naruševičius"
    assert [loc.anchor for loc in entry.locators] == ["a1", "a2", "a3", "a4"]
    assert formatted(problems) == [
        "manuscript/02-kaunas.md:3: warning [index-variant] index heading 'Narusevicius' differs only by case or "
        "diacritics from 'Naruševičius' at manuscript/02-kaunas.md:8; both are filed as 'Naruševičius'\n"
        "  hint: spell the heading the same way everywhere",
        "manuscript/02-kaunas.md:9: warning [index-variant] index heading 'naruševičius' differs only by case or "
        "diacritics from 'Naruševičius' at manuscript/02-kaunas.md:8; both are filed as 'Naruševičius'\n"
        "  hint: spell the heading the same way everywhere",
    ]


def test_first_spelling_wins_a_tie_and_sub_entries_name_their_parent() -> None:
    indexes, problems = build_indexes(
        marks(({"idx": "Vilnius!Seized"}, "x", 1), ({"idx": "Vilnius!seized"}, "x", 2)), "en"
    )
    assert indexes[0].groups[0].entries[0].subentries[0].heading == "Seized"
    assert formatted(problems)[0].startswith(
        "manuscript/02-kaunas.md:2: warning [index-variant] index heading 'Vilnius!seized' differs only by case or "
        "diacritics from 'Vilnius!Seized' at manuscript/02-kaunas.md:1"
    )


def test_see_target_missing() -> None:
    _, problems = build_indexes(
        marks(
            ({"idx": "Wilno", "see": "Vilna"}, "", 4),
            ({"idx": "Kaunas", "seealso": "Kovno"}, "Kaunas", 5),
            ({"idx": "Vilnius"}, "x", 6),
        ),
        "en",
    )
    assert formatted(problems) == [
        "manuscript/02-kaunas.md:4: warning [index-see-missing] 'see' target 'Vilna' of index heading 'Wilno' "
        "is not a heading in the 'general' index\n  hint: mark the target somewhere or correct its spelling",
        "manuscript/02-kaunas.md:5: warning [index-see-missing] 'see also' target 'Kovno' of index heading 'Kaunas' "
        "is not a heading in the 'general' index\n  hint: mark the target somewhere or correct its spelling",
    ]


def test_see_resolves_case_insensitively_to_the_shown_spelling_and_sub_entries() -> None:
    indexes, problems = build_indexes(
        marks(({"idx": "Wilno", "see": "vilnius!SEIZED"}, "", 1), ({"idx": "Vilnius!seized"}, "x", 2)), "en"
    )
    assert problems == ()
    wilno = indexes[0].groups[1].entries[0]
    assert wilno.heading == "Wilno" and wilno.locators == ()
    assert [(r.target, r.resolved) for r in wilno.see] == [(("Vilnius", "seized"), True)]


def test_empty_heading_is_reported_by_parse_mark_with_its_place() -> None:
    _, problems = parse_mark({"class": "idx"}, " ", "a1", None, Location("manuscript/02-kaunas.md", 7))
    assert formatted(problems)[0].startswith("manuscript/02-kaunas.md:7: warning [index-empty]")


def test_unknown_index_is_an_error_and_indexes_follow_the_settings() -> None:
    defs = [IndexDef("places", "Index of Places"), IndexDef("people", "Index of Persons")]
    indexes, problems = build_indexes(
        marks(
            ({"idx": "Kaunas", "index": "places"}, "x", 1),
            ({"idx": "Smetona", "index": "people"}, "x", 2),
            ({"idx": "Treaty of Moscow"}, "x", 3),
        ),
        "en",
        defs,
    )
    assert [(i.name, i.title) for i in indexes] == [("places", "Index of Places"), ("people", "Index of Persons")]
    assert formatted(problems) == [
        "manuscript/02-kaunas.md:3: error [index-unknown] index mark names index 'general', which the book does "
        "not define (defined: places, people)\n  hint: add the index to the book's settings or correct index="
    ]


def test_see_and_see_also_on_one_entry() -> None:
    indexes, problems = build_indexes(
        marks(
            ({"idx": "Wilno", "see": "Vilnius"}, "", 1),
            ({"idx": "Wilno", "seealso": "Vilnius"}, "", 2),
            ({"idx": "Vilnius"}, "x", 3),
        ),
        "en",
    )
    assert [p.code for p in problems] == ["index-see-conflict"]
    wilno = indexes[0].groups[1].entries[0]
    assert wilno.see and not wilno.see_also
