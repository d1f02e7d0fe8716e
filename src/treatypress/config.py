"""Stage 1: read ``manuscript/book.toml`` into a typed, validated, frozen ``BookConfig``.

One schema: the dataclass fields below hold each setting's default, meaning, check and the
command-line flag that overrides it (``setting(...)``). The flags (``cli.py``), the validation
of book.toml and of the flags' values (``check_value``), and the README's table
(``settings_table``) are all made from it, so a value is checked once, with the same words
whichever way it came. Every problem is reported at once with the line it is on (MkDocs'
``config_options`` habit), and no string-keyed settings survive this stage.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
import typing
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .diagnostics import Diagnostic, Location, error

SETTINGS_FILE = "manuscript/book.toml"

PAGE_SIZES = {
    "A4": "210mm 297mm",
    "A5": "148mm 210mm",
    "A6": "105mm 148mm",
    "B5": "176mm 250mm",
    "letter": "8.5in 11in",
    "digest": "5.5in 8.5in",
    "trade": "6in 9in",
}
PAPERS = ("A4", "Letter")


# --- the values a setting may take: one check per kind, shared by book.toml and the flags ----
# Each check returns None when the value is good, or what is wrong with it; the message names
# the value, never where it came from, so book.toml and a flag say the same thing.
Check = Callable[[Any, Path | None], str | None]

_LENGTH = r"(?:0|\d+(?:\.\d+)?(?:mm|cm|in|pt|pc|px|Q))"


def page_size(value: Any, root: Path | None = None) -> str | None:
    text = str(value)
    if text in PAGE_SIZES:
        return None
    parts = text.split()
    if 1 <= len(parts) <= 2 and all(re.fullmatch(_LENGTH, p) and float(re.sub(r"[a-zQ]+$", "", p)) > 0 for p in parts):
        return None
    return f"page size {text!r} is neither a named size ({', '.join(PAGE_SIZES)}) nor a CSS size such as '140mm 216mm'"


def length(value: Any, root: Path | None = None) -> str | None:
    if re.fullmatch(_LENGTH, str(value)):
        return None
    return f"length {value!r} is not a CSS length such as '3mm', '0.125in' or '0'"


def language_tag(value: Any, root: Path | None = None) -> str | None:
    if re.fullmatch(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*", str(value)):
        return None
    return f"language {value!r} is not a BCP 47 tag such as 'en', 'lt' or 'en-GB'"


def file_name(value: Any, root: Path | None = None) -> str | None:
    """A slug names files in the output folder: it may not climb out of it."""
    if value == "" or re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", str(value)):
        return None
    return f"slug {value!r} is not a plain file name (letters, digits, '.', '_', '-')"


def index_name(value: Any, root: Path | None = None) -> str | None:
    if re.fullmatch(r"[a-z][a-z0-9-]*", str(value)):
        return None
    return f"index name {value!r} is not lower-case letters, digits and '-' (it names files and anchors)"


def inside_book(value: Any, root: Path | None) -> str | None:
    """A file the book reads: relative to the book folder and inside it, also after symlinks."""
    if root is None or not isinstance(value, str) or not value:
        return None
    if Path(value).is_absolute() or re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", value):
        return f"{value!r} is not a path relative to the book folder"
    if not (root / value).resolve().is_relative_to(root.resolve()):
        return f"{value!r} is outside the book folder (a build reads only files inside it)"
    return None


def citation_style(value: Any, root: Path | None) -> str | None:
    """A style name, or a ``.csl`` file inside the book (the name itself is checked by the
    citation stage, which knows the styles it has)."""
    if not str(value).endswith(".csl"):
        return None
    problem = inside_book(value, root)
    if problem is None and root is not None and not (root / str(value)).is_file():
        return f"the CSL style file {value!r} does not exist"
    return problem


def isbn_number(value: Any, root: Path | None = None) -> str | None:
    from .isbn import isbn_problem

    problem = isbn_problem(str(value)) if value else None
    return f"{value!r} is not a valid ISBN: {problem}" if problem else None


COVER_TYPES = (".png", ".jpg", ".jpeg", ".svg")


def cover_image(value: Any, root: Path | None) -> str | None:
    """The author's cover: an image the EPUB can hold, inside the book folder."""
    if not value:
        return None
    if Path(str(value)).suffix.lower() not in COVER_TYPES:
        return f"{value!r} is not a PNG, JPEG or SVG image"
    problem = inside_book(value, root)
    if problem is None and root is not None and not (root / str(value)).is_file():
        return f"the cover image {value!r} does not exist"
    return problem


