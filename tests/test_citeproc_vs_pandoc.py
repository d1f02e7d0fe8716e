"""Our notes and bibliography against ``pandoc --citeproc`` (same .bib, same CSL file).

Compared modulo markup and whitespace. Not every note agrees yet: the agreeing counts are
pinned as floors (raise them as fixes land) and the report lists the differences.
"""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path

import pypandoc
import pytest

from treatypress.bibliography import Citation, CiteItem, PlacedCitation, format_citations, load_bibliography, load_style

FIX = Path(__file__).parent / "fixtures" / "bib"
KEYS = ["eidintas1999", "senn1962", "gerutis1984", "lossowski1995", "debo1992", "snyder2004",
        "suziedelis1970moscow", "skirius2002", "paleckis2006", "rudokas2005", "strazas1996", "cepenas1986"]
# style -> minimum number of agreeing pieces (notes + bibliography entries), measured 2026-11-27
FLOORS = {"chicago-notes-bibliography": 19, "apa": 32}


def plain(text: str) -> str:
    text = re.sub(r"<[^>]+>", "", text)
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


def pandoc(style_path: str, bib: Path, note: bool) -> tuple[list[str], dict[str, str]]:
    body = "\n\n".join(f"Para {i}.[@{k}, 12]" for i, k in enumerate(KEYS))
    body += "\n\n" + "\n\n".join(f"Again {i}.[@{k}, 13]" for i, k in enumerate(KEYS))
    out = subprocess.run([pypandoc.get_pandoc_path(), "--citeproc", "--csl", style_path, "--bibliography",
                          str(bib), "-f", "markdown", "-t", "html", "--wrap=none"],
                         input=body, capture_output=True, text=True, check=True).stdout
    if note:
        cites = re.findall(r'<li id="fn\d+"><p>(.*?)<a href="#fnref', out, re.S)
    else:
        cites = re.findall(r'<span class="citation"[^>]*>(.*?)</span>', out, re.S)
    entries = dict(re.findall(r'<div id="ref-([^"]+)" class="csl-entry"[^>]*>(.*?)</div>', out, re.S))
    return [plain(c) for c in cites], {k: plain(v) for k, v in entries.items()}


@pytest.mark.parametrize("style_name", sorted(FLOORS))
def test_agrees_with_pandoc(style_name: str) -> None:
    style, _ = load_style(style_name, FIX, "en-US")
    assert style is not None
    bib, _ = load_bibliography(FIX / "booklet.bib", "references.bib", KEYS)
    placed = [PlacedCitation(Citation((CiteItem(k, locator=loc),), False), "m.md", n + 1, False)
              for n, (k, loc) in enumerate([(k, "12") for k in KEYS] + [(k, "13") for k in KEYS])]
    ours, problems = format_citations(bib, style, placed, expand_ibid=False, link=False)
    assert not problems
    their_notes, their_bib = pandoc(str(style.path), FIX / "booklet.bib", style.is_note_style)
    our_notes = [plain(n) for n in ours.notes]
    if not style.is_note_style:  # Pandoc prints the in-text parentheses; the style gives them
        their_notes = [n for n in their_notes]
    pairs = list(zip(our_notes, their_notes)) + [(plain(e.html), their_bib.get(e.key, "")) for e in ours.bibliography]
    agree = sum(a == b for a, b in pairs)
    report = "\n".join(f"ours:   {a}\npandoc: {b}\n" for a, b in pairs if a != b)
    print(f"{style_name}: {agree}/{len(pairs)} agree\n{report}")
    assert agree >= FLOORS[style_name], report
