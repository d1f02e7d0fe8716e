"""A Pandoc book folder as it is: its metadata becomes the book's settings, with no book.toml.

A folder without ``manuscript/book.toml`` is read as Pandoc would read it: chapters are the
``*.md`` files at the top of the folder (or in ``manuscript/``) in name order, or the
``input-files`` of a defaults file; the metadata is merged in Pandoc's order of precedence:

    metadata files (``metadata-files`` of ``defaults.yaml``, then ``metadata.yaml``)
    < the first chapter's YAML block (Pandoc: "values in the document take precedence")
    < ``metadata:`` of ``defaults.yaml`` (Pandoc's ``-M``, which wins over the document)

Each honoured key maps onto one setting; every other key is named in a warning, so nothing is
dropped without a word. README.md lists both.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from .config import (
    SETTINGS_FILE,
    BookConfig,
    BookSettings,
    CitationSettings,
    Contents,
    HandoutSettings,
    IndexSettings,
    PdfSettings,
)
from .diagnostics import Diagnostic, Location, error, warning

METADATA_FILES = ("metadata.yaml", "metadata.yml")
DEFAULTS_FILES = ("defaults.yaml", "defaults.yml")
# Markdown files at the top of a book folder that are about the project, not chapters of it
NOT_CHAPTERS = frozenset({"README.md", "LICENSE.md", "CHANGELOG.md", "CONTRIBUTING.md"})

# Pandoc metadata honoured, and the setting ("table.key") each one fills
HONOURED = {
    "title": "book.title",
    "subtitle": "book.subtitle",
    "author": "book.authors",
    "lang": "book.language",
    "date": "book.date",
    "publisher": "book.publisher",
    "rights": "book.rights",
    "identifier": "book.identifier",
    "description": "book.description",
    "subject": "book.subject",
    "keywords": "book.keywords",
    "bibliography": "citations.bibliography",
    "csl": "citations.style",
    "nocite": "citations.nocite",
    "reference-section-title": "citations.bibliography_title",
    "link-citations": "citations.link",
}
# Keys of a defaults file honoured besides its metadata
DEFAULTS_HONOURED = frozenset(
    {"metadata", "metadata-file", "metadata-files", "input-file", "input-files", "bibliography", "csl"}
)
# Metadata that Pandoc defines and treatypress does not use, with the reason given in the warning.
# A chapter's front matter may carry these without an "unknown key" warning.
IGNORED = {
    "abstract": "an abstract has no place in the booklet; write it as a chapter",
    "toc": "the contents page is always made",
    "toc-title": "the contents page is always titled 'Contents'",
    "toc-depth": "the contents lists chapters and their sections",
    "lof": "no list of figures is made",
    "lot": "no list of tables is made",
    "number-sections": "chapters are not numbered",
    "header-includes": "raw LaTeX or HTML is not inserted",
    "include-before": "raw LaTeX or HTML is not inserted",
    "include-after": "raw LaTeX or HTML is not inserted",
    "documentclass": "a LaTeX setting",
    "classoption": "a LaTeX setting",
    "geometry": "a LaTeX setting",
    "papersize": "set the trim size with [pdf] page_size",
    "fontsize": "set type sizes in styles/css/book.css",
    "mainfont": "set fonts in styles/css/book.css",
    "sansfont": "set fonts in styles/css/book.css",
    "monofont": "set fonts in styles/css/book.css",
    "fontfamily": "a LaTeX setting",
    "linestretch": "set line height in styles/css/book.css",
    "margin-left": "a LaTeX setting",
    "margin-right": "a LaTeX setting",
    "margin-top": "a LaTeX setting",
    "margin-bottom": "a LaTeX setting",
    "colorlinks": "a LaTeX setting",
    "linkcolor": "a LaTeX setting",
    "urlcolor": "a LaTeX setting",
    "thanks": "a LaTeX title-page setting",
    "institute": "a Beamer setting",
    "keywords-sep": "not used",
    "cover-image": "the EPUB cover is made from the title page",
    "css": "add styles/css/book.css instead",
    "stylesheet": "add styles/css/book.css instead",
    "epub-cover-image": "the EPUB cover is made from the title page",
    "page-progression-direction": "not used",
    "ibooks": "not used",
    "belongs-to-collection": "not used",
    "group-position": "not used",
    "contributor": "not used",
    "creator": "use author",
    "type": "not used",
    "format": "not used",
    "relation": "not used",
    "coverage": "not used",
    "citation-abbreviations": "not supported",
    "link-bibliography": "DOIs and URLs are printed as in the style",
    "notes-after-punctuation": "notes follow the style's rule",
    "citation-style": "use csl",
    "suppress-bibliography": "the bibliography is always printed when works are cited",
    "references": "write the works in the .bib file",
    "pagetitle": "the title is used",
    "title-prefix": "not used",
    "title-meta": "the title is used",
    "author-meta": "author is used",
    "date-meta": "date is used",
    "subtitle-meta": "subtitle is used",
    "dir": "not used",
    "output": "an R Markdown setting",
    "fontenc": "a LaTeX setting",
    "biblio-title": "use reference-section-title",
}
# Defaults-file keys that say how Pandoc is run, not what the book is: ignored with a warning too
_DEFAULTS_IGNORED_REASON = "a Pandoc run option; treatypress builds every output itself"


@dataclass(frozen=True)
class PandocBook:
    """What was read from a Pandoc folder: the settings, where each came from, the problems."""

    config: BookConfig | None
    origins: Mapping[str, Location]  # "book.title" -> metadata.yaml:2:1
    problems: tuple[Diagnostic, ...]


def is_pandoc_book(root: Path) -> bool:
    """No book.toml, and Pandoc metadata or Markdown chapters at the top of the folder."""
    if (root / SETTINGS_FILE).is_file():
        return False
    # manuscript/ without book.toml is a book.toml book that lost its settings, not a Pandoc book
    return any((root / name).is_file() for name in (*METADATA_FILES, *DEFAULTS_FILES)) or bool(_chapter_names(root))


PANDOC_KEYS = frozenset(HONOURED) | frozenset(IGNORED)


def chapter_key_warnings(
    meta: Mapping[str, Any], text: str, rel: str, config: BookConfig, own: frozenset[str]
) -> tuple[Diagnostic, ...]:
    """Pandoc metadata in a chapter's front matter is not an unknown key: in a Pandoc book's
    first chapter the book's metadata is read (see load_pandoc_book); anywhere else a Pandoc key
    is named in a warning saying that it is ignored and why."""
    found = []
    for key in meta:
        key = str(key)
        if key in own or key not in PANDOC_KEYS or (key in HONOURED and config.settings_file == rel):
            continue
        if key in HONOURED:
            setting = HONOURED[key]
            reason = (
                f"the book's {setting.split('.')[1]} is set in {config.settings_file}"
                if config.settings_file == SETTINGS_FILE
                else f"the book's metadata comes from {config.settings_file}"
            )
        else:
            reason = IGNORED[key]
        line = next((n for n, ln in enumerate(text.splitlines(), 1) if ln.startswith(f"{key}:")), 0)
        found.append(
            warning(
                "pandoc-ignored",
                f"Pandoc metadata '{key}' in a chapter's front matter is ignored: {reason}",
                Location(rel, line, 1 if line else 0),
            )
        )
    return tuple(found)


def load_pandoc_book(root: Path) -> PandocBook:
    problems: list[Diagnostic] = []
    origins: dict[str, Location] = {}
    merged: dict[str, Any] = {}
    where: dict[str, Location] = {}

    defaults, defaults_rel = _read_first(root, DEFAULTS_FILES, problems)
    folder = _chapters_folder(root)
    chapters = _chapter_names(root / folder)
    if defaults is not None:
        for key in defaults:
            if key not in DEFAULTS_HONOURED:
                problems.append(
                    warning(
                        "pandoc-ignored",
                        f"'{key}' in {defaults_rel} is ignored: {_DEFAULTS_IGNORED_REASON}",
                        _key_location(root, defaults_rel, key),
                    )
                )
        inputs = _as_list(defaults.get("input-files", defaults.get("input-file")))
        if inputs:
            folder, chapters = _input_files(root, [str(i) for i in inputs], defaults_rel, problems)
            origins["contents.chapters"] = _key_location(root, defaults_rel, "input-files")

    # 1. metadata files, lowest precedence
    meta_files = (
        [str(f) for f in _as_list(defaults.get("metadata-files", defaults.get("metadata-file")))] if defaults else []
    )
    for name in METADATA_FILES:
        if (root / name).is_file() and name not in meta_files:
            meta_files.append(name)
            break
    for rel in meta_files:
        data = _read_yaml(root, rel, problems)
        if data is not None:
            _merge(merged, where, data, rel, root)
    # 2. the first chapter's YAML block
    settings_file = meta_files[0] if meta_files else (defaults_rel or "")
    if chapters:
        first = f"{folder}/{chapters[0]}" if folder else chapters[0]
        block = _front_matter(root / first, first, problems)
        if block:
            _merge(merged, where, {k: v for k, v in block.items() if k in HONOURED}, first, root)
            if not settings_file or any(k in HONOURED for k in block):
                settings_file = settings_file or first
    # 3. a defaults file's own metadata, and its bibliography and csl, win
    if defaults is not None:
        overrides = dict(defaults.get("metadata") or {})
        for key in ("bibliography", "csl"):
            if key in defaults:
                overrides[key] = defaults[key]
        _merge(merged, where, overrides, defaults_rel, root)

    for key in merged:
        if key not in HONOURED:
            reason = IGNORED.get(key)
            message = (
                f"Pandoc metadata '{key}' is ignored: {reason}"
                if reason
                else f"unknown metadata key '{key}' is ignored"
            )
            problems.append(
                warning("pandoc-ignored", message, where[key], f"treatypress reads: {', '.join(sorted(HONOURED))}")
            )
    config = _config(root, merged, where, folder, chapters, settings_file or SETTINGS_FILE, problems, origins)
    return PandocBook(config, origins, tuple(problems))


def _config(
    root: Path,
    meta: dict[str, Any],
    where: dict[str, Location],
    folder: str,
    chapters: list[str],
    settings_file: str,
    problems: list[Diagnostic],
    origins: dict[str, Location],
) -> BookConfig | None:
    book: dict[str, Any] = {}
    citations: dict[str, Any] = {}
    for key, setting in HONOURED.items():
        if key not in meta:
            continue
        value = _value(key, meta[key], where[key], root, problems)
        if value is None:
            continue
        table, name = setting.split(".")
        (book if table == "book" else citations)[name] = value
        origins[setting] = where[key]
    if not book.get("title"):
        problems.append(
            error(
                "config-missing-key",
                "the Pandoc metadata has no title",
                Location(settings_file),
                "add 'title: ...' to metadata.yaml or to the YAML block at the top of the first chapter",
            )
        )
    if not chapters:
        problems.append(
            error(
                "no-chapters",
                "no Markdown chapters at the top of the book folder",
                Location(folder or "."),
                "add chapters as 01-name.md beside metadata.yaml",
            )
        )
    if any(p.severity.value == "error" for p in problems):
        return None
    contents = Contents(chapters=tuple(chapters))
    origins.setdefault("contents.chapters", Location(f"the *.md files in {folder or 'the book folder'}, by name"))
    return BookConfig(
        root=root.resolve(),
        book=BookSettings(**book),
        contents=contents,
        pdf=PdfSettings(),
        citations=CitationSettings(**citations),
        index=IndexSettings(),
        handouts=HandoutSettings(),
        locations=MappingProxyType(dict(origins)),
        chapters_dir=folder,
        settings_file=settings_file,
    )


def _value(key: str, value: Any, at: Location, root: Path, problems: list[Diagnostic]) -> Any:
    """One Pandoc metadata value as the setting it fills; None (and a problem) when unusable."""
    if key == "author":
        names = [a.get("name") if isinstance(a, dict) else a for a in _as_list(value)]
        if all(isinstance(n, str) for n in names):
            return tuple(str(n) for n in names)
    elif key == "keywords":
        words = _as_list(value)
        if all(isinstance(w, (str, int, float)) for w in words):
            return tuple(str(w) for w in words)
    elif key == "link-citations":
        if isinstance(value, bool):
            return value
    elif key == "nocite":
        text = " ".join(str(v) for v in _as_list(value))
        return tuple("*" if k == "*" else k for k in re.findall(r"@(\*|[\w][\w:.#$%&\-+?<>~/]*)", text))
    elif key == "bibliography":
        files = [str(f) for f in _as_list(value)]
        if len(files) > 1:
            problems.append(
                warning(
                    "pandoc-bibliographies",
                    f"only the first of {len(files)} bibliography files is read ({files[0]})",
                    at,
                    "merge the .bib files into one",
                )
            )
        if files:
            return files[0]
    elif key == "csl":
        return _csl(str(value), root)
    elif key == "identifier":
        first = _as_list(value)[0] if _as_list(value) else ""
        ident: Any = first.get("text") if isinstance(first, dict) else first
        if isinstance(ident, str):
            return ident
    elif key == "date" and isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    elif isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value)
    problems.append(
        error(
            "pandoc-metadata",
            f"metadata '{key}' has a value treatypress cannot use: {value!r}",
            at,
            "give it as text (a list of names for author, of words for keywords)",
        )
    )
    return None


def _csl(value: str, root: Path) -> str:
    """Pandoc's csl is a file; a name that is not in the book but is a bundled style (as Pandoc's
    data folder would provide) is taken as that style."""
    if (root / value).is_file():
        return value
    from .csl_styles import style_names

    stem = Path(value).stem if value.endswith(".csl") else value
    return stem if stem in style_names() else value


def _merge(merged: dict[str, Any], where: dict[str, Location], data: Mapping[str, Any], rel: str, root: Path) -> None:
    for key, value in data.items():
        merged[str(key)] = value
        where[str(key)] = _key_location(root, rel, str(key))


def _chapters_folder(root: Path) -> str:
    """The top of the folder, as Pandoc users keep it, or manuscript/ when only that holds chapters."""
    if not _chapter_names(root) and _chapter_names(root / "manuscript"):
        return "manuscript"
    return ""


def _chapter_names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("*.md") if p.name not in NOT_CHAPTERS and p.is_file())


def _input_files(root: Path, inputs: list[str], rel: str, problems: list[Diagnostic]) -> tuple[str, list[str]]:
    parents = {Path(i).parent.as_posix() for i in inputs}
    if len(parents) > 1:
        problems.append(
            error(
                "pandoc-input-files",
                "the input-files are in more than one folder",
                _key_location(root, rel, "input-files"),
                "keep the chapters in one folder",
            )
        )
        return "", []
    folder = parents.pop()
    folder = "" if folder == "." else folder
    missing = [i for i in inputs if not (root / i).is_file()]
    for name in missing:
        problems.append(
            error("chapter-missing", f"input file '{name}' does not exist", _key_location(root, rel, "input-files"))
        )
    return folder, [Path(i).name for i in inputs if i not in missing]


def _read_first(root: Path, names: tuple[str, ...], problems: list[Diagnostic]) -> tuple[dict[str, Any] | None, str]:
    for name in names:
        if (root / name).is_file():
            return _read_yaml(root, name, problems), name
    return None, ""


def _read_yaml(root: Path, rel: str, problems: list[Diagnostic]) -> dict[str, Any] | None:
    path = root / rel
    if not path.resolve().is_relative_to(root.resolve()) or not path.is_file():
        problems.append(error("pandoc-metadata-missing", f"metadata file '{rel}' does not exist", Location(rel)))
        return None
    from .manuscript import read_source

    text, found = read_source(path, rel)
    problems.extend(found)
    if text is None:
        return None
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.append(
            error(
                "pandoc-yaml",
                f"broken YAML: {getattr(exc, 'problem', None) or exc}",
                Location(rel, mark.line + 1, mark.column + 1) if mark else Location(rel),
                "quote values that contain ': '",
            )
        )
        return None
    if not isinstance(data, dict):
        problems.append(error("pandoc-yaml", "the metadata must be a YAML mapping (key: value)", Location(rel, 1, 1)))
        return None
    return data


def _front_matter(path: Path, rel: str, problems: list[Diagnostic]) -> Mapping[str, Any]:
    from .manuscript import read_front_matter, read_source

    text, _ = read_source(path, rel)  # its own problems are reported when the chapter is read
    if text is None:
        return {}
    meta, _ = read_front_matter(text, rel, frozenset(HONOURED) | frozenset(IGNORED))
    return meta


def _key_location(root: Path, rel: str, key: str) -> Location:
    try:
        lines = (root / rel).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return Location(rel)
    for number, line in enumerate(lines, 1):
        if re.match(rf"^\s*{re.escape(key)}\s*:", line):
            return Location(rel, number, line.index(key) + 1)
    return Location(rel)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]
