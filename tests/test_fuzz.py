"""Property: whatever the Markdown, BibTeX and TOML, ``check`` and ``build --format html`` end
with exit 0 or 1 and located messages, never a traceback.

Hypothesis writes a small book folder per example (settings, two chapters, a bibliography) from
fragments of every syntax we accept, broken and mixed, and runs the real command line on it.
``FUZZ_EXAMPLES`` sets the number of examples (default 100, about ten seconds of the suite); the long run
reported for issue 10 used ``FUZZ_EXAMPLES=5000``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from treatypress.cli import main

BOX_SVG = (Path(__file__).parent / "books/minimal/manuscript/figures/box.svg").read_bytes()
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "100"))

# A message line: "path[:line[:col]]: error|warning [code] text"; a hint; the closing summary.
LOCATED = re.compile(r"\S[^\n]*?: (error|warning) \[[a-z0-9-]+\] \S.*")
CODE = re.compile(r"\[([a-z0-9-]+)\]")
OTHER = re.compile(
    r"  hint: .*|treatypress: \d+ error\(s\); nothing was written|\s*"
    r"|treatypress: checked in \d+\.\d s: .*"
)  # check's one-line summary

MARKDOWN = [
    "# Heading",
    "## Sub {#sec-a .x}",
    "# {#empty}",
    "[^a]",
    "[^b]",
    "[^a]: A note.",
    "[^b]: Note with [@k1].",
    "    continued note",
    "^[inline note]",
    "^[",
    "[@k1]",
    "[@k1, 12]",
    "[see @k1, 3; also @k2, 5–6]",
    "@k1",
    "[-@k2]",
    "@k1 [p. 12]",
    "[@nokey]",
    "[@",
    "@",
    "[text]{.idx}",
    '[x]{idx="A!b!c"}',
    '[]{idx="W" see="V"}',
    '[y]{idx="K" seealso="A;B" sort="k"}',
    '[z]{idx="P" index="people"}',
    "[lt]{lang=lt}",
    '[bad]{lang=""}',
    "[s]{#dup}",
    "{",
    "}",
    "::: {.note}",
    '::: {idx="Range"}',
    ":::",
    "| a | b |",
    "|---|---|",
    "| 1 | 2 |",
    "Table: A caption.",
    '![Cap.](figures/box.svg){#fig-x alt="a box"}',
    "![](figures/nothere.png)",
    "![x](../outside.png)",
    "![x](http://example.org/a.png)",
    "![x](data:image/png;base64,AAAA)",
    "<!--",
    "-->",
    "<div>",
    "</div>",
    "<span lang=de>",
    "<b>",
    "&amp;",
    "&#0;",
    "*",
    "**",
    "_",
    "`",
    "```",
    "~~~",
    "> quote",
    "1. item",
    "- item",
    "   - nested",
    "Term",
    ": def",
    "---",
    "...",
    "--",
    '"quoted"',
    "'single'",
    "\\",
    "<",
    ">",
    "&",
    "{#id}",
    "{.class}",
    "[link](#first)",
    "[link](#nowhere)",
    "<https://example.org>",
    "\t",
    "Ω Ł ž č",
    "\u00ad",
    "\u200b",
    "\ufeff",
    "\r",
]
BIBTEX = [
    "@book{k1,",
    "@article{k2,",
    "@incollection{k3,",
    "@misc{,",
    '@string{pub = "Press"}',
    "@comment{x}",
    '@preamble{"x"}',
    "author = {Ada Tester and Ben Checker},",
    "author = {{USSR}},",
    "title = {A Title},",
    "title = {Un{closed},",
    "year = 1966,",
    "year = {19x6},",
    "date = {1970--1978},",
    "date = {1970/}",
    "publisher = pub,",
    "crossref = {k1},",
    "crossref = {nothere},",
    "editor = {E. D. Itor},",
    "langid = {lithuanian},",
    "pages = {1--10},",
    "incomplete = {author, date},",
    "note = {\\v{C}ep\\.{e}nas}",
    "journal = {J},",
    "volume = {3},",
    "booktitle = {B},",
    "}",
    "{",
    '"',
    "%",
    "=",
    ",",
    "\\",
    "@",
    "@book{k1, title = {Dup}, year = 1}",
    "month = jan,",
    "url = {http://example.org},",
    "doi = {10.1/x},",
]
SETTING_KEYS = {
    "book": [
        "title",
        "subtitle",
        "authors",
        "language",
        "publisher",
        "date",
        "rights",
        "description",
        "subject",
        "keywords",
        "slug",
        "identifier",
    ],
    "contents": ["front", "chapters", "back"],
    "pdf": ["page_size", "variant", "bleed", "marks", "impose", "sheet", "hyphenate"],
    "citations": ["style", "bibliography", "nocite", "bibliography_title"],
    "index": ["script_order"],
    "handouts": ["paper"],
}
LANGUAGES = ["en", "lt", "pl", "ru", "de", "", "xx", "en-GB", "zz-Qaaa-999", "../en", "sr-Latn"]


def joined(fragments: list[str], extra: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    piece = st.one_of(st.sampled_from(fragments), extra)
    return st.lists(st.tuples(piece, st.sampled_from([" ", "", "\n", "\n\n"])), max_size=30).map(
        lambda parts: "".join(text + gap for text, gap in parts)
    )


markdown_text = joined(MARKDOWN, st.text(max_size=12))
front_matter = st.one_of(
    st.just(""),
    st.just(""),
    st.just(""),
    st.just("---\ntitle: A Title\nlang: lt\n---\n"),
    st.lists(
        st.sampled_from(
            [
                "title: T",
                "title: [",
                "short_title: S",
                "lang: lt",
                "lang: 3",
                "unknown: 1",
                "subtitle: {a: b}",
                "title:",
                "- x",
                ": :",
            ]
        ),
        max_size=4,
    ).map(lambda lines: "---\n" + "\n".join(lines) + "\n---\n"),
)
# Mostly well-formed prose, so that citations, notes and index marks reach resolve and render.
TAME = [
    "[@k1]",
    "[@k1, 12]",
    "[see @k1, 3; also @k2, 5–6]",
    "@k1",
    "[-@k2]",
    "@k2 [p. 4]",
    "[text]{.idx}",
    '[x]{idx="A!b!c"}',
    '[]{idx="W" see="V"}',
    '[y]{idx="V" seealso="W"}',
    "[lt]{lang=lt}",
    "^[inline note with [@k2]]",
    "**bold**",
    "*it*",
    "`code`",
    '"quoted"',
    "--",
    "...",
    "Word",
    "and",
    "Vilnius",
    "Łossowski",
    "the treaty",
    ".",
    ",",
]
tame_text = st.lists(st.lists(st.sampled_from(TAME), min_size=1, max_size=12).map(" ".join), max_size=6).map(
    "\n\n".join
)


def chapter(title: str) -> st.SearchStrategy[str]:
    heading = st.sampled_from([f"# {title}\n\n", f"# {title} {{#{title.lower()}}}\n\n", "# Same\n\n", ""])
    return st.tuples(front_matter, heading, st.one_of(markdown_text, tame_text, tame_text)).map("".join)


GOOD_ENTRIES = (
    "@book{k1, author = {Ada Tester}, title = {A Title}, year = 1966, publisher = {P}, address = {V}}\n"
    "@article{k2, author = {Ben Checker}, title = {T}, journal = {J}, year = 2004, volume = 3}\n"
)
bibtex = st.tuples(st.sampled_from([GOOD_ENTRIES, GOOD_ENTRIES, ""]), joined(BIBTEX, st.text(max_size=8))).map("".join)
toml_value = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            "A5",
            "A4",
            "letter",
            "140mm 216mm",
            "0mm",
            "-3mm",
            "press",
            "chicago-notes-bibliography",
            "apa",
            "nope",
            "../x.csl",
            "*",
            "01-a.md",
            "02-b.md",
            "missing.md",
            "../etc/passwd",
        ]
    ),
    st.integers(-2, 10**20),
    st.booleans(),
    st.floats(allow_nan=True),
    st.lists(
        st.one_of(st.text(max_size=8), st.sampled_from(["01-a.md", "02-b.md", "*", "k1"]), st.integers()), max_size=3
    ),
)
settings_table = st.dictionaries(
    st.sampled_from(sorted(SETTING_KEYS)),
    st.dictionaries(
        st.sampled_from(sorted({k for keys in SETTING_KEYS.values() for k in keys} | {"extra"})), toml_value, max_size=3
    ),
    max_size=3,
)
raw_toml = joined(
    [
        "[book]",
        'title = "T"',
        "[pdf]",
        "[[index.indexes]]",
        'name = "people"',
        "title = 3",
        "= 1",
        "[",
        "]",
        '"',
        "'''",
        "a.b.c = 1",
        '[book]\ntitle = "Dup"',
        'x = [1, "a"]',
        'language = "lt"',
    ],
    st.text(max_size=8),
)


def toml_text(tables: dict[str, dict[str, object]], language: str) -> str:
    """A book.toml that starts valid and carries the generated settings (or garbage)."""
    tables = {name: dict(values) for name, values in tables.items()}
    tables.setdefault("book", {}).setdefault("title", "Fuzzed")
    tables["book"].setdefault("language", language)
    out: list[str] = []
    for name, values in tables.items():
        out.append(f"[{name}]")
        out.extend(f"{key} = {_toml(value)}" for key, value in values.items())
    return "\n".join(out) + "\n"


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return {"nan": "nan", "inf": "inf", "-inf": "-inf"}.get(repr(value), repr(value))
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # may be invalid TOML: that is a case too
    return str(value)


plain_settings = st.builds(toml_text, st.just({}), st.sampled_from(["en", "lt", "pl", "ru"]))
book_files = st.fixed_dictionaries(
    {
        # most examples get past the settings, so that the Markdown and BibTeX reach every stage
        "toml": st.one_of(
            plain_settings,
            plain_settings,
            plain_settings,
            plain_settings,
            plain_settings,
            st.builds(toml_text, settings_table, st.sampled_from(LANGUAGES)),
            raw_toml,
        ),
        "first": chapter("First"),
        "second": chapter("Second"),
        "bib": bibtex,
        "handout": st.one_of(st.none(), st.none(), chapter("Handout")),
    }
)


def assert_only_located_messages(err: str) -> None:
    assert "Traceback" not in err, err
    assert "[layout-error]" not in err, err  # the book has no layouts of its own: a bug in the built-in ones
    for line in err.splitlines():
        assert LOCATED.fullmatch(line) or OTHER.fullmatch(line), f"unlocated or unexpected line {line!r}\n{err}"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(argv)
    return code, capsys.readouterr().err


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=EXAMPLES <= 200,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(files=book_files)
# Crashes and unlocated messages the long run found, kept as fixed examples:
@example(
    files={
        "toml": '[book]\ntitle = "T"\n[citations]\nnocite = ""\nbibliography = ""\n',
        "first": "# A\n",
        "second": "# B\n",
        "bib": "",
        "handout": None,
    }
)  # bib-missing without a place
@example(
    files={
        "toml": '[book]\ntitle = "T"\nlanguage = ""\n',
        "first": "# A\n",
        "second": "# B\n",
        "bib": "",
        "handout": None,
    }
)  # ICU's traceback on an empty language tag
def test_any_book_gives_exit_0_or_1_and_located_messages(
    files: dict[str, str | None], capsys: pytest.CaptureFixture[str]
) -> None:
    with tempfile.TemporaryDirectory() as temporary:
        book = Path(temporary) / "book"
        (book / "manuscript/figures").mkdir(parents=True)
        (book / "manuscript/figures/box.svg").write_bytes(BOX_SVG)
        for name, key in (("book.toml", "toml"), ("01-a.md", "first"), ("02-b.md", "second")):
            (book / "manuscript" / name).write_text(files[key] or "", encoding="utf-8", errors="surrogatepass")
        (book / "references.bib").write_text(files["bib"] or "", encoding="utf-8", errors="surrogatepass")
        if files["handout"] is not None:
            (book / "manuscript/handouts").mkdir()
            (book / "manuscript/handouts/h.md").write_text(files["handout"], encoding="utf-8", errors="surrogatepass")
        checked, err = run(["check", str(book)], capsys)
        assert checked in (0, 1)
        assert_only_located_messages(err)
        out = Path(temporary) / "out"
        built, err = run(["build", str(book), "--format", "html", "--quiet", "--out", str(out)], capsys)
        assert built in (0, 1)
        assert_only_located_messages(err)
        codes = CODE.findall(err) or ["none"]
        event(f"build exit {built}; first problem: {codes[0]}")
        if built:
            assert not out.exists(), "a failed build wrote its outputs"
        else:
            # check also reads the handouts, which an HTML build does not make
            assert checked == 0 or files["handout"] is not None, "build accepted a book that check refused"
            assert any(out.glob("*.html"))
        # everything written stays inside the output folder
        assert sorted(p.name for p in Path(temporary).iterdir()) == (["book", "out"] if not built else ["book"])
        shutil.rmtree(book)
