"""A generated A5 book that is hard on page footnotes (issue 6).

``stress_html(seed, notes)`` returns a complete HTML document in the print
edition's footnote convention::

    <section class="chapter" id="ch1"> ...
      text<a class="fn-call" id="fnref-ch1-3"></a><span class="footnote"
      id="fn-ch1-3">note text</span> more text

It mixes what made WeasyPrint 70 misplace or drop notes in the 98-note
booklet: notes of one to about ten lines, several notes per paragraph, two
short notes in one sentence, notes in lists, block quotes and tables, and
enough of them that calls land on the last line of many pages and long notes
fall near page ends. The output depends only on ``seed`` and ``notes``.

``huge_notes`` makes that many notes (chosen by the seed) 200 to 260 words
long, about half an A5 page each: the books on which the footnote check once
raised false alarms (issue 10).

Run ``python benchmarks/stressbook.py [seed] [notes] [huge] > book.html`` to
look at one, or ``--pdf out.pdf`` to render it with treatypress' footnote CSS.

``stress_book(folder, pages, seed)`` writes a whole book folder instead (book.toml, Markdown
chapters, the default book's bibliography and timeline figure) of about ``pages`` A5 pages,
hard on the printed page (issue 15): paragraphs of every length, headings with year ranges,
notes with page ranges and URLs, figures and tables at random places, index ranges.
``python benchmarks/stressbook.py --book DIR [--pages 300] [--check]`` writes it, builds its
PDF with treatypress and, with ``--check``, runs the print checks of tests/printcheck.py on it
(pdfplumber reads all ~290 pages several times: the checks take longer than the build).
"""

from __future__ import annotations

import html
import random
import re
import sys
from pathlib import Path

__all__ = ["BOOK_CSS", "CONVENTION_CSS", "FONT_DIR", "FOOTNOTES_CSS", "stress_html"]

FONT_DIR = Path(__file__).resolve().parents[1] / "src" / "treatypress" / "styles" / "fonts"

FOOTNOTES_CSS = Path(__file__).resolve().parents[1] / "src" / "treatypress" / "styles" / "css" / "footnotes.css"

# A realistic print CSS for the booklet: A5, running heads, folios, 10.5pt
# Charis, hyphenation, widows and orphans of 2. Its footnote rules come from
# styles/css/footnotes.css (@imported first, as the lead's print CSS will), or
# from ``footnote_css`` to measure other rules, such as CONVENTION_CSS.
BOOK_CSS = """
@font-face { font-family: "Charis SIL"; src: url("{fonts}/CharisSIL-Regular.ttf"); }
@font-face { font-family: "Charis SIL"; font-style: italic;
             src: url("{fonts}/CharisSIL-Italic.ttf"); }
@font-face { font-family: "Charis SIL"; font-weight: bold;
             src: url("{fonts}/CharisSIL-Bold.ttf"); }
@font-face { font-family: "Charis SIL"; font-weight: bold; font-style: italic;
             src: url("{fonts}/CharisSIL-BoldItalic.ttf"); }

@page {
  size: A5;
  margin: 18mm 20mm 20mm 20mm;
  @bottom-center { content: counter(page); font: 9pt "Charis SIL"; }
}
@page :left { @top-left { content: string(booktitle); font: italic 9pt "Charis SIL"; } }
@page :right { @top-right { content: string(chaptitle); font: italic 9pt "Charis SIL"; } }
@page :nth(1 of chapter) { @top-right { content: none; } @top-left { content: none; } }

html { font-family: "Charis SIL", serif; font-size: 10.5pt; line-height: 1.3; }
body { margin: 0; }
h1.booktitle { string-set: booktitle content(); font-size: 18pt; text-align: center; }
section.chapter { page: chapter; break-before: page; counter-reset: footnote; }
section.chapter h1 { string-set: chaptitle content(); font-size: 15pt; font-weight: normal;
                     margin: 12mm 0 8mm; break-after: avoid; }
section.chapter h2 { font-size: 11pt; font-style: italic; font-weight: normal;
                     margin: 1.2em 0 .4em; break-after: avoid; }
p { margin: 0; text-align: justify; hyphens: auto; orphans: 2; widows: 2; }
p + p { text-indent: 1.2em; }
blockquote { margin: .6em 1.2em; font-size: 9.5pt; }
ul, ol { margin: .5em 0; padding-left: 1.4em; }
li { orphans: 2; widows: 2; text-align: justify; hyphens: auto; }
table { border-collapse: collapse; margin: .7em 0; font-size: 9pt; width: 100%;
        break-inside: avoid; }
th, td { border-top: .4pt solid #000; border-bottom: .4pt solid #000;
         padding: 2pt 4pt; text-align: left; vertical-align: top; }
"""

