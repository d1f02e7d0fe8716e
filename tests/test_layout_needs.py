"""No layout that no output needs (issue 12): what the EPUB index shows in each case, and which
heavy libraries an e-book or web build loads. Real builds of the small test book."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import BOOKS, REPO, build_book


def _locators(epub: Path) -> list[str]:
    with zipfile.ZipFile(epub) as archive:
        html = archive.read("OEBPS/text/index-general.xhtml").decode()
    return re.findall(r'epub:type="index-locator"[^>]*>([^<]+)</a>', html)


def _book(tmp_path: Path, setting: str | None) -> Path:
    root = tmp_path / "book"
    shutil.copytree(BOOKS / "minimal", root)
    if setting is not None:
        toml = root / "manuscript" / "book.toml"
        toml.write_text(
            toml.read_text(encoding="utf-8") + f'\n[epub]\nprint_page_numbers = "{setting}"\n', encoding="utf-8"
        )
    return root


def test_epub_alone_is_not_laid_out_and_labels_locators_by_chapter(tmp_path: Path) -> None:
    result = build_book(_book(tmp_path, None), tmp_path / "out", formats=("epub",))
    assert "layout" not in result.timings
    labels = _locators(next(p for p in result.written if p.suffix == ".epub"))
    assert labels and not any(label.isdigit() for label in labels)


def test_epub_with_the_pdf_shares_its_layout_and_shows_printed_pages(tmp_path: Path) -> None:
    result = build_book(_book(tmp_path, None), tmp_path / "out", formats=("pdf", "epub"))
    labels = _locators(next(p for p in result.written if p.suffix == ".epub"))
    assert labels and all(label.isdigit() for label in labels)


def test_always_lays_out_for_an_epub_alone_and_equals_the_shared_layout(tmp_path: Path) -> None:
    root = _book(tmp_path, "always")
    alone = build_book(root, tmp_path / "alone", formats=("epub",))
    shared = build_book(root, tmp_path / "shared", formats=("pdf", "epub"))
    assert "layout" in alone.timings
    assert [p.name for p in alone.written] == ["small-book.epub"]  # the PDF made for its pages is not written
    epub = "small-book.epub"
    assert (tmp_path / "alone" / epub).read_bytes() == (tmp_path / "shared" / epub).read_bytes()
    # every printed page is in the page list, the index's own pages too
    with zipfile.ZipFile(tmp_path / "alone" / epub) as archive:
        nav = next(archive.read(n).decode() for n in archive.namelist() if n.endswith("nav.xhtml"))
    page_list = nav[nav.index('epub:type="page-list"') :]
    assert len(re.findall(r"<li", page_list)) == shared.pages


def test_never_keeps_chapter_labels_even_beside_the_pdf(tmp_path: Path) -> None:
    result = build_book(_book(tmp_path, "never"), tmp_path / "out", formats=("pdf", "epub"))
    labels = _locators(next(p for p in result.written if p.suffix == ".epub"))
    assert labels and not any(label.isdigit() for label in labels)


def test_a_wrong_value_is_a_located_error(tmp_path: Path) -> None:
    root = _book(tmp_path, "sometimes")
    run = subprocess.run(
        [sys.executable, "-m", "treatypress", "check", str(root)], capture_output=True, text=True, check=False
    )
    assert run.returncode == 1
    assert re.search(
        r"manuscript/book.toml:\d+:1: error \[config-value\] \[epub\] print_page_numbers: "
        r"'sometimes' is not one of: auto, always, never",
        run.stderr + run.stdout,
    )


@pytest.mark.parametrize("book", [BOOKS / "minimal", REPO], ids=["small-book", "default-book-own-css"])
@pytest.mark.parametrize(
    "formats,absent",
    [
        ("html", ["weasyprint", "pikepdf", "pydyf", "fontTools"]),
        ("epub", ["weasyprint", "pikepdf", "pydyf", "fontTools"]),
    ],
)
def test_ebook_and_web_builds_do_not_import_the_print_libraries(
    tmp_path: Path, formats: str, absent: list[str], book: Path
) -> None:
    # the default book has its own styles/css/book.css: its check for what WeasyPrint would
    # ignore belongs to builds that lay out pages (and to `check`), not to the screen editions
    code = (
        "import json, sys; from pathlib import Path; from treatypress.cli import main\n"
        f"code = main(['build', {str(book)!r}, '--format', {formats!r}, "
        f"'--out', {str(tmp_path)!r}, '--quiet'])\n"
        "print(json.dumps([code, sorted(m for m in sys.modules if '.' not in m)]))"
    )
    run = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"SOURCE_DATE_EPOCH": "1700000000", "PATH": "/usr/bin:/bin"},
    )
    status, modules = json.loads(run.stdout.strip().splitlines()[-1])
    assert status == 0
    assert not set(absent) & set(modules)
