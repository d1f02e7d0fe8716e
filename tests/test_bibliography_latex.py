"""Each LaTeX decoding case of issue 4, from tests/fixtures/bib/latex.bib; nothing of LaTeX
may reach the book (no braces, backslashes or dollar signs in any note or entry)."""

from __future__ import annotations

from pathlib import Path

import pytest

from treatypress.bibliography import Citation, CiteItem, PlacedCitation, format_citations, load_bibliography, load_style

FIX = Path(__file__).parent / "fixtures" / "bib"
BIB = FIX / "latex.bib"

CASES = [  # (key, CSL-JSON field, what it must hold)
    ("stroke-l", "author", [{"family": "Łossowski", "given": "Piotr"}]),
    ("caron-dot", "author", [{"family": "Čepėnas", "given": "Pranas"}]),
    ("ogonek", "title", "Książka i wiedza"),
    ("acute", "title", "Józef i wróg"),
    ("tie", "author", [{"family": "Senn", "given": "Alfred Erich"}]),  # a tie between names is a space, as in Pandoc
    ("en-dash", "title", "Lithuania 1918–1920"),
    ("em-dash", "title", "Peace—and war"),
    ("case-braces", "title", 'Twentieth century <span class="nocase">USSR</span> and its neighbours'),
    ("math", "title", "Prices in 5 and x terms"),
]


@pytest.mark.parametrize(("key", "field", "expected"), CASES, ids=[c[0] for c in CASES])
def test_decoding(key: str, field: str, expected: object) -> None:
    bib, _ = load_bibliography(BIB, "latex.bib", [key])
    assert bib.records[key].csl[field] == expected


@pytest.mark.parametrize("style_name", ["chicago-notes-bibliography", "apa"])
def test_no_latex_in_output(style_name: str) -> None:
    keys = [key for key, _, _ in CASES]
    bib, _ = load_bibliography(BIB, "latex.bib", keys)
    style, _ = load_style(style_name, FIX, "en-US")
    assert style is not None
    cites = [
        PlacedCitation(Citation((CiteItem(k, locator="3"),), False), "m.md", n + 1, False) for n, k in enumerate(keys)
    ]
    _, result, problems = format_citations(bib, style, cites)
    assert not problems
    texts = list(result.notes) + [e.html for e in result.bibliography]
    for text in texts:
        assert not any(c in text for c in "{}\\$"), text
    joined = " ".join(texts)
    assert "USSR" in joined  # the protected case survives title and sentence casing
    for word in ("Łossowski", "Čepėnas", "Książka", "Józef", "1918–1920", "Peace—and"):
        assert word in joined, word
