"""Shared fixtures: real books built once per test session with the real WeasyPrint.

Every assertion about what a reader gets is made on these files: the PDF is read back with
pypdf and poppler's pdftotext, the EPUB is unzipped and checked with EPUBCheck.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from treatypress.build import BuildOptions, BuildResult, build

REPO = Path(__file__).resolve().parents[1]
BOOKS = Path(__file__).resolve().parent / "books"
EPOCH = "1700000000"  # 2023-11-14T22:13:20Z


@dataclass(frozen=True)
class Built:
    root: Path  # the book folder
    out: Path  # the output folder
    result: BuildResult

    def file(self, suffix: str) -> Path:
        (match,) = [p for p in self.result.written if p.name.endswith(suffix) and p.parent == self.out
                    and "imposed" not in p.name]
        return match


def build_book(root: Path, out: Path, **options: object) -> BuildResult:
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return build(root, BuildOptions(out_dir=out, **options))  # type: ignore[arg-type]
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


@pytest.fixture(scope="session")
def default_book(tmp_path_factory: pytest.TempPathFactory) -> Built:
    out = tmp_path_factory.mktemp("default-book")
    return Built(REPO, out, build_book(REPO, out))


@pytest.fixture(scope="session")
def small_book(tmp_path_factory: pytest.TempPathFactory) -> Built:
    out = tmp_path_factory.mktemp("small-book")
    return Built(BOOKS / "minimal", out, build_book(BOOKS / "minimal", out))


@pytest.fixture
def book_copy(tmp_path: Path) -> Iterator[Path]:
    """A fresh copy of the small book to break in one test."""
    target = tmp_path / "book"
    shutil.copytree(BOOKS / "minimal", target)
    yield target


def page_texts(pdf: Path) -> list[str]:
    """The text of every page, as poppler reads it (form feed separates pages)."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    return text.split("\f")[:-1]
