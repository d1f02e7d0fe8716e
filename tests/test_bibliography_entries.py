"""Every cited and nocite work has a bibliography entry (the target of "#ref-KEY" links)."""

from __future__ import annotations

from pathlib import Path

import pytest

from treatypress.bibliography import Citation, CiteItem, PlacedCitation, format_citations, load_bibliography, load_style

ROOT = Path(__file__).parent.parent
BIB = ROOT / "references.bib"


def _format(style_name: str, cited: list[str], nocite: tuple[str, ...] = (), path: Path = BIB) -> list[tuple[str, str]]:
    bib, _ = load_bibliography(path, "references.bib", [*cited, *nocite], nocite=nocite)
    style, _ = load_style(style_name, ROOT, "en-US")
    assert style is not None
    cites = [PlacedCitation(Citation((CiteItem(k),), False), "m.md", n + 1, False) for n, k in enumerate(cited)]
    _, result, problems = format_citations(bib, style, cites)
    assert not problems
    return [(e.key, e.html) for e in result.bibliography]


@pytest.mark.parametrize("style_name", ["chicago-notes-bibliography", "apa"])
def test_every_cited_and_nocite_work_has_an_entry(style_name: str) -> None:
    # ruksa-kovos: a @book with no year
    cited = ["ruksa-kovos", "senn1962"]
    entries = _format(style_name, cited, nocite=("snyder2004",))
    assert sorted(k for k, _ in entries) == sorted([*cited, "snyder2004"])
    ruksa = dict(entries)["ruksa-kovos"]
    assert "Ruksa" in ruksa and "n.d." in ruksa
    assert all(html for _, html in entries)


def test_skipbib_entry_is_cited_but_not_listed(tmp_path: Path) -> None:
    # suziedelis1970moscow made an unsigned encyclopedia entry with options = {skipbib} (the booklet itself
    # lists it, as further reading, since issue 11)
    path = tmp_path / "references.bib"
    path.write_text(
        BIB.read_text(encoding="utf-8").replace(
            "@incollection{suziedelis1970moscow,", "@inreference{suziedelis1970moscow,\n  options = {skipbib},"
        ),
        encoding="utf-8",
    )
    entries = dict(_format("apa", ["suziedelis1970moscow", "senn1962"], path=path))
    assert list(entries) == ["senn1962"]


def test_works_without_author_sort_by_substitute() -> None:
    keys = ["senn1962", "lnts1920", "historyjabelarusi2006", "debo1992", "gerutis1984"]
    order = [k for k, _ in _format("chicago-notes-bibliography", keys)]
    # Debo < Gerutis < Lithuania and Soviet... < Senn < Гісторыя (Cyrillic last)
    assert order == ["debo1992", "gerutis1984", "lnts1920", "senn1962", "historyjabelarusi2006"]


def test_year_suffixes_for_author_date() -> None:
    bib, _ = load_bibliography(BIB, "references.bib", ["suziedelis1970moscow", "suziedelis1970independence"])
    style, _ = load_style("apa", ROOT, "en-US")
    assert style is not None
    cites = [
        PlacedCitation(Citation((CiteItem(k),), False), "m.md", n + 1, False)
        for n, k in enumerate(["suziedelis1970moscow", "suziedelis1970independence"])
    ]
    printed, _, _ = format_citations(bib, style, cites)
    assert "1970–1978b" in printed.notes[0] and "1970–1978a" in printed.notes[1]
    chicago = dict(_format("chicago-notes-bibliography", ["lossowski1995", "lossowski2001"]))
    assert not any("1995a" in h or "2001a" in h for h in chicago.values())
