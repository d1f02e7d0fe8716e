"""The command line behaves as users expect, and the README documents every command and option."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from treatypress import __version__
from treatypress.cli import main, parser

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"treatypress {__version__}"


def test_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: treatypress [-h] [--version] COMMAND ...\n")
    # each command on its own line with what it does, in the order a newcomer meets them
    listed = re.findall(r"^    (\w+) +(\S.*)$", out, re.MULTILINE)
    assert listed == [
        ("new", "start a new book in a new folder"),
        ("build", "build the book into dist/"),
        ("check", "check the book without writing anything"),
        ("serve", "show the book in a browser, updated as you save"),
        ("styles", "list the bundled citation styles"),
        ("settings", "print the effective settings and where each came from"),
    ]


def test_unknown_format_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["build", ".", "--format", "pdf,docx"])
    assert exit_info.value.code == 2
    assert "unknown format 'docx'; choose from pdf, epub, html, handouts" in capsys.readouterr().err


def test_python_dash_m_works_the_same() -> None:
    result = subprocess.run([sys.executable, "-m", "treatypress", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.strip() == f"treatypress {__version__}"


def test_every_command_and_option_is_in_the_readme() -> None:
    commands = parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    for name, sub in commands.items():  # type: ignore[union-attr]
        assert f"treatypress {name}" in README, f"command {name} is not in the README"
        for action in sub._actions:
            for flag in action.option_strings:
                if flag.startswith("--") and flag != "--help":
                    assert flag in README, f"option {flag} of {name} is not in the README"


def _tree(root: Path) -> dict[str, float]:
    return {path.relative_to(root).as_posix(): path.stat().st_mtime for path in sorted(root.rglob("*"))}


def test_check_reports_without_writing(book_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = _tree(book_copy)
    assert main(["check", str(book_copy)]) == 0
    seen = capsys.readouterr()
    assert seen.out == ""
    assert re.fullmatch(r"treatypress: checked in \d+\.\d s: no problems; the book is ready to build\n", seen.err)
    assert _tree(book_copy) == before  # nothing written, not even dist/ or a cache


def test_check_shows_each_problem_where_it_is(book_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    chapter = book_copy / "manuscript" / "01-first.md"
    text = chapter.read_text(encoding="utf-8")
    assert text.count("@senn1966 [p. 31]") == 1
    chapter.write_text(text.replace("@senn1966 [p. 31]", "@senn1965 [p. 31]"), encoding="utf-8")
    before = _tree(book_copy)
    assert main(["check", str(book_copy)]) == 1
    seen = capsys.readouterr()
    assert seen.out == ""
    lines = seen.err.splitlines()
    assert lines[:2] == [
        "manuscript/01-first.md:13:75: error [cite-unknown] unknown citation key 'senn1965'",
        "  hint: did you mean 'senn1966'?",
    ]
    assert re.fullmatch(r"treatypress: checked in \d+\.\d s: 1 error, 0 warnings; the book cannot be built", lines[2])
    assert len(lines) == 3 and _tree(book_copy) == before
