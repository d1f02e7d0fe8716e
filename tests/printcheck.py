"""What a book designer checks on the printed page, measured on the real PDF with pdfplumber.

Each function takes a PDF path and returns the problems it finds (an empty list when the page
passes), so the same checks run on the default book, the small test book and the generated
long book (``benchmarks/stressbook.py``).
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

import pdfplumber
from pdfplumber.pdf import PDF
from pypdf import PdfReader

HEADER = 14 * 72 / 25.4  # running heads sit above this distance from the top edge
FOOTER = 15 * 72 / 25.4  # folios sit below this distance from the bottom edge


def open_pdf(pdf: Path) -> PDF:
    """The PDF as pdfplumber reads it, opened once per file content and kept: each page parses
    its characters and strokes on first use and keeps them, and a dozen checks read the same
    book (pdfplumber's parse is most of their cost)."""
    stat = pdf.stat()
    return _open(pdf.resolve(), stat.st_mtime_ns, stat.st_size)


@functools.cache
def _open(pdf: Path, mtime_ns: int, size: int) -> PDF:
    return pdfplumber.open(pdf)  # the file changes under another key: a rebuilt PDF is read anew


@dataclass(frozen=True)
class Line:
    top: float
    x0: float
    x1: float
    size: float
    text: str


def lines(page: pdfplumber.page.Page) -> list[Line]:
    """Text lines (words grouped by baseline), excluding nothing."""
    rows: dict[int, list[dict[str, Any]]] = defaultdict(list)  # pdfplumber's words: numbers and text
    for word in page.extract_words(keep_blank_chars=False, extra_attrs=["size"]):
        rows[round(float(word["bottom"]))].append(word)
    out = []
    for _, words in sorted(rows.items()):
        words.sort(key=lambda w: float(w["x0"]))
        out.append(
            Line(
                float(words[0]["top"]),
                float(words[0]["x0"]),
                float(words[-1]["x1"]),
                max(float(w["size"]) for w in words),
                " ".join(str(w["text"]) for w in words),
            )
        )
    return out


def _rule(page: pdfplumber.page.Page) -> dict[str, float] | None:
    """The footnote rule: a thin horizontal line in the lower part of the page, below all body text."""
    rules = [
        r
        for r in page.lines + page.rects
        if abs(float(r["top"]) - float(r["bottom"])) < 1
        and float(r["x1"]) - float(r["x0"]) > page.width / 3
        and float(r["top"]) > page.height / 3
    ]
    return max(rules, key=lambda r: float(r["top"])) if rules else None


def body_lines(page: pdfplumber.page.Page) -> list[Line]:
    """Lines of the page's body: not the running head, the folio or the notes under the rule."""
    rule = _rule(page)
    limit = float(rule["top"]) if rule else page.height - FOOTER
    return [line for line in lines(page) if HEADER < line.top < limit]


def note_area_problems(pdf: Path) -> list[str]:
    """The notes and their rule stay within the text block's measure."""
    problems = []
    doc = open_pdf(pdf)
    for number, page in enumerate(doc.pages, 1):
        rule = _rule(page)
        body = [line for line in body_lines(page) if line.size >= 10]
        if rule is None or len(body) < 5:
            continue
        left, right = min(line.x0 for line in body), max(line.x1 for line in body)
        notes = [line for line in lines(page) if line.top > float(rule["top"]) and line.top < page.height - FOOTER]
        for what, x0, x1 in [("rule", float(rule["x0"]), float(rule["x1"]))] + [
            (f"note line {n.text[:20]!r}", n.x0, n.x1) for n in notes
        ]:
            if x0 < left - 0.5 or x1 > right + 0.5:
                problems.append(f"page {number}: {what} spans {x0:.1f}-{x1:.1f}, text block {left:.1f}-{right:.1f}")
    return problems


def arabic_pages(pdf: Path) -> list[int]:
    """0-based indices of the pages labelled with arabic numerals (the body and back matter)."""
    labels = PdfReader(pdf).page_labels
    return [i for i, label in enumerate(labels) if label.isdigit()]


def _figure_height(page: pdfplumber.page.Page) -> float:
    """The height of the drawings and images on a page (a figure), rules and marks aside."""
    shapes = [s for s in page.images + page.curves + page.rects if float(s["bottom"]) - float(s["top"]) > 2]
    if not shapes:
        return 0.0
    return max(float(s["bottom"]) for s in shapes) - min(float(s["top"]) for s in shapes)


def short_pages(pdf: Path, minimum: int = 5) -> list[str]:
    """Body pages with text but fewer than ``minimum`` lines, but for the book's last page. A
    figure counts as the lines it displaces (a page holding a figure and its caption is full)."""
    problems = []
    doc = open_pdf(pdf)
    numbered = arabic_pages(pdf)
    counts = {i: len(body_lines(doc.pages[i])) + int(_figure_height(doc.pages[i]) // 14) for i in numbered}
    with_text = [i for i in numbered if counts[i]]
    for index in with_text[:-1]:
        count = counts[index]
        if count < minimum:
            problems.append(f"page {index + 1} has {count} lines")
    return problems


def all_lines(pdf: Path) -> Iterator[tuple[int, str]]:
    doc = open_pdf(pdf)
    for number, page in enumerate(doc.pages, 1):
        for line in (page.extract_text() or "").splitlines():
            yield number, line


def dash_breaks(pdf: Path) -> list[str]:
    """Lines that end in a digit and an en dash: a range broken after its dash."""
    return [f"page {n}: {line[-40:]!r}" for n, line in all_lines(pdf) if re.search(r"\d–$", line.rstrip())]


def joined_text(pdf: Path) -> str:
    """The PDF's text with line breaks removed and nothing else changed (no de-hyphenation)."""
    return "".join(line.strip() for _, line in all_lines(pdf))


def words(pdf: Path) -> tuple[list[str], set[str]]:
    """The PDF's words in reading order, lower case and letters only, a word hyphenated at a
    line's end joined again; and the first parts of words hyphenated at a page's end (what
    follows them there is a note or a folio, so they cannot be joined)."""
    text = "\n".join(line.strip() for _, line in all_lines(pdf))
    split = {re.sub(r"[^\w]|\d", "", word).lower() for word in re.findall(r"\S+(?=[\u2010-]\n)", text)}
    text = re.sub(r"[\u2010-]\n(?=[a-zà-ž])", "", text)
    return [w for w in (re.sub(r"[^\w]|\d", "", word).lower() for word in text.split()) if w], split


def url_problems(pdf: Path, urls: list[str]) -> list[str]:
    """Every URL whose start appears in the PDF must appear whole, exactly as written."""
    text = joined_text(pdf)
    flat = text.replace(" ", "")
    return [url for url in urls if url.split("//")[-1][:15] in flat and url not in flat]


def chars_per_line(pdf: Path) -> list[tuple[int, float]]:
    """(pages, average characters a line) of a one- or two-column page, columns read apart."""
    doc = open_pdf(pdf)
    counts = []
    for page in doc.pages:
        middle = page.width / 2
        rows: dict[tuple[bool, int], list[dict[str, object]]] = defaultdict(list)
        for word in page.extract_words():
            if HEADER < float(word["top"]) < page.height - FOOTER:
                rows[(float(word["x0"]) >= middle, round(float(word["bottom"])))].append(word)
        for words in rows.values():
            counts.append(sum(len(str(w["text"])) for w in words) + len(words) - 1)
    return [(len(doc.pages), sum(counts) / max(len(counts), 1))]


def marks_outside_bleed(pdf: Path) -> list[str]:
    """Every stroke outside the trim box lies wholly outside the bleed box (crop marks)."""
    import pikepdf

    problems = []
    with pikepdf.open(pdf) as boxed:
        boxes = [
            ([float(v) for v in p.TrimBox], [float(v) for v in p.BleedBox], [float(v) for v in p.MediaBox])
            for p in boxed.pages
        ]
    for number, (page, (trim, bleed, media)) in enumerate(zip(open_pdf(pdf).pages, boxes), 1):
        height = media[3] - media[1]
        for line in page.lines:
            # pdfplumber keeps PDF x, and measures "top" down from the media box's height
            x0, x1 = float(line["x0"]), float(line["x1"])
            y0, y1 = height - float(line["bottom"]), height - float(line["top"])
            inside_trim = x0 >= trim[0] and x1 <= trim[2] and y0 >= trim[1] and y1 <= trim[3]
            touches_bleed = x1 > bleed[0] and x0 < bleed[2] and y1 > bleed[1] and y0 < bleed[3]
            if not inside_trim and touches_bleed:
                problems.append(f"page {number}: a mark at {x0:.1f},{y0:.1f}-{x1:.1f},{y1:.1f} is inside the bleed")
    return problems


def broken_first_lines(pdf: Path) -> list[str]:
    """Lines cut short in mid-paragraph: a short line (under a quarter of the measure) whose
    paragraph goes on, at the same size, with a lower-case word at the left margin. WeasyPrint 70
    set "The" alone this way when spaces were given a negative word-spacing to shrink."""
    problems = []
    doc = open_pdf(pdf)
    for number, page in enumerate(doc.pages, 1):
        body = body_lines(page)
        if len(body) < 3:
            continue
        left = min(line.x0 for line in body)
        measure = max(line.x1 for line in body) - left
        for line, following in pairwise(body):
            if (
                line.x1 - line.x0 < measure / 4
                and line.x0 - left < measure / 10  # not a second column
                and abs(following.size - line.size) < 0.2
                and abs(following.x0 - left) < 1
                and following.text[:1].islower()
                and not line.text.rstrip().endswith((".", ":", "?", "!", "”"))
            ):
                problems.append(f"page {number}: '{line.text}' stands alone before '{following.text[:30]}'")
    return problems


def spread_lines(pdf: Path) -> list[str]:
    """Lines whose words all stand far apart (a median space over 1.5 times the type size, with
    at least four words, so a table row's one wide column gap does not count), before the index.
    WeasyPrint 70 broke the first line of some paragraphs after a few words when hyphenation let
    two letters stand before the hyphen (``hyphenate-limit-chars: 6 2 3``), then justified it."""
    problems = []
    doc = open_pdf(pdf)
    for number, page in enumerate(doc.pages, 1):
        if (page.extract_text() or "").lstrip().startswith("Index"):
            break
        rows: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for word in page.extract_words(extra_attrs=["size"]):
            if HEADER < float(word["top"]) < page.height - FOOTER:
                rows[round(float(word["bottom"]))].append(word)
        for words in rows.values():
            words.sort(key=lambda w: float(w["x0"]))
            gaps = sorted(float(after["x0"]) - float(before["x1"]) for before, after in pairwise(words))
            if len(gaps) >= 3 and float(words[0]["size"]) >= 8 and gaps[len(gaps) // 2] > 1.5 * float(words[0]["size"]):
                text = " ".join(str(w["text"]) for w in words)
                problems.append(f"page {number}: words spread {gaps[len(gaps) // 2]:.0f} pt apart in '{text[:60]}'")
    return problems
