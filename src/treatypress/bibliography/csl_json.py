"""Decoded BibTeX/biblatex entries to CSL-JSON, following Pandoc's own conversion.

Pandoc's mapping is the reference (``pandoc refs.bib -t csljson``): biblatex types and fields
to CSL, English titles stored in sentence case (CSL applies title case on output; words in
{braces} keep their case as ``<span class="nocase">``), ``title-short`` from the part before
a colon, ``eprinttype = jstor`` to a JSTOR URL, ``maintitle`` + ``title`` to title +
volume-title, page ranges with a plain hyphen (the style formats them).
"""

from __future__ import annotations

import re
from typing import Any

from bibtexparser.middlewares.names import parse_single_name_into_parts

from treatypress.bibliography.bibtex import BOLD, ITALIC, DecodedEntry, decode

TYPES = {  # Pandoc's biblatex reader's table (getTypeAndGenre)
    "article": "article-journal",
    "book": "book",
    "booklet": "pamphlet",
    "bookinbook": "chapter",
    "collection": "book",
    "dataset": "dataset",
    "electronic": "webpage",
    "inbook": "chapter",
    "incollection": "chapter",
    "inreference": "entry-encyclopedia",
    "inproceedings": "paper-conference",
    "manual": "book",
    "mastersthesis": "thesis",
    "misc": "",
    "mvbook": "book",
    "mvcollection": "book",
    "mvproceedings": "book",
    "mvreference": "book",
    "online": "webpage",
    "patent": "patent",
    "periodical": "article-journal",
    "phdthesis": "thesis",
    "proceedings": "book",
    "reference": "book",
    "report": "report",
    "software": "book",
    "suppbook": "chapter",
    "suppcollection": "chapter",
    "suppperiodical": "article-journal",
    "techreport": "report",
    "thesis": "thesis",
    "unpublished": "manuscript",
    "www": "webpage",
    "artwork": "graphic",
    "audio": "song",
    "commentary": "book",
    "image": "graphic",
    "jurisdiction": "legal_case",
    "legislation": "legislation",
    "legal": "treaty",
    "letter": "personal_communication",
    "movie": "motion_picture",
    "music": "song",
    "performance": "speech",
    "review": "review",
    "standard": "legislation",
    "video": "motion_picture",
    "data": "dataset",
    "letters": "personal_communication",
    "newsarticle": "article-newspaper",
}
# biblatex localisation keys that databases use in "type" (English strings, as Pandoc resolves them)
GENRES = {
    "phdthesis": "PhD thesis",
    "mathesis": "Master’s thesis",
    "candthesis": "Candidate thesis",
    "techreport": "technical report",
    "resreport": "research report",
    "software": "computer software",
    "datacd": "CD-ROM",
    "audiocd": "audio CD",
    "patent": "patent",
    "patentde": "German patent",
    "patenteu": "European patent",
    "patentfr": "French patent",
    "patentuk": "British patent",
    "patentus": "U.S. patent",
    "patreq": "patent request",
    "patreqde": "German patent request",
    "patreqeu": "European patent request",
    "patreqfr": "French patent request",
    "patrequk": "British patent request",
    "patrequs": "U.S. patent request",
}
# babel/polyglossia language names -> IETF tags: Pandoc's own table (toIETF), so that an item's
# language, and with it title casing, is what Pandoc decides; a name not listed stays as it is
LANGUAGES: dict[str, str] = dict(
    zip(
        *[
            iter(
                """
english en-US usenglish en-US american en-US british en-GB ukenglish en-GB canadian en-US
australian en-GB newzealand en-GB afrikaans af-ZA arabic ar basque eu bulgarian bg-BG catalan ca-AD
croatian hr-HR czech cs-CZ danish da-DK dutch nl-NL estonian et-EE finnish fi-FI canadien fr-CA acadian fr-CA
french fr-FR francais fr-FR austrian de-AT naustrian de-AT german de-DE germanb de-DE ngerman de-DE
greek el-GR polutonikogreek el-GR hebrew he-IL hungarian hu-HU icelandic is-IS italian it-IT japanese ja-JP
latvian lv-LV lithuanian lt-LT magyar hu-HU mongolian mn-MN norsk nb-NO nynorsk nn-NO farsi fa-IR
polish pl-PL brazil pt-BR brazilian pt-BR portugues pt-PT portuguese pt-PT romanian ro-RO russian ru-RU
serbian sr-RS serbianc sr-RS slovak sk-SK slovene sl-SL spanish es-ES swedish sv-SE thai th-TH
turkish tr-TR ukrainian uk-UA vietnamese vi-VN latin la
""".split()
            )
        ]
        * 2
    )
)
MONTHS = {m: i + 1 for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split())}
_TEXT = {  # biblatex field -> CSL variable, when they map one to one
    "volume": "volume",
    "volumes": "number-of-volumes",
    "pagetotal": "number-of-pages",
    "edition": "edition",
    "isbn": "ISBN",
    "issn": "ISSN",
    "doi": "DOI",
    "url": "URL",
    "chapter": "chapter-number",
    "abstract": "abstract",
    "version": "version",
    "venue": "event-place",
    "eventtitle": "event",
    "origtitle": "original-title",
    "origpublisher": "original-publisher",
    "library": "call-number",
}
_NAMES = {
    "author": "author",
    "editor": "editor",
    "translator": "translator",
    "bookauthor": "container-author",
    "editora": "editor",
}


