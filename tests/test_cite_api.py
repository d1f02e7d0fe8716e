"""The public API, ``treatypress.cite``: CSL-JSON in, HTML out, problems as data."""

from __future__ import annotations

from pathlib import Path

import treatypress

SENN = {
    "id": "senn",
    "type": "book",
    "author": [{"family": "Senn", "given": "Alfred Erich"}],
    "title": "The great powers, Lithuania and the Vilna question, 1920–1928",
    "publisher": "Brill",
    "publisher-place": "Leiden",
    "issued": {"date-parts": [[1966]]},
}
SMITH_A = {
    "id": "a",
    "type": "book",
    "author": [{"family": "Smith", "given": "John"}],
    "title": "One",
    "issued": {"date-parts": [[2001]]},
}
SMITH_B = {
    "id": "b",
    "type": "book",
    "author": [{"family": "Smith", "given": "Adam"}],
    "title": "Two",
    "issued": {"date-parts": [[2000]]},
}
WEB = {
    "id": "wiki",
    "type": "webpage",
    "title": "Soviet–Lithuanian Peace Treaty",
    "container-title": "Wikipedia",
    "URL": "https://en.wikipedia.org/wiki/Soviet%E2%80%93Lithuanian_Peace_Treaty?a=1&b=2",
    "accessed": {"date-parts": [[2026, 1, 5]]},
}


def test_notes_positions_and_items() -> None:
    cited = treatypress.cite(
        [SENN, WEB],
        [
            [{"id": "senn", "locator": "45", "prefix": "see"}],
            [{"id": "senn", "locator": "45"}],
            [{"id": "senn", "locator": "46", "suffix": ", for the treaty"}],
            [{"id": "senn", "locator": "45"}, {"id": "wiki", "prefix": "quoted in"}],
        ],
        "chicago-notes-bibliography-subsequent-ibid",
        notes=[1, 2, 3, 7],
    )
    assert not cited.diagnostics
    first, ibid, ibid_locator, quoted = cited.citations
    assert first.startswith("See Alfred Erich Senn, <i>The Great Powers") and first.endswith("(Brill, 1966), 45.")
    assert ibid == "Ibid."
    assert ibid_locator == "Ibid., 46, for the treaty."
    assert quoted.startswith(
        "Senn, <i>The Great Powers, Lithuania and the Vilna Question, 1920–1928</i>, 45; quoted in"
    )
    # a URL is a link, escaped once
    assert (
        '<a class="url" href="https://en.wikipedia.org/wiki/Soviet%E2%80%93Lithuanian_Peace_Treaty?a=1&amp;b=2">'
        in quoted
    )
    assert cited.ids == ("senn", "wiki") and cited.bibliography[0].startswith("Senn, Alfred Erich.")


def test_in_text_style_disambiguates_names() -> None:
    cited = treatypress.cite(
        [SMITH_A, SMITH_B],
        [
            [{"id": "a"}, {"id": "b"}],
            [{"id": "a", "author-in-text": True, "locator": "3"}],
            [{"id": "b", "suppress-author": True, "locator": "2-4", "label": "chapter"}],
        ],
        "apa",
    )
    assert cited.citations == ("(A. Smith, 2000; J. Smith, 2001)", "J. Smith (2001, p. 3)", "(2000, Chapters 2–4)")
    assert cited.ids == ("b", "a")  # the style's order


def test_author_in_text_in_a_note_style_keeps_the_name_in_the_sentence() -> None:
    cited = treatypress.cite(
        [SENN], [[{"id": "senn", "author-in-text": True, "locator": "3"}]], "chicago-notes-bibliography", notes=[1]
    )
    assert cited.in_text == ("Alfred Erich Senn",)
    assert cited.citations[0].startswith("<i>The Great Powers") and cited.citations[0].endswith("3.")


def test_problems_are_data(tmp_path: Path) -> None:
    cited = treatypress.cite([SENN], [[{"id": "nosuch"}]], "chicago-notes-bibliography")
    assert [d.code for d in cited.diagnostics] == ["cite-unknown"]
    assert [d.code for d in treatypress.cite([SENN], [], "no-such-style").diagnostics] == ["style-unknown"]
    empty = treatypress.cite([{"id": "x", "type": "book"}], [[{"id": "x"}]], str(_titles_only(tmp_path)))
    assert "cite-empty" in {d.code for d in empty.diagnostics} and empty.citations == ("",)
    assert empty.omitted == ("x",) and empty.bibliography == ()


def test_locale() -> None:
    cited = treatypress.cite(
        [SENN],
        [[{"id": "senn", "suffix": "S. 3", "locator-in-suffix": True}], [{"id": "senn", "locator": "3"}]],
        "apa",
        locale="de-DE",
    )
    assert cited.citations == ("(Senn, 1966, S. 3)", "(Senn, 1966, p. 3)")  # labels: en-US terms
    assert "Brill" in cited.bibliography[0]


def _titles_only(folder: Path) -> Path:
    from test_bibliography_cases import EMPTY_STYLE

    path = folder / "titles-only.csl"
    path.write_text(EMPTY_STYLE, encoding="utf-8")
    return path


def test_screen_spells_out_ibid_and_links_each_cite() -> None:
    cited = treatypress.cite(
        [SENN, WEB],
        [[{"id": "senn", "locator": "45"}], [{"id": "senn", "locator": "45"}], [{"id": "senn"}, {"id": "wiki"}]],
        "chicago-notes-bibliography-subsequent-ibid",
        notes=[1, 2, 3],
        screen=True,
    )
    assert cited.citations[1] == "Ibid."
    assert cited.screen[1] == (
        '<a class="cite" href="#ref-senn">Senn, <i>The Great Powers, Lithuania and the Vilna '
        "Question, 1920–1928</i>, 45</a>."
    )
    third = cited.screen[2]
    assert third.startswith('<a class="cite" href="#ref-senn">') and '<a class="cite" href="#ref-wiki">' in third
    assert third.count("<a ") == 2
