"""What the input policies let through arrives intact (test_bad_inputs.py has what they refuse).

One real build of the small book with allowed raw HTML, a comment, a data: image and a book.css
that tries to set the page size; the PDF, EPUB (checked by EPUBCheck) and web edition are read.
Also: one settings schema behind book.toml, the flags and the README's table.
"""

from __future__ import annotations

import base64
import re
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pytest
from conftest import BOOKS, EpubChecks, build_book

from treatypress.build import BuildResult
from treatypress.cli import main
from treatypress.config import check_value, load_config, settings_table

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
# a 1x1 PNG, as an author might paste it
PIXEL = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000105fe02fea70000000049454e44ae426082"
    )
).decode()
RAW = (
    'The <span class="smallcaps" lang="lt">Seimas</span> met<br>in <abbr title="Kaunas">K.</abbr>, '
    '<a href="https://example.org/treaty">the text</a>.<!-- a note to self -->\n\n'
    '<div class="boxed">\n\nA *boxed* paragraph.\n\n</div>\n\n'
    "<!--\nA longer note to self, on several lines.\n-->\n\n"
    f'![A pixel.](data:image/png;base64,{PIXEL}){{alt="One grey pixel."}}\n'
)


@pytest.fixture(scope="module")
def policy_book(tmp_path_factory: pytest.TempPathFactory, epubchecks: EpubChecks) -> Iterator[tuple[Path, BuildResult]]:
    root = tmp_path_factory.mktemp("policy") / "book"
    shutil.copytree(BOOKS / "minimal", root)
    with (root / "manuscript/00-preface.md").open("a", encoding="utf-8") as stream:
        stream.write("\n" + RAW)
    css = root / "styles/css/book.css"
    css.parent.mkdir(parents=True)
    css.write_text("@page { size: A6; }\n", encoding="utf-8")
    out = root.parent / "out"
    result = build_book(root, out, formats=("pdf", "epub", "html"))
    epubchecks.start(next(path for path in result.written if path.suffix == ".epub"))  # in the background
    yield root, result


def _read(result: BuildResult, suffix: str) -> bytes:
    (path,) = [p for p in result.written if p.name.endswith(suffix)]
    return path.read_bytes()


def test_allowed_raw_html_reaches_the_web_edition_and_comments_do_not(policy_book: tuple[Path, BuildResult]) -> None:
    html = _read(policy_book[1], ".html").decode()
    assert '<span class="smallcaps" lang="lt">Seimas</span> met<br/>in <abbr title="Kaunas">K.</abbr>' in html
    assert '<a href="https://example.org/treaty">the text</a>' in html
    assert re.search(r'<div class="boxed">\s*<p>A <em>boxed</em> paragraph.</p>\s*</div>', html)
    assert "note to self" not in html


def test_allowed_raw_html_and_data_image_pass_epubcheck(
    policy_book: tuple[Path, BuildResult], epubchecks: EpubChecks
) -> None:
    (epub,) = [p for p in policy_book[1].written if p.suffix == ".epub"]
    with zipfile.ZipFile(epub) as archive:
        preface = archive.read("OEBPS/text/preface.xhtml").decode()
    assert "<br/>" in preface and f"data:image/png;base64,{PIXEL}" in preface and "note to self" not in preface
    assert epubchecks.problems(epub) == []


def test_the_page_size_setting_wins_over_book_css_with_a_warning(policy_book: tuple[Path, BuildResult]) -> None:
    result = policy_book[1]
    warnings = [d for d in result.diagnostics if d.code == "css-page-size"]
    assert [str(d.location) for d in warnings] == ["styles/css/book.css:1:9"]
    assert "[pdf] page_size (A5) wins" in warnings[0].message
    with pikepdf.open(_read_path(result, ".pdf")) as pdf:
        box = [float(v) for v in pdf.pages[0].mediabox]
    assert round(box[2] / 72 * 25.4) == 148 and round(box[3] / 72 * 25.4) == 210  # A5, not A6


def _read_path(result: BuildResult, suffix: str) -> Path:
    (path,) = [p for p in result.written if p.name.endswith(suffix) and "imposed" not in p.name]
    return path


def test_the_pdf_shows_the_data_image(policy_book: tuple[Path, BuildResult]) -> None:
    with pikepdf.open(_read_path(policy_book[1], ".pdf")) as pdf:
        sizes = [(int(image.Width), int(image.Height)) for page in pdf.pages for image in page.get_images().values()]
    assert (1, 1) in sizes  # the pixel, drawn from its data: URL


def test_a_flag_and_a_setting_get_the_same_words(book_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["build", str(book_copy), "--format", "html", "--page-size", "B7"])
    from_flag = capsys.readouterr().err
    with (book_copy / "manuscript/book.toml").open("a", encoding="utf-8") as stream:
        stream.write('\n[pdf]\npage_size = "B7"\n')
    assert main(["check", str(book_copy)]) == 1
    from_toml = capsys.readouterr().err
    message = check_value("pdf.page_size", "B7")
    assert message and message in from_flag and message in from_toml
    assert "manuscript/book.toml:22:1: error [config-value] [pdf] page_size: " + message in from_toml


def test_library_overrides_are_checked_like_flags(book_copy: Path) -> None:
    config, problems = load_config(book_copy, {"pdf.bleed": "lots"})
    assert config is None
    assert [(str(p.location), p.message) for p in problems] == [
        ("command line --bleed", "[pdf] bleed: length 'lots' is not a CSS length such as '3mm', '0.125in' or '0'")
    ]


@pytest.mark.parametrize("size", ["A4", "letter", "140mm 216mm", "6in 9in", "150mm"])
def test_good_page_sizes_pass(size: str) -> None:
    assert check_value("pdf.page_size", size) is None


def test_an_empty_front_list_means_no_front_matter(book_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    toml = book_copy / "manuscript/book.toml"
    toml.write_text(toml.read_text().replace('front = ["00-preface.md"]', "front = []"))
    assert main(["check", str(book_copy)]) == 0
    err = capsys.readouterr().err
    assert "manuscript/00-preface.md: warning [chapter-unlisted]" in err


def test_the_readme_settings_table_is_the_schema() -> None:
    assert settings_table() in README


def test_check_passes_on_the_default_book(capsys: pytest.CaptureFixture[str]) -> None:
    """check fills the web and EPUB layouts without a PDF: an index mark inside a note must still
    get its section (the default book has one), not stop check with a traceback."""
    assert main(["check", str(Path(__file__).resolve().parents[1]), "--strict"]) == 0, capsys.readouterr().err
