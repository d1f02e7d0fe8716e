"""Real .bib files nobody here wrote (tests/fixtures/bib/real/): every entry is read without an
error, cited once, printed non-empty and free of LaTeX, and the notes and entries equal Pandoc's
own reading of the same file (its BibTeX reader, its citeproc), except where pinned below."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from test_citeproc_vs_pandoc import _cites, _words, plain

from treatypress.bibliography import (
    Citation,
    CiteItem,
    PlacedCitation,
    format_citations,
    load_bibliography,
    load_style,
)
from treatypress.bibliography.pandoc import pandoc_path
from treatypress.diagnostics import Severity

REAL = Path(__file__).parent / "fixtures" / "bib" / "real"
FILES = sorted(p.name for p in REAL.glob("*.bib"))
# Where Pandoc's own reading differs and ours is the better one, pinned by entry key.
KNOWN = {
    # Pandoc takes "<377::AID-JCC1>" in the DOI for an HTML tag and drops it; we print the DOI
    ("biblatex-examples.bib", "sigfridsson"),
    # the file's own LaTeX commands (\MF, \POSTSCRIPT, \emdash): Pandoc prints them as raw TeX,
    # we print their names and warn (bib-latex-unknown)
    ("texnique.bib", "Carr:TQ5-141"),
    ("texnique.bib", "Childs:TQ7-117"),
    ("texnique.bib", "Ferguson:TQ2-1"),
    ("texnique.bib", "Knuth:TQ13-1"),
}


def _pandoc(bib: Path, style: Path, keys: list[str]) -> tuple[list[str], dict[str, str]]:
    document = "\n\n".join(f"P{i}. [@{{{key}}}]" for i, key in enumerate(keys)) + "\n"
    out = subprocess.run(
        [
            str(pandoc_path()),
            "--citeproc",
            "--csl",
            str(style),
            "--bibliography",
            str(bib),
            "-f",
            "markdown",
            "-t",
            "json",
        ],
        input=document,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    blocks = json.loads(out)["blocks"]
    notes = []
    for cite in _cites([b for b in blocks if b["t"] != "Div"], []):
        content = cite["c"][1]
        made = [n for n in content if n["t"] == "Note"]
        notes.append(plain(_words(made[0]["c"] if made else content)))
    entries = {
        str(d["c"][0][0])[4:]: plain(_words(d["c"][1]))
        for b in blocks
        if b["t"] == "Div" and b["c"][0][0] == "refs"
        for d in b["c"][1]
    }
    return notes, entries


@pytest.mark.parametrize("style_name", ["chicago-notes-bibliography", "apa"])
@pytest.mark.parametrize("name", FILES)
def test_real_bib_file(name: str, style_name: str) -> None:
    bib, problems = load_bibliography(REAL / name, name, ["*"])
    assert not [p.format() for p in problems if p.severity is Severity.ERROR]
    keys = list(bib.records)
    assert len(keys) == len(bib.all_keys) >= 40
    style, _ = load_style(style_name, REAL, "en-US")
    assert style is not None
    placed = [PlacedCitation(Citation((CiteItem(k),), False), "m.md", n + 1, False) for n, k in enumerate(keys)]
    ours, _, found = format_citations(bib, style, placed)
    assert not [p.format() for p in found if p.severity is Severity.ERROR]
    assert all(plain(note) for note in ours.notes)
    assert all(e.html for e in ours.bibliography) and len(ours.bibliography) == len(keys)
    for text in [*ours.notes, *(e.html for e in ours.bibliography)]:
        assert not any(c in plain(text) for c in "{}\\$"), text
    theirs, their_entries = _pandoc(REAL / name, style.path, keys)
    mine = {e.key: plain(e.html) for e in ours.bibliography}
    differ = {key for key, a, b in zip(keys, ours.notes, theirs) if plain(a) != b}
    differ |= {key for key, text in their_entries.items() if mine.get(key) != text}
    assert [e.key for e in ours.bibliography] == list(their_entries)  # the style's order
    assert differ == {k for f, k in KNOWN if f == name}
