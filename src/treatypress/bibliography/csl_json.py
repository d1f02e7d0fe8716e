"""Decoded BibTeX/biblatex entries to CSL-JSON, following Pandoc's own conversion.

Pandoc's mapping is the reference (``pandoc refs.bib -t csljson``): biblatex types and fields
to CSL, English titles stored in sentence case (CSL applies title case on output; words in
{braces} keep their case as ``<span class="nocase">``), ``title-short`` from the part before
a colon, ``eprinttype = jstor`` to a JSTOR URL, ``maintitle`` + ``title`` to title +
volume-title, page ranges with a plain hyphen (the style formats them).
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

from bibtexparser.middlewares.names import parse_single_name_into_parts

from treatypress.bibliography.bibtex import DecodedEntry, decode

TYPES = {
    "article": "article-journal", "book": "book", "mvbook": "book", "inbook": "chapter",
    "bookinbook": "chapter", "incollection": "chapter", "collection": "book",
    "inproceedings": "paper-conference", "proceedings": "book", "inreference": "entry-encyclopedia",
    "reference": "book", "online": "webpage", "www": "webpage", "thesis": "thesis",
    "phdthesis": "thesis", "mastersthesis": "thesis", "report": "report", "techreport": "report",
    "manual": "report", "misc": "document", "unpublished": "manuscript", "booklet": "pamphlet",
    "periodical": "periodical", "patent": "patent", "dataset": "dataset", "software": "software",
}
LANGUAGES = {
    "english": "en-US", "american": "en-US", "british": "en-GB", "lithuanian": "lt-LT",
    "polish": "pl-PL", "russian": "ru-RU", "german": "de-DE", "french": "fr-FR",
    "ukrainian": "uk-UA", "latvian": "lv-LV",
}
MONTHS = {m: i + 1 for i, m in enumerate(
    "jan feb mar apr may jun jul aug sep oct nov dec".split())}
_TEXT = {  # biblatex field -> CSL variable, when they map one to one
    "volume": "volume", "volumes": "number-of-volumes", "pagetotal": "number-of-pages",
    "edition": "edition", "isbn": "ISBN", "issn": "ISSN", "doi": "DOI", "url": "URL",
    "note": "note", "publisher": "publisher", "series": "collection-title",
    "chapter": "chapter-number", "abstract": "abstract", "version": "version",
}
_NAMES = {"author": "author", "editor": "editor", "translator": "translator",
          "bookauthor": "container-author", "editora": "editor"}


def to_csl(entry: DecodedEntry) -> dict[str, Any]:
    """One CSL-JSON item (id = the .bib key)."""
    f = entry.fields
    english = f.get("langid", f.get("language", "english")).lower() in ("english", "american", "british")
    item: dict[str, Any] = {"id": entry.key, "type": TYPES.get(entry.kind, "document")}
    if entry.kind in ("thesis", "phdthesis", "mastersthesis") and "institution" not in f:
        f = {**f, "institution": f.get("school", "")}
    for name, var in _NAMES.items():
        if f.get(name) and var not in item:
            # names are split and parsed as written, braces and all: {{Baltic Port Archive}} is one
            # corporate name, {Barnes and Noble} one name, not two
            item[var] = [_name(n) for n in split_names(entry.raw.get(name, f[name]))]
    for name, var in _TEXT.items():
        if f.get(name):
            item[var] = f[name]
    if "publisher" not in item and (f.get("institution") or f.get("organization") or f.get("howpublished")):
        item["publisher"] = f.get("institution") or f.get("organization") or f["howpublished"]
    if f.get("location") or f.get("address"):
        item["publisher-place"] = f.get("location") or f["address"]
    if f.get("pages"):
        item["page"] = f["pages"].replace("–", "-")
    number = ", ".join(x for x in (f.get("number"), f.get("issue")) if x)
    if number:
        item["issue" if entry.kind == "article" else "number"] = number
    container = f.get("journaltitle") or f.get("journal") or f.get("booktitle")
    if container:
        # Pandoc keeps journal names as written; book titles go to sentence case like titles
        journal = bool(f.get("journaltitle") or f.get("journal"))
        item["container-title"] = _title(container, entry.protected.get("booktitle", ()), english and not journal)
    title = _title(f.get("title", ""), entry.protected.get("title", ()), english)
    if f.get("maintitle"):
        item["title"] = _title(f["maintitle"], entry.protected.get("maintitle", ()), english)
        if title:
            item["volume-title"] = title
    elif title:
        item["title"] = title
        short = f.get("shorttitle") or (title.split(": ", 1)[0] if ": " in title else "")
        if short:
            item["title-short"] = short
    for name, var in (("date", "issued"), ("urldate", "accessed")):
        date = _date(f.get(name, ""))
        if date:
            item[var] = date
    if "issued" not in item and f.get("year"):
        item["issued"] = _date(f["year"] + (f"-{_month(f['month']):02d}" if _month(f.get("month", "")) else ""))
    if f.get("eprinttype", "").lower() == "jstor" and f.get("eprint") and "URL" not in item:
        item["URL"] = f"https://www.jstor.org/stable/{f['eprint']}"
    langid = f.get("langid", f.get("language", "")).lower()
    if langid:
        item["language"] = LANGUAGES.get(langid, langid)
    return item


def split_names(text: str) -> list[str]:
    """A BibTeX name list split at " and " outside braces. (bibtexparser's splitter drops
    accent commands such as the "\\v" of "\\v{Z}alys".)"""
    names: list[str] = []
    depth, start = 0, 0
    for match in re.finditer(r"[{}]|\s+and\s+", text, flags=re.IGNORECASE):
        token = match.group(0)
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
        elif depth == 0:
            names.append(text[start:match.start()])
            start = match.end()
    names.append(text[start:])
    return [n.strip() for n in names if n.strip()]


def _name(text: str) -> dict[str, str]:
    text = text.strip()
    if _wholly_braced(text):  # a corporate author: printed as written, never inverted
        return {"literal": decode(text[1:-1])}
    parts = parse_single_name_into_parts(text, strict=False)
    if not parts.last and not parts.first:
        return {"literal": decode(text)}
    name: dict[str, str] = {"family": decode(" ".join(parts.last))}
    if parts.first:
        name["given"] = decode(" ".join(parts.first))
    if parts.von:
        name["non-dropping-particle"] = decode(" ".join(parts.von))
    if parts.jr:
        name["suffix"] = decode(" ".join(parts.jr))
    return name


def _wholly_braced(text: str) -> bool:
    """``{...}`` whose first brace closes at the very end."""
    if not (text.startswith("{") and text.endswith("}")):
        return False
    depth = 0
    for i, char in enumerate(text):
        depth += (char == "{") - (char == "}")
        if depth == 0:
            return i == len(text) - 1
    return False


def _title(text: str, protected: tuple[str, ...], english: bool) -> str:
    """Escape for CSL-JSON's markup-aware strings (Pandoc reads them); English titles go to sentence case."""
    if not text:
        return ""
    # mark protected words so sentence casing and CSL title casing leave them alone
    pieces = re.split("(" + "|".join(re.escape(p) for p in sorted(protected, key=len, reverse=True)) + ")",
                      text) if protected else [text]
    out: list[str] = []
    first = True
    for i, piece in enumerate(pieces):
        if i % 2:  # protected
            out.append(f'<span class="nocase">{escape(piece, quote=False)}</span>')
            first = False
            continue
        if english:
            piece, first = _sentence_case(piece, first)
        out.append(escape(piece, quote=False))
    return "".join(out)


