"""Bad and hostile input, one table: each row breaks a fresh copy of the small book, runs the real
command line in-process, and pins the exit code, the ``file:line`` and the stable code of the
message; a failed run must leave a previous ``dist/`` byte for byte as it was, and nothing may
end in a traceback (an exception escaping ``main`` fails the row).

To add a row: a ``Case`` with an id, a mutation (the helpers below compose), and what the
message must say. Rows that only warn run ``check`` (which never writes) and expect exit 0.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from treatypress.cli import main

BOOKS = Path(__file__).resolve().parent / "books"
Mutation = Callable[[Path], object]  # what it returns is ignored
TOML = "manuscript/book.toml"
PREFACE = "manuscript/00-preface.md"
FIRST = "manuscript/01-first.md"
HANDOUT = "manuscript/handouts/sheet.md"


# --- mutations: each takes the book folder and breaks it ------------------------------------
def replace(rel: str, old: str, new: str) -> Mutation:
    def mutate(book: Path) -> None:
        path = book / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, f"fixture changed: {old!r} not in {rel}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return mutate


def append(rel: str, text: str) -> Mutation:
    """Add a paragraph after a blank line: in the preface (9 lines) it starts on line 11."""

    def mutate(book: Path) -> None:
        with (book / rel).open("a", encoding="utf-8") as stream:
            stream.write("\n" + text + "\n")

    return mutate


def settings(text: str) -> Mutation:
    """Add lines to book.toml (19 lines): the first added line is line 21."""
    return append(TOML, text)


def write(rel: str, text: str | bytes) -> Mutation:
    def mutate(book: Path) -> None:
        path = book / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")

    return mutate


def remove(rel: str) -> Mutation:
    def mutate(book: Path) -> None:
        path = book / rel
        shutil.rmtree(path) if path.is_dir() else path.unlink()

    return mutate


def symlink_out(rel: str, text: str = "@book{leak, title = {Secret}, year = {1999}}\n") -> Mutation:
    """Make ``rel`` a symlink to a file outside the book folder."""

    def mutate(book: Path) -> None:
        target = book.parent / f"outside-{Path(rel).name}"
        target.write_text(text, encoding="utf-8")
        path = book / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
        path.symlink_to(target)

    return mutate


def outside_file(name: str, text: str = "secret\n") -> Mutation:
    def mutate(book: Path) -> None:
        (book.parent / name).write_text(text, encoding="utf-8")

    return mutate


def both(*mutations: Mutation) -> Mutation:
    def mutate(book: Path) -> None:
        for one in mutations:
            one(book)

    return mutate


def out_file(book: Path) -> None:
    (book / "out-file").write_text("not a folder\n", encoding="utf-8")


def out_read_only(book: Path) -> None:
    """An output folder that may not be written, even by root (an immutable folder)."""
    (book / "out-ro").mkdir()
    if os.geteuid() == 0:
        if subprocess.run(["chattr", "+i", str(book / "out-ro")], check=False, capture_output=True).returncode:
            pytest.skip("running as root on a filesystem without chattr +i")
    else:
        (book / "out-ro").chmod(0o555)


def out_writable(book: Path) -> None:
    subprocess.run(["chattr", "-i", str(book / "out-ro")], check=False, capture_output=True)
    (book / "out-ro").chmod(0o755)


def big_figure(book: Path) -> None:
    """A 2 MiB figure: the web edition copies it, so the write stage has a file over 1 MiB."""
    svg = book / "manuscript/figures/box.svg"
    svg.write_text(
        svg.read_text(encoding="utf-8").replace("</svg>", f"<!-- {'x' * (2 << 20)} --></svg>"), encoding="utf-8"
    )


HANDOUT_TEXT = "---\ntitle: A sheet\n---\n# A sheet {#sheet}\n\nA short handout.\n"


@dataclass(frozen=True)
class Case:
    id: str
    mutate: Mutation
    where: str  # "file:line" (or "file" when the whole file is meant) the message must start with
    code: str  # the stable code in brackets; for exit 2, a piece of argparse's message
    exit: int = 1
    args: tuple[str, ...] = ("--format", "html")
    command: str = "build"
    also: tuple[str, ...] = field(default=())  # more text the output must hold
    severity: str = "error"
    undo: Mutation | None = None  # run after the case, whatever happened (e.g. make a folder writable again)
    file_size_limit: int = 0  # RLIMIT_FSIZE during the run: a real "disk full" (EFBIG) in the write stage


CASES: list[Case] = [
    # --- the settings file -----------------------------------------------------------------
    Case("no-manuscript", remove("manuscript"), "", "no-manuscript"),
    Case("no-book-toml", remove(TOML), TOML, "config-missing"),
    Case("toml-syntax", replace(TOML, 'language = "en"', "language = en"), f"{TOML}:5:12", "config-toml"),
    Case("toml-not-utf8", write(TOML, b'[book]\ntitle = "Caf\xe9"\n'), TOML, "not-utf8"),
    Case("toml-nul", write(TOML, b'[book]\ntitle = "A\x00"\n'), f"{TOML}:2", "config-toml"),
    Case(
        "unknown-key", replace(TOML, 'language = "en"', 'language = "en"\ntitel = "x"'), f"{TOML}:6:1", "config-unknown"
    ),
    Case("unknown-table", settings("[colour]\nred = 1"), f"{TOML}:21:1", "config-unknown"),
    Case("wrong-type", replace(TOML, 'keywords = ["test", "book"]', "keywords = 3"), f"{TOML}:10:1", "config-type"),
    Case("no-title", replace(TOML, 'title = "A Small Test Book"', ""), TOML, "config-missing-key"),
    Case(
        "variant-unknown",
        settings('[pdf]\nvariant = "fancy"'),
        f"{TOML}:22:1",
        "config-value",
        also=("'fancy' is not one of: accessible, plain, press",),
    ),
    Case(
        "page-size-unknown",
        settings('[pdf]\npage_size = "foo"'),
        f"{TOML}:22:1",
        "config-value",
        also=("page size 'foo' is neither a named size",),
    ),
    Case("page-size-zero", settings('[pdf]\npage_size = "0mm 210mm"'), f"{TOML}:22:1", "config-value"),
    Case(
        "bleed-no-unit",
        settings('[pdf]\nbleed = "3"'),
        f"{TOML}:22:1",
        "config-value",
        also=("length '3' is not a CSS length",),
    ),
    Case("impose-unknown", settings('[pdf]\nimpose = "4-up"'), f"{TOML}:22:1", "config-value"),
    Case("sheet-unknown", settings('[pdf]\nsheet = "A3"'), f"{TOML}:22:1", "config-value"),
    Case("paper-unknown", settings('[handouts]\npaper = "A5"'), f"{TOML}:22:1", "config-value"),
    Case(
        "language-bad", replace(TOML, 'language = "en"', 'language = "English please"'), f"{TOML}:5:1", "config-value"
    ),
    Case("slug-climbs-out", replace(TOML, 'slug = "small-book"', 'slug = "../../evil"'), f"{TOML}:9:1", "config-value"),
    Case(
        "cover-outside",
        both(
            outside_file("cover.png", "x"), replace(TOML, 'language = "en"', 'language = "en"\ncover = "../cover.png"')
        ),
        f"{TOML}:6:1",
        "config-value",
        also=("outside the book folder",),
    ),
    Case(
        "cover-symlink-out",
        both(symlink_out("cover.png", "x"), replace(TOML, 'language = "en"', 'language = "en"\ncover = "cover.png"')),
        f"{TOML}:6:1",
        "config-value",
    ),
    Case(
        "isbn-bad-check-digit",
        replace(TOML, 'language = "en"', 'language = "en"\nisbn = "978-0-00-000000-1"'),
        f"{TOML}:6:1",
        "config-value",
    ),
    Case(
        "index-name-bad", settings('[[index.indexes]]\nname = "My Index"\ntitle = "X"'), f"{TOML}:22:1", "config-value"
    ),
    Case(
        "bibliography-outside",
        both(outside_file("other.bib"), settings('bibliography = "../other.bib"')),
        f"{TOML}:21:1",
        "config-value",
        also=("'../other.bib' is outside the book folder",),
    ),
    Case("bibliography-absolute", settings('bibliography = "/etc/passwd"'), f"{TOML}:21:1", "config-value"),
    Case(
        "bibliography-symlink-out",
        symlink_out("references.bib"),
        "references.bib",
        "config-value",
        also=("outside the book folder",),
    ),
    Case(
        "style-outside",
        both(outside_file("x.csl"), replace(TOML, 'style = "chicago-notes-bibliography"', 'style = "../x.csl"')),
        f"{TOML}:19:1",
        "config-value",
    ),
    Case(
        "style-file-missing",
        replace(TOML, 'style = "chicago-notes-bibliography"', 'style = "styles/nope.csl"'),
        f"{TOML}:19:1",
        "config-value",
        also=("does not exist",),
    ),
    Case(
        "style-unknown",
        replace(TOML, 'style = "chicago-notes-bibliography"', 'style = "chicago-nope"'),
        f"{TOML}:19:1",
        "style-unknown",
    ),
    Case(
        "style-malformed",
        both(
            write(
                "bad.csl",
                '<?xml version="1.0"?>\n<style xmlns="http://purl.org/net/xbiblio/csl" '
                'class="note" version="1.0"><citation><layout><bogus/></layout></citation>'
                "</style>\n",
            ),
            replace(TOML, 'style = "chicago-notes-bibliography"', 'style = "bad.csl"'),
        ),
        f"{TOML}:19:1",
        "citeproc-failed",
        also=('unknown element "bogus"',),
    ),
    Case("bibliography-missing", settings('bibliography = "nope.bib"'), f"{PREFACE}:7", "bib-missing"),
    # --- the contents --------------------------------------------------------------------------
    Case(
        "chapter-missing",
        replace(TOML, '"02-second.md"', '"02-secnd.md"'),
        f"{TOML}:15:28",
        "chapter-missing",
        also=("did you mean '02-second.md'?",),
    ),
    Case(
        "chapter-outside",
        both(outside_file("x.md", "# X\n"), replace(TOML, '"02-second.md"', '"../../x.md"')),
        f"{TOML}:15:28",
        "outside-book",
    ),
    Case("chapter-symlink-out", symlink_out("manuscript/02-second.md", "# Leak\n"), f"{TOML}:15", "outside-book"),
    Case(
        "chapter-listed-twice",
        replace(TOML, '"02-second.md"]', '"02-second.md", "01-first.md"]'),
        f"{TOML}:15:44",
        "chapter-listed-twice",
    ),
    Case(
        "contents-empty",
        both(
            replace(TOML, 'front = ["00-preface.md"]', "front = []"),
            replace(TOML, 'chapters = ["01-first.md", "02-second.md"]', "chapters = []"),
        ),
        f"{TOML}:15:1",
        "no-chapters",
    ),
    Case(
        "chapter-no-heading",
        write("manuscript/02-second.md", "---\ntitle: Towns\n---\nJust text.\n"),
        "manuscript/02-second.md:4",
        "chapter-no-heading",
    ),
    Case("chapter-empty", write("manuscript/02-second.md", ""), "manuscript/02-second.md", "chapter-no-heading"),
    # --- chapter files -------------------------------------------------------------------------
    Case(
        "chapter-not-utf8",
        lambda b: (b / PREFACE).write_bytes((b / PREFACE).read_bytes().replace(b"small book", b"small b\xf6ok")),
        f"{PREFACE}:6:13",
        "not-utf8",
    ),
    Case(
        "chapter-nul",
        lambda b: (b / PREFACE).write_bytes((b / PREFACE).read_bytes().replace(b"small book", b"small\x00book")),
        f"{PREFACE}:6:11",
        "nul-byte",
    ),
    Case(
        "front-matter-broken",
        replace(PREFACE, "title: Preface", "title: [Preface"),
        f"{PREFACE}:3:1",
        "frontmatter-yaml",
    ),
    Case(
        "front-matter-not-mapping", replace(PREFACE, "title: Preface", "- a list"), f"{PREFACE}:2:1", "frontmatter-yaml"
    ),
    Case(
        "front-matter-lang",
        replace(PREFACE, "title: Preface", "title: Preface\nlang: Lithuanian please"),
        f"{PREFACE}:3:1",
        "frontmatter-value",
        also=("is not a BCP 47 tag",),
    ),
    Case(
        "front-matter-title-list",
        replace(PREFACE, "title: Preface", "title: [a, b]"),
        f"{PREFACE}:2:1",
        "frontmatter-value",
    ),
    Case(
        "handout-pages",
        write(HANDOUT, HANDOUT_TEXT.replace("title: A sheet", "title: A sheet\npages: two")),
        f"{HANDOUT}:3",
        "frontmatter-value",
        command="check",
        args=(),
    ),
    # --- notes ---------------------------------------------------------------------------------
    Case("footnote-undefined", replace(PREFACE, "real.[^why]", "real.[^wy]"), f"{PREFACE}:6:67", "footnote-undefined"),
    Case("footnote-unused", replace(PREFACE, "real.[^why]", "real."), f"{PREFACE}:9:1", "footnote-unused"),
    Case(
        "footnote-defined-twice",
        append(PREFACE, "[^why]: A second definition."),
        f"{PREFACE}:11:1",
        "footnote-duplicate",
        also=("first at line 9",),
    ),
    Case(
        "footnote-called-twice",
        replace(PREFACE, "in its preface", "in its preface[^why]"),
        f"{PREFACE}:7",
        "footnote-reused",
    ),
    # --- headings and ids ----------------------------------------------------------------------
    Case(
        "duplicate-id",
        replace("manuscript/02-second.md", "{#second}", "{#first}"),
        "manuscript/02-second.md:5:30",
        "duplicate-id",
    ),
    Case(
        "raw-html-duplicate-id",
        append("manuscript/02-second.md", 'A <span id="first">x</span>.'),
        "manuscript/02-second.md:43",
        "duplicate-id",
        also=("first at manuscript/01-first.md:5",),
    ),
    # --- citations -----------------------------------------------------------------------------
    Case(
        "cite-unknown",
        replace(PREFACE, "[@senn1966, 12]", "[@senn1965, 12]"),
        f"{PREFACE}:7",
        "cite-unknown",
        also=("senn1966",),
    ),
    # --- images and links ----------------------------------------------------------------------
    Case("image-missing", replace(FIRST, "figures/box.svg", "figures/bx.svg"), f"{FIRST}:43", "missing-file"),
    Case(
        "image-remote",
        append(PREFACE, "![Remote.](https://example.org/a.png){alt=x}"),
        f"{PREFACE}:11",
        "remote-resource",
    ),
    Case("image-outside", append(PREFACE, "![Out.](../../secret.png){alt=x}"), f"{PREFACE}:11", "outside-book"),
    Case("image-file-url", append(PREFACE, "![x](file:///etc/hostname)"), f"{PREFACE}:11", "outside-book"),
    Case(
        "image-file-url-inside", append(PREFACE, "![x](file:///etc/hostname){alt=x}"), f"{PREFACE}:11", "outside-book"
    ),
    Case(
        "image-symlink-out",
        both(symlink_out("manuscript/figures/leak.svg", "<svg/>"), append(PREFACE, "![x](figures/leak.svg){alt=x}")),
        f"{PREFACE}:11",
        "outside-book",
    ),
    Case("image-not-an-image", append(PREFACE, "![x](../references.bib){alt=x}"), f"{PREFACE}:11", "image-type"),
    Case(
        "image-wrong-bytes",
        both(write("manuscript/figures/fake.png", "not a png"), append(PREFACE, "![x](figures/fake.png){alt=x}")),
        f"{PREFACE}:11",
        "image-type",
    ),
    Case(
        "image-data-svg",
        append(PREFACE, "![x](data:image/svg+xml;base64,PHN2Zy8+){alt=x}"),
        f"{PREFACE}:11",
        "image-data",
    ),
    Case(
        "image-data-broken", append(PREFACE, "![x](data:image/png;base64,!!!!){alt=x}"), f"{PREFACE}:11", "image-data"
    ),
    Case(
        "image-data-not-png",
        append(PREFACE, "![x](data:image/png;base64,aGVsbG8=){alt=x}"),
        f"{PREFACE}:11",
        "image-data",
    ),
    Case("figure-no-alt", replace(FIRST, ' alt="A grey box with a black border."', ""), f"{FIRST}:43", "figure-no-alt"),
    Case("link-javascript", append(PREFACE, "[click](javascript:alert(1))"), f"{PREFACE}:11", "link-scheme"),
    Case("link-file", append(PREFACE, "[passwd](file:///etc/passwd)"), f"{PREFACE}:11", "link-scheme"),
    Case(
        "link-vbscript-in-note",
        replace(PREFACE, "Every test builds", "[x](vbscript:msgbox) Every test builds"),
        f"{PREFACE}:9",
        "link-scheme",
    ),
    # --- structure -----------------------------------------------------------------------------
    Case("div-unclosed", append(PREFACE, "::: {.aside}\nNever closed."), f"{PREFACE}:11", "div-unclosed"),
    Case("index-range-unclosed", append(PREFACE, '::: {idx="War"}\nA passage.'), f"{PREFACE}:11", "div-unclosed"),
    Case("inner-div-unclosed", append(PREFACE, "::::: outer\n::: inner\ntext\n:::::"), f"{PREFACE}:12", "div-unclosed"),
    Case("emphasis-600-deep", append(PREFACE, "*" * 600 + "x" + "*" * 600), f"{PREFACE}:11", "markdown-too-deep"),
    Case("quotes-40-deep", append(PREFACE, "> " * 40 + "deep"), f"{PREFACE}:11", "markdown-too-deep"),
    Case("span-lang-invalid", append(PREFACE, '[Wilno]{lang="<b>"}'), f"{PREFACE}:11", "lang-invalid"),
    Case(
        "div-lang-invalid", append(PREFACE, '::: {lang="polish please"}\nTekst.\n:::'), f"{PREFACE}:11", "lang-invalid"
    ),
    Case("index-too-deep", append(PREFACE, '[x]{idx="a!b!c!d"}'), f"{PREFACE}:11", "index-too-deep"),
    Case("index-unknown", append(PREFACE, '[x]{idx="a" index="people"}'), f"{PREFACE}:11", "index-unknown"),
    # --- raw HTML ------------------------------------------------------------------------------
    Case(
        "comment-unclosed",
        append(PREFACE, "<!-- a note to self\n\nMore text."),
        f"{PREFACE}:11",
        "html-comment-unclosed",
    ),
    Case(
        "html-script-block",
        append(PREFACE, "<script>alert(1)</script>"),
        f"{PREFACE}:11",
        "html-disallowed",
        also=("<script>",),
    ),
    Case(
        "html-script-inline",
        append(PREFACE, "Text <script>alert(1)</script> here."),
        f"{PREFACE}:11",
        "html-disallowed",
    ),
    Case(
        "html-iframe",
        append(PREFACE, '<iframe src="https://example.org"></iframe>'),
        f"{PREFACE}:11",
        "html-disallowed",
    ),
    Case("html-img", append(PREFACE, '<img src="file:///etc/passwd" alt="x">'), f"{PREFACE}:11", "html-disallowed"),
    Case(
        "html-style-element", append(PREFACE, "<style>body { color: red }</style>"), f"{PREFACE}:11", "html-disallowed"
    ),
    Case("html-object", append(PREFACE, 'A <object data="x.swf"></object>.'), f"{PREFACE}:11", "html-disallowed"),
    Case(
        "html-onclick",
        append(PREFACE, 'A <span onclick="alert(1)">span</span>.'),
        f"{PREFACE}:11",
        "html-attribute",
        also=("onclick",),
    ),
    Case(
        "html-onerror-block",
        append(PREFACE, '<div onmouseover="x()">\nText\n</div>'),
        f"{PREFACE}:11",
        "html-attribute",
    ),
    Case(
        "html-javascript-link",
        append(PREFACE, 'A <a href="javascript:alert(1)">link</a>.'),
        f"{PREFACE}:11",
        "html-attribute",
    ),
    Case(
        "html-javascript-obfuscated",
        append(PREFACE, 'A <a href="jav&#x09;ascript:alert(1)">link</a>.'),
        f"{PREFACE}:11",
        "html-attribute",
    ),
    Case(
        "html-style-attribute",
        append(PREFACE, 'A <span style="background: url(file:///etc/passwd)">x</span>.'),
        f"{PREFACE}:11",
        "html-attribute",
    ),
    Case("html-unclosed", append(PREFACE, '<div class="box">\n\nText.'), f"{PREFACE}:11", "html-unclosed"),
    Case("html-stray-close", append(PREFACE, "Text </span> here."), f"{PREFACE}:11", "html-unclosed"),
    Case(
        "html-crosses-emphasis",
        append(PREFACE, "A <span>*crossed</span>* span."),
        f"{PREFACE}:11",
        "html-unclosed",
        also=("closes across Markdown",),
    ),
    Case("html-block-crosses-list", append(PREFACE, "<div>\n\n- item\n\n  </div>\n"), f"{PREFACE}:15", "html-unclosed"),
    Case("html-lang-invalid", append(PREFACE, 'A <span lang="Polish!">word</span>.'), f"{PREFACE}:11", "lang-invalid"),
    Case(
        "html-in-footnote",
        replace(PREFACE, "Every test builds", "<script>x()</script> Every test builds"),
        f"{PREFACE}:9",
        "html-disallowed",
    ),
    Case(
        "html-in-heading",
        replace(PREFACE, "# Preface {#preface}", "# Pre<blink>face</blink> {#preface}"),
        f"{PREFACE}:4",
        "html-disallowed",
    ),
    # --- styles --------------------------------------------------------------------------------
    Case(
        "css-import-outside",
        both(
            outside_file("evil.css", "p { color: red }"),
            write("styles/css/book.css", "@import url(../../../evil.css);\n"),
        ),
        "styles/css/book.css:1",
        "outside-book",
    ),
    Case(
        "css-import-file-url",
        write("styles/css/book.css", "@import 'file:///etc/passwd';\n"),
        "styles/css/book.css:1",
        "outside-book",
    ),
    Case(
        "css-remote-url",
        write("styles/css/book.css", "p {}\nbody { background: url(https://example.org/bg.png) }\n"),
        "styles/css/book.css:2",
        "remote-resource",
    ),
    Case(
        "epub-css-remote-import",
        write("styles/css/book-epub.css", "@import url(https://example.org/x.css);\n"),
        "styles/css/book-epub.css:1",
        "remote-resource",
    ),
    Case(
        "epub-css-file-url",
        write("styles/css/book-epub.css", "p { background: url(file:///etc/passwd) }\n"),
        "styles/css/book-epub.css:1",
        "outside-book",
    ),
    Case(
        "web-css-override-remote",
        write("styles/css/web.css", "@font-face { src: url(//example.org/f.woff) }\n"),
        "styles/css/web.css:1",
        "remote-resource",
    ),
    Case(
        "css-symlink-out",
        symlink_out("styles/css/book.css", "p { color: red }\n"),
        "styles/css/book.css",
        "outside-book",
    ),
    Case(
        "layout-symlink-out",
        symlink_out("styles/layouts/web.html.j2", "{{ book.title }}\n"),
        "styles/layouts/web.html.j2",
        "outside-book",
    ),
    Case(
        "layout-undefined",
        write("styles/layouts/web.html.j2", "<html>\n<p>{{ book.title }}</p>\n{{ no_such_value }}\n</html>\n"),
        "styles/layouts/web.html.j2:3",
        "layout-error",
        also=("no_such_value",),
    ),
    Case(
        "layout-undefined-check",
        write("styles/layouts/epub/nav.xhtml.j2", "<html>\n{{ nope }}\n</html>\n"),
        "styles/layouts/epub/nav.xhtml.j2:2",
        "layout-error",
        command="check",
        args=(),
    ),
    Case(
        "layout-syntax-print-check",
        write("styles/layouts/print.html.j2", "<html>\n{% for %}\n</html>\n"),
        "styles/layouts/print.html.j2:2",
        "layout-error",
        command="check",
        args=(),
    ),
    Case(
        "footnote-misplaced",
        replace(PREFACE, "[^why]: Every test", "[^why]: " + "word " * 1200 + "Every test"),
        f"{PREFACE}:6:67",
        "footnote-misplaced",
        args=("--format", "pdf"),
    ),
    Case(
        "layout-syntax",
        write("styles/layouts/web.html.j2", "<html>\n{% if %}\n</html>\n"),
        "styles/layouts/web.html.j2:2",
        "layout-error",
    ),
    Case(
        "css-page-size-contradicts",
        write("styles/css/book.css", "p {}\n@page { size: A6 }\n"),
        "styles/css/book.css:2",
        "css-page-size",
        exit=0,
        command="check",
        args=(),
        severity="warning",
        also=("[pdf] page_size (A5) wins",),
    ),
    Case(
        "css-unknown-property",
        write("styles/css/book.css", "p {\n  colr: red;\n}\n"),
        "styles/css/book.css:2:3",
        "css-ignored",
        exit=0,
        command="check",
        args=(),
        severity="warning",
        also=("colr",),
    ),
    Case(
        "css-bad-value-strict",
        write("styles/css/book.css", "h1 { font-size: huge-ish }\n"),
        "styles/css/book.css:1",
        "css-ignored",
        severity="warning",
        command="check",
        args=("--strict",),
    ),
    Case(
        "epub-css-syntax",
        write("styles/css/book-epub.css", "p { color: red }\n} stray\n"),
        "styles/css/book-epub.css:2",
        "css-syntax",
        exit=0,
        command="check",
        args=(),
        severity="warning",
    ),
    # --- the command line: refused before anything is read (exit 2), same words as book.toml ----
    Case(
        "flag-page-size",
        lambda b: None,
        "",
        "argument --page-size: page size 'foo' is neither a named size",
        exit=2,
        args=("--format", "html", "--page-size", "foo"),
    ),
    Case(
        "flag-bleed",
        lambda b: None,
        "",
        "argument --bleed: length '3' is not a CSS length",
        exit=2,
        args=("--format", "html", "--bleed", "3"),
    ),
    Case(
        "flag-variant",
        lambda b: None,
        "",
        "argument --variant: 'fancy' is not one of: accessible, plain, press",
        exit=2,
        args=("--format", "html", "--variant", "fancy"),
    ),
    Case("flag-format", lambda b: None, "", "unknown format 'docx'", exit=2, args=("--format", "docx")),
    # --- handouts: resolved with the book, so check sees their problems --------------------------
    Case(
        "handout-cite-unknown",
        write(HANDOUT, HANDOUT_TEXT + "\nCited [@nobody2000].\n"),
        f"{HANDOUT}:8",
        "cite-unknown",
        command="check",
        args=(),
    ),
    Case(
        "handout-paper",
        write(HANDOUT, HANDOUT_TEXT.replace("title: A sheet", "title: A sheet\npaper: A3")),
        f"{HANDOUT}:3",
        "handout-paper",
        command="check",
        args=(),
    ),
    Case(
        "handout-script",
        write(HANDOUT, HANDOUT_TEXT + "\n<script>x()</script>\n"),
        f"{HANDOUT}:8",
        "html-disallowed",
        command="check",
        args=(),
    ),
    Case("handout-symlink-out", symlink_out(HANDOUT, HANDOUT_TEXT), HANDOUT, "outside-book", command="check", args=()),
    # --- the output folder (the write stage is one transaction: dist/ stays as it was) -------
    Case(
        "out-is-a-file",
        out_file,
        "{book}/out-file",
        "out-not-a-folder",
        args=("--format", "html", "--out", "{book}/out-file"),
        also=("hint: remove or rename",),
    ),
    Case(
        "out-under-a-file",
        out_file,
        "{book}/out-file/sub",
        "out-not-a-folder",
        args=("--format", "html", "--out", "{book}/out-file/sub"),
    ),
    Case(
        "out-read-only",
        out_read_only,
        "{book}/out-ro",
        "out-unwritable",
        args=("--format", "html", "--out", "{book}/out-ro"),
        undo=out_writable,
    ),
    Case(
        "disk-full",
        big_figure,
        "{book}/dist",
        "out-disk-full",
        file_size_limit=1 << 20,
        also=("the previous outputs are unchanged",),
    ),
    Case(
        "manuscript-too-large",
        append(FIRST, ("A paragraph far too long for one booklet. " * 20 + "\n\n") * 2500),
        FIRST,
        "manuscript-too-large",
        also=("treatypress lays out at most 2 MB",),
    ),
]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = tmp_path / "book"
    shutil.copytree(BOOKS / "minimal", book)
    dist = book / "dist"
    dist.mkdir()
    (dist / "small-book.html").write_text("a previous build\n", encoding="utf-8")
    before = snapshot(dist)
    case.mutate(book)
    argv = [case.command, str(book), *(arg.replace("{book}", str(book)) for arg in case.args)]
    if case.command == "build":
        argv.append("--quiet")
    limit = resource.getrlimit(resource.RLIMIT_FSIZE)
    try:
        if case.file_size_limit:
            resource.setrlimit(resource.RLIMIT_FSIZE, (case.file_size_limit, limit[1]))
        code = main(argv)
    except SystemExit as stop:  # argparse refuses a bad command line with exit 2
        code = int(stop.code or 0)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, limit)
        if case.undo:
            case.undo(book)
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert code == case.exit, err
    if case.exit == 2:
        assert case.code in err, err
    else:
        where = re.escape(case.where.replace("{book}", str(book))) + (r"(:\d+)*: " if case.where else "")
        where = where.replace(re.escape(str(book)), ".*")
        assert re.search(rf"(^|\n){where if case.where else '.*'}{case.severity} \[{re.escape(case.code)}\]", err), err
    for text in case.also:
        assert text in err, err
    if case.exit:
        assert snapshot(dist) == before, "a failed run changed dist/"


def test_the_table_is_large_enough() -> None:
    assert len(CASES) >= 60
    assert len({c.id for c in CASES}) == len(CASES)