# The lead's footnote convention as given in issue 6, for comparison.
CONVENTION_CSS = """
span.footnote { float: footnote; footnote-policy: line; font-size: 8.5pt; line-height: 1.25; }
span.footnote::footnote-call { content: counter(footnote); vertical-align: super;
                               font-size: 65%; line-height: 0; }
span.footnote::footnote-marker { content: counter(footnote) ". "; }
"""

_WORDS = (
    "treaty party parties state states convention article protocol obligation "
    "reservation ratification accession depositary signature consent interpretation "
    "provision provisions commission court tribunal dispute settlement arbitration "
    "jurisdiction sovereignty territory boundary delimitation waters shelf maritime "
    "customary practice opinio juris doctrine commentary travaux préparatoires "
    "good faith pacta sunt servanda rebus sic stantibus termination suspension "
    "breach remedy reparation compensation restitution satisfaction countermeasure "
    "the the the of of of and and to in in a a is was that which by for with as "
    "its their this such under between upon within without against however "
    "nevertheless accordingly moreover therefore although whereas notably "
    "considered held found observed concluded argued maintained rejected accepted "
    "applied invoked relied declined recalled noted emphasised clarified"
).split()

_SOURCES = (
    "Vienna Convention on the Law of Treaties, art. 31(1)",
    "North Sea Continental Shelf (FRG v Denmark), ICJ Reports 1969, p. 3, para. 74",
    "Gabčíkovo-Nagymaros Project (Hungary/Slovakia), ICJ Reports 1997, p. 7",
    "Reservations to the Genocide Convention, ICJ Reports 1951, p. 15",
    "ILC, Guide to Practice on Reservations to Treaties (2011), guideline 4.5.3",
    "Fisheries Jurisdiction (UK v Iceland), ICJ Reports 1973, p. 3, para. 36",
    "Free Zones of Upper Savoy and the District of Gex, PCIJ Ser. A/B No 46",
    "Kasikili/Sedudu Island (Botswana/Namibia), ICJ Reports 1999, p. 1045",
)


def _sentence(rng: random.Random, low: int = 8, high: int = 22) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(low, high))]
    text = " ".join(words)
    return text[0].upper() + text[1:]


def _note_text(rng: random.Random, kind: str) -> str:
    """Note text of a given kind: short (1 line), medium (2-4), long (6-10)."""
    if kind == "short":
        return f"{rng.choice(_SOURCES)}."
    if kind == "medium":
        parts = [rng.choice(_SOURCES) + ";"] + [_sentence(rng) + "." for _ in range(rng.randint(1, 2))]
        return " ".join(parts)
    # About 75 characters fit on an 8.5pt line of the A5 measure; 6 to 10
    # lines is 450 to 750 characters.
    parts = [f"See {rng.choice(_SOURCES)}."]
    while sum(len(p) + 1 for p in parts) < rng.randint(450, 750):
        parts.append(_sentence(rng, 10, 24) + ".")
    return " ".join(parts)


class _Notes:
    """Hands out note ids and markup, chapter by chapter, up to a total."""

    def __init__(self, rng: random.Random, total: int) -> None:
        self.rng = rng
        self.total = total
        self.made = 0
        self.chapter = ""
        self.number = 0

    def start_chapter(self, chapter: str) -> None:
        self.chapter = chapter
        self.number = 0

    def left(self) -> int:
        return self.total - self.made

    def note(self, kind: str | None = None) -> str:
        if kind is None:
            kind = self.rng.choices(("short", "medium", "long"), (5, 4, 2))[0]
        self.made += 1
        self.number += 1
        ident = f"{self.chapter}-{self.number}"
        text = html.escape(_note_text(self.rng, kind))
        # No whitespace between the call anchor and the note: the checker finds
        # the call's page from the anchor, which must sit on the call's line.
        return f'<a class="fn-call" id="fnref-{ident}"></a><span class="footnote" id="fn-{ident}">{text}</span>'