def setting(
    default: Any = dataclasses.MISSING,
    doc: str = "",
    *,
    choices: tuple[str, ...] = (),
    check: Check | None = None,
    flag: str = "",
    shown: str = "",
    factory: Any = None,
) -> Any:
    """A field of the settings schema: its default, what it means, and how it is checked.

    ``flag`` names the command-line flag that overrides it; ``shown`` is the default as the
    README's table writes it when the value itself says too little.
    """
    meta = {"doc": doc, "choices": choices, "check": check, "flag": flag, "shown": shown}
    if factory is not None:
        return field(default_factory=factory, metadata=meta)
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class Contents:
    """Reading order: file names under ``manuscript/``. ``None`` (the key is absent) means every
    ``*.md`` there, sorted, as chapters; an empty list means none."""

    front: tuple[str, ...] | None = setting(
        None,
        "front matter, roman folios; a listed file that is missing or listed twice is an error, a "
        "file present but not listed a warning",
        shown="`[]`",
    )
    chapters: tuple[str, ...] | None = setting(
        None,
        "the body, arabic folios from 1; without a [contents] table every `*.md`, sorted, is a chapter",
        shown="all `*.md`, sorted",
    )
    back: tuple[str, ...] | None = setting(None, "back matter: chronology, appendices", shown="`[]`")

    @property
    def listed(self) -> bool:
        return any(part is not None for part in (self.front, self.chapters, self.back))


@dataclass(frozen=True)
class PdfSettings:
    page_size: str = setting(
        "A5",
        'trim size: a name or a CSS size such as `"140mm 216mm"`; wins over an '
        "`@page { size }` in `styles/css/book.css` (with a warning)",
        check=page_size,
        flag="--page-size",
        shown='`"A5"` (' + ", ".join(f"`{n}`" for n in PAGE_SIZES) + ")",
    )
    # "accessible" (tagged PDF/UA-1) costs nothing visible, so it is the default
    variant: str = setting(
        "accessible",
        "`accessible` (tagged PDF/UA-1), `plain` or `press`",
        choices=("accessible", "plain", "press"),
        flag="--variant",
    )
    bleed: str = setting("3mm", "bleed of the press variant, a CSS length", check=length, flag="--bleed")
    marks: bool = setting(True, "crop and registration marks, press variant")
    impose: str = setting(
        "none",
        "also write an imposed PDF: `none`, `saddle-stitch`, `2-up`",
        choices=("none", "saddle-stitch", "2-up"),
        flag="--impose",
    )
    sheet: str = setting("A4", "imposition sheet: `A4` or `Letter`", choices=PAPERS, flag="--sheet")
    hyphenate: bool = setting(True, "hyphenation in the book's language and in every `lang` span")


@dataclass(frozen=True)
class CitationSettings:
    style: str = setting(
        "chicago-notes-bibliography",
        "a CSL style name (`apa`, "
        "`modern-language-association`, …) or the path of a `.csl` file inside the book; "
        "`treatypress styles` lists them",
        check=citation_style,
    )
    bibliography: str = setting("references.bib", "the BibTeX file, a path inside the book folder", check=inside_book)
    nocite: tuple[str, ...] = setting((), 'keys listed in the bibliography without a citation; `"*"` lists all')
    bibliography_title: str = setting("", "heading of the bibliography", shown="the style's")
    link: bool = setting(True, "on screen (EPUB, web), a citation links to its bibliography entry")


@dataclass(frozen=True)
class IndexDef:
    name: str = setting("general", "the index's name (lower-case; marks choose it with `index=`)", check=index_name)
    title: str = setting("Index", "its heading")


