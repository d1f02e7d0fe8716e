"""Faults in the write stage: a full disk, a wrong --out, SIGKILL, Ctrl-C, --strict.

The write stage is one transaction (``output.py``): whatever happens, the output folder holds the
complete previous set of outputs or the complete new one. Each test runs the real command line,
most of them in a real subprocess that is limited, killed or interrupted for real.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import BOOKS, EPOCH

from treatypress.build import BuildOptions, build
from treatypress.cli import main
from treatypress.diagnostics import BuildFailed
from treatypress.limits import MAX_MANUSCRIPT_BYTES
from treatypress.output import STAGING, write_artifacts
from treatypress.targets import Artifact

ENV = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (hidden ones too) and a digest of its bytes."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def leftovers(out: Path) -> list[Path]:
    return [*out.parent.glob(f".{out.name}{STAGING}*"), *out.glob(f"**/{STAGING}*"), *out.glob("**/.tmp-*")]


def command(book: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "treatypress", "build", str(book), "--out", str(out), *extra]


def new_edition(book: Path, padding_mb: int = 0) -> None:
    """Change the text (so every output changes) and, optionally, make the figure big."""
    chapter = book / "manuscript/01-first.md"
    chapter.write_text(
        chapter.read_text(encoding="utf-8").replace("ruined bridges", "broken bridges"), encoding="utf-8"
    )
    if padding_mb:
        figure = book / "manuscript/figures/box.svg"
        svg = figure.read_text(encoding="utf-8")
        figure.write_text(svg.replace("</svg>", f"<!-- {'x' * (padding_mb << 20)} --></svg>"), encoding="utf-8")


@contextmanager
def tmpfs(where: Path, size: str, *options: str) -> Iterator[Path]:
    """A small tmpfs mounted at ``where``: a real full disk or a real read-only filesystem."""
    where.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", ",".join((f"size={size}", *options)), "tmpfs", str(where)],
        check=False,
        capture_output=True,
        text=True,
    )
    if mounted.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "--lazy", str(where)], check=True)


# --- located errors for a wrong --out ------------------------------------------------

OUT_CASES = [
    # (name, make the --out, expected code, expected message fragment)
    (
        "out-is-a-file",
        lambda tmp: _file(tmp / "out"),
        "out-not-a-folder",
        "error [out-not-a-folder] the output folder (--out) is a file, not a folder",
    ),
    ("out-under-a-file", lambda tmp: _file(tmp / "out") / "sub", "out-not-a-folder", "is a file, not a folder"),
    (
        "out-read-only",
        lambda tmp: _read_only(tmp / "out"),
        "out-unwritable",
        "error [out-unwritable] the output folder (--out) cannot be written",
    ),
]


def _file(path: Path) -> Path:
    path.write_text("not a folder\n", encoding="utf-8")
    return path


def _read_only(path: Path) -> Path:
    path.mkdir()
    (path / "old.txt").write_text("previous output\n", encoding="utf-8")
    if os.geteuid() == 0:  # root writes through permission bits, not through an immutable file
        if subprocess.run(["chattr", "+i", str(path)], check=False, capture_output=True).returncode:
            pytest.skip("running as root and cannot make a folder immutable (chattr +i)")
    else:
        path.chmod(0o555)
    return path


@pytest.mark.parametrize(("name", "make", "code", "fragment"), OUT_CASES, ids=[c[0] for c in OUT_CASES])
def test_a_wrong_out_is_a_located_error(
    name: str, make: object, code: str, fragment: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out: Path = make(tmp_path)  # type: ignore[operator]
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    try:
        exit_code = main(["build", str(BOOKS / "minimal"), "--format", "html", "--quiet", "--out", str(out)])
    finally:
        subprocess.run(["chattr", "-i", str(out)], check=False, capture_output=True)
        if out.is_dir():
            out.chmod(0o755)
    err = capsys.readouterr().err
    assert exit_code == 1
    assert f"{out}: {fragment}" in err if fragment.startswith("error") else fragment in err, err
    assert f"[{code}]" in err and "hint: " in err and "--out DIR" in err
    assert "Traceback" not in err and err.rstrip().endswith("nothing was written")
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before


# --- disk full ------------------------------------------------------------------------


def _limit_file_size(limit: int) -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def test_disk_full_keeps_the_previous_outputs(book_copy: Path, tmp_path: Path) -> None:
    """A real write fault: the subprocess may not make a file over 2 MiB (RLIMIT_FSIZE -> EFBIG). The
    write stage is what fails, so the screen editions (no PDF layout) are enough to show it."""
    out = tmp_path / "dist"
    subprocess.run(command(book_copy, out, "--format", "epub,html", "--quiet"), env=ENV, check=True)
    before = snapshot(out)
    new_edition(book_copy, padding_mb=3)
    result = subprocess.run(
        command(book_copy, out, "--format", "epub,html", "--quiet"),
        env=ENV,
        check=False,
        capture_output=True,
        text=True,
        preexec_fn=lambda: _limit_file_size(2 << 20),
    )
    assert result.returncode == 1, result.stderr
    assert (
        f"{out}: error [out-disk-full] no room to write the outputs into the output folder (--out): "
        "File too large" in result.stderr
    )
    assert (
        "hint: free some disk space, or build into another folder with --out DIR; the previous outputs "
        "are unchanged" in result.stderr
    )
    assert "Traceback" not in result.stderr
    assert snapshot(out) == before and not leftovers(out)


def test_a_full_tmpfs_keeps_the_previous_outputs(
    book_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A real full disk: an 8 MiB tmpfs holds the old web edition but not the new one, whose
    figure alone is 10 MiB (ENOSPC)."""
    with tmpfs(tmp_path / "disk", "8m") as disk:
        out = disk / "dist"
        assert main(["build", str(book_copy), "--format", "html", "--quiet", "--out", str(out)]) == 0
        before = snapshot(out)
        new_edition(book_copy, padding_mb=10)
        assert main(["build", str(book_copy), "--format", "html", "--quiet", "--out", str(out)]) == 1
        err = capsys.readouterr().err
        assert (
            f"{out}: error [out-disk-full] no room to write the outputs into the output folder (--out): "
            "No space left on device" in err
        )
        assert snapshot(out) == before and not leftovers(out)


