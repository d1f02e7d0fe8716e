"""The README's quick start, run as written: two commands from nothing to a served book that
follows the author's saves (the page itself reloading is tested in Chromium, test_serve.py)."""

from __future__ import annotations

import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

from conftest import server_url

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")


def _first_commands(heading: str) -> list[str]:
    """The commands of the first ``sh`` block after ``heading``, without their comments."""
    start = README.index(heading)
    begin = README.index("```sh", start) + len("```sh")
    block = README[begin : README.index("```", begin)]
    return [line.split("#")[0].strip() for line in block.strip().splitlines()]


def test_the_quick_start_is_two_commands() -> None:
    """The quick start builds the default book and runs the tests; a new book is two more."""
    assert _first_commands("## Quick start") == ["make book", "make test"]
    assert _first_commands("### Your own book") == ["make new", "make serve"]


def test_make_new_then_make_serve(tmp_path: Path) -> None:
    if shutil.which("make") is None:
        raise AssertionError("make is needed: it is how the README starts")
    book = tmp_path / "my-book"
    new = subprocess.run(["make", "-s", "new", f"BOOK={book}"], cwd=REPO, capture_output=True, text=True, check=False)
    assert new.returncode == 0, new.stderr
    assert (book / "manuscript" / "book.toml").is_file()
    serve = subprocess.Popen(
        ["make", "-s", "serve", f"BOOK={book}", "PORT=0"],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert serve.stderr is not None
        url = server_url(serve.stderr)
        assert url, "make serve did not start the server"
        with urllib.request.urlopen(url) as response:
            page = response.read().decode()
        assert '<h1 class="title">My Book</h1>' in page and "EventSource" in page
        chapter = book / "manuscript" / "01-writing.md"
        chapter.write_text(
            chapter.read_text(encoding="utf-8").replace("leans on its notes", "leans on NOTES"), encoding="utf-8"
        )
        # Poll the page itself: the generation also moves when the PDF preview started at launch
        # finishes, which may come before the rebuild for this save.
        deadline = time.monotonic() + 30
        shown = ""
        while "leans on NOTES" not in shown and time.monotonic() < deadline:
            time.sleep(0.05)
            with urllib.request.urlopen(url) as response:
                shown = response.read().decode()
        assert "leans on NOTES" in shown
    finally:
        import os
        import signal

        os.killpg(serve.pid, signal.SIGTERM)  # make and the server it started: this test's own group
        serve.wait(timeout=30)