@dataclass(frozen=True)
class IndexSettings:
    indexes: tuple[IndexDef, ...] = setting(
        (IndexDef(),), "the indexes, their titles and order", shown='one: `general`, "Index"'
    )
    script_order: tuple[str, ...] = setting(("Latn", "Cyrl"), "which script's headings file first")


@dataclass(frozen=True)
class EpubSettings:
    print_page_numbers: str = setting(
        "auto",
        "what the EPUB index's locators say: `auto` the printed pages when the same build makes "
        "the PDF (its layout is shared), else the chapter; `always` the printed pages (an EPUB-only "
        "build then lays out the print edition too); `never` the chapter",
        choices=("auto", "always", "never"),
    )


@dataclass(frozen=True)
class HandoutSettings:
    paper: str = setting(
        "A4", "`A4` or `Letter` (a handout's front matter `paper` overrides)", choices=PAPERS, flag="--paper"
    )


@dataclass(frozen=True)
class BookSettings:
    title: str = setting("", "the title (required)", shown="(required)")
    subtitle: str = setting("", "")
    authors: tuple[str, ...] = setting((), "list of names (a single string is a list of one)")
    language: str = setting(
        "en", "BCP 47 tag: hyphenation, quotation marks (CLDR), index collation", check=language_tag
    )
    publisher: str = setting("", "imprint and metadata")
    date: str = setting("", 'publication date as printed, e.g. `"2026"`')
    rights: str = setting("", "imprint and metadata")
    identifier: str = setting(
        "",
        "EPUB identifier and PDF `/ID` seed; stable, never random",
        shown="`urn:isbn:<isbn>` with an `isbn`, else `urn:treatypress:<slug>`",
    )
    slug: str = setting(
        "", "file name of the outputs (letters, digits, `.`, `_`, `-`)", check=file_name, shown="from the title"
    )
    subject: str = setting("", "imprint and metadata")
    keywords: tuple[str, ...] = setting((), "PDF keywords, EPUB subjects")
    description: str = setting("", "imprint and metadata")
    # the e-book's cover and the book's ISBN
    isbn: str = setting(
        "",
        "ISBN-13 (or ISBN-10), hyphens as printed; checked by its check digit; on the "
        "imprint page, the EPUB identifier and the PDF metadata",
        check=isbn_number,
    )
    cover: str = setting(
        "",
        "the e-book's cover (PNG, JPEG or SVG inside the book folder)",
        check=cover_image,
        shown="drawn from the title page",
    )


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
    # "table.key" -> where the setting was written (book.toml line, or the flag), for later
    # stages' messages about a setting (an unknown citation style, a page size that CSS contradicts)
    locations: Mapping[str, Location] = field(default_factory=lambda: MappingProxyType({}))
    # Where the chapters are, relative to root: "manuscript", or "" for a Pandoc book's top level
    chapters_dir: str = "manuscript"
    # The file the settings came from: book.toml, or a Pandoc book's metadata (see pandoc.py)
    settings_file: str = SETTINGS_FILE

    @property
    def slug(self) -> str:
        return self.book.slug or slugify(self.book.title) or "book"

    @property
    def identifier(self) -> str:
        if self.book.identifier:
            return self.book.identifier
        if self.book.isbn:
            from .isbn import isbn_digits

            return f"urn:isbn:{isbn_digits(self.book.isbn)}"
        return f"urn:treatypress:{self.slug}"

    @property
    def page_size(self) -> str:
        return PAGE_SIZES.get(self.pdf.page_size, self.pdf.page_size)

    def where(self, key: str) -> Location:
        """Where the setting ``table.key`` was given: its book.toml line, its flag, or the file."""
        return self.locations.get(key, Location(SETTINGS_FILE))


# The TOML tables and the dataclass that holds each.
SECTIONS: dict[str, type] = {
    "book": BookSettings,
    "contents": Contents,
    "pdf": PdfSettings,
    "citations": CitationSettings,
    "index": IndexSettings,
    "handouts": HandoutSettings,
    "epub": EpubSettings,
}


