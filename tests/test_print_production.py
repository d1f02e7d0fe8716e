"""Print production on real builds: the press variant, the accessible (tagged) default,
imposition from the command line, and the typography checks."""

from __future__ import annotations

import collections
import re
import subprocess
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
import weasyprint
from conftest import BOOKS, Built, build_book, page_texts
from printcheck import marks_outside_bleed

from treatypress.cli import main
from treatypress.pdf.typography import check_typography

A5 = (419.53, 595.28)
MM = 72 / 25.4


@pytest.fixture(scope="module")
def press(tmp_path_factory: pytest.TempPathFactory) -> Built:
    out = tmp_path_factory.mktemp("press")
    result = build_book(BOOKS / "minimal", out, formats=("pdf",), variant="press", impose="saddle-stitch")
    return Built(BOOKS / "minimal", out, result)


def _structure(pdf: pikepdf.Pdf) -> tuple[collections.Counter[str], collections.Counter[str], list[pikepdf.Dictionary]]:
    kinds: collections.Counter[str] = collections.Counter()
    langs: collections.Counter[str] = collections.Counter()
    elements: list[pikepdf.Dictionary] = []

    def walk(node: object) -> None:
        if isinstance(node, pikepdf.Dictionary):
            if "/S" in node:
                kinds[str(node.S)] += 1
                elements.append(node)
                if "/Lang" in node:
                    langs[str(node.Lang)] += 1
            if "/K" in node:
                walk(node.K)
        elif isinstance(node, pikepdf.Array):
            for child in node:
                walk(child)

    walk(pdf.Root.StructTreeRoot)
    return kinds, langs, elements


def test_press_variant_has_bleed_trim_box_and_pdfx_claim(press: Built) -> None:
    path = press.out / "small-book-press.pdf"
    with pikepdf.open(path) as pdf:
        page = pdf.pages[10]
        trim = [float(v) for v in page.TrimBox]
        bleed = [float(v) for v in page.BleedBox]
        media = [float(v) for v in page.MediaBox]
        assert trim[2] - trim[0] == pytest.approx(A5[0], abs=0.1)
        assert trim[3] - trim[1] == pytest.approx(A5[1], abs=0.1)
        assert bleed[0] == pytest.approx(-3 * MM, abs=0.05) and bleed[2] - trim[2] == pytest.approx(3 * MM, abs=0.05)
        assert media[0] < bleed[0] and media[2] > bleed[2]  # a slug for the marks beyond the bleed
        assert pdf.open_metadata().get("pdfxid:GTS_PDFXVersion") == "PDF/X-4"
        # PDF/X requires an output intent; ours carries a CMYK profile
        (intent,) = pdf.Root.OutputIntents
        assert intent.S == "/GTS_PDFX" and int(intent.DestOutputProfile.N) == 4
        assert bytes(intent.DestOutputProfile.read_bytes()[16:20]) == b"CMYK"
    # the crop marks are drawn, and all of them outside the bleed
    with pdfplumber.open(path) as doc:
        assert len(doc.pages[10].lines) >= 8
    assert marks_outside_bleed(path) == []
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert all(row.split()[-5] == "yes" for row in fonts.splitlines()[2:])


