"""Our notes and bibliography against ``pandoc --citeproc`` (same .bib, same CSL file).

The citations are the manuscript's own, and those of a small fixture manuscript
(``tests/fixtures/bib/forms/``) with the citation forms and locator labels the booklet does not
use: each chapter is parsed with our citation plugin, in reading order (a note's citations
where the note is called), and the same sequence is written as one Pandoc Markdown document
(one paragraph per note) that Pandoc reads and formats itself. Its citations are read back from
its JSON output in document order. Notes and bibliography entries are compared modulo markup
and whitespace, and every one must agree.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pypandoc
import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from treatypress.bibliography import PlacedCitation, format_citations, load_bibliography, load_style
from treatypress.markdown.citations import citations_plugin
from treatypress.resolve.walk import footnote_bodies

ROOT = Path(__file__).parent.parent
BIB = ROOT / "references.bib"
STYLES = ("chicago-notes-bibliography", "apa")
MANUSCRIPTS = {
    "booklet": ROOT / "manuscript",
    "forms": ROOT / "tests" / "fixtures" / "bib" / "forms",
    "forms-de": ROOT / "tests" / "fixtures" / "bib" / "forms-de",
}
LOCALES = {"forms-de": "de-DE"}  # the others are en-US


@dataclass(frozen=True)
class Found:
    """One citation of the manuscript, with the note it sits in."""

    placed: PlacedCitation
    source: str  # the citation as written, e.g. "[@senn1962, 3]"


def _parser() -> MarkdownIt:
    return (
        MarkdownIt("commonmark")
        .use(front_matter_plugin)
        .use(footnote_plugin, inline=True)
        .use(citations_plugin)
        .use(attrs_plugin, spans=True)
    )


@cache
def manuscript(folder: Path = MANUSCRIPTS["booklet"]) -> tuple[tuple[Found, ...], tuple[int, ...]]:
    """Every citation in reading order, and the note numbers of notes without citations."""
    found: list[Found] = []
    plain_notes: list[int] = []
    note = 0
    for path in sorted(folder.glob("*.md")):
        env: dict[str, Any] = {}
        tokens = _parser().parse(path.read_text(encoding="utf-8"), env)
        bodies = footnote_bodies(tuple(tokens))  # the pipeline's own reading of note bodies
        notes = env.get("footnotes", {}).get("list", {})

        def walk(tokens: list[Token], in_note: bool) -> None:  # called at once, for this file only
            nonlocal note
            for token in tokens:
                if token.type == "footnote_block_open":
                    return
                if token.children:
                    walk(token.children, in_note)
                elif token.type == "footnote_ref":
                    note += 1
                    before = len(found)
                    body = notes[token.meta["id"]].get("tokens") or bodies.get(token.meta["id"], [])  # noqa: B023
                    walk(body, True)
                    if len(found) == before:
                        plain_notes.append(note)
                elif token.type == "citation":
                    if not in_note:
                        note += 1
                    placed = PlacedCitation(token.meta["citation"], path.name, note, in_note)  # noqa: B023
                    found.append(Found(placed, token.content))

        walk(tokens, False)
    return tuple(found), tuple(plain_notes)


def pandoc_document(found: tuple[Found, ...], plain_notes: tuple[int, ...]) -> str:
    """The same citations and notes, one paragraph per note: a note's citations inside it."""
    paragraphs: list[str] = []
    numbers = sorted({f.placed.note_number for f in found} | set(plain_notes))
    for i, number in enumerate(numbers):
        here = [f for f in found if f.placed.note_number == number]
        if not here:
            paragraphs.append(f"P{i}.^[A plain note.]")
        elif here[0].placed.in_note:
            paragraphs.append(f"P{i}.^[Note: " + " and ".join(f.source for f in here) + " end.]")
        else:
            paragraphs.extend(f"P{i}. {f.source}" for f in here)
    return "\n\n".join(paragraphs) + "\n"


def plain(text: str) -> str:
    text = re.sub(r"<[^>]+>", "", text)
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


