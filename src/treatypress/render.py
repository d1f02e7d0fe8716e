"""Stage 6: one Jinja2 environment; each target fills its own layouts from the resolved book.

Layouts are looked up in the book's ``styles/layouts`` first, then in the built-in ones, so a
book overrides a layout by writing a file of the same name. An undefined variable is an error.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from .diagnostics import BuildFailed, Diagnostic, Location, error, relative
from .htmlwriter import ChapterHTML, WriterContext, write_chapter
from .resolve import ResolvedBook, ResolvedChapter
from .styles import Styles


def build_time() -> datetime:
    """``SOURCE_DATE_EPOCH`` when set (reproducible builds), else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return datetime.fromtimestamp(int(epoch) if epoch else int(time.time()), tz=UTC)


def environment(styles: Styles) -> jinja2.Environment:
    loader = jinja2.FileSystemLoader([str(folder / "layouts") for folder in styles.folders])
    env = jinja2.Environment(
        loader=loader,
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals["style_url"] = lambda name: styles.path(name).resolve().as_uri()
    env.globals["book_root"] = str(styles.root)  # for messages about the book's own layouts
    return env


@dataclass(frozen=True)
class RenderedChapter:
    chapter: ResolvedChapter
    html: ChapterHTML
    file: str  # EPUB file name, "" in other targets


def render_chapters(
    book: ResolvedBook, target: str, asset_url: Callable[[Path], str], href: Callable[[str], str]
) -> tuple[RenderedChapter, ...]:
    context = WriterContext(book, target, asset_url, href)
    return tuple(
        RenderedChapter(ch, write_chapter(context, ch), f"{ch.id}.xhtml" if target == "epub" else "")
        for ch in book.chapters
    )


def book_context(book: ResolvedBook) -> dict[str, Any]:
    """What every layout may use about the book."""
    settings = book.config.book
    when = build_time()
    return {
        "book": settings,
        "config": book.config,
        "slug": book.config.slug,
        "identifier": book.config.identifier,
        "language": settings.language,
        "modified": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "created": when.strftime("%Y-%m-%d"),
        "bibliography": [(key, Markup(html)) for key, html in book.bibliography],
        "bibliography_title": book.bibliography_title,
        "indexes": book.indexes,
    }


def render(env: jinja2.Environment, layout: str, **values: Any) -> str:
    """Fill a layout; a mistake in it (most likely in a book's own override) is a located error."""
    try:
        return env.get_template(layout).render(**values)
    except jinja2.TemplateError as exc:
        raise BuildFailed((_layout_error(env, layout, exc),)) from None


def _layout_error(env: jinja2.Environment, layout: str, exc: jinja2.TemplateError) -> Diagnostic:
    """Where in which layout file: a syntax error says so itself; for an error while filling
    (an undefined variable under StrictUndefined) Jinja2 rewrites the traceback so that its
    frames carry the template's file name and line."""
    filename, line = getattr(exc, "filename", None), getattr(exc, "lineno", None) or 0
    if not filename:
        traceback = exc.__traceback__
        while traceback is not None:
            name = traceback.tb_frame.f_code.co_filename
            if name.endswith(".j2"):
                filename, line = name, traceback.tb_lineno
            traceback = traceback.tb_next
    root = env.globals.get("book_root")
    shown = relative(Path(filename), Path(str(root))) if filename and root else (filename or layout)
    if shown.startswith("/") and "/styles/layouts/" in shown:  # a built-in layout: a bug of ours
        shown = "(built-in) " + shown.split("/styles/", 1)[1]
    kind = "syntax error" if isinstance(exc, jinja2.TemplateSyntaxError) else "error"
    return error(
        "layout-error",
        f"{kind} in the layout: {exc.message or exc}",
        Location(shown, line),
        "a layout may use only the values the built-in layout of the same name uses; "
        "see src/treatypress/styles/layouts/",
    )


def safe(mapping: Mapping[str, str]) -> dict[str, Markup]:
    return {key: Markup(value) for key, value in mapping.items()}


def check_layouts(book: ResolvedBook) -> tuple[Diagnostic, ...]:
    """What ``check`` does in place of a build's rendering: fill the web and EPUB layouts in
    memory (cheap, no layout engine) and compile every layout the book replaces, so a mistake
    in a book's own layout is reported without building."""
    from .targets import epub, web  # the targets use this module: imported when called

    problems: list[Diagnostic] = []
    for fill in (lambda: web.build_web(book), lambda: epub.build_epub(book, None)):
        try:
            fill()
        except BuildFailed as failed:
            problems.extend(failed.diagnostics)
    styles = Styles(book.config.root)
    env = environment(styles)
    folder = book.config.root / "styles" / "layouts"
    for path in sorted(folder.rglob("*.j2")) if folder.is_dir() else ():
        name = path.relative_to(folder).as_posix()
        try:
            env.get_template(name)
        except jinja2.TemplateError as exc:
            problems.append(_layout_error(env, name, exc))
    return tuple(dict.fromkeys(problems))
