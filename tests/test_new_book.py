"""`treatypress new`: the book it writes builds clean at once and shows each feature."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import EPOCH, page_texts

from treatypress.cli import main


@pytest.fixture(scope="module")
def new_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("new") / "first-book"
    assert main(["new", str(folder), "--title", "Rivers and Treaties"]) == 0
    return folder


def test_new_book_builds_with_no_problems(new_book: Path) -> None:
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    result = subprocess.run(
        [sys.executable, "-m", "treatypress", "build", str(new_book)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr and "error" not in result.stderr
    # stage names with timings, and the final line with pages, files and time
    assert "  resolve " in result.stderr and " s\n" in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    files = sum(1 for p in (new_book / "dist").rglob("*") if p.is_file())
    assert last.startswith("treatypress: built ") and f" pages, {files} files in " in last and last.endswith(" s")


def test_new_book_shows_each_feature(new_book: Path) -> None:
    dist = new_book / "dist"
    pages = page_texts(dist / "rivers-and-treaties.pdf")
    text = "\n".join(pages)
    assert "Rivers and Treaties" in pages[0]
    assert "Like this one." in text  # an inline note
    assert "Alfred Erich Senn, The Great Powers" in text  # a citation as a full note
    assert "Bibliography" in text and "Snyder, Timothy." in text
    index_page = next(p for p in pages if p.lstrip().startswith("Index"))
    assert "Vilnius, 1" in index_page and "capital of, 1" in index_page  # index marks, a sub-entry
    assert re.search(r"^\s*1920\s+The peace treaty is signed in Moscow", text, re.MULTILINE)  # the table, a row
    html = (dist / "rivers-and-treaties.html").read_text(encoding="utf-8")
    assert 'alt="A line joining two dots labelled Vilnius and Kaunas."' in html  # figure with alt text
    assert '<span lang="lt">Vilnius</span>' in html
    assert (dist / "handouts" / "reading-list.pdf").is_file()
    handout = "\n".join(page_texts(dist / "handouts" / "reading-list.pdf"))
    assert "Reading List" in handout and "Senn" in handout
    with zipfile.ZipFile(dist / "rivers-and-treaties.epub") as epub:
        assert any(name.endswith("writing.xhtml") for name in epub.namelist())


def test_new_book_teaches_in_comments(new_book: Path) -> None:
    chapter = (new_book / "manuscript" / "01-writing.md").read_text(encoding="utf-8")
    assert "<!-- A footnote:" in chapter and "<!-- A citation" in chapter and "<!-- An index mark" in chapter
    settings = (new_book / "manuscript" / "book.toml").read_text(encoding="utf-8")
    assert 'title = "Rivers and Treaties"' in settings


def test_new_refuses_a_folder_that_is_not_empty(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    assert main(["new", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert f"{tmp_path}: error [new-exists] the folder already exists and is not empty" in err
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert not (tmp_path / "manuscript").exists()


def test_new_takes_the_title_from_the_folder(tmp_path: Path) -> None:
    assert main(["new", str(tmp_path / "the-vilnius-question")]) == 0
    settings = (tmp_path / "the-vilnius-question" / "manuscript" / "book.toml").read_text(encoding="utf-8")
    assert 'title = "The Vilnius Question"' in settings
