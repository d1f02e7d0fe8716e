"""Located problems, reported as ``file:line:col: severity [code] message`` with a hint.

Every stage returns its problems as data (like bibtexparser's ``failed_blocks``) instead of
raising, so one run can report all of them; the CLI prints them and chooses the exit code.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


class Severity(enum.Enum):
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True, order=True)
class Location:
    """Where a problem is: a path relative to the book folder, 1-based line and column."""

    path: str
    line: int = 0  # 0 when the problem concerns the whole file
    col: int = 0  # 0 when only the line is known

    def __str__(self) -> str:
        text = self.path
        if self.line:
            text += f":{self.line}"
            if self.col:
                text += f":{self.col}"
        return text


@dataclass(frozen=True)
class Diagnostic:
    """One problem: a stable code, what is wrong, where, and how to fix it."""

    severity: Severity
    code: str  # stable, kebab-case, e.g. "cite-unknown"; tests and users may rely on it
    message: str  # what is wrong, one sentence without a final period
    location: Location | None = None
    hint: str = ""  # how to fix it; empty when the message says it all

    def format(self) -> str:
        where = f"{self.location}: " if self.location else ""
        text = f"{where}{self.severity.value} [{self.code}] {self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


def error(code: str, message: str, location: Location | None = None, hint: str = "") -> Diagnostic:
    return Diagnostic(Severity.ERROR, code, message, location, hint)


def warning(code: str, message: str, location: Location | None = None, hint: str = "") -> Diagnostic:
    return Diagnostic(Severity.WARNING, code, message, location, hint)


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.severity is Severity.ERROR for d in diagnostics)


def relative(path: Path, root: Path) -> str:
    """The path as the user knows it: relative to the book folder when inside it."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


class BuildFailed(Exception):
    """Raised at a stage boundary when earlier stages reported errors; carries all of them."""

    def __init__(self, diagnostics: tuple[Diagnostic, ...]) -> None:
        super().__init__(f"{sum(d.severity is Severity.ERROR for d in diagnostics)} error(s)")
        self.diagnostics = diagnostics