@dataclass(frozen=True)
class SettingSpec:
    """One setting of the schema, as the flags, the README and the validation see it."""

    key: str  # "pdf.page_size"
    default: Any
    hint: Any  # the field's type
    doc: str
    choices: tuple[str, ...]
    check: Check | None
    flag: str  # "--page-size", or "" when no flag overrides it
    shown: str  # the default as the README writes it, "" to show the value


def schema() -> tuple[SettingSpec, ...]:
    """Every setting, in book.toml order: the one list the flags, checks and README come from."""
    specs = []
    tables = [*SECTIONS.items()]
    tables.insert(list(SECTIONS).index("index") + 1, ("index.indexes", IndexDef))
    for table, cls in tables:
        hints = typing.get_type_hints(cls)
        for f in dataclasses.fields(cls):
            default = getattr(cls(), f.name)  # every setting has a default
            specs.append(
                SettingSpec(
                    f"{table}.{f.name}",
                    default,
                    hints[f.name],
                    f.metadata.get("doc", ""),
                    f.metadata.get("choices", ()),
                    f.metadata.get("check"),
                    f.metadata.get("flag", ""),
                    f.metadata.get("shown", ""),
                )
            )
    return tuple(specs)


def spec(key: str) -> SettingSpec:
    return next(s for s in schema() if s.key == key)


def check_value(key: str, value: Any, root: Path | None = None) -> str | None:
    """What is wrong with ``value`` for the setting ``key``, or None: the one check that
    book.toml, the command-line flags and a handout's front matter all go through."""
    found = spec(key)
    if found.choices and value not in found.choices:
        return f"{value!r} is not one of: {', '.join(found.choices)}"
    return found.check(value, root) if found.check else None


def flags() -> tuple[SettingSpec, ...]:
    """The settings a command-line flag overrides."""
    return tuple(s for s in schema() if s.flag)


