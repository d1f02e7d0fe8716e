"""Read a .bib file fast: scan every entry cheaply, parse and decode only the wanted ones.

bibtexparser's splitter alone takes ~0.27 s on a 2,700-entry file and its LaTeX decoding ~5 s,
so a regex scan finds the entries (type, key, line, brace balance) and only the wanted
entries, their ``crossref`` parents and the ``@string`` macros are read (:mod:`.fields`) and
decoded (pylatexenc; names are parsed with bibtexparser's name parser).
Problems are data: each becomes a diagnostic at ``references.bib:LINE``.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import lru_cache

from pylatexenc import latex2text, latexwalker, macrospec  # type: ignore[import-untyped]
from pylatexenc.latex2text import LatexNodes2Text  # type: ignore[import-untyped]

from treatypress.bibliography.fields import BlockSyntaxError, RawField, read_fields
from treatypress.diagnostics import Diagnostic, Location, error, warning

_START = re.compile(r"^[ \t]*@[ \t]*(\w+)[ \t]*[{(]", re.M)
_KEY = re.compile(r"\s*([^\s,{}()=\"#%'~\\]+)\s*,")
_NON_ENTRIES = {"string", "preamble", "comment"}


@dataclass(frozen=True)
class RawEntry:
    """One block found by the scan."""

    kind: str  # lower-case block type: "book", "string", ...
    key: str  # citation key; "" for @string/@preamble/@comment or when missing
    line: int  # 1-based line of the "@"
    text: str  # the raw block text


@dataclass(frozen=True)
class DecodedEntry:
    """A wanted entry with its fields decoded to Unicode (names still BibTeX name lists)."""

    key: str
    kind: str
    line: int
    fields: dict[str, str]  # lower-case field name -> decoded value
    protected: dict[str, tuple[str, ...]]  # field -> words written in {braces} (keep their case)
    raw: dict[str, str] = field(default_factory=dict)  # field -> LaTeX, macros expanded (for names)


def scan(text: str) -> list[RawEntry]:
    """Cut the file at each line that starts a block; cheap enough for thousands of entries."""
    starts = list(_START.finditer(text))
    blocks: list[RawEntry] = []
    line = 1
    previous = 0
    for i, match in enumerate(starts):
        line += text.count("\n", previous, match.start())
        previous = match.start()
        end = starts[i + 1].start() if i + 1 < len(starts) else len(text)
        kind = match.group(1).lower()
        key_match = _KEY.match(text, match.end(), end)
        key = key_match.group(1) if key_match and kind not in _NON_ENTRIES else ""
        blocks.append(RawEntry(kind, key, line, text[match.start() : end]))
    return blocks


def check_blocks(blocks: list[RawEntry], display_path: str) -> list[Diagnostic]:
    """Malformed blocks, missing commas and duplicate keys, for the whole file (no decoding)."""
    problems: list[Diagnostic] = []
    first_line: dict[str, int] = {}
    for block in blocks:
        where = Location(display_path, block.line)
        if block.kind == "comment":
            continue
        body = _structure(block.text)
        if body.count("{") != body.count("}"):
            problems.append(
                error(
                    "bib-malformed",
                    f"unbalanced braces in @{block.kind} entry {block.key or '(no key)'}",
                    where,
                    "every '{' needs a matching '}' before the next entry",
                )
            )
            continue
        if block.kind not in _NON_ENTRIES and not block.key:
            problems.append(
                error(
                    "bib-malformed",
                    f"@{block.kind} entry has no citation key",
                    where,
                    "write it as @book{key, field = {value}, ...}",
                )
            )
            continue
        swallowed = _missing_comma(block, body, display_path)
        if swallowed:
            problems.append(swallowed)
            continue
        if block.key in first_line:
            problems.append(
                error(
                    "bib-duplicate",
                    f"duplicate key '{block.key}' (lines {first_line[block.key]} and {block.line})",
                    where,
                    "rename or delete one of the two entries",
                )
            )
        elif block.key:
            first_line[block.key] = block.line
    return problems


def _structure(text: str) -> str:
    """The block with %-comments and escaped braces blanked out, same length (for counting
    braces and finding fields)."""
    text = _without_comments(text)
    return re.sub(r"\\[{}]", "  ", text) if "\\" in text else text


def _without_comments(text: str) -> str:
    """%-comments blanked out, same length. A "%" starts a comment only between fields, as in
    Pandoc and biber; inside a value ("{50%}", "\"50% of\"") it is text, as in BibTeX."""
    if "%" not in text:
        return text
    out = list(text)
    depth, quoted, i = 0, False, 0
    while i < len(text):
        char = text[i]
        escaped = i > 0 and text[i - 1] == "\\"
        if char == "{" and not escaped:
            depth += 1
        elif char == "}" and not escaped:
            depth -= 1
        elif char == '"' and depth == 1:
            quoted = not quoted
        elif char == "%" and depth <= 1 and not quoted and not escaped:
            end = text.find("\n", i)
            end = len(text) if end < 0 else end
            out[i:end] = " " * (end - i)
            i = end
            continue
        i += 1
    return "".join(out)


# a value's end, then (no comma) the next "name =": the value swallowed the next field
_SWALLOW = re.compile(r'[}"][ \t]*\r?\n\s*([A-Za-z][\w:.+-]*)[ \t]*=(?!=)')


def _missing_comma(block: RawEntry, body: str, display_path: str) -> Diagnostic | None:
    if block.kind in _NON_ENTRIES or "=" not in body:
        return None
    for match in _SWALLOW.finditer(body):
        before = body[: match.start() + 1]
        if before.count("{") - before.count("}") != 1:
            continue  # inside a value: a line of text that happens to hold "name ="
        line = block.line + before.count("\n")
        col = len(before) - (before.rfind("\n") + 1)
        return error(
            "bib-missing-comma",
            f"a comma is missing before field '{match.group(1)}' in entry "
            f"{block.key}: the value before it would swallow it",
            Location(display_path, line, col),
            "end each field with a comma: title = {...},",
        )
    return None


def parse_selected(
    blocks: list[RawEntry], wanted: Collection[str], display_path: str
) -> tuple[dict[str, DecodedEntry], list[Diagnostic]]:
    """Read and decode the wanted entries (plus crossref parents; @string macros expanded)."""
    by_key: dict[str, RawEntry] = {}
    for block in blocks:
        if block.key and block.key not in by_key:
            by_key[block.key] = block
    everything = "*" in wanted
    keys = [b.key for b in blocks if b.key] if everything else [k for k in wanted if k in by_key]
    decoded, problems = _parse(blocks, [by_key[k] for k in dict.fromkeys(keys)], display_path)
    parents = {e.fields["crossref"] for e in decoded.values() if "crossref" in e.fields} - decoded.keys()
    for entry in decoded.values():
        parent_key = entry.fields.get("crossref", "")
        if parent_key and parent_key not in by_key:
            problems.append(
                error(
                    "bib-crossref",
                    f"entry '{entry.key}' has crossref = {{{parent_key}}}, but there is no entry with that key",
                    Location(display_path, entry.line),
                    "add the parent entry, or correct or delete the crossref field",
                )
            )
    if parents:
        more, more_problems = _parse(blocks, [by_key[k] for k in parents if k in by_key], display_path)
        problems += more_problems
        for entry in list(decoded.values()):
            parent = more.get(entry.fields.get("crossref", "")) or decoded.get(entry.fields.get("crossref", ""))
            if parent:
                decoded[entry.key] = _inherit(entry, parent)
    else:
        for entry in list(decoded.values()):
            parent = decoded.get(entry.fields.get("crossref", ""))
            if parent:
                decoded[entry.key] = _inherit(entry, parent)
    return decoded, problems


def _parse(
    blocks: list[RawEntry], selected: list[RawEntry], display_path: str
) -> tuple[dict[str, DecodedEntry], list[Diagnostic]]:
    problems: list[Diagnostic] = []
    strings: dict[str, str] = dict(MONTH_MACROS)
    for block in blocks:
        if block.kind == "string":
            for macro in _fields(block, display_path, problems, has_key=False):
                strings[macro.name], _ = evaluate(macro.value, strings)
    decoded: dict[str, DecodedEntry] = {}
    for block in selected:
        fields: dict[str, str] = {}
        raw_fields: dict[str, str] = {}
        protected: dict[str, tuple[str, ...]] = {}
        for found in _fields(block, display_path, problems):
            name = found.name
            where = Location(display_path, block.line + found.line)
            if name in raw_fields:
                problems.append(
                    warning(
                        "bib-duplicate-field",
                        f"entry '{block.key}' gives '{name}' twice; the first is used, as BibTeX does",
                        where,
                        "delete one of them",
                    )
                )
                continue
            raw, undefined = evaluate(found.value, strings)
            if undefined and name in PRINTED_FIELDS:
                problems.append(
                    error(
                        "bib-undefined-macro",
                        f"field '{name}' of entry '{block.key}' uses '{undefined[0]}', which no @string defines",
                        where,
                        f"define it with @string{{{undefined[0]} = {{...}}}}, or put the value in braces",
                    )
                )
            raw_fields[name] = raw
            fields[name] = verbatim(raw) if name in VERBATIM_FIELDS else decode(raw)
            for command in unknown_commands(raw) if name in PRINTED_FIELDS else []:
                problems.append(
                    warning(
                        "bib-latex-unknown",
                        f"field '{name}' of entry '{block.key}' uses "
                        f"\\{command}, a LaTeX command treatypress does not know; it prints "
                        f"as '{command}'",
                        where,
                        "write out the text it stands for",
                    )
                )
            # braces right after a command (\v{C}) are arguments, not case protection
            protected[name] = tuple(decode(p) for p in case_protected(raw))
        decoded[block.key] = DecodedEntry(block.key, block.kind, block.line, fields, protected, raw_fields)
    return decoded, problems


def _fields(block: RawEntry, display_path: str, problems: list[Diagnostic], *, has_key: bool = True) -> list[RawField]:
    try:
        return read_fields(_without_comments(block.text), has_key=has_key)
    except BlockSyntaxError as exc:
        problems.append(
            error(
                "bib-malformed",
                f"cannot read @{block.kind} entry {block.key or '(no key)'}: {exc}",
                Location(display_path, block.line + exc.line),
                "check the braces, quotes, commas and '=' signs of this entry",
            )
        )
        return []


# Fields that reach the book (csl_json's mapping): an undefined macro in one is an error; in any
# other (BibTeX files carry "acknowledgement", "bibsource", ...) it is never printed
PRINTED_FIELDS = frozenset(
    "author editor translator bookauthor editora title subtitle maintitle mainsubtitle booktitle "
    "booksubtitle journaltitle journal shorttitle volume volumes pagetotal edition isbn issn doi url "
    "note publisher series chapter version institution organization school howpublished location "
    "address pages number issue date year month urldate eprint eprinttype langid language type".split()
)


# biblatex's verbatim fields: an address is printed as written ("Żeligowski's_Mutiny" keeps its
# straight apostrophe, "%E2%80%93" its percent signs), never decoded as LaTeX
VERBATIM_FIELDS = frozenset({"url", "doi", "eprint", "file", "pdf", "verba", "verbb", "verbc"})


def verbatim(raw: str) -> str:
    """A verbatim field's text: a ``\\url{...}`` wrapper, white space and TeX's escapes removed."""
    text = re.sub(r"\s+", "", raw)
    wrapped = re.fullmatch(r"\\url\{(.*)\}", text)
    if wrapped:
        text = wrapped.group(1)
    return re.sub(r"\\([%#&_$~])", r"\1", text)


# BibTeX's predefined month macros
MONTH_MACROS = {m: m for m in "jan feb mar apr may jun jul aug sep oct nov dec".split()}


def evaluate(value: str, strings: dict[str, str]) -> tuple[str, list[str]]:
    """A field's value as written (``{A} # macro # "b" # 12``) to its text (inner braces kept),
    and the names of undefined macros in it."""
    parts: list[str] = []
    undefined: list[str] = []
    for piece in _concatenated(value):
        piece = piece.strip()
        if piece[:1] in '{"' and len(piece) >= 2:
            parts.append(piece[1:-1])
        elif piece.isdigit():
            parts.append(piece)
        elif piece.lower() in strings:
            parts.append(strings[piece.lower()])
        elif piece:
            undefined.append(piece)
    return "".join(parts), undefined


def _concatenated(value: str) -> list[str]:
    """Split at the "#" operators outside braces and quotes."""
    pieces: list[str] = []
    depth, quoted, start = 0, False, 0
    for i, char in enumerate(value):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == '"' and depth == 0:
            quoted = not quoted
        elif char == "#" and depth == 0 and not quoted:
            pieces.append(value[start:i])
            start = i + 1
    pieces.append(value[start:])
    return pieces


# emphasis survives decoding as these private-use marks; csl_json turns them into <i> and <b>
ITALIC = ("\ue000", "\ue001")
BOLD = ("\ue002", "\ue003")


def _latex() -> tuple[LatexNodes2Text, dict[str, object]]:
    """pylatexenc, taught the biblatex and logo macros a .bib file uses (as Pandoc knows them):
    \\mkbibquote{x} and \\enquote{x} are quoted, \\texttt{x} is x, \\hyphen a hyphen, \\TeX "TeX"."""
    walker_db = latexwalker.get_default_latex_context_db()
    walker_db.add_context_category(
        "biblatex",
        prepend=True,
        macros=[
            macrospec.MacroSpec(name, "{")
            for name in (
                "mkbibquote",
                "enquote",
                "mkbibemph",
                "mkbibitalic",
                "emph",
                "textit",
                "textsl",
                "textbf",
                "noopsort",
                "mkbibbold",
                "bibstring",
                "texttt",
                "textsc",
                "url",
            )
        ],
    )
    text_db = latex2text.get_default_latex_context_db()
    text_db.add_context_category(
        "biblatex",
        prepend=True,
        macros=[
            latex2text.MacroTextSpec("mkbibquote", "\u201c%s\u201d"),
            latex2text.MacroTextSpec("enquote", "\u201c%s\u201d"),
            *(
                latex2text.MacroTextSpec(name, f"{ITALIC[0]}%s{ITALIC[1]}")
                for name in ("emph", "textit", "textsl", "mkbibemph", "mkbibitalic")
            ),
            *(latex2text.MacroTextSpec(name, f"{BOLD[0]}%s{BOLD[1]}") for name in ("textbf", "mkbibbold")),
            *(latex2text.MacroTextSpec(name, "%s") for name in ("bibstring", "texttt", "textsc", "url")),
            latex2text.MacroTextSpec("hyphen", "-"),
            latex2text.MacroTextSpec("slash", "/"),
            latex2text.MacroTextSpec("noopsort", ""),  # the classic sort-key trick: prints nothing
            # font switches ({\\em x}) and no-ops print nothing; their group's text stays
            *(
                latex2text.MacroTextSpec(name, "")
                for name in (
                    "em",
                    "it",
                    "bf",
                    "sl",
                    "sc",
                    "rm",
                    "sf",
                    "tt",
                    "up",
                    "md",
                    "itshape",
                    "bfseries",
                    "slshape",
                    "scshape",
                    "upshape",
                    "mdseries",
                    "rmfamily",
                    "sffamily",
                    "ttfamily",
                    "normalfont",
                    "relax",
                    "protect",
                    "nobreak",
                    "unskip",
                    "null",
                    "/",
                )
            ),
            *(
                latex2text.MacroTextSpec(name, name)
                for name in ("TeX", "LaTeX", "BibTeX", "XeTeX", "LuaTeX", "METAFONT", "ConTeXt")
            ),
            latex2text.MacroTextSpec("LaTeXe", "LaTeX2e"),
        ],
    )
    return LatexNodes2Text(latex_context=text_db, math_mode="text", strict_latex_spaces=True), {
        "latex_context": walker_db
    }


_LATEX, _WALKER = _latex()
_COMMAND = re.compile(r"\\([A-Za-z]+)(?:\{\})?")


def unknown_commands(raw: str) -> list[str]:
    """The LaTeX commands of a value that decoding does not know (a file's own \\MF, \\emdash)."""
    if "\\" not in raw:
        return []
    return [
        name
        for name in dict.fromkeys(m.group(1) for m in _COMMAND.finditer(raw))
        if _LATEX.latex_context.get_macro_spec(name) is None
    ]


_PLAIN = re.compile(r"(?:[^\\{}~$%`'-]|'(?!'))*")  # no LaTeX that decoding would change


@lru_cache(maxsize=4096)
def case_protected(raw: str) -> list[str]:
    """The text of each outermost {group} of a value, which keeps its case ("{New
    Encyclop{\\ae}dia Britannica}"); a group that is a command's argument ("\\v{Z}") is not one."""
    found: list[str] = []
    depth, start = 0, 0
    for i, char in enumerate(raw):
        if char == "{" and (i == 0 or raw[i - 1] != "\\"):
            if depth == 0:
                start = i
            depth += 1
        elif char == "}" and (i == 0 or raw[i - 1] != "\\") and depth:
            depth -= 1
            if depth == 0 and not re.search(r"\\(?:[a-zA-Z]+|[^a-zA-Z\s])\s*$", raw[:start]):
                inner = raw[start + 1 : i]
                if not inner.startswith("\\") or " " in inner.strip():  # {\L} is a letter, not a word
                    found.append(inner)
    return found


def decode(value: str) -> str:
    """LaTeX to Unicode: accents, {\\L}, ~ (no-break space), -- and ---, case braces dropped."""
    if _PLAIN.fullmatch(value):  # most field values: pylatexenc costs ~0.5 ms a call
        text = value
    else:
        unknown = set(unknown_commands(value))
        if unknown:  # pylatexenc drops what it does not know; keep its name (and warn: _parse)
            value = _COMMAND.sub(lambda m: m.group(1) if m.group(1) in unknown else m.group(0), value)
        text = _LATEX.latex_to_text(value, **_WALKER)
    text = re.sub(r"\s*\n\s*", " ", text).replace("`", "\u2018").replace("'", "\u2019")
    return text.replace("{", "").replace("}", "").replace("\\", "").replace("$", "").strip()


def _inherit(child: DecodedEntry, parent: DecodedEntry) -> DecodedEntry:
    """biblatex crossref inheritance: the parent's title becomes the child's booktitle."""
    fields = dict(child.fields)
    for name, value in parent.fields.items():
        target = "booktitle" if name == "title" else "booksubtitle" if name == "subtitle" else name
        if target not in fields and name not in ("crossref", "ids"):
            fields[target] = value
    protected = {**{("booktitle" if k == "title" else k): v for k, v in parent.protected.items()}, **child.protected}
    raw = dict(child.raw)
    for name, value in parent.raw.items():
        target = "booktitle" if name == "title" else "booksubtitle" if name == "subtitle" else name
        if target not in raw and name not in ("crossref", "ids"):
            raw[target] = value
    return DecodedEntry(child.key, child.kind, child.line, fields, protected, raw)


# Fields each type needs (biblatex manual §2.1.1, with the "or" alternatives it allows).
REQUIRED: dict[str, tuple[tuple[str, ...], ...]] = {
    "article": (("author",), ("title",), ("journaltitle", "journal"), ("date", "year")),
    "book": (("author", "editor"), ("title", "maintitle"), ("date", "year")),
    "incollection": (("author",), ("title",), ("booktitle",), ("date", "year")),
    "inbook": (("author",), ("title",), ("booktitle",), ("date", "year")),
    "inproceedings": (("author",), ("title",), ("booktitle",), ("date", "year")),
    "inreference": (("title",), ("booktitle",), ("date", "year")),
    "online": (("title",), ("url", "doi", "eprint", "urldate")),
    "thesis": (("author",), ("title",), ("institution", "school"), ("date", "year")),
}


def check_required(entry: DecodedEntry, display_path: str) -> Diagnostic | None:
    """A warning naming the fields the entry's type requires but it lacks."""
    # A field the source itself does not give (an anonymous or undated work) can be declared
    # knowingly absent with ``incomplete = {author, date}``; BibTeX and Pandoc ignore the field.
    known = {name.strip() for name in str(entry.fields.get("incomplete", "")).split(",")}
    missing = [
        " or ".join(names)
        for names in REQUIRED.get(entry.kind, ((("title",),)))
        if not any(entry.fields.get(n) for n in names) and not known.intersection(names)
    ]
    if not missing:
        return None
    return warning(
        "bib-missing-field",
        f"@{entry.kind} entry '{entry.key}' lacks {', '.join(missing)}",
        Location(display_path, entry.line),
        "add the field, choose an entry type that does not need it, or declare it "
        "knowingly absent with incomplete = {field, ...}",
    )
