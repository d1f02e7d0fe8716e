"""Stage 2: find the chapters in reading order, read them as UTF-8, split off YAML front matter."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from .config import SETTINGS_FILE, BookConfig, language_tag
from .diagnostics import Diagnostic, Location, error, has_errors, warning
from .pandoc import NOT_CHAPTERS, PANDOC_KEYS, chapter_key_warnings

# Front-matter keys a chapter may carry; anything else is probably a typo.
CHAPTER_KEYS = frozenset({"title", "short_title", "subtitle", "lang", "pages", "paper"})
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)^(?:---|\.\.\.)[ \t]*$", re.DOTALL | re.MULTILINE)


@dataclass(frozen=True)
class ChapterSource:
    """One Markdown file, read and checked, not yet parsed."""

    rel: str  # path relative to the book folder, as messages show it
    kind: str  # "front", "body", "back" or "handout"
    text: str  # the whole file, front matter included, so token line numbers are file lines
    meta: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class Manuscript:
    chapters: tuple[ChapterSource, ...]
    handouts: tuple[ChapterSource, ...]


def read_source(path: Path, rel: str) -> tuple[str | None, tuple[Diagnostic, ...]]:
    """Read a text file as UTF-8; a bad byte is reported at its line and column."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8").removeprefix("\ufeff").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, (
            error(
                "not-utf8",
                f"the file is not UTF-8: byte 0x{data[exc.start]:02x} cannot be decoded",
                Location(rel, line, col),
                "re-save the file with UTF-8 encoding",
            ),
        )
    if "\0" in text:  # CommonMark turns NUL into U+FFFD: a silently wrong character in the book
        at = text.index("\0")
        line = text.count("\n", 0, at) + 1
        return None, (
            error(
                "nul-byte",
                "the file holds a NUL byte (U+0000)",
                Location(rel, line, at - (text.rfind("\n", 0, at) + 1) + 1),
                "delete it; a text file never needs one (was the file saved as UTF-16?)",
            ),
        )
    return text, ()


def read_front_matter(
    text: str, rel: str, allowed: frozenset[str] = CHAPTER_KEYS
) -> tuple[Mapping[str, Any], tuple[Diagnostic, ...]]:
    match = _FRONT_MATTER.match(text)
    if not match:
        return MappingProxyType({}), ()
    try:
        data = yaml.safe_load(match[1]) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, col = (mark.line + 2, mark.column + 1) if mark else (2, 0)  # +2: the opening --- line
        problem = getattr(exc, "problem", None) or str(exc)
        return MappingProxyType({}), (
            error(
                "frontmatter-yaml",
                f"broken YAML front matter: {problem}",
                Location(rel, line, col),
                "front matter is YAML between two '---' lines; quote values that contain ': '",
            ),
        )
    if not isinstance(data, dict):
        return MappingProxyType({}), (
            error("frontmatter-yaml", "front matter must be a YAML mapping (key: value)", Location(rel, 2, 1)),
        )
    problems = tuple(
        warning(
            "frontmatter-unknown",
            f"unknown front-matter key '{key}'",
            Location(rel, _key_line(match[1], str(key)), 1),
            f"known keys: {', '.join(sorted(allowed & CHAPTER_KEYS or allowed))}"
            + (", and Pandoc's metadata keys" if "toc" in allowed else ""),
        )
        for key in data
        if key not in allowed
    )
    problems += tuple(
        error("frontmatter-value", f"front matter {key}: {wrong}", Location(rel, _key_line(match[1], str(key)), 1))
        for key, value in data.items()
        if (wrong := _value_problem(str(key), value))
    )
    return MappingProxyType(data), problems


def _value_problem(key: str, value: Any) -> str | None:
    """The front-matter values the book uses, checked as book.toml's are."""
    if key in ("title", "short_title", "subtitle") and not isinstance(value, str | int | float):
        return f"{value!r} is not text"
    if key == "lang":
        return language_tag(value)
    if key == "pages" and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        return f"{value!r} is not a number of pages (1, 2, ...)"
    return None


def _key_line(yaml_text: str, key: str) -> int:
    for number, line in enumerate(yaml_text.splitlines(), 2):
        if line.startswith(f"{key}:"):
            return number
    return 2


