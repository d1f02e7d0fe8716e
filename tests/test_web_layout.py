"""The web edition in a real browser (headless Chromium) and its index locators.

The edition is loaded into an iframe of the wanted width (a headless window cannot be made
narrower than about 500 px, an iframe can), in a probe page next to it that measures, once the
fonts are loaded, whether the page is wider than its viewport and which elements run off it.
Each width also leaves a screenshot beside the book for a person to look at.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from cdp import FLAGS
from conftest import CHROMIUM, Built
from pypdf import PdfReader

PROBE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"/><title>probe</title></head>
<body style="margin:0">
<iframe id="edition" style="border:0;height:1600px;width:WIDTHpx"></iframe>
<pre id="probe-result">pending</pre>
<script>
var frame = document.getElementById("edition");
frame.addEventListener("load", function () {
  var doc = frame.contentDocument;
  doc.fonts.ready.then(function () {
    var view = doc.documentElement.clientWidth, off = [];
    doc.querySelectorAll("body *").forEach(function (el) {
      var box = el.getBoundingClientRect();
      if (box.width && box.right > view + 0.5) off.push(el.tagName.toLowerCase() + "." + el.className + "#" + el.id);
    });
    var toc = doc.querySelector("nav.toc ol");
    // a note call reached with the keyboard: its note pops up on wide screens only
    var call = doc.querySelectorAll("a.noteref")[3];
    call.focus();
    var popup = doc.getElementById("note-popup"), shown = popup && !popup.hidden;
    var note = doc.getElementById(call.hash.slice(1));
    document.getElementById("probe-result").textContent = JSON.stringify({
      client: view, scroll: doc.documentElement.scrollWidth, off: off.slice(0, 20),
      tocList: toc ? doc.defaultView.getComputedStyle(toc).listStyleType : "",
      font: doc.fonts.check("16px 'Charis SIL'"),
      popup: shown ? popup.textContent.trim() : "", note: note.textContent.trim(),
      popupRight: shown ? popup.getBoundingClientRect().right : 0,
      describedBy: call.getAttribute("aria-describedby") || ""});
  });
});
frame.src = "PAGE";
</script>
</body></html>
"""


def _chromium(tmp_path: Path, *args: str) -> str:
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: run scripts/setup.sh")
    profile = tmp_path / f"profile-{len(list(tmp_path.iterdir()))}"
    command = [
        str(CHROMIUM),
        *FLAGS,  # the same headless Chromium as the serve tests' DevTools client
        f"--user-data-dir={profile}",
        "--allow-file-access-from-files",
        "--hide-scrollbars",
        "--virtual-time-budget=10000",
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True).stdout


@pytest.fixture(scope="module")
def web_copy(default_book: Built, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default book's web edition, copied so the probe pages can sit beside it."""
    folder = tmp_path_factory.mktemp("web")
    page = default_book.file(".html")
    shutil.copy(page, folder / page.name)
    shutil.copytree(page.parent / f"{page.stem}-assets", folder / f"{page.stem}-assets")
    return folder / page.name


@pytest.mark.parametrize("width", [1280, 390])
def test_nothing_runs_off_the_screen(web_copy: Path, width: int, tmp_path: Path) -> None:
    probe = web_copy.parent / f"probe-{width}.html"
    probe.write_text(PROBE.replace("WIDTH", str(width)).replace("PAGE", web_copy.name), encoding="utf-8")
    dom = _chromium(tmp_path, "--window-size=1400,1000", "--dump-dom", probe.as_uri())
    match = re.search(r'<pre id="probe-result">(.*?)</pre>', dom, re.S)
    assert match and match[1] != "pending", dom[-2000:]
    result = json.loads(match[1])
    assert result["client"] == width  # scrollbars hidden: the viewport is the iframe's width
    assert result["scroll"] <= result["client"], result
    assert result["off"] == [], result
    assert result["tocList"] == "none"  # no list numbers in the contents
    assert result["font"] is True  # the subset Charis SIL loaded
    if width >= 960:  # 60em: the note pops up beside its call, inside the screen, as its description
        assert result["popup"] and result["popup"] in result["note"], result
        assert result["popupRight"] <= result["client"] and result["describedBy"] == "note-popup"
    else:  # narrow: the call just leads to the note
        assert result["popup"] == "" and result["describedBy"] == ""
    shot = web_copy.parent / f"screenshot-{width}.png"
    _chromium(tmp_path, f"--window-size={width},1000", f"--screenshot={shot}", web_copy.as_uri())
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def _index(html: str) -> str:
    match = re.search(r'<section[^>]*class="index"', html)
    assert match, "no index"
    return html[match.start() :]


def test_index_locators_are_printed_pages_when_the_pdf_is_built(default_book: Built) -> None:
    html = default_book.file(".html").read_text(encoding="utf-8")
    locators = re.findall(r'<a href="#(?!index-)[^"]+">([^<]+)</a>', _index(html))  # not the cross-references
    assert len(locators) > 100
    assert all(re.fullmatch(r"[ivxlc]+|\d+", label) for label in locators), locators[:20]
    pages = len(PdfReader(default_book.file(".pdf")).pages)
    assert html.count('role="doc-pagebreak"') == pages  # a folio in the margin


def test_index_locators_are_section_numbers_without_a_pdf(screen_only_book: Built) -> None:
    html = screen_only_book.file(".html").read_text(encoding="utf-8")
    locators = re.findall(r'<a href="#((?!index-)[^"]+)">([^<]+)</a>', _index(html))
    assert locators and all(re.fullmatch(r"§\d+", label) for _, label in locators), locators
    shown = set(re.findall(r'<span class="section-number">(§\d+)</span>', html))
    for _, label in locators:  # every locator names a section the reader can see
        assert label in shown
    assert 'role="doc-pagebreak"' not in html


def test_the_books_own_css_applies_to_the_web_edition(book_copy: Path, tmp_path: Path) -> None:
    from conftest import build_book

    (book_copy / "styles" / "css").mkdir(parents=True)
    (book_copy / "styles" / "css" / "book.css").write_text("h1 { letter-spacing: 0.07em; }\n", encoding="utf-8")
    build_book(book_copy, tmp_path / "out", formats=("html",))
    css = (tmp_path / "out" / "small-book-assets" / "book.css").read_text(encoding="utf-8")
    assert css.rstrip().endswith("h1 { letter-spacing: 0.07em; }")
