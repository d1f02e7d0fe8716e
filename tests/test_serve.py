"""`treatypress serve` in a real headless Chromium: save a file, see the page change.

The server runs as a user runs it (a child process, `--port 0`); the browser is Debian's
Chromium driven over the DevTools protocol (tests/cdp.py). Each check edits a real file of a
real book and waits for the page in the browser to show it.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import BOOKS, EPOCH, server_url
from pypdf import PdfReader

pytestmark = pytest.mark.skipif(
    not Path("/usr/bin/chromium").exists(), reason="Chromium is installed by scripts/setup.sh"
)

TEXT = "document.body.innerText"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    book = tmp_path / "book"
    shutil.copytree(BOOKS / "minimal", book)
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    process = subprocess.Popen(
        [sys.executable, "-m", "treatypress", "serve", str(book), "--port", "0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert process.stderr is not None
    url = server_url(process.stderr)
    assert url, "serve did not start"
    try:
        yield book, url
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture
def browser() -> Iterator[object]:
    from cdp import Browser

    chromium = Browser()
    try:
        yield chromium
    finally:
        chromium.close()


def _save(path: Path, old: str, new: str) -> float:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    return time.monotonic()


def test_saving_a_chapter_updates_the_page(served: tuple[Path, str], browser: object) -> None:
    from cdp import Browser

    assert isinstance(browser, Browser)
    book, url = served
    browser.open(url)
    browser.wait_for(f"{TEXT}.includes('This small book exists')")
    assert browser.evaluate("location.hostname") == "127.0.0.1"
    saved = _save(book / "manuscript" / "00-preface.md", "This small book exists", "This LIVE book exists")
    browser.wait_for(f"{TEXT}.includes('This LIVE book exists')")
    print(f"page updated {time.monotonic() - saved:.2f} s after the save")  # a figure, not a limit


def test_bibliography_and_style_saves_update_the_page(served: tuple[Path, str], browser: object) -> None:
    from cdp import Browser

    assert isinstance(browser, Browser)
    book, url = served
    browser.open(url)
    browser.wait_for(f"{TEXT}.includes('The Great Powers, Lithuania and the Vilna Question')")
    _save(book / "references.bib", "The Great Powers, Lithuania", "The Small Powers, Lithuania")
    browser.wait_for(f"{TEXT}.includes('The Small Powers, Lithuania and the Vilna Question')")
    (book / "styles" / "css").mkdir(parents=True)
    (book / "styles" / "css" / "web.css").write_text("body { background: rgb(1, 2, 3); }\n", encoding="utf-8")
    browser.wait_for("getComputedStyle(document.body).backgroundColor === 'rgb(1, 2, 3)'")


def test_errors_show_in_the_page_over_the_last_good_book(served: tuple[Path, str], browser: object) -> None:
    from cdp import Browser

    assert isinstance(browser, Browser)
    book, url = served
    browser.open(url)
    browser.wait_for(f"{TEXT}.includes('This small book exists')")
    _save(book / "manuscript" / "00-preface.md", "[@senn1966, 12]", "[@senn1965, 12]")
    status = browser.wait_for("document.querySelector('#treatypress-status.tp-failed')?.innerText")
    assert "manuscript/00-preface.md:7:22: error [cite-unknown] unknown citation key 'senn1965'" in status
    assert "did you mean 'senn1966'?" in status
    assert "the book below is the last one that built" in status
    assert "This small book exists" in browser.evaluate(TEXT)  # the last good book is still there
    _save(book / "manuscript" / "00-preface.md", "[@senn1965, 12]", "[@senn1966, 12]")
    browser.wait_for("document.querySelector('#treatypress-status.tp-ok') !== null")


def test_the_pdf_preview_is_linked_from_the_page(served: tuple[Path, str], browser: object) -> None:
    from cdp import Browser

    assert isinstance(browser, Browser)
    _book, url = served
    browser.open(url)
    href = browser.wait_for("document.querySelector('a#tp-pdf')?.href", timeout=120)
    with urllib.request.urlopen(href) as response:
        reader = PdfReader(io.BytesIO(response.read()))
    assert reader.metadata is not None and reader.metadata.title == "A Small Test Book: For the treatypress tests"
    assert "This small book exists" in "".join(page.extract_text() for page in reader.pages)
