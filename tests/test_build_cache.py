"""The build cache (issue 12): a rebuild reuses the layouts of what did not change and gives the
bytes a build without the cache gives; any input that changes, a style file included, is a miss."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import BOOKS, build_book

from treatypress.build import BuildResult


def _book(tmp_path: Path) -> Path:
    root = tmp_path / "book"
    shutil.copytree(BOOKS / "minimal", root)
    return root


def _pdf(out: Path) -> bytes:
    return (out / "small-book.pdf").read_bytes()


def _build(root: Path, out: Path, **options: object):  # type: ignore[no-untyped-def]
    return build_book(root, out, formats=("pdf",), variant="plain", jobs=2, **options)


@dataclass(frozen=True)
class Warm:
    """The small book built cold, then again with nothing changed: the state the tests start from."""

    folder: Path  # holds book/ (with its build cache) and out/
    first: BuildResult
    second: BuildResult
    cold_pdf: bytes


@pytest.fixture(scope="module")
def warm(tmp_path_factory: pytest.TempPathFactory) -> Warm:
    folder = tmp_path_factory.mktemp("cache-tests") / "warm"
    root, out = _book(folder), folder / "out"
    first = _build(root, out)
    cold_pdf = _pdf(out)
    warm = Warm(folder, first, _build(root, out), cold_pdf)
    shutil.copytree(folder, folder.with_name("pristine"), symlinks=True)
    return warm


def _start(warm: Warm) -> tuple[Path, Path]:
    """The warm book and its outputs, as the fixture left them. Restored in place: the cache
    knows the book by its absolute paths, so a copy elsewhere would be a new book (each xdist
    worker has its own fixture and folder; the tests of one worker run one after another)."""
    shutil.rmtree(warm.folder)
    shutil.copytree(warm.folder.with_name("pristine"), warm.folder, symlinks=True)
    return warm.folder / "book", warm.folder / "out"


def test_a_rebuild_reuses_every_layout_and_gives_the_same_bytes(warm: Warm) -> None:
    root, out = _start(warm)
    assert warm.first.parts == 2 and warm.first.reused == 0
    assert (root / "build" / "treatypress-cache" / "parts").is_dir()
    assert not [p for p in out.rglob("*") if "cache" in p.name]  # the output folder holds only the outputs
    assert warm.second.reused > 0 and "layout" not in warm.second.timings
    assert _pdf(out) == warm.cold_pdf


def test_an_edit_in_the_last_chapter_lays_out_only_what_changed(warm: Warm, tmp_path: Path) -> None:
    root, out = _start(warm)
    chapter = root / "manuscript" / "02-second.md"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace(" the ", " a ", 1), encoding="utf-8")
    again = _build(root, out)
    # the front part and the first chapter's part came from the cache
    assert 0 < again.reused < warm.second.reused
    fresh = _build(root, tmp_path / "fresh", cache=False)
    assert fresh.reused == 0
    assert _pdf(out) == _pdf(tmp_path / "fresh")


def test_a_changed_style_file_is_a_miss(warm: Warm, tmp_path: Path) -> None:
    root, out = _start(warm)
    (root / "styles" / "css").mkdir(parents=True)
    (root / "styles" / "css" / "book.css").write_text("h1 { color: #800; }\n", encoding="utf-8")
    changed = _build(root, out)
    assert changed.reused == 0  # every part reads book.css
    _build(root, tmp_path / "fresh", cache=False)
    assert _pdf(out) == _pdf(tmp_path / "fresh")


def test_a_changed_figure_is_a_miss(warm: Warm, tmp_path: Path) -> None:
    root, out = _start(warm)
    figure = root / "manuscript" / "figures" / "box.svg"  # in the first chapter: its part only
    figure.write_bytes(figure.read_bytes().replace(b"</svg>", b"<!-- changed --></svg>"))
    again = _build(root, out)
    assert 0 < again.reused < warm.second.reused
    assert _pdf(out) == _pdf(_build_fresh(root, tmp_path / "fresh"))


def _build_fresh(root: Path, out: Path) -> Path:
    _build(root, out, cache=False)
    return out


def test_formatted_citations_are_reused_and_follow_the_bibliography_file(tmp_path: Path) -> None:
    root, out = _book(tmp_path), tmp_path / "out"
    first = build_book(root, out, formats=("html",))
    assert list((root / "build" / "treatypress-cache" / "citations").glob("*.pickle"))
    cold = (out / "small-book.html").read_bytes()
    again = build_book(root, out, formats=("html",))
    assert (out / "small-book.html").read_bytes() == cold
    assert [d.format() for d in again.diagnostics] == [d.format() for d in first.diagnostics]
    bib = root / "references.bib"
    text = bib.read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.strip().lower().startswith("title"))
    bib.write_text(text.replace(title, title.replace("{", "{Renamed ", 1), 1), encoding="utf-8")
    build_book(root, out, formats=("html",))
    assert "Renamed" in (out / "small-book.html").read_text(encoding="utf-8")


def test_a_planted_cache_entry_is_never_unpickled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A book folder from someone else may carry build/treatypress-cache: unpickling runs code, so
    an entry this user's treatypress did not sign is a miss, and the planted code never runs."""
    import pickle

    from treatypress.cache import Cache, signing_key

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home-cache"))
    signing_key.cache_clear()
    try:
        cache = Cache(tmp_path / "book" / "build" / "treatypress-cache")
        cache.put("citations", "k" * 64, {"formatted": True}, {})
        assert cache.get("citations", "k" * 64) == {"formatted": True}  # a signed entry is found again

        ran = tmp_path / "ran"

        class Payload:
            def __reduce__(self) -> tuple[object, tuple[str]]:
                return (ran.touch, ())  # type: ignore[return-value]

        planted = cache.folder / "citations" / ("p" * 64 + ".pickle")  # type: ignore[operator]
        planted.write_bytes(b"\0" * 32 + pickle.dumps(({}, Payload())))
        assert cache.get("citations", "p" * 64) is None
        assert not ran.exists()
        # a genuine entry copied from another user's cache (another key) is a miss too
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "other-user"))
        signing_key.cache_clear()
        assert cache.get("citations", "k" * 64) is None
    finally:
        signing_key.cache_clear()
