"""Issue 9's cases, each in a small real book checked and built through the CLI: nothing a
.bib file or a citation says may be dropped or garbled in silence."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest

from treatypress.cli import main

BOOK_TOML = """[book]
title = "Cases"
authors = ["A. Tester"]
language = "en"
date = "2026"
slug = "cases"

[contents]
chapters = ["01.md"]

[citations]
style = "{style}"
{extra}
"""

ENTRIES = r"""
@book{senn1966,
  author    = {Senn, Alfred Erich},
  title     = {The Great Powers, Lithuania and the Vilna Question, 1920--1928},
  publisher = {Brill},
  location  = {Leiden},
  date      = {1966},
}
@book{lossowski1995,
  author    = {{\L}ossowski, Piotr},
  title     = {Konflikt polsko-litewski 1918--1920},
  publisher = {Ksi{\k{a}}{\.z}ka i Wiedza},
  location  = {Warszawa},
  date      = {1995},
  langid    = {polish},
}
"""


def make_book(root: Path, text: str, bib: str, *, style: str = "chicago-notes-bibliography", extra: str = "") -> Path:
    (root / "manuscript").mkdir(parents=True)
    (root / "manuscript" / "book.toml").write_text(BOOK_TOML.format(style=style, extra=extra), encoding="utf-8")
    (root / "manuscript" / "01.md").write_text("# Chapter\n\n" + text, encoding="utf-8")
    (root / "references.bib").write_text(bib, encoding="utf-8")
    return root


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(args)
    return code, capsys.readouterr().err


def build_html(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    """(the web edition's HTML, what build printed); check must have printed the same problems."""
    code, checked = run(["check", str(root)], capsys)
    built_code, built = run(["build", str(root), "--format", "html", "--out", str(root / "dist")], capsys)
    assert code == built_code == 0, built
    assert _problems(checked) == _problems(built)
    (page,) = (root / "dist").glob("*.html")
    return page.read_text(encoding="utf-8"), built


def refuse(root: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """What check printed for a book that must not build; build must refuse it the same way."""
    code, checked = run(["check", str(root)], capsys)
    built_code, built = run(["build", str(root), "--format", "html", "--out", str(root / "dist")], capsys)
    assert code == built_code == 1
    assert _problems(checked) == _problems(built)
    assert not (root / "dist").exists() or not any((root / "dist").iterdir())
    return checked


def _problems(output: str) -> list[str]:
    return [line for line in output.splitlines() if re.search(r"(error|warning) \[", line)]


def bibliography(page: str) -> dict[str, str]:
    return {
        key: _text(body) for key, body in re.findall(r'<p class="csl-entry" id="ref-([^"]+)">(.*?)</p>', page, re.S)
    }


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", html))).strip()


# 1. nocite ------------------------------------------------------------------------------------


def test_nocite_lists_named_keys(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bib = ENTRIES + "@book{extra, author = {Debo, Richard K.}, title = {Survival and Consolidation}, date = {1992}}\n"
    root = make_book(tmp_path, "Text [@senn1966, 12].\n", bib, extra='nocite = ["lossowski1995"]')
    page, printed = build_html(root, capsys)
    assert list(bibliography(page)) == ["lossowski1995", "senn1966"]
    assert "Łossowski, Piotr. Konflikt polsko-litewski 1918–1920" in bibliography(page)["lossowski1995"]
    assert "never cited: extra" in printed and "lossowski1995" not in printed


def test_nocite_star_lists_every_entry(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bib = ENTRIES + "@book{extra, author = {Debo, Richard K.}, title = {Survival and Consolidation}, date = {1992}}\n"
    root = make_book(tmp_path, "Text [@senn1966, 12].\n", bib, extra='nocite = ["*"]')
    page, printed = build_html(root, capsys)
    assert sorted(bibliography(page)) == ["extra", "lossowski1995", "senn1966"]
    assert "never cited" not in printed


# 2. nothing vanishes in silence ---------------------------------------------------------------

ENCYCLOPEDIA = r"""
@inreference{enclit,
  editor    = {Su\v{z}ied\.{e}lis, Simas},
  title     = {Moscow, Treaty of},
  booktitle = {Encyclopedia Lituanica},
  volume    = {3},
  location  = {Boston},
  date      = {1970/1978},
  pages     = {554--555},
}
"""


def test_entry_the_style_leaves_out_is_named_not_emptied(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_book(tmp_path, "Text [@enclit, 554; @senn1966].\n", ENTRIES + ENCYCLOPEDIA, extra="")
    page, printed = build_html(root, capsys)
    assert "references.bib:18: warning [bib-omitted] 'enclit' is left out of the bibliography" in printed
    assert 'id="ref-enclit"' not in page and '<p class="csl-entry" id="ref-senn1966">' in page
    assert not re.search(r'<p class="csl-entry"[^>]*>\s*</p>', page)
    assert "Encyclopedia Lituanica" in page  # the note keeps it
    assert 'href="#ref-enclit"' not in page  # and links nowhere


def test_skipbib_leaves_out_knowingly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bib = ENTRIES + ENCYCLOPEDIA.replace("pages     = {554--555},", "pages = {554--555}, options = {skipbib},")
    page, printed = build_html(make_book(tmp_path, "Text [@enclit, 554].\n", bib), capsys)
    assert "bib-omitted" not in printed and 'id="ref-enclit"' not in page


def test_misc_with_howpublished_keeps_its_publisher(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bib = (
        ENTRIES
        + "@misc{leaflet, author = {Smith, John}, title = {A Leaflet}, howpublished = {Harbour Press}, year = {2020}}\n"
    )
    page, _ = build_html(make_book(tmp_path, "Text [@leaflet].\n", bib), capsys)
    assert "Harbour Press" in bibliography(page)["leaflet"]
    notes = re.findall(r"<aside[^>]*>(.*?)</aside>", page, re.S)
    assert any("Harbour Press" in _text(n) for n in notes)


EMPTY_STYLE = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="note" version="1.0" default-locale="en-US">
  <info><title>Titles only</title><id>titles-only</id><updated>2026-01-01T00:00:00+00:00</updated></info>
  <citation><layout suffix="."><text variable="title"/></layout></citation>
  <bibliography><layout><text variable="title"/></layout></bibliography>
</style>
"""


def test_citation_that_prints_nothing_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bib = ENTRIES + "@book{untitled, author = {Smith, John}, year = {2020}}\n"
    root = make_book(tmp_path, "Text [@senn1966].\n\nMore [@untitled].\n", bib, style="titles.csl")
    (root / "titles.csl").write_text(EMPTY_STYLE, encoding="utf-8")
    printed = refuse(root, capsys)
    assert "manuscript/01.md:5:7: error [cite-empty] the citation of 'untitled' prints nothing" in printed
    assert "a title" in printed  # what it lacks


# 3., 5., 6. the .bib file ---------------------------------------------------------------------


def test_missing_comma_is_an_error_at_its_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bib = (
        ENTRIES + "@book{ports,\n  title = {Railways and Ports}\n  publisher = {Harbour Press},\n  year = {2020},\n}\n"
    )
    printed = refuse(make_book(tmp_path, "Text [@ports].\n", bib), capsys)
    assert "references.bib:18:30: error [bib-missing-comma] a comma is missing before field 'publisher'" in printed


def test_undefined_macro_and_missing_crossref_are_located(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bib = ENTRIES + (
        "@book{macro,\n  author = {Smith, John},\n  title = {Records},\n"
        "  publisher = undefinedmacro # { Press},\n  year = {2020},\n}\n"
        "@incollection{child,\n  author = {Smith, John},\n  title = {Chapter},\n"
        "  crossref = {nosuchbook},\n  year = {2020},\n}\n"
    )
    printed = refuse(make_book(tmp_path, "Text [@macro; @child].\n", bib), capsys)
    assert (
        "references.bib:20: error [bib-undefined-macro] field 'publisher' of entry 'macro' uses "
        "'undefinedmacro', which no @string defines"
    ) in printed
    assert "references.bib:23: error [bib-crossref] entry 'child' has crossref = {nosuchbook}" in printed


def test_macros_concatenate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bib = (
        '@string{harbour = "Harbour"}\n'
        + ENTRIES
        + "@book{ports, author = {Smith, John}, title = {Ports}, publisher = harbour # { Press}, year = 2020}\n"
    )
    page, _ = build_html(make_book(tmp_path, "Text [@ports].\n", bib), capsys)
    assert "Harbour Press" in bibliography(page)["ports"]


def test_preamble_with_percent_and_comments_between_fields(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bib = (
        '@preamble{"\\newcommand{\\pct}{50%} % not a comment in a string"}\n'
        + ENTRIES
        + "@book{ports,\n  author = {Smith, John},\n  title = {Ports},  % a comment, as Pandoc and biber allow\n"
        "  langid = {english},\n  year = {2020},\n}\n"
    )
    page, printed = build_html(make_book(tmp_path, "Text [@ports].\n", bib), capsys)
    assert "error" not in printed
    assert bibliography(page)["ports"] == "Smith, John. Ports. 2020."


# 4., 9. names --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("chicago-notes-bibliography", "Baltic Port Archive. Records. 2020."),
        ("apa", "Baltic Port Archive. (2020). Records."),
    ],
)
def test_corporate_author_in_double_braces(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], style: str, expected: str
) -> None:
    bib = ENTRIES + "@book{archive, author = {{Baltic Port Archive}}, title = {Records}, year = {2020}}\n"
    page, _ = build_html(make_book(tmp_path, "Text [@archive; @senn1966].\n", bib, style=style), capsys)
    entries = bibliography(page)
    assert entries["archive"] == expected
    assert list(entries) == ["archive", "senn1966"]  # sorted under B, before S


def test_editor_stands_in_for_the_author(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bib = ENTRIES + (
        "@book{enc, editor = {Su\\v{z}ied\\.{e}lis, Simas}, title = {Encyclopedia Lituanica},"
        " publisher = {Juozas Kapo\\v{c}ius}, location = {Boston}, date = {1970}}\n"
    )
    page, _ = build_html(make_book(tmp_path, "Text [@enc; @lossowski1995].\n", bib), capsys)
    entries = bibliography(page)
    assert entries["enc"].startswith("Sužiedėlis, Simas, ed. Encyclopedia Lituanica.")
    assert list(entries) == ["lossowski1995", "enc"]  # Ł sorts with L, before S


# 7., 8. what the citations print --------------------------------------------------------------


def test_locator_ampersand_is_escaped_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page, _ = build_html(make_book(tmp_path, "Text [@senn1966, 213 & 235].\n", ENTRIES), capsys)
    assert "213 &amp; 235" in page and "&amp;amp;" not in page


def test_no_doubled_punctuation_after_citations_in_notes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (
        "A sentence.[^1] Another.[^2]\n\n"
        "[^1]: As shown by @senn1966.\n"
        "[^2]: See @lossowski1995, an early study, and @senn1966 [p. 3], whose title says it.\n"
    )
    page, _ = build_html(make_book(tmp_path, text, ENTRIES), capsys)
    notes = " ".join(_text(n) for n in re.findall(r"<aside[^>]*>(.*?)</aside>", page, re.S))
    assert "(Brill, 1966)." in notes
    assert not re.search(r"\.\.|\.,|\.”,|\., ", notes), notes


def test_check_reports_what_only_a_handout_cites(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bib = ENTRIES + "@book{macro,\n  author = {Smith, John},\n  title = {Records},\n  publisher = nosuch,\n}\n"
    root = make_book(tmp_path, "Text [@senn1966].\n", bib, extra='nocite = ["lossowski1995"]')
    (root / "manuscript" / "handouts").mkdir()
    (root / "manuscript" / "handouts" / "sheet.md").write_text(
        "---\ntitle: Sheet\n---\n# Sheet\n\nA handout [@macro].\n", encoding="utf-8"
    )
    code, checked = run(["check", str(root)], capsys)
    built_code, built = run(["build", str(root), "--format", "handouts", "--out", str(root / "dist")], capsys)
    assert code == built_code == 1
    expected = (
        "references.bib:20: error [bib-undefined-macro] field 'publisher' of entry 'macro' uses 'nosuch', "
        "which no @string defines"
    )
    assert expected in checked and expected in built
    assert checked.count("[bib-undefined-macro]") == 1


def test_url_and_doi_fields_are_printed_as_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """biblatex's verbatim fields are not LaTeX: a straight apostrophe, a percent sign and an
    underscore survive, in the printed address and in the link."""
    bib = r"""
@online{mutiny,
  title     = {{Żeligowski's Mutiny}},
  publisher = {Wikipedia},
  url       = {https://en.wikipedia.org/wiki/Żeligowski's_Mutiny?a=50%25&b=x\_y},
  date      = {2024},
}
@article{doied,
  author  = {Doe, Jane},
  title   = {On Addresses},
  journal = {Journal of Tests},
  volume  = {3},
  date    = {2020},
  doi     = {10.1000/a_b%c},
}
"""
    page, _ = build_html(make_book(tmp_path, "Text [@mutiny]. More [@doied].\n", bib), capsys)
    entries = bibliography(page)
    url = "https://en.wikipedia.org/wiki/Żeligowski's_Mutiny?a=50%25&b=x_y"
    assert url in entries["mutiny"], entries["mutiny"]
    assert f'href="{url}"' in unescape(page)
    assert "10.1000/a_b%c" in entries["doied"], entries["doied"]