_BOOKLIKE = {
    "book",
    "collection",
    "proceedings",
    "reference",
    "mvbook",
    "mvcollection",
    "mvproceedings",
    "mvreference",
    "bookinbook",
    "inbook",
    "incollection",
    "inproceedings",
    "inreference",
    "suppbook",
    "suppcollection",
}
_ARTICLES = {"article", "periodical", "suppperiodical", "review"}
_CHAPTERLIKE = {"inbook", "incollection", "inproceedings", "inreference", "bookinbook"}
# biblatex localisation keys a database may use in "series" (Pandoc resolves a subset too)
_KEYS = {"newseries": "new series", "oldseries": "old series"}
_EPRINTS = {
    "arxiv": "https://arxiv.org/abs/",
    "jstor": "https://www.jstor.org/stable/",
    "pubmed": "https://www.ncbi.nlm.nih.gov/pubmed/",
    "googlebooks": "https://books.google.com?id=",
}


def to_csl(entry: DecodedEntry, *, english_book: bool = True) -> dict[str, Any]:
    """One CSL-JSON item (id = the .bib key), field by field as Pandoc's biblatex reader does."""
    f = entry.fields
    kind = entry.kind
    language = _language(f)
    english = english_book and (not language or language.startswith("en"))
    item: dict[str, Any] = {"id": entry.key, "type": _type(entry)}
    genre = GENRES.get(f.get("type", "").strip().lower(), f.get("type", "")) or {
        "mastersthesis": GENRES["mathesis"],
        "phdthesis": GENRES["phdthesis"],
    }.get(kind, "")
    if genre:
        item["genre"] = genre
    options = {
        o.split("=")[0].strip().lower(): (o.split("=") + ["true"])[1].strip().lower()
        for o in f.get("options", "").split(",")
        if o.strip()
    }
    # biblatex's useprefix: "van Gennep" sorts under V (a non-dropping particle), else under G
    prefix = "non-dropping-particle" if options.get("useprefix") == "true" else "dropping-particle"
    for name, var in _NAMES.items():
        if f.get(name) and var not in item:
            # names are split and parsed as written, braces and all: {{Baltic Port Archive}} is one
            # corporate name, {Barnes and Noble} one name, not two
            item[var] = [_name(n, prefix) for n in split_names(entry.raw.get(name, f[name]))]
    for name, var in _TEXT.items():
        if f.get(name):
            item[var] = f[name]
    publisher = _concat(
        ";",
        [
            f.get("howpublished", "") if n == "howpublished" else _list(entry, n)
            for n in ("school", "institution", "organization", "howpublished", "publisher")
        ],
    )
    if publisher:
        item["publisher"] = publisher
    place = _list(entry, "address") or (_list(entry, "location") if kind != "patent" else "")
    if place:
        item["publisher-place"] = place
    if kind == "patent" and f.get("location"):
        item["jurisdiction"] = _list(entry, "location")
    if f.get("pages"):
        item["page"] = f["pages"].replace("–", "-")
    if f.get("volume") and f.get("part"):
        item["volume"] = f"{f['volume']}.{f['part']}"
    if f.get("number"):
        if kind in _BOOKLIKE:
            item["collection-number"] = f["number"]
        elif kind in _ARTICLES:
            item["issue"] = _concat(",", [f["number"], f.get("issue", "")])
        else:
            item["number"] = f["number"]
    if f.get("series"):
        series = f["series"]
        if series.isdigit():
            series = f"{_ordinal(int(series))} series"
        item["collection-title"] = _title(
            _capitalised(_KEYS.get(series.strip().lower(), series)), entry.protected.get("series", ()), english
        )
    note = _concat(".", [f.get("note", ""), f.get("addendum", "")])
    if note:
        item["note"] = note
    for name in ("annotation", "annote"):
        if f.get(name):
            item["annote"] = f[name]
            break
    if f.get("keywords"):
        item["keyword"] = f["keywords"]
    _titles(entry, item, english)
    for name, var in (
        ("date", "issued"),
        ("urldate", "accessed"),
        ("eventdate", "event-date"),
        ("origdate", "original-date"),
    ):
        date = _date(f.get(name, ""))
        if date:
            item[var] = date
    for prefix, var in (("", "issued"), ("orig", "original-date"), ("event", "event-date"), ("url", "accessed")):
        year = f.get(prefix + "year", "")
        if var not in item and year:  # the old fields: year, month, origyear, eventyear, urlyear...
            month = _month(f.get(prefix + "month", ""))
            item[var] = _date(year + (f"-{month:02d}" if month else ""))
    eprint_type = f.get("eprinttype", f.get("archiveprefix", "")).lower()
    if "URL" not in item and f.get("eprint") and eprint_type in _EPRINTS:
        item["URL"] = _EPRINTS[eprint_type] + f["eprint"]
    if language:
        item["language"] = language
    return _markup(item)