def settings_table() -> str:
    """The README's settings table, made from the schema (a test keeps the README equal to it)."""
    rows = ["| key | default | flag | meaning |", "| --- | --- | --- | --- |"]
    for s in schema():
        table, name = s.key.rsplit(".", 1)
        key = f"`[[index.indexes]] {name}`" if table == "index.indexes" else f"`[{table}] {name}`"
        rows.append(f"| {key} | {s.shown or _shown(s.default)} | {f'`{s.flag}`' if s.flag else ''} | {s.doc} |")
    return "\n".join(rows) + "\n"


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, tuple):
        return "`[" + ", ".join(f'"{v}"' for v in value) + "]`"
    return f'`"{value}"`'


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def load_config(
    root: Path, overrides: Mapping[str, Any] | None = None
) -> tuple[BookConfig | None, tuple[Diagnostic, ...]]:
    """Read book.toml, then apply ``overrides`` ("pdf.page_size" -> value, from the flags); both
    go through the same checks."""
    path = root / SETTINGS_FILE
    if not (root / "manuscript").is_dir():
        return None, (
            error(
                "no-manuscript",
                f"no manuscript/ folder in {root}",
                Location(str(root)),
                "a book folder holds manuscript/ (chapters and book.toml) and references.bib",
            ),
        )
    if not path.is_file():
        return None, (
            error(
                "config-missing",
                "no book.toml in manuscript/",
                Location(SETTINGS_FILE),
                'create manuscript/book.toml with at least [book] title = "..."',
            ),
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, (
            error(
                "not-utf8",
                f"the file is not UTF-8 ({exc.reason} at byte {exc.start})",
                Location(SETTINGS_FILE),
                "save the file as UTF-8",
            ),
        )
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        line, col = (int(match[1]), int(match[2])) if match else (0, 0)
        message = re.sub(r"\s*\(at line.*\)$", "", str(exc))
        return None, (
            error(
                "config-toml",
                f"invalid TOML: {message}",
                Location(SETTINGS_FILE, line, col),
                "see https://toml.io for the syntax; strings need double quotes",
            ),
        )
    return _validate(root, data, text, dict(overrides or {}))


def _validate(
    root: Path, data: dict[str, Any], text: str, overrides: dict[str, Any]
) -> tuple[BookConfig | None, tuple[Diagnostic, ...]]:
    problems: list[Diagnostic] = []
    locations: dict[str, Location] = {}
    tables: dict[str, dict[str, Any]] = {}
    for name, value in data.items():
        if name not in SECTIONS:
            problems.append(
                error(
                    "config-unknown",
                    f"unknown table [{name}] in book.toml",
                    _locate(text, None, name, table=True),
                    f"known tables: {', '.join('[' + s + ']' for s in SECTIONS)}",
                )
            )
        elif not isinstance(value, dict):
            problems.append(error("config-type", f"'{name}' must be a table", _locate(text, None, name)))
        else:
            tables[name] = dict(value)
            locations.update({f"{name}.{key}": _locate(text, name, key) for key in value})
            for item in value.get("indexes", []) if name == "index" and isinstance(value.get("indexes"), list) else ():
                if isinstance(item, dict):
                    locations.update({f"index.indexes.{key}": _locate(text, "index.indexes", key) for key in item})
    for key, value in overrides.items():  # a flag wins over book.toml, and is checked the same way
        table, name = key.split(".")
        tables.setdefault(table, {})[name] = value
        locations[key] = Location(f"command line {spec(key).flag}")
    sections = {
        name: _build(SECTIONS[name], tables.get(name, {}), name, root, locations, problems) for name in SECTIONS
    }
    for key in ("citations.bibliography", "citations.style"):  # defaults too: references.bib may be a symlink
        value = getattr(sections["citations"], key.split(".")[1]) if sections["citations"] else None
        problem = check_value(key, value, root) if key not in locations and value is not None else None
        if problem:
            problems.append(error("config-value", f"[citations] {key.split('.')[1]}: {problem}", Location(str(value))))
    if sections["book"] is not None and not sections["book"].title:
        problems.append(
            error(
                "config-missing-key", "[book] needs a title", Location(SETTINGS_FILE), 'add title = "..." under [book]'
            )
        )
    if problems or any(v is None for v in sections.values()):
        return None, tuple(problems)
    return BookConfig(root=root.resolve(), **sections, locations=MappingProxyType(locations)), ()


def _build(
    cls: type,
    values: dict[str, Any],
    table: str,
    root: Path,
    locations: dict[str, Location],
    problems: list[Diagnostic],
) -> Any:
    """Check each key of one table against the dataclass that holds it; collect all problems."""
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    kwargs: dict[str, Any] = {}
    before = len(problems)
    for key, value in values.items():
        where = locations.get(f"{table}.{key}", Location(SETTINGS_FILE))
        if key not in fields:
            problems.append(
                error(
                    "config-unknown",
                    f"unknown setting '{key}' in [{table}] of book.toml",
                    where,
                    f"known settings in [{table}]: {', '.join(fields)}",
                )
            )
            continue
        converted = _convert(hints[key], value)
        if converted is _INVALID:
            problems.append(
                error(
                    "config-type",
                    f"[{table}] {key} must be {_describe(hints[key])}, not {type(value).__name__} {value!r}",
                    where,
                )
            )
            continue
        if hints[key] == tuple[IndexDef, ...]:
            item_locations = {k: v for k, v in locations.items() if k.startswith("index.indexes.")}
            converted = tuple(_build(IndexDef, item, "index.indexes", root, item_locations, problems) for item in value)
        elif converted is not None and not isinstance(converted, tuple | bool):
            problem = check_value(f"{table}.{key}", converted, root)
            if problem:
                problems.append(error("config-value", f"[{table}] {key}: {problem}", where))
                continue
        kwargs[key] = converted
    return cls(**kwargs) if len(problems) == before else None


_INVALID = object()


def _convert(hint: Any, value: Any) -> Any:
    if hint is str:
        return value if isinstance(value, str) else _INVALID
    if hint is bool:
        return value if isinstance(value, bool) else _INVALID
    if hint in (tuple[str, ...], tuple[str, ...] | None):
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
    if hint is str:
        return "a string"
    if hint is bool:
        return "true or false"
    return "a list of strings" if hint in (tuple[str, ...], tuple[str, ...] | None) else "a list of tables"


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
