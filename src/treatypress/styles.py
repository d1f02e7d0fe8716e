"""Where layouts, CSS and fonts come from, and the only door through which WeasyPrint reads files.

A book's ``styles/`` overrides a built-in default file of the same relative name. The URL
fetcher refuses the network and every file outside the book folder and the built-in styles;
each refusal is kept so the build can fail with a message instead of a silently wrong book.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

from .config import PAGE_SIZES, BookConfig
from .diagnostics import Diagnostic, Location, error, warning

if TYPE_CHECKING:  # WeasyPrint is imported only where pages are laid out or CSS checked (issue 12)
    import weasyprint

    from .safefetch import SafeFetcher

BUILTIN = Path(__file__).parent / "styles"


@dataclass(frozen=True)
class Styles:
    root: Path  # the book folder

    @property
    def folders(self) -> tuple[Path, ...]:
        return (self.root / "styles", BUILTIN)

    def path(self, name: str) -> Path:
        """The book's own ``styles/<name>`` if present, else the built-in one."""
        for folder in self.folders:
            candidate = folder / name
            if candidate.is_file():
                return candidate
        raise FileNotFoundError(f"no style file {name} in the book or the built-in styles")

    def optional(self, name: str) -> Path | None:
        candidate = self.root / "styles" / name
        return candidate if candidate.is_file() else None

    def urls(self, names: Sequence[str]) -> list[str]:
        """File URLs of style files by name, each from the book or the built-in styles."""
        return [self.path(name).resolve().as_uri() for name in names]

    def weasyprint_html(self, html: str) -> tuple[weasyprint.HTML, SafeFetcher]:
        """A WeasyPrint document that can read only the book and the built-in styles; the
        fetcher keeps what it refused, for the build's diagnostics."""
        import weasyprint

        from .safefetch import SafeFetcher

        fetcher = SafeFetcher((self.root, BUILTIN))
        return weasyprint.HTML(string=html, base_url=self.root.as_uri() + "/", url_fetcher=fetcher), fetcher

    def fonts(self) -> tuple[Path, ...]:
        """The font files the layouts use, book fonts shadowing built-in ones by name."""
        found: dict[str, Path] = {}
        for folder in reversed(self.folders):
            for font in sorted((folder / "fonts").glob("*")):
                if font.suffix.lower() in (".ttf", ".otf", ".woff", ".woff2"):
                    found[font.name] = font
        return tuple(found[name] for name in sorted(found))


# --- the book's own style files, checked before anything is laid out ---------------------------
# Every file under styles/ reaches some edition: CSS is read by WeasyPrint or copied whole into
# the EPUB and the web edition (where a reader, not this tool, would follow its URLs). So each
# is checked here, once, with its line, in the resolve stage that `check` also runs.
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")


def check_styles(config: BookConfig, paged: bool = True) -> tuple[Diagnostic, ...]:
    """The book's own styles: files outside the book, refused URLs, syntax errors; and, with
    ``paged`` (a build that lays out pages, or ``check``), what WeasyPrint would ignore in the
    CSS it reads. A screen-only build does not import WeasyPrint for a warning about it."""
    root = config.root
    folder = root / "styles"
    problems: list[Diagnostic] = []
    for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
        rel = path.relative_to(root).as_posix()
        if not path.resolve().is_relative_to(root.resolve()):
            problems.append(
                error(
                    "outside-book",
                    f"{rel} leads outside the book folder",
                    Location(rel),
                    "copy the file into styles/ instead of linking to it",
                )
            )
        elif path.suffix == ".css" and path.is_file():
            problems.extend(_check_css(path, rel, root, config, paged))
    return tuple(problems)


def _check_css(path: Path, rel: str, root: Path, config: BookConfig, paged: bool) -> Iterator[Diagnostic]:
    import tinycss2  # only a book with its own CSS pays for the CSS parser

    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        yield error(
            "not-utf8",
            f"the file is not UTF-8 ({exc.reason} at byte {exc.start})",
            Location(rel),
            "save the file as UTF-8",
        )
        return
    rules = tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True)
    refused = False
    for node, url in _urls(rules):
        where = Location(rel, node.source_line, node.source_column)
        problem = _url_problem(url, path.parent, root)
        if problem:
            refused = True
            code, what, hint = problem
            yield error(code, f"the stylesheet asks for '{url}', which {what}", where, hint)
    if path.name in PRINT_CSS and not refused and paged:
        yield from _weasyprint_ignores(path, rel, root)
    for rule in rules:
        if rule.type == "error" and path.name not in PRINT_CSS:
            yield warning(
                "css-syntax",
                f"CSS syntax error: {rule.message}",
                Location(rel, rule.source_line, rule.source_column),
                "the rule is ignored",
            )
        elif rule.type == "at-rule" and rule.lower_at_keyword == "page" and rel == "styles/css/book.css":
            yield from _page_size(rule, rel, config)


