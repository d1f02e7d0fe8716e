"""The writer's commands: check's summary and JSON, styles, settings, progress, and a broken
book.toml that does not hide the chapters' problems. Each runs the real command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import BOOKS

from treatypress.cli import main
from treatypress.progress import StageLines


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture changed: {old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_check_ends_with_a_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(BOOKS / "minimal")]) == 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith("treatypress: checked in ")
    assert err[0].endswith(" s: no problems; the book is ready to build")


def test_check_summary_counts_the_problems(book_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(book_copy / "manuscript/00-preface.md", "[@senn1966, 12]", "[@senn1965, 12]")
    assert main(["check", str(book_copy)]) == 1
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert last.startswith("treatypress: checked in ") and last.endswith(
        " s: 1 error, 0 warnings; the book cannot be built"
    )


def test_check_format_json(book_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(book_copy / "manuscript/00-preface.md", "[@senn1966, 12]", "[@senn1965, 12]")
    edit(book_copy / "manuscript/00-preface.md", "title: Preface", "title: Preface\ntitel: Typo")
    assert main(["check", str(book_copy), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["errors"] == 1 and report["warnings"] == 1
    assert {
        "file": "manuscript/00-preface.md",
        "line": 8,
        "column": 22,
        "severity": "error",
        "code": "cite-unknown",
        "message": "unknown citation key 'senn1965'",
        "hint": "did you mean 'senn1966'?",
    } in report["problems"]
    typo = next(p for p in report["problems"] if p["code"] == "frontmatter-unknown")
    assert (typo["file"], typo["line"], typo["severity"]) == ("manuscript/00-preface.md", 3, "warning")
    assert set(typo) == {"file", "line", "column", "severity", "code", "message", "hint"}


def test_a_broken_book_toml_does_not_hide_the_chapters(book_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(book_copy / "manuscript/book.toml", 'language = "en"', "language = en")  # a TOML syntax error
    edit(book_copy / "manuscript/book.toml", "[citations]", '[pdf]\nvariant = "fancy"\n\n[citations]')
    edit(book_copy / "manuscript/00-preface.md", "[@senn1966, 12]", "[@senn1965, 12]")
    assert main(["build", str(book_copy), "--format", "html", "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "manuscript/book.toml:5:12: error [config-toml] invalid TOML" in err
    assert "error [config-value] [pdf] variant: 'fancy' is not one of: accessible, plain, press" in err
    assert "manuscript/00-preface.md:7:22: error [cite-unknown] unknown citation key 'senn1965'" in err
    assert "treatypress: 3 error(s); nothing was written" in err
    assert not (book_copy / "dist").exists()


def test_an_unknown_style_suggests_the_nearest_names(book_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(
        book_copy / "manuscript/book.toml",
        'style = "chicago-notes-bibliography"',
        'style = "chicago-note-bibliography"',
    )
    assert main(["check", str(book_copy)]) == 1
    err = capsys.readouterr().err
    assert "error [style-unknown] unknown citation style 'chicago-note-bibliography'" in err
    assert "hint: did you mean 'chicago-notes-bibliography' or " in err


def test_styles_lists_and_searches(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["styles"]) == 0
    out, err = capsys.readouterr()
    names = [line.split()[0] for line in out.splitlines()]
    assert len(names) > 10000 and "apa" in names and "chicago-notes-bibliography" in names
    assert "bundled; set one with [citations] style" in err
    assert main(["styles", "chicago", "author-date"]) == 0
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if line.split()[0] == "chicago-author-date")
    assert "author-date" in line and "Chicago Manual of Style 18th edition (author-date)" in line
    assert all("chicago" in line.lower() for line in out.splitlines())
    assert main(["styles", "no-such-style-anywhere"]) == 1


def test_settings_says_where_each_value_came_from(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["settings", str(BOOKS / "minimal"), "--page-size", "A4"]) == 0
    out = capsys.readouterr().out
    assert 'title = "A Small Test Book"  # manuscript/book.toml:2:1' in out
    assert 'page_size = "A4"  # command line --page-size' in out
    assert 'variant = "accessible"  # default' in out
    assert out.startswith("[book]\n") and "\n[citations]\n" in out


def test_stage_lines_when_not_a_terminal(tmp_path: Path) -> None:
    with (tmp_path / "log.txt").open("w", encoding="utf-8") as stream:
        progress = StageLines(stream)
        progress.start("layout")
        progress.finish("layout", 3.071)
    assert (tmp_path / "log.txt").read_text(encoding="utf-8") == "  layout\n  layout        3.07 s\n"


def test_quiet_build_prints_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", str(BOOKS / "minimal"), "--format", "html", "--out", str(tmp_path), "--quiet"]) == 0
    assert capsys.readouterr() == ("", "")


def test_a_terminal_sees_the_pages_being_laid_out(tmp_path: Path) -> None:
    """On a terminal the running stage is redrawn in place with WeasyPrint's page count."""
    import os
    import pty
    import subprocess
    import sys

    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "treatypress",
            "build",
            str(BOOKS / "minimal"),
            "--format",
            "pdf",
            "--out",
            str(tmp_path),
        ],
        stdout=follower,
        stderr=follower,
    )
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    assert process.wait() == 0
    text = shown.decode()
    assert "\r\x1b[K  layout … page " in text  # live, rewritten in place
    assert "\r\x1b[K  layout   " in text and " s\r\n" in text  # then the stage's time
    assert "treatypress: built " in text and " pages, 1 file in " in text
