"""The command line behaves as users expect, and the README documents every command and option."""

from __future__ import annotations

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
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "build" in out and "check" in out


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
    for name, sub in commands.items():
        assert f"treatypress {name}" in README, f"command {name} is not in the README"
        for action in sub._actions:
            for flag in action.option_strings:
                if flag.startswith("--") and flag != "--help":
                    assert flag in README, f"option {flag} of {name} is not in the README"


def test_check_reports_without_writing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = Path(__file__).parent / "books" / "minimal"
    assert main(["check", str(book)]) == 0
    assert not (book / "dist").exists()
