"""Stage 4: references.bib -> CSL-JSON -> Pandoc's citeproc -> HTML notes and bibliography.

Public API: :func:`load_bibliography`, :func:`load_style`, :func:`format_citations`.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from treatypress.bibliography.bibtex import (
    check_blocks,
    check_required,
    parse_selected,
    scan,
)
from treatypress.bibliography.csl_json import to_csl
from treatypress.bibliography.formatter import (
    CitationStyle,
    format_citations,
    load_style,
)
from treatypress.bibliography.types import (
    BibEntry,
    Bibliography,
    BibRecord,
    Citation,
    CiteItem,
    FormattedCitations,
    PlacedCitation,
)
from treatypress.diagnostics import Diagnostic, Location, error, warning

__all__ = [
    "BibEntry",
    "BibRecord",
    "Bibliography",
    "Citation",
    "CitationStyle",
    "CiteItem",
    "FormattedCitations",
    "PlacedCitation",
    "format_citations",
    "load_bibliography",
    "load_style",
]

_UNCITED_LISTED = 30  # list this many uncited keys by name, then count the rest


def load_bibliography(
    bib_path: Path,
    display_path: str,
    wanted: Collection[str],
    nocite: Collection[str] = (),
    locale: str = "en-US",
) -> tuple[Bibliography, tuple[Diagnostic, ...]]:
    """Read ``bib_path``, decoding only ``wanted`` keys (cited + nocite; "*" means all).

    ``locale``: the book's language; as in Pandoc, English titles are stored in sentence case
    (for the style to case them) only in an English book.

    ``nocite`` (optional) names the keys listed in the bibliography without being cited;
    they must also be in ``wanted``.
    """
    problems: list[Diagnostic] = []
    try:
        data = bib_path.read_bytes()
    except OSError as exc:
        empty = Bibliography(display_path, {}, ())
        return empty, (error("bib-unreadable", f"cannot read {display_path}: {exc}", Location(display_path)),)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:  # older .bib files are Latin-1; Pandoc reads them so too
        line = data[: exc.start].count(b"\n") + 1
        problems.append(
            warning(
                "bib-encoding",
                f"{display_path} is not UTF-8 (byte {data[exc.start]:#x}); read as Latin-1",
                Location(display_path, line),
                "save the file as UTF-8",
            )
        )
        text = data.decode("latin-1")
    blocks = scan(text)
    problems += check_blocks(blocks, display_path)
    decoded, parse_problems = parse_selected(blocks, wanted, display_path)
    problems += parse_problems
    records: dict[str, BibRecord] = {}
    for key, entry in decoded.items():
        missing = check_required(entry, display_path)
        if missing:
            problems.append(missing)
        records[key] = BibRecord(
            key,
            entry.line,
            to_csl(entry, english_book=locale.lower().startswith("en")),
            _skipbib(entry.fields.get("options", "")),
        )
    all_keys = tuple(dict.fromkeys(b.key for b in blocks if b.key))
    if "*" not in wanted:
        uncited = [k for k in all_keys if k not in set(wanted)]
        if uncited:
            shown = ", ".join(uncited[:_UNCITED_LISTED])
            more = f" and {len(uncited) - _UNCITED_LISTED} more" if len(uncited) > _UNCITED_LISTED else ""
            problems.append(
                warning(
                    "bib-uncited",
                    f"{len(uncited)} entries are never cited: {shown}{more}",
                    Location(display_path),
                    "cite them, list them in nocite, or delete them",
                )
            )
    bib = Bibliography(display_path, records, all_keys, tuple(nocite))
    return bib, tuple(problems)


def _skipbib(options: str) -> bool:
    """biblatex's per-entry ``options = {skipbib}`` (or ``skipbib=true``)."""
    return any(o.replace(" ", "").lower() in ("skipbib", "skipbib=true") for o in options.split(","))