def test_saddle_stitch_imposition_from_the_command_line(press: Built) -> None:
    imposed = press.out / "small-book-imposed.pdf"
    with pikepdf.open(press.out / "small-book-press.pdf") as book, pikepdf.open(imposed) as sheets:
        expected_sides = -(-len(book.pages) // 4) * 2
        assert len(sheets.pages) == expected_sides
        for side in sheets.pages:
            assert [round(float(v), 2) for v in side.MediaBox] == [0, 0, 841.89, 595.28]
    # the first side carries the last (blank-padded) page and page 1: the half-title
    left_right = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", "-x", "421", "-y", "0", "-W", "421", "-H", "595", str(imposed), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "A Small Test Book" in left_right


def test_accessible_default_is_tagged_with_languages_notes_and_alt_text(small_book: Built) -> None:
    path = small_book.file(".pdf")
    with pikepdf.open(path) as pdf:
        root = pdf.Root
        assert str(root.Lang) == "en"
        assert bool(root.MarkInfo.Marked) and bool(root.ViewerPreferences.DisplayDocTitle)
        assert "pdfuaid" in str(pdf.open_metadata())
        kinds, langs, elements = _structure(pdf)
        assert langs["lt"] >= 1  # [Steigiamasis Seimas]{lang=lt}
        notes = [e for e in elements if str(e.S) == "/Note"]
        assert len(notes) == 20 and len({str(n.ID) for n in notes}) == 20
        figures = [e for e in elements if str(e.S) == "/Figure"]
        assert figures and all(str(f.get("/Alt", "")) for f in figures)
        assert kinds["/H1"] >= 3 and kinds["/Table"] == 1
    check = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert check.returncode == 0 and "No syntax or stream encoding errors" in check.stdout


def test_typography_check_finds_overfull_lines_and_stranded_headings() -> None:
    long_word = "<p>A line with averyveryveryverylongunbreakablewordthatcannotfitinthemeasure at all.</p>"
    document = weasyprint.HTML(string=f"<style>@page {{ size: A6 }}</style>{long_word}").render()
    (problem,) = check_typography(document)
    assert problem.kind == "overfull-line" and problem.page == 1
    assert problem.message.startswith("line 'averyveryvery") and "pt into the margin" in problem.message
    stranded = (
        "<style>@page { size: A6 } h2 { break-after: auto; margin: 0 }</style>"
        + "<p>x</p>" * 22
        + "<h2>Stranded</h2><p>after</p>"
    )
    kinds = [(p.kind, p.page) for p in check_typography(weasyprint.HTML(string=stranded).render())]
    assert kinds == [("stranded-heading", 2)]


def test_the_booklets_have_no_overfull_lines_or_stranded_headings(small_book: Built, default_book: Built) -> None:
    for built in (small_book, default_book):
        assert not [
            d for d in built.result.diagnostics if d.code in ("typography-overfull-line", "typography-stranded-heading")
        ]


def test_an_overfull_line_in_a_book_is_reported_with_its_page(
    book_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    chapter = book_copy / "manuscript/01-first.md"
    digits = "1234567890" * 8  # no hyphenation point anywhere
    chapter.write_text(chapter.read_text() + f"\nThe account number was {digits}.\n")
    assert main(["build", str(book_copy), "--format", "pdf", "--quiet"]) == 0
    err = capsys.readouterr().err
    assert "warning [typography-overfull-line] line '1234567890" in err and "(folio " in err


def test_handouts_only_on_letter_paper_and_their_page_limit(
    book_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    handouts = book_copy / "manuscript/handouts"
    handouts.mkdir()
    (handouts / "sheet.md").write_text(
        "---\ntitle: A Sheet\npages: 1\n---\n# A Sheet\n\nShort text, cited "
        "[@senn1966, 3], with a note.[^a]\n\n[^a]: The note.\n",
        encoding="utf-8",
    )
    assert main(["build", str(book_copy), "--format", "handouts", "--paper", "Letter", "--quiet"]) == 0
    written = sorted(p.relative_to(book_copy / "dist").as_posix() for p in (book_copy / "dist").rglob("*.pdf"))
    assert written == ["handouts/sheet.pdf"]  # --format handouts builds only the handouts
    with pikepdf.open(book_copy / "dist/handouts/sheet.pdf") as pdf:
        assert [round(float(v)) for v in pdf.pages[0].MediaBox] == [0, 0, 612, 792]
    text = subprocess.run(
        ["pdftotext", str(book_copy / "dist/handouts/sheet.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "A Small Test Book" in text  # the header names the book
    assert "1. Alfred Erich Senn, The Great Powers" in text  # a handout stands alone: a full first note
    long = "This sentence makes the handout run past its one page. " * 400
    (handouts / "sheet.md").write_text(f"---\ntitle: A Sheet\npages: 1\n---\n# A Sheet\n\n{long}\n", encoding="utf-8")
    assert main(["build", str(book_copy), "--format", "handouts", "--quiet"]) == 1
    err = capsys.readouterr().err
    assert re.search(
        r"manuscript/handouts/sheet\.md:2: error \[handout-overflow\] the handout takes \d pages but "
        r"its front matter allows 1; it overflows from '[\w .]+'\n  hint: shorten the text",
        err,
    ), err


def test_hyphenation_in_the_books_language(small_book: Built) -> None:
    texts = page_texts(small_book.file(".pdf"))
    assert any(re.search(r"\w[\u2010-]$", line.rstrip()) for text in texts for line in text.splitlines())