# --- killed and interrupted builds ----------------------------------------------------


def test_sigkill_in_the_write_stage_leaves_the_old_set_or_the_new_one(book_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    formats = ("--format", "epub,html", "--quiet")  # the write stage is what is hit: no PDF layout needed
    subprocess.run(command(book_copy, out, *formats), env=ENV, check=True)
    old = snapshot(out)
    # 40 MiB of figure to write and flush makes the write stage long enough to be hit.
    new_edition(book_copy, padding_mb=40)
    seen: list[dict[str, str]] = []
    hits = 0
    for delay in (0.0, 0.05, 0.3, None):  # None: let the last one finish, which gives the new set
        process = subprocess.Popen(command(book_copy, out, *formats), env=ENV)
        while process.poll() is None and not list(tmp_path.glob(f".dist{STAGING}*")):
            time.sleep(0.001)
        if delay is not None:
            time.sleep(delay)
            process.send_signal(signal.SIGKILL)
        process.wait()
        hits += process.returncode == -signal.SIGKILL and bool(list(tmp_path.glob(f".dist{STAGING}*")))
        seen.append(snapshot(out))
    assert hits >= 1, "no kill landed in the write stage"
    assert seen[-1] != old
    (out / ".tmp-abcd1234.epub").write_bytes(b"truncated")  # what the earlier write stage left when killed
    subprocess.run(command(book_copy, out, *formats), env=ENV, check=True)
    new = snapshot(out)
    assert new != old and not leftovers(out)  # the next build cleaned the killed builds' staging
    for state in seen:
        assert state in (old, new)


def test_ctrl_c_prints_one_line_and_exits_130(book_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    process = subprocess.Popen(
        command(book_copy, out, "--format", "pdf"), env=ENV, stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert process.stderr is not None
    first = process.stderr.read(1)  # the progress display's first output: the build has started
    process.send_signal(signal.SIGINT)
    err = first + process.stderr.read()
    assert process.wait() == 130
    assert "Traceback" not in err and err.count("interrupted") == 1
    assert err.endswith("\ntreatypress: interrupted\n")
    assert not out.exists() and not leftovers(out)


# --- --strict --------------------------------------------------------------------------


def test_strict_writes_nothing_when_there_are_warnings(
    book_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (book_copy / "manuscript/03-unlisted.md").write_text("# Unlisted\n\nText.\n", encoding="utf-8")
    out = tmp_path / "dist"
    assert main(["build", str(book_copy), "--format", "html", "--quiet", "--strict", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "warning [chapter-unlisted]" in err
    assert "error [strict-warnings] 1 warning(s) and --strict" in err
    assert err.rstrip().endswith("treatypress: 1 error(s); nothing was written")
    assert not out.exists()
    assert main(["check", str(book_copy), "--strict"]) == 1
    assert main(["build", str(book_copy), "--format", "html", "--quiet", "--out", str(out)]) == 0
    assert (out / "small-book.html").is_file()


# --- the transaction itself --------------------------------------------------------------


def test_a_build_keeps_other_outputs_and_cleans_only_dead_staging(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    write_artifacts(out, [Artifact("book.pdf", b"old pdf"), Artifact("handouts/a.pdf", b"old a")])
    dead = tmp_path / f".dist{STAGING}dead"
    dead.mkdir()
    (dead / "book.pdf").write_bytes(b"half")
    live = tmp_path / f".dist{STAGING}live"
    live.mkdir()
    handle = os.open(live, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(handle, fcntl.LOCK_EX)  # a concurrent build that is still running
    try:
        written = write_artifacts(out, [Artifact("book.html", b"new html"), Artifact("book.pdf", b"new pdf")])
        assert written == [out / "book.html", out / "book.pdf"]
        assert snapshot(out) == snapshot_of(
            {"book.pdf": b"new pdf", "book.html": b"new html", "handouts/a.pdf": b"old a"}
        )
        assert not dead.exists() and live.exists()
    finally:
        os.close(handle)
    shutil.rmtree(live)


def snapshot_of(files: dict[str, bytes]) -> dict[str, str]:
    return {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())}


# --- huge input ---------------------------------------------------------------------------


def test_a_manuscript_over_the_limit_is_refused_at_once(
    book_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    chapter = book_copy / "manuscript/02-second.md"
    text = chapter.read_text(encoding="utf-8")
    paragraph = "A paragraph of a chapter far too long for one booklet, repeated. " * 10 + "\n\n"
    chapter.write_text(text + paragraph * (MAX_MANUSCRIPT_BYTES // len(paragraph) + 1), encoding="utf-8")
    out = tmp_path / "dist"
    progress: list[str] = []
    assert build_stages(book_copy, out, progress) and progress == ["config", "manuscript"]  # no parse, no layout
    assert main(["build", str(book_copy), "--format", "pdf", "--quiet", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert re.search(
        r"^manuscript/02-second\.md: error \[manuscript-too-large\] the chapters hold 2\.\d MB of "
        r"text \(manuscript/02-second\.md: 2\.\d MB\); treatypress lays out at most 2 MB \(about "
        r"1,000 A5 pages\) in one book$",
        err,
        re.MULTILINE,
    ), err
    assert "hint: split the work into volumes" in err and not out.exists()


class Recorder:
    """A progress display that records the stages started."""

    def __init__(self, started: list[str]) -> None:
        self.started = started

    def start(self, stage: str) -> None:
        self.started.append(stage)

    def finish(self, stage: str, seconds: float) -> None:
        pass


def build_stages(book: Path, out: Path, progress: list[str]) -> bool:
    """Run the build library call, recording the stages it started; True when it failed."""
    try:
        build(book, BuildOptions(formats=("pdf",), out_dir=out), Recorder(progress))
    except BuildFailed:
        return True
    return False