def _words(node: Any) -> str:
    """The text of Pandoc JSON inlines or blocks (no Notes)."""
    if isinstance(node, list):
        return "".join(_words(n) for n in node)
    if not isinstance(node, dict):
        return ""
    kind, content = node["t"], node.get("c", [])
    if kind == "Str":
        return str(content)
    if kind in ("Space", "SoftBreak", "LineBreak"):
        return " "
    if kind == "Quoted":
        marks = ("\u201c", "\u201d") if content[0]["t"] == "DoubleQuote" else ("\u2018", "\u2019")
        return marks[0] + _words(content[1]) + marks[1]
    if kind in ("Span", "Link", "Div"):
        return _words(content[1])
    if kind in ("Code", "Math", "RawInline"):
        return str(content[1])
    if kind == "Note":
        return ""
    return _words(content)


def _cites(node: Any, out: list[Any]) -> list[Any]:
    if isinstance(node, dict):
        if node.get("t") == "Cite":
            out.append(node)
        else:
            _cites(node.get("c"), out)
    elif isinstance(node, list):
        for child in node:
            _cites(child, out)
    return out


def run_pandoc(style_path: Path, document: str, locale: str = "en-US") -> tuple[list[str], list[tuple[str, str]]]:
    """Pandoc's markdown route: each citation's text in reading order ("name | note" for a
    citation Pandoc turned into a note with the author's name kept in the text), and the entries."""
    out = subprocess.run(
        [
            pypandoc.get_pandoc_path(),
            "--citeproc",
            "--csl",
            str(style_path),
            "--bibliography",
            str(BIB),
            "-f",
            "markdown",
            "-t",
            "json",
        ],
        input=f"---\nlang: {locale}\n---\n\n" + document,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    blocks = json.loads(out)["blocks"]
    notes: list[str] = []
    for cite in _cites([b for b in blocks if b["t"] != "Div"], []):
        content = cite["c"][1]
        made = [n for n in content if n["t"] == "Note"]
        if made:
            name = plain(_words(content[: content.index(made[0])]))
            notes.append((name + " | " if name else "") + plain(_words(made[0]["c"])))
        else:
            notes.append(plain(_words(content)))
    refs = [b for b in blocks if b["t"] == "Div" and b["c"][0][0] == "refs"]
    # an entry the style prints as nothing is an empty div in Pandoc's output; we leave it out
    entries = [(str(d["c"][0][0])[4:], plain(_words(d["c"][1]))) for r in refs for d in r["c"][1]]
    return notes, [(k, t) for k, t in entries if t]


@pytest.mark.parametrize("name", MANUSCRIPTS)
@pytest.mark.parametrize("style_name", STYLES)
def test_agrees_with_pandoc(style_name: str, name: str) -> None:
    found, plain_notes = manuscript(MANUSCRIPTS[name])
    assert len(found) >= {"booklet": 30, "forms": 25}.get(name, 8)  # issue 11: at least 30 in the booklet
    locale = LOCALES.get(name, "en-US")
    style, _ = load_style(style_name, ROOT, locale)
    assert style is not None
    placed = [f.placed for f in found]
    keys = {item.key for p in placed for item in p.citation.items}
    bib, _ = load_bibliography(BIB, "references.bib", keys, locale=locale)
    ours, _, problems = format_citations(bib, style, placed)
    assert not problems
    theirs, their_entries = run_pandoc(style.path, pandoc_document(found, plain_notes), locale)
    assert len(theirs) == len(found)
    # options = {skipbib} is biblatex's, which Pandoc's BibTeX reader does not know
    their_entries = [(k, t) for k, t in their_entries if not bib.records[k].skip_bib]
    ours_text = [(f"{a} | " if a else "") + n for n, a in zip(ours.notes, ours.in_text)]
    pairs = [(f"{f.placed.path} {f.source}", plain(a), b) for f, a, b in zip(found, ours_text, theirs)]
    pairs.append(
        ("bibliography order", " ".join(e.key for e in ours.bibliography), " ".join(k for k, _ in their_entries))
    )
    mine = {e.key: plain(e.html) for e in ours.bibliography}
    pairs += [(f"bibliography {key}", mine.get(key, ""), text) for key, text in their_entries]
    differ = {where: (a, b) for where, a, b in pairs if a != b}
    report = "\n".join(f"{w}\n  ours:   {a}\n  pandoc: {b}" for w, (a, b) in differ.items())
    print(f"{name}, {style_name}: {len(pairs) - len(differ)}/{len(pairs)} agree\n{report}")
    assert not differ, report
