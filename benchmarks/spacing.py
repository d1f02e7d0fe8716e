"""How even is the word spacing of justified text? Measured on the PDF, compared with Pandoc -> Typst.

For every justified line of body text (a line that reaches the right edge of the text block and
is followed by another line of the same paragraph), the gaps between its words are measured
with pdfplumber and divided by the font's normal word space (the space glyph's advance at the
line's size). Reported: lines measured, the share of lines whose mean word space is over 1.5x
the normal one, the same over 2x, the median ratio and the 95th percentile, and the share of
lines ending in a hyphen.

    python benchmarks/spacing.py BOOK.pdf [OTHER.pdf ...]     measure PDFs
    python benchmarks/spacing.py --typst BOOK_DIR OUT.pdf     set the book's chapters with
                                                              Pandoc -> Typst (same font, page
                                                              size, margins, size and leading)

The Typst route needs the ``bench`` extra (``pip install -e '.[bench]'``: the ``typst``
package) and Pandoc (``pypandoc-binary``, a dependency of treatypress).
"""

from __future__ import annotations

import statistics
import sys
from collections import Counter, defaultdict
from itertools import pairwise
from pathlib import Path

import pdfplumber
from fontTools.ttLib import TTFont

FONTS = Path(__file__).resolve().parents[1] / "src" / "treatypress" / "styles" / "fonts"
BODY_SIZE = (10.0, 11.0)  # body text only: notes, captions and headings are set at other sizes


def space_em() -> float:
    font = TTFont(FONTS / "CharisSIL-Regular.ttf")
    advance = font["hmtx"][font.getBestCmap()[ord(" ")]][0]
    return float(advance) / float(font["head"].unitsPerEm)


def measure(pdf: Path) -> dict[str, float]:
    normal_em = space_em()
    ratios: list[float] = []
    hyphenated = 0
    with pdfplumber.open(pdf) as doc:
        for page in doc.pages:
            rows: dict[int, list[dict[str, object]]] = defaultdict(list)
            for word in page.extract_words(extra_attrs=["size"], use_text_flow=False):
                if BODY_SIZE[0] <= float(word["size"]) <= BODY_SIZE[1]:  # type: ignore[arg-type]
                    rows[round(float(word["bottom"]))].append(word)  # type: ignore[arg-type]
            lines = [sorted(words, key=lambda w: float(w["x0"])) for _, words in sorted(rows.items())]  # type: ignore[arg-type]
            if len(lines) < 3:
                continue
            # the text block's right edge: where most lines end (one overfull line must not move it)
            ends = Counter(round(float(line[-1]["x1"])) for line in lines)  # type: ignore[arg-type]
            right = float(ends.most_common(1)[0][0])
            for line, following in pairwise(lines):
                if len(line) < 4 or abs(float(line[-1]["x1"]) - right) > 1.5:  # type: ignore[arg-type]
                    continue  # not justified: a paragraph's last line, a heading, a short line
                if abs(float(following[0]["top"]) - float(line[0]["top"])) > 30:  # type: ignore[arg-type]
                    continue
                size = float(line[0]["size"])  # type: ignore[arg-type]
                gaps = [float(b["x0"]) - float(a["x1"]) for a, b in pairwise(line)]  # type: ignore[arg-type]
                ratios.append(statistics.mean(gaps) / (normal_em * size))
                hyphenated += str(line[-1]["text"]).endswith(("-", "‐"))
    ratios.sort()
    count = len(ratios) or 1
    return {
        "lines": len(ratios),
        "over_1.5": sum(r > 1.5 for r in ratios) / count,
        "over_2": sum(r > 2 for r in ratios) / count,
        "median": ratios[len(ratios) // 2] if ratios else 0,
        "p95": ratios[int(len(ratios) * 0.95)] if ratios else 0,
        "hyphenated": hyphenated / count,
    }


TYPST_PREAMBLE = """
#set page(width: 148mm, height: 210mm, margin: (top: 18mm, bottom: 20mm, inside: 19mm, outside: 15mm))
#set text(font: "Charis SIL", size: 10.5pt, lang: "en", hyphenate: true)
#set par(justify: true, leading: 0.38em * 1.6, first-line-indent: 1.2em)
#show heading: set text(weight: "regular")
"""


def typst_book(book: Path, out: Path) -> None:
    """The book's chapters through Pandoc's Typst writer, compiled by the typst package."""
    import tomllib

    import pypandoc
    import typst

    settings = tomllib.loads((book / "manuscript" / "book.toml").read_text(encoding="utf-8"))
    contents = settings.get("contents", {})
    names = contents.get("front", []) + contents.get("chapters", []) + contents.get("back", [])
    files = [str(book / "manuscript" / name) for name in names] or sorted(
        str(p) for p in (book / "manuscript").glob("*.md")
    )
    body = pypandoc.convert_file(
        files,
        "typst",
        format="markdown",
        extra_args=[
            "--citeproc",
            f"--bibliography={book / 'references.bib'}",
            f"--resource-path={book / 'manuscript'}",
        ],
    )
    # Typst reads images relative to its project root: the source sits in the book's manuscript
    # folder (a temporary name), where the chapters' figure paths point.
    source = book / "manuscript" / ".spacing-typst.typ"
    source.write_text(TYPST_PREAMBLE + body, encoding="utf-8")
    try:
        typst.compile(str(source), output=str(out), font_paths=[str(FONTS)], root=str(book))
    finally:
        source.unlink()


def main(argv: list[str]) -> None:
    if argv[:1] == ["--typst"]:
        typst_book(Path(argv[1]), Path(argv[2]))
        argv = [argv[2]]
    print(f"{'PDF':40s} {'lines':>6s} {'>1.5x':>7s} {'>2x':>7s} {'median':>7s} {'p95':>6s} {'hyph.':>6s}")
    for name in argv:
        found = measure(Path(name))
        print(
            f"{Path(name).name[-40:]:40s} {found['lines']:6.0f} {found['over_1.5']:7.1%} {found['over_2']:7.1%} "
            f"{found['median']:7.2f} {found['p95']:6.2f} {found['hyphenated']:6.1%}"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