def _words_with_notes(rng: random.Random, notes: _Notes, sentences: int, note_count: int) -> str:
    """Running text of ``sentences`` sentences carrying ``note_count`` notes."""
    out: list[str] = []
    slots = sorted(rng.sample(range(sentences), min(note_count, sentences)))
    for i in range(sentences):
        sentence = _sentence(rng)
        if i in slots and notes.left() > 0:
            words = sentence.split()
            cut = rng.randint(2, len(words))
            sentence = " ".join(words[:cut]) + notes.note() + " " + " ".join(words[cut:])
        out.append(sentence.rstrip() + ".")
    return " ".join(out)


def _two_notes_one_sentence(rng: random.Random, notes: _Notes) -> str:
    # The booklet's vanished note was a short note sharing its paragraph with
    # another; here two short notes sit in one sentence, a few words apart.
    first, second = notes.note("short"), notes.note("short")
    return (
        f"{_sentence(rng, 4, 6)}{first} and, as the tribunal {rng.choice(_WORDS)}"
        f"{second} in the same breath, {_sentence(rng, 5, 9).lower()}."
    )


def _chapter(rng: random.Random, notes: _Notes, number: int, budget: int) -> str:
    chapter = f"ch{number}"
    notes.start_chapter(chapter)
    stop_at = notes.left() - budget
    parts = [
        f'<section class="chapter" id="{chapter}">',
        f"<h1>Chapter {number}: {html.escape(_sentence(rng, 3, 6))}</h1>",
    ]
    block = 0
    while notes.left() > max(stop_at, 0):
        block += 1
        kind = block % 9
        if kind == 3 and notes.left() >= 2:
            items = "".join(
                f"<li>{_words_with_notes(rng, notes, rng.randint(1, 3), 1)}</li>" for _ in range(rng.randint(2, 4))
            )
            parts.append(f"<ol>{items}</ol>")
        elif kind == 5:
            quote = _words_with_notes(rng, notes, rng.randint(3, 6), rng.randint(1, 2))
            parts.append(f"<blockquote><p>{quote}</p></blockquote>")
        elif kind == 7:
            rows = "".join(
                f"<tr><td>{html.escape(rng.choice(_SOURCES))}</td><td>{_words_with_notes(rng, notes, 1, 1)}</td></tr>"
                for _ in range(rng.randint(2, 3))
            )
            parts.append(
                f"<table><thead><tr><th>Authority</th><th>Holding</th></tr></thead><tbody>{rows}</tbody></table>"
            )
        elif kind == 8 and notes.left() >= 2:
            parts.append(
                f"<p>{_sentence(rng)}. {_two_notes_one_sentence(rng, notes)} "
                f"{_words_with_notes(rng, notes, rng.randint(2, 5), 1)}</p>"
            )
        elif kind == 4:
            parts.append(f"<h2>{html.escape(_sentence(rng, 3, 7))}</h2>")
        else:
            sentences = rng.randint(3, 11)
            parts.append(f"<p>{_words_with_notes(rng, notes, sentences, rng.randint(0, 4))}</p>")
    parts.append("</section>")
    return "\n".join(parts)


def _huge_notes(text: str, seed: int, count: int) -> str:
    # A random stream of its own, so the rest of the book is the same with or without them.
    rng = random.Random(f"huge-{seed}")
    chosen = rng.sample(re.findall(r'<span class="footnote" id="(fn-[^"]+)">', text), count)
    for ident in chosen:
        words = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(200, 260)))
        text = re.sub(
            rf'(<span class="footnote" id="{ident}">)[^<]*', lambda m, w=words: f"{m.group(1)}{w.capitalize()}.", text
        )  # type: ignore[misc]
    return text


