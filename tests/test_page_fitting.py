"""Page fitting on real builds (pdf/pagefit.py): a figure that does not fit lets the text after it
fill the page, and a hole that cannot be mended is a typography-float-gap warning at the
figure's manuscript line."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
from conftest import build_book

TALL = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="100mm" height="120mm" viewBox="0 0 100 120">'
    '<rect x="1" y="1" width="98" height="118" fill="#ccc" stroke="#000" stroke-width="0.5"/></svg>\n'
)
WORDS = (
    "the delegation travelled to the capital and met the other side to discuss the frontier, "
    "the railways, the refugees and the property taken east during the war; "
)


def _paragraph(label: str, sentences: int = 7) -> str:
    return f"{label} " + WORDS * sentences + "\n"


def _chapter(book: Path, body: str) -> None:
    (book / "manuscript" / "figures" / "tall.svg").write_text(TALL, encoding="utf-8")
    (book / "manuscript" / "03-floats.md").write_text("# Floats {#floats}\n\n" + body, encoding="utf-8")
    toml = book / "manuscript" / "book.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace('"02-second.md"]', '"02-second.md", "03-floats.md"]'), encoding="utf-8"
    )


FIGURE = '![A tall figure.](figures/tall.svg){#fig-tall alt="A tall grey box."}\n'


def test_text_after_a_figure_that_does_not_fit_fills_the_page_before_it(book_copy: Path, tmp_path: Path) -> None:
    _chapter(
        book_copy,
        _paragraph("Opening")
        + "\n"
        + FIGURE
        + "\n"
        + _paragraph("Following")
        + "\n"
        + _paragraph("Later")
        + "\n"
        + _paragraph("Last"),
    )
    result = build_book(book_copy, tmp_path / "out", formats=("pdf",))
    assert not [d for d in result.diagnostics if d.code == "typography-float-gap"]
    pdf = next(p for p in result.written if p.suffix == ".pdf")
    with pdfplumber.open(pdf) as doc:
        texts = [page.extract_text() or "" for page in doc.pages]
    opening = next(i for i, text in enumerate(texts) if "Opening the delegation" in text)
    figure = next(i for i, text in enumerate(texts) if "A tall figure." in text)
    assert figure == opening + 1  # the figure did not fit on the chapter's first page ...
    assert "Following the delegation" in texts[opening]  # ... and the text after it filled that page


def test_a_gap_that_cannot_be_mended_is_a_warning_at_the_figure(book_copy: Path, tmp_path: Path) -> None:
    # Nothing follows the figure in its chapter: no text can fill the hole it leaves.
    _chapter(book_copy, _paragraph("Opening") + "\n" + FIGURE)
    result = build_book(book_copy, tmp_path / "out", formats=("pdf",))
    (gap,) = [d for d in result.diagnostics if d.code == "typography-float-gap"]
    assert gap.location is not None
    assert (gap.location.path, gap.location.line) == ("manuscript/03-floats.md", 5)
    assert "manuscript" in gap.hint or "move it" in gap.hint
