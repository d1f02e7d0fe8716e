"""Stage 1: read ``manuscript/book.toml`` into a typed, validated, frozen ``BookConfig``.

One source of defaults (the dataclass fields), every problem reported at once with the line
it is on (MkDocs' ``config_options`` habit), and no string-keyed settings after this stage.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
import typing
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .diagnostics import Diagnostic, Location, error

SETTINGS_FILE = "manuscript/book.toml"

PAGE_SIZES = {"A4": "210mm 297mm", "A5": "148mm 210mm", "A6": "105mm 148mm", "B5": "176mm 250mm",
              "letter": "8.5in 11in", "digest": "5.5in 8.5in", "trade": "6in 9in"}


def _choices(*values: str) -> dict[str, tuple[str, ...]]:
    return {"choices": values}


@dataclass(frozen=True)
class Contents:
    """Reading order: file names under ``manuscript/``; empty means every ``*.md`` there, sorted."""

    front: tuple[str, ...] = ()  # roman folios, before chapter 1
    chapters: tuple[str, ...] = ()  # the body, arabic folios from 1
    back: tuple[str, ...] = ()  # after the body: chronology, appendices


@dataclass(frozen=True)
class PdfSettings:
    page_size: str = "A5"  # a name from PAGE_SIZES or a CSS size such as "140mm 216mm"
    # "accessible" (tagged PDF/UA-1) costs nothing visible, so it is the default
    variant: str = field(default="accessible", metadata=_choices("accessible", "plain", "press"))
    bleed: str = "3mm"  # press variant only
    marks: bool = True  # crop and registration marks, press variant only
    impose: str = field(default="none", metadata=_choices("none", "saddle-stitch", "2-up"))
    sheet: str = field(default="A4", metadata=_choices("A4", "Letter"))  # imposition sheet
    hyphenate: bool = True


@dataclass(frozen=True)
class CitationSettings:
    style: str = "chicago-notes-bibliography"  # a CSL style name or a .csl path inside the book
    bibliography: str = "references.bib"  # path relative to the book folder
    nocite: tuple[str, ...] = ()  # keys listed in the bibliography without a citation; "*" = all
    bibliography_title: str = ""  # empty: the style's locale term ("Bibliography")


@dataclass(frozen=True)
class IndexDef:
    name: str = "general"
    title: str = "Index"


@dataclass(frozen=True)
class IndexSettings:
    indexes: tuple[IndexDef, ...] = (IndexDef(),)
    script_order: tuple[str, ...] = ("Latn", "Cyrl")  # which script's headings file first


@dataclass(frozen=True)
class EpubSettings:
    # Label the EPUB index's locators with the printed pages: "auto" when the same build makes
    # the PDF (its layout is shared, nothing extra is laid out), "always" lays the print
    # edition out for an EPUB-only build too, "never" labels them by chapter.
    print_page_numbers: str = field(default="auto", metadata=_choices("auto", "always", "never"))


@dataclass(frozen=True)
class HandoutSettings:
    paper: str = field(default="A4", metadata=_choices("A4", "Letter"))


@dataclass(frozen=True)
class BookSettings:
    title: str = ""
    subtitle: str = ""
    authors: tuple[str, ...] = ()
    language: str = "en"  # BCP 47; drives hyphenation, quotes, collation
    publisher: str = ""
    date: str = ""  # publication date as printed, e.g. "2026"
    rights: str = ""
    identifier: str = ""  # empty: a URN derived from the slug, stable across builds
    slug: str = ""  # file name of the outputs; empty: derived from the title
    subject: str = ""
    keywords: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class BookConfig:
    """Everything the later stages need to know about the book, validated."""

    root: Path  # the book folder; nothing outside it is read
    book: BookSettings
    contents: Contents
    pdf: PdfSettings
    citations: CitationSettings
    index: IndexSettings
    handouts: HandoutSettings
    epub: EpubSettings = EpubSettings()

    @property
    def slug(self) -> str:
        return self.book.slug or slugify(self.book.title) or "book"

    @property
    def identifier(self) -> str:
        return self.book.identifier or f"urn:treatypress:{self.slug}"

    @property
    def page_size(self) -> str:
        return PAGE_SIZES.get(self.pdf.page_size, self.pdf.page_size)


# The TOML tables and the dataclass that holds each.
SECTIONS: dict[str, type] = {"book": BookSettings, "contents": Contents, "pdf": PdfSettings,
                             "citations": CitationSettings, "index": IndexSettings,
                             "handouts": HandoutSettings, "epub": EpubSettings}


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def load_config(root: Path) -> tuple[BookConfig | None, tuple[Diagnostic, ...]]:
    path = root / SETTINGS_FILE
    if not (root / "manuscript").is_dir():
        return None, (error("no-manuscript", f"no manuscript/ folder in {root}", Location(str(root)),
                            "a book folder holds manuscript/ (chapters and book.toml) and references.bib"),)
    if not path.is_file():
        return None, (error("config-missing", "no book.toml in manuscript/", Location(SETTINGS_FILE),
                            "create manuscript/book.toml with at least [book] title = \"...\""),)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, (error("not-utf8", f"the file is not UTF-8 ({exc.reason} at byte {exc.start})",
                            Location(SETTINGS_FILE), "save the file as UTF-8"),)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        line, col = (int(match[1]), int(match[2])) if match else (0, 0)
        message = re.sub(r"\s*\(at line.*\)$", "", str(exc))
        return None, (error("config-toml", f"invalid TOML: {message}", Location(SETTINGS_FILE, line, col),
                            "see https://toml.io for the syntax; strings need double quotes"),)
    return _validate(root, data, text)


def _validate(root: Path, data: dict[str, Any], text: str) -> tuple[BookConfig | None, tuple[Diagnostic, ...]]:
    problems: list[Diagnostic] = []
    sections: dict[str, Any] = {}
    for name, value in data.items():
        if name not in SECTIONS:
            problems.append(error("config-unknown", f"unknown table [{name}] in book.toml",
                                  _locate(text, None, name, table=True),
                                  f"known tables: {', '.join('[' + s + ']' for s in SECTIONS)}"))
            continue
        if not isinstance(value, dict):
            problems.append(error("config-type", f"'{name}' must be a table", _locate(text, None, name)))
            continue
        sections[name] = _build(SECTIONS[name], value, name, text, problems)
    for name, cls in SECTIONS.items():
        sections.setdefault(name, cls())
    if sections["book"] is not None and not sections["book"].title:
        problems.append(error("config-missing-key", "[book] needs a title", Location(SETTINGS_FILE),
                              "add title = \"...\" under [book]"))
    if problems or any(v is None for v in sections.values()):
        return None, tuple(problems)
    return BookConfig(root=root.resolve(), **sections), ()


def _build(cls: type, values: dict[str, Any], table: str, text: str, problems: list[Diagnostic]) -> Any:
    """Check each key of one table against the dataclass that holds it; collect all problems."""
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    kwargs: dict[str, Any] = {}
    before = len(problems)
    for key, value in values.items():
        where = _locate(text, table, key)
        if key not in fields:
            problems.append(error("config-unknown", f"unknown setting '{key}' in [{table}] of book.toml", where,
                                  f"known settings in [{table}]: {', '.join(fields)}"))
            continue
        converted = _convert(hints[key], value)
        if converted is _INVALID:
            problems.append(error("config-type", f"[{table}] {key} must be {_describe(hints[key])}, "
                                  f"not {type(value).__name__} {value!r}", where))
            continue
        choices = fields[key].metadata.get("choices")
        if choices and converted not in choices:
            problems.append(error("config-value", f"[{table}] {key} = {value!r} is not one of: "
                                  f"{', '.join(choices)}", where))
            continue
        if hints[key] == tuple[IndexDef, ...]:
            converted = tuple(_build(IndexDef, item, "index.indexes", text, problems) for item in value)
        kwargs[key] = converted
    return cls(**kwargs) if len(problems) == before else None


_INVALID = object()


def _convert(hint: Any, value: Any) -> Any:
    if hint is str:
        return value if isinstance(value, str) else _INVALID
    if hint is bool:
        return value if isinstance(value, bool) else _INVALID
    if hint == tuple[str, ...]:
        if isinstance(value, str):  # a single author or keyword is a list of one
            return (value,)
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return tuple(value)
        return _INVALID
    if hint == tuple[IndexDef, ...]:
        ok = isinstance(value, list) and all(isinstance(v, dict) for v in value)
        return value if ok else _INVALID
    raise TypeError(f"no converter for {hint}")  # a bug in the schema, not the user's


def _describe(hint: Any) -> str:
    return {str: "a string", bool: "true or false"}.get(hint, "a list of strings"
                                                        if hint == tuple[str, ...] else "a list of tables")


def _locate(text: str, section: str | None, key: str, *, table: bool = False) -> Location:
    """Find the line of a key (or table header) in the TOML text; tomllib keeps no positions."""
    current: str | None = None
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        header = re.match(r"^\[\[?\s*([^\]]+?)\s*\]\]?", stripped)
        if header:
            current = header[1]
            if table and current.split(".")[0] == key:
                return Location(SETTINGS_FILE, number, line.index("[") + 1)
            continue
        match = re.match(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=", line)
        if match and not table and (section is None or current == section):
            return Location(SETTINGS_FILE, number, len(line) - len(line.lstrip()) + 1)
    return Location(SETTINGS_FILE)
