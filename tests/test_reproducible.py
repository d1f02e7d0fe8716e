"""Same inputs, same bytes: two builds with the same SOURCE_DATE_EPOCH are identical."""

from __future__ import annotations

from pathlib import Path

from conftest import BOOKS, Built, build_book


def test_two_builds_are_byte_identical(small_book: Built, tmp_path: Path) -> None:
    again = build_book(BOOKS / "minimal", tmp_path)
    first = {p.relative_to(small_book.out): p.read_bytes() for p in small_book.result.written}
    second = {p.relative_to(tmp_path): p.read_bytes() for p in again.written}
    assert first.keys() == second.keys()
    for name in first:
        assert first[name] == second[name], f"{name} differs between two builds"