_VERBATIM = {"id", "type", "URL", "DOI", "ISBN", "ISSN", "language"}


def _markup(item: dict[str, Any]) -> dict[str, Any]:
    """CSL-JSON strings carry markup (Pandoc reads <i>, <b>, <span class="nocase">, and no
    character entities: "&" stays "&"): decoding's emphasis marks become tags."""
    for var, value in item.items():
        if isinstance(value, str) and var not in _VERBATIM:
            text = value
            for (start, end), tag in ((ITALIC, "i"), (BOLD, "b")):
                text = text.replace(start, f"<{tag}>").replace(end, f"</{tag}>")
            item[var] = text
    return item


def _type(entry: DecodedEntry) -> str:
    subtype = entry.fields.get("entrysubtype", "").strip().lower()
    if entry.kind in ("article", "periodical", "suppperiodical") and subtype in ("magazine", "newspaper"):
        return f"article-{subtype}"
    if entry.kind == "unpublished" and any(entry.fields.get(n) for n in ("eventdate", "eventtitle", "venue")):
        return "speech"
    return TYPES.get(entry.kind, "")


def _titles(entry: DecodedEntry, item: dict[str, Any], english: bool) -> None:
    """title, volume-title, container-title, title-short: Pandoc joins a title, its subtitle (":")
    and its addon ("."); with a maintitle, the main title is the title (of a chapter-like entry,
    the container) and the volume's own title the volume-title."""
    f, kind = entry.fields, entry.kind
    chapterlike = kind in _CHAPTERLIKE
    has_main = bool(f.get("maintitle"))
    if has_main and not chapterlike:
        title = _joined(entry, ("maintitle", "mainsubtitle", "maintitleaddon"), english)
        volume = _joined(entry, ("title", "subtitle", "titleaddon"), english)
    else:
        title = _joined(entry, ("title", "subtitle", "titleaddon"), english)
        volume = (
            _joined(entry, ("booktitle", "booksubtitle", "booktitleaddon"), english) if has_main and chapterlike else ""
        )
    if kind == "periodical":
        container = _joined(entry, ("title", "subtitle", "titleaddon"), False)
        title = _joined(entry, ("issuetitle", "issuesubtitle"), english)
    elif chapterlike and has_main:
        container = _joined(entry, ("maintitle", "mainsubtitle", "maintitleaddon"), english)
    elif chapterlike and f.get("booktitle"):
        container = _joined(entry, ("booktitle", "booksubtitle", "booktitleaddon"), english)
    else:  # journal names are kept as written
        container = _joined(entry, ("journaltitle" if f.get("journaltitle") else "journal", "journalsubtitle"), False)
    for var, value in (("title", title), ("volume-title", volume), ("container-title", container)):
        if value:
            item[var] = value
    if f.get("shorttitle") and (not has_main or chapterlike):
        item["title-short"] = _title(f["shorttitle"], entry.protected.get("shorttitle", ()), english)
    elif f.get("title"):
        own = _title(f["title"], entry.protected.get("title", ()), english)
        if (f.get("subtitle") or f.get("titleaddon")) and not has_main:
            item["title-short"] = own
        elif ":" in own:
            item["title-short"] = own.split(":", 1)[0].rstrip()


def _joined(entry: DecodedEntry, names: tuple[str, ...], english: bool) -> str:
    """Pandoc's concatWith: a title, then ": subtitle", then ". addon", each sentence-cased alone."""
    parts = [_title(entry.fields.get(n, ""), entry.protected.get(n, ()), english) for n in names]
    return _concat(".", [_concat(":", parts[:2]), *parts[2:]])


