"""Bad input: a located message with a stable code and a hint, a non-zero exit, nothing written.

Each case breaks a fresh copy of the small book and runs the real command line.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from treatypress.cli import main


def run(book: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    out = book / "dist"
    code = main(["build", str(book), "--format", "html", "--quiet", *extra])
    err = capsys.readouterr().err
    if code:
        assert not out.exists() or not any(out.rglob("*")), "a failed build wrote into dist/"
    return code, err


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture changed: {old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_no_manuscript_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(tmp_path, capsys)
    assert code == 1
    assert f"{tmp_path}: error [no-manuscript] no manuscript/ folder in {tmp_path}" in err
    assert "hint: a book folder holds manuscript/" in err
    assert "Traceback" not in err


def test_listed_chapter_missing_points_at_the_settings_line(
    book_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(book_copy / "manuscript/book.toml", '"02-second.md"', '"02-secnd.md"')
    code, err = run(book_copy, capsys)
    assert code == 1
    assert (
        "manuscript/book.toml:15:28: error [chapter-missing] chapter '02-secnd.md' is listed but "
        "manuscript/02-secnd.md does not exist\n  hint: did you mean '02-second.md'?"
    ) in err
    # and the file that is present but unlisted is a warning in the same run
    assert "manuscript/02-second.md: warning [chapter-unlisted] manuscript/02-second.md is not in the contents" in err


def test_invalid_toml(book_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(book_copy / "manuscript/book.toml", 'language = "en"', "language = en")
    code, err = run(book_copy, capsys)
    assert code == 1
    assert re.search(r"manuscript/book\.toml:5:12: error \[config-toml\] invalid TOML: Invalid value", err), err


def test_unknown_and_mistyped_settings_are_reported_together(
    book_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(book_copy / "manuscript/book.toml", 'language = "en"', 'language = "en"\ntitel = "x"\n')
    edit(book_copy / "manuscript/book.toml", 'keywords = ["test", "book"]', "keywords = 3")
    edit(book_copy / "manuscript/book.toml", "[citations]", '[pdf]\nvariant = "fancy"\n\n[citations]')
    code, err = run(book_copy, capsys)
    assert code == 1
    assert "manuscript/book.toml:6:1: error [config-unknown] unknown setting 'titel' in [book] of book.toml" in err
    assert "hint: known settings in [book]: title, subtitle," in err
    assert "error [config-type] [book] keywords must be a list of strings, not int 3" in err
    assert "error [config-value] [pdf] variant: 'fancy' is not one of: accessible, plain, press" in err


def test_broken_front_matter(book_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(book_copy / "manuscript/00-preface.md", "title: Preface", "title: [Preface")
    code, err = run(book_copy, capsys)
    assert code == 1
    assert "manuscript/00-preface.md:3:1: error [frontmatter-yaml] broken YAML front matter:" in err


def test_file_not_utf8(book_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = book_copy / "manuscript/00-preface.md"
    path.write_bytes(path.read_bytes().replace(b"small book", b"small b\xf6ok"))
    code, err = run(book_copy, capsys)
    assert code == 1
    assert (
        "manuscript/00-preface.md:6:13: error [not-utf8] the file is not UTF-8: byte 0xf6 cannot be decoded\n"
        "  hint: re-save the file with UTF-8 encoding"
    ) in err


def test_footnote_without_definition_and_definition_never_called(
    book_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(book_copy / "manuscript/00-preface.md", "real.[^why]", "real.[^wy]")
    code, err = run(book_copy, capsys)
    assert code == 1
    assert (
        "manuscript/00-preface.md:6:67: error [footnote-undefined] footnote [^wy] has no definition\n"
        "  hint: add a line '[^wy]: the note text' after the paragraph"
    ) in err
    assert "manuscript/00-preface.md:9:1: error [footnote-unused] footnote [^why] is defined but never called" in err


def test_missing_and_remote_images(book_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    chapter = book_copy / "manuscript/01-first.md"
    edit(chapter, "figures/box.svg", "figures/bx.svg")
    chapter.write_text(chapter.read_text() + "\n![Remote.](https://example.org/a.png)\n\n![Out.](../../secret.png)\n")
    code, err = run(book_copy, capsys)
    assert code == 1
    assert re.search(r"manuscript/01-first\.md:\d+:\d+: error \[missing-file\] 'figures/bx\.svg' does not exist", err)
    assert (
        "error [remote-resource] 'https://example.org/a.png' is on the network; a build never reads the network" in err
    )
    assert "error [outside-book] '../../secret.png' is outside the book folder" in err


def test_duplicate_explicit_heading_id(book_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(book_copy / "manuscript/02-second.md", "{#second}", "{#first}")
    code, err = run(book_copy, capsys)
    assert code == 1
    assert (
        "manuscript/02-second.md:5:30: error [duplicate-id] the id '#first' is used twice "
        "(first at manuscript/01-first.md:5:30)"
    ) in err


def test_unknown_citation_key_is_an_error_with_a_suggestion(
    book_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(book_copy / "manuscript/00-preface.md", "[@senn1966, 12]", "[@senn1965, 12]")
    code, err = run(book_copy, capsys)
    assert code == 1
    assert "manuscript/00-preface.md:7:" in err and "error [cite-unknown]" in err and "senn1966" in err


def test_stylesheet_reaching_outside_the_book_is_refused(
    book_copy: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "evil.css").write_text("p { color: red }")
    css = book_copy / "styles/css/book.css"
    css.parent.mkdir(parents=True)
    css.write_text(
        f"@import url({(tmp_path / 'evil.css').as_uri()});\nbody {{ background: url(https://example.org/bg.png); }}\n"
    )
    code = main(["build", str(book_copy), "--format", "pdf", "--quiet"])
    err = capsys.readouterr().err
    assert code == 1
    # checked before the layout, at the stylesheet's line, and each reported once
    outside = (
        f"styles/css/book.css:1:9: error [outside-book] the stylesheet asks for '{(tmp_path / 'evil.css').as_uri()}'"
    )
    assert err.count(outside) == 1, err
    remote = "styles/css/book.css:2:20: error [remote-resource] the stylesheet asks for 'https://example.org/bg.png'"
    assert err.count(remote) == 1, err
    assert not (book_copy / "dist").exists()


def test_a_clean_book_builds_without_warnings(book_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.rmtree(book_copy / "dist", ignore_errors=True)
    code, err = run(book_copy, capsys, "--strict")
    assert code == 0, err
    assert err == ""


def test_figure_without_alt_text_in_the_accessible_variant(book_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(book_copy / "manuscript/01-first.md", ' alt="A grey box with a black border."', "")
    code, err = run(book_copy, capsys)
    assert code == 1
    assert re.search(
        r"manuscript/01-first\.md:\d+:\d+: error \[figure-no-alt\] the image 'figures/box\.svg' "
        r"has no alt text\n  hint: describe it for screen readers",
        err,
    ), err