def load_manuscript(config: BookConfig) -> tuple[Manuscript, tuple[Diagnostic, ...]]:
    folder = config.root / config.chapters_dir
    prefix = f"{config.chapters_dir}/" if config.chapters_dir else ""  # "" in a Pandoc book's top level
    problems: list[Diagnostic] = []
    present = sorted(p.name for p in folder.glob("*.md") if not (prefix == "" and p.name in NOT_CHAPTERS))
    contents = config.contents
    # A list that is given is the whole of its part, even when empty; without a [contents]
    # list every *.md is a chapter, in file-name order.
    front, body, back = contents.front or (), contents.chapters or (), contents.back or ()
    listed = [*front, *body, *back]
    if contents.listed:
        order = [(n, "front") for n in front] + [(n, "body") for n in body] + [(n, "back") for n in back]
        for name in present:
            if name not in listed:
                problems.append(
                    warning(
                        "chapter-unlisted",
                        f"{prefix}{name} is not in the contents of book.toml",
                        Location(f"{prefix}{name}"),
                        "add it to [contents] front, chapters or back, or move it out of manuscript/",
                    )
                )
    else:
        order = [(n, "body") for n in present]
    settings = config.root / config.settings_file
    book_toml = settings.read_text(encoding="utf-8", errors="replace") if settings.is_file() else ""
    chapters: list[ChapterSource] = []
    seen: set[str] = set()
    for name, kind in order:
        path = folder / name
        rel = f"{prefix}{name}"
        if name in seen:  # it would be printed twice
            problems.append(
                error(
                    "chapter-listed-twice",
                    f"chapter '{name}' is listed twice in [contents]",
                    _entry_location(book_toml, name, 1),
                    "list each chapter once",
                )
            )
            continue
        seen.add(name)
        if path.exists() and not _inside(path, config.root):
            problems.append(
                error(
                    "outside-book",
                    f"chapter '{name}' leads outside the book folder",
                    _entry_location(book_toml, name),
                    f"copy the file into {prefix or 'the book folder'} instead of linking to it",
                )
            )
            continue
        if not path.is_file():
            problems.append(
                error(
                    "chapter-missing",
                    f"chapter '{name}' is listed but {rel} does not exist",
                    _entry_location(book_toml, name),
                    _suggest(name, present),
                )
            )
            continue
        chapter, found = _read_chapter(path, rel, kind, config)
        problems.extend(found)
        if chapter:
            chapters.append(chapter)
    if not chapters and not has_errors(problems):
        if contents.listed:
            problems.append(
                error(
                    "no-chapters",
                    "the [contents] lists of book.toml name no chapter",
                    config.where("contents.chapters"),
                    'list the chapters: chapters = ["01-name.md", ...]',
                )
            )
        else:
            problems.append(
                error(
                    "no-chapters",
                    f"{prefix or './'} holds no Markdown chapters",
                    Location(config.chapters_dir or "."),
                    f"add chapters as {prefix}01-name.md",
                )
            )
    handouts: list[ChapterSource] = []
    for path in sorted((folder / "handouts").glob("*.md")):
        if not _inside(path, config.root):  # a symlink out of the book
            problems.append(
                error(
                    "outside-book",
                    f"{prefix}handouts/{path.name} leads outside the book folder",
                    Location(f"{prefix}handouts/{path.name}"),
                    "copy the file into the book folder instead of linking to it",
                )
            )
            continue
        handout, found = _read_chapter(path, f"{prefix}handouts/{path.name}", "handout", config)
        problems.extend(found)
        if handout:
            handouts.append(handout)
    return Manuscript(tuple(chapters), tuple(handouts)), tuple(problems)


def _read_chapter(
    path: Path, rel: str, kind: str, config: BookConfig
) -> tuple[ChapterSource | None, tuple[Diagnostic, ...]]:
    text, problems = read_source(path, rel)
    if text is None:
        return None, problems
    # Pandoc's own metadata keys are not typos: pandoc.py says which are read and which ignored
    meta, found = read_front_matter(text, rel, CHAPTER_KEYS | PANDOC_KEYS)
    pandoc_found = chapter_key_warnings(meta, text, rel, config, CHAPTER_KEYS)
    return ChapterSource(rel, kind, text, meta), problems + found + pandoc_found


def _inside(path: Path, root: Path) -> bool:
    return path.resolve().is_relative_to(root.resolve())


def _entry_location(book_toml: str, name: str, skip: int = 0) -> Location:
    """Where ``name`` is listed in book.toml, after ``skip`` earlier mentions."""
    for number, line in enumerate(book_toml.splitlines(), 1):
        col = line.find(f'"{name}"')
        while col >= 0 and skip:
            skip -= 1
            col = line.find(f'"{name}"', col + 1)
        if col >= 0:
            return Location(SETTINGS_FILE, number, col + 1)
    return Location(SETTINGS_FILE)


def _suggest(name: str, present: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(name, present, n=1)
    return f"did you mean '{close[0]}'?" if close else "check the file name under manuscript/"