def _concat(separator: str, parts: list[str]) -> str:
    out = ""
    for part in (p.strip() for p in parts):
        if not part:
            continue
        if not out:
            out = part
        elif out[-1] in "!?.,:;":
            out += " " + part
        else:
            out += f"{separator} {part}"
    return out


def _list(entry: DecodedEntry, name: str) -> str:
    """A biblatex literal list ("Westport, Conn. and London") as Pandoc prints it ("; "); an
    "and" in braces is text ("Routledge {and} Kegan Paul")."""
    if not entry.fields.get(name):
        return ""
    return "; ".join(decode(p) for p in split_names(entry.raw.get(name, entry.fields[name])))


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _language(f: dict[str, str]) -> str:
    """langid (with langidopts' variant) or hyphenation, as an IETF tag."""
    langid = f.get("langid", "").strip().lower()
    variant = f.get("langidopts", "").replace(" ", "").lower()
    if langid == "english" and variant.startswith("variant="):
        langid = {
            "british": "british",
            "uk": "british",
            "american": "american",
            "us": "american",
            "usmax": "american",
            "australian": "australian",
            "newzealand": "newzealand",
        }.get(variant[8:], langid)
    # Pandoc: only an en-* language (or none) is English, whose titles are stored in sentence case
    langid = langid or f.get("hyphenation", "").strip().lower()
    return LANGUAGES.get(langid, langid)


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
            names.append(text[start : match.start()])
            start = match.end()
    names.append(text[start:])
    return [n.strip() for n in names if n.strip()]


def _name(text: str, prefix: str = "dropping-particle") -> dict[str, str]:
    text = text.strip()
    if text == "others":  # "and others": et al.
        return {"literal": "others"}
    if _wholly_braced(text):  # a corporate author: printed as written, never inverted
        return {"literal": _plain(decode(text[1:-1]))}
    parts = parse_single_name_into_parts(text, strict=False)
    if not parts.last and not parts.first:
        return {"literal": decode(text)}
    name: dict[str, str] = {"family": _plain(decode(" ".join(parts.last)))}
    if parts.first:
        name["given"] = _plain(decode(" ".join(parts.first)))
    if parts.von:
        name[prefix] = decode(" ".join(parts.von))
    if parts.jr:
        name["suffix"] = decode(" ".join(parts.jr))
    return name


def _plain(text: str) -> str:
    return re.sub("[\ue000-\ue003]", "", text)


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
    """Words in braces marked nocase; English titles go to sentence case."""
    if not text:
        return ""
    # mark protected words so sentence casing and CSL title casing leave them alone
    pieces = (
        re.split("(" + "|".join(re.escape(p) for p in sorted(protected, key=len, reverse=True)) + ")", text)
        if protected
        else [text]
    )
    out: list[str] = []
    first = True
    for i, piece in enumerate(pieces):
        if i % 2:  # protected
            out.append(f'<span class="nocase">{piece}</span>')
            first = False
            continue
        if english:
            piece, first = _sentence_case(piece, first)
        out.append(piece)
    return "".join(out)


def _sentence_case(text: str, first: bool) -> tuple[str, bool]:
    """Pandoc's un-title-casing (CSL sentence case): capitalised words are lower-cased, but not the
    first word; the first word after a colon is capitalised; parts after a hyphen are lower-cased
    ("Higher-Dimensional" -> "Higher-dimensional")."""
    words = re.split(r"(\s+)", text)
    keep = first
    quoted = False  # Pandoc leaves the words of a quotation as they are
    for i, word in enumerate(words):
        if not word or word.isspace():
            continue
        opens = word.lstrip("([").startswith(("\u201c", '"'))
        quoted = quoted or opens
        if quoted:
            quoted = not word.rstrip(".,;:!?)]").endswith(("\u201d", '"'))
            first = keep = False
            continue
        parts = word.split("-")
        for n, part in enumerate(parts):
            if n == 0 and keep:
                if not first and part[:1].islower():
                    parts[n] = part[0].upper() + part[1:]
                continue
            if _capitalised_word(part):
                at = len(part) - len(part.lstrip("(["))
                parts[n] = part[:at] + part[at].lower() + part[at + 1 :]
        words[i] = "-".join(parts)
        first = False
        keep = word.endswith((":", "?", "!"))
    return "".join(words), False


def _capitalised_word(word: str) -> bool:
    """ "Word", "(Word": a capital and then only small letters."""
    word = word.lstrip("([")
    letters = [c for c in word if c.isalpha()]
    return bool(letters) and word[:1].isupper() and "".join(letters[1:]).islower()


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