def stress_html(seed: int = 0, notes: int = 120, *, footnote_css: str | None = None, huge_notes: int = 0) -> str:
    """Return a complete HTML book with exactly ``notes`` page footnotes.

    ``footnote_css`` replaces the ``@import`` of treatypress' footnotes.css;
    ``huge_notes`` of the notes are 200 to 260 words long.
    """
    rng = random.Random(seed)
    pool = _Notes(rng, notes)
    chapters: list[str] = []
    number = 0
    while pool.left() > 0:
        number += 1
        chapters.append(_chapter(rng, pool, number, rng.randint(18, 26)))
    css = BOOK_CSS.replace("{fonts}", FONT_DIR.as_uri())
    # the package's own footnote rules, unless the caller brings others to compare
    own = f'@import url("{FOOTNOTES_CSS.as_uri()}");\n{css}'
    css = own if footnote_css is None else f"{css}\n{footnote_css}"
    body = "\n".join(chapters)
    if huge_notes:
        body = _huge_notes(body, seed, huge_notes)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>Footnote stress book (seed {seed})</title>\n"
        f"<style>{css}</style>\n</head>\n<body>\n"
        '<h1 class="booktitle">Footnote stress book</h1>\n' + body + "\n</body>\n</html>\n"
    )


_PLACES = ("Vilnius", "Kaunas", "Hrodna", "Suwałki", "Moscow", "Warsaw", "Riga", "Daugavpils", "Lida")
_KEYS = (
    "senn1966",
    "eidintas1999",
    "lossowski1995",
    "snyder2004",
    "skirius2002",
    "cepenas1986",
    "paleckis2006",
    "senn1962",
)


def _md_sentence(rng: random.Random, low: int = 8, high: int = 22) -> str:
    text = _sentence(rng, low, high)
    if rng.random() < 0.15:
        start = rng.randint(1890, 1990)
        text += f" between {start}–{start + rng.randint(1, 12)}"
    if rng.random() < 0.1:
        place = rng.choice(_PLACES)
        text += f" near [{place}]{{.idx}}"
    return text + "."


def _md_paragraph(rng: random.Random, chapter: int, counter: list[int]) -> list[str]:
    """A paragraph of 1-12 sentences, maybe with a citation (a page range) or a note."""
    sentences = [_md_sentence(rng) for _ in range(rng.choice((1, 2, 3, 4, 5, 6, 8, 10, 12)))]
    notes = []
    if rng.random() < 0.45:
        first = rng.randint(1, 400)
        sentences[-1] = sentences[-1][:-1] + f" [@{rng.choice(_KEYS)}, {first}–{first + rng.randint(1, 9)}]."
    if rng.random() < 0.3:
        counter[0] += 1
        label = f"c{chapter}n{counter[0]}"
        sentences[rng.randrange(len(sentences))] += f"[^{label}]"
        start = rng.randint(10, 300)
        notes.append(
            f"[^{label}]: {_md_sentence(rng, 5, 30)} See @{rng.choice(_KEYS)} [{start}–{start + rng.randint(2, 20)}]."
        )
    return [" ".join(sentences), *notes]


def stress_book(folder: Path, pages: int = 300, seed: int = 0, only: tuple[int, ...] = ()) -> Path:
    """Write a book folder of about ``pages`` A5 pages (see the module's docstring). ``only``:
    write just these chapters (1-based), each as it is in the whole book, for a short test."""
    import shutil

    repo = Path(__file__).resolve().parents[1]
    rng = random.Random(seed)
    manuscript = folder / "manuscript"
    (manuscript / "figures").mkdir(parents=True, exist_ok=True)
    shutil.copy(repo / "references.bib", folder / "references.bib")
    shutil.copy(repo / "manuscript" / "figures" / "timeline.svg", manuscript / "figures" / "timeline.svg")
    names = []
    figure = table = 0
    for chapter in range(1, max(3, round(pages / 12.5)) + 1):  # about 12.5 pages a chapter
        start = 1900 + chapter
        blocks = [
            f'---\ntitle: "Chapter {chapter}"\n---\n',
            f"# Chapter {chapter}: the years {start}–{start + rng.randint(1, 3)} {{#ch{chapter}}}\n",
        ]
        counter = [0]
        for section in range(rng.randint(2, 5)):
            blocks.append(f"## {_sentence(rng, 2, 6)}, {start + section}–{start + section + 1}\n")
            for _ in range(rng.randint(3, 9)):
                paragraph, *notes = _md_paragraph(rng, chapter, counter)
                if rng.random() < 0.06:
                    paragraph = f'::: {{idx="{rng.choice(_PLACES)}!long passages"}}\n{paragraph}\n:::'
                blocks.append(paragraph + "\n")
                blocks.extend(note + "\n" for note in notes)
                roll = rng.random()
                if roll < 0.05:
                    figure += 1
                    blocks.append(f"[Figure](#fig-s{figure}) sets out the same years.\n")
                    blocks.append(
                        f"![A timeline of the years {start}–{start + 3}.](figures/timeline.svg)"
                        f'{{#fig-s{figure} alt="A timeline"}}\n'
                    )
                elif roll < 0.10:
                    table += 1
                    rows = "\n".join(
                        f"| {rng.choice(_PLACES)} | {rng.randint(1900, 1950)} | {_sentence(rng, 6, 18)}. |"
                        for _ in range(rng.randint(3, 9))
                    )
                    blocks.append(f"[Table](#tbl-s{table}) lists them.\n")
                    blocks.append(
                        f"| Place | Year | What happened |\n|---|---|---|\n{rows}\n\n"
                        f"Table: Events of the years {start}–{start + 2}. {{#tbl-s{table}}}\n"
                    )
        name = f"{chapter:03d}-chapter.md"
        if only and chapter not in only:
            continue
        (manuscript / name).write_text("\n".join(blocks), encoding="utf-8")
        names.append(name)
    (manuscript / "book.toml").write_text(
        '[book]\ntitle = "A Long Book for the Printed Page"\nauthors = ["treatypress"]\nlanguage = "en"\n'
        'date = "2026"\n\n[contents]\nchapters = [' + ", ".join(f'"{n}"' for n in names) + "]\n"
        '\n[citations]\nnocite = ["*"]\n',
        encoding="utf-8",
    )
    return folder


