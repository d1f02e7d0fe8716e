"""A Pandoc book folder (metadata.yaml, chapters at the top, refs.bib; no book.toml) builds as it is."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import BOOKS, Built, build_book, page_texts

from treatypress.booksettings import load_settings, origin
from treatypress.cli import main


@pytest.fixture(scope="module")
def pandoc_book(tmp_path_factory: pytest.TempPathFactory) -> Built:
    out = tmp_path_factory.mktemp("pandoc-book")
    root = BOOKS / "pandoc"
    return Built(root, out, build_book(root, out, formats=("pdf", "epub")))


def test_the_metadata_becomes_the_settings() -> None:
    settings = load_settings(BOOKS / "pandoc")
    config = settings.config
    assert config is not None
    assert config.book.title == "Borders on the Neris"
    assert config.book.subtitle == "A Pandoc book built as it is"
    assert config.book.authors == ("Ada Tester", "Ben Checker")  # a map with name, and a plain string
    assert config.book.language == "en-GB" and config.book.date == "2024-03-01"
    assert (config.book.publisher, config.book.rights) == ("Test Press", "CC0")
    assert config.identifier == "urn:isbn:9780000000002"
    # a csl file that is not in the folder is the bundled style of that name, as Pandoc's data folder gives it
    assert config.citations.style == "chicago-author-date"
    assert config.citations.bibliography == "refs.bib"
    assert config.citations.nocite == ("*",)
    assert config.citations.bibliography_title == "Works Cited"
    assert config.citations.link is True
    assert config.contents.chapters == ("01-rivers.md", "02-treaty.md")  # README.md is not a chapter
    assert origin(config, "book.title") == "metadata.yaml:3:1"


def test_the_book_builds_with_a_warning_for_each_ignored_key(pandoc_book: Built) -> None:
    assert [d.format() for d in pandoc_book.result.diagnostics] == [
        (
            "metadata.yaml:19:1: warning [pandoc-ignored] Pandoc metadata 'toc' is ignored: the contents page is "
            "always made\n  hint: treatypress reads: author, bibliography, csl, date, description, identifier, "
            "keywords, lang, link-citations, nocite, publisher, reference-section-title, rights, subject, "
            "subtitle, title"
        ),
        (
            "02-treaty.md:3:1: warning [pandoc-ignored] Pandoc metadata 'abstract' in a chapter's front matter "
            "is ignored: an abstract has no place in the booklet; write it as a chapter"
        ),
    ]


def test_the_pdf_has_the_metadata_the_style_and_every_work(pandoc_book: Built) -> None:
    pages = page_texts(pandoc_book.file(".pdf"))
    text = "\n".join(pages)
    assert "Borders on the Neris" in pages[0]
    assert "Identifier: urn:isbn:9780000000002" in text
    assert "Kaunas (Senn 1966, 31)" in text and "Senn (1966, 32)" in text  # author-date, in the text
    works = next(p for p in pages if p.strip().startswith("Works Cited"))
    assert "Łossowski, Piotr. 1966." in works  # never cited: listed by nocite @*
    assert "About this folder" not in text


def test_the_epub_has_the_language_and_identifier(pandoc_book: Built) -> None:
    with zipfile.ZipFile(pandoc_book.file(".epub")) as epub:
        opf = next(epub.read(n).decode() for n in epub.namelist() if n.endswith(".opf"))
    assert "<dc:language>en-GB</dc:language>" in opf
    assert "urn:isbn:9780000000002" in opf


def test_metadata_in_the_first_chapter_alone(tmp_path: Path) -> None:
    """No metadata file: the first chapter's YAML block is the book's metadata, with no warnings."""
    book = tmp_path / "book"
    book.mkdir()
    (book / "01-start.md").write_text(
        "---\ntitle: A Book in One Block\nauthor: [Ada Tester]\nlang: lt\ndate: 2020\n---\n# Pradžia\n\nTekstas.\n",
        encoding="utf-8",
    )
    (book / "02-more.md").write_text("---\ntitle: More\n---\n# More\n\nText.\n", encoding="utf-8")
    settings = load_settings(book)
    assert settings.config is not None and not settings.problems
    assert settings.config.book.title == "A Book in One Block"
    assert settings.config.book.language == "lt" and settings.config.book.date == "2020"
    assert settings.config.settings_file == "01-start.md"
    result = build_book(book, tmp_path / "out", formats=("html",))
    assert result.diagnostics == ()


def test_a_defaults_file_orders_the_chapters_and_wins(tmp_path: Path) -> None:
    book = tmp_path / "book"
    shutil.copytree(BOOKS / "pandoc", book)
    (book / "defaults.yaml").write_text(
        "input-files: [02-treaty.md, 01-rivers.md]\nmetadata:\n  title: The Title from -M\nto: epub\n", encoding="utf-8"
    )
    settings = load_settings(book)
    assert settings.config is not None
    assert settings.config.contents.chapters == ("02-treaty.md", "01-rivers.md")
    assert settings.config.book.title == "The Title from -M"
    assert origin(settings.config, "book.title") == "defaults.yaml:3:3"
    assert "defaults.yaml:4:1: warning [pandoc-ignored] 'to' in defaults.yaml is ignored" in "\n".join(
        p.format() for p in settings.problems
    )


def test_settings_names_the_pandoc_origins(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["settings", str(BOOKS / "pandoc")]) == 0
    out = capsys.readouterr().out
    assert 'title = "Borders on the Neris"  # metadata.yaml:3:1' in out
    assert 'style = "chicago-author-date"  # metadata.yaml:14:1' in out
    assert 'page_size = "A5"  # default' in out


def test_link_citations_false_leaves_screen_citations_unlinked(tmp_path: Path) -> None:
    book = tmp_path / "book"
    shutil.copytree(BOOKS / "pandoc", book)
    out = tmp_path / "out"
    linked = build_book(book, out / "linked", formats=("html",))
    assert (
        '<a class="cite" href="#ref-senn1966">'
        in (out / "linked" / "borders-on-the-neris.html").read_text(encoding="utf-8")
        and linked.written
    )
    meta = book / "metadata.yaml"
    meta.write_text(
        meta.read_text(encoding="utf-8").replace("link-citations: true", "link-citations: false"), encoding="utf-8"
    )
    build_book(book, out / "plain", formats=("html",))
    html = (out / "plain" / "borders-on-the-neris.html").read_text(encoding="utf-8")
    assert 'class="cite"' not in html and "Senn 1966, 31" in html