def _sentence_case(text: str, first: bool) -> tuple[str, bool]:
    """Pandoc's un-title-casing: lower-case capitalised words except the first and after ':'."""
    words = re.split(r"(\s+)", text)
    after_colon = first
    for i, word in enumerate(words):
        if not word or word.isspace():
            continue
        letters = [c for c in word if c.isalpha()]
        if letters and not after_colon and word[0].isupper() and "".join(letters[1:]).islower():
            words[i] = word[0].lower() + word[1:]
        after_colon = word.endswith((":", "?", "!"))
    return "".join(words), after_colon and False


def _month(value: str) -> int:
    value = value.strip().lower()[:3]
    return MONTHS.get(value, int(value) if value.isdigit() else 0)


def _date(text: str) -> dict[str, Any] | None:
    """biblatex dates: 1962, 1962-09, 2006-10-24, ranges 1970/1978 and 1970--1978."""
    text = text.strip()
    if not text:
        return None
    parts = [p for p in re.split(r"\s*(?:/|–|--)\s*", text) if p]
    date_parts = []
    for part in parts:
        match = re.fullmatch(r"(-?\d{1,4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", part)
        if not match:
            return {"literal": text}
        date_parts.append([int(g) for g in match.groups() if g])
    return {"date-parts": date_parts}