def _check_book(folder: Path) -> int:
    import os
    import re
    import time

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from printcheck import (
        broken_first_lines,
        dash_breaks,
        note_area_problems,
        short_pages,
        spread_lines,
        url_problems,
    )

    from treatypress.build import BuildOptions, build
    from treatypress.diagnostics import BuildFailed

    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")
    started = time.perf_counter()
    try:
        result = build(folder, BuildOptions(formats=("pdf",), out_dir=folder / "dist"))
    except BuildFailed as failed:
        for problem in failed.diagnostics:
            print(f"  {problem.location}: {problem.severity} {problem.code} {problem.message}")
        return 1
    pdf = next(p for p in result.written if p.suffix == ".pdf")
    print(f"{result.pages} pages in {time.perf_counter() - started:.1f} s; warnings:")
    for problem in result.diagnostics:
        print(f"  {problem.location}: {problem.code} {problem.message}")
    urls = re.findall(r"url\s*=\s*\{([^}]+)\}", (folder / "references.bib").read_text(encoding="utf-8"))
    failed = 0
    pages = [d.message for d in result.diagnostics if d.code in ("typography-float-gap", "typography-short-page")]
    for name, found in (
        ("no float gap nor short page (page fitting's own check)", pages),
        ("notes within the text block", note_area_problems(pdf)),
        ("no short pages", short_pages(pdf)),
        ("no range broken after its en dash", dash_breaks(pdf)),
        ("URLs exactly as written", url_problems(pdf, urls)),
        ("no line cut short in mid-paragraph", broken_first_lines(pdf)),
        ("no line with its words spread apart", spread_lines(pdf)),
    ):
        print(f"{'ok ' if not found else 'FAIL'} {name}" + "".join(f"\n     {f}" for f in found[:10]))
        failed += bool(found)
    return failed


def _main(argv: list[str]) -> None:
    if "--book" in argv:
        folder = Path(argv[argv.index("--book") + 1])
        pages = int(argv[argv.index("--pages") + 1]) if "--pages" in argv else 300
        stress_book(folder, pages)
        if "--check" in argv:
            sys.exit(_check_book(folder))
        return
    pdf = argv[argv.index("--pdf") + 1] if "--pdf" in argv else None
    args = [a for a in argv if not a.startswith("--") and a != pdf]
    text = stress_html(
        int(args[0]) if args else 0,
        int(args[1]) if len(args) > 1 else 120,
        huge_notes=int(args[2]) if len(args) > 2 else 0,
    )
    if pdf is None:
        sys.stdout.write(text)
        return
    import weasyprint

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from treatypress.pdf.footnotes import render_with_footnote_repair

    result = render_with_footnote_repair(weasyprint.HTML(string=text))
    result.document.write_pdf(pdf)
    for problem in result.problems:
        print(problem.message, file=sys.stderr)


if __name__ == "__main__":
    _main(sys.argv[1:])
