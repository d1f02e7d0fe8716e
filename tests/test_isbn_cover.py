"""[book] isbn and [book] cover: checked where they are written, and carried into every edition."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pikepdf
import pytest
from conftest import Built, build_book, page_texts
from PIL import Image

from treatypress.cli import main
from treatypress.config import BookSettings
from treatypress.isbn import isbn_problem
from treatypress.styles import BUILTIN
from treatypress.targets.cover import draw_cover

SETTINGS = "manuscript/book.toml"


def _set(book: Path, line: str) -> None:
    path = book / SETTINGS
    path.write_text(
        path.read_text(encoding="utf-8").replace('date = "2026"\n', f'date = "2026"\n{line}\n', 1), encoding="utf-8"
    )


@pytest.mark.parametrize("isbn", ["978-0-306-40615-7", "9780306406157", "0-306-40615-2", "0-8044-2957-X"])
def test_valid_isbns(isbn: str) -> None:
    assert isbn_problem(isbn) is None


@pytest.mark.parametrize(
    "isbn,why",
    [
        ("978-0-306-40615-6", "check digit should be 7, not 6"),
        ("0-306-40615-3", "check digit should be 2, not 3"),
        ("978-0-306", "13 digits"),
        ("123-0-306-40615-7", "978 or 979"),
    ],
)
def test_invalid_isbns(isbn: str, why: str) -> None:
    problem = isbn_problem(isbn)
    assert problem is not None and why in problem


def test_a_wrong_isbn_is_an_error_at_its_line(book_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _set(book_copy, 'isbn = "978-0-306-40615-6"')
    code = main(["build", str(book_copy), "--format", "epub", "--quiet"])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    assert (
        "manuscript/book.toml:8:1: error [config-value] [book] isbn: '978-0-306-40615-6' is not a valid "
        "ISBN: its check digit should be 7, not 6"
    ) in err
    assert not (book_copy / "dist").exists()


@pytest.mark.parametrize(
    "value,what",
    [
        ("figures/none.png", "does not exist"),
        ("../outside.png", "outside the book"),
        ("manuscript/01-first.md", "not a PNG, JPEG or SVG"),
    ],
)
def test_a_bad_cover_is_an_error_at_its_line(
    book_copy: Path, capsys: pytest.CaptureFixture[str], value: str, what: str
) -> None:
    (book_copy.parent / "outside.png").write_bytes(b"")
    _set(book_copy, f'cover = "{value}"')
    code = main(["build", str(book_copy), "--format", "epub", "--quiet"])
    err = capsys.readouterr().err
    assert code == 1 and "manuscript/book.toml:8:1: error [config-value] [book] cover: " in err and what in err, err


def test_isbn_on_the_imprint_the_epub_identifier_and_the_pdf_metadata(book_copy: Path, tmp_path: Path) -> None:
    _set(book_copy, 'isbn = "978-0-306-40615-7"')
    out = tmp_path / "out"
    build_book(book_copy, out, formats=("pdf", "epub"))
    with zipfile.ZipFile(out / "small-book.epub") as archive:
        opf = archive.read("OEBPS/content.opf").decode()
        title = archive.read("OEBPS/text/titlepage.xhtml").decode()
    assert '<dc:identifier id="bookid">urn:isbn:9780306406157</dc:identifier>' in opf
    assert "<p>ISBN 978-0-306-40615-7</p>" in title
    assert '<meta property="pageBreakSource">urn:isbn:9780306406157</meta>' in opf
    pdf = out / "small-book.pdf"
    assert any("ISBN 978-0-306-40615-7" in page for page in page_texts(pdf)[:5])
    with pikepdf.open(pdf) as document:
        assert str(document.docinfo["/isbn"]) == "978-0-306-40615-7"  # WeasyPrint lower-cases custom keys


def test_the_authors_own_cover(book_copy: Path, tmp_path: Path) -> None:
    image = Image.new("RGB", (1000, 1600), (20, 60, 90))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    (book_copy / "manuscript" / "figures").mkdir(exist_ok=True)
    (book_copy / "manuscript" / "figures" / "cover.jpg").write_bytes(buffer.getvalue())
    _set(book_copy, 'cover = "manuscript/figures/cover.jpg"')
    out = tmp_path / "out"
    build_book(book_copy, out, formats=("epub",))
    with zipfile.ZipFile(out / "small-book.epub") as archive:
        assert archive.read("OEBPS/images/cover.jpg") == buffer.getvalue()
        opf = archive.read("OEBPS/content.opf").decode()
    assert 'href="images/cover.jpg" media-type="image/jpeg" properties="cover-image"' in opf


def test_the_drawn_cover_is_reproducible(default_book: Built) -> None:
    settings = BookSettings(
        title="The Moscow Peace Treaty of 1920",
        subtitle="Lithuania, Soviet Russia and the Struggle for Vilnius",
        authors=("The treatypress team",),
        publisher="treatypress",
    )
    fonts = {f.name: f for f in (BUILTIN / "fonts").glob("*.ttf")}
    with zipfile.ZipFile(default_book.file(".epub")) as archive:
        assert archive.read("OEBPS/images/cover.png") == draw_cover(settings, fonts)