# The CSS files WeasyPrint reads (the others are copied into the EPUB and the web edition).
PRINT_CSS = frozenset({"book.css", "print.css", "footnotes.css", "fonts.css", "handout.css"})


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _weasyprint_ignores(path: Path, rel: str, root: Path) -> Iterator[Diagnostic]:
    """What WeasyPrint's own CSS validation drops from a file it reads (an unknown property, a
    bad value, a selector it cannot parse), which it only logs: a warning at the file's line,
    reported here once rather than at every layout."""
    import weasyprint

    from .safefetch import SafeFetcher

    records = _Records()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(records)
    try:
        weasyprint.CSS(filename=str(path), url_fetcher=SafeFetcher((root, BUILTIN)))
    finally:
        logger.removeHandler(records)
    for record in records.records:
        message = record.getMessage()
        place = re.search(r" at (\d+):(\d+)", message)
        line, col = (int(place[1]), int(place[2])) if place else (0, 0)
        ignored = re.match(r"Ignored `(.*?)\s*` at \d+:\d+, (.*?)\.?$", message, re.DOTALL)
        text = (
            f"WeasyPrint ignores `{ignored[1]}`: {ignored[2]}"
            if ignored
            else "WeasyPrint: " + re.sub(r" at \d+:\d+,?", "", message).rstrip(".")
        )
        yield warning(
            "css-ignored",
            text,
            Location(rel, line, col),
            "check the property's name and value against WeasyPrint's supported CSS",
        )


def _urls(nodes: Sequence[Any]) -> Iterator[tuple[Any, str]]:
    """Every URL in a stylesheet: url(...) tokens, url("...") functions, @import "...", walking
    the raw component values (so nothing nested in @media, @font-face or a block is missed)."""
    for node in nodes:
        if node.type == "url":
            yield node, node.value
        elif node.type == "function" and node.lower_name in ("url", "src", "image-set", "image"):
            strings = [a for a in node.arguments if a.type == "string"]
            if node.lower_name in ("url", "src") and strings:
                yield node, strings[0].value
        elif node.type == "at-rule" and node.lower_at_keyword == "import":
            first = next((t for t in node.prelude if t.type not in ("whitespace", "comment")), None)
            if first is not None and first.type == "string":
                yield node, first.value
        for attribute in ("prelude", "content", "arguments"):
            children = getattr(node, attribute, None)
            if isinstance(children, list):
                yield from _urls(children)


def _url_problem(url: str, base: Path, root: Path) -> tuple[str, str, str] | None:
    url = url.strip()
    scheme = _SCHEME.match(url)
    if not url or url.startswith(("data:", "#")):
        return None
    if url.startswith("//") or (scheme and scheme[1].lower() != "file"):
        return (
            "remote-resource",
            "is on the network; a build never reads the network",
            "copy the file into the book folder and use a relative path",
        )
    path = Path(unquote(urlparse(url).path)) if scheme else base / unquote(url.split("#")[0].split("?")[0])
    if not path.resolve().is_relative_to(root.resolve()):
        return "outside-book", "is outside the book folder", "copy the file into the book folder"
    return None


def _page_size(rule: Any, rel: str, config: BookConfig) -> Iterator[Diagnostic]:
    """book.css setting the page size: the setting wins (its CSS is applied as !important)."""
    import tinycss2

    for declaration in tinycss2.parse_blocks_contents(rule.content or []):
        if declaration.type != "declaration" or declaration.lower_name != "size":
            continue
        value = tinycss2.serialize(declaration.value).strip()
        named = {name.lower(): size for name, size in PAGE_SIZES.items()}
        if named.get(value.lower(), value) != config.page_size:
            yield warning(
                "css-page-size",
                f"{rel} sets @page {{ size: {value} }}, but [pdf] page_size ({config.pdf.page_size}) wins",
                Location(rel, declaration.source_line, declaration.source_column),
                "set the trim size with [pdf] page_size in book.toml or --page-size, and remove 'size' from the CSS",
            )
