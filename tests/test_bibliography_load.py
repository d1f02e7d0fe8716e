"""Loading .bib files: decoding, selective parsing, located diagnostics."""

from __future__ import annotations

from pathlib import Path

from treatypress.bibliography import Citation, CiteItem, PlacedCitation, format_citations, load_bibliography, load_style

FIX = Path(__file__).parent / "fixtures" / "bib"


def test_latex_decoding() -> None:
    bib, _ = load_bibliography(FIX / "booklet.bib", "references.bib", ["lossowski1995", "cepenas1986", "rudokas2005"])
    assert bib.records["lossowski1995"].csl["author"][0]["family"] == "Łossowski"
    assert bib.records["lossowski1995"].csl["publisher"] == "Książka i Wiedza"
    assert bib.records["cepenas1986"].csl["author"][0]["family"] == "Čepėnas"
    assert bib.records["rudokas2005"].csl["title"] == "Józef Piłsudski – wróg niepodległości Litwy czy jej wybawca?"


def test_only_wanted_entries_are_decoded() -> None:
    bib, problems = load_bibliography(FIX / "booklet.bib", "references.bib", ["senn1962"])
    assert list(bib.records) == ["senn1962"]
    assert len(bib.all_keys) == 23
    uncited = [d for d in problems if d.code == "bib-uncited"]
    assert len(uncited) == 1 and "22 entries are never cited" in uncited[0].message


def test_error_diagnostics() -> None:
    _bib, problems = load_bibliography(FIX / "errors.bib", "references.bib", ["good", "nojournal"])
    got = {(d.code, str(d.location)) for d in problems}
    assert ("bib-duplicate", "references.bib:7") in got
    assert ("bib-malformed", "references.bib:13") in got
    assert ("bib-missing-field", "references.bib:17") in got
    dup = next(d for d in problems if d.code == "bib-duplicate")
    assert dup.message == "duplicate key 'good' (lines 1 and 7)"


def test_unknown_key_suggests() -> None:
    bib, _ = load_bibliography(FIX / "booklet.bib", "references.bib", ["senn1962"])
    style, _ = load_style("chicago-notes-bibliography", FIX, "en-US")
    assert style is not None and style.is_note_style
    cite = PlacedCitation(Citation((CiteItem("senn1963", line=41, col=7),), False), "manuscript/02-talks.md", 1, False)
    _, _, problems = format_citations(bib, style, [cite])
    assert [d.format() for d in problems] == [
        "manuscript/02-talks.md:41:7: error [cite-unknown] unknown citation key 'senn1963'\n"
        "  hint: did you mean 'senn1966' or 'senn1962'?"
    ]


def test_screen_note_links_entry_and_url() -> None:
    bib, _ = load_bibliography(FIX / "booklet.bib", "references.bib", ["senn1962"])
    style, _ = load_style("chicago-notes-bibliography", FIX, "en-US")
    assert style is not None
    cite = PlacedCitation(Citation((CiteItem("senn1962", locator="502"),), False), "m.md", 1, False)
    _, result, _ = format_citations(bib, style, [cite])
    note = result.notes[0]
    assert "Alfred Erich Senn" in note  # initialize="false"
    assert "1918–1921,”" in note  # punctuation-in-quote
    assert note.startswith('<a class="cite" href="#ref-senn1962">')
    # the DOI is a link of its own, outside the citation's link (links do not nest)
    assert '502</a>, <a class="url" href="https://doi.org/10.2307/3000451">https://doi.org/10.2307/3000451</a>.' in note
    assert result.bibliography[0].key == "senn1962" and result.bibliography_title == "Bibliography"
    assert not any(c in note for c in "{}\\$")
