"""The build cache (issue 12): a rebuild reuses the layouts of what did not change and gives the
bytes a build without the cache gives; any input that changes, a style file included, is a miss."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import BOOKS, build_book


def _book(tmp_path: Path) -> Path:
    root = tmp_path / "book"
    shutil.copytree(BOOKS / "minimal", root)
    return root


def _pdf(out: Path) -> bytes:
    return (out / "small-book.pdf").read_bytes()


def _build(root: Path, out: Path, **options: object):  # type: ignore[no-untyped-def]
    return build_book(root, out, formats=("pdf",), variant="plain", jobs=2, **options)


def test_a_rebuild_reuses_every_layout_and_gives_the_same_bytes(tmp_path: Path) -> None:
    root, out = _book(tmp_path), tmp_path / "out"
    first = _build(root, out)
    assert first.parts == 2 and first.reused == 0
    assert (root / "build" / "treatypress-cache" / "parts").is_dir()
    assert not [p for p in out.rglob("*") if "cache" in p.name]  # the output folder holds only the outputs
    cold = _pdf(out)
    second = _build(root, out)
    assert second.reused > 0 and "layout" not in second.timings
    assert _pdf(out) == cold


def test_an_edit_in_the_last_chapter_lays_out_only_what_changed(tmp_path: Path) -> None:
    root, out = _book(tmp_path), tmp_path / "out"
    _build(root, out)
    everything = _build(root, out).reused
    chapter = root / "manuscript" / "02-second.md"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace(" the ", " a ", 1), encoding="utf-8")
    again = _build(root, out)
    assert 0 < again.reused < everything  # the front part and the first chapter's part came from the cache
    fresh = _build(root, tmp_path / "fresh", cache=False)
    assert fresh.reused == 0
    assert _pdf(out) == _pdf(tmp_path / "fresh")


def test_a_changed_style_file_is_a_miss(tmp_path: Path) -> None:
    root, out = _book(tmp_path), tmp_path / "out"
    _build(root, out)
    (root / "styles" / "css").mkdir(parents=True)
    (root / "styles" / "css" / "book.css").write_text("h1 { color: #800; }\n", encoding="utf-8")
    changed = _build(root, out)
    assert changed.reused == 0  # every part reads book.css
    _build(root, tmp_path / "fresh", cache=False)
    assert _pdf(out) == _pdf(tmp_path / "fresh")


def test_a_changed_figure_is_a_miss(tmp_path: Path) -> None:
    root, out = _book(tmp_path), tmp_path / "out"
    _build(root, out)
    everything = _build(root, out).reused
    figure = root / "manuscript" / "figures" / "box.svg"  # in the first chapter: its part only
    figure.write_bytes(figure.read_bytes().replace(b"</svg>", b"<!-- changed --></svg>"))
    again = _build(root, out)
    assert 0 < again.reused < everything
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
